// A small userspace guest on an interface, as a unikernel would be: it
// answers ARP and ICMP echo for its address, announces itself with a
// gratuitous ARP, pings on request and shows every frame in the decoder's
// tcpdump text. Unless told not to it speaks IPv6 too: an EUI-64 link-local
// address with duplicate address detection, neighbour discovery answers,
// echo, one router solicitation and SLAAC from the advertisements it
// receives, or, as a router, advertisements of its own. It can take its
// IPv4 address from DHCP, or serve DHCP to other guests. On a TAP device it attaches the way QEMU and Solo5 do
// (TUNSETIFF on /dev/net/tun, so the tap gets its carrier); on any other
// Ethernet interface (a veth end in another namespace) it talks through a
// packet socket. It can also misbehave the ways real guest stacks do, so a
// host's plumbing can be tested, and its failure modes reproduced, before a
// virtual machine is ever booted.
//
// How it fits: validate() checks a Config without touching anything; run()
// attaches, then loops on the calling thread until told to stop, handing each
// output line to the caller's LineSink (the library never prints). The guest
// holds the TAP (or packet socket) only while run() runs: the TAP loses its
// carrier when run() returns. Attaching to a TAP needs CAP_NET_ADMIN or a
// TAP owned by the caller (tuntap.hpp), a packet socket needs CAP_NET_RAW.
#pragma once

#include <netlab/error.hpp>
#include <netlab/export.hpp>
#include <netlab/netns.hpp>
#include <netlab/types.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netlab::guest {

// A ping the guest runs once its address is usable (Config::ping).
struct PingSpec {
  IpAddr target;                  // IPv4, or IPv6 (ping6: needs Config::ipv6)
  unsigned count = 3;             // 0: until the guest stops
  double interval_s = 1.0;        // between echo requests
  std::uint32_t size = 56;        // ICMP payload bytes, as ping -s
};

// The DHCPv4 client (Config::dhcp): RFC 2131's DISCOVER, OFFER, REQUEST,
// ACK; the lease's address, mask and router become the guest's; renewal at
// T1 (unicast to the server), rebinding at T2, a NAK or an expired lease
// starts over, and a RELEASE goes out when the run ends.
struct DhcpClient {
  // Misbehaviours of real clients, for the DHCP causes (C35-C42).
  bool ignore_offers = false;  // OFFERs are dropped: DISCOVERs forever, as a client behind C39's bad checksum
  bool release = true;         // false: no RELEASE at the end, the lease stays taken (pool exhaustion, C40)
};

// The DHCPv4 server (Config::dhcp_server): offers from `first`..`last`
// (inside the guest's own subnet), leases kept per client MAC in memory,
// a NAK for a REQUEST of an address it cannot give, RELEASE honoured.
struct DhcpServer {
  IpAddr first, last;                   // the pool, inclusive
  std::uint32_t lease_s = 3600;         // 1 .. 31536000
  std::optional<IpAddr> router;         // option 3
  std::optional<IpAddr> dns;            // option 6
  bool bad_checksum = false;            // OFFERs and ACKs with a wrong UDP checksum (cause C39)
};

// Who the guest is and how it behaves; validate() states the rules.
struct Config {
  std::string iface;
  Prefix address;                 // the guest's IPv4 address and subnet; unspecified: no IPv4 (or DHCP's)
  std::optional<DhcpClient> dhcp;        // take the IPv4 address from DHCP (address must be unspecified)
  std::optional<DhcpServer> dhcp_server;  // serve DHCP from the static address
  std::optional<IpAddr> gateway;  // next hop for off-subnet targets
  std::optional<MacAddr> mac;     // empty: a random locally administered unicast MAC
  std::uint32_t mtu = 1500;       // longer frames (beyond mtu + 14) are dropped, as a NIC does
  std::optional<PingSpec> ping;
  std::optional<double> duration_s;  // stop after this long
  bool quiet = false;             // no per-frame lines

  // Misbehaviours of real guest stacks.
  bool garp = true;                       // false: no gratuitous ARP at start
  bool arp_off = false;                   // never answer ARP
  std::optional<MacAddr> reply_dst;       // ARP replies go to this Ethernet destination
  std::optional<IpAddr> reply_sender;     // ARP replies claim this sender IP
  std::optional<IpAddr> also;             // a second address answered for (ARP and ICMP)
  bool bpdu = false;                      // an STP configuration BPDU every 2 s

  // IPv6. On by default: the link-local address from the MAC (EUI-64), DAD
  // for every address, one RS once the link-local address is usable, SLAAC
  // from received RAs (A flag, /64 prefixes).
  bool ipv6 = true;                       // false: IPv4 only, nothing IPv6 sent or answered
  // A static address with its on-link prefix, DAD first. A link-local one
  // (fe80::/10) replaces the EUI-64 link-local address.
  std::optional<Prefix> address6;
  bool tlla = true;                       // false: NAs lack the target link-layer option (cause C28)
  bool slaac = true;                      // false: received RAs are ignored (and no RS is sent)
  // Act as a router: RAs for this prefix (L and A flags; any length, so a
  // non-/64 can be reproduced) from the link-local address, every
  // ra_interval_s and in answer to RS; received RAs are then ignored.
  std::optional<Prefix> ra_prefix;
  double ra_interval_s = 3.0;
};

// What a run did; ping counts are meaningful when Config::ping was set.
struct Stats {
  MacAddr mac;  // the MAC the guest used
  std::uint64_t frames_in = 0, frames_out = 0;
  std::uint64_t arp_replies = 0, echo_replies = 0;
  std::uint64_t dropped_mtu = 0;
  std::uint64_t send_errors = 0;
  bool ping_resolved = false;          // the next hop answered ARP (or NS)
  std::uint64_t ping_sent = 0, ping_received = 0;
  std::uint64_t na_replies = 0, ra_sent = 0;
  std::vector<Prefix> ipv6_addresses;  // the addresses that passed DAD, in that order
  std::vector<IpAddr> dad_failed;      // the addresses another station already had
  std::optional<Prefix> dhcp_address;  // the client's last lease (Config::dhcp)
  std::uint64_t dhcp_leases_given = 0;  // the server's ACKs (Config::dhcp_server)
};

// What kind of line the sink receives, so the caller can route it.
enum class Line : std::uint8_t {
  Packet,  // a frame, in the decoder's text (-e): for stdout
  Ping,    // ping's own lines (replies, summary): for stdout
  Notice,  // warnings and reports (MTU drops, send errors, DAD, SLAAC): for stderr
  // The one "netlab guest: IFACE attached as IP (MAC)" line (IP: the IPv4
  // address, else the static IPv6 one, else the link-local; 0.0.0.0 for a
  // DHCP client without IPv6): stderr, flushed.
  Ready,
  // The DHCP client's lease, renewal and release lines, and the server's
  // lease lines ("dhcp lease ...", "dhcp-server lease ..."): for stdout.
  Dhcp,
};
// Receives each line, without its newline.
// Called on the thread running run(), one line at a time; the string_view is
// valid only during the call. It must not throw and should be quick (the
// guest answers nothing while the sink runs).
using LineSink = std::function<void(Line, std::string_view)>;

// Checks a configuration without touching the host (an address of some
// family, each address of the right family, gateway on the subnet, ping size
// within the MTU, a next hop for an IPv4 ping target...).
// Every refusal is a Usage error naming the offending field. Pure.
NETLAB_API Result<void> validate(const Config& config);

// A random locally administered unicast MAC (02:xx:.. style), as
// hypervisors and unikernel tooling pick when none is configured.
// From getrandom(2) (the clock and pid if that fails); safe from any thread.
NETLAB_API MacAddr random_mac();

// Attaches to config.iface in `ns` and runs until `stop` becomes true, the
// duration passes or (with a ping) the ping run is complete. Fails before
// sending anything when the interface is missing (NotFound, "No such
// device"), is a TUN (layer 3) device, or cannot be opened; send errors
// while running are reported as notices and counted, not fatal.
// More refusals: validate()'s Usage errors; Usage for a non-Ethernet link;
// for a TAP: System errno from open("/dev/net/tun") (hint: load the tun
// module, or let this user open it) or from TUNSETIFF (EPERM with a hint to
// own the tap; EBUSY "already attached to another process" naming the
// holder); for another link: the LinkTap errors of linkio.hpp. A multicast
// or zero MAC and a down interface are warned about on the sink, not
// refused. `stop` is read between frames (at least every ~100 ms), so a
// signal handler or another thread may set it; `config`, `stop` and `sink`
// must outlive the call.
NETLAB_API Result<Stats> run(const Netns& ns, const Config& config, const std::atomic<bool>& stop,
                             const LineSink& sink);

}  // namespace netlab::guest
