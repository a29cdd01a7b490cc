// OpenFlow (openflow.cpp) at -n: every message header of a segment with
// the 1.0 and 1.3 type names, unknown versions and types, a length shorter
// than the header, a header or a body that runs past the segment, tcpdump's
// port order, segments cut at every length and mutated (never a read past
// the capture: run under the asan preset), and the typed JSON. Expected
// text is tcpdump 4.99.3's for the same bytes (re-checked with
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

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

Frame seg(unsigned sport, unsigned dport, const Frame& payload) {
  Frame tcp = cat({be16(sport), be16(dport), be32(1000), be32(2000), {0x50, 0x18}, be16(65535), be16(0), be16(0),
                   payload});
  return ether(0x0800, ipv4(6, tcp, "192.0.2.1", "192.0.2.2"));
}

Frame msg(std::uint8_t version, std::uint8_t type, unsigned length, std::uint32_t xid, const Frame& body = {}) {
  return cat({{version, type}, be16(length), be32(xid), body});
}

}  // namespace

TEST_CASE("OpenFlow: message headers of 1.0 and 1.3 at -n", "[proto][openflow]") {
  Frame two = cat({msg(1, 0, 8, 0x10), msg(1, 14, 72, 0x11, Frame(64, 0))});
  CHECK(has(print(seg(40000, 6633, two)),
            "length 80: OpenFlow\n\tversion 1.0, type HELLO, length 8, xid 0x00000010\n\tversion 1.0, type FLOW_MOD, "
            "length 72, xid 0x00000011\n"));
  // A length the type cannot have (FLOW_MOD is at least 72, BARRIER_REQUEST
  // exactly 8), then the next message.
  CHECK(has(print(seg(6653, 40000, cat({msg(1, 14, 12, 1, Frame(4, 0)), msg(1, 18, 8, 2)}))),
            "\tversion 1.0, type FLOW_MOD, length 12, xid 0x00000001 (invalid)\n\tversion 1.0, type BARRIER_REQUEST, "
            "length 8, xid 0x00000002\n"));
  CHECK(has(print(seg(6653, 40000, msg(4, 29, 8, 1))), ": OpenFlow\n\tversion 1.3, type METER_MOD, length 8, xid 0x00000001\n"));
  CHECK(has(print(seg(6653, 40000, msg(2, 0, 8, 1))), "\tversion 1.1, type unknown (0x00), length 8, xid 0x00000001\n"));
  CHECK(has(print(seg(6653, 40000, msg(0x5c, 30, 8, 1))), "\tversion unknown (0x5c), type unknown (0x1e), length 8"));
  CHECK(has(print(seg(6653, 40000, msg(1, 22, 8, 1))), "\tversion 1.0, type unknown (0x16), length 8"));
  CHECK(has(print(seg(6653, 40000, cat({msg(0, 0, 0, 7), Frame(4, 0)}))),
            "\tversion unknown (0x00), type unknown (0x00), length 0 (too short!), xid 0x00000007 (invalid)\n"));
}

TEST_CASE("OpenFlow: partial headers and bodies past the segment", "[proto][openflow][truncated]") {
  CHECK(has(print(seg(6653, 40000, cat({msg(1, 2, 8, 1), {1, 3, 0}}))),
            "xid 0x00000001\n\tversion 1.0, type ECHO_REPLY (end of TCP payload)\n"));
  CHECK(has(print(seg(6653, 40000, {4})), ": OpenFlow\n\tversion 1.3 (end of TCP payload)\n"));
  CHECK(has(print(seg(6653, 40000, msg(1, 14, 80, 0x16, Frame(8, 0)))),
            "version 1.0, type FLOW_MOD, length 80, xid 0x00000016 [|openflow]\n"));
  Frame f = seg(40000, 6653, cat({msg(4, 2, 12, 5, {1, 2, 3, 4}), msg(1, 18, 8, 6)}));
  for (const auto& line : print_prefixes(f)) CHECK(sane_line(line, 600));
  for (const auto& line : print_mutations(f, 54, 66, 300)) CHECK(sane_line(line, 4000));
  // SSH's port comes first in tcpdump's chain.
  CHECK(has(print(seg(22, 6653, msg(1, 0, 8, 1))), "length 8\n"));
}

TEST_CASE("OpenFlow: JSON lists the message headers", "[proto][openflow][json]") {
  netlab::PrintOptions o;
  o.json = true;
  o.ts = netlab::TimestampStyle::None;
  auto doc = testjson::parse(print(seg(40000, 6653, cat({msg(4, 2, 8, 5), msg(1, 18, 8, 6)})), o));
  const auto& m = doc["layers"].array().at(3)["messages"].array();
  REQUIRE(m.size() == 2);
  CHECK(m.at(0)["type"].str() == "ECHO_REQUEST");
  CHECK(m.at(1)["type"].str() == "BARRIER_REQUEST");
  CHECK(m.at(1)["xid"].num() == 6);
}
