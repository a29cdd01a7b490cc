// PIM (pim.cpp): version 2 hello, register (with its encapsulated packet),
// register-stop, join/prune, assert and bootstrap at -n, -v and -vv, the
// checksum's three verdicts, PIMv1 in IGMP, messages cut at every length
// (never a read past the capture: run under the asan preset) and the typed
// JSON form. Expected text is tcpdump 4.99.3's for the same bytes
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

// A PIMv2 message of this type with its checksum over the first `sum_len`
// bytes (all of it when 0) in IPv4 to the all-PIM-routers group.
Frame pim4(unsigned type, const Frame& body, std::size_t sum_len = 0, const char* dst = "224.0.0.13") {
  Frame m = cat({{static_cast<std::uint8_t>(0x20 | type), 0, 0, 0}, body});
  std::uint16_t s = fold(sum16(m, 0, sum_len ? sum_len : m.size()));
  m[2] = static_cast<std::uint8_t>(s >> 8);
  m[3] = static_cast<std::uint8_t>(s);
  return ether(0x0800, ipv4(103, m, "192.0.2.1", dst));
}

Frame uni(const char* a) { return cat({{1, 0}, ip4a(a)}); }
Frame grp(const char* a, std::uint8_t mask = 32, std::uint8_t flags = 0) { return cat({{1, 0, flags, mask}, ip4a(a)}); }

const Frame kHello = cat({be16(1), be16(2), be16(105), be16(20), be16(4), be32(0x3f0ef4cd), be16(19), be16(4),
                          be32(1), be16(21), be16(4), be32(0x01000000)});

Frame join_prune() {
  return pim4(3, cat({uni("192.0.2.9"), {0, 1}, be16(210), grp("239.1.2.3"), be16(1), be16(1),
                      grp("198.51.100.7", 32, 7), grp("198.51.100.8", 24, 4)}));
}

}  // namespace

TEST_CASE("PIM: a hello at -n and its options from -v on", "[proto][pim]") {
  Frame hello = pim4(0, kHello);
  CHECK(print(hello) == "IP 192.0.2.1 > 224.0.0.13: PIMv2, Hello, length 34\n");
  std::string text = print(hello, v(1));
  CHECK(text.find("proto PIM (103), length 54)\n    192.0.2.1 > 224.0.0.13: PIMv2, length 34\n\tHello, cksum 0x") !=
        std::string::npos);
  CHECK(text.find(" (correct)\n"
                  "\t  Hold Time Option (1), length 2, Value: 1m45s\n"
                  "\t  Generation ID Option (20), length 4, Value: 0x3f0ef4cd\n"
                  "\t  DR Priority Option (19), length 4, Value: 1\n"
                  "\t  State Refresh Capability Option (21), length 4, Value: v1\n") != std::string::npos);
  // -vv adds each option's bytes.
  CHECK(print(hello, v(2)).find("Value: 1m45s\n\t    0x0000:  0069\n\t  Generation ID") != std::string::npos);
  // A wrong checksum, and none at all.
  Frame bad = hello;
  bad[14 + 20 + 3] ^= 0xff;
  CHECK(print(bad, v(1)).find(" (incorrect)\n") != std::string::npos);
  Frame zero = hello;
  zero[14 + 20 + 2] = zero[14 + 20 + 3] = 0;
  CHECK(print(zero, v(1)).find("Hello, cksum 0x0000 (unverified)\n") != std::string::npos);
  // An option of the wrong length stops the message as invalid.
  Frame odd = pim4(0, cat({be16(1), be16(3), {0, 105, 0, 0}}));
  CHECK(print(odd, v(1)).find("Hold Time Option (1), length 3, Value: [option length 3 != 2] (invalid)\n") !=
        std::string::npos);
}

TEST_CASE("PIM: a register carries its packet on to the IP printer", "[proto][pim]") {
  Frame inner = ipv4(17, cat({be16(5000), be16(6000), be16(12), be16(0), {1, 2, 3, 4}}), "203.0.113.1", "203.0.113.2");
  Frame reg = pim4(1, cat({be32(0x40000000), inner}), 8, "198.51.100.1");
  CHECK(print(reg) == "IP 192.0.2.1 > 198.51.100.1: PIMv2, Register, length 40\n");
  CHECK(print(reg, v(1)).find("PIMv2, length 40\n\tRegister, cksum 0x") != std::string::npos);
  CHECK(print(reg, v(1)).find(" (correct), Flags [ Null ]\n"
                              "\tIP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 32)\n"
                              "    203.0.113.1.5000 > 203.0.113.2.6000: UDP, length 4\n") != std::string::npos);
  Frame stop = pim4(2, cat({grp("239.1.2.3"), uni("203.0.113.1")}), 0, "198.51.100.1");
  CHECK(print(stop, v(1)).find(" (correct) group=239.1.2.3 source=203.0.113.1\n") != std::string::npos);
}

TEST_CASE("PIM: join/prune and assert and bootstrap bodies", "[proto][pim]") {
  CHECK(print(join_prune()) == "IP 192.0.2.1 > 224.0.0.13: PIMv2, Join / Prune, length 42\n");
  CHECK(print(join_prune(), v(1)).find(" (correct), upstream-neighbor: 192.0.2.9\n"
                                       "\t  1 group(s), holdtime: 3m30s\n"
                                       "\t    group #1: 239.1.2.3, joined sources: 1, pruned sources: 1\n"
                                       "\t      joined source #1: 198.51.100.7(SWR)\n"
                                       "\t      pruned source #1: 198.51.100.8/24(S)\n") != std::string::npos);
  Frame assert_msg = pim4(5, cat({grp("239.1.2.3"), uni("203.0.113.1"), be32(0x80000064), be32(20)}));
  CHECK(print(assert_msg, v(1)).find(" (correct) group=239.1.2.3 src=203.0.113.1 RPT pref=100 metric=20\n") !=
        std::string::npos);
  Frame bsr = pim4(4, cat({be16(0x1234), {30, 100}, uni("192.0.2.5"), grp("239.0.0.0", 8), {1, 1, 0, 0},
                           uni("192.0.2.6"), be16(150), {7, 0}}));
  CHECK(print(bsr, v(1)).find(" (correct) tag=1234 hashmlen=30 BSRprio=100 BSR=192.0.2.5 (group0: 239.0.0.0/8 "
                              "RPcnt=1 FRPcnt=1 RP0=192.0.2.6,holdtime=2m30s,prio=7)\n") != std::string::npos);
}

TEST_CASE("PIM: version 1 in IGMP", "[proto][pim]") {
  Frame m = cat({{0x14, 4, 0, 0, 0x10, 0, 0, 0}, ip4a("239.1.2.3"), ip4a("255.255.255.255"), ip4a("192.0.2.1"),
                 {0, 0}, be16(270)});
  std::uint16_t s = fold(sum16(m, 0, m.size()));
  m[2] = static_cast<std::uint8_t>(s >> 8);
  m[3] = static_cast<std::uint8_t>(s);
  Frame f = ether(0x0800, ipv4(2, m, "192.0.2.1", "224.0.0.2"));
  CHECK(print(f) == "IP 192.0.2.1 > 224.0.0.2: igmp pimv1 RP-reachable\n");
  CHECK(print(f, v(1)).find("192.0.2.1 > 224.0.0.2: igmp pimv1 RP-reachable group 239.1.2.3 RP 192.0.2.1 hold 4m30s\n") !=
        std::string::npos);
  Frame cut(f.begin(), f.begin() + 14 + 20 + 4);
  CHECK(print(cut, v(1), 1, static_cast<std::uint32_t>(f.size())).find("igmp pimv1 RP-reachable [|pimv1]\n") !=
        std::string::npos);
}

TEST_CASE("PIM: a message cut anywhere ends in the pimv2 truncation mark and never reads past the capture", "[proto][pim][truncated]") {
  Frame full = join_prune();
  Frame cut(full.begin(), full.begin() + 14 + 20 + 30);  // inside the joined source
  CHECK(print(cut, v(1), 1, static_cast<std::uint32_t>(full.size()))
            .find("\t    group #1: 239.1.2.3, joined sources: 1, pruned sources: 1\n"
                  "\t      joined source #1:  [|pimv2]\n") != std::string::npos);
  Frame first(full.begin(), full.begin() + 14 + 20);
  CHECK(print(first, {}, 1, static_cast<std::uint32_t>(full.size())) == "IP 192.0.2.1 > 224.0.0.13:  [|pim]\n");
  for (const auto& f : {join_prune(), pim4(0, kHello)}) {
    for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 2000));
    for (const auto& line : print_mutations(f, 34, 103, 300, v(2))) CHECK(sane_line(line, 20000));
  }
}

TEST_CASE("PIM: JSON has the header and the groups with their sources", "[proto][pim][json]") {
  auto doc = testjson::parse(print(join_prune(), json()));
  const auto& layers = doc["layers"].array();
  REQUIRE(layers.size() == 3);
  const auto& p = layers.at(2);
  CHECK(p["layer"].str() == "pim");
  CHECK(p["version"].num() == 2);
  CHECK(p["type"].num() == 3);
  CHECK(p["type_name"].str() == "Join / Prune");
  CHECK(p["upstream_neighbor"].str() == "192.0.2.9");
  CHECK(p["holdtime"].num() == 210);
  const auto& g = p["groups"].array().at(0);
  CHECK(g["group"].str() == "239.1.2.3");
  CHECK(g["joined"].array().at(0).str() == "198.51.100.7(SWR)");
  CHECK(g["pruned"].array().at(0).str() == "198.51.100.8/24(S)");
  Frame full = join_prune();
  Frame cut(full.begin(), full.begin() + 14 + 20 + 30);
  auto t = testjson::parse(print(cut, json(), 1, static_cast<std::uint32_t>(full.size())));
  const auto& tp = t["layers"].array().at(2);
  CHECK(tp["truncated"].boolean());
  CHECK(tp["groups"].array().at(0)["joined"].array().empty());
}
