// The guest's IPv6 addresses through RFC 4862's life cycle: the EUI-64 (or
// static) link-local address and the static one, each probed by DAD; one
// router solicitation once the link-local address is usable; SLAAC
// addresses from received RAs (A flag, /64 prefixes), probed in turn.
#include "guest/parts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>

namespace netlab::guest {
namespace {

constexpr auto kDadWait = 1s;  // RFC 4861 RetransTimer after the one DAD probe

class Addresses6 final : public Component {
 public:
  explicit Addresses6(Shared& s) : s_(s) {}

  void start(Clock::time_point now) override {
    if (s_.cfg.ipv6 && !s_.ipv6)
      s_.notice(fmt::format("netlab guest: mtu {} is below IPv6's minimum of {}: IPv6 is off, as Linux turns it off",
                            s_.cfg.mtu, kIpv6MinMtu));
    if (!s_.ipv6) return;
    const bool static_link_local = s_.cfg.address6 && s_.cfg.address6->addr().is_link_local();
    Address6 ll;
    ll.origin = Address6::Origin::LinkLocal;
    ll.prefix = static_link_local ? *s_.cfg.address6 : Prefix(frames::link_local_from_mac(s_.mac), 64);
    s_.addrs6.push_back(ll);
    if (s_.cfg.address6 && !static_link_local) {
      Address6 fixed;
      fixed.origin = Address6::Origin::Static;
      fixed.prefix = *s_.cfg.address6;
      s_.addrs6.push_back(fixed);
    }
    report_groups(s_);  // from ::, as the link-local address is still tentative
    for (auto& a : s_.addrs6) start_dad(a, now);
  }

  // Ends the DAD of addresses whose wait is over.
  Clock::time_point tick(Clock::time_point now) override {
    auto wake = Clock::time_point::max();
    if (!s_.ipv6) return wake;
    // By index: dad_passed may send frames but never adds addresses.
    for (std::size_t i = 0; i < s_.addrs6.size(); ++i) {
      if (s_.addrs6[i].state != Address6::State::Tentative) continue;
      if (now >= s_.addrs6[i].dad_until) dad_passed(s_.addrs6[i], now);
      else wake = std::min(wake, s_.addrs6[i].dad_until);
    }
    return wake;
  }

  void on_frame(const Parsed& p) override {
    // RFC 4861 6.1.2: hop limit 255 (never forwarded), code 0, sane options.
    if (!s_.icmp6_for_us(p) || !p.ndp || p.ndp->type != frames::kNdRouterAdvert) return;
    if (p.ipv6->hop_limit != 255 || p.icmpv6->code != 0 || p.ndp->options_malformed) return;
    on_ra(p);
  }

  void on_link_local_ready(Clock::time_point) override {
    if (!s_.router_mode() && s_.cfg.slaac) s_.transmit(frames::router_solicitation(s_.mac, s_.link_local()->addr()));
  }

 private:
  // Sends the DAD probe: an NS from :: for the address (RFC 4862 5.4.2,
  // DupAddrDetectTransmits 1); its solicited-node group is already joined.
  void start_dad(Address6& a, Clock::time_point now) {
    a.state = Address6::State::Tentative;
    a.dad_until = now + kDadWait;
    frames::NsSpec ns;
    ns.src_mac = s_.mac;
    ns.src = frames::ipv6_any();
    ns.target = a.addr();
    s_.transmit(frames::neighbor_solicitation(ns));
  }

  void dad_passed(Address6& a, Clock::time_point now) {
    a.state = Address6::State::Preferred;
    s_.stats.ipv6_addresses.push_back(a.prefix);
    if (a.origin == Address6::Origin::Slaac)
      s_.notice(fmt::format("netlab guest: SLAAC address {} from router {}", a.prefix.to_string(), a.router.to_string()));
    else
      s_.notice(fmt::format("netlab guest: IPv6 address {} ready (DAD passed)", a.prefix.to_string()));
    if (a.origin != Address6::Origin::LinkLocal) return;
    // The link-local address is usable: report membership from it, as Linux
    // does, then ask for routers (on_link_local_ready), or be one (ra.cpp).
    report_groups(s_);
    s_.link_local_ready(now);
  }

  void on_ra(const Parsed& p) {
    // A router (forwarding on) and a guest told not to ignore RAs, as Linux
    // with forwarding=1 or accept_ra=0 does.
    if (s_.router_mode() || !s_.cfg.slaac) return;
    const frames::Ipv6& ip = *p.ipv6;
    const frames::Ndp& nd = *p.ndp;
    if (!ip.src.is_link_local()) return;  // RFC 4861 6.1.2
    if (nd.source_lladdr) s_.learn6(ip.src, *nd.source_lladdr, true);
    if (nd.router_lifetime > 0) s_.default_router6 = ip.src;
    else if (s_.default_router6 == ip.src) s_.default_router6.reset();
    const auto now = Clock::now();
    for (const auto& pi : nd.prefixes) take_prefix(pi, ip.src, now);
  }

  void take_prefix(const frames::NdPrefixInfo& pi, const IpAddr& router, Clock::time_point now) {
    const Prefix net = pi.prefix.network();
    if (net.addr().is_link_local() || net.addr().is_multicast()) return;
    if (pi.on_link && pi.valid_lifetime > 0 && std::find(s_.onlink6.begin(), s_.onlink6.end(), net) == s_.onlink6.end())
      s_.onlink6.push_back(net);
    // RFC 4862 5.5.3: A flag, a valid lifetime, preferred <= valid.
    if (!pi.autonomous || pi.valid_lifetime == 0 || pi.preferred_lifetime > pi.valid_lifetime) return;
    if (net.len() != 64) {
      // Linux stays silent here (a ratelimited debug message): cause C30.
      if (warned_prefixes_.insert(net.to_string()).second)
        s_.notice(fmt::format("netlab guest: router {} advertises {} for SLAAC, but SLAAC needs a /64: no address formed",
                              router.to_string(), net.to_string()));
      return;
    }
    const IpAddr addr = frames::slaac_address(net, s_.mac);
    if (s_.find6(addr)) return;
    Address6 a;
    a.origin = Address6::Origin::Slaac;
    a.prefix = Prefix(addr, 64);
    a.router = router;
    s_.addrs6.push_back(a);
    report_groups(s_);
    start_dad(s_.addrs6.back(), now);
  }

  Shared& s_;
  std::set<std::string> warned_prefixes_;  // non-/64 SLAAC prefixes already reported
};

}  // namespace

void dad_failed(Shared& s, Address6& a, const MacAddr& other, std::string_view how) {
  if (a.state != Address6::State::Tentative) return;
  a.state = Address6::State::Duplicate;
  s.stats.dad_failed.push_back(a.addr());
  s.notice(fmt::format("netlab guest: DAD failed for {}: {} {}; the address is not used", a.addr().to_string(),
                       other.to_string(), how));
  if (a.origin == Address6::Origin::LinkLocal)
    s.notice("netlab guest: without a link-local address the guest sends no router solicitation"
             " or advertisement");
}

std::unique_ptr<Component> make_addresses6(Shared& s) { return std::make_unique<Addresses6>(s); }

}  // namespace netlab::guest
