// `netlab arp diagnose` against labs broken at the IPv4 layer: addresses,
// routes and the ARP-related sysctls. Same method as test_diag_arp_l2.cpp:
// build the lab, prove the failure with reference tools, check the
// diagnosis, apply its fix, check that the path works and the diagnosis says
// "ok" (lab::check_cause, cause_lab.hpp). The causes and their ids:
// /work/shared/diagnosis/CAUSES.md.
#include "cause_lab.hpp"

#include <optional>
#include <string>
#include <vector>

using namespace std::chrono_literals;
namespace lab = nltest::lab;
using lab::contains;
using lab::field;
using lab::require_ping_works;
using lab::text_has;
using nltest::ip_ok;
using testjson::Value;

namespace {

std::string route_get(const std::string& addr) { return ip_ok({"route", "get", addr}); }

// Icmp InEchos of a namespace, from /proc/net/snmp (a header line of names,
// then a line of values).
long icmp_in_echos(const nltest::lab::PeerNetns& ns) {
  std::string snmp = ns.read_proc("/proc/net/snmp");
  std::vector<std::vector<std::string>> icmp_lines;
  std::size_t at = 0;
  while (at < snmp.size()) {
    std::size_t end = snmp.find('\n', at);
    if (end == std::string::npos) end = snmp.size();
    std::string line = snmp.substr(at, end - at);
    at = end + 1;
    if (line.rfind("Icmp: ", 0) != 0) continue;
    std::vector<std::string> words;
    std::size_t w = 0;
    while (w < line.size()) {
      std::size_t sp = line.find(' ', w);
      if (sp == std::string::npos) sp = line.size();
      if (sp > w) words.push_back(line.substr(w, sp - w));
      w = sp + 1;
    }
    icmp_lines.push_back(words);
  }
  REQUIRE(icmp_lines.size() >= 2);
  for (std::size_t i = 0; i < icmp_lines[0].size() && i < icmp_lines[1].size(); ++i)
    if (icmp_lines[0][i] == "InEchos") return std::stol(icmp_lines[1][i]);
  FAIL("no Icmp InEchos in /proc/net/snmp");
  return -1;
}

}  // namespace

TEST_CASE("arp diagnose: C02 host-owns-target-address finds the kernel guest's address on the host bridge too") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm2;
  ip_ok({"link", "add", "lanbr2", "type", "bridge"});
  ip_ok({"link", "set", "lanbr2", "up"});
  lab::veth_to(vm2, "vm2", "lanbr2", "ens3");
  ip_ok({"addr", "add", "198.51.100.1/24", "dev", "lanbr2"});
  ip_ok({"addr", "add", "198.51.100.20/24", "dev", "lanbr2"});  // the mistake: the guest's address
  vm2.ip_ok({"addr", "add", "198.51.100.20/24", "dev", "ens3"});

  // ping "works", but the host answers itself: the guest never sees it.
  REQUIRE(lab::ping("198.51.100.20"));
  REQUIRE(route_get("198.51.100.20").rfind("local ", 0) == 0);
  REQUIRE(icmp_in_echos(vm2) == 0);

  lab::check_cause({
      .iface = "lanbr2", .target = "198.51.100.20",
      .cause = "host-owns-target-address", .id = "C02",
      .checks = [](const lab::Diagnosis&, const Value& f) {
        CHECK((lab::has_evidence(f, "route", text_has("local")) ||
               lab::has_evidence(f, "address", [](const Value& e) {
                 return contains(field(e, "address"), "198.51.100.20");
               })));
      },
      .after_fix = [&] {
        REQUIRE(route_get("198.51.100.20").rfind("local ", 0) != 0);
        require_ping_works("198.51.100.20");
        REQUIRE(icmp_in_echos(vm2) > 0);
      },
  });
}

TEST_CASE("arp diagnose: C04 route-via-other-interface finds the lab subnet also routed to the home LAN") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns home;
  // The home LAN came first, with the same /24 the lab uses.
  lab::veth_to(home, "homelan");
  ip_ok({"addr", "add", "203.0.113.200/24", "dev", "homelan"});
  home.ip_ok({"addr", "add", "203.0.113.254/24", "dev", "eth0"});
  ip_ok({"link", "add", "virbr4", "type", "bridge"});
  ip_ok({"link", "set", "virbr4", "up"});
  ip_ok({"tuntap", "add", "dev", "vnet4", "mode", "tap"});
  ip_ok({"link", "set", "vnet4", "master", "virbr4"});
  ip_ok({"link", "set", "vnet4", "up"});
  ip_ok({"addr", "add", "203.0.113.1/24", "dev", "virbr4"});
  auto guest = lab::start_guest({"vnet4", "ip", "203.0.113.44/24", "mac", "02:04:00:00:00:44"});

  REQUIRE(contains(route_get("203.0.113.44"), "dev homelan"));
  REQUIRE_FALSE(lab::ping("203.0.113.44"));
  REQUIRE(lab::neigh_unresolved("203.0.113.44", "homelan"));

  lab::check_cause({
      .iface = "virbr4", .target = "203.0.113.44",
      .cause = "route-via-other-interface", .id = "C04",
      .checks = [](const lab::Diagnosis&, const Value& f) {
        CHECK(lab::has_evidence(f, "route", text_has("homelan")));
      },
      .after_fix = [] {
        REQUIRE(contains(route_get("203.0.113.44"), "dev virbr4"));
        require_ping_works("203.0.113.44");
      },
  });
}

TEST_CASE("arp diagnose: C10 arp-ignore finds the bridge ignoring requests for the host's uplink address") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm10, lan10;
  lab::veth_to(lan10, "up10");
  ip_ok({"addr", "add", "203.0.113.10/24", "dev", "up10"});
  lan10.ip_ok({"addr", "add", "203.0.113.254/24", "dev", "eth0"});
  ip_ok({"link", "add", "rtbr10", "type", "bridge"});
  ip_ok({"link", "set", "rtbr10", "up"});
  ip_ok({"addr", "add", "198.51.100.129/25", "dev", "rtbr10"});
  lab::veth_to(vm10, "vm10", "rtbr10");
  vm10.ip_ok({"addr", "add", "198.51.100.130/25", "dev", "eth0"});
  // The guest uses the host's main address as its on-link gateway.
  vm10.ip_ok({"route", "add", "default", "via", "203.0.113.10", "dev", "eth0", "onlink"});
  // Only on the bridge: the effective value is max(all, rtbr10) = 1.
  nltest::write_proc("/proc/sys/net/ipv4/conf/rtbr10/arp_ignore", "1");

  {
    auto cap = lab::start_capture("rtbr10", {"arp"});
    REQUIRE_FALSE(lab::ping("203.0.113.10", {}, &vm10));
    bool asked = cap.wait_stdout("who-has 203.0.113.10", 2s);
    INFO(cap.describe());
    REQUIRE(asked);
    REQUIRE_FALSE(contains(cap.out(), "Reply 203.0.113.10"));
  }
  lab::Background traffic({"ping", "-n", "-i", "0.5", "203.0.113.10"}, &vm10);

  lab::check_cause({
      .iface = "rtbr10", .target = "203.0.113.10",
      .cause = "arp-ignore", .id = "C10",
      .checks = [](const lab::Diagnosis&, const Value& f) { CHECK(lab::has_sysctl(f, "arp_ignore", "1")); },
      .after_fix = [&] { require_ping_works("203.0.113.10", &vm10); },
  });
}

// The hosting-provider recipe: guests with public /32 addresses routed to
// the bridge, each with "default via GW onlink". arp_ignore=2 answers only
// senders inside the subnet of the address asked for, and a /32 guest is in
// none: the host stays silent while the value looks harmless.
TEST_CASE("arp diagnose: C10 arp-ignore finds arp_ignore=2 silencing routed /32 guests with an onlink gateway") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vps1;
  ip_ok({"link", "add", "hostbr2", "type", "bridge"});
  ip_ok({"link", "set", "hostbr2", "up"});
  ip_ok({"addr", "add", "192.0.2.1/26", "dev", "hostbr2"});
  lab::veth_to(vps1, "vps1", "hostbr2");
  ip_ok({"route", "add", "198.51.100.77/32", "dev", "hostbr2"});
  vps1.ip_ok({"addr", "add", "198.51.100.77/32", "dev", "eth0"});
  vps1.ip_ok({"route", "add", "default", "via", "192.0.2.1", "dev", "eth0", "onlink"});
  nltest::write_proc("/proc/sys/net/ipv4/conf/all/arp_ignore", "2");

  REQUIRE_FALSE(lab::ping("192.0.2.1", {}, &vps1));
  // One lab, two ways to find the cause: a row each, the same fix and check.
  std::optional<lab::Background> traffic;
  lab::CauseCase row{
      .iface = "hostbr2", .target = "192.0.2.1",
      .cause = "arp-ignore", .id = "C10",
      .after_fix = [&] {
        traffic.reset();
        require_ping_works("192.0.2.1", &vps1);
      },
  };
  SECTION("the guest keeps asking while netlab watches") {
    traffic.emplace(std::vector<std::string>{"ping", "-n", "-i", "0.5", "192.0.2.1"}, &vps1);
    row.checks = [](const lab::Diagnosis&, const Value& f) {
      CHECK(lab::has_sysctl(f, "arp_ignore", "2"));
      CHECK(contains(field(f, "summary"), "198.51.100.77"));
      CHECK(lab::has_packet(f, "hostbr2", {"who-has 192.0.2.1 tell 198.51.100.77"}));
    };
  }
  SECTION("no traffic: the routed guest's host route alone says who would ask") {
    row.checks = [](const lab::Diagnosis&, const Value& f) {
      CHECK(lab::has_evidence(f, "route", text_has("198.51.100.77")));
    };
  }
  lab::check_cause(row);
}

TEST_CASE("arp diagnose: arp_ignore=2 with guests inside the bridge's subnet reads ok") {
  nltest::PrivateNetns lab_ns;
  ip_ok({"link", "add", "okbr2", "type", "bridge"});
  ip_ok({"link", "set", "okbr2", "up"});
  ip_ok({"addr", "add", "203.0.113.1/28", "dev", "okbr2"});
  ip_ok({"tuntap", "add", "dev", "oktap2", "mode", "tap"});
  ip_ok({"link", "set", "oktap2", "master", "okbr2"});
  ip_ok({"link", "set", "oktap2", "up"});
  nltest::write_proc("/proc/sys/net/ipv4/conf/okbr2/arp_ignore", "2");
  auto guest = lab::start_guest({"oktap2", "ip", "203.0.113.2/28", "mac", "02:0a:00:00:00:02"});
  require_ping_works("203.0.113.2");
  lab::require_ok(lab::diagnose("okbr2", "203.0.113.1"));
  lab::require_ok(lab::diagnose("okbr2", "203.0.113.2"));
}

// Co-occurring causes: the stale host route that makes the reverse-path check
// fail for the guest's requests (C11) also sends the host's own traffic for
// the guest out of the other link (C04), where the host asks with a source
// from another link (C12). All are faults of this one lab, so the test asks
// for C11 among the fault findings, not necessarily first, and applies C11's
// fix (delete the stale route), which must clear them all.
TEST_CASE("arp diagnose: C11 reverse-path-filter finds requests dropped by rp_filter over a stale host route") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm11, old11;
  ip_ok({"link", "add", "labbr11", "type", "bridge"});
  ip_ok({"link", "set", "labbr11", "up"});
  ip_ok({"addr", "add", "198.51.100.161/28", "dev", "labbr11"});
  lab::veth_to(vm11, "tap11", "labbr11");
  vm11.ip_ok({"addr", "add", "198.51.100.170/28", "dev", "eth0"});
  // A UML-style host route left over from the guest's previous life on oldvm11.
  lab::veth_to(old11, "oldvm11");
  ip_ok({"route", "add", "198.51.100.170/32", "dev", "oldvm11"});
  nltest::write_proc("/proc/sys/net/ipv4/conf/all/rp_filter", "1");

  {
    auto cap = lab::start_capture("labbr11", {"arp"});
    REQUIRE_FALSE(lab::ping("198.51.100.161", {}, &vm11));
    bool asked = cap.wait_stdout("who-has 198.51.100.161 tell 198.51.100.170", 2s);
    INFO(cap.describe());
    REQUIRE(asked);
    REQUIRE_FALSE(contains(cap.out(), "Reply 198.51.100.161"));
  }
  lab::Background traffic({"ping", "-n", "-i", "0.5", "198.51.100.161"}, &vm11);

  lab::check_cause({
      .iface = "labbr11", .target = "198.51.100.170",
      .cause = "reverse-path-filter", .id = "C11",
      .expect = lab::Expect::FaultAmong,
      .checks = [](const lab::Diagnosis&, const Value& f) { CHECK(lab::has_sysctl(f, "rp_filter", "1")); },
      .after_fix = [&] {
        require_ping_works("198.51.100.161", &vm11);
        require_ping_works("198.51.100.170");
      },
  });
}

TEST_CASE("arp diagnose: C12 offlink-arp-source finds requests from an address the Linux guest cannot route back") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm12, lan12;
  lab::veth_to(lan12, "wan12");
  ip_ok({"addr", "add", "203.0.113.5/24", "dev", "wan12"});
  lan12.ip_ok({"addr", "add", "203.0.113.254/24", "dev", "eth0"});
  // The UML/QEMU "host route" recipe without an address on the guest's link.
  lab::veth_to(vm12, "qvm12", "", "ens4");
  ip_ok({"route", "add", "198.51.100.12/32", "dev", "qvm12"});
  vm12.ip_ok({"addr", "add", "198.51.100.12/24", "dev", "ens4"});
  vm12.write_proc("/proc/sys/net/ipv4/conf/all/rp_filter", "2");  // the Debian/Ubuntu default

  {
    auto cap = lab::start_capture("qvm12", {"arp"});
    REQUIRE_FALSE(lab::ping("198.51.100.12"));
    bool asked = cap.wait_stdout("who-has 198.51.100.12 tell 203.0.113.5", 2s);
    INFO(cap.describe());
    REQUIRE(asked);
    REQUIRE_FALSE(contains(cap.out(), "Reply 198.51.100.12"));
    REQUIRE(lab::neigh_unresolved("198.51.100.12", "qvm12"));
  }

  lab::check_cause({
      .iface = "qvm12", .target = "198.51.100.12",
      .cause = "offlink-arp-source", .id = "C12",
      .checks = [](const lab::Diagnosis&, const Value& f) {
        CHECK(lab::has_packet(f, "qvm12", {"who-has 198.51.100.12", "tell 203.0.113.5"}));
      },
      .guest_steps = lab::GuestSteps::UnlessHostStep,
      // the guest side: a way back
      .guest_fix = [&] { vm12.ip_ok({"route", "add", "203.0.113.5/32", "dev", "ens4"}); },
      .after_fix = [] { require_ping_works("198.51.100.12"); },
  });
}

TEST_CASE("arp diagnose: C13 proxy-arp-without-forwarding finds the UML proxy_arp recipe with forwarding off") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns uml, lan13;
  lab::veth_to(lan13, "ext13");
  ip_ok({"addr", "add", "198.51.100.1/24", "dev", "ext13"});
  lan13.ip_ok({"addr", "add", "198.51.100.30/24", "dev", "eth0"});
  lab::veth_to(uml, "uml13");
  ip_ok({"route", "add", "198.51.100.77/32", "dev", "uml13"});
  uml.ip_ok({"addr", "add", "198.51.100.77/24", "dev", "eth0"});
  uml.ip_ok({"route", "add", "default", "via", "198.51.100.1"});
  nltest::write_proc("/proc/sys/net/ipv4/conf/uml13/proxy_arp", "1");
  nltest::write_proc("/proc/sys/net/ipv4/conf/ext13/proxy_arp", "1");
  nltest::write_proc("/proc/sys/net/ipv4/ip_forward", "0");

  {
    auto cap = lab::start_capture("uml13", {"arp"});
    REQUIRE_FALSE(lab::ping("198.51.100.30", {}, &uml));
    bool asked = cap.wait_stdout("who-has 198.51.100.30 tell 198.51.100.77", 2s);
    INFO(cap.describe());
    REQUIRE(asked);
    REQUIRE_FALSE(contains(cap.out(), "Reply 198.51.100.30"));
  }
  lab::Background traffic({"ping", "-n", "-i", "0.5", "198.51.100.30"}, &uml);

  lab::check_cause({
      .iface = "uml13", .target = "198.51.100.30",
      .cause = "proxy-arp-without-forwarding", .id = "C13",
      .checks = [](const lab::Diagnosis&, const Value& f) { CHECK(lab::has_sysctl(f, "forward", "0")); },
      .after_fix = [&] { require_ping_works("198.51.100.30", &uml); },
  });
}

TEST_CASE("arp diagnose: C15 target-not-configured finds the kernel guest living on another address") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm15;
  ip_ok({"link", "add", "lxcbr15", "type", "bridge"});
  ip_ok({"link", "set", "lxcbr15", "up"});
  ip_ok({"addr", "add", "192.0.2.1/24", "dev", "lxcbr15"});
  lab::veth_to(vm15, "veth15", "lxcbr15", "eth1");
  // The host expects 192.0.2.22; the guest was configured with .23.
  vm15.ip_ok({"addr", "add", "192.0.2.23/24", "dev", "eth1"});
  const std::string guest_mac = lab::mac_of("eth1", &vm15);
  lab::Background traffic({"ping", "-n", "-i", "0.5", "192.0.2.1"}, &vm15);  // the guest is alive and talks

  REQUIRE_FALSE(lab::ping("192.0.2.22"));
  REQUIRE(lab::neigh_unresolved("192.0.2.22", "lxcbr15"));
  REQUIRE(lab::wait_for([&] { return lab::neigh_lladdr("192.0.2.23", "lxcbr15") == guest_mac; }, 3s));

  lab::check_cause({
      .iface = "lxcbr15", .target = "192.0.2.22",
      .cause = "target-not-configured", .id = "C15",
      .checks = [](const lab::Diagnosis&, const Value& f) {
        CHECK(lab::has_evidence(f, "", text_has("192.0.2.23")));  // names the address the guest really has
      },
      // The guest side of the fix: configure the address the host expects.
      .guest_fix = [&] {
        vm15.ip_ok({"addr", "del", "192.0.2.23/24", "dev", "eth1"});
        vm15.ip_ok({"addr", "add", "192.0.2.22/24", "dev", "eth1"});
      },
      .after_fix = [] { require_ping_works("192.0.2.22"); },
  });
}

TEST_CASE("arp diagnose: C20 noarp-interface finds ARP switched off on a routed veth") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm20;
  lab::veth_to(vm20, "gw20", "", "net0");
  ip_ok({"link", "set", "dev", "gw20", "arp", "off"});
  ip_ok({"addr", "add", "203.0.113.97/28", "dev", "gw20"});
  vm20.ip_ok({"addr", "add", "203.0.113.100/28", "dev", "net0"});
  const std::string own_mac = lab::mac_of("gw20");

  REQUIRE_FALSE(lab::ping("203.0.113.100"));
  REQUIRE(lab::neigh_state("203.0.113.100", "gw20") == "NOARP");
  REQUIRE(lab::neigh_lladdr("203.0.113.100", "gw20") == own_mac);  // frames go to ourselves

  lab::check_cause({
      .iface = "gw20", .target = "203.0.113.100",
      .cause = "noarp-interface", .id = "C20",
      .checks = [](const lab::Diagnosis& d, const Value& f) {
        CHECK(d.fault_causes() == std::vector<std::string>{"noarp-interface"});  // nothing it explains beside it
        CHECK(lab::has_about(f, "link", "gw20"));
      },
      .after_fix = [] { require_ping_works("203.0.113.100"); },
  });
}

// ---- healthy labs: no fault --------------------------------------------------

TEST_CASE("arp diagnose: healthy routed TAP with a unikernel reports no fault") {
  nltest::PrivateNetns lab_ns;
  ip_ok({"tuntap", "add", "dev", "uk0", "mode", "tap"});
  ip_ok({"link", "set", "uk0", "up"});
  ip_ok({"addr", "add", "198.51.100.249/30", "dev", "uk0"});
  auto guest = lab::start_guest({"uk0", "ip", "198.51.100.250/30", "mac", "02:0c:00:00:02:50"});
  require_ping_works("198.51.100.250");

  lab::require_resolved(lab::diagnose("uk0", "198.51.100.250"), "02:0c:00:00:02:50");
}

TEST_CASE("arp diagnose: healthy veth pair to a kernel guest reports no fault") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm;
  lab::veth_to(vm, "okpair0");
  ip_ok({"addr", "add", "203.0.113.253/30", "dev", "okpair0"});
  vm.ip_ok({"addr", "add", "203.0.113.254/30", "dev", "eth0"});
  const std::string mac = lab::mac_of("eth0", &vm);
  require_ping_works("203.0.113.254");

  lab::require_resolved(lab::diagnose("okpair0", "203.0.113.254"), mac);
}
