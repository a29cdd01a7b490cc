// SNMP (snmp.cpp, UDP 161 and 162): the outer BER element's checks as
// tcpdump 4.99.3's asn1_parse makes them (a length past the datagram, length
// octets missing, content cut by the capture), and hostile input: every
// prefix and seeded mutations (never a read past the capture: run under the
// asan preset). A whole message is not decoded yet: it keeps UDP's line.

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame udp_frame(unsigned port, const Frame& payload) {
  Frame udp = cat({be16(40000), be16(port), be16(static_cast<unsigned>(8 + payload.size())), be16(0), payload});
  return ether(0x0800, ipv4(17, udp));
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// An SNMP message whose outer SEQUENCE claims 65535 bytes of 5.
const Frame kSnmpLong = Frame{0x30, 0x82, 0xff, 0xff, 0x02, 0x01, 0x00};

}  // namespace

TEST_CASE("SNMP: an outer element past the datagram or the capture", "[proto][snmp]") {
  CHECK(has(print(udp_frame(161, kSnmpLong)), ".161:  [len3<asnlen65535]\n"));
  CHECK(has(print(udp_frame(162, Frame{0x30, 0x81})), ".162:  [asnlen? 0<1]\n"));
  CHECK(has(print(udp_frame(161, Frame{0x30})), ".161:  [no asnlen]\n"));
  Frame whole = udp_frame(161, cat({Frame{0x30, 0x20}, Frame(32, 0x30)}));
  CHECK(has(print(whole), ".161: UDP, length 34\n"));  // netlab, not tcpdump: a whole message is not decoded yet
  Frame cut(whole.begin(), whole.end() - 4);
  CHECK(has(print(cut, {}, 1, static_cast<std::uint32_t>(whole.size())), ".161:   [|snmp]\n"));
  auto doc = testjson::parse(print(udp_frame(161, kSnmpLong), json()));
  const auto& l = doc["layers"].array().at(3);
  CHECK(l["layer"].str() == "snmp");
  CHECK(l["error"].str() == "len<asnlen");
  for (const auto& line : print_prefixes(udp_frame(161, kSnmpLong), v(2))) CHECK(sane_line(line, 400));
  for (const auto& line : print_mutations(whole, 14 + 20 + 8, 81, 300, v(1))) CHECK(sane_line(line, 400));
}
