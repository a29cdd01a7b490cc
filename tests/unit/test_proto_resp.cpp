// RESP, Redis on TCP 6379 (resp.cpp): simple strings, errors, integers,
// bulk strings and arrays (only their values printed), inline commands,
// pipelined values, the length words (empty, null, length too large,
// length negative and not -1, invalid), tcpdump's port order, and hostile
// input: lengths far past the segment, counts of two billion, thousands of
// nested arrays (no recursion), every prefix of a segment cut by the
// capture, seeded mutations (never a read past the capture: run under the
// asan preset), and the typed JSON. Expected text is tcpdump 4.99.3's for the
// same bytes (re-checked with NETLAB_PROTO_PCAP_DIR, see
// test_proto_support.cpp).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

Frame text(std::string_view s) { return Frame(s.begin(), s.end()); }

Frame repeat(std::string_view s, int n) {
  Frame f;
  for (int k = 0; k < n; ++k) f.insert(f.end(), s.begin(), s.end());
  return f;
}

// A PSH/ACK segment from 192.0.2.1.sport to 192.0.2.2.dport carrying payload.
Frame seg(unsigned sport, unsigned dport, const Frame& payload) {
  Frame tcp = cat({be16(sport), be16(dport), be32(1000), be32(2000), {0x50, 0x18}, be16(65535), be16(0), be16(0),
                   payload});
  return ether(0x0800, ipv4(6, tcp, "192.0.2.1", "192.0.2.2"));
}

// The text after the TCP length for a client's segment to port 6379.
std::string resp(std::string_view payload, netlab::PrintOptions o = {}) {
  std::string line = print(seg(40000, 6379, text(payload)), o);
  auto at = line.find(", length ");
  if (at == std::string::npos) return line;
  auto colon = line.find(':', at);
  return colon == std::string::npos ? line.substr(at) : line.substr(colon);
}

constexpr std::size_t kPayload = 14 + 20 + 20;  // where the segment's payload starts in seg()

}  // namespace

TEST_CASE("RESP: the five types and pipelined values", "[proto][resp]") {
  CHECK(has(print(seg(40000, 6379, text("*1\r\n$4\r\nPING\r\n"))), "length 14: RESP \"PING\"\n"));
  CHECK(resp("+PONG\r\n") == ": RESP \"PONG\"\n");
  CHECK(resp("-ERR unknown command 'x'\r\n") == ": RESP \"ERR unknown command 'x'\"\n");
  CHECK(resp(":1000\r\n") == ": RESP \"1000\"\n");
  CHECK(resp("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n") == ": RESP \"SET\" \"key\" \"value\"\n");
  // Nested arrays print their values only; mixed types in one array.
  CHECK(resp("*2\r\n*2\r\n:1\r\n:2\r\n*1\r\n+three\r\n") == ": RESP \"1\" \"2\" \"three\"\n");
  // Pipelining: values follow each other in one segment.
  CHECK(resp("*2\r\n$4\r\nINCR\r\n$1\r\nz\r\n*2\r\n$4\r\nINCR\r\n$1\r\nz\r\n") ==
        ": RESP \"INCR\" \"z\" \"INCR\" \"z\"\n");
  CHECK(resp("+OK\r\n:2\r\n$5\r\nredis\r\n") == ": RESP \"OK\" \"2\" \"redis\"\n");
  // Bytes that are not printable, as tcpdump's fn_print_char shows them.
  CHECK(resp("$4\r\na\x01\xe9\x7f\r\n") == ": RESP \"a^AM-i^?\"\n");
  // Both ports: a server's reply too, and the same text at -v and -vv.
  CHECK(has(print(seg(6379, 40000, text("+OK\r\n"))), "length 5: RESP \"OK\"\n"));
  CHECK(has(print(seg(6379, 40000, text("+OK\r\n")), v(2)), "length 5: RESP \"OK\"\n"));
}

TEST_CASE("RESP: inline commands end at any run of CR and LF", "[proto][resp]") {
  CHECK(resp("PING\r\n") == ": RESP \"PING\"\n");
  CHECK(resp("set test 1\r\n") == ": RESP \"set test 1\"\n");
  CHECK(resp("PING\nPING\r\r\n\nget a\n") == ": RESP \"PING\" \"PING\" \"get a\"\n");
  // Leading line ends are skipped; an empty line between CR LF and LF is none.
  CHECK(resp("\r\n\nPING\r\n") == ": RESP \"PING\"\n");
  // A line without its ending runs off the segment.
  CHECK(resp("PING") == ": RESP [|resp]\n");
  CHECK(resp("PING\r\nPO") == ": RESP \"PING\" [|resp]\n");
  // Only line ends: nothing after them.
  CHECK(resp("\r\n") == ": RESP [|resp]\n");
}

TEST_CASE("RESP: the length words", "[proto][resp][invalid]") {
  CHECK(resp("$0\r\n\r\n") == ": RESP empty\n");
  CHECK(resp("*0\r\n") == ": RESP empty\n");
  CHECK(resp("$-1\r\n") == ": RESP null\n");
  CHECK(resp("*-1\r\n") == ": RESP null\n");
  CHECK(resp("$-2\r\n") == ": RESP length negative and not -1\n");
  CHECK(resp("*-0\r\n") == ": RESP length negative and not -1\n");
  CHECK(resp("$-20\r\nhi\r\n") == ": RESP length negative and not -1 \"hi\"\n");
  CHECK(resp("$2147483647\r\n") == ": RESP [|resp]\n");  // INT_MAX: a length, past the segment
  CHECK(resp("$2147483648\r\n") == ": RESP length too large\n");
  CHECK(resp("*99999999999999999999\r\n") == ": RESP length too large\n");
  CHECK(resp("$-2147483649\r\n") == ": RESP length negative and not -1\n");
  // Not digits, or digits not ended by CR LF: invalid, and the segment
  // goes on after the first wrong byte.
  CHECK(resp("$x\r\n") == ": RESP invalid [|resp]\n");
  CHECK(resp("$xy\r\n") == ": RESP invalid \"y\"\n");
  CHECK(resp("$3x\r\n") == ": RESP invalid [|resp]\n");
  CHECK(resp("$3\rx\n") == ": RESP invalid [|resp]\n");
  CHECK(resp("*\r\n:1\r\n") == ": RESP invalid \":1\"\n");
  // The bytes after a bulk string up to the next CR LF are skipped.
  CHECK(resp("$1\r\nabcd\r\n+OK\r\n") == ": RESP \"a\" \"OK\"\n");
  CHECK(resp("$0\r\nxyz\r\n:5\r\n") == ": RESP empty \"5\"\n");
}

TEST_CASE("RESP: tcpdump's port order decides who prints", "[proto][resp]") {
  // BGP (179) comes before RESP in tcp_print's chain (so do telnet, smtp,
  // whois and pptp, which netlab does not decode: the table's claimed_before).
  CHECK(has(print(seg(179, 6379, text("+OK\r\n"))), "length 5: BGP\n"));
  // RESP comes before SSH (22) and HTTP (80).
  CHECK(has(print(seg(22, 6379, text("SSH-2.0-x\r\n"))), ": RESP \"SSH-2.0-x\"\n"));
  CHECK(has(print(seg(6379, 80, text("GET / HTTP/1.0\r\n"))), ": RESP \"GET / HTTP/1.0\"\n"));
  // No payload: no RESP.
  CHECK(has(print(seg(40000, 6379, {})), "length 0\n"));
}

TEST_CASE("RESP: hostile counts and nesting stay bounded", "[proto][resp][invalid]") {
  // A count of two billion values with one present.
  CHECK(resp("*2147483647\r\n+a\r\n") == ": RESP \"a\" [|resp]\n");
  // A bulk length past the segment: nothing of it printed.
  CHECK(resp("$5\r\nab\r\n") == ": RESP [|resp]\n");
  // Fifteen thousand nested arrays around one value: walked without recursion.
  Frame deep = cat({repeat("*1\r\n", 15000), text("+x\r\n")});
  CHECK(has(print(seg(40000, 6379, deep)), "length 60004: RESP \"x\"\n"));
  Frame wide = cat({repeat("*2\r\n", 15000), text("+x\r\n")});
  CHECK(has(print(seg(40000, 6379, wide)), "length 60004: RESP \"x\" [|resp]\n"));
  // A segment of only invalid lengths: one word per two bytes.
  std::string many = print(seg(40000, 6379, repeat("$$", 2000)));
  CHECK(has(many, "length 4000: RESP invalid invalid"));
  CHECK(has(many, " invalid invalid\n"));
  CHECK(sane_line(many, 20000));
}

TEST_CASE("RESP: a cut segment ends in [|resp]", "[proto][resp][truncated]") {
  Frame f = seg(40000, 6379, text("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n+OK\r\nPING\r\n"));
  const auto wire = static_cast<std::uint32_t>(f.size());
  auto cut = [&](std::size_t n) { return print(Frame(f.begin(), f.begin() + static_cast<long>(kPayload + n)), {}, 1, wire); };
  // Nothing of the payload captured; then inside the count, a string, its
  // CR LF, the simple string and the inline command.
  CHECK(has(cut(0), "length 44: RESP [|resp]\n"));
  CHECK(has(cut(3), "length 44: RESP [|resp]\n"));
  CHECK(has(cut(10), "length 44: RESP [|resp]\n"));
  CHECK(has(cut(12), "length 44: RESP \"SET\" [|resp]\n"));
  CHECK(has(cut(13), "length 44: RESP \"SET\" [|resp]\n"));
  CHECK(has(cut(33), "length 44: RESP \"SET\" \"key\" \"value\" [|resp]\n"));
  CHECK(has(cut(37), "length 44: RESP \"SET\" \"key\" \"value\" [|resp]\n"));
  CHECK(has(cut(38), "length 44: RESP \"SET\" \"key\" \"value\" \"OK\" [|resp]\n"));
  CHECK(has(cut(42), "length 44: RESP \"SET\" \"key\" \"value\" \"OK\" [|resp]\n"));
  // The line end of an inline command captured, the rest of its run not.
  CHECK(has(cut(43), "length 44: RESP \"SET\" \"key\" \"value\" \"OK\" \"PING\" [|resp]\n"));
  CHECK(has(cut(44), "length 44: RESP \"SET\" \"key\" \"value\" \"OK\" \"PING\"\n"));
  for (const auto& line : print_prefixes(f)) CHECK(sane_line(line, 400));
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 800));
  for (const auto& line : print_mutations(f, kPayload, 61, 400)) CHECK(sane_line(line, 4000));
  for (const auto& line : print_mutations(f, kPayload, 62, 400, v(1))) CHECK(sane_line(line, 4000));
  Frame inl = seg(40000, 6379, text("set a 1\r\nget a\r\n*2\r\n$-1\r\n*0\r\n"));
  for (const auto& line : print_prefixes(inl, v(1))) CHECK(sane_line(line, 800));
  for (const auto& line : print_mutations(inl, kPayload, 63, 400)) CHECK(sane_line(line, 4000));
}

TEST_CASE("RESP: JSON lists the typed values", "[proto][resp][json]") {
  auto doc = testjson::parse(
      print(seg(40000, 6379, text("*3\r\n$3\r\nSET\r\n:7\r\n$-1\r\n-ERR x\r\nPING\r\n*0\r\n")), json()));
  const auto& r = doc["layers"].array().at(3);
  CHECK(r["layer"].str() == "resp");
  CHECK(r["length"].num() == 40);
  const auto& vals = r["values"].array();
  REQUIRE(vals.size() == 7);
  CHECK(vals.at(0)["type"].str() == "array");
  CHECK(vals.at(0)["count"].num() == 3);
  CHECK(vals.at(1)["type"].str() == "bulk_string");
  CHECK(vals.at(1)["value"].str() == "SET");
  CHECK(vals.at(2)["type"].str() == "integer");
  CHECK(vals.at(2)["value"].str() == "7");
  CHECK(vals.at(3)["state"].str() == "null");
  CHECK(vals.at(4)["type"].str() == "error");
  CHECK(vals.at(4)["value"].str() == "ERR x");
  CHECK(vals.at(5)["type"].str() == "inline");
  CHECK(vals.at(5)["value"].str() == "PING");
  CHECK(vals.at(6)["type"].str() == "array");
  CHECK(vals.at(6)["state"].str() == "empty");
  CHECK(!r.has("truncated"));
  // Cut: the values before it, and "truncated".
  auto c = testjson::parse(print(seg(40000, 6379, text("+OK\r\n$9\r\nab\r\n")), json()));
  const auto& cr = c["layers"].array().at(3);
  CHECK(cr["values"].array().size() == 1);
  CHECK(cr["truncated"].boolean());
}
