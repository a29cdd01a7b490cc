// netlab_corpus_replay DIR...: reads every capture (*.pcap, *.pcapng, *.cap)
// in each DIR to the end through the library path `netlab capture -r` takes
// (Capture::open + run, PacketPrinter, ArpAnnotator), with the option sets
// of run-corpus.sh and --annotate in text and JSON.
//
// Why in one process: the shared corpus is 839 captures times 8 option sets.
// Started as 6,700 CLI processes, an ASan build spends about 0.3 s starting
// each one, which made this the longest test of the CI run. In one process a
// crash still kills the run, ASan and UBSan (built with
// -fno-sanitize-recover) still stop it with a report and a non-zero status,
// and LeakSanitizer checks everything at exit. run-corpus.sh keeps
// exercising the CLI itself on tests/data/robustness.
//
// Exit status: 0 when every file was read (a file libpcap refuses, or one
// that ends in a read error, counts as read, as exit 1 of the CLI does);
// 2 for bad arguments or a directory that cannot be listed.
#include <netlab/annotate.hpp>
#include <netlab/capture.hpp>
#include <netlab/packet.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace {

struct OptionSet {
  const char* as_typed;  // the CLI options this set stands for, for messages
  netlab::PrintOptions print;
  bool annotate = false;
};

std::vector<OptionSet> option_sets() {
  using netlab::HexStyle;
  using netlab::TimestampStyle;
  std::vector<OptionSet> sets;
  auto add = [&](const char* typed, auto set_up, bool annotate = false) {
    OptionSet s{typed, {}, annotate};
    set_up(s.print);
    sets.push_back(s);
  };
  add("-n", [](netlab::PrintOptions&) {});
  add("-n -e -vvv -x", [](netlab::PrintOptions& p) {
    p.link_header = true;
    p.verbose = 3;
    p.hex = HexStyle::Hex;
  });
  add("-n -v -X -S", [](netlab::PrintOptions& p) {
    p.verbose = 1;
    p.hex = HexStyle::HexAscii;
    p.absolute_seq = true;
  });
  add("-n -q -tttt", [](netlab::PrintOptions& p) {
    p.quiet = true;
    p.ts = TimestampStyle::Date;
  });
  add("-n -j -e -vv", [](netlab::PrintOptions& p) {
    p.json = true;
    p.link_header = true;
    p.verbose = 2;
  });
  add("-n -XX -ttt", [](netlab::PrintOptions& p) {
    p.hex = HexStyle::HexAsciiLink;
    p.ts = TimestampStyle::Delta;
  });
  add("-n -e -v --annotate", [](netlab::PrintOptions& p) {
    p.link_header = true;
    p.verbose = 1;
  }, true);
  add("-n -j -# --annotate", [](netlab::PrintOptions& p) {
    p.json = true;
    p.numbers = true;
  }, true);
  return sets;
}

struct Totals {
  std::size_t files = 0, runs = 0, refused = 0, read_errors = 0;
  std::uint64_t packets = 0, bytes_printed = 0;
};

// One file with one option set; the output is counted and dropped packet by
// packet, so memory stays that of one packet's text.
void replay(const std::filesystem::path& file, const OptionSet& set, Totals& totals) {
  ++totals.runs;
  netlab::CaptureOptions co;
  co.read_file = file.string();
  auto cap = netlab::Capture::open(co);
  if (!cap) {
    ++totals.refused;
    return;
  }
  netlab::PacketPrinter printer(set.print, cap->linktype());
  std::optional<netlab::ArpAnnotator> annotator;
  if (set.annotate) annotator.emplace(cap->linktype(), netlab::AnnotateOptions{});
  std::string out;
  auto result = cap->run(0, [&](const netlab::PacketMeta& m, std::span<const std::uint8_t> bytes) {
    printer.print(m, bytes, out);
    if (annotator)
      for (const auto& note : annotator->annotate(m, bytes))
        set.print.json ? netlab::append_note_json(note, out) : netlab::append_note_text(note, out);
    ++totals.packets;
    totals.bytes_printed += out.size();
    out.clear();
    return true;
  });
  if (annotator) {
    set.print.json ? netlab::append_summary_json(annotator->summary(), out)
                   : netlab::append_summary_text(annotator->summary(), out);
    totals.bytes_printed += out.size();
  }
  if (!result) ++totals.read_errors;
}

bool is_capture(const std::filesystem::path& p) {
  auto ext = p.extension().string();
  return ext == ".pcap" || ext == ".pcapng" || ext == ".cap";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: netlab_corpus_replay DIR...\n");
    return 2;
  }
  const auto sets = option_sets();
  Totals totals;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(argv[i], ec))
      if (entry.is_regular_file() && is_capture(entry.path())) files.push_back(entry.path());
    if (ec) {
      std::fprintf(stderr, "netlab_corpus_replay: %s: %s\n", argv[i], ec.message().c_str());
      return 2;
    }
    if (files.empty()) {
      std::fprintf(stderr, "netlab_corpus_replay: %s: no captures\n", argv[i]);
      return 2;
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      // Named before reading, so that a crash's last line says which file it was.
      std::fprintf(stderr, "%s\n", f.filename().c_str());
      for (const auto& set : sets) replay(f, set, totals);
      ++totals.files;
    }
  }
  std::printf("netlab_corpus_replay: %zu files, %zu option sets, %zu runs, %llu packets, %llu bytes of output; "
              "%zu runs refused by libpcap, %zu ended in a read error; no crash, no sanitizer report\n",
              totals.files, sets.size(), totals.runs, static_cast<unsigned long long>(totals.packets),
              static_cast<unsigned long long>(totals.bytes_printed), totals.refused, totals.read_errors);
  return 0;
}
