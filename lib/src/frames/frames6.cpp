// IPv6/ICMPv6 frame building and the light field parse behind frames6.hpp.
// Every read goes through ByteReader: a cut or hostile packet leaves the
// deeper members empty (or the option list marked malformed), never a read
// past the capture. RFC 8200, 4443, 4861, 4862, 3810, 8106, 2711, 4291.
#include <netlab/frames6.hpp>

#include <netlab/frames.hpp>

#include "frames/bytes.hpp"
#include "proto/byte_reader.hpp"
#include "proto/options.hpp"
#include "proto/proto.hpp"

#include <algorithm>
#include <array>

namespace netlab::frames {
namespace {

constexpr std::size_t kIpv6Header = 40;
constexpr std::uint8_t kNdHopLimit = 255;  // RFC 4861: receivers drop ND with any other hop limit
constexpr std::uint8_t kMldHopLimit = 1;
constexpr std::uint8_t kHbhRouterAlert = 5;
constexpr std::size_t kMaxExtensionHeaders = 8;  // a longer chain is not worth following

using detail::mac_from;
using detail::put;
using detail::put16;
using detail::put32;

// The 16 bytes of an IPv6 address; an unspecified IpAddr counts as "::".
std::array<std::uint8_t, 16> bytes16(const IpAddr& a) {
  std::array<std::uint8_t, 16> b{};
  if (a.is_v6()) std::copy_n(a.bytes().begin(), 16, b.begin());
  return b;
}
void put_addr(std::vector<std::uint8_t>& out, const IpAddr& a) { put(out, bytes16(a)); }

IpAddr ipv6_from(std::span<const std::uint8_t> b) { return IpAddr::v6(b.first<16>()); }
IpAddr ipv6_of(const std::array<std::uint8_t, 16>& b) { return IpAddr::v6(std::span<const std::uint8_t, 16>(b)); }

bool is_any(const IpAddr& a) {
  const auto b = bytes16(a);
  return std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
}

// The lladdr option (type 1 or 2) for an Ethernet address: 8 bytes.
void put_lladdr_option(std::vector<std::uint8_t>& out, std::uint8_t type, const MacAddr& mac) {
  out.push_back(type);
  out.push_back(1);  // length in units of 8 bytes
  put(out, mac.bytes());
}

// Zeroes then fills the checksum of an ICMPv6 message (bytes 2-3).
void finish_icmpv6(const IpAddr& src, const IpAddr& dst, std::vector<std::uint8_t>& message) {
  if (message.size() < 4) return;
  message[2] = message[3] = 0;
  const auto sum = icmpv6_checksum(src, dst, message);
  message[2] = static_cast<std::uint8_t>(sum >> 8);
  message[3] = static_cast<std::uint8_t>(sum & 0xff);
}

std::vector<std::uint8_t> ipv6_header(const IpAddr& src, const IpAddr& dst, std::uint8_t next_header,
                                      std::uint8_t hop_limit, std::size_t payload_length) {
  std::vector<std::uint8_t> out;
  out.reserve(kIpv6Header + payload_length);
  put32(out, 0x60000000u);  // version 6, traffic class 0, flow label 0
  put16(out, static_cast<std::uint16_t>(payload_length));
  out.push_back(next_header);
  out.push_back(hop_limit);
  put_addr(out, src);
  put_addr(out, dst);
  return out;
}

// Options of a neighbour discovery message, up to the end of `r`, through
// the decoder's option walker.
void parse_nd_options(proto::ByteReader r, Ndp& nd) {
  proto::TlvWalker walker(proto::kNdOptions, r.rest());
  while (auto o = walker.next()) {
    if (o->status != proto::TlvStatus::Ok) {
      nd.options_malformed = true;
      return;
    }
    proto::ByteReader opt(o->value);
    nd.option_types.push_back(o->type);
    switch (o->type) {
      case kNdOptSourceLinkAddr:
        nd.source_lladdr = mac_from(opt.bytes(6));
        break;
      case kNdOptTargetLinkAddr:
        nd.target_lladdr = mac_from(opt.bytes(6));
        break;
      case kNdOptPrefixInfo: {
        if (o->size != 32) break;  // RFC 4861 4.6.2: exactly 4 units
        NdPrefixInfo pi;
        const std::uint8_t prefix_len = opt.u8();
        const std::uint8_t flags = opt.u8();
        pi.on_link = flags & 0x80;
        pi.autonomous = flags & 0x40;
        pi.router_address = flags & 0x20;
        pi.valid_lifetime = opt.be32();
        pi.preferred_lifetime = opt.be32();
        opt.skip(4);  // reserved
        pi.prefix = Prefix(ipv6_from(opt.bytes(16)), prefix_len);
        nd.prefixes.push_back(pi);
        break;
      }
      case kNdOptMtu:
        opt.skip(2);
        nd.mtu = opt.be32();
        break;
      case kNdOptRdnss: {
        NdRdnss dns;
        opt.skip(2);
        dns.lifetime = opt.be32();
        while (opt.has(16)) dns.servers.push_back(ipv6_from(opt.bytes(16)));
        nd.rdnss.push_back(std::move(dns));
        break;
      }
      default:
        break;
    }
  }
}

// The fixed part of an ND message after the 4-byte ICMPv6 header, then its
// options. Throws Truncated when the fixed part is cut.
Ndp parse_nd_body(proto::ByteReader r, std::uint8_t type) {
  Ndp nd;
  nd.type = type;
  switch (type) {
    case kNdRouterSolicit:
      r.skip(4);
      break;
    case kNdRouterAdvert: {
      nd.cur_hop_limit = r.u8();
      const std::uint8_t flags = r.u8();
      nd.managed = flags & 0x80;
      nd.other_config = flags & 0x40;
      nd.router_preference = static_cast<std::uint8_t>((flags >> 3) & 0x03);
      nd.router_lifetime = r.be16();
      nd.reachable_time = r.be32();
      nd.retrans_timer = r.be32();
      break;
    }
    case kNdNeighborSolicit:
      r.skip(4);
      nd.target = ipv6_from(r.bytes(16));
      break;
    case kNdNeighborAdvert: {
      const std::uint32_t flags = r.be32();
      nd.router = flags & 0x80000000u;
      nd.solicited = flags & 0x40000000u;
      nd.override_flag = flags & 0x20000000u;
      nd.target = ipv6_from(r.bytes(16));
      break;
    }
    case kNdRedirect:
      r.skip(4);
      nd.target = ipv6_from(r.bytes(16));
      nd.destination = ipv6_from(r.bytes(16));
      break;
    default:
      break;
  }
  parse_nd_options(r, nd);
  return nd;
}

bool is_nd_type(std::uint8_t type) { return type >= kNdRouterSolicit && type <= kNdRedirect; }

// MLD after the 4-byte ICMPv6 header. Records read before a cut stay.
void parse_mld(proto::ByteReader r, std::uint8_t type, Parsed& out) {
  Mld& mld = out.mld.emplace();
  mld.type = type;
  if (type == kMld2Report) {
    r.skip(2);  // reserved
    const std::uint16_t count = r.be16();
    for (std::uint16_t i = 0; i < count; ++i) {
      MldRecord rec;
      rec.type = r.u8();
      const std::uint8_t aux_words = r.u8();
      rec.sources = r.be16();
      rec.group = ipv6_from(r.bytes(16));
      mld.records.push_back(rec);
      r.skip(std::size_t(rec.sources) * 16 + std::size_t(aux_words) * 4);
    }
    return;
  }
  mld.max_response = r.be16();
  r.skip(2);
  mld.group = ipv6_from(r.bytes(16));
}

// Skips a hop-by-hop or destination options header's options, noting a
// router alert; stops quietly at a malformed option.
bool has_router_alert(std::span<const std::uint8_t> options) {
  proto::TlvWalker walker(proto::kIpv6Options, options);
  while (auto o = walker.next()) {
    if (o->status != proto::TlvStatus::Ok) return false;
    if (o->type == kHbhRouterAlert) return true;
  }
  return false;
}

void parse_ipv6_layers(proto::ByteReader r, Parsed& out) {
  const std::uint32_t vtf = r.be32();
  if ((vtf >> 28) != 6) return;
  Ipv6 fixed;  // set in `out` only once the fixed header is whole, as IPv4 is
  fixed.traffic_class = static_cast<std::uint8_t>((vtf >> 20) & 0xff);
  fixed.flow_label = vtf & 0xfffff;
  fixed.payload_length = r.be16();
  fixed.next_header = r.u8();
  fixed.hop_limit = r.u8();
  fixed.src = ipv6_from(r.bytes(16));
  fixed.dst = ipv6_from(r.bytes(16));
  fixed.upper_protocol = fixed.next_header;
  Ipv6& ip = out.ipv6.emplace(fixed);
  // Ethernet padding is not payload; a short capture is not the whole payload.
  r.limit(ip.payload_length);
  const bool whole = r.remaining() == ip.payload_length;

  for (std::size_t n = 0; n < kMaxExtensionHeaders; ++n) {
    const std::uint8_t nh = ip.upper_protocol;
    if (nh != kIpProtoHopByHop && nh != kIpProtoDestOpts && nh != kIpProtoRouting && nh != kIpProtoFragment) break;
    const auto ext = proto::ext_header(nh, r);
    const auto header = r.bytes(ext->size);
    if (nh == kIpProtoHopByHop && has_router_alert(header.subspan(2))) ip.router_alert = true;
    ip.upper_protocol = ext->next;
    if (nh == kIpProtoFragment) {
      ip.fragment = true;
      if (ext->later_fragment) {  // no upper-layer header here
        ip.payload = r.rest();
        return;
      }
    }
  }
  ip.payload = r.rest();
  if (ip.upper_protocol != kIpProtoIcmpv6 || ip.fragment) return;

  const auto message = ip.payload;
  Icmpv6& icmp = out.icmpv6.emplace();
  icmp.type = r.u8();
  icmp.code = r.u8();
  icmp.checksum = r.be16();
  if (whole) icmp.checksum_ok = icmpv6_checksum(ip.src, ip.dst, message) == 0;
  switch (icmp.type) {
    case kIcmp6EchoRequest:
    case kIcmp6EchoReply:
      icmp.id = r.be16();
      icmp.seq = r.be16();
      break;
    case kMldQuery:
    case kMldReport:
    case kMldDone:
    case kMld2Report:
      parse_mld(r, icmp.type, out);
      break;
    default:
      if (is_nd_type(icmp.type)) out.ndp = parse_nd_body(r, icmp.type);
      break;
  }
}

}  // namespace

IpAddr ipv6_any() noexcept { return ipv6_of({}); }
IpAddr all_nodes() noexcept { return ipv6_of({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}); }
IpAddr all_routers() noexcept { return ipv6_of({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02}); }
IpAddr all_mldv2_routers() noexcept {
  return ipv6_of({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16});
}

IpAddr solicited_node(const IpAddr& addr) noexcept {
  const auto a = bytes16(addr);
  return ipv6_of({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff, a[13], a[14], a[15]});
}

MacAddr multicast_mac(const IpAddr& group) noexcept {
  const auto g = bytes16(group);
  return MacAddr({0x33, 0x33, g[12], g[13], g[14], g[15]});
}

std::array<std::uint8_t, 8> eui64_interface_id(const MacAddr& mac) noexcept {
  const auto& m = mac.bytes();
  return {static_cast<std::uint8_t>(m[0] ^ 0x02), m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]};
}

IpAddr link_local_from_mac(const MacAddr& mac) noexcept {
  std::array<std::uint8_t, 16> b{0xfe, 0x80};
  const auto iid = eui64_interface_id(mac);
  std::copy(iid.begin(), iid.end(), b.begin() + 8);
  return ipv6_of(b);
}

IpAddr slaac_address(const Prefix& prefix, const MacAddr& mac) noexcept {
  if (!prefix.addr().is_v6()) return IpAddr{};
  auto b = bytes16(prefix.addr());
  const auto iid = eui64_interface_id(mac);
  std::copy(iid.begin(), iid.end(), b.begin() + 8);
  return ipv6_of(b);
}

bool Ndp::is_dad_probe(const Ipv6& ip) const noexcept { return type == kNdNeighborSolicit && is_any(ip.src); }

void parse_ipv6(std::span<const std::uint8_t> packet, Parsed& out) {
  try {
    parse_ipv6_layers(proto::ByteReader(packet), out);
  } catch (const proto::Truncated&) {
    // What was read stays; the cut layer stays empty or partly filled.
  }
}

std::optional<Ndp> parse_ndp(std::span<const std::uint8_t> message) {
  try {
    proto::ByteReader r(message);
    const std::uint8_t type = r.u8();
    if (!is_nd_type(type)) return std::nullopt;
    r.skip(3);  // code, checksum
    return parse_nd_body(r, type);
  } catch (const proto::Truncated&) {
    return std::nullopt;
  }
}

std::uint16_t icmpv6_checksum(const IpAddr& src, const IpAddr& dst, std::span<const std::uint8_t> message) noexcept {
  // RFC 8200 8.1: the pseudo-header, then the message, through the decoder's RFC 1071 sum.
  std::uint32_t sum = proto::ones_sum(bytes16(src));
  sum = proto::ones_sum(bytes16(dst), sum);
  const std::uint32_t length = static_cast<std::uint32_t>(message.size());
  sum += length >> 16;
  sum += length & 0xffff;
  sum += kIpProtoIcmpv6;
  return proto::fold_checksum(proto::ones_sum(message, sum));
}

std::vector<std::uint8_t> ipv6_packet(const IpAddr& src, const IpAddr& dst, std::uint8_t next_header,
                                      std::uint8_t hop_limit, std::span<const std::uint8_t> payload) {
  auto out = ipv6_header(src, dst, next_header, hop_limit, payload.size());
  const std::size_t at = out.size();
  put(out, payload);
  if (next_header == kIpProtoIcmpv6 && payload.size() >= 4) {
    std::vector<std::uint8_t> message(out.begin() + static_cast<std::ptrdiff_t>(at), out.end());
    finish_icmpv6(src, dst, message);
    out[at + 2] = message[2];
    out[at + 3] = message[3];
  }
  return out;
}

std::vector<std::uint8_t> icmpv6(const MacAddr& eth_dst, const MacAddr& eth_src, const IpAddr& src,
                                 const IpAddr& dst, std::uint8_t hop_limit, std::span<const std::uint8_t> message) {
  return ethernet(eth_dst, eth_src, kEtherIpv6, ipv6_packet(src, dst, kIpProtoIcmpv6, hop_limit, message));
}

std::vector<std::uint8_t> neighbor_solicitation(const NsSpec& s) {
  const bool dad = is_any(s.src);
  const IpAddr dst = s.dst.value_or(solicited_node(s.target));
  const MacAddr eth_dst = s.dst_mac.value_or(multicast_mac(dst));
  std::vector<std::uint8_t> m{kNdNeighborSolicit, 0, 0, 0, 0, 0, 0, 0};
  put_addr(m, s.target);
  if (s.slla && !dad) put_lladdr_option(m, kNdOptSourceLinkAddr, s.src_mac);
  return icmpv6(eth_dst, s.src_mac, dad ? ipv6_any() : s.src, dst, kNdHopLimit, m);
}

std::vector<std::uint8_t> neighbor_advertisement(const NaSpec& s) {
  std::uint8_t flags = 0;
  if (s.router) flags |= 0x80;
  if (s.solicited) flags |= 0x40;
  if (s.override_flag) flags |= 0x20;
  std::vector<std::uint8_t> m{kNdNeighborAdvert, 0, 0, 0, flags, 0, 0, 0};
  put_addr(m, s.target);
  if (s.tlla) put_lladdr_option(m, kNdOptTargetLinkAddr, s.src_mac);
  return icmpv6(s.eth_dst, s.src_mac, s.src, s.dst, kNdHopLimit, m);
}

std::optional<std::vector<std::uint8_t>> neighbor_advertisement_to(const Parsed& ns, const MacAddr& mac, bool tlla,
                                                                   bool router) {
  if (!ns.ipv6 || !ns.ndp || ns.ndp->type != kNdNeighborSolicit) return std::nullopt;
  NaSpec na;
  na.src_mac = mac;
  na.src = ns.ndp->target;
  na.target = ns.ndp->target;
  na.router = router;
  na.override_flag = true;
  na.tlla = tlla;
  if (ns.ndp->is_dad_probe(*ns.ipv6)) {
    // RFC 4861 7.2.4: a DAD probe is answered to all-nodes, unsolicited.
    na.dst = all_nodes();
    na.eth_dst = multicast_mac(na.dst);
    na.solicited = false;
  } else {
    na.dst = ns.ipv6->src;
    na.eth_dst = ns.ndp->source_lladdr.value_or(ns.eth_src);
    na.solicited = true;
  }
  return neighbor_advertisement(na);
}

std::vector<std::uint8_t> router_solicitation(const MacAddr& src_mac, const IpAddr& src) {
  const bool unspecified = is_any(src);
  std::vector<std::uint8_t> m{kNdRouterSolicit, 0, 0, 0, 0, 0, 0, 0};
  if (!unspecified) put_lladdr_option(m, kNdOptSourceLinkAddr, src_mac);
  const IpAddr dst = all_routers();
  return icmpv6(multicast_mac(dst), src_mac, unspecified ? ipv6_any() : src, dst, kNdHopLimit, m);
}

std::vector<std::uint8_t> router_advertisement(const RaSpec& s) {
  std::uint8_t flags = static_cast<std::uint8_t>((s.router_preference & 0x03) << 3);
  if (s.managed) flags |= 0x80;
  if (s.other_config) flags |= 0x40;
  std::vector<std::uint8_t> m{kNdRouterAdvert, 0, 0, 0, s.cur_hop_limit, flags};
  put16(m, s.router_lifetime);
  put32(m, s.reachable_time);
  put32(m, s.retrans_timer);
  if (s.slla) put_lladdr_option(m, kNdOptSourceLinkAddr, s.src_mac);
  if (s.mtu) {
    m.insert(m.end(), {kNdOptMtu, 1, 0, 0});
    put32(m, *s.mtu);
  }
  for (const auto& pi : s.prefixes) {
    std::uint8_t pflags = 0;
    if (pi.on_link) pflags |= 0x80;
    if (pi.autonomous) pflags |= 0x40;
    if (pi.router_address) pflags |= 0x20;
    m.insert(m.end(), {kNdOptPrefixInfo, 4, pi.prefix.len(), pflags});
    put32(m, pi.valid_lifetime);
    put32(m, pi.preferred_lifetime);
    put32(m, 0);
    put_addr(m, pi.prefix.network().addr());
  }
  for (const auto& dns : s.rdnss) {
    m.push_back(kNdOptRdnss);
    m.push_back(static_cast<std::uint8_t>(1 + 2 * dns.servers.size()));
    put16(m, 0);
    put32(m, dns.lifetime);
    for (const auto& server : dns.servers) put_addr(m, server);
  }
  const IpAddr dst = s.dst.value_or(all_nodes());
  const MacAddr eth_dst = s.dst_mac.value_or(multicast_mac(dst));
  return icmpv6(eth_dst, s.src_mac, s.src, dst, kNdHopLimit, m);
}

std::vector<std::uint8_t> icmpv6_echo(const EchoSpec& s) {
  std::vector<std::uint8_t> m{s.reply ? kIcmp6EchoReply : kIcmp6EchoRequest, 0, 0, 0};
  put16(m, s.id);
  put16(m, s.seq);
  put(m, s.payload);
  return icmpv6(s.eth_dst, s.eth_src, s.src, s.dst, s.ttl, m);
}

std::vector<std::uint8_t> mldv2_report(const MacAddr& src_mac, const IpAddr& src, std::span<const IpAddr> groups,
                                       std::uint8_t record_type) {
  const IpAddr dst = all_mldv2_routers();
  std::vector<std::uint8_t> m{kMld2Report, 0, 0, 0, 0, 0};
  put16(m, static_cast<std::uint16_t>(groups.size()));
  for (const auto& group : groups) {
    m.insert(m.end(), {record_type, 0, 0, 0});  // no auxiliary data, no sources
    put_addr(m, group);
  }
  finish_icmpv6(src, dst, m);
  // Hop-by-hop header: router alert "MLD" (value 0) and a 2-byte PadN, as Linux sends it.
  std::vector<std::uint8_t> payload{kIpProtoIcmpv6, 0, kHbhRouterAlert, 2, 0, 0, 1, 0};
  put(payload, m);
  auto packet = ipv6_header(src, dst, kIpProtoHopByHop, kMldHopLimit, payload.size());
  put(packet, payload);
  return ethernet(multicast_mac(dst), src_mac, kEtherIpv6, packet);
}

}  // namespace netlab::frames
