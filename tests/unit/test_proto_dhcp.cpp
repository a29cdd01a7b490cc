// BOOTP/DHCPv4 (bootp.cpp) and DHCPv6 (dhcp6.cpp): the text line at -n and
// -v, truncated messages (" [|bootp]", " [|dhcp6]") and the typed JSON
// form. Expected text is tcpdump 4.99.3's for the same bytes (checked by
// writing the frames to a pcap and reading it with tcpdump -n -v).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "proto/options.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame udp(unsigned sport, unsigned dport, const Frame& payload) {
  return cat({be16(sport), be16(dport), be16(static_cast<unsigned>(8 + payload.size())), be16(0), payload});
}

// A DHCPDISCOVER from 02:00:00:00:00:01 (RFC 2131 4.4.1) with a message
// type, a parameter request list, a client identifier and a user class.
Frame discover() {
  Frame h = cat({{1, 1, 6, 0}, be32(0x1234), be16(0), be16(0x8000)});
  Frame addrs(16, 0);
  Frame chaddr = {2, 0, 0, 0, 0, 1};
  chaddr.resize(16, 0);
  Frame names(64 + 128, 0);
  Frame opts = {0x63, 0x82, 0x53, 0x63,         // magic cookie
                53, 1, 1,                       // DHCP-Message: Discover
                55, 3, 1, 3, 121,               // Parameter-Request
                61, 7, 1, 2, 0, 0, 0, 0, 1,     // Client-ID: ether
                77, 4, 3, 'a', 'b', 'c',        // User-Class: one instance
                255};
  return cat({h, addrs, chaddr, names, opts});
}

Frame dhcp4_frame(const Frame& msg) { return ether(0x0800, ipv4(17, udp(68, 67, msg), "0.0.0.0", "255.255.255.255")); }

// A DHCPv6 SOLICIT (RFC 8415 16.2): client ID (DUID-LL), elapsed time, IA_NA.
Frame solicit() {
  return cat({{1, 0x12, 0x34, 0x56},
              be16(1), be16(10), be16(3), be16(1), {2, 0, 0, 0, 0, 1},  // client-ID
              be16(8), be16(2), be16(0),                                 // elapsed-time
              be16(3), be16(12), be32(7), be32(3600), be32(5400)});      // IA_NA
}

Frame dhcp6_frame(const Frame& msg) { return ether(0x86dd, ipv6(17, udp(546, 547, msg), "fe80::1", "ff02::1:2")); }

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

// discover() at -v up to its last option, as tcpdump 4.99.3 prints it: the
// whole message and the one cut inside its last option share it.
const std::string kDiscoverVerboseHead =
        "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto UDP (17), length 292)\n"
        "    0.0.0.0.68 > 255.255.255.255.67: BOOTP/DHCP, Request from 02:00:00:00:00:01, length 264, xid 0x1234, "
        "Flags [Broadcast]\n"
        "\t  Client-Ethernet-Address 02:00:00:00:00:01\n"
        "\t  Vendor-rfc1048 Extensions\n"
        "\t    Magic Cookie 0x63825363\n"
        "\t    DHCP-Message (53), length 1: Discover\n"
        "\t    Parameter-Request (55), length 3: \n"
        "\t      Subnet-Mask (1), Default-Gateway (3), Classless-Static-Route (121)\n"
        "\t    Client-ID (61), length 7: ether 02:00:00:00:00:01\n";

TEST_CASE("BOOTP: the summary line and the -v option list", "[proto][bootp]") {
  Frame f = dhcp4_frame(discover());
  CHECK(print(f) == "IP 0.0.0.0.68 > 255.255.255.255.67: BOOTP/DHCP, Request from 02:00:00:00:00:01, length 264\n");
  CHECK(print(f, v(1)) ==
        kDiscoverVerboseHead +
        "\t    User-Class (77), length 4: \n"
        "\t      instance#1: \"abc\", length 3\n");
  // -q keeps tcpdump's plain UDP line.
  netlab::PrintOptions q;
  q.quiet = true;
  CHECK(print(f, q) == "IP 0.0.0.0.68 > 255.255.255.255.67: UDP, length 264\n");
}

TEST_CASE("BOOTP: a message cut short ends in [|bootp]", "[proto][bootp][truncated]") {
  Frame f = dhcp4_frame(discover());
  // Captured up to the middle of the client hardware address.
  Frame cut(f.begin(), f.begin() + 14 + 20 + 8 + 30);
  CHECK(print(cut, {}, 1, static_cast<std::uint32_t>(f.size())) ==
        "IP 0.0.0.0.68 > 255.255.255.255.67: BOOTP/DHCP, Request [|bootp]\n");
  // Captured up to the middle of the option list: the value of the user
  // class is not there (tcpdump's ND_TCHECK_LEN: the line ends in place).
  Frame cut2(f.begin(), f.end() - 3);
  CHECK(print(cut2, v(1), 1, static_cast<std::uint32_t>(f.size())) ==
        kDiscoverVerboseHead +
        "\t    User-Class (77), length 4:  [|bootp]\n");
  // Every prefix of the frame prints one sane line, never more.
  for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 4096));
}

TEST_CASE("BOOTP: the typed JSON form", "[proto][bootp][json]") {
  std::string j = print(dhcp4_frame(discover()), json());
  CHECK(has(j, R"("layer":"bootp")"));
  CHECK(has(j, R"("op":1,"op_name":"Request")"));
  CHECK(has(j, R"("xid":4660)"));
  CHECK(has(j, R"("broadcast":true)"));
  CHECK(has(j, R"("chaddr":"02:00:00:00:00:01")"));
  CHECK(has(j, R"("cookie":1669485411)"));
  CHECK(has(j, R"({"type":53,"name":"DHCP-Message","length":1,"message_type":1,"message":"Discover"})"));
  CHECK(has(j, R"({"type":55,"name":"Parameter-Request","length":3,"requested":[1,3,121]})"));
  CHECK(has(j, R"("hardware_type":1,"address":"02:00:00:00:00:01")"));
  CHECK(has(j, R"("instances":["abc"])"));
  CHECK(has(j, R"({"type":255,"name":"END"})"));
  // Cut inside the options: the layer says truncated, the cut option too.
  Frame f = dhcp4_frame(discover());
  Frame cut(f.begin(), f.end() - 3);
  std::string jt = print(cut, json(), 1, static_cast<std::uint32_t>(f.size()));
  CHECK(has(jt, R"({"type":77,"name":"User-Class","truncated":true})"));
  CHECK(has(jt, R"({"type":255,"name":"END"})") == false);
  CHECK(has(jt, R"(}],"status":"truncated"})"));  // the bootp layer, captured short
}

TEST_CASE("DHCPv6: messages, IAs and DUIDs", "[proto][dhcp6]") {
  Frame f = dhcp6_frame(solicit());
  CHECK(print(f) == "IP6 fe80::1.546 > ff02::1:2.547: dhcp6 solicit\n");
  CHECK(print(f, v(1)) ==
        "IP6 (hlim 64, next-header UDP (17) payload length: 48) fe80::1.546 > ff02::1:2.547: [udp sum ok] dhcp6 "
        "solicit (xid=123456 (client-ID hwaddr type 1 020000000001) (elapsed-time 0) (IA_NA IAID:7 T1:3600 "
        "T2:5400))\n");
}

TEST_CASE("DHCPv6: an option past the message's end prints [|dhcp6] in place", "[proto][dhcp6][truncated]") {
  Frame f = dhcp6_frame(solicit());
  // The IA_NA's T2 is not captured: the list stops before it, and the
  // message's parenthesis still closes.
  Frame cut(f.begin(), f.end() - 4);
  CHECK(print(cut, v(1), 1, static_cast<std::uint32_t>(f.size())) ==
        "IP6 (hlim 64, next-header UDP (17) payload length: 48) fe80::1.546 > ff02::1:2.547: dhcp6 solicit "
        "(xid=123456 (client-ID hwaddr type 1 020000000001) (elapsed-time 0) [|dhcp6])\n");
  Frame tiny(f.begin(), f.begin() + 14 + 40 + 8 + 2);
  CHECK(has(print(tiny, {}, 1, static_cast<std::uint32_t>(f.size())), ": dhcp6 [|dhcp6]\n"));
  for (const auto& l : print_prefixes(f, v(1))) CHECK(sane_line(l, 4096));
}

TEST_CASE("DHCPv6: the typed JSON form", "[proto][dhcp6][json]") {
  std::string j = print(dhcp6_frame(solicit()), json());
  CHECK(has(j, R"("layer":"dhcp6")"));
  CHECK(has(j, R"("msg_type":1,"msg_name":"solicit","xid":1193046)"));
  CHECK(has(j, R"({"type":1,"name":"client-ID","length":10,"duid_type":3,"duid":"LL","hardware_type":1,)"
               R"("link_address":"02:00:00:00:00:01"})"));
  CHECK(has(j, R"({"type":8,"name":"elapsed-time","length":2,"elapsed":0})"));
  CHECK(has(j, R"({"type":3,"name":"IA_NA","length":12,"iaid":7,"t1":3600,"t2":5400,"options":[]})"));
}

TEST_CASE("BOOTP and DHCPv6: mutated messages print one sane line each", "[proto][bootp][dhcp6][robust]") {
  // Seeded byte edits and cuts after the UDP header, at every -v level and
  // in JSON: no exception escapes, no runaway output.
  Frame v4 = dhcp4_frame(discover());
  Frame v6 = dhcp6_frame(solicit());
  for (int level = 0; level <= 3; ++level) {
    for (const auto& l : print_mutations(v4, 14 + 20 + 8, 15u + static_cast<unsigned>(level), 400, v(level)))
      CHECK(sane_line(l, 8192));
    for (const auto& l : print_mutations(v6, 14 + 40 + 8, 25u + static_cast<unsigned>(level), 400, v(level)))
      CHECK(sane_line(l, 8192));
  }
  for (const auto& l : print_mutations(v4, 14 + 20 + 8, 7, 300, json())) CHECK(sane_line(l, 16384));
  for (const auto& l : print_mutations(v6, 14 + 40 + 8, 9, 300, json())) CHECK(sane_line(l, 16384));
}

TEST_CASE("TlvWalker with 16-bit type and length fields (DHCPv6 options)", "[proto][options][dhcp6]") {
  using netlab::proto::TlvStatus;
  using netlab::proto::TlvWalker;
  // client-ID (1, 4 bytes), rapid-commit (14, empty), then an option whose
  // length runs past the list (room 14 of the 16 bytes given).
  const std::vector<std::uint8_t> list = {0, 1, 0, 4, 0xa, 0xb, 0xc, 0xd, 0, 14, 0, 0, 0x01, 0x02, 0, 9};
  TlvWalker w(netlab::proto::kDhcp6Options, list, 14);
  auto a = w.next();
  REQUIRE(a);
  CHECK(a->type == 1);
  CHECK(a->length == 4);
  CHECK(a->header == 4);
  CHECK(a->size == 8);
  CHECK(a->status == TlvStatus::Ok);
  CHECK(a->value.size() == 4);
  auto b = w.next();
  REQUIRE(b);
  CHECK(b->type == 14);
  CHECK(b->size == 4);
  CHECK(b->status == TlvStatus::Ok);
  auto c = w.next();
  REQUIRE(c);
  CHECK(c->type == 0x0102);
  CHECK(c->status == TlvStatus::PastEnd);
  CHECK_FALSE(w.next());
  // The capture ends inside the second option's type: Cut, one byte of header.
  const std::vector<std::uint8_t> cut = {0, 14, 0, 0, 0};
  TlvWalker wc(netlab::proto::kDhcp6Options, cut);
  REQUIRE(wc.next());
  auto d = wc.next();
  REQUIRE(d);
  CHECK(d->status == TlvStatus::Cut);
  CHECK(d->header == 1);
}
