// `ndp probe` (ndisc6's lines) and `ndp rs` (rdisc6's) through Printer: in
// text a line when the probe starts, each advertisement as it comes, then the
// summary; in JSON one object at the end with every advertisement in it.
#include <netlab/frames.hpp>
#include <netlab/ndp.hpp>
#include <netlab/printer.hpp>

#include "base/strings.hpp"

#include <fmt/format.h>

#include <cmath>

namespace netlab::ndp {
namespace {

constexpr const char* kNoTllaSentence =
    "NA without target link-layer address: the kernel cannot resolve from it (cause na-without-tlla)";

std::string fmt_ms(double ms) {
  const long long us = std::llround(ms * 1000.0);
  return fmt::format("{}.{:03}ms", us / 1000, us % 1000);
}

std::string plural(unsigned n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string na_flags(const Advert& a) {
  std::vector<std::string> f;
  if (a.router) f.emplace_back("router");
  if (a.solicited) f.emplace_back("solicited");
  if (a.override_flag) f.emplace_back("override");
  return f.empty() ? "none" : join(f, ",");
}

void advert_notes(Printer& p, const Advert& a, const ProbeResult& r) {
  if (a.tlla && *a.tlla != a.eth_src)
    p.print_text(fmt::format("  note: the target link-layer address differs from the Ethernet source {}\n",
                             a.eth_src.to_string()));
  for (const auto& problem : a.problems) p.print_text("  invalid: " + problem + ": the kernel drops it\n");
  p.print_strings("problems", "", a.problems);
  if (a.problems.empty() && !a.tlla) {
    if (r.unicast) p.print_text("  no target link-layer address: fine for a unicast probe, the kernel keeps the MAC it has\n");
    else p.print_text(std::string("  ") + kNoTllaSentence + "\n");
  }
}

// One NA: ndisc6's line (and notes) in text, an object of "adverts" in JSON.
void advert_fields(Printer& p, const Advert& a, const ProbeResult& r) {
  p.open_object();
  p.print_string("from", "NA from {}", a.source.to_string());
  p.print_string("to", "", a.destination.to_string());  // text: at the end of the line, if multicast
  p.print_string("eth_src", " [{}]", a.eth_src.to_string());
  p.print_string("target", ": {}", a.target.to_string());
  p.print_string_or_null("lladdr", " is-at {}", a.tlla ? a.tlla->to_string() : "", "(no target link-layer address)");
  p.print_bool("router", "", a.router);
  p.print_bool("solicited", "", a.solicited);
  p.print_bool("override", "", a.override_flag);
  p.print_string("", ", flags {}", na_flags(a));
  p.print_uint("hop_limit", "", a.hop_limit);
  p.print_uint("probe", "", a.probe);
  p.print_float("rtt_ms", ", {}", a.rtt_ms, fmt_ms(a.rtt_ms));
  if (a.destination.is_multicast()) p.print_string("", ", to {}", a.destination.to_string());
  p.print_text("\n");
  advert_notes(p, a, r);
  p.print_bool("usable", "", a.usable(r.unicast));
  p.close_object();
}

std::string lifetime_text(std::uint32_t s) { return s == 0xffffffffu ? "infinite" : std::to_string(s) + "s"; }
std::string ms_or_unspecified(std::uint32_t ms) { return ms ? std::to_string(ms) + "ms" : "unspecified"; }

void ra_options(Printer& p, const RouterAdvertRow& ra) {
  p.print_text(ra.slla ? "  source link-layer address " + ra.slla->to_string() + "\n"
                       : "  no source link-layer address option\n");
  p.open_array("prefixes");
  for (const auto& x : ra.prefixes) {
    p.open_object();
    p.print_string("prefix", "  prefix {}", x.prefix.to_string());
    p.print_bool("on_link", " L={}", x.on_link, "1", "0");
    p.print_bool("autonomous", " A={}", x.autonomous, "1", "0");
    p.print_bool("router_address", "", x.router_address);
    p.print_uint("valid_lifetime", ", valid {}", x.valid_lifetime, lifetime_text(x.valid_lifetime));
    p.print_uint("preferred_lifetime", ", preferred {}", x.preferred_lifetime, lifetime_text(x.preferred_lifetime));
    p.print_string("note", ": {}", x.note);
    p.print_string_or_null("cause", x.cause.empty() ? "" : " (cause {})", x.cause);
    p.print_text("\n");
    p.close_object();
  }
  p.close_array();
  p.open_array("rdnss");
  for (const auto& d : ra.rdnss) {
    std::vector<std::string> servers;
    for (const auto& s : d.servers) servers.push_back(s.to_string());
    p.open_object();
    p.print_uint("lifetime", "", d.lifetime);
    p.print_strings("servers", "  RDNSS {}", servers, " ");
    p.print_text(", lifetime " + lifetime_text(d.lifetime) + "\n");
    p.close_object();
  }
  p.close_array();
}

// One RA: rdisc6's lines in text, an object of "adverts" in JSON.
void router_advert_fields(Printer& p, const RouterAdvertRow& ra) {
  p.open_object();
  p.print_string("from", "RA from {}", ra.source.to_string());
  p.print_string("to", "", ra.destination.to_string());
  p.print_string("eth_src", " [{}]", ra.eth_src.to_string());
  if (ra.delay_ms >= 0) p.print_text(" after " + fmt_ms(ra.delay_ms));
  if (ra.destination.is_multicast()) p.print_text(", to " + ra.destination.to_string());
  p.print_text("\n");
  p.print_string_or_null("slla", "", ra.slla ? ra.slla->to_string() : "");  // text: after the timers
  p.print_uint("ip_hop_limit", "", ra.ip_hop_limit);
  p.print_uint("hop_limit", "  hop limit {}", ra.cur_hop_limit,
               ra.cur_hop_limit == 0 ? std::string("unspecified") : std::to_string(ra.cur_hop_limit));
  p.print_bool("managed", ", flags M={}", ra.managed, "1", "0");
  p.print_bool("other_config", " O={}", ra.other_config, "1", "0");
  p.print_string("preference", ", preference {}", ra.preference_name());
  p.print_uint("router_lifetime", ", router lifetime {}s", ra.router_lifetime);
  p.print_text(ra.router_lifetime == 0 ? " (not a default router)\n" : "\n");
  p.print_uint("reachable_time_ms", "  reachable time {}", ra.reachable_time_ms, ms_or_unspecified(ra.reachable_time_ms));
  p.print_uint("retrans_timer_ms", ", retrans timer {}", ra.retrans_timer_ms, ms_or_unspecified(ra.retrans_timer_ms));
  if (ra.mtu) p.print_uint("mtu", ", MTU {}", *ra.mtu);
  else p.print_null("mtu", "");
  p.print_text("\n");
  ra_options(p, ra);
  if (ra.delay_ms >= 0) p.print_float("delay_ms", "", ra.delay_ms, "");
  else p.print_null("delay_ms", "");
  for (const auto& problem : ra.problems) p.print_text("  invalid: " + problem + ": the kernel drops it\n");
  p.print_strings("problems", "", ra.problems);
  p.close_object();
}

// Text: "Sent N solicitations, received M advertisements" (the adverts were
// printed as they came); JSON: sent, received and the "adverts" array.
template <typename Row, typename Write>
void sent_and_adverts(Printer& p, unsigned sent, const std::vector<Row>& adverts, Write write) {
  p.print_uint("sent", "Sent {}", sent, plural(sent, "solicitation", "solicitations"));
  const auto received = static_cast<unsigned>(adverts.size());
  p.print_uint("received", ", received {}", received, plural(received, "advertisement", "advertisements"));
  p.open_array("adverts");
  if (p.json())
    for (const auto& a : adverts) write(a);
  p.close_array();
}

}  // namespace

void render_probe_start(Printer& p, const ProbeResult& r, bool source_chosen) {
  const bool fallback = source_chosen && r.source == frames::ipv6_any();
  p.print_text(fmt::format("NS for {} on {} from {} ({}) to {}{}\n", r.target.to_string(), r.interface,
                           r.source.to_string(), r.source_mac.to_string(), r.destination.to_string(),
                           fallback ? " (no usable IPv6 address on the interface: sent as a DAD probe)" : ""));
}

// Live, as each advertisement comes: text only (JSON has them in render_probe()).
void render_advert(Printer& p, const Advert& a, const ProbeResult& r) {
  if (!p.json()) advert_fields(p, a, r);
}

void render_probe(Printer& p, const ProbeResult& r) {
  p.open_object();
  p.print_string("interface", "", r.interface);
  p.print_string("target", "", r.target.to_string());
  p.print_string("source", "", r.source.to_string());
  p.print_string("source_mac", "", r.source_mac.to_string());
  p.print_string("destination", "", r.destination.to_string());
  p.print_string("destination_mac", "", r.destination_mac.to_string());
  p.print_bool("unicast", "", r.unicast);
  sent_and_adverts(p, r.sent, r.adverts, [&](const Advert& a) { advert_fields(p, a, r); });
  p.print_bool("answered", "{}\n", r.answered(), "", r.adverts.empty() ? ": no response" : ": no usable response");
  p.print_bool("na_without_tlla", "", r.only_without_tlla());
  p.print_string_or_null("cause", "", r.only_without_tlla() ? "na-without-tlla" : "");
  if (r.only_without_tlla()) p.print_text(std::string(kNoTllaSentence) + "\n");
  p.print_bool("interrupted", "", r.interrupted);
  p.close_object();
}

void render_rs_start(Printer& p, const RsResult& r) {
  p.print_text(fmt::format("RS on {} from {} ({}) to ff02::2{}\n", r.interface, r.source.to_string(),
                           r.source_mac.to_string(),
                           r.slla ? "" : ", no source link-layer option (no usable link-local address)"));
}

void render_router_advert(Printer& p, const RouterAdvertRow& ra) {
  if (!p.json()) router_advert_fields(p, ra);
}

void render_rs(Printer& p, const RsResult& r) {
  p.open_object();
  p.print_string("interface", "", r.interface);
  p.print_string("source", "", r.source.to_string());
  p.print_string("source_mac", "", r.source_mac.to_string());
  p.print_bool("slla", "", r.slla);
  sent_and_adverts(p, r.sent, r.adverts, [&](const RouterAdvertRow& ra) { router_advert_fields(p, ra); });
  p.print_bool("answered", "{}\n", r.answered(), "", ": no router answered");
  p.print_bool("interrupted", "", r.interrupted);
  p.close_object();
}

}  // namespace netlab::ndp
