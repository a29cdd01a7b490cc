#include "mini_json.hpp"
#include "netns_fixture.hpp"

#include <netlab/link.hpp>
#include <netlab/json.hpp>
#include <netlab/render.hpp>

#include <linux/if.h>
#include <unistd.h>

using namespace netlab;
using nltest::ip_addr;
using nltest::ip_ok;
using nltest::name;
using nltest::prefix;

namespace {


const Link& find(const std::vector<Link>& links, const std::string& n) {
  for (const auto& l : links)
    if (l.name == n) return l;
  FAIL("link " << n << " not listed");
  throw;
}

}  // namespace

TEST_CASE("link::add_bridge and add_veth create what ip -j link reports", "[link]") {
  nltest::PrivateNetns ns;
  REQUIRE_OK(link::add_bridge({}, name("labbr0")));
  REQUIRE_OK(link::add_veth({}, name("labv0"), name("labv1")));

  auto links = link::list({});
  REQUIRE(links.has_value());
  auto ref = testjson::parse(ip_ok({"-j", "-d", "link", "show"}));
  REQUIRE(ref.array().size() == links->size());
  for (const auto& r : ref.array()) {
    const Link& l = find(*links, r["ifname"].str());
    CHECK(l.index == static_cast<int>(r["ifindex"].num()));
    CHECK(l.mtu == static_cast<std::uint32_t>(r["mtu"].num()));
    CHECK(l.operstate_name() == r["operstate"].str());
    CHECK(netlab::hw_addr_string(l.address) == r["address"].str());
    std::vector<std::string> ref_flags;
    for (const auto& f : r["flags"].array()) ref_flags.push_back(f.str());
    CHECK(l.flag_names() == ref_flags);
    if (r.has("linkinfo")) CHECK(l.kind == r["linkinfo"]["info_kind"].str());
  }
  CHECK(find(*links, "labbr0").kind == "bridge");
  CHECK(find(*links, "labbr0").bridge.has_value());
  const Link& v0 = find(*links, "labv0");
  CHECK(v0.kind == "veth");
  CHECK(v0.link_name == "labv1");
}

TEST_CASE("link::set changes state, MTU, MAC, master and name", "[link]") {
  nltest::PrivateNetns ns;
  REQUIRE_OK(link::add_bridge({}, name("labbr0")));
  REQUIRE_OK(link::add_veth({}, name("labv0"), name("labv1")));

  link::Change c;
  c.up = true;
  c.mtu = 1400;
  c.address = MacAddr::parse("02:00:5e:00:53:0a").value();
  c.master = name("labbr0");
  auto r = link::set({}, name("labv0"), c);
  REQUIRE_OK(r);

  auto v0 = link::get({}, "labv0");
  REQUIRE(v0.has_value());
  CHECK(v0->is_up());
  CHECK(v0->mtu == 1400);
  CHECK(v0->mac()->to_string() == "02:00:5e:00:53:0a");
  CHECK(v0->master == "labbr0");
  CHECK(v0->slave_kind == "bridge");
  REQUIRE(v0->bridge_port.has_value());
  // Its peer is down, so the port is UP without carrier: iproute2's NO-CARRIER.
  CHECK(v0->no_carrier());
  CHECK(v0->flag_names().front() == "NO-CARRIER");
  auto ref = testjson::parse(ip_ok({"-j", "link", "show", "labv0"}));
  CHECK(ref.array().at(0)["master"].str() == "labbr0");

  link::Change down;
  down.up = false;
  REQUIRE_OK(link::set({}, name("labv0"), down));
  link::Change rename;
  rename.new_name = name("labport0");
  rename.nomaster = true;
  REQUIRE_OK(link::set({}, name("labv0"), rename));
  auto renamed = link::get({}, "labport0");
  REQUIRE(renamed.has_value());
  CHECK(renamed->master.empty());
  CHECK_FALSE(renamed->is_up());
  CHECK_FALSE(link::get({}, "labv0").has_value());
}

TEST_CASE("link::remove deletes a link and reports a missing one", "[link]") {
  nltest::PrivateNetns ns;
  REQUIRE_OK(link::add_veth({}, name("labv0"), name("labv1")));
  REQUIRE_OK(link::remove({}, name("labv0")));
  CHECK_FALSE(link::get({}, "labv1").has_value());  // a veth pair goes together
  auto again = link::remove({}, name("labv0"));
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().message() == "link labv0: no such device");
  CHECK(again.error().exit_status() == 1);
}

TEST_CASE("link::add_bridge refuses an existing name and says so", "[link]") {
  nltest::PrivateNetns ns;
  REQUIRE_OK(link::add_bridge({}, name("labbr0")));
  auto dup = link::add_bridge({}, name("labbr0"));
  REQUIRE_FALSE(dup.has_value());
  CHECK(dup.error().sys_errno == EEXIST);
  CHECK(dup.error().message().find("link labbr0") == 0);
}

TEST_CASE("link::add_dummy works or reports the kernel's refusal clearly", "[link]") {
  nltest::PrivateNetns ns;
  auto r = link::add_dummy({}, name("labdummy0"));
  auto listed = link::get({}, "labdummy0");
  if (r) {
    REQUIRE(listed.has_value());
    CHECK(listed->kind == "dummy");
  } else {
    // This machine's kernel has no dummy driver: the error must say what and why.
    CHECK_FALSE(listed.has_value());
    CHECK(r.error().sys_errno == EOPNOTSUPP);
    CHECK(r.error().object == "link labdummy0");
    CHECK(r.error().hint.find("dummy") != std::string::npos);
  }
}

TEST_CASE("link::add_veth puts the peer in another namespace", "[link][netns]") {
  nltest::PrivateNetns ns;
  nltest::make_named_netns("labpeer");
  auto peer_ns = Netns::named("labpeer").value();
  REQUIRE_OK(link::add_veth({}, name("labv0"), name("labv1"), {}, peer_ns));
  CHECK_FALSE(link::get({}, "labv1").has_value());
  auto there = link::get(peer_ns, "labv1");
  REQUIRE(there.has_value());
  CHECK(there->kind == "veth");
  auto here = link::get({}, "labv0");
  REQUIRE(here.has_value());
  CHECK(here->link_netnsid.has_value());
  // The same view through ip -n, the independent reference.
  auto ref = testjson::parse(ip_ok({"-n", "labpeer", "-j", "link", "show", "labv1"}));
  CHECK(ref.array().at(0)["ifindex"].num() == there->index);
}

TEST_CASE("link::list reads tun details over netlink", "[link][tun]") {
  nltest::PrivateNetns ns;
  ip_ok({"tuntap", "add", "dev", "labtap0", "mode", "tap", "user", "4242", "group", "4343"});
  ip_ok({"link", "set", "labtap0", "up"});
  auto tap = link::get({}, "labtap0");
  REQUIRE(tap.has_value());
  CHECK(tap->kind == "tun");
  REQUIRE(tap->tun.has_value());
  CHECK(tap->tun->tap);
  CHECK(tap->tun->persist);
  CHECK(tap->tun->owner == std::optional<std::uint32_t>(4242));
  CHECK(tap->tun->group == std::optional<std::uint32_t>(4343));
  // Nobody has the tap open: up, but no carrier.
  CHECK(tap->no_carrier());
}

TEST_CASE("link::list filters by kind, master and state", "[link]") {
  nltest::PrivateNetns ns;
  REQUIRE_OK(link::add_bridge({}, name("labbr0")));
  REQUIRE_OK(link::add_veth({}, name("labv0"), name("labv1")));
  link::Change c;
  c.master = name("labbr0");
  REQUIRE_OK(link::set({}, name("labv0"), c));

  link::Filter by_kind;
  by_kind.kind = "veth";
  CHECK(link::list({}, by_kind)->size() == 2);
  link::Filter ports;
  ports.master = "labbr0";
  auto p = link::list({}, ports);
  REQUIRE(p.has_value());
  REQUIRE(p->size() == 1);
  CHECK(p->front().name == "labv0");
  link::Filter up;
  up.up_only = true;
  CHECK(link::list({}, up)->size() == 1);  // only lo
  link::Filter missing;
  missing.master = "nosuchbr";
  CHECK_FALSE(link::list({}, missing).has_value());
}

TEST_CASE("link set: group, alias and netns, as ip link set does them", "[link][netns]") {
  nltest::PrivateNetns ns;
  nltest::make_named_netns("labpeer");
  ip_ok({"link", "add", "labv0", "type", "veth", "peer", "name", "labv1"});
  auto r = nltest::netlab({"link", "set", "labv0", "group", "7", "alias", "guest uplink"});
  INFO("stderr: " << r.err);
  REQUIRE(r.status == 0);
  auto ref = testjson::parse(ip_ok({"-j", "link", "show", "labv0"})).array().at(0);
  CHECK(ref["group"].str() == "7");
  CHECK(ref["ifalias"].str() == "guest uplink");
  auto l = link::get({}, "labv0");
  REQUIRE(l.has_value());
  CHECK(l->group == 7);
  CHECK(l->alias == "guest uplink");
  REQUIRE(nltest::netlab({"link", "set", "labv0", "group", "default", "alias", ""}).status == 0);
  ref = testjson::parse(ip_ok({"-j", "link", "show", "labv0"})).array().at(0);
  CHECK(ref["group"].str() == "default");
  CHECK_FALSE(ref.has("ifalias"));

  // By name (ip netns add's /run/netns), then back by path.
  REQUIRE(nltest::netlab({"link", "set", "labv1", "netns", "labpeer"}).status == 0);
  CHECK_FALSE(link::get({}, "labv1").has_value());
  CHECK(ip_ok({"-n", "labpeer", "-o", "link", "show", "labv1"}).find("labv1") != std::string::npos);
  const std::string here = "/proc/" + std::to_string(::getpid()) + "/ns/net";  // this test's namespace
  REQUIRE(nltest::netlab({"-n", "labpeer", "link", "set", "labv1", "netns", here}).status == 0);
  CHECK(ip_ok({"-n", "labpeer", "-o", "link", "show"}).find("labv1") == std::string::npos);
  CHECK(link::get({}, "labv1").has_value());

  // A namespace that is not there: one line, exit 1, nothing moved.
  auto bad = nltest::netlab({"link", "set", "labv0", "netns", "nosuchns"});
  CHECK(bad.status == 1);
  CHECK(bad.err == "netlab: netns nosuchns: no such namespace\n");
  CHECK(link::get({}, "labv0").has_value());
  auto twice = nltest::netlab({"link", "set", "labv0", "alias", "a", "alias", "b"});
  CHECK(twice.status == 2);
  CHECK(twice.err == "netlab: link set: \"alias\" given twice\n");
}

TEST_CASE("link::list reads a macvtap's and a macvlan's mode and lower device", "[link][macvlan]") {
  nltest::PrivateNetns ns;
  ip_ok({"link", "add", "labv0", "type", "veth", "peer", "name", "labv1"});
  // An ifindex of its own: /dev/tapIFINDEX is shared by every namespace.
  ip_ok({"link", "add", "link", "labv0", "name", "labmvt0", "index", "5001", "type", "macvtap", "mode", "bridge"});
  ip_ok({"link", "add", "link", "labv0", "name", "labmvl0", "type", "macvlan", "mode", "private"});
  auto links = link::list({});
  REQUIRE(links.has_value());
  const Link& lower = find(*links, "labv0");
  for (const auto& [dev, mode] : {std::pair{"labmvt0", "bridge"}, std::pair{"labmvl0", "private"}}) {
    const Link& l = find(*links, dev);
    INFO(dev);
    REQUIRE(l.macvlan.has_value());
    CHECK(l.macvlan->mode_name() == mode);
    CHECK(l.link_index == lower.index);
    // ip -d's view, the independent reference.
    auto ref = testjson::parse(ip_ok({"-j", "-d", "link", "show", dev})).array().at(0);
    CHECK(ref["linkinfo"]["info_data"]["mode"].str() == mode);
  }
}

TEST_CASE("link -d: a bridge's bridge_id reads as ip -d prints it, in text and JSON", "[link][bridge]") {
  nltest::PrivateNetns ns;
  // Bytes with a leading zero (0a, 00, 05) show ip's unpadded form.
  ip_ok({"link", "add", "labbr0", "address", "02:0a:00:d2:e5:05", "type", "bridge", "priority", "4096"});
  auto links = link::list({});
  REQUIRE(links.has_value());
  const Link& br = find(*links, "labbr0");
  RenderOptions opts;
  opts.details = true;

  auto ref = testjson::parse(ip_ok({"-j", "-d", "link", "show", "labbr0"})).array().at(0);
  const std::string want = ref["linkinfo"]["info_data"]["bridge_id"].str();
  CHECK(want == "1000.2:a:0:d2:e5:5");
  std::string out;
  JsonWriter w(out);
  render_link_json(w, br, opts);
  auto mine = testjson::parse(out);
  CHECK(mine["linkinfo"]["info_data"]["bridge_id"].str() == want);

  std::string text;
  render_link_text(text, br, opts);
  CHECK(text.find(" bridge_id " + want) != std::string::npos);
  CHECK(ip_ok({"-d", "link", "show", "labbr0"}).find(" bridge_id " + want) != std::string::npos);
}

TEST_CASE("link -d: a bridge port's settings read the same in text and JSON, each as ip -d has it", "[link][bridge]") {
  nltest::PrivateNetns ns;
  ip_ok({"link", "add", "labbr1", "type", "bridge"});
  ip_ok({"link", "add", "labv0", "type", "veth", "peer", "name", "labv1"});
  ip_ok({"link", "set", "labv0", "master", "labbr1"});
  ip_ok({"link", "set", "dev", "labv0", "type", "bridge_slave", "mcast_flood", "off", "guard", "on"});
  auto links = link::list({});
  REQUIRE(links.has_value());
  const Link& port = find(*links, "labv0");
  RenderOptions opts;
  opts.details = true;
  std::string text;
  render_link_text(text, port, opts);
  std::string js;
  JsonWriter w(js);
  render_link_json(w, port, opts);
  auto mine = testjson::parse(js)["linkinfo"]["info_slave_data"];
  auto ref = testjson::parse(ip_ok({"-j", "-d", "link", "show", "labv0"})).array().at(0)["linkinfo"]["info_slave_data"];
  const std::string ip_text = ip_ok({"-d", "link", "show", "labv0"});
  for (const char* key : {"hairpin", "guard", "learning", "flood", "proxy_arp", "mcast_flood", "bcast_flood",
                          "neigh_suppress", "isolated"}) {
    INFO(key);
    REQUIRE(mine.has(key));
    CHECK(mine[key].boolean() == ref[key].boolean());
    const std::string word = std::string(" ") + key + (ref[key].boolean() ? " on" : " off");
    CHECK(text.find(word) != std::string::npos);
    CHECK(ip_text.find(word) != std::string::npos);
  }
}
