// The DHCPv4 messages a client sends (RFC 2131: DISCOVER, REQUEST, RELEASE)
// and a server's answers (OFFER, ACK, NAK) built as whole Ethernet frames,
// and a light, bounds-checked parse of either side's messages: the fields
// `dhcp probe` reports and the test guest's client and server act on.
//
// Pure functions on bytes like frames.hpp: no privilege, no shared state.
// The full decoder (packet.hpp, proto/bootp.cpp) prints every option as
// tcpdump does; parse_dhcp() reads the few a client acts on, through the
// same option walker (proto/options.hpp kDhcpOptions), so there is one
// reading of the option list.
#pragma once

#include <netlab/export.hpp>
#include <netlab/types.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace netlab::frames {

inline constexpr std::uint16_t kDhcpServerPort = 67;
inline constexpr std::uint16_t kDhcpClientPort = 68;

// Option 53's values (RFC 2132 9.6).
enum class DhcpType : std::uint8_t {
  Discover = 1,
  Offer = 2,
  Request = 3,
  Decline = 4,
  Ack = 5,
  Nak = 6,
  Release = 7,
  Inform = 8,
};
// "DISCOVER", "OFFER", ..., or "type N" for a value RFC 2132 does not name.
NETLAB_API std::string dhcp_type_name(std::uint8_t type);

// A client message. Ethernet and IP go to broadcast unless `server_mac`
// and `server` are given (a RELEASE is unicast to its server, RFC 2131
// 4.4.4); the IP source is `ciaddr`, 0.0.0.0 when unset.
struct DhcpClientSpec {
  DhcpType type = DhcpType::Discover;
  MacAddr mac;              // chaddr, the Ethernet source, and the client id (option 61, type 1)
  std::uint32_t xid = 0;
  std::optional<IpAddr> ciaddr;     // the client's own address (RELEASE)
  std::optional<IpAddr> requested;  // option 50 (REQUEST in SELECTING)
  std::optional<IpAddr> server_id;  // option 54 (REQUEST in SELECTING, RELEASE)
  std::string hostname;             // option 12 when not empty
  std::optional<MacAddr> server_mac;
  std::optional<IpAddr> server;
  std::uint16_t secs = 0;
};
// Ethernet + IPv4 (TTL 64, header checksum) + UDP 68 -> 67 (checksum) +
// BOOTP with the magic cookie and options 53, 61, 50, 54, 12, 55 (mask,
// router, DNS, domain, lease time, server id, renewal, rebinding) as given,
// then END. DISCOVER and REQUEST carry the parameter request list; RELEASE
// does not (RFC 2131 table 5).
NETLAB_API std::vector<std::uint8_t> dhcp_client(const DhcpClientSpec& spec);

// A server's answer: the fields of the BOOTP header and of the options a
// client uses. Options absent from the message stay empty.
struct DhcpReply {
  MacAddr eth_src;     // the server's (or relay's) MAC
  IpAddr ip_src, ip_dst;
  std::uint8_t op = 0;  // 2 BOOTREPLY
  std::uint32_t xid = 0;
  std::uint16_t flags = 0;
  IpAddr ciaddr, yiaddr, siaddr, giaddr;
  MacAddr chaddr;       // when htype 1 and hlen 6, else all zero
  std::optional<std::uint8_t> type;        // option 53
  std::optional<IpAddr> server_id;         // 54
  std::optional<IpAddr> mask;              // 1
  std::vector<IpAddr> routers;             // 3
  std::vector<IpAddr> dns;                 // 6
  std::string domain;                      // 15
  std::optional<std::uint32_t> lease_time;  // 51, seconds
  std::optional<std::uint32_t> renewal;     // 58 (T1)
  std::optional<std::uint32_t> rebinding;   // 59 (T2)
  std::string message;                      // 56 (a NAK's reason)
  std::optional<IpAddr> requested;          // 50 (a client's REQUEST or DISCOVER)
};

// Parses an Ethernet frame carrying IPv4/UDP to port 68 and a BOOTREPLY
// with the DHCP magic cookie. nullopt for anything else: another protocol
// or port, a cut header, a UDP length past the IP payload, an option list
// that runs past the message or a known option with a length its type does
// not allow (a mask that is not 4 bytes). Options overloaded into the
// file and sname fields (option 52) are read too. Never reads outside `frame`.
NETLAB_API std::optional<DhcpReply> parse_dhcp(std::span<const std::uint8_t> frame);

// A client's message as a server reads it: the same checks and fields, for
// a BOOTREQUEST to UDP port 67 (eth_src is the client's or relay's MAC).
NETLAB_API std::optional<DhcpReply> parse_dhcp_request(std::span<const std::uint8_t> frame);

// A server's answer (RFC 2131 4.3.1, table 3), from `server` at `server_mac`
// (the IP source and option 54), with the request's xid, flags and chaddr.
struct DhcpServerSpec {
  DhcpType type = DhcpType::Offer;
  MacAddr server_mac;
  IpAddr server;
  std::uint32_t xid = 0;
  std::uint16_t flags = 0;          // the request's (bit 15: broadcast)
  MacAddr chaddr;
  IpAddr ciaddr, yiaddr;            // unset: 0.0.0.0
  std::optional<IpAddr> mask;       // 1
  std::vector<IpAddr> routers;      // 3
  std::vector<IpAddr> dns;          // 6
  std::optional<std::uint32_t> lease_time, renewal, rebinding;  // 51, 58, 59
  std::string message;              // 56 when not empty (a NAK's reason)
};
// Ethernet + IPv4 + UDP 67 -> 68 (checksum) + BOOTREPLY with options 53,
// 54, then those given, then END, padded to 300 bytes. Where it goes is
// RFC 2131 4.1's rule without relays: a NAK is broadcast; an answer to a
// client that has an address (ciaddr) is unicast to it at chaddr; with the
// broadcast bit set, to 255.255.255.255 at ff:ff:ff:ff:ff:ff; else unicast
// to yiaddr at chaddr.
NETLAB_API std::vector<std::uint8_t> dhcp_server(const DhcpServerSpec& spec);

// ---- DHCPv6 (RFC 8415) --------------------------------------------------------

inline constexpr std::uint16_t kDhcp6ClientPort = 546;
inline constexpr std::uint16_t kDhcp6ServerPort = 547;
inline constexpr std::uint8_t kDhcp6Solicit = 1;
inline constexpr std::uint8_t kDhcp6Advertise = 2;
inline constexpr std::uint8_t kDhcp6Request = 3;
inline constexpr std::uint8_t kDhcp6Reply = 7;
inline constexpr std::uint8_t kDhcp6Release = 8;
// "SOLICIT", "ADVERTISE", ..., or "type N".
NETLAB_API std::string dhcp6_type_name(std::uint8_t type);

// The DUID-LL of a MAC (RFC 8415 11.4: type 3, hardware type 1, the MAC):
// the client identifier a SOLICIT carries.
NETLAB_API std::vector<std::uint8_t> duid_ll(const MacAddr& mac);

struct Dhcp6SolicitSpec {
  MacAddr mac;               // Ethernet source, link-local source (EUI-64), DUID-LL
  std::uint32_t xid = 0;     // the low 24 bits are sent
  std::uint32_t iaid = 0;    // the IA_NA's identifier
  std::uint16_t elapsed_cs = 0;  // option 8, hundredths of a second
};
// Ethernet to 33:33:00:01:00:02, IPv6 from the MAC's link-local address to
// ff02::1:2 (All_DHCP_Relay_Agents_and_Servers), hop limit 1, UDP 546 ->
// 547 with its checksum, a SOLICIT with CLIENTID (DUID-LL), ELAPSED_TIME,
// IA_NA (T1 and T2 0: the server chooses) and ORO (DNS servers 23, domain
// list 24).
NETLAB_API std::vector<std::uint8_t> dhcp6_solicit(const Dhcp6SolicitSpec& spec);

// A client's REQUEST or RELEASE (RFC 8415 18.2.2, 18.2.7): what a SOLICIT
// carries plus the chosen server's identifier, and the IA_NA names the
// addresses asked for or given up.
struct Dhcp6ClientSpec {
  std::uint8_t type = kDhcp6Request;  // kDhcp6Request or kDhcp6Release
  MacAddr mac;
  std::uint32_t xid = 0;     // a new one per exchange; the low 24 bits are sent
  std::uint32_t iaid = 0;
  std::uint16_t elapsed_cs = 0;  // since the exchange's first message
  std::vector<std::uint8_t> server_duid;  // option 2, as the server sent it
  std::vector<IpAddr> addresses;          // IAADDR options in the IA_NA
};
// As dhcp6_solicit (same addresses, hop limit, checksum) with CLIENTID,
// SERVERID, ELAPSED_TIME and IA_NA (T1, T2 0) holding one IAADDR per
// address with both lifetimes 0 (RFC 8415 21.6: a client sends 0, the
// server ignores them); a REQUEST also carries the ORO (DNS servers,
// domain list), a RELEASE does not.
NETLAB_API std::vector<std::uint8_t> dhcp6_client(const Dhcp6ClientSpec& spec);

// A server's ADVERTISE or REPLY: the options a client uses.
struct Dhcp6Reply {
  MacAddr eth_src;
  IpAddr ip_src, ip_dst;
  std::uint8_t type = 0;
  std::uint32_t xid = 0;                  // 24 bits
  std::vector<std::uint8_t> server_duid;  // option 2
  std::vector<std::uint8_t> client_duid;  // option 1
  std::optional<std::uint8_t> preference;  // option 7
  std::optional<std::uint16_t> status;     // option 13 at the top level
  std::string status_message;
  // The first IA_NA (option 3) and its addresses (option 5).
  std::optional<std::uint32_t> iaid, t1, t2;
  std::optional<std::uint16_t> ia_status;  // option 13 inside the IA_NA (2: NoAddrsAvail)
  struct Address {
    IpAddr address;
    std::uint32_t preferred = 0, valid = 0;  // seconds
  };
  std::vector<Address> addresses;
  std::vector<IpAddr> dns;           // option 23
  std::vector<std::string> domains;  // option 24, dotted
};
// Parses an Ethernet frame carrying IPv6/UDP to port 546 and a DHCPv6
// message from a server (not a relay message). nullopt for anything else,
// a cut message, an option list running past the message, or a known option
// with a length its type does not allow. Never reads outside `frame`.
NETLAB_API std::optional<Dhcp6Reply> parse_dhcp6(std::span<const std::uint8_t> frame);

}  // namespace netlab::frames
