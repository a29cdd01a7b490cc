// VXLAN (vxlan.cpp) and Geneve (geneve.cpp): the UDP tunnels of a lab's
// overlay, each with the inner frame printed by the Ethernet (or ethertype)
// printers; -n, -v, -vv and -e, Geneve's options, headers cut at every
// length (never a read past the capture: run under the asan preset), the
// ports tcpdump's udp_print gives to other printers first, and the typed
// JSON form with the inner frame as the next layers. Expected text is
// tcpdump 4.99.3's for the same bytes (re-checked with
// NETLAB_PROTO_PCAP_DIR, see test_proto_support.cpp).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

netlab::PrintOptions e() {
  netlab::PrintOptions o;
  o.link_header = true;
  return o;
}

Frame udp(unsigned sport, unsigned dport, const Frame& payload) {
  return cat({be16(sport), be16(dport), be16(static_cast<unsigned>(8 + payload.size())), be16(0), payload});
}

// The tenant's frame: an ICMP echo request between two hosts of the overlay.
Frame inner_frame() {
  Frame icmp = {8, 0, 0, 0, 0x12, 0x34, 0, 1};
  std::uint16_t s = fold(sum16(icmp, 0, icmp.size()));
  icmp[2] = static_cast<std::uint8_t>(s >> 8);
  icmp[3] = static_cast<std::uint8_t>(s);
  return ether(0x0800, ipv4(1, icmp, "203.0.113.1", "203.0.113.2"), {0x02, 0, 0, 0, 0, 0x0b},
               {0x02, 0, 0, 0, 0, 0x0a});
}

Frame vxlan(const Frame& payload, std::uint32_t vni = 100, std::uint8_t flags = 0x08, unsigned sport = 40000,
            unsigned dport = 4789) {
  Frame h = cat({{flags, 0, 0, 0}, {static_cast<std::uint8_t>(vni >> 16), static_cast<std::uint8_t>(vni >> 8),
                                    static_cast<std::uint8_t>(vni), 0}});
  return ether(0x0800, ipv4(17, udp(sport, dport, cat({h, payload})), "192.0.2.1", "192.0.2.2"));
}

Frame geneve(unsigned proto, const Frame& options, const Frame& payload, std::uint8_t flags = 0,
             std::uint32_t vni = 10) {
  Frame h = cat({{static_cast<std::uint8_t>(options.size() / 4), flags}, be16(proto),
                 {static_cast<std::uint8_t>(vni >> 16), static_cast<std::uint8_t>(vni >> 8),
                  static_cast<std::uint8_t>(vni), 0},
                 options});
  return ether(0x0800, ipv4(17, udp(40000, 6081, cat({h, payload})), "192.0.2.1", "192.0.2.2"));
}

// One critical option of the standard class with one data word.
const Frame kOption = {0x00, 0x00, 0x80, 0x01, 0x00, 0x00, 0x00, 0x0c};

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// proto_test::sane_line less its continuation rule: tcpdump starts a VXLAN
// packet's inner frame on a line of its own, at the margin.
bool sane(const std::string& s, std::size_t max) {
  return !s.empty() && s.back() == '\n' && s.size() <= max && s.find('\0') == std::string::npos;
}

}  // namespace

TEST_CASE("VXLAN: the header, then the inner frame on its own line", "[proto][vxlan]") {
  Frame f = vxlan(inner_frame());
  CHECK(print(f) ==
        "IP 192.0.2.1.40000 > 192.0.2.2.4789: VXLAN, flags [I] (0x08), vni 100\n"
        "IP 203.0.113.1 > 203.0.113.2: ICMP echo request, id 4660, seq 1, length 8\n");
  CHECK(has(print(f, v(1)), "192.0.2.1.40000 > 192.0.2.2.4789: VXLAN, flags [I] (0x08), vni 100\n"
                            "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto ICMP (1), length 28)\n"
                            "    203.0.113.1 > 203.0.113.2: ICMP echo request, id 4660, seq 1, length 8\n"));
  CHECK(has(print(f, e()), "VXLAN, flags [I] (0x08), vni 100\n02:00:00:00:00:0a > 02:00:00:00:00:0b, ethertype IPv4 "
                           "(0x0800), length 42: 203.0.113.1 > 203.0.113.2: ICMP echo request"));
  CHECK(has(print(vxlan(inner_frame(), 0xabcdef, 0x00)), "VXLAN, flags [invalid] (0x00), vni 11259375\n"));
}

TEST_CASE("VXLAN: a short header ends in [|vxlan]", "[proto][vxlan][truncated]") {
  Frame f = vxlan(inner_frame());
  // The flags print before the VNI is read, as in tcpdump (two spaces).
  Frame cut(f.begin(), f.begin() + 14 + 20 + 8 + 6);
  CHECK(print(cut, {}, 1, static_cast<std::uint32_t>(f.size())) ==
        "IP 192.0.2.1.40000 > 192.0.2.2.4789: VXLAN, flags [I] (0x08),  [|vxlan]\n");
  Frame none(f.begin(), f.begin() + 14 + 20 + 8);
  CHECK(print(none, {}, 1, static_cast<std::uint32_t>(f.size())) ==
        "IP 192.0.2.1.40000 > 192.0.2.2.4789: VXLAN [|vxlan]\n");
  Frame seven(f.begin(), f.begin() + 14 + 20 + 8 + 7);  // the VNI, not the reserved byte
  CHECK(print(seven, {}, 1, static_cast<std::uint32_t>(f.size())) ==
        "IP 192.0.2.1.40000 > 192.0.2.2.4789: VXLAN, flags [I] (0x08), vni 100\n [|vxlan]\n");
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane(line, 600));
  for (const auto& line : print_mutations(f, 42, 23, 300, v(2))) CHECK(sane(line, 4000));
}

TEST_CASE("VXLAN and Geneve: ports tcpdump gives to another printer first stay theirs", "[proto][vxlan]") {
  // Source port 53: DNS comes first in udp_print; destination 4789 then is not VXLAN.
  CHECK(!has(print(vxlan(inner_frame(), 100, 0x08, 53)), "VXLAN"));
  // 8472 is OTV in tcpdump, not Linux's old VXLAN port.
  CHECK(!has(print(vxlan(inner_frame(), 100, 0x08, 40000, 8472)), "VXLAN"));
  // Geneve takes either port in 4.99.3: a reply from 6081 too.
  Frame reply = ether(0x0800, ipv4(17, udp(6081, 40000, {0, 0, 0x65, 0x58, 0, 0, 10, 0}), "192.0.2.1", "192.0.2.2"));
  CHECK(print(reply) == "IP 192.0.2.1.6081 > 192.0.2.2.40000: Geneve, Flags [none], vni 0xa:  [|ether]\n");
}

TEST_CASE("Geneve: flags, VNI and options at -n, -v and -vv", "[proto][geneve]") {
  Frame f = geneve(0x6558, kOption, inner_frame(), 0x40);
  CHECK(print(f) ==
        "IP 192.0.2.1.40000 > 192.0.2.2.6081: Geneve, Flags [C], vni 0xa, options [8 bytes]: "
        "IP 203.0.113.1 > 203.0.113.2: ICMP echo request, id 4660, seq 1, length 8\n");
  CHECK(has(print(f, v(1)), "Geneve, Flags [C], vni 0xa, options [class Standard (0x0) type 0x80(C) len 8]\n"
                            "\tIP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto ICMP (1), length 28)\n"));
  CHECK(has(print(f, v(2)), "options [class Standard (0x0) type 0x80(C) len 8 data 0000000c]\n"));
  CHECK(has(print(f, e()), "Geneve, Flags [C], vni 0xa, proto TEB (0x6558), options [8 bytes]: 02:00:00:00:00:0a > "
                           "02:00:00:00:00:0b, ethertype IPv4 (0x0800), length 42: 203.0.113.1 > 203.0.113.2"));
  // IPv4 straight after the header, no options; a class from the vendor
  // range and one no registry names; an option longer than the block.
  Frame ip = geneve(0x0800, {}, ipv4(1, {8, 0, 0xf7, 0xff, 0, 0, 0, 0}, "203.0.113.1", "203.0.113.2"));
  CHECK(print(ip) == "IP 192.0.2.1.40000 > 192.0.2.2.6081: Geneve, Flags [none], vni 0xa: "
                     "IP 203.0.113.1 > 203.0.113.2: ICMP echo request, id 0, seq 0, length 8\n");
  Frame classes = geneve(0x1234, cat({{0x01, 0x01, 0x01, 0x00}, {0x01, 0x32, 0x02, 0x00}}), {1, 2, 3, 4}, 0x80);
  CHECK(has(print(classes, v(1)), "Geneve, Flags [O], vni 0xa, options [class Open vSwitch (0x101) type 0x1 len 4, "
                                  "class Unknown (0x132) type 0x2 len 4]\n\tgeneve-proto-0x1234\n"));
  Frame bad = geneve(0x0800, {0x00, 0x00, 0x01, 0x05}, {});
  CHECK(has(print(bad, v(1)), "options [class Standard (0x0) type 0x1 len 24 [bad length]]"));
}

TEST_CASE("Geneve: short and cut headers print as tcpdump prints them", "[proto][geneve][truncated]") {
  Frame f = geneve(0x6558, kOption, inner_frame(), 0x40);
  Frame cut(f.begin(), f.begin() + 14 + 20 + 8 + 12);  // inside the option
  CHECK(print(cut, {}, 1, static_cast<std::uint32_t>(f.size())) ==
        "IP 192.0.2.1.40000 > 192.0.2.2.6081: Geneve, Flags [C], vni 0xa [|geneve]\n");
  // A version other than 0 stops after the version.
  Frame v1 = geneve(0x6558, {}, inner_frame());
  v1[14 + 20 + 8] = 0x40;
  CHECK(print(v1) == "IP 192.0.2.1.40000 > 192.0.2.2.6081: Geneve ERROR: unknown-version 1\n");
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane(line, 600));
  for (const auto& line : print_mutations(f, 42, 29, 300, v(2))) CHECK(sane(line, 4000));
}

TEST_CASE("VXLAN and Geneve: JSON has the VNI with the inner frame nested after it", "[proto][vxlan][geneve][json]") {
  auto doc = testjson::parse(print(vxlan(inner_frame()), json()));
  const auto& layers = doc["layers"].array();
  REQUIRE(layers.size() == 7);
  CHECK(layers.at(3)["layer"].str() == "vxlan");
  CHECK(layers.at(3)["vni"].num() == 100);
  CHECK(layers.at(3)["vni_valid"].boolean());
  CHECK(layers.at(4)["layer"].str() == "ethernet");
  CHECK(layers.at(4)["src"].str() == "02:00:00:00:00:0a");
  CHECK(layers.at(5)["src"].str() == "203.0.113.1");
  auto g = testjson::parse(print(geneve(0x6558, kOption, inner_frame(), 0x40), json()));
  const auto& gl = g["layers"].array();
  CHECK(gl.at(3)["layer"].str() == "geneve");
  CHECK(gl.at(3)["vni"].num() == 10);
  CHECK(gl.at(3)["critical"].boolean());
  CHECK(gl.at(3)["protocol"].num() == 0x6558);
  REQUIRE(gl.at(3)["options"].array().size() == 1);
  CHECK(gl.at(3)["options"].array().at(0)["class_name"].str() == "Standard");
  CHECK(gl.at(3)["options"].array().at(0)["data"].str() == "0000000c");
  CHECK(gl.at(4)["layer"].str() == "ethernet");
}
