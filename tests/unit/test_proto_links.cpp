// Link types without Ethernet (nflog.cpp, ipoib.cpp, ipnet.cpp, arcnet.cpp,
// chdlc.cpp, pktap.cpp) and Ethernet with switch tags (dsa.cpp,
// brcmtag.cpp), and LINKTYPE_IPV4/IPV6 read as tcpdump 4.99.3's ipN_print:
// the -n and -e text, hostile lengths, every truncation prefix and seeded
// mutations (never a read past the capture: run under the asan preset), and
// the typed JSON. Expected text is tcpdump 4.99.3's for the same bytes.

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

constexpr int kNflog = 239, kIpoib = 242, kIpnet = 226, kArcBsd = 7, kArcLinux = 129, kChdlc = 104, kPktap = 258,
              kBrcm = 281, kBrcmPrepend = 282, kDsa = 284, kEdsa = 285, kIpv4 = 228, kIpv6 = 229, kAtm = 11;

Frame udp4() { return ipv4(17, cat({be16(1024), be16(9), be16(12), be16(0), {1, 2, 3, 4}})); }
const std::string kUdpLine = "192.0.2.1.1024 > 192.0.2.2.9: UDP, length 4\n";

Frame le16(unsigned v) { return {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8)}; }
Frame le32(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v >> 16),
          static_cast<std::uint8_t>(v >> 24)};
}

Frame nflog(std::uint8_t family, const Frame& payload) {
  // A prefix TLV ("a", NUL included, padded to 8), then the payload TLV.
  return cat({{family, 0x00, 0x00, 0x14}, le16(6), le16(10), {'a', 0, 0, 0}, le16(4 + payload.size()), le16(9),
              payload});
}

Frame macs() { return {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01}; }

Frame slarp_keepalive(bool uptime) {
  Frame f = cat({{0x8f, 0x00}, be16(0x8035), be32(2), be32(5), be32(2), be16(0xffff)});
  if (uptime) f = cat({f, be32(7925922)});
  return f;
}

}  // namespace

TEST_CASE("NFLOG: the payload TLV's datagram and the -e header", "[proto][links]") {
  Frame f = nflog(2, udp4());
  CHECK(print(f, {}, kNflog) == "IP " + kUdpLine);
  CHECK(print(f, v(0, true), kNflog) ==
        "version 0, resource ID 20, family IPv4 (2), length " + std::to_string(f.size()) + ": " + kUdpLine);
  // Another version: tcpdump stops at the header.
  Frame v1 = f;
  v1[1] = 1;
  CHECK(print(v1, {}, kNflog) == "version 1 (unknown)\n");
  // A TLV longer than the capture, or a family neither IPv4 nor IPv6.
  Frame cut(f.begin(), f.begin() + 10);
  CHECK(print(cut, {}, kNflog, static_cast<std::uint32_t>(f.size())) == " [|nflog_if]\n");
  Frame other = nflog(7, {0xde, 0xad, 0xbe, 0xef});
  CHECK(print(other, {}, kNflog).rfind("version 0, resource ID 20, family Unknown (7), length 8: \n\t0x0000:  dead beef", 0) == 0);
  // A payload TLV whose padded length runs past the capture.
  CHECK(print(nflog(2, {0x45, 0x00}), {}, kNflog) == " [|nflog_if]\n");
}

TEST_CASE("NFLOG: JSON types the TLVs", "[proto][links][json]") {
  auto doc = testjson::parse(print(nflog(2, udp4()), json(), kNflog));
  const auto& l = doc["layers"].array().at(0);
  CHECK(l["layer"].str() == "nflog");
  CHECK(l["resource_id"].num() == 20);
  CHECK(l["tlvs"].array().at(0)["prefix"].str() == "a");
  CHECK(doc["layers"].array().at(1)["layer"].str() == "ipv4");
}

TEST_CASE("LINKTYPE_IPV4 and IPV6 follow the version nibble", "[proto][links]") {
  CHECK(print(udp4(), {}, kIpv6) == "IP " + kUdpLine);
  CHECK(print(udp4(), v(0, true), kIpv4) == "ip: " + kUdpLine);
  Frame three = udp4();
  three[0] = 0x35;
  CHECK(print(three, {}, kIpv4) == "unknown ip 3\n");
  CHECK(print(three, v(0, true), kIpv6) == "ip: unknown ip 3\n");
}

TEST_CASE("IPoIB IPNET and ARCnet headers", "[proto][links]") {
  Frame ipoib = cat({Frame(40, 0x11), be16(0x0800), {0, 0}, udp4()});
  CHECK(print(ipoib, {}, kIpoib) == "IP " + kUdpLine);
  CHECK(print(ipoib, v(0, true), kIpoib) ==
        "IPOIB, ethertype IPv4 (0x0800), length " + std::to_string(ipoib.size()) + ": " + kUdpLine);
  Frame ipnet = cat({{1, 2}, be16(0), be32(0), be32(3), be32(0), be32(0xffffffff), be32(0), udp4()});
  CHECK(print(ipnet, {}, kIpnet) == "IP " + kUdpLine);
  CHECK(print(ipnet, v(0, true), kIpnet) ==
        "4294967295 > 0, family IPv4 (2), length " + std::to_string(ipnet.size()) + ": " + kUdpLine);
  // Linux ARCnet: -e names the offset's first byte as the system code.
  Frame arc = cat({{0xbe, 0x50, 0xab, 0x08, 0xd4, 0, 0, 0}, udp4()});
  CHECK(print(arc, {}, kArcLinux) == "IP " + kUdpLine);
  CHECK(print(arc, v(0, true), kArcLinux) == "be 50 ab " + std::to_string(arc.size()) + ": " + kUdpLine);
  Frame old = cat({{0x50, 0xbe, 0xf0, 0x00, 0xd4, 0, 0, 0}, udp4()});
  CHECK(print(old, v(0, true), kArcLinux) == "50 be oldip " + std::to_string(old.size()) + ": " + kUdpLine);
  // BSD: RFC 1201's split flag and sequence id; a middle fragment prints the header only.
  Frame bsd = cat({{0xbe, 0x50, 0xd4, 0x00}, be16(0x1234), udp4()});
  CHECK(print(bsd, v(0, true), kArcBsd) == "be 50 ip seqid 1234 " + std::to_string(bsd.size()) + ": " + kUdpLine);
  Frame mid = bsd;
  mid[3] = 2;
  CHECK(print(mid, v(0, true), kArcBsd) == "be 50 ip seqid 1234 (fragment 2) " + std::to_string(mid.size()) +
                                               ": \n");
  // AppleTalk's DDP header cut short.
  Frame atalk = {0x30, 0x30, 0x30, 0x30, 0xdd, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30};
  CHECK(print(atalk, v(1), kArcLinux, 262144) == "et1 AT  [|ddp]\n");
}

TEST_CASE("Cisco HDLC: SLARP and the -e header", "[proto][links]") {
  CHECK(print(slarp_keepalive(true), {}, kChdlc) ==
        "SLARP (length: 18), keepalive: mineseen=0x00000005, yourseen=0x00000002, reliability=0xffff, "
        "link uptime=0d2h12m5s\n");
  CHECK(print(slarp_keepalive(false), v(0, true), kChdlc) ==
        "bcast, ethertype Reverse ARP (0x8035), length 18: SLARP (length: 14), keepalive: mineseen=0x00000005, "
        "yourseen=0x00000002, reliability=0xffff\n");
  Frame reply = cat({{0x8f, 0x00}, be16(0x8035), be32(1), ip4a("192.0.2.1"), ip4a("255.255.255.252"), be16(0)});
  CHECK(print(reply, {}, kChdlc) == "SLARP (length: 14), reply 192.0.2.1/255.255.255.252\n");
  CHECK(print(cat({{0x0f, 0x00}, be16(0x0800), udp4()}), {}, kChdlc) == "IP " + kUdpLine);
  CHECK(print(cat({{0x0f, 0x00}, be16(0x2000), {1, 2}}), {}, kChdlc) == "unknown CHDLC protocol (0x2000)\n");
  Frame short_slarp = cat({{0x8f, 0x00}, be16(0x8035), be32(2)});
  CHECK(print(short_slarp, {}, kChdlc) == "SLARP (length: 4),  [|chdlc_slarp]\n");
}

TEST_CASE("Switch tags: DSA EDSA and Broadcom", "[proto][links]") {
  Frame dsa = cat({macs(), {0xc0, 0x08, 0x05, 0x39}, be16(0x0800), udp4()});
  CHECK(print(dsa, {}, kDsa) == "DSA Forward port 0.1, VLAN 1337u, IP " + kUdpLine);
  CHECK(print(dsa, v(0, true), kDsa) ==
        "02:00:00:00:00:01 > 02:00:00:00:00:02, Marvell DSA mode Forward, dev 0, port 1, untagged, VID 1337, "
        "FPri 0, ethertype IPv4 (0x0800), length " + std::to_string(dsa.size()) + ": " + kUdpLine);
  Frame edsa = cat({macs(), {0xda, 0xda, 0, 0, 0x40, 0x10, 0x00, 0x01}, be16(0x0800), udp4()});
  CHECK(print(edsa, {}, kEdsa) == "EDSA 0xdada, CPU > port 0.2, VLAN 1u, IP " + kUdpLine);
  Frame brcm = cat({macs(), {0x00, 0x00, 0x20, 0x05}, be16(0x0800), udp4()});
  CHECK(print(brcm, {}, kBrcm) == "BRCM tag OP: EG, CID: 0, RC: exception, TC: 0, port: 5, IP " + kUdpLine);
  Frame pre = cat({{0x20, 0x00, 0x00, 0x20}, macs(), be16(0x0800), udp4()});
  CHECK(print(pre, {}, kBrcmPrepend) == "IP " + kUdpLine);
  CHECK(print(pre, v(0, true), kBrcmPrepend) ==
        "BRCM tag OP: IG, TC: 0, TE: None, TS: 0, DST map: 0x0020, 02:00:00:00:00:01 > 02:00:00:00:00:02, "
        "ethertype IPv4 (0x0800), length " + std::to_string(pre.size() - 4) + ": " + kUdpLine);
  auto doc = testjson::parse(print(dsa, json(), kDsa));
  CHECK(doc["layers"].array().at(1)["layer"].str() == "switch-tag");
  CHECK(doc["layers"].array().at(1)["vid"].num() == 1337);
  CHECK(doc["layers"].array().at(1)["mode"].str() == "forward");
}

TEST_CASE("PKTAP: the inner Ethernet frame and bad header lengths", "[proto][links]") {
  Frame hdr = cat({le32(108), le32(1), le32(1), Frame(96, 0)});
  Frame f = cat({hdr, macs(), be16(0x0800), udp4()});
  CHECK(print(f, {}, kPktap) == "IP " + kUdpLine);
  CHECK(print(f, v(0, true), kPktap) ==
        "DLT EN10MB (1) len 108, length " + std::to_string(f.size()) +
            ": 02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4 (0x0800), length " +
            std::to_string(f.size() - 108) + ": " + kUdpLine);
  Frame small = f;
  small[0] = 50;
  CHECK(print(small, {}, kPktap) == " (pkt_len too small, 50 < 108) (invalid)\n");
}

TEST_CASE("PKTAP: other inner link types go to their own printers", "[proto][links]") {
  auto pktap = [](std::uint32_t dlt, const Frame& inner, std::uint32_t rectype = 1) {
    return cat({le32(108), le32(rectype), le32(dlt), Frame(96, 0), inner});
  };
  const std::string len = std::to_string(108 + 4 + 32) + ": ";  // udp4() is 32 bytes
  // BSD loopback (host order) and DLT_LOOP (network order).
  Frame null = pktap(0, cat({le32(2), udp4()}));
  CHECK(print(null, {}, kPktap) == "IP " + kUdpLine);
  CHECK(print(null, v(0, true), kPktap) == "DLT NULL (0) len 108, length " + len + "AF IPv4 (2), length 36: " + kUdpLine);
  Frame loop = pktap(108, cat({be32(2), udp4()}));
  CHECK(print(loop, v(0, true), kPktap) == "DLT LOOP (108) len 108, length " + len + "AF IPv4 (2), length 36: " + kUdpLine);
  // Raw IP (DLT_RAW, DLT_IPV4): "ip: " under -e.
  Frame raw = pktap(12, udp4());
  CHECK(print(raw, {}, kPktap) == "IP " + kUdpLine);
  CHECK(print(raw, v(0, true), kPktap) == "DLT RAW (12) len 108, length 140: ip: " + kUdpLine);
  CHECK(print(pktap(228, udp4()), v(0, true), kPktap) == "DLT IPV4 (228) len 108, length 140: ip: " + kUdpLine);
  CHECK(print(pktap(228, {}), v(0, true), kPktap) == "DLT IPV4 (228) len 108, length 108: ip: truncated-ip 0\n");
  CHECK(print(pktap(12, {}), {}, kPktap, 140) == " [|ipn]\n");
  // PPP, PPP in HDLC framing, Linux cooked capture.
  Frame ppp = pktap(9, cat({{0xff, 0x03, 0x00, 0x21}, udp4()}));
  CHECK(print(ppp, v(0, true), kPktap) == "DLT PPP (9) len 108, length " + len + "IP (0x0021), length 36: " + kUdpLine);
  Frame hdlc = pktap(50, cat({{0xff, 0x03, 0x00, 0x21}, udp4()}));
  CHECK(print(hdlc, v(0, true), kPktap) == "DLT PPP_SERIAL (50) len 108, length " + len + "ff 03 36 IP: " + kUdpLine);
  Frame sll = pktap(113, cat({be16(0), be16(1), be16(6), {2, 0, 0, 0, 0, 1, 0, 0}, be16(0x0800), udp4()}));
  CHECK(print(sll, v(0, true), kPktap) == "DLT LINUX_SLL (113) len 108, length 156:  In 02:00:00:00:00:01 "
                                          "ethertype IPv4 (0x0800), length 48: " + kUdpLine);
  // PKTAP in PKTAP, with link type 149 (LINKTYPE_USER2) outside.
  Frame twice = pktap(258, pktap(1, cat({macs(), be16(0x0800), udp4()})));
  CHECK(print(twice, {}, 149) == "IP " + kUdpLine);
  CHECK(print(twice, v(0, true), 149) ==
        "DLT PKTAP (258) len 108, length 262: DLT EN10MB (1) len 108, length 154: 02:00:00:00:00:01 > "
        "02:00:00:00:00:02, ethertype IPv4 (0x0800), length 46: " + kUdpLine);
  // No printer (14 is OpenBSD's DLT_RAW, not Linux's; 200 has a name): the header and the bytes.
  const std::string hex = "\n\t0x0000:  0102 0304                                ....\n";
  CHECK(print(pktap(14, {1, 2, 3, 4}), {}, kPktap) == "DLT UNKNOWN (14) len 108, length 112: " + hex);
  CHECK(print(pktap(200, {1, 2, 3, 4}), v(0, true), kPktap) == "DLT JUNIPER_ST (200) len 108, length 112: " + hex);
  // Record types: 0 "no data", others nothing.
  CHECK(print(pktap(1, {}, 0), {}, kPktap) == "no data\n");
  CHECK(print(pktap(1, {}, 2), v(0, true), kPktap) == "DLT EN10MB (1) len 108, length 108: \n");
  // A cut inner header is the inner printer's truncation.
  CHECK(print(pktap(0, {2}), {}, kPktap) == " [|null]\n");
  auto doc = testjson::parse(print(null, json(), kPktap));
  CHECK(doc["layers"].array().at(0)["dlt_name"].str() == "NULL");
  CHECK(doc["layers"].array().at(1)["layer"].str() == "null");
  CHECK(doc["layers"].array().at(2)["layer"].str() == "ipv4");
  for (const Frame& f : {null, raw, ppp, hdlc, sll, twice}) {
    for (const auto& line : print_prefixes(f, v(1, true), kPktap)) CHECK(sane_line(line, 4000));
    for (const auto& line : print_mutations(f, 0, 31, 300, v(2, true), kPktap)) CHECK(sane_line(line, 20000));
  }
}

TEST_CASE("ATM RFC 1483: LLC straight away or after an 802.6 header", "[proto][links]") {
  Frame snap = cat({{0xaa, 0xaa, 0x03, 0, 0, 0}, be16(0x0800), udp4()});
  CHECK(print(snap, {}, kAtm) == "IP " + kUdpLine);
  Frame fore = cat({Frame(20, 0x30), {0x30, 0x30, 0xbf}});
  CHECK(print(fore, v(0, true), kAtm, 262144) ==
        "3030303030303030 3030303030303030 LLC, dsap Unknown (0x30) Individual, ssap Unknown (0x30) Command, "
        "ctrl 0xbf: Unnumbered, xid, Flags [Poll], length 262124 [|llc]\n");
  auto doc = testjson::parse(print(fore, json(), kAtm));
  CHECK(doc["layers"].array().at(0)["layer"].str() == "atm-rfc1483");
  for (const auto& line : print_prefixes(snap, v(2, true), kAtm)) CHECK(sane_line(line, 4000));
  for (const auto& line : print_mutations(fore, 0, 29, 300, v(2, true), kAtm)) CHECK(sane_line(line, 20000));
}

TEST_CASE("Link types: hostile lengths prefixes and mutations stay in bounds", "[proto][links][truncated]") {
  std::vector<std::pair<Frame, int>> frames = {
      {nflog(2, udp4()), kNflog},
      {nflog(10, ipv6(17, cat({be16(1024), be16(9), be16(12), be16(0), {1, 2, 3, 4}}))), kNflog},
      {cat({Frame(40, 0x11), be16(0x0800), {0, 0}, udp4()}), kIpoib},
      {cat({{1, 2}, be16(0), be32(0), be32(3), be32(0), be32(0xffffffff), be32(0), udp4()}), kIpnet},
      {cat({{0xbe, 0x50, 0xab, 0x08, 0xd4, 0, 0, 0}, udp4()}), kArcLinux},
      {cat({{0xbe, 0x50, 0xd4, 0xff, 0xff, 0xff, 0xd4, 0x03}, be16(7), udp4()}), kArcBsd},
      {slarp_keepalive(true), kChdlc},
      {cat({{0x8f, 0x00}, be16(0xfefe), {0x03, 0x83, 0x1b, 0x01}}), kChdlc},
      {cat({macs(), {0xc0, 0x08, 0x05, 0x39}, be16(0x0800), udp4()}), kDsa},
      {cat({macs(), {0xda, 0xda, 0, 0, 0x40, 0x10, 0x00, 0x01}, be16(0x0800), udp4()}), kEdsa},
      {cat({macs(), {0x20, 0x00, 0x20, 0x05}, be16(0x0800), udp4()}), kBrcm},
      {cat({{0x20, 0x00, 0x00, 0x20}, macs(), be16(0x0800), udp4()}), kBrcmPrepend},
      {cat({le32(108), le32(1), le32(1), Frame(96, 0), macs(), be16(0x0800), udp4()}), kPktap},
  };
  for (const auto& [f, dlt] : frames) {
    for (const auto& line : print_prefixes(f, v(2), dlt)) CHECK(sane_line(line, 4000));
    for (const auto& line : print_prefixes(f, v(0, true), dlt)) CHECK(sane_line(line, 4000));
    for (const auto& line : print_mutations(f, 0, 23, 300, v(2, true), dlt)) CHECK(sane_line(line, 20000));
  }
  // A TLV length of 65534 (padded past 16 bits) and one of zero.
  Frame wrap = cat({{2, 0, 0, 1}, le16(65534), le16(1), {0, 0, 0, 0}});
  CHECK(print(wrap, {}, kNflog) == " [|nflog_if]\n");
  Frame zero = cat({{2, 0, 0, 1}, le16(0), le16(1), {0, 0, 0, 0}});
  CHECK(print(zero, {}, kNflog) == " [|nflog_if]\n");
  // A PKTAP header claiming more than the frame.
  Frame big = cat({le32(5000), le32(1), le32(1), Frame(96, 0)});
  CHECK(print(big, {}, kPktap) == " (pkt_len too big, 5000 > 108) (invalid)\n");
}
