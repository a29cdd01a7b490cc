// Arista's vendor ethertype 0xd28b (arista.cpp): the timestamp header's
// words with and without -e (64-bit and 48-bit formats, timescales and
// hardware kinds, unknown values, the nanoseconds' carry), the frame inside
// as Ethernet goes on with it (IPv4, a VLAN tag, an 802.3 length, an
// unknown type, a second Arista header, Arista behind a VLAN tag), an
// unknown subtype or format in hex, and hostile input: every truncation
// prefix and seeded mutations (never a read past the capture: run under the
// asan preset). Expected text is tcpdump 4.99.3's for the same bytes
// (re-checked with NETLAB_PROTO_PCAP_DIR, see test_proto_support.cpp).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

// An ICMP echo request 192.0.2.1 > 192.0.2.2 with a good checksum.
Frame echo_ip() {
  Frame icmp = {8, 0, 0, 0, 0, 1, 0, 1};
  std::uint16_t s = fold(sum16(icmp, 0, icmp.size()));
  icmp[2] = static_cast<std::uint8_t>(s >> 8);
  icmp[3] = static_cast<std::uint8_t>(s);
  Frame ip = ipv4(1, icmp);
  fix_ip4_sum(ip, 0);
  return ip;
}

// Subtype 1 (timestamp): timescale, format/hw byte, the timestamp, the type inside.
Frame ts64(unsigned scale, unsigned hw, std::uint32_t sec, std::uint32_t ns, unsigned inner) {
  return cat({be16(1), {static_cast<std::uint8_t>(scale), static_cast<std::uint8_t>(0x10 | hw)}, be32(sec), be32(ns),
              be16(inner)});
}
Frame ts48(unsigned scale, unsigned hw, unsigned sec, std::uint32_t ns, unsigned inner) {
  return cat({be16(1), {static_cast<std::uint8_t>(scale), static_cast<std::uint8_t>(0x20 | hw)}, be16(sec), be32(ns),
              be16(inner)});
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const std::string kType = "ethertype Arista Vendor Specific Protocol (0xd28b), length ";
const std::string kMacs = "02:00:00:00:00:01 > 02:00:00:00:00:02, ";
const std::string kEcho = "192.0.2.1 > 192.0.2.2: ICMP echo request, id 1, seq 1, length 8\n";
const std::string kTs64 = "SubType Timestamp (0x0001), Timescale TAI (0), Format 64-bit (1), HwInfo R/R2 (0), "
                          "Timestamp 2019-05-29 20:36:39.944724424: ";

}  // namespace

TEST_CASE("Arista: the 64-bit timestamp header and IPv4 inside", "[proto][arista]") {
  Frame f = ether(0xd28b, cat({ts64(0, 0, 0x5ceeed57, 0x384f59c8, 0x0800), echo_ip()}));
  CHECK(print(f) == kType + "56: " + kTs64 + "IP " + kEcho);
  // -e: the addresses, and Ethernet's type and length again for the frame inside.
  CHECK(print(f, v(0, true)) == kMacs + kType + "56: " + kTs64 + "ethertype IPv4 (0x0800), length 56: " + kEcho);
  CHECK(has(print(f, v(1)), kTs64 + "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto ICMP (1), length 28)"
                                    "\n    " + kEcho));
  netlab::PrintOptions q;
  q.quiet = true;
  CHECK(has(print(f, q), "Arista Vendor Specific Protocol, length 56: SubType Timestamp (0x0001)"));
}

TEST_CASE("Arista: the 48-bit format UTC and R3 with a VLAN tag inside", "[proto][arista]") {
  // 3999999999 ns carry 3 s into the 16-bit seconds.
  Frame f = ether(0xd28b, cat({ts48(1, 1, 60821, 3999999999u, 0x8100), be16(100), be16(0x0800), echo_ip()}));
  const std::string hdr = "SubType Timestamp (0x0001), Timescale UTC (1), Format 48-bit (2), HwInfo R3 (1), "
                          "Timestamp 60824.999999999: ";
  CHECK(print(f) == kType + "58: " + hdr + "IP " + kEcho);
  CHECK(print(f, v(0, true)) == kMacs + kType + "58: " + hdr +
                                    "ethertype 802.1Q (0x8100), length 58: vlan 100, p 0, ethertype IPv4 (0x0800), " +
                                    kEcho);
}

TEST_CASE("Arista: unknown timescale and hardware and the 32-bit carry", "[proto][arista]") {
  Frame f = ether(0xd28b, cat({ts64(5, 7, 0x5ceeed57, 0x384f59c8, 0x0800), echo_ip()}));
  CHECK(has(print(f), "Timescale Unknown (5), Format 64-bit (1), HwInfo Unknown (7), Timestamp 2019-05-29"));
  // tcpdump adds the carried seconds in 32 bits: the date wraps to 1970.
  Frame wrap = ether(0xd28b, cat({ts64(0, 0, 0xffffffffu, 0xffffffffu, 0x0800), echo_ip()}));
  CHECK(has(print(wrap), "Timestamp 1970-01-01 00:00:03.294967295: IP "));
}

TEST_CASE("Arista: Ethernet goes on with the type inside", "[proto][arista]") {
  // A second Arista header.
  Frame twice = ether(0xd28b, cat({ts64(0, 0, 0x5ceeed57, 0x384f59c8, 0xd28b), ts48(0, 0, 60759, 944724424, 0x0800),
                                   echo_ip()}));
  CHECK(print(twice) == kType + "68: " + kTs64 + kType + "68: SubType Timestamp (0x0001), Timescale TAI (0), " +
                            "Format 48-bit (2), HwInfo R/R2 (0), Timestamp 60759.944724424: IP " + kEcho);
  // An 802.3 length: LLC.
  Frame llc = ether(0xd28b, cat({ts64(0, 0, 0x5ceeed57, 0x384f59c8, 0x0010), {0x42, 0x42, 0x03}, Frame(13, 0)}));
  CHECK(print(llc) == kType + "44: " + kTs64 + "STP 802.1d, Config (invalid)\n");
  CHECK(has(print(llc, v(0, true)), kTs64 + "802.3, length 16: LLC, dsap STP (0x42) Individual"));
  // An unknown type: the addresses and the type, then the bytes.
  Frame unk = ether(0xd28b, cat({ts64(0, 0, 0x5ceeed57, 0x384f59c8, 0x1234), {'a', 'b', 'c', 'd'}}));
  CHECK(print(unk) == kType + "32: " + kTs64 + kMacs + "ethertype Unknown (0x1234), length 32: " +
                          "\n\t0x0000:  6162 6364                                abcd\n");
  CHECK(print(unk, v(0, true)) == kMacs + kType + "32: " + kTs64 + "ethertype Unknown (0x1234), length 32: " +
                                      "\n\t0x0000:  6162 6364                                abcd\n");
  // Arista behind a VLAN tag.
  Frame tagged = ether(0x8100, cat({be16(5), be16(0xd28b), ts64(0, 0, 0x5ceeed57, 0x384f59c8, 0x0800), echo_ip()}));
  CHECK(print(tagged) == kType + "60: " + kTs64 + "IP " + kEcho);
  CHECK(print(tagged, v(0, true)) == kMacs + "ethertype 802.1Q (0x8100), length 60: vlan 5, p 0, " + kType + "60: " +
                                         kTs64 + "ethertype IPv4 (0x0800), length 60: " + kEcho);
}

TEST_CASE("Arista: an unknown subtype or format prints the bytes in hex", "[proto][arista][invalid]") {
  Frame sub = ether(0xd28b, cat({be16(2), Frame(8, 0), be16(0x0800)}));
  const std::string hex = "\n\t0x0000:  0002 0000 0000 0000 0000 0800            ............\n";
  CHECK(print(sub) == kType + "26: SubType Unknown (0x0002), " + kMacs + kType + "26: " + hex);
  CHECK(print(sub, v(0, true)) == kMacs + kType + "26: SubType Unknown (0x0002), " + hex);
  Frame fmt = ether(0xd28b, cat({be16(1), {0, 0x30}, Frame(8, 0), be16(0x0800)}));
  CHECK(print(fmt) == kType + "28: SubType Timestamp (0x0001), Timescale TAI (0), Format Unknown (3), " +
                          "HwInfo R/R2 (0), Timestamp " + kMacs + kType + "28: " +
                          "\n\t0x0000:  0001 0030 0000 0000 0000 0000 0800       ...0..........\n");
}

TEST_CASE("Arista: a cut header ends in [|arista]", "[proto][arista][truncated]") {
  Frame f = ether(0xd28b, cat({ts64(0, 0, 0x5ceeed57, 0x384f59c8, 0x0800), echo_ip()}));
  const auto wire = static_cast<std::uint32_t>(f.size());
  auto cut = [&](std::size_t n, netlab::PrintOptions o = {}) { return print(Frame(f.begin(), f.begin() + n), o, 1, wire); };
  // No subtype captured: Ethernet's own check, without the space.
  CHECK(cut(14) == "[|arista]\n");
  CHECK(cut(15, v(0, true)) == kMacs + "[|arista]\n");
  CHECK(cut(16) == kType + "56: SubType Timestamp (0x0001),  [|arista]\n");
  CHECK(cut(17) == kType + "56: SubType Timestamp (0x0001), Timescale TAI (0),  [|arista]\n");
  CHECK(cut(25) == kType + "56: SubType Timestamp (0x0001), Timescale TAI (0), Format 64-bit (1), HwInfo R/R2 (0), "
                           "Timestamp  [|arista]\n");
  // The type inside cut: still Arista's truncation.
  CHECK(cut(27) == kType + "56: " + kTs64 + " [|arista]\n");
  for (const auto& line : print_prefixes(f)) CHECK(sane_line(line, 400));
  for (const auto& line : print_prefixes(f, v(1, true))) CHECK(sane_line(line, 600));
  for (const auto& line : print_mutations(f, 14, 71, 500, v(1))) CHECK(sane_line(line, 4000));
  for (const auto& line : print_mutations(f, 14, 72, 500, v(2, true))) CHECK(sane_line(line, 4000));
  Frame sub = ether(0xd28b, cat({ts48(0, 1, 7, 8, 0x8100), be16(3), be16(0xd28b), ts64(1, 0, 1, 2, 0x0800), echo_ip()}));
  for (const auto& line : print_mutations(sub, 14, 73, 500, v(1, true))) CHECK(sane_line(line, 4000));
}

TEST_CASE("Arista: JSON has the header's typed fields", "[proto][arista][json]") {
  Frame f = ether(0xd28b, cat({ts48(1, 1, 60821, 3999999999u, 0x0800), echo_ip()}));
  auto doc = testjson::parse(print(f, json()));
  const auto& layers = doc["layers"].array();
  REQUIRE(layers.size() >= 3);
  const auto& a = layers.at(1);
  CHECK(a["layer"].str() == "arista");
  CHECK(a["subtype"].num() == 1);
  CHECK(a["subtype_name"].str() == "Timestamp");
  CHECK(a["timescale_name"].str() == "UTC");
  CHECK(a["format"].num() == 2);
  CHECK(a["format_bits"].num() == 48);
  CHECK(a["hw_info_name"].str() == "R3");
  CHECK(a["seconds"].num() == 60824);
  CHECK(a["nanoseconds"].num() == 999999999);
  CHECK(a["ethertype"].num() == 0x0800);
  CHECK(layers.at(2)["layer"].str() == "ipv4");
  // An unknown subtype: the layer ends there, its bytes counted.
  auto unk = testjson::parse(print(ether(0xd28b, cat({be16(9), Frame(6, 0)})), json()));
  const auto& u = unk["layers"].array().at(1);
  CHECK(u["subtype"].num() == 9);
  CHECK(u["unknown_length"].num() == 8);
  CHECK(unk["layers"].array().size() == 2);
}
