// What a lab bridge carries within seconds: 802.2 LLC with STP, RSTP and
// MSTP BPDUs (llc.cpp, stp.cpp), LLDP (lldp.cpp) and IGMP v1/v2/v3
// (igmp.cpp). Text expectations are tcpdump 4.99.3's output for the same
// bytes (re-checked with NETLAB_PROTO_PCAP_DIR, see test_proto_support.cpp);
// the JSON checks read the typed members back with mini_json; truncated
// frames end in " [|proto]" and never read past the capture.

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

// -j with the timestamps (the shared json() leaves them out).
netlab::PrintOptions json_timed() {
  netlab::PrintOptions o;
  o.json = true;
  return o;
}

const Frame kStpMac{0x01, 0x80, 0xc2, 0x00, 0x00, 0x00};
const Frame kLldpMac{0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};

// An 802.3 frame carrying LLC 42/42 UI and a BPDU.
Frame bpdu_frame(const Frame& bpdu) {
  Frame llc = cat({{0x42, 0x42, 0x03}, bpdu});
  return ether(static_cast<unsigned>(llc.size()), llc, kStpMac);
}

// 802.1D configuration BPDU (or RSTP with version 2 and type 2).
Frame config_bpdu(std::uint8_t version, std::uint8_t type, std::uint8_t flags) {
  Frame b = cat({be16(0), {version, type, flags},
                 {0x80, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a}, be32(4),    // root id, root path cost
                 {0x80, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b}, be16(0x8001),  // bridge id, port id
                 be16(1 * 256), be16(20 * 256), be16(2 * 256), be16(15 * 256)});
  if (version >= 2) b.push_back(0);  // version 1 length
  return b;
}

// IGMP: the checksum over the message filled in.
Frame igmp(Frame msg) {
  msg[2] = msg[3] = 0;
  std::uint16_t s = fold(sum16(msg, 0, msg.size()));
  msg[2] = static_cast<std::uint8_t>(s >> 8);
  msg[3] = static_cast<std::uint8_t>(s);
  return msg;
}

Frame igmp_frame(const Frame& msg, const char* dst) {
  return ether(0x0800, ipv4(2, igmp(msg), "192.0.2.1", dst, {0x94, 0x04, 0x00, 0x00}));
}

// IGMPv3 report: two group records, the second with two sources.
Frame v3_report() {
  return cat({{0x22, 0, 0, 0}, be16(0), be16(2),
              {4, 0}, be16(0), ip4a("239.1.1.1"),
              {1, 0}, be16(2), ip4a("239.2.2.2"), ip4a("192.0.2.7"), ip4a("192.0.2.8")});
}

Frame tlv(unsigned type, const Frame& value) {
  return cat({be16(type << 9 | static_cast<unsigned>(value.size())), value});
}

Frame lldpdu() {
  return cat({tlv(1, {4, 0x02, 0, 0, 0, 0, 0x0a}), tlv(2, {5, 'e', 't', 'h', '0'}), tlv(3, be16(120)),
              tlv(5, {'s', 'w', '1'}), tlv(7, cat({be16(0x14), be16(0x04)})),
              tlv(127, {0x00, 0x80, 0xc2, 0x01, 0x00, 0x0a}), tlv(0, {})});
}

Frame lldp_frame() { return ether(0x88cc, lldpdu(), kLldpMac); }

}  // namespace

TEST_CASE("STP: 802.1D configuration BPDU at -n and -v", "[proto][stp]") {
  Frame f = bpdu_frame(config_bpdu(0, 0, 0x01));
  CHECK(print(f) == "STP 802.1d, Config, Flags [Topology change], bridge-id 8000.02:00:00:00:00:0b.8001, length 35\n");
  CHECK(print(f, v(1)) ==
        "STP 802.1d, Config, Flags [Topology change], bridge-id 8000.02:00:00:00:00:0b.8001, length 35\n"
        "\tmessage-age 1.00s, max-age 20.00s, hello-time 2.00s, forwarding-delay 15.00s\n"
        "\troot-id 8000.02:00:00:00:00:0a, root-pathcost 4\n");
  netlab::PrintOptions e;
  e.link_header = true;
  CHECK(print(f, e) == "02:00:00:00:00:01 > 01:80:c2:00:00:00, 802.3, length 38: LLC, dsap STP (0x42) Individual, "
                       "ssap STP (0x42) Command, ctrl 0x03: STP 802.1d, Config, Flags [Topology change], "
                       "bridge-id 8000.02:00:00:00:00:0b.8001, length 35\n");
}

TEST_CASE("STP: RSTP BPDU names its port role", "[proto][stp]") {
  Frame f = bpdu_frame(config_bpdu(2, 2, 0x3c));  // Designated, learning, forwarding
  CHECK(print(f, v(1)) ==
        "STP 802.1w, Rapid STP, Flags [Learn, Forward], bridge-id 8000.02:00:00:00:00:0b.8001, length 36\n"
        "\tmessage-age 1.00s, max-age 20.00s, hello-time 2.00s, forwarding-delay 15.00s\n"
        "\troot-id 8000.02:00:00:00:00:0a, root-pathcost 4, port-role Designated\n");
}

TEST_CASE("STP: a truncated BPDU stops between fields, a short one is invalid", "[proto][stp][truncated]") {
  Frame f = bpdu_frame(config_bpdu(0, 0, 0x30));
  Frame cut(f.begin(), f.begin() + 14 + 3 + 10);  // through the root id's first bytes
  CHECK(print(cut, {}, 1, static_cast<std::uint32_t>(f.size())) == "STP 802.1d, Config, Flags [Learn, Forward] [|stp]\n");
  Frame tiny = bpdu_frame({0, 0, 0, 0, 0});  // a configuration BPDU of 5 bytes
  CHECK(print(tiny) == "STP 802.1d, Config (invalid)\n");
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 400));
}

TEST_CASE("STP: JSON has the port role and the identifiers", "[proto][stp][json]") {
  auto doc = testjson::parse(print(bpdu_frame(config_bpdu(2, 2, 0x3c)), json_timed()));
  const auto& layers = doc["layers"];
  REQUIRE(layers.array().size() == 3);
  CHECK(layers.array().at(1)["layer"].str() == "llc");
  CHECK(layers.array().at(1)["dsap"].num() == 0x42);
  const auto& stp = layers.array().at(2);
  CHECK(stp["layer"].str() == "stp");
  CHECK(stp["protocol"].str() == "802.1w");
  CHECK(stp["port_role"].str() == "Designated");
  CHECK(stp["forwarding"].boolean());
  CHECK(stp["root_id"].str() == "8000.02:00:00:00:00:0a");
  CHECK(stp["bridge_id"].str() == "8000.02:00:00:00:00:0b");
  CHECK(stp["root_path_cost"].num() == 4);
  CHECK(stp["max_age"].num() == 20);
  Frame f = bpdu_frame(config_bpdu(2, 2, 0x3c));
  f.resize(14 + 3 + 12);
  auto cut = testjson::parse(print(f, json_timed(), 1, 60));
  CHECK(cut["layers"].array().at(2)["truncated"].boolean());
  CHECK(cut["layers"].array().at(2)["status"].str() == "truncated");
}

TEST_CASE("LLC: an unknown SAP and SNAP print as tcpdump does", "[proto][llc]") {
  Frame xid = ether(6, {0x30, 0x30, 0xbf, 0x81, 0x01, 0x00});
  CHECK(print(xid) == "02:00:00:00:00:01 > 02:00:00:00:00:02 Unknown DSAP 0x30 Unnumbered, xid, Flags [Poll], "
                      "length 6: 01 00\n");
  Frame snap = ether(10, {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x00, 0x03, 0xde, 0xad});
  CHECK(print(snap) == "02:00:00:00:00:01 > 02:00:00:00:00:02 SNAP, oui Cisco (0x00000c), pid Unknown (0x0003), "
                       "length 2: \n\t0x0000:  aaaa 0300 000c 0003 dead                 ..........\n");
}

TEST_CASE("LLDP: the system name at -n, every TLV at -v, bytes at -vv", "[proto][lldp]") {
  Frame f = lldp_frame();
  CHECK(print(f) == "LLDP, length 41: sw1\n");
  CHECK(print(f, v(1)) == "LLDP, length 41\n"
                          "\tChassis ID TLV (1), length 7\n"
                          "\t  Subtype MAC address (4): 02:00:00:00:00:0a\n"
                          "\tPort ID TLV (2), length 5\n"
                          "\t  Subtype Interface Name (5): eth0\n"
                          "\tTime to Live TLV (3), length 2: TTL 120s\n"
                          "\tSystem Name TLV (5), length 3: sw1\n"
                          "\tSystem Capabilities TLV (7), length 4\n"
                          "\t  System  Capabilities [Bridge, Router] (0x0014)\n"
                          "\t  Enabled Capabilities [Bridge] (0x0004)\n"
                          "\tOrganization specific TLV (127), length 6: OUI Ethernet bridged (0x0080c2)\n"
                          "\t  Port VLAN Id Subtype (1)\n"
                          "\t    port vlan id (PVID): 10\n"
                          "\tEnd TLV (0), length 0\n");
  std::string vv = print(f, v(2));
  CHECK(vv.find("\tTime to Live TLV (3), length 2: TTL 120s\n\t  0x0000:  0078\n") != std::string::npos);
}

TEST_CASE("LLDP: a TLV cut by the capture ends the packet", "[proto][lldp][truncated]") {
  Frame f = lldp_frame();
  Frame cut(f.begin(), f.begin() + 14 + 9 + 4);  // inside the Port ID value
  CHECK(print(cut, v(1), 1, static_cast<std::uint32_t>(f.size())) ==
        "LLDP, length 41\n\tChassis ID TLV (1), length 7\n\t  Subtype MAC address (4): 02:00:00:00:00:0a\n"
        "\tPort ID TLV (2), length 5 [|lldp]\n");
  CHECK(print(cut, {}, 1, static_cast<std::uint32_t>(f.size())) == "LLDP, length 41 [|lldp]\n");
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 1200));
  // A TLV length far past the frame: one packet, no loop, no read past it.
  Frame huge = ether(0x88cc, cat({be16(1u << 9 | 0x1ff), {4, 1, 2, 3}}), kLldpMac);
  CHECK(print(huge, v(1)) == "LLDP, length 6\n\tChassis ID TLV (1), length 511 [|lldp]\n");
}

TEST_CASE("LLDP: JSON lists the TLVs as objects", "[proto][lldp][json]") {
  auto doc = testjson::parse(print(lldp_frame(), json_timed()));
  const auto& lldp = doc["layers"].array().at(1);
  CHECK(lldp["layer"].str() == "lldp");
  const auto& tlvs = lldp["tlvs"];
  REQUIRE(tlvs.array().size() == 7);
  CHECK(tlvs.array().at(0)["name"].str() == "Chassis ID");
  CHECK(tlvs.array().at(0)["id"].str() == "02:00:00:00:00:0a");
  CHECK(tlvs.array().at(1)["id"].str() == "eth0");
  CHECK(tlvs.array().at(2)["ttl"].num() == 120);
  CHECK(tlvs.array().at(3)["value"].str() == "sw1");
  CHECK(tlvs.array().at(4)["capabilities"].num() == 0x14);
  CHECK(tlvs.array().at(5)["oui"].num() == 0x0080c2);
  CHECK(tlvs.array().at(5)["pvid"].num() == 10);
  CHECK(tlvs.array().at(6)["name"].str() == "End");
  Frame cut = lldp_frame();
  cut.resize(14 + 9 + 4);
  auto c = testjson::parse(print(cut, json_timed(), 1, 73));
  REQUIRE(c["layers"].array().at(1)["tlvs"].array().size() == 2);
  CHECK(c["layers"].array().at(1)["tlvs"].array().at(1)["truncated"].boolean());
  CHECK(c["layers"].array().at(1)["status"].str() == "truncated");
}

TEST_CASE("IGMP: v1, v2 and v3 messages", "[proto][igmp]") {
  CHECK(print(igmp_frame({0x11, 0, 0, 0, 0, 0, 0, 0}, "224.0.0.1")) == "IP 192.0.2.1 > 224.0.0.1: igmp query v1\n");
  CHECK(print(igmp_frame({0x11, 100, 0, 0, 0, 0, 0, 0}, "224.0.0.1")) == "IP 192.0.2.1 > 224.0.0.1: igmp query v2\n");
  CHECK(print(igmp_frame(cat({{0x16, 0, 0, 0}, ip4a("239.1.1.1")}), "239.1.1.1")) ==
        "IP 192.0.2.1 > 239.1.1.1: igmp v2 report 239.1.1.1\n");
  CHECK(print(igmp_frame(cat({{0x17, 0, 0, 0}, ip4a("239.1.1.1")}), "224.0.0.2")) ==
        "IP 192.0.2.1 > 224.0.0.2: igmp leave 239.1.1.1\n");
  Frame q3 = igmp_frame(cat({{0x11, 0x8a, 0, 0}, ip4a("239.1.1.1"), {0x02, 125}, be16(1), ip4a("192.0.2.9")}),
                        "239.1.1.1");
  CHECK(print(q3) == "IP 192.0.2.1 > 239.1.1.1: igmp query v3 [max resp time 20.8s] [gaddr 239.1.1.1, 1 source(s)]\n");
  CHECK(print(q3, v(2)).find("igmp query v3 [max resp time 20.8s] [gaddr 239.1.1.1 { 192.0.2.9 }]\n") !=
        std::string::npos);
  Frame r3 = igmp_frame(v3_report(), "224.0.0.22");
  CHECK(print(r3) == "IP 192.0.2.1 > 224.0.0.22: igmp v3 report, 2 group record(s)\n");
  CHECK(print(r3, v(1)) ==
        "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto IGMP (2), length 56, options (RA))\n"
        "    192.0.2.1 > 224.0.0.22: igmp v3 report, 2 group record(s) [gaddr 239.1.1.1 to_ex, 0 source(s)] "
        "[gaddr 239.2.2.2 is_in, 2 source(s)]\n");
  CHECK(print(r3, v(2)).find("[gaddr 239.1.1.1 to_ex { }] [gaddr 239.2.2.2 is_in { 192.0.2.7 192.0.2.8 }]\n") !=
        std::string::npos);
  Frame bad = r3;
  bad[14 + 24 + 2] ^= 0xff;
  CHECK(print(bad, v(1)).find(" bad igmp cksum ") != std::string::npos);
}

TEST_CASE("IGMP: a truncated report ends in [|igmp]", "[proto][igmp][truncated]") {
  Frame r3 = igmp_frame(v3_report(), "224.0.0.22");
  Frame cut(r3.begin(), r3.end() - 6);  // inside the second record's sources
  CHECK(print(cut, v(2), 1, static_cast<std::uint32_t>(r3.size())) ==
        "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto IGMP (2), length 56, options (RA))\n"
        "    192.0.2.1 > 224.0.0.22: igmp v3 report, 2 group record(s) [gaddr 239.1.1.1 to_ex { }] "
        "[gaddr 239.2.2.2 is_in { [|igmp]\n");
  for (const auto& line : print_prefixes(r3, v(2))) CHECK(sane_line(line, 400));
}

TEST_CASE("IGMP: JSON has the groups and their sources", "[proto][igmp][json]") {
  auto doc = testjson::parse(print(igmp_frame(v3_report(), "224.0.0.22"), json_timed()));
  const auto& g = doc["layers"].array().at(2);
  CHECK(g["layer"].str() == "igmp");
  CHECK(g["version"].num() == 3);
  CHECK(g["message"].str() == "report");
  const auto& groups = g["groups"];
  REQUIRE(groups.array().size() == 2);
  CHECK(groups.array().at(0)["group"].str() == "239.1.1.1");
  CHECK(groups.array().at(0)["record"].str() == "to_ex");
  CHECK(groups.array().at(1)["sources"].array().size() == 2);
  CHECK(groups.array().at(1)["sources"].array().at(1).str() == "192.0.2.8");
  Frame cut = igmp_frame(v3_report(), "224.0.0.22");
  std::uint32_t wire = static_cast<std::uint32_t>(cut.size());
  cut.resize(cut.size() - 6);
  auto c = testjson::parse(print(cut, json_timed(), 1, wire));
  CHECK(c["layers"].array().at(2)["groups"].array().at(1)["sources_truncated"].boolean());
  CHECK(c["layers"].array().at(2)["status"].str() == "truncated");
}
