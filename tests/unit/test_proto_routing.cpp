// The timing and routing protocols of a lab: PTP over Ethernet and UDP
// (ptp.cpp), OSPFv2 and OSPFv3 (ospf.cpp) and BGP's message lines
// (bgp.cpp), at -n, -v and -vv, cut at every length (never a read past the
// capture: run under the asan preset), mutated, and in the typed JSON form.
// Expected text is tcpdump 4.99.3's for the same bytes (the frames were
// written to a pcap and read back with `tcpdump -n -t [-v|-vv]`).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

Frame hex(const std::string& text) {
  Frame f;
  for (std::size_t k = 0; k + 1 < text.size(); k += 2)
    f.push_back(static_cast<std::uint8_t>(std::stoul(text.substr(k, 2), nullptr, 16)));
  return f;
}

// A two-step sync message: clock 7483efffff01ac16, port 274, origin 1582282400 s 866790239 ns.
Frame ptp_sync() {
  return hex("0002002c000002000000000000000000000000007483efffff01ac16011200000000" "00005e4fb6a0" "33aa2b5f");
}

Frame udp(unsigned sport, unsigned dport, const Frame& payload) {
  return cat({be16(sport), be16(dport), be16(static_cast<unsigned>(8 + payload.size())), be16(0), payload});
}

// OSPFv2 hello, no authentication: one neighbour, DR 192.0.2.1.
Frame ospf_hello() {
  return hex("0201" "0030" "c0000201" "00000000" "0000" "0000" "0000000000000000" "ffffff00" "000a" "02" "01"
             "00000028" "c0000201" "00000000" "c0000202");
}

// OSPFv2 LS update, area 0.0.0.1, one router LSA with one stub link.
Frame ospf_update() {
  return hex("0204" "0040" "c0000201" "00000001" "0000" "0000" "0000000000000000" "00000001"
             "0001" "22" "01" "c0000201" "c0000201" "80000001" "0000" "0024" "02000001" "c0000200" "ffffff00"
             "0300000a");
}

// OSPFv3 hello: interface 5, priority 1, options V6|E|R, DR 1.1.1.1, neighbour 2.2.2.2.
Frame ospf3_hello() {
  return hex("0301" "0028" "01010101" "00000000" "0000" "00" "00" "00000005" "01000013" "000a" "0028" "01010101"
             "00000000" "02020202");
}

// A KEEPALIVE, then an OPEN (AS 65001, hold 90 s, one multiprotocol capability).
Frame bgp_pair() {
  Frame marker(16, 0xff);
  return cat({marker, hex("001304"), marker, hex("00250104fde9005ac0000201080206010400010001")});
}

Frame tcp179(const Frame& payload) {
  Frame seg = cat({be16(179), be16(40000), be32(1), be32(1), hex("501803e8"), be16(0), be16(0), payload});
  return ether(0x0800, ipv4(6, seg));
}

}  // namespace

TEST_CASE("PTP: a sync message over Ethernet and a short one over UDP", "[proto][ptp]") {
  const std::string line =
      "PTPv2, v1 compat : no, msg type : sync msg, length : 44, domain : 0, reserved1 : 0, Flags [two step], "
      "NS correction : 0, sub NS correction : 0, reserved2 : 0, clock identity : 0x7483efffff01ac16, port id : "
      "274, seq id : 0, control : 0 (Sync), log message interval : 0, originTimeStamp : 1582282400 seconds, "
      "866790239 nanoseconds\n";
  CHECK(print(ether(0x88f7, ptp_sync())) == line);
  CHECK(print(ether(0x88f7, ptp_sync()), v(2)) == line);  // the same line at every -v level
  CHECK(print(ether(0x0800, ipv4(17, udp(320, 320, ptp_sync())))) == "IP 192.0.2.1.320 > 192.0.2.2.320: " + line);
  const Frame sync = ptp_sync();
  Frame shorter(sync.begin(), sync.begin() + 20);
  CHECK(print(ether(0x0800, ipv4(17, udp(319, 319, shorter)))) ==
        "IP 192.0.2.1.319 > 192.0.2.2.319:  [length 20 < 34] (invalid)\n");
  // 1588-2019's minor version: 4.99.3 prints the whole byte.
  Frame v21 = ptp_sync();
  v21[1] = 0x12;
  CHECK(print(ether(0x88f7, v21)) == "PTPv18\n");
}

TEST_CASE("PTP: a cut message ends in [|ptp]", "[proto][ptp][truncated]") {
  Frame f = ether(0x0800, ipv4(17, udp(320, 320, ptp_sync())));
  Frame cut(f.begin(), f.end() - 4);  // inside the nanoseconds
  CHECK(has(print(cut, {}, 1, static_cast<std::uint32_t>(f.size())), "originTimeStamp : 1582282400 seconds, [|ptp]\n"));
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 1000));
  for (const auto& line : print_mutations(f, 42, 51, 300, v(2))) CHECK(sane_line(line, 4000));
}

TEST_CASE("OSPF: version 2 hello and update at -n -v and -vv", "[proto][ospf]") {
  Frame hello = ether(0x0800, ipv4(89, ospf_hello(), "192.0.2.1", "224.0.0.5"));
  CHECK(print(hello) == "IP 192.0.2.1 > 224.0.0.5: OSPFv2, Hello, length 48\n");
  CHECK(has(print(hello, v(1)), "    192.0.2.1 > 224.0.0.5: OSPFv2, Hello, length 48\n"
                                "\tRouter-ID 192.0.2.1, Backbone Area, Authentication Type: none (0)\n"
                                "\tOptions [External]\n"
                                "\t  Hello Timer 10s, Dead Timer 40s, Mask 255.255.255.0, Priority 1\n"
                                "\t  Designated Router 192.0.2.1\n"
                                "\t  Neighbor List:\n"
                                "\t    192.0.2.2\n"));
  Frame update = ether(0x0800, ipv4(89, ospf_update(), "192.0.2.1", "224.0.0.5"));
  const std::string lsa = "    192.0.2.1 > 224.0.0.5: OSPFv2, LS-Update, length 64\n"
                          "\tRouter-ID 192.0.2.1, Area 0.0.0.1, Authentication Type: none (0), 1 LSA\n"
                          "\t  LSA #1\n"
                          "\t  Advertising Router 192.0.2.1, seq 0x80000001, age 1s, length 16\n"
                          "\t    Router LSA (1), LSA-ID: 192.0.2.1\n"
                          "\t    Options: [External, Demand Circuit]\n"
                          "\t    Router LSA Options: [ASBR]\n"
                          "\t      Stub Network: 192.0.2.0, Mask: 255.255.255.0\n"
                          "\t\ttopology default (0), metric 10\n";
  CHECK(has(print(update, v(1)), lsa));
  CHECK(has(print(update, v(2)), lsa + "\t    0x0000:  0200 0001 c000 0200 ffff ff00 0300 000a\n"));
}

TEST_CASE("OSPF: version 3 hello lists its neighbours from -vv", "[proto][ospf]") {
  Frame f = ether(0x86dd, ipv6(89, ospf3_hello(), "fe80::1", "ff02::5"));
  f[14 + 7] = 1;  // hop limit
  CHECK(print(f) == "IP6 fe80::1 > ff02::5: OSPFv3, Hello, length 40\n");
  const std::string body = "fe80::1 > ff02::5: OSPFv3, Hello, length 40\n"
                           "\tRouter-ID 1.1.1.1, Backbone Area\n"
                           "\tOptions [V6, External, Router]\n"
                           "\t  Hello Timer 10s, Dead Timer 40s, Interface-ID 0.0.0.5, Priority 1\n"
                           "\t  Designated Router 1.1.1.1\n";
  CHECK(has(print(f, v(1)), body));
  CHECK(!has(print(f, v(1)), "Neighbor List"));
  CHECK(has(print(f, v(2)), body + "\t  Neighbor List:\n\t    2.2.2.2\n"));
}

TEST_CASE("OSPF: a cut packet ends in [|ospf2] or [|ospf3]", "[proto][ospf][truncated]") {
  Frame f = ether(0x0800, ipv4(89, ospf_update(), "192.0.2.1", "224.0.0.5"));
  Frame cut(f.begin(), f.end() - 6);  // inside the stub link: tcpdump checks the link's 12 bytes first
  CHECK(has(print(cut, v(1), 1, static_cast<std::uint32_t>(f.size())),
            "\t    Router LSA Options: [ASBR] [|ospf2]\n"));
  Frame six = ether(0x86dd, ipv6(89, ospf3_hello(), "fe80::1", "ff02::5"));
  Frame cut6(six.begin(), six.end() - 2);
  CHECK(has(print(cut6, v(2), 1, static_cast<std::uint32_t>(six.size())), "\t  Neighbor List: [|ospf3]\n"));
  for (const Frame& g : {f, six, ether(0x0800, ipv4(89, ospf_hello()))}) {
    for (const auto& line : print_prefixes(g, v(2))) CHECK(sane_line(line, 2000));
    for (const auto& line : print_mutations(g, 34, 89, 300, v(2))) CHECK(sane_line(line, 20000));
  }
}

TEST_CASE("BGP: ': BGP' at -n and the messages from -v", "[proto][bgp]") {
  Frame f = tcp179(bgp_pair());
  CHECK(has(print(f), "length 56: BGP\n"));
  const std::string messages = "length 56: BGP\n"
                               "\tKeepalive Message (4), length: 19\n"
                               "\tOpen Message (1), length: 37\n"
                               "\t  Version 4, my AS 65001, Holdtime 90s, ID 192.0.2.1\n"
                               "\t  Optional parameters, length: 8\n"
                               "\t    Option Capabilities Advertisement (2), length: 6\n"
                               "\t      Multiprotocol Extensions (1), length: 4\n"
                               "\t\tAFI IPv4 (1), SAFI Unicast (1)\n";
  CHECK(has(print(f, v(1)), messages));
  CHECK(has(print(f, v(2)), messages + "\t\t0x0000:  0001 0001\n"));
  // A message not captured whole is named, not printed.
  Frame cut(f.begin(), f.end() - 3);
  CHECK(has(print(cut, v(1), 1, static_cast<std::uint32_t>(f.size())),
            "\tKeepalive Message (4), length: 19\n[|BGP Open]\n"));
  // tcpdump's "[|BGP ...]" starts a line of its own: bounded, one record each.
  auto bounded = [](const std::string& s, std::size_t max) {
    return !s.empty() && s.back() == '\n' && s.size() <= max && s.find('\0') == std::string::npos;
  };
  for (const auto& line : print_prefixes(f, v(2))) CHECK(bounded(line, 2000));
  for (const auto& line : print_mutations(f, 54, 7, 300, v(2))) CHECK(bounded(line, 20000));
}

TEST_CASE("BGP: an UPDATE's routes and path attributes", "[proto][bgp]") {
  Frame marker(16, 0xff);
  Frame update = cat({marker, hex("004502000418c633640026400101004002060202fde9fdea400304c00002018004040000000a"
                                  "c00808fde90064ffffff0118cb0071")});
  Frame f = tcp179(update);
  const std::string text = "length 69: BGP\n"
                           "\tUpdate Message (2), length: 69\n"
                           "\t  Withdrawn routes:\n"
                           "\t    198.51.100.0/24\n"
                           "\t  Origin (1), length: 1, Flags [T]: IGP\n"
                           "\t  AS Path (2), length: 6, Flags [T]: 65001 65002 \n"
                           "\t  Next Hop (3), length: 4, Flags [T]: 192.0.2.1\n"
                           "\t  Multi Exit Discriminator (4), length: 4, Flags [O]: 10\n"
                           "\t  Community (8), length: 8, Flags [OT]: 65001:100,  NO_EXPORT\n"
                           "\t  Updated routes:\n"
                           "\t    203.0.113.0/24\n";
  CHECK(has(print(f, v(1)), text));
  CHECK(has(print(f, v(2)), "\t  AS Path (2), length: 6, Flags [T]: 65001 65002 \n\t    0x0000:  0202 fde9 fdea\n"));
  for (const auto& line : print_mutations(f, 54, 11, 300, v(2))) CHECK(line.size() < 20000);
}

TEST_CASE("PTP OSPF and BGP: JSON has the typed fields", "[proto][ptp][ospf][bgp][json]") {
  auto p = testjson::parse(print(ether(0x88f7, ptp_sync()), json()));
  const auto& l = p["layers"].array().at(1);
  CHECK(l["layer"].str() == "ptp");
  CHECK(l["msg_type_name"].str() == "sync msg");
  CHECK(l["clock_identity"].str() == "7483efffff01ac16");
  CHECK(l["port_number"].num() == 274);
  CHECK(l["two_step"].boolean());
  CHECK(l["origin_timestamp"]["seconds"].num() == 1582282400);
  auto o = testjson::parse(print(ether(0x0800, ipv4(89, ospf_hello(), "192.0.2.1", "224.0.0.5")), json()));
  const auto& h = o["layers"].array().at(2);
  CHECK(h["layer"].str() == "ospf2");
  CHECK(h["type_name"].str() == "Hello");
  CHECK(h["router_id"].str() == "192.0.2.1");
  CHECK(h["dead_interval"].num() == 40);
  REQUIRE(h["neighbors"].array().size() == 1);
  CHECK(h["neighbors"].array().at(0).str() == "192.0.2.2");
  auto b = testjson::parse(print(tcp179(bgp_pair()), json()));
  const auto& g = b["layers"].array().at(3);
  CHECK(g["layer"].str() == "bgp");
  REQUIRE(g["messages"].array().size() == 2);
  CHECK(g["messages"].array().at(0)["type_name"].str() == "Keepalive");
  CHECK(g["messages"].array().at(1)["my_as"].num() == 65001);
}

// IS-IS L1 LAN hello over 802.3/LLC (fe fe 03): area 49.0001; tcpdump 4.99.3
// prints the PDU type and then " [|isis]" when the fixed header is cut.
TEST_CASE("IS-IS: a LAN hello at -n and one cut in its header", "[proto][isis][truncated]") {
  Frame f = hex("0180c20000140200000000010024fefe03831b01000f01000001192000000201001e05dc4019200000020101010403490001");
  CHECK(print(f) == "IS-IS, L1 Lan IIH, src-id 1920.0000.0201, lan-id 1920.0000.0201.01, prio 64, length 33\n");
  Frame cut(f.begin(), f.end() - 9);  // inside the LAN id
  CHECK(print(cut, {}, 1, static_cast<std::uint32_t>(f.size())) == "IS-IS, L1 Lan IIH [|isis]\n");
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 2000));
  for (const auto& line : print_mutations(f, 17, 50, 300, v(2))) CHECK(sane_line(line, 4000));
}

// The same hello with TLVs at -v: each TLV's line and its value lines, as
// tcpdump 4.99.3 prints them for these bytes (and at -vv the hex of each).
TEST_CASE("IS-IS: a LAN hello's TLVs at -v and -vv", "[proto][isis]") {
  Frame f = hex(
      "0180c20000140200000000010037fefe03831b01000f01000001192000000201001e003440192000000201010104034900018101cc8404"
      "c000020189047274723108020000");
  CHECK(print(f, v(1)) ==
        "IS-IS, length 52\n"
        "\tL1 Lan IIH, hlen: 27, v: 1, pdu-v: 1, sys-id-len: 6 (0), max-area: 3 (0)\n"
        "\t  source-id: 1920.0000.0201,  holding time: 30s, Flags: [Level 1 only]\n"
        "\t  lan-id:    1920.0000.0201.01, Priority: 64, PDU length: 52\n"
        "\t    Area address(es) TLV #1, length: 4\n"
        "\t      Area address (length: 3): 49.0001\n"
        "\t    Protocols supported TLV #129, length: 1\n"
        "\t      NLPID(s): IPv4 (0xcc)\n"
        "\t    IPv4 Interface address(es) TLV #132, length: 4\n"
        "\t      IPv4 interface address: 192.0.2.1\n"
        "\t    Hostname TLV #137, length: 4\n"
        "\t      Hostname: rtr1\n"
        "\t    Padding TLV #8, length: 2\n");
  std::string vv = print(f, v(2));
  CHECK(vv.find("\t    Hostname TLV #137, length: 4\n\t      Hostname: rtr1\n\t      0x0000:  7274 7231\n") !=
        std::string::npos);
}

// Hostile TLVs: a TLV longer than the PDU, a sub-TLV longer than the
// sub-TLV space, a prefix sub-TLV running off the capture, an SPB sub-TLV
// longer than its TLV. Each ends as tcpdump 4.99.3 ends it, never reading
// past the frame.
TEST_CASE("IS-IS: hostile TLV and sub-TLV lengths end as tcpdump ends them", "[proto][isis][truncated]") {
  Frame tlv_long = hex(
      "0180c20000140200000000010028fefe03831b01000f01000001192000000201001e0025401920000002010101040349000101c80349");
  CHECK(print(tlv_long, v(1)).ends_with(
      "\t    Area address(es) TLV #1, length: 4\n\t      Area address (length: 3): 49.0001\n"
      "\t    Area address(es) TLV #1, length: 200 [|isis]\n"));
  Frame sub_long = hex(
      "0180c20000140200000000010031fefe03831b010012010000002e04b0192000000201000000000001000003160f192000000202010000"
      "0a040606c0000201");
  CHECK(print(sub_long, v(1)).ends_with(
      "\t      IS Neighbor: 1920.0000.0202.01, Metric: 10, sub-TLVs present (4)\n"
      "\t        IPv4 interface address subTLV #6, length: 6 (remaining data in subTLVs shorter than the current "
      "subTLV)\n"
      "\t    IS Reachability TLV #2, length: 1 [|isis]\n"));
  Frame prefix_cut = hex(
      "0180c2000014020000000001002dfefe03831b010012010000002a04b0192000000201000000000001000003870c0000000a58c0000206"
      "01280000");
  CHECK(print(prefix_cut, v(1)).ends_with(
      "\t      IPv4 prefix:       192.0.2.0/24, Distribution: up, Metric: 10, sub-TLVs present (6)\n"
      "\t        32-Bit Administrative tag subTLV #1, length: 40 [|isis] [|isis]\n"));
  Frame spb_long = hex(
      "0180c2000014020000000001002afefe03831b010012010000002704b01920000002010000000000010000038f0a000004100000000000"
      "00");
  CHECK(print(spb_long, v(1)).ends_with(
      "\t       RES: 0, MTID(s): 0\n\t       SPB MCID subTLV #4, length: 16 (> containing TLV length)\n"));
  for (const Frame* f : {&tlv_long, &sub_long, &prefix_cut, &spb_long}) {
    for (const auto& line : print_prefixes(*f, v(2))) CHECK(sane_line(line, 4000));
    for (const auto& line : print_mutations(*f, 17, 50, 300, v(2))) CHECK(sane_line(line, 8000));
  }
}

TEST_CASE("IS-IS: JSON types the PDU header and the TLVs", "[proto][isis][json]") {
  Frame f = hex(
      "0180c20000140200000000010037fefe03831b01000f01000001192000000201001e003440192000000201010104034900018101cc8404"
      "c000020189047274723108020000");
  auto o = testjson::parse(print(f, json()));
  const auto& l = o["layers"].array().back();
  CHECK(l["layer"].str() == "isis");
  CHECK(l["source_id"].str() == "1920.0000.0201");
  CHECK(l["lan_id"].str() == "1920.0000.0201.01");
  CHECK(l["holding_time"].num() == 30);
  const auto& t = l["tlvs"].array();
  REQUIRE(t.size() == 5);
  CHECK(t.at(0)["type_name"].str() == "Area address(es)");
  CHECK(t.at(0)["areas"].array().at(0).str() == "49.0001");
  CHECK(t.at(1)["nlpids"].array().at(0).num() == 0xcc);
  CHECK(t.at(2)["ipv4_addresses"].array().at(0).str() == "192.0.2.1");
  CHECK(t.at(3)["hostname"].str() == "rtr1");
  CHECK(t.at(4)["type"].num() == 8);
  Frame cut(f.begin(), f.end() - 8);  // inside the hostname TLV
  auto c = testjson::parse(print(cut, json(), 1, static_cast<std::uint32_t>(f.size())));
  const auto& ct = c["layers"].array().back()["tlvs"].array();
  REQUIRE(ct.size() == 4);
  CHECK(ct.at(3)["truncated"].boolean());
}
