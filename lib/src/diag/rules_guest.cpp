// The rules about what the guests send and what happens to it on the way:
// who answers for the target (the host, two guests, nobody with this
// address), malformed replies and invalid MACs, bridge-family and
// br_netfilter filters.
// Each rule reads the snapshot and the observation through Ctx and records
// a Finding or why it ruled its cause out; the catalog (catalog.cpp) says
// which rule decides which cause and in what order they run.
#include "diag/rules.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

namespace netlab::diag {

void rule_replies(Ctx& c) {
  if (!c.target) {
    c.not_observable("duplicate-guest-address", "no target given");
    return;
  }
  // C03 / C02: more than one station claims the target.
  std::vector<MacAddr> claimants;
  std::vector<const Frame2*> claims;
  for (const auto& fr : c.frames) {
    if (!fr.msg || !(fr.msg->spa == *c.target)) continue;
    const auto& a = *fr.msg;
    if (!(a.is_reply() || a.is_gratuitous())) continue;
    if (c.is_ours(a.sha)) continue;
    if (std::find(claimants.begin(), claimants.end(), a.sha) == claimants.end()) {
      claimants.push_back(a.sha);
      claims.push_back(&fr);
    }
  }
  if (c.local) {
    if (claimants.empty()) {
      c.rule_out("host-owns-target-address", "no other station claims " + c.target_text());
    } else {
      Finding f = c.finding("host-owns-target-address", "C02", Severity::Fault, 97);
      f.summary = c.target_text() + " is this host's own address (on " + c.local_owner() + "), and " +
                  claimants.front().to_string() + " claims it too: traffic to it never leaves the host";
      f.explanation =
          "The address is in the host's local table, so ping and ssh to it are answered by the host itself "
          "(fast, ttl 64) and the guest is never reached; a guest that checks its address (RFC 5227) sees a "
          "conflict because the host answers its probe.";
      if (c.route) f.evidence.push_back(c.ev_route(*c.route, "route get " + c.target_text()));
      for (const auto& a : c.s.addresses)
        if (a.local.addr() == *c.target) f.evidence.push_back(c.ev_addr(a));
      for (const auto* fr : claims) f.evidence.push_back(c.ev_packet(*fr));
      for (const auto& a : c.s.addresses)
        if (a.local.addr() == *c.target) {
          const IpAddr fresh = c.free_address_near(*c.target, claimants.size() > 0);
          const std::string newp = Prefix(fresh, a.local.len()).to_string();
          f.fix.push_back(c.fix_host("give the host an address of its own", "addr del " + a.local.to_string() + " dev " + a.dev,
                                     "ip addr del " + a.local.to_string() + " dev " + a.dev));
          f.fix.push_back(c.fix_host("", "addr add " + newp + " dev " + a.dev, "ip addr add " + newp + " dev " + a.dev));
        }
      c.add(std::move(f));
    }
    c.not_observable("duplicate-guest-address", "the target is this host's own address");
    return;
  }
  c.rule_out("host-owns-target-address", c.target_text() + " is not a local address");
  if (claimants.size() < 2) {
    c.rule_out("duplicate-guest-address", claimants.empty() ? "nobody answered" : "one station answers");
  } else {
    Finding f = c.finding("duplicate-guest-address", "C03", Severity::Fault, 98);
    std::vector<std::string> macs;
    for (const auto& m : claimants) macs.push_back(m.to_string());
    f.summary = c.target_text() + " is claimed by " + std::to_string(claimants.size()) + " stations (" + join(macs, ", ") +
                "): two guests share one address";
    f.explanation =
        "Both guests answer the broadcast request; the kernel keeps the first reply and later ones override "
        "it after locktime, so the entry flips and connections break at random.";
    for (const auto* fr : claims) f.evidence.push_back(c.ev_packet(*fr));
    for (const auto& m : claimants)
      if (auto e = c.ev_fdb_for(m)) f.evidence.push_back(*e);
    f.fix.push_back(c.fix_guest("give each guest its own address"));
    c.add(std::move(f));
  }
}

void rule_malformed(Ctx& c) {
  if (!c.target || c.local) {
    c.not_observable("malformed-reply", "no target to watch replies for");
    return;
  }
  std::vector<const Frame2*> wrong_dst, wrong_sender;
  for (const auto& fr : c.frames) {
    if (!fr.msg || !fr.msg->is_reply() || c.is_ours(fr.parsed.eth_src)) continue;
    const auto& a = *fr.msg;
    if (a.spa == *c.target) {
      if (!c.is_ours(fr.parsed.eth_dst) && !fr.parsed.eth_dst.is_broadcast() && c.is_ours(a.tha))
        wrong_dst.push_back(&fr);
    } else if (c.is_ours(a.tha) && c.answered_our_request_for_target(fr)) {
      wrong_sender.push_back(&fr);
    }
  }
  if (wrong_dst.empty() && wrong_sender.empty()) {
    c.rule_out("malformed-reply", "every reply seen was well formed");
    return;
  }
  const Frame2* first = !wrong_dst.empty() ? wrong_dst.front() : wrong_sender.front();
  const auto mac = first->msg->sha;
  // A static entry for the guest's MAC works around it: the path works, the
  // guest's stack is still wrong.
  bool pinned = false;
  for (const auto& n : c.s.neighbours)
    if (n.dst == *c.target && (n.state & NudPermanent) && n.mac() && *n.mac() == mac) pinned = true;
  const bool worked_around = pinned && c.echo_ok();
  Finding f = c.finding("malformed-reply", "C14", worked_around ? Severity::Warning : Severity::Fault, 96);
  if (!wrong_dst.empty())
    f.summary = "the guest (" + mac.to_string() + ") answers for " + c.target_text() + " but sends the reply to " +
                first->parsed.eth_dst.to_string() + " instead of our MAC: the kernel discards it";
  else
    f.summary = "the guest (" + mac.to_string() + ") answers our request for " + c.target_text() + " with sender " +
                first->msg->spa.to_string() + ": the reply matches no entry";
  f.explanation =
      "A reply whose Ethernet destination is not ours is marked PACKET_OTHERHOST and consumed by arp_rcv() "
      "without a trace (captures still show it); a reply with another sender IP updates nothing for the "
      "target. Both come from guest network stacks (unikernels) with a bug in their ARP code.";
  for (const auto* fr : wrong_dst) {
    f.evidence.push_back(c.ev_packet(*fr, "Ethernet destination is not " + c.our_mac_on(fr->sf->interface)));
    break;
  }
  for (const auto* fr : wrong_sender) {
    f.evidence.push_back(c.ev_packet(*fr, "answers a request for " + c.target_text()));
    break;
  }
  if (worked_around) f.summary += " (a static entry works around it; the guest's stack is still wrong)";
  c.add_target_state(f, c.egress ? c.egress->name : c.s.interface);
  f.fix.push_back(c.fix_guest("fix the guest's ARP replies: Ethernet destination = the requester's MAC, sender IP = the address asked for"));
  if (c.egress && !worked_around)
    f.fix.push_back(c.fix_host("meanwhile, pin the guest's MAC on the host",
                               "neigh replace " + c.target_text() + " lladdr " + mac.to_string() + " dev " +
                                   c.egress->name + " nud permanent",
                               "ip neigh replace " + c.target_text() + " lladdr " + mac.to_string() + " dev " +
                                   c.egress->name + " nud permanent"));
  c.add(std::move(f));
}

void rule_invalid_mac(Ctx& c) {
  std::vector<const Frame2*> bad;
  std::set<MacAddr> macs;
  for (const auto& fr : c.frames) {
    const auto& src = fr.parsed.eth_src;
    if (!(src.is_multicast() || src.is_zero()) || c.is_ours(src)) continue;
    if (macs.insert(src).second) bad.push_back(&fr);
  }
  if (bad.empty()) {
    c.rule_out("invalid-guest-mac", "no frame with a multicast or zero source MAC was seen");
    return;
  }
  const auto mac = bad.front()->parsed.eth_src;
  Finding f = c.finding("invalid-guest-mac", "C16", Severity::Fault, 97);
  f.summary = "a guest sends with source MAC " + mac.to_string() + ", " +
              (mac.is_zero() ? std::string("all zeros") : std::string("a multicast address (odd first byte)")) +
              ": bridges and the kernel drop its frames";
  f.explanation =
      "A source MAC with the I/G bit set (or all zeros) is invalid; the bridge drops such frames on ingress "
      "(MAC_INVALID_SOURCE) and never learns them. Xen and QEMU accept such a MAC in a guest's configuration; "
      "`ip link` refuses it.";
  for (const auto* fr : bad) f.evidence.push_back(c.ev_packet(*fr));
  if (c.bridge) {
    bool on_bridge = false;
    for (const auto& fr : c.frames)
      if (fr.sf->interface == c.bridge->name && fr.parsed.eth_src == mac) on_bridge = true;
    if (!on_bridge)
      f.evidence.push_back(c.ev_observation(c.bridge->name, "no frame from " + mac.to_string() + " reached the bridge"));
  }
  auto fixed = mac.bytes();
  fixed[0] = static_cast<std::uint8_t>((fixed[0] & 0xfc) | 0x02);
  if (MacAddr(fixed).is_zero() || (fixed[1] == 0 && fixed[2] == 0 && fixed[3] == 0 && fixed[4] == 0 && fixed[5] == 0))
    fixed = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
  f.fix.push_back(c.fix_guest("give the guest a unicast, locally administered MAC such as " + MacAddr(fixed).to_string()));
  c.add(std::move(f));
}

void rule_bridge_filter(Ctx& c) {
  if (!c.target || c.local || c.c_resolved()) {
    c.not_observable("bridge-filter-drops-arp", c.target && !c.local ? "the target resolves" : "no target to watch");
    return;
  }
  // A valid reply to us seen on a forwarding port and never on the bridge:
  // something between the two (a bridge-family rule) dropped it.
  for (const auto* fr : c.replies_for_target()) {
    const Link* port = c.port_named(fr->sf->interface);
    if (!port || !c.bridge || !port->bridge_port || port->bridge_port->state != 3) continue;
    const auto& src = fr->parsed.eth_src;
    if (src.is_multicast() || src.is_zero() || !c.is_ours(fr->parsed.eth_dst)) continue;
    if (!c.l3_on(port->name).empty()) continue;  // that is C01: the bridge takes it on purpose
    bool on_bridge = false;
    for (const auto& other : c.frames)
      if (other.sf->interface == c.bridge->name && other.sf->bytes == fr->sf->bytes) on_bridge = true;
    if (on_bridge) continue;
    Finding f = c.finding("bridge-filter-drops-arp", "C17", Severity::Fault, 86);
    f.summary = "the guest's reply for " + c.target_text() + " arrives on " + port->name + " but never reaches " +
                c.bridge->name + ": a bridge-family firewall rule drops it";
    f.explanation =
        "The reply is well formed, comes from a valid unicast MAC and is addressed to us, and the port "
        "forwards; frames are dropped between a port and its bridge by ebtables / nft bridge rules (libvirt "
        "nwfilter's no-arp-spoofing and clean-traffic with a wrong IP parameter are the usual source).";
    f.evidence.push_back(c.ev_packet(*fr));
    f.evidence.push_back(c.ev_observation(c.bridge->name, "the same reply was not seen on " + c.bridge->name));
    f.evidence.push_back(c.ev_link(*port));
    c.add_target_state(f, c.egress ? c.egress->name : c.bridge->name);
    f.fix.push_back(c.fix_host("remove or correct the bridge-family rule that drops ARP (inspect: nft list ruleset bridge; ebtables -L)",
                               "", "nft flush ruleset bridge"));
    c.add(std::move(f));
    return;
  }
  // A valid reply that reached the device the kernel asked on, and still no
  // entry: an ARP-family input rule (nft arp, arptables).
  if (c.egress && c.l3_on(c.egress->name).size() > 0 && !c.master_bridge(*c.egress)) {
    for (const auto* fr : c.replies_for_target()) {
      if (fr->sf->interface != c.egress->name || !c.is_ours(fr->parsed.eth_dst)) continue;
      const auto& src = fr->parsed.eth_src;
      if (src.is_multicast() || src.is_zero() || !(fr->msg->tpa == c.our_source())) continue;
      // An answer the kernel cannot use for other reasons is not a filter's doing.
      if (!fr->msg->has_lladdr || c.has_cause("dad-failed") || c.has_cause("na-without-tlla")) continue;
      if (!c.target_stayed_unresolved_after(fr->sf->time + 0.2)) continue;
      const bool v6 = c.s.family == Family::Inet6;
      Finding f = v6 ? c.finding("icmpv6-filtered", "C29", Severity::Fault, 70)
                     : c.finding("bridge-filter-drops-arp", "C17", Severity::Fault, 70);
      f.summary = "a valid " + std::string(v6 ? "advertisement" : "reply") + " for " + c.target_text() + " reaches " +
                  c.egress->name + " yet the kernel's entry stays unresolved: " +
                  (v6 ? "an input firewall rule drops ICMPv6 (neighbour discovery is ICMPv6)"
                      : "an ARP input filter (nft arp family, arptables) drops it");
      f.explanation = v6 ? "Packet taps run before the input hook, so the NA is captured yet never reaches ndisc_rcv(). "
                           "A fix must allow ICMPv6 types 133-137 (RFC 4890), not only echo."
                         : "Packet taps see a frame before the ARP-family netfilter hooks; the kernel never processed this reply.";
      f.evidence.push_back(c.ev_packet(*fr));
      c.add_target_state(f, c.egress->name);
      if (v6)
        f.fix.push_back(c.fix_host("accept neighbour discovery before any drop rule (inspect: nft list ruleset; the "
                                   "command below assumes table inet filter, chain input)",
                                   "",
                                   "nft insert rule inet filter input icmpv6 type { nd-router-solicit, nd-router-advert, "
                                   "nd-neighbor-solicit, nd-neighbor-advert, nd-redirect } accept"));
      else
        f.fix.push_back(c.fix_host("remove or correct the ARP-family rule (inspect: nft list ruleset arp)", "",
                                   "nft flush ruleset arp"));
      c.add(std::move(f));
      return;
    }
  }
  c.rule_out("bridge-filter-drops-arp", c.replies_for_target().empty() ? "no reply to follow" : "every reply reached the kernel");
}

void rule_br_netfilter(Ctx& c) {
  const std::string nf_key = c.s.family == Family::Inet6 ? "net.bridge.bridge-nf-call-ip6tables"
                                                         : "net.bridge.bridge-nf-call-iptables";
  const auto v = c.sysctl(nf_key);
  const bool per_bridge = c.bridge && c.bridge->bridge && false;
  (void)per_bridge;
  if (!c.bridge || v.value_or(0) == 0) {
    c.rule_out("br-netfilter-forward-drop",
               v ? "bridge-nf-call-iptables=0" : "br_netfilter is not loaded (no net.bridge sysctls)");
    return;
  }
  // IP frames between two ports that entered one and never left the other.
  const auto lost = c.unforwarded_ip();
  const bool fault = !lost.empty();
    // Without loss on the wire it is only a note: the FORWARD policy itself
  // (iptables-nft or legacy) is not read by this version.
  Finding f = c.finding("br-netfilter-forward-drop", "C18", fault ? Severity::Fault : Severity::Info, fault ? 85 : 5);
  const bool v6 = c.s.family == Family::Inet6;
  const std::string ipv = v6 ? "IPv6" : "IPv4";
  const std::string table = v6 ? "ip6tables" : "iptables";
  f.summary = fault ? ipv + " between guests on " + c.bridge->name + " is lost in the bridge while resolution works: "
                      "bridged " + ipv + " goes through " + table + " FORWARD (bridge-nf-call-" + table +
                      "=1), whose policy drops it"
                    : "bridged " + ipv + " on " + c.bridge->name + " goes through " + table + " FORWARD (bridge-nf-call-" +
                      table + "=1): a DROP policy there (Docker sets one) would cut guest-to-guest traffic";
  f.explanation = v6 ? "br_netfilter hands bridged IPv6 to the ip6tables FORWARD hook; neighbour discovery is IPv6 "
                       "itself, so NS/NA between guests can be lost too (moby/moby#48365)."
                     : "br_netfilter hands bridged IPv4 to the inet FORWARD hook. ARP is not IP and resolves fine; the "
                       "ICMP/TCP that follows disappears inside the bridge.";
  f.evidence.push_back(c.ev_sysctl(nf_key));
  for (const auto* fr : lost) {
    f.evidence.push_back(c.ev_packet(*fr, "never left the bridge"));
    break;
  }
  f.fix.push_back(c.fix_host("let bridged traffic bypass " + table + " (or accept " + c.bridge->name + " to " +
                                 c.bridge->name + " in FORWARD: " + table + " -I FORWARD -i " + c.bridge->name + " -o " +
                                 c.bridge->name + " -j ACCEPT)",
                             "", "sysctl -w " + nf_key + "=0"));
  c.add(std::move(f));
}

void rule_target_not_configured(Ctx& c) {
  if (!c.target || c.local) return;
  if (c.c_resolved() || !c.replies_for_target().empty()) {
    c.rule_out("target-not-configured", "the target answers");
    return;
  }
  // Stations that are alive on the link with another address.
  std::map<MacAddr, IpAddr> stations;
  for (const auto& fr : c.frames) {
    if (!fr.msg || c.is_ours(fr.msg->sha)) continue;
    const auto& a = *fr.msg;
    if (ResolutionMsg::is_any(a.spa) || a.spa == *c.target || a.sha.is_multicast()) continue;
    if (!c.on_target_link(fr.sf->interface)) continue;
    stations.emplace(a.sha, a.spa);
  }
  for (const auto& n : c.s.neighbours) {
    if (!(n.state & (NudReachable | NudStale | NudDelay | NudProbe)) || !n.mac()) continue;
    if (c.egress && n.dev == c.egress->name && !(n.dst == *c.target)) stations.emplace(*n.mac(), n.dst);
  }
  if (stations.empty()) {
    c.not_observable("target-not-configured", c.o.swept ? "nobody on the subnet answered" : "no other station seen");
    return;
  }
  // With a fault already explaining the silence, a station with another
  // address is a bystander (another guest), not the cause.
  const bool explained = c.has_fault();
  Finding f = c.finding("target-not-configured", "C15", explained ? Severity::Info : Severity::Fault, 65);
  const auto& [mac, ip] = *stations.begin();
  f.summary = "nobody answers for " + c.target_text() + ", but a station is up on the link: " + mac.to_string() +
              " uses " + ip.to_string() + (stations.size() > 1 ? " (and " + std::to_string(stations.size() - 1) + " more)" : "") +
              "; the guest is probably configured with another address";
  f.explanation = "The guest runs and answers " + c.resolution_word() +
                  ", only not for the address asked (a typo, another DHCP lease, a copied config).";
  int shown = 0;
  for (const auto& fr : c.frames)
    if (fr.msg && fr.msg->sha == mac && shown++ < 2) f.evidence.push_back(c.ev_packet(fr));
  // Known from the tables only: its own frames (the sweep's answer) may come.
  f.provisional = shown == 0;
  if (auto e = c.ev_fdb_for(mac)) f.evidence.push_back(*e);
  c.add_target_state(f, c.egress ? c.egress->name : c.s.interface);
  f.fix.push_back(c.fix_guest("configure the guest with " + c.target_text() + " (or use its real address, " + ip.to_string() + ")"));
  c.add(std::move(f));
}

}  // namespace netlab::diag
