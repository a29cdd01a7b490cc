// MPLS LSP ping and traceroute: RFC 8029 (formerly RFC 4379), UDP port
// 3503. The text follows tcpdump 4.99.3's print-lspping.c: at -n a 32-byte
// common header checked first (" [|lspping]" when it was not captured),
// "LSP-PING version V packet not supported" for a version other than 1,
// else "LSP-PINGv1, MPLS Echo Request, seq N, length: L"; from -v the
// header's fields and the TLVs: the target FEC stack and its sub-TLVs (LDP,
// RSVP, BGP, VPN and L2 VPN FECs, pseudowires), the downstream mapping's
// addresses, BFD discriminator, vendor enterprise code; the rest (pad,
// error code, vendor private, unknown) and the undecoded parts in hex as
// tcpdump dumps them, every TLV's bytes again at -vv.
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

constexpr std::size_t kTlvHeader = 4;
constexpr Tok kTlvs[] = {{1, "Target FEC Stack"},
                         {2, "Downstream Mapping"},
                         {3, "Pad"},
                         {9, "Error Code"},
                         {5, "Vendor Enterprise Code"},
                         {7, "Interface Label Stack"},
                         {10, "Reply TOS Byte"},
                         {15, "BFD Discriminator"},
                         {0xfc00, "Vendor Private Code"}};
constexpr Tok kFecSubTlvs[] = {{1, "LDP IPv4 prefix"},
                               {2, "LDP IPv6 prefix"},
                               {3, "RSVP IPv4 Session Query"},
                               {4, "RSVP IPv6 Session Query"},
                               {5, "Reserved"},
                               {6, "VPN IPv4 prefix"},
                               {7, "VPN IPv6 prefix"},
                               {8, "L2 VPN endpoint"},
                               {9, "FEC 128 pseudowire (old)"},
                               {10, "FEC 128 pseudowire"},
                               {12, "BGP labeled IPv4 prefix"},
                               {13, "BGP labeled IPv6 prefix"}};
constexpr Tok kDownstreamAddrs[] = {{1, "IPv4"}, {2, "Unnumbered IPv4"}, {3, "IPv6"}, {4, "IPv6"}};
// tcpdump's smi_values (oui.c): SMI network management private enterprise codes.
constexpr Tok kSmi[] = {{0, "IETF (reserved)"},
                        {5, "ACC"},
                        {9, "Cisco"},
                        {11, "Hewlett Packard"},
                        {42, "Sun Microsystems"},
                        {61, "Merit"},
                        {166, "Shiva"},
                        {193, "Ericsson AB"},
                        {255, "Cisco VPN 5000"},
                        {307, "Livingston"},
                        {311, "Microsoft"},
                        {429, "3Com"},
                        {529, "Ascend"},
                        {1584, "Bay Networks"},
                        {1991, "Foundry"},
                        {2180, "Versanet"},
                        {2352, "Redback"},
                        {2636, "Juniper Networks"},
                        {2637, "Aptis"},
                        {2937, "Deutsche Telekom AG"},
                        {3054, "Ixia Communications"},
                        {3076, "Cisco VPN 3000"},
                        {3085, "CoSine Communications"},
                        {3224, "Netscreen Technologies"},
                        {3199, "Shasta"},
                        {3309, "Nomadix"},
                        {4329, "Siemens"},
                        {4491, "CableLabs"},
                        {4874, "Unisphere Networks"},
                        {5263, "Cisco BBSM"},
                        {5535, "3rd Generation Partnership Project 2 (3GPP2)"},
                        {5925, "ip.unplugged"},
                        {5948, "Issanni Communications"},
                        {6618, "Quintum"},
                        {6728, "Interlink"},
                        {8744, "Colubris"},
                        {11862, "Columbia University"},
                        {10415, "3GPP"},
                        {10529, "Gemtek-Systems"},
                        {14122, "Wi-Fi Alliance"}};

// tcpdump's bgp_vpn_rd_print: an 8-byte route distinguisher.
void print_rd(Out& o, Bytes rd) {
  switch (be16_at(rd, 0)) {
    case 0:
      o.u(be16_at(rd, 2)) << ':';
      o.u(be32_at(rd, 4)) << " (= ";
      o.ip4(rd.subspan(4, 4)) << ')';
      break;
    case 1:
      o.ip4(rd.subspan(2, 4)) << ':';
      o.u(be16_at(rd, 6));
      break;
    case 2:
      o.u(be32_at(rd, 2)) << ':';
      o.u(be16_at(rd, 6)) << " (";
      o.ip4(rd.subspan(2, 4)) << ':';
      o.u(be16_at(rd, 6)) << ')';
      break;
    default: o << "unknown RD format";
  }
}

// One Target FEC Stack sub-TLV's decoded text (v: its value, captured whole);
// false where tcpdump dumps it in hex instead.
bool print_fec_subtlv(Out& o, std::uint16_t type, Bytes v) {
  auto bad = [&](unsigned want) {
    o << "\n\t      invalid subTLV length, should be ";
    o.u(want);
    return false;
  };
  std::size_t n = v.size();
  switch (type) {
    case 1:
    case 12:
      if (n != 5) return bad(5);
      o << "\n\t      ";
      o.ip4(v.first(4)) << '/';
      o.u(v[4]);
      return true;
    case 2:
    case 13:
      if (n != 17) return bad(17);
      o << "\n\t      ";
      o.ip6(v.first(16)) << '/';
      o.u(v[16]);
      return true;
    case 3:
      if (n != 20) return bad(20);
      o << "\n\t      tunnel end-point ";
      o.ip4(v.first(4)) << ", tunnel sender ";
      o.ip4(v.subspan(12, 4)) << ", lsp-id 0x";
      o.hex(be16_at(v, 18), 4) << "\n\t      tunnel-id 0x";
      o.hex(be16_at(v, 6), 4) << ", extended tunnel-id ";
      o.ip4(v.subspan(8, 4));
      return true;
    case 4:
      if (n != 56) return bad(56);
      o << "\n\t      tunnel end-point ";
      o.ip6(v.first(16)) << ", tunnel sender ";
      o.ip6(v.subspan(36, 16)) << ", lsp-id 0x";
      o.hex(be16_at(v, 54), 4) << "\n\t      tunnel-id 0x";
      o.hex(be16_at(v, 18), 4) << ", extended tunnel-id ";
      o.ip6(v.subspan(20, 16));
      return true;
    case 6:
      if (n != 13) return bad(13);
      o << "\n\t      RD: ";
      print_rd(o, v.first(8));
      o << ", ";
      o.ip4(v.subspan(8, 4)) << '/';
      o.u(v[12]);
      return true;
    case 7:
      if (n != 25) return bad(25);
      o << "\n\t      RD: ";
      print_rd(o, v.first(8));
      o << ", ";
      o.ip6(v.subspan(8, 16)) << '/';
      o.u(v[24]);
      return true;
    case 8:
      if (n != 14) return bad(14);
      o << "\n\t      RD: ";
      print_rd(o, v.first(8));
      o << ", Sender VE ID: ";
      o.u(be16_at(v, 8)) << ", Receiver VE ID: ";
      o.u(be16_at(v, 10)) << "\n\t      Encapsulation Type: ";
      name_or(o, mpls_pw_types(), be16_at(v, 12), "unknown") << " (";
      o.u(be16_at(v, 12)) << ')';
      return true;
    case 9:
      if (n != 10) return bad(10);
      o << "\n\t      Remote PE: ";
      o.ip4(v.first(4)) << "\n\t      PW ID: 0x";
      o.hex(be32_at(v, 4), 8) << ", PW Type: ";
      name_or(o, mpls_pw_types(), be16_at(v, 8), "unknown") << " (";
      o.u(be16_at(v, 8)) << ')';
      return true;
    case 10:
      if (n != 14) return bad(14);
      o << "\n\t      Sender PE: ";
      o.ip4(v.first(4)) << ", Remote PE: ";
      o.ip4(v.subspan(4, 4)) << "\n\t      PW ID: 0x";
      o.hex(be32_at(v, 8), 8) << ", PW Type: ";
      name_or(o, mpls_pw_types(), be16_at(v, 12), "unknown") << " (";
      o.u(be16_at(v, 12)) << ')';
      return true;
    default: return false;
  }
}

enum class TlvEnd { Next, Return, TooShort };

// The Target FEC Stack's sub-TLVs in the TLV value at m[at], tlen bytes.
// hexdump: set where tcpdump dumps the whole TLV afterwards.
TlvEnd print_fec_stack(Out& o, Bytes m, std::size_t at, std::size_t tlen, int verbose, bool& hexdump) {
  while (tlen != 0) {
    if (tlen < kTlvHeader) {
      o << "\n\t      TLV is too short";
      hexdump = true;
      return TlvEnd::Next;
    }
    std::uint16_t type = be16_at(m, at), len = be16_at(m, at + 2);
    if (tlen < len + kTlvHeader) {
      o << "\n\t      TLV is too short";
      hexdump = true;
      return TlvEnd::Next;
    }
    Bytes v = sub(m, at + kTlvHeader, len);  // captured whole, or [|lspping]
    o << "\n\t    ";
    name_or(o, kFecSubTlvs, type, "Unknown") << " subTLV (";
    o.u(type) << "), length: ";
    o.u(len);
    bool decoded = print_fec_subtlv(o, type, v);
    if (verbose > 1 || !decoded) print_unknown_data(o, v, len, "\n\t      ");
    std::size_t padded = len;
    if (padded % 4) {
      padded += 4 - padded % 4;
      if (tlen < padded + kTlvHeader) {
        o << "\n\t\t TLV is too short";
        return TlvEnd::Return;
      }
    }
    at += padded;  // tcpdump 4.99.3 steps over the value only, not the sub-TLV's header
    tlen -= padded + kTlvHeader;
  }
  return TlvEnd::Next;
}

// The Downstream Mapping TLV's value at m[at], tlen bytes (tcpdump decodes
// the MTU, address type and addresses, then dumps the TLV).
void print_downstream(Out& o, Bytes m, std::size_t at, std::size_t tlen) {
  if (tlen < 4) {
    o << "\n\t      TLV is too short";
    return;
  }
  Bytes h = sub(m, at, 4);
  unsigned type = h[2];
  o << "\n\t    MTU: ";
  o.u(be16_at(h, 0)) << ", Address-Type: ";
  name_or(o, kDownstreamAddrs, type, "unknown") << " (";
  o.u(type) << ')';
  std::size_t used = 4;
  if (type >= 1 && type <= 4) {
    std::size_t addr = type <= 2 ? 4 : 16;
    std::size_t need = 4 + addr + (type % 2 ? addr : 4);
    if (tlen < need) {
      o << "\n\t      TLV is too short";
      return;
    }
    Bytes d = sub(m, at, need);
    o << "\n\t    Downstream IP: ";
    if (addr == 4)
      o.ip4(d.subspan(4, 4));
    else
      o.ip6(d.subspan(4, 16));
    if (type % 2) {
      o << "\n\t    Downstream Interface IP: ";
      if (addr == 4)
        o.ip4(d.subspan(8, 4));
      else
        o.ip6(d.subspan(20, 16));
    } else {
      o << "\n\t    Downstream Interface Index: 0x";
      o.hex(be32_at(d, 4 + addr), 8);
    }
    used = need;
  }
  if (tlen - used < 4) {
    o << "\n\t      TLV is too short";
    return;
  }
  sub(m, at + used, 4);
}

// The TLVs after the common header, from m[kHeader] to the length.
void print_tlvs(Out& o, Bytes m, std::uint32_t length, int verbose) {
  std::size_t at = kHeader, tlen = length - kHeader;
  while (tlen != 0) {
    if (tlen < kTlvHeader) {
      o << "\n\t\t packet is too short";
      return;
    }
    std::uint16_t type = be16_at(m, at), len = be16_at(m, at + 2);
    o << "\n\t  ";
    name_or(o, kTlvs, type, "Unknown") << " TLV (";
    o.u(type) << "), length: ";
    o.u(len);
    if (len == 0) {
      at += kTlvHeader;
      tlen -= kTlvHeader;
      continue;
    }
    if (tlen < len + kTlvHeader) {
      o << "\n\t\t packet is too short";
      return;
    }
    Bytes v = sub(m, at + kTlvHeader, len);  // captured whole, or [|lspping]
    bool hexdump = false;
    switch (type) {
      case 1:
        if (print_fec_stack(o, m, at + kTlvHeader, len, verbose, hexdump) == TlvEnd::Return) return;
        break;
      case 2:
        print_downstream(o, m, at + kTlvHeader, len);
        hexdump = true;
        break;
      case 15:
        if (len < 4) {
          o << "\n\t      TLV is too short";
        } else {
          o << "\n\t    BFD Discriminator 0x";
          o.hex(be32_at(v, 0), 8);
          break;
        }
        hexdump = true;
        break;
      case 5:
        if (len < 4) {
          o << "\n\t      TLV is too short";
          hexdump = true;
        } else {
          std::uint32_t id = be32_at(v, 0);
          o << "\n\t    Vendor: ";
          name_or(o, kSmi, id, "Unknown") << " (0x";
          o.hex(id, 4) << ')';
        }
        break;
      default:  // pad, error code, vendor private and the unknown
        if (verbose <= 1) print_unknown_data(o, v, len, "\n\t    ");
    }
    if (verbose > 1 || hexdump) print_unknown_data(o, v, len, "\n\t    ");
    std::size_t padded = len;
    if (padded % 4) {
      padded += 4 - padded % 4;
      if (tlen < padded + kTlvHeader) {
        o << "\n\t\t packet is too short";
        return;
      }
    }
    at += padded + kTlvHeader;
    tlen -= padded + kTlvHeader;
  }
}

// The common header from -v on, then the TLVs.
void print_header_verbose(Out& o, Bytes m, std::uint32_t length, int verbose) {
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
  if (be32_at(m, 24) == 0 && be32_at(m, 28) == 0)
    o << "no timestamp";
  else
    print_ntp_time(o, m, 24);
  print_tlvs(o, m, length, verbose);
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
  if (p.opt.verbose) return print_header_verbose(o, l.msg, l.length, p.opt.verbose);
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

// The common header's fields and the TLVs'.
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
  // The TLVs as far as captured and consistent, each with its decoded fields.
  w.key("tlvs");
  w.begin_array();
  std::size_t at = kHeader, tlen = l.length - kHeader;
  while (tlen >= kTlvHeader && at + kTlvHeader <= m.size()) {
    std::uint16_t type = be16_at(m, at), len = be16_at(m, at + 2);
    if (tlen < len + kTlvHeader) break;
    w.begin_object();
    w.member("type", type);
    if (auto n = tok_name(kTlvs, type); !n.empty()) w.member("name", n);
    w.member("length", len);
    if (at + kTlvHeader + len > m.size()) {
      w.member("truncated", true);
      w.end_object();
      break;
    }
    Bytes v = m.subspan(at + kTlvHeader, len);
    if (type == 1) {
      w.key("fecs");
      w.begin_array();
      std::size_t k = 0;
      while (v.size() - k >= kTlvHeader) {
        std::uint16_t st = be16_at(v, k), sl = be16_at(v, k + 2);
        if (v.size() - k - kTlvHeader < sl) break;
        Bytes sv = v.subspan(k + kTlvHeader, sl);
        w.begin_object();
        w.member("type", st);
        if (auto n = tok_name(kFecSubTlvs, st); !n.empty()) w.member("name", n);
        w.member("length", sl);
        if ((st == 1 || st == 12) && sl == 5) w.member("prefix", ip4_text(sv.first(4))), w.member("prefix_length", sv[4]);
        if ((st == 2 || st == 13) && sl == 17)
          w.member("prefix", ip6_text(sv.first(16))), w.member("prefix_length", sv[16]);
        if (st == 3 && sl == 20) {
          w.member("tunnel_endpoint", ip4_text(sv.first(4)));
          w.member("tunnel_id", be16_at(sv, 6));
          w.member("extended_tunnel_id", ip4_text(sv.subspan(8, 4)));
          w.member("tunnel_sender", ip4_text(sv.subspan(12, 4)));
          w.member("lsp_id", be16_at(sv, 18));
        }
        w.end_object();
        std::size_t padded = (sl + 3u) & ~std::size_t(3);
        if (v.size() - k - kTlvHeader < padded) break;
        k += kTlvHeader + padded;
      }
      w.end_array();
    } else if (type == 2 && len >= 4) {
      w.member("mtu", be16_at(v, 0));
      w.member("address_type", v[2]);
      if ((v[2] == 1 || v[2] == 2) && len >= 12) w.member("downstream_ip", ip4_text(v.subspan(4, 4)));
      if (v[2] == 1 && len >= 12) w.member("downstream_interface_ip", ip4_text(v.subspan(8, 4)));
      if ((v[2] == 3 || v[2] == 4) && len >= 20) w.member("downstream_ip", ip6_text(v.subspan(4, 16)));
    } else if (type == 15 && len >= 4) {
      w.member("bfd_discriminator", be32_at(v, 0));
    } else if (type == 5 && len >= 4) {
      w.member("enterprise", be32_at(v, 0));
      if (auto n = tok_name(kSmi, be32_at(v, 0)); !n.empty()) w.member("vendor", n);
    }
    w.end_object();
    std::size_t padded = (len + 3u) & ~std::size_t(3);
    if (tlen < padded + kTlvHeader) break;
    at += padded + kTlvHeader;
    tlen -= padded + kTlvHeader;
  }
  w.end_array();
}

}  // namespace netlab::proto
