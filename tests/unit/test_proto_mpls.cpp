// MPLS label stacks (mpls.cpp) and LSP ping headers (lspping.cpp) on
// hostile input: a stack with no bottom-of-stack bit to the end of the
// frame, a stack whose length runs out, an LSP ping header past the
// capture, and every prefix of a packet (never a read past the capture:
// run under the asan preset). Expected text is tcpdump 4.99.3's.

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "mini_json.hpp"
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

Frame from_hex(std::string_view h) {
  Frame f;
  for (std::size_t k = 0; k + 1 < h.size(); k += 2) f.push_back(static_cast<std::uint8_t>(std::stoi(std::string(h.substr(k, 2)), nullptr, 16)));
  return f;
}

// An echo request: a Target FEC Stack with an LDP IPv4 and an RSVP IPv4
// sub-TLV (tcpdump 4.99.3 steps over the first sub-TLV's value only, so it
// reads the rest as empty unknown sub-TLVs), a Downstream Mapping, a BFD
// discriminator, a vendor enterprise code and a pad.
const Frame kEcho = from_hex(
      "00010000010200000000002300000007dd7a1a00800000000000000000000000"
      "0001002400010005c00002092000000000030014c000020900000005c0000201"
      "c0000201000000020002001405dc0100c0000202c00002030000000000010100"
      "000f0004112233440005000400000a4c0003000401000000");

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

TEST_CASE("LSP ping: the TLVs at -v and -vv", "[proto][lspping]") {
  Frame f = udp_frame(3503, kEcho);
  CHECK(has(print(f, v(1)),
    "\n\tLSP-PINGv1, msg-type: MPLS Echo Request (1), length: 120"
    "\n\t  reply-mode: Reply via an IPv4/IPv6 UDP packet (2)"
    "\n\t  Return Code: No return code or return code contained in the Error Code TLV (0)"
    "\n\t  Return Subcode: (0)"
    "\n\t  Sender Handle: 0x00000023, Sequence: 7"
    "\n\t  Sender Timestamp: 3715766784.500000000 (2017-09-30T13:26:24Z) Receiver Timestamp: no timestamp"
    "\n\t  Target FEC Stack TLV (1), length: 36"
    "\n\t    LDP IPv4 prefix subTLV (1), length: 5"
    "\n\t      192.0.2.9/32"
    "\n\t    Unknown subTLV (8192), length: 0"
    "\n\t    Unknown subTLV (8192), length: 0"
    "\n\t    Unknown subTLV (8192), length: 0"
    "\n\t    Unknown subTLV (8192), length: 0"
    "\n\t    Unknown subTLV (8192), length: 0"
    "\n\t    Unknown subTLV (8192), length: 0"
    "\n\t  Downstream Mapping TLV (2), length: 20"
    "\n\t    MTU: 1500, Address-Type: IPv4 (1)"
    "\n\t    Downstream IP: 192.0.2.2"
    "\n\t    Downstream Interface IP: 192.0.2.3"
    "\n\t    0x0000:  05dc 0100 c000 0202 c000 0203 0000 0000"
    "\n\t    0x0010:  0001 0100"
    "\n\t  BFD Discriminator TLV (15), length: 4"
    "\n\t    BFD Discriminator 0x11223344"
    "\n\t  Vendor Enterprise Code TLV (5), length: 4"
    "\n\t    Vendor: Juniper Networks (0x0a4c)"
    "\n\t  Pad TLV (3), length: 4"
    "\n\t    0x0000:  0100 0000"
    "\n"));
  CHECK(has(print(f, v(2)),
    "\n\tLSP-PINGv1, msg-type: MPLS Echo Request (1), length: 120"
    "\n\t  reply-mode: Reply via an IPv4/IPv6 UDP packet (2)"
    "\n\t  Return Code: No return code or return code contained in the Error Code TLV (0)"
    "\n\t  Return Subcode: (0)"
    "\n\t  Sender Handle: 0x00000023, Sequence: 7"
    "\n\t  Sender Timestamp: 3715766784.500000000 (2017-09-30T13:26:24Z) Receiver Timestamp: no timestamp"
    "\n\t  Target FEC Stack TLV (1), length: 36"
    "\n\t    LDP IPv4 prefix subTLV (1), length: 5"
    "\n\t      192.0.2.9/32"
    "\n\t      0x0000:  c000 0209 20"
    "\n\t    Unknown subTLV (8192), length: 0"
    "\n\t    Unknown subTLV (8192), length: 0"
    "\n\t    Unknown subTLV (8192), length: 0"
    "\n\t    Unknown subTLV (8192), length: 0"
    "\n\t    Unknown subTLV (8192), length: 0"
    "\n\t    Unknown subTLV (8192), length: 0"
    "\n\t    0x0000:  0001 0005 c000 0209 2000 0000 0003 0014"
    "\n\t    0x0010:  c000 0209 0000 0005 c000 0201 c000 0201"
    "\n\t    0x0020:  0000 0002"
    "\n\t  Downstream Mapping TLV (2), length: 20"
    "\n\t    MTU: 1500, Address-Type: IPv4 (1)"
    "\n\t    Downstream IP: 192.0.2.2"
    "\n\t    Downstream Interface IP: 192.0.2.3"
    "\n\t    0x0000:  05dc 0100 c000 0202 c000 0203 0000 0000"
    "\n\t    0x0010:  0001 0100"
    "\n\t  BFD Discriminator TLV (15), length: 4"
    "\n\t    BFD Discriminator 0x11223344"
    "\n\t    0x0000:  1122 3344"
    "\n\t  Vendor Enterprise Code TLV (5), length: 4"
    "\n\t    Vendor: Juniper Networks (0x0a4c)"
    "\n\t    0x0000:  0000 0a4c"
    "\n\t  Pad TLV (3), length: 4"
    "\n\t    0x0000:  0100 0000"
    "\n"));
  auto doc = testjson::parse(print(f, json()));
  const auto& tlvs = doc["layers"].array().at(3)["tlvs"].array();
  REQUIRE(tlvs.size() == 5);
  CHECK(tlvs.at(0)["fecs"].array().at(0)["prefix"].str() == "192.0.2.9");
  CHECK(tlvs.at(0)["fecs"].array().at(1)["tunnel_endpoint"].str() == "192.0.2.9");
  CHECK(tlvs.at(2)["bfd_discriminator"].num() == 0x11223344);
  CHECK(tlvs.at(3)["vendor"].str() == "Juniper Networks");
}

TEST_CASE("LSP ping: hostile TLV lengths and cuts", "[proto][lspping][truncated]") {
  Frame hdr = lspping_header(1, 1, 7);
  // A TLV longer than the datagram, then a TLV header cut by the length.
  CHECK(has(print(udp_frame(3503, cat({hdr, be16(1), be16(40), be32(0)})), v(1)),
            "Target FEC Stack TLV (1), length: 40\n\t\t packet is too short\n"));
  CHECK(has(print(udp_frame(3503, cat({hdr, be16(1)})), v(1)), "no timestamp\n\t\t packet is too short\n"));
  // A sub-TLV longer than its TLV.
  CHECK(has(print(udp_frame(3503, cat({hdr, be16(1), be16(8), be16(1), be16(9), be32(0)})), v(1)),
            "\n\t      TLV is too short\n\t    0x0000:  0001 0009 0000 0000\n"));
  Frame f = udp_frame(3503, kEcho);
  Frame cut(f.begin(), f.end() - 30);
  CHECK(has(print(cut, v(1), 1, static_cast<std::uint32_t>(f.size())), " [|lspping]\n"));
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 6000));
  for (const auto& line : print_mutations(f, 14 + 20 + 8, 71, 400, v(2))) CHECK(sane_line(line, 20000));
  for (const auto& line : print_mutations(f, 14 + 20 + 8, 72, 200, json())) CHECK(sane_line(line, 20000));
}
