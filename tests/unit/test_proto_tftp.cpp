// TFTP (tftp.cpp): requests with mode and options, OACK, data,
// acknowledgments and errors, bogus opcodes, strings without their NUL and
// packets cut at every length (never a read past the capture: run under the
// asan preset), and the typed JSON form. Expected text is tcpdump 4.99.3's
// for the same bytes (re-checked with NETLAB_PROTO_PCAP_DIR, see
// test_proto_support.cpp).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Bytes of a string with its NULs kept ("a\0b\0").
Frame text(std::string_view s) { return Frame(s.begin(), s.end()); }

Frame tftp_frame(const Frame& msg, unsigned sport = 40000, unsigned dport = 69) {
  Frame udp = cat({be16(sport), be16(dport), be16(static_cast<unsigned>(8 + msg.size())), be16(0), msg});
  return ether(0x0800, ipv4(17, udp, "192.0.2.1", "192.0.2.2"));
}

}  // namespace

TEST_CASE("TFTP: requests, options and the other opcodes", "[proto][tftp]") {
  using namespace std::string_view_literals;
  Frame rrq = tftp_frame(cat({be16(1), text("pxelinux.0\0octet\0"sv)}));
  CHECK(print(rrq) == "IP 192.0.2.1.40000 > 192.0.2.2.69: TFTP, length 19, RRQ \"pxelinux.0\" octet\n");
  Frame opts = tftp_frame(cat({be16(2), text("f\0netascii\0blksize\0001428\0"sv)}));
  CHECK(has(print(opts), "TFTP, length 26, WRQ \"f\" netascii blksize 1428\n"));
  CHECK(has(print(tftp_frame(cat({be16(6), text("tsize\0""512\0"sv)}), 69, 40000)), "TFTP, length 12, OACK tsize 512\n"));
  CHECK(has(print(tftp_frame(cat({be16(3), be16(7), Frame(4, 0)}), 40000)), "TFTP, length 8, DATA block 7\n"));
  CHECK(has(print(tftp_frame(cat({be16(4), be16(7)}))), "TFTP, length 4, ACK block 7\n"));
  CHECK(has(print(tftp_frame(cat({be16(5), be16(1), text("no such file\0"sv)}))),
            "TFTP, length 17, ERROR ENOTFOUND \"no such file\"\n"));
  CHECK(has(print(tftp_frame(cat({be16(5), be16(42), text("x\0"sv)}))), "ERROR tftp-err-#42 \" \"x\"\n"));
  CHECK(has(print(tftp_frame(cat({be16(9), be16(0)}))), "TFTP, length 4, tftp-#9\n"));
  CHECK(has(print(tftp_frame(cat({be16(1), text("a\tb\0octet\0"sv)})), v(1)), "RRQ \"a^Ib\" octet\n"));
}

TEST_CASE("TFTP: strings without their NUL and cut packets end in [|tftp]", "[proto][tftp][truncated]") {
  using namespace std::string_view_literals;
  CHECK(has(print(tftp_frame(cat({be16(1), text("file"sv)}))), "RRQ \"file\" [|tftp]\n"));
  CHECK(has(print(tftp_frame(cat({be16(1), text("file\0"sv)}))), "RRQ \"file\" [|tftp]\n"));
  CHECK(has(print(tftp_frame(be16(4))), "TFTP, length 2, ACK [|tftp]\n"));
  CHECK(has(print(tftp_frame({0})), "TFTP, length 1 [|tftp]\n"));
  Frame f = tftp_frame(cat({be16(1), text("pxelinux.0\0octet\0blksize\0001428\0"sv)}));
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 600));
  for (const auto& line : print_mutations(f, 42, 53, 300, v(2))) CHECK(sane_line(line, 4000));
}

TEST_CASE("TFTP: JSON has the opcode, file and mode", "[proto][tftp][json]") {
  using namespace std::string_view_literals;
  auto doc = testjson::parse(print(tftp_frame(cat({be16(1), text("pxelinux.0\0octet\0"sv)})), json()));
  const auto& t = doc["layers"].array().at(3);
  CHECK(t["layer"].str() == "tftp");
  CHECK(t["op"].str() == "RRQ");
  CHECK(t["file"].str() == "pxelinux.0");
  CHECK(t["mode"].str() == "octet");
  auto e = testjson::parse(print(tftp_frame(cat({be16(5), be16(1), text("x\0"sv)})), json()));
  CHECK(e["layers"].array().at(3)["error_code"].num() == 1);
}
