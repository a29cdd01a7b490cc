// `ndp inspect`'s report of one interface through Printer: text is the
// interface line, its settings, then tables of addresses and neighbours and
// the hints; JSON is one object with ip -j addr's keys for the addresses.
#include <netlab/ndp.hpp>
#include <netlab/render.hpp>

#include "base/strings.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace netlab::ndp {
namespace {

std::string lifetime(std::uint32_t seconds) {
  return seconds == kForever ? "forever" : std::to_string(seconds) + "s";
}

std::string setting_text(std::string_view name, const Setting& s) {
  if (!s.value) return "?";
  if (name == "addr_gen_mode") return addr_gen_mode_name(*s.value);
  return std::to_string(*s.value);
}

// "UP", "DOWN", "UP,NO-CARRIER"
std::string link_state(const InterfaceReport& r) {
  if (!r.is_up()) return "DOWN";
  return r.no_carrier() ? "UP,NO-CARRIER" : "UP";
}

std::string ra_line(const Inet6Settings& s) {
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

// A text table: each column but the last padded to its widest cell (the
// heading's included), indented by four spaces. cell(i) is column i's format.
class Table {
 public:
  explicit Table(std::vector<std::string> heading) : rows_{std::move(heading)} {}
  void add(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  // The formats, once every row is added; prints the heading (text only).
  void start(Printer& p) {
    std::vector<std::size_t> width(rows_.front().size(), 0);
    for (const auto& r : rows_)
      for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
    for (std::size_t i = 0; i < width.size(); ++i)
      cells_.push_back(i + 1 == width.size() ? "{}\n" : fmt::format("{}{{:<{}}}  ", i ? "" : "    ", width[i]));
    for (std::size_t i = 0; i < width.size(); ++i) p.print_string("", cells_[i], rows_.front()[i]);
  }
  const std::string& cell(std::size_t i) const { return cells_[i]; }
  const std::string& text(std::size_t row, std::size_t i) const { return rows_[row + 1][i]; }

 private:
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::string> cells_;
};

void interface_line(Printer& p, const InterfaceReport& r) {
  p.print_int("ifindex", "{}: ", r.index);
  p.print_string("ifname", "{}", r.name);
  if (!r.kind.empty()) p.print_string("kind", " ({})", r.kind);
  p.print_string("", " {}", link_state(r));
  if (!r.master.empty()) p.print_string("master", ", port of {}", r.master);
  p.print_bool("up", "", r.is_up());
  if (r.carrier) p.print_bool("carrier", "", *r.carrier);
  else p.print_null("carrier", "");
  p.print_uint("mtu", ", mtu {}", r.mtu);
  if (r.mac) p.print_string("address", ", {}", r.mac->to_string());
  p.print_text("\n");
}

// Text: the main settings (all with -d, and where each came from); JSON:
// every setting, null when unknown, and those read from sysctl.
void settings(Printer& p, const Inet6Settings& s, bool details) {
  p.print_bool("inet6", "", s.present);
  p.print_text(s.present ? "    settings: " : "    IPv6: off (the kernel keeps no IPv6 state for this interface)\n");
  p.open_object("settings");
  std::vector<std::string> from_sysctl;
  int n = 0;
  s.for_each([&](std::string_view name, const Setting& v) {
    const bool shown = s.present && (n < Inet6Settings::kMainSettings || details);
    std::string text = shown ? fmt::format("{}{} {}", n ? ", " : "", name, setting_text(name, v)) : "";
    if (shown && details && v.source == SettingSource::Sysctl) text += " (sysctl)";
    if (v.value) p.print_int(name, shown ? "{}" : "", *v.value, text);
    else p.print_null(name, text);
    if (v.source == SettingSource::Sysctl) from_sysctl.emplace_back(name);
    ++n;
  });
  p.close_object();
  p.print_text(s.present ? "\n" : "");
  p.print_strings("settings_from_sysctl", "", from_sysctl);
  if (s.addr_gen_mode.value) p.print_string("addr_gen_mode", "", addr_gen_mode_name(*s.addr_gen_mode.value));
}

void router_advertisements(Printer& p, const InterfaceReport& r, bool details) {
  const auto& s = r.settings;
  if (auto a = s.accepts_ra()) p.print_bool("accepts_ra", "", *a);
  else p.print_null("accepts_ra", "");
  if (s.present && !r.is_loopback()) p.print_text("    router advertisements: " + ra_line(s) + "\n");
  const bool text = s.present && details && (s.reachable_time_ms || s.token || s.ra_mtu);
  p.open_object("ndisc");
  if (s.ndisc_flags) {
    p.print_uint("flags", "", *s.ndisc_flags);
    p.print_bool("rs_sent", "", s.rs_sent());
    p.print_bool("ra_received", "", s.ra_received());
    p.print_bool("managed", "", s.ra_managed());
    p.print_bool("other_config", "", s.ra_other_config());
    p.print_bool("ready", "", s.ready());
  }
  if (text) p.print_text("    ndisc:");
  if (s.reachable_time_ms) p.print_uint("reachable_time_ms", text ? " reachable_time {}ms" : "", *s.reachable_time_ms);
  if (text && s.reachable_time_ms) p.print_uint("", " retrans_time {}ms", s.retrans_time_ms.value_or(0));
  if (s.retrans_time_ms) p.print_uint("retrans_time_ms", "", *s.retrans_time_ms);
  if (s.token) p.print_string("token", text ? " token {}" : "", s.token->to_string());
  if (s.ra_mtu) p.print_uint("ra_mtu", text ? " ra_mtu {}" : "", *s.ra_mtu);
  if (text) p.print_text("\n");
  p.close_object();
}

void addresses(Printer& p, const std::vector<AddressRow>& rows) {
  p.open_array("addr_info");
  if (rows.empty()) p.print_text("    no IPv6 addresses\n");
  Table t({"ADDRESS", "SCOPE", "FLAGS", "VALID", "PREFERRED", "MEANING"});
  for (const auto& row : rows) {
    const Address& a = row.address;
    auto flags = a.flag_names();
    t.add({a.local.to_string(), scope_name(a.scope), flags.empty() ? "-" : join(flags, ","),
           lifetime(a.valid_lft), lifetime(a.preferred_lft), row.explanation});
  }
  if (!rows.empty()) t.start(p);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Address& a = rows[i].address;
    p.open_object();
    p.print_string("local", "", a.local.addr().to_string());
    p.print_uint("prefixlen", "", a.local.len());
    p.print_string("", t.cell(0), t.text(i, 0));
    p.print_string("scope", t.cell(1), t.text(i, 1));
    for (const auto& f : a.flag_names()) p.print_true(f, "");
    p.print_string("", t.cell(2), t.text(i, 2));
    p.print_uint("valid_life_time", t.cell(3), a.valid_lft, t.text(i, 3));
    p.print_uint("preferred_life_time", t.cell(4), a.preferred_lft, t.text(i, 4));
    p.print_string("explanation", t.cell(5), rows[i].explanation);
    p.close_object();
  }
  p.close_array();
}

void neighbours(Printer& p, const std::vector<NeighbourRow>& rows) {
  p.open_array("neighbours");
  if (rows.empty()) p.print_text("    no IPv6 neighbour entries\n");
  Table t({"NEIGHBOUR", "LLADDR", "STATE", "ROUTER", "MEANING"});
  for (const auto& row : rows) {
    const Neighbour& n = row.entry;
    t.add({n.dst.to_string(), n.lladdr.empty() ? "-" : hw_addr_string(n.lladdr), join(nud_state_words(n.state), ","),
           n.is_router() ? "router" : "-", row.explanation});
  }
  if (!rows.empty()) t.start(p);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Neighbour& n = rows[i].entry;
    p.open_object();
    p.print_string("dst", t.cell(0), t.text(i, 0));
    p.print_string(n.lladdr.empty() ? "" : "lladdr", t.cell(1), t.text(i, 1));
    p.print_bool("router", "", n.is_router());  // text: after the state
    p.print_strings("state", t.cell(2), nud_state_words(n.state));
    p.print_string("", t.cell(3), t.text(i, 3));
    p.print_string("explanation", t.cell(4), rows[i].explanation);
    p.close_object();
  }
  p.close_array();
}

}  // namespace

void render_inspect(Printer& p, const InterfaceReport& r, const RenderOptions& opts) {
  p.open_object();
  interface_line(p, r);
  settings(p, r.settings, opts.details);
  router_advertisements(p, r, opts.details);
  addresses(p, r.addresses);
  neighbours(p, r.neighbours);
  p.open_array("hints");
  for (const auto& h : r.hints) {
    p.open_object();
    p.print_string("cause", "    hint ({}) ", h.cause);
    p.print_string("subject", "{}: ", h.subject);
    p.print_string("hint", "{}\n", h.text);
    p.close_object();
  }
  p.close_array();
  p.close_object();
}

}  // namespace netlab::ndp
