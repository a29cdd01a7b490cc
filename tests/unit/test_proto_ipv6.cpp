// IPv6 (RFC 8200): the fixed header under -v, extension headers
// (hop-by-hop, routing, fragment, destination options), payload length
// against the link length, truncation. Expected strings are tcpdump 4.99.3's text for the same bytes (see
// test_proto_support.cpp for how to re-check them against tcpdump).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame udp_seg() { return cat({be16(40000), be16(40001), be16(12), be16(0), {1, 2, 3, 4}}); }
Frame eth6(std::uint8_t nh, const Frame& payload) { return ether(0x86dd, ipv6(nh, payload)); }

// Extension headers: next header, then the body padded to a multiple of 8.
Frame hbh_pad(std::uint8_t nh) { return {nh, 0, 1, 4, 0, 0, 0, 0}; }  // PadN
Frame hbh_ra(std::uint8_t nh) { return {nh, 0, 5, 2, 0, 0, 1, 0}; }   // router alert, PadN
Frame dst_pad(std::uint8_t nh) { return {nh, 0, 1, 4, 0, 0, 0, 0}; }
Frame frag(std::uint8_t nh, unsigned offset8, bool more, std::uint32_t id) {
  return cat({{nh, 0}, be16(offset8 << 3 | (more ? 1u : 0u)), be32(id)});
}
Frame rt2(std::uint8_t nh) {  // type 2 routing header (RFC 6275), one address
  return cat({{nh, 2, 2, 1}, be32(0), ip6a("2001:db8::99")});
}

}  // namespace

TEST_CASE("IPv6 fixed header, -v fields", "[proto][ipv6]") {
  Frame f = eth6(17, udp_seg());
  CHECK(print(f) == "IP6 2001:db8::1.40000 > 2001:db8::2.40001: UDP, length 4\n");
  CHECK(print(f, v(1)) == "IP6 (hlim 64, next-header UDP (17) payload length: 12) "
                          "2001:db8::1.40000 > 2001:db8::2.40001: [udp sum ok] UDP, length 4\n");
  // Traffic class and flow label.
  Frame g = f;
  g[14] = 0x6b;
  g[15] = 0x81;
  g[16] = 0x23;
  g[17] = 0x45;
  CHECK(print(g, v(1)).rfind("IP6 (class 0xb8, flowlabel 0x12345, hlim 64, next-header UDP (17) payload length: 12) ",
                             0) == 0);
  // No next header.
  CHECK(print(eth6(59, {})) == "IP6 2001:db8::1 > 2001:db8::2: no next header\n");
  // Unknown payload protocol.
  CHECK(print(eth6(253, {1, 2, 3, 4})) == "IP6 2001:db8::1 > 2001:db8::2:  ip-proto-253 4\n");
}

TEST_CASE("IPv6 extension headers", "[proto][ipv6][ext]") {
  Frame hbh = eth6(0, cat({hbh_pad(17), udp_seg()}));
  CHECK(print(hbh) == "IP6 2001:db8::1 > 2001:db8::2: HBH 40000 > 40001: UDP, length 4\n");
  CHECK(print(hbh, v(1)) == "IP6 (hlim 64, next-header Options (0) payload length: 20) 2001:db8::1 > 2001:db8::2: "
                            "HBH (padn) 40000 > 40001: [udp sum ok] UDP, length 4\n");
  Frame ra = eth6(0, cat({hbh_ra(58), {130, 0, 0, 0}, be16(0), be16(0), Frame(16, 0)}));
  CHECK(print(ra, v(1)).find("HBH (rtalert: 0x0000) (padn)") != std::string::npos);
  Frame dst = eth6(60, cat({dst_pad(17), udp_seg()}));
  CHECK(print(dst) == "IP6 2001:db8::1 > 2001:db8::2: DSTOPT 40000 > 40001: UDP, length 4\n");
  Frame rt = eth6(43, cat({rt2(17), udp_seg()}));
  CHECK(print(rt) == "IP6 2001:db8::1 > 2001:db8::2: RT6 (len=2, type=2, segleft=1, [0]2001:db8::99) "
                     "40000 > 40001: UDP, length 4\n");
  // Chained: hop-by-hop, destination options, then UDP.
  Frame chain = eth6(0, cat({hbh_pad(60), dst_pad(17), udp_seg()}));
  CHECK(print(chain) == "IP6 2001:db8::1 > 2001:db8::2: HBH DSTOPT 40000 > 40001: UDP, "
                        "length 4\n");
}

TEST_CASE("IPv6 fragments", "[proto][ipv6][fragment]") {
  Frame first = eth6(44, cat({frag(17, 0, true, 0xabcd), udp_seg()}));
  CHECK(print(first) == "IP6 2001:db8::1 > 2001:db8::2: frag (0|12) 40000 > 40001: UDP, length 4\n");
  CHECK(print(first, v(1)).find("frag (0x0000abcd:0|12) ") != std::string::npos);
  Frame later = eth6(44, cat({frag(17, 185, false, 0xabcd), Frame(12, 0x55)}));
  CHECK(print(later) == "IP6 2001:db8::1 > 2001:db8::2: frag (1480|12)\n");
}

TEST_CASE("IPv6 payload length against the link length", "[proto][ipv6][invalid]") {
  // Payload length 100, 12 bytes there: tcpdump 4.99.3 names the missing
  // bytes and decodes on (later tcpdumps call it invalid).
  Frame f = eth6(17, udp_seg());
  f[14 + 4] = 0;
  f[14 + 5] = 100;
  CHECK(print(f) == "IP6 truncated-ip6 - 88 bytes missing!2001:db8::1.40000 > 2001:db8::2.40001: UDP, length 4\n");
  // Payload length 0 without a jumbo option: nothing follows the header.
  Frame z = eth6(17, udp_seg());
  z[14 + 4] = z[14 + 5] = 0;
  CHECK(print(z) == "IP6 2001:db8::1 > 2001:db8::2:  [|udp]\n");
  // Shorter payload length than the frame carries: the rest is padding.
  Frame s = eth6(17, udp_seg());
  s[14 + 5] = 10;
  CHECK(print(s) == "IP6 2001:db8::1.40000 > 2001:db8::2.40001: UDP, bad length 4 > 2\n");
  // Wrong version, and a header shorter than 40 bytes on the wire.
  Frame w = eth6(17, udp_seg());
  w[14] = 0x40;
  CHECK(print(w) == "IP6 version error: 4 != 6\n");
}

TEST_CASE("IPv6 truncated at every byte offset", "[proto][ipv6][truncation]") {
  Frame full = eth6(0, cat({hbh_pad(44), frag(60, 0, true, 7), dst_pad(17), udp_seg()}));
  for (int verbose : {0, 1}) {
    auto lines = print_prefixes(full, v(verbose));
    for (std::size_t n = 1; n < lines.size(); ++n) {
      INFO(n << " bytes: " << lines[n]);
      CHECK(sane_line(lines[n], 600));
      if (n >= 14 && n < 14 + 40) CHECK(lines[n].find(" [|ip6]") != std::string::npos);
    }
    CHECK(lines[14 + 44].find(" [|hbhopt]") != std::string::npos);
    CHECK(lines[14 + 49].find(" [|frag6]") != std::string::npos);
    CHECK(lines[14 + 60].find(" [|dstopt]") != std::string::npos);
    CHECK(lines[14 + 68].find(" [|udp]") != std::string::npos);
  }
}

TEST_CASE("hostile IPv6: random next headers and extension lengths", "[proto][ipv6][robustness]") {
  Frame base = eth6(0, cat({hbh_pad(43), rt2(44), frag(60, 0, true, 7), dst_pad(17), udp_seg()}));
  for (int verbose : {0, 1}) {
    for (const auto& l : print_mutations(base, 14, 51, 400, v(verbose))) {
      INFO(l);
      CHECK(sane_line(l, 2000));
    }
  }
}
