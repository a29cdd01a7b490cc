// The rules' shared view, part 2: the evidence Ctx writes onto findings
// (links, addresses, neighbours with their sampled history, routes,
// sysctls, packets, holders, FDB entries) and the target's state; see
// analyse_context.hpp. The checks and facts are in analyse_context.cpp.
#include "diag/analyse_context.hpp"

#include <netlab/link.hpp>
#include <netlab/packet.hpp>
#include <netlab/render.hpp>

#include <algorithm>
#include <cstdio>

namespace netlab::diag {

// ---- evidence ---------------------------------------------------------------

Evidence Ctx::ev_link(const Link& l) const {
  Evidence e;
  e.type = "link";
  e.interface = l.name;
  std::string kind = l.kind.empty() ? std::string("device") : l.kind;
  if (l.tun) kind = l.tun->tap ? "tap" : "tun";
  std::string text = l.name + ": " + kind;
  std::string port_state;
  if (const Link* m = master_bridge(l)) {
    text += ", port of bridge " + m->name;
    if (l.bridge_port) {
      port_state = l.bridge_port->state_name();
      text += " (" + port_state + ")";
      if (l.bridge_port->isolated.value_or(false)) text += ", isolated";
      if (!l.bridge_port->bcast_flood.value_or(true)) text += ", bcast_flood off";
      if (l.bridge_port->neigh_suppress.value_or(false)) text += ", neigh_suppress on";
      if (l.bridge_port->guard.value_or(false)) text += ", guard on";
    }
  } else if (l.master_index == 0 && l.kind != "bridge") {
    text += ", in no bridge";
  }
  if (l.bridge) {
    text += std::string(", STP ") + (l.bridge->stp_state ? "on" : "off");
    if (l.bridge->stp_state) text += ", forward delay " + fmt_seconds(l.bridge->forward_delay_cs);
  }
  text += l.is_up() ? ", UP" : ", DOWN";
  if (l.is_up()) text += l.no_carrier() ? ", NO-CARRIER" : ", carrier";
  if (l.flags & 0x80) text += ", NOARP";
  text += ", mtu " + std::to_string(l.mtu);
  if (auto m = l.mac()) text += ", " + m->to_string();
  if (l.tun) {
    auto it = s.tap_holders.find(l.name);
    if (it != s.tap_holders.end()) {
      if (it->second.empty()) text += ", no process has it open";
      else text += ", held by " + it->second.front().command + " (pid " + std::to_string(it->second.front().pid) + ")";
    }
  }
  e.text = std::move(text);
  e.attrs.emplace_back("kind", kind);
  if (const Link* m = master_bridge(l)) e.attrs.emplace_back("master", m->name);
  if (!port_state.empty()) e.attrs.emplace_back("port_state", port_state);
  e.attrs.emplace_back("operstate", l.operstate_name());
  e.attrs.emplace_back("carrier", l.is_up() && !l.no_carrier() ? "true" : "false");
  e.attrs.emplace_back("mtu", std::to_string(l.mtu));
  if (auto m = l.mac()) e.attrs.emplace_back("address", m->to_string());
  return e;
}

Evidence Ctx::ev_addr(const Address& a) const {
  Evidence e;
  e.type = "address";
  e.interface = a.dev;
  e.text = a.local.to_string() + " on " + a.dev;
  e.attrs.emplace_back("address", a.local.to_string());
  return e;
}

Evidence Ctx::ev_neigh(const Neighbour& n, const std::string& note) const {
  Evidence e;
  e.type = "neighbour";
  e.interface = n.dev;
  std::string text;
  render_neigh_text(text, n, RenderOptions{});
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (!note.empty()) text += "  (" + note + ")";
  e.text = std::move(text);
  e.attrs.emplace_back("address", n.dst.to_string());
  e.attrs.emplace_back("state", nud_state_names(n.state));
  if (auto m = n.mac()) e.attrs.emplace_back("lladdr", m->to_string());
  return e;
}

Evidence Ctx::ev_route(const Route& r, const std::string& label) const {
  Evidence e;
  e.type = "route";
  e.interface = r.dev;
  std::string text;
  render_route_text(text, r, RenderOptions{});
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  e.text = label.empty() ? text : label + ": " + text;
  return e;
}

Evidence Ctx::ev_sysctl(const std::string& key) const {
  Evidence e;
  e.type = "sysctl";
  const auto v = sysctl(key);
  e.text = key + " = " + (v ? std::to_string(*v) : std::string("(absent)"));
  e.attrs.emplace_back("key", key);
  e.attrs.emplace_back("value", v ? std::to_string(*v) : std::string());
  return e;
}

Evidence Ctx::ev_packet(const Frame2& f, const std::string& note) const {
  Evidence e;
  e.type = "packet";
  e.interface = f.sf->interface;
  e.time = f.sf->time;
  PrintOptions po;
  po.link_header = true;
  po.ts = TimestampStyle::None;
  PacketPrinter printer(po, 1);
  PacketMeta meta;
  meta.caplen = static_cast<std::uint32_t>(f.sf->bytes.size());
  meta.len = meta.caplen;
  std::string text;
  printer.print(meta, f.sf->bytes, text);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (f.sf->sent_by_us) text += "  (sent by netlab)";
  if (!note.empty()) text += "  (" + note + ")";
  e.text = std::move(text);
  if (f.sf->sent_by_us) e.attrs.emplace_back("sent_by", "netlab");
  return e;
}

Evidence Ctx::ev_observation(std::string_view dev, std::string text) const {
  Evidence e;
  e.type = "observation";
  e.interface = std::string(dev);
  e.text = std::move(text);
  return e;
}

std::optional<Evidence> Ctx::ev_holders(std::string_view tap) const {
  auto it = s.tap_holders.find(std::string(tap));
  if (it == s.tap_holders.end()) return std::nullopt;
  Evidence e;
  e.type = "process";
  e.interface = std::string(tap);
  if (it->second.empty()) {
    e.text = "no process has " + std::string(tap) + " open";
  } else {
    std::vector<std::string> who;
    for (const auto& h : it->second) who.push_back(h.command + " (pid " + std::to_string(h.pid) + ")");
    e.text = std::string(tap) + " is held open by " + join(who, ", ");
  }
  return e;
}

std::optional<Evidence> Ctx::ev_fdb_for(const MacAddr& mac) const {
  for (const auto& f : s.fdb) {
    if (!(f.mac == mac)) continue;
    Evidence e;
    e.type = "fdb";
    e.interface = s.bridge;
    e.text = mac.to_string() + " is behind port " + f.port + " of " + s.bridge +
             (f.local ? " (a local address)" : " (learnt: the station is alive)");
    e.attrs.emplace_back("mac", mac.to_string());
    e.attrs.emplace_back("port", f.port);
    return e;
  }
  return std::nullopt;
}

void Ctx::add_sysctl_evidence(Finding& f, const std::string& key, const std::string& dev) const {
  for (const auto& d : {std::string("all"), dev}) {
    const auto k = "net.ipv4.conf." + d + "." + key;
    if (sysctl(k)) f.evidence.push_back(ev_sysctl(k));
  }
}

void Ctx::add_target_state(Finding& f, std::string_view dev) const {
  if (!target) return;
  std::vector<std::string> history;
  std::optional<Neighbour> last;
  for (const auto& smp : o.neighbour_samples) {
    if (smp.entry.dev != dev) continue;
    history.push_back(nud_state_names(smp.entry.state) + " at " + fmt_time(smp.time));
    last = smp.entry;
  }
  if (!last)
    for (const auto& n : s.neighbours)
      if (n.dst == *target && n.dev == dev) last = n;
  // With tracing, the kernel's own transitions: exact times (the samples
  // are within 100 ms) and who wrote the entry (a pid: ip neigh, a daemon).
  // The timer handler's event gives only the state it left the entry in:
  // the state before is the previous event's, or else the last sample's.
  std::vector<std::string> transitions;
  std::optional<std::uint16_t> before;
  if (o.kernel)
    for (const auto& e : o.kernel->neighbour) {
      if (e.interface != dev) continue;
      std::uint16_t from = e.old_state;
      if (e.event == "neigh_timer_handler") {
        if (!before)
          for (const auto& smp : o.neighbour_samples)
            if (smp.entry.dev == dev && smp.time <= e.time) before = smp.entry.state;
        if (before) from = *before;
      }
      before = e.new_state;
      if (from == e.new_state && !e.pid) continue;
      std::string line = nud_state_names(from) + " -> " + nud_state_names(e.new_state) + " at " + fmt_time(e.time);
      if (e.pid) line += " (written by pid " + std::to_string(e.pid) + ")";
      else if (e.event == "neigh_timer_handler") line += " (the kernel's timer)";
      transitions.push_back(std::move(line));
    }
  if (!last) {
    f.evidence.push_back(ev_observation(dev, "the kernel has no neighbour entry for " + target_text() + " on " + std::string(dev)));
    return;
  }
  if (!transitions.empty()) {
    f.evidence.push_back(ev_neigh(*last, "kernel transitions: " + join(transitions, ", ")));
    return;
  }
  f.evidence.push_back(ev_neigh(*last, history.empty() ? std::string("kernel state") : "kernel state: " + join(history, ", ")));
}

void Ctx::add_unanswered_requests_for_local(Finding& f) const {
  if (!target || !iface) return;
  int shown = 0;
  for (const auto* fr : requests_for_target()) {
    if (fr->sf->interface != iface->name || is_ours(fr->msg->sha)) continue;
    bool answered = false;
    for (const auto& g : frames)
      if (g.msg && g.msg->is_reply() && g.msg->spa == *target && g.sf->time >= fr->sf->time &&
          g.msg->tpa == fr->msg->spa)
        answered = true;
    if (answered) continue;
    f.evidence.push_back(ev_packet(*fr, "no reply"));
    if (++shown == 2) break;
  }
  if (shown == 0) {
    f.evidence.push_back(ev_observation(iface->name, "no peer asked for " + target_text() + " on " + iface->name + " during " +
                                                         duration_text() + " (the setting alone decides it)"));
    f.provisional = true;  // a peer's unanswered request may still come
  }
}

// ---- fixes --------------------------------------------------------------------

FixStep Ctx::fix_host(std::string description, const std::string& netlab_args, const std::string& classic) const {
  FixStep f;
  f.where = "host";
  f.description = std::move(description);
  const std::string& ns = options_.netns_arg;
  if (!netlab_args.empty()) f.netlab = "netlab " + (ns.empty() ? std::string() : "-n " + ns + " ") + netlab_args;
  if (!classic.empty()) {
    if (ns.empty()) f.iproute2 = classic;
    else if (classic.rfind("ip ", 0) == 0) f.iproute2 = "ip -n " + ns + classic.substr(2);
    else if (classic.rfind("bridge ", 0) == 0) f.iproute2 = "bridge -n " + ns + classic.substr(6);
    else f.iproute2 = "ip netns exec " + ns + " " + classic;
  }
  return f;
}

FixStep Ctx::fix_guest(std::string description) const {
  FixStep f;
  f.where = "guest";
  f.description = std::move(description);
  return f;
}

void Ctx::add_carrier_fix(Finding& f, const std::string& dev) const {
  const Link* l = link_named(dev);
  if (l && !l->is_up()) {
    f.fix.push_back(fix_host("bring " + dev + " up", "link set dev " + dev + " up", "ip link set dev " + dev + " up"));
    return;
  }
  if (l && l->tun) {
    if (auto h = ev_holders(dev)) f.evidence.push_back(*h);
    FixStep g = fix_guest("start the guest attached to " + dev + " (QEMU: -netdev tap,ifname=" + dev +
                          ",script=no,downscript=no; Xen: vif name; UML: eth0=tuntap," + dev +
                          "), or try the plumbing with netlab guest " + dev + " ip ADDRESS/LEN");
    f.fix.push_back(std::move(g));
    return;
  }
  f.fix.push_back(fix_guest("bring up the peer of " + dev + " (the other end of the veth or the guest's NIC)"));
}

}  // namespace netlab::diag
