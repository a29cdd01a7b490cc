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
      case kRequested: ok = addr(d.requested); break;
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

std::optional<DhcpReply> parse_bootp(proto::ByteReader r, DhcpReply d, std::uint8_t want_op) {
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
  if (d.op != want_op || r.be32() != kMagicCookie) return std::nullopt;
  std::uint8_t overload = 0;
  if (!read_options(r.rest(), d, overload)) return std::nullopt;
  // RFC 2131 4.1: the file field is read before sname.
  std::uint8_t ignored = 0;
  if ((overload & 1) && !read_options(proto::sub(msg, kFile, kFileLen), d, ignored)) return std::nullopt;
  if ((overload & 2) && !read_options(proto::sub(msg, kSname, kSnameLen), d, ignored)) return std::nullopt;
  return d;
}

// The fixed BOOTP header (RFC 951) up to and including the magic cookie.
struct BootpHeader {
  std::uint8_t op = kBootRequest;
  std::uint32_t xid = 0;
  std::uint16_t secs = 0, flags = 0;
  IpAddr ciaddr = zero_v4(), yiaddr = zero_v4();
  MacAddr chaddr;
};
std::vector<std::uint8_t> bootp_header(const BootpHeader& h) {
  std::vector<std::uint8_t> bootp;
  bootp.reserve(kMinBootp + 64);
  bootp.push_back(h.op);
  bootp.push_back(1);  // htype Ethernet
  bootp.push_back(6);  // hlen
  bootp.push_back(0);  // hops
  put32(bootp, h.xid);
  put16(bootp, h.secs);
  put16(bootp, h.flags);
  put(bootp, h.ciaddr.bytes());
  put(bootp, h.yiaddr.bytes());
  put(bootp, zero_v4().bytes());  // siaddr
  put(bootp, zero_v4().bytes());  // giaddr
  put(bootp, h.chaddr.bytes());   // chaddr, padded to 16
  bootp.resize(bootp.size() + 10 + kSnameLen + kFileLen, 0);
  put32(bootp, kMagicCookie);
  return bootp;
}

// Ends the option list and pads the message to RFC 1542's minimum.
void end_options(std::vector<std::uint8_t>& bootp) {
  bootp.push_back(kEnd);
  if (bootp.size() < kMinBootp) bootp.resize(kMinBootp, kPad);
}

// Wraps a BOOTP message in UDP (with its checksum), IPv4 (TTL 64, header
// checksum, TOS low delay as ISC dhclient and udhcpc send it) and Ethernet.
struct Envelope {
  MacAddr dst_mac, src_mac;
  IpAddr src, dst;
  std::uint16_t sport = 0, dport = 0, ident = 0;
};
std::vector<std::uint8_t> udp_frame(const Envelope& e, const std::vector<std::uint8_t>& bootp) {
  std::vector<std::uint8_t> udp;
  udp.reserve(8 + bootp.size());
  put16(udp, e.sport);
  put16(udp, e.dport);
  put16(udp, static_cast<std::uint16_t>(8 + bootp.size()));
  put16(udp, 0);
  put(udp, bootp);
  const auto ucsum = udp_checksum(e.src, e.dst, udp);
  udp[6] = static_cast<std::uint8_t>(ucsum >> 8);
  udp[7] = static_cast<std::uint8_t>(ucsum & 0xff);

  std::vector<std::uint8_t> ip;
  ip.reserve(20 + udp.size());
  ip.push_back(0x45);
  ip.push_back(0x10);
  put16(ip, static_cast<std::uint16_t>(20 + udp.size()));
  put16(ip, e.ident);  // identification: any value
  put16(ip, 0);
  ip.push_back(64);
  ip.push_back(kIpProtoUdp);
  put16(ip, 0);
  put(ip, e.src.bytes());
  put(ip, e.dst.bytes());
  const auto hsum = internet_checksum(std::span<const std::uint8_t>(ip.data(), 20));
  ip[10] = static_cast<std::uint8_t>(hsum >> 8);
  ip[11] = static_cast<std::uint8_t>(hsum & 0xff);
  put(ip, udp);
  return ethernet(e.dst_mac, e.src_mac, kEtherIpv4, ip);
}

IpAddr limited_broadcast() { return IpAddr::v4(std::array<std::uint8_t, 4>{0xff, 0xff, 0xff, 0xff}); }

void put_u32_option(std::vector<std::uint8_t>& out, std::uint8_t code, std::uint32_t v) {
  const std::array<std::uint8_t, 4> b{static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                                      static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
  put_option(out, code, b);
}

void put_addrs_option(std::vector<std::uint8_t>& out, std::uint8_t code, const std::vector<IpAddr>& addrs) {
  std::vector<std::uint8_t> v;
  for (const auto& a : addrs)
    if (a.is_v4() && v.size() + 4 <= 252) put(v, a.bytes());
  if (!v.empty()) put_option(out, code, v);
}

std::optional<DhcpReply> parse_message(std::span<const std::uint8_t> frame, std::uint16_t port, std::uint8_t op) {
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
    if (udp.be16() != port) return std::nullopt;
    const std::uint16_t length = udp.be16();
    // The checksum is not checked: a packet socket sees the frame before
    // the stack does, and one from a server on this host may still carry
    // an unfinished (CHECKSUM_PARTIAL) checksum on a veth.
    udp.skip(2);
    if (length < 8 || length > p->l3_payload.size()) return std::nullopt;
    udp.limit(length - 8u);
    return parse_bootp(udp, d, op);
  } catch (const proto::Truncated&) {
    return std::nullopt;
  }
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
  BootpHeader h;
  h.xid = s.xid;
  h.secs = s.secs;
  h.flags = 0;  // no broadcast bit, as most clients (answers come unicast to chaddr)
  h.ciaddr = src;
  h.chaddr = s.mac;
  std::vector<std::uint8_t> bootp = bootp_header(h);

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
  end_options(bootp);

  Envelope e;
  e.dst_mac = s.server_mac.value_or(broadcast_mac());
  e.src_mac = s.mac;
  e.src = src;
  e.dst = s.server.value_or(limited_broadcast());
  e.sport = kDhcpClientPort;
  e.dport = kDhcpServerPort;
  e.ident = static_cast<std::uint16_t>(s.xid & 0xffff);
  return udp_frame(e, bootp);
}

std::vector<std::uint8_t> dhcp_server(const DhcpServerSpec& s) {
  BootpHeader h;
  h.op = kBootReply;
  h.xid = s.xid;
  h.flags = s.flags;
  h.ciaddr = s.ciaddr.is_v4() ? s.ciaddr : zero_v4();
  h.yiaddr = s.yiaddr.is_v4() ? s.yiaddr : zero_v4();
  h.chaddr = s.chaddr;
  std::vector<std::uint8_t> bootp = bootp_header(h);
  const std::array<std::uint8_t, 1> type{static_cast<std::uint8_t>(s.type)};
  put_option(bootp, kMsgType, type);
  if (s.server.is_v4()) put_option(bootp, kServerId, s.server.bytes());
  if (s.lease_time) put_u32_option(bootp, kLease, *s.lease_time);
  if (s.renewal) put_u32_option(bootp, kRenewal, *s.renewal);
  if (s.rebinding) put_u32_option(bootp, kRebinding, *s.rebinding);
  if (s.mask) put_option(bootp, kMask, s.mask->bytes());
  put_addrs_option(bootp, kRouter, s.routers);
  put_addrs_option(bootp, kDns, s.dns);
  if (!s.message.empty())
    put_option(bootp, kMessage,
               std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.message.data()), s.message.size()));
  end_options(bootp);

  Envelope e;
  e.src_mac = s.server_mac;
  e.src = s.server.is_v4() ? s.server : zero_v4();
  e.sport = kDhcpServerPort;
  e.dport = kDhcpClientPort;
  e.ident = static_cast<std::uint16_t>(s.xid & 0xffff);
  const bool has_ciaddr = s.ciaddr.is_v4() && !(s.ciaddr == zero_v4());
  if (s.type == DhcpType::Nak || (!has_ciaddr && (s.flags & 0x8000))) {
    e.dst_mac = broadcast_mac();
    e.dst = limited_broadcast();
  } else {
    e.dst_mac = s.chaddr;
    e.dst = has_ciaddr ? s.ciaddr : h.yiaddr;
  }
  return udp_frame(e, bootp);
}

std::optional<DhcpReply> parse_dhcp(std::span<const std::uint8_t> frame) {
  return parse_message(frame, kDhcpClientPort, kBootReply);
}

std::optional<DhcpReply> parse_dhcp_request(std::span<const std::uint8_t> frame) {
  return parse_message(frame, kDhcpServerPort, kBootRequest);
}

}  // namespace netlab::frames
