// The IPv6-only causes of ../shared/diagnosis/CAUSES.md (C22-C31): DAD,
// router advertisements and SLAAC, link-local addresses, disabled IPv6,
// advertisements without the target link-layer option, and prefixes with no
// on-link route. The causes IPv6 shares with ARP (bridge ports, carrier, STP,
// isolation, MTU, ...) are the same rules as for IPv4 (rules_link.cpp, rules_guest.cpp).
#include "diag/rules.hpp"
#include "ndp/ra_ignored.hpp"

#include <algorithm>
#include <set>

namespace netlab::diag {
namespace {

constexpr std::uint32_t kIfaFDadFailed = 0x08;
constexpr std::uint32_t kIfaFTentative = 0x40;
constexpr std::uint32_t kIfaFPermanent = 0x80;
constexpr std::uint8_t kNdRouterSolicit = 133;
constexpr std::uint8_t kNdRouterAdvert = 134;

std::string conf_key(const std::string& dev, const char* key) { return "net.ipv6.conf." + dev + "." + key; }

// The devices whose IPv6 settings matter: the interface, and the bridge it
// belongs to (addresses and SLAAC live on the bridge, not on its ports).
std::vector<const Link*> v6_devices(const Ctx& c) {
  std::vector<const Link*> out;
  for (const Link* l : {c.iface, c.egress, c.bridge})
    if (l && std::find(out.begin(), out.end(), l) == out.end()) out.push_back(l);
  return out;
}

bool ra_seen(const Ctx& c, std::string_view dev) {
  for (const auto& fr : c.frames)
    if (fr.parsed.ndp && fr.parsed.ndp->type == kNdRouterAdvert && fr.sf->interface == dev && !c.is_ours(fr.parsed.eth_src))
      return true;
  return false;
}

const Frame2* first_ra(const Ctx& c) {
  for (const auto& fr : c.frames)
    if (fr.parsed.ndp && fr.parsed.ndp->type == kNdRouterAdvert) return &fr;
  return nullptr;
}

// The device that does SLAAC: the bridge when the interface is its port.
const Link* slaac_device(const Ctx& c) {
  if (c.iface && c.master_bridge(*c.iface)) return c.master_bridge(*c.iface);
  return c.iface;
}

}  // namespace

void rule_ipv6_disabled(Ctx& c) {
  bool found = false;
  for (const Link* l : v6_devices(c)) {
    if (c.sysctl(conf_key(l->name, "disable_ipv6")).value_or(0) == 0) continue;
    found = true;
    Finding f = c.finding("ipv6-disabled", "C27", Severity::Fault, 99);
    f.summary = "IPv6 is disabled on " + l->name + " (disable_ipv6=1): it has no IPv6 address and takes part in no neighbour discovery";
    f.explanation = "With disable_ipv6 the kernel removes every IPv6 address of the device and refuses new ones "
                    "(\"IPv6 is disabled on this device\"); nothing answers NS or sends RS there.";
    f.evidence.push_back(c.ev_sysctl(conf_key(l->name, "disable_ipv6")));
    f.evidence.push_back(c.ev_link(*l));
    f.fix.push_back(c.fix_host("enable IPv6 on " + l->name + " (and in sysctl.d, all and default), then re-add its addresses",
                               "", "sysctl -w " + conf_key(l->name, "disable_ipv6") + "=0"));
    c.add(std::move(f));
  }
  if (!found) c.rule_out("ipv6-disabled", "IPv6 is enabled on the devices involved");
}

void rule_no_link_local(Ctx& c) {
  bool found = false;
  for (const Link* l : v6_devices(c)) {
    if (c.sysctl(conf_key(l->name, "disable_ipv6")).value_or(0) != 0) continue;
    const auto mode = c.sysctl(conf_key(l->name, "addr_gen_mode"));
    bool has_ll = false;
    for (const auto& a : c.s.addresses)
      if (a.dev == l->name && a.local.addr().is_v6() && a.local.addr().is_link_local()) has_ll = true;
    if (has_ll) continue;
    // A device that is down or has no carrier makes no link-local yet (the
    // no-carrier rule says why); only addrgenmode none is a cause in itself.
    if ((!l->is_up() || l->no_carrier()) && !(mode && *mode == 1)) continue;
    found = true;
    Finding f = c.finding("no-link-local", "C26", Severity::Fault, 90);
    f.summary = l->name + " has no IPv6 link-local address" +
                (mode && *mode == 1 ? " (addrgenmode none)" : std::string()) +
                ": neighbour discovery, router advertisements and pings to guests' fe80:: addresses need one";
    f.explanation = "With addr_gen_mode none the kernel generates no fe80:: address. SLAAC from an outside router can "
                    "still work, but everything that needs our own link-local breaks: RA daemons refuse to send (radvd: "
                    "\"no linklocal address\"), guests stay link-local only, pings to their fe80:: fail.";
    f.evidence.push_back(c.ev_link(*l));
    if (mode) f.evidence.push_back(c.ev_sysctl(conf_key(l->name, "addr_gen_mode")));
    f.fix.push_back(c.fix_host("generate a link-local address again", "", "ip link set dev " + l->name + " addrgenmode eui64"));
    f.fix.push_back(c.fix_host("bounce the device so the address is made", "link set dev " + l->name + " down",
                               "ip link set dev " + l->name + " down"));
    f.fix.push_back(c.fix_host("", "link set dev " + l->name + " up", "ip link set dev " + l->name + " up"));
    c.add(std::move(f));
  }
  if (!found) c.rule_out("no-link-local", "the devices involved have an fe80:: address");
}

void rule_dad_failed(Ctx& c) {
  bool found = false;
  std::set<std::string> devs;
  for (const Link* l : v6_devices(c)) devs.insert(l->name);
  for (const Link* p : c.ports) devs.insert(p->name);
  for (const auto& a : c.s.addresses) {
    if (!a.local.addr().is_v6() || !(a.flags & kIfaFDadFailed) || !devs.count(a.dev)) continue;
    found = true;
    Finding f = c.finding("dad-failed", "C22", Severity::Fault, 98);
    const bool is_target = c.target && a.local.addr() == *c.target;
    f.summary = a.local.to_string() + " on " + a.dev + " failed duplicate address detection" +
                (is_target ? ": the host took the guest's address, and even its exchanges with the guest never resolve"
                           : ": another station on the link uses it");
    f.explanation = "Another node answered the kernel's DAD probe (an NS from ::), so the address stays dadfailed and "
                    "tentative and is never used; the kernel also treats every later NA for it as a DAD failure.";
    f.evidence.push_back(c.ev_addr(a));
    f.evidence.back().text += " (" + join(a.flag_names(), " ") + ")";
    for (const auto& fr : c.frames)
      if (fr.msg && fr.msg->is_reply() && fr.msg->spa == a.local.addr() && !c.is_ours(fr.msg->sha)) {
        f.evidence.push_back(c.ev_packet(fr, "another station claims it"));
        break;
      }
    const IpAddr fresh = c.free_address_near(a.local.addr());
    const std::string newp = Prefix(fresh, a.local.len()).to_string();
    f.fix.push_back(c.fix_host("remove the duplicate", "addr del " + a.local.to_string() + " dev " + a.dev,
                               "ip addr del " + a.local.to_string() + " dev " + a.dev));
    f.fix.push_back(c.fix_host("give the host a unique address", "addr add " + newp + " dev " + a.dev,
                               "ip addr add " + newp + " dev " + a.dev));
    c.add(std::move(f));
  }
  if (!found) c.rule_out("dad-failed", "no address of the devices involved failed DAD");
}

void rule_ra_ignored(Ctx& c) {
  const Link* l = slaac_device(c);
  if (!l) return;
  auto setting = [&](const char* key) -> std::optional<std::int64_t> {
    if (auto v = c.sysctl(conf_key(l->name, key))) return *v;
    return std::nullopt;
  };
  // The predicate `ndp inspect` asks too (ndp/ra_ignored.hpp).
  const auto reasons = ndp::ra_ignored_reasons(
      {setting("forwarding"), setting("accept_ra"), setting("autoconf"), setting("accept_ra_defrtr")});
  if (reasons.empty()) {
    c.rule_out("ra-ignored", l->name + " accepts router advertisements");
    return;
  }
  const bool seen = ra_seen(c, l->name) || (c.iface && ra_seen(c, c.iface->name));
  // A host that sends the link's RAs itself (radvd on the bridge) is its
  // router: that it ignores RAs is by design, not a risk.
  bool host_advertises = false;
  for (const auto& fr : c.frames)
    host_advertises = host_advertises ||
                      (fr.parsed.ndp && fr.parsed.ndp->type == kNdRouterAdvert && c.is_ours(fr.parsed.eth_src));
  if (!seen && host_advertises) {
    c.rule_out("ra-ignored", "the host sends the router advertisements on " + l->name + ": it is the link's router");
    return;
  }
  std::string why;
  for (const auto& r : reasons) why += (why.empty() ? "" : "; ") + r.settings + " (" + r.effect + ")";
  const bool ignores_all = reasons.front().ignores_all;
  Finding f = c.finding("ra-ignored", "C23", seen ? Severity::Fault : Severity::Warning, seen ? 93 : 30);
  f.summary = std::string(seen ? "router advertisements arrive on " : "router advertisements would be ignored on ") +
              l->name + ": " + why + (ignores_all ? "; no SLAAC address and no default route come from them" : "");
  f.explanation = "Docker, libvirt and VPNs turn forwarding on; with accept_ra=1 the kernel then ignores RAs, and the "
                  "host loses its SLAAC address and default route. accept_ra=2 accepts them even when forwarding. "
                  "autoconf=0 keeps the address from them, accept_ra_defrtr=0 the default route.";
  for (const char* k : {"forwarding", "accept_ra", "autoconf", "accept_ra_defrtr"})
    if (c.sysctl(conf_key(l->name, k))) f.evidence.push_back(c.ev_sysctl(conf_key(l->name, k)));
  if (const Frame2* ra = first_ra(c)) f.evidence.push_back(c.ev_packet(*ra, "ignored"));
  for (const auto& r : reasons)
    f.fix.push_back(c.fix_host(r.fix_key == "accept_ra" ? "accept router advertisements on " + l->name
                                                        : "let router advertisements set " +
                                                              std::string(r.fix_key == "autoconf" ? "addresses" : "the default route") +
                                                              " on " + l->name,
                               "", "sysctl -w " + conf_key(l->name, r.fix_key.c_str()) + "=" + std::to_string(r.fix_value)));
  c.add(std::move(f));
}

void rule_na_without_tlla(Ctx& c) {
  if (!c.target || c.local) return;
  const Frame2* na = nullptr;
  for (const auto& fr : c.frames)
    if (fr.msg && fr.msg->is_reply() && fr.msg->spa == *c.target && !fr.msg->has_lladdr && !c.is_ours(fr.parsed.eth_src)) {
      na = &fr;
      break;
    }
  if (!na) {
    c.rule_out("na-without-tlla", "no advertisement without a target link-layer address was seen");
    return;
  }
  const bool worked_around = c.c_resolved() && c.echo_ok();
  Finding f = c.finding("na-without-tlla", "C28", worked_around ? Severity::Warning : Severity::Fault, 97);
  f.summary = "the guest (" + na->parsed.eth_src.to_string() + ") answers the solicitation for " + c.target_text() +
              " with an advertisement that has no target link-layer address option: the kernel cannot resolve from it";
  f.explanation = "An NA without the TLLA option cannot complete an INCOMPLETE entry (neigh_update() with no lladdr "
                  "on a non-valid entry is discarded), so the entry goes FAILED while captures show the answer. "
                  "ndisc6 reports \"No response\" for the same reason.";
  f.evidence.push_back(c.ev_packet(*na));
  c.add_target_state(f, c.egress ? c.egress->name : c.s.interface);
  f.fix.push_back(c.fix_guest("the guest's stack must include the target link-layer address when answering a multicast NS"));
  if (c.egress && !worked_around)
    f.fix.push_back(c.fix_host("meanwhile, pin the guest's MAC on the host",
                               "neigh replace " + c.target_text() + " lladdr " + na->parsed.eth_src.to_string() + " dev " +
                                   c.egress->name + " nud permanent",
                               "ip -6 neigh replace " + c.target_text() + " lladdr " + na->parsed.eth_src.to_string() +
                                   " dev " + c.egress->name + " nud permanent"));
  c.add(std::move(f));
}

void rule_no_router_advert(Ctx& c) {
  // Solicitations (ours or the guests') that nobody answered with an RA.
  const Frame2* rs = nullptr;
  for (const auto& fr : c.frames)
    if (fr.parsed.ndp && fr.parsed.ndp->type == kNdRouterSolicit) rs = &fr;
  if (!rs) {
    c.not_observable("no-router-advertisement", "no router solicitation was seen");
    return;
  }
  if (first_ra(c)) {
    c.rule_out("no-router-advertisement", "a router advertisement was seen");
    return;
  }
  // Statically addressed links work without RAs; what breaks there is only
  // a guest that expects SLAAC: one that solicits and never uses a global
  // address of its own.
  const Link* dev = slaac_device(c);
  std::vector<const Address*> statics;
  if (dev)
    for (const auto& a : c.s.addresses)
      if (a.dev == dev->name && a.local.addr().is_v6() && !a.local.addr().is_link_local() && a.valid_lft == kForever)
        statics.push_back(&a);
  std::vector<MacAddr> expecting;
  for (const auto& fr : c.frames) {
    if (!fr.parsed.ndp || fr.parsed.ndp->type != kNdRouterSolicit || c.is_ours(fr.parsed.eth_src)) continue;
    const MacAddr mac = fr.parsed.eth_src;
    const bool has_global = std::any_of(c.frames.begin(), c.frames.end(), [&](const Frame2& g) {
      return g.parsed.ipv6 && g.parsed.eth_src == mac && !g.parsed.ipv6->src.is_link_local() &&
             !(g.parsed.ipv6->src == frames::ipv6_any());
    });
    if (!has_global && std::find(expecting.begin(), expecting.end(), mac) == expecting.end()) expecting.push_back(mac);
  }
  Severity severity;
  int weight;
  if (c.target) {
    // Only a fault when the target is global and the host has no route to it.
    const bool relevant = !c.target->is_link_local() && !c.route;
    severity = relevant ? Severity::Fault : Severity::Info;
    weight = relevant ? 80 : 5;
  } else if (!expecting.empty() || statics.empty()) {
    severity = Severity::Fault;
    weight = 80;
  } else {
    severity = Severity::Warning;
    weight = 30;
  }
  Finding f = c.finding("no-router-advertisement", "C24", severity, weight);
  const std::string link = dev ? dev->name : rs->sf->interface;
  if (severity == Severity::Warning) {
    f.summary = "no router advertises on " + link + "; its addresses are static (" + join_prefixes(statics) +
                "), which works, but guests that expect SLAAC get no address there";
  } else {
    std::vector<std::string> macs;
    for (const auto& m : expecting) macs.push_back(m.to_string());
    f.summary = "router solicitations on " + link + " get no router advertisement: nobody routes this link, so " +
                (macs.empty() ? std::string("guests") : "the guest" + std::string(macs.size() > 1 ? "s " : " ") + join(macs, ", ")) +
                " stay link-local only";
  }
  f.explanation = "The kernel never originates RAs; a router daemon on the host (radvd, dnsmasq --enable-ra, networkd "
                  "IPv6SendRA) must send them. In a lab, netlab guest TAP ip6 auto ra PREFIX on a TAP port of the "
                  "bridge plays the router.";
  f.evidence.push_back(c.ev_packet(*rs));
  f.evidence.push_back(c.ev_observation(rs->sf->interface, "no router advertisement in " + c.duration_text()));
  for (const auto* a : statics) f.evidence.push_back(c.ev_addr(*a));
  if (!statics.empty()) {
    // dnsmasq's constructor takes the prefixes from the device's own
    // addresses: one command, no configuration file.
    f.fix.push_back(c.fix_host("advertise " + link + "'s prefixes from the host (dnsmasq runs as a daemon; radvd does the same "
                               "with a configuration file)",
                               "",
                               "dnsmasq --port=0 --interface=" + link + " --bind-interfaces --enable-ra --dhcp-range=::,constructor:" +
                                   link + ",ra-only"));
  } else {
    f.fix.push_back(c.fix_host("give " + link + " an address in the prefix to advertise, then run a router advertisement "
                               "daemon on the host for it (radvd, or dnsmasq --enable-ra)",
                               "", ""));
  }
  c.add(std::move(f));
}

void rule_ra_prefix(Ctx& c) {
  bool found = false;
  std::set<std::string> reported;
  for (const auto& fr : c.frames) {
    if (!fr.parsed.ndp || fr.parsed.ndp->type != kNdRouterAdvert) continue;
    for (const auto& p : fr.parsed.ndp->prefixes) {
      if (p.autonomous && p.prefix.len() == 64) continue;
      if (!reported.insert(p.prefix.to_string()).second) continue;
      found = true;
      Finding f = c.finding("ra-prefix-not-64", "C30", Severity::Fault, 85);
      f.summary = "the router advertises " + p.prefix.to_string() +
                  (p.autonomous ? ": SLAAC needs a /64, so no address forms" : " without the A flag: no address forms from it") +
                  " (a default route may still appear)";
      f.explanation = "SLAAC builds an address from a 64-bit interface identifier; a prefix of another length is "
                      "ignored with a rate-limited debug message only, so nothing user-visible says why.";
      f.evidence.push_back(c.ev_packet(fr));
      f.fix.push_back(c.fix_guest("advertise a /64 with the A flag (radvd: prefix P::/64 { AdvAutonomous on; };)"));
      c.add(std::move(f));
    }
  }
  if (!found) c.rule_out("ra-prefix-not-64", "every advertised prefix is a /64 with the A flag");
}

void rule_no_onlink_prefix(Ctx& c) {
  if (!c.target || c.local || c.target->is_link_local()) return;
  const Link* l = slaac_device(c);
  if (!l) return;
  const Prefix net(c.target->is_v6() ? Prefix(*c.target, 64).network() : Prefix());
  bool covered = false;
  for (const auto& a : c.s.addresses)
    if (a.dev == l->name && a.local.addr().is_v6() && a.local.network().contains(*c.target)) covered = true;
  const bool routed_here = c.route && c.egress && (c.egress == l || c.egress == c.iface);
  if (covered || routed_here) {
    c.rule_out("no-onlink-prefix", l->name + " has an address or route for " + net.to_string());
    return;
  }
  Finding f = c.finding("no-onlink-prefix", "C31", Severity::Fault, 88);
  f.summary = "the host has no address or on-link route for " + net.to_string() + " on " + l->name + ": " +
              (c.route ? "the kernel sends " + c.target_text() + " through " + c.route->dev
                       : "\"" + c.s.route_error + "\"") +
              ", so it never solicits the guest there";
  f.explanation = "A router daemon advertises the prefix to the guests but does not configure the host itself; "
                  "without an address (or route) in it on the bridge, the host has no connected route.";
  if (c.route) f.evidence.push_back(c.ev_route(*c.route, "route get " + c.target_text()));
  else f.evidence.push_back(c.ev_observation("", "route get " + c.target_text() + ": " + c.s.route_error));
  f.provisional = true;  // until the advertisement of the prefix is seen
  for (const auto& fr : c.frames)
    if (fr.parsed.ndp && fr.parsed.ndp->type == kNdRouterAdvert) {
      f.evidence.push_back(c.ev_packet(fr));
      f.provisional = false;
      break;
    }
  const IpAddr host = c.free_address_near(*c.target);
  const std::string p = Prefix(host, 64).to_string();
  f.fix.push_back(c.fix_host("give " + l->name + " an address in " + net.to_string(), "addr add " + p + " dev " + l->name,
                             "ip -6 addr add " + p + " dev " + l->name));
  c.add(std::move(f));
}

void rule_mld_snooping(Ctx& c) {
  if (!c.bridge || !c.bridge->bridge || !c.bridge->bridge->multicast_snooping.value_or(0)) {
    c.rule_out("mld-snooping", c.bridge ? "multicast snooping is off on " + c.bridge->name : "no bridge on the path");
    return;
  }
  Finding f = c.finding("mld-snooping", "C25", Severity::Info, 3);
  f.summary = "multicast snooping is on for " + c.bridge->name + ": a guest that never sends MLD reports may stop "
              "receiving solicitations once a querier is active (a possibility, not a verdict)";
  f.explanation = "With snooping and an active querier the bridge forwards unregistered IPv6 multicast only to router "
                  "ports; silent guests then miss NS for their solicited-node group. Not reproduced on this kernel.";
  f.evidence.push_back(c.ev_link(*c.bridge));
  f.fix.push_back(c.fix_host("if guests lose neighbour discovery after a few minutes, turn snooping off", "",
                             "ip link set dev " + c.bridge->name + " type bridge mcast_snooping 0"));
  c.add(std::move(f));
  (void)kIfaFTentative;
  (void)kIfaFPermanent;
}

}  // namespace netlab::diag
