// LDP: the Label Distribution Protocol (RFC 5036), its hellos on UDP 646
// and its sessions on TCP 646, with the TLVs tcpdump 4.99.3's print-ldp.c
// decodes: FEC (prefixes, RFC 4447's Martini VC), address lists, labels,
// status, hello, session (RFC 5036), fault tolerance (RFC 3479) and MTU
// (RFC 3988). "LDP, Label-Space-ID: 10.1.0.2:0, pdu-length: 38" at -n (the
// first PDU only); from -v every PDU, one line a message and a TLV with
// what tcpdump prints of its value; -vv adds each message's hex. A TLV
// longer than its message ends the message's list; a header not captured
// whole ends the packet with " [|ldp]".
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::size_t kCommon = 10;  // version, PDU length, LSR id, label space
constexpr std::size_t kMsgHeader = 8;

constexpr Tok kMessages[] = {
    {0x0001, "Notification"},
    {0x0100, "Hello"},
    {0x0200, "Initialization"},
    {0x0201, "Keepalive"},
    {0x0300, "Address"},
    {0x0301, "Address Withdraw"},
    {0x0400, "Label Mapping"},
    {0x0401, "Label Request"},
    {0x0402, "Label Withdraw"},
    {0x0403, "Label Release"},
    {0x0404, "Label Abort Request"},
};
enum : std::uint16_t {
  kFec = 0x0100,
  kAddressList = 0x0101,
  kGenericLabel = 0x0200,
  kStatus = 0x0300,
  kCommonHello = 0x0400,
  kIpv4Transport = 0x0401,
  kConfigSeq = 0x0402,
  kIpv6Transport = 0x0403,
  kCommonSession = 0x0500,
  kFtSession = 0x0503,
  kMtu = 0x0601,
};
constexpr Tok kTlvs[] = {
    {0x0100, "FEC"},
    {0x0101, "Address List"},
    {0x0103, "Hop Count"},
    {0x0104, "Path Vector"},
    {0x0200, "Generic Label"},
    {0x0201, "ATM Label"},
    {0x0202, "Frame-Relay Label"},
    {0x0300, "Status"},
    {0x0301, "Extended Status"},
    {0x0302, "Returned PDU"},
    {0x0303, "Returned Message"},
    {0x0400, "Common Hello Parameters"},
    {0x0401, "IPv4 Transport Address"},
    {0x0402, "Configuration Sequence Number"},
    {0x0403, "IPv6 Transport Address"},
    {0x0500, "Common Session Parameters"},
    {0x0501, "ATM Session Parameters"},
    {0x0502, "Frame-Relay Session Parameters"},
    {0x0503, "Fault-Tolerant Session Parameters"},
    {0x0600, "Label Request Message ID"},
    {0x0601, "MTU"},
};
constexpr Tok kFecTypes[] = {{0x01, "Wildcard"}, {0x02, "Prefix"}, {0x03, "Host address"}, {0x80, "Martini VC"}};
// tcpdump's mpls_pw_types_values (l2vpn.c): pseudowire types.
constexpr Tok kPwTypes[] = {
    {0x0000, "Reserved"},
    {0x0001, "Frame Relay DLCI ( Martini Mode)"},
    {0x0002, "ATM AAL5 SDU VCC transport"},
    {0x0003, "ATM transparent cell transport"},
    {0x0004, "Ethernet VLAN"},
    {0x0005, "Ethernet"},
    {0x0006, "Cisco-HDLC"},
    {0x0007, "PPP"},
    {0x0008, "SONET/SDH Circuit Emulation Service over MPLS"},
    {0x0009, "ATM n-to-one VCC cell transport"},
    {0x000a, "ATM n-to-one VPC cell transport"},
    {0x000b, "IP Layer2 Transport"},
    {0x000c, "ATM one-to-one VCC Cell Mode"},
    {0x000d, "ATM one-to-one VPC Cell Mode"},
    {0x000e, "ATM AAL5 PDU VCC transport"},
    {0x000f, "Frame-Relay Port mode"},
    {0x0010, "SONET/SDH Circuit Emulation over Packet"},
    {0x0011, "Structure-agnostic E1 over Packet"},
    {0x0012, "Structure-agnostic T1 (DS1) over Packet"},
    {0x0013, "Structure-agnostic E3 over Packet"},
    {0x0014, "Structure-agnostic T3 (DS3) over Packet"},
    {0x0015, "CESoPSN basic mode"},
    {0x0016, "TDMoIP basic mode"},
    {0x0017, "CESoPSN TDM with CAS"},
    {0x0018, "TDMoIP TDM with CAS"},
    {0x0040, "IP-interworking"},
};
constexpr Tok kIfParams[] = {{0x01, "MTU"}, {0x03, "Description"}, {0x0c, "VCCV"}};
constexpr Tok kVccvCc[] = {
    {0x01, "PWE3 control word"}, {0x02, "MPLS Router Alert Label"}, {0x04, "MPLS inner label TTL = 1"}};
constexpr Tok kVccvCv[] = {{0x01, "ICMP Ping"}, {0x02, "LSP Ping"}, {0x04, "BFD"}};

// tcpdump's print_unknown_data from m[at] on.
void unknown_data(Out& o, Bytes m, std::size_t at, std::size_t len, std::string_view indent) {
  if (at > m.size()) {
    o << indent << "Dissector error: print_unknown_data called with pointer past end of packet";
    return;
  }
  print_unknown_data(o, m.subspan(at), len, indent);
}

// tcpdump's decode_prefix4/6 on `left` bytes at m[at]: the prefix text in
// out and the bytes used, -1 for a length past the address, -3 past the TLV.
int read_prefix(Bytes m, std::size_t at, std::size_t left, bool v6, std::string& out) {
  if (left < 1) return -3;
  unsigned plen = sub(m, at, 1)[0], max = v6 ? 128 : 32;
  if (plen > max) return -1;
  unsigned n = (plen + 7) / 8;
  if (left - 1 < n) return -3;
  std::uint8_t addr[16] = {};
  Bytes b = sub(m, at + 1, n);
  for (unsigned k = 0; k < n; ++k) addr[k] = b[k];
  if (plen % 8) addr[n - 1] &= static_cast<std::uint8_t>((0xff00 >> (plen % 8)) & 0xff);
  out.clear();
  Out o(out);
  if (v6)
    o.ip6(Bytes(addr, 16));
  else
    o.ip4(Bytes(addr, 4));
  o << '/';
  o.u(plen);
  return static_cast<int>(1 + n);
}

// A TLV's value under print: m[t] on, left bytes of it.
struct TlvValue {
  Out& o;
  Bytes m;
  std::size_t t;
  std::size_t left;

  // tcpdump's TLV_TCHECK: at least min bytes left, or the complaint.
  bool need(std::size_t min) {
    if (left >= min) return true;
    o << " [tlv length ";
    o.u(left) << " < ";
    o.u(min) << "] (invalid)";
    return false;
  }
  void advance(std::size_t k) {
    t += k;
    left -= k;
  }
};

void tlv_common_hello(TlvValue& v) {
  if (!v.need(4)) return;
  Out& o = v.o;
  std::uint16_t hold = be16_at(v.m, v.t), flags = be16_at(v.m, v.t + 2);
  o << "\n\t      Hold Time: ";
  o.u(hold) << "s, Flags: [" << ((flags & 0x8000) ? "Targeted" : "Link") << " Hello"
            << ((flags & 0x4000) ? ", Request for targeted Hellos" : "") << ']';
}

void tlv_transport(TlvValue& v, bool v6) {
  std::size_t size = v6 ? 16 : 4;
  if (!v.need(size)) return;
  sub(v.m, v.t, size);  // read before the label, as tcpdump's GET_* in the arguments
  if (v6) {
    v.o << "\n\t      IPv6 Transport Address: ";
    v.o.ip6(sub(v.m, v.t, 16));
  } else {
    v.o << "\n\t      IPv4 Transport Address: ";
    v.o.ip4(sub(v.m, v.t, 4));
  }
}

void tlv_address_list(TlvValue& v) {
  if (!v.need(2)) return;
  Out& o = v.o;
  std::uint16_t af = be16_at(v.m, v.t);
  v.advance(2);
  o << "\n\t      Address Family: ";
  tok_print(o, address_families(), af, "Unknown (", ")") << ", addresses";
  std::size_t size = af == 1 ? 4 : af == 2 ? 16 : 0;
  if (!size) return;
  for (; v.left >= size; v.advance(size)) {
    sub(v.m, v.t, size);
    o << ' ';
    if (size == 4)
      o.ip4(sub(v.m, v.t, 4));
    else
      o.ip6(sub(v.m, v.t, 16));
  }
}

void tlv_common_session(TlvValue& v) {
  if (!v.need(14)) return;
  Out& o = v.o;
  // 4.99.3 takes the flags from the word at offset 6 (the Max-PDU
  // length), not 4, and prints no second line: its output, kept.
  std::uint16_t version = be16_at(v.m, v.t), keepalive = be16_at(v.m, v.t + 2), flags = be16_at(v.m, v.t + 6);
  o << "\n\t      Version: ";
  o.u(version) << ", Keepalive: ";
  o.u(keepalive) << "s, Flags: [Downstream " << ((flags & 0x8000) ? "On Demand" : "Unsolicited")
                 << ", Loop Detection " << ((flags & 0x4000) ? "Enabled" : "Disabled") << ']';
}

// A Prefix FEC element past its type: the address family and the prefix.
void fec_prefix(TlvValue& v) {
  if (!v.need(2)) return;
  Out& o = v.o;
  std::uint16_t af = be16_at(v.m, v.t);
  v.advance(2);
  if (af == 1 || af == 2) {
    std::string text;
    int n = read_prefix(v.m, v.t, v.left, af == 2, text);
    if (n == -3)
      o << ": IPv4 prefix (goes past end of TLV)";
    else if (n == -1)
      o << (af == 1 ? ": IPv4 prefix (invalid length)" : ": IPv6 prefix (invalid length)");
    else
      o << (af == 1 ? ": IPv4 prefix " : ": IPv6 prefix ") << text;
  } else {
    o << ": Address family ";
    o.u(af) << " prefix";
  }
}

// A Martini VC's interface parameters: info bytes from v.t on.
void pw_interface_params(TlvValue& v, std::size_t info) {
  Out& o = v.o;
  Bytes m = v.m;
  std::size_t t = v.t;
  while (info > 2) {
    std::uint8_t ptype = sub(m, t, 1)[0], plen = sub(m, t + 1, 1)[0];
    if (plen < 2 || info < plen) break;
    o << "\n\t\tInterface Parameter: ";
    name_or(o, kIfParams, ptype, "Unknown") << " (0x";
    o.hex(ptype, 2) << "), len ";
    o.u(plen);
    if (ptype == 0x01) {
      std::uint16_t mtu = be16_at(m, t + 2);
      o << ": ";
      o.u(mtu);
    } else if (ptype == 0x03) {
      o << ": ";
      for (std::size_t k = 2; k < plen; ++k) print_char(o, sub(m, t + k, 1)[0]);
    } else if (ptype == 0x0c) {
      std::uint8_t cc = sub(m, t + 2, 1)[0];
      o << "\n\t\t  Control Channels (0x";
      o.hex(cc, 2) << ") = [";
      print_bit_names(o, kVccvCc, cc, "none");
      std::uint8_t cv = sub(m, t + 3, 1)[0];
      o << "]\n\t\t  CV Types (0x";
      o.hex(cv, 2) << ") = [";
      print_bit_names(o, kVccvCv, cv, "none");
      o << ']';
    } else {
      unknown_data(o, m, t + 2, plen - 2u, "\n\t\t  ");
    }
    info -= plen;
    t += plen;
  }
}

// A Martini VC FEC element past its type.
void fec_martini(TlvValue& v) {
  if (!v.need(7)) return;
  Out& o = v.o;
  std::size_t info = sub(v.m, v.t + 2, 1)[0];
  std::uint16_t pw = be16_at(v.m, v.t);
  if (info == 0) {
    std::uint32_t group = be32_at(v.m, v.t + 3);
    o << ": ";
    name_or(o, kPwTypes, pw & 0x7fff, "Unknown") << ", " << ((pw & 0x8000) ? "" : "no ") << "control word, group-ID ";
    o.u(group) << ", VC-info-length: ";
    o.u(info);
    return;
  }
  if (!v.need(11)) return;
  std::uint32_t group = be32_at(v.m, v.t + 3), vc = be32_at(v.m, v.t + 7);
  o << ": ";
  name_or(o, kPwTypes, pw & 0x7fff, "Unknown") << ", " << ((pw & 0x8000) ? "" : "no ") << "control word, group-ID ";
  o.u(group) << ", VC-ID ";
  o.u(vc) << ", VC-info-length: ";
  o.u(info);
  if (info < 4) {
    o << " (invalid, < 4";
    return;
  }
  info -= 4;
  v.advance(11);
  if (!v.need(info)) return;
  pw_interface_params(v, info);
}

void tlv_fec(TlvValue& v) {
  if (!v.need(1)) return;
  Out& o = v.o;
  std::uint8_t fec = sub(v.m, v.t, 1)[0];
  o << "\n\t      ";
  name_or(o, kFecTypes, fec, "Unknown") << " FEC (0x";
  o.hex(fec, 2) << ')';
  v.advance(1);
  if (fec == 0x02)
    fec_prefix(v);
  else if (fec == 0x80)
    fec_martini(v);
}

void tlv_status(TlvValue& v) {
  if (!v.need(8)) return;
  Out& o = v.o;
  std::uint32_t code = be32_at(v.m, v.t);
  o << "\n\t      Status: 0x";
  o.hex(code & 0x3fffffff, 2) << ", Flags: [" << ((code & 0x80000000u) ? "Fatal error" : "Advisory Notification")
                              << " and " << ((code & 0x40000000u) ? "do" : "don't") << " forward]";
  if (std::uint32_t id = be32_at(v.m, v.t + 4)) o << ", causing Message ID: 0x", o.hex(id, 8);
}

void tlv_ft_session(TlvValue& v) {
  if (!v.need(12)) return;
  Out& o = v.o;
  std::uint16_t f = be16_at(v.m, v.t);
  o << "\n\t      Flags: [" << ((f & 0x8000) ? "" : "No ") << "Reconnect, " << ((f & 0x8) ? "" : "Don't ")
    << "Save State, " << ((f & 0x4) ? "" : "No ") << "All-Label Protection, "
    << ((f & 0x2) ? "Sequence Numbered Label" : "All Labels") << " Checkpoint, " << ((f & 0x1) ? "" : "Don't ")
    << "Re-Learn State]";
  if (std::uint32_t x = be32_at(v.m, v.t + 4)) o << ", Reconnect Timeout: ", o.u(x) << "ms";
  if (std::uint32_t x = be32_at(v.m, v.t + 8)) o << ", Recovery Time: ", o.u(x) << "ms";
}

// The one-number TLVs: Configuration Sequence Number, Generic Label, MTU.
void tlv_number(TlvValue& v, std::uint16_t type) {
  Out& o = v.o;
  if (type == kConfigSeq) {
    if (!v.need(4)) return;
    std::uint32_t seq = be32_at(v.m, v.t);
    o << "\n\t      Sequence Number: ";
    o.u(seq);
  } else if (type == kGenericLabel) {
    if (!v.need(4)) return;
    std::uint32_t label = be32_at(v.m, v.t) & 0xfffff;
    o << "\n\t      Label: ";
    o.u(label);
  } else {
    if (!v.need(2)) return;
    std::uint16_t mtu = be16_at(v.m, v.t);
    o << "\n\t      MTU: ";
    o.u(mtu);
  }
}

// One TLV at m[at], msg_left bytes of its message left: the bytes it
// takes, or 0 where the message's list ends.
std::size_t tlv(PrintCtx& p, Bytes m, std::size_t at, std::size_t msg_left) {
  Out& o = p.o;
  sub(m, at, 4);
  std::uint16_t raw = be16_at(m, at), len = be16_at(m, at + 2);
  if (len + 4u > msg_left) {
    o << "\n\t\t TLV contents go past end of message";
    return 0;
  }
  std::uint16_t type = raw & 0x3fff;
  o << "\n\t    ";
  name_or(o, kTlvs, type, "Unknown") << " TLV (0x";
  o.hex(type, 4) << "), length: ";
  o.u(len) << ", Flags: [" << ((raw & 0x8000) ? "continue processing" : "ignore") << " and "
           << ((raw & 0x4000) ? "do" : "don't") << " forward if unknown]";
  TlvValue v{o, m, at + 4, len};
  switch (type) {
    case kCommonHello: tlv_common_hello(v); break;
    case kIpv4Transport: tlv_transport(v, false); break;
    case kIpv6Transport: tlv_transport(v, true); break;
    case kAddressList: tlv_address_list(v); break;
    case kCommonSession: tlv_common_session(v); break;
    case kFec: tlv_fec(v); break;
    case kStatus: tlv_status(v); break;
    case kFtSession: tlv_ft_session(v); break;
    case kConfigSeq:
    case kGenericLabel:
    case kMtu: tlv_number(v, type); break;
    default:
      if (p.opt.verbose <= 1) unknown_data(o, m, v.t, v.left, "\n\t      ");
      break;
  }
  return len + 4u;
}

// One PDU at m[at]: the bytes it takes, or 0 where tcpdump stops.
std::size_t pdu(PrintCtx& p, Bytes m, std::size_t at) {
  Out& o = p.o;
  sub(m, at, kCommon);
  const char* lead = p.opt.verbose ? "\n\t" : "";
  std::uint16_t version = be16_at(m, at);
  if (version != 1) {
    o << lead << "LDP version ";
    o.u(version) << " packet not supported";
    return 0;
  }
  std::uint16_t pdu_len = be16_at(m, at + 2);
  if (pdu_len < kCommon - 4) {
    o << lead << "LDP, pdu-length: ";
    o.u(pdu_len) << " (too short, < 6)";
    return 0;
  }
  o << lead << "LDP, Label-Space-ID: ";
  o.ip4(sub(m, at + 4, 4)) << ':';
  o.u(be16_at(m, at + 8)) << ", pdu-length: ";
  o.u(pdu_len);
  if (!p.opt.verbose) return 0;
  std::size_t t = at + kCommon;
  std::uint16_t tlen = static_cast<std::uint16_t>(pdu_len - (kCommon - 4));  // tcpdump's u_short
  while (tlen > 0) {
    sub(m, t, kMsgHeader);
    std::uint16_t raw = be16_at(m, t), msg_len = be16_at(m, t + 2);
    std::uint16_t type = raw & 0x7fff;
    if (msg_len < kMsgHeader - 4) {
      o << "\n\t  ";
      name_or(o, kMessages, type, "Unknown") << " Message (0x";
      o.hex(type, 4) << "), length: ";
      o.u(msg_len) << " (too short, < 4)";
      return 0;
    }
    o << "\n\t  ";
    name_or(o, kMessages, type, "Unknown") << " Message (0x";
    o.hex(type, 4) << "), length: ";
    o.u(msg_len) << ", Message ID: 0x";
    o.hex(be32_at(m, t + 4), 8) << ", Flags: [" << ((raw & 0x8000) ? "continue processing" : "ignore")
                                << " if unknown]";
    sub(m, t, msg_len);  // tcpdump's check: msg_len bytes from the message's start
    std::size_t mt = t + kMsgHeader, left = msg_len - (kMsgHeader - 4u);
    switch (type) {
      case 0x0001:
      case 0x0100:
      case 0x0200:
      case 0x0201:
      case 0x0300:
      case 0x0400:
      case 0x0301:
      case 0x0402:
        while (left >= 4) {
          std::size_t n = tlv(p, m, mt, left);
          if (n == 0) break;
          left -= n;
          mt += n;
        }
        break;
      default:
        if (p.opt.verbose <= 1) unknown_data(o, m, mt, left, "\n\t  ");
        break;
    }
    if (p.opt.verbose > 1) unknown_data(o, m, t + kMsgHeader, msg_len, "\n\t  ");
    t += msg_len + 4u;
    tlen = static_cast<std::uint16_t>(tlen - (msg_len + 4u));
  }
  return pdu_len + 4u;
}

}  // namespace

void decode_ldp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "ldp";
  auto& l = c.d.push<LdpL>();
  l.msg = r.rest();
  l.length = length;
  if (l.msg.size() < kCommon) c.d.last()->status = Status::Truncated;  // for JSON; the text stops where tcpdump does
}

void print_ldp(PrintCtx& p, std::size_t i) {
  p.proto = "ldp";
  const auto& l = at<LdpL>(p.d, i);
  Bytes m = l.msg;
  std::size_t len = l.length, at = 0;
  while (len > kCommon + kMsgHeader) {
    std::size_t n = pdu(p, m, at);
    if (n == 0) return;
    if (len < n) {
      p.o << " [remaining length ";
      p.o.u(len) << " < ";
      p.o.u(n) << "] (invalid)";
      break;
    }
    len -= n;
    at += n;
  }
}

// The PDUs, each with its header and its messages (type, id, length and
// the TLVs' types and lengths), as far as captured and stated; "truncated"
// where the capture ends first.
void json_ldp(JsonWriter& w, const LdpL& l) {
  w.member("layer", "ldp");
  w.member("length", l.length);
  Bytes m = l.msg;
  bool cut = false;
  auto has = [&](std::size_t at, std::size_t n) {
    if (at <= m.size() && n <= m.size() - at) return true;
    cut = true;
    return false;
  };
  w.key("pdus");
  w.begin_array();
  std::size_t at = 0, len = l.length;
  while (len > kCommon + kMsgHeader && has(at, kCommon)) {
    Bytes h = m.subspan(at, kCommon);
    std::uint16_t pdu_len = be16_at(h, 2);
    w.begin_object();
    w.member("version", be16_at(h, 0));
    w.member("pdu_length", pdu_len);
    w.member("lsr_id", ip4_text(h.subspan(4, 4)));
    w.member("label_space", be16_at(h, 8));
    bool ok = be16_at(h, 0) == 1 && pdu_len >= 6 && pdu_len + 4u <= len;
    if (ok) {
      w.key("messages");
      w.begin_array();
      std::size_t t = at + kCommon, end = at + 4 + pdu_len;
      while (t + kMsgHeader <= end && has(t, kMsgHeader)) {
        std::uint16_t raw = be16_at(m, t), msg_len = be16_at(m, t + 2);
        if (msg_len < 4 || t + 4 + msg_len > end) break;
        w.begin_object();
        w.member("type", raw & 0x7fff);
        if (auto name = tok_name(kMessages, raw & 0x7fff); !name.empty()) w.member("name", name);
        w.member("length", msg_len);
        w.member("id", be32_at(m, t + 4));
        w.key("tlvs");
        w.begin_array();
        for (std::size_t q = t + kMsgHeader; q + 4 <= t + 4 + msg_len && has(q, 4);) {
          std::uint16_t traw = be16_at(m, q), tl = be16_at(m, q + 2);
          if (q + 4 + tl > t + 4 + msg_len) break;
          w.begin_object();
          w.member("type", traw & 0x3fff);
          if (auto name = tok_name(kTlvs, traw & 0x3fff); !name.empty()) w.member("name", name);
          w.member("length", tl);
          w.end_object();
          q += 4 + tl;
        }
        w.end_array();
        w.end_object();
        t += 4 + msg_len;
      }
      w.end_array();
    }
    w.end_object();
    if (!ok || cut) break;
    len -= pdu_len + 4u;
    at += pdu_len + 4u;
  }
  if (len > kCommon + kMsgHeader && at < m.size() && m.size() - at < kCommon) cut = true;
  w.end_array();
  if (cut) w.member("truncated", true);
}

}  // namespace netlab::proto

namespace netlab::proto {
std::span<const Tok> mpls_pw_types() noexcept { return kPwTypes; }
}  // namespace netlab::proto
