// `arp probe`'s output through Printer, as arping prints it: in text a line
// when the probe starts, one per answer as it comes, then the summary; in
// JSON one object at the end with every answer in it.
#include <netlab/arp.hpp>
#include <netlab/printer.hpp>

#include <fmt/format.h>

#include <cmath>

namespace netlab::arp {
namespace {

std::string fmt_ms(double ms) {
  const long long us = std::llround(ms * 1000.0);
  return fmt::format("{}.{:03}ms", us / 1000, us % 1000);
}

// One answer's fields: arping's line in text, an object of "replies" in JSON.
void reply_fields(Printer& p, const ProbeReply& r) {
  p.open_object();
  p.print_string("", "{} ", r.broadcast ? "Broadcast" : "Unicast");
  p.print_string("", "{} ", r.request ? "request" : "reply");
  p.print_string("from", "from {}", r.from.to_string());
  p.print_string("mac", " [{}]", r.mac.to_string());
  if (r.eth_src != r.mac) p.print_string("eth_src", "", r.eth_src.to_string());
  p.print_string("type", "", r.request ? "request" : "reply");
  p.print_bool("broadcast", "", r.broadcast);
  p.print_uint("probe", "", r.probe);
  p.print_float("rtt_ms", "  {}\n", r.rtt_ms, fmt_ms(r.rtt_ms));
  p.close_object();
}

}  // namespace

void render_probe_start(Printer& p, const ProbeResult& r) {
  p.print_text(fmt::format("ARPING {} from {} {}\n", r.target.to_string(), r.source.to_string(), r.interface));
}

// Live, as each answer comes: text only (JSON has them in render_probe()).
void render_probe_reply(Printer& p, const ProbeReply& r) {
  if (!p.json()) reply_fields(p, r);
}

void render_probe(Printer& p, const ProbeResult& r) {
  p.open_object();
  p.print_string("interface", "", r.interface);
  p.print_string("mode", "", probe_mode_name(r.mode));
  p.print_string("target", "", r.target.to_string());
  p.print_string("source", "", r.source.to_string());
  p.print_string("source_mac", "", r.source_mac.to_string());
  p.print_uint("sent", r.sent == 1 ? "Sent {} probe" : "Sent {} probes", r.sent);
  p.print_uint("received", ", received {} response(s)\n", r.replies.size());
  p.print_uint("answered", "", r.answered);
  p.open_array("replies");
  if (p.json())  // text printed each answer as it came
    for (const auto& reply : r.replies) reply_fields(p, reply);
  p.close_array();
  p.open_array("macs");
  for (const auto& m : r.macs) p.print_element(m.to_string());
  p.close_array();
  p.print_bool("conflict", "", r.conflict);
  p.print_bool("interrupted", "", r.interrupted);
  p.print_bool("tx_timestamps", "", r.tx_timestamps);
  p.print_bool("success", "", r.succeeded());
  p.close_object();
}

}  // namespace netlab::arp
