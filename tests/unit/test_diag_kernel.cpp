// Kernel evidence in the diagnosis (lib/src/diag/kernel_evidence.cpp): the
// table of reasons each cause leaves, the grouping of drops into evidence
// lines and their words, their place in findings, in an unexplained verdict
// and in the saved evidence. The drops are built by hand and put into the
// recordings of real labs (tests/data/diag/), so the rules run on what the
// wire gave and only the kernel's part is invented.
#include <netlab/diag.hpp>
#include <netlab/json.hpp>

#include "evidence_load.hpp"
#include "mini_json.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using namespace netlab;
using namespace netlab::diag;

namespace {

Recording fixture(const std::string& name) {
  return nltest::load_recording_file(std::string(NETLAB_DIAG_FIXTURES) + "/" + name);
}

KernelDrop drop(double t, const char* dev, const char* reason, const char* where, std::uint16_t proto,
                bool probable = false) {
  KernelDrop d;
  d.time = t;
  d.interface = dev;
  d.reason = reason;
  d.location = where;
  d.protocol = proto;
  d.probable = probable;
  return d;
}

const Finding* find_cause(const Report& r, std::string_view cause) {
  for (const auto& f : r.findings)
    if (f.cause == cause) return &f;
  return nullptr;
}

std::vector<const Evidence*> kernel_lines(const Finding& f) {
  std::vector<const Evidence*> out;
  for (const auto& e : f.evidence)
    if (e.type == "kernel") out.push_back(&e);
  return out;
}

std::string attr(const Evidence& e, std::string_view key) {
  for (const auto& [k, v] : e.attrs)
    if (k == key) return v;
  return {};
}

std::string as_json(const Report& r) {
  std::string out;
  JsonWriter w(out);
  render_json(r, w);
  return out;
}

// The C17 lab's recording, with the drops the kernel gives for it: the
// guest's two replies on the port, at the nft bridge chain.
Recording c17_with_drops() {
  Recording rec = fixture("C17-bridge-filter-drops-arp.json");
  KernelEvidence k;
  k.traced = true;
  k.drops = {drop(0.0312, "vnet17", "NETFILTER_DROP", "nft_do_chain+0x4a1", 0x0806),
             drop(0.8562, "vnet17", "NETFILTER_DROP", "nft_do_chain+0x4a1", 0x0806)};
  rec.examined.front().observation.kernel = k;
  return rec;
}

}  // namespace

TEST_CASE("kernel_reasons_of: the mechanisms that leave a drop, and those that leave none") {
  auto has = [](std::string_view cause, const std::string& reason) {
    auto v = kernel_reasons_of(cause);
    return std::find(v.begin(), v.end(), reason) != v.end();
  };
  CHECK(has("bridge-filter-drops-arp", "NETFILTER_DROP"));
  CHECK(has("icmpv6-filtered", "NETFILTER_DROP"));
  CHECK(has("br-netfilter-forward-drop", "NETFILTER_DROP"));
  CHECK(has("stp-port-not-forwarding", "BRIDGE_INGRESS_STP_STATE"));
  CHECK(has("no-carrier", "QDISC_DROP"));
  CHECK(has("port-disabled", "QDISC_DROP"));
  CHECK(has("invalid-guest-mac", "MAC_INVALID_SOURCE"));
  CHECK(has("malformed-reply", "OTHERHOST"));
  CHECK(has("reverse-path-filter", "IP_RPFILTER"));
  CHECK(has("ip-on-bridge-port", "NEIGH_FAILED"));
  // Consumed on purpose, or never answered: nothing is freed as a drop.
  CHECK(kernel_reasons_of("arp-ignore").empty());
  CHECK(kernel_reasons_of("noarp-interface").empty());
  CHECK(kernel_reasons_of("no-such-cause").empty());
  // Every cause of the table is one of the catalog's.
  for (const auto& c : catalog()) (void)kernel_reasons_of(c.cause);
}

TEST_CASE("kernel_drop_explains: the reason and, where the mechanism has one, the protocol") {
  const auto arp = drop(0, "vnet3", "NETFILTER_DROP", "nft_do_chain+0x10", 0x0806);
  const auto ip6 = drop(0, "vnet3", "NETFILTER_DROP", "nft_do_chain+0x10", 0x86dd);
  CHECK(kernel_drop_explains("bridge-filter-drops-arp", Family::Inet, arp));
  CHECK_FALSE(kernel_drop_explains("bridge-filter-drops-arp", Family::Inet, ip6));
  CHECK(kernel_drop_explains("bridge-filter-drops-arp", Family::Inet6, ip6));  // NDP is IPv6
  CHECK_FALSE(kernel_drop_explains("bridge-filter-drops-arp", Family::Inet6, arp));
  CHECK_FALSE(kernel_drop_explains("br-netfilter-forward-drop", Family::Inet, arp));  // ARP is not IP
  CHECK(kernel_drop_explains("br-netfilter-forward-drop", Family::Inet,
                             drop(0, "vethA", "NETFILTER_DROP", "nft_do_chain+0x10", 0x0800)));
  CHECK(kernel_drop_explains("no-carrier", Family::Inet, drop(0, "tap0", "QDISC_DROP", "__dev_queue_xmit+0x9", 0x0806)));
  CHECK_FALSE(kernel_drop_explains("no-carrier", Family::Inet, arp));
}

TEST_CASE("kernel_drop_text: count, noun, function, reason and device") {
  CHECK(kernel_drop_text("ARP reply", 3, "nft_do_chain+0x4a1", "NETFILTER_DROP", "vnet3", false) ==
        "the kernel dropped 3 ARP replies at nft_do_chain (NETFILTER_DROP) on vnet3");
  CHECK(kernel_drop_text("ARP reply", 1, "nft_do_chain+0x4a1", "NETFILTER_DROP", "vnet3", false) ==
        "the kernel dropped 1 ARP reply at nft_do_chain (NETFILTER_DROP) on vnet3");
  CHECK(kernel_drop_text("IPv4 packet", 2, "neigh_invalidate+0x8c", "NEIGH_FAILED", "br0", true) ==
        "the kernel dropped 2 IPv4 packets at neigh_invalidate (NEIGH_FAILED) probably on br0");
  CHECK(kernel_drop_text("ARP packet", 4, "0xffffffff81234567", "NOT_SPECIFIED", "", false) ==
        "the kernel dropped 4 ARP packets at 0xffffffff81234567 (NOT_SPECIFIED)");
  CHECK(kernel_drop_text("ARP request", 5, "nft_do_chain+0x637", "NETFILTER_DROP", "veth1", false, true) ==
        "the kernel dropped 5 ARP requests at nft_do_chain (NETFILTER_DROP) past veth1 (in its peer's namespace)");
}

TEST_CASE("kernel_drop_explains: a drop in a veth peer's namespace is no host cause's") {
  auto d = drop(0, "vnet17", "NETFILTER_DROP", "nft_do_chain+0x10", 0x0806);
  d.beyond = true;
  CHECK_FALSE(kernel_drop_explains("bridge-filter-drops-arp", Family::Inet, d));
}

TEST_CASE("kernel_drop_evidence: one line per reason, location, device and protocol, named from the frames") {
  const Recording rec = c17_with_drops();
  const Observation& o = rec.examined.front().observation;
  auto extra = drop(1.5, "virbr17", "QDISC_DROP", "__dev_queue_xmit+0x9", 0x0806, true);
  std::vector<const KernelDrop*> drops{&o.kernel->drops[0], &o.kernel->drops[1], &extra};
  const auto lines = kernel_drop_evidence(o, drops);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].type == "kernel");
  CHECK(lines[0].interface == "vnet17");
  // The frames captured on vnet17 just before each drop were the guest's replies.
  CHECK(lines[0].text == "the kernel dropped 2 ARP replies at nft_do_chain (NETFILTER_DROP) on vnet17");
  CHECK(lines[0].count == 2u);
  CHECK_FALSE(lines[0].probable);
  CHECK(attr(lines[0], "reason") == "NETFILTER_DROP");
  CHECK(attr(lines[0], "location") == "nft_do_chain+0x4a1");
  CHECK(attr(lines[0], "protocol") == "ARP");
  // No frame near it: the protocol's word.
  CHECK(lines[1].text == "the kernel dropped 1 ARP packet at __dev_queue_xmit (QDISC_DROP) probably on virbr17");
  CHECK(lines[1].probable);
}

TEST_CASE("diag analyse: a C17 finding carries the kernel's NETFILTER_DROP, in text and JSON") {
  const Recording rec = c17_with_drops();
  const Report r = analyse(rec);
  CHECK(verdict_name(r.verdict) == verdict_name(rec.verdict));
  const Finding* f = find_cause(r, "bridge-filter-drops-arp");
  REQUIRE(f != nullptr);
  const auto lines = kernel_lines(*f);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]->text == "the kernel dropped 2 ARP replies at nft_do_chain (NETFILTER_DROP) on vnet17");
  // Only the cause whose mechanism it is gets it.
  for (const auto& other : r.findings)
    if (other.cause != "bridge-filter-drops-arp") CHECK(kernel_lines(other).empty());

  std::string text;
  render_text(r, text);
  CHECK(text.find("    kernel       the kernel dropped 2 ARP replies at nft_do_chain (NETFILTER_DROP) on vnet17\n") !=
        std::string::npos);

  const auto doc = testjson::parse(as_json(r));
  const testjson::Value* ev = nullptr;
  for (const auto& fj : doc.object().at("findings").array())
    if (fj.object().at("cause").str() == "bridge-filter-drops-arp")
      for (const auto& e : fj.object().at("evidence").array())
        if (e.object().at("type").str() == "kernel") ev = &e;
  REQUIRE(ev != nullptr);
  CHECK(ev->object().at("reason").str() == "NETFILTER_DROP");
  CHECK(ev->object().at("location").str() == "nft_do_chain+0x4a1");
  CHECK(ev->object().at("interface").str() == "vnet17");
  CHECK(ev->object().at("protocol").str() == "ARP");
  CHECK(ev->object().at("count").num() == 2);
  CHECK(ev->object().count("probable") == 0);  // certain: no member
}

TEST_CASE("diag analyse: a probable device says so in JSON") {
  Recording rec = c17_with_drops();
  for (auto& d : rec.examined.front().observation.kernel->drops) d.probable = true;
  const Report r = analyse(rec);
  const auto doc = testjson::parse(as_json(r));
  bool probable = false;
  for (const auto& fj : doc.object().at("findings").array())
    for (const auto& e : fj.object().at("evidence").array())
      if (e.object().at("type").str() == "kernel") probable = e.object().at("probable").boolean();
  CHECK(probable);
}

TEST_CASE("diag analyse: an unexplained verdict lists the kernel's drops") {
  Recording rec = fixture("unexplained-arp-passive-idle-link.json");
  KernelEvidence k;
  k.traced = true;
  k.drops = {drop(0.5, "idle0", "NEIGH_FAILED", "neigh_invalidate+0x8c", 0x0800),
             drop(1.5, "idle0", "NEIGH_FAILED", "neigh_invalidate+0x8c", 0x0800)};
  rec.examined.front().observation.kernel = k;
  const Report r = analyse(rec);
  REQUIRE(r.verdict == Verdict::Unexplained);
  REQUIRE(r.kernel_drops.size() == 1);
  CHECK(r.kernel_drops[0].text == "the kernel dropped 2 IPv4 packets at neigh_invalidate (NEIGH_FAILED) on idle0");
  std::string text;
  render_text(r, text);
  CHECK(text.find("the kernel's drops on the watched interfaces:\n"
                  "  the kernel dropped 2 IPv4 packets at neigh_invalidate (NEIGH_FAILED) on idle0\n") !=
        std::string::npos);
  const auto doc = testjson::parse(as_json(r));
  REQUIRE(doc.object().count("kernel_drops") == 1);
  CHECK(doc.object().at("kernel_drops").array().at(0).object().at("reason").str() == "NEIGH_FAILED");

  // Traced and nothing dropped: no list, no note.
  rec.examined.front().observation.kernel->drops.clear();
  const Report quiet = analyse(rec);
  CHECK(quiet.kernel_drops.empty());
  CHECK(testjson::parse(as_json(quiet)).object().count("kernel_drops") == 0);
}

TEST_CASE("diag analyse: unavailable tracing is a note and the same verdict") {
  for (const char* name : {"C17-bridge-filter-drops-arp.json", "unexplained-arp-passive-idle-link.json"}) {
    Recording rec = fixture(name);
    const Report before = analyse(rec);
    KernelEvidence k;
    k.unavailable = "tracefs /sys/kernel/tracing: Read-only file system";
    rec.examined.front().observation.kernel = k;
    const Report r = analyse(rec);
    INFO(name);
    CHECK(r.verdict == before.verdict);
    REQUIRE(r.findings.size() == before.findings.size());
    for (std::size_t i = 0; i < r.findings.size(); ++i) CHECK(r.findings[i].cause == before.findings[i].cause);
    CHECK(std::count(r.notes.begin(), r.notes.end(),
                     "kernel evidence: not available (tracefs /sys/kernel/tracing: Read-only file system); "
                     "diagnosed from the captures and the kernel's state only") == 1);
    // A recording without kernel evidence (older netlab) says nothing about it.
    for (const auto& n : before.notes) CHECK(n.find("kernel evidence") == std::string::npos);
  }
}

TEST_CASE("write_recording: kernel evidence is saved and read back, and absent when there was none") {
  const Recording rec = c17_with_drops();
  std::string saved;
  JsonWriter w(saved);
  write_recording(rec, w);
  const Recording back = nltest::load_recording(saved);
  const auto& k = back.examined.front().observation.kernel;
  REQUIRE(k.has_value());
  CHECK(k->traced);
  REQUIRE(k->drops.size() == 2);
  CHECK(k->drops[1].interface == "vnet17");
  CHECK(k->drops[1].reason == "NETFILTER_DROP");
  CHECK(k->drops[1].location == "nft_do_chain+0x4a1");
  CHECK(k->drops[1].protocol == 0x0806);
  CHECK(k->drops[1].time == Approx(0.8562));
  std::string a, b;
  render_text(analyse(rec), a);
  render_text(analyse(back), b);
  CHECK(a == b);

  const Recording old = fixture("C17-bridge-filter-drops-arp.json");
  std::string old_saved;
  JsonWriter w2(old_saved);
  write_recording(old, w2);
  CHECK(old_saved.find("\"kernel\"") == std::string::npos);
  CHECK_FALSE(nltest::load_recording(old_saved).examined.front().observation.kernel.has_value());
}

TEST_CASE("diag analyse: the target's neighbour evidence gives the kernel's own transitions, with the writer") {
  Recording rec = c17_with_drops();
  Observation& o = rec.examined.front().observation;
  const Snapshot& s = rec.examined.front().snapshot;
  REQUIRE(s.route_to_target.has_value());
  const std::string dev = s.route_to_target->dev;
  auto event = [&](double t, const std::string& on, const char* name, std::uint16_t from, std::uint16_t to,
                   std::uint32_t pid) {
    KernelNeighbourEvent n;
    n.time = t;
    n.interface = on;
    n.event = name;
    n.old_state = from;
    n.new_state = to;
    n.pid = pid;
    return n;
  };
  o.kernel->neighbour = {
      event(0.0301, dev, "neigh_update", NudNone, NudIncomplete, 0),
      event(0.5, dev, "neigh_update", NudIncomplete, NudIncomplete, 0),  // no change, no writer: not told
      event(0.7, "elsewhere0", "neigh_update", NudNone, NudPermanent, 4242),  // another device: not told
      // The timer's event carries only the state it left: before is the last event's.
      event(3.0101, dev, "neigh_timer_handler", NudFailed, NudFailed, 0),
      event(3.2, dev, "neigh_update", NudFailed, NudPermanent, 4242),
  };
  const Report r = analyse(rec);
  const Finding* f = find_cause(r, "bridge-filter-drops-arp");
  REQUIRE(f != nullptr);
  const Evidence* neigh = nullptr;
  for (const auto& e : f->evidence)
    if (e.type == "neighbour") neigh = &e;
  REQUIRE(neigh != nullptr);
  INFO(neigh->text);
  CHECK(neigh->text.find("(kernel transitions: NONE -> INCOMPLETE at +0.030s, INCOMPLETE -> FAILED at +3.010s "
                         "(the kernel's timer), FAILED -> PERMANENT at +3.200s (written by pid 4242))") !=
        std::string::npos);
  CHECK(neigh->text.find("elsewhere0") == std::string::npos);

  // Saved and read back: the same words.
  std::string saved;
  JsonWriter w(saved);
  write_recording(rec, w);
  const Recording back = nltest::load_recording(saved);
  REQUIRE(back.examined.front().observation.kernel->neighbour.size() == 5);
  CHECK(back.examined.front().observation.kernel->neighbour[4].pid == 4242);
  std::string a, b;
  render_text(analyse(rec), a);
  render_text(analyse(back), b);
  CHECK(a == b);

  // Without events (no tracing), the 100 ms samples as before.
  o.kernel->neighbour.clear();
  const Report sampled = analyse(rec);
  for (const auto& e : find_cause(sampled, "bridge-filter-drops-arp")->evidence)
    if (e.type == "neighbour") CHECK(e.text.find("kernel transitions") == std::string::npos);
}
