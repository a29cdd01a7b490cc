// Saved evidence: a diagnosis's snapshots and observations as one JSON
// document (`netlab arp diagnose --save-evidence FILE`), to attach to a bug
// report or to replay in a unit test (tests/data/diag/, read back by
// tests/support/evidence_load.cpp).
//
// The document is a dump of the structs, not an iproute2-style rendering:
// every field is written under its member name, numbers as the kernel gave
// them (flags as integers), absent optionals as null, so that a reader can
// rebuild Snapshot and Observation field for field and analyse() gives the
// verdict the recording saw. Bump kFormatVersion when a field changes
// meaning; adding a field keeps the version (readers take absent as default).
#include <netlab/diag.hpp>

#include <cstdio>

namespace netlab::diag {
namespace {

constexpr int kFormatVersion = 1;
constexpr int kTimeDecimals = 9;  // seconds to the nanosecond: times round-trip exactly enough to replay

std::string hex(const std::vector<std::uint8_t>& bytes, bool colons) {
  std::string s;
  s.reserve(bytes.size() * 3);
  char buf[4];
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (colons && i) s += ':';
    std::snprintf(buf, sizeof buf, "%02x", bytes[i]);
    s += buf;
  }
  return s;
}

std::string_view family_word(Family f) {
  switch (f) {
    case Family::Inet: return "inet";
    case Family::Inet6: return "inet6";
    case Family::Unspec: break;
  }
  return "unspec";
}

// Optionals: the value, or null.
template <typename T>
void opt(JsonWriter& w, std::string_view k, const std::optional<T>& v) {
  w.key(k);
  if (!v) w.null();
  else if constexpr (std::is_same_v<T, bool>) w.value(*v);
  else w.value(static_cast<std::uint64_t>(*v));
}
void opt_signed(JsonWriter& w, std::string_view k, const std::optional<std::int32_t>& v) {
  w.key(k);
  if (v) w.value(static_cast<std::int64_t>(*v));
  else w.null();
}
void ip(JsonWriter& w, std::string_view k, const IpAddr& a) {
  w.key(k);
  if (a.is_unspecified()) w.null();
  else w.value(a.to_string());
}
void ip(JsonWriter& w, std::string_view k, const std::optional<IpAddr>& a) {
  if (a) ip(w, k, *a);
  else {
    w.key(k);
    w.null();
  }
}
void prefix(JsonWriter& w, std::string_view k, const Prefix& p) {
  w.key(k);
  if (p.addr().is_unspecified()) w.null();
  else w.value(p.to_string());
}
void prefix(JsonWriter& w, std::string_view k, const std::optional<Prefix>& p) {
  if (p) prefix(w, k, *p);
  else {
    w.key(k);
    w.null();
  }
}
void mac(JsonWriter& w, std::string_view k, const std::optional<MacAddr>& m) {
  w.key(k);
  if (m) w.value(m->to_string());
  else w.null();
}
void seconds(JsonWriter& w, std::string_view k, double s) {
  w.key(k);
  w.value(s, kTimeDecimals);
}

void write_bridge(JsonWriter& w, const BridgeInfo& b) {
  w.begin_object();
  w.member("forward_delay_cs", b.forward_delay_cs);
  w.member("hello_time_cs", b.hello_time_cs);
  w.member("max_age_cs", b.max_age_cs);
  w.member("ageing_time_cs", b.ageing_time_cs);
  w.member("stp_state", b.stp_state);
  w.member("priority", b.priority);
  opt(w, "vlan_filtering", b.vlan_filtering);
  opt(w, "multicast_snooping", b.multicast_snooping);
  w.member("bridge_id", b.bridge_id);
  w.member("root_id", b.root_id);
  w.member("root_port", b.root_port);
  w.member("root_path_cost", b.root_path_cost);
  w.member("topology_change", b.topology_change);
  w.member("hello_timer_cs", b.hello_timer_cs);
  w.member("tcn_timer_cs", b.tcn_timer_cs);
  w.member("topology_change_timer_cs", b.topology_change_timer_cs);
  w.member("gc_timer_cs", b.gc_timer_cs);
  w.end_object();
}

void write_port(JsonWriter& w, const BridgePortInfo& p) {
  w.begin_object();
  w.member("state", p.state);
  w.member("priority", p.priority);
  w.member("cost", p.cost);
  w.member("port_no", p.port_no);
  w.member("port_id", p.port_id);
  w.member("designated_root", p.designated_root);
  w.member("designated_bridge", p.designated_bridge);
  w.member("designated_port", p.designated_port);
  w.member("designated_cost", p.designated_cost);
  w.member("message_age_timer_cs", p.message_age_timer_cs);
  w.member("forward_delay_timer_cs", p.forward_delay_timer_cs);
  w.member("hold_timer_cs", p.hold_timer_cs);
  opt(w, "hairpin", p.hairpin);
  opt(w, "learning", p.learning);
  opt(w, "flood", p.flood);
  opt(w, "mcast_flood", p.mcast_flood);
  opt(w, "bcast_flood", p.bcast_flood);
  opt(w, "isolated", p.isolated);
  opt(w, "guard", p.guard);
  opt(w, "neigh_suppress", p.neigh_suppress);
  opt(w, "proxy_arp", p.proxy_arp);
  w.end_object();
}

void write_link(JsonWriter& w, const Link& l) {
  w.begin_object();
  w.member("index", l.index);
  w.member("name", l.name);
  w.member("kind", l.kind);
  w.member("slave_kind", l.slave_kind);
  w.member("flags", l.flags);
  w.member("mtu", l.mtu);
  w.member("address", hex(l.address, true));
  w.member("broadcast", hex(l.broadcast, true));
  w.member("link_type", l.link_type);
  w.member("operstate", l.operstate);
  w.member("linkmode", l.linkmode);
  opt(w, "carrier", l.carrier);
  w.member("txqlen", l.txqlen);
  w.member("group", l.group);
  w.member("alias", l.alias);
  w.member("qdisc", l.qdisc);
  w.member("master_index", l.master_index);
  w.member("master", l.master);
  w.member("link_index", l.link_index);
  w.member("link_name", l.link_name);
  opt_signed(w, "link_netnsid", l.link_netnsid);
  w.member("lower_down", l.lower_down);
  w.key("bridge");
  if (l.bridge) write_bridge(w, *l.bridge);
  else w.null();
  w.key("bridge_port");
  if (l.bridge_port) write_port(w, *l.bridge_port);
  else w.null();
  w.key("tun");
  if (l.tun) {
    const TunInfo& t = *l.tun;
    w.begin_object();
    w.member("tap", t.tap);
    opt(w, "owner", t.owner);
    opt(w, "group", t.group);
    w.member("persist", t.persist);
    w.member("multi_queue", t.multi_queue);
    w.member("vnet_hdr", t.vnet_hdr);
    w.member("pi", t.pi);
    opt(w, "num_queues", t.num_queues);
    w.end_object();
  } else {
    w.null();
  }
  w.key("macvlan");
  if (l.macvlan) {
    w.begin_object();
    w.member("mode", l.macvlan->mode);
    w.end_object();
  } else {
    w.null();
  }
  w.end_object();
}

void write_address(JsonWriter& w, const Address& a) {
  w.begin_object();
  w.member("index", a.index);
  w.member("dev", a.dev);
  prefix(w, "local", a.local);
  ip(w, "peer", a.peer);
  ip(w, "broadcast", a.broadcast);
  w.member("scope", a.scope);
  w.member("label", a.label);
  w.member("flags", a.flags);
  w.member("valid_lft", a.valid_lft);
  w.member("preferred_lft", a.preferred_lft);
  w.end_object();
}

void write_neighbour(JsonWriter& w, const Neighbour& n) {
  w.begin_object();
  w.member("index", n.index);
  w.member("dev", n.dev);
  ip(w, "dst", n.dst);
  w.member("lladdr", hex(n.lladdr, true));
  w.member("state", n.state);
  w.member("flags", n.flags);
  opt(w, "probes", n.probes);
  opt(w, "used_s", n.used_s);
  opt(w, "confirmed_s", n.confirmed_s);
  opt(w, "updated_s", n.updated_s);
  w.end_object();
}

void write_route(JsonWriter& w, const Route& r) {
  w.begin_object();
  w.member("family", family_word(r.family));
  w.member("type", r.type);
  prefix(w, "dst", r.dst);
  prefix(w, "src", r.src);
  ip(w, "prefsrc", r.prefsrc);
  w.member("table", r.table);
  w.member("protocol", r.protocol);
  w.member("scope", r.scope);
  w.member("tos", r.tos);
  w.member("flags", r.flags);
  opt(w, "metric", r.metric);
  opt(w, "mtu", r.mtu);
  opt(w, "hoplimit", r.hoplimit);
  opt(w, "expires_s", r.expires_s);
  opt(w, "pref", r.pref);
  ip(w, "gateway", r.gateway);
  w.member("oif", r.oif);
  w.member("dev", r.dev);
  w.key("nexthops");
  w.begin_array();
  for (const auto& h : r.nexthops) {
    w.begin_object();
    ip(w, "gateway", h.gateway);
    w.member("oif", h.oif);
    w.member("dev", h.dev);
    w.member("weight", h.weight);
    w.member("flags", h.flags);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

template <typename T, typename Fn>
void list(JsonWriter& w, std::string_view k, const std::vector<T>& items, Fn&& one) {
  w.key(k);
  w.begin_array();
  for (const auto& item : items) one(w, item);
  w.end_array();
}

void write_snapshot(JsonWriter& w, const Snapshot& s) {
  w.begin_object();
  w.member("family", family_word(s.family));
  w.member("interface", s.interface);
  ip(w, "target", s.target);
  list(w, "links", s.links, write_link);
  list(w, "addresses", s.addresses, write_address);
  list(w, "neighbours", s.neighbours, write_neighbour);
  list(w, "proxies", s.proxies, write_neighbour);
  list(w, "routes", s.routes, write_route);
  w.key("route_to_target");
  if (s.route_to_target) write_route(w, *s.route_to_target);
  else w.null();
  w.member("route_error", s.route_error);
  w.key("sysctl");
  w.begin_object();
  for (const auto& [k, v] : s.sysctl) w.member(k, static_cast<std::int64_t>(v));
  w.end_object();
  w.member("bridge", s.bridge);
  list(w, "fdb", s.fdb, [](JsonWriter& j, const bridge::FdbEntry& e) {
    j.begin_object();
    j.member("port", e.port);
    j.member("port_no", e.port_no);
    j.member("mac", e.mac.to_string());
    j.member("local", e.local);
    j.member("permanent", e.permanent);
    opt(j, "vlan", e.vlan);
    j.member("ageing_cs", e.ageing_cs);
    j.end_object();
  });
  // A map of TAP -> holders, as an object in name order.
  w.key("tap_holders");
  w.begin_object();
  for (const auto& [tap, holders] : s.tap_holders) {
    list(w, tap, holders, [](JsonWriter& j, const TapHolder& h) {
      j.begin_object();
      j.member("pid", static_cast<std::int64_t>(h.pid));
      j.member("command", h.command);
      j.end_object();
    });
  }
  w.end_object();
  w.end_object();
}

void write_observation(JsonWriter& w, const Observation& o) {
  w.begin_object();
  seconds(w, "duration_s", o.duration_s);
  w.member("passive", o.passive);
  w.member("captured_on", o.captured_on);
  w.member("capture_errors", o.capture_errors);
  list(w, "frames", o.frames, [](JsonWriter& j, const SeenFrame& f) {
    j.begin_object();
    j.member("interface", f.interface);
    seconds(j, "time", f.time);
    j.member("sent_by_us", f.sent_by_us);
    j.member("bytes", hex(f.bytes, false));
    j.end_object();
  });
  list(w, "neighbour_samples", o.neighbour_samples, [](JsonWriter& j, const NeighSample& n) {
    j.begin_object();
    seconds(j, "time", n.time);
    j.key("entry");
    write_neighbour(j, n.entry);
    j.end_object();
  });
  list(w, "echoes", o.echoes, [](JsonWriter& j, const EchoResult& e) {
    j.begin_object();
    j.member("size", e.size);
    j.member("dont_fragment", e.dont_fragment);
    j.member("answered", e.answered);
    j.key("rtt_ms");
    if (e.rtt_ms) j.value(*e.rtt_ms, kTimeDecimals);
    else j.null();
    j.member("send_error", e.send_error);
    j.end_object();
  });
  w.member("probe_interface", o.probe_interface);
  mac(w, "probe_mac", o.probe_mac);
  ip(w, "probe_source", o.probe_source);
  w.member("swept", o.swept);
  prefix(w, "swept_network", o.swept_network);
  seconds(w, "swept_at", o.swept_at);
  w.member("swept_interface", o.swept_interface);
  w.member("swept_count", o.swept_count);
  w.member("sweep_skipped", o.sweep_skipped);
  w.member("longer_because", o.longer_because);
  // A map keyed by address: an array of {requester, route} in key order.
  w.key("reverse_routes");
  w.begin_array();
  for (const auto& [requester, route] : o.reverse_routes) {
    w.begin_object();
    ip(w, "requester", requester);
    w.key("route");
    write_route(w, route);
    w.end_object();
  }
  w.end_array();
  // Kernel evidence: absent (not null) when none was asked for, so a
  // recording made without it reads back the same.
  if (o.kernel) {
    const KernelEvidence& k = *o.kernel;
    w.key("kernel");
    w.begin_object();
    w.member("traced", k.traced);
    w.member("unavailable", k.unavailable);
    w.member("lost", k.lost);
    list(w, "drops", k.drops, [](JsonWriter& j, const KernelDrop& d) {
      j.begin_object();
      seconds(j, "time", d.time);
      j.member("interface", d.interface);
      j.member("reason", d.reason);
      j.member("location", d.location);
      j.member("protocol", d.protocol);
      j.member("probable", d.probable);
      j.member("beyond", d.beyond);
      j.end_object();
    });
    list(w, "neighbour", k.neighbour, [](JsonWriter& j, const KernelNeighbourEvent& n) {
      j.begin_object();
      seconds(j, "time", n.time);
      j.member("interface", n.interface);
      j.member("event", n.event);
      j.member("old_state", n.old_state);
      j.member("new_state", n.new_state);
      j.member("pid", n.pid);
      if (n.lladdr) j.member("lladdr", n.lladdr->to_string());
      j.end_object();
    });
    w.end_object();
  }
  w.end_object();
}

}  // namespace

void write_recording(const Recording& rec, JsonWriter& w) {
  w.begin_object();
  w.member("format", "netlab-diagnosis-evidence");
  w.member("format_version", kFormatVersion);
  w.member("version", rec.version);
  w.key("options");
  w.begin_object();
  const Options& o = rec.options;
  w.member("family", family_word(o.family));
  w.member("interface", o.interface);
  ip(w, "target", o.target);
  seconds(w, "duration_s", o.duration_s);
  w.member("passive", o.passive);
  w.member("sweep", o.sweep);
  // Written only when not the default, so recordings made before these
  // options existed read back and write out byte for byte.
  if (!o.kernel) w.member("trace_kernel", false);
  if (o.whole_duration) w.member("whole_duration", true);
  w.member("netns", o.netns_arg);
  w.end_object();
  w.key("examined");
  w.begin_array();
  for (const auto& e : rec.examined) {
    w.begin_object();
    w.key("snapshot");
    write_snapshot(w, e.snapshot);
    w.key("observation");
    write_observation(w, e.observation);
    w.end_object();
  }
  w.end_array();
  w.key("report");
  w.begin_object();
  w.member("verdict", verdict_name(rec.verdict));
  list(w, "findings", rec.findings, [](JsonWriter& j, const RecordedFinding& f) {
    j.begin_object();
    j.member("id", f.id);
    j.member("cause", f.cause);
    j.member("severity", severity_name(f.severity));
    j.end_object();
  });
  w.end_object();
  w.end_object();
}

}  // namespace netlab::diag
