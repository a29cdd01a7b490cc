// The packet decoder on byte arrays: the bounds-checked reader, tcpdump's
// text for hand-made frames, truncation and the JSON line.

#include <netlab/packet.hpp>

#include "proto/byte_reader.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

using Bytes = std::vector<std::uint8_t>;

std::string print(const Bytes& frame, netlab::PrintOptions o = {}, std::uint32_t wire = 0) {
  o.ts = netlab::TimestampStyle::None;
  netlab::PacketPrinter p(o, 1);
  netlab::PacketMeta m;
  m.caplen = static_cast<std::uint32_t>(frame.size());
  m.len = wire ? wire : m.caplen;
  std::string out;
  p.print(m, frame, out);
  return out;
}

Bytes arp_request() {
  return {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x08, 0x06,  // Ethernet
          0, 1, 0x08, 0, 6, 4, 0, 1,                                             // ARP header
          0x02, 0, 0, 0, 0, 1, 192, 0, 2, 1,                                     // sha spa
          0, 0, 0, 0, 0, 0, 192, 0, 2, 2};                                       // tha tpa
}

}  // namespace

TEST_CASE("ByteReader refuses to read past the end", "[proto][byte_reader]") {
  const std::uint8_t raw[] = {1, 2, 3};
  netlab::proto::ByteReader r{std::span<const std::uint8_t>(raw)};
  CHECK(r.be16() == 0x0102);
  CHECK_THROWS_AS(r.be16(), netlab::proto::Truncated);
  CHECK(r.u8() == 3);
  CHECK_THROWS_AS(r.u8(), netlab::proto::Truncated);
  netlab::proto::ByteReader c = netlab::proto::ByteReader{std::span<const std::uint8_t>(raw)}.clamp(100);
  CHECK(c.remaining() == 3);
}

TEST_CASE("ARP request prints as tcpdump does", "[proto][arp]") {
  CHECK(print(arp_request()) == "ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 28\n");
  netlab::PrintOptions e;
  e.link_header = true;
  CHECK(print(arp_request(), e) ==
        "02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: "
        "Request who-has 192.0.2.2 tell 192.0.2.1, length 28\n");
}

TEST_CASE("a truncated ARP header is marked, never over-read", "[proto][arp]") {
  Bytes f = arp_request();
  f.resize(30);
  CHECK(print(f) == " [|arp]\n");
  f.resize(5);
  CHECK(print(f, {}, 60) == " [|ether]\n");
}

TEST_CASE("every prefix of a frame decodes without reading past it", "[proto][robustness]") {
  const Bytes full = arp_request();
  for (std::size_t n = 0; n <= full.size(); ++n) {
    Bytes f(full.begin(), full.begin() + static_cast<long>(n));
    CHECK_NOTHROW(print(f, {}, 60));
  }
}

TEST_CASE("JSON output (-j): one object a packet, numbers as numbers", "[proto][json]") {
  netlab::PrintOptions o;
  o.json = true;
  std::string line = print(arp_request(), o);
  REQUIRE(!line.empty());
  CHECK(line.back() == '\n');
  CHECK(line.find("\"layer\":\"arp\"") != std::string::npos);
  CHECK(line.find("\"op\":1") != std::string::npos);
  CHECK(line.find("\"tpa\":\"192.0.2.2\"") != std::string::npos);
}
