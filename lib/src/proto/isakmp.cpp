// ISAKMP (RFC 2408) and IKE, version 1 (RFC 2409) and version 2 (RFC 7296),
// on UDP 500 (and the user ports 7500 and 8500), and on UDP 4500 after the
// four zero bytes of RFC 3948's non-ESP marker. The text follows tcpdump
// 4.99.3's print-isakmp.c: "isakmp: phase 1 I ident", "isakmp: parent_sa
// ikev2_init[I]", "isakmp: child_sa  ikev2_auth[R]"; from -v the version
// and message id (-vv: the cookies) before the colon, and a length that
// disagrees with the UDP payload's said. IKEv1's I/R comes, as in tcpdump,
// from a table of the last 20 initiator cookies with their addresses, kept
// across packets (IsakmpCookies). No keys: netlab decrypts nothing. A
// header not captured whole is " [|isakmp]".
#include "proto/proto.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace netlab::proto {
namespace {

constexpr std::size_t kHeaderLen = 28;

// tcpdump's etypestr: IKEv1's exchanges, then IKEv2's (34-37).
constexpr Tok kExchanges[] = {{0, "none"},           {1, "base"},           {2, "ident"},      {3, "auth"},
                              {4, "agg"},            {5, "inf"},            {32, "oakley-quick"},
                              {33, "oakley-newgroup"}, {34, "ikev2_init"},   {35, "ikev2_auth"},
                              {36, "child_sa"},      {37, "inf2"}};

// tcpdump's npstr: the payload type names ("pay14".."pay32" between the
// IKEv1 and IKEv2 ranges).
constexpr std::string_view kPayloads[] = {
    "none",   "sa",     "p",     "t",      "ke",    "id",      "cert",  "cr",     "hash",  "sig",
    "nonce",  "n",      "d",     "vid",    "pay14", "pay15",   "pay16", "pay17",  "pay18", "pay19",
    "pay20",  "pay21",  "pay22", "pay23",  "pay24", "pay25",   "pay26", "pay27",  "pay28", "pay29",
    "pay30",  "pay31",  "pay32", "v2sa",   "v2ke",  "v2IDi",   "v2IDr", "v2cert", "v2cr",  "v2auth",
    "v2nonce", "v2n",   "v2d",   "v2vid",  "v2TSi", "v2TSr",   "v2e",   "v2cp",   "v2eap"};

Out& payload_name(Out& o, std::uint8_t np) {
  if (np < std::size(kPayloads)) return o << kPayloads[np];
  return o << '#', o.u(np);
}

Out& exchange_name(Out& o, std::uint8_t etype) { return tok_print(o, kExchanges, etype, "#"); }

// The source and destination addresses of the IP layer below the ISAKMP
// message (tcpdump's bp2), and its version.
struct Addrs {
  Bytes src, dst;
  unsigned version = 0;
};

Addrs ip_addrs(const Decoded& d) {
  std::size_t i = d.size();
  while (i-- > 0) {
    if (is<Ipv4L>(d, i)) return {at<Ipv4L>(d, i).src, at<Ipv4L>(d, i).dst, 4};
    if (is<Ipv6L>(d, i)) return {at<Ipv6L>(d, i).src, at<Ipv6L>(d, i).dst, 6};
  }
  return {};
}

bool same(Bytes a, const std::array<std::uint8_t, 16>& b) {
  return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

void copy_to(std::array<std::uint8_t, 16>& to, Bytes from) {
  to.fill(0);
  std::copy_n(from.begin(), std::min(from.size(), to.size()), to.begin());
}

}  // namespace

int IsakmpCookies::find(Bytes cookie) const noexcept {
  for (std::size_t k = 0; k < kSlots; ++k)
    if (std::equal(cookie.begin(), cookie.end(), slots_[k].cookie.begin())) return static_cast<int>(k);
  return -1;
}

// tcpdump's cookie_record: a known cookie only moves the ring's next slot
// after it; a new one takes the next slot with the packet's addresses.
void IsakmpCookies::record(Bytes cookie, unsigned version, Bytes src, Bytes dst) noexcept {
  int k = find(cookie);
  if (k >= 0) {
    next_ = (static_cast<std::size_t>(k) + 1) % kSlots;
    return;
  }
  if (version != 4 && version != 6) return;
  Slot& s = slots_[next_];
  s.version = version;
  copy_to(s.iaddr, src);
  copy_to(s.raddr, dst);
  std::copy_n(cookie.begin(), s.cookie.size(), s.cookie.begin());
  next_ = (next_ + 1) % kSlots;
}

// tcpdump's cookie_sidecheck: the packet's source is the slot's initiator
// (or responder) address, of the same IP version.
bool IsakmpCookies::from(int k, unsigned version, Bytes src, bool initiator) const noexcept {
  const Slot& s = slots_[static_cast<std::size_t>(k)];
  if (version != s.version || (version != 4 && version != 6)) return false;
  return same(src, initiator ? s.iaddr : s.raddr);
}

// The IKEv1 side tcpdump prints for this message, the cookie table updated
// as tcpdump's printer updates it.
static char ikev1_side(IsakmpCookies& cookies, Bytes msg, const Addrs& a) {
  Bytes ick = msg.first(8), rck = msg.subspan(8, 8);
  int k = cookies.find(ick);
  if (k < 0) {
    if (std::any_of(rck.begin(), rck.end(), [](std::uint8_t b) { return b != 0; })) return '?';
    cookies.record(ick, a.version, a.src, a.dst);
    return 'I';
  }
  if (cookies.from(k, a.version, a.src, true)) return 'I';
  if (cookies.from(k, a.version, a.src, false)) return 'R';
  return '?';
}

void decode_isakmp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "isakmp";
  auto& l = c.d.push<IsakmpL>();
  l.msg = r.rest();
  l.length = length;
  if (l.msg.size() < kHeaderLen) return;
  unsigned major = l.msg[17] >> 4;
  if (major == 1 && c.ike) l.side = ikev1_side(*c.ike, l.msg, ip_addrs(c.d));
}

// UDP 4500 after the non-ESP marker (decode_udp_encap has checked it).
void decode_isakmp_natt(Ctx& c, ByteReader r, std::uint32_t length) {
  r.skip(4);
  decode_isakmp(c, r, length - 4);
  std::get<IsakmpL>(c.d.last()->layer).nonesp = true;
}

namespace {

void print_ikev1(PrintCtx& p, const IsakmpL& l) {
  Out& o = p.o;
  Bytes m = l.msg;
  std::uint8_t flags = m[19];
  o << (be32_at(m, 20) == 0 ? " phase 1 " : " phase 2/others ");
  o << l.side << ' ';
  exchange_name(o, m[18]);
  if (flags) o << '[' << ((flags & 0x01) ? "E" : "") << ((flags & 0x02) ? "C" : "") << ']';
}

void print_ikev2(PrintCtx& p, const IsakmpL& l) {
  Out& o = p.o;
  Bytes m = l.msg;
  std::uint8_t flags = m[19];
  o << (be32_at(m, 20) == 0 ? " parent_sa " : " child_sa  ");
  exchange_name(o, m[18]);
  if (flags)
    o << '[' << ((flags & 0x08) ? "I" : "") << ((flags & 0x10) ? "V" : "") << ((flags & 0x20) ? "R" : "") << ']';
}

// ---- the IKEv1 payload list (-v) ------------------------------------------

// tcpdump's attribute maps: a name per attribute type, and for some a name
// per (basic-format) value.
struct AttrMap {
  std::string_view type;
  std::initializer_list<std::string_view> values;
};

#define NETLAB_DH_GROUPS                                                                                          \
  "", "modp768", "modp1024", "EC2N 2^155", "EC2N 2^185", "modp1536", "iana-grp06", "iana-grp07", "iana-grp08", \
      "iana-grp09", "iana-grp10", "iana-grp11", "iana-grp12", "iana-grp13", "modp2048", "modp3072", "modp4096", \
      "modp6144", "modp8192"

const AttrMap kOakleyAttrs[] = {
    {"", {}},
    {"enc", {"", "1des", "idea", "blowfish", "rc5", "3des", "cast", "aes"}},
    {"hash", {"", "md5", "sha1", "tiger", "sha2-256", "sha2-384", "sha2-512"}},
    {"auth", {"", "preshared", "dss", "rsa sig", "rsa enc", "rsa enc revised"}},
    {"group desc", {NETLAB_DH_GROUPS}},
    {"group type", {"", "MODP", "ECP", "EC2N"}},
    {"group prime", {}},
    {"group gen1", {}},
    {"group gen2", {}},
    {"group curve A", {}},
    {"group curve B", {}},
    {"lifetype", {"", "sec", "kb"}},
    {"lifeduration", {}},
    {"prf", {}},
    {"keylen", {}},
    {"field", {}},
    {"order", {}},
};
const AttrMap kIpsecAttrs[] = {
    {"", {}},
    {"lifetype", {"", "sec", "kb"}},
    {"life", {}},
    {"group desc", {NETLAB_DH_GROUPS}},
    {"enc mode", {"", "tunnel", "transport"}},
    {"auth", {"", "hmac-md5", "hmac-sha1", "1des-mac", "keyed"}},
    {"keylen", {}},
    {"rounds", {}},
    {"dictsize", {}},
    {"privalg", {}},
};
#undef NETLAB_DH_GROUPS

// Transform ids per protocol (1 ISAKMP, 2 AH, 3 ESP, 4 IPcomp).
const std::initializer_list<std::string_view> kTransformIds[] = {
    {},
    {"", "ike"},
    {"", "(reserved)", "md5", "sha", "1des", "sha2-256", "sha2-384", "sha2-512"},
    {"", "1des-iv64", "1des", "3des", "rc5", "idea", "cast", "blowfish", "3idea", "1des-iv32", "rc4", "null", "aes"},
    {"", "oui", "deflate", "lzs"},
};
constexpr std::string_view kProtoIds[] = {"", "isakmp", "ipsec-ah", "ipsec-esp", "ipcomp"};

std::string_view nth(std::initializer_list<std::string_view> list, std::size_t k) {
  return k < list.size() ? list.begin()[k] : std::string_view{};
}

Out& num_or_name(Out& o, std::string_view name, unsigned v) {
  if (!name.empty()) return o << name;
  return o << '#', o.u(v);
}

void hex_bytes(Out& o, Bytes b) {
  for (std::uint8_t x : b) o.hex(x, 2);
}

// One data attribute (RFC 2408 3.3) at `at`; the offset after it, or past
// `end` ("[|attr]") when it does not fit the transform.
std::size_t print_attr(Out& o, Bytes m, std::size_t at, std::size_t end, std::span<const AttrMap> map) {
  bool basic = sub(m, at, 1)[0] & 0x80;
  std::size_t total = basic ? 4 : 4 + std::size_t{be16_at(m, at + 2)};
  if (end < at + total) {
    o << "[|attr]";
    return end + 1;
  }
  unsigned type = be16_at(m, at) & 0x7fffu;
  std::string_view tname = type < map.size() ? map[type].type : std::string_view{};
  o << "(type=";
  num_or_name(o, tname, type) << ' ';
  if (basic) {
    unsigned v = be16_at(m, at + 2);
    std::string_view vname = type < map.size() ? nth(map[type].values, v) : std::string_view{};
    o << "value=";
    if (!vname.empty()) o << vname;
    else o.hex(v, 4);
  } else {
    o << "len=";
    o.u(total - 4) << " value=";
    hex_bytes(o, sub(m, at + 4, total - 4));
  }
  o << ')';
  return at + total;
}

struct V1Walk {
  PrintCtx& p;
  Bytes m;
  bool v2 = false;  // IKEv2: its payload types (33-48) as tcpdump's ikev2_sub0_print
  int depth = 0;
  std::size_t chain(std::uint8_t np, std::size_t at, unsigned proto);
  bool decoded(std::uint8_t np) const {
    if (np == 5 || np == 6 || np == 7 || np == 11 || np == 12) return false;  // id, cert, cr, n, d
    return !(v2 && np >= 33 && np <= 48 && np != 46);
  }
  std::size_t payload(std::uint8_t np, std::size_t at, std::size_t len, unsigned proto);
  std::size_t sa(std::size_t at);
  std::size_t proposal(std::size_t at);
  std::size_t transform(std::size_t at, std::size_t len, unsigned proto);
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
};

// tcpdump's ikev1_sub_print: each payload on its own line, indented by
// depth, until a next-payload of 0, a length of 4 or less, or a cut.
std::size_t V1Walk::chain(std::uint8_t np, std::size_t at, unsigned proto) {
  Out& o = p.o;
  while (np) {
    if (at > m.size() || m.size() - at < 4) {
      o << " [|";
      payload_name(o, np) << ']';
      return kNone;
    }
    std::uint8_t next = m[at];
    std::size_t len = be16_at(m, at + 2);
    if (m.size() - at < len) {
      o << " [|";
      payload_name(o, np) << ']';
      return kNone;
    }
    if (!decoded(np)) return kNone;  // the list stops before a payload netlab does not print yet
    o << '\n';
    for (int k = 0; k <= depth; ++k) o << "    ";
    o << '(';
    ++depth;
    std::size_t after = len <= 4 ? kNone : payload(np, at, len, proto);
    --depth;
    o << ')';
    if (after == kNone) return kNone;
    np = next;
    at = after;
  }
  return at;
}

std::size_t V1Walk::sa(std::size_t at) {
  Out& o = p.o;
  o << "sa:";
  std::uint32_t doi = be32_at(m, at + 4), sit = be32_at(m, at + 8);
  if (doi != 1) {
    o << " doi=";
    o.u(doi) << " situation=";
    o.u(sit);
    return at + 12;
  }
  o << " doi=ipsec situation=";
  const char* sep = "";
  if (sit & 1) o << "identity", sep = "+";
  if (sit & 2) o << sep << "secrecy", sep = "+";
  if (sit & 4) o << sep << "integrity";
  std::size_t next = at + 12;
  if (sit != 1) {
    o << " ident=";  // tcpdump reads it from just past the generic header
    o.u(be32_at(m, at + 4));
    next += 4;
  }
  if (next > m.size() || m.size() - next < 4) {
    o << " [|sa]";
    return kNone;
  }
  return chain(2, next, 0);
}

std::size_t V1Walk::proposal(std::size_t at) {
  Out& o = p.o;
  o << "p:";
  Bytes h = sub(m, at, 8);
  unsigned proto = h[5], spi = h[6];
  o << " #";
  o.u(h[4]) << " protoid=";
  num_or_name(o, proto < std::size(kProtoIds) ? kProtoIds[proto] : std::string_view{}, proto) << " transform=";
  o.u(h[7]);
  if (spi) o << " spi=", hex_bytes(o, sub(m, at + 8, spi));
  std::size_t next = at + 8 + spi;
  if (next > m.size() || m.size() - next < 4) {
    o << " [|p]";
    return kNone;
  }
  return chain(3, next, proto);
}

std::size_t V1Walk::transform(std::size_t at, std::size_t len, unsigned proto) {
  Out& o = p.o;
  o << "t:";
  Bytes h = sub(m, at, 8);
  std::span<const AttrMap> map;
  if (proto == 1) map = kOakleyAttrs;
  else if (proto >= 2 && proto <= 4) map = kIpsecAttrs;
  std::string_view id = proto >= 1 && proto <= 4 ? nth(kTransformIds[proto], h[5]) : std::string_view{};
  o << " #";
  o.u(h[4]) << " id=";
  if (!id.empty()) o << id;
  else if (proto >= 1 && proto <= 4) o << '#', o.u(h[5]);
  else o.u(h[5]);
  o << ' ';
  std::size_t cp = at + 8, end = at + len;
  while (cp < m.size() && cp < end) cp = print_attr(o, m, cp, end, map);
  if (m.size() < end) o << "...";
  return cp;
}

std::size_t V1Walk::payload(std::uint8_t np, std::size_t at, std::size_t len, unsigned proto) {
  Out& o = p.o;
  if (v2 && np == 46) {  // encrypted and authenticated: the length; it ends the list
    o << "v2e" << ((m[at + 1] & 0x80) ? "[C]" : "") << ": len=";
    o.u(len - 4);
    if (p.opt.verbose > 2 && len - 4 > 4) o << ' ', hex_bytes(o, sub(m, at + 4, len - 4));
    return kNone;
  }
  switch (np) {
    case 1: return sa(at);
    case 2: return proposal(at);
    case 3: return transform(at, len, proto);
    case 4: o << "ke: key len="; break;
    case 8: o << "hash: len="; break;
    case 9: o << "sig: len="; break;
    case 10: o << "nonce: n len="; break;
    case 13: o << "vid: len="; break;
    default:
      payload_name(o, np);
      return at + len;
  }
  o.u(len - 4);
  if (p.opt.verbose > 2) {
    o << ' ';
    hex_bytes(o, sub(m, at + 4, len - 4));
  } else if (np == 10 && p.opt.verbose > 1) {
    // tcpdump's ike_show_somedata: ten bytes, "...", the capture's last twenty.
    std::size_t avail = m.size() - (at + 4), first = std::min<std::size_t>(avail, 10);
    std::size_t tail_at = avail >= 20 && avail - 20 >= first ? avail - 20 : first;
    o << "  data=(";  // tcpdump prints a space, then " data=("
    hex_bytes(o, m.subspan(at + 4, first));
    o << "...";
    hex_bytes(o, m.subspan(at + 4 + tail_at));
    o << ')';
  }
  return at + len;
}

// -v: what follows the exchange line: "[encrypted np]", the payload list
// (IKEv2's only as far as its encrypted payload), and the length check.
void print_tail(PrintCtx& p, const IsakmpL& l, bool v1) {
  Out& o = p.o;
  Bytes m = l.msg;
  o << ':';
  if (m[19] & 0x01) {
    o << " [encrypted ";
    payload_name(o, m[16]) << ']';
  } else {
    V1Walk w{p, m, !v1};
    w.chain(m[16], kHeaderLen, 0);
  }
  std::uint32_t len = be32_at(m, 24);
  if (len != l.length) {
    o << " (len mismatch: isakmp ";
    o.u(len) << "/ip ";
    o.u(l.length) << ')';
  }
}

}  // namespace

void print_isakmp(PrintCtx& p, std::size_t i) {
  const auto& l = at<IsakmpL>(p.d, i);
  Out& o = p.o;
  if (l.nonesp) o << "NONESP-encap: ";
  p.proto = "isakmp";
  Bytes m = l.msg;
  if (m.size() < kHeaderLen) throw Truncated{};
  o << "isakmp";
  unsigned major = m[17] >> 4, minor = m[17] & 0x0fu;
  if (p.opt.verbose) {
    o << ' ';
    o.u(major) << '.';
    o.u(minor) << " msgid ";
    o.hex(be32_at(m, 20), 8);
  }
  if (p.opt.verbose > 1) {
    o << " cookie ";
    for (std::uint8_t b : m.first(8)) o.hex(b, 2);
    o << "->";
    for (std::uint8_t b : m.subspan(8, 8)) o.hex(b, 2);
  }
  o << ':';
  if (major != 1 && major != 2) return;
  if (major == 1) print_ikev1(p, l);
  else print_ikev2(p, l);
  if (p.opt.verbose) print_tail(p, l, major == 1);
}

// The header's fields as numbers and names; the payloads are not walked.
void json_isakmp(JsonWriter& w, const IsakmpL& l) {
  w.member("layer", "isakmp");
  w.member("length", l.length);
  if (l.nonesp) w.member("udp_encap", true);
  Bytes m = l.msg;
  if (m.size() < kHeaderLen) {
    w.member("truncated", true);
    return;
  }
  w.member("initiator_cookie", hex_text(m.first(8)));
  w.member("responder_cookie", hex_text(m.subspan(8, 8)));
  w.member("next_payload", m[16]);
  w.member("major_version", m[17] >> 4);
  w.member("minor_version", m[17] & 0x0fu);
  w.member("exchange_type", m[18]);
  w.member("flags", m[19]);
  w.member("message_id", be32_at(m, 20));
  w.member("message_length", be32_at(m, 24));
  if ((m[17] >> 4) == 1) w.member("side", std::string_view(&l.side, 1));
}

}  // namespace netlab::proto
