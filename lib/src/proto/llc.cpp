// IEEE 802.2 LLC (ISO/IEC 8802-2: DSAP, SSAP and the U, I and S control
// fields) after an 802.3 length field, and the SNAP header (IEEE 802-2014
// clause 10: OUI and protocol id) with what it carries: an ethertype under
// OUI 00-00-00, Cisco's PVST+ BPDUs, and 802.1D BPDUs under SAP 0x42. The
// text follows tcpdump 4.99.3's print-llc.c (llc_print, snap_print).
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::uint8_t kSapSnap = 0xaa, kSapStp = 0x42, kSapIp = 0x06, kUi = 0x03, kXid = 0xaf;
constexpr std::uint32_t kOuiEther = 0x000000, kOuiCisco = 0x00000c, kOuiCisco90 = 0x0000f8, kOuiBridged = 0x0080c2;

constexpr Tok kSaps[] = {{0x00, "Null"},    {0xff, "Global"},   {0x02, "802.1B I"}, {0x03, "802.1B G"},
                         {0x06, "IP"},      {0x04, "SNA"},      {0x0e, "ProWay NM"}, {0x42, "STP"},
                         {0x4e, "RS511"},   {0x7e, "ISO8208"},  {0x8e, "ProWay"},   {0xaa, "SNAP"},
                         {0xe0, "IPX"},     {0xf0, "NetBeui"},  {0xfe, "OSI"}};
constexpr Tok kUCommands[] = {{0x03, "ui"}, {0xe3, "test"}, {0xaf, "xid"}, {0x63, "ua"},
                              {0x43, "disc"}, {0x0f, "dm"}, {0x6f, "sabme"}, {0x87, "frmr"}};
constexpr Tok kFlags[] = {{0x000, "Command"}, {0x001, "Response"}, {0x010, "Poll"},
                          {0x011, "Final"},   {0x100, "Poll"},     {0x101, "Final"}};
constexpr Tok kSupervisory[] = {{0, "Receiver Ready"}, {1, "Receiver not Ready"}, {2, "Reject"}};

constexpr Tok kCiscoPids[] = {{0x2000, "CDP"}, {0x2004, "DTP"}, {0x0111, "UDLD"},
                              {0x2003, "VTP"}, {0x010b, "PVST"}, {0x010c, "VLAN Bridge"}};
constexpr Tok kBridgedPids[] = {{0x01, "Ethernet + FCS"},     {0x07, "Ethernet w/o FCS"}, {0x02, "802.4 + FCS"},
                                {0x08, "802.4 w/o FCS"},      {0x03, "Token Ring + FCS"}, {0x09, "Token Ring w/o FCS"},
                                {0x04, "FDDI + FCS"},         {0x0a, "FDDI w/o FCS"},     {0x05, "802.6 + FCS"},
                                {0x0e, "BPDU"}};

std::string_view sap_name(std::uint8_t sap) {
  auto name = tok_name(kSaps, sap);
  return name.empty() ? std::string_view("Unknown") : name;
}

bool is_snap(const LlcL& l) {
  return (l.dsap_field & 0xfe) == kSapSnap && (l.ssap_field & 0xfe) == kSapSnap && l.control == kUi;
}

std::string_view pid_name(std::uint32_t oui, std::uint16_t pid) {
  switch (oui) {
    case kOuiEther:
    case kOuiCisco90:
    case 0x080007: return ethertype_name(pid);
    case kOuiCisco: return tok_name(kCiscoPids, pid);
    case kOuiBridged: return tok_name(kBridgedPids, pid);
    default: return {};
  }
}

// The Ethernet addresses in front of this LLC layer, for the lines that
// name them when -e did not.
const EthernetL* ether_before(const Decoded& d, std::size_t i) {
  while (i > 0) {
    --i;
    if (is<EthernetL>(d, i)) return &at<EthernetL>(d, i);
    if (!is<VlanL>(d, i) && !is<AristaL>(d, i)) return nullptr;  // Arista's header goes back to the type field
  }
  return nullptr;
}

void read_snap(Ctx& c, LlcL& l, ByteReader r, std::uint32_t rest);

void print_unknown_hex(PrintCtx& p, const LlcL& l) {
  if (p.opt.hex == HexStyle::None) hex_dump(p.o, l.data, true);
}

}  // namespace

// tcpdump's OUI names (oui.c), shared with LLDP.
std::string_view oui_name(std::uint32_t oui) {
  static constexpr Tok kOuis[] = {
      {0x000000, "Ethernet"},        {0x00000c, "Cisco"},       {0x00005e, "IANA"},
      {0x000081, "Nortel Networks SONMP"}, {0x0000f8, "Cisco bridged"}, {0x0080c2, "Ethernet bridged"},
      {0x00a03e, "ATM Forum"},       {0x00e02f, "DOCSIS Spanning Tree"}, {0x080007, "Appletalk"},
      {0x009069, "Juniper"},         {0x080009, "Hewlett-Packard"}, {0x00120f, "IEEE 802.3 Private"},
      {0x0012bb, "ANSI/TIA"},        {0x001b21, "DCBX"},        {0x002320, "Nicira Networks"},
      {0x5c16c7, "Big Switch Networks"}, {0xb0d2f5, "Vello Systems"}, {0x002481, "HP"},
      {0x0004ea, "HP-Labs"},         {0x748771, "Infoblox Inc"}, {0xa42305, "Open Networking Lab"},
      {0x00049f, "Freescale"},       {0x0015ad, "Netronome"},   {0x001018, "Broadcom"},
      {0x00e004, "PMC-Sierra"},      {0xd0f0db, "Ericsson"}};
  return tok_name(kOuis, oui);
}

void decode_llc(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "llc";
  auto& l = c.d.push<LlcL>();
  l.length = length;
  l.data = r.rest();
  if (length < 3 || !r.has(3)) return;  // printed as " [|llc]" and the bytes
  l.dsap_field = r.peek8(0);
  l.ssap_field = r.peek8(1);
  l.control = r.peek8(2);
  if ((l.control & 3) == 3) {
    l.hdrlen = 3;
  } else {
    if (length < 4 || !r.has(4)) return;
    l.control = static_cast<std::uint16_t>(r.peek8(2) | r.peek8(3) << 8);
    l.hdrlen = 4;
  }
  l.stage = 1;
  r.skip(l.hdrlen);
  std::uint32_t rest = length - l.hdrlen;
  std::uint8_t dsap = l.dsap_field & 0xfe, ssap = l.ssap_field & 0xfe;
  if (l.dsap_field == 0xff && l.ssap_field == 0xff) return;  // raw 802.3 IPX: not decoded
  if (is_snap(l)) {
    read_snap(c, l, r, rest);
    return;
  }
  if (l.control != kUi || dsap != ssap) return;
  if (dsap == kSapStp) decode_stp(c, r, rest);
  else if (dsap == kSapIp) decode_ipv4(c, r, rest);
  else if (dsap == 0xfe && rest >= 1 && r.has(1) && r.peek8(0) == 0x83) decode_isis(c, r, rest);  // OSI: IS-IS
}

void decode_snap(Ctx& c, ByteReader r, std::uint32_t length) {
  auto& l = c.d.push<LlcL>();
  l.length = length;
  l.data = r.rest();
  l.stage = 1;  // hdrlen 0: no LLC header
  read_snap(c, l, r, length);
}

namespace {

// The SNAP header at r (rest bytes long) into l, then what it carries.
void read_snap(Ctx& c, LlcL& l, ByteReader r, std::uint32_t rest) {
  c.d.trunc_proto = "snap";
  if (rest < 5 || !r.has(5)) throw Truncated{};
  l.oui = r.be24();
  l.pid = r.be16();
  l.stage = 2;
  std::uint32_t inner = rest - 5;
  switch (l.oui) {
    case kOuiEther:
    case kOuiCisco90:
      if (l.pid == 0x0800 || l.pid == 0x86dd || l.pid == 0x0806 || l.pid == 0x8035 || l.pid == 0x88cc)
        decode_ethertype(c, l.pid, r, inner);
      return;
    case kOuiCisco:
      if (l.pid == 0x010b || l.pid == 0x010c) decode_stp(c, r, inner);
      else if (l.pid == 0x0111) decode_udld(c, r, inner);
      else if (l.pid == 0x2000) decode_cdp(c, r, inner);
      else if (l.pid == 0x2003) decode_vtp(c, r, inner);
      else if (l.pid == 0x2004) decode_dtp(c, r, inner);
      return;
    case kOuiBridged:
      if (l.pid == 0x0e) decode_stp(c, r, inner);
      return;
    default:
      return;
  }
}

// The SNAP part of an LLC header (OUI and protocol id): its names under -e,
// then the layer inside, or tcpdump's own line and a dump when there is none.
void print_snap(PrintCtx& p, std::size_t i, bool next) {
  const auto& l = at<LlcL>(p.d, i);
  Out& o = p.o;
  bool eflag = p.opt.link_header;
  std::uint32_t rest = l.length - l.hdrlen;
  p.proto = "snap";
  if (l.stage < 2) return;  // " [|snap]" follows
  std::string_view pid = pid_name(l.oui, l.pid);
  if (eflag) {
    o << "oui " << (oui_name(l.oui).empty() ? std::string_view("Unknown") : oui_name(l.oui)) << " (0x";
    o.hex(l.oui, 6) << "), " << (l.oui == 0 ? "ethertype " : "pid ") << (pid.empty() ? std::string_view("Unknown") : pid)
                    << " (0x";
    o.hex(l.pid, 4) << "), length ";
    o.u(rest - 5) << ": ";
  }
  if (next) {
    print_layers(p, i + 1);
    return;
  }
  if (!eflag) {
    if (const EthernetL* eth = ether_before(p.d, i)) {
      o.mac(eth->src) << " > ";
      o.mac(eth->dst) << ' ';
    }
    if (l.oui == 0) {
      o << "SNAP, ethertype " << (pid.empty() ? std::string_view("Unknown") : pid) << " (0x";
    } else {
      o << "SNAP, oui " << (oui_name(l.oui).empty() ? std::string_view("Unknown") : oui_name(l.oui)) << " (0x";
      o.hex(l.oui, 6) << "), pid " << (pid.empty() ? std::string_view("Unknown") : pid) << " (0x";
    }
    o.hex(l.pid, 4) << "), length ";
    o.u(rest - 5) << ": ";
  }
  if (l.hdrlen != 0) print_unknown_hex(p, l);  // SNAP alone: its carrier dumps the frame
}

// Without -e tcpdump names the MACs and SAPs itself: "src > dst SAP" when
// both SAPs are the same, "src SSAP > dst DSAP" when they differ.
void print_sap_addresses(Out& o, const EthernetL* eth, std::uint8_t dsap, std::uint8_t ssap) {
  auto sap = [&](std::uint8_t v, std::string_view unknown) {
    if (auto name = tok_name(kSaps, v); !name.empty()) o << name;
    else o << unknown, o.hex(v, 2);
  };
  if (ssap == dsap) {
    if (eth) {
      o.mac(eth->src) << " > ";
      o.mac(eth->dst) << ' ';
    }
    sap(dsap, "Unknown DSAP 0x");
    o << ' ';
  } else {
    if (eth) o.mac(eth->src) << ' ';
    sap(ssap, "Unknown SSAP 0x");
    o << " > ";
    if (eth) o.mac(eth->dst) << ' ';
    sap(dsap, "Unknown DSAP 0x");
    o << ' ';
  }
}

// The control field by its format (U, S or I frame); false when the line is
// complete without the payload dump (S frames, an XID's own fields, a cut XID).
bool print_control(PrintCtx& p, const LlcL& l) {
  Out& o = p.o;
  std::uint32_t rest = l.length - l.hdrlen;
  auto flags = [&](std::uint16_t poll) {
    auto name = tok_name(kFlags, (l.ssap_field & 1u) | (l.control & poll));
    o << (name.empty() ? std::string_view("?") : name);
  };
  if (l.hdrlen == 3) {
    o << "Unnumbered, ";
    if (auto name = tok_name(kUCommands, l.control & 0xef); !name.empty()) o << name;
    else o.hex(l.control & 0xef, 2);
    o << ", Flags [";
    flags(0x10);
    o << "], length ";
    o.u(l.length);
    if ((l.control & 0xef) == kXid) {
      if (rest == 0) return false;
      Bytes payload = l.data.subspan(std::min<std::size_t>(l.hdrlen, l.data.size()));
      if (payload.empty()) {
        o << " [|llc]";
        return false;
      }
      if (payload[0] == 0x81) {
        if (payload.size() < 3 || rest < 3) {
          o << " [|llc]";
          if (p.opt.hex == HexStyle::None) hex_dump(o, payload, true);
        } else {
          o << ": ";
          o.hex(payload[1], 2) << ' ';
          o.hex(payload[2], 2);
        }
        return false;
      }
    }
  } else if ((l.control & 3) == 1) {
    o << "Supervisory, ";
    auto sname = tok_name(kSupervisory, (l.control >> 2) & 3);
    o << (sname.empty() ? std::string_view("?") : sname) << ", rcv seq ";
    o.u((l.control >> 9) & 0x7f) << ", Flags [";
    flags(0x100);
    o << "], length ";
    o.u(l.length);
    return false;
  } else {
    o << "Information, send seq ";
    o.u((l.control >> 1) & 0x7f) << ", rcv seq ";
    o.u((l.control >> 9) & 0x7f) << ", Flags [";
    flags(0x100);
    o << "], length ";
    o.u(l.length);
  }
  return true;
}

}  // namespace

void print_llc(PrintCtx& p, std::size_t i) {
  p.proto = "llc";
  const auto& l = at<LlcL>(p.d, i);
  Out& o = p.o;
  bool eflag = p.opt.link_header;
  if (l.stage < 1) {
    o << " [|llc]";
    if (p.opt.hex == HexStyle::None) hex_dump(o, l.data, true);
    return;
  }
  std::uint8_t dsap = l.dsap_field & 0xfe, ssap = l.ssap_field & 0xfe;
  if (l.dsap_field == 0xff && l.ssap_field == 0xff) {
    if (eflag) o << "IPX 802.3: ";
    print_unknown_hex(p, l);
    return;
  }
  if (l.hdrlen == 0) {  // SNAP alone: its printer says the rest
    print_snap(p, i, i + 1 < p.d.size() && !is<UnknownL>(p.d, i + 1));
    return;
  }
  if (eflag) {
    o << "LLC, dsap ";
    o << sap_name(dsap) << " (0x";
    o.hex(dsap, 2) << ") " << ((l.dsap_field & 1) ? "Group" : "Individual") << ", ssap ";
    o << sap_name(ssap) << " (0x";
    o.hex(ssap, 2) << ") " << ((l.ssap_field & 1) ? "Response" : "Command") << ", ctrl 0x";
    o.hex(l.control, l.hdrlen == 3 ? 2 : 4) << ": ";
  }
  bool next = i + 1 < p.d.size() && !is<UnknownL>(p.d, i + 1);
  if (is_snap(l)) return print_snap(p, i, next);
  if (next) {  // STP or IP under their SAPs
    print_layers(p, i + 1);
    return;
  }
  if (!eflag) print_sap_addresses(o, ether_before(p.d, i), dsap, ssap);
  if (print_control(p, l)) print_unknown_hex(p, l);
}

void json_llc(JsonWriter& w, const LlcL& l) {
  w.member("layer", l.hdrlen == 0 && l.stage >= 1 ? "snap" : "llc");
  w.member("length", l.length);
  if (l.stage < 1) return;
  if (l.hdrlen == 0) {
    if (l.stage < 2) return;
    w.member("oui", l.oui);
    w.member("pid", l.pid);
    return;
  }
  w.member("dsap", l.dsap_field & 0xfe);
  w.member("dsap_group", (l.dsap_field & 1) != 0);
  w.member("ssap", l.ssap_field & 0xfe);
  w.member("ssap_response", (l.ssap_field & 1) != 0);
  w.member("control", l.control);
  w.member("format", l.hdrlen == 3 ? "U" : (l.control & 3) == 1 ? "S" : "I");
  if (l.stage < 2) return;
  w.member("oui", l.oui);
  w.member("pid", l.pid);
}

}  // namespace netlab::proto
