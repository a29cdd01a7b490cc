// A small DHCPv4 server (RFC 2131 4.3) for labs without dnsmasq
// (Config::dhcp_server): OFFERs from its pool (dhcp_pool.hpp) to DISCOVERs,
// an ACK to a REQUEST for an address it can give, a NAK to one it cannot,
// RELEASE honoured. No relays (giaddr), no INFORM, no DECLINE quarantine.
// The frames are frames_dhcp.hpp's, the same the client side uses.
#include <netlab/frames_dhcp.hpp>

#include "guest/dhcp_pool.hpp"
#include "guest/misbehave.hpp"
#include "guest/parts.hpp"

#include <fmt/format.h>

namespace netlab::guest {
namespace {

using frames::DhcpType;

constexpr auto kOfferHold = 60s;  // an offered address waits this long for the client's REQUEST

IpAddr mask_of(const Prefix& p) {
  const std::uint32_t m = p.len() == 0 ? 0 : ~std::uint32_t(0) << (32 - p.len());
  const std::array<std::uint8_t, 4> b{static_cast<std::uint8_t>(m >> 24), static_cast<std::uint8_t>(m >> 16),
                                      static_cast<std::uint8_t>(m >> 8), static_cast<std::uint8_t>(m)};
  return IpAddr::v4(b);
}

// Spoils the UDP checksum of a frame the builder made (Ethernet, a 20-byte
// IPv4 header, UDP): never to 0, which would mean "no checksum".
void spoil_udp_checksum(std::vector<std::uint8_t>& frame) {
  constexpr std::size_t at = 14 + 20 + 6;
  if (frame.size() < at + 2) return;
  frame[at] ^= 0x5a;
  if (frame[at] == 0 && frame[at + 1] == 0) frame[at + 1] = 1;
}

class DhcpServerPart final : public Component {
 public:
  explicit DhcpServerPart(Shared& s) : s_(s), cfg_(*s.cfg.dhcp_server), pool_(cfg_.first, cfg_.last) {}

  void start(Clock::time_point) override {
    s_.sink(Line::Dhcp, fmt::format("dhcp-server serving {}-{} on {} as {} lease {}s", cfg_.first.to_string(),
                                    cfg_.last.to_string(), s_.cfg.iface, s_.ip.to_string(), cfg_.lease_s));
  }

  void on_frame(const Parsed& p) override {
    if (!p.ipv4) return;
    const auto m = frames::parse_dhcp_request(p.frame);
    if (!m || !m->type || m->chaddr.is_zero()) return;
    if (!(m->ip_dst == s_.ip) && !(m->ip_dst == broadcast4())) return;
    const auto now = Clock::now();
    switch (static_cast<DhcpType>(*m->type)) {
      case DhcpType::Discover: on_discover(*m, now); break;
      case DhcpType::Request: on_request(*m, now); break;
      case DhcpType::Release:
        if ((!m->server_id || *m->server_id == s_.ip) && pool_.release(m->chaddr, m->ciaddr))
          s_.sink(Line::Dhcp, fmt::format("dhcp-server released {} by {}", m->ciaddr.to_string(),
                                          m->chaddr.to_string()));
        break;
      default: break;  // DECLINE, INFORM: not served
    }
  }

 private:
  static IpAddr broadcast4() { return IpAddr::v4(std::array<std::uint8_t, 4>{0xff, 0xff, 0xff, 0xff}); }

  frames::DhcpServerSpec answer(const frames::DhcpReply& m, DhcpType type, const IpAddr& yiaddr) const {
    frames::DhcpServerSpec a;
    a.type = type;
    a.server_mac = s_.mac;
    a.server = s_.ip;
    a.xid = m.xid;
    a.flags = m.flags;
    a.chaddr = m.chaddr;
    a.ciaddr = m.ciaddr;
    if (type == DhcpType::Nak) return a;
    a.yiaddr = yiaddr;
    a.lease_time = cfg_.lease_s;
    a.mask = mask_of(s_.subnet);
    if (cfg_.router) a.routers.push_back(*cfg_.router);
    if (cfg_.dns) a.dns.push_back(*cfg_.dns);
    return a;
  }

  void send(const frames::DhcpServerSpec& spec) {
    auto frame = frames::dhcp_server(spec);
    if (spec.type != DhcpType::Nak && misbehave::dhcp_bad_checksum(s_.cfg)) spoil_udp_checksum(frame);
    s_.transmit(frame);
  }

  void on_discover(const frames::DhcpReply& m, Clock::time_point now) {
    const auto addr = pool_.offer(m.chaddr, m.requested, now, now + kOfferHold);
    if (!addr) {
      // A DISCOVER is never NAKed: the client sees silence (cause C40).
      s_.notice(fmt::format("netlab guest: dhcp-server: no free address for {}: every address of {}-{} is held",
                            m.chaddr.to_string(), cfg_.first.to_string(), cfg_.last.to_string()));
      return;
    }
    send(answer(m, DhcpType::Offer, *addr));
  }

  void on_request(const frames::DhcpReply& m, Clock::time_point now) {
    if (m.server_id && !(*m.server_id == s_.ip)) {
      pool_.release(m.chaddr);  // it chose another server: our offer is free again
      return;
    }
    const IpAddr want = m.requested.value_or(m.ciaddr);
    if (!want.is_v4() || want == frames::ipv4_any()) return;
    const auto until = now + std::chrono::seconds(cfg_.lease_s);
    if (!pool_.bind(m.chaddr, want, now, until)) {
      frames::DhcpServerSpec nak = answer(m, DhcpType::Nak, want);
      nak.message = pool_.contains(want) ? "address in use" : "address not in the pool";
      send(nak);
      s_.sink(Line::Dhcp, fmt::format("dhcp-server nak {} to {}: {}", want.to_string(), m.chaddr.to_string(),
                                      nak.message));
      return;
    }
    send(answer(m, DhcpType::Ack, want));
    ++s_.stats.dhcp_leases_given;
    s_.sink(Line::Dhcp, fmt::format("dhcp-server lease {} to {} for {}s", want.to_string(), m.chaddr.to_string(),
                                    cfg_.lease_s));
  }

  Shared& s_;
  const DhcpServer& cfg_;
  DhcpPool pool_;
};

}  // namespace

std::unique_ptr<Component> make_dhcp_server(Shared& s) { return std::make_unique<DhcpServerPart>(s); }

}  // namespace netlab::guest
