// UDP (RFC 768): ports, lengths, the checksum under -v/-vv over IPv4
// and IPv6, zero checksums, bad and truncated UDP lengths. Expected strings are tcpdump 4.99.3's text for the same bytes (see
// test_proto_support.cpp for how to re-check them against tcpdump).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame udp(unsigned sport, unsigned dport, const Frame& payload, int ulen = -1) {
  unsigned len = ulen < 0 ? static_cast<unsigned>(8 + payload.size()) : static_cast<unsigned>(ulen);
  return cat({be16(sport), be16(dport), be16(len), be16(0), payload});
}

}  // namespace

TEST_CASE("UDP over IPv4 and IPv6", "[proto][udp]") {
  CHECK(print(ether(0x0800, ipv4(17, udp(40000, 40001, {1, 2, 3, 4})))) ==
        "IP 192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  CHECK(print(ether(0x86dd, ipv6(17, udp(40000, 40001, {})))) ==
        "IP6 2001:db8::1.40000 > 2001:db8::2.40001: UDP, length 0\n");
  netlab::PrintOptions q;
  q.quiet = true;
  CHECK(print(ether(0x0800, ipv4(17, udp(40000, 40001, {1, 2, 3, 4}))), q) ==
        "IP 192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
}

TEST_CASE("UDP checksum: IPv4 only with -vv, IPv6 with -v", "[proto][udp][checksum]") {
  Frame good4 = ether(0x0800, ipv4(17, udp(40000, 40001, {1, 2, 3, 4})));
  CHECK(print(good4, v(1)) == "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 32)\n"
                              "    192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  CHECK(print(good4, v(2)) == "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 32)\n"
                              "    192.0.2.1.40000 > 192.0.2.2.40001: [udp sum ok] UDP, length 4\n");
  Frame bad4 = good4;
  bad4[14 + 20 + 6] ^= 0xff;
  CHECK(print(bad4, v(2)) == "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 32)\n"
                             "    192.0.2.1.40000 > 192.0.2.2.40001: [bad udp cksum 0xc04a -> 0x3f4a!] UDP, length 4\n");
  Frame zero4 = good4;
  zero4[14 + 26] = zero4[14 + 27] = 0;
  CHECK(print(zero4, v(2)) == "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 32)\n"
                              "    192.0.2.1.40000 > 192.0.2.2.40001: [no cksum] UDP, length 4\n");
  Frame good6 = ether(0x86dd, ipv6(17, udp(40000, 40001, {1, 2, 3, 4})));
  CHECK(print(good6, v(1)) == "IP6 (hlim 64, next-header UDP (17) payload length: 12) "
                              "2001:db8::1.40000 > 2001:db8::2.40001: [udp sum ok] UDP, length 4\n");
  Frame bad6 = good6;
  bad6[14 + 40 + 7] ^= 0x01;
  CHECK(print(bad6, v(1)).find("[bad udp cksum") != std::string::npos);
  // A zero checksum is invalid in IPv6 (RFC 8200 8.1): reported as bad.
  Frame zero6 = good6;
  zero6[14 + 46] = zero6[14 + 47] = 0;
  CHECK(print(zero6, v(1)).find("[bad udp cksum 0x0000 -> ") != std::string::npos);
}

TEST_CASE("UDP length field against the IP payload", "[proto][udp][invalid]") {
  // Length field 100, IP carries 12 bytes.
  CHECK(print(ether(0x0800, ipv4(17, udp(40000, 40001, {1, 2, 3, 4}, 100)))) ==
        "IP 192.0.2.1.40000 > 192.0.2.2.40001: UDP, bad length 92 > 4\n");
  // Length field below the header size.
  CHECK(print(ether(0x0800, ipv4(17, udp(40000, 40001, {1, 2, 3, 4}, 4)))) ==
        "IP 192.0.2.1.40000 > 192.0.2.2.40001: truncated-udplength 4\n");
  // Length field shorter than the payload: the field wins.
  CHECK(print(ether(0x0800, ipv4(17, udp(40000, 40001, {1, 2, 3, 4}, 10)))) ==
        "IP 192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 2\n");
  // IP payload shorter than a UDP header.
  CHECK(print(ether(0x0800, ipv4(17, {0x9c, 0x40, 0x9c, 0x41, 0, 8}))) ==
        "IP 192.0.2.1.40000 > 192.0.2.2.40001: truncated-udp 6\n");
}

TEST_CASE("UDP truncated at every byte offset", "[proto][udp][truncation]") {
  Frame full = ether(0x0800, ipv4(17, udp(40000, 40001, {1, 2, 3, 4})));
  auto lines = print_prefixes(full, v(2));
  for (std::size_t n = 34; n < 34 + 8; ++n) {
    INFO(n << " bytes: " << lines[n]);
    CHECK(lines[n].find(" [|udp]") != std::string::npos);
  }
  CHECK(lines[34] == "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 32)\n"
                     "    192.0.2.1 > 192.0.2.2:  [|udp]\n");
  CHECK(lines[38] == "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 32)\n"
                     "    192.0.2.1.40000 > 192.0.2.2.40001:  [|udp]\n");
  // Payload cut short: no checksum verdict, no mark.
  CHECK(lines[43] == "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 32)\n"
                     "    192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
}

TEST_CASE("hostile UDP: random ports, lengths and checksums", "[proto][udp][robustness]") {
  Frame v4 = ether(0x0800, ipv4(17, udp(40000, 40001, Frame(20, 0x61))));
  Frame v6 = ether(0x86dd, ipv6(17, udp(40000, 40001, Frame(20, 0x61))));
  for (int verbose : {0, 2}) {
    for (const auto& l : print_mutations(v4, 16, 21, 300, v(verbose))) CHECK(sane_line(l, 800));
    for (const auto& l : print_mutations(v6, 18, 22, 300, v(verbose))) CHECK(sane_line(l, 800));
  }
}
