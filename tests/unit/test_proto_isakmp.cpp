// ISAKMP/IKE (isakmp.cpp): the header line of IKEv1 and IKEv2 on UDP 500,
// 7500/8500 and after UDP 4500's non-ESP marker, IKEv1's initiator/responder
// side from the cookie table kept across packets, the -v and -vv header
// fields, headers cut at every length and hostile payload chains (length 0,
// under 4, past the end; every print terminates); the payloads at -v, -vv
// and -vvv: IKEv2's SA/proposal/transform, KE, nonce, notify, vendor ID,
// ID, auth, TS, cert, delete and encrypted payloads, IKEv1's ID, cert, cr,
// notify and delete; their cuts and hostile lengths, and their JSON.
// Expected text is tcpdump 4.99.3's for the same bytes.

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
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

// Bytes from hex digits (spaces between groups ignored).
Frame hx(std::string_view text) {
  Frame f;
  int hi = -1;
  for (char c : text) {
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) continue;
    if (hi < 0) hi = v;
    else f.push_back(static_cast<std::uint8_t>(hi << 4 | v)), hi = -1;
  }
  return f;
}

// An IKE_SA_INIT: SA (one proposal: aes/128, hmac-sha, modp2048), KE,
// nonce, NAT detection notify, vendor ID "netlab".
const Frame kV2Init = hx(
    "22000028 00000024 01010003 0300000c0100000c800e0080 0300000802000002 000000080400000e"
    "28000010 000e0000 1122334455667788"
    "29000014 000102030405060708090a0b0c0d0e0f"
    "2b00000c 00004004 deadbeef"
    "0000000a 6e65746c6162");
// An IKEv1 phase 1 list: ID (IPv4), cert, cr, INITIAL-CONTACT notify, delete
// of two 16-byte SPIs.
const Frame kV1 = hx(
    "0600000c 011101f4 c0000209"
    "07000009 04 aabbccdd"
    "0b000005 04"
    "0c00001c 00000001 0110 6002 00112233445566778899aabbccddeeff"
    "0000002c 00000001 0110 0002 11111111111111111111111111111111 22222222222222222222222222222222");
// An IKE_AUTH sent in clear: IDi (FQDN), auth (shared secret), TSi, cert,
// delete, and an encrypted payload last.
const Frame kV2Auth = hx(
    "27000013 02000000 76706e2e6578616d706c65"
    "2c000010 02000000 0102030405060708"
    "25000018 01000000 07000010 0000ffff c0000200 c00002ff"
    "2a000008 04aabbcc"
    "2e000008 01000000"
    "2100000c 0102030405060708");

// The ISAKMP part of a printed line: from "isakmp" on.
std::string tail(const std::string& line) {
  auto k = line.find("isakmp");
  return k == std::string::npos ? line : line.substr(k);
}

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

TEST_CASE("ISAKMP: IKEv2 SA proposal transforms KE nonce notify and vendor ID", "[proto][isakmp]") {
  Frame f = ip4udp(isakmp(33, 0x20, 34, 0x08, 0, kV2Init));
  const std::string sa =
      "    (sa: len=36\n"
      "        (p: #1 protoid=isakmp transform=3 len=36\n"
      "            (t: #1 type=encr id=aes (type=keylen value=0080))\n"
      "            (t: #2 type=prf id=hmac-sha )\n"
      "            (t: #3 type=dh id=modp2048 )))\n";
  CHECK(tail(print(f, v(1))) ==
        "isakmp 2.0 msgid 00000000: parent_sa ikev2_init[I]:\n" + sa +
            "    (v2ke: len=8 group=modp2048)\n"
            "    (nonce: len=16 data=(00010203040506070809...000c00004004deadbeef0000000a6e65746c6162))\n"
            "    (n: prot_id=#0 type=16388(nat_detection_source_ip))\n"
            "    (v2vid: len=6 vid=netlab)\n");
  CHECK(tail(print(f, v(2))) ==
        "isakmp 2.0 msgid 00000000 cookie 0102030405060708->0000000000000000: parent_sa ikev2_init[I]:\n" + sa +
            "    (v2ke: len=8 group=modp2048)\n"
            "    (nonce: len=16 nonce=(000102030405060708090a0b0c0d0e0f) )\n"
            "    (n: prot_id=#0 type=16388(nat_detection_source_ip))\n"
            "    (v2vid: len=6 vid=netlab)\n");
  std::string l3 = tail(print(f, v(3)));
  CHECK(l3.find("    (v2ke: len=8 group=modp2048 1122334455667788)\n") != std::string::npos);
  CHECK(l3.find("    (v2vid: len=6 vid=netlab 6e65746c6162)\n") != std::string::npos);
}

TEST_CASE("ISAKMP: IKEv2 ID auth TS cert delete and the encrypted payload", "[proto][isakmp]") {
  Frame f = ip4udp(isakmp(35, 0x20, 35, 0x08, 1, kV2Auth));
  CHECK(tail(print(f, v(1))) ==
        "isakmp 2.0 msgid 00000001: child_sa  ikev2_auth[I]:\n"
        "    (v2IDi: len=15 fqdn:vpn.example)\n"
        "    (v2auth: len=12 method=shared-secret data=(01020304050607082500...2e000008010000002100000c0102030405060708))\n"
        "    (v2TSi: len=20)\n"
        "    (v2cert: len=4)\n"
        "    (v2d: len=4)\n"
        "    (v2e: len=8)\n");
  std::string l2 = tail(print(f, v(2)));
  CHECK(l2.find("    (v2auth: len=12 method=shared-secret authdata=(0102030405060708) )\n") != std::string::npos);
  CHECK(tail(print(f, v(3))).find("    (v2IDi: len=15 0200000076706e2e6578616d706c65 fqdn:vpn.example)\n"
                                  "    (v2auth: len=12 method=shared-secret authdata=(0102030405060708) )\n"
                                  "    (v2TSi: len=20 01000000070000100000ffffc0000200c00002ff)\n"
                                  "    (v2cert: len=4 04aabbcc)\n"
                                  "    (v2d: len=4 01000000)\n"
                                  "    (v2e: len=8 0102030405060708)\n") != std::string::npos);
}

TEST_CASE("ISAKMP: IKEv1 ID cert cr notify and delete payloads", "[proto][isakmp]") {
  Frame f = ip4udp(isakmp(5, 0x10, 2, 0, 0, kV1));
  const std::string list =
      "    (id: idtype=IPv4 protoid=17 port=500 len=4 192.0.2.9)\n"
      "    (cert: len=5 type=x509sign)\n"
      "    (cr: len=1 type=x509sign)\n"
      "    (n: doi=ipsec proto=isakmp type=INITIAL-CONTACT spi=00112233445566778899aabbccddeeff "
      "data=(0000002c000000010110...1111111122222222222222222222222222222222))\n"
      "    (d: doi=ipsec proto=isakmp spilen=16 nspi=2 "
      "spi=11111111111111111111111111111111,22222222222222222222222222222222)\n";
  CHECK(tail(print(f, v(1))) == "isakmp 1.0 msgid 00000000: phase 1 I ident:\n" + list);
  std::string l3 = tail(print(f, v(3)));
  CHECK(l3.find("    (cert: len=5 type=x509sign 04aabbccdd)\n    (cr: len=1 type=x509sign 04)\n") != std::string::npos);
}

TEST_CASE("ISAKMP: payload cuts and hostile lengths print as tcpdump", "[proto][isakmp][truncated]") {
  // 65535 SPIs of 0 bytes: 65534 commas, and the line ends.
  std::string d = tail(print(ip4udp(isakmp(12, 0x10, 5, 0, 0, hx("0000000c 00000001 0100 ffff"))), v(1)));
  CHECK(d.rfind("isakmp 1.0 msgid 00000000: phase 1 I inf:\n    (d: doi=ipsec proto=isakmp spilen=0 nspi=65535 spi=", 0) == 0);
  CHECK(std::count(d.begin(), d.end(), ',') == 65534);
  CHECK(d.substr(d.size() - 3) == ",)\n");
  // A proposal longer than its SA: the rest of the SA is skipped.
  CHECK(tail(print(ip4udp(isakmp(33, 0x20, 34, 0x08, 0, hx("0000000c 00000010 01010000 00000000"))), v(1))) ==
        "isakmp 2.0 msgid 00000000: parent_sa ikev2_init[I]:\n    (sa: len=8 [|v2sa])\n");
  // A transform of length 0 ends the list inside the proposal.
  CHECK(tail(print(ip4udp(isakmp(33, 0x20, 34, 0x08, 0,
                                 hx("00000018 00000014 01010001 00000000 00000000 01000003"))),
                   v(1))) ==
        "isakmp 2.0 msgid 00000000: parent_sa ikev2_init[I]:\n    (sa: len=20\n"
        "        (p: #1 protoid=isakmp transform=1 len=20 [|p])\n");
  // An SPI of 200 bytes in a 12-byte notify.
  CHECK(tail(print(ip4udp(isakmp(41, 0x20, 37, 0x20, 2, hx("0000000c 01c80004 aabbccdd"))), v(1))) ==
        "isakmp 2.0 msgid 00000002: child_sa  inf2[R]:\n    (n: prot_id=isakmp type=4(invalid_ike_spi) spi= [|n])\n");
  // An IKEv2 ID shorter than its own header.
  CHECK(tail(print(ip4udp(isakmp(35, 0x20, 35, 0x08, 1, hx("00000005 01"))), v(1))) ==
        "isakmp 2.0 msgid 00000001: child_sa  ikev2_auth[I]:\n    ( [|v2IDi])\n");
  // REPLAY-STATUS without its 4 bytes: a field read past the capture ends
  // the line (no length check after it).
  CHECK(tail(print(ip4udp(isakmp(11, 0x10, 5, 0, 0, hx("0000000e 00000001 0300 6001 0000"))), v(1))) ==
        "isakmp 1.0 msgid 00000000: phase 1 I inf:\n"
        "    (n: doi=ipsec proto=ipsec-esp type=REPLAY-STATUS status=( [|isakmp]\n");
}

TEST_CASE("ISAKMP: every prefix and seeded mutations of the payload lists stay bounded", "[proto][isakmp][truncated]") {
  const std::pair<std::uint8_t, const Frame*> lists[] = {{33, &kV2Init}, {5, &kV1}, {35, &kV2Auth}};
  for (const auto& [np, body] : lists) {
    std::uint8_t vers = np == 5 ? 0x10 : 0x20;
    Frame f = ip4udp(isakmp(np, vers, 34, 0x08, 0, *body));
    for (int lv = 1; lv <= 4; ++lv) {
      auto prefixes = print_prefixes(f, v(lv));
      CHECK(prefixes.size() == f.size() + 1);
      for (const auto& line : prefixes) CHECK(sane_line(line, 4000));
    }
    // Mutations after the Ethernet, IP and UDP headers (and the cookies).
    for (unsigned seed : {1u, 7u, 99u})
      for (const auto& line : print_mutations(f, 14 + 20 + 8 + 16, seed, 300, v(3))) CHECK(sane_line(line, 8000));
    for (const auto& line : print_mutations(f, 14 + 20 + 8 + 16, 5, 200, json()))
      CHECK_NOTHROW(testjson::parse(line));
  }
}

TEST_CASE("ISAKMP: JSON has the payloads as typed objects", "[proto][isakmp][json]") {
  auto j = testjson::parse(print(ip4udp(isakmp(33, 0x20, 34, 0x08, 0, kV2Init)), json()));
  const auto& pl = j["layers"].array().at(3)["payloads"].array();
  REQUIRE(pl.size() == 5);
  CHECK(pl[0]["type_name"].str() == "v2sa");
  const auto& tr = pl[0]["proposals"].array().at(0)["transforms"].array();
  REQUIRE(tr.size() == 3);
  CHECK(tr[0]["type_name"].str() == "encr");
  CHECK(tr[0]["id_name"].str() == "aes");
  CHECK(tr[0]["attributes"].array().at(0)["value"].num() == 128);
  CHECK(tr[2]["id_name"].str() == "modp2048");
  CHECK(pl[1]["group"].num() == 14);
  CHECK(pl[2]["data_length"].num() == 16);
  CHECK(pl[3]["notify_name"].str() == "nat_detection_source_ip");
  CHECK(pl[3]["data"].str() == "deadbeef");
  CHECK(pl[4]["data"].str() == "6e65746c6162");

  auto a = testjson::parse(print(ip4udp(isakmp(35, 0x20, 35, 0x08, 1, kV2Auth)), json()));
  const auto& ap = a["layers"].array().at(3)["payloads"].array();
  REQUIRE(ap.size() == 6);
  CHECK(ap[0]["name"].str() == "vpn.example");
  CHECK(ap[1]["method_name"].str() == "shared-secret");
  const auto& ts = ap[2]["selectors"].array().at(0);
  CHECK(ts["start_address"].str() == "192.0.2.0");
  CHECK(ts["end_address"].str() == "192.0.2.255");
  CHECK(ts["end_port"].num() == 65535);
  CHECK(ap[5]["type_name"].str() == "v2e");
  CHECK(ap[5]["data_length"].num() == 8);

  auto o = testjson::parse(print(ip4udp(isakmp(5, 0x10, 2, 0, 0, kV1)), json()));
  const auto& op = o["layers"].array().at(3)["payloads"].array();
  REQUIRE(op.size() == 5);
  CHECK(op[0]["address"].str() == "192.0.2.9");
  CHECK(op[0]["port"].num() == 500);
  CHECK(op[1]["encoding_name"].str() == "x509sign");
  CHECK(op[3]["notify_type"].num() == 24578);
  CHECK(op[4]["spis"].array().size() == 2);
  CHECK(op[4]["spis"].array().at(1).str() == "22222222222222222222222222222222");

  // A payload past the capture is flagged, and the list ends there.
  Frame f = ip4udp(isakmp(33, 0x20, 34, 0x08, 0, kV2Init));
  Frame cut(f.begin(), f.begin() + 14 + 20 + 8 + 28 + 20);
  auto c = testjson::parse(print(cut, json(), 1, static_cast<std::uint32_t>(f.size())));
  const auto& cp = c["layers"].array().at(3)["payloads"].array();
  REQUIRE(cp.size() == 1);
  CHECK(cp[0]["truncated"].boolean());
  // Encrypted (the E flag): no payload list.
  auto e = testjson::parse(print(ip4udp(isakmp(8, 0x10, 32, 1, 7, Frame(4, 0))), json()));
  CHECK_FALSE(e["layers"].array().at(3).has("payloads"));
}
