// AFS's RX transport (rx.cpp) over UDP 7000-7009: an ack at -n, -v, -vv and
// -vvv, cut inside the ack body and inside the RX header, and cut at every
// length (never a read past the capture: run under the asan preset). The
// helper fills in the UDP checksum, which -vv reports as "[udp sum ok]".
// Expected text is tcpdump 4.99.3's for the same bytes (the frame was
// written to a pcap and read back with `tcpdump -n -t [-v|-vv|-vvv]`).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame hex(const std::string& text) {
  Frame f;
  for (std::size_t k = 0; k + 1 < text.size(); k += 2)
    f.push_back(static_cast<std::uint8_t>(std::stoul(text.substr(k, 2), nullptr, 16)));
  return f;
}

// An ack from 7001 to 7000: cid 00abcd01, call 7, seq 1, serial 3, flags
// client-init and slow-start, security index 2, service 1; bufspace 32,
// maxskew 5, first 2, serial 9, reason delay, four acks (ack ack nack ack),
// then ifmtu 1444, maxmtu 1444, rwind 32, maxpackets 4.
Frame rx_ack() {
  Frame rx = hex("1234567800abcd01000000070000000100000003022100020000000100200005000000020000000000000009080401010001"
                 "000000000005a4000005a40000002000000004");
  return ether(0x0800, ipv4(17, cat({be16(7001), be16(7000), be16(static_cast<unsigned>(8 + rx.size())), be16(0), rx})));
}

}  // namespace

TEST_CASE("RX: an ack at -n -v -vv and -vvv", "[proto][rx]") {
  const std::string addr = "IP 192.0.2.1.7001 > 192.0.2.2.7000:  rx ack";
  const std::string acks = " first 2 serial 9 reason delay acked 2-3,5 nacked 4";
  const std::string tail = " ifmtu 1444 maxmtu 1444 rwind 32 maxpackets 4 (69)\n";
  const std::string hdr = " cid 00abcd01 call# 7 seq 1 ser 3";
  CHECK(print(rx_ack()) == addr + acks + " (69)\n");
  CHECK(print(rx_ack(), v(1)).find("    192.0.2.1.7001 > 192.0.2.2.7000:  rx ack seq 1 ser 3" + acks + " (69)\n") !=
        std::string::npos);
  CHECK(print(rx_ack(), v(2)).find("[udp sum ok]  rx ack" + hdr + " <client-init>,<slow-start>" + acks + tail) !=
        std::string::npos);
  CHECK(print(rx_ack(), v(3)).find("[udp sum ok]  rx ack" + hdr + " secindex 2 serviceid 1 <client-init>,<slow-start>"
                                   " bufspace 32 maxskew 5" + acks + tail) != std::string::npos);
}

TEST_CASE("RX: a cut ack says [|ack] and a cut header [|rx] with the length", "[proto][rx][truncated]") {
  const Frame f = rx_ack();
  const auto wire = static_cast<std::uint32_t>(f.size());
  Frame in_ack(f.begin(), f.begin() + 14 + 20 + 8 + 28 + 10);
  CHECK(print(in_ack, {}, 1, wire) == "IP 192.0.2.1.7001 > 192.0.2.2.7000:  rx ack [|ack] (69)\n");
  Frame in_header(f.begin(), f.begin() + 14 + 20 + 8 + 20);
  CHECK(print(in_header, {}, 1, wire) == "IP 192.0.2.1.7001 > 192.0.2.2.7000:  [|rx] (69)\n");
  for (const auto& line : print_prefixes(f, v(3))) CHECK(sane_line(line, 1000));
  for (const auto& line : print_mutations(f, 42, 51, 300, v(3))) CHECK(sane_line(line, 4000));
}
