// The CLI end to end: what `netlab` prints next to what `ip` prints for the
// same namespace, changes made through the CLI, and bad input that must be
// refused with one clear line and no change at all.
#include "mini_json.hpp"
#include "netns_fixture.hpp"

#include <sstream>
#include <unistd.h>

using nltest::ip_ok;

namespace {

// Text with trailing blanks removed from every line (ip leaves some behind).
std::string trimmed(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

void ok(const std::vector<std::string>& args) {
  auto r = nltest::netlab(args);
  std::string cmd = "netlab";
  for (const auto& a : args) cmd += " " + a;
  INFO(cmd << "\nstderr: " << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
}

// A lab with a bridge, a port, addresses, neighbours and routes, built by the CLI.
void cli_lab() {
  nltest::write_proc("/proc/sys/net/ipv6/conf/default/addr_gen_mode", "1");
  ok({"link", "add", "labbr0", "type", "bridge"});
  ok({"link", "add", "labv0", "type", "veth", "peer", "name", "labv1"});
  ok({"link", "set", "labv0", "master", "labbr0", "up"});
  ok({"l", "set", "labv1", "up", "mtu", "1400", "address", "02:00:5e:00:53:01"});
  ok({"link", "set", "labbr0", "up"});
  ok({"addr", "add", "192.0.2.1/24", "dev", "labbr0", "broadcast", "+"});
  ok({"a", "add", "2001:db8::1/64", "dev", "labbr0", "nodad"});
  ok({"address", "add", "198.51.100.1/24", "dev", "labv1", "valid_lft", "forever", "preferred_lft", "forever"});
  ok({"neigh", "add", "192.0.2.2", "lladdr", "02:00:5e:00:53:02", "dev", "labbr0"});
  ok({"n", "add", "2001:db8::2", "lladdr", "02:00:5e:00:53:03", "dev", "labbr0", "router"});
  ok({"neighbour", "add", "192.0.2.3", "lladdr", "02:00:5e:00:53:04", "dev", "labbr0", "nud", "stale"});
  ok({"route", "add", "203.0.113.0/24", "via", "192.0.2.2", "metric", "20", "proto", "static"});
  ok({"r", "add", "blackhole", "198.51.100.128/25"});
  ok({"route", "add", "default", "via", "192.0.2.254"});
  ok({"-6", "route", "add", "2001:db8:5::/48", "via", "2001:db8::2"});
  // The bridge's carrier and operstate follow its port asynchronously: let
  // them settle, or the two tools read the bridge at different moments.
  for (int i = 0; i < 300; ++i) {
    if (nltest::ip({"-o", "link", "show", "labbr0"}).out.find("state UP") != std::string::npos) break;
    usleep(10000);
  }
}

// What the namespace holds, section by section, as ip -j reports it.
std::vector<std::string> state_dump() {
  // Not -d: bridge timers tick between two dumps.
  return {ip_ok({"-j", "link", "show"}), ip_ok({"-j", "addr", "show"}),
          ip_ok({"-j", "route", "show", "table", "all"}), ip_ok({"-j", "-6", "route", "show", "table", "all"}),
          ip_ok({"-j", "neigh", "show", "nud", "all"})};
}

}  // namespace

TEST_CASE("netlab text output reads like ip's", "[cli]") {
  nltest::PrivateNetns ns;
  cli_lab();
  for (const auto& object : std::vector<std::vector<std::string>>{
           {"link", "show"}, {"route", "show"}, {"-6", "route", "show"}, {"neigh", "show"},
           {"route", "show", "table", "all"}, {"neigh", "show", "nud", "all"}, {"link", "show", "labv0"}}) {
    auto ours = nltest::netlab(object);
    auto theirs = nltest::ip(object);
    INFO("netlab/ip " << object.front() << " " << object.back());
    REQUIRE(ours.status == 0);
    REQUIRE(theirs.status == 0);
    CHECK(trimmed(ours.out) == trimmed(theirs.out));
  }
}

TEST_CASE("netlab -j uses ip -j's keys and values", "[cli][json]") {
  nltest::PrivateNetns ns;
  cli_lab();
  auto links = testjson::parse(nltest::netlab({"-j", "link", "show"}).out);
  auto ref_links = testjson::parse(ip_ok({"-j", "link", "show"}));
  REQUIRE(links.array().size() == ref_links.array().size());
  for (std::size_t i = 0; i < links.array().size(); ++i)
    for (const char* key : {"ifindex", "ifname", "mtu", "operstate", "address", "master", "link", "qdisc", "txqlen"}) {
      const auto& ref = ref_links.array()[i];
      INFO("link " << ref["ifname"].str() << " key " << key);
      CHECK(links.array()[i].has(key) == ref.has(key));
      if (ref.has(key) && links.array()[i].has(key)) CHECK(links.array()[i][key].text() == ref[key].text());
    }
  auto addrs = testjson::parse(nltest::netlab({"-j", "addr", "show", "dev", "labbr0"}).out);
  auto ref_addrs = testjson::parse(ip_ok({"-j", "addr", "show", "dev", "labbr0"}));
  const auto& ours = addrs.array().at(0)["addr_info"].array();
  const auto& theirs = ref_addrs.array().at(0)["addr_info"].array();
  REQUIRE(ours.size() == theirs.size());
  for (std::size_t i = 0; i < ours.size(); ++i)
    for (const char* key : {"family", "local", "prefixlen", "broadcast", "scope", "label", "valid_life_time", "nodad"}) {
      INFO("address " << theirs[i]["local"].str() << " key " << key);
      CHECK(ours[i].has(key) == theirs[i].has(key));
      if (ours[i].has(key) && theirs[i].has(key)) CHECK(ours[i][key].text() == theirs[i][key].text());
    }
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"-j", "route", "show"}, {"-j", "-6", "route", "show"}, {"-j", "neigh", "show"}}) {
    auto a = testjson::parse(nltest::netlab(args).out);
    auto b = testjson::parse(ip_ok(args));
    REQUIRE(a.array().size() == b.array().size());
    for (std::size_t i = 0; i < a.array().size(); ++i)
      for (const char* key : {"dst", "gateway", "dev", "protocol", "scope", "metric", "type", "lladdr", "prefsrc"}) {
        INFO(args[1] << " entry " << b.array()[i]["dst"].str() << " key " << key);
        CHECK(a.array()[i].has(key) == b.array()[i].has(key));
        if (a.array()[i].has(key) && b.array()[i].has(key))
          CHECK(a.array()[i][key].text() == b.array()[i][key].text());
      }
  }
  // -p pretty-prints the same document.
  auto pretty = nltest::netlab({"-j", "-p", "route", "show"});
  CHECK(pretty.out.find("\n    ") != std::string::npos);
  CHECK(testjson::parse(pretty.out).array().size() == testjson::parse(nltest::netlab({"-j", "route"}).out).array().size());
}

TEST_CASE("netlab -n NAME works in a named namespace, like ip -n", "[cli][netns]") {
  nltest::PrivateNetns ns;
  nltest::make_named_netns("lablab");
  ok({"link", "add", "labv0", "type", "veth", "peer", "labv1", "netns", "lablab"});
  ok({"-n", "lablab", "link", "set", "labv1", "up"});
  ok({"--netns", "lablab", "addr", "add", "192.0.2.9/24", "dev", "labv1"});
  auto there = nltest::netlab({"-n", "lablab", "-j", "addr", "show", "dev", "labv1"});
  REQUIRE(there.status == 0);
  CHECK(testjson::parse(there.out).array().at(0)["addr_info"].array().at(0)["local"].str() == "192.0.2.9");
  CHECK(trimmed(nltest::netlab({"-n", "lablab", "route"}).out) == trimmed(ip_ok({"-n", "lablab", "route"})));
  // The local end stays here and knows its peer's namespace.
  CHECK(nltest::netlab({"link", "show", "labv0"}).out.find("link-netnsid") != std::string::npos);
  auto missing = nltest::netlab({"-n", "nosuchns", "link"});
  CHECK(missing.status == 1);
  CHECK(missing.err == "netlab: netns nosuchns: does not exist\n");
}

TEST_CASE("netlab route get, brief output, help and version", "[cli]") {
  nltest::PrivateNetns ns;
  cli_lab();
  auto get = nltest::netlab({"route", "get", "203.0.113.5"});
  REQUIRE(get.status == 0);
  CHECK(get.out.find("203.0.113.5 via 192.0.2.2 dev labbr0") == 0);
  auto brief = nltest::netlab({"-b", "link", "show", "labv0"});
  REQUIRE(brief.status == 0);
  CHECK(brief.out.rfind("labv0@labv1", 0) == 0);
  auto brief_addr = nltest::netlab({"--brief", "addr", "show", "labbr0"});
  CHECK(brief_addr.out.find("192.0.2.1/24") != std::string::npos);
  CHECK(nltest::netlab({"--help"}).status == 0);
  CHECK(nltest::netlab({"link", "add", "--help"}).status == 0);
  auto version = nltest::netlab({"-V"});
  CHECK(version.status == 0);
  CHECK(version.out.rfind("netlab ", 0) == 0);
  // iproute2 spellings of the global options work too.
  CHECK(testjson::parse(nltest::netlab({"-json", "link"}).out).is_array());
  auto del = nltest::netlab({"route", "del", "203.0.113.0/24"});
  CHECK(del.status == 0);
  CHECK(ip_ok({"route", "show", "203.0.113.0/24"}).empty());
  ok({"neigh", "flush", "dev", "labbr0"});
  CHECK(ip_ok({"neigh", "show", "192.0.2.3"}).empty());      // STALE went
  CHECK_FALSE(ip_ok({"neigh", "show", "192.0.2.2"}).empty());  // PERMANENT stayed
  ok({"addr", "replace", "198.51.100.1/24", "dev", "labv1", "valid_lft", "3600", "preferred_lft", "1800sec"});
  auto lifetimes = testjson::parse(ip_ok({"-j", "addr", "show", "dev", "labv1"})).array().at(0)["addr_info"].array();
  REQUIRE(lifetimes.size() == 1);
  CHECK(lifetimes[0]["valid_life_time"].num() <= 3600);
  CHECK(lifetimes[0]["valid_life_time"].num() > 3500);
  CHECK(lifetimes[0]["preferred_life_time"].num() <= 1800);
  ok({"addr", "flush", "dev", "labv1"});
  CHECK(ip_ok({"-4", "addr", "show", "dev", "labv1"}).empty());
  ok({"link", "delete", "labv0"});
  CHECK(nltest::ip({"link", "show", "labv1"}).status != 0);
}

TEST_CASE("bad input: one clear line, exit 1 or 2, and nothing changes", "[cli][errors]") {
  nltest::PrivateNetns ns;
  cli_lab();
  struct Case {
    std::vector<std::string> args;
    int status;
    std::string says;  // a fragment the error line must contain
  };
  const std::vector<Case> cases = {
      {{"addr", "add", "192.0.2.9/33", "dev", "labbr0"}, 2, "prefix \"192.0.2.9/33\""},
      {{"addr", "add", "192.0.2.300/24", "dev", "labbr0"}, 2, "192.0.2.300"},
      {{"addr", "add", "192.0.2.9/24"}, 2, "needs \"dev DEV\""},
      {{"addr", "add", "192.0.2.9/24", "dev", "averyverylongname"}, 2, "at most 15"},
      {{"addr", "add", "192.0.2.9/24", "dev", "nosuchdev"}, 1, "link nosuchdev: no such device"},
      {{"addr", "add", "192.0.2.1/24", "dev", "labbr0"}, 1, "already assigned"},
      {{"addr", "add", "192.0.2.9/24", "dev", "labbr0", "label", "wrong"}, 2, "label"},
      {{"addr", "del", "192.0.2.77/24", "dev", "labbr0"}, 1, "not assigned"},
      {{"link", "add", "labbr0", "type", "bridge"}, 1, "link labbr0: already exists"},
      {{"link", "add", "0123456789abcdef", "type", "bridge"}, 2, "16 bytes"},
      {{"link", "add", "labx", "type", "bond"}, 2, "link type \"bond\""},
      {{"link", "add", "labx", "type", "veth"}, 2, "needs \"peer NAME\""},
      {{"link", "set", "labv0", "address", "01:00:5e:00:00:01"}, 2, "multicast"},
      {{"link", "set", "labv0", "address", "02:00:5e:00:53"}, 2, "MAC address"},
      {{"link", "set", "labv0", "mtu", "99999"}, 2, "mtu"},
      {{"link", "set", "labv0", "mtu", "20"}, 1, "link labv0"},
      {{"link", "set", "nosuch", "up"}, 1, "link nosuch: no such device"},
      {{"link", "set", "labv0", "master", "nosuchbr"}, 1, "link nosuchbr"},
      {{"link", "set", "labv0", "frobnicate"}, 2, "unknown argument \"frobnicate\""},
      {{"link", "delete", "nosuch"}, 1, "no such device"},
      {{"neigh", "add", "192.0.2.2", "lladdr", "02:00:5e:00:53:02", "dev", "labbr0"}, 1, "already exists"},
      {{"neigh", "add", "192.0.2.5", "lladdr", "33:33:00:00:00:01", "dev", "labbr0"}, 2, "multicast"},
      {{"neigh", "add", "192.0.2.5", "lladdr", "02:00:5e:00:53:05", "dev", "labbr0", "nud", "bogus"}, 2, "neighbour state"},
      {{"neigh", "add", "192.0.2.5", "dev", "labbr0"}, 2, "lladdr"},
      {{"neigh", "del", "192.0.2.99", "dev", "labbr0"}, 1, "no such entry"},
      {{"route", "add", "203.0.113.0/24", "via", "192.0.2.2", "metric", "20"}, 1, "already exists"},
      {{"route", "add", "198.51.100.0/24", "via", "203.0.113.77"}, 1, "route 198.51.100.0/24"},
      {{"route", "add", "203.0.113.5/24", "dev", "labbr0"}, 2, "host bits"},
      {{"route", "add", "10.99.0.0/16"}, 2, "needs \"via GW\""},
      {{"route", "add", "10.99.0.0/16", "via", "2001:db8::2"}, 2, "family"},
      {{"route", "del", "10.99.0.0/16"}, 1, "no such route"},
      {{"route", "show", "table", "nosuchtable"}, 2, "routing table"},
      {{"route", "get", "not-an-address"}, 2, "not-an-address"},
      {{"frob"}, 2, "netlab:"},
      {{"link", "frob"}, 2, "frob"},
      {{"-4", "-6", "route"}, 2, "-4 and -6"},
      {{"--color", "purple", "link"}, 2, "purple"},
  };
  REQUIRE(cases.size() >= 20);
  // Let the kernel finish what the setup started (carrier and operstate
  // changes are applied asynchronously) before taking the reference dump.
  std::vector<std::string> before = state_dump();
  for (int i = 0; i < 30; ++i) {
    ::usleep(100000);
    auto again = state_dump();
    if (again == before) break;
    before = std::move(again);
  }
  for (const auto& c : cases) {
    auto r = nltest::netlab(c.args);
    std::string cmd = "netlab";
    for (const auto& a : c.args) cmd += " " + a;
    INFO(cmd << "\nstatus " << r.status << "\nstderr: " << r.err << "stdout: " << r.out);
    CHECK(r.status == c.status);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("netlab: ", 0) == 0);
    CHECK(r.err.find(c.says) != std::string::npos);
    // One line, plus at most one hint line.
    auto first_nl = r.err.find('\n');
    REQUIRE(first_nl != std::string::npos);
    std::string rest = r.err.substr(first_nl + 1);
    CHECK((rest.empty() || (rest.rfind("hint: ", 0) == 0 && rest.find('\n') == rest.size() - 1)));
  }
  auto after = state_dump();
  for (std::size_t i = 0; i < before.size(); ++i) {
    INFO("section " << i << " (link, addr, route, route -6, neigh)");
    CHECK(after[i] == before[i]);
  }
}
