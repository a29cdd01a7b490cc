// NSH: the Network Service Header, RFC 8300 (ethertype 0x894f, VXLAN-GPE's
// next protocol 4, GRE protocol 0x894f). The text follows tcpdump 4.99.3's
// print-nsh.c: "NSH, flags [O], service-path-id 0x000309, service-index
// 0x7" then ": " (or "\n    " under -v) and the payload by its next
// protocol (IPv4, IPv6, Ethernet); -vv adds the version and next protocol,
// -vvv the TTL, length, MD type and the context headers (MD type 1's four
// words, MD type 2's TLVs). Inconsistent lengths print " (invalid)".
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr Tok kMdTypes[] = {{0, "reserved"}, {1, "1"}, {2, "2"}, {15, "experimental"}};
constexpr Tok kNextProtocols[] = {{1, "IPv4"}, {2, "IPv6"},          {3, "Ethernet"},     {4, "NSH"},
                                  {5, "MPLS"}, {0xfe, "Experiment 1"}, {0xff, "Experiment 2"}};

struct Invalid {};

}  // namespace

void decode_nsh(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "nsh";
  auto& l = c.d.push<NshL>();
  l.msg = r.rest();
  l.length = length;
  if (length < 8) return;
  std::uint32_t base = be32_at(l.msg, 0);
  unsigned words = (base >> 16) & 0x3f;
  if (base >> 30 != 0 || length < words * 4u || words < 2) return;
  sub(l.msg, 4, 4);  // the service path header
  r.skip(words * 4u);  // the context headers, as tcpdump checks them
  std::uint32_t next = length - words * 4u;
  switch (base & 0xff) {
    case 1: decode_ipv4(c, r, next); return;
    case 2: decode_ipv6(c, r, next); return;
    case 3: decode_ethernet(c, r, next); return;
    default: return;
  }
}

namespace {

// MD type 2's context headers: WORDS - 2 words of TLVs from AT (Invalid on
// one longer than they are).
void print_md2_tlvs(Out& o, Bytes b, std::size_t at, unsigned words) {
  unsigned n = 0;
  while (n < words - 2) {
    std::uint16_t tlv_class = be16_at(b, at);
    std::uint8_t tlv_type = sub(b, at + 2, 1)[0];
    unsigned tlv_len = sub(b, at + 3, 1)[0] & 0x7f;
    unsigned padded = (tlv_len + 3) & ~3u;
    at += 4;
    o << "\n        TLV Class ";
    o.u(tlv_class) << ", Type ";
    o.u(tlv_type) << ", Len ";
    o.u(tlv_len);
    n += 1;
    if (words - 2 < n + padded / 4) {
      o << " (length too big)";
      throw Invalid{};
    }
    if (tlv_len) {
      o << "\n            Value: ";
      for (unsigned k = 0; k < tlv_len; ++k) {
        o << (k ? ":" : "0x");
        o.hex(sub(b, at + k, 1)[0], 2);
      }
      sub(b, at + tlv_len, padded - tlv_len);
      at += padded;
      n += padded / 4;
    }
  }
}

}  // namespace

void print_nsh(PrintCtx& p, std::size_t i) {
  p.proto = "nsh";
  const auto& l = at<NshL>(p.d, i);
  Out& o = p.o;
  Bytes b = l.msg;
  const int v = p.opt.verbose;
  try {
    if (l.length < 8) {
      o << " (packet length ";
      o.u(l.length) << " < 8)";
      throw Invalid{};
    }
    std::uint32_t base = be32_at(b, 0);
    unsigned ver = base >> 30, words = (base >> 16) & 0x3f, md_type = (base >> 8) & 0x0f;
    std::uint8_t next = base & 0xff;
    o << "NSH, ";
    if (v > 1) {
      o << "ver ";
      o.u(ver) << ", ";
    }
    if (ver != 0) return;
    o << "flags [" << ((base >> 28) & 0x2 ? "O" : "none") << "], ";
    if (v > 2) {
      o << "TTL ";
      o.u((base >> 22) & 0x3f) << ", length ";
      o.u(words) << ", md type ";
      if (auto name = tok_name(kMdTypes, md_type); !name.empty()) o << name;
      else {
        o << "unknown (0x";
        o.hex(md_type, 2) << ')';
      }
      o << ", ";
    }
    if (v > 1) {
      o << "next-protocol ";
      if (auto name = tok_name(kNextProtocols, next); !name.empty()) o << name;
      else {
        o << "unknown (0x";
        o.hex(next, 2) << ')';
      }
      o << ", ";
    }
    if (l.length < words * 4u) {
      o << " (too many headers for packet length ";
      o.u(l.length) << ')';
      throw Invalid{};
    }
    std::uint32_t spi = be32_at(b, 4);
    o << "service-path-id 0x";
    o.hex(spi >> 8, 6) << ", service-index 0x";
    o.hex(spi & 0xff);
    if (words < 2) {
      o << " (less than two headers)";
      throw Invalid{};
    }
    std::size_t at = 8;
    bool past = false;
    if (v > 2 && md_type == 1) {
      if (words != 6) {
        o << " (invalid length for the MD type)";
        throw Invalid{};
      }
      for (unsigned n = 0; n < 4; ++n, at += 4) {
        std::uint32_t word = be32_at(b, at);  // read before the line is printed
        o << "\n        Context[" << char('0' + n / 10) << char('0' + n % 10) << "]: 0x";
        o.hex(word, 8);
      }
      past = true;
    } else if (v > 2 && md_type == 2) {
      print_md2_tlvs(o, b, at, words);
      past = true;
    }
    if (!past) sub(b, at, (words - 2) * 4u);
    o << (v ? "\n    " : ": ");
    if (i + 1 < p.d.size()) return print_layers(p, i + 1);
    if (next < 1 || next > 3) o << "ERROR: unknown-next-protocol";
  } catch (const Invalid&) {
    o << " (invalid)";
  }
}

// The base and service path headers as typed members; the payload is the
// next layer.
void json_nsh(JsonWriter& w, const NshL& l) {
  w.member("layer", "nsh");
  w.member("length", l.length);
  Bytes b = l.msg;
  if (b.size() < 8 || l.length < 8) {
    w.member("truncated", true);
    return;
  }
  std::uint32_t base = be32_at(b, 0), spi = be32_at(b, 4);
  w.member("version", base >> 30);
  w.member("oam", ((base >> 28) & 0x2) != 0);
  w.member("ttl", (base >> 22) & 0x3f);
  w.member("header_words", (base >> 16) & 0x3f);
  w.member("md_type", (base >> 8) & 0x0f);
  w.member("next_protocol", base & 0xff);
  w.member("service_path_id", spi >> 8);
  w.member("service_index", spi & 0xff);
}

}  // namespace netlab::proto
