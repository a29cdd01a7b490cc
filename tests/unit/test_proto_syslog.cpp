// Syslog over UDP (syslog.cpp): the priority as facility.severity at -n,
// the message under -v and its hex at -vv, priorities tcpdump has no name
// for, malformed starts, messages cut at every length (never a read past the
// capture: run under the asan preset) and the typed JSON form. Expected text
// is tcpdump 4.99.3's for the same bytes (re-checked with
// NETLAB_PROTO_PCAP_DIR, see test_proto_support.cpp).

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

Frame syslog_frame(std::string_view text) {
  Frame msg(text.begin(), text.end());
  Frame udp = cat({be16(40000), be16(514), be16(static_cast<unsigned>(8 + msg.size())), be16(0), msg});
  return ether(0x0800, ipv4(17, udp, "192.0.2.1", "192.0.2.2"));
}

}  // namespace

TEST_CASE("syslog: facility and severity at -n, the message under -v", "[proto][syslog]") {
  Frame f = syslog_frame("<13>Dec  6 03:00:00 lab: link up");
  CHECK(print(f) == "IP 192.0.2.1.40000 > 192.0.2.2.514: SYSLOG user.notice, length: 32\n");
  CHECK(has(print(f, v(1)), "SYSLOG, length: 32\n\tFacility user (1), Severity notice (5)\n"
                            "\tMsg: Dec  6 03:00:00 lab: link up\n"));
  CHECK(has(print(f, v(2)), "\tMsg: Dec  6 03:00:00 lab: link up\n\t0x0000:  3c31 333e 4465 6320 2036"));
  CHECK(has(print(syslog_frame("<0>panic")), "SYSLOG kernel.emergency, length: 8\n"));
  CHECK(has(print(syslog_frame("<191>x")), "SYSLOG local7.debug, length: 6\n"));
  CHECK(has(print(syslog_frame("<999>x")), "SYSLOG unknown (124).debug, length: 6\n"));
  CHECK(has(print(syslog_frame("<14>tab\there\x01"), v(1)), "\tMsg: tab^Ihere^A\n"));
}

TEST_CASE("syslog: a malformed or cut message", "[proto][syslog][truncated]") {
  CHECK(print(syslog_frame("no priority")) == "IP 192.0.2.1.40000 > 192.0.2.2.514:  (invalid)\n");
  CHECK(print(syslog_frame("<1234>x")) == "IP 192.0.2.1.40000 > 192.0.2.2.514:  (invalid)\n");
  Frame f = syslog_frame("<13>a message");
  Frame cut(f.begin(), f.end() - 4);
  CHECK(has(print(cut, v(1), 1, static_cast<std::uint32_t>(f.size())), "\tMsg: a mes [|syslog]\n"));
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 600));
  for (const auto& line : print_mutations(f, 42, 47, 300, v(2))) CHECK(sane_line(line, 4000));
}

TEST_CASE("syslog: JSON has the facility, severity and message", "[proto][syslog][json]") {
  auto doc = testjson::parse(print(syslog_frame("<13>link up"), json()));
  const auto& s = doc["layers"].array().at(3);
  CHECK(s["layer"].str() == "syslog");
  CHECK(s["facility"].num() == 1);
  CHECK(s["facility_name"].str() == "user");
  CHECK(s["severity_name"].str() == "notice");
  CHECK(s["message"].str() == "link up");
}
