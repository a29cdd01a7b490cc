// Unit tests for <netlab/render.hpp>: models built by hand, rendered as text
// (compared with what iproute2 prints for the same objects) and as JSON
// (parsed back and checked for `ip -j`'s key names).
#include <catch2/catch.hpp>

#include "mini_json.hpp"

#include <netlab/render.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

using namespace netlab;
using Catch::Contains;
using Catch::StartsWith;

namespace {

constexpr unsigned kEtherUp = IFF_BROADCAST | IFF_MULTICAST | IFF_UP | IFF_LOWER_UP | IFF_RUNNING;

std::vector<std::uint8_t> mac(std::string_view s) {
  auto m = MacAddr::parse(s);
  REQUIRE(m.has_value());
  return {m->bytes().begin(), m->bytes().end()};
}

IpAddr ip(std::string_view s) {
  auto r = IpAddr::parse(s);
  REQUIRE(r.has_value());
  return *r;
}

Prefix pfx(std::string_view s) {
  auto r = Prefix::parse(s);
  REQUIRE(r.has_value());
  return *r;
}

Link ether_link(int index, std::string name, std::string_view address) {
  Link l;
  l.index = index;
  l.name = std::move(name);
  l.flags = kEtherUp;
  l.mtu = 1500;
  l.qdisc = "noqueue";
  l.operstate = IF_OPER_UP;
  l.txqlen = 1000;
  l.link_type = ARPHRD_ETHER;
  l.address = mac(address);
  l.broadcast = mac("ff:ff:ff:ff:ff:ff");
  return l;
}

Link bridge_br0() {
  Link l = ether_link(3, "br0", "02:00:00:00:00:01");
  l.kind = "bridge";
  return l;
}

// A tap attached to br0 that nobody has opened: UP but not RUNNING.
Link tap_port() {
  Link l = ether_link(4, "tap0", "02:00:00:00:00:04");
  l.flags = IFF_BROADCAST | IFF_MULTICAST | IFF_UP;
  l.qdisc = "fq_codel";
  l.operstate = IF_OPER_DOWN;
  l.master_index = 3;
  l.master = "br0";
  l.kind = "tun";
  l.slave_kind = "bridge";
  return l;
}

Link veth_v0() {
  Link l = ether_link(5, "v0", "02:00:00:00:00:05");
  l.kind = "veth";
  l.link_index = 6;
  l.link_name = "v1";
  return l;
}

Address make_addr(std::string_view prefix, std::string dev, std::uint8_t scope, std::uint32_t flags) {
  Address a;
  a.local = pfx(prefix);
  a.dev = std::move(dev);
  a.scope = scope;
  a.flags = flags;
  return a;
}

std::string link_text(const Link& l, RenderOptions o = {}) {
  std::string out;
  render_link_text(out, l, o);
  return out;
}

testjson::Value link_json(const Link& l, RenderOptions o = {}) {
  std::string out;
  JsonWriter w(out);
  render_link_json(w, l, o);
  REQUIRE(w.complete());
  INFO(out);
  return testjson::parse(out);
}

std::string neigh_text(const Neighbour& n, RenderOptions o = {}) {
  std::string out;
  render_neigh_text(out, n, o);
  return out;
}

testjson::Value neigh_json(const Neighbour& n, RenderOptions o = {}) {
  std::string out;
  JsonWriter w(out);
  render_neigh_json(w, n, o);
  REQUIRE(w.complete());
  INFO(out);
  return testjson::parse(out);
}

std::string route_text(const Route& r, RenderOptions o = {}) {
  std::string out;
  render_route_text(out, r, o);
  return out;
}

testjson::Value route_json(const Route& r, RenderOptions o = {}) {
  std::string out;
  JsonWriter w(out);
  render_route_json(w, r, o);
  REQUIRE(w.complete());
  INFO(out);
  return testjson::parse(out);
}

std::vector<std::string> strings(const testjson::Value& v) {
  std::vector<std::string> out;
  for (const auto& e : v.array()) out.push_back(e.str());
  return out;
}

Route static_route() {
  Route r;
  r.family = Family::Inet;
  r.dst = pfx("198.51.100.0/24");
  r.gateway = ip("192.0.2.2");
  r.dev = "br0";
  r.oif = 3;
  r.protocol = RTPROT_STATIC;
  r.metric = 10;
  return r;
}

Neighbour reachable() {
  Neighbour n;
  n.index = 3;
  n.dev = "br0";
  n.dst = ip("192.0.2.2");
  n.lladdr = mac("02:00:00:00:00:02");
  n.state = NudReachable;
  return n;
}

}  // namespace

// --- helpers ------------------------------------------------------------------

TEST_CASE("hw_addr_string", "[render]") {
  CHECK(hw_addr_string(mac("02:00:5E:00:53:0A")) == "02:00:5e:00:53:0a");
  CHECK(hw_addr_string(std::vector<std::uint8_t>{}) == "");
  CHECK(hw_addr_string(std::vector<std::uint8_t>{0xab}) == "ab");
  CHECK(hw_addr_string(std::vector<std::uint8_t>{0, 0, 0, 0}) == "00:00:00:00");
  std::vector<std::uint8_t> ib(20, 0x80);  // InfiniBand addresses are 20 bytes
  CHECK(hw_addr_string(ib).size() == 20 * 3 - 1);
}

TEST_CASE("Link::flag_names", "[render][link]") {
  Link l;
  l.flags = kEtherUp;
  CHECK(l.flag_names() == std::vector<std::string>{"BROADCAST", "MULTICAST", "UP", "LOWER_UP"});
  l.flags = IFF_LOOPBACK | IFF_UP | IFF_LOWER_UP | IFF_RUNNING;
  CHECK(l.flag_names() == std::vector<std::string>{"LOOPBACK", "UP", "LOWER_UP"});
  l.flags = IFF_BROADCAST | IFF_MULTICAST | IFF_UP;
  CHECK(l.flag_names() == std::vector<std::string>{"NO-CARRIER", "BROADCAST", "MULTICAST", "UP"});
  l.flags = IFF_BROADCAST | IFF_MULTICAST;  // down: no NO-CARRIER
  CHECK(l.flag_names() == std::vector<std::string>{"BROADCAST", "MULTICAST"});
  l.flags = IFF_POINTOPOINT | IFF_MULTICAST | IFF_NOARP | IFF_UP | IFF_LOWER_UP | IFF_RUNNING;
  CHECK(l.flag_names() == std::vector<std::string>{"POINTOPOINT", "MULTICAST", "NOARP", "UP", "LOWER_UP"});
  l.flags = IFF_BROADCAST | IFF_MULTICAST | IFF_PROMISC | IFF_ALLMULTI | IFF_SLAVE | IFF_MASTER | IFF_UP |
            IFF_RUNNING | IFF_LOWER_UP | IFF_DORMANT;
  CHECK(l.flag_names() == std::vector<std::string>{"BROADCAST", "MULTICAST", "ALLMULTI", "PROMISC", "MASTER",
                                                   "SLAVE", "UP", "LOWER_UP", "DORMANT"});
  l.flags = IFF_BROADCAST | IFF_MULTICAST | IFF_UP;
  l.lower_down = true;  // iproute2 appends M-DOWN last
  CHECK(l.flag_names() == std::vector<std::string>{"NO-CARRIER", "BROADCAST", "MULTICAST", "UP", "M-DOWN"});
  CHECK(l.no_carrier());
  CHECK(l.is_up());
}

TEST_CASE("Link::operstate_name", "[render][link]") {
  Link l;
  CHECK(l.operstate_name() == "UNKNOWN");
  l.operstate = IF_OPER_DOWN;
  CHECK(l.operstate_name() == "DOWN");
  l.operstate = IF_OPER_LOWERLAYERDOWN;
  CHECK(l.operstate_name() == "LOWERLAYERDOWN");
  l.operstate = IF_OPER_DORMANT;
  CHECK(l.operstate_name() == "DORMANT");
  l.operstate = IF_OPER_UP;
  CHECK(l.operstate_name() == "UP");
  l.operstate = 42;
  CHECK(l.operstate_name() == "42");
}

// --- links --------------------------------------------------------------------

TEST_CASE("render_link_text", "[render][link]") {
  SECTION("an up bridge, exactly as ip link show prints it") {
    CHECK(link_text(bridge_br0()) ==
          "3: br0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT "
          "group default qlen 1000\n"
          "    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n");
  }
  SECTION("loopback") {
    Link lo;
    lo.index = 1;
    lo.name = "lo";
    lo.flags = IFF_LOOPBACK | IFF_UP | IFF_LOWER_UP | IFF_RUNNING;
    lo.mtu = 65536;
    lo.qdisc = "noqueue";
    lo.operstate = IF_OPER_UNKNOWN;
    lo.txqlen = 1000;
    lo.link_type = ARPHRD_LOOPBACK;
    lo.address = std::vector<std::uint8_t>(6, 0);
    lo.broadcast = std::vector<std::uint8_t>(6, 0);
    CHECK(link_text(lo) ==
          "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default "
          "qlen 1000\n"
          "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n");
  }
  SECTION("UP without RUNNING shows NO-CARRIER first, and the master") {
    auto text = link_text(tap_port());
    CHECK_THAT(text, StartsWith("4: tap0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500"));
    CHECK_THAT(text, Contains(" qdisc fq_codel master br0 state DOWN mode DEFAULT group default qlen 1000\n"));
  }
  SECTION("a veth shows its peer after @") {
    auto text = link_text(veth_v0());
    CHECK_THAT(text, StartsWith("5: v0@v1: <BROADCAST,MULTICAST,UP,LOWER_UP>"));
    CHECK_THAT(text, !Contains("link-netnsid"));
  }
  SECTION("a veth whose peer is in another namespace") {
    Link l = veth_v0();
    l.link_name.clear();
    l.link_netnsid = 0;
    auto text = link_text(l);
    CHECK_THAT(text, StartsWith("5: v0@if6: "));
    CHECK_THAT(text, Contains("    link/ether 02:00:00:00:00:05 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"));
  }
  SECTION("IFLA_LINK pointing at itself is not a peer") {
    Link l = bridge_br0();
    l.link_index = l.index;
    CHECK_THAT(link_text(l), StartsWith("3: br0: <"));
  }
  SECTION("a tun device has no link-layer address") {
    Link l;
    l.index = 9;
    l.name = "tun0";
    l.flags = IFF_POINTOPOINT | IFF_MULTICAST | IFF_NOARP;
    l.mtu = 1500;
    l.operstate = IF_OPER_DOWN;
    l.link_type = ARPHRD_NONE;
    l.txqlen = 500;
    CHECK(link_text(l) ==
          "9: tun0: <POINTOPOINT,MULTICAST,NOARP> mtu 1500 state DOWN mode DEFAULT group default qlen 500\n"
          "    link/none\n");
  }
  SECTION("group and dormant mode") {
    Link l = bridge_br0();
    l.group = 7;
    l.linkmode = 1;
    l.txqlen = 0;
    auto text = link_text(l);
    CHECK_THAT(text, Contains(" state UP mode DORMANT group 7\n"));
    CHECK_THAT(text, !Contains("qlen"));
  }
  SECTION("brief") {
    RenderOptions o;
    o.brief = true;
    CHECK(link_text(bridge_br0(), o) ==
          "br0              UP             02:00:00:00:00:01 <BROADCAST,MULTICAST,UP,LOWER_UP>\n");
    CHECK_THAT(link_text(veth_v0(), o), StartsWith("v0@v1            UP             02:00:00:00:00:05 <"));
  }
  SECTION("brief without a link-layer address") {
    // iproute2: "%-16s " name, "%-14s " state, then "<flags>": one space.
    Link l;
    l.name = "tun0";
    l.flags = IFF_POINTOPOINT | IFF_MULTICAST | IFF_NOARP;
    l.operstate = IF_OPER_DOWN;
    RenderOptions o;
    o.brief = true;
    CHECK(link_text(l, o) == "tun0             DOWN           <POINTOPOINT,MULTICAST,NOARP>\n");
  }
  SECTION("colour only when asked for") {
    CHECK(link_text(bridge_br0()).find('\033') == std::string::npos);
    RenderOptions o;
    o.color = true;
    auto text = link_text(bridge_br0(), o);
    CHECK_THAT(text, Contains("\033[36mbr0\033[0m"));
    CHECK_THAT(text, Contains("state \033[32mUP\033[0m"));
    CHECK_THAT(text, Contains("\033[33m02:00:00:00:00:01\033[0m"));
  }
  SECTION("details: bridge port") {
    Link l = tap_port();
    BridgePortInfo p;
    p.state = 3;
    p.priority = 32;
    p.cost = 100;
    p.hairpin = false;
    p.learning = true;
    p.flood = true;
    l.bridge_port = p;
    RenderOptions o;
    o.details = true;
    auto text = link_text(l, o);
    CHECK_THAT(text, Contains("\n    bridge_slave state forwarding priority 32 cost 100 hairpin off learning on "
                              "flood on\n"));
    CHECK_THAT(link_text(l), !Contains("bridge_slave"));
  }
}

TEST_CASE("render_link_json", "[render][link]") {
  SECTION("ip -j key names") {
    auto v = link_json(bridge_br0());
    REQUIRE(v.is_object());
    CHECK(v["ifindex"].num() == 3);
    CHECK(v["ifname"].str() == "br0");
    CHECK(strings(v["flags"]) == std::vector<std::string>{"BROADCAST", "MULTICAST", "UP", "LOWER_UP"});
    CHECK(v["mtu"].num() == 1500);
    CHECK(v["qdisc"].str() == "noqueue");
    CHECK(v["operstate"].str() == "UP");
    CHECK(v["linkmode"].str() == "DEFAULT");
    CHECK(v["group"].str() == "default");
    CHECK(v["txqlen"].num() == 1000);
    CHECK(v["link_type"].str() == "ether");
    CHECK(v["address"].str() == "02:00:00:00:00:01");
    CHECK(v["broadcast"].str() == "ff:ff:ff:ff:ff:ff");
    CHECK_FALSE(v.has("master"));
    CHECK_FALSE(v.has("link"));
    CHECK(v["linkinfo"]["info_kind"].str() == "bridge");
  }
  SECTION("NO-CARRIER and master") {
    auto v = link_json(tap_port());
    CHECK(strings(v["flags"]) == std::vector<std::string>{"NO-CARRIER", "BROADCAST", "MULTICAST", "UP"});
    CHECK(v["master"].str() == "br0");
    CHECK(v["operstate"].str() == "DOWN");
    CHECK(v["linkinfo"]["info_slave_kind"].str() == "bridge");
  }
  SECTION("veth peer") {
    auto v = link_json(veth_v0());
    CHECK(v["ifname"].str() == "v0");
    CHECK(v["link"].str() == "v1");
    CHECK_FALSE(v.has("link_index"));
    Link other = veth_v0();
    other.link_name.clear();
    other.link_netnsid = 2;
    auto w = link_json(other);
    CHECK_FALSE(w.has("link"));
    CHECK(w["link_index"].num() == 6);
    CHECK(w["link_netnsid"].num() == 2);
  }
  SECTION("point-to-point peer address") {
    Link l = bridge_br0();
    l.flags |= IFF_POINTOPOINT;
    auto v = link_json(l);
    CHECK(v["link_pointtopoint"].str() == "ff:ff:ff:ff:ff:ff");
    CHECK_FALSE(v.has("broadcast"));
  }
  SECTION("bridge port details") {
    Link l = tap_port();
    BridgePortInfo p;
    p.state = 3;
    p.learning = true;
    l.bridge_port = p;
    auto v = link_json(l);
    CHECK(v["linkinfo"]["info_slave_data"]["state"].str() == "forwarding");
    CHECK(v["linkinfo"]["info_slave_data"]["learning"].boolean() == true);
    CHECK_FALSE(v["linkinfo"]["info_slave_data"].has("hairpin"));
  }
  SECTION("pretty output parses the same") {
    std::string out;
    JsonWriter w(out, true);
    render_link_json(w, veth_v0(), {});
    REQUIRE(w.complete());
    auto v = testjson::parse(out);
    CHECK(v["ifname"].str() == "v0");
    CHECK(v["link"].str() == "v1");
  }
}

// --- addresses ----------------------------------------------------------------

TEST_CASE("render_link_addrs_text", "[render][addr]") {
  Link l = bridge_br0();
  Address v4 = make_addr("192.0.2.1/24", "br0", RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
  v4.broadcast = ip("192.0.2.255");
  v4.label = "br0";
  Address v6 = make_addr("2001:db8::1/64", "br0", RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
  Address ll = make_addr("fe80::1/64", "br0", RT_SCOPE_LINK, IFA_F_PERMANENT);

  SECTION("ip addr show layout") {
    const Address* addrs[] = {&v4, &v6, &ll};
    std::string out;
    render_link_addrs_text(out, l, addrs, {});
    CHECK(out ==
          "3: br0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n"
          "    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n"
          "    inet 192.0.2.1/24 brd 192.0.2.255 scope global br0\n"
          "       valid_lft forever preferred_lft forever\n"
          "    inet6 2001:db8::1/64 scope global\n"
          "       valid_lft forever preferred_lft forever\n"
          "    inet6 fe80::1/64 scope link\n"
          "       valid_lft forever preferred_lft forever\n");
  }
  SECTION("dynamic address with lifetimes") {
    Address d = make_addr("198.51.100.7/24", "br0", RT_SCOPE_UNIVERSE, 0);
    d.valid_lft = 3600;
    d.preferred_lft = 1800;
    d.label = "br0";
    const Address* addrs[] = {&d};
    std::string out;
    render_link_addrs_text(out, l, addrs, {});
    CHECK_THAT(out, Contains("    inet 198.51.100.7/24 scope global dynamic br0\n"
                             "       valid_lft 3600sec preferred_lft 1800sec\n"));
  }
  SECTION("secondary IPv4 and point-to-point peer") {
    Address s = make_addr("192.0.2.9/24", "br0", RT_SCOPE_UNIVERSE, IFA_F_PERMANENT | IFA_F_SECONDARY);
    s.label = "br0:1";
    Address p = make_addr("10.0.0.1/32", "br0", RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
    p.peer = ip("10.0.0.2");
    const Address* addrs[] = {&s, &p};
    std::string out;
    render_link_addrs_text(out, l, addrs, {});
    CHECK_THAT(out, Contains("    inet 192.0.2.9/24 scope global secondary br0:1\n"));
    CHECK_THAT(out, Contains("    inet 10.0.0.1 peer 10.0.0.2/32 scope global\n"));
  }
  SECTION("IPv6 flags in iproute2's order") {
    // iproute2 walks its flag table in bit order and prints "dynamic" at
    // IFA_F_PERMANENT's place (0x80), i.e. after deprecated and tentative:
    // "scope global temporary deprecated dynamic", a common sight for
    // privacy addresses.
    Address t = make_addr("2001:db8::abcd/64", "br0", RT_SCOPE_UNIVERSE, IFA_F_SECONDARY | IFA_F_DEPRECATED);
    t.valid_lft = 500;
    t.preferred_lft = 0;
    Address m = make_addr("2001:db8::2/64", "br0", RT_SCOPE_UNIVERSE, IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE);
    Address n = make_addr("2001:db8::3/64", "br0", RT_SCOPE_UNIVERSE, IFA_F_PERMANENT | IFA_F_NODAD | IFA_F_TENTATIVE);
    const Address* addrs[] = {&t, &m, &n};
    std::string out;
    render_link_addrs_text(out, l, addrs, {});
    CHECK_THAT(out, Contains("    inet6 2001:db8::abcd/64 scope global temporary deprecated dynamic\n"
                             "       valid_lft 500sec preferred_lft 0sec\n"));
    CHECK_THAT(out, Contains("    inet6 2001:db8::2/64 scope global dynamic mngtmpaddr noprefixroute\n"));
    CHECK_THAT(out, Contains("    inet6 2001:db8::3/64 scope global nodad tentative\n"));
  }
  SECTION("brief") {
    const Address* addrs[] = {&v4, &v6};
    RenderOptions o;
    o.brief = true;
    std::string out;
    render_link_addrs_text(out, l, addrs, o);
    CHECK(out == "br0              UP             192.0.2.1/24 2001:db8::1/64\n");
  }
}

TEST_CASE("render_link_addrs_json", "[render][addr]") {
  Link l = bridge_br0();
  Address v4 = make_addr("192.0.2.1/24", "br0", RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
  v4.broadcast = ip("192.0.2.255");
  v4.label = "br0";
  Address v6 = make_addr("fe80::1/64", "br0", RT_SCOPE_LINK, 0);
  v6.valid_lft = 100;
  v6.preferred_lft = 50;
  const Address* addrs[] = {&v4, &v6};
  std::string out;
  JsonWriter w(out);
  render_link_addrs_json(w, l, addrs, {});
  REQUIRE(w.complete());
  INFO(out);
  auto v = testjson::parse(out);
  CHECK(v["ifname"].str() == "br0");
  CHECK(v["operstate"].str() == "UP");
  CHECK_FALSE(v.has("linkmode"));  // ip -j addr has no linkmode
  const auto& info = v["addr_info"].array();
  REQUIRE(info.size() == 2);
  CHECK(info[0]["family"].str() == "inet");
  CHECK(info[0]["local"].str() == "192.0.2.1");
  CHECK(info[0]["prefixlen"].num() == 24);
  CHECK(info[0]["broadcast"].str() == "192.0.2.255");
  CHECK(info[0]["scope"].str() == "global");
  CHECK(info[0]["label"].str() == "br0");
  CHECK(info[0]["valid_life_time"].num() == 4294967295.0);
  CHECK_FALSE(info[0].has("dynamic"));
  CHECK(info[1]["family"].str() == "inet6");
  CHECK(info[1]["local"].str() == "fe80::1");
  CHECK(info[1]["prefixlen"].num() == 64);
  CHECK(info[1]["scope"].str() == "link");
  CHECK(info[1]["dynamic"].boolean() == true);
  CHECK(info[1]["valid_life_time"].num() == 100);
  CHECK(info[1]["preferred_life_time"].num() == 50);
  CHECK_FALSE(info[1].has("label"));

  SECTION("no addresses gives an empty addr_info") {
    std::string o2;
    JsonWriter w2(o2);
    render_link_addrs_json(w2, l, {}, {});
    CHECK(testjson::parse(o2)["addr_info"].array().empty());
  }
}

TEST_CASE("render_address_json", "[render][addr]") {
  Address p = make_addr("10.0.0.1/32", "tun0", RT_SCOPE_HOST, IFA_F_PERMANENT | IFA_F_SECONDARY);
  p.peer = ip("10.0.0.2");
  std::string out;
  JsonWriter w(out);
  render_address_json(w, p);
  auto v = testjson::parse(out);
  CHECK(v["local"].str() == "10.0.0.1");
  CHECK(v["address"].str() == "10.0.0.2");
  CHECK(v["prefixlen"].num() == 32);
  CHECK(v["scope"].str() == "host");
  CHECK(v["secondary"].boolean() == true);
}

// --- neighbours ---------------------------------------------------------------

TEST_CASE("render_neigh_text", "[render][neigh]") {
  SECTION("reachable entry") {
    CHECK(neigh_text(reachable()) == "192.0.2.2 dev br0 lladdr 02:00:00:00:00:02 REACHABLE\n");
  }
  SECTION("incomplete entry has no lladdr") {
    Neighbour n;
    n.dev = "br0";
    n.dst = ip("192.0.2.3");
    n.state = NudIncomplete;
    CHECK(neigh_text(n) == "192.0.2.3 dev br0 INCOMPLETE\n");
    n.state = NudFailed;
    CHECK(neigh_text(n) == "192.0.2.3 dev br0 FAILED\n");
  }
  SECTION("IPv6 router") {
    Neighbour n = reachable();
    n.dst = ip("fe80::1");
    n.flags = NTF_ROUTER;
    n.state = NudStale;
    CHECK(neigh_text(n) == "fe80::1 dev br0 lladdr 02:00:00:00:00:02 router STALE\n");
  }
  SECTION("permanent and noarp") {
    Neighbour n = reachable();
    n.state = NudPermanent;
    CHECK(neigh_text(n) == "192.0.2.2 dev br0 lladdr 02:00:00:00:00:02 PERMANENT\n");
    n.state = NudNoarp;
    CHECK(neigh_text(n) == "192.0.2.2 dev br0 lladdr 02:00:00:00:00:02 NOARP\n");
  }
  SECTION("proxy entry has no state") {
    Neighbour n;
    n.dev = "br0";
    n.dst = ip("192.0.2.9");
    n.flags = NTF_PROXY;
    CHECK(neigh_text(n) == "192.0.2.9 dev br0 proxy\n");
  }
  SECTION("details add ages and probes") {
    Neighbour n = reachable();
    n.used_s = 1;
    n.confirmed_s = 2;
    n.updated_s = 3;
    n.probes = 0;
    RenderOptions o;
    o.details = true;
    CHECK(neigh_text(n, o) == "192.0.2.2 dev br0 lladdr 02:00:00:00:00:02 used 1/2/3 probes 0 REACHABLE\n");
    CHECK(neigh_text(n) == "192.0.2.2 dev br0 lladdr 02:00:00:00:00:02 REACHABLE\n");
  }
}

TEST_CASE("render_neigh_json", "[render][neigh]") {
  SECTION("reachable entry") {
    auto v = neigh_json(reachable());
    CHECK(v["dst"].str() == "192.0.2.2");
    CHECK(v["dev"].str() == "br0");
    CHECK(v["lladdr"].str() == "02:00:00:00:00:02");
    REQUIRE(v["state"].is_array());
    CHECK(strings(v["state"]) == std::vector<std::string>{"REACHABLE"});
    CHECK_FALSE(v.has("router"));
    CHECK_FALSE(v.has("proxy"));
  }
  SECTION("incomplete entry has no lladdr key") {
    Neighbour n;
    n.dev = "br0";
    n.dst = ip("2001:db8::9");
    n.state = NudIncomplete;
    auto v = neigh_json(n);
    CHECK(v["dst"].str() == "2001:db8::9");
    CHECK_FALSE(v.has("lladdr"));
    CHECK(strings(v["state"]) == std::vector<std::string>{"INCOMPLETE"});
  }
  SECTION("router flag and several states") {
    Neighbour n = reachable();
    n.flags = NTF_ROUTER;
    n.state = NudStale | NudPermanent;
    auto v = neigh_json(n);
    CHECK(v.has("router"));
    CHECK(v["router"].is_null());
    CHECK(strings(v["state"]) == std::vector<std::string>{"STALE", "PERMANENT"});
  }
  SECTION("proxy entry") {
    Neighbour n;
    n.dev = "br0";
    n.dst = ip("192.0.2.9");
    n.flags = NTF_PROXY;
    auto v = neigh_json(n);
    CHECK(v.has("proxy"));
    CHECK_FALSE(v.has("state"));
  }
  SECTION("details") {
    Neighbour n = reachable();
    n.used_s = 4;
    n.probes = 1;
    RenderOptions o;
    o.details = true;
    auto v = neigh_json(n, o);
    CHECK(v["used"].num() == 4);
    CHECK(v["confirmed"].num() == 0);
    CHECK(v["probes"].num() == 1);
    CHECK_FALSE(neigh_json(n).has("used"));
  }
}

// --- routes -------------------------------------------------------------------

TEST_CASE("render_route_text", "[render][route]") {
  SECTION("static route with gateway and metric") {
    CHECK(route_text(static_route()) == "198.51.100.0/24 via 192.0.2.2 dev br0 proto static metric 10\n");
  }
  SECTION("default route, proto boot is not printed") {
    Route r;
    r.family = Family::Inet;
    r.dst = pfx("0.0.0.0/0");
    r.gateway = ip("192.0.2.1");
    r.dev = "br0";
    r.protocol = RTPROT_BOOT;
    CHECK(route_text(r) == "default via 192.0.2.1 dev br0\n");
    r.protocol = 16;  // dhcp
    r.metric = 100;
    CHECK(route_text(r) == "default via 192.0.2.1 dev br0 proto dhcp metric 100\n");
  }
  SECTION("connected route") {
    Route r;
    r.family = Family::Inet;
    r.dst = pfx("192.0.2.0/24");
    r.dev = "br0";
    r.protocol = RTPROT_KERNEL;
    r.scope = RT_SCOPE_LINK;
    r.prefsrc = ip("192.0.2.1");
    CHECK(route_text(r) == "192.0.2.0/24 dev br0 proto kernel scope link src 192.0.2.1\n");
  }
  SECTION("host routes are printed without /32 or /128") {
    Route r = static_route();
    r.dst = pfx("203.0.113.5/32");
    CHECK(route_text(r) == "203.0.113.5 via 192.0.2.2 dev br0 proto static metric 10\n");
    Route r6;
    r6.family = Family::Inet6;
    r6.dst = pfx("2001:db8::5/128");
    r6.dev = "br0";
    r6.protocol = RTPROT_STATIC;
    CHECK(route_text(r6) == "2001:db8::5 dev br0 proto static\n");
  }
  SECTION("blackhole and unreachable types come first") {
    Route r;
    r.family = Family::Inet;
    r.type = RTN_BLACKHOLE;
    r.dst = pfx("198.51.100.0/24");
    r.protocol = RTPROT_STATIC;
    CHECK(route_text(r) == "blackhole 198.51.100.0/24 proto static\n");
    r.type = RTN_UNREACHABLE;
    r.protocol = RTPROT_BOOT;
    r.metric = 5;
    CHECK(route_text(r) == "unreachable 198.51.100.0/24 metric 5\n");
    r.type = RTN_PROHIBIT;
    CHECK_THAT(route_text(r), StartsWith("prohibit 198.51.100.0/24"));
  }
  SECTION("local table route") {
    Route r;
    r.family = Family::Inet;
    r.type = RTN_LOCAL;
    r.dst = pfx("192.0.2.1/32");
    r.dev = "br0";
    r.table = kTableLocal;
    r.protocol = RTPROT_KERNEL;
    r.scope = RT_SCOPE_HOST;
    r.prefsrc = ip("192.0.2.1");
    CHECK(route_text(r) == "local 192.0.2.1 dev br0 table local proto kernel scope host src 192.0.2.1\n");
  }
  SECTION("other tables by number") {
    Route r = static_route();
    r.table = 100;
    CHECK(route_text(r) == "198.51.100.0/24 via 192.0.2.2 dev br0 table 100 proto static metric 10\n");
  }
  SECTION("multipath nexthops") {
    Route r;
    r.family = Family::Inet;
    r.dst = pfx("0.0.0.0/0");
    r.protocol = RTPROT_STATIC;
    r.metric = 10;
    NextHop a;
    a.gateway = ip("192.0.2.2");
    a.dev = "br0";
    NextHop b;
    b.gateway = ip("198.51.100.2");
    b.dev = "br1";
    b.weight = 2;
    b.flags = RTNH_F_ONLINK;
    r.nexthops = {a, b};
    CHECK(route_text(r) ==
          "default proto static metric 10\n"
          "\tnexthop via 192.0.2.2 dev br0 weight 1\n"
          "\tnexthop via 198.51.100.2 dev br1 weight 2 onlink\n");
  }
  SECTION("IPv6 route with preference, flags and mtu") {
    Route r;
    r.family = Family::Inet6;
    r.dst = pfx("2001:db8:1::/48");
    r.gateway = ip("fe80::1");
    r.dev = "br0";
    r.protocol = RTPROT_STATIC;
    r.metric = 1024;
    r.flags = RTNH_F_ONLINK | RTNH_F_LINKDOWN;
    r.pref = 0;
    r.mtu = 1400;
    // iproute2 prints RTA_METRICS (mtu) before RTA_PREF.
    CHECK(route_text(r) ==
          "2001:db8:1::/48 via fe80::1 dev br0 proto static metric 1024 onlink linkdown mtu 1400 pref medium\n");
    r.mtu.reset();
    CHECK(route_text(r) == "2001:db8:1::/48 via fe80::1 dev br0 proto static metric 1024 onlink linkdown pref medium\n");
    r.pref = 1;
    CHECK_THAT(route_text(r), Contains(" pref high\n"));
    r.pref = 3;
    CHECK_THAT(route_text(r), Contains(" pref low\n"));
    r.family = Family::Inet;  // pref is an IPv6 thing
    CHECK_THAT(route_text(r), !Contains("pref"));
  }
  SECTION("source-specific route and tos") {
    Route r = static_route();
    r.src = pfx("192.0.2.0/25");
    r.tos = 0x10;
    CHECK(route_text(r) ==
          "198.51.100.0/24 from 192.0.2.0/25 tos 0x10 via 192.0.2.2 dev br0 proto static metric 10\n");
  }
  SECTION("details print type, table, proto and scope always, as ip -d route") {
    Route r = static_route();
    r.protocol = RTPROT_BOOT;
    RenderOptions o;
    o.details = true;
    auto text = route_text(r, o);
    CHECK_THAT(text, Contains(" proto boot scope global metric 10\n"));
    // iproute2 (print_route): type when != unicast || show_details, table when
    // != main || show_details.
    CHECK(text == "unicast 198.51.100.0/24 via 192.0.2.2 dev br0 table main proto boot scope global metric 10\n");
  }
}

TEST_CASE("render_route_json", "[render][route]") {
  SECTION("static route") {
    auto v = route_json(static_route());
    CHECK(v["dst"].str() == "198.51.100.0/24");
    CHECK(v["gateway"].str() == "192.0.2.2");
    CHECK(v["dev"].str() == "br0");
    CHECK(v["protocol"].str() == "static");
    CHECK(v["metric"].num() == 10);
    REQUIRE(v["flags"].is_array());
    CHECK(v["flags"].array().empty());
    CHECK_FALSE(v.has("type"));
    CHECK_FALSE(v.has("table"));
    CHECK_FALSE(v.has("scope"));
  }
  SECTION("default, host, type and prefsrc") {
    Route d;
    d.family = Family::Inet;
    d.dst = pfx("0.0.0.0/0");
    d.gateway = ip("192.0.2.1");
    d.dev = "br0";
    d.protocol = RTPROT_BOOT;
    auto v = route_json(d);
    CHECK(v["dst"].str() == "default");
    CHECK_FALSE(v.has("protocol"));

    Route h = static_route();
    h.dst = pfx("203.0.113.5/32");
    CHECK(route_json(h)["dst"].str() == "203.0.113.5");

    Route b;
    b.family = Family::Inet;
    b.type = RTN_BLACKHOLE;
    b.dst = pfx("198.51.100.0/24");
    auto bv = route_json(b);
    CHECK(bv["type"].str() == "blackhole");
    CHECK_FALSE(bv.has("dev"));
    CHECK_FALSE(bv.has("gateway"));

    Route k;
    k.family = Family::Inet;
    k.dst = pfx("192.0.2.0/24");
    k.dev = "br0";
    k.protocol = RTPROT_KERNEL;
    k.scope = RT_SCOPE_LINK;
    k.prefsrc = ip("192.0.2.1");
    k.table = 100;
    auto kv = route_json(k);
    CHECK(kv["protocol"].str() == "kernel");
    CHECK(kv["scope"].str() == "link");
    CHECK(kv["prefsrc"].str() == "192.0.2.1");
    CHECK(kv["table"].str() == "100");
  }
  SECTION("multipath nexthops") {
    Route r;
    r.family = Family::Inet6;
    r.dst = pfx("2001:db8::/32");
    NextHop a;
    a.gateway = ip("fe80::1");
    a.dev = "br0";
    NextHop b;
    b.gateway = ip("fe80::2");
    b.dev = "br1";
    b.weight = 3;
    b.flags = RTNH_F_LINKDOWN;
    r.nexthops = {a, b};
    r.mtu = 1280;
    auto v = route_json(r);
    const auto& hops = v["nexthops"].array();
    REQUIRE(hops.size() == 2);
    CHECK(hops[0]["gateway"].str() == "fe80::1");
    CHECK(hops[0]["dev"].str() == "br0");
    CHECK(hops[0]["weight"].num() == 1);
    CHECK(hops[1]["weight"].num() == 3);
    CHECK(strings(hops[1]["flags"]) == std::vector<std::string>{"linkdown"});
    CHECK(v["metrics"].array()[0]["mtu"].num() == 1280);
  }
}
