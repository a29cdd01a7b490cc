// UDLD (udld.cpp) in Cisco SNAP: the header at -n, the TLVs at -v, the
// lengths tcpdump calls invalid, PDUs cut at every length and mutated
// (never a read past the capture: run under the asan preset), and the
// typed JSON. Expected text is tcpdump 4.99.3's for the same bytes
// (re-checked with NETLAB_PROTO_PCAP_DIR, see test_proto_support.cpp).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

Frame tlv(unsigned type, const Frame& value) { return cat({be16(type), be16(static_cast<unsigned>(4 + value.size())), value}); }
Frame text(std::string_view s) { return Frame(s.begin(), s.end()); }

// 802.3 frame: LLC/SNAP with the Cisco OUI and PID 0x0111, then the PDU.
Frame udld(const Frame& pdu) {
  Frame llc = cat({{0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c}, be16(0x0111), pdu});
  Frame f = cat({{0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc}, {0x02, 0, 0, 0, 0, 1}, be16(static_cast<unsigned>(llc.size())), llc});
  while (f.size() < 60) f.push_back(0);
  return f;
}

Frame probe() {
  return cat({{0x21, 0x03}, be16(0x6d85), tlv(1, text("FOC1")), tlv(2, text("Gi0/1")), tlv(3, {0, 0, 0, 1}),
              tlv(4, {7}), tlv(5, {5}), tlv(6, text("S1")), tlv(7, be32(9))});
}

}  // namespace

TEST_CASE("UDLD: header at -n and TLVs at -v", "[proto][udld]") {
  CHECK(has(print(udld(probe())), "UDLDv1, Code Probe message (1), Flags [RT, RSY] (0x03), length 53\n"));
  CHECK(has(print(udld(probe()), v(1)),
            "length 53\n\tChecksum 0x6d85 (unverified)\n\tDevice-ID TLV (0x0001) TLV, length 8, FOC1\n\tPort-ID TLV "
            "(0x0002) TLV, length 9, Gi0/1\n\tEcho TLV (0x0003) TLV, length 8, ^@^@^@^A\n\tMessage Interval TLV (0x0004) "
            "TLV, length 5, 7s\n\tTimeout Interval TLV (0x0005) TLV, length 5, 5s\n\tDevice Name TLV (0x0006) TLV, "
            "length 6, S1\n\tSequence Number TLV (0x0007) TLV, length 8, 9\n"));
  CHECK(has(print(udld(cat({{0x3f, 0x80}, be16(0)}))), "UDLDv1, Code Reserved (1f), Flags [MBZ-7] (0x80), length 4\n"));
}

TEST_CASE("UDLD: bad TLV lengths and cut PDUs", "[proto][udld][truncated]") {
  CHECK(has(print(udld(cat({{0x21, 0x01}, be16(0), be16(1), be16(4)})), v(1)),
            "\n\tDevice-ID TLV (0x0001) TLV, length 4 (invalid)\n"));
  CHECK(has(print(udld(cat({{0x21, 0x01}, be16(0), tlv(4, {7, 7})})), v(1)),
            "Message Interval TLV (0x0004) TLV, length 6 (invalid)\n"));
  CHECK(has(print(udld({0x21})), " (invalid)"));
  Frame f = udld(probe());
  // Cut by the capture: the 802.3 length is trimmed to what was captured,
  // and the last TLV no longer fits.
  std::string cut = print(Frame(f.begin(), f.end() - 3), v(1));
  CHECK(has(cut, "Flags [RT, RSY] (0x03), length 50\n\tChecksum 0x6d85 (unverified)\n"));
  CHECK(has(cut, "Sequence Number TLV (0x0007) TLV, length 8 (invalid)\n"));
  for (const auto& line : print_prefixes(f, v(1))) CHECK(sane_line(line, 800));
  for (const auto& line : print_mutations(f, 22, 12, 300, v(1))) CHECK(sane_line(line, 4000));
}

TEST_CASE("UDLD: JSON has the version, code and flags", "[proto][udld][json]") {
  netlab::PrintOptions o;
  o.json = true;
  o.ts = netlab::TimestampStyle::None;
  auto doc = testjson::parse(print(udld(probe()), o));
  const auto& layers = doc["layers"].array();
  const auto& u = layers.at(layers.size() - 1);
  CHECK(u["layer"].str() == "udld");
  CHECK(u["code"].str() == "Probe message");
  CHECK(u["flags"].num() == 3);
}
