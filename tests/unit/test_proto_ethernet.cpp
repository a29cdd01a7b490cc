// Link layers: Ethernet II, IEEE 802.3 length frames, 802.1Q / 802.1ad
// (QinQ) tags, -e output, and the other link types (Linux cooked SLL and
// SLL2, BSD loopback NULL/LOOP, raw IP). Every expected string is what
// tcpdump 4.99.3 prints for the same bytes (see test_proto_support.cpp for
// how to re-check them).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

// UDP 40000 > 40001 with 4 payload bytes, in IPv4 192.0.2.1 > 192.0.2.2.
Frame udp4() { return ipv4(17, cat({be16(40000), be16(40001), be16(12), be16(0), {1, 2, 3, 4}})); }
// The same over IPv6 2001:db8::1 > 2001:db8::2.
Frame udp6() { return ipv6(17, cat({be16(40000), be16(40001), be16(12), be16(0), {1, 2, 3, 4}})); }

netlab::PrintOptions eflag() {
  netlab::PrintOptions o;
  o.link_header = true;
  return o;
}

constexpr const char* kUdp4 = "IP 192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n";
constexpr const char* kUdp6 = "IP6 2001:db8::1.40000 > 2001:db8::2.40001: UDP, length 4\n";

// 802.1Q tag: TPID, then PCP/DEI/VID.
Frame tag(unsigned tpid, unsigned pcp, bool dei, unsigned vid) {
  return cat({be16(tpid), be16(pcp << 13 | (dei ? 0x1000u : 0) | vid)});
}

}  // namespace

TEST_CASE("Ethernet II carrying IPv4 and IPv6, with and without -e", "[proto][ethernet]") {
  CHECK(print(ether(0x0800, udp4())) == kUdp4);
  CHECK(print(ether(0x86dd, udp6())) == kUdp6);
  CHECK(print(ether(0x0800, udp4()), eflag()) ==
        "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4 (0x0800), length 46: "
        "192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  CHECK(print(ether(0x86dd, udp6()), eflag()) ==
        "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv6 (0x86dd), length 66: "
        "2001:db8::1.40000 > 2001:db8::2.40001: UDP, length 4\n");
}

TEST_CASE("Ethernet padding after the IP datagram is ignored", "[proto][ethernet]") {
  Frame f = ether(0x0800, udp4());
  f.resize(60, 0);  // minimum frame size, zero padded
  CHECK(print(f) == kUdp4);
  netlab::PrintOptions e = eflag();
  CHECK(print(f, e) ==
        "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4 (0x0800), length 60: "
        "192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
}

TEST_CASE("an unknown ethertype shows addresses and a hex dump", "[proto][ethernet]") {
  Frame f = ether(0x88b5, {0xde, 0xad, 0xbe, 0xef});
  CHECK(print(f) == "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype Unknown (0x88b5), length 18: \n"
                    "\t0x0000:  dead beef                                ....\n");
  CHECK(print(f, eflag()) == "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype Unknown (0x88b5), length 18: \n"
                             "\t0x0000:  dead beef                                ....\n");
  netlab::PrintOptions q;
  q.quiet = true;
  CHECK(print(f, q) == "02:00:00:00:00:01 > 02:00:00:00:00:02, Unknown Ethertype (0x88b5), length 18: \n");
}

TEST_CASE("802.1Q: the tag shows only with -e", "[proto][ethernet][vlan]") {
  Frame f = ether(0x8100, cat({be16(3u << 13 | 100), be16(0x0800), udp4()}));
  CHECK(print(f) == kUdp4);
  CHECK(print(f, eflag()) ==
        "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q (0x8100), length 50: vlan 100, p 3, "
        "ethertype IPv4 (0x0800), 192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
}

TEST_CASE("QinQ: an 802.1ad outer tag with DEI over an 802.1Q inner tag", "[proto][ethernet][vlan]") {
  Frame f = ether(0x88a8, cat({be16(5u << 13 | 0x1000 | 4094), tag(0x8100, 0, false, 1), be16(0x86dd), udp6()}));
  CHECK(print(f) == kUdp6);
  CHECK(print(f, eflag()) ==
        "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q-QinQ (0x88a8), length 74: vlan 4094, p 5, DEI, "
        "ethertype 802.1Q (0x8100), vlan 1, p 0, ethertype IPv6 (0x86dd), "
        "2001:db8::1.40000 > 2001:db8::2.40001: UDP, length 4\n");
  // The legacy 0x9100 TPID is a tag too.
  Frame g = ether(0x9100, cat({be16(7), be16(0x0800), udp4()}));
  CHECK(print(g, eflag()) ==
        "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q-9100 (0x9100), length 50: vlan 7, p 0, "
        "ethertype IPv4 (0x0800), 192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
}

TEST_CASE("a VLAN tag around an unknown ethertype", "[proto][ethernet][vlan]") {
  Frame f = ether(0x8100, cat({be16(10), be16(0x88b5), {0xab, 0xcd}}));
  CHECK(print(f) == "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype Unknown (0x88b5), length 20: \n"
                    "\t0x0000:  abcd                                     ..\n");
  CHECK(print(f, eflag()) ==
        "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q (0x8100), length 20: vlan 10, p 0, "
        "ethertype Unknown (0x88b5), \n\t0x0000:  abcd                                     ..\n");
}

TEST_CASE("truncated Ethernet and VLAN headers", "[proto][ethernet][truncation]") {
  Frame f = ether(0x0800, udp4());
  CHECK(print(Frame(f.begin(), f.begin() + 13), {}, 1, 46) == " [|ether]\n");
  CHECK(print(Frame{}, {}, 1, 46) == "[Invalid header: caplen==0]\n");
  Frame v = ether(0x8100, cat({be16(100), be16(0x0800), udp4()}));
  CHECK(print(Frame(v.begin(), v.begin() + 16), {}, 1, 50) == " [|vlan]\n");
  CHECK(print(Frame(v.begin(), v.begin() + 16), eflag(), 1, 50) ==
        "02:00:00:00:00:01 > 02:00:00:00:00:02,  [|vlan]\n");
}

TEST_CASE("impossible record lengths get tcpdump's invalid-header text", "[proto][ethernet][invalid]") {
  Frame f = ether(0x0800, udp4());
  CHECK(print(f, {}, 1, 40) == "[Invalid header: len(40) < caplen(46)]\n");
  CHECK(print(f, {}, 1, 300000) == "[Invalid header: len(300000) > 262144]\n");
}

TEST_CASE("Hex dumps: -x after the link header, -xx with it", "[proto][ethernet][hex]") {
  Frame f = ether(0x8100, cat({be16(100), be16(0x0800), udp4()}));
  netlab::PrintOptions x;
  x.hex = netlab::HexStyle::Hex;
  CHECK(print(f, x) == std::string(kUdp4).substr(0, std::string(kUdp4).size() - 1) +
                           "\n\t0x0000:  4500 0020 1234 0000 4011 e495 c000 0201"
                           "\n\t0x0010:  c000 0202 9c40 9c41 000c 3f4a 0102 0304\n");
  x.hex = netlab::HexStyle::HexLink;
  CHECK(print(f, x) == std::string(kUdp4).substr(0, std::string(kUdp4).size() - 1) +
                           "\n\t0x0000:  0200 0000 0002 0200 0000 0001 8100 0064"
                           "\n\t0x0010:  0800 4500 0020 1234 0000 4011 e495 c000"
                           "\n\t0x0020:  0201 c000 0202 9c40 9c41 000c 3f4a 0102"
                           "\n\t0x0030:  0304\n");
}

TEST_CASE("Linux cooked capture v1 (SLL)", "[proto][sll]") {
  // pkttype 0 (to us), ARPHRD_ETHER, 6-byte address 02:00:00:00:00:01.
  Frame f = cat({be16(0), be16(1), be16(6), {2, 0, 0, 0, 0, 1, 0, 0}, be16(0x0800), udp4()});
  CHECK(print(f, {}, 113) == kUdp4);
  CHECK(print(f, eflag(), 113) ==
        " In 02:00:00:00:00:01 ethertype IPv4 (0x0800), length 48: "
        "192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  // Outgoing (4), IPv6.
  Frame g = cat({be16(4), be16(1), be16(6), {2, 0, 0, 0, 0, 1, 0, 0}, be16(0x86dd), udp6()});
  CHECK(print(g, eflag(), 113) ==
        "Out 02:00:00:00:00:01 ethertype IPv6 (0x86dd), length 68: "
        "2001:db8::1.40000 > 2001:db8::2.40001: UDP, length 4\n");
  // Unknown protocol: header then a hex dump even without -e.
  Frame u = cat({be16(1), be16(1), be16(6), {2, 0, 0, 0, 0, 1, 0, 0}, be16(0x88b5), {0xab}});
  CHECK(print(u, {}, 113) == "  B 02:00:00:00:00:01 ethertype Unknown (0x88b5), length 17: \n"
                             "\t0x0000:  ab                                       .\n");
  CHECK(print(Frame(f.begin(), f.begin() + 15), {}, 113, 48) == " [|sll]\n");
}

TEST_CASE("Linux cooked capture v2 (SLL2)", "[proto][sll]") {
  // ifindex 0x7fffff00 names no interface here: tcpdump prints "?".
  Frame f = cat({be16(0x0800), be16(0), be32(0x7fffff00), be16(1), {0, 6}, {2, 0, 0, 0, 0, 1, 0, 0}, udp4()});
  CHECK(print(f, {}, 276) == "?     In  " + std::string(kUdp4));
  CHECK(print(f, eflag(), 276) ==
        "?     In  ifindex 2147483392 02:00:00:00:00:01 ethertype IPv4 (0x0800), length 52: "
        "192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  CHECK(print(Frame(f.begin(), f.begin() + 19), {}, 276, 52) == " [|sll2]\n");
}

TEST_CASE("BSD loopback (NULL host order, LOOP network order)", "[proto][null]") {
  Frame v4 = cat({{2, 0, 0, 0}, udp4()});
  CHECK(print(v4, {}, 0) == kUdp4);
  CHECK(print(v4, eflag(), 0) == "AF IPv4 (2), length 36: 192.0.2.1.40000 > 192.0.2.2.40001: UDP, length 4\n");
  // IPv6 has three BSD values: 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
  for (std::uint8_t fam : {24, 28, 30}) {
    Frame v6 = cat({{fam, 0, 0, 0}, udp6()});
    CHECK(print(v6, eflag(), 0) == "AF IPv6 (" + std::to_string(fam) +
                                       "), length 56: 2001:db8::1.40000 > 2001:db8::2.40001: UDP, length 4\n");
  }
  // A big-endian family in a host-order header is swapped back.
  CHECK(print(cat({{0, 0, 0, 2}, udp4()}), {}, 0) == kUdp4);
  CHECK(print(cat({{0, 0, 0, 2}, udp4()}), {}, 108) == kUdp4);
  CHECK(print(cat({{99, 0, 0, 0}, {0xab, 0xcd}}), {}, 0) == "AF Unknown (99), length 6: \n"
                                                           "\t0x0000:  abcd                                     ..\n");
  CHECK(print(Frame{2, 0, 0}, {}, 0, 36) == " [|null]\n");
  CHECK(print(Frame{0, 0, 0}, {}, 108, 36) == " [|null]\n");
}

TEST_CASE("raw IP link types pick IPv4 or IPv6 by version", "[proto][raw]") {
  for (int dlt : {12, 14, 101}) {
    CHECK(print(udp4(), {}, dlt) == kUdp4);
    CHECK(print(udp6(), {}, dlt) == kUdp6);
  }
  CHECK(print(udp4(), {}, 228) == kUdp4);
  CHECK(print(udp6(), {}, 229) == kUdp6);
  CHECK(print(Frame{}, {}, 101, 20) == "[Invalid header: caplen==0]\n");
  CHECK(print(Frame{0x45, 0}, {}, 101, 20) == "IP  [|ip]\n");
  CHECK(print(udp4(), eflag(), 101) == "ip: " + std::string(kUdp4).substr(3));
  CHECK(print(udp6(), eflag(), 229) == "ip: " + std::string(kUdp6).substr(4));
  CHECK(netlab::linktype_supported(1));
  CHECK(netlab::linktype_supported(276));
  CHECK_FALSE(netlab::linktype_supported(105));  // 802.11: not decoded
}

TEST_CASE("every prefix of every link header decodes in bounds", "[proto][ethernet][robustness]") {
  struct Case {
    Frame frame;
    int dlt;
  };
  std::vector<Case> cases = {
      {ether(0x88a8, cat({be16(5), tag(0x8100, 1, true, 2), be16(0x0800), udp4()})), 1},
      {cat({be16(0), be16(1), be16(6), {2, 0, 0, 0, 0, 1, 0, 0}, be16(0x86dd), udp6()}), 113},
      {cat({be16(0x86dd), be16(0), be32(0x7fffff00), be16(1), {0, 6}, {2, 0, 0, 0, 0, 1, 0, 0}, udp6()}), 276},
      {cat({{30, 0, 0, 0}, udp6()}), 0},
      {udp4(), 101},
  };
  for (const auto& c : cases) {
    for (netlab::PrintOptions o : {netlab::PrintOptions{}, eflag()}) {
      auto lines = print_prefixes(c.frame, o, c.dlt);
      REQUIRE(lines.size() == c.frame.size() + 1);
      for (std::size_t n = 0; n < lines.size(); ++n) {
        INFO("dlt " << c.dlt << ", " << n << " of " << c.frame.size() << " bytes: " << lines[n]);
        CHECK(sane_line(lines[n], 400));
        // Only a frame cut in the 4 UDP payload bytes has no truncation mark.
        if (n == 0) CHECK(lines[n] == "[Invalid header: caplen==0]\n");
        else CHECK((lines[n].find(" [|") == std::string::npos) == (n + 4 >= c.frame.size()));
      }
    }
  }
}

TEST_CASE("hostile link headers: random tags, types and lengths", "[proto][ethernet][robustness]") {
  Frame base = ether(0x8100, cat({be16(100), be16(0x8100), be16(200), be16(0x0800), udp4()}));
  for (netlab::PrintOptions o : {netlab::PrintOptions{}, eflag()}) {
    auto lines = print_mutations(base, 12, 1, 300, o, 1);
    for (const auto& l : lines) {
      INFO(l);
      CHECK(sane_line(l, 1000));
    }
  }
  Frame sll = cat({be16(0), be16(1), be16(6), {2, 0, 0, 0, 0, 1, 0, 0}, be16(0x0800), udp4()});
  for (const auto& l : print_mutations(sll, 0, 2, 200, eflag(), 113)) CHECK(sane_line(l, 1000));
}
