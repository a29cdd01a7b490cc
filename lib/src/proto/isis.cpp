// IS-IS: ISO 10589 (and RFC 1195) over LLC/OSI, NLPID 0x83 after the LLC
// header 0xfe 0xfe 0x03 (llc.cpp); TLVs from RFC 5305 (extended IS and IP
// reachability), RFC 5308 (IPv6), RFC 5120 (multi-topology), RFC 3847
// (restart), RFC 6329 (SPB), RFC 7981 (router capability), RFC 8667
// (segment routing), RFC 8202 (instance identifier), RFC 6232 (purge
// originator). The text follows tcpdump 4.99.3's print-isoclns.c
// (isis_print): at -n one summary line per PDU ("IS-IS, L1 Lan IIH, src-id
// ..., lan-id ..., prio N, length N"); from -v the common header, the PDU
// type's fixed header and every TLV, with the hex lines tcpdump adds at -vv.
// A header the checks refuse is said and the PDU dumped in hex; a read past
// the capture is " [|isis]". Every byte is read through sub() and its kin.
#include "proto/proto.hpp"

#include <array>
#include <cstdio>
#include <cstring>
#include <string>

namespace netlab::proto {
namespace {

constexpr Tok kPduTypes[] = {{15, "L1 Lan IIH"}, {16, "L2 Lan IIH"}, {17, "p2p IIH"},
                             {18, "L1 LSP"},     {20, "L2 LSP"},     {24, "L1 CSNP"},
                             {25, "L2 CSNP"},    {26, "L1 PSNP"},    {27, "L2 PSNP"}};

constexpr Tok kTlvNames[] = {{1, "Area address(es)"},
                             {2, "IS Reachability"},
                             {3, "ES Neighbor(s)"},
                             {4, "Partition DIS"},
                             {5, "Prefix Neighbors"},
                             {6, "IS Neighbor(s)"},
                             {7, "Instance Identifier"},
                             {8, "Padding"},
                             {9, "LSP entries"},
                             {10, "Authentication"},
                             {12, "Checksum"},
                             {13, "Purge Originator Identifier"},
                             {14, "LSP Buffersize"},
                             {22, "Extended IS Reachability"},
                             {24, "IS Alias ID"},
                             {42, "DECnet Phase IV"},
                             {66, "Lucent Proprietary"},
                             {128, "IPv4 Internal Reachability"},
                             {129, "Protocols supported"},
                             {130, "IPv4 External Reachability"},
                             {131, "Inter-Domain Information Type"},
                             {132, "IPv4 Interface address(es)"},
                             {133, "IPv4 authentication (deprecated)"},
                             {134, "Traffic Engineering Router ID"},
                             {135, "Extended IPv4 Reachability"},
                             {137, "Hostname"},
                             {138, "Shared Risk Link Group"},
                             {143, "Multi-Topology-Aware Port Capability"},
                             {144, "Multi-Topology Capability"},
                             {176, "Nortel Proprietary"},
                             {177, "Nortel Proprietary"},
                             {211, "Restart Signaling"},
                             {222, "Multi Topology IS Reachability"},
                             {229, "Multi Topology"},
                             {232, "IPv6 Interface address(es)"},
                             {235, "Multi-Topology IPv4 Reachability"},
                             {236, "IPv6 reachability"},
                             {237, "Multi-Topology IP6 Reachability"},
                             {240, "Point-to-point Adjacency State"},
                             {241, "Hello PDU Sequence Number"},
                             {242, "IS-IS Router Capability"},
                             {250, "Vendor Private"}};

constexpr Tok kNlpids[] = {{0x00, "NULL"},  {0x08, "Q.933"},     {0x09, "LMI"},    {0x80, "SNAP"},
                           {0x81, "CLNP"},  {0x82, "ES-IS"},     {0x83, "IS-IS"},  {0x84, "CONS"},
                           {0x85, "IDRP"},  {0xc1, "ISIS_SPB"},  {0xb1, "FRF.15"}, {0xcc, "IPv4"},
                           {0xcf, "PPP"},   {0x8a, "X25 ES-IS"}, {0x8e, "IPv6"}};
constexpr Tok kCircuitTypes[] = {{1, "Level 1 only"}, {2, "Level 2 only"}, {3, "Level 1, Level 2"}};
constexpr Tok kLspIsTypes[] = {
    {0, "Unused 0x0 (invalid)"}, {1, "L1 IS"}, {2, "Unused 0x2 (invalid)"}, {3, "L2 IS"}};
constexpr Tok kPtpAdjStates[] = {{0, "Up"}, {1, "Initializing"}, {2, "Down"}};
constexpr Tok kVirtualFlags[] = {{0, "IsNotVirtual"}, {1, "IsVirtual"}};
constexpr Tok kRestartFlags[] = {
    {0x1, "Restart Request"}, {0x2, "Restart Acknowledgement"}, {0x4, "Suppress adjacency advertisement"}};
constexpr Tok kMtIds[] = {{0, "IPv4 unicast"},
                          {1, "In-Band Management"},
                          {2, "IPv6 unicast"},
                          {3, "Multicast"},
                          {4095, "Development, Experimental or Proprietary"}};
constexpr Tok kMtFlags[] = {{0x4000, "ATT bit set"}, {0x8000, "Overload bit set"}};
constexpr Tok kAuthTypes[] = {{1, "simple text password"},
                              {3, "Generic Crypto key-id"},
                              {54, "HMAC-MD5 password"},
                              {255, "Routing Domain private password"}};
constexpr Tok kIdrpTypes[] = {{0, "Reserved"}, {1, "Routing-Domain Specific"}, {2, "AS Number Tag"}};
constexpr Tok kExtIsSubTlvs[] = {{3, "Administrative groups"},
                                 {4, "Link Local/Remote Identifier"},
                                 {5, "Link Remote Identifier"},
                                 {6, "IPv4 interface address"},
                                 {8, "IPv4 neighbor address"},
                                 {9, "Maximum link bandwidth"},
                                 {10, "Reservable link bandwidth"},
                                 {11, "Unreserved bandwidth"},
                                 {18, "Traffic Engineering Metric"},
                                 {19, "Link Attribute"},
                                 {20, "Link Protection Type"},
                                 {21, "Interface Switching Capability"},
                                 {12, "Bandwidth Constraints (old)"},
                                 {22, "Bandwidth Constraints"},
                                 {32, "LAN Adjacency Segment Identifier"},
                                 {29, "SPB Metric"},
                                 {250, "Reserved for cisco specific extensions"},
                                 {251, "Reserved for cisco specific extensions"},
                                 {252, "Reserved for cisco specific extensions"},
                                 {253, "Reserved for cisco specific extensions"},
                                 {254, "Reserved for cisco specific extensions"},
                                 {255, "Reserved for future expansion"}};
constexpr Tok kExtIpSubTlvs[] = {{1, "32-Bit Administrative tag"},
                                 {2, "64-Bit Administrative tag"},
                                 {3, "Prefix SID"},
                                 {117, "Management Prefix Color"}};
constexpr Tok kPrefixSidFlags[] = {{0x80, "Readvertisement"}, {0x40, "Node"},  {0x20, "No-PHP"},
                                   {0x10, "Explicit NULL"},   {0x08, "Value"}, {0x04, "Local"}};
constexpr Tok kPrefixSidAlgos[] = {{0, "SPF"}, {1, "strict-SPF"}};
constexpr Tok kLinkAttributes[] = {{0x01, "Local Protection Available"},
                                   {0x02, "Link excluded from local protection path"},
                                   {0x04, "Local maintenance required"}};
constexpr Tok kLanAdjSidFlags[] = {{0x80, "Address family IPv6"}, {0x40, "Backup"},
                                   {0x20, "Value"},               {0x10, "Local significance"},
                                   {0x08, "Set of adjacencies"},  {0x04, "Persistent"}};
constexpr Tok kLinkProtection[] = {{0x01, "Extra Traffic"}, {0x02, "Unprotected"},   {0x04, "Shared"},
                                   {0x08, "Dedicated 1:1"}, {0x10, "Dedicated 1+1"}, {0x20, "Enhanced"},
                                   {0x40, "Reserved"},      {0x80, "Reserved"}};
constexpr Tok kBcModels[] = {{0, "Russian dolls"}, {1, "Maximum allocation"}};
constexpr Tok kRouterCapFlags[] = {{0x01, "S bit"}, {0x02, "D bit"}};
constexpr Tok kRouterCapSubTlvs[] = {{2, "SR-Capabilities"}};
constexpr Tok kSrFlags[] = {{0x80, "ipv4"}, {0x40, "ipv6"}};
constexpr Tok kPortCapSubTlvs[] = {{4, "SPB MCID"}, {5, "SPB Digest"}, {6, "SPB BVID"}};
constexpr Tok kMtCapSubTlvs[] = {{1, "SPB Instance"}, {3, "SPBM Service Identifier and Unicast Address"}};

constexpr std::uint32_t kCommon = 8;
constexpr std::string_view kIndent = "\n\t      ";

// The PDU type's fixed header after the common one (tcpdump's structs); 0: unknown type.
std::uint32_t pdu_header_size(std::uint8_t type) {
  switch (type) {
    case 15:
    case 16: return 19;
    case 17: return 12;
    case 18:
    case 20: return 19;
    case 24:
    case 25: return 25;
    case 26:
    case 27: return 9;
    default: return 0;
  }
}

std::uint8_t u8_at(Bytes m, std::size_t off) { return sub(m, off, 1)[0]; }
std::uint32_t be24_at(Bytes m, std::size_t off) {
  Bytes b = sub(m, off, 3);
  return std::uint32_t(b[0]) << 16 | std::uint32_t(b[1]) << 8 | b[2];
}

// tcpdump's isis_print_id: "xxxx.xxxx.xxxx", ".xx" for a node id (7 bytes),
// "-xx" for an LSP id (8 bytes).
void print_id(Out& o, Bytes m, std::size_t at, std::size_t len) {
  Bytes id = sub(m, at, len);
  for (std::size_t k = 0; k < 6 && k < len; ++k) {
    o.hex(id[k], 2);
    if (k == 1 || k == 3) o << '.';
  }
  if (len >= 7) {
    o << '.';
    o.hex(id[6], 2);
  }
  if (len == 8) {
    o << '-';
    o.hex(id[7], 2);
  }
}

// tcpdump's isonsap_string: "49.0001.0203", or its complaint about the length.
void print_isonsap(Out& o, Bytes m, std::size_t off, std::size_t len) {
  Bytes a = sub(m, off, len);
  if (len < 1 || len > 20) {
    o << "isonsap_string: illegal length";
    return;
  }
  for (std::size_t k = 0; k < len; ++k) {
    o.hex(a[k], 2);
    if ((k & 1) == 0 && k + 1 < len) o << '.';
  }
}

// "%15s" of a dotted quad.
void print_ip4_wide(Out& o, Bytes a) {
  std::string t = ip4_text(a);
  for (std::size_t k = t.size(); k < 15; ++k) o << ' ';
  o << t;
}

// tcpdump's "%.3f Mbps" of an IEEE float in bytes per second.
void print_bandwidth(Out& o, std::uint32_t bits) {
  float f = 0;
  std::memcpy(&f, &bits, sizeof f);
  float mbps = f * 8 / 1000000;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(mbps));
  o << buf << " Mbps";
}

// tcpdump's create_osi_cksum (ISO 8473 Fletcher): the checksum the two
// bytes at `at` of b should hold.
std::uint16_t osi_checksum(Bytes b, std::uint32_t at) {
  std::uint32_t c0 = 0, c1 = 0;  // tcpdump's 32-bit sums, wrapping as its do
  for (std::size_t k = 0; k < b.size(); ++k) {
    if (k != at && k != at + 1) c0 += b[k];
    c1 += c0;
  }
  c0 %= 255;
  c1 %= 255;
  std::uint32_t mul = (static_cast<std::uint32_t>(b.size()) - at) * c0;
  auto x = static_cast<std::int32_t>(mul - c0 - c1);
  auto y = static_cast<std::int32_t>(c1 - mul - 1);
  if (y >= 0) ++y;
  if (x < 0) --x;
  x %= 255;
  y %= 255;
  if (x == 0) x = 255;
  if (y == 0) y = 255;
  return static_cast<std::uint16_t>((static_cast<std::uint32_t>(x) << 8) | (static_cast<std::uint32_t>(y) & 0xff));
}

// tcpdump's osi_print_cksum over m[base, base+len) with the field at base+at.
void print_osi_checksum(Out& o, Bytes m, std::size_t base, std::uint16_t cksum, std::uint32_t at, std::uint32_t len) {
  if (cksum == 0 || base + at + 2 > m.size() || at > len || base + static_cast<std::uint64_t>(len) > m.size()) {
    o << " (unverified)";
    return;
  }
  std::uint16_t want = osi_checksum(m.subspan(base, len), at);
  if (want == cksum) {
    o << " (correct)";
  } else {
    o << " (incorrect should be 0x";
    o.hex(want, 4) << ')';
  }
}

// The state one PDU's TLVs are printed with.
struct Pdu {
  PrintCtx& p;
  Out& o;
  Bytes m;  // the PDU as captured, from the NLPID on
  bool vv = false;
  std::uint32_t length = 0;  // the PDU length (the header's, when smaller)
};

// tcpdump's own checks that end the PDU with " [|isis]".
[[noreturn]] void trunc(Pdu& u) {
  u.p.local_trunc = true;
  throw Truncated{};
}

// " (invalid)" after tcpdump's "[remaining tlv length]" complaints.
void remaining_invalid(Out& o, std::uint32_t tlen, std::uint32_t used) {
  o << " [remaining tlv length ";
  o.u(tlen) << " < ";
  o.u(used) << "] (invalid)";
}

// tcpdump's tok2str with a "...0x%02x" fallback.
Out& tok_hex(Out& o, std::span<const Tok> table, std::uint32_t v, std::string_view before,
             std::string_view after = {}, int width = 2) {
  std::string_view n = tok_name(table, v);
  if (!n.empty()) return o << n;
  o << before;
  o.hex(v, width);
  return o << after;
}

// ---- the old-style TLVs (ISO 10589, RFC 1195) ----------------------------------

// tcpdump's isis_print_metric_block: the default metric, then each other one supported.
void print_metric_block(Out& o, Bytes m, std::size_t off, std::string_view indent) {
  Bytes b = sub(m, off, 4);
  o << ", Default Metric: ";
  o.u(b[0] & 0x3f) << ", " << ((b[0] & 0x40) ? "External" : "Internal");
  constexpr std::string_view kNames[] = {"Delay", "Expense", "Error"};
  for (std::size_t k = 1; k < 4; ++k) {
    if (b[k] & 0x80) continue;
    o << indent << "  " << kNames[k - 1] << " Metric: ";
    o.u(b[k] & 0x3f) << ", " << ((b[k] & 0x40) ? "External" : "Internal");
  }
}

// TLV 1: the area addresses, each behind its length.
void tlv_area(Pdu& u, std::size_t off, std::uint32_t tlen) {
  while (tlen != 0) {
    std::uint8_t alen = u8_at(u.m, off);
    ++off;
    --tlen;
    if (tlen < alen) return;
    sub(u.m, off, alen);  // tcpdump reads before it prints the line
    u.o << kIndent << "Area address (length: ";
    u.o.u(alen) << "): ";
    print_isonsap(u.o, u.m, off, alen);
    off += alen;
    tlen -= alen;
  }
}

// TLVs 2 and 3: IS neighbours (a virtual flag, then metric block and node id)
// and ES neighbours (metric block and system id).
void tlv_neighbors(Pdu& u, std::uint8_t type, std::size_t off, std::uint32_t tlen) {
  std::uint32_t entry = type == 2 ? 11 : 10;
  if (type == 2) {
    if (tlen < 1) return;
    std::uint8_t flag = u8_at(u.m, off);
    u.o << kIndent;
    tok_hex(u.o, kVirtualFlags, flag, "bogus virtual flag 0x");
    ++off;
    --tlen;
  }
  while (tlen != 0) {
    if (tlen < entry) return;
    sub(u.m, off, entry);
    u.o << kIndent << (type == 2 ? "IS Neighbor: " : "ES Neighbor: ");
    print_id(u.o, u.m, off + 4, entry - 4);
    print_metric_block(u.o, u.m, off, "\n\t\t");
    off += entry;
    tlen -= entry;
  }
}

// TLVs 128 and 130: prefix, mask and metric block. False: tcpdump stops the PDU.
bool tlv_ip_reach(Pdu& u, std::size_t off, std::uint32_t tlen) {
  while (tlen > 0) {
    if (tlen < 12) {
      u.o << "short IPv4 Reachability (";
      u.o.u(tlen) << " vs 12)";
      return false;
    }
    if (off + 12 > u.m.size()) return false;
    Bytes e = sub(u.m, off, 12);
    std::uint32_t mask = be32_at(e, 8);
    int plen = -1;
    for (int k = 32; k >= 0; --k) {
      std::uint32_t want = k == 0 ? 0 : ~std::uint32_t{0} << (32 - k);
      if (want == mask) {
        plen = k;
        break;
      }
    }
    u.o << kIndent << "IPv4 prefix: ";
    if (plen < 0) {
      u.o.ip4(e.subspan(4, 4)) << " mask ";
      u.o.ip4(e.subspan(8, 4));
    } else {
      print_ip4_wide(u.o, e.subspan(4, 4));
      u.o << '/';
      u.o.u(static_cast<unsigned>(plen));
    }
    u.o << ", Distribution: " << ((e[0] & 0x80) ? "down" : "up") << ", Metric: ";
    u.o.u(e[0] & 0x3f) << ", " << ((e[0] & 0x40) ? "External" : "Internal");
    constexpr std::string_view kNames[] = {"Delay", "Expense", "Error"};
    for (std::size_t k = 1; k < 4; ++k) {
      if (e[k] & 0x80) continue;
      u.o << kIndent << "  " << kNames[k - 1] << " Metric: ";
      u.o.u(e[k] & 0x3f) << ", " << ((e[k] & 0x40) ? "External" : "Internal");
    }
    off += 12;
    tlen -= 12;
  }
  return true;
}

// TLV 129: the NLPIDs, ", " between.
void tlv_protocols(Pdu& u, std::size_t off, std::uint32_t tlen) {
  u.o << kIndent << "NLPID(s): ";
  for (; tlen != 0; ++off, --tlen) {
    std::uint8_t v = u8_at(u.m, off);
    name_or(u.o, kNlpids, v, "unknown") << " (0x";
    u.o.hex(v, 2) << ')';
    if (tlen > 1) u.o << ", ";
  }
}

// tcpdump's nd_printjnp: up to n bytes, to a NUL, each as fn_print_char prints it.
void print_chars(Out& o, Bytes m, std::size_t off, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    std::uint8_t c = u8_at(m, off + k);
    if (c == 0) return;
    print_char(o, c);
  }
}

// TLV 10: the authentication type and its value.
void tlv_auth(Pdu& u, std::size_t off, std::uint32_t tlen) {
  if (tlen < 1) return;
  std::uint8_t type = u8_at(u.m, off);
  ++off;
  --tlen;
  u.o << kIndent;
  tok_hex(u.o, kAuthTypes, type, "unknown Authentication type 0x");
  u.o << ": ";
  switch (type) {
    case 1: print_chars(u.o, u.m, off, tlen); break;
    case 54:
      for (std::uint32_t k = 0; k < tlen; ++k) u.o.hex(u8_at(u.m, off + k), 2);
      if (tlen != 16) u.o << ", (invalid subTLV) ";
      u.o << " (unchecked)";  // tcpdump without -M has no secret to check with
      break;
    case 3:
      if (tlen < 2) return;
      u.o.u(be16_at(u.m, off)) << ", password: ";
      for (std::uint32_t k = 2; k < tlen; ++k) u.o.hex(u8_at(u.m, off + k), 2);
      break;
    default: print_unknown_data(u.o, u.m.subspan(std::min(off, u.m.size())), tlen, "\n\t\t  "); break;
  }
}

// TLV 240: state, extended circuit id, neighbour and its circuit id, as far as there.
void tlv_ptp_adj(Pdu& u, std::size_t off, std::uint32_t tlen) {
  if (tlen >= 1) {
    std::uint8_t s = u8_at(u.m, off);
    u.o << kIndent << "Adjacency State: ";
    name_or(u.o, kPtpAdjStates, s, "unknown") << " (";
    u.o.u(s) << ')';
    --tlen;
  }
  if (tlen > 4) {
    std::uint32_t id = be32_at(u.m, off + 1);
    u.o << kIndent << "Extended Local circuit-ID: 0x";
    u.o.hex(id, 8);
    tlen -= 4;
  }
  if (tlen >= 6) {
    sub(u.m, off + 5, 6);
    u.o << kIndent << "Neighbor System-ID: ";
    print_id(u.o, u.m, off + 5, 6);
    tlen -= 6;
  }
  if (tlen >= 4) {
    std::uint32_t id = be32_at(u.m, off + 11);
    u.o << kIndent << "Neighbor Extended Local circuit-ID: 0x";
    u.o.hex(id, 8);
  }
}

// TLV 9: LSP entries (lifetime, LSP id, sequence number, checksum).
void tlv_lsp_entries(Pdu& u, std::size_t off, std::uint32_t tlen) {
  while (tlen != 0) {
    if (tlen < 16) return;
    sub(u.m, off, 10);
    u.o << kIndent << "lsp-id: ";
    print_id(u.o, u.m, off + 2, 8);
    std::uint32_t seq = be32_at(u.m, off + 10);  // each field read before its text, as tcpdump's GETs
    u.o << ", seq: 0x";
    u.o.hex(seq, 8);
    std::string t = std::to_string(be16_at(u.m, off));
    u.o << ", lifetime: ";
    for (std::size_t k = t.size(); k < 5; ++k) u.o << ' ';
    u.o << t << 's';
    std::uint16_t cksum = be16_at(u.m, off + 14);
    u.o << ", chksum: 0x";
    u.o.hex(cksum, 4);
    off += 16;
    tlen -= 16;
  }
}

// TLV 7: the instance id and the topology ids after it.
void tlv_instance(Pdu& u, std::size_t off, std::uint32_t tlen) {
  if (tlen < 4) return;
  std::uint32_t n = (tlen - 2) / 2;
  std::uint16_t iid = be16_at(u.m, off);
  u.o << kIndent << "Instance ID: ";
  u.o.u(iid) << ", ITIDs(";
  u.o.u(n) << ')' << (n ? ":" : "") << ' ';
  for (std::uint32_t k = 0; k < n; ++k) {
    std::uint16_t itid = be16_at(u.m, off + 2 + 2 * k);
    u.o.u(itid);
    if (k + 1 < n) u.o << ", ";
  }
}

// TLV 13: the purge originator and the system it came from.
void tlv_poi(Pdu& u, std::size_t off, std::uint32_t tlen) {
  if (tlen < 1) return;
  std::uint8_t n = u8_at(u.m, off);
  ++off;
  --tlen;
  if (n == 0) {
    u.o << " No system IDs supplied";
    return;
  }
  if (tlen < 6) return;
  sub(u.m, off, 6);
  u.o << kIndent << "Purge Originator System-ID: ";
  print_id(u.o, u.m, off, 6);
  if (n > 1) {
    if (tlen < 12) return;
    sub(u.m, off + 6, 13);  // tcpdump's check: 13 bytes from the second id
    u.o << kIndent << "Received from System-ID: ";
    print_id(u.o, u.m, off + 6, 6);
  }
}

// TLV 211: flags, the remaining holding time and the neighbour it is for.
void tlv_restart(Pdu& u, std::size_t off, std::uint32_t tlen) {
  if (tlen < 1) return;
  std::uint8_t flags = u8_at(u.m, off);
  u.o << kIndent << "Flags [";
  print_bit_names(u.o, kRestartFlags, flags, "none");
  u.o << ']';
  if (tlen < 3) return;
  std::uint16_t time = be16_at(u.m, off + 1);
  u.o << ", Remaining holding time ";
  u.o.u(time) << 's';
  if (tlen == 9) {
    sub(u.m, off + 3, 6);
    u.o << ", for ";
    print_id(u.o, u.m, off + 3, 6);
  }
}

// TLV 5: a metric block, then prefixes in semi-octets.
void tlv_prefix_neighbors(Pdu& u, std::size_t off, std::uint32_t tlen) {
  if (tlen < 4) return;
  sub(u.m, off, 4);
  u.o << kIndent << "Metric Block";
  print_metric_block(u.o, u.m, off, "\n\t\t");
  off += 4;
  tlen -= 4;
  while (tlen != 0) {
    std::uint8_t plen = u8_at(u.m, off);
    ++off;
    --tlen;
    if (plen < 2) {
      u.o << "\n\t\tAddress: prefix length ";
      u.o.u(plen) << " < 2";
      return;
    }
    if (tlen < plen / 2u) return;
    sub(u.m, off, plen / 2u);
    u.o << "\n\t\tAddress: ";
    print_isonsap(u.o, u.m, off, plen / 2u);
    u.o << '/';
    u.o.u(plen * 4u);
    off += plen / 2u;
    tlen -= plen / 2u;
  }
}

// TLV 131: the inter-domain information type and its value.
void tlv_idrp(Pdu& u, std::size_t off, std::uint32_t tlen) {
  if (tlen < 1) return;
  std::uint8_t t = u8_at(u.m, off);
  u.o << kIndent << "Inter-Domain Information Type: ";
  tok_hex(u.o, kIdrpTypes, t, "Unknown (0x", ")");
  ++off;
  --tlen;
  if (t == 2) {
    if (tlen < 2) return;
    std::uint16_t as = be16_at(u.m, off);
    u.o << "AS Number: ";
    u.o.u(as);
    return;
  }
  print_unknown_data(u.o, u.m.subspan(std::min(off, u.m.size())), tlen, kIndent);
}

// TLV 138: shared risk link group.
void tlv_srlg(Pdu& u, std::size_t off, std::uint32_t tlen) {
  if (tlen < 7) return;
  sub(u.m, off, 7);
  u.o << kIndent << "IS Neighbor: ";
  print_id(u.o, u.m, off, 7);
  off += 7;
  tlen -= 7;
  if (tlen < 1) return;
  std::uint8_t numbered = u8_at(u.m, off) & 1;
  u.o << ", Flags: [" << (numbered ? "numbered" : "unnumbered") << ']';
  ++off;
  --tlen;
  constexpr std::string_view kAddr[] = {"IPv4 interface address: ", "IPv4 neighbor address: "};
  for (auto name : kAddr) {
    if (tlen < 4) return;
    Bytes a = sub(u.m, off, 4);
    u.o << kIndent << name;
    u.o.ip4(a);
    off += 4;
    tlen -= 4;
  }
  while (tlen != 0) {
    if (tlen < 4) return;
    std::uint32_t id = be32_at(u.m, off);
    u.o << kIndent << "Link-ID: 0x";
    u.o.hex(id, 8);
    off += 4;
    tlen -= 4;
  }
}

// ---- extended reachability (RFC 5305, 5308, 5120, 8667) -------------------------

// One extended IS reachability sub-TLV's value (tcpdump prints nothing for a
// value too short for its type). Returns the bytes tcpdump steps over inside
// the value, which it forgets to take off what remains of the TLV.
std::uint32_t ext_is_subtlv(Pdu& u, std::uint8_t type, std::size_t off, std::uint32_t len, const std::string& indent) {
  Out& o = u.o;
  switch (type) {
    case 3:
    case 4:
    case 5:
      if (len < 4) return 0;
      o << ", 0x";
      o.hex(be32_at(u.m, off), 8);
      if (len == 8) o << ", 0x", o.hex(be32_at(u.m, off + 4), 8);
      return 0;
    case 6:
    case 8:
      if (len >= 4) o << ", ", o.ip4(sub(u.m, off, 4));
      return 0;
    case 9:
    case 10:
      if (len >= 4) o << ", ", print_bandwidth(o, be32_at(u.m, off));
      return 0;
    case 11:
      if (len < 32) return 0;
      for (std::uint32_t k = 0; k < 8; ++k) {
        o << indent << "  TE-Class ";
        o.u(k) << ": ";
        print_bandwidth(o, be32_at(u.m, off + 4 * k));
      }
      return 32;
    case 12:
    case 22: {
      if (len == 0) return 0;
      std::uint8_t model = u8_at(u.m, off);
      o << indent << "Bandwidth Constraints Model ID: ";
      name_or(o, kBcModels, model, "unknown") << " (";
      o.u(model) << ')';
      for (std::uint32_t k = 0, left = len - 1; left >= 4; ++k, left -= 4) {
        o << indent << "  Bandwidth constraint CT";
        o.u(k) << ": ";
        print_bandwidth(o, be32_at(u.m, off + 1 + 4 * k));
      }
      return 1 + (len - 1) / 4 * 4;
    }
    case 18:
      if (len >= 3) o << ", ", o.u(be24_at(u.m, off));
      return 0;
    case 19:
      if (len == 2) {
        std::uint16_t v = be16_at(u.m, off);
        o << ", [ ";
        print_bit_names(o, kLinkAttributes, v, "Unknown");
        o << " ] (0x";
        o.hex(v, 4) << ')';
      }
      return 0;
    case 20:
      if (len >= 2) {
        o << ", ";
        print_bit_names(o, kLinkProtection, u8_at(u.m, off), "none");
        o << ", Priority ";
        o.u(u8_at(u.m, off + 1));
      }
      return 0;
    case 29:
      if (len >= 6) {
        o << ", LM: ";
        o.u(be24_at(u.m, off)) << ", P: ";
        o.u(u8_at(u.m, off + 3)) << ", P-ID: ";
        o.u(be16_at(u.m, off + 4));
        return 4;
      }
      return 0;
    case 21: return len >= 36 ? 36 : 0;  // GMPLS switching capability: not decoded here
    case 32: {
      if (len < 8) return 0;
      std::uint8_t flags = u8_at(u.m, off);
      o << indent << "  Flags: [";
      print_bit_names(o, kLanAdjSidFlags, flags, "none");
      o << ']' << indent << "  Weight: ";
      o.u(u8_at(u.m, off + 1));
      if (len - 2 >= 6) sub(u.m, off + 2, 6), o << indent << "  Neighbor System-ID: ", print_id(o, u.m, off + 2, 6);
      bool v = flags & 0x20, l = flags & 0x10;
      if (v && l) {
        std::uint32_t label = be24_at(u.m, off + 8);
        o << indent << "  Label: ";
        o.u(label);
      } else if (!v && !l) {
        std::uint32_t index = be32_at(u.m, off + 8);
        o << indent << "  Index: ";
        o.u(index);
      } else {
        o << " (invalid)";
      }
      return 2;
    }
    default: print_unknown_data(o, u.m.subspan(std::min(off, u.m.size())), len, "\n\t\t    "); return 0;
  }
}

// tcpdump's isis_print_ext_is_reach: one neighbour of TLVs 22, 24 and 222
// with its sub-TLVs; the bytes it took (never 0: a cut throws).
std::uint32_t ext_is_reach(Pdu& u, std::size_t off, std::uint8_t tlv_type, std::uint32_t remaining) {
  sub(u.m, off, 7);
  if (remaining < 7) trunc(u);
  u.o << kIndent << "IS Neighbor: ";
  print_id(u.o, u.m, off, 7);
  off += 7;
  remaining -= 7;
  std::uint32_t used = 7;
  if (tlv_type != 24) {  // the alias TLV has no metric
    sub(u.m, off, 3);
    if (remaining < 3) trunc(u);
    u.o << ", Metric: ";
    u.o.u(be24_at(u.m, off));
    off += 3;
    remaining -= 3;
    used += 3;
  }
  sub(u.m, off, 1);
  if (remaining < 1) trunc(u);
  std::uint32_t sum = u8_at(u.m, off);
  ++off;
  --remaining;
  ++used;
  u.o << ", " << (sum ? "" : "no ") << "sub-TLVs present";
  if (sum == 0) return used;
  u.o << " (";
  u.o.u(sum) << ')';
  std::string indent = std::string(kIndent) + "  ";
  while (sum != 0) {
    sub(u.m, off, 2);
    if (remaining < 2) {
      u.o << indent << "Remaining data in TLV shorter than a subTLV header";
      return used + remaining;
    }
    if (sum < 2) {
      u.o << indent << "Remaining data in subTLVs shorter than a subTLV header";
      return used + sum;
    }
    std::uint8_t type = u.m[off], len = u.m[off + 1];
    off += 2;
    remaining -= 2;
    sum -= 2;
    used += 2;
    u.o << indent;
    name_or(u.o, kExtIsSubTlvs, type, "unknown") << " subTLV #";
    u.o.u(type) << ", length: ";
    u.o.u(len);
    if (sum < len) {
      u.o << " (remaining data in subTLVs shorter than the current subTLV)";
      return used + sum;
    }
    if (remaining < len) {
      u.o << " (> remaining tlv length)";
      return used + remaining;
    }
    if (off + len > u.m.size()) trunc(u);
    std::uint32_t stepped = ext_is_subtlv(u, type, off, len, indent);
    off += len;
    remaining -= len - stepped;
    sum -= len;
    used += len;
  }
  return used;
}

// tcpdump's isis_print_mtid: the topology and its flags (2 bytes).
void print_mtid(Pdu& u, std::size_t off, std::uint32_t remaining) {
  if (remaining < 2) trunc(u);
  std::uint16_t v = be16_at(u.m, off);  // read before the line starts
  u.o << kIndent;
  name_or(u.o, kMtIds, v & 0x0fff, "Reserved for IETF Consensus") << " Topology (0x";
  u.o.hex(v & 0x0fff, 3) << "), Flags: [";
  print_bit_names(u.o, kMtFlags, v & 0xf000, "none");
  u.o << ']';
}

// One sub-TLV of an extended IP prefix (tcpdump's isis_print_ip_reach_subtlv).
void ip_reach_subtlv(Pdu& u, std::size_t off, std::uint8_t type, std::uint32_t len, const std::string& indent) {
  Out& o = u.o;
  o << indent;
  name_or(o, kExtIpSubTlvs, type, "unknown") << " subTLV #";
  o.u(type) << ", length: ";
  o.u(len);
  if (off + len > u.m.size()) {
    o << " [|isis]";  // tcpdump says it here and again as the PDU ends
    trunc(u);
  }
  switch (type) {
    case 1:
    case 117:
      for (; len >= 4; off += 4, len -= 4) {
        std::uint32_t v = be32_at(u.m, off);
        o << ", 0x";
        o.hex(v, 8) << " (=";
        o.u(v) << ')';
      }
      return;
    case 2:
      for (; len >= 8; off += 8, len -= 8) {
        o << ", 0x";
        o.hex(be32_at(u.m, off), 8).hex(be32_at(u.m, off + 4), 8);
      }
      return;
    case 3: {
      std::uint8_t flags = u8_at(u.m, off), algo = u8_at(u.m, off + 1);
      bool label = flags & 0x08;
      if (len < (label ? 5u : 6u)) {
        o << " [|isis]";
        trunc(u);
      }
      std::uint32_t sid = label ? be24_at(u.m, off + 2) : be32_at(u.m, off + 2);
      o << ", Flags [";
      print_bit_names(o, kPrefixSidFlags, flags, "None");
      o << "], Algo ";
      name_or(o, kPrefixSidAlgos, algo, "Unknown") << " (";
      o.u(algo) << "), " << (label ? "label " : "index ");
      o.u(sid);
      return;
    }
    default: print_unknown_data(o, u.m.subspan(off), len, "\n\t\t    "); return;
  }
}

// tcpdump's isis_print_extd_ip_reach: one IPv4 or IPv6 prefix of TLVs 135,
// 235, 236 and 237; the bytes it took (a cut or a bad length throws).
std::uint32_t extd_ip_reach(Pdu& u, std::size_t off, bool v6) {
  std::uint32_t metric = be32_at(u.m, off), used = 4;
  off += 4;
  std::uint8_t status = u8_at(u.m, off);
  std::uint32_t bits = v6 ? u8_at(u.m, off + 1) : status & 0x3fu;
  if (bits > (v6 ? 128u : 32u)) {
    u.o << kIndent << (v6 ? "IPv6" : "IPv4") << " prefix: bad bit length ";
    u.o.u(bits);
    trunc(u);
  }
  off += v6 ? 2 : 1;
  used += v6 ? 2 : 1;
  std::uint32_t nbytes = (bits + 7) / 8;
  std::array<std::uint8_t, 16> prefix{};
  Bytes src = sub(u.m, off, nbytes);
  std::copy(src.begin(), src.end(), prefix.begin());
  off += nbytes;
  used += nbytes;
  if (v6) {
    u.o << kIndent << "IPv6 prefix: ";
    u.o.ip6(Bytes(prefix.data(), 16)) << '/';
  } else {
    u.o << kIndent << "IPv4 prefix: ";
    print_ip4_wide(u.o, Bytes(prefix.data(), 4));
    u.o << '/';
  }
  u.o.u(bits) << ", Distribution: " << ((status & 0x80) ? "down" : "up") << ", Metric: ";
  u.o.u(metric);
  bool subtlvs = v6 ? (status & 0x20) : (status & 0x40);
  if (v6)
    u.o << ", " << ((status & 0x40) ? "External" : "Internal") << (subtlvs ? ", sub-TLVs present" : "");
  else if (subtlvs)
    u.o << ", sub-TLVs present";
  if (!subtlvs) return used;
  std::uint32_t sublen = u8_at(u.m, off);
  ++off;
  used += sublen + 1;
  u.o << " (";
  u.o.u(sublen) << ')';
  std::string indent = std::string(kIndent) + "  ";
  while (sublen > 0) {  // wraps as tcpdump's u_int does; the capture's end stops it
    std::uint8_t type = u8_at(u.m, off), len = u8_at(u.m, off + 1);
    off += 2;
    ip_reach_subtlv(u, off, type, len, indent);
    off += len;
    sublen -= len + 2u;
  }
  return used;
}

// TLVs 22, 24, 222 (IS) and 135, 235, 236, 237 (IP): an optional topology,
// then entries until the TLV ends.
void tlv_ext_reach(Pdu& u, std::uint8_t type, std::size_t off, std::uint32_t tlen) {
  bool mt = type == 222 || type == 235 || type == 237;
  if (mt) {
    print_mtid(u, off, tlen);
    off += 2;
    tlen -= 2;
  }
  bool is = type == 22 || type == 24 || type == 222;
  while (tlen != 0) {
    std::uint32_t used = is ? ext_is_reach(u, off, type, tlen) : extd_ip_reach(u, off, type == 236 || type == 237);
    if (tlen < used) {
      remaining_invalid(u.o, tlen, used);
      return;
    }
    tlen -= used;
    off += used;
  }
}

// ---- router capability (RFC 7981, 8667) and SPB (RFC 6329) ---------------------

// The SR-Capabilities sub-TLV: flags, range and the SID/label sub-sub-TLVs.
void sr_capabilities(Pdu& u, std::size_t off, std::uint8_t subl) {
  std::uint8_t flags = u8_at(u.m, off);
  std::uint32_t range = be24_at(u.m, off + 1);
  u.o << ", Flags [";
  print_bit_names(u.o, kSrFlags, flags, "None");
  u.o << "], Range ";
  u.o.u(range);
  off += 4;
  auto left = static_cast<std::uint8_t>(subl - 4);  // tcpdump's uint8_t, wrapping too
  while (left >= 5) {
    std::uint8_t type = u8_at(u.m, off), len = u8_at(u.m, off + 1);
    left = static_cast<std::uint8_t>(left - 2);
    off += 2;
    if (len > left) return;
    if (type == 1) {
      if (len == 3 || len == 4) {
        std::uint32_t sid = len == 3 ? be24_at(u.m, off) : be32_at(u.m, off);
        u.o << ", SID value ";
        u.o.u(sid);
      } else {
        u.o << ", Unknown SID length";
        u.o.u(len);
      }
    } else {
      print_unknown_data(u.o, u.m.subspan(std::min(off, u.m.size())), len, "\n\t\t  ");
    }
    off += len;
    left = static_cast<std::uint8_t>(left - len);
  }
}

// TLV 242: router id, flags, then sub-TLVs.
void tlv_router_cap(Pdu& u, std::size_t off, std::uint32_t tlen) {
  if (tlen < 5) {
    u.o << " [object length ";
    u.o.u(tlen) << " < 5] (invalid)";
    return;
  }
  Bytes id = sub(u.m, off, 4);
  u.o << kIndent << "Router-ID ";
  u.o.ip4(id);
  std::uint8_t flags = u8_at(u.m, off + 4);
  u.o << ", Flags [";
  print_bit_names(u.o, kRouterCapFlags, flags, "none");
  u.o << ']';
  off += 5;
  auto left = static_cast<std::uint8_t>(tlen - 5);
  while (left >= 2) {
    std::uint8_t type = u8_at(u.m, off), len = u8_at(u.m, off + 1);
    left = static_cast<std::uint8_t>(left - 2);
    off += 2;
    u.o << "\n\t\t";
    name_or(u.o, kRouterCapSubTlvs, type, "unknown") << " subTLV #";
    u.o.u(type) << ", length: ";
    u.o.u(len);
    if (len > left) return;
    if (off + len > u.m.size()) return;  // tcpdump's check here ends the TLV quietly
    if (type == 2)
      sr_capabilities(u, off, len);
    else
      print_unknown_data(u.o, u.m.subspan(off), len, "\n\t\t");
    left = static_cast<std::uint8_t>(left - len);
    off += len;
  }
}

// tcpdump's isis_print_mcid: format, name, level and digest of an SPB MCID.
void print_mcid(Pdu& u, std::size_t off) {
  if (off + 51 > u.m.size()) {
    u.o << " [|isis]";
    return;
  }
  u.o << "ID: ";
  u.o.u(u.m[off]) << ", Name: ";
  for (std::size_t k = 0; k < 32 && u.m[off + 1 + k] != 0; ++k) print_char(u.o, u.m[off + 1 + k]);
  u.o << "\n\t              Lvl: ";
  u.o.u(be16_at(u.m, off + 33)) << ", Digest: ";
  for (std::size_t k = 0; k < 16; ++k) u.o.hex(u.m[off + 35 + k], 2) << ' ';
}

// How tcpdump's SPB sub-TLV walks end early.
enum class Spb { Ok, TooLong, TooShort, Cut };

// The sub-TLVs of TLV 143 (MCID, digest, BVIDs).
Spb port_cap_subtlvs(Pdu& u, std::size_t off, std::uint32_t len) {
  while (len > 2) {
    sub(u.m, off, 2);
    std::uint8_t type = u.m[off];
    std::uint32_t slen = u.m[off + 1];
    u.o << "\n\t       ";
    name_or(u.o, kPortCapSubTlvs, type, "unknown") << " subTLV #";
    u.o.u(type) << ", length: ";
    u.o.u(slen);
    off += 2;
    len -= 2;
    if (len < slen) return Spb::TooLong;
    if (off + slen > u.m.size()) return Spb::Cut;
    std::size_t at = off;
    if (type == 4) {
      if (slen < 102) return Spb::TooShort;
      u.o << "\n\t         MCID: ";
      print_mcid(u, at);
      u.o << "\n\t         AUX-MCID: ";
      print_mcid(u, at + 51);
      at += 102, len -= 102, slen -= 102;
    } else if (type == 5) {
      if (slen < 33) return Spb::TooShort;
      std::uint8_t b = u.m[at];
      u.o << "\n\t        RES: ";
      u.o.u(b >> 5) << " V: ";
      u.o.u((b >> 4) & 1) << " A: ";
      u.o.u((b >> 2) & 3) << " D: ";
      u.o.u(b & 3) << "\n\t         Digest: ";
      for (int k = 1; k <= 8; ++k) {
        u.o.hex(be32_at(u.m, at + 1 + 4 * (k - 1)), 8) << ' ';
        if (k % 4 == 0 && k != 8) u.o << "\n\t                 ";
      }
      at += 33, len -= 33, slen -= 33;
    } else if (type == 6) {
      while (slen != 0) {  // ECT and BVID pairs; a part missing is "too short"
        if (slen < 4) return Spb::TooShort;
        u.o << "\n\t           ECT: ";
        u.o.hex(be32_at(u.m, at), 8);
        at += 4, len -= 4, slen -= 4;
        if (slen < 2) return Spb::TooShort;
        std::uint16_t v = be16_at(u.m, at);
        at += 2, len -= 2, slen -= 2;
        u.o << " BVID: ";
        u.o.u(v >> 4) << ", U:";
        u.o.hex((v >> 3) & 1) << " M:";
        u.o.hex((v >> 2) & 1) << ' ';
      }
    }
    off = at + slen;
    len -= slen;
  }
  return Spb::Ok;
}

// The SPB instance sub-TLV of TLV 144.
Spb spb_instance(Pdu& u, std::size_t& at, std::uint32_t& len, std::uint32_t& slen) {
  if (slen < 19) return Spb::TooShort;
  Out& o = u.o;
  o << "\n\t        CIST Root-ID: ";
  o.hex(be32_at(u.m, at), 8) << ' ';
  o.hex(be32_at(u.m, at + 4), 8) << ", Path Cost: ";
  o.hex(be32_at(u.m, at + 8), 8) << ", Prio: ";
  o.u(be16_at(u.m, at + 12)) << "\n\t        RES: ";
  o.u(be16_at(u.m, at + 14) >> 5) << ", V: ";
  o.u((be16_at(u.m, at + 14) >> 4) & 1) << ", SPSource-ID: ";
  o.u(be32_at(u.m, at + 14) & 0xfffff) << ", No of Trees: ";
  std::uint8_t trees = u8_at(u.m, at + 18);
  o.hex(trees);
  at += 19, len -= 19, slen -= 19;
  for (; trees != 0; --trees) {
    if (slen < 8) return Spb::Cut;
    std::uint8_t b = u8_at(u.m, at);
    o << "\n\t         U:";
    o.u(b >> 7) << ", M:";
    o.u((b >> 6) & 1) << ", A:";
    o.u((b >> 5) & 1) << ", RES:";
    o.u(b & 0x1f) << ", ECT: ";
    o.hex(be32_at(u.m, at + 1), 8) << ", BVID: ";
    std::uint32_t v = be24_at(u.m, at + 5);
    o.u((v >> 12) & 0xfff) << ", SPVID: ";
    o.u(v & 0xfff);
    at += 8, len -= 8, slen -= 8;
  }
  return Spb::Ok;
}

// The sub-TLVs of TLV 144 (SPB instance, SPBM service ids).
Spb mt_cap_subtlvs(Pdu& u, std::size_t off, std::uint32_t len) {
  while (len > 2) {
    sub(u.m, off, 2);
    std::uint8_t type = u.m[off];
    std::uint32_t slen = u.m[off + 1];
    off += 2;
    len -= 2;
    u.o << "\n\t      ";
    name_or(u.o, kMtCapSubTlvs, type, "unknown") << " subTLV #";
    u.o.u(type) << ", length: ";
    u.o.u(slen);
    if (len < slen) return Spb::TooLong;
    if (off + slen > u.m.size()) return Spb::Cut;
    std::size_t at = off;
    if (type == 1) {
      if (Spb r = spb_instance(u, at, len, slen); r != Spb::Ok) return r;
    } else if (type == 3) {
      if (slen < 8) return Spb::Cut;  // 4.99.3 says a cut here, not "too short"
      u.o << "\n\t        BMAC: ";
      u.o.hex(be32_at(u.m, at), 8).hex(be16_at(u.m, at + 4), 4) << ", RES: ";
      std::uint16_t v = be16_at(u.m, at + 6);
      u.o.u(v >> 12) << ", VID: ";
      u.o.u(v & 0xfff);
      at += 8, len -= 8, slen -= 8;
      for (; slen >= 4; at += 4, len -= 4, slen -= 4) {
        std::uint32_t w = be32_at(u.m, at);
        u.o << "\n\t        T: ";
        u.o.u(w >> 31) << ", R: ";
        u.o.u((w >> 30) & 1) << ", RES: ";
        u.o.u((w >> 24) & 0x3f) << ", ISID: ";
        u.o.u(w & 0xffffff);
      }
    }
    off = at + slen;
    len -= slen;
  }
  return Spb::Ok;
}

// TLVs 143 and 144: the topology word, then their sub-TLVs.
void tlv_spb(Pdu& u, std::uint8_t type, std::size_t off, std::uint32_t tlen) {
  if (tlen < 2) return;
  std::uint16_t v = be16_at(u.m, off);
  if (type == 143) {
    u.o << "\n\t       RES: ";
    u.o.u(v >> 12) << ", MTID(s): ";
  } else {
    u.o << kIndent << "O: ";
    u.o.u((v >> 15) & 1) << ", RES: ";
    u.o.u((v >> 12) & 7) << ", MTID(s): ";
  }
  u.o.u(v & 0x0fff);
  if (tlen == 2) return;
  Spb r = type == 143 ? port_cap_subtlvs(u, off + 2, tlen - 2) : mt_cap_subtlvs(u, off + 2, tlen - 2);
  if (r == Spb::TooLong) u.o << " (> containing TLV length)";
  if (r == Spb::TooShort) u.o << " (too short)";
  if (r == Spb::Cut) u.o << " [|isis]";
}

// ---- the TLV walk ------------------------------------------------------------

// Address lists: TLVs 132 (IPv4) and 232 (IPv6), and TLV 6's SNPAs.
void tlv_addresses(Pdu& u, std::uint8_t type, std::size_t off, std::uint32_t tlen) {
  std::uint32_t size = type == 132 ? 4 : type == 232 ? 16 : 6;
  for (; tlen != 0; off += size, tlen -= size) {
    if (tlen < size) return;
    Bytes a = sub(u.m, off, size);
    if (type == 132) {
      u.o << kIndent << "IPv4 interface address: ";
      u.o.ip4(a);
    } else if (type == 232) {
      u.o << kIndent << "IPv6 interface address: ";
      u.o.ip6(a);
    } else {
      u.o << kIndent << "SNPA: ";
      print_id(u.o, u.m, off, 6);
    }
  }
}

// The TLVs with one small value (4, 12, 14, 134, 137, 229, 241, 250).
void tlv_small(Pdu& u, std::uint8_t type, std::size_t off, std::uint32_t tlen) {
  Out& o = u.o;
  switch (type) {
    case 4:
      for (; tlen != 0; off += 6, tlen -= 6) {
        if (tlen < 6) return;
        sub(u.m, off, 6);
        o << kIndent;
        print_id(o, u.m, off, 6);
      }
      return;
    case 12:
      if (tlen < 2) return;
      {
        std::uint16_t cksum = be16_at(u.m, off);
        o << kIndent << "checksum: 0x";
        o.hex(cksum, 4) << ' ';
        print_osi_checksum(o, u.m, 0, cksum, static_cast<std::uint32_t>(off), u.length);
      }
      return;
    case 14:
      if (tlen >= 2) {
        std::uint16_t size = be16_at(u.m, off);
        o << kIndent << "LSP Buffersize: ";
        o.u(size);
      }
      return;
    case 134:
      if (tlen >= 4) {
        Bytes a = sub(u.m, off, 4);
        o << kIndent << "Traffic Engineering Router ID: ";
        o.ip4(a);
      }
      return;
    case 137:
      o << kIndent << "Hostname: ";
      print_chars(o, u.m, off, tlen);
      return;
    case 229:
      while (tlen != 0) {
        if (tlen == 1) {
          o << kIndent << "invalid MT-ID";
          return;
        }
        print_mtid(u, off, tlen);
        off += 2;
        tlen -= 2;
      }
      return;
    case 241:
      if (tlen >= 4) {
        std::uint32_t seq = be32_at(u.m, off);
        o << kIndent << "Sequence number: ";
        o.u(seq);
      }
      return;
    default: {  // 250
      if (tlen < 3) return;
      std::uint32_t oui = be24_at(u.m, off);
      std::string_view name = oui_name(oui);
      o << kIndent << "Vendor: " << (name.empty() ? "Unknown" : name) << " (";
      o.u(oui) << ')';
      if (tlen > 3) print_unknown_data(o, u.m.subspan(std::min(off + 3, u.m.size())), tlen - 3, "\n\t\t");
      return;
    }
  }
}

// One TLV's value. False: tcpdump ends the PDU there, saying nothing more.
bool print_tlv(Pdu& u, std::uint8_t type, std::size_t off, std::uint32_t tlen) {
  switch (type) {
    case 1: tlv_area(u, off, tlen); break;
    case 2:
    case 3: tlv_neighbors(u, type, off, tlen); break;
    case 5: tlv_prefix_neighbors(u, off, tlen); break;
    case 6:
    case 132:
    case 232: tlv_addresses(u, type, off, tlen); break;
    case 7: tlv_instance(u, off, tlen); break;
    case 8: break;
    case 9: tlv_lsp_entries(u, off, tlen); break;
    case 10: tlv_auth(u, off, tlen); break;
    case 13: tlv_poi(u, off, tlen); break;
    case 22:
    case 24:
    case 135:
    case 222:
    case 235:
    case 236:
    case 237: tlv_ext_reach(u, type, off, tlen); break;
    case 128:
    case 130: return tlv_ip_reach(u, off, tlen);
    case 129: tlv_protocols(u, off, tlen); break;
    case 131: tlv_idrp(u, off, tlen); break;
    case 138: tlv_srlg(u, off, tlen); break;
    case 143:
    case 144: tlv_spb(u, type, off, tlen); break;
    case 211: tlv_restart(u, off, tlen); break;
    case 240: tlv_ptp_adj(u, off, tlen); break;
    case 242: tlv_router_cap(u, off, tlen); break;
    case 4:
    case 12:
    case 14:
    case 134:
    case 137:
    case 229:
    case 241:
    case 250: tlv_small(u, type, off, tlen); break;
    default:
      if (!u.vv) print_unknown_data(u.o, u.m.subspan(off), tlen, "\n\t\t");
      break;
  }
  return true;
}

// The TLVs from off for len bytes (tcpdump's loop after the PDU header).
void print_tlvs(Pdu& u, std::size_t off, std::uint32_t len) {
  while (len > 0) {
    sub(u.m, off, 2);
    if (len < 2) trunc(u);
    std::uint8_t type = u.m[off], tlen = u.m[off + 1];
    off += 2;
    len -= 2;
    u.o << "\n\t    ";
    name_or(u.o, kTlvNames, type, "unknown") << " TLV #";
    u.o.u(type) << ", length: ";
    u.o.u(tlen);
    if (len < tlen) trunc(u);
    if (!print_tlv(u, type, off, tlen)) return;
    if (u.vv) print_unknown_data(u.o, u.m.subspan(off), tlen, kIndent);
    off += tlen;
    len -= tlen;
  }
}

// The LSP header's -v lines (lsp-id, sequence, lifetime, checksum, flags).
void print_lsp_header(Out& o, Bytes m, std::uint32_t length, std::uint16_t pdu_len) {
  o << "\n\t  lsp-id: ";
  print_id(o, m, 12, 8);
  o << ", seq: 0x";
  o.hex(be32_at(m, 20), 8) << ", lifetime: ";
  std::string t = std::to_string(be16_at(m, 10));
  for (std::size_t k = t.size(); k < 5; ++k) o << ' ';
  o << t << "s\n\t  chksum: 0x";
  std::uint16_t cksum = be16_at(m, 24);
  o.hex(cksum, 4);
  print_osi_checksum(o, m, 12, cksum, 12, length - 12);
  std::uint8_t flags = m[26];
  o << ", PDU length: ";
  o.u(pdu_len) << ", Flags: [ " << ((flags & 0x04) ? "Overload bit set, " : "");
  if (flags & 0x78) {
    o << ((flags & 0x08) ? "default " : "") << ((flags & 0x10) ? "delay " : "")
      << ((flags & 0x20) ? "expense " : "") << ((flags & 0x40) ? "error " : "") << "ATT bit set, ";
  }
  o << ((flags & 0x80) ? "P bit set, " : "");
  tok_hex(o, kLspIsTypes, flags & 3, "Unknown(0x", ")", 0) << " ]";
}

// The PDU type's fixed header at -v (its hex too at -vv).
void print_pdu_header(Pdu& u, std::uint8_t type, std::uint16_t pdu_len, std::uint32_t hsize) {
  Out& o = u.o;
  Bytes m = u.m;
  switch (type) {
    case 15:
    case 16:
    case 17:
      o << "\n\t  source-id: ";
      print_id(o, m, 9, 6);
      o << (type == 17 ? ", " : ",  ") << "holding time: ";
      o.u(be16_at(m, 15)) << "s, Flags: [";
      tok_hex(o, kCircuitTypes, m[8], "unknown circuit type 0x") << ']';
      if (type == 17) {
        o << "\n\t  circuit-id: 0x";
        o.hex(m[19], 2) << ", PDU length: ";
      } else {
        o << "\n\t  lan-id:    ";
        print_id(o, m, 20, 7);
        o << ", Priority: ";
        o.u(m[19] & 0x7f) << ", PDU length: ";
      }
      o.u(pdu_len);
      break;
    case 18:
    case 20: print_lsp_header(o, m, u.length, pdu_len); break;
    default:  // CSNP, PSNP
      o << "\n\t  source-id:    ";
      print_id(o, m, 10, 7);
      o << ", PDU length: ";
      o.u(pdu_len);
      if (type == 24 || type == 25) {
        o << "\n\t  start lsp-id: ";
        print_id(o, m, 17, 8);
        o << "\n\t  end lsp-id:   ";
        print_id(o, m, 25, 8);
      }
      break;
  }
  if (u.vv) print_unknown_data(o, m.subspan(kCommon), hsize, "\n\t  ");
}

// -v: the PDU header, then its TLVs as far as the PDU length says.
void print_verbose(PrintCtx& p, Bytes m, std::uint8_t type, std::uint32_t length, std::uint32_t hsize) {
  std::uint16_t pdu_len = be16_at(m, kCommon + (type <= 17 ? 9 : 0));
  std::uint32_t packet_len = length;
  if (packet_len > pdu_len) packet_len = length = pdu_len;
  Pdu u{p, p.o, m, p.opt.verbose > 1, length};
  print_pdu_header(u, type, pdu_len, hsize);
  if (packet_len < kCommon + hsize) {
    p.o << " [packet length ";
    p.o.u(packet_len) << " < ";
    p.o.u(kCommon + hsize) << "] (invalid)";
    return;
  }
  print_tlvs(u, kCommon + hsize, packet_len - kCommon - hsize);
}

// The common header's checks, in tcpdump's order. False: refused (said).
bool header_ok(Out& o, Bytes m, std::uint32_t length) {
  std::uint8_t fixed_len = m[1], version = m[2], id_length = m[3], pdu_version = m[5], max_area = m[7];
  if (version != 1) {
    o << "version ";
    o.u(version) << " packet not supported";
    return false;
  }
  if (id_length != 6 && id_length != 0) {
    o << "system ID length of ";
    o.u(id_length) << " is not supported";
    return false;
  }
  if (pdu_version != 1) {
    o << "version ";
    o.u(pdu_version) << " packet not supported";
    return false;
  }
  if (length < fixed_len) {
    o << "fixed header length ";
    o.u(fixed_len) << " > packet length ";
    o.u(length);
    return false;
  }
  if (fixed_len < kCommon) {
    o << "fixed header length ";
    o.u(fixed_len) << " < minimum header size ";
    o.u(kCommon);
    return false;
  }
  if (max_area == 255) {
    o << "bad packet -- 255 areas";
    return false;
  }
  return true;
}

// The one-line summary's PDU part after the type name (-n).
void print_brief(Out& o, Bytes m, std::uint8_t type, std::uint32_t length) {
  switch (type) {
    case 15:
    case 16:
      o << ", src-id ";
      print_id(o, m, kCommon + 1, 6);
      o << ", lan-id ";
      print_id(o, m, kCommon + 12, 7);
      o << ", prio ";
      o.u(m[kCommon + 11]);
      break;
    case 17:
      o << ", src-id ";
      print_id(o, m, kCommon + 1, 6);
      break;
    case 18:
    case 20:
      o << ", lsp-id ";
      print_id(o, m, kCommon + 4, 8);
      o << ", seq 0x";
      o.hex(be32_at(m, kCommon + 12), 8) << ", lifetime ";
      {
        std::string t = std::to_string(be16_at(m, kCommon + 2));
        for (std::size_t k = t.size(); k < 5; ++k) o << ' ';  // tcpdump's %5u
        o << t << 's';
      }
      break;
    default:  // CSNP, PSNP
      o << ", src-id ";
      print_id(o, m, kCommon + 2, 7);
      break;
  }
  o << ", length ";
  o.u(length);
}

// ---- JSON ----------------------------------------------------------------------

std::string id_text(Bytes m, std::size_t at, std::size_t len) {
  std::string t;
  Out o(t);
  print_id(o, m, at, len);
  return t;
}

std::string isonsap_text(Bytes m, std::size_t at, std::size_t len) {
  std::string t;
  Out o(t);
  print_isonsap(o, m, at, len);
  return t;
}

// The PDU type's fixed header as members (what was captured of it).
void json_pdu_header(JsonWriter& w, Bytes m, std::uint8_t type) {
  if (type <= 17) {
    w.member("circuit_type", u8_at(m, 8));
    w.member("source_id", id_text(m, 9, 6));
    w.member("holding_time", be16_at(m, 15));
    w.member("pdu_length", be16_at(m, 17));
    if (type == 17) {
      w.member("circuit_id", u8_at(m, 19));
    } else {
      w.member("priority", static_cast<unsigned>(u8_at(m, 19) & 0x7f));
      w.member("lan_id", id_text(m, 20, 7));
    }
  } else if (type == 18 || type == 20) {
    w.member("pdu_length", be16_at(m, 8));
    w.member("lifetime", be16_at(m, 10));
    w.member("lsp_id", id_text(m, 12, 8));
    w.member("sequence", static_cast<std::uint64_t>(be32_at(m, 20)));
    w.member("checksum", be16_at(m, 24));
    w.member("is_type", static_cast<unsigned>(u8_at(m, 26) & 3));
    w.member("overload", (u8_at(m, 26) & 0x04) != 0);
  } else {
    w.member("pdu_length", be16_at(m, 8));
    w.member("source_id", id_text(m, 10, 7));
    if (type == 24 || type == 25) {
      w.member("start_lsp_id", id_text(m, 17, 8));
      w.member("end_lsp_id", id_text(m, 25, 8));
    }
  }
}

// Address lists and the LSP entries of one TLV as a typed array.
void json_tlv_list(JsonWriter& w, std::uint8_t type, Bytes v) {
  std::size_t size = type == 132 ? 4 : type == 232 ? 16 : type == 9 ? 16 : 1;
  w.key(type == 132 ? "ipv4_addresses" : type == 232 ? "ipv6_addresses" : type == 9 ? "lsps" : "nlpids");
  w.begin_array();
  for (std::size_t k = 0; k + size <= v.size(); k += size) {
    Bytes e = v.subspan(k, size);
    if (type == 132) w.value(ip4_text(e));
    if (type == 232) w.value(ip6_text(e));
    if (type == 129) w.value(e[0]);
    if (type == 9) {
      w.begin_object();
      w.member("lsp_id", id_text(e, 2, 8));
      w.member("sequence", static_cast<std::uint64_t>(be32_at(e, 10)));
      w.member("lifetime", be16_at(e, 0));
      w.member("checksum", be16_at(e, 14));
      w.end_object();
    }
  }
  w.end_array();
}

// One TLV's typed value members (those netlab types; the rest have type and length).
void json_tlv_value(JsonWriter& w, std::uint8_t type, Bytes v) {
  switch (type) {
    case 1: {
      w.key("areas");
      w.begin_array();
      for (std::size_t k = 0; k < v.size() && k + 1 + v[k] <= v.size(); k += 1 + v[k])
        w.value(isonsap_text(v, k + 1, v[k]));
      w.end_array();
      break;
    }
    case 9:
    case 129:
    case 132:
    case 232: json_tlv_list(w, type, v); break;
    case 134:
      if (v.size() >= 4) w.member("te_router_id", ip4_text(v.first(4)));
      break;
    case 137: {
      std::string t;
      Out o(t);
      print_chars(o, v, 0, v.size());  // tcpdump's escapes keep the text ASCII
      w.member("hostname", t);
      break;
    }
    case 211:
      if (v.size() >= 1) w.member("restart_flags", v[0]);
      if (v.size() >= 3) w.member("remaining_time", be16_at(v, 1));
      break;
    case 240:
      if (v.size() >= 1) w.member("adjacency_state", v[0]);
      if (v.size() >= 5) w.member("extended_circuit_id", static_cast<std::uint64_t>(be32_at(v, 1)));
      if (v.size() >= 11) w.member("neighbor_id", id_text(v, 5, 6));
      break;
    case 7:
      if (v.size() >= 2) w.member("instance_id", be16_at(v, 0));
      break;
    case 242:
      if (v.size() >= 5) {
        w.member("router_id", ip4_text(v.first(4)));
        w.member("flags", v[4]);
      }
      break;
    default: break;
  }
}

// The TLVs as an array of {type, type_name, length, ...}; a cut one ends it.
void json_tlvs(JsonWriter& w, Bytes m, std::size_t off, std::size_t end) {
  w.key("tlvs");
  w.begin_array();
  while (off + 2 <= end) {
    std::uint8_t type = m[off], len = m[off + 1];
    w.begin_object();
    w.member("type", type);
    if (auto name = tok_name(kTlvNames, type); !name.empty()) w.member("type_name", name);
    w.member("length", len);
    if (off + 2 + len > end) {
      w.member("truncated", true);
      w.end_object();
      break;
    }
    json_tlv_value(w, type, m.subspan(off + 2, len));
    w.end_object();
    off += 2u + len;
  }
  w.end_array();
}

}  // namespace

// tcpdump's nlpid_values, shared with Frame Relay's NLPID header (fr.cpp).
std::span<const Tok> nlpid_names() noexcept { return kNlpids; }

void decode_isis(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "isis";
  auto& l = c.d.push<IsisL>();
  l.msg = r.rest();
  if (l.msg.size() > length) l.msg = l.msg.first(length);
  l.length = length;
}

void print_isis(PrintCtx& p, std::size_t i) {
  p.proto = "isis";
  const auto& l = at<IsisL>(p.d, i);
  Out& o = p.o;
  Bytes m = l.msg;
  bool eflag = p.opt.link_header;
  if (eflag) o << "OSI NLPID IS-IS (0x83): ";
  sub(m, 0, kCommon);  // the common header captured, or " [|isis]"
  if (l.length < kCommon) throw Truncated{};
  if (!eflag) o << "IS-IS";
  if (!header_ok(o, m, l.length)) {
    print_unknown_data(o, m, l.length, "\n\t");
    return;
  }
  std::uint8_t type = m[4], fixed_len = m[1];
  if (!p.opt.verbose) {
    o << (eflag ? "" : ", ");
    tok_print(o, kPduTypes, type, "unknown PDU-Type ");
  } else {
    o << (eflag ? "" : ", ") << "length ";
    o.u(l.length) << "\n\t";
    tok_print(o, kPduTypes, type, "unknown, type ") << ", hlen: ";
    o.u(fixed_len) << ", v: ";
    o.u(m[2]) << ", pdu-v: ";
    o.u(m[5]) << ", sys-id-len: 6 (";
    o.u(m[3]) << "), max-area: ";
    o.u(m[7] == 0 ? 3u : m[7]) << " (";
    o.u(m[7]) << ')';
    if (p.opt.verbose > 1) print_unknown_data(o, m, kCommon, "\n\t");
  }
  std::uint32_t hsize = pdu_header_size(type);
  if (hsize == 0) {
    if (!p.opt.verbose) {
      o << ", length ";
      o.u(l.length);
      return;
    }
    print_unknown_data(o, m.subspan(kCommon), l.length - kCommon, "\n\t  ");
    print_unknown_data(o, m, l.length, "\n\t");
    return;
  }
  if (fixed_len != kCommon + hsize) {
    o << ((type == 26 || type == 27) ? "- bogus" : ", bogus") << " fixed header length ";
    o.u(fixed_len) << " should be ";
    o.u(type == 18 || type == 20 ? hsize : kCommon + hsize);  // tcpdump's LSP line says the header alone
    print_unknown_data(o, m, l.length, "\n\t");
    return;
  }
  sub(m, kCommon, hsize);
  if (l.length < kCommon + hsize) throw Truncated{};
  if (!p.opt.verbose) {
    print_brief(o, m, type, l.length);
    return;
  }
  print_verbose(p, m, type, l.length, hsize);
}

// The common header, the PDU header and the TLVs as typed members; what was
// not captured ends them with "truncated".
void json_isis(JsonWriter& w, const IsisL& l) {
  w.member("layer", "isis");
  w.member("length", l.length);
  Bytes m = l.msg;
  try {
    sub(m, 0, kCommon);
    w.member("header_length", m[1]);
    w.member("version", m[2]);
    w.member("id_length", m[3]);
    w.member("pdu_type", m[4]);
    if (auto name = tok_name(kPduTypes, m[4]); !name.empty()) w.member("pdu_type_name", name);
    w.member("max_area", m[7]);
    std::uint32_t hsize = pdu_header_size(m[4]);
    if (hsize == 0 || m[1] != kCommon + hsize) return;
    json_pdu_header(w, m, m[4]);
    std::size_t end = std::min<std::size_t>(m.size(), std::min<std::uint32_t>(l.length, be16_at(m, kCommon + (m[4] <= 17 ? 9 : 0))));
    json_tlvs(w, m, kCommon + hsize, end);
  } catch (const Truncated&) {
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
