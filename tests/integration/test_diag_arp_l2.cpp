// `netlab arp diagnose` against labs broken at layer 2: bridges, ports, STP,
// firewalls on the bridge, guest NICs. Each test builds its own lab in a
// private namespace (guests: `netlab guest` on a TAP = a userspace stack,
// or a veth end in a second namespace = the kernel's stack), proves with
// reference tools (ping, ip, bridge, tcpdump, arping, nft) that the lab
// really fails the way the cause says, then checks the diagnosis (exit 3,
// verdict "fault", the cause first, its key evidence), applies the fix it
// prints and checks that the path works again (reference tool + diagnosis
// "ok", exit 0): that cycle is a row for lab::check_cause (cause_lab.hpp).
// The causes and their ids: /work/shared/diagnosis/CAUSES.md.
#include "cause_lab.hpp"

#include <optional>

using namespace std::chrono_literals;
namespace lab = nltest::lab;
using lab::contains;
using lab::field;
using lab::require_ping_works;
using lab::text_has;
using nltest::ip_ok;
using testjson::Value;

namespace {

// Waits until a bridge port forwards (STP off: at once; on: after 2 x forward delay).
void require_forwarding(const std::string& port, lab::Millis timeout) {
  bool forwarding = lab::wait_for([&] { return lab::port_state(port) == "forwarding"; }, timeout);
  INFO(port << " is " << lab::port_state(port));
  REQUIRE(forwarding);
}

}  // namespace

TEST_CASE("arp diagnose: C01 ip-on-bridge-port finds the host address on the TAP port of a Xen-style bridge") {
  nltest::PrivateNetns lab_ns;
  ip_ok({"link", "add", "xenbr1", "type", "bridge"});
  ip_ok({"tuntap", "add", "dev", "vif3.0", "mode", "tap"});
  ip_ok({"link", "set", "vif3.0", "master", "xenbr1"});
  ip_ok({"link", "set", "xenbr1", "up"});
  ip_ok({"link", "set", "vif3.0", "up"});
  ip_ok({"addr", "add", "203.0.113.1/24", "dev", "vif3.0"});  // the mistake: on the port
  auto guest = lab::start_guest({"vif3.0", "ip", "203.0.113.9/24", "mac", "02:5e:01:00:00:09"});

  // The lab fails as described: the guest's reply is on the port, the
  // kernel's entry on the port never resolves.
  {
    auto cap = lab::start_capture("vif3.0", {"arp"});
    REQUIRE_FALSE(lab::ping("203.0.113.9"));
    bool reply_seen = cap.wait_stdout("Reply 203.0.113.9 is-at 02:5e:01:00:00:09", 2s);
    INFO(cap.describe());
    REQUIRE(reply_seen);
    REQUIRE(lab::neigh_unresolved("203.0.113.9", "vif3.0"));
  }

  lab::check_cause({
      .iface = "vif3.0", .target = "203.0.113.9",
      .cause = "ip-on-bridge-port", .id = "C01",
      .checks = [](const lab::Diagnosis&, const Value& f) {
        CHECK(lab::has_packet(f, "vif3.0", {"Reply", "is-at"}));
        CHECK(lab::has_neighbour(f, "203.0.113.9", {"INCOMPLETE", "FAILED"}));
        CHECK(lab::has_evidence(f, "address", [](const Value& e) {
          return contains(field(e, "address"), "203.0.113.1") && field(e, "interface") == "vif3.0";
        }));
      },
      .after_fix = [] {
        REQUIRE_FALSE(contains(ip_ok({"-4", "addr", "show", "dev", "vif3.0"}), "inet "));
        require_ping_works("203.0.113.9");
      },
      // The address now lives on the bridge: that is the interface to diagnose.
      .ok_iface = "xenbr1",
  });
}

TEST_CASE("arp diagnose: C03 duplicate-guest-address finds a TAP guest and a veth guest with one address") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm32;
  ip_ok({"link", "add", "kvmbr3", "type", "bridge"});
  ip_ok({"link", "set", "kvmbr3", "up"});
  ip_ok({"addr", "add", "192.0.2.129/25", "dev", "kvmbr3"});
  ip_ok({"tuntap", "add", "dev", "vnet31", "mode", "tap"});
  ip_ok({"link", "set", "vnet31", "master", "kvmbr3"});
  ip_ok({"link", "set", "vnet31", "up"});
  lab::veth_to(vm32, "vnet32", "kvmbr3");
  vm32.ip_ok({"addr", "add", "192.0.2.133/25", "dev", "eth0"});
  const std::string kernel_mac = lab::mac_of("eth0", &vm32);
  std::optional<lab::Background> unikernel;
  unikernel.emplace(lab::start_guest({"vnet31", "ip", "192.0.2.133/25", "mac", "02:03:00:00:00:31"}));

  // arping -d: exit 1 means answers from two different MACs (-w 1: all answers within a second).
  {
    auto r = nltest::run({"arping", "-d", "-c", "1", "-w", "1", "-i", "kvmbr3", "192.0.2.133"});
    INFO(r.out << r.err);
    REQUIRE(r.status == 1);
    REQUIRE(contains(r.out, "02:03:00:00:00:31"));
    REQUIRE(contains(r.out, kernel_mac));
  }

  lab::check_cause({
      .iface = "kvmbr3", .target = "192.0.2.133",
      .cause = "duplicate-guest-address", .id = "C03",
      .checks = [&](const lab::Diagnosis&, const Value& f) {
        CHECK(lab::has_packet(f, "", {"is-at 02:03:00:00:00:31"}));
        CHECK(lab::has_packet(f, "", {"is-at " + kernel_mac}));
      },
      .guest_steps = lab::GuestSteps::Required,  // only a guest can give up the address
      // The guest side of the fix: the kernel guest takes another address; the
      // unikernel restarts so that its gratuitous ARP corrects the host's cache.
      .guest_fix = [&] {
        vm32.ip_ok({"addr", "del", "192.0.2.133/25", "dev", "eth0"});
        vm32.ip_ok({"addr", "add", "192.0.2.134/25", "dev", "eth0"});
        unikernel.reset();
        unikernel.emplace(lab::start_guest({"vnet31", "ip", "192.0.2.133/25", "mac", "02:03:00:00:00:31"}));
      },
      .after_fix = [&] {
        auto r = nltest::run({"arping", "-d", "-c", "1", "-w", "1", "-i", "kvmbr3", "192.0.2.133"});
        INFO(r.out << r.err);
        REQUIRE(r.status == 0);
        REQUIRE_FALSE(contains(r.out, kernel_mac));
        require_ping_works("192.0.2.133");
      },
  });
}

TEST_CASE("arp diagnose: C05 no-carrier finds a routed TAP that no guest has opened") {
  nltest::PrivateNetns lab_ns;
  ip_ok({"tuntap", "add", "dev", "qemu5", "mode", "tap"});
  ip_ok({"link", "set", "qemu5", "up"});
  ip_ok({"addr", "add", "198.51.100.129/26", "dev", "qemu5"});

  REQUIRE_FALSE(lab::has_carrier("qemu5"));
  REQUIRE_FALSE(lab::ping("198.51.100.130"));
  REQUIRE(lab::neigh_unresolved("198.51.100.130", "qemu5"));

  std::optional<lab::Background> guest;
  lab::check_cause({
      .iface = "qemu5", .target = "198.51.100.130",
      .cause = "no-carrier", .id = "C05",
      .checks = [](const lab::Diagnosis&, const Value& f) { CHECK(lab::has_about(f, "link", "qemu5")); },
      // The fix is to start the guest on that TAP (as QEMU's -netdev tap,ifname=qemu5 would).
      .guest_fix = [&] {
        guest.emplace(lab::start_guest({"qemu5", "ip", "198.51.100.130/26", "mac", "02:05:00:00:00:82"}));
      },
      .after_fix = [] {
        REQUIRE(lab::wait_for([] { return lab::has_carrier("qemu5"); }, 3s));
        require_ping_works("198.51.100.130");
      },
  });
}

TEST_CASE("arp diagnose: C06 port-not-in-bridge finds a running guest's TAP left outside the bridge") {
  nltest::PrivateNetns lab_ns;
  ip_ok({"link", "add", "vmbr6", "type", "bridge"});
  ip_ok({"link", "set", "vmbr6", "up"});
  ip_ok({"addr", "add", "192.0.2.1/26", "dev", "vmbr6"});
  ip_ok({"tuntap", "add", "dev", "tap6a", "mode", "tap"});
  ip_ok({"tuntap", "add", "dev", "tap6b", "mode", "tap"});
  ip_ok({"link", "set", "tap6a", "master", "vmbr6"});
  ip_ok({"link", "set", "tap6a", "up"});
  ip_ok({"link", "set", "tap6b", "up"});  // never enslaved: the ifup script "failed"
  auto other = lab::start_guest({"tap6a", "ip", "192.0.2.3/26", "mac", "02:06:00:00:00:03"});
  auto guest = lab::start_guest({"tap6b", "ip", "192.0.2.2/26", "mac", "02:06:00:00:00:02"});

  {
    auto on_tap = lab::start_capture("tap6b", {"arp"});
    REQUIRE_FALSE(lab::ping("192.0.2.2"));
    REQUIRE(lab::has_carrier("tap6b"));
    REQUIRE_FALSE(lab::link_json("tap6b").has("master"));
    REQUIRE(lab::neigh_unresolved("192.0.2.2", "vmbr6"));
    INFO(on_tap.describe());
    REQUIRE_FALSE(contains(on_tap.out(), "who-has 192.0.2.2"));
  }

  lab::check_cause({
      .iface = "vmbr6", .target = "192.0.2.2",
      .cause = "port-not-in-bridge", .id = "C06",
      .checks = [](const lab::Diagnosis&, const Value& f) { CHECK(lab::has_about(f, "link", "tap6b")); },
      .after_fix = [] {
        REQUIRE(lab::link_json("tap6b").has("master"));
        require_forwarding("tap6b", 3s);
        require_ping_works("192.0.2.2");
      },
  });
}

TEST_CASE("arp diagnose: C07 stp-port-not-forwarding finds a new port still in the STP forward delay") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm7;
  // forward_delay 30 s: the port is listening, then learning, for a minute.
  ip_ok({"link", "add", "stpbr7", "type", "bridge", "stp_state", "1", "forward_delay", "3000"});
  ip_ok({"link", "set", "stpbr7", "up"});
  ip_ok({"addr", "add", "203.0.113.65/28", "dev", "stpbr7"});
  lab::veth_to(vm7, "kvm7", "stpbr7", "enp0s3");
  vm7.ip_ok({"addr", "add", "203.0.113.70/28", "dev", "enp0s3"});

  {
    auto state = lab::port_state("kvm7");
    INFO("kvm7 is " << state);
    REQUIRE((state == "listening" || state == "learning"));
    REQUIRE_FALSE(lab::ping("203.0.113.70"));
    REQUIRE(lab::neigh_unresolved("203.0.113.70", "stpbr7"));
  }

  lab::check_cause({
      .iface = "stpbr7", .target = "203.0.113.70",
      .cause = "stp-port-not-forwarding", .id = "C07",
      .checks = [](const lab::Diagnosis&, const Value& f) { CHECK(lab::has_about(f, "link", "kvm7")); },
      .after_fix = [] {
        require_forwarding("kvm7", 5s);
        require_ping_works("203.0.113.70");
      },
  });
}

TEST_CASE("arp diagnose: C08 port-disabled finds a port BPDU guard disabled under a guest sending BPDUs") {
  nltest::PrivateNetns lab_ns;
  // Kernel STP (guard acts only then), short forward delay, and a bridge
  // priority that keeps this bridge the root whatever the guest's BPDUs say.
  ip_ok({"link", "add", "grdbr8", "type", "bridge", "stp_state", "1", "forward_delay", "200", "priority", "4096"});
  ip_ok({"link", "set", "grdbr8", "up"});
  ip_ok({"addr", "add", "192.0.2.65/27", "dev", "grdbr8"});
  ip_ok({"tuntap", "add", "dev", "vm8tap", "mode", "tap"});
  ip_ok({"link", "set", "vm8tap", "master", "grdbr8"});
  ip_ok({"link", "set", "dev", "vm8tap", "type", "bridge_slave", "guard", "on"});  // bridge link ... guard on
  ip_ok({"link", "set", "vm8tap", "up"});
  std::optional<lab::Background> guest;
  guest.emplace(lab::start_guest({"vm8tap", "ip", "192.0.2.66/27", "mac", "02:08:00:00:00:66", "bpdu"}));

  {
    bool disabled = lab::wait_for([] { return lab::port_state("vm8tap") == "disabled"; }, 6s);
    INFO("vm8tap is " << lab::port_state("vm8tap") << "\n" << guest->describe());
    REQUIRE(disabled);
    REQUIRE(lab::has_carrier("vm8tap"));  // disabled although the link is up
    REQUIRE_FALSE(lab::ping("192.0.2.66"));
    REQUIRE(lab::neigh_unresolved("192.0.2.66", "grdbr8"));
    REQUIRE(lab::port_state("vm8tap") == "disabled");  // and it stays so
  }

  lab::check_cause({
      .iface = "grdbr8", .target = "192.0.2.66",
      .cause = "port-disabled", .id = "C08",
      .checks = [](const lab::Diagnosis&, const Value& f) { CHECK(lab::has_about(f, "link", "vm8tap")); },
      .guest_steps = lab::GuestSteps::UnlessHostStep,
      // "Stop STP inside the guest": the same guest without BPDUs.
      .guest_fix = [&] {
        guest.reset();
        guest.emplace(lab::start_guest({"vm8tap", "ip", "192.0.2.66/27", "mac", "02:08:00:00:00:66"}));
      },
      .after_fix = [] {
        require_forwarding("vm8tap", 8s);
        require_ping_works("192.0.2.66");
      },
  });
}

TEST_CASE("arp diagnose: C09 port-isolated finds two isolated ports between kernel guests") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm_a, vm_b;
  ip_ok({"link", "add", "isobr9", "type", "bridge"});
  ip_ok({"link", "set", "isobr9", "up"});
  ip_ok({"addr", "add", "198.51.100.193/27", "dev", "isobr9"});
  lab::veth_to(vm_a, "vnetA9", "isobr9");
  lab::veth_to(vm_b, "vnetB9", "isobr9");
  vm_a.ip_ok({"addr", "add", "198.51.100.201/27", "dev", "eth0"});
  vm_b.ip_ok({"addr", "add", "198.51.100.202/27", "dev", "eth0"});
  ip_ok({"link", "set", "dev", "vnetA9", "type", "bridge_slave", "isolated", "on"});
  ip_ok({"link", "set", "dev", "vnetB9", "type", "bridge_slave", "isolated", "on"});

  REQUIRE(lab::ping("198.51.100.193", {}, &vm_a));       // guest to host works
  REQUIRE_FALSE(lab::ping("198.51.100.202", {}, &vm_a));  // guest to guest does not
  REQUIRE(lab::neigh_state("198.51.100.202", "eth0", &vm_a) != "REACHABLE");
  // The failing traffic is the guests' own: keep it running while diagnosing.
  lab::Background traffic({"ping", "-n", "-i", "0.5", "198.51.100.202"}, &vm_a);

  lab::check_cause({
      .iface = "isobr9", .target = "198.51.100.202",
      .cause = "port-isolated", .id = "C09",
      .checks = [](const lab::Diagnosis&, const Value& f) {
        CHECK((lab::has_about(f, "link", "vnetA9") || lab::has_about(f, "link", "vnetB9")));
      },
      .after_fix = [&] { require_ping_works("198.51.100.202", &vm_a); },
  });
}

TEST_CASE("arp diagnose: C14 malformed-reply finds a unikernel replying to the wrong Ethernet address") {
  nltest::PrivateNetns lab_ns;
  ip_ok({"tuntap", "add", "dev", "mir14", "mode", "tap"});
  ip_ok({"link", "set", "mir14", "up"});
  ip_ok({"addr", "add", "192.0.2.161/27", "dev", "mir14"});
  std::optional<lab::Background> guest;
  guest.emplace(lab::start_guest(
      {"mir14", "ip", "192.0.2.162/27", "mac", "02:14:00:00:00:62", "reply-dst", "02:14:00:00:00:99"}));

  {
    auto cap = lab::start_capture("mir14", {"arp"});
    REQUIRE_FALSE(lab::ping("192.0.2.162"));
    bool seen = cap.wait_stdout("02:14:00:00:00:62 > 02:14:00:00:00:99", 2s);
    INFO(cap.describe());
    REQUIRE(seen);
    REQUIRE(contains(cap.out(), "Reply 192.0.2.162 is-at 02:14:00:00:00:62"));
    REQUIRE(lab::neigh_unresolved("192.0.2.162", "mir14"));
  }

  lab::check_cause({
      .iface = "mir14", .target = "192.0.2.162",
      .cause = "malformed-reply", .id = "C14",
      .checks = [](const lab::Diagnosis&, const Value& f) {
        CHECK(lab::has_packet(f, "mir14", {"02:14:00:00:00:99", "Reply"}));
      },
      .guest_steps = lab::GuestSteps::Required,  // the real fix is in the guest's stack
      .guest_fix = [&] {
        guest.reset();
        guest.emplace(lab::start_guest({"mir14", "ip", "192.0.2.162/27", "mac", "02:14:00:00:00:62"}));
      },
      .after_fix = [] { require_ping_works("192.0.2.162"); },
  });
}

TEST_CASE("arp diagnose: C16 invalid-guest-mac finds a unikernel with a multicast MAC") {
  nltest::PrivateNetns lab_ns;
  ip_ok({"link", "add", "mirbr16", "type", "bridge"});
  ip_ok({"tuntap", "add", "dev", "mirtap16", "mode", "tap"});
  ip_ok({"link", "set", "mirtap16", "master", "mirbr16"});
  ip_ok({"link", "set", "mirbr16", "up"});
  ip_ok({"link", "set", "mirtap16", "up"});
  ip_ok({"addr", "add", "198.51.100.1/24", "dev", "mirbr16"});
  std::optional<lab::Background> guest;
  // 07:... has the I/G bit set: Xen and QEMU accept it, the bridge drops its frames.
  guest.emplace(lab::start_guest({"mirtap16", "ip", "198.51.100.16/24", "mac", "07:16:00:00:00:16"}));

  {
    auto on_port = lab::start_capture("mirtap16", {"arp"});
    auto on_bridge = lab::start_capture("mirbr16", {"arp"});
    REQUIRE_FALSE(lab::ping("198.51.100.16"));
    bool seen = on_port.wait_stdout("Reply 198.51.100.16 is-at 07:16:00:00:00:16", 2s);
    INFO(on_port.describe() << "\n" << on_bridge.describe());
    REQUIRE(seen);
    REQUIRE_FALSE(contains(on_bridge.out(), "Reply"));
    REQUIRE(lab::neigh_unresolved("198.51.100.16", "mirbr16"));
  }

  lab::check_cause({
      .iface = "mirbr16", .target = "198.51.100.16",
      .cause = "invalid-guest-mac", .id = "C16",
      .checks = [](const lab::Diagnosis&, const Value& f) {
        CHECK(lab::has_packet(f, "mirtap16", {"07:16:00:00:00:16"}));
      },
      .guest_steps = lab::GuestSteps::Required,  // the MAC is the guest's configuration
      .guest_fix = [&] {
        guest.reset();
        guest.emplace(lab::start_guest({"mirtap16", "ip", "198.51.100.16/24", "mac", "02:16:00:00:00:16"}));
      },
      .after_fix = [] { require_ping_works("198.51.100.16"); },
  });
}

TEST_CASE("arp diagnose: C17 bridge-filter-drops-arp finds an nft bridge rule dropping the guest's replies") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm17;
  ip_ok({"link", "add", "virbr17", "type", "bridge"});
  ip_ok({"link", "set", "virbr17", "up"});
  ip_ok({"addr", "add", "192.0.2.193/26", "dev", "virbr17"});
  lab::veth_to(vm17, "vnet17", "virbr17");
  vm17.ip_ok({"addr", "add", "192.0.2.217/26", "dev", "eth0"});
  // libvirt's no-arp-spoofing with the wrong IP parameter, in nft's words.
  lab::sh_ok(
      "nft -f - <<'EOF'\n"
      "table bridge nwfilter17 {\n"
      "  chain vnet17_in {\n"
      "    type filter hook prerouting priority -200; policy accept;\n"
      "    iifname \"vnet17\" ether type arp arp saddr ip != 192.0.2.218 counter drop\n"
      "  }\n"
      "}\n"
      "EOF\n");

  {
    auto on_port = lab::start_capture("vnet17", {"arp"});
    auto on_bridge = lab::start_capture("virbr17", {"arp"});
    REQUIRE_FALSE(lab::ping("192.0.2.217"));
    bool seen = on_port.wait_stdout("Reply 192.0.2.217 is-at", 2s);
    INFO(on_port.describe() << "\n" << on_bridge.describe());
    REQUIRE(seen);
    REQUIRE_FALSE(contains(on_bridge.out(), "Reply"));
    REQUIRE(lab::neigh_unresolved("192.0.2.217", "virbr17"));
    REQUIRE(lab::nft_counter(lab::sh_ok("nft list chain bridge nwfilter17 vnet17_in")) > 0);
  }

  lab::check_cause({
      .iface = "virbr17", .target = "192.0.2.217",
      .cause = "bridge-filter-drops-arp", .id = "C17",
      .checks = [](const lab::Diagnosis&, const Value& f) {
        CHECK(lab::has_packet(f, "vnet17", {"Reply", "is-at"}));
        // and says the reply never made it to the bridge (what tells C17 from C16's invalid MAC)
        CHECK(lab::has_evidence(f, "", [](const Value& e) {
          return field(e, "type") != "packet" && contains(field(e, "text"), "virbr17");
        }));
      },
      .after_fix = [] { require_ping_works("192.0.2.217"); },
  });
}

TEST_CASE("arp diagnose: C18 br-netfilter-forward-drop finds bridged IPv4 sent through a dropping FORWARD chain") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm_a, vm_b;
  ip_ok({"link", "add", "dockbr18", "type", "bridge"});
  ip_ok({"link", "set", "dockbr18", "up"});
  ip_ok({"addr", "add", "203.0.113.1/24", "dev", "dockbr18"});
  lab::veth_to(vm_a, "vethA18", "dockbr18");
  lab::veth_to(vm_b, "vethB18", "dockbr18");
  vm_a.ip_ok({"addr", "add", "203.0.113.11/24", "dev", "eth0"});
  vm_b.ip_ok({"addr", "add", "203.0.113.12/24", "dev", "eth0"});
  nltest::write_proc("/proc/sys/net/bridge/bridge-nf-call-iptables", "1");
  // Docker's `iptables -P FORWARD DROP`, in nft's words.
  lab::sh_ok(
      "nft -f - <<'EOF'\n"
      "table ip filter {\n"
      "  chain FORWARD { type filter hook forward priority filter; policy drop; counter; }\n"
      "}\n"
      "EOF\n");

  REQUIRE_FALSE(lab::ping("203.0.113.12", {}, &vm_a));
  {
    auto state = lab::neigh_state("203.0.113.12", "eth0", &vm_a);
    INFO("vm A's entry for 203.0.113.12: " << state);
    REQUIRE(lab::neigh_valid(state));  // ARP worked
  }
  REQUIRE(lab::nft_counter(lab::sh_ok("nft list chain ip filter FORWARD")) > 0);
  lab::Background traffic({"ping", "-n", "-i", "0.5", "203.0.113.12"}, &vm_a);

  lab::check_cause({
      .iface = "dockbr18", .target = "203.0.113.12",
      .cause = "br-netfilter-forward-drop", .id = "C18",
      .checks = [](const lab::Diagnosis&, const Value& f) {
        CHECK(lab::has_sysctl(f, "bridge-nf-call-iptables", "1"));
      },
      .after_fix = [&] { require_ping_works("203.0.113.12", &vm_a); },
  });
}

TEST_CASE("arp diagnose: C19 mtu-mismatch finds a kernel guest with a smaller MTU than the bridge") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm19;
  ip_ok({"link", "add", "mtubr19", "type", "bridge"});
  ip_ok({"link", "set", "mtubr19", "up"});
  ip_ok({"addr", "add", "192.0.2.1/28", "dev", "mtubr19"});
  lab::veth_to(vm19, "vnet19", "mtubr19", "enp7s0");
  vm19.ip_ok({"link", "set", "enp7s0", "mtu", "1400"});
  vm19.ip_ok({"addr", "add", "192.0.2.9/28", "dev", "enp7s0"});

  REQUIRE(lab::ping("192.0.2.9"));                                  // small frames pass
  REQUIRE_FALSE(lab::ping("192.0.2.9", {"-s", "1472", "-M", "do"}));  // full-size frames do not
  {
    auto state = lab::neigh_state("192.0.2.9", "mtubr19");
    INFO("entry for 192.0.2.9: " << state);
    REQUIRE(lab::neigh_valid(state));
  }

  lab::check_cause({
      .iface = "mtubr19", .target = "192.0.2.9",
      .cause = "mtu-mismatch", .id = "C19",
      .checks = [](const lab::Diagnosis&, const Value& f) {
        CHECK((lab::has_evidence(f, "", text_has("MTU")) || lab::has_evidence(f, "", text_has("mtu"))));
      },
      .guest_steps = lab::GuestSteps::UnlessHostStep,
      // the guest side: one MTU for the segment
      .guest_fix = [&] { vm19.ip_ok({"link", "set", "enp7s0", "mtu", "1500"}); },
      // Whichever side the fix changed, full-size frames for the bridge's MTU now pass.
      .after_fix = [] { lab::require_full_size_ping(lab::Family::Arp, "mtubr19", "192.0.2.9"); },
  });
}

TEST_CASE("arp diagnose: C21 stale-permanent-neighbour finds a static entry with a replaced guest's MAC") {
  nltest::PrivateNetns lab_ns;
  ip_ok({"link", "add", "br21", "type", "bridge"});
  ip_ok({"tuntap", "add", "dev", "vm21", "mode", "tap"});
  ip_ok({"link", "set", "vm21", "master", "br21"});
  ip_ok({"link", "set", "br21", "up"});
  ip_ok({"link", "set", "vm21", "up"});
  ip_ok({"addr", "add", "192.0.2.241/28", "dev", "br21"});
  // The old guest's MAC, pinned long ago; the new guest has another one.
  ip_ok({"neigh", "replace", "192.0.2.242", "lladdr", "02:21:00:00:00:41", "dev", "br21", "nud", "permanent"});
  auto guest = lab::start_guest({"vm21", "ip", "192.0.2.242/28", "mac", "02:21:00:00:00:42"});

  REQUIRE_FALSE(lab::ping("192.0.2.242"));
  REQUIRE(lab::neigh_state("192.0.2.242", "br21") == "PERMANENT");
  REQUIRE(lab::neigh_lladdr("192.0.2.242", "br21") == "02:21:00:00:00:41");

  lab::check_cause({
      .iface = "br21", .target = "192.0.2.242",
      .cause = "stale-permanent-neighbour", .id = "C21",
      .checks = [](const lab::Diagnosis&, const Value& f) {
        CHECK(lab::has_neighbour(f, "192.0.2.242", {"PERMANENT"}));
      },
      .after_fix = [] {
        REQUIRE(lab::neigh_lladdr("192.0.2.242", "br21") != "02:21:00:00:00:41");
        require_ping_works("192.0.2.242");
      },
  });
}

TEST_CASE("arp diagnose: C33 bridge-mac-changed warns that the bridge MAC follows its ports") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns late;
  ip_ok({"link", "add", "br33", "type", "bridge"});
  ip_ok({"link", "set", "br33", "up"});
  ip_ok({"addr", "add", "203.0.113.33/27", "dev", "br33"});
  ip_ok({"tuntap", "add", "dev", "guest33", "mode", "tap"});
  ip_ok({"link", "set", "dev", "guest33", "address", "02:33:00:00:00:a0"});
  ip_ok({"link", "set", "guest33", "master", "br33"});
  ip_ok({"link", "set", "guest33", "up"});
  auto guest = lab::start_guest({"guest33", "ip", "203.0.113.40/27", "mac", "02:33:00:00:0c:40"});
  const std::string first_mac = lab::mac_of("br33");
  REQUIRE(first_mac == "02:33:00:00:00:a0");  // inherited from the only port
  // A second guest's port with a lower MAC: the bridge's MAC changes under the guests.
  ip_ok({"link", "add", "late33", "address", "02:33:00:00:00:0b", "type", "veth", "peer", "name", "eth0", "netns",
         late.path()});
  ip_ok({"link", "set", "late33", "master", "br33"});
  ip_ok({"link", "set", "late33", "up"});
  late.ip_ok({"link", "set", "eth0", "up"});
  late.ip_ok({"addr", "add", "203.0.113.41/27", "dev", "eth0"});
  REQUIRE(lab::wait_for([] { return lab::mac_of("br33") == "02:33:00:00:00:0b"; }, 2s));
  require_ping_works("203.0.113.40");

  lab::check_cause({
      .iface = "br33", .target = "203.0.113.40",
      .cause = "bridge-mac-changed", .id = "C33",
      .expect = lab::Expect::Advice,  // nothing is broken yet: a warning, not a fault
      .checks = [](const lab::Diagnosis&, const Value& f) {
        CHECK(lab::has_evidence(f, "link", text_has("02:33:00:00:00:0b")));
      },
      .after_fix = [] {
        // A fixed MAC stays when the port that lent it leaves.
        const std::string pinned = lab::mac_of("br33");
        ip_ok({"link", "set", "late33", "nomaster"});
        REQUIRE(lab::mac_of("br33") == pinned);
        require_ping_works("203.0.113.40");
      },
  });
}

// ---- healthy labs: no fault --------------------------------------------------

TEST_CASE("arp diagnose: healthy bridge with two TAP guests reports no fault") {
  nltest::PrivateNetns lab_ns;
  ip_ok({"link", "add", "okbr1", "type", "bridge"});
  ip_ok({"link", "set", "okbr1", "up"});
  ip_ok({"addr", "add", "192.0.2.97/27", "dev", "okbr1"});
  for (const char* tap : {"oktap1", "oktap2"}) {
    ip_ok({"tuntap", "add", "dev", tap, "mode", "tap"});
    ip_ok({"link", "set", tap, "master", "okbr1"});
    ip_ok({"link", "set", tap, "up"});
  }
  auto g1 = lab::start_guest({"oktap1", "ip", "192.0.2.98/27", "mac", "02:0c:00:00:00:98"});
  auto g2 = lab::start_guest({"oktap2", "ip", "192.0.2.99/27", "mac", "02:0c:00:00:00:99"});
  require_ping_works("192.0.2.99");

  lab::require_resolved(lab::diagnose("okbr1", "192.0.2.99"), "02:0c:00:00:00:99");
}

TEST_CASE("arp diagnose: healthy bridge with two veth guests reports no fault") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm1, vm2;
  ip_ok({"link", "add", "okbr4", "type", "bridge"});
  ip_ok({"link", "set", "okbr4", "up"});
  ip_ok({"addr", "add", "198.51.100.65/26", "dev", "okbr4"});
  lab::veth_to(vm1, "okveth1", "okbr4");
  lab::veth_to(vm2, "okveth2", "okbr4");
  vm1.ip_ok({"addr", "add", "198.51.100.66/26", "dev", "eth0"});
  vm2.ip_ok({"addr", "add", "198.51.100.67/26", "dev", "eth0"});
  const std::string mac = lab::mac_of("eth0", &vm1);
  require_ping_works("198.51.100.66");
  require_ping_works("198.51.100.67", &vm1);

  lab::require_resolved(lab::diagnose("okbr4", "198.51.100.66"), mac);
}
