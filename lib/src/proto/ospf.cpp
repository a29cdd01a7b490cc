// OSPF: version 2 (RFC 2328, IP protocol 89 over IPv4: hello, database
// description, LS request, update and ack; router, network, summary,
// external/NSSA and group LSAs; RFC 5613 link-local signalling after the
// packet; an MD5 trailer, RFC 2328 D.4.3, taken off first) and version 3
// (RFC 5340, IP protocol 89 over IPv6: the same packets with its own LSA
// formats, RFC 5613 LLS and the RFC 7166 authentication trailer). The
// text follows tcpdump 4.99.3's print-ospf.c and print-ospf6.c: "OSPFv2,
// Hello, length 44" at -n; from -v the header, the packet's fields and its
// LSAs (OSPFv3 prints LSAs, requests and neighbours only from -vv; OSPFv2
// adds a hex dump of every LSA's body at -vv).
#include "proto/proto.hpp"

#include <cstdio>
#include <cstring>

namespace netlab::proto {
namespace {

constexpr Tok kTypes[] = {
    {1, "Hello"}, {2, "Database Description"}, {3, "LS-Request"}, {4, "LS-Update"}, {5, "LS-Ack"}};

// ---- shared helpers ----------------------------------------------------------

void ip4_at(Out& o, Bytes m, std::size_t off) { o.ip4(sub(m, off, 4)); }

// tcpdump's print_unknown_data: a hex dump, each line "IDENT0x0000: ",
// of what of [off, off+len) was captured; nothing readable at off says so.
void unknown_data(Out& o, Bytes m, std::size_t off, std::size_t len, std::string_view ident) {
  if (off > m.size()) {
    o << ident << "Dissector error: print_unknown_data called with pointer past end of packet";
    return;
  }
  print_unknown_data(o, m.subspan(off), len, ident);
}

// ---- OSPFv2 --------------------------------------------------------------------

constexpr std::size_t kV2Header = 24, kLsaHeader = 20;

constexpr Tok kOptions[] = {{0x01, "MultiTopology"}, {0x02, "External"}, {0x04, "Multicast"},
                            {0x08, "NSSA"},          {0x10, "LLS"},      {0x20, "Demand Circuit"},
                            {0x40, "Opaque"},        {0x80, "Up/Down"}};
constexpr Tok kAuthTypes[] = {{0, "none"}, {1, "simple"}, {2, "MD5"}};
constexpr Tok kRouterFlags[] = {{0x01, "ABR"},      {0x02, "ASBR"}, {0x04, "Virtual"},
                                {0x08, "Wildcard"}, {0x10, "Nt"},   {0x80, "Host"}};
constexpr Tok kLsaTypes[] = {{1, "Router"},           {2, "Network"},          {3, "Summary"},
                             {4, "ASBR Summary"},     {5, "External"},         {6, "Multicast Group"},
                             {7, "NSSA"},             {9, "Link Local Opaque"}, {10, "Area Local Opaque"},
                             {11, "Domain Wide Opaque"}};
constexpr Tok kDdFlags[] = {{0x04, "Init"}, {0x02, "More"}, {0x01, "Master"}, {0x08, "OOBResync"}};
constexpr Tok kOpaqueTypes[] = {{1, "Traffic Engineering"}, {3, "Graceful restart"}, {4, "Router Information"}};
constexpr Tok kTopologies[] = {{0, "default"}, {1, "multicast"}, {2, "management"}};
constexpr Tok kLlsTlvs[] = {{1, "Extended Options"}, {2, "MD5 Authentication"}};
constexpr Tok kLlsEoOptions[] = {{0x01, "LSDB resync"}, {0x02, "Restart"}};

bool opaque(unsigned type) { return type >= 9 && type <= 11; }

// The LSA header at off: its length, or -1 (a length shorter than the
// header, said).
long print_lsa_header(Out& o, Bytes m, std::size_t off) {
  std::uint16_t ls_length = be16_at(m, off + 18);
  if (ls_length < kLsaHeader) {
    o << "\n\t    Bogus length ";
    o.u(ls_length) << " < header (";
    o.u(kLsaHeader) << ')';
    return -1;
  }
  std::uint32_t seq = be32_at(m, off + 12);
  std::uint16_t age = be16_at(m, off);
  sub(m, off + 8, 4);
  o << "\n\t  Advertising Router ";
  ip4_at(o, m, off + 8);
  o << ", seq 0x";
  o.hex(seq, 8) << ", age ";
  o.u(age) << "s, length ";
  o.u(ls_length - kLsaHeader);
  unsigned type = sub(m, off + 3, 1)[0];
  o << "\n\t    ";
  name_or(o, kLsaTypes, type, "unknown") << " LSA (";
  o.u(type) << ')';
  if (opaque(type)) {
    unsigned otype = sub(m, off + 4, 1)[0];
    std::uint32_t oid = be32_at(m, off + 4) & 0xffffffu;
    o << ", Opaque-Type ";
    name_or(o, kOpaqueTypes, otype, "unknown") << " LSA (";
    o.u(otype) << "), Opaque-ID ";
    o.u(oid);
  } else {
    sub(m, off + 4, 4);
    o << ", LSA-ID: ";
    ip4_at(o, m, off + 4);
  }
  std::uint8_t options = sub(m, off + 2, 1)[0];
  o << "\n\t    Options: [";
  print_bit_names(o, kOptions, options, "none");
  o << ']';
  return ls_length;
}

void print_topology(Out& o, unsigned topology) {
  o << "\n\t\ttopology ";
  name_or(o, kTopologies, topology, "Unknown") << " (";
  o.u(topology) << ')';
}

constexpr Tok kTeTlvs[] = {{1, "Router Address"}, {2, "Link"}};
constexpr Tok kTeSubTlvs[] = {{1, "Link Type"},
                              {2, "Link ID"},
                              {3, "Local Interface IP address"},
                              {4, "Remote Interface IP address"},
                              {5, "Traffic Engineering Metric"},
                              {6, "Maximum Bandwidth"},
                              {7, "Maximum Reservable Bandwidth"},
                              {8, "Unreserved Bandwidth"},
                              {9, "Administrative Group"},
                              {11, "Link Local/Remote Identifier"},
                              {14, "Link Protection Type"},
                              {15, "Interface Switching Capability"},
                              {16, "Shared Risk Link Group"},
                              {17, "Bandwidth Constraints"}};
constexpr Tok kSwitchCaps[] = {{1, "Packet-Switch Capable-1"}, {2, "Packet-Switch Capable-2"},
                               {3, "Packet-Switch Capable-3"}, {4, "Packet-Switch Capable-4"},
                               {51, "Layer-2 Switch Capable"},  {100, "Time-Division-Multiplex"},
                               {150, "Lambda-Switch Capable"},  {200, "Fiber-Switch Capable"}};
constexpr Tok kEncodings[] = {{1, "Packet"},   {2, "Ethernet V2/DIX"}, {3, "ANSI/ETSI PDH"},
                              {4, "Reserved"}, {5, "SDH ITU-T G.707/SONET ANSI T1.105"},
                              {6, "Reserved"}, {7, "Digital Wrapper"}, {8, "Lambda (photonic)"},
                              {9, "Fiber"},    {10, "Reserved"},       {11, "FiberChannel"}};
constexpr Tok kProtections[] = {{0x01, "Extra Traffic"}, {0x02, "Unprotected"},  {0x04, "Shared"},
                                {0x08, "Dedicated 1:1"}, {0x10, "Dedicated 1+1"}, {0x20, "Enhanced"},
                                {0x40, "Reserved"},      {0x80, "Reserved"}};
constexpr Tok kTeLinkTypes[] = {{1, "Point-to-point"}, {2, "Multi-Access"}};
constexpr Tok kBcModels[] = {{0, "Russian dolls"}, {1, "Maximum allocation"},
                             {2, "Maximum allocation with E-LSP support"}};
constexpr Tok kGraceTlvs[] = {{1, "Grace Period"}, {2, "Graceful restart Reason"}, {3, "IPv4 interface address"}};
constexpr Tok kGraceReasons[] = {{0, "Unknown"}, {1, "Software Restart"}, {2, "Software Reload/Upgrade"},
                                 {3, "Control Processor Switch"}};
constexpr Tok kRiTlvs[] = {{1, "Router Capabilities"}};
constexpr Tok kRiCaps[] = {{1, "Reserved"},  {2, "Reserved"},  {4, "Reserved"}, {8, "Reserved"},
                           {16, "graceful restart capable"}, {32, "graceful restart helper"},
                           {64, "Stub router support"},      {128, "Traffic engineering"},
                           {256, "p2p over LAN"},            {512, "path computation server"}};

// IEEE 754 single precision bandwidth in bytes/s as tcpdump prints it:
// the float times 8 over 10^6, "%.3f Mbps".
void print_bw(Out& o, std::uint32_t bits) {
  float f;
  static_assert(sizeof f == sizeof bits);
  std::memcpy(&f, &bits, sizeof f);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f Mbps", static_cast<double>(f * 8 / 1000000));
  o << std::string_view(buf);
}

// One Link TLV sub-TLV's value (type st, sl bytes at t, captured): false
// where tcpdump goes to its invalid label, " (invalid)" printed.
bool print_te_link_subtlv(PrintCtx& p, Bytes m, std::size_t t, std::uint32_t st, std::uint32_t sl) {
  Out& o = p.o;
  auto invalid = [&](std::string_view why) {
    o << why << " (invalid)";
    return false;
  };
  switch (st) {
    case 9:
      if (sl != 4) return invalid(" != 4");
      o << ", 0x", o.hex(be32_at(m, t), 8);
      break;
    case 2:
    case 11:
      if (sl != 4 && sl != 8) return invalid(" != 4 && != 8");
      o << ", ", ip4_at(o, m, t), o << " (0x", o.hex(be32_at(m, t), 8) << ')';
      if (sl == 8) o << ", ", ip4_at(o, m, t + 4), o << " (0x", o.hex(be32_at(m, t + 4), 8) << ')';
      break;
    case 3:
    case 4:
      if (sl != 4) return invalid(" != 4");
      o << ", ", ip4_at(o, m, t);
      break;
    case 6:
    case 7:
      if (sl != 4) return invalid(" != 4");
      o << ", ", print_bw(o, be32_at(m, t));
      break;
    case 8:
      if (sl != 32) return invalid(" != 32");
      for (unsigned k = 0; k < 8; ++k) o << "\n\t\tTE-Class ", o.u(k) << ": ", print_bw(o, be32_at(m, t + 4 * k));
      break;
    case 17: {
      if (sl < 4) return invalid(" < 4");
      unsigned model = m[t];
      o << "\n\t\tBandwidth Constraints Model ID: ";
      name_or(o, kBcModels, model, "unknown") << " (";
      o.u(model) << ')';
      if (sl % 4 != 0) {
        o << "\n\t\tlength ", o.u(sl) << " != N x 4";
        return invalid("");
      }
      if (sl > 36) {
        o << "\n\t\tlength ", o.u(sl) << " > 36";
        return invalid("");
      }
      for (unsigned k = 0; k < (sl - 4) / 4; ++k)
        o << "\n\t\t  Bandwidth constraint CT", o.u(k) << ": ", print_bw(o, be32_at(m, t + 4 + 4 * k));
      break;
    }
    case 5:
      if (sl != 4) return invalid(" != 4");
      o << ", Metric ", o.u(be32_at(m, t));
      break;
    case 1:
      if (sl != 1) return invalid(" != 1");
      o << ", ";
      name_or(o, kTeLinkTypes, m[t], "unknown") << " (";
      o.u(m[t]) << ')';
      break;
    case 14:
      if (sl != 4) return invalid(" != 4");
      o << ", ";
      print_bit_names(o, kProtections, m[t], "none");
      break;
    case 15:
      if (sl < 36) return invalid(" < 36");
      o << "\n\t\tInterface Switching Capability: ";
      name_or(o, kSwitchCaps, m[t], "Unknown");
      o << "\n\t\tLSP Encoding: ";
      name_or(o, kEncodings, m[t + 1], "Unknown") << "\n\t\tMax LSP Bandwidth:";
      for (unsigned k = 0; k < 8; ++k)
        o << "\n\t\t  priority level ", o.u(k) << ": ", print_bw(o, be32_at(m, t + 4 + 4 * k));
      break;
    case 16: {
      if (sl % 4 != 0) return invalid(" != N x 4");
      unsigned n = sl / 4;
      if (n) o << "\n\t\t  Shared risk group: ";
      for (unsigned k = 0; k < n; ++k) o << (k ? ", " : ""), o.u(be32_at(m, t + 4 * k));
      break;
    }
    default:
      if (p.opt.verbose <= 1) unknown_data(o, m, t, sl, "\n\t\t");
      break;
  }
  return true;
}

// RFC 3630 TE LSA TLVs at at..at+len; false where tcpdump returns -1.
bool print_te(PrintCtx& p, Bytes m, std::size_t at, std::uint32_t len) {
  Out& o = p.o;
  // tcpdump's ND_TCHECKs here return -1 (the LSA ends quietly); its GETs
  // still end the packet in [|ospf2].
  auto captured = [&](std::size_t from, std::size_t n) { return from <= m.size() && n <= m.size() - from; };
  while (len != 0) {
    if (!captured(at, 4)) return false;
    if (len < 4) {
      o << "\n\t    Remaining LS length ", o.u(len) << " < 4";
      return false;
    }
    std::uint32_t type = be16_at(m, at), tlen = be16_at(m, at + 2);
    at += 4;
    len -= 4;
    o << "\n\t    ";
    name_or(o, kTeTlvs, type, "unknown") << " TLV (";
    o.u(type) << "), length: ";
    o.u(tlen);
    if (tlen > len) {
      o << "\n\t    Bogus length ", o.u(tlen) << " > ", o.u(len);
      return false;
    }
    if (type == 0 || tlen == 0) return false;
    if (type == 2) {
      std::size_t t = at;
      std::uint32_t left = tlen;
      while (left != 0) {
        if (left < 4) {
          o << "\n\t    Remaining TLV length ", o.u(left) << " < 4";
          return false;
        }
        std::uint32_t st = be16_at(m, t), sl = be16_at(m, t + 2);
        t += 4;
        left -= 4;
        if (st == 0 || sl == 0) {
          o << " (invalid)";
          return false;
        }
        o << "\n\t      ";
        name_or(o, kTeSubTlvs, st, "unknown") << " subTLV (";
        o.u(st) << "), length: ";
        o.u(sl);
        if (left < sl) {
          o << "\n\t    Remaining TLV length ", o.u(left + 4) << " < ", o.u(sl + 4);
          return false;
        }
        if (!captured(t, sl)) return false;
        if (!print_te_link_subtlv(p, m, t, st, sl)) return false;
        std::uint32_t padded = sl % 4 ? sl + 4 - sl % 4 : sl;
        if (left < padded) {
          o << "\n\t    Remaining TLV length ", o.u(left + 4) << " < ", o.u(padded + 4);
          return false;
        }
        left -= padded;
        t += padded;
      }
      // 4.99.3 walks the link's sub-TLVs with the TLV's own length and
      // pointer: the next TLV is read right after them, and the length of
      // the LSA left is not reduced by the link's.
      at = t;
      tlen = 0;
    } else if (type == 1) {
      if (tlen < 4) {
        o << "\n\t    TLV length ", o.u(tlen) << " < 4";
        return false;
      }
      o << ", ", ip4_at(o, m, at);
    } else if (p.opt.verbose <= 1) {
      unknown_data(o, m, at, tlen, "\n\t      ");
    }
    std::uint32_t padded = tlen % 4 ? tlen + 4 - tlen % 4 : tlen;
    if (padded > len) {
      o << "\n\t    Bogus padded length ", o.u(padded) << " > ", o.u(len);
      return false;
    }
    len -= padded;
    at += padded;
  }
  return true;
}

// RFC 3623 grace LSA TLVs; false where tcpdump returns -1.
bool print_grace(PrintCtx& p, Bytes m, std::size_t at, std::uint32_t len) {
  Out& o = p.o;
  auto captured = [&](std::size_t from, std::size_t n) { return from <= m.size() && n <= m.size() - from; };
  while (len > 0) {
    if (!captured(at, 4)) return false;  // tcpdump's ND_TCHECK: the LSA ends quietly
    if (len < 4) {
      o << "\n\t    Remaining LS length ", o.u(len) << " < 4";
      return false;
    }
    std::uint32_t type = be16_at(m, at), tlen = be16_at(m, at + 2);
    at += 4;
    len -= 4;
    o << "\n\t    ";
    name_or(o, kGraceTlvs, type, "unknown") << " TLV (";
    o.u(type) << "), length ";
    o.u(tlen) << ", value: ";
    if (tlen > len) {
      o << "\n\t    Bogus length ", o.u(tlen) << " > ", o.u(len);
      return false;
    }
    if (type == 0 || tlen == 0) return false;
    if (!captured(at, tlen)) return false;
    switch (type) {
      case 1:
        if (tlen != 4) return o << "\n\t    Bogus length ", o.u(tlen) << " != 4", false;
        o.u(be32_at(m, at)) << 's';
        break;
      case 2:
        if (tlen != 1) return o << "\n\t    Bogus length ", o.u(tlen) << " != 1", false;
        name_or(o, kGraceReasons, m[at], "Unknown") << " (";
        o.u(m[at]) << ')';
        break;
      case 3:
        if (tlen != 4) return o << "\n\t    Bogus length ", o.u(tlen) << " != 4", false;
        ip4_at(o, m, at);
        break;
      default:
        if (p.opt.verbose <= 1) unknown_data(o, m, at, tlen, "\n\t      ");
        break;
    }
    std::uint32_t padded = tlen % 4 ? tlen + 4 - tlen % 4 : tlen;
    len -= std::min(len, padded);
    at += padded;
  }
  return true;
}

// RFC 7770 router information TLVs; false where tcpdump stops the LSA.
bool print_ri(PrintCtx& p, Bytes m, std::size_t at, std::uint32_t len) {
  Out& o = p.o;
  while (len != 0) {
    sub(m, at, 4);
    if (len < 4) {
      o << "\n\t    Remaining LS length ", o.u(len) << " < 4";
      return false;
    }
    std::uint32_t type = be16_at(m, at), tlen = be16_at(m, at + 2);
    at += 4;
    len -= 4;
    o << "\n\t    ";
    name_or(o, kRiTlvs, type, "unknown") << " TLV (";
    o.u(type) << "), length: ";
    o.u(tlen) << ", value: ";
    if (tlen > len) {
      o << "\n\t    Bogus length ", o.u(tlen) << " > remaining LS length ", o.u(len);
      return false;
    }
    sub(m, at, tlen);
    if (type == 1) {
      if (tlen != 4) return o << "\n\t    Bogus length ", o.u(tlen) << " != 4", false;
      o << "Capabilities: ";
      print_bit_names(o, kRiCaps, be32_at(m, at), "Unknown");
    } else if (p.opt.verbose <= 1) {
      unknown_data(o, m, at, tlen, "\n\t      ");
    }
    at += tlen;  // 4.99.3 does not pad router-information TLVs to 32 bits
    len -= tlen;
  }
  return true;
}

// One LSA at off; returns where the next one starts (tcpdump's ls_end).
// A router LSA's flags and links (RFC 2328 A.4.2), the body at `body`.
// false: a link type tcpdump does not know ends the LSA there.
bool print_router_lsa(Out& o, Bytes m, std::size_t body) {
  std::uint8_t flags = sub(m, body, 1)[0];
  o << "\n\t    Router LSA Options: [";
  print_bit_names(o, kRouterFlags, flags, "none");
  o << ']';
  unsigned count = be16_at(m, body + 2);
  std::size_t link = body + 4;
  sub(m, link, 12);
  for (unsigned k = 0; k < count; ++k) {
    sub(m, link, 12);
    unsigned ltype = m[link + 8];
    switch (ltype) {
      case 1: o << "\n\t      Neighbor Router-ID: "; break;
      case 2: o << "\n\t      Neighbor Network-ID: "; break;
      case 3: o << "\n\t      Stub Network: "; break;
      case 4: o << "\n\t      Virtual Link: Neighbor Router-ID: "; break;
      default:
        o << "\n\t      Unknown Router Link Type (";
        o.u(ltype) << ')';
        return false;
    }
    ip4_at(o, m, link);
    o << (ltype == 3 ? ", Mask: " : ", Interface Address: ");
    ip4_at(o, m, link + 4);
    unsigned tos_count = m[link + 9];
    for (unsigned t = 0; t <= tos_count; ++t) {
      std::size_t at = link + 8 + 4 * t;
      unsigned topology = t ? sub(m, at, 1)[0] : 0;
      std::uint16_t metric = be16_at(m, at + 2);
      print_topology(o, topology);
      o << ", metric ";
      o.u(metric);
    }
    link += 12 + 4 * tos_count;
  }
  return true;
}

std::size_t print_lsa(PrintCtx& p, Bytes m, std::size_t off) {
  Out& o = p.o;
  long hdr = print_lsa_header(o, m, off);
  if (hdr < 0) throw Truncated{};  // tcpdump: ospf_print_lsa returns NULL, the update ends in [|ospf2]
  const std::size_t end = off + static_cast<std::size_t>(hdr);
  const std::size_t body = off + kLsaHeader;
  const std::size_t body_len = static_cast<std::size_t>(hdr) - kLsaHeader;
  unsigned type = sub(m, off + 3, 1)[0];
  switch (type) {
    case 1:  // router
      if (!print_router_lsa(o, m, body)) return end;
      break;
    case 2: {  // network
      sub(m, body, 4);
      o << "\n\t    Mask ";
      ip4_at(o, m, body);
      o << "\n\t    Connected Routers:";
      for (std::size_t at = body + 4; at < end; at += 4) {
        sub(m, at, 4);
        o << "\n\t      ";
        ip4_at(o, m, at);
      }
      break;
    }
    case 3:
    case 4: {  // summary: network or ASBR
      sub(m, body, 4);
      if (type == 3) o << "\n\t    Mask ", ip4_at(o, m, body);
      sub(m, body + 4, 4);
      for (std::size_t at = body + 4; at < end; at += 4) {
        std::uint32_t v = be32_at(m, at);
        unsigned topology = (v & 0x7f000000u) >> 24;
        print_topology(o, topology);
        o << " metric ";
        o.u(v & 0xffffffu);
      }
      break;
    }
    case 5:
    case 7: {  // AS external and NSSA
      sub(m, body, 4);
      o << "\n\t    Mask ";
      ip4_at(o, m, body);
      sub(m, body + 4, 4);
      for (std::size_t at = body + 4; at < end; at += 12) {
        std::uint32_t v = be32_at(m, at);
        unsigned topology = (v & 0x7f000000u) >> 24;
        print_topology(o, topology);
        o << ", type " << (v & 0x80000000u ? "2" : "1") << ", metric";
        if ((v & 0xffffffu) == 0xffffff) o << " infinite";
        else o << ' ', o.u(v & 0xffffffu);
        if (be32_at(m, at + 4) != 0) o << ", forward ", ip4_at(o, m, at + 4);
        if (be32_at(m, at + 8) != 0) o << ", tag ", ip4_at(o, m, at + 8);
      }
      break;
    }
    case 6: {  // multicast group membership (RFC 1584)
      for (std::size_t at = body; at < end; at += 8) {
        std::uint32_t vtype = be32_at(m, at);
        sub(m, at + 4, 4);
        if (vtype == 1) o << "\n\t    Router Router-ID ", ip4_at(o, m, at + 4);
        else if (vtype == 2) o << "\n\t    Network Designated Router ", ip4_at(o, m, at + 4);
        else o << "\n\t    unknown VertexType (", o.u(vtype) << ')';
      }
      break;
    }
    case 9:
    case 10:
    case 11: {
      unsigned otype = sub(m, off + 4, 1)[0];
      auto len = static_cast<std::uint32_t>(body_len);
      bool ok = true;
      if (otype == 4) ok = print_ri(p, m, body, len);
      else if (otype == 3) ok = print_grace(p, m, body, len);
      else if (otype == 1) ok = print_te(p, m, body, len);
      else if (p.opt.verbose <= 1) unknown_data(o, m, body, body_len, "\n\t    ");
      if (!ok) return end;
      break;
    }
    default: break;
  }
  if (p.opt.verbose > 1) unknown_data(o, m, body, body_len, "\n\t    ");
  return end;
}

// RFC 5613 link-local signalling after the packet (and its MD5 digest).
void print_lls(Out& o, Bytes m, std::uint32_t length) {
  unsigned type = sub(m, 1, 1)[0];
  std::size_t opts_at = type == 1 ? 30 : type == 2 ? 26 : 0;
  if (!opts_at || !(sub(m, opts_at, 1)[0] & 0x10)) return;
  std::size_t at = be16_at(m, 2);
  std::uint32_t end_of_packet = be16_at(m, 2);
  if (be16_at(m, 14) == 2) {
    unsigned auth_len = sub(m, 19, 1)[0];
    at += auth_len;
    end_of_packet += auth_len;
  }
  if (end_of_packet >= length) {
    o << "\n\t[LLS truncated]";
    return;
  }
  std::uint16_t sum = be16_at(m, at);
  o << "\n\t  LLS: checksum: 0x";
  o.hex(sum, 4);
  std::uint16_t words = be16_at(m, at + 2);
  o << ", length: ";
  o.u(words);
  at += 4;
  while (at < length) {
    std::uint16_t tlv = be16_at(m, at);
    o << "\n\t    ";
    name_or(o, kLlsTlvs, tlv, "Unknown TLV") << " (";
    o.u(tlv) << ')';
    std::uint16_t len = be16_at(m, at + 2);
    o << ", length: ";
    o.u(len);
    at += 4;
    if (tlv == 1) {
      if (len != 4) o << " [should be 4]", len = 4;
      std::uint32_t flags = be32_at(m, at);
      o << "\n\t      Options: 0x";
      o.hex(flags, 8) << " [";
      print_bit_names(o, kLlsEoOptions, flags, "?");
      o << ']';
    } else if (tlv == 2) {
      if (len != 20) o << " [should be 20]", len = 20;
      std::uint32_t seq = be32_at(m, at);
      o << "\n\t      Sequence number: 0x";
      o.hex(seq, 8);
    }
    at += len;
  }
}

void print_v2_body(PrintCtx& p, Bytes m, std::size_t dataend) {
  Out& o = p.o;
  unsigned type = sub(m, 1, 1)[0];
  switch (type) {
    case 1: {  // hello
      std::uint8_t options = sub(m, 30, 1)[0];
      o << "\n\tOptions [";
      print_bit_names(o, kOptions, options, "none");
      o << ']';
      std::uint16_t hello = be16_at(m, 28);
      std::uint32_t dead = be32_at(m, 32);
      sub(m, 24, 4);
      std::uint8_t priority = sub(m, 31, 1)[0];
      o << "\n\t  Hello Timer ";
      o.u(hello) << "s, Dead Timer ";
      o.u(dead) << "s, Mask ";
      ip4_at(o, m, 24);
      o << ", Priority ";
      o.u(priority);
      if (be32_at(m, 36) != 0) o << "\n\t  Designated Router ", ip4_at(o, m, 36);
      if (be32_at(m, 40) != 0) o << ", Backup Designated Router ", ip4_at(o, m, 40);
      if (44 < dataend) o << "\n\t  Neighbor List:";
      for (std::size_t at = 44; at < dataend; at += 4) {
        sub(m, at, 4);
        o << "\n\t    ";
        ip4_at(o, m, at);
      }
      break;
    }
    case 2: {  // database description
      std::uint8_t options = sub(m, 26, 1)[0];
      o << "\n\tOptions [";
      print_bit_names(o, kOptions, options, "none");
      o << ']';
      std::uint8_t flags = sub(m, 27, 1)[0];
      o << ", DD Flags [";
      print_bit_names(o, kDdFlags, flags, "none");
      o << ']';
      if (std::uint16_t mtu = be16_at(m, 24)) o << ", MTU: ", o.u(mtu);
      std::uint32_t seq = be32_at(m, 28);
      o << ", Sequence: 0x";
      o.hex(seq, 8);
      for (std::size_t at = 32; at < dataend && print_lsa_header(o, m, at) != -1; at += kLsaHeader) {
      }
      break;
    }
    case 3: {  // LS request
      for (std::size_t at = kV2Header; at < dataend; at += 12) {
        sub(m, at, 12);
        std::uint32_t ltype = be32_at(m, at);
        o << "\n\t  Advertising Router: ";
        ip4_at(o, m, at + 8);
        o << ", ";
        name_or(o, kLsaTypes, ltype, "unknown") << " LSA (";
        o.u(ltype) << ')';
        if (opaque(ltype)) {
          unsigned otype = m[at + 4];
          o << ", Opaque-Type: ";
          name_or(o, kOpaqueTypes, otype, "unknown") << " LSA (";
          o.u(otype) << "), Opaque-ID: ";
          o.u(be32_at(m, at + 4) & 0xffffffu);
        } else {
          o << ", LSA-ID: ";
          ip4_at(o, m, at + 4);
        }
      }
      break;
    }
    case 4: {  // LS update
      std::uint32_t count = be32_at(m, 24);
      o << ", ";
      o.u(count) << " LSA" << (count == 1 ? "" : "s");
      std::size_t at = 28;
      for (std::uint32_t k = 1; k <= count && k != 0; ++k) {
        o << "\n\t  LSA #";
        o.u(k);
        at = print_lsa(p, m, at);
      }
      break;
    }
    case 5:  // LS ack: 4.99.3 reads headers until one is bogus or runs off the capture
      for (std::size_t at = kV2Header; print_lsa_header(o, m, at) != -1; at += kLsaHeader) {
      }
      break;
    default: break;
  }
}

void print_v2(PrintCtx& p, const OspfL& l) {
  p.proto = "ospf2";
  Out& o = p.o;
  Bytes m = l.msg;
  std::uint32_t length = l.length;
  // tcpdump takes the MD5 digest off the length and off the captured bytes first.
  if (be16_at(m, 14) == 2) {
    length -= 16;
    m = m.first(m.size() >= 16 ? m.size() - 16 : 0);
  }
  unsigned type = sub(m, 1, 1)[0];
  unsigned version = sub(m, 0, 1)[0];
  o << "OSPFv";
  o.u(version) << ", ";
  std::string_view name = tok_name(kTypes, type);
  if (name.empty()) {
    o << "unknown LS-type ";
    o.u(type) << ", length ";
    o.u(length);
    return;
  }
  o << name << ", length ";
  o.u(length);
  if (!p.opt.verbose) return;
  std::uint16_t ospf_len = be16_at(m, 2);
  if (length != ospf_len) o << " [len ", o.u(ospf_len) << ']';
  std::size_t dataend = length > ospf_len ? ospf_len : length;
  sub(m, 4, 4);
  o << "\n\tRouter-ID ";
  ip4_at(o, m, 4);
  if (be32_at(m, 8) != 0) o << ", Area ", ip4_at(o, m, 8);
  else o << ", Backbone Area";
  sub(m, 16, 8);
  std::uint16_t auth = be16_at(m, 14);
  o << ", Authentication Type: ";
  name_or(o, kAuthTypes, auth, "unknown") << " (";
  o.u(auth) << ')';
  switch (auth) {
    case 0: break;
    case 1:
      o << "\n\tSimple text password: ";
      for (std::size_t k = 16; k < 24 && m[k]; ++k) print_char(o, m[k]);
      break;
    case 2: {
      o << "\n\tKey-ID: ";
      o.u(m[18]) << ", Auth-Length: ";
      o.u(m[19]) << ", Crypto Sequence Number: 0x";
      o.hex(be32_at(m, 20), 8);
      break;
    }
    default: return;
  }
  if (version != 2) {
    o << " ospf [version ";
    o.u(version) << ']';
    return;
  }
  print_v2_body(p, m, dataend);
  if (length > ospf_len) print_lls(o, m, length);
}

// ---- OSPFv3 --------------------------------------------------------------------

constexpr std::size_t kV3Header = 16;

constexpr Tok kV3Options[] = {{0x01, "V6"},     {0x02, "External"},       {0x04, "Deprecated"},
                              {0x08, "NSSA"},   {0x10, "Router"},         {0x20, "Demand Circuit"},
                              {0x100, "AFs Support"}, {0x200, "LLS"}, {0x400, "Authentication Trailer"}};
constexpr Tok kV3RouterFlags[] = {{0x01, "ABR"}, {0x02, "External"}, {0x04, "Virtual-Link Endpoint"},
                                  {0x08, "Deprecated"}, {0x10, "NSSA Translator"}};
constexpr Tok kV3ExternalFlags[] = {{0x04000000, "External Type 2"}, {0x02000000, "Forwarding"},
                                    {0x01000000, "Tag"}};
constexpr Tok kV3LsaTypes[] = {{1, "Router"},          {2, "Network"},       {3, "Inter-Area Prefix"},
                               {4, "Inter-Area Router"}, {5, "External"},    {6, "Deprecated"},
                               {7, "NSSA"},            {8, "Link"},          {9, "Intra-Area Prefix"},
                               {10, "Intra-Area TE"},  {11, "Grace"},        {12, "Router Information"},
                               {13, "Inter-AS-TE"},    {14, "Layer 1 VPN"}};
constexpr Tok kV3Scopes[] = {{0x0000, "Link Local"}, {0x2000, "Area Local"}, {0x4000, "Domain Wide"}};
constexpr Tok kV3DdFlags[] = {{0x04, "Init"}, {0x02, "More"}, {0x01, "Master"}, {0x10, "IPv6 MTU"}};
constexpr Tok kV3PrefixOptions[] = {{0x01, "No Unicast"}, {0x02, "Local address"}, {0x04, "Deprecated"},
                                    {0x08, "Propagate"},  {0x10, "Down"},          {0x20, "N-bit"}};

void print_v3_ls_type(Out& o, std::uint16_t ls_type, Bytes m, std::size_t id_at) {
  sub(m, id_at, 4);
  o << "\n\t    ";
  name_or(o, kV3LsaTypes, ls_type & 0x1fffu, "Unknown") << " LSA (";
  o.u(ls_type & 0x1fffu) << "), ";
  name_or(o, kV3Scopes, ls_type & 0x6000u, "Unknown") << " Scope" << (ls_type & 0x8000 ? ", transitive" : "")
                                                       << ", LSA-ID ";
  ip4_at(o, m, id_at);
}

// The LSA header at off, which must lie before dataend (else truncated).
void print_v3_lsa_header(Out& o, Bytes m, std::size_t off, std::size_t dataend) {
  if (off + kLsaHeader > dataend) throw Truncated{};
  sub(m, off + 8, 4);
  std::uint32_t seq = be32_at(m, off + 12);
  std::uint16_t age = be16_at(m, off);
  std::uint16_t ls_length = be16_at(m, off + 18);
  o << "\n\t  Advertising Router ";
  ip4_at(o, m, off + 8);
  o << ", seq 0x";
  o.hex(seq, 8) << ", age ";
  o.u(age) << "s, length ";
  // tcpdump's %zu of the length less the header, in size_t arithmetic.
  o.u(static_cast<std::uint64_t>(ls_length) - kLsaHeader);
  print_v3_ls_type(o, be16_at(m, off + 2), m, off + 4);
}

// An address prefix at at with len bytes left: its size, or Truncated.
std::size_t print_v3_prefix(Out& o, Bytes m, std::size_t at, std::size_t len) {
  if (len < 4) throw Truncated{};
  len -= 4;
  sub(m, at, 4);
  unsigned plen = m[at];
  unsigned words = (plen + 31) / 32;
  if (words * 4 > 16) {
    o << " bogus prefixlen /";
    o.u(plen);
    throw Truncated{};
  }
  if (len < words * 4) throw Truncated{};
  std::array<std::uint8_t, 16> prefix{};
  Bytes b = sub(m, at + 4, words * 4);
  std::copy(b.begin(), b.end(), prefix.begin());
  o << "\n\t\t";
  o.ip6(prefix) << '/';
  o.u(plen);
  if (std::uint8_t opt = m[at + 1]) {
    o << ", Options [";
    print_bit_names(o, kV3PrefixOptions, opt, "none");
    o << ']';
  }
  o << ", metric ";
  o.u(be16_at(m, at + 2));
  return 4 + words * 4;
}

// One LSA; false where tcpdump's ospf6_print_lsa returns 1 (truncated).
// An OSPFv3 router, area scope LSA's body, `left` bytes at `at`; false where tcpdump
// stops at its trunc label.
bool v3_router_lsa(Out& o, Bytes m, std::size_t at, std::size_t left) {
  if (left < 4) return false;
  left -= 4;
  std::uint32_t options = be32_at(m, at);
  o << "\n\t      Options [";
  print_bit_names(o, kV3Options, options, "none");
  o << "], RLA-Flags [";
  print_bit_names(o, kV3RouterFlags, m[at], "none");
  o << ']';
  at += 4;
  while (left != 0) {
    if (left < 16) return false;
    left -= 16;
    sub(m, at, 16);
    unsigned ltype = m[at];
    switch (ltype) {
      case 4: o << "\n\t      Virtual Link: Neighbor Router-ID "; break;
      case 1: o << "\n\t      Neighbor Router-ID "; break;
      case 2: o << "\n\t      Neighbor Network-ID "; break;
      default:
        o << "\n\t      Unknown Router Links Type 0x";
        o.hex(ltype, 2);
        return true;
    }
    ip4_at(o, m, at + 12);
    o << "\n\t      Neighbor Interface-ID ";
    ip4_at(o, m, at + 8);
    o << ", Interface ";
    ip4_at(o, m, at + 4);
    o << ", metric ";
    o.u(be16_at(m, at + 2));
    at += 16;
  }
  return true;
}

// An OSPFv3 network LSA's body, `left` bytes at `at`; false where tcpdump
// stops at its trunc label.
bool v3_network_lsa(Out& o, Bytes m, std::size_t at, std::size_t left) {
  if (left < 4) return false;
  left -= 4;
  std::uint32_t options = be32_at(m, at);
  o << "\n\t      Options [";
  print_bit_names(o, kV3Options, options, "none");
  o << "]\n\t      Connected Routers:";
  at += 4;
  while (left != 0) {
    if (left < 4) return false;
    left -= 4;
    sub(m, at, 4);
    o << "\n\t\t";
    ip4_at(o, m, at);
    at += 4;
  }
  return true;
}

// An OSPFv3 inter-area prefix LSA's body, `left` bytes at `at`; false where tcpdump
// stops at its trunc label.
bool v3_inter_area_prefix_lsa(Out& o, Bytes m, std::size_t at, std::size_t left) {
  if (left < 4) return false;
  left -= 4;
  o << ", metric ";
  o.u(be32_at(m, at) & 0xffffffu);
  at += 4;
  while (left != 0) {
    std::size_t n = print_v3_prefix(o, m, at, left);
    left -= n;
    at += n;
  }
  return true;
}

// An OSPFv3 AS external LSA's body, `left` bytes at `at`; false where tcpdump
// stops at its trunc label.
bool v3_external_lsa(Out& o, Bytes m, std::size_t at, std::size_t left) {
  if (left < 4) return false;
  left -= 4;
  std::uint32_t flags = be32_at(m, at);
  o << "\n\t     Flags [";
  print_bit_names(o, kV3ExternalFlags, flags, "none");
  o << "] metric ";
  o.u(flags & 0xffffffu);
  at += 4;
  std::size_t prefix_at = at;
  std::size_t n = print_v3_prefix(o, m, at, left);
  left -= n;
  at += n;
  if (flags & 0x02000000u) {
    if (left < 16) return false;
    left -= 16;
    o << " forward ";
    o.ip6(sub(m, at, 16));
    at += 16;
  }
  if (flags & 0x01000000u) {
    if (left < 4) return false;
    left -= 4;
    o << " tag ";
    ip4_at(o, m, at);
    at += 4;
  }
  if (sub(m, prefix_at + 2, 1)[0]) {  // tcpdump tests the metric's first byte (the referenced LS type)
    if (left < 4) return false;
    left -= 4;
    o << " RefLSID: ";
    ip4_at(o, m, at);
    at += 4;
  }
  return true;
}

// An OSPFv3 link LSA's body, `left` bytes at `at`; false where tcpdump
// stops at its trunc label.
bool v3_link_lsa(Out& o, Bytes m, std::size_t at, std::size_t left) {
  if (left < 4) return false;
  left -= 4;
  std::uint32_t options = be32_at(m, at);
  o << "\n\t      Options [";
  print_bit_names(o, kV3Options, options, "none");
  o << ']';
  if (left < 20) return false;
  left -= 20;
  std::uint32_t prefixes = be32_at(m, at + 20);
  std::uint8_t priority = m[at];
  Bytes lladdr = sub(m, at + 4, 16);
  o << "\n\t      Priority ";
  o.u(priority) << ", Link-local address ";
  o.ip6(lladdr) << ", Prefixes ";
  o.u(prefixes) << ':';
  at += 24;
  for (; prefixes > 0; --prefixes) {
    std::size_t n = print_v3_prefix(o, m, at, left);
    left -= n;
    at += n;
  }
  return true;
}

// An OSPFv3 intra-area prefix LSA's body, `left` bytes at `at`; false where tcpdump
// stops at its trunc label.
bool v3_intra_area_prefix_lsa(Out& o, Bytes m, std::size_t at, std::size_t left) {
  if (left < 4) return false;
  left -= 4;
  sub(m, at + 8, 4);
  print_v3_ls_type(o, be16_at(m, at + 2), m, at + 4);
  if (left < 2) return false;
  left -= 2;
  unsigned prefixes = be16_at(m, at);
  o << "\n\t      Prefixes ";
  o.u(prefixes) << ':';
  at += 12;
  // tcpdump counted 6 of the 12 fixed bytes off the length.
  for (; prefixes > 0; --prefixes) {
    std::size_t n = print_v3_prefix(o, m, at, left);
    left -= n;
    at += n;
  }
  return true;
}

bool print_v3_lsa(Out& o, Bytes m, std::size_t off, std::size_t dataend) {
  print_v3_lsa_header(o, m, off, dataend);
  std::size_t length = be16_at(m, off + 18);
  if (length < kLsaHeader || off + length > dataend) return false;
  std::size_t left = length - kLsaHeader;
  std::size_t at = off + kLsaHeader;
  std::uint16_t ls_type = be16_at(m, off + 2);
  switch (ls_type) {
    case 0x2001:  // router, area scope
      return v3_router_lsa(o, m, at, left);
    case 0x2002:  // network
      return v3_network_lsa(o, m, at, left);
    case 0x2003:  // inter-area prefix
      return v3_inter_area_prefix_lsa(o, m, at, left);
    case 0x4005:  // AS external
      return v3_external_lsa(o, m, at, left);
    case 0x0008:  // link
      return v3_link_lsa(o, m, at, left);
    case 0x2009:  // intra-area prefix
      return v3_intra_area_prefix_lsa(o, m, at, left);
    default:
      // Grace, TE and the rest: the body as tcpdump prints unknown data.
      if (at > m.size()) {
        unknown_data(o, m, at, left, "\n\t      ");
        return false;
      }
      unknown_data(o, m, at, left, "\n\t      ");
      break;
  }
  return true;
}

void print_v3_body(PrintCtx& p, Bytes m, std::size_t dataend) {
  Out& o = p.o;
  const bool vv = p.opt.verbose > 1;
  unsigned type = sub(m, 1, 1)[0];
  const std::size_t b = kV3Header;
  switch (type) {
    case 1: {  // hello
      std::uint32_t options = be32_at(m, b + 4);
      o << "\n\tOptions [";
      print_bit_names(o, kV3Options, options, "none");
      o << ']';
      std::uint16_t hello = be16_at(m, b + 8), dead = be16_at(m, b + 10);
      sub(m, b, 4);
      std::uint8_t priority = sub(m, b + 4, 1)[0];
      o << "\n\t  Hello Timer ";
      o.u(hello) << "s, Dead Timer ";
      o.u(dead) << "s, Interface-ID ";
      ip4_at(o, m, b);
      o << ", Priority ";
      o.u(priority);
      if (be32_at(m, b + 12) != 0) o << "\n\t  Designated Router ", ip4_at(o, m, b + 12);
      if (be32_at(m, b + 16) != 0) o << ", Backup Designated Router ", ip4_at(o, m, b + 16);
      if (vv) {
        o << "\n\t  Neighbor List:";
        for (std::size_t at = b + 20; at < dataend; at += 4) {
          sub(m, at, 4);
          o << "\n\t    ";
          ip4_at(o, m, at);
        }
      }
      break;
    }
    case 2: {  // database description
      std::uint32_t options = be32_at(m, b);
      o << "\n\tOptions [";
      print_bit_names(o, kV3Options, options, "none");
      o << ']';
      std::uint8_t flags = sub(m, b + 7, 1)[0];
      o << ", DD Flags [";
      print_bit_names(o, kV3DdFlags, flags, "none");
      o << ']';
      std::uint16_t mtu = be16_at(m, b + 4);
      std::uint32_t seq = be32_at(m, b + 8);
      o << ", MTU ";
      o.u(mtu) << ", DD-Sequence 0x";
      o.hex(seq, 8);
      if (vv)
        for (std::size_t at = b + 12; at < dataend; at += kLsaHeader) print_v3_lsa_header(o, m, at, dataend);
      break;
    }
    case 3:  // LS request
      if (vv) {
        for (std::size_t at = b; at < dataend; at += 12) {
          sub(m, at, 12);
          o << "\n\t  Advertising Router ";
          ip4_at(o, m, at + 8);
          print_v3_ls_type(o, be16_at(m, at + 2), m, at + 4);
        }
      }
      break;
    case 4:  // LS update
      if (vv) {
        std::uint32_t count = be32_at(m, b);
        std::size_t at = b + 4;
        while (at < dataend && count--) {
          if (!print_v3_lsa(o, m, at, dataend)) throw Truncated{};
          at += be16_at(m, at + 18);
        }
      }
      break;
    case 5:  // LS ack
      if (vv)
        for (std::size_t at = b; at < dataend; at += kLsaHeader) print_v3_lsa_header(o, m, at, dataend);
      break;
    default: break;
  }
}

// RFC 5613 LLS (header only) and the RFC 7166 authentication trailer after
// the packet; false: truncated.
bool print_v3_trailer(PrintCtx& p, Bytes m, std::size_t at, std::size_t len) {
  Out& o = p.o;
  unsigned type = sub(m, 1, 1)[0];
  bool lls = false;
  if (type == 1) lls = be32_at(m, kV3Header + 4) & 0x200;
  else if (type == 2) lls = be32_at(m, kV3Header) & 0x200;
  std::size_t lls_len = 0;
  if (lls && len != 0) {
    if (len < 4) return false;
    o << "\n\tLLS Checksum 0x";
    o.hex(be16_at(m, at), 4);
    std::uint16_t data_len = be16_at(m, at + 2);
    o << ", Data Length ";
    o.u(data_len);
    if (data_len < 4 || data_len > len) return false;
    sub(m, at + 4, data_len - 4u);
    lls_len = data_len;
  }
  at += lls_len;
  len -= lls_len;
  if (len == 0) return true;
  if (len < 16) return false;
  std::uint16_t auth = be16_at(m, at);
  o << "\n\tAuthentication Type ";
  if (auth == 1) o << "HMAC";
  else o << "unknown (0x", o.hex(auth, 4) << ')';
  std::uint16_t auth_len = be16_at(m, at + 2);
  o << ", Length ";
  o.u(auth_len);
  if (auth_len < 16 || auth_len > len) return false;
  std::uint16_t said = be16_at(m, at + 6);
  o << ", SAID ";
  o.u(said);
  std::uint32_t hi = be32_at(m, at + 8);
  o << ", CSN 0x";
  o.hex(hi, 8);
  std::uint32_t lo = be32_at(m, at + 12);
  o << ':';
  o.hex(lo, 8);
  sub(m, at + 16, auth_len - 16u);
  if (p.opt.verbose > 1) unknown_data(o, m, at + 16, auth_len - 16u, "\n\tAuthentication Data ");
  return true;
}

void print_v3(PrintCtx& p, const OspfL& l) {
  p.proto = "ospf3";
  Out& o = p.o;
  Bytes m = l.msg;
  unsigned type = sub(m, 1, 1)[0];
  unsigned version = sub(m, 0, 1)[0];
  o << "OSPFv";
  o.u(version) << ", ";
  std::string_view name = tok_name(kTypes, type);
  if (name.empty()) {
    o << "unknown packet type (";
    o.u(type) << "), length ";
    o.u(l.length);
    return;
  }
  o << name << ", length ";
  o.u(l.length);
  if (!p.opt.verbose) return;
  std::uint16_t datalen = be16_at(m, 2);
  if (datalen > l.length) {
    o << " [len ";
    o.u(datalen) << ']';
    return;
  }
  sub(m, 4, 4);
  o << "\n\tRouter-ID ";
  ip4_at(o, m, 4);
  if (be32_at(m, 8) != 0) o << ", Area ", ip4_at(o, m, 8);
  else o << ", Backbone Area";
  if (std::uint8_t instance = sub(m, 14, 1)[0]) o << ", Instance ", o.u(instance);
  if (version != 3) return;
  print_v3_body(p, m, datalen);
  if (!print_v3_trailer(p, m, datalen, l.length - datalen)) throw Truncated{};
}

}  // namespace

void decode_ospf(Ctx& c, ByteReader r, std::uint32_t length, std::size_t ip) {
  bool v6 = is<Ipv6L>(c.d, ip);
  c.d.trunc_proto = v6 ? "ospf3" : "ospf2";
  auto& l = c.d.push<OspfL>();
  l.msg = r.rest().first(std::min<std::size_t>(r.remaining(), length));
  l.length = length;
  l.v6 = v6;
}

void print_ospf(PrintCtx& p, std::size_t i) {
  const auto& l = at<OspfL>(p.d, i);
  if (l.v6) print_v3(p, l);
  else print_v2(p, l);
}

}  // namespace netlab::proto

namespace netlab::proto {

// The common header's fields and, for a hello, its timers and neighbours;
// whatever was not captured is left out and "truncated" says so.
void json_ospf(JsonWriter& w, const OspfL& l) {
  w.member("layer", l.v6 ? "ospf3" : "ospf2");
  w.member("length", l.length);
  Bytes m = l.msg;
  try {
    unsigned version = sub(m, 0, 1)[0], type = sub(m, 1, 1)[0];
    w.member("version", version);
    w.member("type", type);
    w.member("type_name", tok_name(kTypes, type));
    w.member("packet_length", be16_at(m, 2));
    w.member("router_id", ip4_text(sub(m, 4, 4)));
    w.member("area_id", ip4_text(sub(m, 8, 4)));
    w.member("checksum", be16_at(m, 12));
    if (l.v6) {
      w.member("instance_id", sub(m, 14, 1)[0]);
      if (type == 1) {
        w.member("interface_id", be32_at(m, 16));
        w.member("priority", sub(m, 20, 1)[0]);
        w.member("options", be32_at(m, 20) & 0xffffffu);
        w.member("hello_interval", be16_at(m, 24));
        w.member("dead_interval", be16_at(m, 26));
        w.member("designated_router", ip4_text(sub(m, 28, 4)));
        w.member("backup_designated_router", ip4_text(sub(m, 32, 4)));
      }
      return;
    }
    std::uint16_t auth = be16_at(m, 14);
    w.member("auth_type", auth);
    if (type == 1) {
      w.member("network_mask", ip4_text(sub(m, 24, 4)));
      w.member("hello_interval", be16_at(m, 28));
      w.member("options", sub(m, 30, 1)[0]);
      w.member("priority", sub(m, 31, 1)[0]);
      w.member("dead_interval", be32_at(m, 32));
      w.member("designated_router", ip4_text(sub(m, 36, 4)));
      w.member("backup_designated_router", ip4_text(sub(m, 40, 4)));
      std::size_t end = std::min<std::size_t>(be16_at(m, 2), m.size());
      w.key("neighbors");
      w.begin_array();
      for (std::size_t at = 44; at + 4 <= end; at += 4) w.value(ip4_text(m.subspan(at, 4)));
      w.end_array();
    } else if (type == 2) {
      w.member("mtu", be16_at(m, 24));
      w.member("options", sub(m, 26, 1)[0]);
      w.member("dd_flags", sub(m, 27, 1)[0]);
      w.member("dd_sequence", be32_at(m, 28));
    } else if (type == 4) {
      w.member("lsa_count", be32_at(m, 24));
    }
  } catch (const Truncated&) {
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
