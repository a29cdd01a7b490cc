// Why does a guest get no DHCP lease? `netlab dhcp diagnose IFACE
// [CLIENT-MAC]` (issue 15 §3): the causes C35-C42 of
// ../shared/diagnosis/CAUSES.md that a host can see, in the verdict model
// and JSON document of `arp diagnose` (diag::Report).
//
// It reads who listens on UDP 67 (sock_diag: the bound device and address,
// the owning process, and for dnsmasq its interfaces and ranges from its
// command line and the configuration files it names, and its lease file),
// the nftables input
// hook of the ip and inet families as a DISCOVER arriving on the served
// device would meet it (with the deciding rule's counter before and after)
// and their forward hook as a DISCOVER bridged between two ports meets it
// (br_netfilter's bridge-nf-call-iptables), and the links and addresses;
// then it watches the served device (the
// bridge when IFACE is one of its ports) for DHCP while, unless passive, a
// probe asks for an address as a new guest would (dhcp::probe, through a
// temporary port of the bridge, removed on every path).
//
// Causes named: C52 interface-down, C05 no-carrier (the guest's TAP), C07
// stp-port-not-forwarding, C35 no-dhcp-server, C36
// dhcp-server-not-listening-here, C37 dhcp-input-filtered, C38
// dhcp-forward-filtered (br_netfilter), C39 dhcp-offer-bad-checksum (a
// guest's TAP with checksum offload and no vnet_hdr: ETHTOOL_GTXCSUM and
// IFLA_TUN_VNET_HDR), C40 dhcp-server-ignores-client
// (a dnsmasq dhcp-host ignore entry for the client, or a pool every address
// of which its lease file holds for others), C41 multiple-dhcp-servers, C42
// dhcp-no-range-for-subnet. A lab where nobody
// answered and none of them holds is "unexplained", with what was read.
//
// Needs CAP_NET_RAW and CAP_NET_ADMIN in `ns` (capture, the probe's port,
// the nftables dump) and, to name the owners of other users' sockets,
// CAP_SYS_PTRACE. Errors: Usage (validate()), NotFound for a missing
// interface, the probe's and the listings' errors.
#pragma once

#include <netlab/diag.hpp>
#include <netlab/error.hpp>
#include <netlab/export.hpp>
#include <netlab/netns.hpp>
#include <netlab/types.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace netlab::diag {

// How long the watch lasts: 1 to 60 s, 5 s by default (dnsmasq tests an
// address with a ping for 3 s before it first offers it).
inline constexpr std::chrono::milliseconds kDhcpMinWatch{1000};
inline constexpr std::chrono::milliseconds kDhcpMaxWatch{60000};
inline constexpr std::chrono::milliseconds kDhcpDefaultWatch{5000};

struct DhcpDiagnoseOptions {
  std::string interface;         // the guest's TAP or port, or the bridge
  std::optional<MacAddr> client;  // one guest only; else every client seen
  std::chrono::milliseconds duration = kDhcpDefaultWatch;
  bool passive = false;          // only watch: no probe of our own
  std::string netns_arg;         // the word printed fixes put after -n
};

// Checks the options before anything is opened (Usage): a malformed
// interface name, a multicast or zero client MAC, a duration out of range.
NETLAB_API Result<void> validate(const DhcpDiagnoseOptions& o);

NETLAB_API Result<Report> diagnose_dhcp(const Netns& ns, const DhcpDiagnoseOptions& o);

}  // namespace netlab::diag
