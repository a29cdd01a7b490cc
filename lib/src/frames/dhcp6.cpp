// DHCPv6 client SOLICIT, REQUEST and RELEASE, and the light parse of a
// server's ADVERTISE or REPLY, behind frames_dhcp.hpp. RFC 8415 (messages
// 7.3 and 8, 18.2.2 REQUEST, 18.2.7 RELEASE, options 21:
// client and server identifiers, IA_NA, IA Address, ORO, preference,
// elapsed time, status code), RFC 3646 (DNS servers, domain list), RFC 8200
// 8.1 (the UDP checksum over the IPv6 pseudo-header). The options are
// walked by the decoder's TlvWalker with kDhcp6Options, read through
// ByteReader; a hostile answer is rejected, never read past.
#include <netlab/frames.hpp>
#include <netlab/frames6.hpp>
#include <netlab/frames_dhcp.hpp>

#include "frames/bytes.hpp"
#include "proto/byte_reader.hpp"
#include "proto/options.hpp"
#include "proto/proto.hpp"

#include <algorithm>
#include <array>

namespace netlab::frames {
namespace {

using detail::put;
using detail::put16;
using detail::put32;

constexpr std::uint8_t kIpProtoUdp = 17;
enum Opt6 : std::uint16_t {
  kClientId = 1,
  kServerId = 2,
  kIaNa = 3,
  kIaAddr = 5,
  kOro = 6,
  kPreference = 7,
  kElapsed = 8,
  kStatus = 13,
  kDnsServers = 23,
  kDomainList = 24,
};

void put_option(std::vector<std::uint8_t>& out, std::uint16_t code, std::span<const std::uint8_t> value) {
  put16(out, code);
  put16(out, static_cast<std::uint16_t>(value.size()));
  put(out, value);
}

IpAddr ipv6_from(std::span<const std::uint8_t> b) { return IpAddr::v6(b.first<16>()); }

std::uint16_t udp6_checksum(const IpAddr& src, const IpAddr& dst, std::span<const std::uint8_t> udp) {
  std::uint32_t sum = proto::ones_sum(src.bytes());
  sum = proto::ones_sum(dst.bytes(), sum);
  const auto length = static_cast<std::uint32_t>(udp.size());
  sum += length >> 16;
  sum += length & 0xffff;
  sum += kIpProtoUdp;
  const std::uint16_t c = proto::fold_checksum(proto::ones_sum(udp, sum));
  return c == 0 ? 0xffff : c;  // RFC 8200 8.1: a zero result is sent as 0xffff
}

// RFC 1035 3.1 names as RFC 8415 10 carries them: labels up to a zero
// length, no compression. false for a pointer, a label past the value or
// a name without its end.
bool read_names(proto::Bytes v, std::vector<std::string>& out) {
  proto::ByteReader r(v);
  std::string name;
  while (r.remaining() > 0) {
    const std::uint8_t len = r.u8();
    if (len == 0) {
      out.push_back(name.empty() ? "." : name);
      name.clear();
      continue;
    }
    if (len > 63 || !r.has(len)) return false;
    if (!name.empty()) name += '.';
    for (std::uint8_t c : r.bytes(len)) name.push_back(c > 0x20 && c < 0x7f ? static_cast<char>(c) : '.');
  }
  return name.empty();
}

bool read_status(proto::Bytes v, std::optional<std::uint16_t>& code, std::string* message) {
  if (v.size() < 2) return false;
  code = proto::be16_at(v, 0);
  if (message) {
    message->clear();
    for (std::uint8_t c : v.subspan(2)) message->push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.');
  }
  return true;
}

// The IA_NA's own options (after IAID, T1, T2): addresses and a status.
bool read_ia_na(proto::Bytes v, Dhcp6Reply& d) {
  if (v.size() < 12) return false;
  d.iaid = proto::be32_at(v, 0);
  d.t1 = proto::be32_at(v, 4);
  d.t2 = proto::be32_at(v, 8);
  proto::TlvWalker walk(proto::kDhcp6Options, v.subspan(12));
  while (auto t = walk.next()) {
    if (t->status != proto::TlvStatus::Ok) return false;
    if (t->type == kIaAddr) {
      if (t->value.size() < 24) return false;
      Dhcp6Reply::Address a;
      a.address = ipv6_from(t->value);
      a.preferred = proto::be32_at(t->value, 16);
      a.valid = proto::be32_at(t->value, 20);
      d.addresses.push_back(a);
    } else if (t->type == kStatus) {
      if (!read_status(t->value, d.ia_status, nullptr)) return false;
    }
  }
  return true;
}

bool read_options(proto::Bytes list, Dhcp6Reply& d) {
  proto::TlvWalker walk(proto::kDhcp6Options, list);
  bool seen_ia = false;
  while (auto t = walk.next()) {
    if (t->status != proto::TlvStatus::Ok) return false;
    const auto v = t->value;
    bool ok = true;
    switch (t->type) {
      case kServerId: d.server_duid.assign(v.begin(), v.end()); break;
      case kClientId: d.client_duid.assign(v.begin(), v.end()); break;
      case kPreference:
        ok = v.size() == 1;
        if (ok) d.preference = v[0];
        break;
      case kStatus: ok = read_status(v, d.status, &d.status_message); break;
      case kIaNa:
        if (v.size() < 12) ok = false;      // IAID, T1, T2 at least, in every IA_NA
        else if (!seen_ia) ok = read_ia_na(v, d);  // one IA_NA was asked for: the first is ours
        seen_ia = true;
        break;
      case kDnsServers:
        ok = !v.empty() && v.size() % 16 == 0;
        for (std::size_t i = 0; ok && i < v.size(); i += 16) d.dns.push_back(ipv6_from(v.subspan(i, 16)));
        break;
      case kDomainList: ok = read_names(v, d.domains); break;
      default: break;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string dhcp6_type_name(std::uint8_t type) {
  static constexpr const char* kNames[] = {"SOLICIT", "ADVERTISE", "REQUEST", "CONFIRM", "RENEW",  "REBIND",
                                           "REPLY",   "RELEASE",   "DECLINE", "RECONFIGURE", "INFORMATION-REQUEST"};
  if (type >= 1 && type <= 11) return kNames[type - 1];
  return "type " + std::to_string(type);
}

std::vector<std::uint8_t> duid_ll(const MacAddr& mac) {
  std::vector<std::uint8_t> d{0, 3, 0, 1};  // DUID-LL, hardware type Ethernet
  put(d, mac.bytes());
  return d;
}

namespace {

// One client message (SOLICIT, REQUEST, RELEASE): the options in the order
// RFC 8415's examples list them, then IPv6/UDP to ff02::1:2.
std::vector<std::uint8_t> client_message(std::uint8_t type, const MacAddr& mac, std::uint32_t xid, std::uint32_t iaid,
                                         std::uint16_t elapsed_cs, std::span<const std::uint8_t> server_duid,
                                         const std::vector<IpAddr>& addresses) {
  std::vector<std::uint8_t> msg;
  msg.push_back(type);
  msg.push_back(static_cast<std::uint8_t>(xid >> 16));
  msg.push_back(static_cast<std::uint8_t>(xid >> 8));
  msg.push_back(static_cast<std::uint8_t>(xid));
  put_option(msg, kClientId, duid_ll(mac));
  if (type != kDhcp6Solicit) put_option(msg, kServerId, server_duid);
  std::array<std::uint8_t, 2> elapsed{static_cast<std::uint8_t>(elapsed_cs >> 8),
                                      static_cast<std::uint8_t>(elapsed_cs & 0xff)};
  put_option(msg, kElapsed, elapsed);
  std::vector<std::uint8_t> ia;
  put32(ia, iaid);
  put32(ia, 0);  // T1: the server's choice
  put32(ia, 0);  // T2
  for (const auto& a : addresses) {
    if (a.bytes().size() != 16) continue;  // an IPv4 address has no place here
    std::vector<std::uint8_t> iaaddr(a.bytes().begin(), a.bytes().end());
    put32(iaaddr, 0);  // preferred lifetime
    put32(iaaddr, 0);  // valid lifetime
    put_option(ia, kIaAddr, iaaddr);
  }
  put_option(msg, kIaNa, ia);
  if (type != kDhcp6Release) {
    const std::array<std::uint8_t, 4> oro{0, kDnsServers, 0, kDomainList};
    put_option(msg, kOro, oro);
  }

  const IpAddr src = link_local_from_mac(mac);
  const IpAddr dst = IpAddr::parse("ff02::1:2").value();
  std::vector<std::uint8_t> udp;
  put16(udp, kDhcp6ClientPort);
  put16(udp, kDhcp6ServerPort);
  put16(udp, static_cast<std::uint16_t>(8 + msg.size()));
  put16(udp, 0);
  put(udp, msg);
  const auto c = udp6_checksum(src, dst, udp);
  udp[6] = static_cast<std::uint8_t>(c >> 8);
  udp[7] = static_cast<std::uint8_t>(c & 0xff);
  return ethernet(multicast_mac(dst), mac, kEtherIpv6, ipv6_packet(src, dst, kIpProtoUdp, 1, udp));
}

}  // namespace

std::vector<std::uint8_t> dhcp6_solicit(const Dhcp6SolicitSpec& s) {
  return client_message(kDhcp6Solicit, s.mac, s.xid, s.iaid, s.elapsed_cs, {}, {});
}

std::vector<std::uint8_t> dhcp6_client(const Dhcp6ClientSpec& s) {
  return client_message(s.type, s.mac, s.xid, s.iaid, s.elapsed_cs, s.server_duid, s.addresses);
}

std::optional<Dhcp6Reply> parse_dhcp6(std::span<const std::uint8_t> frame) {
  const auto p = parse(frame);
  if (!p || !p->ipv6 || p->ipv6->upper_protocol != kIpProtoUdp || p->ipv6->fragment) return std::nullopt;
  Dhcp6Reply d;
  d.eth_src = p->eth_src;
  d.ip_src = p->ipv6->src;
  d.ip_dst = p->ipv6->dst;
  try {
    proto::ByteReader udp(p->ipv6->payload);
    udp.skip(2);
    if (udp.be16() != kDhcp6ClientPort) return std::nullopt;
    const std::uint16_t length = udp.be16();
    udp.skip(2);  // checksum: not checked, as for DHCPv4 (a packet socket sees the frame first)
    if (length < 8 || length > p->ipv6->payload.size()) return std::nullopt;
    udp.limit(length - 8u);
    d.type = udp.u8();
    // Relay messages (12, 13) have another layout; a client never gets one.
    if (d.type == 12 || d.type == 13 || d.type == kDhcp6Solicit) return std::nullopt;
    d.xid = udp.be24();
    if (!read_options(udp.rest(), d)) return std::nullopt;
    return d;
  } catch (const proto::Truncated&) {
    return std::nullopt;
  }
}

}  // namespace netlab::frames
