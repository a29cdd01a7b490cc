// IPv4 (RFC 791): the -v header fields, checksum good and bad, options,
// fragments, bad header and total lengths, truncation. Expected strings are tcpdump 4.99.3's text for the same bytes (see
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
Frame udp4(const Frame& options = {}) { return ipv4(17, udp_seg(), "192.0.2.1", "192.0.2.2", options); }
Frame eth4(const Frame& ip) { return ether(0x0800, ip); }

// Patches the IPv4 header at offset 14 of an Ethernet frame and fixes its
// checksum.
Frame patched(Frame f, std::size_t at, std::initializer_list<std::uint8_t> bytes, bool fix = true) {
  for (auto b : bytes) f[14 + at++] = b;
  if (fix) fix_ip4_sum(f);
  return f;
}

}  // namespace

TEST_CASE("IPv4 summary and -v header fields", "[proto][ipv4]") {
  Frame f = eth4(udp4());
  CHECK(print(f) == "IP 192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  CHECK(print(f, v(1)) == "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 32)\n"
                          "    192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  // DF, TOS with ECN CE, ttl 1.
  Frame g = patched(f, 1, {0xbb}), h = patched(g, 6, {0x40, 0}), k = patched(h, 8, {1});
  CHECK(print(k, v(1)) == "IP (tos 0xbb,CE, ttl 1, id 4660, offset 0, flags [DF], proto UDP (17), length 32)\n"
                          "    192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  // ECT(0), ECT(1) and the reserved flag.
  CHECK(print(patched(f, 1, {0x02}), v(1)).rfind("IP (tos 0x2,ECT(0), ttl 64,", 0) == 0);
  CHECK(print(patched(f, 1, {0x01}), v(1)).rfind("IP (tos 0x1,ECT(1), ttl 64,", 0) == 0);
  CHECK(print(patched(f, 6, {0x80, 0}), v(1)).find("flags [rsvd]") != std::string::npos);
  // ttl 0 is not printed.
  CHECK(print(patched(f, 8, {0}), v(1)).rfind("IP (tos 0x0, id 4660,", 0) == 0);
}

TEST_CASE("IPv4 header checksum: good, bad, and what it should be", "[proto][ipv4][checksum]") {
  Frame f = eth4(udp4());
  CHECK(print(f, v(1)).find("bad cksum") == std::string::npos);
  Frame bad = patched(f, 10, {0x12, 0x34}, false);
  CHECK(print(bad, v(1)) ==
        "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 32, bad cksum 1234 (->e495)!)\n"
        "    192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  // Without -v the checksum is not looked at.
  CHECK(print(bad) == "IP 192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
}

TEST_CASE("IPv4 options with -v", "[proto][ipv4][options]") {
  // Router alert (RFC 2113).
  Frame ra = eth4(udp4({0x94, 4, 0, 0}));
  CHECK(print(ra) == "IP 192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  CHECK(print(ra, v(1)) ==
        "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 36, options (RA))\n"
        "    192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  // NOPs and an end of list.
  Frame nop = eth4(udp4({1, 1, 1, 0}));
  CHECK(print(nop, v(1)) == "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 36, "
                            "options (NOP,NOP,NOP,EOL))\n"
                            "    192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  // Record route with two slots, the first one filled.
  Frame rr = eth4(udp4(cat({{7, 11, 8}, ip4a("198.51.100.1"), ip4a("0.0.0.0"), {0}})));
  CHECK(print(rr, v(1)) == "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 44, "
                           "options (RR 198.51.100.1, 0.0.0.0,EOL))\n"
                           "    192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  // An unknown option and an option whose length runs past the header.
  Frame unk = eth4(udp4({0x99, 4, 0xaa, 0xbb}));
  CHECK(print(unk, v(1)) == "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 36, "
                            "options (unknown 153))\n"
                            "    192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  Frame runaway = eth4(udp4({0x94, 40, 0, 0}));
  CHECK(print(runaway, v(1)) == "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 36, "
                                "options (RA [bad length 40]))\n"
                                "    192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
}

TEST_CASE("IPv4 fragments", "[proto][ipv4][fragment]") {
  Frame first = patched(eth4(udp4()), 6, {0x20, 0});  // MF, offset 0
  CHECK(print(first) == "IP 192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  CHECK(print(first, v(1)) == "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [+], proto UDP (17), length 32)\n"
                              "    192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  Frame later = patched(eth4(udp4()), 6, {0x00, 0xb9});  // offset 185*8 = 1480, last
  CHECK(print(later) == "IP 192.0.2.1 > 192.0.2.2: ip-proto-17\n");
  CHECK(print(later, v(1)) == "IP (tos 0x0, ttl 64, id 4660, offset 1480, flags [none], proto UDP (17), length 32)\n"
                              "    192.0.2.1 > 192.0.2.2: ip-proto-17\n");
  // A later fragment needs only the fixed header: options cut off by the
  // capture do not matter without -v.
  Frame opt_frag = patched(eth4(udp4({0x94, 4, 0, 0})), 6, {0x00, 0xb9});
  CHECK(print(Frame(opt_frag.begin(), opt_frag.begin() + 35), {}, 1, static_cast<std::uint32_t>(opt_frag.size())) ==
        "IP 192.0.2.1 > 192.0.2.2: ip-proto-17\n");
  Frame middle = patched(eth4(udp4()), 6, {0x20, 0xb9});
  CHECK(print(middle, v(1)).find("offset 1480, flags [+]") != std::string::npos);
}

TEST_CASE("IPv4 payloads that are not decoded", "[proto][ipv4]") {
  Frame f = eth4(ipv4(99, {1, 2, 3, 4}));
  CHECK(print(f) == "IP 192.0.2.1 > 192.0.2.2:  ip-proto-99 4\n");
  CHECK(print(f, v(1)) == "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto unknown (99), length 24)\n"
                          "    192.0.2.1 > 192.0.2.2:  ip-proto-99 4\n");
}

TEST_CASE("bad IPv4 versions, header lengths and total lengths", "[proto][ipv4][invalid]") {
  Frame f = eth4(udp4());
  CHECK(print(patched(f, 0, {0x55})) == "IP5 (invalid)\n");
  CHECK(print(patched(f, 0, {0x44})) == "IP bad-hlen 16\n");
  CHECK(print(patched(f, 0, {0x44}), v(1)) == "IP bad-hlen 16\n");
  CHECK(print(patched(f, 2, {0, 12})) == "IP bad-len 12\n");
  // Total length 0: tcpdump 4.99.3 (no GUESS_TSO) reports it, it does not guess TSO.
  CHECK(print(patched(f, 2, {0, 0})) == "IP bad-len 0\n");
  // An IPv6 header behind the IPv4 ethertype.
  Frame six = ether(0x0800, ipv6(17, udp_seg()));
  CHECK(print(six) == "IP6, wrong link-layer encapsulation (invalid)\n");
}

TEST_CASE("IPv4 total length larger than what the link layer carried", "[proto][ipv4][truncation]") {
  // Total length 1000 in a 46-byte frame: tcpdump names the missing bytes.
  Frame f = patched(eth4(udp4()), 2, {0x03, 0xe8});
  CHECK(print(f) == "IP truncated-ip - 968 bytes missing! 192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  CHECK(print(f, v(1)) == "IP truncated-ip - 968 bytes missing! (tos 0x0, ttl 64, id 4660, offset 0, flags [none], "
                          "proto UDP (17), length 1000)\n"
                          "    192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  // IP in IP whose outer total length leaves 10 bytes for the inner header:
  // the outer length cuts the capture, so the inner header is truncated.
  Frame outer = eth4(ipv4(4, udp4()));
  outer = patched(outer, 2, {0, 30});
  CHECK(print(outer) == "IP 192.0.2.1 > 192.0.2.2: IP  [|ip]\n");
  // Too few bytes captured for the fixed header.
  Frame tiny = eth4(udp4());
  CHECK(print(Frame(tiny.begin(), tiny.begin() + 24), {}, 1, 46) == "IP  [|ip]\n");
}

TEST_CASE("IPv4 truncated at every byte offset", "[proto][ipv4][truncation]") {
  Frame full = eth4(udp4({0x94, 4, 0, 0}));
  for (netlab::PrintOptions o : {v(0), v(1), v(2, true)}) {
    auto lines = print_prefixes(full, o);
    for (std::size_t n = 1; n < lines.size(); ++n) {
      INFO(n << " bytes: " << lines[n]);
      CHECK(sane_line(lines[n], 400));
      if (n >= 14 && n < 14 + 24) CHECK(lines[n].find(" [|ip]") != std::string::npos);
    }
  }
  // A header cut inside its options.
  CHECK(print(Frame(full.begin(), full.begin() + 14 + 22), {}, 1, static_cast<std::uint32_t>(full.size())) ==
        "IP  [remaining caplen(22) < header length(24)] [|ip]\n");
  // With -v, the option code or length byte past the capture ends the
  // packet; a short option body is "[truncated-option]".
  auto cut = [&](std::size_t n) {
    return print(Frame(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)), v(1), 1,
                 static_cast<std::uint32_t>(full.size()));
  };
  const std::string head = "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 36, options (";
  CHECK(cut(34) == head + " [|ip]\n");
  CHECK(cut(35) == head + "RA [|ip]\n");
  CHECK(cut(36) == head + "RA [truncated-option]))\n    192.0.2.1 > 192.0.2.2:  [|ip]\n");
}

TEST_CASE("hostile IPv4 headers: random lengths, options and fragments", "[proto][ipv4][robustness]") {
  Frame base = eth4(udp4({7, 11, 4, 1, 2, 3, 4, 0, 0, 0, 0, 0x44, 12, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  for (netlab::PrintOptions o : {v(0), v(1), v(3, true)}) {
    auto lines = print_mutations(base, 14, 11, 400, o);
    for (const auto& l : lines) {
      INFO(l);
      CHECK(sane_line(l, 2000));
    }
  }
}
