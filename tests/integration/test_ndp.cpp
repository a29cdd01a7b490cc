// netlab ndp inspect|probe|rs against real IPv6 stacks: the kernel's own
// (a veth end in a second, named namespace) and, for misbehaving or
// advertising peers, netlab guest on a TAP. Settings are compared with
// /proc/sys/net/ipv6/conf, addresses and neighbours with ip -j. Every test
// runs in a private namespace it creates.
#include "mini_json.hpp"
#include "netns_fixture.hpp"

#include <netlab/frames.hpp>
#include <netlab/linkio.hpp>
#include <netlab/ndp.hpp>
#include <netlab/netns.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <memory>
#include <csignal>
#include <fcntl.h>
#include <optional>
#include <sstream>
#include <sys/wait.h>
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

std::string read_raw(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A /proc value: its text without the trailing newline.
std::string read_text(const std::string& path) {
  std::string s = read_raw(path);
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

  // addrgenmode random: a stable-privacy link-local, flagged as ip flags it.
  set_conf("ndp0", "dad_transmits", "1");  // 3 was only there to be read back
  ip_ok({"link", "set", "dev", "ndp0", "addrgenmode", "random"});
  ip_ok({"link", "set", "ndp0", "down"});
  ip_ok({"link", "set", "ndp0", "up"});
  wait_dad("ndp0");
  const auto random = inspect_json("ndp0");
  CHECK(random["addr_gen_mode"].str() == "random");
  const auto ip_random = ip_addrs("ndp0");
  bool stable_privacy = false;
  for (const auto& a : ip_random.array()) {
    if (a["scope"].str() != "link") continue;
    const auto* o = find_addr(random["addr_info"], a["local"].str());
    REQUIRE(o);
    CHECK(o->has("stable-privacy") == a.has("stable-privacy"));
    stable_privacy = o->has("stable-privacy");
  }
  CHECK(stable_privacy);
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

// ---- probe and rs: helpers ------------------------------------------------------

namespace {

// The built CLI in the background (this thread's namespaces), its output in
// files, so the test can play the other end of the wire meanwhile.
class BackgroundCli {
 public:
  explicit BackgroundCli(const std::vector<std::string>& args) : args_(args) {
    out_ = temp_path("out");
    err_ = temp_path("err");
    pid_ = ::fork();
    if (pid_ == 0) {
      const int o = ::open(out_.c_str(), O_WRONLY | O_TRUNC);
      const int e = ::open(err_.c_str(), O_WRONLY | O_TRUNC);
      if (o < 0 || e < 0) ::_exit(126);
      ::dup2(o, 1);
      ::dup2(e, 2);
      std::vector<std::string> argv{NETLAB_CLI_PATH};
      argv.insert(argv.end(), args.begin(), args.end());
      std::vector<char*> c;
      for (auto& a : argv) c.push_back(a.data());
      c.push_back(nullptr);
      ::execv(c[0], c.data());
      ::_exit(127);
    }
    REQUIRE(pid_ > 0);
  }
  ~BackgroundCli() {
    if (pid_ > 0 && status_ < 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::unlink(out_.c_str());
    ::unlink(err_.c_str());
  }
  BackgroundCli(const BackgroundCli&) = delete;
  BackgroundCli& operator=(const BackgroundCli&) = delete;

  // What the process wrote on stderr so far.
  std::string peek_err() const { return read_raw(err_); }

  // Waits for the exit; the result as nltest::run gives it.
  nltest::RunResult wait(int ms = 10000) {
    wait_for([&] {
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) != pid_) return false;
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      return true;
    }, ms);
    nltest::RunResult r;
    r.status = status_;
    r.out = read_raw(out_);
    r.err = read_raw(err_);
    INFO(command_text(args_) << "\nstatus " << r.status << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(status_ >= 0);
    return r;
  }

 private:
  static std::string temp_path(const char* what) {
    std::string p = std::string("/tmp/netlab-ndp-test-") + what + "-XXXXXX";
    const int fd = ::mkstemp(p.data());
    REQUIRE(fd >= 0);
    ::close(fd);
    return p;
  }
  std::vector<std::string> args_;
  std::string out_, err_;
  pid_t pid_ = -1;
  int status_ = -1;
};

// A packet socket on ndp1 in the peer namespace: the test plays a
// misbehaving or advertising node there. Opened inside the namespace.
netlab::LinkTap peer_tap() {
  auto ns = netlab::Netns::named(kPeerNs);
  REQUIRE(ns.has_value());
  netlab::LinkTapOptions o;
  o.direction = netlab::Direction::In;
  o.filter = "icmp6";
  auto t = netlab::LinkTap::open(*ns, "ndp1", o);
  INFO(nltest::why(t));
  REQUIRE(t.has_value());
  return std::move(*t);
}

// The first NDP message of `type` that arrives on `tap` within `ms`.
std::optional<netlab::frames::Parsed> wait_ndp(netlab::LinkTap& tap, std::uint8_t type, std::vector<std::uint8_t>& keep,
                                               int ms = 3000) {
  const auto until = Clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    auto f = tap.next(until);
    REQUIRE(f.has_value());
    if (!*f) return std::nullopt;
    keep = std::move((*f)->bytes);  // the parse refers to these bytes
    auto p = netlab::frames::parse(keep);
    if (p && p->ndp && p->ndp->type == type) return p;
  }
}

const netlab::MacAddr kPeerMacAddr = netlab::MacAddr::parse(kPeerMac).value();

}  // namespace

// ---- probe ----------------------------------------------------------------------------

TEST_CASE("ndp probe: the peer kernel answers with its MAC, the router flag once it forwards", "[ndp][probe]") {
  nltest::PrivateNetns ns;
  peer_lab();
  ip_ok({"-6", "addr", "add", "2001:db8:3::1/64", "dev", "ndp0"});
  ip_ok({"-n", kPeerNs, "-6", "addr", "add", "2001:db8:3::2/64", "dev", "ndp1"});
  wait_dad("ndp0");
  wait_dad("ndp1", kPeerNs);

  auto text = netlab_run({"ndp", "probe", "ndp0", "2001:db8:3::2"});
  REQUIRE(text.status == 0);
  CHECK(text.out.rfind("NS for 2001:db8:3::2 on ndp0 from 2001:db8:3::1 (" + std::string(kHostMac) +
                           ") to ff02::1:ff00:2\n", 0) == 0);
  CHECK(text.out.find("NA from 2001:db8:3::2 [" + std::string(kPeerMac) + "]: 2001:db8:3::2 is-at " +
                      kPeerMac + ", flags solicited,override, ") != std::string::npos);
  CHECK(text.out.find("Sent 1 solicitation, received 1 advertisement\n") != std::string::npos);
  CHECK(text.err.empty());

  auto j = netlab_run({"-j", "ndp", "probe", "ndp0", "2001:db8:3::2", "-c", "2"});
  REQUIRE(j.status == 0);
  auto r = testjson::parse(j.out);
  CHECK(r["source"].str() == "2001:db8:3::1");
  CHECK(r["source_mac"].str() == kHostMac);
  CHECK(r["destination"].str() == "ff02::1:ff00:2");
  CHECK(r["destination_mac"].str() == "33:33:ff:00:00:02");
  CHECK(r["sent"].text() == "1");  // stopped after the first answer
  REQUIRE(r["adverts"].array().size() == 1);
  const auto& na = r["adverts"].array().at(0);
  CHECK(na["lladdr"].str() == kPeerMac);
  CHECK(na["eth_src"].str() == kPeerMac);
  CHECK(na["to"].str() == "2001:db8:3::1");
  CHECK_FALSE(na["router"].boolean());
  CHECK(na["solicited"].boolean());
  CHECK(na["hop_limit"].text() == "255");
  CHECK(na["usable"].boolean());
  CHECK(r["answered"].boolean());
  CHECK(r["cause"].is_null());

  // Forwarding on in the peer: its advertisements carry R.
  in_peer([] { set_conf("ndp1", "forwarding", "1"); });
  auto routed = netlab_run({"-j", "ndp", "probe", "ndp0", "2001:db8:3::2", "-c", "1"});
  REQUIRE(routed.status == 0);
  CHECK(testjson::parse(routed.out)["adverts"].array().at(0)["router"].boolean());

  // A link-local target is asked from our link-local address.
  const auto peer_addrs = ip_addrs("ndp1", kPeerNs);
  std::string peer_link_local, our_link_local;
  for (const auto& a : peer_addrs.array())
    if (a["scope"].str() == "link") peer_link_local = a["local"].str();
  const auto our_addrs = ip_addrs("ndp0");
  for (const auto& a : our_addrs.array())
    if (a["scope"].str() == "link") our_link_local = a["local"].str();
  REQUIRE_FALSE(peer_link_local.empty());
  auto ll = netlab_run({"-j", "ndp", "probe", "ndp0", peer_link_local, "-c", "1"});
  REQUIRE(ll.status == 0);
  auto llr = testjson::parse(ll.out);
  CHECK(llr["source"].str() == our_link_local);
  CHECK(llr["adverts"].array().at(0)["lladdr"].str() == kPeerMac);
}

TEST_CASE("ndp probe: no answer exits 3, -u uses the cached MAC, the peer's answer then has no TLLA and counts", "[ndp][probe]") {
  nltest::PrivateNetns ns;
  peer_lab();
  ip_ok({"-6", "addr", "add", "2001:db8:3::1/64", "dev", "ndp0"});
  ip_ok({"-n", kPeerNs, "-6", "addr", "add", "2001:db8:3::2/64", "dev", "ndp1"});
  wait_dad("ndp0");
  wait_dad("ndp1", kPeerNs);

  const auto start = Clock::now();
  auto none = netlab_run({"ndp", "probe", "ndp0", "2001:db8:3::99", "-c", "2", "-i", "0.2"});
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  CHECK(none.status == 3);
  CHECK(none.out.find("Sent 2 solicitations, received 0 advertisements: no response\n") != std::string::npos);
  CHECK(none.err.empty());
  CHECK(took >= 400);
  CHECK(took < 3500);  // no extra wait after the last interval; margin for a slow start
  auto none_json = netlab_run({"-j", "ndp", "probe", "ndp0", "2001:db8:3::99", "-c", "1", "-w", "0.3"});
  CHECK(none_json.status == 3);
  CHECK_FALSE(testjson::parse(none_json.out)["answered"].boolean());

  // -u needs the kernel's entry: none yet for 2001:db8:3::2.
  auto no_entry = netlab_run({"ndp", "probe", "ndp0", "2001:db8:3::2", "-u"});
  CHECK(no_entry.status == 2);
  CHECK(count_of(no_entry.err, "\n") == 1);
  auto ping = nltest::run({"ping", "-6", "-n", "-c1", "-W2", "2001:db8:3::2"});
  REQUIRE(ping.status == 0);
  auto uni = netlab_run({"-j", "ndp", "probe", "ndp0", "2001:db8:3::2", "-u", "-c", "1"});
  REQUIRE(uni.status == 0);
  auto u = testjson::parse(uni.out);
  CHECK(u["unicast"].boolean());
  CHECK(u["destination"].str() == "2001:db8:3::2");
  CHECK(u["destination_mac"].str() == kPeerMac);
  const auto& na = u["adverts"].array().at(0);
  // Linux leaves the option out when answering a unicast solicitation
  // (RFC 4861 7.2.4); the kernel keeps the MAC it has, so it is usable.
  CHECK(na["lladdr"].is_null());
  CHECK(na["usable"].boolean());
  CHECK(u["cause"].is_null());
}

TEST_CASE("ndp probe: an NA without the target link-layer address is reported and exits 3", "[ndp][probe]") {
  nltest::PrivateNetns ns;
  peer_lab();
  ip_ok({"-6", "addr", "add", "2001:db8:28::1/64", "dev", "ndp0"});
  wait_dad("ndp0");
  // The peer's kernel has no such address; the test answers for it from
  // ndp1 like a guest stack that leaves the option out (cause C28).
  auto tap = peer_tap();
  BackgroundCli cli({"-j", "ndp", "probe", "ndp0", "2001:db8:28::2", "-c", "1", "-w", "1"});
  std::vector<std::uint8_t> bytes;
  auto ns_msg = wait_ndp(tap, netlab::frames::kNdNeighborSolicit, bytes);
  REQUIRE(ns_msg);
  CHECK(ns_msg->ndp->target == nltest::ip_addr("2001:db8:28::2"));
  REQUIRE(ns_msg->ndp->source_lladdr);
  CHECK(ns_msg->ndp->source_lladdr->to_string() == kHostMac);
  auto na = netlab::frames::neighbor_advertisement_to(*ns_msg, kPeerMacAddr, /*tlla=*/false);
  REQUIRE(na);
  REQUIRE(tap.send(*na).has_value());
  auto r = cli.wait();
  CHECK(r.status == 3);
  auto j = testjson::parse(r.out);
  REQUIRE(j["adverts"].array().size() == 1);
  CHECK(j["adverts"].array().at(0)["lladdr"].is_null());
  CHECK(j["adverts"].array().at(0)["eth_src"].str() == kPeerMac);
  CHECK_FALSE(j["adverts"].array().at(0)["usable"].boolean());
  CHECK(j["na_without_tlla"].boolean());
  CHECK(j["cause"].str() == "na-without-tlla");

  // Text: the sentence, and the same with the option is an answer.
  BackgroundCli text({"ndp", "probe", "ndp0", "2001:db8:28::2", "-c", "1", "-w", "1"});
  auto ns2 = wait_ndp(tap, netlab::frames::kNdNeighborSolicit, bytes);
  REQUIRE(ns2);
  REQUIRE(tap.send(*netlab::frames::neighbor_advertisement_to(*ns2, kPeerMacAddr, false)).has_value());
  auto t = text.wait();
  CHECK(t.status == 3);
  CHECK(t.out.find("NA without target link-layer address: the kernel cannot resolve from it (cause "
                   "na-without-tlla)") != std::string::npos);

  BackgroundCli fixed({"-j", "ndp", "probe", "ndp0", "2001:db8:28::2", "-c", "1", "-w", "1"});
  auto ns3 = wait_ndp(tap, netlab::frames::kNdNeighborSolicit, bytes);
  REQUIRE(ns3);
  REQUIRE(tap.send(*netlab::frames::neighbor_advertisement_to(*ns3, kPeerMacAddr, true)).has_value());
  auto f = fixed.wait();
  CHECK(f.status == 0);
  CHECK(testjson::parse(f.out)["adverts"].array().at(0)["lladdr"].str() == kPeerMac);
}

TEST_CASE("ndp probe: bad input is one stderr line with status 2, a missing or down interface 1", "[ndp][probe]") {
  nltest::PrivateNetns ns;
  peer_lab();
  struct Case {
    std::vector<std::string> args;
    int status;
  };
  const std::vector<Case> cases = {
      {{"ndp", "probe", "ndp0", "192.0.2.1"}, 2},
      {{"ndp", "probe", "ndp0", "ff02::1"}, 2},
      {{"ndp", "probe", "ndp0", "::"}, 2},
      {{"ndp", "probe", "ndp0", "2001:db8::1", "-c", "0"}, 2},
      {{"ndp", "probe", "ndp0", "2001:db8::1", "-w", "0"}, 2},
      {{"ndp", "probe", "ndp0", "2001:db8::1", "-s", "192.0.2.1"}, 2},
      {{"ndp", "probe", "abcdefghijklmnop", "2001:db8::1"}, 2},
      {{"ndp", "probe", "ndp0"}, 2},
      {{"ndp", "probe", "nosuch0", "2001:db8::1"}, 1},
      {{"ndp", "probe", "lo", "::1"}, 2},  // not Ethernet
      {{"ndp", "rs", "nosuch0"}, 1},
      {{"ndp", "rs", "ndp0", "-w", "x"}, 2},
      {{"ndp", "rs", "abcdefghijklmnop"}, 2},
  };
  for (const auto& c : cases) {
    auto r = netlab_run(c.args);
    INFO(command_text(c.args) << " -> " << r.status << ": " << r.err);
    CHECK(r.status == c.status);
    CHECK(count_of(r.err, "\n") == 1);
    CHECK(r.err.rfind("netlab: ", 0) == 0);
    CHECK(r.out.empty());
  }
  // Without CAP_NET_RAW: the error names the capability; inspect needs none.
  for (const std::vector<std::string>& cmd : {std::vector<std::string>{"probe", "ndp0", "2001:db8::1", "-c", "1"},
                                              std::vector<std::string>{"rs", "ndp0", "-w", "0.2"}}) {
    std::vector<std::string> argv{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", NETLAB_CLI_PATH, "ndp"};
    argv.insert(argv.end(), cmd.begin(), cmd.end());
    auto unpriv = nltest::run(argv);
    INFO(unpriv.err);
    CHECK(unpriv.status == 1);
    CHECK(unpriv.out.empty());
    CHECK(unpriv.err == "netlab: interface ndp0: Operation not permitted (needs CAP_NET_RAW)\n");
  }
  auto unpriv_inspect = nltest::run({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", NETLAB_CLI_PATH,
                                     "-j", "ndp", "inspect", "dev", "ndp0"});
  CHECK(unpriv_inspect.status == 0);
  CHECK(unpriv_inspect.err.empty());

  ip_ok({"link", "set", "ndp0", "down"});
  auto down = netlab_run({"ndp", "probe", "ndp0", "2001:db8::1"});
  CHECK(down.status == 1);
  CHECK(down.err.find("link ndp0: is down") != std::string::npos);
}

// ---- rs -------------------------------------------------------------------------------

TEST_CASE("ndp rs: the kernel never advertises, so a kernel peer leaves it at exit 3", "[ndp][rs]") {
  nltest::PrivateNetns ns;
  peer_lab();
  in_peer([] { set_conf("ndp1", "forwarding", "1"); });  // a router, yet without an RA daemon
  auto r = netlab_run({"ndp", "rs", "ndp0", "-w", "0.5"});
  CHECK(r.status == 3);
  CHECK(r.out.find("Sent 1 solicitation, received 0 advertisements: no router answered\n") != std::string::npos);
  auto j = netlab_run({"-j", "ndp", "rs", "ndp0", "-w", "0.3"});
  CHECK(j.status == 3);
  auto o = testjson::parse(j.out);
  CHECK_FALSE(o["answered"].boolean());
  CHECK(o["slla"].boolean());
  CHECK(o["source"].str().rfind("fe80::", 0) == 0);
}

TEST_CASE("ndp rs: every field of a router advertisement, and the prefix that gives no SLAAC", "[ndp][rs]") {
  nltest::PrivateNetns ns;
  peer_lab();
  std::string our_link_local;
  const auto ours = ip_addrs("ndp0");
  for (const auto& a : ours.array())
    if (a["scope"].str() == "link") our_link_local = a["local"].str();
  std::string peer_link_local;
  const auto theirs = ip_addrs("ndp1", kPeerNs);
  for (const auto& a : theirs.array())
    if (a["scope"].str() == "link") peer_link_local = a["local"].str();

  auto tap = peer_tap();
  BackgroundCli cli({"-j", "ndp", "rs", "ndp0", "-w", "2", "-1"});
  std::vector<std::uint8_t> bytes;
  auto rs = wait_ndp(tap, netlab::frames::kNdRouterSolicit, bytes);
  REQUIRE(rs);
  CHECK(rs->ipv6->src.to_string() == our_link_local);
  CHECK(rs->ipv6->dst.to_string() == "ff02::2");
  REQUIRE(rs->ndp->source_lladdr);
  CHECK(rs->ndp->source_lladdr->to_string() == kHostMac);

  netlab::frames::RaSpec ra;
  ra.src_mac = kPeerMacAddr;
  ra.src = nltest::ip_addr(peer_link_local.c_str());
  ra.cur_hop_limit = 61;
  ra.managed = false;
  ra.other_config = true;
  ra.router_preference = 1;  // high
  ra.router_lifetime = 900;
  ra.reachable_time = 30000;
  ra.retrans_timer = 1500;
  ra.mtu = 1400;
  netlab::frames::NdPrefixInfo good;
  good.prefix = nltest::prefix("2001:db8:7::/64");
  good.valid_lifetime = 86400;
  good.preferred_lifetime = 14400;
  netlab::frames::NdPrefixInfo wide;
  wide.prefix = nltest::prefix("2001:db8:30::/56");
  ra.prefixes = {good, wide};
  netlab::frames::NdRdnss dns;
  dns.lifetime = 600;
  dns.servers = {nltest::ip_addr("2001:db8::53")};
  ra.rdnss = {dns};
  REQUIRE(tap.send(netlab::frames::router_advertisement(ra)).has_value());

  auto r = cli.wait();
  REQUIRE(r.status == 0);
  auto o = testjson::parse(r.out);
  REQUIRE(o["adverts"].array().size() == 1);
  const auto& a = o["adverts"].array().at(0);
  CHECK(a["from"].str() == peer_link_local);
  CHECK(a["to"].str() == "ff02::1");
  CHECK(a["eth_src"].str() == kPeerMac);
  CHECK(a["slla"].str() == kPeerMac);
  CHECK(a["ip_hop_limit"].text() == "255");
  CHECK(a["hop_limit"].text() == "61");
  CHECK_FALSE(a["managed"].boolean());
  CHECK(a["other_config"].boolean());
  CHECK(a["preference"].str() == "high");
  CHECK(a["router_lifetime"].text() == "900");
  CHECK(a["reachable_time_ms"].text() == "30000");
  CHECK(a["retrans_timer_ms"].text() == "1500");
  CHECK(a["mtu"].text() == "1400");
  CHECK(a["problems"].array().empty());
  REQUIRE(a["prefixes"].array().size() == 2);
  const auto& p0 = a["prefixes"].array().at(0);
  CHECK(p0["prefix"].str() == "2001:db8:7::/64");
  CHECK(p0["on_link"].boolean());
  CHECK(p0["autonomous"].boolean());
  CHECK(p0["valid_lifetime"].text() == "86400");
  CHECK(p0["preferred_lifetime"].text() == "14400");
  CHECK(p0["cause"].is_null());
  const auto& p1 = a["prefixes"].array().at(1);
  CHECK(p1["prefix"].str() == "2001:db8:30::/56");
  CHECK(p1["cause"].str() == "ra-prefix-not-64");
  REQUIRE(a["rdnss"].array().size() == 1);
  CHECK(a["rdnss"].array().at(0)["servers"].array().at(0).str() == "2001:db8::53");
  CHECK(a["rdnss"].array().at(0)["lifetime"].text() == "600");

  // The text form of the same advertisement, and an invalid one (hop limit
  // 64 after a router) named as dropped.
  BackgroundCli text({"ndp", "rs", "ndp0", "-w", "1"});
  auto rs2 = wait_ndp(tap, netlab::frames::kNdRouterSolicit, bytes);
  REQUIRE(rs2);
  REQUIRE(tap.send(netlab::frames::router_advertisement(ra)).has_value());
  auto t = text.wait();
  CHECK(t.status == 0);
  CHECK(t.out.find("RA from " + peer_link_local + " [" + kPeerMac + "]") != std::string::npos);
  CHECK(t.out.find("  hop limit 61, flags M=0 O=1, preference high, router lifetime 900s\n") != std::string::npos);
  CHECK(t.out.find("  reachable time 30000ms, retrans timer 1500ms, MTU 1400\n") != std::string::npos);
  CHECK(t.out.find("  prefix 2001:db8:7::/64 L=1 A=1, valid 86400s, preferred 14400s: SLAAC forms an address from it\n") !=
        std::string::npos);
  CHECK(t.out.find("  prefix 2001:db8:30::/56 L=1 A=1, valid 2592000s, preferred 604800s: no SLAAC: prefix length 56, "
                   "not 64 (cause ra-prefix-not-64)\n") != std::string::npos);
  CHECK(t.out.find("  RDNSS 2001:db8::53, lifetime 600s\n") != std::string::npos);
  CHECK(t.out.find("Sent 1 solicitation, received 1 advertisement\n") != std::string::npos);
}

TEST_CASE("ndp probe and rs without a usable address: from ::, no SLLA, the answer to all nodes", "[ndp][probe][rs]") {
  nltest::PrivateNetns ns;
  nltest::make_named_netns(kPeerNs);
  ip_ok({"link", "add", "ndp0", "address", kHostMac, "type", "veth", "peer", "name", "ndp1", "address", kPeerMac,
         "netns", kPeerNs});
  ip_ok({"link", "set", "dev", "ndp0", "addrgenmode", "none"});
  ip_ok({"link", "set", "ndp0", "up"});
  ip_ok({"-n", kPeerNs, "link", "set", "ndp1", "up"});
  ip_ok({"-n", kPeerNs, "-6", "addr", "add", "2001:db8:4::2/64", "dev", "ndp1"});
  wait_dad("ndp1", kPeerNs);
  REQUIRE(ip_addrs("ndp0").array().empty());

  auto text = netlab_run({"ndp", "probe", "ndp0", "2001:db8:4::2", "-c", "1"});
  REQUIRE(text.status == 0);
  CHECK(text.out.find("from :: (" + std::string(kHostMac) + ") to ff02::1:ff00:2 (no usable IPv6 address on the "
                      "interface: sent as a DAD probe)") != std::string::npos);
  auto j = netlab_run({"-j", "ndp", "probe", "ndp0", "2001:db8:4::2", "-c", "1"});
  REQUIRE(j.status == 0);
  auto r = testjson::parse(j.out);
  CHECK(r["source"].str() == "::");
  const auto& na = r["adverts"].array().at(0);
  CHECK(na["to"].str() == "ff02::1");  // RFC 4861 7.2.4: an NS from :: is answered to all nodes
  CHECK_FALSE(na["solicited"].boolean());
  CHECK(na["lladdr"].str() == kPeerMac);
  CHECK(na["usable"].boolean());

  // rs from :: carries no source link-layer option (checked on the wire).
  auto tap = peer_tap();
  BackgroundCli cli({"-j", "ndp", "rs", "ndp0", "-w", "0.5"});
  std::vector<std::uint8_t> bytes;
  auto rs = wait_ndp(tap, netlab::frames::kNdRouterSolicit, bytes);
  REQUIRE(rs);
  CHECK(rs->ipv6->src.to_string() == "::");
  CHECK_FALSE(rs->ndp->source_lladdr);
  auto o = cli.wait();
  CHECK(o.status == 3);
  CHECK_FALSE(testjson::parse(o.out)["slla"].boolean());
}

// ---- with netlab guest on a TAP ---------------------------------------------------

namespace {

const char* kGuestMac = "02:00:5e:00:53:20";

// A host TAP (up, IPv6 on) named ndptap0 for a guest to attach to.
void tap_lab() {
  auto r = netlab_run({"tap", "create", "ndptap0", "up"});
  REQUIRE(r.status == 0);
}

// Starts `netlab guest ndptap0 ... quiet` and waits until the guest says
// its address `ready` passed DAD and the host's TAP finished its own DAD.
std::unique_ptr<BackgroundCli> start_guest(std::vector<std::string> extra, const std::string& ready) {
  std::vector<std::string> args{"guest", "ndptap0", "mac", kGuestMac, "quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto g = std::make_unique<BackgroundCli>(args);
  INFO("waiting for the guest: " << ready);
  REQUIRE(wait_for([&] { return g->peek_err().find(ready) != std::string::npos; }, 5000));
  wait_dad("ndptap0");
  return g;
}

}  // namespace

TEST_CASE("ndp rs: the RA of netlab guest ra 2001:db8:7::/64, and the host kernel's use of it", "[ndp][rs][guest]") {
  nltest::PrivateNetns ns;
  tap_lab();
  set_conf("ndptap0", "use_tempaddr", "2");  // a temporary address beside the SLAAC one
  auto guest = start_guest({"ip6", "2001:db8:7::1/64", "ra", "2001:db8:7::/64", "ra-interval", "1"},
                           "IPv6 address 2001:db8:7::1/64 ready");
  const std::string guest_ll = "fe80::5eff:fe00:5320";  // EUI-64 of kGuestMac

  auto r = netlab_run({"-j", "ndp", "rs", "ndptap0", "-w", "3", "-1"});
  REQUIRE(r.status == 0);
  auto o = testjson::parse(r.out);
  REQUIRE(o["adverts"].array().size() == 1);
  const auto& a = o["adverts"].array().at(0);
  CHECK(a["from"].str() == guest_ll);
  CHECK(a["eth_src"].str() == kGuestMac);
  CHECK(a["slla"].str() == kGuestMac);
  CHECK(a["router_lifetime"].num() > 0);
  CHECK(a["problems"].array().empty());
  REQUIRE(a["prefixes"].array().size() == 1);
  const auto& p = a["prefixes"].array().at(0);
  CHECK(p["prefix"].str() == "2001:db8:7::/64");
  CHECK(p["on_link"].boolean());
  CHECK(p["autonomous"].boolean());
  CHECK(p["cause"].is_null());
  CHECK(p["note"].str() == "SLAAC forms an address from it");

  // The host kernel (accept_ra=1, forwarding=0) took the same RA: inspect
  // shows it received and the SLAAC address it formed.
  REQUIRE(wait_for([] {
    const auto addrs = ip_addrs("ndptap0");
    int formed = 0;
    for (const auto& x : addrs.array())
      if (x["local"].str().rfind("2001:db8:7:", 0) == 0 && !x.has("tentative")) ++formed;
    return formed == 2;  // the SLAAC address and its temporary sibling
  }, 8000));
  auto iface = inspect_json("ndptap0");
  CHECK(iface["ndisc"]["ra_received"].boolean());
  bool slaac = false, temporary = false;
  const auto ip_view = ip_addrs("ndptap0");
  for (const auto& x : iface["addr_info"].array()) {
    if (x["local"].str().rfind("2001:db8:7:", 0) != 0) continue;
    const auto* ref = find_addr(ip_view, x["local"].str());
    REQUIRE(ref);
    for (const char* flag : {"dynamic", "temporary", "mngtmpaddr", "deprecated"}) CHECK(x.has(flag) == ref->has(flag));
    if (x.has("temporary")) {
      temporary = true;
      CHECK(x["explanation"].str() == "usable temporary (privacy) address");
    } else {
      slaac = x.has("dynamic");
    }
  }
  CHECK(slaac);
  CHECK(temporary);
  CHECK(iface["hints"].array().empty());

  // forwarding=1: rs still sees the RA (as rdisc6 would), inspect says the
  // kernel ignores it.
  set_conf("ndptap0", "forwarding", "1");
  auto again = netlab_run({"ndp", "rs", "ndptap0", "-w", "3", "-1"});
  CHECK(again.status == 0);
  CHECK(again.out.find("  prefix 2001:db8:7::/64 L=1 A=1, valid ") != std::string::npos);
  CHECK(has_cause(inspect_json("ndptap0"), "ra-ignored"));
}

TEST_CASE("ndp rs: a guest advertising a /56 is named ra-prefix-not-64", "[ndp][rs][guest]") {
  nltest::PrivateNetns ns;
  tap_lab();
  auto guest = start_guest({"ip6", "2001:db8:30::1/56", "ra", "2001:db8:30::/56", "ra-interval", "1"},
                           "IPv6 address 2001:db8:30::1/56 ready");
  auto r = netlab_run({"ndp", "rs", "ndptap0", "-w", "3", "-1"});
  REQUIRE(r.status == 0);
  CHECK(r.out.find("no SLAAC: prefix length 56, not 64 (cause ra-prefix-not-64)") != std::string::npos);
}

TEST_CASE("ndp probe: netlab guest no-tlla answers without the option, the kernel cannot resolve, exit 3", "[ndp][probe][guest]") {
  nltest::PrivateNetns ns;
  tap_lab();
  ip_ok({"-6", "addr", "add", "2001:db8:28::1/64", "dev", "ndptap0"});
  {
    auto guest = start_guest({"ip6", "2001:db8:28::2/64", "no-tlla"}, "IPv6 address 2001:db8:28::2/64 ready");
    auto r = netlab_run({"-j", "ndp", "probe", "ndptap0", "2001:db8:28::2", "-c", "2", "-i", "0.3"});
    CHECK(r.status == 3);
    auto o = testjson::parse(r.out);
    REQUIRE_FALSE(o["adverts"].array().empty());
    for (const auto& na : o["adverts"].array()) {
      CHECK(na["lladdr"].is_null());
      CHECK(na["eth_src"].str() == kGuestMac);
      CHECK(na["solicited"].boolean());
    }
    CHECK(o["cause"].str() == "na-without-tlla");
    auto text = netlab_run({"ndp", "probe", "ndptap0", "2001:db8:28::2", "-c", "1"});
    CHECK(text.status == 3);
    CHECK(text.out.find("NA without target link-layer address: the kernel cannot resolve from it (cause "
                        "na-without-tlla)") != std::string::npos);
    // The kernel agrees: it never resolves the guest.
    auto ping = nltest::run({"ping", "-6", "-n", "-c1", "-W4", "2001:db8:28::2"});
    CHECK(ping.status != 0);
    auto n = testjson::parse(ip_ok({"-6", "-j", "neigh", "show", "2001:db8:28::2", "dev", "ndptap0"}));
    REQUIRE(n.array().size() == 1);
    const std::string state = n.array().at(0)["state"].array().at(0).str();
    CHECK((state == "FAILED" || state == "INCOMPLETE"));
  }
  // The fix: a guest that includes the option.
  ip_ok({"-6", "neigh", "flush", "dev", "ndptap0"});
  auto fixed = start_guest({"ip6", "2001:db8:28::2/64"}, "IPv6 address 2001:db8:28::2/64 ready");
  auto r = netlab_run({"-j", "ndp", "probe", "ndptap0", "2001:db8:28::2", "-c", "1"});
  CHECK(r.status == 0);
  CHECK(testjson::parse(r.out)["adverts"].array().at(0)["lladdr"].str() == kGuestMac);
  CHECK(nltest::run({"ping", "-6", "-n", "-c1", "-W2", "2001:db8:28::2"}).status == 0);
}
