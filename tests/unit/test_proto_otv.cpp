// OTV (otv.cpp) on UDP 8472, Linux's default VXLAN port, and MACsec
// (macsec.cpp) after the Ethernet addresses: tcpdump 4.99.3's text for the
// header and the frame inside, the SecTAG under -e, an encrypted payload in
// hex, cut frames at every length and mutations (run under the asan preset
// for reads past the capture), and the typed JSON. Expected text is
// tcpdump 4.99.3's for the same bytes.

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// OTV's header line ends in a newline before the inner frame's own line
// (as VXLAN's): bounded, no NUL, ends in a newline, at most two unindented lines.
bool sane_tunnel(const std::string& s, std::size_t max) {
  if (s.empty() || s.back() != '\n' || s.size() > max || s.find('\0') != std::string::npos) return false;
  int unindented = 0;
  for (std::size_t k = 0; k + 1 < s.size(); ++k)
    if (s[k] == '\n' && s[k + 1] != '\t' && s[k + 1] != ' ') ++unindented;
  return unindented <= 1;
}

Frame arp_request() {
  return cat({be16(1), be16(0x0800), {6, 4}, be16(1), {2, 0, 0, 0, 0, 3}, ip4a("192.0.2.3"), {0, 0, 0, 0, 0, 0},
              ip4a("192.0.2.4")});
}

Frame otv(const Frame& header) {
  Frame inner = cat({{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, {2, 0, 0, 0, 0, 3}, be16(0x0806), arp_request()});
  Frame payload = cat({header, inner});
  Frame udp = cat({be16(45149), be16(8472), be16(static_cast<unsigned>(8 + payload.size())), be16(0), payload});
  return ether(0x0800, ipv4(17, udp));
}

Frame sectag(std::uint8_t tci, std::uint32_t pn) { return cat({{tci, 0}, be32(pn), {2, 0, 0, 0, 0, 1, 0, 1}}); }

Frame icv() { return Frame(16, 0xee); }

}  // namespace

TEST_CASE("OTV: header then the inner frame", "[proto][otv]") {
  Frame f = otv({8, 0, 0, 0, 0, 0, 100, 0});
  CHECK(has(print(f), "IP 192.0.2.1.45149 > 192.0.2.2.8472: OTV, flags [I] (0x08), overlay 0, instance 100\nARP, "
                      "Request who-has 192.0.2.4 tell 192.0.2.3, length 28\n"));
  CHECK(has(print(f, v(0, true)), "OTV, flags [I] (0x08), overlay 0, instance 100\n02:00:00:00:00:03 > "
                                  "ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has"));
  for (const auto& line : print_prefixes(f, v(1))) CHECK(sane_tunnel(line, 800));
  for (const auto& line : print_mutations(f, 42, 9, 300, v(1))) CHECK(sane_tunnel(line, 4000));
  auto doc = testjson::parse(print(f, json()));
  bool found = false;
  for (const auto& l : doc["layers"].array())
    if (l["layer"].str() == "otv") {
      found = true;
      CHECK(l["instance"].num() == 100);
      CHECK(l["overlay"].num() == 0);
    }
  CHECK(found);
}

TEST_CASE("OTV: short and cut headers", "[proto][otv][truncated]") {
  Frame payload = {8, 0, 0};
  Frame udp = cat({be16(45149), be16(8472), be16(static_cast<unsigned>(8 + payload.size())), be16(0), payload});
  CHECK(has(print(ether(0x0800, ipv4(17, udp))), "8472: OTV, [length 3 < 8] (invalid)\n"));
  Frame f = otv({8, 0, 0, 0, 0, 0, 100, 0});
  CHECK(has(print(Frame(f.begin(), f.begin() + 42 + 5)), "OTV, flags [I] (0x08), overlay 0,  [|otv]"));
}

TEST_CASE("MACsec: integrity only decodes the ethertype inside", "[proto][macsec]") {
  Frame f = ether(0x88e5, cat({sectag(0x20, 68), be16(0x0806), arp_request(), icv()}));
  CHECK(has(print(f), "ARP, Request who-has 192.0.2.4 tell 192.0.2.3, length 28\n"));
  CHECK(has(print(f, v(0, true)),
            "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1AE MACsec (0x88e5), length 74: an 0, pn 68, flags I, "
            "sci 0200000000010001, ethertype ARP (0x0806), Request who-has 192.0.2.4 tell 192.0.2.3, length 28\n"));
  for (const auto& line : print_prefixes(f, v(1, true))) CHECK(sane_line(line, 800));
  for (const auto& line : print_mutations(f, 12, 3, 300, v(1, true))) CHECK(sane_line(line, 4000));
}

TEST_CASE("MACsec: encrypted payload in hex and cut SecTAGs", "[proto][macsec][truncated]") {
  Frame body;
  for (int k = 0; k < 40; ++k) body.push_back(static_cast<std::uint8_t>(k));
  Frame f = ether(0x88e5, cat({sectag(0x2c, 72), body}));
  CHECK(has(print(f), "02:00:00:00:00:01 > 02:00:00:00:00:02 802.1AE MACsec, an 0, pn 72, flags ECI, sci "
                      "0200000000010001, \n\t0x0000:  0001 0203 0405 0607 0809 0a0b 0c0d 0e0f  ................"));
  CHECK(has(print(Frame(f.begin(), f.begin() + 18)), " [|macsec]"));
  CHECK(print(ether(0x88e5, cat({{0x80, 0}, be32(1), Frame(20, 0)})), v(0)).find(" (invalid)\n") != std::string::npos);
  auto doc = testjson::parse(print(f, json()));
  bool found = false;
  for (const auto& l : doc["layers"].array())
    if (l["layer"].str() == "macsec") {
      found = true;
      CHECK(l["pn"].num() == 72);
      CHECK(l["encrypted"].boolean());
      CHECK(l["sci"].str() == "0200000000010001");
    }
  CHECK(found);
}
