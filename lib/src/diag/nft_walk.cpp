// The packet walk of nft_walk.hpp.
#include "diag/nft_walk.hpp"

#include <algorithm>
#include <cstdlib>

namespace netlab::diag {
namespace {

// Whether a rule's match takes the packet: certainly, not at all, or maybe
// (a match the summary does not model).
enum class Fit { No, Maybe, Yes };

bool ifname_matches(const std::string& pattern, const std::string& name) {
  if (!pattern.empty() && pattern.back() == '*') return name.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0;
  return pattern == name;
}

Fit address_fit(const std::string& text, bool negated, const IpAddr& a) {
  if (text.empty()) return Fit::Yes;
  std::optional<Prefix> p;
  if (auto pp = Prefix::parse(text)) p = *pp;
  else if (auto ip = IpAddr::parse(text)) p = Prefix(*ip, ip->is_v4() ? 32 : 128);
  if (!p) return Fit::Maybe;
  if (p->family() != a.family()) return Fit::No;  // an IPv6 match in an inet chain takes no IPv4 packet
  return p->contains(a) != negated ? Fit::Yes : Fit::No;
}

// The ruleset's words for an index match (`iif lo`): "iif index 1",
// "iif != index 1", "oif index 3"; Maybe for any other expression.
Fit index_fit(const std::string& word, const HookDevices& h) {
  const bool input = word.rfind("iif ", 0) == 0, output = word.rfind("oif ", 0) == 0;
  if (!input && !output) return Fit::Maybe;
  const bool negated = word.find(" != ") != std::string::npos;
  const auto at = word.rfind("index ");
  if (at == std::string::npos) return Fit::Maybe;
  const long index = std::strtol(word.c_str() + at + 6, nullptr, 10);
  // A hook without that device (no output device on input, no input device
  // on postrouting) matches nothing, its negation everything.
  const bool equal = input ? !h.iif.empty() && index == h.iif_index : !h.oif.empty() && index == h.oif_index;
  return equal != negated ? Fit::Yes : Fit::No;
}

Fit port_fit(const nft::PortMatch& pm, const std::optional<std::uint16_t>& port) {
  if (!port) return pm.negated ? Fit::Maybe : Fit::No;  // a packet without ports: ICMP
  if (!pm.set.empty()) return Fit::Maybe;
  return pm.may_match(*port) ? Fit::Yes : Fit::No;
}

Fit packet_fit(const nft::Rule& r, const HookDevices& h, const PacketShape& p) {
  const nft::Match& m = r.match;
  Fit fit = Fit::Yes;
  auto narrow = [&](Fit f) {
    if (f == Fit::No) fit = Fit::No;
    else if (f == Fit::Maybe && fit == Fit::Yes) fit = Fit::Maybe;
  };
  if (m.l4proto) narrow((*m.l4proto == p.l4proto) != m.l4proto_negated ? Fit::Yes : Fit::No);
  if (m.dport) narrow(port_fit(*m.dport, p.dport));
  if (m.sport) narrow(port_fit(*m.sport, p.sport));
  // A hook without a device matches its name against "" only.
  if (!m.iifname.empty()) narrow(ifname_matches(m.iifname, h.iif) != m.iifname_negated ? Fit::Yes : Fit::No);
  if (!m.oifname.empty()) narrow(ifname_matches(m.oifname, h.oif) != m.oifname_negated ? Fit::Yes : Fit::No);
  narrow(address_fit(m.saddr, m.saddr_negated, p.saddr));
  narrow(address_fit(m.daddr, m.daddr_negated, p.daddr));
  if (!m.ct_state.empty())
    narrow(std::find(m.ct_state.begin(), m.ct_state.end(), p.ct_state) != m.ct_state.end() ? Fit::Yes : Fit::No);
  for (const auto& word : m.other) narrow(index_fit(word, h));
  if (!m.sets.empty() || !m.xt_matches.empty()) narrow(Fit::Maybe);
  return fit;
}

enum class Flow { Next, Accept, Drop, Nat };

bool is_source_nat(const nft::Rule& r) {
  if (r.verdict == nft::VerdictKind::Masquerade || r.verdict == nft::VerdictKind::Snat) return true;
  return r.verdict == nft::VerdictKind::XtTarget && (r.target == "MASQUERADE" || r.target == "SNAT");
}

std::string rule_text(const nft::Rule& r) {
  std::string text = r.match_summary();
  const std::string verdict = r.verdict_text();
  if (!verdict.empty()) text += (text.empty() ? "" : " ") + verdict;
  return text;
}

// One base chain and the chains it jumps to.
class Walk {
 public:
  Walk(const nft::Ruleset& rs, const HookDevices& h, const PacketShape& p, HookVerdict& v, bool nat)
      : rs_(rs), h_(h), p_(p), v_(v), nat_(nat) {}

  Flow chain(const nft::Chain& c, int depth) {
    if (depth > 16) return Flow::Next;  // a loop nft itself refuses; never followed further
    for (const nft::Rule* r : rs_.rules_of(c)) {
      const Fit fit = packet_fit(*r, h_, p_);
      if (fit == Fit::No) continue;
      const bool sure = fit == Fit::Yes;
      if (nat_ && is_source_nat(*r)) {
        if (!sure) {
          uncertain_ = true;
          continue;
        }
        v_.nat_rule = rule_text(*r);
        v_.nat_chain = c.name;
        v_.handle = r->handle;
        return Flow::Nat;
      }
      const auto flow = rule(c, *r, sure, depth);
      if (flow) return *flow;
    }
    return Flow::Next;
  }

  bool uncertain() const { return uncertain_; }
  const nft::Rule* decider() const { return decider_; }

 private:
  // A rule's verdict for a packet it takes (surely or maybe); nullopt: on
  // with the next rule.
  std::optional<Flow> rule(const nft::Chain& c, const nft::Rule& r, bool sure, int depth) {
    using K = nft::VerdictKind;
    const bool accept = r.verdict == K::Accept || (r.verdict == K::XtTarget && r.target == "ACCEPT");
    const bool drop = r.verdict == K::Drop || r.verdict == K::Reject ||
                      (r.verdict == K::XtTarget && (r.target == "DROP" || r.target == "REJECT"));
    if (accept || drop || r.verdict == K::Return) {
      if (!sure) {
        uncertain_ = true;
        if (drop && v_.maybe_rule.empty()) {
          v_.maybe_rule = rule_text(r);
          v_.maybe_handle = r.handle;
          v_.maybe_family = nft::family_name(c.family);
          v_.maybe_table = c.table;
          if (r.has_counter) v_.maybe_counter_before = r.packets;
        }
        return std::nullopt;
      }
      if (r.verdict == K::Return) return Flow::Next;
      decider_ = &r;
      if (drop) return dropped_by(c, r);
      return Flow::Accept;
    }
    if (r.verdict == K::Jump || r.verdict == K::Goto) {
      const nft::Chain* to = rs_.find_chain(c.family, c.table, r.target);
      if (!to) return std::nullopt;
      if (!sure) {
        uncertain_ = true;
        return std::nullopt;
      }
      const Flow f = chain(*to, depth + 1);
      if (f != Flow::Next) return f;
      if (r.verdict == K::Goto) return Flow::Next;  // goto does not come back here
    }
    return std::nullopt;
  }

  Flow dropped_by(const nft::Chain& c, const nft::Rule& r) {
    v_.family = nft::family_name(c.family);
    v_.table = c.table;
    v_.chain = c.name;
    v_.rule = rule_text(r);
    v_.handle = r.handle;
    if (r.has_counter) v_.counter_before = r.packets;
    return Flow::Drop;
  }

  const nft::Ruleset& rs_;
  const HookDevices& h_;
  const PacketShape& p_;
  HookVerdict& v_;
  bool nat_;
  bool uncertain_ = false;
  const nft::Rule* decider_ = nullptr;
};

std::vector<const nft::Chain*> base_chains(const nft::Ruleset& rs, const std::string& hook, const std::string& type) {
  std::vector<const nft::Chain*> bases;
  for (const auto& c : rs.chains)
    if (c.is_base() && c.hook == hook && c.type == type &&
        (c.family == nft::Family::Ip || c.family == nft::Family::Inet))
      bases.push_back(&c);
  std::stable_sort(bases.begin(), bases.end(),
                   [](const nft::Chain* a, const nft::Chain* b) { return a->priority < b->priority; });
  return bases;
}

ChainPass pass_of(const nft::Chain& c, const Walk& walk, Flow f) {
  ChainPass pass;
  pass.family = nft::family_name(c.family);
  pass.table = c.table;
  pass.chain = c.name;
  pass.priority = c.priority;
  pass.certain = !walk.uncertain();
  if (const nft::Rule* r = walk.decider()) {
    pass.rule = rule_text(*r);
    pass.handle = r->handle;
  }
  switch (f) {
    case Flow::Accept: pass.verdict = "accept"; break;
    case Flow::Drop: pass.verdict = "drop"; break;
    case Flow::Nat: pass.verdict = "nat"; break;
    case Flow::Next:
      pass.verdict = c.policy.empty() ? "accept" : c.policy;
      pass.policy = true;
      pass.rule.clear();
      pass.handle = 0;
      break;
  }
  return pass;
}

}  // namespace

std::string nft_command(const std::string& words) { return "nft '" + words + "'"; }

HookVerdict walk_filter_hook(const nft::Ruleset& rs, const std::string& hook, const HookDevices& h,
                             const PacketShape& p) {
  HookVerdict v;
  v.read = true;
  for (const nft::Chain* c : base_chains(rs, hook, "filter")) {
    Walk walk(rs, h, p, v, false);
    Flow f = walk.chain(*c, 0);
    v.chains.push_back(pass_of(*c, walk, f));
    if (!v.maybe_rule.empty() && v.maybe_base.empty()) v.maybe_base = c->name;
    if (f == Flow::Next && c->policy == "drop") {
      v.family = nft::family_name(c->family);
      v.table = c->table;
      v.chain = c->name;
      v.policy = true;
      f = Flow::Drop;
    }
    if (f == Flow::Drop) {
      v.drop = true;
      v.certain = !walk.uncertain();
      v.base_chain = c->name;
      // The fix goes into the base chain's own table.
      v.table = c->table;
      v.family = nft::family_name(c->family);
      return v;
    }
  }
  return v;
}

HookVerdict walk_source_nat(const nft::Ruleset& rs, const HookDevices& h, const PacketShape& p) {
  HookVerdict v;
  v.read = true;
  for (const nft::Chain* c : base_chains(rs, "postrouting", "nat")) {
    Walk walk(rs, h, p, v, true);
    const Flow f = walk.chain(*c, 0);
    v.chains.push_back(pass_of(*c, walk, f));
    if (f == Flow::Nat) {
      v.family = nft::family_name(c->family);
      v.table = c->table;
      v.base_chain = c->name;
      v.nat_certain = !walk.uncertain();
      return v;
    }
    // An accept that binds no NAT lets the next nat chain of the hook try
    // (nf_nat_inet_fn); a drop ends the packet.
    if (f == Flow::Drop) return v;
  }
  return v;
}

}  // namespace netlab::diag
