// RIP: the Routing Information Protocol, version 1 (RFC 1058) and 2
// (RFC 2453) with its simple-password and cryptographic authentication
// entries (RFC 2453 4.1, RFC 4822), on UDP port 520. The text follows
// tcpdump 4.99.3's print-rip.c: "RIPv2, Response, length: 24" at -n; from
// -v the route count and one line an entry ("AFI IPv4,     10.70.178.0/24,
// tag 0x0000, metric: 1, next-hop: self"), an entry not whole in what is
// left " [|rip]", an entry longer than what is left " [remaining entries
// length 16 < 20] (invalid)"; -vv adds a hex dump of the message.
#include <cstdio>

#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::size_t kHeader = 4;
constexpr std::size_t kRoute = 20;
constexpr std::size_t kAuthLen = 16;
constexpr std::size_t kCryptoHeader = 16;  // RFC 4822 2.1: the entry after its family and type

constexpr Tok kCommands[] = {{1, "Request"},   {2, "Response"}, {3, "Trace on"},
                             {4, "Trace off"}, {5, "Poll"},     {6, "Poll Entry"}};
// tcpdump's bsd_af_values (af.c): BSD's address family numbers.
constexpr Tok kBsdFamilies[] = {{2, "IPv4"}, {6, "NS"},    {7, "ISO"},   {16, "Appletalk"},
                                {23, "IPX"}, {24, "IPv6"}, {28, "IPv6"}, {30, "IPv6"}};
constexpr std::uint16_t kAfInet = 2;
constexpr std::uint16_t kAuthFamily = 0xffff;

// tcpdump's mask2plen: the prefix length of a contiguous mask, else -1.
int mask_length(std::uint32_t mask) {
  for (int n = 32; n >= 0; --n) {
    std::uint32_t m = n == 0 ? 0 : ~std::uint32_t(0) << (32 - n);
    if (m == mask) return n;
  }
  return -1;
}

// The hex lines of tcpdump's print_unknown_data: nothing when `at` is past
// the capture (tcpdump then prints its "Dissector error" line instead).
void unknown_data(Out& o, Bytes m, std::size_t at, std::size_t len, std::string_view indent) {
  if (at > m.size()) {
    o << indent << "Dissector error: print_unknown_data called with pointer past end of packet";
    return;
  }
  print_unknown_data(o, m.subspan(at), len, indent);
}

// One RFC 1058 entry at m[at], `left` bytes of the message left: the bytes
// it takes, 0 where tcpdump's entry printer gives up (" [|rip]").
std::size_t entry_v1(Out& o, Bytes m, std::size_t at, std::size_t left) {
  if (left < kRoute || m.size() - at < kRoute) return 0;
  std::uint16_t family = be16_at(m, at);
  if (family != kAfInet && family != 0) {
    o << "\n\t AFI ";
    tok_print(o, kBsdFamilies, family, "Unknown (", ")");
    o << ", ";
    unknown_data(o, m, at + 4, kRoute - 4, "\n\t  ");
    return kRoute;
  }
  if (be16_at(m, at + 2) || be32_at(m, at + 8) || be32_at(m, at + 12)) {
    unknown_data(o, m, at, kRoute, "\n\t  ");  // must-be-zero fields set
    return kRoute;
  }
  o << (family == 0 ? "\n\t  AFI 0, " : "\n\t  ");
  o.ip4(sub(m, at + 4, 4)) << ", metric: ";
  o.u(be32_at(m, at + 16));
  return kRoute;
}

// One RFC 2453 entry (a route or an authentication entry) at m[at].
std::size_t entry_v2(Out& o, Bytes m, std::size_t at, std::size_t left) {
  if (left < 4 || m.size() - at < 4) return 0;
  std::uint16_t family = be16_at(m, at);
  if (family == kAuthFamily) {
    std::uint16_t type = be16_at(m, at + 2);
    std::size_t p = at + 4, rest = left - 4;
    if (type == 2) {  // simple password: up to 16 characters, NUL padded
      o << "\n\t  Simple Text Authentication data: ";
      std::size_t n = kAuthLen, k = 0;
      bool cut = true;
      while (n > 0 && k < rest) {
        --n;
        std::uint8_t ch = sub(m, p + k++, 1)[0];
        if (!ch) {
          cut = false;
          break;
        }
        print_char(o, ch);
      }
      if (n > 0 && cut) return 0;
    } else if (type == 3) {  // RFC 4822 cryptographic authentication header
      if (m.size() - p < kCryptoHeader || rest < kCryptoHeader) return 0;
      o << "\n\t  Auth header: Packet Len ";
      o.u(be16_at(m, p)) << ", Key-ID ";
      o.u(m[p + 2]) << ", Auth Data Len ";
      o.u(m[p + 3]) << ", SeqNo ";
      o.u(be32_at(m, p + 4)) << ", MBZ ";
      o.u(be32_at(m, p + 8)) << ", MBZ ";
      o.u(be32_at(m, p + 12));
    } else {  // the trailer (1) and unknown types run to the message's end
      if (type == 1)
        o << "\n\t  Auth trailer:";
      else
        o << "\n\t  Unknown (", o.u(type) << ") Authentication data:";
      unknown_data(o, m, p, rest, "\n\t  ");
      return left;
    }
  } else if (family != kAfInet && family != 0) {
    o << "\n\t  AFI ";
    tok_print(o, kBsdFamilies, family, "Unknown (", ")");
    unknown_data(o, m, at + 4, kRoute - 4, "\n\t  ");
  } else {
    if (m.size() - at < kRoute || left < kRoute) return 0;
    o << "\n\t  AFI ";
    tok_print(o, kBsdFamilies, family, "", "");
    std::string addr;
    Out a(addr);
    a.ip4(sub(m, at + 4, 4));
    char plen[16];
    std::snprintf(plen, sizeof plen, "%-2d", mask_length(be32_at(m, at + 8)));
    o << ", ";
    for (std::size_t k = addr.size(); k < 15; ++k) o << ' ';
    o << addr << '/' << plen << ", tag 0x";
    o.hex(be16_at(m, at + 2), 4) << ", metric: ";
    o.u(be32_at(m, at + 16)) << ", next-hop: ";
    if (be32_at(m, at + 12))
      o.ip4(sub(m, at + 12, 4));
    else
      o << "self";
  }
  return kRoute;
}

// The entry list of a request or response.
void entries(PrintCtx& p, Bytes m, std::size_t len, unsigned version) {
  Out& o = p.o;
  std::size_t at = kHeader;
  while (len != 0) {
    std::size_t n = version == 1 ? entry_v1(o, m, at, len) : entry_v2(o, m, at, len);
    if (n == 0) {
      o << " [|rip]";
      break;
    }
    if (len < n) {
      o << " [remaining entries length ";
      o.u(len) << " < ";
      o.u(n) << "] (invalid)";
      break;
    }
    at += n;
    len -= n;
  }
}

}  // namespace

void decode_rip(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "rip";
  auto& l = c.d.push<RipL>();
  l.msg = r.rest();
  l.length = length;
  if (l.msg.size() < kHeader) c.d.last()->status = Status::Truncated;  // for JSON; the text stops where tcpdump does
}

void print_rip(PrintCtx& p, std::size_t i) {
  p.proto = "rip";
  const auto& l = at<RipL>(p.d, i);
  Bytes m = l.msg;
  Out& o = p.o;
  std::size_t len = std::min<std::size_t>(m.size(), l.length);
  if (len < kHeader) {
    o << " [|rip]";
    return;
  }
  len -= kHeader;  // m stays the whole capture: tcpdump's entry checks are against it
  std::uint8_t version = m[1], cmd = m[0];
  if (p.opt.verbose) o << "\n\t";
  o << "RIPv";
  o.u(version);
  if (version == 0) {  // RFC 1058: to be ignored; tcpdump dumps it
    print_unknown_data(o, m, l.length, "\n\t");
    return;
  }
  o << ", ";
  tok_print(o, kCommands, cmd, "unknown command (", ")");
  o << ", length: ";
  o.u(l.length);
  if (!p.opt.verbose) return;
  switch (cmd) {
    case 1:
    case 2:
      if (version == 1 || version == 2) {
        o << ", routes: ";
        o.u(l.length / kRoute);
        if (version == 2) o << " or less";
        entries(p, m, len, version);
      } else {
        o << ", unknown version";
      }
      break;
    case 4:
    case 5:
    case 6:
      break;
    default:
      if (p.opt.verbose <= 1) print_unknown_data(o, m, l.length, "\n\t");
      break;
  }
  if (p.opt.verbose > 1) print_unknown_data(o, m, l.length, "\n\t");
}

// The header and the entries as objects: routes with their fields,
// authentication entries with their type (the password and digest left
// out: they are credentials).
void json_rip(JsonWriter& w, const RipL& l) {
  w.member("layer", "rip");
  w.member("length", l.length);
  Bytes m = l.msg.first(std::min<std::size_t>(l.msg.size(), l.length));
  try {
    std::uint8_t cmd = sub(m, 0, 1)[0], version = sub(m, 1, 1)[0];
    w.member("version", version);
    w.member("command_code", cmd);
    if (auto name = tok_name(kCommands, cmd); !name.empty()) w.member("command", name);
    if (version == 0 || (cmd != 1 && cmd != 2)) return;
    w.key("entries");
    w.begin_array();
    std::size_t at = kHeader;
    try {
      while (at + 4 <= l.length && at < m.size()) {
        std::uint16_t family = be16_at(m, at);
        w.begin_object();
        if (version >= 2 && family == kAuthFamily) {
          std::uint16_t type = be16_at(m, at + 2);
          w.member("auth_type", type);
          if (type == 3) {
            Bytes h = sub(m, at + 4, kCryptoHeader);
            w.member("packet_length", be16_at(h, 0));
            w.member("key_id", h[2]);
            w.member("auth_data_length", h[3]);
            w.member("sequence", be32_at(h, 4));
          }
          w.end_object();
          if (type != 2 && type != 3) break;  // runs to the end
          at += kRoute;
          continue;
        }
        w.member("family", family);
        Bytes e = sub(m, at, kRoute);
        w.member("address", ip4_text(e.subspan(4, 4)));
        if (version >= 2) {
          w.member("tag", be16_at(e, 2));
          w.member("prefix_length", mask_length(be32_at(e, 8)));
          w.member("next_hop", ip4_text(e.subspan(12, 4)));
        }
        w.member("metric", be32_at(e, 16));
        w.end_object();
        at += kRoute;
      }
    } catch (const Truncated&) {
      w.member("truncated", true);
      w.end_object();
    }
    w.end_array();
  } catch (const Truncated&) {
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
