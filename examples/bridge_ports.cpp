// bridge_ports: every bridge (or the one named) with its ports and their STP
// state, as JSON, using libnetlab directly rather than the netlab CLI.
//
//   bridge_ports [-n NETNS] [BRIDGE]
//   [{"bridge":"mirbr0","stp_state":0,"ports":[{"ifname":"mirtap0","port_no":1,
//     "state":"forwarding","carrier":false}]}]
//
// Reading links needs no privilege. The library never prints: it returns
// Result<T>, and the caller decides what an Error becomes (here one stderr
// line and Error::exit_status()).
//
// Not shown yet: diagnosing a port that gets no ARP replies. The diagnosis API
// (STYLE.md §7, diag.hpp) does not exist yet; once it does, this example should
// run it for each forwarding port and print its findings beside the state.

#include <netlab/bridge.hpp>
#include <netlab/json.hpp>
#include <netlab/netns.hpp>

#include <cstdio>
#include <string>
#include <string_view>

namespace {

int fail(const netlab::Error& e) {
  std::fprintf(stderr, "bridge_ports: %s\n", e.message().c_str());
  if (!e.hint.empty()) std::fprintf(stderr, "hint: %s\n", e.hint.c_str());
  return e.exit_status();
}

void write_bridge(netlab::JsonWriter& j, const netlab::bridge::View& v) {
  j.begin_object();
  j.member("bridge", v.bridge.name);
  // The bridge's STP mode: 0 off, 1 kernel STP, 2 user-space STP.
  j.member("stp_state", v.bridge.bridge ? v.bridge.bridge->stp_state : 0u);
  j.key("ports");
  j.begin_array();
  for (const auto& port : v.ports) {
    j.begin_object();
    j.member("ifname", port.name);
    if (port.bridge_port) {
      j.member("port_no", port.bridge_port->port_no);
      j.member("state", port.bridge_port->state_name());  // "forwarding", "blocking", ...
    }
    j.member("carrier", port.carrier.value_or(false));
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

}  // namespace

int main(int argc, char** argv) {
  netlab::Netns ns;  // default: this process's namespace
  std::string_view bridge;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-n" && i + 1 < argc) {
      auto named = netlab::Netns::from_arg(argv[++i]);
      if (!named) return fail(named.error());
      ns = *named;
    } else if (!arg.empty() && arg[0] != '-' && bridge.empty()) {
      bridge = arg;
    } else {
      std::fprintf(stderr, "usage: bridge_ports [-n NETNS] [BRIDGE]\n");
      return 2;
    }
  }

  auto views = netlab::bridge::list(ns, bridge);
  if (!views) return fail(views.error());

  std::string out;
  netlab::JsonWriter j(out);
  j.begin_array();
  for (const auto& v : *views) write_bridge(j, v);
  j.end_array();
  j.newline();
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}
