// The verdict as a person reads it (text) and as a program reads it (one
// JSON document), both from the same Report; and diagnose_arp(), which runs
// collect, observe and analyse for the target (or for every unresolved entry
// on the interface when no target is given).
#include <netlab/diag.hpp>
#include <netlab/version.hpp>

#include "diag/analyse_context.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>

namespace netlab::diag {
namespace {

std::string ms_text(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f ms", ms);
  return buf;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

void pad(std::string& out, std::size_t col, std::size_t now) {
  if (now < col) out.append(col - now, ' ');
  else out += ' ';
}

// The members after "text": the string attributes, then a kernel line's
// count and, when the device is not certain, "probable": true.
void write_evidence_members(JsonWriter& w, const Evidence& e) {
  for (const auto& [k, v] : e.attrs) w.member(k, v);
  if (e.count) w.member("count", *e.count);
  if (e.probable) w.member("probable", true);
  if (e.beyond) w.member("beyond", true);
}

}  // namespace

std::string_view severity_name(Severity s) noexcept {
  switch (s) {
    case Severity::Fault: return "fault";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
  }
  return "fault";
}

std::string_view verdict_name(Verdict v) noexcept {
  switch (v) {
    case Verdict::Ok: return "ok";
    case Verdict::Fault: return "fault";
    case Verdict::Unexplained: return "unexplained";
  }
  return "unexplained";
}

int exit_status(const Report& r) noexcept {
  switch (r.verdict) {
    case Verdict::Ok: return 0;
    case Verdict::Fault: return 3;
    case Verdict::Unexplained: return 4;
  }
  return 4;
}

void render_text(const Report& r, std::string& out) {
  if (!r.title.empty()) out += r.title + ": ";
  else
    out += std::string(r.family == Family::Inet6 ? "netlab ndp diagnose " : "netlab arp diagnose ") + r.interface +
           (r.target ? " " + r.target->to_string() : std::string()) + ": ";
  std::size_t faults = 0;
  for (const auto& f : r.findings) faults += f.severity == Severity::Fault;
  switch (r.verdict) {
    case Verdict::Ok:
      out += "ok";
      if (r.resolved)
        out += ", resolution works: " + r.target->to_string() + " is-at " + r.resolved->mac.to_string() +
               (r.resolved->rtt_ms ? ", ping " + ms_text(*r.resolved->rtt_ms) : std::string());
      break;
    case Verdict::Fault:
      out += "FAULT (" + std::to_string(faults) + (faults == 1 ? " cause" : " causes") + " found)";
      break;
    case Verdict::Unexplained:
      out += "UNEXPLAINED: " + (r.problem.empty() ? std::string("resolution fails") : r.problem) +
             " and no known cause explains it";
      break;
  }
  out += "\n";
  if (!r.hops.empty()) {
    out += "\npath:\n";
    for (const auto& h : r.hops) {
      std::string head = "  " + h.step;
      const std::size_t width = head.size();
      out += head;
      pad(out, 13, width);
      out += h.status;
      pad(out, 23, 13 + h.status.size());
      out += h.text + "\n";
    }
  }
  for (const auto& f : r.findings) {
    out += "\n";
    std::string sev(severity_name(f.severity));
    for (auto& ch : sev) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    out += sev + " " + f.cause + " (" + f.id + "): " + f.summary + "\n";
    // Notes (info) stay short: the summary and the fix.
    const bool brief = f.severity == Severity::Info;
    if (!brief) out += "  why: " + f.explanation + "\n";
    if (!brief && !f.evidence.empty()) out += "  evidence:\n";
    for (const auto& e : f.evidence) {
      if (brief) break;
      std::string head = "    " + e.type;
      if (e.type == "packet") {
        head += " " + e.interface;
        if (e.time) {
          char buf[32];
          std::snprintf(buf, sizeof buf, " +%.3fs", *e.time);
          head += buf;
        }
      }
      const std::size_t width = head.size();
      out += head;
      pad(out, e.type == "packet" ? 0 : 17, width);
      out += e.text + "\n";
    }
    if (!f.fix.empty()) out += "  fix:\n";
    for (const auto& s : f.fix) {
      if (s.where == "guest") {
        out += "    (in the guest) " + s.description + "\n";
        continue;
      }
      if (!s.description.empty()) out += "    # " + s.description + "\n";
      if (s.netlab.empty() && s.iproute2.empty()) continue;  // no command fits: the description says what to do
      const std::string& cmd = !s.netlab.empty() ? s.netlab : s.iproute2;
      out += "    " + cmd;
      if (!s.netlab.empty() && !s.iproute2.empty()) {
        pad(out, 52, cmd.size() + 4);
        out += "(" + s.iproute2 + ")";
      }
      out += "\n";
    }
  }
  std::vector<std::string> ruled_out, unobservable;
  for (const auto& c : r.checked) {
    if (c.result == "ruled out") ruled_out.push_back(c.cause);
    else if (c.result == "not observable") unobservable.push_back(c.cause + " (" + c.detail + ")");
  }
  if (r.verdict == Verdict::Unexplained) {
    out += "\nchecked and ruled out:\n";
    for (const auto& c : r.checked)
      if (c.result != "found") out += "  " + c.cause + ": " + c.result + ", " + c.detail + "\n";
  } else if (!ruled_out.empty()) {
    out += "\nruled out: ";
    for (std::size_t i = 0; i < ruled_out.size(); ++i) out += (i ? ", " : "") + ruled_out[i];
    out += "\n";
  }
  if (!r.kernel_drops.empty()) {
    out += "\nthe kernel's drops on the watched interfaces:\n";
    for (const auto& e : r.kernel_drops) out += "  " + e.text + "\n";
  }
  for (const auto& n : r.notes) out += "note: " + n + "\n";
  if (r.title.empty())
    out += "(" + std::string(r.passive ? "passive, " : "") + "observed " + seconds_text(r.duration_s) + ")\n";
}

// `path diagnose`'s path: one object per hop, its own members after the four common ones.
static void write_hops(JsonWriter& w, const std::vector<Hop>& hops) {
  w.key("hops");
  w.begin_array();
  for (const auto& h : hops) {
    w.begin_object();
    w.member("step", h.step);
    w.member("status", h.status);
    if (!h.interface.empty()) w.member("interface", h.interface);
    w.member("text", h.text);
    for (const auto& [k, v] : h.attrs) w.member(k, v);
    w.end_object();
  }
  w.end_array();
}

void render_json(const Report& r, JsonWriter& w) {
  w.begin_object();
  w.member("interface", r.interface);
  w.key("target");
  if (r.target) w.value(r.target->to_string());
  else w.null();
  w.member("verdict", std::string(verdict_name(r.verdict)));
  w.key("resolved");
  if (r.resolved) {
    w.begin_object();
    w.member("mac", r.resolved->mac.to_string());
    w.key("rtt_ms");
    if (r.resolved->rtt_ms) w.value(*r.resolved->rtt_ms, 3);
    else w.null();
    w.end_object();
  } else {
    w.null();
  }
  w.key("findings");
  w.begin_array();
  for (const auto& f : r.findings) {
    w.begin_object();
    w.member("cause", f.cause);
    w.member("id", f.id);
    w.member("severity", std::string(severity_name(f.severity)));
    w.member("summary", f.summary);
    w.member("explanation", f.explanation);
    w.key("evidence");
    w.begin_array();
    for (const auto& e : f.evidence) {
      w.begin_object();
      w.member("type", e.type);
      if (!e.interface.empty()) w.member("interface", e.interface);
      if (e.time) {
        w.key("time");
        w.value(*e.time, 6);
      }
      w.member("text", e.text);
      write_evidence_members(w, e);
      w.end_object();
    }
    w.end_array();
    w.key("fix");
    w.begin_array();
    for (const auto& s : f.fix) {
      w.begin_object();
      w.member("where", s.where);
      w.member("description", s.description);
      w.key("netlab");
      if (s.netlab.empty()) w.null();
      else w.value(s.netlab);
      w.key("iproute2");
      if (s.iproute2.empty()) w.null();
      else w.value(s.iproute2);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("checked");
  w.begin_array();
  for (const auto& c : r.checked) {
    w.begin_object();
    w.member("cause", c.cause);
    w.member("result", c.result);
    w.member("detail", c.detail);
    w.end_object();
  }
  w.end_array();
  w.key("notes");
  w.value(r.notes);
  if (!r.kernel_drops.empty()) {
    w.key("kernel_drops");
    w.begin_array();
    for (const auto& e : r.kernel_drops) {
      w.begin_object();
      w.member("type", e.type);
      if (!e.interface.empty()) w.member("interface", e.interface);
      w.member("text", e.text);
      write_evidence_members(w, e);
      w.end_object();
    }
    w.end_array();
  }
  if (!r.hops.empty()) write_hops(w, r.hops);
  w.key("duration_s");
  w.value(r.duration_s, 3);
  w.member("passive", r.passive);
  w.end_object();
}

// The interface's own pair first, then one per unresolved entry: the
// untargeted diagnosis examines each entry and merges what it finds.
Report analyse(const Recording& rec) {
  AnalyseOptions ao;
  ao.netns_arg = rec.options.netns_arg;
  if (rec.examined.empty()) {
    Report r;
    r.family = rec.options.family;
    r.interface = rec.options.interface;
    r.target = rec.options.target;
    r.notes.push_back("nothing was examined");
    return r;
  }
  const Snapshot& base = rec.examined.front().snapshot;
  Report merged = analyse(base, rec.examined.front().observation, ao);
  if (rec.options.target) {
    const double asked = std::clamp(rec.options.duration_s, 0.2, 600.0);
    if (merged.verdict == Verdict::Fault && !rec.options.whole_duration && merged.duration_s + 0.05 < asked) {
      char line[160];
      std::snprintf(line, sizeof line,
                    "the watch ended after %.2f s of %.1f s: the same fault held for %.1f s (--whole-duration watches "
                    "it all)",
                    merged.duration_s, asked, kProvenHold_s);
      merged.notes.push_back(line);
    }
    return merged;
  }
  for (std::size_t i = 1; i < rec.examined.size(); ++i) {
    const auto& [s, obs] = rec.examined[i];
    Report r = analyse(s, obs, ao);
    merged.duration_s += r.duration_s;
    for (auto& f : r.findings) fold_finding(merged.findings, std::move(f));
    for (auto& e : r.kernel_drops) merged.kernel_drops.push_back(std::move(e));
    if (r.verdict == Verdict::Unexplained && !std::any_of(r.findings.begin(), r.findings.end(), [](const Finding& f) {
          return f.severity == Severity::Fault;
        }))
      merged.notes.push_back((s.target ? s.target->to_string() : std::string("?")) +
                             " does not resolve and no known cause explains it");
  }
  std::stable_sort(merged.findings.begin(), merged.findings.end(), [](const Finding& a, const Finding& b) {
    auto rank = [](Severity s) { return s == Severity::Fault ? 0 : s == Severity::Warning ? 1 : 2; };
    if (rank(a.severity) != rank(b.severity)) return rank(a.severity) < rank(b.severity);
    return a.weight > b.weight;
  });
  const bool fault = std::any_of(merged.findings.begin(), merged.findings.end(),
                                 [](const Finding& f) { return f.severity == Severity::Fault; });
  const bool unexplained = std::any_of(merged.notes.begin(), merged.notes.end(), [](const std::string& n) {
    return n.find("no known cause") != std::string::npos;
  });
  merged.verdict = fault ? Verdict::Fault : unexplained ? Verdict::Unexplained : Verdict::Ok;
  if (merged.verdict != Verdict::Unexplained) merged.kernel_drops.clear();
  if (rec.options.family == Family::Inet6) {
    // Without a target the IPv6 question is SLAAC: did an address form?
    std::vector<std::string> formed;
    const std::string slaac_dev = base.bridge.empty() ? rec.options.interface : base.bridge;
    for (const auto& a : base.addresses)
      if (a.dev == slaac_dev && a.local.addr().is_v6() && !a.local.addr().is_link_local() && a.valid_lft != kForever)
        formed.push_back(a.local.to_string());
    merged.notes.push_back(formed.empty() ? "SLAAC: no address from a router advertisement on " + slaac_dev
                                          : "SLAAC: " + slaac_dev + " has " + formed.front() + " from a router advertisement");
  }
  if (rec.examined.size() == 1)
    merged.notes.push_back("no unresolved neighbour entry on " + rec.options.interface +
                           "; give a TARGET to test resolution of one address");
  return merged;
}

Result<Report> diagnose_arp(const Netns& ns, const Options& options) { return diagnose_arp(ns, options, nullptr); }

namespace {

// The early end of a watch (ObserveOptions::proven): true once analyse(),
// run on what was seen so far, has named the same faults for kProvenHold_s.
// Any change in that set (a fault appears, or another explains it away)
// starts the hold again, so a cause that a later frame would rule out is
// not called while that frame can still come.
class HeldFaults {
 public:
  HeldFaults(const Snapshot& s, AnalyseOptions ao) : state_(std::make_shared<State>(State{s, std::move(ao), {}, 0})) {}
  bool operator()(const Observation& o) const {
    State& st = *state_;
    const Report r = analyse(st.snapshot, o, st.options);
    std::vector<std::string> faults;
    bool provisional = false;
    for (const auto& f : r.findings)
      if (f.severity == Severity::Fault) {
        faults.push_back(f.cause);
        provisional = provisional || f.provisional;
      }
    std::sort(faults.begin(), faults.end());
    if (faults.empty() || faults != st.held) {
      st.held = std::move(faults);
      st.since = o.duration_s;
      return false;
    }
    return !provisional && o.duration_s >= kEarliestEnd_s && o.duration_s - st.since >= kProvenHold_s;
  }

 private:
  struct State {
    const Snapshot& snapshot;
    AnalyseOptions options;
    std::vector<std::string> held;
    double since;
  };
  std::shared_ptr<State> state_;  // std::function copies its target
};

}  // namespace

// Collects and observes every pair into a Recording, then analyses that: the
// verdict printed and the one a saved recording replays are one code path.
Result<Report> diagnose_arp(const Netns& ns, const Options& options, Recording* recording) {
  Recording rec;
  rec.version = version();
  rec.options = options;
  ObserveOptions oo;
  oo.duration_s = options.duration_s;
  oo.passive = options.passive;
  oo.sweep = options.sweep;
  CollectOptions co;
  co.family = options.family;
  co.interface = options.interface;
  co.target = options.target;
  oo.kernel = options.kernel;
  auto snap = collect(ns, co);
  if (!snap) return std::move(snap).error();
  if (options.target && !options.whole_duration) {
    AnalyseOptions ao;
    ao.netns_arg = options.netns_arg;
    oo.proven = HeldFaults(*snap, ao);
  }
  auto obs = observe(ns, *snap, oo);
  if (!obs) return std::move(obs).error();
  rec.examined.push_back({std::move(*snap), std::move(*obs)});
  if (!options.target) {
    // No target: every entry on the interface (or its bridge and ports) that
    // failed to resolve is one, and the static causes are checked once.
    const Snapshot& base = rec.examined.front().snapshot;
    std::vector<IpAddr> failing;
    std::set<std::string> devs{options.interface};
    if (!base.bridge.empty()) {
      devs.insert(base.bridge);
      int br_index = 0;
      for (const auto& l : base.links)
        if (l.name == base.bridge) br_index = l.index;
      for (const auto& l : base.links)
        if (br_index && l.master_index == br_index) devs.insert(l.name);
    }
    for (const auto& n : base.neighbours)
      if ((n.state & (NudIncomplete | NudFailed)) && devs.count(n.dev) &&
          std::find(failing.begin(), failing.end(), n.dst) == failing.end())
        failing.push_back(n.dst);
    if (failing.size() > 4) failing.resize(4);
    for (const auto& t : failing) {
      co.target = t;
      auto s = collect(ns, co);
      if (!s) return std::move(s).error();
      ObserveOptions short_oo = oo;
      short_oo.duration_s = std::max(1.0, oo.duration_s / static_cast<double>(failing.size()));
      auto o = observe(ns, *s, short_oo);
      if (!o) return std::move(o).error();
      rec.examined.push_back({std::move(*s), std::move(*o)});
    }
  }
  Report report = analyse(rec);
  if (recording) {
    rec.verdict = report.verdict;
    for (const auto& f : report.findings) rec.findings.push_back({f.id, f.cause, f.severity});
    *recording = std::move(rec);
  }
  return report;
}

}  // namespace netlab::diag
