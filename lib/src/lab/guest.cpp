// The userspace guest behind guest.hpp: one wire (a TAP file descriptor or a
// packet socket), one poll loop with a 100 ms ceiling so a stop request or
// the end of the duration is seen at once, and the handful of things a
// minimal IPv4 stack does: ARP (RFC 826, with RFC 5227's probes answered as
// Linux does), ICMP echo (RFC 792) and, on request, an 802.1D configuration
// BPDU. Every frame in and out goes through the decoder for the user to read.
#include <netlab/guest.hpp>

#include <netlab/frames.hpp>
#include <netlab/link.hpp>
#include <netlab/linkio.hpp>
#include <netlab/packet.hpp>
#include <netlab/tuntap.hpp>

#include <fmt/format.h>
#include <pcap/dlt.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <map>
#include <memory>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <unistd.h>
#include <utility>

#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_tun.h>

namespace netlab::guest {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::size_t kEthernetHeader = 14;
constexpr int kArpTries = 3;                 // requests before a next hop counts as dead
constexpr auto kArpRetry = 1s;
constexpr auto kBpduInterval = 2s;           // 802.1D's default hello time
constexpr auto kPingLinger = 2s;             // wait for late replies after the last request
constexpr auto kLoopCeiling = 100ms;         // longest poll: bounds how late a stop is seen
constexpr std::size_t kMaxBurst = 256;       // frames read before timers are looked at again

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const noexcept { return fd_; }

 private:
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fd_ = -1;
};

PacketMeta meta_now(std::size_t size) {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  PacketMeta m;
  m.sec = ts.tv_sec;
  m.frac = static_cast<std::uint32_t>(ts.tv_nsec / 1000);
  m.caplen = static_cast<std::uint32_t>(size);
  m.len = m.caplen;
  return m;
}

// Where the guest's frames go and come from.
class Wire {
 public:
  virtual ~Wire() = default;
  virtual int fd() const noexcept = 0;
  virtual Result<void> send(std::span<const std::uint8_t> frame) = 0;
  // The next waiting frame, without blocking; nullopt when there is none.
  virtual Result<std::optional<Frame>> receive() = 0;
};

// A TAP device opened as a VMM does: the fd carries whole Ethernet frames
// (IFF_NO_PI), and holding it open is what gives the tap its carrier.
class TapWire final : public Wire {
 public:
  static Result<std::unique_ptr<TapWire>> open(const Netns& ns, const Link& link) {
    const std::string object = "interface " + link.name;
    // The tun driver finds the device by name in the opener's namespace.
    std::optional<NetnsScope> scope;
    if (!ns.is_current()) {
      auto s = NetnsScope::enter(ns);
      if (!s) return std::move(s).error();
      scope.emplace(std::move(*s));
    }
    Fd fd(::open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) {
      Error e = Error::from_errno(errno, object, std::string("open /dev/net/tun: ") + std::strerror(errno));
      if (e.sys_errno == ENOENT || e.sys_errno == ENODEV) e.hint = "no /dev/net/tun: load the tun module (modprobe tun)";
      return e;
    }
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, link.name.c_str(), std::min(link.name.size(), std::size_t{IFNAMSIZ - 1}));
    // A multi-queue device only lets in openers that ask for multi-queue too.
    const bool multi_queue = link.tun && link.tun->multi_queue;
    ifr.ifr_flags = static_cast<short>(IFF_TAP | IFF_NO_PI | (multi_queue ? IFF_MULTI_QUEUE : 0));
    if (::ioctl(fd.get(), TUNSETIFF, &ifr) != 0) {
      const int err = errno;
      Error e = Error::from_errno(err, object, std::string("TUNSETIFF: ") + std::strerror(err));
      if (err == EBUSY) {
        e.reason = "already attached to another process";
        auto taps = tap::list(ns, link.name);
        std::string who;
        if (taps && !taps->empty())
          for (const auto& h : taps->front().holders)
            who += (who.empty() ? "" : ", ") + fmt::format("pid {} ({})", h.pid, h.command);
        e.hint = who.empty() ? "a single-queue tap takes one process at a time" : "held open by " + who;
      }
      return e;
    }
    return std::unique_ptr<TapWire>(new TapWire(std::move(fd)));
  }

  int fd() const noexcept override { return fd_.get(); }

  Result<void> send(std::span<const std::uint8_t> frame) override {
    const ssize_t n = ::write(fd_.get(), frame.data(), frame.size());
    if (n < 0) return Error::from_errno(errno, "interface", std::string("write: ") + std::strerror(errno));
    return {};
  }

  Result<std::optional<Frame>> receive() override {
    const ssize_t n = ::read(fd_.get(), buf_.data(), buf_.size());
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return std::optional<Frame>{};
      return Error::from_errno(errno, "interface", std::string("read: ") + std::strerror(errno));
    }
    Frame f;
    f.meta = meta_now(static_cast<std::size_t>(n));
    f.bytes.assign(buf_.begin(), buf_.begin() + n);
    return std::optional<Frame>(std::move(f));
  }

 private:
  explicit TapWire(Fd fd) : fd_(std::move(fd)), buf_(70000) {}
  Fd fd_;
  std::vector<std::uint8_t> buf_;  // above the largest frame a tap hands out (64 KiB + header)
};

// Any other Ethernet interface: a packet socket that sees only what arrives
// (not the guest's own transmissions).
class PcapWire final : public Wire {
 public:
  explicit PcapWire(LinkTap tap) : tap_(std::move(tap)) {}
  int fd() const noexcept override { return tap_.fd(); }
  Result<void> send(std::span<const std::uint8_t> frame) override { return tap_.send(frame); }
  Result<std::optional<Frame>> receive() override { return tap_.poll_one(); }

 private:
  LinkTap tap_;
};

std::string format_rtt(double ms) {
  // ping's precision: three significant digits, at least one decimal.
  if (ms < 1) return fmt::format("{:.3f}", ms);
  if (ms < 10) return fmt::format("{:.2f}", ms);
  if (ms < 100) return fmt::format("{:.1f}", ms);
  return fmt::format("{:.0f}", ms);
}

// An IEEE 802.3 frame (length, not type) to the bridge group address with
// LLC DSAP/SSAP 0x42 and UI control, carrying a 35-byte 802.1D
// configuration BPDU that claims the guest is the root bridge.
std::vector<std::uint8_t> config_bpdu(const MacAddr& mac) {
  const MacAddr stp_group({0x01, 0x80, 0xc2, 0x00, 0x00, 0x00});
  std::vector<std::uint8_t> body{0x42, 0x42, 0x03};  // LLC
  auto put16 = [&body](std::uint16_t v) {
    body.push_back(static_cast<std::uint8_t>(v >> 8));
    body.push_back(static_cast<std::uint8_t>(v & 0xff));
  };
  auto put_bridge_id = [&](std::uint16_t priority) {
    put16(priority);
    body.insert(body.end(), mac.bytes().begin(), mac.bytes().end());
  };
  put16(0x0000);         // protocol identifier: STP
  body.push_back(0x00);  // version 0 (802.1D)
  body.push_back(0x00);  // type: configuration
  body.push_back(0x00);  // flags: no topology change
  put_bridge_id(0x8000); // root identifier
  put16(0);              // root path cost (32 bits)
  put16(0);
  put_bridge_id(0x8000); // bridge identifier
  put16(0x8001);         // port identifier
  put16(0);              // message age, in 1/256 s
  put16(20 * 256);       // max age 20 s
  put16(2 * 256);        // hello time 2 s
  put16(15 * 256);       // forward delay 15 s
  return frames::ethernet(stp_group, mac, static_cast<std::uint16_t>(body.size()), body);
}

struct PingState {
  enum class Phase { Resolving, Pinging, Draining, Done };
  PingSpec spec;
  IpAddr next_hop;
  Phase phase = Phase::Resolving;
  int arp_sent = 0;
  Clock::time_point next_arp{};
  bool unreachable = false;
  std::uint16_t id = 0;
  std::uint32_t sent = 0;
  Clock::time_point next_send{}, first_send{}, drain_until{};
  struct Outstanding {
    Clock::time_point at;
    bool answered = false;
  };
  std::map<std::uint16_t, Outstanding> by_seq;
  std::vector<double> rtts_ms;
  std::uint64_t duplicates = 0;
};

class Guest {
 public:
  Guest(const Config& cfg, MacAddr mac, Wire& wire, const LineSink& sink)
      : cfg_(cfg), mac_(mac), ip_(cfg.address.addr()), wire_(wire), sink_(sink),
        printer_(packet_options(), DLT_EN10MB, cfg.iface) {
    stats_.mac = mac;
  }

  Result<Stats> run(const std::atomic<bool>& stop) {
    const auto start = Clock::now();
    const auto deadline = cfg_.duration_s
                              ? start + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(*cfg_.duration_s))
                              : Clock::time_point::max();
    if (cfg_.garp) {
      announce(ip_);
      if (cfg_.also) announce(*cfg_.also);
    }
    sink_(Line::Ready, fmt::format("netlab guest: {} attached as {} ({})", cfg_.iface, ip_.to_string(), mac_.to_string()));
    Clock::time_point next_bpdu = Clock::time_point::max();
    if (cfg_.bpdu) {
      transmit(config_bpdu(mac_));
      next_bpdu = Clock::now() + kBpduInterval;
    }
    if (cfg_.ping) start_ping(*cfg_.ping);

    while (!stop.load()) {
      auto now = Clock::now();
      if (now >= deadline) break;
      if (now >= next_bpdu) {
        transmit(config_bpdu(mac_));
        next_bpdu += kBpduInterval;
        if (next_bpdu <= now) next_bpdu = now + kBpduInterval;  // after a stall, no burst of catch-up BPDUs
      }
      auto ping_wake = Clock::time_point::max();
      if (ping_) {
        ping_wake = ping_tick(now);
        if (ping_->phase == PingState::Phase::Done) break;
      }
      auto wake = std::min({deadline, next_bpdu, ping_wake, now + kLoopCeiling});
      auto timeout = std::chrono::ceil<std::chrono::milliseconds>(wake - now).count();
      pollfd pfd{wire_.fd(), POLLIN, 0};
      const int ready = ::poll(&pfd, 1, static_cast<int>(std::max<decltype(timeout)>(0, timeout)));
      if (ready < 0 && errno != EINTR) return Error::from_errno(errno, "interface " + cfg_.iface, "poll");
      if (ready <= 0) continue;
      if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) {
        // The device went away under us (deleted, or moved to another namespace).
        Error e;
        e.kind = Errc::System;
        e.sys_errno = EIO;
        e.object = "interface " + cfg_.iface;
        e.reason = "the device went away";
        return e;
      }
      for (std::size_t n = 0; n < kMaxBurst; ++n) {
        auto got = wire_.receive();
        if (!got) {
          Error e = std::move(got).error();
          e.object = "interface " + cfg_.iface;
          return e;
        }
        if (!*got) break;
        on_frame(**got);
      }
    }
    if (ping_) finish_ping();
    return stats_;
  }

 private:
  static PrintOptions packet_options() {
    PrintOptions po;
    po.link_header = true;  // the MACs are half of what ARP trouble is about
    return po;
  }

  bool owns(const IpAddr& a) const noexcept { return a == ip_ || (cfg_.also && a == *cfg_.also); }

  void print_frame(const PacketMeta& meta, std::span<const std::uint8_t> bytes) {
    if (cfg_.quiet) return;
    line_.clear();
    printer_.print(meta, bytes, line_);
    while (!line_.empty() && line_.back() == '\n') line_.pop_back();
    sink_(Line::Packet, line_);
  }

  void notice(std::string_view text) { sink_(Line::Notice, text); }

  void transmit(const std::vector<std::uint8_t>& frame) {
    print_frame(meta_now(frame.size()), frame);
    if (auto sent = wire_.send(frame); !sent) {
      ++stats_.send_errors;
      notice(fmt::format("netlab guest: interface {}: cannot send: {}", cfg_.iface, sent.error().reason));
      return;
    }
    ++stats_.frames_out;
  }

  // Gratuitous ARP as Linux sends it: a broadcast request with sender and
  // target both the announced address and an all-zero target MAC.
  void announce(const IpAddr& addr) {
    frames::Arp a;
    a.op = frames::kArpRequest;
    a.sha = mac_;
    a.spa = addr;
    a.tpa = addr;
    transmit(frames::arp(frames::broadcast_mac(), mac_, a));
  }

  void on_frame(const Frame& f) {
    ++stats_.frames_in;
    print_frame(f.meta, f.bytes);
    const std::size_t wire_len = std::max<std::size_t>(f.meta.len, f.bytes.size());
    if (wire_len > cfg_.mtu + kEthernetHeader) {
      ++stats_.dropped_mtu;
      notice(fmt::format("netlab guest: dropped a {}-byte frame: longer than mtu {} + {}", wire_len, cfg_.mtu,
                         kEthernetHeader));
      return;
    }
    auto p = frames::parse(f.bytes);
    if (!p || p->vlan) return;  // a guest without VLAN support ignores tagged frames
    // A NIC takes frames to its own address and broadcasts; other multicast
    // groups it has not joined, and unicast to other stations, are filtered.
    if (!(p->eth_dst == mac_) && !p->eth_dst.is_broadcast()) return;
    if (p->arp) on_arp(*p->arp);
    else if (p->ipv4 && p->icmp) on_icmp(*p, f.bytes);
  }

  void on_arp(const frames::Arp& a) {
    if (a.spa == ip_ && !(a.sha == mac_))
      notice(fmt::format("netlab guest: address conflict: {} is also claimed by {}", ip_.to_string(), a.sha.to_string()));
    // RFC 826's merge: refresh a known sender, learn a new one that asked us.
    if (a.spa.is_v4() && !(a.spa == frames::ipv4_any()) && !owns(a.spa)) {
      auto it = neighbours_.find(a.spa);
      if (it != neighbours_.end()) it->second = a.sha;
      else if (owns(a.tpa) || (ping_ && a.spa == ping_->next_hop)) neighbours_.emplace(a.spa, a.sha);
    }
    // Answer requests for our addresses, probes (sender 0.0.0.0) included, as
    // Linux does; a gratuitous request is an announcement, not a question.
    if (!a.is_request() || !owns(a.tpa) || a.is_gratuitous() || cfg_.arp_off) return;
    frames::Arp reply;
    reply.op = frames::kArpReply;
    reply.sha = mac_;
    reply.spa = cfg_.reply_sender.value_or(a.tpa);
    reply.tha = a.sha;
    reply.tpa = a.spa;
    transmit(frames::arp(cfg_.reply_dst.value_or(a.sha), mac_, reply));
    ++stats_.arp_replies;
  }

  static bool checksum_ok(std::span<const std::uint8_t> bytes) { return frames::internet_checksum(bytes) == 0; }

  void on_icmp(const frames::Parsed& p, std::span<const std::uint8_t> frame) {
    const frames::Ipv4& ip = *p.ipv4;
    if (!owns(ip.dst) || ip.more_fragments || ip.fragment_offset != 0) return;
    // A stack drops what fails its checksums; the printed line shows why.
    if (frame.size() < kEthernetHeader + 20) return;
    const std::size_t ihl = std::size_t(frame[kEthernetHeader] & 0x0f) * 4;
    if (ihl < 20 || frame.size() < kEthernetHeader + ihl) return;
    if (!checksum_ok(frame.subspan(kEthernetHeader, ihl))) return;
    if (p.l3_payload.size() < 8 || !checksum_ok(p.l3_payload)) return;
    const frames::Icmp& icmp = *p.icmp;
    if (icmp.type == frames::kIcmpEchoRequest && icmp.code == 0) {
      frames::EchoSpec s;
      s.eth_dst = p.eth_src;
      s.eth_src = mac_;
      s.src = ip.dst;
      s.dst = ip.src;
      s.reply = true;
      s.id = icmp.id;
      s.seq = icmp.seq;
      s.payload = p.l3_payload.subspan(8);
      transmit(frames::icmp_echo(s));
      ++stats_.echo_replies;
    } else if (icmp.type == frames::kIcmpEchoReply && ping_) {
      on_echo_reply(ip, icmp, p.l3_payload.size());
    }
  }

  // --- ping ---------------------------------------------------------------

  void start_ping(const PingSpec& spec) {
    ping_.emplace();
    ping_->spec = spec;
    ping_->next_hop = cfg_.address.contains(spec.target) ? spec.target : cfg_.gateway.value_or(spec.target);
    ping_->id = static_cast<std::uint16_t>(::getpid() & 0xffff);
    sink_(Line::Ping, fmt::format("PING {0} ({0}) {1}({2}) bytes of data.", spec.target.to_string(), spec.size,
                                  spec.size + 28));
  }

  // Advances the ping; returns when it next needs the loop to wake.
  Clock::time_point ping_tick(Clock::time_point now) {
    PingState& ps = *ping_;
    using Phase = PingState::Phase;
    if (ps.phase == Phase::Resolving) {
      if (neighbours_.count(ps.next_hop)) {
        stats_.ping_resolved = true;
        ps.phase = Phase::Pinging;
        ps.next_send = now;
      } else if (now >= ps.next_arp) {
        if (ps.arp_sent >= kArpTries) {
          ps.unreachable = true;
          ps.phase = Phase::Done;
          sink_(Line::Ping, fmt::format("From {} icmp_seq=1 Destination Host Unreachable", ip_.to_string()));
          notice(fmt::format("netlab guest: {} did not answer {} ARP requests", ps.next_hop.to_string(), kArpTries));
          return now;
        }
        transmit(frames::arp_request(mac_, ip_, ps.next_hop));
        ++ps.arp_sent;
        ps.next_arp = now + kArpRetry;
        return ps.next_arp;
      } else {
        return ps.next_arp;
      }
    }
    if (ps.phase == Phase::Pinging) {
      if (now >= ps.next_send) {
        send_echo(now);
        ps.next_send += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(ps.spec.interval_s));
        if (ps.next_send <= now) ps.next_send = now;  // a late loop must not send a burst
        if (ps.spec.count != 0 && ps.sent >= ps.spec.count) {
          ps.phase = Phase::Draining;
          ps.drain_until = now + kPingLinger;
        }
      }
      if (ps.phase == Phase::Pinging) return ps.next_send;
    }
    if (ps.phase == Phase::Draining) {
      if (ps.rtts_ms.size() >= ps.sent || now >= ps.drain_until) ps.phase = Phase::Done;
      return ps.drain_until;
    }
    return Clock::time_point::max();
  }

  void send_echo(Clock::time_point now) {
    PingState& ps = *ping_;
    const auto seq = static_cast<std::uint16_t>(ps.sent + 1);
    std::vector<std::uint8_t> payload(ps.spec.size);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i + 8);  // ping's fill
    frames::EchoSpec s;
    s.eth_dst = neighbours_.at(ps.next_hop);
    s.eth_src = mac_;
    s.src = ip_;
    s.dst = ps.spec.target;
    s.id = ps.id;
    s.seq = seq;
    s.payload = payload;
    if (ps.sent == 0) ps.first_send = now;
    ps.by_seq[seq] = PingState::Outstanding{Clock::now(), false};
    ++ps.sent;
    ++stats_.ping_sent;
    transmit(frames::icmp_echo(s));
  }

  void on_echo_reply(const frames::Ipv4& ip, const frames::Icmp& icmp, std::size_t icmp_len) {
    PingState& ps = *ping_;
    if (icmp.id != ps.id || !(ip.src == ps.spec.target) || !(ip.dst == ip_)) return;
    auto it = ps.by_seq.find(icmp.seq);
    if (it == ps.by_seq.end()) return;
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - it->second.at).count();
    std::string text = fmt::format("{} bytes from {}: icmp_seq={} ttl={} time={} ms", icmp_len,
                                   ip.src.to_string(), icmp.seq, ip.ttl, format_rtt(ms));
    if (it->second.answered) {
      ++ps.duplicates;
      text += " (DUP!)";
    } else {
      it->second.answered = true;
      ps.rtts_ms.push_back(ms);
      ++stats_.ping_received;
    }
    sink_(Line::Ping, text);
  }

  void finish_ping() {
    const PingState& ps = *ping_;
    const auto elapsed =
        ps.sent ? std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - ps.first_send).count() : 0;
    sink_(Line::Ping, "");
    sink_(Line::Ping, fmt::format("--- {} ping statistics ---", ps.spec.target.to_string()));
    std::string summary = fmt::format("{} packets transmitted, {} received", ps.sent, ps.rtts_ms.size());
    if (ps.duplicates) summary += fmt::format(", +{} duplicates", ps.duplicates);
    if (ps.unreachable) summary += ", +1 errors";
    if (ps.sent) summary += fmt::format(", {}% packet loss", (ps.sent - ps.rtts_ms.size()) * 100 / ps.sent);
    summary += fmt::format(", time {}ms", elapsed);
    sink_(Line::Ping, summary);
    if (ps.rtts_ms.empty()) return;
    double sum = 0, sum2 = 0;
    for (double r : ps.rtts_ms) {
      sum += r;
      sum2 += r * r;
    }
    const double n = static_cast<double>(ps.rtts_ms.size());
    const double avg = sum / n;
    const double mdev = std::sqrt(std::max(0.0, sum2 / n - avg * avg));
    const auto [lo, hi] = std::minmax_element(ps.rtts_ms.begin(), ps.rtts_ms.end());
    sink_(Line::Ping, fmt::format("rtt min/avg/max/mdev = {:.3f}/{:.3f}/{:.3f}/{:.3f} ms", *lo, avg, *hi, mdev));
  }

  const Config& cfg_;
  MacAddr mac_;
  IpAddr ip_;
  Wire& wire_;
  const LineSink& sink_;
  PacketPrinter printer_;
  Stats stats_;
  std::string line_;
  std::map<IpAddr, MacAddr> neighbours_;  // the guest's ARP cache
  std::optional<PingState> ping_;
};

Error usage(const std::string& object, std::string reason) { return Error::usage(object, std::move(reason)); }

Result<void> require_v4(const IpAddr& a, const std::string& what) {
  if (!a.is_v4()) return usage(what + " " + a.to_string(), "the guest speaks IPv4 only");
  return {};
}

}  // namespace

MacAddr random_mac() {
  std::array<std::uint8_t, 6> b{};
  if (::getrandom(b.data(), b.size(), 0) != static_cast<ssize_t>(b.size())) {
    // No entropy source: the clock and pid still make collisions unlikely in a lab.
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    std::uint64_t x = static_cast<std::uint64_t>(ts.tv_nsec) * 0x9e3779b97f4a7c15ULL ^
                      static_cast<std::uint64_t>(::getpid()) << 17 ^ static_cast<std::uint64_t>(ts.tv_sec);
    for (auto& byte : b) {
      byte = static_cast<std::uint8_t>(x);
      x >>= 8;
    }
  }
  b[0] = static_cast<std::uint8_t>((b[0] & 0xfc) | 0x02);  // unicast, locally administered
  return MacAddr(b);
}

Result<void> validate(const Config& c) {
  if (auto n = IfName::parse(c.iface); !n) return std::move(n).error();
  const IpAddr& ip = c.address.addr();
  NETLAB_TRY(require_v4(ip, "address"));
  if (ip == frames::ipv4_any() || ip.is_multicast() || ip.bytes()[0] == 127 || ip.bytes()[0] >= 240)
    return usage("address " + ip.to_string(), "is not a unicast host address");
  if (c.mtu < 68 || c.mtu > 65535) return usage("mtu " + std::to_string(c.mtu), "must be between 68 and 65535");
  if (c.gateway) {
    NETLAB_TRY(require_v4(*c.gateway, "gateway"));
    if (!c.address.contains(*c.gateway))
      return usage("gateway " + c.gateway->to_string(), "is not on the guest's subnet " + c.address.network().to_string());
    if (*c.gateway == ip) return usage("gateway " + c.gateway->to_string(), "is the guest's own address");
  }
  if (c.also) {
    NETLAB_TRY(require_v4(*c.also, "address"));
    if (*c.also == ip) return usage("also " + c.also->to_string(), "is the guest's own address");
  }
  if (c.reply_sender) NETLAB_TRY(require_v4(*c.reply_sender, "reply-sender"));
  if (c.duration_s && !(std::isfinite(*c.duration_s) && *c.duration_s > 0 && *c.duration_s <= 1e7))
    return usage("duration", "must be a positive number of seconds");
  if (c.ping) {
    const PingSpec& p = *c.ping;
    const std::string object = "ping " + p.target.to_string();
    NETLAB_TRY(require_v4(p.target, "ping"));
    if (p.target == ip || (c.also && p.target == *c.also)) return usage(object, "is the guest's own address");
    if (p.target.is_multicast() || p.target == frames::ipv4_any())
      return usage(object, "is not a unicast address");
    if (!c.address.contains(p.target) && !c.gateway)
      return usage(object, "is outside " + c.address.network().to_string() + " and no gateway is given");
    if (!(std::isfinite(p.interval_s) && p.interval_s >= 0.001 && p.interval_s <= 3600))
      return usage("interval", "must be between 0.001 and 3600 seconds");
    if (p.size > 65507) return usage("size " + std::to_string(p.size), "must be at most 65507 bytes");
    if (p.size + 28 > c.mtu)
      return usage("size " + std::to_string(p.size),
                   fmt::format("needs an mtu of at least {} (the guest's mtu is {})", p.size + 28, c.mtu));
  }
  return {};
}

Result<Stats> run(const Netns& ns, const Config& config, const std::atomic<bool>& stop, const LineSink& sink) {
  NETLAB_TRY(validate(config));
  auto link = link::get(ns, config.iface);
  if (!link) {
    Error e = std::move(link).error();
    if (e.kind == Errc::NotFound) {
      e.object = "interface " + config.iface;
      e.reason = "No such device";
    }
    return e;
  }
  const MacAddr mac = config.mac.value_or(random_mac());
  std::unique_ptr<Wire> wire;
  if (link->kind == "tun") {
    if (link->tun && !link->tun->tap)
      return usage("interface " + config.iface,
                   "is a TUN (layer 3) device; the guest needs a TAP (layer 2) device: netlab tap create NAME");
    auto tap = TapWire::open(ns, *link);
    if (!tap) return std::move(tap).error();
    wire = std::move(*tap);
  } else {
    if (link->link_type != ARPHRD_ETHER)
      return usage("interface " + config.iface, "is not an Ethernet interface (link/" + link->link_type_name() + ")");
    LinkTapOptions lo;
    lo.direction = Direction::In;  // the guest's own frames are printed when sent, not again when seen
    // A NIC with a MAC other than the interface's own only hears its unicast in promiscuous mode.
    lo.promiscuous = !(link->mac() && *link->mac() == mac);
    lo.snaplen = 65535;
    auto tap = LinkTap::open(ns, config.iface, lo);
    if (!tap) return std::move(tap).error();
    wire = std::make_unique<PcapWire>(std::move(*tap));
  }

  if (mac.is_multicast())
    sink(Line::Notice, fmt::format("netlab guest: warning: MAC {} is a multicast address: no NIC may have it; "
                                   "bridges drop frames sent from it",
                                   mac.to_string()));
  else if (mac.is_zero())
    sink(Line::Notice, fmt::format("netlab guest: warning: MAC {} is all zeros: no NIC may have it", mac.to_string()));
  if (!link->is_up())
    sink(Line::Notice, fmt::format("netlab guest: warning: interface {} is down: the host neither sends nor "
                                   "receives on it (netlab link set {} up)",
                                   config.iface, config.iface));

  Guest guest(config, mac, *wire, sink);
  return guest.run(stop);
}

}  // namespace netlab::guest
