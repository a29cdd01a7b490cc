// netlab guest's IPv6, checked against the host kernel: the kernel must
// resolve the guest (ip -6 neigh REACHABLE, iputils ping -6 answered), form a
// SLAAC address and a default route from the guest's RAs, mark its own
// address dadfailed when the guest holds it; and each misbehaviour (no-tlla,
// a non-/64 prefix) must leave exactly the state the cause catalog describes.
// Every test runs in a private namespace it creates. IPv6 addresses of new
// interfaces appear and finish DAD asynchronously: tests poll for them.
#include "guest_process.hpp"
#include "mini_json.hpp"
#include "netns_fixture.hpp"

#include <netlab/frames.hpp>
#include <netlab/frames6.hpp>
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
const netlab::MacAddr kRouterMac = netlab::MacAddr::parse("02:00:5e:00:53:01").value();
const netlab::MacAddr kProberMac = netlab::MacAddr::parse("02:00:5e:00:53:50").value();
// The EUI-64 link-local addresses of those MACs, as the kernel would form them.
const char* const kGuestLinkLocal = "fe80::5eff:fe00:5302";
const char* const kRouterLinkLocal = "fe80::5eff:fe00:5301";


// A host TAP device, up, no process attached, IPv6 on (the namespace's
// defaults: accept_ra 1, forwarding 0, addr_gen_mode eui64).
void tap6_lab(const std::string& tap = "gtap0") {
  ok({"tap", "create", tap, "up"});
  // The new tap reports NO-CARRIER a moment later: wait for it, or a state
  // snapshot taken now differs from one taken after the test's commands.
  REQUIRE(wait_for([&] { return ip_ok({"link", "show", tap}).find("NO-CARRIER") != std::string::npos; }, 3000));
}

// The host's view of the wire on `dev`: frames coming in from the guest.
netlab::LinkTap host_tap(const std::string& dev) {
  netlab::LinkTapOptions o;
  o.direction = netlab::Direction::In;
  auto t = netlab::LinkTap::open({}, dev, o);
  INFO(nltest::why(t));
  REQUIRE(t.has_value());
  return std::move(*t);
}

std::optional<frames::Parsed> next_matching(netlab::LinkTap& tap, int ms,
                                            const std::function<bool(const frames::Parsed&)>& want) {
  const auto until = Clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    auto f = tap.next(until);
    REQUIRE(f.has_value());
    if (!*f) return std::nullopt;
    auto p = frames::parse((*f)->bytes);
    // The parse holds spans into the frame: keep only owning copies of what matters.
    if (p && want(*p)) {
      if (p->ipv6) p->ipv6->payload = {};
      p->l3_payload = {};
      return p;
    }
  }
}

// Asks the guest, from a made-up station on the host's side, who has
// `target` (an NS to its solicited-node group); returns the NA seen.
std::optional<frames::Parsed> solicit(netlab::LinkTap& tap, const char* target, int ms = 1000) {
  frames::NsSpec ns;
  ns.src_mac = kProberMac;
  ns.src = ip_addr("fe80::5350");
  ns.target = ip_addr(target);
  REQUIRE(tap.send(frames::neighbor_solicitation(ns)).has_value());
  return next_matching(tap, ms, [&](const frames::Parsed& p) {
    return p.ndp && p.ndp->type == frames::kNdNeighborAdvert && p.ndp->target == ip_addr(target);
  });
}

nltest::RunResult ping6(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ping", "-6", "-n", "-c1", "-W2"};
  argv.insert(argv.end(), args.begin(), args.end());
  return nltest::run(argv);
}

// ip's view of one IPv6 neighbour entry, or a null value.
testjson::Value neighbour(const std::string& addr, const std::string& dev) {
  auto list = testjson::parse(ip_ok({"-j", "-6", "neigh", "show", addr, "dev", dev}));
  if (list.array().empty()) return {};
  return list.array().at(0);
}
std::string state_of(const testjson::Value& n) { return n.is_object() && n.has("state") ? n["state"].array().at(0).str() : ""; }
bool resolved(const testjson::Value& n, const netlab::MacAddr& mac) {
  const std::string s = state_of(n);
  return n.is_object() && n.has("lladdr") && n["lladdr"].str() == mac.to_string() &&
         (s == "REACHABLE" || s == "STALE" || s == "DELAY" || s == "PROBE");
}

// True once `dev` holds `needle` (an address text) and nothing on it is tentative.
bool has_settled_address(const std::string& dev, const std::string& needle) {
  const std::string all = ip_ok({"-6", "addr", "show", "dev", dev});
  return all.find(needle) != std::string::npos && all.find("tentative") == std::string::npos;
}

netlab::MacAddr mac_of(const std::string& dev) {
  auto l = netlab::link::get({}, dev);
  REQUIRE(l.has_value());
  REQUIRE(l->mac());
  return *l->mac();
}

std::string read_proc(const std::string& path) {
  std::string s = read_file(path);
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("guest6 on a tap: the host kernel resolves and pings the guest's link-local and global address",
          "[guest6]") {
  nltest::PrivateNetns ns;
  tap6_lab();
  ip_ok({"addr", "add", "2001:db8::1/64", "dev", "gtap0", "nodad"});
  GuestProcess guest({"guest", "gtap0", "ip", "192.0.2.2/24", "ip6", "2001:db8::2/64", "mac", kGuestMac.to_string()});
  // A dual-stack guest keeps the IPv4 readiness line.
  CHECK(guest.wait_ready() == "netlab guest: gtap0 attached as 192.0.2.2 (02:00:5e:00:53:02)");
  CHECK(guest.wait_err("IPv6 address " + std::string(kGuestLinkLocal) + "/64 ready (DAD passed)", 3000).size());
  CHECK(guest.wait_err("IPv6 address 2001:db8::2/64 ready (DAD passed)", 3000).size());
  // The host's own link-local address appears with the carrier and must finish DAD first.
  REQUIRE(wait_for([] { return has_settled_address("gtap0", "fe80::"); }, 5000));

  auto global = ping6({"2001:db8::2"});
  INFO(global.out << global.err << guest.out());
  CHECK(global.status == 0);
  CHECK(global.out.find("64 bytes from 2001:db8::2: icmp_seq=1") != std::string::npos);
  auto link_local = ping6({std::string(kGuestLinkLocal) + "%gtap0"});
  INFO(link_local.out << link_local.err);
  CHECK(link_local.status == 0);
  CHECK(resolved(neighbour("2001:db8::2", "gtap0"), kGuestMac));
  CHECK(resolved(neighbour(kGuestLinkLocal, "gtap0"), kGuestMac));
  CHECK(state_of(neighbour("2001:db8::2", "gtap0")) == "REACHABLE");
  // A guest that is not a router says so: no router flag on the host's entry.
  CHECK_FALSE(neighbour("2001:db8::2", "gtap0").has("router"));

  // Another station's NS is answered to it, solicited, with the TLLA option.
  auto tap = host_tap("gtap0");
  auto na = solicit(tap, "2001:db8::2");
  REQUIRE(na);
  CHECK(na->eth_dst == kProberMac);
  CHECK(na->eth_src == kGuestMac);
  REQUIRE(na->ndp);
  CHECK(na->ndp->target_lladdr == kGuestMac);
  CHECK(na->ndp->solicited);
  CHECK(na->ndp->override_flag);
  CHECK_FALSE(na->ndp->router);
  CHECK(na->icmpv6->checksum_ok == true);
  // Nothing answers for an address the guest does not have.
  CHECK_FALSE(solicit(tap, "2001:db8::3", 500));

  // IPv4 still works beside it.
  ip_ok({"addr", "add", "192.0.2.1/24", "dev", "gtap0"});
  CHECK(nltest::run({"ping", "-n", "-c1", "-W2", "192.0.2.2"}).status == 0);

  const std::string out = guest.out();
  CHECK(out.find("ICMP6, neighbor advertisement, tgt is 2001:db8::2") != std::string::npos);
  CHECK(out.find("2001:db8::2 > 2001:db8::1: ICMP6, echo reply") != std::string::npos);
}

TEST_CASE("guest6 start: an MLDv2 join and a DAD probe from ::, then one router solicitation", "[guest6]") {
  nltest::PrivateNetns ns;
  tap6_lab();
  auto tap = host_tap("gtap0");
  GuestProcess guest({"guest", "gtap0", "ip6", "auto", "mac", kGuestMac.to_string()});
  CHECK(guest.wait_ready() == "netlab guest: gtap0 attached as " + std::string(kGuestLinkLocal) + " (02:00:5e:00:53:02)");
  const auto start = Clock::now();
  std::vector<frames::Parsed> seen;
  while (Clock::now() - start < std::chrono::milliseconds(3500)) {
    auto p = next_matching(tap, 200, [](const frames::Parsed& f) { return f.eth_src == kGuestMac; });
    if (p) seen.push_back(*p);
  }
  REQUIRE(seen.size() >= 3);
  const auto sn = frames::solicited_node(ip_addr(kGuestLinkLocal));
  // First the join, from :: (the link-local address is still tentative).
  REQUIRE(seen[0].mld);
  CHECK(seen[0].mld->type == frames::kMld2Report);
  REQUIRE(seen[0].mld->records.size() == 1);
  CHECK(seen[0].mld->records[0].group == sn);
  CHECK(seen[0].mld->records[0].type == frames::kMldChangeToExclude);
  CHECK(seen[0].eth_dst.to_string() == "33:33:00:00:00:16");
  // Then the DAD probe: from ::, to the solicited-node group, no SLLA.
  REQUIRE(seen[1].ndp);
  CHECK(seen[1].ndp->type == frames::kNdNeighborSolicit);
  CHECK(seen[1].ndp->target == ip_addr(kGuestLinkLocal));
  CHECK_FALSE(seen[1].ndp->source_lladdr);
  CHECK(seen[1].eth_dst == frames::multicast_mac(sn));
  // After DAD: exactly one RS, from the link-local address, with SLLA.
  std::size_t rs = 0;
  for (const auto& p : seen) {
    if (!p.ndp || p.ndp->type != frames::kNdRouterSolicit) continue;
    ++rs;
    CHECK(p.ndp->source_lladdr == kGuestMac);
    CHECK(p.eth_dst.to_string() == "33:33:00:00:00:02");
  }
  CHECK(rs == 1);
  CHECK(guest.err().find("IPv6 address " + std::string(kGuestLinkLocal) + "/64 ready (DAD passed)") != std::string::npos);
}

TEST_CASE("guest6 no-tlla: NAs without the target link-layer option leave the host entry unresolved (C28)",
          "[guest6][misbehave]") {
  nltest::PrivateNetns ns;
  tap6_lab();
  ip_ok({"addr", "add", "2001:db8::1/64", "dev", "gtap0", "nodad"});
  GuestProcess guest({"guest", "gtap0", "ip6", "2001:db8::2/64", "mac", kGuestMac.to_string(), "no-tlla"});
  guest.wait_ready();
  guest.wait_err("IPv6 address 2001:db8::2/64 ready", 3000);
  REQUIRE(wait_for([] { return has_settled_address("gtap0", "fe80::"); }, 5000));

  auto tap = host_tap("gtap0");
  auto na = solicit(tap, "2001:db8::2");
  REQUIRE(na);  // the guest answers...
  REQUIRE(na->ndp);
  CHECK_FALSE(na->ndp->target_lladdr);  // ...without the option
  CHECK(na->ndp->option_types.empty());
  CHECK(na->ndp->solicited);

  // The host's multicast NS gets such NAs too, and cannot complete its entry.
  auto ping = ping6({"2001:db8::2"});
  CHECK(ping.status != 0);
  CHECK(guest.out().find("ICMP6, neighbor advertisement, tgt is 2001:db8::2, length 24") != std::string::npos);
  auto n = neighbour("2001:db8::2", "gtap0");
  REQUIRE(n.is_object());
  CHECK_FALSE(n.has("lladdr"));
  const std::string state = state_of(n);
  CHECK((state == "INCOMPLETE" || state == "FAILED"));

  // The catalog's workaround: a permanent entry; the guest answers echo.
  ip_ok({"-6", "neigh", "replace", "2001:db8::2", "lladdr", kGuestMac.to_string(), "dev", "gtap0", "nud", "permanent"});
  CHECK(ping6({"2001:db8::2"}).status == 0);
}

TEST_CASE("guest6 ra: the host forms a SLAAC address and a default route via the guest's link-local address",
          "[guest6][router]") {
  nltest::PrivateNetns ns;
  tap6_lab();
  // The defaults of a new namespace, which decide whether RAs are taken.
  REQUIRE(read_proc("/proc/sys/net/ipv6/conf/gtap0/accept_ra") == "1");
  REQUIRE(read_proc("/proc/sys/net/ipv6/conf/gtap0/forwarding") == "0");
  const auto expected = frames::slaac_address(nltest::prefix("2001:db8:1::/64"), mac_of("gtap0")).to_string();

  GuestProcess router({"guest", "gtap0", "ip6", "auto", "mac", kRouterMac.to_string(), "ra", "2001:db8:1::/64",
                       "ra-interval", "1"});
  router.wait_ready();
  const bool formed = wait_for([&] { return has_settled_address("gtap0", expected + "/64"); }, 8000);
  INFO(ip_ok({"-6", "addr", "show", "dev", "gtap0"}) << router.out());
  CHECK(formed);
  CHECK(ip_ok({"-6", "addr", "show", "dev", "gtap0"}).find("scope global dynamic") != std::string::npos);
  const std::string routes = ip_ok({"-6", "route", "show", "default"});
  INFO(routes);
  CHECK(routes.find(std::string("default via ") + kRouterLinkLocal + " dev gtap0 proto ra") != std::string::npos);
  CHECK(ip_ok({"-6", "route", "show", "2001:db8:1::/64"}).find("dev gtap0 proto") != std::string::npos);
  // The guest answers as a router: the host's entry for it carries the flag.
  CHECK(ping6({std::string(kRouterLinkLocal) + "%gtap0"}).status == 0);
  CHECK(neighbour(kRouterLinkLocal, "gtap0").has("router"));

  // The RAs on the wire: from the link-local address, hop limit 255, L and A.
  auto tap = host_tap("gtap0");
  auto ra = next_matching(tap, 2500, [](const frames::Parsed& p) { return p.ndp && p.ndp->type == frames::kNdRouterAdvert; });
  REQUIRE(ra);
  CHECK(ra->eth_dst.to_string() == "33:33:00:00:00:01");
  CHECK(ra->ndp->source_lladdr == kRouterMac);
  CHECK(ra->ndp->router_lifetime == 1800);
  REQUIRE(ra->ndp->prefixes.size() == 1);
  CHECK(ra->ndp->prefixes[0].prefix == nltest::prefix("2001:db8:1::/64"));
  CHECK(ra->ndp->prefixes[0].on_link);
  CHECK(ra->ndp->prefixes[0].autonomous);
  // An RS is answered at once, not at the next interval.
  const auto asked = Clock::now();
  REQUIRE(tap.send(frames::router_solicitation(kProberMac, ip_addr("fe80::5350"))).has_value());
  auto answer = next_matching(tap, 900, [](const frames::Parsed& p) { return p.ndp && p.ndp->type == frames::kNdRouterAdvert; });
  CHECK(answer);
  CHECK(Clock::now() - asked < std::chrono::milliseconds(900));
}

TEST_CASE("guest6 ra: with forwarding on the host ignores the RAs (C23), accept_ra 2 takes them", "[guest6][router]") {
  nltest::PrivateNetns ns;
  tap6_lab();
  nltest::write_proc("/proc/sys/net/ipv6/conf/gtap0/forwarding", "1");
  GuestProcess router({"guest", "gtap0", "ip6", "auto", "mac", kRouterMac.to_string(), "ra", "2001:db8:1::/64",
                       "ra-interval", "0.5"});
  router.wait_ready();
  router.wait_err("ready (DAD passed)", 3000);
  // Several RAs go out (and the host's DAD for its own address is over); none is taken.
  REQUIRE(wait_for([&] { return count_of(router.out(), "ICMP6, router advertisement") >= 4; }, 4000));
  REQUIRE(wait_for([] { return has_settled_address("gtap0", "fe80::"); }, 5000));
  CHECK(ip_ok({"-6", "addr", "show", "dev", "gtap0"}).find("2001:db8:1:") == std::string::npos);
  CHECK(ip_ok({"-6", "route", "show", "default"}).empty());
  nltest::write_proc("/proc/sys/net/ipv6/conf/gtap0/accept_ra", "2");
  CHECK(wait_for([] { return has_settled_address("gtap0", "2001:db8:1:"); }, 5000));
}

TEST_CASE("guest6 ra with a /56 prefix: a default route but no SLAAC address (C30)", "[guest6][router][misbehave]") {
  nltest::PrivateNetns ns;
  tap6_lab();
  GuestProcess router({"guest", "gtap0", "ip6", "auto", "mac", kRouterMac.to_string(), "ra", "2001:db8:100::/56",
                       "ra-interval", "0.5"});
  router.wait_ready();
  REQUIRE(wait_for([] { return !ip_ok({"-6", "route", "show", "default"}).empty(); }, 6000));
  CHECK(ip_ok({"-6", "route", "show", "default"}).find(std::string("via ") + kRouterLinkLocal) != std::string::npos);
  ::usleep(1500 * 1000);  // three more RAs: still no address
  CHECK(ip_ok({"-6", "addr", "show", "dev", "gtap0"}).find("2001:db8:100:") == std::string::npos);
  CHECK(router.out().find("ICMP6, router advertisement") != std::string::npos);
}

TEST_CASE("guest6 SLAAC: a guest forms an address from another guest's RAs on a bridge, and ping6 uses it",
          "[guest6][router]") {
  nltest::PrivateNetns ns;
  ip_ok({"link", "add", "gbr0", "type", "bridge"});
  ip_ok({"link", "set", "gbr0", "up"});
  ok({"tap", "create", "gtap0", "master", "gbr0", "up"});
  ok({"tap", "create", "gtap1", "master", "gbr0", "up"});
  GuestProcess router({"guest", "gtap0", "ip6", "auto", "mac", kRouterMac.to_string(), "ra", "2001:db8:1::/64",
                       "ra-interval", "2"});
  router.wait_ready();
  const std::string slaac = frames::slaac_address(nltest::prefix("2001:db8:1::/64"), kGuestMac).to_string();
  {
    GuestProcess host({"guest", "gtap1", "ip6", "auto", "mac", kGuestMac.to_string()});
    host.wait_ready();
    const std::string line = host.wait_err("SLAAC address", 6000);
    CHECK(line == "netlab guest: SLAAC address " + slaac + "/64 from router " + kRouterLinkLocal);
    // The host kernel took the same RAs on the bridge, and reaches the guest's new address.
    const auto bridge_addr = frames::slaac_address(nltest::prefix("2001:db8:1::/64"), mac_of("gbr0")).to_string();
    REQUIRE(wait_for([&] { return has_settled_address("gbr0", bridge_addr + "/64"); }, 8000));
    auto ping = ping6({slaac});
    INFO(ping.out << ping.err << host.out());
    CHECK(ping.status == 0);
    CHECK(host.stop() == 0);
  }
  // A guest's own ping6 from its SLAAC address to the host's, on-link by the RA's L flag.
  const auto bridge_addr = frames::slaac_address(nltest::prefix("2001:db8:1::/64"), mac_of("gbr0")).to_string();
  auto run = nltest::netlab({"guest", "gtap1", "ip6", "auto", "mac", kGuestMac.to_string(), "ping6", bridge_addr,
                             "count", "2", "interval", "0.2"});
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  CHECK(run.out.find("PING " + bridge_addr + "(" + bridge_addr + ") 56 data bytes") != std::string::npos);
  CHECK(run.out.find("64 bytes from " + bridge_addr + ": icmp_seq=1 ttl=64 time=") != std::string::npos);
  CHECK(run.out.find("2 packets transmitted, 2 received, 0% packet loss") != std::string::npos);
  CHECK(run.out.find(slaac + " > " + bridge_addr + ": ICMP6, echo request") != std::string::npos);
}

TEST_CASE("guest6 no-slaac: RAs are ignored and no RS is sent", "[guest6][router]") {
  nltest::PrivateNetns ns;
  ip_ok({"link", "add", "gbr0", "type", "bridge"});
  ip_ok({"link", "set", "gbr0", "up"});
  ok({"tap", "create", "gtap0", "master", "gbr0", "up"});
  ok({"tap", "create", "gtap1", "master", "gbr0", "up"});
  GuestProcess router({"guest", "gtap0", "ip6", "auto", "mac", kRouterMac.to_string(), "ra", "2001:db8:1::/64",
                       "ra-interval", "0.5"});
  router.wait_ready();
  GuestProcess host({"guest", "gtap1", "ip6", "auto", "mac", kGuestMac.to_string(), "no-slaac"});
  host.wait_ready();
  host.wait_err("ready (DAD passed)", 3000);
  REQUIRE(wait_for([&] { return count_of(host.out(), "ICMP6, router advertisement") >= 3; }, 4000));
  CHECK(host.err().find("SLAAC") == std::string::npos);
  CHECK(host.out().find(std::string(kGuestLinkLocal) + " > ff02::2: ICMP6, router solicitation") == std::string::npos);
}

TEST_CASE("guest6 DAD: the guest gives up an address the host holds, and the host's DAD fails on the guest's (C22)",
          "[guest6][dad]") {
  nltest::PrivateNetns ns;
  nltest::make_named_netns("guest6ns");
  auto there = netlab::Netns::named("guest6ns");
  REQUIRE(there.has_value());
  netlab::link::CreateOptions up;
  up.up = true;
  REQUIRE_OK(netlab::link::add_veth({}, nltest::name("gv0"), nltest::name("gv1"), up, *there));
  netlab::link::Change c;
  c.up = true;
  REQUIRE_OK(netlab::link::set(*there, nltest::name("gv1"), c));
  // The host already holds the guest's address (no DAD needed for it to count).
  ip_ok({"addr", "add", "2001:db8::2/64", "dev", "gv0", "nodad"});
  auto tap = host_tap("gv0");
  {
    GuestProcess guest({"-n", "guest6ns", "guest", "gv1", "ip6", "2001:db8::2/64", "mac", kGuestMac.to_string()});
    guest.wait_ready();
    const std::string line = guest.wait_err("DAD failed", 3000);
    CHECK(line == "netlab guest: DAD failed for 2001:db8::2: " + mac_of("gv0").to_string() +
                      " answers for it; the address is not used");
    guest.wait_err("IPv6 address " + std::string(kGuestLinkLocal) + "/64 ready", 3000);
    CHECK(guest.err().find("2001:db8::2/64 ready") == std::string::npos);
    // The guest does not answer for the duplicate address.
    CHECK_FALSE(solicit(tap, "2001:db8::2", 600));
    CHECK(guest.stop() == 0);
  }
  ip_ok({"addr", "del", "2001:db8::2/64", "dev", "gv0"});

  // The other way round: the guest holds 2001:db8::5 and defends it against the host's DAD.
  GuestProcess guest({"-n", "guest6ns", "guest", "gv1", "ip6", "2001:db8::5/64", "mac", kGuestMac.to_string()});
  guest.wait_ready();
  guest.wait_err("IPv6 address 2001:db8::5/64 ready", 3000);
  ip_ok({"addr", "add", "2001:db8::5/64", "dev", "gv0"});
  const bool failed = wait_for([] { return ip_ok({"-6", "addr", "show", "dev", "gv0"}).find("dadfailed") != std::string::npos; }, 5000);
  const std::string addrs = ip_ok({"-6", "addr", "show", "dev", "gv0"});
  INFO(addrs << guest.out());
  CHECK(failed);
  CHECK(addrs.find("inet6 2001:db8::5/64 scope global dadfailed tentative") != std::string::npos);
  // The defence went to all-nodes, unsolicited, as RFC 4861 7.2.4 asks.
  CHECK(guest.out().find("2001:db8::5 > ff02::1: ICMP6, neighbor advertisement, tgt is 2001:db8::5") !=
        std::string::npos);
}

TEST_CASE("guest6 ping6: the host's global and link-local addresses answer (exit 0), a dead one does not (exit 3)",
          "[guest6][ping]") {
  nltest::PrivateNetns ns;
  // A fixed, DAD-free link-local address on the host, so the guest never waits for the host's DAD.
  nltest::write_proc("/proc/sys/net/ipv6/conf/default/addr_gen_mode", "1");
  tap6_lab();
  ip_ok({"addr", "add", "fe80::1/64", "dev", "gtap0", "nodad"});
  ip_ok({"addr", "add", "2001:db8::1/64", "dev", "gtap0", "nodad"});
  auto global = nltest::netlab({"guest", "gtap0", "ip6", "2001:db8::2/64", "ping6", "2001:db8::1", "count", "2",
                                "interval", "0.2"});
  INFO(global.out << global.err);
  CHECK(global.status == 0);
  CHECK(global.out.find("PING 2001:db8::1(2001:db8::1) 56 data bytes") != std::string::npos);
  CHECK(global.out.find("64 bytes from 2001:db8::1: icmp_seq=1 ttl=64 time=") != std::string::npos);
  CHECK(global.out.find("2 packets transmitted, 2 received, 0% packet loss") != std::string::npos);
  CHECK(global.out.find("2001:db8::2 > ff02::1:ff00:1: ICMP6, neighbor solicitation, who has 2001:db8::1") !=
        std::string::npos);

  auto local = nltest::netlab({"guest", "gtap0", "ip6", "auto", "ping6", "fe80::1", "count", "1", "size", "1000"});
  INFO(local.out << local.err);
  CHECK(local.status == 0);
  CHECK(local.out.find("1008 bytes from fe80::1: icmp_seq=1") != std::string::npos);

  const auto start = Clock::now();
  auto dead = nltest::netlab({"guest", "gtap0", "ip6", "2001:db8::2/64", "ping6", "2001:db8::99", "count", "1"});
  INFO(dead.out << dead.err);
  CHECK(dead.status == 3);
  CHECK(count_of(dead.out, "who has 2001:db8::99") == 3);
  CHECK(dead.out.find("From 2001:db8::2 icmp_seq=1 Destination unreachable: Address unreachable") != std::string::npos);
  // DAD, then three tries a second apart: about 4 s; the bound leaves room
  // for start-up under ASan on a loaded machine (6.9 s seen), far under a
  // guest that kept trying.
  CHECK(Clock::now() - start < std::chrono::milliseconds(10000));

  // Off-link with no router: nothing to send through; exit 3 after the wait.
  auto offlink = nltest::netlab({"guest", "gtap0", "ip6", "2001:db8::2/64", "ping6", "2001:db8:ffff::1", "count", "1",
                                 "no-slaac"});
  INFO(offlink.out << offlink.err);
  CHECK(offlink.status == 3);
  CHECK(offlink.err.find("no usable IPv6 source address or route toward 2001:db8:ffff::1") != std::string::npos);
}

TEST_CASE("guest6 no-ipv6: an IPv4-only guest sends and answers no IPv6", "[guest6]") {
  nltest::PrivateNetns ns;
  tap6_lab();
  auto tap = host_tap("gtap0");
  GuestProcess guest({"guest", "gtap0", "ip", "192.0.2.2/24", "mac", kGuestMac.to_string(), "no-ipv6"});
  guest.wait_ready();
  REQUIRE(wait_for([] { return has_settled_address("gtap0", "fe80::"); }, 5000));
  CHECK_FALSE(next_matching(tap, 1500, [](const frames::Parsed& p) { return p.ethertype == frames::kEtherIpv6; }));
  CHECK(ping6({std::string(kGuestLinkLocal) + "%gtap0"}).status != 0);
  CHECK(guest.err().find("IPv6") == std::string::npos);
  CHECK(guest.out().find("ICMP6, neighbor solicitation, who has " + std::string(kGuestLinkLocal)) != std::string::npos);
}

TEST_CASE("guest6 refuses bad IPv6 input with one line and changes nothing", "[guest6][errors]") {
  nltest::PrivateNetns ns;
  tap6_lab();
  const std::string before = ip_ok({"-d", "link", "show"}) + ip_ok({"addr", "show"});
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"guest", "gtap0", "ip6", "2001:db8::2"}, "prefix length"},
      {{"guest", "gtap0", "ip6", "192.0.2.2/24"}, "IPv6"},
      {{"guest", "gtap0", "ip6", "ff02::1/64"}, "not a unicast host address"},
      {{"guest", "gtap0", "ip6", "::1/128"}, "not a unicast host address"},
      {{"guest", "gtap0", "ip", "2001:db8::2/64"}, "use ip6"},
      {{"guest", "gtap0", "ip6", "auto", "ping", "2001:db8::1"}, "use ping6"},
      {{"guest", "gtap0", "ip6", "auto", "ping6", "192.0.2.1"}, "use ping"},
      {{"guest", "gtap0", "ip", "192.0.2.2/24", "ip6", "auto", "ping", "192.0.2.1", "ping6", "2001:db8::1"},
       "one ping run"},
      {{"guest", "gtap0", "ip6", "auto", "ra", "fe80::/64"}, "not a global"},
      {{"guest", "gtap0", "ip6", "auto", "ra", "2001:db8:1::"}, "prefix length"},
      {{"guest", "gtap0", "ip6", "auto", "ra", "192.0.2.0/24"}, "IPv6 prefix"},
      {{"guest", "gtap0", "ip6", "auto", "ra-interval", "2"}, "goes with ra"},
      {{"guest", "gtap0", "ip6", "auto", "ra", "2001:db8:1::/64", "ra-interval", "0"}, "ra-interval"},
      {{"guest", "gtap0", "ip", "192.0.2.2/24", "ip6", "auto", "no-ipv6"}, "no-ipv6"},
      {{"guest", "gtap0", "ip", "192.0.2.2/24", "no-tlla", "no-ipv6"}, "no-ipv6"},
      {{"guest", "gtap0", "ip", "192.0.2.2/24", "mtu", "1000", "ping6", "2001:db8::1"}, "1280"},
      {{"guest", "gtap0", "ip6", "auto", "mtu", "1000"}, "1280"},
      {{"guest", "gtap0", "ip6", "auto", "ping6", "2001:db8::1", "size", "1500"}, "mtu"},
      {{"guest", "gtap0", "ip6", "auto", "gateway", "192.0.2.1"}, "needs an IPv4 address"},
      {{"guest", "gtap0", "no-ipv6"}, "needs an address"},
  };
  for (const auto& c : cases) {
    auto r = nltest::netlab(c.args);
    INFO(command_text(c.args) << "\nstderr: " << r.err);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("netlab: ", 0) == 0);
    CHECK(count_of(r.err, "\n") == 1);
    CHECK(r.err.find(c.err) != std::string::npos);
  }
  CHECK(ip_ok({"-d", "link", "show"}) + ip_ok({"addr", "show"}) == before);
}
