// Apple's PKTAP (LINKTYPE_PKTAP 258, and LINKTYPE_USER2 149, which tcpdump
// 4.99.3 prints as PKTAP too): a little-endian header of at least 108 bytes
// (its own length, record type, the inner link type, interface name, flags,
// protocol family, process id and command name, ...), then the packet of
// the inner link type (a DLT value). The text follows tcpdump 4.99.3's
// print-pktap.c: nothing of the header at -n, "DLT EN10MB (1) len 108,
// length 182: " under -e (the name libpcap gives the DLT), then the inner
// link type's own printer, as netlab prints that link type in a file of its
// own (BSD loopback, Ethernet, raw IP with its "ip: " under -e, PPP, Linux
// cooked, NFLOG, ...; PKTAP again). An inner link type without a printer is
// the header (-e or not) and the bytes in hex; a record that is not a packet
// prints "no data" (0) or nothing.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::uint32_t kMinHdr = 108;
// libpcap 1.10's pcap_datalink_val_to_name, as tcpdump 4.99.3 shows them
// (read back from crafted PKTAP records); any other value is "UNKNOWN".
constexpr Tok kDlts[] = {
    {0, "NULL"}, {1, "EN10MB"}, {6, "IEEE802"}, {7, "ARCNET"}, {8, "SLIP"}, {9, "PPP"}, {10, "FDDI"},
    {11, "ATM_RFC1483"}, {12, "RAW"}, {15, "SLIP_BSDOS"}, {16, "PPP_BSDOS"}, {19, "ATM_CLIP"},
    {50, "PPP_SERIAL"}, {51, "PPP_ETHER"}, {99, "SYMANTEC_FIREWALL"}, {104, "C_HDLC"}, {105, "IEEE802_11"},
    {107, "FRELAY"}, {108, "LOOP"}, {109, "ENC"}, {113, "LINUX_SLL"}, {114, "LTALK"}, {117, "PFLOG"},
    {119, "PRISM_HEADER"}, {122, "IP_OVER_FC"}, {123, "SUNATM"}, {127, "IEEE802_11_RADIO"},
    {129, "ARCNET_LINUX"}, {130, "JUNIPER_MLPPP"}, {131, "JUNIPER_MLFR"}, {132, "JUNIPER_ES"},
    {133, "JUNIPER_GGSN"}, {134, "JUNIPER_MFR"}, {135, "JUNIPER_ATM2"}, {136, "JUNIPER_SERVICES"},
    {137, "JUNIPER_ATM1"}, {138, "APPLE_IP_OVER_IEEE1394"}, {139, "MTP2_WITH_PHDR"}, {140, "MTP2"},
    {141, "MTP3"}, {142, "SCCP"}, {143, "DOCSIS"}, {144, "LINUX_IRDA"}, {163, "IEEE802_11_RADIO_AVS"},
    {164, "JUNIPER_MONITOR"}, {165, "BACNET_MS_TP"}, {166, "PPP_PPPD"}, {167, "JUNIPER_PPPOE"},
    {168, "JUNIPER_PPPOE_ATM"}, {169, "GPRS_LLC"}, {170, "GPF_T"}, {171, "GPF_F"}, {174, "JUNIPER_PIC_PEER"},
    {175, "ERF_ETH"}, {176, "ERF_POS"}, {177, "LINUX_LAPD"}, {178, "JUNIPER_ETHER"}, {179, "JUNIPER_PPP"},
    {180, "JUNIPER_FRELAY"}, {181, "JUNIPER_CHDLC"}, {182, "MFR"}, {183, "JUNIPER_VP"}, {184, "A429"},
    {185, "A653_ICM"}, {186, "USB_FREEBSD"}, {187, "BLUETOOTH_HCI_H4"}, {188, "IEEE802_16_MAC_CPS"},
    {189, "USB_LINUX"}, {190, "CAN20B"}, {191, "IEEE802_15_4_LINUX"}, {192, "PPI"},
    {193, "IEEE802_16_MAC_CPS_RADIO"}, {194, "JUNIPER_ISM"}, {195, "IEEE802_15_4"}, {196, "SITA"}, {197, "ERF"},
    {198, "RAIF1"}, {199, "IPMB_KONTRON"}, {200, "JUNIPER_ST"}, {201, "BLUETOOTH_HCI_H4_WITH_PHDR"},
    {202, "AX25_KISS"}, {209, "IPMB_LINUX"}, {215, "IEEE802_15_4_NONASK_PHY"}, {216, "LINUX_EVDEV"},
    {219, "MPLS"}, {220, "USB_LINUX_MMAPPED"}, {221, "DECT"}, {222, "AOS"}, {223, "WIHART"}, {224, "FC_2"},
    {225, "FC_2_WITH_FRAME_DELIMS"}, {226, "IPNET"}, {227, "CAN_SOCKETCAN"}, {228, "IPV4"}, {229, "IPV6"},
    {230, "IEEE802_15_4_NOFCS"}, {231, "DBUS"}, {232, "JUNIPER_VS"}, {233, "JUNIPER_SRX_E2E"},
    {234, "JUNIPER_FIBRECHANNEL"}, {235, "DVB_CI"}, {236, "MUX27010"}, {237, "STANAG_5066_D_PDU"},
    {238, "JUNIPER_ATM_CEMIC"}, {239, "NFLOG"}, {240, "NETANALYZER"}, {241, "NETANALYZER_TRANSPARENT"},
    {242, "IPOIB"}, {243, "MPEG_2_TS"}, {244, "NG40"}, {245, "NFC_LLCP"}, {246, "PFSYNC"}, {247, "INFINIBAND"},
    {248, "SCTP"}, {249, "USBPCAP"}, {250, "RTAC_SERIAL"}, {251, "BLUETOOTH_LE_LL"}, {253, "NETLINK"},
    {254, "BLUETOOTH_LINUX_MONITOR"}, {255, "BLUETOOTH_BREDR_BB"}, {256, "BLUETOOTH_LE_LL_WITH_PHDR"},
    {257, "PROFIBUS_DL"}, {258, "PKTAP"}, {259, "EPON"}, {260, "IPMI_HPM_2"}, {261, "ZWAVE_R1_R2"},
    {262, "ZWAVE_R3"}, {263, "WATTSTOPPER_DLM"}, {264, "ISO_14443"}, {265, "RDS"}, {266, "USB_DARWIN"},
    {267, "OPENFLOW"}, {268, "SDLC"}, {269, "TI_LLN_SNIFFER"}, {271, "VSOCK"}, {272, "NORDIC_BLE"},
    {273, "DOCSIS31_XRA31"}, {274, "ETHERNET_MPACKET"}, {275, "DISPLAYPORT_AUX"}, {276, "LINUX_SLL2"},
    {278, "OPENVIZSLA"}, {279, "EBHSCR"}, {280, "VPP_DISPATCH"}, {281, "DSA_TAG_BRCM"},
    {282, "DSA_TAG_BRCM_PREPEND"}, {283, "IEEE802_15_4_TAP"}, {284, "DSA_TAG_DSA"}, {285, "DSA_TAG_EDSA"},
    {286, "ELEE"}, {287, "Z_WAVE_SERIAL"}, {288, "USB_2_0"}, {289, "ATSC_ALP"}
};

// The inner link types tcpdump 4.99.3 has a printer for and netlab decodes
// the same way. DLT_RAW is 12 here: 14 (OpenBSD's) and 101 (a LINKTYPE_
// value) have none.
bool inner_decoded(std::uint32_t dlt) {
  if (dlt == 14 || dlt == 101) return false;
  if (dlt == 149) return true;  // PKTAP in PKTAP
  return dlt <= 0xffff && linktype_is_known(static_cast<int>(dlt));
}

// raw_if_print's link types: "ip: " under -e, then ipN_print.
bool inner_raw(std::uint32_t dlt) { return dlt == 12 || dlt == 228 || dlt == 229; }

std::uint32_t le32_at(Bytes b, std::size_t at) {
  Bytes x = sub(b, at, 4);
  return std::uint32_t(x[3]) << 24 | std::uint32_t(x[2]) << 16 | std::uint32_t(x[1]) << 8 | x[0];
}

void header(Out& o, const PrintOptions& opt, const PktapL& l, std::uint32_t length) {
  std::string_view name = tok_name(kDlts, l.dlt);
  if (name.empty()) name = "UNKNOWN";
  if (!opt.quiet) {
    o << "DLT " << name << " (";
    o.u(l.dlt) << ") len ";
    o.u(l.hdr_len);
  } else {
    o << name;
  }
  o << ", length ";
  o.u(length) << ": ";
}

}  // namespace

void decode_pktap(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "pktap";
  auto& l = c.d.push<PktapL>();
  l.length = length;
  if (length < kMinHdr) {
    l.note = 1;
    c.d[c.d.size() - 1].status = Status::Invalid;
    return;
  }
  l.note = 4;  // until the header is read whole: a cut one prints nothing but " [|pktap]"
  Bytes all = r.rest();
  l.hdr_len = le32_at(all, 0);
  l.rectype = le32_at(all, 4);
  l.dlt = le32_at(all, 8);
  if (l.hdr_len < kMinHdr || l.hdr_len > length) {
    l.note = l.hdr_len < kMinHdr ? 2 : 3;
    c.d[c.d.size() - 1].status = Status::Invalid;
    return;
  }
  r.require(l.hdr_len);
  l.note = 0;
  l.ifname = sub(all, 12, 24);
  l.pid = le32_at(all, 52);
  l.cmdname = sub(all, 56, 20);
  r.skip(l.hdr_len);
  length -= l.hdr_len;
  if (l.rectype != 1) return;  // 0: "no data"; others print nothing
  if (!inner_decoded(l.dlt)) {
    c.d.push<UnknownL>({0, r.rest()});
    return;
  }
  if (inner_raw(l.dlt)) {  // ipN_print's own checks
    if (length < 1) {
      l.empty_ip = true;
      return;
    }
    c.d.trunc_proto = "ipn";
    if (!r.has(1)) throw Truncated{};
  }
  decode_link(c, static_cast<int>(l.dlt), r, length);
}

void print_pktap(PrintCtx& p, std::size_t i) {
  p.proto = "pktap";
  const auto& l = at<PktapL>(p.d, i);
  Out& o = p.o;
  switch (l.note) {
    case 1:
      o << " (packet too short, ";
      o.u(l.length) << " < ";
      o.u(kMinHdr) << ") (invalid)";
      return;
    case 2:
      o << " (pkt_len too small, ";
      o.u(l.hdr_len) << " < ";
      o.u(kMinHdr) << ") (invalid)";
      return;
    case 3:
      o << " (pkt_len too big, ";
      o.u(l.hdr_len) << " > ";
      o.u(l.length) << ") (invalid)";
      return;
    case 4:
      return;
    default:
      break;
  }
  if (p.opt.link_header) header(o, p.opt, l, l.length);
  if (l.rectype == 0) {
    o << "no data";
    return;
  }
  if (l.rectype != 1) return;
  if (inner_raw(l.dlt) && p.opt.link_header) o << "ip: ";
  if (l.empty_ip) {
    o << "truncated-ip 0";
    return;
  }
  print_link_payload(p, i, [&] { header(o, p.opt, l, l.length); });
}

std::size_t pktap_link_header_length(const PktapL& l, std::size_t inner) {
  // tcpdump 4.99.3 counts the inner link header twice: the inner printer
  // adds its length to the link header length, and pktap_if_print adds it
  // again with its own header's.
  if (l.note) return 0;
  return l.hdr_len + 2 * inner;
}

void json_pktap(JsonWriter& w, const PktapL& l) {
  auto text = [](Bytes b) {
    std::size_t k = 0;
    while (k < b.size() && b[k] != 0) ++k;
    return std::string(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(k));
  };
  w.member("layer", "pktap");
  w.member("header_length", l.hdr_len);
  if (l.note) return;
  w.member("record_type", l.rectype);
  w.member("dlt", l.dlt);
  if (auto n = tok_name(kDlts, l.dlt); !n.empty()) w.member("dlt_name", n);
  w.member("ifname", text(l.ifname));
  w.member("pid", l.pid);
  w.member("command", text(l.cmdname));
}

}  // namespace netlab::proto
