// Step 1 of the diagnosis: read the kernel's state once, over netlink (and
// /proc/sys/net for the knobs netlink does not give us per device), into a
// plain Snapshot the rules can read without touching the system again.
#include <netlab/diag.hpp>
#include <netlab/link.hpp>
#include <netlab/sysctl.hpp>

#include <algorithm>
#include <set>
#include <span>

namespace netlab::diag {
namespace {

// The IPv4 knobs the ARP causes depend on, for every device involved.
constexpr std::string_view kConfKeys[] = {"arp_ignore", "arp_filter", "arp_announce", "arp_accept",
                                          "rp_filter",  "proxy_arp",  "forwarding"};
// And the IPv6 ones that decide neighbour discovery and SLAAC.
constexpr std::string_view kConf6Keys[] = {"disable_ipv6", "accept_ra", "forwarding", "autoconf", "accept_dad",
                                           "addr_gen_mode", "accept_ra_defrtr", "accept_ra_pinfo", "proxy_ndp"};

void read_conf(const Netns& ns, Family family, const std::string& dev, std::map<std::string, long>& out) {
  const bool v6 = family == Family::Inet6;
  const std::string prefix = v6 ? "net.ipv6.conf." : "net.ipv4.conf.";
  for (auto key : v6 ? std::span<const std::string_view>(kConf6Keys) : std::span<const std::string_view>(kConfKeys)) {
    auto v = sysctl::read_conf(ns, family, dev, key);
    if (v) out[prefix + dev + "." + std::string(key)] = *v;
  }
}

void read_plain(const Netns& ns, std::string_view path, std::map<std::string, long>& out) {
  auto v = sysctl::read_int(ns, path);
  if (!v) return;  // absent: br_netfilter not loaded, say
  std::string key = "net." + std::string(path);
  std::replace(key.begin(), key.end(), '/', '.');
  out[key] = *v;
}

}  // namespace

Result<Snapshot> collect(const Netns& ns, const CollectOptions& options) {
  Snapshot s;
  s.interface = options.interface;
  s.target = options.target;
  s.family = options.family;
  const bool v6 = s.family == Family::Inet6;
  if (s.target && s.target->family() != s.family)
    return Error::usage("target " + s.target->to_string(), v6 ? "not an IPv6 address" : "not an IPv4 address");

  auto links = link::list(ns);
  if (!links) return std::move(links).error();
  s.links = std::move(*links);
  const Link* iface = link::find(s.links, s.interface);
  if (!iface) return Error::not_found("interface " + s.interface, "No such device");

  addr::Filter af;
  auto addresses = addr::list(ns, af);
  if (!addresses) return std::move(addresses).error();
  s.addresses = std::move(*addresses);

  neigh::Filter nf;
  nf.family = s.family;
  nf.states = neigh::kAllStates;
  auto neighbours = neigh::list(ns, nf);
  if (!neighbours) return std::move(neighbours).error();
  s.neighbours = std::move(*neighbours);
  // Proxy entries live in their own table (the UML recipe's
  // `arp -Ds ADDR eth0 pub`); a dump of the family's, best effort.
  neigh::Filter pf;
  pf.family = s.family;
  pf.proxy = true;
  if (auto proxies = neigh::list(ns, pf)) s.proxies = std::move(*proxies);

  route::Filter rf;
  rf.family = s.family;
  auto routes = route::list(ns, rf);
  if (!routes) return std::move(routes).error();
  s.routes = std::move(*routes);

  if (s.target) {
    route::GetQuery q;
    q.dst = *s.target;
    // A link-local target only has a route through the interface named.
    if (s.target->is_link_local()) q.oif = s.interface;
    auto r = route::get(ns, q);
    if (r) s.route_to_target = std::move(*r);
    else s.route_error = r.error().reason;
  }

  // The bridge involved: the interface itself, its master, or the bridge the
  // route toward the target leaves through (or whose port it leaves through).
  auto bridge_of = [&](const Link* l) -> std::string {
    if (!l) return {};
    if (l->kind == "bridge") return l->name;
    return bridge::master_bridge_of(*l);
  };
  s.bridge = bridge_of(iface);
  if (s.bridge.empty() && s.route_to_target) s.bridge = bridge_of(link::find(s.links, s.route_to_target->dev));

  std::set<std::string> devs{"all", "default", s.interface};
  if (!s.bridge.empty()) {
    devs.insert(s.bridge);
    const Link* br = link::find(s.links, s.bridge);
    for (const auto& l : s.links)
      if (br && l.master_index == br->index) devs.insert(l.name);
  }
  if (s.route_to_target && !s.route_to_target->dev.empty()) devs.insert(s.route_to_target->dev);
  if (s.target)
    for (const auto& a : s.addresses)
      if (a.local.addr() == *s.target) devs.insert(a.dev);
  for (const auto& dev : devs) read_conf(ns, Family::Inet, dev, s.sysctl);
  if (v6)
    for (const auto& dev : devs) read_conf(ns, Family::Inet6, dev, s.sysctl);
  read_plain(ns, "ipv4/ip_forward", s.sysctl);
  read_plain(ns, "bridge/bridge-nf-call-iptables", s.sysctl);
  read_plain(ns, "bridge/bridge-nf-call-arptables", s.sysctl);
  read_plain(ns, "bridge/bridge-nf-call-ip6tables", s.sysctl);
  for (auto key : {"gc_thresh1", "gc_thresh2", "gc_thresh3"})
    read_plain(ns, std::string(v6 ? "ipv6" : "ipv4") + "/neigh/default/" + key, s.sysctl);

  if (!s.bridge.empty()) {
    auto bridge_name = IfName::parse(s.bridge);
    if (bridge_name) {
      auto fdb = bridge::fdb(ns, *bridge_name);
      if (fdb) s.fdb = std::move(*fdb);
    }
  }

  auto taps = tap::list(ns);
  if (taps)
    for (auto& t : *taps) s.tap_holders[t.link.name] = std::move(t.holders);
  return s;
}

}  // namespace netlab::diag
