// Cisco HDLC (LINKTYPE_C_HDLC 104): an address byte (0x0f unicast, 0x8f
// broadcast), a control byte and an ethertype; Cisco's SLARP (0x8035:
// address request and reply, keepalives with the optional uptime) and the
// OSI protocols under 0xfefe (IS-IS; other NLPIDs as tcpdump's isoclns_print
// names them). The text follows tcpdump 4.99.3's print-chdlc.c: nothing at
// -n, "unicast, ethertype IPv4 (0x0800), length 84: " under -e.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::uint32_t kHdrLen = 4;
constexpr std::uint16_t kSlarp = 0x8035, kIso = 0xfefe;
constexpr std::uint32_t kSlarpMin = 14, kSlarpMax = 18;
constexpr Tok kCast[] = {{0x0f, "unicast"}, {0x8f, "bcast"}};
// isoclns_print's NLPIDs: those with a printer of their own; the rest print
// "OSI NLPID 0x.. unknown".
constexpr std::uint8_t kClnp = 0x81, kEsis = 0x82, kIsis = 0x83, kNullns = 0x00, kQ933 = 0x08, kNlpidIp = 0xcc,
                       kNlpidIp6 = 0x8e, kNlpidPpp = 0xcf;
constexpr Tok kNlpids[] = {{kNullns, "NULLNS"}, {kQ933, "Q.933"}, {kClnp, "CLNP"}, {kEsis, "ES-IS"},
                           {kIsis, "IS-IS"},    {0xcc, "IPv4"},   {0x8e, "IPv6"}, {0x80, "SNAP"},
                           {0xb0, "MFR"},       {kNlpidPpp, "PPP"}};

bool osi_known(std::uint8_t nlpid) {
  return nlpid == kClnp || nlpid == kEsis || nlpid == kIsis || nlpid == kNullns || nlpid == kQ933 ||
         nlpid == kNlpidIp || nlpid == kNlpidIp6 || nlpid == kNlpidPpp;
}

void print_slarp(PrintCtx& p, Bytes b, std::uint32_t length) {
  p.proto = "chdlc_slarp";
  Out& o = p.o;
  o << "SLARP (length: ";
  o.u(length) << "), ";
  if (length < kSlarpMin) throw Truncated{};
  sub(b, 4, 10);  // the union's bytes captured, or the truncation
  std::uint32_t code = be32_at(b, 0);
  std::size_t dump_at = 4;  // tcpdump's cp + 4, cp moved past the uptime's offset for keepalives
  switch (code) {
    case 0:
      o << "request";
      break;
    case 1:
      o << "reply ";
      o.ip4(sub(b, 4, 4)) << '/';
      o.ip4(sub(b, 8, 4));
      break;
    case 2:
      o << "keepalive: mineseen=0x";
      o.hex(be32_at(b, 4), 8) << ", yourseen=0x";
      o.hex(be32_at(b, 8), 8) << ", reliability=0x";
      o.hex(be16_at(b, 12), 4);
      if (length >= kSlarpMax) {
        std::uint32_t sec = be32_at(b, kSlarpMin) / 1000;
        std::uint32_t min = sec / 60;
        sec -= min * 60;
        std::uint32_t hrs = min / 60;
        min -= hrs * 60;
        std::uint32_t days = hrs / 24;
        hrs -= days * 24;
        o << ", link uptime=";
        o.u(days) << 'd';
        o.u(hrs) << 'h';
        o.u(min) << 'm';
        o.u(sec) << 's';
        dump_at += kSlarpMin;
      }
      break;
    default:
      o << "0x";
      o.hex(code, 2) << " unknown";
      if (p.opt.verbose <= 1) print_unknown_data(o, b.subspan(std::min<std::size_t>(4, b.size())), length - 4, "\n\t");
      break;
  }
  if (kSlarpMax < length && p.opt.verbose) {
    o << ", (trailing junk: ";
    o.u(length - kSlarpMax) << " bytes)";
  }
  if (p.opt.verbose > 1) {
    // length - 4 bytes from cp + 4, where cp may have moved on: tcpdump's
    // print_unknown_data stops at the captured end.
    Bytes from = dump_at <= b.size() ? b.subspan(dump_at) : Bytes{};
    print_unknown_data(o, from, length - 4, "\n\t");
  }
}

}  // namespace

void decode_chdlc(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "chdlc";
  if (length < kHdrLen) throw Truncated{};
  ChdlcL h;
  h.length = length;
  h.address = r.peek8(0);
  h.proto = r.peek16(2);
  h.stage = 2;
  auto& l = c.d.push<ChdlcL>(h);
  r.skip(kHdrLen);
  length -= kHdrLen;
  l.body = r.rest();
  if (l.body.size() > length) l.body = l.body.first(length);
  l.body_len = length;
  switch (h.proto) {
    case 0x0800: decode_ipv4(c, r, length); return;
    case 0x86dd: decode_ipv6(c, r, length); return;
    case 0x8847:
    case 0x8848: decode_mpls(c, r, length); return;
    case kIso: {
      // The fudge byte: an OSI header may start one byte in.
      if (length < 2) throw Truncated{};
      std::uint8_t second = r.peek8(1);
      if (second == kClnp || second == kEsis || second == kIsis) {
        r.skip(1);
        --length;
        l.body = l.body.subspan(1);
        l.body_len = length;
      }
      if (r.peek8(0) == kIsis) decode_isis(c, r, length);
      return;  // others: the OSI text from the body
    }
    default: return;
  }
}

void print_chdlc(PrintCtx& p, std::size_t i) {
  p.proto = "chdlc";
  const auto& h = at<ChdlcL>(p.d, i);
  Out& o = p.o;
  if (h.stage < 2) return;
  if (p.opt.link_header) {
    name_or(o, kCast, h.address, "");
    if (tok_name(kCast, h.address).empty()) {
      o << "0x";
      o.hex(h.address, 2);
    }
    std::string_view name = h.proto == kIso ? std::string_view("OSI") : ethertype_name(h.proto);
    o << ", ethertype " << (name.empty() ? std::string_view("Unknown") : name) << " (0x";
    o.hex(h.proto, 4) << "), length ";
    o.u(h.length) << ": ";
  }
  if (i + 1 < p.d.size()) {
    print_layers(p, i + 1);
    return;
  }
  std::uint32_t length = h.length - kHdrLen;
  switch (h.proto) {
    case kSlarp:
      print_slarp(p, h.body, length);
      return;
    case kIso: {
      // isoclns_print for the NLPIDs netlab does not decode.
      if (h.body.size() < 2) throw Truncated{};  // the fudge byte's test ran off: " [|chdlc]"
      p.proto = "isoclns";
      std::uint8_t nlpid = h.body[0];
      if (p.opt.link_header) {
        o << "OSI NLPID ";
        name_or(o, kNlpids, nlpid, "Unknown") << " (0x";
        o.hex(nlpid, 2) << "): ";
      }
      std::uint32_t len = h.body_len;
      if (osi_known(nlpid)) {
        if (p.opt.hex == HexStyle::None && !p.opt.quiet) hex_dump(o, h.body, true);
        return;
      }
      if (!p.opt.link_header) {
        o << "OSI NLPID 0x";
        o.hex(nlpid, 2) << " unknown";
      }
      o << (p.opt.link_header ? "" : ", ") << "length: ";
      o.u(len);
      if (len > 1) print_unknown_data(o, h.body, len, "\n\t");
      return;
    }
    default:
      if (!p.opt.link_header) {
        o << "unknown CHDLC protocol (0x";
        o.hex(h.proto, 4) << ')';
      }
      return;
  }
}

void json_chdlc(JsonWriter& w, const ChdlcL& l) {
  w.member("layer", "chdlc");
  w.member("address", l.address);
  w.member("ethertype", l.proto);
  if (l.proto != kSlarp || l.body.size() < kSlarpMin) return;
  std::uint32_t code = be32_at(l.body, 0);
  w.key("slarp");
  w.begin_object();
  w.member("code", code);
  if (code == 1 || code == 0) {
    w.member("address", ip4_text(l.body.subspan(4, 4)));
    w.member("mask", ip4_text(l.body.subspan(8, 4)));
  } else if (code == 2) {
    w.member("mineseen", be32_at(l.body, 4));
    w.member("yourseen", be32_at(l.body, 8));
    w.member("reliability", be16_at(l.body, 12));
    if (l.body.size() >= kSlarpMax) w.member("uptime_ms", be32_at(l.body, kSlarpMin));
  }
  w.end_object();
}

}  // namespace netlab::proto
