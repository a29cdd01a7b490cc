// How findings relate to each other, and causes a recipe's forgotten step
// leaves: C52 interface-down (the interface, its bridge or a port left
// down), one finding per cause and fix (the same cause reached twice), and
// findings another fault's mechanism explains (ruled out, not reported
// beside it). Each lab is built with ip in a private namespace; each fix
// printed is applied and the lab diagnosed again (lab::check_cause,
// cause_lab.hpp).
#include "cause_lab.hpp"

#include <algorithm>

using namespace std::chrono_literals;
namespace lab = nltest::lab;
using lab::contains;
using lab::field;
using lab::require_ping_works;
using nltest::ip_ok;
using testjson::Value;

namespace {

// The diagnosis's faults are exactly `causes`, in any order.
void require_faults(const lab::Diagnosis& d, std::vector<std::string> causes) {
  INFO(d.describe());
  auto got = d.fault_causes();
  std::sort(got.begin(), got.end());
  std::sort(causes.begin(), causes.end());
  CHECK(got == causes);
}

std::size_t count_cause(const lab::Diagnosis& d, std::string_view cause) {
  std::size_t n = 0;
  for (const auto& f : d.findings())
    if (field(f, "cause") == cause) ++n;
  return n;
}

// The check the diagnosis lists for `cause`: "ruled out: explained by ...".
std::string check_detail(const lab::Diagnosis& d, std::string_view cause) {
  for (const auto& c : (*d.json)["checked"].array())
    if (field(c, "cause") == cause) return field(c, "result") + ": " + field(c, "detail");
  return "";
}

}  // namespace

TEST_CASE("arp diagnose: C52 interface-down finds a routed TAP a recipe never set up, its guest running") {
  nltest::PrivateNetns lab_ns;
  ip_ok({"tuntap", "add", "dev", "uml52", "mode", "tap"});
  ip_ok({"addr", "add", "192.0.2.81/28", "dev", "uml52"});
  auto guest = lab::start_guest({"uml52", "ip", "192.0.2.82/28", "mac", "02:52:00:00:00:82"});
  // The lab fails as described: no route, nothing to capture.
  REQUIRE_FALSE(lab::ping("192.0.2.82"));
  REQUIRE(nltest::run({"timeout", "3", "tcpdump", "-c", "1", "-i", "uml52"}).status == 1);

  lab::check_cause({
      .iface = "uml52", .target = "192.0.2.82",
      .cause = "interface-down", .id = "C52",
      .checks = [](const lab::Diagnosis& d, const Value& f) {
        require_faults(d, {"interface-down"});
        CHECK(lab::has_about(f, "link", "uml52"));
      },
      .after_fix = [] { require_ping_works("192.0.2.82"); },
  });
}

TEST_CASE("arp diagnose: C52 interface-down finds a kernel guest's bridge port left down") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm;
  ip_ok({"link", "add", "lxcbr52", "type", "bridge"});
  ip_ok({"link", "set", "lxcbr52", "up"});
  ip_ok({"addr", "add", "198.51.100.161/27", "dev", "lxcbr52"});
  // A second port that works, so the bridge itself has carrier.
  ip_ok({"tuntap", "add", "dev", "other52", "mode", "tap"});
  ip_ok({"link", "set", "other52", "master", "lxcbr52"});
  ip_ok({"link", "set", "other52", "up"});
  auto other = lab::start_guest({"other52", "ip", "198.51.100.170/27", "mac", "02:52:00:00:01:70"});
  ip_ok({"link", "add", "veth52", "type", "veth", "peer", "name", "eth0", "netns", vm.path()});
  ip_ok({"link", "set", "veth52", "master", "lxcbr52"});  // never set up
  vm.ip_ok({"link", "set", "eth0", "up"});
  vm.ip_ok({"addr", "add", "198.51.100.162/27", "dev", "eth0"});
  REQUIRE_FALSE(lab::ping("198.51.100.162"));

  lab::check_cause({
      .iface = "lxcbr52", .target = "198.51.100.162",
      .cause = "interface-down", .id = "C52",
      .expect = lab::Expect::FaultAmong,
      .checks = [](const lab::Diagnosis& d, const Value& f) {
        CHECK(lab::has_about(f, "link", "veth52"));
        CHECK(count_cause(d, "no-carrier") == 0);
      },
      .after_fix = [] { require_ping_works("198.51.100.162"); },
  });
}

TEST_CASE("arp diagnose: C52 interface-down finds the bridge itself down, asked about its port") {
  nltest::PrivateNetns lab_ns;
  ip_ok({"link", "add", "virbr52", "type", "bridge"});
  ip_ok({"addr", "add", "203.0.113.65/26", "dev", "virbr52"});
  ip_ok({"tuntap", "add", "dev", "vnet52", "mode", "tap"});
  ip_ok({"link", "set", "vnet52", "master", "virbr52"});
  ip_ok({"link", "set", "vnet52", "up"});
  auto guest = lab::start_guest({"vnet52", "ip", "203.0.113.66/26", "mac", "02:52:00:00:00:66"});
  REQUIRE_FALSE(lab::ping("203.0.113.66"));

  lab::check_cause({
      .iface = "virbr52", .target = "203.0.113.66",
      .cause = "interface-down", .id = "C52",
      .checks = [](const lab::Diagnosis&, const Value& f) { CHECK(lab::has_about(f, "link", "virbr52")); },
      .after_fix = [] { require_ping_works("203.0.113.66"); },
  });
}

TEST_CASE("arp diagnose: a healthy lab reads ok beside a spare port left down (info only)") {
  nltest::PrivateNetns lab_ns;
  ip_ok({"link", "add", "labbr52", "type", "bridge"});
  ip_ok({"link", "set", "labbr52", "up"});
  ip_ok({"addr", "add", "192.0.2.161/27", "dev", "labbr52"});
  ip_ok({"tuntap", "add", "dev", "tapok52", "mode", "tap"});
  ip_ok({"link", "set", "tapok52", "master", "labbr52"});
  ip_ok({"link", "set", "tapok52", "up"});
  ip_ok({"tuntap", "add", "dev", "spare52", "mode", "tap"});
  ip_ok({"link", "set", "spare52", "master", "labbr52"});
  auto guest = lab::start_guest({"tapok52", "ip", "192.0.2.170/27", "mac", "02:52:00:00:01:71"});
  require_ping_works("192.0.2.170");
  auto d = lab::diagnose("labbr52", "192.0.2.170");
  lab::require_ok(d);
  CHECK(count_cause(d, "interface-down") <= 1);
}

TEST_CASE("arp diagnose without a target reports a cause met twice as one finding with both pieces of evidence") {
  nltest::PrivateNetns lab_ns;
  // The MirageOS recipe's mistake: the host address on the TAP port.
  ip_ok({"link", "add", "mirbr0", "type", "bridge"});
  ip_ok({"tuntap", "add", "dev", "mirtap7", "mode", "tap"});
  ip_ok({"link", "set", "mirtap7", "master", "mirbr0"});
  ip_ok({"link", "set", "mirbr0", "up"});
  ip_ok({"link", "set", "mirtap7", "up"});
  ip_ok({"addr", "add", "198.51.100.1/24", "dev", "mirtap7"});
  auto guest = lab::start_guest({"mirtap7", "ip", "198.51.100.7/24", "mac", "02:7e:00:00:00:07"});
  REQUIRE_FALSE(lab::ping("198.51.100.7"));
  REQUIRE(lab::neigh_unresolved("198.51.100.7", "mirtap7"));

  lab::check_cause({
      .iface = "mirtap7", .target = "",
      .cause = "ip-on-bridge-port", .id = "C01",
      .expect = lab::Expect::FaultAmong,
      .checks = [](const lab::Diagnosis& d, const Value& f) {
        CHECK(count_cause(d, "ip-on-bridge-port") == 1);
        // The static check's evidence (the address) and the failing entry's (the
        // guest's reply on the port) in one finding.
        CHECK(lab::has_evidence(f, "address", [](const Value& e) { return field(e, "interface") == "mirtap7"; }));
        CHECK(lab::has_packet(f, "mirtap7", {"Reply", "is-at"}));
      },
      .after_fix = [] { require_ping_works("198.51.100.7"); },
      // Asked about every entry of the port, which no longer holds the address.
      .diagnose_after_fix = false,
  });
}

TEST_CASE("arp diagnose: NOARP on a bridge with a TAP guest is the one fault, a filter ruled out as explained") {
  nltest::PrivateNetns lab_ns;
  ip_ok({"link", "add", "noarpbr", "type", "bridge"});
  ip_ok({"link", "set", "noarpbr", "up"});
  ip_ok({"link", "set", "dev", "noarpbr", "arp", "off"});
  ip_ok({"addr", "add", "203.0.113.129/25", "dev", "noarpbr"});
  ip_ok({"tuntap", "add", "dev", "noarptap", "mode", "tap"});
  ip_ok({"link", "set", "noarptap", "master", "noarpbr"});
  ip_ok({"link", "set", "noarptap", "up"});
  auto guest = lab::start_guest({"noarptap", "ip", "203.0.113.130/25", "mac", "02:20:00:00:01:30"});
  REQUIRE_FALSE(lab::ping("203.0.113.130"));

  lab::check_cause({
      .iface = "noarpbr", .target = "203.0.113.130",
      .cause = "noarp-interface", .id = "C20",
      .checks = [](const lab::Diagnosis& d, const Value&) {
        require_faults(d, {"noarp-interface"});
        const std::string filter = check_detail(d, "bridge-filter-drops-arp");
        INFO(filter);
        CHECK(contains(filter, "ruled out"));
      },
      .after_fix = [] { require_ping_works("203.0.113.130"); },
  });
}
