// RSVP (rsvp.cpp, IP protocol 46): the common header's -n line (the IP
// payload's length) and its -v line (flags, the header's length, TTL,
// checksum), the version check, and hostile input: every prefix of a
// message and seeded mutations (never a read past the capture: run under
// the asan preset). Expected text is tcpdump 4.99.3's for the same bytes.

#include <catch2/catch.hpp>
#include <cstdint>
#include <netlab/packet.hpp>
#include <string>

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
