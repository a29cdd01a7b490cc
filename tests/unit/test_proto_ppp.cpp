// PPP (ppp.cpp): link type 9 with LCP, IPCP, CCP options, PAP, CHAP, LCP
// echo, Multilink and an unknown protocol at -n, -v and -e; link type 50
// (HDLC framing, and its octet unescaping); PPPoE session and discovery in
// Ethernet; hostile lengths, every truncation prefix and seeded mutations
// (never a read past the capture: run under the asan preset); the typed JSON
// form. Expected text is tcpdump 4.99.3's for the same bytes.

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

constexpr int kDltPpp = 9, kDltPppSerial = 50;

Frame text(const char* s) { return Frame(s, s + std::char_traits<char>::length(s)); }

Frame ppp(unsigned proto, const Frame& body) { return cat({{0xff, 0x03}, be16(proto), body}); }

Frame lcp_request() {
  return ppp(0xc021, {0x01, 0x01, 0x00, 0x1d, 0x01, 0x04, 0x05, 0xdc, 0x02, 0x06, 0, 0, 0, 0, 0x03, 0x05, 0xc2, 0x23,
                      0x05, 0x05, 0x06, 0x11, 0x22, 0x33, 0x44, 0x07, 0x02, 0x08, 0x02});
}

Frame eth(const Frame& mac_payload, unsigned type) {
  return cat({{0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01}, be16(type), mac_payload});
}

}  // namespace

TEST_CASE("PPP: control protocols at -n and -v", "[proto][ppp]") {
  CHECK(print(lcp_request(), {}, kDltPpp) == "LCP, Conf-Request (0x01), id 1, length 31\n");
  CHECK(has(print(lcp_request(), v(1), kDltPpp),
            "LCP, Conf-Request (0x01), id 1, length 31\n\tencoded length 29 (=Option(s) length 25)\n"
            "\t  MRU Option (0x01), length 4: 1500\n\t  ACCM Option (0x02), length 6: 0x00000000\n"
            "\t  Auth-Prot Option (0x03), length 5: CHAP, MD5\n"
            "\t  Magic-Num Option (0x05), length 6: 0x11223344\n\t  PFC Option (0x07), length 2\n"
            "\t  ACFC Option (0x08), length 2\n"));
  Frame ipcp = ppp(0x8021, {0x03, 0x02, 0x00, 0x10, 0x03, 0x06, 192, 0, 2, 1, 0x81, 0x06, 198, 51, 100, 53});
  CHECK(has(print(ipcp, v(1), kDltPpp), "IPCP, Conf-Nack (0x03), id 2, length 18\n\tencoded length 16 (=Option(s) "
                                        "length 12)\n\t  IP-Addr Option (0x03), length 6: 192.0.2.1\n"
                                        "\t  Pri-DNS Option (0x81), length 6: 198.51.100.53\n"));
  Frame ccp = ppp(0x80fd, {0x01, 0x07, 0x00, 0x08, 0x1a, 0x04, 0x78, 0x00});
  CHECK(has(print(ccp, v(1), kDltPpp),
            "\t  Deflate Option (0x1a), length 4: Window: 7K, Method: zlib (0x8), MBZ: 0, CHK: 0\n"));
  Frame echo = ppp(0xc021, {0x09, 0x05, 0x00, 0x08, 0x12, 0x34, 0x56, 0x78});
  CHECK(print(echo, v(1), kDltPpp) ==
        "LCP, Echo-Request (0x09), id 5, length 10\n\tencoded length 8 (=Option(s) length 4)\n"
        "\t  Magic-Num 0x12345678\n");
}

TEST_CASE("PPP: PAP CHAP Multilink and unknown protocols", "[proto][ppp]") {
  Frame pap = ppp(0xc023, cat({{0x01, 0x03, 0x00, 0x0c, 0x04}, text("user"), {0x02}, text("pw")}));
  CHECK(print(pap, {}, kDltPpp) == "PAP, Auth-Req (0x01), id 3, Peer user, Name pw\n");
  Frame chap = ppp(0xc223, cat({{0x01, 0x04, 0x00, 0x0c, 0x04, 0xaa, 0xbb, 0xcc, 0xdd}, text("srv")}));
  CHECK(print(chap, {}, kDltPpp) == "CHAP, Challenge (0x01), id 4, Value aabbccdd, Name srv\n");
  CHECK(print(ppp(0x003d, {0xc0, 0x05, 0x01, 0x02}), {}, kDltPpp) ==
        "MLPPP, seq 0x005, Flags [begin, end], length 4\n");
  CHECK(print(ppp(0x1234, {1, 2, 3, 4}), {}, kDltPpp) == "unknown PPP protocol (0x1234) \n\t0x0000:  0102 0304\n");
  CHECK(print(ppp(0x1234, {1, 2, 3, 4}), v(0, true), kDltPpp) == "unknown (0x1234), length 8\n");
  CHECK(print(lcp_request(), v(0, true), kDltPpp) ==
        "LCP (0xc021), length 33: LCP, Conf-Request (0x01), id 1, length 31\n");
  // PAP's Authenticate-Ack shorter than RFC 1334 allows (tcpdump's truncated-aack).
  CHECK(print(ppp(0xc023, {0x02, 0x01, 0x00, 0x04}), {}, kDltPpp) == "PAP, Auth-ACK (0x02), id 1[|pap]\n");
}

TEST_CASE("PPP: IPv4 inside and the HDLC link type with octet escapes", "[proto][ppp]") {
  Frame ip = ipv4(17, cat({be16(1024), be16(9), be16(12), be16(0), {1, 2, 3, 4}}));
  CHECK(print(ppp(0x0021, ip), {}, kDltPpp) == "IP 192.0.2.1.1024 > 192.0.2.2.9: UDP, length 4\n");
  CHECK(print(ppp(0x0021, ip), {}, kDltPppSerial) == "IP: IP 192.0.2.1.1024 > 192.0.2.2.9: UDP, length 4\n");
  // A protocol field of 0x7e.. starts RFC 1662 framing: the rest is unescaped.
  Frame esc = cat({{0xff, 0x60, 0x7e, 0x80, 0x21, 0x01, 0x07, 0x00, 0x7d, 0x24}});
  CHECK(print(esc, {}, kDltPppSerial) ==
        "unknown PPP protocol (0x7e80): IPCP, Conf-Request (0x01), id 7, length 6\n");
  CHECK(print({0x0f, 0x00}, {}, kDltPppSerial) != "");
  CHECK(print({0xff}, {}, kDltPppSerial) == " [|ppp_hdlc]\n");
  CHECK(print({0x11, 0x22, 0x33, 0x44}, {}, kDltPppSerial) == "unknown addr 33; ctrl 44\n");
  CHECK(print({0xff, 0x03, 0xc0}, {}, kDltPpp) == " [|ppp]\n");
}

TEST_CASE("PPPoE: session and discovery", "[proto][ppp]") {
  Frame ses = eth(cat({{0x11, 0x00, 0x00, 0x2a, 0x00, 0x0a, 0xc0, 0x21}, {0x09, 0x05, 0x00, 0x08},
                       be32(0x12345678)}),
                  0x8864);
  CHECK(print(ses) == "PPPoE  [ses 0x2a] LCP, Echo-Request (0x09), id 5, length 10\n");
  CHECK(has(print(ses, v(0, true)), "ethertype PPPoE S (0x8864), length 30: PPPoE  [ses 0x2a] LCP (0xc021), "
                                    "length 10: LCP, Echo-Request (0x09), id 5, length 10\n"));
  Frame padi = eth(cat({{0x11, 0x09, 0x00, 0x00, 0x00, 0x0b, 0x01, 0x01, 0x00, 0x03}, text("isp"),
                        {0x01, 0x03, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef}}),
                   0x8863);
  CHECK(print(padi) == "PPPoE PADI [Service-Name \"isp\"] [Host-Uniq 0xDEADBEEF]\n");
}

TEST_CASE("PPP: hostile lengths prefixes and mutations stay in bounds", "[proto][ppp][truncated]") {
  // An encoded length beyond the packet, an option longer than the rest.
  Frame big = ppp(0xc021, {0x01, 0x01, 0xff, 0xff, 0x01, 0x04, 0x05, 0xdc});
  CHECK(has(print(big, v(1), kDltPpp), "encoded length 65535 (> packet length 8))"));
  Frame over = ppp(0x8021, {0x01, 0x01, 0x00, 0x0c, 0x02, 0x20, 0x00, 0x61, 0, 0, 0, 0});
  CHECK(sane_line(print(over, v(2), kDltPpp), 2000));
  std::vector<Frame> frames = {lcp_request(), ppp(0x8021, {0x03, 0x02, 0x00, 0x10, 0x03, 0x06, 192, 0, 2, 1, 0x81,
                                                            0x06, 198, 51, 100, 53}),
                               ppp(0xc223, cat({{0x01, 0x04, 0x00, 0x0c, 0x04, 0xaa, 0xbb, 0xcc, 0xdd}, text("srv")}))};
  for (const auto& f : frames) {
    for (int dlt : {kDltPpp, kDltPppSerial}) {
      for (const auto& line : print_prefixes(f, v(2), dlt)) CHECK(sane_line(line, 4000));
      for (const auto& line : print_mutations(f, 2, 17, 300, v(2), dlt)) CHECK(sane_line(line, 20000));
    }
  }
  Frame esc = {0xff, 0x60, 0x7e, 0x80, 0x21, 0x01, 0x07, 0x00, 0x7d, 0x24, 0x7d, 0x7d, 0x7e, 0x7e};
  for (const auto& line : print_mutations(esc, 2, 5, 300, v(2), kDltPppSerial)) CHECK(sane_line(line, 20000));
  // A cut option: tcpdump's GET_ macros give up with " [|ppp]".
  Frame whole = lcp_request();
  Frame cut(whole.begin(), whole.begin() + 14);
  CHECK(has(print(cut, v(1), kDltPpp, 33), "ACCM Option (0x02), length 6 [|ppp]\n"));
}

TEST_CASE("PPP: JSON names the protocol and the control code", "[proto][ppp][json]") {
  auto doc = testjson::parse(print(lcp_request(), json(), kDltPpp));
  const auto& l = doc["layers"].array().at(0);
  CHECK(l["layer"].str() == "ppp");
  CHECK(l["protocol"].num() == 0xc021);
  CHECK(l["protocol_name"].str() == "LCP");
  CHECK(l["code"].num() == 1);
  Frame ses = eth(cat({{0x11, 0x00, 0x00, 0x2a, 0x00, 0x0a, 0xc0, 0x21}, {0x09, 0x05, 0x00, 0x08},
                       be32(0x12345678)}),
                  0x8864);
  auto e = testjson::parse(print(ses, json()));
  CHECK(e["layers"].array().at(1)["layer"].str() == "pppoe");
  CHECK(e["layers"].array().at(1)["session"].num() == 0x2a);
  CHECK(e["layers"].array().at(2)["protocol_name"].str() == "LCP");
}
