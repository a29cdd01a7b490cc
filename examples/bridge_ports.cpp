// bridge_ports: every bridge (or the one named) with its ports and their STP
// state, as JSON, and optionally an ARP diagnosis of one interface and target,
// using libnetlab directly rather than the netlab CLI.
//
//   bridge_ports [-n NETNS] [BRIDGE] [--diagnose IFACE TARGET] [--duration S]
//
// Without --diagnose it prints one JSON array, one object per bridge:
//   [{"bridge":"mirbr0","stp_state":0,"ports":[{"ifname":"mirtap0","port_no":1,
//     "state":"forwarding","carrier":false}]}]
// With --diagnose it prints one JSON object holding that array and the
// diagnosis report (the same document as `netlab -j arp diagnose IFACE TARGET`):
//   {"bridges":[...],"diagnosis":{"interface":"mirtap0","target":"192.0.2.9",
//     "verdict":"fault","findings":[{"cause":"ip-on-bridge-port","id":"C01",...}],...}}
//
// Exit status: 0 listed (and the diagnosis found the path working), 1 a call
// failed, 2 bad usage, 3 the diagnosis found a fault, 4 it could not explain
// the failure. Reading links needs no privilege; the diagnosis captures
// packets and so needs CAP_NET_RAW (root). The library never prints: it
// returns Result<T>, and the caller decides what an Error becomes (here one
// stderr line, a "hint:" line when the error carries one, and
// Error::exit_status()).

#include <netlab/bridge.hpp>
#include <netlab/diag.hpp>
#include <netlab/json.hpp>
#include <netlab/netns.hpp>
#include <netlab/types.hpp>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace {

constexpr const char* kUsage =
    "usage: bridge_ports [-n NETNS] [BRIDGE] [--diagnose IFACE TARGET] [--duration S]\n";

int fail(const netlab::Error& e) {
  std::fprintf(stderr, "bridge_ports: %s\n", e.message().c_str());
  if (!e.hint.empty()) std::fprintf(stderr, "hint: %s\n", e.hint.c_str());
  return e.exit_status();
}

int usage(const std::string& why) {
  std::fprintf(stderr, "bridge_ports: %s\n%s", why.c_str(), kUsage);
  return 2;
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
  std::string netns_arg;
  std::string_view bridge;
  std::optional<netlab::diag::Options> diagnose;
  double duration_s = 2.0;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-n" && i + 1 < argc) {
      auto named = netlab::Netns::from_arg(argv[++i]);
      if (!named) return fail(named.error());
      ns = *named;
      netns_arg = argv[i];
    } else if (arg == "--diagnose" && i + 2 < argc) {
      // The library checks the name (ENODEV when there is no such link);
      // the target must be an IPv4 unicast address for an ARP diagnosis.
      auto iface = netlab::IfName::parse(argv[++i]);
      if (!iface) return fail(iface.error());
      auto target = netlab::IpAddr::parse(argv[++i]);
      if (!target) return fail(target.error());
      if (target->family() != netlab::Family::Inet || target->is_multicast())
        return usage(std::string("target ") + argv[i] + ": not an IPv4 unicast address");
      diagnose.emplace();
      diagnose->family = netlab::Family::Inet;
      diagnose->interface = iface->str();
      diagnose->target = *target;
    } else if (arg == "--duration" && i + 1 < argc) {
      char* end = nullptr;
      duration_s = std::strtod(argv[++i], &end);
      if (end == argv[i] || *end != '\0' || !(duration_s >= 0.2 && duration_s <= 600))
        return usage(std::string("--duration ") + argv[i] + ": must be between 0.2 and 600 seconds");
    } else if (!arg.empty() && arg[0] != '-' && bridge.empty()) {
      bridge = arg;
    } else {
      std::fprintf(stderr, "%s", kUsage);
      return 2;
    }
  }

  // Step 1: the bridges and their ports, read over netlink in `ns`.
  auto views = netlab::bridge::list(ns, bridge);
  if (!views) return fail(views.error());

  // Step 2 (optional): the diagnosis. It reads the kernel's state, watches
  // the wire for `duration_s` seconds while it makes the kernel resolve the
  // target, and returns the verdict with its evidence and fix. A fault is a
  // result, not an Error: the Error path is for calls that could not run.
  std::optional<netlab::diag::Report> report;
  if (diagnose) {
    diagnose->duration_s = duration_s;
    diagnose->netns_arg = netns_arg;  // the printed fixes name the namespace
    auto r = netlab::diag::diagnose_arp(ns, *diagnose);
    if (!r) return fail(r.error());
    report = std::move(*r);
  }

  std::string out;
  netlab::JsonWriter j(out);
  if (report) {
    j.begin_object();
    j.key("bridges");
  }
  j.begin_array();
  for (const auto& v : *views) write_bridge(j, v);
  j.end_array();
  if (report) {
    j.key("diagnosis");
    netlab::diag::render_json(*report, j);
    j.end_object();
  }
  j.newline();
  std::fwrite(out.data(), 1, out.size(), stdout);
  return report ? netlab::diag::exit_status(*report) : 0;
}
