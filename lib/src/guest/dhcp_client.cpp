// A DHCPv4 client (RFC 2131 4.4) for the guest (Config::dhcp): DISCOVER,
// OFFER, REQUEST, ACK; the lease's address, mask and router become the
// guest's (ARP, echo and the ping use them); renewal at T1 (a REQUEST
// unicast to the server), rebinding at T2 (broadcast), and at the lease's
// end or on a NAK it starts over. Unanswered messages are sent again with
// backoff. A RELEASE goes out when the run ends. The frames are
// frames_dhcp.hpp's, the ones `dhcp probe` sends and reads.
#include <netlab/frames_dhcp.hpp>

#include "guest/misbehave.hpp"
#include "guest/parts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <sys/random.h>

namespace netlab::guest {
namespace {

using frames::DhcpType;

constexpr auto kFirstRetry = 1s;       // RFC 2131 4.1 says 4 s; a lab wants its lease sooner
constexpr auto kMaxRetry = 64s;        // RFC 2131 4.1's ceiling
constexpr int kRequestTries = 4;       // REQUESTs in REQUESTING before starting over
constexpr auto kMinRenewRetry = 1s;    // RENEWING/REBINDING: half the time left, at least this

std::uint32_t random_xid() {
  std::uint32_t x = 0;
  if (::getrandom(&x, sizeof x, 0) != sizeof x)
    x = static_cast<std::uint32_t>(Clock::now().time_since_epoch().count());
  return x;
}

// The prefix length of a netmask (its leading ones); without one, the
// address's classful length, as RFC 2131 leaves it to the client.
std::uint8_t prefix_len(const std::optional<IpAddr>& mask, const IpAddr& addr) {
  if (!mask) {
    const std::uint8_t first = addr.bytes()[0];
    return first < 128 ? 8 : first < 192 ? 16 : 24;
  }
  const auto b = mask->bytes();
  const std::uint32_t m = std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 | b[3];
  return static_cast<std::uint8_t>(std::countl_one(m));
}

std::string join(const std::vector<IpAddr>& v) {
  std::string s;
  for (const auto& a : v) s += (s.empty() ? "" : ",") + a.to_string();
  return s;
}

Clock::duration seconds(std::uint32_t s) { return std::chrono::seconds(s); }

struct Lease {
  Prefix address;
  IpAddr server;          // option 54
  MacAddr server_mac;     // where a unicast REQUEST or RELEASE goes
  std::optional<IpAddr> router;
  std::vector<IpAddr> dns;
  std::uint32_t lease_s = 0;
  Clock::time_point t1{}, t2{}, expiry{};
};

class DhcpClientPart final : public Component {
 public:
  explicit DhcpClientPart(Shared& s) : s_(s) {}

  void start(Clock::time_point now) override { restart(now); }

  void on_frame(const Parsed& p) override {
    if (!p.ipv4 || state_ == State::Init) return;
    const auto m = frames::parse_dhcp(p.frame);
    if (!m || m->xid != xid_ || !(m->chaddr == s_.mac) || !m->type) return;
    const auto now = Clock::now();
    const auto type = static_cast<DhcpType>(*m->type);
    if (type == DhcpType::Offer && state_ == State::Selecting) on_offer(*m, now);
    else if (type == DhcpType::Ack && state_ != State::Selecting && state_ != State::Bound) on_ack(*m, now);
    else if (type == DhcpType::Nak && state_ != State::Selecting && state_ != State::Bound) on_nak(*m, now);
  }

  Clock::time_point tick(Clock::time_point now) override {
    switch (state_) {
      case State::Init: restart(now); break;
      case State::Selecting:
        if (now >= next_) send_discover(now);
        break;
      case State::Requesting:
        if (now >= next_) {
          if (tries_ >= kRequestTries) {
            s_.notice(fmt::format("netlab guest: dhcp: no ACK from {} after {} REQUESTs; starting over",
                                  offer_server_.to_string(), kRequestTries));
            restart(now);
          } else {
            send_selecting_request(now);
          }
        }
        break;
      case State::Bound:
        if (now >= lease_.t1) enter(State::Renewing, now);
        break;
      case State::Renewing:
        if (now >= lease_.t2) enter(State::Rebinding, now);
        else if (now >= next_) send_renewal(now, lease_.t2);
        break;
      case State::Rebinding:
        if (now >= lease_.expiry) lose_lease(now, "expired");
        else if (now >= next_) send_renewal(now, lease_.expiry);
        break;
    }
    return state_ == State::Bound ? lease_.t1 : next_;
  }

  void finish() override {
    if (!bound()) return;
    if (!misbehave::dhcp_releases(s_.cfg)) {
      s_.notice(fmt::format("netlab guest: dhcp: lease of {} left taken (dhcp-no-release)",
                            lease_.address.addr().to_string()));
      return;
    }
    frames::DhcpClientSpec r = base(DhcpType::Release);
    r.ciaddr = lease_.address.addr();
    r.server_id = lease_.server;
    r.server = lease_.server;
    r.server_mac = lease_.server_mac;
    s_.transmit(frames::dhcp_client(r));
    s_.sink(Line::Dhcp, fmt::format("dhcp released {} to {}", lease_.address.addr().to_string(),
                                    lease_.server.to_string()));
  }

 private:
  enum class State { Init, Selecting, Requesting, Bound, Renewing, Rebinding };

  bool bound() const { return state_ == State::Bound || state_ == State::Renewing || state_ == State::Rebinding; }

  frames::DhcpClientSpec base(DhcpType type) const {
    frames::DhcpClientSpec c;
    c.type = type;
    c.mac = s_.mac;
    c.xid = xid_;
    return c;
  }

  // INIT: a new transaction, DISCOVER at once, backoff from the start.
  void restart(Clock::time_point now) {
    xid_ = random_xid();
    retry_ = kFirstRetry;
    state_ = State::Selecting;
    send_discover(now);
  }

  void send_discover(Clock::time_point now) {
    s_.transmit(frames::dhcp_client(base(DhcpType::Discover)));
    next_ = now + retry_;
    retry_ = std::min<Clock::duration>(retry_ * 2, kMaxRetry);
  }

  void on_offer(const frames::DhcpReply& m, Clock::time_point now) {
    if (misbehave::dhcp_ignores_offers(s_.cfg)) {
      if (!told_ignoring_)
        s_.notice(fmt::format("netlab guest: dhcp: ignoring OFFERs (dhcp-ignore-offers), the first: {} from {}",
                              m.yiaddr.to_string(), m.server_id.value_or(m.ip_src).to_string()));
      told_ignoring_ = true;
      return;
    }
    offered_ = m.yiaddr;
    offer_server_ = m.server_id.value_or(m.ip_src);
    state_ = State::Requesting;
    tries_ = 0;
    retry_ = kFirstRetry;
    send_selecting_request(now);
  }

  // REQUESTING (RFC 2131 4.3.2 SELECTING): broadcast, the offered address
  // and the chosen server named.
  void send_selecting_request(Clock::time_point now) {
    frames::DhcpClientSpec r = base(DhcpType::Request);
    r.requested = offered_;
    r.server_id = offer_server_;
    s_.transmit(frames::dhcp_client(r));
    ++tries_;
    next_ = now + retry_;
    retry_ = std::min<Clock::duration>(retry_ * 2, kMaxRetry);
  }

  // RENEWING: unicast to the server; REBINDING: broadcast. Both carry
  // ciaddr and no server id (RFC 2131 4.3.2); again after half the time
  // left before `until`.
  void send_renewal(Clock::time_point now, Clock::time_point until) {
    frames::DhcpClientSpec r = base(DhcpType::Request);
    r.ciaddr = lease_.address.addr();
    if (state_ == State::Renewing) {
      r.server = lease_.server;
      r.server_mac = lease_.server_mac;
    }
    s_.transmit(frames::dhcp_client(r));
    next_ = now + std::max<Clock::duration>((until - now) / 2, kMinRenewRetry);
  }

  void enter(State st, Clock::time_point now) {
    state_ = st;
    xid_ = random_xid();
    send_renewal(now, st == State::Renewing ? lease_.t2 : lease_.expiry);
  }

  void on_ack(const frames::DhcpReply& m, Clock::time_point now) {
    const char* verb = state_ == State::Requesting ? "lease" : state_ == State::Renewing ? "renewed" : "rebound";
    const bool fresh = state_ == State::Requesting || !(m.yiaddr == lease_.address.addr());
    Lease l;
    l.address = Prefix(m.yiaddr, prefix_len(m.mask, m.yiaddr));
    l.server = m.server_id.value_or(m.ip_src);
    l.server_mac = m.eth_src;
    if (!m.routers.empty()) l.router = m.routers.front();
    l.dns = m.dns;
    l.lease_s = m.lease_time.value_or(0xffffffff);
    const bool infinite = l.lease_s == 0xffffffff;
    l.expiry = infinite ? Clock::time_point::max() : now + seconds(l.lease_s);
    l.t1 = infinite ? l.expiry : now + seconds(m.renewal.value_or(l.lease_s / 2));
    l.t2 = infinite ? l.expiry
                    : now + seconds(m.rebinding.value_or(static_cast<std::uint32_t>(std::uint64_t(l.lease_s) * 7 / 8)));
    lease_ = l;
    state_ = State::Bound;
    s_.set_v4(l.address, l.router);
    s_.stats.dhcp_address = l.address;
    std::string line = fmt::format("dhcp {} {} server {}", verb, l.address.to_string(), l.server.to_string());
    if (l.router) line += " router " + l.router->to_string();
    if (!l.dns.empty()) line += " dns " + join(l.dns);
    line += infinite ? std::string(" lease infinite") : fmt::format(" lease {}s", l.lease_s);
    s_.sink(Line::Dhcp, line);
    if (fresh && !misbehave::skips_garp(s_.cfg)) s_.announce_v4(l.address.addr());
  }

  void on_nak(const frames::DhcpReply& m, Clock::time_point now) {
    const IpAddr from = m.server_id.value_or(m.ip_src);
    if (state_ == State::Requesting && !(from == offer_server_)) return;  // another server's NAK is not ours
    lose_lease(now, fmt::format("NAKed by {}{}", from.to_string(), m.message.empty() ? "" : ": " + m.message));
  }

  void lose_lease(Clock::time_point now, const std::string& why) {
    const IpAddr had = bound() ? lease_.address.addr() : offered_;
    s_.notice(fmt::format("netlab guest: dhcp: {} {}; starting over", had.to_string(), why));
    if (bound()) s_.set_v4(Prefix(), std::nullopt);
    restart(now);
  }

  Shared& s_;
  State state_ = State::Init;
  std::uint32_t xid_ = 0;
  Clock::time_point next_{};
  Clock::duration retry_ = kFirstRetry;
  int tries_ = 0;
  IpAddr offered_, offer_server_;
  Lease lease_;
  bool told_ignoring_ = false;
};

}  // namespace

std::unique_ptr<Component> make_dhcp_client(Shared& s) { return std::make_unique<DhcpClientPart>(s); }

}  // namespace netlab::guest
