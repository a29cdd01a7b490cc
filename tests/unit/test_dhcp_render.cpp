// dhcp::render_probe: the text lines and the JSON object of `dhcp probe`,
// from hand-built results (two servers, an exchange; DHCPv6), so the
// members a script reads are fixed without a lab.

#include <netlab/dhcp.hpp>
#include <netlab/printer.hpp>

#include <catch2/catch.hpp>

#include "mini_json.hpp"

#include <string>

using namespace netlab;

namespace {

IpAddr ip(const char* text) { return IpAddr::parse(text).value(); }
MacAddr mac(const char* text) { return MacAddr::parse(text).value(); }

dhcp::Answer offer(const char* server, const char* server_mac, const char* address, std::uint32_t lease) {
  dhcp::Answer a;
  a.type = "OFFER";
  a.server_mac = mac(server_mac);
  a.server_address = ip(server);
  a.server_id = ip(server);
  a.address = ip(address);
  a.mask = ip("255.255.255.0");
  a.routers = {ip("192.0.2.1")};
  a.dns = {ip("192.0.2.53"), ip("192.0.2.54")};
  a.domain = "example.net";
  a.lease_time = lease;
  a.relay = ip("0.0.0.0");
  a.rtt_ms = 3.5;
  return a;
}

dhcp::ProbeResult two_servers() {
  dhcp::ProbeResult r;
  r.interface = "br0";
  r.port = "nlp42p";
  r.client_mac = mac("02:00:5e:00:53:01");
  r.xid = 0x1c2d3e4f;
  r.sent = 1;
  r.offers = {offer("192.0.2.1", "52:54:00:12:34:56", "192.0.2.120", 3600),
              offer("192.0.2.2", "52:54:00:ab:cd:ef", "192.0.2.212", 7200)};
  r.offers[1].relay = ip("198.51.100.1");
  r.offers[1].routers.clear();
  r.offers[1].lease_time.reset();
  r.servers = 2;
  r.request = true;
  r.reply = r.offers[0];
  r.reply->type = "ACK";
  r.released = true;
  r.elapsed_ms = 5001;
  return r;
}

std::string text(const dhcp::ProbeResult& r) {
  std::string out;
  Printer p(out, false);
  dhcp::render_probe(p, r);
  return out;
}

testjson::Value json(const dhcp::ProbeResult& r) {
  std::string out;
  Printer p(out, true);
  dhcp::render_probe(p, r);
  INFO(out);
  return testjson::parse(out);
}

}  // namespace

TEST_CASE("render_probe text: one block per server, the exchange, how many servers", "[dhcp][render]") {
  const std::string t = text(two_servers());
  INFO(t);
  CHECK(t.find("DHCP probe on br0 via nlp42p, client 02:00:5e:00:53:01, xid 0x1c2d3e4f, 1 DISCOVER(s) sent\n") == 0);
  CHECK(t.find("1: OFFER from server 192.0.2.1 mac 52:54:00:12:34:56 ip 192.0.2.1  3.500ms\n"
               "    address 192.0.2.120 mask 255.255.255.0 router 192.0.2.1 dns 192.0.2.53,192.0.2.54 "
               "domain example.net lease 3600s relay none\n") != std::string::npos);
  CHECK(t.find("2: OFFER from server 192.0.2.2 mac 52:54:00:ab:cd:ef ip 192.0.2.2  3.500ms\n"
               "    address 192.0.2.212 mask 255.255.255.0 router none dns 192.0.2.53,192.0.2.54 "
               "domain example.net lease none relay 198.51.100.1\n") != std::string::npos);
  CHECK(t.find("exchange: ACK from server 192.0.2.1 ") != std::string::npos);
  CHECK(t.find("released: yes, nothing stays leased\n") != std::string::npos);
  CHECK(t.find("2 servers answered (more than one DHCP server on this link) in 5001.000ms\n") != std::string::npos);

  dhcp::ProbeResult none;
  none.interface = "v0";
  none.sent = 3;
  const std::string n = text(none);
  INFO(n);
  CHECK(n.find("via itself") != std::string::npos);
  CHECK(n.find("0 servers answered in") != std::string::npos);
  CHECK(n.find("exchange") == std::string::npos);
  CHECK(n.find("more than one") == std::string::npos);
}

TEST_CASE("render_probe JSON: typed members, offers, servers, reply", "[dhcp][render]") {
  const auto j = json(two_servers());
  CHECK(j["interface"].str() == "br0");
  CHECK(j["protocol"].str() == "dhcpv4");
  CHECK(j["port"].str() == "nlp42p");
  CHECK(j["xid"].num() == double(0x1c2d3e4f));
  CHECK(j["servers"].num() == 2);
  CHECK(j["multiple_servers"].boolean());
  REQUIRE(j["offers"].array().size() == 2);
  const auto& o = j["offers"].array()[0];
  CHECK(o["type"].str() == "OFFER");
  CHECK(o["server_id"].str() == "192.0.2.1");
  CHECK(o["server_mac"].str() == "52:54:00:12:34:56");
  CHECK(o["address"].str() == "192.0.2.120");
  CHECK(o["mask"].str() == "255.255.255.0");
  CHECK(o["routers"].array().size() == 1);
  CHECK(o["dns"].array().size() == 2);
  CHECK(o["lease_time"].num() == 3600);
  CHECK(o["relay"].is_null());
  const auto& o2 = j["offers"].array()[1];
  CHECK(o2["routers"].array().empty());
  CHECK(o2["lease_time"].is_null());
  CHECK(o2["relay"].str() == "198.51.100.1");
  CHECK(j["reply"]["type"].str() == "ACK");
  CHECK(j["released"].boolean());

  dhcp::ProbeResult none;
  none.interface = "v0";
  const auto n = json(none);
  CHECK(n["port"].is_null());
  CHECK(n["offers"].array().empty());
  CHECK(n["reply"].is_null());
  CHECK(n["servers"].num() == 0);
  CHECK_FALSE(n["multiple_servers"].boolean());
}

TEST_CASE("render_probe DHCPv6: DUID, lifetimes, preference, status", "[dhcp][render]") {
  dhcp::ProbeResult r;
  r.interface = "br0";
  r.ipv6 = true;
  r.client_mac = mac("02:00:5e:00:53:01");
  r.xid = 0xabcdef;
  r.sent = 2;
  dhcp::Answer a;
  a.type = "ADVERTISE";
  a.server_mac = mac("52:54:00:12:34:56");
  a.server_address = ip("fe80::5054:ff:fe12:3456");
  a.server_duid = "00:01:00:01:2a:2b:2c:2d:52:54:00:12:34:56";
  a.address = ip("2001:db8:1::1b7");
  a.preferred_lifetime = 1800;
  a.valid_lifetime = 0xffffffffu;
  a.dns = {ip("2001:db8:1::53")};
  a.domain = "example.net,lab";
  a.preference = 255;
  r.offers = {a};
  r.offers.push_back(a);
  r.offers[1].server_duid = "00:03:00:01:52:54:00:ab:cd:ef";
  r.offers[1].address = IpAddr();
  r.offers[1].preferred_lifetime.reset();
  r.offers[1].valid_lifetime.reset();
  r.offers[1].status = "NoAddrsAvail";
  r.servers = 2;
  const std::string t = text(r);
  INFO(t);
  CHECK(t.find("DHCP probe on br0 (DHCPv6) via itself") == 0);
  CHECK(t.find("2 SOLICIT(s) sent") != std::string::npos);
  CHECK(t.find("1: ADVERTISE from server 00:01:00:01:2a:2b:2c:2d:52:54:00:12:34:56 mac 52:54:00:12:34:56 ip "
               "fe80::5054:ff:fe12:3456") != std::string::npos);
  CHECK(t.find("    address 2001:db8:1::1b7 preferred 1800s valid infinite dns 2001:db8:1::53 "
               "domain example.net,lab preference 255\n") != std::string::npos);
  CHECK(t.find("    address none preferred none valid none dns 2001:db8:1::53 domain example.net,lab preference 255 "
               "status NoAddrsAvail\n") != std::string::npos);
  CHECK(t.find("mask") == std::string::npos);
  CHECK(t.find("lease") == std::string::npos);
  const auto j = json(r);
  CHECK(j["protocol"].str() == "dhcpv6");
  const auto& o = j["offers"].array()[0];
  CHECK(o["server_duid"].str() == "00:01:00:01:2a:2b:2c:2d:52:54:00:12:34:56");
  CHECK_FALSE(o.has("server_id"));
  CHECK_FALSE(o.has("mask"));
  CHECK(o["valid_lifetime"].num() == double(0xffffffffu));
  CHECK(o["preference"].num() == 255);
  CHECK(o["status"].is_null());
  CHECK(j["offers"].array()[1]["address"].is_null());
  CHECK(j["offers"].array()[1]["status"].str() == "NoAddrsAvail");
}

namespace {

// A DHCPv6 exchange: one ADVERTISE, the REPLY to our REQUEST, the REPLY to
// our RELEASE.
dhcp::ProbeResult v6_exchange() {
  dhcp::ProbeResult r;
  r.interface = "br0";
  r.port = "nlp42p";
  r.ipv6 = true;
  r.client_mac = mac("02:00:5e:00:53:01");
  r.xid = 0xabcdef;
  r.sent = 1;
  dhcp::Answer a;
  a.type = "ADVERTISE";
  a.server_mac = mac("52:54:00:12:34:56");
  a.server_address = ip("fe80::5054:ff:fe12:3456");
  a.server_duid = "00:03:00:01:52:54:00:12:34:56";
  a.address = ip("2001:db8:1::1b7");
  a.preferred_lifetime = 3600;
  a.valid_lifetime = 7200;
  a.rtt_ms = 2;
  r.offers = {a};
  r.servers = 1;
  r.request = true;
  r.reply = a;
  r.reply->type = "REPLY";
  r.reply->rtt_ms = 1.25;
  r.released = true;
  r.release_reply = dhcp::ProbeResult::ReleaseReply{"Success", "release received", 0.5};
  r.elapsed_ms = 5003;
  return r;
}

}  // namespace

TEST_CASE("render_probe DHCPv6 --request: the leased address, lifetimes, server DUID, the release's REPLY",
          "[dhcp][render]") {
  const auto r = v6_exchange();
  const std::string t = text(r);
  INFO(t);
  CHECK(t.find("exchange: REPLY from server 00:03:00:01:52:54:00:12:34:56 mac 52:54:00:12:34:56 ip "
               "fe80::5054:ff:fe12:3456  1.250ms\n"
               "    address 2001:db8:1::1b7 preferred 3600s valid 7200s dns none domain none\n") != std::string::npos);
  CHECK(t.find("released: yes, REPLY Success \"release received\" 0.500ms, nothing stays leased\n") !=
        std::string::npos);
  const auto j = json(r);
  CHECK(j["request"].boolean());
  CHECK(j["reply"]["type"].str() == "REPLY");
  CHECK(j["reply"]["address"].str() == "2001:db8:1::1b7");
  CHECK(j["reply"]["preferred_lifetime"].num() == 3600);
  CHECK(j["reply"]["valid_lifetime"].num() == 7200);
  CHECK(j["reply"]["server_duid"].str() == "00:03:00:01:52:54:00:12:34:56");
  CHECK(j["released"].boolean());
  CHECK(j["release_reply"]["status"].str() == "Success");
  CHECK(j["release_reply"]["message"].str() == "release received");
  CHECK(j["release_reply"]["rtt_ms"].num() == 0.5);

  // No REPLY to the RELEASE: not said to be gone.
  auto lost = r;
  lost.release_reply.reset();
  const std::string l = text(lost);
  INFO(l);
  CHECK(l.find("released: yes, no REPLY to our RELEASE, the lease may stay until its valid lifetime ends\n") !=
        std::string::npos);
  CHECK(l.find("nothing stays leased") == std::string::npos);
  CHECK(json(lost)["release_reply"].is_null());

  // A REPLY refusing the address: its status shown, nothing released.
  auto refused = r;
  refused.reply->address = IpAddr();
  refused.reply->preferred_lifetime.reset();
  refused.reply->valid_lifetime.reset();
  refused.reply->status = "NoAddrsAvail";
  refused.released = false;
  refused.release_reply.reset();
  const std::string f = text(refused);
  INFO(f);
  CHECK(f.find("    address none preferred none valid none dns none domain none status NoAddrsAvail\n") !=
        std::string::npos);
  CHECK(f.find("released") == std::string::npos);
  const auto fj = json(refused);
  CHECK(fj["reply"]["status"].str() == "NoAddrsAvail");
  CHECK(fj["reply"]["address"].is_null());
  CHECK_FALSE(fj["released"].boolean());

  // No REPLY to the REQUEST.
  auto silent = r;
  silent.reply.reset();
  silent.released = false;
  silent.release_reply.reset();
  const std::string s = text(silent);
  INFO(s);
  CHECK(s.find("exchange: no REPLY to our REQUEST\n") != std::string::npos);
  CHECK(json(silent)["reply"].is_null());
}

TEST_CASE("render_probe: --request with no ADVERTISE offering an address says why no REQUEST went", "[dhcp][render]") {
  auto r = v6_exchange();
  r.offers[0].address = IpAddr();
  r.offers[0].status = "NoAddrsAvail";
  r.request_asked = true;
  r.request = false;
  r.reply.reset();
  r.released = false;
  r.release_reply.reset();
  const std::string t = text(r);
  INFO(t);
  CHECK(t.find("status NoAddrsAvail\nexchange: no REQUEST sent: no server offered an address\n") != std::string::npos);
  CHECK(t.find("no REPLY") == std::string::npos);
  const auto j = json(r);
  CHECK_FALSE(j["request"].boolean());
  CHECK(j["reply"].is_null());
  // Without --request: nothing about an exchange.
  r.request_asked = false;
  CHECK(text(r).find("exchange") == std::string::npos);
}
