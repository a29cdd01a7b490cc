// netlab arp: inspect (the IPv4 neighbour table with each state explained and
// the hints the state alone gives) and probe (arping's job). `arp diagnose`
// registers itself from cmd_arp_diagnose.cpp.
#include "cli.hpp"

#include <netlab/arp.hpp>

#include <atomic>
#include <csignal>
#include <memory>

namespace netlab::cli {
namespace {

struct ArpArgs {
  std::vector<std::string> inspect;
  // probe
  std::string iface, target, source, count, deadline, interval;
  bool dad = false, unsolicited = false, advert = false;
};

// ---- inspect ----------------------------------------------------------------

void run_inspect(const Global& g, const std::vector<std::string>& args) {
  const std::string dev = read_optional_dev(args, "arp inspect");
  if (g.ipv6) usage_error("arp inspect", "ARP is IPv4 only (-6 given)");
  auto rows = value_or_fail(arp::inspect(g.netns, dev));
  Output out(g);
  out.begin_list();
  arp::render_inspect(out.printer(), rows, dev);
  out.end_list();
}

// ---- probe ------------------------------------------------------------------

std::atomic<bool> g_probe_stop{false};
extern "C" void on_probe_signal(int) { g_probe_stop.store(true); }

// An address argument; the error names the argument, not just the text.
IpAddr parse_ipv4_word(const std::string& text, const char* what) {
  auto a = IpAddr::parse(text);
  if (!a) usage_error(std::string(what) + " \"" + text + "\"", "is not an IPv4 address");
  return *a;
}

std::string conflict_line(const arp::ProbeResult& r) {
  std::string macs;
  for (std::size_t i = 0; i < r.macs.size(); ++i) {
    if (i) macs += i + 1 == r.macs.size() ? " and " : ", ";
    macs += r.macs[i].to_string();
  }
  return "netlab: conflict: " + r.target.to_string() + " is-at " + macs + "\n";
}

void run_probe(Global& g, const ArpArgs& a) {
  resolve_globals(g);
  if (g.ipv6) usage_error("arp probe", "ARP is IPv4 only (-6 given)");
  if (int modes = a.dad + a.unsolicited + a.advert; modes > 1) usage_error("arp probe", "-D, -U and -A exclude each other");
  arp::ProbeOptions o;
  o.interface = parse_ifname(a.iface).str();
  o.target = parse_ipv4_word(a.target, "target");
  if (!a.source.empty()) o.source = parse_ipv4_word(a.source, "source");
  if (!a.count.empty()) o.count = parse_u32(a.count, "count", 1, 1000000);
  if (!a.deadline.empty()) o.deadline = parse_millis(a.deadline, "deadline");
  if (!a.interval.empty()) o.interval = parse_millis(a.interval, "interval");
  o.mode = a.dad ? arp::ProbeMode::DuplicateCheck
           : a.unsolicited ? arp::ProbeMode::AnnounceRequest
           : a.advert ? arp::ProbeMode::AnnounceReply
                      : arp::ProbeMode::Request;
  o.stop = [] { return g_probe_stop.load(); };

  // Text prints each line as it happens; JSON prints the whole result at the end.
  Output out(g);
  arp::ProbeCallbacks cb;
  cb.started = out.live(arp::render_probe_start);
  cb.reply = out.live(arp::render_probe_reply);

  // SIGINT/SIGTERM end the probe early; the summary is still printed, as arping does.
  g_probe_stop.store(false);
  struct sigaction sa {};
  sa.sa_handler = on_probe_signal;
  sigemptyset(&sa.sa_mask);
  struct sigaction old_int {}, old_term {};
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  auto result = arp::probe(g.netns, o, cb);
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  const auto r = value_or_fail(std::move(result));

  arp::render_probe(out.printer(), r);
  out.printer().json_newline();
  out.flush_now();
  if (r.conflict) {
    std::fflush(stdout);
    std::fputs(conflict_line(r).c_str(), stderr);
  }
  if (!r.succeeded()) {
    std::fflush(stdout);
    throw CLI::RuntimeError(3);
  }
}

}  // namespace

void add_arp_command(CLI::App& root, Global& g) {
  auto a = std::make_shared<ArpArgs>();
  auto* arp = root.add_subcommand("arp", "Inspect the ARP table, probe addresses, diagnose ARP faults");
  add_words_command(*arp, g, "inspect", "Show the IPv4 neighbour table with each state explained (the default)",
                    a->inspect, "[dev IFACE]", [&g, a] { run_inspect(g, a->inspect); });

  auto* probe = arp->add_subcommand("probe", "Send ARP requests (arping) and report who answers");
  probe->add_option("iface", a->iface, "Interface to send on")->required()->type_name("IFACE");
  probe->add_option("target", a->target, "IPv4 address to resolve")->required()->type_name("TARGET");
  probe->add_option("-c", a->count, "Send COUNT probes (with -w: stop after COUNT answered probes)")
      ->type_name("COUNT");
  probe->add_option("-w", a->deadline, "Stop after SECONDS")->type_name("SECONDS");
  probe->add_option("-i", a->interval, "Seconds between probes (default 1)")->type_name("SECONDS");
  probe->add_option("-s", a->source, "Sender IPv4 address (default: the interface's first)")->type_name("SOURCE");
  probe->add_flag("-D", a->dad, "Duplicate address detection: exit 0 when nobody answers");
  probe->add_flag("-U", a->unsolicited, "Unsolicited announcement (gratuitous request)");
  probe->add_flag("-A", a->advert, "Announcement as a gratuitous reply");
  probe->footer("Exit status: 0 answered (-D: nobody answered), 1 failure, 2 usage error, 3 no answer (-D: taken).");
  probe->fallthrough();  // global options such as -j may follow the command
  probe->callback([&g, a] { run_probe(g, *a); });

  default_to_show(arp, g, [&g, a] { run_inspect(g, {}); });
  add_arp_diagnose_command(*arp, g);
}

}  // namespace netlab::cli
