// VXLAN: RFC 7348 (UDP port 4789): an 8-byte header, flags (I: the VNI is
// valid) and a 24-bit VXLAN network identifier, then an Ethernet frame.
// The text follows tcpdump 4.99.3's print-vxlan.c: "VXLAN, flags [I]
// (0x08), vni N", a newline, and the inner frame as the Ethernet printer
// prints it (its addresses under -e only, as at the top level).
#include "proto/proto.hpp"

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
