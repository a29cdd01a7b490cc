// HTTP request and response lines (http.cpp) and the SSH version line
// (ssh.cpp) after the TCP header: the first line at -n, every printable
// line at -v, continuations that print only "HTTP", the unended last line
// marked [|http], tcpdump's port order (SSH before HTTP before DNS),
// segments cut at every length and mutated (never a read past the capture:
// run under the asan preset), and the typed JSON. Expected text is tcpdump
// 4.99.3's for the same bytes (re-checked with NETLAB_PROTO_PCAP_DIR, see
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

Frame text(std::string_view s) { return Frame(s.begin(), s.end()); }

// A PSH/ACK segment from 192.0.2.1.sport to 192.0.2.2.dport carrying payload.
Frame seg(unsigned sport, unsigned dport, const Frame& payload) {
  Frame tcp = cat({be16(sport), be16(dport), be32(1000), be32(2000), {0x50, 0x18}, be16(65535), be16(0), be16(0),
                   payload});
  return ether(0x0800, ipv4(6, tcp, "192.0.2.1", "192.0.2.2"));
}

const std::string_view kGet = "GET /index.html HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n";

}  // namespace

TEST_CASE("HTTP: request and status lines at -n and every line at -v", "[proto][http]") {
  Frame get = seg(40000, 80, text(kGet));
  CHECK(has(print(get), "length 60: HTTP: GET /index.html HTTP/1.1\n"));
  CHECK(has(print(get, v(1)),
            "length 60: HTTP, length: 60\n\tGET /index.html HTTP/1.1\n\tHost: example.org\n\tAccept: */*\n\t\n"));
  Frame ok = seg(8080, 40000, text("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
  CHECK(has(print(ok), ": HTTP: HTTP/1.1 404 Not Found\n"));
  // Methods are matched without case; a bare LF ends a line too.
  CHECK(has(print(seg(40000, 80, text("options * HTTP/1.0\nX: y\n"))), ": HTTP: options * HTTP/1.0\n"));
  // A body's continuation: not a method, no status code second.
  CHECK(has(print(seg(80, 40000, text("<html><body>hello</body></html>\r\n"))), "length 33: HTTP\n"));
  CHECK(has(print(seg(80, 40000, text("HTTP/1.1 20 OK\r\n"))), "length 16: HTTP\n"));
}

TEST_CASE("HTTP: binary bytes stop the lines, an unended line is marked cut", "[proto][http][truncated]") {
  CHECK(has(print(seg(40000, 80, text("GET /a HTTP/1.1\r\nX: 1\r\n\x01\x02"))), ": HTTP: GET /a HTTP/1.1\n"));
  CHECK(has(print(seg(40000, 80, text("GET /a HTTP/1.1\r\nX: 1\r\n\x01\x02")), v(1)),
            "HTTP, length: 25\n\tGET /a HTTP/1.1\n\tX: 1\n"));
  CHECK(has(print(seg(40000, 80, text("GET /a HTTP/1.1"))), ": HTTP: GET /a HTTP/1.1 [|http]\n"));
  CHECK(has(print(seg(40000, 80, text("GET /a HTTP/1.1\r\nHost: x")), v(1)),
        "HTTP, length: 24\n\tGET /a HTTP/1.1\n\tHost: x [|http]\n"));
  // A CR as the last byte, or a CR without LF: nothing more.
  CHECK(has(print(seg(40000, 80, text("GET /a HTTP/1.1\r"))), ": HTTP\n"));
  CHECK(has(print(seg(40000, 80, text("GET /a\rHTTP/1.1\r\n"))), ": HTTP\n"));
  Frame f = seg(40000, 80, text(kGet));
  for (const auto& line : print_prefixes(f, v(1))) CHECK(sane_line(line, 800));
  for (const auto& line : print_mutations(f, 54, 17, 300, v(1))) CHECK(sane_line(line, 4000));
  // The payload cut by the capture (not by its own end): tcpdump's GET_ truncation.
  Frame cut(f.begin(), f.end() - 50);
  CHECK(has(print(cut, {}, 1, static_cast<std::uint32_t>(f.size())), ": HTTP [|http]\n"));
}

TEST_CASE("SSH: the version line on port 22, first in tcpdump's port order", "[proto][ssh]") {
  CHECK(has(print(seg(40000, 22, text("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"))),
            "length 32: SSH: SSH-2.0-OpenSSH_9.2p1 Debian-2\n"));
  CHECK(has(print(seg(22, 40000, text("SSH-1.99-x\n"))), "length 11: SSH: SSH-1.99-x\n"));
  // Not a version line, or one without its ending: nothing after the length.
  CHECK(has(print(seg(22, 40000, Frame{0, 0, 0, 0x1c, 0x0a, 0x14})), "length 6\n"));
  CHECK(has(print(seg(22, 40000, text("SSH-2.0-x"))), "length 9\n"));
  // Fewer than four bytes: "SSH-" runs off the segment.
  CHECK(has(print(seg(22, 40000, text("SS"))), "length 2 [|ssh]\n"));
  // Port 22 wins over 80, as in tcpdump's chain.
  CHECK(has(print(seg(22, 80, text("SSH-2.0-x\r\n"))), "SSH: SSH-2.0-x\n"));
  Frame f = seg(40000, 22, text("SSH-2.0-OpenSSH_9.2p1\r\n"));
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 600));
}

TEST_CASE("HTTP and SSH: JSON has the first line and the version", "[proto][http][ssh][json]") {
  auto doc = testjson::parse(print(seg(40000, 80, text(kGet)), json()));
  const auto& h = doc["layers"].array().at(3);
  CHECK(h["layer"].str() == "http");
  CHECK(h["message_start"].boolean());
  CHECK(h["first_line"].str() == "GET /index.html HTTP/1.1");
  CHECK(h["length"].num() == 60);
  auto s = testjson::parse(print(seg(40000, 22, text("SSH-2.0-x\r\n")), json()));
  CHECK(s["layers"].array().at(3)["version"].str() == "SSH-2.0-x");
}
