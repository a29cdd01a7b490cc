// Babel: the Babel routing protocol, RFC 6126 (and its successor RFC 8966,
// from draft-ietf-babel-rfc6126bis), with the TLVs of the extensions
// tcpdump 4.99.3 knows: timestamp/packet-counter and HMAC (RFC 7298), the
// diversity and timestamp sub-TLVs (RFC 7557, babel-rtt), source-specific
// routing (draft-boutier-babel-source-specific) and the MAC, PC and
// challenge TLVs of draft-ietf-babel-hmac. UDP ports 6696 and 6697 (the
// old one). The text follows tcpdump 4.99.3's print-babel.c: "babel 2
// (24) hello ihu" at -n, one line a TLV from -v ("\n\tHello seqno 3348
// interval 4.00s"), the packet trailer after " |" or "\n\t----". A TLV past
// the body or the UDP length is " (invalid)", one not captured whole
// " [|babel]".
#include "proto/proto.hpp"

#include <array>
#include <cstdio>
#include <cstring>

namespace netlab::proto {
namespace {

constexpr std::uint8_t kMagic = 42;
constexpr std::size_t kHeader = 4;

enum : std::uint8_t {
  kPad1 = 0,
  kPadN = 1,
  kAckReq = 2,
  kAck = 3,
  kHello = 4,
  kIhu = 5,
  kRouterId = 6,
  kNextHop = 7,
  kUpdate = 8,
  kRouteRequest = 9,
  kSeqnoRequest = 10,
  kTsPc = 11,
  kHmac = 12,
  kSsUpdate = 13,
  kSsRequest = 14,
  kSsMhRequest = 15,
  kMac = 16,
  kPc = 17,
  kChallengeRequest = 18,
  kChallengeReply = 19,
};

// The words of the -n line (tcpdump prints " unknown" for any other type).
constexpr Tok kShortNames[] = {
    {kPad1, "pad1"},          {kPadN, "padN"},
    {kAckReq, "ack-req"},     {kAck, "ack"},
    {kHello, "hello"},        {kIhu, "ihu"},
    {kRouterId, "router-id"}, {kNextHop, "nh"},
    {kUpdate, "update"},      {kRouteRequest, "route-request"},
    {kSeqnoRequest, "seqno-request"}, {kTsPc, "tspc"},
    {kHmac, "hmac"},          {kSsUpdate, "ss-update"},
    {kSsRequest, "ss-request"}, {kSsMhRequest, "ss-mh-request"},
    {kMac, "mac"},            {kPc, "pc"},
    {kChallengeRequest, "challenge_request"}, {kChallengeReply, "challenge_reply"},
};
// The label that starts a TLV's -v line (its trailing space as tcpdump's).
constexpr Tok kLongNames[] = {
    {kAckReq, "Acknowledgment Request "},
    {kAck, "Acknowledgment "},
    {kHello, "Hello "},
    {kIhu, "IHU "},
    {kRouterId, "Router Id"},
    {kNextHop, "Next Hop"},
    {kUpdate, "Update"},
    {kRouteRequest, "Route Request "},
    {kSeqnoRequest, "Seqno Request "},
    {kTsPc, "TS/PC "},
    {kHmac, "HMAC "},
    {kSsUpdate, "SS-Update"},
    {kSsRequest, "SS-Request "},
    {kSsMhRequest, "SS-MH-Request "},
    {kMac, "MAC "},
    {kPc, "PC"},
    {kChallengeRequest, "Challenge Request"},
    {kChallengeReply, "Challenge Reply"},
};
// Sub-TLVs (RFC 7557 4, babel-rtt 3.1) and the diversity channels.
enum : std::uint8_t { kSubPad1 = 0, kSubPadN = 1, kSubDiversity = 2, kSubTimestamp = 3 };
constexpr std::uint8_t kMandatory = 0x80;
constexpr Tok kChannels[] = {{0, "reserved"}, {255, "all"}};
// Address encodings (RFC 6126 4.1.5): 0 wildcard, 1 IPv4, 2 IPv6, 3 link-local IPv6.
using Addr = std::array<std::uint8_t, 16>;
constexpr Addr kV4Mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0};

// The prefix an AE, a prefix length (-1: a whole address) and `omitted`
// leading bytes taken from `prev` (the last Update's prefix) encode, read
// from `p` (`len` bytes left in the TLV): the bytes it used, or -1 for an
// encoding error (RFC 6126 4.1.5, 4.4.9).
int read_prefix(unsigned ae, int plen, unsigned omitted, Bytes p, const Addr* prev, unsigned len, Addr& out) {
  unsigned pb = plen >= 0 ? (static_cast<unsigned>(plen) + 7) / 8 : ae == 1 ? 4 : 16;
  if (pb > 16) return -1;
  Addr a{};
  int used = 0;
  switch (ae) {
    case 0: break;
    case 1:
      if (omitted > 4 || pb > 4 || (pb > omitted && len < pb - omitted)) return -1;
      a = kV4Mapped;
      if (omitted) {
        if (!prev) return -1;
        std::memcpy(a.data(), prev->data(), 12 + omitted);
      }
      if (pb > omitted) {
        Bytes b = sub(p, 0, pb - omitted);
        std::memcpy(a.data() + 12 + omitted, b.data(), b.size());
        used = static_cast<int>(pb - omitted);
      }
      break;
    case 2:
      if (omitted > 16 || (pb > omitted && len < pb - omitted)) return -1;
      if (omitted) {
        if (!prev) return -1;
        std::memcpy(a.data(), prev->data(), omitted);
      }
      if (pb > omitted) {
        Bytes b = sub(p, 0, pb - omitted);
        std::memcpy(a.data() + omitted, b.data(), b.size());
        used = static_cast<int>(pb - omitted);
      }
      break;
    case 3:
      if (pb > 8 && len < pb - 8) return -1;
      a[0] = 0xfe;
      a[1] = 0x80;
      if (pb > 8) {
        Bytes b = sub(p, 0, pb - 8);
        std::memcpy(a.data() + 8, b.data(), b.size());
        used = static_cast<int>(pb - 8);
      }
      break;
    default: return -1;
  }
  out = a;
  return used;
}

// The bytes of t from `off` on (none when off is past its end).
Bytes tail(Bytes t, std::size_t off) { return off <= t.size() ? t.subspan(off) : Bytes{}; }

bool v4_mapped(const Addr& a) { return std::memcmp(a.data(), kV4Mapped.data(), 12) == 0; }

// tcpdump's format_prefix: an IPv4 prefix when the length covers the mapped
// part and the address is IPv4-mapped, else IPv6.
void print_prefix(Out& o, const Addr& a, std::uint8_t plen) {
  if (plen >= 96 && v4_mapped(a)) {
    o.ip4(Bytes(a).subspan(12));
    o << '/';
    o.u(plen - 96u);
  } else {
    o.ip6(Bytes(a));
    o << '/';
    o.u(plen);
  }
}
void print_address(Out& o, const Addr& a) {
  if (v4_mapped(a)) o.ip4(Bytes(a).subspan(12));
  else o.ip6(Bytes(a));
}
std::string prefix_text(const Addr& a, std::uint8_t plen) {
  std::string s;
  Out o(s);
  print_prefix(o, a, plen);
  return s;
}
std::string address_text(const Addr& a) {
  std::string s;
  Out o(s);
  print_address(o, a);
  return s;
}

// Centiseconds as "4.00s"; zero is "0.0s (bogus)" (RFC 6126 4.4.2).
void print_interval(Out& o, std::uint16_t cs) {
  if (cs == 0) {
    o << "0.0s (bogus)";
    return;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%02us", cs / 100u, cs % 100u);
  o << std::string_view(buf);
}
void print_update_interval(Out& o, std::uint16_t cs) {
  if (cs == 0xffff) o << "infinity";
  else print_interval(o, cs);
}
// Microseconds as "12.000345s" (babel-rtt timestamps).
void print_timestamp(Out& o, std::uint32_t us) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%u.%06us", us / 1000000u, us % 1000000u);
  o << std::string_view(buf);
}
// An 8-byte router id as colon-separated hex.
void print_id(Out& o, Bytes id) {
  for (std::size_t k = 0; k < 8; ++k) {
    if (k) o << ':';
    o.hex(id[k], 2);
  }
}
std::string id_text(Bytes id) {
  std::string s;
  Out o(s);
  print_id(o, id);
  return s;
}
void print_update_flags(Out& o, std::uint8_t flags) {
  if (flags & 0x80) o << "/prefix";
  if (flags & 0x40) o << "/id";
  if (flags & 0x3f) o << "/unknown";
}

// The sub-TLVs in t[at, end) of a TLV of type `type`; a malformed one ends
// them with " (invalid)" (the TLV list goes on).
void print_subtlvs(Out& o, Bytes t, std::size_t at, std::size_t end, std::uint8_t type) {
  while (at < end) {
    std::uint8_t st = t[at++];
    if (st == kSubPad1) {
      o << " sub-pad1";
      continue;
    }
    if (st & kMandatory) o << " (M)";
    if (at == end) {
      o << " (invalid)";
      return;
    }
    std::uint8_t sl = t[at++];
    if (at + sl > end) {
      o << " (invalid)";
      return;
    }
    Bytes v = sub(t, at, sl);
    switch (st) {
      case kSubPadN: o << " sub-padn"; break;
      case kSubDiversity:
        o << " sub-diversity";
        if (sl == 0) {
          o << " empty";
          break;
        }
        for (std::size_t k = 0; k < sl; ++k) {
          o << (k ? "-" : " ");
          tok_print(o, kChannels, v[k], "");
        }
        if (type != kUpdate && type != kSsUpdate) o << " (bogus)";
        break;
      case kSubTimestamp:
        o << " sub-timestamp";
        if (type == kHello) {
          if (sl < 4) {
            o << " (invalid)";
            return;
          }
          o << ' ';
          print_timestamp(o, be32_at(v, 0));
        } else if (type == kIhu) {
          if (sl < 8) {
            o << " (invalid)";
            return;
          }
          o << ' ';
          print_timestamp(o, be32_at(v, 0));
          o << '|';
          print_timestamp(o, be32_at(v, 4));
        } else {
          o << " (bogus)";
        }
        break;
      default:
        o << " sub-unknown-0x";
        o.hex(st, 2);
    }
    at += sl;
  }
}

enum class Walk { Ok, Cut, Invalid };

// Throws Truncated for tcpdump's ND_TCHECK "goto trunc" (a local end: -x
// dumps from the link header on, as tcpdump's).
[[noreturn]] void local_trunc(PrintCtx& p) {
  p.local_trunc = true;
  throw Truncated{};
}

// A source-specific TLV's destination and source prefixes (RFC 9079), as
// read_prefix reads them one after the other from `parsed` on; the lengths
// of AE 1 (IPv4) prefixes become their IPv4-mapped IPv6 lengths.
struct TwoPrefixes {
  std::uint8_t ae, plen, src_plen;
  Addr dst{}, src{};
};

bool read_two_prefixes(Bytes t, unsigned len, std::uint8_t omitted, Addr* base, unsigned& parsed, TwoPrefixes& x) {
  int rc = read_prefix(x.ae, x.plen, omitted, tail(t, 2 + parsed), base, len - parsed, x.dst);
  if (rc < 0) return false;
  parsed += static_cast<unsigned>(rc);
  rc = read_prefix(x.ae, x.src_plen, 0, tail(t, 2 + parsed), nullptr, len - parsed, x.src);
  if (rc < 0) return false;
  parsed += static_cast<unsigned>(rc);
  if (x.ae == 1) {
    x.plen = static_cast<std::uint8_t>(x.plen + 96);
    x.src_plen = static_cast<std::uint8_t>(x.src_plen + 96);
  }
  return true;
}

// Hellos, IHUs, acknowledgements, router id and next hop at -v.
Walk print_link_tlv(Out& o, Bytes t, std::uint8_t type, unsigned len) {
  Addr a{};
  switch (type) {
    case kAckReq:
      if (len < 6) return Walk::Invalid;
      o.hex(be16_at(t, 4), 4) << ' ';
      print_interval(o, be16_at(t, 6));
      break;
    case kAck:
      if (len < 2) return Walk::Invalid;
      o.hex(be16_at(t, 2), 4);
      break;
    case kHello: {
      if (len < 6) return Walk::Invalid;
      if (be16_at(t, 2) & 0x8000) o << "(Unicast) ";
      o << "seqno ";
      o.u(be16_at(t, 4)) << ' ';
      if (std::uint16_t iv = be16_at(t, 6)) {
        o << "interval ";
        print_interval(o, iv);
      } else {
        o << "unscheduled";
      }
      if (len > 6) print_subtlvs(o, t, 8, 2 + len, type);
      break;
    }
    case kIhu: {
      if (len < 6) return Walk::Invalid;
      std::uint8_t ae = t[2];
      int rc = read_prefix(ae, -1, 0, tail(t, 8), nullptr, len - 6, a);
      if (rc < 0) {
        o << " [|babel]";  // tcpdump's nd_print_trunc here, and the list goes on
        break;
      }
      if (ae == 0) o << "any";
      else print_address(o, a);
      o << " rxcost ";
      o.u(be16_at(t, 4)) << " interval ";
      print_interval(o, be16_at(t, 6));
      if (static_cast<unsigned>(rc) < len - 6) print_subtlvs(o, t, 8 + rc, 2 + len, type);
      break;
    }
    case kRouterId:
      if (len < 10) return Walk::Invalid;
      o << ' ';
      print_id(o, sub(t, 4, 8));
      break;
    case kNextHop: {
      if (len < 2) return Walk::Invalid;
      std::uint8_t ae = t[2];
      if (read_prefix(ae, -1, 0, tail(t, 4), nullptr, len - 2, a) < 0) return Walk::Invalid;
      o << ' ';
      if (ae == 0) o << "invalid AE 0";
      else print_address(o, a);
      break;
    }
    default: break;
  }
  return Walk::Ok;
}

// Updates and route and seqno requests at -v; `v4`/`v6` are the prefixes the
// previous Updates set (the omitted bytes' source).
Walk print_route_tlv(Out& o, Bytes t, std::uint8_t type, unsigned len, Addr& v4, Addr& v6) {
  Addr a{};
  switch (type) {
    case kUpdate: {
      if (len < 10) return Walk::Invalid;
      std::uint8_t ae = t[2], flags = t[3];
      auto plen = static_cast<std::uint8_t>(t[4] + (ae == 1 ? 96 : 0));
      int rc = read_prefix(ae, t[4], t[5], tail(t, 12), ae == 1 ? &v4 : &v6, len - 10, a);
      if (rc < 0) return Walk::Invalid;
      print_update_flags(o, flags);
      o << ' ';
      if (ae == 0) o << "any";
      else print_prefix(o, a, plen);
      o << " metric ";
      o.u(be16_at(t, 10)) << " seqno ";
      o.u(be16_at(t, 8)) << " interval ";
      print_update_interval(o, be16_at(t, 6));
      if (flags & 0x80) (ae == 1 ? v4 : v6) = a;
      if (static_cast<unsigned>(rc) < len - 10) print_subtlvs(o, t, 12 + rc, 2 + len, type);
      break;
    }
    case kRouteRequest: {
      if (len < 2) return Walk::Invalid;
      std::uint8_t ae = t[2];
      auto plen = static_cast<std::uint8_t>(t[3] + (ae == 1 ? 96 : 0));
      if (read_prefix(ae, t[3], 0, tail(t, 4), nullptr, len - 2, a) < 0) return Walk::Invalid;
      o << "for ";
      if (ae == 0) o << "any";
      else print_prefix(o, a, plen);
      break;
    }
    case kSeqnoRequest: {
      if (len < 14) return Walk::Invalid;
      std::uint8_t ae = t[2];
      if (read_prefix(ae, t[3], 0, tail(t, 16), nullptr, len - 14, a) < 0) return Walk::Invalid;
      auto plen = static_cast<std::uint8_t>(t[3] + (ae == 1 ? 96 : 0));
      o << '(';
      o.u(t[6]) << " hops) for ";
      if (ae == 0) o << "invalid AE 0";
      else print_prefix(o, a, plen);
      o << " seqno ";
      o.u(be16_at(t, 4)) << " id ";
      print_id(o, sub(t, 8, 8));
      break;
    }
    default: break;
  }
  return Walk::Ok;
}

// The source-specific update and requests (RFC 9079) at -v.
Walk print_source_specific_tlv(Out& o, Bytes t, std::uint8_t type, unsigned len, Addr& v4, Addr& v6) {
  switch (type) {
    case kSsUpdate: {
      if (len < 10) return Walk::Invalid;
      TwoPrefixes x{t[2], t[4], t[3]};
      unsigned parsed = 10;
      if (!read_two_prefixes(t, len, t[5], x.ae == 1 ? &v4 : &v6, parsed, x)) return Walk::Invalid;
      o << ' ';
      print_prefix(o, x.dst, x.plen);
      o << " from ";
      print_prefix(o, x.src, x.src_plen);
      o << " metric ";
      o.u(be16_at(t, 10)) << " seqno ";
      o.u(be16_at(t, 8)) << " interval ";
      print_update_interval(o, be16_at(t, 6));
      if (parsed < len) print_subtlvs(o, t, 2 + parsed, 2 + len, type);
      break;
    }
    case kSsRequest: {
      if (len < 3) return Walk::Invalid;
      TwoPrefixes x{t[2], t[3], t[4]};
      unsigned parsed = 3;
      if (!read_two_prefixes(t, len, 0, nullptr, parsed, x)) return Walk::Invalid;
      if (x.ae == 0) {
        o << "for any";
      } else {
        o << "for (";
        print_prefix(o, x.dst, x.plen);
        o << ", ";
        print_prefix(o, x.src, x.src_plen);
        o << ')';
      }
      break;
    }
    case kSsMhRequest: {
      if (len < 14) return Walk::Invalid;
      TwoPrefixes x{t[2], t[3], t[7]};
      unsigned parsed = 14;
      if (!read_two_prefixes(t, len, 0, nullptr, parsed, x)) return Walk::Invalid;
      o << '(';
      o.u(t[6]) << " hops) for (";
      print_prefix(o, x.dst, x.plen);
      o << ", ";
      print_prefix(o, x.src, x.src_plen);
      o << ") seqno ";
      o.u(be16_at(t, 4)) << " id ";
      print_id(o, sub(t, 8, 8));
      break;
    }
    default: break;
  }
  return Walk::Ok;
}

// Timestamps, HMAC, MAC, PC and challenges at -v.
Walk print_security_tlv(Out& o, Bytes t, std::uint8_t type, unsigned len) {
  switch (type) {
    case kTsPc:
      if (len < 6) return Walk::Invalid;
      o << "timestamp ";
      o.u(be32_at(t, 4)) << " packetcounter ";
      o.u(be16_at(t, 2));
      break;
    case kHmac:
      if (len < 18) return Walk::Invalid;
      o << "key-id ";
      o.u(be16_at(t, 2)) << " digest-";
      o.u(len - 2) << ' ';
      for (std::uint8_t b : sub(t, 4, len - 2)) {
        char buf[3];
        std::snprintf(buf, sizeof buf, "%02X", b);
        o << std::string_view(buf, 2);
      }
      break;
    case kMac:
      o << "len ";
      o.u(len);
      break;
    case kPc:
      if (len < 4) return Walk::Invalid;
      o << " value ";
      o.u(be32_at(t, 2)) << " index len ";
      o.u(len - 4);
      break;
    case kChallengeRequest:
    case kChallengeReply:
      if (len > 192) return Walk::Invalid;
      o << " len ";
      o.u(len);
      break;
    default: break;
  }
  return Walk::Ok;
}

// One TLV (type, length, value: t is the whole TLV) at -v; Invalid where
// tcpdump's printer says "goto invalid". `v4`/`v6` are the prefixes the
// previous Updates set (the omitted bytes' source).
Walk print_tlv_verbose(Out& o, Bytes t, Addr& v4, Addr& v6) {
  const std::uint8_t type = t[0];
  const unsigned len = t[1];
  if (type == kPadN) {
    o << "\n\tPad ";
    o.u(len + 2);
    return Walk::Ok;
  }
  auto label = tok_name(kLongNames, type);
  if (label.empty()) {
    o << "\n\tUnknown message type ";
    o.u(type);
    return Walk::Ok;
  }
  o << "\n\t" << label;
  switch (type) {
    case kAckReq:
    case kAck:
    case kHello:
    case kIhu:
    case kRouterId:
    case kNextHop: return print_link_tlv(o, t, type, len);
    case kUpdate:
    case kRouteRequest:
    case kSeqnoRequest: return print_route_tlv(o, t, type, len, v4, v6);
    case kSsUpdate:
    case kSsRequest:
    case kSsMhRequest: return print_source_specific_tlv(o, t, type, len, v4, v6);
    default: return print_security_tlv(o, t, type, len);
  }
}

// One TLV at -n: its word (and an Update's flags).
Walk print_tlv_short(Out& o, Bytes t) {
  const std::uint8_t type = t[0];
  o << ' ';
  name_or(o, kShortNames, type, "unknown");
  if (type == kUpdate) {
    if (t[1] < 10) return Walk::Invalid;
    print_update_flags(o, t[3]);
  }
  return Walk::Ok;
}

// The TLVs of `length` bytes at data[base..] (`remaining` bytes of the UDP
// payload left from there); tcpdump's babel_print_v2_tlvs. The Update
// prefixes start afresh in each list (body, trailer).
Walk print_tlvs(PrintCtx& p, Bytes data, std::size_t base, std::uint32_t length, std::uint32_t remaining) {
  Out& o = p.o;
  const bool verbose = p.opt.verbose > 0;
  Addr v4 = kV4Mapped, v6{};
  std::uint32_t i = 0;
  auto fits = [&](std::uint32_t n) { return i + n <= length && i + n <= remaining; };
  while (i < length) {
    if (!fits(1)) return Walk::Invalid;
    std::uint8_t type = sub(data, base + i, 1)[0];  // an unguarded read in tcpdump: the packet ends here
    if (type == kPad1) {
      o << (verbose ? "\n\tPad 1" : " pad1");
      i += 1;
      continue;
    }
    if (!fits(2)) return Walk::Invalid;
    if (base + i + 2 > data.size()) return Walk::Cut;
    std::uint32_t len = data[base + i + 1];
    if (!fits(2 + len)) return Walk::Invalid;
    if (base + i + 2 + len > data.size()) return Walk::Cut;
    Bytes t = data.subspan(base + i, 2 + len);
    Walk w = verbose ? print_tlv_verbose(o, t, v4, v6) : print_tlv_short(o, t);
    if (w != Walk::Ok) return w;
    i += len + 2;
  }
  return Walk::Ok;
}

}  // namespace

void decode_babel(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "babel";
  auto& b = c.d.push<BabelL>();
  b.msg = r.rest();
  b.length = length;
  if (b.msg.size() < kHeader) c.d.last()->status = Status::Truncated;  // for JSON; the text stops where tcpdump does
}

void print_babel(PrintCtx& p, std::size_t i) {
  p.proto = "babel";
  const auto& b = at<BabelL>(p.d, i);
  Bytes m = b.msg;
  Out& o = p.o;
  o << "babel";
  if (m.size() < kHeader) local_trunc(p);
  if (m[0] != kMagic) {
    o << " invalid header";
    return;
  }
  o << ' ';
  o.u(m[1]);
  if (m[1] != 2) {
    o << " unknown version";
    return;
  }
  if (b.length < kHeader) {
    o << " (invalid)";
    return;
  }
  std::uint16_t body = be16_at(m, 2);
  o << " (";
  o.u(body) << ')';
  std::uint32_t left = b.length - kHeader;
  auto finish = [&](Walk w) {
    if (w == Walk::Cut) local_trunc(p);
    if (w == Walk::Invalid) o << " (invalid)";
    return w == Walk::Ok;
  };
  if (left < body) return void(finish(Walk::Invalid));
  if (!finish(print_tlvs(p, m, kHeader, body, left))) return;
  left -= body;
  if (left == 0) return;
  o << (p.opt.verbose ? "\n\t----" : " |");  // the packet trailer (RFC 8966 4.2)
  finish(print_tlvs(p, m, kHeader + body, left, left));
}

}  // namespace netlab::proto

namespace netlab::proto {

namespace {

// The typed fields of the TLVs that carry routing state; the others are
// type, name and length alone. A malformed value says "invalid".
void json_tlv(JsonWriter& w, Bytes t, Addr& v4, Addr& v6) {
  const std::uint8_t type = t[0];
  const unsigned len = t.size() > 1 ? t[1] : 0;
  w.member("type", type);
  if (auto name = tok_name(kShortNames, type); !name.empty()) w.member("name", name);
  if (type == kPad1) return;
  w.member("length", len);
  Addr a{};
  auto invalid = [&] { w.member("invalid", true); };
  switch (type) {
    case kAckReq:
      if (len < 6) return invalid();
      w.member("nonce", be16_at(t, 4));
      w.member("interval_cs", be16_at(t, 6));
      break;
    case kAck:
      if (len < 2) return invalid();
      w.member("nonce", be16_at(t, 2));
      break;
    case kHello:
      if (len < 6) return invalid();
      w.member("unicast", (be16_at(t, 2) & 0x8000) != 0);
      w.member("seqno", be16_at(t, 4));
      w.member("interval_cs", be16_at(t, 6));
      break;
    case kIhu: {
      if (len < 6) return invalid();
      w.member("ae", t[2]);
      w.member("rxcost", be16_at(t, 4));
      w.member("interval_cs", be16_at(t, 6));
      if (read_prefix(t[2], -1, 0, tail(t, 8), nullptr, len - 6, a) < 0) return invalid();
      if (t[2] != 0) w.member("address", address_text(a));
      break;
    }
    case kRouterId:
      if (len < 10) return invalid();
      w.member("router_id", id_text(sub(t, 4, 8)));
      break;
    case kNextHop:
      if (len < 2) return invalid();
      w.member("ae", t[2]);
      if (read_prefix(t[2], -1, 0, tail(t, 4), nullptr, len - 2, a) < 0 || t[2] == 0) return invalid();
      w.member("next_hop", address_text(a));
      break;
    case kUpdate: {
      if (len < 10) return invalid();
      std::uint8_t ae = t[2], flags = t[3];
      w.member("ae", ae);
      w.member("flags", flags);
      w.member("interval_cs", be16_at(t, 6));
      w.member("seqno", be16_at(t, 8));
      w.member("metric", be16_at(t, 10));
      if (read_prefix(ae, t[4], t[5], tail(t, 12), ae == 1 ? &v4 : &v6, len - 10, a) < 0) return invalid();
      if (ae != 0) w.member("prefix", prefix_text(a, static_cast<std::uint8_t>(t[4] + (ae == 1 ? 96 : 0))));
      if (flags & 0x80) (ae == 1 ? v4 : v6) = a;
      break;
    }
    case kRouteRequest:
    case kSeqnoRequest: {
      bool seqno = type == kSeqnoRequest;
      if (len < (seqno ? 14u : 2u)) return invalid();
      std::uint8_t ae = t[2];
      w.member("ae", ae);
      if (seqno) {
        w.member("seqno", be16_at(t, 4));
        w.member("hop_count", t[6]);
        w.member("router_id", id_text(sub(t, 8, 8)));
      }
      if (read_prefix(ae, t[3], 0, tail(t, seqno ? 16 : 4), nullptr, len - (seqno ? 14 : 2), a) < 0)
        return invalid();
      if (ae != 0) w.member("prefix", prefix_text(a, static_cast<std::uint8_t>(t[3] + (ae == 1 ? 96 : 0))));
      break;
    }
    case kTsPc:
      if (len < 6) return invalid();
      w.member("packet_counter", be16_at(t, 2));
      w.member("timestamp", be32_at(t, 4));
      break;
    case kHmac:
      if (len < 18) return invalid();
      w.member("key_id", be16_at(t, 2));
      break;
    case kPc:
      if (len < 4) return invalid();
      w.member("pc", be32_at(t, 2));
      break;
    default: break;
  }
}

// A list of TLVs (body or trailer) as objects, up to the first one not
// captured whole or past the list ("truncated"/"invalid" on the layer).
// Returns false where the list stopped early.
bool json_tlvs(JsonWriter& w, Bytes data, std::size_t base, std::uint32_t length, std::uint32_t remaining,
               const char* key) {
  w.key(key);
  w.begin_array();
  Addr v4 = kV4Mapped, v6{};
  std::uint32_t i = 0;
  bool ok = true;
  while (i < length) {
    if (i + 1 > remaining || base + i >= data.size()) {
      ok = false;
      break;
    }
    std::uint8_t type = data[base + i];
    std::uint32_t len = 0;
    if (type != kPad1) {
      if (i + 2 > length || i + 2 > remaining || base + i + 2 > data.size()) {
        ok = false;
        break;
      }
      len = data[base + i + 1];
      if (i + 2 + len > length || i + 2 + len > remaining || base + i + 2 + len > data.size()) {
        ok = false;
        break;
      }
    }
    w.begin_object();
    json_tlv(w, data.subspan(base + i, type == kPad1 ? 1 : 2 + len), v4, v6);
    w.end_object();
    i += type == kPad1 ? 1 : len + 2;
  }
  w.end_array();
  return ok;
}

}  // namespace

// The header and each TLV of the body and of the trailer as objects; where
// the TLVs stop before their stated end, "complete": false.
void json_babel(JsonWriter& w, const BabelL& l) {
  w.member("layer", "babel");
  w.member("length", l.length);
  Bytes m = l.msg;
  if (m.size() < kHeader) {
    w.member("truncated", true);
    return;
  }
  w.member("magic", m[0]);
  w.member("version", m[1]);
  if (m[0] != kMagic || m[1] != 2 || l.length < kHeader) return;
  std::uint16_t body = be16_at(m, 2);
  w.member("body_length", body);
  std::uint32_t left = l.length - kHeader;
  if (left < body) {
    w.member("invalid", true);
    return;
  }
  bool ok = json_tlvs(w, m, kHeader, body, left, "tlvs");
  left -= body;
  if (ok && left != 0) ok = json_tlvs(w, m, kHeader + body, left, left, "trailer");
  w.member("complete", ok);
}

}  // namespace netlab::proto
