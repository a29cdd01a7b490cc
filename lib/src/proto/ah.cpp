// AH: the IP Authentication Header (RFC 4302), IP protocol 51 in IPv4 and
// in IPv6's header chain. The text follows tcpdump 4.99.3's print-ah.c:
// "AH(spi=0x00000100,seq=0x13,icv=0x21d3...): " (from -v the length field
// and the header's size first, a reserved field that is not zero said),
// then the payload the next-header field names, through the IP demux.
#include "proto/proto.hpp"

#include <algorithm>

namespace netlab::proto {

void decode_ah(Ctx& c, ByteReader r, std::uint32_t length, std::size_t ip, bool fragmented) {
  c.d.trunc_proto = "ah";
  auto& a = c.d.push<AhL>();
  a.hdr = r.rest();
  std::uint8_t next = r.peek8(0);
  std::uint32_t size = (r.peek8(1) + 2u) * 4u;  // RFC 4302 2.2: 32-bit words, minus 2
  // tcpdump reads the SPI and the sequence number even when the length
  // field makes the header shorter than they are.
  r.require(std::max<std::uint32_t>(size, 12));
  r.skip(size);
  // tcpdump subtracts without a check (its u_int wraps) and carries on.
  decode_ip_payload(c, next, r, length - size, ip, fragmented);
}

void print_ah(PrintCtx& p, std::size_t i) {
  p.proto = "ah";
  const auto& a = at<AhL>(p.d, i);
  Out& o = p.o;
  Bytes h = a.hdr;
  sub(h, 0, 1);  // the next header, which tcpdump's IP demux reads before "AH"
  o << "AH";
  std::uint8_t len = sub(h, 1, 1)[0];
  std::uint32_t size = (len + 2u) * 4u;
  o << '(';
  if (p.opt.verbose) {
    o << "length=";
    o.u(len) << '(';
    o.u(size) << "-bytes),";
  }
  if (std::uint16_t reserved = be16_at(h, 2)) o << "reserved=0x", o.hex(reserved) << "[MustBeZero],";
  std::uint32_t spi = be32_at(h, 4);
  o << "spi=0x";
  o.hex(spi, 8) << ',';
  std::uint32_t seq = be32_at(h, 8);
  o << "seq=0x";
  o.hex(seq) << ",icv=0x";
  for (std::size_t k = 12; k < size; ++k) o.hex(sub(h, k, 1)[0], 2);  // a byte at a time, as far as captured
  o << "): ";
  if (i + 1 < p.d.size()) print_layers(p, i + 1);
}

// The header's fields; the payload is the next layer.
void json_ah(JsonWriter& w, const AhL& l) {
  w.member("layer", "ah");
  Bytes h = l.hdr;
  if (h.size() < 12) {
    w.member("truncated", true);
    return;
  }
  std::uint32_t size = (h[1] + 2u) * 4u;
  Bytes icv = size > 12 ? h.subspan(12, std::min<std::size_t>(size, h.size()) - 12) : Bytes{};
  w.member("next_header", h[0]);
  w.member("header_length", size);
  w.member("reserved", be16_at(h, 2));
  w.member("spi", be32_at(h, 4));
  w.member("seq", be32_at(h, 8));
  w.member("icv", hex_text(icv));
  if (h.size() < size) w.member("truncated", true);
}

}  // namespace netlab::proto
