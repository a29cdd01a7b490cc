// The slow protocols (slow.cpp): LACP and marker PDUs at -n, -v and -vv,
// an unknown subtype's hex, unsupported versions, bad TLV lengths, PDUs cut
// at every length and mutated (never a read past the capture: run under
// the asan preset), and the typed JSON. Expected text is tcpdump 4.99.3's
// for the same bytes (re-checked with NETLAB_PROTO_PCAP_DIR, see
// test_proto_support.cpp).

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

Frame slow(const Frame& pdu) { return ether(0x8809, pdu, {0x01, 0x80, 0xc2, 0, 0, 2}); }

// An actor or partner TLV: priority, system, key, port priority, port, state.
Frame info(std::uint8_t type, std::uint8_t state) {
  return cat({{type, 20}, be16(32768), {0x02, 0, 0, 0, 0, 0x01}, be16(13), be16(128), be16(22), {state, 0, 0, 0}});
}

Frame lacp() {
  return cat({{1, 1}, info(1, 0x3d), info(2, 0x00), {3, 16}, be16(50000), Frame(12, 0), {0, 0}, Frame(50, 0)});
}

}  // namespace

TEST_CASE("Slow protocols: LACP and marker PDUs", "[proto][slow]") {
  CHECK(print(slow(lacp())) == "LACPv1, length 110\n");
  CHECK(print(slow(lacp()), v(1)) ==
        "LACPv1, length 110\n\tActor Information TLV (0x01), length 20\n\t  System 02:00:00:00:00:01, System Priority "
        "32768, Key 13, Port 22, Port Priority 128\n\t  State Flags [Activity, Aggregation, Synchronization, "
        "Collecting, Distributing]\n\tPartner Information TLV (0x02), length 20\n\t  System 02:00:00:00:00:01, System "
        "Priority 32768, Key 13, Port 22, Port Priority 128\n\t  State Flags [none]\n\tCollector Information TLV "
        "(0x03), length 16\n\t  Max Delay 50000\n\tTerminator TLV (0x00), length 0\n");
  CHECK(has(print(slow(lacp()), v(2)), "Max Delay 50000\n\t  0x0000:  c350 0000 0000 0000 0000 0000 0000\n"));
  Frame marker = cat({{2, 1, 1, 16}, be16(7), {0x02, 0, 0, 0, 0, 0x09}, be32(0xabc), {0, 0}, {0, 0}, Frame(40, 0)});
  CHECK(has(print(slow(marker), v(1)),
            "MARKERv1, length 60\n\tMarker Information TLV (0x01), length 16\n\t  Request System 02:00:00:00:00:09, "
            "Request Port 7, Request Transaction ID 0x00000abc\n\tTerminator TLV (0x00), length 0\n"));
  CHECK(has(print(slow(cat({{10, 0}, Frame(4, 0x11)}))), "unknown (10), length 6\n\t0x0000:  0a00 1111 1111\n"));
  CHECK(has(print(slow({1, 2, 0, 0})), "LACP version 2 packet not supported\n"));
}

TEST_CASE("Slow protocols: bad lengths and cut PDUs", "[proto][slow][truncated]") {
  Frame short_actor = cat({{1, 1, 1, 12}, Frame(10, 0), {0, 0}, Frame(40, 0)});
  CHECK(has(print(slow(short_actor), v(1)), "Actor Information TLV (0x01), length 12\n\t    ERROR: illegal length - should be 20\n"));
  CHECK(has(print(slow(cat({{1, 1, 9, 1}, Frame(50, 0)})), v(1)), "Unknown TLV (0x09), length 1\n\t    ERROR: illegal length - should be >= 2\n"));
  Frame f = slow(lacp());
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 800));
  for (const auto& line : print_mutations(f, 14, 8, 300, v(2))) CHECK(sane_line(line, 4000));
}

TEST_CASE("Slow protocols: JSON has the LACP TLVs", "[proto][slow][json]") {
  netlab::PrintOptions o;
  o.json = true;
  o.ts = netlab::TimestampStyle::None;
  auto doc = testjson::parse(print(slow(lacp()), o));
  const auto& s = doc["layers"].array().at(1);
  CHECK(s["layer"].str() == "slow");
  CHECK(s["subtype"].str() == "LACP");
  const auto& actor = s["tlvs"].array().at(0);
  CHECK(actor["type"].str() == "Actor Information");
  CHECK(actor["system"].str() == "02:00:00:00:00:01");
  CHECK(actor["port"].num() == 22);
  CHECK(actor["state"].num() == 0x3d);
}
