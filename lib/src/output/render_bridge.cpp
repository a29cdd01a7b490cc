// Bridges (brctl's show, showmacs and showstp) and TUN/TAP devices (tunctl's
// and `ip tuntap`'s reports), each field written once through Printer.
#include <netlab/render.hpp>

#include <fmt/format.h>

namespace netlab {
namespace {

// brctl's seconds: "15.00".
std::string seconds_text(std::uint64_t cs) { return fmt::format("{:.2f}", static_cast<double>(cs) / 100.0); }

void bridge_port(Printer& p, const Link& port) {
  const std::string state = port.bridge_port ? port.bridge_port->state_name() : std::string();
  p.open_object();
  p.print_string("ifname", "{} (", port.name);
  p.print_string("state", "", state);
  p.print_string("", "{}, ", state.empty() ? "?" : state);
  p.print_on_off("carrier", "carrier {})\n", port.carrier.value_or(false));
  p.print_string("operstate", "", port.operstate_name());
  p.close_object();
}

void stp_bridge(Printer& p, const Link& l) {
  const auto b = l.bridge.value_or(BridgeInfo{});
  p.print_string("ifname", "{}\n", l.name);
  p.print_string("bridge_id", " bridge id\t\t{}\n", b.bridge_id);
  p.print_string("designated_root", " designated root\t{}\n", b.root_id);
  p.print_uint("root_port", " root port\t\t{:4}", b.root_port);
  p.print_uint("path_cost", "\t\t\tpath cost\t\t{:4}\n", b.root_path_cost);
  const std::string max_age = seconds_text(b.max_age_cs), hello = seconds_text(b.hello_time_cs),
                    delay = seconds_text(b.forward_delay_cs);
  p.print_string("max_age", " max age\t\t{:>6}", max_age);
  p.print_string("", "\t\t\tbridge max age\t\t{:>6}\n", max_age);
  p.print_string("hello_time", " hello time\t\t{:>6}", hello);
  p.print_string("", "\t\t\tbridge hello time\t{:>6}\n", hello);
  p.print_string("forward_delay", " forward delay\t\t{:>6}", delay);
  p.print_string("", "\t\t\tbridge forward delay\t{:>6}\n", delay);
  p.print_string("ageing_time", " ageing time\t\t{:>6}\n", seconds_text(b.ageing_time_cs));
  p.print_text(fmt::format(" hello timer\t\t{:>6}\t\t\ttcn timer\t\t{:>6}\n", seconds_text(b.hello_timer_cs),
                           seconds_text(b.tcn_timer_cs)));
  p.print_text(fmt::format(" topology change timer\t{:>6}\t\t\tgc timer\t\t{:>6}\n",
                           seconds_text(b.topology_change_timer_cs), seconds_text(b.gc_timer_cs)));
  p.print_uint("stp_state", "", b.stp_state);  // JSON's order: stp_state, then topology_change
  p.print_bool("topology_change", " flags\t\t\t{}\n", b.topology_change, "TOPOLOGY_CHANGE", "");
  p.print_uint("", " STP\t\t\t{}\n\n", b.stp_state, b.stp_state ? "enabled" : "disabled");
}

void stp_port(Printer& p, const Link& port) {
  const auto bp = port.bridge_port.value_or(BridgePortInfo{});
  p.open_object();
  p.print_string("ifname", "{} (", port.name);
  p.print_uint("port_no", "{})\n", bp.port_no);
  p.print_string("port_id", " port id\t\t{}", fmt::format("{:04x}", bp.port_id));
  p.print_string("state", "\t\t\tstate\t\t{:>14}\n", bp.state_name());
  p.print_uint("path_cost", "", bp.cost);  // text: beside the designated root
  p.print_uint("priority", "", bp.priority);
  p.print_string("designated_root", " designated root\t{}", bp.designated_root);
  p.print_uint("", "\tpath cost\t\t{:4}\n", bp.cost);
  p.print_string("designated_bridge", " designated bridge\t{}", bp.designated_bridge);
  p.print_string("", "\tmessage age timer\t{:>6}\n", seconds_text(bp.message_age_timer_cs));
  p.print_uint("designated_port", " designated port\t{:04x}", bp.designated_port);
  p.print_string("", "\t\t\tforward delay timer\t{:>6}\n", seconds_text(bp.forward_delay_timer_cs));
  p.print_uint("designated_cost", " designated cost\t{:4}", bp.designated_cost);
  p.print_string("forward_delay_timer", "", seconds_text(bp.forward_delay_timer_cs));  // text: above
  p.print_string("", "\t\t\thold timer\t\t{:>6}\n", seconds_text(bp.hold_timer_cs));
  p.print_text(fmt::format(" flags\t\t\t{}\n\n", bp.hairpin.value_or(false) ? "hairpin" : ""));
  p.close_object();
}

}  // namespace

void render_bridge_heading(Printer& p) { p.print_text("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n"); }

void render_bridge(Printer& p, const bridge::View& v, const RenderOptions& o) {
  const Link& l = v.bridge;
  const auto b = l.bridge.value_or(BridgeInfo{});
  p.open_object();
  p.print_string("ifname", "{}\t\t", l.name);
  p.print_string("bridge_id", "{}\t", b.bridge_id);
  p.print_uint("stp_state", "{}\t\t", b.stp_state, b.stp_state ? "yes" : "no");
  p.print_string("address", "", hw_addr_string(l.address));
  if (!v.mac_from_port.empty()) p.print_string("address_from_port", "", v.mac_from_port);
  p.print_string("operstate", "", l.operstate_name());
  p.open_array("ports");
  for (std::size_t i = 0; i < v.ports.size(); ++i) {
    if (i) p.print_text("\t\t\t\t\t\t\t");
    bridge_port(p, v.ports[i]);
  }
  p.close_array();
  if (v.ports.empty()) p.print_text("\n");
  if (!v.mac_from_port.empty()) {
    const std::string mac = hw_addr_string(l.address);
    p.print_text(fmt::format("\t\t(MAC {} is {}'s: inherited unless set; `netlab {}link set dev {} address {}` fixes it)\n",
                             mac, v.mac_from_port, o.netns_arg.empty() ? "" : "-n " + o.netns_arg + " ", l.name, mac));
  }
  p.close_object();
}

void render_fdb_heading(Printer& p) { p.print_text("port no\tport\tmac addr\t\tis local?\tageing timer\n"); }

void render_fdb(Printer& p, const bridge::FdbEntry& e) {
  p.open_object();
  p.print_uint("port_no", "{:3}\t", e.port_no);
  p.print_string("ifname", "{}\t", e.port);
  p.print_string("mac", "{}\t", e.mac.to_string());
  p.print_bool("is_local", "{}\t\t", e.local);
  if (e.vlan) p.print_uint("vlan", "", *e.vlan);
  p.print_string("ageing_timer", "{:6}\n", seconds_text(e.local ? 0 : e.ageing_cs));
  p.close_object();
}

void render_fdb_record(Printer& p, const bridge::FdbRecord& e, bool with_dev) {
  p.open_object();
  p.print_string("mac", "{}", e.mac.to_string(), Paint::Mac);
  if (with_dev) p.print_string("ifname", " dev {}", e.dev, Paint::Ifname);  // bridge -j leaves it out too
  if (e.vlan) p.print_uint("vlan", " vlan {}", *e.vlan);
  if (e.dst) p.print_string("dst", " dst {}", e.dst->to_string(), e.dst->is_v6() ? Paint::Inet6 : Paint::Inet);
  if (e.port) p.print_uint("port", " port {}", *e.port);
  if (e.vni) p.print_uint("vni", " vni {}", *e.vni);
  if (e.via_index) p.print_string("viaIfname", " via {}", e.via.empty() ? "if" + std::to_string(*e.via_index) : e.via);
  // Text: each flag as a word; JSON: the array `bridge -j fdb` has, empty included.
  const auto flags = e.flag_names();
  for (const auto& f : flags) p.print_text(" " + f);
  p.print_strings("flags", "", flags);
  if (e.master_index) p.print_string("master", " master {}", e.master, Paint::Ifname);
  const std::string state = e.state_name();
  p.print_string("state", state.empty() ? "" : " {}", state);
  p.print_text("\n");
  p.close_object();
}

void render_bridge_stp(Printer& p, const bridge::View& v) {
  p.open_object();
  stp_bridge(p, v.bridge);
  p.open_array("ports");
  for (const auto& port : v.ports) stp_port(p, port);
  p.close_array();
  p.close_object();
}

void render_tap(Printer& p, const Tap& t) {
  const Link& l = t.link;
  const TunInfo ti = l.tun.value_or(TunInfo{});
  std::vector<std::string> flags{ti.tap ? "tap" : "tun"};
  if (!ti.pi) flags.emplace_back("no_pi");
  if (ti.persist) flags.emplace_back("persist");
  if (ti.multi_queue) flags.emplace_back("multi_queue");
  if (ti.vnet_hdr) flags.emplace_back("vnet_hdr");
  p.open_object();
  p.print_string("ifname", "{}:", l.name);
  p.print_strings("flags", " {}", flags, " ");
  if (ti.owner) p.print_uint("user", " user {}", *ti.owner);
  if (ti.group) p.print_uint("group", " group {}", *ti.group);
  p.print_string("operstate", " state {}", l.operstate_name());
  p.print_on_off("carrier", " carrier {}", l.carrier.value_or(false));
  if (!l.master.empty()) p.print_string("master", " master {}", l.master);
  p.print_text("\n");
  // JSON: `ip -j addr`'s addr_info objects; text: tunctl's short line.
  p.open_array("addr_info");
  for (const auto& a : t.addresses) {
    p.print_text(fmt::format("\t{} {}\n", family_name(a.family()), a.local.to_string()));
    if (p.json()) render_address(p, a);
  }
  p.close_array();
  p.open_array("processes");
  if (!t.holders.empty()) p.print_text("\tAttached to processes:");
  for (const auto& h : t.holders) {
    p.open_object();
    p.print_string("name", " {}(", h.command);
    p.print_int("pid", "{})", h.pid);
    p.close_object();
  }
  if (!t.holders.empty()) p.print_text("\n");
  else if (l.is_up()) p.print_text("\tno process attached: no carrier until one opens the device\n");
  p.close_array();
  p.close_object();
}

void render_tap_created(Printer& p, const std::string& name, const tap::Spec& spec, bool brief) {
  p.open_object();
  p.print_string("ifname", brief ? "{}\n" : "Set '{}' persistent", name);
  if (!brief) {
    std::string rest;
    if (spec.owner) rest += fmt::format(" and owned by uid {}", *spec.owner);
    if (spec.group) rest += fmt::format("{} gid {}", spec.owner ? "," : " and owned by", *spec.group);
    if (spec.master) rest += fmt::format(", port of {}", spec.master->str());
    p.print_text(rest + "\n");
  }
  p.close_object();
}

}  // namespace netlab
