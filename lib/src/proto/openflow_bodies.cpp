// OpenFlow message bodies as tcpdump 4.99.3 prints them from -v on
// (openflow.cpp prints the headers and calls print_of10_body or
// print_of13_body for a message whose length suits its type).
// 1.0 (print-openflow-1.0.c): the switch features and its ports,
// configuration, flow match and actions (FLOW_MOD, FLOW_REMOVED, flow
// statistics), statistics requests and replies, packet in/out (the frame's
// length, not the frame: tcpdump decodes it from -vvv), port status and port
// mod, queue configuration, errors with their data, and the Big Switch
// Networks vendor messages and actions. -vv adds the port details, port
// statistics, queue properties and hex dumps of data.
// 1.3 (print-openflow-1.3.c): HELLO elements, errors, echo data,
// experimenter, features, configuration, port status and port mod, table
// mod, queue config request, role and async messages; the types tcpdump
// 4.99.3 leaves undecoded (PACKET_IN, FLOW_MOD, multipart...) stay headers.
// A length field that does not fit prints " (invalid)" and skips what it
// covers; a read past the capture throws Truncated (" [|openflow]"), and a
// field's label is printed only once its value is known to be captured.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

// A cursor over the captured bytes from the body on (b) with the body's
// declared length left (len): tcpdump's cp and len. fwd() moves without a
// bounds check, as OF_FWD does; every read goes through sub().
struct Cur {
  Bytes b;
  std::size_t pos = 0;
  std::uint32_t len = 0;

  void fwd(std::size_t n) {
    pos += n;
    len = n > len ? 0 : len - static_cast<std::uint32_t>(n);
  }
  void check(std::size_t n) const { sub(b, pos, n); }
  void chk_fwd(std::size_t n) { check(n), fwd(n); }
  std::uint8_t peek8() const { return sub(b, pos, 1)[0]; }
  std::uint16_t peek16() const { return be16_at(b, pos); }
  std::uint32_t peek32() const { return be32_at(b, pos); }
  std::uint64_t peek64() const { return std::uint64_t(be32_at(b, pos)) << 32 | be32_at(b, pos + 4); }
  Bytes peek(std::size_t n) const { return sub(b, pos, n); }
  std::uint8_t u8() { auto v = peek8(); return fwd(1), v; }
  std::uint16_t u16() { auto v = peek16(); return fwd(2), v; }
  std::uint32_t u32() { auto v = peek32(); return fwd(4), v; }
  std::uint64_t u64() { auto v = peek64(); return fwd(8), v; }
  Bytes take(std::size_t n) { auto v = peek(n); return fwd(n), v; }
  // " (invalid)" and the rest of the declared length captured.
  void invalid(Out& o) const {
    o << " (invalid)";
    check(len);
  }
};

constexpr Tok kPorts[] = {{0xff00, "MAX"},    {0xfff8, "IN_PORT"},    {0xfff9, "TABLE"},
                          {0xfffa, "NORMAL"}, {0xfffb, "FLOOD"},      {0xfffc, "ALL"},
                          {0xfffd, "CONTROLLER"}, {0xfffe, "LOCAL"}, {0xffff, "NONE"}};
constexpr Tok kPortConfig[] = {{1 << 0, "PORT_DOWN"}, {1 << 1, "NO_STP"},   {1 << 2, "NO_RECV"},
                               {1 << 3, "NO_RECV_STP"}, {1 << 4, "NO_FLOOD"}, {1 << 5, "NO_FWD"},
                               {1 << 6, "NO_PACKET_IN"}};
constexpr Tok kStpState[] = {{0 << 8, "STP_LISTEN"}, {1 << 8, "STP_LEARN"}, {2 << 8, "STP_FORWARD"},
                             {3 << 8, "STP_BLOCK"}};
constexpr Tok kPortFeatures[] = {{1 << 0, "10MB_HD"}, {1 << 1, "10MB_FD"},  {1 << 2, "100MB_HD"},
                                 {1 << 3, "100MB_FD"}, {1 << 4, "1GB_HD"},  {1 << 5, "1GB_FD"},
                                 {1 << 6, "10GB_FD"},  {1 << 7, "COPPER"},  {1 << 8, "FIBER"},
                                 {1 << 9, "AUTONEG"},  {1 << 10, "PAUSE"},  {1 << 11, "PAUSE_ASYM"}};
constexpr Tok kWildcards[] = {{1 << 0, "IN_PORT"},  {1 << 1, "DL_VLAN"},     {1 << 2, "DL_SRC"},
                              {1 << 3, "DL_DST"},   {1 << 4, "DL_TYPE"},     {1 << 5, "NW_PROTO"},
                              {1 << 6, "TP_SRC"},   {1 << 7, "TP_DST"},      {1 << 20, "DL_VLAN_PCP"},
                              {1 << 21, "NW_TOS"}};
constexpr Tok kActionTypes[] = {{0, "OUTPUT"},     {1, "SET_VLAN_VID"}, {2, "SET_VLAN_PCP"}, {3, "STRIP_VLAN"},
                                {4, "SET_DL_SRC"}, {5, "SET_DL_DST"},   {6, "SET_NW_SRC"},   {7, "SET_NW_DST"},
                                {8, "SET_NW_TOS"}, {9, "SET_TP_SRC"},   {10, "SET_TP_DST"},  {11, "ENQUEUE"},
                                {0xffff, "VENDOR"}};
constexpr Tok kActionBits[] = {{1 << 0, "OUTPUT"},      {1 << 1, "SET_VLAN_VID"}, {1 << 2, "SET_VLAN_PCP"},
                               {1 << 3, "STRIP_VLAN"},  {1 << 4, "SET_DL_SRC"},   {1 << 5, "SET_DL_DST"},
                               {1 << 6, "SET_NW_SRC"},  {1 << 7, "SET_NW_DST"},   {1 << 8, "SET_NW_TOS"},
                               {1 << 9, "SET_TP_SRC"},  {1 << 10, "SET_TP_DST"},  {1 << 11, "ENQUEUE"}};
constexpr Tok kCapabilities[] = {{1 << 0, "FLOW_STATS"}, {1 << 1, "TABLE_STATS"}, {1 << 2, "PORT_STATS"},
                                 {1 << 3, "STP"},        {1 << 4, "RESERVED"},    {1 << 5, "IP_REASM"},
                                 {1 << 6, "QUEUE_STATS"}, {1 << 7, "ARP_MATCH_IP"}};
constexpr Tok kConfigFlags[] = {{0, "FRAG_NORMAL"}, {1, "FRAG_DROP"}, {2, "FRAG_REASM"}};
constexpr Tok kFlowModCommands[] = {{0, "ADD"}, {1, "MODIFY"}, {2, "MODIFY_STRICT"}, {3, "DELETE"},
                                    {4, "DELETE_STRICT"}};
constexpr Tok kFlowModFlags[] = {{1 << 0, "SEND_FLOW_REM"}, {1 << 1, "CHECK_OVERLAP"}, {1 << 2, "EMERG"}};
constexpr Tok kStatsTypes[] = {{0, "DESC"}, {1, "FLOW"},  {2, "AGGREGATE"},  {3, "TABLE"},
                               {4, "PORT"}, {5, "QUEUE"}, {0xffff, "VENDOR"}};
constexpr Tok kTableIds[] = {{0xfe, "EMERG"}, {0xff, "ALL"}};
constexpr Tok kReplyFlags[] = {{1, "MORE"}};
constexpr Tok kPacketInReasons[] = {{0, "NO_MATCH"}, {1, "ACTION"}};
constexpr Tok kRemovedReasons[] = {{0, "IDLE_TIMEOUT"}, {1, "HARD_TIMEOUT"}, {2, "DELETE"}};
constexpr Tok kPortReasons[] = {{0, "ADD"}, {1, "DELETE"}, {2, "MODIFY"}};
constexpr Tok kErrorTypes[] = {{0, "HELLO_FAILED"},    {1, "BAD_REQUEST"},     {2, "BAD_ACTION"},
                               {3, "FLOW_MOD_FAILED"}, {4, "PORT_MOD_FAILED"}, {5, "QUEUE_OP_FAILED"}};
constexpr Tok kHelloFailed[] = {{0, "INCOMPATIBLE"}, {1, "EPERM"}};
constexpr Tok kBadRequest[] = {{0, "BAD_VERSION"}, {1, "BAD_TYPE"}, {2, "BAD_STAT"},
                               {3, "BAD_VENDOR"},  {4, "BAD_SUBTYPE"}, {5, "EPERM"},
                               {6, "BAD_LEN"},     {7, "BUFFER_EMPTY"}, {8, "BUFFER_UNKNOWN"}};
constexpr Tok kBadAction[] = {{0, "BAD_TYPE"},     {1, "BAD_LEN"},      {2, "BAD_VENDOR"},
                              {3, "BAD_VENDOR_TYPE"}, {4, "BAD_OUT_PORT"}, {5, "BAD_ARGUMENT"},
                              {6, "EPERM"},        {7, "TOO_MANY"},     {8, "BAD_QUEUE"}};
constexpr Tok kFlowModFailed[] = {{0, "ALL_TABLES_FULL"},   {1, "OVERLAP"},     {2, "EPERM"},
                                  {3, "BAD_EMERG_TIMEOUT"}, {4, "BAD_COMMAND"}, {5, "UNSUPPORTED"}};
constexpr Tok kPortModFailed[] = {{0, "BAD_PORT"}, {1, "BAD_HW_ADDR"}};
constexpr Tok kQueueOpFailed[] = {{0, "BAD_PORT"}, {1, "BAD_QUEUE"}, {2, "EPERM"}};
constexpr Tok kQueueProps[] = {{0, "NONE"}, {1, "MIN_RATE"}};
constexpr Tok kOnfExperimenters[] = {
    {0x4f4e4600, "ONF Extensions"},
    {0xff000001, "Budapest University of Technology and Economics"},
    {0xff000002, "NoviFlow"},
    {0xff000003, "L3+ Extensions, Vendor Neutral"},
    {0xff000004, "L4-L7 Extensions"},
    {0xff000005, "Wireless and Mobility Extensions"},
    {0xff000006, "Forwarding Abstractions Extensions"},
    {0xff000007, "Optical Transport Extensions"},
    {0xff000008, "Network Benchmarking Lab, NCTU"},
    {0xff000009, "Mobile Packet Core Extensions"},
    {0xff00000a, "MPLS-TP OpenFlow Extensions for SPTN"}};
constexpr Tok kBsnSubtypes[] = {
    {0, "SET_IP_MASK"},          {1, "GET_IP_MASK_REQUEST"},       {2, "GET_IP_MASK_REPLY"},
    {3, "SET_MIRRORING"},        {4, "GET_MIRRORING_REQUEST"},     {5, "GET_MIRRORING_REPLY"},
    {6, "SHELL_COMMAND"},        {7, "SHELL_OUTPUT"},              {8, "SHELL_STATUS"},
    {9, "GET_INTERFACES_REQUEST"}, {10, "GET_INTERFACES_REPLY"},   {11, "SET_PKTIN_SUPPRESSION_REQUEST"},
    {12, "SET_L2_TABLE_REQUEST"}, {13, "GET_L2_TABLE_REQUEST"},    {14, "GET_L2_TABLE_REPLY"},
    {15, "VIRTUAL_PORT_CREATE_REQUEST"}, {16, "VIRTUAL_PORT_CREATE_REPLY"},
    {17, "VIRTUAL_PORT_REMOVE_REQUEST"}, {18, "BW_ENABLE_SET_REQUEST"}, {19, "BW_ENABLE_GET_REQUEST"},
    {20, "BW_ENABLE_GET_REPLY"}, {21, "BW_CLEAR_DATA_REQUEST"},    {22, "BW_CLEAR_DATA_REPLY"},
    {23, "BW_ENABLE_SET_REPLY"}, {24, "SET_L2_TABLE_REPLY"},       {25, "SET_PKTIN_SUPPRESSION_REPLY"},
    {26, "VIRTUAL_PORT_REMOVE_REPLY"}, {27, "HYBRID_GET_REQUEST"}, {28, "HYBRID_GET_REPLY"},
    {31, "PDU_TX_REQUEST"},      {32, "PDU_TX_REPLY"},             {33, "PDU_RX_REQUEST"},
    {34, "PDU_RX_REPLY"},        {35, "PDU_RX_TIMEOUT"}};
constexpr Tok kBsnActions[] = {{1, "MIRROR"}, {2, "SET_TUNNEL_DST"}, {4, "CHECKSUM"}};
constexpr std::uint32_t kBsn = 0x5c16c7;

constexpr std::uint32_t kFeaturesUnassigned = ~0xfffu;
constexpr std::uint32_t kPortConfigUnassigned = ~0x7fu;
constexpr std::uint32_t kStateUnassigned = ~0x301u;
constexpr std::uint32_t kWildcardsUnassigned = ~((1u << 22) - 1);
constexpr std::uint32_t kActionsUnassigned = ~0xfffu;
constexpr std::uint32_t kCapabilitiesUnassigned = ~0xefu;
constexpr std::uint32_t kFlowModFlagsUnassigned = ~0x7u;
constexpr std::uint32_t kReplyFlagsUnassigned = ~0x1u;

// tcpdump's of_bitmap_print: the names of the assigned bits set, then
// " (bogus)" when an unassigned bit is set.
void bitmap(Out& o, std::span<const Tok> t, std::uint32_t v, std::uint32_t unassigned) {
  if (v & ~unassigned) {
    o << " (";
    const char* sep = "";
    for (const Tok& k : t)
      if (v & k.value) o << sep << k.name, sep = ", ";
    o << ')';
  }
  if (v & unassigned) o << " (bogus)";
}

// A label and a value: the value is read (and may throw Truncated) before
// the label is printed, as tcpdump's ND_PRINT with a GET_ argument.
void num(Out& o, std::string_view label, std::uint64_t v) { o << label, o.u(v); }
void hexn(Out& o, std::string_view label, std::uint64_t v, int width) { o << label, o.hex(v, width); }
void macn(Out& o, std::string_view label, Bytes v) { o << label, o.mac(v); }
Out& ip4n(Out& o, std::string_view label, Bytes v) { return o << label, o.ip4(v); }

// tok2str with a "%u" fallback.
void port(Out& o, std::string_view label, std::uint16_t v) {
  o << label;
  if (auto n = tok_name(kPorts, v); !n.empty()) o << n;
  else o.u(v);
}
void table_id(Out& o, std::string_view label, std::uint8_t v) {
  o << label;
  if (auto n = tok_name(kTableIds, v); !n.empty()) o << n;
  else o.u(v);
}
// tok2str with an "invalid (0x%0Nx)" fallback.
void name_or_invalid(Out& o, std::string_view label, std::span<const Tok> t, std::uint32_t v, int width,
                     std::string_view word = "invalid") {
  o << label;
  if (auto n = tok_name(t, v); !n.empty()) o << n;
  else o << word << " (0x", o.hex(v, width) << ')';
}
void vlan(Out& o, std::string_view label, std::uint16_t vid) {
  o << label;
  if (vid == 0xffff) {
    o << "NONE";
    return;
  }
  o.u(vid);
  if (vid == 0 || vid >= 0x0fff) o << " (bogus)";
}
void pcp(Out& o, std::string_view label, std::uint8_t v) {
  o << label;
  o.u(v);
  if (v > 7) o << " (bogus)";
}
// tcpdump's nd_printjnp: up to n characters, to the first NUL.
void print_name(Out& o, const Cur& c, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    std::uint8_t ch = sub(c.b, c.pos + k, 1)[0];
    if (ch == 0) break;
    print_char(o, ch);
  }
}
void vendor_name(Out& o, std::uint32_t vendor) {
  std::string_view n = (vendor & 0xff000000) == 0 ? oui_name(vendor) : tok_name(kOnfExperimenters, vendor);
  o << ", vendor 0x", o.hex(vendor, 8) << " (" << (n.empty() ? std::string_view("unknown") : n) << ')';
}

// tcpdump's of_data_print: the length, and at -vv the bytes in hex and ASCII.
void data(PrintCtx& p, Cur& c) {
  if (c.len == 0) return;
  Out& o = p.o;
  o << "\n\t data (", o.u(c.len) << " octets)";
  if (p.opt.verbose < 2) return c.check(c.len);
  // tcpdump's hex_and_ascii_print dumps what was captured, then the cut.
  Bytes d = c.b.subspan(std::min(c.pos, c.b.size()));
  bool cut = d.size() < c.len;
  d = d.first(std::min<std::size_t>(d.size(), c.len));
  std::string dump;
  Out h(dump);
  hex_dump(h, d, true);
  for (char ch : dump) {
    o << ch;
    if (ch == '\t') o << "  ";
  }
  if (cut) throw Truncated{};
}

// [OF10] 5.2.1: ofp_phy_port, 48 bytes (c is at its start).
void phy_port(PrintCtx& p, Cur c) {
  Out& o = p.o;
  port(o, "\n\t  port_no ", c.u16());
  macn(o, ", hw_addr ", c.take(6));
  o << ", name '", print_name(o, c, 16), o << '\'';
  c.fwd(16);
  if (p.opt.verbose < 2) return c.check(24);
  std::uint32_t v = c.u32();
  hexn(o, "\n\t   config 0x", v, 8), bitmap(o, kPortConfig, v, kPortConfigUnassigned);
  v = c.u32();
  o << "\n\t   state 0x", o.hex(v, 8) << " (" << tok_name(kStpState, v & 0x300) << (v & 1 ? ", LINK_DOWN" : "") << ')';
  if (v & kStateUnassigned) o << " (bogus)";
  for (std::string_view what : {"curr", "advertised", "supported", "peer"}) {
    v = c.u32();
    o << "\n\t   " << what << " 0x", o.hex(v, 8), bitmap(o, kPortFeatures, v, kFeaturesUnassigned);
  }
}


// [OF10] 5.2.3: ofp_match, 40 bytes; the fields the wildcards leave. Each
// field is checked captured before its label is printed, as tcpdump does.
void match(Out& o, std::string_view pfx, Cur c) {
  std::uint32_t wc = c.u32();
  auto label = [&](std::string_view what) -> Out& { return o << pfx << "match " << what << ' '; };
  if (wc & kWildcardsUnassigned) o << pfx << "wildcards 0x", o.hex(wc, 8) << " (bogus)";
  if (!(wc & 1)) port(o, "", (c.check(2), label("in_port"), c.peek16()));
  c.fwd(2);
  if (!(wc & 4)) macn(o, "", (c.check(6), label("dl_src"), c.peek(6)));
  c.fwd(6);
  if (!(wc & 8)) macn(o, "", (c.check(6), label("dl_dst"), c.peek(6)));
  c.fwd(6);
  if (!(wc & 2)) vlan(o, "", (c.check(2), label("dl_vlan"), c.peek16()));
  c.fwd(2);
  if (!(wc & (1u << 20))) pcp(o, "", (c.check(1), label("dl_vlan_pcp"), c.peek8()));
  c.fwd(2);
  std::uint16_t dl_type = c.u16();
  bool type_set = !(wc & 16), proto_set = !(wc & 32);
  if (type_set) label("dl_type") << "0x", o.hex(dl_type, 4);
  if (!(wc & (1u << 21))) hexn(o, "0x", (c.check(1), label("nw_tos"), c.peek8()), 2);
  c.fwd(1);
  std::uint8_t nw_proto = c.u8();
  if (proto_set) num(label(type_set && dl_type == 0x0806 ? "arp_opcode" : "nw_proto"), "", nw_proto);
  c.fwd(2);
  for (std::string_view what : {"nw_src", "nw_dst"}) {
    unsigned bits = (wc >> (what == "nw_src" ? 8 : 14)) & 0x3f;
    if (bits < 32) ip4n(o, "", (c.check(4), label(what), c.peek(4))) << '/', o.u(32 - bits);
    c.fwd(4);
  }
  bool icmp = type_set && dl_type == 0x0800 && proto_set && nw_proto == 1;
  if (!(wc & 64)) num(o, "", (c.check(2), label(icmp ? "icmp_type" : "tp_src"), c.peek16()));
  c.fwd(2);
  if (!(wc & 128)) num(o, "", (c.check(2), label(icmp ? "icmp_code" : "tp_dst"), c.peek16()));
  else c.check(2);
}

// The Big Switch Networks action after its vendor id (c.len its length).
void bsn_action(Out& o, Cur c) {
  if (c.len < 4) return c.invalid(o);
  std::uint32_t subtype = c.u32();
  name_or_invalid(o, "\n\t  subtype ", kBsnActions, subtype, 8, "unknown");
  if (subtype != 1) return c.check(c.len);
  if (c.len != 12) return c.invalid(o);
  num(o, ", dest_port ", c.u32());
  std::uint32_t tag = c.u32();
  if (tag >> 16 == 0) o << ", vlan_tag none";
  else if (tag >> 16 == 0x8100) {
    o << ", vlan_tag 802.1Q (vlan ", o.u(tag & 0xfff) << ", p ", o.u((tag >> 13) & 7);
    o << (tag & 0x1000 ? ", DEI" : "") << ')';
  } else o << ", vlan_tag unknown (0x", o.hex(tag >> 16, 4) << ')';
  std::uint8_t stage = c.u8();
  o << ", copy_stage ";
  if (stage <= 1) o << (stage ? "EGRESS" : "INGRESS");
  else o << "unknown (", o.u(stage) << ')';
  c.check(3);
}

// The vendor action after its header (c.len: the action's length - 4).
void vendor_action(PrintCtx& p, Cur c) {
  if (c.len < 4) return c.invalid(p.o);
  std::uint32_t vendor = c.u32();
  vendor_name(p.o, vendor);
  if (vendor == kBsn) bsn_action(p.o, c);
  else data(p, c);
}

// The length an action of the type must have; 0: any multiple of 8 (vendor),
// -1: an unknown type (skipped).
int action_length(std::uint16_t type) {
  if (type <= 3 || (type >= 6 && type <= 10)) return 8;
  if (type == 4 || type == 5 || type == 11) return 16;
  return type == 0xffff ? 0 : -1;
}

// One known action's fields after its 4-byte header.
void action_fields(PrintCtx& p, Cur& c, std::uint16_t type, std::uint16_t alen) {
  Out& o = p.o;
  switch (type) {
    case 0: {
      std::uint16_t out = c.u16();
      port(o, ", port ", out);
      if (out == 0xfffd) num(o, ", max_len ", c.peek16());
      else c.check(2);
      c.fwd(2);
      break;
    }
    case 1: vlan(o, ", vlan_vid ", c.u16()), c.chk_fwd(2); break;
    case 2: pcp(o, ", vlan_pcp ", c.u8()), c.chk_fwd(3); break;
    case 3: c.chk_fwd(4); break;
    case 4:
    case 5: macn(o, ", dl_addr ", c.take(6)), c.chk_fwd(6); break;
    case 6:
    case 7: ip4n(o, ", nw_addr ", c.take(4)); break;
    case 8: hexn(o, ", nw_tos 0x", c.u8(), 2), c.chk_fwd(3); break;
    case 9:
    case 10: num(o, ", tp_port ", c.u16()), c.chk_fwd(2); break;
    case 11:
      port(o, ", port ", c.u16());
      c.fwd(6);
      if (std::uint32_t q = c.u32(); q == 0xffffffff) o << ", queue_id ALL";
      else num(o, ", queue_id ", q);
      break;
    default: {
      Cur v = c;
      v.len = alen - 4u;
      vendor_action(p, v);
      c.fwd(alen - 4u);
    }
  }
}

// [OF10] 5.2.4: an action list of c.len bytes.
void actions(PrintCtx& p, std::string_view pfx, Cur c) {
  Out& o = p.o;
  while (c.len) {
    if (c.len < 8) return c.invalid(o);
    std::uint16_t type = c.u16();
    name_or_invalid(o << pfx, "action type ", kActionTypes, type, 4);
    std::uint16_t alen = c.u16();
    num(o, ", len ", alen);
    if (alen < 8 || alen > c.len + 4) return c.invalid(o);
    int need = action_length(type);
    bool bogus = need > 0 ? alen != need : need == 0 && alen % 8 != 0;
    if (bogus) o << " (bogus)";
    if (bogus || need < 0) {
      c.chk_fwd(alen - 4u);
      continue;
    }
    action_fields(p, c, type, alen);
  }
}

// [OF10] 5.3.1: FEATURES_REPLY, the switch and its ports.
void features_reply(PrintCtx& p, Cur c) {
  Out& o = p.o;
  hexn(o, "\n\t dpid 0x", c.u64(), 16);
  num(o, ", n_buffers ", c.u32());
  num(o, ", n_tables ", c.u8());
  c.fwd(3);
  std::uint32_t v = c.u32();
  hexn(o, "\n\t capabilities 0x", v, 8), bitmap(o, kCapabilities, v, kCapabilitiesUnassigned);
  v = c.u32();
  hexn(o, "\n\t actions 0x", v, 8), bitmap(o, kActionBits, v, kActionsUnassigned);
  while (c.len) {
    if (c.len < 48) return c.invalid(o);
    phy_port(p, c);
    c.fwd(48);
  }
}

// [OF10] 5.3.2: GET_CONFIG_REPLY and SET_CONFIG.
void switch_config(PrintCtx& p, Cur c) {
  name_or_invalid(p.o, "\n\t flags ", kConfigFlags, c.u16(), 4);
  num(p.o, ", miss_send_len ", c.peek16());
}

// [OF10] 5.3.3: FLOW_MOD.
void flow_mod(PrintCtx& p, Cur c) {
  Out& o = p.o;
  match(o, "\n\t ", c);
  c.fwd(40);
  hexn(o, "\n\t cookie 0x", c.u64(), 16);
  std::uint16_t command = c.u16();
  name_or_invalid(o, ", command ", kFlowModCommands, command, 4);
  for (std::string_view what : {"idle_timeout", "hard_timeout", "priority"})
    if (std::uint16_t v = c.u16()) o << ", " << what << ' ', o.u(v);
  std::uint32_t buffer = c.peek32();
  if (command <= 2) {
    o << ", buffer_id ";
    if (buffer == 0xffffffff) o << "NONE";
    else hexn(o, "0x", buffer, 8);
  }
  c.fwd(4);
  if (command == 3 || command == 4) port(o, ", out_port ", c.peek16());
  c.fwd(2);
  std::uint16_t flags = c.u16();
  hexn(o, ", flags 0x", flags, 4), bitmap(o, kFlowModFlags, flags, kFlowModFlagsUnassigned);
  actions(p, "\n\t ", c);
}

// [OF10] 5.3.3: PORT_MOD.
void port_mod(PrintCtx& p, Cur c) {
  Out& o = p.o;
  port(o, "\n\t port_no ", c.u16());
  macn(o, ", hw_addr ", c.take(6));
  std::uint32_t v = c.u32();
  hexn(o, "\n\t config 0x", v, 8), bitmap(o, kPortConfig, v, kPortConfigUnassigned);
  v = c.u32();
  hexn(o, "\n\t mask 0x", v, 8), bitmap(o, kPortConfig, v, kPortConfigUnassigned);
  v = c.u32();
  hexn(o, "\n\t advertise 0x", v, 8), bitmap(o, kPortFeatures, v, kFeaturesUnassigned);
  c.check(4);
}

// [OF10] 5.2.2: a queue's properties (-vv).
void queue_props(Out& o, Cur c) {
  while (c.len) {
    if (c.len < 8) return c.invalid(o);
    std::uint16_t prop = c.u16();
    name_or_invalid(o, "\n\t   property ", kQueueProps, prop, 4);
    std::uint16_t plen = c.u16();
    num(o, ", len ", plen);
    if (plen < 8 || plen > c.len + 4) return c.invalid(o);
    c.chk_fwd(4);
    bool bogus = (prop == 0 && plen != 8) || (prop == 1 && plen != 16);
    if (bogus) o << " (bogus)";
    if (bogus || prop > 1) {
      c.chk_fwd(plen - 8u);
      continue;
    }
    if (prop == 1) {
      std::uint16_t rate = c.u16();
      if (rate > 1000) o << ", rate disabled";
      else o << ", rate ", o.u(rate / 10) << '.', o.u(rate % 10) << '%';
      c.chk_fwd(6);
    }
  }
}

// [OF10] 5.3.4: QUEUE_GET_CONFIG_REPLY, the port and its queues.
void queue_config_reply(PrintCtx& p, Cur c) {
  Out& o = p.o;
  port(o, "\n\t port ", c.u16());
  c.chk_fwd(6);
  while (c.len) {
    if (c.len < 8) return c.invalid(o);
    num(o, "\n\t  queue_id ", c.u32());
    std::uint16_t qlen = c.u16();
    num(o, ", len ", qlen);
    if (qlen < 8 || qlen > c.len + 6) return c.invalid(o);
    c.chk_fwd(2);
    Cur props = c;
    props.len = qlen - 8u;
    if (p.opt.verbose >= 2) queue_props(o, props);
    else c.check(qlen - 8u);
    c.fwd(qlen - 8u);
  }
}

// A vendor id, then data (STATS_REQUEST and STATS_REPLY of type VENDOR).
void vendor_data(PrintCtx& p, Cur c) {
  if (c.len < 4) return c.invalid(p.o);
  vendor_name(p.o, c.u32());
  data(p, c);
}

// [OF10] 5.3.5: STATS_REQUEST, the body of one of fixed lengths by type.
void stats_request(PrintCtx& p, Cur c) {
  Out& o = p.o;
  std::uint16_t type = c.u16();
  name_or_invalid(o, "\n\t type ", kStatsTypes, type, 4);
  std::uint16_t flags = c.u16();
  hexn(o, ", flags 0x", flags, 4);
  if (flags) o << " (bogus)";
  switch (type) {
    case 0:
    case 3:
      if (c.len) c.invalid(o);
      return;
    case 1:
    case 2:
      if (c.len != 44) return c.invalid(o);
      match(o, "\n\t ", c);
      c.fwd(40);
      table_id(o, "\n\t table_id ", c.u8());
      c.fwd(1);
      port(o, ", out_port ", c.peek16());
      return;
    case 4:
      if (c.len != 8) return c.invalid(o);
      port(o, "\n\t port_no ", c.u16());
      return c.check(6);
    case 5:
      if (c.len != 8) return c.invalid(o);
      port(o, "\n\t port_no ", c.u16());
      c.fwd(2);
      if (std::uint32_t q = c.peek32(); q == 0xffffffff) o << ", queue_id ALL";
      else num(o, ", queue_id ", q);
      return;
    case 0xffff: return vendor_data(p, c);
  }
}

void desc_stats(Out& o, Cur c) {
  if (c.len != 1056) return c.invalid(o);
  constexpr std::pair<std::string_view, std::size_t> kFields[] = {
      {"mfr_desc", 256}, {"hw_desc", 256}, {"sw_desc", 256}, {"serial_num", 32}, {"dp_desc", 256}};
  for (auto [what, n] : kFields) {
    o << "\n\t  " << what << " '", print_name(o, c, n), o << '\'';
    c.fwd(n);
  }
}

void flow_stats(PrintCtx& p, Cur c) {
  Out& o = p.o;
  while (c.len) {
    if (c.len < 88) return c.invalid(o);
    std::uint16_t elen = c.peek16();
    num(o, "\n\t length ", elen);
    if (elen < 88 || elen > c.len) return c.invalid(o);
    c.fwd(2);
    table_id(o, ", table_id ", c.u8());
    c.fwd(1);
    match(o, "\n\t  ", c);
    c.fwd(40);
    num(o, "\n\t  duration_sec ", c.u32());
    num(o, ", duration_nsec ", c.u32());
    num(o, ", priority ", c.u16());
    num(o, ", idle_timeout ", c.u16());
    num(o, ", hard_timeout ", c.u16());
    c.fwd(6);
    hexn(o, ", cookie 0x", c.u64(), 16);
    num(o, ", packet_count ", c.u64());
    num(o, ", byte_count ", c.u64());
    Cur acts = c;
    acts.len = elen - 88u;
    actions(p, "\n\t  ", acts);
    c.fwd(elen - 88u);
  }
}

void aggregate_stats(Out& o, Cur c) {
  if (c.len != 24) return c.invalid(o);
  num(o, "\n\t packet_count ", c.u64());
  num(o, ", byte_count ", c.u64());
  num(o, ", flow_count ", c.u32());
  c.check(4);
}

void table_stats(Out& o, Cur c) {
  while (c.len) {
    if (c.len < 64) return c.invalid(o);
    table_id(o, "\n\t table_id ", c.u8());
    c.fwd(3);
    o << ", name '", print_name(o, c, 32), o << '\'';
    c.fwd(32);
    std::uint32_t wc = c.u32();
    hexn(o, "\n\t  wildcards 0x", wc, 8), bitmap(o, kWildcards, wc, kWildcardsUnassigned);
    num(o, "\n\t  max_entries ", c.u32());
    num(o, ", active_count ", c.u32());
    num(o, ", lookup_count ", c.u64());
    num(o, ", matched_count ", c.u64());
  }
}

void port_stats(PrintCtx& p, Cur c) {
  Out& o = p.o;
  constexpr std::string_view kCounters[] = {"rx_packets", "tx_packets", "rx_bytes",     "tx_bytes",
                                            "rx_dropped", "tx_dropped", "rx_errors",    "tx_errors",
                                            "rx_frame_err", "rx_over_err", "rx_crc_err", "collisions"};
  while (c.len) {
    if (c.len < 104) return c.invalid(o);
    port(o, "\n\t  port_no ", c.u16());
    if (p.opt.verbose < 2) {
      c.chk_fwd(102);
      continue;
    }
    c.fwd(6);
    for (std::string_view what : kCounters) {
      std::uint64_t v = c.u64();
      o << ", " << what << ' ', o.u(v);
    }
  }
}

void queue_stats(Out& o, Cur c) {
  while (c.len) {
    if (c.len < 32) return c.invalid(o);
    port(o, "\n\t  port_no ", c.u16());
    c.fwd(2);
    num(o, ", queue_id ", c.u32());
    num(o, ", tx_bytes ", c.u64());
    num(o, ", tx_packets ", c.u64());
    num(o, ", tx_errors ", c.u64());
  }
}

// [OF10] 5.3.5: STATS_REPLY, the type's entries.
void stats_reply(PrintCtx& p, Cur c) {
  Out& o = p.o;
  std::uint16_t type = c.u16();
  name_or_invalid(o, "\n\t type ", kStatsTypes, type, 4);
  std::uint16_t flags = c.u16();
  hexn(o, ", flags 0x", flags, 4), bitmap(o, kReplyFlags, flags, kReplyFlagsUnassigned);
  switch (type) {
    case 0: return desc_stats(o, c);
    case 1: return flow_stats(p, c);
    case 2: return aggregate_stats(o, c);
    case 3: return table_stats(o, c);
    case 4: return port_stats(p, c);
    case 5: return queue_stats(o, c);
    case 0xffff: return vendor_data(p, c);
    default: return c.check(c.len);
  }
}

// The frame of PACKET_IN and PACKET_OUT: its length (tcpdump decodes it
// from -vvv on, which netlab does not offer).
void packet_data(Out& o, Cur c) {
  if (c.len == 0) return;
  o << "\n\t data (", o.u(c.len) << " octets)";
  c.check(c.len);
}

// [OF10] 5.3.6: PACKET_OUT.
void packet_out(PrintCtx& p, Cur c) {
  Out& o = p.o;
  hexn(o, "\n\t buffer_id 0x", c.u32(), 8);
  port(o, ", in_port ", c.u16());
  std::uint16_t alen = c.u16();
  if (alen > c.len) return c.invalid(o);
  Cur acts = c;
  acts.len = alen;
  actions(p, "\n\t ", acts);
  c.fwd(alen);
  packet_data(o, c);
}

// [OF10] 5.4.1: PACKET_IN.
void packet_in(PrintCtx& p, Cur c) {
  Out& o = p.o;
  std::uint32_t buffer = c.u32();
  o << "\n\t buffer_id ";
  if (buffer == 0xffffffff) o << "NONE";
  else hexn(o, "0x", buffer, 8);
  num(o, ", total_len ", c.u16());
  port(o, ", in_port ", c.u16());
  name_or_invalid(o, ", reason ", kPacketInReasons, c.u8(), 2);
  c.chk_fwd(1);
  packet_data(o, c);
}

// [OF10] 5.4.2: FLOW_REMOVED.
void flow_removed(PrintCtx& p, Cur c) {
  Out& o = p.o;
  match(o, "\n\t ", c);
  c.fwd(40);
  hexn(o, "\n\t cookie 0x", c.u64(), 16);
  if (std::uint16_t v = c.u16()) num(o, ", priority ", v);
  name_or_invalid(o, ", reason ", kRemovedReasons, c.u8(), 2, "unknown");
  c.fwd(1);
  num(o, ", duration_sec ", c.u32());
  num(o, ", duration_nsec ", c.u32());
  if (std::uint16_t v = c.u16()) num(o, ", idle_timeout ", v);
  c.fwd(2);
  num(o, ", packet_count ", c.u64());
  num(o, ", byte_count ", c.peek64());
}

// [OF10] 5.4.3: PORT_STATUS.
void port_status(PrintCtx& p, Cur c) {
  name_or_invalid(p.o, "\n\t reason ", kPortReasons, c.u8(), 2);
  c.fwd(7);
  phy_port(p, c);
}

// [OF10] 5.4.4: ERROR, the type, its code and the offending data.
void error(PrintCtx& p, Cur c) {
  Out& o = p.o;
  std::uint16_t type = c.u16();
  name_or_invalid(o, "\n\t type ", kErrorTypes, type, 4);
  std::uint16_t code = c.u16();
  constexpr std::span<const Tok> kCodes[] = {kHelloFailed,   kBadRequest,    kBadAction,
                                             kFlowModFailed, kPortModFailed, kQueueOpFailed};
  o << ", code ";
  if (type < std::size(kCodes)) name_or_invalid(o, "", kCodes[type], code, 4);
  else o << "invalid (0x", o.hex(code, 4) << ')';
  data(p, c);
}

// A Big Switch Networks vendor message after its vendor id.
void bsn_message(PrintCtx& p, Cur c) {
  Out& o = p.o;
  if (c.len < 4) return c.invalid(o);
  std::uint32_t subtype = c.u32();
  name_or_invalid(o, "\n\t subtype ", kBsnSubtypes, subtype, 8, "unknown");
  switch (subtype) {
    case 1:  // GET_IP_MASK_REQUEST
      if (c.len != 8) return c.invalid(o);
      num(o, ", index ", c.u8());
      return c.check(7);
    case 0:  // SET_IP_MASK
    case 2:  // GET_IP_MASK_REPLY
      if (c.len != 8) return c.invalid(o);
      num(o, ", index ", c.u8());
      c.fwd(3);
      ip4n(o, ", mask ", c.peek(4));
      return;
    case 3:  // SET_MIRRORING
    case 4:  // GET_MIRRORING_REQUEST
    case 5:  // GET_MIRRORING_REPLY
      if (c.len != 4) return c.invalid(o);
      if (std::uint8_t v = c.u8(); v <= 1) o << ", report_mirror_ports " << (v ? "ON" : "OFF");
      else o << ", report_mirror_ports bogus (", o.u(v) << ')';
      return c.check(3);
    case 9:
    case 13:
    case 19:
    case 21:
    case 27:  // the requests without a body
      if (c.len) c.invalid(o);
      return;
    case 17:  // VIRTUAL_PORT_REMOVE_REQUEST
      if (c.len != 4) return c.invalid(o);
      num(o, ", vport_no ", c.peek32());
      return;
    case 6:  // SHELL_COMMAND
      if (c.len < 4) return c.invalid(o);
      num(o, ", service ", c.u32());
      [[fallthrough]];
    case 7:  // SHELL_OUTPUT
      o << ", data '";
      for (std::size_t k = 0; k < c.len; ++k) print_char(o, sub(c.b, c.pos + k, 1)[0]);
      o << '\'';
      return;
    case 8:  // SHELL_STATUS
      if (c.len != 4) return c.invalid(o);
      hexn(o, ", status 0x", c.peek32(), 8);
      return;
    default: return c.check(c.len);
  }
}

// [OF10] 5.5.4: VENDOR, the vendor id and its data.
void vendor_message(PrintCtx& p, Cur c) {
  std::uint32_t vendor = c.u32();
  vendor_name(p.o, vendor);
  if (vendor == kBsn) bsn_message(p, c);
  else data(p, c);
}

}  // namespace

void print_of10_body(PrintCtx& p, Bytes b, std::size_t at, std::uint32_t len, std::uint8_t type) {
  Cur c{b, at, len};
  switch (type) {
    case 0:
    case 2:
    case 3: return data(p, c);
    case 1: return error(p, c);
    case 4: return vendor_message(p, c);
    case 6: return features_reply(p, c);
    case 8:
    case 9: return switch_config(p, c);
    case 10: return packet_in(p, c);
    case 11: return flow_removed(p, c);
    case 12: return port_status(p, c);
    case 13: return packet_out(p, c);
    case 14: return flow_mod(p, c);
    case 15: return port_mod(p, c);
    case 16: return stats_request(p, c);
    case 17: return stats_reply(p, c);
    case 20: port(p.o, "\n\t port ", c.u16()), c.check(2); return;
    case 21: return queue_config_reply(p, c);
    default: return c.check(len);
  }
}


// ---- OpenFlow 1.3: the bodies tcpdump 4.99.3's print-openflow-1.3.c decodes

namespace {

constexpr Tok kPorts13[] = {{0xffffff00, "MAX"},    {0xfffffff8, "IN_PORT"}, {0xfffffff9, "TABLE"},
                            {0xfffffffa, "NORMAL"}, {0xfffffffb, "FLOOD"},   {0xfffffffc, "ALL"},
                            {0xfffffffd, "CONTROLLER"}, {0xfffffffe, "LOCAL"}, {0xffffffff, "ANY"}};
constexpr Tok kCapabilities13[] = {{1 << 0, "FLOW_STATS"}, {1 << 1, "TABLE_STATS"}, {1 << 2, "PORT_STATS"},
                                   {1 << 3, "GROUP_STATS"}, {1 << 5, "IP_REASM"},  {1 << 6, "QUEUE_STATS"},
                                   {1 << 8, "PORT_BLOCKED"}};
constexpr Tok kMissSendLen[] = {{0xffe5, "MAX"}, {0xffff, "NO_BUFFER"}};
constexpr Tok kTables13[] = {{0xfe, "MAX"}, {0xff, "ALL"}};
constexpr Tok kPortConfig13[] = {{1 << 0, "PORT_DOWN"}, {1 << 2, "NO_RECV"}, {1 << 5, "NO_FWD"},
                                 {1 << 6, "NO_PACKET_IN"}};
constexpr Tok kPortState13[] = {{1 << 0, "LINK_DOWN"}, {1 << 1, "BLOCKED"}, {1 << 2, "LIVE"}};
constexpr Tok kPortFeatures13[] = {{1 << 0, "10MB_HD"},  {1 << 1, "10MB_FD"},   {1 << 2, "100MB_HD"},
                                   {1 << 3, "100MB_FD"}, {1 << 4, "1GB_HD"},    {1 << 5, "1GB_FD"},
                                   {1 << 6, "10GB_FD"},  {1 << 7, "40GB_FD"},   {1 << 8, "100GB_FD"},
                                   {1 << 9, "1TB_FD"},   {1 << 10, "OTHER"},    {1 << 11, "COPPER"},
                                   {1 << 12, "FIBER"},   {1 << 13, "AUTONEG"},  {1 << 14, "PAUSE"},
                                   {1 << 15, "PAUSE_ASYM"}};
constexpr Tok kHelloElements[] = {{1, "VERSIONBITMAP"}};
constexpr Tok kVersionBits[] = {{1 << 0, "1.0"}, {1 << 1, "1.1"}, {1 << 2, "1.2"},
                                {1 << 3, "1.3"}, {1 << 4, "1.4"}, {1 << 5, "1.5"}};
constexpr Tok kRoles[] = {{0, "NOCHANGE"}, {1, "EQUAL"}, {2, "MASTER"}, {3, "SLAVE"}};
constexpr Tok kAsyncReasons[] = {{1 << 0, "NO_MATCH"}, {1 << 1, "ACTION"}, {1 << 2, "INVALID_TTL"}};
constexpr Tok kAsyncPortReasons[] = {{1 << 0, "ADD"}, {1 << 1, "DELETE"}, {1 << 2, "MODIFY"}};
constexpr Tok kErrorTypes13[] = {
    {0, "HELLO_FAILED"},     {1, "BAD_REQUEST"},         {2, "BAD_ACTION"},          {3, "BAD_INSTRUCTION"},
    {4, "BAD_MATCH"},        {5, "FLOW_MOD_FAILED"},     {6, "GROUP_MOD_FAILED"},    {7, "PORT_MOD_FAILED"},
    {8, "TABLE_MOD_FAILED"}, {9, "QUEUE_OP_FAILED"},     {10, "SWITCH_CONFIG_FAILED"}, {11, "ROLE_REQUEST_FAILED"},
    {12, "METER_MOD_FAILED"}, {13, "TABLE_FEATURES_FAILED"}, {0xffff, "EXPERIMENTER"}};
constexpr Tok kBadRequest13[] = {{0, "BAD_VERSION"},   {1, "BAD_TYPE"},        {2, "BAD_MULTIPART"},
                                 {3, "BAD_EXPERIMENTER"}, {4, "BAD_EXP_TYPE"}, {5, "EPERM"},
                                 {6, "BAD_LEN"},       {7, "BUFFER_EMPTY"},    {8, "BUFFER_UNKNOWN"},
                                 {9, "BAD_TABLE_ID"},  {10, "IS_SLAVE"},       {11, "BAD_PORT"},
                                 {12, "BAD_PACKET"},   {13, "MULTIPART_BUFFER_OVERFLOW"}};
constexpr Tok kBadAction13[] = {{0, "BAD_TYPE"},      {1, "BAD_LEN"},        {2, "BAD_EXPERIMENTER"},
                                {3, "BAD_EXP_TYPE"},  {4, "BAD_OUT_PORT"},   {5, "BAD_ARGUMENT"},
                                {6, "EPERM"},         {7, "TOO_MANY"},       {8, "BAD_QUEUE"},
                                {9, "BAD_OUT_GROUP"}, {10, "MATCH_INCONSISTENT"}, {11, "UNSUPPORTED_ORDER"},
                                {12, "BAD_TAG"},      {13, "BAD_SET_TYPE"},  {14, "BAD_SET_LEN"},
                                {15, "BAD_SET_ARGUMENT"}};
constexpr Tok kBadInstruction[] = {{0, "UNKNOWN_INST"},   {1, "UNSUP_INST"},     {2, "BAD_TABLE_ID"},
                                   {3, "UNSUP_METADATA"}, {4, "UNSUP_METADATA_MASK"}, {5, "BAD_EXPERIMENTER"},
                                   {6, "BAD_EXP_TYPE"},   {7, "BAD_LEN"},        {8, "EPERM"}};
constexpr Tok kBadMatch[] = {{0, "BAD_TYPE"},  {1, "BAD_LEN"},    {2, "BAD_TAG"},    {3, "BAD_DL_ADDR_MASK"},
                             {4, "BAD_NW_ADDR_MASK"}, {5, "BAD_WILDCARDS"}, {6, "BAD_FIELD"}, {7, "BAD_VALUE"},
                             {8, "BAD_MASK"},  {9, "BAD_PREREQ"}, {10, "DUP_FIELD"}, {11, "EPERM"}};
constexpr Tok kFlowModFailed13[] = {{0, "UNKNOWN"}, {1, "TABLE_FULL"},  {2, "BAD_TABLE_ID"}, {3, "OVERLAP"},
                                    {4, "EPERM"},   {5, "BAD_TIMEOUT"}, {6, "BAD_COMMAND"},  {7, "BAD_FLAGS"}};
constexpr Tok kGroupModFailed[] = {{0, "GROUP_EXISTS"},       {1, "INVALID_GROUP"},     {2, "WEIGHT_UNSUPPORTED"},
                                   {3, "OUT_OF_GROUPS"},      {4, "OUT_OF_BUCKETS"},    {5, "CHAINING_UNSUPPORTED"},
                                   {6, "WATCH_UNSUPPORTED"},  {7, "LOOP"},              {8, "UNKNOWN_GROUP"},
                                   {9, "CHAINED_GROUP"},      {10, "BAD_TYPE"},         {11, "BAD_COMMAND"},
                                   {12, "BAD_BUCKET"},        {13, "BAD_MATCH"},        {14, "EPERM"}};
constexpr Tok kPortModFailed13[] = {{0, "BAD_PORT"}, {1, "BAD_HW_ADDR"}, {2, "BAD_CONFIG"}, {3, "BAD_ADVERTISE"},
                                    {4, "EPERM"}};
constexpr Tok kTableModFailed[] = {{0, "BAD_TABLE"}, {1, "BAD_CONFIG"}, {2, "EPERM"}};
constexpr Tok kSwitchConfigFailed[] = {{0, "BAD_FLAGS"}, {1, "BAD_LEN"}, {2, "EPERM"}};
constexpr Tok kRoleRequestFailed[] = {{0, "STALE"}, {1, "UNSUP"}, {2, "BAD_ROLE"}};
constexpr Tok kMeterModFailed[] = {{0, "UNKNOWN"},        {1, "METER_EXISTS"}, {2, "INVALID_METER"},
                                   {3, "UNKNOWN_METER"},  {4, "BAD_COMMAND"},  {5, "BAD_FLAGS"},
                                   {6, "BAD_RATE"},       {7, "BAD_BURST"},    {8, "BAD_BAND"},
                                   {9, "BAD_BAND_VALUE"}, {10, "OUT_OF_METERS"}, {11, "OUT_OF_BANDS"}};
constexpr Tok kTableFeaturesFailed[] = {{0, "BAD_TABLE"}, {1, "BAD_METADATA"}, {2, "BAD_TYPE"},
                                        {3, "BAD_LEN"},   {4, "BAD_ARGUMENT"}, {5, "EPERM"}};

constexpr std::uint32_t kCapabilities13Unassigned = ~0x16fu;
constexpr std::uint32_t kPortConfig13Unassigned = ~0x65u;
constexpr std::uint32_t kPortState13Unassigned = ~0x7u;
constexpr std::uint32_t kPortFeatures13Unassigned = ~0xffffu;
constexpr std::uint32_t kVersionBitsUnassigned = ~0x3fu;
constexpr std::uint32_t kAsyncUnassigned = ~0x7u;

void port13(Out& o, std::string_view label, std::uint32_t v) {
  o << label;
  if (auto n = tok_name(kPorts13, v); !n.empty()) o << n;
  else o.u(v);
}

// A 32-bit field and its bit names.
// The 32-bit field is read before pfx and label are printed.
void bits32(Out& o, std::string_view pfx, std::string_view label, Cur& c, std::span<const Tok> t,
            std::uint32_t unassigned) {
  std::uint32_t v = c.u32();
  o << pfx << label << "0x", o.hex(v, 8), bitmap(o, t, v, unassigned);
}

// [OF13] 7.2.1: ofp_port, 64 bytes (c is at its start).
void port_desc13(PrintCtx& p, Cur c) {
  Out& o = p.o;
  port13(o, "\n\t  port_no ", c.u32());
  c.fwd(4);
  macn(o, ", hw_addr ", c.take(6));
  c.fwd(2);
  o << ", name '", print_name(o, c, 16), o << '\'';
  c.fwd(16);
  if (p.opt.verbose < 2) return c.check(32);
  bits32(o, "\n\t   ", "config ", c, kPortConfig13, kPortConfig13Unassigned);
  bits32(o, "\n\t   ", "state ", c, kPortState13, kPortState13Unassigned);
  for (std::string_view what : {"curr ", "advertised ", "supported ", "peer "})
    bits32(o, "\n\t   ", what, c, kPortFeatures13, kPortFeatures13Unassigned);
  num(o, "\n\t   curr_speed ", c.u32()), o << "kbps";
  num(o, "\n\t   max_speed ", c.peek32()), o << "kbps";
}

void features_reply13(Out& o, Cur c) {
  hexn(o, "\n\t dpid 0x", c.u64(), 16);
  num(o, ", n_buffers ", c.u32());
  num(o, ", n_tables ", c.u8());
  num(o, ", auxiliary_id ", c.u8());
  c.fwd(2);
  bits32(o, "\n\t ", "capabilities ", c, kCapabilities13, kCapabilities13Unassigned);
  c.check(4);
}

void hello_elements(Out& o, Cur c) {
  while (c.len) {
    if (c.len < 4) return c.invalid(o);
    std::uint16_t type = c.u16();
    name_or_invalid(o, "\n\t type ", kHelloElements, type, 4, "unknown");
    std::uint16_t elen = c.u16();
    num(o, ", length ", elen);
    if (elen < 4 || elen > 4 + c.len) return c.invalid(o);
    if (type == 1 && elen == 8) {
      std::uint32_t v = c.peek32();
      hexn(o, ", bitmap 0x", v, 8), bitmap(o, kVersionBits, v, kVersionBitsUnassigned);
    } else {
      if (type == 1) o << " (bogus)";
      c.check(elen - 4u);
    }
    c.fwd(elen - 4u);
  }
}

void error13(PrintCtx& p, Cur c) {
  Out& o = p.o;
  constexpr std::span<const Tok> kCodes[] = {kHelloFailed,    kBadRequest13,      kBadAction13,     kBadInstruction,
                                             kBadMatch,       kFlowModFailed13,   kGroupModFailed,  kPortModFailed13,
                                             kTableModFailed, kQueueOpFailed,     kSwitchConfigFailed,
                                             kRoleRequestFailed, kMeterModFailed, kTableFeaturesFailed};
  std::uint16_t type = c.u16();
  name_or_invalid(o, "\n\t type ", kErrorTypes13, type, 4);
  std::uint16_t code = c.u16();
  if (type < std::size(kCodes)) name_or_invalid(o, ", code ", kCodes[type], code, 4);
  else o << ", code invalid (0x", o.hex(code, 4) << ')';
  data(p, c);
}

void async13(Out& o, Cur c) {
  constexpr std::string_view kMasks[] = {"packet_in_mask[EM] ",    "packet_in_mask[S] ",
                                         "port_status_mask[EM] ",  "port_status_mask[S] ",
                                         "flow_removed_mask[EM] ", "flow_removed_mask[S] "};
  for (std::size_t k = 0; k < std::size(kMasks); ++k)
    bits32(o, "\n\t ", kMasks[k], c, k < 2 ? std::span<const Tok>(kAsyncReasons) : kAsyncPortReasons,
           kAsyncUnassigned);
}

void port_mod13(Out& o, Cur c) {
  port13(o, "\n\t port_no ", c.u32());
  c.fwd(4);
  macn(o, ", hw_addr ", c.take(6));
  c.fwd(2);
  bits32(o, "\n\t  ", "config ", c, kPortConfig13, kPortConfig13Unassigned);
  bits32(o, "\n\t  ", "mask ", c, kPortConfig13, kPortConfig13Unassigned);
  bits32(o, "\n\t  ", "advertise ", c, kPortFeatures13, kPortFeatures13Unassigned);
  c.check(4);
}

}  // namespace

void print_of13_body(PrintCtx& p, Bytes b, std::size_t at, std::uint32_t len, std::uint8_t type) {
  Out& o = p.o;
  Cur c{b, at, len};
  switch (type) {
    case 0: return hello_elements(o, c);
    case 1: return error13(p, c);
    case 2:
    case 3: return data(p, c);
    case 4: {
      std::uint32_t exp = c.u32();
      o << "\n\t experimenter 0x", o.hex(exp, 8) << " (";
      std::string_view n = (exp & 0xff000000) == 0 ? oui_name(exp) : tok_name(kOnfExperimenters, exp);
      o << (n.empty() ? std::string_view("unknown") : n) << ')';
      hexn(o, ", exp_type 0x", c.u32(), 8);
      return data(p, c);
    }
    case 6: return features_reply13(o, c);
    case 8:
    case 9:
      name_or_invalid(o, "\n\t flags ", kConfigFlags, c.u16(), 4);
      if (std::uint16_t v = c.peek16(); !tok_name(kMissSendLen, v).empty()) o << ", miss_send_len " << tok_name(kMissSendLen, v);
      else num(o, ", miss_send_len ", v);
      return;
    case 12: {
      std::uint8_t reason = c.u8();
      o << "\n\t reason ";
      if (auto n = tok_name(kPortReasons, reason); !n.empty()) o << n;
      else o << "invalid (0x02x)";  // tcpdump's format string, printed as is
      c.fwd(7);
      return port_desc13(p, c);
    }
    case 16: return port_mod13(o, c);
    case 17: {
      std::uint8_t table = c.u8();
      o << "\n\t table_id ";
      if (auto n = tok_name(kTables13, table); !n.empty()) o << n;
      else o.u(table);
      c.fwd(3);
      return hexn(o, ", config 0x", c.peek32(), 8);
    }
    case 22: port13(o, "\n\t port ", c.u32()); return c.check(4);
    case 24:
    case 25:
      name_or_invalid(o, "\n\t role ", kRoles, c.u32(), 8);
      c.fwd(4);
      return hexn(o, ", generation_id 0x", c.peek64(), 16);
    case 27:
    case 28: return async13(o, c);
    default: return c.check(len);
  }
}

}  // namespace netlab::proto
