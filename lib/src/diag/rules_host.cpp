// The rules about the host's own IPv4 configuration: the route the kernel
// picks, and the settings that decide whether it answers or accepts
// (arp_ignore, rp_filter, the ARP source address, proxy ARP, static entries).
// Each rule reads the snapshot and the observation through Ctx and records
// a Finding or why it ruled its cause out; the catalog (catalog.cpp) says
// which rule decides which cause and in what order they run.
#include "diag/rules.hpp"

#include <netlab/arp_kernel.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <set>

namespace netlab::diag {

void rule_route_via_other(Ctx& c) {
  if (!c.target || c.local || !c.route || !c.iface || !c.egress) {
    c.not_observable("route-via-other-interface", c.target ? "no route toward the target" : "no target given");
    return;
  }
  if (c.proxy_mode) {
    c.rule_out("route-via-other-interface", c.target_text() + " is routed through " + c.egress->name + ", and " +
                                                c.iface->name + " answers for it by " + c.proxy_mechanism());
    return;
  }
  const Link* e = c.egress;
  const bool related = e == c.iface || (c.bridge && (e == c.bridge || c.master_bridge(*e) == c.bridge));
  if (related) {
    c.rule_out("route-via-other-interface", "the route toward " + c.target_text() + " leaves through " + e->name);
    return;
  }
  Finding f = c.finding("route-via-other-interface", "C04", Severity::Fault, 94);
  f.summary = "the kernel routes " + c.target_text() + " through " + e->name + ", not " + c.iface->name +
              ": neighbour resolution for it happens on " + e->name;
  f.explanation =
      "Two interfaces carry routes that cover the target (overlapping lab subnets, or a stale route); the "
      "first one wins, so the requests never appear on " + c.iface->name + ".";
  f.evidence.push_back(c.ev_route(*c.route, "route get " + c.target_text()));
  for (const auto& r : c.s.routes)
    if (r.dst.network().contains(*c.target) && r.dst.len() > 0) f.evidence.push_back(c.ev_route(r, ""));
  c.add_target_state(f, e->name);
  const std::string host_len = c.s.family == Family::Inet6 ? "/128" : "/32";
  f.fix.push_back(c.fix_host("send " + c.target_text() + " through " + c.iface->name +
                                 " (or renumber one of the labs so their subnets do not overlap)",
                             "route replace " + c.target_text() + host_len + " dev " + c.iface->name,
                             std::string(c.s.family == Family::Inet6 ? "ip -6" : "ip") + " route replace " +
                                 c.target_text() + host_len + " dev " + c.iface->name));
  c.add(std::move(f));
}

// C10: the kernel's own arp_ignore rule (arp::arp_ignore_decision, every
// value 0-8) for each sender that asks, or would ask, for the target: the
// requesters seen on the interface, and the routed guests (host routes
// through it, the "default via GW onlink" recipe) whose requests value 2
// ignores. Without either, a sender in the target's own subnet stands in.
void rule_arp_ignore(Ctx& c) {
  if (!c.target || !c.local || !c.iface) {
    c.not_observable("arp-ignore", "the target is not one of this host's addresses");
    return;
  }
  const std::string& dev = c.iface->name;
  const long v = c.effective_max("arp_ignore", dev);
  std::vector<IpAddr> senders;
  auto add_sender = [&](const IpAddr& ip) {
    if (ip.is_v4() && !(ip == frames::ipv4_any()) && std::find(senders.begin(), senders.end(), ip) == senders.end())
      senders.push_back(ip);
  };
  for (const auto* fr : c.requests_for_target())
    if (fr->sf->interface == dev && !c.is_ours(fr->msg->sha)) add_sender(fr->msg->spa);
  for (const auto& r : c.s.routes)
    if (r.dev == dev && r.dst.len() == 32 && !r.gateway && r.type == 1) add_sender(r.dst.addr());
  if (senders.empty()) add_sender(*c.target);
  std::vector<std::pair<IpAddr, arp::IgnoreDecision>> ignored;
  std::string answered_why;
  for (const auto& sip : senders) {
    auto d = arp::arp_ignore_decision(v, c.s.addresses, dev, sip, *c.target);
    if (d.ignored) ignored.emplace_back(sip, std::move(d));
    else if (answered_why.empty()) answered_why = d.why;
  }
  if (ignored.empty()) {
    c.rule_out("arp-ignore", answered_why.empty() ? "arp_ignore=" + std::to_string(v) + " lets " + dev + " answer"
                                                  : answered_why);
    return;
  }
  Finding f = c.finding("arp-ignore", "C10", Severity::Fault, 92);
  std::vector<std::string> who;
  for (const auto& [sip, d] : ignored) who.push_back(sip.to_string());
  f.summary = "peers on " + dev + " get no ARP answer for " + c.target_text() + " (" + join(who, ", ") +
              " asking): " + ignored.front().second.why;
  f.explanation =
      "arp_ignore decides, per request, whether the kernel answers for a local address: 1 only for addresses "
      "configured on the receiving interface, 2 also only to senders inside that address's subnet (routed /32 "
      "guests with an onlink gateway are in none), 3 not for scope host addresses, 8 never. The effective value "
      "is the larger of conf/all and conf/" + dev + ". LVS-DR and IPVS set arp_ignore=1 or 2.";
  c.add_sysctl_evidence(f, "arp_ignore", dev);
  for (const auto& a : c.s.addresses)
    if (a.local.addr() == *c.target) f.evidence.push_back(c.ev_addr(a));
  for (const auto& r : c.s.routes)
    if (r.dev == dev && r.dst.len() == 32 && !r.gateway && r.type == 1 &&
        std::any_of(ignored.begin(), ignored.end(), [&](const auto& x) { return x.first == r.dst.addr(); }))
      f.evidence.push_back(c.ev_route(r, "a routed guest: its requests come from outside every subnet of " + dev));
  c.add_unanswered_requests_for_local(f);
  for (const auto& key_dev : {std::string("all"), dev}) {
    const auto key = "net.ipv4.conf." + key_dev + ".arp_ignore";
    auto it = c.s.sysctl.find(key);
    if (it != c.s.sysctl.end() && it->second > 0)
      f.fix.push_back(c.fix_host("answer ARP for any local address (or give the guests a gateway on their own link)",
                                 "", "sysctl -w " + key + "=0"));
  }
  c.add(std::move(f));
}

void rule_reverse_path(Ctx& c) {
  if (!c.iface) return;
  const long rp = c.effective_max("rp_filter", c.iface->name);
  const bool arp_filter = c.effective_or("arp_filter", c.iface->name);
  if (rp != 1 && !arp_filter) {
    c.rule_out("reverse-path-filter", "rp_filter=" + std::to_string(rp) + " (not strict) and arp_filter=0 on " +
                                          c.iface->name);
    return;
  }
  // Requesters whose route back leaves through another device, from the
  // requests seen and from host routes that pull a neighbour's address away.
  struct Bad {
    IpAddr requester;
    const Route* route;
  };
  std::vector<Bad> bad;
  for (const auto& [requester, r] : c.o.reverse_routes)
    if (r.dev != c.iface->name) bad.push_back({requester, &r});
  std::vector<const Route*> stale;
  for (const auto& r : c.s.routes) {
    if (r.dst.len() != 32 || r.dev == c.iface->name || r.dev.empty() || r.gateway) continue;
    for (const auto* a : c.ipv4_on(c.iface->name))
      if (a->local.len() < 32 && a->local.network().contains(r.dst.addr())) stale.push_back(&r);
  }
  if (bad.empty() && stale.empty()) {
    c.rule_out("reverse-path-filter", "the routes back to the peers on " + c.iface->name + " use " + c.iface->name);
    return;
  }
  Finding f = c.finding("reverse-path-filter", "C11", Severity::Fault, 88);
  std::string who = !bad.empty() ? bad.front().requester.to_string() : stale.front()->dst.addr().to_string();
  std::string via = !bad.empty() ? bad.front().route->dev : stale.front()->dev;
  f.summary = "requests from " + who + " on " + c.iface->name + " go unanswered: the route back to " + who +
              " leaves through " + via + " and " + (rp == 1 ? "rp_filter=1 (strict)" : "arp_filter=1") +
              " makes the kernel drop them";
  f.explanation =
      "arp_process() validates a request with a route lookup from the sender; with strict reverse-path "
      "filtering (or arp_filter) the route back must use the interface the request arrived on. A stale host "
      "route (a UML/QEMU recipe's `ip route add ADDR dev OLD`) breaks it.";
  for (const auto& b : bad) f.evidence.push_back(c.ev_route(*b.route, "route get " + b.requester.to_string()));
  for (const auto* r : stale) f.evidence.push_back(c.ev_route(*r, ""));
  c.add_sysctl_evidence(f, "rp_filter", c.iface->name);
  c.add_sysctl_evidence(f, "arp_filter", c.iface->name);
  c.add_unanswered_requests_for_local(f);
  std::set<std::string> done;
  for (const auto* r : stale) {
    const auto d = r->dst.to_string();
    if (done.insert(d).second)
      f.fix.push_back(c.fix_host("delete the stale route that pulls " + r->dst.addr().to_string() + " away from " +
                                     c.iface->name + " (or set rp_filter=2, loose)",
                                 "route del " + d + " dev " + r->dev, "ip route del " + d + " dev " + r->dev));
  }
  for (const auto& b : bad)
    if (b.route->dst.len() == 32 && done.insert(b.route->dst.to_string()).second)
      f.fix.push_back(c.fix_host("delete the route that sends replies for " + b.requester.to_string() + " elsewhere",
                                 "route del " + b.route->dst.to_string() + " dev " + b.route->dev,
                                 "ip route del " + b.route->dst.to_string() + " dev " + b.route->dev));
  if (f.fix.empty())
    f.fix.push_back(c.fix_host("use loose reverse-path filtering", "",
                               "sysctl -w net.ipv4.conf.all.rp_filter=2"));
  c.add(std::move(f));
}

void rule_offlink_source(Ctx& c) {
  if (!c.target || c.local || !c.egress || !c.route || c.proxy_mode) {
    c.not_observable("offlink-arp-source", "no route toward a non-local target");
    return;
  }
  if (!c.ipv4_on(c.egress->name).empty()) {
    c.rule_out("offlink-arp-source", c.egress->name + " has an IPv4 address to use as the ARP source");
    return;
  }
  Finding f = c.finding("offlink-arp-source", "C12", Severity::Fault, 80);
  std::optional<IpAddr> source;
  for (const auto* fr : c.requests_for_target())
    if (c.is_ours(fr->msg->sha)) source = fr->msg->spa;
  if (!source && c.route && c.route->prefsrc) source = c.route->prefsrc;
  f.summary = c.egress->name + " has no IPv4 address, so ARP requests for " + c.target_text() + " carry " +
              (source ? source->to_string() : std::string("another interface's address")) +
              ", which is not on the guest's subnet: a guest with reverse-path filtering ignores them";
  f.explanation =
      "In the UML/QEMU host-route recipe the TAP has only a route, no address; the kernel takes the ARP source "
      "from the packet being sent, an address of another interface. Linux guests drop requests whose sender "
      "they have no route back to (rp_filter), and arp_announce cannot help when the device has no address.";
  f.evidence.push_back(c.ev_link(*c.egress));
  if (c.route) f.evidence.push_back(c.ev_route(*c.route, "route get " + c.target_text()));
  for (const auto* fr : c.requests_for_target()) {
    f.evidence.push_back(c.ev_packet(*fr));
    break;
  }
  // An address on the guest's subnet for the host's side: the gateway the
  // guest asks for when we saw it ask, else the first free one in its /24.
  IpAddr host_side = c.guest_gateway().value_or(c.free_address_near(*c.target));
  f.fix.push_back(c.fix_host("give " + c.egress->name + " an address on the guest's subnet",
                             "addr add " + host_side.to_string() + "/32 dev " + c.egress->name,
                             "ip addr add " + host_side.to_string() + "/32 dev " + c.egress->name));
  c.add(std::move(f));
}

void rule_proxy_arp(Ctx& c) {
  if (!c.iface) return;
  // Either form of the recipe: proxy_arp on the interface, or a proxy entry
  // for the target on it (`netlab neigh add proxy ADDR dev IFACE`).
  const bool flag = c.effective_or("proxy_arp", c.iface->name);
  const Neighbour* entry = c.proxy_entry_for_target();
  if (!flag && !entry) {
    c.rule_out("proxy-arp-without-forwarding", "proxy_arp is off on " + c.iface->name + " and no proxy entry is there");
    return;
  }
  const std::string what = flag ? "proxy_arp is on for " + c.iface->name
                                : "a proxy entry for " + c.target_text() + " is on " + c.iface->name;
  const auto fwd = c.sysctl("net.ipv4.conf." + c.iface->name + ".forwarding");
  if (fwd.value_or(0) != 0) {
    c.rule_out("proxy-arp-without-forwarding", what + " and forwarding is on");
    return;
  }
  Finding f = c.finding("proxy-arp-without-forwarding", "C13", Severity::Fault, 87);
  f.summary = what + " but IP forwarding is off: the kernel answers no request by proxy";
  f.explanation =
      "The kernel proxies ARP only for a device with forwarding on, and only for targets routed through "
      "another device. With ip_forward=0 the UML/QEMU proxy-ARP recipe is inert: guests asking for off-link "
      "addresses (and the LAN asking for the guest) get no answer.";
  if (flag) c.add_sysctl_evidence(f, "proxy_arp", c.iface->name);
  if (entry) f.evidence.push_back(c.ev_neigh(*entry, "proxy entry"));
  f.evidence.push_back(c.ev_sysctl("net.ipv4.conf." + c.iface->name + ".forwarding"));
  if (c.sysctl("net.ipv4.ip_forward")) f.evidence.push_back(c.ev_sysctl("net.ipv4.ip_forward"));
  int shown = 0;
  for (const auto& fr : c.frames) {
    if (!fr.msg || !fr.msg->is_request() || c.is_ours(fr.msg->sha)) continue;
    if (fr.sf->interface != c.iface->name || c.is_local(fr.msg->tpa) || shown >= 2) continue;
    f.evidence.push_back(c.ev_packet(fr, "unanswered: the host should have answered by proxy"));
    ++shown;
  }
  f.fix.push_back(c.fix_host("turn IP forwarding on", "", "sysctl -w net.ipv4.ip_forward=1"));
  c.add(std::move(f));
}

void rule_stale_permanent(Ctx& c) {
  if (!c.target) return;
  const Neighbour* perm = nullptr;
  for (const auto& n : c.s.neighbours)
    if (n.dst == *c.target && (n.state & NudPermanent) && !n.lladdr.empty()) perm = &n;
  if (!perm) {
    c.rule_out("stale-permanent-neighbour", "no static entry for the target");
    return;
  }
  const auto pinned = perm->mac();
  std::optional<MacAddr> real;
  const Frame2* proof = nullptr;
  for (const auto& fr : c.frames)
    if (fr.msg && fr.msg->spa == *c.target && !c.is_ours(fr.msg->sha) &&
        (fr.msg->is_reply() || fr.msg->is_gratuitous()) && pinned && !(fr.msg->sha == *pinned)) {
      real = fr.msg->sha;
      proof = &fr;
      break;
    }
  bool in_fdb = !c.bridge || !pinned;
  for (const auto& e : c.s.fdb)
    if (pinned && e.mac == *pinned) in_fdb = true;
  if (!real && in_fdb) {
    c.rule_out("stale-permanent-neighbour", "the static entry's MAC is the one in use");
    return;
  }
  const bool fault = real.has_value() || !c.echo_ok();
  Finding f = c.finding("stale-permanent-neighbour", "C21", fault ? Severity::Fault : Severity::Warning, fault ? 90 : 30);
  f.summary = "a static (PERMANENT) entry sends " + c.target_text() + "'s traffic to " +
              (pinned ? pinned->to_string() : std::string("?")) +
              (real ? ", but the station answering for it is " + real->to_string() : ", a MAC no port of the bridge has seen");
  f.explanation = "PERMANENT entries are never re-checked: the kernel sends no " + c.resolution_word() +
                  " and keeps using the old MAC after the guest's changed.";
  f.evidence.push_back(c.ev_neigh(*perm, ""));
  if (proof) f.evidence.push_back(c.ev_packet(*proof));
  f.fix.push_back(c.fix_host("delete the static entry and let " + c.resolution_word() + " resolve", "neigh del " + c.target_text() + " dev " + perm->dev,
                             "ip neigh del " + c.target_text() + " dev " + perm->dev));
  c.add(std::move(f));
}

}  // namespace netlab::diag
