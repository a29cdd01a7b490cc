// Frame Relay (link type 107, LINKTYPE_FRELAY): the ITU-T Q.922 address
// (2 to 4 bytes: DLCI, C/R, FECN, BECN, DE) and Cisco's encapsulation, an
// ethertype right after the address (RFC 2427 section 3 is the standard
// NLPID one, which is not decoded: those frames stay a hex dump). The text
// follows tcpdump 4.99.3's print-fr.c: nothing before the network layer at
// -n, "Q.922, hdr-len 2, DLCI 302, Flags [none], cisco-ethertype IPv6
// (0x86dd), length 80: " under -e.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

// tcpdump's fr_header_flag_values over the four flag bytes as one number.
constexpr Tok kFlags[] = {{0x02000000, "C!"}, {0x00020000, "DE"}, {0x00080000, "FECN"}, {0x00040000, "BECN"}};

// The Q.922 address at the reader's start, not consumed: false when it is
// not a valid one (Truncated when it was not captured).
bool read_q922(ByteReader& r, FrL& f) {
  std::uint8_t a = r.peek8(0);
  if (a & 0x01) return false;  // the EA bit ends the address after one byte: invalid
  std::uint8_t b = r.peek8(1);
  f.addr_len = 2;
  f.dlci = static_cast<std::uint32_t>((a & 0xfc) << 2 | (b & 0xf0) >> 4);
  f.flags = static_cast<std::uint32_t>(a & 0x02) << 24 | static_cast<std::uint32_t>(b & 0x0c) << 16;
  if (b & 0x01) return true;
  std::uint8_t c = r.peek8(2);
  f.addr_len = 3;
  std::size_t at = 2;
  if (!(c & 0x01)) {  // a 4-byte address: seven more DLCI bits
    f.dlci = f.dlci << 7 | c >> 1;
    f.addr_len = 4;
    at = 3;
  }
  std::uint8_t last = r.peek8(at);
  if (!(last & 0x01)) return false;
  f.flags |= static_cast<std::uint32_t>(last & 0x02);
  f.dlci = f.dlci << 6 | last >> 2;
  return true;
}

}  // namespace

void decode_fr(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "fr";
  FrL f;
  f.length = length;
  ByteReader probe = r;
  bool cisco = false;
  try {
    cisco = read_q922(probe, f) && f.dlci != 0 && probe.peek8(f.addr_len) != 0x03 && length >= f.addr_len + 2u;
    if (cisco) f.type = probe.peek16(f.addr_len);
  } catch (const Truncated&) {
    cisco = false;
  }
  // Only Cisco's encapsulation of the network layers netlab decodes; the
  // rest stays what it was before this link type was known: a hex dump.
  if (!cisco || (f.type != 0x0800 && f.type != 0x86dd && f.type != 0x0806)) {
    c.d.push<UnknownL>({0xffff, r.rest()});
    return;
  }
  c.d.push<FrL>(f);
  r.skip(f.addr_len + 2u);
  decode_ethertype(c, f.type, r, length - f.addr_len - 2u);
}

void print_fr(PrintCtx& p, std::size_t i) {
  p.proto = "fr";
  const auto& f = at<FrL>(p.d, i);
  Out& o = p.o;
  if (p.opt.link_header) {
    if (p.opt.quiet) {
      o << "Q.922, DLCI ";
      o.u(f.dlci) << ", length ";
      o.u(f.length) << ": ";
    } else {
      o << "Q.922, hdr-len ";
      o.u(f.addr_len) << ", DLCI ";
      o.u(f.dlci) << ", Flags [";
      bool any = false;
      for (const auto& t : kFlags) {
        if (!(f.flags & t.value)) continue;
        o << (any ? ", " : "") << t.name;
        any = true;
      }
      if (!any) o << "none";
      std::string_view name = ethertype_name(f.type);
      o << "], cisco-ethertype " << (name.empty() ? std::string_view("unknown") : name) << " (0x";
      o.hex(f.type, 4) << "), length ";
      o.u(f.length) << ": ";
    }
  }
  if (i + 1 < p.d.size()) print_layers(p, i + 1);
}

void json_fr(JsonWriter& w, const FrL& l) {
  w.member("layer", "frame_relay");
  w.member("dlci", l.dlci);
  w.member("address_length", l.addr_len);
  w.member("cr", (l.flags & 0x02000000u) != 0);
  w.member("fecn", (l.flags & 0x00080000u) != 0);
  w.member("becn", (l.flags & 0x00040000u) != 0);
  w.member("ethertype", l.type);
}

}  // namespace netlab::proto
