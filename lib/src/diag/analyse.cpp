// Step 3 of the diagnosis: the rules. Each rule reads the snapshot and the
// observation, and either records a Finding (with the facts that prove it and
// the commands that fix it) or records why it ruled its cause out. The rules
// follow ../shared/diagnosis/CAUSES.md; its ids are the findings' ids.
//
// The central lesson of that catalog: a capture is not the kernel's truth.
// AF_PACKET sees a frame before the bridge, netfilter and arp_rcv() decide
// its fate, so every rule that reads packets compares tap points (port and
// bridge) and the kernel's neighbour state rather than trusting one capture.
#include "diag/analyse_context.hpp"

#include <netlab/arp_kernel.hpp>

#include <algorithm>
#include <array>
#include <set>

namespace netlab::diag {
namespace {

constexpr std::uint8_t kRtnLocal = 2;
constexpr unsigned kIffNoarp = 0x80;

void rule_noarp(Ctx& c) {
  const Link* dev = c.egress ? c.egress : c.iface;
  if (!dev) return;
  if (!(dev->flags & kIffNoarp)) {
    c.rule_out("noarp-interface", dev->name + " does ARP (no NOARP flag)");
    return;
  }
  Finding f = c.finding("noarp-interface", "C20", Severity::Fault, 95);
  f.summary = "ARP is turned off on " + dev->name + " (NOARP): the kernel never asks who has " +
              c.target_text() + " and sends frames to a fixed address instead";
  f.explanation =
      "With IFF_NOARP the kernel creates NOARP neighbour entries that carry the device's own MAC; frames for "
      "the guest go to that address, the guest's NIC ignores them, and the loss is silent (no 'Destination "
      "Host Unreachable'). `ip neigh` hides such entries unless asked for `nud all`.";
  f.evidence.push_back(c.ev_link(*dev));
  for (const auto& n : c.s.neighbours)
    if (n.dev == dev->name && (n.state & NudNoarp) && (!c.target || n.dst == *c.target))
      f.evidence.push_back(c.ev_neigh(n, "NOARP entry carrying " + dev->name + "'s own address"));
  if (c.target && !c.o.passive && c.requests_for_target().empty())
    f.evidence.push_back(c.ev_observation(dev->name, "no ARP request for " + c.target_text() + " was sent in " +
                                                        c.duration_text()));
  f.fix.push_back(c.fix_host("turn ARP back on (this also flushes the NOARP entries)", "",
                             "ip link set dev " + dev->name + " arp on"));
  c.add(std::move(f));
}

// C52: a device without IFF_UP (a recipe that forgot `ip link set DEV up`).
// The kernel removed its connected routes and libpcap cannot capture on it,
// so the flag itself is the evidence.
void add_interface_down(Ctx& c, const Link& l) {
  const bool is_port = l.master_index != 0 && c.bridge && l.master_index == c.bridge->index && &l != c.iface;
  const bool matters = !is_port || (c.target && !c.c_resolved() && !c.local);
  Finding f = c.finding("interface-down", "C52", matters ? Severity::Fault : Severity::Info, matters ? 97 : 5);
  f.summary = l.name + " is administratively down: nothing is sent or received on it";
  if (is_port && c.bridge)
    f.summary += " (port of " + c.bridge->name + (matters ? "; if " + c.target_text() + " is the guest behind it, it cannot answer)" : ")");
  f.explanation =
      "Without IFF_UP the kernel removes the device's connected routes and refuses to transmit on it, and "
      "libpcap refuses to capture on it; a guest holding a TAP that was never set up stays cut off although "
      "its process runs.";
  f.evidence.push_back(c.ev_link(l));
  f.fix.push_back(c.fix_host("bring " + l.name + " up", "link set dev " + l.name + " up",
                             "ip link set dev " + l.name + " up"));
  c.add(std::move(f));
}

void rule_no_carrier(Ctx& c) {
  std::vector<const Link*> devs;
  auto add = [&](const Link* l) {
    if (l && std::find(devs.begin(), devs.end(), l) == devs.end()) devs.push_back(l);
  };
  add(c.iface);
  add(c.egress);
  add(c.bridge);
  bool found = false;
  for (const Link* l : devs) {
    if (l->is_up() && !l->no_carrier()) continue;
    if (l->kind == "bridge" && l->is_up() &&
        std::any_of(c.ports.begin(), c.ports.end(), [](const Link* p) { return p->is_up() && !p->no_carrier(); })) {
      // Its ports have carrier: STP states keep it down (stp-port-not-forwarding, port-disabled).
      continue;
    }
    if (!l->is_up()) {
      add_interface_down(c, *l);
      continue;
    }
    if (l->kind == "bridge") {
      // Ports that are only down explain the bridge's missing carrier: C52
      // for each, not C05 for the bridge.
      bool only_down = !c.ports.empty();
      for (const Link* p : c.ports)
        if (p->is_up() && p->no_carrier()) only_down = false;
      bool any_down = false;
      for (const Link* p : c.ports)
        if (!p->is_up()) {
          add_interface_down(c, *p);
          any_down = true;
        }
      if (only_down && any_down) continue;
    }
    found = true;
    Finding f = c.finding("no-carrier", "C05", Severity::Fault, 96);
    f.evidence.push_back(c.ev_link(*l));
    if (l->kind == "bridge") {
      std::vector<std::string> dead;
      for (const Link* p : c.ports)
        if (!p->is_up() || p->no_carrier()) dead.push_back(p->name);
      f.summary = "bridge " + l->name + " has no carrier: none of its ports is forwarding" +
                  (dead.empty() ? std::string() : " (" + join(dead, ", ") + " without carrier)");
      f.explanation =
          "A bridge reports carrier only while at least one port forwards. Without it the kernel drops "
          "the " + std::string(c.s.family == Family::Inet6 ? "neighbour solicitations" : "ARP requests") +
          " at the queue, before any capture sees them, and counts them as tx_dropped.";
      for (const Link* p : c.ports) f.evidence.push_back(c.ev_link(*p));
      if (c.ports.empty()) f.fix.push_back(c.fix_host("attach the guest's TAP or veth to " + l->name,
                                                      "bridge addif " + l->name + " IFACE",
                                                      "ip link set dev IFACE master " + l->name));
      for (const auto& d : dead) c.add_carrier_fix(f, d);
    } else {
      f.summary = l->name + " has no carrier" + (l->tun ? ": no guest has the TAP open" : "") +
                  "; requests for neighbours are dropped before they reach the wire";
      f.explanation =
          "A TAP has carrier only while a process (QEMU, Xen's backend, UML, netlab guest) holds it open. "
          "Without carrier the kernel swaps the queue for noop: requests are dropped before packet taps, so "
          "tcpdump shows nothing, and counted as tx_dropped; routes through it are flagged linkdown.";
      c.add_carrier_fix(f, l->name);
    }
    c.add(std::move(f));
  }
  // Ports without carrier on a working bridge: harmless unless the guest we
  // are looking for sits behind one of them.
  if (c.bridge && !c.bridge->no_carrier() && c.bridge->is_up()) {
    for (const Link* p : c.ports) {
      if (p->is_up() && !p->no_carrier()) continue;
      if (p == c.iface || p == c.egress) continue;
      if (!p->is_up()) {
        add_interface_down(c, *p);
        continue;
      }
      found = true;
      const bool matters = c.target && !c.c_resolved() && !c.local;
      Finding f = c.finding("no-carrier", "C05", matters ? Severity::Fault : Severity::Info, matters ? 60 : 5);
      f.summary = "port " + p->name + " of " + c.bridge->name + " has no carrier" +
                  (p->tun ? " (no guest has the TAP open)" : "") +
                  (matters ? "; if " + c.target_text() + " is the guest behind it, it cannot answer" : "");
      f.explanation = "A port without carrier is disabled: the bridge neither forwards to it nor from it.";
      f.evidence.push_back(c.ev_link(*p));
      c.add_carrier_fix(f, p->name);
      c.add(std::move(f));
    }
  }
  if (!found) c.rule_out("no-carrier", "every device on the path that is up has carrier");
  if (!c.has_cause("interface-down")) c.rule_out("interface-down", "every device on the path is up");
}

void rule_ip_on_bridge_port(Ctx& c) {
  bool found = false;
  // The device the route leaves through (or the interface asked about) is a
  // bridge port that carries IPv4 addresses: replies go to the bridge.
  std::vector<const Link*> candidates;
  for (const Link* l : {c.egress, c.iface})
    if (l && c.master_bridge(*l) && std::find(candidates.begin(), candidates.end(), l) == candidates.end())
      candidates.push_back(l);
  if (c.iface && c.iface->kind == "bridge")
    for (const Link* p : c.ports) candidates.push_back(p);
  for (const Link* port : candidates) {
    const auto addrs = c.l3_on(port->name);
    if (addrs.empty()) continue;
    const Link* br = c.master_bridge(*port);
    if (!br) continue;
    found = true;
    const bool on_path = port == c.egress || port == c.iface;
    Finding f = c.finding("ip-on-bridge-port", "C01", on_path ? Severity::Fault : Severity::Warning, 100);
    f.summary = join_prefixes(addrs) + " is configured on " + port->name + ", a port of bridge " + br->name +
                ": frames that arrive on a bridge port are handed to the bridge, not to the port, so" +
                (c.target && on_path ? " the entry for " + c.target_text() + " on " + port->name + " never resolves"
                                     : " neighbours on " + port->name + " never resolve");
    f.explanation =
        "Once " + port->name + " is enslaved, the bridge's rx handler takes every frame received on it and "
        "re-injects it on " + br->name + ". The " + c.answer_word() + " to the request sent from " + port->name +
        " is processed on " + br->name + ", where no entry for it exists, and is consumed; the entry on " +
        port->name + " goes INCOMPLETE, then FAILED. tcpdump and arping on " + port->name +
        " do show the reply, which is why this is so easy to miss. The address belongs on the bridge.";
    f.evidence.push_back(c.ev_link(*port));
    for (const auto* a : addrs) f.evidence.push_back(c.ev_addr(*a));
    if (c.target && on_path) {
      for (const auto* fr : c.requests_for_target())
        if (fr->sf->interface == port->name) {
          f.evidence.push_back(c.ev_packet(*fr));
          break;
        }
      std::set<std::string> shown;
      for (const auto* fr : c.replies_for_target())
        if (shown.insert(fr->sf->interface).second) f.evidence.push_back(c.ev_packet(*fr));
      c.add_target_state(f, port->name);
      for (const auto* fr : c.replies_for_target())
        if (auto e = c.ev_fdb_for(fr->msg->sha)) {
          f.evidence.push_back(*e);
          break;
        }
    }
    for (const auto* a : addrs) {
      const auto p = a->local.to_string();
      f.fix.push_back(c.fix_host("remove " + p + " from the port " + port->name, "addr del " + p + " dev " + port->name,
                                 "ip addr del " + p + " dev " + port->name));
      if (!c.has_address(br->name, a->local.addr()))
        f.fix.push_back(c.fix_host("put it on the bridge " + br->name, "addr add " + p + " dev " + br->name,
                                   "ip addr add " + p + " dev " + br->name));
    }
    if (!br->is_up())
      f.fix.push_back(c.fix_host("bring the bridge up", "link set dev " + br->name + " up",
                                 "ip link set dev " + br->name + " up"));
    c.add(std::move(f));
  }
  if (!found) c.rule_out("ip-on-bridge-port", "no bridge port on the path carries an address of its own");
}

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

void rule_port_not_in_bridge(Ctx& c) {
  if (!c.bridge || !c.target || c.local) {
    c.not_observable("port-not-in-bridge", "no bridge on the path");
    return;
  }
  if (c.c_resolved() || !c.replies_for_target().empty()) {
    c.rule_out("port-not-in-bridge", "the target answers through " + c.bridge->name);
    return;
  }
  bool found = false;
  for (const auto& l : c.s.links) {
    if (!l.tun || !l.tun->tap || l.master_index != 0 || !l.is_up() || l.no_carrier()) continue;
    if (!c.l3_on(l.name).empty()) continue;
    found = true;
    const bool guest_seen = c.target_seen_on(l.name);
    Finding f = c.finding("port-not-in-bridge", "C06", Severity::Fault, guest_seen ? 93 : 70);
    f.summary = "TAP " + l.name + " has a guest attached but is not a port of " + c.bridge->name +
                (guest_seen ? ": " + c.target_text() + " talks on " + l.name + " and nobody hears it" :
                              ": if " + c.target_text() + " is the guest behind it, requests on " +
                                  c.bridge->name + " never reach it");
    f.explanation =
        "The TAP was never enslaved (a failed QEMU ifup script, a forgotten brctl addif): the requests "
        "flood the bridge's ports while the guest sits on a device outside the bridge.";
    f.evidence.push_back(c.ev_link(l));
    if (auto p = c.ev_holders(l.name)) f.evidence.push_back(*p);
    for (const auto* fr : c.requests_for_target())
      if (fr->sf->interface == c.bridge->name) {
        f.evidence.push_back(c.ev_packet(*fr));
        break;
      }
    for (const auto& fr : c.frames)
      if (fr.sf->interface == l.name) {
        f.evidence.push_back(c.ev_packet(fr));
        break;
      }
    f.fix.push_back(c.fix_host("attach " + l.name + " to " + c.bridge->name,
                               "bridge addif " + c.bridge->name + " " + l.name,
                               "ip link set dev " + l.name + " master " + c.bridge->name));
    c.add(std::move(f));
  }
  if (!found) c.rule_out("port-not-in-bridge", "no TAP with a guest is outside " + c.bridge->name);
}

void rule_stp(Ctx& c) {
  if (!c.bridge || !c.bridge->bridge) {
    c.not_observable("stp-port-not-forwarding", "no bridge on the path");
    c.not_observable("port-disabled", "no bridge on the path");
    return;
  }
  const auto& bi = *c.bridge->bridge;
  bool stp_found = false, disabled_found = false;
  for (const Link* p : c.ports) {
    if (!p->bridge_port) continue;
    const auto st = p->bridge_port->state;
    if (st == 1 || st == 2) {
      stp_found = true;
      Finding f = c.finding("stp-port-not-forwarding", "C07", Severity::Fault, 92);
      f.summary = "port " + p->name + " of " + c.bridge->name + " is still " + p->bridge_port->state_name() +
                  " (STP forward delay): it passes no frames until it forwards";
      f.explanation =
          "With STP on, the kernel walks a new port through listening and learning, one forward delay (" +
          fmt_seconds(bi.forward_delay_cs) + ") each, before it forwards; DHCP and PXE time out meanwhile. "
          "Turning STP off does not release a port already listening or learning: bounce the port.";
      f.evidence.push_back(c.ev_link(*c.bridge));
      f.evidence.push_back(c.ev_link(*p));
      f.fix.push_back(c.fix_host("turn STP off on " + c.bridge->name, "bridge stp " + c.bridge->name + " off",
                                 "ip link set dev " + c.bridge->name + " type bridge stp_state 0"));
      f.fix.push_back(c.fix_host("set the forward delay to 0", "bridge setfd " + c.bridge->name + " 0",
                                 "ip link set dev " + c.bridge->name + " type bridge forward_delay 0"));
      f.fix.push_back(c.fix_host("bounce the port so it forwards at once", "link set dev " + p->name + " down",
                                 "ip link set dev " + p->name + " down"));
      f.fix.push_back(c.fix_host("", "link set dev " + p->name + " up", "ip link set dev " + p->name + " up"));
      c.add(std::move(f));
    } else if ((st == 0 && p->is_up() && !p->no_carrier() && c.bridge->is_up()) || st == 4) {
      disabled_found = true;
      const bool guard = p->bridge_port->guard.value_or(false);
      Finding f = c.finding("port-disabled", "C08", Severity::Fault, 91);
      f.summary = "port " + p->name + " of " + c.bridge->name + " is " + p->bridge_port->state_name() +
                  " although it has carrier" + (guard ? " (BPDU guard is on)" : "");
      f.explanation = st == 4 ? "STP put the port in blocking: it saw a loop or a better path."
                              : "BPDU guard disables a port as soon as a BPDU arrives on it (a guest running a bridge "
                                "with STP); it stays disabled until its link goes down and up.";
      f.evidence.push_back(c.ev_link(*p));
      for (const auto& fr : c.frames)
        if (fr.sf->interface == p->name && fr.parsed.eth_dst.to_string() == "01:80:c2:00:00:00") {
          f.evidence.push_back(c.ev_packet(fr));
          break;
        }
      if (guard)
        f.fix.push_back(c.fix_host("turn BPDU guard off (or stop STP inside the guest)", "",
                                   "bridge link set dev " + p->name + " guard off"));
      f.fix.push_back(c.fix_host("bounce the port to re-enable it", "link set dev " + p->name + " down",
                                 "ip link set dev " + p->name + " down"));
      f.fix.push_back(c.fix_host("", "link set dev " + p->name + " up", "ip link set dev " + p->name + " up"));
      c.add(std::move(f));
    }
  }
  if (!stp_found)
    c.rule_out("stp-port-not-forwarding",
               bi.stp_state ? "STP is on, every port of " + c.bridge->name + " forwards" : "STP is off on " + c.bridge->name);
  if (!disabled_found) c.rule_out("port-disabled", "no port of " + c.bridge->name + " is disabled or blocking with carrier");
}

void rule_isolation(Ctx& c) {
  if (!c.bridge) {
    c.not_observable("port-isolated", "no bridge on the path");
    return;
  }
  std::vector<const Link*> isolated, no_bcast, suppress;
  for (const Link* p : c.ports) {
    if (!p->bridge_port) continue;
    if (p->bridge_port->isolated.value_or(false)) isolated.push_back(p);
    if (!p->bridge_port->bcast_flood.value_or(true)) no_bcast.push_back(p);
    if (p->bridge_port->neigh_suppress.value_or(false)) suppress.push_back(p);
  }
  if (isolated.size() < 2 && no_bcast.empty() && suppress.empty()) {
    c.rule_out("port-isolated", "no two isolated ports, broadcast flooding on, no neighbour suppression");
    return;
  }
  // Requests for the target from another guest that entered one port and
  // never left through the port the target sits behind.
  const Link* target_port = c.target ? c.port_of_target() : nullptr;
  std::vector<const Frame2*> blocked;
  if (c.target)
    for (const auto* fr : c.requests_for_target()) {
      const Link* in = c.port_named(fr->sf->interface);
      if (!in || c.is_ours(fr->parsed.eth_src)) continue;
      bool left = false;
      for (const auto& other : c.frames)
        if (other.sf->interface != fr->sf->interface && c.port_named(other.sf->interface) &&
            other.sf->bytes == fr->sf->bytes)
          left = true;
      if (!left) blocked.push_back(fr);
    }
  const bool host_unresolved = c.target && !c.local && !c.c_resolved();
  auto flagged = [&](const std::vector<const Link*>& v, const Link* p) {
    return p && std::find(v.begin(), v.end(), p) != v.end();
  };
  const bool fault = (!blocked.empty() && (isolated.size() >= 2 || !no_bcast.empty() || !suppress.empty())) ||
                     (host_unresolved && (flagged(no_bcast, target_port) || flagged(suppress, target_port) ||
                                          (!target_port && (!no_bcast.empty() || !suppress.empty()))));
  Finding f = c.finding("port-isolated", "C09", fault ? Severity::Fault : Severity::Warning, fault ? 89 : 20);
  std::vector<std::string> parts;
  if (isolated.size() >= 2) parts.push_back(join_names(isolated) + " are isolated (no forwarding between them)");
  if (!no_bcast.empty()) parts.push_back(join_names(no_bcast) + " receive no broadcast (bcast_flood off)");
  if (!suppress.empty()) parts.push_back(join_names(suppress) + " have neigh_suppress on");
  f.summary = "on " + c.bridge->name + ": " + join(parts, "; ") +
              (blocked.empty() ? std::string() : "; requests for " + c.target_text() + " entered a port and never left");
  f.explanation =
      "Isolated ports exchange frames only with non-isolated ports and the host: guest-to-guest ARP fails "
      "while host-to-guest works. bcast_flood off keeps broadcast ARP from a port; neigh_suppress lets the "
      "bridge swallow ARP it cannot answer from its own table.";
  for (const Link* p : isolated) f.evidence.push_back(c.ev_link(*p));
  for (const Link* p : no_bcast)
    if (!flagged(isolated, p)) f.evidence.push_back(c.ev_link(*p));
  for (const Link* p : suppress)
    if (!flagged(isolated, p) && !flagged(no_bcast, p)) f.evidence.push_back(c.ev_link(*p));
  for (const auto* fr : blocked) {
    f.evidence.push_back(c.ev_packet(*fr));
    f.evidence.push_back(c.ev_observation(fr->sf->interface, "this request was not seen leaving any other port"));
    break;
  }
  for (const Link* p : isolated)
    f.fix.push_back(c.fix_host("turn isolation off on " + p->name + " (or keep it and route between guests through the host)",
                               "bridge setport " + c.bridge->name + " " + p->name + " isolated off",
                               "bridge link set dev " + p->name + " isolated off"));
  for (const Link* p : no_bcast)
    f.fix.push_back(c.fix_host("flood broadcasts to " + p->name, "", "bridge link set dev " + p->name + " bcast_flood on"));
  for (const Link* p : suppress)
    f.fix.push_back(c.fix_host("stop suppressing ARP on " + p->name, "", "bridge link set dev " + p->name + " neigh_suppress off"));
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

void rule_mtu(Ctx& c) {
  // Active: small echoes answered, large ones with DF not.
  std::optional<std::uint32_t> largest_ok, smallest_lost;
  bool small_ok = false;
  for (const auto& e : c.o.echoes) {
    if (e.size <= c.small_echo_size()) {
      small_ok = small_ok || e.answered;
      continue;
    }
    if (e.answered) largest_ok = std::max(largest_ok.value_or(0), e.size);
    else if (e.send_error.empty()) smallest_lost = std::min(smallest_lost.value_or(0xffffffff), e.size);
  }
  std::vector<const Link*> segment;
  if (c.bridge) {
    segment.push_back(c.bridge);
    for (const Link* p : c.ports) segment.push_back(p);
  } else if (c.egress) {
    segment.push_back(c.egress);
  }
  std::set<std::uint32_t> mtus;
  for (const Link* l : segment) mtus.insert(l->mtu);
  const bool lossy = small_ok && smallest_lost && (!largest_ok || *smallest_lost > *largest_ok);
  if (!lossy && mtus.size() <= 1) {
    c.rule_out("mtu-mismatch", small_ok ? "large echoes came back too" : "one MTU on the segment");
    return;
  }
  Finding f = c.finding("mtu-mismatch", "C19", lossy ? Severity::Fault : Severity::Warning, lossy ? 75 : 25);
  if (lossy) {
    f.summary = "small packets reach " + c.target_text() + " but " + std::to_string(*smallest_lost) +
                "-byte ones do not" + (largest_ok ? " (" + std::to_string(*largest_ok) + " bytes still pass)" : std::string()) +
                ": the MTU differs somewhere on the segment";
  } else {
    std::vector<std::string> parts;
    for (const Link* l : segment) parts.push_back(l->name + " " + std::to_string(l->mtu));
    f.summary = "the devices of one segment have different MTUs (" + join(parts, ", ") + ")";
  }
  f.explanation =
      c.resolution_word() + " and small pings work, so resolution is fine; frames larger than the smallest MTU on the path are "
      "dropped by the receiving NIC (its rx_dropped grows) and nothing reports it. Every port of an L2 segment "
      "needs the same MTU.";
  for (const auto& e : c.o.echoes)
    if (e.size > c.small_echo_size() || e.answered) {
      Evidence ev;
      ev.type = "observation";
      ev.interface = c.egress ? c.egress->name : "";
      ev.text = "ICMP echo of " + std::to_string(e.size) + " bytes (DF) " + (e.answered ? "answered" : "lost");
      ev.attrs = {{"size", std::to_string(e.size)}, {"answered", e.answered ? "true" : "false"}};
      f.evidence.push_back(ev);
    }
  for (const Link* l : segment) f.evidence.push_back(c.ev_link(*l));
  if (lossy && largest_ok) {
    const std::uint32_t mtu = *largest_ok;
    for (const Link* l : segment)
      if (l->mtu > mtu)
        f.fix.push_back(c.fix_host("lower " + l->name + "'s MTU to what the guest takes (or raise the guest's to " +
                                       std::to_string(l->mtu) + ")",
                                   "link set dev " + l->name + " mtu " + std::to_string(mtu),
                                   "ip link set dev " + l->name + " mtu " + std::to_string(mtu)));
  } else if (!lossy) {
    const std::uint32_t mtu = *mtus.begin();
    for (const Link* l : segment)
      if (l->mtu != mtu)
        f.fix.push_back(c.fix_host("use one MTU on the segment", "link set dev " + l->name + " mtu " + std::to_string(mtu),
                                   "ip link set dev " + l->name + " mtu " + std::to_string(mtu)));
  }
  f.fix.push_back(c.fix_guest("or set the guest's MTU to match the host's side"));
  c.add(std::move(f));
}

// C54: a guest on a macvtap (or macvlan) whose lower device is the host's
// own interface toward it. macvlan delivers between its devices and the
// wire, never between a device and its lower: the host's requests go out on
// the wire and the guest never hears them.
void rule_macvtap_isolation(Ctx& c) {
  if (!c.target || c.local || !c.egress) {
    c.not_observable("macvtap-host-isolation", "no target reached through an interface of this host");
    return;
  }
  std::vector<const Link*> uppers;
  for (const auto& l : c.s.links)
    if (l.macvlan && l.link_index == c.egress->index) uppers.push_back(&l);
  if (uppers.empty()) {
    c.rule_out("macvtap-host-isolation", "no macvlan or macvtap on " + c.egress->name);
    return;
  }
  if (c.c_resolved() || !c.replies_for_target().empty()) {
    c.rule_out("macvtap-host-isolation", c.target_text() + " answers on " + c.egress->name);
    return;
  }
  // The guest's own frames seen on one of them tie the target to it.
  const Frame2* seen = nullptr;
  for (const auto& fr : c.frames) {
    if (std::none_of(uppers.begin(), uppers.end(), [&](const Link* u) { return u->name == fr.sf->interface; })) continue;
    const bool from_target = (fr.msg && fr.msg->spa == *c.target) || (fr.parsed.ipv4 && fr.parsed.ipv4->src == *c.target) ||
                             (fr.parsed.ipv6 && fr.parsed.ipv6->src == *c.target);
    if (from_target) {
      seen = &fr;
      break;
    }
  }
  const Link* up = uppers.front();
  if (seen)
    for (const Link* u : uppers)
      if (u->name == seen->sf->interface) up = u;
  Finding f = c.finding("macvtap-host-isolation", "C54", Severity::Fault, seen ? 93 : 70);
  f.summary = (seen ? c.target_text() + " is a guest behind " + up->kind + " " + up->name
                    : "if " + c.target_text() + " is the guest behind " + up->kind + " " + up->name + ", it") +
              (seen ? ", " : " ") + "cannot be reached from this host through " + c.egress->name + ", its lower device (" +
              up->kind + " mode " + up->macvlan->mode_name() + ")";
  f.explanation =
      "macvlan and macvtap deliver frames between their devices and the wire, never between a device and its "
      "lower device: the host's requests for the guest leave " + c.egress->name + " on the wire and never come "
      "back, whatever the mode (libvirt's <interface type='direct'> guests). The LAN reaches the guest; the host "
      "does not.";
  for (const Link* u : uppers) f.evidence.push_back(c.ev_link(*u));
  if (seen) f.evidence.push_back(c.ev_packet(*seen, "the guest, on " + up->name));
  c.add_target_state(f, c.egress->name);
  // Give the host a macvlan of its own (mode bridge) on the same lower
  // device and move its address there: macvlan devices in bridge mode reach
  // each other.
  std::vector<const Address*> moving;
  for (const auto* a : c.ipv4_on(c.egress->name))
    if (a->local.network().contains(*c.target)) moving.push_back(a);
  if (c.s.family == Family::Inet6) moving = c.l3_on(c.egress->name);
  const std::string host_dev = "hostmv" + std::to_string(c.egress->index);
  f.fix.push_back(c.fix_host("give the host its own macvlan on " + c.egress->name +
                                 " (mode bridge reaches the guest's macvtap; or put guest and NIC on a bridge)",
                             "", "ip link add link " + c.egress->name + " name " + host_dev + " type macvlan mode bridge"));
  for (const auto* a : moving) {
    const std::string p = a->local.to_string();
    f.fix.push_back(c.fix_host("move the host's address there", "addr del " + p + " dev " + c.egress->name,
                               "ip addr del " + p + " dev " + c.egress->name));
    f.fix.push_back(c.fix_host("", "addr add " + p + " dev " + host_dev, "ip addr add " + p + " dev " + host_dev));
  }
  f.fix.push_back(c.fix_host("", "link set dev " + host_dev + " up", "ip link set dev " + host_dev + " up"));
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
  if (auto e = c.ev_fdb_for(mac)) f.evidence.push_back(*e);
  c.add_target_state(f, c.egress ? c.egress->name : c.s.interface);
  f.fix.push_back(c.fix_guest("configure the guest with " + c.target_text() + " (or use its real address, " + ip.to_string() + ")"));
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

void rule_bridge_mac(Ctx& c) {
  if (!c.bridge || !c.bridge->mac()) return;
  for (const Link* p : c.ports) {
    if (!p->mac() || !(*p->mac() == *c.bridge->mac())) continue;
    Finding f = c.finding("bridge-mac-changed", "C33", Severity::Warning, 10);
    const auto mac = c.bridge->mac()->to_string();
    // Pinning the current MAC would pin a port's; give the bridge one of its
    // own (locally administered, derived from its name so it is stable).
    std::array<std::uint8_t, 6> own{0x02, 0x00, 0x00, 0x00, 0x00, 0x00};
    std::uint32_t h = 2166136261u;
    for (unsigned char ch : c.bridge->name) h = (h ^ ch) * 16777619u;
    own[2] = static_cast<std::uint8_t>(h >> 24);
    own[3] = static_cast<std::uint8_t>(h >> 16);
    own[4] = static_cast<std::uint8_t>(h >> 8);
    own[5] = static_cast<std::uint8_t>(h);
    const auto fixed = MacAddr(own).to_string();
    f.summary = "bridge " + c.bridge->name + " carries " + p->name + "'s MAC (" + mac +
                "): it will change when ports come and go, and guests will keep the old one in their caches";
    f.explanation = "A bridge without a MAC of its own takes the lowest port MAC; adding or removing a TAP changes it.";
    f.evidence.push_back(c.ev_link(*c.bridge));
    f.evidence.push_back(c.ev_link(*p));
    f.fix.push_back(c.fix_host("give the bridge a fixed MAC of its own (guests relearn it once)",
                               "link set dev " + c.bridge->name + " address " + fixed,
                               "ip link set dev " + c.bridge->name + " address " + fixed));
    c.add(std::move(f));
    return;
  }
  c.rule_out("bridge-mac-changed", "the bridge's MAC is not a port's");
}

void rule_vlan(Ctx& c) {
  if (c.bridge && c.bridge->bridge && c.bridge->bridge->vlan_filtering.value_or(0)) {
    c.not_observable("vlan-pvid-mismatch", "VLAN filtering is on; PVIDs are not read by this version");
    return;
  }
  c.rule_out("vlan-pvid-mismatch", "no VLAN filtering on the path");
}

void rule_table_full(Ctx& c) {
  const std::string fam = c.s.family == Family::Inet6 ? "ipv6" : "ipv4";
  const auto thresh = c.sysctl("net." + fam + ".neigh.default.gc_thresh3");
  bool enobufs = false;
  for (const auto& e : c.o.echoes) enobufs = enobufs || e.send_error.find("buffer space") != std::string::npos;
  const long count = static_cast<long>(c.s.neighbours.size());
  if (!enobufs && (!thresh || count < *thresh)) {
    c.rule_out("neighbour-table-full", std::to_string(count) + " entries" +
                                           (thresh ? ", limit " + std::to_string(*thresh) : std::string()));
    return;
  }
  Finding f = c.finding("neighbour-table-full", "C34", Severity::Fault, 90);
  f.summary = "the " + std::string(c.s.family == Family::Inet6 ? "IPv6" : "IPv4") + " neighbour table is full (" + std::to_string(count) + " entries, gc_thresh3=" +
              (thresh ? std::to_string(*thresh) : std::string("?")) + "): the kernel cannot create an entry for " +
              c.target_text();
  f.explanation = "Past gc_thresh3 the kernel refuses new entries (\"neighbour table overflow\") and sends fail with ENOBUFS.";
  for (auto k : {"gc_thresh1", "gc_thresh2", "gc_thresh3"})
    if (c.sysctl("net." + fam + ".neigh.default." + k))
      f.evidence.push_back(c.ev_sysctl("net." + fam + ".neigh.default." + k));
  for (const auto& e : c.o.echoes)
    if (!e.send_error.empty()) {
      f.evidence.push_back(c.ev_observation("", "sending to " + c.target_text() + " failed: " + e.send_error));
      break;
    }
  const long want = std::max<long>(1024, count * 4);
  f.fix.push_back(c.fix_host("raise the limits", "", "sysctl -w net." + fam + ".neigh.default.gc_thresh3=" + std::to_string(want)));
  f.fix.push_back(c.fix_host("", "", "sysctl -w net." + fam + ".neigh.default.gc_thresh2=" + std::to_string(want / 2)));
  f.fix.push_back(c.fix_host("", "", "sysctl -w net." + fam + ".neigh.default.gc_thresh1=" + std::to_string(want / 8)));
  c.add(std::move(f));
}

}  // namespace

Report analyse(const Snapshot& s, const Observation& o, const AnalyseOptions& options) {
  Ctx c(s, o, options);
  rule_table_full(c);
  rule_noarp(c);
  rule_no_carrier(c);
  rule_ip_on_bridge_port(c);
  rule_route_via_other(c);
  rule_stp(c);
  rule_isolation(c);
  rule_port_not_in_bridge(c);
  rule_replies(c);
  rule_invalid_mac(c);
  rule_malformed(c);
  rule_stale_permanent(c);
  if (c.s.family == Family::Inet) {
    rule_arp_ignore(c);
    rule_reverse_path(c);
    rule_offlink_source(c);
    rule_proxy_arp(c);
  } else {
    analyse_ipv6(c);
  }
  rule_bridge_filter(c);
  rule_br_netfilter(c);
  rule_mtu(c);
  rule_macvtap_isolation(c);
  rule_target_not_configured(c);
  rule_bridge_mac(c);
  rule_vlan(c);
  return c.finish();
}

}  // namespace netlab::diag
