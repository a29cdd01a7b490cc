// netlab drops: the kernel's own drop reasons (skb:kfree_skb) as they
// happen, one line per drop with the device that saw the packet, and a
// dropwatch-style count per reason and location at the end.
#include "cli.hpp"

#include <netlab/link.hpp>
#include <netlab/trace.hpp>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <limits>
#include <memory>
#include <unistd.h>

namespace netlab::cli {
namespace {

struct DropsArgs {
  std::vector<std::string> interfaces;
  std::string protocol_word, reason_word, count_word, duration_word;
  bool summary_only = false;
  bool json = false;
  bool list_reasons = false;
  bool line_buffered = false;
};

struct Checked {
  trace::Options opts;
  std::uint64_t count = 0;  // 0: unlimited
  std::chrono::milliseconds duration{0};  // 0: until a signal
};

// Set by SIGINT/SIGTERM; the loop sees it within one poll (50 ms at most).
std::atomic<bool> g_stop{false};
extern "C" void on_stop(int) { g_stop.store(true); }

// Every word checked before anything is opened (exit 2, nothing created).
Checked check_args(const DropsArgs& a) {
  Checked c;
  for (const auto& i : a.interfaces) c.opts.devices.push_back(parse_ifname(i).str());
  if (!a.protocol_word.empty()) c.opts.protocol = value_or_fail(trace::parse_protocol(a.protocol_word));
  if (!a.reason_word.empty()) c.opts.reason = value_or_fail(trace::normalize_reason(a.reason_word));
  if (!a.count_word.empty())
    c.count = parse_u32(a.count_word, "-c (drop count)", 1, std::numeric_limits<int>::max());
  if (!a.duration_word.empty()) c.duration = parse_millis(a.duration_word, "--duration");
  return c;
}

void lost_text(std::string& out, const trace::Lost& l) {
  out += "lost " + (l.count ? std::to_string(l.count) : std::string("some")) + " events on cpu " +
         std::to_string(l.cpu) + " (the reader was slower than the kernel)\n";
}

void lost_json(std::string& out, const trace::Lost& l) {
  JsonWriter w(out);
  w.begin_object();
  w.member("lost", l.count);
  w.member("cpu", l.cpu);
  w.end_object();
  out += '\n';
}

//     3  NETFILTER_DROP       nft_do_chain+0x4a1   vnet3
void summary_text(std::string& out, const trace::Summary& s, std::uint64_t lost) {
  out += std::to_string(s.total()) + (s.total() == 1 ? " drop" : " drops");
  if (lost) out += ", " + std::to_string(lost) + " events lost";
  out += '\n';
  for (const auto& r : s.rows()) {
    char line[256];
    std::snprintf(line, sizeof line, "%6llu  %-24s %-32s %s\n", static_cast<unsigned long long>(r.count),
                  r.reason.c_str(), r.location.c_str(), r.device.empty() ? "?" : r.device.c_str());
    out += line;
  }
}

void summary_json(std::string& out, const trace::Summary& s, std::uint64_t lost) {
  JsonWriter w(out);
  w.begin_object();
  w.key("summary");
  w.begin_object();
  w.member("drops", s.total());
  w.member("lost", lost);
  w.key("rows");
  w.begin_array();
  for (const auto& r : s.rows()) {
    w.begin_object();
    w.member("reason", r.reason);
    w.member("location", r.location);
    w.member("dev", r.device);
    w.member("count", r.count);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.end_object();
  out += '\n';
}

// Writes and empties buf; false once stdout is gone.
bool write_out(std::string& buf) {
  std::size_t off = 0;
  while (off < buf.size()) {
    ssize_t n = ::write(STDOUT_FILENO, buf.data() + off, buf.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      buf.clear();
      return false;
    }
    off += static_cast<std::size_t>(n);
  }
  buf.clear();
  return true;
}

void run_list_reasons(const DropsArgs& a) {
  auto names = value_or_fail(trace::reason_names());
  std::string out;
  if (a.json) {
    JsonWriter w(out);
    w.begin_array();
    for (const auto& [num, name] : names) w.value(name);
    w.end_array();
    out += '\n';
  } else {
    for (const auto& [num, name] : names) out += name + '\n';
  }
  write_out(out);
}

void run_drops(Global& g, DropsArgs& a) {
  Checked c = check_args(a);
  if (g.json) a.json = true;
  resolve_globals(g);
  if (a.list_reasons) {
    if (!a.interfaces.empty() || !c.opts.reason.empty() || c.opts.protocol || c.count || c.duration.count() || a.summary_only)
      usage_error("drops", "--list-reasons takes no other option");
    run_list_reasons(a);
    return;
  }
  // The kernel's events carry device names only, of any namespace: a name
  // must exist in the -n namespace or in some namespace netlab can see.
  for (const auto& dev : c.opts.devices)
    if (!link::get(g.netns, dev) && trace::namespaces_with_device(dev) == 0)
      fail(Error::not_found("link " + dev, "no such device in any network namespace netlab can see"));

  trace::Summary summary;
  std::uint64_t shown = 0;
  bool stdout_ok = true;
  std::string buf;
  {
    g_stop.store(false);
    StopSignals signals(on_stop);
    auto session = value_or_fail(trace::Session::open(c.opts));
    const auto start = std::chrono::steady_clock::now();
    const bool line = a.line_buffered || isatty(STDOUT_FILENO);
    auto sink = [&](const trace::Event& ev) {
      if (c.count && shown >= c.count) return;
      if (const auto* d = std::get_if<trace::Drop>(&ev)) {
        summary.add(*d);
        ++shown;
        if (!a.summary_only) a.json ? drop_json(buf, *d) : drop_text(buf, *d);
      } else if (const auto* l = std::get_if<trace::Lost>(&ev); l && !a.summary_only) {
        a.json ? lost_json(buf, *l) : lost_text(buf, *l);  // the summary counts them too
      }
    };
    while (!g_stop.load() && stdout_ok && !(c.count && shown >= c.count)) {
      auto wait = std::chrono::milliseconds(200);
      if (c.duration.count()) {
        auto left = c.duration - std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        if (left.count() <= 0) break;
        wait = std::min(wait, left);
      }
      auto n = session.poll(wait, sink);
      if (!n) fail(n.error());
      if (!buf.empty() && (line || buf.size() > 1 << 16)) stdout_ok = write_out(buf);
    }
    if (stdout_ok) {
      a.json ? summary_json(buf, summary, session.lost_events()) : summary_text(buf, summary, session.lost_events());
      stdout_ok = write_out(buf);
    }
  }  // the session's instance is removed here, before we exit
  if (summary.total() == 0) throw CLI::RuntimeError(3);
}

}  // namespace

void add_drops_command(CLI::App& root, Global& g) {
  auto a = std::make_shared<DropsArgs>();
  auto* cmd = root.add_subcommand("drops", "Show the kernel's packet drops with their reasons, as they happen");
  cmd->add_option("-i,--interface", a->interfaces, "Only drops of packets seen on this interface (repeatable)");
  cmd->add_option("-p,--protocol", a->protocol_word, "Only this ethertype: arp, ip, ip6 or a number (0x88cc)");
  cmd->add_option("--reason", a->reason_word, "Only this drop reason, as the kernel names it (NETFILTER_DROP)");
  cmd->add_option("-c,--count", a->count_word, "Stop after COUNT drops (1 to 2147483647)");
  cmd->add_option("--duration", a->duration_word, "Stop after SECONDS (0.001 to 86400)");
  cmd->add_flag("--summary", a->summary_only, "Print only the count per reason and location at the end");
  cmd->add_flag("-j,--json", a->json, "One JSON object per drop per line, then a summary object");
  cmd->add_flag("-l", a->line_buffered, "Write each drop's line at once");
  cmd->add_flag("--list-reasons", a->list_reasons, "List the drop reasons this kernel names, and exit");
  cmd->footer("Exit status: 0 drops were seen, 1 tracing failed or is not available, 2 usage error, "
              "3 no drop matched.");
  cmd->callback([&g, a] { run_drops(g, *a); });
}

}  // namespace netlab::cli
