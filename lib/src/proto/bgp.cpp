// BGP-4 over TCP 179 (RFC 4271): the messages a segment holds, each found
// by its 16-byte marker. The text follows tcpdump 4.99.3's print-bgp.c:
// ": BGP" at -n; from -v a line per message ("Keepalive Message (4),
// length: 19") with the OPEN's parameters and capabilities (RFC 5492:
// multiprotocol, graceful restart, 4-byte AS, ADD-PATH, multiple labels),
// the NOTIFICATION's codes (RFC 9003 shutdown communication) and the
// ROUTE-REFRESH's AFI/SAFI, the UPDATE's IPv4 withdrawn routes and NLRI
// (ADD-PATH ids too) with the RFC 4271 attributes, communities, AS4_PATH
// and cluster lists, and -vv's hex dumps. Other attributes (multiprotocol
// NLRI, extended and large communities, ...) end the message's text.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::size_t kHeader = 19, kOpenSize = 29, kNotificationSize = 21, kRouteRefreshSize = 23;

constexpr Tok kMessages[] = {
    {1, "Open"}, {2, "Update"}, {3, "Notification"}, {4, "Keepalive"}, {5, "Route Refresh"}};
constexpr Tok kOptions[] = {{1, "Authentication Information"}, {2, "Capabilities Advertisement"}};
constexpr Tok kCapabilities[] = {{1, "Multiprotocol Extensions"},
                                 {2, "Route Refresh"},
                                 {3, "Cooperative Route Filtering"},
                                 {4, "Multiple Routes to a Destination"},
                                 {8, "Multiple Labels"},
                                 {64, "Graceful Restart"},
                                 {65, "32-Bit AS Number"},
                                 {67, "Dynamic Capability"},
                                 {68, "Multisession BGP"},
                                 {69, "Multiple Paths"},
                                 {70, "Enhanced Route Refresh"},
                                 {71, "Long-lived Graceful Restart"},
                                 {128, "Route Refresh (Cisco)"}};
constexpr Tok kAfi[] = {{0, "Reserved"},    {1, "IPv4"},          {2, "IPv6"},       {3, "NSAP"},
                        {4, "HDLC"},        {5, "BBN 1822"},      {6, "802"},        {7, "E.163"},
                        {8, "E.164"},       {9, "F.69"},          {10, "X.121"},     {11, "Novell IPX"},
                        {12, "Appletalk"},  {13, "Decnet IV"},    {14, "Banyan Vines"},
                        {15, "E.164 with NSAP subaddress"},       {25, "VPLS"},      {196, "Layer-2 VPN"}};
constexpr Tok kSafi[] = {{0, "Reserved"},
                         {1, "Unicast"},
                         {2, "Multicast"},
                         {3, "Unicast+Multicast"},
                         {4, "labeled Unicast"},
                         {5, "Multicast VPN"},
                         {64, "Tunnel"},
                         {65, "VPLS"},
                         {66, "MDT"},
                         {70, "EVPN"},
                         {128, "labeled VPN Unicast"},
                         {129, "labeled VPN Multicast"},
                         {130, "labeled VPN Unicast+Multicast"},
                         {132, "Route Target Routing Information"}};
constexpr Tok kAddPath[] = {{1, "Receive"}, {2, "Send"}, {3, "Both"}};
constexpr Tok kMajors[] = {{1, "Message Header Error"}, {2, "OPEN Message Error"},   {3, "UPDATE Message Error"},
                           {4, "Hold Timer Expired"},   {5, "Finite State Machine Error"},
                           {6, "Cease"},                {7, "Capability Message Error"}};
constexpr Tok kMinorMsg[] = {{1, "Connection Not Synchronized"}, {2, "Bad Message Length"}, {3, "Bad Message Type"}};
constexpr Tok kMinorOpen[] = {{1, "Unsupported Version Number"}, {2, "Bad Peer AS"},
                              {3, "Bad BGP Identifier"},         {4, "Unsupported Optional Parameter"},
                              {5, "Authentication Failure"},     {6, "Unacceptable Hold Time"},
                              {7, "Capability Message Error"}};
constexpr Tok kMinorUpdate[] = {{1, "Malformed Attribute List"},  {2, "Unrecognized Well-known Attribute"},
                                {3, "Missing Well-known Attribute"}, {4, "Attribute Flags Error"},
                                {5, "Attribute Length Error"},    {6, "Invalid ORIGIN Attribute"},
                                {7, "AS Routing Loop"},           {8, "Invalid NEXT_HOP Attribute"},
                                {9, "Optional Attribute Error"},  {10, "Invalid Network Field"},
                                {11, "Malformed AS_PATH"}};
constexpr Tok kMinorFsm[] = {{0, "Unspecified Error"}, {1, "In OpenSent State"}, {2, "In OpenConfirm State"},
                             {3, "In Established State"}};
constexpr Tok kMinorCap[] = {{1, "Invalid Action Value"}, {2, "Invalid Capability Length"},
                             {3, "Malformed Capability Value"}, {4, "Unsupported Capability Code"}};
constexpr Tok kMinorCease[] = {{1, "Maximum Number of Prefixes Reached"}, {2, "Administrative Shutdown"},
                               {3, "Peer De-configured"},     {4, "Administrative Reset"},
                               {5, "Connection Rejected"},    {6, "Other Configuration Change"},
                               {7, "Connection Collision Resolution"}, {8, "Out of Resources"}};

// tcpdump's hex_print: lines "IDENT0x0000: " of the bytes at [off, off+len),
// as far as they were captured (print_unknown_data's clamp).
void hex_lines(Out& o, Bytes m, std::size_t off, std::size_t len, std::string_view ident) {
  if (off <= m.size()) print_unknown_data(o, m.subspan(off), len, ident);
}

void afi_safi(Out& o, std::uint16_t afi, std::uint8_t safi, std::string_view sep = ", SAFI ") {
  o << "AFI ";
  name_or(o, kAfi, afi, "Unknown") << " (";
  o.u(afi) << ')' << sep;
  name_or(o, kSafi, safi, "Unknown") << " (";
  o.u(safi) << ')';
}

// The capabilities of one optional parameter: at..at+len of m. False where
// tcpdump stops the list ("too short").
void print_capabilities(PrintCtx& p, Bytes m, std::size_t at, std::size_t len) {
  Out& o = p.o;
  std::size_t i = 0;
  while (i < len) {
    sub(m, at + i, 2);
    unsigned type = m[at + i], clen = m[at + i + 1];
    o << "\n\t      ";
    name_or(o, kCapabilities, type, "Unknown") << " (";
    o.u(type) << "), length: ";
    o.u(clen);
    sub(m, at + i + 2, clen);
    const std::size_t v = at + i + 2;
    switch (type) {
      case 1:
        if (clen < 4) {
          o << " (too short, < 4)";
          return;
        }
        o << "\n\t\t";
        afi_safi(o, be16_at(m, v), m[v + 3]);
        break;
      case 8:
        for (std::size_t k = 0; k + 4 <= clen; k += 4) {
          o << "\n\t\t";
          afi_safi(o, be16_at(m, v + k), m[v + k + 2]);
          o << ", Count: ";
          o.u(m[v + k + 3]);
        }
        break;
      case 64: {
        if (clen < 2) {
          o << " (too short, < 2)";
          return;
        }
        std::uint16_t flags = be16_at(m, v);
        o << "\n\t\tRestart Flags: [" << (flags & 0x8000 ? "R" : "none") << "], Restart Time ";
        o.u(flags & 0xfffu) << 's';
        for (std::size_t k = 2; k + 4 <= clen; k += 4) {
          o << "\n\t\t  ";
          afi_safi(o, be16_at(m, v + k), m[v + k + 2]);
          o << ", Forwarding state preserved: " << (m[v + k + 3] & 0x80 ? "yes" : "no");
        }
        break;
      }
      case 2:
      case 71:
      case 128: break;
      case 65:
        if (clen < 4) {
          o << " (too short, < 4)";
          return;
        }
        o << "\n\t\t 4 Byte AS ";
        o.u(be32_at(m, v));
        break;
      case 69:
        if (clen == 0) {
          o << " (bogus)";
          break;
        }
        for (std::size_t k = 0; k < clen; k += 4) {
          if (clen - k < 4) {
            o << " (invalid)";
            break;
          }
          o << "\n\t\t";
          afi_safi(o, be16_at(m, v + k), m[v + k + 2]);
          o << ", Send/Receive: ";
          std::uint8_t sr = m[v + k + 3];
          if (auto name = tok_name(kAddPath, sr); !name.empty()) o << name;
          else o << "Bogus (0x", o.hex(sr, 2) << ')';
        }
        break;
      default:
        o << "\n\t\tno decoder for Capability ";
        o.u(type);
        if (p.opt.verbose <= 1) hex_lines(o, m, v, clen, "\n\t\t");
        break;
    }
    if (p.opt.verbose > 1 && clen != 0) hex_lines(o, m, v, clen, "\n\t\t");
    i += 2 + clen;
  }
}

void print_open(PrintCtx& p, Bytes m, std::size_t length) {
  Out& o = p.o;
  sub(m, 0, kOpenSize);
  if (length < kOpenSize) throw Truncated{};
  o << "\n\t  Version ";
  o.u(m[19]) << ", my AS ";
  o.u(be16_at(m, 20)) << ", Holdtime ";
  o.u(be16_at(m, 22)) << "s, ID ";
  o.ip4(sub(m, 24, 4));
  unsigned optlen = m[28];
  o << "\n\t  Optional parameters, length: ";
  o.u(optlen);
  std::size_t i = 0;
  while (i < optlen) {
    sub(m, kOpenSize + i, 2);
    unsigned type = m[kOpenSize + i], len = m[kOpenSize + i + 1];
    if (2 + i + len > optlen) {
      o << "\n\t     Option ";
      o.u(type) << ", length: ";
      o.u(len) << ", goes past the end of the options";
      break;
    }
    o << "\n\t    Option ";
    name_or(o, kOptions, type, "Unknown") << " (";
    o.u(type) << "), length: ";
    o.u(len);
    if (type == 2) {
      print_capabilities(p, m, kOpenSize + i + 2, len);
    } else {
      o << "\n\t      no decoder for option ";
      o.u(type);
    }
    i += 2 + len;
  }
}

void print_notification(Out& o, Bytes m, std::size_t length) {
  sub(m, 0, kNotificationSize);
  if (length < kNotificationSize) return;
  unsigned major = m[19], minor = m[20];
  o << ", ";
  name_or(o, kMajors, major, "Unknown Error") << " (";
  o.u(major) << ')';
  auto subcode = [&](std::span<const Tok> table, std::string_view lead) {
    o << lead;
    name_or(o, table, minor, "Unknown") << " (";
    o.u(minor) << ')';
  };
  switch (major) {
    case 1: subcode(kMinorMsg, ", subcode "); break;
    case 2: subcode(kMinorOpen, ", subcode "); break;
    case 3: subcode(kMinorUpdate, ", subcode "); break;
    case 5: subcode(kMinorFsm, " subcode "); break;
    case 7: subcode(kMinorCap, " subcode "); break;
    case 6: {
      subcode(kMinorCease, ", subcode ");
      const std::size_t t = kNotificationSize;
      if (minor == 1 && length >= kNotificationSize + 7) {
        std::uint16_t afi = be16_at(m, t);
        std::uint8_t safi = sub(m, t + 2, 1)[0];
        std::uint32_t max = be32_at(m, t + 3);
        o << ", AFI ";
        name_or(o, kAfi, afi, "Unknown") << " (";
        o.u(afi) << "), SAFI ";
        name_or(o, kSafi, safi, "Unknown") << " (";
        o.u(safi) << "), Max Prefixes: ";
        o.u(max);
      }
      if ((minor == 2 || minor == 4) && length >= kNotificationSize + 1) {
        unsigned comm = sub(m, t, 1)[0];
        std::size_t rest = 0;
        if (comm > length - (kNotificationSize + 1)) {
          o << ", invalid Shutdown Communication length";
        } else if (comm == 0) {
          o << ", empty Shutdown Communication";
          rest = 1;
        } else {
          o << ", Shutdown Communication (length: ";
          o.u(comm) << "): \"";
          for (std::uint8_t c : sub(m, t + 1, comm)) print_char(o, c);
          o << '"';
          rest = comm + 1;
        }
        if (length > rest + kNotificationSize) {
          std::size_t n = length - (rest + kNotificationSize);
          o << ", Data: (length: ";
          o.u(n) << ')';
          sub(m, t + rest, n);
          hex_lines(o, m, t + rest, n, "\n\t\t");
        }
      }
      break;
    }
    default: break;
  }
}

void print_route_refresh(PrintCtx& p, Bytes m, std::size_t length) {
  Out& o = p.o;
  if (length < kRouteRefreshSize) return;
  std::uint16_t afi = be16_at(m, 19);
  std::uint8_t safi = sub(m, 22, 1)[0];
  o << "\n\t  ";
  afi_safi(o, afi, safi);
  if (p.opt.verbose > 1) {
    sub(m, 0, length);
    hex_lines(o, m, 0, length, "\n\t  ");
  }
}

constexpr Tok kAttrs[] = {{1, "Origin"},          {2, "AS Path"},        {3, "Next Hop"},
                          {4, "Multi Exit Discriminator"}, {5, "Local Preference"},
                          {6, "Atomic Aggregate"}, {7, "Aggregator"},     {8, "Community"},
                          {9, "Originator ID"},   {10, "Cluster List"},  {17, "AS4 Path"},
                          {18, "AS4 Aggregator"}};
constexpr Tok kOrigins[] = {{0, "IGP"}, {1, "EGP"}, {2, "Incomplete"}};
constexpr Tok kSegOpen[] = {{1, "{ "}, {2, ""}, {3, "( "}, {4, "({ "}};
constexpr Tok kSegClose[] = {{1, "}"}, {2, ""}, {3, ")"}, {4, "})"}};

// tcpdump's decode_prefix4: "a.b.c.d/len" and the bytes used, -1 for a
// length over 32, -2 when the item is shorter than the prefix.
int prefix4(Bytes m, std::size_t at, std::size_t itemlen, std::string& text) {
  unsigned plen = sub(m, at, 1)[0];
  if (plen > 32) return -1;
  std::size_t bytes = (plen + 7) / 8;
  if (itemlen - 1 < bytes) return -2;
  std::array<std::uint8_t, 4> a{};
  Bytes b = sub(m, at + 1, bytes);
  std::copy(b.begin(), b.end(), a.begin());
  if (plen % 8) a[bytes - 1] &= static_cast<std::uint8_t>((0xff00 >> (plen % 8)) & 0xff);
  text.clear();
  std::string_view dot = "";
  for (auto x : a) text += dot, text += std::to_string(x), dot = ".";
  text += '/' + std::to_string(plen);
  return static_cast<int>(1 + bytes);
}

// tcpdump's check_add_path: whether NLRI read as (path id, prefix) pairs
// fit and read without ids do not.
bool add_path(Bytes m, std::size_t at, std::size_t length) {
  if (length < 5) return false;
  std::size_t off = 0;
  while (off < length) {
    off += 4;
    if (at + off >= m.size()) break;
    unsigned plen = m[at + off];
    if (plen > 32) return false;
    off += 1 + (plen + 7) / 8;
  }
  if (off > length) return false;
  for (off = 0; off < length;) {
    if (at + off >= m.size()) break;
    unsigned plen = m[at + off];
    if (plen < 1 || plen > 32) return true;
    off += 1 + (plen + 7) / 8;
  }
  return off > length;
}

// tcpdump's bgp_attr_get_as_size: 2-byte AS numbers when the segments fit that way.
unsigned as_size(Bytes m, std::size_t at, std::size_t len, unsigned type) {
  if (type == 17) return 4;
  std::size_t t = at;
  while (t < at + len) {
    unsigned seg = sub(m, t, 1)[0];
    if (seg < 1 || seg > 4) return 4;
    t += 2 + std::size_t{sub(m, t + 1, 1)[0]} * 2;
  }
  return t == at + len ? 2 : 4;
}

// One path attribute's value; false where tcpdump's bgp_attr_print fails.
bool print_attr(PrintCtx& p, unsigned type, Bytes m, std::size_t at, std::size_t len) {
  Out& o = p.o;
  switch (type) {
    case 1:
      if (len != 1) o << "invalid len";
      else name_or(o, kOrigins, sub(m, at, 1)[0], "Unknown Origin Typecode");
      break;
    case 2:
    case 17: {
      if (len % 2) {
        o << "invalid len";
        break;
      }
      if (!len) {
        o << "empty";
        break;
      }
      unsigned size = as_size(m, at, len, type);
      std::size_t t = at;
      while (t < at + len) {
        unsigned seg = sub(m, t, 1)[0], count = sub(m, t + 1, 1)[0];
        const Tok* open = tok_find(kSegOpen, seg);  // AS_SEQUENCE's mark is the empty string
        o << (open ? open->name : std::string_view("?"));
        for (std::size_t k = 0; k < std::size_t{count} * size; k += size) {
          if (size == 2) o.u(be16_at(m, t + 2 + k));
          else o.u(be32_at(m, t + 2 + k));
          o << ' ';
        }
        const Tok* close = tok_find(kSegClose, seg);
        o << (close ? close->name : std::string_view("?"));
        t += 2 + std::size_t{count} * size;
      }
      break;
    }
    case 3:
      if (len != 4) o << "invalid len";
      else o.ip4(sub(m, at, 4));
      break;
    case 4:
    case 5:
      if (len != 4) o << "invalid len";
      else o.u(be32_at(m, at));
      break;
    case 6:
      if (len != 0) o << "invalid len";
      break;
    case 7:
      if (len != 6 && len != 8) {
        o << "invalid len";
        break;
      }
      sub(m, at, len);
      o << " AS #";
      if (len == 6) o.u(be16_at(m, at)) << ", origin ", o.ip4(sub(m, at + 2, 4));
      else o.u(be32_at(m, at)) << ", origin ", o.ip4(sub(m, at + 4, 4));
      break;
    case 8: {
      if (len % 4) {
        o << "invalid len";
        break;
      }
      for (std::size_t t = 0; t < len; t += 4) {
        std::uint32_t comm = be32_at(m, at + t);
        if (comm == 0xffffff01) o << " NO_EXPORT";
        else if (comm == 0xffffff02) o << " NO_ADVERTISE";
        else if (comm == 0xffffff03) o << " NO_EXPORT_SUBCONFED";
        else o.u(comm >> 16) << ':', o.u(comm & 0xffffu) << (len - t > 4 ? ", " : "");
      }
      break;
    }
    case 9:
      if (len != 4) o << "invalid len";
      else o.ip4(sub(m, at, 4));
      break;
    case 10:
      if (len % 4) {
        o << "invalid len";
        break;
      }
      for (std::size_t t = 0; t < len; t += 4) o.ip4(sub(m, at + t, 4)) << (len - t > 4 ? ", " : "");
      break;
    default:
      return false;  // not decoded here: the caller stops the message
  }
  if (p.opt.verbose > 1 && len) {
    sub(m, at, len);
    hex_lines(o, m, at, len, "\n\t    ");
  }
  return true;
}

// The withdrawn routes (`withdrawn` bytes at `at`), as far as they go.
void print_withdrawn(PrintCtx& p, Bytes m, std::size_t& at, std::size_t& length, std::size_t& withdrawn) {
  Out& o = p.o;
  std::string text;
  if (withdrawn > 1) {
    sub(m, at, withdrawn);
    if (length < withdrawn) throw Truncated{};
    o << "\n\t  Withdrawn routes:";
    bool ids = add_path(m, at, withdrawn);
    while (withdrawn != 0) {
      std::uint32_t id = 0;
      if (ids) {
        if (withdrawn < 4) {
          at += withdrawn;
          length -= withdrawn;
          break;
        }
        id = be32_at(m, at);
        at += 4;
        length -= 4;
        withdrawn -= 4;
      }
      int n = prefix4(m, at, withdrawn, text);
      if (n == -1) {
        o << "\n\t    (illegal prefix length)";
        break;
      }
      if (n == -2) throw Truncated{};
      o << "\n\t    " << text;
      if (ids) o << "   Path Id: ", o.u(id);
      at += static_cast<std::size_t>(n);
      length -= static_cast<std::size_t>(n);
      withdrawn -= static_cast<std::size_t>(n);
    }
  } else {
    sub(m, at, withdrawn);
    if (length < withdrawn) throw Truncated{};
    at += withdrawn;
    length -= withdrawn;
  }
}

// The path attributes, `len` bytes at `at`. false: the message ends here
// (an attribute netlab does not decode, or one whose printer stopped).
bool print_path_attrs(PrintCtx& p, Bytes m, std::size_t& at, std::size_t& length, std::size_t len) {
  Out& o = p.o;
  while (len) {
    sub(m, at, 2);
    if (length < 2) throw Truncated{};
    if (len < 2) {
      o << "\n\t  [path attrs too short]";
      at += len;
      length -= len;
      break;
    }
    unsigned flags = m[at], type = m[at + 1];
    at += 2;
    len -= 2;
    length -= 2;
    std::size_t lenlen = flags & 0x10 ? 2 : 1;
    sub(m, at, lenlen);
    if (length < lenlen) throw Truncated{};
    if (len < lenlen) {
      o << "\n\t  [path attrs too short]";
      at += len;
      length -= len;
      break;
    }
    std::size_t alen = lenlen == 2 ? be16_at(m, at) : m[at];
    at += lenlen;
    len -= lenlen;
    length -= lenlen;
    // An attribute netlab does not decode (multiprotocol NLRI, extended
    // communities, ...): what was printed stays, the message ends here.
    if (!tok_find(kAttrs, type)) return false;
    o << "\n\t  ";
    name_or(o, kAttrs, type, "Unknown Attribute") << " (";
    o.u(type) << "), length: ";
    o.u(alen);
    if (flags) {
      o << ", Flags [" << (flags & 0x80 ? "O" : "") << (flags & 0x40 ? "T" : "") << (flags & 0x20 ? "P" : "")
        << (flags & 0x10 ? "E" : "");
      if (flags & 0xf) o << '+', o.hex(flags & 0xfu);
      o << "]: ";
    }
    if (len < alen) {
      o << " [path attrs too short]";
      at += len;
      length -= len;
      break;
    }
    if (length < alen) throw Truncated{};
    if (!print_attr(p, type, m, at, alen)) return false;
    at += alen;
    len -= alen;
    length -= alen;
  }
  return true;
}

// The NLRI: the updated routes in the `length` bytes left at `at`.
void print_updated_routes(PrintCtx& p, Bytes m, std::size_t at, std::size_t length) {
  Out& o = p.o;
  std::string text;
  bool ids = add_path(m, at, length);
  o << "\n\t  Updated routes:";
  while (length != 0) {
    std::uint32_t id = 0;
    if (ids) {
      sub(m, at, 4);
      if (length < 4) throw Truncated{};
      id = be32_at(m, at);
      at += 4;
      length -= 4;
    }
    int n = prefix4(m, at, length, text);
    if (n == -1) {
      o << "\n\t    (illegal prefix length)";
      break;
    }
    if (n == -2) throw Truncated{};
    o << "\n\t    " << text;
    if (ids) o << "   Path Id: ", o.u(id);
    at += static_cast<std::size_t>(n);
    length -= static_cast<std::size_t>(n);
  }
}

void print_update(PrintCtx& p, Bytes m, std::size_t length) {
  Out& o = p.o;
  std::size_t at = kHeader;
  length -= kHeader;
  sub(m, at, 2);
  if (length < 2) throw Truncated{};
  std::size_t withdrawn = be16_at(m, at);
  at += 2;
  length -= 2;
  print_withdrawn(p, m, at, length, withdrawn);
  sub(m, at, 2);
  if (length < 2) throw Truncated{};
  std::size_t len = be16_at(m, at);
  at += 2;
  length -= 2;
  if (withdrawn == 0 && len == 0 && length == 0) {
    o << "\n\t  End-of-Rib Marker (empty NLRI)";
    return;
  }
  if (len) {
    if (length < len) throw Truncated{};
    if (!print_path_attrs(p, m, at, length, len)) return;
  }
  if (length) print_updated_routes(p, m, at, length);
}

// One message, captured whole (bgp_print checks first): m starts at its marker.
void print_message(PrintCtx& p, Bytes m, std::size_t length) {
  Out& o = p.o;
  unsigned type = sub(m, 18, 1)[0];
  o << "\n\t";
  name_or(o, kMessages, type, "Unknown") << " Message (";
  o.u(type) << "), length: ";
  o.u(length);
  try {
    switch (type) {
      case 1: print_open(p, m, length); break;
      case 2: print_update(p, m, length); break;
      case 3: print_notification(o, m, length); break;
      case 4: break;
      case 5: print_route_refresh(p, m, length); break;
      default:
        sub(m, 0, length);
        o << "\n\t  no Message ";
        o.u(type) << " decoder";
        hex_lines(o, m, 0, length, "\n\t  ");
        break;
    }
  } catch (const Truncated&) {
    o << " [|bgp]";  // tcpdump's ND_TCHECK in a message printer: said, and the next message follows
  }
}

bool is_marker(Bytes b) {
  for (std::uint8_t x : b)
    if (x != 0xff) return false;
  return true;
}

}  // namespace

void decode_bgp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "bgp";
  auto& l = c.d.push<BgpL>();
  l.msg = r.rest();
  l.length = length;
}

void print_bgp(PrintCtx& p, std::size_t i) {
  p.proto = "bgp";
  const auto& l = at<BgpL>(p.d, i);
  Out& o = p.o;
  o << ": BGP";
  if (!p.opt.verbose) return;
  Bytes m = l.msg;
  std::size_t at = 0;
  while (at < m.size()) {
    if (m[at] != 0xff) {
      ++at;
      continue;
    }
    if (m.size() - at < 16) break;
    if (!is_marker(m.subspan(at, 16))) {
      ++at;
      continue;
    }
    Bytes msg = m.subspan(at);
    if (msg.size() < kHeader) throw Truncated{};
    std::uint16_t hlen = be16_at(msg, 16);
    if (hlen < kHeader) {
      o << "\n[|BGP Bogus header length ";
      o.u(hlen) << " < ";
      o.u(kHeader) << ']';
      break;
    }
    if (msg.size() < hlen) {
      o << "\n[|BGP ";
      name_or(o, kMessages, msg[18], "Unknown Message Type") << ']';
      break;
    }
    print_message(p, msg, hlen);
    at += hlen;
  }
}

}  // namespace netlab::proto

namespace netlab::proto {

// The messages found in the segment: type, length and, for an OPEN, its
// fixed fields; a message not captured whole ends the list with
// "truncated".
void json_bgp(JsonWriter& w, const BgpL& l) {
  w.member("layer", "bgp");
  w.member("length", l.length);
  Bytes m = l.msg;
  w.key("messages");
  w.begin_array();
  bool cut = false;
  std::size_t at = 0;
  while (at + kHeader <= m.size()) {
    if (!is_marker(m.subspan(at, 16))) {
      ++at;
      continue;
    }
    std::uint16_t hlen = be16_at(m, at + 16);
    if (hlen < kHeader) break;
    if (m.size() - at < hlen) {
      cut = true;
      break;
    }
    Bytes msg = m.subspan(at, hlen);
    w.begin_object();
    w.member("type", msg[18]);
    w.member("type_name", tok_name(kMessages, msg[18]));
    w.member("length", hlen);
    if (msg[18] == 1 && hlen >= kOpenSize) {
      w.member("version", msg[19]);
      w.member("my_as", be16_at(msg, 20));
      w.member("hold_time", be16_at(msg, 22));
      w.member("bgp_id", ip4_text(msg.subspan(24, 4)));
    } else if (msg[18] == 3 && hlen >= kNotificationSize) {
      w.member("error_code", msg[19]);
      w.member("error_subcode", msg[20]);
    } else if (msg[18] == 5 && hlen >= kRouteRefreshSize) {
      w.member("afi", be16_at(msg, 19));
      w.member("safi", msg[22]);
    }
    w.end_object();
    at += hlen;
  }
  w.end_array();
  if (cut) w.member("truncated", true);
}

}  // namespace netlab::proto
