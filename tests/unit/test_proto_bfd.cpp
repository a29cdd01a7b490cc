// BFD (bfd.cpp): control packets on the single-hop, multihop and LAG ports
// at -n and -v, the three kinds of authentication section, echo packets,
// version 0, the ports tcpdump's udp_print gives to other printers first,
// packets cut at every length (never a read past the capture: run under the
// asan preset) and the typed JSON form. Expected text is tcpdump 4.99.3's
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

Frame bfd_frame(const Frame& msg, unsigned dport = 3784, unsigned sport = 49200) {
  Frame udp = cat({be16(sport), be16(dport), be16(static_cast<unsigned>(8 + msg.size())), be16(0), msg});
  return ether(0x0800, ipv4(17, udp, "192.0.2.1", "192.0.2.2"));
}

// Version 1, state Up, multiplier 3, 300 ms intervals; flags and auth as given.
Frame control(std::uint8_t flags = 0, const Frame& auth = {}, std::uint8_t diag = 0) {
  return cat({{static_cast<std::uint8_t>(0x20 | diag), static_cast<std::uint8_t>(0xc0 | flags), 3,
               static_cast<std::uint8_t>(24 + auth.size())},
              be32(1), be32(2), be32(300000), be32(300000), be32(0), auth});
}

}  // namespace

TEST_CASE("BFD: control packets at -n and -v", "[proto][bfd]") {
  Frame f = bfd_frame(control());
  CHECK(print(f) == "IP 192.0.2.1.49200 > 192.0.2.2.3784: BFDv1, Control, State Up, Flags: [none], length: 24\n");
  CHECK(has(print(f, v(1)), "BFDv1, length: 24\n\tControl, State Up, Flags: [none], Diagnostic: No Diagnostic (0x00)\n"
                            "\tDetection Timer Multiplier: 3 (900 ms Detection time), BFD Length: 24\n"
                            "\tMy Discriminator: 0x00000001, Your Discriminator: 0x00000002\n"
                            "\t  Desired min Tx Interval:     300 ms\n"
                            "\t  Required min Rx Interval:    300 ms\n"
                            "\t  Required min Echo Interval:    0 ms\n"));
  CHECK(has(print(bfd_frame(control(0x30, {}, 3), 4784)),
            "BFDv1, Multihop, State Up, Flags: [Poll, Final], length: 24\n"));
  CHECK(has(print(bfd_frame(control(0, {}, 3), 6784), v(1)), "Lag, State Up, Flags: [none], Diagnostic: Neighbor "
                                                             "Signaled Session Down (0x03)\n"));
  Frame v0 = control();
  v0[0] = 0x00;
  v0[1] = 0x81;
  CHECK(has(print(bfd_frame(v0)), "BFDv0, Control, Flags: [I Hear You, Reserved], length: 24\n"));
}

TEST_CASE("BFD: password, keyed MD5 and keyed SHA1 sections", "[proto][bfd]") {
  Frame pw = control(0x04, {1, 7, 5, 's', 'e', 'c', 'r'});
  CHECK(has(print(bfd_frame(pw), v(1)), "Flags: [Authentication Present]"));
  CHECK(has(print(bfd_frame(pw), v(1)), "\n\tAuthentication: Simple Password (1), length: 7\n\t  Auth Key ID: 5, "
                                        "Password: secr\n"));
  Frame md5 = control(0x04, cat({{2, 24, 1, 0}, be32(0x10), Frame(16, 0xaa)}));
  CHECK(has(print(bfd_frame(md5), v(1)), "\n\tAuthentication: Keyed MD5 (2), length: 24\n\t  Auth Key ID: 1, Sequence "
                                         "Number: 0x00000010\n\t  Digest: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"));
  Frame sha = control(0x04, cat({{5, 28, 1, 0}, be32(0x11), Frame(20, 0x0b)}));
  CHECK(has(print(bfd_frame(sha), v(1)), "Meticulous Keyed SHA1 (5), length: 28\n\t  Auth Key ID: 1, Sequence Number: "
                                         "0x00000011\n\t  Hash: 0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b\n"));
  Frame odd = control(0x04, {9, 4, 2, 0}, 31);
  CHECK(has(print(bfd_frame(odd), v(1)), "Diagnostic: unknown (0x1f)\n"));
  CHECK(has(print(bfd_frame(odd), v(1)), "\n\tAuthentication: Unknown (9), length: 4\n\t  Auth Key ID: 2\n"));
  Frame bad = control(0x04, cat({{2, 20, 1, 0}, be32(0x10), Frame(12, 0)}));
  CHECK(has(print(bfd_frame(bad), v(1)), "Keyed MD5 (2), length: 20\n\t  Auth Key ID: 1[invalid length 20]\n"));
}

TEST_CASE("BFD: echo packets, and ports other printers take first", "[proto][bfd]") {
  Frame echo = bfd_frame({1, 2, 3, 4}, 3785);
  CHECK(print(echo) == "IP 192.0.2.1.49200 > 192.0.2.2.3785: BFD, Echo, length: 4\n");
  CHECK(has(print(echo, v(1)), "BFD, Echo, length: 4\n\t0x0000:  0102 0304\n"));
  // BFD is a destination port test: from 3784 elsewhere is UDP.
  CHECK(has(print(bfd_frame(control(), 40000, 3784)), ": UDP, length 24\n"));
  // tcpdump 4.99.3 gives source port 49152 to its Broadcom LI printer.
  CHECK(!has(print(bfd_frame(control(), 3784, 49152)), "BFD"));
}

TEST_CASE("BFD: a cut packet ends in [|bfd]", "[proto][bfd][truncated]") {
  Frame f = bfd_frame(control(0x04, cat({{2, 24, 1, 0}, be32(0x10), Frame(16, 0xaa)})));
  Frame header(f.begin(), f.begin() + 14 + 20 + 8 + 20);
  CHECK(print(header, {}, 1, static_cast<std::uint32_t>(f.size())) ==
        "IP 192.0.2.1.49200 > 192.0.2.2.3784:  [|bfd]\n");
  Frame digest(f.begin(), f.begin() + 14 + 20 + 8 + 24 + 12);
  CHECK(has(print(digest, v(1), 1, static_cast<std::uint32_t>(f.size())),
            "Auth Key ID: 1, Sequence Number: 0x00000010 [|bfd]\n"));
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 1200));
  for (const auto& line : print_mutations(f, 42, 43, 300, v(2))) CHECK(sane_line(line, 4000));
}

TEST_CASE("BFD: JSON has the state, discriminators and timers", "[proto][bfd][json]") {
  auto doc = testjson::parse(print(bfd_frame(control()), json()));
  const auto& b = doc["layers"].array().at(3);
  CHECK(b["layer"].str() == "bfd");
  CHECK(b["version"].num() == 1);
  CHECK(b["state"].str() == "Up");
  CHECK(b["my_discriminator"].num() == 1);
  CHECK(b["your_discriminator"].num() == 2);
  CHECK(b["desired_min_tx_us"].num() == 300000);
  Frame f = bfd_frame(control());
  std::uint32_t wire = static_cast<std::uint32_t>(f.size());
  f.resize(f.size() - 4);
  auto c = testjson::parse(print(f, json(), 1, wire));
  CHECK(c["layers"].array().at(3)["truncated"].boolean());
}
