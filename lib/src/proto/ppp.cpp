// PPP (RFC 1661) on link types 9 (DLT_PPP) and 50 (DLT_PPP_SERIAL, RFC 1662
// HDLC-like framing, whose octet escapes are undone when the protocol field
// shows an 0x7e flag), in Ethernet as ethertype 0x880b, and PPPoE (RFC 2516:
// discovery 0x8863 with its tags, session 0x8864 carrying PPP). The control
// protocols are printed from their bytes: LCP with its options (RFC 1661
// 6, RFC 1570, RFC 1990), IPCP (RFC 1332, RFC 1877), IP6CP (RFC 5072), CCP
// (RFC 1962, 1977, 1975, 1979), BACP (RFC 2125), PAP (RFC 1334), CHAP (RFC
// 1994) and the Multilink header (RFC 1990). IPv4, IPv6 and MPLS are the
// next layer. The text follows tcpdump 4.99.3's print-ppp.c and
// print-pppoe.c, quirks included: option printers are handed the whole
// encoded length, "[|lcp]"-style truncation marks without a space where
// tcpdump prints them itself, and " [|ppp]" where its GET_ macros give up.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

enum : std::uint16_t {
  kIp = 0x0021, kOsi = 0x0023, kIpx = 0x002b, kVjnc = 0x002f, kMl = 0x003d, kIpv6 = 0x0057, kComp = 0x00fd,
  kMplsU = 0x0281, kMplsM = 0x0283, kIpcp = 0x8021, kOsicp = 0x8023, kIpv6cp = 0x8057, kCcp = 0x80fd,
  kMplscp = 0x8281, kLcp = 0xc021, kPap = 0xc023, kLqm = 0xc025, kSpap = 0xc027, kBacp = 0xc02b, kBap = 0xc02d,
  kSpapOld = 0xc123, kChap = 0xc223, kEap = 0xc227
};

// tcpdump's ppptype2str.
constexpr Tok kProtocols[] = {
    {0x0021, "IP"}, {0x0023, "OSI"}, {0x0025, "NS"}, {0x0027, "DECNET"}, {0x0029, "APPLE"}, {0x002b, "IPX"},
    {0x002d, "VJC IP"}, {0x002f, "VJNC IP"}, {0x0031, "BRPDU"}, {0x0033, "STII"}, {0x0035, "VINES"},
    {0x0281, "MPLS"}, {0x0283, "MPLS"}, {0x00fd, "Compressed"}, {0x003d, "MLPPP"}, {0x0057, "IP6"},
    {0x0201, "HELLO"}, {0x0231, "LUXCOM"}, {0x0233, "SNS"}, {0x8021, "IPCP"}, {0x8023, "OSICP"},
    {0x8025, "NSCP"}, {0x8027, "DECNETCP"}, {0x8029, "APPLECP"}, {0x802b, "IPXCP"}, {0x8033, "STIICP"},
    {0x8035, "VINESCP"}, {0x8057, "IP6CP"}, {0x8281, "MPLSCP"}, {0xc021, "LCP"}, {0xc023, "PAP"},
    {0xc025, "LQM"}, {0xc223, "CHAP"}, {0xc227, "EAP"}, {0xc027, "SPAP"}, {0xc123, "Old-SPAP"},
    {0xc02b, "BACP"}, {0xc02d, "BAP"}, {0x803d, "MLPPP-CP"}, {0x80fd, "CCP"}};

constexpr Tok kCpCodes[] = {{0, "Vendor-Extension"}, {1, "Conf-Request"}, {2, "Conf-Ack"}, {3, "Conf-Nack"},
                            {4, "Conf-Reject"},      {5, "Term-Request"}, {6, "Term-Ack"}, {7, "Code-Reject"},
                            {8, "Prot-Reject"},      {9, "Echo-Request"}, {10, "Echo-Reply"}, {11, "Disc-Req"},
                            {12, "Ident"},           {13, "Time-Rem"},    {14, "Reset-Req"}, {15, "Reset-Ack"}};

constexpr std::string_view kLcpOptions[] = {
    "Vend-Ext", "MRU", "ACCM", "Auth-Prot", "Qual-Prot", "Magic-Num", "deprecated(6)", "PFC", "ACFC",
    "FCS-Alt", "SDP", "Num-Mode", "deprecated(12)", "Call-Back", "deprecated(14)", "deprecated(15)",
    "deprecated(16)", "MRRU", "12-Bit seq #", "End-Disc", "Proprietary", "DCE-Id", "MP+", "Link-Disc",
    "LCP-Auth-Opt", "COBS", "Prefix-elision", "Multilink-header-Form", "I18N", "SDL-over-SONET/SDH",
    "PPP-Muxing"};

constexpr Tok kCcpOptions[] = {{0, "OUI"},       {1, "Pred-1"},    {2, "Pred-2"},  {3, "Puddle"},
                               {16, "HP-PPC"},   {17, "Stac-LZS"}, {18, "MPPC"},   {19, "Gand-FZA"},
                               {20, "V.42bis"},  {21, "BSD-Comp"}, {23, "LZS-DCP"}, {24, "MVRCA"},
                               {25, "DEC"},      {26, "Deflate"},  {255, "Reserved"}};
constexpr Tok kBacpOptions[] = {{1, "Favored-Peer"}};
constexpr Tok kIpcpOptions[] = {{1, "IP-Addrs"}, {2, "IP-Comp"},   {3, "IP-Addr"},  {4, "Home-Addr"},
                                {129, "Pri-DNS"}, {130, "Pri-NBNS"}, {131, "Sec-DNS"}, {132, "Sec-NBNS"}};
constexpr Tok kIpcpCompProtos[] = {{0x002d, "VJ-Comp"}, {0x61, "IP Header Compression"}};
constexpr Tok kIpcpCompSubopts[] = {{1, "RTP-Compression"}, {2, "Enhanced RTP-Compression"}};
constexpr Tok kIp6cpOptions[] = {{1, "Interface-ID"}};
constexpr Tok kAuthAlgs[] = {{5, "MD5"}, {128, "MS-CHAPv1"}, {129, "MS-CHAPv2"}};
constexpr Tok kCallbacks[] = {{0, "UserAuth"}, {1, "DialString"}, {2, "LocalID"},
                              {3, "E.164"},    {4, "X.500"},      {6, "CBCP"}};
constexpr Tok kChapCodes[] = {{1, "Challenge"}, {2, "Response"}, {3, "Success"}, {4, "Fail"}};
constexpr Tok kPapCodes[] = {{1, "Auth-Req"}, {2, "Auth-ACK"}, {3, "Auth-NACK"}};
constexpr Tok kPppoeCodes[] = {{0x09, "PADI"}, {0x07, "PADO"}, {0x19, "PADR"}, {0x65, "PADS"}, {0xa7, "PADT"},
                               {0, ""}};
constexpr Tok kPppoeTags[] = {{0, "EOL"},          {0x0101, "Service-Name"},  {0x0102, "AC-Name"},
                              {0x0103, "Host-Uniq"}, {0x0104, "AC-Cookie"},   {0x0105, "Vendor-Specific"},
                              {0x0110, "Relay-Session-ID"}, {0x0120, "PPP-Max-Payload"}, {0x0201, "Service-Name-Error"},
                              {0x0202, "AC-System-Error"},  {0x0203, "Generic-Error"}};

bool captured(Bytes b, std::size_t off, std::size_t n) { return off <= b.size() && n <= b.size() - off; }
std::uint8_t u8_at(Bytes b, std::size_t off) { return sub(b, off, 1)[0]; }
std::uint32_t be24_at(Bytes b, std::size_t off) {
  auto x = sub(b, off, 3);
  return std::uint32_t(x[0]) << 16 | std::uint32_t(x[1]) << 8 | x[2];
}

// The span from `n` bytes before `inner` in `outer`, when both share storage.
Bytes widen(Bytes outer, Bytes inner, std::size_t n) {
  if (inner.data() < outer.data() + n || inner.data() > outer.data() + outer.size()) return {};
  std::size_t at = static_cast<std::size_t>(inner.data() - outer.data()) - n;
  return outer.subspan(at);
}

bool is_ctrl(std::uint16_t proto) {
  return proto == kLcp || proto == kIpcp || proto == kOsicp || proto == kMplscp || proto == kIpv6cp ||
         proto == kCcp || proto == kBacp;
}

void unescape(Ctx& c, Bytes from, std::uint32_t length);

// tcpdump's handle_ppp, the decoding half: the layers after the PPP one.
void next_layers(Ctx& c, std::uint16_t proto, Bytes before, Bytes body, std::uint32_t length) {
  if ((proto & 0xff00) == 0x7e00) {
    unescape(c, before, length);
    return;
  }
  switch (proto) {
    case 0x0800:
    case kVjnc:
    case kIp: decode_ipv4(c, ByteReader(body), length); return;
    case 0x86dd:
    case kIpv6: decode_ipv6(c, ByteReader(body), length); return;
    case kMplsU:
    case kMplsM: decode_mpls(c, ByteReader(body), length); return;
    default: return;
  }
}

// tcpdump's ppp_hdlc: RFC 1662 octet escapes undone into a private buffer,
// then a guess at the protocol field's form.
void unescape(Ctx& c, Bytes from, std::uint32_t length) {
  if (from.empty() || length == 0) return;
  if (c.d.scratch_used == c.d.scratch.size()) return;  // nested escapes: stop, bounded
  auto& buf = c.d.scratch[c.d.scratch_used++];
  buf.clear();
  for (std::size_t k = 0; k < from.size(); ++k) {
    std::uint8_t v = from[k];
    if (v == 0x7d) {
      if (k + 1 >= from.size()) break;
      v = from[++k] ^ 0x20;
    }
    buf.push_back(v);
  }
  Bytes b(buf.data(), buf.size());
  auto& l = c.d.push<PppL>();
  l.framing = PppL::Unescaped;
  l.tname = c.d.trunc_proto;
  std::uint32_t len = static_cast<std::uint32_t>(b.size());
  if (len < 1) throw Truncated{};
  if (b[0] == kIp || b[0] == kIpv6) {
    l.proto = b[0];
    l.body = b.subspan(1);
    l.length = len - 1;
    l.stage = 2;
    next_layers(c, l.proto, b, l.body, l.length);
    return;
  }
  if (len < 2) throw Truncated{};
  std::size_t at = 0;
  if (be16_at(b, 0) == 0xff03) {
    if (len < 4) throw Truncated{};
    at = 2;
  }
  l.proto = be16_at(b, at);
  l.body = b.subspan(at + 2);
  l.wide = b.subspan(at);
  l.length = len - static_cast<std::uint32_t>(at + 2);
  l.stage = 2;
  next_layers(c, l.proto, b.subspan(at + 1), l.body, l.length);
}

}  // namespace

void decode_ppp(Ctx& c, ByteReader r, std::uint32_t length, bool colon) {
  c.d.trunc_proto = "ppp";
  auto& l = c.d.push<PppL>();
  l.colon = colon;
  l.olen = length;
  if (colon && length == 0) return;  // tcpdump prints nothing for an empty 0x880b frame
  Bytes all = r.rest();
  if (length < 2) throw Truncated{};
  std::uint16_t header = r.peek16(0);
  if (header == 0x0003 || header == 0x0103 || header == 0xff03) {
    l.dir = header == 0x0003 ? 1 : header == 0x0103 ? 2 : 0;
    r.skip(2);
    length -= 2;
  }
  if (length < 2) throw Truncated{};
  std::uint8_t first = r.peek8(0);
  if (first % 2) {
    l.proto = r.u8();
    length -= 1;
  } else {
    l.proto = r.be16();
    length -= 2;
  }
  l.body = r.rest();
  l.wide = widen(all, l.body, 2);
  l.length = length;
  l.stage = 2;
  next_layers(c, l.proto, widen(all, l.body, 1), l.body, length);
}

void decode_ppp_link(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "ppp";
  if (!r.has(4)) throw Truncated{};
  std::size_t at = c.d.size();  // 0, or after PKTAP's header
  decode_ppp(c, r, length, false);
  if (auto* l = at < c.d.size() ? std::get_if<PppL>(&c.d[at].layer) : nullptr) l->hdr_len = 4;
}

void decode_ppp_hdlc_link(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "ppp_hdlc";
  if (!r.has(2)) throw Truncated{};
  std::uint8_t first = r.peek8(0);
  if (first == 0x0f || first == 0x8f) {  // Cisco HDLC: not decoded, a hex dump as before
    c.d.push<UnknownL>({0xffff, r.rest()});
    return;
  }
  if (!r.has(4)) throw Truncated{};
  Bytes all = r.rest();
  auto& l = c.d.push<PppL>();
  l.olen = length;
  for (std::size_t k = 0; k < 4; ++k) l.hdr[k] = all[k];
  l.hdr_len = 4;
  if (first != 0xff) {
    l.framing = PppL::HdlcUnknown;
    l.hdr_len = 2;
    l.stage = 2;
    return;
  }
  l.framing = PppL::Hdlc;
  l.tname = "ppp_hdlc";
  l.proto = static_cast<std::uint16_t>(all[2] << 8 | all[3]);
  l.body = all.subspan(4);
  l.wide = all.subspan(2);
  l.length = length - 4;
  l.stage = 2;
  next_layers(c, l.proto, all.subspan(3), l.body, l.length);
}

void decode_pppoe(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "pppoe";
  auto& e = c.d.push<PppoeL>();
  e.length = length;
  if (length < 6) return;  // printed as invalid
  r.require(6);
  std::uint8_t vt = r.u8();
  e.ver = vt >> 4;
  e.type = vt & 0x0f;
  e.code = r.u8();
  e.session = r.be16();
  e.plen = r.be16();
  e.length = length - 6;
  e.stage = 2;
  std::uint32_t plen = std::min<std::uint32_t>(e.plen, e.length);
  if (e.code != 0) {
    e.tags = r.rest();  // tcpdump starts each tag within the length, reads it to its end as captured
    return;
  }
  decode_ppp(c, r, plen, false);
}

// ---- printing ------------------------------------------------------------

namespace {

// An option printer: the option at b[off], `length` the bytes tcpdump
// believes it may use; returns the option's length or 0 to stop.
using OptionPrinter = std::uint32_t (*)(PrintCtx&, Bytes, std::size_t, std::uint32_t);

// The common start of the option printers; false: return 0 (or `len` in *ret).
bool option_head(PrintCtx& p, Bytes b, std::size_t off, std::uint32_t length, std::span<const Tok> names,
                 std::string_view fallback, std::string_view tmark, std::uint32_t& opt, std::uint32_t& len) {
  if (length < 2) return false;
  if (!captured(b, off, 2)) {
    p.o << tmark;
    return false;
  }
  opt = b[off];
  len = b[off + 1];
  if (length < len) return false;
  p.o << "\n\t  ";
  name_or(p.o, names, opt, fallback) << " Option (0x";
  p.o.hex(opt, 2) << "), length ";
  p.o.u(len);
  if (len < 2) {
    p.o << " (length bogus, should be >= 2)";
    return false;
  }
  return true;
}

// tcpdump's print_unknown_data from b[at] on, which names a start past the
// captured bytes a dissector error.
void unknown_data(Out& o, Bytes b, std::size_t at, std::uint32_t len, std::string_view indent) {
  if (at > b.size()) {
    o << indent << "Dissector error: print_unknown_data called with pointer past end of packet";
    return;
  }
  print_unknown_data(o, b.subspan(at), len, indent);
}

// The raw value after an option's switch; off where tcpdump's pointer ended
// up (the IP-Comp suboption walk moves it).
void option_tail(PrintCtx& p, Bytes b, std::size_t off, std::uint32_t len, bool known) {
  if (!known && p.opt.verbose < 2) unknown_data(p.o, b, off + 2, len - 2, "\n\t    ");
  if (p.opt.verbose > 1) unknown_data(p.o, b, off + 2, len - 2, "\n\t    ");
}

// The Endpoint Discriminator's class and address; the length its class
// needs when LEN is not it (tcpdump then says the length is bogus).
std::optional<std::string_view> lcp_discriminator(Out& o, Bytes b, std::size_t off, std::uint32_t len) {
  std::uint8_t cls = u8_at(b, off + 2);
  switch (cls) {
    case 0: o << ": Null"; break;
    case 1: o << ": Local"; break;
    case 2: {
      if (len != 7) return "= 7";
      Bytes a = sub(b, off + 3, 4);  // before the label: a cut address prints neither
      o << ": IPv4 ";
      o.ip4(a);
      break;
    }
    case 3: {
      if (len != 9) return "= 9";
      Bytes a = sub(b, off + 3, 6);
      o << ": MAC ";
      o.mac(a);
      break;
    }
    case 4: o << ": Magic-Num-Block"; break;
    case 5: o << ": PSNDN"; break;
    default: o << ": Unknown class "; o.u(cls); break;
  }
  return std::nullopt;
}

// An LCP option's value after its name, by type; KNOWN false for a type
// with no printer. A value is what lcp_option returns at once (a bogus length).
std::optional<std::uint32_t> lcp_value(Out& o, Bytes b, std::size_t off, std::uint32_t opt, std::uint32_t len,
                                       bool& known) {
  known = true;
  auto bogus = [&](std::string_view what, std::uint32_t ret) {
    o << " (length bogus, should be " << what << ')';
    return std::optional<std::uint32_t>(ret);
  };
  switch (opt) {
    case 0: {
      if (len < 6) return bogus(">= 6", len);
      std::uint32_t oui = be24_at(b, off + 2);
      std::string_view n = oui_name(oui);
      o << ": Vendor: " << (n.empty() ? std::string_view("Unknown") : n) << " (";
      o.u(oui) << ')';
      break;
    }
    case 1:
      if (len != 4) return bogus("= 4", len);
      {
        std::uint16_t val = be16_at(b, off + 2);
        o << ": ";
        o.u(val);
      }
      break;
    case 2:
      if (len != 6) return bogus("= 6", len);
      {
        std::uint32_t val = be32_at(b, off + 2);
        o << ": 0x";
        o.hex(val, 8);
      }
      break;
    case 3: {
      if (len < 4) return bogus(">= 4", len);
      std::uint16_t ap = be16_at(b, off + 2);
      o << ": ";
      name_or(o, kProtocols, ap, "Unknown Auth Proto (0x04x)");
      if (ap == kChap) {
        std::uint8_t alg = u8_at(b, off + 4);
        o << ", ";
        tok_print(o, kAuthAlgs, alg, "Unknown Auth Alg ");
      } else if (ap != kPap && ap != kEap && ap != kSpap && ap != kSpapOld) {
        print_unknown_data(o, b.subspan(off), len, "\n\t");
      }
      break;
    }
    case 4:
      if (len < 4) return bogus(">= 4", 0);
      o << (be16_at(b, off + 2) == kLqm ? ": LQR" : ": unknown");
      break;
    case 5:
      if (len != 6) return bogus("= 6", 0);
      {
        std::uint32_t val = be32_at(b, off + 2);
        o << ": 0x";
        o.hex(val, 8);
      }
      break;
    case 7:
    case 8: break;
    case 23:
      if (len != 4) return bogus("= 4", 0);
      {
        std::uint32_t val = be16_at(b, off + 2);
        o << ": 0x";
        o.hex(val, 4);
      }
      break;
    case 13: {
      if (len < 3) return bogus(">= 3", 0);
      o << ": ";  // tcpdump 4.99.3 prints ": " twice here (pptp.pcap)
      std::uint8_t op = u8_at(b, off + 2);
      o << ": Callback Operation ";
      name_or(o, kCallbacks, op, "Unknown") << " (";
      o.u(op) << ')';
      break;
    }
    case 17:
      if (len != 4) return bogus("= 4", 0);
      {
        std::uint16_t val = be16_at(b, off + 2);
        o << ": ";
        o.u(val);
      }
      break;
    case 19:
      if (len < 3) return bogus(">= 3", 0);
      if (auto need = lcp_discriminator(o, b, off, len)) return bogus(*need, 0);
      break;
    default: known = false; break;
  }
  return std::nullopt;
}

std::uint32_t lcp_option(PrintCtx& p, Bytes b, std::size_t off, std::uint32_t length) {
  Out& o = p.o;
  if (length < 2) return 0;
  if (!captured(b, off, 2)) {
    o << "[|lcp]";
    return 0;
  }
  std::uint32_t opt = b[off], len = b[off + 1];
  if (length < len) return 0;
  bool named = opt < std::size(kLcpOptions);
  if (len < 2) {
    if (named) {
      o << "\n\t  " << kLcpOptions[opt] << " Option (0x";
      o.hex(opt, 2) << "), length ";
      o.u(len) << " (length bogus, should be >= 2)";
    } else {
      o << "\n\tunknown LCP option 0x";
      o.hex(opt, 2);
    }
    return 0;
  }
  if (!named) {
    o << "\n\tunknown LCP option 0x";
    o.hex(opt, 2);
    return len;
  }
  o << "\n\t  " << kLcpOptions[opt] << " Option (0x";
  o.hex(opt, 2) << "), length ";
  o.u(len);
  bool known = true;
  if (auto early = lcp_value(o, b, off, opt, len, known)) return *early;
  option_tail(p, b, off, len, known);
  return len;
}

std::uint32_t ipcp_option(PrintCtx& p, Bytes b, std::size_t off, std::uint32_t length) {
  Out& o = p.o;
  std::uint32_t opt = 0, len = 0;
  if (!option_head(p, b, off, length, kIpcpOptions, "unknown", "[|ipcp]", opt, len)) return 0;
  auto bogus = [&](std::string_view what, std::uint32_t ret) {
    o << " (length bogus, should be " << what << ')';
    return ret;
  };
  bool known = true;
  std::size_t base = off;  // tcpdump's p, moved by the IP-Comp walk
  switch (opt) {
    case 1: {
      if (len != 10) return bogus("= 10", len);
      Bytes s = sub(b, off + 2, 4), d = sub(b, off + 6, 4);
      o << ": src ";
      o.ip4(s) << ", dst ";
      o.ip4(d);
      break;
    }
    case 2: {
      if (len < 4) return bogus(">= 4", 0);
      std::uint16_t cp = be16_at(b, off + 2);
      o << ": ";
      name_or(o, kIpcpCompProtos, cp, "Unknown") << " (0x";
      o.hex(cp, 2) << "):";
      if (cp == 0x61) {
        if (len < 14) {
          o << " (length bogus, should be >= 14)";
          return 0;
        }
        if (!captured(b, off + 2, 14)) {
          o << "[|ipcp]";
          return 0;
        }
        o << "\n\t    TCP Space ";
        o.u(be16_at(b, off + 4)) << ", non-TCP Space ";
        o.u(be16_at(b, off + 6)) << ", maxPeriod ";
        o.u(be16_at(b, off + 8)) << ", maxTime ";
        o.u(be16_at(b, off + 10)) << ", maxHdr ";
        o.u(be16_at(b, off + 12));
        if (len > 14) {
          std::uint32_t total = len - 14;
          std::size_t& q = base;
          q = off + 14;
          o << "\n\t      Suboptions, length ";
          o.u(total);
          while (total >= 2) {
            if (!captured(b, q, 2)) {
              o << "[|ipcp]";
              return 0;
            }
            std::uint8_t so = b[q], sl = b[q + 1];
            if (so == 0 || sl == 0) break;
            o << "\n\t\t";
            name_or(o, kIpcpCompSubopts, so, "Unknown") << " Suboption #";
            o.u(so) << ", length ";
            o.u(sl);
            if (total < sl) {
              o << " [remaining suboptions length ";
              o.u(total) << " < ";
              o.u(sl) << "] (invalid)";
              break;
            }
            total -= sl;
            q += sl;
          }
        }
      }
      break;
    }
    case 3: case 4: case 129: case 130: case 131: case 132: {
      if (len != 6) return bogus("= 6", 0);
      Bytes a = sub(b, off + 2, 4);
      o << ": ";
      o.ip4(a);
      break;
    }
    default: known = false; break;
  }
  option_tail(p, b, base, len, known);
  return len;
}

std::uint32_t ip6cp_option(PrintCtx& p, Bytes b, std::size_t off, std::uint32_t length) {
  Out& o = p.o;
  std::uint32_t opt = 0, len = 0;
  if (!option_head(p, b, off, length, kIp6cpOptions, "unknown", "[|ip6cp]", opt, len)) return 0;
  bool known = true;
  if (opt == 1) {
    if (len != 10) {
      o << " (length bogus, should be = 10)";
      return len;
    }
    if (!captured(b, off + 2, 8)) {
      o << "[|ip6cp]";
      return 0;
    }
    o << ": ";
    for (int k = 0; k < 4; ++k) {
      if (k) o << ':';
      o.hex(be16_at(b, off + 2 + 2 * k), 4);
    }
  } else {
    known = false;
  }
  option_tail(p, b, off, len, known);
  return len;
}

std::uint32_t ccp_option(PrintCtx& p, Bytes b, std::size_t off, std::uint32_t length) {
  Out& o = p.o;
  std::uint32_t opt = 0, len = 0;
  if (!option_head(p, b, off, length, kCcpOptions, "Unknown", "[|ccp]", opt, len)) return 0;
  bool known = true;
  switch (opt) {
    case 21: {
      if (len < 3) {
        o << " (length bogus, should be >= 3)";
        return len;
      }
      std::uint8_t v = u8_at(b, off + 2);
      o << ": Version: ";
      o.u(v >> 5) << ", Dictionary Bits: ";
      o.u(v & 0x1f);
      break;
    }
    case 24: {
      if (len < 4) {
        o << " (length bogus, should be >= 4)";
        return len;
      }
      std::uint8_t v = u8_at(b, off + 2), w = u8_at(b, off + 3);
      o << ": Features: ";
      o.u((v & 0xc0) >> 6) << ", PxP: " << ((v & 0x20) ? "Enabled" : "Disabled") << ", History: ";
      o.u(v & 0x1f) << ", #CTX-ID: ";
      o.u(w);
      break;
    }
    case 26: {
      if (len < 4) {
        o << " (length bogus, should be >= 4)";
        return len;
      }
      std::uint8_t v = u8_at(b, off + 2), w = u8_at(b, off + 3);
      o << ": Window: ";
      o.u((v & 0xf0) >> 4) << "K, Method: " << ((v & 0x0f) == 8 ? "zlib" : "unknown") << " (0x";
      o.hex(v & 0x0f) << "), MBZ: ";
      o.u((w & 0xfc) >> 2) << ", CHK: ";
      o.u(w & 0x03);
      break;
    }
    default: known = false; break;
  }
  option_tail(p, b, off, len, known);
  return len;
}

std::uint32_t bacp_option(PrintCtx& p, Bytes b, std::size_t off, std::uint32_t length) {
  Out& o = p.o;
  std::uint32_t opt = 0, len = 0;
  if (!option_head(p, b, off, length, kBacpOptions, "Unknown", "[|bacp]", opt, len)) return 0;
  bool known = true;
  if (opt == 1) {
    if (len != 6) {
      o << " (length bogus, should be = 6)";
      return len;
    }
    {
      std::uint32_t val = be32_at(b, off + 2);
      o << ": Magic-Num 0x";
      o.hex(val, 8);
    }
  } else {
    known = false;
  }
  option_tail(p, b, off, len, known);
  return len;
}

// A Configure-Request, -Ack, -Nak or -Reject's options, by the protocol's
// option printer (none: not printed), from T for the message's LEN.
void ctrl_options(PrintCtx& p, std::uint16_t proto, Bytes b, std::size_t t, std::uint32_t len) {
  OptionPrinter fn = nullptr;
  switch (proto) {
    case kLcp: fn = lcp_option; break;
    case kIpcp: fn = ipcp_option; break;
    case kIpv6cp: fn = ip6cp_option; break;
    case kCcp: fn = ccp_option; break;
    case kBacp: fn = bacp_option; break;
    default: break;
  }
  if (!fn) return;
  std::uint32_t tlen = len - 4;
  std::size_t at = t;
  do {
    std::uint32_t adv = fn(p, b, at, len);
    if (adv == 0) break;
    if (tlen < adv) {
      p.o << " [remaining options length ";
      p.o.u(tlen) << " < ";
      p.o.u(adv) << "] (invalid)";
      break;
    }
    tlen -= adv;
    at += adv;
  } while (tlen != 0);
}

// An Identification's magic number and message; false where the message
// was not captured whole (the caller's truncation mark follows).
bool ctrl_identification(Out& o, Bytes b, std::size_t t, std::uint32_t len) {
  std::uint32_t val = be32_at(b, t);
  o << "\n\t  Magic-Num 0x";
  o.hex(val, 8);
  if (len > 8) {
    o << "\n\t  Message\n\t    ";
    for (std::size_t k = 0; k < len - 4; ++k) {
      if (t + 4 + k >= b.size()) return false;
      print_char(o, b[t + 4 + k]);
    }
  }
  return true;
}

// tcpdump's handle_ctrl_proto: b the packet from the code on, wide the same
// from two bytes earlier (empty when not captured).
void ctrl_proto(PrintCtx& p, std::uint16_t proto, Bytes b, Bytes wide, std::uint32_t length) {
  Out& o = p.o;
  std::string_view typestr = tok_name(kProtocols, proto);
  o << typestr << ", ";
  auto trunc = [&] { o << "[|" << typestr << ']'; };
  if (length < 4 || !captured(b, 0, 2)) return trunc();
  std::uint8_t code = b[0];
  name_or(o, kCpCodes, code, "Unknown Opcode") << " (0x";
  o.hex(code, 2) << "), id ";
  o.u(b[1]) << ", length ";
  o.u(length + 2);
  if (!p.opt.verbose) return;
  std::uint32_t len = be16_at(b, 2);
  if (len < 4) {
    o << "\n\tencoded length ";
    o.u(len) << " (< 4))";
    return;
  }
  if (len > length) {
    o << "\n\tencoded length ";
    o.u(len) << " (> packet length ";
    o.u(length) << "))";
    return;
  }
  length = len;
  o << "\n\tencoded length ";
  o.u(len) << " (=Option(s) length ";
  o.u(len - 4) << ')';
  if (length == 4) return;
  if (p.opt.verbose > 1) {
    if (wide.empty()) throw Truncated{};
    print_unknown_data(o, wide, 6, "\n\t");
  }
  constexpr std::size_t t = 4;  // tptr: after code, id and length
  switch (code) {
    case 0: {
      if (length < 11) break;
      std::uint32_t magic = be32_at(b, t);
      o << "\n\t  Magic-Num 0x";
      o.hex(magic, 8);
      std::uint32_t oui = be24_at(b, t + 4);
      std::string_view n = oui_name(oui);
      o << " Vendor: " << (n.empty() ? std::string_view("Unknown") : n) << " (";
      o.u(oui) << ')';
      break;
    }
    case 1: case 2: case 3: case 4: ctrl_options(p, proto, b, t, len); break;
    case 8: {
      if (length < 6) break;
      std::uint16_t rp = be16_at(b, t);
      o << "\n\t  Rejected ";
      name_or(o, kProtocols, rp, "unknown") << " Protocol (0x";
      o.hex(rp, 4) << ')';
      if (len > 6) {
        o << "\n\t  Rejected Packet";
        print_unknown_data(o, b.subspan(std::min(b.size(), t + 2)), len - 2, "\n\t    ");
      }
      break;
    }
    case 9: case 10: case 11: {
      if (length < 8) break;
      {
        std::uint32_t val = be32_at(b, t);
        o << "\n\t  Magic-Num 0x";
        o.hex(val, 8);
      }
      if (len > 8) {
        o << "\n\t  -----trailing data-----";
        if (!captured(b, t + 4, len - 8)) return trunc();
        print_unknown_data(o, b.subspan(t + 4), len - 8, "\n\t  ");
      }
      break;
    }
    case 12:
      if (length >= 8 && !ctrl_identification(o, b, t, len)) return trunc();
      break;
    case 13: {
      if (length < 12) break;
      std::uint32_t magic = be32_at(b, t), secs = be32_at(b, t + 4);
      o << "\n\t  Magic-Num 0x";
      o.hex(magic, 8) << ", Seconds-Remaining ";
      o.u(secs) << 's';
      break;
    }
    case 5: case 6: case 7: break;
    default:
      if (p.opt.verbose <= 1) {
        if (wide.empty()) throw Truncated{};
        print_unknown_data(o, wide, length + 2, "\n\t  ");
      }
      break;
  }
}

void mlppp(PrintCtx& p, Bytes b, std::uint32_t length) {
  Out& o = p.o;
  if (!p.opt.link_header) o << "MLPPP, ";
  if (length < 2 || !captured(b, 0, 2)) {
    o << "[|mlppp]";
    return;
  }
  o << "seq 0x";
  o.hex(be16_at(b, 0) & 0x0fff, 3) << ", Flags [";
  std::uint8_t f = b[0] & 0xc0;
  if (!f) o << "none";
  if (f & 0x80) o << "begin";
  if ((f & 0xc0) == 0xc0) o << ", ";
  if (f & 0x40) o << "end";
  o << "], length ";
  o.u(length);
}

// The protocol's name, or "unknown PPP protocol (0x%04x)".
Out& unknown_or_name(Out& o, std::uint16_t proto) {
  std::string_view n = tok_name(kProtocols, proto);
  if (!n.empty()) return o << n;
  o << "unknown PPP protocol (0x";
  return o.hex(proto, 4) << ')';
}

// Characters as tcpdump's fn_print_char, each read checked.
void chars(Out& o, Bytes b, std::size_t at, std::uint32_t n) {
  for (std::uint32_t k = 0; k < n; ++k) print_char(o, u8_at(b, at + k));
}

// CHAP's and PAP's common start: code, id (tcpdump's "[|chap 0x01]" when
// fewer than 4 bytes). false: nothing more to print.
bool auth_header(Out& o, Bytes b, std::uint32_t length, std::string_view name, std::string_view label,
                 std::span<const Tok> codes) {
  if (length < 1) {
    o << "[|" << name << ']';
    return false;
  }
  if (length < 4) {
    std::uint8_t c0 = u8_at(b, 0);
    o << "[|" << name << " 0x";
    o.hex(c0, 2) << ']';
    return false;
  }
  std::uint8_t code = u8_at(b, 0);
  o << label << ", ";
  name_or(o, codes, code, "unknown") << " (0x";
  o.hex(code, 2) << ')';
  std::uint8_t id = u8_at(b, 1);
  o << ", id ";
  o.u(id);
  return true;
}

void chap(PrintCtx& p, Bytes b, std::uint32_t length) {
  Out& o = p.o;
  if (!auth_header(o, b, length, "chap", "CHAP", kChapCodes)) return;
  std::uint8_t code = u8_at(b, 0);
  std::uint32_t len = be16_at(b, 2);
  std::size_t at = 4;
  if (code == 1 || code == 2) {
    if (length - at < 1) return;
    std::uint8_t vs = u8_at(b, at++);
    if (length - at < vs) return;
    o << ", Value ";
    for (std::uint32_t k = 0; k < vs; ++k) o.hex(u8_at(b, at++), 2);
    o << ", Name ";
    chars(o, b, at, len - static_cast<std::uint32_t>(at));
  } else if (code == 3 || code == 4) {
    o << ", Msg ";
    chars(o, b, at, len - static_cast<std::uint32_t>(at));
  }
}

void pap(PrintCtx& p, Bytes b, std::uint32_t length) {
  Out& o = p.o;
  if (!auth_header(o, b, length, "pap", "PAP", kPapCodes)) return;
  std::uint8_t code = u8_at(b, 0);
  std::uint32_t len = be16_at(b, 2);
  if (len > length) {
    o << ", length ";
    o.u(len) << " > packet size";
    return;
  }
  length = len;
  if (length < 4) {
    o << ", length ";
    o.u(length) << " < PAP header length";
    return;
  }
  std::size_t at = 4;
  if (code == 1) {
    if (len < 6) {
      o << "[|pap]";
      return;
    }
    if (length - at < 1) return;
    std::uint8_t pl = u8_at(b, at++);
    if (length - at < pl) return;
    o << ", Peer ";
    chars(o, b, at, pl);
    at += pl;
    if (length - at < 1) return;
    std::uint8_t wl = u8_at(b, at++);
    if (length - at < wl) return;
    o << ", Name ";
    chars(o, b, at, wl);
  } else if (code == 2 || code == 3) {
    if (len < 5) {
      o << "[|pap]";
      return;
    }
    if (length - at < 1) return;
    std::uint8_t ml = u8_at(b, at++);
    if (length - at < ml) return;
    o << ", Msg ";
    chars(o, b, at, ml);
  }
}

}  // namespace

void print_ppp(PrintCtx& p, std::size_t i) {
  const auto& l = at<PppL>(p.d, i);
  Out& o = p.o;
  p.proto = l.tname;
  bool e = p.opt.link_header;
  auto next = [&] {
    if (i + 1 < p.d.size()) print_layers(p, i + 1);
  };
  switch (l.framing) {
    case PppL::Ppp:
      if (l.colon) o << ": ";
      if (l.stage < 2) return;
      if (e) {
        if (l.dir == 1) o << "In  ";
        if (l.dir == 2) o << "Out ";
        std::string_view n = tok_name(kProtocols, l.proto);
        o << (n.empty() ? std::string_view("unknown") : n) << " (0x";
        o.hex(l.proto, 4) << "), length ";
        o.u(l.olen);
        if (n.empty()) return;
        o << ": ";
      }
      break;
    case PppL::Hdlc:
    case PppL::HdlcUnknown:
      if (e) {
        o.hex(l.hdr[0], 2) << ' ';
        o.hex(l.hdr[1], 2) << ' ';
        o.u(l.olen) << ' ';
      }
      if (l.framing == PppL::HdlcUnknown) {
        o << "unknown addr ";
        o.hex(l.hdr[2], 2) << "; ctrl ";
        o.hex(l.hdr[3], 2);
        return;
      }
      unknown_or_name(o, l.proto) << ": ";
      break;
    case PppL::Unescaped:
      if (l.stage < 2) return;
      break;
  }
  // tcpdump's handle_ppp
  std::uint16_t proto = l.proto;
  if ((proto & 0xff00) == 0x7e00) return next();
  if (is_ctrl(proto)) return ctrl_proto(p, proto, l.body, l.wide, l.length);
  switch (proto) {
    case kMl: return mlppp(p, l.body, l.length);
    case kChap: return chap(p, l.body, l.length);
    case kPap: return pap(p, l.body, l.length);
    case kBap: return;
    case 0x0800: case kVjnc: case kIp: case 0x86dd: case kIpv6: case kMplsU: case kMplsM: return next();
    case kComp: o << "compressed PPP data"; return;
    default:
      unknown_or_name(o, proto) << ' ';
      print_unknown_data(o, l.body, l.length, "\n\t");
      return;
  }
}

void print_pppoe(PrintCtx& p, std::size_t i) {
  const auto& e = at<PppoeL>(p.d, i);
  Out& o = p.o;
  p.proto = "pppoe";
  if (e.length < 6 && e.stage < 2) {
    o << " (length ";
    o.u(e.length) << " < 6) (invalid)";
    return;
  }
  if (e.stage < 2) return;
  if (e.ver != 1) o << " [ver ", o.u(e.ver) << ']';
  if (e.type != 1) o << " [type ", o.u(e.type) << ']';
  o << "PPPoE ";
  std::string_view cname = tok_name(kPppoeCodes, e.code);
  if (cname.empty() && e.code != 0) o << "PAD-", o.hex(e.code);
  else o << cname;
  std::uint32_t plen = e.plen;
  if (e.code == 0x09 && plen > 1484 - 6) o << " [len ", o.u(plen) << "!]";
  if (plen > e.length) {
    o << " [len ";
    o.u(plen) << " > ";
    o.u(e.length) << "!]";
    plen = e.length;
  }
  if (e.session) o << " [ses 0x", o.hex(e.session) << ']';
  if (e.code == 0) {
    o << ' ';
    if (i + 1 < p.d.size()) print_layers(p, i + 1);
    return;
  }
  Bytes b = e.tags;
  std::uint16_t tag = 0xffff;
  std::size_t at = 0;
  auto tagname = [&](std::uint16_t t) -> Out& {
    std::string_view n = tok_name(kPppoeTags, t);
    if (n.empty()) return o << "TAG-0x", o.hex(t);
    return o << n;
  };
  while (tag && at < plen) {
    if (!captured(b, at, 4)) throw Truncated{};
    tag = be16_at(b, at);
    std::uint16_t tl = be16_at(b, at + 2);
    at += 4;
    if (tl) {
      if (!captured(b, at, tl)) throw Truncated{};
      Bytes v = b.subspan(at, tl);
      std::size_t shown = std::min<std::size_t>(tl, 79);
      std::size_t ascii = 0, garbage = 0;
      for (std::size_t k = 0; k < shown; ++k) (v[k] >= 32 && v[k] < 127 ? ascii : garbage)++;
      o << " [";
      tagname(tag);
      if (ascii > garbage) {
        o << " \"";
        for (std::size_t k = 0; k < shown; ++k) o << (v[k] >= 32 && v[k] < 127 ? static_cast<char>(v[k]) : '.');
        o << "\"]";
      } else {
        o << " 0x";
        for (auto c : v) {
          static constexpr char kHex[] = "0123456789ABCDEF";
          o << kHex[c >> 4] << kHex[c & 0x0f];
        }
        o << ']';
      }
    } else {
      o << " [";
      tagname(tag) << ']';
    }
    at += tl;
  }
}

void json_ppp(JsonWriter& w, const PppL& l) {
  w.member("layer", "ppp");
  static constexpr std::string_view kFramings[] = {"ppp", "hdlc", "hdlc_unknown", "unescaped"};
  w.member("framing", kFramings[l.framing]);
  if (l.framing == PppL::Hdlc || l.framing == PppL::HdlcUnknown) {
    w.member("address", l.hdr[0]);
    w.member("control", l.hdr[1]);
  }
  if (l.dir) w.member("direction", l.dir == 1 ? "in" : "out");
  if (l.stage < 2 || l.framing == PppL::HdlcUnknown) return;
  w.member("protocol", l.proto);
  std::string_view n = tok_name(kProtocols, l.proto);
  if (!n.empty()) w.member("protocol_name", n);
  w.member("length", l.length);
  if ((is_ctrl(l.proto) || l.proto == kChap || l.proto == kPap) && l.body.size() >= 2) {
    w.member("code", l.body[0]);
    w.member("id", l.body[1]);
  }
}

void json_pppoe(JsonWriter& w, const PppoeL& l) {
  w.member("layer", "pppoe");
  if (l.stage < 2) return;
  w.member("version", l.ver);
  w.member("type", l.type);
  w.member("code", l.code);
  std::string_view n = tok_name(kPppoeCodes, l.code);
  if (!n.empty()) w.member("code_name", n);
  w.member("session", l.session);
  w.member("payload_length", l.plen);
}

}  // namespace netlab::proto
