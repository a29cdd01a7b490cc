// `path diagnose` in two steps, as `dhcp diagnose`: collect_path() reads the
// facts (the guest, the routes, the sysctls, the ruleset walks, the wire
// during the watch); analyse_path() judges them without a system call, so
// the unit tests feed it hand-built facts without privilege.
#pragma once

#include "diag/nft_walk.hpp"

#include <netlab/link.hpp>
#include <netlab/path_diagnose.hpp>
#include <netlab/route.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netlab::diag {

// A route lookup: the route, or the kernel's refusal.
struct Lookup {
  std::optional<Route> route;
  int error = 0;  // errno: ENETUNREACH (no route), EHOSTUNREACH (forwarding off), ...
  std::string message;
};

// A guest's ARP request seen during the watch: who it asked for, and whether
// anybody answered.
struct GuestAsk {
  IpAddr target;
  unsigned asked = 0;
  bool answered = false;
  bool confirmed = false;  // we asked too, and nobody answered us either
};

struct PathFacts {
  IpAddr from, to;
  PathProtocol protocol = PathProtocol::Icmp;
  std::uint16_t port = 0;
  std::uint32_t size = 0;
  // The guest: the host's device toward it (a bridge, a TAP or a veth), its
  // MAC from the neighbour table and the bridge port it is learned on.
  Link guest_link;
  std::optional<MacAddr> guest_mac;
  std::string guest_port;
  std::vector<Prefix> guest_prefixes;  // the host's IPv4 addresses on the guest's device
  std::vector<Link> links;
  // The kernel's decisions.
  Lookup forward;  // from FROM, arriving on the guest's device (RTA_IIF)
  Lookup host;     // the host's own lookup for TO
  std::optional<long> ip_forward;          // ipv4/ip_forward
  std::optional<long> guest_forwarding;    // ipv4/conf/GUESTDEV/forwarding
  HookVerdict filter;  // the forward hook, as the probe meets it
  HookVerdict nat;     // the postrouting nat chains
  std::optional<Neighbour> next_hop;  // the out device's entry for the gateway (or TO)
  // The watch.
  bool passive = false;
  bool probed = false;     // our probe was sent (through a port of the guest's bridge)
  std::string no_probe;    // why not, when not passive
  unsigned probe_sent = 0;
  double duration_s = 0;
  unsigned seen_in = 0;    // FROM -> TO on the guest's device (ours or the guest's)
  unsigned seen_out = 0;   // the same flow leaving on the out device
  std::optional<IpAddr> out_source;  // its source there (NAT rewrote it, or not)
  unsigned replies_out = 0;  // TO's answers arriving on the out device
  unsigned replies_in = 0;   // and leaving toward the guest
  std::optional<double> rtt_ms;
  std::vector<GuestAsk> guest_asks;  // the guest's ARP for others than the host
  // The path MTU: once small probes crossed, DF probes of the guest
  // device's MTU, and the ICMP "fragmentation needed" a router sent back.
  std::uint32_t big_size = 0;      // 0: not sent
  unsigned big_sent = 0, big_out = 0, big_replies = 0;
  unsigned frag_arrived = 0;       // on the out device
  unsigned frag_forwarded = 0;     // on toward the guest
  std::optional<IpAddr> frag_from;
  std::optional<std::uint16_t> frag_mtu;
  HookVerdict icmp_filter;         // the forward hook as that ICMP error (ct state related) meets it
  std::vector<std::string> capture_errors;
  std::vector<KernelDrop> kernel_drops;
  std::string kernel_unavailable;
};

Result<PathFacts> collect_path(const Netns& ns, const PathDiagnoseOptions& o);
Report analyse_path(const PathFacts& facts, const PathDiagnoseOptions& o);

// True for RFC 1918, shared (100.64/10) and link-local IPv4 sources: an
// upstream router has no route back to them unless told.
bool private_source(const IpAddr& a);

}  // namespace netlab::diag
