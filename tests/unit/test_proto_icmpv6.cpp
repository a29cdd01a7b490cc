// ICMPv6 (RFC 4443, 4861, 2710/3810): echo, errors quoting the
// offending packet, neighbor discovery (RS/RA/NS/NA/redirect) with its
// options, MLD, the checksum, truncation. Expected strings are tcpdump 4.99.3's text for the same bytes (see
// test_proto_support.cpp for how to re-check them against tcpdump).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

// An ICMPv6 message (checksum filled by the IPv6 builder).
Frame icmp6(std::uint8_t type, std::uint8_t code, const Frame& body, const char* src = "fe80::1",
            const char* dst = "fe80::2") {
  Frame ip = ipv6(58, cat({{type, code, 0, 0}, body}), src, dst);
  ip[7] = 255;  // hop limit 255, as ND requires (the checksum does not cover it)
  return ether(0x86dd, ip);
}

Frame lladdr_opt(std::uint8_t type, std::uint8_t last) { return {type, 1, 2, 0, 0, 0, 0, last}; }

Frame prefix_opt() {
  return cat({{3, 4, 64, 0xc0}, be32(2592000), be32(604800), be32(0), ip6a("2001:db8:1::")});
}

}  // namespace

TEST_CASE("ICMPv6 echo", "[proto][icmp6]") {
  Frame req = icmp6(128, 0, cat({be16(0x42), be16(3), Frame(4, 0x61)}), "2001:db8::1", "2001:db8::2");
  CHECK(print(req) == "IP6 2001:db8::1 > 2001:db8::2: ICMP6, echo request, id 66, seq 3, length 12\n");
  CHECK(print(req, v(1)) == "IP6 (hlim 255, next-header ICMPv6 (58) payload length: 12) 2001:db8::1 > 2001:db8::2: "
                            "[icmp6 sum ok] ICMP6, echo request, id 66, seq 3\n");
  Frame rep = icmp6(129, 0, cat({be16(0x42), be16(3)}), "2001:db8::2", "2001:db8::1");
  CHECK(print(rep) == "IP6 2001:db8::2 > 2001:db8::1: ICMP6, echo reply, id 66, seq 3, length 8\n");
  Frame bad = req;
  bad[14 + 40 + 2] ^= 0x11;
  CHECK(print(bad, v(1)).find("[bad icmp6 cksum 0x") != std::string::npos);
}

TEST_CASE("ICMPv6 errors", "[proto][icmp6]") {
  Frame inner = ipv6(17, cat({be16(40001), be16(33434), be16(8), be16(0)}), "2001:db8::2", "2001:db8::7");
  CHECK(print(icmp6(1, 4, cat({be32(0), inner}), "2001:db8::7", "2001:db8::2")) ==
        "IP6 2001:db8::7 > 2001:db8::2: ICMP6, destination unreachable, unreachable port, 2001:db8::7 udp port 33434, "
        "length 56\n");
  CHECK(print(icmp6(2, 0, cat({be32(1280), inner}), "2001:db8::fe", "2001:db8::2")) ==
        "IP6 2001:db8::fe > 2001:db8::2: ICMP6, packet too big, mtu 1280, length 56\n");
  CHECK(print(icmp6(3, 0, cat({be32(0), inner}), "2001:db8::fe", "2001:db8::2")) ==
        "IP6 2001:db8::fe > 2001:db8::2: ICMP6, time exceeded in-transit for 2001:db8::7, length 56\n");
  CHECK(print(icmp6(4, 0, cat({be32(6), inner}), "2001:db8::fe", "2001:db8::2")) ==
        "IP6 2001:db8::fe > 2001:db8::2: ICMP6, parameter problem, erroneous - octet 6, length 56\n");
}

TEST_CASE("neighbor discovery with options", "[proto][icmp6][nd]") {
  Frame rs = icmp6(133, 0, cat({be32(0), lladdr_opt(1, 1)}), "fe80::1", "ff02::2");
  CHECK(print(rs) == "IP6 fe80::1 > ff02::2: ICMP6, router solicitation, length 16\n");
  CHECK(print(rs, v(1)) == "IP6 (hlim 255, next-header ICMPv6 (58) payload length: 16) fe80::1 > ff02::2: "
                           "[icmp6 sum ok] ICMP6, router solicitation, length 16\n"
                           "\t  source link-address option (1), length 8 (1): 02:00:00:00:00:01\n");
  Frame ra = icmp6(134, 0, cat({{64, 0xc0}, be16(1800), be32(0), be32(0), lladdr_opt(1, 9), prefix_opt(),
                                {5, 1, 0, 0}, be32(1500)}),
                   "fe80::9", "ff02::1");
  CHECK(print(ra) == "IP6 fe80::9 > ff02::1: ICMP6, router advertisement, length 64\n");
  CHECK(print(ra, v(1)) ==
        "IP6 (hlim 255, next-header ICMPv6 (58) payload length: 64) fe80::9 > ff02::1: [icmp6 sum ok] ICMP6, "
        "router advertisement, length 64\n"
        "\thop limit 64, Flags [managed, other stateful], pref medium, router lifetime 1800s, reachable time 0ms, "
        "retrans timer 0ms\n"
        "\t  source link-address option (1), length 8 (1): 02:00:00:00:00:09\n"
        "\t  prefix info option (3), length 32 (4): 2001:db8:1::/64, Flags [onlink, auto], valid time 2592000s, "
        "pref. time 604800s\n"
        "\t  mtu option (5), length 8 (1):  1500\n");
  Frame ns = icmp6(135, 0, cat({be32(0), ip6a("fe80::2"), lladdr_opt(1, 1)}), "fe80::1", "ff02::1:ff00:2");
  CHECK(print(ns) == "IP6 fe80::1 > ff02::1:ff00:2: ICMP6, neighbor solicitation, who has fe80::2, length 32\n");
  Frame na = icmp6(136, 0, cat({{0x60, 0, 0, 0}, ip6a("fe80::2"), lladdr_opt(2, 2)}), "fe80::2", "fe80::1");
  CHECK(print(na) == "IP6 fe80::2 > fe80::1: ICMP6, neighbor advertisement, tgt is fe80::2, length 32\n");
  CHECK(print(na, v(1)).find("Flags [solicited, override]") != std::string::npos);
  CHECK(print(na, v(1)).find("destination link-address option (2), length 8 (1): 02:00:00:00:00:02") !=
        std::string::npos);
  Frame redir = icmp6(137, 0, cat({be32(0), ip6a("fe80::9"), ip6a("2001:db8::5")}), "fe80::1", "fe80::2");
  CHECK(print(redir) == "IP6 fe80::1 > fe80::2: ICMP6, redirect, 2001:db8::5 to fe80::9, length 40\n");
}

TEST_CASE("malformed ND options", "[proto][icmp6][nd][invalid]") {
  // An option of length 0 ends the list.
  Frame zero = icmp6(133, 0, cat({be32(0), {1, 0, 2, 0, 0, 0, 0, 1}}), "fe80::1", "ff02::2");
  CHECK(print(zero, v(1)).find(" [|icmp6]") != std::string::npos);
  // An option longer than the message.
  Frame longer = icmp6(133, 0, cat({be32(0), {1, 4, 2, 0, 0, 0, 0, 1}}), "fe80::1", "ff02::2");
  CHECK(print(longer, v(1)).find(" [|icmp6]") != std::string::npos);
}

TEST_CASE("MLD", "[proto][icmp6][mld]") {
  Frame query = icmp6(130, 0, cat({be16(10000), be16(0), ip6a("::")}), "fe80::1", "ff02::1");
  CHECK(print(query) == "IP6 fe80::1 > ff02::1: ICMP6, multicast listener querymax resp delay: 10000 addr: ::, length 24\n");
  Frame report = icmp6(131, 0, cat({be16(0), be16(0), ip6a("ff02::fb")}), "fe80::1", "ff02::fb");
  CHECK(print(report) == "IP6 fe80::1 > ff02::fb: ICMP6, multicast listener reportmax resp delay: 0 addr: ff02::fb, length 24\n");
  CHECK(print(report, v(1)).find("multicast listener reportmax resp delay: 0 addr: ff02::fb") != std::string::npos);
  Frame v2 = icmp6(143, 0, cat({be16(0), be16(1), {4, 0}, be16(0), ip6a("ff02::fb")}), "fe80::1", "ff02::16");
  CHECK(print(v2) == "IP6 fe80::1 > ff02::16: ICMP6, multicast listener report v2, 1 group record(s), length 28\n");
  CHECK(print(v2, v(1)).find("1 group record(s) [gaddr ff02::fb to_ex, 0 source(s)]") != std::string::npos);
}

TEST_CASE("ICMPv6 truncated at every byte offset", "[proto][icmp6][truncation]") {
  Frame ra = icmp6(134, 0, cat({{64, 0xc0}, be16(1800), be32(0), be32(0), lladdr_opt(1, 9), prefix_opt()}),
                   "fe80::9", "ff02::1");
  for (int verbose : {0, 1}) {
    auto lines = print_prefixes(ra, v(verbose));
    for (std::size_t n = 1; n < lines.size(); ++n) {
      INFO(n << " bytes: " << lines[n]);
      CHECK(sane_line(lines[n], 800));
    }
    CHECK(lines[14 + 40].find(" [|icmp6]") != std::string::npos);
    CHECK(lines[14 + 41].find(" [|icmp6]") != std::string::npos);
  }
}

TEST_CASE("hostile ICMPv6: random types, option lengths and records", "[proto][icmp6][robustness]") {
  Frame ra = icmp6(134, 0, cat({{64, 0xc0}, be16(1800), be32(0), be32(0), lladdr_opt(1, 9), prefix_opt(),
                                {5, 1, 0, 0}, be32(1500)}),
                   "fe80::9", "ff02::1");
  Frame mld = icmp6(143, 0, cat({be16(0), be16(2), {4, 0}, be16(1), ip6a("ff02::fb"), ip6a("2001:db8::1"), {2, 0},
                                 be16(0), ip6a("ff02::fc")}),
                    "fe80::1", "ff02::16");
  for (int verbose : {0, 1}) {
    for (const auto& l : print_mutations(ra, 14 + 40, 61, 300, v(verbose))) CHECK(sane_line(l, 3000));
    for (const auto& l : print_mutations(mld, 14 + 40, 62, 300, v(verbose))) CHECK(sane_line(l, 3000));
  }
}

TEST_CASE("JSON: neighbour-discovery options as objects, and valid JSON when cut short", "[proto][icmpv6][json]") {
  netlab::PrintOptions o;
  o.json = true;
  // NS for fe80::2 with a source link-address option, then a prefix option.
  Frame ns = icmp6(135, 0, cat({be32(0), ip6a("fe80::2"), lladdr_opt(1, 0x01), prefix_opt()}));
  std::string full = print(ns, o);
  INFO(full);
  auto doc = testjson::parse(full);
  const auto& icmp = doc["layers"].array().back();
  const auto& opts = icmp["options"].array();
  REQUIRE(opts.size() == 2);
  CHECK(opts[0]["name"].str() == "source link-address");
  CHECK(opts[0]["lladdr"].str() == "02:00:00:00:00:01");
  CHECK(opts[1]["name"].str() == "prefix info");
  // Every cut inside the options still gives one valid JSON document.
  for (std::size_t cut = 1; cut < 8 + 32; ++cut) {
    Frame f = ns;
    f.resize(f.size() - cut);
    std::string line = print(f, o, 1, static_cast<std::uint32_t>(ns.size()));
    INFO("cut " << cut << ": " << line);
    CHECK_NOTHROW(testjson::parse(line));
  }
}
