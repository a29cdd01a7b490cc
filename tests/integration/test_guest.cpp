// netlab guest, checked from the host's side of the wire: the host kernel
// must accept what the guest sends (ARP resolves, iputils ping succeeds),
// and each misbehaviour must show on the wire as a packet socket on the
// host sees it. Every test runs in a private namespace it creates.
#include "guest_process.hpp"
#include "mini_json.hpp"
#include "netns_fixture.hpp"

#include <netlab/frames.hpp>
#include <netlab/link.hpp>
#include <netlab/linkio.hpp>
#include <netlab/netns.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using nltest::ip_addr;
using nltest::ip_ok;
using Clock = std::chrono::steady_clock;
namespace frames = netlab::frames;

using nltest::guestproc::command_text;
using nltest::guestproc::count_of;
using nltest::guestproc::ok;
using nltest::guestproc::GuestProcess;
using nltest::guestproc::read_file;
using nltest::guestproc::wait_for;

namespace {

const netlab::MacAddr kGuestMac = netlab::MacAddr::parse("02:00:5e:00:53:02").value();
const netlab::MacAddr kProberMac = netlab::MacAddr::parse("02:00:5e:00:53:50").value();


// A host with a TAP device (up, no process attached) holding 192.0.2.1/24,
// made with netlab tap create as a user would. IPv6 is off so the wire
// carries only what the tests look at.
void tap_lab(const std::string& tap = "gtap0") {
  nltest::write_proc("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
  nltest::write_proc("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
  ok({"tap", "create", tap, "up"});
  ip_ok({"addr", "add", "192.0.2.1/24", "dev", tap});
  // NO-CARRIER shows a moment after creation: let it settle before tests
  // compare the host's state before and after a command.
  REQUIRE(wait_for([&] { return ip_ok({"link", "show", tap}).find("NO-CARRIER") != std::string::npos; }, 3000));
}

bool carrier(const std::string& dev) {
  auto l = netlab::link::get({}, dev);
  REQUIRE(l.has_value());
  return l->carrier.value_or(false);
}

// The host's view of the wire on `dev`: frames coming from the guest.
netlab::LinkTap host_tap(const std::string& dev) {
  netlab::LinkTapOptions o;
  o.direction = netlab::Direction::In;
  auto t = netlab::LinkTap::open({}, dev, o);
  INFO(nltest::why(t));
  REQUIRE(t.has_value());
  return std::move(*t);
}

// The first frame from the guest that `want` accepts, within `ms`.
std::optional<netlab::Frame> next_matching(netlab::LinkTap& tap, int ms,
                                           const std::function<bool(const frames::Parsed&)>& want) {
  const auto until = Clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    auto f = tap.next(until);
    REQUIRE(f.has_value());
    if (!*f) return std::nullopt;
    auto p = frames::parse((*f)->bytes);
    if (p && want(*p)) return std::move(**f);
  }
}

// Asks the guest, from a made-up station on the host's side, who has
// `target`, three times `ms` apart as an ARP client retries (a guest on a
// loaded machine may miss the first window); returns the first ARP reply.
std::optional<netlab::Frame> ask(netlab::LinkTap& tap, const char* target, int ms = 1000) {
  auto request = frames::arp_request(kProberMac, ip_addr("192.0.2.50"), ip_addr(target));
  for (int attempt = 0; attempt < 3; ++attempt) {
    REQUIRE(tap.send(request).has_value());
    auto reply = next_matching(tap, ms, [](const frames::Parsed& p) { return p.arp && p.arp->is_reply(); });
    if (reply) return reply;
  }
  return std::nullopt;
}

frames::Arp arp_of(const netlab::Frame& f) {
  auto p = frames::parse(f.bytes);
  REQUIRE(p);
  REQUIRE(p->arp);
  return *p->arp;
}

netlab::MacAddr eth_dst_of(const netlab::Frame& f) {
  auto p = frames::parse(f.bytes);
  REQUIRE(p);
  return p->eth_dst;
}

std::vector<std::string> guest_args(std::vector<std::string> extra) {
  std::vector<std::string> args{"guest", "gtap0", "ip", "192.0.2.2/24", "mac", kGuestMac.to_string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

nltest::RunResult host_ping(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ping", "-n", "-c1", "-W1"};
  argv.insert(argv.end(), args.begin(), args.end());
  return nltest::run(argv);
}

// ip's view of one neighbour entry, or a null value.
testjson::Value neighbour(const std::string& addr, const std::string& dev) {
  auto list = testjson::parse(ip_ok({"-j", "neigh", "show", addr, "dev", dev}));
  if (list.array().empty()) return {};
  return list.array().at(0);
}

std::string host_state() {
  return ip_ok({"-d", "link", "show"}) + ip_ok({"addr", "show"}) + ip_ok({"neigh", "show"});
}

}  // namespace

TEST_CASE("guest on a tap: the tap gets carrier, the host kernel resolves and pings the guest", "[guest]") {
  nltest::PrivateNetns ns;
  tap_lab();
  REQUIRE_FALSE(carrier("gtap0"));  // up, but nobody attached

  GuestProcess guest(guest_args({}));
  CHECK(guest.wait_ready() == "netlab guest: gtap0 attached as 192.0.2.2 (02:00:5e:00:53:02)");
  CHECK(wait_for([] { return carrier("gtap0"); }, 2000));

  // iputils ping checks the echoed payload ("wrong data byte" otherwise);
  // an odd size exercises the checksum's last-byte rule.
  auto ping = host_ping({"-W2", "-s", "1001", "192.0.2.2"});
  INFO(ping.out << ping.err);
  CHECK(ping.status == 0);
  CHECK(ping.out.find("1009 bytes from 192.0.2.2") != std::string::npos);
  CHECK(ping.out.find("wrong data") == std::string::npos);

  auto n = neighbour("192.0.2.2", "gtap0");
  REQUIRE(n.is_object());
  CHECK(n["lladdr"].str() == "02:00:5e:00:53:02");
  const std::string state = n["state"].array().at(0).str();
  CHECK((state == "REACHABLE" || state == "STALE" || state == "DELAY"));

  // A request from another station is answered to that station.
  auto tap = host_tap("gtap0");
  auto reply = ask(tap, "192.0.2.2");
  REQUIRE(reply);
  CHECK(eth_dst_of(*reply) == kProberMac);
  const auto a = arp_of(*reply);
  CHECK(a.sha == kGuestMac);
  CHECK(a.spa == ip_addr("192.0.2.2"));
  CHECK(a.tha == kProberMac);
  CHECK(a.tpa == ip_addr("192.0.2.50"));

  // The guest shows what it saw and sent, in the decoder's -e format.
  const std::string out = guest.out();
  INFO(out);
  CHECK(out.find("ethertype ARP (0x0806), length 42: Request who-has 192.0.2.2 tell 192.0.2.1") != std::string::npos);
  CHECK(out.find("02:00:5e:00:53:02 > ") != std::string::npos);
  CHECK(out.find("Reply 192.0.2.2 is-at 02:00:5e:00:53:02") != std::string::npos);
  CHECK(out.find("192.0.2.2 > 192.0.2.1: ICMP echo reply") != std::string::npos);
}

TEST_CASE("guest: the gratuitous ARP at start is a broadcast request with sender and target the guest's IP", "[guest]") {
  nltest::PrivateNetns ns;
  tap_lab();
  auto tap = host_tap("gtap0");
  GuestProcess guest(guest_args({}));
  guest.wait_ready();
  auto garp = next_matching(tap, 1000, [](const frames::Parsed& p) { return p.arp.has_value(); });
  REQUIRE(garp);
  CHECK(garp->bytes.size() == 60);
  CHECK(eth_dst_of(*garp) == frames::broadcast_mac());
  const auto a = arp_of(*garp);
  CHECK(a.is_request());
  CHECK(a.sha == kGuestMac);
  CHECK(a.spa == ip_addr("192.0.2.2"));
  CHECK(a.tpa == ip_addr("192.0.2.2"));
  CHECK(a.tha.is_zero());
}

TEST_CASE("guest ping: the host answers (exit 0), on the subnet and through the gateway", "[guest]") {
  nltest::PrivateNetns ns;
  tap_lab();

  auto alive = nltest::netlab(guest_args({"ping", "192.0.2.1", "count", "2", "interval", "0.2"}));
  INFO(alive.out << alive.err);
  CHECK(alive.status == 0);
  CHECK(alive.out.find("PING 192.0.2.1 (192.0.2.1) 56(84) bytes of data.") != std::string::npos);
  CHECK(alive.out.find("64 bytes from 192.0.2.1: icmp_seq=1 ttl=64 time=") != std::string::npos);
  CHECK(alive.out.find("64 bytes from 192.0.2.1: icmp_seq=2 ttl=64 time=") != std::string::npos);
  CHECK(alive.out.find("2 packets transmitted, 2 received, 0% packet loss") != std::string::npos);
  CHECK(alive.out.find("rtt min/avg/max/mdev = ") != std::string::npos);
  // The guest resolved the host first, and the host learnt the guest from it.
  CHECK(alive.out.find("Request who-has 192.0.2.1 tell 192.0.2.2") != std::string::npos);

  // Off the subnet, through the gateway: only the gateway is resolved.
  ip_ok({"addr", "add", "198.51.100.1/32", "dev", "lo"});
  auto routed = nltest::netlab(guest_args({"gateway", "192.0.2.1", "ping", "198.51.100.1", "count", "1"}));
  INFO(routed.out << routed.err);
  CHECK(routed.status == 0);
  CHECK(routed.out.find("bytes from 198.51.100.1: icmp_seq=1") != std::string::npos);
  CHECK(routed.out.find("who-has 198.51.100.1") == std::string::npos);
}

TEST_CASE("guest ping to a dead address: three ARP tries, exit 3, and the host is answered meanwhile", "[guest]") {
  nltest::PrivateNetns ns;
  tap_lab();
  // While it tries to resolve a dead address, the guest still answers the host.
  const auto start = Clock::now();
  GuestProcess dead(guest_args({"ping", "192.0.2.99", "count", "1"}));
  dead.wait_ready();
  auto ping = host_ping({"-W2", "192.0.2.2"});
  CHECK(ping.status == 0);
  // Three tries a second apart, then exit: well under the margin a loaded
  // machine needs, far under a guest that kept trying.
  CHECK(dead.wait_exit(6500) == 3);
  CHECK(Clock::now() - start < std::chrono::milliseconds(6500));
  const std::string out = dead.out();
  INFO(out << dead.err());
  CHECK(count_of(out, "Request who-has 192.0.2.99 tell 192.0.2.2") == 3);  // three tries, then give up
  CHECK(out.find("Destination Host Unreachable") != std::string::npos);
  CHECK(out.find("0 received") != std::string::npos);
}

TEST_CASE("guest reply-dst: ARP replies go to the wrong Ethernet destination", "[guest][misbehave]") {
  nltest::PrivateNetns ns;
  tap_lab();
  GuestProcess guest(guest_args({"reply-dst", "02:00:5e:00:53:99"}));
  guest.wait_ready();
  auto tap = host_tap("gtap0");
  auto reply = ask(tap, "192.0.2.2");
  REQUIRE(reply);
  CHECK(eth_dst_of(*reply).to_string() == "02:00:5e:00:53:99");
  CHECK(arp_of(*reply).tha == kProberMac);  // the ARP body still names the requester
  // The host's own request is answered to the wrong MAC too: the kernel never learns the guest.
  CHECK(host_ping({"192.0.2.2"}).status != 0);
  auto n = neighbour("192.0.2.2", "gtap0");
  CHECK((n.is_null() || !n.has("lladdr")));
}

TEST_CASE("guest reply-sender: ARP replies claim another sender address", "[guest][misbehave]") {
  nltest::PrivateNetns ns;
  tap_lab();
  GuestProcess guest(guest_args({"reply-sender", "192.0.2.77"}));
  guest.wait_ready();
  auto tap = host_tap("gtap0");
  auto reply = ask(tap, "192.0.2.2");
  REQUIRE(reply);
  const auto a = arp_of(*reply);
  CHECK(a.spa == ip_addr("192.0.2.77"));
  CHECK(a.sha == kGuestMac);
  CHECK(eth_dst_of(*reply) == kProberMac);
  // The answer speaks for another address: the host's question stays open.
  CHECK(host_ping({"192.0.2.2"}).status != 0);
  auto n = neighbour("192.0.2.2", "gtap0");
  CHECK((n.is_null() || !n.has("lladdr")));
}

TEST_CASE("guest also: a second address answers ARP and ICMP", "[guest][misbehave]") {
  nltest::PrivateNetns ns;
  tap_lab();
  GuestProcess guest(guest_args({"also", "192.0.2.3"}));
  guest.wait_ready();
  auto tap = host_tap("gtap0");
  auto reply = ask(tap, "192.0.2.3");
  REQUIRE(reply);
  CHECK(arp_of(*reply).spa == ip_addr("192.0.2.3"));
  CHECK(arp_of(*reply).sha == kGuestMac);
  CHECK_FALSE(ask(tap, "192.0.2.4", 500));  // and nothing else
  CHECK(host_ping({"-W2", "192.0.2.3"}).status == 0);
}

TEST_CASE("guest bpdu: an 802.3 LLC configuration BPDU every 2 seconds", "[guest][misbehave]") {
  nltest::PrivateNetns ns;
  tap_lab();
  auto tap = host_tap("gtap0");
  GuestProcess guest(guest_args({"bpdu"}));
  guest.wait_ready();
  auto is_bpdu = [](const frames::Parsed& p) { return p.eth_dst.to_string() == "01:80:c2:00:00:00"; };
  auto first = next_matching(tap, 1000, is_bpdu);
  REQUIRE(first);
  auto second = next_matching(tap, 2600, is_bpdu);
  REQUIRE(second);
  // (Frame::time() is not exported from the library: compute it here.)
  auto seconds = [](const netlab::Frame& f) {
    return static_cast<double>(f.meta.sec) + static_cast<double>(f.meta.frac) / (f.meta.nano ? 1e9 : 1e6);
  };
  const double gap = seconds(*second) - seconds(*first);
  CHECK(gap > 1.8);
  CHECK(gap < 2.3);
  const auto& b = first->bytes;
  REQUIRE(b.size() >= 14 + 38);
  CHECK((b[12] << 8 | b[13]) == 38);  // an 802.3 length: LLC (3) + BPDU (35)
  CHECK(b[14] == 0x42);
  CHECK(b[15] == 0x42);
  CHECK(b[16] == 0x03);
  CHECK((b[17] | b[18]) == 0);  // protocol identifier 0
  CHECK(b[19] == 0);            // version 0
  CHECK(b[20] == 0);            // configuration BPDU
  CHECK((b[22] << 8 | b[23]) == 0x8000);
  CHECK(netlab::MacAddr({b[24], b[25], b[26], b[27], b[28], b[29]}) == kGuestMac);  // root id
  CHECK((b[48] << 8 | b[49]) == 2 * 256);  // hello time 2 s
}

TEST_CASE("guest with a multicast MAC is accepted with a warning and uses it", "[guest][misbehave]") {
  nltest::PrivateNetns ns;
  tap_lab();
  auto tap = host_tap("gtap0");
  GuestProcess guest({"guest", "gtap0", "ip", "192.0.2.2/24", "mac", "01:00:5e:00:00:42"});
  CHECK(guest.wait_ready() == "netlab guest: gtap0 attached as 192.0.2.2 (01:00:5e:00:00:42)");
  const std::string err = guest.err();
  CHECK(err.find("warning") != std::string::npos);
  CHECK(err.find("multicast") != std::string::npos);
  auto garp = next_matching(tap, 1000, [](const frames::Parsed& p) { return p.arp.has_value(); });
  REQUIRE(garp);
  auto p = frames::parse(garp->bytes);
  REQUIRE(p);
  CHECK(p->eth_src.to_string() == "01:00:5e:00:00:42");
  CHECK(arp_of(*garp).sha.to_string() == "01:00:5e:00:00:42");
}

TEST_CASE("guest mtu: longer frames are dropped and reported", "[guest][misbehave]") {
  nltest::PrivateNetns ns;
  tap_lab();
  GuestProcess guest(guest_args({"mtu", "1000"}));
  guest.wait_ready();
  auto tap = host_tap("gtap0");
  CHECK(host_ping({"-W2", "-s", "900", "192.0.2.2"}).status == 0);  // 942 bytes: fits
  CHECK(host_ping({"-s", "1100", "192.0.2.2"}).status != 0);        // 1142 bytes: dropped
  CHECK(wait_for([&] { return guest.err().find("dropped a 1142-byte frame") != std::string::npos; }, 1000));
  // On the wire: the big request went to the guest, no reply came back.
  auto big_reply = next_matching(tap, 300, [](const frames::Parsed& p) {
    return p.icmp && p.icmp->type == frames::kIcmpEchoReply && p.ipv4->total_length > 1000;
  });
  CHECK_FALSE(big_reply);
}

TEST_CASE("guest arp-off: no ARP answers, ICMP still answered", "[guest][misbehave]") {
  nltest::PrivateNetns ns;
  tap_lab();
  GuestProcess guest(guest_args({"arp-off"}));
  guest.wait_ready();
  auto tap = host_tap("gtap0");
  CHECK_FALSE(ask(tap, "192.0.2.2", 700));
  CHECK(host_ping({"192.0.2.2"}).status != 0);
  // With a static entry the host reaches it: only ARP is off.
  ip_ok({"neigh", "replace", "192.0.2.2", "lladdr", kGuestMac.to_string(), "dev", "gtap0", "nud", "permanent"});
  CHECK(host_ping({"-W2", "192.0.2.2"}).status == 0);
}

TEST_CASE("guest no-garp: nothing is announced at start", "[guest][misbehave]") {
  nltest::PrivateNetns ns;
  tap_lab();
  auto tap = host_tap("gtap0");
  GuestProcess guest(guest_args({"no-garp"}));
  guest.wait_ready();
  CHECK_FALSE(next_matching(tap, 400, [](const frames::Parsed& p) { return p.arp.has_value(); }));
  // Still a working guest.
  CHECK(host_ping({"-W2", "192.0.2.2"}).status == 0);
}

TEST_CASE("guest on a veth end in another namespace works like on a tap", "[guest][netns]") {
  nltest::PrivateNetns ns;
  nltest::write_proc("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
  nltest::make_named_netns("guestns");
  auto there = netlab::Netns::named("guestns");
  REQUIRE(there.has_value());
  netlab::link::CreateOptions up;
  up.up = true;
  REQUIRE_OK(netlab::link::add_veth({}, nltest::name("gv0"), nltest::name("gv1"), up, *there));
  netlab::link::Change c;
  c.up = true;
  REQUIRE_OK(netlab::link::set(*there, nltest::name("gv1"), c));
  ip_ok({"addr", "add", "192.0.2.1/24", "dev", "gv0"});

  {
    GuestProcess guest({"-n", "guestns", "guest", "gv1", "ip", "192.0.2.2/24", "mac", kGuestMac.to_string()});
    CHECK(guest.wait_ready() == "netlab guest: gv1 attached as 192.0.2.2 (02:00:5e:00:53:02)");
    auto ping = host_ping({"-W2", "192.0.2.2"});
    INFO(ping.out << guest.out() << guest.err());
    CHECK(ping.status == 0);
    auto n = neighbour("192.0.2.2", "gv0");
    REQUIRE(n.is_object());
    CHECK(n["lladdr"].str() == "02:00:5e:00:53:02");
    CHECK(guest.stop(SIGTERM) == 0);
  }
  auto out = nltest::netlab({"-n", "guestns", "guest", "gv1", "ip", "192.0.2.3/24", "ping", "192.0.2.1", "count", "1"});
  INFO(out.out << out.err);
  CHECK(out.status == 0);
  CHECK(out.out.find("bytes from 192.0.2.1: icmp_seq=1") != std::string::npos);
  // The guest's namespace itself holds no address: the answers were the guest's.
  CHECK(ip_ok({"-n", "guestns", "-4", "addr", "show", "dev", "gv1"}).find("inet ") == std::string::npos);
}

TEST_CASE("guest refuses bad input with one line and changes nothing", "[guest][errors]") {
  nltest::PrivateNetns ns;
  tap_lab();
  ok({"tap", "create", "gtun0", "tun", "up"});
  // The creator's fd just closed: the carrier is off, but the operational
  // state (ip's NO-CARRIER) follows asynchronously, through linkwatch.
  auto oper_down = [](const char* dev) {
    auto l = netlab::link::get({}, dev);
    return l.has_value() && l->operstate_name() == "DOWN";
  };
  REQUIRE(wait_for([&] { return oper_down("gtun0") && oper_down("gtap0"); }, 3000));
  const std::string before = host_state();
  struct Case {
    std::vector<std::string> args;
    int status;
    std::string err;  // expected stderr, or a piece of it when `exact` is false
    bool exact;
  };
  const std::vector<Case> cases = {
      {{"guest", "gtap0", "ip", "192.0.2.300/24"}, 2, "192.0.2.300", false},
      {{"guest", "gtap0", "ip", "192.0.2.2"}, 2, "prefix length", false},
      {{"guest", "gtap0", "ip", "192.0.2.2/24", "mac", "02:00:5e:00:53"}, 2, "MAC address", false},
      {{"guest", "gtap0", "ip", "192.0.2.2/24", "mac", "02:00:5e:00:53:zz"}, 2, "MAC address", false},
      {{"guest", "nosuch0", "ip", "192.0.2.2/24"}, 1, "netlab: interface nosuch0: No such device\n", true},
      {{"guest", "gtap0-is-too-long", "ip", "192.0.2.2/24"}, 2, "at most 15", false},
      {{"guest", "gtap0"}, 2, "needs an address", false},
      {{"guest"}, 2, "needs an interface", false},
      {{"guest", "gtun0", "ip", "192.0.2.2/24"}, 2, "TUN (layer 3)", false},
      {{"guest", "lo", "ip", "192.0.2.2/24"}, 2, "not an Ethernet interface", false},
      {{"guest", "gtap0", "ip", "192.0.2.2/24", "ping", "198.51.100.1"}, 2, "no gateway", false},
      {{"guest", "gtap0", "ip", "192.0.2.2/24", "gateway", "198.51.100.1"}, 2, "not on the guest's subnet", false},
      {{"guest", "gtap0", "ip", "192.0.2.2/24", "count", "2"}, 2, "goes with ping", false},
      {{"guest", "gtap0", "ip", "192.0.2.2/24", "duration", "0"}, 2, "duration", false},
      {{"guest", "gtap0", "ip", "192.0.2.2/24", "mtu", "500", "ping", "192.0.2.1", "size", "600"}, 2, "mtu", false},
      {{"guest", "gtap0", "ip", "2001:db8::2/64"}, 2, "IPv4 only", false},
      {{"guest", "gtap0", "ip", "192.0.2.2/24", "frobnicate"}, 2, "unknown argument", false},
  };
  for (const auto& c : cases) {
    auto r = nltest::netlab(c.args);
    INFO(command_text(c.args) << "\nstderr: " << r.err);
    CHECK(r.status == c.status);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("netlab: ", 0) == 0);
    CHECK(count_of(r.err, "\n") == 1);
    if (c.exact) CHECK(r.err == c.err);
    else CHECK(r.err.find(c.err) != std::string::npos);
  }
  CHECK_FALSE(carrier("gtap0"));
  CHECK(host_state() == before);

  // A tap that a guest already holds is refused, and the hint says who holds it.
  GuestProcess first(guest_args({}));
  first.wait_ready();
  auto busy = nltest::netlab({"guest", "gtap0", "ip", "192.0.2.3/24"});
  CHECK(busy.status == 1);
  CHECK(busy.err.find("netlab: interface gtap0: already attached") == 0);
  CHECK(busy.err.find("hint: held open by pid " + std::to_string(first.pid())) != std::string::npos);
}

TEST_CASE("guest stops cleanly on SIGTERM, SIGINT and duration, and the tap loses carrier", "[guest]") {
  nltest::PrivateNetns ns;
  tap_lab();
  for (int sig : {SIGTERM, SIGINT}) {
    GuestProcess guest(guest_args({"quiet"}));
    guest.wait_ready();
    REQUIRE(wait_for([] { return carrier("gtap0"); }, 2000));
    const auto asked = Clock::now();
    CHECK(guest.stop(sig, 1000) == 0);
    CHECK(Clock::now() - asked < std::chrono::milliseconds(500));
    CHECK(wait_for([] { return !carrier("gtap0"); }, 2000));
    CHECK(guest.out().empty());  // quiet: no frame lines
  }
  const auto start = Clock::now();
  GuestProcess timed(guest_args({"duration", "0.5"}));
  timed.wait_ready();
  CHECK(timed.wait_exit(2000) == 0);
  const auto took = Clock::now() - start;
  CHECK(took >= std::chrono::milliseconds(500));
  // Ends near its duration; the margin is for a slow start (ASan, tests
  // running side by side), not for another half-second run.
  CHECK(took < std::chrono::milliseconds(3000));
}
