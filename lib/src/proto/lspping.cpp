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
constexpr Tok kReplyModes[] = {{1, "Do not reply"},
                               {2, "Reply via an IPv4/IPv6 UDP packet"},
                               {3, "Reply via an IPv4/IPv6 UDP packet with Router Alert"},
                               {4, "Reply via application level control channel"}};
constexpr Tok kReturnCodes[] = {
    {0, "No return code or return code contained in the Error Code TLV"},
    {1, "Malformed echo request received"},
    {2, "One or more of the TLVs was not understood"},
    {3, "Replying router is an egress for the FEC at stack depth"},
    {4, "Replying router has no mapping for the FEC at stack depth"},
    {5, "Reserved"},
    {6, "Reserved"},
    {7, "Reserved"},
    {8, "Label switched at stack-depth"},
    {9, "Label switched but no MPLS forwarding at stack-depth"},
    {10, "Mapping for this FEC is not the given label at stack depth"},
    {11, "No label entry at stack-depth"},
    {12, "Protocol not associated with interface at FEC stack depth"},
    {13, "Premature termination of ping due to label stack shrinking to a single label"}};

// The common header from -v on (the TLVs after it are not decoded yet).
void print_header_verbose(Out& o, Bytes m, std::uint32_t length) {
  o << "\n\tLSP-PINGv";
  o.u(be16_at(m, 0)) << ", msg-type: ";
  name_or(o, kMsgTypes, m[4], "unknown") << " (";
  o.u(m[4]) << "), length: ";
  o.u(length) << "\n\t  reply-mode: ";
  name_or(o, kReplyModes, m[5], "unknown") << " (";
  o.u(m[5]) << ")\n\t  Return Code: ";
  std::uint8_t code = m[6], sub = m[7];
  name_or(o, kReturnCodes, code, "unknown");
  if (code == 3 || code == 4 || code == 8 || code == 10 || code == 11 || code == 12) o << ' ', o.u(sub);
  o << " (";
  o.u(code) << ")\n\t  Return Subcode: (";
  o.u(sub) << ")\n\t  Sender Handle: 0x";
  o.hex(be32_at(m, 8), 8) << ", Sequence: ";
  o.u(be32_at(m, 12)) << "\n\t  Sender Timestamp: ";
  print_ntp_time(o, m, 16);
  o << " Receiver Timestamp: ";
  print_ntp_time(o, m, 24);
}

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
  if (p.opt.verbose) return print_header_verbose(o, l.msg, l.length);
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
