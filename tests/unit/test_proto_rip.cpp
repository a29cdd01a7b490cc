// RIP v1/v2 (rip.cpp, UDP 520), RIPng (ripng.cpp, UDP 521) and LDP
// (ldp.cpp, UDP and TCP 646): the -n lines, the entries and TLVs at -v,
// authentication entries, and hostile input: entries longer than what is
// left, a TLV past its message, every prefix of a packet and seeded
// mutations (never a read past the capture: run under the asan preset).
// Expected text is tcpdump 4.99.3's for the same bytes.

#include <catch2/catch.hpp>
#include <cstdint>
#include <netlab/packet.hpp>
#include <string>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame udp_frame(const Frame& payload, unsigned sport, unsigned dport) {
  Frame udp = cat({be16(sport), be16(dport), be16(static_cast<unsigned>(8 + payload.size())), be16(0), payload});
  return ether(0x0800, ipv4(17, udp, "192.0.2.1", "224.0.0.9"));
}

Frame rip_frame(const Frame& payload) { return udp_frame(payload, 520, 520); }

// A RIPv2 route entry: family 2, tag, address, mask, next hop, metric.
Frame route(const char* addr, std::uint32_t mask, std::uint32_t metric, unsigned tag = 0, const char* nh = "0.0.0.0") {
  return cat({be16(2), be16(tag), ip4a(addr), be32(mask), ip4a(nh), be32(metric)});
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const std::string kRip = "IP 192.0.2.1.520 > 224.0.0.9.520: ";

}  // namespace

TEST_CASE("RIP: the -n line and the entries at -v", "[proto][rip]") {
  Frame v2 = rip_frame(
      cat({{2, 2, 0, 0}, route("198.51.100.0", 0xffffff00, 1), route("203.0.113.0", 0xfffffe80, 3, 7, "192.0.2.9")}));
  CHECK(print(v2) == kRip + "RIPv2, Response, length: 44\n");
  CHECK(has(print(v2, v(1)),
            "\n\tRIPv2, Response, length: 44, routes: 2 or less\n"
            "\t  AFI IPv4,    198.51.100.0/24, tag 0x0000, metric: 1, next-hop: self\n"
            "\t  AFI IPv4,     203.0.113.0/-1, tag 0x0007, metric: 3, next-hop: 192.0.2.9\n"));
  Frame v1 = rip_frame(cat({{1, 1, 0, 0}, be16(0), be16(0), ip4a("0.0.0.0"), be32(0), be32(0), be32(16)}));
  CHECK(has(print(v1, v(1)), "RIPv1, Request, length: 24, routes: 1\n\t  AFI 0, 0.0.0.0, metric: 16\n"));
  // -vv adds the message in hex.
  CHECK(has(print(v1, v(2)), "\t0x0000:  0101 0000 0000 0000 0000 0000 0000 0000\n\t0x0010:  0000 0000 0000 0010\n"));
  CHECK(print(rip_frame({9, 2, 0, 0})) == kRip + "RIPv2, unknown command (9), length: 4\n");
}

TEST_CASE("RIP: authentication entries", "[proto][rip]") {
  Frame simple = rip_frame(cat({{2, 2, 0, 0},
                                be16(0xffff),
                                be16(2),
                                Frame{'s', 'e', 'c', 'r', 'e', 't'},
                                Frame(10, 0),
                                route("198.51.100.0", 0xffffff00, 1)}));
  CHECK(has(print(simple, v(1)), "\n\t  Simple Text Authentication data: secret\n\t  AFI IPv4,"));
  Frame crypto = rip_frame(cat({{2, 2, 0, 0},
                                be16(0xffff),
                                be16(3),
                                be16(44),
                                {45, 4},
                                be32(7),
                                be32(0),
                                be32(0),
                                route("198.51.100.0", 0xffffff00, 1),
                                be16(0xffff),
                                be16(1),
                                be32(0xa1b2c3d4)}));
  CHECK(has(print(crypto, v(1)),
            "\n\t  Auth header: Packet Len 44, Key-ID 45, Auth Data Len 4, SeqNo 7, MBZ 0, MBZ 0\n"
            "\t  AFI IPv4,    198.51.100.0/24, tag 0x0000, metric: 1, next-hop: self\n"
            "\t  Auth trailer:\n\t  0x0000:  a1b2 c3d4\n"));
  // JSON: the entries typed, no password or digest.
  auto doc = testjson::parse(print(crypto, json()));
  const auto& l = doc["layers"].array().at(3);
  CHECK(l["layer"].str() == "rip");
  CHECK(l["version"].num() == 2);
  CHECK(l["command"].str() == "Response");
  const auto& e = l["entries"].array();
  REQUIRE(e.size() == 3);
  CHECK(e.at(0)["auth_type"].num() == 3);
  CHECK(e.at(0)["sequence"].num() == 7);
  CHECK(e.at(1)["address"].str() == "198.51.100.0");
  CHECK(e.at(1)["prefix_length"].num() == 24);
  CHECK(e.at(1)["next_hop"].str() == "0.0.0.0");
  CHECK(e.at(2)["auth_type"].num() == 1);
}

TEST_CASE("RIP: short entries and cut messages", "[proto][rip][invalid][truncated]") {
  // 16 bytes of an unknown family left: its hex, then the length check.
  Frame odd = rip_frame(cat({{2, 2, 0, 0}, be16(37), be16(0), Frame(12, 1)}));
  CHECK(has(print(odd, v(1)),
            "\n\t  AFI Unknown (37)\n\t  0x0000:  0101 0101 0101 0101 0101 0101"
            " [remaining entries length 16 < 20] (invalid)\n"));
  // An IPv4 entry shorter than 20 bytes: [|rip], and the -vv dump still follows.
  Frame shortv2 = rip_frame(cat({{2, 2, 0, 0}, be16(2), be16(0), Frame(8, 0)}));
  CHECK(has(print(shortv2, v(2)), "routes: 0 or less [|rip]\n\t0x0000:  0202"));
  CHECK(print(rip_frame({2, 2})) == kRip + " [|rip]\n");
  Frame f = rip_frame(cat({{2, 2, 0, 0}, be16(0xffff), be16(2), Frame(16, 'a'), route("198.51.100.0", 0xffffff00, 1)}));
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 2000));
  for (const auto& line : print_mutations(f, 14 + 20 + 8, 52, 400, v(2))) CHECK(sane_line(line, 4000));
  for (const auto& line : print_mutations(f, 14 + 20 + 8, 53, 200, json())) CHECK(sane_line(line, 4000));
}

TEST_CASE("RIPng: requests and responses", "[proto][ripng]") {
  auto entry = [](const char* p, unsigned tag, std::uint8_t plen, std::uint8_t metric) {
    return cat({ip6a(p), be16(tag), {plen, metric}});
  };
  const std::string addr = "IP 192.0.2.1.521 > 224.0.0.9.521: ";  // then the printer's own leading space
  Frame resp = udp_frame(cat({{2, 1, 0, 0}, entry("2001:db8::", 0, 64, 1), entry("2001:db8:1::", 7, 48, 0)}), 521, 521);
  CHECK(print(resp) == addr + " ripng-resp 2: 2001:db8::/64 (1) 2001:db8:1::/48 [7]\n");
  CHECK(has(print(resp, v(2)), " ripng-resp 2:\n\t2001:db8::/64 (1)\n\t2001:db8:1::/48 [7]\n"));
  Frame dump = udp_frame(cat({{1, 1, 0, 0}, entry("::", 0, 0, 16)}), 521, 521);
  CHECK(print(dump) == addr + " ripng-req dump\n");
  Frame odd = udp_frame(cat({{2, 1, 0, 0}, entry("2001:db8::", 0, 64, 1), Frame{1, 2, 3}}), 521, 521);
  CHECK(print(odd) == addr + " ripng-resp 1[27]: 2001:db8::/64 (1) (invalid)\n");
  CHECK(print(udp_frame({2, 9, 0, 0}, 521, 521)) == addr + " [vers 9] (invalid)\n");
  for (const auto& line : print_prefixes(resp, v(2))) CHECK(sane_line(line, 2000));
  for (const auto& line : print_mutations(resp, 14 + 20 + 8, 54, 300, v(2))) CHECK(sane_line(line, 4000));
  auto doc = testjson::parse(print(resp, json()));
  const auto& l = doc["layers"].array().at(3);
  CHECK(l["layer"].str() == "ripng");
  REQUIRE(l["entries"].array().size() == 2);
  CHECK(l["entries"].array().at(1)["prefix"].str() == "2001:db8:1::");
  CHECK(l["entries"].array().at(1)["tag"].num() == 7);
}

namespace {

// An LDP PDU with one message of the given TLVs.
Frame ldp(unsigned msg_type, const Frame& tlvs) {
  Frame msg = cat({be16(msg_type), be16(static_cast<unsigned>(4 + tlvs.size())), be32(0x38), tlvs});
  return cat({be16(1), be16(static_cast<unsigned>(6 + msg.size())), ip4a("192.0.2.7"), be16(0), msg});
}
Frame tlv(unsigned type, const Frame& value) {
  return cat({be16(type), be16(static_cast<unsigned>(value.size())), value});
}

}  // namespace

TEST_CASE("LDP: hello and label mapping messages", "[proto][ldp]") {
  Frame hello = udp_frame(ldp(0x100, cat({tlv(0x400, cat({be16(15), be16(0)})), tlv(0x401, ip4a("192.0.2.7")),
                                          tlv(0x701, be32(0x40000000))})),
                          646, 646);
  CHECK(print(hello) == "IP 192.0.2.1.646 > 224.0.0.9.646: LDP, Label-Space-ID: 192.0.2.7:0, pdu-length: 38\n");
  CHECK(has(print(hello, v(1)),
            "\n\tLDP, Label-Space-ID: 192.0.2.7:0, pdu-length: 38\n"
            "\t  Hello Message (0x0100), length: 28, Message ID: 0x00000038, Flags: [ignore if unknown]\n"
            "\t    Common Hello Parameters TLV (0x0400), length: 4, Flags: [ignore and don't forward if unknown]\n"
            "\t      Hold Time: 15s, Flags: [Link Hello]\n"
            "\t    IPv4 Transport Address TLV (0x0401), length: 4, Flags: [ignore and don't forward if unknown]\n"
            "\t      IPv4 Transport Address: 192.0.2.7\n"
            "\t    Unknown TLV (0x0701), length: 4, Flags: [ignore and don't forward if unknown]\n"
            "\t      0x0000:  4000 0000\n"));
  Frame map = udp_frame(ldp(0x400, cat({tlv(0x100, {2, 0, 1, 24, 198, 51, 100}), tlv(0x200, be32(3))})), 646, 646);
  CHECK(has(print(map, v(1)),
            "\t      Prefix FEC (0x02): IPv4 prefix 198.51.100.0/24\n"
            "\t    Generic Label TLV (0x0200), length: 4, Flags: [ignore and don't forward if unknown]\n"
            "\t      Label: 3\n"));
  // A PDU no longer than its two headers prints nothing (a keepalive).
  CHECK(print(udp_frame(ldp(0x201, {}), 646, 646)) == "IP 192.0.2.1.646 > 224.0.0.9.646: \n");
  auto doc = testjson::parse(print(map, json()));
  const auto& l = doc["layers"].array().at(3);
  CHECK(l["layer"].str() == "ldp");
  const auto& msgs = l["pdus"].array().at(0)["messages"].array();
  REQUIRE(msgs.size() == 1);
  CHECK(msgs.at(0)["name"].str() == "Label Mapping");
  CHECK(msgs.at(0)["tlvs"].array().size() == 2);
}

TEST_CASE("LDP: bad lengths and cut PDUs", "[proto][ldp][invalid][truncated]") {
  // A TLV longer than its message ends the message's list.
  Frame past = udp_frame(ldp(0x100, cat({be16(0x400), be16(40), be32(0)})), 646, 646);
  CHECK(has(print(past, v(1)), "\n\t\t TLV contents go past end of message\n"));
  // A TLV shorter than its value needs.
  Frame shortt = udp_frame(ldp(0x100, tlv(0x503, be32(0))), 646, 646);
  CHECK(has(print(shortt, v(1)), " [tlv length 4 < 12] (invalid)\n"));
  Frame bad = udp_frame(cat({be16(2), be16(30), Frame(30, 0)}), 646, 646);
  CHECK(has(print(bad), "LDP version 2 packet not supported\n"));
  Frame f = udp_frame(ldp(0x100, cat({tlv(0x400, cat({be16(15), be16(0)})), tlv(0x401, ip4a("192.0.2.7"))})), 646, 646);
  const auto wire = static_cast<std::uint32_t>(f.size());
  Frame cut(f.begin(), f.end() - 2);
  CHECK(has(print(cut, v(1), 1, wire),
            "IPv4 Transport Address TLV (0x0401), length: 4, Flags: [ignore and don't "
            "forward if unknown] [|ldp]\n"));
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 2000));
  for (const auto& line : print_mutations(f, 14 + 20 + 8, 55, 400, v(1))) CHECK(sane_line(line, 4000));
  for (const auto& line : print_mutations(f, 14 + 20 + 8, 56, 200, json())) CHECK(sane_line(line, 4000));
}
