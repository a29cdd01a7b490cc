// RSVP: the Resource ReSerVation Protocol (RFC 2205) and its traffic
// engineering, GMPLS and refresh-reduction extensions (RFC 3209, RFC 3473,
// RFC 2961, RFC 4090, RFC 4124, RFC 4875, RFC 5063), IP protocol 46. The
// text follows tcpdump 4.99.3's print-rsvp.c: "RSVPv1 Path Message, length:
// 244" at -n (the IP payload's length); from -v the header line "RSVPv1
// Hello Message (20), Flags: [Refresh reduction capable], length: 40, ttl:
// 1, checksum: 0x7d4d" (the header's own length) and then every object
// (Bundle messages: every sub-message's header and objects): its header
// line and what tcpdump decodes of its C-Type, the IntServ specs of
// RFC 2215 included; at -vv each object's bytes in hex too. A header not
// captured whole is " [|rsvp]", and so is an object that was not.
#include "proto/proto.hpp"

#include <cstdio>
#include <cstring>

namespace netlab::proto {
namespace {

constexpr std::size_t kHeader = 8;  // version/flags, type, checksum, TTL, reserved, length
constexpr std::size_t kObjHeader = 4;  // length, class, C-Type

constexpr Tok kMessages[] = {
    {1, "Path"},     {2, "Resv"},    {3, "PathErr"},          {4, "ResvErr"},      {5, "PathTear"}, {6, "ResvTear"},
    {7, "ResvConf"}, {12, "Bundle"}, {13, "Acknowledgement"}, {14, "Hello (Old)"}, {15, "Refresh"}, {20, "Hello"},
};
constexpr Tok kHeaderFlags[] = {{0x01, "Refresh reduction capable"}};

constexpr Tok kObjects[] = {
    {1, "Session"},           {3, "RSVP Hop"},
    {4, "Integrity"},         {5, "Time Values"},
    {6, "Error Spec"},        {7, "Scope"},
    {8, "Style"},             {9, "Flowspec"},
    {10, "FilterSpec"},       {11, "Sender Template"},
    {12, "Sender TSpec"},     {13, "Adspec"},
    {14, "Policy Data"},      {15, "Confirm"},
    {16, "Label"},            {19, "Label Request"},
    {20, "ERO"},              {21, "RRO"},
    {22, "Hello"},            {23, "Message ID"},
    {24, "Message ID Ack"},   {25, "Message ID List"},
    {34, "Recovery Label"},   {35, "Upstream Label"},
    {36, "Label Set"},        {130, "Acceptable Label Set"},
    {63, "Detour"},           {66, "Class Type"},
    {125, "Class Type (old)"}, {129, "Suggested Label"},
    {204, "Properties"},      {205, "Fast Re-Route"},
    {207, "Session Attribute"}, {229, "Generalized UNI"},
    {230, "Call-ID"},         {236, "Call Capability"},
    {131, "Restart Capability"}, {134, "Capability"},
    {195, "Notify Request"},  {37, "Protection"},
    {196, "Administrative Status"}, {50, "Sub-LSP to LSP"},
};

// The C-Type names, keyed by class * 256 + C-Type (they are not unique across classes).
constexpr std::uint32_t ct(std::uint32_t cls, std::uint32_t type) { return cls * 256 + type; }
constexpr Tok kCtypes[] = {
    {ct(3, 1), "IPv4"},  {ct(3, 2), "IPv6"}, {ct(3, 3), "IPv4 plus opt. TLVs"}, {ct(3, 4), "IPv6 plus opt. TLVs"},
    {ct(195, 1), "IPv4"}, {ct(195, 2), "IPv6"}, {ct(15, 1), "IPv4"}, {ct(15, 2), "IPv6"},
    {ct(5, 1), "1"},     {ct(9, 1), "obsolete"}, {ct(9, 2), "IntServ"}, {ct(12, 2), "IntServ"},
    {ct(13, 2), "IntServ"}, {ct(10, 1), "IPv4"}, {ct(10, 2), "IPv6"}, {ct(10, 3), "IPv6 Flow-label"},
    {ct(10, 7), "Tunnel IPv4"}, {ct(10, 12), "IPv4 P2MP LSP Tunnel"}, {ct(10, 13), "IPv6 P2MP LSP Tunnel"},
    {ct(1, 1), "IPv4"},  {ct(1, 2), "IPv6"}, {ct(1, 7), "Tunnel IPv4"}, {ct(1, 11), "UNI IPv4"},
    {ct(1, 13), "IPv4 P2MP LSP Tunnel"}, {ct(1, 14), "IPv6 P2MP LSP Tunnel"},
    {ct(11, 1), "IPv4"}, {ct(11, 2), "IPv6"}, {ct(11, 7), "Tunnel IPv4"}, {ct(11, 12), "IPv4 P2MP LSP Tunnel"},
    {ct(11, 13), "IPv6 P2MP LSP Tunnel"}, {ct(23, 1), "1"}, {ct(24, 1), "Message id ack"},
    {ct(24, 2), "Message id nack"}, {ct(25, 1), "1"}, {ct(8, 1), "1"}, {ct(22, 1), "Hello Request"},
    {ct(22, 2), "Hello Ack"}, {ct(19, 1), "without label range"}, {ct(19, 2), "with ATM label range"},
    {ct(19, 3), "with FR label range"}, {ct(19, 4), "Generalized Label"}, {ct(16, 1), "Label"},
    {ct(16, 2), "Generalized Label"}, {ct(16, 3), "Waveband Switching"}, {ct(129, 1), "Label"},
    {ct(129, 2), "Generalized Label"}, {ct(129, 3), "Waveband Switching"}, {ct(35, 1), "Label"},
    {ct(35, 2), "Generalized Label"}, {ct(35, 3), "Waveband Switching"}, {ct(34, 1), "Label"},
    {ct(34, 2), "Generalized Label"}, {ct(34, 3), "Waveband Switching"}, {ct(20, 1), "IPv4"},
    {ct(21, 1), "IPv4"}, {ct(6, 1), "IPv4"}, {ct(6, 2), "IPv6"}, {ct(6, 3), "IPv4 plus opt. TLVs"},
    {ct(6, 4), "IPv6 plus opt. TLVs"}, {ct(131, 1), "IPv4"}, {ct(134, 1), "1"}, {ct(207, 7), "Tunnel IPv4"},
    {ct(205, 7), "Tunnel IPv4"}, {ct(205, 1), "1"}, {ct(63, 7), "Tunnel IPv4"}, {ct(204, 1), "1"},
    {ct(196, 1), "1"}, {ct(66, 1), "1"}, {ct(125, 1), "1"}, {ct(36, 1), "1"}, {ct(229, 1), "1"},
    {ct(50, 1), "IPv4 sub-LSP"}, {ct(50, 2), "IPv6 sub-LSP"},
};

constexpr Tok kCapabilityFlags[] = {
    {0x4, "RecoveryPath Transmit Enabled"}, {0x2, "RecoveryPath Desired"}, {0x1, "RecoveryPath Srefresh Capable"}};
constexpr Tok kIntegrityFlags[] = {{0x80, "Handshake"}};
constexpr Tok kXroTypes[] = {{0, "Reserved"},
                             {1, "IPv4 prefix"},
                             {2, "IPv6 prefix"},
                             {3, "Label"},
                             {32, "Autonomous system number"},
                             {64, "MPLS label switched path termination"}};
constexpr Tok kRroFlags[] = {{0x01, "Local protection available"},
                             {0x02, "Local protection in use"},
                             {0x04, "Bandwidth protection"},
                             {0x08, "Node protection"}};
constexpr Tok kRroLabelFlags[] = {{0x01, "Global"}};
constexpr Tok kStyles[] = {{17, "Wildcard Filter"}, {10, "Fixed Filter"}, {18, "Shared Explicit"}};
constexpr Tok kIntservServices[] = {{1, "Default/Global Information"}, {2, "Guaranteed Service"}, {5, "Controlled Load"}};
constexpr Tok kIntservParams[] = {{4, "IS hop cnt"},
                                  {6, "Path b/w estimate"},
                                  {8, "Minimum path latency"},
                                  {10, "Composed MTU"},
                                  {127, "Token Bucket TSpec"},
                                  {130, "Guaranteed Service RSpec"},
                                  {133, "End-to-end composed value for C"},
                                  {134, "End-to-end composed value for D"},
                                  {135, "Since-last-reshaping point composed C"},
                                  {136, "Since-last-reshaping point composed D"}};
constexpr Tok kSessionAttrFlags[] = {{0x01, "Local Protection"},
                                     {0x02, "Label Recording"},
                                     {0x04, "SE Style"},
                                     {0x08, "Bandwidth protection"},
                                     {0x10, "Node protection"}};
constexpr Tok kPropTlvs[] = {{0x01, "Cos"}, {0x02, "Metric 1"}, {0x04, "Metric 2"}, {0x08, "CCC Status"}, {0x10, "Path Type"}};
constexpr Tok kErrorCodes[] = {
    {24, "Routing Problem"}, {25, "Notify Error"}, {28, "Diffserv TE Error"}, {125, "Diffserv TE Error (Old)"}};
constexpr Tok kRoutingErrors[] = {{1, "Bad EXPLICIT_ROUTE object"},
                                  {2, "Bad strict node"},
                                  {3, "Bad loose node"},
                                  {4, "Bad initial subobject"},
                                  {5, "No route available toward destination"},
                                  {6, "Unacceptable label value"},
                                  {7, "RRO indicated routing loops"},
                                  {8, "non-RSVP-capable router in the path"},
                                  {9, "MPLS label allocation failure"},
                                  {10, "Unsupported L3PID"}};
constexpr Tok kDiffservErrors[] = {
    {1, "Unexpected CT object"},
    {2, "Unsupported CT"},
    {3, "Invalid CT value"},
    {4, "CT/setup priority do not form a configured TE-Class"},
    {5, "CT/holding priority do not form a configured TE-Class"},
    {6, "CT/setup priority and CT/holding priority do not form a configured TE-Class"},
    {7, "Inconsistency between signaled PSC and signaled CT"},
    {8, "Inconsistency between signaled PHBs and signaled CT"}};
constexpr Tok kAdminStatusFlags[] = {
    {0x80000000, "Reflect"}, {0x4, "Testing"}, {0x2, "Admin-down"}, {0x1, "Delete-in-progress"}};
constexpr Tok kLabelSetActions[] = {
    {0, "Inclusive list"}, {1, "Exclusive list"}, {2, "Inclusive range"}, {3, "Exclusive range"}};
constexpr Tok kUniSubobjects[] = {{1, "Source TNA address"},
                                  {2, "Destination TNA address"},
                                  {3, "Diversity"},
                                  {4, "Egress label"},
                                  {5, "Service level"}};
// RFC 3471 (tcpdump's gmpls.c).
constexpr Tok kGmplsEncodings[] = {{1, "Packet"},   {2, "Ethernet V2/DIX"}, {3, "ANSI/ETSI PDH"},
                                   {4, "Reserved"}, {5, "SDH ITU-T G.707/SONET ANSI T1.105"},
                                   {6, "Reserved"}, {7, "Digital Wrapper"}, {8, "Lambda (photonic)"},
                                   {9, "Fiber"},    {10, "Reserved"},       {11, "FiberChannel"}};
constexpr Tok kGmplsSwitchCaps[] = {{1, "Packet-Switch Capable-1"}, {2, "Packet-Switch Capable-2"},
                                    {3, "Packet-Switch Capable-3"}, {4, "Packet-Switch Capable-4"},
                                    {51, "Layer-2 Switch Capable"},  {100, "Time-Division-Multiplex"},
                                    {150, "Lambda-Switch Capable"},  {200, "Fiber-Switch Capable"}};
constexpr Tok kGmplsPayloads[] = {
    {0, "Unknown"},
    {1, "Reserved"},
    {2, "Reserved"},
    {3, "Reserved"},
    {4, "Reserved"},
    {5, "Asynchronous mapping of E4"},
    {6, "Asynchronous mapping of DS3/T3"},
    {7, "Asynchronous mapping of E3"},
    {8, "Bit synchronous mapping of E3"},
    {9, "Byte synchronous mapping of E3"},
    {10, "Asynchronous mapping of DS2/T2"},
    {11, "Bit synchronous mapping of DS2/T2"},
    {12, "Reserved"},
    {13, "Asynchronous mapping of E1"},
    {14, "Byte synchronous mapping of E1"},
    {15, "Byte synchronous mapping of 31 * DS0"},
    {16, "Asynchronous mapping of DS1/T1"},
    {17, "Bit synchronous mapping of DS1/T1"},
    {18, "Byte synchronous mapping of DS1/T1"},
    {19, "VC-11 in VC-12"},
    {20, "Reserved"},
    {21, "Reserved"},
    {22, "DS1 SF Asynchronous"},
    {23, "DS1 ESF Asynchronous"},
    {24, "DS3 M23 Asynchronous"},
    {25, "DS3 C-Bit Parity Asynchronous"},
    {26, "VT/LOVC"},
    {27, "STS SPE/HOVC"},
    {28, "POS - No Scrambling, 16 bit CRC"},
    {29, "POS - No Scrambling, 32 bit CRC"},
    {30, "POS - Scrambling, 16 bit CRC"},
    {31, "POS - Scrambling, 32 bit CRC"},
    {32, "ATM mapping"},
    {33, "Ethernet PHY"},
    {34, "SONET/SDH"},
    {35, "Reserved (SONET deprecated)"},
    {36, "Digital Wrapper"},
    {37, "Lambda"},
    {38, "ANSI/ETSI PDH"},
    {39, "Reserved"},
    {40, "Link Access Protocol SDH (X.85 and X.86)"},
    {41, "FDDI"},
    {42, "DQDB (ETSI ETS 300 216)"},
    {43, "FiberChannel-3 (Services)"},
    {44, "HDLC"},
    {45, "Ethernet V2/DIX (only)"},
    {46, "Ethernet 802.3 (only)"},
    {47, "G.709 ODUj"},
    {48, "G.709 OTUk(v)"},
    {49, "CBR/CBRa"},
    {50, "CBRb"},
    {51, "BSOT"},
    {52, "BSNT"},
    {53, "IP/PPP (GFP)"},
    {54, "Ethernet MAC (framed GFP)"},
    {55, "Ethernet PHY (transparent GFP)"},
    {56, "ESCON"},
    {57, "FICON"},
    {58, "Fiber Channel"}};


std::uint32_t be24_at(Bytes b, std::size_t off) {
  auto x = sub(b, off, 3);
  return std::uint32_t(x[0]) << 16 | std::uint32_t(x[1]) << 8 | x[2];
}

// An IEEE single-precision float from its big-endian bits, printed with
// tcpdump's "%.10g".
void print_float(Out& o, float f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", static_cast<double>(f));
  o << buf;
}
float float_at(Bytes b, std::size_t off) {
  std::uint32_t bits = be32_at(b, off);
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}
// C's "%#x": 0 stays "0", anything else gets "0x".
void print_alt_hex(Out& o, std::uint32_t v) {
  if (v) o << "0x";
  o.hex(v);
}

// The context of one object walk: the message's bytes as captured (m, the
// object at m[at]) and the verbosity.
struct Walk {
  Out& o;
  Bytes m;
  int verbose;
  std::string_view indent;
};

// tcpdump's rsvp_intserv_print: one IntServ parameter at m[at], obj_tlen
// bytes left in the object; the bytes it used, 0 to stop.
std::size_t print_intserv(Walk& w, std::size_t at, std::size_t obj_tlen) {
  Out& o = w.o;
  if (obj_tlen < 4) return 0;
  unsigned id = sub(w.m, at, 1)[0];
  std::size_t plen = std::size_t(be16_at(w.m, at + 2)) << 2;
  o << "\n\t      Parameter ID: ";
  name_or(o, kIntservParams, id, "unknown") << " (";
  o.u(id) << "), length: ";
  o.u(plen) << ", Flags: [0x";
  o.hex(sub(w.m, at + 1, 1)[0], 2) << ']';
  if (obj_tlen < plen + 4) return 0;
  std::size_t v = at + 4;
  switch (id) {
    case 4:
      if (plen == 4) o << "\n\t\tIS hop count: ", o.u(be32_at(w.m, v));
      break;
    case 6:
      if (plen == 4) o << "\n\t\tPath b/w estimate: ", print_float(o, float_at(w.m, v) / 125000), o << " Mbps";
      break;
    case 8:
      if (plen == 4) {
        o << "\n\t\tMinimum path latency: ";
        std::uint32_t lat = be32_at(w.m, v);
        if (lat == 0xffffffff)
          o << "don't care";
        else
          o.u(lat);
      }
      break;
    case 10:
      if (plen == 4) o << "\n\t\tComposed MTU: ", o.u(be32_at(w.m, v)) << " bytes";
      break;
    case 127:
      if (plen == 20) {
        o << "\n\t\tToken Bucket Rate: ";
        print_float(o, float_at(w.m, v) / 125000);
        o << " Mbps\n\t\tToken Bucket Size: ";
        print_float(o, float_at(w.m, v + 4));
        o << " bytes\n\t\tPeak Data Rate: ";
        print_float(o, float_at(w.m, v + 8) / 125000);
        o << " Mbps\n\t\tMinimum Policed Unit: ";
        o.u(be32_at(w.m, v + 12)) << " bytes\n\t\tMaximum Packet Size: ";
        o.u(be32_at(w.m, v + 16)) << " bytes";
      }
      break;
    case 130:
      if (plen == 8) {
        o << "\n\t\tRate: ";
        print_float(o, float_at(w.m, v) / 125000);
        o << " Mbps\n\t\tSlack Term: ";
        o.u(be32_at(w.m, v + 4));
      }
      break;
    case 133:
    case 134:
    case 135:
    case 136:
      if (plen == 4) o << "\n\t\tValue: ", o.u(be32_at(w.m, v));
      break;
    default:
      if (w.verbose <= 1) print_unknown_data(o, w.m.subspan(std::min(v, w.m.size())), plen, "\n\t\t");
  }
  return plen + 4;
}

enum class Stop { No, Yes };

// One object of the walk past its header: its bytes (captured whole, or
// [|rsvp]), their count, its class and C-Type, and whether its bytes end in
// hex. One member per class (or group of classes) prints the body as
// tcpdump's rsvp_obj_print does and returns Stop::Yes where tcpdump returns
// -1; hexdump set asks the walk for the bytes in hex after the body.
struct ObjPrinter {
  Walk& w;
  Out& o;
  std::string_view in;
  std::size_t at;  // the object's header in w.m
  Bytes obj;
  std::size_t n;  // obj_tlen
  std::uint8_t cls;
  std::uint8_t ctype;
  bool hexdump = false;

  Stop too_short() {
    o << in << "ERROR: object is too short";
    return Stop::Yes;
  }
  Stop sub_too_short() {
    o << in << "ERROR: sub-object is too short";
    return Stop::Yes;
  }
  Stop invalid() {
    o << " (invalid)";
    return Stop::Yes;
  }
  Stop dump() {  // a C-Type tcpdump does not decode: the bytes in hex
    hexdump = true;
    return Stop::No;
  }
  std::uint8_t u8(std::size_t off) { return sub(obj, off, 1)[0]; }
  std::uint16_t u16(std::size_t off) { return be16_at(obj, off); }
  std::uint32_t u32(std::size_t off) { return be32_at(obj, off); }
  Out& ip4(std::size_t off) { return o.ip4(sub(obj, off, 4)); }
  Out& ip6(std::size_t off) { return o.ip6(sub(obj, off, 16)); }
  Out& hex2(std::uint32_t v) { return o.hex(v, 2); }
  Out& hex4(std::uint32_t v) { return o.hex(v, 4); }
  Out& hex8(std::uint32_t v) { return o.hex(v, 8); }

  Stop body();
  Stop session();
  Stop address();
  Stop label();
  Stop style();
  Stop filter_spec();
  void l3_protocol(std::uint16_t pid);
  Stop label_request();
  Stop route();
  Stop route_subobject(std::size_t k, std::uint8_t type, std::uint8_t slen);
  Stop hello();
  Stop restart_capability();
  Stop capability();
  Stop session_attribute();
  Stop generalized_uni();
  Stop uni_subobject(std::size_t k, unsigned stype, unsigned af, std::size_t slen);
  Stop hop();
  Stop time_values();
  Stop intserv();
  Stop fast_reroute();
  Stop detour();
  Stop class_type();
  Stop error_spec();
  Stop properties();
  Stop message_id();
  Stop integrity();
  Stop admin_status();
  Stop label_set();
  Stop sub_lsp();
};

Stop ObjPrinter::body() {
  switch (cls) {
    case 1: return session();
    case 15:   // Confirm
    case 195:  // Notify Request
      return address();
    case 129:
    case 35:
    case 34:
    case 16:  // the labels
      return label();
    case 8: return style();
    case 11:  // Sender Template
    case 10:  // FilterSpec
      return filter_spec();
    case 19: return label_request();
    case 21:  // RRO
    case 20:  // ERO
      return route();
    case 22: return hello();
    case 131: return restart_capability();
    case 134: return capability();
    case 207: return session_attribute();
    case 229: return generalized_uni();
    case 3: return hop();
    case 5: return time_values();
    case 12:
    case 13:
    case 9:  // Sender TSpec, Adspec, Flowspec
      return intserv();
    case 205: return fast_reroute();
    case 63: return detour();
    case 66:
    case 125:  // Class Type
      return class_type();
    case 6: return error_spec();
    case 204: return properties();
    case 23:
    case 24:
    case 25:  // Message ID, Ack, List
      return message_id();
    case 4: return integrity();
    case 196: return admin_status();
    case 36: return label_set();
    case 50: return sub_lsp();
    default:  // Scope, Policy Data, Acceptable Label Set, Protection and the unknown
      if (w.verbose <= 1) print_unknown_data(o, obj, n, "\n\t    ");
      return Stop::No;
  }
}

Stop ObjPrinter::session() {
  switch (ctype) {
    case 1:
      if (n < 8) return too_short();
      o << in << "  IPv4 DestAddress: ";
      ip4(0) << ", Protocol ID: 0x";
      hex2(u8(4)) << in << "  Flags: [0x";
      hex2(u8(5)) << "], DestPort ";
      o.u(u16(6));
      break;
    case 2:
      if (n < 20) return too_short();
      o << in << "  IPv6 DestAddress: ";
      ip6(0) << ", Protocol ID: 0x";
      hex2(u8(16)) << in << "  Flags: [0x";
      hex2(u8(17)) << "], DestPort ";
      o.u(u16(18));
      break;
    case 8:
      if (n < 36) return too_short();
      o << in << "  IPv6 Tunnel EndPoint: ";
      ip6(0) << ", Tunnel ID: 0x";
      hex4(u16(18)) << ", Extended Tunnel ID: ";
      ip6(20);
      break;
    case 14:
      if (n < 26) return too_short();
      o << in << "  IPv6 P2MP LSP ID: 0x";
      hex8(u32(0)) << ", Tunnel ID: 0x";
      hex4(u16(6)) << ", Extended Tunnel ID: ";
      ip6(8);
      break;
    case 13:
      if (n < 12) return too_short();
      o << in << "  IPv4 P2MP LSP ID: ";
      ip4(0) << ", Tunnel ID: 0x";
      hex4(u16(6)) << ", Extended Tunnel ID: ";
      ip4(8);
      break;
    case 7:
    case 11:
      if (n < 12) return too_short();
      o << in << "  IPv4 Tunnel EndPoint: ";
      ip4(0) << ", Tunnel ID: 0x";
      hex4(u16(6)) << ", Extended Tunnel ID: ";
      ip4(8);
      break;
    default: return dump();
  }
  return Stop::No;
}

// Confirm (15) and Notify Request (195): one address.
Stop ObjPrinter::address() {
  switch (ctype) {
    case 1:
      if (n < 4) return too_short();
      o << in << (cls == 15 ? "  IPv4 Receiver Address: " : "  IPv4 Notify Node Address: ");
      ip4(0);
      break;
    case 2:
      if (n < 16) return too_short();
      o << in << (cls == 15 ? "  IPv6 Receiver Address: " : "  IPv6 Notify Node Address: ");
      ip6(0);
      break;
    default: return dump();
  }
  return Stop::No;
}

Stop ObjPrinter::label() {
  switch (ctype) {
    case 1:
      for (std::size_t k = 0; n - k >= 4; k += 4) o << in << "  Label: ", o.u(u32(k));
      break;
    case 2:
      if (n < 4) return too_short();
      o << in << "  Generalized Label: ";
      o.u(u32(0));
      break;
    case 3:
      if (n < 12) return too_short();
      o << in << "  Waveband ID: ";
      o.u(u32(0)) << in << "  Start Label: ";
      o.u(u32(4)) << ", Stop Label: ";
      o.u(u32(8));
      break;
    default: return dump();
  }
  return Stop::No;
}

Stop ObjPrinter::style() {
  if (ctype != 1) return dump();
  if (n < 4) return too_short();
  o << in << "  Reservation Style: ";
  name_or(o, kStyles, be24_at(obj, 1), "Unknown") << ", Flags: [0x";
  hex2(u8(0)) << ']';
  return Stop::No;
}

// Sender Template (11) and FilterSpec (10).
Stop ObjPrinter::filter_spec() {
  switch (ctype) {
    case 1:
      if (n < 8) return too_short();
      o << in << "  Source Address: ";
      ip4(0) << ", Source Port: ";
      o.u(u16(6));
      break;
    case 2:
      if (n < 20) return too_short();
      o << in << "  Source Address: ";
      ip6(0) << ", Source Port: ";
      o.u(u16(18));
      break;
    case 3:
      if (cls != 10) return dump();
      if (n < 20) return too_short();
      o << in << "  Source Address: ";
      ip6(0) << ", Flow Label: ";
      o.u(be24_at(obj, 17));
      break;
    case 8:
      if (cls != 10) return dump();
      if (n < 20) return too_short();
      o << in << "  Source Address: ";
      ip4(0) << ", LSP-ID: 0x";
      hex4(u16(18));
      break;
    case 13:
      if (n < 40) return too_short();
      o << in << "  IPv6 Tunnel Sender Address: ";
      ip6(0) << ", LSP ID: 0x";
      hex4(u16(18)) << in << "  Sub-Group Originator ID: ";
      ip6(20) << ", Sub-Group ID: 0x";
      hex4(u16(38));
      break;
    case 7:
      if (n < 8) return too_short();
      o << in << (cls == 11 ? "  IPv4 Tunnel Sender Address: " : "  Source Address: ");
      ip4(0) << (cls == 11 ? ", LSP-ID: 0x" : ", LSP-ID: 0x");
      hex4(u16(6));
      break;
    case 12:
      if (n < 16) return too_short();
      o << in << "  IPv4 Tunnel Sender Address: ";
      ip4(0) << ", LSP ID: 0x";
      hex4(u16(6)) << in << "  Sub-Group Originator ID: ";
      ip4(8) << ", Sub-Group ID: 0x";
      hex4(u16(12));
      break;
    default: return dump();
  }
  return Stop::No;
}

// A Label Request's L3 protocol: the Ethertype's name or its number.
void ObjPrinter::l3_protocol(std::uint16_t pid) {
  if (auto nm = ethertype_name(pid); !nm.empty())
    o << nm;
  else
    o << "Unknown Protocol (0x", hex4(pid) << ')';
}

Stop ObjPrinter::label_request() {
  switch (ctype) {
    case 1:
      for (std::size_t k = 0; n - k >= 4; k += 4) {
        o << in << "  L3 Protocol ID: ";
        l3_protocol(u16(k + 2));
      }
      break;
    case 2:
    case 3:
      if (n < 12) return too_short();
      o << in << "  L3 Protocol ID: ";
      l3_protocol(u16(2));
      if (ctype == 2) {
        o << ',' << ((u8(4) & 0x80) ? "no" : "") << " merge capability";
        o << in << "  Minimum VPI/VCI: ";
        o.u(u16(4) & 0xfff) << '/';
        o.u(u16(6) & 0xfff) << in << "  Maximum VPI/VCI: ";
        o.u(u16(8) & 0xfff) << '/';
        o.u(u16(10) & 0xfff);
      } else {
        unsigned dl = (u16(4) >> 7) & 3;
        o << in << "  Minimum/Maximum DLCI: ";
        o.u(u32(4) & 0x7fffff) << '/';
        o.u(u32(8) & 0x7fffff) << ", " << (dl == 0 ? "10" : "") << (dl == 2 ? "23" : "") << " bit DLCI";
      }
      break;
    case 4:
      if (n < 4) return too_short();
      o << in << "  LSP Encoding Type: ";
      name_or(o, kGmplsEncodings, u8(0), "Unknown") << " (";
      o.u(u8(0)) << ')' << in << "  Switching Type: ";
      name_or(o, kGmplsSwitchCaps, u8(1), "Unknown") << " (";
      o.u(u8(1)) << "), Payload ID: ";
      name_or(o, kGmplsPayloads, u16(2), "Unknown") << " (0x";
      hex4(u16(2)) << ')';
      break;
    default: return dump();
  }
  return Stop::No;
}

// RRO (21) and ERO (20): the subobjects.
Stop ObjPrinter::route() {
  if (ctype != 1) return dump();
  std::size_t k = 0;
  while (n - k >= 4) {
    sub(obj, k, 4);
    std::uint8_t type = u8(k), slen = u8(k + 1);
    o << in << "  Subobject Type: ";
    tok_print(o, kXroTypes, type & 0x7f, "Unknown ") << ", length ";
    o.u(slen);
    if (n - k < slen) {
      o << in << "  ERROR: ERO subobject length > object length";
      break;
    }
    if (slen == 0) {
      o << in << "  ERROR: zero length ERO subtype";
      break;
    }
    if (route_subobject(k, type, slen) == Stop::Yes) return Stop::Yes;
    k += slen;
  }
  return Stop::No;
}

// One ERO/RRO subobject at obj[k], slen bytes: the IPv4 prefix and the
// label decoded, the rest only named.
Stop ObjPrinter::route_subobject(std::size_t k, std::uint8_t type, std::uint8_t slen) {
  switch (type & 0x7f) {
    case 1: {
      if (slen != 8) {
        o << " ERROR: length != 8";
        return invalid();
      }
      sub(obj, k, 8);
      std::uint8_t plen = u8(k + 6);
      if (plen != 32) {
        o << " ERROR: Prefix length ";
        o.u(plen) << " != 32";
        return invalid();
      }
      o << ", " << ((type & 0x80) ? "Loose" : "Strict") << ", ";
      ip4(k + 2) << '/';
      o.u(plen) << ", Flags: [";
      print_bit_names(o, kRroFlags, u8(k + 7), "none");
      o << ']';
      break;
    }
    case 3:
      if (slen != 8) {
        o << " ERROR: length != 8";
        return invalid();
      }
      o << ", Flags: [";
      print_bit_names(o, kRroLabelFlags, u8(k + 2), "none");
      o << "] (";
      print_alt_hex(o, u8(k + 2));
      o << "), Class-Type: ";
      name_or(o, kCtypes, ct(21, u8(k + 3)), "Unknown") << " (";
      o.u(u8(k + 3)) << "), ";
      o.u(u32(k + 4));
      break;
  }
  return Stop::No;
}

Stop ObjPrinter::hello() {
  if (ctype != 1 && ctype != 2) return dump();
  if (n < 8) return too_short();
  o << in << "  Source Instance: 0x";
  hex8(u32(0)) << ", Destination Instance: 0x";
  hex8(u32(4));
  return Stop::No;
}

Stop ObjPrinter::restart_capability() {
  if (ctype != 1) return dump();
  if (n < 8) return too_short();
  o << in << "  Restart  Time: ";
  o.u(u32(0)) << "ms, Recovery Time: ";
  o.u(u32(4)) << "ms";
  return Stop::No;
}

Stop ObjPrinter::capability() {
  if (ctype != 1) return dump();
  if (n < 4) return too_short();
  std::uint32_t v = u32(0);
  if (v & ~7u) o << in << "  [reserved=0x", hex8(v & ~7u) << " must be zero]";
  o << in << "  Flags: [";
  print_bit_names(o, kCapabilityFlags, v & 7u, "none");
  o << ']';
  return Stop::No;
}

Stop ObjPrinter::session_attribute() {
  if (ctype != 7) return dump();
  if (n < 4) return too_short();
  std::size_t namelen = u8(3);
  if (n < 4 + namelen) return too_short();
  o << in << "  Session Name: ";
  for (std::size_t c = 0; c < namelen; ++c) print_char(o, u8(4 + c));
  o << in << "  Setup Priority: ";
  o.u(u8(0)) << ", Holding Priority: ";
  o.u(u8(1)) << ", Flags: [";
  print_bit_names(o, kSessionAttrFlags, u8(2), "none");
  o << "] (";
  print_alt_hex(o, u8(2));
  o << ')';
  return Stop::No;
}

Stop ObjPrinter::generalized_uni() {
  if (ctype != 1) return dump();
  if (n < 4) return too_short();
  std::size_t k = 0;
  std::size_t total = n, ntlen = n;
  while (total > 0) {
    if (total < 4) return invalid();
    std::size_t slen = u16(k);
    unsigned stype = u16(k + 2) >> 8, af = u16(k + 2) & 0xff;
    o << in << "  Subobject Type: ";
    name_or(o, kUniSubobjects, stype, "Unknown") << " (";
    o.u(stype) << "), AF: ";
    name_or(o, address_families(), af, "Unknown") << " (";
    o.u(af) << "), length: ";
    o.u(slen);
    if (slen < 4 || slen > total || ntlen < slen) return invalid();
    if (uni_subobject(k, stype, af, slen) == Stop::Yes) return Stop::Yes;
    total -= slen;
    k += slen;
    ntlen += slen;  // as tcpdump 4.99.3 does (it adds where it means to subtract)
  }
  return Stop::No;
}

// One Generalized UNI subobject at obj[k], slen bytes; those tcpdump does
// not decode set hexdump and the walk goes on.
Stop ObjPrinter::uni_subobject(std::size_t k, unsigned stype, unsigned af, std::size_t slen) {
  switch (stype) {
    case 1:
    case 2:
      if (af == 1) {
        if (slen < 8) return sub_too_short();
        o << in << "    UNI IPv4 TNA address: ";
        ip4(k + 4);
      } else if (af == 2) {
        if (slen < 20) return sub_too_short();
        o << in << "    UNI IPv6 TNA address: ";
        ip6(k + 4);
      } else if (af == 3) {
        hexdump = true;
      }
      break;
    case 3:
      if (slen > 4) hexdump = true;
      break;
    case 4:
      if (slen < 16) return sub_too_short();
      o << in << "    U-bit: ";
      o.hex(u32(k + 4) >> 31) << ", Label type: ";
      o.u(u32(k + 4) & 0xff) << ", Logical port id: ";
      o.u(u32(k + 8)) << ", Label: ";
      o.u(u32(k + 12));
      break;
    case 5:
      if (slen < 8) return sub_too_short();
      o << in << "    Service level: ";
      o.u(u32(k + 4) >> 24);
      break;
    default: hexdump = true;
  }
  return Stop::No;
}

Stop ObjPrinter::hop() {
  switch (ctype) {
    case 3:
    case 1:
      if (n < 8) return too_short();
      o << in << "  Previous/Next Interface: ";
      ip4(0) << ", Logical Interface Handle: 0x";
      hex8(u32(4));
      if (n > 8) hexdump = true;
      break;
    case 4:
    case 2:
      if (n < 20) return too_short();
      o << in << "  Previous/Next Interface: ";
      ip6(0) << ", Logical Interface Handle: 0x";
      hex8(u32(16));
      hexdump = true;
      break;
    default: return dump();
  }
  return Stop::No;
}

Stop ObjPrinter::time_values() {
  if (ctype != 1) return dump();
  if (n < 4) return too_short();
  o << in << "  Refresh Period: ";
  o.u(u32(0)) << "ms";
  return Stop::No;
}

// Sender TSpec (12), Adspec (13) and Flowspec (9): the IntServ services
// and their parameters.
Stop ObjPrinter::intserv() {
  if (ctype != 2) return dump();
  if (n < 4) return too_short();
  o << in << "  Msg-Version: ";
  o.u((u8(0) & 0xf0) >> 4) << ", length: ";
  o.u(std::size_t(u16(2)) << 2);
  std::size_t k = 4;
  std::size_t left = n - 4;
  while (left >= 4) {
    std::uint32_t stlen = std::uint32_t(u16(k + 2)) << 2;
    o << in << "  Service Type: ";
    name_or(o, kIntservServices, u8(k), "unknown") << " (";
    o.u(u8(k)) << "), break bit " << ((u8(k + 1) & 0x80) ? "" : "not ") << "set, Service length: ";
    o.u(stlen);
    k += 4;
    left -= 4;
    while (stlen >= 4) {
      std::size_t used = print_intserv(w, at + kObjHeader + k, left);
      if (used == 0) break;
      left -= used;  // never more than is left: print_intserv checked
      stlen = static_cast<std::uint32_t>(stlen - used);  // wraps as tcpdump's u_int does
      k += used;
    }
  }
  return Stop::No;
}

Stop ObjPrinter::fast_reroute() {
  if (ctype != 1 && ctype != 7) return dump();
  if (n < (ctype == 1 ? 20u : 16u)) return too_short();
  o << in << "  Setup Priority: ";
  o.u(u8(0)) << ", Holding Priority: ";
  o.u(u8(1)) << ", Hop-limit: ";
  o.u(u8(2)) << ", Bandwidth: ";
  print_float(o, float_at(obj, 4) * 8 / 1000000);
  o << " Mbps";
  if (ctype == 1) {
    o << in << "  Include-any: 0x";
    hex8(u32(8)) << ", Exclude-any: 0x";
    hex8(u32(12)) << ", Include-all: 0x";
    hex8(u32(16));
  } else {
    o << in << "  Include Colors: 0x";
    hex8(u32(8)) << ", Exclude Colors: 0x";
    hex8(u32(12));
  }
  return Stop::No;
}

Stop ObjPrinter::detour() {
  if (ctype != 7) return dump();
  for (std::size_t k = 0; n - k >= 8; k += 8) {
    o << in << "  PLR-ID: ";
    ip4(k) << ", Avoid-Node-ID: ";
    ip4(k + 4);
  }
  return Stop::No;
}

Stop ObjPrinter::class_type() {
  if (ctype != 1) return dump();
  if (n < 4) return too_short();
  o << in << "  CT: ";
  o.u(u32(0) & 7);
  return Stop::No;
}

Stop ObjPrinter::error_spec() {
  bool v6 = ctype == 2 || ctype == 4;
  if (ctype < 1 || ctype > 4) return dump();
  std::size_t a = v6 ? 16 : 4;
  if (n < a + 4) return too_short();
  unsigned code = u8(a + 1), value = u16(a + 2);
  o << in << "  Error Node Address: ";
  (v6 ? ip6(0) : ip4(0)) << ", Flags: [0x";
  hex2(u8(a)) << ']' << in << "  Error Code: ";
  name_or(o, kErrorCodes, code, "unknown") << " (";
  o.u(code) << ')';
  if (code == 24) {
    o << ", Error Value: ";
    name_or(o, kRoutingErrors, value, "unknown") << " (";
    o.u(value) << ')';
  } else if (!v6 && (code == 28 || code == 125)) {
    o << ", Error Value: ";
    name_or(o, kDiffservErrors, value, "unknown") << " (";
    o.u(value) << ')';
  } else if (!v6) {
    o << ", Unknown Error Value (";
    o.u(value) << ')';
  }
  return Stop::No;
}

Stop ObjPrinter::properties() {
  if (ctype != 1) return dump();
  if (n < 4) return too_short();
  std::size_t pad = u16(2);
  o << in << "  TLV count: ";
  o.u(u16(0)) << ", padding bytes: ";
  o.u(pad);
  std::size_t k = 4;
  while (n - k >= 2 + pad) {
    std::uint8_t t = u8(k), tl = u8(k + 1);
    o << in << "    ";
    name_or(o, kPropTlvs, t, "unknown") << " TLV (0x";
    hex2(t) << "), length: ";
    o.u(tl);
    if (n - k < tl) return too_short();
    if (tl < 2) {
      o << in << "ERROR: property TLV is too short";
      return Stop::Yes;
    }
    print_unknown_data(o, obj.subspan(k + 2), tl - 2u, "\n\t\t");
    k += tl;
  }
  return Stop::No;
}

// Message ID (23), Message ID Ack (24) and Message ID List (25).
Stop ObjPrinter::message_id() {
  if (ctype != 1 && ctype != 2) return dump();
  if (n < 4) return too_short();
  o << in << "  Flags [0x";
  hex2(u8(0)) << "], epoch: ";
  o.u(be24_at(obj, 1));
  for (std::size_t k = 4; n - k >= 4; k += 4) {
    o << in << "    Message-ID 0x";
    hex8(u32(k)) << " (";
    o.u(u32(k)) << ')';
  }
  return Stop::No;
}

Stop ObjPrinter::integrity() {
  if (ctype != 1) return dump();
  if (n < 32) return too_short();
  o << in << "  Key-ID 0x";
  hex4(u16(2));
  hex8(u32(4)) << ", Sequence 0x";
  hex8(u32(8));
  hex8(u32(12)) << ", Flags [";
  print_bit_names(o, kIntegrityFlags, u8(0), "none");
  o << ']' << in << "  MD5-sum 0x";
  for (std::size_t d = 16; d < 32; d += 4) hex8(u32(d));
  o << "  (unchecked)";  // no secret (-M) to check the digest with
  return Stop::No;
}

Stop ObjPrinter::admin_status() {
  if (ctype != 1) return dump();
  if (n < 4) return too_short();
  o << in << "  Flags [";
  print_bit_names(o, kAdminStatusFlags, u32(0), "none");
  o << ']';
  return Stop::No;
}

Stop ObjPrinter::label_set() {
  if (ctype != 1) return dump();
  if (n < 4) return too_short();
  unsigned action = u16(0) >> 8;
  o << in << "  Action: ";
  name_or(o, kLabelSetActions, action, "Unknown") << " (";
  o.u(action) << "), Label type: ";
  o.u(u32(0) & 0x7f);
  if (action == 2 || action == 3) {
    if (n < 12) return too_short();
    o << in << "  Start range: ";
    o.u(u32(4)) << ", End range: ";
    o.u(u32(8));
  } else {
    unsigned sc = 1;
    for (std::size_t k = 4; n - k >= 4; k += 4, ++sc) {
      o << in << "  Subchannel #";
      o.u(sc) << ": ";
      o.u(u32(k));
    }
  }
  return Stop::No;
}

Stop ObjPrinter::sub_lsp() {
  if (ctype == 1) {
    if (n < 4) return too_short();
    o << in << "  Sub-LSP destination address: ";
    ip4(0);
  } else if (ctype == 2) {
    if (n < 16) return too_short();
    o << in << "  Sub-LSP destination address: ";
    ip6(0);
  } else {
    hexdump = true;
  }
  return Stop::No;
}

// The object walk: tcpdump's rsvp_obj_print over tlen bytes from m[at].
// Stop::Yes where tcpdump returns -1 (an error message, or " (invalid)").
Stop print_objects(Walk& w, std::size_t at, std::size_t tlen) {
  Out& o = w.o;
  const std::string_view in = w.indent;
  while (tlen >= kObjHeader) {
    std::uint16_t len = be16_at(w.m, at);
    std::uint8_t ctype = sub(w.m, at + 3, 1)[0];
    if (len % 4) {
      o << in << "ERROR: object header size ";
      o.u(len) << " not a multiple of 4";
      return Stop::Yes;
    }
    if (len < kObjHeader) {
      o << in << "ERROR: object header too short ";
      o.u(len) << " < 4";
      return Stop::Yes;
    }
    std::uint8_t cls = sub(w.m, at + 2, 1)[0];
    o << in;
    name_or(o, kObjects, cls, "Unknown") << " Object (";
    o.u(cls) << ") Flags: [" << ((cls & 0x80) ? ((cls & 0x40) ? "ignore and forward" : "ignore silently") : "reject");
    o << " if unknown], Class-Type: ";
    name_or(o, kCtypes, ct(cls, ctype), "Unknown") << " (";
    o.u(ctype) << "), length: ";
    o.u(len);
    if (tlen < len) {
      o << in << "ERROR: object goes past end of objects TLV";
      return Stop::Yes;
    }
    Bytes obj = sub(w.m, at + kObjHeader, len - kObjHeader);  // the object captured whole, or [|rsvp]
    ObjPrinter p{w, o, in, at, obj, obj.size(), cls, ctype};
    if (p.body() == Stop::Yes) return Stop::Yes;
    if (w.verbose > 1 || p.hexdump) print_unknown_data(o, obj, p.n, "\n\t    ");
    at += len;
    tlen -= len;
  }
  return Stop::No;
}

// A common header's -v line at m[at] (indent "\n\t" or, in a Bundle, "\n\t  ").
std::uint16_t print_header_line(Out& o, Bytes m, std::size_t at, std::string_view indent) {
  Bytes h = sub(m, at, kHeader);
  std::uint16_t tlen = be16_at(h, 6);
  o << indent << "RSVPv";
  o.u(h[0] >> 4) << ' ';
  tok_print(o, kMessages, h[1], "unknown, type: ") << " Message (";
  o.u(h[1]) << "), Flags: [";
  print_bit_names(o, kHeaderFlags, h[0] & 0x0f, "none");
  o << "], length: ";
  o.u(tlen) << ", ttl: ";
  o.u(h[4]) << ", checksum: 0x";
  o.hex(be16_at(h, 2), 4);
  return tlen;
}

}  // namespace

void decode_rsvp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "rsvp";
  auto& l = c.d.push<RsvpL>();
  l.msg = r.rest();
  l.length = length;
  if (l.msg.size() < kHeader) c.d.last()->status = Status::Truncated;  // for JSON; the text stops where tcpdump does
}

void print_rsvp(PrintCtx& p, std::size_t i) {
  p.proto = "rsvp";
  const auto& l = at<RsvpL>(p.d, i);
  Bytes m = sub(l.msg, 0, kHeader);  // tcpdump checks the whole common header first
  Out& o = p.o;
  unsigned version = m[0] >> 4;
  if (version != 1) {
    o << "ERROR: RSVP version ";
    o.u(version) << " packet not supported";
    return;
  }
  std::uint8_t type = m[1];
  if (!p.opt.verbose) {
    o << "RSVPv";
    o.u(version) << ' ';
    tok_print(o, kMessages, type, "unknown (", ")") << " Message, length: ";
    o.u(l.length);
    return;
  }
  std::uint16_t tlen = print_header_line(o, l.msg, 0, "\n\t");
  if (tlen < kHeader) {
    o << "ERROR: common header too short ";
    o.u(tlen) << " < 8";
    return;
  }
  tlen = static_cast<std::uint16_t>(tlen - kHeader);
  Walk w{o, l.msg, p.opt.verbose, "\n\t  "};
  switch (type) {
    case 12: {  // Bundle: every sub-message, its header and objects
      std::size_t at = kHeader;
      Walk sw{o, l.msg, p.opt.verbose, "\n\t    "};
      while (tlen > 0) {
        Bytes h = sub(l.msg, at, kHeader);
        if ((h[0] >> 4) != 1) {
          o << "ERROR: RSVP version ";
          o.u(h[0] >> 4) << " packet not supported";
          return;
        }
        std::uint16_t sublen = print_header_line(o, l.msg, at, "\n\t  ");
        if (sublen < kHeader) {
          o << "ERROR: common header too short ";
          o.u(sublen) << " < 8";
          return;
        }
        if (tlen < sublen) {
          o << "ERROR: common header too large ";
          o.u(sublen) << " > ";
          o.u(tlen);
          return;
        }
        if (print_objects(sw, at + kHeader, sublen - kHeader) == Stop::Yes) return;
        at += sublen;
        tlen = static_cast<std::uint16_t>(tlen - sublen);
      }
      break;
    }
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
    case 14:
    case 20:
    case 13:
    case 15: print_objects(w, kHeader, tlen); break;
    default: print_unknown_data(o, l.msg.subspan(kHeader), tlen, "\n\t    ");
  }
}

namespace {

// Addresses and numbers of the objects whose layout is fixed by their C-Type.
void json_object_fields(JsonWriter& w, std::uint8_t cls, std::uint8_t ctype, Bytes v) {
  auto ip4 = [&](std::string_view k, std::size_t off) {
    if (off + 4 <= v.size()) w.member(k, ip4_text(v.subspan(off, 4)));
  };
  auto u32 = [&](std::string_view k, std::size_t off) {
    if (off + 4 <= v.size()) w.member(k, be32_at(v, off));
  };
  auto u16 = [&](std::string_view k, std::size_t off) {
    if (off + 2 <= v.size()) w.member(k, be16_at(v, off));
  };
  switch (cls) {
    case 1:
      if (ctype == 1) ip4("destination", 0), u16("port", 6);
      if (ctype == 7) ip4("tunnel_endpoint", 0), u16("tunnel_id", 6), ip4("extended_tunnel_id", 8);
      break;
    case 3:
      if (ctype == 1 || ctype == 3) ip4("interface", 0), u32("handle", 4);
      break;
    case 5:
      if (ctype == 1) u32("refresh_ms", 0);
      break;
    case 10:
    case 11:
      if (ctype == 1 || ctype == 7) ip4("source", 0), u16(ctype == 1 ? "port" : "lsp_id", 6);
      break;
    case 16:
      if (ctype == 1 || ctype == 2) u32("label", 0);
      break;
    case 22:
      if (ctype == 1 || ctype == 2) u32("source_instance", 0), u32("destination_instance", 4);
      break;
    case 131:
      if (ctype == 1) u32("restart_time_ms", 0), u32("recovery_time_ms", 4);
      break;
    case 134:
      if (ctype == 1 && v.size() >= 4) w.member("flags", be32_at(v, 0) & 7u);
      break;
    case 23:
    case 24:
    case 25:
      if ((ctype == 1 || ctype == 2) && v.size() >= 4) w.member("epoch", be32_at(v, 0) & 0xffffff);
      break;
  }
}

}  // namespace

// The objects as far as captured and consistent: class, C-Type, length and
// the fields above (a Bundle's sub-messages are not walked).
static void json_objects(JsonWriter& w, Bytes m, std::uint32_t) {
  std::size_t tlen = be16_at(m, 6);
  if (tlen < kHeader || m[1] == 12) return;
  tlen -= kHeader;
  w.key("objects");
  w.begin_array();
  std::size_t at = kHeader;
  while (tlen >= kObjHeader && at + kObjHeader <= m.size()) {
    std::uint16_t len = be16_at(m, at);
    std::uint8_t cls = m[at + 2], ctype = m[at + 3];
    if (len % 4 || len < kObjHeader || len > tlen) break;
    w.begin_object();
    w.member("class", cls);
    if (auto n = tok_name(kObjects, cls); !n.empty()) w.member("name", n);
    w.member("ctype", ctype);
    if (auto n = tok_name(kCtypes, ct(cls, ctype)); !n.empty()) w.member("ctype_name", n);
    w.member("length", len);
    if (at + len > m.size()) {
      w.member("truncated", true);
      w.end_object();
      break;
    }
    json_object_fields(w, cls, ctype, m.subspan(at + kObjHeader, len - kObjHeader));
    w.end_object();
    at += len;
    tlen -= len;
  }
  w.end_array();
}

// The common header's fields, then the objects'.
void json_rsvp(JsonWriter& w, const RsvpL& l) {
  w.member("layer", "rsvp");
  w.member("length", l.length);
  try {
    Bytes m = sub(l.msg, 0, kHeader);
    w.member("version", m[0] >> 4);
    w.member("flags", m[0] & 0x0f);
    w.member("type", m[1]);
    if (auto name = tok_name(kMessages, m[1]); !name.empty()) w.member("message", name);
    w.member("checksum", be16_at(m, 2));
    w.member("ttl", m[4]);
    w.member("message_length", be16_at(m, 6));
  } catch (const Truncated&) {
    w.member("truncated", true);
    return;
  }
  json_objects(w, l.msg, l.length);
}

}  // namespace netlab::proto
