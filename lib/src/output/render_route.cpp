// Neighbours and routes, each field written once through Printer (text as
// `ip neigh`/`ip route`, JSON with `ip -j`'s keys).
#include <netlab/render.hpp>

#include "output/forms.hpp"

#include <fmt/format.h>

#include <linux/rtnetlink.h>

namespace netlab {
namespace {

std::string route_dst(const Route& r) {
  if (r.is_default()) return "default";
  return r.dst.is_host() ? r.dst.addr().to_string() : r.dst.to_string();
}

// Text: " F" per flag (nothing without flags); JSON: the array, always.
void route_flags(Printer& p, const std::vector<std::string>& names) {
  p.print_strings("flags", names.empty() ? "" : " {}", names, " ");
}

void nexthops(Printer& p, const Route& r) {
  if (r.nexthops.empty()) return;
  p.open_array("nexthops");
  for (const auto& nh : r.nexthops) {
    p.print_text("\n\tnexthop");
    p.open_object();
    if (nh.gateway) p.print_string("gateway", " via {}", nh.gateway->to_string());
    if (!nh.dev.empty()) p.print_string("dev", " dev {}", nh.dev);
    p.print_uint("weight", " weight {}", nh.weight);
    Route hop;
    hop.flags = nh.flags;
    route_flags(p, hop.flag_names());
    p.close_object();
  }
  p.close_array();
}

// ip's order: the cache info (a route learned from an RA expires), then
// the metrics in RTAX order, then the preference.
void route_tail(Printer& p, const Route& r) {
  if (r.expires_s) p.print_uint("expires", " expires {}sec", *r.expires_s);
  if (r.mtu || r.hoplimit) {
    p.open_array("metrics");
    p.open_object();
    if (r.mtu) p.print_uint("mtu", " mtu {}", *r.mtu);
    if (r.hoplimit) p.print_uint("hoplimit", " hoplimit {}", *r.hoplimit);
    p.close_object();
    p.close_array();
  }
  if (r.pref && r.family == Family::Inet6) {
    static constexpr const char* kPref[] = {"medium", "high", "invalid", "low"};
    p.print_string("pref", " pref {}", *r.pref < 4 ? kPref[*r.pref] : "unknown");
  }
}

}  // namespace

void render_neigh(Printer& p, const Neighbour& n, const RenderOptions& o) {
  p.open_object();
  p.print_string("dst", "{}", n.dst.to_string(), n.dst.is_v6() ? Paint::Inet6 : Paint::Inet);
  p.print_string("dev", " dev {}", n.dev, Paint::Ifname);
  if (!n.lladdr.empty()) p.print_string("lladdr", " lladdr {}", hw_addr_string(n.lladdr), Paint::Mac);
  if (n.is_router()) p.print_null("router", " router");
  if (n.is_proxy()) p.print_null("proxy", " proxy");
  if (o.details && n.used_s) {
    p.print_uint("used", " used {}", *n.used_s);
    p.print_uint("confirmed", "/{}", n.confirmed_s.value_or(0));
    p.print_uint("updated", "/{}", n.updated_s.value_or(0));
  }
  if (o.details && n.probes) p.print_uint("probes", " probes {}", *n.probes);
  if (!n.is_proxy()) p.print_strings("state", " {}", nud_state_words(n.state), " ");
  p.print_text("\n");
  p.close_object();
}

void render_route(Printer& p, const Route& r, const RenderOptions& o) {
  const Paint paint = r.family == Family::Inet6 ? Paint::Inet6 : Paint::Inet;
  p.open_object();
  if (r.type != RTN_UNICAST || o.details) p.print_string("type", "{} ", r.type_name());
  p.print_string("dst", "{}", route_dst(r), paint);
  if (r.src && r.src->len()) p.print_string("from", " from {}", r.src->to_string());
  if (r.tos) p.print_string("tos", " tos {}", fmt::format("0x{:02x}", r.tos));
  if (r.gateway) p.print_string("gateway", " via {}", r.gateway->to_string(), paint);
  if (!r.dev.empty()) p.print_string("dev", " dev {}", r.dev, Paint::Ifname);
  if (r.table != kTableMain || o.details) p.print_string("table", " table {}", r.table_name());
  if ((r.protocol != RTPROT_BOOT && r.protocol != RTPROT_UNSPEC) || o.details)
    p.print_string("protocol", " proto {}", r.protocol_name());
  if (r.scope != RT_SCOPE_UNIVERSE || o.details) p.print_string("scope", " scope {}", scope_name(r.scope));
  if (r.prefsrc) p.print_string("prefsrc", " src {}", r.prefsrc->to_string());
  if (r.metric) p.print_uint("metric", " metric {}", *r.metric);
  route_flags(p, r.flag_names());
  route_tail(p, r);
  nexthops(p, r);
  p.print_text("\n");
  p.close_object();
}

// The (string, JsonWriter) forms of the calls above.
void render_neigh_text(std::string& out, const Neighbour& n, const RenderOptions& o) {
  output::as_text(out, o, render_neigh, n, o);
}
void render_neigh_json(JsonWriter& w, const Neighbour& n, const RenderOptions& o) { output::as_json(w, render_neigh, n, o); }
void render_route_text(std::string& out, const Route& r, const RenderOptions& o) {
  output::as_text(out, o, render_route, r, o);
}
void render_route_json(JsonWriter& w, const Route& r, const RenderOptions& o) { output::as_json(w, render_route, r, o); }

}  // namespace netlab
