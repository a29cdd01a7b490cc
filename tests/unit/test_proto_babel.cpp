// Babel (babel.cpp) on UDP 6696 and 6697: the TLV words at -n, each TLV's
// line at -v (addresses, prefixes and omitted bytes, router ids, intervals),
// sub-TLVs (timestamps, diversity, mandatory bits, one running past its
// TLV), the packet trailer, and hostile input: a TLV cut by the capture, a
// TLV length past the body or the UDP length, an empty UDP payload, every
// prefix of a packet and seeded mutations (never a read past the capture:
// run under the asan preset). Expected text is tcpdump 4.99.3's for the
// same bytes (re-checked with NETLAB_PROTO_PCAP_DIR, see
// test_proto_support.cpp).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

// A UDP datagram 6696 -> 6696 over IPv4 (checksum 0: nothing at -v).
Frame babel_frame(const Frame& payload, unsigned port = 6696, unsigned sport = 0) {
  Frame udp = cat({be16(sport ? sport : port), be16(port), be16(static_cast<unsigned>(8 + payload.size())), be16(0),
                   payload});
  return ether(0x0800, ipv4(17, udp, "192.0.2.1", "192.0.2.2"));
}

// Magic 42, version 2, the body length, the body, then a trailer.
Frame babel(const Frame& body, const Frame& trailer = {}) {
  return cat({{42, 2}, be16(static_cast<unsigned>(body.size())), body, trailer});
}

Frame hello(unsigned seqno, unsigned interval, const Frame& subtlvs = {}) {
  return cat({{4, static_cast<std::uint8_t>(6 + subtlvs.size()), 0, 0}, be16(seqno), be16(interval), subtlvs});
}

// Next hop, IHU, updates and requests for 198.51.100.0/24 and
// 2001:db8:1::/48, the second IPv4 update omitting the two bytes the
// first one set.
Frame routes() {
  return cat({
      {6, 10, 0, 0, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55},                        // router id
      {5, 10, 1, 0}, be16(96), be16(1200), {192, 0, 2, 9},                                   // IHU
      {7, 6, 1, 0, 192, 0, 2, 1},                                                            // next hop
      {8, 13, 1, 0x80, 24, 0}, be16(1600), be16(7), be16(96), {198, 51, 100},                // update/prefix
      {8, 11, 1, 0, 24, 2}, be16(0xffff), be16(8), be16(0xffff), {7},                        // omitted 2
      {8, 16, 2, 0x40, 48, 0}, be16(400), be16(9), be16(256), {0x20, 0x01, 0x0d, 0xb8, 0, 1},  // update/id
      {9, 5, 1, 24, 198, 51, 100},                                                           // route request
      {9, 2, 0, 0},                                                                          // for any
      {10, 17, 1, 24}, be16(12), {64, 0}, {0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55}, {198, 51, 100},
      {2, 6, 0, 0}, be16(0x1234), be16(0),  // ack request, interval 0 is bogus
      {3, 2}, be16(0x1234),                 // ack
  });
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const std::string kAddr = "IP 192.0.2.1.6696 > 192.0.2.2.6696: ";

}  // namespace

TEST_CASE("Babel: the TLV words at -n and their lines at -v", "[proto][babel]") {
  Frame f = babel_frame(babel(cat({hello(3348, 400), routes()})));
  CHECK(print(f) == kAddr + "babel 2 (128) hello router-id ihu nh update/prefix update update/id route-request "
                            "route-request seqno-request ack-req ack\n");
  CHECK(has(print(f, v(1)), "babel 2 (128)\n\tHello seqno 3348 interval 4.00s\n"
                            "\tRouter Id 02:11:22:ff:fe:33:44:55\n"
                            "\tIHU 192.0.2.9 rxcost 96 interval 12.00s\n"
                            "\tNext Hop 192.0.2.1\n"
                            "\tUpdate/prefix 198.51.100.0/24 metric 96 seqno 7 interval 16.00s\n"
                            "\tUpdate 198.51.7.0/24 metric 65535 seqno 8 interval infinity\n"
                            "\tUpdate/id 2001:db8:1::/48 metric 256 seqno 9 interval 4.00s\n"
                            "\tRoute Request for 198.51.100.0/24\n"
                            "\tRoute Request for any\n"
                            "\tSeqno Request (64 hops) for 198.51.100.0/24 seqno 12 id 02:11:22:ff:fe:33:44:55\n"
                            "\tAcknowledgment Request 1234 0.0s (bogus)\n"
                            "\tAcknowledgment 1234\n"));
  // 6697, the port before RFC 6126, and the pad TLVs.
  Frame old = babel_frame(babel(cat({{0}, {1, 2, 0, 0}, hello(1, 0)})), 6697);
  CHECK(print(old) == "IP 192.0.2.1.6697 > 192.0.2.2.6697: babel 2 (13) pad1 padN hello\n");
  CHECK(has(print(old, v(1)), "babel 2 (13)\n\tPad 1\n\tPad 4\n\tHello seqno 1 unscheduled\n"));
}

TEST_CASE("Babel: either port and the ports tcpdump gives other printers first", "[proto][babel]") {
  Frame msg = babel(hello(1, 400));
  CHECK(print(babel_frame(msg, 40000, 6696)) == "IP 192.0.2.1.6696 > 192.0.2.2.40000: babel 2 (8) hello\n");
  CHECK(print(babel_frame(msg, 6697, 40000)) == "IP 192.0.2.1.40000 > 192.0.2.2.6697: babel 2 (8) hello\n");
  // AFS's RX range and VAT's destination port come before Babel in udp_print.
  CHECK(!has(print(babel_frame(msg, 7001, 6696)), "babel"));
  CHECK(!has(print(babel_frame(msg, 3456, 6696)), "babel"));
}

TEST_CASE("Babel: sub-TLVs and the trailer", "[proto][babel]") {
  // Hello and IHU timestamps (babel-rtt), diversity in an update and out of
  // place, a mandatory unknown one, pads.
  Frame ts = hello(5, 400, cat({{3, 4}, be32(12000345), {0, 1, 1, 0}}));
  Frame ihu = cat({{5, 23, 0, 0}, be16(96), be16(1200), {3, 8}, be32(1000000), be32(2500), {0x85, 2, 9, 9}, {2, 1, 5}});
  Frame upd = cat({{8, 18, 1, 0, 24, 0}, be16(1600), be16(7), be16(96), {198, 51, 100}, {2, 3, 0, 6, 255}});
  Frame f = babel_frame(babel(cat({ts, ihu, upd})));
  CHECK(has(print(f, v(1)), "\n\tHello seqno 5 interval 4.00s sub-timestamp 12.000345s sub-pad1 sub-padn"
                            "\n\tIHU any rxcost 96 interval 12.00s sub-timestamp 1.000000s|0.002500s (M) "
                            "sub-unknown-0x85 sub-diversity 5 (bogus)"
                            "\n\tUpdate 198.51.100.0/24 metric 96 seqno 7 interval 16.00s sub-diversity "
                            "reserved-6-all\n"));
  // A sub-TLV whose length runs past its TLV: " (invalid)", and the next TLV.
  Frame past = babel_frame(babel(cat({hello(6, 400, {3, 9, 0, 0}), {3, 2}, be16(1)})));
  CHECK(has(print(past, v(1)), "\n\tHello seqno 6 interval 4.00s (invalid)\n\tAcknowledgment 0001\n"));
  // A trailer after the body (RFC 8966 4.2): " |" at -n, a rule at -v.
  Frame trailer = babel_frame(babel(hello(7, 400), cat({{17, 6}, be32(3), {0, 0}, {16, 2, 0xaa, 0xbb}})));
  CHECK(print(trailer) == kAddr + "babel 2 (8) hello | pc mac\n");
  CHECK(has(print(trailer, v(1)), "\n\tHello seqno 7 interval 4.00s\n\t----\n\tPC value 3 index len 2\n\tMAC len 2\n"));
}

TEST_CASE("Babel: bad headers and lengths say (invalid)", "[proto][babel][invalid]") {
  CHECK(print(babel_frame({43, 2, 0, 0})) == kAddr + "babel invalid header\n");
  CHECK(print(babel_frame({42, 1, 0, 0})) == kAddr + "babel 1 unknown version\n");
  CHECK(print(babel_frame({42, 2, 0, 0})) == kAddr + "babel 2 (0)\n");
  // The body length past the UDP length.
  CHECK(print(babel_frame(cat({{42, 2}, be16(20), hello(1, 400)}))) == kAddr + "babel 2 (20) (invalid)\n");
  // A TLV length past the body's end (the bytes are there: the trailer).
  Frame past = cat({{42, 2}, be16(6), hello(1, 400)});
  CHECK(print(babel_frame(past)) == kAddr + "babel 2 (6) (invalid)\n");
  // TLVs too short for their type.
  CHECK(print(babel_frame(babel({8, 2, 1, 0}))) == kAddr + "babel 2 (4) update (invalid)\n");
  CHECK(has(print(babel_frame(babel({4, 2, 0, 0})), v(1)), "babel 2 (4)\n\tHello  (invalid)\n"));
  // An IPv4 prefix longer than 32 bits, an unknown address encoding.
  Frame wide = cat({{8, 15, 1, 0, 40, 0}, be16(1), be16(1), be16(1), {1, 2, 3, 4, 5}});
  CHECK(has(print(babel_frame(babel(wide)), v(1)), "babel 2 (17)\n\tUpdate (invalid)\n"));
  CHECK(has(print(babel_frame(babel({7, 2, 9, 0})), v(1)), "babel 2 (4)\n\tNext Hop (invalid)\n"));
  // An IHU address that does not fit is tcpdump's " [|babel]", and the list goes on.
  Frame ihu = cat({{5, 8, 1, 0}, be16(1), be16(100), {192, 0}, {3, 2}, be16(2)});
  CHECK(has(print(babel_frame(babel(ihu)), v(1)), "\n\tIHU  [|babel]\n\tAcknowledgment 0002\n"));
}

TEST_CASE("Babel: a cut packet ends in [|babel]", "[proto][babel][truncated]") {
  Frame f = babel_frame(babel(cat({hello(3348, 400), routes()})));
  const auto wire = static_cast<std::uint32_t>(f.size());
  const std::size_t start = 14 + 20 + 8;
  // An empty UDP payload, then a header cut short.
  CHECK(print(babel_frame({})) == kAddr + "babel [|babel]\n");
  CHECK(print(Frame(f.begin(), f.begin() + start + 3), {}, 1, wire) == kAddr + "babel [|babel]\n");
  // Cut inside the router id TLV: the TLVs before it, then [|babel].
  Frame cut(f.begin(), f.begin() + start + 4 + 8 + 6);
  CHECK(print(cut, {}, 1, wire) == kAddr + "babel 2 (128) hello [|babel]\n");
  CHECK(has(print(cut, v(1), 1, wire), "babel 2 (128)\n\tHello seqno 3348 interval 4.00s [|babel]\n"));
  for (const auto& line : print_prefixes(f, v(1))) CHECK(sane_line(line, 2000));
  for (const auto& line : print_prefixes(f)) CHECK(sane_line(line, 400));
  for (const auto& line : print_mutations(f, start, 44, 400, v(1))) CHECK(sane_line(line, 4000));
  for (const auto& line : print_mutations(f, start + 4, 45, 400, v(2))) CHECK(sane_line(line, 4000));
}

TEST_CASE("Babel: JSON has the header and typed TLVs", "[proto][babel][json]") {
  auto doc = testjson::parse(print(babel_frame(babel(cat({hello(3348, 400), routes()}))), json()));
  const auto& b = doc["layers"].array().at(3);
  CHECK(b["layer"].str() == "babel");
  CHECK(b["version"].num() == 2);
  CHECK(b["body_length"].num() == 128);
  CHECK(b["complete"].boolean());
  const auto& tlvs = b["tlvs"].array();
  REQUIRE(tlvs.size() == 12);
  CHECK(tlvs.at(0)["name"].str() == "hello");
  CHECK(tlvs.at(0)["seqno"].num() == 3348);
  CHECK(tlvs.at(0)["interval_cs"].num() == 400);
  CHECK(tlvs.at(1)["router_id"].str() == "02:11:22:ff:fe:33:44:55");
  CHECK(tlvs.at(2)["address"].str() == "192.0.2.9");
  CHECK(tlvs.at(3)["next_hop"].str() == "192.0.2.1");
  CHECK(tlvs.at(4)["prefix"].str() == "198.51.100.0/24");
  CHECK(tlvs.at(5)["prefix"].str() == "198.51.7.0/24");
  CHECK(tlvs.at(6)["prefix"].str() == "2001:db8:1::/48");
  CHECK(tlvs.at(6)["metric"].num() == 256);
  // Cut inside a TLV: the TLVs before it, and "complete": false.
  Frame f = babel_frame(babel(cat({hello(3348, 400), routes()})));
  const auto wire = static_cast<std::uint32_t>(f.size());
  f.resize(14 + 20 + 8 + 4 + 8 + 6);
  auto c = testjson::parse(print(f, json(), 1, wire));
  const auto& cb = c["layers"].array().at(3);
  CHECK(cb["tlvs"].array().size() == 1);
  CHECK(!cb["complete"].boolean());
}
