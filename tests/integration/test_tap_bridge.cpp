// netlab tap and netlab bridge, checked against the kernel's own state as
// ip -j -d link and bridge -j report it, in a private namespace.
#include "mini_json.hpp"
#include "netns_fixture.hpp"

#include <netlab/bridge.hpp>
#include <netlab/tuntap.hpp>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_tun.h>

using nltest::ip_ok;

namespace {

void ok(const std::vector<std::string>& args) {
  auto r = nltest::netlab(args);
  std::string cmd = "netlab";
  for (const auto& a : args) cmd += " " + a;
  INFO(cmd << "\nstderr: " << r.err);
  REQUIRE(r.status == 0);
}

testjson::Value link_json(const std::string& dev) {
  return testjson::parse(ip_ok({"-j", "-d", "link", "show", "dev", dev})).array().at(0);
}

// A child that opens the tap as `uid` and holds it until killed. Returns its
// pid, or -1 when TUNSETIFF was refused (the child reports through a pipe).
pid_t attach_as(uid_t uid, gid_t gid, const std::string& dev) {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(p[0]);
    char result = 'x';
    if (::setgroups(0, nullptr) == 0 && ::setgid(gid) == 0 && ::setuid(uid) == 0) {
      int fd = ::open("/dev/net/tun", O_RDWR);
      ifreq ifr{};
      std::strncpy(ifr.ifr_name, dev.c_str(), IFNAMSIZ - 1);
      ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
      result = fd >= 0 && ::ioctl(fd, TUNSETIFF, &ifr) == 0 ? 'y' : 'n';
    }
    (void)::write(p[1], &result, 1);
    if (result == 'y') ::pause();
    ::_exit(0);
  }
  ::close(p[1]);
  char result = 0;
  REQUIRE(::read(p[0], &result, 1) == 1);
  ::close(p[0]);
  if (result == 'y') return pid;
  ::waitpid(pid, nullptr, 0);
  return -1;
}

void stop(pid_t pid) {
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

bool wait_for(const std::function<bool()>& cond, int ms) {
  for (int i = 0; i < ms / 20; ++i) {
    if (cond()) return true;
    ::usleep(20000);
  }
  return cond();
}

std::vector<std::string> state_dump() {
  return {ip_ok({"-j", "link", "show"}), ip_ok({"-j", "addr", "show"}), ip_ok({"-j", "route", "show", "table", "all"})};
}

}  // namespace

TEST_CASE("tap create: owner and group as the kernel reports them, only the owner can attach", "[tap]") {
  nltest::PrivateNetns ns;
  nltest::open_dev_net_tun_to_all();
  ok({"tap", "create", "labtap0", "user", "4242", "group", "4343", "vnet_hdr"});
  auto l = link_json("labtap0");
  const auto& data = l["linkinfo"]["info_data"];
  CHECK(data["type"].str() == "tap");
  CHECK(data["user"].num() == 4242);
  CHECK(data["group"].num() == 4343);
  CHECK(data["persist"].boolean());
  CHECK(data["vnet_hdr"].boolean());
  // tunctl's spelling gives the same device.
  auto brief = nltest::netlab({"tap", "create", "-t", "labtap%d", "-u", "4242", "-b"});
  REQUIRE(brief.status == 0);
  CHECK(brief.out == "labtap1\n");

  // The kernel wants the owner's uid and the group's gid when both are set.
  pid_t owner = attach_as(4242, 4343, "labtap0");
  CHECK(owner > 0);
  if (owner > 0) stop(owner);
  CHECK(attach_as(4244, 4343, "labtap0") == -1);  // another user
  CHECK(attach_as(4242, 4344, "labtap0") == -1);  // the owner, outside the group
}

TEST_CASE("tap show: carrier follows the attached process, which is listed", "[tap]") {
  nltest::PrivateNetns ns;
  nltest::open_dev_net_tun_to_all();
  ok({"tap", "create", "labtap0", "user", "4242", "up"});
  auto before = testjson::parse(nltest::netlab({"-j", "tap", "show", "labtap0"}).out).array().at(0);
  CHECK_FALSE(before["carrier"].boolean());
  CHECK(before["processes"].array().empty());
  // The operational state (and so NO-CARRIER) follows the carrier asynchronously.
  CHECK(wait_for([] { return nltest::netlab({"link", "show", "labtap0"}).out.find("NO-CARRIER") != std::string::npos; },
                 2000));

  pid_t holder = attach_as(4242, 4242, "labtap0");
  REQUIRE(holder > 0);
  CHECK(wait_for([] { return link_json("labtap0")["flags"].array().size() > 0 &&
                             nltest::netlab({"link", "show", "labtap0"}).out.find("LOWER_UP") != std::string::npos; },
                 2000));
  auto during = testjson::parse(nltest::netlab({"-j", "tap", "show", "labtap0"}).out).array().at(0);
  CHECK(during["carrier"].boolean());
  REQUIRE(during["processes"].array().size() == 1);
  CHECK(during["processes"].array()[0]["pid"].num() == holder);
  CHECK(nltest::netlab({"tap", "show", "labtap0"}).out.find("(" + std::to_string(holder) + ")") != std::string::npos);
  // The name is taken while held: the error says by whom.
  auto taken = nltest::netlab({"tap", "create", "labtap0"});
  CHECK(taken.status == 1);
  CHECK(taken.err.find("pid " + std::to_string(holder)) != std::string::npos);
  stop(holder);
  CHECK(wait_for([] { return !testjson::parse(nltest::netlab({"-j", "tap", "show", "labtap0"}).out)
                                  .array().at(0)["carrier"].boolean(); }, 2000));
}

TEST_CASE("tap create: patterns, counts, and two creators at once get distinct names", "[tap]") {
  nltest::PrivateNetns ns;
  ok({"bridge", "add", "labbr0"});
  auto many = nltest::netlab({"tap", "create", "lab%d", "user", "4242", "master", "labbr0", "count", "20", "-b"});
  REQUIRE(many.status == 0);
  CHECK(std::count(many.out.begin(), many.out.end(), '\n') == 20);
  auto ports = testjson::parse(ip_ok({"-j", "link", "show", "master", "labbr0"}));
  CHECK(ports.array().size() == 20);
  // Two processes racing on one pattern.
  int err_pipe[2];
  REQUIRE(::pipe(err_pipe) == 0);
  pid_t a = ::fork();
  if (a == 0) {
    ::close(err_pipe[0]);
    auto r = nltest::run({NETLAB_CLI_PATH, "tap", "create", "race%d", "count", "10"});
    (void)::write(err_pipe[1], r.err.data(), r.err.size());
    ::_exit(r.status);
  }
  ::close(err_pipe[1]);
  auto r = nltest::netlab({"tap", "create", "race%d", "count", "10"});
  int status = 0;
  ::waitpid(a, &status, 0);
  char buf[4096];
  ssize_t n = ::read(err_pipe[0], buf, sizeof buf);
  ::close(err_pipe[0]);
  std::string other_err(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  INFO("this creator: " << r.err << "\nthe other: " << other_err);
  CHECK(r.status == 0);
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(testjson::parse(ip_ok({"-j", "link", "show", "type", "tun"})).array().size() == 40);
}

TEST_CASE("tap create rolls back every step when a late one fails", "[tap][rollback]") {
  nltest::PrivateNetns ns;
  ok({"bridge", "add", "labbr0"});
  auto before = state_dump();
  // The kernel refuses the MTU after the device exists, is owned and persistent.
  auto r = nltest::netlab({"tap", "create", "labtap9", "user", "4242", "mtu", "60", "master", "labbr0", "up"});
  CHECK(r.status == 1);
  CHECK(r.err.rfind("netlab: tap labtap9: ", 0) == 0);
  CHECK(state_dump() == before);
  CHECK(nltest::ip({"link", "show", "labtap9"}).status != 0);
  // The library says the same.
  netlab::tap::Spec spec;
  spec.name = "lab%d";
  spec.mtu = 60;
  auto lib = netlab::tap::create_many({}, spec, 3);
  REQUIRE_FALSE(lib.has_value());
  CHECK(state_dump() == before);
}

TEST_CASE("tap and bridge refuse bad input without changing anything", "[tap][bridge][errors]") {
  nltest::PrivateNetns ns;
  ok({"bridge", "add", "labbr0"});
  ok({"link", "add", "labv0", "type", "veth", "peer", "labv1"});
  ok({"tap", "create", "labtap0"});
  auto before = state_dump();
  struct Case {
    std::vector<std::string> args;
    int status;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"tap", "delete", "labv0"}, 2, "link labv0: is a veth, not a tun/tap device"},
      {{"tap", "delete", "nosuch0"}, 1, "link nosuch0: no such device"},
      {{"tap", "create", "labtap1", "mac", "01:00:5e:00:00:01"}, 2, "multicast"},
      {{"tap", "create", "labtap1", "mac", "00:00:00:00:00:00"}, 2, "all zeros"},
      {{"tap", "create", "labtapwithalongname"}, 2, "15"},
      {{"tap", "create", "labtap0"}, 1, "already exists"},
      {{"tap", "create", "labtap1", "master", "labv0"}, 2, "link labv0: is a veth, not a bridge"},
      {{"tap", "create", "labtap1", "master", "nosuchbr"}, 1, "link nosuchbr"},
      {{"tap", "create", "labtap1", "user", "nosuchuser-xyz"}, 2, "no such user"},
      {{"tap", "create", "lab%x"}, 2, "pattern"},
      // The kernel numbers one %d and answers a bare EINVAL to the rest.
      {{"tap", "create", "lab%d%d"}, 2, "tap lab%d%d: a pattern takes one \"%d\""},
      {{"tap", "create", "lab%d%"}, 2, "pattern"},
      {{"tap", "create", "lab/%d"}, 2, "tap lab/%d: contains"},
      // A TUN has no link-layer address: the kernel's "Operation not supported".
      {{"tap", "create", "labtun1", "tun", "mac", "02:00:5e:00:53:09"}, 2, "tap labtun1: a TUN device has no MAC"},
      {{"bridge", "addif", "labbr0", "lo"}, 2, "link lo: is the loopback device"},
      {{"link", "set", "labv0", "master", "labv1"}, 2, "link labv1: is a veth, not a bridge"},
      {{"link", "set", "labv0", "master", "labtap0"}, 2, "link labtap0: is a tun, not a bridge"},
      {{"link", "set", "labbr0", "master", "labbr0"}, 2, "link labbr0: cannot be its own master"},
      {{"bridge", "delete", "labv0"}, 2, "not a bridge"},
      {{"bridge", "addif", "labbr0", "nosuch0"}, 1, "no such device"},
      {{"bridge", "addif", "labv0", "labv1"}, 2, "not a bridge"},
      {{"bridge", "delif", "labbr0", "labv0"}, 2, "not a port of labbr0"},
      {{"bridge", "add", "labbr1", "address", "33:33:00:00:00:01"}, 2, "multicast"},
      {{"bridge", "setfd", "labbr0", "soon"}, 2, "seconds"},
      {{"bridge", "stp", "labbr0", "maybe"}, 2, "on or off"},
      {{"bridge", "setpathcost", "labbr0", "labv0", "5"}, 2, "not a port of labbr0"},
      // The kernel refuses the hello time after the bridge exists: it must go again.
      {{"bridge", "add", "labbr1", "hello_time", "0.5"}, 1, "bridge labbr1"},
  };
  for (const auto& c : cases) {
    auto r = nltest::netlab(c.args);
    std::string cmd = "netlab";
    for (const auto& a : c.args) cmd += " " + a;
    INFO(cmd << "\nstatus " << r.status << "\nstderr: " << r.err);
    CHECK(r.status == c.status);
    CHECK(r.err.rfind("netlab: ", 0) == 0);
    CHECK(r.err.find(c.says) != std::string::npos);
  }
  CHECK(state_dump() == before);
}

TEST_CASE("bridge addif refuses a TUN device by name, not with the kernel's EINVAL", "[bridge][errors]") {
  nltest::PrivateNetns ns;
  ok({"bridge", "add", "labbr0"});
  ok({"tap", "create", "labtun0", "tun"});
  auto before = state_dump();
  auto r = nltest::netlab({"bridge", "addif", "labbr0", "labtun0"});
  INFO("stderr: " << r.err);
  CHECK(r.status == 2);
  CHECK(r.err == "netlab: link labtun0: is not an Ethernet device (link/none): a bridge port must be one (a TUN "
                 "cannot, a TAP can)\n");
  CHECK(state_dump() == before);
}

TEST_CASE("bridge verbs change what ip -d and bridge -j report", "[bridge]") {
  nltest::PrivateNetns ns;
  ok({"bridge", "addbr", "labbr0"});
  ok({"link", "add", "labv0", "type", "veth", "peer", "labv1"});
  ok({"bridge", "addif", "labbr0", "labv0"});
  ok({"bridge", "stp", "labbr0", "on"});
  ok({"bridge", "setfd", "labbr0", "4"});
  ok({"bridge", "sethello", "labbr0", "1"});
  ok({"bridge", "setmaxage", "labbr0", "6"});
  ok({"bridge", "setageing", "labbr0", "30.5"});
  auto data = link_json("labbr0")["linkinfo"]["info_data"];
  CHECK(data["stp_state"].num() == 1);
  CHECK(data["forward_delay"].num() == 400);  // seconds in, centiseconds in the kernel
  CHECK(data["hello_time"].num() == 100);
  CHECK(data["max_age"].num() == 600);
  CHECK(data["ageing_time"].num() == 3050);
  // ...and back out in seconds.
  auto stp = testjson::parse(nltest::netlab({"-j", "bridge", "showstp", "labbr0"}).out);
  CHECK(stp["forward_delay"].str() == "4.00");
  CHECK(stp["ageing_time"].str() == "30.50");

  ok({"bridge", "setpathcost", "labbr0", "labv0", "7"});
  ok({"bridge", "setportprio", "labbr0", "labv0", "9"});
  ok({"bridge", "hairpin", "labbr0", "labv0", "on"});
  ok({"bridge", "setport", "labbr0", "labv0", "learning", "off", "flood", "off", "isolated", "on"});
  auto port = testjson::parse(ip_ok({"-j", "-d", "link", "show", "dev", "labv0"})).array().at(0)["linkinfo"]["info_slave_data"];
  CHECK(port["cost"].num() == 7);
  CHECK(port["priority"].num() == 9);
  CHECK(port["hairpin"].boolean());
  CHECK_FALSE(port["learning"].boolean());
  CHECK_FALSE(port["flood"].boolean());
  CHECK(port["isolated"].boolean());
  auto blink = testjson::parse(nltest::run({"bridge", "-j", "-d", "link", "show", "dev", "labv0"}).out).array().at(0);
  CHECK(blink["cost"].num() == 7);
  CHECK(blink["isolated"].boolean());

  // show: brctl's layout, every bridge, ports with their state.
  ok({"bridge", "addbr", "labbr1"});
  auto show = nltest::netlab({"bridge", "show"});
  CHECK(show.out.rfind("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n", 0) == 0);
  CHECK(show.out.find("labbr0") != std::string::npos);
  CHECK(show.out.find("labbr1") != std::string::npos);  // no ports, still listed
  CHECK(show.out.find("labv0 (") != std::string::npos);
  // showmacs: the port's own MAC is a local entry, as bridge fdb says.
  auto macs = testjson::parse(nltest::netlab({"-j", "bridge", "showmacs", "labbr0"}).out);
  std::string v0mac = link_json("labv0")["address"].str();
  bool found = false;
  for (const auto& e : macs.array())
    if (e["mac"].str() == v0mac) found = e["is_local"].boolean() && e["ifname"].str() == "labv0";
  CHECK(found);
  CHECK(nltest::run({"bridge", "fdb", "show", "br", "labbr0"}).out.find(v0mac) != std::string::npos);

  ok({"bridge", "delif", "labbr0", "labv0"});
  CHECK_FALSE(link_json("labv0").has("master"));
  ok({"bridge", "delbr", "labbr1"});
  CHECK(nltest::ip({"link", "show", "labbr1"}).status != 0);
}

TEST_CASE("bridge with STP: a port goes from listening to forwarding after the forward delay", "[bridge][stp]") {
  nltest::PrivateNetns ns;
  ok({"bridge", "add", "labbr0", "stp", "on", "forward_delay", "2", "up"});
  ok({"link", "add", "labv0", "type", "veth", "peer", "labv1"});
  ok({"link", "set", "labv1", "up"});
  ok({"bridge", "addif", "labbr0", "labv0"});
  ok({"link", "set", "labv0", "up"});
  auto state = [] {
    auto views = netlab::bridge::list({}, "labbr0");
    REQUIRE(views.has_value());
    return views->front().ports.at(0).bridge_port->state_name();
  };
  CHECK(wait_for([&] { return state() == "listening"; }, 1000));
  CHECK(wait_for([&] { return state() == "learning"; }, 3000));
  CHECK(wait_for([&] { return state() == "forwarding"; }, 3000));
  CHECK(nltest::netlab({"bridge", "show"}).out.find("labv0 (forwarding, carrier on)") != std::string::npos);
}

TEST_CASE("addresses on a bridge port: a warning, and --move-addresses moves them", "[bridge][addr]") {
  nltest::PrivateNetns ns;
  nltest::write_proc("/proc/sys/net/ipv6/conf/default/addr_gen_mode", "1");
  ok({"bridge", "add", "mirbr0"});
  ok({"link", "add", "labv0", "type", "veth", "peer", "labv1"});
  ok({"addr", "add", "192.0.2.1/24", "dev", "labv0"});
  ok({"addr", "add", "2001:db8::1/64", "dev", "labv0", "nodad"});
  auto moved = nltest::netlab({"bridge", "addif", "mirbr0", "labv0", "--move-addresses"});
  REQUIRE(moved.status == 0);
  CHECK(moved.err.empty());
  auto on_bridge = testjson::parse(ip_ok({"-j", "addr", "show", "dev", "mirbr0"})).array().at(0)["addr_info"];
  auto on_port = testjson::parse(ip_ok({"-j", "addr", "show", "dev", "labv0"})).array().at(0)["addr_info"];
  CHECK(on_bridge.array().size() == 2);
  CHECK(on_port.array().empty());

  // Without the flag: the port keeps them and the user is told why that is wrong.
  ok({"link", "add", "mirtap0", "type", "veth", "peer", "guest0"});
  ok({"addr", "add", "198.51.100.1/24", "dev", "mirtap0"});
  auto warned = nltest::netlab({"bridge", "addif", "mirbr0", "mirtap0"});
  CHECK(warned.status == 0);
  CHECK(warned.err.find("warning: link mirtap0 carries 198.51.100.1/24") != std::string::npos);
  CHECK(warned.err.find("--move-addresses") != std::string::npos);
  // Adding an address to a port warns too: the MirageOS-on-Xen mistake.
  auto added = nltest::netlab({"addr", "add", "203.0.113.1/24", "dev", "mirtap0"});
  CHECK(added.status == 0);
  CHECK(added.err.find("is a port of bridge mirbr0") != std::string::npos);
}

// Every hint the bridge commands print must work as printed, in the state
// in which it was printed (the hint after addif named a command that then
// answered "already a port").
namespace {
std::vector<std::string> printed_command(const std::string& text, const std::string& open, const std::string& close) {
  auto at = text.find(open);
  REQUIRE(at != std::string::npos);
  at += open.size();
  auto end = text.find(close, at);
  REQUIRE(end != std::string::npos);
  std::vector<std::string> words;
  std::string cmd = text.substr(at, end - at), word;
  for (char c : cmd + " ") {
    if (c != ' ') word += c;
    else if (!word.empty()) words.push_back(std::move(word)), word.clear();
  }
  REQUIRE(words.front() == "netlab");
  words.erase(words.begin());
  return words;
}
}  // namespace

TEST_CASE("bridge hints work as printed: addif's address warning and show's inherited MAC note", "[bridge][hints]") {
  nltest::PrivateNetns ns;
  ok({"bridge", "add", "labbr0"});
  ok({"link", "add", "labv0", "type", "veth", "peer", "labv1"});
  ok({"addr", "add", "192.0.2.1/24", "dev", "labv0"});
  auto warned = nltest::netlab({"bridge", "addif", "labbr0", "labv0"});
  REQUIRE(warned.status == 0);
  auto hint = printed_command(warned.err, "hint: put them on the bridge (", ")");
  auto r = nltest::netlab(hint);
  INFO("stderr: " << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  CHECK(ip_ok({"-o", "addr", "show", "dev", "labbr0"}).find("192.0.2.1/24") != std::string::npos);
  CHECK(ip_ok({"-o", "addr", "show", "dev", "labv0"}).find("192.0.2.1") == std::string::npos);
  CHECK(ip_ok({"-o", "link", "show", "labv0"}).find("master labbr0") != std::string::npos);
  // A port attached already stays attached when a later one fails.
  auto fails = nltest::netlab({"bridge", "addif", "labbr0", "labv0", "nosuch0", "--move-addresses"});
  CHECK(fails.status == 1);
  CHECK(ip_ok({"-o", "link", "show", "labv0"}).find("master labbr0") != std::string::npos);

  // The bridge took labv0's MAC; show's note names the command that pins it.
  auto shown = nltest::netlab({"bridge", "show"});
  REQUIRE(shown.out.find("inherited unless set") != std::string::npos);
  auto pin = printed_command(shown.out, "`", "`");
  r = nltest::netlab(pin);
  INFO("stderr: " << r.err);
  REQUIRE(r.status == 0);
  // Pinned: a new port with a lower MAC no longer moves the bridge's MAC
  // (labbr1, left inherited, shows what happens otherwise).
  auto mac_of = [](const char* dev) {
    return testjson::parse(ip_ok({"-j", "link", "show", dev})).array().at(0)["address"].str();
  };
  const std::string pinned = mac_of("labbr0");
  ok({"bridge", "add", "labbr1"});
  ok({"link", "add", "labv4", "type", "veth", "peer", "labv5"});
  ok({"bridge", "addif", "labbr1", "labv4"});
  const std::string inherited = mac_of("labbr1");
  ok({"link", "add", "labv2", "address", "02:00:00:00:00:01", "type", "veth", "peer", "labv3"});
  ok({"link", "add", "labv6", "address", "02:00:00:00:00:02", "type", "veth", "peer", "labv7"});
  ok({"bridge", "addif", "labbr0", "labv2"});
  ok({"bridge", "addif", "labbr1", "labv6"});
  CHECK(mac_of("labbr0") == pinned);
  CHECK(mac_of("labbr1") != inherited);
  CHECK(mac_of("labbr1") == "02:00:00:00:00:02");

  // A port named twice is refused before anything changes.
  const std::string before = ip_ok({"-d", "link", "show"});
  auto twice = nltest::netlab({"bridge", "addif", "labbr0", "labv1", "labv1"});
  CHECK(twice.status == 2);
  CHECK(twice.err == "netlab: bridge addif: labv1 is named twice\n");
  CHECK(ip_ok({"-d", "link", "show"}) == before);
}
