// The userspace guest behind guest.hpp: one wire (a TAP file descriptor or a
// packet socket), one poll loop with a 100 ms ceiling so a stop request or
// the end of the duration is seen at once, and the handful of things a
// minimal IPv4 stack does: ARP (RFC 826, with RFC 5227's probes answered as
// Linux does), ICMP echo (RFC 792) and, on request, an 802.1D configuration
// BPDU; and the IPv6 a minimal host or router needs: DAD and SLAAC (RFC
// 4862), neighbour and router discovery (RFC 4861), echo (RFC 4443) and
// MLDv2 reports for its groups (RFC 3810). Every frame in and out goes
// through the decoder for the user to read.
#include <netlab/guest.hpp>

#include <netlab/frames.hpp>
#include <netlab/frames6.hpp>
#include <netlab/link.hpp>
#include <netlab/linkio.hpp>
#include <netlab/packet.hpp>
#include <netlab/tuntap.hpp>

#include "base/fd.hpp"
#include "base/privilege.hpp"

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
#include <set>
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
constexpr std::uint32_t kIpv6MinMtu = 1280;  // RFC 8200 5
constexpr auto kDadWait = 1s;                // RFC 4861 RetransTimer after the one DAD probe
constexpr auto kPing6SourceWait = 8s;        // DAD, then an RS/RA exchange and DAD again for SLAAC
constexpr auto kRaAnswerGap = 200ms;         // a router answers RS at most this often
constexpr std::uint16_t kRouterLifetime = 1800;      // radvd's default (3 x MaxRtrAdvInterval)
constexpr std::uint32_t kPrefixValid = 86400;        // radvd's AdvValidLifetime
constexpr std::uint32_t kPrefixPreferred = 14400;    // radvd's AdvPreferredLifetime

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
      if (e.sys_errno == EACCES) e.hint = "run as root, or let this user open /dev/net/tun";
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
      if (err == EPERM) {
        const std::size_t plain = e.reason.size();
        e = needs_capability(std::move(e), Capability::NetAdmin);
        // The other way in, on the same line: a tap made for this user.
        if (e.reason.size() > plain) e.reason.insert(e.reason.size() - 1, ", or a tap owned by this user");
      }
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
  // IPv6 pings first wait for a usable source address (DAD, SLAAC) and a
  // route; IPv4 ones start resolving at once.
  enum class Phase { Waiting, Resolving, Pinging, Draining, Done };
  PingSpec spec;
  bool v6 = false;
  IpAddr source;  // IPv6: the address the requests come from
  IpAddr next_hop;
  Phase phase = Phase::Resolving;
  Clock::time_point wait_until{};
  int arp_sent = 0;  // ARP requests or neighbour solicitations
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

// One IPv6 address of the guest and where it stands in RFC 4862's life cycle.
struct Address6 {
  enum class State { Tentative, Preferred, Duplicate };
  Prefix prefix;  // the address and its on-link prefix length
  State state = State::Tentative;
  Clock::time_point dad_until{};
  enum class Origin { LinkLocal, Static, Slaac } origin = Origin::Static;
  IpAddr router;  // SLAAC: who advertised the prefix

  const IpAddr& addr() const noexcept { return prefix.addr(); }
  bool usable() const noexcept { return state == State::Preferred; }
};

class Guest {
 public:
  Guest(const Config& cfg, MacAddr mac, Wire& wire, const LineSink& sink)
      : cfg_(cfg), mac_(mac), ip_(cfg.address.addr()), wire_(wire), sink_(sink),
        printer_(packet_options(), DLT_EN10MB, cfg.iface), ipv6_(cfg.ipv6 && cfg.mtu >= kIpv6MinMtu) {
    stats_.mac = mac;
  }

  Result<Stats> run(const std::atomic<bool>& stop) {
    const auto start = Clock::now();
    const auto deadline = cfg_.duration_s
                              ? start + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(*cfg_.duration_s))
                              : Clock::time_point::max();
    if (cfg_.garp && has_v4()) {
      announce(ip_);
      if (cfg_.also) announce(*cfg_.also);
    }
    if (cfg_.ipv6 && !ipv6_)
      notice(fmt::format("netlab guest: mtu {} is below IPv6's minimum of {}: IPv6 is off, as Linux turns it off",
                         cfg_.mtu, kIpv6MinMtu));
    if (ipv6_) start_ipv6(start);
    sink_(Line::Ready, fmt::format("netlab guest: {} attached as {} ({})", cfg_.iface, ready_address().to_string(),
                                   mac_.to_string()));
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
      const auto ipv6_wake = ipv6_ ? ipv6_tick(now) : Clock::time_point::max();
      auto ping_wake = Clock::time_point::max();
      if (ping_) {
        ping_wake = ping_tick(now);
        if (ping_->phase == PingState::Phase::Done) break;
      }
      auto wake = std::min({deadline, next_bpdu, ping_wake, ipv6_wake, now + kLoopCeiling});
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

  bool has_v4() const noexcept { return ip_.is_v4(); }
  bool owns(const IpAddr& a) const noexcept {
    return has_v4() && (a == ip_ || (cfg_.also && a == *cfg_.also));
  }
  bool router_mode() const noexcept { return cfg_.ra_prefix.has_value(); }

  // The address the readiness line names: IPv4 when there is one (the
  // IPv4 contract), else the static IPv6 address, else the link-local one.
  IpAddr ready_address() const {
    if (has_v4()) return ip_;
    if (cfg_.address6) return cfg_.address6->addr();
    const Address6* ll = link_local();
    return ll ? ll->addr() : IpAddr{};
  }

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

  // Multicast groups the guest's NIC filter lets in: all-nodes, the
  // solicited-node group of each address (tentative ones too, to hear
  // another station's DAD), all-routers when it is a router.
  bool listening(const MacAddr& dst) const {
    if (!ipv6_ || !dst.is_multicast()) return false;
    if (dst == frames::multicast_mac(frames::all_nodes())) return true;
    if (router_mode() && dst == frames::multicast_mac(frames::all_routers())) return true;
    for (const auto& a : addrs6_)
      if (a.state != Address6::State::Duplicate && dst == frames::multicast_mac(frames::solicited_node(a.addr())))
        return true;
    return false;
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
    if (!(p->eth_dst == mac_) && !p->eth_dst.is_broadcast() && !listening(p->eth_dst)) return;
    if (p->arp) on_arp(*p->arp);
    else if (p->ipv4 && p->icmp) on_icmp(*p, f.bytes);
    else if (p->ipv6 && ipv6_) on_ipv6(*p);
  }

  void on_arp(const frames::Arp& a) {
    if (!has_v4()) return;  // an IPv6-only guest has no ARP
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
    } else if (icmp.type == frames::kIcmpEchoReply && ping_ && !ping_->v6) {
      on_echo_reply(ip.src, ip.dst, ip.ttl, icmp.id, icmp.seq, p.l3_payload.size());
    }
  }

  // --- IPv6: addresses and DAD (RFC 4862) ----------------------------------

  Address6* find6(const IpAddr& a) {
    for (auto& x : addrs6_)
      if (x.addr() == a) return &x;
    return nullptr;
  }
  const Address6* link_local() const {
    for (const auto& x : addrs6_)
      if (x.origin == Address6::Origin::LinkLocal) return &x;
    return nullptr;
  }
  const Address6* usable_link_local() const {
    const Address6* ll = link_local();
    return ll && ll->usable() ? ll : nullptr;
  }
  bool owns6(const IpAddr& a) const {
    return std::any_of(addrs6_.begin(), addrs6_.end(), [&](const Address6& x) { return x.usable() && x.addr() == a; });
  }

  // The groups an MLD report names: solicited-node groups of every address
  // not found duplicate (tentative ones included, RFC 4862 5.4.2), and
  // all-routers for a router. All-nodes is never reported (RFC 3810 6).
  std::vector<IpAddr> groups() const {
    std::vector<IpAddr> g;
    for (const auto& a : addrs6_) {
      if (a.state == Address6::State::Duplicate) continue;
      const IpAddr sn = frames::solicited_node(a.addr());
      if (std::find(g.begin(), g.end(), sn) == g.end()) g.push_back(sn);
    }
    if (router_mode()) g.push_back(frames::all_routers());
    return g;
  }

  void report_groups() {
    const Address6* ll = usable_link_local();
    const auto g = groups();
    if (!g.empty()) transmit(frames::mldv2_report(mac_, ll ? ll->addr() : frames::ipv6_any(), g));
  }

  // Joins the address's solicited-node group and sends the DAD probe: an NS
  // from :: for it (RFC 4862 5.4.2, DupAddrDetectTransmits 1).
  void start_dad(Address6& a, Clock::time_point now) {
    a.state = Address6::State::Tentative;
    a.dad_until = now + kDadWait;
    frames::NsSpec ns;
    ns.src_mac = mac_;
    ns.src = frames::ipv6_any();
    ns.target = a.addr();
    transmit(frames::neighbor_solicitation(ns));
  }

  void start_ipv6(Clock::time_point now) {
    const bool static_link_local = cfg_.address6 && cfg_.address6->addr().is_link_local();
    Address6 ll;
    ll.origin = Address6::Origin::LinkLocal;
    ll.prefix = static_link_local ? *cfg_.address6 : Prefix(frames::link_local_from_mac(mac_), 64);
    addrs6_.push_back(ll);
    if (cfg_.address6 && !static_link_local) {
      Address6 fixed;
      fixed.origin = Address6::Origin::Static;
      fixed.prefix = *cfg_.address6;
      addrs6_.push_back(fixed);
    }
    report_groups();  // from ::, as the link-local address is still tentative
    for (auto& a : addrs6_) start_dad(a, now);
  }

  void dad_failed(Address6& a, const MacAddr& other, std::string_view how) {
    if (a.state != Address6::State::Tentative) return;
    a.state = Address6::State::Duplicate;
    stats_.dad_failed.push_back(a.addr());
    notice(fmt::format("netlab guest: DAD failed for {}: {} {}; the address is not used", a.addr().to_string(),
                       other.to_string(), how));
    if (a.origin == Address6::Origin::LinkLocal)
      notice("netlab guest: without a link-local address the guest sends no router solicitation"
             " or advertisement");
  }

  void dad_passed(Address6& a, Clock::time_point now) {
    a.state = Address6::State::Preferred;
    stats_.ipv6_addresses.push_back(a.prefix);
    if (a.origin == Address6::Origin::Slaac)
      notice(fmt::format("netlab guest: SLAAC address {} from router {}", a.prefix.to_string(), a.router.to_string()));
    else
      notice(fmt::format("netlab guest: IPv6 address {} ready (DAD passed)", a.prefix.to_string()));
    if (a.origin != Address6::Origin::LinkLocal) return;
    // The link-local address is usable: report membership from it, as Linux
    // does, then ask for routers, or be one.
    report_groups();
    if (router_mode()) {
      send_ra(now);
    } else if (cfg_.slaac) {
      transmit(frames::router_solicitation(mac_, a.addr()));
    }
  }

  Clock::duration ra_interval() const {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(cfg_.ra_interval_s));
  }

  // Advances DAD and the RA timer; returns when it next needs the loop.
  Clock::time_point ipv6_tick(Clock::time_point now) {
    auto wake = Clock::time_point::max();
    // By index: dad_passed may send frames but never adds addresses.
    for (std::size_t i = 0; i < addrs6_.size(); ++i) {
      if (addrs6_[i].state != Address6::State::Tentative) continue;
      if (now >= addrs6_[i].dad_until) dad_passed(addrs6_[i], now);
      else wake = std::min(wake, addrs6_[i].dad_until);
    }
    if (router_mode() && next_ra_ != Clock::time_point::max()) {
      if (now >= next_ra_) send_ra(now);  // schedules the next one
      wake = std::min(wake, next_ra_);
    }
    return wake;
  }

  void send_ra(Clock::time_point now) {
    const Address6* ll = usable_link_local();
    if (!ll) return;  // RFC 4861 6.1.2: RAs come from a link-local address
    frames::RaSpec ra;
    ra.src_mac = mac_;
    ra.src = ll->addr();
    ra.router_lifetime = kRouterLifetime;
    if (cfg_.mtu != 1500) ra.mtu = cfg_.mtu;  // advertise only what differs from Ethernet's default
    frames::NdPrefixInfo pi;
    pi.prefix = cfg_.ra_prefix->network();
    pi.on_link = true;
    pi.autonomous = true;
    pi.valid_lifetime = kPrefixValid;
    pi.preferred_lifetime = kPrefixPreferred;
    ra.prefixes.push_back(pi);
    transmit(frames::router_advertisement(ra));
    ++stats_.ra_sent;
    last_ra_ = now;
    next_ra_ = now + ra_interval();  // an answer to an RS restarts the period, as radvd does
  }

  // --- IPv6: receiving --------------------------------------------------------

  // Whether the packet's destination is one this guest takes.
  bool for_us6(const IpAddr& dst) const {
    if (dst == frames::all_nodes()) return true;
    if (router_mode() && dst == frames::all_routers()) return true;
    for (const auto& a : addrs6_) {
      if (a.state == Address6::State::Duplicate) continue;
      if (dst == a.addr() || dst == frames::solicited_node(a.addr())) return true;
    }
    return false;
  }

  void on_ipv6(const frames::Parsed& p) {
    const frames::Ipv6& ip = *p.ipv6;
    // The guest speaks ICMPv6 only; a stack drops what fails its checksum
    // (the printed line shows it) and what is not addressed to it.
    if (!p.icmpv6 || p.icmpv6->checksum_ok != true || !for_us6(ip.dst)) return;
    const frames::Icmpv6& icmp = *p.icmpv6;
    if (p.ndp) {
      // RFC 4861 7.1.1/6.1.1: hop limit 255 (never forwarded), code 0, sane options.
      if (ip.hop_limit != 255 || icmp.code != 0 || p.ndp->options_malformed) return;
      switch (p.ndp->type) {
        case frames::kNdNeighborSolicit: on_ns(p); break;
        case frames::kNdNeighborAdvert: on_na(p); break;
        case frames::kNdRouterSolicit: on_rs(p); break;
        case frames::kNdRouterAdvert: on_ra(p); break;
        default: break;
      }
      return;
    }
    if (icmp.type == frames::kIcmp6EchoRequest && icmp.code == 0) on_echo6(p);
    else if (icmp.type == frames::kIcmp6EchoReply && ping_ && ping_->v6)
      on_echo_reply(ip.src, ip.dst, ip.hop_limit, icmp.id, icmp.seq, ip.payload.size());
    else if (p.mld && icmp.type == frames::kMldQuery && ip.router_alert)
      report_groups();  // answer at once: a lab has no report storms to avoid
  }

  void on_ns(const frames::Parsed& p) {
    const frames::Ipv6& ip = *p.ipv6;
    const frames::Ndp& nd = *p.ndp;
    if (nd.target.is_multicast()) return;
    Address6* a = find6(nd.target);
    if (!a || a->state == Address6::State::Duplicate) return;
    if (nd.is_dad_probe(ip)) {
      // RFC 4862 5.4.3: another station probing for our tentative address
      // means it is not ours to take; a usable one we defend.
      if (nd.source_lladdr || !(ip.dst == frames::solicited_node(nd.target))) return;
      if (a->state == Address6::State::Tentative) {
        if (!(p.eth_src == mac_)) dad_failed(*a, p.eth_src, "is probing for it too (DAD)");
        return;
      }
    } else {
      if (!a->usable()) return;  // RFC 4862 5.4: a tentative address answers nobody
      // RFC 4861 7.2.3: the soliciter's link-layer address updates our cache.
      if (nd.source_lladdr) learn6(ip.src, *nd.source_lladdr, true);
    }
    auto na = frames::neighbor_advertisement_to(p, mac_, cfg_.tlla, router_mode());
    if (!na) return;
    transmit(*na);
    ++stats_.na_replies;
  }

  void on_na(const frames::Parsed& p) {
    const frames::Ndp& nd = *p.ndp;
    if (p.ipv6->dst.is_multicast() && nd.solicited) return;  // RFC 4861 7.1.2
    if (Address6* a = find6(nd.target)) {
      const MacAddr other = nd.target_lladdr.value_or(p.eth_src);
      if (a->state == Address6::State::Tentative && !(other == mac_)) dad_failed(*a, other, "answers for it");
      else if (a->usable() && !(other == mac_))
        notice(fmt::format("netlab guest: address conflict: {} is also claimed by {}", a->addr().to_string(),
                           other.to_string()));
      return;
    }
    // Without the option an incomplete entry cannot be resolved (RFC 4861
    // 7.2.5), which is what cause C28 shows from the other side.
    if (nd.target_lladdr) learn6(nd.target, *nd.target_lladdr, false);
  }

  // Records a neighbour's MAC: always when `create`, else only when the
  // entry exists or the ping waits for it.
  void learn6(const IpAddr& addr, const MacAddr& mac, bool create) {
    if (addr.is_multicast() || !addr.is_v6() || addr == frames::ipv6_any()) return;
    auto it = neighbours_.find(addr);
    if (it != neighbours_.end()) it->second = mac;
    else if (create || (ping_ && ping_->v6 && addr == ping_->next_hop)) neighbours_.emplace(addr, mac);
  }

  void on_rs(const frames::Parsed& p) {
    if (!router_mode()) return;
    const frames::Ndp& nd = *p.ndp;
    if (!(p.ipv6->src == frames::ipv6_any()) && nd.source_lladdr) learn6(p.ipv6->src, *nd.source_lladdr, true);
    if (!usable_link_local()) return;  // not a router yet: the first RA follows DAD
    const auto now = Clock::now();
    // Answer with a multicast RA, as radvd does; one that would follow the
    // last too closely is delayed to kRaAnswerGap after it (RFC 4861 6.2.6).
    if (last_ra_ != Clock::time_point{} && now - last_ra_ < kRaAnswerGap) next_ra_ = std::min(next_ra_, last_ra_ + kRaAnswerGap);
    else send_ra(now);
  }

  void on_ra(const frames::Parsed& p) {
    // A router (forwarding on) and a guest told not to ignore RAs, as Linux
    // with forwarding=1 or accept_ra=0 does.
    if (router_mode() || !cfg_.slaac) return;
    const frames::Ipv6& ip = *p.ipv6;
    const frames::Ndp& nd = *p.ndp;
    if (!ip.src.is_link_local()) return;  // RFC 4861 6.1.2
    if (nd.source_lladdr) learn6(ip.src, *nd.source_lladdr, true);
    if (nd.router_lifetime > 0) default_router6_ = ip.src;
    else if (default_router6_ == ip.src) default_router6_.reset();
    const auto now = Clock::now();
    for (const auto& pi : nd.prefixes) {
      const Prefix net = pi.prefix.network();
      if (net.addr().is_link_local() || net.addr().is_multicast()) continue;
      if (pi.on_link && pi.valid_lifetime > 0 && std::find(onlink6_.begin(), onlink6_.end(), net) == onlink6_.end())
        onlink6_.push_back(net);
      // RFC 4862 5.5.3: A flag, a valid lifetime, preferred <= valid.
      if (!pi.autonomous || pi.valid_lifetime == 0 || pi.preferred_lifetime > pi.valid_lifetime) continue;
      if (net.len() != 64) {
        // Linux stays silent here (a ratelimited debug message): cause C30.
        if (warned_prefixes_.insert(net.to_string()).second)
          notice(fmt::format("netlab guest: router {} advertises {} for SLAAC, but SLAAC needs a /64: no address formed",
                             ip.src.to_string(), net.to_string()));
        continue;
      }
      const IpAddr addr = frames::slaac_address(net, mac_);
      if (find6(addr)) continue;
      Address6 a;
      a.origin = Address6::Origin::Slaac;
      a.prefix = Prefix(addr, 64);
      a.router = ip.src;
      addrs6_.push_back(a);
      report_groups();
      start_dad(addrs6_.back(), now);
    }
  }

  void on_echo6(const frames::Parsed& p) {
    const frames::Ipv6& ip = *p.ipv6;
    IpAddr src = ip.dst;
    if (ip.dst.is_multicast()) {
      // Linux answers echo to all-nodes too, from the link-local address.
      const Address6* ll = usable_link_local();
      if (!ll || !(ip.dst == frames::all_nodes())) return;
      src = ll->addr();
    } else if (!owns6(ip.dst)) {
      return;
    }
    if (ip.payload.size() < 8) return;
    frames::Echo6Spec s;
    s.eth_dst = p.eth_src;
    s.eth_src = mac_;
    s.src = src;
    s.dst = ip.src;
    s.reply = true;
    s.id = p.icmpv6->id;
    s.seq = p.icmpv6->seq;
    s.payload = ip.payload.subspan(8);
    transmit(frames::icmpv6_echo(s));
    ++stats_.echo_replies;
  }

  // --- ping ---------------------------------------------------------------

  void start_ping(const PingSpec& spec) {
    ping_.emplace();
    ping_->spec = spec;
    ping_->id = static_cast<std::uint16_t>(::getpid() & 0xffff);
    if (spec.target.is_v6()) {
      ping_->v6 = true;
      ping_->phase = PingState::Phase::Waiting;
      ping_->wait_until = Clock::now() + kPing6SourceWait;
      // iputils' header for IPv6.
      sink_(Line::Ping, fmt::format("PING {0}({0}) {1} data bytes", spec.target.to_string(), spec.size));
      return;
    }
    ping_->next_hop = cfg_.address.contains(spec.target) ? spec.target : cfg_.gateway.value_or(spec.target);
    sink_(Line::Ping, fmt::format("PING {0} ({0}) {1}({2}) bytes of data.", spec.target.to_string(), spec.size,
                                  spec.size + 28));
  }

  // An IPv6 ping's source address and next hop, once there are usable ones:
  // the link-local address for a link-local target; else a usable global
  // address (one on the target's prefix first), with the target itself as
  // next hop when on-link, else the default router learnt from RAs.
  bool choose_route6(PingState& ps) const {
    const IpAddr& target = ps.spec.target;
    if (target.is_link_local()) {
      const Address6* ll = usable_link_local();
      if (!ll) return false;
      ps.source = ll->addr();
      ps.next_hop = target;
      return true;
    }
    const Address6* source = nullptr;
    bool onlink = false;
    for (const auto& a : addrs6_) {
      if (!a.usable() || a.origin == Address6::Origin::LinkLocal) continue;
      const bool same = a.prefix.network().contains(target);
      if (!source || (same && !onlink)) {
        source = &a;
        onlink = same;
      }
    }
    if (!source) return false;
    for (const auto& net : onlink6_) onlink = onlink || net.contains(target);
    if (!onlink && !default_router6_) return false;
    ps.source = source->addr();
    ps.next_hop = onlink ? target : *default_router6_;
    return true;
  }

  // True when a source address is there but no route can ever come: the
  // target is off-link and RAs are not taken (no-slaac, or a router).
  bool route6_hopeless(const PingState& ps) const {
    if (ps.spec.target.is_link_local() || (cfg_.slaac && !router_mode())) return false;
    for (const auto& a : addrs6_) {
      if (a.origin == Address6::Origin::LinkLocal) continue;
      if (a.state == Address6::State::Tentative) return false;  // DAD still running
      if (a.usable() && a.prefix.network().contains(ps.spec.target)) return false;
    }
    return true;
  }

  void ping_unreachable(PingState& ps, std::string_view reason) {
    ps.unreachable = true;
    ps.phase = PingState::Phase::Done;
    if (ps.v6)
      sink_(Line::Ping, fmt::format("From {} icmp_seq=1 Destination unreachable: Address unreachable",
                                    ps.source.to_string()));
    else
      sink_(Line::Ping, fmt::format("From {} icmp_seq=1 Destination Host Unreachable", ip_.to_string()));
    notice(reason);
  }

  // Advances the ping; returns when it next needs the loop to wake.
  Clock::time_point ping_tick(Clock::time_point now) {
    PingState& ps = *ping_;
    using Phase = PingState::Phase;
    if (ps.phase == Phase::Waiting) {
      if (choose_route6(ps)) {
        ps.phase = Phase::Resolving;
        ps.next_arp = now;
      } else if (now >= ps.wait_until || route6_hopeless(ps)) {
        ps.phase = Phase::Done;
        ps.unreachable = true;
        notice(fmt::format("netlab guest: no usable IPv6 source address or route toward {}{}", ps.spec.target.to_string(),
                           now >= ps.wait_until
                               ? fmt::format(" after {} s", std::chrono::duration_cast<std::chrono::seconds>(kPing6SourceWait).count())
                               : std::string(" (off-link, and no router can be learnt: RAs are not taken)")));
        return now;
      } else {
        return std::min(ps.wait_until, now + kLoopCeiling);  // addresses change as frames arrive
      }
    }
    if (ps.phase == Phase::Resolving) {
      if (neighbours_.count(ps.next_hop)) {
        stats_.ping_resolved = true;
        ps.phase = Phase::Pinging;
        ps.next_send = now;
      } else if (now >= ps.next_arp) {
        if (ps.arp_sent >= kArpTries) {
          ping_unreachable(ps, fmt::format("netlab guest: {} did not answer {} {}", ps.next_hop.to_string(), kArpTries,
                                      ps.v6 ? "neighbour solicitations" : "ARP requests"));
          return now;
        }
        if (ps.v6) {
          frames::NsSpec ns;
          ns.src_mac = mac_;
          ns.src = ps.source;
          ns.target = ps.next_hop;
          transmit(frames::neighbor_solicitation(ns));
        } else {
          transmit(frames::arp_request(mac_, ip_, ps.next_hop));
        }
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
    if (ps.sent == 0) ps.first_send = now;
    ps.by_seq[seq] = PingState::Outstanding{Clock::now(), false};
    ++ps.sent;
    ++stats_.ping_sent;
    if (ps.v6) {
      frames::Echo6Spec s;
      s.eth_dst = neighbours_.at(ps.next_hop);
      s.eth_src = mac_;
      s.src = ps.source;
      s.dst = ps.spec.target;
      s.id = ps.id;
      s.seq = seq;
      s.payload = payload;
      transmit(frames::icmpv6_echo(s));
      return;
    }
    frames::EchoSpec s;
    s.eth_dst = neighbours_.at(ps.next_hop);
    s.eth_src = mac_;
    s.src = ip_;
    s.dst = ps.spec.target;
    s.id = ps.id;
    s.seq = seq;
    s.payload = payload;
    transmit(frames::icmp_echo(s));
  }

  void on_echo_reply(const IpAddr& src, const IpAddr& dst, std::uint8_t ttl, std::uint16_t id, std::uint16_t seq,
                     std::size_t icmp_len) {
    PingState& ps = *ping_;
    const IpAddr& ours = ps.v6 ? ps.source : ip_;
    if (id != ps.id || !(src == ps.spec.target) || !(dst == ours)) return;
    auto it = ps.by_seq.find(seq);
    if (it == ps.by_seq.end()) return;
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - it->second.at).count();
    std::string text =
        fmt::format("{} bytes from {}: icmp_seq={} ttl={} time={} ms", icmp_len, src.to_string(), seq, ttl, format_rtt(ms));
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
  std::map<IpAddr, MacAddr> neighbours_;  // the guest's ARP and neighbour cache (both families)
  std::optional<PingState> ping_;
  const bool ipv6_;  // IPv6 is on (not turned off, and the MTU allows it)
  // IPv6 (addresses are appended only, so indexes stay valid).
  std::vector<Address6> addrs6_;
  std::vector<Prefix> onlink6_;            // on-link prefixes from RAs (L flag)
  std::optional<IpAddr> default_router6_;  // the last router with a non-zero lifetime
  std::set<std::string> warned_prefixes_;  // non-/64 SLAAC prefixes already reported
  Clock::time_point next_ra_ = Clock::time_point::max();
  Clock::time_point last_ra_{};
};

Error usage(const std::string& object, std::string reason) { return Error::usage(object, std::move(reason)); }

Result<void> require_v4(const IpAddr& a, const std::string& what) {
  if (!a.is_v4()) return usage(what + " " + a.to_string(), "must be an IPv4 address (IPv4 only)");
  return {};
}

// A unicast IPv6 address the guest may hold or talk to: not ::, ::1, an
// IPv4-mapped address or multicast.
bool is_unicast6(const IpAddr& a) {
  if (!a.is_v6() || a.is_multicast()) return false;
  const auto b = a.bytes();
  const bool low_zero = std::all_of(b.begin(), b.begin() + 15, [](std::uint8_t x) { return x == 0; });
  if (low_zero && (b[15] == 0 || b[15] == 1)) return false;  // :: and ::1
  const bool mapped = std::all_of(b.begin(), b.begin() + 10, [](std::uint8_t x) { return x == 0; }) && b[10] == 0xff &&
                      b[11] == 0xff;
  return !mapped;
}

Result<void> validate_ipv6(const Config& c) {
  if (!c.ipv6) {
    if (c.address6) return usage("ip6 " + c.address6->to_string(), "cannot go with no-ipv6");
    if (c.ra_prefix) return usage("ra " + c.ra_prefix->to_string(), "cannot go with no-ipv6");
    if (c.ping && c.ping->target.is_v6()) return usage("ping6 " + c.ping->target.to_string(), "cannot go with no-ipv6");
    return {};
  }
  if (c.address6) {
    const std::string object = "ip6 " + c.address6->to_string();
    if (!c.address6->addr().is_v6()) return usage(object, "must be an IPv6 address");
    if (!is_unicast6(c.address6->addr())) return usage(object, "is not a unicast host address");
    if (c.address6->len() == 0) return usage(object, "needs a prefix length from 1 to 128");
  }
  if (c.ra_prefix) {
    const std::string object = "ra " + c.ra_prefix->to_string();
    const IpAddr& a = c.ra_prefix->addr();
    if (!a.is_v6()) return usage(object, "must be an IPv6 prefix");
    if (a.is_multicast() || a.is_link_local()) return usage(object, "is not a global or unique-local prefix");
    if (c.ra_prefix->len() == 0) return usage(object, "needs a prefix length from 1 to 128");
    if (!(std::isfinite(c.ra_interval_s) && c.ra_interval_s >= 0.05 && c.ra_interval_s <= 1800))
      return usage("ra-interval", "must be between 0.05 and 1800 seconds");
  }
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
  const bool v4 = !ip.is_unspecified();
  if (!v4 && !c.ipv6) return usage("guest " + c.iface, "needs an IPv4 address when IPv6 is off");
  if (v4) {
    NETLAB_TRY(require_v4(ip, "address"));
    if (ip == frames::ipv4_any() || ip.is_multicast() || ip.bytes()[0] == 127 || ip.bytes()[0] >= 240)
      return usage("address " + ip.to_string(), "is not a unicast host address");
  }
  if (c.mtu < 68 || c.mtu > 65535) return usage("mtu " + std::to_string(c.mtu), "must be between 68 and 65535");
  // Below IPv6's minimum the guest turns IPv6 off, as Linux does, unless asked for IPv6 explicitly.
  const bool explicit_v6 = c.address6 || c.ra_prefix || (c.ping && c.ping->target.is_v6()) || !v4;
  if (c.ipv6 && c.mtu < kIpv6MinMtu && explicit_v6)
    return usage("mtu " + std::to_string(c.mtu), fmt::format("IPv6 needs at least {} (RFC 8200)", kIpv6MinMtu));
  auto need_v4 = [&](const char* what, const IpAddr& a) -> Result<void> {
    if (!v4) return usage(std::string(what) + " " + a.to_string(), "needs an IPv4 address for the guest (ip CIDR)");
    return {};
  };
  if (c.gateway) {
    NETLAB_TRY(require_v4(*c.gateway, "gateway"));
    NETLAB_TRY(need_v4("gateway", *c.gateway));
    if (!c.address.contains(*c.gateway))
      return usage("gateway " + c.gateway->to_string(), "is not on the guest's subnet " + c.address.network().to_string());
    if (*c.gateway == ip) return usage("gateway " + c.gateway->to_string(), "is the guest's own address");
  }
  if (c.also) {
    NETLAB_TRY(require_v4(*c.also, "address"));
    NETLAB_TRY(need_v4("also", *c.also));
    if (*c.also == ip) return usage("also " + c.also->to_string(), "is the guest's own address");
  }
  if (c.reply_sender) NETLAB_TRY(require_v4(*c.reply_sender, "reply-sender"));
  if (c.duration_s && !(std::isfinite(*c.duration_s) && *c.duration_s > 0 && *c.duration_s <= 1e7))
    return usage("duration", "must be a positive number of seconds");
  NETLAB_TRY(validate_ipv6(c));
  if (c.ping) {
    const PingSpec& p = *c.ping;
    if (p.target.is_v6()) {
      const std::string object = "ping6 " + p.target.to_string();
      if (!is_unicast6(p.target)) return usage(object, "is not a unicast address");
      if (c.address6 && p.target == c.address6->addr()) return usage(object, "is the guest's own address");
      if (p.size + 48 > c.mtu)
        return usage("size " + std::to_string(p.size),
                     fmt::format("needs an mtu of at least {} (the guest's mtu is {})", p.size + 48, c.mtu));
    } else {
      const std::string object = "ping " + p.target.to_string();
      NETLAB_TRY(require_v4(p.target, "ping"));
      NETLAB_TRY(need_v4("ping", p.target));
      if (p.target == ip || (c.also && p.target == *c.also)) return usage(object, "is the guest's own address");
      if (p.target.is_multicast() || p.target == frames::ipv4_any())
        return usage(object, "is not a unicast address");
      if (!c.address.contains(p.target) && !c.gateway)
        return usage(object, "is outside " + c.address.network().to_string() + " and no gateway is given");
      if (p.size + 28 > c.mtu)
        return usage("size " + std::to_string(p.size),
                     fmt::format("needs an mtu of at least {} (the guest's mtu is {})", p.size + 28, c.mtu));
    }
    if (!(std::isfinite(p.interval_s) && p.interval_s >= 0.001 && p.interval_s <= 3600))
      return usage("interval", "must be between 0.001 and 3600 seconds");
    if (p.size > 65507) return usage("size " + std::to_string(p.size), "must be at most 65507 bytes");
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
