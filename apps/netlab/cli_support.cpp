#include "cli.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <csignal>
#include <unistd.h>

namespace netlab::cli {

void fail(const Error& e) {
  std::string line = "netlab: " + e.message() + "\n";
  if (!e.hint.empty()) line += "hint: " + e.hint + "\n";
  std::fflush(stdout);
  std::fputs(line.c_str(), stderr);
  throw CLI::RuntimeError(e.exit_status());
}

const std::string& Words::value(std::string_view keyword) {
  if (done()) usage_error(command_, "\"" + std::string(keyword) + "\" needs a value");
  return next();
}

void Words::unknown(const std::string& word) const {
  usage_error(command_, "unknown argument \"" + word + "\" (see --help)");
}

void Words::once(std::string_view keyword, bool& seen) const {
  if (seen) usage_error(command_, "\"" + std::string(keyword) + "\" is given twice");
  seen = true;
}

IfName parse_ifname(std::string_view s) { return value_or_fail(IfName::parse(s)); }
IpAddr parse_ip(std::string_view s) { return value_or_fail(IpAddr::parse(s)); }
Prefix parse_prefix(std::string_view s) { return value_or_fail(Prefix::parse(s)); }

Prefix parse_prefix_or_default(std::string_view s, Family family) {
  if (s == "default" || s == "all" || s == "any") {
    std::uint8_t zero[16] = {};
    bool v6 = family == Family::Inet6;
    return Prefix{IpAddr::from_bytes(std::span<const std::uint8_t>(zero, v6 ? 16 : 4)), 0};
  }
  return parse_prefix(s);
}

std::uint32_t parse_u32(std::string_view s, std::string_view what, std::uint32_t max) {
  return static_cast<std::uint32_t>(value_or_fail(parse_uint(s, what, max)));
}

std::uint32_t parse_u32(std::string_view s, std::string_view what, std::uint32_t min, std::uint32_t max) {
  return static_cast<std::uint32_t>(value_or_fail(parse_uint(s, what, min, max)));
}

Output::Output(const Global& g) : printer_(buf_, g.json, g.pretty, g.render.color) { buf_.reserve(1 << 15); }

Output::~Output() { flush(); }

void Output::maybe_flush() {
  if (buf_.size() >= (1 << 14)) flush();  // few write(2)s, small resident buffer
}

void Output::flush() {
  if (buf_.empty()) return;
  std::fwrite(buf_.data(), 1, buf_.size(), stdout);
  buf_.clear();
}

void Output::flush_now() {
  flush();
  std::fflush(stdout);
}

void Output::begin_list() { printer_.open_array(); }

void Output::end_list() {
  printer_.close_array();
  printer_.json_newline();
}

void resolve_globals(Global& g) {
  if (g.resolved) return;
  g.resolved = true;
  if (g.ipv4 && g.ipv6) usage_error("options", "-4 and -6 together");
  if (!g.netns_arg.empty()) g.netns = value_or_fail(Netns::from_arg(g.netns_arg));
  g.render.details = g.details;
  g.render.brief = g.brief;
  g.render.netns_arg = g.netns_arg;
  g.render.color = !g.json && (g.color == Color::Always ||
                               (g.color == Color::Auto && isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr));
}

CLI::App* add_words_command(CLI::App& object, Global& g, std::string name, std::string help,
                            std::vector<std::string>& words, std::string usage, std::function<void()> run) {
  auto* cmd = object.add_subcommand(std::move(name), std::move(help));
  cmd->add_option("args", words, std::move(usage));
  cmd->fallthrough();  // global options such as -j may follow the command
  cmd->callback([&g, run = std::move(run)] {
    resolve_globals(g);
    run();
  });
  return cmd;
}

std::string read_optional_dev(const std::vector<std::string>& args, const std::string& command) {
  Words w(args, command);
  std::string dev;
  bool dev_seen = false;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "dev") {
      w.once("dev", dev_seen);
      dev = parse_ifname(w.value("dev")).str();
    } else if (!dev_seen && !word.empty() && word.front() != '-') {
      dev_seen = true;
      dev = parse_ifname(word).str();
    } else {
      w.unknown(word);
    }
  }
  return dev;
}

void default_to_show(CLI::App* object, Global& g, std::function<void()> show) {
  object->require_subcommand(0, 1);
  object->fallthrough();
  object->callback([object, &g, show = std::move(show)] {
    if (!object->get_subcommands().empty()) return;
    resolve_globals(g);
    show();
  });
}

double parse_seconds(const std::string& text, const std::string& what) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(v))
    usage_error(what + " \"" + text + "\"", "expected seconds, such as 1 or 0.5");
  if (v < 0.001 || v > 86400.0) usage_error(what + " \"" + text + "\"", "must be from 0.001 to 86400 seconds");
  return v;
}

std::chrono::milliseconds parse_millis(const std::string& text, const std::string& what) {
  return std::chrono::milliseconds(std::llround(parse_seconds(text, what) * 1000.0));
}

StopSignals::StopSignals(void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;  // no SA_RESTART: a blocking poll returns at once
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old_pipe_);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
  sigaction(SIGPIPE, &old_pipe_, nullptr);
}

}  // namespace netlab::cli
