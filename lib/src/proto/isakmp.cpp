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

// One byte at an offset of a span, or Truncated.
std::uint8_t u8_at(Bytes b, std::size_t off) { return sub(b, off, 1)[0]; }

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
  unsigned major = u8_at(l.msg, 17) >> 4;
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
  std::uint8_t flags = u8_at(m, 19);
  o << (be32_at(m, 20) == 0 ? " phase 1 " : " phase 2/others ");
  o << l.side << ' ';
  exchange_name(o, u8_at(m, 18));
  if (flags) o << '[' << ((flags & 0x01) ? "E" : "") << ((flags & 0x02) ? "C" : "") << ']';
}

void print_ikev2(PrintCtx& p, const IsakmpL& l) {
  Out& o = p.o;
  Bytes m = l.msg;
  std::uint8_t flags = u8_at(m, 19);
  o << (be32_at(m, 20) == 0 ? " parent_sa " : " child_sa  ");
  exchange_name(o, u8_at(m, 18));
  if (flags)
    o << '[' << ((flags & 0x08) ? "I" : "") << ((flags & 0x10) ? "V" : "") << ((flags & 0x20) ? "R" : "") << ']';
}

// ---- the payload lists (-v) -------------------------------------------------
//
// tcpdump's ikev1_sub_print/ikev2_sub_print and the payload printers under
// them, offset for offset. Two ways out of a printer, as there: a cut it
// checks for itself prints " [|name]" and ends the list (kNone); a field
// read past the capture throws Truncated, which ends the whole line with
// " [|isakmp]" (tcpdump's GET_ macros). `ep` is the captured end (tcpdump's
// snapend), which is where ike_show_somedata's last twenty bytes come from.

// tcpdump's attribute maps: a name per attribute type, and for some a name
// per (basic-format) value.
struct AttrMap {
  std::string_view type;
  std::initializer_list<std::string_view> values;
};

// The attribute maps' "group desc" stops at 17: tcpdump's table lists
// modp8192 but says it holds 18 values, so 18 prints as hex there (and as
// modp8192 in IKEv2's transform ids and KE groups, which use the whole list).
#define NETLAB_DH_GROUPS                                                                                          \
  "", "modp768", "modp1024", "EC2N 2^155", "EC2N 2^185", "modp1536", "iana-grp06", "iana-grp07", "iana-grp08", \
      "iana-grp09", "iana-grp10", "iana-grp11", "iana-grp12", "iana-grp13", "modp2048", "modp3072", "modp4096", \
      "modp6144"

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
// IKEv2's encryption transform: only attribute 14, the key length, is named.
const AttrMap kEncrAttrs[] = {{"", {}}, {"", {}}, {"", {}}, {"", {}}, {"", {}},       {"", {}}, {"", {}}, {"", {}},
                              {"", {}}, {"", {}}, {"", {}}, {"", {}}, {"", {}}, {"", {}}, {"keylen", {}}};

// Transform ids per IKEv1 protocol (1 ISAKMP, 2 AH, 3 ESP, 4 IPcomp).
const std::initializer_list<std::string_view> kTransformIds[] = {
    {},
    {"", "ike"},
    {"", "(reserved)", "md5", "sha", "1des", "sha2-256", "sha2-384", "sha2-512"},
    {"", "1des-iv64", "1des", "3des", "rc5", "idea", "cast", "blowfish", "3idea", "1des-iv32", "rc4", "null", "aes"},
    {"", "oui", "deflate", "lzs"},
};
// IKEv2 transform ids per transform type (1 encr, 2 prf, 3 integ, 4 dh, 5 esn).
const std::initializer_list<std::string_view> kV2TransformIds[] = {
    {},
    {"", "1des-iv64", "1des", "3des", "rc5", "idea", "cast", "blowfish", "3idea", "1des-iv32", "rc4", "null", "aes"},
    {"", "hmac-md5", "hmac-sha", "hmac-tiger", "aes128_xcbc"},
    {"", "hmac-md5", "hmac-sha", "dec-mac", "kpdk-md5", "aes-xcbc"},
    {NETLAB_DH_GROUPS, "modp8192"},
    {"no-esn", "esn"},
};
const std::initializer_list<std::string_view> kDhGroups = {NETLAB_DH_GROUPS, "modp8192"};
#undef NETLAB_DH_GROUPS
constexpr std::string_view kV2TransformTypes[] = {"", "encr", "prf", "integ", "dh", "esn"};
constexpr std::string_view kProtoIds[] = {"", "isakmp", "ipsec-ah", "ipsec-esp", "ipcomp"};
constexpr std::string_view kIpsecIdTypes[] = {"",     "IPv4",    "FQDN",      "user FQDN", "IPv4net", "IPv6",
                                              "IPv6net", "IPv4range", "IPv6range", "ASN1 DN", "ASN1 GN", "keyid"};
constexpr std::string_view kCertTypes[] = {"none", "pkcs7", "pgp",      "dns",  "x509sign", "x509ke",
                                           "kerberos", "crl", "arl", "spki", "x509attr"};
constexpr std::string_view kV2AuthMethods[] = {"invalid", "rsasig", "shared-secret", "dsssig"};
// IKEv1 notify types 0-8191 (RFC 2408 3.14.1).
constexpr std::string_view kV1NotifyErrors[] = {
    "",
    "INVALID-PAYLOAD-TYPE",
    "DOI-NOT-SUPPORTED",
    "SITUATION-NOT-SUPPORTED",
    "INVALID-COOKIE",
    "INVALID-MAJOR-VERSION",
    "INVALID-MINOR-VERSION",
    "INVALID-EXCHANGE-TYPE",
    "INVALID-FLAGS",
    "INVALID-MESSAGE-ID",
    "INVALID-PROTOCOL-ID",
    "INVALID-SPI",
    "INVALID-TRANSFORM-ID",
    "ATTRIBUTES-NOT-SUPPORTED",
    "NO-PROPOSAL-CHOSEN",
    "BAD-PROPOSAL-SYNTAX",
    "PAYLOAD-MALFORMED",
    "INVALID-KEY-INFORMATION",
    "INVALID-ID-INFORMATION",
    "INVALID-CERT-ENCODING",
    "INVALID-CERTIFICATE",
    "CERT-TYPE-UNSUPPORTED",
    "INVALID-CERT-AUTHORITY",
    "INVALID-HASH-INFORMATION",
    "AUTHENTICATION-FAILED",
    "INVALID-SIGNATURE",
    "ADDRESS-NOTIFICATION",
    "NOTIFY-SA-LIFETIME",
    "CERTIFICATE-UNAVAILABLE",
    "UNSUPPORTED-EXCHANGE-TYPE",
    "UNEQUAL-PAYLOAD-LENGTHS",
};
constexpr std::string_view kIpsecNotifyStatus[] = {"RESPONDER-LIFETIME", "REPLAY-STATUS", "INITIAL-CONTACT"};

// tcpdump 4.99.3's IKEv2 notify names, and whether it prints the SPI.
struct V2Notify {
  std::uint16_t type;
  std::string_view name;
  bool spi;
};
constexpr V2Notify kV2Notifies[] = {
    {1, "unsupported_critical_payload", false},
    {4, "invalid_ike_spi", true},
    {5, "invalid_major_version", false},
    {7, "invalid_syntax", true},
    {9, "invalid_message_id", true},
    {11, "invalid_spi", true},
    {14, "no_protocol_chosen", true},
    {17, "invalid_ke_payload", true},
    {24, "authentication_failed", true},
    {34, "single_pair_required", true},
    {35, "no_additional_sas", false},
    {36, "internal_address_failure", false},
    {37, "failed:cp_required", false},
    {39, "invalid_selectors", false},
    {16384, "initial_contact", false},
    {16385, "set_window_size", false},
    {16386, "additional_ts_possible", false},
    {16387, "ipcomp_supported", false},
    {16388, "nat_detection_source_ip", true},
    {16389, "nat_detection_destination_ip", true},
    {16390, "cookie", true},
    {16391, "use_transport_mode", false},
    {16392, "http_cert_lookup_supported", false},
    {16393, "rekey_sa", true},
    {16394, "tfc_padding_not_supported", false},
    {16395, "non_first_fragment_also", false},
};

std::string_view nth(std::initializer_list<std::string_view> list, std::size_t k) {
  return k < list.size() ? list.begin()[k] : std::string_view{};
}
template <std::size_t N>
std::string_view nth(const std::string_view (&list)[N], std::size_t k) {
  return k < N ? list[k] : std::string_view{};
}

// tcpdump's STR_OR_ID: the name, or "#" and the number.
Out& str_or_id(Out& o, std::string_view name, unsigned v) {
  if (!name.empty()) return o << name;
  return o << '#', o.u(v);
}

void hex_bytes(Out& o, Bytes b) {
  for (std::uint8_t x : b) o.hex(x, 2);
}

// tcpdump's printable-or-dot dump (IKEv2 ID and vendor ID).
void ascii_or_dot(Out& o, Bytes b) {
  for (std::uint8_t x : b) o << (x >= 0x20 && x < 0x7f ? static_cast<char>(x) : '.');
}

struct Walk {
  PrintCtx& p;
  Bytes m;
  bool v2;  // the message's major version is 2 (46 is the encrypted payload)
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  Out& o() { return p.o; }
  int verbose() const { return p.opt.verbose; }
  bool has(std::size_t at, std::size_t n) const { return at <= m.size() && n <= m.size() - at; }
  // tcpdump's rawprint: all of it in hex, or nothing and false when cut.
  bool raw(std::size_t at, std::size_t n) {
    if (!has(at, n)) return false;
    hex_bytes(o(), m.subspan(at, n));
    return true;
  }
  // tcpdump's ike_show_somedata: ten bytes from cp, "...", then the
  // capture's last twenty (fewer when they would overlap).
  bool somedata(std::size_t cp) {
    std::size_t ep = m.size();
    std::size_t len = cp <= ep ? std::min<std::size_t>(ep - cp, 10) : 0;
    std::size_t end = ep >= 20 ? ep - 20 : 0, elen = 20;
    if (ep < 20 || end < cp + len) {
      end = cp + len;
      elen = ep >= end ? ep - end : 0;
    }
    o() << " data=(";
    if (cp > ep || !raw(cp, len)) return false;
    o() << "...";
    if (elen && !raw(end, elen)) return false;
    o() << ')';
    return true;
  }
  std::size_t cut(std::uint8_t np) {
    o() << " [|";
    payload_name(o(), np) << ']';
    return kNone;
  }
  void indent(int depth) {
    o() << '\n';
    for (int k = 0; k < depth; ++k) o() << "    ";
  }

  std::size_t chain(std::uint8_t np, std::size_t at, std::uint32_t proto, int depth);
  std::size_t sub0(std::uint8_t np, std::size_t at, std::uint32_t proto, int depth);
  std::size_t attr(std::size_t at, std::size_t ep2, std::span<const AttrMap> map, bool mapped);
  std::size_t attrs(std::size_t cp, std::size_t ep2, std::span<const AttrMap> map, bool mapped);
  // IKEv1 payloads (also reached from IKEv2 messages for types 1-13).
  std::size_t v1_sa(std::size_t at, std::uint32_t proto, int depth);
  std::size_t v1_p(std::size_t at, int depth);
  std::size_t v1_t(std::size_t at, std::size_t len, std::uint32_t proto);
  std::size_t v1_data(std::uint8_t np, std::size_t at, std::size_t len);
  std::size_t v1_id(std::size_t at, std::size_t len);
  std::size_t v1_cert(std::uint8_t np, std::size_t at, std::size_t len);
  std::size_t v1_n(std::size_t at, std::size_t len);
  std::size_t v1_d(std::size_t at);
  // Notify's and delete's " doi=... proto=...": the IPsec DOI names its protocol.
  void doi_proto(std::uint32_t doi, unsigned proto) {
    if (doi != 1) {
      o() << " doi=";
      o().u(doi) << " proto=";
      o().u(proto);
    } else {
      o() << " doi=ipsec proto=";
      str_or_id(o(), nth(kProtoIds, proto), proto);
    }
  }
  // IKEv2 payloads (also reached from IKEv1 messages for types 33-48).
  void v2_name(std::string_view name, std::size_t at) {
    o() << name << ((u8_at(m, at + 1) & 0x80) ? "[C]" : "") << ':';
  }
  std::size_t v2_gen(std::uint8_t np, std::size_t at, std::size_t len);
  std::size_t v2_sa(std::uint8_t np, std::size_t at, int depth);
  std::size_t v2_p(std::size_t at, std::size_t plen, int depth);
  std::size_t v2_t(int count, std::size_t at, std::size_t len);
  std::size_t v2_ke(std::uint8_t np, std::size_t at, std::size_t len);
  std::size_t v2_id(std::uint8_t np, std::size_t at, std::size_t len);
  std::size_t v2_auth(std::uint8_t np, std::size_t at, std::size_t len);
  std::size_t v2_nonce(std::uint8_t np, std::size_t at, std::size_t len);
  std::size_t v2_n(std::size_t at, std::size_t len);
  std::size_t v2_vid(std::uint8_t np, std::size_t at, std::size_t len);
  std::size_t v2_e(std::size_t at, std::size_t len);
};

// tcpdump's ikev1_sub_print/ikev2_sub_print: each payload on its own line,
// indented by depth, until a next-payload of 0, a length of 4 or less, or a
// cut. Every step moves forward, so the list ends within the capture.
std::size_t Walk::chain(std::uint8_t np, std::size_t at, std::uint32_t proto, int depth) {
  while (np) {
    if (!has(at, 4)) return cut(np);
    std::size_t len = be16_at(m, at + 2);
    if (!has(at, len)) return cut(np);
    indent(depth + 1);
    o() << '(';
    std::size_t next = sub0(np, at, proto, depth + 1);
    o() << ')';
    if (next == kNone) return kNone;
    np = u8_at(m, at);
    at = next;
  }
  return at;
}

// tcpdump's ike_sub0_print/ikev2_sub0_print: one payload by its type.
std::size_t Walk::sub0(std::uint8_t np, std::size_t at, std::uint32_t proto, int depth) {
  std::size_t len = be16_at(m, at + 2);
  if (len <= 4) return kNone;
  if (v2 && np == 46) return v2_e(at, len);
  switch (np) {
    case 1: return v1_sa(at, proto, depth);
    case 2: return v1_p(at, depth);
    case 3: return v1_t(at, len, proto);
    case 4:
    case 8:
    case 9:
    case 10:
    case 13: return v1_data(np, at, len);
    case 5: return v1_id(at, len);
    case 6:
    case 7: return v1_cert(np, at, len);
    case 11: return v1_n(at, len);
    case 12: return v1_d(at);
    case 33: return v2_sa(np, at, depth);
    case 34: return v2_ke(np, at, len);
    case 35:
    case 36: return v2_id(np, at, len);
    case 39: return v2_auth(np, at, len);
    case 40: return v2_nonce(np, at, len);
    case 41: return v2_n(at, len);
    case 43: return v2_vid(np, at, len);
    case 37:
    case 38:
    case 42:
    case 44:
    case 45:
    case 47:
    case 48: return v2_gen(np, at, len);
    default: payload_name(o(), np); return at + len;
  }
}

// One data attribute (RFC 2408 3.3) at `at`; the offset after it, past
// ep2 ("[|attr]") when it does not fit, or kNone when its value is cut.
// `mapped`: tcpdump's ikev1_attrmap_print (names), else ikev1_attr_print.
std::size_t Walk::attr(std::size_t at, std::size_t ep2, std::span<const AttrMap> map, bool mapped) {
  bool basic = u8_at(m, at) & 0x80;
  std::size_t total = basic ? 4 : 4 + std::size_t{be16_at(m, at + 2)};
  if (ep2 < at + total) {
    o() << "[|attr]";
    return ep2 + 1;
  }
  unsigned type = be16_at(m, at) & 0x7fffu;
  std::string_view tname = mapped && type < map.size() ? map[type].type : std::string_view{};
  o() << "(type=";
  str_or_id(o(), tname, type) << ' ';
  if (basic) {
    unsigned v = be16_at(m, at + 2);
    std::string_view vname = mapped && type < map.size() ? nth(map[type].values, v) : std::string_view{};
    o() << "value=";
    if (!vname.empty()) o() << vname;
    else o().hex(v, 4);
  } else {
    o() << "len=";
    o().u(total - 4) << " value=";
    if (!raw(at + 4, total - 4)) {
      o() << ')';
      return kNone;
    }
  }
  o() << ')';
  return at + total;
}

std::size_t Walk::attrs(std::size_t cp, std::size_t ep2, std::span<const AttrMap> map, bool mapped) {
  while (cp < m.size() && cp < ep2) {
    cp = attr(cp, ep2, map, mapped);
    if (cp == kNone) return kNone;
  }
  return cp;
}

std::size_t Walk::v1_sa(std::size_t at, std::uint32_t proto, int depth) {
  o() << "sa:";
  if (!has(at, 12)) return cut(1);
  std::uint32_t doi = be32_at(m, at + 4), sit = be32_at(m, at + 8);
  if (doi != 1) {
    o() << " doi=";
    o().u(doi) << " situation=";
    o().u(sit);
    return at + 12;
  }
  o() << " doi=ipsec situation=";
  const char* sep = "";
  if (sit & 1) o() << "identity", sep = "+";
  if (sit & 2) o() << sep << "secrecy", sep = "+";
  if (sit & 4) o() << sep << "integrity";
  std::size_t next = at + 12;
  if (sit != 1) {
    o() << " ident=";  // tcpdump reads it from just past the generic header
    o().u(be32_at(m, at + 4));
    next += 4;
  }
  if (!has(next, 4)) return cut(1);
  return chain(2, next, proto, depth);
}

std::size_t Walk::v1_p(std::size_t at, int depth) {
  o() << "p:";
  if (!has(at, 8)) return cut(2);
  unsigned proto = u8_at(m, at + 5), spi = u8_at(m, at + 6);
  o() << " #";
  o().u(u8_at(m, at + 4)) << " protoid=";
  str_or_id(o(), nth(kProtoIds, proto), proto) << " transform=";
  o().u(u8_at(m, at + 7));
  if (spi) {
    o() << " spi=";
    if (!raw(at + 8, spi)) return cut(2);
  }
  std::size_t next = at + 8 + spi;
  if (!has(next, 4)) return cut(2);
  return chain(3, next, proto, depth);
}

std::size_t Walk::v1_t(std::size_t at, std::size_t len, std::uint32_t proto) {
  o() << "t:";
  if (!has(at, 8)) return cut(3);
  unsigned no = u8_at(m, at + 4), id = u8_at(m, at + 5);
  bool known = proto >= 1 && proto <= 4;
  std::span<const AttrMap> map;
  if (proto == 1) map = kOakleyAttrs;
  else if (known) map = kIpsecAttrs;
  o() << " #";
  o().u(no) << " id=";
  if (known) str_or_id(o(), nth(kTransformIds[proto], id), id);
  else o().u(id);
  o() << ' ';
  std::size_t end = at + len;
  std::size_t cp = attrs(at + 8, end, map, known);
  if (cp == kNone) return cut(3);
  if (m.size() < end) o() << "...";
  return cp;
}

// ke, hash, sig, nonce and vid: the data's length, its hex at -vvv (the
// nonce's first and last bytes at -vv).
std::size_t Walk::v1_data(std::uint8_t np, std::size_t at, std::size_t len) {
  payload_name(o(), np) << ':';
  o() << (np == 4 ? " key len=" : np == 10 ? " n len=" : " len=");
  o().u(len - 4);
  if (verbose() > 2) {
    o() << ' ';
    if (!raw(at + 4, len - 4)) return cut(np);
  } else if (np == 10 && verbose() > 1) {
    o() << ' ';
    if (!somedata(at + 4)) return cut(np);
  }
  return at + len;
}

std::size_t Walk::v1_id(std::size_t at, std::size_t len) {
  o() << "id:";
  if (!has(at, 8)) return cut(5);
  std::size_t data = at + 8, dlen = len > 8 ? len - 8 : 0;
  unsigned type = u8_at(m, at + 4);
  o() << " idtype=";
  str_or_id(o(), nth(kIpsecIdTypes, type), type) << " protoid=";
  o().u(u8_at(m, at + 5)) << " port=";
  o().u(be16_at(m, at + 6));
  if (!dlen) return at + len;
  if (!has(data, dlen)) return cut(5);
  auto bad = [&](std::size_t need) {
    if (dlen >= need) return false;
    o() << " len=";
    o().u(dlen) << " [bad: < ";
    o().u(need) << ']';
    return true;
  };
  auto lead = [&] {
    o() << " len=";
    o().u(dlen) << ' ';
  };
  switch (type) {
    case 1:
      if (!bad(4)) lead(), o().ip4(m.subspan(data, 4));
      dlen = 0;
      break;
    case 2:
    case 3:
      lead();
      for (std::uint8_t c : m.subspan(data, dlen)) print_char(o(), c);
      dlen = 0;
      break;
    case 4:
      if (!bad(8)) {
        lead(), o().ip4(m.subspan(data, 4)) << '/';
        for (std::size_t k = 0; k < 4; ++k) (k ? o() << '.' : o()).u(u8_at(m, data + 4 + k));
      }
      dlen = 0;
      break;
    case 5:
      if (!bad(16)) lead(), o().ip6(m.subspan(data, 16));
      dlen = 0;
      break;
    case 6:
      if (!bad(32)) lead(), o().ip6(m.subspan(data, 16)) << "/0x", hex_bytes(o(), m.subspan(data + 16, 16));
      dlen = 0;
      break;
    case 7:
      if (!bad(8)) lead(), o().ip4(m.subspan(data, 4)) << '-', o().ip4(m.subspan(data + 4, 4));
      dlen = 0;
      break;
    case 8:
      if (!bad(32)) lead(), o().ip6(m.subspan(data, 16)) << '-', o().ip6(m.subspan(data + 16, 16));
      dlen = 0;
      break;
    default: break;  // ASN.1 names, key ids, unknown types: the length below
  }
  if (dlen) {
    o() << " len=";
    o().u(dlen);
    if (verbose() > 2) o() << ' ', hex_bytes(o(), m.subspan(data, dlen));
  }
  return at + len;
}

std::size_t Walk::v1_cert(std::uint8_t np, std::size_t at, std::size_t len) {
  payload_name(o(), np) << ':';
  if (!has(at, 6)) return cut(np);
  o() << " len=";
  o().u(len - 4) << " type=";
  unsigned enc = u8_at(m, at + 4);
  str_or_id(o(), nth(kCertTypes, enc), enc);
  if (verbose() > 2) {
    o() << ' ';
    if (!raw(at + 4, len - 4)) return cut(np);
  }
  return at + len;
}

// The IKEv1 notify type: RFC 2408's ranges, and (IPsec DOI) RFC 2407's.
// As tcpdump's STR_OR_ID on (type - range base), an unnamed type in a named
// range prints as "#" and its offset in that range.
void v1_notify_type(Out& o, unsigned type, bool ipsec) {
  o << " type=";
  if (type < 8192) {
    str_or_id(o, nth(kV1NotifyErrors, type), type);
  } else if (type < 16384) {
    if (ipsec) str_or_id(o, type == 8192 ? "RESERVED" : "", type - 8192);
    else o << '#', o.u(type);
  } else if (type < 24576) {
    str_or_id(o, type == 16384 ? "CONNECTED" : "", type - 16384);
  } else if (type < 32768 && ipsec) {
    str_or_id(o, nth(kIpsecNotifyStatus, type - 24576), type - 24576);
  } else {
    o << '#', o.u(type);
  }
}

std::size_t Walk::v1_n(std::size_t at, std::size_t len) {
  o() << "n:";
  if (!has(at, 12)) return cut(11);
  std::uint32_t doi = be32_at(m, at + 4);
  unsigned proto = u8_at(m, at + 8), spi = u8_at(m, at + 9), type = be16_at(m, at + 10);
  doi_proto(doi, proto);
  v1_notify_type(o(), type, doi == 1);
  if (spi) {
    o() << " spi=";
    if (!raw(at + 12, spi)) return cut(11);
  }
  std::size_t cp = at + 12 + spi;
  if (doi != 1) return cp;
  if (cp < m.size()) {
    if (type == 24576) {  // RESPONDER-LIFETIME: Oakley attributes
      o() << " attrs=(";
      std::size_t r = attrs(cp, at + len, kOakleyAttrs, true);
      o() << ')';
      if (r == kNone) return cut(11);
    } else if (type == 24577) {  // REPLAY-STATUS
      o() << " status=(";
      bool on = be32_at(m, cp) != 0;  // read before the text, as tcpdump's GET_BE_U_4
      o() << "replay detection " << (on ? "en" : "dis") << "abled)";
    } else if (verbose() > 3) {
      o() << " data=(";
      hex_bytes(o(), m.subspan(cp));
      o() << ')';
    } else if (!somedata(cp)) {
      return cut(11);
    }
  }
  return at + len;
}

std::size_t Walk::v1_d(std::size_t at) {
  o() << "d:";
  if (!has(at, 12)) return cut(12);
  std::uint32_t doi = be32_at(m, at + 4);
  unsigned proto = u8_at(m, at + 8), spi = u8_at(m, at + 9), nspi = be16_at(m, at + 10);
  doi_proto(doi, proto);
  o() << " spilen=";
  o().u(spi) << " nspi=";
  o().u(nspi) << " spi=";
  std::size_t q = at + 12;
  for (unsigned k = 0; k < nspi; ++k) {  // at most 65535 (spi bytes each, all captured)
    if (k) o() << ',';
    if (!raw(q, spi)) return cut(12);
    q += spi;
  }
  return q;
}

// cert, cr, d, TSi, TSr, cp, eap (IKEv2): the name and the data's length.
std::size_t Walk::v2_gen(std::uint8_t np, std::size_t at, std::size_t len) {
  std::string name;
  Out n(name);
  payload_name(n, np);
  v2_name(name, at);
  o() << " len=";
  o().u(len - 4);
  if (verbose() > 2) {
    o() << ' ';
    if (!raw(at + 4, len - 4)) return cut(np);
  }
  return at + len;
}

std::size_t Walk::v2_sa(std::uint8_t np, std::size_t at, int depth) {
  v2_name("sa", at);
  std::size_t sa_len = be16_at(m, at + 2) - 4u;
  o() << " len=";
  o().u(sa_len);
  std::size_t cp = at + 4;
  for (std::uint8_t pnp = 2; pnp;) {
    std::size_t ext = cp;
    if (sa_len < 4) {
      o() << " [|";
      payload_name(o(), np) << ']';
      return cp + sa_len;
    }
    if (!has(ext, 4)) return cut(np);
    std::size_t len = be16_at(m, ext + 2);
    if (len <= 4) return cut(np);
    if (sa_len < len) {
      o() << " [|";
      payload_name(o(), np) << ']';
      return cp + sa_len;
    }
    if (!has(ext, len)) return cut(np);
    indent(depth + 1);
    o() << '(';
    if (pnp == 2) {
      cp = v2_p(ext, len, depth + 1);
      if (cp == kNone) return kNone;
    } else {
      payload_name(o(), pnp);
      cp += len;
    }
    o() << ')';
    sa_len -= len;
    pnp = u8_at(m, ext);
  }
  return cp;
}

std::size_t Walk::v2_p(std::size_t at, std::size_t plen, int depth) {
  if (!has(at, 8)) return cut(2);
  v2_name("p", at);
  std::size_t left = plen - 4;
  unsigned proto = u8_at(m, at + 5), spi = u8_at(m, at + 6);
  o() << " #";
  o().u(u8_at(m, at + 4)) << " protoid=";
  str_or_id(o(), nth(kProtoIds, proto), proto) << " transform=";
  o().u(u8_at(m, at + 7)) << " len=";
  o().u(plen);
  std::size_t cp = at + 8;
  auto toolong = [&] {
    o() << " [|p]";
    return cp + left;
  };
  if (spi) {
    if (left < spi) return toolong();
    o() << " spi=";
    if (!raw(cp, spi)) return cut(2);
    cp += spi;
    left -= spi;
  }
  int count = 0;
  for (std::uint8_t tnp = 3; tnp;) {
    ++count;
    std::size_t ext = cp;
    if (left < 4) return toolong();
    if (!has(ext, 4)) return cut(2);
    std::size_t len = be16_at(m, ext + 2);
    if (len <= 4) return cut(2);
    if (left < len) return toolong();
    if (!has(ext, len)) return cut(2);
    indent(depth + 1);
    o() << '(';
    if (tnp == 3) {
      cp = v2_t(count, ext, len);
      if (cp == kNone) return kNone;
    } else {
      payload_name(o(), tnp);
      cp += len;
    }
    o() << ')';
    left -= len;
    tnp = u8_at(m, ext);
  }
  return cp;
}

std::size_t Walk::v2_t(int count, std::size_t at, std::size_t len) {
  if (!has(at, 8)) return cut(3);
  v2_name("t", at);
  unsigned type = u8_at(m, at + 4), id = be16_at(m, at + 6);
  o() << " #";
  o().u(static_cast<unsigned>(count)) << " type=";
  str_or_id(o(), nth(kV2TransformTypes, type), type) << " id=";
  if (type >= 1 && type <= 5) str_or_id(o(), nth(kV2TransformIds[type], id), id);
  else o().u(id);
  o() << ' ';
  std::size_t end = at + len;
  std::size_t cp = attrs(at + 8, end, kEncrAttrs, type == 1);
  if (cp == kNone) return cut(3);
  if (m.size() < end) o() << "...";
  return cp;
}

std::size_t Walk::v2_ke(std::uint8_t np, std::size_t at, std::size_t len) {
  if (!has(at, 8)) return cut(np);
  payload_name(o(), np);
  if (u8_at(m, at + 1) & 0x80) o() << "[C]";
  o() << ':';
  if (len < 8) {
    o() << " len=";
    o().u(len) << " < 8";
    return at + len;
  }
  unsigned group = be16_at(m, at + 4);
  o() << " len=";
  o().u(len - 8) << " group=";
  str_or_id(o(), nth(kDhGroups, group), group);
  if (verbose() > 2 && len > 8) {
    o() << ' ';
    if (!raw(at + 8, len - 8)) return cut(np);
  }
  return at + len;
}

std::size_t Walk::v2_id(std::uint8_t np, std::size_t at, std::size_t len) {
  if (!has(at, 8)) return cut(np);
  std::string name;
  Out n(name);
  payload_name(n, np);
  v2_name(name, at);
  o() << " len=";
  o().u(len - 4);
  if (verbose() > 2) {
    o() << ' ';
    if (!raw(at + 4, len - 4)) return cut(np);
  }
  bool ascii = false, hex = false;
  switch (u8_at(m, at + 4)) {
    case 1: o() << " ipv4:", hex = true; break;
    case 2: o() << " fqdn:", ascii = true; break;
    case 3: o() << " rfc822:", ascii = true; break;
    case 5: o() << " ipv6:", hex = true; break;
    case 9: o() << " dn:", hex = true; break;
    case 10: o() << " gn:", hex = true; break;
    case 11: o() << " keyid:", hex = true; break;
    default: break;
  }
  // A length under 8 leaves tcpdump an unsigned wrap-around: never captured.
  if ((ascii || hex) && (len < 8 || !has(at + 8, len - 8))) return cut(np);
  if (ascii) ascii_or_dot(o(), m.subspan(at + 8, len - 8));
  if (hex) hex_bytes(o(), m.subspan(at + 8, len - 8));
  return at + len;
}

std::size_t Walk::v2_auth(std::uint8_t np, std::size_t at, std::size_t len) {
  if (!has(at, 8)) return cut(np);
  v2_name("v2auth", at);
  unsigned method = u8_at(m, at + 4);
  o() << " len=";
  o().u(len - 4) << " method=";
  str_or_id(o(), nth(kV2AuthMethods, method), method);
  if (verbose() > 1) {
    o() << " authdata=(";
    if (len < 8 || !raw(at + 8, len - 8)) return cut(np);
    o() << ") ";
  } else if (verbose() && !somedata(at + 8)) {
    return cut(np);
  }
  return at + len;
}

std::size_t Walk::v2_nonce(std::uint8_t np, std::size_t at, std::size_t len) {
  v2_name("nonce", at);
  o() << " len=";
  o().u(len - 4);
  if (verbose() > 1) {
    o() << " nonce=(";
    if (!raw(at + 4, len - 4)) return cut(np);
    o() << ") ";
  } else if (verbose() && !somedata(at + 4)) {
    return cut(np);
  }
  return at + len;
}

std::size_t Walk::v2_n(std::size_t at, std::size_t len) {
  if (!has(at, 8)) return cut(11);
  v2_name("n", at);
  unsigned proto = u8_at(m, at + 4), spi = u8_at(m, at + 5), type = be16_at(m, at + 6);
  o() << " prot_id=";
  str_or_id(o(), nth(kProtoIds, proto), proto);
  bool show_spi = true, some = type == 16390;
  std::string_view name;
  for (const auto& n : kV2Notifies)
    if (n.type == type) name = n.name, show_spi = n.spi;
  if (name.empty())
    name = type < 8192 ? "error" : type < 16384 ? "private-error" : type < 40960 ? "status" : "private-status";
  o() << " type=";
  o().u(type) << '(' << name << ')';
  if (show_spi && spi) {
    o() << " spi=";
    if (!raw(at + 8, spi)) return cut(11);
  }
  std::size_t cp = at + 8 + spi;
  if (cp < m.size()) {
    if (verbose() > 3 || (some && m.size() - cp < 30)) {
      o() << " data=(";
      hex_bytes(o(), m.subspan(cp));
      o() << ')';
    } else if (some && !somedata(cp)) {
      return cut(11);
    }
  }
  return at + len;
}

std::size_t Walk::v2_vid(std::uint8_t np, std::size_t at, std::size_t len) {
  v2_name("v2vid", at);
  o() << " len=";
  o().u(len - 4) << " vid=";
  if (!has(at + 4, len - 4)) return cut(np);
  ascii_or_dot(o(), m.subspan(at + 4, len - 4));
  if (verbose() > 2 && len - 4 > 4) o() << ' ', hex_bytes(o(), m.subspan(at + 4, len - 4));
  return at + len;
}

// Encrypted and authenticated: its length (its bytes at -vvv); it ends the
// list (netlab has no keys to open it).
std::size_t Walk::v2_e(std::size_t at, std::size_t len) {
  v2_name("v2e", at);
  o() << " len=";
  o().u(len - 4);
  if (verbose() > 2 && len - 4 > 4) {
    o() << ' ';
    if (!raw(at + 4, len - 4)) return cut(46);
  }
  if (!has(at + 4, len - 4)) return cut(46);
  return kNone;
}

// -v: what follows the exchange line: "[encrypted np]", the payload list,
// and the length check.
void print_tail(PrintCtx& p, const IsakmpL& l, bool v1) {
  Out& o = p.o;
  Bytes m = l.msg;
  o << ':';
  if (u8_at(m, 19) & 0x01) {
    o << " [encrypted ";
    payload_name(o, u8_at(m, 16)) << ']';
  } else {
    Walk w{p, m, !v1};
    w.chain(u8_at(m, 16), kHeaderLen, 0, 0);
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
  unsigned major = u8_at(m, 17) >> 4, minor = u8_at(m, 17) & 0x0fu;
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

// ---- JSON: the payloads as typed objects -------------------------------------
//
// One object per payload of the top-level list (none when the E flag says
// the list is encrypted): its type, next payload, length and the fields of
// its kind. Each payload's body is read through a ByteReader over its
// stated length; a body shorter than its fields is "malformed", a payload
// past the capture "truncated", and both end the list, as does a length
// under 4 ("bad_length"). Everything walked lies inside the capture.

namespace {

std::string_view payload_text(std::uint8_t np) { return np < std::size(kPayloads) ? kPayloads[np] : "unknown"; }

// Data attributes (RFC 2408 3.3) up to the end of r.
void json_attrs(JsonWriter& w, ByteReader& r) {
  w.key("attributes");
  w.begin_array();
  while (r.remaining() >= 4) {
    std::uint16_t t = r.be16(), v = r.be16();
    w.begin_object();
    w.member("type", static_cast<unsigned>(t & 0x7fffu));
    if (t & 0x8000u) {
      w.member("value", v);
    } else {
      if (!r.has(v)) {
        w.member("truncated", true);
        w.end_object();
        break;
      }
      w.member("data", hex_text(r.bytes(v)));
    }
    w.end_object();
  }
  w.end_array();
}

// A list of substructures (proposals, transforms) with generic headers in r.
template <typename F>
void json_subs(JsonWriter& w, std::string_view key, ByteReader& r, F&& each) {
  w.key(key);
  w.begin_array();
  while (r.remaining() >= 4) {
    std::uint8_t more = r.peek8(0);
    std::size_t len = r.peek16(2);
    if (len < 8 || !r.has(len)) {  // each substructure has at least 8 bytes
      w.begin_object();
      w.member("bad_length", len);
      w.end_object();
      break;
    }
    ByteReader s = r.clamp(len);
    r.skip(len);
    s.skip(4);
    w.begin_object();
    bool ok = true;
    try {
      each(s);  // throws only before it opens a container of its own
    } catch (const Truncated&) {
      ok = false;
    }
    if (!ok) w.member("malformed", true);
    w.end_object();
    if (!ok || !more) break;
  }
  w.end_array();
}

void json_v1_sa(JsonWriter& w, ByteReader& r) {
  std::uint32_t doi = r.be32(), sit = r.be32();
  w.member("doi", doi);
  w.member("situation", sit);
  if (doi != 1) return;
  if (sit != 1) r.skip(4);  // labelled domain identifier
  json_subs(w, "proposals", r, [&](ByteReader& p) {
    std::uint8_t no = p.u8(), proto = p.u8(), spi = p.u8(), nt = p.u8();
    w.member("number", no);
    w.member("protocol_id", proto);
    w.member("protocol", proto < std::size(kProtoIds) ? kProtoIds[proto] : std::string_view{});
    w.member("transform_count", nt);
    w.member("spi", hex_text(p.bytes(spi)));
    json_subs(w, "transforms", p, [&](ByteReader& t) {
      w.member("number", t.u8());
      w.member("id", t.u8());
      t.skip(2);
      json_attrs(w, t);
    });
  });
}

void json_v2_sa(JsonWriter& w, ByteReader& r) {
  json_subs(w, "proposals", r, [&](ByteReader& p) {
    std::uint8_t no = p.u8(), proto = p.u8(), spi = p.u8(), nt = p.u8();
    w.member("number", no);
    w.member("protocol_id", proto);
    w.member("protocol", proto < std::size(kProtoIds) ? kProtoIds[proto] : std::string_view{});
    w.member("transform_count", nt);
    w.member("spi", hex_text(p.bytes(spi)));
    json_subs(w, "transforms", p, [&](ByteReader& t) {
      std::uint8_t type = t.u8();
      t.skip(1);
      std::uint16_t id = t.be16();
      w.member("type", type);
      w.member("type_name", nth(kV2TransformTypes, type));
      w.member("id", id);
      w.member("id_name", type >= 1 && type <= 5 ? nth(kV2TransformIds[type], id) : std::string_view{});
      json_attrs(w, t);
    });
  });
}

// IKEv1 ID (IPsec DOI, RFC 2407 4.6.2) and IKEv2 ID (RFC 7296 3.5) data.
void json_id_data(JsonWriter& w, unsigned type, Bytes data, bool v2) {
  if (type == 1 && data.size() >= 4) w.member("address", ip4_text(data.first(4)));
  else if (type == 5 && data.size() >= 16) w.member("address", ip6_text(data.first(16)));
  else if (type == 2 || type == 3) w.member("name", std::string(data.begin(), data.end()));
  else if (!v2 && type == 4 && data.size() >= 8)
    w.member("address", ip4_text(data.first(4))), w.member("mask", ip4_text(data.subspan(4, 4)));
  else if (!v2 && type == 7 && data.size() >= 8)
    w.member("start", ip4_text(data.first(4))), w.member("end", ip4_text(data.subspan(4, 4)));
  else if (!v2 && (type == 6 || type == 8) && data.size() >= 32) {
    w.member(type == 6 ? "address" : "start", ip6_text(data.first(16)));
    w.member(type == 6 ? "mask" : "end", ip6_text(data.subspan(16, 16)));
  } else {
    w.member("data", hex_text(data));
  }
}

// IKEv2 traffic selectors (RFC 7296 3.13.1).
void json_ts(JsonWriter& w, ByteReader& r) {
  std::uint8_t n = r.u8();
  r.skip(3);
  w.member("count", n);
  w.key("selectors");
  w.begin_array();
  for (unsigned k = 0; k < n && r.remaining() >= 4; ++k) {
    std::uint8_t type = r.u8(), proto = r.u8();
    std::size_t len = r.be16();
    if (len < 8 || !r.has(len - 4)) break;
    ByteReader s = r.clamp(len - 4);
    r.skip(len - 4);
    w.begin_object();
    w.member("type", type);
    w.member("protocol", proto);
    w.member("start_port", s.be16());
    w.member("end_port", s.be16());
    std::size_t alen = type == 7 ? 4 : type == 8 ? 16 : 0;
    if (alen && s.has(2 * alen)) {
      Bytes a = s.bytes(2 * alen);
      w.member("start_address", alen == 4 ? ip4_text(a.first(4)) : ip6_text(a.first(16)));
      w.member("end_address", alen == 4 ? ip4_text(a.subspan(4, 4)) : ip6_text(a.subspan(16, 16)));
    }
    w.end_object();
  }
  w.end_array();
}

void json_spis(JsonWriter& w, ByteReader& r, unsigned size, unsigned count) {
  w.key("spis");
  w.begin_array();
  for (unsigned k = 0; k < count && r.has(size); ++k) w.value(hex_text(r.bytes(size)));
  w.end_array();
}

// The fields of one payload of type np from its body r.
void json_payload(JsonWriter& w, std::uint8_t np, ByteReader& r, bool v2) {
  switch (np) {
    case 1: json_v1_sa(w, r); break;
    case 33: json_v2_sa(w, r); break;
    case 34: {
      std::uint16_t g = r.be16();
      r.skip(2);
      w.member("group", g);
      w.member("group_name", nth(kDhGroups, g));
      w.member("data_length", r.remaining());
      break;
    }
    case 5: {
      std::uint8_t type = r.u8(), proto = r.u8();
      std::uint16_t port = r.be16();
      w.member("id_type", type);
      w.member("id_type_name", nth(kIpsecIdTypes, type));
      w.member("protocol", proto);
      w.member("port", port);
      json_id_data(w, type, r.rest(), false);
      break;
    }
    case 35:
    case 36: {
      std::uint8_t type = r.u8();
      r.skip(3);
      w.member("id_type", type);
      json_id_data(w, type, r.rest(), true);
      break;
    }
    case 6:
    case 7:
    case 37:
    case 38: {
      std::uint8_t enc = r.u8();
      w.member("encoding", enc);
      if (np < 33) w.member("encoding_name", nth(kCertTypes, enc));
      w.member("data_length", r.remaining());
      break;
    }
    case 11: {
      std::uint32_t doi = r.be32();
      std::uint8_t proto = r.u8(), spi = r.u8();
      std::uint16_t type = r.be16();
      w.member("doi", doi);
      w.member("protocol_id", proto);
      w.member("notify_type", type);
      w.member("spi", hex_text(r.bytes(spi)));
      w.member("data_length", r.remaining());
      break;
    }
    case 41: {
      std::uint8_t proto = r.u8(), spi = r.u8();
      std::uint16_t type = r.be16();
      std::string_view name;
      for (const auto& n : kV2Notifies)
        if (n.type == type) name = n.name;
      w.member("protocol_id", proto);
      w.member("notify_type", type);
      w.member("notify_name", name);
      w.member("spi", hex_text(r.bytes(spi)));
      w.member("data", hex_text(r.rest()));
      break;
    }
    case 12: {
      std::uint32_t doi = r.be32();
      std::uint8_t proto = r.u8(), spi = r.u8();
      std::uint16_t n = r.be16();
      w.member("doi", doi);
      w.member("protocol_id", proto);
      w.member("spi_size", spi);
      w.member("spi_count", n);
      json_spis(w, r, spi, n);
      break;
    }
    case 42: {
      std::uint8_t proto = r.u8(), spi = r.u8();
      std::uint16_t n = r.be16();
      w.member("protocol_id", proto);
      w.member("spi_size", spi);
      w.member("spi_count", n);
      json_spis(w, r, spi, n);
      break;
    }
    case 39: {
      std::uint8_t method = r.u8();
      r.skip(3);
      w.member("method", method);
      w.member("method_name", nth(kV2AuthMethods, method));
      w.member("data_length", r.remaining());
      break;
    }
    case 44:
    case 45: json_ts(w, r); break;
    case 13:
    case 43: w.member("data", hex_text(r.rest())); break;
    case 46: w.member("data_length", r.remaining()); break;
    default: w.member("data_length", r.remaining()); break;  // ke, hash, sig, nonce, cp, eap, others
  }
  (void)v2;
}

void json_payload_list(JsonWriter& w, Bytes m, bool v2) {
  w.key("payloads");
  w.begin_array();
  std::uint8_t np = u8_at(m, 16);
  std::size_t at = kHeaderLen;
  while (np) {  // every step moves 4 bytes or more: the list ends within the capture
    w.begin_object();
    w.member("type", np);
    w.member("type_name", payload_text(np));
    if (at > m.size() || m.size() - at < 4) {
      w.member("truncated", true);
      w.end_object();
      break;
    }
    std::uint8_t next = u8_at(m, at);
    std::size_t len = be16_at(m, at + 2);
    w.member("next_payload", next);
    w.member("critical", (u8_at(m, at + 1) & 0x80) != 0);
    w.member("length", len);
    if (len < 4) {
      w.member("bad_length", true);
      w.end_object();
      break;
    }
    if (m.size() - at < len) {
      w.member("truncated", true);
      w.end_object();
      break;
    }
    ByteReader r(m.subspan(at + 4, len - 4));
    bool ok = true;
    try {
      json_payload(w, np, r, v2);
    } catch (const Truncated&) {
      ok = false;  // members written so far stay; the object is still open
    }
    if (!ok) w.member("malformed", true);
    w.end_object();
    if (!ok || (v2 && np == 46)) break;
    np = next;
    at += len;
  }
  w.end_array();
}

}  // namespace

// The header's fields as numbers and names, then the payloads (when not
// encrypted).
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
  w.member("next_payload", u8_at(m, 16));
  w.member("major_version", u8_at(m, 17) >> 4);
  w.member("minor_version", u8_at(m, 17) & 0x0fu);
  w.member("exchange_type", u8_at(m, 18));
  w.member("flags", u8_at(m, 19));
  w.member("message_id", be32_at(m, 20));
  w.member("message_length", be32_at(m, 24));
  unsigned major = u8_at(m, 17) >> 4;
  if (major == 1) w.member("side", std::string_view(&l.side, 1));
  if ((major == 1 || major == 2) && !(u8_at(m, 19) & 0x01)) json_payload_list(w, m, major == 2);
}

}  // namespace netlab::proto
