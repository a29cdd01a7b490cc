// netlab arp probe and arp inspect end to end. The stations that answer are
// veth ends in a second namespace, running the kernel's own ARP; arping,
// ip and the peer kernel's neighbour table are the independent references.
#include "mini_json.hpp"
#include "netns_fixture.hpp"

#include <netlab/frames.hpp>
#include <netlab/link.hpp>
#include <netlab/linkio.hpp>
#include <netlab/netns.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <thread>
#include <unistd.h>

using nltest::ip_ok;

namespace {

using namespace std::chrono_literals;
const char* kPeer = "labpeer";

std::string cmdline(const std::vector<std::string>& args) {
  std::string s = "netlab";
  for (const auto& a : args) s += " " + a;
  return s;
}

std::size_t lines(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// Polls `cond` for up to five seconds: carrier and port states change
// asynchronously.
void wait_for(const std::function<bool()>& cond, const std::string& what) {
  for (int i = 0; i < 250 && !cond(); ++i) std::this_thread::sleep_for(20ms);
  INFO("waiting for " << what);
  REQUIRE(cond());
}

netlab::Netns peer_ns() { return netlab::Netns::named(kPeer).value(); }

bool link_running(const netlab::Netns& ns, const char* name) {
  auto l = netlab::link::get(ns, name);
  return l && l->carrier.value_or(false) && l->operstate_name() == "UP";
}

bool port_forwarding(const char* name) {
  auto l = netlab::link::get({}, name);
  return l && l->bridge_port && l->bridge_port->state_name() == "forwarding";
}

std::string mac_of(const std::vector<std::string>& ns_args, const std::string& dev) {
  std::vector<std::string> args = ns_args;
  for (const char* a : {"-j", "link", "show", "dev"}) args.emplace_back(a);
  args.push_back(dev);
  return testjson::parse(ip_ok(args)).array().at(0)["address"].str();
}
std::string peer_mac(const std::string& dev) { return mac_of({"-n", kPeer}, dev); }
std::string local_mac(const std::string& dev) { return mac_of({}, dev); }

// labv0 (here, 192.0.2.1/24) <-> labv1 (namespace labpeer, 192.0.2.2/24).
void peer_lab() {
  nltest::make_named_netns(kPeer);
  ip_ok({"link", "add", "labv0", "type", "veth", "peer", "name", "labv1", "netns", kPeer});
  ip_ok({"addr", "add", "192.0.2.1/24", "dev", "labv0"});
  ip_ok({"link", "set", "labv0", "up"});
  ip_ok({"-n", kPeer, "addr", "add", "192.0.2.2/24", "dev", "labv1"});
  ip_ok({"-n", kPeer, "link", "set", "labv1", "up"});
  wait_for([] { return link_running({}, "labv0"); }, "carrier on labv0");
  wait_for([] { return link_running(peer_ns(), "labv1"); }, "carrier on labv1");
}

// Settings of the peer namespace: written from inside it.
void peer_proc(const std::string& path, const std::string& value) {
  auto scope = netlab::NetnsScope::enter(peer_ns());
  REQUIRE(scope.has_value());
  nltest::write_proc(path, value);
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

testjson::Value probe_json(const std::vector<std::string>& args, int want_status) {
  std::vector<std::string> full{"-j", "arp", "probe"};
  full.insert(full.end(), args.begin(), args.end());
  auto r = nltest::netlab(full);
  INFO(cmdline(full) << "\nstdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.status == want_status);
  auto v = testjson::parse(r.out);
  REQUIRE(v.is_object());
  return v;
}

// A pcap file (microsecond timestamps, DLT_EN10MB) holding the given frames.
void write_pcap(const std::string& path, const std::vector<std::vector<std::uint8_t>>& frames) {
  std::ofstream f(path, std::ios::binary);
  auto u32 = [&](std::uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](std::uint16_t v) { f.write(reinterpret_cast<const char*>(&v), 2); };
  u32(0xa1b2c3d4);
  u16(2);
  u16(4);
  u32(0);
  u32(0);
  u32(65535);
  u32(1);  // LINKTYPE_ETHERNET
  std::uint32_t sec = 1700000000;
  for (const auto& fr : frames) {
    u32(sec++);
    u32(0);
    u32(static_cast<std::uint32_t>(fr.size()));
    u32(static_cast<std::uint32_t>(fr.size()));
    f.write(reinterpret_cast<const char*>(fr.data()), static_cast<std::streamsize>(fr.size()));
  }
  REQUIRE(f.good());
}

}  // namespace

// ---- probe ------------------------------------------------------------------

TEST_CASE("arp probe gets the peer's reply with the MAC arping sees", "[arp][probe]") {
  nltest::PrivateNetns ns;
  peer_lab();
  const std::string mac = peer_mac("labv1");

  auto r = nltest::netlab({"arp", "probe", "labv0", "192.0.2.2", "-c", "2", "-i", "0.2"});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out.rfind("ARPING 192.0.2.2 from 192.0.2.1 labv0\n", 0) == 0);
  CHECK(contains(r.out, "Unicast reply from 192.0.2.2 [" + mac + "]  "));
  CHECK(contains(r.out, "Sent 2 probes, received 2 response(s)\n"));
  CHECK(lines(r.out) == 4);

  // arping (Habets) as the independent reference for who answers.
  auto ref = nltest::run({"arping", "-I", "labv0", "-c", "1", "192.0.2.2"});
  INFO(ref.out << ref.err);
  CHECK(ref.status == 0);
  CHECK(contains(ref.out, "from " + mac + " (192.0.2.2)"));

  auto j = probe_json({"labv0", "192.0.2.2", "-c", "3", "-i", "0.2"}, 0);
  CHECK(j["interface"].str() == "labv0");
  CHECK(j["mode"].str() == "request");
  CHECK(j["source"].str() == "192.0.2.1");
  CHECK(j["source_mac"].str() == local_mac("labv0"));
  CHECK(j["sent"].num() == 3);
  CHECK(j["received"].num() == 3);
  CHECK_FALSE(j["conflict"].boolean());
  CHECK(j["tx_timestamps"].boolean());
  REQUIRE(j["replies"].array().size() == 3);
  for (const auto& rep : j["replies"].array()) {
    CHECK(rep["from"].str() == "192.0.2.2");
    CHECK(rep["mac"].str() == mac);
    CHECK(rep["type"].str() == "reply");
    CHECK(rep["rtt_ms"].is_number());
    CHECK(rep["rtt_ms"].num() >= 0.0);
    CHECK(rep["rtt_ms"].num() < 200.0);  // a veth answer takes microseconds
  }
  CHECK(j["replies"].array()[2]["probe"].num() == 3);
}

TEST_CASE("arp probe with -s sends from the given address", "[arp][probe]") {
  nltest::PrivateNetns ns;
  peer_lab();
  ip_ok({"addr", "add", "192.0.2.5/24", "dev", "labv0"});  // the peer routes its reply on-link
  auto j = probe_json({"labv0", "192.0.2.2", "-c", "1", "-s", "192.0.2.5"}, 0);
  CHECK(j["source"].str() == "192.0.2.5");
  CHECK(j["received"].num() == 1);
  // The peer learned the sender from the request: the kernel's own record of it.
  auto neigh = testjson::parse(ip_ok({"-n", kPeer, "-j", "neigh", "show", "192.0.2.5", "dev", "labv1"}));
  REQUIRE(neigh.array().size() == 1);
  CHECK(neigh.array()[0]["lladdr"].str() == local_mac("labv0"));
}

TEST_CASE("arp probe exits 3 when nobody answers", "[arp][probe]") {
  nltest::PrivateNetns ns;
  peer_lab();
  auto r = nltest::netlab({"arp", "probe", "labv0", "192.0.2.77", "-c", "2", "-i", "0.2"});
  INFO(r.out << r.err);
  CHECK(r.status == 3);
  CHECK(r.err.empty());
  CHECK(contains(r.out, "Sent 2 probes, received 0 response(s)\n"));
  CHECK_FALSE(contains(r.out, "reply from"));
  auto j = probe_json({"labv0", "192.0.2.77", "-c", "1", "-i", "0.2"}, 3);
  CHECK(j["replies"].array().empty());
  CHECK_FALSE(j["success"].boolean());
}

TEST_CASE("arp probe -D: a taken address exits 3, a free one 0", "[arp][probe]") {
  nltest::PrivateNetns ns;
  peer_lab();
  const std::string mac = peer_mac("labv1");
  auto taken = probe_json({"labv0", "192.0.2.2", "-D", "-c", "2", "-i", "0.2"}, 3);
  CHECK(taken["mode"].str() == "duplicate-check");
  CHECK(taken["source"].str() == "0.0.0.0");
  REQUIRE_FALSE(taken["replies"].array().empty());
  CHECK(taken["replies"].array()[0]["mac"].str() == mac);
  CHECK(taken["sent"].num() == 1);  // one answer settles it

  auto free_addr = probe_json({"labv0", "192.0.2.77", "-D", "-c", "2", "-i", "0.2"}, 0);
  CHECK(free_addr["sent"].num() == 2);
  CHECK(free_addr["replies"].array().empty());

  // Habets' arping probing from 0.0.0.0 (-0; its -D is a display mode)
  // agrees: an answer (0) for the taken address, none (1) for the free one.
  CHECK(nltest::run({"arping", "-q", "-0", "-I", "labv0", "-c", "1", "192.0.2.2"}).status == 0);
  CHECK(nltest::run({"arping", "-q", "-0", "-I", "labv0", "-c", "1", "-w", "0.3", "192.0.2.77"}).status == 1);

  auto text = nltest::netlab({"arp", "probe", "labv0", "192.0.2.2", "-D", "-c", "1"});
  CHECK(text.status == 3);
  CHECK(contains(text.out, "ARPING 192.0.2.2 from 0.0.0.0 labv0\n"));
  CHECK(contains(text.out, "reply from 192.0.2.2 [" + mac + "]"));
}

TEST_CASE("arp probe reports two stations answering for one address as a conflict", "[arp][probe]") {
  nltest::PrivateNetns ns;
  nltest::make_named_netns(kPeer);
  // labbr0 (192.0.2.1/24) with two ports; behind each, in the peer
  // namespace, an interface holding 192.0.2.2: the kernel answers on both,
  // each with its own MAC (arp_ignore 0; rp_filter off so neither reply is
  // held back by the route back to us leaving through the other interface).
  for (const char* key : {"all", "default"}) {
    peer_proc(std::string("/proc/sys/net/ipv4/conf/") + key + "/rp_filter", "0");
    peer_proc(std::string("/proc/sys/net/ipv4/conf/") + key + "/arp_ignore", "0");
    peer_proc(std::string("/proc/sys/net/ipv4/conf/") + key + "/arp_filter", "0");
  }
  ip_ok({"link", "add", "labbr0", "type", "bridge"});
  ip_ok({"link", "set", "labbr0", "up"});
  ip_ok({"addr", "add", "192.0.2.1/24", "dev", "labbr0"});
  for (std::string s : {"a", "b"}) {
    ip_ok({"link", "add", "labv" + s, "type", "veth", "peer", "name", "labp" + s, "netns", kPeer});
    ip_ok({"link", "set", "labv" + s, "master", "labbr0", "up"});
    ip_ok({"-n", kPeer, "addr", "add", "192.0.2.2/24", "dev", "labp" + s});
    ip_ok({"-n", kPeer, "link", "set", "labp" + s, "up"});
  }
  wait_for([] { return port_forwarding("labva") && port_forwarding("labvb"); }, "both ports forwarding");
  wait_for([] { return link_running({}, "labbr0"); }, "carrier on labbr0");
  const std::string mac_a = peer_mac("labpa"), mac_b = peer_mac("labpb");
  REQUIRE(mac_a != mac_b);

  auto r = nltest::netlab({"arp", "probe", "labbr0", "192.0.2.2", "-c", "2", "-i", "0.2"});
  INFO(r.out << r.err);
  CHECK(r.status == 0);  // the address answers; the conflict is a warning
  CHECK(lines(r.err) == 1);
  CHECK(r.err.rfind("netlab: conflict: 192.0.2.2 is-at ", 0) == 0);
  CHECK(contains(r.err, mac_a));
  CHECK(contains(r.err, mac_b));
  CHECK(contains(r.out, "[" + mac_a + "]"));
  CHECK(contains(r.out, "[" + mac_b + "]"));

  // Habets' arping -d exits 1 when two MACs answer: the same verdict.
  CHECK(nltest::run({"arping", "-q", "-d", "-I", "labbr0", "-c", "2", "192.0.2.2"}).status == 1);

  auto j = probe_json({"labbr0", "192.0.2.2", "-c", "1"}, 0);
  CHECK(j["conflict"].boolean());
  std::set<std::string> macs;
  for (const auto& m : j["macs"].array()) macs.insert(m.str());
  CHECK(macs.count(mac_a) == 1);
  CHECK(macs.count(mac_b) == 1);
  CHECK(j["received"].num() >= 2);
}

TEST_CASE("arp probe -U and -A announce the address to the peer", "[arp][probe]") {
  nltest::PrivateNetns ns;
  peer_lab();
  const std::string mine = local_mac("labv0");
  struct Case {
    const char* flag;
    std::uint16_t op;
    const char* addr;
  };
  for (const auto& k : {Case{"-U", netlab::frames::kArpRequest, "192.0.2.50"},
                        Case{"-A", netlab::frames::kArpReply, "192.0.2.51"}}) {
    INFO(k.flag);
    // The peer holds an old MAC for the address; an announcement replaces it
    // (the kernel updates entries it has even with arp_accept 0).
    ip_ok({"-n", kPeer, "neigh", "add", k.addr, "lladdr", "02:00:5e:00:53:99", "dev", "labv1", "nud", "stale"});
    auto tap = netlab::LinkTap::open(peer_ns(), "labv1", {"arp", false, netlab::Direction::In, 2048});
    REQUIRE(tap.has_value());

    auto r = nltest::netlab({"arp", "probe", "labv0", k.addr, k.flag, "-c", "2", "-i", "0.1"});
    INFO(r.out << r.err);
    CHECK(r.status == 0);
    CHECK(contains(r.out, "Sent 2 probes, received 0 response(s)\n"));

    auto neigh = testjson::parse(ip_ok({"-n", kPeer, "-j", "neigh", "show", k.addr, "dev", "labv1"}));
    REQUIRE(neigh.array().size() == 1);
    CHECK(neigh.array()[0]["lladdr"].str() == mine);

    int seen = 0;
    const auto until = std::chrono::steady_clock::now() + 1s;
    while (seen < 2) {
      auto f = tap->next(until);
      REQUIRE(f.has_value());
      if (!*f) break;
      auto p = netlab::frames::parse((*f)->bytes);
      if (!p || !p->arp || p->arp->spa.to_string() != k.addr) continue;
      ++seen;
      CHECK(p->arp->op == k.op);
      CHECK(p->arp->tpa.to_string() == k.addr);
      CHECK(p->arp->sha.to_string() == mine);
      CHECK(p->eth_dst.is_broadcast());
    }
    CHECK(seen == 2);
  }
}

TEST_CASE("arp probe honours -c, -w and -i", "[arp][probe]") {
  nltest::PrivateNetns ns;
  peer_lab();
  // The upper bounds below say "no extra interval"; a slow start (an ASan
  // build, a loaded machine running tests side by side) is not one. Measure
  // what starting netlab costs here and allow twice that on top.
  const auto s0 = std::chrono::steady_clock::now();
  REQUIRE(nltest::netlab({"--version"}).status == 0);
  const double slack = 2 * seconds_since(s0);
  SECTION("-c alone: that many probes, early end once all are answered") {
    const auto t0 = std::chrono::steady_clock::now();
    auto j = probe_json({"labv0", "192.0.2.2", "-c", "4", "-i", "0.2"}, 0);
    const double took = seconds_since(t0);
    CHECK(j["sent"].num() == 4);
    CHECK(j["received"].num() == 4);
    CHECK(took >= 0.55);  // three intervals between four probes
    CHECK(took < 1.5 + slack);  // and no full interval after the last answer
  }
  SECTION("-w alone: probes until the deadline") {
    const auto t0 = std::chrono::steady_clock::now();
    auto j = probe_json({"labv0", "192.0.2.77", "-w", "1", "-i", "0.25"}, 3);
    const double took = seconds_since(t0);
    CHECK(j["sent"].num() >= 4);
    CHECK(j["sent"].num() <= 5);
    CHECK(took >= 0.95);
    CHECK(took < 2.0 + slack);
  }
  SECTION("-c with -w: stops after COUNT answered probes") {
    const auto t0 = std::chrono::steady_clock::now();
    auto j = probe_json({"labv0", "192.0.2.2", "-c", "2", "-w", "10", "-i", "0.2"}, 0);
    CHECK(j["answered"].num() == 2);
    CHECK(j["sent"].num() == 2);
    CHECK(seconds_since(t0) < 2.0 + slack);
  }
  SECTION("-c with -w and no answer: the deadline ends it, exit 3") {
    const auto t0 = std::chrono::steady_clock::now();
    auto j = probe_json({"labv0", "192.0.2.77", "-c", "2", "-w", "0.7", "-i", "0.2"}, 3);
    CHECK(j["sent"].num() >= 3);  // with a deadline the count is of answers, not probes
    CHECK(seconds_since(t0) >= 0.65);
  }
  SECTION("SIGINT ends it early with the summary") {
    // A shell runs the probe, interrupts it once it has an answer (a
    // background job of sh starts with SIGINT ignored until netlab installs
    // its handler: a fixed sleep raced that on a loaded machine) and reports
    // its status and output.
    const std::string out = "/tmp/netlab-arp-sigint-" + std::to_string(::getpid());
    const std::string cmd = std::string(NETLAB_CLI_PATH) + " arp probe labv0 192.0.2.2 -c 50 -i 0.2 >" + out +
                            " 2>&1 & pid=$!; i=0; until grep -q 'reply from' " + out +
                            " || [ $i -ge 100 ]; do sleep 0.1; i=$((i+1)); done; kill -INT $pid; wait $pid; s=$?; cat " +
                            out + "; rm -f " + out + "; exit $s";
    const auto t0 = std::chrono::steady_clock::now();
    auto r = nltest::run({"sh", "-c", cmd});
    INFO(r.out << r.err);
    CHECK(r.status == 0);
    CHECK(seconds_since(t0) < 3.0 + slack);
    CHECK(contains(r.out, ", received "));  // the summary ("Sent 1 probe, received 1 response(s)")
    CHECK_FALSE(contains(r.out, "Sent 50 probes"));
  }
}

TEST_CASE("arp probe refuses bad input with one line", "[arp][probe][cli]") {
  nltest::PrivateNetns ns;
  peer_lab();
  struct Case {
    std::vector<std::string> args;
    int status;
    std::string line;
  };
  for (const auto& k : std::vector<Case>{
           {{"labv0", "banana"}, 2, "netlab: target \"banana\": is not an IPv4 address\n"},
           {{"labv0", "2001:db8::2"}, 2,
            "netlab: target 2001:db8::2: is not an IPv4 address: ARP resolves IPv4 addresses only\n"},
           {{"labv0", "224.0.0.1"}, 2,
            "netlab: target 224.0.0.1: is a multicast address: ARP resolves unicast addresses only\n"},
           {{"labv0", "192.0.2.2", "-s", "239.1.2.3"}, 2,
            "netlab: source 239.1.2.3: is a multicast address: ARP resolves unicast addresses only\n"},
           {{"labv0", "192.0.2.2", "-s", "192.0.2"}, 2, "netlab: source \"192.0.2\": is not an IPv4 address\n"},
           {{"labv0", "192.0.2.2", "-s", "2001:db8::1"}, 2,
            "netlab: source 2001:db8::1: is not an IPv4 address: ARP resolves IPv4 addresses only\n"},
           {{"nosuch0", "192.0.2.2"}, 1, "netlab: link nosuch0: no such device\n"},
           {{"a-very-long-name0", "192.0.2.2"}, 2,
            "netlab: interface name \"a-very-long-name0\": is 17 bytes; the kernel allows at most 15\n"},
           {{"lo", "127.0.0.2"}, 2, "netlab: link lo: is not an Ethernet interface (link type loopback)\n"},
           {{"labv0", "192.0.2.2", "-c", "0"}, 2, "netlab: count \"0\": expected a whole number from 1 to 1000000\n"},
           {{"labv0", "192.0.2.2", "-w", "soon"}, 2, "netlab: deadline \"soon\": expected seconds, such as 1 or 0.5\n"},
           {{"labv0", "192.0.2.2", "-i", "0"}, 2, "netlab: interval \"0\": must be from 0.001 to 86400 seconds\n"},
           {{"labv0", "192.0.2.2", "-D", "-A"}, 2, "netlab: arp probe: -D, -U and -A exclude each other\n"},
           {{"labv0", "192.0.2.2", "-D", "-s", "192.0.2.1"}, 2,
            "netlab: arp probe: -D probes from 0.0.0.0 (RFC 5227); -s does not go with it\n"},
           {{"labv0"}, 2, ""},  // CLI11's own "target is required" line
       }) {
    std::vector<std::string> args{"arp", "probe"};
    args.insert(args.end(), k.args.begin(), k.args.end());
    auto r = nltest::netlab(args);
    INFO(cmdline(args) << "\nstderr: " << r.err);
    CHECK(r.status == k.status);
    CHECK(lines(r.err) == 1);
    CHECK(r.out.empty());
    if (!k.line.empty()) CHECK(r.err == k.line);
  }
  // Without CAP_NET_RAW: the error names the capability.
  auto unpriv = nltest::run({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", NETLAB_CLI_PATH, "arp",
                             "probe", "labv0", "192.0.2.2", "-c", "1"});
  CHECK(unpriv.status == 1);
  CHECK(unpriv.out.empty());
  CHECK(unpriv.err == "netlab: interface labv0: Operation not permitted (needs CAP_NET_RAW)\n");
  // An interface without an IPv4 address and no -s: nothing to send from.
  ip_ok({"addr", "flush", "dev", "labv0"});
  auto r = nltest::netlab({"arp", "probe", "labv0", "192.0.2.2"});
  CHECK(r.status == 2);
  CHECK(r.err == "netlab: link labv0: has no IPv4 address to send from: give one with -s SOURCE (or use -D)\n");
  // A link that is down.
  ip_ok({"link", "set", "labv0", "down"});
  r = nltest::netlab({"arp", "probe", "labv0", "192.0.2.2", "-D"});
  CHECK(r.status == 1);
  CHECK(r.err.rfind("netlab: link labv0: is down\n", 0) == 0);
}

// ---- inspect ----------------------------------------------------------------

TEST_CASE("arp inspect shows the role of each interface", "[arp][inspect]") {
  nltest::PrivateNetns ns;
  nltest::veth_lab();  // labv0 <-> labv1, both here
  ip_ok({"link", "add", "labbr0", "type", "bridge"});
  ip_ok({"link", "set", "labbr0", "up"});
  ip_ok({"link", "set", "labv1", "master", "labbr0"});
  ip_ok({"neigh", "add", "192.0.2.10", "lladdr", "02:00:5e:00:53:10", "dev", "labv0", "nud", "stale"});
  ip_ok({"neigh", "add", "192.0.2.11", "lladdr", "02:00:5e:00:53:11", "dev", "labv1", "nud", "stale"});
  ip_ok({"neigh", "add", "192.0.2.12", "lladdr", "02:00:5e:00:53:12", "dev", "labbr0", "nud", "stale"});

  auto j = nltest::netlab({"-j", "arp", "inspect"});
  REQUIRE(j.status == 0);
  const auto doc = testjson::parse(j.out);
  std::map<std::string, testjson::Value> by_dst;
  for (const auto& row : doc.array()) by_dst[row["dst"].str()] = row;
  REQUIRE(by_dst.count("192.0.2.10"));
  REQUIRE(by_dst.count("192.0.2.11"));
  REQUIRE(by_dst.count("192.0.2.12"));
  CHECK(by_dst["192.0.2.10"]["role"].str() == "standalone");
  CHECK_FALSE(by_dst["192.0.2.10"].has("master"));
  CHECK(by_dst["192.0.2.11"]["role"].str() == "bridge port");
  CHECK(by_dst["192.0.2.11"]["master"].str() == "labbr0");
  CHECK(by_dst["192.0.2.12"]["role"].str() == "bridge");
  for (const char* d : {"192.0.2.10", "192.0.2.11", "192.0.2.12"}) {
    CHECK(by_dst[d]["explanation"].str() == "usable, not confirmed lately; will be re-checked on use");
    CHECK(by_dst[d]["cause"].is_null());
  }

  auto t = nltest::netlab({"arp", "inspect"});
  REQUIRE(t.status == 0);
  CHECK(t.out.rfind("ADDRESS", 0) == 0);
  auto row_line = [&](const std::string& dst) {
    auto at = t.out.find(dst + " ");
    REQUIRE(at != std::string::npos);
    return t.out.substr(at, t.out.find('\n', at) - at);
  };
  CHECK(contains(row_line("192.0.2.10"), " standalone "));
  CHECK(contains(row_line("192.0.2.11"), " bridge port of labbr0 "));
  CHECK(contains(row_line("192.0.2.12"), " bridge "));
  CHECK(contains(row_line("192.0.2.12"), " STALE "));

  // dev narrows to one interface, which must exist.
  auto one = testjson::parse(nltest::netlab({"-j", "arp", "inspect", "dev", "labv1"}).out);
  REQUIRE(one.array().size() == 1);
  CHECK(one.array()[0]["dst"].str() == "192.0.2.11");
  auto missing = nltest::netlab({"arp", "inspect", "dev", "nosuch0"});
  CHECK(missing.status == 1);
  CHECK(missing.err == "netlab: link nosuch0: no such device\n");
  auto bad = nltest::netlab({"arp", "inspect", "dev", "abcdefghijklmnopq"});
  CHECK(bad.status == 2);
  CHECK(lines(bad.err) == 1);
  auto extra = nltest::netlab({"arp", "inspect", "labv0", "labv1"});
  CHECK(extra.status == 2);
  CHECK(extra.err == "netlab: arp inspect: unknown argument \"labv1\" (see --help)\n");
  // A bare `netlab arp` is inspect. The table may change between two runs
  // (the bridge's IGMP report adds a NOARP 224.0.0.22 entry whenever it
  // goes out), so compare runs taken back to back until two agree.
  std::string bare, inspect;
  for (int attempt = 0; attempt < 5 && (bare.empty() || bare != inspect); ++attempt) {
    inspect = nltest::netlab({"arp", "inspect"}).out;
    bare = nltest::netlab({"arp"}).out;
  }
  CHECK(bare == inspect);
}

TEST_CASE("arp inspect shows NOARP entries of an arp-off interface with the hint", "[arp][inspect]") {
  nltest::PrivateNetns ns;
  peer_lab();
  ip_ok({"link", "set", "dev", "labv0", "arp", "off"});
  // Sending creates the entry the way traffic does: NOARP, with our own MAC.
  nltest::run({"ping", "-c", "1", "-W", "1", "192.0.2.2"});
  const std::string mine = local_mac("labv0");
  // ip hides NOARP entries unless asked (nud all): inspect always shows them.
  auto hidden = ip_ok({"-j", "neigh", "show", "dev", "labv0"});
  CHECK(testjson::parse(hidden).array().empty());

  auto j = nltest::netlab({"-j", "arp", "inspect", "dev", "labv0"});
  REQUIRE(j.status == 0);
  auto rows = testjson::parse(j.out).array();
  REQUIRE(rows.size() == 1);
  const auto& row = rows[0];
  CHECK(row["dst"].str() == "192.0.2.2");
  CHECK(row["lladdr"].str() == mine);
  REQUIRE(row["state"].array().size() == 1);
  CHECK(row["state"].array()[0].str() == "NOARP");
  CHECK(row["noarp_interface"].boolean());
  CHECK(row["cause"].str() == "noarp-interface");
  CHECK(contains(row["hint"].str(), "the interface's own MAC"));
  CHECK(contains(row["hint"].str(), "ip link set dev labv0 arp on"));

  auto t = nltest::netlab({"arp", "inspect", "labv0"});
  CHECK(contains(t.out, "NOARP"));
  CHECK(contains(t.out, "no resolution on this interface: frames go to a fixed address"));
  CHECK(contains(t.out, "    hint (noarp-interface): labv0 has ARP turned off"));

  // With ARP back on, the kernel flushes those entries and the hint is gone.
  ip_ok({"link", "set", "dev", "labv0", "arp", "on"});
  nltest::run({"ping", "-c", "1", "-W", "1", "192.0.2.2"});
  auto after = testjson::parse(nltest::netlab({"-j", "arp", "inspect", "dev", "labv0"}).out).array();
  REQUIRE(after.size() == 1);
  CHECK(after[0]["lladdr"].str() == peer_mac("labv1"));
  CHECK(after[0]["cause"].is_null());
  CHECK_FALSE(after[0]["noarp_interface"].boolean());
}

TEST_CASE("arp inspect: an entry that never completes on a bridge port points at the bridge", "[arp][inspect]") {
  nltest::PrivateNetns ns;
  peer_lab();
  // The MirageOS-on-Xen mistake: labv0 joins a bridge but keeps its address.
  ip_ok({"link", "add", "labbr0", "type", "bridge"});
  ip_ok({"link", "set", "labbr0", "up"});
  ip_ok({"link", "set", "labv0", "master", "labbr0"});
  wait_for([] { return port_forwarding("labv0"); }, "labv0 forwarding");
  auto ping = nltest::run({"ping", "-c", "1", "-W", "1", "192.0.2.2"});
  CHECK(ping.status != 0);

  auto rows = testjson::parse(nltest::netlab({"-j", "arp", "inspect", "dev", "labv0"}).out).array();
  REQUIRE(rows.size() == 1);
  const auto& row = rows[0];
  const std::string state = row["state"].array().at(0).str();
  CHECK((state == "INCOMPLETE" || state == "FAILED"));
  CHECK(row["role"].str() == "bridge port");
  CHECK(row["master"].str() == "labbr0");
  CHECK(row["cause"].str() == "ip-on-bridge-port");
  CHECK(contains(row["hint"].str(), "move 192.0.2.1/24 from labv0 to labbr0"));

  // Moved to the bridge, the address resolves and no hint remains.
  ip_ok({"addr", "del", "192.0.2.1/24", "dev", "labv0"});
  ip_ok({"addr", "add", "192.0.2.1/24", "dev", "labbr0"});
  wait_for([] { return link_running({}, "labbr0"); }, "carrier on labbr0");
  CHECK(nltest::run({"ping", "-c", "1", "-W", "2", "192.0.2.2"}).status == 0);
  // (The bridge also holds the kernel's own multicast entries: look for ours.)
  auto now = testjson::parse(nltest::netlab({"-j", "arp", "inspect", "dev", "labbr0"}).out).array();
  auto it = std::find_if(now.begin(), now.end(), [](const auto& entry) { return entry["dst"].str() == "192.0.2.2"; });
  REQUIRE(it != now.end());
  CHECK((*it)["role"].str() == "bridge");
  CHECK((*it)["lladdr"].str() == peer_mac("labv1"));
  CHECK((*it)["cause"].is_null());
}

TEST_CASE("arp inspect: a PERMANENT MAC the bridge never learned is flagged, a learned one is not", "[arp][inspect]") {
  nltest::PrivateNetns ns;
  peer_lab();
  ip_ok({"link", "add", "labbr0", "type", "bridge"});
  ip_ok({"link", "set", "labbr0", "up"});
  ip_ok({"addr", "del", "192.0.2.1/24", "dev", "labv0"});
  ip_ok({"addr", "add", "192.0.2.1/24", "dev", "labbr0"});
  ip_ok({"link", "set", "labv0", "master", "labbr0"});
  wait_for([] { return port_forwarding("labv0"); }, "labv0 forwarding");
  const std::string real = peer_mac("labv1");
  ip_ok({"neigh", "add", "192.0.2.2", "lladdr", real, "dev", "labbr0", "nud", "permanent"});
  ip_ok({"neigh", "add", "192.0.2.3", "lladdr", "02:00:5e:00:53:33", "dev", "labbr0", "nud", "permanent"});
  // Traffic from the peer teaches the bridge its MAC.
  CHECK(nltest::run({"ping", "-c", "1", "-W", "2", "192.0.2.2"}).status == 0);

  const auto doc = testjson::parse(nltest::netlab({"-j", "arp", "inspect", "labbr0"}).out);
  std::map<std::string, testjson::Value> by_dst;
  for (const auto& row : doc.array()) by_dst[row["dst"].str()] = row;
  REQUIRE(by_dst.count("192.0.2.2"));
  REQUIRE(by_dst.count("192.0.2.3"));
  CHECK(by_dst["192.0.2.2"]["cause"].is_null());
  CHECK(by_dst["192.0.2.3"]["cause"].str() == "stale-permanent-neighbour");
  CHECK(by_dst["192.0.2.3"]["explanation"].str() == "set by hand, never re-checked");
  CHECK(contains(by_dst["192.0.2.3"]["hint"].str(), "02:00:5e:00:53:33 is not in the forwarding database of labbr0"));
}

TEST_CASE("arp inspect -j matches ip -j neigh show nud all", "[arp][inspect]") {
  nltest::PrivateNetns ns;
  peer_lab();
  ip_ok({"neigh", "add", "192.0.2.20", "lladdr", "02:00:5e:00:53:20", "dev", "labv0", "nud", "permanent"});
  ip_ok({"neigh", "add", "192.0.2.21", "lladdr", "02:00:5e:00:53:21", "dev", "labv0", "nud", "stale"});
  ip_ok({"neigh", "add", "192.0.2.22", "lladdr", "02:00:5e:00:53:22", "dev", "labv0", "nud", "noarp"});
  ip_ok({"neigh", "add", "198.51.100.1", "dev", "labv0", "nud", "failed"});
  ip_ok({"-6", "neigh", "add", "2001:db8::9", "lladdr", "02:00:5e:00:53:09", "dev", "labv0"});  // not ARP

  // Entries the kernel makes by itself (multicast) may appear between two
  // dumps: compare when ip's view is the same before and after ours.
  auto key_set = [](const testjson::Value& arr) {
    std::set<std::string> keys;
    for (const auto& e : arr.array()) {
      std::string k = e["dst"].str() + " " + e["dev"].str() + " " + (e.has("lladdr") ? e["lladdr"].str() : "-");
      for (const auto& s : e["state"].array()) k += " " + s.str();
      keys.insert(k);
    }
    return keys;
  };
  std::set<std::string> ours, before, after;
  for (int attempt = 0; attempt < 5; ++attempt) {
    before = key_set(testjson::parse(ip_ok({"-4", "-j", "neigh", "show", "nud", "all"})));
    auto r = nltest::netlab({"-j", "arp", "inspect"});
    REQUIRE(r.status == 0);
    ours = key_set(testjson::parse(r.out));
    after = key_set(testjson::parse(ip_ok({"-4", "-j", "neigh", "show", "nud", "all"})));
    if (before == after) break;
  }
  REQUIRE(before == after);
  CHECK(ours == before);
  CHECK(ours.count("192.0.2.22 labv0 02:00:5e:00:53:22 NOARP") == 1);
  CHECK(ours.count("192.0.2.20 labv0 02:00:5e:00:53:20 PERMANENT") == 1);
  CHECK(ours.count("198.51.100.1 labv0 - FAILED") == 1);

  // Pretty JSON parses to the same document.
  auto pretty = nltest::netlab({"-j", "-p", "arp", "inspect", "dev", "labv0"});
  REQUIRE(pretty.status == 0);
  CHECK(testjson::parse(pretty.out).array().size() >= 4);
}

// ---- the word `arp` elsewhere ----------------------------------------------

TEST_CASE("capture filters that start with arp still reach capture", "[arp][cli][capture]") {
  nltest::PrivateNetns ns;
  char tmpl[] = "/tmp/netlab-arp-filter-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string file = dir + "/arp.pcap";
  const auto mac_a = netlab::MacAddr::parse("02:00:5e:00:53:01").value();
  write_pcap(file, {netlab::frames::arp_request(mac_a, nltest::ip_addr("192.0.2.1"), nltest::ip_addr("192.0.2.2")),
                    netlab::frames::arp_request(mac_a, nltest::ip_addr("198.51.100.1"),
                                                nltest::ip_addr("198.51.100.2"))});
  auto all = nltest::netlab({"capture", "-r", file, "arp"});
  INFO(all.out << all.err);
  CHECK(all.status == 0);
  CHECK(lines(all.out) == 2);
  auto one = nltest::netlab({"capture", "-r", file, "arp", "and", "host", "192.0.2.1"});
  CHECK(one.status == 0);
  CHECK(contains(one.out, "ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 46\n"));
  CHECK(lines(one.out) == 1);
  std::remove(file.c_str());
  ::rmdir(dir.c_str());
}
