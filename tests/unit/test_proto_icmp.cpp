// ICMP (RFC 792): echo, unreachable with the quoted datagram, time
// exceeded, redirect, parameter problem, timestamps, checksum under -v,
// truncation. Expected strings are tcpdump 4.99.3's text for the same bytes (see
// test_proto_support.cpp for how to re-check them against tcpdump).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame icmp(std::uint8_t type, std::uint8_t code, const Frame& rest, const char* src = "192.0.2.1",
           const char* dst = "192.0.2.2") {
  return ether(0x0800, ipv4(1, cat({{type, code, 0, 0}, rest}), src, dst));
}

// The datagram an error quotes: IPv4 192.0.2.2 > 198.51.100.7, UDP 40001 > 33434.
Frame quoted_udp() { return ipv4(17, cat({be16(40001), be16(33434), be16(8), be16(0)}), "192.0.2.2", "198.51.100.7"); }

}  // namespace

TEST_CASE("ICMP echo request and reply", "[proto][icmp]") {
  Frame req = icmp(8, 0, cat({be16(0x1234), be16(1), Frame(8, 0x61)}));
  CHECK(print(req) == "IP 192.0.2.1 > 192.0.2.2: ICMP echo request, id 4660, seq 1, length 16\n");
  Frame rep = icmp(0, 0, cat({be16(0x1234), be16(1), Frame(8, 0x61)}), "192.0.2.2", "192.0.2.1");
  CHECK(print(rep) == "IP 192.0.2.2 > 192.0.2.1: ICMP echo reply, id 4660, seq 1, length 16\n");
  CHECK(print(req, v(1)) == "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto ICMP (1), length 36)\n"
                            "    192.0.2.1 > 192.0.2.2: ICMP echo request, id 4660, seq 1, length 16\n");
  Frame bad = req;
  bad[14 + 20 + 2] ^= 0x55;
  CHECK(print(bad) == "IP 192.0.2.1 > 192.0.2.2: ICMP echo request, id 4660, seq 1, length 16\n");
  CHECK(print(bad, v(1)).find("(wrong icmp cksum ") != std::string::npos);
}

TEST_CASE("ICMP unreachable quotes the offending datagram", "[proto][icmp]") {
  Frame port = icmp(3, 3, cat({be32(0), quoted_udp()}), "198.51.100.7", "192.0.2.2");
  CHECK(print(port) == "IP 198.51.100.7 > 192.0.2.2: ICMP 198.51.100.7 udp port 33434 unreachable, length 36\n");
  CHECK(print(port, v(1)) ==
        "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto ICMP (1), length 56)\n"
        "    198.51.100.7 > 192.0.2.2: ICMP 198.51.100.7 udp port 33434 unreachable, length 36\n"
        "\tIP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 28)\n"
        "    192.0.2.2.40001 > 198.51.100.7.33434: UDP, length 0\n");
  Frame host = icmp(3, 1, cat({be32(0), quoted_udp()}), "192.0.2.254", "192.0.2.2");
  CHECK(print(host) == "IP 192.0.2.254 > 192.0.2.2: ICMP host 198.51.100.7 unreachable, length 36\n");
  Frame frag = icmp(3, 4, cat({be16(0), be16(1400), quoted_udp()}), "192.0.2.254", "192.0.2.2");
  CHECK(print(frag) ==
        "IP 192.0.2.254 > 192.0.2.2: ICMP 198.51.100.7 unreachable - need to frag (mtu 1400), length 36\n");
}

TEST_CASE("ICMP time exceeded, redirect, parameter problem", "[proto][icmp]") {
  CHECK(print(icmp(11, 0, cat({be32(0), quoted_udp()}), "203.0.113.1", "192.0.2.2")) ==
        "IP 203.0.113.1 > 192.0.2.2: ICMP time exceeded in-transit, length 36\n");
  CHECK(print(icmp(11, 1, cat({be32(0), quoted_udp()}), "203.0.113.1", "192.0.2.2")) ==
        "IP 203.0.113.1 > 192.0.2.2: ICMP ip reassembly time exceeded, length 36\n");
  CHECK(print(icmp(5, 1, cat({ip4a("192.0.2.9"), quoted_udp()}), "192.0.2.254", "192.0.2.2")) ==
        "IP 192.0.2.254 > 192.0.2.2: ICMP redirect 198.51.100.7 to host 192.0.2.9, length 36\n");
  CHECK(print(icmp(12, 0, cat({{20, 0, 0, 0}, quoted_udp()}), "192.0.2.254", "192.0.2.2")) ==
        "IP 192.0.2.254 > 192.0.2.2: ICMP parameter problem - octet 20, length 36\n");
  CHECK(print(icmp(13, 0, cat({be16(7), be16(8), be32(1000), be32(0), be32(0)}))) ==
        "IP 192.0.2.1 > 192.0.2.2: ICMP time stamp query id 7 seq 8, length 20\n");
  CHECK(print(icmp(99, 0, be32(0))) == "IP 192.0.2.1 > 192.0.2.2: ICMP type-#99, length 8\n");
}

TEST_CASE("ICMP -v: the quoted datagram's total length limits what is decoded", "[proto][icmp][truncation]") {
  auto with_len = [](unsigned len) {
    Frame q = quoted_udp();
    q[2] = static_cast<std::uint8_t>(len >> 8);
    q[3] = static_cast<std::uint8_t>(len);
    fix_ip4_sum(q, 0);
    return icmp(3, 3, cat({be32(0), q}), "198.51.100.7", "192.0.2.2");
  };
  const std::string head = "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto ICMP (1), length 56)\n"
                           "    198.51.100.7 > 192.0.2.2: ICMP 198.51.100.7 udp port 33434 unreachable, length 36\n";
  CHECK(print(with_len(0), v(1)) == head + "\t [|icmp]\n");
  CHECK(print(with_len(10), v(1)) == head + "\tIP  [|ip]\n");
  CHECK(print(with_len(20), v(1)) ==
        head + "\tIP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 20)\n"
               "    192.0.2.2 > 198.51.100.7:  [|udp]\n");
}

TEST_CASE("ICMP truncated at every byte offset", "[proto][icmp][truncation]") {
  Frame f = icmp(3, 3, cat({be32(0), quoted_udp()}), "198.51.100.7", "192.0.2.2");
  for (int verbose : {0, 1}) {
    auto lines = print_prefixes(f, v(verbose));
    for (std::size_t n = 1; n < lines.size(); ++n) {
      INFO(n << " bytes: " << lines[n]);
      CHECK(sane_line(lines[n], 600));
    }
    CHECK(lines[34].find(" [|icmp]") != std::string::npos);
    CHECK(lines[35].find(" [|icmp]") != std::string::npos);
  }
}

TEST_CASE("hostile ICMP: random types, codes and quoted headers", "[proto][icmp][robustness]") {
  Frame base = icmp(3, 3, cat({be32(0), quoted_udp()}), "198.51.100.7", "192.0.2.2");
  for (int verbose : {0, 1, 2}) {
    for (const auto& l : print_mutations(base, 14 + 20, 41, 300, v(verbose))) {
      INFO(l);
      CHECK(sane_line(l, 1500));
    }
  }
}
