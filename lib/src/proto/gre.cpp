// GRE: RFC 2784 (version 0, with RFC 1701's checksum/offset and source
// route entries and RFC 2890's key and sequence number) and RFC 2637's
// enhanced GRE (version 1, PPTP: payload length and call id in the key
// word, an acknowledgment number). The text follows tcpdump 4.99.3's
// print-gre.c: the header's fields in wire order, ", length N" (the IP
// payload), then ": " (or "\n\t" under -v) and the payload. tcpdump 4.99.3
// decodes the payload of a few protocol types only; ERSPAN (0x88be,
// 0x22eb), NHRP (0x2001), CDP (0x2000) and keepalives (0x0000) are all
// "gre-proto-0x<type>" in it, and so they are here. IPv4, IPv6 and
// transparent Ethernet bridging carry on into their own decoders, PPP
// (0x880b, PPTP's payload in version 1) into ppp.cpp's, NSH (0x894f) into
// nsh.cpp's and OSI's IS-IS (0x00fe) into isis.cpp's; MPLS, IPX, AppleTalk
// and the other OSI protocols, which tcpdump decodes and netlab does not
// yet, print as "gre-proto-0x<type>" too.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::uint16_t kChecksum = 0x8000, kRouting = 0x4000, kKey = 0x2000, kSeq = 0x1000, kAck = 0x0080;

// tcpdump's gre_flag_values, in its order (bittok2str joins them with ", ").
constexpr Tok kFlagNames[] = {{kChecksum, "checksum present"}, {kRouting, "routing present"},
                              {kKey, "key present"},           {kSeq, "sequence# present"},
                              {0x0800, "source routing present"}, {kAck, "ack present"}};

// RFC 1701 source route entry address families.
constexpr std::uint16_t kSreIp = 0x0800, kSreAsn = 0xfffe;

enum class Field : std::uint8_t { Flags, Sum, Offset, Key, Call, Seq, Ack };

struct Header {
  unsigned version = 0;
  std::uint16_t flags = 0, proto = 0;
  std::size_t size = 0;  // bytes before the payload
};

// A source route entry's offset and length must step through whole
// addresses (4 bytes for IP, 2 for an AS number) and the offset must fall
// inside the entry; tcpdump stops at one that does not.
bool sre_ok(std::uint16_t af, std::uint8_t off, std::uint8_t len) {
  unsigned unit = af == kSreIp ? 4 : af == kSreAsn ? 2 : 1;
  if (unit == 1) return true;
  return off % unit == 0 && len % unit == 0 && off < len;
}

// The one reader of the GRE header, shared by the decoder, the text printer
// and JSON so the three cannot disagree on where the payload starts. It
// calls field(kind, value) for every field in wire order as soon as it is
// read, and sre(af, offset, length, body) for every source route entry
// (body: the captured bytes from the entry's addresses on); a read past the
// capture throws Truncated after the fields before it were visited, as
// tcpdump prints them before its " [|gre]". Version 2 and up have no layout
// to walk: size stays 2.
template <typename FieldFn, typename SreFn>
Header walk_header(Bytes m, FieldFn&& field, SreFn&& sre) {
  Header h;
  std::uint16_t flags = be16_at(m, 0);
  h.version = flags & 0x7;
  h.flags = flags;
  if (h.version > 1) {
    h.size = 2;  // tcpdump reads no further
    return h;
  }
  field(Field::Flags, flags);
  h.proto = be16_at(m, 2);
  std::size_t at = 4;
  auto u32 = [&] {
    std::uint32_t v = be32_at(m, at);
    at += 4;
    return v;
  };
  if (h.version == 1) {
    if (flags & kKey) field(Field::Call, u32() & 0xffff);  // the low half; the high half is the payload length
    if (flags & kSeq) field(Field::Seq, u32());
    if (flags & kAck) field(Field::Ack, u32());
    h.size = at;
    return h;
  }
  if (flags & (kChecksum | kRouting)) {  // RFC 1701: either bit brings both 16-bit fields
    field(Field::Sum, be16_at(m, at));
    field(Field::Offset, be16_at(m, at + 2));
    at += 4;
  }
  if (flags & kKey) field(Field::Key, u32());
  if (flags & kSeq) field(Field::Seq, u32());
  if (flags & kRouting) {
    // Each entry consumes at least its 4-byte header, so the walk ends at
    // the capture's end at the latest.
    for (;;) {
      std::uint16_t af = be16_at(m, at);
      std::uint8_t off = sub(m, at + 2, 1)[0];
      std::uint8_t len = sub(m, at + 3, 1)[0];
      at += 4;
      if (af == 0 && len == 0) break;  // the NULL entry ends the list
      sre(af, off, len, m.subspan(at));
      if (!sre_ok(af, off, len)) throw Truncated{};
      sub(m, at, len);
      at += len;
    }
  }
  h.size = at;
  return h;
}

void no_field(Field, std::uint32_t) {}
void no_sre(std::uint16_t, std::uint8_t, std::uint8_t, Bytes) {}

// tcpdump's bittok2str: the names of the set bits joined by ", ", or "none".
void print_flags(Out& o, std::uint16_t flags) {
  bool any = false;
  for (const auto& t : kFlagNames) {
    if (!(flags & t.value)) continue;
    if (any) o << ", ";
    o << t.name;
    any = true;
  }
  if (!any) o << "none";
}

// One source route entry, as tcpdump's gre_sre_print: "(rtaf=ip a *b c)",
// the address at the entry's offset starred. A cut address still closes
// the parenthesis before " [|gre]".
void print_sre(Out& o, std::uint16_t af, std::uint8_t off, std::uint8_t len, Bytes body) {
  if (af != kSreIp && af != kSreAsn) {
    o << ", (rtaf=0x";
    o.hex(af) << ')';
    return;
  }
  o << (af == kSreIp ? ", (rtaf=ip" : ", (rtaf=asn");
  unsigned unit = af == kSreIp ? 4 : 2;
  if (off % unit) {
    o << ", badoffset=";
    o.u(off) << ')';
    return;
  }
  if (len % unit) {
    o << ", badlength=";
    o.u(len) << ')';
    return;
  }
  if (off >= len) {
    o << ", badoff/len=";
    o.u(off) << '/';
    o.u(len) << ')';
    return;
  }
  try {
    for (unsigned k = 0; k < len; k += unit) {
      o << ' ' << (k == off ? "*" : "");
      if (unit == 4) o.ip4(sub(body, k, 4));
      else o.hex(be16_at(body, k));
    }
  } catch (const Truncated&) {
    o << ')';
    throw;
  }
  o << ')';
}

}  // namespace

void decode_gre(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "gre";
  auto& g = c.d.push<GreL>();
  g.length = length;
  g.msg = r.rest();
  Header h = walk_header(g.msg, no_field, no_sre);
  if (h.version > 1) return;
  if (h.version == 1 && !(h.flags & kSeq)) return;  // RFC 2637 4.1: an acknowledgment alone carries no payload
  ByteReader in(g.msg.subspan(h.size));  // the walk read up to h.size: it is captured
  std::uint32_t len = length > h.size ? static_cast<std::uint32_t>(length - h.size) : 0;
  if (h.version == 1) {  // RFC 2637: PPTP's PPP frames, the only payload tcpdump decodes in version 1
    if (h.proto == 0x880b) decode_ppp(c, in, len, false);
    return;
  }
  switch (h.proto) {
    case 0x880b: decode_ppp(c, in, len, false); return;
    case 0x894f: decode_nsh(c, in, len); return;
    // OSI (tcpdump's ETHERTYPE_GRE_ISO): IS-IS by its NLPID; the other OSI
    // protocols stay "gre-proto-0xfe" until netlab decodes them.
    case 0x00fe:
      if (in.has(1) && in.peek8(0) == 0x83) decode_isis(c, in, len);
      return;
    case 0x0800: decode_ipv4(c, in, len); return;
    case 0x86dd: decode_ipv6(c, in, len); return;
    case 0x6558: decode_ethernet(c, in, len); return;  // RFC 1701 transparent Ethernet bridging
    default: return;
  }
}

void print_gre(PrintCtx& p, std::size_t i) {
  p.proto = "gre";
  const auto& g = at<GreL>(p.d, i);
  Out& o = p.o;
  const bool verbose = p.opt.verbose > 0;
  unsigned version = be16_at(g.msg, 0) & 0x7;  // tcpdump 4.99.3 prints nothing of GRE before this read
  o << "GREv";
  o.u(version);
  if (version > 1) {
    o << " ERROR: unknown-version";
    return;
  }
  auto field = [&](Field f, std::uint32_t v) {
    switch (f) {
      case Field::Flags:
        if (!verbose) break;
        o << ", Flags [";
        print_flags(o, static_cast<std::uint16_t>(v));
        o << ']';
        break;
      case Field::Sum:
        if (!verbose) break;  // -v only, as tcpdump
        o << ", sum 0x";
        o.hex(v);
        break;
      case Field::Offset: o << ", off 0x"; o.hex(v); break;
      case Field::Key: o << ", key=0x"; o.hex(v); break;
      case Field::Call: o << ", call "; o.u(v); break;
      case Field::Seq: o << ", seq "; o.u(v); break;
      case Field::Ack: o << ", ack "; o.u(v); break;
    }
  };
  auto sre = [&](std::uint16_t af, std::uint8_t off, std::uint8_t len, Bytes body) { print_sre(o, af, off, len, body); };
  Header h = walk_header(g.msg, field, sre);
  bool payload = version == 0 || (h.flags & kSeq);
  if (!payload) o << ", no-payload";
  if (p.opt.link_header) {
    auto name = ethertype_name(h.proto);
    o << ", proto " << (name.empty() ? std::string_view("unknown") : name) << " (0x";
    o.hex(h.proto, 4) << ')';
  }
  o << ", length ";
  o.u(g.length);
  if (!payload) return;
  o << (verbose ? "\n\t" : ": ");
  if (i + 1 < p.d.size()) return print_layers(p, i + 1);
  o << "gre-proto-0x";
  o.hex(h.proto);
}

// The header's fields as typed members (what was captured of them), and
// the source route entries as objects; the payload is the next layer.
void json_gre(JsonWriter& w, const GreL& l) {
  w.member("layer", "gre");
  w.member("length", l.length);
  bool routes_open = false;
  auto field = [&](Field f, std::uint32_t v) {
    switch (f) {
      case Field::Flags:
        w.member("version", v & 0x7);
        w.member("flags", v & 0xfff8);
        w.member("protocol", be16_at(l.msg, 2));
        break;
      case Field::Sum: w.member("checksum", v); break;
      case Field::Offset: w.member("offset", v); break;
      case Field::Key: w.member("key", v); break;
      case Field::Call: w.member("call_id", v); break;
      case Field::Seq: w.member("seq", v); break;
      case Field::Ack: w.member("ack", v); break;
    }
  };
  auto sre = [&](std::uint16_t af, std::uint8_t off, std::uint8_t len, Bytes) {
    if (!routes_open) {
      w.key("routing");
      w.begin_array();
      routes_open = true;
    }
    w.begin_object();
    w.member("address_family", af);
    w.member("offset", off);
    w.member("length", len);
    w.end_object();
  };
  try {
    Header h = walk_header(l.msg, field, sre);
    if (routes_open) w.end_array();
    if (h.version > 1) w.member("version", h.version);  // no layout known past the version
  } catch (const Truncated&) {
    if (routes_open) w.end_array();
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
