// print_split() against one PacketPrinter: the same text, byte for byte,
// whatever the runs' length, with the state kept between packets (TCP's
// relative sequence numbers, Rx calls, NFS xids, ISAKMP cookies, the count,
// the previous and first timestamps) crossing from one side's runs to the
// other's. And PacketPrinter::pass(), which that rests on.
#include <netlab/capture.hpp>
#include <netlab/packet.hpp>
#include <netlab/split_print.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using namespace netlab;

std::string data_file(const std::string& name) { return std::string(NETLAB_TCPDUMP_DATA) + "/" + name; }

Capture open_file(const std::string& path) {
  CaptureOptions o;
  o.read_file = path;
  o.read_ahead = false;
  auto c = Capture::open(o);
  REQUIRE(c);
  return std::move(c).value();
}

// One printer, one thread: what print_split() must print.
std::string direct(const std::string& path, const PrintOptions& po, std::uint64_t count = 0) {
  Capture cap = open_file(path);
  PacketPrinter printer(po, cap.linktype());
  std::string out;
  auto r = cap.run(count, [&](const PacketMeta& m, std::span<const std::uint8_t> bytes) {
    printer.print(m, bytes, out);
    return true;
  });
  REQUIRE(r);
  return out;
}

struct Split {
  std::string text;
  std::size_t calls = 0;
};

Split split(const std::string& path, const PrintOptions& po, const SplitPrintOptions& so, std::size_t stop_after = 0) {
  Capture first = open_file(path), second = open_file(path);
  PacketPrinter p1(po, first.linktype()), p2(po, second.linktype());
  Split s;
  auto r = print_split(first, p1, second, p2,
                       [&](std::string_view text) {
                         s.text += text;
                         ++s.calls;
                         return stop_after == 0 || s.calls < stop_after;
                       },
                       so);
  REQUIRE(r);
  return s;
}

PrintOptions opts(int verbose, TimestampStyle ts, bool numbers, HexStyle hex = HexStyle::None, bool json = false) {
  PrintOptions po;
  po.verbose = verbose;
  po.ts = ts;
  po.numbers = numbers;
  po.hex = hex;
  po.json = json;
  return po;
}

}  // namespace

TEST_CASE("print_split prints what one printer prints, whatever the runs", "[split_print]") {
  setenv("TZ", "GMT0", 1);
  tzset();
  // State between packets: Rx calls, TCP sequence numbers (OpenFlow on
  // TCP, MPTCP), NFS xids, ISAKMP cookies.
  const std::vector<std::string> files = {"afs-rx.pcap", "of10_s4810.pcap", "mptcp-v0.pcap", "nfs-attr-oobr.pcap",
                                          "isakmp-rfc3948-oobr.pcap"};
  const std::vector<PrintOptions> options = {
      opts(0, TimestampStyle::Default, false), opts(1, TimestampStyle::Delta, true),
      opts(2, TimestampStyle::SinceFirst, false, HexStyle::HexAscii), opts(1, TimestampStyle::Epoch, true, HexStyle::None, true)};
  for (const auto& f : files) {
    const std::string path = data_file(f);
    for (const auto& po : options) {
      const std::string want = direct(path, po);
      REQUIRE(!want.empty());
      for (std::size_t run : {1, 2, 3, 7, 4096}) {
        SplitPrintOptions so;
        so.run_packets = run;
        CAPTURE(f, po.verbose, static_cast<int>(po.ts), run);
        CHECK(split(path, po, so).text == want);
      }
      SplitPrintOptions by_bytes;  // runs cut by their packets' bytes
      by_bytes.run_bytes = 300;
      CAPTURE(f, po.verbose, static_cast<int>(po.ts));
      CHECK(split(path, po, by_bytes).text == want);
    }
  }
}

TEST_CASE("print_split hands each run once, in order, and stops when the sink says no", "[split_print]") {
  const std::string path = data_file("afs-rx.pcap");
  const PrintOptions po = opts(0, TimestampStyle::Default, true);
  const std::string want = direct(path, po);
  SplitPrintOptions so;
  so.run_packets = 5;
  const Split all = split(path, po, so);
  CHECK(all.text == want);
  // One call a run: the packet numbers (-#) cut every fifth line.
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = want.find('\n', at)) != std::string::npos; ++at) ++lines;
  std::size_t packets = 0;
  {
    Capture cap = open_file(path);
    REQUIRE(cap.run(0, [&](const PacketMeta&, std::span<const std::uint8_t>) {
      ++packets;
      return true;
    }));
  }
  CHECK(all.calls == (packets + 4) / 5);
  CHECK(lines >= packets);

  const Split two = split(path, po, so, 2);  // the sink says no at its second run
  CHECK(two.calls == 2);
  CHECK(two.text.size() < want.size());
  CHECK(want.compare(0, two.text.size(), two.text) == 0);
}

TEST_CASE("print_split ends when its two reads of the file differ", "[split_print]") {
  // The file rewritten between the two reads: here, two different files of
  // different lengths. The sides cut their runs at different packets; each
  // still writes its runs in turn, and the shorter one's end releases the
  // other.
  const PrintOptions po = opts(0, TimestampStyle::Default, false);
  for (std::size_t run : {1, 3, 4096}) {
    Capture first = open_file(data_file("afs-rx.pcap")), second = open_file(data_file("QinQpacket.pcap"));
    PacketPrinter p1(po, first.linktype()), p2(po, second.linktype());
    std::string text;
    SplitPrintOptions so;
    so.run_packets = run;
    so.run_bytes = 700;
    auto r = print_split(first, p1, second, p2,
                         [&](std::string_view t) {
                           text += t;
                           return true;
                         },
                         so);
    CAPTURE(run);
    CHECK(r);
    CHECK(!text.empty());
  }
}

TEST_CASE("print_split stops after count packets, as Capture::run", "[split_print]") {
  const std::string path = data_file("of10_s4810.pcap");
  const PrintOptions po = opts(1, TimestampStyle::Delta, true);
  for (std::uint64_t count : {1, 4, 9, 50}) {
    SplitPrintOptions so;
    so.count = count;
    so.run_packets = 4;
    CAPTURE(count);
    CHECK(split(path, po, so).text == direct(path, po, count));
  }
}

TEST_CASE("can_split takes regular files only, never a pipe, stdin or -w", "[split_print]") {
  cpu_set_t set;
  CPU_ZERO(&set);
  REQUIRE(sched_getaffinity(0, sizeof set, &set) == 0);
  const bool cpus = CPU_COUNT(&set) > 1;
  CaptureOptions o;
  o.read_file = data_file("afs-rx.pcap");
  CHECK(can_split(o) == cpus);
  if (cpus) {  // pinned to one CPU (as taskset -c does), one thread reads
    cpu_set_t one;
    CPU_ZERO(&one);
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) {
        CPU_SET(c, &one);
        break;
      }
    REQUIRE(sched_setaffinity(0, sizeof one, &one) == 0);
    CHECK_FALSE(can_split(o));
    REQUIRE(sched_setaffinity(0, sizeof set, &set) == 0);
    CHECK(can_split(o));
  }
  o.write_file = "/dev/null";
  CHECK_FALSE(can_split(o));
  o.write_file.clear();
  o.read_file = "-";
  CHECK_FALSE(can_split(o));
  o.read_file.clear();
  o.interface = "lo";
  CHECK_FALSE(can_split(o));
  o.interface.clear();
  char dir[] = "/tmp/netlab-split-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string fifo = std::string(dir) + "/fifo";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  o.read_file = fifo;  // a second open would take the first's bytes
  CHECK_FALSE(can_split(o));
  o.read_file = std::string(dir) + "/missing.pcap";
  CHECK_FALSE(can_split(o));
  unlink(fifo.c_str());
  rmdir(dir);
}

TEST_CASE("pass moves on every state print keeps", "[split_print]") {
  setenv("TZ", "GMT0", 1);
  tzset();
  for (const char* f : {"of10_s4810.pcap", "afs-rx.pcap", "nfs-attr-oobr.pcap"}) {
    for (const auto& po : {opts(0, TimestampStyle::Delta, true), opts(2, TimestampStyle::SinceFirst, true)}) {
      // The whole file printed, and the same with every third packet passed:
      // the printed ones must read the same in both.
      Capture a = open_file(data_file(f)), b = open_file(data_file(f));
      PacketPrinter all(po, a.linktype()), some(po, b.linktype());
      std::vector<std::string> want, got;
      REQUIRE(a.run(0, [&](const PacketMeta& m, std::span<const std::uint8_t> bytes) {
        want.emplace_back();
        all.print(m, bytes, want.back());
        return true;
      }));
      std::size_t k = 0;
      REQUIRE(b.run(0, [&](const PacketMeta& m, std::span<const std::uint8_t> bytes) {
        got.emplace_back();
        if (k++ % 3 == 0) some.pass(m, bytes);
        else some.print(m, bytes, got.back());
        return true;
      }));
      REQUIRE(want.size() == got.size());
      REQUIRE(want.size() > 6);
      for (std::size_t i = 0; i < want.size(); ++i) {
        CAPTURE(f, i);
        if (i % 3 == 0) CHECK(got[i].empty());
        else CHECK(got[i] == want[i]);
      }
    }
  }
}
