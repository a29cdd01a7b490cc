// SNMP (snmp.cpp, UDP 161 and 162): SNMPv1, v2c and v3 messages as tcpdump
// 4.99.3 prints them at -n and -v (community, PDU, request id, error status
// and index, trap fields, varbinds and their value types, the v3 header, USM
// and scoped PDU), the bracketed BER complaints, the typed JSON, and hostile
// input: lengths past the datagram and past 2^32, sub-identifiers past 2^31,
// extended tags, every truncation prefix and seeded mutations (never a read
// past the capture: run under the asan preset). Expected text is tcpdump
// 4.99.3's for the same bytes (re-checked with NETLAB_PROTO_PCAP_DIR, see
// test_proto_support.cpp; tests/conformance/gen-snmp-captures.py has many
// more, in the conformance rows).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame udp_frame(unsigned port, const Frame& payload, unsigned sport = 40000) {
  Frame udp = cat({be16(sport), be16(port), be16(static_cast<unsigned>(8 + payload.size())), be16(0), payload});
  return ether(0x0800, ipv4(17, udp));
}

// ---- BER ---------------------------------------------------------------------
Frame tlv(std::uint8_t tag, const Frame& content) {
  Frame f{tag};
  std::size_t n = content.size();
  if (n < 0x80) {
    f.push_back(static_cast<std::uint8_t>(n));
  } else if (n < 0x100) {
    f.insert(f.end(), {0x81, static_cast<std::uint8_t>(n)});
  } else {
    f.insert(f.end(), {0x82, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)});
  }
  return cat({f, content});
}
Frame integer(std::int64_t v) {
  Frame b;
  do {
    b.insert(b.begin(), static_cast<std::uint8_t>(v & 0xff));
    v >>= 8;
  } while (!((v == 0 && !(b[0] & 0x80)) || (v == -1 && (b[0] & 0x80))));
  return tlv(0x02, b);
}
Frame octets(const std::string& s) { return tlv(0x04, Frame(s.begin(), s.end())); }
Frame subid(std::uint64_t n) {
  Frame f{static_cast<std::uint8_t>(n & 0x7f)};
  for (n >>= 7; n; n >>= 7) f.insert(f.begin(), static_cast<std::uint8_t>(0x80 | (n & 0x7f)));
  return f;
}
Frame oid(const std::vector<std::uint64_t>& arcs) {
  Frame body = subid(arcs[0] * 40 + arcs[1]);
  for (std::size_t k = 2; k < arcs.size(); ++k) body = cat({body, subid(arcs[k])});
  return tlv(0x06, body);
}
const Frame kNull{0x05, 0x00};
Frame seq(std::initializer_list<Frame> items) { return tlv(0x30, cat(items)); }
Frame vb(const Frame& name, const Frame& value = kNull) { return seq({name, value}); }
Frame pdu(unsigned id, std::int64_t rid, std::int64_t status, std::int64_t index, std::initializer_list<Frame> vbs) {
  return tlv(static_cast<std::uint8_t>(0xa0 | id), cat({integer(rid), integer(status), integer(index), tlv(0x30, cat(vbs))}));
}
Frame msg(int version, const std::string& community, const Frame& p) {
  return seq({integer(version), octets(community), p});
}

const Frame kSysDescr = oid({1, 3, 6, 1, 2, 1, 1, 1, 0});
const Frame kSysUpTime = oid({1, 3, 6, 1, 2, 1, 1, 3, 0});

Frame trap_msg() {
  Frame trap = tlv(0xa4, cat({oid({1, 3, 6, 1, 4, 1, 8072, 3, 2, 10}), tlv(0x40, {192, 0, 2, 1}), integer(6), integer(17),
                              tlv(0x43, {99}), seq({vb(kSysDescr, octets("x")), vb(kSysUpTime, tlv(0x43, {5}))})}));
  return msg(0, "trap", trap);
}

Frame v3_msg() {
  Frame engine{0x80, 0x00, 0x1f, 0x88, 0x80, 0xe9};
  Frame usm = seq({tlv(0x04, engine), integer(5), integer(1234), octets("admin"), tlv(0x04, Frame(12, 0)), octets("")});
  Frame header = seq({integer(1), integer(65507), tlv(0x04, {0x05}), integer(3)});
  Frame scoped = seq({tlv(0x04, engine), octets("ctx"), pdu(2, 101, 0, 0, {vb(kSysDescr, octets("Linux"))})});
  return seq({integer(3), header, tlv(0x04, usm), scoped});
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("SNMP: v1 requests and responses at -n and -v", "[proto][snmp]") {
  Frame get = udp_frame(161, msg(0, "public", pdu(0, 1, 0, 0, {vb(kSysDescr), vb(kSysUpTime)})));
  CHECK(has(print(get), "192.0.2.2.161:  GetRequest(39)  .1.3.6.1.2.1.1.1.0 .1.3.6.1.2.1.1.3.0\n"));
  CHECK(has(print(get, v(1)), ".161:  { SNMPv1 { GetRequest(39) R=1  .1.3.6.1.2.1.1.1.0 .1.3.6.1.2.1.1.3.0 } } \n"));
  Frame set = udp_frame(162, msg(0, "secret", pdu(3, 8, 0, 0, {vb(kSysDescr, octets("new name"))})));
  CHECK(has(print(set), ".162:  C=\"secret\" SetRequest(33)  .1.3.6.1.2.1.1.1.0=\"new name\"\n"));
  // error-status and error-index as a response carries them, and where they must be zero
  Frame nsn = udp_frame(161, msg(0, "public", pdu(2, 4, 2, 1, {vb(kSysDescr)})));
  CHECK(has(print(nsn), "GetResponse(25)  noSuchName@1 .1.3.6.1.2.1.1.1.0=\n"));
  CHECK(has(print(udp_frame(161, msg(0, "public", pdu(2, 5, 25, 3, {vb(kSysDescr)})))), "GetResponse(25)  err=25@3 "));
  CHECK(has(print(udp_frame(161, msg(0, "public", pdu(2, 6, 0, 2, {vb(kSysDescr)})))),
            "GetResponse(25) [errorIndex(2) w/o errorStatus] "));
  CHECK(has(print(udp_frame(161, msg(0, "public", pdu(2, 7, 5, 0, {vb(kSysDescr)})))), "GetResponse(25)  genErr[errorIndex==0] "));
  CHECK(has(print(udp_frame(161, msg(1, "public", pdu(0, 19, 1, 1, {vb(kSysDescr)})))),
            "GetRequest(25) [errorStatus(tooBig)!=0][errorIndex(1)!=0] .1.3.6.1.2.1.1.1.0\n"));
  CHECK(has(print(udp_frame(161, msg(1, "public", pdu(8, 18, 19, 1, {vb(kSysDescr)})))),
            "Report(25) [errorStatus(err=19)!=0][errorIndex(1)!=0] "));
}

TEST_CASE("SNMP: value types and the v2 exceptions", "[proto][snmp]") {
  Frame values = udp_frame(
      161, msg(1, "public",
               pdu(2, 3, 0, 0,
                   {vb(kSysDescr, integer(-129)), vb(kSysDescr, octets("hello")), vb(kSysDescr, tlv(0x04, {0, 1, 0xff})),
                    vb(kSysDescr, oid({1, 3, 6, 1, 6, 3, 1, 1, 5, 1})), vb(kSysDescr, kNull),
                    vb(kSysDescr, tlv(0x40, {192, 0, 2, 1})), vb(kSysDescr, tlv(0x40, {1, 2})),
                    vb(kSysDescr, tlv(0x41, {0, 0xff, 0xff, 0xff, 0xff})), vb(kSysDescr, tlv(0x42, {3, 0xe8})),
                    vb(kSysDescr, tlv(0x43, {1, 0xe2, 0x40})), vb(kSysDescr, tlv(0x44, {1, 2})),
                    vb(kSysDescr, tlv(0x46, {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})),
                    vb(kSysDescr, tlv(0x80, {})), vb(kSysDescr, tlv(0x81, {})), vb(kSysDescr, tlv(0x82, {})),
                    vb(kSysDescr, tlv(0x01, {1})), vb(kSysDescr, tlv(0xc0, {0xaa})), vb(kSysDescr, tlv(0x83, {}))})));
  std::string s = print(values);
  CHECK(has(s, "=-129 "));
  CHECK(has(s, "=\"hello\" "));
  CHECK(has(s, "=00_01_ff "));
  CHECK(has(s, "=.1.3.6.1.6.3.1.1.5.1 "));
  CHECK(has(s, ".1.3.6.1.2.1.1.1.0= "));
  CHECK(has(s, "=192.0.2.1 "));
  CHECK(has(s, "=[inetaddr len!=4]1.2 "));
  CHECK(has(s, ".0=4294967295 .1"));
  CHECK(has(s, ".0=1000 .1"));
  CHECK(has(s, ".0=123456 .1"));
  CHECK(has(s, "=[P/A/Opaque]_01_02 "));
  CHECK(has(s, "=18446744073709551615 "));
  CHECK(has(s, "=[noSuchObject] "));
  CHECK(has(s, "=[noSuchInstance] "));
  CHECK(has(s, "=[endOfMibView] "));
  CHECK(has(s, "=[P/U/Boolean]_01 "));
  CHECK(has(s, "=[P/x/P-0]_aa "));
  CHECK(has(s, "=[BE_ANY!?]\n"));
}

TEST_CASE("SNMP: v1 traps and v2c PDUs", "[proto][snmp]") {
  CHECK(has(print(udp_frame(162, trap_msg())),
            ".162:  C=\"trap\" Trap(59)  .1.3.6.1.4.1.8072.3.2.10 192.0.2.1 enterpriseSpecific s=17 99 "
            ".1.3.6.1.2.1.1.1.0=\"x\" .1.3.6.1.2.1.1.3.0=5\n"));
  CHECK(has(print(udp_frame(162, trap_msg()), v(2)),
            ".162: [udp sum ok]  { SNMPv1 C=\"trap\" { Trap(59)  .1.3.6.1.4.1.8072.3.2.10 192.0.2.1 enterpriseSpecific s=17 99 "
            ".1.3.6.1.2.1.1.1.0=\"x\" .1.3.6.1.2.1.1.3.0=5 } } \n"));
  Frame bulk = udp_frame(161, msg(1, "public", pdu(5, 10, 0, 10, {vb(kSysDescr), vb(kSysUpTime)})));
  CHECK(has(print(bulk, v(1)), "{ SNMPv2c { GetBulk(39) R=10  N=0 M=10 .1.3.6.1.2.1.1.1.0 .1.3.6.1.2.1.1.3.0 } } \n"));
  Frame v2trap = udp_frame(162, msg(1, "public", pdu(7, 13, 0, 0, {vb(kSysUpTime, tlv(0x43, {7}))})));
  CHECK(has(print(v2trap), "V2Trap(26)  .1.3.6.1.2.1.1.3.0=7\n"));
  CHECK(has(print(udp_frame(161, msg(0, "public", pdu(5, 20, 0, 10, {vb(kSysDescr)})))), "GetBulk(25) [v2 PDU in v1 message]\n"));
  Frame v1trap_in_v2 = udp_frame(161, msg(1, "public", tlv(0xa4, {})));
  CHECK(has(print(v1trap_in_v2), "Trap(0) [v1 PDU in v2 message]\n"));
  CHECK(has(print(udp_frame(161, msg(7, "public", pdu(0, 1, 0, 0, {})))), ".161:  SNMP [version = 7]\n"));
}

TEST_CASE("SNMP: v3 header USM and scoped PDU", "[proto][snmp]") {
  Frame f = udp_frame(161, v3_msg());
  CHECK(has(print(f), ".161:  F=ar U=\"admin\" E=_80_00_1f_88_80_e9 C=\"ctx\" GetResponse(30)  .1.3.6.1.2.1.1.1.0=\"Linux\"\n"));
  CHECK(has(print(f, v(1)),
            ".161:  { SNMPv3 { F=ar } { USM B=5 T=1234 U=\"admin\" } { ScopedPDU E=_80_00_1f_88_80_e9 C=\"ctx\" "
            "{ GetResponse(30) R=101  .1.3.6.1.2.1.1.1.0=\"Linux\" } } } \n"));
  Frame bad_flags = udp_frame(161, seq({integer(3), seq({integer(1), integer(484), tlv(0x04, {0x02}), integer(3)})}));
  CHECK(has(print(bad_flags, v(1)), ".161:  { SNMPv3 { [msgFlags=0x02]} \n"));
  Frame model2 = udp_frame(161, seq({integer(3), seq({integer(1), integer(484), tlv(0x04, {0x01}), integer(2)})}));
  CHECK(has(print(model2), ".161:  F=a [security model 2]\n"));
}

TEST_CASE("SNMP: BER complaints where tcpdump prints them", "[proto][snmp]") {
  CHECK(has(print(udp_frame(161, Frame{0x30, 0x82, 0xff, 0xff, 0x02, 0x01, 0x00})), ".161:  [len3<asnlen65535]\n"));
  CHECK(has(print(udp_frame(162, Frame{0x30, 0x81})), ".162:  [asnlen? 0<1]\n"));
  CHECK(has(print(udp_frame(161, Frame{0x30})), ".161:  [no asnlen]\n"));
  CHECK(has(print(udp_frame(161, Frame{})), ".161:  [nothing to parse]\n"));
  CHECK(has(print(udp_frame(161, cat({Frame{0x30, 0x84, 0xff, 0xff, 0xff, 0xff}, integer(0)}))), ".161:  [len3<asnlen4294967295]\n"));
  CHECK(has(print(udp_frame(161, cat({Frame{0x30, 0x80}, integer(0)}))), ".161:  [3 extra after iSEQ][nothing to parse]\n"));
  CHECK(has(print(udp_frame(161, Frame{0x30, 0x01, 0x1f, 0x81, 0x01})), ".161:  [2 extra after iSEQ][Xtagfield?]\n"));
  CHECK(has(print(udp_frame(161, Frame{0x3f, 0x81, 0x01, 0x00})), ".161:  [id?C/x/129]\n"));
  CHECK(has(print(udp_frame(161, Frame{0x3f, 0x05, 0x00})), ".161:  C/U/Null[!init SEQ]\n"));
  CHECK(has(print(udp_frame(161, seq({tlv(0x02, {})}))), ".161:  [asnlen=0]\n"));
  CHECK(has(print(udp_frame(161, seq({octets("x")}))), ".161:  [version!=INT]\"x\"\n"));
  CHECK(has(print(udp_frame(161, seq({integer(0), integer(5)}))), ".161:  [comm!=STR]5\n"));
  CHECK(has(print(udp_frame(161, seq({integer(0), octets("public"), integer(5)}))), ".161:  [no PDU]\n"));
  CHECK(has(print(udp_frame(161, cat({msg(0, "public", pdu(2, 1, 0, 0, {vb(kSysDescr)})), Frame{0, 0, 0}}))),
            ".161:  [3 extra after iSEQ]GetResponse(25)  .1.3.6.1.2.1.1.1.0=\n"));
  Frame objval = udp_frame(161, msg(0, "public", pdu(0, 1, 0, 0, {vb(kSysDescr, integer(3))})));
  CHECK(has(print(objval), "GetRequest(26)  .1.3.6.1.2.1.1.1.0[objVal!=NULL]3\n"));
}

TEST_CASE("SNMP: OID sub-identifiers past 2^31 and 2^32", "[proto][snmp]") {
  // tcpdump 4.99.3 keeps a sub-identifier in 32 bits and splits the first
  // one as a signed int.
  Frame f = udp_frame(161, msg(1, "public", pdu(2, 1, 0, 0,
                                                {vb(oid({1, 3, 6, 1, 4, 1, 4294967295u, 99999999999u})),
                                                 vb(tlv(0x06, {0x2b, 0x86})), vb(tlv(0x06, {})),
                                                 vb(tlv(0x06, {0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})),
                                                 vb(tlv(0x06, cat({subid(0xffffff00u), Frame{1}})))})));
  CHECK(has(print(f), "  .1.3.6.1.4.1.4294967295.1215752191= .1.3= = .0.4294967295= .4294967290.4294967280.1=\n"));
}

TEST_CASE("SNMP: typed JSON", "[proto][snmp]") {
  auto doc = testjson::parse(print(udp_frame(162, trap_msg()), json()));
  const auto& l = doc["layers"].array().at(3);
  CHECK(l["layer"].str() == "snmp");
  CHECK(l["version"].num() == 0);
  CHECK(l["community"].str() == "trap");
  CHECK(l["pdu_type"].str() == "Trap");
  CHECK(l["enterprise"].str() == "1.3.6.1.4.1.8072.3.2.10");
  CHECK(l["agent_addr"].str() == "192.0.2.1");
  CHECK(l["generic_trap"].num() == 6);
  CHECK(l["specific_trap"].num() == 17);
  const auto& vbs = l["varbinds"].array();
  REQUIRE(vbs.size() == 2);
  CHECK(vbs[0]["oid"].str() == "1.3.6.1.2.1.1.1.0");
  CHECK(vbs[0]["type"].str() == "String");
  CHECK(vbs[0]["value"].str() == "x");
  CHECK(vbs[1]["type"].str() == "TimeTicks");
  CHECK(vbs[1]["value"].num() == 5);

  auto v3 = testjson::parse(print(udp_frame(161, v3_msg()), json()));
  const auto& m = v3["layers"].array().at(3);
  CHECK(m["version"].num() == 3);
  CHECK(m["user"].str() == "admin");
  CHECK(m["msg_flags"].num() == 5);
  CHECK(m["context_name"].str() == "ctx");
  CHECK(m["request_id"].num() == 101);
  CHECK(m["error_status_name"].str() == "noError");
  CHECK(m["varbinds"].array().at(0)["value"].str() == "Linux");

  auto bad = testjson::parse(print(udp_frame(161, Frame{0x30, 0x82, 0xff, 0xff, 0x02, 0x01, 0x00}), json()));
  CHECK(bad["layers"].array().at(3)["error"].str() == "[len3<asnlen65535]");
  Frame whole = udp_frame(161, v3_msg());
  Frame cut(whole.begin(), whole.end() - 4);
  auto c = testjson::parse(print(cut, json(), 1, static_cast<std::uint32_t>(whole.size())));
  CHECK(c["layers"].array().at(3)["truncated"].boolean());
}

TEST_CASE("SNMP: truncation where tcpdump ends the line or prints it in place", "[proto][snmp]") {
  Frame whole = udp_frame(161, trap_msg());
  auto wire = static_cast<std::uint32_t>(whole.size());
  // The tag or the length octet not captured: the line ends (tcpdump's longjmp).
  CHECK(has(print(Frame(whole.begin(), whole.begin() + 42), v(1), 1, wire), ".161:   [|snmp]\n"));
  CHECK(has(print(Frame(whole.begin(), whole.begin() + 43), v(1), 1, wire), ".161:   [|snmp]\n"));
  // The outer element's content cut: " [|snmp]" in place, nothing more.
  CHECK(has(print(Frame(whole.begin(), whole.end() - 1), v(1), 1, wire), ".161:   [|snmp]\n"));
  for (const auto& line : print_prefixes(whole, v(1))) CHECK(sane_line(line, 600));
  for (const auto& line : print_prefixes(udp_frame(161, v3_msg()), v(2))) CHECK(sane_line(line, 600));
  for (const auto& line : print_prefixes(udp_frame(161, v3_msg()), json())) CHECK(sane_line(line, 4000));
}

TEST_CASE("SNMP: seeded mutations", "[proto][snmp]") {
  const std::size_t skip = 14 + 20 + 8;
  for (const Frame& base : {udp_frame(162, trap_msg()), udp_frame(161, v3_msg()),
                            udp_frame(161, msg(1, "public", pdu(2, 3, 0, 0, {vb(kSysDescr, tlv(0x46, {1, 2, 3})),
                                                                             vb(kSysUpTime, tlv(0x40, {1, 2, 3, 4}))})))}) {
    for (const auto& line : print_mutations(base, skip, 81, 400, v(1))) CHECK(sane_line(line, 2000));
    for (const auto& line : print_mutations(base, skip, 82, 200, v(0))) CHECK(sane_line(line, 2000));
    for (const auto& line : print_mutations(base, skip, 83, 200, json())) CHECK(sane_line(line, 8000));
  }
}
