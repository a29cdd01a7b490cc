// Geneve: RFC 8926 (UDP destination port 6081): version, option length,
// the O (control) and C (critical options) flags, the protocol type of the
// payload, a 24-bit VNI, then TLV options in 4-byte words. The text follows
// tcpdump 4.99.3's print-geneve.c: "Geneve, Flags [C], vni 0xa, options
// [8 bytes]" (each option's class, type and length at -v, its data words at
// -vv), then ": " (or "\n\t" under -v) and the payload by its ethertype.
#include "proto/proto.hpp"

#include <cstdio>

namespace netlab::proto {
namespace {

constexpr std::uint8_t kOam = 0x80, kCritical = 0x40;
constexpr std::uint16_t kTeb = 0x6558;

// tcpdump's geneve_flag_values, printed without separators (bittok2str_nosep).
constexpr Tok kFlagNames[] = {{kOam, "O"}, {kCritical, "C"}, {0x20, "R1"}, {0x10, "R2"},
                              {0x08, "R3"}, {0x04, "R4"}, {0x02, "R5"}, {0x01, "R6"}};

// The option class registry as tcpdump 4.99.3 names it.
std::string_view class_name(std::uint16_t cls) {
  static constexpr Tok kClasses[] = {{0x0100, "Linux"},
                                     {0x0101, "Open vSwitch"},
                                     {0x0102, "Open Virtual Networking (OVN)"},
                                     {0x0103, "In-band Network Telemetry (INT)"},
                                     {0x0104, "VMware"}};
  if (auto name = tok_name(kClasses, cls); !name.empty()) return name;
  if (cls <= 0x00ff) return "Standard";
  if (cls >= 0xfff0) return "Experimental";
  return "Unknown";
}

// The options block (opts, complete: the header checked it was captured):
// "class Standard (0x0) type 0x80(C) len 8[ data 0000000c]", comma-separated;
// an option longer than what is left ends the list with " [bad length]".
void print_options(Out& o, Bytes opts, int verbose) {
  std::string_view sep;
  std::size_t at = 0;
  while (at < opts.size()) {
    o << sep;
    sep = ", ";
    std::uint16_t cls = be16_at(opts, at);
    std::uint8_t type = sub(opts, at + 2, 1)[0];
    std::uint32_t len = 4 + (sub(opts, at + 3, 1)[0] & 0x1fu) * 4;
    o << "class " << class_name(cls) << " (0x";
    o.hex(cls) << ") type 0x";
    o.hex(type) << ((type & 0x80) ? "(C)" : "") << " len ";
    o.u(len);
    if (len > opts.size() - at) {
      o << " [bad length]";
      return;
    }
    if (verbose > 1 && len > 4) {
      o << " data";
      for (std::uint32_t k = 4; k < len; k += 4) {
        o << ' ';
        o.hex(be32_at(opts, at + k), 8);
      }
    }
    at += len;
  }
}

}  // namespace

void decode_geneve(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "geneve";
  auto& g = c.d.push<GeneveL>();
  g.length = length;
  if (length < 8) return;  // printed as tcpdump prints a short header
  r.require(8);
  g.first = r.u8();
  g.flags = r.u8();
  g.proto = r.be16();
  g.vni = r.be24();
  g.reserved = r.u8();
  g.stage = 1;
  if (g.first >> 6 != 0) return;  // an unknown version: nothing more is known
  std::uint32_t opts_len = (g.first & 0x3fu) * 4;
  if (length - 8 < opts_len) return;  // "truncated-geneve - N bytes missing"
  g.options = r.bytes(opts_len);
  g.stage = 2;
  std::uint32_t len = length - 8 - opts_len;
  switch (g.proto) {
    case 0x0800:
    case 0x86dd:
    case 0x0806:
    case 0x8035:
    case 0x88cc: decode_ethertype(c, g.proto, r, len); return;
    case kTeb: decode_ethernet(c, r, len); return;
    default: return;  // "geneve-proto-0x.." when tcpdump does not know it either
  }
}

void print_geneve(PrintCtx& p, std::size_t i) {
  p.proto = "geneve";
  const auto& g = at<GeneveL>(p.d, i);
  Out& o = p.o;
  o << "Geneve";
  if (g.length < 8) {
    o << " [length ";
    o.u(g.length) << " < 8] (invalid)";
    return;
  }
  if (g.stage < 1) throw Truncated{};
  if (g.first >> 6 != 0) {
    o << " ERROR: unknown-version ";
    o.u(g.first >> 6u);
    return;
  }
  o << ", Flags [";
  bool any = false;
  for (const auto& t : kFlagNames) {
    if (g.flags & t.value) o << t.name, any = true;
  }
  o << (any ? "" : "none") << "], vni 0x";
  o.hex(g.vni);
  if (g.reserved) {
    o << ", rsvd 0x";
    o.hex(g.reserved);
  }
  if (p.opt.link_header) {
    auto name = ethertype_name(g.proto);
    o << ", proto " << (name.empty() ? std::string_view("unknown") : name) << " (0x";
    o.hex(g.proto, 4) << ')';
  }
  std::uint32_t opts_len = (g.first & 0x3fu) * 4;
  if (g.length - 8 < opts_len) {
    o << " truncated-geneve - ";
    o.u(opts_len - (g.length - 8)) << " bytes missing";
    return;
  }
  if (g.stage < 2) throw Truncated{};  // the options were not captured
  if (opts_len > 0) {
    o << ", options [";
    if (p.opt.verbose) print_options(o, g.options, p.opt.verbose);
    else o.u(opts_len) << " bytes";
    o << ']';
  }
  o << (p.opt.verbose ? "\n\t" : ": ");
  if (i + 1 < p.d.size()) return print_layers(p, i + 1);
  o << "geneve-proto-0x";
  o.hex(g.proto);
}

}  // namespace netlab::proto

namespace netlab::proto {

// The header's fields and the options as objects; the payload is the next layer.
void json_geneve(JsonWriter& w, const GeneveL& l) {
  w.member("layer", "geneve");
  w.member("length", l.length);
  if (l.stage < 1) return;
  w.member("version", l.first >> 6);
  w.member("oam", (l.flags & kOam) != 0);
  w.member("critical", (l.flags & kCritical) != 0);
  w.member("protocol", l.proto);
  w.member("vni", l.vni);
  if (l.stage < 2) return;
  w.key("options");
  w.begin_array();
  std::size_t at = 0;
  while (at + 4 <= l.options.size()) {
    std::uint32_t len = 4 + (l.options[at + 3] & 0x1fu) * 4;
    w.begin_object();
    w.member("class", be16_at(l.options, at));
    w.member("class_name", class_name(be16_at(l.options, at)));
    w.member("type", l.options[at + 2]);
    w.member("length", len);
    if (len <= l.options.size() - at) w.member("data", hex_text(l.options.subspan(at + 4, len - 4)));
    else w.member("bad_length", true);
    w.end_object();
    at += len;
  }
  w.end_array();
}

}  // namespace netlab::proto
