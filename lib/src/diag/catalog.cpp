// Step 3 of the diagnosis: the catalog and the run. Each cause of
// ../shared/diagnosis/CAUSES.md that the engine decides has one row: its id
// and slug, the diagnoses that look for it, its usual severity, the rule
// that decides it, and the causes whose findings that rule reads. analyse()
// runs the rules in the table's order, each once (a rule may decide two
// causes); run_rule() runs one cause's rule after those it depends on.
//
// The central lesson of that catalog: a capture is not the kernel's truth.
// AF_PACKET sees a frame before the bridge, netfilter and arp_rcv() decide
// its fate, so every rule that reads packets compares tap points (port and
// bridge) and the kernel's neighbour state rather than trusting one capture.
#include "diag/rules.hpp"

#include <algorithm>
#include <set>

namespace netlab::diag {
namespace {

struct Row {
  CauseInfo info;
  RuleFn rule;
};

constexpr std::string_view kBoth = "both", kV4 = "ipv4", kV6 = "ipv6";
constexpr Severity kFault = Severity::Fault, kWarn = Severity::Warning, kInfo = Severity::Info;

const std::vector<Row>& rows() {
  static const std::vector<Row> table{
      {{"C34", "neighbour-table-full", kBoth, kFault, {}}, rule_table_full},
      {{"C20", "noarp-interface", kBoth, kFault, {}}, rule_noarp},
      {{"C52", "interface-down", kBoth, kFault, {}}, rule_no_carrier},
      {{"C05", "no-carrier", kBoth, kFault, {}}, rule_no_carrier},
      {{"C01", "ip-on-bridge-port", kBoth, kFault, {}}, rule_ip_on_bridge_port},
      {{"C04", "route-via-other-interface", kBoth, kFault, {}}, rule_route_via_other},
      {{"C07", "stp-port-not-forwarding", kBoth, kFault, {}}, rule_stp},
      {{"C08", "port-disabled", kBoth, kFault, {}}, rule_stp},
      {{"C09", "port-isolated", kBoth, kFault, {}}, rule_isolation},
      {{"C06", "port-not-in-bridge", kBoth, kFault, {}}, rule_port_not_in_bridge},
      {{"C02", "host-owns-target-address", kBoth, kFault, {}}, rule_replies},
      {{"C03", "duplicate-guest-address", kBoth, kFault, {}}, rule_replies},
      {{"C16", "invalid-guest-mac", kBoth, kFault, {}}, rule_invalid_mac},
      {{"C14", "malformed-reply", kBoth, kFault, {}}, rule_malformed},
      {{"C21", "stale-permanent-neighbour", kBoth, kFault, {}}, rule_stale_permanent},
      {{"C10", "arp-ignore", kV4, kFault, {}}, rule_arp_ignore},
      {{"C11", "reverse-path-filter", kV4, kFault, {}}, rule_reverse_path},
      {{"C12", "offlink-arp-source", kV4, kFault, {}}, rule_offlink_source},
      {{"C13", "proxy-arp-without-forwarding", kV4, kFault, {}}, rule_proxy_arp},
      {{"C27", "ipv6-disabled", kV6, kFault, {}}, rule_ipv6_disabled},
      {{"C26", "no-link-local", kV6, kFault, {}}, rule_no_link_local},
      {{"C22", "dad-failed", kV6, kFault, {}}, rule_dad_failed},
      {{"C23", "ra-ignored", kV6, kFault, {}}, rule_ra_ignored},
      {{"C28", "na-without-tlla", kV6, kFault, {}}, rule_na_without_tlla},
      {{"C24", "no-router-advertisement", kV6, kFault, {}}, rule_no_router_advert},
      {{"C30", "ra-prefix-not-64", kV6, kFault, {}}, rule_ra_prefix},
      {{"C31", "no-onlink-prefix", kV6, kFault, {}}, rule_no_onlink_prefix},
      {{"C25", "mld-snooping", kV6, kInfo, {}}, rule_mld_snooping},
      // An answer the kernel cannot use for another reason is not a filter's
      // doing: these read the DAD and NA findings.
      {{"C17", "bridge-filter-drops-arp", kBoth, kFault, {"dad-failed", "na-without-tlla"}}, rule_bridge_filter},
      {{"C29", "icmpv6-filtered", kV6, kFault, {"dad-failed", "na-without-tlla"}}, rule_bridge_filter},
      {{"C18", "br-netfilter-forward-drop", kBoth, kFault, {}}, rule_br_netfilter},
      {{"C19", "mtu-mismatch", kBoth, kFault, {}}, rule_mtu},
      {{"C54", "macvtap-host-isolation", kBoth, kFault, {}}, rule_macvtap_isolation},
      // "A guest with another address" is the story only when no fault
      // explains the silence: it reads every other finding.
      {{"C15", "target-not-configured", kBoth, kFault, {"*"}}, rule_target_not_configured},
      {{"C33", "bridge-mac-changed", kBoth, kWarn, {}}, rule_bridge_mac},
      {{"C32", "vlan-pvid-mismatch", kBoth, kFault, {}}, rule_vlan},
  };
  return table;
}

bool applies(const CauseInfo& info, Family family) {
  return info.family == kBoth || (info.family == kV4) == (family == Family::Inet);
}

// Runs the rules of `selected` rows in table order, each rule once.
void run_rows(Ctx& c, const std::vector<const Row*>& selected) {
  std::set<RuleFn> ran;
  for (const Row* r : selected)
    if (ran.insert(r->rule).second) r->rule(c);
}

}  // namespace

const std::vector<CauseInfo>& catalog() {
  static const std::vector<CauseInfo> infos = [] {
    std::vector<CauseInfo> v;
    for (const auto& r : rows()) v.push_back(r.info);
    return v;
  }();
  return infos;
}

Report analyse(const Snapshot& s, const Observation& o, const AnalyseOptions& options) {
  Ctx c(s, o, options);
  std::vector<const Row*> selected;
  for (const auto& r : rows())
    if (applies(r.info, s.family)) selected.push_back(&r);
  run_rows(c, selected);
  return c.finish();
}

Result<Report> run_rule(std::string_view cause, const Snapshot& s, const Observation& o, const AnalyseOptions& options) {
  const auto& table = rows();
  const auto it = std::find_if(table.begin(), table.end(), [&](const Row& r) { return r.info.cause == cause; });
  if (it == table.end()) return Error::usage("cause " + std::string(cause), "is not in the catalog");
  if (!applies(it->info, s.family))
    return Error::usage("cause " + std::string(cause), "is not decided for this family (" + std::string(it->info.family) + ")");
  // The rows this one reads, transitively, then the row itself.
  std::set<std::string_view> needed{cause};
  for (auto r = std::make_reverse_iterator(it + 1); r != table.rend(); ++r) {
    if (!needed.count(r->info.cause)) continue;
    for (auto dep : r->info.after) {
      if (dep == "*") {
        for (auto q = table.begin(); q != table.end() && &*q != &*r; ++q) needed.insert(q->info.cause);
      } else {
        needed.insert(dep);
      }
    }
  }
  std::vector<const Row*> selected;
  for (const auto& r : table)
    if (needed.count(r.info.cause) && applies(r.info, s.family)) selected.push_back(&r);
  Ctx c(s, o, options);
  run_rows(c, selected);
  Report full = c.finish();
  Report one = full;
  one.findings.clear();
  one.checked.clear();
  for (auto& f : full.findings)
    if (f.cause == cause) one.findings.push_back(std::move(f));
  for (auto& k : full.checked)
    if (k.cause == cause) one.checked.push_back(std::move(k));
  const bool fault = std::any_of(one.findings.begin(), one.findings.end(),
                                 [](const Finding& f) { return f.severity == Severity::Fault; });
  if (fault) one.verdict = Verdict::Fault;
  else if (full.verdict == Verdict::Fault)
    one.verdict = (one.target && !one.resolved) ? Verdict::Unexplained : Verdict::Ok;
  return one;
}

}  // namespace netlab::diag
