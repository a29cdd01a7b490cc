// VXLAN: RFC 7348 (UDP port 4789): an 8-byte header, flags (I: the VNI is
// valid) and a 24-bit VXLAN network identifier, then an Ethernet frame.
// The text follows tcpdump 4.99.3's print-vxlan.c: "VXLAN, flags [I]
// (0x08), vni N", a newline, and the inner frame as the Ethernet printer
// prints it (its addresses under -e only, as at the top level).
#include "proto/proto.hpp"

#include <algorithm>
#include <utility>

namespace netlab::proto {

void decode_vxlan(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "vxlan";
  auto& x = c.d.push<VxlanL>();
  x.length = length;
  if (length < 8) return;  // printed as cut, as tcpdump does
  // tcpdump prints the flags before it reads the VNI, and the VNI before
  // the inner frame: each stage is printed as far as it was captured.
  x.flags = r.peek8(0);
  x.stage = 1;
  x.vni = std::uint32_t(r.peek16(4)) << 8 | r.peek8(6);
  x.stage = 2;
  // The reserved byte after the VNI is the last thing VXLAN itself needs
  // captured (" [|vxlan]" after the VNI line, as tcpdump 4.99.3); a cut
  // inner frame is the Ethernet printer's (" [|ether]").
  r.skip(8);
  decode_ethernet(c, r, length - 8);
}

void print_vxlan(PrintCtx& p, std::size_t i) {
  p.proto = "vxlan";
  const auto& x = at<VxlanL>(p.d, i);
  Out& o = p.o;
  o << "VXLAN";
  if (x.stage < 1) throw Truncated{};  // " [|vxlan]": a short header, cut or stated
  o << ", flags [" << (x.flags & 0x08 ? "I" : "invalid") << "] (0x";
  o.hex(x.flags, 2) << "), ";
  if (x.stage < 2) throw Truncated{};
  o << "vni ";
  o.u(x.vni) << '\n';
  if (i + 1 < p.d.size()) print_layers(p, i + 1);
}

}  // namespace netlab::proto

namespace netlab::proto {

// The header's fields; the inner frame is the next layer.
void json_vxlan(JsonWriter& w, const VxlanL& l) {
  w.member("layer", "vxlan");
  w.member("length", l.length);
  if (l.stage < 1) return;
  w.member("flags", l.flags);
  w.member("vni_valid", (l.flags & 0x08) != 0);
  if (l.stage < 2) return;
  w.member("vni", l.vni);
}

}  // namespace netlab::proto

// VXLAN-GPE: draft-ietf-nvo3-vxlan-gpe (UDP port 4790): the VXLAN header
// with flags I, P, B and O, a next protocol byte (1 IPv4, 2 IPv6, 3
// Ethernet, 4 NSH; tcpdump 4.99.3 decodes no other) and the VNI. The text
// follows tcpdump 4.99.3's print-vxlan-gpe.c: "VXLAN-GPE, flags [IP], vni
// N", then ": " (or "\n    " under -v) and the payload; another next
// protocol prints "ERROR: unknown-next-protocol (invalid)".
namespace netlab::proto {

void decode_vxlan_gpe(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "vxlan_gpe";
  auto& x = c.d.push<VxlanGpeL>();
  x.length = length;
  if (length < 8) return;  // printed as invalid
  x.flags = r.peek8(0);
  x.stage = 1;
  x.next = r.peek8(3);
  x.vni = std::uint32_t(r.peek16(4)) << 8 | r.peek8(6);
  x.stage = 2;
  // The reserved byte after the VNI is not read (tcpdump 4.99.3 skips it):
  // a payload cut there is the payload's printer's.
  r = ByteReader(r.rest().subspan(std::min<std::size_t>(8, r.remaining())));
  std::uint32_t len = length - 8;
  switch (x.next) {
    case 1: decode_ipv4(c, r, len); return;
    case 2: decode_ipv6(c, r, len); return;
    case 3: decode_ethernet(c, r, len); return;
    case 4: decode_nsh(c, r, len); return;
    default: return;
  }
}

void print_vxlan_gpe(PrintCtx& p, std::size_t i) {
  p.proto = "vxlan_gpe";
  const auto& x = at<VxlanGpeL>(p.d, i);
  Out& o = p.o;
  o << "VXLAN-GPE, ";
  if (x.length < 8) {
    o << " (len ";
    o.u(x.length) << " < 8) (invalid)";
    return;
  }
  if (x.stage < 1) throw Truncated{};
  o << "flags [";
  bool any = false;
  for (auto [bit, name] : {std::pair{0x08, 'I'}, std::pair{0x04, 'P'}, std::pair{0x02, 'B'}, std::pair{0x01, 'O'}})
    if (x.flags & bit) o << name, any = true;
  if (!any) o << "none";
  o << "], ";
  if (x.stage < 2) throw Truncated{};
  o << "vni ";
  o.u(x.vni) << (p.opt.verbose ? "\n    " : ": ");
  if (i + 1 < p.d.size()) return print_layers(p, i + 1);
  if (x.next < 1 || x.next > 4) o << "ERROR: unknown-next-protocol (invalid)";
}

// The header's fields; the payload is the next layer.
void json_vxlan_gpe(JsonWriter& w, const VxlanGpeL& l) {
  w.member("layer", "vxlan_gpe");
  w.member("length", l.length);
  if (l.stage < 1) return;
  w.member("flags", l.flags);
  w.member("vni_valid", (l.flags & 0x08) != 0);
  w.member("next_protocol_present", (l.flags & 0x04) != 0);
  w.member("oam", (l.flags & 0x01) != 0);
  if (l.stage < 2) return;
  w.member("next_protocol", l.next);
  w.member("vni", l.vni);
}

}  // namespace netlab::proto
