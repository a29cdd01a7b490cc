// DCCP (dccp.cpp): each packet type with its subheader, short and extended
// sequence numbers, the checksum over partial coverage at -v, the options
// at -vv with tcpdump's length complaints, packets cut at every length and
// mutated (never a read past the capture: run under the asan preset), and
// the typed JSON. Expected text is tcpdump 4.99.3's for the same bytes
// (re-checked with NETLAB_PROTO_PCAP_DIR, see test_proto_support.cpp).

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

// A DCCP packet with the checksum filled in over `cscov` (0: all), from
// 192.0.2.1.40000 to 192.0.2.2.5001. `x`: 48-bit sequence numbers.
Frame dccp(std::uint8_t type, bool x, const Frame& subheader, const Frame& options = {}, const Frame& payload = {},
           std::uint8_t cscov = 0) {
  Frame generic = x ? cat({{static_cast<std::uint8_t>(type << 1 | 1), 0}, be16(0x0001), be32(0x00000203)})
                    : Frame{static_cast<std::uint8_t>(type << 1), 0x00, 0x12, 0x34};
  std::size_t hlen = 8 + generic.size() + subheader.size() + options.size();
  Frame d = cat({be16(40000), be16(5001), {static_cast<std::uint8_t>(hlen / 4), cscov}, be16(0), generic, subheader,
                 options, payload});
  std::size_t cov = cscov ? std::min(d.size(), (hlen / 4 + cscov - 1) * 4) : d.size();
  std::uint32_t acc = sum16(ip4a("192.0.2.1"), 0, 4);
  acc = sum16(ip4a("192.0.2.2"), 0, 4, acc);
  acc += 33 + static_cast<std::uint32_t>(d.size());
  acc = sum16(d, 0, cov, acc);
  std::uint16_t s = fold(acc);
  d[6] = static_cast<std::uint8_t>(s >> 8);
  d[7] = static_cast<std::uint8_t>(s);
  return ether(0x0800, ipv4(33, d, "192.0.2.1", "192.0.2.2"));
}

Frame ack_x(std::uint64_t ack) {
  return cat({be16(0), be16(static_cast<unsigned>(ack >> 32)), be32(static_cast<std::uint32_t>(ack))});
}

}  // namespace

TEST_CASE("DCCP: packet types, service codes, reset codes and acks", "[proto][dccp]") {
  CHECK(print(dccp(0, true, be32(42))) == "IP 192.0.2.1.40000 > 192.0.2.2.5001: DCCP DCCP-Request (service=42) \n");
  CHECK(has(print(dccp(1, true, cat({ack_x(0x100000002ull), be32(7)}))),
            "DCCP DCCP-Response (service=7) (ack=4294967298) \n"));
  CHECK(has(print(dccp(4, false, cat({be32(0x00abcdef), be32(0)}))), "DCCP DCCP-DataAck (ack=11259375) \n"));
  CHECK(has(print(dccp(7, true, cat({ack_x(9), {1, 0, 0, 0}}))), "DCCP DCCP-Reset (code=closed) (ack=9) \n"));
  CHECK(has(print(dccp(7, true, cat({ack_x(9), {40, 0, 0, 0}}))), "DCCP-Reset (code=invalid) (ack=9) \n"));
  CHECK(has(print(dccp(2, true, {})), "DCCP DCCP-Data \n"));
  CHECK(has(print(dccp(12, true, {})), "DCCP unknown-type-12  [|dccp]\n"));
  // An Ack whose subheader the length does not hold (tcpdump wants 8 bytes
  // even with short sequence numbers); an unknown type reads an ack too.
  CHECK(has(print(dccp(3, true, {})), "DCCP truncated-DCCP-Ack - 8 bytes missing!\n"));
}

TEST_CASE("DCCP: checksum over the coverage at -v, sequence and options at -vv", "[proto][dccp]") {
  Frame req = dccp(0, true, be32(0), {32, 4, 5, 2, 34, 3, 1, 0});
  CHECK(has(print(req, v(1)), "DCCP (CCVal 0, CsCov 0, cksum 0x"));
  CHECK(has(print(req, v(1)), " (correct)) DCCP-Request (service=0) \n"));
  CHECK(has(print(req, v(2)), "DCCP-Request (service=0) seq 4294967811 <change_l ack_ratio 2, change_r ccid, nop>\n"));
  Frame partial = dccp(4, true, ack_x(5), {0, 0, 0, 0}, Frame(40, 0x61), 1);
  CHECK(has(print(partial, v(1)), "(CCVal 0, CsCov 1, cksum 0x"));
  CHECK(has(print(partial, v(1)), "(correct)) DCCP-DataAck (ack=5) \n"));
  Frame opts = dccp(3, true, ack_x(5), cat({{38, 3, 0x00, 43, 4}, be16(70), {42, 5, 1, 2, 3, 37, 3, 9, 0}}));
  CHECK(has(print(opts, v(2)),
            "seq 4294967811 <ack_vector0 0x00, elapsed_time 70, timestamp_echo [optlen != 6 or 8 or 10], ndp_count 9, nop>\n"));
  CHECK(has(print(dccp(3, true, ack_x(5), {200, 4, 0, 9}), v(2)), "<CCID option 200 9>\n"));
  CHECK(has(print(dccp(3, true, ack_x(5), {33, 1, 0, 0}), v(2)), "<confirm_l optlen too short>\n"));
  CHECK(has(print(dccp(3, true, ack_x(5), {0, 0, 44, 9}), v(2)), "<nop, nop, data_checksum optlen goes past header length>\n"));
  CHECK(has(print(dccp(0, false, be32(1)), v(2)), "DCCP-Request (service=1) seq 4660\n"));
}

TEST_CASE("DCCP: cut and mutated packets stay in the capture", "[proto][dccp][truncated]") {
  Frame f = dccp(4, true, ack_x(5), {0, 38, 3, 1, 43, 6, 0, 0, 0, 1, 0, 0}, Frame(8, 1));
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 600));
  for (const auto& line : print_mutations(f, 34, 33, 300, v(2))) CHECK(sane_line(line, 4000));
  // Cut inside the options: tcpdump's own mark, and the list still closes.
  Frame cut(f.begin(), f.end() - 8 - 4);
  CHECK(has(print(cut, v(2)), "<nop, ack_vector0 0x01,  [|dccp]>\n"));
  // Cut before an option's type byte: the packet ends there, the list unclosed.
  Frame cut2(f.begin(), f.end() - 8 - 8);
  CHECK(has(print(cut2, v(2)), "<nop, ack_vector0 0x01,  [|dccp]\n"));
}

TEST_CASE("DCCP: JSON has the ports, type and sequence number", "[proto][dccp][json]") {
  netlab::PrintOptions o;
  o.json = true;
  o.ts = netlab::TimestampStyle::None;
  auto doc = testjson::parse(print(dccp(0, true, be32(42)), o));
  const auto& d = doc["layers"].array().at(2);
  CHECK(d["layer"].str() == "dccp");
  CHECK(d["dport"].num() == 5001);
  CHECK(d["type"].str() == "DCCP-Request");
  CHECK(d["seq"].num() == 4294967811.0);
  CHECK(d["extended_seq"].boolean());
}
