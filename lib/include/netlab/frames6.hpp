// IPv6 counterpart of frames.hpp: building the IPv6/ICMPv6 frames netlab
// sends itself (neighbour discovery: NS, NA, RS, RA; ICMPv6 echo; MLDv2
// reports) and a light, bounds-checked parse of the fields the NDP tools,
// the test guest and the diagnosis act on. frames::parse() fills the IPv6
// members of frames::Parsed through the parser declared here.
//
// RFC 8200 (IPv6), RFC 4443 (ICMPv6), RFC 4861 (neighbour discovery),
// RFC 4862 (SLAAC, DAD), RFC 3810 (MLDv2), RFC 8106 (RDNSS), RFC 2711
// (router alert), RFC 4291 (EUI-64 interface identifiers, solicited-node).
//
// As frames.hpp: pure functions on bytes (no privilege, no namespace, no
// shared state, any thread). Builders return new vectors the caller owns and
// trust their input (IPv6 addresses where IPv6 is expected); neighbour
// discovery messages are built with hop limit 255, as receivers require.
// Parsers never read outside the span given and never throw.
#pragma once

#include <netlab/export.hpp>
#include <netlab/types.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace netlab::frames {

struct Parsed;

inline constexpr std::uint8_t kIpProtoHopByHop = 0;
inline constexpr std::uint8_t kIpProtoRouting = 43;
inline constexpr std::uint8_t kIpProtoFragment = 44;
inline constexpr std::uint8_t kIpProtoIcmpv6 = 58;
inline constexpr std::uint8_t kIpProtoNoNext = 59;
inline constexpr std::uint8_t kIpProtoDestOpts = 60;

inline constexpr std::uint8_t kIcmp6EchoRequest = 128;
inline constexpr std::uint8_t kIcmp6EchoReply = 129;
inline constexpr std::uint8_t kMldQuery = 130;
inline constexpr std::uint8_t kMldReport = 131;
inline constexpr std::uint8_t kMldDone = 132;
inline constexpr std::uint8_t kNdRouterSolicit = 133;
inline constexpr std::uint8_t kNdRouterAdvert = 134;
inline constexpr std::uint8_t kNdNeighborSolicit = 135;
inline constexpr std::uint8_t kNdNeighborAdvert = 136;
inline constexpr std::uint8_t kNdRedirect = 137;
inline constexpr std::uint8_t kMld2Report = 143;

// Neighbour discovery option types (RFC 4861 4.6, RFC 8106).
inline constexpr std::uint8_t kNdOptSourceLinkAddr = 1;
inline constexpr std::uint8_t kNdOptTargetLinkAddr = 2;
inline constexpr std::uint8_t kNdOptPrefixInfo = 3;
inline constexpr std::uint8_t kNdOptRedirectedHeader = 4;
inline constexpr std::uint8_t kNdOptMtu = 5;
inline constexpr std::uint8_t kNdOptRdnss = 25;

// MLDv2 multicast address record types (RFC 3810 5.2.12).
inline constexpr std::uint8_t kMldModeIsInclude = 1;
inline constexpr std::uint8_t kMldModeIsExclude = 2;
inline constexpr std::uint8_t kMldChangeToInclude = 3;
inline constexpr std::uint8_t kMldChangeToExclude = 4;  // a join: exclude nothing

// Well-known addresses.
NETLAB_API IpAddr ipv6_any() noexcept;          // ::, the source of DAD probes
NETLAB_API IpAddr all_nodes() noexcept;         // ff02::1
NETLAB_API IpAddr all_routers() noexcept;       // ff02::2
NETLAB_API IpAddr all_mldv2_routers() noexcept; // ff02::16

// ff02::1:ffXX:XXXX, from the low 24 bits of `addr` (RFC 4291 2.7.1).
NETLAB_API IpAddr solicited_node(const IpAddr& addr) noexcept;
// 33:33 and the low 32 bits of an IPv6 multicast group (RFC 2464 7).
NETLAB_API MacAddr multicast_mac(const IpAddr& group) noexcept;
// The modified EUI-64 interface identifier: U/L bit flipped, ff:fe inserted.
NETLAB_API std::array<std::uint8_t, 8> eui64_interface_id(const MacAddr& mac) noexcept;
// fe80::/64 with the EUI-64 identifier of `mac`, as the kernel forms it
// with addr_gen_mode eui64.
NETLAB_API IpAddr link_local_from_mac(const MacAddr& mac) noexcept;
// The first 64 bits of `prefix` with the EUI-64 identifier of `mac`: the
// address SLAAC forms from a /64 prefix information option. Prefixes that
// are not IPv6 give an unspecified address.
NETLAB_API IpAddr slaac_address(const Prefix& prefix, const MacAddr& mac) noexcept;

// The IPv6 fixed header and what the extension-header walk found.
struct Ipv6 {
  IpAddr src, dst;
  std::uint8_t traffic_class = 0;
  std::uint32_t flow_label = 0;
  std::uint16_t payload_length = 0;
  std::uint8_t next_header = 0;  // the fixed header's field (0 when a hop-by-hop header follows)
  std::uint8_t hop_limit = 0;
  // The upper-layer protocol after the extension headers were skipped
  // (hop-by-hop, routing, destination options, first fragment); the last
  // header's value when the chain was cut or is not skippable.
  std::uint8_t upper_protocol = 0;
  bool router_alert = false;  // a hop-by-hop router alert option (MLD carries one)
  bool fragment = false;      // a fragment header was seen
  // The upper-layer bytes, clamped to the payload length (no Ethernet padding).
  // A view into the parsed packet: valid only while those bytes live.
  std::span<const std::uint8_t> payload;
};

// The ICMPv6 header; checksum_ok needs the whole message captured.
struct Icmpv6 {
  std::uint8_t type = 0, code = 0;
  std::uint16_t checksum = 0;
  // Whether the checksum over the pseudo-header verifies; nullopt when the
  // message was not captured whole.
  std::optional<bool> checksum_ok;
  std::uint16_t id = 0, seq = 0;  // echo request/reply only
};

// A prefix information option (RFC 4861 4.6.2); also what an RA to build lists.
struct NdPrefixInfo {
  Prefix prefix;
  bool on_link = true;                       // L
  bool autonomous = true;                    // A: SLAAC may use it
  bool router_address = false;               // R (RFC 6275)
  std::uint32_t valid_lifetime = 2592000;    // seconds; 0xffffffff is infinity
  std::uint32_t preferred_lifetime = 604800;
};

// One recursive DNS server option (RFC 8106).
struct NdRdnss {
  std::uint32_t lifetime = 0;
  std::vector<IpAddr> servers;
};

// A neighbour discovery message (ICMPv6 types 133-137) and its options.
struct Ndp {
  std::uint8_t type = 0;
  IpAddr target;       // NS, NA, redirect
  IpAddr destination;  // redirect
  // NA flags.
  bool router = false, solicited = false, override_flag = false;
  // RA fields.
  std::uint8_t cur_hop_limit = 0;
  bool managed = false, other_config = false;
  std::uint8_t router_preference = 0;  // the 2-bit Prf field: 0 medium, 1 high, 3 low
  std::uint16_t router_lifetime = 0;   // seconds; 0: not a default router
  std::uint32_t reachable_time = 0, retrans_timer = 0;  // milliseconds
  // Options.
  std::optional<MacAddr> source_lladdr;  // option 1
  std::optional<MacAddr> target_lladdr;  // option 2 (its absence in an NA is cause C28)
  std::optional<std::uint32_t> mtu;
  std::vector<NdPrefixInfo> prefixes;
  std::vector<NdRdnss> rdnss;
  std::vector<std::uint8_t> option_types;  // every option's type, in order
  // An option of length 0 or one running past the message: the kernel drops
  // such a message (RFC 4861 7.1.1), so receivers should too.
  bool options_malformed = false;

  NETLAB_API bool is_dad_probe(const Ipv6& ip) const noexcept;  // an NS from ::
};

// One multicast address record of an MLDv2 report.
struct MldRecord {
  std::uint8_t type = 0;  // kMldModeIsInclude...
  IpAddr group;
  std::uint16_t sources = 0;
};

// MLD (RFC 2710) and MLDv2 (RFC 3810) messages.
struct Mld {
  std::uint8_t type = 0;
  std::uint16_t max_response = 0;  // queries: maximum response code
  IpAddr group;                    // MLDv1 report/done, queries ("::" is a general query)
  std::vector<MldRecord> records;  // MLDv2 reports
};

// Parses an IPv6 packet starting at its fixed header into `out` (ipv6,
// icmpv6, ndp, mld members). Fields read before a cut stay set; never reads
// outside `packet`. frames::parse() calls this for ethertype 0x86dd.
NETLAB_API void parse_ipv6(std::span<const std::uint8_t> packet, Parsed& out);

// Parses one ICMPv6 neighbour discovery message (starting at its type byte,
// as a raw ICMPv6 socket delivers it); nullopt when it is not types 133-137
// or its fixed part is cut. Never reads outside `message`.
NETLAB_API std::optional<Ndp> parse_ndp(std::span<const std::uint8_t> message);

// The ICMPv6 checksum of `message` (its checksum field taken as is) with the
// RFC 8200 8.1 pseudo-header; already complemented. Build with the field at
// zero; a received message verifies when this returns 0.
NETLAB_API std::uint16_t icmpv6_checksum(const IpAddr& src, const IpAddr& dst,
                                         std::span<const std::uint8_t> message) noexcept;

// An IPv6 packet (no Ethernet header). For next header 58 the ICMPv6
// checksum in `payload` is filled in.
NETLAB_API std::vector<std::uint8_t> ipv6_packet(const IpAddr& src, const IpAddr& dst, std::uint8_t next_header,
                                                 std::uint8_t hop_limit, std::span<const std::uint8_t> payload);
// An Ethernet frame carrying an ICMPv6 message (type, code, checksum
// placeholder and body), checksum filled in.
NETLAB_API std::vector<std::uint8_t> icmpv6(const MacAddr& eth_dst, const MacAddr& eth_src, const IpAddr& src,
                                            const IpAddr& dst, std::uint8_t hop_limit,
                                            std::span<const std::uint8_t> message);

// A neighbour solicitation to build (see neighbor_solicitation()).
struct NsSpec {
  MacAddr src_mac;
  IpAddr src;     // "::" (ipv6_any) for a DAD probe: then no SLLA, as RFC 4861 7.2.2 requires
  IpAddr target;
  // Unset: to the target's solicited-node group (33:33:ff:xx:xx:xx). Set:
  // a unicast NS (the kernel's reachability probe) to this address and MAC.
  std::optional<IpAddr> dst;
  std::optional<MacAddr> dst_mac;
  bool slla = true;  // include the source link-layer address option
};
// An Ethernet frame with the NS, checksum filled in.
NETLAB_API std::vector<std::uint8_t> neighbor_solicitation(const NsSpec& spec);

// A neighbour advertisement to build, every field explicit.
struct NaSpec {
  MacAddr eth_dst, src_mac;
  IpAddr src, dst, target;
  bool router = false, solicited = true, override_flag = true;
  bool tlla = true;  // include the target link-layer address option
};
// An Ethernet frame with the NA, checksum filled in.
NETLAB_API std::vector<std::uint8_t> neighbor_advertisement(const NaSpec& spec);

// The answer of a node owning ns.target with `mac` and `src` (normally the
// target itself) to a parsed NS: unicast with S and O set to the soliciter;
// to all-nodes with S clear when the NS came from :: (RFC 4861 7.2.4).
// nullopt when `ns` is not a neighbour solicitation.
NETLAB_API std::optional<std::vector<std::uint8_t>> neighbor_advertisement_to(const Parsed& ns, const MacAddr& mac,
                                                                              bool tlla = true, bool router = false);

// An RS to ff02::2; with a source of "::" it carries no SLLA option.
NETLAB_API std::vector<std::uint8_t> router_solicitation(const MacAddr& src_mac, const IpAddr& src);

// A router advertisement to build (the test guest's router role).
struct RaSpec {
  MacAddr src_mac;
  IpAddr src;                   // the router's link-local address
  std::optional<IpAddr> dst;    // unset: all-nodes ff02::1
  std::optional<MacAddr> dst_mac;  // unset: derived from dst (multicast) or 33:33:00:00:00:01
  std::uint8_t cur_hop_limit = 64;
  bool managed = false, other_config = false;
  std::uint8_t router_preference = 0;
  std::uint16_t router_lifetime = 1800;
  std::uint32_t reachable_time = 0, retrans_timer = 0;
  bool slla = true;
  std::optional<std::uint32_t> mtu;
  std::vector<NdPrefixInfo> prefixes;
  std::vector<NdRdnss> rdnss;
};
// An Ethernet frame with the RA and its options, checksum filled in.
NETLAB_API std::vector<std::uint8_t> router_advertisement(const RaSpec& spec);

// ICMPv6 echo requests and replies: icmpv6_echo() in frames.hpp, beside the
// IPv4 builder (one EchoSpec serves both).

// An MLDv2 report to ff02::16 (hop limit 1, hop-by-hop router alert), one
// record of `record_type` without sources per group: the default
// CHANGE_TO_EXCLUDE is a join, as Linux sends it. `src` may be "::" while
// the link-local address is still tentative (RFC 3810 5.2.13).
NETLAB_API std::vector<std::uint8_t> mldv2_report(const MacAddr& src_mac, const IpAddr& src,
                                                  std::span<const IpAddr> groups,
                                                  std::uint8_t record_type = kMldChangeToExclude);

}  // namespace netlab::frames

// frames::Parsed (whose IPv6 members are the types above) lives in
// frames.hpp, which includes this header first; either order of inclusion
// gives both.
#include <netlab/frames.hpp>
