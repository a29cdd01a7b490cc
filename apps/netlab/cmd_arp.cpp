// netlab arp: inspect (the IPv4 neighbour table with each state explained and
// the hints the state alone gives) and probe (arping's job). `arp diagnose`
// registers itself from cmd_arp_diagnose.cpp.
#include "cli.hpp"

#include <netlab/arp.hpp>
#include <netlab/render.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
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

void inspect_json(JsonWriter& w, const arp::InspectRow& row) {
  const Neighbour& n = row.entry;
  w.begin_object();
  // ip -j neigh's keys for the entry itself, so scripts carry over.
  w.member("dst", n.dst.to_string());
  w.member("dev", n.dev);
  if (!n.lladdr.empty()) w.member("lladdr", hw_addr_string(n.lladdr));
  if (n.is_router()) {
    w.key("router");
    w.null();
  }
  w.member("state", state_words(n.state));
  w.member("role", arp::role_name(row.role));
  if (!row.master.empty()) w.member("master", row.master);
  w.member("noarp_interface", row.noarp_interface);
  w.member("explanation", row.explanation);
  w.key("cause");
  if (row.cause.empty()) w.null();
  else w.value(row.cause);
  w.key("hint");
  if (row.hint.empty()) w.null();
  else w.value(row.hint);
  w.end_object();
}

struct InspectColumns {
  std::string address, dev, role, lladdr, state;
};

void inspect_text(std::string& out, const std::vector<arp::InspectRow>& rows) {
  std::vector<InspectColumns> cols;
  cols.reserve(rows.size() + 1);
  cols.push_back({"ADDRESS", "DEV", "ROLE", "LLADDR", "STATE"});
  for (const auto& r : rows) {
    cols.push_back({r.entry.dst.to_string(), r.entry.dev, arp::role_description(r.role, r.master),
                    r.entry.lladdr.empty() ? "-" : hw_addr_string(r.entry.lladdr), join(state_words(r.entry.state), ",")});
  }
  std::size_t wa = 0, wd = 0, wr = 0, wl = 0, ws = 0;
  for (const auto& c : cols) {
    wa = std::max(wa, c.address.size());
    wd = std::max(wd, c.dev.size());
    wr = std::max(wr, c.role.size());
    wl = std::max(wl, c.lladdr.size());
    ws = std::max(ws, c.state.size());
  }
  auto it = std::back_inserter(out);
  for (std::size_t i = 0; i < cols.size(); ++i) {
    const auto& c = cols[i];
    fmt::format_to(it, "{:<{}}  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", c.address, wa, c.dev, wd, c.role, wr, c.lladdr,
                   wl, c.state, ws, i == 0 ? "MEANING" : rows[i - 1].explanation);
    if (i > 0 && !rows[i - 1].hint.empty())
      fmt::format_to(it, "    hint ({}): {}\n", rows[i - 1].cause, rows[i - 1].hint);
  }
}

void run_inspect(const Global& g, const std::vector<std::string>& args) {
  const std::string dev = read_optional_dev(args, "arp inspect");
  if (g.ipv6) usage_error("arp inspect", "ARP is IPv4 only (-6 given)");
  auto rows = value_or_fail(arp::inspect(g.netns, dev));
  Output out(g);
  if (g.json) {
    out.begin_list();
    for (const auto& r : rows) inspect_json(out.json(), r);
    out.end_list();
    return;
  }
  if (rows.empty()) {
    out.text() += dev.empty() ? "no IPv4 neighbour entries\n" : "no IPv4 neighbour entries on " + dev + "\n";
    return;
  }
  inspect_text(out.text(), rows);
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

std::string fmt_ms(double ms) {
  const long long us = std::llround(ms * 1000.0);
  return fmt::format("{}.{:03}ms", us / 1000, us % 1000);
}

std::string conflict_line(const arp::ProbeResult& r) {
  std::string macs;
  for (std::size_t i = 0; i < r.macs.size(); ++i) {
    if (i) macs += i + 1 == r.macs.size() ? " and " : ", ";
    macs += r.macs[i].to_string();
  }
  return "netlab: conflict: " + r.target.to_string() + " is-at " + macs + "\n";
}

void write_now(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fflush(stdout);
}

void probe_json(Output& out, const arp::ProbeResult& r) {
  auto& w = out.json();
  w.begin_object();
  w.member("interface", r.interface);
  w.member("mode", arp::probe_mode_name(r.mode));
  w.member("target", r.target.to_string());
  w.member("source", r.source.to_string());
  w.member("source_mac", r.source_mac.to_string());
  w.member("sent", r.sent);
  w.member("received", static_cast<std::uint64_t>(r.replies.size()));
  w.member("answered", r.answered);
  w.key("replies");
  w.begin_array();
  for (const auto& p : r.replies) {
    w.begin_object();
    w.member("from", p.from.to_string());
    w.member("mac", p.mac.to_string());
    if (p.eth_src != p.mac) w.member("eth_src", p.eth_src.to_string());
    w.member("type", p.request ? "request" : "reply");
    w.member("broadcast", p.broadcast);
    w.member("probe", p.probe);
    w.key("rtt_ms");
    w.value(p.rtt_ms, 3);
    w.end_object();
  }
  w.end_array();
  w.key("macs");
  w.begin_array();
  for (const auto& m : r.macs) w.value(m.to_string());
  w.end_array();
  w.member("conflict", r.conflict);
  w.member("interrupted", r.interrupted);
  w.member("tx_timestamps", r.tx_timestamps);
  w.member("success", r.succeeded());
  w.end_object();
  w.newline();
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

  arp::ProbeCallbacks cb;
  if (!g.json) {
    cb.started = [](const arp::ProbeResult& r) {
      write_now(fmt::format("ARPING {} from {} {}\n", r.target.to_string(), r.source.to_string(), r.interface));
    };
    cb.reply = [](const arp::ProbeReply& p) {
      write_now(fmt::format("{} {} from {} [{}]  {}\n", p.broadcast ? "Broadcast" : "Unicast",
                            p.request ? "request" : "reply", p.from.to_string(), p.mac.to_string(),
                            fmt_ms(p.rtt_ms)));
    };
  }

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

  if (g.json) {
    Output out(g);
    probe_json(out, r);
  } else {
    write_now(fmt::format("Sent {} probe{}, received {} response(s)\n", r.sent, r.sent == 1 ? "" : "s",
                          r.replies.size()));
  }
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
