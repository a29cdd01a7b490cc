// LLDP: IEEE 802.1AB-2016 clause 8 (the LLDPDU and its basic TLVs), annex
// D (IEEE 802.1 organizationally specific TLVs, with the 802.1Q DCB and EVB
// ones), annex E (IEEE 802.3), ANSI/TIA-1057 (LLDP-MED) and RFC 8520 (the
// IANA MUD URL). The TLV list is walked by options.hpp's TlvWalker
// (kLldpTlvs); the text follows tcpdump 4.99.3's print-lldp.c, whose -v
// output names every TLV and whose -vv adds each TLV's bytes.
#include "proto/proto.hpp"

#include <cstdio>

namespace netlab::proto {
namespace {

constexpr std::uint8_t kEnd = 0, kChassisId = 1, kPortId = 2, kTtl = 3, kPortDescr = 4, kSysName = 5,
                       kSysDescr = 6, kSysCap = 7, kMgmtAddr = 8, kOrg = 127;
constexpr std::uint32_t kOui8021 = 0x0080c2, kOui8023 = 0x00120f, kOuiIana = 0x00005e, kOuiTia = 0x0012bb;

constexpr Tok kTlvNames[] = {{kEnd, "End"},
                             {kChassisId, "Chassis ID"},
                             {kPortId, "Port ID"},
                             {kTtl, "Time to Live"},
                             {kPortDescr, "Port Description"},
                             {kSysName, "System Name"},
                             {kSysDescr, "System Description"},
                             {kSysCap, "System Capabilities"},
                             {kMgmtAddr, "Management Address"},
                             {kOrg, "Organization specific"}};
constexpr Tok kChassisSubtypes[] = {{1, "Chassis component"}, {2, "Interface alias"}, {3, "Port component"},
                                    {4, "MAC address"},       {5, "Network address"}, {6, "Interface name"},
                                    {7, "Local"}};
constexpr Tok kPortSubtypes[] = {{1, "Interface alias"}, {2, "Port component"},   {3, "MAC address"},
                                 {4, "Network Address"}, {5, "Interface Name"},   {6, "Agent circuit ID"},
                                 {7, "Local"}};
constexpr Tok kCapabilities[] = {{0x01, "Other"},  {0x02, "Repeater"},  {0x04, "Bridge"}, {0x08, "WLAN AP"},
                                 {0x10, "Router"}, {0x20, "Telephone"}, {0x40, "Docsis"}, {0x80, "Station Only"}};
constexpr Tok k8021Subtypes[] = {{1, "Port VLAN Id"},
                                 {2, "Port and Protocol VLAN ID"},
                                 {3, "VLAN name"},
                                 {4, "Protocol Identity"},
                                 {7, "Link aggregation"},
                                 {8, "Congestion Notification"},
                                 {9, "ETS Configuration"},
                                 {10, "ETS Recommendation"},
                                 {11, "Priority Flow Control Configuration"},
                                 {12, "Application Priority"},
                                 {13, "EVB"},
                                 {14, "CDCP"}};
constexpr Tok kPpvidFlags[] = {{0x02, "supported"}, {0x04, "enabled"}};
constexpr Tok k8023Subtypes[] = {
    {1, "MAC/PHY configuration/status"}, {2, "Power via MDI"}, {3, "Link aggregation"}, {4, "Max frame size"}};
constexpr Tok kAutoneg[] = {{0x01, "supported"}, {0x02, "enabled"}};
constexpr Tok kPmdCaps[] = {{1u << 14, "10BASE-T hdx"},
                            {1u << 13, "10BASE-T fdx"},
                            {1u << 12, "100BASE-T4"},
                            {1u << 11, "100BASE-TX hdx"},
                            {1u << 10, "100BASE-TX fdx"},
                            {1u << 9, "100BASE-T2 hdx"},
                            {1u << 8, "100BASE-T2 fdx"},
                            {1u << 7, "Pause for fdx links"},
                            {1u << 6, "Asym PAUSE for fdx"},
                            {1u << 5, "Sym PAUSE for fdx"},
                            {1u << 4, "Asym and Sym PAUSE for fdx"},
                            {1u << 3, "1000BASE-{X LX SX CX} hdx"},
                            {1u << 2, "1000BASE-{X LX SX CX} fdx"},
                            {1u << 1, "1000BASE-T hdx"},
                            {1u << 0, "1000BASE-T fdx"}};
// RFC 3636 dot3MauType.
constexpr Tok kMauTypes[] = {
    {0, "Unknown"},        {1, "AUI"},           {2, "10BASE_5"},       {3, "FOIRL"},         {4, "10BASE2"},
    {5, "10BASET duplex mode unknown"},          {6, "10BASEFP"},       {7, "10BASEFB"},
    {8, "10BASEFL duplex mode unknown"},         {9, "10BROAD36"},      {10, "10BASET hdx"},  {11, "10BASET fdx"},
    {12, "10BASEFL hdx"},  {13, "10BASEFL fdx"}, {14, "100BASET4"},     {15, "100BASETX hdx"}, {16, "100BASETX fdx"},
    {17, "100BASEFX hdx"}, {18, "100BASEFX fdx"}, {19, "100BASET2 hdx"}, {20, "100BASET2 fdx"},
    {21, "1000BASEX hdx"}, {22, "1000BASEX fdx"}, {23, "1000BASELX hdx"}, {24, "1000BASELX fdx"},
    {25, "1000BASESX hdx"}, {26, "1000BASESX fdx"}, {27, "1000BASECX hdx"}, {28, "1000BASECX fdx"},
    {29, "1000BASET hdx"}, {30, "1000BASET fdx"}, {31, "10GBASEX"},      {32, "10GBASELX4"},   {33, "10GBASER"},
    {34, "10GBASEER"},     {35, "10GBASELR"},     {36, "10GBASESR"},     {37, "10GBASEW"},     {38, "10GBASEEW"},
    {39, "10GBASELW"},     {40, "10GBASESW"}};
constexpr Tok kMdi[] = {{0x01, "PSE"}, {0x02, "supported"}, {0x04, "enabled"}, {0x08, "can be controlled"}};
constexpr Tok kMdiPairs[] = {{1, "signal"}, {2, "spare"}};
constexpr Tok kMdiClasses[] = {{1, "class0"}, {2, "class1"}, {3, "class2"}, {4, "class3"}, {5, "class4"}};
constexpr Tok kAggregation[] = {{0x01, "supported"}, {0x02, "enabled"}};
constexpr Tok kEvbModes[] = {
    {0, "Not Supported"}, {1, "EVB Bridge"}, {2, "EVB Staion"}, {3, "Reserved for future Standardization"}};
constexpr Tok kIanaSubtypes[] = {{1, "MUD-URL"}};
constexpr Tok kTiaSubtypes[] = {{1, "LLDP-MED Capabilities"},
                                {2, "Network policy"},
                                {3, "Location identification"},
                                {4, "Extended power-via-MDI"},
                                {5, "Inventory - hardware revision"},
                                {6, "Inventory - firmware revision"},
                                {7, "Inventory - software revision"},
                                {8, "Inventory - serial number"},
                                {9, "Inventory - manufacturer name"},
                                {10, "Inventory - model name"},
                                {11, "Inventory - asset ID"}};
constexpr Tok kTiaCaps[] = {{0x01, "LLDP-MED capabilities"},      {0x02, "network policy"},
                            {0x04, "location identification"},    {0x08, "extended power via MDI-PSE"},
                            {0x10, "extended power via MDI-PD"},  {0x20, "Inventory"}};
constexpr Tok kTiaDevices[] = {
    {1, "endpoint class 1"}, {2, "endpoint class 2"}, {3, "endpoint class 3"}, {4, "network connectivity"}};
constexpr Tok kTiaApps[] = {{1, "voice"},           {2, "voice signaling"},    {3, "guest voice"},
                            {4, "guest voice signaling"}, {5, "softphone voice"}, {6, "video conferencing"},
                            {7, "streaming video"}, {8, "video signaling"}};
constexpr Tok kTiaPolicyBits[] = {{0x80, "Unknown"}, {0x40, "Tagged"}, {0x20, "reserved"}};
constexpr Tok kTiaPowerSources[] = {
    {1, "PSE - primary power source"}, {2, "local - backup power source"}, {3, "PSE+local - reserved"}};
constexpr Tok kTiaPowerPriorities[] = {{1, "critical"}, {2, "high"}, {3, "low"}};
constexpr Tok kTiaInventory[] = {{5, "Hardware revision"}, {6, "Firmware revision"}, {7, "Software revision"},
                                 {8, "Serial number"},     {9, "Manufacturer name"}, {10, "Model name"},
                                 {11, "Asset ID"}};
constexpr Tok kIfNumbering[] = {{2, "Interface Index"}, {3, "System Port Number"}};

// tcpdump's bittok2str: names of the set bits, ", "-separated, or `none`.
void bits(Out& o, std::span<const Tok> table, std::uint32_t v, std::string_view none) {
  bool any = false;
  for (const auto& t : table) {
    if (!(v & t.value)) continue;
    o << (any ? ", " : "") << t.name;
    any = true;
  }
  if (!any) o << none;
}

std::string_view name_or(std::span<const Tok> table, std::uint32_t v, std::string_view fallback) {
  auto n = tok_name(table, v);
  return n.empty() ? fallback : n;
}

// tcpdump's nd_printzp: up to n characters, stopping after a NUL.
void printzp(Out& o, Bytes b) {
  for (auto c : b) {
    if (c == 0) break;
    print_char(o, c);
  }
}

// tcpdump's hex_print: "<indent>0x0000: " and 16 bytes a line as 2-byte words.
void hex_lines(Out& o, std::string_view indent, Bytes b) {
  std::size_t k = 0;
  for (; k + 1 < b.size(); k += 2) {
    if (k % 16 == 0) {
      o << indent << "0x";
      o.hex(k, 4) << ": ";
    }
    o << ' ';
    o.hex(b[k], 2).hex(b[k + 1], 2);
  }
  if (k < b.size()) {
    if (k % 16 == 0) {
      o << indent << "0x";
      o.hex(k, 4) << ": ";
    }
    o << ' ';
    o.hex(b[k], 2);
  }
}

std::uint8_t at8(Bytes b, std::size_t off) { return sub(b, off, 1)[0]; }

// "AFI IPv4 (1): 192.0.2.1"; false when the address is shorter than its family says.
bool network_address(Out& o, Bytes a) {
  if (a.empty()) return false;
  std::uint8_t af = a[0];
  Bytes rest = a.subspan(1);
  o << "AFI " << name_or(address_families(), af, "Unknown") << " (";
  o.u(af) << ')';
  switch (af) {
    case 1:
      if (rest.size() < 4) return false;
      o << ": ";
      o.ip4(rest.first(4));
      return true;
    case 2:
      if (rest.size() < 16) return false;
      o << ": ";
      o.ip6(rest.first(16));
      return true;
    case 6:
      if (rest.size() < 6) return false;
      o << ": ";
      o.mac(rest.first(6));
      return true;
    default:
      o << ", no AF printer !";
      return true;
  }
}

// The address checks come before anything is printed (tcpdump builds the
// text in a buffer first).
bool network_address_ok(Bytes a) {
  if (a.empty()) return false;
  switch (a[0]) {
    case 1: return a.size() >= 5;
    case 2: return a.size() >= 17;
    case 6: return a.size() >= 7;
    default: return true;
  }
}

void priority_values(Out& o, std::uint8_t v) {
  for (int k = 0; k < 8; ++k) {
    o.u((v >> k) & 1u) << "  ";
  }
}

void three_wide(Out& o, std::uint32_t v) {
  std::size_t mark = o.str().size();
  o.u(v);
  for (std::size_t w = o.str().size() - mark; w < 3; ++w) o << ' ';
}

void eight_values(Out& o, std::string_view title, std::string_view head, std::string_view label, Bytes v) {
  o << title << head << label;
  for (std::size_t k = 0; k < 8; ++k) {
    if (k) o << ' ';
    three_wide(o, v[k]);
  }
}

// The heading every organisation TLV starts with: its subtype by name and number.
void org_subtype_heading(Out& o, std::span<const Tok> names, std::uint8_t subtype) {
  o << "\n\t  " << name_or(names, subtype, "unknown") << " Subtype (";
  o.u(subtype) << ')';
}

// Link aggregation status and port (802.1AX): the same TLV body under 802.3
// (subtype 3, the old place) and 802.1 (subtype 7, where 802.1AB-2009 moved it).
bool aggregation(Out& o, Bytes t) {
  if (t.size() < 9) return false;
  o << "\n\t    aggregation status [";
  bits(o, kAggregation, t[4], "none");
  o << "], aggregation port ID ";
  o.u(be32_at(t, 5));
  return false;
}

// 802.1 VLAN TLVs (802.1AB annex D): PVID, PPVID, VLAN name, protocol identity.
bool org_8021_vlan(Out& o, Bytes t, std::uint8_t subtype) {
  std::size_t len = t.size();
  switch (subtype) {
    case 1:
      if (len < 6) return false;
      o << "\n\t    port vlan id (PVID): ";
      o.u(be16_at(t, 4));
      return false;
    case 2:
      if (len < 7) return false;
      o << "\n\t    port and protocol vlan id (PPVID): ";
      o.u(be16_at(t, 5)) << ", flags [";
      bits(o, kPpvidFlags, t[4], "none");
      o << "] (0x";
      o.hex(t[4], 2) << ')';
      return false;
    case 3: {
      if (len < 6) return false;
      o << "\n\t    vlan id (VID): ";
      o.u(be16_at(t, 4));
      if (len < 7) return false;
      std::size_t n = t[6];
      if (len < 7 + n) return false;
      o << "\n\t    vlan name: ";
      printzp(o, t.subspan(7, n));
      return false;
    }
    default: {  // 4: protocol identity
      if (len < 5) return false;
      std::size_t n = t[4];
      if (len < 5 + n) return false;
      o << "\n\t    protocol identity: ";
      printzp(o, t.subspan(5, n));
      return false;
    }
  }
}

// 802.1Qaz ETS configuration (9) and recommendation (10): the same three
// tables, only the first byte differs.
bool org_8021_ets(Out& o, Bytes t, std::uint8_t subtype) {
  if (t.size() < 25) return false;
  std::uint8_t v = t[4];
  if (subtype == 9) {
    o << "\n\t    Willing:";
    o.u(v >> 7) << ", CBS:";
    o.u((v >> 6) & 0x02) << ", RES:";
    o.u((v >> 3) & 0x07) << ", Max TCs:";
    o.u(v & 0x07);
  } else {
    o << "\n\t    RES: ";
    o.u(v);
  }
  std::uint8_t pri[8];
  for (int k = 0; k < 4; ++k) {
    pri[2 * k] = t[5 + k] >> 4;
    pri[2 * k + 1] = t[5 + k] & 0x0f;
  }
  eight_values(o, "\n\t    Priority Assignment Table", "\n\t     Priority : 0   1   2   3   4   5   6   7",
               "\n\t     Value    : ", Bytes(pri, 8));
  eight_values(o, "\n\t    TC Bandwidth Table", "\n\t     TC%   : 0   1   2   3   4   5   6   7",
               "\n\t     Value : ", t.subspan(9, 8));
  eight_values(o, "\n\t    TSA Assignment Table", "\n\t     Traffic Class: 0   1   2   3   4   5   6   7",
               "\n\t     Value        : ", t.subspan(17, 8));
  return false;
}

// The other DCB TLVs (802.1Qau congestion notification 8, 802.1Qaz PFC 11
// and application priority 12).
bool org_8021_dcb(Out& o, Bytes t, std::uint8_t subtype) {
  std::size_t len = t.size();
  switch (subtype) {
    case 8:
      if (len < 6) return false;
      o << "\n\t    Pre-Priority CNPV Indicator\n\t     Priority : 0  1  2  3  4  5  6  7\n\t     Value    : ";
      priority_values(o, t[4]);
      o << "\n\t    Pre-Priority Ready Indicator\n\t     Priority : 0  1  2  3  4  5  6  7\n\t     Value    : ";
      priority_values(o, t[5]);
      return false;
    case 11: {
      if (len < 6) return false;
      std::uint8_t v = t[4];
      o << "\n\t    Willing: ";
      o.u(v >> 7) << ", MBC: ";
      o.u((v >> 6) & 1) << ", RES: ";
      o.u((v >> 4) & 3) << ", PFC cap:";
      o.u(v & 0x0f) << " \n\t    PFC Enable\n\t     Priority : 0  1  2  3  4  5  6  7\n\t     Value    : ";
      priority_values(o, t[5]);
      return false;
    }
    default: {  // 12: application priority
      if (len < 5) return false;
      o << "\n\t    RES: ";
      o.u(t[4]);
      if (len <= 5) return false;
      std::size_t n = len - 5;
      if (n % 3) return false;
      o << "\n\t    Application Priority Table";
      for (std::size_t k = 0; k < n; k += 3) {
        std::uint8_t v = t[5 + k];
        o << "\n\t      Priority: ";
        o.u(v >> 5) << ", RES: ";
        o.u((v >> 3) & 3) << ", Sel: ";
        o.u(v & 7) << ", Protocol ID: ";
        o.u(be16_at(t, 5 + k + 1));
      }
      return false;
    }
  }
}

// 802.1Qbg EVB (13): the bridge's and the station's status and timers.
bool org_8021_evb(Out& o, Bytes t) {
  if (t.size() < 9) return false;
  std::uint8_t v = t[4];
  o << "\n\t    EVB Bridge Status\n\t      RES: ";
  o.u(v >> 3) << ", BGID: ";
  o.u((v >> 2) & 1) << ", RRCAP: ";
  o.u((v >> 1) & 1) << ", RRCTR: ";
  o.u(v & 1);
  v = t[5];
  o << "\n\t    EVB Station Status\n\t      RES: ";
  o.u(v >> 4) << ", SGID: ";
  o.u((v >> 3) & 1) << ", RRREQ: ";
  o.u((v >> 2) & 1) << ",RRSTAT: ";
  o.u(v & 3);
  v = t[6];
  o << "\n\t    R: ";
  o.u(v >> 5) << ", RTE: ";
  o.u(v & 0x1f) << ", ";
  v = t[7];
  o << "EVB Mode: " << name_or(kEvbModes, v >> 6, "unknown") << " [";
  o.u(v >> 6) << "]\n\t    ROL: ";
  o.u((v >> 5) & 1) << ", RWD: ";
  o.u(v & 0x1f) << ", ";
  v = t[8];
  o << "RES: ";
  o.u(v >> 6) << ", ROL: ";
  o.u((v >> 5) & 1) << ", RKA: ";
  o.u(v & 0x1f);
  return false;
}

// 802.1Qbg CDCP (14): the role and capacity, then S-channel ID / S-VID pairs.
bool org_8021_cdcp(Out& o, Bytes t) {
  std::size_t len = t.size();
  if (len < 8) return false;
  std::uint8_t v = t[4];
  o << "\n\t    Role: ";
  o.u(v >> 7) << ", RES: ";
  o.u((v >> 4) & 7) << ", Scomp: ";
  o.u((v >> 3) & 1) << " ChnCap: ";
  o.u(be16_at(t, 6) & 0x0fff);
  std::size_t n = len - 8;
  if (n % 3) return false;
  for (std::size_t k = 0; k < n; k += 3) {
    std::uint32_t x = std::uint32_t(t[8 + k]) << 16 | std::uint32_t(t[9 + k]) << 8 | t[10 + k];
    o << "\n\t    SCID: ";
    o.u(x >> 12) << ", SVID: ";
    o.u(x & 0xfff);
  }
  return false;
}

// IEEE 802.1 (802.1AB annex D, 802.1Q DCB and EVB TLVs); true: dump the bytes.
// One printer per family of subtypes, as the standards group them.
bool org_8021(Out& o, Bytes t) {
  if (t.size() < 4) return false;
  std::uint8_t subtype = t[3];
  org_subtype_heading(o, k8021Subtypes, subtype);
  switch (subtype) {
    case 1: case 2: case 3: case 4: return org_8021_vlan(o, t, subtype);
    case 7: return aggregation(o, t);  // 802.1AX link aggregation, moved here from the 802.3 TLVs
    case 8: case 11: case 12: return org_8021_dcb(o, t, subtype);
    case 9: case 10: return org_8021_ets(o, t, subtype);
    case 13: return org_8021_evb(o, t);
    case 14: return org_8021_cdcp(o, t);
    default: return true;
  }
}

// IEEE 802.3 (802.1AB annex E / 802.3 clause 79).
bool org_8023(Out& o, Bytes t) {
  std::size_t len = t.size();
  if (len < 4) return false;
  std::uint8_t subtype = t[3];
  org_subtype_heading(o, k8023Subtypes, subtype);
  switch (subtype) {
    case 1: {
      if (len < 9) return false;
      o << "\n\t    autonegotiation [";
      bits(o, kAutoneg, t[4], "none");
      o << "] (0x";
      o.hex(t[4], 2) << ")\n\t    PMD autoneg capability [";
      std::uint16_t pmd = be16_at(t, 5);
      bits(o, kPmdCaps, pmd, "unknown");
      o << "] (0x";
      o.hex(pmd, 4) << ")\n\t    MAU type ";
      std::uint16_t mau = be16_at(t, 7);
      o << name_or(kMauTypes, mau, "unknown") << " (0x";
      o.hex(mau, 4) << ')';
      return false;
    }
    case 2:
      if (len < 7) return false;
      o << "\n\t    MDI power support [";
      bits(o, kMdi, t[4], "none");
      o << "], power pair " << name_or(kMdiPairs, t[5], "unknown") << ", power class "
        << name_or(kMdiClasses, t[6], "unknown");
      return false;
    case 3:
      return aggregation(o, t);
    case 4:
      if (len < 6) return false;
      o << "\n\t    MTU size ";
      o.u(be16_at(t, 4));
      return false;
    default:
      return true;
  }
}

bool org_iana(Out& o, Bytes t) {
  if (t.size() < 8) return false;
  std::uint8_t subtype = t[3];
  org_subtype_heading(o, kIanaSubtypes, subtype);
  if (subtype != 1) return true;
  o << "\n\t  MUD-URL=";
  for (auto c : t.subspan(4)) print_char(o, c);
  return false;
}

// ANSI/TIA-1057 LLDP-MED; the location TLV is dumped as bytes.
bool org_tia(Out& o, Bytes t) {
  std::size_t len = t.size();
  if (len < 4) return false;
  std::uint8_t subtype = t[3];
  org_subtype_heading(o, kTiaSubtypes, subtype);
  switch (subtype) {
    case 1: {
      if (len < 7) return false;
      std::uint16_t caps = be16_at(t, 4);
      o << "\n\t    Media capabilities [";
      bits(o, kTiaCaps, caps, "none");
      o << "] (0x";
      o.hex(caps, 4) << ")\n\t    Device type [" << name_or(kTiaDevices, t[6], "unknown") << "] (0x";
      o.hex(t[6], 2) << ')';
      return false;
    }
    case 2: {
      if (len < 8) return false;
      o << "\n\t    Application type [" << name_or(kTiaApps, t[4], "none") << "] (0x";
      o.hex(t[4], 2) << "), Flags [";
      bits(o, kTiaPolicyBits, t[5], "none");
      o << "]\n\t    Vlan id ";
      o.u((be16_at(t, 5) & 0x1ffe) >> 1) << ", L2 priority ";
      o.u((be16_at(t, 6) & 0x01ff) >> 6) << ", DSCP value ";
      o.u(be16_at(t, 6) & 0x003f);
      return false;
    }
    case 4: {
      if (len < 7) return false;
      std::uint8_t v = t[4];
      o << "\n\t    Power type [" << ((v & (0xc0 >> 6)) ? "PD device" : "PSE device") << "], Power source ["
        << name_or(kTiaPowerSources, (v & 0x30) >> 4, "none") << "]\n\t    Power priority ["
        << name_or(kTiaPowerPriorities, v & 0x0f, "none") << "] (0x";
      o.hex(v & 0x0f, 2) << ')';
      std::uint16_t power = be16_at(t, 5);
      if (power < 1024) {
        char buf[48];
        std::snprintf(buf, sizeof buf, ", Power %.1f Watts", static_cast<double>(static_cast<float>(power) / 10));
        o << std::string_view(buf);
      } else {
        o << ", Power ";
        o.u(power) << " (Reserved)";
      }
      return false;
    }
    case 5: case 6: case 7: case 8: case 9: case 10: case 11:
      o << "\n\t  " << name_or(kTiaInventory, subtype, "unknown") << ' ';
      printzp(o, t.subspan(4));
      return false;
    default:
      return true;
  }
}

// The Management Address TLV (802.1AB 8.5.9); false where tcpdump gives up
// (" [|lldp]").
bool mgmt_address(Out& o, Bytes t) {
  if (t.empty()) return false;
  std::size_t alen = t[0];
  Bytes rest = t.subspan(1);
  if (rest.size() < alen) return false;
  Bytes addr = rest.first(alen);
  if (!network_address_ok(addr)) return false;
  o << "\n\t  Management Address length ";
  o.u(alen) << ", ";
  network_address(o, addr);
  rest = rest.subspan(alen);
  if (rest.size() < 5) return false;
  o << "\n\t  " << name_or(kIfNumbering, rest[0], "Unknown") << " Interface Numbering (";
  o.u(rest[0]) << "): ";
  o.u(be32_at(rest, 1));
  rest = rest.subspan(5);
  if (!rest.empty()) {
    std::size_t oid = rest[0];
    if (rest.size() < 1 + oid) return false;
    if (oid) {
      o << "\n\t  OID length ";
      o.u(oid);
      printzp(o, rest.subspan(1, oid));
    }
  }
  return true;
}

// One TLV's value under -v; true: dump its bytes too. Truncated where
// tcpdump jumps to its trunc label.
bool print_tlv(Out& o, std::uint8_t type, Bytes v) {
  std::size_t len = v.size();
  switch (type) {
    case kChassisId:
    case kPortId: {
      if (len < 2) throw Truncated{};
      std::uint8_t subtype = v[0];
      bool chassis = type == kChassisId;
      o << "\n\t  Subtype " << name_or(chassis ? std::span<const Tok>(kChassisSubtypes) : kPortSubtypes, subtype, "Unknown")
        << " (";
      o.u(subtype) << "): ";
      std::uint8_t mac = chassis ? 4 : 3, net = chassis ? 5 : 4;
      if (subtype == mac) {
        if (len < 7) throw Truncated{};
        o.mac(v.subspan(1, 6));
      } else if (subtype == net) {
        if (!network_address_ok(v.subspan(1))) throw Truncated{};
        network_address(o, v.subspan(1));
      } else if (subtype >= 1 && subtype <= 7) {
        printzp(o, v.subspan(1));
      } else {
        return true;
      }
      return false;
    }
    case kTtl:
      if (len < 2) throw Truncated{};
      o << ": TTL ";
      o.u(be16_at(v, 0)) << 's';
      return false;
    case kPortDescr:
      o << ": ";
      printzp(o, v);
      return false;
    case kSysName:
      return false;  // printed at any verbosity by the caller
    case kSysDescr:
      o << "\n\t  ";
      printzp(o, v);
      return false;
    case kSysCap: {
      if (len < 4) throw Truncated{};
      std::uint16_t cap = be16_at(v, 0), enabled = be16_at(v, 2);
      o << "\n\t  System  Capabilities [";
      bits(o, kCapabilities, cap, "none");
      o << "] (0x";
      o.hex(cap, 4) << ")\n\t  Enabled Capabilities [";
      bits(o, kCapabilities, enabled, "none");
      o << "] (0x";
      o.hex(enabled, 4) << ')';
      return false;
    }
    case kMgmtAddr:
      if (!mgmt_address(o, v)) throw Truncated{};
      return false;
    case kOrg: {
      if (len < 3) throw Truncated{};
      std::uint32_t oui = std::uint32_t(v[0]) << 16 | std::uint32_t(v[1]) << 8 | v[2];
      o << ": OUI " << (oui_name(oui).empty() ? std::string_view("Unknown") : oui_name(oui)) << " (0x";
      o.hex(oui, 6) << ')';
      switch (oui) {
        case kOui8021: return org_8021(o, v);
        case kOui8023: return org_8023(o, v);
        case kOuiIana: return org_iana(o, v);
        case kOuiTia: return org_tia(o, v);
        default: return true;
      }
    }
    default:
      return true;
  }
}

}  // namespace

void decode_lldp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "lldp";
  auto& l = c.d.push<LldpL>({r.rest().first(std::min<std::size_t>(r.remaining(), length)), length});
  if (l.pdu.size() < length) c.d.last()->status = Status::Truncated;  // for JSON; the text stops where tcpdump does
}

void print_lldp(PrintCtx& p, std::size_t i) {
  p.proto = "lldp";
  const auto& l = at<LldpL>(p.d, i);
  Out& o = p.o;
  int verbose = p.opt.verbose;
  o << "LLDP, length ";
  o.u(l.length);
  TlvWalker walker(kLldpTlvs, l.pdu, l.length);
  while (auto t = walker.next()) {
    if (t->status == TlvStatus::Cut) throw Truncated{};
    if (verbose) {
      o << "\n\t" << name_or(kTlvNames, t->type, "Unknown") << " TLV (";
      o.u(t->type) << "), length ";
      o.u(t->length);
    }
    if (t->type == kEnd || t->length == 0) break;
    if (t->status != TlvStatus::Ok) throw Truncated{};
    if (t->type == kSysName) {
      o << ": ";
      printzp(o, t->value);
    }
    if (!verbose) continue;
    bool dump = print_tlv(o, t->type, t->value);
    if (verbose > 1 || dump) hex_lines(o, "\n\t  ", t->value);
  }
}

}  // namespace netlab::proto

namespace netlab::proto {

namespace {

std::string zp_text(Bytes b) {
  std::string s;
  for (auto c : b) {
    if (c == 0) break;
    s.push_back(static_cast<char>(c));
  }
  return s;
}

void json_address(JsonWriter& w, std::string_view key, Bytes a) {
  if (a.empty()) return;
  w.member("afi", a[0]);
  if (a[0] == 1 && a.size() >= 5) w.member(key, ip4_text(a.subspan(1, 4)));
  else if (a[0] == 2 && a.size() >= 17) w.member(key, ip6_text(a.subspan(1, 16)));
  else if (a[0] == 6 && a.size() >= 7) w.member(key, mac_text(a.subspan(1, 6)));
  else w.member(key, hex_text(a.subspan(1)));
}

// The members of one TLV's object; Truncated leaves it marked truncated.
void json_tlv(JsonWriter& w, const Tlv& t, TlvWalker&) {
  w.member("type", t.type);
  if (auto name = tok_name(kTlvNames, t.type); !name.empty()) w.member("name", name);
  if (t.header < 2) throw Truncated{};
  w.member("length", t.length);
  if (t.status != TlvStatus::Ok) throw Truncated{};
  Bytes v = t.value;
  switch (t.type) {
    case kChassisId:
    case kPortId: {
      std::uint8_t subtype = at8(v, 0);
      w.member("subtype", subtype);
      Bytes id = v.subspan(1);
      bool mac = subtype == (t.type == kChassisId ? 4 : 3), net = subtype == (t.type == kChassisId ? 5 : 4);
      if (mac && id.size() >= 6) w.member("id", mac_text(id.first(6)));
      else if (net) json_address(w, "id", id);
      else if (subtype >= 1 && subtype <= 7) w.member("id", zp_text(id));
      else w.member("data", hex_text(id));
      break;
    }
    case kTtl: w.member("ttl", be16_at(v, 0)); break;
    case kPortDescr:
    case kSysName:
    case kSysDescr: w.member("value", zp_text(v)); break;
    case kSysCap:
      w.member("capabilities", be16_at(v, 0));
      w.member("enabled", be16_at(v, 2));
      break;
    case kMgmtAddr: {
      std::size_t alen = at8(v, 0);
      json_address(w, "address", sub(v, 1, alen));
      w.member("if_subtype", at8(v, 1 + alen));
      w.member("if_number", be32_at(v, 2 + alen));
      break;
    }
    case kOrg: {
      Bytes h = sub(v, 0, 3);
      std::uint32_t oui = std::uint32_t(h[0]) << 16 | std::uint32_t(h[1]) << 8 | h[2];
      w.member("oui", oui);
      if (auto name = oui_name(oui); !name.empty()) w.member("organization", name);
      w.member("subtype", at8(v, 3));
      if (oui == kOui8021 && v[3] == 1) w.member("pvid", be16_at(v, 4));
      if (oui == kOui8023 && v[3] == 4) w.member("mtu", be16_at(v, 4));
      w.member("data", hex_text(v.subspan(4)));
      break;
    }
    default: w.member("data", hex_text(v)); break;
  }
}

}  // namespace

// The TLVs as an array of objects ("tlvs"), each with its type, name,
// length and typed value; a TLV the capture cut is marked truncated.
void json_lldp(JsonWriter& w, const LldpL& l) {
  w.member("layer", "lldp");
  w.member("length", l.length);
  TlvWalker walker(kLldpTlvs, l.pdu, l.length);
  w.key("tlvs");
  w.begin_array();
  while (auto t = walker.next()) {
    w.begin_object();
    try {
      json_tlv(w, *t, walker);
    } catch (const Truncated&) {
      w.member("truncated", true);  // the TLV's object is still open
      w.end_object();
      break;
    }
    w.end_object();
    if (t->type == kEnd || t->length == 0) break;  // tcpdump stops here too
  }
  w.end_array();
}

}  // namespace netlab::proto
