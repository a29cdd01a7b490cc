// arp diagnose beyond one cause: passive watching on an idle link, no
// target (every unresolved entry), a named namespace in the printed fixes,
// the text layout, bad input, a capture running on the same interface, and
// --save-evidence.
#include "lab_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include <stdlib.h>
#include <unistd.h>

namespace lab = nltest::lab;
using nltest::ip_ok;

namespace {

bool contains(const std::string& s, std::string_view needle) { return s.find(needle) != std::string::npos; }

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A host on a veth to a kernel-stack guest, nothing else going on.
void idle_pair(lab::PeerNetns& vm) {
  lab::veth_to(vm, "idle0", "", "eth0");
  ip_ok({"addr", "add", "198.51.100.1/24", "dev", "idle0"});
  vm.ip_ok({"addr", "add", "198.51.100.2/24", "dev", "eth0"});
  REQUIRE(lab::wait_for([] { return lab::has_carrier("idle0"); }, lab::Millis(3000)));
}

}  // namespace

TEST_CASE("arp diagnose --passive on an idle link says what it could not observe") {
  nltest::PrivateNetns ns;
  lab::PeerNetns vm;
  idle_pair(vm);
  auto d = lab::diagnose("idle0", "198.51.100.2", {"--passive"});
  INFO(d.describe());
  // Nothing was sent and nothing was seen: no guess, no fault.
  CHECK(d.status() == 4);
  CHECK(d.verdict() == "unexplained");
  REQUIRE(d.json);
  CHECK((*d.json)["passive"].text() == "true");
  bool said = false;
  for (const auto& n : (*d.json)["notes"].array()) said = said || contains(n.str(), "could not be observed");
  CHECK(said);
  // The guest never heard from us: passive means passive.
  CHECK(lab::neigh_state("198.51.100.1", "eth0", &vm).empty());
  // Asked actively, the same link works.
  lab::require_ok(lab::diagnose("idle0", "198.51.100.2"));
}

TEST_CASE("arp diagnose without a target examines every unresolved entry on the interface") {
  nltest::PrivateNetns ns;
  lab::PeerNetns vm;
  idle_pair(vm);
  // An entry that never resolves: nobody has .9.
  CHECK_FALSE(lab::ping("198.51.100.9"));
  REQUIRE(lab::neigh_unresolved("198.51.100.9", "idle0"));
  auto r = nltest::netlab({"-j", "arp", "diagnose", "idle0", "--duration", "1"});
  INFO(r.out << r.err);
  auto doc = testjson::parse(r.out);
  CHECK(doc["target"].is_null());
  // Nobody has .9, but a station is alive on the link with .2: the
  // likeliest story in a guest lab is a guest configured with another
  // address, and the verdict says which one.
  CHECK(r.status == 3);
  const auto& f = doc["findings"].array().at(0);
  CHECK(f["cause"].str() == "target-not-configured");
  CHECK(contains(f["summary"].str(), "198.51.100.9"));
  CHECK(contains(f["summary"].str(), "uses 198.51.100.2"));
}

TEST_CASE("arp diagnose -n NETNS prints fixes that name the namespace") {
  nltest::PrivateNetns ns;
  nltest::make_named_netns("diagns5");
  auto in_ns = [](std::vector<std::string> args) {
    args.insert(args.begin(), {"-n", "diagns5"});
    return ip_ok(args);
  };
  in_ns({"link", "set", "lo", "up"});
  in_ns({"link", "add", "nsbr5", "type", "bridge"});
  in_ns({"link", "add", "nsport5", "type", "veth", "peer", "name", "nsvm5"});
  in_ns({"link", "set", "nsport5", "master", "nsbr5", "up"});
  in_ns({"link", "set", "nsvm5", "up"});
  in_ns({"link", "set", "nsbr5", "up"});
  in_ns({"addr", "add", "203.0.113.1/24", "dev", "nsport5"});
  auto r = nltest::netlab({"-n", "diagns5", "-j", "arp", "diagnose", "nsport5", "203.0.113.5", "--duration", "1"});
  INFO(r.out << r.err);
  CHECK(r.status == 3);
  auto doc = testjson::parse(r.out);
  const auto& f = doc["findings"].array().at(0);
  CHECK(f["cause"].str() == "ip-on-bridge-port");
  CHECK(f["fix"].array().at(0)["netlab"].str() == "netlab -n diagns5 addr del 203.0.113.1/24 dev nsport5");
  CHECK(f["fix"].array().at(0)["iproute2"].str() == "ip -n diagns5 addr del 203.0.113.1/24 dev nsport5");
  // The same run in text: the verdict first, then the cause, its evidence and fix.
  auto t = nltest::netlab({"-n", "diagns5", "arp", "diagnose", "nsport5", "203.0.113.5", "--duration", "1"});
  CHECK(t.status == 3);
  CHECK(t.out.rfind("netlab arp diagnose nsport5 203.0.113.5: FAULT", 0) == 0);
  CHECK(contains(t.out, "FAULT ip-on-bridge-port (C01)"));
  CHECK(contains(t.out, "  evidence:\n"));
  CHECK(contains(t.out, "    netlab -n diagns5 addr add 203.0.113.1/24 dev nsbr5"));
}

TEST_CASE("arp diagnose refuses bad input with one line and exit 2 or 1") {
  nltest::PrivateNetns ns;
  lab::PeerNetns vm;
  idle_pair(vm);
  struct Case {
    std::vector<std::string> args;
    int status;
    std::string needle;
  };
  const std::vector<Case> cases = {
      {{"arp", "diagnose"}, 2, "needs an interface"},
      {{"arp", "diagnose", "idle0", "2001:db8::2"}, 2, "not an IPv4 address"},
      {{"ndp", "diagnose", "idle0", "198.51.100.2"}, 2, "not an IPv6 address"},
      {{"arp", "diagnose", "idle0", "224.0.0.1"}, 2, "multicast"},
      {{"arp", "diagnose", "idle0", "198.51.100.2", "--duration", "0"}, 2, "--duration"},
      {{"arp", "diagnose", "idle0", "198.51.100.2", "extra"}, 2, "extra"},
      {{"arp", "diagnose", "averyveryverylongname0", "198.51.100.2"}, 2, "averyveryverylongname0"},
      {{"arp", "diagnose", "nosuch0", "198.51.100.2"}, 1, "nosuch0"},
  };
  for (const auto& c : cases) {
    auto r = nltest::netlab(c.args);
    INFO(r.err);
    CHECK(r.status == c.status);
    CHECK(contains(r.err, c.needle));
    CHECK(r.out.empty());
  }
}

TEST_CASE("arp diagnose and a capture on the same interface both work at once") {
  nltest::PrivateNetns ns;
  lab::PeerNetns vm;
  idle_pair(vm);
  lab::Background capture({NETLAB_CLI_PATH, "capture", "-i", "idle0", "-n", "-l", "arp"});
  REQUIRE(capture.wait_stderr("listening on idle0", lab::Millis(3000)));
  lab::require_ok(lab::diagnose("idle0", "198.51.100.2"));
  REQUIRE(lab::wait_for([&] { return contains(capture.out(), "Reply 198.51.100.2 is-at"); }, lab::Millis(2000)));
  CHECK(capture.stop() == 0);
  CHECK(contains(capture.err(), "packets captured"));
}

TEST_CASE("arp diagnose sweeps a silent subnet only on a lab link or with --sweep, and says what it swept") {
  nltest::PrivateNetns ns;
  lab::PeerNetns lan;
  // An uplink to a LAN: the default route leaves through it.
  lab::veth_to(lan, "uplink9", "", "eth0");
  ip_ok({"addr", "add", "192.0.2.10/24", "dev", "uplink9"});
  ip_ok({"route", "add", "default", "via", "192.0.2.1"});
  lan.ip_ok({"addr", "add", "192.0.2.1/24", "dev", "eth0"});
  REQUIRE(lab::wait_for([] { return lab::has_carrier("uplink9"); }, lab::Millis(3000)));

  auto notes_of = [](const lab::Diagnosis& d) {
    std::string all;
    for (const auto& n : (*d.json)["notes"].array()) all += n.str() + "\n";
    return all;
  };
  {
    auto cap = lab::start_capture("eth0", {"arp", "and", "arp[24:4]", "=", "0xc0000264"}, &lan);  // who-has 192.0.2.100; 252 = the /24 less the target and our own address
    auto d = lab::diagnose("uplink9", "192.0.2.99");
    INFO(d.describe());
    REQUIRE(d.json.has_value());
    const std::string notes = notes_of(d);
    CHECK(contains(notes, "not swept because uplink9 carries the default route"));
    CHECK_FALSE(cap.wait_stdout("who-has 192.0.2.100", lab::Millis(500)));
  }
  {
    auto cap = lab::start_capture("eth0", {"arp", "and", "arp[24:4]", "=", "0xc0000264"}, &lan);
    auto d = lab::diagnose("uplink9", "192.0.2.99", {"--sweep"});
    INFO(d.describe());
    REQUIRE(d.json.has_value());
    CHECK(contains(notes_of(d), "192.0.2.0/24 was swept on uplink9 (252 ARP requests)"));
    CHECK(cap.wait_stdout("who-has 192.0.2.100", lab::Millis(2000)));
  }
  // --sweep with --passive is a usage error, and changes nothing.
  auto r = nltest::netlab({"arp", "diagnose", "uplink9", "192.0.2.99", "--sweep", "--passive"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "--sweep"));
}

TEST_CASE("arp diagnose sweeps a lab bridge's silent subnet and names it in the notes") {
  nltest::PrivateNetns ns;
  ip_ok({"link", "add", "sweepbr", "type", "bridge"});
  ip_ok({"link", "set", "sweepbr", "up"});
  ip_ok({"addr", "add", "203.0.113.193/26", "dev", "sweepbr"});
  ip_ok({"tuntap", "add", "dev", "sweeptap", "mode", "tap"});
  ip_ok({"link", "set", "sweeptap", "master", "sweepbr"});
  ip_ok({"link", "set", "sweeptap", "up"});
  // The guest is up with another address than the one asked about.
  auto guest = lab::start_guest({"sweeptap", "ip", "203.0.113.201/26", "mac", "02:5e:00:00:02:01"});
  auto d = lab::diagnose("sweepbr", "203.0.113.200");
  INFO(d.describe());
  REQUIRE(d.json.has_value());
  std::string notes;
  for (const auto& n : (*d.json)["notes"].array()) notes += n.str() + "\n";
  CHECK(contains(notes, "203.0.113.192/26 was swept on sweepbr (60 ARP requests)"));
  const auto* f = d.finding("target-not-configured");
  REQUIRE(f);
  CHECK(contains(lab::field(*f, "summary"), "203.0.113.201"));
}

TEST_CASE("arp and ndp diagnose --save-evidence write what was analysed, and refuse a file they cannot write") {
  nltest::PrivateNetns ns;
  lab::PeerNetns vm;
  idle_pair(vm);
  char tmpl[] = "/tmp/netlab-evidence-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  const std::string file = dir + "/arp.json";

  auto r = nltest::netlab({"-j", "arp", "diagnose", "idle0", "198.51.100.2", "--duration", "1", "--save-evidence", file});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  const auto out = testjson::parse(r.out);  // stdout is the report, as without the option
  CHECK(out["verdict"].str() == "ok");
  const auto doc = testjson::parse(file_text(file));
  CHECK(doc["format"].str() == "netlab-diagnosis-evidence");
  CHECK(doc["options"]["interface"].str() == "idle0");
  CHECK(doc["options"]["target"].str() == "198.51.100.2");
  CHECK(doc["options"]["family"].str() == "inet");
  REQUIRE(doc["examined"].array().size() == 1);
  const auto& pair = doc["examined"].array()[0];
  CHECK(pair["snapshot"]["interface"].str() == "idle0");
  bool has_idle0 = false;
  for (const auto& l : pair["snapshot"]["links"].array()) has_idle0 = has_idle0 || l["name"].str() == "idle0";
  CHECK(has_idle0);
  CHECK_FALSE(pair["observation"]["frames"].array().empty());  // the guest's reply at least
  CHECK(doc["report"]["verdict"].str() == out["verdict"].str());
  CHECK(doc["report"]["findings"].array().size() == out["findings"].array().size());
  CHECK(::access((file + ".tmp").c_str(), F_OK) != 0);

  // ndp diagnose without a target: the interface's own pair, family inet6.
  const std::string file6 = dir + "/ndp.json";
  auto r6 = nltest::netlab({"ndp", "diagnose", "idle0", "--duration", "0.5", "--save-evidence", file6});
  INFO(r6.out << r6.err);
  CHECK((r6.status == 0 || r6.status == 3));
  const auto doc6 = testjson::parse(file_text(file6));
  CHECK(doc6["options"]["family"].str() == "inet6");
  CHECK(doc6["options"]["target"].is_null());
  CHECK(doc6["examined"].array().size() >= 1);

  struct Case {
    std::vector<std::string> args;
    int status;
    std::string needle;
  };
  const std::vector<Case> cases = {
      {{"arp", "diagnose", "idle0", "198.51.100.2", "--save-evidence", ""}, 2, "--save-evidence: needs a file name"},
      {{"arp", "diagnose", "idle0", "198.51.100.2", "--save-evidence"}, 2, "save-evidence"},
      {{"arp", "diagnose", "idle0", "198.51.100.2", "--save-evidence", dir}, 1, "Is a directory"},
      {{"ndp", "diagnose", "idle0", "--save-evidence", dir + "/no/such/x.json"}, 1, "No such file or directory"},
      // Usage is checked before the file: a bad target is the error named.
      {{"arp", "diagnose", "idle0", "2001:db8::2", "--save-evidence", dir + "/no/such/x.json"}, 2,
       "not an IPv4 address"},
  };
  for (const auto& c : cases) {
    auto e = nltest::netlab(c.args);
    INFO(e.err);
    CHECK(e.status == c.status);
    CHECK(contains(e.err, c.needle));
    CHECK(std::count(e.err.begin(), e.err.end(), '\n') == 1);
    CHECK(e.out.empty());
  }
  ::unlink(file.c_str());
  ::unlink(file6.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("arp diagnose ends the watch once the same fault has held, and --whole-duration watches it all") {
  nltest::PrivateNetns ns;
  // A bridge whose only port is a TAP nobody holds: no carrier (C05), a
  // fault the evidence proves at once.
  ip_ok({"link", "add", "hold0", "type", "bridge"});
  ip_ok({"link", "set", "hold0", "up"});
  ip_ok({"addr", "add", "203.0.113.1/24", "dev", "hold0"});
  ip_ok({"tuntap", "add", "dev", "holdtap0", "mode", "tap"});
  ip_ok({"link", "set", "holdtap0", "master", "hold0", "up"});
  auto run = [](std::vector<std::string> extra) {
    std::vector<std::string> argv{"-j", "arp", "diagnose", "hold0", "203.0.113.2", "--duration", "6"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto r = nltest::netlab(argv);
    INFO(r.out << r.err);
    REQUIRE(r.status == 3);
    return testjson::parse(r.out);
  };
  auto causes = [](const testjson::Value& doc) {
    std::vector<std::string> out;
    for (const auto& f : doc["findings"].array())
      if (f["severity"].str() == "fault") out.push_back(f["cause"].str());
    std::sort(out.begin(), out.end());
    return out;
  };
  auto noted = [](const testjson::Value& doc) {
    bool said = false;
    for (const auto& n : doc["notes"].array()) said = said || contains(n.str(), "the watch ended after ");
    return said;
  };
  const auto early = run({});
  const auto whole = run({"--whole-duration"});
  INFO("early: " << early["duration_s"].num() << " s, whole: " << whole["duration_s"].num() << " s");
  // The early end is a behaviour, not a speed: the watch stopped before the
  // duration asked for and said so; the whole watch did not.
  CHECK(early["duration_s"].num() < 6.0);
  CHECK(noted(early));
  CHECK(whole["duration_s"].num() >= 6.0);
  CHECK_FALSE(noted(whole));
  // The same verdict either way.
  const auto early_causes = causes(early);
  CHECK(early_causes == causes(whole));
  CHECK(std::find(early_causes.begin(), early_causes.end(), "no-carrier") != early_causes.end());
}
