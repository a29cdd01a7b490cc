// GRE (gre.cpp): version 0 with checksum, key, sequence number and source
// routes, PPTP's version 1, an unknown version, the payloads tcpdump 4.99.3
// carries on into (IPv4, IPv6, bridged Ethernet) and the ones it prints as
// "gre-proto-0x..", headers cut at every length (never a read past the
// capture: run under the asan preset) and the typed JSON form. Expected text
// is tcpdump 4.99.3's for the same bytes (re-checked with
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

Frame gre4(const Frame& gre) { return ether(0x0800, ipv4(47, gre, "192.0.2.1", "198.51.100.1")); }

// An ERSPAN type II body: tcpdump 4.99.3 has no printer for it.
const Frame kErspan = {0x10, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00};

// A UDP datagram in IPv4, the tunnel's payload.
Frame inner_udp() {
  return ipv4(17, cat({be16(5000), be16(6000), be16(12), be16(0), {1, 2, 3, 4}}), "203.0.113.1", "203.0.113.2");
}

}  // namespace

TEST_CASE("GRE: version 0 headers at -n, -v and -e", "[proto][gre]") {
  Frame plain = gre4(cat({be16(0x0000), be16(0x88be), kErspan}));
  CHECK(print(plain) == "IP 192.0.2.1 > 198.51.100.1: GREv0, length 12: gre-proto-0x88be\n");
  CHECK(print(plain, v(1)) ==
        "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto GRE (47), length 32)\n"
        "    192.0.2.1 > 198.51.100.1: GREv0, Flags [none], length 12\n"
        "\tgre-proto-0x88be\n");
  CHECK(print(plain, e()).find(": GREv0, proto unknown (0x88be), length 12: gre-proto-0x88be\n") != std::string::npos);

  // Key and sequence number (RFC 2890), a keepalive (protocol 0).
  Frame ks = gre4(cat({be16(0x3000), be16(0x0000), be32(0x28), be32(106954)}));
  CHECK(print(ks) == "IP 192.0.2.1 > 198.51.100.1: GREv0, key=0x28, seq 106954, length 12: gre-proto-0x0\n");
  CHECK(print(ks, v(1)).find("GREv0, Flags [key present, sequence# present], key=0x28, seq 106954, length 12\n"
                             "\tgre-proto-0x0\n") != std::string::npos);

  // The checksum prints at -v only, the offset always.
  Frame cs = gre4(cat({be16(0x8000), be16(0x2001), be16(0xbeef), be16(0), {0, 0, 0, 0}}));
  CHECK(print(cs) == "IP 192.0.2.1 > 198.51.100.1: GREv0, off 0x0, length 12: gre-proto-0x2001\n");
  CHECK(print(cs, v(1)).find("GREv0, Flags [checksum present], sum 0xbeef, off 0x0, length 12\n") !=
        std::string::npos);
}

TEST_CASE("GRE: source routes print their addresses, the current one starred", "[proto][gre]") {
  Frame sre = cat({be16(0x0800), {4, 8}, ip4a("192.0.2.7"), ip4a("192.0.2.8")});
  Frame asn = cat({be16(0xfffe), {0, 4}, be16(0xfd01), be16(0xfd02)});
  Frame g = gre4(cat({be16(0x4000), be16(0x8909), be16(0), be16(0), sre, asn, {0, 0, 0, 0}}));
  CHECK(print(g) ==
        "IP 192.0.2.1 > 198.51.100.1: GREv0, off 0x0, (rtaf=ip 192.0.2.7 *192.0.2.8), (rtaf=asn *fd01 fd02), "
        "length 32: gre-proto-0x8909\n");
  // An entry whose length would run past the capture ends the packet.
  Frame cut = gre4(cat({be16(0x4000), be16(0x8909), be16(0), be16(0), be16(0x3030), {0, 0x30}}));
  CHECK(print(cut) == "IP 192.0.2.1 > 198.51.100.1: GREv0, off 0x0, (rtaf=0x3030) [|gre]\n");
}

TEST_CASE("GRE: version 1 (PPTP) and an unknown version", "[proto][gre]") {
  // PPP (0x880b) is what PPTP carries; tcpdump decodes it and netlab does
  // not yet, so the payload here is a type neither decodes.
  Frame pptp = gre4(cat({be16(0x3081), be16(0x88b5), be16(4), be16(7), be32(3), be32(2), {0xff, 0x03, 0xc0, 0x21}}));
  CHECK(print(pptp, v(1)).find("GREv1, Flags [key present, sequence# present, ack present], call 7, seq 3, ack 2, "
                               "length 20\n\tgre-proto-0x88b5\n") != std::string::npos);
  Frame ack = gre4(cat({be16(0x2081), be16(0x880b), be16(0), be16(7), be32(2)}));
  CHECK(print(ack) == "IP 192.0.2.1 > 198.51.100.1: GREv1, call 7, ack 2, no-payload, length 12\n");
  Frame v2 = gre4(cat({be16(0x0002), be16(0x0800)}));
  CHECK(print(v2) == "IP 192.0.2.1 > 198.51.100.1: GREv2 ERROR: unknown-version\n");
}

TEST_CASE("GRE: IPv4, IPv6 and Ethernet payloads go on to their printers", "[proto][gre]") {
  Frame in4 = gre4(cat({be16(0), be16(0x0800), inner_udp()}));
  CHECK(print(in4) ==
        "IP 192.0.2.1 > 198.51.100.1: GREv0, length 36: IP 203.0.113.1.5000 > 203.0.113.2.6000: UDP, length 4\n");
  CHECK(print(in4, v(1)).find("GREv0, Flags [none], length 36\n"
                              "\tIP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 32)\n"
                              "    203.0.113.1.5000 > 203.0.113.2.6000: UDP, length 4\n") != std::string::npos);
  Frame in6 = ether(0x86dd, ipv6(47, cat({be16(0), be16(0x86dd), ipv6(59, {})})));
  CHECK(print(in6) == "IP6 2001:db8::1 > 2001:db8::2: GREv0, length 44: IP6 2001:db8::1 > 2001:db8::2: no next header\n");
  Frame teb = gre4(cat({be16(0), be16(0x6558), ether(0x0800, inner_udp())}));
  CHECK(print(teb) ==
        "IP 192.0.2.1 > 198.51.100.1: GREv0, length 50: IP 203.0.113.1.5000 > 203.0.113.2.6000: UDP, length 4\n");
}

TEST_CASE("GRE: a header cut anywhere ends in [|gre], never past the capture", "[proto][gre][truncated]") {
  Frame full = gre4(cat({be16(0xb000), be16(0x0800), be16(0), be16(0), be32(0x28), be32(9), inner_udp()}));
  Frame cut(full.begin(), full.begin() + 14 + 20 + 6);  // inside the checksum/offset word
  CHECK(print(cut, {}, 1, static_cast<std::uint32_t>(full.size())) ==
        "IP 192.0.2.1 > 198.51.100.1: GREv0 [|gre]\n");
  Frame cut2(full.begin(), full.begin() + 14 + 20 + 10);  // inside the key
  CHECK(print(cut2, {}, 1, static_cast<std::uint32_t>(full.size())) ==
        "IP 192.0.2.1 > 198.51.100.1: GREv0, off 0x0 [|gre]\n");
  for (const auto& line : print_prefixes(full, v(2))) CHECK(sane_line(line, 600));
  for (const auto& line : print_mutations(full, 34, 17, 300, v(2))) CHECK(sane_line(line, 4000));
}

TEST_CASE("GRE: JSON has the header's fields and the payload as the next layer", "[proto][gre][json]") {
  auto doc = testjson::parse(print(gre4(cat({be16(0x3000), be16(0x0800), be32(0x28), be32(9), inner_udp()})), json()));
  const auto& layers = doc["layers"].array();
  REQUIRE(layers.size() >= 5);
  const auto& g = layers.at(2);
  CHECK(g["layer"].str() == "gre");
  CHECK(g["version"].num() == 0);
  CHECK(g["protocol"].num() == 0x0800);
  CHECK(g["key"].num() == 0x28);
  CHECK(g["seq"].num() == 9);
  CHECK(g["length"].num() == 44);
  CHECK(layers.at(3)["layer"].str() == "ipv4");
  CHECK(layers.at(3)["src"].str() == "203.0.113.1");
  Frame full = gre4(cat({be16(0x3000), be16(0x0800), be32(0x28), be32(9)}));
  std::uint32_t wire = static_cast<std::uint32_t>(full.size());
  full.resize(full.size() - 2);
  auto c = testjson::parse(print(full, json(), 1, wire));
  CHECK(c["layers"].array().at(2)["key"].num() == 0x28);
  CHECK(c["layers"].array().at(2)["truncated"].boolean());
  CHECK(c["truncated"].str() == "gre");
}
