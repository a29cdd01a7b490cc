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

// -v: what follows the exchange line. Only what needs no payload walk:
// tcpdump's "[encrypted np]" and the length check.
void print_tail(PrintCtx& p, const IsakmpL& l) {
  Out& o = p.o;
  Bytes m = l.msg;
  o << ':';
  if (m[19] & 0x01) {
    o << " [encrypted ";
    payload_name(o, m[16]) << ']';
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
  if (p.opt.verbose) print_tail(p, l);
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
