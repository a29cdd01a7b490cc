// arp diagnose on routed guests reached by proxy ARP, the UML and QEMU
// HOWTOs' recipe: the LAN interface answers for the guest's address (a proxy
// entry, `arp -Ds ADDR eth0 pub`, or proxy_arp on it), a host route sends the
// guest's address down the TAP, and ip_forward joins the two. A working proxy
// must read ok, in either form and for either kind of guest, and no fix may
// take away the route it depends on; a proxy without forwarding is C13.
#include "cause_lab.hpp"

using namespace std::chrono_literals;
namespace lab = nltest::lab;
using lab::contains;
using lab::field;
using nltest::ip_ok;

namespace {

enum class ProxyForm { Entry, Flag };

// The LAN: lan0 (198.51.100.1/24) to a peer at 198.51.100.10/24. The guest
// 198.51.100.253 sits behind `guest_if` (192.0.2.x style /32 on the host
// side: 198.51.100.254/32), reached by a host route.
void build_recipe(lab::PeerNetns& lan, const std::string& guest_if, ProxyForm form, bool forwarding = true) {
  lab::veth_to(lan, "lan0");
  ip_ok({"addr", "add", "198.51.100.1/24", "dev", "lan0"});
  lan.ip_ok({"addr", "add", "198.51.100.10/24", "dev", "eth0"});
  ip_ok({"addr", "add", "198.51.100.254/32", "dev", guest_if});
  ip_ok({"route", "add", "198.51.100.253/32", "dev", guest_if});
  nltest::write_proc("/proc/sys/net/ipv4/conf/" + guest_if + "/proxy_arp", "1");
  if (form == ProxyForm::Entry)
    REQUIRE(nltest::netlab({"neigh", "add", "proxy", "198.51.100.253", "dev", "lan0"}).status == 0);
  else
    nltest::write_proc("/proc/sys/net/ipv4/conf/lan0/proxy_arp", "1");
  nltest::write_proc("/proc/sys/net/ipv4/ip_forward", forwarding ? "1" : "0");
}

void require_lan_reaches_guest(const lab::PeerNetns& lan) {
  bool works = lab::wait_for([&] { return lab::ping("198.51.100.253", {}, &lan); }, 6s);
  INFO("ping 198.51.100.253 from the LAN peer");
  REQUIRE(works);
}

void require_no_route_fix(const lab::Diagnosis& d) {
  for (const auto& f : d.findings())
    for (const auto& step : f["fix"].array()) {
      INFO(field(f, "cause") << ": " << field(step, "netlab") << " / " << field(step, "iproute2"));
      CHECK_FALSE(contains(field(step, "netlab"), "route"));
      CHECK_FALSE(contains(field(step, "iproute2"), "route"));
    }
}

}  // namespace

TEST_CASE("arp diagnose: the UML proxy recipe with a proxy entry and a TAP guest reads ok on both sides") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns lan;
  ip_ok({"tuntap", "add", "dev", "umltap0", "mode", "tap"});
  ip_ok({"link", "set", "umltap0", "up"});
  auto guest = lab::start_guest(
      {"umltap0", "ip", "198.51.100.253/24", "gateway", "198.51.100.254", "mac", "02:0d:00:00:02:53"});
  build_recipe(lan, "umltap0", ProxyForm::Entry);
  require_lan_reaches_guest(lan);

  auto d = lab::diagnose("lan0", "198.51.100.253");
  lab::require_ok(d);
  require_no_route_fix(d);
  CHECK(d.finding("route-via-other-interface") == nullptr);
  std::string notes;
  for (const auto& n : (*d.json)["notes"].array()) notes += n.str() + "\n";
  CHECK(contains(notes, "a proxy entry for 198.51.100.253 on lan0"));
  // The guest's side: the host answers the guest by proxy for the LAN.
  lab::require_ok(lab::diagnose("umltap0", "198.51.100.10"));
  require_lan_reaches_guest(lan);  // and nothing above changed that
}

TEST_CASE("arp diagnose: the proxy recipe with proxy_arp on the LAN side and a kernel guest on a veth reads ok") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns lan, vm;
  lab::veth_to(vm, "umlv0", "", "eth0");
  vm.ip_ok({"addr", "add", "198.51.100.253/24", "dev", "eth0"});
  vm.ip_ok({"route", "add", "default", "via", "198.51.100.254", "dev", "eth0", "onlink"});
  build_recipe(lan, "umlv0", ProxyForm::Flag);
  require_lan_reaches_guest(lan);
  auto d = lab::diagnose("lan0", "198.51.100.253");
  lab::require_ok(d);
  require_no_route_fix(d);
  lab::require_ok(lab::diagnose("umlv0", "198.51.100.10"));
}

TEST_CASE("arp diagnose: a proxy entry and a kernel guest read ok, and the entry is what keeps it working") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns lan, vm;
  lab::veth_to(vm, "umlv1", "", "eth0");
  vm.ip_ok({"addr", "add", "198.51.100.253/24", "dev", "eth0"});
  vm.ip_ok({"route", "add", "default", "via", "198.51.100.254", "dev", "eth0", "onlink"});
  build_recipe(lan, "umlv1", ProxyForm::Entry);
  require_lan_reaches_guest(lan);
  lab::require_ok(lab::diagnose("lan0", "198.51.100.253"));
  // The route the old C04 fix replaced is what the proxy depends on:
  // without the entry, the LAN loses the guest (the lab is not ok by luck).
  REQUIRE(nltest::netlab({"neigh", "del", "proxy", "198.51.100.253", "dev", "lan0"}).status == 0);
  lan.ip_ok({"neigh", "flush", "dev", "eth0"});
  CHECK_FALSE(lab::ping("198.51.100.253", {}, &lan));
}

TEST_CASE("arp diagnose: C13 proxy-arp-without-forwarding finds a proxy entry with ip_forward off") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns lan;
  ip_ok({"tuntap", "add", "dev", "umltap3", "mode", "tap"});
  ip_ok({"link", "set", "umltap3", "up"});
  auto guest = lab::start_guest(
      {"umltap3", "ip", "198.51.100.253/24", "gateway", "198.51.100.254", "mac", "02:0d:00:00:03:53"});
  build_recipe(lan, "umltap3", ProxyForm::Entry, false);
  REQUIRE_FALSE(lab::ping("198.51.100.253", {}, &lan));

  lab::Background asking({"ping", "-n", "-i", "0.4", "198.51.100.253"}, &lan);
  lab::check_cause({
      .iface = "lan0", .target = "198.51.100.253",
      .cause = "proxy-arp-without-forwarding", .id = "C13",
      .checks = [](const lab::Diagnosis& d, const testjson::Value& f) {
        require_no_route_fix(d);
        CHECK(lab::has_evidence(f, "neighbour", lab::text_has("proxy")));
      },
      .after_fix = [&] {
        asking.stop();
        require_lan_reaches_guest(lan);
      },
  });
}
