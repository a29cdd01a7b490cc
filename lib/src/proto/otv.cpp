// OTV (Cisco's Overlay Transport Virtualization, draft-hasmit-otv-04) on
// UDP port 8472, which is also Linux's own default VXLAN port: tcpdump
// 4.99.3 (print-otv.c) prints the 8-byte header there, flags (I: the
// instance is valid), the 24-bit overlay and instance IDs, then a newline
// and the inner Ethernet frame as the Ethernet printer prints it.
#include "proto/proto.hpp"

namespace netlab::proto {

void decode_otv(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "otv";
  auto& x = c.d.push<OtvL>();
  x.length = length;
  if (length < 8) {  // "[length N < 8] (invalid)", then " [|otv]" if cut too
    x.data_short = !r.has(length);
    return;
  }
  // Each field is printed as far as it was captured, as tcpdump reads them
  // one by one.
  if (!r.has(1)) return;
  x.flags = r.peek8(0);
  x.stage = 1;
  if (!r.has(4)) return;
  x.overlay = std::uint32_t(r.peek16(1)) << 8 | r.peek8(3);
  x.stage = 2;
  if (!r.has(7)) return;
  x.instance = std::uint32_t(r.peek16(4)) << 8 | r.peek8(6);
  x.stage = 3;
  if (!r.has(8)) return;  // the reserved byte: " [|otv]" after the instance line
  x.stage = 4;
  r.skip(8);
  decode_ethernet(c, r, length - 8);
}

void print_otv(PrintCtx& p, std::size_t i) {
  p.proto = "otv";
  const auto& x = at<OtvL>(p.d, i);
  Out& o = p.o;
  o << "OTV, ";
  if (x.length < 8) {
    o << "[length ";
    o.u(x.length) << " < 8] (invalid)";
    if (x.data_short) throw Truncated{};
    return;
  }
  if (x.stage < 1) throw Truncated{};
  o << "flags [" << (x.flags & 0x08 ? "I" : ".") << "] (0x";
  o.hex(x.flags, 2) << "), ";
  if (x.stage < 2) throw Truncated{};
  o << "overlay ";
  o.u(x.overlay) << ", ";
  if (x.stage < 3) throw Truncated{};
  o << "instance ";
  o.u(x.instance) << '\n';
  if (x.stage < 4) throw Truncated{};
  if (i + 1 < p.d.size()) print_layers(p, i + 1);
}

void json_otv(JsonWriter& w, const OtvL& l) {
  w.member("layer", "otv");
  w.member("length", l.length);
  if (l.stage < 1) return;
  w.member("flags", l.flags);
  w.member("instance_valid", (l.flags & 0x08) != 0);
  if (l.stage < 2) return;
  w.member("overlay", l.overlay);
  if (l.stage < 3) return;
  w.member("instance", l.instance);
}

}  // namespace netlab::proto
