// Building the frames netlab itself sends (ARP requests, replies, probes and
// announcements; ICMP echo; Ethernet), and a light, bounds-checked parse of
// the fields the ARP tools, the test guest and the diagnosis engine act on.
// The full decoder (packet.hpp) prints; this reads fields for decisions.
//
// Pure functions on bytes: no privilege, no namespace, no shared state, safe
// from any thread. Builders return a new vector the caller owns; they do not
// check their input (a caller passing an IPv6 address where IPv4 is expected
// gets a wrong frame, not an error). parse() is hostile-input code: every
// read is bounds-checked through one reader, and a cut or malformed layer is
// left empty rather than failing the whole frame. Sending is linkio.hpp's job.
#pragma once

#include <netlab/export.hpp>
#include <netlab/frames6.hpp>
#include <netlab/types.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace netlab::frames {

inline constexpr std::uint16_t kEtherIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherArp = 0x0806;
inline constexpr std::uint16_t kEtherIpv6 = 0x86dd;
inline constexpr std::uint16_t kArpRequest = 1;
inline constexpr std::uint16_t kArpReply = 2;
inline constexpr std::uint8_t kIpProtoIcmp = 1;
inline constexpr std::uint8_t kIcmpEchoReply = 0;
inline constexpr std::uint8_t kIcmpEchoRequest = 8;

NETLAB_API MacAddr broadcast_mac() noexcept;  // ff:ff:ff:ff:ff:ff
// IPv4 0.0.0.0, the sender address of an RFC 5227 probe.
NETLAB_API IpAddr ipv4_any() noexcept;

// Ethernet/IPv4 ARP (RFC 826). spa/tpa must be IPv4.
// parse() fills it only for htype 1, ptype IPv4, hlen 6, plen 4; other ARP
// (non-Ethernet, non-IPv4) leaves Parsed::arp empty.
struct Arp {
  std::uint16_t op = kArpRequest;
  MacAddr sha;
  IpAddr spa;
  MacAddr tha;
  IpAddr tpa;

  bool is_request() const noexcept { return op == kArpRequest; }
  bool is_reply() const noexcept { return op == kArpReply; }
  // RFC 5227 probe: a request with sender 0.0.0.0.
  bool is_probe() const noexcept;
  // Gratuitous ARP / RFC 5227 announcement: sender and target IP equal.
  bool is_gratuitous() const noexcept;
};

// The IPv4 header fields the tools act on (options are skipped).
struct Ipv4 {
  IpAddr src, dst;
  std::uint8_t protocol = 0;
  std::uint8_t ttl = 0;
  std::uint16_t total_length = 0;
  std::uint16_t id = 0;
  bool dont_fragment = false;
  bool more_fragments = false;
  std::uint16_t fragment_offset = 0;  // in 8-byte units
};

// ICMP (IPv4) type and code, and for echoes their id and sequence.
struct Icmp {
  std::uint8_t type = 0, code = 0;
  std::uint16_t id = 0, seq = 0;  // echo request/reply only
};

// What parse() found. Layers that were not there or were cut stay empty.
// The spans (l3_payload, ipv6->payload) point into the frame passed to
// parse(): a Parsed must not outlive those bytes.
struct Parsed {
  MacAddr eth_dst, eth_src;
  std::uint16_t ethertype = 0;  // after any 802.1Q tags
  std::optional<std::uint16_t> vlan;  // the outer tag's VLAN id
  std::optional<Arp> arp;
  std::optional<Ipv4> ipv4;
  std::optional<Icmp> icmp;
  std::span<const std::uint8_t> l3_payload;  // bytes after the IPv4 header, clamped to total length
  // IPv6 (frames6.hpp): the header, then ICMPv6 and, by type, neighbour
  // discovery or MLD. The upper-layer bytes are in ipv6->payload.
  std::optional<Ipv6> ipv6;
  std::optional<Icmpv6> icmpv6;
  std::optional<Ndp> ndp;
  std::optional<Mld> mld;
};

// Parses an Ethernet (DLT_EN10MB) frame; nullopt when even the Ethernet
// header is not there. Never reads outside `frame`.
NETLAB_API std::optional<Parsed> parse(std::span<const std::uint8_t> frame);

// Ethernet frames, padded to the 60-byte minimum (the FCS is the NIC's job).
// The payload is copied.
NETLAB_API std::vector<std::uint8_t> ethernet(const MacAddr& dst, const MacAddr& src, std::uint16_t ethertype,
                                              std::span<const std::uint8_t> payload);
// An Ethernet frame carrying `arp` exactly as given (htype 1, hlen 6, plen 4).
NETLAB_API std::vector<std::uint8_t> arp(const MacAddr& eth_dst, const MacAddr& eth_src, const Arp& arp);

// A request for `target` as the kernel sends it: broadcast, zero tha.
// A src_ip that is not IPv4 gives sender 0.0.0.0 (an RFC 5227 probe).
NETLAB_API std::vector<std::uint8_t> arp_request(const MacAddr& src_mac, const IpAddr& src_ip,
                                                 const IpAddr& target);
// The reply to `request` from a station owning request.tpa with `mac`.
NETLAB_API std::vector<std::uint8_t> arp_reply_to(const Arp& request, const MacAddr& mac);

// An echo request or reply in Ethernet, over IPv4 (icmp_echo) or IPv6
// (icmpv6_echo): the two differ only in their IP header. payload is
// borrowed: it must stay valid until the builder returns.
struct EchoSpec {
  MacAddr eth_dst, eth_src;
  IpAddr src, dst;
  bool reply = false;
  std::uint16_t id = 0, seq = 0;
  std::uint8_t ttl = 64;        // the hop limit in IPv6
  bool dont_fragment = false;   // IPv4 only
  std::span<const std::uint8_t> payload;
};
// ICMP in IPv4: builds the frame with both checksums filled in; the IP id is
// the sequence number. Addresses must be IPv4. No fragmentation: the caller
// keeps the frame within the MTU.
NETLAB_API std::vector<std::uint8_t> icmp_echo(const EchoSpec& spec);
// ICMPv6 in IPv6 (RFC 4443 4.1, 4.2): builds the frame with the ICMPv6
// checksum filled in. Addresses must be IPv6.
NETLAB_API std::vector<std::uint8_t> icmpv6_echo(const EchoSpec& spec);

// The RFC 1071 Internet checksum of `bytes` (already complemented).
NETLAB_API std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes) noexcept;

}  // namespace netlab::frames
