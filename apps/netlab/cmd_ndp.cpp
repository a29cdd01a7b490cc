// netlab ndp: inspect (IPv6 neighbours, addresses and the settings that
// decide SLAAC, with the causes they point at), probe (ndisc6's job) and rs
// (rdisc6's job). `ndp diagnose` registers itself from cmd_ndp_diagnose.cpp.
#include "cli.hpp"

#include <netlab/link.hpp>
#include <netlab/ndp.hpp>
#include <netlab/render.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <memory>

namespace netlab::cli {
namespace {

struct NdpArgs {
  std::vector<std::string> inspect;
};

// ---- inspect ----------------------------------------------------------------

std::vector<std::string> state_words(std::uint16_t state) {
  std::vector<std::string> words;
  for (std::uint16_t bit = 1; bit <= NudPermanent; bit = static_cast<std::uint16_t>(bit << 1))
    if (state & bit) words.push_back(nud_state_names(bit));
  if (words.empty()) words.emplace_back("NONE");
  return words;
}

std::string join(const std::vector<std::string>& words, std::string_view sep) {
  std::string s;
  for (const auto& w : words) {
    if (!s.empty()) s += sep;
    s += w;
  }
  return s;
}

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

}  // namespace

void add_ndp_command(CLI::App& root, Global& g) {
  auto a = std::make_shared<NdpArgs>();
  auto* ndp = root.add_subcommand("ndp", "IPv6 neighbour discovery: inspect, probe (ndisc6), rs (rdisc6), diagnose");
  add_words_command(*ndp, g, "inspect",
                    "Show IPv6 neighbours, addresses and SLAAC settings with what they mean (the default)",
                    a->inspect, "[dev IFACE]", [&g, a] { run_inspect(g, a->inspect); });
  default_to_show(ndp, g, [&g] { run_inspect(g, {}); });
  add_ndp_diagnose_command(*ndp, g);
}

}  // namespace netlab::cli
