// DHCP tools: probe asks for an address as a guest's DHCP client would
// (DISCOVER, and with `request` the whole DORA exchange, then RELEASE; with
// `ipv6` a DHCPv6 SOLICIT, and with `request` too REQUEST, REPLY, then
// RELEASE, REPLY) and lists every server that answered, so a second
// (rogue) server shows.
//
// On a bridge the probe cannot send from the bridge device itself: a server
// on the same host takes those frames for the host's own traffic and never
// sees them. So it adds a temporary veth pair ("nlp<pid>b" enslaved to the
// bridge, "nlp<pid>p" where it talks) and removes it before returning, on
// every path, as a guest's port would be. On any other interface (a TAP, a
// veth) it talks on the interface itself.
//
// probe() needs CAP_NET_RAW (packet socket) and, on a bridge, CAP_NET_ADMIN
// (the veth pair) in `ns`; it returns a value the caller owns and can
// return the common errors of error.hpp.
#pragma once

#include <netlab/error.hpp>
#include <netlab/export.hpp>
#include <netlab/netns.hpp>
#include <netlab/types.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace netlab {
class Printer;  // <netlab/printer.hpp>
}  // namespace netlab

namespace netlab::dhcp {

// How long a probe listens: from 0.1 to 60 seconds (kMinWait, kMaxWait).
// The default is 5 s because dnsmasq pings an address before it first
// offers it and gives the ping 3 s (its PING_WAIT): on a link where nobody
// holds the address, the OFFER comes 3 s after the DISCOVER.
inline constexpr std::chrono::milliseconds kMinWait{100};
inline constexpr std::chrono::milliseconds kMaxWait{60000};
inline constexpr std::chrono::milliseconds kDefaultWait{5000};

struct ProbeOptions {
  std::string interface;
  // The client's MAC (chaddr, client id, Ethernet source): a unicast
  // address; default a random locally administered one.
  std::optional<MacAddr> mac;
  // How long to listen for answers (kMinWait..kMaxWait). The DISCOVER is
  // sent again each second while nothing answered, as a client would.
  std::chrono::milliseconds wait = kDefaultWait;
  // Complete the exchange with the first server that answered (REQUEST,
  // ACK), then RELEASE the address so nothing stays leased. With ipv6: the
  // first server whose ADVERTISE offered an address, REQUEST (its server
  // id, the IA_NA with that address), REPLY, then RELEASE, REPLY.
  bool request = false;
  // DHCPv6 (RFC 8415): a SOLICIT from the client MAC's link-local address
  // to ff02::1:2, listing the ADVERTISEs. The probe answers neighbour
  // solicitations for its link-local address, as a client's kernel would,
  // so that servers can send their ADVERTISE and REPLY.
  bool ipv6 = false;
  // Polled while waiting; true ends the probe early (a SIGINT flag): what
  // was seen is still returned, with `interrupted` set.
  std::function<bool()> stop;
};

// One server's answer (OFFER, or ACK/NAK to our REQUEST; ADVERTISE for
// DHCPv6).
struct Answer {
  std::string type;          // "OFFER", "ACK", "NAK", "ADVERTISE"
  MacAddr server_mac;        // Ethernet source of the answer
  IpAddr server_address;     // IP source of the answer
  std::optional<IpAddr> server_id;  // option 54 (DHCPv4)
  std::string server_duid;   // DHCPv6 server identifier, hex bytes "00:01:..."
  // DHCPv4 yiaddr: the address offered or acknowledged; DHCPv6 the first
  // address of the IA_NA (unspecified when the server offered none).
  IpAddr address;
  std::optional<IpAddr> mask;
  std::vector<IpAddr> routers;
  std::vector<IpAddr> dns;
  std::string domain;         // DHCPv6: the domain list, comma separated
  std::optional<std::uint32_t> lease_time;  // seconds
  // DHCPv6: the IA address's lifetimes (seconds), the server's preference
  // (option 7) and a status (option 13, top level or in the IA_NA, such as
  // "NoAddrsAvail"), "" when success or absent.
  std::optional<std::uint32_t> preferred_lifetime, valid_lifetime;
  std::optional<std::uint8_t> preference;
  std::string status;
  IpAddr relay;              // giaddr; 0.0.0.0 when no relay forwarded it
  std::string message;       // option 56 (a NAK's reason), "" when none
  double rtt_ms = 0;         // since the DISCOVER (or REQUEST) it answers
};

struct NETLAB_API ProbeResult {
  std::string interface;
  std::string port;        // the temporary veth end talked on (bridge), "" when on the interface
  bool ipv6 = false;
  MacAddr client_mac;
  std::uint32_t xid = 0;   // DHCPv6: 24 bits
  unsigned sent = 0;       // DISCOVERs (DHCPv6: SOLICITs) sent
  std::vector<Answer> offers;  // one per server, in order of arrival
  // The distinct servers that offered (by server id or DUID, else by MAC).
  std::size_t servers = 0;
  bool request_asked = false;    // the options asked for the exchange
  bool request = false;          // a REQUEST was sent (DHCPv6: not when no ADVERTISE offered an address)
  std::optional<Answer> reply;   // the ACK or NAK (DHCPv6: REPLY) to our REQUEST
  bool released = false;         // a RELEASE was sent for the leased address
  // DHCPv6: the server's REPLY to our RELEASE, nullopt when none came.
  // status: the IA_NA's status when not success, else the message's own
  // ("Success" when the REPLY carries none, RFC 8415 21.13); message: the
  // top-level status message ("" when none).
  struct ReleaseReply {
    std::string status;
    std::string message;
    double rtt_ms = 0;  // since the first RELEASE
  };
  std::optional<ReleaseReply> release_reply;
  bool interrupted = false;
  double elapsed_ms = 0;

  bool answered() const noexcept { return !offers.empty(); }
};

// Checks the options without touching the system: a malformed interface
// name, a multicast or zero MAC, a wait outside kMinWait..kMaxWait (Usage).
NETLAB_API Result<void> validate(const ProbeOptions& o);

// The probe described above. NotFound for a missing interface; Usage for a
// non-Ethernet one; ENETDOWN "is down" for a down interface and "has no
// carrier" for a bridge none of whose ports is up; the veth pair's netlink
// errors. No answer is not an error: offers stays empty.
NETLAB_API Result<ProbeResult> probe(const Netns& ns, const ProbeOptions& o);

// `dhcp probe`'s output: in text one block per answer (server, address,
// mask, router, DNS, domain, lease, relay), the exchange's outcome and a
// line saying how many servers answered; in JSON one object with an
// "offers" array, "servers", "request", "reply", "released" and, for
// DHCPv6, "release_reply" (status, message, rtt_ms, or null).
NETLAB_API void render_probe(Printer& p, const ProbeResult& r);

}  // namespace netlab::dhcp
