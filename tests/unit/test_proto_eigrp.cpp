// EIGRP (eigrp.cpp): the one-line form, the header and TLVs from -v on
// (general parameters, software version, IPv4 internal and external routes,
// an unknown TLV as hex), the -vv hex of each TLV, short and bad TLVs,
// messages cut at every length (never a read past the capture) and the
// typed JSON form. Expected text is tcpdump 4.99.3's for the same bytes
// (re-checked with NETLAB_PROTO_PCAP_DIR, see test_proto_support.cpp).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame eigrp(std::uint8_t opcode, const Frame& tlvs, std::uint32_t flags = 0) {
  return ether(0x0800, ipv4(88, cat({{2, opcode, 0xee, 0x68}, be32(flags), be32(1), be32(0), be16(0), be16(100), tlvs}),
                            "192.0.2.1", "224.0.0.10"));
}

const Frame kHelloTlvs = cat({be16(1), be16(12), {1, 0, 1, 0, 0, 0}, be16(15), be16(4), be16(8), {12, 4, 1, 2}});

// An IP internal route to 198.51.100.0/24 via ourselves.
const Frame kRoute = cat({be16(0x0102), be16(28), be32(0), be32(2560000), be32(256000), {0x00, 0x05, 0xdc, 1, 255, 1, 0, 0, 24},
                          {198, 51, 100}});

}  // namespace

TEST_CASE("EIGRP: one line at -n and the header and TLVs from -v on", "[proto][eigrp]") {
  Frame hello = eigrp(5, kHelloTlvs);
  CHECK(print(hello) == "IP 192.0.2.1 > 224.0.0.10: EIGRP Hello, length: 40\n");
  CHECK(print(hello, v(1)).find("    192.0.2.1 > 224.0.0.10: \n"
                                "\tEIGRP v2, opcode: Hello (5), chksum: 0xee68, Flags: [none]\n"
                                "\tseq: 0x00000001, ack: 0x00000000, VRID: 0, AS: 100, length: 20\n"
                                "\t  General Parameters TLV (0x0001), length: 12\n"
                                "\t    holdtime: 15s, k1 1, k2 0, k3 1, k4 0, k5 0\n"
                                "\t  Software Version TLV (0x0004), length: 8\n"
                                "\t    IOS version: 12.4, EIGRP version 1.2\n") != std::string::npos);
  CHECK(print(hello, v(2)).find("\t    holdtime: 15s, k1 1, k2 0, k3 1, k4 0, k5 0\n"
                                "\t    0x0000:  0100 0100 0000 000f\n") != std::string::npos);
  Frame update = eigrp(1, kRoute, 0x09);
  CHECK(print(update, v(1)).find("Flags: [Init, End-of-Table]\n") != std::string::npos);
  CHECK(print(update, v(1)).find("\t  IP Internal routes TLV (0x0102), length: 28\n"
                                 "\t    IPv4 prefix:    198.51.100.0/24, nexthop: self\n"
                                 "\t      delay 25600 ms, bandwidth 256000 Kbps, mtu 1500, hop 1, reliability 255, "
                                 "load 1\n") != std::string::npos);
}

TEST_CASE("EIGRP: short and unknown and bad TLVs", "[proto][eigrp]") {
  Frame shortv = eigrp(5, cat({be16(4), be16(4)}));
  CHECK(print(shortv, v(1)).find("\t  Software Version TLV (0x0004), length: 4 (too short, < 8)\n") !=
        std::string::npos);
  Frame unknown = eigrp(5, cat({be16(0x0003), be16(7), {0xde, 0xad, 0xbe}}));
  CHECK(print(unknown, v(1)).find("\t  Sequence TLV (0x0003), length: 7\n\t    0x0000:  dead be\n") !=
        std::string::npos);
  // A TLV longer than the message: tcpdump 4.99.3 dumps the rest and stops.
  Frame bad = eigrp(5, cat({be16(1), be16(40), {0, 0, 0, 0}}));
  CHECK(print(bad, v(1)).find("length: 8\n\t    0x0000:  0000 0000\n") != std::string::npos);
  Frame v3 = ether(0x0800, ipv4(88, cat({{3, 5}, Frame(18, 0)}), "192.0.2.1", "224.0.0.10"));
  CHECK(print(v3) == "IP 192.0.2.1 > 224.0.0.10: EIGRP version 3 packet not supported\n");
  // tcpdump 4.99.3 wants the whole common header before anything.
  Frame tiny = ether(0x0800, ipv4(88, {2, 5, 0, 0}, "192.0.2.1", "224.0.0.10"));
  CHECK(print(tiny) == "IP 192.0.2.1 > 224.0.0.10:  [|eigrp]\n");
}

TEST_CASE("EIGRP: a message cut anywhere ends in the eigrp truncation mark and never reads past the capture", "[proto][eigrp][truncated]") {
  Frame full = eigrp(1, kRoute);
  Frame cut(full.begin(), full.begin() + 14 + 20 + 30);
  CHECK(print(cut, v(1), 1, static_cast<std::uint32_t>(full.size()))
            .find("\t  IP Internal routes TLV (0x0102), length: 28 [|eigrp]\n") != std::string::npos);
  for (const auto& line : print_prefixes(full, v(2))) CHECK(sane_line(line, 1000));
  for (const auto& line : print_mutations(full, 34, 88, 300, v(2))) CHECK(sane_line(line, 20000));
}

TEST_CASE("EIGRP: JSON has the header and the TLVs", "[proto][eigrp][json]") {
  auto doc = testjson::parse(print(eigrp(5, kHelloTlvs), json()));
  const auto& e = doc["layers"].array().at(2);
  CHECK(e["layer"].str() == "eigrp");
  CHECK(e["opcode_name"].str() == "Hello");
  CHECK(e["as"].num() == 100);
  CHECK(e["seq"].num() == 1);
  const auto& tlvs = e["tlvs"].array();
  REQUIRE(tlvs.size() == 2);
  CHECK(tlvs.at(0)["name"].str() == "General Parameters");
  CHECK(tlvs.at(1)["value"].str() == "0c040102");
}
