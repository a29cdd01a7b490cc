// Kerberos (krb.cpp) and L2TP (l2tp.cpp) on UDP: version 4 messages by
// type with their strings escaped, v5 and other first bytes, L2TP headers,
// control AVPs by name and value, data messages with their PPP frame,
// tcpdump's own " [|krb]" and " [|l2tp]" and the unwinding ones, hostile
// lengths, every prefix and seeded mutations (never a read past the
// capture: run under the asan preset), which printer wins for a pair of
// ports, and the typed JSON. Expected text is tcpdump 4.99.3's for the same
// bytes (re-checked with NETLAB_PROTO_PCAP_DIR, see test_proto_support.cpp).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame udp_frame(const Frame& msg, unsigned sport, unsigned dport) {
  Frame udp = cat({be16(sport), be16(dport), be16(static_cast<unsigned>(8 + msg.size())), be16(0), msg});
  return ether(0x0800, ipv4(17, udp, "192.0.2.1", "192.0.2.2"));
}

Frame str0(const std::string& s) {
  Frame f(s.begin(), s.end());
  f.push_back(0);
  return f;
}

Frame kdc_request() {
  return cat({{4, 2}, str0("alice"), str0(""), str0("EXAMPLE.ORG"), be32(0x12345678), {96}, str0("krbtgt"),
              str0("EXAMPLE.ORG")});
}

Frame avp(unsigned type, const Frame& value, unsigned flags = 0x8000, unsigned vendor = 0) {
  return cat({be16(flags | static_cast<unsigned>(6 + value.size())), be16(vendor), be16(type), value});
}

// A control message with Ns/Nr: tunnel 5, session 0, Ns 3, Nr 4.
Frame control(const Frame& avps) {
  return cat({be16(0xc802), be16(static_cast<unsigned>(12 + avps.size())), be16(5), be16(0), be16(3), be16(4), avps});
}

const std::string kKrbHead = "IP 192.0.2.1.1024 > 192.0.2.2.88: ";
const std::string kL2tpHead = "IP 192.0.2.1.1701 > 192.0.2.2.1701: ";

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("Kerberos: version 4 messages by type", "[proto][krb]") {
  CHECK(print(udp_frame(kdc_request(), 1024, 88)) ==
        kKrbHead + " v4 be KDC_REQUEST: alice.@EXAMPLE.ORG 480min krbtgt.EXAMPLE.ORG\n");
  // Port 750 too, either side; -v changes nothing after the UDP header.
  CHECK(has(print(udp_frame(kdc_request(), 750, 4000), v(2)),
            "192.0.2.1.750 > 192.0.2.2.4000: [udp sum ok]  v4 be KDC_REQUEST: alice.@EXAMPLE.ORG 480min"));
  // A little-endian reply: the cipher length read in its byte order; the
  // realm's control and 8-bit bytes escaped as tcpdump escapes them.
  Frame reply = cat({{4, 5}, str0("bob"), str0("root"), {'R', 1, 0xff, 0}, Frame(10, 0), {0x34, 0x12}});
  CHECK(print(udp_frame(reply, 1024, 88)) == kKrbHead + " v4 le KDC_REPLY: bob.root@R^AM-^? (4660)\n");
  Frame appl = cat({{4, 6, 7}, str0("REALM"), {40, 50}});
  CHECK(print(udp_frame(appl, 1024, 88)) == kKrbHead + " v4 be APPL_REQUEST: v7 REALM (40) (50)\n");
  Frame err = cat({{4, 10}, str0("n"), str0("i"), str0("r"), be32(0), be32(0x00080000), str0("no such user")});
  CHECK(print(udp_frame(err, 1024, 88)) == kKrbHead + " v4 be ERR_REPLY: n.i@r PRINCIPAL_UNKNOWN no such user\n");
  Frame err_unknown = cat({{4, 11}, str0("n"), str0("i"), str0("r"), be32(0), {99, 0, 0, 0}, str0("x")});
  CHECK(print(udp_frame(err_unknown, 1024, 88)) == kKrbHead + " v4 le ERR_REPLY: n.i@r #99 x\n");
  CHECK(print(udp_frame({4, 12, 'x'}, 1024, 88)) == kKrbHead + " v4 be PRIVATE: (unknown)\n");
  CHECK(print(udp_frame({4, 40}, 1024, 88)) == kKrbHead + " v4 be #40: (unknown)\n");
}

TEST_CASE("Kerberos: v5 and other first bytes", "[proto][krb]") {
  CHECK(print(udp_frame({0x6a, 0x81, 0x90}, 1024, 88)) == kKrbHead + " v5\n");
  CHECK(print(udp_frame({0x6b, 0x82}, 1024, 88)) == kKrbHead + " v5\n");
  CHECK(print(udp_frame({2, 9}, 1024, 88)) == kKrbHead + " v2\n");
  CHECK(print(udp_frame({5, 9}, 1024, 88)) == kKrbHead + "\n");  // no version tcpdump knows: nothing
  CHECK(print(udp_frame({}, 1024, 88)) == kKrbHead + " [|krb]\n");
}

TEST_CASE("Kerberos: cut messages end as tcpdump ends them", "[proto][krb][truncated]") {
  Frame f = udp_frame(kdc_request(), 1024, 88);
  const auto wire = static_cast<std::uint32_t>(f.size());
  auto cut = [&](std::size_t n) { return print(Frame(f.begin(), f.begin() + 42 + n), {}, 1, wire); };
  // A string the capture ends in: printed as far as it goes, then tcpdump's own notice.
  CHECK(cut(4) == kKrbHead + " v4 be KDC_REQUEST: al [|krb]\n");
  CHECK(cut(21) == kKrbHead + " v4 be KDC_REQUEST: alice.@EXAMPLE.ORG [|krb]\n");
  // The lifetime byte not captured: the read unwinds before " 480min".
  CHECK(cut(24) == kKrbHead + " v4 be KDC_REQUEST: alice.@EXAMPLE.ORG [|krb]\n");
  CHECK(cut(1) == kKrbHead + " v4 [|krb]\n");
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 400));
  for (const auto& line : print_mutations(f, 42, 88, 400, v(1))) CHECK(sane_line(line, 2000));
  // Hostile: every type byte over a message of NULs and of one long string.
  for (unsigned t = 0; t < 256; ++t) {
    CHECK(sane_line(print(udp_frame(cat({{4, static_cast<std::uint8_t>(t)}, Frame(30, 0)}), 1024, 88)), 400));
    CHECK(sane_line(print(udp_frame(cat({{4, static_cast<std::uint8_t>(t)}, Frame(300, 0x80)}), 1024, 88)), 2000));
  }
}

TEST_CASE("L2TP: control messages and their AVPs", "[proto][l2tp]") {
  Frame sccrq = control(cat({avp(0, be16(1)), avp(2, {1, 0}), avp(3, be32(3)), avp(4, be32(2)),
                             avp(7, {'l', 'a', 'c', 0x0a}), avp(9, be16(100)), avp(10, be16(4)),
                             avp(5, {1, 2, 3, 4, 5, 6, 7, 8}), avp(8, {'v'}, 0)}));
  CHECK(print(udp_frame(sccrq, 1701, 1701)) ==
        kL2tpHead + " l2tp:[TLS](5/0)Ns=3,Nr=4 *MSGTYPE(SCCRQ) *PROTO_VER(1.0) *FRAMING_CAP(AS) *BEARER_CAP(A) "
                    "*HOST_NAME(lac^J) *ASSND_TUN_ID(100) *RECV_WIN_SIZE(4) *TIE_BREAKER(0102030405060708) "
                    "VENDOR_NAME(v)\n");
  Frame cdn = control(cat({avp(0, be16(14)), avp(1, cat({be16(2), be16(6), {'b', 'y', 'e'}})),
                           avp(46, cat({be16(1), be16(0xc021), {1, 'x'}})), avp(34, cat({be16(0), be32(1), be32(2)})),
                           avp(35, cat({be16(0), be32(0xffffffff), be32(0)})), avp(29, be16(2)), avp(32, be16(0x1234)),
                           avp(7, {'s'}, 0xc000), avp(99, {1}), avp(3, {0x12, 0x34}, 0x8000, 9), avp(20, {})}));
  CHECK(print(udp_frame(cdn, 1701, 1701)) ==
        kL2tpHead + " l2tp:[TLS](5/0)Ns=3,Nr=4 *MSGTYPE(CDN) *RESULT_CODE(2/6 bye) *PPP_DISCON_CC(0001, c021 at peer x) "
                    "*CALL_ERRORS(CRCErr=1 FrameErr=2 AVP too short) *ACCM(send=ffffffff recv=00000000 ) "
                    "*PROXY_AUTH_TYPE(CHAP) *PROXY_AUTH_ID(52) *?HOST_NAME(\?\?\?) *AVP-#99() "
                    "*VENDOR0009:ATTR0003(1234) *PACKET_PROC_DELAY(obsolete)\n");
  // An empty control message is a ZLB acknowledgement.
  CHECK(print(udp_frame(control({}), 1701, 1701)) == kL2tpHead + " l2tp:[TLS](5/0)Ns=3,Nr=4 ZLB\n");
  // L2F and other versions.
  CHECK(print(udp_frame({0, 1, 2, 3}, 1701, 1701)) == kL2tpHead + " l2f:\n");
  CHECK(print(udp_frame({0, 3, 2, 3}, 1701, 1701)) ==
        kL2tpHead + " Unknown Version, neither L2F(1) nor L2TP(2)\n");
}

TEST_CASE("L2TP: data messages carry a PPP frame", "[proto][l2tp]") {
  Frame lcp = {0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 8, 5, 6, 0x0a, 0x0b};
  Frame data = cat({be16(0x4002), be16(static_cast<unsigned>(8 + lcp.size())), be16(7), be16(9), lcp});
  CHECK(has(print(udp_frame(data, 1701, 1701)), " l2tp:[L](7/9) {LCP, Conf-Request (0x01), id 1, length 10}\n"));
  Frame ip = ipv4(1, {8, 0, 0xf7, 0xff, 0, 0, 0, 0});
  Frame ipdata = cat({be16(0x0002), be16(7), be16(9), {0x00, 0x21}, ip});
  CHECK(print(udp_frame(ipdata, 1701, 1701)) ==
        kL2tpHead + " l2tp:[](7/9) {IP 192.0.2.1 > 192.0.2.2: ICMP echo request, id 0, seq 0, length 8}\n");
  // Too short for ppp_print: its own notice, and the brace still closes.
  Frame tiny = cat({be16(0x0002), be16(7), be16(9), {0xff, 0x03, 0x21}});
  CHECK(print(udp_frame(tiny, 1701, 1701)) == kL2tpHead + " l2tp:[](7/9) { [|ppp]}\n");
  // The IP header cut: ip_print says so itself and the brace closes; cut
  // inside ICMP, the read unwinds and the line ends there.
  Frame f = udp_frame(ipdata, 1701, 1701);
  const auto wire = static_cast<std::uint32_t>(f.size());
  CHECK(print(Frame(f.begin(), f.end() - 10), {}, 1, wire) == kL2tpHead + " l2tp:[](7/9) {IP  [|ip]}\n");
  CHECK(print(Frame(f.begin(), f.end() - 4), {}, 1, wire) ==
        kL2tpHead + " l2tp:[](7/9) {IP 192.0.2.1 > 192.0.2.2:  [|icmp]\n");
  Frame ip6data = cat({be16(0x0002), be16(7), be16(9), {0x00, 0x57}, ipv6(59, {})});
  Frame g = udp_frame(ip6data, 1701, 1701);
  CHECK(print(Frame(g.begin(), g.end() - 1), {}, 1, static_cast<std::uint32_t>(g.size())) ==
        kL2tpHead + " l2tp:[](7/9) { [|ip6]}\n");
}

TEST_CASE("L2TP: hostile lengths and cut headers end as tcpdump ends them", "[proto][l2tp][truncated]") {
  // The L field larger than the datagram, smaller than the header, missing on control.
  CHECK(print(udp_frame(cat({be16(0xc002), be16(400), be16(1), be16(2)}), 1701, 1701)) ==
        kL2tpHead + " l2tp:[TL](1/2) Length 400 larger than packet\n");
  CHECK(print(udp_frame(cat({be16(0xc002), be16(4), be16(1), be16(2)}), 1701, 1701)) ==
        kL2tpHead + " l2tp:[TL](1/2) Length 4 smaller than header length\n");
  CHECK(print(udp_frame(cat({be16(0x8002), be16(1), be16(2)}), 1701, 1701)) ==
        kL2tpHead + " l2tp:[T](1/2) No length\n");
  // An AVP shorter than its header, or past the message: tcpdump's own notice after a space.
  CHECK(print(udp_frame(control(cat({avp(0, be16(1)), {0x80, 0x03, 0, 0, 0, 0}})), 1701, 1701)) ==
        kL2tpHead + " l2tp:[TLS](5/0)Ns=3,Nr=4 *MSGTYPE(SCCRQ)  [|l2tp]\n");
  Frame over = control(avp(0, be16(1)));
  over[3] -= 2;  // the message ends inside the AVP
  CHECK(print(udp_frame(over, 1701, 1701)) == kL2tpHead + " l2tp:[TLS](5/0)Ns=3,Nr=4  [|l2tp]\n");
  // Offset padding past the capture.
  CHECK(print(udp_frame(cat({be16(0x0202), be16(7), be16(9), be16(40), {1, 2}}), 1701, 1701)) ==
        kL2tpHead + " l2tp:[O](7/9) [|l2tp]\n");
  Frame f = udp_frame(control(cat({avp(0, be16(1)), avp(7, {'h', 'o', 's', 't'}), avp(14, be16(7))})), 1701, 1701);
  const auto wire = static_cast<std::uint32_t>(f.size());
  // The tunnel id cut: the read unwinds before its "(".
  CHECK(print(Frame(f.begin(), f.begin() + 42 + 5), {}, 1, wire) == kL2tpHead + " l2tp:[TLS] [|l2tp]\n");
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 400));
  for (const auto& line : print_mutations(f, 42, 1701, 600, v(1))) CHECK(sane_line(line, 2000));
  // Every AVP type with every short value, hidden or not, and each flag word.
  for (unsigned t = 0; t < 48; ++t)
    for (unsigned n = 0; n < 20; ++n)
      CHECK(sane_line(print(udp_frame(control(avp(t, Frame(n, 0xa5), t % 3 ? 0x8000 : 0x4000)), 1701, 1701)), 600));
  for (unsigned flags = 0; flags < 0x10000; flags += 0x80)
    CHECK(sane_line(print(udp_frame(cat({be16(flags | 2), Frame(24, 0x03)}), 1701, 1701)), 600));
}

TEST_CASE("Kerberos and L2TP: which printer a pair of ports reaches", "[proto][krb][l2tp]") {
  Frame k = kdc_request();
  // NTP, SNMP and RIP come before Kerberos in tcpdump's udp_print; PTP,
  // syslog and LDP after it; L2TP right after it.
  CHECK(has(print(udp_frame(k, 123, 88)), "NTPv0"));
  CHECK(has(print(udp_frame(k, 88, 520)), "RIPv2"));
  CHECK(has(print(udp_frame(k, 319, 88)), " v4 be KDC_REQUEST"));
  CHECK(has(print(udp_frame(k, 88, 514)), " v4 be KDC_REQUEST"));
  CHECK(has(print(udp_frame(k, 646, 750)), " v4 be KDC_REQUEST"));
  CHECK(has(print(udp_frame(k, 1701, 88)), " v4 be KDC_REQUEST"));
  CHECK(has(print(udp_frame(control({}), 1701, 646)), " l2tp:[TLS]"));
  CHECK(has(print(udp_frame(control({}), 1701, 7000)), " l2tp:[TLS]"));
  // AODV (654, not decoded) comes before Kerberos: the UDP line.
  CHECK(has(print(udp_frame(k, 654, 88)), "UDP, length"));
}

TEST_CASE("Kerberos and L2TP: JSON names the fields", "[proto][krb][l2tp][json]") {
  auto doc = testjson::parse(print(udp_frame(kdc_request(), 1024, 88), json()));
  const auto& k = doc["layers"].array().at(3);
  CHECK(k["layer"].str() == "krb");
  CHECK(k["version"].num() == 4);
  CHECK(k["byte_order"].str() == "be");
  CHECK(k["msg_type_name"].str() == "KDC_REQUEST");
  CHECK(k["name"].str() == "alice");
  CHECK(k["realm"].str() == "EXAMPLE.ORG");
  CHECK(k["lifetime_min"].num() == 480);
  CHECK(k["service"].str() == "krbtgt");
  Frame f = udp_frame(kdc_request(), 1024, 88);
  auto cut = testjson::parse(print(Frame(f.begin(), f.begin() + 46), json(), 1, static_cast<std::uint32_t>(f.size())));
  CHECK(cut["layers"].array().at(3)["truncated"].boolean());

  auto l = testjson::parse(
      print(udp_frame(control(cat({avp(0, be16(1)), avp(9, be16(100)), avp(7, {'h'})})), 1701, 1701), json()));
  const auto& t = l["layers"].array().at(3);
  CHECK(t["layer"].str() == "l2tp");
  CHECK(t["type"].str() == "control");
  CHECK(t["tunnel_id"].num() == 5);
  CHECK(t["ns"].num() == 3);
  const auto& avps = t["avps"].array();
  REQUIRE(avps.size() == 3);
  CHECK(avps.at(0)["message_name"].str() == "SCCRQ");
  CHECK(avps.at(1)["name"].str() == "ASSND_TUN_ID");
  CHECK(avps.at(1)["value"].num() == 100);
  CHECK(avps.at(2)["value"].str() == "h");
  Frame lcp = {0xc0, 0x21, 1, 1, 0, 4};
  auto d = testjson::parse(print(udp_frame(cat({be16(0x0002), be16(7), be16(9), lcp}), 1701, 1701), json()));
  CHECK(d["layers"].array().at(3)["type"].str() == "data");
  CHECK(d["layers"].array().at(4)["layer"].str() == "ppp");
}
