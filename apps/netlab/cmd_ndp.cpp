// netlab ndp: inspect (IPv6 neighbours, addresses and the settings that
// decide SLAAC, with the causes they point at), probe (ndisc6's job) and rs
// (rdisc6's job). `ndp diagnose` registers itself from cmd_ndp_diagnose.cpp.
#include "cli.hpp"

#include <netlab/frames.hpp>
#include <netlab/link.hpp>
#include <netlab/ndp.hpp>
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

std::string lifetime(std::uint32_t seconds) {
  return seconds == kForever ? "forever" : std::to_string(seconds) + "s";
}

std::string setting_text(std::string_view name, const ndp::Setting& s) {
  if (!s.value) return "?";
  if (name == "addr_gen_mode") return ndp::addr_gen_mode_name(*s.value);
  return std::to_string(*s.value);
}

// "UP", "DOWN", "UP,NO-CARRIER"
std::string link_state(const ndp::InterfaceReport& r) {
  if (!r.is_up()) return "DOWN";
  return r.no_carrier() ? "UP,NO-CARRIER" : "UP";
}

std::string ra_line(const ndp::Inet6Settings& s) {
  std::string line;
  const auto accepts = s.accepts_ra();
  line += !accepts ? "acceptance unknown" : *accepts ? "accepted" : "ignored";
  if (s.ndisc_flags) {
    line += s.ra_received() ? fmt::format("; one received (M={} O={})", s.ra_managed() ? 1 : 0, s.ra_other_config() ? 1 : 0)
                            : "; none received";
    line += s.rs_sent() ? "; router solicitation sent" : "; no router solicitation sent";
  }
  return line;
}

struct Row {
  std::vector<std::string> cells;
};

// Columns padded to their widest cell; the last column is left unpadded.
void table(std::string& out, const std::vector<Row>& rows, std::string_view indent) {
  if (rows.empty()) return;
  std::vector<std::size_t> width(rows.front().cells.size(), 0);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.cells.size() && i < width.size(); ++i) width[i] = std::max(width[i], r.cells[i].size());
  auto it = std::back_inserter(out);
  for (const auto& r : rows) {
    out += indent;
    for (std::size_t i = 0; i < r.cells.size(); ++i) {
      if (i + 1 == r.cells.size()) out += r.cells[i];
      else fmt::format_to(it, "{:<{}}  ", r.cells[i], width[i]);
    }
    out += '\n';
  }
}

void inspect_text(std::string& out, const ndp::InterfaceReport& r, const Global& g) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{}: {}", r.index, r.name);
  if (!r.kind.empty()) fmt::format_to(it, " ({})", r.kind);
  fmt::format_to(it, " {}", link_state(r));
  if (!r.master.empty()) fmt::format_to(it, ", port of {}", r.master);
  fmt::format_to(it, ", mtu {}", r.mtu);
  if (r.mac) fmt::format_to(it, ", {}", r.mac->to_string());
  out += '\n';

  const auto& s = r.settings;
  if (!s.present) {
    out += "    IPv6: off (the kernel keeps no IPv6 state for this interface)\n";
  } else {
    std::vector<std::string> parts;
    int n = 0;
    s.for_each([&](std::string_view name, const ndp::Setting& v) {
      if (n++ >= ndp::Inet6Settings::kMainSettings && !g.details) return;
      std::string p = fmt::format("{} {}", name, setting_text(name, v));
      if (g.details && v.source == ndp::SettingSource::Sysctl) p += " (sysctl)";
      parts.push_back(std::move(p));
    });
    fmt::format_to(it, "    settings: {}\n", join(parts, ", "));
    if (!r.is_loopback()) fmt::format_to(it, "    router advertisements: {}\n", ra_line(s));
    if (g.details && (s.reachable_time_ms || s.token || s.ra_mtu)) {
      out += "    ndisc:";
      if (s.reachable_time_ms) fmt::format_to(it, " reachable_time {}ms retrans_time {}ms", *s.reachable_time_ms, s.retrans_time_ms.value_or(0));
      if (s.token) fmt::format_to(it, " token {}", s.token->to_string());
      if (s.ra_mtu) fmt::format_to(it, " ra_mtu {}", *s.ra_mtu);
      out += '\n';
    }
  }

  if (r.addresses.empty()) {
    out += "    no IPv6 addresses\n";
  } else {
    std::vector<Row> rows{{{"ADDRESS", "SCOPE", "FLAGS", "VALID", "PREFERRED", "MEANING"}}};
    for (const auto& a : r.addresses) {
      auto flags = a.address.flag_names();
      rows.push_back({{a.address.local.to_string(), scope_name(a.address.scope), flags.empty() ? "-" : join(flags, ","),
                       lifetime(a.address.valid_lft), lifetime(a.address.preferred_lft), a.explanation}});
    }
    table(out, rows, "    ");
  }
  if (r.neighbours.empty()) {
    out += "    no IPv6 neighbour entries\n";
  } else {
    std::vector<Row> rows{{{"NEIGHBOUR", "LLADDR", "STATE", "ROUTER", "MEANING"}}};
    for (const auto& n : r.neighbours)
      rows.push_back({{n.entry.dst.to_string(), n.entry.lladdr.empty() ? "-" : hw_addr_string(n.entry.lladdr),
                       join(state_words(n.entry.state), ","), n.entry.is_router() ? "router" : "-", n.explanation}});
    table(out, rows, "    ");
  }
  for (const auto& h : r.hints) fmt::format_to(it, "    hint ({}) {}: {}\n", h.cause, h.subject, h.text);
}

void inspect_json(JsonWriter& w, const ndp::InterfaceReport& r) {
  w.begin_object();
  w.member("ifindex", r.index);
  w.member("ifname", r.name);
  if (!r.kind.empty()) w.member("kind", r.kind);
  if (!r.master.empty()) w.member("master", r.master);
  w.member("up", r.is_up());
  w.key("carrier");
  if (r.carrier) w.value(*r.carrier);
  else w.null();
  w.member("mtu", r.mtu);
  if (r.mac) w.member("address", r.mac->to_string());

  const auto& s = r.settings;
  w.member("inet6", s.present);
  w.key("settings");
  w.begin_object();
  std::vector<std::string> from_sysctl;
  s.for_each([&](std::string_view name, const ndp::Setting& v) {
    w.key(name);
    if (v.value) w.value(static_cast<std::int64_t>(*v.value));
    else w.null();
    if (v.source == ndp::SettingSource::Sysctl) from_sysctl.emplace_back(name);
  });
  w.end_object();
  w.member("settings_from_sysctl", from_sysctl);
  if (s.addr_gen_mode.value) w.member("addr_gen_mode", ndp::addr_gen_mode_name(*s.addr_gen_mode.value));
  w.key("accepts_ra");
  if (auto a = s.accepts_ra()) w.value(*a);
  else w.null();
  w.key("ndisc");
  w.begin_object();
  if (s.ndisc_flags) {
    w.member("flags", static_cast<std::uint64_t>(*s.ndisc_flags));
    w.member("rs_sent", s.rs_sent());
    w.member("ra_received", s.ra_received());
    w.member("managed", s.ra_managed());
    w.member("other_config", s.ra_other_config());
    w.member("ready", s.ready());
  }
  if (s.reachable_time_ms) w.member("reachable_time_ms", static_cast<std::uint64_t>(*s.reachable_time_ms));
  if (s.retrans_time_ms) w.member("retrans_time_ms", static_cast<std::uint64_t>(*s.retrans_time_ms));
  if (s.token) w.member("token", s.token->to_string());
  if (s.ra_mtu) w.member("ra_mtu", static_cast<std::uint64_t>(*s.ra_mtu));
  w.end_object();

  // ip -j addr's keys, so jq filters carry over; plus the explanation.
  w.key("addr_info");
  w.begin_array();
  for (const auto& row : r.addresses) {
    const Address& a = row.address;
    w.begin_object();
    w.member("local", a.local.addr().to_string());
    w.member("prefixlen", a.local.len());
    w.member("scope", scope_name(a.scope));
    for (const auto& f : a.flag_names()) w.member(f, true);
    w.member("valid_life_time", a.valid_lft);
    w.member("preferred_life_time", a.preferred_lft);
    w.member("explanation", row.explanation);
    w.end_object();
  }
  w.end_array();

  w.key("neighbours");
  w.begin_array();
  for (const auto& row : r.neighbours) {
    const Neighbour& n = row.entry;
    w.begin_object();
    w.member("dst", n.dst.to_string());
    if (!n.lladdr.empty()) w.member("lladdr", hw_addr_string(n.lladdr));
    w.member("router", n.is_router());
    w.member("state", state_words(n.state));
    w.member("explanation", row.explanation);
    w.end_object();
  }
  w.end_array();

  w.key("hints");
  w.begin_array();
  for (const auto& h : r.hints) {
    w.begin_object();
    w.member("cause", h.cause);
    w.member("subject", h.subject);
    w.member("hint", h.text);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void run_inspect(const Global& g, const std::vector<std::string>& args) {
  const std::string dev = read_optional_dev(args, "ndp inspect");
  if (g.ipv4) usage_error("ndp inspect", "neighbour discovery is IPv6 only (-4 given)");
  const auto reports = value_or_fail(ndp::inspect(g.netns, dev));
  Output out(g);
  out.begin_list();
  for (const auto& r : reports) {
    if (g.json) inspect_json(out.json(), r);
    else inspect_text(out.text(), r, g);
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

std::string fmt_ms(double ms) {
  const long long us = std::llround(ms * 1000.0);
  return fmt::format("{}.{:03}ms", us / 1000, us % 1000);
}

void write_now(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fflush(stdout);
}

std::string plural(unsigned n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// ---- probe ----------------------------------------------------------------------

std::string na_flags(const ndp::Advert& a) {
  std::vector<std::string> f;
  if (a.router) f.emplace_back("router");
  if (a.solicited) f.emplace_back("solicited");
  if (a.override_flag) f.emplace_back("override");
  return f.empty() ? "none" : join(f, ",");
}

constexpr const char* kNoTllaSentence =
    "NA without target link-layer address: the kernel cannot resolve from it (cause na-without-tlla)";

std::string advert_line(const ndp::Advert& a, const ndp::ProbeResult& r) {
  std::string line = fmt::format("NA from {} [{}]: {} is-at {}, flags {}, {}", a.source.to_string(),
                                 a.eth_src.to_string(), a.target.to_string(),
                                 a.tlla ? a.tlla->to_string() : "(no target link-layer address)", na_flags(a),
                                 fmt_ms(a.rtt_ms));
  if (a.destination.is_multicast()) line += fmt::format(", to {}", a.destination.to_string());
  line += '\n';
  if (a.tlla && *a.tlla != a.eth_src)
    line += fmt::format("  note: the target link-layer address differs from the Ethernet source {}\n", a.eth_src.to_string());
  for (const auto& p : a.problems) line += "  invalid: " + p + ": the kernel drops it\n";
  if (a.problems.empty() && !a.tlla) {
    if (r.unicast) line += "  no target link-layer address: fine for a unicast probe, the kernel keeps the MAC it has\n";
    else line += std::string("  ") + kNoTllaSentence + "\n";
  }
  return line;
}

void probe_json(Output& out, const ndp::ProbeResult& r) {
  auto& w = out.json();
  w.begin_object();
  w.member("interface", r.interface);
  w.member("target", r.target.to_string());
  w.member("source", r.source.to_string());
  w.member("source_mac", r.source_mac.to_string());
  w.member("destination", r.destination.to_string());
  w.member("destination_mac", r.destination_mac.to_string());
  w.member("unicast", r.unicast);
  w.member("sent", r.sent);
  w.member("received", static_cast<std::uint64_t>(r.adverts.size()));
  w.key("adverts");
  w.begin_array();
  for (const auto& a : r.adverts) {
    w.begin_object();
    w.member("from", a.source.to_string());
    w.member("to", a.destination.to_string());
    w.member("eth_src", a.eth_src.to_string());
    w.member("target", a.target.to_string());
    w.key("lladdr");
    if (a.tlla) w.value(a.tlla->to_string());
    else w.null();
    w.member("router", a.router);
    w.member("solicited", a.solicited);
    w.member("override", a.override_flag);
    w.member("hop_limit", a.hop_limit);
    w.member("probe", a.probe);
    w.key("rtt_ms");
    w.value(a.rtt_ms, 3);
    w.member("problems", a.problems);
    w.member("usable", a.usable(r.unicast));
    w.end_object();
  }
  w.end_array();
  w.member("answered", r.answered());
  w.member("na_without_tlla", r.only_without_tlla());
  w.key("cause");
  if (r.only_without_tlla()) w.value("na-without-tlla");
  else w.null();
  w.member("interrupted", r.interrupted);
  w.end_object();
  w.newline();
}

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

  ndp::ProbeCallbacks cb;
  if (!g.json) {
    const bool chosen = !o.source;
    cb.started = [chosen](const ndp::ProbeResult& r) {
      const bool fallback = chosen && r.source == frames::ipv6_any();
      write_now(fmt::format("NS for {} on {} from {} ({}) to {}{}\n", r.target.to_string(), r.interface,
                            r.source.to_string(), r.source_mac.to_string(), r.destination.to_string(),
                            fallback ? " (no usable IPv6 address on the interface: sent as a DAD probe)" : ""));
    };
    cb.advert = [](const ndp::Advert& adv, const ndp::ProbeResult& r) { write_now(advert_line(adv, r)); };
  }
  ndp::ProbeResult r;
  {
    StopOnSignal guard;
    r = value_or_fail(ndp::probe(g.netns, o, cb));
  }
  if (g.json) {
    Output out(g);
    probe_json(out, r);
  } else {
    std::string summary = fmt::format("Sent {}, received {}", plural(r.sent, "solicitation", "solicitations"),
                                      plural(static_cast<unsigned>(r.adverts.size()), "advertisement", "advertisements"));
    if (!r.answered()) summary += r.adverts.empty() ? ": no response" : ": no usable response";
    summary += '\n';
    if (r.only_without_tlla()) summary += std::string(kNoTllaSentence) + "\n";
    write_now(summary);
  }
  if (!r.answered()) throw CLI::RuntimeError(3);
}

// ---- rs ---------------------------------------------------------------------------

std::string lifetime_text(std::uint32_t s) { return s == 0xffffffffu ? "infinite" : std::to_string(s) + "s"; }

std::string advert_text(const ndp::RouterAdvertRow& ra) {
  std::string t;
  auto it = std::back_inserter(t);
  fmt::format_to(it, "RA from {} [{}]", ra.source.to_string(), ra.eth_src.to_string());
  if (ra.delay_ms >= 0) fmt::format_to(it, " after {}", fmt_ms(ra.delay_ms));
  if (ra.destination.is_multicast()) fmt::format_to(it, ", to {}", ra.destination.to_string());
  t += '\n';
  fmt::format_to(it, "  hop limit {}, flags M={} O={}, preference {}, router lifetime {}s{}\n",
                 ra.cur_hop_limit == 0 ? std::string("unspecified") : std::to_string(ra.cur_hop_limit),
                 ra.managed ? 1 : 0, ra.other_config ? 1 : 0, ra.preference_name(), ra.router_lifetime,
                 ra.router_lifetime == 0 ? " (not a default router)" : "");
  fmt::format_to(it, "  reachable time {}, retrans timer {}",
                 ra.reachable_time_ms ? std::to_string(ra.reachable_time_ms) + "ms" : std::string("unspecified"),
                 ra.retrans_timer_ms ? std::to_string(ra.retrans_timer_ms) + "ms" : std::string("unspecified"));
  if (ra.mtu) fmt::format_to(it, ", MTU {}", *ra.mtu);
  t += '\n';
  if (ra.slla) fmt::format_to(it, "  source link-layer address {}\n", ra.slla->to_string());
  else t += "  no source link-layer address option\n";
  for (const auto& p : ra.prefixes) {
    fmt::format_to(it, "  prefix {} L={} A={}, valid {}, preferred {}: {}", p.prefix.to_string(), p.on_link ? 1 : 0,
                   p.autonomous ? 1 : 0, lifetime_text(p.valid_lifetime), lifetime_text(p.preferred_lifetime), p.note);
    if (!p.cause.empty()) fmt::format_to(it, " (cause {})", p.cause);
    t += '\n';
  }
  for (const auto& d : ra.rdnss) {
    std::vector<std::string> servers;
    for (const auto& s : d.servers) servers.push_back(s.to_string());
    fmt::format_to(it, "  RDNSS {}, lifetime {}\n", join(servers, " "), lifetime_text(d.lifetime));
  }
  for (const auto& p : ra.problems) t += "  invalid: " + p + ": the kernel drops it\n";
  return t;
}

void rs_json(Output& out, const ndp::RsResult& r) {
  auto& w = out.json();
  w.begin_object();
  w.member("interface", r.interface);
  w.member("source", r.source.to_string());
  w.member("source_mac", r.source_mac.to_string());
  w.member("slla", r.slla);
  w.member("sent", r.sent);
  w.member("received", static_cast<std::uint64_t>(r.adverts.size()));
  w.key("adverts");
  w.begin_array();
  for (const auto& ra : r.adverts) {
    w.begin_object();
    w.member("from", ra.source.to_string());
    w.member("to", ra.destination.to_string());
    w.member("eth_src", ra.eth_src.to_string());
    w.key("slla");
    if (ra.slla) w.value(ra.slla->to_string());
    else w.null();
    w.member("ip_hop_limit", ra.ip_hop_limit);
    w.member("hop_limit", ra.cur_hop_limit);
    w.member("managed", ra.managed);
    w.member("other_config", ra.other_config);
    w.member("preference", ra.preference_name());
    w.member("router_lifetime", ra.router_lifetime);
    w.member("reachable_time_ms", static_cast<std::uint64_t>(ra.reachable_time_ms));
    w.member("retrans_timer_ms", static_cast<std::uint64_t>(ra.retrans_timer_ms));
    w.key("mtu");
    if (ra.mtu) w.value(static_cast<std::uint64_t>(*ra.mtu));
    else w.null();
    w.key("prefixes");
    w.begin_array();
    for (const auto& p : ra.prefixes) {
      w.begin_object();
      w.member("prefix", p.prefix.to_string());
      w.member("on_link", p.on_link);
      w.member("autonomous", p.autonomous);
      w.member("router_address", p.router_address);
      w.member("valid_lifetime", static_cast<std::uint64_t>(p.valid_lifetime));
      w.member("preferred_lifetime", static_cast<std::uint64_t>(p.preferred_lifetime));
      w.member("note", p.note);
      w.key("cause");
      if (p.cause.empty()) w.null();
      else w.value(p.cause);
      w.end_object();
    }
    w.end_array();
    w.key("rdnss");
    w.begin_array();
    for (const auto& d : ra.rdnss) {
      w.begin_object();
      w.member("lifetime", static_cast<std::uint64_t>(d.lifetime));
      std::vector<std::string> servers;
      for (const auto& s : d.servers) servers.push_back(s.to_string());
      w.member("servers", servers);
      w.end_object();
    }
    w.end_array();
    w.key("delay_ms");
    if (ra.delay_ms >= 0) w.value(ra.delay_ms, 3);
    else w.null();
    w.member("problems", ra.problems);
    w.end_object();
  }
  w.end_array();
  w.member("answered", r.answered());
  w.member("interrupted", r.interrupted);
  w.end_object();
  w.newline();
}

void run_rs(Global& g, const NdpArgs& a) {
  resolve_globals(g);
  if (g.ipv4) usage_error("ndp rs", "neighbour discovery is IPv6 only (-4 given)");
  ndp::RsOptions o;
  o.interface = parse_ifname(a.rs_iface).str();
  if (!a.rs_wait.empty()) o.wait = parse_millis(a.rs_wait, "wait");
  o.single = a.single;
  o.stop = [] { return g_stop.load(); };
  ndp::RsCallbacks cb;
  if (!g.json) {
    cb.started = [](const ndp::RsResult& r) {
      write_now(fmt::format("RS on {} from {} ({}) to ff02::2{}\n", r.interface, r.source.to_string(),
                            r.source_mac.to_string(), r.slla ? "" : ", no source link-layer option (no usable link-local address)"));
    };
    cb.advert = [](const ndp::RouterAdvertRow& ra) { write_now(advert_text(ra)); };
  }
  ndp::RsResult r;
  {
    StopOnSignal guard;
    r = value_or_fail(ndp::rs(g.netns, o, cb));
  }
  if (g.json) {
    Output out(g);
    rs_json(out, r);
  } else {
    write_now(fmt::format("Sent {}, received {}{}\n", plural(r.sent, "solicitation", "solicitations"),
                          plural(static_cast<unsigned>(r.adverts.size()), "advertisement", "advertisements"),
                          r.answered() ? "" : ": no router answered"));
  }
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
