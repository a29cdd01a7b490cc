#include "mini_json.hpp"
#include "guest_process.hpp"
#include "netns_fixture.hpp"

#include <netlab/addr.hpp>
#include <netlab/link.hpp>
#include <netlab/route.hpp>
#include <netlab/sysctl.hpp>

#include <cmath>
#include <linux/rtnetlink.h>
#include <unistd.h>

using namespace netlab;
using nltest::ip_addr;
using nltest::ip_ok;
using nltest::name;
using nltest::prefix;

namespace {


// labv0 (192.0.2.1/24, 2001:db8::1/64) <-> labv1, both up.
void routed_lab() {
  nltest::veth_lab();
  ip_ok({"addr", "add", "192.0.2.1/24", "dev", "labv0"});
  ip_ok({"addr", "add", "2001:db8::1/64", "dev", "labv0", "nodad"});
}

}  // namespace

TEST_CASE("route::change adds routes that ip -j route reports the same way", "[route]") {
  nltest::PrivateNetns ns;
  routed_lab();
  route::Spec via;
  via.dst = prefix("198.51.100.0/24");
  via.gateway = ip_addr("192.0.2.2");
  via.metric = 10;
  via.protocol = RTPROT_STATIC;
  REQUIRE_OK(route::change({}, via, route::Mode::Add));
  route::Spec def;
  def.dst = Prefix{ip_addr("0.0.0.0"), 0};
  def.gateway = ip_addr("192.0.2.254");
  REQUIRE_OK(route::change({}, def, route::Mode::Add));
  route::Spec hole;
  hole.type = RTN_BLACKHOLE;
  hole.dst = prefix("203.0.113.0/25");
  REQUIRE_OK(route::change({}, hole, route::Mode::Add));
  route::Spec unreachable;
  unreachable.type = RTN_UNREACHABLE;
  unreachable.dst = prefix("203.0.113.128/25");
  unreachable.table = 100;
  REQUIRE_OK(route::change({}, unreachable, route::Mode::Add));
  route::Spec multi;
  multi.dst = prefix("198.51.100.128/25");
  multi.nexthops = {{ip_addr("192.0.2.2"), "labv0", 1, false}, {ip_addr("192.0.2.3"), "labv0", 3, false}};
  REQUIRE_OK(route::change({}, multi, route::Mode::Add));
  route::Spec v6;
  v6.dst = prefix("2001:db8:99::/48");
  v6.gateway = ip_addr("2001:db8::2");
  REQUIRE_OK(route::change({}, v6, route::Mode::Add));

  route::Filter main4;
  main4.family = Family::Inet;
  auto ours = route::list({}, main4);
  REQUIRE_OK(ours);
  auto ref = testjson::parse(ip_ok({"-j", "route", "show"}));
  REQUIRE(ref.array().size() == ours->size());
  for (std::size_t i = 0; i < ours->size(); ++i) {
    const auto& r = ref.array()[i];
    const Route& o = (*ours)[i];
    std::string dst = o.is_default() ? "default" : o.dst.is_host() ? o.dst.addr().to_string() : o.dst.to_string();
    CHECK(dst == r["dst"].str());
    CHECK(o.dev == (r.has("dev") ? r["dev"].str() : std::string()));
    if (r.has("gateway")) CHECK(o.gateway->to_string() == r["gateway"].str());
    if (r.has("metric")) CHECK(*o.metric == r["metric"].num());
    if (r.has("protocol")) CHECK(o.protocol_name() == r["protocol"].str());
    if (r.has("type")) CHECK(o.type_name() == r["type"].str());
    if (r.has("nexthops")) {
      REQUIRE(o.nexthops.size() == r["nexthops"].array().size());
      for (std::size_t h = 0; h < o.nexthops.size(); ++h) {
        CHECK(o.nexthops[h].gateway->to_string() == r["nexthops"].array()[h]["gateway"].str());
        CHECK(o.nexthops[h].weight == r["nexthops"].array()[h]["weight"].num());
      }
    }
  }
  route::Filter t100;
  t100.table = 100;
  auto in100 = route::list({}, t100);
  REQUIRE(in100->size() == 1);
  CHECK(in100->front().type == RTN_UNREACHABLE);
  route::Filter six;
  six.family = Family::Inet6;
  six.dst = prefix("2001:db8:99::/48");
  auto v6list = route::list({}, six);
  REQUIRE(v6list->size() == 1);
  CHECK(v6list->front().gateway->to_string() == "2001:db8::2");
}

TEST_CASE("route::change replace and delete, with errors that name the route", "[route]") {
  nltest::PrivateNetns ns;
  routed_lab();
  route::Spec s;
  s.dst = prefix("198.51.100.0/24");
  s.gateway = ip_addr("192.0.2.2");
  REQUIRE_OK(route::change({}, s, route::Mode::Add));
  auto dup = route::change({}, s, route::Mode::Add);
  REQUIRE_FALSE(dup.has_value());
  CHECK(dup.error().message().rfind("route 198.51.100.0/24: already exists (use replace)", 0) == 0);
  s.gateway = ip_addr("192.0.2.3");
  REQUIRE_OK(route::change({}, s, route::Mode::Replace));
  CHECK(ip_ok({"route", "show", "198.51.100.0/24"}).find("via 192.0.2.3") != std::string::npos);
  route::Spec del;
  del.dst = prefix("198.51.100.0/24");
  REQUIRE_OK(route::change({}, del, route::Mode::Delete));
  auto gone = route::change({}, del, route::Mode::Delete);
  REQUIRE_FALSE(gone.has_value());
  CHECK(gone.error().kind == Errc::NotFound);
  route::Spec unreachable_gw;
  unreachable_gw.dst = prefix("203.0.113.0/24");
  unreachable_gw.gateway = ip_addr("198.51.100.1");
  auto bad = route::change({}, unreachable_gw, route::Mode::Add);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().sys_errno == ENETUNREACH);
  CHECK_FALSE(bad.error().extack.empty());  // the kernel's own words reach the user
  route::Spec host_bits;
  host_bits.dst = prefix("203.0.113.7/24");
  host_bits.dev = "labv0";
  auto hb = route::change({}, host_bits, route::Mode::Add);
  REQUIRE_FALSE(hb.has_value());
  CHECK(hb.error().exit_status() == 2);
}

TEST_CASE("route::list shows linkdown when the carrier is gone", "[route]") {
  nltest::PrivateNetns ns;
  routed_lab();
  link::Change down;
  down.up = false;
  REQUIRE_OK(link::set({}, name("labv1"), down));  // labv0 loses its carrier
  // The kernel's linkwatch applies carrier changes asynchronously: wait for it.
  for (int i = 0; i < 200 && !link::get({}, "labv0")->no_carrier(); ++i) ::usleep(10000);
  REQUIRE(link::get({}, "labv0")->no_carrier());
  route::Filter f;
  f.family = Family::Inet;
  f.dev = "labv0";
  auto routes = route::list({}, f);
  REQUIRE_OK(routes);
  REQUIRE(routes->size() == 1);
  auto flags = routes->front().flag_names();
  CHECK(std::find(flags.begin(), flags.end(), "linkdown") != flags.end());
  CHECK(ip_ok({"route", "show", "dev", "labv0"}).find("linkdown") != std::string::npos);
}

TEST_CASE("route::get answers as ip route get does", "[route]") {
  nltest::PrivateNetns ns;
  routed_lab();
  ip_ok({"route", "add", "198.51.100.0/24", "via", "192.0.2.2"});
  route::GetQuery q;
  q.dst = ip_addr("198.51.100.9");
  auto r = route::get({}, q);
  REQUIRE_OK(r);
  auto ref = testjson::parse(ip_ok({"-j", "route", "get", "198.51.100.9"})).array().at(0);
  CHECK(r->dev == ref["dev"].str());
  CHECK(r->gateway->to_string() == ref["gateway"].str());
  CHECK(r->prefsrc->to_string() == ref["prefsrc"].str());
  q.dst = ip_addr("203.0.113.1");
  auto none = route::get({}, q);
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().sys_errno == ENETUNREACH);
  CHECK(none.error().object == "route to 203.0.113.1");
}

TEST_CASE("sysctl::read sees this namespace's values", "[sysctl][netns]") {
  nltest::PrivateNetns ns;
  routed_lab();
  ip_ok({"link", "set", "labv0", "up"});
  // Writing our own private namespace's setting is the independent reference here.
  nltest::write_proc("/proc/sys/net/ipv4/conf/labv0/arp_ignore", "2");
  auto v = sysctl::read_conf({}, Family::Inet, "labv0", "arp_ignore");
  REQUIRE_OK(v);
  CHECK(*v == 2);
  CHECK(*sysctl::read_int({}, "ipv4.conf.labv0.arp_ignore") == 2);
  auto missing = sysctl::read({}, "ipv4/conf/nosuchdev/arp_ignore");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().kind == Errc::NotFound);
  CHECK(missing.error().object == "sysctl net.ipv4.conf.nosuchdev.arp_ignore");
  // A named namespace has its own copy: labv0 does not exist there.
  nltest::make_named_netns("labother");
  auto other = sysctl::read_conf(Netns::named("labother").value(), Family::Inet, "labv0", "arp_ignore");
  CHECK_FALSE(other.has_value());
  CHECK(sysctl::read_conf(Netns::named("labother").value(), Family::Inet, "lo", "arp_ignore").has_value());
}

TEST_CASE("route::list reads expires and hoplimit on routes learned from a router advertisement", "[route][ra]") {
  nltest::PrivateNetns ns;
  ip_ok({"link", "add", "labv0", "type", "veth", "peer", "name", "labv1"});
  ip_ok({"link", "set", "labv0", "up"});
  ip_ok({"link", "set", "labv1", "up"});
  // A router on labv1 (netlab's own guest) advertises 2001:db8:5::/64.
  nltest::guestproc::GuestProcess router({"guest", "labv1", "ip6", "auto", "ra", "2001:db8:5::/64", "duration", "30"});
  router.wait_ready(5000);
  const auto ra_default = [] {
    route::Filter f;
    f.family = Family::Inet6;
    f.protocol = RTPROT_RA;
    auto routes = route::list({}, f);
    return routes && !routes->empty();
  };
  REQUIRE(nltest::guestproc::wait_for(ra_default, 8000));
  route::Filter f;
  f.family = Family::Inet6;
  auto routes = route::list({}, f);
  REQUIRE(routes.has_value());
  auto ref = testjson::parse(ip_ok({"-6", "-j", "route", "show"}));
  std::size_t with_expiry = 0;
  for (const auto& r : *routes) {
    const std::string dst = r.is_default() ? "default" : r.dst.to_string();
    const testjson::Value* same = nullptr;
    for (const auto& x : ref.array())
      if (x["dst"].str() == dst && x["dev"].str() == r.dev) same = &x;
    INFO(dst << " dev " << r.dev);
    REQUIRE(same);
    CHECK(r.expires_s.has_value() == same->has("expires"));
    if (r.expires_s) {
      ++with_expiry;
      // Read a moment apart: the kernel's countdown may tick in between.
      CHECK(std::abs(static_cast<double>(*r.expires_s) - (*same)["expires"].num()) <= 2);
    }
    const bool has_hoplimit = same->has("metrics") && (*same)["metrics"].array().at(0).has("hoplimit");
    CHECK(r.hoplimit.has_value() == has_hoplimit);
    if (has_hoplimit && r.hoplimit) CHECK(*r.hoplimit == (*same)["metrics"].array().at(0)["hoplimit"].num());
  }
  CHECK(with_expiry >= 2);  // the default route and the on-link prefix

  // The CLI prints them as ip does: "expires Nsec" and "hoplimit N" in text,
  // "expires" and "metrics":[{"hoplimit":N}] in JSON.
  auto mine = nltest::netlab({"-6", "-j", "route", "show"});
  REQUIRE(mine.status == 0);
  auto mine_json = testjson::parse(mine.out);
  for (const auto& x : ref.array()) {
    INFO(x["dst"].str() << " dev " << x["dev"].str());
    const testjson::Value* same = nullptr;
    for (const auto& y : mine_json.array())
      if (y["dst"].str() == x["dst"].str() && y["dev"].str() == x["dev"].str()) same = &y;
    REQUIRE(same);
    CHECK(same->has("expires") == x.has("expires"));
    if (x.has("expires") && same->has("expires")) CHECK(std::abs((*same)["expires"].num() - x["expires"].num()) <= 2);
    CHECK(same->has("metrics") == x.has("metrics"));
    if (x.has("metrics") && same->has("metrics"))
      CHECK((*same)["metrics"].array().at(0)["hoplimit"].num() == x["metrics"].array().at(0)["hoplimit"].num());
  }
  auto text = nltest::netlab({"-6", "route", "show", "default"});
  REQUIRE(text.status == 0);
  const std::string ip_text = ip_ok({"-6", "route", "show", "default"});
  // Same words once the countdown is masked.
  auto mask = [](std::string t) {
    const auto at = t.find("expires ");
    if (at == std::string::npos) return t;
    const auto end = t.find("sec", at);
    return t.substr(0, at) + "expires N" + (end == std::string::npos ? "" : t.substr(end));
  };
  CHECK(text.out.find("expires ") != std::string::npos);
  CHECK(text.out.find(" hoplimit 64") != std::string::npos);
  CHECK(mask(text.out) == mask(ip_text));
}

TEST_CASE("route -j carries tos as ip -j does", "[route]") {
  nltest::PrivateNetns ns;
  ip_ok({"link", "add", "labv0", "type", "veth", "peer", "name", "labv1"});
  ip_ok({"link", "set", "labv0", "up"});
  ip_ok({"route", "add", "198.51.100.0/24", "tos", "0x04", "dev", "labv0"});
  auto ref = testjson::parse(ip_ok({"-j", "route", "show"})).array().at(0);
  auto mine = nltest::netlab({"-j", "route", "show"});
  REQUIRE(mine.status == 0);
  auto got = testjson::parse(mine.out).array().at(0);
  REQUIRE(got.has("tos"));
  CHECK(got["tos"].str() == ref["tos"].str());
  CHECK(nltest::netlab({"route", "show"}).out.find(" tos 0x04 ") != std::string::npos);
}
