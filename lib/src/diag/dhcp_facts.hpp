// `dhcp diagnose` in two steps, as C53's tap_access: collect_dhcp() reads
// the facts (links, addresses, UDP 67 listeners and their servers'
// settings, the firewall's input hook, the wire during the watch and the
// probe's answers); analyse_dhcp() judges them without a system call, so
// the unit tests feed it hand-built facts without privilege.
#pragma once

#include "diag/nft_walk.hpp"

#include <netlab/dhcp_diagnose.hpp>
#include <netlab/link.hpp>
#include <netlab/nft.hpp>
#include <netlab/sockets.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace netlab::diag {

// A dnsmasq `dhcp-host` entry that ignores clients (`MAC[,MAC..],ignore`),
// and where it was read: the printed fix edits that place.
struct DnsmasqIgnore {
  std::vector<std::string> macs;  // as written: "02:00:5e:00:53:10", "52:54:00:*:*:*"
  std::string entry;              // the whole value, as written
  std::string file;               // "" for the command line, else the configuration file
  int line = 0;                   // in that file, from 1
  int arg = 0;                    // on the command line: the argument holding the value
  bool arg_separate = false;      // the option word is the argument before it (-G VALUE)
};

// A dynamic IPv4 dhcp-range (start to end, both in the pool).
struct DnsmasqRange {
  IpAddr start, end;
};

// One line of dnsmasq's lease file: "EXPIRY MAC ADDRESS HOSTNAME CLIENT-ID".
struct DnsmasqLease {
  std::int64_t expiry = 0;  // seconds since the epoch; 0 never expires
  std::string mac;          // lower case, as dnsmasq writes it
  IpAddr address;
  std::string hostname;
};

// One DHCP server process that owns a UDP 67 socket, as its command line
// (and, for dnsmasq, the configuration files it reads) describe it.
struct DhcpServerProcess {
  int pid = 0;
  std::string comm;                         // "dnsmasq"
  std::vector<std::string> cmdline;
  bool dnsmasq = false;
  std::vector<std::string> interfaces;      // --interface (dnsmasq: empty = every one)
  std::vector<std::string> except_interfaces;
  std::vector<std::string> no_dhcp_interfaces;
  bool bind_interfaces = false;
  std::vector<IpAddr> range_starts;         // the first address of each IPv4 --dhcp-range
  bool ranges_known = false;                // the configuration was read whole
  std::vector<DnsmasqRange> ranges;         // the dynamic IPv4 pools (not static or proxy ranges)
  std::vector<DnsmasqIgnore> ignores;       // dhcp-host entries with "ignore" and a MAC
  // An allow list: dhcp-ignore=tag:!known answers only the clients a
  // dhcp-host entry names (kept in `allow_list`, with where it was read).
  std::optional<DnsmasqIgnore> allow_list;
  std::vector<std::string> known_macs;      // the MAC patterns of dhcp-host entries without "ignore"
  bool known_complete = true;               // no dhcp-hostsfile, dhcp-hostsdir or read-ethers adds more
  // The lease file (--dhcp-leasefile, -l; else dnsmasq's default), as the
  // process sees it, and what it held when read (collect_dhcp()).
  std::string lease_file = "/var/lib/misc/dnsmasq.leases";
  bool lease_file_given = false;
  bool leasefile_ro = false;                // --leasefile-ro (-9): a --dhcp-script keeps the leases (libvirt)
  bool leases_read = false;
  std::string leases_unread;                // why not
  std::vector<DnsmasqLease> leases;
  // It stays in the foreground (-d, -k): a supervisor restarts it, so a
  // printed restart would not be the supervisor's.
  bool foreground = false;
  // Its root is the caller's (/proc/PID/root is /): the paths it names are
  // ours, so a printed edit and restart work as printed.
  bool same_root = false;
};

// A UDP 67 socket and whether a DISCOVER arriving on the served device can
// reach it.
struct DhcpListener {
  InetSocket socket;
  std::optional<DhcpServerProcess> server;  // its owner, when one was found
  bool here = false;     // reachable from the served device
  std::string elsewhere;  // why not ("bound to br1", "dnsmasq serves --interface=br1 only")
};

// How a hook treats a DISCOVER (UDP 0.0.0.0:68 -> 255.255.255.255:67,
// conntrack state new) arriving on the served device: the input hook on its
// way to a server on the host, the forward hook (br_netfilter) on its way to
// a server behind another port.
using InputVerdict = HookVerdict;

// A DHCP message seen on the wire during the watch.
struct SeenDhcp {
  double time = 0;
  std::string interface;
  bool from_client = false;   // BOOTREQUEST
  std::string type;           // "DISCOVER", "OFFER", ...
  MacAddr client;             // chaddr
  MacAddr eth_src;
  std::uint32_t xid = 0;
  std::optional<IpAddr> server_id;
  IpAddr yiaddr;
  std::optional<IpAddr> mask;
  std::vector<IpAddr> routers;
};

// One server's offer, from the probe or the wire.
struct DhcpOffer {
  std::string server;  // server id, else its MAC
  MacAddr server_mac;
  std::string port;    // the bridge port the server's MAC was learned on, "" unknown
  IpAddr address;
  std::optional<IpAddr> mask;
  std::vector<IpAddr> routers;
  bool to_probe = false;
  // The host itself answered: its server identifier is an address of the
  // served device, or its MAC is one of the bridge's own (local) entries.
  // (Not the bridge's MAC as read before the watch: a bridge without an
  // address of its own takes its lowest port's, and the probe's port moves it.)
  bool host = false;
};

// A TAP that the DHCP exchange crosses toward a guest: whether the kernel
// may hand its reader packets with incomplete checksums (C39).
struct TapOffload {
  std::string name;
  bool carrier = false;          // a reader holds it
  bool vnet_hdr = false;         // IFLA_TUN_VNET_HDR: the reader is told which checksums are partial
  std::optional<bool> tx_csum;   // tx checksum offload (ETHTOOL_GTXCSUM), unknown when unread
};

struct DhcpFacts {
  std::string interface;   // as asked
  std::string served;      // the bridge when interface is a port of one; else the interface
  Link served_link;
  Link asked_link;          // the interface asked about (== served_link when it is the bridge)
  std::vector<Link> links;
  std::vector<Link> ports;  // the served bridge's ports (empty when it is no bridge)
  std::vector<Prefix> served_prefixes;   // IPv4, on the served device
  std::vector<DhcpListener> listeners;   // every UDP 67 socket of the namespace
  InputVerdict input;
  InputVerdict forward;  // only meaningful on a bridge with br_netfilter on
  std::optional<long> br_nf_call_iptables;
  // The watch.
  double duration_s = 0;
  bool passive = false;
  bool probed = false;
  // A port of the bridge listens or learns (STP): the probe was not sent,
  // since its own new port would wait the same.
  bool stp_waiting = false;
  MacAddr probe_mac;
  unsigned probe_sent = 0;
  std::vector<DhcpOffer> offers;  // distinct servers, in order of arrival
  std::vector<SeenDhcp> seen;
  std::vector<std::string> capture_errors;
  // The kernel's IPv4 drops on the served device, its ports and the probe's
  // port during the watch (a private tracing instance); why not, when it
  // could not run.
  std::vector<KernelDrop> kernel_drops;
  std::string kernel_unavailable;
  // The stations the served bridge has learned (its forwarding database,
  // local entries left out), read after the watch; known only on a bridge.
  std::vector<TapOffload> taps;  // IFACE when it is a TAP, else the served bridge's TAP ports
  std::vector<MacAddr> stations;
  bool stations_known = false;
  std::int64_t now = 0;  // the wall clock (seconds) when the leases were read
};

Result<DhcpFacts> collect_dhcp(const Netns& ns, const DhcpDiagnoseOptions& o);
Report analyse_dhcp(const DhcpFacts& facts, const DhcpDiagnoseOptions& o);

// The input-hook walk on a ruleset alone (pure; collect_dhcp() fills the
// counters): what a DISCOVER on `iif` (its index `iif_index`) meets.
InputVerdict input_verdict_for_discover(const nft::Ruleset& rs, const std::string& iif, int iif_index);
// The same for the forward hook that a DISCOVER bridged between two ports of
// `bridge` meets when br_netfilter passes bridged IPv4 to it (in and out
// device the bridge).
InputVerdict forward_verdict_for_bridged_discover(const nft::Ruleset& rs, const std::string& bridge, int index);

// dnsmasq's settings from its command line, and the lines of the
// configuration files it reads (`read_file` returns a file's text or
// nullopt; conf-dir entries are read through `list_dir`).
// The IPv4 leases of a dnsmasq lease file's text (DHCPv6 lines and
// malformed ones left out).
std::vector<DnsmasqLease> parse_dnsmasq_leases(const std::string& text);

// Whether a dnsmasq hardware-address pattern ("02:00:5e:00:53:10",
// "52:54:00:*:*:*", "1-02:..") takes `mac`.
bool dnsmasq_mac_matches(const std::string& pattern, const MacAddr& mac);

DhcpServerProcess parse_dnsmasq(const std::vector<std::string>& cmdline,
                                const std::function<std::optional<std::string>(const std::string&)>& read_file,
                                const std::function<std::vector<std::string>(const std::string&)>& list_dir);

}  // namespace netlab::diag
