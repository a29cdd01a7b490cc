// MPLS label stacks: RFC 3032 (ethertypes 0x8847 and 0x8848) and RFC 7510
// (MPLS over UDP, port 6635). The text follows tcpdump 4.99.3's
// print-mpls.c: "MPLS (label L, tc T, [S], ttl N)" per stack entry (from -v
// a reserved label's name, and each entry after the first on its own
// line), then the payload, guessed from the bottom label (0 and 3: IPv4, 2:
// IPv6) or else from its first byte (0x45-0x4f IPv4, 0x60-0x6f IPv6,
// 0x81-0x83 OSI); anything else is a hex dump.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::uint32_t kBottom = 0x100;
constexpr std::string_view kReserved[] = {"IPv4 explicit NULL", "router alert", "IPv6 explicit NULL",
                                          "implicit NULL"};  // 4-15: "rsvd"

MplsL::Payload guess_payload(std::uint32_t label, std::uint8_t first) {
  if (label == 0 || label == 3) return MplsL::Ipv4;
  if (label == 2) return MplsL::Ipv6;
  if (first >= 0x45 && first <= 0x4f) return MplsL::Ipv4;
  if (first >= 0x60 && first <= 0x6f) return MplsL::Ipv6;
  if (first >= 0x81 && first <= 0x83) return MplsL::Osi;
  return MplsL::Unknown;
}

}  // namespace

void decode_mpls(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "mpls";
  auto& m = c.d.push<MplsL>();
  m.length = length;
  const Bytes start = r.rest();
  std::uint32_t entry = 0;
  do {
    if (length < 4) {  // tcpdump's " (invalid)", then " [|mpls]" when the rest was not captured
      m.invalid = true;
      c.d.last()->status = Status::Invalid;
      r.require(length);
      return;
    }
    entry = r.be32();  // a stack with no bottom runs off the capture: " [|mpls]"
    length -= 4;
    m.stack = start.first(start.size() - r.remaining());
  } while (!(entry & kBottom));
  const std::uint32_t label = entry >> 12;
  std::uint8_t first = 0;
  if (label != 0 && label != 2 && label != 3) {
    if (length < 1) return;  // nothing to print
    first = r.peek8(0);
  }
  m.payload = guess_payload(label, first);
  m.rest = r.rest().first(std::min<std::size_t>(r.remaining(), length));
  switch (m.payload) {
    case MplsL::Ipv4: return decode_ipv4(c, r, length);
    case MplsL::Ipv6: return decode_ipv6(c, r, length);
    case MplsL::Osi:
      if (first == 0x83) return decode_isis(c, r, length);
      return;
    case MplsL::Unknown:
    case MplsL::None: return;
  }
}

void print_mpls(PrintCtx& p, std::size_t i) {
  p.proto = "mpls";
  const auto& m = at<MplsL>(p.d, i);
  Out& o = p.o;
  o << "MPLS";
  for (std::size_t k = 0; k + 4 <= m.stack.size(); k += 4) {
    std::uint32_t e = be32_at(m.stack, k);
    std::uint32_t label = e >> 12;
    o << (k && p.opt.verbose ? "\n\t" : " ") << "(label ";
    o.u(label);
    if (p.opt.verbose && label < 16) o << " (" << (label < std::size(kReserved) ? kReserved[label] : "rsvd") << ')';
    o << ", tc ";
    o.u(e >> 9 & 7);
    if (e & kBottom) o << ", [S]";
    o << ", ttl ";
    o.u(e & 0xff) << ')';
  }
  if (m.invalid) {
    o << " (invalid)";
    return;
  }
  if (m.payload == MplsL::Unknown) {
    if (p.opt.hex == HexStyle::None && !p.opt.quiet) hex_dump(o, m.rest, true);
    return;
  }
  if (m.payload == MplsL::None) return;
  o << (p.opt.verbose ? "\n\t" : " ");
  if (i + 1 < p.d.size()) print_layers(p, i + 1);
}

// The stack's entries; the payload is the next layer.
void json_mpls(JsonWriter& w, const MplsL& l) {
  w.member("layer", "mpls");
  w.member("length", l.length);
  w.key("labels");
  w.begin_array();
  for (std::size_t k = 0; k + 4 <= l.stack.size(); k += 4) {
    std::uint32_t e = be32_at(l.stack, k);
    w.begin_object();
    w.member("label", e >> 12);
    w.member("tc", (e >> 9) & 7);
    w.member("bottom", (e & kBottom) != 0);
    w.member("ttl", e & 0xff);
    w.end_object();
  }
  w.end_array();
  constexpr std::string_view kNames[] = {"none", "ipv4", "ipv6", "osi", "unknown"};
  if (l.payload != MplsL::None) w.member("payload", kNames[l.payload]);
}

}  // namespace netlab::proto
