// Frame building and the light field parse behind frames.hpp. Parsing goes
// through ByteReader like every other decoder, so a short or hostile frame
// leaves the deeper layers empty instead of reading past the capture.
#include <netlab/frames.hpp>

#include "frames/bytes.hpp"
#include "proto/byte_reader.hpp"
#include "proto/proto.hpp"

#include <algorithm>
#include <array>

namespace netlab::frames {
namespace {

constexpr std::size_t kEthernetHeader = 14;
constexpr std::size_t kMinFrame = 60;  // without FCS
constexpr std::uint16_t kEtherVlan = 0x8100;
constexpr std::uint16_t kEtherQinQ = 0x88a8;

using detail::mac_from;
using detail::put;
using detail::put16;

IpAddr ipv4_from(std::span<const std::uint8_t> b) { return IpAddr::v4(b.first<4>()); }

void parse_arp(proto::ByteReader r, Parsed& p) {
  proto::ArpL a;
  proto::read_arp(r, a);  // the decoder's reader: Truncated unless all four addresses were captured
  if (a.htype != 1 || a.ptype != kEtherIpv4 || a.hlen != 6 || a.plen != 4) return;  // not Ethernet/IPv4 ARP
  Arp arp;
  arp.op = a.op;
  arp.sha = mac_from(a.sha);
  arp.spa = ipv4_from(a.spa);
  arp.tha = mac_from(a.tha);
  arp.tpa = ipv4_from(a.tpa);
  p.arp = arp;
}

void parse_ipv4(proto::ByteReader r, Parsed& p) {
  const auto vihl = r.u8();
  if ((vihl >> 4) != 4) return;
  const std::size_t ihl = std::size_t(vihl & 0x0f) * 4;
  if (ihl < 20) return;
  Ipv4 ip;
  r.skip(1);  // TOS
  ip.total_length = r.be16();
  ip.id = r.be16();
  const auto frag = r.be16();
  ip.dont_fragment = frag & 0x4000;
  ip.more_fragments = frag & 0x2000;
  ip.fragment_offset = frag & 0x1fff;
  ip.ttl = r.u8();
  ip.protocol = r.u8();
  r.skip(2);  // checksum
  ip.src = ipv4_from(r.bytes(4));
  ip.dst = ipv4_from(r.bytes(4));
  p.ipv4 = ip;
  r.skip(ihl - 20);
  // Clamp to the stated length so Ethernet padding is never read as payload.
  const std::size_t payload_len = ip.total_length > ihl ? ip.total_length - ihl : 0;
  auto payload = r.clamp(payload_len);
  p.l3_payload = payload.rest();
  if (ip.protocol != kIpProtoIcmp || ip.fragment_offset != 0) return;
  Icmp icmp;
  icmp.type = payload.u8();
  icmp.code = payload.u8();
  payload.skip(2);
  if (icmp.type == kIcmpEchoRequest || icmp.type == kIcmpEchoReply) {
    icmp.id = payload.be16();
    icmp.seq = payload.be16();
  }
  p.icmp = icmp;
}

}  // namespace

MacAddr broadcast_mac() noexcept { return MacAddr({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}); }

IpAddr ipv4_any() noexcept {
  const std::array<std::uint8_t, 4> zero{};
  return IpAddr::v4(zero);
}

bool Arp::is_probe() const noexcept { return op == kArpRequest && spa == ipv4_any(); }
bool Arp::is_gratuitous() const noexcept { return spa == tpa && !(spa == ipv4_any()); }

std::optional<Parsed> parse(std::span<const std::uint8_t> frame) {
  proto::ByteReader r(frame);
  if (!r.has(kEthernetHeader)) return std::nullopt;
  Parsed p;
  p.eth_dst = mac_from(r.bytes(6));
  p.eth_src = mac_from(r.bytes(6));
  try {
    p.ethertype = r.be16();
    while (p.ethertype == kEtherVlan || p.ethertype == kEtherQinQ) {
      const auto tci = r.be16();
      if (!p.vlan) p.vlan = static_cast<std::uint16_t>(tci & 0x0fff);
      p.ethertype = r.be16();
    }
    if (p.ethertype == kEtherArp) parse_arp(r, p);
    else if (p.ethertype == kEtherIpv4) parse_ipv4(r, p);
    else if (p.ethertype == kEtherIpv6) parse_ipv6(r.rest(), p);
  } catch (const proto::Truncated&) {
    // The layers read so far stay; the cut one stays empty.
  }
  return p;
}

std::vector<std::uint8_t> ethernet(const MacAddr& dst, const MacAddr& src, std::uint16_t ethertype,
                                   std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> out;
  out.reserve(std::max(kMinFrame, kEthernetHeader + payload.size()));
  put(out, dst.bytes());
  put(out, src.bytes());
  put16(out, ethertype);
  put(out, payload);
  if (out.size() < kMinFrame) out.resize(kMinFrame, 0);
  return out;
}

std::vector<std::uint8_t> arp(const MacAddr& eth_dst, const MacAddr& eth_src, const Arp& a) {
  std::vector<std::uint8_t> body;
  body.reserve(28);
  put16(body, 1);           // htype Ethernet
  put16(body, kEtherIpv4);  // ptype IPv4
  body.push_back(6);
  body.push_back(4);
  put16(body, a.op);
  put(body, a.sha.bytes());
  put(body, a.spa.bytes());
  put(body, a.tha.bytes());
  put(body, a.tpa.bytes());
  return ethernet(eth_dst, eth_src, kEtherArp, body);
}

std::vector<std::uint8_t> arp_request(const MacAddr& src_mac, const IpAddr& src_ip, const IpAddr& target) {
  Arp a;
  a.op = kArpRequest;
  a.sha = src_mac;
  a.spa = src_ip.is_v4() ? src_ip : ipv4_any();
  a.tpa = target;
  return arp(broadcast_mac(), src_mac, a);
}

std::vector<std::uint8_t> arp_reply_to(const Arp& request, const MacAddr& mac) {
  Arp a;
  a.op = kArpReply;
  a.sha = mac;
  a.spa = request.tpa;
  a.tha = request.sha;
  a.tpa = request.spa;
  return arp(request.sha, mac, a);
}

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes) noexcept {
  return proto::fold_checksum(proto::ones_sum(bytes));  // the decoder's RFC 1071 sum
}

std::vector<std::uint8_t> icmp_echo(const EchoSpec& s) {
  std::vector<std::uint8_t> icmp;
  icmp.reserve(8 + s.payload.size());
  icmp.push_back(s.reply ? kIcmpEchoReply : kIcmpEchoRequest);
  icmp.push_back(0);
  put16(icmp, 0);
  put16(icmp, s.id);
  put16(icmp, s.seq);
  put(icmp, s.payload);
  const auto icsum = internet_checksum(icmp);
  icmp[2] = static_cast<std::uint8_t>(icsum >> 8);
  icmp[3] = static_cast<std::uint8_t>(icsum & 0xff);

  std::vector<std::uint8_t> ip;
  ip.reserve(20 + icmp.size());
  ip.push_back(0x45);
  ip.push_back(0);
  put16(ip, static_cast<std::uint16_t>(20 + icmp.size()));
  put16(ip, s.seq);  // identification: any value; the sequence keeps it varied
  put16(ip, s.dont_fragment ? 0x4000 : 0);
  ip.push_back(s.ttl);
  ip.push_back(kIpProtoIcmp);
  put16(ip, 0);
  put(ip, s.src.bytes());
  put(ip, s.dst.bytes());
  const auto hsum = internet_checksum(std::span<const std::uint8_t>(ip.data(), 20));
  ip[10] = static_cast<std::uint8_t>(hsum >> 8);
  ip[11] = static_cast<std::uint8_t>(hsum & 0xff);
  put(ip, icmp);
  return ethernet(s.eth_dst, s.eth_src, kEtherIpv4, ip);
}

}  // namespace netlab::frames
