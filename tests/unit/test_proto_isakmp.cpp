// ISAKMP/IKE (isakmp.cpp): the header line of IKEv1 and IKEv2 on UDP 500,
// 7500/8500 and after UDP 4500's non-ESP marker, IKEv1's initiator/responder
// side from the cookie table kept across packets, the -v and -vv header
// fields, headers cut at every length and hostile payload chains (length 0,
// under 4, past the end; every print terminates). Expected text is tcpdump
// 4.99.3's for the same bytes.

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame udp(unsigned sport, unsigned dport, const Frame& payload) {
  return cat({be16(sport), be16(dport), be16(static_cast<unsigned>(8 + payload.size())), be16(0), payload});
}

// An ISAKMP header (RFC 2408 3.1) then `body`; the length field says
// header + body unless told.
Frame isakmp(std::uint8_t np, std::uint8_t vers, std::uint8_t etype, std::uint8_t flags, std::uint32_t msgid,
             const Frame& body, const Frame& rck = Frame(8, 0), std::int64_t len = -1) {
  Frame ick{1, 2, 3, 4, 5, 6, 7, 8};
  auto l = static_cast<std::uint32_t>(len < 0 ? 28 + body.size() : len);
  return cat({ick, rck, {np, vers, etype, flags}, be32(msgid), be32(l), body});
}

Frame ip4udp(const Frame& payload, const char* src = "192.0.2.1", const char* dst = "192.0.2.2",
             unsigned sport = 500, unsigned dport = 500) {
  return ether(0x0800, ipv4(17, udp(sport, dport, payload), src, dst));
}

// A generic payload header (np, critical, length) and its data.
Frame gen(std::uint8_t np, unsigned len, const Frame& data) { return cat({{np, 0}, be16(len), data}); }

}  // namespace

TEST_CASE("ISAKMP: IKEv1 initiator then responder from the cookie table", "[proto][isakmp]") {
  Frame i1 = ip4udp(isakmp(1, 0x10, 2, 0, 0, {}));
  Frame r1 = ip4udp(isakmp(1, 0x10, 2, 0, 0, {}, Frame(8, 9)), "192.0.2.2", "192.0.2.1");
  Frame q = ip4udp(isakmp(8, 0x10, 32, 1, 7, {}, Frame(8, 9)), "192.0.2.1", "192.0.2.2");
  Frame other = ip4udp(isakmp(8, 0x10, 5, 0, 7, {}, Frame(8, 9)), "198.51.100.7", "192.0.2.2");
  auto lines = print_all({i1, r1, q, other});
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "IP 192.0.2.1.500 > 192.0.2.2.500: isakmp: phase 1 I ident\n");
  CHECK(lines[1] == "IP 192.0.2.2.500 > 192.0.2.1.500: isakmp: phase 1 R ident\n");
  CHECK(lines[2] == "IP 192.0.2.1.500 > 192.0.2.2.500: isakmp: phase 2/others I oakley-quick[E]\n");
  CHECK(lines[3] == "IP 198.51.100.7.500 > 192.0.2.2.500: isakmp: phase 2/others ? inf\n");
  // Without the first packet the responder cookie is set and unknown: "?".
  CHECK(print(r1) == "IP 192.0.2.2.500 > 192.0.2.1.500: isakmp: phase 1 ? ident\n");
}

TEST_CASE("ISAKMP: IKEv2 parent and child SA lines and their flags", "[proto][isakmp]") {
  CHECK(print(ip4udp(isakmp(33, 0x20, 34, 0x08, 0, {}))) ==
        "IP 192.0.2.1.500 > 192.0.2.2.500: isakmp: parent_sa ikev2_init[I]\n");
  CHECK(print(ip4udp(isakmp(46, 0x20, 35, 0x20, 1, {}))) ==
        "IP 192.0.2.1.500 > 192.0.2.2.500: isakmp: child_sa  ikev2_auth[R]\n");
  CHECK(print(ip4udp(isakmp(46, 0x20, 99, 0x10, 1, {}))) ==
        "IP 192.0.2.1.500 > 192.0.2.2.500: isakmp: child_sa  #99[V]\n");
  // An unknown major version: the colon alone, as tcpdump.
  CHECK(print(ip4udp(isakmp(0, 0x30, 2, 0, 0, {}))) == "IP 192.0.2.1.500 > 192.0.2.2.500: isakmp:\n");
  // The user ports 7500 and 8500 too.
  CHECK(print(ip4udp(isakmp(33, 0x20, 34, 0x08, 0, {}), "192.0.2.1", "192.0.2.2", 40000, 8500)) ==
        "IP 192.0.2.1.40000 > 192.0.2.2.8500: isakmp: parent_sa ikev2_init[I]\n");
}

TEST_CASE("ISAKMP: UDP 4500 after the non-ESP marker is NONESP-encap", "[proto][isakmp][esp]") {
  Frame f = ip4udp(cat({be32(0), isakmp(5, 0x10, 2, 1, 0, Frame(8, 0))}), "192.0.2.1", "192.0.2.2", 4500, 4500);
  CHECK(print(f) == "IP 192.0.2.1.4500 > 192.0.2.2.4500: NONESP-encap: isakmp: phase 1 I ident[E]\n");
  Frame cut(f.begin(), f.begin() + 14 + 20 + 8 + 4 + 20);
  CHECK(print(cut, {}, 1, static_cast<std::uint32_t>(f.size())) ==
        "IP 192.0.2.1.4500 > 192.0.2.2.4500: NONESP-encap:  [|isakmp]\n");
}

TEST_CASE("ISAKMP: -v and -vv header fields and the length check", "[proto][isakmp]") {
  Frame f = ip4udp(isakmp(46, 0x20, 35, 0x08, 0x11223344, Frame(4, 0), Frame(8, 0xab), 40));
  std::string l1 = print(f, v(1));
  CHECK(l1.find("192.0.2.1.500 > 192.0.2.2.500: isakmp 2.0 msgid 11223344: child_sa  ikev2_auth[I]:") !=
        std::string::npos);
  CHECK(l1.find("(len mismatch: isakmp 40/ip 32)") != std::string::npos);
  std::string l2 = print(f, v(2));
  CHECK(l2.find("isakmp 2.0 msgid 11223344 cookie 0102030405060708->abababababababab: child_sa") != std::string::npos);
  Frame e = ip4udp(isakmp(8, 0x10, 32, 1, 7, Frame(4, 0)));
  CHECK(print(e, v(1)).find("isakmp 1.0 msgid 00000007: phase 2/others I oakley-quick[E]: [encrypted hash]\n") !=
        std::string::npos);
}

TEST_CASE("ISAKMP: a header cut anywhere is [|isakmp] and hostile chains terminate", "[proto][isakmp][truncated]") {
  Frame f = ip4udp(isakmp(1, 0x10, 2, 0, 0, {}));
  Frame cut(f.begin(), f.begin() + 14 + 20 + 8 + 27);
  CHECK(print(cut, {}, 1, static_cast<std::uint32_t>(f.size())) == "IP 192.0.2.1.500 > 192.0.2.2.500:  [|isakmp]\n");
  // Payload chains with a length of 0, under 4, past the end, and a loop
  // of next-payload values: every line ends, bounded.
  Frame body = cat({gen(13, 0, {}), gen(13, 3, {}), gen(10, 4000, Frame(8, 1)), gen(2, 4, {}), gen(1, 8, be32(1))});
  for (std::uint8_t vers : {0x10, 0x20})
    for (std::uint8_t np : {1, 2, 13, 33, 40, 41, 46, 255}) {
      Frame h = ip4udp(isakmp(np, vers, 2, 0, 0, body));
      for (int lv = 0; lv <= 3; ++lv) CHECK(sane_line(print(h, v(lv)), 4000));
      for (const auto& line : print_prefixes(h, v(3))) CHECK(sane_line(line, 4000));
      for (const auto& line : print_mutations(h, 42, np, 200, v(3))) CHECK(sane_line(line, 8000));
    }
}

TEST_CASE("ISAKMP: JSON has the header fields and the IKEv1 side", "[proto][isakmp][json]") {
  auto j = testjson::parse(print(ip4udp(isakmp(1, 0x10, 2, 0, 0, {})), json()));
  const auto& l = j["layers"].array().at(3);
  CHECK(l["layer"].str() == "isakmp");
  CHECK(l["initiator_cookie"].str() == "0102030405060708");
  CHECK(l["major_version"].num() == 1);
  CHECK(l["exchange_type"].num() == 2);
  CHECK(l["message_length"].num() == 28);
  CHECK(l["side"].str() == "I");
  auto t = testjson::parse(print(ip4udp(Frame(10, 1)), json()));
  CHECK(t["layers"].array().at(3)["truncated"].boolean());
}

TEST_CASE("ISAKMP: the IKEv1 payload list at -v ends at a zero-length payload", "[proto][isakmp]") {
  Frame attrs = cat({be16(0x8001), be16(7), be16(0x800e), be16(128), be16(0x000c), be16(4), be32(0x15180)});
  Frame t = gen(0, static_cast<unsigned>(8 + attrs.size()), cat({{1, 1, 0, 0}, attrs}));
  Frame p = gen(0, static_cast<unsigned>(8 + t.size()), cat({{1, 1, 0, 1}, t}));
  Frame sa = gen(13, static_cast<unsigned>(12 + p.size()), cat({be32(1), be32(1), p}));
  Frame body = cat({sa, gen(10, 8, {0xaa, 0xbb, 0xcc, 0xdd}), gen(13, 0, {})});
  std::string l = print(ip4udp(isakmp(1, 0x10, 2, 0, 0, body)), v(1));
  CHECK(l.find("    192.0.2.1.500 > 192.0.2.2.500: isakmp 1.0 msgid 00000000: phase 1 I ident:\n"
               "    (sa: doi=ipsec situation=identity\n"
               "        (p: #1 protoid=isakmp transform=1\n"
               "            (t: #1 id=ike (type=enc value=aes)(type=keylen value=0080)"
               "(type=lifeduration len=4 value=00015180))))\n"
               "    (vid: len=4)\n"
               "    ()\n") != std::string::npos);
}
