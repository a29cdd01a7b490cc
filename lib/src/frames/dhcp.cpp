// DHCPv4 client frames and the light parse of a server's answer, behind
// frames_dhcp.hpp. RFC 2131 (the exchange, which fields each message
// carries: its table 5), RFC 2132 (the options), RFC 951 (the BOOTP header),
// RFC 768 (UDP and its checksum). The answer is read through ByteReader and
// the option walker the decoder uses (proto/options.hpp kDhcpOptions), so a
// hostile answer is rejected, never read past.
#include <netlab/frames.hpp>
#include <netlab/frames_dhcp.hpp>

#include "frames/bytes.hpp"
#include "proto/byte_reader.hpp"
#include "proto/options.hpp"
#include "proto/proto.hpp"

#include <algorithm>
#include <array>

namespace netlab::frames {
namespace {

using detail::mac_from;
using detail::put;
using detail::put16;
using detail::put32;

constexpr std::uint8_t kIpProtoUdp = 17;
constexpr std::uint8_t kBootRequest = 1, kBootReply = 2;
constexpr std::uint32_t kMagicCookie = 0x63825363;  // RFC 2131 3
// The BOOTP header (RFC 951): offsets into the message.
constexpr std::size_t kSname = 44, kFile = 108, kOptions = 240;
constexpr std::size_t kSnameLen = 64, kFileLen = 128;
// RFC 1542 2.1: a BOOTP message is at least 300 bytes; some relays and
// servers drop shorter ones, so the option area is padded up to it.
constexpr std::size_t kMinBootp = 300;

// The option numbers used here (RFC 2132).
enum Opt : std::uint8_t {
  kPad = 0,
  kMask = 1,
  kRouter = 3,
  kDns = 6,
  kHostname = 12,
  kDomain = 15,
  kRequested = 50,
  kLease = 51,
  kOverload = 52,
  kMsgType = 53,
  kServerId = 54,
  kParamList = 55,
  kMessage = 56,
  kRenewal = 58,
  kRebinding = 59,
  kClientId = 61,
  kEnd = 255,
};

// What a client asks for: what `dhcp probe` reports (RFC 2132 9.8).
constexpr std::array<std::uint8_t, 8> kParameters = {kMask, kRouter, kDns, kDomain,
                                                     kLease, kServerId, kRenewal, kRebinding};

void put_option(std::vector<std::uint8_t>& out, std::uint8_t code, std::span<const std::uint8_t> value) {
  out.push_back(code);
  out.push_back(static_cast<std::uint8_t>(std::min<std::size_t>(value.size(), 255)));
  put(out, value.first(std::min<std::size_t>(value.size(), 255)));
}

IpAddr zero_v4() { return ipv4_any(); }
IpAddr ipv4_from(std::span<const std::uint8_t> b) { return IpAddr::v4(b.first<4>()); }

// The RFC 768 checksum over the IPv4 pseudo-header and the UDP datagram
// (checksum field zero); 0 is sent as 0xffff.
std::uint16_t udp_checksum(const IpAddr& src, const IpAddr& dst, std::span<const std::uint8_t> udp) {
  std::uint32_t sum = proto::ones_sum(src.bytes());
  sum = proto::ones_sum(dst.bytes(), sum);
  sum += kIpProtoUdp;
  sum += static_cast<std::uint32_t>(udp.size());
  const std::uint16_t c = proto::fold_checksum(proto::ones_sum(udp, sum));
  return c == 0 ? 0xffff : c;
}

// A text option as a printable string: the trailing NULs some servers add
// are dropped, other control bytes shown as '.', so a hostile server cannot
// write escapes to a terminal.
std::string printable(std::span<const std::uint8_t> v) {
  while (!v.empty() && v.back() == 0) v = v.first(v.size() - 1);
  std::string s;
  s.reserve(v.size());
  for (std::uint8_t c : v) s.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.');
  return s;
}

// Reads the options of one list into `d`. false when the list is malformed
// (an option cut or running past the list) or a known option has a length
// its type does not allow; `overload` receives option 52.
bool read_options(proto::Bytes list, DhcpReply& d, std::uint8_t& overload) {
  proto::TlvWalker walk(proto::kDhcpOptions, list);
  while (auto t = walk.next()) {
    if (t->header >= 1 && t->type == kEnd) return true;  // END has no length byte
    if (t->status != proto::TlvStatus::Ok) return false;
    if (t->header == 1) continue;  // PAD
    const auto v = t->value;
    const auto addrs = [&](std::vector<IpAddr>& out) {
      if (v.empty() || v.size() % 4 != 0) return false;
      for (std::size_t i = 0; i < v.size(); i += 4) out.push_back(ipv4_from(v.subspan(i, 4)));
      return true;
    };
    const auto u32 = [&](std::optional<std::uint32_t>& out) {
      if (v.size() != 4) return false;
      out = proto::be32_at(v, 0);
      return true;
    };
    const auto addr = [&](std::optional<IpAddr>& out) {
      if (v.size() != 4) return false;
      out = ipv4_from(v);
      return true;
    };
    bool ok = true;
    switch (t->type) {
      case kMsgType:
        ok = v.size() == 1;
        if (ok) d.type = v[0];
        break;
      case kServerId: ok = addr(d.server_id); break;
      case kMask: ok = addr(d.mask); break;
      case kRouter: ok = addrs(d.routers); break;
      case kDns: ok = addrs(d.dns); break;
      case kDomain: d.domain = printable(v); break;
      case kMessage: d.message = printable(v); break;
      case kLease: ok = u32(d.lease_time); break;
      case kRenewal: ok = u32(d.renewal); break;
      case kRebinding: ok = u32(d.rebinding); break;
      case kOverload:
        ok = v.size() == 1;
        if (ok) overload = v[0];
        break;
      default: break;
    }
    if (!ok) return false;
  }
  return true;  // the list used up without END: accepted, as most clients do
}

std::optional<DhcpReply> parse_bootp(proto::ByteReader r, DhcpReply d) {
  const proto::Bytes msg = r.rest();
  d.op = r.u8();
  const std::uint8_t htype = r.u8(), hlen = r.u8();
  r.skip(1);  // hops
  d.xid = r.be32();
  r.skip(2);  // secs
  d.flags = r.be16();
  d.ciaddr = ipv4_from(r.bytes(4));
  d.yiaddr = ipv4_from(r.bytes(4));
  d.siaddr = ipv4_from(r.bytes(4));
  d.giaddr = ipv4_from(r.bytes(4));
  const auto chaddr = r.bytes(16);
  if (htype == 1 && hlen == 6) d.chaddr = mac_from(chaddr);
  r.skip(kSnameLen + kFileLen);
  if (d.op != kBootReply || r.be32() != kMagicCookie) return std::nullopt;
  std::uint8_t overload = 0;
  if (!read_options(r.rest(), d, overload)) return std::nullopt;
  // RFC 2131 4.1: the file field is read before sname.
  std::uint8_t ignored = 0;
  if ((overload & 1) && !read_options(proto::sub(msg, kFile, kFileLen), d, ignored)) return std::nullopt;
  if ((overload & 2) && !read_options(proto::sub(msg, kSname, kSnameLen), d, ignored)) return std::nullopt;
  return d;
}

}  // namespace

std::string dhcp_type_name(std::uint8_t type) {
  static constexpr const char* kNames[] = {"DISCOVER", "OFFER", "REQUEST", "DECLINE",
                                           "ACK",      "NAK",   "RELEASE", "INFORM"};
  if (type >= 1 && type <= 8) return kNames[type - 1];
  return "type " + std::to_string(type);
}

std::vector<std::uint8_t> dhcp_client(const DhcpClientSpec& s) {
  const IpAddr src = s.ciaddr.value_or(zero_v4());
  const IpAddr dst = s.server.value_or(IpAddr::v4(std::array<std::uint8_t, 4>{0xff, 0xff, 0xff, 0xff}));

  std::vector<std::uint8_t> bootp;
  bootp.reserve(kMinBootp + 64);
  bootp.push_back(kBootRequest);
  bootp.push_back(1);  // htype Ethernet
  bootp.push_back(6);  // hlen
  bootp.push_back(0);  // hops
  put32(bootp, s.xid);
  put16(bootp, s.secs);
  put16(bootp, 0);  // flags: no broadcast bit, as most clients (answers come unicast to chaddr)
  put(bootp, src.bytes());          // ciaddr
  put(bootp, zero_v4().bytes());    // yiaddr
  put(bootp, zero_v4().bytes());    // siaddr
  put(bootp, zero_v4().bytes());    // giaddr
  put(bootp, s.mac.bytes());        // chaddr, padded to 16
  bootp.resize(bootp.size() + 10 + kSnameLen + kFileLen, 0);
  put32(bootp, kMagicCookie);

  const std::array<std::uint8_t, 1> type{static_cast<std::uint8_t>(s.type)};
  put_option(bootp, kMsgType, type);
  std::array<std::uint8_t, 7> client_id{1};  // RFC 2132 9.14: hardware type 1, then the MAC
  std::copy(s.mac.bytes().begin(), s.mac.bytes().end(), client_id.begin() + 1);
  put_option(bootp, kClientId, client_id);
  if (s.requested) put_option(bootp, kRequested, s.requested->bytes());
  if (s.server_id) put_option(bootp, kServerId, s.server_id->bytes());
  if (!s.hostname.empty())
    put_option(bootp, kHostname,
               std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.hostname.data()),
                                             s.hostname.size()));
  if (s.type == DhcpType::Discover || s.type == DhcpType::Request) put_option(bootp, kParamList, kParameters);
  bootp.push_back(kEnd);
  if (bootp.size() < kMinBootp) bootp.resize(kMinBootp, kPad);

  std::vector<std::uint8_t> udp;
  udp.reserve(8 + bootp.size());
  put16(udp, kDhcpClientPort);
  put16(udp, kDhcpServerPort);
  put16(udp, static_cast<std::uint16_t>(8 + bootp.size()));
  put16(udp, 0);
  put(udp, bootp);
  const auto ucsum = udp_checksum(src, dst, udp);
  udp[6] = static_cast<std::uint8_t>(ucsum >> 8);
  udp[7] = static_cast<std::uint8_t>(ucsum & 0xff);

  std::vector<std::uint8_t> ip;
  ip.reserve(20 + udp.size());
  ip.push_back(0x45);
  ip.push_back(0x10);  // TOS low delay, as ISC dhclient and udhcpc send it
  put16(ip, static_cast<std::uint16_t>(20 + udp.size()));
  put16(ip, static_cast<std::uint16_t>(s.xid & 0xffff));  // identification: any value
  put16(ip, 0);
  ip.push_back(64);
  ip.push_back(kIpProtoUdp);
  put16(ip, 0);
  put(ip, src.bytes());
  put(ip, dst.bytes());
  const auto hsum = internet_checksum(std::span<const std::uint8_t>(ip.data(), 20));
  ip[10] = static_cast<std::uint8_t>(hsum >> 8);
  ip[11] = static_cast<std::uint8_t>(hsum & 0xff);
  put(ip, udp);
  return ethernet(s.server_mac.value_or(broadcast_mac()), s.mac, kEtherIpv4, ip);
}

std::optional<DhcpReply> parse_dhcp(std::span<const std::uint8_t> frame) {
  const auto p = parse(frame);
  if (!p || !p->ipv4 || p->ipv4->protocol != kIpProtoUdp) return std::nullopt;
  if (p->ipv4->more_fragments || p->ipv4->fragment_offset != 0) return std::nullopt;  // one datagram, whole
  DhcpReply d;
  d.eth_src = p->eth_src;
  d.ip_src = p->ipv4->src;
  d.ip_dst = p->ipv4->dst;
  try {
    proto::ByteReader udp(p->l3_payload);
    udp.skip(2);  // source port: a relay answers from 67, a server may not
    if (udp.be16() != kDhcpClientPort) return std::nullopt;
    const std::uint16_t length = udp.be16();
    // The checksum is not checked: a packet socket sees the frame before
    // the stack does, and one from a server on this host may still carry
    // an unfinished (CHECKSUM_PARTIAL) checksum on a veth.
    udp.skip(2);
    if (length < 8 || length > p->l3_payload.size()) return std::nullopt;
    udp.limit(length - 8u);
    return parse_bootp(udp, d);
  } catch (const proto::Truncated&) {
    return std::nullopt;
  }
}

}  // namespace netlab::frames
