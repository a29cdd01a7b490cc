// The test guest's DHCP pieces on hand-built frames: frames_dhcp.hpp's
// server answer (dhcp_server) read back by the client's parser and by the
// decoder, a client's REQUEST read by the server's parser
// (parse_dhcp_request), where each answer goes (RFC 2131 4.1), and the
// server's pool (guest/dhcp_pool.hpp): offers, binds, NAK cases, release,
// expiry and exhaustion.

#include <netlab/frames.hpp>
#include <netlab/frames_dhcp.hpp>
#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include "guest/dhcp_pool.hpp"
#include "proto_test_support.hpp"

#include <chrono>
#include <string>
#include <vector>

using namespace netlab;
using namespace proto_test;
using namespace std::chrono_literals;

namespace {

IpAddr ip(const char* text) { return IpAddr::parse(text).value(); }
MacAddr mac(const char* text) { return MacAddr::parse(text).value(); }

unsigned at16(const std::vector<std::uint8_t>& f, std::size_t off) { return unsigned(f.at(off)) << 8 | f.at(off + 1); }

frames::DhcpServerSpec offer_spec() {
  frames::DhcpServerSpec s;
  s.type = frames::DhcpType::Offer;
  s.server_mac = mac("02:00:5e:00:53:01");
  s.server = ip("192.0.2.1");
  s.xid = 0xdeadbeef;
  s.chaddr = mac("02:00:5e:00:53:07");
  s.yiaddr = ip("192.0.2.100");
  s.mask = ip("255.255.255.0");
  s.routers = {ip("192.0.2.1")};
  s.dns = {ip("192.0.2.53")};
  s.lease_time = 120;
  return s;
}

std::string decode(const std::vector<std::uint8_t>& f) {
  PrintOptions po;
  po.verbose = 2;  // -vv: tcpdump checks an IPv4 UDP checksum only from -vv
  PacketPrinter printer(po, 1 /* DLT_EN10MB */, "t0");
  PacketMeta meta;
  meta.caplen = static_cast<std::uint32_t>(f.size());
  meta.len = meta.caplen;
  std::string out;
  printer.print(meta, f, out);
  return out;
}

}  // namespace

TEST_CASE("dhcp_server builds an OFFER the client parser reads back field by field") {
  const auto f = frames::dhcp_server(offer_spec());
  REQUIRE(f.size() >= 14 + 20 + 8 + 300);
  // Unicast to yiaddr at chaddr (no broadcast bit, no ciaddr), from 67 to 68.
  CHECK(frames::parse(f)->eth_dst == mac("02:00:5e:00:53:07"));
  CHECK(frames::parse(f)->ipv4->dst == ip("192.0.2.100"));
  CHECK(at16(f, 14 + 20) == 67);
  CHECK(at16(f, 14 + 20 + 2) == 68);
  REQUIRE(fold(sum16(f, 14, 20, 0)) == 0);
  const std::size_t udp_len = at16(f, 14 + 20 + 4);
  std::uint32_t pseudo = sum16(f, 14 + 12, 8, 0) + 17 + static_cast<std::uint32_t>(udp_len);
  REQUIRE(fold(sum16(f, 14 + 20, udp_len, pseudo)) == 0);

  const auto d = frames::parse_dhcp(f);
  REQUIRE(d);
  CHECK(d->type == std::uint8_t(2));
  CHECK(d->xid == 0xdeadbeef);
  CHECK(d->yiaddr == ip("192.0.2.100"));
  CHECK(d->chaddr == mac("02:00:5e:00:53:07"));
  CHECK(d->server_id == ip("192.0.2.1"));
  CHECK(d->mask == ip("255.255.255.0"));
  CHECK(d->routers == std::vector<IpAddr>{ip("192.0.2.1")});
  CHECK(d->dns == std::vector<IpAddr>{ip("192.0.2.53")});
  CHECK(d->lease_time == 120u);
  CHECK_FALSE(frames::parse_dhcp_request(f));  // a BOOTREPLY to 68 is not a request
  // The decoder (tcpdump's text) names it an Offer with a good UDP sum.
  const std::string text = decode(f);
  CHECK(text.find("Offer") != std::string::npos);
  CHECK(text.find("udp sum ok") != std::string::npos);
}

TEST_CASE("dhcp_server sends a NAK and broadcast-flag answers to broadcast and a renewal ACK to ciaddr") {
  auto nak = offer_spec();
  nak.type = frames::DhcpType::Nak;
  nak.yiaddr = IpAddr();
  nak.message = "address not in the pool";
  const auto n = frames::dhcp_server(nak);
  CHECK(frames::parse(n)->eth_dst.is_broadcast());
  CHECK(frames::parse(n)->ipv4->dst == ip("255.255.255.255"));
  const auto nd = frames::parse_dhcp(n);
  REQUIRE(nd);
  CHECK(nd->type == std::uint8_t(6));
  CHECK(nd->message == "address not in the pool");

  auto flagged = offer_spec();
  flagged.flags = 0x8000;
  const auto b = frames::dhcp_server(flagged);
  CHECK(frames::parse(b)->eth_dst.is_broadcast());
  CHECK(frames::parse(b)->ipv4->dst == ip("255.255.255.255"));

  auto renew = offer_spec();
  renew.type = frames::DhcpType::Ack;
  renew.ciaddr = ip("192.0.2.100");
  const auto r = frames::dhcp_server(renew);
  CHECK(frames::parse(r)->eth_dst == mac("02:00:5e:00:53:07"));
  CHECK(frames::parse(r)->ipv4->dst == ip("192.0.2.100"));
}

TEST_CASE("parse_dhcp_request reads a client's REQUEST and refuses every cut prefix") {
  frames::DhcpClientSpec c;
  c.type = frames::DhcpType::Request;
  c.mac = mac("02:00:5e:00:53:07");
  c.xid = 0x11223344;
  c.requested = ip("192.0.2.120");
  c.server_id = ip("192.0.2.1");
  const auto f = frames::dhcp_client(c);
  const auto m = frames::parse_dhcp_request(f);
  REQUIRE(m);
  CHECK(m->op == 1);
  CHECK(m->type == std::uint8_t(3));
  CHECK(m->xid == 0x11223344u);
  CHECK(m->chaddr == mac("02:00:5e:00:53:07"));
  CHECK(m->requested == ip("192.0.2.120"));
  CHECK(m->server_id == ip("192.0.2.1"));
  CHECK(m->ip_dst == ip("255.255.255.255"));
  CHECK_FALSE(frames::parse_dhcp(f));  // a BOOTREQUEST to 67 is not an answer
  // Cut anywhere inside the BOOTP header: rejected, never read past.
  for (std::size_t len = 0; len < 14 + 20 + 8 + 240; ++len)
    CHECK_FALSE(frames::parse_dhcp_request(std::span<const std::uint8_t>(f.data(), len)));
}

TEST_CASE("DhcpPool offers the lowest free address and the same one again to the same MAC") {
  guest::DhcpPool pool(ip("192.0.2.100"), ip("192.0.2.102"));
  const auto now = guest::DhcpPool::Clock::now();
  const auto a = mac("02:00:00:00:00:0a"), b = mac("02:00:00:00:00:0b");
  CHECK(pool.offer(a, std::nullopt, now, now + 60s) == ip("192.0.2.100"));
  CHECK(pool.offer(a, std::nullopt, now, now + 60s) == ip("192.0.2.100"));
  // b asks for a's address: it gets the next free one instead.
  CHECK(pool.offer(b, ip("192.0.2.100"), now, now + 60s) == ip("192.0.2.101"));
  CHECK(pool.in_use(now) == 2);
  // A wanted free address in the pool is honoured.
  CHECK(pool.offer(mac("02:00:00:00:00:0c"), ip("192.0.2.102"), now, now + 60s) == ip("192.0.2.102"));
}

TEST_CASE("DhcpPool binds only free pool addresses and frees them on release or expiry") {
  guest::DhcpPool pool(ip("192.0.2.100"), ip("192.0.2.101"));
  const auto now = guest::DhcpPool::Clock::now();
  const auto a = mac("02:00:00:00:00:0a"), b = mac("02:00:00:00:00:0b");
  CHECK(pool.bind(a, ip("192.0.2.100"), now, now + 10s));
  CHECK_FALSE(pool.bind(b, ip("192.0.2.100"), now, now + 10s));  // a's: NAK
  CHECK_FALSE(pool.bind(b, ip("192.0.2.99"), now, now + 10s));   // not in the pool: NAK
  CHECK_FALSE(pool.bind(b, ip("198.51.100.7"), now, now + 10s));
  CHECK(pool.held_by(a, now) == ip("192.0.2.100"));
  // A release of another address, or by another MAC, frees nothing.
  CHECK_FALSE(pool.release(a, ip("192.0.2.101")));
  CHECK_FALSE(pool.release(b, ip("192.0.2.100")));
  CHECK(pool.release(a, ip("192.0.2.100")));
  CHECK_FALSE(pool.held_by(a, now));
  CHECK(pool.bind(b, ip("192.0.2.100"), now, now + 10s));
  // Past its end a lease is free for another client.
  CHECK(pool.bind(a, ip("192.0.2.100"), now + 11s, now + 20s));
  CHECK_FALSE(pool.held_by(b, now + 11s));
}

TEST_CASE("DhcpPool has nothing to offer once every address is held") {
  guest::DhcpPool pool(ip("192.0.2.100"), ip("192.0.2.101"));
  const auto now = guest::DhcpPool::Clock::now();
  CHECK(pool.offer(mac("02:00:00:00:00:01"), std::nullopt, now, now + 60s));
  CHECK(pool.bind(mac("02:00:00:00:00:02"), ip("192.0.2.101"), now, now + 3600s));
  CHECK_FALSE(pool.offer(mac("02:00:00:00:00:03"), std::nullopt, now, now + 60s));
  // The unanswered offer lapses; the bound lease does not.
  CHECK(pool.offer(mac("02:00:00:00:00:03"), std::nullopt, now + 61s, now + 120s) == ip("192.0.2.100"));
  CHECK_FALSE(pool.offer(mac("02:00:00:00:00:04"), std::nullopt, now + 61s, now + 120s));
}
