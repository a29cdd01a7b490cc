// netlab arp diagnose IFACE [TARGET] [--duration S] [--passive]: the
// command is thin; the engine (collect, observe, analyse) is in libnetlab.
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
};

void run_diagnose(const DiagnoseArgs& a, const Global& g) {
  Words w(a.words, "arp diagnose");
  if (w.done()) usage_error("arp diagnose", "needs an interface: netlab arp diagnose IFACE [TARGET]");
  diag::Options o;
  o.interface = parse_ifname(w.next()).str();
  if (!w.done()) {
    const auto& word = w.next();
    auto ip = IpAddr::parse(word);
    if (!ip) fail(ip.error());
    if (!ip->is_v4()) usage_error("target " + word, "not an IPv4 address (use netlab ndp diagnose for IPv6)");
    o.target = *ip;
  }
  if (!w.done()) w.unknown(w.next());
  if (!(a.duration >= 0.2 && a.duration <= 600))
    usage_error("--duration " + std::to_string(a.duration), "must be between 0.2 and 600 seconds");
  o.duration_s = a.duration;
  o.passive = a.passive;
  o.netns_arg = g.netns_arg;
  const auto report = value_or_fail(diag::diagnose_arp(g.netns, o));
  {
    Output out(g);
    if (g.json) {
      diag::render_json(report, out.json());
      out.text() += '\n';
    } else {
      diag::render_text(report, out.text());
    }
  }
  std::fflush(stdout);
  if (const int status = diag::exit_status(report); status != 0) throw CLI::RuntimeError(status);
}

}  // namespace

void add_arp_diagnose_command(CLI::App& arp, Global& g) {
  auto args = std::make_shared<DiagnoseArgs>();
  auto* cmd = add_words_command(arp, g, "diagnose", "Explain why ARP resolution fails, with evidence and the fix",
                                args->words, "IFACE [TARGET]", [args, &g] { run_diagnose(*args, g); });
  cmd->add_option("--duration", args->duration, "Seconds to watch the wire (default 2)");
  cmd->add_flag("--passive", args->passive, "Only watch: send no probe of our own");
}

}  // namespace netlab::cli
