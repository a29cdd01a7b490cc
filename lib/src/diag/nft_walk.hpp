// One packet through the nftables hooks, as the kernel would run it: the
// base chains of a hook in priority order, each rule's match judged against
// the packet (certainly, not at all, or maybe when the summary does not
// model a match: a set, an xt match), jumps and gotos followed. The DHCP
// diagnosis asks it for a DISCOVER on the input and forward hooks, the path
// diagnosis for the guest's probe on the forward hook and for its source
// NAT on the postrouting hook. Pure: a Ruleset in, a verdict out.
#pragma once

#include <netlab/addr.hpp>
#include <netlab/nft.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netlab::diag {

// The packet as the rules see it. No ports: ICMP (a port match never takes it).
struct PacketShape {
  std::uint8_t l4proto = 17;  // IPPROTO_*
  std::optional<std::uint16_t> sport, dport;
  IpAddr saddr, daddr;
  std::string ct_state = "new";
};

// The devices the hook has: input has an input device only, postrouting an
// output device only, forward both (a bridged frame under br_netfilter has
// the bridge as both: its ports are physdev, which nft's iifname never sees).
struct HookDevices {
  std::string iif;
  int iif_index = 0;
  std::string oif;
  int oif_index = 0;
};

// What one base chain did with the packet (a hop of the path).
struct ChainPass {
  std::string family, table, chain;
  std::int32_t priority = 0;
  std::string verdict;      // "accept", "drop", "nat", "continue" (the packet went on to the next chain)
  std::string rule;         // the deciding rule's text; "" when the policy decided or nothing did
  std::uint64_t handle = 0;
  bool policy = false;      // the chain's policy decided
  bool certain = true;      // no rule the walk could not judge came first
};

// How a hook treats the packet: dropped (where), or not; and, for a NAT
// walk, the source NAT rule that takes it.
struct HookVerdict {
  bool read = false;       // the ruleset was read
  std::string unread;      // why not
  bool drop = false;       // a rule or a policy drops it
  bool certain = false;    // no rule before the drop might have accepted it
  std::string family, table, chain;  // where the drop is decided (the base chain's table for the fix)
  std::string base_chain;
  std::string rule;        // the rule's text ("udp dport 67 drop"), "" for the policy
  std::uint64_t handle = 0;
  bool policy = false;     // the base chain's policy drops it
  std::optional<std::uint64_t> counter_before, counter_after;
  std::vector<ChainPass> chains;  // every base chain the packet met, in order
  // The first drop the walk could not judge (a set lookup such as `icmp type
  // != { echo-request, echo-reply }`): it may be what drops the packet.
  std::string maybe_family, maybe_table, maybe_base, maybe_rule;
  std::uint64_t maybe_handle = 0;
  std::optional<std::uint64_t> maybe_counter_before, maybe_counter_after;
  // A NAT walk: the rule that rewrites the source (masquerade, snat, xt
  // MASQUERADE/SNAT), its chain and text; "" when none takes the packet.
  std::string nat_rule, nat_chain;
  bool nat_certain = false;
};

// The filter chains (ip and inet) of `hook` ("input", "forward", "output").
HookVerdict walk_filter_hook(const nft::Ruleset& rs, const std::string& hook, const HookDevices& h,
                             const PacketShape& p);
// The nat chains (ip and inet) of the postrouting hook: which rule, if any,
// rewrites the packet's source.
HookVerdict walk_source_nat(const nft::Ruleset& rs, const HookDevices& h, const PacketShape& p);

// One nft command as a shell runs it, for a printed fix: the words in single
// quotes, so that nft itself reads the double-quoted interface names as
// strings (`iifname "rt0"`: rt is one of its keywords, and the shell would
// strip the double quotes).
std::string nft_command(const std::string& words);

}  // namespace netlab::diag
