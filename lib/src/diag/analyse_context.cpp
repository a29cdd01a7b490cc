// The rules' shared view of a snapshot and an observation; see
// analyse_context.hpp.
#include "diag/analyse_context.hpp"
#include "diag/kernel_evidence.hpp"

#include <netlab/link.hpp>
#include <netlab/packet.hpp>
#include <netlab/render.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>

namespace netlab::diag {
std::string fmt_time(double t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "+%.3fs", t);
  return buf;
}

namespace {

constexpr std::uint8_t kRtnLocal = 2;

bool usable(std::uint16_t state) {
  return state & (NudReachable | NudStale | NudDelay | NudProbe | NudPermanent);
}

int severity_rank(Severity s) { return s == Severity::Fault ? 0 : s == Severity::Warning ? 1 : 2; }

// Causes whose mechanism produces the evidence other rules read as their
// own. When the first is a fault, the others are ruled out rather than
// reported beside it (their fixes would not help, or not work as printed).
struct Explains {
  std::string_view cause;
  std::array<std::string_view, 6> explained;
};
constexpr std::array<Explains, 3> kExplains{{
    // The kernel never asks: our probe's answer reaches a kernel that
    // drops it on purpose, which looks like a filter.
    {"noarp-interface", {"bridge-filter-drops-arp", "icmpv6-filtered", "target-not-configured", "malformed-reply"}},
    // A down device loses its connected routes (the route then leaves
    // elsewhere, and `route replace ... dev DOWN` fails), carries nothing
    // and cannot be captured on.
    // The host's requests leave on the wire and never reach the guest behind
    // the macvtap; the LAN's stations answering the sweep are not the guest
    // "configured with another address".
    {"macvtap-host-isolation", {"target-not-configured"}},
    {"interface-down",
     {"route-via-other-interface", "no-carrier", "bridge-filter-drops-arp", "icmpv6-filtered", "target-not-configured",
      "malformed-reply"}},
}};

}  // namespace

std::string join_names(const std::vector<const Link*>& v) {
  std::vector<std::string> names;
  for (const auto* l : v) names.push_back(l->name);
  return join(names, ", ");
}

std::string join_prefixes(const std::vector<const Address*>& v) {
  std::vector<std::string> p;
  for (const auto* a : v) p.push_back(a->local.to_string());
  return join(p, ", ");
}

std::string fmt_seconds(std::uint32_t cs) {
  char buf[32];
  if (cs % 100 == 0) std::snprintf(buf, sizeof buf, "%u s", cs / 100);
  else std::snprintf(buf, sizeof buf, "%.2f s", cs / 100.0);
  return buf;
}

Ctx::Ctx(const Snapshot& snap, const Observation& obs, const AnalyseOptions& options)
    : s(snap), o(obs), target(snap.target), options_(options) {
  iface = link_named(s.interface);
  if (s.route_to_target) {
    route = &*s.route_to_target;
    local = route->type == kRtnLocal;
    if (!local) egress = link_named(route->dev);
  }
  observer = target && !route;
  if (!egress && !local) egress = iface;
  // The kernel answers for a target routed through another device by proxy
  // (arp_process: forwarding on the receiving device, and proxy_arp on it
  // or a proxy entry for the target on it; IPv6: proxy_ndp and an entry).
  if (target && route && !local && iface && egress && egress != iface) {
    if (s.family == Family::Inet && effective_or("proxy_arp", iface->name)) proxy_mode = true;
    const bool ndp_proxying = sysctl("net.ipv6.conf.all.proxy_ndp").value_or(0) != 0 ||
                              sysctl("net.ipv6.conf." + iface->name + ".proxy_ndp").value_or(0) != 0;
    if (proxy_entry_for_target() && (s.family == Family::Inet || ndp_proxying)) proxy_mode = true;
  }
  bridge = s.bridge.empty() ? nullptr : link_named(s.bridge);
  if (bridge)
    for (const auto& l : s.links)
      if (l.master_index == bridge->index) ports.push_back(&l);
  frames.reserve(o.frames.size());
  for (const auto& f : o.frames) {
    auto p = frames::parse(f.bytes);
    if (!p) continue;
    Frame2 fr{&f, std::move(*p), std::nullopt};
    // Resolution messages of the diagnosed family only: a guest's IPv6
    // chatter is no station "with another address" in an ARP diagnosis.
    if (fr.parsed.arp && s.family == Family::Inet) {
      const auto& a = *fr.parsed.arp;
      fr.msg = ResolutionMsg{a.is_request(), a.sha, a.spa, a.tha, a.tpa, true};
    } else if (fr.parsed.ndp && fr.parsed.ipv6 && s.family == Family::Inet6) {
      // Neighbour discovery read as ARP: an NS asks for its target, an NA
      // answers for its target with the link-layer address it carries.
      const auto& nd = *fr.parsed.ndp;
      const auto& ip = *fr.parsed.ipv6;
      if (nd.type == 135) {
        fr.msg = ResolutionMsg{true, nd.source_lladdr.value_or(fr.parsed.eth_src), ip.src, MacAddr(), nd.target, true};
      } else if (nd.type == 136) {
        fr.msg = ResolutionMsg{false, nd.target_lladdr.value_or(fr.parsed.eth_src), nd.target, fr.parsed.eth_dst, ip.dst,
                               nd.target_lladdr.has_value()};
      }
    }
    frames.push_back(std::move(fr));
  }
}

// ---- checks and findings ----------------------------------------------------

void Ctx::rule_out(std::string cause, std::string detail) {
  checks_.push_back(Check{std::move(cause), "ruled out", std::move(detail)});
}
void Ctx::not_observable(std::string cause, std::string detail) {
  checks_.push_back(Check{std::move(cause), "not observable", std::move(detail)});
}

Finding Ctx::finding(std::string cause, std::string id, Severity severity, int weight) const {
  Finding f;
  f.cause = std::move(cause);
  f.id = std::move(id);
  f.severity = severity;
  f.weight = weight;
  return f;
}

bool fold_finding(std::vector<Finding>& findings, Finding f) {
  auto same_fix = [](const std::vector<FixStep>& a, const std::vector<FixStep>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const FixStep& x, const FixStep& y) {
      return x.where == y.where && x.netlab == y.netlab && x.iproute2 == y.iproute2 && x.description == y.description;
    });
  };
  for (auto& g : findings) {
    if (g.cause != f.cause || !same_fix(g.fix, f.fix)) continue;
    for (auto& e : f.evidence) {
      const bool have = std::any_of(g.evidence.begin(), g.evidence.end(), [&](const Evidence& x) {
        return x.type == e.type && x.interface == e.interface && x.text == e.text;
      });
      if (!have) g.evidence.push_back(std::move(e));
    }
    if (severity_rank(f.severity) < severity_rank(g.severity)) g.severity = f.severity;
    g.weight = std::max(g.weight, f.weight);
    return true;
  }
  findings.push_back(std::move(f));
  return false;
}

void Ctx::add(Finding f) {
  Check found{f.cause, "found", f.summary};
  if (!fold_finding(findings_, std::move(f))) checks_.push_back(std::move(found));
}

bool Ctx::has_cause(std::string_view cause) const {
  return std::any_of(findings_.begin(), findings_.end(), [&](const Finding& f) { return f.cause == cause; });
}

bool Ctx::has_fault() const {
  return std::any_of(findings_.begin(), findings_.end(), [](const Finding& f) { return f.severity == Severity::Fault; });
}

void Ctx::rule_out_explained() {
  // A finding another fault's mechanism explains is ruled out, saying which.
  for (const auto& ex : kExplains) {
    const auto by = std::find_if(findings_.begin(), findings_.end(), [&](const Finding& f) {
      return f.cause == ex.cause && f.severity == Severity::Fault;
    });
    if (by == findings_.end()) continue;
    const std::string because = "explained by " + std::string(ex.cause) + " (" + by->id + ")";
    std::vector<Finding> kept;
    for (auto& f : findings_) {
      if (std::find(ex.explained.begin(), ex.explained.end(), f.cause) == ex.explained.end()) {
        kept.push_back(std::move(f));
        continue;
      }
      std::erase_if(checks_, [&](const Check& k) { return k.cause == f.cause && k.result == "found"; });
      checks_.push_back(Check{f.cause, "ruled out", because});
    }
    findings_ = std::move(kept);
  }
}

std::vector<Check> Ctx::report_checks() {
  // One cause found on several devices stays several findings; a cause that
  // was found is not also listed as ruled out.
  std::set<std::string> found;
  for (const auto& f : findings_) found.insert(f.cause);
  std::vector<Check> checks;
  std::set<std::string> seen;
  for (auto& c : checks_) {
    if (c.result != "found" && found.count(c.cause)) continue;
    if (c.result != "found" && !seen.insert(c.cause).second) continue;
    checks.push_back(std::move(c));
  }
  return checks;
}

Report Ctx::finish() {
  Report r;
  r.family = s.family;
  r.interface = s.interface;
  r.target = target;
  r.passive = o.passive;
  r.duration_s = o.duration_s;
  rule_out_explained();
  // The kernel's own word on each finding whose mechanism leaves a drop.
  attach_kernel_evidence(findings_, s, o);
  std::stable_sort(findings_.begin(), findings_.end(), [](const Finding& a, const Finding& b) {
    if (severity_rank(a.severity) != severity_rank(b.severity)) return severity_rank(a.severity) < severity_rank(b.severity);
    return a.weight > b.weight;
  });
  r.checked = report_checks();
  const bool fault = std::any_of(findings_.begin(), findings_.end(),
                                 [](const Finding& f) { return f.severity == Severity::Fault; });
  if (target && !local) {
    if (auto mac = resolved_mac(); mac && c_resolved() && (echo_ok() || o.passive || o.echoes.empty())) {
      r.resolved = Resolution{*mac, echo_rtt()};
    }
  }
  if (observer && !fault) {
    // Not the host's own resolution: did the target answer anyone?
    for (const auto* fr : replies_for_target())
      if (!r.resolved) r.resolved = Resolution{fr->msg->sha, std::nullopt};
    // Resolved earlier, the guests now just talk: IP from the target proves it.
    for (const auto& fr : frames) {
      if (r.resolved) break;
      const bool from_target = (fr.parsed.ipv4 && fr.parsed.ipv4->src == *target) ||
                               (fr.parsed.ipv6 && fr.parsed.ipv6->src == *target);
      if (from_target && !fr.parsed.eth_src.is_multicast()) r.resolved = Resolution{fr.parsed.eth_src, std::nullopt};
    }
    r.notes.push_back("this host has no route to " + target_text() + " (" + s.route_error +
                      "); only the guests' own traffic was watched");
  }
  if (fault) r.verdict = Verdict::Fault;
  else if (!target) r.verdict = Verdict::Ok;
  else if (local || proxy_mode) r.verdict = Verdict::Ok;
  else if (r.resolved) r.verdict = Verdict::Ok;
  else r.verdict = Verdict::Unexplained;

  // No rule explains it: the drops the kernel saw on the watched interfaces
  // are better than silence.
  if (r.verdict == Verdict::Unexplained && o.kernel && o.kernel->traced) {
    std::vector<const KernelDrop*> all;
    for (const auto& d : o.kernel->drops) all.push_back(&d);
    r.kernel_drops = kernel_drop_evidence(o, all);
  }
  add_notes(r, fault);
  r.findings = std::move(findings_);
  return r;
}

void Ctx::add_notes(Report& r, bool fault) const {
  for (const auto& e : o.capture_errors) r.notes.push_back("capture: " + e);
  for (auto& n : kernel_notes(o)) r.notes.push_back(std::move(n));
  if (!o.longer_because.empty())
    r.notes.push_back("watched " + duration_text() + ", longer than asked: " + o.longer_because);
  if (target && local && !fault)
    r.notes.push_back(target_text() + " is this host's own address (on " + local_owner() +
                      "); nothing found that keeps peers on " + s.interface + " from getting answers for it");
  if (target && proxy_mode && !fault)
    r.notes.push_back(target_text() + " is routed through " + egress->name + "; " + s.interface + " answers for it by " +
                      proxy_mechanism());
  if (o.passive) {
    if (target && requests_for_target().empty() && replies_for_target().empty())
      r.notes.push_back("passive: no ARP for " + target_text() + " was seen in " + duration_text() +
                        "; whether the guest answers could not be observed (run without --passive to ask)");
    if (target && !r.resolved && !fault && !local)
      r.notes.push_back("passive: the kernel's entry for " + target_text() + " is not usable and nothing on the wire explains it");
  }
  if (o.swept)
    r.notes.push_back("nobody answered for " + target_text() + ", so its subnet " +
                      (o.swept_network ? o.swept_network->to_string() : std::string()) + " was swept on " +
                      o.swept_interface + " (" + std::to_string(o.swept_count) + " ARP requests)");
  else if (!o.sweep_skipped.empty())
    r.notes.push_back("nobody answered for " + target_text() + "; its subnet was not swept because " + o.sweep_skipped +
                      " (--sweep asks it anyway)");
}

// ---- facts ------------------------------------------------------------------

std::string Ctx::target_text() const { return target ? target->to_string() : std::string("the target"); }

const Neighbour* Ctx::proxy_entry_for_target() const {
  if (!target || !iface) return nullptr;
  for (const auto& n : s.proxies)
    if (n.dst == *target && (n.index == iface->index || n.index == 0)) return &n;
  return nullptr;
}

std::string Ctx::proxy_mechanism() const {
  const bool v6 = s.family == Family::Inet6;
  const bool entry = proxy_entry_for_target() != nullptr;
  const bool flag = !v6 && iface && effective_or("proxy_arp", iface->name);
  std::string how = v6 ? "proxy NDP (" : "proxy ARP (";
  if (entry) how += "a proxy entry for " + target_text() + " on " + (iface ? iface->name : s.interface);
  if (entry && flag) how += ", and ";
  if (flag) how += "proxy_arp on";
  return how + ")";
}

std::string Ctx::duration_text() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", o.duration_s);
  return buf;
}

const Link* Ctx::link_named(std::string_view name) const { return link::find(s.links, name); }

const Link* Ctx::master_bridge(const Link& l) const {
  if (!l.master_index) return nullptr;
  for (const auto& m : s.links)
    if (m.index == l.master_index && m.kind == "bridge") return &m;
  return nullptr;
}

const Link* Ctx::port_named(std::string_view name) const {
  for (const auto* p : ports)
    if (p->name == name) return p;
  return nullptr;
}

std::vector<const Address*> Ctx::ipv4_on(std::string_view dev) const {
  std::vector<const Address*> out;
  for (const auto& a : s.addresses)
    if (a.dev == dev && a.local.addr().is_v4()) out.push_back(&a);
  return out;
}

std::vector<const Address*> Ctx::l3_on(std::string_view dev) const {
  if (s.family == Family::Inet) return ipv4_on(dev);
  std::vector<const Address*> out;
  for (const auto& a : s.addresses)
    if (a.dev == dev && a.local.addr().is_v6() && !a.local.addr().is_link_local()) out.push_back(&a);
  return out;
}

bool Ctx::has_address(std::string_view dev, const IpAddr& ip) const {
  for (const auto* a : l3_on(dev))
    if (a->local.addr() == ip) return true;
  return false;
}

bool Ctx::is_local(const IpAddr& ip) const {
  for (const auto& a : s.addresses)
    if (a.local.addr() == ip) return true;
  return false;
}

bool Ctx::is_ours(const MacAddr& mac) const {
  for (const auto& l : s.links) {
    if (l.kind == "macvtap") continue;  // a macvtap's MAC is its guest's (QEMU's NIC), not the host's
    if (auto m = l.mac(); m && *m == mac) return true;
  }
  return false;
}

std::string Ctx::our_mac_on(std::string_view dev) const {
  const Link* l = link_named(dev);
  if (l && master_bridge(*l)) l = master_bridge(*l);
  return l && l->mac() ? l->mac()->to_string() : std::string("our MAC");
}

std::string Ctx::local_owner() const {
  if (target)
    for (const auto& a : s.addresses)
      if (a.local.addr() == *target) return a.dev;
  return "lo";
}

std::optional<long> Ctx::sysctl(const std::string& key) const {
  auto it = s.sysctl.find(key);
  if (it == s.sysctl.end()) return std::nullopt;
  return it->second;
}

long Ctx::effective_max(const std::string& key, const std::string& dev) const {
  return std::max(sysctl("net.ipv4.conf.all." + key).value_or(0), sysctl("net.ipv4.conf." + dev + "." + key).value_or(0));
}

bool Ctx::effective_or(const std::string& key, const std::string& dev) const {
  return sysctl("net.ipv4.conf.all." + key).value_or(0) != 0 || sysctl("net.ipv4.conf." + dev + "." + key).value_or(0) != 0;
}

std::vector<const Frame2*> Ctx::requests_for_target() const {
  std::vector<const Frame2*> out;
  if (!target) return out;
  for (const auto& f : frames)
    if (f.msg && f.msg->is_request() && f.msg->tpa == *target && !f.msg->is_gratuitous())
      out.push_back(&f);
  return out;
}

std::vector<const Frame2*> Ctx::replies_for_target() const {
  std::vector<const Frame2*> out;
  if (!target) return out;
  for (const auto& f : frames)
    if (f.msg && f.msg->is_reply() && f.msg->spa == *target && !is_ours(f.msg->sha))
      out.push_back(&f);
  return out;
}

bool Ctx::c_resolved() const {
  if (!target) return false;
  const std::string dev = egress ? egress->name : s.interface;
  std::optional<std::uint16_t> last;
  for (const auto& smp : o.neighbour_samples)
    if (smp.entry.dev == dev) last = smp.entry.state;
  if (!last)
    for (const auto& n : s.neighbours)
      if (n.dst == *target && n.dev == dev) last = n.state;
  return last && usable(*last);
}

std::optional<MacAddr> Ctx::resolved_mac() const {
  if (!target) return std::nullopt;
  const std::string dev = egress ? egress->name : s.interface;
  std::optional<MacAddr> mac;
  for (const auto& n : s.neighbours)
    if (n.dst == *target && n.dev == dev && usable(n.state)) mac = n.mac();
  for (const auto& smp : o.neighbour_samples)
    if (smp.entry.dev == dev && usable(smp.entry.state)) mac = smp.entry.mac();
  return mac;
}

bool Ctx::echo_ok() const {
  return std::any_of(o.echoes.begin(), o.echoes.end(), [](const EchoResult& e) { return e.answered; });
}

std::optional<double> Ctx::echo_rtt() const {
  for (const auto& e : o.echoes)
    if (e.answered && e.size <= small_echo_size()) return e.rtt_ms;
  return std::nullopt;
}

const Link* Ctx::port_of_target() const {
  if (!target || !bridge) return nullptr;
  for (const auto& f : frames) {
    if (!f.msg || !(f.msg->spa == *target) || is_ours(f.msg->sha)) continue;
    for (const auto& e : s.fdb)
      if (e.mac == f.msg->sha && !e.local) return port_named(e.port);
    if (const Link* p = port_named(f.sf->interface)) return p;
  }
  return nullptr;
}

bool Ctx::target_seen_on(std::string_view dev) const {
  if (!target) return false;
  for (const auto& f : frames)
    if (f.sf->interface == dev && f.msg && f.msg->spa == *target) return true;
  return false;
}

bool Ctx::on_target_link(std::string_view dev) const {
  if (egress && dev == egress->name) return true;
  if (bridge && (dev == bridge->name || port_named(dev))) return true;
  return dev == s.interface;
}

std::optional<IpAddr> Ctx::guest_gateway() const {
  if (!target) return std::nullopt;
  for (const auto& f : frames)
    if (f.msg && f.msg->is_request() && f.msg->spa == *target && !(f.msg->tpa == *target))
      return f.msg->tpa;
  return std::nullopt;
}

IpAddr Ctx::free_address_near(const IpAddr& ip, bool avoid_claimed) const {
  if (ip.is_v6()) {
    // ::1, ::2, ... in the same /64.
    std::array<std::uint8_t, 16> a{};
    std::copy(ip.bytes().begin(), ip.bytes().end(), a.begin());
    std::fill(a.begin() + 8, a.end(), 0);
    for (int last = 1; last < 255; ++last) {
      a[15] = static_cast<std::uint8_t>(last);
      const auto cand = IpAddr::v6(a);
      if (cand == ip || is_local(cand)) continue;
      bool claimed = false;
      if (avoid_claimed)
        for (const auto& f : frames)
          if (f.msg && f.msg->spa == cand) claimed = true;
      if (!claimed) return cand;
    }
    return ip;
  }
  auto b = ip.bytes();
  std::array<std::uint8_t, 4> a{b[0], b[1], b[2], 0};
  std::set<IpAddr> claimed;
  if (avoid_claimed)
    for (const auto& f : frames)
      if (f.msg) claimed.insert(f.msg->spa);
  for (int last = 1; last < 255; ++last) {
    a[3] = static_cast<std::uint8_t>(last);
    const auto cand = IpAddr::v4(a);
    if (cand == ip || is_local(cand) || claimed.count(cand)) continue;
    return cand;
  }
  return ip;
}

IpAddr Ctx::our_source() const {
  if (o.probe_source) return *o.probe_source;
  if (route && route->prefsrc) return *route->prefsrc;
  return frames::ipv4_any();
}

bool Ctx::answered_our_request_for_target(const Frame2& reply) const {
  // An answer to our sweep: we asked its sender's address, just not in a
  // frame any capture could see.
  if (o.swept_network && o.swept_network->contains(reply.msg->spa) && reply.sf->time >= o.swept_at) return false;
  for (const auto* req : requests_for_target()) {
    if (!is_ours(req->msg->sha)) continue;
    const double dt = reply.sf->time - req->sf->time;
    if (dt >= 0 && dt < 0.3 && reply.msg->tpa == req->msg->spa) {
      // Not an answer to something else we asked for just before.
      for (const auto& f : frames)
        if (f.msg && f.msg->is_request() && f.msg->tpa == reply.msg->spa &&
            f.sf->time <= reply.sf->time && is_ours(f.msg->sha))
          return false;
      return true;
    }
  }
  return false;
}

bool Ctx::target_stayed_unresolved_after(double t) const {
  bool saw_after = false;
  for (const auto& smp : o.neighbour_samples) {
    if (smp.time < t) continue;
    saw_after = true;
    if (usable(smp.entry.state)) return false;
  }
  return saw_after || !c_resolved();
}

std::vector<const Frame2*> Ctx::unforwarded_ip() const {
  std::vector<const Frame2*> out;
  if (!bridge) return out;
  // Which port each MAC sits behind, from the forwarding database and from
  // the frames it sent.
  std::map<MacAddr, std::string> where;
  for (const auto& e : s.fdb)
    if (!e.local) where[e.mac] = e.port;
  for (const auto& f : frames)
    if (port_named(f.sf->interface) && !is_ours(f.parsed.eth_src)) where.emplace(f.parsed.eth_src, f.sf->interface);
  for (const auto& f : frames) {
    if (!f.parsed.ipv4 || !port_named(f.sf->interface) || is_ours(f.parsed.eth_src) || is_ours(f.parsed.eth_dst)) continue;
    auto it = where.find(f.parsed.eth_dst);
    if (it == where.end() || it->second == f.sf->interface) continue;
    bool left = false;
    for (const auto& g : frames)
      if (g.sf->interface == it->second && g.sf->bytes == f.sf->bytes) left = true;
    if (!left) out.push_back(&f);
  }
  return out;
}

}  // namespace netlab::diag
