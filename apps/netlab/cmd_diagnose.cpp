// netlab arp diagnose / netlab ndp diagnose IFACE [TARGET] [--duration S]
// [--passive]: thin commands over the one diagnosis engine in libnetlab
// (collect, observe, analyse), for IPv4 (ARP) and IPv6 (neighbour discovery).
#include "cli.hpp"

#include <netlab/diag.hpp>

#include <cstdio>
#include <memory>

namespace netlab::cli {
namespace {

struct DiagnoseArgs {
  std::vector<std::string> words;
  double duration = 2.0;
  bool passive = false;
  bool sweep = false;
};

void run_diagnose(const DiagnoseArgs& a, const Global& g, Family family) {
  const bool v6 = family == Family::Inet6;
  const std::string command = v6 ? "ndp diagnose" : "arp diagnose";
  Words w(a.words, command);
  if (w.done()) usage_error(command, "needs an interface: netlab " + command + " IFACE [TARGET]");
  diag::Options o;
  o.family = family;
  o.interface = parse_ifname(w.next()).str();
  if (!w.done()) {
    const auto& word = w.next();
    auto ip = IpAddr::parse(word);
    if (!ip) fail(ip.error());
    if (ip->family() != family)
      usage_error("target " + word, v6 ? "not an IPv6 address (use netlab arp diagnose for IPv4)"
                                       : "not an IPv4 address (use netlab ndp diagnose for IPv6)");
    if (ip->is_multicast()) usage_error("target " + word, "is a multicast address: only unicast addresses are resolved");
    o.target = *ip;
  }
  if (!w.done()) w.unknown(w.next());
  if (!(a.duration >= 0.2 && a.duration <= 600))
    usage_error("--duration " + std::to_string(a.duration), "must be between 0.2 and 600 seconds");
  o.duration_s = a.duration;
  o.passive = a.passive;
  o.sweep = a.sweep;
  if (a.sweep && a.passive) usage_error("--sweep", "sends requests: it cannot go with --passive");
  o.netns_arg = g.netns_arg;
  print_diagnosis(g, value_or_fail(diag::diagnose_arp(g.netns, o)));
}

void add_diagnose(CLI::App& object, Global& g, Family family, std::string help) {
  auto args = std::make_shared<DiagnoseArgs>();
  auto* cmd = add_words_command(object, g, "diagnose", std::move(help), args->words, "IFACE [TARGET]",
                                [args, &g, family] { run_diagnose(*args, g, family); });
  cmd->add_option("--duration", args->duration, "Seconds to watch the wire (default 2)");
  cmd->add_flag("--passive", args->passive, "Only watch: send no probe of our own");
  if (family == Family::Inet)
    cmd->add_flag("--sweep", args->sweep,
                  "When nobody answers, ask the target's whole subnet even on a link that is not a lab link");
}

}  // namespace

// The one place text (prose) and JSON rightly differ: a diagnosis report.
void print_diagnosis(const Global& g, const diag::Report& report) {
  {
    Output out(g);
    Printer& p = out.printer();
    if (g.json) {
      diag::render_json(report, *p.json_writer());
      p.json_newline();
    } else {
      diag::render_text(report, *p.text_out());
    }
  }
  std::fflush(stdout);
  if (const int status = diag::exit_status(report); status != 0) throw CLI::RuntimeError(status);
}

void add_arp_diagnose_command(CLI::App& arp, Global& g) {
  add_diagnose(arp, g, Family::Inet, "Explain why ARP resolution fails, with evidence and the fix");
}

void add_ndp_diagnose_command(CLI::App& ndp, Global& g) {
  add_diagnose(ndp, g, Family::Inet6,
               "Explain why IPv6 neighbour discovery or SLAAC fails, with evidence and the fix");
}

}  // namespace netlab::cli
