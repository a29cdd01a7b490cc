// DNS: RFC 1035 (messages, names, compression, TCP's two-byte length
// prefix, 4.2.2), RFC 2673 (bit-string labels), RFC 6891 (EDNS(0) OPT
// records and the extended RCODE), RFC 7871 (client subnet), RFC 7873
// (cookies), RFC 7828 (tcp-keepalive), RFC 7314 (expire), RFC 7830
// (padding), RFC 7901 (chain), RFC 8145 (key tag), RFC 6975 (DAU, DHU,
// N3U), RFC 2782 (SRV), RFC 7553 (URI), RFC 2845 (TSIG), RFC 6762 (mDNS:
// the QU and cache-flush bits). The text form is tcpdump 4.99.3's
// print-domain.c; the JSON form gives the header and every record typed.
//
// tcpdump walks the message with two kinds of check: ND_TTEST (a test that
// makes its helper return NULL, and the caller print " [|domain]" without
// unwinding) and GET_* (a read that longjmps out of the whole packet). Here
// the first kind are offset comparisons against the captured size, the
// second are the throwing readers (be16_at, sub); local truncation sets
// local_trunc before throwing, as bootp.cpp does, so -x dumps match too.
// Offsets are size_t into the captured message and may point past its end
// (tcpdump's pointers do), they are only compared there, never read.
#include "proto/proto.hpp"

#include <cstdio>

namespace netlab::proto {

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);  // tcpdump's NULL
constexpr std::size_t kHeader = 12;
constexpr unsigned kMaxName = 255;  // RFC 1035 2.3.4 (tcpdump's MAXCDNAME)
// A compression pointer must point before the previous one (tcpdump's rule,
// and BIND's), which ends every walk; this bound also caps the work a
// hostile message can ask for between pointers.
constexpr unsigned kMaxNameSteps = 65536;

constexpr std::uint16_t kTypeA = 1, kTypeNs = 2, kTypeCname = 5, kTypeSoa = 6, kTypePtr = 12, kTypeMx = 15,
                        kTypeTxt = 16, kTypeAaaa = 28, kTypeSrv = 33, kTypeA6 = 38, kTypeDname = 39, kTypeOpt = 41,
                        kTypeUnspecA = 104, kTypeTsig = 250, kTypeUri = 256;

// tcpdump's ns_type2str (IANA dns-parameters as of 4.99.3).
constexpr Tok kTypes[] = {
    {1, "A"},        {2, "NS"},         {3, "MD"},       {4, "MF"},       {5, "CNAME"},   {6, "SOA"},
    {7, "MB"},       {8, "MG"},         {9, "MR"},       {10, "NULL"},    {11, "WKS"},    {12, "PTR"},
    {13, "HINFO"},   {14, "MINFO"},     {15, "MX"},      {16, "TXT"},     {17, "RP"},     {18, "AFSDB"},
    {19, "X25"},     {20, "ISDN"},      {21, "RT"},      {22, "NSAP"},    {23, "NSAP_PTR"}, {24, "SIG"},
    {25, "KEY"},     {26, "PX"},        {27, "GPOS"},    {28, "AAAA"},    {29, "LOC"},    {30, "NXT"},
    {31, "EID"},     {32, "NIMLOC"},    {33, "SRV"},     {34, "ATMA"},    {35, "NAPTR"},  {36, "KX"},
    {37, "CERT"},    {38, "A6"},        {39, "DNAME"},   {40, "SINK"},    {41, "OPT"},    {42, "APL"},
    {43, "DS"},      {44, "SSHFP"},     {45, "IPSECKEY"}, {46, "RRSIG"},  {47, "NSEC"},   {48, "DNSKEY"},
    {99, "SPF"},     {100, "UINFO"},    {101, "UID"},    {102, "GID"},    {103, "UNSPEC"}, {104, "UNSPECA"},
    {249, "TKEY"},   {250, "TSIG"},     {251, "IXFR"},   {252, "AXFR"},   {253, "MAILB"}, {254, "MAILA"},
    {255, "ANY"},    {256, "URI"}};
constexpr Tok kClasses[] = {{1, "IN"}, {3, "CHAOS"}, {4, "HS"}, {255, "ANY"}};
constexpr std::string_view kOpcodes[] = {"",         " inv_q",    " stat",     " op3",     " notify",   " update",
                                         " op6",      " op7",      " op8",      " updateA", " updateD", " updateDA",
                                         " updateM", " updateMA", " zoneInit", " zoneRef"};
// RCODEs 0..23 as tcpdump spells them (two without their space, as there).
constexpr std::string_view kRcodes[] = {
    "",        " FormErr", " ServFail", " NXDomain", " NotImp",  " Refused", " YXDomain", " YXRRSet",
    " NXRRSet", " NotAuth", " NotZone",  " Resp11",   " Resp12",  " Resp13",  " Resp14",   " NoChange",
    " BadVers", "Resp17",   " Resp18",   " Resp19",   " Resp20",  "Resp21",   " Resp22",   " BadCookie"};

constexpr std::uint16_t kOptEcs = 8, kOptExpire = 9, kOptCookie = 10, kOptKeepalive = 11, kOptPadding = 12,
                        kOptChain = 13, kOptKeytag = 14, kOptDau = 5, kOptDhu = 6, kOptN3u = 7;
constexpr Tok kEdnsOptions[] = {{1, "LLQ"},     {2, "UL"},         {3, "NSID"},       {5, "DAU"},
                                {6, "DHU"},     {7, "N3U"},        {8, "ECS"},        {9, "EXPIRE"},
                                {10, "COOKIE"}, {11, "KEEPALIVE"}, {12, "PADDING"},   {13, "CHAIN"},
                                {14, "KEY-TAG"}, {16, "CLIENT-TAG"}, {17, "SERVER-TAG"}};
constexpr Tok kDauAlgs[] = {{0, "DELETE"},   {1, "RSAMD5"},          {2, "DH"},
                            {3, "DS"},       {5, "RSASHA1"},         {6, "DSA-NSEC3-SHA1"},
                            {7, "RSASHA1-NSEC3-SHA1"}, {8, "RSASHA256"}, {10, "RSASHA512"},
                            {12, "ECC-GOST"}, {13, "ECDSAP256SHA256"}, {14, "ECDSAP384SHA384"},
                            {15, "ED25519"}, {16, "ED448"},          {252, "INDIRECT"},
                            {253, "PRIVATEDNS"}, {254, "PRIVATEOID"}};
constexpr Tok kDhuAlgs[] = {{1, "SHA-1"}, {2, "SHA-256"}, {3, "GOST_R_34.11-94"}, {4, "SHA-384"}};
constexpr Tok kN3uAlgs[] = {{1, "SHA-1"}};

// Label types (RFC 1035 4.1.4, RFC 6891 5): the two top bits of a length byte.
constexpr std::uint8_t kTypeMask = 0xc0, kLabel = 0x00, kExtended = 0x40, kPointer = 0xc0;
constexpr std::uint8_t kBitLabel = 0x01;  // RFC 2673 extended label type

[[noreturn]] void local_trunc(PrintCtx& p) {
  p.local_trunc = true;
  throw Truncated{};
}

// The bytes the printer walks: the message as captured (tcpdump's snapend
// is its end) and its first byte (tcpdump's bp, the compression base).
struct Msg {
  Bytes b;
  bool has(std::size_t off, std::size_t n = 1) const { return off <= b.size() && n <= b.size() - off; }
  std::uint8_t u8(std::size_t off) const { return sub(b, off, 1)[0]; }  // GET_U_1
  std::uint16_t u16(std::size_t off) const { return be16_at(b, off); }
  std::uint32_t u32(std::size_t off) const { return be32_at(b, off); }
};

// tcpdump's nd_printn: up to n characters, stopping at the capture's end;
// true when it stopped early.
bool print_n(Out& o, const Msg& m, std::size_t off, std::size_t n) {
  while (n > 0 && off < m.b.size()) {
    print_char(o, m.b[off++]);
    --n;
  }
  return n != 0;
}

// The length of the label at off (tcpdump's labellen), kNone when it cannot
// be read or has a type tcpdump rejects (saying so in the text).
std::size_t label_length(Out& o, const Msg& m, std::size_t off) {
  if (!m.has(off)) return kNone;
  std::uint8_t i = m.b[off];
  switch (i & kTypeMask) {
    case kExtended: {
      unsigned elt = i & ~kTypeMask & 0xff;
      if (elt != kBitLabel) {
        o << "<ELT ";
        o.u(elt) << '>';
        return kNone;
      }
      if (!m.has(off + 1)) return kNone;
      unsigned bits = m.b[off + 1] ? m.b[off + 1] : 256;
      return (bits + 7) / 8 + 1;
    }
    case kPointer:
    case kLabel:
      return i;
    default:
      o << "<BAD LABEL TYPE>";
      return kNone;
  }
}

// Skips a name without printing it (tcpdump's ns_nskip).
std::size_t skip_name(const Msg& m, std::size_t off) {
  if (!m.has(off)) return kNone;
  std::uint8_t i = m.b[off++];
  while (i) {
    switch (i & kTypeMask) {
      case kPointer:
        return off + 1;
      case kExtended: {
        if ((i & ~kTypeMask) != kBitLabel) return kNone;
        if (!m.has(off)) return kNone;
        unsigned bits = m.b[off] ? m.b[off] : 256;
        off += 1 + (bits + 7) / 8;
        break;
      }
      case kLabel:
        off += i;
        break;
      default:
        return kNone;
    }
    if (!m.has(off)) return kNone;
    i = m.b[off++];
  }
  return off;
}

// An RFC 2673 bit-string label as \[xHEX/bits] (tcpdump's blabel_print);
// off is at the bit count.
std::size_t print_bit_label(Out& o, const Msg& m, std::size_t off) {
  if (!m.has(off)) return kNone;
  unsigned bits = m.b[off] ? m.b[off] : 256;
  std::size_t lim = off + 1 + (bits + 3) / 4;
  o << "\\[x";
  std::size_t at = off + 1;
  unsigned b = bits;
  for (; at < lim && b > 7; b -= 8, ++at) o.hex(m.u8(at), 2);
  if (b > 4) {
    std::uint8_t tc = m.u8(at);
    o.hex(tc & (0xffu << (8 - b)) & 0xff, 2);
  } else if (b > 0) {
    std::uint8_t tc = m.u8(at);
    o.hex(((tc >> 4) & 0x0fu) & (0x0fu << (4 - b)), 1);
  }
  o << "/";
  o.u(bits) << ']';
  return lim;
}

// Prints the name at off, following compression pointers relative to base
// (tcpdump's fqdn_print). Returns the offset after the name as it sits at
// off, kNone when the walk failed.
std::size_t print_name(Out& o, const Msg& m, std::size_t off, std::size_t base = 0) {
  std::size_t l = label_length(o, m, off);
  if (l == kNone) return kNone;
  if (!m.has(off)) return kNone;
  // tcpdump computes this as an unsigned difference: for EDNS CHAIN the
  // base lies after the name and the bound wraps to "anything".
  auto max_offset = static_cast<std::uint32_t>(off - base);
  std::uint8_t i = m.b[off++];
  std::size_t rp = kNone;
  bool compressed = false;
  if ((i & kTypeMask) != kPointer) rp = off + l;
  if (i == 0) {
    o << '.';
    return rp;
  }
  unsigned name_chars = 0;
  unsigned steps = 0;
  while (i && off < m.b.size()) {
    if (++steps > kMaxNameSteps) {
      o << "<LOOP>";
      return kNone;
    }
    switch (i & kTypeMask) {
      case kPointer: {
        if (!compressed) {
          rp = off + 1;
          compressed = true;
        }
        if (!m.has(off)) return kNone;
        std::uint32_t target = ((std::uint32_t(i) << 8) | m.b[off]) & 0x3fff;
        if (target >= max_offset) {
          o << "<BAD PTR>";
          return kNone;
        }
        max_offset = target;
        off = base + target;
        if (!m.has(off)) return kNone;
        i = m.b[off];
        l = label_length(o, m, off);
        if (l == kNone) return kNone;
        ++off;
        continue;
      }
      case kExtended:
        if ((i & ~kTypeMask) == kBitLabel) {
          if (print_bit_label(o, m, off) == kNone) return kNone;
        } else {
          o << "<ELT ";
          o.u(i & ~kTypeMask & 0xff) << '>';
          return kNone;
        }
        break;
      case kLabel:
        if (name_chars + l <= kMaxName) {
          if (print_n(o, m, off, l)) return kNone;
        } else if (name_chars < kMaxName) {
          if (print_n(o, m, off, kMaxName - name_chars)) return kNone;
        }
        name_chars += static_cast<unsigned>(l);
        break;
      default:
        o << "<BAD LABEL TYPE>";
        return kNone;
    }
    off += l;
    if (name_chars <= kMaxName) o << '.';
    ++name_chars;
    if (!m.has(off)) return kNone;
    i = m.b[off];
    l = label_length(o, m, off);
    if (l == kNone) return kNone;
    ++off;
    if (!compressed) rp += l + 1;
  }
  if (name_chars > kMaxName) o << "<DOMAIN NAME TOO LONG>";
  return rp;
}

// A <character-string> (tcpdump's ns_cprint).
std::size_t print_cstring(Out& o, const Msg& m, std::size_t off) {
  if (!m.has(off)) return kNone;
  std::uint8_t n = m.b[off++];
  if (print_n(o, m, off, n)) return kNone;
  return off + n;
}

void print_invalid(Out& o) { o << " (invalid)"; }

// RFC 7871 6: family, source and scope prefix lengths, the address cut to
// the source prefix.
void print_ecs(Out& o, const Msg& m, std::size_t off, std::size_t len) {
  if (len < 4) return print_invalid(o);
  std::uint16_t family = m.u16(off);
  std::uint8_t src = m.u8(off + 2), scope = m.u8(off + 3);
  unsigned bits;
  if (family == 1) bits = 32;
  else if (family == 2) bits = 128;
  else return print_invalid(o);
  if (len - 4 > bits / 8) return print_invalid(o);
  if (src > bits || scope > bits || (src + 7u) / 8 != len - 4) return print_invalid(o);
  std::uint8_t padded[16] = {};
  Bytes a = sub(m.b, off + 4, len - 4);
  std::copy(a.begin(), a.end(), padded);
  if (family == 1) o.ip4(Bytes(padded, 4));
  else o.ip6(Bytes(padded, 16));
  o << '/';
  o.u(src) << '/';
  o.u(scope);
}

void print_alg_list(Out& o, const Msg& m, std::size_t off, std::size_t len, std::span<const Tok> table) {
  for (std::size_t k = 0; k < len; ++k) {
    if (k > 0) o << ' ';
    tok_print(o, table, m.u8(off + k), "Alg_");
  }
}

// One EDNS option (tcpdump's eopt_print).
std::size_t print_edns_option(Out& o, const Msg& m, std::size_t off) {
  if (!m.has(off, 2)) return kNone;
  std::uint16_t code = m.u16(off);
  off += 2;
  tok_print(o, kEdnsOptions, code, "Opt");
  if (!m.has(off, 2)) return kNone;
  std::uint16_t len = m.u16(off);
  off += 2;
  if (!m.has(off, len)) return kNone;
  if (len > 0) {
    o << ' ';
    switch (code) {
      case kOptEcs:
        print_ecs(o, m, off, len);
        break;
      case kOptCookie:
        if (len < 8 || (len > 8 && len < 16) || len > 40) {
          print_invalid(o);
        } else {
          for (std::size_t k = 0; k < len; ++k) {
            if (k == 8) o << ' ';  // client cookie, then server cookie
            o.hex(m.u8(off + k), 2);
          }
        }
        break;
      case kOptKeepalive:
        if (len != 2) {
          print_invalid(o);
        } else {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%0.1f sec", m.u16(off) / 10.0);  // units of 100 ms
          o << buf;
        }
        break;
      case kOptExpire:
        if (len != 4) {
          print_invalid(o);
        } else {
          o.u(m.u32(off)) << " sec";
        }
        break;
      case kOptPadding:
        o << '(';
        o.u(len) << ')';
        break;
      case kOptKeytag:
        if (len % 2 != 0) {
          print_invalid(o);
        } else {
          for (std::size_t k = 0; k < len; k += 2) {
            if (k > 0) o << ' ';
            o.u(m.u16(off + k));
          }
        }
        break;
      case kOptDau:
        print_alg_list(o, m, off, len, kDauAlgs);
        break;
      case kOptDhu:
        print_alg_list(o, m, off, len, kDhuAlgs);
        break;
      case kOptN3u:
        print_alg_list(o, m, off, len, kN3uAlgs);
        break;
      case kOptChain:
        print_name(o, m, off, off + len);  // tcpdump passes the option's end as the base
        break;
      default:  // NSID and the rest: bytes
        for (std::size_t k = 0; k < len; ++k) o.hex(m.u8(off + k), 2);
        break;
    }
  }
  return off + len;
}

// One question (tcpdump's ns_qprint).
std::size_t print_question(Out& o, const Msg& m, std::size_t off, bool mdns) {
  std::size_t name = off;
  off = skip_name(m, off);
  if (off == kNone || !m.has(off, 4)) return kNone;
  std::uint16_t type = m.u16(off);
  o << ' ';
  tok_print(o, kTypes, type, "Type");
  std::uint16_t cls = m.u16(off + 2);
  std::uint16_t klass = mdns ? (cls & 0x7fff) : cls;
  if (klass != 1) {
    o << ' ';
    tok_print(o, kClasses, klass, "(Class ", ")");
  }
  if (mdns) o << ((cls & 0x8000) ? " (QU)" : " (QM)");
  o << "? ";
  std::size_t end = print_name(o, m, name);
  return end == kNone ? kNone : end + 4;
}

// The TTL as tcpdump's ns_nprint at -vvv: years down to seconds, only the
// units that are non-zero, "0s" for zero.
void print_ttl(Out& o, std::uint32_t ttl) {
  o << " [";
  static constexpr std::pair<std::uint32_t, char> kUnits[] = {
      {31536000, 'y'}, {604800, 'w'}, {86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  if (ttl == 0) o << "0s";
  for (auto [unit, name] : kUnits) {
    if (ttl < unit) continue;
    o.u(ttl / unit) << name;
    ttl %= unit;
  }
  o << ']';
}

// A record's fixed part once its owner name has been dealt with: what the
// RDATA printers need to know about it.
struct Rr {
  std::uint16_t type = 0;
  std::uint16_t klass = 0;      // for OPT, the UDP payload size
  std::uint16_t opt_flags = 0;  // OPT only: the TTL field's low half
  std::uint16_t len = 0;        // RDLENGTH
  std::size_t data = 0;         // where RDATA starts
  std::size_t end = 0;          // where RDATA ends as RDLENGTH says
};

// Prints class, cache-flush bit, TTL and type in tcpdump's order and reads
// the rest into an Rr. The caller has checked the ten fixed bytes are there.
Rr print_rr_fixed(PrintCtx& p, const Msg& m, std::size_t off, bool mdns) {
  Out& o = p.o;
  Rr rr;
  rr.type = m.u16(off);
  std::uint16_t cls = m.u16(off + 2);
  rr.klass = mdns ? (cls & 0x7fff) : cls;
  off += 4;
  if (rr.klass != 1 && rr.type != kTypeOpt) {
    o << ' ';
    tok_print(o, kClasses, rr.klass, "(Class ", ")");
  }
  if (mdns && (cls & 0x8000)) o << " (Cache flush)";
  if (rr.type == kTypeOpt) {
    rr.opt_flags = m.u16(off + 2);  // RFC 6891 6.1.3: extended RCODE, version, then DO
  } else if (p.opt.verbose > 2) {
    print_ttl(o, m.u32(off));
  }
  off += 4;
  rr.len = m.u16(off);
  rr.data = off + 2;
  rr.end = rr.data + rr.len;
  o << ' ';
  tok_print(o, kTypes, rr.type, "Type");
  return rr;
}

// The RDATA printers below return false when the data runs past the
// capture, which the caller turns into truncation; what they print up to
// that point stays, as in tcpdump.

// SOA: both names at -v and above, then serial, refresh, retry, expire, minimum.
bool print_soa(Out& o, const Msg& m, std::size_t off, int v) {
  if (!v) return true;
  o << ' ';
  off = print_name(o, m, off);
  if (off == kNone) return false;
  o << ' ';
  off = print_name(o, m, off);
  if (off == kNone) return false;
  if (!m.has(off, 20)) return false;
  for (int k = 0; k < 5; ++k) {
    o << ' ';
    o.u(m.u32(off + 4 * k));
  }
  return true;
}

// MX: exchange name, then preference (tcpdump's order).
bool print_mx(Out& o, const Msg& m, std::size_t off) {
  o << ' ';
  if (!m.has(off, 2)) return false;
  if (print_name(o, m, off + 2) == kNone) return false;
  o << ' ';
  o.u(m.u16(off));
  return true;
}

// SRV: target:port, then priority and weight.
bool print_srv(Out& o, const Msg& m, std::size_t off) {
  o << ' ';
  if (!m.has(off, 6)) return false;
  if (print_name(o, m, off + 6) == kNone) return false;
  o << ':';
  o.u(m.u16(off + 4)) << ' ';  // port, priority, weight
  o.u(m.u16(off)) << ' ';
  o.u(m.u16(off + 2));
  return true;
}

// TXT: each character-string quoted, until RDLENGTH is used up.
bool print_txt(Out& o, const Msg& m, std::size_t off, std::size_t end) {
  while (off < end) {
    o << " \"";
    off = print_cstring(o, m, off);
    if (off == kNone) return false;
    o << '"';
  }
  return true;
}

// A6 (RFC 2874): prefix length, the address suffix padded out to sixteen
// bytes, and the prefix name when the prefix is not empty.
bool print_a6(Out& o, const Msg& m, std::size_t off) {
  if (!m.has(off)) return false;
  unsigned pbit = m.b[off];
  unsigned pbyte = (pbit & ~7u) / 8;
  if (pbit > 128) {
    o << ' ';
    o.u(pbit) << "(bad plen)";
    return true;
  }
  if (pbit < 128) {
    std::uint8_t a[16] = {};
    Bytes suffix = sub(m.b, off + 1, 16 - pbyte);
    std::copy(suffix.begin(), suffix.end(), a + pbyte);
    o << ' ';
    o.u(pbit) << ' ';
    o.ip6(Bytes(a, 16));
  }
  if (pbit > 0) {
    o << ' ';
    if (print_name(o, m, off + 1 + 16 - pbyte) == kNone) return false;
  }
  return true;
}

// URI (RFC 7553): priority, weight, target.
bool print_uri(Out& o, const Msg& m, std::size_t off, std::uint16_t len) {
  if (!m.has(off, len)) return false;
  // Both read before either is printed, as tcpdump's one ND_PRINT does
  // (a record shorter than 4 bytes ends the line right after "URI").
  std::uint16_t priority = m.u16(off), weight = m.u16(off + 2);
  o << ' ';
  o.u(priority) << ' ';
  o.u(weight) << ' ';
  return !print_n(o, m, off + 4, static_cast<std::uint32_t>(len - 4u));
}

// OPT (RFC 6891): the class field is the UDP payload size; the options
// follow in brackets.
bool print_opt(Out& o, const Msg& m, const Rr& rr) {
  o << " UDPsize=";
  o.u(rr.klass);
  if (rr.opt_flags & 0x8000) o << " DO";
  std::size_t off = rr.data;
  if (off < rr.end) {
    o << " [";
    while (off < rr.end) {
      off = print_edns_option(o, m, off);
      if (off == kNone) return false;
      if (off < rr.end) o << ',';
    }
    o << ']';
  }
  return true;
}

// TSIG (RFC 8945): algorithm name, then the 16-bit fields, skipping the
// time signed and the MAC itself (whose length is one of those fields).
bool print_tsig(Out& o, const Msg& m, const Rr& rr, int v) {
  if (rr.data + rr.len > m.b.size()) return false;
  if (!v) return true;
  o << ' ';
  std::size_t off = print_name(o, m, rr.data);
  if (off == kNone) return false;
  off += 6;  // time signed
  constexpr std::string_view kFields[] = {" fudge=", " maclen=", " origid=", " error=", " otherlen="};
  for (std::size_t k = 0; k < 5; ++k) {
    if (!m.has(off, 2)) return false;
    std::uint16_t val = m.u16(off);
    o << kFields[k];
    o.u(val);
    off += 2;
    if (k == 1) off += val;  // the MAC itself
  }
  return true;
}

// RDATA by type; types tcpdump does not decode print nothing.
bool print_rdata(Out& o, const Msg& m, const Rr& rr, int v) {
  const std::size_t off = rr.data;
  switch (rr.type) {
    case kTypeA:
      if (!m.has(off, 4)) return false;
      o << ' ';
      o.ip4(sub(m.b, off, 4));
      return true;
    case kTypeNs:
    case kTypeCname:
    case kTypePtr:
    case kTypeDname:
      o << ' ';
      return print_name(o, m, off) != kNone;
    case kTypeSoa: return print_soa(o, m, off, v);
    case kTypeMx: return print_mx(o, m, off);
    case kTypeTxt: return print_txt(o, m, off, rr.end);
    case kTypeSrv: return print_srv(o, m, off);
    case kTypeAaaa:
      if (!m.has(off, 16)) return false;
      o << ' ';
      o.ip6(sub(m.b, off, 16));
      return true;
    case kTypeA6: return print_a6(o, m, off);
    case kTypeUri: return print_uri(o, m, off, rr.len);
    case kTypeOpt: return print_opt(o, m, rr);
    case kTypeUnspecA: return m.has(off, rr.len) && !print_n(o, m, off, rr.len);
    case kTypeTsig: return print_tsig(o, m, rr, v);
    default: return true;
  }
}

// One resource record (tcpdump's ns_rprint). Returns the offset after the
// record's data as its length says, the message's end when the fixed part
// is missing, kNone on truncation.
std::size_t print_record(PrintCtx& p, const Msg& m, std::size_t off, bool mdns) {
  Out& o = p.o;
  const int v = p.opt.verbose;
  if (v) {
    o << ' ';
    off = print_name(o, m, off);
    if (off == kNone) return kNone;
  } else {
    off = skip_name(m, off);
  }
  if (off == kNone || !m.has(off, 10)) return m.b.size();
  const Rr rr = print_rr_fixed(p, m, off, mdns);
  if (rr.end > m.b.size()) return kNone;
  return print_rdata(o, m, rr, v) ? rr.end : kNone;
}

// A section of count records after its label (" ns:", " ar:", or nothing
// for the answers); tcpdump stops early at the capture's end and reports
// what is left as truncation.
void print_section(PrintCtx& p, const Msg& m, std::size_t& off, unsigned count, std::string_view label,
                   bool check_first, bool mdns) {
  if (count && (!check_first || off < m.b.size())) {
    p.o << label;
    off = print_record(p, m, off, mdns);
    if (off == kNone) local_trunc(p);
    --count;
    while (off < m.b.size() && count) {
      p.o << ',';
      off = print_record(p, m, off, mdns);
      if (off == kNone) local_trunc(p);
      --count;
    }
  }
  if (count) local_trunc(p);
}

// The RCODE with RFC 6891's upper eight bits from the first OPT record of
// the additional section (tcpdump skips to it before printing anything).
unsigned full_rcode(const Msg& m, unsigned qd, unsigned an, unsigned ns, unsigned ar, unsigned rcode) {
  std::size_t off = kHeader;
  const std::size_t end = m.b.size();
  for (unsigned k = 0; k < qd; ++k) {
    if ((off = skip_name(m, off)) == kNone) return rcode;
    off += 4;
    if (off >= end) return rcode;
  }
  for (unsigned k = 0; k < an + ns; ++k) {
    if ((off = skip_name(m, off)) == kNone) return rcode;
    off += 8;
    if (off + 2 > end) return rcode;
    off += 2 + m.u16(off);
    if (off >= end) return rcode;
  }
  for (unsigned k = 0; k < ar; ++k) {
    if ((off = skip_name(m, off)) == kNone) return rcode;
    if (off + 2 > end) return rcode;
    std::uint16_t type = m.u16(off);
    off += 4;
    if (off + 1 > end) return rcode;
    if (type == kTypeOpt) return rcode | (unsigned(m.u8(off)) << 4);
    off += 4;
    if (off + 2 > end) return rcode;
    off += 2 + m.u16(off);
    if (off >= end) return rcode;
  }
  return rcode;
}

void print_rcode(Out& o, unsigned rcode) {
  if (rcode < std::size(kRcodes)) {
    o << kRcodes[rcode];
  } else {
    o << " Resp";
    o.u(rcode & 0xfff);
  }
}

// The header's fields that both the query and the response lines use.
struct Header {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  unsigned qd = 0, an = 0, ns = 0, ar = 0;  // section counts
  unsigned opcode = 0;
};

// DNS over TCP (RFC 1035 4.2.2): checks the two-byte length prefix against
// the segment's length and strips it. False once the problem is printed.
bool strip_tcp_prefix(Out& o, Bytes& bytes, std::uint32_t& length) {
  if (length < 2) {
    o << " [DNS over TCP: length ";
    o.u(length) << " < 2]";
    print_invalid(o);
    return false;
  }
  length -= 2;
  std::uint16_t prefix = be16_at(bytes, 0);
  if (prefix != length) {
    o << " [prefix length(";
    o.u(prefix) << ") != length(";
    o.u(length) << ")]";
    print_invalid(o);
    return false;
  }
  bytes = bytes.subspan(2);
  o << ' ';
  return true;
}

// Answer, authority and additional sections; the first two only from -vv
// on in a query, the last two only from -vv on in a response.
void print_sections(PrintCtx& p, const Msg& m, std::size_t& off, const Header& h, bool mdns, bool answers) {
  if (answers) print_section(p, m, off, h.an, "", false, mdns);
  if (p.opt.verbose > 1) {
    print_section(p, m, off, h.ns, " ns:", true, mdns);
    print_section(p, m, off, h.ar, " ar:", true, mdns);
  }
}

// A response: id, opcode, RCODE, flag marks, questions (shown from -vv
// on, skipped otherwise), counts, then the sections.
void print_response(PrintCtx& p, const Msg& m, const Header& h, bool mdns) {
  Out& o = p.o;
  std::size_t off = kHeader;
  unsigned rcode = full_rcode(m, h.qd, h.an, h.ns, h.ar, h.flags & 0xf);
  o.u(h.id) << kOpcodes[h.opcode];
  print_rcode(o, rcode);
  if (h.flags & 0x0400) o << '*';    // AA
  if (!(h.flags & 0x0080)) o << '-';  // no RA
  if (h.flags & 0x0200) o << '|';    // TC
  if (h.flags & 0x0020) o << '$';    // AD
  if (h.qd != 1) {
    o << " [";
    o.u(h.qd) << "q]";
  }
  for (unsigned k = 0; k < h.qd; ++k) {
    if (k != 0) o << ',';
    if (p.opt.verbose > 1) {
      o << " q:";
      off = print_question(o, m, off, mdns);
      if (off == kNone) local_trunc(p);
    } else {
      off = skip_name(m, off);
      if (off == kNone) local_trunc(p);
      off += 4;
    }
  }
  o << ' ';
  o.u(h.an) << '/';
  o.u(h.ns) << '/';
  o.u(h.ar);
  print_section(p, m, off, h.an, "", false, mdns);
  print_sections(p, m, off, h, mdns, false);
}

// A query's id, opcode, RD/CD marks, stray flag bits and the counts that
// differ from what a query normally carries.
void print_query_header(Out& o, const Header& h) {
  o.u(h.id) << kOpcodes[h.opcode];
  if (h.flags & 0x0100) o << '+';  // RD
  if (h.flags & 0x0010) o << '%';  // CD
  if (h.flags & 0x06cf) {          // bits a query should not have set
    o << " [b2&3=0x";
    o.hex(h.flags) << ']';
  }
  auto count = [&](unsigned n, std::string_view suffix) {
    o << " [";
    o.u(n) << suffix;
  };
  if (h.opcode == 1) {  // IQUERY (RFC 1035 6.4, obsolete): one answer, no question
    if (h.qd) count(h.qd, "q]");
    if (h.an != 1) count(h.an, "a]");
  } else {
    if (h.an) count(h.an, "a]");
    if (h.qd != 1) count(h.qd, "q]");
  }
  if (h.ns) count(h.ns, "n]");
  if (h.ar) count(h.ar, "au]");
}

// A query: the header part, every question (stopping at the capture's
// end, which counts as truncation), then the sections from -vv on.
void print_query(PrintCtx& p, const Msg& m, const Header& h, bool mdns) {
  Out& o = p.o;
  std::size_t off = kHeader;
  print_query_header(o, h);
  unsigned qd = h.qd;
  if (qd) {
    off = print_question(o, m, off, mdns);
    if (off == kNone) local_trunc(p);
    --qd;
    while (off < m.b.size() && qd) {
      off = print_question(o, m, off, mdns);
      if (off == kNone) local_trunc(p);
      --qd;
    }
  }
  if (qd) local_trunc(p);
  if (p.opt.verbose > 1) print_sections(p, m, off, h, mdns, true);
}

void push_dns(Ctx& c, ByteReader r, std::uint32_t length, bool tcp, bool mdns) {
  c.d.trunc_proto = "domain";
  auto& d = c.d.push<DnsL>();
  d.msg = r.rest();
  d.length = length;
  d.tcp = tcp;
  d.mdns = mdns;
  if (d.msg.size() < length) c.d.last()->status = Status::Truncated;
}

}  // namespace

void decode_dns(Ctx& c, ByteReader r, std::uint32_t length) { push_dns(c, r, length, false, false); }
void decode_mdns(Ctx& c, ByteReader r, std::uint32_t length) { push_dns(c, r, length, false, true); }
void decode_dns_tcp(Ctx& c, ByteReader r, std::uint32_t length) { push_dns(c, r, length, true, false); }

void print_dns(PrintCtx& p, std::size_t i) {
  p.proto = "domain";
  const auto& d = at<DnsL>(p.d, i);
  Out& o = p.o;
  Bytes bytes = d.msg;
  std::uint32_t length = d.length;
  if (d.tcp && !strip_tcp_prefix(o, bytes, length)) return;
  const Msg m{bytes};
  if (length < kHeader) {
    o << "domain [length ";
    o.u(length) << " < 12]";
    return print_invalid(o);
  }
  if (!m.has(0, kHeader)) local_trunc(p);
  Header h;
  h.id = m.u16(0);
  h.flags = m.u16(2);
  h.qd = m.u16(4);
  h.an = m.u16(6);
  h.ns = m.u16(8);
  h.ar = m.u16(10);
  h.opcode = (h.flags >> 11) & 0xf;
  if (h.flags & 0x8000) {
    print_response(p, m, h, d.mdns);
  } else {
    print_query(p, m, h, d.mdns);
  }
  o << " (";
  o.u(length) << ')';
}

}  // namespace netlab::proto

namespace netlab::proto {

namespace {

// Text of captured bytes for JSON: printable ASCII kept, the rest as
// tcpdump shows it (^X, M-x), so every value is valid JSON text.
void printable_into(std::string& s, Bytes b) {
  Out o(s);
  for (std::uint8_t c : b) print_char(o, c);
}

// A name in presentation form ("www.example.com.", "." for the root),
// following compression pointers backwards only (RFC 1035 4.1.4; a pointer
// that does not point before the previous one ends the name, so the walk
// always ends). Returns false when the name is cut, malformed or loops;
// end is the offset after the name where it sits.
bool read_name(Bytes msg, std::size_t off, std::string& name, std::size_t& end) {
  std::size_t limit = off;  // pointers must go below this
  bool jumped = false;
  for (unsigned steps = 0; steps < kMaxNameSteps; ++steps) {
    if (off >= msg.size()) return false;
    std::uint8_t len = msg[off];
    if ((len & kTypeMask) == kPointer) {
      if (off + 1 >= msg.size()) return false;
      std::size_t target = ((std::size_t(len) << 8) | msg[off + 1]) & 0x3fff;
      if (!jumped) end = off + 2;
      jumped = true;
      if (target >= limit) return false;
      limit = target;
      off = target;
      continue;
    }
    if ((len & kTypeMask) != kLabel) return false;  // extended and reserved labels: not decoded
    if (len == 0) {
      if (!jumped) end = off + 1;
      if (name.empty()) name.push_back('.');  // the root
      return true;
    }
    if (off + 1 + len > msg.size()) return false;
    printable_into(name, msg.subspan(off + 1, len));
    name += '.';
    if (name.size() > 4 * kMaxName) return false;
    off += 1 + len;
  }
  return false;
}

void json_record_data(JsonWriter& w, Bytes msg, std::uint16_t type, std::size_t off, std::size_t len) {
  Bytes rd = msg.subspan(off, len);
  std::string name;
  std::size_t end = 0;
  auto name_member = [&](std::string_view key, std::size_t at) {
    name.clear();
    if (read_name(msg, at, name, end) && end <= off + len) {
      w.member(key, name);
      return true;
    }
    return false;
  };
  switch (type) {
    case kTypeA:
      if (len == 4) return w.member("data", ip4_text(rd));
      break;
    case kTypeAaaa:
      if (len == 16) return w.member("data", ip6_text(rd));
      break;
    case kTypeNs:
    case kTypeCname:
    case kTypePtr:
    case kTypeDname:
      if (name_member("data", off)) return;
      break;
    case kTypeMx:
      if (len >= 3) {
        w.key("data");
        w.begin_object();
        w.member("preference", be16_at(rd, 0));
        name_member("exchange", off + 2);
        return w.end_object();
      }
      break;
    case kTypeSrv:
      if (len >= 7) {
        w.key("data");
        w.begin_object();
        w.member("priority", be16_at(rd, 0));
        w.member("weight", be16_at(rd, 2));
        w.member("port", be16_at(rd, 4));
        name_member("target", off + 6);
        return w.end_object();
      }
      break;
    case kTypeSoa: {
      name.clear();
      std::string mname;
      std::size_t after = 0;
      if (!read_name(msg, off, mname, after)) break;
      std::string rname;
      if (!read_name(msg, after, rname, after) || after + 20 > off + len) break;
      w.key("data");
      w.begin_object();
      w.member("mname", mname);
      w.member("rname", rname);
      constexpr std::string_view kKeys[] = {"serial", "refresh", "retry", "expire", "minimum"};
      for (std::size_t k = 0; k < 5; ++k) w.member(kKeys[k], be32_at(msg, after + 4 * k));
      return w.end_object();
    }
    case kTypeTxt: {
      std::vector<std::string> strings;
      for (std::size_t k = 0; k < rd.size();) {
        std::size_t n = rd[k];
        if (k + 1 + n > rd.size()) return w.member("data_hex", hex_text(rd));
        std::string s;
        printable_into(s, rd.subspan(k + 1, n));
        strings.push_back(std::move(s));
        k += 1 + n;
      }
      w.key("data");
      return w.value(strings);
    }
    default:
      break;
  }
  w.member("data_hex", hex_text(rd));
}

// RFC 6891 6.1.2: the OPT record's class is the UDP payload size and its
// TTL the extended RCODE, version and flags.
void json_opt(JsonWriter& w, Bytes msg, std::uint16_t cls, std::uint32_t ttl, std::size_t off, std::size_t len) {
  w.member("udp_size", cls);
  w.member("extended_rcode", ttl >> 24);
  w.member("version", (ttl >> 16) & 0xff);
  w.member("do", (ttl & 0x8000) != 0);
  w.key("options");
  w.begin_array();
  for (std::size_t k = off; k + 4 <= off + len;) {
    std::uint16_t code = be16_at(msg, k), olen = be16_at(msg, k + 2);
    w.begin_object();
    w.member("code", code);
    if (auto n = tok_name(kEdnsOptions, code); !n.empty()) w.member("name", n);
    if (k + 4 + olen > off + len) {
      w.member("truncated", true);
      w.end_object();
      break;
    }
    w.member("data_hex", hex_text(msg.subspan(k + 4, olen)));
    w.end_object();
    k += 4 + olen;
  }
  w.end_array();
}

// One section as an array of records; false when the message ended inside
// it (the last object says so) and the later sections cannot be found.
bool json_section(JsonWriter& w, Bytes msg, std::size_t& off, std::string_view key, unsigned count, bool question,
                  bool mdns) {
  w.key(key);
  w.begin_array();
  bool ok = true;
  for (unsigned k = 0; k < count; ++k) {
    w.begin_object();
    std::string name;
    std::size_t end = 0;
    const std::size_t fixed = question ? 4 : 10;
    if (!read_name(msg, off, name, end) || end + fixed > msg.size()) {
      if (!name.empty() && name != ".") w.member("name", name);
      w.member("truncated", true);
      w.end_object();
      ok = false;
      break;
    }
    w.member("name", name);
    std::uint16_t type = be16_at(msg, end), cls = be16_at(msg, end + 2);
    w.member("type", type);
    if (auto n = tok_name(kTypes, type); !n.empty()) w.member("type_name", n);
    if (type != kTypeOpt || question) {
      std::uint16_t klass = mdns ? (cls & 0x7fff) : cls;
      w.member("class", klass);
      if (auto n = tok_name(kClasses, klass); !n.empty()) w.member("class_name", n);
      if (mdns) w.member(question ? "unicast_response" : "cache_flush", (cls & 0x8000) != 0);
    }
    off = end + fixed;
    if (!question) {
      std::uint32_t ttl = be32_at(msg, end + 4);
      std::uint16_t rdlen = be16_at(msg, end + 8);
      if (type != kTypeOpt) w.member("ttl", ttl);
      w.member("rdlength", rdlen);
      if (off + rdlen > msg.size()) {
        w.member("truncated", true);
        w.end_object();
        ok = false;
        break;
      }
      if (type == kTypeOpt) json_opt(w, msg, cls, ttl, off, rdlen);
      else json_record_data(w, msg, type, off, rdlen);
      off += rdlen;
    }
    w.end_object();
  }
  w.end_array();
  return ok;
}

}  // namespace

void json_dns(JsonWriter& w, const DnsL& l) {
  w.member("layer", l.mdns ? "mdns" : "dns");
  w.member("length", l.length);
  Bytes msg = l.msg;
  if (l.tcp) {
    w.member("transport", "tcp");
    if (msg.size() < 2) return;
    w.member("prefix_length", be16_at(msg, 0));
    msg = msg.subspan(2);
  }
  if (msg.size() < kHeader) return;
  const std::uint16_t flags = be16_at(msg, 2);
  w.member("id", be16_at(msg, 0));
  w.member("response", (flags & 0x8000) != 0);
  w.key("flags");
  w.begin_object();
  w.member("opcode", (flags >> 11) & 0xf);
  w.member("aa", (flags & 0x0400) != 0);
  w.member("tc", (flags & 0x0200) != 0);
  w.member("rd", (flags & 0x0100) != 0);
  w.member("ra", (flags & 0x0080) != 0);
  w.member("ad", (flags & 0x0020) != 0);
  w.member("cd", (flags & 0x0010) != 0);
  w.end_object();
  const unsigned qd = be16_at(msg, 4), an = be16_at(msg, 6), ns = be16_at(msg, 8), ar = be16_at(msg, 10);
  unsigned rcode = full_rcode(Msg{msg}, qd, an, ns, ar, flags & 0xf);
  w.member("rcode", rcode);
  if (rcode < std::size(kRcodes) && rcode > 0) {
    std::string_view n = kRcodes[rcode];
    w.member("rcode_name", n.substr(n.find_first_not_of(' ')));
  } else if (rcode == 0) {
    w.member("rcode_name", "NoError");
  }
  w.member("qdcount", qd);
  w.member("ancount", an);
  w.member("nscount", ns);
  w.member("arcount", ar);
  std::size_t off = kHeader;
  if (!json_section(w, msg, off, "questions", qd, true, l.mdns)) return;
  if (!json_section(w, msg, off, "answers", an, false, l.mdns)) return;
  if (!json_section(w, msg, off, "authority", ns, false, l.mdns)) return;
  json_section(w, msg, off, "additional", ar, false, l.mdns);
}

}  // namespace netlab::proto
