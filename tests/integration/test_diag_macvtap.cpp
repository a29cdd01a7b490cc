// C54 macvtap-host-isolation: a guest on a macvtap (libvirt's "direct"
// interface) or a macvlan of the host's own NIC is reachable from the LAN
// but never from the host through that NIC. Labs: a veth stands for the NIC,
// its peer namespace for the LAN; the guest is `netlab guest` on the macvtap
// or macvlan device with that device's MAC (as QEMU's NIC on a macvtap).
#include "cause_lab.hpp"

using namespace std::chrono_literals;
namespace lab = nltest::lab;
using lab::contains;
using lab::field;
using nltest::ip_ok;
using testjson::Value;

namespace {

// A macvtap's character device is /dev/tapIFINDEX in the host's one
// devtmpfs: two namespaces with a macvtap at the same ifindex collide, so
// each test's macvtap gets an index of its own.

// nic: the host's NIC (a veth) with `host_cidr`, its peer a LAN station.
void build_nic(lab::PeerNetns& lan, const std::string& nic, const std::string& host_cidr, const std::string& lan_cidr) {
  lab::veth_to(lan, nic);
  ip_ok({"addr", "add", host_cidr, "dev", nic});
  lan.ip_ok({"addr", "add", lan_cidr, "dev", "eth0"});
}

lab::Background guest_on(const std::string& dev, const std::string& cidr) {
  ip_ok({"link", "set", dev, "up"});
  return lab::start_guest({dev, "ip", cidr, "mac", lab::mac_of(dev)});
}

void require_reachable_from_lan_only(const std::string& guest_ip, const lab::PeerNetns& lan) {
  bool lan_ok = lab::wait_for([&] { return lab::ping(guest_ip, {}, &lan); }, 5s);
  INFO("the LAN reaches the guest: the guest is up");
  REQUIRE(lan_ok);
  REQUIRE_FALSE(lab::ping(guest_ip));
}

}  // namespace

TEST_CASE("arp diagnose: C54 macvtap-host-isolation finds a guest on a macvtap of the host's NIC") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns lan;
  build_nic(lan, "enp54", "192.0.2.1/24", "192.0.2.200/24");
  ip_ok({"link", "add", "link", "enp54", "name", "macvtap54", "index", "5054", "type", "macvtap", "mode", "bridge"});
  auto guest = guest_on("macvtap54", "192.0.2.54/24");
  require_reachable_from_lan_only("192.0.2.54", lan);

  // The guest talks while netlab watches (a booting guest's ARP, its pings).
  lab::Background chatter({"ping", "-n", "-i", "0.3", "192.0.2.54"}, &lan);
  // The fix gives the host a macvlan of its own, hostmvIFINDEX, and moves
  // its address there: the interface to ask once it is applied.
  const auto nic_index = static_cast<long>(lab::link_json("enp54")["ifindex"].num());
  lab::check_cause({
      .iface = "enp54", .target = "192.0.2.54",
      .cause = "macvtap-host-isolation", .id = "C54",
      .checks = [&](const lab::Diagnosis& d, const Value& f) {
        CHECK(lab::has_about(f, "link", "macvtap54"));
        CHECK(lab::has_packet(f, "macvtap54", {"192.0.2.54"}));
        CHECK(d.finding("target-not-configured") == nullptr);
        chatter.stop();  // the guest's traffic was for the diagnosis; the fix is tested without it
      },
      .after_fix = [&] {
        bool host_ok = lab::wait_for([] { return lab::ping("192.0.2.54"); }, 5s);
        CHECK(host_ok);
        CHECK(lab::ping("192.0.2.54", {}, &lan));
      },
      .ok_iface = "hostmv" + std::to_string(nic_index),
  });
}

TEST_CASE("arp diagnose: C54 finds a guest on a private-mode macvlan of a NIC, with no traffic to go on") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns lan;
  build_nic(lan, "eno7", "203.0.113.1/25", "203.0.113.100/25");
  ip_ok({"link", "add", "link", "eno7", "name", "mvguest7", "type", "macvlan", "mode", "private"});
  auto guest = guest_on("mvguest7", "203.0.113.7/25");
  require_reachable_from_lan_only("203.0.113.7", lan);

  // The finding only: the fix is the one the test above applies.
  lab::find_cause({
      .iface = "eno7", .target = "203.0.113.7",
      .cause = "macvtap-host-isolation", .id = "C54",
      .checks = [](const lab::Diagnosis&, const Value& f) {
        CHECK(lab::has_about(f, "link", "mvguest7"));
        CHECK(contains(field(f, "summary"), "mode private"));
      },
  });
}

TEST_CASE("arp diagnose: a LAN station beside a macvtap on the same NIC reads ok") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns lan;
  build_nic(lan, "enp55", "198.51.100.1/24", "198.51.100.200/24");
  ip_ok({"link", "add", "link", "enp55", "name", "macvtap55", "index", "5055", "type", "macvtap", "mode", "bridge"});
  auto guest = guest_on("macvtap55", "198.51.100.55/24");
  REQUIRE(lab::wait_for([] { return lab::ping("198.51.100.200"); }, 5s));
  auto d = lab::diagnose("enp55", "198.51.100.200");
  lab::require_ok(d);
  CHECK(d.finding("macvtap-host-isolation") == nullptr);
}
