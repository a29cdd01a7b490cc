// dhcp probe: a DHCP client's first steps (RFC 2131 3.1) on a packet socket,
// listing every server that answers. The frames are built and read by
// frames_dhcp.hpp; this file decides where to talk (the interface, or a
// temporary veth port of a bridge), when to send, which answers are ours, and
// leaves nothing behind: the veth pair is removed on every return path, and
// an address taken with `request` is released.
#include <netlab/dhcp.hpp>
#include <netlab/frames.hpp>
#include <netlab/frames6.hpp>
#include <netlab/frames_dhcp.hpp>
#include <netlab/link.hpp>
#include <netlab/linkio.hpp>

#include "objects/probe_port.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <cerrno>
#include <map>
#include <thread>

#include <net/if_arp.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

namespace netlab::dhcp {
namespace {

using Clock = std::chrono::steady_clock;

// A client sends its DISCOVER again while nothing answers (RFC 2131 4.1
// says about 4 s at first; a probe listening a few seconds needs a shorter
// step to cover a lost frame).
constexpr std::chrono::milliseconds kResend{1000};
// How long an ACK to our REQUEST may take past the listening window; for
// DHCPv6 also the REPLY to a RELEASE, both sent again each kResend
// meanwhile (RFC 8415 7.6: REQ_TIMEOUT and REL_TIMEOUT are 1 s).
constexpr std::chrono::milliseconds kAckWait{2000};

const char* kObject = "dhcp probe";

void random_bytes(std::span<std::uint8_t> out) {
  if (::getrandom(out.data(), out.size(), 0) == static_cast<ssize_t>(out.size())) return;
  // No entropy source: the clock and pid still make collisions unlikely in a lab.
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  std::uint64_t x = static_cast<std::uint64_t>(ts.tv_nsec) * 0x9e3779b97f4a7c15ULL ^
                    static_cast<std::uint64_t>(::getpid()) << 17 ^ static_cast<std::uint64_t>(ts.tv_sec);
  for (auto& b : out) {
    b = static_cast<std::uint8_t>(x);
    x = x >> 8 | x << 56;
  }
}

// A random unicast, locally administered MAC (IEEE 802 U/L bit set, I/G
// bit clear): it can collide with no vendor's address.
MacAddr random_mac() {
  std::array<std::uint8_t, 6> b{};
  random_bytes(b);
  b[0] = static_cast<std::uint8_t>((b[0] & 0xfc) | 0x02);
  return MacAddr(b);
}

std::uint32_t random_xid() {
  std::array<std::uint8_t, 4> b{};
  random_bytes(b);
  return std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 | b[3];
}

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

Answer answer_from(const frames::DhcpReply& d) {
  Answer a;
  a.type = frames::dhcp_type_name(d.type.value_or(0));
  a.server_mac = d.eth_src;
  a.server_address = d.ip_src;
  a.server_id = d.server_id;
  a.address = d.yiaddr;
  a.mask = d.mask;
  a.routers = d.routers;
  a.dns = d.dns;
  a.domain = d.domain;
  a.lease_time = d.lease_time;
  a.relay = d.giaddr;
  a.message = d.message;
  return a;
}

// DHCPv6 status codes (RFC 8415 21.13).
std::string status_name(std::uint16_t code) {
  static constexpr const char* kNames[] = {"Success",    "UnspecFail",  "NoAddrsAvail", "NoBinding",
                                           "NotOnLink",  "UseMulticast", "NoPrefixAvail"};
  if (code < 7) return kNames[code];
  return "status " + std::to_string(code);
}

std::string hex_bytes(const std::vector<std::uint8_t>& b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i) s += ':';
    s += kHex[b[i] >> 4];
    s += kHex[b[i] & 15];
  }
  return s;
}

Answer answer_from(const frames::Dhcp6Reply& d) {
  Answer a;
  a.type = frames::dhcp6_type_name(d.type);
  a.server_mac = d.eth_src;
  a.server_address = d.ip_src;
  a.server_duid = hex_bytes(d.server_duid);
  if (!d.addresses.empty()) {
    a.address = d.addresses.front().address;
    a.preferred_lifetime = d.addresses.front().preferred;
    a.valid_lifetime = d.addresses.front().valid;
  }
  a.dns = d.dns;
  for (const auto& name : d.domains) a.domain += (a.domain.empty() ? "" : ",") + name;
  a.preference = d.preference;
  if (d.status && *d.status != 0) a.status = status_name(*d.status);
  else if (d.ia_status && *d.ia_status != 0) a.status = status_name(*d.ia_status);
  if (d.status && *d.status != 0) a.message = d.status_message;  // dnsmasq says "success" on success
  return a;
}

// An answer to our REQUEST that leaves an address leased: an ACK, or a
// DHCPv6 REPLY with an address, a valid lifetime and no error status.
bool leased(const Answer& a) {
  if (a.type == "ACK") return true;
  return a.type == "REPLY" && a.status.empty() && !a.address.is_unspecified() && a.valid_lifetime.value_or(0) > 0;
}

// Which server an answer is from: its server id or DUID, else its MAC.
std::string server_key(const Answer& a) {
  if (!a.server_duid.empty()) return a.server_duid;
  return a.server_id ? a.server_id->to_string() : a.server_mac.to_string();
}

class Prober {
 public:
  Prober(const ProbeOptions& o, ProbeResult& r, LinkTap& tap)
      : o_(o), r_(r), tap_(tap), duid_(frames::duid_ll(r.client_mac)) {}

  Result<void> run() {
    start_ = Clock::now();
    const auto deadline = start_ + o_.wait;
    auto next_discover = start_;
    for (;;) {
      if (o_.stop && o_.stop()) {
        r_.interrupted = true;
        break;
      }
      const auto now = Clock::now();
      const auto end = std::max(deadline, exchange_until());
      if (now >= end) break;
      if (r_.offers.empty() && now >= next_discover && now < deadline) {
        NETLAB_TRY(o_.ipv6 ? send_solicit(now) : send_discover(now));
        next_discover += kResend;
        continue;
      }
      if (o_.request && !request_sent_) {
        if (const Answer* offer = requestable()) {
          NETLAB_TRY(o_.ipv6 ? send_request6(*offer, now) : send_request(*offer));
          continue;
        }
      }
      if (r_.reply && leased(*r_.reply) && !r_.released) {
        NETLAB_TRY(o_.ipv6 ? send_release6(now) : send_release(*r_.reply));
        continue;
      }
      // DHCPv6: a REQUEST or RELEASE still unanswered is sent again (DHCPv4
      // sends its REQUEST once).
      if (o_.ipv6 && awaiting_reply() && now >= next_resend_ && now < request_at_ + kAckWait) {
        NETLAB_TRY(resend6(now, request_at_, kDhcp6RequestType));
        continue;
      }
      if (awaiting_release_reply() && now >= next_resend_ && now < release_at_ + kAckWait) {
        NETLAB_TRY(resend6(now, release_at_, kDhcp6ReleaseType));
        continue;
      }
      auto wake = end;
      if (r_.offers.empty() && next_discover < deadline) wake = std::min(wake, next_discover);
      // (A resend time past its exchange's window is not one: it would spin.)
      const bool resend_request = o_.ipv6 && awaiting_reply() && next_resend_ < request_at_ + kAckWait;
      const bool resend_release = awaiting_release_reply() && next_resend_ < release_at_ + kAckWait;
      if (resend_request || resend_release) wake = std::min(wake, next_resend_);
      LinkTap* taps[] = {&tap_};
      auto ready = wait_any(taps, wake);
      if (!ready) return std::move(ready).error();
      NETLAB_TRY(for_each_waiting_frame(tap_, [this](const Frame& f) { handle(f); }));
    }
    // An address leased in the last frames read (or before an interrupt)
    // still gets its RELEASE.
    if (r_.reply && leased(*r_.reply) && !r_.released)
      NETLAB_TRY(o_.ipv6 ? send_release6(Clock::now()) : send_release(*r_.reply));
    r_.elapsed_ms = ms_between(start_, Clock::now());
    return {};
  }

 private:
  static constexpr std::uint8_t kDhcp6RequestType = frames::kDhcp6Request;
  static constexpr std::uint8_t kDhcp6ReleaseType = frames::kDhcp6Release;

  bool awaiting_reply() const { return request_sent_ && !r_.reply; }
  bool awaiting_release_reply() const { return o_.ipv6 && r_.released && !r_.release_reply; }

  // How long the exchange keeps the probe listening past its wait: an
  // unanswered REQUEST (and, DHCPv6, RELEASE) for kAckWait after it.
  Clock::time_point exchange_until() const {
    Clock::time_point t{};
    if (awaiting_reply()) t = request_at_ + kAckWait;
    if (awaiting_release_reply()) t = std::max(t, release_at_ + kAckWait);
    return t;
  }

  // The offer the REQUEST goes to: the first; for DHCPv6 the first that
  // offered an address (RFC 8415 18.2.9: an ADVERTISE without one is not
  // taken).
  const Answer* requestable() const {
    for (const auto& a : r_.offers) {
      if (!o_.ipv6) return &a;
      if (a.status.empty() && !a.address.is_unspecified()) return &a;
    }
    return nullptr;
  }

  std::uint32_t iaid() const {
    const auto& m = r_.client_mac.bytes();
    return std::uint32_t(m[2]) << 24 | std::uint32_t(m[3]) << 16 | std::uint32_t(m[4]) << 8 | m[5];
  }

  static std::uint16_t elapsed_cs(Clock::time_point first, Clock::time_point now) {
    const auto cs = std::chrono::duration_cast<std::chrono::milliseconds>(now - first).count() / 10;
    return static_cast<std::uint16_t>(std::min<long long>(cs, 0xffff));
  }

  // RFC 8415 18.2.2 and 18.2.7: a new transaction for each exchange, the
  // chosen server's identifier, the IA_NA with the addresses concerned.
  frames::Dhcp6ClientSpec spec6(std::uint8_t type, Clock::time_point first, Clock::time_point now) const {
    frames::Dhcp6ClientSpec s;
    s.type = type;
    s.mac = r_.client_mac;
    s.xid = type == frames::kDhcp6Request ? request_xid_ : release_xid_;
    s.iaid = iaid();
    s.elapsed_cs = elapsed_cs(first, now);
    s.server_duid = chosen_duid_;
    s.addresses = type == frames::kDhcp6Request ? requested_ : leased_;
    return s;
  }

  Result<void> send_request6(const Answer& offer, Clock::time_point now) {
    chosen_ = server_key(offer);
    const auto duid = duids_.find(chosen_);
    if (duid != duids_.end()) chosen_duid_ = duid->second;
    requested_ = {offer.address};
    request_xid_ = random_xid() & 0xffffff;
    request_at_ = now;
    NETLAB_TRY(tap_.send(frames::dhcp6_client(spec6(frames::kDhcp6Request, request_at_, now))));
    request_sent_ = true;
    r_.request = true;
    next_resend_ = now + kResend;
    return {};
  }

  Result<void> send_release6(Clock::time_point now) {
    release_xid_ = random_xid() & 0xffffff;
    release_at_ = now;
    NETLAB_TRY(tap_.send(frames::dhcp6_client(spec6(frames::kDhcp6Release, release_at_, now))));
    r_.released = true;
    next_resend_ = now + kResend;
    return {};
  }

  // The same transaction again, with the elapsed time since its first message.
  Result<void> resend6(Clock::time_point now, Clock::time_point first, std::uint8_t type) {
    NETLAB_TRY(tap_.send(frames::dhcp6_client(spec6(type, first, now))));
    next_resend_ = now + kResend;
    return {};
  }

  frames::DhcpClientSpec spec(frames::DhcpType type) const {
    frames::DhcpClientSpec s;
    s.type = type;
    s.mac = r_.client_mac;
    s.xid = r_.xid;
    s.secs = static_cast<std::uint16_t>(
        std::min<long long>(std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start_).count(), 0xffff));
    return s;
  }

  Result<void> send_discover(Clock::time_point now) {
    NETLAB_TRY(tap_.send(frames::dhcp_client(spec(frames::DhcpType::Discover))));
    if (r_.sent == 0) first_discover_ = now;
    ++r_.sent;
    return {};
  }

  // RFC 8415 18.2.1: the elapsed time in hundredths of a second, 0 in the
  // first SOLICIT; the IAID from the MAC, stable for one client.
  Result<void> send_solicit(Clock::time_point now) {
    if (r_.sent == 0) first_discover_ = now;
    frames::Dhcp6SolicitSpec s;
    s.mac = r_.client_mac;
    s.xid = r_.xid;
    s.iaid = iaid();
    s.elapsed_cs = elapsed_cs(first_discover_, now);
    NETLAB_TRY(tap_.send(frames::dhcp6_solicit(s)));
    ++r_.sent;
    return {};
  }

  // A neighbour solicitation for our link-local address: answered as the
  // client's kernel would, or the server could not send its ADVERTISE.
  void answer_ns(const Frame& f) {
    const auto p = frames::parse(f.bytes);
    if (!p || !p->ndp || p->ndp->type != frames::kNdNeighborSolicit) return;
    if (p->ndp->target != frames::link_local_from_mac(r_.client_mac)) return;
    if (auto na = frames::neighbor_advertisement_to(*p, r_.client_mac)) (void)tap_.send(*na);
  }

  void add_offer(Answer a, Clock::time_point now) {
    a.rtt_ms = ms_between(first_discover_, now);
    const auto key = server_key(a);
    const bool seen =
        std::any_of(r_.offers.begin(), r_.offers.end(), [&](const Answer& o) { return server_key(o) == key; });
    if (seen) return;  // the same server answering a resent DISCOVER
    r_.offers.push_back(std::move(a));
    r_.servers = r_.offers.size();
  }

  void handle6(const Frame& f) {
    auto d = frames::parse_dhcp6(f.bytes);
    if (!d) return answer_ns(f);
    if (d->client_duid != duid_) return;  // another client's
    const auto now = Clock::now();
    if (d->type == frames::kDhcp6Advertise && d->xid == (r_.xid & 0xffffff)) {
      duids_.emplace(hex_bytes(d->server_duid), d->server_duid);
      return add_offer(answer_from(*d), now);
    }
    // RFC 8415 16.10: a REPLY names the server it is from; only the chosen
    // one answers our REQUEST and RELEASE.
    if (d->type != frames::kDhcp6Reply || d->server_duid != chosen_duid_) return;
    if (awaiting_reply() && d->xid == request_xid_) {
      Answer a = answer_from(*d);
      a.rtt_ms = ms_between(request_at_, now);
      for (const auto& addr : d->addresses)
        if (addr.valid > 0) leased_.push_back(addr.address);
      r_.reply = std::move(a);
    } else if (awaiting_release_reply() && d->xid == release_xid_) {
      ProbeResult::ReleaseReply rr;
      if (d->ia_status && *d->ia_status != 0) rr.status = status_name(*d->ia_status);
      else rr.status = status_name(d->status.value_or(0));
      rr.message = d->status_message;
      rr.rtt_ms = ms_between(release_at_, now);
      r_.release_reply = std::move(rr);
    }
  }

  // RFC 2131 4.3.2 SELECTING: broadcast, ciaddr 0, the offered address in
  // option 50 and the chosen server in option 54.
  Result<void> send_request(const Answer& offer) {
    auto s = spec(frames::DhcpType::Request);
    s.requested = offer.address;
    s.server_id = offer.server_id.value_or(offer.server_address);
    chosen_ = server_key(offer);
    NETLAB_TRY(tap_.send(frames::dhcp_client(s)));
    request_sent_ = true;
    request_at_ = Clock::now();
    r_.request = true;
    return {};
  }

  // RFC 2131 4.4.4: unicast to the server, from the address being given up.
  Result<void> send_release(const Answer& ack) {
    auto s = spec(frames::DhcpType::Release);
    s.ciaddr = ack.address;
    s.server_id = ack.server_id.value_or(ack.server_address);
    s.server = s.server_id;
    s.server_mac = ack.server_mac;
    NETLAB_TRY(tap_.send(frames::dhcp_client(s)));
    r_.released = true;
    return {};
  }

  void handle(const Frame& f) {
    if (o_.ipv6) return handle6(f);
    auto d = frames::parse_dhcp(f.bytes);
    if (!d || d->xid != r_.xid || d->chaddr != r_.client_mac || !d->type) return;  // another client's
    const auto now = Clock::now();
    Answer a = answer_from(*d);
    const auto type = static_cast<frames::DhcpType>(*d->type);
    if (type == frames::DhcpType::Offer) {
      add_offer(std::move(a), now);
    } else if ((type == frames::DhcpType::Ack || type == frames::DhcpType::Nak) && request_sent_ && !r_.reply) {
      if (server_key(a) != chosen_) return;  // RFC 2131 4.3.2: only the chosen server answers a REQUEST
      a.rtt_ms = ms_between(request_at_, now);
      r_.reply = std::move(a);
    }
  }

  const ProbeOptions& o_;
  ProbeResult& r_;
  LinkTap& tap_;
  Clock::time_point start_, first_discover_, request_at_;
  bool request_sent_ = false;
  std::string chosen_;
  std::vector<std::uint8_t> duid_;  // DHCPv6: our client identifier
  // DHCPv6: each advertising server's DUID as sent (by server_key), the
  // chosen one's, the transactions of REQUEST and RELEASE, the address
  // asked for and those the REPLY leased, when to send again.
  std::map<std::string, std::vector<std::uint8_t>> duids_;
  std::vector<std::uint8_t> chosen_duid_;
  std::uint32_t request_xid_ = 0, release_xid_ = 0;
  std::vector<IpAddr> requested_, leased_;
  Clock::time_point release_at_, next_resend_;
};

}  // namespace

Result<void> validate(const ProbeOptions& o) {
  if (auto name = IfName::parse(o.interface); !name) return std::move(name).error();
  if (o.mac && (o.mac->is_multicast() || o.mac->is_zero()))
    return Error::usage("MAC " + o.mac->to_string(), "is not a unicast address: a client's MAC must be one");
  if (o.wait < kMinWait || o.wait > kMaxWait)
    return Error::usage(kObject, "the wait must be from 0.1 to 60 seconds");
  return {};
}

Result<ProbeResult> probe(const Netns& ns, const ProbeOptions& o) {
  NETLAB_TRY(validate(o));
  auto link = link::get(ns, o.interface);
  if (!link) return std::move(link).error();
  const std::string object = "link " + o.interface;
  if (link->link_type != ARPHRD_ETHER || !link->mac())
    return Error::usage(object, "is not an Ethernet interface (link type " + link->link_type_name() + ")");
  // One line each, no hint line: the reason says what to look at.
  if (!link->is_up()) return Error::from_errno(ENETDOWN, object, "is down");

  ProbeResult r;
  r.interface = o.interface;
  r.ipv6 = o.ipv6;
  r.request_asked = o.request;
  r.client_mac = o.mac.value_or(random_mac());
  r.xid = random_xid();
  if (o.ipv6) r.xid &= 0xffffff;  // a DHCPv6 transaction id is 24 bits

  std::unique_ptr<ProbePort> port;
  if (link->kind == "bridge") {
    // Ports, but none up: no guest could reach anything through the
    // bridge, and the probe's port would be the only one; say so rather
    // than test a lab that does not work yet. (The carrier attribute, not
    // IFF_RUNNING: that flag follows it only after the kernel's linkwatch
    // delay. A bridge that never had a port keeps its carrier.)
    if (link->carrier == false)
      return Error::from_errno(ENETDOWN, object, "has no carrier: no port of the bridge is up");
    auto created = ProbePort::create(ns, *link, r.client_mac, Clock::now() + o.wait, o.stop, kObject);
    if (!created) return std::move(created).error();
    port = std::move(*created);
    r.port = port->talk().str();
  }

  LinkTapOptions opts;
  // DHCPv6 also needs the neighbour solicitations for our address.
  opts.filter = o.ipv6 ? "(udp and dst port 546) or icmp6" : "udp and dst port 68";
  opts.direction = Direction::In;
  auto tap = LinkTap::open(ns, port ? r.port : o.interface, opts);
  if (!tap) return std::move(tap).error();
  Prober prober(o, r, *tap);
  NETLAB_TRY(prober.run());
  return r;
}

}  // namespace netlab::dhcp
