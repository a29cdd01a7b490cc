// End to end: netlab against real hypervisor guests. Each lab boots Debian's
// 6.1 kernel under QEMU (TCG), or Debian's User-Mode Linux, on a TAP that `netlab tap create` made, a port
// of a bridge that `netlab bridge` made, inside the test's private network
// namespace, and checks netlab's verdict and evidence about a guest kernel
// nobody here wrote: healthy IPv4, healthy SLAAC from radvd, the MirageOS
// mistake (fixed with the printed fix), the guest powered off, the STP
// forward delay, the guest configured with another address; and `netlab
// capture` printing the guest's ARP, ICMP and NDP exactly as tcpdump does;
// and UML guests (eth0=tuntap,TAP) healthy and behind the MirageOS mistake;
// and the guest's own DHCP client (busybox udhcpc) against dnsmasq, with
// `dhcp diagnose` naming a server bound to another bridge (C36).
#include "guest_process.hpp"
#include "lab_support.hpp"
#include "vm_guest.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <regex>
#include <unistd.h>

using namespace std::chrono_literals;
namespace lab = nltest::lab;
namespace e2e = nltest::e2e;
using lab::contains;
using lab::field;
using nltest::ip_ok;

namespace {

// The lab is made with netlab's own commands, as a user would make it.
using nltest::guestproc::ok;
inline void netlab_ok(const std::vector<std::string>& args) { ok(args); }

struct LabOptions {
  std::string bridge = "e2ebr0";
  std::string tap = "e2etap0";
  std::string host_address;  // on the bridge (or on the port when on_port)
  bool on_port = false;      // the MirageOS mistake
  std::vector<std::string> bridge_words;  // e.g. {"stp", "on", "forward_delay", "20"}
};

LabOptions lab_options(std::string host_address, bool on_port = false,
                       std::vector<std::string> bridge_words = {}) {
  LabOptions o;
  o.host_address = std::move(host_address);
  o.on_port = on_port;
  o.bridge_words = std::move(bridge_words);
  return o;
}

// The guest on e2etap0.
e2e::GuestConfig guest_config(std::string mac, std::string ipv4, std::string ipv6 = "",
                              e2e::Hypervisor hypervisor = e2e::Hypervisor::Qemu) {
  e2e::GuestConfig c;
  c.hypervisor = hypervisor;
  c.tap = "e2etap0";
  c.mac = std::move(mac);
  c.ipv4 = std::move(ipv4);
  c.ipv6 = std::move(ipv6);
  return c;
}

// bridge BR (up) + persistent tap TAP (up, a port of BR) + the host address.
void make_lab(const LabOptions& o) {
  std::vector<std::string> add = {"bridge", "add", o.bridge};
  add.insert(add.end(), o.bridge_words.begin(), o.bridge_words.end());
  add.push_back("up");
  netlab_ok(add);
  netlab_ok({"tap", "create", o.tap, "master", o.bridge, "up"});
  if (!o.host_address.empty()) netlab_ok({"addr", "add", o.host_address, "dev", o.on_port ? o.tap : o.bridge});
}

void require_port_forwarding(const std::string& port, lab::Millis timeout) {
  bool forwarding = lab::wait_for([&] { return lab::port_state(port) == "forwarding"; }, timeout);
  INFO(port << " is " << lab::port_state(port));
  REQUIRE(forwarding);
}

void require_ping(const std::string& addr) {
  bool works = lab::wait_for([&] { return lab::ping(addr); }, 10s);
  INFO("ping " << addr);
  REQUIRE(works);
}

// The guest's link comes up a moment after its readiness line: wait for the
// carrier on the host side of the TAP before asking anything.
void require_carrier(const std::string& tap) {
  bool up = lab::wait_for([&] { return lab::has_carrier(tap); }, 10s);
  INFO(tap << " has no carrier");
  REQUIRE(up);
}

}  // namespace

TEST_CASE("qemu: healthy IPv4 guest on a netlab TAP in a netlab bridge") {
  nltest::PrivateNetns lab_ns;
  make_lab(lab_options("192.0.2.1/24"));
  e2e::VmGuest guest(guest_config("52:54:00:e2:e0:01", "192.0.2.2/24"));
  guest.require_ready();
  require_carrier("e2etap0");
  require_port_forwarding("e2etap0", 5s);

  auto d = lab::diagnose("e2ebr0", "192.0.2.2");
  INFO(d.describe());
  lab::require_ok(d);
  REQUIRE((*d.json)["resolved"].is_object());
  CHECK(field((*d.json)["resolved"], "mac") == "52:54:00:e2:e0:01");
  // The reference agrees: the kernel resolved the guest to the same MAC.
  REQUIRE(lab::ping("192.0.2.2"));
  CHECK(lab::neigh_lladdr("192.0.2.2", "e2ebr0") == "52:54:00:e2:e0:01");
  // ... and so does the guest: it sees the host's bridge MAC for 192.0.2.1.
  std::string neigh = guest.sh("ip neigh show 192.0.2.1");
  CHECK(contains(neigh, lab::mac_of("e2ebr0")));
}

TEST_CASE("qemu: the MirageOS mistake (host address on the TAP port) is found and fixed") {
  nltest::PrivateNetns lab_ns;
  make_lab(lab_options("192.0.2.1/24", true));
  e2e::VmGuest guest(guest_config("52:54:00:e2:e0:02", "192.0.2.2/24"));
  guest.require_ready();
  require_carrier("e2etap0");

  // The lab fails as the users report: the guest answers, tcpdump on the TAP
  // shows the reply, the host's entry on the TAP never resolves.
  {
    auto cap = lab::start_capture("e2etap0", {"arp"});
    REQUIRE_FALSE(lab::ping("192.0.2.2"));
    bool reply_seen = cap.wait_stdout("Reply 192.0.2.2 is-at 52:54:00:e2:e0:02", 3s);
    INFO(cap.describe());
    REQUIRE(reply_seen);
    REQUIRE(lab::neigh_unresolved("192.0.2.2", "e2etap0"));
  }

  auto d = lab::diagnose("e2etap0", "192.0.2.2");
  lab::require_fault_first(d, "ip-on-bridge-port", "C01");
  const auto& f = *d.finding("ip-on-bridge-port");
  INFO(lab::evidence_dump(f));
  CHECK(lab::has_packet(f, "e2etap0", {"Reply", "192.0.2.2", "is-at", "52:54:00:e2:e0:02"}));
  CHECK(lab::has_neighbour(f, "192.0.2.2", {"INCOMPLETE", "FAILED"}));
  CHECK(lab::has_evidence(f, "address", [](const testjson::Value& e) {
    return contains(field(e, "address"), "192.0.2.1") && field(e, "interface") == "e2etap0";
  }));

  lab::apply_fix(f);
  REQUIRE_FALSE(contains(ip_ok({"-4", "addr", "show", "dev", "e2etap0"}), "inet "));
  require_ping("192.0.2.2");
  auto fixed = lab::diagnose("e2ebr0", "192.0.2.2");
  INFO(fixed.describe());
  lab::require_ok(fixed);
  CHECK(field((*fixed.json)["resolved"], "mac") == "52:54:00:e2:e0:02");
}

TEST_CASE("qemu: a powered-off guest leaves its TAP without carrier") {
  nltest::PrivateNetns lab_ns;
  make_lab(lab_options("192.0.2.1/24"));
  {
    e2e::VmGuest guest(guest_config("52:54:00:e2:e0:03", "192.0.2.2/24"));
    guest.require_ready();
    require_carrier("e2etap0");
    require_ping("192.0.2.2");
    guest.poweroff();
  }
  // QEMU has exited and closed the TAP: the persistent device stays, without carrier.
  REQUIRE(lab::wait_for([] { return !lab::has_carrier("e2etap0"); }, 5s));

  auto d = lab::diagnose("e2ebr0", "192.0.2.2");
  lab::require_fault_first(d, "no-carrier", "C05");
  const auto& f = *d.finding("no-carrier");
  INFO(lab::evidence_dump(f));
  CHECK(lab::has_about(f, "link", "e2etap0"));
}

TEST_CASE("qemu: a guest on a new port during the STP forward delay") {
  nltest::PrivateNetns lab_ns;
  // forward_delay 20 s: the port listens, then learns, for 40 s after the guest's link comes up.
  make_lab(lab_options("192.0.2.1/24", false, {"stp", "on", "forward_delay", "20"}));
  e2e::VmGuest guest(guest_config("52:54:00:e2:e0:04", "192.0.2.2/24"));
  guest.require_ready();
  require_carrier("e2etap0");
  {
    auto state = lab::port_state("e2etap0");
    INFO("e2etap0 is " << state);
    REQUIRE((state == "listening" || state == "learning"));
  }

  auto d = lab::diagnose("e2ebr0", "192.0.2.2");
  lab::require_fault_first(d, "stp-port-not-forwarding", "C07");
  const auto& f = *d.finding("stp-port-not-forwarding");
  INFO(lab::evidence_dump(f));
  CHECK(lab::has_about(f, "link", "e2etap0"));

  lab::apply_fix(f);
  require_port_forwarding("e2etap0", 10s);
  require_ping("192.0.2.2");
  lab::require_ok(lab::diagnose("e2ebr0", "192.0.2.2"));
}

TEST_CASE("qemu: the guest configured with another address") {
  nltest::PrivateNetns lab_ns;
  make_lab(lab_options("192.0.2.1/24"));
  e2e::VmGuest guest(guest_config("52:54:00:e2:e0:05", "192.0.2.3/24"));
  guest.require_ready();
  require_carrier("e2etap0");
  require_port_forwarding("e2etap0", 5s);
  REQUIRE(contains(guest.sh("ip -4 addr show dev eth0"), "192.0.2.3/24"));

  auto d = lab::diagnose("e2ebr0", "192.0.2.2");
  lab::require_fault_first(d, "target-not-configured", "C15");
  const auto& f = *d.finding("target-not-configured");
  INFO(lab::evidence_dump(f));
  // The evidence shows the guest alive on the wire (its MAC on the TAP), just
  // not with the address asked for.
  CHECK(lab::has_evidence(f, "", [](const testjson::Value& e) {
    return contains(field(e, "text"), "52:54:00:e2:e0:05") || contains(field(e, "text"), "192.0.2.3");
  }));
}

TEST_CASE("qemu: healthy SLAAC from radvd") {
  nltest::PrivateNetns lab_ns;
  make_lab(lab_options(""));
  netlab_ok({"addr", "add", "2001:db8:e2e::1/64", "dev", "e2ebr0"});
  nltest::write_proc("/proc/sys/net/ipv6/conf/all/forwarding", "1");
  lab::require_ipv6_settled("e2ebr0", 10s);

  char conf_path[] = "/tmp/netlab-e2e-radvd-XXXXXX";
  int conf_fd = ::mkstemp(conf_path);
  REQUIRE(conf_fd >= 0);
  const std::string conf =
      "interface e2ebr0 {\n"
      "  AdvSendAdvert on;\n"
      "  MinRtrAdvInterval 3;\n"
      "  MaxRtrAdvInterval 4;\n"
      "  prefix 2001:db8:e2e::/64 { AdvOnLink on; AdvAutonomous on; };\n"
      "};\n";
  REQUIRE(::write(conf_fd, conf.data(), conf.size()) == static_cast<ssize_t>(conf.size()));
  ::close(conf_fd);
  const std::string pid_path = std::string(conf_path) + ".pid";
  struct Cleanup {
    std::string a, b;
    ~Cleanup() {
      ::unlink(a.c_str());
      ::unlink(b.c_str());
    }
  } cleanup{conf_path, pid_path};
  lab::Background radvd({"radvd", "--nodaemon", "-C", conf_path, "-p", pid_path, "-m", "stderr"});

  e2e::VmGuest guest(guest_config("52:54:00:e2:e0:06", ""));
  guest.require_ready();
  require_carrier("e2etap0");
  require_port_forwarding("e2etap0", 5s);

  // The guest forms its address from radvd's prefix and its MAC (EUI-64).
  const std::string slaac = "2001:db8:e2e:0:5054:ff:fee2:e006";
  bool formed = lab::wait_for(
      [&] {
        std::string a = guest.sh("ip -6 addr show dev eth0");
        return contains(a, slaac + "/64") && !contains(a, "tentative");
      },
      30s);
  INFO(radvd.describe());
  INFO(guest.sh("ip -6 addr show dev eth0; ip -6 route"));
  REQUIRE(formed);
  bool reachable = lab::wait_for([&] { return lab::ping6(slaac); }, 10s);
  REQUIRE(reachable);

  // netlab agrees on both questions: the interface's SLAAC/RA health, and
  // the guest's address.
  auto health = lab::diagnose6("e2ebr0", "");
  INFO(health.describe());
  lab::require_ok(health);
  auto d = lab::diagnose6("e2ebr0", slaac);
  INFO(d.describe());
  lab::require_ok(d);
  CHECK(field((*d.json)["resolved"], "mac") == "52:54:00:e2:e0:06");
}

namespace {

// Lines of a capture's text output, without the trailer and the blank lines.
std::vector<std::string> packet_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// The last packet of the test's traffic: the host's echo reply to the guest's ping6.
bool is_last_packet(const std::string& line) {
  return contains(line, "2001:db8:e2e::1 > 2001:db8:e2e::2") && contains(line, "echo reply");
}

// The test's own traffic, from the host's first ARP request to the last
// packet: the two tools start and stop a moment apart, so a stray packet
// (a late router solicitation) can fall before or after the other's window.
std::vector<std::string> traffic_lines(const std::string& text) {
  auto lines = packet_lines(text);
  auto first = std::find_if(lines.begin(), lines.end(),
                            [](const std::string& l) { return contains(l, "who-has 192.0.2.2 tell 192.0.2.1"); });
  auto last = std::find_if(lines.rbegin(), lines.rend(), is_last_packet);
  if (first == lines.end() || last == lines.rend() || last.base() <= first) return {};
  return {first, last.base()};
}

}  // namespace

TEST_CASE("qemu: netlab capture prints the guest's ARP, ICMP and NDP as tcpdump does") {
  nltest::PrivateNetns lab_ns;
  // No router solicitations from the host's new links: less stray traffic.
  nltest::write_proc("/proc/sys/net/ipv6/conf/default/router_solicitations", "0");
  make_lab(lab_options("192.0.2.1/24"));
  netlab_ok({"addr", "add", "2001:db8:e2e::1/64", "dev", "e2ebr0", "nodad"});
  e2e::VmGuest guest(guest_config("52:54:00:e2:e0:07", "192.0.2.2/24", "2001:db8:e2e::2/64"));
  guest.require_ready();
  require_carrier("e2etap0");
  require_port_forwarding("e2etap0", 5s);
  // The guest's static IPv6 address passes DAD (busybox's ip has no nodad).
  bool settled = lab::wait_for([&] { return !contains(guest.sh("ip -6 addr show dev eth0"), "tentative"); }, 10s);
  INFO(guest.sh("ip -6 addr show dev eth0"));
  REQUIRE(settled);

  // Both tools on the same TAP at once, on the same traffic; no timestamps
  // (-t): the two processes may stamp a packet a microsecond apart.
  const std::string filter = "arp or icmp or icmp6";
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"-n", "-t", "-e"}, std::vector<std::string>{"-n", "-t", "-vv"}}) {
    std::vector<std::string> tcpdump_argv = {"tcpdump", "-p", "-l", "-i", "e2etap0"};
    std::vector<std::string> netlab_argv = {NETLAB_CLI_PATH, "capture", "-p", "-l", "-i", "e2etap0"};
    for (const auto& f : flags) {
      tcpdump_argv.push_back(f);
      netlab_argv.push_back(f);
    }
    tcpdump_argv.push_back(filter);
    netlab_argv.push_back(filter);
    lab::Background reference(tcpdump_argv);
    lab::Background ours(netlab_argv);
    INFO(reference.describe());
    INFO(ours.describe());
    REQUIRE(reference.wait_stderr("listening on", 5s));
    REQUIRE(ours.wait_stderr("listening on", 5s));

    // Fresh resolution both ways, then echo both ways: ARP request/reply,
    // NS/NA, ICMP and ICMPv6 echo from the guest's kernel.
    ip_ok({"neigh", "flush", "dev", "e2ebr0"});
    guest.sh("ip neigh flush dev eth0");
    REQUIRE(lab::ping("192.0.2.2"));
    REQUIRE(lab::ping6("2001:db8:e2e::2"));
    guest.sh("ping -c 1 -W 2 192.0.2.1; ping -c 1 -W 2 2001:db8:e2e::1");
    // Both saw the last packet (the guest's ICMPv6 echo reply's answer).
    auto has_last = [](const std::string& out) {
      auto lines = packet_lines(out);
      return std::any_of(lines.begin(), lines.end(), is_last_packet);
    };
    REQUIRE(lab::wait_for([&] { return has_last(reference.out()) && has_last(ours.out()); }, 5s));
    reference.stop();
    ours.stop();

    auto expected = traffic_lines(reference.out());
    auto got = traffic_lines(ours.out());
    CHECK(expected.size() >= 8);
    REQUIRE(got == expected);
    // The three protocols were all there.
    const std::string all = reference.out();
    CHECK(contains(all, "ARP"));
    CHECK(contains(all, "ICMP echo request"));
    CHECK(contains(all, "neighbor solicitation"));
    CHECK(contains(all, "ICMP6, echo request"));
  }
}

// ---- User-Mode Linux ---------------------------------------------------------

TEST_CASE("uml: healthy IPv4 UML guest (eth0=tuntap) on a netlab TAP in a netlab bridge") {
  nltest::PrivateNetns lab_ns;
  make_lab(lab_options("198.51.100.1/24"));
  e2e::VmGuest guest(guest_config("52:54:00:e2:e1:01", "198.51.100.2/24", "", e2e::Hypervisor::Uml));
  guest.require_ready();
  require_carrier("e2etap0");
  require_port_forwarding("e2etap0", 5s);
  // The guest runs programs (busybox under UML's ptrace) and sees its NIC.
  REQUIRE(contains(guest.sh("ip -4 addr show dev eth0"), "198.51.100.2/24"));
  // Its programs got the setting that keeps glibc off AVX (UML saves FXSAVE state only).
  CHECK(contains(guest.sh("echo \"$GLIBC_TUNABLES\""), "glibc.cpu.hwcaps=-AVX,-AVX2,-AVX512F"));

  auto d = lab::diagnose("e2ebr0", "198.51.100.2");
  INFO(d.describe());
  lab::require_ok(d);
  CHECK(field((*d.json)["resolved"], "mac") == "52:54:00:e2:e1:01");
  REQUIRE(lab::ping("198.51.100.2"));
  CHECK(lab::neigh_lladdr("198.51.100.2", "e2ebr0") == "52:54:00:e2:e1:01");
  // netlab sees who holds the TAP: the UML process.
  auto show = nltest::netlab({"tap", "show", "e2etap0"});
  INFO(show.out << show.err);
  CHECK(contains(show.out, std::to_string(guest.pid())));
}

TEST_CASE("uml: the MirageOS mistake with a UML guest is found and fixed") {
  nltest::PrivateNetns lab_ns;
  make_lab(lab_options("198.51.100.1/24", true));
  e2e::VmGuest guest(guest_config("52:54:00:e2:e1:02", "198.51.100.2/24", "", e2e::Hypervisor::Uml));
  guest.require_ready();
  require_carrier("e2etap0");
  REQUIRE_FALSE(lab::ping("198.51.100.2"));

  auto d = lab::diagnose("e2etap0", "198.51.100.2");
  lab::require_fault_first(d, "ip-on-bridge-port", "C01");
  const auto& f = *d.finding("ip-on-bridge-port");
  INFO(lab::evidence_dump(f));
  CHECK(lab::has_packet(f, "e2etap0", {"Reply", "198.51.100.2", "is-at", "52:54:00:e2:e1:02"}));

  lab::apply_fix(f);
  require_ping("198.51.100.2");
  lab::require_ok(lab::diagnose("e2ebr0", "198.51.100.2"));
  guest.poweroff();
}

TEST_CASE("a lab leaves no guest process, state directory or interface behind") {
  pid_t qemu_pid = -1, uml_pid = -1;
  std::string uml_dir;
  {
    nltest::PrivateNetns lab_ns;
    make_lab(lab_options("198.51.100.1/24"));
    netlab_ok({"tap", "create", "e2etap1", "master", "e2ebr0", "up"});
    e2e::VmGuest qemu(guest_config("52:54:00:e2:e2:01", "198.51.100.2/24"));
    auto uml_config = guest_config("52:54:00:e2:e2:02", "198.51.100.3/24", "", e2e::Hypervisor::Uml);
    uml_config.tap = "e2etap1";
    e2e::VmGuest uml(uml_config);
    qemu.require_ready();
    uml.require_ready();
    qemu_pid = qemu.pid();
    uml_pid = uml.pid();
    uml_dir = uml.uml_dir();
    REQUIRE(std::filesystem::exists(uml_dir));
    // Both guests work at once, on one bridge.
    require_ping("198.51.100.2");
    require_ping("198.51.100.3");
    REQUIRE(contains(uml.sh("ping -c 1 -W 2 198.51.100.2"), "1 packets received"));
  }
  // Killed and reaped: no such process, nor any of UML's process group.
  errno = 0;
  CHECK(::kill(qemu_pid, 0) == -1);
  CHECK(errno == ESRCH);
  bool group_gone = lab::wait_for([&] { return ::kill(-uml_pid, 0) == -1 && errno == ESRCH; }, 5s);
  CHECK(group_gone);
  CHECK_FALSE(std::filesystem::exists(uml_dir));
  // The lab's interfaces died with its namespace: none here.
  CHECK_FALSE(contains(ip_ok({"-br", "link"}), "e2etap"));
}

TEST_CASE("uml: a UML guest halted through its management console leaves its TAP without carrier") {
  nltest::PrivateNetns lab_ns;
  make_lab(lab_options("198.51.100.1/24"));
  {
    e2e::VmGuest guest(guest_config("52:54:00:e2:e1:03", "198.51.100.2/24", "", e2e::Hypervisor::Uml));
    guest.require_ready();
    require_carrier("e2etap0");
    require_ping("198.51.100.2");
    CHECK(contains(guest.mconsole("version"), "6.1"));
    guest.mconsole("halt");
    bool exited = lab::wait_for([&] { return !guest.running(); }, 20s);
    INFO(guest.describe());
    REQUIRE(exited);
  }
  REQUIRE(lab::wait_for([] { return !lab::has_carrier("e2etap0"); }, 5s));

  auto d = lab::diagnose("e2ebr0", "198.51.100.2");
  lab::require_fault_first(d, "no-carrier", "C05");
  const auto& f = *d.finding("no-carrier");
  INFO(lab::evidence_dump(f));
  CHECK(lab::has_about(f, "link", "e2etap0"));
}

// issue 15 §5: the guest's own DHCP client (busybox udhcpc) against dnsmasq.
// dnsmasq serving another bridge leaves the guest without a lease, and
// `dhcp diagnose` on the guest's TAP names C36; a server for the guest's
// bridge gives it a lease, and the diagnosis reads ok.
namespace {

std::vector<std::string> dnsmasq_args(const std::string& iface, const std::string& range) {
  // Foreground (the Background owns and kills it), no DNS, no lease or pid
  // file, no ping before an offer: the guest's client gives up quickly.
  return {"dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--port=0", "--user=root", "--group=root",
          "--pid-file=", "--leasefile-ro", "--no-ping", "--log-facility=-", "--log-dhcp", "--interface=" + iface,
          "--bind-interfaces", "--dhcp-range=" + range};
}

}  // namespace

TEST_CASE("qemu: udhcpc in the guest gets no lease from dnsmasq bound to another bridge and one from a server on its own") {
  nltest::PrivateNetns lab_ns;
  make_lab(lab_options("192.0.2.1/24"));
  netlab_ok({"bridge", "add", "e2ebr1", "up"});
  netlab_ok({"addr", "add", "203.0.113.1/24", "dev", "e2ebr1"});
  e2e::VmGuest guest(guest_config("52:54:00:e2:e0:05", ""));
  guest.require_ready();
  require_carrier("e2etap0");
  require_port_forwarding("e2etap0", 5s);

  {
    lab::Background elsewhere(dnsmasq_args("e2ebr1", "203.0.113.100,203.0.113.150,1h"));
    REQUIRE(elsewhere.wait_stderr("IP range", 10s));
    int status = -1;
    const std::string out = guest.sh("udhcpc -i eth0 -n -q -t 3 -T 1 -s /bin/true 2>&1", &status, 30s);
    INFO(out);
    CHECK(status != 0);  // the reference: the guest's own client gets nothing
    auto text = nltest::netlab({"dhcp", "diagnose", "e2etap0", "--duration", "3"});
    INFO(text.out << text.err);
    CHECK(text.status == 3);
    CHECK(contains(text.out, "(C36)"));
    CHECK(contains(text.out, "bound to e2ebr1"));
  }
  lab::Background server(dnsmasq_args("e2ebr0", "192.0.2.100,192.0.2.150,1h"));
  REQUIRE(server.wait_stderr("IP range", 10s));
  int status = -1;
  const std::string out = guest.sh("udhcpc -i eth0 -n -q -t 5 -T 1 -s /bin/true 2>&1", &status, 30s);
  INFO(out);
  CHECK(status == 0);
  CHECK(contains(out, "lease of 192.0.2.1"));
  auto text = nltest::netlab({"dhcp", "diagnose", "e2etap0", "--duration", "3"});
  INFO(text.out << text.err);
  CHECK(text.status == 0);
  CHECK(contains(text.out, ": ok"));
}

// issue 16: a QEMU guest reaches the "internet" (an address of an isp
// namespace that has no route back to the guests' private subnet) through
// a netlab bridge and the host's masquerade: `path diagnose` reads ok. A
// forward-hook policy drop then cuts the guest off, as its own ping shows;
// the diagnosis names C45 with the chain, its printed fix is run, and the
// guest and the diagnosis agree again.
namespace {

lab::Diagnosis path_diagnose(const std::string& from, const std::string& to) {
  lab::Diagnosis d;
  const std::vector<std::string> argv{NETLAB_CLI_PATH, "-j", "path", "diagnose", from, to};
  d.command = "netlab -j path diagnose " + from + " " + to;
  d.result = lab::run_in(nullptr, argv);
  try {
    d.json = testjson::parse(d.result.out);
  } catch (const std::exception& e) {
    d.parse_error = e.what();
  }
  return d;
}

}  // namespace

TEST_CASE("qemu: the guest reaches beyond the host through NAT and path diagnose names a forward drop") {
  nltest::PrivateNetns lab_ns;
  make_lab(lab_options("10.57.0.1/24"));
  lab::PeerNetns isp;
  lab::veth_to(isp, "e2ewan0", "", "eth0");
  ip_ok({"addr", "add", "203.0.113.1/24", "dev", "e2ewan0"});
  isp.ip_ok({"addr", "add", "203.0.113.2/24", "dev", "eth0"});
  isp.ip_ok({"addr", "add", "198.51.100.9/32", "dev", "lo"});
  ip_ok({"route", "add", "default", "via", "203.0.113.2"});
  nltest::write_proc("/proc/sys/net/ipv4/ip_forward", "1");
  lab::sh_ok("nft add table ip e2enat && "
             "nft 'add chain ip e2enat out { type nat hook postrouting priority 100 ; }' && "
             "nft add rule ip e2enat out oifname e2ewan0 ip saddr 10.57.0.0/24 masquerade");
  e2e::VmGuest guest(guest_config("52:54:00:e2:e0:06", "10.57.0.2/24"));
  guest.require_ready();
  require_carrier("e2etap0");
  require_port_forwarding("e2etap0", 5s);
  guest.sh("ip route add default via 10.57.0.1");
  int status = -1;
  std::string out = guest.sh("ping -c 2 -W 2 198.51.100.9 2>&1", &status, 30s);
  INFO(out);
  REQUIRE(status == 0);  // the reference: the guest's own ping crosses the host

  auto ok = path_diagnose("10.57.0.2", "198.51.100.9");
  INFO(ok.describe());
  lab::require_ok(ok);
  bool masqueraded = false;
  for (const auto& h : (*ok.json)["hops"].array())
    if (field(h, "step") == "out") masqueraded = contains(field(h, "text"), "with source 203.0.113.1");
  CHECK(masqueraded);

  lab::sh_ok("nft add table inet e2efw && "
             "nft 'add chain inet e2efw gate { type filter hook forward priority 0 ; policy drop ; }'");
  out = guest.sh("ping -c 2 -W 2 198.51.100.9 2>&1", &status, 30s);
  INFO(out);
  REQUIRE(status != 0);
  auto cut = path_diagnose("10.57.0.2", "198.51.100.9");
  const auto& finding = lab::require_fault_among(cut, "forward-filter-drop", "C45");
  CHECK(lab::has_evidence_text(finding, "nftables", {"chain inet e2efw gate has policy drop"}));
  lab::apply_fix(finding);
  out = guest.sh("ping -c 2 -W 2 198.51.100.9 2>&1", &status, 30s);
  INFO(out);
  CHECK(status == 0);
  auto again = path_diagnose("10.57.0.2", "198.51.100.9");
  INFO(again.describe());
  lab::require_ok(again);
}
