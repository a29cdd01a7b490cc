// ICMP for IPv4 (RFC 792; RFC 1256 router discovery, RFC 1191 next-hop MTU,
// RFC 950 address mask). Error messages carry the offending datagram's
// header, decoded as an inner IPv4 layer with -v, as tcpdump does.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

bool is_error(std::uint8_t type) { return type == 3 || type == 4 || type == 5 || type == 11 || type == 12; }

void tstamp(Out& o, std::uint32_t t) {
  if (t & 0x80000000u) {
    o << "[not-std]";  // not milliseconds since midnight UT
    return;
  }
  std::uint32_t ms = t % 1000, sec = t / 1000, min = sec / 60;
  sec -= min * 60;
  std::uint32_t hrs = min / 60;
  min -= hrs * 60;
  auto two = [&](std::uint32_t v) {
    if (v < 10) o << '0';
    o.u(v);
  };
  two(hrs);
  o << ':';
  two(min);
  o << ':';
  two(sec);
  o << '.';
  if (ms < 100) o << '0';
  if (ms < 10) o << '0';
  o.u(ms);
}

// The text before and after the destination of an unreachable, by code
// (codes 2 to 4 print more than a name).
struct UnreachText {
  std::uint8_t code;
  std::string_view before, after;
};
constexpr UnreachText kUnreach[] = {
    {0, "net ", " unreachable"},
    {1, "host ", " unreachable"},
    {5, "", " unreachable - source route failed"},
    {6, "net ", " unreachable - unknown"},
    {7, "host ", " unreachable - unknown"},
    {8, "", " unreachable - source host isolated"},
    {9, "net ", " unreachable - admin prohibited"},
    {10, "host ", " unreachable - admin prohibited"},
    {11, "net ", " unreachable - tos prohibited"},
    {12, "host ", " unreachable - tos prohibited"},
    {13, "host ", " unreachable - admin prohibited filter"},
    {14, "host ", " unreachable - host precedence violation"},
    {15, "host ", " unreachable - precedence cutoff"},
};

// Destination unreachable (RFC 792, RFC 1191 need-to-frag with the MTU).
void describe_unreach(Out& o, const IcmpL& m, Bytes b) {
  Bytes dst = sub(b, 8 + 16, 4);
  switch (m.code) {
    case 2:
      o.ip4(dst) << " protocol ";
      o.u(sub(b, 8 + 9, 1)[0]) << " unreachable";
      return;
    case 3: {
      std::uint32_t hlen = (sub(b, 8, 1)[0] & 0x0f) * 4u;
      std::uint16_t dport = be16_at(b, 8 + hlen + 2);
      std::uint8_t proto = sub(b, 8 + 9, 1)[0];
      o.ip4(dst);
      if (proto == 6) o << " tcp port ", o.u(dport) << " unreachable";
      else if (proto == 17) o << " udp port ", o.u(dport) << " unreachable";
      else {
        o << " protocol ";
        o.u(proto) << " port ";
        o.u(dport) << " unreachable";
      }
      return;
    }
    case 4: {
      std::uint16_t mtu = be16_at(b, 6);
      o.ip4(dst) << " unreachable - need to frag";
      if (mtu) o << " (mtu ", o.u(mtu) << ')';
      return;
    }
    default:
      for (const auto& t : kUnreach)
        if (t.code == m.code) {
          o << t.before;
          o.ip4(dst) << t.after;
          return;
        }
      o.ip4(dst) << " unreachable - #";  // tcpdump 4.99.3: "<dst> unreachable - #<code>"
      o.u(m.code);
      return;
  }
}

void describe_redirect(Out& o, const IcmpL& m, Bytes b) {
  static constexpr Tok kRedirects[] = {
      {0, "redirect "}, {1, "redirect "}, {2, "redirect-tos "}, {3, "redirect-tos "}};
  Bytes dst = sub(b, 8 + 16, 4);
  Bytes gw = sub(b, 4, 4);
  tok_print(o, kRedirects, m.code, "redirect-#", " ");
  o.ip4(dst) << (m.code > 3 ? " to " : m.code % 2 ? " to host " : " to net ");
  o.ip4(gw);
}

// RFC 1256 router advertisement: the lifetime as tcpdump's unsigned_relts_print.
void describe_router_adv(Out& o, Bytes b) {
  o << "router advertisement lifetime ";
  sub(b, 4, 4);
  std::uint32_t life = be16_at(b, 6);
  if (life < 60) o.u(life);
  else if (life < 3600) {
    o.u(life / 60) << ':';
    if (life % 60 < 10) o << '0';
    o.u(life % 60);
  } else {
    o.u(life / 3600) << ':';
    if ((life % 3600) / 60 < 10) o << '0';
    o.u((life % 3600) / 60) << ':';
    if (life % 60 < 10) o << '0';
    o.u(life % 60);
  }
  std::uint32_t num = sub(b, 4, 1)[0], size = sub(b, 5, 1)[0];
  o << ' ';
  o.u(num) << ':';
  if (size != 2) {
    o << " [size ";
    o.u(size) << ']';
    return;
  }
  for (std::size_t k = 0; k < num; ++k) {
    Bytes e = sub(b, 8 + 8 * k, 8);
    o << " {";
    o.ip4(e.first(4)) << ' ';
    o.u(be32_at(e, 4)) << '}';
  }
}

void describe_timestamp_reply(Out& o, Bytes b) {
  std::uint16_t id = be16_at(b, 4), seq = be16_at(b, 6);
  std::uint32_t org = be32_at(b, 8), recv = be32_at(b, 12), xmit = be32_at(b, 16);
  o << "time stamp reply id ";
  o.u(id) << " seq ";
  o.u(seq) << ": org ";
  tstamp(o, org);
  o << ", recv ";
  tstamp(o, recv);
  o << ", xmit ";
  tstamp(o, xmit);
}

// The summary text; throws Truncated (the caller rolls the text back).
void describe(Out& o, const IcmpL& m) {
  static constexpr Tok kPlain[] = {{4, "source quench"}, {10, "router solicitation"}, {15, "information request"},
                                   {16, "information reply"}, {17, "address mask request"}};
  Bytes b = m.msg;
  switch (m.type) {
    case 0:
    case 8:
      o << "echo " << (m.type == 8 ? "request" : "reply") << ", id ";
      o.u(be16_at(b, 4)) << ", seq ";
      o.u(be16_at(b, 6));
      return;
    case 3: describe_unreach(o, m, b); return;
    case 5: describe_redirect(o, m, b); return;
    case 9: describe_router_adv(o, b); return;
    case 11:
      sub(b, 8 + 16, 4);
      if (m.code == 0) o << "time exceeded in-transit";
      else if (m.code == 1) o << "ip reassembly time exceeded";
      else o << "time exceeded-#", o.u(m.code);
      return;
    case 12:
      if (m.code) o << "parameter problem - code ", o.u(m.code);
      else o << "parameter problem - octet ", o.u(sub(b, 4, 1)[0]);
      return;
    case 13:
      o << "time stamp query id ";
      o.u(be16_at(b, 4)) << " seq ";
      o.u(be16_at(b, 6));
      return;
    case 14: describe_timestamp_reply(o, b); return;
    case 18:
      o << "address mask is 0x";
      o.hex(be32_at(b, 8), 8);
      return;
    default: tok_print(o, kPlain, m.type, "type-#"); return;
  }
}

// RFC 4884 multi-part extensions after the quoted datagram of an
// unreachable, time exceeded or parameter problem: tcpdump looks 136 bytes
// into the message (128 of datagram after the 8-byte header) whenever the
// message is longer than that, whatever the RFC 4884 length field says.
constexpr std::uint32_t kExtOffset = 136;

bool has_multipart(std::uint8_t type) { return type == 3 || type == 11 || type == 12; }

void print_multipart(PrintCtx& p, const IcmpL& m) {
  Out& o = p.o;
  Bytes b = m.msg;
  sub(b, 0, kExtOffset + 5);  // tcpdump checks its whole fixed struct first
  std::uint32_t hlen = m.plen - kExtOffset;
  bool whole = b.size() - kExtOffset >= hlen;
  Bytes ext = b.subspan(kExtOffset);
  // With the length field zero an extension is only assumed when its
  // checksum verifies (senders that leave the field unset).
  if (b[5] == 0 && whole && fold_checksum(ones_sum(ext.first(hlen))) != 0) return;
  std::uint8_t version = ext[0] >> 4;
  o << "\n\tICMP Multi-Part extension v";
  o.u(version);
  if (version != 2) {
    o << " packet not supported";
    return;
  }
  if (whole) {
    o << ", checksum 0x";
    o.hex(be16_at(ext, 2), 4) << " (" << (fold_checksum(ones_sum(ext.first(hlen))) != 0 ? "in" : "")
                              << "correct), length ";
    o.u(hlen);
  }
  static constexpr Tok kClasses[] = {{1, "MPLS Stack Entry"}, {2, "Interface Identification"}};
  std::uint32_t left = hlen - 4;
  std::size_t at = 4;
  while (left > 4) {
    std::uint16_t olen = be16_at(ext, at);
    std::uint8_t cls = sub(ext, at + 2, 1)[0], ctype = sub(ext, at + 3, 1)[0];
    at += 4;
    o << "\n\t  ";
    tok_print(o, kClasses, cls, "unknown");
    o << " Object (";
    o.u(cls) << "), Class-Type: ";
    o.u(ctype) << ", length ";
    o.u(olen);
    left -= 4;
    if (cls == 0 || olen < 4) return;  // tcpdump's loop guard
    std::uint32_t body = olen - 4u;
    if (cls == 1 && ctype == 1) {
      std::uint32_t e = be32_at(ext, at);
      o << "\n\t    label ";
      o.u(e >> 12) << ", tc ";
      o.u((e >> 9) & 7);
      if (e & 0x100) o << ", [S]";
      o << ", ttl ";
      o.u(e & 0xff);
    } else {
      // tcpdump 4.99.3 dumps what was captured, then ends the packet if
      // the object runs past the capture.
      Bytes rest = at <= ext.size() ? ext.subspan(at) : Bytes{};
      print_unknown_data(o, rest, body, "\n\t    ");
      if (rest.size() < body) throw Truncated{};
    }
    if (left < body) break;
    left -= body;
    at += body;
  }
}

// The RFC 4884 extension for JSON, under the same rule as the text (136
// bytes in, assumed with a zero length field only when its checksum
// verifies): version, checksum and each whole captured object's class,
// type and length, an MPLS stack entry's fields.
void json_multipart(JsonWriter& w, const IcmpL& m) {
  Bytes b = m.msg;
  if (!has_multipart(m.type) || m.plen <= kExtOffset || b.size() < kExtOffset + 5) return;
  std::uint32_t hlen = m.plen - kExtOffset;
  Bytes ext = b.subspan(kExtOffset);
  bool whole = ext.size() >= hlen;
  if (b[5] == 0 && whole && fold_checksum(ones_sum(ext.first(hlen))) != 0) return;
  w.key("extension");
  w.begin_object();
  w.member("version", ext[0] >> 4);
  if (whole && (ext[0] >> 4) == 2) {
    w.member("checksum", be16_at(ext, 2));
    w.member("checksum_ok", fold_checksum(ones_sum(ext.first(hlen))) == 0);
  }
  if ((ext[0] >> 4) == 2) {
    w.key("objects");
    w.begin_array();
    std::size_t end = std::min<std::size_t>(hlen, ext.size());
    for (std::size_t at = 4; at + 4 <= end;) {
      std::uint16_t olen = be16_at(ext, at);
      std::uint8_t cls = ext[at + 2], ctype = ext[at + 3];
      if (cls == 0 || olen < 4) break;
      w.begin_object();
      w.member("class", cls);
      w.member("class_type", ctype);
      w.member("length", olen);
      if (cls == 1 && ctype == 1 && at + 8 <= end) {
        std::uint32_t e = be32_at(ext, at + 4);
        w.member("label", e >> 12);
        w.member("tc", (e >> 9) & 7);
        w.member("bottom_of_stack", (e & 0x100) != 0);
        w.member("ttl", e & 0xff);
      }
      w.end_object();
      at += olen;
    }
    w.end_array();
  }
  w.end_object();
}

}  // namespace

void decode_icmp(Ctx& c, ByteReader r, std::uint32_t length, bool fragmented) {
  c.d.trunc_proto = "icmp";
  auto& m = c.d.push<IcmpL>();
  m.plen = length;
  m.fragmented = fragmented;
  m.msg = r.rest();
  m.type = r.u8();
  m.code = r.u8();
  if (r.has(2)) m.sum = r.peek16(0);
  if (c.opt.verbose && !fragmented && m.msg.size() >= length) {
    m.computed = fold_checksum(ones_sum(m.msg.first(length)));
    m.sum_checked = true;
  }
  if (c.opt.verbose && is_error(m.type)) {
    ByteReader inner(m.msg);
    inner.skip(8);
    std::uint16_t inner_len = inner.peek16(2);
    // tcpdump cuts the capture at the quoted datagram's total length
    // (nd_push_snaplen); a zero length ends the packet with " [|icmp]".
    if (inner_len == 0) throw Truncated{};
    inner.limit(inner_len);
    decode_ipv4(c, inner, inner_len);
    c.d.trunc_proto = "icmp";
  }
}

void print_icmp(PrintCtx& p, std::size_t i) {
  p.proto = "icmp";
  const auto& m = at<IcmpL>(p.d, i);
  Out& o = p.o;
  if (m.msg.size() < 2) throw Truncated{};
  std::size_t mark = o.str().size();
  o << "ICMP ";
  try {
    describe(o, m);
  } catch (const Truncated&) {
    o.str().resize(mark);
    throw;
  }
  o << ", length ";
  o.u(m.plen);
  if (m.sum_checked && m.computed != 0) {
    if (m.msg.size() < 4) throw Truncated{};  // tcpdump reads the field it reports
    o << " (wrong icmp cksum ";
    o.hex(m.sum) << " (->";
    o.hex(cksum_shouldbe(m.sum, m.computed)) << ")!)";
  }
  if (p.opt.verbose && is_error(m.type)) {
    o << "\n\t";
    if (i + 1 >= p.d.size()) throw Truncated{};
    print_layers(p, i + 1);
    p.proto = "icmp";
    if (p.d.truncated) return;
  }
  if (p.opt.verbose && m.plen > kExtOffset && has_multipart(m.type)) print_multipart(p, m);
}

}  // namespace netlab::proto

namespace netlab::proto {

void json_icmp(JsonWriter& w, const IcmpL& l) {
  w.member("layer", "icmp");
  if (l.msg.size() >= 2) {
    w.member("type", l.type);
    w.member("code", l.code);
  }
  if (l.msg.size() >= 4) w.member("checksum", l.sum);
  if (l.sum_checked) w.member("checksum_ok", l.computed == 0);
  if (l.type == 0 || l.type == 8) json_echo(w, l.msg);
  json_multipart(w, l);
  w.member("length", l.plen);
}

}  // namespace netlab::proto
