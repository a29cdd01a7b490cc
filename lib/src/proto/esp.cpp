// ESP: the IP Encapsulating Security Payload (RFC 4303), IP protocol 50,
// and its UDP encapsulation for NAT traversal (RFC 3948, UDP port 4500).
// netlab holds no keys: as tcpdump 4.99.3's print-esp.c without -E, it
// prints the SPI and sequence number and the length,
// "ESP(spi=0x12345678,seq=0x1), length 116", and nothing of the encrypted
// payload. A header not captured past its 8 bytes is " [|esp]".
#include "proto/proto.hpp"

namespace netlab::proto {

void decode_esp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "esp";
  auto& e = c.d.push<EspL>();
  e.msg = r.rest();
  e.length = length;
}

// UDP port 4500 (tcpdump's isakmp_rfc3948_print): a NAT keepalive, IKE
// after four zero bytes (isakmp.cpp), or ESP.
void decode_udp_encap(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "isakmp_rfc3948";
  // A byte tcpdump reads here that was not captured ends the line: "Cut".
  if ((length == 1 && !r.has(1)) || (length >= 4 && !r.has(4))) {
    c.d.push<EspL>({r.rest(), length, EspL::Cut});
    return;
  }
  if (length == 1 && r.peek8(0) == 0xff) {
    auto& e = c.d.push<EspL>();
    e.msg = r.rest();
    e.length = length;
    e.encap = EspL::Keepalive;
    return;
  }
  if (length < 4) {
    c.d.push<EspL>({r.rest(), length, EspL::Cut});
    return;
  }
  if (be32_at(r.rest(), 0) == 0) return decode_isakmp_natt(c, r, length);  // NONESP-encap: IKE
  decode_esp(c, r, length);
  std::get<EspL>(c.d.last()->layer).encap = EspL::Udp;
}

void print_esp(PrintCtx& p, std::size_t i) {
  const auto& e = at<EspL>(p.d, i);
  Out& o = p.o;
  switch (e.encap) {
    case EspL::Keepalive: o << "isakmp-nat-keep-alive"; return;
    case EspL::Cut: p.proto = "isakmp_rfc3948"; throw Truncated{};
    case EspL::Udp: o << "UDP-encap: "; break;
    case EspL::None: break;
  }
  p.proto = "esp";
  if (e.msg.size() <= 8) throw Truncated{};  // tcpdump wants a byte past the header
  o << "ESP(spi=0x";
  o.hex(be32_at(e.msg, 0), 8) << ",seq=0x";
  o.hex(be32_at(e.msg, 4)) << "), length ";
  o.u(e.length);
}

// The header's two fields, the length, and how it was carried.
void json_esp(JsonWriter& w, const EspL& l) {
  w.member("layer", "esp");
  w.member("length", l.length);
  if (l.encap == EspL::Keepalive) {
    w.member("nat_keepalive", true);
    return;
  }
  w.member("udp_encap", l.encap == EspL::Udp);
  if (l.msg.size() < 8) {
    w.member("truncated", true);
    return;
  }
  w.member("spi", be32_at(l.msg, 0));
  w.member("seq", be32_at(l.msg, 4));
}

}  // namespace netlab::proto
