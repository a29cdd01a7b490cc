// netlab guest: a small userspace guest on a TAP (or any Ethernet
// interface), to test a host's plumbing before a virtual machine is booted
// and to reproduce the ways guest stacks go wrong.
#include "cli.hpp"

#include <netlab/guest.hpp>

#include <atomic>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <memory>

namespace netlab::cli {
namespace {

// Set by SIGINT/SIGTERM; the guest's poll loop sees it within 100 ms.
std::atomic<bool> g_guest_stop{false};

extern "C" void on_guest_stop_signal(int) { g_guest_stop.store(true); }

// Installs the stop handlers (without SA_RESTART, so poll returns at once)
// and restores the previous ones when done.
class StopSignals {
 public:
  StopSignals() {
    struct sigaction sa {};
    sa.sa_handler = on_guest_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old_pipe_);  // a closed stdout must not kill the guest mid-run
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    sigaction(SIGPIPE, &old_pipe_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {}, old_term_ {}, old_pipe_ {};
};

double parse_seconds(const std::string& text, const std::string& what) {
  double v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || !std::isfinite(v) || v <= 0)
    usage_error(what + " \"" + text + "\"", "expected a positive number of seconds");
  return v;
}

Prefix parse_guest_address(const std::string& text) {
  if (text.find('/') == std::string::npos)
    usage_error("ip " + text, "needs a prefix length, as in 192.0.2.2/24");
  return parse_prefix(text);
}

void write_line(std::FILE* f, std::string_view text) {
  std::string line(text);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), f);
  std::fflush(f);  // a guest is watched live, often through a pipe or a file
}

void run_guest(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "guest");
  guest::Config c;
  guest::PingSpec ping;
  bool have_ip = false, have_ping = false;
  bool seen_mac = false, seen_gw = false, seen_mtu = false, seen_count = false, seen_interval = false,
       seen_size = false, seen_duration = false, seen_reply_dst = false, seen_reply_sender = false,
       seen_also = false;
  std::string ping_only;  // the first ping option given, for the error when there is no ping
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "ip" || word == "address") {
      w.once("ip", have_ip);
      c.address = parse_guest_address(w.value(word));
    } else if (word == "mac") {
      w.once("mac", seen_mac);
      // Any MAC, multicast and zero included: reproducing such guests is the point.
      c.mac = value_or_fail(MacAddr::parse(w.value("mac")));
    } else if (word == "gateway") {
      w.once("gateway", seen_gw);
      c.gateway = parse_ip(w.value("gateway"));
    } else if (word == "mtu") {
      w.once("mtu", seen_mtu);
      c.mtu = parse_u32(w.value("mtu"), "mtu", 65535);
    } else if (word == "ping") {
      w.once("ping", have_ping);
      ping.target = parse_ip(w.value("ping"));
    } else if (word == "count") {
      w.once("count", seen_count);
      ping.count = parse_u32(w.value("count"), "count", 1000000);
      if (ping_only.empty()) ping_only = word;
    } else if (word == "interval") {
      w.once("interval", seen_interval);
      ping.interval_s = parse_seconds(w.value("interval"), "interval");
      if (ping_only.empty()) ping_only = word;
    } else if (word == "size") {
      w.once("size", seen_size);
      ping.size = parse_u32(w.value("size"), "size", 65507);
      if (ping_only.empty()) ping_only = word;
    } else if (word == "duration") {
      w.once("duration", seen_duration);
      c.duration_s = parse_seconds(w.value("duration"), "duration");
    } else if (word == "no-garp") {
      c.garp = false;
    } else if (word == "arp-off") {
      c.arp_off = true;
    } else if (word == "reply-dst") {
      w.once("reply-dst", seen_reply_dst);
      c.reply_dst = value_or_fail(MacAddr::parse(w.value("reply-dst")));
    } else if (word == "reply-sender") {
      w.once("reply-sender", seen_reply_sender);
      c.reply_sender = parse_ip(w.value("reply-sender"));
    } else if (word == "also") {
      w.once("also", seen_also);
      c.also = parse_ip(w.value("also"));
    } else if (word == "bpdu") {
      c.bpdu = true;
    } else if (word == "quiet") {
      c.quiet = true;
    } else if (word == "dev" && c.iface.empty()) {
      c.iface = parse_ifname(w.value("dev")).str();
    } else if (c.iface.empty() && !word.empty() && word.front() != '-') {
      c.iface = parse_ifname(word).str();
    } else {
      w.unknown(word);
    }
  }
  if (c.iface.empty()) usage_error("guest", "needs an interface: netlab guest IFACE ip CIDR");
  if (!have_ip) usage_error("guest " + c.iface, "needs an address: ip CIDR, such as ip 192.0.2.2/24");
  if (!have_ping && !ping_only.empty()) usage_error(ping_only, "goes with ping ADDR");
  if (have_ping) c.ping = ping;
  check(guest::validate(c));

  StopSignals signals;
  auto sink = [](guest::Line kind, std::string_view text) {
    const bool to_stdout = kind == guest::Line::Packet || kind == guest::Line::Ping;
    write_line(to_stdout ? stdout : stderr, text);
  };
  auto stats = guest::run(g.netns, c, g_guest_stop, sink);
  if (!stats) fail(stats.error());
  // ping's contract: a run without a single reply is a negative result.
  if (c.ping && stats->ping_received == 0) throw CLI::RuntimeError(3);
}

}  // namespace

void add_guest_command(CLI::App& root, Global& g) {
  auto args = std::make_shared<std::vector<std::string>>();
  add_words_command(root, g, "guest", "Run a small userspace guest (ARP, ICMP echo) on a TAP or Ethernet interface",
                    *args,
                    "IFACE ip CIDR [mac MAC] [gateway ADDR] [mtu N] [ping ADDR [count N] [interval S] [size B]] "
                    "[duration S] [no-garp] [arp-off] [reply-dst MAC] [reply-sender IP] [also IP] [bpdu] [quiet]",
                    [&g, args] { run_guest(g, *args); });
}

}  // namespace netlab::cli
