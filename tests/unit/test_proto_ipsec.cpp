// ESP (esp.cpp) and AH (ah.cpp): the ESP header in IPv4 and in UDP 4500
// (RFC 3948, with its NAT keepalive), AH with the payload its next header
// names in IPv4 and IPv6, the -v length field, headers cut at every length
// (never a read past the capture) and the typed JSON forms. Expected text is
// tcpdump 4.99.3's without -E for the same bytes (re-checked with
// NETLAB_PROTO_PCAP_DIR, see test_proto_support.cpp).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

const Frame kEsp = cat({be32(0x12345678), be32(1), Frame(16, 0xa5)});

Frame udp(unsigned sport, unsigned dport, const Frame& payload) {
  return cat({be16(sport), be16(dport), be16(static_cast<unsigned>(8 + payload.size())), be16(0), payload});
}

// An AH header (RFC 4302) with a 12-byte ICV before `payload` of protocol nh.
Frame ah(std::uint8_t nh, const Frame& payload, unsigned reserved = 0) {
  return cat({{nh, 4}, be16(reserved), be32(0x100), be32(0x13), be32(0x01020304), be32(0x05060708), be32(0x090a0b0c),
              payload});
}

}  // namespace

TEST_CASE("ESP: the SPI and sequence number and length in IP and in UDP 4500", "[proto][esp]") {
  Frame f = ether(0x0800, ipv4(50, kEsp));
  CHECK(print(f) == "IP 192.0.2.1 > 192.0.2.2: ESP(spi=0x12345678,seq=0x1), length 24\n");
  CHECK(print(f, v(1)) ==
        "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto ESP (50), length 44)\n"
        "    192.0.2.1 > 192.0.2.2: ESP(spi=0x12345678,seq=0x1), length 24\n");
  Frame u = ether(0x0800, ipv4(17, udp(4500, 4500, kEsp)));
  CHECK(print(u) == "IP 192.0.2.1.4500 > 192.0.2.2.4500: UDP-encap: ESP(spi=0x12345678,seq=0x1), length 24\n");
  Frame ka = ether(0x0800, ipv4(17, udp(4500, 4500, {0xff})));
  CHECK(print(ka) == "IP 192.0.2.1.4500 > 192.0.2.2.4500: isakmp-nat-keep-alive\n");
  Frame f6 = ether(0x86dd, ipv6(50, kEsp));
  CHECK(print(f6) == "IP6 2001:db8::1 > 2001:db8::2: ESP(spi=0x12345678,seq=0x1), length 24\n");
}

TEST_CASE("ESP: a header not captured past its 8 bytes is [|esp]", "[proto][esp][truncated]") {
  Frame f = ether(0x0800, ipv4(50, kEsp));
  Frame cut(f.begin(), f.begin() + 14 + 20 + 8);
  CHECK(print(cut, {}, 1, static_cast<std::uint32_t>(f.size())) == "IP 192.0.2.1 > 192.0.2.2:  [|esp]\n");
  Frame u = ether(0x0800, ipv4(17, udp(4500, 4500, kEsp)));
  Frame ucut(u.begin(), u.begin() + 14 + 20 + 8 + 6);
  CHECK(print(ucut, {}, 1, static_cast<std::uint32_t>(u.size())) ==
        "IP 192.0.2.1.4500 > 192.0.2.2.4500: UDP-encap:  [|esp]\n");
  for (const auto& line : print_prefixes(u, v(2))) CHECK(sane_line(line, 400));
}

TEST_CASE("AH: the header then the payload its next header names", "[proto][ah]") {
  Frame f = ether(0x0800, ipv4(51, ah(17, udp(5000, 6000, {1, 2, 3, 4}))));
  CHECK(print(f) == "IP 192.0.2.1 > 192.0.2.2: AH(spi=0x00000100,seq=0x13,icv=0x0102030405060708090a0b0c): "
                    "5000 > 6000: UDP, length 4\n");
  CHECK(print(f, v(1)).find("192.0.2.1 > 192.0.2.2: AH(length=4(24-bytes),spi=0x00000100,seq=0x13,"
                            "icv=0x0102030405060708090a0b0c): 5000 > 6000: UDP, length 4\n") != std::string::npos);
  Frame r = ether(0x86dd, ipv6(51, ah(59, {}, 0x3030)));
  CHECK(print(r) == "IP6 2001:db8::1 > 2001:db8::2: AH(reserved=0x3030[MustBeZero],spi=0x00000100,seq=0x13,"
                    "icv=0x0102030405060708090a0b0c): no next header\n");
}

TEST_CASE("AH: a header cut in its ICV prints the bytes captured then the ah truncation mark", "[proto][ah][truncated]") {
  Frame f = ether(0x0800, ipv4(51, ah(17, udp(5000, 6000, {1, 2, 3, 4}))));
  Frame cut(f.begin(), f.begin() + 14 + 20 + 14);
  CHECK(print(cut, {}, 1, static_cast<std::uint32_t>(f.size())) ==
        "IP 192.0.2.1 > 192.0.2.2: AH(spi=0x00000100,seq=0x13,icv=0x0102 [|ah]\n");
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 400));
  for (const auto& line : print_mutations(f, 34, 51, 300, v(2))) CHECK(sane_line(line, 4000));
}

TEST_CASE("ESP and AH: JSON has their header fields", "[proto][esp][ah][json]") {
  auto e = testjson::parse(print(ether(0x0800, ipv4(17, udp(4500, 4500, kEsp))), json()));
  const auto& el = e["layers"].array().at(3);
  CHECK(el["layer"].str() == "esp");
  CHECK(el["spi"].num() == 0x12345678);
  CHECK(el["seq"].num() == 1);
  CHECK(el["udp_encap"].boolean());
  auto a = testjson::parse(print(ether(0x0800, ipv4(51, ah(17, udp(5000, 6000, {1, 2, 3, 4})))), json()));
  const auto& layers = a["layers"].array();
  REQUIRE(layers.size() == 4);
  CHECK(layers.at(2)["layer"].str() == "ah");
  CHECK(layers.at(2)["next_header"].num() == 17);
  CHECK(layers.at(2)["header_length"].num() == 24);
  CHECK(layers.at(2)["icv"].str() == "0102030405060708090a0b0c");
  CHECK(layers.at(3)["layer"].str() == "udp");
}
