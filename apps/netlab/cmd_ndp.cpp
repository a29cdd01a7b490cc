// netlab ndp: inspect (IPv6 neighbours, addresses and the settings that
// decide SLAAC, with the causes they point at), probe (ndisc6's job) and rs
// (rdisc6's job). `ndp diagnose` registers itself from cmd_ndp_diagnose.cpp.
#include "cli.hpp"

#include <netlab/ndp.hpp>

#include <atomic>
#include <csignal>
#include <memory>

namespace netlab::cli {
namespace {

struct NdpArgs {
  std::vector<std::string> inspect;
  // probe
  std::string probe_iface, target, source, count, probe_wait, interval;
  bool unicast = false;
  // rs
  std::string rs_iface, rs_wait;
  bool single = false;
};

// ---- inspect ----------------------------------------------------------------

void run_inspect(const Global& g, const std::vector<std::string>& args) {
  const std::string dev = read_optional_dev(args, "ndp inspect");
  if (g.ipv4) usage_error("ndp inspect", "neighbour discovery is IPv6 only (-4 given)");
  const auto reports = value_or_fail(ndp::inspect(g.netns, dev));
  Output out(g);
  out.begin_list();
  for (const auto& r : reports) {
    ndp::render_inspect(out.printer(), r, g.render);
    out.maybe_flush();
  }
  out.end_list();
}

// ---- probe and rs: shared ----------------------------------------------------

std::atomic<bool> g_stop{false};
void on_ndp_stop_signal(int) { g_stop.store(true); }

// SIGINT/SIGTERM end a probe early; what came so far is still printed.
class StopOnSignal {
 public:
  StopOnSignal() {
    g_stop.store(false);
    struct sigaction sa {};
    sa.sa_handler = on_ndp_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopOnSignal() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

IpAddr parse_ipv6_word(const std::string& text, const char* what) {
  auto a = IpAddr::parse(text);
  if (!a || !a->is_v6()) usage_error(std::string(what) + " \"" + text + "\"", "is not an IPv6 address");
  return *a;
}

// ---- probe ----------------------------------------------------------------------

void run_probe(Global& g, const NdpArgs& a) {
  resolve_globals(g);
  if (g.ipv4) usage_error("ndp probe", "neighbour discovery is IPv6 only (-4 given)");
  ndp::ProbeOptions o;
  o.interface = parse_ifname(a.probe_iface).str();
  o.target = parse_ipv6_word(a.target, "target");
  if (!a.source.empty()) o.source = parse_ipv6_word(a.source, "source");
  if (!a.count.empty()) o.count = parse_u32(a.count, "count", 1, 1000000);
  if (!a.probe_wait.empty()) o.deadline = parse_millis(a.probe_wait, "wait");
  if (!a.interval.empty()) o.interval = parse_millis(a.interval, "interval");
  o.unicast = a.unicast;
  o.stop = [] { return g_stop.load(); };

  // Text prints each line as it happens; JSON prints the whole result at the end.
  Output out(g);
  ndp::ProbeCallbacks cb;
  cb.started = out.live([chosen = !o.source](Printer& p, const ndp::ProbeResult& r) {
    ndp::render_probe_start(p, r, chosen);
  });
  cb.advert = out.live(ndp::render_advert);
  ndp::ProbeResult r;
  {
    StopOnSignal guard;
    r = value_or_fail(ndp::probe(g.netns, o, cb));
  }
  ndp::render_probe(out.printer(), r);
  out.printer().json_newline();
  out.flush_now();
  if (!r.answered()) throw CLI::RuntimeError(3);
}

// ---- rs ---------------------------------------------------------------------------

void run_rs(Global& g, const NdpArgs& a) {
  resolve_globals(g);
  if (g.ipv4) usage_error("ndp rs", "neighbour discovery is IPv6 only (-4 given)");
  ndp::RsOptions o;
  o.interface = parse_ifname(a.rs_iface).str();
  if (!a.rs_wait.empty()) o.wait = parse_millis(a.rs_wait, "wait");
  o.single = a.single;
  o.stop = [] { return g_stop.load(); };
  Output out(g);
  ndp::RsCallbacks cb;
  cb.started = out.live(ndp::render_rs_start);
  cb.advert = out.live(ndp::render_router_advert);
  ndp::RsResult r;
  {
    StopOnSignal guard;
    r = value_or_fail(ndp::rs(g.netns, o, cb));
  }
  ndp::render_rs(out.printer(), r);
  out.printer().json_newline();
  out.flush_now();
  if (!r.answered()) throw CLI::RuntimeError(3);
}

}  // namespace

void add_ndp_command(CLI::App& root, Global& g) {
  auto a = std::make_shared<NdpArgs>();
  auto* ndp = root.add_subcommand("ndp", "IPv6 neighbour discovery: inspect, probe (ndisc6), rs (rdisc6), diagnose");
  add_words_command(*ndp, g, "inspect",
                    "Show IPv6 neighbours, addresses and SLAAC settings with what they mean (the default)",
                    a->inspect, "[dev IFACE]", [&g, a] { run_inspect(g, a->inspect); });

  auto* probe = ndp->add_subcommand("probe", "Send neighbour solicitations (ndisc6) and report the advertisements");
  probe->add_option("iface", a->probe_iface, "Interface to send on")->required()->type_name("IFACE");
  probe->add_option("target", a->target, "IPv6 address to resolve")->required()->type_name("TARGET");
  probe->add_option("-c", a->count, "Send up to COUNT solicitations, one a second (default 3)")->type_name("COUNT");
  probe->add_option("-w", a->probe_wait, "Listen SECONDS in all (default: one second per solicitation)")
      ->type_name("SECONDS");
  probe->add_option("-i", a->interval, "Seconds between solicitations (default 1)")->type_name("SECONDS");
  probe->add_option("-s", a->source, "Source IPv6 address (default: the interface's best match, or ::)")
      ->type_name("SOURCE");
  probe->add_flag("-u", a->unicast, "Unicast solicitation to the MAC the kernel has cached for TARGET");
  probe->footer("Exit status: 0 a usable advertisement came, 1 failure, 2 usage error, 3 none (or only ones\n"
                "without the target link-layer address, cause na-without-tlla).");
  probe->fallthrough();
  probe->callback([&g, a] { run_probe(g, *a); });

  auto* rs = ndp->add_subcommand("rs", "Send a router solicitation (rdisc6) and decode the advertisements");
  rs->add_option("iface", a->rs_iface, "Interface to send on")->required()->type_name("IFACE");
  rs->add_option("-w", a->rs_wait, "Listen SECONDS (default 3)")->type_name("SECONDS");
  rs->add_flag("-1,--single", a->single, "Stop at the first advertisement");
  rs->footer("Exit status: 0 an advertisement came, 1 failure, 2 usage error, 3 none.");
  rs->fallthrough();
  rs->callback([&g, a] { run_rs(g, *a); });

  default_to_show(ndp, g, [&g] { run_inspect(g, {}); });
  add_ndp_diagnose_command(*ndp, g);
}

}  // namespace netlab::cli
