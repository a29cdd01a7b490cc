// The rules about devices and the bridge: whether frames move at all (up,
// carrier, NOARP), where the bridge takes them (an address on a port, STP,
// isolation, a TAP left outside), the segment's MTU and MAC, macvlan
// isolation, and a full neighbour table.
// Each rule reads the snapshot and the observation through Ctx and records
// a Finding or why it ruled its cause out; the catalog (catalog.cpp) says
// which rule decides which cause and in what order they run.
#include "diag/rules.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

namespace netlab::diag {

namespace {

constexpr unsigned kIffNoarp = 0x80;

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

}  // namespace

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

}  // namespace netlab::diag
