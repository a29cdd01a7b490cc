// frames_dhcp.hpp: the DHCPv4 client frames `dhcp probe` sends and the light
// parse of a server's answer. Built frames are checked field by field, their
// IPv4 and UDP checksums by the decoder tests' own sum (proto_test::sum16),
// and through the decoder, whose text is tcpdump 4.99.3's; answers are built
// by hand with the decoder tests' builders, and every prefix and many
// mutations of one are parsed: rejected, never read past (ASan build).

#include <netlab/frames.hpp>
#include <netlab/frames_dhcp.hpp>
#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "proto_test_support.hpp"

using namespace netlab;
using namespace proto_test;

namespace {

IpAddr ip(const char* text) { return IpAddr::parse(text).value(); }
MacAddr mac(const char* text) { return MacAddr::parse(text).value(); }

const char* kClient = "02:00:5e:00:53:07";

unsigned at16(const std::vector<std::uint8_t>& f, std::size_t off) { return unsigned(f.at(off)) << 8 | f.at(off + 1); }

// The options of a built client frame (Ethernet + 20-byte IPv4 + UDP + BOOTP),
// as code -> value, walked here by hand, independently of the library.
std::map<int, std::vector<std::uint8_t>> options_of(const std::vector<std::uint8_t>& f) {
  std::map<int, std::vector<std::uint8_t>> out;
  std::size_t i = 14 + 20 + 8 + 240;
  while (i < f.size()) {
    const int code = f.at(i);
    if (code == 0) {
      ++i;
      continue;
    }
    if (code == 255) break;
    const std::size_t len = f.at(i + 1);
    out[code] = std::vector<std::uint8_t>(f.begin() + static_cast<std::ptrdiff_t>(i + 2),
                                          f.begin() + static_cast<std::ptrdiff_t>(i + 2 + len));
    i += 2 + len;
  }
  return out;
}

// Both checksums are right: the IPv4 header's, and the UDP one over the
// pseudo-header (RFC 768).
void require_checksums(const std::vector<std::uint8_t>& f) {
  REQUIRE(fold(sum16(f, 14, 20, 0)) == 0);
  const std::size_t udp_len = at16(f, 14 + 20 + 4);
  REQUIRE(at16(f, 14 + 20 + 6) != 0);  // a checksum was computed (0 would mean none)
  std::uint32_t pseudo = sum16(f, 14 + 12, 8, 0) + 17 + static_cast<std::uint32_t>(udp_len);
  REQUIRE(fold(sum16(f, 14 + 20, udp_len, pseudo)) == 0);
}

Frame udp(unsigned sport, unsigned dport, const Frame& payload) {
  return cat({be16(sport), be16(dport), be16(static_cast<unsigned>(8 + payload.size())), be16(0), payload});
}

// A BOOTREPLY for kClient with xid 0x01020304, yiaddr 192.0.2.120, giaddr
// as given, and `options` after the magic cookie; `file` fills the file field.
Frame bootreply(const Frame& options, const char* giaddr = "0.0.0.0", const Frame& file = {}) {
  Frame h = cat({{2, 1, 6, 0}, be32(0x01020304), be16(0), be16(0)});
  Frame addrs = cat({ip4a("0.0.0.0"), ip4a("192.0.2.120"), ip4a("192.0.2.1"), ip4a(giaddr)});
  Frame chaddr = {0x02, 0x00, 0x5e, 0x00, 0x53, 0x07};
  chaddr.resize(16, 0);
  Frame sname(64, 0);
  Frame f = file;
  f.resize(128, 0);
  return cat({h, addrs, chaddr, sname, f, {0x63, 0x82, 0x53, 0x63}, options});
}

Frame offer_options() {
  return {53, 1, 2,                                   // OFFER
          54, 4, 192, 0, 2, 1,                        // server id
          51, 4, 0, 0, 0x0e, 0x10,                    // lease 3600
          58, 4, 0, 0, 0x07, 0x08,                    // T1
          59, 4, 0, 0, 0x0c, 0x4e,                    // T2
          1, 4, 255, 255, 255, 0,                     // mask
          3, 4, 192, 0, 2, 1,                         // router
          6, 8, 192, 0, 2, 2, 192, 0, 2, 3,           // two DNS servers
          15, 12, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'n', 'e', 't', 0,  // NUL-terminated domain
          0, 0,                                       // PAD
          255};
}

Frame reply_frame(const Frame& msg, const char* src = "192.0.2.1", const char* dst = "192.0.2.120",
                  unsigned sport = 67, unsigned dport = 68) {
  return ether(0x0800, ipv4(17, udp(sport, dport, msg), src, dst), {0x02, 0x00, 0x5e, 0x00, 0x53, 0x07},
               {0x52, 0x54, 0x00, 0x12, 0x34, 0x56});
}

std::vector<std::uint8_t> bytes(const Frame& f) { return {f.begin(), f.end()}; }

}  // namespace

TEST_CASE("dhcp_client: a DISCOVER is a broadcast from 0.0.0.0 with options 53, 61 and 55", "[frames][dhcp]") {
  frames::DhcpClientSpec s;
  s.mac = mac(kClient);
  s.xid = 0xdeadbeef;
  const auto f = frames::dhcp_client(s);
  const auto p = frames::parse(f);
  REQUIRE(p);
  CHECK(p->eth_dst.is_broadcast());
  CHECK(p->eth_src == mac(kClient));
  REQUIRE(p->ipv4);
  CHECK(p->ipv4->src == ip("0.0.0.0"));
  CHECK(p->ipv4->dst == ip("255.255.255.255"));
  CHECK(p->ipv4->protocol == 17);
  CHECK(p->ipv4->ttl == 64);
  require_checksums(f);
  CHECK(at16(f, 34) == 68);
  CHECK(at16(f, 36) == 67);
  CHECK(at16(f, 38) == f.size() - 34);  // UDP length: all of it, no padding after
  CHECK(f.size() - 42 >= 300);          // RFC 1542: a BOOTP message of 300 bytes at least
  CHECK(f[42] == 1);                    // BOOTREQUEST
  CHECK(f[43] == 1);
  CHECK(f[44] == 6);
  CHECK(at16(f, 46) == 0xdead);
  CHECK(at16(f, 48) == 0xbeef);
  CHECK(at16(f, 52) == 0);  // flags: no broadcast bit
  const auto client = mac(kClient).bytes();
  CHECK(std::vector<std::uint8_t>(f.begin() + 70, f.begin() + 76) == std::vector<std::uint8_t>(client.begin(), client.end()));
  CHECK(std::vector<std::uint8_t>(f.begin() + 278, f.begin() + 282) == std::vector<std::uint8_t>{0x63, 0x82, 0x53, 0x63});
  const auto opts = options_of(f);
  CHECK(opts.at(53) == std::vector<std::uint8_t>{1});
  CHECK(opts.at(61) == std::vector<std::uint8_t>{1, 0x02, 0x00, 0x5e, 0x00, 0x53, 0x07});
  const auto& prl = opts.at(55);
  for (std::uint8_t want : {1, 3, 6, 15, 51, 54}) CHECK(std::find(prl.begin(), prl.end(), want) != prl.end());
  CHECK(opts.count(50) == 0);
  CHECK(opts.count(54) == 0);
  CHECK(opts.count(12) == 0);
  // The decoder (tcpdump's text) reads it as a DHCP Discover with our client id.
  const std::string text = print(Frame(f.begin(), f.end()), [] {
    PrintOptions o;
    o.verbose = 1;
    return o;
  }());
  CHECK(text.find("BOOTP/DHCP, Request from 02:00:5e:00:53:07") != std::string::npos);
  CHECK(text.find("DHCP-Message (53), length 1: Discover") != std::string::npos);
  CHECK(text.find("Client-ID (61), length 7: ether 02:00:5e:00:53:07") != std::string::npos);
  CHECK(text.find("bad") == std::string::npos);
  // And our own parser refuses it: it is no BOOTREPLY to port 68.
  CHECK_FALSE(frames::parse_dhcp(f));
}

TEST_CASE("dhcp_client: a REQUEST names the offer and the server, a RELEASE is unicast", "[frames][dhcp]") {
  frames::DhcpClientSpec s;
  s.mac = mac(kClient);
  s.xid = 7;
  s.type = frames::DhcpType::Request;
  s.requested = ip("192.0.2.120");
  s.server_id = ip("192.0.2.1");
  s.hostname = "probe";
  auto f = frames::dhcp_client(s);
  require_checksums(f);
  auto opts = options_of(f);
  CHECK(opts.at(53) == std::vector<std::uint8_t>{3});
  CHECK(opts.at(50) == std::vector<std::uint8_t>{192, 0, 2, 120});
  CHECK(opts.at(54) == std::vector<std::uint8_t>{192, 0, 2, 1});
  CHECK(opts.at(12) == std::vector<std::uint8_t>{'p', 'r', 'o', 'b', 'e'});
  CHECK(opts.count(55) == 1);

  frames::DhcpClientSpec rel;
  rel.mac = mac(kClient);
  rel.xid = 8;
  rel.type = frames::DhcpType::Release;
  rel.ciaddr = ip("192.0.2.120");
  rel.server_id = ip("192.0.2.1");
  rel.server = ip("192.0.2.1");
  rel.server_mac = mac("52:54:00:12:34:56");
  f = frames::dhcp_client(rel);
  require_checksums(f);
  const auto p = frames::parse(f);
  REQUIRE(p);
  REQUIRE(p->ipv4);
  CHECK(p->eth_dst == mac("52:54:00:12:34:56"));
  CHECK(p->ipv4->src == ip("192.0.2.120"));
  CHECK(p->ipv4->dst == ip("192.0.2.1"));
  CHECK(std::vector<std::uint8_t>(f.begin() + 54, f.begin() + 58) == std::vector<std::uint8_t>{192, 0, 2, 120});  // ciaddr
  opts = options_of(f);
  CHECK(opts.at(53) == std::vector<std::uint8_t>{7});
  CHECK(opts.at(54) == std::vector<std::uint8_t>{192, 0, 2, 1});
  CHECK(opts.count(55) == 0);  // RFC 2131 table 5: no parameter list in a RELEASE
  CHECK(opts.count(50) == 0);
}

TEST_CASE("parse_dhcp: a hand-built OFFER gives every field a client uses", "[frames][dhcp]") {
  const auto f = bytes(reply_frame(bootreply(offer_options(), "198.51.100.1")));
  const auto d = frames::parse_dhcp(f);
  REQUIRE(d);
  CHECK(d->op == 2);
  CHECK(d->xid == 0x01020304);
  CHECK(d->type == std::optional<std::uint8_t>(2));
  CHECK(frames::dhcp_type_name(*d->type) == "OFFER");
  CHECK(d->eth_src == mac("52:54:00:12:34:56"));
  CHECK(d->ip_src == ip("192.0.2.1"));
  CHECK(d->chaddr == mac(kClient));
  CHECK(d->yiaddr == ip("192.0.2.120"));
  CHECK(d->siaddr == ip("192.0.2.1"));
  CHECK(d->giaddr == ip("198.51.100.1"));
  CHECK(d->server_id == std::optional<IpAddr>(ip("192.0.2.1")));
  CHECK(d->mask == std::optional<IpAddr>(ip("255.255.255.0")));
  CHECK(d->routers == std::vector<IpAddr>{ip("192.0.2.1")});
  CHECK(d->dns == std::vector<IpAddr>{ip("192.0.2.2"), ip("192.0.2.3")});
  CHECK(d->domain == "example.net");
  CHECK(d->lease_time == std::optional<std::uint32_t>(3600));
  CHECK(d->renewal == std::optional<std::uint32_t>(1800));
  CHECK(d->rebinding == std::optional<std::uint32_t>(3150));
  CHECK(d->message.empty());
}

TEST_CASE("parse_dhcp: options overloaded into the file field are read (option 52)", "[frames][dhcp]") {
  const Frame opts = {53, 1, 5, 52, 1, 1, 255};          // ACK, overload: file
  const Frame file = {54, 4, 192, 0, 2, 9, 51, 4, 0, 0, 0, 60, 255};
  const auto d = frames::parse_dhcp(bytes(reply_frame(bootreply(opts, "0.0.0.0", file))));
  REQUIRE(d);
  CHECK(d->type == std::optional<std::uint8_t>(5));
  CHECK(d->server_id == std::optional<IpAddr>(ip("192.0.2.9")));
  CHECK(d->lease_time == std::optional<std::uint32_t>(60));
  // Without option 52 the same file bytes are a boot file name, not options.
  const auto plain = frames::parse_dhcp(bytes(reply_frame(bootreply({53, 1, 5, 255}, "0.0.0.0", file))));
  REQUIRE(plain);
  CHECK_FALSE(plain->server_id);
}

TEST_CASE("parse_dhcp: what is not a whole BOOTREPLY to port 68 is rejected", "[frames][dhcp]") {
  const Frame good = reply_frame(bootreply(offer_options()));
  REQUIRE(frames::parse_dhcp(bytes(good)));
  // Every cut of the frame: the UDP length then runs past what is there.
  for (std::size_t n = 0; n < good.size(); ++n) {
    const std::vector<std::uint8_t> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    INFO("cut at " << n);
    CHECK_FALSE(frames::parse_dhcp(cut));
  }
  // A message whose options run past the message: cut inside the UDP
  // datagram (lengths fixed up), so only the option list is short.
  Frame msg = bootreply(offer_options());
  msg.resize(msg.size() - 10);  // inside the domain option
  CHECK_FALSE(frames::parse_dhcp(bytes(reply_frame(msg))));
  // A message cut inside the fixed header.
  const Frame whole = bootreply({255});
  CHECK_FALSE(frames::parse_dhcp(bytes(reply_frame(Frame(whole.begin(), whole.begin() + 100)))));
  // The wrong magic cookie, a BOOTREQUEST, the wrong port.
  Frame bad_cookie = bootreply(offer_options());
  bad_cookie[236] = 0;
  CHECK_FALSE(frames::parse_dhcp(bytes(reply_frame(bad_cookie))));
  Frame request = bootreply(offer_options());
  request[0] = 1;
  CHECK_FALSE(frames::parse_dhcp(bytes(reply_frame(request))));
  CHECK_FALSE(frames::parse_dhcp(bytes(reply_frame(bootreply(offer_options()), "192.0.2.1", "192.0.2.120", 67, 67))));
  // A known option with a length its type does not allow.
  CHECK_FALSE(frames::parse_dhcp(bytes(reply_frame(bootreply({53, 1, 2, 1, 3, 255, 255, 255, 255})))));
  CHECK_FALSE(frames::parse_dhcp(bytes(reply_frame(bootreply({53, 1, 2, 6, 6, 192, 0, 2, 2, 192, 0, 255})))));
  CHECK_FALSE(frames::parse_dhcp(bytes(reply_frame(bootreply({53, 2, 2, 2, 255})))));
  // An option length that runs past the end of the list.
  CHECK_FALSE(frames::parse_dhcp(bytes(reply_frame(bootreply({53, 1, 2, 15, 200, 'x'})))));
  // A list used up without END is a whole list.
  const auto no_end = frames::parse_dhcp(bytes(reply_frame(bootreply({53, 1, 2}))));
  REQUIRE(no_end);
  CHECK(no_end->type == std::optional<std::uint8_t>(2));
}

TEST_CASE("parse_dhcp: mutated answers never crash or read past the frame", "[frames][dhcp]") {
  const Frame good = reply_frame(bootreply(offer_options()));
  std::mt19937 rng(15);
  std::size_t parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<std::uint8_t> f(good.begin(), good.end());
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) f[42 + rng() % (f.size() - 42)] = static_cast<std::uint8_t>(rng());
    if (rng() % 3 == 0) f.resize(rng() % f.size());
    if (auto d = frames::parse_dhcp(f)) {
      ++parsed;
      CHECK(d->op == 2);
    }
  }
  CHECK(parsed > 0);  // some mutations leave a valid answer: the loop tested the accepting path too
}

// ---- DHCPv6 -------------------------------------------------------------------

namespace {

PrintOptions verbose(int n) {
  PrintOptions o;
  o.verbose = n;
  return o;
}

Frame opt6(unsigned code, const Frame& value) {
  return cat({be16(code), be16(static_cast<unsigned>(value.size())), value});
}

// An ADVERTISE (RFC 8415 18.3.9) for the SOLICIT of kClient, xid 0xabcdef:
// server DUID-LLT, IA_NA with one address, preference, DNS, domain list.
Frame advertise(const Frame& extra = {}) {
  const Frame client_duid = {0, 3, 0, 1, 0x02, 0x00, 0x5e, 0x00, 0x53, 0x07};
  const Frame server_duid = {0, 1, 0, 1, 0x2a, 0x2b, 0x2c, 0x2d, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  const Frame iaaddr = cat({ip6a("2001:db8:1::1b7"), be32(1800), be32(3600)});
  const Frame ia = cat({be32(7), be32(900), be32(1440), opt6(5, iaaddr)});
  const Frame domains = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0, 3, 'l', 'a', 'b', 0};
  return cat({{2, 0xab, 0xcd, 0xef}, opt6(1, client_duid), opt6(2, server_duid), opt6(3, ia), opt6(7, {255}),
              opt6(23, cat({ip6a("2001:db8:1::53"), ip6a("2001:db8:1::54")})), opt6(24, domains), extra});
}

Frame dhcp6_reply_frame(const Frame& msg, unsigned dport = 546) {
  return ether(0x86dd, ipv6(17, udp(547, dport, msg), "fe80::5054:ff:fe12:3456", "fe80::5eff:fe00:5307"),
               {0x02, 0x00, 0x5e, 0x00, 0x53, 0x07}, {0x52, 0x54, 0x00, 0x12, 0x34, 0x56});
}

}  // namespace

TEST_CASE("dhcp6_solicit: from the link-local address to ff02::1:2 with client id, IA_NA, elapsed time, ORO",
          "[frames][dhcp][dhcp6]") {
  frames::Dhcp6SolicitSpec s;
  s.mac = mac(kClient);
  s.xid = 0x12abcdef;  // only the low 24 bits go out
  s.iaid = 7;
  s.elapsed_cs = 150;
  const auto f = frames::dhcp6_solicit(s);
  const auto p = frames::parse(f);
  REQUIRE(p);
  REQUIRE(p->ipv6);
  CHECK(p->eth_dst == mac("33:33:00:01:00:02"));
  CHECK(p->eth_src == mac(kClient));
  CHECK(p->ipv6->src == ip("fe80::5eff:fe00:5307"));  // EUI-64 of 02:00:5e:00:53:07
  CHECK(p->ipv6->dst == ip("ff02::1:2"));
  CHECK(p->ipv6->hop_limit == 1);
  CHECK(p->ipv6->upper_protocol == 17);
  // The decoder checks the UDP checksum ("[udp sum ok]") and prints every option.
  const std::string text = print(Frame(f.begin(), f.end()), verbose(1));
  INFO(text);
  CHECK(text.find("fe80::5eff:fe00:5307.546 > ff02::1:2.547: [udp sum ok] dhcp6 solicit (xid=abcdef "
                  "(client-ID hwaddr type 1 02005e005307) (elapsed-time 150) (IA_NA IAID:7 T1:0 T2:0) "
                  "(option-request DNS-server DNS-search-list))") != std::string::npos);
  CHECK(frames::duid_ll(mac(kClient)) == std::vector<std::uint8_t>{0, 3, 0, 1, 0x02, 0x00, 0x5e, 0x00, 0x53, 0x07});
  CHECK_FALSE(frames::parse_dhcp6(f));  // to port 547: not an answer
}

TEST_CASE("parse_dhcp6: a hand-built ADVERTISE gives server DUID, address, lifetimes, DNS and domains",
          "[frames][dhcp][dhcp6]") {
  const auto d = frames::parse_dhcp6(bytes(dhcp6_reply_frame(advertise())));
  REQUIRE(d);
  CHECK(d->type == frames::kDhcp6Advertise);
  CHECK(frames::dhcp6_type_name(d->type) == "ADVERTISE");
  CHECK(d->xid == 0xabcdef);
  CHECK(d->eth_src == mac("52:54:00:12:34:56"));
  CHECK(d->ip_src == ip("fe80::5054:ff:fe12:3456"));
  CHECK(d->client_duid == frames::duid_ll(mac(kClient)));
  CHECK(d->server_duid.size() == 14);
  CHECK(d->server_duid[1] == 1);  // DUID-LLT
  CHECK(d->iaid == std::optional<std::uint32_t>(7));
  CHECK(d->t1 == std::optional<std::uint32_t>(900));
  CHECK(d->t2 == std::optional<std::uint32_t>(1440));
  REQUIRE(d->addresses.size() == 1);
  CHECK(d->addresses[0].address == ip("2001:db8:1::1b7"));
  CHECK(d->addresses[0].preferred == 1800);
  CHECK(d->addresses[0].valid == 3600);
  CHECK(d->preference == std::optional<std::uint8_t>(255));
  CHECK(d->dns == std::vector<IpAddr>{ip("2001:db8:1::53"), ip("2001:db8:1::54")});
  CHECK(d->domains == std::vector<std::string>{"example.net", "lab"});
  CHECK_FALSE(d->status);
  // A top-level status (NoAddrsAvail, RFC 8415 21.13) is read with its message.
  const auto s = frames::parse_dhcp6(bytes(dhcp6_reply_frame(advertise(opt6(13, cat({be16(2), {'n', 'o'}}))))));
  REQUIRE(s);
  CHECK(s->status == std::optional<std::uint16_t>(2));
  CHECK(s->status_message == "no");
}

TEST_CASE("parse_dhcp6: cut, malformed and foreign messages are rejected", "[frames][dhcp][dhcp6]") {
  const Frame good = dhcp6_reply_frame(advertise());
  REQUIRE(frames::parse_dhcp6(bytes(good)));
  for (std::size_t n = 0; n < good.size(); ++n) {
    const std::vector<std::uint8_t> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    INFO("cut at " << n);
    CHECK_FALSE(frames::parse_dhcp6(cut));
  }
  Frame msg = advertise();
  msg.resize(msg.size() - 3);  // inside the domain list option: its length runs past the message
  CHECK_FALSE(frames::parse_dhcp6(bytes(dhcp6_reply_frame(msg))));
  CHECK_FALSE(frames::parse_dhcp6(bytes(dhcp6_reply_frame(advertise(), 547))));              // to a server
  CHECK_FALSE(frames::parse_dhcp6(bytes(dhcp6_reply_frame(advertise(opt6(7, {1, 2}))))));    // preference of 2 bytes
  CHECK_FALSE(frames::parse_dhcp6(bytes(dhcp6_reply_frame(advertise(opt6(23, {1, 2, 3}))))));  // DNS not 16n bytes
  CHECK_FALSE(frames::parse_dhcp6(bytes(dhcp6_reply_frame(advertise(opt6(24, {5, 'a'}))))));   // label past the value
  CHECK_FALSE(frames::parse_dhcp6(bytes(dhcp6_reply_frame(advertise(opt6(24, {1, 'a'}))))));   // name without its end
  CHECK_FALSE(frames::parse_dhcp6(bytes(dhcp6_reply_frame(advertise(opt6(3, {0, 0, 0, 7}))))));  // IA_NA too short
  Frame relay = advertise();
  relay[0] = 13;  // RELAY-REPL: another layout
  CHECK_FALSE(frames::parse_dhcp6(bytes(dhcp6_reply_frame(relay))));
  std::mt19937 rng(546);
  std::size_t parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<std::uint8_t> f(good.begin(), good.end());
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) f[62 + rng() % (f.size() - 62)] = static_cast<std::uint8_t>(rng());
    if (rng() % 3 == 0) f.resize(rng() % f.size());
    if (frames::parse_dhcp6(f)) ++parsed;
  }
  CHECK(parsed > 0);
}

TEST_CASE("dhcp6_client: a REQUEST names the server and the offered address and a RELEASE gives it up",
          "[frames][dhcp][dhcp6]") {
  frames::Dhcp6ClientSpec s;
  s.type = frames::kDhcp6Request;
  s.mac = mac(kClient);
  s.xid = 0xff123456;  // only the low 24 bits go out
  s.iaid = 7;
  s.elapsed_cs = 100;
  s.server_duid = {0, 1, 0, 1, 0x2a, 0x2b, 0x2c, 0x2d, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  s.addresses = {ip("2001:db8:1::1b7")};
  const auto f = frames::dhcp6_client(s);
  const auto p = frames::parse(f);
  REQUIRE(p);
  REQUIRE(p->ipv6);
  CHECK(p->eth_dst == mac("33:33:00:01:00:02"));
  CHECK(p->ipv6->src == ip("fe80::5eff:fe00:5307"));
  CHECK(p->ipv6->dst == ip("ff02::1:2"));
  CHECK(p->ipv6->hop_limit == 1);
  const std::string text = print(Frame(f.begin(), f.end()), verbose(1));
  INFO(text);
  // The server's DUID as given, the IA_NA's address with both lifetimes 0
  // (RFC 8415 21.6), then the ORO; a checksum the decoder accepts.
  CHECK(text.find("[udp sum ok] dhcp6 request (xid=123456 (client-ID hwaddr type 1 02005e005307) "
                  "(server-ID hwaddr/time type 1 time 707472429 525400123456) (elapsed-time 100) "
                  "(IA_NA IAID:7 T1:0 T2:0 (IA_ADDR 2001:db8:1::1b7 pltime:0 vltime:0)) "
                  "(option-request DNS-server DNS-search-list))") != std::string::npos);

  s.type = frames::kDhcp6Release;
  s.xid = 0x654321;
  s.elapsed_cs = 0;
  const auto r = frames::dhcp6_client(s);
  const std::string rtext = print(Frame(r.begin(), r.end()), verbose(1));
  INFO(rtext);
  CHECK(rtext.find("[udp sum ok] dhcp6 release (xid=654321 (client-ID hwaddr type 1 02005e005307) "
                   "(server-ID hwaddr/time type 1 time 707472429 525400123456) (elapsed-time 0) "
                   "(IA_NA IAID:7 T1:0 T2:0 (IA_ADDR 2001:db8:1::1b7 pltime:0 vltime:0)))") != std::string::npos);
  CHECK(rtext.find("option-request") == std::string::npos);  // a RELEASE asks for nothing
  CHECK_FALSE(frames::parse_dhcp6(r));  // to port 547: not an answer
}

TEST_CASE("parse_dhcp6: a REPLY's IA_NA status and the top-level status are kept apart", "[frames][dhcp][dhcp6]") {
  // A REPLY to a REQUEST whose address is gone: the IA_NA says NoAddrsAvail.
  const Frame client_duid = {0, 3, 0, 1, 0x02, 0x00, 0x5e, 0x00, 0x53, 0x07};
  const Frame server_duid = {0, 3, 0, 1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  const Frame ia = cat({be32(7), be32(0), be32(0), opt6(13, cat({be16(2), {'g', 'o', 'n', 'e'}}))});
  const Frame reply = cat({{7, 0x12, 0x34, 0x56}, opt6(1, client_duid), opt6(2, server_duid), opt6(3, ia),
                           opt6(13, cat({be16(0), {'o', 'k'}}))});
  const auto d = frames::parse_dhcp6(bytes(dhcp6_reply_frame(reply)));
  REQUIRE(d);
  CHECK(d->type == frames::kDhcp6Reply);
  CHECK(frames::dhcp6_type_name(d->type) == "REPLY");
  CHECK(d->xid == 0x123456);
  CHECK(d->ia_status == std::optional<std::uint16_t>(2));
  CHECK(d->status == std::optional<std::uint16_t>(0));
  CHECK(d->status_message == "ok");
  CHECK(d->addresses.empty());
}
