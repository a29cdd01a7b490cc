// netlab dhcp probe: ask for an address as a guest's DHCP client would and
// list every server that answers (issue 15 §2); netlab dhcp diagnose: why a
// guest gets no lease (§3). The library does the work (dhcp.hpp,
// dhcp_diagnose.hpp); this file reads the options, checks them before
// anything is opened, and maps the outcome to the exit status.
#include "cli.hpp"

#include <netlab/dhcp.hpp>
#include <netlab/dhcp_diagnose.hpp>

#include <atomic>
#include <memory>

namespace netlab::cli {
namespace {

struct DhcpArgs {
  std::string iface, mac, wait;
  bool request = false, ipv6 = false;
};

struct DhcpDiagnoseArgs {
  std::string iface, client, duration;
  bool passive = false;
};

std::atomic<bool> g_dhcp_stop{false};
extern "C" void on_dhcp_stop_signal(int) { g_dhcp_stop.store(true); }

void run_probe(Global& g, const DhcpArgs& a) {
  resolve_globals(g);
  dhcp::ProbeOptions o;
  o.interface = parse_ifname(a.iface).str();
  if (!a.mac.empty()) o.mac = value_or_fail(MacAddr::parse_unicast(a.mac));
  if (!a.wait.empty()) {
    o.wait = parse_millis(a.wait, "-w");
    if (o.wait < dhcp::kMinWait || o.wait > dhcp::kMaxWait)
      usage_error("-w \"" + a.wait + "\"", "must be from 0.1 to 60 seconds");
  }
  o.request = a.request;
  o.ipv6 = a.ipv6 || g.ipv6;  // -6 after the command, or the global one before the object
  check(dhcp::validate(o));  // every option checked before anything is opened
  o.stop = [] { return g_dhcp_stop.load(); };

  // SIGINT/SIGTERM end the wait; the probe's port is removed and what was
  // seen is printed.
  g_dhcp_stop.store(false);
  std::optional<Result<dhcp::ProbeResult>> result;
  {
    StopSignals signals(on_dhcp_stop_signal);
    result.emplace(dhcp::probe(g.netns, o));
  }
  const auto r = value_or_fail(std::move(*result));
  Output out(g);
  dhcp::render_probe(out.printer(), r);
  out.printer().json_newline();
  out.flush_now();
  if (!r.answered()) throw CLI::RuntimeError(3);
}

void run_dhcp_diagnose(Global& g, const DhcpDiagnoseArgs& a) {
  resolve_globals(g);
  diag::DhcpDiagnoseOptions o;
  o.interface = parse_ifname(a.iface).str();
  if (!a.client.empty()) o.client = value_or_fail(MacAddr::parse_unicast(a.client));
  if (!a.duration.empty()) {
    o.duration = parse_millis(a.duration, "--duration");
    if (o.duration < diag::kDhcpMinWatch || o.duration > diag::kDhcpMaxWatch)
      usage_error("--duration \"" + a.duration + "\"", "must be from 1 to 60 seconds");
  }
  o.passive = a.passive;
  o.netns_arg = g.netns_arg;
  check(diag::validate(o));  // every option checked before anything is opened
  print_diagnosis(g, value_or_fail(diag::diagnose_dhcp(g.netns, o)));
}

}  // namespace

void add_dhcp_command(CLI::App& root, Global& g) {
  auto a = std::make_shared<DhcpArgs>();
  auto* dhcp = root.add_subcommand("dhcp", "Probe the DHCP servers of a link");
  dhcp->fallthrough();  // so that global options after `probe` (-j, -6) reach the root
  auto* probe = dhcp->add_subcommand("probe", "Send a DHCP DISCOVER as a guest would and list every answer");
  probe->add_option("iface", a->iface, "Interface (a bridge: through a temporary port of it)")
      ->required()
      ->type_name("IFACE");
  probe->add_option("--mac", a->mac, "Client MAC (default: random, locally administered)")->type_name("MAC");
  probe->add_option("-w", a->wait, "Listen SECONDS for answers, 0.1 to 60 (default 5)")->type_name("SECONDS");
  probe->add_flag("--request", a->request,
                  "Complete the exchange (REQUEST, ACK; -6: REQUEST, REPLY), then RELEASE the address");
  // Its own -6: CLI11 takes a "-6" after the positional for a negative
  // number, so the root's flag is not reached through fallthrough.
  probe->add_flag("-6", a->ipv6, "DHCPv6: send a SOLICIT, list the ADVERTISEs (with --request: lease, release)");
  probe->footer("-6: DHCPv6, a SOLICIT listing the ADVERTISEs; with --request also REQUEST, REPLY, RELEASE, REPLY.\n"
                "Exit status: 0 a server answered, 1 failure, 2 usage error, 3 no server answered.");
  probe->fallthrough();  // global options such as -j may follow the command
  probe->callback([&g, a] { run_probe(g, *a); });
  auto d = std::make_shared<DhcpDiagnoseArgs>();
  auto* diagnose = dhcp->add_subcommand("diagnose", "Find why a guest gets no DHCP lease");
  diagnose->add_option("iface", d->iface, "The guest's TAP or bridge port, or the bridge")
      ->required()
      ->type_name("IFACE");
  diagnose->add_option("client", d->client, "Diagnose this guest only (its MAC)")->type_name("CLIENT-MAC");
  diagnose->add_option("--duration", d->duration, "Watch SECONDS, 1 to 60 (default 5)")->type_name("SECONDS");
  diagnose->add_flag("--passive", d->passive, "Only watch the guests: send no probe of our own");
  diagnose->footer("Exit status: 0 ok, 1 failure, 2 usage error, 3 a cause found, 4 no server answered and no "
                   "known cause explains it.");
  diagnose->fallthrough();
  diagnose->callback([&g, d] { run_dhcp_diagnose(g, *d); });
  // A bare `dhcp` names the command it lacks (not require_subcommand(1),
  // whose error would also hide main()'s "did you mean" for a misspelt one).
  dhcp->callback([dhcp] {
    if (dhcp->get_subcommands().empty()) usage_error("dhcp", "a command is required: probe or diagnose");
  });
}

}  // namespace netlab::cli
