// SCTP (sctp.cpp) and the ForCES (forces.cpp, flags at -vv) and M3UA
// (m3ua.cpp, at -vv) messages it carries: DATA,
// INIT, SACK with gap blocks and duplicate TSNs, the other chunk types by
// name, several chunks in one packet at -n and -vv, the bad lengths tcpdump
// reports, ForCES by port and by payload protocol at -n and -v, packets
// cut at every length and mutated (never a read past the capture: run under
// the asan preset), and the typed JSON. Expected text is tcpdump 4.99.3's
// for the same bytes (re-checked with NETLAB_PROTO_PCAP_DIR, see
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

Frame sctp(unsigned sport, unsigned dport, const Frame& chunks) {
  return ether(0x0800, ipv4(132, cat({be16(sport), be16(dport), be32(0x01020304), be32(0), chunks})));
}

Frame chunk(std::uint8_t type, std::uint8_t flags, const Frame& body) {
  Frame c = cat({{type, flags}, be16(static_cast<unsigned>(4 + body.size())), body});
  while (c.size() % 4) c.push_back(0);
  return c;
}

Frame data(std::uint8_t flags, std::uint32_t tsn, std::uint32_t ppid, const Frame& payload) {
  return chunk(0, flags, cat({be32(tsn), be16(1), be16(7), be32(ppid), payload}));
}

// A ForCES header (RFC 5810): version 1, type, length in words, IDs, correlator, flags.
Frame forces(std::uint8_t type, std::uint32_t src, std::uint32_t dst) {
  return cat({{0x10, type}, be16(6), be32(src), be32(dst), be32(0), be32(9), be32(0x38400000)});
}

// An M3UA message (RFC 4666): version 1, class, type, length, parameters.
Frame m3ua(std::uint8_t cls, std::uint8_t type, const Frame& params, std::uint32_t length = 0) {
  return cat({{1, 0, cls, type}, be32(length ? length : static_cast<std::uint32_t>(8 + params.size())), params});
}
Frame param(unsigned tag, const Frame& value) {
  Frame p = cat({be16(tag), be16(static_cast<unsigned>(4 + value.size())), value});
  while (p.size() % 4) p.push_back(0);
  return p;
}

}  // namespace

TEST_CASE("SCTP: chunks by type, flags and fields", "[proto][sctp]") {
  CHECK(print(sctp(2905, 2905, data(0x03, 100, 3, Frame(8, 0xab)))) ==
        "IP 192.0.2.1.2905 > 192.0.2.2.2905: sctp (1) [DATA] (B)(E) [TSN: 100] [SID: 1] [SSEQ 7] [PPID M3UA] \n");
  CHECK(has(print(sctp(5000, 5001, data(0x04, 5, 99, {1}))), "(1) [DATA] (U) [TSN: 5] [SID: 1] [SSEQ 7] [PPID 0x63] \n"));
  Frame init = chunk(1, 0, cat({be32(11), be32(65536), be16(10), be16(20), be32(12345)}));
  CHECK(has(print(sctp(5000, 5001, init)), "sctp (1) [INIT] [init tag: 11] [rwnd: 65536] [OS: 10] [MIS: 20] [init TSN: 12345] \n"));
  Frame sack = chunk(3, 0, cat({be32(1000), be32(4096), be16(1), be16(1), be16(2), be16(4), be32(990)}));
  CHECK(has(print(sctp(5000, 5001, sack)),
            "(1) [SACK] [cum ack 1000] [a_rwnd 4096] [#gap acks 1] [#dup tsns 1] \n\t\t[gap ack block #1: start = "
            "1002, end = 1004] \n\t\t[dup TSN #1: 990] \n"));
  Frame two = cat({chunk(4, 0, cat({be16(1), be16(8), be32(0)})), chunk(11, 0, {}), chunk(0x42, 0, {})});
  CHECK(has(print(sctp(5000, 5001, two)), "sctp (1) [HB REQ] , (2) [COOKIE ACK] , (3) [Unknown chunk type: 0x42] \n"));
  CHECK(has(print(sctp(5000, 5001, two), v(2)), "sctp\n\t1) [HB REQ] \n\t2) [COOKIE ACK] \n\t3) [Unknown chunk type: 0x42] \n"));
  CHECK(has(print(sctp(5000, 5001, data(0x03, 1, 0, {0x41, 0x42})), v(2)),
            "[PPID 0x0] [Payload:\n\t0x0000:  4142                                     AB]\n"));
}

TEST_CASE("SCTP: bad lengths and cut packets", "[proto][sctp][truncated]") {
  CHECK(has(print(sctp(5000, 5001, {0, 0, 0, 2})), "sctp (1) [Bad chunk length 2, < size of chunk descriptor]\n"));
  CHECK(has(print(sctp(5000, 5001, {0, 0})), "sctp (1) [chunk descriptor cut off at end of packet]\n"));
  CHECK(has(print(sctp(5000, 5001, chunk(0, 3, {0, 0, 0, 1}))), "(1) [DATA] (B)(E) bogus chunk length 8]\n"));
  CHECK(has(print(sctp(5000, 5001, chunk(3, 0, cat({be32(1), be32(2), be16(1), be16(0)})))),
            "[#gap acks 1] [#dup tsns 0] \n"));
  Frame f = sctp(5000, 5001, cat({data(0x03, 1, 99, Frame(8, 1)), chunk(3, 0, cat({be32(1), be32(2), be16(0), be16(0)}))}));
  CHECK(has(print(Frame(f.begin(), f.end() - 4)), " [|sctp]\n"));
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 600));
  for (const auto& line : print_mutations(f, 34, 9, 300, v(2))) CHECK(sane_line(line, 4000));
  Frame short_ip = ether(0x0800, ipv4(132, {0x13, 0x88, 0x13, 0x89}));
  CHECK(has(print(short_ip), "truncated-sctp - 8 bytes missing!\n"));
}

TEST_CASE("ForCES: by port or payload protocol, at -n and -v", "[proto][sctp][forces]") {
  Frame hb = sctp(6706, 40000, data(0x03, 1, 0, forces(0x0f, 0x40000001, 0x2)));
  CHECK(has(print(hb), "sctp[ForCES LP] (1) [DATA] (B)(E) [TSN: 1] [SID: 1] [SSEQ 7] [PPID 0x0] \n\tForCES HeartBeat \n"));
  CHECK(has(print(hb, v(1)), "\n\tForCES HeartBeat \n\tForCES Version 1 len 24B flags 0x38400000 "
                             "\n\tSrcID 0x40000001(CE) DstID 0x2(FE) Correlator 0x9\n"));
  // A Query Response without its top-level TLV: tcpdump's error path dumps the message.
  CHECK(has(print(sctp(5000, 5001, data(0x03, 1, 21, forces(0x14, 1, 2)))),
            "[PPID ForCES HP] \n\tForCES Query Response \tTop level TLV Data missing!\n\n\t[0x0000:  1014 0006 0000 "
            "0001 0000 0002 0000 0000\n\t[0x0010:  0000 0009 3840 0000\n\t]\n"));
  Frame hb_tlv = cat({forces(0x0f, 1, 2), be32(0x10000008), be32(0)});
  hb_tlv[3] = 8;  // 32 bytes
  CHECK(has(print(sctp(6704, 5001, data(0x03, 1, 0, hb_tlv))), "ForCES HeartBeat <0x1>Illegal Top level TLV!\n"));
  CHECK(has(print(sctp(6704, 5001, data(0x03, 1, 0, forces(0x12, 1, 2)))),
            "\n\tUnknown ForCES message type=0x12\n\t[0x0000:  1012 0006"));
  CHECK(has(print(sctp(6704, 5001, data(0x03, 1, 0, forces(0x08, 1, 2)))), "Invalid ForCES message type 8\n\n\t[0x0000:  1008"));
  Frame big = forces(0x03, 1, 2);
  big[3] = 40;  // says 160 bytes
  CHECK(has(print(sctp(6704, 5001, data(0x03, 1, 0, big))),
            "\n\tForCES Config Illegal ForCES pkt len - min 24, total recvd 24, advertised 160 \n\t[0x0000:  1003 0028"));
  for (const auto& line : print_prefixes(hb, v(1))) CHECK(sane_line(line, 600));
}

TEST_CASE("SCTP: JSON lists the chunks", "[proto][sctp][json]") {
  netlab::PrintOptions o;
  o.json = true;
  o.ts = netlab::TimestampStyle::None;
  auto doc = testjson::parse(print(sctp(2905, 2906, data(0x03, 100, 3, Frame(4, 1))), o));
  const auto& s = doc["layers"].array().at(2);
  CHECK(s["layer"].str() == "sctp");
  CHECK(s["sport"].num() == 2905);
  CHECK(s["verification_tag"].num() == 0x01020304);
  const auto& c = s["chunks"].array().at(0);
  CHECK(c["type"].str() == "DATA");
  CHECK(c["tsn"].num() == 100);
  CHECK(c["ppid"].num() == 3);
}

TEST_CASE("ForCES: the flags at -vv", "[proto][sctp][forces]") {
  Frame hb = sctp(6706, 40000, data(0x03, 1, 0, forces(0x0f, 0x40000001, 0x2)));
  CHECK(has(print(hb, v(2)), "Correlator 0x9\n\tForCES flags:\n\t  NoACK(0x0), prio=7, execute-all-or-none(0x1),"
                             "\n\t  Standalone(0x0), StartofTransaction(0x0)"
                             "\n\t  Extra flags: rsv(b5-7) 0x0 rsv(b13-31) 0x0\n\n"));
  Frame f = forces(0x0f, 0x40000001, 0x2);
  f[20] = f[21] = f[22] = f[23] = 0xff;  // every field at its top value
  CHECK(has(print(sctp(6706, 40000, data(0x03, 1, 0, f)), v(2)),
            "AlwaysACK(0x3), prio=7, continue-execute-on-failure(0x3),\n\t  2PCtransaction(0x1), abort(0x3)"
            "\n\t  Extra flags: rsv(b5-7) 0x7 rsv(b13-31) 0x7ffff\n"));
}

TEST_CASE("M3UA: messages and parameters at -vv", "[proto][sctp][m3ua]") {
  const Frame ok = sctp(2905, 2905, data(0x03, 1, 3, m3ua(1, 1, cat({param(0x200, be32(5)), param(6, be32(16)),
                                                                        param(0x210, Frame(9, 1)), param(0x13, {2, 3})}))));
  // tcpdump 4.99.3 prints the parameter's first word (tag and length) as the value.
  CHECK(has(print(ok, v(2)), "[PPID M3UA] \n\t\tTransfer Data Message\n\t\t\tNetwork Appearance: 0x02000008"
                             "\n\t\t\tRouting Context: 0x00060008\n\t\t\tProtocol Data: (length 13)"
                             "\n\t\t\tCorrelation ID:  (invalid)\n"));
  CHECK(!has(print(ok, v(1)), "Transfer"));
  CHECK(has(print(sctp(2905, 2905, data(0x03, 1, 3, m3ua(1, 1, param(0x200, be32(5)), 100))), v(2)),
            "\n\t\tTransfer Data Message\n\t\t\t@@@@@@ Corrupted length 100 of message @@@@@@\n"));
  CHECK(has(print(sctp(2905, 2905, data(0x03, 1, 3, m3ua(7, 1, param(0x999, {})))), v(2)),
            "\n\t\tUnknown message class 7\n\t\t\tUnknown Parameter (0x0999): (length 4)\n"));
  CHECK(has(print(sctp(2905, 2905, data(0x03, 1, 3, m3ua(3, 9, cat({be16(0x200), be16(2), {0, 0}})))), v(2)),
            "\n\t\tASP Unknown (0x09) Message\n\t\t\tNetwork Appearance:  (invalid)\n"));
  // Another version: nothing after the chunk.
  CHECK(has(print(sctp(2905, 2905, data(0x03, 1, 3, cat({{2, 0, 1, 1}, be32(8)}))), v(2)), "[PPID M3UA] \n"));
  for (const auto& line : print_prefixes(ok, v(2))) CHECK(sane_line(line, 1000));
  for (const auto& line : print_mutations(ok, 54, 17, 300, v(2))) CHECK(sane_line(line, 4000));
}

TEST_CASE("SCTP: JSON types the M3UA and ForCES headers", "[proto][sctp][json]") {
  netlab::PrintOptions o;
  o.json = true;
  o.ts = netlab::TimestampStyle::None;
  auto doc = testjson::parse(print(sctp(2905, 2905, data(0x03, 1, 3, m3ua(1, 1, param(0x200, be32(5))))), o));
  const auto& m = doc["layers"].array().at(2)["chunks"].array().at(0)["m3ua"];
  CHECK(m["class"].num() == 1);
  CHECK(m["type"].num() == 1);
  CHECK(m["length"].num() == 16);
  auto fdoc = testjson::parse(print(sctp(6706, 40000, data(0x03, 1, 0, forces(0x0f, 0x40000001, 0x2))), o));
  const auto& f = fdoc["layers"].array().at(2)["chunks"].array().at(0)["forces"];
  CHECK(f["type"].num() == 0x0f);
  CHECK(f["src_id"].num() == 0x40000001);
  CHECK(f["flags"].num() == 0x38400000);
}
