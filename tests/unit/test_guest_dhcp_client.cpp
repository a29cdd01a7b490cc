// The test guest's DHCP client (guest/dhcp_client.cpp) driven on hand-built
// frames through a fake wire: DORA, the address taken into the shared state,
// the lease line, renewal at T1 unicast to the server, a NAK starting over,
// the RELEASE at the end, and dhcp-ignore-offers. The server's answers are
// frames_dhcp.hpp's dhcp_server(); what the client sends is read back with
// parse_dhcp_request(), the server side's parser.

#include <netlab/frames.hpp>
#include <netlab/frames_dhcp.hpp>
#include <netlab/guest.hpp>

#include <catch2/catch.hpp>

#include "guest/parts.hpp"
#include "guest/state.hpp"
#include "guest/wire.hpp"

#include <string>
#include <vector>

using namespace netlab;
using namespace std::chrono_literals;

namespace netlab::guest {
// wire.cpp's, which the unit tests do not build (it opens devices).
PacketMeta meta_now(std::size_t size) {
  PacketMeta m;
  m.caplen = static_cast<std::uint32_t>(size);
  m.len = m.caplen;
  return m;
}
}  // namespace netlab::guest

namespace {

IpAddr ip(const char* text) { return IpAddr::parse(text).value(); }
MacAddr mac(const char* text) { return MacAddr::parse(text).value(); }

class FakeWire final : public guest::Wire {
 public:
  int fd() const noexcept override { return -1; }
  Result<void> send(std::span<const std::uint8_t> frame) override {
    sent.emplace_back(frame.begin(), frame.end());
    return {};
  }
  Result<std::optional<Frame>> receive() override { return std::optional<Frame>(); }
  std::vector<std::vector<std::uint8_t>> sent;
};

struct Rig {
  guest::Config cfg;
  FakeWire wire;
  std::vector<std::string> lines, notices;
  guest::LineSink sink = [this](guest::Line kind, std::string_view text) {
    (kind == guest::Line::Dhcp ? lines : notices).emplace_back(text);
  };
  std::unique_ptr<guest::Shared> shared;
  std::unique_ptr<guest::Component> client;

  explicit Rig(bool ignore_offers = false) {
    cfg.iface = "t0";
    cfg.ipv6 = false;
    cfg.quiet = true;
    cfg.dhcp = guest::DhcpClient{};
    cfg.dhcp->ignore_offers = ignore_offers;
    shared = std::make_unique<guest::Shared>(cfg, mac("02:00:5e:00:53:07"), wire, sink);
    client = guest::make_dhcp_client(*shared);
  }
  // The last frame sent, as the server reads it.
  frames::DhcpReply last() const {
    REQUIRE_FALSE(wire.sent.empty());
    auto m = frames::parse_dhcp_request(wire.sent.back());
    REQUIRE(m);
    return *m;
  }
  void feed(const std::vector<std::uint8_t>& f) {
    auto p = frames::parse(f);
    REQUIRE(p);
    client->on_frame(guest::Parsed{std::move(*p), f});
  }
  std::vector<std::uint8_t> answer(frames::DhcpType type, const frames::DhcpReply& to, std::uint32_t lease = 4) {
    frames::DhcpServerSpec s;
    s.type = type;
    s.server_mac = mac("02:00:5e:00:53:01");
    s.server = ip("192.0.2.1");
    s.xid = to.xid;
    s.chaddr = to.chaddr;
    s.ciaddr = to.ciaddr;
    if (type != frames::DhcpType::Nak) {
      s.yiaddr = ip("192.0.2.100");
      s.mask = ip("255.255.255.0");
      s.routers = {ip("192.0.2.1")};
      s.dns = {ip("192.0.2.53")};
      s.lease_time = lease;
    }
    return frames::dhcp_server(s);
  }
};

// DISCOVER, OFFER, REQUEST, ACK: the client is bound to 192.0.2.100/24.
void bind(Rig& r) {
  r.client->start(guest::Clock::now());
  const auto discover = r.last();
  REQUIRE(discover.type == std::uint8_t(1));
  r.feed(r.answer(frames::DhcpType::Offer, discover));
  const auto request = r.last();
  REQUIRE(request.type == std::uint8_t(3));
  r.feed(r.answer(frames::DhcpType::Ack, request));
}

}  // namespace

TEST_CASE("guest dhcp client runs DORA and takes address mask and router from the ACK") {
  Rig r;
  r.client->start(guest::Clock::now());
  const auto discover = r.last();
  CHECK(discover.type == std::uint8_t(1));
  CHECK(discover.ip_dst == ip("255.255.255.255"));
  CHECK(discover.chaddr == mac("02:00:5e:00:53:07"));
  CHECK_FALSE(r.shared->has_v4());

  r.feed(r.answer(frames::DhcpType::Offer, discover));
  const auto request = r.last();
  CHECK(request.type == std::uint8_t(3));
  CHECK(request.xid == discover.xid);
  CHECK(request.requested == ip("192.0.2.100"));
  CHECK(request.server_id == ip("192.0.2.1"));

  const auto before = r.wire.sent.size();
  r.feed(r.answer(frames::DhcpType::Ack, request));
  CHECK(r.shared->ip == ip("192.0.2.100"));
  CHECK(r.shared->subnet.to_string() == "192.0.2.100/24");
  REQUIRE(r.shared->gateway);
  CHECK(*r.shared->gateway == ip("192.0.2.1"));
  REQUIRE(r.lines.size() == 1);
  CHECK(r.lines[0] == "dhcp lease 192.0.2.100/24 server 192.0.2.1 router 192.0.2.1 dns 192.0.2.53 lease 4s");
  // A gratuitous ARP announces the address.
  REQUIRE(r.wire.sent.size() == before + 1);
  const auto garp = frames::parse(r.wire.sent.back());
  REQUIRE(garp);
  REQUIRE(garp->arp);
  CHECK(garp->arp->spa == ip("192.0.2.100"));
  CHECK(garp->arp->tpa == ip("192.0.2.100"));
}

TEST_CASE("guest dhcp client ignores answers for another transaction or MAC") {
  Rig r;
  r.client->start(guest::Clock::now());
  auto other = r.last();
  other.xid ^= 1;
  const auto sent = r.wire.sent.size();
  r.feed(r.answer(frames::DhcpType::Offer, other));
  other = r.last();
  other.chaddr = mac("02:00:5e:00:53:08");
  r.feed(r.answer(frames::DhcpType::Offer, other));
  CHECK(r.wire.sent.size() == sent);
}

TEST_CASE("guest dhcp client resends an unanswered DISCOVER with backoff") {
  Rig r;
  const auto t0 = guest::Clock::now();
  r.client->start(t0);
  CHECK(r.wire.sent.size() == 1);
  CHECK(r.client->tick(t0 + 500ms) <= t0 + 1s);
  CHECK(r.wire.sent.size() == 1);
  r.client->tick(t0 + 1s);
  CHECK(r.wire.sent.size() == 2);
  // The next one waits twice as long.
  CHECK(r.client->tick(t0 + 1s + 1ms) >= t0 + 3s - 1ms);
  r.client->tick(t0 + 3s);
  CHECK(r.wire.sent.size() == 3);
  CHECK(r.last().type == std::uint8_t(1));
}

TEST_CASE("guest dhcp client renews at T1 unicast to the server and prints the renewal") {
  Rig r;
  bind(r);
  const auto now = guest::Clock::now();
  r.client->tick(now + 2500ms);  // T1 of a 4 s lease is 2 s
  const auto renew = r.last();
  CHECK(renew.type == std::uint8_t(3));
  CHECK(renew.ciaddr == ip("192.0.2.100"));
  CHECK(renew.ip_dst == ip("192.0.2.1"));
  CHECK(renew.eth_src == mac("02:00:5e:00:53:07"));
  CHECK(frames::parse(r.wire.sent.back())->eth_dst == mac("02:00:5e:00:53:01"));
  CHECK_FALSE(renew.server_id);
  CHECK_FALSE(renew.requested);
  r.feed(r.answer(frames::DhcpType::Ack, renew));
  REQUIRE(r.lines.size() == 2);
  CHECK(r.lines[1].rfind("dhcp renewed 192.0.2.100/24 server 192.0.2.1 ", 0) == 0);
}

TEST_CASE("guest dhcp client drops its address on a NAK and starts over") {
  Rig r;
  bind(r);
  r.client->tick(guest::Clock::now() + 2500ms);
  const auto renew = r.last();
  r.feed(r.answer(frames::DhcpType::Nak, renew));
  CHECK_FALSE(r.shared->has_v4());
  CHECK(r.last().type == std::uint8_t(1));  // a new DISCOVER
  CHECK(r.last().xid != renew.xid);
  REQUIRE_FALSE(r.notices.empty());
  CHECK(r.notices.back().find("192.0.2.100 NAKed by 192.0.2.1") != std::string::npos);
}

TEST_CASE("guest dhcp client releases its lease at the end") {
  Rig r;
  bind(r);
  r.client->finish();
  const auto rel = r.last();
  CHECK(rel.type == std::uint8_t(7));
  CHECK(rel.ciaddr == ip("192.0.2.100"));
  CHECK(rel.server_id == ip("192.0.2.1"));
  CHECK(rel.ip_dst == ip("192.0.2.1"));
  CHECK(r.lines.back() == "dhcp released 192.0.2.100 to 192.0.2.1");
}

TEST_CASE("guest dhcp client with dhcp-ignore-offers never sends a REQUEST") {
  Rig r(true);
  r.client->start(guest::Clock::now());
  const auto discover = r.last();
  r.feed(r.answer(frames::DhcpType::Offer, discover));
  r.feed(r.answer(frames::DhcpType::Offer, discover));
  CHECK(r.wire.sent.size() == 1);
  CHECK_FALSE(r.shared->has_v4());
  CHECK(r.notices.size() == 1);  // said once
}
