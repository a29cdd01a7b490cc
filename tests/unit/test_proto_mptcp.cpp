// MPTCP options (mptcp.cpp, TCP option 30): every subtype at the lengths
// tcpdump accepts, the lengths and TCP flags it answers with "[bad opt]", a
// DSS whose length runs out mid-field, segments cut at every length and
// mutated (never a read past the capture: run under the asan preset), and
// the typed JSON. Expected text is tcpdump 4.99.3's for the same bytes
// (re-checked with NETLAB_PROTO_PCAP_DIR, see test_proto_support.cpp).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

constexpr std::uint8_t S = 0x02, A = 0x10, P = 0x08;

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A segment from 192.0.2.1.40000 to 192.0.2.2.50000 with these options,
// padded with NOPs in front to a multiple of 4.
Frame seg(std::uint8_t flags, Frame options, const Frame& payload = {}) {
  while (options.size() % 4) options.insert(options.begin(), 1);
  auto off = static_cast<std::uint8_t>((20 + options.size()) / 4 << 4);
  Frame tcp = cat({be16(40000), be16(50000), be32(1000), be32(flags & A ? 2000 : 0), {off, flags}, be16(65535),
                   be16(0), be16(0), options, payload});
  return ether(0x0800, ipv4(6, tcp, "192.0.2.1", "192.0.2.2"));
}

Frame key8(std::uint8_t first) { return {first, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}; }

}  // namespace

TEST_CASE("MPTCP: MP_CAPABLE and MP_JOIN at each handshake step", "[proto][mptcp]") {
  CHECK(has(print(seg(S, {30, 4, 0x01, 0x81})), "options [mptcp 4 capable v1 csum], length 0\n"));
  CHECK(has(print(seg(S, cat({{30, 12, 0x00, 0x81}, key8(0x11)}))), "mptcp 12 capable v0 csum {0x1122334455667788}]"));
  CHECK(has(print(seg(A, cat({{30, 20, 0x01, 0x01}, key8(0x11), key8(0x99)}))),
            "mptcp 20 capable v1 {0x1122334455667788,0x9922334455667788}]"));
  CHECK(has(print(seg(S, {30, 4, 0x03, 0x00})), "mptcp 4 capable Unknown Version (3)]"));
  // MP_CAPABLE of 12 bytes without SYN, or of 20 with SYN: tcpdump's bad length.
  CHECK(has(print(seg(A, cat({{30, 12, 0x00, 0x81}, key8(0x11)}))), "options [mptcp 12 capable[bad opt]\n"));
  CHECK(has(print(seg(S, {30, 12, 0x11, 0x02, 0, 0, 0, 1, 0, 0, 0, 2})), "mptcp 12 join backup id 2 token 0x1 nonce 0x2]"));
  CHECK(has(print(seg(S | A, cat({{30, 16, 0x10, 0x05}, key8(0x11), be32(0xabcd)}))),
            "mptcp 16 join id 5 hmac 0x1122334455667788 nonce 0xabcd]"));
  Frame mac(20, 0x0f);
  CHECK(has(print(seg(A, cat({{30, 24, 0x10, 0x00}, mac}))),
            "mptcp 24 join hmac 0x0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f]"));
  CHECK(has(print(seg(A, {30, 12, 0x10, 0x02, 0, 0, 0, 1, 0, 0, 0, 2})), "options [mptcp 12 join[bad opt]\n"));
}

TEST_CASE("MPTCP: DSS with 4- and 8-byte numbers, checksum and data FIN", "[proto][mptcp]") {
  // A: data ack only (4 bytes)
  CHECK(has(print(seg(A, cat({{30, 8, 0x20, 0x01}, be32(3000)}))), "mptcp 8 dss ack 3000]"));
  // a|A: 8-byte ack; M: 4-byte map with subflow seq and length; 2 more bytes are the checksum
  Frame dss = cat({{30, 24, 0x20, 0x17}, be32(0), be32(7), be32(4000), be32(1), be16(41), be16(0x82f)});
  CHECK(has(print(seg(A | P, dss, Frame(41, 'x'))), "mptcp 24 dss fin ack 7 seq 4000 subseq 1 len 41 csum 0x82f]"));
  Frame m8 = cat({{30, 18, 0x20, 0x0c}, be32(1), be32(2), be32(9), be16(5)});
  CHECK(has(print(seg(A, m8)), "mptcp 18 dss seq 4294967298 subseq 9 len 5]"));
  // The length ends inside the mapping: the fields read so far, then [bad opt].
  CHECK(has(print(seg(A, cat({{30, 12, 0x20, 0x05}, be32(3000), be32(4000)}))),
            "options [mptcp 12 dss ack 3000 seq 4000[bad opt]\n"));
  CHECK(has(print(seg(A, cat({{30, 6, 0x20, 0x01}, be16(1)}))), "mptcp 6 dss ack [bad opt]]"));
  // One byte left over after the mapping.
  CHECK(has(print(seg(A, cat({{30, 15, 0x20, 0x04}, be32(1), be32(2), be16(3), {0}}))),
            "options [nop,mptcp 15 dss seq 1 subseq 2 len 3[bad opt]]\n"));
  CHECK(has(print(seg(S, cat({{30, 8, 0x20, 0x01}, be32(3000)}))), "options [mptcp 8 dss[bad opt]\n"));
}

TEST_CASE("MPTCP: ADD_ADDR, REMOVE_ADDR, MP_PRIO, MP_FAIL, MP_FASTCLOSE and unknown", "[proto][mptcp]") {
  CHECK(has(print(seg(A, cat({{30, 8, 0x34, 0x01}, ip4a("192.0.2.9")}))), "mptcp 8 add-addr v0-ip4 id 1 192.0.2.9]"));
  CHECK(has(print(seg(A, cat({{30, 18, 0x30, 0x02}, ip4a("192.0.2.9"), be16(8080), key8(0xaa)}))),
            "mptcp 18 add-addr v1 id 2 192.0.2.9:8080 hmac 0xaa22334455667788]"));
  CHECK(has(print(seg(A, cat({{30, 20, 0x31, 0x03}, ip6a("2001:db8::9")}))), "mptcp 20 add-addr v1-echo id 3 2001:db8::9]"));
  CHECK(has(print(seg(A, cat({{30, 8, 0x3f, 0x01}, ip4a("192.0.2.9")}))),
            "mptcp 8 add-addr [bad version/echo] id 1 192.0.2.9]"));
  CHECK(has(print(seg(A, cat({{30, 9, 0x30, 0x01}, ip4a("192.0.2.9"), {0}}))), "mptcp 9 add-addr[bad opt]]"));
  CHECK(has(print(seg(A, {30, 5, 0x40, 4, 7})), "mptcp 5 rem-addr id 4 7]"));
  CHECK(has(print(seg(A, {30, 4, 0x51, 3})), "mptcp 4 prio backup id 3]"));
  CHECK(has(print(seg(A, {30, 3, 0x50})), "mptcp 3 prio non-backup]"));
  CHECK(has(print(seg(A, cat({{30, 12, 0x60, 0}, key8(0x01)}))), "mptcp 12 fail seq 81684111829661576]"));
  CHECK(has(print(seg(A, cat({{30, 12, 0x70, 0}, key8(0x01)}))), "mptcp 12 fast-close key 0x122334455667788]"));
  CHECK(has(print(seg(A, {30, 3, 0xe0})), "mptcp 3 unknown]"));
  CHECK(has(print(seg(A, {30, 2})), "mptcp[bad opt]]"));
}

TEST_CASE("MPTCP: cut and mutated segments stay in the capture", "[proto][mptcp][truncated]") {
  Frame dss = cat({{30, 24, 0x20, 0x17}, be32(0), be32(7), be32(4000), be32(1), be16(41), be16(0x82f)});
  Frame f = seg(A | P, cat({{30, 3, 0x50, 1}, dss}), Frame(8, 'x'));
  netlab::PrintOptions vv;
  vv.verbose = 2;
  for (const auto& line : print_prefixes(f, vv)) CHECK(sane_line(line, 600));
  for (const auto& line : print_mutations(f, 54, 30, 400, vv)) CHECK(sane_line(line, 4000));
  // Cut inside the DSS option: tcpdump's LENCHECK truncation, after the
  // option's name, with the ">" that closes a list already begun; named
  // mptcp once an MPTCP option was printed.
  Frame cut(f.begin(), f.end() - 8 - 10);
  CHECK(has(print(cut), "options [mptcp 3 prio non-backup,nop,mptcp [|mptcp]>\n"));
  Frame first(f.begin(), f.end() - 8 - 28 + 2);
  CHECK(has(print(first), "options [mptcp [|tcp]\n"));
}

TEST_CASE("MPTCP: JSON names the subtype and its fields", "[proto][mptcp][json]") {
  Frame dss = cat({{30, 20, 0x20, 0x05}, be32(3000), be32(4000), be32(1), be16(41), be16(0x82f)});
  auto doc = testjson::parse(print(seg(A, dss), json()));
  const auto& t = doc["layers"].array().at(2);
  CHECK(t["layer"].str() == "tcp");
  const auto& o = t["options"].array().back();
  CHECK(o["kind"].str() == "mptcp");
  CHECK(o["subtype"].str() == "dss");
  CHECK(o["valid"].boolean());
  CHECK(o["data_ack"].num() == 3000);
  CHECK(o["data_seq"].num() == 4000);
  CHECK(o["data_length"].num() == 41);
  CHECK(o["checksum"].num() == 0x82f);
  auto bad = testjson::parse(print(seg(A, {30, 12, 0x10, 0x02, 0, 0, 0, 1, 0, 0, 0, 2}), json()));
  const auto& b = bad["layers"].array().at(2)["options"].array().back();
  CHECK(b["subtype"].str() == "join");
  CHECK_FALSE(b["valid"].boolean());
}
