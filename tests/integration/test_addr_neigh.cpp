#include "mini_json.hpp"
#include "netns_fixture.hpp"

#include <netlab/addr.hpp>
#include <netlab/link.hpp>
#include <netlab/neigh.hpp>
#include <netlab/render.hpp>

#include <linux/if_addr.h>

using namespace netlab;
using nltest::ip_addr;
using nltest::ip_ok;
using nltest::name;
using nltest::prefix;


TEST_CASE("addr::add with flags and lifetimes matches ip -j addr", "[addr]") {
  nltest::PrivateNetns ns;
  nltest::veth_lab();
  addr::Spec v4;
  v4.prefix = prefix("192.0.2.1/24");
  v4.dev = name("labv0");
  v4.broadcast_auto = true;
  v4.label = "labv0:lab";
  REQUIRE_OK(addr::add({}, v4));
  addr::Spec v4b = v4;
  v4b.prefix = prefix("192.0.2.2/24");
  v4b.label.clear();
  v4b.valid_lft = 600;
  v4b.preferred_lft = 300;
  REQUIRE_OK(addr::add({}, v4b));  // same subnet: the kernel makes it secondary
  addr::Spec v6;
  v6.prefix = prefix("2001:db8:1::1/64");
  v6.dev = name("labv0");
  v6.flags = IFA_F_NODAD | IFA_F_NOPREFIXROUTE;
  REQUIRE_OK(addr::add({}, v6));

  addr::Filter f;
  f.dev = "labv0";
  auto ours = addr::list({}, f);
  REQUIRE_OK(ours);
  auto ref = testjson::parse(ip_ok({"-j", "addr", "show", "dev", "labv0"}));
  const auto& infos = ref.array().at(0)["addr_info"].array();
  REQUIRE(infos.size() == ours->size());
  for (std::size_t i = 0; i < infos.size(); ++i) {
    const auto& r = infos[i];
    const auto& a = (*ours)[i];
    CHECK(a.local.addr().to_string() == r["local"].str());
    CHECK(a.local.len() == r["prefixlen"].num());
    CHECK(scope_name(a.scope) == r["scope"].str());
    CHECK(std::string(family_name(a.family())) == r["family"].str());
    for (const auto& flag : a.flag_names()) {
      INFO("flag " << flag << " on " << a.local.to_string());
      CHECK(r.has(flag));
    }
    if (r.has("broadcast")) CHECK(a.broadcast->to_string() == r["broadcast"].str());
    if (r.has("label")) CHECK(a.label == r["label"].str());
  }
  const Address& second = (*ours)[1];
  CHECK((second.flags & IFA_F_SECONDARY));
  CHECK(second.valid_lft <= 600);
  CHECK(second.valid_lft > 590);
  CHECK(second.preferred_lft <= 300);
  CHECK((*ours)[0].broadcast->to_string() == "192.0.2.255");
  CHECK((*ours)[0].label == "labv0:lab");
  const Address& six = (*ours)[2];
  CHECK((six.flags & IFA_F_NODAD));
  CHECK((six.flags & IFA_F_NOPREFIXROUTE));
}

TEST_CASE("addr::add refuses a duplicate and a bad label without changing anything", "[addr]") {
  nltest::PrivateNetns ns;
  nltest::veth_lab();
  addr::Spec s;
  s.prefix = prefix("198.51.100.1/24");
  s.dev = name("labv0");
  REQUIRE_OK(addr::add({}, s));
  std::string before = ip_ok({"-j", "addr", "show"});
  auto dup = addr::add({}, s);
  REQUIRE_FALSE(dup.has_value());
  CHECK(dup.error().message().rfind("address 198.51.100.1/24 on labv0: already assigned", 0) == 0);
  s.label = "other";
  auto bad = addr::add({}, s);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().exit_status() == 2);
  CHECK(ip_ok({"-j", "addr", "show"}) == before);
  REQUIRE_OK(addr::replace({}, addr::Spec{s.prefix, s.dev, {}, false, "", {}, 100, 50, 0}));
}

TEST_CASE("addr::remove and addr::flush", "[addr]") {
  nltest::PrivateNetns ns;
  nltest::veth_lab();
  for (const char* p : {"203.0.113.1/24", "203.0.113.2/24", "2001:db8:2::1/64"}) {
    addr::Spec s;
    s.prefix = prefix(p);
    s.dev = name("labv0");
    s.flags = s.prefix.addr().is_v6() ? IFA_F_NODAD : 0;
    REQUIRE_OK(addr::add({}, s));
  }
  REQUIRE_OK(addr::remove({}, prefix("2001:db8:2::1/64"), name("labv0")));
  auto gone = addr::remove({}, prefix("2001:db8:2::1/64"), name("labv0"));
  REQUIRE_FALSE(gone.has_value());
  CHECK(gone.error().kind == Errc::NotFound);
  addr::Filter f;
  f.dev = "labv0";
  f.family = Family::Inet;
  auto removed = addr::flush({}, f);
  REQUIRE_OK(removed);
  CHECK(*removed >= 1);  // the secondary may go with its primary
  CHECK(addr::list({}, f)->empty());
  CHECK(ip_ok({"-4", "addr", "show", "dev", "labv0"}).find("inet ") == std::string::npos);
}

TEST_CASE("neigh::add, replace, list with NOARP, proxy and router entries", "[neigh]") {
  nltest::PrivateNetns ns;
  nltest::veth_lab();
  neigh::Spec s;
  s.dst = ip_addr("192.0.2.2");
  s.dev = name("labv0");
  s.lladdr = MacAddr::parse("02:00:5e:00:53:02").value();
  REQUIRE_OK(neigh::add({}, s));
  auto dup = neigh::add({}, s);
  REQUIRE_FALSE(dup.has_value());
  CHECK(dup.error().sys_errno == EEXIST);
  s.state = NudReachable;
  s.router = true;
  REQUIRE_OK(neigh::add({}, s, neigh::Mode::Replace));
  neigh::Spec v6;
  v6.dst = ip_addr("2001:db8::2");
  v6.dev = name("labv0");
  v6.lladdr = MacAddr::parse("02:00:5e:00:53:06").value();
  v6.router = true;
  REQUIRE_OK(neigh::add({}, v6));
  neigh::Spec noarp;
  noarp.dst = ip_addr("192.0.2.9");
  noarp.dev = name("labv0");
  noarp.state = NudNoarp;
  noarp.lladdr = MacAddr::parse("02:00:5e:00:53:09").value();
  REQUIRE_OK(neigh::add({}, noarp));
  neigh::Spec proxy;
  proxy.dst = ip_addr("192.0.2.77");
  proxy.dev = name("labv0");
  proxy.proxy = true;
  REQUIRE_OK(neigh::add({}, proxy));

  // Default listing hides NOARP entries, as ip neigh does; kAllStates shows them.
  auto shown = neigh::list({});
  REQUIRE_OK(shown);
  auto ref = testjson::parse(ip_ok({"-j", "neigh", "show"}));
  REQUIRE(ref.array().size() == shown->size());
  for (std::size_t i = 0; i < shown->size(); ++i) {
    const auto& r = ref.array()[i];
    const auto& n = (*shown)[i];
    CHECK(n.dst.to_string() == r["dst"].str());
    CHECK(n.dev == r["dev"].str());
    if (r.has("lladdr")) CHECK(hw_addr_string(n.lladdr) == r["lladdr"].str());
    CHECK(nud_state_names(n.state) == r["state"].array().at(0).str());
    CHECK(n.is_router() == r.has("router"));
  }
  neigh::Filter all;
  all.states = neigh::kAllStates;
  auto everything = neigh::list({}, all);
  REQUIRE_OK(everything);
  CHECK(everything->size() == shown->size() + 1);
  CHECK(std::any_of(everything->begin(), everything->end(),
                    [](const Neighbour& n) { return n.state == NudNoarp && n.dst.to_string() == "192.0.2.9"; }));
  neigh::Filter proxies;
  proxies.proxy = true;
  auto p = neigh::list({}, proxies);
  REQUIRE_OK(p);
  REQUIRE(p->size() == 1);
  CHECK(p->front().dst.to_string() == "192.0.2.77");
  CHECK(ip_ok({"neigh", "show", "proxy"}).find("192.0.2.77") != std::string::npos);
}

TEST_CASE("neigh::remove and neigh::flush keep permanent entries unless asked", "[neigh]") {
  nltest::PrivateNetns ns;
  nltest::veth_lab();
  for (auto [ip, state] : {std::pair{"192.0.2.2", NudPermanent}, std::pair{"192.0.2.3", NudStale},
                           std::pair{"192.0.2.4", NudReachable}}) {
    neigh::Spec s;
    s.dst = ip_addr(ip);
    s.dev = name("labv0");
    s.lladdr = MacAddr::parse("02:00:5e:00:53:02").value();
    s.state = state;
    REQUIRE_OK(neigh::add({}, s));
  }
  neigh::Filter f;
  f.dev = "labv0";
  f.states = neigh::kFlushStates;
  auto n = neigh::flush({}, f);
  REQUIRE_OK(n);
  CHECK(*n == 2);
  auto left = neigh::list({});
  REQUIRE(left->size() == 1);
  CHECK(left->front().dst.to_string() == "192.0.2.2");
  REQUIRE_OK(neigh::remove({}, ip_addr("192.0.2.2"), name("labv0")));
  auto again = neigh::remove({}, ip_addr("192.0.2.2"), name("labv0"));
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().message().rfind("neighbour 192.0.2.2 dev labv0: no such entry", 0) == 0);
  CHECK(ip_ok({"neigh", "show", "nud", "all"}).find("192.0.2.") == std::string::npos);
}
