// Marvell switch tags (LINKTYPE_DSA_TAG_DSA 284, LINKTYPE_DSA_TAG_EDSA 285):
// a 4-byte DSA tag (mode, tagged bit, device, port or trunk, CFI, priority,
// VID) between an Ethernet frame's source address and its type; EDSA puts
// a programmable ethertype and two reserved bytes before it. The text
// follows tcpdump 4.99.3's print-dsa.c: "DSA Forward port 0.1, VLAN 0u, "
// before the payload at -n, the fields named under -e.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

enum Mode : std::uint8_t { ToCpu = 0, FromCpu = 1, ToSniffer = 2, Forward = 3 };
constexpr Tok kModes[] = {{ToCpu, "To CPU"}, {FromCpu, "From CPU"}, {ToSniffer, "To Sniffer"}, {Forward, "Forward"}};
constexpr Tok kCodes[] = {{0, "BPDU (MGMT) Trap"}, {1, "Frame2Reg"},   {2, "IGMP/MLD Trap"},
                          {3, "Policy Trap"},      {4, "ARP Mirror"}, {5, "Policy Mirror"}};

struct Fields {
  std::uint8_t mode, dev, port, pri, code;
  bool tagged, trunk, cfi;
  std::uint16_t vid;
};

Fields fields(Bytes t) {
  Fields f{};
  f.mode = t[0] >> 6;
  f.tagged = t[0] & 0x20;
  f.dev = t[0] & 0x1f;
  f.port = t[1] >> 3;
  f.trunk = t[1] & 0x04;  // also To Sniffer's Rx bit
  f.cfi = t[1] & 0x01;
  f.pri = t[2] >> 5;
  f.vid = static_cast<std::uint16_t>((t[2] & 0x0f) << 8 | t[3]);
  f.code = static_cast<std::uint8_t>(((t[1] >> 1) & 0x03) << 1 | ((t[2] >> 4) & 0x01));
  return f;
}

void dev_port(Out& o, const Fields& f) {
  o.u(f.dev) << '.';
  o.u(f.port);
}

void common(Out& o, bool eflag, Bytes t) {
  Fields f = fields(t);
  if (eflag) {
    o << "mode ";
    name_or(o, kModes, f.mode, "unknown") << ", ";
    switch (f.mode) {
      case Forward:
        o << "dev ";
        o.u(f.dev) << ", " << (f.trunk ? "trunk " : "port ");
        o.u(f.port) << ", ";
        break;
      case FromCpu:
        o << "target dev ";
        o.u(f.dev) << ", port ";
        o.u(f.port) << ", ";
        break;
      case ToCpu:
        o << "source dev ";
        o.u(f.dev) << ", port ";
        o.u(f.port) << ", code ";
        name_or(o, kCodes, f.code, "reserved") << ", ";
        break;
      default:  // ToSniffer
        o << "source dev ";
        o.u(f.dev) << ", port ";
        o.u(f.port) << ", " << (f.trunk ? "ingress" : "egress") << " sniff, ";
        break;
    }
    o << (f.tagged ? "tagged, " : "untagged, ");
    if (f.cfi) o << "CFI, ";
    o << "VID ";
    o.u(f.vid) << ", FPri ";
    o.u(f.pri) << ", ";
    return;
  }
  switch (f.mode) {
    case Forward:
      o << "Forward " << (f.trunk ? "trunk " : "port ");
      dev_port(o, f);
      o << ", ";
      break;
    case FromCpu:
      o << "CPU > port ";
      dev_port(o, f);
      o << ", ";
      break;
    case ToCpu:
      o << "port ";
      dev_port(o, f);
      o << " > CPU, ";
      break;
    default:
      o << "port ";
      dev_port(o, f);
      o << " > " << (f.trunk ? "Rx" : "Tx") << " Sniffer, ";
      break;
  }
  o << "VLAN ";
  o.u(f.vid) << (f.tagged ? 't' : 'u') << ", ";
}

}  // namespace

void print_dsa_tag(Out& o, const PrintOptions& opt, const SwitchTagL& t) {
  bool eflag = opt.link_header;
  if (t.kind == SwitchTagL::Dsa) {
    o << (eflag ? "Marvell DSA " : "DSA ");
    common(o, eflag, t.tag);
    return;
  }
  std::uint16_t etype = be16_at(t.tag, 0);
  if (eflag) {
    std::string_view name = ethertype_name(etype);
    o << "Marvell EDSA ethertype 0x";
    o.hex(etype, 4) << " (" << (name.empty() ? std::string_view("Unknown") : name) << "), rsvd ";
    o.u(t.tag[2]) << ' ';
    o.u(t.tag[3]) << ", ";
  } else {
    o << "EDSA 0x";
    o.hex(etype, 4) << ", ";
  }
  common(o, eflag, t.tag.subspan(4));
}

void json_dsa_tag(JsonWriter& w, const SwitchTagL& t) {
  Bytes tag = t.tag;
  if (t.kind == SwitchTagL::Edsa) {
    w.member("edsa_ethertype", be16_at(tag, 0));
    tag = tag.subspan(4);
  }
  Fields f = fields(tag);
  static constexpr std::string_view kModeKeys[] = {"to_cpu", "from_cpu", "to_sniffer", "forward"};
  w.member("mode", kModeKeys[f.mode]);
  w.member("tagged", f.tagged);
  w.member("dev", f.dev);
  w.member("port", f.port);
  if (f.mode == Forward) w.member("trunk", f.trunk);
  if (f.mode == ToSniffer) w.member("rx_sniff", f.trunk);
  if (f.mode == ToCpu) w.member("code", f.code);
  w.member("cfi", f.cfi);
  w.member("vid", f.vid);
  w.member("fpri", f.pri);
}

}  // namespace netlab::proto
