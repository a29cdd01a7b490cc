// MPLS label stacks (mpls.cpp) and LSP ping headers (lspping.cpp) on
// hostile input: a stack with no bottom-of-stack bit to the end of the
// frame, a stack whose length runs out, an LSP ping header past the
// capture, and every prefix of a packet (never a read past the capture:
// run under the asan preset). Expected text is tcpdump 4.99.3's.

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame entry(std::uint32_t label, unsigned tc, bool bottom, unsigned ttl) {
  return be32(label << 12 | tc << 9 | (bottom ? 0x100u : 0u) | ttl);
}

Frame lspping_header(unsigned version, unsigned type, std::uint32_t seq) {
  return cat({be16(version), be16(0), Frame{std::uint8_t(type), 2, 0, 0}, be32(0x23), be32(seq), be32(0), be32(0),
              be32(0), be32(0)});
}

Frame udp_frame(unsigned port, const Frame& payload) {
  Frame udp = cat({be16(40000), be16(port), be16(static_cast<unsigned>(8 + payload.size())), be16(0), payload});
  return ether(0x0800, ipv4(17, udp));
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("MPLS: a stack with no bottom bit to the end of the frame", "[proto][mpls]") {
  Frame stack;  // 12 entries: 48 bytes, no Ethernet padding after them
  std::string n = "MPLS", vv = "MPLS";
  for (unsigned k = 0; k < 12; ++k) {
    stack = cat({stack, entry(100 + k, 1, false, 64)});
    std::string e = "(label " + std::to_string(100 + k) + ", tc 1, ttl 64)";
    n += " " + e;
    vv += (k ? "\n\t" : " ") + e;
  }
  Frame f = ether(0x8847, stack);
  // The frame's length runs out inside the stack: tcpdump's " (invalid)".
  CHECK(has(print(f), n + " (invalid)\n"));
  CHECK(has(print(f, v(1)), vv + " (invalid)\n"));
  // The capture runs out before the frame's length: " [|mpls]".
  CHECK(has(print(f, {}, 1, static_cast<std::uint32_t>(f.size() + 20)), n + " [|mpls]\n"));
}

TEST_CASE("MPLS: reserved labels and the payload guessed from the bottom label", "[proto][mpls]") {
  Frame ip = ipv4(17, cat({be16(1), be16(2), be16(8), be16(0)}));
  Frame f = ether(0x8847, cat({entry(1, 0, false, 5), entry(0, 0, true, 4), ip}));
  CHECK(has(print(f), "MPLS (label 1, tc 0, ttl 5) (label 0, tc 0, [S], ttl 4) IP 192.0.2.1.1 > 192.0.2.2.2: UDP"));
  CHECK(has(print(f, v(1)), "(label 1 (router alert), tc 0, ttl 5)\n\t(label 0 (IPv4 explicit NULL), tc 0, [S], ttl 4)"));
}

TEST_CASE("MPLS: every prefix of a stacked packet stays in bounds", "[proto][mpls]") {
  Frame ip = ipv4(17, cat({be16(1), be16(2), be16(8), be16(0)}));
  Frame f = ether(0x8847, cat({entry(16, 0, false, 5), entry(17, 0, true, 4), ip}));
  for (const auto& line : print_prefixes(f)) CHECK(sane_line(line, 400));
}

TEST_CASE("LSP ping: the -n line and a header cut by the capture", "[proto][lspping]") {
  Frame f = udp_frame(3503, lspping_header(1, 1, 7));
  CHECK(has(print(f), "3503: LSP-PINGv1, MPLS Echo Request, seq 7, length: 32"));
  CHECK(has(print(udp_frame(3503, lspping_header(2, 1, 7))), "LSP-PING version 2 packet not supported"));
  Frame cut(f.begin(), f.end() - 10);
  CHECK(has(print(cut, {}, 1, static_cast<std::uint32_t>(f.size())), "3503:  [|lspping]"));
  for (const auto& line : print_prefixes(f)) CHECK(sane_line(line, 400));
}
