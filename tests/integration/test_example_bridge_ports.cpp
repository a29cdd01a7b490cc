// examples/bridge_ports (the program that shows libnetlab used directly) run
// against labs in a private namespace: its bridge listing must agree with
// `bridge -j link` and its diagnosis with what the lab was built to be (an
// address on a bridge port, C01; a healthy bridge with a kernel guest).
// Built only with the examples (NETLAB_BUILD_EXAMPLES, the default).
#ifdef NETLAB_EXAMPLE_BRIDGE_PORTS_PATH

#include "lab_support.hpp"

#include <string>
#include <vector>

using namespace std::chrono_literals;
namespace lab = nltest::lab;
using lab::field;
using nltest::ip_ok;

namespace {

struct ExampleRun {
  nltest::RunResult result;
  testjson::Value json;
  std::string describe() const {
    return "exit status " + std::to_string(result.status) + "\n--- stdout:\n" + result.out + "--- stderr:\n" +
           result.err;
  }
};

ExampleRun run_example(const std::vector<std::string>& args) {
  std::vector<std::string> argv{NETLAB_EXAMPLE_BRIDGE_PORTS_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  ExampleRun r;
  r.result = nltest::run(argv);
  INFO(r.describe());
  REQUIRE_NOTHROW(r.json = testjson::parse(r.result.out));
  return r;
}

// The bridge object named `name` in the example's list (REQUIREs it).
const testjson::Value& bridge_in(const testjson::Value& bridges, const std::string& name) {
  REQUIRE(bridges.is_array());
  for (const auto& b : bridges.array())
    if (field(b, "bridge") == name) return b;
  FAIL("bridge " << name << " is not in the example's list");
  throw;  // unreachable: FAIL throws
}

// The port object named `name` of a bridge object (REQUIREs it).
const testjson::Value& port_in(const testjson::Value& bridge, const std::string& name) {
  REQUIRE(bridge["ports"].is_array());
  for (const auto& p : bridge["ports"].array())
    if (field(p, "ifname") == name) return p;
  FAIL("port " << name << " is not listed under " << field(bridge, "bridge"));
  throw;
}

}  // namespace

TEST_CASE("example bridge_ports: lists the ports and diagnoses an address on a bridge port as C01") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm;
  ip_ok({"link", "add", "exbr1", "type", "bridge"});
  ip_ok({"link", "set", "exbr1", "up"});
  lab::veth_to(vm, "export1", "exbr1");
  ip_ok({"addr", "add", "203.0.113.1/24", "dev", "export1"});  // the mistake: on the port
  vm.ip_ok({"addr", "add", "203.0.113.9/24", "dev", "eth0"});
  REQUIRE(lab::wait_for([] { return lab::port_state("export1") == "forwarding"; }, 3s));
  REQUIRE(lab::wait_for([] { return lab::has_carrier("export1"); }, 3s));
  // The lab fails as the cause says: the guest answers, the port never learns it.
  REQUIRE_FALSE(lab::ping("203.0.113.9"));
  REQUIRE(lab::neigh_unresolved("203.0.113.9", "export1"));

  auto r = run_example({"exbr1", "--diagnose", "export1", "203.0.113.9", "--duration", lab::kDiagnoseSeconds});
  INFO(r.describe());
  CHECK(r.result.status == 3);  // a fault found
  CHECK(r.result.err.empty());
  REQUIRE(r.json.is_object());
  // Only the bridge asked for, its one port as `bridge -j link` sees it.
  REQUIRE(r.json["bridges"].array().size() == 1);
  const auto& br = bridge_in(r.json["bridges"], "exbr1");
  CHECK(field(br, "stp_state") == "0");
  REQUIRE(br["ports"].array().size() == 1);
  const auto& port = port_in(br, "export1");
  CHECK(field(port, "state") == lab::port_state("export1"));
  CHECK(field(port, "state") == "forwarding");
  CHECK(field(port, "carrier") == "true");
  CHECK(field(port, "port_no") == "1");
  // The diagnosis: the netlab CLI's document, cause C01 first.
  const auto& d = r.json["diagnosis"];
  REQUIRE(d.is_object());
  CHECK(field(d, "interface") == "export1");
  CHECK(field(d, "target") == "203.0.113.9");
  CHECK(field(d, "verdict") == "fault");
  REQUIRE_FALSE(d["findings"].array().empty());
  const auto& f = d["findings"].array().front();
  CHECK(field(f, "cause") == "ip-on-bridge-port");
  CHECK(field(f, "id") == "C01");
  CHECK(field(f, "severity") == "fault");
}

TEST_CASE("example bridge_ports: every bridge with its STP states and a healthy diagnosis") {
  nltest::PrivateNetns lab_ns;
  lab::PeerNetns vm;
  // A healthy bridge: the host address on the bridge, a kernel guest behind a veth port.
  ip_ok({"link", "add", "exbr2", "type", "bridge"});
  ip_ok({"link", "set", "exbr2", "up"});
  ip_ok({"addr", "add", "198.51.100.65/26", "dev", "exbr2"});
  lab::veth_to(vm, "export2", "exbr2");
  vm.ip_ok({"addr", "add", "198.51.100.66/26", "dev", "eth0"});
  const std::string guest_mac = lab::mac_of("eth0", &vm);
  // A bridge running kernel STP (forward delay 15 s): its new port stays in
  // listening/learning for the whole test. Its port is one end of a local
  // veth pair (carrier once both ends are up); a third, empty bridge is
  // listed too.
  ip_ok({"link", "add", "exbr3", "type", "bridge", "stp_state", "1"});
  ip_ok({"link", "add", "exvp3", "type", "veth", "peer", "name", "exvq3"});
  ip_ok({"link", "set", "exvp3", "master", "exbr3"});
  ip_ok({"link", "set", "exvq3", "up"});
  ip_ok({"link", "set", "exvp3", "up"});
  ip_ok({"link", "set", "exbr3", "up"});
  ip_ok({"link", "add", "exbr4", "type", "bridge"});
  REQUIRE(lab::wait_for([] { return lab::port_state("export2") == "forwarding"; }, 3s));
  REQUIRE(lab::wait_for([] { return lab::ping("198.51.100.66"); }, 5s));

  auto r = run_example({"--diagnose", "exbr2", "198.51.100.66", "--duration", lab::kDiagnoseSeconds});
  INFO(r.describe());
  CHECK(r.result.status == 0);
  REQUIRE(r.json.is_object());
  REQUIRE(r.json["bridges"].array().size() == 3);
  const auto& br2 = bridge_in(r.json["bridges"], "exbr2");
  CHECK(field(br2, "stp_state") == "0");
  CHECK(field(port_in(br2, "export2"), "state") == "forwarding");
  CHECK(field(port_in(br2, "export2"), "carrier") == "true");
  const auto& br3 = bridge_in(r.json["bridges"], "exbr3");
  CHECK(field(br3, "stp_state") == "1");
  const std::string stp_port = field(port_in(br3, "exvp3"), "state");
  CHECK((stp_port == "listening" || stp_port == "learning"));
  CHECK(stp_port == lab::port_state("exvp3"));
  CHECK(field(port_in(br3, "exvp3"), "carrier") == "true");
  CHECK(bridge_in(r.json["bridges"], "exbr4")["ports"].array().empty());

  const auto& d = r.json["diagnosis"];
  REQUIRE(d.is_object());
  CHECK(field(d, "verdict") == "ok");
  CHECK(field(d, "interface") == "exbr2");
  for (const auto& f : d["findings"].array()) CHECK(field(f, "severity") != "fault");
  REQUIRE(d["resolved"].is_object());
  CHECK(field(d["resolved"], "mac") == guest_mac);
}

TEST_CASE("example bridge_ports: without --diagnose it prints the bare list and refuses bad input in one line") {
  nltest::PrivateNetns lab_ns;
  ip_ok({"link", "add", "exbr5", "type", "bridge"});
  ip_ok({"link", "add", "exvp5", "type", "veth", "peer", "name", "exvq5"});
  ip_ok({"link", "set", "exvp5", "master", "exbr5"});
  {
    auto r = run_example({"exbr5"});
    INFO(r.describe());
    CHECK(r.result.status == 0);
    REQUIRE(r.json.is_array());
    const auto& br = bridge_in(r.json, "exbr5");
    // Both down: the kernel calls the port disabled.
    CHECK(field(port_in(br, "exvp5"), "state") == lab::port_state("exvp5"));
    CHECK(field(port_in(br, "exvp5"), "state") == "disabled");
    CHECK(field(port_in(br, "exvp5"), "carrier") == "false");
  }
  auto once = [](const std::vector<std::string>& args, int status, const std::string& needle) {
    std::vector<std::string> argv{NETLAB_EXAMPLE_BRIDGE_PORTS_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = nltest::run(argv);
    INFO("bridge_ports with " << args.size() << " words\nstdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.status == status);
    CHECK(r.out.empty());
    CHECK(lab::contains(r.err, needle));
    CHECK(lab::contains(r.err.substr(0, r.err.find('\n')), needle));  // the first line names it
  };
  once({"--diagnose", "exvp5", "2001:db8::1"}, 2, "2001:db8::1");
  once({"--diagnose", "exvp5", "192.0.2.300"}, 2, "192.0.2.300");
  once({"--diagnose", "nosuch5", "192.0.2.1"}, 1, "nosuch5");
  once({"nosuch6"}, 1, "nosuch6");
}

TEST_CASE("example bridge_ports -n NETNS lists and diagnoses inside a named namespace") {
  nltest::PrivateNetns lab_ns;
  nltest::make_named_netns("exns6");
  auto in_ns = [](std::vector<std::string> args) {
    args.insert(args.begin(), {"-n", "exns6"});
    return ip_ok(args);
  };
  in_ns({"link", "set", "lo", "up"});
  in_ns({"link", "add", "exbr6", "type", "bridge"});
  in_ns({"link", "add", "export6", "type", "veth", "peer", "name", "exvm6"});
  in_ns({"link", "set", "export6", "master", "exbr6", "up"});
  in_ns({"link", "set", "exvm6", "up"});
  in_ns({"link", "set", "exbr6", "up"});
  in_ns({"addr", "add", "203.0.113.1/24", "dev", "export6"});  // the mistake: on the port
  // The test's own namespace has no such bridge: the example must look in exns6.
  REQUIRE_FALSE(lab::contains(ip_ok({"link", "show"}), "exbr6"));

  auto r = run_example({"-n", "exns6", "--diagnose", "export6", "203.0.113.5", "--duration", "1"});
  INFO(r.describe());
  CHECK(r.result.status == 3);
  REQUIRE(r.json.is_object());
  const auto& br = bridge_in(r.json["bridges"], "exbr6");
  CHECK(field(port_in(br, "export6"), "state") == "forwarding");
  const auto& d = r.json["diagnosis"];
  REQUIRE_FALSE(d["findings"].array().empty());
  const auto& f = d["findings"].array().front();
  CHECK(field(f, "cause") == "ip-on-bridge-port");
  REQUIRE_FALSE(f["fix"].array().empty());
  // The printed fix names the namespace, as `netlab -n exns6 arp diagnose` would.
  CHECK(field(f["fix"].array().at(0), "netlab") == "netlab -n exns6 addr del 203.0.113.1/24 dev export6");
}

#endif  // NETLAB_EXAMPLE_BRIDGE_PORTS_PATH
