// netlab ndp inspect|probe|rs against real IPv6 stacks: the kernel's own
// (a veth end in a second, named namespace) and, for misbehaving or
// advertising peers, netlab guest on a TAP. Settings are compared with
// /proc/sys/net/ipv6/conf, addresses and neighbours with ip -j. Every test
// runs in a private namespace it creates.
#include "mini_json.hpp"
#include "netns_fixture.hpp"

#include <netlab/ndp.hpp>
#include <netlab/netns.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>
#include <unistd.h>

using nltest::ip_ok;
using Clock = std::chrono::steady_clock;

namespace {

const char* kPeerNs = "ndppeer";
const char* kHostMac = "02:00:5e:00:53:10";
const char* kPeerMac = "02:00:5e:00:53:11";

std::string command_text(const std::vector<std::string>& args) {
  std::string cmd = "netlab";
  for (const auto& a : args) cmd += " " + a;
  return cmd;
}

bool wait_for(const std::function<bool()>& cond, int ms) {
  const auto until = Clock::now() + std::chrono::milliseconds(ms);
  while (Clock::now() < until) {
    if (cond()) return true;
    ::usleep(20000);
  }
  return cond();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Runs `fn` inside the peer namespace (for /proc writes there).
void in_peer(const std::function<void()>& fn) {
  auto ns = netlab::Netns::named(kPeerNs);
  REQUIRE(ns.has_value());
  auto scope = netlab::NetnsScope::enter(*ns);
  INFO(nltest::why(scope));
  REQUIRE(scope.has_value());
  fn();
}

void set_conf(const std::string& dev, const std::string& key, const std::string& value) {
  nltest::write_proc("/proc/sys/net/ipv6/conf/" + dev + "/" + key, value);
}

// ip's view of the IPv6 addresses on dev (in ns when given).
testjson::Value ip_addrs(const std::string& dev, const std::string& ns = {}) {
  std::vector<std::string> args;
  if (!ns.empty()) args = {"-n", ns};
  args.insert(args.end(), {"-6", "-j", "addr", "show", "dev", dev});
  auto list = testjson::parse(ip_ok(args));
  // No IPv6 addresses at all: ip -6 prints no object for the interface.
  if (list.array().empty()) return testjson::parse("[]");
  REQUIRE(list.array().size() == 1);
  return list.array().at(0)["addr_info"];
}

// Duplicate address detection has finished on dev: a link-local exists and
// no address is still tentative (a dadfailed one has finished too).
bool dad_done(const std::string& dev, const std::string& ns = {}) {
  bool link_local = false;
  const auto addrs = ip_addrs(dev, ns);  // owns the array the loop walks
  for (const auto& a : addrs.array()) {
    if (a["scope"].str() == "link") link_local = true;
    if (a.has("tentative") && !a.has("dadfailed")) return false;
  }
  return link_local;
}

void wait_dad(const std::string& dev, const std::string& ns = {}) {
  INFO("waiting for DAD on " << dev << (ns.empty() ? "" : " in " + ns));
  REQUIRE(wait_for([&] { return dad_done(dev, ns); }, 5000));
}

// ndp0 here (kHostMac) and ndp1 (kPeerMac) in the named namespace kPeerNs,
// both up, each with its EUI-64 link-local once DAD has passed.
void peer_lab() {
  nltest::make_named_netns(kPeerNs);
  ip_ok({"link", "add", "ndp0", "address", kHostMac, "type", "veth", "peer", "name", "ndp1", "address", kPeerMac,
         "netns", kPeerNs});
  ip_ok({"link", "set", "ndp0", "up"});
  ip_ok({"-n", kPeerNs, "link", "set", "ndp1", "up"});
  wait_dad("ndp0");
  wait_dad("ndp1", kPeerNs);
}

nltest::RunResult netlab_run(const std::vector<std::string>& args) {
  auto r = nltest::netlab(args);
  INFO(command_text(args) << "\nstatus " << r.status << "\nstdout: " << r.out << "\nstderr: " << r.err);
  return r;
}

// `netlab -j ndp inspect dev DEV`: the one interface object.
testjson::Value inspect_json(const std::string& dev) {
  auto r = netlab_run({"-j", "ndp", "inspect", "dev", dev});
  INFO("stderr: " << r.err);
  REQUIRE(r.status == 0);
  auto list = testjson::parse(r.out);
  REQUIRE(list.array().size() == 1);
  REQUIRE(list.array().at(0)["ifname"].str() == dev);
  return list.array().at(0);
}

std::vector<std::string> hint_causes(const testjson::Value& iface) {
  std::vector<std::string> causes;
  for (const auto& h : iface["hints"].array()) causes.push_back(h["cause"].str());
  return causes;
}

bool has_cause(const testjson::Value& iface, const std::string& cause) {
  const auto c = hint_causes(iface);
  return std::find(c.begin(), c.end(), cause) != c.end();
}

const testjson::Value* find_addr(const testjson::Value& addr_info, const std::string& local) {
  for (const auto& a : addr_info.array())
    if (a["local"].str() == local) return &a;
  return nullptr;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

// ---- inspect ------------------------------------------------------------------

TEST_CASE("ndp inspect: every setting as /proc shows it, addresses as ip -6 -j addr shows them", "[ndp][inspect]") {
  nltest::PrivateNetns ns;
  peer_lab();
  ip_ok({"-6", "addr", "add", "2001:db8:1::1/64", "dev", "ndp0"});
  ip_ok({"-6", "addr", "add", "2001:db8:1::5/64", "dev", "ndp0", "valid_lft", "300", "preferred_lft", "0"});
  wait_dad("ndp0");
  // Values away from the defaults, so a reader that ignored the kernel fails.
  set_conf("ndp0", "accept_ra", "2");
  set_conf("ndp0", "autoconf", "0");
  set_conf("ndp0", "dad_transmits", "3");
  set_conf("ndp0", "use_tempaddr", "2");
  set_conf("ndp0", "proxy_ndp", "1");
  set_conf("ndp0", "hop_limit", "33");
  set_conf("ndp0", "accept_ra_defrtr", "0");

  const auto iface = inspect_json("ndp0");
  CHECK(iface["inet6"].boolean());
  CHECK(iface["address"].str() == kHostMac);
  const auto& settings = iface["settings"];
  // Each setting against its file (router_solicitations is the one whose
  // key differs from nothing: the /proc name is the key).
  int compared = 0;
  for (const auto& [key, value] : settings.object()) {
    INFO("setting " << key);
    REQUIRE(value.is_number());
    CHECK(value.text() == read_text("/proc/sys/net/ipv6/conf/ndp0/" + key));
    ++compared;
  }
  CHECK(compared == 16);
  CHECK(settings["accept_ra"].text() == "2");
  CHECK(settings["hop_limit"].text() == "33");
  CHECK(iface["settings_from_sysctl"].array().empty());  // this kernel exports them all over netlink
  CHECK(iface["addr_gen_mode"].str() == "eui64");
  CHECK(iface["accepts_ra"].boolean());

  // Addresses: the same set as ip's, with the same flags and lifetimes.
  const auto ours = iface["addr_info"];
  const auto theirs = ip_addrs("ndp0");
  REQUIRE(ours.array().size() == theirs.array().size());
  for (const auto& a : theirs.array()) {
    INFO("address " << a["local"].str());
    const auto* o = find_addr(ours, a["local"].str());
    REQUIRE(o);
    CHECK((*o)["prefixlen"].text() == a["prefixlen"].text());
    CHECK((*o)["scope"].str() == a["scope"].str());
    for (const char* flag : {"tentative", "dadfailed", "deprecated", "dynamic", "temporary", "stable-privacy"})
      CHECK(o->has(flag) == a.has(flag));
    if (a["valid_life_time"].num() > 1e9) CHECK((*o)["valid_life_time"].text() == a["valid_life_time"].text());
    else CHECK(std::abs((*o)["valid_life_time"].num() - a["valid_life_time"].num()) <= 2);
  }
  const auto* dep = find_addr(ours, "2001:db8:1::5");
  REQUIRE(dep);
  CHECK(dep->has("deprecated"));
  CHECK(dep->has("dynamic"));
  CHECK((*dep)["explanation"].str().find("deprecated") != std::string::npos);

  // accept_ra_defrtr=0 and autoconf=0 while RAs are accepted: two ra-ignored hints.
  std::size_t ra_hints = 0;
  for (const auto& c : hint_causes(iface)) ra_hints += c == "ra-ignored";
  CHECK(ra_hints == 2);

  // The text form shows the main settings on one line.
  auto text = netlab_run({"ndp", "inspect", "dev", "ndp0"});
  REQUIRE(text.status == 0);
  CHECK(text.out.find("settings: disable_ipv6 0, forwarding 0, accept_ra 2, autoconf 0, accept_dad 1, "
                      "addr_gen_mode eui64\n") != std::string::npos);
  CHECK(text.out.find("2001:db8:1::5/64") != std::string::npos);
  CHECK(text.out.find("hint (ra-ignored) autoconf=0") != std::string::npos);
}

TEST_CASE("ndp inspect: forwarding=1 with accept_ra=1 is named ra-ignored, accept_ra=2 clears it", "[ndp][inspect]") {
  nltest::PrivateNetns ns;
  peer_lab();
  CHECK_FALSE(has_cause(inspect_json("ndp0"), "ra-ignored"));
  set_conf("ndp0", "forwarding", "1");
  auto broken = inspect_json("ndp0");
  CHECK(broken["settings"]["forwarding"].text() == "1");
  CHECK(broken["settings"]["accept_ra"].text() == "1");
  CHECK_FALSE(broken["accepts_ra"].boolean());
  REQUIRE(has_cause(broken, "ra-ignored"));
  CHECK(broken["hints"].array().at(0)["subject"].str() == "forwarding=1, accept_ra=1");
  CHECK(broken["hints"].array().at(0)["hint"].str().find("accept_ra=2") != std::string::npos);

  set_conf("ndp0", "accept_ra", "2");  // the fix
  auto fixed = inspect_json("ndp0");
  CHECK(fixed["accepts_ra"].boolean());
  CHECK_FALSE(has_cause(fixed, "ra-ignored"));

  set_conf("ndp0", "forwarding", "0");
  set_conf("ndp0", "accept_ra", "0");
  auto off = inspect_json("ndp0");
  REQUIRE(has_cause(off, "ra-ignored"));
  CHECK(off["hints"].array().at(0)["subject"].str() == "accept_ra=0");
}

TEST_CASE("ndp inspect: disable_ipv6=1 is named ipv6-disabled and the fix clears it", "[ndp][inspect]") {
  nltest::PrivateNetns ns;
  peer_lab();
  set_conf("ndp0", "disable_ipv6", "1");
  REQUIRE(wait_for([] { return ip_addrs("ndp0").array().empty(); }, 2000));
  auto broken = inspect_json("ndp0");
  CHECK(broken["settings"]["disable_ipv6"].text() == "1");
  CHECK(broken["addr_info"].array().empty());
  CHECK(hint_causes(broken) == std::vector<std::string>{"ipv6-disabled"});
  // ip agrees that no address can be added.
  CHECK(nltest::ip({"-6", "addr", "add", "2001:db8:27::1/64", "dev", "ndp0"}).status != 0);

  set_conf("ndp0", "disable_ipv6", "0");
  wait_dad("ndp0");
  auto fixed = inspect_json("ndp0");
  CHECK_FALSE(has_cause(fixed, "ipv6-disabled"));
  CHECK(fixed["addr_info"].array().size() == 1);
}

TEST_CASE("ndp inspect: addrgenmode none without a link-local is named no-link-local", "[ndp][inspect]") {
  nltest::PrivateNetns ns;
  nltest::make_named_netns(kPeerNs);
  ip_ok({"link", "add", "ndp0", "type", "veth", "peer", "name", "ndp1", "netns", kPeerNs});
  ip_ok({"link", "set", "dev", "ndp0", "addrgenmode", "none"});
  ip_ok({"link", "set", "ndp0", "up"});
  ip_ok({"-n", kPeerNs, "link", "set", "ndp1", "up"});
  REQUIRE(wait_for([] { return nltest::ip({"link", "show", "ndp0"}).out.find("LOWER_UP") != std::string::npos; }, 2000));

  auto broken = inspect_json("ndp0");
  CHECK(broken["settings"]["addr_gen_mode"].text() == "1");
  CHECK(broken["addr_gen_mode"].str() == "none");
  CHECK(broken["addr_info"].array().empty());
  CHECK(hint_causes(broken) == std::vector<std::string>{"no-link-local"});

  // The fix: eui64 and a bounce; the link-local appears and the hint goes.
  ip_ok({"link", "set", "dev", "ndp0", "addrgenmode", "eui64"});
  ip_ok({"link", "set", "ndp0", "down"});
  ip_ok({"link", "set", "ndp0", "up"});
  wait_dad("ndp0");
  auto fixed = inspect_json("ndp0");
  CHECK(fixed["addr_gen_mode"].str() == "eui64");
  CHECK_FALSE(has_cause(fixed, "no-link-local"));
}

TEST_CASE("ndp inspect: an address the peer already has fails DAD and is named dad-failed", "[ndp][inspect]") {
  nltest::PrivateNetns ns;
  peer_lab();
  ip_ok({"-n", kPeerNs, "-6", "addr", "add", "2001:db8:22::2/64", "dev", "ndp1", "nodad"});
  ip_ok({"-6", "addr", "add", "2001:db8:22::2/64", "dev", "ndp0"});  // DAD on: the peer answers
  REQUIRE(wait_for([] {
    const auto addrs = ip_addrs("ndp0");
    const auto* a = find_addr(addrs, "2001:db8:22::2");
    return a && a->has("dadfailed");
  }, 5000));

  auto broken = inspect_json("ndp0");
  const auto* a = find_addr(broken["addr_info"], "2001:db8:22::2");
  REQUIRE(a);
  CHECK(a->has("dadfailed"));
  CHECK(a->has("tentative"));
  CHECK((*a)["explanation"].str().find("DAD failed") != std::string::npos);
  REQUIRE(hint_causes(broken) == std::vector<std::string>{"dad-failed"});
  CHECK(broken["hints"].array().at(0)["subject"].str() == "address 2001:db8:22::2/64");

  ip_ok({"-6", "addr", "del", "2001:db8:22::2/64", "dev", "ndp0"});  // the fix: a unique address
  ip_ok({"-6", "addr", "add", "2001:db8:22::1/64", "dev", "ndp0"});
  wait_dad("ndp0");
  auto fixed = inspect_json("ndp0");
  CHECK(fixed["hints"].array().empty());
}

TEST_CASE("ndp inspect: addresses stuck tentative without carrier are named no-carrier", "[ndp][inspect]") {
  nltest::PrivateNetns ns;
  nltest::make_named_netns(kPeerNs);
  ip_ok({"link", "add", "ndp0", "type", "veth", "peer", "name", "ndp1", "netns", kPeerNs});
  ip_ok({"link", "set", "ndp0", "up"});  // the peer stays down: no carrier here
  ip_ok({"-6", "addr", "add", "2001:db8:5::1/64", "dev", "ndp0"});

  auto broken = inspect_json("ndp0");
  CHECK_FALSE(broken["carrier"].boolean());
  const auto* a = find_addr(broken["addr_info"], "2001:db8:5::1");
  REQUIRE(a);
  CHECK(a->has("tentative"));
  CHECK((*a)["explanation"].str().find("without carrier") != std::string::npos);
  CHECK(hint_causes(broken) == std::vector<std::string>{"no-carrier"});

  ip_ok({"-n", kPeerNs, "link", "set", "ndp1", "up"});  // the fix: the other end comes up
  wait_dad("ndp0");
  CHECK_FALSE(has_cause(inspect_json("ndp0"), "no-carrier"));
}

TEST_CASE("ndp inspect: neighbours as ip -6 -j neigh shows them, the router flag from a forwarding peer", "[ndp][inspect]") {
  nltest::PrivateNetns ns;
  peer_lab();
  in_peer([] { set_conf("ndp1", "forwarding", "1"); });
  ip_ok({"-6", "addr", "add", "2001:db8:7::1/64", "dev", "ndp0"});
  ip_ok({"-n", kPeerNs, "-6", "addr", "add", "2001:db8:7::2/64", "dev", "ndp1"});
  wait_dad("ndp0");
  wait_dad("ndp1", kPeerNs);
  auto ping = nltest::run({"ping", "-6", "-n", "-c1", "-W2", "2001:db8:7::2"});
  INFO(ping.out << ping.err);
  REQUIRE(ping.status == 0);
  ip_ok({"-6", "neigh", "add", "2001:db8:7::9", "lladdr", "02:00:5e:00:53:99", "dev", "ndp0", "nud", "permanent"});

  auto iface = inspect_json("ndp0");
  const auto ref = testjson::parse(ip_ok({"-6", "-j", "neigh", "show", "dev", "ndp0"}));
  REQUIRE(iface["neighbours"].array().size() == ref.array().size());
  bool saw_router = false;
  for (const auto& n : ref.array()) {
    INFO("neighbour " << n["dst"].str());
    const testjson::Value* ours = nullptr;
    for (const auto& o : iface["neighbours"].array())
      if (o["dst"].str() == n["dst"].str()) ours = &o;
    REQUIRE(ours);
    CHECK((*ours)["lladdr"].str() == n["lladdr"].str());
    CHECK((*ours)["router"].boolean() == n.has("router"));
    CHECK((*ours)["state"].array().at(0).str() == n["state"].array().at(0).str());
    CHECK_FALSE((*ours)["explanation"].str().empty());
    if (n["dst"].str() == "2001:db8:7::2") {
      CHECK(n.has("router"));
      CHECK((*ours)["lladdr"].str() == kPeerMac);
      saw_router = true;
    }
  }
  CHECK(saw_router);
  auto text = netlab_run({"ndp", "inspect", "dev", "ndp0"});
  REQUIRE(text.status == 0);
  CHECK(text.out.find("2001:db8:7::9") != std::string::npos);
  CHECK(text.out.find("PERMANENT") != std::string::npos);
  CHECK(count_of(text.out, "  router  ") == 1);
}

TEST_CASE("ndp inspect: bad input is one stderr line and the right status", "[ndp][inspect]") {
  nltest::PrivateNetns ns;
  auto missing = netlab_run({"ndp", "inspect", "dev", "nosuch0"});
  CHECK(missing.status == 1);
  CHECK(missing.err == "netlab: link nosuch0: no such device\n");
  CHECK(missing.out.empty());
  auto long_name = netlab_run({"ndp", "inspect", "dev", "abcdefghijklmnop"});
  CHECK(long_name.status == 2);
  CHECK(count_of(long_name.err, "\n") == 1);
  CHECK(long_name.err.rfind("netlab: ", 0) == 0);
  auto extra = netlab_run({"ndp", "inspect", "dev", "lo", "bogus"});
  CHECK(extra.status == 2);
  CHECK(count_of(extra.err, "\n") == 1);
  auto v4 = netlab_run({"-4", "ndp", "inspect"});
  CHECK(v4.status == 2);
  // Bare `netlab ndp` is inspect of every interface: here only lo.
  auto bare = netlab_run({"-j", "ndp"});
  REQUIRE(bare.status == 0);
  auto list = testjson::parse(bare.out);
  REQUIRE(list.array().size() == 1);
  CHECK(list.array().at(0)["ifname"].str() == "lo");
  CHECK(list.array().at(0)["hints"].array().empty());
}
