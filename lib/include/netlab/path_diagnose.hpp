// Why can a guest not reach beyond the host? `netlab path diagnose FROM TO`
// (issue 16): the causes of ../shared/diagnosis/CAUSES.md on the way out
// that a host can see, in the verdict model and JSON document of `arp
// diagnose` (diag::Report), with the path as the kernel decides it
// (Report::hops: in, route, each netfilter base chain, NAT, out, next hop).
//
// It works out the kernel's decisions without sending anything: the guest
// behind FROM (the connected route toward it, its neighbour entry and bridge
// port), the route the kernel picks for a packet from FROM arriving on the
// guest's device (RTM_GETROUTE with RTA_IIF) and the host's own, the
// forwarding sysctls, the nftables forward hook walked as the probe meets
// it (nft_walk) and the postrouting NAT chains, the next hop's neighbour
// entry. Then, unless passive, it proves it: through a temporary port of
// the guest's bridge it sends what the guest would (an ICMP echo, a UDP
// datagram or a TCP SYN from FROM to TO) and captures it on the guest's
// device and the way out, with the kernel's drops and the deciding rule's
// counter; once small probes crossed, ICMP probes of the guest device's MTU
// with DF, and the routers' "fragmentation needed" followed back; a passive watch (or a guest device that is no bridge) watches
// the guest's own packets instead, and its ARP for a gateway.
//
// Causes named: C43 forwarding-disabled, C44 no-masquerade, C45
// forward-filter-drop, C46 no-route-to-destination, C47
// guest-wrong-gateway, C48 pmtu-blackhole, C11 reverse-path-filter (the
// guest's packets refused on its device, or the answers on a strict
// device they come back by); when TO is a guest of FROM's own bridge and
// bridge-nf-call-iptables is 1, C18 br-netfilter-forward-drop; and when
// that bridge has VXLAN ports (a lab over several hosts), the overlay: C49
// vxlan-no-remote, C50 vxlan-mtu-overhead, C51 vxlan-vni-mismatch (seen
// where the far end's packets arrive with a VNI foreign here). IPv4 only. A path the probe crosses both ways reads
// ok; one that fails where none of them holds is "unexplained", with what
// was seen.
//
// Needs CAP_NET_ADMIN and CAP_NET_RAW in `ns` (the probe's port, captures,
// the nftables dump). Errors: Usage (validate(); TO on FROM's own link or
// an address of the host; FROM an address of the host), NotFound (a FROM
// no guest owns: no connected route toward it, or nobody answers ARP for
// it), Unsupported E2BIG for a ruleset too large to read; the listings' and
// the probe port's errors. Nothing is left behind on any of them.
#pragma once

#include <netlab/diag.hpp>
#include <netlab/error.hpp>
#include <netlab/export.hpp>
#include <netlab/netns.hpp>
#include <netlab/types.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace netlab::diag {

inline constexpr std::chrono::milliseconds kPathMinWatch{1000};
inline constexpr std::chrono::milliseconds kPathMaxWatch{60000};
inline constexpr std::chrono::milliseconds kPathDefaultWatch{3000};
// The probe's IP datagram size (`--size`): an ICMP echo of 56 bytes by
// default, as ping sends; at most a jumbo frame's 9000.
inline constexpr std::uint32_t kPathMinSize = 28, kPathMaxSize = 9000, kPathDefaultSize = 84;

enum class PathProtocol : std::uint8_t { Icmp, Udp, Tcp };

struct PathDiagnoseOptions {
  std::string from_interface;  // "" unless FROM was given as IFACE:ADDRESS
  IpAddr from, to;
  PathProtocol protocol = PathProtocol::Icmp;
  std::uint16_t port = 0;      // udp/PORT, tcp/PORT
  std::uint32_t size = kPathDefaultSize;
  std::chrono::milliseconds duration = kPathDefaultWatch;
  bool passive = false;
  std::string netns_arg;       // the word printed fixes put after -n / ip netns exec
};

// FROM as the command takes it: "ADDRESS" or "IFACE:ADDRESS" (IPv4).
NETLAB_API Result<void> parse_from(const std::string& text, PathDiagnoseOptions& o);
// -p: "icmp", "udp/PORT" or "tcp/PORT", PORT 1-65535.
NETLAB_API Result<void> parse_protocol(const std::string& text, PathDiagnoseOptions& o);
// Everything checked before anything is opened: IPv4 addresses, TO a
// unicast address (not multicast, broadcast, 0.0.0.0 or loopback), FROM
// and TO different, the size and duration in range.
NETLAB_API Result<void> validate(const PathDiagnoseOptions& o);

NETLAB_API Result<Report> diagnose_path(const Netns& ns, const PathDiagnoseOptions& o);

}  // namespace netlab::diag
