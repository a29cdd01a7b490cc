// Kernel evidence in the diagnosis (issue 14 §3): `netlab arp diagnose` reads
// the kernel's drop reasons while it watches, puts them on the findings whose
// mechanism leaves them, lists them in an unexplained verdict, and says so
// (and diagnoses as before) where tracing is unavailable.
//
// The tracepoints are global and other tests drop packets at the same time,
// so every lab's device names carry this process's pid: the diagnosis only
// reads drops on its own interfaces, and with unique names their device is
// certain.
#include "lab_support.hpp"

#include <algorithm>
#include <filesystem>
#include <thread>

#include <unistd.h>

using namespace std::chrono_literals;
namespace lab = nltest::lab;
using lab::contains;
using lab::field;
using nltest::ip_ok;
using testjson::Value;

namespace {

std::string unique(const std::string& prefix, const std::string& suffix) {
  return prefix + std::to_string(::getpid() % 1000000) + suffix;
}

// The kernel lines of a finding (evidence of type "kernel").
std::vector<const Value*> kernel_evidence(const Value& finding) {
  std::vector<const Value*> out;
  for (const auto& e : finding.object().at("evidence").array())
    if (field(e, "type") == "kernel") out.push_back(&e);
  return out;
}

std::vector<std::string> notes(const lab::Diagnosis& d) {
  std::vector<std::string> out;
  if (d.json && d.json->has("notes"))
    for (const auto& n : d.json->object().at("notes").array()) out.push_back(n.str());
  return out;
}

bool any_note(const lab::Diagnosis& d, std::string_view needle) {
  auto n = notes(d);
  return std::any_of(n.begin(), n.end(), [&](const std::string& s) { return contains(s, needle); });
}

// C17's lab (test_diag_arp_l2.cpp) with names of its own: a bridge, a guest
// behind a veth port, and libvirt's no-arp-spoofing with a wrong IP in nft's
// words, dropping the guest's replies between the port and the bridge.
struct BridgeFilterLab {
  std::string br = unique("kbr", ""), port = unique("kvn", "");
  lab::PeerNetns vm;
  BridgeFilterLab() {
    ip_ok({"link", "add", br, "type", "bridge"});
    ip_ok({"link", "set", br, "up"});
    ip_ok({"addr", "add", "192.0.2.193/26", "dev", br});
    lab::veth_to(vm, port, br);
    vm.ip_ok({"addr", "add", "192.0.2.217/26", "dev", "eth0"});
    lab::sh_ok("nft -f - <<'EOF'\n"
               "table bridge kev17 {\n"
               "  chain in {\n"
               "    type filter hook prerouting priority -200; policy accept;\n"
               "    iifname \"" + port + "\" ether type arp arp saddr ip != 192.0.2.218 counter drop\n"
               "  }\n"
               "}\n"
               "EOF\n");
  }
};

}  // namespace

TEST_CASE("arp diagnose kernel evidence: a C17 finding carries the NETFILTER_DROP of the guest's replies on its port") {
  nltest::PrivateNetns lab_ns;
  BridgeFilterLab l;

  const auto d = lab::diagnose(l.br, "192.0.2.217");
  const Value& f = lab::require_fault_among(d, "bridge-filter-drops-arp", "C17");
  INFO(d.describe());
  const auto lines = kernel_evidence(f);
  REQUIRE(lines.size() >= 1);
  const Value& k = *lines.front();
  CHECK(field(k, "reason") == "NETFILTER_DROP");
  CHECK(contains(field(k, "location"), "nft_do_chain+0x"));
  CHECK(field(k, "interface") == l.port);
  CHECK(field(k, "protocol") == "ARP");
  CHECK(k.object().at("count").num() >= 1);
  CHECK_FALSE(k.has("probable"));  // the port's name is this lab's alone
  CHECK(contains(field(k, "text"), "the kernel dropped "));
  CHECK(contains(field(k, "text"), " at nft_do_chain (NETFILTER_DROP) on " + l.port));
  // Only the finding whose mechanism it is carries it.
  for (const auto& other : d.findings())
    if (field(other, "cause") != "bridge-filter-drops-arp") CHECK(kernel_evidence(other).empty());
  CHECK_FALSE(any_note(d, "kernel evidence"));

  // The text says the same in its evidence list: the guest's replies.
  auto text = nltest::netlab({"arp", "diagnose", l.br, "192.0.2.217", "--duration", lab::kDiagnoseSeconds});
  INFO(text.out);
  CHECK(text.status == 3);
  CHECK(contains(text.out, "    kernel       the kernel dropped "));
  CHECK(contains(text.out, "ARP repl"));
  CHECK(contains(text.out, " at nft_do_chain (NETFILTER_DROP) on " + l.port + "\n"));

  // Watched for 4 s, the entry the first echo made fails (3 solicitations
  // a second apart) during the watch: the kernel's timer says when, where
  // the samples would say it within 100 ms.
  auto whole = nltest::netlab({"arp", "diagnose", l.br, "192.0.2.217", "--duration", "4", "--whole-duration"});
  INFO(whole.out);
  CHECK(whole.status == 3);
  CHECK(contains(whole.out, "(kernel transitions: "));
  CHECK(contains(whole.out, "INCOMPLETE -> FAILED at +"));
  CHECK(contains(whole.out, " (the kernel's timer)"));
}

TEST_CASE("arp diagnose kernel evidence: an unexplained verdict lists the drops on the lab's interfaces") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns peer;
  const std::string h = unique("kun", "h");
  lab::veth_to(peer, h, "", "eth0");
  ip_ok({"addr", "add", "192.0.2.1/24", "dev", h});
  peer.ip_ok({"addr", "add", "192.0.2.2/24", "dev", "eth0"});
  // The peer's own firewall swallows every ARP: no reply, nothing on the
  // host says why. Its drops happen in its namespace, on a device the
  // diagnosis does not watch.
  auto nft = peer.run({"nft", "add table arp f; add chain arp f in { type filter hook input priority 0; policy drop; }"});
  INFO(nft.err);
  REQUIRE(nft.status == 0);
  // A ping started before the watch leaves its echo parked on an entry that
  // fails during it: the kernel frees it with NEIGH_FAILED.
  lab::Background pinger({"ping", "-c", "1", "-W", "4", "192.0.2.2"});
  std::this_thread::sleep_for(1500ms);

  const auto d = lab::diagnose(h, "192.0.2.2");
  INFO(d.describe());
  REQUIRE(d.json.has_value());
  REQUIRE(d.verdict() == "unexplained");
  REQUIRE(d.json->has("kernel_drops"));
  const auto& drops = d.json->object().at("kernel_drops").array();
  REQUIRE_FALSE(drops.empty());
  bool neigh_failed = false, peer_filter = false;
  for (const auto& k : drops) {
    CHECK(field(k, "type") == "kernel");
    CHECK(field(k, "interface") == h);  // the lab's interface only
    neigh_failed = neigh_failed || (field(k, "reason") == "NEIGH_FAILED" &&
                                    contains(field(k, "location"), "neigh_invalidate"));
    // Our requests left through the veth and the peer's ARP filter dropped
    // them in its namespace: said as such, not as a drop on this host.
    if (field(k, "reason") == "NETFILTER_DROP") {
      peer_filter = true;
      CHECK(k.has("beyond"));
      CHECK(contains(field(k, "text"), "past " + h + " (in its peer's namespace)"));
    }
  }
  CHECK(neigh_failed);
  CHECK(peer_filter);

  auto text = nltest::netlab({"arp", "diagnose", h, "192.0.2.2", "--duration", "1"});
  INFO(text.out);
  CHECK(text.status == 4);
}

TEST_CASE("arp diagnose kernel evidence: a read-only tracefs is a note and the same verdict") {
  nltest::PrivateNetns lab_ns;
  BridgeFilterLab l;
  const auto traced = lab::diagnose(l.br, "192.0.2.217");
  lab::require_fault_among(traced, "bridge-filter-drops-arp", "C17");

  // A private mount namespace where the only tracefs is a read-only bind:
  // netlab finds it mounted and cannot make its instance.
  char dir[] = "/tmp/netlab-diag-ro-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  const std::string script = std::string("mount --make-rprivate / && mount -t tracefs nodev ") + dir +
                             " && mount -o remount,bind,ro " + dir + " && exec " + NETLAB_CLI_PATH +
                             " -j arp diagnose " + l.br + " 192.0.2.217 --duration " + lab::kDiagnoseSeconds;
  lab::Diagnosis ro;
  ro.result = nltest::run({"unshare", "-m", "sh", "-c", script});
  ::rmdir(dir);
  ro.json = testjson::parse(ro.result.out);
  INFO(ro.result.out << ro.result.err);
  CHECK(ro.result.err.empty());
  CHECK(ro.status() == traced.status());
  CHECK(ro.verdict() == traced.verdict());
  CHECK(ro.fault_causes() == traced.fault_causes());
  CHECK(any_note(ro, "kernel evidence: not available ("));
  CHECK(any_note(ro, "read-only"));
  for (const auto& f : ro.findings()) CHECK(kernel_evidence(f).empty());
}
