// The ruleset's words (nft's own, so a reader of `nft list ruleset` reads
// them at once) and `netlab nft show` through the Printer.
#include <netlab/nft.hpp>

#include <fmt/format.h>

#include <netinet/in.h>

namespace netlab::nft {
namespace {

std::string proto_word(std::uint8_t p) {
  switch (p) {
    case IPPROTO_UDP: return "udp";
    case IPPROTO_TCP: return "tcp";
    case IPPROTO_ICMP: return "icmp";
    case IPPROTO_ICMPV6: return "ipv6-icmp";
    case IPPROTO_SCTP: return "sctp";
  }
  return std::to_string(p);
}

std::string port_text(const PortMatch& pm) {
  std::string s = pm.negated ? "!= " : "";
  if (!pm.set.empty()) return s + "@" + pm.set;
  s += std::to_string(pm.lo);
  if (pm.hi != pm.lo) s += "-" + std::to_string(pm.hi);
  return s;
}

void word(std::string& out, std::string_view w) {
  if (!out.empty()) out += ' ';
  out += w;
}

}  // namespace

std::string Rule::match_summary() const {
  std::string s;
  const Match& m = match;
  // `udp dport 67` says the protocol; say it alone only without ports.
  std::string l4 = m.l4proto ? proto_word(*m.l4proto) : "th";
  if (m.l4proto && (m.l4proto_negated || (!m.sport && !m.dport)))
    word(s, fmt::format("meta l4proto {}{}", m.l4proto_negated ? "!= " : "", proto_word(*m.l4proto)));
  if (m.l4proto && m.l4proto_negated) l4 = "th";
  if (!m.iifname.empty()) word(s, fmt::format("iifname {}\"{}\"", m.iifname_negated ? "!= " : "", m.iifname));
  if (!m.oifname.empty()) word(s, fmt::format("oifname {}\"{}\"", m.oifname_negated ? "!= " : "", m.oifname));
  // nft's words: "ip saddr" or "ip6 saddr", read off the address's form.
  auto l3 = [](const std::string& a) { return a.find(':') == std::string::npos ? "ip" : "ip6"; };
  if (!m.saddr.empty()) word(s, fmt::format("{} saddr {}{}", l3(m.saddr), m.saddr_negated ? "!= " : "", m.saddr));
  if (!m.daddr.empty()) word(s, fmt::format("{} daddr {}{}", l3(m.daddr), m.daddr_negated ? "!= " : "", m.daddr));
  if (m.sport) word(s, l4 + " sport " + port_text(*m.sport));
  if (m.dport) word(s, l4 + " dport " + port_text(*m.dport));
  if (!m.ct_state.empty()) word(s, "ct state " + fmt::format("{}", fmt::join(m.ct_state, ",")));
  for (const auto& set : m.sets) word(s, set);
  for (const auto& x : m.xt_matches) word(s, "xt match " + x);
  for (const auto& o : m.other) word(s, "[" + o + "]");
  return s;
}

std::string Rule::verdict_text() const {
  switch (verdict) {
    case VerdictKind::Jump:
    case VerdictKind::Goto: return std::string(verdict_name(verdict)) + " " + target;
    case VerdictKind::XtTarget: return "xt target " + target;
    case VerdictKind::Snat:
    case VerdictKind::Dnat:
      return target.empty() ? verdict_name(verdict) : std::string(verdict_name(verdict)) + " to " + target;
    default: return verdict_name(verdict);
  }
}

void render_ruleset(Printer& p, const Ruleset& rs) {
  for (const Table& t : rs.tables) {
    p.open_object();
    p.print_string("family", "table {}", family_name(t.family));
    p.print_string("name", " {}", t.name);
    p.print_uint("handle", " # handle {}\n", t.handle);
    p.open_array("chains");
    for (const Chain& c : rs.chains) {
      if (c.family != t.family || c.table != t.name) continue;
      p.open_object();
      p.print_string("name", "\tchain {}", c.name);
      p.print_uint("handle", " # handle {}\n", c.handle);
      if (c.is_base()) {
        p.print_string("type", "\t\ttype {}", c.type);
        p.print_string("hook", " hook {}", c.hook);
        p.print_int("prio", " priority {};", c.priority);
        p.print_string("policy", " policy {};\n", c.policy);
      }
      p.open_array("rules");
      for (const Rule* r : rs.rules_of(c)) {
        p.open_object();
        p.print_text("\t\t");
        const std::string summary = r->match_summary();
        p.print_string("match", summary.empty() ? "" : "{} ", summary);
        if (r->has_counter) {
          p.print_uint("packets", "counter packets {}", r->packets);
          p.print_uint("bytes", " bytes {} ", r->bytes);
        }
        const std::string verdict = r->verdict_text();
        p.print_string("verdict", verdict.empty() ? "" : "{} ", verdict);
        p.print_uint("handle", "# handle {}\n", r->handle);
        p.close_object();
      }
      p.close_array();
      p.close_object();
    }
    p.close_array();
    p.close_object();
  }
}

}  // namespace netlab::nft
