// FRF.16 multilink Frame Relay (link type 182, mfr.cpp) and Frame Relay's
// RFC 2427 NLPID path (link type 107, fr.cpp): control frames and their
// elements, fragments, the NLPID header's payloads (SNAP and VTP, IPv4,
// Q.933 link management, FRF.15), tcpdump's complaints, hostile lengths,
// every truncation prefix and seeded mutations (never a read past the
// capture: run under the asan preset), and the typed JSON. Expected text is
// tcpdump 4.99.3's for the same bytes (-t).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

constexpr int kFr = 107, kMfr = 182;

Frame udp4() { return ipv4(17, cat({be16(1024), be16(9), be16(12), be16(0), {1, 2, 3, 4}})); }
Frame bytes_of(const char* s) { return Frame(s, s + std::char_traits<char>::length(s)); }

// A VTP request for domain "lab0" (start value 7) in SNAP, behind a 2-byte
// Q.922 address (DLCI 100), UI and NLPID 0x80.
Frame fr_vtp() {
  Frame vtp = cat({{1, 3, 0, 4}, bytes_of("lab0"), Frame(28, 0), be32(7)});
  return cat({{0x18, 0x41, 0x03, 0x80}, {0x00, 0x00, 0x0c}, be16(0x2003), vtp});
}
Frame mfr_vtp() { return cat({{0xc1, 0x05}, fr_vtp()}); }

// A Hello with a bundle id, link id, magic number, timestamp and cause.
Frame hello() {
  return cat({{0xe1, 0x00, 0x04},
              {1, 9},
              bytes_of("bundle1"),
              {2, 8},
              bytes_of("link-a"),
              {3, 6},
              be32(0x12345678),
              {5, 18},
              {0x00, 0xca, 0x9a, 0x3b, 0, 0, 0, 0, 0xfa, 0, 0, 0, 0, 0, 0, 0},
              {7, 4, 0xab, 0xcd}});
}

// ANSI T1.617 Annex D full status: report type, link verify, one PVC.
Frame lmi() {
  return {0x00, 0x01, 0x03, 0x08, 0x01, 0x00, 0x7d, 0x95, 0x01, 0x01,
          0x00, 0x03, 0x02, 0x05, 0x04, 0x07, 0x03, 0x06, 0xa1, 0x8a};
}

}  // namespace

TEST_CASE("MFR: a whole fragment carries Frame Relay SNAP and VTP", "[proto][mfr]") {
  CHECK(print(mfr_vtp(), {}, kMfr) ==
        "FRF.16 Frag, seq 5, Flags [Begin, End], VTPv1, Message Advertisement request (0x03), length 40\n");
  CHECK(print(mfr_vtp(), v(1), kMfr) ==
        "FRF.16 Frag, seq 5, Flags [Begin, End], VTPv1, Message Advertisement request (0x03), length 40\n"
        "\tDomain name: lab0, Rsvd: 0\n\tStart value: 7\n");
  CHECK(print(mfr_vtp(), v(0, true), kMfr) ==
        "FRF.16 Frag, seq 5, Flags [Begin, End], Q.922, hdr-len 2, DLCI 100, Flags [none], NLPID SNAP (0x80), "
        "length 49: oui Cisco (0x00000c), pid VTP (0x2003), length 40: VTPv1, Message Advertisement request "
        "(0x03), length 40\n");
  // The same frame on link type 107.
  CHECK(print(fr_vtp(), {}, kFr) == "VTPv1, Message Advertisement request (0x03), length 40\n");
}

TEST_CASE("MFR: control frames and their elements", "[proto][mfr]") {
  CHECK(print(hello(), {}, kMfr) == "FRF.16 Control, Flags [Begin, End, Control], Hello, length 48\n");
  CHECK(print(hello(), v(1), kMfr) ==
        "FRF.16 Control, Flags [Begin, End, Control], Hello, length 48\n"
        "\tIE Bundle ID (1), length 9: bundle1\n"
        "\tIE Link ID (2), length 8: link-a\n"
        "\tIE Magic Number (3), length 6: 0x12345678\n"
        "\tIE Timestamp (5), length 18: \n"
        "\tIE Cause (7), length 4: \n\t  0x0000:  abcd\n");
  CHECK(print(hello(), v(2), kMfr) ==
        "FRF.16 Control, Flags [Begin, End, Control], Hello, length 48\n"
        "\tIE Bundle ID (1), length 9: bundle1\n\t  0x0000:  6275 6e64 6c65 31\n"
        "\tIE Link ID (2), length 8: link-a\n\t  0x0000:  6c69 6e6b 2d61\n"
        "\tIE Magic Number (3), length 6: 0x12345678\n\t  0x0000:  1234 5678\n"
        "\tIE Timestamp (5), length 18: \n\t  0x0000:  00ca 9a3b 0000 0000 fa00 0000 0000 0000\n"
        "\tIE Cause (7), length 4: \n\t  0x0000:  abcd\n");
  // A magic number element of the wrong size, and an unknown message.
  Frame bad = {0xe1, 0x00, 0x09, 3, 3, 0x00};
  CHECK(print(bad, v(1), kMfr) ==
        "FRF.16 Control, Flags [Begin, End, Control], Unknown Message (0x09), length 6\n"
        "\tIE Magic Number (3), length 3: [IE data length 1 != 4] (invalid)\n");
  // An element length that would not advance ends the list.
  Frame stuck = {0xe1, 0x00, 0x04, 1, 2, 0, 0};
  CHECK(print(stuck, v(1), kMfr) ==
        "FRF.16 Control, Flags [Begin, End, Control], Hello, length 7\n\tIE Bundle ID (1), length 2: \n");
}

TEST_CASE("MFR: later fragments and short frames", "[proto][mfr]") {
  Frame mid = {0x41, 0x07};
  for (std::uint8_t k = 0; k < 20; ++k) mid.push_back(k);
  CHECK(print(mid, {}, kMfr) ==
        "FRF.16 Frag, seq 7, Flags [End]\n\t0x0000:  4107 0001 0203 0405 0607 0809 0a0b 0c0d\n"
        "\t0x0010:  0e0f 1011 1213\n");
  CHECK(print({0xc1, 0x07, 0x18}, {}, kMfr) == "[length 3 < 4] (invalid)\n");
  CHECK(print({0xc1}, {}, kMfr, 100) == " [|mfr]\n");
  CHECK(print({0xc1, 0x07, 0x18}, {}, kMfr, 100) == " [|mfr]\n");
}

TEST_CASE("Frame Relay: Q.933 link management", "[proto][mfr]") {
  CHECK(print(lmi(), {}, kFr) ==
        "Q.933, ANSI, codeset 5, Call Ref: 0x00, Status Reply, TX Seq:   5, RX Seq:   4, DLCI 100: status New, "
        "Active, length 16\n");
  CHECK(print(lmi(), v(1), kFr) ==
        "Q.933, ANSI, codeset 5, Call Ref: 0x00, Status Reply (0x7d), length 16\n"
        "\tANSI Report Type IE (0x01), length 1: Full Status (0)\n"
        "\tANSI Link Verify IE (0x03), length 2: TX Seq:   5, RX Seq:   4\n"
        "\tANSI PVC Status IE (0x07), length 3: DLCI 100: status New, Active\n");
  CHECK(print(lmi(), v(0, true), kFr) ==
        "Q.922, hdr-len 2, DLCI 0, Flags [none], NLPID Q.933 (0x08), length 20: ANSI, codeset 5, Call Ref: 0x00, "
        "Status Reply, TX Seq:   5, RX Seq:   4, DLCI 100: status New, Active, length 16\n");
  // A one-byte call reference and nothing after the message type.
  Frame cut = {0x18, 0x41, 0x03, 0x08, 0x01, 0x00, 0x7d};
  CHECK(print(cut, {}, kFr) == "Q.933, CCITT, codeset 0 [|q.933]\n");
  CHECK(print(cut, {}, kFr, 20) == "Q.933, length 16 [|q.933]\n");
}

TEST_CASE("Frame Relay: complaints invalid addresses FRF.15 and unknown NLPIDs", "[proto][mfr]") {
  const std::string udp = "192.0.2.1.1024 > 192.0.2.2.9: UDP, length 4\n";
  Frame bang = cat({{0x18, 0x41, 0x22, 0x00, 0xcc}, udp4()});
  CHECK(print(bang, {}, kFr) == "UI 22! Pad! IP " + udp);
  CHECK(print(bang, v(0, true), kFr) ==
        "Q.922, hdr-len 2, DLCI 100, Flags [none], cisco-ethertype unknown (0x2200), length 37: UI 22! Pad! Q.922, "
        "hdr-len 2, DLCI 100, Flags [none], NLPID IPv4 (0xcc), length 37: " + udp);
  CHECK(print(cat({{0x18, 0x41, 0x03, 0xcc}, udp4()}), {}, kFr) == "IP " + udp);
  CHECK(print(cat({{0x19, 0x41, 0x03, 0xcc}, udp4()}), {}, kFr) == "Q.922, invalid address\n");
  CHECK(print({0x18, 0x41, 0x03, 0xb1, 0xc0, 0x12}, {}, kFr) ==
        "FRF.15, seq 0x012, Flags [Begin, End],End-to-End Fragmentation, length 2\n");
  CHECK(print({0x18, 0x41, 0x03, 0x42, 1, 2, 3, 4, 5}, {}, kFr) ==
        "Q.922, hdr-len 2, DLCI 100, Flags [none], NLPID unknown (0x42), length 9: \n"
        "\t0x0000:  0102 0304 05                             .....\n");
  // The same, cut: tcpdump's dump says so.
  CHECK(print({0x18, 0x41, 0x03, 0x42, 1, 2}, {}, kFr, 9) ==
        "Q.922, hdr-len 2, DLCI 100, Flags [none], NLPID unknown (0x42), length 9: \n"
        "\t0x0000:  0102                                     .. [|fr]\n");
  // Fewer than four bytes captured, or an ethertype byte with no NLPID after it.
  CHECK(print({0x18, 0x41, 0x30}, {}, kFr, 50) == " [|fr]\n");
  CHECK(print({0x18, 0x41, 0x30, 0xb1}, {}, kFr, 262144) == "UI 30!  [|fr]\n");
}

TEST_CASE("MFR and Frame Relay: JSON types the headers", "[proto][mfr][json]") {
  auto doc = testjson::parse(print(hello(), json(), kMfr));
  const auto& m = doc["layers"].array().at(0);
  CHECK(m["layer"].str() == "mfr");
  CHECK(m["kind"].str() == "control");
  CHECK(m["message"].str() == "Hello");
  const auto& ies = m["elements"].array();
  REQUIRE(ies.size() == 5);
  CHECK(ies.at(0)["id"].str() == "bundle1");
  CHECK(ies.at(2)["magic"].num() == 0x12345678);
  CHECK(ies.at(3)["sec"].num() == 1000000000);
  CHECK(ies.at(4)["value"].str() == "abcd");
  auto frag = testjson::parse(print(mfr_vtp(), json(), kMfr));
  const auto& layers = frag["layers"].array();
  CHECK(layers.at(0)["seq"].num() == 5);
  CHECK(layers.at(1)["layer"].str() == "frame_relay");
  CHECK(layers.at(1)["dlci"].num() == 100);
  CHECK(layers.at(1)["encapsulation"].str() == "rfc2427");
  CHECK(layers.at(1)["nlpid_name"].str() == "SNAP");
  CHECK(layers.at(2)["layer"].str() == "snap");
  CHECK(layers.at(2)["pid"].num() == 0x2003);
  CHECK(layers.at(3)["layer"].str() == "vtp");
  auto q = testjson::parse(print(lmi(), json(), kFr));
  CHECK(q["layers"].array().at(0)["q933"]["message"].str() == "Status Reply");
}

TEST_CASE("MFR and Frame Relay: hostile lengths prefixes and mutations stay in bounds", "[proto][mfr][truncated]") {
  std::vector<std::pair<Frame, int>> frames = {
      {mfr_vtp(), kMfr}, {hello(), kMfr}, {fr_vtp(), kFr}, {lmi(), kFr},
      {cat({{0x18, 0x41, 0x22, 0x00, 0xcc}, udp4()}), kFr},
      {cat({{0xc0, 0x01, 0x18, 0x40, 0x01, 0x03, 0x00, 0x83}, Frame(40, 0x11)}), kMfr},
  };
  for (const auto& [f, dlt] : frames) {
    for (const auto& line : print_prefixes(f, v(2), dlt)) CHECK(sane_line(line, 4000));
    for (const auto& line : print_prefixes(f, v(0, true), dlt)) CHECK(sane_line(line, 4000));
    for (const auto& line : print_mutations(f, 0, 41, 400, v(2, true), dlt)) CHECK(sane_line(line, 20000));
    for (const auto& line : print_mutations(f, 0, 43, 200, json(), dlt)) CHECK(!line.empty());
  }
  // Element lengths past the capture and past the frame's own length.
  Frame huge = {0xe1, 0x00, 0x01, 1, 0xff, 'a', 'b'};
  CHECK(print(huge, v(1), kMfr) ==
        "FRF.16 Control, Flags [Begin, End, Control], Add Link, length 7\n\tIE Bundle ID (1), length 255:  [|mfr]\n");
  CHECK(print(huge, v(1), kMfr, 262144).size() < 200);
  // A Q.933 element longer than the message.
  Frame q = {0x18, 0x41, 0x03, 0x08, 0x00, 0x75, 0x01, 0xf0, 0x00};
  CHECK(print(q, {}, kFr) == "Q.933, CCITT, codeset 0, Status Enquiry, length 5 [|q.933]\n");
}
