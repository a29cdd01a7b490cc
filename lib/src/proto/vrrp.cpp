// VRRP: version 2 (RFC 3768: authentication type, advertisement interval
// in seconds, IPv4 only) and version 3 (RFC 5798: interval in centiseconds,
// the checksum over a pseudo-header, IPv4 or IPv6), IP protocol 112. The
// text follows tcpdump 4.99.3's print-vrrp.c: "VRRPv2, Advertisement, vrid
// 42, prio 191, authtype simple, intvl 10s, length 28", a TTL other than
// RFC 5798's 255 said, and under -v a bad checksum, the addresses and a
// simple password.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr Tok kAuthTypes[] = {{0, "none"}, {1, "simple"}, {2, "ah"}};

}  // namespace

void decode_vrrp(Ctx& c, ByteReader r, std::uint32_t length, std::size_t ip) {
  c.d.trunc_proto = "vrrp";
  bool v6 = is<Ipv6L>(c.d, ip);
  std::uint8_t ttl = v6 ? at<Ipv6L>(c.d, ip).hlim : at<Ipv4L>(c.d, ip).ttl;
  auto& v = c.d.push<VrrpL>();
  v.msg = r.rest();
  v.length = length;
  v.ttl = ttl;
  v.v6 = v6;
  if (!c.opt.verbose || v.msg.empty() || v.msg.size() < length) return;
  // tcpdump checks only a message captured whole: version 2 over the
  // message, version 3 over the IP pseudo-header too.
  unsigned version = v.msg[0] >> 4;
  if (version == 2) {
    v.computed = fold_checksum(ones_sum(v.msg.first(length)));
    v.sum_checked = true;
  } else if (version == 3) {
    v.computed = l4_checksum(c.d, ip, 112, v.msg.first(length));
    v.sum_checked = true;
  }
}

void print_vrrp(PrintCtx& p, std::size_t i) {
  p.proto = "vrrp";
  const auto& v = at<VrrpL>(p.d, i);
  Bytes m = v.msg;
  Out& o = p.o;
  o << "VRRP";
  std::uint8_t first = sub(m, 0, 1)[0];
  unsigned version = first >> 4, type = first & 0x0fu;
  o << 'v';
  o.u(version) << ", ";
  if (type == 1) o << "Advertisement";
  else o << "unknown type (", o.u(type) << ')';
  if (v.ttl != 255) o << ", (ttl ", o.u(v.ttl) << ')';
  if (version < 2 || version > 3 || type != 1) return;
  std::uint8_t vrid = sub(m, 1, 1)[0], prio = sub(m, 2, 1)[0];
  o << ", vrid ";
  o.u(vrid) << ", prio ";
  o.u(prio);
  std::uint8_t auth = 0;
  if (version == 2) {
    auth = sub(m, 4, 1)[0];
    o << ", authtype ";
    tok_print(o, kAuthTypes, auth, "#");
    std::uint8_t intvl = sub(m, 5, 1)[0];
    o << ", intvl ";
    o.u(intvl) << "s, length ";
  } else {
    unsigned intvl = (sub(m, 4, 1)[0] & 0x0fu) << 8 | sub(m, 5, 1)[0];
    o << ", intvl ";
    o.u(intvl) << "cs, length ";
  }
  o.u(v.length);
  if (!p.opt.verbose) return;
  unsigned naddrs = sub(m, 3, 1)[0];
  if (v.sum_checked && v.computed != 0) {
    std::uint16_t sum = be16_at(m, 6);  // read before the text, as tcpdump's GET in its printf arguments
    o << ", (bad vrrp cksum ";
    o.hex(sum) << ')';
  }
  o << ", addrs";
  if (naddrs > 1) o << '(', o.u(naddrs) << ')';
  o << ':';
  char sep = ' ';
  std::size_t at = 8;
  const std::size_t size = v.v6 ? 16 : 4;
  for (unsigned k = 0; k < naddrs; ++k, at += size) {
    Bytes a = sub(m, at, size);
    o << sep;
    if (v.v6) o.ip6(a);
    else o.ip4(a);
    sep = ',';
  }
  if (version == 2 && auth == 1) {  // RFC 2338 5.3.10: up to 8 bytes, zero-filled
    o << " auth \"";
    for (std::size_t k = 0; k < 8; ++k) {
      std::uint8_t ch = sub(m, at + k, 1)[0];
      if (!ch) break;
      print_char(o, ch);
    }
    o << '"';
  }
}

}  // namespace netlab::proto

namespace netlab::proto {

// The advertisement's fields and addresses; whatever was not captured is
// left out and "truncated" says so.
void json_vrrp(JsonWriter& w, const VrrpL& l) {
  w.member("layer", "vrrp");
  w.member("length", l.length);
  w.member("ttl", l.ttl);
  Bytes m = l.msg;
  try {
    std::uint8_t first = sub(m, 0, 1)[0];
    unsigned version = first >> 4;
    w.member("version", version);
    w.member("type", first & 0x0fu);
    if (version < 2 || version > 3) return;
    w.member("vrid", sub(m, 1, 1)[0]);
    w.member("priority", sub(m, 2, 1)[0]);
    unsigned naddrs = sub(m, 3, 1)[0];
    if (version == 2) {
      w.member("auth_type", sub(m, 4, 1)[0]);
      w.member("interval_s", sub(m, 5, 1)[0]);
    } else {
      w.member("interval_cs", (sub(m, 4, 1)[0] & 0x0fu) << 8 | sub(m, 5, 1)[0]);
    }
    w.member("checksum", be16_at(m, 6));
    if (l.sum_checked) w.member("checksum_ok", l.computed == 0);
    const std::size_t size = l.v6 ? 16 : 4;
    w.key("addresses");
    w.begin_array();
    unsigned k = 0;
    for (; k < naddrs && 8 + (k + 1) * size <= m.size(); ++k) {
      Bytes a = m.subspan(8 + k * size, size);
      w.value(l.v6 ? ip6_text(a) : ip4_text(a));
    }
    w.end_array();
    if (k < naddrs) w.member("truncated", true);
  } catch (const Truncated&) {
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
