// MPLS LSP ping and traceroute: RFC 8029 (formerly RFC 4379), UDP port
// 3503. The text follows tcpdump 4.99.3's print-lspping.c at -n: a
// 32-byte common header checked first (" [|lspping]" when it was not
// captured), "LSP-PING version V packet not supported" for a version other
// than 1, else "LSP-PINGv1, MPLS Echo Request, seq N, length: L".
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::size_t kHeader = 32;
constexpr Tok kMsgTypes[] = {{1, "MPLS Echo Request"}, {2, "MPLS Echo Reply"}};

}  // namespace

void decode_lspping(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "lspping";
  auto& l = c.d.push<LspPingL>();
  l.msg = r.rest().first(std::min<std::size_t>(r.remaining(), length));
  l.length = length;
  if (length >= kHeader && l.msg.size() < kHeader) c.d.last()->status = Status::Truncated;
}

void print_lspping(PrintCtx& p, std::size_t i) {
  p.proto = "lspping";
  const auto& l = at<LspPingL>(p.d, i);
  Out& o = p.o;
  ByteReader r(l.msg);
  if (l.length < kHeader) {
    o << "\n\t\t packet is too short";
    return;
  }
  r.require(kHeader);
  std::uint16_t version = r.be16();
  if (version != 1) {
    o << "LSP-PING version ";
    o.u(version) << " packet not supported";
    return;
  }
  r.skip(2);
  std::uint8_t type = r.u8();
  r.skip(7);
  std::uint32_t seq = r.be32();
  o << "LSP-PINGv";
  o.u(version) << ", ";
  tok_print(o, kMsgTypes, type, "unknown (", ")") << ", seq ";
  o.u(seq) << ", length: ";
  o.u(l.length);
}

// The common header's fields; the TLVs are left out.
void json_lspping(JsonWriter& w, const LspPingL& l) {
  w.member("layer", "lspping");
  w.member("length", l.length);
  if (l.length < kHeader || l.msg.size() < kHeader) return;
  Bytes m = l.msg;
  w.member("version", be16_at(m, 0));
  w.member("msg_type", m[4]);
  w.member("msg_type_name", tok_name(kMsgTypes, m[4]));
  w.member("reply_mode", m[5]);
  w.member("return_code", m[6]);
  w.member("return_subcode", m[7]);
  w.member("sender_handle", be32_at(m, 8));
  w.member("seq", be32_at(m, 12));
}

}  // namespace netlab::proto
