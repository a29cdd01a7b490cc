// The DHCPv4 messages a client sends (RFC 2131: DISCOVER, REQUEST, RELEASE)
// built as whole Ethernet frames, and a light, bounds-checked parse of the
// server's answers (OFFER, ACK, NAK): the fields `dhcp probe` reports.
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
};

// Parses an Ethernet frame carrying IPv4/UDP to port 68 and a BOOTREPLY
// with the DHCP magic cookie. nullopt for anything else: another protocol
// or port, a cut header, a UDP length past the IP payload, an option list
// that runs past the message or a known option with a length its type does
// not allow (a mask that is not 4 bytes). Options overloaded into the
// file and sname fields (option 52) are read too. Never reads outside `frame`.
NETLAB_API std::optional<DhcpReply> parse_dhcp(std::span<const std::uint8_t> frame);

}  // namespace netlab::frames
