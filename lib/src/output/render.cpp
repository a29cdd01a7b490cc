// Links and addresses: each field written once through Printer, which makes
// it text (iproute2's layout) or JSON (`ip -j`'s keys). Where the two differ
// in order or spelling, the text-only (empty key) and JSON-only (empty
// format) calls sit side by side.
#include <netlab/render.hpp>

#include "base/strings.hpp"
#include "output/forms.hpp"

#include <fmt/format.h>

#include <linux/if_addr.h>
#include <linux/if_arp.h>

namespace netlab {
namespace {

Paint state_paint(const std::string& state) {
  return state == "UP" ? Paint::Up : state == "DOWN" ? Paint::Down : Paint::Other;
}

// "v0@v1", "v0@if7" (peer elsewhere), or just the name.
std::string display_name(const Link& l) {
  if (!l.link_index || l.link_index == l.index) return l.name;
  return l.name + "@" + (l.link_name.empty() ? "if" + std::to_string(l.link_index) : l.link_name);
}

std::string linkmode_name(std::uint8_t mode) { return mode == 1 ? "DORMANT" : "DEFAULT"; }
std::string group_name(std::uint32_t g) { return g == 0 ? "default" : std::to_string(g); }

// A bridge id as ip -d prints it ("8000.52:e0:f1:d2:e5:e2": priority, then
// the MAC's bytes in unpadded hex), from brctl's form ("8000.52e0f1d2e5e2").
std::string ip_bridge_id(const std::string& brctl_form) {
  const auto dot = brctl_form.find('.');
  if (dot == std::string::npos || brctl_form.size() != dot + 13) return brctl_form;
  std::string out = brctl_form.substr(0, dot + 1);
  for (std::size_t i = 0; i < 6; ++i) {
    const std::string byte = brctl_form.substr(dot + 1 + 2 * i, 2);
    if (i) out += ':';
    out += byte[0] == '0' ? byte.substr(1) : byte;
  }
  return out;
}

std::string seconds(std::uint32_t centiseconds) { return fmt::format("{:g}s", centiseconds / 100.0); }

void link_header(Printer& p, const Link& l, bool with_mode) {
  const bool has_peer = l.link_index && l.link_index != l.index;
  p.print_int("ifindex", "{}: ", l.index);
  if (has_peer && !l.link_name.empty()) p.print_string("link", "", l.link_name);
  p.print_string("ifname", "", l.name);
  p.print_painted(display_name(l), Paint::Ifname);
  p.print_strings("flags", ": <{}>", l.flag_names());
  p.print_uint("mtu", " mtu {}", l.mtu);
  if (!l.qdisc.empty()) p.print_string("qdisc", " qdisc {}", l.qdisc);
  if (!l.master.empty()) p.print_string("master", " master {}", l.master, Paint::Ifname);
  const std::string state = l.operstate_name();
  p.print_string("operstate", " state {}", state, state_paint(state));
  if (with_mode) p.print_string("linkmode", " mode {}", linkmode_name(l.linkmode));
  p.print_string("group", " group {}", group_name(l.group));
  if (l.txqlen) p.print_uint("txqlen", " qlen {}", l.txqlen);
  p.print_string("link_type", "\n    link/{}", l.link_type_name());
  if (!l.address.empty()) p.print_string("address", " {}", hw_addr_string(l.address), Paint::Mac);
  if (!l.broadcast.empty()) {
    const bool ptp = l.flags & IFF_POINTOPOINT;
    p.print_string(ptp ? "link_pointtopoint" : "broadcast", ptp ? " peer {}" : " brd {}", hw_addr_string(l.broadcast),
                   Paint::Mac);
  }
  if (has_peer && l.link_name.empty()) p.print_int("link_index", "", l.link_index);
  if (l.link_netnsid) p.print_int("link_netnsid", " link-netnsid {}", *l.link_netnsid);
  p.print_text("\n");
}

// A bridge port's on/off settings, in the order ip -d prints them; settings
// the kernel did not report are left out.
struct PortFlag {
  std::string_view key;
  std::optional<bool> BridgePortInfo::*value;
};
constexpr PortFlag kPortFlags[] = {
    {"hairpin", &BridgePortInfo::hairpin},         {"guard", &BridgePortInfo::guard},
    {"learning", &BridgePortInfo::learning},       {"flood", &BridgePortInfo::flood},
    {"proxy_arp", &BridgePortInfo::proxy_arp},     {"mcast_flood", &BridgePortInfo::mcast_flood},
    {"bcast_flood", &BridgePortInfo::bcast_flood}, {"neigh_suppress", &BridgePortInfo::neigh_suppress},
    {"isolated", &BridgePortInfo::isolated},
};

void bridge_data(Printer& p, const BridgeInfo& b) {
  p.open_object("info_data");
  p.print_uint("forward_delay", " forward_delay {}", b.forward_delay_cs, seconds(b.forward_delay_cs));
  p.print_uint("hello_time", " hello_time {}", b.hello_time_cs, seconds(b.hello_time_cs));
  p.print_uint("max_age", " max_age {}", b.max_age_cs, seconds(b.max_age_cs));
  p.print_uint("ageing_time", " ageing_time {}", b.ageing_time_cs, seconds(b.ageing_time_cs));
  p.print_uint("stp_state", " stp_state {}", b.stp_state);
  p.print_uint("priority", " priority {}", b.priority);
  if (b.vlan_filtering) p.print_uint("vlan_filtering", " vlan_filtering {}", *b.vlan_filtering);
  if (b.multicast_snooping) p.print_uint("mcast_snooping", " mcast_snooping {}", *b.multicast_snooping);
  if (!b.bridge_id.empty()) p.print_string("bridge_id", " bridge_id {}", ip_bridge_id(b.bridge_id));
  p.close_object();
}

void tun_data(Printer& p, const TunInfo& t) {
  p.open_object("info_data");
  p.print_string("type", " type {}", t.tap ? "tap" : "tun");
  p.print_on_off("pi", " pi {}", t.pi);
  p.print_on_off("vnet_hdr", " vnet_hdr {}", t.vnet_hdr);
  p.print_on_off("", " persist {}", t.persist);  // text's order: persist, then multi_queue
  p.print_on_off("multi_queue", " multi_queue {}", t.multi_queue);
  p.print_on_off("persist", "", t.persist);
  if (t.owner) p.print_uint("user", " user {}", *t.owner);
  if (t.group) p.print_uint("group", " group {}", *t.group);
  p.close_object();
}

// `ip -d`'s "vxlan id 42 remote .. local .. dev .. dstport 4789 nolearning
// ttl auto ageing 300"; JSON as `ip -j -d` (IPv6 addresses under remote6,
// group6, local6; the underlay under "link"; the port under "port").
void vxlan_data(Printer& p, const VxlanInfo& v) {
  p.open_object("info_data");
  p.print_uint("id", " id {}", v.id);
  const auto addr = [&p](const char* key, const std::optional<IpAddr>& a) {
    if (!a) return;
    p.print_string(a->is_v6() ? std::string(key) + "6" : key, fmt::format(" {} {{}}", key), a->to_string(),
                   a->is_v6() ? Paint::Inet6 : Paint::Inet);
  };
  addr("remote", v.remote);
  addr("group", v.group);
  addr("local", v.local);
  if (v.link_index)
    p.print_string("link", " dev {}", v.link_name.empty() ? "if" + std::to_string(v.link_index) : v.link_name,
                   Paint::Ifname);
  p.print_uint("port", " dstport {}", v.dstport);
  p.print_bool("learning", "{}", v.learning, "", " nolearning");
  p.print_uint("ttl", " ttl {}", v.ttl, v.ttl ? std::to_string(v.ttl) : "auto");
  if (v.ageing) p.print_uint("ageing", " ageing {}", *v.ageing);
  p.close_object();
}

void macvlan_data(Printer& p, const MacvlanInfo& m) {
  p.open_object("info_data");
  p.print_string("mode", " mode {}", m.mode_name());
  p.close_object();
}

void port_data(Printer& p, const Link& l) {
  if (!l.slave_kind.empty()) p.print_string("info_slave_kind", "", l.slave_kind);
  if (!l.bridge_port || (p.json() && l.slave_kind.empty())) return;
  const auto& bp = *l.bridge_port;
  p.open_object("info_slave_data");
  p.print_string("state", "    bridge_slave state {}", bp.state_name());
  p.print_uint("priority", " priority {}", bp.priority);
  p.print_uint("cost", " cost {}", bp.cost);
  for (const auto& f : kPortFlags)
    if (const auto& v = bp.*f.value) p.print_on_off(f.key, fmt::format(" {} {{}}", f.key), *v);
  p.close_object();
  p.print_text("\n");
}

// `ip -d`'s kind lines in text; "linkinfo" in JSON.
void link_details(Printer& p, const Link& l) {
  if (!p.json() || !l.kind.empty() || !l.slave_kind.empty()) {
    p.open_object("linkinfo");
    if (!l.kind.empty()) {
      p.print_string("info_kind", "    {}", l.kind);
      if (l.bridge) bridge_data(p, *l.bridge);
      if (l.tun) tun_data(p, *l.tun);
      if (l.vxlan) vxlan_data(p, *l.vxlan);
      if (l.macvlan) macvlan_data(p, *l.macvlan);
      p.print_text("\n");
    }
    port_data(p, l);
    p.close_object();
  }
  if (l.carrier) p.print_on_off("", "    carrier {}\n", *l.carrier);  // JSON: after the header
}

// The header, then (JSON) the carrier and the kind data, or (text, -d) the details.
void link_body(Printer& p, const Link& l, const RenderOptions& o, bool with_mode) {
  link_header(p, l, with_mode);
  if (l.carrier) p.print_on_off("carrier", "", *l.carrier);
  if (p.json() ? o.details || l.bridge_port || !l.kind.empty() : o.details) link_details(p, l);
}

// The two columns every brief line starts with, padded as `ip -br` pads them.
void brief_name_state(Printer& p, const Link& l) {
  std::string name = display_name(l);
  p.print_painted(name, Paint::Ifname);
  if (name.size() < 16) p.print_text(std::string(16 - name.size(), ' '));
  p.print_text(" ");
  std::string state = l.operstate_name();
  p.print_painted(state, state_paint(state));
  if (state.size() < 14) p.print_text(std::string(14 - state.size(), ' '));
}

// `ip -br link`: text only (JSON ignores -b).
void link_brief(Printer& p, const Link& l) {
  brief_name_state(p, l);
  p.print_text(" ");
  if (!l.address.empty()) {
    p.print_painted(hw_addr_string(l.address), Paint::Mac);
    p.print_text(" ");
  }
  p.print_text("<" + join(l.flag_names(), ",") + ">\n");
}

std::string lifetime(std::uint32_t s) { return s == kForever ? "forever" : std::to_string(s) + "sec"; }

}  // namespace

std::string hw_addr_string(std::span<const std::uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 3);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i) s += ':';
    s += kHex[bytes[i] >> 4];
    s += kHex[bytes[i] & 0xf];
  }
  return s;
}

std::vector<std::string> nud_state_words(std::uint16_t state) {
  std::vector<std::string> words;
  for (std::uint16_t bit = 1; bit <= NudPermanent; bit = static_cast<std::uint16_t>(bit << 1))
    if (state & bit) words.push_back(nud_state_names(bit));
  if (words.empty()) words.emplace_back("NONE");
  return words;
}

void render_link(Printer& p, const Link& l, const RenderOptions& o) {
  if (o.brief && !p.json()) return link_brief(p, l);
  p.open_object();
  link_body(p, l, o, true);
  p.close_object();
}

void render_address(Printer& p, const Address& a) {
  const bool v6 = a.family() == Family::Inet6;
  const Paint paint = v6 ? Paint::Inet6 : Paint::Inet;
  p.open_object();
  p.print_string("family", "    {} ", family_name(a.family()));
  p.print_string("local", "", a.local.addr().to_string());
  if (a.peer) {
    p.print_painted(a.local.addr().to_string(), paint);
    p.print_string("address", " peer {}", a.peer->to_string());
    p.print_uint("prefixlen", "/{}", a.local.len());
  } else {
    p.print_painted(a.local.to_string(), paint);
    p.print_uint("prefixlen", "", a.local.len());
  }
  if (a.broadcast) p.print_string("broadcast", " brd {}", a.broadcast->to_string());
  p.print_string("scope", " scope {}", scope_name(a.scope));
  for (const auto& f : a.flag_names()) p.print_true(f, " " + f);
  if (!a.label.empty()) p.print_string("label", v6 ? "" : " {}", a.label);
  p.print_uint("valid_life_time", "\n       valid_lft {}", a.valid_lft, lifetime(a.valid_lft));
  p.print_uint("preferred_life_time", " preferred_lft {}\n", a.preferred_lft, lifetime(a.preferred_lft));
  p.close_object();
}

void render_link_addrs(Printer& p, const Link& l, std::span<const Address* const> addrs, const RenderOptions& o) {
  if (o.brief && !p.json()) {
    brief_name_state(p, l);
    for (const Address* a : addrs) {
      p.print_text(" ");
      p.print_painted(a->local.to_string(), a->family() == Family::Inet6 ? Paint::Inet6 : Paint::Inet);
    }
    p.print_text("\n");
    return;
  }
  p.open_object();
  link_body(p, l, o, false);
  p.open_array("addr_info");
  for (const Address* a : addrs) render_address(p, *a);
  p.close_array();
  p.close_object();
}

// The (string, JsonWriter) forms of the calls above.
void render_link_text(std::string& out, const Link& l, const RenderOptions& o) { output::as_text(out, o, render_link, l, o); }
void render_link_json(JsonWriter& w, const Link& l, const RenderOptions& o) { output::as_json(w, render_link, l, o); }
void render_link_addrs_text(std::string& out, const Link& l, std::span<const Address* const> addrs,
                            const RenderOptions& o) {
  output::as_text(out, o, render_link_addrs, l, addrs, o);
}
void render_link_addrs_json(JsonWriter& w, const Link& l, std::span<const Address* const> addrs,
                            const RenderOptions& o) {
  output::as_json(w, render_link_addrs, l, addrs, o);
}
void render_address_json(JsonWriter& w, const Address& a) { output::as_json(w, render_address, a); }

}  // namespace netlab
