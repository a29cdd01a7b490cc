// Output helpers, checksums, name tables and the TCP sequence tracker shared
// by the protocol files.
#include "proto/proto.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace netlab::proto {
namespace {
constexpr char kHex[] = "0123456789abcdef";
}

namespace {
constexpr std::size_t kSlack = 256;  // most packet lines in one grow (each grow zero-fills it)

// Two digits per division (most numbers on a line are ports, lengths and
// sequence numbers, printed several times per packet).
constexpr char kPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

constexpr std::uint64_t kPow10[20] = {1ull,
                                      10ull,
                                      100ull,
                                      1000ull,
                                      10000ull,
                                      100000ull,
                                      1000000ull,
                                      10000000ull,
                                      100000000ull,
                                      1000000000ull,
                                      10000000000ull,
                                      100000000000ull,
                                      1000000000000ull,
                                      10000000000000ull,
                                      100000000000000ull,
                                      1000000000000000ull,
                                      10000000000000000ull,
                                      100000000000000000ull,
                                      1000000000000000000ull,
                                      10000000000000000000ull};

// The number of decimal digits of v (1 for 0): log10 from the bit length
// (1233/4096 ~ log10(2)), corrected by one comparison.
[[gnu::always_inline]] inline int decimal_digits(std::uint64_t v) noexcept {
  if (v < 10) return 1;
  const int bits = 64 - __builtin_clzll(v);
  const int t = (bits * 1233) >> 12;
  return t + 1 - (v < kPow10[t] ? 1 : 0);
}

// Two digits from the pair table.
inline void put_pair(char* q, std::uint32_t v) noexcept { std::memcpy(q, kPairs + 2 * v, 2); }

// Writes v's n digits ending at end (n from decimal_digits, or more for zero
// padding). Eight digits at a time split into independent halves: the chain
// of divisions, not the stores, is what a ten-digit sequence number costs.
[[gnu::always_inline]] inline void write_decimal(char* end, std::uint64_t v, int n) noexcept {
  char* q = end;
  while (v >= 100000000) {
    const std::uint64_t hi = v / 100000000;
    const auto lo = static_cast<std::uint32_t>(v - hi * 100000000);
    const std::uint32_t a = lo / 10000, b = lo % 10000;
    put_pair(q - 8, a / 100);
    put_pair(q - 6, a % 100);
    put_pair(q - 4, b / 100);
    put_pair(q - 2, b % 100);
    q -= 8;
    v = hi;
  }
  auto w = static_cast<std::uint32_t>(v);
  while (w >= 100) {
    put_pair(q - 2, w % 100);
    w /= 100;
    q -= 2;
  }
  if (w >= 10) {
    put_pair(q - 2, w);
    q -= 2;
  } else {
    *--q = static_cast<char>('0' + w);
  }
  while (q > end - n) *--q = '0';
}

// Each byte's decimal text (1 to 3 characters) and its length in the fourth
// byte: an IPv4 address is four fixed-size copies.
struct ByteText {
  std::array<std::array<char, 4>, 256> t{};
  constexpr ByteText() {
    for (unsigned v = 0; v < 256; ++v) {
      unsigned n = 0;
      if (v >= 100) t[v][n++] = static_cast<char>('0' + v / 100);
      if (v >= 10) t[v][n++] = static_cast<char>('0' + v / 10 % 10);
      t[v][n++] = static_cast<char>('0' + v % 10);
      t[v][3] = static_cast<char>(n);
    }
  }
};
constexpr ByteText kByteText;
}  // namespace

char* Out::grow(std::size_t n) {
  if (!buffered_) return nullptr;
  const std::size_t used = p_ ? static_cast<std::size_t>(p_ - s_.data()) : s_.size();
  s_.resize(used + std::max(n + 1, kSlack));  // the slack is cut again by sync()
  p_ = s_.data() + used;
  end_ = s_.data() + s_.size();
  return p_;
}

void Out::slow_write(const char* v, std::size_t n) {
  if (n == 0) return;  // v may be null
  if (char* w = grow(n)) {
    std::memcpy(w, v, n);
    p_ += n;
  } else {
    s_.append(v, n);
  }
}

void Out::slow_put(char c) { slow_write(&c, 1); }

Out& Out::u(std::uint64_t v) { return u(v, 1); }  // every number has at least one digit

Out& Out::u(std::uint64_t v, int width) {
  const int n = std::max(decimal_digits(v), std::clamp(width, 1, 20));
  char tmp[20];
  char* w = room(20);
  write_decimal((w ? w : tmp) + n, v, n);
  if (w) p_ += n;
  else s_.append(tmp, static_cast<std::size_t>(n));
  return *this;
}

Out& Out::i(std::int64_t v) {
  if (v < 0) {
    *this << '-';
    return u(static_cast<std::uint64_t>(-(v + 1)) + 1);
  }
  return u(static_cast<std::uint64_t>(v));
}

Out& Out::hex(std::uint64_t v, int width) {
  int n = 1;
  while (n < 16 && (v >> (4 * n))) ++n;
  n = std::max(n, std::min(width, 16));
  char tmp[16];
  char* w = room(16);
  char* q = (w ? w : tmp) + n;
  for (int k = 0; k < n; ++k, v >>= 4) *--q = kHex[v & 0xf];
  if (w) p_ += n;
  else s_.append(tmp, static_cast<std::size_t>(n));
  return *this;
}

Out& Out::ip4(Bytes b) {
  // Written in place: every IPv4 line has two.
  char tmp[20];
  char* w = room(20);
  char* q = w ? w : tmp;
  char* start = q;
  for (std::size_t k = 0; k < 4 && k < b.size(); ++k) {
    const auto& t = kByteText.t[b[k]];
    std::memcpy(q, t.data(), 4);  // the fourth byte is overwritten next, or cut
    q += t[3];
    *q++ = '.';
  }
  if (q > start) --q;  // no dot after the last byte
  if (w) p_ = q;
  else s_.append(tmp, static_cast<std::size_t>(q - start));
  return *this;
}

// RFC 5952 text: lower case, longest run (>= 2) of zero groups as "::",
// IPv4-mapped and -compatible forms as inet_ntop prints them.
Out& Out::ip6(Bytes b) {
  if (b.size() < 16) return *this;
  std::uint16_t g[8];
  for (int k = 0; k < 8; ++k) g[k] = static_cast<std::uint16_t>(b[2 * k] << 8 | b[2 * k + 1]);
  int best = -1, best_len = 0;
  for (int k = 0; k < 8;) {
    if (g[k] != 0) {
      ++k;
      continue;
    }
    int e = k;
    while (e < 8 && g[e] == 0) ++e;
    if (e - k > best_len) {
      best = k;
      best_len = e - k;
    }
    k = e;
  }
  if (best_len < 2) best = -1;
  bool v4_tail = best == 0 && (best_len == 6 || (best_len == 5 && g[5] == 0xffff));
  for (int k = 0; k < 8; ++k) {
    if (k == best) {
      *this << (k == 0 ? "::" : ":");
      k += best_len - 1;
      continue;
    }
    if (v4_tail && k == 6) {
      ip4(b.subspan(12, 4));
      break;
    }
    hex(g[k]);
    if (k < 7) *this << ':';
  }
  return *this;
}

Out& Out::mac(Bytes b) {
  // Six bytes in place (17 characters); longer link addresses a chunk at a time.
  char tmp[24];
  for (std::size_t at = 0; at < b.size(); at += 8) {
    const std::size_t m = std::min<std::size_t>(8, b.size() - at);
    char* w = room(24);
    char* q = w ? w : tmp;
    char* start = q;
    for (std::size_t k = 0; k < m; ++k) {
      if (at + k) *q++ = ':';
      *q++ = kHex[b[at + k] >> 4];
      *q++ = kHex[b[at + k] & 0xf];
    }
    if (w) p_ = q;
    else s_.append(tmp, static_cast<std::size_t>(q - start));
  }
  return *this;
}

void print_unknown_data(Out& o, Bytes b, std::size_t len, std::string_view indent) {
  Bytes d = b.first(std::min(len, b.size()));
  for (std::size_t k = 0; k < d.size(); k += 2) {
    if (k % 16 == 0) o << indent << "0x", o.hex(k, 4) << ": ";
    o << ' ';
    o.hex(d[k], 2);
    if (k + 1 < d.size()) o.hex(d[k + 1], 2);
  }
}

void hex_dump(Out& o, Bytes b, bool ascii, std::size_t offset) {
  std::size_t n = b.size();
  if (!ascii) {
    std::size_t k = 0;
    for (; k + 1 < n; k += 2) {
      if (k % 16 == 0) {
        o << "\n\t0x";
        o.hex(offset + k, 4) << ": ";
      }
      o << ' ';
      o.hex(b[k], 2).hex(b[k + 1], 2);
    }
    if (n & 1) {
      if (k % 16 == 0) {
        o << "\n\t0x";
        o.hex(offset + k, 4) << ": ";
      }
      o << ' ';
      o.hex(b[k], 2);
    }
    return;
  }
  for (std::size_t line = 0; line < n; line += 16) {
    std::size_t end = std::min(n, line + 16);
    o << "\n\t0x";
    o.hex(offset + line, 4) << ": ";
    std::size_t width = 0;
    std::size_t k = line;
    for (; k + 1 < end; k += 2) {
      o << ' ';
      o.hex(b[k], 2).hex(b[k + 1], 2);
      width += 5;
    }
    if (k < end) {
      o << ' ';
      o.hex(b[k], 2);
      width += 3;
    }
    for (; width < 40; ++width) o << ' ';
    o << "  ";
    for (k = line; k < end; ++k) o << static_cast<char>(b[k] > 0x20 && b[k] < 0x7f ? b[k] : '.');
  }
}

void print_char(Out& o, std::uint8_t c) {
  if (c & 0x80) {
    c &= 0x7f;
    o << "M-";
  }
  if (c < 0x20 || c == 0x7f) {
    c ^= 0x40;
    o << '^';
  }
  o << static_cast<char>(c);
}

std::uint32_t ones_sum(Bytes b, std::uint32_t acc) {
  // RFC 1071: big-endian 16-bit words summed with end-around carry. Eight
  // bytes at a time into a 64-bit accumulator; carries fold at the end.
  std::size_t n = b.size(), k = 0;
  std::uint64_t s = acc;
  const std::uint8_t* d = b.data();
  for (; k + 8 <= n; k += 8) {
    std::uint32_t hi, lo;
    std::memcpy(&hi, d + k, 4);
    std::memcpy(&lo, d + k + 4, 4);
    s += __builtin_bswap32(hi);
    s += __builtin_bswap32(lo);
  }
  for (; k + 1 < n; k += 2) s += static_cast<std::uint32_t>(d[k] << 8 | d[k + 1]);
  if (k < n) s += static_cast<std::uint32_t>(d[k] << 8);
  while (s >> 32) s = (s & 0xffffffffu) + (s >> 32);
  return static_cast<std::uint32_t>(s);
}

std::uint16_t fold_checksum(std::uint32_t acc) {
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<std::uint16_t>(~acc & 0xffff);
}

// The checksum field value that would make the sum come out right.
std::uint16_t cksum_shouldbe(std::uint16_t sum, std::uint16_t computed) {
  std::uint32_t s = static_cast<std::uint16_t>(~sum & 0xffff);
  s += static_cast<std::uint16_t>(~computed & 0xffff);  // ~computed is the folded sum
  s = (s >> 16) + (s & 0xffff);
  s += s >> 16;
  return static_cast<std::uint16_t>(~s & 0xffff);
}

std::uint16_t l4_checksum(const Decoded& d, std::size_t ip, std::uint8_t proto, Bytes segment,
                          std::uint32_t pseudo_length) {
  std::uint32_t acc = 0;
  if (pseudo_length == 0) pseudo_length = static_cast<std::uint32_t>(segment.size());
  if (is<Ipv4L>(d, ip)) {
    const auto& h = at<Ipv4L>(d, ip);
    acc = ones_sum(h.src);
    acc = ones_sum(h.dst, acc);
    acc += proto;
    acc += pseudo_length;
  } else {
    const auto& h = at<Ipv6L>(d, ip);
    Bytes dst = h.dst;
    // With a routing header that has segments left, the final destination
    // is the last address of the header (RFC 8200 8.1).
    for (std::size_t k = ip + 1; k < d.size(); ++k) {
      if (!is<Ipv6ExtL>(d, k)) break;
      const auto& e = at<Ipv6ExtL>(d, k);
      if (e.type == 43 && e.body.size() >= 8 && e.body[3] > 0) {
        std::uint8_t rtype = e.body[2];
        if (rtype == 0 || rtype == 4) {
          std::size_t n = (e.body.size() - 8) / 16;
          if (n > 0) {
            std::size_t off = rtype == 0 ? 8 + 16 * (n - 1) : 8;  // SRH lists the final segment first
            dst = e.body.subspan(off, 16);
          }
        }
      }
    }
    acc = ones_sum(h.src);
    acc = ones_sum(dst, acc);
    std::uint32_t len = pseudo_length;
    acc += len >> 16;
    acc += len & 0xffff;
    acc += proto;
  }
  acc = ones_sum(segment, acc);
  return fold_checksum(acc);
}

namespace {

// tcpdump's ethertype_values, as far as netlab names them.
constexpr Tok kEthertypes[] = {
    {0x0800, "IPv4"}, {0x0806, "ARP"}, {0x8035, "Reverse ARP"}, {0x86dd, "IPv6"}, {0x8100, "802.1Q"},
    {0x88a8, "802.1Q-QinQ"}, {0x9100, "802.1Q-9100"}, {0x9200, "802.1Q-9200"}, {0x8847, "MPLS unicast"},
    {0x8848, "MPLS multicast"}, {0x8863, "PPPoE D"}, {0x8864, "PPPoE S"}, {0x888e, "EAPOL"}, {0x88cc, "LLDP"},
    {0x8809, "Slow Protocols"}, {0x880b, "PPP"}, {0x8137, "IPX"}, {0x809b, "Appletalk"},
    {0x80f3, "Appletalk ARP"}, {0x6558, "TEB"}, {0x88e5, "802.1AE MACsec"},
    {0x8902, "CFM"}, {0xabcd, "CFM (old)"}, {0x9000, "Loopback"}, {0x0200, "PUP"}, {0x0600, "NS"}, {0x1000, "Trail"},
    {0x6001, "MOP DL"}, {0x6002, "MOP RC"}, {0x6003, "DN"}, {0x6004, "LAT"}, {0x6007, "SCA"},
    {0x8038, "Lanbridge"}, {0x803c, "DEC DNS"}, {0x803e, "DEC DTS"}, {0x8088, "Geonet-old"},
    {0x8089, "Geonet"}, {0x876b, "TCP/IP Compression"}, {0x88bb, "LWAPP"}, {0x88f7, "PTP"},
    {0x893f, "802.1BR"}, {0x8942, "ARISTA"}, {0x22f3, "TRILL"}, {0x8914, "FCoE Initialization"},
    {0x8906, "FCoE"}, {0x88a2, "AoE"}, {0x886d, "Intel BlueConnector"}, {0x8870, "Jumbo"},
    {0x8892, "PROFINET"}, {0x88ab, "PowerLink"}, {0x9999, "ALU"}, {0x88c7, "PREAUTH"}, {0x00fe, "GRE-OSI"}, {0x894f, "NSH"},
    {0xd28b, "Arista Vendor Specific Protocol"}};

}  // namespace

std::string_view ethertype_name(std::uint16_t type) {
  return tok_name(kEthertypes, type);
}

namespace {

// tcpdump 4.99.3's ipproto_values, entry for entry (checked by
// tests/data/generated/ip-protocols*.pcap: every number, IPv4 and IPv6).
constexpr Tok kIpProtos[] = {
    {0, "Options"}, {1, "ICMP"}, {2, "IGMP"}, {4, "IPIP"}, {6, "TCP"}, {8, "EGP"}, {9, "IGRP"}, {17, "UDP"},
    {33, "DCCP"}, {41, "IPv6"}, {43, "Routing"}, {44, "Fragment"}, {46, "RSVP"}, {47, "GRE"},
    {50, "ESP"}, {51, "AH"}, {55, "Mobile IP"}, {58, "ICMPv6"}, {62, "Mobile IP (old)"},
    {88, "EIGRP"}, {89, "OSPF"}, {103, "PIM"}, {108, "Compressed IP"},
    {112, "VRRP"}, {113, "PGM"}, {132, "SCTP"}, {135, "Mobility"}, {143, "Ethernet"}};

}  // namespace

// tcpdump's unsigned_relts_print (IGMP's max response time, HSRP's timers).
void print_relts(Out& o, std::uint32_t secs) {
  static constexpr std::pair<std::uint32_t, char> kUnits[] = {
      {31536000, 'y'}, {604800, 'w'}, {86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  if (secs == 0) {
    o << "0s";
    return;
  }
  for (auto [unit, name] : kUnits) {
    if (secs < unit) continue;
    o.u(secs / unit) << name;
    secs %= unit;
  }
}

std::string_view ipproto_name(std::uint8_t proto) {
  return tok_name(kIpProtos, proto);
}

std::uint64_t TcpTracker::hash(const Key& k) noexcept {
  // Four 64-bit words of addresses, then the ports: a multiply-xorshift mix
  // per word (any fixed mix does; the table only needs spread, not secrecy).
  std::uint64_t w[4];
  std::memcpy(&w[0], k.src.data(), 8);
  std::memcpy(&w[1], k.src.data() + 8, 8);
  std::memcpy(&w[2], k.dst.data(), 8);
  std::memcpy(&w[3], k.dst.data() + 8, 8);
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ (std::uint64_t(k.port) << 1 | (k.v6 ? 1 : 0));
  for (std::uint64_t x : w) {
    h ^= x;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
  }
  h *= 0x94d049bb133111ebull;
  h ^= h >> 29;
  return h ? h : 1;
}

TcpTracker::Slot* TcpTracker::probe(const Key& k, std::uint64_t h) noexcept {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.hash == 0 || (s.hash == h && s.key == k)) return &s;
  }
}

void TcpTracker::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 256 : old.size() * 2, Slot{});
  for (Slot& s : old)
    if (s.hash) *probe(s.key, s.hash) = s;
}

TcpTracker::Base* TcpTracker::find(const Key& k) {
  if (slots_.empty()) return nullptr;
  Slot* s = probe(k, hash(k));
  return s->hash ? &s->base : nullptr;
}

TcpTracker::Base& TcpTracker::insert(const Key& k) {
  if (used_ >= kMaxEntries) {
    slots_.clear();
    used_ = 0;
  }
  // At most half full, so every probe ends at an empty slot soon.
  if ((used_ + 1) * 2 > slots_.size()) grow();
  const std::uint64_t h = hash(k);
  Slot* s = probe(k, h);
  if (!s->hash) {
    s->hash = h;
    s->key = k;
    s->base = Base{};
    ++used_;
  }
  return s->base;
}

}  // namespace netlab::proto

namespace netlab::proto {

std::string hex_text(Bytes b) {
  std::string s;
  s.reserve(b.size() * 2);
  for (auto x : b) {
    s.push_back(kHex[x >> 4]);
    s.push_back(kHex[x & 15]);
  }
  return s;
}

std::string mac_text(Bytes b) {
  std::string s;
  Out(s).mac(b);
  return s;
}
std::string ip4_text(Bytes b) {
  std::string s;
  Out(s).ip4(b);
  return s;
}
std::string ip6_text(Bytes b) {
  std::string s;
  Out(s).ip6(b);
  return s;
}

void json_echo(JsonWriter& w, Bytes msg) {
  if (msg.size() < 8) return;
  ByteReader r(msg);
  r.skip(4);
  w.member("id", static_cast<unsigned>(r.be16()));
  w.member("seq", static_cast<unsigned>(r.be16()));
}

const Tok* tok_find(std::span<const Tok> table, std::uint32_t v) noexcept {
  for (const auto& t : table)
    if (t.value == v) return &t;
  return nullptr;
}

std::string_view tok_name(std::span<const Tok> table, std::uint32_t v) noexcept {
  const Tok* t = tok_find(table, v);
  return t ? t->name : std::string_view{};
}

Out& tok_print(Out& o, std::span<const Tok> table, std::uint32_t v, std::string_view before, std::string_view after) {
  if (const Tok* t = tok_find(table, v)) return o << t->name;
  o << before;
  return o.u(v) << after;
}

}  // namespace netlab::proto

namespace netlab::proto {

void print_bit_names(Out& o, std::span<const Tok> table, std::uint32_t v, std::string_view none) {
  bool any = false;
  for (const auto& t : table) {
    if (t.value == 0 || (t.value & (t.value - 1)) != 0 || (v & t.value) == 0) continue;
    if (any) o << ", ";
    o << t.name;
    any = true;
  }
  if (!any) o << none;
}

namespace {
// RFC 3232 address family numbers, as tcpdump 4.99.3's af_values (af.h) has
// them: 25 is VPLS and 196 Layer-2 VPN there ("AFI VPLS (25)" in the
// bgp-evpn capture, and crafted CFM and LLDP management addresses).
constexpr Tok kAddressFamilies[] = {
    {0, "Reserved"},     {1, "IPv4"},       {2, "IPv6"},          {3, "NSAP"},
    {4, "HDLC"},         {5, "BBN 1822"},   {6, "802"},           {7, "E.163"},
    {8, "E.164"},        {9, "F.69"},       {10, "X.121"},        {11, "Novell IPX"},
    {12, "Appletalk"},   {13, "Decnet IV"}, {14, "Banyan Vines"}, {15, "E.164 with NSAP subaddress"},
    {25, "VPLS"},        {196, "Layer-2 VPN"}};
}  // namespace

std::span<const Tok> address_families() noexcept { return kAddressFamilies; }

}  // namespace netlab::proto
