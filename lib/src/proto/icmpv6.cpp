// ICMPv6 (RFC 4443): echo and errors; neighbour discovery (RFC 4861: RS,
// RA, NS, NA, redirect and their options, RFC 8106 RDNSS/DNSSL, RFC 4191
// route information); MLD (RFC 2710) and MLDv2 (RFC 3810); node information
// queries and replies (RFC 4620); router renumbering (RFC 2894).
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr Tok kTypes[] = {
    {1, "destination unreachable"}, {2, "packet too big"}, {3, "time exceeded in-transit"},
    {4, "parameter problem"}, {128, "echo request"}, {129, "echo reply"},
    {130, "multicast listener query"}, {131, "multicast listener report"}, {132, "multicast listener done"},
    {133, "router solicitation"}, {134, "router advertisement"}, {135, "neighbor solicitation"},
    {136, "neighbor advertisement"}, {137, "redirect"}, {138, "router renumbering"},
    {139, "who-are-you request"}, {140, "who-are-you reply"}, {141, "inverse neighbor solicitation"},
    {142, "inverse neighbor advertisement"}, {143, "multicast listener report v2"},
    {144, "ha discovery request"}, {145, "ha discovery reply"}, {146, "mobile router solicitation"},
    {147, "mobile router advertisement"}, {155, "RPL"}, {200, "mtrace message"}, {201, "mtrace response"}};

std::string_view rtpref(std::uint8_t flags) {
  static constexpr std::string_view kPref[] = {"medium", "high", "rsv", "low"};
  return kPref[(flags >> 3) & 3];
}

void lifetime(Out& o, std::uint32_t v) {
  if (v == 0xffffffffu) o << "infinity";
  else o.u(v) << 's';
}

// Hex of up to len bytes at b[off..], clamped to what was captured.
void unknown_data(Out& o, Bytes b, std::size_t off, std::size_t len, std::string_view ident) {
  if (off > b.size()) {
    o << ident << "Dissector error: print_unknown_data called with pointer past end of packet";
    return;
  }
  Bytes d = b.subspan(off, std::min(len, b.size() - off));
  std::size_t k = 0;
  for (; k + 1 < d.size(); k += 2) {
    if (k % 16 == 0) o << ident << "0x", o.hex(k, 4) << ": ";
    o << ' ';
    o.hex(d[k], 2).hex(d[k + 1], 2);
  }
  if (d.size() & 1) {
    if (k % 16 == 0) o << ident << "0x", o.hex(k, 4) << ": ";
    o << ' ';
    o.hex(d[k], 2);
  }
}

void flags(Out& o, std::uint32_t v, std::initializer_list<std::pair<std::uint32_t, std::string_view>> names) {
  bool any = false;
  for (auto& [bit, n] : names) {
    if (!(v & bit)) continue;
    if (any) o << ", ";
    o << n;
    any = true;
  }
  if (!any) o << "none";
}

// Where the options start: after the fixed part of RS, RA, NS, NA and
// redirect (RFC 4861 4.1 to 4.5); 0 for other types.
std::size_t nd_fixed_length(std::uint8_t type) {
  switch (type) {
    case 133: return 8;
    case 134: return 16;
    case 135:
    case 136: return 24;
    case 137: return 40;
    default: return 0;
  }
}

enum class NdNext { Go, Done, Bad };

void nd_prefix_info(Out& o, Bytes op, std::uint8_t olen) {
  o.ip6(sub(op, 16, 16)) << '/';
  o.u(sub(op, 2, 1)[0]);
  if (olen != 4) o << "badlen";
  o << ", Flags [";
  flags(o, sub(op, 3, 1)[0], {{0x80, "onlink"}, {0x40, "auto"}, {0x20, "router"}});
  o << "], valid time ";
  lifetime(o, be32_at(op, 4));
  o << ", pref. time ";
  lifetime(o, be32_at(op, 8));
}

// RFC 8106 DNSSL: uncompressed domain names; false at a compression pointer.
bool nd_dnssl(Out& o, Bytes op) {
  o << " lifetime ";
  o.u(be32_at(op, 4)) << "s, domain(s):";
  std::size_t d = 8;
  while (d < op.size() && op[d] != 0) {
    o << ' ';
    while (true) {
      std::uint8_t l = sub(op, d, 1)[0];
      ++d;
      if (l == 0) break;
      if (l & 0xc0) return false;  // no compression in ND options
      for (auto ch : sub(op, d, l)) print_char(o, ch);
      o << '.';
      d += l;
    }
  }
  return true;
}

// RFC 4191 route information.
bool nd_route_info(Out& o, Bytes op, std::uint8_t olen) {
  be32_at(op, 4);
  std::uint8_t prefix[16] = {};
  if (olen == 2) std::copy_n(sub(op, 8, 8).begin(), 8, prefix);
  else if (olen == 3) std::copy_n(sub(op, 8, 16).begin(), 16, prefix);
  else if (olen != 1) return false;
  o << ' ';
  o.ip6(Bytes(prefix, 16)) << '/';
  o.u(sub(op, 2, 1)[0]) << ", pref=" << rtpref(sub(op, 3, 1)[0]) << ", lifetime=";
  lifetime(o, be32_at(op, 4));
  return true;
}

// One whole option's text after its header; `list` is the option list,
// which a redirected header option dumps from its start (as tcpdump does).
NdNext print_nd_option(Out& o, const PrintOptions& po, const Tlv& t, Bytes list) {
  Bytes op = sub(t.rest, 0, t.size);
  switch (t.type) {
    case 1:
    case 2: o.mac(op.subspan(2)); break;
    case 3: nd_prefix_info(o, op, t.length); break;
    case 4: unknown_data(o, list, 0, t.size, "\n\t    "); break;
    case 5:
      o << ' ';
      o.u(be32_at(op, 4));
      if (t.length != 1) o << "bad option length";
      break;
    case 25: {
      o << " lifetime ";
      o.u(be32_at(op, 4)) << "s,";
      std::size_t n = (t.length - 1) / 2;
      for (std::size_t k = 0; k < n; ++k) o << " addr: ", o.ip6(sub(op, 8 + 16 * k, 16));
      break;
    }
    case 31:
      if (!nd_dnssl(o, op)) return NdNext::Bad;
      break;
    case 7:
      o << ' ';
      o.u(be32_at(op, 4)) << "ms";
      break;
    case 8:
      o << " preference ";
      o.u(be16_at(op, 4)) << ", lifetime ";
      o.u(be16_at(op, 6));
      break;
    case 24:
      if (!nd_route_info(o, op, t.length)) return NdNext::Bad;
      break;
    default:
      if (po.verbose <= 1) {
        unknown_data(o, t.value, 0, t.value.size(), "\n\t  ");
        return NdNext::Done;
      }
      break;
  }
  if (po.verbose > 1) unknown_data(o, t.value, 0, t.value.size(), "\n\t    ");
  return NdNext::Go;
}

// RFC 4861 4.6 options from msg[start]; false at a malformed or truncated
// option. resid is what the ICMPv6 length leaves for them.
bool print_nd_options(Out& o, const PrintOptions& po, Bytes msg, std::size_t start, std::int64_t resid) {
  static constexpr Tok kNames[] = {
      {1, "source link-address"}, {2, "destination link-address"}, {3, "prefix info"}, {4, "redirected header"},
      {5, "mtu"}, {7, "advertisement interval"}, {8, "homeagent information"}, {24, "route info"},
      {25, "rdnss"}, {31, "dnssl"}};
  Bytes list = msg.subspan(std::min(start, msg.size()));
  TlvWalker walker(kNdOptions, list);
  while (auto t = walker.next()) {
    if (t->status == TlvStatus::Cut) throw Truncated{};  // the length byte, read before resid is
    if (resid - static_cast<std::int64_t>(t->offset) <= 0) return true;
    if (t->status != TlvStatus::Ok) return false;
    std::string_view name = tok_name(kNames, t->type);
    o << "\n\t  " << (name.empty() ? std::string_view("unknown") : name) << " option (";
    o.u(t->type) << "), length ";
    o.u(t->size) << " (";
    o.u(t->length) << "): ";
    switch (print_nd_option(o, po, *t, list)) {
      case NdNext::Go: break;
      case NdNext::Done: return true;
      case NdNext::Bad: return false;
    }
  }
  return true;
}

void mld(Out& o, Bytes m) {
  o << "max resp delay: ";
  o.u(be16_at(m, 4)) << " addr: ";
  o.ip6(sub(m, 8, 16));
}

// tcpdump's length check of an MLDv2 message: one shorter than its fixed
// part prints " [invalid len N]" and nothing more.
bool mldv2_long_enough(Out& o, std::uint32_t len, std::uint32_t fixed_part) {
  if (len >= fixed_part) return true;
  o << " [invalid len ";
  o.u(len) << ']';
  return false;
}

void mldv2_report(Out& o, const PrintOptions& po, Bytes m, std::uint32_t len) {
  if (!mldv2_long_enough(o, len, 8)) return;
  std::uint16_t ngroups = be16_at(m, 6);
  o << ", ";
  o.u(ngroups) << " group record(s)";
  if (!po.verbose) return;
  std::size_t group = 8;
  static constexpr std::string_view kRec[] = {"", "is_in", "is_ex", "to_in", "to_ex", "allow", "block"};
  for (std::size_t i = 0; i < ngroups; ++i) {
    if (len < group + 20) {
      o << " [invalid number of groups]";
      return;
    }
    Bytes gaddr = sub(m, group + 4, 16);  // read before anything of the record is printed
    o << " [gaddr ";
    o.ip6(gaddr);
    std::uint8_t t = sub(m, group, 1)[0];
    o << ' ';
    if (t >= 1 && t <= 6) o << kRec[t];
    else o << " [v2-report-#", o.u(t) << ']';
    std::uint16_t nsrcs = be16_at(m, group + 2);
    if (len < group + 20 + nsrcs * 16u) {
      o << " [invalid number of sources ";
      o.u(nsrcs) << ']';
      return;
    }
    if (po.verbose == 1) {
      o << ", ";
      o.u(nsrcs) << " source(s)";
    } else {
      o << " {";
      for (std::size_t j = 0; j < nsrcs; ++j) o << ' ', o.ip6(sub(m, group + 20 + j * 16, 16));
      o << " }";
    }
    group += 20 + nsrcs * 16u;
    o << ']';
  }
}

void mldv2_query(Out& o, const PrintOptions& po, Bytes m, std::uint32_t len) {
  if (!mldv2_long_enough(o, len, 28)) return;
  std::uint32_t mrc = be16_at(m, 4);
  std::uint32_t mrt = mrc < 32768 ? mrc : ((mrc & 0x0fff) | 0x1000) << (((mrc & 0x7000) >> 12) + 3);
  if (po.verbose) o << " [max resp delay=", o.u(mrt) << ']';
  Bytes gaddr = sub(m, 8, 16);
  o << " [gaddr ";
  o.ip6(gaddr);
  if (po.verbose) {
    std::uint8_t b24 = sub(m, 24, 1)[0], b25 = sub(m, 25, 1)[0];
    if (b24 & 0x08) o << " sflag";
    if (b24 & 0x07) o << " robustness=", o.u(b24 & 0x07);
    std::uint32_t qqi = b25 < 128 ? b25 : ((b25 & 0x0f) | 0x10) << (((b25 & 0x70) >> 4) + 3);
    o << " qqi=";
    o.u(qqi);
  }
  std::uint16_t nsrcs = be16_at(m, 26);
  if (nsrcs > 0) {
    if (len < 28 + nsrcs * 16u) o << " [invalid number of sources]";
    else if (po.verbose > 1) {
      o << " {";
      for (std::size_t k = 0; k < nsrcs; ++k) o << ' ', o.ip6(sub(m, 28 + 16 * k, 16));
      o << " }";
    } else {
      o << ", ";
      o.u(nsrcs) << " source(s)";
    }
  }
  o << ']';
}

// The upper-layer header inside an ICMPv6 error, past extension headers.
bool upper_layer(Bytes inner, std::uint8_t& proto, std::size_t& off) {
  std::uint8_t nh = sub(inner, 0, 40)[6];
  off = 40;
  while (nh != 6 && nh != 17) {
    ByteReader r(inner);
    r.skip(off);  // Truncated once the chain runs past the capture
    auto h = ext_header(nh, r);
    if (!h || h->later_fragment) return false;
    nh = h->next;
    off += h->size;
  }
  proto = nh;
  return true;
}

// A malformed option list: tcpdump prints [|icmp6] and returns normally.
[[noreturn]] void nd_trunc(PrintCtx& p) {
  p.local_trunc = true;
  throw Truncated{};
}

// tcpdump's safeputchar: printable ASCII as is, anything else as \0xNN.
void safe_char(Out& o, std::uint8_t c) {
  if (c >= 0x20 && c < 0x7f) o << static_cast<char>(c);
  else o << "\\0x", o.hex(c, 2);
}

// A node information DNS name (RFC 4620 section 6.3): labels without
// compression, each checked against the end of the message.
void ni_dnsname(Out& o, Bytes b, std::size_t cp) {
  std::size_t ep = b.size();
  o << ", \"";
  while (cp < ep) {
    std::size_t n = b[cp++];
    if (n == 0) {
      if (cp == ep) o << '.';
      else if (!(cp + 1 == ep && b[cp] == 0)) o << "???";
      break;
    }
    if (n > ep - cp) {
      o << "???";
      break;
    }
    for (; n > 0 && cp < ep; --n) safe_char(o, b[cp++]);
    if (cp + 1 < ep && b[cp] != 0) o << '.';
  }
  o << '"';
}

// A name that is either an old draft's Pascal string or a DNS name.
void ni_name(Out& o, const PrintOptions& po, Bytes b, std::size_t cp) {
  if (b[cp] == b.size() - cp - 1) {
    if (po.verbose) o << ", 03 draft";
    o << ", \"";
    for (auto ch : b.subspan(cp + 1)) safe_char(o, ch);
    o << '"';
  } else {
    ni_dnsname(o, b, cp);
  }
}

void ni_addr_flags(Out& o, std::uint16_t fl, bool reply) {
  if (!fl) return;
  o << " [";
  if (fl & 0x40) o << 'a';
  if (fl & 0x20) o << 'G';
  if (fl & 0x10) o << 'S';
  if (fl & 0x08) o << 'L';
  if (fl & 0x04) o << 'C';
  if (fl & 0x02) o << 'A';
  if (reply && (fl & 0x01)) o << 'T';
  o << ']';
}

// The Qtype of a query or a successful reply (RFC 4620 section 4).
void ni_qtype(Out& o, std::uint16_t qtype, std::uint16_t fl, bool reply) {
  switch (qtype) {
    case 0: o << "noop"; break;
    case 1:
      o << "supported qtypes";
      if (fl) o << " [" << ((fl & 1) ? "C" : "") << ']';
      break;
    case 2: o << "DNS name"; break;
    case 3:
      o << "node addresses";
      if (!reply) ni_addr_flags(o, fl, false);
      break;
    default: o << "unknown"; break;
  }
}

// The query's subject (RFC 4620 section 5), after the 16-byte header.
void ni_subject(Out& o, const PrintOptions& po, Bytes b, std::uint8_t code) {
  std::size_t siz = b.size();
  switch (code) {
    case 0:
    case 2: {
      std::size_t alen = code == 0 ? 16 : 4;
      if (siz < 16 + alen) return;
      if (siz != 16 + alen) {
        if (po.verbose) o << ", invalid subject len";
        return;
      }
      o << ", subject=";
      if (code == 0) o.ip6(sub(b, 16, 16));
      else o.ip4(sub(b, 16, 4));
      return;
    }
    case 1:
      o << ", subject=DNS name";
      ni_name(o, po, b, 16);
      return;
    default: o << ", unknown subject"; return;
  }
}

// Node information query (ICMPv6 type 139); b is the captured message.
void ni_query(Out& o, const PrintOptions& po, Bytes b, std::uint8_t code) {
  std::size_t siz = b.size();
  if (siz == 12) {  // KAME's who-are-you
    o << " who-are-you request";
    return;
  }
  o << " node information query";
  if (siz < 16) {
    o << " [|icmp6]";
    return;
  }
  std::uint16_t qtype = be16_at(b, 4), fl = be16_at(b, 6);
  o << " (";
  ni_qtype(o, qtype, fl, false);
  if (qtype == 0 || qtype == 1) {
    if (siz != 16 && po.verbose) o << ", invalid len";
  } else if (siz == 16) {
    o << ", 03 draft";
  } else {
    ni_subject(o, po, b, code);
  }
  o << ')';
}

// Node information reply (ICMPv6 type 140).
void ni_reply(Out& o, const PrintOptions& po, Bytes b, std::uint8_t code, std::uint32_t plen) {
  std::size_t siz = b.size();
  if (plen > siz || siz < 16) {  // 4.99.3's nd_print_trunc for both
    o << " [|icmp6]";
    return;
  }
  o << " node information reply (";
  bool comma = false;
  if (code == 0 && po.verbose) o << "success", comma = true;
  if (code == 1 || code == 2) {
    o << (code == 1 ? "refused" : "unknown");
    comma = true;
    if (siz != 16 && po.verbose) o << ", invalid length";
  }
  if (code != 0) {
    o << ')';
    return;
  }
  std::uint16_t qtype = be16_at(b, 4), fl = be16_at(b, 6);
  if (comma) o << ", ";
  ni_qtype(o, qtype, fl, true);
  if (qtype == 0 && siz != 16 && po.verbose) o << ", invalid length";
  if (qtype == 2) {
    if (siz <= 20) {
      o << " [|icmp6]";
      return;
    }
    ni_name(o, po, b, 20);
    if (fl & 1) o << " [TTL=", o.u(be32_at(b, 16)) << ']';
  } else if (qtype == 3) {
    for (std::size_t i = 16; i + 20 <= siz; i += 20) {  // RFC 4620 6.3: a TTL, then the address
      o << ' ';
      o.ip6(sub(b, i + 4, 16)) << '(';
      o.i(static_cast<std::int32_t>(be32_at(b, i))) << ')';
    }
    ni_addr_flags(o, fl, true);
  }
  o << ')';
}

// Router renumbering (RFC 2894): the header, then a command's match-prefix
// part and its use-prefix parts; false where tcpdump stops at a short part.
bool rr_header(Out& o, const PrintOptions& po, Bytes b, std::uint8_t code) {
  if (b.size() < 16) return false;
  o << ", ";
  if (code == 0) o << "command";
  else if (code == 1) o << "result";
  else if (code == 255) o << "sequence number reset";
  else o << "code-#", o.u(code);
  o << ", seq=";
  o.u(be32_at(b, 4));
  if (!po.verbose) return true;
  std::uint8_t fl = b[9];
  o << '[';
  if (fl) {
    static constexpr std::pair<std::uint8_t, char> kFlags[] = {{0x80, 'T'}, {0x40, 'R'}, {0x20, 'A'},
                                                               {0x10, 'S'}, {0x08, 'P'}};
    for (auto [bit, ch] : kFlags)
      if (fl & bit) o << ch;
    o << ',';
  }
  o << "seg=";
  o.u(b[8]) << ",maxdelay=";
  o.u(be16_at(b, 10));
  if (std::uint32_t rsvd = be32_at(b, 12)) o << "rsvd=0x", o.hex(rsvd, 0);
  o << ']';
  return true;
}

void rr_use(Out& o, const PrintOptions& po, Bytes u) {
  o << (po.verbose > 1 ? "\n\t" : " ") << "use(";
  std::uint32_t fl = be32_at(u, 12);
  if (fl) o << ((fl & 0x80000000u) ? "V" : "") << ((fl & 0x40000000u) ? "P" : "") << ',';
  if (po.verbose) {
    o << "mask=0x";
    o.hex(u[2], 0) << ",raflags=0x";
    o.hex(u[3], 0) << ',';
    for (std::size_t off : {4, 8}) {
      o << (off == 4 ? "vltime=" : "pltime=");
      std::uint32_t t = be32_at(u, off);
      if (t == 0xffffffffu) o << "infty,";
      else o.u(t) << ',';
    }
  }
  o.ip6(sub(u, 16, 16)) << '/';
  o.u(u[0]) << '/';
  o.u(u[1]) << ')';
}

bool print_rr(Out& o, const PrintOptions& po, Bytes b, std::uint8_t code) {
  if (!rr_header(o, po, b, code)) return false;
  if (code != 0) return true;
  if (b.size() < 16 + 24) return false;
  Bytes mp = sub(b, 16, 24);
  o << (po.verbose > 1 ? "\n\t" : " ") << "match(";
  static constexpr std::string_view kOps[] = {"add", "change", "setglobal"};
  if (mp[0] >= 1 && mp[0] <= 3) o << kOps[mp[0] - 1];
  else o << '#', o.u(mp[0]);
  if (po.verbose) {
    o << ",ord=";
    o.u(mp[2]) << ",min=";
    o.u(mp[4]) << ",max=";
    o.u(mp[5]);
  }
  o << ',';
  o.ip6(sub(mp, 8, 16)) << '/';
  o.u(mp[3]) << ')';
  int n = int(mp[1]) - 3;
  if (n % 4) return false;
  std::size_t off = 40;
  for (n /= 4; n > 0; --n, off += 32) {
    if (b.size() < off + 32) return false;
    rr_use(o, po, sub(b, off, 32));
  }
  return true;
}

}  // namespace

void decode_icmp6(Ctx& c, ByteReader r, std::uint32_t length, std::size_t ip, bool fragmented) {
  c.d.trunc_proto = "icmp6";
  auto& m = c.d.push<Icmp6L>();
  m.plen = length;
  m.msg = r.rest();
  if (length == 0) return;
  if (c.opt.verbose && !fragmented && m.msg.size() >= length) {
    m.sum = r.peek16(2);
    m.computed = l4_checksum(c.d, ip, 58, m.msg.first(length));
    m.sum_checked = true;
  }
  m.type = r.u8();
  m.stage = 1;
  m.code = r.u8();
  m.stage = 2;
}

namespace {

// Destination unreachable (RFC 4443 3.1); false when the caller must stop
// (a code it cannot name, dumped in hex).
bool print_unreach6(Out& o, const PrintOptions& po, const Icmp6L& m, Bytes b) {
  static constexpr std::string_view kCodes[] = {"unreachable route", " unreachable prohibited", "beyond scope",
                                                "unreachable address", "unreachable port"};
  o << ", ";
  if (m.code < 5) o << kCodes[m.code];
  else o << "unknown unreach code (", o.u(m.code) << ')';
  switch (m.code) {
    case 0:
    case 1:
    case 3:
      o << ' ';
      o.ip6(sub(b, 8 + 24, 16));
      return true;
    case 2:
      o << ' ';
      o.ip6(sub(b, 8 + 24, 16)) << ", source address ";
      o.ip6(sub(b, 8 + 8, 16));
      return true;
    case 4: {
      std::uint8_t proto = 0;
      std::size_t off = 0;
      Bytes inner = b.subspan(std::min<std::size_t>(8, b.size()));
      if (!upper_layer(inner, proto, off)) throw Truncated{};
      std::uint16_t dport = be16_at(inner, off + 2);
      o << ", ";
      o.ip6(sub(inner, 24, 16));
      o << (proto == 6 ? " tcp port " : " udp port ");
      o.u(dport);
      return true;
    }
    default:
      if (po.verbose > 1) return true;
      unknown_data(o, b, 0, m.plen, "\n\t");
      return false;
  }
}

// Neighbour discovery (RFC 4861 4.1 to 4.5): the fixed part, then with -v
// the options (a malformed list ends in " [|icmp6]").
void print_nd(PrintCtx& p, const Icmp6L& m, Bytes b) {
  Out& o = p.o;
  const auto& po = p.opt;
  switch (m.type) {
    case 134:
      if (!po.verbose) return;
      {
        std::uint8_t fl = sub(b, 5, 1)[0];
        std::uint8_t hop = sub(b, 4, 1)[0];
        std::uint16_t life = be16_at(b, 6);
        std::uint32_t reach = be32_at(b, 8), retrans = be32_at(b, 12);
        o << "\n\thop limit ";
        o.u(hop) << ", Flags [";
        flags(o, fl, {{0x80, "managed"}, {0x40, "other stateful"}, {0x20, "home agent"}, {0x02, "ipv6 only"}});
        o << "], pref " << rtpref(fl) << ", router lifetime ";
        o.u(life) << "s, reachable time ";
        o.u(reach) << "ms, retrans timer ";
        o.u(retrans) << "ms";
      }
      break;
    case 135:
      o << ", who has ";
      o.ip6(sub(b, 8, 16));
      break;
    case 136:
      o << ", tgt is ";
      o.ip6(sub(b, 8, 16));
      if (po.verbose) {
        o << ", Flags [";
        flags(o, be32_at(b, 4), {{0x80000000u, "router"}, {0x40000000u, "solicited"}, {0x20000000u, "override"}});
        o << ']';
      }
      break;
    case 137: {
      // Each address is read before its text is printed (tcpdump's GET_ in
      // the ND_PRINT arguments): the destination, then the better first hop.
      Bytes dst = sub(b, 24, 16);
      o << ", ";
      o.ip6(dst);
      Bytes gw = sub(b, 8, 16);
      o << " to ";
      o.ip6(gw);
      break;
    }
    default: break;
  }
  std::size_t start = nd_fixed_length(m.type);
  if (po.verbose && !print_nd_options(o, po, b, start, std::int64_t(m.plen) - std::int64_t(start))) nd_trunc(p);
}

// RPL (RFC 6550) options: pad1 is one byte, the others type, length, data.
// tcpdump names them and, from -vvv on, dumps their data.
void rpl_options(PrintCtx& p, Bytes b, std::size_t at, std::uint32_t left) {
  static constexpr Tok kOpts[] = {{0, "pad1"},        {1, "padN"},        {2, "metrics"},
                                  {3, "routinginfo"}, {4, "config"},      {5, "rpltarget"},
                                  {6, "transitinfo"}, {8, "destprefix"},  {9, "rpltargetdesc"}};
  Out& o = p.o;
  while (left != 0) {
    std::uint8_t type = sub(b, at, 1)[0];
    std::uint32_t olen = 1;
    if (type == 0) {
      o << " opt:pad1";
    } else {
      if (left < 2) nd_trunc(p);
      olen = sub(b, at + 1, 1)[0] + 2u;
      o << " opt:";
      tok_print(o, kOpts, type, "subopt:");
      o << " len:";
      o.u(olen) << ' ';
      if (at + olen > b.size() || left < olen) nd_trunc(p);
      if (p.opt.verbose > 2) print_unknown_data(o, b.subspan(at + 2), olen - 2, " ");
    }
    at += olen;
    left -= olen;
  }
}

// RPL control messages (ICMPv6 type 155, RFC 6550 section 6): DIS, DIO,
// DAO and DAO-ACK; secured ones (code bit 0x80) are not decoded.
void print_rpl(PrintCtx& p, const Icmp6L& m, Bytes b) {
  Out& o = p.o;
  const auto& po = p.opt;
  if (m.code & 0x80) {
    o << ", (SEC) [worktodo]";
    return;
  }
  o << ", (CLR)";
  std::uint32_t len = m.plen >= 4 ? m.plen - 4 : 0;  // after the ICMPv6 header
  Bytes r = b.size() > 4 ? b.subspan(4) : Bytes{};
  switch (m.code) {
    case 0: o << "DODAG Information Solicitation"; return;
    case 1: {
      o << "DODAG Information Object";
      if (!po.verbose) return;
      if (len < 24) {
        o << " (invalid)";
        return;
      }
      std::uint8_t mopprf = sub(r, 4, 1)[0];
      static constexpr Tok kMop[] = {{0, "nonstoring"}, {1, "storing"}, {2, "nonstoring-multicast"},
                                     {3, "storing-multicast"}};
      o << " [dagid:";
      o.ip6(sub(r, 8, 16)) << ",seq:";
      o.u(sub(r, 5, 1)[0]) << ",instance:";
      o.u(r[0]) << ",rank:";
      o.u(be16_at(r, 2)) << ',';
      if (mopprf & 0x80) o << "grounded,";
      o << "mop:";
      tok_print(o, kMop, (mopprf >> 3) & 7, "mop");
      o << ",prf:";
      o.u(mopprf & 7) << ']';
      if (po.verbose > 1) rpl_options(p, r, 24, len - 24);
      return;
    }
    case 2: {
      o << "Destination Advertisement Object";
      if (!po.verbose) return;
      if (r.size() < 20) nd_trunc(p);  // tcpdump checks the whole struct first
      if (len < 4) {
        o << " [|length too short]";
        return;
      }
      std::uint8_t flags = r[1];
      std::size_t at = 4;
      bool dagid = flags & 0x40;
      if (dagid) {
        if (len < 20) {
          o << " [|length too short]";
          return;
        }
        at = 20;
      }
      o << " [dagid:";
      if (dagid) o.ip6(r.subspan(4, 16));
      else o << "<elided>";
      o << ",seq:";
      o.u(r[3]) << ",instance:";
      o.u(r[0]);
      if (flags & 0x80) o << ",acK";
      if (dagid) o << ",Dagid";
      o << ',';
      o.hex(flags, 2) << ']';
      if (po.verbose > 1) rpl_options(p, r, at, len - static_cast<std::uint32_t>(at));
      return;
    }
    case 3: {
      o << "Destination Advertisement Object Ack";
      if (!po.verbose) return;
      if (r.size() < 4) nd_trunc(p);
      if (len < 4) {
        o << " [|dao-length too short]";
        return;
      }
      std::size_t at = 4;
      bool dagid = r[1] & 0x80;
      if (dagid) {
        if (r.size() < 20) nd_trunc(p);
        if (len < 20) {
          o << " [|dao-length too short]";
          return;
        }
        at = 20;
      }
      o << " [dagid:";
      if (dagid) o.ip6(r.subspan(4, 16));
      else o << "<elided>";
      o << ",seq:";
      o.u(r[2]) << ",instance:";
      o.u(r[0]) << ",status:";
      o.u(r[3]) << ']';
      if (po.verbose > 1) rpl_options(p, r, at, len - static_cast<std::uint32_t>(at));
      return;
    }
    default:
      o << "RPL message, unknown code ";
      o.u(m.code);
      return;
  }
}

// The message after "ICMP6, <type>"; false when tcpdump returns without
// the trailing ", length".
bool print_icmp6_body(PrintCtx& p, const Icmp6L& m, std::string_view name) {
  Out& o = p.o;
  const auto& po = p.opt;
  Bytes b = m.msg;
  switch (m.type) {
    case 1: return print_unreach6(o, po, m, b);
    case 2:
      o << ", mtu ";
      o.u(be32_at(b, 4));
      return true;
    case 3:
      if (m.code == 0) o << " for ", o.ip6(sub(b, 8 + 24, 16));
      else if (m.code == 1) o << " (reassembly)";
      else o << ", unknown code (", o.u(m.code) << ')';
      return true;
    case 4: {
      sub(b, 8 + 24, 16);
      static constexpr std::string_view kCodes[] = {", erroneous - octet ", ", next header - octet ",
                                                    ", option - octet ", ", incomplete header chain - octet "};
      if (m.code < 4) o << kCodes[m.code], o.u(be32_at(b, 4));
      else o << ", code-#", o.u(m.code);
      return true;
    }
    case 128:
    case 129:
      o << ", id ";
      o.u(be16_at(b, 4)) << ", seq ";
      o.u(be16_at(b, 6));
      return true;
    case 130:
      if (m.plen == 24) mld(o, b);
      else if (m.plen >= 28) o << " v2", mldv2_query(o, po, b, m.plen);
      else o << " unknown-version (len ", o.u(m.plen) << ") ";
      return true;
    case 131:
    case 132: mld(o, b); return true;
    case 133:
    case 134:
    case 135:
    case 136:
    case 137: print_nd(p, m, b); return true;
    case 138:
      if (!print_rr(o, po, b, m.code)) o << " [|icmp6]";
      return true;
    case 139: ni_query(o, po, b, m.code); return true;
    case 140: ni_reply(o, po, b, m.code, m.plen); return true;
    case 141:
    case 142: return true;
    case 143: mldv2_report(o, po, b, m.plen); return true;
    case 155: print_rpl(p, m, b); return true;
    case 147:  // RFC 6275 mobile prefix advertisement: only from -v on
      if (po.verbose) {
        o << ", id 0x";
        o.hex(be16_at(b, 4), 4);
        std::uint16_t flags = be16_at(b, 6);
        if (flags & 0xc000) o << ' ';
        if (flags & 0x8000) o << 'M';
        if (flags & 0x4000) o << 'O';
        if (!print_nd_options(o, po, b, 8, std::int64_t(m.plen) - 8)) nd_trunc(p);
      }
      return true;
    case 144:
    case 146:
      o << ", id 0x";
      o.hex(be16_at(b, 4), 4);
      return true;
    default:
      if (!name.empty() && m.type != 155 && m.type != 145 &&
          m.type != 147 && m.type != 200 && m.type != 201)
        return true;
      o << ", length ";
      o.u(m.plen);
      if (po.verbose <= 1) unknown_data(o, b, 0, m.plen, "\n\t");
      return false;
  }
}

}  // namespace

void print_icmp6(PrintCtx& p, std::size_t i) {
  p.proto = "icmp6";
  const auto& m = at<Icmp6L>(p.d, i);
  Out& o = p.o;
  const auto& po = p.opt;
  if (m.plen == 0) {
    o << "ICMP6, length 0 (invalid)";
    return;
  }
  if (m.sum_checked) {
    if (m.computed != 0) {
      o << "[bad icmp6 cksum 0x";
      o.hex(m.sum, 4) << " -> 0x";
      o.hex(cksum_shouldbe(m.sum, m.computed), 4) << "!] ";
    } else {
      o << "[icmp6 sum ok] ";
    }
  }
  if (m.stage < 1) return;
  auto name = tok_name(kTypes, m.type);
  o << "ICMP6, ";
  tok_print(o, kTypes, m.type, "unknown icmp6 type (", ")");
  bool nd = (m.type >= 133 && m.type <= 137) || m.type == 145 || m.type == 147;
  if (po.verbose && nd) o << ", length ", o.u(m.plen);
  if (m.stage < 2) return;
  if (print_icmp6_body(p, m, name) && !po.verbose) o << ", length ", o.u(m.plen);
}

}  // namespace netlab::proto

namespace netlab::proto {
namespace {

// Neighbour-discovery options (RFC 4861 section 4.6, RFC 8106 RDNSS).
void json_nd_option(JsonWriter& w, const Tlv& o, TlvWalker&) {
  w.member("type", static_cast<unsigned>(o.type));
  if (o.status == TlvStatus::Cut) throw Truncated{};
  w.member("length", o.length * 8u);
  if (o.status == TlvStatus::BadLength) {  // the list cannot go on; tcpdump stops here too
    w.member("invalid", true);
    return;
  }
  if (o.status != TlvStatus::Ok) throw Truncated{};
  ByteReader body(o.value);
  switch (o.type) {
    case 1: case 2:
      w.member("name", o.type == 1 ? "source link-address" : "target link-address");
      w.member("lladdr", mac_text(body.rest()));
      break;
    case 3: {
      w.member("name", "prefix info");
      std::uint8_t plen = body.u8(), flags = body.u8();
      w.member("prefix_length", plen);
      w.member("on_link", (flags & 0x80) != 0);
      w.member("autonomous", (flags & 0x40) != 0);
      w.member("valid_lifetime", static_cast<std::uint64_t>(body.be32()));
      w.member("preferred_lifetime", static_cast<std::uint64_t>(body.be32()));
      body.skip(4);
      w.member("prefix", ip6_text(body.bytes(16)));
      break;
    }
    case 5:
      w.member("name", "mtu");
      body.skip(2);
      w.member("mtu", static_cast<std::uint64_t>(body.be32()));
      break;
    case 25:
      w.member("name", "rdnss");
      body.skip(2);
      w.member("lifetime", static_cast<std::uint64_t>(body.be32()));
      w.key("servers");
      w.begin_array();
      while (body.remaining() >= 16) w.value(ip6_text(body.bytes(16)));
      w.end_array();
      break;
    default:
      w.member("data", hex_text(body.rest()));
  }
}

// An RPL control message's fixed part for JSON (RFC 6550 section 6), read
// only where the length and the capture hold it; secured ones are named.
void json_rpl(JsonWriter& w, const Icmp6L& l) {
  static constexpr Tok kNames[] = {{0, "DIS"}, {1, "DIO"}, {2, "DAO"}, {3, "DAO-ACK"}};
  Bytes r = l.msg.size() > 4 ? l.msg.subspan(4) : Bytes{};
  std::size_t have = std::min<std::size_t>(r.size(), l.plen >= 4 ? l.plen - 4 : 0);
  w.key("rpl");
  w.begin_object();
  w.member("secure", (l.code & 0x80) != 0);
  if (auto name = tok_name(kNames, l.code); !name.empty()) w.member("message", name);
  if (l.code == 1 && have >= 24) {
    w.member("instance", r[0]);
    w.member("version", r[1]);
    w.member("rank", be16_at(r, 2));
    w.member("grounded", (r[4] & 0x80) != 0);
    w.member("mop", (r[4] >> 3) & 7);
    w.member("prf", r[4] & 7);
    w.member("dtsn", r[5]);
    w.member("dagid", ip6_text(r.subspan(8, 16)));
  } else if ((l.code == 2 || l.code == 3) && have >= 4) {
    bool dao = l.code == 2;
    bool has_dagid = dao ? (r[1] & 0x40) != 0 : (r[1] & 0x80) != 0;
    w.member("instance", r[0]);
    w.member("sequence", dao ? r[3] : r[2]);
    if (dao) w.member("ack_requested", (r[1] & 0x80) != 0);
    else w.member("status", r[3]);
    if (has_dagid && have >= 20) w.member("dagid", ip6_text(r.subspan(4, 16)));
  }
  w.end_object();
}

}  // namespace

void json_icmp6(JsonWriter& w, const Icmp6L& l) {
  w.member("layer", "icmpv6");
  if (l.stage >= 2) {
    w.member("type", l.type);
    w.member("code", l.code);
  }
  if (l.sum_checked) w.member("checksum_ok", l.computed == 0);
  if (l.type == 128 || l.type == 129) json_echo(w, l.msg);
  if (l.type == 155 && l.stage >= 2) json_rpl(w, l);
  if ((l.type == 135 || l.type == 136 || l.type == 137) && l.msg.size() >= 24)
    w.member("target", ip6_text(sub(l.msg, 8, 16)));
  std::size_t fixed = nd_fixed_length(l.type);
  if (fixed && l.msg.size() > fixed)
    json_options(w, TlvWalker(kNdOptions, l.msg.subspan(fixed)), json_nd_option);
  w.member("length", l.plen);
}

}  // namespace netlab::proto
