// `dhcp probe`'s output through Printer: one call per field, so the text
// lines and the JSON members are the same list. Text: a line for the probe,
// two per answer, the exchange's outcome, then how many servers answered
// (the line a second, rogue server shows up in). JSON: one object.
#include <netlab/dhcp.hpp>
#include <netlab/printer.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace netlab::dhcp {
namespace {

std::string fmt_ms(double ms) {
  const long long us = std::llround(ms * 1000.0);
  return fmt::format("{}.{:03}ms", us / 1000, us % 1000);
}

std::vector<std::string> strings(const std::vector<IpAddr>& addrs) {
  std::vector<std::string> out;
  out.reserve(addrs.size());
  for (const auto& a : addrs) out.push_back(a.to_string());
  return out;
}

// A list of addresses: text "LABEL a,b" ("LABEL none" when empty), JSON an array.
void addr_list(Printer& p, std::string_view key, std::string_view label, const std::vector<IpAddr>& addrs) {
  if (addrs.empty()) {
    p.print_strings(key, "", {});
    p.print_text(fmt::format(" {} none", label));
  } else {
    p.print_strings(key, fmt::format(" {} {{}}", label), strings(addrs));
  }
}

void optional_addr(Printer& p, std::string_view key, std::string_view fmt, const std::optional<IpAddr>& a) {
  p.print_string_or_null(key, fmt, a ? a->to_string() : std::string(), "none");
}

// Seconds: text "3600s" ("none" when absent), JSON the number or null.
void lifetime(Printer& p, std::string_view key, std::string_view fmt, const std::optional<std::uint32_t>& v) {
  if (v) p.print_uint(key, fmt, *v, *v == 0xffffffffu ? std::string("infinite") : fmt::format("{}s", *v));
  else p.print_null(key, fmt::format(fmt::runtime(fmt), "none"));
}

// One answer's members (the caller opens its object): two text lines. The
// DHCPv6 members differ (a DUID, lifetimes, a preference, a status; no
// mask, router, lease or relay).
void answer_fields(Printer& p, const Answer& a, std::string_view lead, bool v6) {
  p.print_text(lead);
  p.print_string("type", "{} from", a.type);
  if (a.server_duid.empty()) optional_addr(p, "server_id", " server {}", a.server_id);
  else p.print_string("server_duid", " server {}", a.server_duid);
  p.print_string("server_mac", " mac {}", a.server_mac.to_string(), Paint::Mac);
  p.print_string("server_address", " ip {}", a.server_address.to_string(), Paint::Inet);
  p.print_float("rtt_ms", "  {}\n", a.rtt_ms, fmt_ms(a.rtt_ms));
  p.print_string_or_null("address", "    address {}", a.address.is_unspecified() ? std::string() : a.address.to_string(),
                         "none");
  if (v6) {
    lifetime(p, "preferred_lifetime", " preferred {}", a.preferred_lifetime);
    lifetime(p, "valid_lifetime", " valid {}", a.valid_lifetime);
  } else {
    optional_addr(p, "mask", " mask {}", a.mask);
    addr_list(p, "routers", "router", a.routers);
  }
  addr_list(p, "dns", "dns", a.dns);
  p.print_string_or_null("domain", " domain {}", a.domain, "none");
  if (v6) {
    if (a.preference) p.print_uint("preference", " preference {}", *a.preference);
    else p.print_null("preference", "");
    p.print_string_or_null("status", a.status.empty() ? "" : " status {}", a.status);
  } else {
    lifetime(p, "lease_time", " lease {}", a.lease_time);
    const bool relayed = !a.relay.bytes().empty() && std::any_of(a.relay.bytes().begin(), a.relay.bytes().end(),
                                                                 [](std::uint8_t b) { return b != 0; });
    p.print_string_or_null("relay", " relay {}", relayed ? a.relay.to_string() : std::string(), "none");
  }
  p.print_string_or_null("message", a.message.empty() ? "" : " message \"{}\"", a.message);
  p.print_text("\n");
}

}  // namespace

void render_probe(Printer& p, const ProbeResult& r) {
  p.open_object();
  p.print_string("interface", "DHCP probe on {}", r.interface, Paint::Ifname);
  p.print_string("protocol", r.ipv6 ? " (DHCPv6)" : "", r.ipv6 ? "dhcpv6" : "dhcpv4");
  p.print_string_or_null("port", " via {}", r.port, "itself");
  p.print_string("client_mac", ", client {}", r.client_mac.to_string(), Paint::Mac);
  p.print_uint("xid", ", xid {}", r.xid, fmt::format("{:#010x}", r.xid));
  p.print_uint("sent", r.ipv6 ? ", {} SOLICIT(s) sent\n" : ", {} DISCOVER(s) sent\n", r.sent);
  p.open_array("offers");
  for (std::size_t i = 0; i < r.offers.size(); ++i) {
    p.open_object();
    answer_fields(p, r.offers[i], fmt::format("{}: ", i + 1), r.ipv6);
    p.close_object();
  }
  p.close_array();
  // Servers answered but none offered an address to take (DHCPv6
  // ADVERTISEs with NoAddrsAvail): say why there is no exchange.
  if (r.request_asked && !r.request && r.answered() && !r.interrupted)
    p.print_text("exchange: no REQUEST sent: no server offered an address\n");
  p.print_bool("request", "", r.request);
  if (r.reply) {
    p.open_object("reply");
    answer_fields(p, *r.reply, "exchange: ", r.ipv6);
    p.close_object();
  } else {
    const char* none = r.ipv6 ? "exchange: no REPLY to our REQUEST\n" : "exchange: no ACK to our REQUEST\n";
    p.print_null("reply", r.request ? none : "");
  }
  p.print_bool("released", r.released ? "released: {}" : "", r.released);
  // DHCPv4's RELEASE has no answer; DHCPv6's REPLY says how it went. Only
  // a server that confirmed it (Success) or holds no binding for us
  // (NoBinding) leaves nothing leased for sure.
  bool nothing_left = true;
  if (r.ipv6) {
    if (r.release_reply) {
      const auto& rr = *r.release_reply;
      nothing_left = rr.status == "Success" || rr.status == "NoBinding";
      p.open_object("release_reply");
      p.print_string("status", ", REPLY {}", rr.status);
      p.print_string_or_null("message", rr.message.empty() ? "" : " \"{}\"", rr.message);
      p.print_float("rtt_ms", " {}", rr.rtt_ms, fmt_ms(rr.rtt_ms));
      p.close_object();
    } else {
      nothing_left = false;
      p.print_null("release_reply", r.released ? ", no REPLY to our RELEASE" : "");
    }
  }
  if (r.released)
    p.print_text(nothing_left ? ", nothing stays leased\n" : ", the lease may stay until its valid lifetime ends\n");
  p.print_uint("servers", r.servers == 1 ? "{} server answered" : "{} servers answered", r.servers);
  p.print_bool("multiple_servers", r.servers > 1 ? " (more than one DHCP server on this link)" : "",
               r.servers > 1);
  p.print_bool("interrupted", r.interrupted ? " (interrupted)" : "", r.interrupted);
  p.print_float("elapsed_ms", " in {}\n", r.elapsed_ms, fmt_ms(r.elapsed_ms));
  p.close_object();
}

}  // namespace netlab::dhcp
