// What every netlab subcommand shares: the global options, a reader for
// iproute2-style keyword arguments, error reporting and buffered output.
#pragma once

#include <netlab/diag.hpp>
#include <netlab/error.hpp>
#include <netlab/netns.hpp>
#include <netlab/printer.hpp>
#include <netlab/render.hpp>
#include <netlab/trace.hpp>
#include <netlab/types.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace netlab::cli {

enum class Color { Auto, Always, Never };

struct Global {
  bool json = false;
  bool pretty = false;
  bool details = false;
  bool brief = false;
  bool ipv4 = false;
  bool ipv6 = false;
  Color color = Color::Auto;
  std::string netns_arg;

  // Resolved by resolve_globals() after parsing, before a command runs.
  bool resolved = false;
  Netns netns;
  RenderOptions render;
  Family family() const noexcept { return ipv4 ? Family::Inet : ipv6 ? Family::Inet6 : Family::Unspec; }
};

// Checks and resolves the global options (netns, colour, render options);
// every command calls it first. Safe to call more than once.
void resolve_globals(Global& g);

// Prints "netlab: <object>: <reason>" (and a hint line) on stderr and unwinds
// to main() with the error's exit status.
[[noreturn]] void fail(const Error& e);

template <typename T>
T value_or_fail(Result<T> r) {
  if (!r) fail(r.error());
  return std::move(r).value();
}
inline void check(const Result<void>& r) {
  if (!r) fail(r.error());
}
[[noreturn]] inline void usage_error(std::string object, std::string reason) {
  fail(Error::usage(std::move(object), std::move(reason)));
}

// iproute2-style arguments: KEYWORD VALUE pairs and bare flags, read in order.
class Words {
 public:
  Words(std::vector<std::string> words, std::string command)
      : words_(std::move(words)), command_(std::move(command)) {}
  bool done() const noexcept { return pos_ >= words_.size(); }
  const std::string& peek() const { return words_[pos_]; }
  const std::string& next() { return words_[pos_++]; }
  // The value after `keyword`; a usage error if there is none.
  const std::string& value(std::string_view keyword);
  [[noreturn]] void unknown(const std::string& word) const;
  // Fails if a keyword that may appear once is given twice.
  void once(std::string_view keyword, bool& seen) const;

 private:
  std::vector<std::string> words_;
  std::size_t pos_ = 0;
  std::string command_;
};

IfName parse_ifname(std::string_view s);
// `[dev] IFACE` or nothing, as the inspect commands take it; "" for none.
std::string read_optional_dev(const std::vector<std::string>& args, const std::string& command);
IpAddr parse_ip(std::string_view s);
Prefix parse_prefix(std::string_view s);  // also "default" for /0 in the given family
Prefix parse_prefix_or_default(std::string_view s, Family family);
std::uint32_t parse_u32(std::string_view s, std::string_view what, std::uint32_t max = 0xffffffffu);
// From min to max, both named in the error.
std::uint32_t parse_u32(std::string_view s, std::string_view what, std::uint32_t min, std::uint32_t max);
// Seconds as arping, ndisc6 and ping take them ("1", "0.5"), 0.001 to 86400;
// a usage error (exit 2) naming `what` otherwise.
double parse_seconds(const std::string& text, const std::string& what);
// The same, to whole milliseconds.
std::chrono::milliseconds parse_millis(const std::string& text, const std::string& what);

// Buffered stdout through the library's Printer (text, or JSON with -j):
// rows are appended to one string and written in large chunks, so a
// 100k-route listing is a few write(2)s, not 100k.
class Output {
 public:
  explicit Output(const Global& g);
  ~Output();
  Printer& printer() noexcept { return printer_; }
  void maybe_flush();  // call after each row
  void flush();
  // flush() and fflush(stdout): for lines printed as things happen.
  void flush_now();
  // A progress callback that renders each event as it comes, then flushes
  // (render(printer, event...) writes text lines; in JSON usually nothing).
  template <typename Render>
  auto live(Render render) {
    return [this, render](const auto&... event) {
      render(printer_, event...);
      flush_now();
    };
  }
  // With -j: the top-level array around the rows, then a newline; text: nothing.
  void begin_list();
  void end_list();

 private:
  std::string buf_;
  Printer printer_;
};

// Registers each object's subcommand on the root app.
void add_link_command(CLI::App& root, Global& g);
void add_addr_command(CLI::App& root, Global& g);
void add_neigh_command(CLI::App& root, Global& g);
void add_route_command(CLI::App& root, Global& g);
void add_capture_command(CLI::App& root, Global& g);
void add_drops_command(CLI::App& root, Global& g);
void add_tap_command(CLI::App& root, Global& g);
void add_bridge_command(CLI::App& root, Global& g);
void add_arp_command(CLI::App& root, Global& g);
void add_arp_diagnose_command(CLI::App& arp, Global& g);
void add_ndp_diagnose_command(CLI::App& ndp, Global& g);
// Prints a diagnosis report (text, or JSON with -j) and unwinds with its exit
// status (0 ok, 3 fault, 4 unexplained): arp/ndp/tap diagnose share it.
void print_diagnosis(const Global& g, const diag::Report& report);
void add_guest_command(CLI::App& root, Global& g);
void add_ndp_command(CLI::App& root, Global& g);
void add_dhcp_command(CLI::App& root, Global& g);
void add_path_command(CLI::App& root, Global& g);
void add_nft_command(CLI::App& root, Global& g);
void add_socket_command(CLI::App& root, Global& g);

// Adds a COMMAND subcommand that collects its keyword arguments in `words`
// and calls run() once the global options are resolved.
CLI::App* add_words_command(CLI::App& object, Global& g, std::string name, std::string help,
                            std::vector<std::string>& words, std::string usage, std::function<void()> run);
// For the commands that run until stopped (capture, drops, guest): SIGINT
// and SIGTERM call `handler` (which only asks the loop to end, so that
// destructors run and the summary prints); SIGPIPE is ignored, so that a
// closed stdout ends the run through a write error instead of killing it.
// The previous dispositions come back on scope exit.
class StopSignals {
 public:
  explicit StopSignals(void (*handler)(int));
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {}, old_term_ {}, old_pipe_ {};
};

// One kernel drop (drop_lines.cpp): a text line, after its time unless
// with_time is false and after `tag` ("kernel drop: " in a capture), or one
// JSON object, inside {"WRAPPER": ...} when a wrapper is given.
void drop_text(std::string& out, const trace::Drop& d, std::string_view tag = {}, bool with_time = true);
void drop_json(std::string& out, const trace::Drop& d, std::string_view wrapper = {});

// Makes a bare OBJECT run `show`.
void default_to_show(CLI::App* object, Global& g, std::function<void()> show);

}  // namespace netlab::cli
