// Every cause of the catalog, replayed from a recording of its own
// integration lab: tests/data/diag/<Cxx>-<slug>.json holds the snapshots and
// observations `netlab arp|ndp diagnose --save-evidence` saved while the lab
// was broken (tests/data/diag/README.md says how they were recorded), and
// ok-<lab>.json those of healthy labs. No privilege, no namespace, no wire:
// the rules run on what the kernel and the wire really gave.
//
// For each cause: its rule alone (run_rule) finds it in the recording, and
// analyse() over the whole recording gives the verdict and findings the
// diagnosis printed when it was recorded. A cause added to the catalog
// without a recording fails "diag causes: every catalogued cause has a
// recorded lab".
#include <netlab/diag.hpp>
#include <netlab/json.hpp>

#include "evidence_load.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace netlab;
using namespace netlab::diag;
namespace fs = std::filesystem;

namespace {

// Causes that have no recorded lab, and why; each has its hand-built case
// in test_diag_rules.cpp. A recording for one of them must come with its
// removal from here (the catalog test checks both ways).
const std::map<std::string, std::string> kNoLab{
    {"C32", "this kernel has no bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING off), so no lab can "
            "turn it on; the rule can only say 'not observable'"},
    {"C34", "the neighbour table and its gc_thresh limits are shared by every network namespace (and the "
            "limits are not even visible in a child namespace): filling it would fill the host's"},
};

fs::path fixture_dir() { return fs::path(NETLAB_DIAG_FIXTURES); }

// The recordings whose names start with `prefix` ("C01-", "ok-"), sorted.
std::vector<fs::path> fixtures(const std::string& prefix) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fixture_dir())) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() == ".json" && name.rfind(prefix, 0) == 0) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

const CauseInfo* cause_by_id(std::string_view id) {
  for (const auto& c : catalog())
    if (c.id == id) return &c;
  return nullptr;
}

std::string finding_line(std::string_view id, std::string_view cause, Severity s) {
  return std::string(id) + " " + std::string(cause) + " " + std::string(severity_name(s));
}

// analyse() over the recording says what the diagnosis said when it ran.
void require_same_report(const Recording& rec) {
  const Report r = analyse(rec);
  std::vector<std::string> got, want;
  for (const auto& f : r.findings) got.push_back(finding_line(f.id, f.cause, f.severity));
  for (const auto& f : rec.findings) want.push_back(finding_line(f.id, f.cause, f.severity));
  CHECK(verdict_name(r.verdict) == verdict_name(rec.verdict));
  CHECK(got == want);
}

void check_cause(std::string_view id, std::string_view slug) {
  const CauseInfo* info = cause_by_id(id);
  REQUIRE(info != nullptr);
  REQUIRE(info->cause == slug);
  const auto files = fixtures(std::string(id) + "-");
  REQUIRE_FALSE(files.empty());
  for (const auto& file : files) {
    INFO("recording " << file.filename().string());
    const Recording rec = nltest::load_recording_file(file.string());
    REQUIRE_FALSE(rec.examined.empty());
    // The file is named after a cause its diagnosis found.
    REQUIRE(std::any_of(rec.findings.begin(), rec.findings.end(), [&](const RecordedFinding& f) { return f.id == id; }));
    // The cause's rule alone finds it in one of the pairs examined.
    AnalyseOptions ao;
    ao.netns_arg = rec.options.netns_arg;
    bool found = false;
    for (const auto& e : rec.examined) {
      const auto one = run_rule(info->cause, e.snapshot, e.observation, ao);
      INFO((one ? "" : one.error().message()));
      REQUIRE(one.has_value());
      for (const auto& f : one->findings) {
        CHECK(f.cause == info->cause);
        if (f.id == id) {
          found = true;
          CHECK_FALSE(f.summary.empty());
          CHECK_FALSE(f.evidence.empty());
          if (f.severity != Severity::Info) CHECK_FALSE(f.fix.empty());
        }
      }
    }
    CHECK(found);
    require_same_report(rec);
  }
}

// One test per cause, so ctest names the cause that broke; the registrar
// lets the catalog test see which causes have one.
std::set<std::string>& cause_tests() {
  static std::set<std::string> ids;
  return ids;
}
struct CauseTest {
  explicit CauseTest(const char* id) { cause_tests().insert(id); }
};

}  // namespace

#define NETLAB_CAUSE_TEST(ID, SLUG)                                                  \
  static const CauseTest cause_test_##ID{#ID};                                       \
  TEST_CASE("diag causes: " #ID " " SLUG " is found in its lab's recording") {       \
    check_cause(#ID, SLUG);                                                          \
  }

NETLAB_CAUSE_TEST(C20, "noarp-interface")
NETLAB_CAUSE_TEST(C52, "interface-down")
NETLAB_CAUSE_TEST(C05, "no-carrier")
NETLAB_CAUSE_TEST(C01, "ip-on-bridge-port")
NETLAB_CAUSE_TEST(C04, "route-via-other-interface")
NETLAB_CAUSE_TEST(C07, "stp-port-not-forwarding")
NETLAB_CAUSE_TEST(C08, "port-disabled")
NETLAB_CAUSE_TEST(C09, "port-isolated")
NETLAB_CAUSE_TEST(C06, "port-not-in-bridge")
NETLAB_CAUSE_TEST(C02, "host-owns-target-address")
NETLAB_CAUSE_TEST(C03, "duplicate-guest-address")
NETLAB_CAUSE_TEST(C16, "invalid-guest-mac")
NETLAB_CAUSE_TEST(C14, "malformed-reply")
NETLAB_CAUSE_TEST(C21, "stale-permanent-neighbour")
NETLAB_CAUSE_TEST(C10, "arp-ignore")
NETLAB_CAUSE_TEST(C11, "reverse-path-filter")
NETLAB_CAUSE_TEST(C12, "offlink-arp-source")
NETLAB_CAUSE_TEST(C13, "proxy-arp-without-forwarding")
NETLAB_CAUSE_TEST(C27, "ipv6-disabled")
NETLAB_CAUSE_TEST(C26, "no-link-local")
NETLAB_CAUSE_TEST(C22, "dad-failed")
NETLAB_CAUSE_TEST(C23, "ra-ignored")
NETLAB_CAUSE_TEST(C28, "na-without-tlla")
NETLAB_CAUSE_TEST(C24, "no-router-advertisement")
NETLAB_CAUSE_TEST(C30, "ra-prefix-not-64")
NETLAB_CAUSE_TEST(C31, "no-onlink-prefix")
NETLAB_CAUSE_TEST(C25, "mld-snooping")
NETLAB_CAUSE_TEST(C17, "bridge-filter-drops-arp")
NETLAB_CAUSE_TEST(C29, "icmpv6-filtered")
NETLAB_CAUSE_TEST(C18, "br-netfilter-forward-drop")
NETLAB_CAUSE_TEST(C19, "mtu-mismatch")
NETLAB_CAUSE_TEST(C54, "macvtap-host-isolation")
NETLAB_CAUSE_TEST(C15, "target-not-configured")
NETLAB_CAUSE_TEST(C33, "bridge-mac-changed")

TEST_CASE("diag causes: every catalogued cause has a recorded lab and a test") {
  std::set<std::string> ids;
  for (const auto& c : catalog()) {
    const std::string id(c.id);
    ids.insert(id);
    INFO("cause " << id << " " << c.cause);
    const bool recorded = !fixtures(id + "-").empty();
    if (kNoLab.count(id)) {
      CHECK_FALSE(recorded);  // recorded now: take it off kNoLab, add its NETLAB_CAUSE_TEST
    } else {
      CHECK(recorded);  // record its lab: tests/data/diag/README.md
      CHECK(cause_tests().count(id) == 1);
    }
  }
  // Nothing recorded for a cause the catalog no longer has.
  for (const auto& e : fs::directory_iterator(fixture_dir())) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() != ".json" || name.rfind("ok-", 0) == 0 || name.rfind("unexplained-", 0) == 0) continue;
    INFO("recording " << name);
    CHECK(ids.count(name.substr(0, name.find('-'))) == 1);
  }
  for (const auto& [id, why] : kNoLab) {
    INFO(id);
    CHECK(ids.count(id) == 1);
    CHECK_FALSE(why.empty());
  }
}

TEST_CASE("diag causes: healthy labs' recordings read ok, and no rule finds a fault in them") {
  const auto files = fixtures("ok-");
  REQUIRE(files.size() >= 3);
  for (const auto& file : files) {
    INFO("recording " << file.filename().string());
    const Recording rec = nltest::load_recording_file(file.string());
    REQUIRE_FALSE(rec.examined.empty());
    REQUIRE(rec.verdict == Verdict::Ok);
    require_same_report(rec);
    const Report r = analyse(rec);
    CHECK(r.verdict == Verdict::Ok);
    for (const auto& f : r.findings) CHECK(f.severity != Severity::Fault);
    // Each rule alone, too (a rule that only its dependants' findings hold
    // back would show here).
    for (const auto& c : catalog()) {
      const bool applies = c.family == "both" || (c.family == "ipv4") == (rec.options.family == Family::Inet);
      if (!applies) continue;
      for (const auto& e : rec.examined) {
        const auto one = run_rule(c.cause, e.snapshot, e.observation);
        REQUIRE(one.has_value());
        for (const auto& f : one->findings) {
          INFO("cause " << c.id << " " << c.cause);
          CHECK(f.severity != Severity::Fault);
        }
      }
    }
  }
}

TEST_CASE("diag causes: every recording replays to the verdict and findings it printed") {
  // Healthy (ok-), unexplained (unexplained-) and cause recordings alike.
  const auto files = fixtures("");
  REQUIRE_FALSE(files.empty());
  std::set<Verdict> seen;
  for (const auto& file : files) {
    INFO("recording " << file.filename().string());
    const Recording rec = nltest::load_recording_file(file.string());
    require_same_report(rec);
    seen.insert(rec.verdict);
  }
  CHECK(seen == std::set<Verdict>{Verdict::Ok, Verdict::Fault, Verdict::Unexplained});
}

TEST_CASE("diag write_recording: every recording reads back and writes out byte for byte") {
  const auto files = fixtures("");
  REQUIRE_FALSE(files.empty());
  for (const auto& file : files) {
    INFO("recording " << file.filename().string());
    const std::string text = nltest::read_file(file.string());
    const Recording rec = nltest::load_recording(text);
    std::string again;
    JsonWriter w(again);
    write_recording(rec, w);
    CHECK(w.complete());
    again += '\n';
    CHECK(again == text);
  }
}

TEST_CASE("diag write_recording: a hand-made recording survives the round trip field for field") {
  Recording rec;
  rec.version = "9.9.9";
  rec.options.family = Family::Inet6;
  rec.options.interface = "br0";
  rec.options.target = IpAddr::parse("2001:db8::2").value();
  rec.options.duration_s = 1.5;
  rec.options.sweep = true;
  rec.options.netns_arg = "lab1";
  Examined e;
  e.snapshot.family = Family::Inet6;
  e.snapshot.interface = "br0";
  Link l;
  l.index = 3;
  l.name = "br0";
  l.kind = "bridge";
  l.address = {0x02, 0, 0, 0, 0, 1};
  l.carrier = false;
  l.link_netnsid = -1;
  l.bridge = BridgeInfo{};
  l.bridge->vlan_filtering = 0;
  l.tun = TunInfo{};
  l.tun->owner = 1000;
  e.snapshot.links.push_back(l);
  e.snapshot.sysctl["net.ipv6.conf.br0.accept_ra"] = -1;
  e.snapshot.tap_holders["tap0"] = {TapHolder{42, "qemu \"x\"\n"}};
  Route r;
  r.family = Family::Inet6;
  r.dst = Prefix::parse("::/0").value();
  r.nexthops.push_back(NextHop{IpAddr::parse("fe80::1").value(), 3, "br0", 2, 4});
  e.snapshot.route_to_target = r;
  e.observation.frames.push_back(SeenFrame{"br0", 0.123456789, {0xff, 0x00, 0x7f}, true});
  e.observation.echoes.push_back(EchoResult{1500, true, false, std::nullopt, "No buffer space available"});
  e.observation.reverse_routes[IpAddr::parse("2001:db8::9").value()] = r;
  e.observation.swept_network = Prefix::parse("2001:db8::/64").value();
  rec.examined.push_back(e);
  rec.verdict = Verdict::Fault;
  rec.findings.push_back({"C19", "mtu-mismatch", Severity::Warning});

  std::string first;
  JsonWriter w1(first);
  write_recording(rec, w1);
  const Recording back = nltest::load_recording(first);
  std::string second;
  JsonWriter w2(second);
  write_recording(back, w2);
  CHECK(second == first);
  // Spot checks that the reader did not just keep defaults.
  REQUIRE(back.examined.size() == 1);
  const auto& s = back.examined[0].snapshot;
  REQUIRE(s.links.size() == 1);
  CHECK(s.links[0].carrier == std::optional<bool>(false));
  CHECK(s.links[0].link_netnsid == std::optional<std::int32_t>(-1));
  CHECK(s.links[0].tun->owner == std::optional<std::uint32_t>(1000));
  CHECK(s.sysctl.at("net.ipv6.conf.br0.accept_ra") == -1);
  CHECK(s.tap_holders.at("tap0").at(0).command == "qemu \"x\"\n");
  CHECK(s.route_to_target->nexthops.at(0).gateway->to_string() == "fe80::1");
  const auto& o = back.examined[0].observation;
  CHECK(o.frames.at(0).bytes == std::vector<std::uint8_t>{0xff, 0x00, 0x7f});
  CHECK(o.frames.at(0).time == Approx(0.123456789).epsilon(1e-12));
  CHECK(o.frames.at(0).sent_by_us);
  CHECK_FALSE(o.echoes.at(0).rtt_ms.has_value());
  CHECK(o.reverse_routes.size() == 1);
  CHECK(back.options.target == rec.options.target);
  CHECK(back.options.netns_arg == "lab1");
  CHECK(back.findings.at(0).severity == Severity::Warning);
}
