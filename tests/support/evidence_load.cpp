// The inverse of lib/src/diag/evidence.cpp: each reader below mirrors one
// writer there, member for member, in the same order.
#include "evidence_load.hpp"

#include "mini_json.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace nltest {
namespace {

using namespace netlab;
using testjson::Value;

[[noreturn]] void bad(const std::string& what, const std::string& why) {
  throw std::runtime_error("evidence: " + what + ": " + why);
}

const Value* member(const Value& obj, const std::string& k) {
  if (!obj.is_object()) bad(k, "not inside an object");
  auto it = obj.object().find(k);
  return it == obj.object().end() ? nullptr : &it->second;
}

// Each getter leaves `out` as it is when the member is absent.
void get(const Value& o, const std::string& k, std::string& out) {
  if (const Value* v = member(o, k)) {
    if (!v->is_string()) bad(k, "not a string");
    out = v->str();
  }
}
void get(const Value& o, const std::string& k, bool& out) {
  if (const Value* v = member(o, k)) {
    if (!std::holds_alternative<bool>(v->v)) bad(k, "not true or false");
    out = v->boolean();
  }
}
void get(const Value& o, const std::string& k, double& out) {
  if (const Value* v = member(o, k)) {
    if (!v->is_number()) bad(k, "not a number");
    out = v->num();
  }
}
template <typename T>
  requires std::is_integral_v<T>
void get(const Value& o, const std::string& k, T& out) {
  if (const Value* v = member(o, k)) {
    if (!v->is_number()) bad(k, "not a number");
    out = static_cast<T>(v->num());
  }
}
template <typename T>
void get(const Value& o, const std::string& k, std::optional<T>& out) {
  const Value* v = member(o, k);
  if (!v) return;
  if (v->is_null()) {
    out.reset();
    return;
  }
  T t{};
  get(o, k, t);
  out = t;
}

IpAddr parse_ip(const std::string& k, const std::string& text) {
  auto a = IpAddr::parse(text);
  if (!a) bad(k, a.error().message());
  return *a;
}
Prefix parse_prefix(const std::string& k, const std::string& text) {
  auto p = Prefix::parse(text);
  if (!p) bad(k, p.error().message());
  return *p;
}
MacAddr parse_mac(const std::string& k, const std::string& text) {
  auto m = MacAddr::parse(text);
  if (!m) bad(k, m.error().message());
  return *m;
}

// Addresses: null is the unspecified address (or no value).
void get_ip(const Value& o, const std::string& k, IpAddr& out) {
  if (const Value* v = member(o, k)) out = v->is_null() ? IpAddr{} : parse_ip(k, v->str());
}
void get_ip(const Value& o, const std::string& k, std::optional<IpAddr>& out) {
  if (const Value* v = member(o, k)) {
    if (v->is_null()) out.reset();
    else out = parse_ip(k, v->str());
  }
}
void get_prefix(const Value& o, const std::string& k, Prefix& out) {
  if (const Value* v = member(o, k)) out = v->is_null() ? Prefix{} : parse_prefix(k, v->str());
}
void get_prefix(const Value& o, const std::string& k, std::optional<Prefix>& out) {
  if (const Value* v = member(o, k)) {
    if (v->is_null()) out.reset();
    else out = parse_prefix(k, v->str());
  }
}
void get_mac(const Value& o, const std::string& k, std::optional<MacAddr>& out) {
  if (const Value* v = member(o, k)) {
    if (v->is_null()) out.reset();
    else out = parse_mac(k, v->str());
  }
}

int nibble(const std::string& k, char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  bad(k, std::string("not hex: '") + c + "'");
}
// Hex bytes, with or without colons between them ("aa:bb", "aabb").
void get_bytes(const Value& o, const std::string& k, std::vector<std::uint8_t>& out) {
  std::string text;
  if (!member(o, k)) return;
  get(o, k, text);
  out.clear();
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ':') {
      ++i;
      continue;
    }
    if (i + 1 >= text.size()) bad(k, "odd number of hex digits");
    out.push_back(static_cast<std::uint8_t>(nibble(k, text[i]) << 4 | nibble(k, text[i + 1])));
    i += 2;
  }
}

Family get_family(const Value& o, const std::string& k, Family fallback) {
  std::string w;
  get(o, k, w);
  if (w.empty()) return fallback;
  if (w == "inet") return Family::Inet;
  if (w == "inet6") return Family::Inet6;
  if (w == "unspec") return Family::Unspec;
  bad(k, "not inet, inet6 or unspec: " + w);
}

const testjson::Array& get_array(const Value& o, const std::string& k) {
  static const testjson::Array none;
  const Value* v = member(o, k);
  if (!v || v->is_null()) return none;
  if (!v->is_array()) bad(k, "not an array");
  return v->array();
}
void get_strings(const Value& o, const std::string& k, std::vector<std::string>& out) {
  out.clear();
  for (const auto& v : get_array(o, k)) {
    if (!v.is_string()) bad(k, "not an array of strings");
    out.push_back(v.str());
  }
}
// A member holding an object, or nullptr when absent or null.
const Value* get_object(const Value& o, const std::string& k) {
  const Value* v = member(o, k);
  if (!v || v->is_null()) return nullptr;
  if (!v->is_object()) bad(k, "not an object");
  return v;
}

BridgeInfo read_bridge(const Value& v) {
  BridgeInfo b;
  get(v, "forward_delay_cs", b.forward_delay_cs);
  get(v, "hello_time_cs", b.hello_time_cs);
  get(v, "max_age_cs", b.max_age_cs);
  get(v, "ageing_time_cs", b.ageing_time_cs);
  get(v, "stp_state", b.stp_state);
  get(v, "priority", b.priority);
  get(v, "vlan_filtering", b.vlan_filtering);
  get(v, "multicast_snooping", b.multicast_snooping);
  get(v, "bridge_id", b.bridge_id);
  get(v, "root_id", b.root_id);
  get(v, "root_port", b.root_port);
  get(v, "root_path_cost", b.root_path_cost);
  get(v, "topology_change", b.topology_change);
  get(v, "hello_timer_cs", b.hello_timer_cs);
  get(v, "tcn_timer_cs", b.tcn_timer_cs);
  get(v, "topology_change_timer_cs", b.topology_change_timer_cs);
  get(v, "gc_timer_cs", b.gc_timer_cs);
  return b;
}

BridgePortInfo read_port(const Value& v) {
  BridgePortInfo p;
  get(v, "state", p.state);
  get(v, "priority", p.priority);
  get(v, "cost", p.cost);
  get(v, "port_no", p.port_no);
  get(v, "port_id", p.port_id);
  get(v, "designated_root", p.designated_root);
  get(v, "designated_bridge", p.designated_bridge);
  get(v, "designated_port", p.designated_port);
  get(v, "designated_cost", p.designated_cost);
  get(v, "message_age_timer_cs", p.message_age_timer_cs);
  get(v, "forward_delay_timer_cs", p.forward_delay_timer_cs);
  get(v, "hold_timer_cs", p.hold_timer_cs);
  get(v, "hairpin", p.hairpin);
  get(v, "learning", p.learning);
  get(v, "flood", p.flood);
  get(v, "mcast_flood", p.mcast_flood);
  get(v, "bcast_flood", p.bcast_flood);
  get(v, "isolated", p.isolated);
  get(v, "guard", p.guard);
  get(v, "neigh_suppress", p.neigh_suppress);
  get(v, "proxy_arp", p.proxy_arp);
  return p;
}

Link read_link(const Value& v) {
  Link l;
  get(v, "index", l.index);
  get(v, "name", l.name);
  get(v, "kind", l.kind);
  get(v, "slave_kind", l.slave_kind);
  get(v, "flags", l.flags);
  get(v, "mtu", l.mtu);
  get_bytes(v, "address", l.address);
  get_bytes(v, "broadcast", l.broadcast);
  get(v, "link_type", l.link_type);
  get(v, "operstate", l.operstate);
  get(v, "linkmode", l.linkmode);
  get(v, "carrier", l.carrier);
  get(v, "txqlen", l.txqlen);
  get(v, "group", l.group);
  get(v, "alias", l.alias);
  get(v, "qdisc", l.qdisc);
  get(v, "master_index", l.master_index);
  get(v, "master", l.master);
  get(v, "link_index", l.link_index);
  get(v, "link_name", l.link_name);
  get(v, "link_netnsid", l.link_netnsid);
  get(v, "lower_down", l.lower_down);
  if (const Value* b = get_object(v, "bridge")) l.bridge = read_bridge(*b);
  if (const Value* p = get_object(v, "bridge_port")) l.bridge_port = read_port(*p);
  if (const Value* t = get_object(v, "tun")) {
    TunInfo tun;
    get(*t, "tap", tun.tap);
    get(*t, "owner", tun.owner);
    get(*t, "group", tun.group);
    get(*t, "persist", tun.persist);
    get(*t, "multi_queue", tun.multi_queue);
    get(*t, "vnet_hdr", tun.vnet_hdr);
    get(*t, "pi", tun.pi);
    get(*t, "num_queues", tun.num_queues);
    l.tun = tun;
  }
  if (const Value* m = get_object(v, "macvlan")) {
    MacvlanInfo mv;
    get(*m, "mode", mv.mode);
    l.macvlan = mv;
  }
  return l;
}

Address read_address(const Value& v) {
  Address a;
  get(v, "index", a.index);
  get(v, "dev", a.dev);
  get_prefix(v, "local", a.local);
  get_ip(v, "peer", a.peer);
  get_ip(v, "broadcast", a.broadcast);
  get(v, "scope", a.scope);
  get(v, "label", a.label);
  get(v, "flags", a.flags);
  get(v, "valid_lft", a.valid_lft);
  get(v, "preferred_lft", a.preferred_lft);
  return a;
}

Neighbour read_neighbour(const Value& v) {
  Neighbour n;
  get(v, "index", n.index);
  get(v, "dev", n.dev);
  get_ip(v, "dst", n.dst);
  get_bytes(v, "lladdr", n.lladdr);
  get(v, "state", n.state);
  get(v, "flags", n.flags);
  get(v, "probes", n.probes);
  get(v, "used_s", n.used_s);
  get(v, "confirmed_s", n.confirmed_s);
  get(v, "updated_s", n.updated_s);
  return n;
}

Route read_route(const Value& v) {
  Route r;
  r.family = get_family(v, "family", Family::Unspec);
  get(v, "type", r.type);
  get_prefix(v, "dst", r.dst);
  get_prefix(v, "src", r.src);
  get_ip(v, "prefsrc", r.prefsrc);
  get(v, "table", r.table);
  get(v, "protocol", r.protocol);
  get(v, "scope", r.scope);
  get(v, "tos", r.tos);
  get(v, "flags", r.flags);
  get(v, "metric", r.metric);
  get(v, "mtu", r.mtu);
  get(v, "hoplimit", r.hoplimit);
  get(v, "expires_s", r.expires_s);
  get(v, "pref", r.pref);
  get_ip(v, "gateway", r.gateway);
  get(v, "oif", r.oif);
  get(v, "dev", r.dev);
  for (const auto& h : get_array(v, "nexthops")) {
    NextHop nh;
    get_ip(h, "gateway", nh.gateway);
    get(h, "oif", nh.oif);
    get(h, "dev", nh.dev);
    get(h, "weight", nh.weight);
    get(h, "flags", nh.flags);
    r.nexthops.push_back(std::move(nh));
  }
  return r;
}

diag::Snapshot read_snapshot(const Value& v) {
  diag::Snapshot s;
  s.family = get_family(v, "family", Family::Inet);
  get(v, "interface", s.interface);
  get_ip(v, "target", s.target);
  for (const auto& x : get_array(v, "links")) s.links.push_back(read_link(x));
  for (const auto& x : get_array(v, "addresses")) s.addresses.push_back(read_address(x));
  for (const auto& x : get_array(v, "neighbours")) s.neighbours.push_back(read_neighbour(x));
  for (const auto& x : get_array(v, "proxies")) s.proxies.push_back(read_neighbour(x));
  for (const auto& x : get_array(v, "routes")) s.routes.push_back(read_route(x));
  if (const Value* r = get_object(v, "route_to_target")) s.route_to_target = read_route(*r);
  get(v, "route_error", s.route_error);
  if (const Value* sys = get_object(v, "sysctl"))
    for (const auto& [k, n] : sys->object()) {
      if (!n.is_number()) bad("sysctl " + k, "not a number");
      s.sysctl[k] = static_cast<long>(n.num());
    }
  get(v, "bridge", s.bridge);
  for (const auto& x : get_array(v, "fdb")) {
    bridge::FdbEntry e;
    get(x, "port", e.port);
    get(x, "port_no", e.port_no);
    std::string m;
    get(x, "mac", m);
    e.mac = parse_mac("fdb mac", m);
    get(x, "local", e.local);
    get(x, "permanent", e.permanent);
    get(x, "vlan", e.vlan);
    get(x, "ageing_cs", e.ageing_cs);
    s.fdb.push_back(e);
  }
  if (const Value* taps = get_object(v, "tap_holders"))
    for (const auto& [tap, holders] : taps->object()) {
      auto& list = s.tap_holders[tap];
      for (const auto& h : get_array(*taps, tap)) {
        TapHolder th;
        get(h, "pid", th.pid);
        get(h, "command", th.command);
        list.push_back(th);
      }
    }
  return s;
}

diag::Observation read_observation(const Value& v) {
  diag::Observation o;
  get(v, "duration_s", o.duration_s);
  get(v, "passive", o.passive);
  get_strings(v, "captured_on", o.captured_on);
  get_strings(v, "capture_errors", o.capture_errors);
  for (const auto& x : get_array(v, "frames")) {
    diag::SeenFrame f;
    get(x, "interface", f.interface);
    get(x, "time", f.time);
    get(x, "sent_by_us", f.sent_by_us);
    get_bytes(x, "bytes", f.bytes);
    o.frames.push_back(std::move(f));
  }
  for (const auto& x : get_array(v, "neighbour_samples")) {
    diag::NeighSample n;
    get(x, "time", n.time);
    if (const Value* e = get_object(x, "entry")) n.entry = read_neighbour(*e);
    o.neighbour_samples.push_back(std::move(n));
  }
  for (const auto& x : get_array(v, "echoes")) {
    diag::EchoResult e;
    get(x, "size", e.size);
    get(x, "dont_fragment", e.dont_fragment);
    get(x, "answered", e.answered);
    get(x, "rtt_ms", e.rtt_ms);
    get(x, "send_error", e.send_error);
    o.echoes.push_back(std::move(e));
  }
  get(v, "probe_interface", o.probe_interface);
  get_mac(v, "probe_mac", o.probe_mac);
  get_ip(v, "probe_source", o.probe_source);
  get(v, "swept", o.swept);
  get_prefix(v, "swept_network", o.swept_network);
  get(v, "swept_at", o.swept_at);
  get(v, "swept_interface", o.swept_interface);
  get(v, "swept_count", o.swept_count);
  get(v, "sweep_skipped", o.sweep_skipped);
  get(v, "longer_because", o.longer_because);
  for (const auto& x : get_array(v, "reverse_routes")) {
    IpAddr requester;
    get_ip(x, "requester", requester);
    const Value* r = get_object(x, "route");
    o.reverse_routes[requester] = r ? read_route(*r) : Route{};
  }
  // Kernel evidence: only in recordings made since netlab read drop reasons.
  if (const Value* k = get_object(v, "kernel")) {
    diag::KernelEvidence ke;
    get(*k, "traced", ke.traced);
    get(*k, "unavailable", ke.unavailable);
    get(*k, "lost", ke.lost);
    for (const auto& x : get_array(*k, "drops")) {
      diag::KernelDrop d;
      get(x, "time", d.time);
      get(x, "interface", d.interface);
      get(x, "reason", d.reason);
      get(x, "location", d.location);
      get(x, "protocol", d.protocol);
      get(x, "probable", d.probable);
      get(x, "beyond", d.beyond);
      ke.drops.push_back(std::move(d));
    }
    for (const auto& x : get_array(*k, "neighbour")) {
      diag::KernelNeighbourEvent n;
      get(x, "time", n.time);
      get(x, "interface", n.interface);
      get(x, "event", n.event);
      get(x, "old_state", n.old_state);
      get(x, "new_state", n.new_state);
      get(x, "pid", n.pid);
      get_mac(x, "lladdr", n.lladdr);
      ke.neighbour.push_back(std::move(n));
    }
    o.kernel = std::move(ke);
  }
  return o;
}

diag::Severity parse_severity(const std::string& w) {
  if (w == "fault") return diag::Severity::Fault;
  if (w == "warning") return diag::Severity::Warning;
  if (w == "info") return diag::Severity::Info;
  bad("severity", "unknown: " + w);
}

diag::Verdict parse_verdict(const std::string& w) {
  if (w == "ok") return diag::Verdict::Ok;
  if (w == "fault") return diag::Verdict::Fault;
  if (w == "unexplained") return diag::Verdict::Unexplained;
  bad("verdict", "unknown: " + w);
}

}  // namespace

diag::Recording load_recording(std::string_view json_text) {
  const Value doc = testjson::parse(json_text);
  std::string format;
  get(doc, "format", format);
  if (format != "netlab-diagnosis-evidence") bad("format", "not a netlab diagnosis evidence document");
  int format_version = 0;
  get(doc, "format_version", format_version);
  if (format_version != 1) bad("format_version", "unknown: " + std::to_string(format_version));
  diag::Recording rec;
  get(doc, "version", rec.version);
  if (const Value* o = get_object(doc, "options")) {
    rec.options.family = get_family(*o, "family", Family::Inet);
    get(*o, "interface", rec.options.interface);
    get_ip(*o, "target", rec.options.target);
    get(*o, "duration_s", rec.options.duration_s);
    get(*o, "passive", rec.options.passive);
    get(*o, "sweep", rec.options.sweep);
    get(*o, "trace_kernel", rec.options.kernel);
    get(*o, "whole_duration", rec.options.whole_duration);
    get(*o, "netns", rec.options.netns_arg);
  }
  for (const auto& e : get_array(doc, "examined")) {
    diag::Examined ex;
    if (const Value* s = get_object(e, "snapshot")) ex.snapshot = read_snapshot(*s);
    if (const Value* o = get_object(e, "observation")) ex.observation = read_observation(*o);
    rec.examined.push_back(std::move(ex));
  }
  if (const Value* r = get_object(doc, "report")) {
    std::string verdict;
    get(*r, "verdict", verdict);
    rec.verdict = parse_verdict(verdict);
    for (const auto& f : get_array(*r, "findings")) {
      diag::RecordedFinding rf;
      get(f, "id", rf.id);
      get(f, "cause", rf.cause);
      std::string sev;
      get(f, "severity", sev);
      rf.severity = parse_severity(sev);
      rec.findings.push_back(std::move(rf));
    }
  }
  return rec;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

diag::Recording load_recording_file(const std::string& path) {
  try {
    return load_recording(read_file(path));
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

}  // namespace nltest
