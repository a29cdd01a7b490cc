// NTP (ntp.cpp): client and server time messages at -n and -v (stratum,
// poll, reference id by stratum, timestamps with their UTC dates and the
// deltas, key id and digest), mode 6 control messages, short and cut
// messages (never a read past the capture: run under the asan preset) and
// the typed JSON form. Expected text is tcpdump 4.99.3's for the same bytes
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

Frame ntp_frame(const Frame& msg, unsigned sport = 40000, unsigned dport = 123) {
  Frame udp = cat({be16(sport), be16(dport), be16(static_cast<unsigned>(8 + msg.size())), be16(0), msg});
  return ether(0x0800, ipv4(17, udp, "192.0.2.1", "192.0.2.2"));
}

// A server's reply (NTPv4, mode 4, stratum 2): reference id 192.0.2.9, the
// client's transmit time as originate, receive and transmit 1 ms and 2 ms later.
Frame server_reply() {
  return cat({{0x24, 2, 6, 0xe9}, be16(0), be16(0x0800), be16(0), be16(0x1000), ip4a("192.0.2.9"),
              be32(3712483000u), be32(0),                          // reference
              be32(3712483316u), be32(0x80000000u),                // originate: .5 s
              be32(3712483316u), be32(0x80418937u),                // receive: 1 ms later, less a nanosecond
              be32(3712483316u), be32(0x8083126fu)});              // transmit: ~2 ms later
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("NTP: time messages at -n and -v", "[proto][ntp]") {
  Frame f = ntp_frame(server_reply(), 123, 40000);
  CHECK(print(f) == "IP 192.0.2.1.123 > 192.0.2.2.40000: NTPv4, Server, length 48\n");
  CHECK(print(f, v(1)) ==
        "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 76)\n"
        "    192.0.2.1.123 > 192.0.2.2.40000: NTPv4, Server, length 48\n"
        "\tLeap indicator:  (0), Stratum 2 (secondary reference), poll 6 (64s), precision -23\n"
        "\tRoot Delay: 0.031250, Root dispersion: 0.062500, Reference-ID: 0xc0000209\n"
        "\t  Reference Timestamp:  3712483000.000000000 (2017-08-23T13:16:40Z)\n"
        "\t  Originator Timestamp: 3712483316.500000000 (2017-08-23T13:21:56Z)\n"
        "\t  Receive Timestamp:    3712483316.500999999 (2017-08-23T13:21:56Z)\n"
        "\t  Transmit Timestamp:   3712483316.502000000 (2017-08-23T13:21:56Z)\n"
        "\t    Originator - Receive Timestamp:  +0.000999999\n"
        "\t    Originator - Transmit Timestamp: +0.002000000\n");
  // A stratum 1 server names its clock; an unsynchronized client sends zeros.
  Frame prim = server_reply();
  prim[1] = 1;
  prim[12] = 'G', prim[13] = 'P', prim[14] = 'S', prim[15] = 0;
  CHECK(has(print(ntp_frame(prim), v(1)), "Stratum 1 (primary reference), poll 6 (64s), precision -23\n"
                                          "\tRoot Delay: 0.031250, Root dispersion: 0.062500, Reference-ID: GPS^@\n"));
  Frame client = cat({{0xe3, 0, 0xfa, 0}, Frame(44, 0)});
  CHECK(has(print(ntp_frame(client), v(1)),
            "NTPv4, Client, length 48\n\tLeap indicator: clock unsynchronized (192), Stratum 0 (unspecified), "
            "poll -6 (1/64s), precision 0\n\tRoot Delay: 0.000000, Root dispersion: 0.000000, Reference-ID: (unspec)\n"
            "\t  Reference Timestamp:  0.000000000\n"));
}

TEST_CASE("NTP: key id and digest, or the bytes after the header", "[proto][ntp]") {
  Frame md5 = cat({server_reply(), be32(8), Frame(16, 0xab)});
  CHECK(has(print(ntp_frame(md5), v(1)), "+0.002000000\n\tKey id: 8\n\tAuthentication: abababababababababababababababab\n"));
  Frame ext = cat({server_reply(), Frame(12, 0)});
  CHECK(has(print(ntp_frame(ext), v(1)), "+0.002000000\n\t(12 more bytes after the header)\n"));
}

TEST_CASE("NTP: control messages and other modes", "[proto][ntp]") {
  Frame req = {0x16, 0x02, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK(print(ntp_frame(req)) == "IP 192.0.2.1.40000 > 192.0.2.2.123: NTPv2, Control Message, length 12\n");
  CHECK(has(print(ntp_frame(req), v(1)), "NTPv2, Control Message, length 12\n\tLeap indicator:  (0), Request, OK, Last, "
                                         "OpCode=2\n\tSequence=68, Status=0, Assoc.=0, Offset=0, Count=0\n"));
  Frame resp = cat({{0x16, 0x82, 0x00, 0x44, 0x06, 0x18, 0, 0, 0, 0, 0, 4}, {'a', '=', '1', 0}});
  CHECK(has(print(ntp_frame(resp), v(1)), "Response, OK, Last, OpCode=2\n\tSequence=68, Status=0x618, Assoc.=0, "
                                          "Offset=0, Count=4\n\tTO-BE-DONE: data not interpreted\n"));
  Frame lying = cat({{0x16, 0x82, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0, 40}, {1, 2, 3, 4}});
  CHECK(has(print(ntp_frame(lying), v(1)), "Offset=0, Count=40 (invalid)\n"));
  Frame mode7 = {0x97, 0x00, 0x03, 0x2a, 0, 0, 0, 0};
  CHECK(print(ntp_frame(mode7), v(1)).find("NTPv2, Reserved, length 8\n\tLeap indicator: -1s (128)\n") !=
        std::string::npos);
}

TEST_CASE("NTP: short and cut messages end as tcpdump ends them", "[proto][ntp][truncated]") {
  Frame shortmsg = {0x23, 0, 0, 0, 0, 0, 0, 0};
  CHECK(has(print(ntp_frame(shortmsg), v(1)), "NTPv4, Client, length 8\n\tLeap indicator:  (0) (invalid)\n"));
  Frame f = ntp_frame(server_reply());
  Frame cut(f.begin(), f.begin() + 14 + 20 + 8 + 30);  // inside the originate timestamp
  CHECK(has(print(cut, v(1), 1, static_cast<std::uint32_t>(f.size())),
            "Reference Timestamp:  3712483000.000000000 (2017-08-23T13:16:40Z) [|ntp]\n"));
  Frame none(f.begin(), f.begin() + 14 + 20 + 8);
  CHECK(print(none, {}, 1, static_cast<std::uint32_t>(f.size())) == "IP 192.0.2.1.40000 > 192.0.2.2.123:  [|ntp]\n");
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 1200));
  for (const auto& line : print_mutations(f, 42, 31, 300, v(2))) CHECK(sane_line(line, 4000));
}

TEST_CASE("NTP: JSON has the mode, stratum and timestamps as numbers", "[proto][ntp][json]") {
  auto doc = testjson::parse(print(ntp_frame(server_reply(), 123, 40000), json()));
  const auto& n = doc["layers"].array().at(3);
  CHECK(n["layer"].str() == "ntp");
  CHECK(n["version"].num() == 4);
  CHECK(n["mode_name"].str() == "Server");
  CHECK(n["stratum"].num() == 2);
  CHECK(n["poll"].num() == 6);
  CHECK(n["precision"].num() == -23);
  CHECK(n["reference_id"].str() == "c0000209");
  CHECK(n["transmit"]["seconds"].num() == 3712483316.0);
  Frame f = ntp_frame(server_reply());
  std::uint32_t wire = static_cast<std::uint32_t>(f.size());
  f.resize(f.size() - 20);
  auto c = testjson::parse(print(f, json(), 1, wire));
  CHECK(c["layers"].array().at(3)["truncated"].boolean());
  CHECK(c["layers"].array().at(3)["mode"].num() == 4);
}
