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

// A VXLAN port of the guest's bridge, and where its frames would go.
struct VxlanPort {
  Link link;                    // kind "vxlan", its VxlanInfo read
  std::vector<IpAddr> flood;    // the all-zeros entries' remotes (head-end replication)
  std::optional<IpAddr> to_remote;  // the remote of an entry for TO's MAC
  std::string underlay;         // the device toward its remote(s), or its `dev`
  std::uint32_t underlay_mtu = 0;
};

// A device other than the way out whose reverse-path filter is strict
// (rp_filter 1, the larger of `all` and its own): an answer from TO arriving
// there is dropped, because the host's route to TO leaves elsewhere.
struct StrictDevice {
  std::string name;
  long all = 0, own = 0;    // net.ipv4.conf.{all,NAME}.rp_filter
  unsigned replies = 0;     // TO's answers seen arriving on it during the watch
};

// VXLAN packets that arrived at this host's VTEP with a VNI none of its
// VXLAN devices on that port has (the far end's, when the two differ: C51).
struct ForeignVni {
  IpAddr from;              // the far VTEP
  std::string dev;          // the underlay they arrived on
  std::uint32_t vni = 0;
  std::uint16_t dstport = 0;
  unsigned count = 0;
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
  // A bridged path (C18): TO is a guest on FROM's own bridge and
  // bridge-nf-call-iptables hands the frames between them to the IPv4
  // forward hook, in and out device the bridge.
  bool bridged = false;
  std::optional<long> br_nf_call_iptables;  // net.bridge.bridge-nf-call-iptables
  std::string to_port;                      // TO's bridge port (the FDB)
  // An overlay path: TO is on FROM's own bridge, joined to other hosts by
  // VXLAN ports (nothing is routed; the frames leave through a VTEP).
  bool overlay = false;
  std::vector<VxlanPort> vxlans;
  std::vector<Link> ports;      // the bridge's other ports
  std::optional<MacAddr> to_mac;
  bool to_answers = false;      // TO answered our ARP question over the overlay
  std::string arp_from;         // where that question was asked from
  std::vector<ForeignVni> foreign_vnis;  // at most 8 senders
  // The kernel's decisions.
  Lookup forward;  // from FROM, arriving on the guest's device (RTA_IIF)
  Lookup host;     // the host's own lookup for TO
  std::optional<long> ip_forward;          // ipv4/ip_forward
  std::optional<long> guest_forwarding;    // ipv4/conf/GUESTDEV/forwarding
  // The reverse-path filter (C11): on the guest's device (a forward lookup
  // refused with EXDEV, and where the host's own route to FROM goes), and
  // on the devices an answer could come back by.
  std::optional<long> rp_all, rp_guest;
  Lookup reverse;                          // the host's route to FROM, read when the forward lookup says EXDEV
  std::vector<StrictDevice> strict;        // at most kMaxStrict
  std::string back_dev;                    // the strict device TO's answers arrived on (or were dropped on)
  Lookup back;                             // the kernel's input lookup for such an answer there
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
