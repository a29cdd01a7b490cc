// The nftables ruleset of a network namespace, read-only: tables, chains
// (base-chain hook, type, priority, policy) and rules with their counters,
// a summary of what they match and their verdict. It is what the DHCP and
// path diagnoses ask ("does a rule in the input hook drop UDP port 67?",
// "is there a masquerade in postrouting?"), not a full nft decompiler:
// expressions the summary does not model are listed by name in `other`.
//
// iptables-nft (Debian's iptables, and Docker through it) writes ordinary
// nftables tables; its rules carry xtables `match`/`target` expressions,
// reported by name in `xt_matches` / the verdict `xt TARGET`. Its jumps to
// user chains (DOCKER-USER) are real nft jumps.
//
// Reading needs CAP_NET_ADMIN in the namespace's user namespace (the kernel
// refuses nf_tables dumps otherwise): Netlink EPERM "... (needs
// CAP_NET_ADMIN)". A kernel without nf_tables: Unsupported. Plus the common
// errors of error.hpp for entering the namespace. A ruleset of more than
// kMaxRules rules is refused whole (Unsupported, sys_errno E2BIG, "more than
// N rules: refused"), nothing of it returned.
#pragma once

#include <netlab/error.hpp>
#include <netlab/export.hpp>
#include <netlab/netns.hpp>
#include <netlab/printer.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netlab::nft {

// NFPROTO_* numbers as the kernel has them; names as nft spells them.
enum class Family : std::uint8_t { Inet = 1, Ip = 2, Arp = 3, Netdev = 5, Bridge = 7, Ip6 = 10 };
NETLAB_API const char* family_name(Family f) noexcept;

struct NETLAB_API Table {
  Family family = Family::Ip;
  std::string name;
  std::uint64_t handle = 0;
};

struct NETLAB_API Chain {
  Family family = Family::Ip;
  std::string table;
  std::string name;
  std::uint64_t handle = 0;
  // Base chains only (hook set): the hook ("prerouting", "input", "forward",
  // "output", "postrouting", "ingress", "egress"), type ("filter", "nat",
  // "route"), priority and policy ("accept" / "drop").
  std::string hook;
  std::string type;
  std::int32_t priority = 0;
  std::string policy;
  std::vector<std::uint64_t> rules;  // rule handles in evaluation order
  bool is_base() const noexcept { return !hook.empty(); }
};

// A port (or port range) match on the transport header: `dport 67`,
// `dport 60-70`, `dport != 67`, or `dport @set` (set named, not resolved).
struct NETLAB_API PortMatch {
  std::uint16_t lo = 0, hi = 0;
  bool negated = false;
  std::string set;  // non-empty: the ports are in this set (unknown here)
  // True when `port` may satisfy this match (a set always may).
  bool may_match(std::uint16_t port) const noexcept;
};

// What a rule matches, as far as the summary models it. Empty members match
// anything.
struct NETLAB_API Match {
  std::optional<std::uint8_t> l4proto;  // meta l4proto / ip protocol / ip6 nexthdr (IPPROTO_*)
  bool l4proto_negated = false;
  std::optional<PortMatch> sport, dport;
  std::string iifname, oifname;  // a trailing '*' for a prefix match (`eth*`)
  bool iifname_negated = false, oifname_negated = false;
  std::string saddr, daddr;      // "192.0.2.0/24", "2001:db8::1/128"
  bool saddr_negated = false, daddr_negated = false;
  std::vector<std::string> ct_state;  // "established", "related", "new", "invalid", "untracked"
  std::vector<std::string> sets;      // other lookups: "set NAME"
  std::vector<std::string> xt_matches;  // iptables-nft compat matches: "udp", "conntrack", ...
  std::vector<std::string> other;     // expressions the summary does not model, by name
};

enum class VerdictKind : std::uint8_t {
  None,  // no verdict: the packet continues with the next rule (counter-only rules, nat lookups)
  Accept, Drop, Reject, Jump, Goto, Return, Continue, Queue,
  Masquerade, Snat, Dnat, Redirect,
  XtTarget,  // an iptables-nft compat target; `target` names it (MASQUERADE, REJECT, LOG, ...)
};
NETLAB_API const char* verdict_name(VerdictKind k) noexcept;

struct NETLAB_API Rule {
  Family family = Family::Ip;
  std::string table;
  std::string chain;
  std::uint64_t handle = 0;
  bool has_counter = false;  // a counter expression: packets/bytes are read
  std::uint64_t packets = 0, bytes = 0;
  Match match;
  VerdictKind verdict = VerdictKind::None;
  // Jump/Goto: the chain; XtTarget: the xtables target name; Snat/Dnat: the
  // address (or range) when the rule gives it as a constant.
  std::string target;

  // "meta l4proto udp udp dport 67 iifname \"veth0\"": nft's words for the
  // modelled matches, then `xt NAME` and the unmodelled expression names.
  std::string match_summary() const;
  // "drop", "jump DOCKER-USER", "snat to 192.0.2.1", "xt MASQUERADE", "" for none.
  std::string verdict_text() const;
  // Conservative: false only when the rule certainly does not match a UDP
  // datagram to `port`: its protocol match is a protocol other than UDP, or
  // its destination-port match excludes the port. True when there is no
  // port match, when the port is in the match's range, when the ports come
  // from a set, or when the protocol is UDP or not matched. Other matches
  // (addresses, interfaces, xt matches) are not judged: they may match.
  bool may_match_udp_dport(std::uint16_t port) const noexcept;
};

struct NETLAB_API Ruleset {
  std::vector<Table> tables;
  std::vector<Chain> chains;  // grouped by table, in the kernel's dump order
  std::vector<Rule> rules;    // in each chain's order
  // The rules of one chain in order (pointers into `rules`, valid while the
  // Ruleset lives and is unchanged).
  std::vector<const Rule*> rules_of(const Chain& c) const;
  const Chain* find_chain(Family f, const std::string& table, const std::string& name) const;
};

// The ruleset refuses to be read beyond this many rules: a bound on memory
// and time for a diagnosis, far above any lab's (Docker hosts have hundreds).
inline constexpr std::size_t kMaxRules = 200000;

// Dumps tables, chains and rules of ns (NFT_MSG_GETTABLE/GETCHAIN/GETRULE)
// over one NETLINK_NETFILTER socket opened inside it. An empty ruleset is
// an empty value, not an error. A ruleset changed between the three dumps
// (the generation id moved) is read again, a few times at most; then
// EAGAIN "the ruleset changed during the dump; try again".
// max_rules lowers the bound (for callers that want less, and for tests).
NETLAB_API Result<Ruleset> read_ruleset(const Netns& ns, std::size_t max_rules = kMaxRules);

// `netlab nft show`: text close to `nft -a list ruleset` with one line per
// rule ("udp dport 67 counter packets 3 bytes 984 drop # handle 4"); JSON
// one object per table with its chains and their rules.
NETLAB_API void render_ruleset(Printer& p, const Ruleset& rs);

}  // namespace netlab::nft
