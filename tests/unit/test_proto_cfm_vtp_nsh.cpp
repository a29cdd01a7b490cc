// CFM (cfm.cpp, ethertype 0x8902), VTP (vtp.cpp, SNAP PID 0x2003), NSH
// (nsh.cpp) and VXLAN-GPE (vxlan.cpp, UDP 4790): tcpdump 4.99.3's text for
// each message kind and its inconsistent lengths, cut frames at every length
// and seeded mutations (run under the asan preset for reads past the
// capture), and the typed JSON. Expected text is tcpdump 4.99.3's for the
// same bytes.

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

Frame cfm(unsigned level, unsigned opcode, unsigned flags, unsigned first_tlv, const Frame& body) {
  return ether(0x8902, cat({{static_cast<std::uint8_t>(level << 5), static_cast<std::uint8_t>(opcode),
                             static_cast<std::uint8_t>(flags), static_cast<std::uint8_t>(first_tlv)},
                            body}));
}

// A CCM with character-string MD and MA names, then port status,
// interface status, sender ID (a MAC chassis ID), organization-specific
// and data TLVs and the end TLV.
Frame ccm() {
  Frame names = cat({{4, 5}, {'d', 'o', 'm', '0', '1'}, {2, 3}, {'m', 'a', '1'}});
  names.resize(48, 0);
  Frame tlvs = cat({{2, 0, 1, 2}, {3, 0, 1, 1}, {1, 0, 9, 6, 4, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0},
                    {31, 0, 6, 0, 0, 0x0c, 1, 0xaa, 0xbb}, {4, 0, 2, 1, 2}, {0}});
  return cfm(5, 1, 0x84, 70, cat({be32(5), be16(0x1234), names, Frame(16, 0), tlvs}));
}

Frame snap(unsigned pid, const Frame& payload) {
  Frame body = cat({{0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c}, be16(pid), payload});
  return cat({{0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc}, {2, 0, 0, 0, 0, 1}, be16(static_cast<unsigned>(body.size())), body});
}

Frame vtp_header(unsigned version, unsigned type, unsigned third, unsigned domain_len) {
  Frame h = {static_cast<std::uint8_t>(version), static_cast<std::uint8_t>(type), static_cast<std::uint8_t>(third),
             static_cast<std::uint8_t>(domain_len), 'c', 'i', 's', 'c', 'o'};
  h.resize(36, 0);
  return h;
}

Frame vlan_info(unsigned id, const Frame& tlv) {
  return cat({{20, 0, 1, 4}, be16(id), be16(1500), be32(100000 + id), {'v', '1', '0', 0}, tlv});
}

Frame udp4790(const Frame& payload) {
  Frame udp = cat({be16(4790), be16(4790), be16(static_cast<unsigned>(8 + payload.size())), be16(0), payload});
  return ether(0x0800, ipv4(17, udp));
}

// An inner IPv4/UDP datagram to port 53 with no DNS message.
Frame inner_ip() {
  return ipv4(17, cat({be16(54321), be16(53), be16(8), be16(0)}));
}

Frame nsh_md1(unsigned next) {
  return cat({{0x00, 0x06, 0x01, static_cast<std::uint8_t>(next)}, {0x00, 0x03, 0x09, 0x07}, be32(1), be32(2), be32(3),
              be32(4)});
}

}  // namespace

TEST_CASE("CFM: a continuity check message and its TLVs", "[proto][cfm]") {
  Frame f = ccm();
  CHECK(has(print(f), "CFMv0 Continuity Check Message, MD Level 5, length 109\n"));
  CHECK(has(print(f, v(2)),
            "CFMv0 Continuity Check Message, MD Level 5, length 109\n\tFirst TLV offset 70, Flags [CCM Interval 4, "
            "RDI]\n\t  CCM Interval 1.000s, min CCM Lifetime 3.250s, max CCM Lifetime 3.500s\n\t  Sequence Number "
            "0x00000005, MA-End-Point-ID 0x1234\n\t  MD Name Format Character string (4), MD Name length 5\n\t  MD "
            "Name: dom01\n\t  MA Name-Format Character string (2), MA name length 3\n\t  MA Name: ma1\n\tPort status "
            "TLV (0x02), length 1, Status: Up (2)\n\t  0x0000:  02\n\tInterface status TLV (0x03), length 1, Status: "
            "Up (1)\n\t  0x0000:  01\n\tSender ID TLV (0x01), length 9\n\t  Chassis-ID Type MAC address (4), "
            "Chassis-ID length 6\n\t  MAC 00:11:22:33:44:55\n\t  Management Address Domain Length 0\n\tOrganization "
            "Specific TLV (0x1f), length 6, Vendor: Cisco (12), Sub-Type 1\n\t  0x0000:  0000 0c01 aabb\n\tData TLV "
            "(0x04), length 2\n\t  0x0000:  0102\n\tEnd TLV (0x00)\n"));
  // -v: the hex of a decoded TLV only at -vv
  CHECK(has(print(f, v(1)), "Status: Up (2)\n\tInterface status TLV (0x03), length 1, Status: Up (1)\n\tSender ID"));
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 2000));
  for (const auto& line : print_mutations(f, 14, 17, 400, v(2))) CHECK(sane_line(line, 8000));
  auto doc = testjson::parse(print(f, json()));
  bool found = false;
  for (const auto& l : doc["layers"].array())
    if (l["layer"].str() == "cfm") {
      found = true;
      CHECK(l["md_level"].num() == 5);
      CHECK(l["opcode_name"].str() == "Continuity Check Message");
      CHECK(l["mep_id"].num() == 0x1234);
      CHECK(l["rdi"].boolean());
      CHECK(l["tlvs"].array().size() == 6);
      CHECK(l["tlvs"].array()[0]["status"].num() == 2);
      CHECK(l["tlvs"].array()[3]["oui"].num() == 12);
      CHECK(l["tlvs"].array()[2]["chassis_id"].str() == "00:11:22:33:44:55");
    }
  CHECK(found);
}

TEST_CASE("CFM: linktrace and loopback messages", "[proto][cfm]") {
  Frame ltm = cfm(3, 5, 0x80, 17,
                  cat({be32(99), {64}, {0, 0x11, 0x22, 0x33, 0x44, 0x55}, {0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb},
                       {7, 0, 4, 1, 2, 3, 4, 0}}));
  CHECK(has(print(ltm, v(1)),
            "CFMv0 Linktrace Message, MD Level 3, length 29\n\tFirst TLV offset 17, Flags [Use Forwarding-DB only]\n\t"
            "  Transaction-ID 0x00000063, ttl 64\n\t  Original-MAC 00:11:22:33:44:55, Target-MAC 66:77:88:99:aa:bb\n"
            "\tUnknown TLV (0x07), length 4\n\t  0x0000:  0102 0304\n\tEnd TLV (0x00)\n"));
  Frame ltr = cfm(3, 4, 0xe0, 6, cat({be32(99), {63, 1}, {5, 0, 7, 1, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11}, {0}}));
  CHECK(has(print(ltr, v(1)),
            "First TLV offset 6, Flags [UseFDB Only, FwdYes, Terminal MEP]\n\t  Transaction-ID 0x00000063, ttl 63\n\t"
            "  Replay-Action Exact Match (1)\n\tReply Ingress TLV (0x05), length 7\n\t  0x0000:  0111 1111 1111 11\n"));
  // A loopback reply: the sender ID's network address chassis ID and a
  // management address domain and address in hex.
  Frame lbr = cfm(2, 2, 0, 4, cat({be32(77), {1, 0, 13, 5, 5, 1, 10, 0, 0, 1, 3, 1, 2, 3, 1, 9}, {0}}));
  CHECK(has(print(lbr, v(1)),
            "\tSender ID TLV (0x01), length 13\n\t  Chassis-ID Type Network address (5), Chassis-ID length 5\n\t  "
            "Network Address Type IPv4 (1), 10.0.0.1\n\t  Management Address Domain Length 3\n\t  Management Address "
            "Domain: 0x0000:  0102 03\n\t  Management Address Length 1\n\t  Management Address: 0x0000:  09\n\tEnd "
            "TLV (0x00)\n"));
  for (const auto& line : print_mutations(lbr, 14, 5, 400, v(2))) CHECK(sane_line(line, 8000));
}

TEST_CASE("CFM and LLDP: address families 25 and 196 as tcpdump 4.99.3 names them", "[proto][cfm][lldp]") {
  // af.h in 4.99.3: 25 is VPLS, 196 Layer-2 VPN, 26 has no name (the IANA
  // registry's 25 L2VPN and 26 MPLS-TP are not what tcpdump prints).
  auto lbr = [](std::uint8_t af) {
    return cfm(2, 2, 0, 4, cat({be32(77), {1, 0, 13, 5, 5, af, 10, 0, 0, 1, 3, 1, 2, 3, 1, 9}, {0}}));
  };
  CHECK(has(print(lbr(25), v(1)), "\n\t  Network Address Type VPLS (25)\n"));
  CHECK(has(print(lbr(196), v(1)), "\n\t  Network Address Type Layer-2 VPN (196)\n"));
  CHECK(has(print(lbr(26), v(1)), "\n\t  Network Address Type Unknown (26)\n"));
  // LLDP's management address reads the same table.
  auto lldp = [](std::uint8_t af) {
    Frame mgmt = cat({{5, af, 1, 2, 3, 4, 2}, be32(7), {0}});
    return ether(0x88cc, cat({{0x02, 0x07, 0x04, 0x02, 0, 0, 0, 0, 0x01}, {0x04, 0x03, 0x07, 'p', '1'},
                              {0x06, 0x02, 0x00, 0x78}, {0x10, static_cast<std::uint8_t>(mgmt.size())}, mgmt,
                              {0x00, 0x00}}),
                 {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e});
  };
  CHECK(has(print(lldp(25), v(1)), "Management Address length 5, AFI VPLS (25), no AF printer !"));
  CHECK(has(print(lldp(196), v(1)), "Management Address length 5, AFI Layer-2 VPN (196), no AF printer !"));
  CHECK(has(print(lldp(26), v(1)), "Management Address length 5, AFI Unknown (26), no AF printer !"));
}

TEST_CASE("CFM: lengths that cannot be right", "[proto][cfm][truncated]") {
  CHECK(has(print(ether(0x8902, {0, 1, 0})), "\n\t\t packet is too short\n"));
  CHECK(has(print(ether(0x8902, {0x21, 1, 0, 70})), "CFMv1 not supported, length 4\n"));
  CHECK(has(print(cfm(0, 1, 1, 2, Frame(4, 0)), v(1)), "First TLV offset 2 (too small 1, must be >= 70)\n"));
  CHECK(has(print(cfm(0, 5, 1, 10, Frame(20, 0)), v(1)), "First TLV offset 10 (too small 4, must be >= 17)\n"));
  CHECK(has(print(cfm(0, 1, 1, 70, cat({{0, 0, 0, 1, 0, 0, 4, 47}, Frame(62, 0)})), v(1)),
            "MD Name Format Character string (4), MD Name length 47 (too large, must be <= 44)\n"));
  // A sender ID whose management address runs past the TLV.
  CHECK(has(print(cfm(0, 7, 0, 0, {1, 0, 8, 0, 3, 1, 2, 3, 4, 5, 6, 1}), v(1)),
            "\tSender ID TLV (0x01), length 8\n\t  Management Address Domain Length 3\n\t  Management Address Domain: "
            "0x0000:  0102 03\n\t  Management Address Length 4\n\t  (TLV too short)\n"));
  CHECK(has(print(cfm(0, 7, 0, 0, {1, 0, 5, 2, 4, 5, 1, 2, 9, 9}), v(1)),
            "Chassis-ID length 2 (invalid MAC address length)\n\t  Management Address Domain Length 2\n\t  (TLV too "
            "short)\n\tUnknown TLV (0x09)\n\t\t packet is too short\n"));
  CHECK(has(print(cfm(0, 7, 0, 0, {1, 0, 0, 2, 0, 0, 31, 0, 2, 1, 2, 3, 0, 1}), v(1)),
            "Sender ID TLV (0x01), length 0 (too short, must be >= 1)\n\tPort status TLV (0x02), length 0 (too short, "
            "must be >= 1)\n"));
  Frame f = ccm();
  CHECK(has(print(Frame(f.begin(), f.begin() + 40), v(1), 1, static_cast<std::uint32_t>(f.size())),
            "First TLV offset 70 [|cfm]\n"));
  CHECK(has(print(Frame(f.begin(), f.begin() + 100), v(1), 1, static_cast<std::uint32_t>(f.size())),
            "Sender ID TLV (0x01), length 9 [|cfm]\n"));
}

TEST_CASE("VTP: summary and subset advertisements and requests", "[proto][vtp]") {
  Frame summary = snap(0x2003, cat({vtp_header(1, 1, 0, 5), be32(2), ip4a("192.0.2.7"), Frame(12, 0x30), Frame(16, 0xfb)}));
  CHECK(has(print(summary), "VTPv1, Message Summary advertisement (0x01), length 72\n"));
  CHECK(has(print(summary, v(1)),
            "VTPv1, Message Summary advertisement (0x01), length 72\n\tDomain name: cisco, Followers: 0\n\t  Config Rev "
            "2, Updater 192.0.2.7, Timestamp 0x30303030 0x30303030 0x30303030, MD5 digest: "
            "fbfbfbfbfbfbfbfbfbfbfbfbfbfbfbfb\n"));
  Frame subset = snap(0x2003, cat({vtp_header(1, 2, 1, 5), be32(7), vlan_info(10, {6, 1, 0, 1}),
                                   vlan_info(30, {1, 1, 0, 1})}));
  CHECK(has(print(subset, v(1)),
            "VTPv1, Message Subset advertisement (0x02), length 80\n\tDomain name: cisco, Seq number: 1, Config Rev 7\n"
            "\tVLAN info status Operational, type Ethernet, VLAN-id 10, MTU 1500, SAID 0x000186aa, Name v10\n\t\t"
            "Pruning TLV (0x0006) TLV, Enabled (1)\n\tVLAN info status Operational, type Ethernet, VLAN-id 30, MTU "
            "1500, SAID 0x000186be, Name v10\n\t\tSource-Routing Ring Number TLV (0x0001) TLV\n\t\t  0x0000:  0101 "
            "0001\n"));
  Frame request = snap(0x2003, cat({vtp_header(2, 3, 0, 5), be32(5)}));
  CHECK(has(print(request, v(1)), "Domain name: cisco, Rsvd: 0\n\tStart value: 5\n"));
  for (const auto& line : print_prefixes(subset, v(1))) CHECK(sane_line(line, 2000));
  for (const auto& line : print_mutations(subset, 22, 11, 400, v(1))) CHECK(sane_line(line, 8000));
  auto doc = testjson::parse(print(subset, json()));
  bool found = false;
  for (const auto& l : doc["layers"].array())
    if (l["layer"].str() == "vtp") {
      found = true;
      CHECK(l["domain"].str() == "cisco");
      CHECK(l["config_revision"].num() == 7);
      REQUIRE(l["vlans"].array().size() == 2);
      CHECK(l["vlans"].array()[1]["vlan_id"].num() == 30);
    }
  CHECK(found);
}

TEST_CASE("VTP: invalid lengths and cut PDUs", "[proto][vtp][truncated]") {
  CHECK(has(print(snap(0x2003, vtp_header(1, 2, 1, 0)), v(1)),
            "VTPv1, Message Subset advertisement (0x02), length 36\n\tDomain name:  [invalid MgmtD Len 0] (invalid)\n"));
  Frame shorter = vtp_header(1, 2, 1, 5);
  shorter.resize(20);
  CHECK(has(print(snap(0x2003, shorter), v(1)), " (invalid)\n"));
  CHECK(has(print(snap(0x2003, cat({vtp_header(1, 2, 1, 5), be32(7), {8, 0, 0, 0, 0, 0, 0, 0}})), v(1)),
            "Seq number: 1, Config Rev 7 (invalid)\n"));
  CHECK(has(print(snap(0x2003, cat({vtp_header(1, 2, 1, 5), be32(7), vlan_info(10, {6, 3, 0, 1})})), v(1)),
            "Pruning TLV (0x0006) TLV (TLV goes past the end of the packet) (invalid)\n"));
  Frame summary = snap(0x2003, cat({vtp_header(1, 1, 1, 5), Frame(36, 0)}));
  CHECK(has(print(Frame(summary.begin(), summary.begin() + 60), v(1), 1, static_cast<std::uint32_t>(summary.size())),
            "Domain name: cisco, Followers: 1 [|vtp]\n"));
  CHECK(has(print(Frame(summary.begin(), summary.begin() + 60), v(0), 1, static_cast<std::uint32_t>(summary.size())),
            "length 72 [|vtp]\n"));
}

TEST_CASE("VXLAN-GPE: NSH, IPv4 and Ethernet inside", "[proto][vxlan][nsh]") {
  Frame f = udp4790(cat({{0x0c, 0, 0, 4, 0, 0, 5, 0}, nsh_md1(1), inner_ip()}));
  CHECK(has(print(f), "4790: VXLAN-GPE, flags [IP], vni 5: NSH, flags [none], service-path-id 0x000309, "
                      "service-index 0x7: IP 192.0.2.1.54321 > 192.0.2.2.53: domain [length 0 < 12] (invalid)\n"));
  CHECK(has(print(f, v(2)), "VXLAN-GPE, flags [IP], vni 5\n    NSH, ver 0, flags [none], next-protocol IPv4, "
                            "service-path-id 0x000309, service-index 0x7\n    IP (tos 0x0"));
  CHECK(has(print(f, v(3)), "NSH, ver 0, flags [none], TTL 0, length 6, md type 1, next-protocol IPv4, service-path-id "
                            "0x000309, service-index 0x7\n        Context[00]: 0x00000001\n        Context[01]: "
                            "0x00000002\n        Context[02]: 0x00000003\n        Context[03]: 0x00000004\n    IP"));
  Frame md2 = udp4790(cat({{0x0c, 0, 0, 4, 0, 0, 5, 0}, {0x10, 0x04, 0x02, 0x01, 0x00, 0xff, 0xff, 0xff},
                           {0, 1, 2, 1, 0x12, 0, 0, 0}, inner_ip()}));
  CHECK(has(print(md2, v(3)), "NSH, ver 0, flags [none], TTL 0, length 4, md type 2, next-protocol IPv4, "
                              "service-path-id 0x00ffff, service-index 0xff\n        TLV Class 1, Type 2, Len 1\n"
                              "            Value: 0x12\n    IP"));
  CHECK(has(print(udp4790(cat({{0x0e, 0, 0, 9, 0, 0, 5, 0}, inner_ip()}))),
            "VXLAN-GPE, flags [IPB], vni 5: ERROR: unknown-next-protocol (invalid)\n"));
  CHECK(has(print(udp4790({0x0c, 0, 0, 4})), "VXLAN-GPE,  (len 4 < 8) (invalid)\n"));
  CHECK(has(print(udp4790(cat({{0x0c, 0, 0, 4, 0, 0, 5, 0}, nsh_md1(9), inner_ip()}))),
            "service-index 0x7: ERROR: unknown-next-protocol\n"));
  for (const auto& line : print_prefixes(f, v(3))) CHECK(sane_line(line, 3000));
  for (const auto& line : print_mutations(f, 42, 23, 400, v(3))) CHECK(sane_line(line, 8000));
  auto doc = testjson::parse(print(f, json()));
  bool gpe = false, nsh = false;
  for (const auto& l : doc["layers"].array()) {
    if (l["layer"].str() == "vxlan_gpe") {
      gpe = true;
      CHECK(l["vni"].num() == 5);
      CHECK(l["next_protocol"].num() == 4);
    }
    if (l["layer"].str() == "nsh") {
      nsh = true;
      CHECK(l["service_path_id"].num() == 0x309);
      CHECK(l["service_index"].num() == 7);
      CHECK(l["md_type"].num() == 1);
    }
  }
  CHECK(gpe);
  CHECK(nsh);
}

TEST_CASE("NSH: invalid lengths and cut headers", "[proto][nsh][truncated]") {
  auto gpe = [](const Frame& nsh) { return udp4790(cat({{0x0c, 0, 0, 4, 0, 0, 5, 0}, nsh})); };
  CHECK(has(print(gpe({0x00, 0x08, 0x01, 0x01, 0x00, 0x03, 0x09})), "vni 5:  (packet length 7 < 8) (invalid)\n"));
  CHECK(has(print(gpe({0x00, 0x01, 0x01, 0x01, 0x00, 0x03, 0x09, 0x07}), v(3)),
            "service-index 0x7 (less than two headers) (invalid)\n"));
  CHECK(has(print(gpe({0x40, 0x06, 0x01, 0x01, 0x00, 0x03, 0x09, 0x07}), v(3)), "NSH, ver 1, \n"));
  CHECK(has(print(gpe(cat({{0x00, 0x03, 0x01, 0x01, 0x00, 0x03, 0x09, 0x07}, Frame(4, 0), inner_ip()})), v(3)),
            "service-index 0x7 (invalid length for the MD type) (invalid)\n"));
  Frame f = gpe(cat({nsh_md1(1), inner_ip()}));
  CHECK(has(print(Frame(f.begin(), f.begin() + 60), v(3), 1, static_cast<std::uint32_t>(f.size())),
            "service-index 0x7 [|nsh]\n"));
  CHECK(has(print(Frame(f.begin(), f.begin() + 46), v(3), 1, static_cast<std::uint32_t>(f.size())),
            "VXLAN-GPE, flags [IP],  [|vxlan_gpe]\n"));
  CHECK(has(print(ether(0x894f, cat({nsh_md1(1), inner_ip()}))),
            "NSH, flags [none], service-path-id 0x000309, service-index 0x7: IP 192.0.2.1.54321 > 192.0.2.2.53"));
}
