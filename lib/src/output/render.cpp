#include <netlab/render.hpp>

#include "base/strings.hpp"

#include <fmt/format.h>

#include <iterator>

#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>

namespace netlab {
namespace {

enum class Paint { Ifname, Mac, Inet, Inet6, Up, Down, Other };

// Wraps text in the ANSI colours `ip -color` uses, when colour is on.
struct Painted {
  std::string_view text;
  Paint paint;
  bool on;
};

std::string_view ansi(Paint p) {
  switch (p) {
    case Paint::Ifname: return "\033[36m";
    case Paint::Mac: return "\033[33m";
    case Paint::Inet: return "\033[35m";
    case Paint::Inet6: return "\033[34m";
    case Paint::Up: return "\033[32m";
    case Paint::Down: return "\033[31m";
    case Paint::Other: return "\033[33m";
  }
  return "";
}

void put(std::string& out, const Painted& p) {
  if (!p.on) {
    out += p.text;
    return;
  }
  out += ansi(p.paint);
  out += p.text;
  out += "\033[0m";
}

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

std::string seconds(std::uint32_t centiseconds) {
  return fmt::format("{:g}s", centiseconds / 100.0);
}


void link_header_text(std::string& out, const Link& l, const RenderOptions& o, bool with_mode) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{}: ", l.index);
  put(out, {display_name(l), Paint::Ifname, o.color});
  fmt::format_to(it, ": <{}> mtu {}", join(l.flag_names(), ","), l.mtu);
  if (!l.qdisc.empty()) fmt::format_to(it, " qdisc {}", l.qdisc);
  if (!l.master.empty()) {
    out += " master ";
    put(out, {l.master, Paint::Ifname, o.color});
  }
  out += " state ";
  std::string state = l.operstate_name();
  put(out, {state, state_paint(state), o.color});
  if (with_mode) fmt::format_to(it, " mode {}", linkmode_name(l.linkmode));
  fmt::format_to(it, " group {}", group_name(l.group));
  if (l.txqlen) fmt::format_to(it, " qlen {}", l.txqlen);
  out += "\n    link/";
  out += l.link_type_name();
  if (!l.address.empty()) {
    out += ' ';
    put(out, {hw_addr_string(l.address), Paint::Mac, o.color});
  }
  if (!l.broadcast.empty()) {
    out += l.flags & IFF_POINTOPOINT ? " peer " : " brd ";
    put(out, {hw_addr_string(l.broadcast), Paint::Mac, o.color});
  }
  if (l.link_netnsid) fmt::format_to(it, " link-netnsid {}", *l.link_netnsid);
  out += '\n';
}

// A bridge port's on/off settings, in the order ip -d prints them: one list
// for text ("hairpin off") and JSON ("hairpin": false), so the two cannot
// drift apart; settings the kernel did not report are left out of both.
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

void link_details_text(std::string& out, const Link& l) {
  auto it = std::back_inserter(out);
  if (!l.kind.empty()) {
    fmt::format_to(it, "    {}", l.kind);
    if (l.bridge) {
      const auto& b = *l.bridge;
      fmt::format_to(it, " forward_delay {} hello_time {} max_age {} ageing_time {} stp_state {} priority {}",
                     seconds(b.forward_delay_cs), seconds(b.hello_time_cs), seconds(b.max_age_cs),
                     seconds(b.ageing_time_cs), b.stp_state, b.priority);
      if (b.vlan_filtering) fmt::format_to(it, " vlan_filtering {}", *b.vlan_filtering);
      if (b.multicast_snooping) fmt::format_to(it, " mcast_snooping {}", *b.multicast_snooping);
      if (!b.bridge_id.empty()) fmt::format_to(it, " bridge_id {}", ip_bridge_id(b.bridge_id));
    }
    if (l.tun) {
      const auto& t = *l.tun;
      fmt::format_to(it, " type {} pi {} vnet_hdr {} persist {} multi_queue {}", t.tap ? "tap" : "tun",
                     t.pi ? "on" : "off", t.vnet_hdr ? "on" : "off", t.persist ? "on" : "off",
                     t.multi_queue ? "on" : "off");
      if (t.owner) fmt::format_to(it, " user {}", *t.owner);
      if (t.group) fmt::format_to(it, " group {}", *t.group);
    }
    out += '\n';
  }
  if (l.bridge_port) {
    const auto& p = *l.bridge_port;
    fmt::format_to(it, "    bridge_slave state {} priority {} cost {}", p.state_name(), p.priority, p.cost);
    for (const auto& f : kPortFlags)
      if (const auto& v = p.*f.value) fmt::format_to(it, " {} {}", f.key, *v ? "on" : "off");
    out += '\n';
  }
  if (l.carrier) fmt::format_to(it, "    carrier {}\n", *l.carrier ? "on" : "off");
}

// The two columns every brief line starts with, padded as `ip -br` pads them.
void brief_name_state(std::string& out, const Link& l, const RenderOptions& o) {
  std::string name = display_name(l);
  put(out, {name, Paint::Ifname, o.color});
  if (name.size() < 16) out.append(16 - name.size(), ' ');
  out += ' ';
  std::string state = l.operstate_name();
  put(out, {state, state_paint(state), o.color});
  if (state.size() < 14) out.append(14 - state.size(), ' ');
}

void link_brief_text(std::string& out, const Link& l, const RenderOptions& o) {
  auto it = std::back_inserter(out);
  brief_name_state(out, l, o);
  out += ' ';
  if (!l.address.empty()) {
    put(out, {hw_addr_string(l.address), Paint::Mac, o.color});
    out += ' ';
  }
  fmt::format_to(it, "<{}>\n", join(l.flag_names(), ","));
}

void json_kind_data(JsonWriter& w, const Link& l) {
  if (l.kind.empty() && l.slave_kind.empty()) return;
  w.key("linkinfo");
  w.begin_object();
  if (!l.kind.empty()) {
    w.member("info_kind", l.kind);
    if (l.bridge) {
      const auto& b = *l.bridge;
      w.key("info_data");
      w.begin_object();
      w.member("forward_delay", b.forward_delay_cs);
      w.member("hello_time", b.hello_time_cs);
      w.member("max_age", b.max_age_cs);
      w.member("ageing_time", b.ageing_time_cs);
      w.member("stp_state", b.stp_state);
      w.member("priority", b.priority);
      if (b.vlan_filtering) w.member("vlan_filtering", *b.vlan_filtering);
      if (b.multicast_snooping) w.member("mcast_snooping", *b.multicast_snooping);
      if (!b.bridge_id.empty()) w.member("bridge_id", ip_bridge_id(b.bridge_id));
      w.end_object();
    }
    if (l.tun) {
      const auto& t = *l.tun;
      w.key("info_data");
      w.begin_object();
      w.member("type", t.tap ? "tap" : "tun");
      w.member("pi", t.pi);
      w.member("vnet_hdr", t.vnet_hdr);
      w.member("multi_queue", t.multi_queue);
      w.member("persist", t.persist);
      if (t.owner) w.member("user", *t.owner);
      if (t.group) w.member("group", *t.group);
      w.end_object();
    }
  }
  if (!l.slave_kind.empty()) {
    w.member("info_slave_kind", l.slave_kind);
    if (l.bridge_port) {
      const auto& p = *l.bridge_port;
      w.key("info_slave_data");
      w.begin_object();
      w.member("state", p.state_name());
      w.member("priority", p.priority);
      w.member("cost", p.cost);
      for (const auto& f : kPortFlags)
        if (const auto& v = p.*f.value) w.member(f.key, *v);
      w.end_object();
    }
  }
  w.end_object();
}

void link_json_members(JsonWriter& w, const Link& l, const RenderOptions& o, bool with_mode) {
  w.member("ifindex", l.index);
  if (l.link_index && l.link_index != l.index && !l.link_name.empty()) w.member("link", l.link_name);
  w.member("ifname", l.name);
  w.member("flags", l.flag_names());
  w.member("mtu", l.mtu);
  if (!l.qdisc.empty()) w.member("qdisc", l.qdisc);
  if (!l.master.empty()) w.member("master", l.master);
  w.member("operstate", l.operstate_name());
  if (with_mode) w.member("linkmode", linkmode_name(l.linkmode));
  w.member("group", group_name(l.group));
  if (l.txqlen) w.member("txqlen", l.txqlen);
  w.member("link_type", l.link_type_name());
  if (!l.address.empty()) w.member("address", hw_addr_string(l.address));
  if (!l.broadcast.empty()) w.member(l.flags & IFF_POINTOPOINT ? "link_pointtopoint" : "broadcast",
                                     hw_addr_string(l.broadcast));
  if (l.link_index && l.link_index != l.index && l.link_name.empty()) w.member("link_index", l.link_index);
  if (l.link_netnsid) w.member("link_netnsid", static_cast<std::int64_t>(*l.link_netnsid));
  if (l.carrier) w.member("carrier", *l.carrier);
  if (o.details || l.bridge_port || !l.kind.empty()) json_kind_data(w, l);
}

std::string lifetime(std::uint32_t s) { return s == kForever ? "forever" : std::to_string(s) + "sec"; }

void address_text(std::string& out, const Address& a, const RenderOptions& o) {
  auto it = std::back_inserter(out);
  bool v6 = a.family() == Family::Inet6;
  fmt::format_to(it, "    {} ", family_name(a.family()));
  std::string local = a.local.addr().to_string();
  if (a.peer) {
    put(out, {local, v6 ? Paint::Inet6 : Paint::Inet, o.color});
    fmt::format_to(it, " peer {}/{}", a.peer->to_string(), a.local.len());
  } else {
    put(out, {a.local.to_string(), v6 ? Paint::Inet6 : Paint::Inet, o.color});
  }
  if (a.broadcast) fmt::format_to(it, " brd {}", a.broadcast->to_string());
  fmt::format_to(it, " scope {}", scope_name(a.scope));
  for (const auto& f : a.flag_names()) fmt::format_to(it, " {}", f);
  if (!v6 && !a.label.empty()) fmt::format_to(it, " {}", a.label);
  fmt::format_to(it, "\n       valid_lft {} preferred_lft {}\n", lifetime(a.valid_lft), lifetime(a.preferred_lft));
}

std::string route_dst(const Route& r) {
  if (r.is_default()) return "default";
  return r.dst.is_host() ? r.dst.addr().to_string() : r.dst.to_string();
}

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

void render_link_text(std::string& out, const Link& l, const RenderOptions& o) {
  if (o.brief) return link_brief_text(out, l, o);
  link_header_text(out, l, o, true);
  if (o.details) link_details_text(out, l);
}

void render_link_json(JsonWriter& w, const Link& l, const RenderOptions& o) {
  w.begin_object();
  link_json_members(w, l, o, true);
  w.end_object();
}

void render_link_addrs_text(std::string& out, const Link& l, std::span<const Address* const> addrs,
                            const RenderOptions& o) {
  if (o.brief) {
    brief_name_state(out, l, o);
    for (const Address* a : addrs) {
      out += ' ';
      put(out, {a->local.to_string(), a->family() == Family::Inet6 ? Paint::Inet6 : Paint::Inet, o.color});
    }
    out += '\n';
    return;
  }
  link_header_text(out, l, o, false);
  if (o.details) link_details_text(out, l);
  for (const Address* a : addrs) address_text(out, *a, o);
}

void render_address_json(JsonWriter& w, const Address& a) {
  w.begin_object();
  w.member("family", family_name(a.family()));
  w.member("local", a.local.addr().to_string());
  if (a.peer) w.member("address", a.peer->to_string());
  w.member("prefixlen", a.local.len());
  if (a.broadcast) w.member("broadcast", a.broadcast->to_string());
  w.member("scope", scope_name(a.scope));
  for (const auto& f : a.flag_names()) w.member(f, true);
  if (!a.label.empty()) w.member("label", a.label);
  w.member("valid_life_time", a.valid_lft);
  w.member("preferred_life_time", a.preferred_lft);
  w.end_object();
}

void render_link_addrs_json(JsonWriter& w, const Link& l, std::span<const Address* const> addrs,
                            const RenderOptions& o) {
  w.begin_object();
  link_json_members(w, l, o, false);
  w.key("addr_info");
  w.begin_array();
  for (const Address* a : addrs) render_address_json(w, *a);
  w.end_array();
  w.end_object();
}

void render_neigh_text(std::string& out, const Neighbour& n, const RenderOptions& o) {
  auto it = std::back_inserter(out);
  put(out, {n.dst.to_string(), n.dst.is_v6() ? Paint::Inet6 : Paint::Inet, o.color});
  out += " dev ";
  put(out, {n.dev, Paint::Ifname, o.color});
  if (!n.lladdr.empty()) {
    out += " lladdr ";
    put(out, {hw_addr_string(n.lladdr), Paint::Mac, o.color});
  }
  if (n.is_router()) out += " router";
  if (n.is_proxy()) out += " proxy";
  if (o.details && n.used_s)
    fmt::format_to(it, " used {}/{}/{}", *n.used_s, n.confirmed_s.value_or(0), n.updated_s.value_or(0));
  if (o.details && n.probes) fmt::format_to(it, " probes {}", *n.probes);
  if (!n.is_proxy()) fmt::format_to(it, " {}", nud_state_names(n.state));
  out += '\n';
}

void render_neigh_json(JsonWriter& w, const Neighbour& n, const RenderOptions& o) {
  w.begin_object();
  w.member("dst", n.dst.to_string());
  w.member("dev", n.dev);
  if (!n.lladdr.empty()) w.member("lladdr", hw_addr_string(n.lladdr));
  if (n.is_router()) {
    w.key("router");
    w.null();
  }
  if (n.is_proxy()) {
    w.key("proxy");
    w.null();
  }
  if (o.details && n.used_s) {
    w.member("used", *n.used_s);
    w.member("confirmed", n.confirmed_s.value_or(0));
    w.member("updated", n.updated_s.value_or(0));
  }
  if (o.details && n.probes) w.member("probes", *n.probes);
  if (!n.is_proxy()) {
    w.key("state");
    w.begin_array();
    for (std::uint16_t bit = 1; bit <= NudPermanent; bit = static_cast<std::uint16_t>(bit << 1))
      if (n.state & bit) w.value(nud_state_names(bit));
    if (n.state == NudNone) w.value("NONE");
    w.end_array();
  }
  w.end_object();
}

void render_route_text(std::string& out, const Route& r, const RenderOptions& o) {
  auto it = std::back_inserter(out);
  if (r.type != RTN_UNICAST || o.details) fmt::format_to(it, "{} ", r.type_name());
  put(out, {route_dst(r), r.family == Family::Inet6 ? Paint::Inet6 : Paint::Inet, o.color});
  if (r.src && r.src->len()) fmt::format_to(it, " from {}", r.src->to_string());
  if (r.tos) fmt::format_to(it, " tos 0x{:02x}", r.tos);
  if (r.gateway) {
    out += " via ";
    put(out, {r.gateway->to_string(), r.family == Family::Inet6 ? Paint::Inet6 : Paint::Inet, o.color});
  }
  if (!r.dev.empty()) {
    out += " dev ";
    put(out, {r.dev, Paint::Ifname, o.color});
  }
  if (r.table != kTableMain || o.details) fmt::format_to(it, " table {}", r.table_name());
  if ((r.protocol != RTPROT_BOOT && r.protocol != RTPROT_UNSPEC) || o.details)
    fmt::format_to(it, " proto {}", r.protocol_name());
  if (r.scope != RT_SCOPE_UNIVERSE || o.details) fmt::format_to(it, " scope {}", scope_name(r.scope));
  if (r.prefsrc) fmt::format_to(it, " src {}", r.prefsrc->to_string());
  if (r.metric) fmt::format_to(it, " metric {}", *r.metric);
  for (const auto& f : r.flag_names()) fmt::format_to(it, " {}", f);
  // ip's order: the cache info (a route learned from an RA expires), then
  // the metrics in RTAX order, then the preference.
  if (r.expires_s) fmt::format_to(it, " expires {}sec", *r.expires_s);
  if (r.mtu) fmt::format_to(it, " mtu {}", *r.mtu);
  if (r.hoplimit) fmt::format_to(it, " hoplimit {}", *r.hoplimit);
  if (r.pref && r.family == Family::Inet6) {
    static constexpr const char* kPref[] = {"medium", "high", "invalid", "low"};
    fmt::format_to(it, " pref {}", *r.pref < 4 ? kPref[*r.pref] : "unknown");
  }
  for (const auto& nh : r.nexthops) {
    out += "\n\tnexthop";
    if (nh.gateway) fmt::format_to(it, " via {}", nh.gateway->to_string());
    if (!nh.dev.empty()) fmt::format_to(it, " dev {}", nh.dev);
    fmt::format_to(it, " weight {}", nh.weight);
    Route hop_flags;
    hop_flags.flags = nh.flags;
    for (const auto& f : hop_flags.flag_names()) fmt::format_to(it, " {}", f);
  }
  out += '\n';
}

void render_route_json(JsonWriter& w, const Route& r, const RenderOptions& o) {
  w.begin_object();
  if (r.type != RTN_UNICAST || o.details) w.member("type", r.type_name());
  w.member("dst", route_dst(r));
  if (r.src && r.src->len()) w.member("from", r.src->to_string());
  if (r.tos) w.member("tos", fmt::format("0x{:02x}", r.tos));
  if (r.gateway) w.member("gateway", r.gateway->to_string());
  if (!r.dev.empty()) w.member("dev", r.dev);
  if (r.table != kTableMain || o.details) w.member("table", r.table_name());
  if ((r.protocol != RTPROT_BOOT && r.protocol != RTPROT_UNSPEC) || o.details)
    w.member("protocol", r.protocol_name());
  if (r.scope != RT_SCOPE_UNIVERSE || o.details) w.member("scope", scope_name(r.scope));
  if (r.prefsrc) w.member("prefsrc", r.prefsrc->to_string());
  if (r.metric) w.member("metric", *r.metric);
  w.member("flags", r.flag_names());
  if (r.expires_s) w.member("expires", *r.expires_s);
  if (r.mtu || r.hoplimit) {
    w.key("metrics");
    w.begin_array();
    w.begin_object();
    if (r.mtu) w.member("mtu", *r.mtu);
    if (r.hoplimit) w.member("hoplimit", *r.hoplimit);
    w.end_object();
    w.end_array();
  }
  if (r.pref && r.family == Family::Inet6) {
    static constexpr const char* kPref[] = {"medium", "high", "invalid", "low"};
    w.member("pref", *r.pref < 4 ? kPref[*r.pref] : "unknown");
  }
  if (!r.nexthops.empty()) {
    w.key("nexthops");
    w.begin_array();
    for (const auto& nh : r.nexthops) {
      w.begin_object();
      if (nh.gateway) w.member("gateway", nh.gateway->to_string());
      if (!nh.dev.empty()) w.member("dev", nh.dev);
      w.member("weight", nh.weight);
      Route hop_flags;
      hop_flags.flags = nh.flags;
      w.member("flags", hop_flags.flag_names());
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
}

}  // namespace netlab
