// ATM with RFC 1483/2684 LLC encapsulation (LINKTYPE_ATM_RFC1483 100, DLT
// 11): an 802.2 LLC header straight away (SNAP, OSI or IP SAPs), Cisco's
// NLPID form (a 0x03 first byte), or what tcpdump 4.99.3's print-atm.c takes
// for a Fore driver's 20-byte 802.6 MAC header before the LLC header (its
// first 16 bytes printed under -e).
#include "proto/proto.hpp"

namespace netlab::proto {

void decode_atm_rfc1483(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "atm";
  auto& a = c.d.push<AtmL>();
  a.length = length;
  if (r.peek8(0) == 0x03) {  // Cisco-style NLPID: only IS-IS is decoded
    a.cnlpid = true;
    r.skip(1);
    if (r.has(1) && r.peek8(0) == 0x83) decode_isis(c, r, length - 1);
    else c.d.push<UnknownL>({0, r.rest()});
    return;
  }
  std::uint32_t llc = std::uint32_t(r.peek8(0)) << 16 | std::uint32_t(r.peek8(1)) << 8 | r.peek8(2);
  if (llc != 0xaaaa03 && llc != 0xfefe03 && llc != 0x060603) {
    if (!r.has(20)) throw Truncated{};
    a.mac = r.bytes(20);
    length -= 20;
  }
  decode_llc(c, r, length);
}

void print_atm(PrintCtx& p, std::size_t i) {
  p.proto = "atm";
  const auto& a = at<AtmL>(p.d, i);
  Out& o = p.o;
  if (p.opt.link_header) {
    if (a.cnlpid) {
      o << "CNLPID ";
    } else if (!a.mac.empty()) {
      for (std::size_t k = 0; k < 16; ++k) {
        o.hex(a.mac[k], 2);
        if (k == 7) o << ' ';
      }
      o << ' ';
    }
  }
  if (i + 1 >= p.d.size()) return;
  if (is<UnknownL>(p.d, i + 1)) {
    if (p.opt.hex == HexStyle::None && !p.opt.quiet) hex_dump(o, at<UnknownL>(p.d, i + 1).data, true);
    return;
  }
  print_layers(p, i + 1);
}

void json_atm(JsonWriter& w, const AtmL& l) {
  w.member("layer", "atm-rfc1483");
  w.member("cisco_nlpid", l.cnlpid);
  if (!l.mac.empty()) w.member("mac_header", hex_text(l.mac));
}

}  // namespace netlab::proto
