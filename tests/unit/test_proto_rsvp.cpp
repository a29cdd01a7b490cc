// RSVP (rsvp.cpp, IP protocol 46): the common header's -n line (the IP
// payload's length) and its -v line (flags, the header's length, TTL,
// checksum), the version check, and hostile input: every prefix of a
// message and seeded mutations (never a read past the capture: run under
// the asan preset). Expected text is tcpdump 4.99.3's for the same bytes.

#include <catch2/catch.hpp>
#include <cstdint>
#include <netlab/packet.hpp>
#include <string>
#include <string_view>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

// Version 1 with the flags, the type, a checksum, TTL 1, the length, then a body.
Frame rsvp(std::uint8_t flags, std::uint8_t type, const Frame& body) {
  return cat({{static_cast<std::uint8_t>(0x10 | flags), type},
              be16(0x7d4d),
              {1, 0},
              be16(static_cast<unsigned>(8 + body.size())),
              body});
}

Frame rsvp_frame(const Frame& msg) { return ether(0x0800, ipv4(46, msg, "192.0.2.5", "192.0.2.7")); }

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

Frame from_hex(std::string_view h) {
  Frame f;
  for (std::size_t k = 0; k + 1 < h.size(); k += 2) f.push_back(static_cast<std::uint8_t>(std::stoi(std::string(h.substr(k, 2)), nullptr, 16)));
  return f;
}

// A Path message: Session (tunnel), RSVP Hop, Time Values, ERO (strict and
// loose IPv4), Label Request, Session Attribute, Sender Template, Sender
// TSpec (a token bucket), RRO (an IPv4 and a label subobject),
// Administrative Status and an unknown class.
const Frame kPath = from_hex(
      "10017d4d010000ac00100107c000020700000004c0000205000c0301c0000205"
      "980067000008050100007530001414010108c000020620008108c00002072001"
      "00081301000008000010cf07070704066c73702d746f0000000c0b07c0000205"
      "0000000100240c0200000007010000067f00000547f42400447a000048742400"
      "00000000000005dc001415010108c0000206200903080101000000100008c401"
      "8000000100086301deadbeef");

}  // namespace

TEST_CASE("RSVP: the common header at -n and -v", "[proto][rsvp]") {
  Frame hello = rsvp_frame(rsvp(1, 20, Frame(12, 0)));
  CHECK(print(hello) == "IP 192.0.2.5 > 192.0.2.7: RSVPv1 Hello Message, length: 20\n");
  CHECK(has(print(hello, v(1)),
            "\n\tRSVPv1 Hello Message (20), Flags: [Refresh reduction capable], length: 20, "
            "ttl: 1, checksum: 0x7d4d"));
  CHECK(has(print(rsvp_frame(rsvp(0, 99, {}))), "RSVPv1 unknown (99) Message, length: 8\n"));
  Frame v2 = rsvp(0, 1, {});
  v2[0] = 0x20;
  CHECK(has(print(rsvp_frame(v2)), ": ERROR: RSVP version 2 packet not supported\n"));
  auto doc = testjson::parse(print(hello, json()));
  const auto& l = doc["layers"].array().at(2);
  CHECK(l["layer"].str() == "rsvp");
  CHECK(l["message"].str() == "Hello");
  CHECK(l["flags"].num() == 1);
  CHECK(l["message_length"].num() == 20);
}

TEST_CASE("RSVP: a cut header ends in [|rsvp]", "[proto][rsvp][truncated]") {
  Frame f = rsvp_frame(rsvp(1, 1, Frame(12, 0)));
  const auto wire = static_cast<std::uint32_t>(f.size());
  Frame cut(f.begin(), f.begin() + 14 + 20 + 5);
  CHECK(print(cut, {}, 1, wire) == "IP 192.0.2.5 > 192.0.2.7:  [|rsvp]\n");
  for (const auto& line : print_prefixes(f, v(1))) CHECK(sane_line(line, 2000));
  for (const auto& line : print_mutations(f, 14 + 20, 57, 300, v(1))) CHECK(sane_line(line, 4000));
  for (const auto& line : print_mutations(f, 14 + 20, 58, 200, json())) CHECK(sane_line(line, 4000));
}

TEST_CASE("RSVP: the objects of a Path message at -v and -vv", "[proto][rsvp]") {
  Frame f = rsvp_frame(kPath);
  CHECK(has(print(f), "RSVPv1 Path Message, length: 172\n"));
  CHECK(has(print(f, v(1)),
    "\n\tRSVPv1 Path Message (1), Flags: [none], length: 172, ttl: 1, checksum: 0x7d4d"
    "\n\t  Session Object (1) Flags: [reject if unknown], Class-Type: Tunnel IPv4 (7), length: 16"
    "\n\t    IPv4 Tunnel EndPoint: 192.0.2.7, Tunnel ID: 0x0004, Extended Tunnel ID: 192.0.2.5"
    "\n\t  RSVP Hop Object (3) Flags: [reject if unknown], Class-Type: IPv4 (1), length: 12"
    "\n\t    Previous/Next Interface: 192.0.2.5, Logical Interface Handle: 0x98006700"
    "\n\t  Time Values Object (5) Flags: [reject if unknown], Class-Type: 1 (1), length: 8"
    "\n\t    Refresh Period: 30000ms"
    "\n\t  ERO Object (20) Flags: [reject if unknown], Class-Type: IPv4 (1), length: 20"
    "\n\t    Subobject Type: IPv4 prefix, length 8, Strict, 192.0.2.6/32, Flags: [none]"
    "\n\t    Subobject Type: IPv4 prefix, length 8, Loose, 192.0.2.7/32, Flags: [Local protection available]"
    "\n\t  Label Request Object (19) Flags: [reject if unknown], Class-Type: without label range (1), length: 8"
    "\n\t    L3 Protocol ID: IPv4"
    "\n\t  Session Attribute Object (207) Flags: [ignore and forward if unknown], Class-Type: Tunnel IPv4 (7), length: 16"
    "\n\t    Session Name: lsp-to"
    "\n\t    Setup Priority: 7, Holding Priority: 7, Flags: [SE Style] (0x4)"
    "\n\t  Sender Template Object (11) Flags: [reject if unknown], Class-Type: Tunnel IPv4 (7), length: 12"
    "\n\t    IPv4 Tunnel Sender Address: 192.0.2.5, LSP-ID: 0x0001"
    "\n\t  Sender TSpec Object (12) Flags: [reject if unknown], Class-Type: IntServ (2), length: 36"
    "\n\t    Msg-Version: 0, length: 28"
    "\n\t    Service Type: Default/Global Information (1), break bit not set, Service length: 24"
    "\n\t      Parameter ID: Token Bucket TSpec (127), length: 20, Flags: [0x00]"
    "\n\t\tToken Bucket Rate: 1 Mbps"
    "\n\t\tToken Bucket Size: 1000 bytes"
    "\n\t\tPeak Data Rate: 2 Mbps"
    "\n\t\tMinimum Policed Unit: 0 bytes"
    "\n\t\tMaximum Packet Size: 1500 bytes"
    "\n\t  RRO Object (21) Flags: [reject if unknown], Class-Type: IPv4 (1), length: 20"
    "\n\t    Subobject Type: IPv4 prefix, length 8, Strict, 192.0.2.6/32, Flags: [Local protection available, Node protection]"
    "\n\t    Subobject Type: Label, length 8, Flags: [Global] (0x1), Class-Type: IPv4 (1), 16"
    "\n\t  Administrative Status Object (196) Flags: [ignore and forward if unknown], Class-Type: 1 (1), length: 8"
    "\n\t    Flags [Reflect, Delete-in-progress]"
    "\n\t  Unknown Object (99) Flags: [reject if unknown], Class-Type: Unknown (1), length: 8"
    "\n\t    0x0000:  dead beef"
    "\n"));
  CHECK(has(print(f, v(2)),
    "\n\tRSVPv1 Path Message (1), Flags: [none], length: 172, ttl: 1, checksum: 0x7d4d"
    "\n\t  Session Object (1) Flags: [reject if unknown], Class-Type: Tunnel IPv4 (7), length: 16"
    "\n\t    IPv4 Tunnel EndPoint: 192.0.2.7, Tunnel ID: 0x0004, Extended Tunnel ID: 192.0.2.5"
    "\n\t    0x0000:  c000 0207 0000 0004 c000 0205"
    "\n\t  RSVP Hop Object (3) Flags: [reject if unknown], Class-Type: IPv4 (1), length: 12"
    "\n\t    Previous/Next Interface: 192.0.2.5, Logical Interface Handle: 0x98006700"
    "\n\t    0x0000:  c000 0205 9800 6700"
    "\n\t  Time Values Object (5) Flags: [reject if unknown], Class-Type: 1 (1), length: 8"
    "\n\t    Refresh Period: 30000ms"
    "\n\t    0x0000:  0000 7530"
    "\n\t  ERO Object (20) Flags: [reject if unknown], Class-Type: IPv4 (1), length: 20"
    "\n\t    Subobject Type: IPv4 prefix, length 8, Strict, 192.0.2.6/32, Flags: [none]"
    "\n\t    Subobject Type: IPv4 prefix, length 8, Loose, 192.0.2.7/32, Flags: [Local protection available]"
    "\n\t    0x0000:  0108 c000 0206 2000 8108 c000 0207 2001"
    "\n\t  Label Request Object (19) Flags: [reject if unknown], Class-Type: without label range (1), length: 8"
    "\n\t    L3 Protocol ID: IPv4"
    "\n\t    0x0000:  0000 0800"
    "\n\t  Session Attribute Object (207) Flags: [ignore and forward if unknown], Class-Type: Tunnel IPv4 (7), length: 16"
    "\n\t    Session Name: lsp-to"
    "\n\t    Setup Priority: 7, Holding Priority: 7, Flags: [SE Style] (0x4)"
    "\n\t    0x0000:  0707 0406 6c73 702d 746f 0000"
    "\n\t  Sender Template Object (11) Flags: [reject if unknown], Class-Type: Tunnel IPv4 (7), length: 12"
    "\n\t    IPv4 Tunnel Sender Address: 192.0.2.5, LSP-ID: 0x0001"
    "\n\t    0x0000:  c000 0205 0000 0001"
    "\n\t  Sender TSpec Object (12) Flags: [reject if unknown], Class-Type: IntServ (2), length: 36"
    "\n\t    Msg-Version: 0, length: 28"
    "\n\t    Service Type: Default/Global Information (1), break bit not set, Service length: 24"
    "\n\t      Parameter ID: Token Bucket TSpec (127), length: 20, Flags: [0x00]"
    "\n\t\tToken Bucket Rate: 1 Mbps"
    "\n\t\tToken Bucket Size: 1000 bytes"
    "\n\t\tPeak Data Rate: 2 Mbps"
    "\n\t\tMinimum Policed Unit: 0 bytes"
    "\n\t\tMaximum Packet Size: 1500 bytes"
    "\n\t    0x0000:  0000 0007 0100 0006 7f00 0005 47f4 2400"
    "\n\t    0x0010:  447a 0000 4874 2400 0000 0000 0000 05dc"
    "\n\t  RRO Object (21) Flags: [reject if unknown], Class-Type: IPv4 (1), length: 20"
    "\n\t    Subobject Type: IPv4 prefix, length 8, Strict, 192.0.2.6/32, Flags: [Local protection available, Node protection]"
    "\n\t    Subobject Type: Label, length 8, Flags: [Global] (0x1), Class-Type: IPv4 (1), 16"
    "\n\t    0x0000:  0108 c000 0206 2009 0308 0101 0000 0010"
    "\n\t  Administrative Status Object (196) Flags: [ignore and forward if unknown], Class-Type: 1 (1), length: 8"
    "\n\t    Flags [Reflect, Delete-in-progress]"
    "\n\t    0x0000:  8000 0001"
    "\n\t  Unknown Object (99) Flags: [reject if unknown], Class-Type: Unknown (1), length: 8"
    "\n\t    0x0000:  dead beef"
    "\n"));
  auto doc = testjson::parse(print(f, json()));
  const auto& objs = doc["layers"].array().at(2)["objects"].array();
  REQUIRE(objs.size() == 11);
  CHECK(objs.at(0)["name"].str() == "Session");
  CHECK(objs.at(0)["tunnel_endpoint"].str() == "192.0.2.7");
  CHECK(objs.at(2)["refresh_ms"].num() == 30000);
  CHECK(objs.at(10)["class"].num() == 99);
}

TEST_CASE("RSVP: objects with hostile lengths stop as tcpdump stops", "[proto][rsvp][truncated]") {
  // An object length that is not a multiple of 4, one below the header, one past the message.
  Frame odd = rsvp_frame(rsvp(0, 20, cat({be16(6), Frame{22, 1, 0, 0}})));
  CHECK(has(print(odd, v(1)), "\n\t  ERROR: object header size 6 not a multiple of 4\n"));
  Frame zero = rsvp_frame(rsvp(0, 20, cat({be16(0), Frame{22, 1}})));
  CHECK(has(print(zero, v(1)), "\n\t  ERROR: object header too short 0 < 4\n"));
  Frame past = rsvp_frame(rsvp(0, 20, cat({be16(16), Frame{22, 1}, be32(1)})));
  CHECK(has(print(past, v(1)), "length: 16\n\t  ERROR: object goes past end of objects TLV\n"));
  // A Hello object too short for its instances.
  Frame shorty = rsvp_frame(rsvp(0, 20, cat({be16(8), Frame{22, 1}, be32(1)})));
  CHECK(has(print(shorty, v(1)), "\n\t  ERROR: object is too short\n"));
  // An object cut by the capture.
  Frame f = rsvp_frame(kPath);
  Frame cut(f.begin(), f.begin() + 14 + 20 + 8 + 10);
  CHECK(has(print(cut, v(1), 1, static_cast<std::uint32_t>(f.size())), "length: 16 [|rsvp]\n"));
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 6000));
  for (const auto& line : print_mutations(f, 14 + 20, 61, 400, v(2))) CHECK(sane_line(line, 20000));
  for (const auto& line : print_mutations(f, 14 + 20, 62, 200, json())) CHECK(sane_line(line, 20000));
}
