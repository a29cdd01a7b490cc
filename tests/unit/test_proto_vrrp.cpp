// The first-hop redundancy protocols of a lab's routers: VRRP versions 2
// and 3 over IPv4 and IPv6 (vrrp.cpp) and HSRP version 0 (hsrp.cpp), at -n
// and -v, with checksums, passwords, the ports tcpdump's udp_print gives
// HSRP, messages cut at every length (never a read past the capture: run
// under the asan preset) and the typed JSON form. Expected text is tcpdump
// 4.99.3's for the same bytes (re-checked with NETLAB_PROTO_PCAP_DIR, see
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

// Fills in a VRRPv2 checksum (over the message alone).
Frame with_sum(Frame m) {
  std::uint16_t s = fold(sum16(m, 0, m.size()));
  m[6] = static_cast<std::uint8_t>(s >> 8);
  m[7] = static_cast<std::uint8_t>(s);
  return m;
}

// VRRPv2, vrid 42, priority 191, two addresses, simple password "lab".
Frame vrrp2() {
  return with_sum(cat({{0x21, 42, 191, 2, 1, 10, 0, 0}, ip4a("192.0.2.1"), ip4a("192.0.2.2"),
                       {'l', 'a', 'b', 0, 0, 0, 0, 0}}));
}

// With TTL 255 (RFC 5798 5.1.1.3): ipv4() uses 64, which tcpdump reports.
Frame vrrp_frame(const Frame& msg, std::uint8_t ttl = 255) {
  Frame f = ether(0x0800, ipv4(112, msg, "192.0.2.10", "224.0.0.18"));
  f[14 + 8] = ttl;
  fix_ip4_sum(f);
  return f;
}

Frame hsrp(std::uint8_t op, std::uint8_t state, const char* password = "cisco") {
  Frame auth(8, 0);
  for (std::size_t k = 0; password[k] && k < 8; ++k) auth[k] = static_cast<std::uint8_t>(password[k]);
  return cat({{0, op, state, 3, 10, 200, 1, 0}, auth, ip4a("192.0.2.1")});
}

Frame hsrp_frame(const Frame& msg, unsigned sport = 1985, unsigned dport = 1985) {
  Frame udp = cat({be16(sport), be16(dport), be16(static_cast<unsigned>(8 + msg.size())), be16(0), msg});
  return ether(0x0800, ipv4(17, udp, "192.0.2.10", "224.0.0.2"));
}

}  // namespace

TEST_CASE("VRRP: version 2 at -n and -v, with addresses and password", "[proto][vrrp]") {
  Frame f = vrrp_frame(vrrp2());
  CHECK(print(f) == "IP 192.0.2.10 > 224.0.0.18: VRRPv2, Advertisement, vrid 42, prio 191, authtype simple, "
                    "intvl 10s, length 24\n");
  CHECK(has(print(f, v(1)), "VRRPv2, Advertisement, vrid 42, prio 191, authtype simple, intvl 10s, length 24, "
                            "addrs(2): 192.0.2.1,192.0.2.2 auth \"lab\"\n"));
  // A TTL other than 255 is said; a wrong checksum too (under -v).
  CHECK(has(print(vrrp_frame(vrrp2(), 64)), "VRRPv2, Advertisement, (ttl 64), vrid 42"));
  Frame bad = vrrp2();
  bad[7] ^= 0x55;
  CHECK(has(print(vrrp_frame(bad), v(1)), "length 24, (bad vrrp cksum "));
  CHECK(!has(print(vrrp_frame(vrrp2()), v(1)), "bad vrrp cksum"));
}

TEST_CASE("VRRP: version 3 over IPv4 and IPv6, and other types", "[proto][vrrp]") {
  // Version 3's checksum covers a pseudo-header: 0 here, so tcpdump says it is bad.
  Frame v3 = cat({{0x31, 44, 100, 1, 0x00, 0x64, 0, 0}, ip4a("192.0.2.1")});
  CHECK(print(vrrp_frame(v3)) == "IP 192.0.2.10 > 224.0.0.18: VRRPv3, Advertisement, vrid 44, prio 100, intvl 100cs, "
                                 "length 12\n");
  CHECK(has(print(vrrp_frame(v3), v(1)), "intvl 100cs, length 12, (bad vrrp cksum 0), addrs: 192.0.2.1\n"));
  Frame six = ether(0x86dd, ipv6(112, cat({{0x31, 45, 100, 1, 0x00, 0x64, 0, 0}, ip6a("fe80::1")}), "fe80::2",
                                 "ff02::12"));
  six[14 + 7] = 255;
  CHECK(print(six) == "IP6 fe80::2 > ff02::12: VRRPv3, Advertisement, vrid 45, prio 100, intvl 100cs, length 24\n");
  CHECK(has(print(six, v(1)), ", addrs: fe80::1\n"));
  CHECK(print(vrrp_frame({0x25, 1, 2, 0, 0, 0, 0, 0})) ==
        "IP 192.0.2.10 > 224.0.0.18: VRRPv2, unknown type (5)\n");
}

TEST_CASE("VRRP: a cut message ends in [|vrrp]", "[proto][vrrp][truncated]") {
  Frame f = vrrp_frame(vrrp2());
  Frame cut(f.begin(), f.begin() + 14 + 20 + 12);  // inside the second address
  CHECK(print(cut, v(1), 1, static_cast<std::uint32_t>(f.size())).find(
            "intvl 10s, length 24, addrs(2): 192.0.2.1 [|vrrp]\n") != std::string::npos);
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 600));
  for (const auto& line : print_mutations(f, 34, 37, 300, v(2))) CHECK(sane_line(line, 4000));
}

TEST_CASE("HSRP: hello, coup and unknown op codes at -n and -v", "[proto][hsrp]") {
  Frame f = hsrp_frame(hsrp(0, 16));
  CHECK(print(f) == "IP 192.0.2.10.1985 > 224.0.0.2.1985: HSRPv0-hello 20: state=active group=1 addr=192.0.2.1\n");
  CHECK(has(print(f, v(1)), "HSRPv0-hello 20: state=active group=1 addr=192.0.2.1 hellotime=3s holdtime=10s "
                            "priority=200 auth=\"cisco\"\n"));
  CHECK(has(print(hsrp_frame(hsrp(1, 8))), "HSRPv0-coup 20: state=standby group=1 addr=192.0.2.1\n"));
  CHECK(has(print(hsrp_frame(hsrp(7, 3))), "HSRPv0-unknown (7) 20: state=Unknown (3) group=1 addr=192.0.2.1\n"));
  Frame reserved = hsrp(0, 16);
  reserved[7] = 9;
  CHECK(has(print(hsrp_frame(reserved)), "group=1 [reserved=9!] addr=192.0.2.1\n"));
  Frame v1 = hsrp(0, 16);
  v1[0] = 1;
  CHECK(has(print(hsrp_frame(v1)), ".1985: HSRPv1\n"));
  // tcpdump tests the destination port only: from 1985 to elsewhere is UDP.
  CHECK(print(hsrp_frame(hsrp(0, 16), 1985, 40000)) == "IP 192.0.2.10.1985 > 224.0.0.2.40000: UDP, length 20\n");
}

TEST_CASE("HSRP: a cut message ends in [|hsrp]", "[proto][hsrp][truncated]") {
  Frame f = hsrp_frame(hsrp(0, 16));
  Frame cut(f.begin(), f.begin() + 14 + 20 + 8 + 16);  // before the virtual address
  CHECK(print(cut, {}, 1, static_cast<std::uint32_t>(f.size())) ==
        "IP 192.0.2.10.1985 > 224.0.0.2.1985: HSRPv0-hello 20: state=active group=1  [|hsrp]\n");
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 600));
  for (const auto& line : print_mutations(f, 42, 41, 300, v(2))) CHECK(sane_line(line, 4000));
}

TEST_CASE("VRRP and HSRP: JSON has the group, priority and addresses", "[proto][vrrp][hsrp][json]") {
  auto doc = testjson::parse(print(vrrp_frame(vrrp2()), json(), 1));
  const auto& r = doc["layers"].array().at(2);
  CHECK(r["layer"].str() == "vrrp");
  CHECK(r["version"].num() == 2);
  CHECK(r["vrid"].num() == 42);
  CHECK(r["priority"].num() == 191);
  CHECK(r["ttl"].num() == 255);
  REQUIRE(r["addresses"].array().size() == 2);
  CHECK(r["addresses"].array().at(1).str() == "192.0.2.2");
  auto h = testjson::parse(print(hsrp_frame(hsrp(0, 16)), json()));
  const auto& l = h["layers"].array().at(3);
  CHECK(l["layer"].str() == "hsrp");
  CHECK(l["state"].str() == "active");
  CHECK(l["priority"].num() == 200);
  CHECK(l["virtual_address"].str() == "192.0.2.1");
  CHECK(!l.has("auth"));
}
