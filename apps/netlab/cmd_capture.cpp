// netlab capture: tcpdump's options and output for the protocols netlab
// decodes (Ethernet, VLAN, ARP, IPv4, IPv6, ICMP, ICMPv6, TCP, UDP), live
// or from a file, with -w to save and -j for one JSON object per packet;
// --annotate adds the ARP diagnosis notes under the packets they concern.
#include "cli.hpp"

#include <netlab/annotate.hpp>
#include <netlab/lab_annotate.hpp>
#include <netlab/capture.hpp>
#include <netlab/link.hpp>
#include <netlab/packet.hpp>
#include <netlab/privileges.hpp>
#include <netlab/split_print.hpp>
#include <netlab/trace.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <charconv>
#include <cstring>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace netlab::cli {
namespace {

struct CaptureArgs {
  std::string interface, read_file, write_file;
  std::string user;  // -Z: become this user once the capture and the -w file are open
  std::string count_word;   // -c as typed: 1 to INT_MAX, as tcpdump
  std::string buffer_word;  // -B as typed: 1 to INT_MAX/1024 KiB
  std::uint64_t count = 0;  // 0: unlimited
  int snaplen = 262144;
  int buffer_kib = 0;
  bool link_header = false;
  int verbose = 0;
  bool numeric = false;  // accepted for habit: netlab never resolves names
  bool quiet = false;
  bool absolute = false;
  int tflag = 0;
  int xflag = 0, Xflag = 0;
  bool line_buffered = false;
  bool immediate = false;
  bool json = false;
  bool no_promisc = false;
  bool nano = false;
  bool annotate = false;
  bool drops = false;  // --drops: the kernel's drops between the packet lines
  std::vector<std::string> filter;
};

// The capture being run, for the signal handlers (which only break the loop).
std::atomic<Capture*> g_active{nullptr};

extern "C" void on_stop_signal(int) {
  if (Capture* c = g_active.load()) c->stop();
}

// stdout through one buffer, written with write(2) when full (or per packet
// with -l); a closed pipe ends the capture instead of killing us.
class PacketOut {
 public:
  explicit PacketOut(bool line) : line_(line) { buf_.reserve(kSize + 4096); }
  std::string& buf() noexcept { return buf_; }
  // False once stdout is gone.
  bool packet_done() {
    if (line_ || buf_.size() >= kSize) return flush();
    return !broken_;
  }
  bool flush() {
    write(buf_);
    buf_.clear();
    return !broken_;
  }
  // Writes text that is not in buf() (print_split()'s runs); false once
  // stdout is gone.
  bool write(std::string_view text) {
    std::size_t off = 0;
    while (off < text.size() && !broken_) {
      ssize_t n = ::write(STDOUT_FILENO, text.data() + off, text.size() - off);
      if (n < 0) {
        if (errno == EINTR) continue;
        broken_ = true;
        err_ = errno;
        break;
      }
      off += static_cast<std::size_t>(n);
    }
    return !broken_;
  }
  bool broken() const noexcept { return broken_; }
  int error() const noexcept { return err_; }

 private:
  static constexpr std::size_t kSize = 1 << 16;
  std::string buf_;
  bool line_;
  bool broken_ = false;
  int err_ = 0;
};

std::string plural(std::uint64_t n, const char* what) {
  return std::to_string(n) + (n == 1 ? " packet " : " packets ") + what + "\n";
}

// A whole number from lo to hi as the user typed it, or a usage error that
// quotes the word and says the range.
long long number_in_range(const std::string& word, const char* what, long long lo, long long hi) {
  long long v = 0;
  auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
  if (word.empty() || ec != std::errc{} || end != word.data() + word.size() || v < lo || v > hi)
    usage_error("capture", std::string(what) + " from " + std::to_string(lo) + " to " + std::to_string(hi) + ", not \"" +
                               word + "\"");
  return v;
}

// tcpdump's ranges, checked before anything is opened.
void check_ranges(CaptureArgs& a) {
  constexpr long long kIntMax = std::numeric_limits<int>::max();
  if (!a.count_word.empty()) a.count = static_cast<std::uint64_t>(number_in_range(a.count_word, "-c needs a packet count", 1, kIntMax));
  if (a.snaplen < 0 || a.snaplen > 262144)
    usage_error("capture", "-s needs a snapshot length from 0 to 262144 (0: 262144), not \"" + std::to_string(a.snaplen) + "\"");
  if (!a.buffer_word.empty())
    a.buffer_kib = static_cast<int>(number_in_range(a.buffer_word, "-B needs a buffer size in KiB", 1, kIntMax / 1024));
}

// The filter words joined, with tcpdump's -# (packet numbers) taken out:
// -# is not a name CLI11 accepts for an option, so it arrives as an extra
// argument or among the filter words.
std::string filter_expression(CaptureArgs& a, const std::vector<std::string>& extras, bool& numbers) {
  for (const auto& w : extras) {
    if (w == "-#") a.filter.insert(a.filter.begin(), w);
    else if (w == "--") continue;  // CLI11 hands the separator back; the words after it are the filter
    else usage_error("capture", "unknown option \"" + w + "\" (see --help)");
  }
  numbers = false;
  std::string filter;
  for (const auto& w : a.filter) {
    if (w == "-#" || w == "--number") {
      numbers = true;
      continue;
    }
    if (!filter.empty()) filter += ' ';
    filter += w;
  }
  return filter;
}

CaptureOptions capture_options(const Global& g, const CaptureArgs& a, std::string filter) {
  CaptureOptions co;
  co.interface = a.interface;
  co.read_file = a.read_file;
  co.write_file = a.write_file;
  co.filter = std::move(filter);
  co.snaplen = a.snaplen == 0 ? 262144 : a.snaplen;
  co.buffer_kib = a.buffer_kib;
  co.promiscuous = !a.no_promisc;
  co.immediate = a.immediate;
  co.nano = a.nano;
  co.netns = g.netns;
  return co;
}

PrintOptions print_options(const CaptureArgs& a, bool numbers) {
  PrintOptions po;
  po.verbose = a.verbose;
  po.link_header = a.link_header;
  po.quiet = a.quiet;
  po.absolute_seq = a.absolute;
  po.numbers = numbers;
  po.json = a.json;
  static constexpr TimestampStyle kTs[] = {TimestampStyle::Default, TimestampStyle::None, TimestampStyle::Epoch,
                                           TimestampStyle::Delta, TimestampStyle::Date, TimestampStyle::SinceFirst};
  po.ts = kTs[std::min(a.tflag, 5)];
  if (a.Xflag) po.hex = a.Xflag > 1 ? HexStyle::HexAsciiLink : HexStyle::HexAscii;
  else if (a.xflag) po.hex = a.xflag > 1 ? HexStyle::HexLink : HexStyle::Hex;
  return po;
}

// tcpdump's first line on stderr.
void print_source_line(const CaptureOptions& co, const Capture& cap) {
  const bool offline = !co.read_file.empty();
  std::string head = offline ? "reading from file " + co.read_file
                             : "listening on " + (co.interface.empty() ? std::string("any") : co.interface);
  head += ", link-type " + cap.linktype_name() + " (" + cap.linktype_description() + "), snapshot length " +
          std::to_string(cap.snaplen()) + (offline ? "\n" : " bytes\n");
  std::fputs(head.c_str(), stderr);
}

// --annotate: the ARP annotator for this capture, or none.
std::optional<ArpAnnotator> make_annotator(const CaptureArgs& a, const CaptureOptions& co, const Capture& cap) {
  if (!a.annotate) return std::nullopt;
  AnnotateOptions ao;
  // Live: replies nobody here asked for should at least be for this interface.
  if (co.read_file.empty() && !co.interface.empty())
    if (auto l = link::get(co.netns, co.interface)) ao.local_mac = l->mac();
  std::optional<ArpAnnotator> annotator;
  annotator.emplace(cap.linktype(), ao);
  if (!annotator->annotates()) {
    std::string say = "netlab: capture: --annotate: link type " + cap.linktype_name() +
                      " is not Ethernet, nothing will be annotated\n";
    std::fputs(say.c_str(), stderr);
  }
  return annotator;
}

// --annotate: the lab notes beside the ARP ones. Live on a bridge, its
// multicast snooping and querier settings say whether a missing querier
// makes it forget groups.
std::optional<LabAnnotator> make_lab_annotator(const CaptureArgs& a, const CaptureOptions& co, const Capture& cap) {
  if (!a.annotate) return std::nullopt;
  LabAnnotateOptions lo;
  if (co.read_file.empty() && !co.interface.empty())
    if (auto l = link::get(co.netns, co.interface); l && l->bridge) {
      SnoopingBridge b;
      b.name = co.interface;
      b.snooping = l->bridge->multicast_snooping.value_or(0) != 0;
      b.querier = l->bridge->multicast_querier.value_or(0) != 0;
      lo.bridge = b;
    }
  return LabAnnotator(cap.linktype(), lo);
}

// --drops: the kernel's drops on the capture's interfaces (the one given by
// -i, or every device of the namespace for "any"), from a private tracing
// instance. A libpcap loop has no place for a second descriptor, so the
// session is read on its own thread. Packets reach the capture later than
// their drops reach the session (libpcap hands them over by blocks), so a
// drop waits, under the output's lock, until a packet captured after it is
// printed or until libpcap would have handed that packet over (its buffer
// timeout, 1 s, plus a margin; immediate mode: at once): the lines come in
// time order.
class DropLines {
 public:
  // `seen` counts the drop lines, under the lock.
  DropLines(trace::Session session, PacketOut& out, std::mutex& lock, std::uint64_t& seen, const PrintOptions& po,
            bool immediate)
      : session_(std::move(session)), out_(out), lock_(lock), seen_(seen), json_(po.json),
        with_time_(po.ts != TimestampStyle::None),
        hold_(immediate ? std::chrono::milliseconds(200) : std::chrono::milliseconds(1200)) {
    reader_ = std::thread([this] { read(); });
  }
  DropLines(const DropLines&) = delete;
  DropLines& operator=(const DropLines&) = delete;
  // Reads what is left and prints every drop still waiting; then the
  // session's instance goes.
  ~DropLines() {
    stop_.store(true);
    reader_.join();
    std::lock_guard<std::mutex> held(lock_);
    print_until(trace::Time::max());
  }

  // Before a packet captured at `t` is printed (the lock held): the drops
  // that came before it.
  void print_before(const PacketMeta& m) {
    using namespace std::chrono;
    const auto since_epoch = seconds(m.sec) + (m.nano ? nanoseconds(m.frac) : nanoseconds(microseconds(m.frac)));
    print_until(trace::Time(duration_cast<trace::Time::duration>(since_epoch)));
  }

 private:
  void read() {
    auto sink = [this](const trace::Event& ev) {
      const auto* d = std::get_if<trace::Drop>(&ev);
      if (!d) return;
      std::lock_guard<std::mutex> held(lock_);
      if (waiting_.size() >= kMaxWaiting) return;
      // Each CPU's buffer is in time order, not the whole: keep the queue sorted.
      auto at = std::upper_bound(waiting_.begin(), waiting_.end(), d->time,
                                 [](trace::Time t, const trace::Drop& w) { return t < w.time; });
      waiting_.insert(at, *d);
    };
    for (bool last = false; !last;) {
      last = stop_.load();
      // A failed read loses only drop lines; the capture goes on.
      (void)session_.poll(std::chrono::milliseconds(last ? 0 : 100), sink);
      std::lock_guard<std::mutex> held(lock_);
      print_until(std::chrono::system_clock::now() - hold_);
    }
  }

  // The lock held.
  void print_until(trace::Time t) {
    while (!waiting_.empty() && waiting_.front().time < t) {
      const trace::Drop& d = waiting_.front();
      if (!out_.broken()) {
        json_ ? drop_json(out_.buf(), d, "kernel_drop") : drop_text(out_.buf(), d, "kernel drop: ", with_time_);
        ++seen_;
        (void)out_.packet_done();
      }
      waiting_.pop_front();
    }
  }

  static constexpr std::size_t kMaxWaiting = 65536;  // a drop storm between two packets stays bounded
  trace::Session session_;
  PacketOut& out_;
  std::mutex& lock_;
  std::uint64_t& seen_;
  const bool json_, with_time_;
  const std::chrono::milliseconds hold_;
  std::deque<trace::Drop> waiting_;  // in time order
  std::atomic<bool> stop_{false};
  std::thread reader_;
};

// The devices whose drops --drops shows.
std::vector<std::string> drop_devices(const CaptureOptions& co) {
  if (!co.interface.empty() && co.interface != "any") return {co.interface};
  std::vector<std::string> names;
  for (const auto& l : value_or_fail(link::list(co.netns)))
    if (l.name != "lo") names.push_back(l.name);
  return names;
}

// The capture the stop handler breaks, for the time of a run.
class ActiveCapture {
 public:
  explicit ActiveCapture(Capture& cap) { g_active.store(&cap); }
  ~ActiveCapture() { g_active.store(nullptr); }
  ActiveCapture(const ActiveCapture&) = delete;
  ActiveCapture& operator=(const ActiveCapture&) = delete;
};

void run_capture(Global& g, CaptureArgs& a, const std::vector<std::string>& extras) {
  check_ranges(a);
  // A global -j (netlab -j capture ...) means what capture -j means.
  if (g.json) a.json = true;
  resolve_globals(g);
  bool numbers = false;
  std::string filter = filter_expression(a, extras, numbers);
  if (!a.interface.empty() && !a.read_file.empty()) usage_error("capture", "-i and -r exclude each other");
  if (a.json && (a.xflag || a.Xflag)) usage_error("capture", "-j and -x/-X exclude each other");
  // -w saves instead of printing (as tcpdump), so notes would have no line to follow.
  if (a.annotate && !a.write_file.empty()) usage_error("capture", "--annotate prints; -w saves instead of printing");
  if (a.drops && !a.read_file.empty()) usage_error("capture", "--drops reads the kernel's drops live: it cannot go with -r");
  if (a.drops && !a.write_file.empty()) usage_error("capture", "--drops prints; -w saves instead of printing");
  // The tracing instance is root's to remove when the capture ends.
  if (a.drops && !a.user.empty()) usage_error("capture", "--drops cannot go with -Z: its tracing instance is removed as root");

  CaptureOptions co = capture_options(g, a, std::move(filter));
  // A file's text is written by two threads (print_split()), each reading
  // the file, unless notes need each packet beside its line or -l wants
  // each line at once.
  const bool split = !a.annotate && !a.line_buffered && can_split(co);
  co.read_ahead = !split;
  if (!co.read_file.empty() && !g.netns.is_current()) usage_error("capture", "--netns applies to live capture only");
  // An unknown -Z user is bad input: refused (exit 2) before anything is opened.
  std::optional<UserIds> become;
  if (!a.user.empty()) become = value_or_fail(lookup_user(a.user));
  auto cap = value_or_fail(Capture::open(co));
  std::optional<Capture> second;  // the same file again, before -Z
  if (split)
    if (auto s = Capture::open(co)) second.emplace(std::move(s).value());
  // As tcpdump: the packet socket and the -w file are open (the file stays
  // the caller's), so nothing privileged is left to do.
  if (become) check(drop_privileges(*become));

  const bool offline = !co.read_file.empty();
  const bool printing = co.write_file.empty();  // as tcpdump: -w saves instead of printing
  print_source_line(co, cap);
  const PrintOptions po = print_options(a, numbers);
  PacketPrinter printer(po, cap.linktype(), offline ? std::string() : co.interface);
  std::optional<ArpAnnotator> annotator = make_annotator(a, co, cap);
  std::optional<LabAnnotator> lab = make_lab_annotator(a, co, cap);
  PacketOut out(a.line_buffered || (!offline && isatty(STDOUT_FILENO)));
  std::mutex out_lock;  // the packet lines and, with --drops, the drop lines

  Result<void> result;
  std::uint64_t drops_seen = 0;
  {
    ActiveCapture active(cap);
    StopSignals signals(on_stop_signal);
    std::optional<DropLines> drops;
    if (a.drops) {
      trace::Options to;
      to.devices = drop_devices(co);
      drops.emplace(value_or_fail(trace::Session::open(to)), out, out_lock, drops_seen, po, co.immediate);
    }
    if (second) {
      PacketPrinter second_printer(po, second->linktype());
      SplitPrintOptions so;
      so.count = a.count;
      try {
        result = print_split(cap, printer, *second, second_printer,
                             [&out](std::string_view text) { return out.write(text); }, so);
      } catch (const std::system_error&) {  // no thread (nothing read): one thread reads it all
        second.reset();
      }
    }
    if (!second) result = cap.run(a.count, [&](const PacketMeta& m, std::span<const std::uint8_t> bytes) {
      if (!printing) return true;
      // Only the drop lines' thread writes beside us.
      std::unique_lock<std::mutex> held(out_lock, std::defer_lock);
      if (drops) held.lock();
      if (drops) drops->print_before(m);
      printer.print(m, bytes, out.buf());
      if (annotator)
        for (const auto& note : annotator->annotate(m, bytes))
          po.json ? append_note_json(note, out.buf()) : append_note_text(note, out.buf());
      if (lab)
        for (const auto& note : lab->annotate(m, bytes))
          po.json ? append_note_json(note, out.buf()) : append_note_text(note, out.buf());
      return out.packet_done();
    });
    drops.reset();  // its last lines are written before the summary
    // The summary ends stdout, before the statistics on stderr; it is also
    // printed when the capture ended on an error, for what was read until then.
    if (annotator && !out.broken()) {
      if (po.json) append_summary_json(annotator->summary(), out.buf());
      else append_summary_text(annotator->summary(), out.buf());
    }
    // Only when the capture carried STP, DNS or IGMP/MLD: ARP-only
    // captures keep the one summary they always had.
    if (lab && !out.broken()) {
      const LabSummary ls = lab->summary();
      if (ls.any()) po.json ? append_lab_summary_json(ls, out.buf()) : append_lab_summary_text(ls, out.buf());
    }
    out.flush();
  }

  if (!result) fail(result.error());
  if (!offline) {
    auto s = cap.stats();
    std::string summary = plural(s.captured, "captured") + plural(s.received, "received by filter") +
                          plural(s.dropped, "dropped by kernel");
    if (a.drops)
      summary += std::to_string(drops_seen) + (drops_seen == 1 ? " packet" : " packets") +
                 " dropped by the kernel's stack (--drops)\n";
    std::fputs(summary.c_str(), stderr);
  }
  if (out.broken() && out.error() != EPIPE)
    fail(Error::from_errno(out.error(), "stdout", std::strerror(out.error())));
}

}  // namespace

void add_capture_command(CLI::App& root, Global& g) {
  auto a = std::make_shared<CaptureArgs>();
  auto* cmd = root.add_subcommand("capture", "Capture or read packets and print them as tcpdump does");
  cmd->add_option("-i,--interface", a->interface, "Capture live on this interface (default: any)");
  cmd->add_option("-r,--read", a->read_file, "Read packets from a pcap or pcapng file (- for stdin)");
  cmd->add_option("-w,--write", a->write_file, "Write the packets to this pcap file (- for stdout)");
  cmd->add_option("-c,--count", a->count_word, "Stop after COUNT packets (1 to 2147483647)");
  cmd->add_option("-Z,--relinquish-privileges", a->user,
                  "After opening the capture and the -w file, become USER (its uid, gid and groups; no capabilities)");
  cmd->add_option("-s,--snapshot-length", a->snaplen, "Bytes to capture per packet (0: 262144)");
  cmd->add_option("-B,--buffer-size", a->buffer_word, "Kernel capture buffer size in KiB (1 to 2097151)");
  cmd->add_flag("-e", a->link_header, "Print the link-level header");
  cmd->add_flag("-v", a->verbose, "More detail (-vv, -vvv for even more)");
  cmd->add_flag("-n", a->numeric, "Do not resolve names (netlab never does)");
  cmd->add_flag("-q", a->quiet, "Quick output: less protocol detail");
  cmd->add_flag("-S,--absolute-tcp-sequence-numbers", a->absolute, "Absolute TCP sequence numbers");
  cmd->add_flag("-t", a->tflag, "-t no time, -tt epoch, -ttt delta, -tttt date, -ttttt since first");
  cmd->add_flag("-x", a->xflag, "Hex dump of each packet (-xx with the link header)");
  cmd->add_flag("-X", a->Xflag, "Hex and ASCII dump (-XX with the link header)");
  cmd->add_flag("-l", a->line_buffered, "Write each packet's line at once");
  cmd->add_flag("--immediate-mode", a->immediate, "Deliver packets as they arrive");
  cmd->add_flag("-j,--json", a->json, "One JSON object per packet per line");
  cmd->add_flag("-p,--no-promiscuous-mode", a->no_promisc, "Do not put the interface in promiscuous mode");
  cmd->add_flag("--nano", a->nano, "Nanosecond timestamps");
  cmd->add_flag("--annotate", a->annotate,
                "Add ARP diagnosis notes under the packets (replies and latency, unanswered requests, "
                "probes, conflicts, ...) and an ARP summary at the end");
  cmd->add_flag("--drops", a->drops,
                "Print the kernel's drops of packets on the capture's interfaces between the packet lines, "
                "with their reasons (as netlab drops)");
  cmd->add_option("filter", a->filter, "BPF filter expression (pcap-filter(7)); -# numbers packets");
  cmd->footer("Exit status: 0 success, 1 the capture failed (a full disk under -w too), 2 usage error "
              "(an unknown -Z user too).");
  // No fallthrough: tcpdump's letters (-n, -p, -j, -v ...) keep their
  // meanings after `capture`; netlab's global options go before it.
  cmd->allow_extras();
  cmd->callback([&g, a, cmd] { run_capture(g, *a, cmd->remaining()); });
}

}  // namespace netlab::cli
