// RADIUS (RFC 2865, accounting RFC 2866, tunnels RFC 2867/2868, extensions
// RFC 2869, IPv6 RFC 3162, 802.1X RFC 3580, VLANs RFC 4675, RFC 4818,
// dynamic authorization RFC 5176, RFC 5447 MIPv6, location RFC 5580) on UDP
// 1645, 1646, 1700, 1812, 1813 and 3799. The text follows tcpdump 4.99.3's
// print-radius.c: "RADIUS, Access-Request (1), id: 0x05 length: 139" at -n;
// from -v the authenticator and each attribute by name with its value as
// its kind prints it (string, number or standard value, address, time,
// prefix, ...); at -vv each attribute's value in hex too. EAP-Message
// values go to the EAP printer (eap.cpp). Its quirks are kept: a string
// stops at a NUL; a numeric with standard values prints "#N" out of range.
#include "proto/proto.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace netlab::proto {
namespace {

constexpr std::size_t kHeader = 20;

constexpr Tok kCodes[] = {{1, "Access-Request"},      {2, "Access-Accept"},      {3, "Access-Reject"},
                          {4, "Accounting-Request"},  {5, "Accounting-Response"}, {11, "Access-Challenge"},
                          {12, "Status-Server"},      {13, "Status-Client"},     {40, "Disconnect-Request"},
                          {41, "Disconnect-ACK"},     {42, "Disconnect-NAK"},    {43, "CoA-Request"},
                          {44, "CoA-ACK"},            {45, "CoA-NAK"},           {255, "Reserved"}};

enum class Kind : std::uint8_t {
  None, String, Num, Addr, Addr6, Prefix6, Time, Strange, Vendor, Vector64, HomeLink, OperatorName,
  LocationInfo, LocationData, PolicyRules
};

using Names = std::span<const std::string_view>;

// Standard values: index = value, from `first` (0 or 1) to the table's end.
constexpr std::string_view kServiceTypes[] = {"", "Login", "Framed", "Callback Login", "Callback Framed",
                                              "Outbound", "Administrative", "NAS Prompt", "Authenticate Only",
                                              "Callback NAS Prompt", "Call Check", "Callback Administrative"};
constexpr std::string_view kFramedProtocols[] = {"", "PPP", "SLIP", "ARAP", "Gandalf proprietary",
                                                 "Xylogics IPX/SLIP", "X.75 Synchronous"};
constexpr std::string_view kRouting[] = {"None", "Send", "Listen", "Send&Listen"};
constexpr std::string_view kCompression[] = {"None", "VJ TCP/IP", "IPX", "Stac-LZS"};
constexpr std::string_view kLoginServices[] = {"Telnet", "Rlogin", "TCP Clear", "PortMaster(proprietary)",
                                               "LAT", "X.25-PAD", "X.25-T3POS", "Unassigned",
                                               "TCP Clear Quiet"};
constexpr std::string_view kTermination[] = {"Default", "RADIUS-Request"};
constexpr std::string_view kIngressFilters[] = {"", "Enabled", "Disabled"};
constexpr std::string_view kPortTypes[] = {
    "Async",    "Sync",  "ISDN Sync", "ISDN Async V.120", "ISDN Async V.110", "Virtual", "PIAFS",
    "HDLC Clear Channel", "X.25", "X.75", "G.3 Fax", "SDSL", "ADSL-CAP", "ADSL-DMT", "ISDN-DSL",
    "Ethernet", "xDSL", "Cable", "Wireless - Other", "Wireless - IEEE 802.11"};
constexpr std::string_view kAcctStatus[] = {
    "", "Start", "Stop", "Interim-Update", "Unassigned", "Unassigned", "Unassigned", "Accounting-On",
    "Accounting-Off", "Tunnel-Start", "Tunnel-Stop", "Tunnel-Reject", "Tunnel-Link-Start", "Tunnel-Link-Stop",
    "Tunnel-Link-Reject", "Failed"};
constexpr std::string_view kAcctAuth[] = {"", "RADIUS", "Local", "Remote", "Diameter"};
constexpr std::string_view kAcctTerm[] = {
    "", "User Request", "Lost Carrier", "Lost Service", "Idle Timeout", "Session Timeout", "Admin Reset",
    "Admin Reboot", "Port Error", "NAS Error", "NAS Request", "NAS Reboot", "Port Unneeded", "Port Preempted",
    "Port Suspended", "Service Unavailable", "Callback", "User Error", "Host Request", "Supplicant Restart",
    "Reauthentication Failure", "Port Reinitialized", "Port Administratively Disabled", "Lost Power"};
constexpr std::string_view kTunnelTypes[] = {"", "PPTP", "L2F", "L2TP", "ATMP", "VTP", "AH", "IP-IP",
                                             "MIN-IP-IP", "ESP", "GRE", "DVS", "IP-in-IP Tunneling", "VLAN"};
constexpr std::string_view kTunnelMedia[] = {
    "", "IPv4", "IPv6", "NSAP", "HDLC", "BBN 1822", "802", "E.163", "E.164", "F.69", "X.121", "IPX",
    "Appletalk", "Decnet IV", "Banyan Vines", "E.164 with NSAP subaddress"};
constexpr std::string_view kArapZones[] = {"", "Only access to dfl zone", "Use zone filter inc.", "Not used",
                                           "Use zone filter exc."};
constexpr std::string_view kPrompts[] = {"No Echo", "Echo"};

constexpr Tok kErrorCauses[] = {{201, "Residual Session Context Removed"},
                                {202, "Invalid EAP Packet (Ignored)"},
                                {401, "Unsupported Attribute"},
                                {402, "Missing Attribute"},
                                {403, "NAS Identification Mismatch"},
                                {404, "Invalid Request"},
                                {405, "Unsupported Service"},
                                {406, "Unsupported Extension"},
                                {407, "Invalid Attribute Value"},
                                {501, "Administratively Prohibited"},
                                {502, "Request Not Routable (Proxy)"},
                                {503, "Session Context Not Found"},
                                {504, "Session Context Not Removable"},
                                {505, "Other Proxy Processing Error"},
                                {506, "Resources Unavailable"},
                                {507, "Request Initiated"},
                                {508, "Multiple Session Selection Unsupported"},
                                {509, "Location Info Required"}};
constexpr Tok kVlanTagged[] = {{0x31, "Tagged"}, {0x32, "Untagged"}};
constexpr Tok kOperatorNamespaces[] = {{0x30, "TADIG"}, {0x31, "REALM"}, {0x32, "E212"}, {0x33, "ICC"}};
constexpr Tok kLocationCodes[] = {{0, "Civic"}, {1, "Geospatial"}};
constexpr Tok kLocationEntities[] = {{0, "User"}, {1, "RADIUS"}};
constexpr std::pair<std::uint64_t, std::string_view> kMip6Features[] = {
    {0x1, "MIP6_INTEGRATED"},
    {0x2, "LOCAL_HOME_AGENT_ASSIGNMENT"},
    {0x0000010000000000, "PMIP6_SUPPORTED"},
    {0x0000020000000000, "IP4_HOA_SUPPORTED"},
    {0x0000040000000000, "LOCAL_MAG_ROUTING_SUPPORTED"},
    {0x0000080000000000, "ASSIGN_LOCAL_IP"},
    {0x0000100000000000, "MIP4_SUPPORTED"},
    {0x0000200000000000, "OPTIMIZED_IDLE_MODE_MOBILITY"},
    {0x0000400000000000, "GTPv2_SUPPORTED"},
    {0x0000800000000000, "IP4_TRANSPORT_SUPPORTED"},
    {0x0001000000000000, "IP4_HOA_ONLY_SUPPORTED"},
    {0x0002000000000000, "INTER_MAG_ROUTING_SUPPORTED"}};

struct Attr {
  std::string_view name;
  Kind kind = Kind::None;
  Names values{};       // standard values of a numeric attribute
  std::uint8_t first = 0;
};

// Attribute types 0-129 (IANA's radius-types-2), as tcpdump names them.
constexpr Attr kAttrs[] = {
    {"", Kind::None},  // 0: "Unknown"
    {"User-Name", Kind::String}, {"User-Password"}, {"CHAP-Password"},
    {"NAS-IP-Address", Kind::Addr}, {"NAS-Port", Kind::Num},
    {"Service-Type", Kind::Num, kServiceTypes, 1}, {"Framed-Protocol", Kind::Num, kFramedProtocols, 1},
    {"Framed-IP-Address", Kind::Addr}, {"Framed-IP-Netmask", Kind::Addr},
    {"Framed-Routing", Kind::Num, kRouting, 0}, {"Filter-Id", Kind::String}, {"Framed-MTU", Kind::Num},
    {"Framed-Compression", Kind::Num, kCompression, 0}, {"Login-IP-Host", Kind::Addr},
    {"Login-Service", Kind::Num, kLoginServices, 0}, {"Login-TCP-Port", Kind::Num}, {"Unassigned"},
    {"Reply-Message", Kind::String}, {"Callback-Number", Kind::String},
    {"Callback-Id", Kind::String}, {"Unassigned"}, {"Framed-Route", Kind::String},
    {"Framed-IPX-Network", Kind::Num}, {"State", Kind::String}, {"Class", Kind::String},
    {"Vendor-Specific", Kind::Vendor}, {"Session-Timeout", Kind::Num}, {"Idle-Timeout", Kind::Num},
    {"Termination-Action", Kind::Num, kTermination, 0},
    {"Called-Station-Id", Kind::String}, {"Calling-Station-Id", Kind::String},
    {"NAS-Identifier", Kind::String}, {"Proxy-State", Kind::String}, {"Login-LAT-Service", Kind::String},
    {"Login-LAT-Node", Kind::String}, {"Login-LAT-Group", Kind::String}, {"Framed-AppleTalk-Link", Kind::Num},
    {"Framed-AppleTalk-Network", Kind::Num}, {"Framed-AppleTalk-Zone", Kind::String},
    {"Acct-Status-Type", Kind::Num, kAcctStatus, 1}, {"Acct-Delay-Time", Kind::Num},
    {"Acct-Input-Octets", Kind::Num}, {"Acct-Output-Octets", Kind::Num}, {"Acct-Session-Id", Kind::String},
    {"Acct-Authentic", Kind::Num, kAcctAuth, 1}, {"Acct-Session-Time", Kind::Num},
    {"Acct-Input-Packets", Kind::Num}, {"Acct-Output-Packets", Kind::Num},
    {"Acct-Terminate-Cause", Kind::Num, kAcctTerm, 1},
    {"Acct-Multi-Session-Id", Kind::String}, {"Acct-Link-Count", Kind::Num},
    {"Acct-Input-Gigawords", Kind::Num}, {"Acct-Output-Gigawords", Kind::Num}, {"Unassigned"},
    {"Event-Timestamp", Kind::Time}, {"Egress-VLANID", Kind::Num},
    {"Ingress-Filters", Kind::Num, kIngressFilters, 1}, {"Egress-VLAN-Name", Kind::String},
    {"User-Priority-Table"},
    {"CHAP-Challenge", Kind::String}, {"NAS-Port-Type", Kind::Num, kPortTypes, 0}, {"Port-Limit", Kind::Num},
    {"Login-LAT-Port", Kind::String}, {"Tunnel-Type", Kind::Num, kTunnelTypes, 1},
    {"Tunnel-Medium-Type", Kind::Num, kTunnelMedia, 1}, {"Tunnel-Client-Endpoint", Kind::String},
    {"Tunnel-Server-Endpoint", Kind::String}, {"Acct-Tunnel-Connection", Kind::String},
    {"Tunnel-Password", Kind::String},
    {"ARAP-Password", Kind::Strange}, {"ARAP-Features", Kind::Strange},
    {"ARAP-Zone-Access", Kind::Num, kArapZones, 1}, {"ARAP-Security", Kind::String},
    {"ARAP-Security-Data", Kind::String}, {"Password-Retry", Kind::Num}, {"Prompt", Kind::Num, kPrompts, 0},
    {"Connect-Info", Kind::String}, {"Configuration-Token", Kind::String}, {"EAP-Message", Kind::String},
    {"Message-Authenticator", Kind::String}, {"Tunnel-Private-Group-ID", Kind::String},
    {"Tunnel-Assignment-ID", Kind::String}, {"Tunnel-Preference", Kind::Num},
    {"ARAP-Challenge-Response", Kind::Strange}, {"Acct-Interim-Interval", Kind::Num},
    {"Acct-Tunnel-Packets-Lost", Kind::Num}, {"NAS-Port-Id", Kind::String}, {"Framed-Pool", Kind::String},
    {"CUI", Kind::String},
    {"Tunnel-Client-Auth-ID", Kind::String}, {"Tunnel-Server-Auth-ID", Kind::String},
    {"NAS-Filter-Rule", Kind::String}, {"Unassigned"}, {"Originating-Line-Info"},
    {"NAS-IPv6-Address", Kind::Addr6}, {"Framed-Interface-ID"}, {"Framed-IPv6-Prefix", Kind::Prefix6},
    {"Login-IPv6-Host", Kind::Addr6}, {"Framed-IPv6-Route", Kind::String},
    {"Framed-IPv6-Pool", Kind::String}, {"Error-Cause", Kind::Strange}, {"EAP-Key-Name"},
    {"Digest-Response", Kind::String}, {"Digest-Realm", Kind::String}, {"Digest-Nonce", Kind::String},
    {"Digest-Response-Auth", Kind::String}, {"Digest-Nextnonce", Kind::String},
    {"Digest-Method", Kind::String}, {"Digest-URI", Kind::String},
    {"Digest-Qop", Kind::String}, {"Digest-Algorithm", Kind::String},
    {"Digest-Entity-Body-Hash", Kind::String}, {"Digest-CNonce", Kind::String},
    {"Digest-Nonce-Count", Kind::String}, {"Digest-Username", Kind::String}, {"Digest-Opaque", Kind::String},
    {"Digest-Auth-Param", Kind::String}, {"Digest-AKA-Auts", Kind::String}, {"Digest-Domain", Kind::String},
    {"Digest-Stale", Kind::String}, {"Digest-HA1", Kind::String}, {"SIP-AOR", Kind::String},
    {"Delegated-IPv6-Prefix", Kind::Prefix6}, {"MIP6-Feature-Vector", Kind::Vector64},
    {"MIP6-Home-Link-Prefix", Kind::HomeLink}, {"Operator-Name", Kind::OperatorName},
    {"Location-Information", Kind::LocationInfo}, {"Location-Data", Kind::LocationData},
    {"Basic-Location-Policy-Rules", Kind::PolicyRules}};
static_assert(std::size(kAttrs) == 130);

enum : std::uint8_t {
  kFramedIp = 8, kLoginHost = 14, kFramedIpx = 23, kSessionTimeout = 27, kIdleTimeout = 28,
  kAtalkLink = 37, kAtalkNetwork = 38, kAcctDelay = 41, kAcctSessionTime = 46, kEgressVlanId = 56,
  kEgressVlanName = 58, kTunnelType = 64, kTunnelMedium = 65, kTunnelClientEnd = 66, kTunnelServerEnd = 67,
  kTunnelPassword = 69, kArapPassword = 70, kArapFeatures = 71, kEapMessage = 79, kTunnelGroup = 81,
  kTunnelAssignId = 82, kTunnelPreference = 83, kArapChallenge = 84, kAcctInterval = 85,
  kTunnelClientAuth = 90, kTunnelServerAuth = 91, kErrorCause = 101
};

// An attribute's value: v the captured bytes from the value on (reads past
// `len` are checked against the capture, as tcpdump's GET_ macros are).
struct Value {
  Bytes v;
  std::uint32_t len;
  std::uint8_t type;
};

void length_error(Out& o, std::uint32_t len, std::string_view want) {
  o << "ERROR: length ";
  o.u(len) << want;
}

void printable(Out& o, std::uint8_t c) { o << (c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.'); }

// A tag byte (RFC 2868 3): "Tag[N] " or "Tag[Unused] ".
void tag(Out& o, std::uint8_t t) {
  if (t) o << "Tag[", o.u(t) << "] ";
  else o << "Tag[Unused] ";
}

void print_string(Out& o, Value a, std::string_view proto) {
  std::size_t at = 0;
  std::uint32_t len = a.len;
  switch (a.type) {
    case kTunnelPassword:
      if (len < 3) {
        o << " [|radius]";
        return;
      }
      if (sub(a.v, 0, 1)[0] && a.v[0] <= 0x1f) o << "Tag[", o.u(a.v[0]) << "] ";
      else o << "Tag[Unused] ";
      o << "Salt ";
      o.u(be16_at(a.v, 1)) << ' ';
      at = 3;
      break;
    case kTunnelClientEnd:
    case kTunnelServerEnd:
    case kTunnelGroup:
    case kTunnelAssignId:
    case kTunnelClientAuth:
    case kTunnelServerAuth:
      if (sub(a.v, 0, 1)[0] <= 0x1f) {
        tag(o, a.v[0]);
        at = 1;
      }
      break;
    case kEgressVlanName:
      name_or(o, kVlanTagged, sub(a.v, 0, 1)[0], "Unknown tag") << " (0x";
      o.hex(a.v[0], 2) << ") ";
      at = 1;
      break;
    case kEapMessage: return print_eap_packet(o, a.v, len, proto);
    default: break;
  }
  for (; at < len; ++at) {
    std::uint8_t c = sub(a.v, at, 1)[0];
    if (c == 0) break;
    printable(o, c);
  }
}

// Seconds as tcpdump's timeout forms: "NN secs", "MM:SS min", "HH:MM:SS hours".
void duration(Out& o, std::uint32_t t) {
  char buf[48];
  if (t < 60) std::snprintf(buf, sizeof buf, "%02d secs", static_cast<int>(t));
  else if (t < 3600) std::snprintf(buf, sizeof buf, "%02d:%02d min", static_cast<int>(t / 60), static_cast<int>(t % 60));
  else
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d hours", static_cast<int>(t / 3600),
                  static_cast<int>(t % 3600 / 60), static_cast<int>(t % 60));
  o << std::string_view(buf);
}

void print_num(Out& o, Value a, const Attr& attr) {
  if (a.len != 4) return length_error(o, a.len, " != 4");
  Bytes v = sub(a.v, 0, 4);
  std::uint32_t n = be32_at(v, 0), low24 = n & 0xffffff;
  if (!attr.values.empty()) {
    bool tagged = a.type == kTunnelType || a.type == kTunnelMedium;
    if (tagged) tag(o, v[0]);
    std::uint32_t x = tagged ? low24 : n;
    if (x >= attr.first && x < attr.values.size()) o << attr.values[x];
    else o << '#', o.u(x);
    return;
  }
  switch (a.type) {
    case kFramedIpx:
      if (n == 0xfffffffe) o << "NAS Select";
      else o.u(n);
      return;
    case kSessionTimeout:
    case kIdleTimeout:
    case kAcctDelay:
    case kAcctSessionTime:
    case kAcctInterval: return duration(o, n);
    case kAtalkLink:
    case kAtalkNetwork:
      if (n) o.u(n);
      else o << (a.type == kAtalkLink ? "Unnumbered" : "NAS assigned");
      return;
    case kTunnelPreference:
      tag(o, v[0]);
      o.u(low24);
      return;
    case kEgressVlanId:
      name_or(o, kVlanTagged, v[0], "Unknown tag") << " (0x";
      o.hex(v[0], 2) << ") ";
      o.u(low24);
      return;
    default: o.u(n); return;
  }
}

void print_address(Out& o, Value a) {
  if (a.len != 4) return length_error(o, a.len, " != 4");
  Bytes v = sub(a.v, 0, 4);
  std::uint32_t n = be32_at(v, 0);
  bool special = a.type == kFramedIp || a.type == kLoginHost;
  if (special && n == 0xffffffff) o << "User Selected";
  else if (special && n == 0xfffffffe) o << "NAS Select";
  else o.ip4(v);
}

void print_prefix6(Out& o, Value a) {
  if (a.len < 2 || a.len > 18) {
    o << "ERROR: length ";
    o.u(a.len) << " not in range (2..18)";
    return;
  }
  Bytes v = sub(a.v, 0, a.len);
  if (v[1] > 128) {
    o << "ERROR: netmask ";
    o.u(v[1]) << " not in range (0..128)";
    return;
  }
  std::uint8_t addr[16] = {};
  std::copy(v.begin() + 2, v.end(), addr);
  o.ip6(Bytes(addr, 16)) << '/';
  o.u(v[1]);
  if (v[1] > 8 * (a.len - 2)) o << " (inconsistent prefix length)";
}

// ctime()'s form of a Unix time, in UTC as the conformance runs (TZ=GMT0).
void unix_time(Out& o, std::uint32_t secs) {
  std::time_t t = secs;
  std::tm tm{};
  char buf[64];
  if (gmtime_r(&t, &tm) && std::strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Y", &tm)) o << std::string_view(buf);
}

void print_strange(Out& o, Value a) {
  auto hex = [&](std::size_t at, std::size_t n) {
    for (auto c : sub(a.v, at, n)) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%02X", c);  // tcpdump's PRINT_HEX: upper case
      o << std::string_view(buf, 2);
    }
  };
  switch (a.type) {
    case kArapPassword:
      if (a.len != 16) return length_error(o, a.len, " != 16");
      o << "User_challenge (";
      hex(0, 8);
      o << ") User_resp(";
      hex(8, 8);
      o << ')';
      return;
    case kArapFeatures:
      if (a.len != 14) return length_error(o, a.len, " != 14");
      o << (sub(a.v, 0, 1)[0] ? "User can change password" : "User cannot change password");
      o << ", Min password length: ";
      o.u(sub(a.v, 1, 1)[0]) << ", created at: ";
      hex(2, 4);
      o << ", expires in: ";
      hex(6, 4);
      o << ", Current Time: ";
      hex(10, 4);
      return;
    case kArapChallenge:
      if (a.len < 8) return length_error(o, a.len, " != 8");
      return hex(0, 8);
    case kErrorCause: {
      if (a.len != 4) {
        o << "Error: length ";
        o.u(a.len) << " != 4";
        return;
      }
      std::uint32_t cause = be32_at(a.v, 0);
      o << "Error cause ";
      o.u(cause) << ": ";
      tok_print(o, kErrorCauses, cause, "Error-Cause ", " not known");
      return;
    }
    default: return;
  }
}

void print_vendor(Out& o, Value a) {
  if (a.len < 4) return void(o << " [|radius]");
  std::uint32_t vendor = be32_at(a.v, 0);
  o << "Vendor: Unknown (";  // tcpdump names SMI enterprises; netlab has no such table
  o.u(vendor) << ')';
  std::size_t at = 4;
  std::uint32_t left = a.len - 4;
  while (left >= 2) {
    std::uint8_t type = sub(a.v, at, 1)[0], len = sub(a.v, at + 1, 1)[0];
    o << "\n\t    Vendor Attribute: ";
    o.u(type) << ", Length: ";
    o.u(len);
    if (len < 2) return void(o << " (bogus, must be >= 2)");
    if (len > left) return void(o << " (bogus, goes past end of vendor-specific attribute)");
    o << ", Value: ";
    for (auto c : sub(a.v, at + 2, len - 2u)) printable(o, c);
    at += len;
    left -= len;
  }
}

void print_vector64(Out& o, Value a) {
  if (a.len != 8) return length_error(o, a.len, " != 8");
  std::uint64_t v = std::uint64_t(be32_at(a.v, 0)) << 32 | be32_at(a.v, 4);
  std::string_view sep;
  o << '[';
  for (const auto& [bit, name] : kMip6Features)
    if (v & bit) o << sep << name, sep = ", ";
  o << ']';
}

}  // namespace

namespace {

// tcpdump's nd_printn: up to n characters as far as captured.
void printn(Out& o, Bytes b, std::size_t at, std::size_t n) {
  for (std::size_t k = at; k < at + n && k < b.size(); ++k) print_char(o, b[k]);
}

void print_home_link(Out& o, Value a) {
  if (a.len != 17) return length_error(o, a.len, " != 17");
  Bytes v = sub(a.v, 0, 17);
  if (v[0] > 128) {
    o << "ERROR: netmask ";
    o.u(v[0]) << " not in range (0..128)";
    return;
  }
  o.ip6(v.subspan(1, 16)) << '/';
  o.u(v[0]);
}

void print_operator_name(Out& o, Value a) {
  Bytes v = sub(a.v, 0, a.len);
  if (a.len < 2) return length_error(o, a.len, " < 2");
  o << '[';
  tok_print(o, kOperatorNamespaces, v[0], "unknown namespace ") << "] ";
  printn(o, v, 1, a.len - 1);
}

void print_location_info(Out& o, Value a) {
  Bytes v = sub(a.v, 0, a.len);
  if (a.len < 21) return length_error(o, a.len, " < 21");
  o << "index ";
  o.u(be16_at(v, 0)) << ", code ";
  tok_print(o, kLocationCodes, v[2], "Unknown (", ")") << ", entity ";
  tok_print(o, kLocationEntities, v[3], "Unknown (", ")") << ", sighting time ";
  print_ntp_time(o, v, 4);
  o << ", time to live ";
  print_ntp_time(o, v, 12);
  o << ", method \"";
  printn(o, v, 20, a.len - 20);
  o << '"';
}

void print_location_data(Out& o, Value a) {
  Bytes v = sub(a.v, 0, a.len);
  if (a.len < 3) return length_error(o, a.len, " < 3");
  o << "index ";
  o.u(be16_at(v, 0)) << ", location";
  std::string dump;
  Out d(dump);
  hex_dump(d, v.subspan(2), true);
  for (char c : dump) {  // tcpdump's hex_and_ascii_print with the indent "\n\t    "
    o << c;
    if (c == '\t') o << "    ";
  }
}

void print_policy_rules(Out& o, Value a) {
  Bytes v = sub(a.v, 0, a.len);
  if (a.len < 10) return length_error(o, a.len, " < 10");
  std::uint16_t flags = be16_at(v, 0);
  o << "flags [";
  if (!flags) o << "none";
  for (int bit = 15, first = 1; bit >= 0; --bit) {
    if (!(flags >> (15 - bit) & 1)) continue;  // tcpdump's table order: 0x0001 (MBZ-15) first
    o << (first ? "" : ", ");
    if (bit == 0) o << "Retransmission Allowed";
    else o << "MBZ-", o.u(static_cast<unsigned>(bit));
    first = 0;
  }
  o << "], retention expires ";
  print_ntp_time(o, v, 2);
  if (a.len > 10) {
    o << ", note well \"";
    printn(o, v, 10, a.len - 10);
    o << '"';
  }
}

void print_value(Out& o, Value a, std::string_view proto) {
  const Attr& attr = kAttrs[a.type];
  switch (attr.kind) {
    case Kind::None: return;
    case Kind::String: return print_string(o, a, proto);
    case Kind::Num: return print_num(o, a, attr);
    case Kind::Addr: return print_address(o, a);
    case Kind::Addr6:
      if (a.len != 16) return length_error(o, a.len, " != 16");
      o.ip6(sub(a.v, 0, 16));
      return;
    case Kind::Prefix6: return print_prefix6(o, a);
    case Kind::Time:
      if (a.len != 4) return length_error(o, a.len, " != 4");
      return unix_time(o, be32_at(a.v, 0));
    case Kind::Strange: return print_strange(o, a);
    case Kind::Vendor: return print_vendor(o, a);
    case Kind::Vector64: return print_vector64(o, a);
    case Kind::HomeLink: return print_home_link(o, a);
    case Kind::OperatorName: return print_operator_name(o, a);
    case Kind::LocationInfo: return print_location_info(o, a);
    case Kind::LocationData: return print_location_data(o, a);
    case Kind::PolicyRules: return print_policy_rules(o, a);
  }
}

// The attributes from m[kHeader] on, left bytes of the RADIUS length.
void print_attrs(PrintCtx& p, Bytes m, std::uint32_t left) {
  Out& o = p.o;
  std::size_t at = kHeader;
  while (left > 0) {
    if (left < 2) return void(o << " [|radius]");
    Bytes h = sub(m, at, 2);
    std::uint8_t type = h[0], len = h[1];
    std::string_view name = type != 0 && type < std::size(kAttrs) ? kAttrs[type].name : "Unknown";
    o << "\n\t  " << name << " Attribute (";
    o.u(type) << "), length: ";
    o.u(len);
    if (len < 2) return void(o << " (bogus, must be >= 2)");
    if (len > left) return void(o << " (bogus, goes past end of packet)");
    o << ", Value: ";
    Bytes v = m.subspan(at + 2);
    if (type < std::size(kAttrs) && len > 2) print_value(o, Value{v, len - 2u, type}, "radius");
    if (p.opt.verbose > 1) print_unknown_data(o, v, len - 2u, "\n\t    ");
    at += len;
    left -= len;
  }
}

}  // namespace

void decode_radius(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "radius";
  auto& s = c.d.push<RadiusL>();
  s.msg = r.rest();
  s.length = length;
  if (s.msg.size() < kHeader) c.d.last()->status = Status::Truncated;
  else if (be16_at(s.msg, 2) < kHeader) c.d.last()->status = Status::Invalid;
}

void print_radius(PrintCtx& p, std::size_t i) {
  p.proto = "radius";
  const auto& s = at<RadiusL>(p.d, i);
  Out& o = p.o;
  Bytes m = sub(s.msg, 0, kHeader);
  std::uint32_t len = be16_at(m, 2);
  if (len < kHeader) return void(o << " [|radius]");
  len = std::min(len, s.length);
  if (!p.opt.verbose) {
    o << "RADIUS, ";
    name_or(o, kCodes, m[0], "Unknown Command") << " (";
    o.u(m[0]) << "), id: 0x";
    o.hex(m[1], 2) << " length: ";
    o.u(len);
    return;
  }
  o << "RADIUS, length: ";
  o.u(len) << "\n\t";
  name_or(o, kCodes, m[0], "Unknown Command") << " (";
  o.u(m[0]) << "), id: 0x";
  o.hex(m[1], 2) << ", Authenticator: ";
  for (auto c : m.subspan(4, 16)) o.hex(c, 2);
  if (len > kHeader) print_attrs(p, s.msg, len - static_cast<std::uint32_t>(kHeader));
}

// An attribute's value typed by its kind, as a reader of -j wants it: text
// for a printable string, a number with its standard name, an address. What
// has no such form (binary strings, vendor data, odd lengths) is "value_hex".
void json_value(JsonWriter& w, std::uint8_t type, Bytes v) {
  const Attr& attr = type < std::size(kAttrs) ? kAttrs[type] : kAttrs[0];
  switch (attr.kind) {
    case Kind::String:
      if (!v.empty() && std::all_of(v.begin(), v.end(), [](std::uint8_t c) { return c >= 0x20 && c < 0x7f; })) {
        w.member("value", std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
        return;
      }
      break;
    case Kind::Num:
    case Kind::Time:
      if (v.size() == 4) {
        std::uint32_t n = be32_at(v, 0);
        bool tagged = type == kTunnelType || type == kTunnelMedium || type == kTunnelPreference;
        if (tagged) w.member("tag", v[0]);
        std::uint32_t x = tagged ? n & 0xffffff : n;
        w.member("value", x);
        if (x >= attr.first && x < attr.values.size()) w.member("value_name", attr.values[x]);
        return;
      }
      break;
    case Kind::Addr:
      if (v.size() == 4) return w.member("value", ip4_text(v));
      break;
    case Kind::Addr6:
      if (v.size() == 16) return w.member("value", ip6_text(v));
      break;
    default: break;
  }
  w.member("value_hex", hex_text(v));
}

// The header and each attribute's type, name and length, as far as the
// RADIUS length and the capture go.
void json_radius(JsonWriter& w, const RadiusL& l) {
  w.member("layer", "radius");
  w.member("length", l.length);
  Bytes m = l.msg;
  if (m.size() < kHeader) {
    w.member("truncated", true);
    return;
  }
  std::uint32_t len = std::min<std::uint32_t>(be16_at(m, 2), l.length);
  w.member("code", m[0]);
  w.member("code_name", tok_name(kCodes, m[0]));
  w.member("id", m[1]);
  w.member("radius_length", be16_at(m, 2));
  w.member("authenticator", hex_text(m.subspan(4, 16)));
  if (len < kHeader) return;
  w.key("attributes");
  w.begin_array();
  std::size_t at = kHeader;
  while (at + 2 <= len && at + 2 <= m.size()) {
    std::uint8_t type = m[at], alen = m[at + 1];
    w.begin_object();
    w.member("type", type);
    w.member("name", type != 0 && type < std::size(kAttrs) ? kAttrs[type].name : "Unknown");
    w.member("length", alen);
    if (alen >= 2 && at + alen <= len && at + alen <= m.size()) json_value(w, type, m.subspan(at + 2, alen - 2u));
    w.end_object();
    if (alen < 2) break;
    at += alen;
  }
  w.end_array();
}

}  // namespace netlab::proto
