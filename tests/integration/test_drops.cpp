// Kernel evidence (issue 14 §1, §2): a lab per drop reason, built in private
// namespaces, and the reason seen through a trace::Session with the device
// that saw the packet. The tracepoints are global (other tests drop packets
// at the same time), so every lab uses device names with this process's pid
// and the session is restricted to them.
#include "lab_support.hpp"

#include <netlab/trace.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <csignal>

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace std::chrono_literals;
namespace lab = nltest::lab;
using nltest::ip_ok;

namespace {

// "dnf12345a": a prefix, this process's pid, a suffix (at most 15 bytes).
std::string unique(const std::string& prefix, const std::string& suffix) {
  return prefix + std::to_string(::getpid() % 1000000) + suffix;
}

// host_if here (192.0.2.1/24) <-> peer_if in `peer` (192.0.2.2/24).
void pair(lab::PeerNetns& peer, const std::string& host_if, const std::string& peer_if) {
  lab::veth_to(peer, host_if, "", peer_if);
  ip_ok({"addr", "add", "192.0.2.1/24", "dev", host_if});
  peer.ip_ok({"addr", "add", "192.0.2.2/24", "dev", peer_if});
}

// A peer whose neighbour entry here holds a MAC it does not have: every
// ping from here reaches `p` addressed to another host (OTHERHOST).
struct OtherHostLab {
  lab::PeerNetns peer;
  std::string h, p;
  explicit OtherHostLab(const std::string& prefix) : h(unique(prefix, "h")), p(unique(prefix, "p")) {
    pair(peer, h, p);
    ip_ok({"neigh", "replace", "192.0.2.2", "lladdr", "02:00:5e:00:53:99", "dev", h});
  }
};

netlab::trace::Session open_on(const std::vector<std::string>& devices, std::optional<std::uint16_t> proto = {}) {
  netlab::trace::Options o;
  o.devices = devices;
  o.protocol = proto;
  auto s = netlab::trace::Session::open(o);
  INFO(nltest::why(s));
  REQUIRE(s.has_value());
  return std::move(*s);
}

// Runs `traffic` (again every second) until a drop of `reason` shows up;
// returns it, or a Drop with an empty reason after `timeout`. Every drop seen
// is listed for INFO.
netlab::trace::Drop wait_drop(netlab::trace::Session& s, const std::string& reason, const std::function<void()>& traffic,
                              std::string& seen, std::chrono::milliseconds timeout = 6s) {
  netlab::trace::Drop found;
  const auto end = std::chrono::steady_clock::now() + timeout;
  auto next_traffic = std::chrono::steady_clock::now();
  while (found.reason.empty() && std::chrono::steady_clock::now() < end) {
    if (std::chrono::steady_clock::now() >= next_traffic) {
      traffic();
      next_traffic = std::chrono::steady_clock::now() + 1s;
    }
    auto n = s.poll(100ms, [&](const netlab::trace::Event& ev) {
      if (const auto* d = std::get_if<netlab::trace::Drop>(&ev)) {
        seen += d->reason + " " + d->device + " " + d->location + "\n";
        if (d->reason == reason && found.reason.empty()) found = *d;
      }
    });
    REQUIRE(n.has_value());
  }
  return found;
}

void ping_once(const std::vector<std::string>& extra, const std::string& addr, const lab::PeerNetns* from = nullptr) {
  std::vector<std::string> argv = {"ping", "-n", "-c", "1", "-W", "1"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(addr);
  lab::run_in(from, argv);
}

// A view of tracefs for the test itself, independent of the library: a
// detached tracefs mount (attached to no tree), read through its fd.
class TracefsView {
 public:
  TracefsView() {
    int fs = ::fsopen("tracefs", FSOPEN_CLOEXEC);
    REQUIRE(fs >= 0);
    REQUIRE(::fsconfig(fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) == 0);
    fd_ = ::fsmount(fs, FSMOUNT_CLOEXEC, 0);
    ::close(fs);
    REQUIRE(fd_ >= 0);
  }
  ~TracefsView() { ::close(fd_); }
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }
  std::string read(const std::string& file) const {
    std::ifstream in(path() + "/" + file);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::vector<std::string> instances() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path() + "/instances"))
      out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  // The settings a session must never touch, and the other instances.
  std::string state() const {
    std::string s;
    for (const char* f : {"tracing_on", "current_tracer", "set_event", "buffer_size_kb", "trace_clock", "events/enable"})
      s += std::string(f) + "=" + read(f);
    return s;
  }
  bool has_instance(const std::string& name) const {
    auto list = instances();
    return std::find(list.begin(), list.end(), name) != list.end();
  }

 private:
  int fd_ = -1;
};

std::vector<std::string> ours(const std::vector<std::string>& list, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& n : list)
    if (n.rfind(prefix, 0) == 0) out.push_back(n);
  return out;
}

// Instances that appeared since `before` and whose process has exited: what
// a run left behind. Other drops tests run beside these ones, so a new
// instance of a process that still runs is not a leftover.
std::vector<std::string> left_behind(const std::vector<std::string>& now, const std::vector<std::string>& before) {
  std::vector<std::string> out;
  for (const auto& name : now) {
    if (std::find(before.begin(), before.end(), name) != before.end()) continue;
    const auto pid = name.substr(7, name.find('-', 7) - 7);  // netlab-PID-N
    if (::access(("/proc/" + pid).c_str(), F_OK) != 0) out.push_back(name);
  }
  return out;
}

}  // namespace

TEST_CASE("drops: NETFILTER_DROP from an nft rule in the peer, on the peer's device") {
  nltest::PrivateNetns ns;
  lab::PeerNetns peer;
  const std::string h = unique("dnf", "h"), p = unique("dnf", "p");
  pair(peer, h, p);
  peer.run({"nft", "add", "table", "inet", "t"});
  peer.run({"nft", "add", "chain", "inet", "t", "in", "{ type filter hook input priority 0; }"});
  REQUIRE(peer.run({"nft", "add", "rule", "inet", "t", "in", "icmp", "type", "echo-request", "drop"}).status == 0);
  auto s = open_on({h, p}, 0x0800);
  std::string seen;
  auto d = wait_drop(s, "NETFILTER_DROP", [] { ping_once({}, "192.0.2.2"); }, seen);
  INFO(seen);
  REQUIRE(d.reason == "NETFILTER_DROP");
  CHECK(d.device == p);
  CHECK(d.attribution == netlab::trace::Attribution::Certain);
  CHECK(d.location.rfind("nft_do_chain+0x", 0) == 0);
  CHECK(d.protocol == 0x0800);
  REQUIRE(d.length.has_value());
  CHECK(*d.length == 84);  // 20 IP + 8 ICMP + 56 data, as netif_receive_skb counts it
}

TEST_CASE("drops: OTHERHOST for a frame to another MAC, on the receiving device") {
  nltest::PrivateNetns ns;
  OtherHostLab l("dot");
  const std::string& p = l.p;
  auto s = open_on({p});
  std::string seen;
  auto d = wait_drop(s, "OTHERHOST", [] { ping_once({}, "192.0.2.2"); }, seen);
  INFO(seen);
  REQUIRE(d.reason == "OTHERHOST");
  CHECK(d.device == p);
  CHECK(d.location.rfind("ip_rcv_core+0x", 0) == 0);
}

TEST_CASE("drops: IP_RPFILTER for a source the peer routes elsewhere, and IP_INNOROUTES when it forwards without a route") {
  nltest::PrivateNetns ns;
  lab::PeerNetns peer;
  const std::string h = unique("drp", "h"), p = unique("drp", "p");
  pair(peer, h, p);
  ip_ok({"addr", "add", "203.0.113.5/32", "dev", "lo"});
  peer.write_proc("/proc/sys/net/ipv4/conf/all/rp_filter", "1");
  peer.write_proc("/proc/sys/net/ipv4/conf/" + p + "/rp_filter", "1");
  auto s = open_on({p}, 0x0800);
  std::string seen;
  // The peer's MAC first (from 192.0.2.1): an ARP request from 203.0.113.5
  // is silenced by the same check, but without a kfree_skb reason.
  ping_once({}, "192.0.2.2");
  auto d = wait_drop(s, "IP_RPFILTER", [] { ping_once({"-I", "203.0.113.5"}, "192.0.2.2"); }, seen);
  INFO(seen);
  REQUIRE(d.reason == "IP_RPFILTER");
  CHECK(d.device == p);

  peer.write_proc("/proc/sys/net/ipv4/conf/all/rp_filter", "0");
  peer.write_proc("/proc/sys/net/ipv4/conf/" + p + "/rp_filter", "0");
  peer.write_proc("/proc/sys/net/ipv4/ip_forward", "1");
  ip_ok({"route", "add", "198.51.100.0/24", "via", "192.0.2.2"});
  auto r = wait_drop(s, "IP_INNOROUTES", [] { ping_once({}, "198.51.100.9"); }, seen);
  INFO(seen);
  REQUIRE(r.reason == "IP_INNOROUTES");
  CHECK(r.device == p);
  CHECK(r.location.rfind("ip_error+0x", 0) == 0);
}

TEST_CASE("drops: NEIGH_FAILED for a neighbour that never answers, named by its neighbour event") {
  nltest::PrivateNetns ns;
  lab::PeerNetns peer;
  const std::string h = unique("dng", "h"), p = unique("dng", "p");
  pair(peer, h, p);
  // One probe, 100 ms apart: the entry fails within a poll or two.
  nltest::write_proc("/proc/sys/net/ipv4/neigh/" + h + "/mcast_solicit", "1");
  nltest::write_proc("/proc/sys/net/ipv4/neigh/" + h + "/retrans_time_ms", "100");
  auto s = open_on({h});
  std::string seen;
  auto d = wait_drop(s, "NEIGH_FAILED", [] { ping_once({}, "192.0.2.99"); }, seen);
  INFO(seen);
  REQUIRE(d.reason == "NEIGH_FAILED");
  CHECK(d.device == h);
  CHECK(d.attribution == netlab::trace::Attribution::Probable);
  CHECK(d.location.rfind("neigh_invalidate+0x", 0) == 0);
}

TEST_CASE("drops: BRIDGE_INGRESS_STP_STATE on a port still listening") {
  nltest::PrivateNetns ns;
  lab::PeerNetns peer;
  const std::string h = unique("dst", "h"), p = unique("dst", "p"), br = unique("dst", "b");
  lab::veth_to(peer, h, "", p);
  ip_ok({"addr", "add", "192.0.2.1/24", "dev", h});
  peer.ip_ok({"link", "add", br, "type", "bridge", "stp_state", "1", "forward_delay", "3000"});
  peer.ip_ok({"link", "set", br, "up"});
  peer.ip_ok({"link", "set", p, "master", br});
  auto s = open_on({p});
  std::string seen;
  auto d = wait_drop(s, "BRIDGE_INGRESS_STP_STATE", [] { ping_once({}, "192.0.2.2"); }, seen);
  INFO(seen);
  REQUIRE(d.reason == "BRIDGE_INGRESS_STP_STATE");
  CHECK(d.device == p);
  CHECK(d.location.rfind("br_handle_frame+0x", 0) == 0);
}

TEST_CASE("drops: PKT_TOO_BIG when the peer forwards onto a smaller MTU") {
  nltest::PrivateNetns ns;
  lab::PeerNetns peer;
  const std::string h = unique("dmt", "h"), p = unique("dmt", "p"), c0 = unique("dmt", "c"), c1 = unique("dmt", "d");
  pair(peer, h, p);
  peer.write_proc("/proc/sys/net/ipv4/ip_forward", "1");
  peer.ip_ok({"link", "add", c0, "mtu", "1280", "type", "veth", "peer", "name", c1, "mtu", "1280"});
  peer.ip_ok({"link", "set", c0, "up"});
  peer.ip_ok({"link", "set", c1, "up"});
  peer.ip_ok({"route", "add", "198.51.100.0/24", "dev", c0});
  ip_ok({"route", "add", "198.51.100.0/24", "via", "192.0.2.2"});
  auto s = open_on({p}, 0x0800);
  std::string seen;
  auto d = wait_drop(s, "PKT_TOO_BIG", [] { ping_once({"-s", "1400", "-M", "do"}, "198.51.100.9"); }, seen);
  INFO(seen);
  REQUIRE(d.reason == "PKT_TOO_BIG");
  CHECK(d.device == p);
  CHECK(d.location.rfind("ip_forward+0x", 0) == 0);
  REQUIRE(d.length.has_value());
  CHECK(*d.length == 1428);
}

TEST_CASE("drops: VXLAN_VNI_NOT_FOUND for a VNI the peer does not have") {
  nltest::PrivateNetns ns;
  lab::PeerNetns peer;
  const std::string h = unique("dvx", "h"), p = unique("dvx", "p"), v0 = unique("dvx", "v"), v1 = unique("dvx", "w");
  pair(peer, h, p);
  ip_ok({"link", "add", v0, "type", "vxlan", "id", "42", "remote", "192.0.2.2", "dstport", "4789", "dev", h});
  ip_ok({"link", "set", v0, "up"});
  ip_ok({"addr", "add", "203.0.113.1/24", "dev", v0});
  peer.ip_ok({"link", "add", v1, "type", "vxlan", "id", "43", "local", "192.0.2.2", "dstport", "4789", "dev", p});
  peer.ip_ok({"link", "set", v1, "up"});
  auto s = open_on({p});
  std::string seen;
  auto d = wait_drop(s, "VXLAN_VNI_NOT_FOUND", [] { ping_once({}, "203.0.113.2"); }, seen);
  INFO(seen);
  REQUIRE(d.reason == "VXLAN_VNI_NOT_FOUND");
  CHECK(d.device == p);
  CHECK(d.location.rfind("vxlan_rcv+0x", 0) == 0);
}

TEST_CASE("drops: the same device name in two namespaces makes the attribution probable, never wrong") {
  nltest::PrivateNetns ns;
  lab::PeerNetns peer_a, peer_b;
  // Both labs: "<name>p" in a peer, the host ends differ (one namespace
  // cannot hold two devices of one name).
  const std::string p = unique("dtw", "p");
  lab::veth_to(peer_a, unique("dtw", "a"), "", p);
  lab::veth_to(peer_b, unique("dtw", "b"), "", p);
  ip_ok({"addr", "add", "192.0.2.1/24", "dev", unique("dtw", "a")});
  ip_ok({"addr", "add", "198.51.100.1/24", "dev", unique("dtw", "b")});
  peer_a.ip_ok({"addr", "add", "192.0.2.2/24", "dev", p});
  peer_b.ip_ok({"addr", "add", "198.51.100.2/24", "dev", p});
  for (auto* peer : {&peer_a, &peer_b}) {
    peer->run({"nft", "add", "table", "inet", "t"});
    peer->run({"nft", "add", "chain", "inet", "t", "in", "{ type filter hook input priority 0; }"});
    REQUIRE(peer->run({"nft", "add", "rule", "inet", "t", "in", "icmp", "type", "echo-request", "drop"}).status == 0);
  }
  CHECK(netlab::trace::namespaces_with_device(p) >= 2);
  auto s = open_on({p}, 0x0800);
  std::string seen;
  auto d = wait_drop(s, "NETFILTER_DROP", [] {
    ping_once({}, "192.0.2.2");
    ping_once({}, "198.51.100.2");
  }, seen);
  INFO(seen);
  REQUIRE(d.reason == "NETFILTER_DROP");
  CHECK(d.device == p);
  CHECK(d.attribution == netlab::trace::Attribution::Probable);
}

TEST_CASE("drops: a session changes nothing outside its instance and removes it") {
  TracefsView view;
  const std::string before = view.state();
  const auto others = view.instances();
  std::string name;
  {
    auto s = open_on({"lo"});
    name = s.instance_name();
    CHECK(name == "netlab-" + std::to_string(::getpid()) + "-" + name.substr(name.rfind('-') + 1));
    CHECK(view.has_instance(name));
    CHECK(view.read("instances/" + name + "/events/skb/kfree_skb/enable") == "1\n");
    CHECK(view.read("instances/" + name + "/trace_clock").find("[mono]") != std::string::npos);
    CHECK(view.state() == before);
  }
  CHECK_FALSE(view.has_instance(name));
  CHECK(view.state() == before);
  // Other instances (of other tests, perf, trace-cmd) are still there.
  for (const auto& o : others)
    if (o.rfind("netlab-", 0) != 0) CHECK(view.has_instance(o));
}

TEST_CASE("drops: a stale netlab instance whose process is gone is removed, a live one is kept") {
  TracefsView view;
  // A pid that ran and is gone: a child that exited and was reaped.
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  const std::string stale = "netlab-" + std::to_string(child) + "-7";
  const std::string live = "netlab-" + std::to_string(::getppid()) + "-9";  // our parent (ctest) runs
  REQUIRE(::mkdir((view.path() + "/instances/" + stale).c_str(), 0750) == 0);
  REQUIRE(::mkdir((view.path() + "/instances/" + live).c_str(), 0750) == 0);
  auto removed = netlab::trace::remove_stale_instances();
  REQUIRE(removed.has_value());  // (the count: another netlab starting now may remove it first)
  CHECK_FALSE(view.has_instance(stale));
  CHECK(view.has_instance(live));
  ::rmdir((view.path() + "/instances/" + live).c_str());
}

TEST_CASE("drops: two sessions at once work independently") {
  nltest::PrivateNetns ns;
  OtherHostLab l("d2s");
  const std::string& p = l.p;
  auto a = open_on({p});
  auto b = open_on({p});
  CHECK(a.instance_name() != b.instance_name());
  std::string seen;
  CHECK(wait_drop(a, "OTHERHOST", [] { ping_once({}, "192.0.2.2"); }, seen).device == p);
  CHECK(wait_drop(b, "OTHERHOST", [] {}, seen, 2s).device == p);  // the same drops, in its own buffer
}

TEST_CASE("drops: an unknown reason is a usage error naming the kernel's names, and no instance is made") {
  TracefsView view;
  const auto before = ours(view.instances(), "netlab-" + std::to_string(::getpid()) + "-");
  netlab::trace::Options o;
  o.reason = "NETFILTER_DORP";
  auto s = netlab::trace::Session::open(o);
  REQUIRE_FALSE(s.has_value());
  CHECK(s.error().kind == netlab::Errc::Usage);
  CHECK(s.error().message().find("NETFILTER_DROP") != std::string::npos);
  CHECK(ours(view.instances(), "netlab-" + std::to_string(::getpid()) + "-") == before);
}

// ---- the CLI ------------------------------------------------------------------

TEST_CASE("drops CLI: one line per drop and the summary, JSON lines, exit 0") {
  nltest::PrivateNetns ns;
  OtherHostLab l("dcl");
  const std::string& p = l.p;
  lab::Background text({NETLAB_CLI_PATH, "drops", "-i", p, "-p", "ip", "--reason", "otherhost", "-c", "2", "--duration", "8"});
  lab::Background json({NETLAB_CLI_PATH, "drops", "-i", p, "-j", "-c", "1", "--duration", "8", "--reason", "OTHERHOST"});
  std::this_thread::sleep_for(500ms);  // both sessions open
  lab::wait_for([&] {
    ping_once({}, "192.0.2.2");
    return !text.running() && !json.running();
  }, 7s);
  INFO(text.describe() << json.describe());
  CHECK(text.stop() == 0);
  CHECK(json.stop() == 0);
  CHECK(lab::contains(text.out(), " " + p + " IPv4 OTHERHOST at ip_rcv_core+0x"));
  CHECK(lab::contains(text.out(), "2 drops\n"));
  // One JSON object per line: the drop, then the summary.
  std::vector<testjson::Value> lines;
  std::istringstream in(json.out());
  for (std::string line; std::getline(in, line);) REQUIRE_NOTHROW(lines.push_back(testjson::parse(line)));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["reason"].str() == "OTHERHOST");
  CHECK(lines[0]["dev"].str() == p);
  CHECK(lines[0]["attribution"].str() == "certain");
  CHECK(lines[0]["protocol"].str() == "IPv4");
  CHECK(lines[0]["ethertype"].num() == 2048);
  CHECK(lines[0]["length"].num() == 84);
  CHECK(lines[1]["summary"]["drops"].num() == 1);
  CHECK(lines[1]["summary"]["rows"].array().size() == 1);
}

TEST_CASE("drops CLI: nothing matched is exit 3, SIGTERM ends it cleanly, no instance left") {
  TracefsView view;
  const auto before = ours(view.instances(), "netlab-");
  auto quiet = nltest::netlab({"drops", "-i", "lo", "--reason", "TCP_MD5FAILURE", "--duration", "0.3"});
  CHECK(quiet.status == 3);
  CHECK(lab::contains(quiet.out, "0 drops"));
  lab::Background run({NETLAB_CLI_PATH, "drops", "-i", "lo", "--duration", "30"});
  REQUIRE(lab::wait_for([&] { return ours(view.instances(), "netlab-" + std::to_string(run.pid()) + "-").size() == 1; }, 5s));
  CHECK(run.stop() == 3);  // SIGTERM: the loop ends, the summary prints, nothing matched
  CHECK(ours(view.instances(), "netlab-" + std::to_string(run.pid()) + "-").empty());
  lab::Background interrupted({NETLAB_CLI_PATH, "drops", "-i", "lo", "--duration", "30"});
  const std::string its = "netlab-" + std::to_string(interrupted.pid()) + "-";
  REQUIRE(lab::wait_for([&] { return ours(view.instances(), its).size() == 1; }, 5s));
  ::kill(interrupted.pid(), SIGINT);
  CHECK(lab::wait_for([&] { return !interrupted.running(); }, 3s));
  CHECK(interrupted.stop() == 3);
  CHECK(lab::contains(interrupted.out(), "0 drops"));
  CHECK(ours(view.instances(), its).empty());
}

TEST_CASE("drops CLI: bad input is exit 2 with one stderr line, before anything is opened") {
  TracefsView view;
  const auto before = ours(view.instances(), "netlab-");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"drops", "-c", "0"},
           {"drops", "-c", "x"},
           {"drops", "--duration", "0"},
           {"drops", "--duration", "90000"},
           {"drops", "-p", "0x10"},
           {"drops", "-p", "tcp"},
           {"drops", "--reason", "no such"},
           {"drops", "--reason", "NETFILTER_DORP"},
           {"drops", "-i", "bad/name"},
           {"drops", "--list-reasons", "-c", "1"},
       }) {
    auto r = nltest::netlab(args);
    INFO(args[1] << " " << args[2] << ": " << r.err);
    CHECK(r.status == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.out.empty());
  }
  auto dorp = nltest::netlab({"drops", "--reason", "NETFILTER_DORP"});
  CHECK(lab::contains(dorp.err, "kernel's names"));
  CHECK(lab::contains(dorp.err, "NETFILTER_DROP"));
  // No instance of these runs stayed.
  CHECK(left_behind(ours(view.instances(), "netlab-"), before).empty());
}

TEST_CASE("drops CLI: --list-reasons prints the kernel's names") {
  auto r = nltest::netlab({"drops", "--list-reasons"});
  REQUIRE(r.status == 0);
  for (const char* reason : {"NOT_SPECIFIED\n", "NETFILTER_DROP\n", "OTHERHOST\n", "NEIGH_FAILED\n"})
    CHECK(lab::contains(r.out, reason));
}

TEST_CASE("drops CLI: a read-only tracefs is one line that says so, exit 1, nothing left") {
  TracefsView view;
  const auto before = ours(view.instances(), "netlab-");
  // A private mount namespace (util-linux unshare) where the only tracefs
  // is a read-only bind of it: netlab finds it mounted and cannot write.
  char dir[] = "/tmp/netlab-drops-ro-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  const std::string script = std::string("mount --make-rprivate / && mount -t tracefs nodev ") + dir +
                             " && mount -o remount,bind,ro " + dir + " && exec " + NETLAB_CLI_PATH +
                             " drops --duration 0.2";
  auto r = nltest::run({"unshare", "-m", "sh", "-c", script});
  ::rmdir(dir);
  INFO(r.err);
  CHECK(r.status == 1);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(lab::contains(r.err, "read-only"));
  CHECK(left_behind(ours(view.instances(), "netlab-"), before).empty());
}

TEST_CASE("drops CLI: an unprivileged user is told which capability is missing") {
  auto r = nltest::run({"setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--inh-caps=-all",
                        NETLAB_CLI_PATH, "drops", "--duration", "0.2"});
  INFO(r.err);
  CHECK(r.status == 1);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  // Where tracefs is not mounted, mounting it needs CAP_SYS_ADMIN; where it
  // is, its files are root's.
  CHECK((lab::contains(r.err, "CAP_SYS_ADMIN") || lab::contains(r.err, "CAP_DAC_OVERRIDE")));
}

TEST_CASE("drops: a reader slower than the kernel is told how many events were lost") {
  nltest::PrivateNetns ns;
  OtherHostLab l("dls");
  const std::string& p = l.p;
  netlab::trace::Options o;
  o.devices = {p};
  o.buffer_kib = 8;  // a few pages per CPU
  auto s = netlab::trace::Session::open(o);
  REQUIRE(s.has_value());
  // 3000 OTHERHOST drops while nobody reads.
  lab::run_in(nullptr, {"ping", "-n", "-q", "-l", "3000", "-c", "3000", "-w", "2", "192.0.2.2"});
  std::uint64_t lost_seen = 0, drops = 0;
  for (int i = 0; i < 5; ++i)
    REQUIRE(s->poll(50ms, [&](const netlab::trace::Event& ev) {
      if (const auto* lost = std::get_if<netlab::trace::Lost>(&ev)) lost_seen += lost->count ? lost->count : 1;
      if (std::holds_alternative<netlab::trace::Drop>(ev)) ++drops;
    }).has_value());
  INFO(drops << " drops read, " << lost_seen << " lost");
  CHECK(lost_seen > 0);
  CHECK(s->lost_events() >= lost_seen);
  CHECK(drops < 3000);
}

TEST_CASE("drops: neighbour events name the device, address, states, the writer's pid and the MAC") {
  nltest::PrivateNetns ns;
  lab::PeerNetns peer;
  const std::string h = unique("dne", "h"), p = unique("dne", "p");
  pair(peer, h, p);
  nltest::write_proc("/proc/sys/net/ipv4/neigh/" + h + "/mcast_solicit", "1");
  nltest::write_proc("/proc/sys/net/ipv4/neigh/" + h + "/retrans_time_ms", "100");
  netlab::trace::Options o;
  o.drops = false;
  o.neigh = true;
  o.devices = {h};
  auto s = netlab::trace::Session::open(o);
  REQUIRE(s.has_value());
  ip_ok({"neigh", "replace", "192.0.2.7", "lladdr", "02:00:5e:00:53:07", "dev", h, "nud", "permanent"});
  ping_once({}, "192.0.2.99");  // INCOMPLETE, then FAILED after one probe
  std::vector<netlab::trace::NeighEvent> events;
  bool permanent = false, failed = false;
  lab::wait_for([&] {
    REQUIRE(s->poll(100ms, [&](const netlab::trace::Event& ev) {
      if (const auto* n = std::get_if<netlab::trace::NeighEvent>(&ev)) {
        events.push_back(*n);
        const std::string addr = n->address ? n->address->to_string() : "";
        if (addr == "192.0.2.7" && n->new_state == 0x80 && n->pid != 0 && n->lladdr &&
            n->lladdr->to_string() == "02:00:5e:00:53:07" && n->device == h)
          permanent = true;
        if (addr == "192.0.2.99" && n->new_state == 0x20 && n->device == h) failed = true;
      }
    }).has_value());
    return permanent && failed;
  }, 5s);
  std::string seen;
  for (const auto& e : events)
    seen += e.event + " " + e.device + " " + (e.address ? e.address->to_string() : "-") + " " +
            std::to_string(e.old_state) + "->" + std::to_string(e.new_state) + " pid " + std::to_string(e.pid) + "\n";
  INFO(seen);
  CHECK(permanent);
  CHECK(failed);
}

TEST_CASE("capture --drops: the kernel's drop lines between the packet lines, text and JSON, no instance left") {
  nltest::PrivateNetns ns;
  TracefsView view;
  OtherHostLab l("cpd");
  const std::string& p = l.p;
  // The capture runs in the peer's namespace, on the device that drops.
  lab::Background text({NETLAB_CLI_PATH, "-n", l.peer.path(), "capture", "-i", p, "-n", "-l", "--drops", "-c", "2", "icmp"});
  lab::Background json({NETLAB_CLI_PATH, "-n", l.peer.path(), "capture", "-i", p, "-l", "-j", "--drops", "-c", "2", "icmp"});
  const std::string text_instance = "netlab-" + std::to_string(text.pid()) + "-";
  const std::string json_instance = "netlab-" + std::to_string(json.pid()) + "-";
  REQUIRE(lab::wait_for([&] {
    return ours(view.instances(), text_instance).size() == 1 && ours(view.instances(), json_instance).size() == 1;
  }, 5s));
  std::this_thread::sleep_for(300ms);  // the captures are open once the instances are
  lab::wait_for([&] {
    ping_once({}, "192.0.2.2");
    return !text.running() && !json.running();
  }, 8s);
  INFO(text.describe() << json.describe());
  CHECK(text.stop() == 0);
  CHECK(json.stop() == 0);
  // Each echo request to another MAC: its packet line, then the kernel's
  // drop of it on the same device.
  const std::string out = text.out();
  const auto packet = out.find("IP 192.0.2.1 > 192.0.2.2: ICMP echo request");
  const auto drop = out.find(" kernel drop: " + p + " IPv4 OTHERHOST at ip_rcv_core+0x");
  REQUIRE(packet != std::string::npos);
  REQUIRE(drop != std::string::npos);
  CHECK(packet < drop);
  CHECK(lab::contains(text.err(), " dropped by the kernel's stack (--drops)"));
  bool saw_packet = false, saw_drop = false;
  std::istringstream in(json.out());
  for (std::string line; std::getline(in, line);) {
    testjson::Value v;
    REQUIRE_NOTHROW(v = testjson::parse(line));
    if (v.has("kernel_drop")) {
      saw_drop = saw_drop || (v["kernel_drop"]["reason"].str() == "OTHERHOST" && v["kernel_drop"]["dev"].str() == p);
    } else {
      saw_packet = true;
    }
  }
  CHECK(saw_packet);
  CHECK(saw_drop);
  CHECK(ours(view.instances(), text_instance).empty());
  CHECK(ours(view.instances(), json_instance).empty());
}

TEST_CASE("capture --drops: with -r, -w or -Z it is a usage error and opens nothing") {
  TracefsView view;
  const auto before = ours(view.instances(), "netlab-");
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"-r", "/dev/null"}, {"-i", "lo", "-w", "/tmp/netlab-capture-drops-never.pcap"}, {"-i", "lo", "-Z", "nobody"}}) {
    std::vector<std::string> argv{"capture", "--drops"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto r = nltest::netlab(argv);
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(lab::contains(r.err, "--drops"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  CHECK(!std::filesystem::exists("/tmp/netlab-capture-drops-never.pcap"));
  CHECK(left_behind(ours(view.instances(), "netlab-"), before).empty());
}
