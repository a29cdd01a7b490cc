// print_split(): see netlab/split_print.hpp. Two sides, each a Capture and
// a PacketPrinter on one thread; side 0 writes runs 0, 2, 4..., side 1 runs
// 1, 3, 5... A side waits for its run's turn only once a run is whole.
#include <netlab/split_print.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <string>
#include <thread>

#include <sched.h>
#include <sys/stat.h>

namespace netlab {
namespace {

constexpr std::uint64_t kRunning = std::numeric_limits<std::uint64_t>::max();

// What the two sides share: whose run goes next, and how each ended. On a
// cache line of its own, away from the sides' per-packet counters.
struct alignas(64) Turns {
  std::mutex mu;
  std::condition_variable cv;
  std::uint64_t turn = 0;   // the run whose text goes to the sink next
  bool stop = false;        // the sink said no, or a side cannot go on
  bool ended[2] = {false, false};  // the side's capture returned and its last run went out
  // Side 0's packet count when its capture returned: side 1 goes no
  // further (side 0 may have stopped early, on a signal).
  std::atomic<std::uint64_t> first_end{kRunning};
  std::atomic<bool> stopped{false};  // stop, for a lock-free look per packet
};

// Aligned: the two sides live side by side and write their counters every
// packet; on one cache line, that line's trips between the cores cost the
// threads more than they saved (the whole run took 30% longer than one
// thread).
class alignas(64) Side {
 public:
  Side(Turns& t, int me, PacketPrinter& printer, const SplitSink& sink, const SplitPrintOptions& o)
      : t_(t), me_(me), printer_(printer), sink_(sink), run_packets_(std::max<std::size_t>(o.run_packets, 1)),
        run_bytes_(std::max<std::size_t>(o.run_bytes, 1)) {}

  // Capture::run's callback.
  bool packet(const PacketMeta& m, std::span<const std::uint8_t> bytes) {
    if (t_.stopped.load(std::memory_order_relaxed)) return false;
    if (me_ == 1 && seen_ >= t_.first_end.load(std::memory_order_relaxed)) return false;
    const bool mine = run_ % 2 == static_cast<std::uint64_t>(me_);
    if (mine) printer_.print(m, bytes, text_);
    else printer_.pass(m, bytes);
    ++seen_;
    ++in_run_;
    bytes_in_run_ += bytes.size();
    if (in_run_ < run_packets_ && bytes_in_run_ < run_bytes_) return true;
    // Both sides see the same packets, so they cut the runs at the same ones.
    const std::uint64_t done = run_++;
    in_run_ = 0;
    bytes_in_run_ = 0;
    return mine ? hand(done) : true;
  }

  // After the capture returned: the last run if it is this side's, then the
  // end, which releases a side waiting for a run this one will not write.
  void end() {
    if (in_run_ > 0 && run_ % 2 == static_cast<std::uint64_t>(me_)) hand(run_);
    std::lock_guard<std::mutex> lock(t_.mu);
    t_.ended[me_] = true;
    t_.cv.notify_all();
  }

  std::uint64_t seen() const noexcept { return seen_; }

 private:
  // Writes run's text when its turn comes; false to stop reading.
  bool hand(std::uint64_t run) {
    std::unique_lock<std::mutex> lock(t_.mu);
    // Each side writes its runs in order and ends only after its last one,
    // so the turn's owner always comes, or ends.
    t_.cv.wait(lock, [&] { return t_.turn == run || t_.stop || t_.ended[1 - me_]; });
    if (t_.stop || t_.turn != run) {  // the other side ended before writing its run: stop here
      halt();
      return false;
    }
    lock.unlock();  // only the turn's holder writes
    bool ok = sink_(text_);
    text_.clear();
    lock.lock();
    t_.turn = run + 1;
    if (!ok) halt();
    t_.cv.notify_all();
    return ok;
  }

  void halt() {  // t_.mu held
    t_.stop = true;
    t_.stopped.store(true, std::memory_order_relaxed);
    t_.cv.notify_all();
  }

  Turns& t_;
  const int me_;
  PacketPrinter& printer_;
  const SplitSink& sink_;
  const std::size_t run_packets_, run_bytes_;
  std::string text_;  // this side's run, until its turn
  std::uint64_t seen_ = 0, run_ = 0;
  std::size_t in_run_ = 0, bytes_in_run_ = 0;
};

// Runs a side's capture; an exception from the callback (std::bad_alloc)
// must not cross libpcap: it stops both sides and is rethrown after.
Result<void> run_side(Capture& cap, Side& side, Turns& t, std::uint64_t count, std::exception_ptr& thrown) {
  Result<void> r = cap.run(count, [&](const PacketMeta& m, std::span<const std::uint8_t> bytes) {
    try {
      return side.packet(m, bytes);
    } catch (...) {
      thrown = std::current_exception();
      std::lock_guard<std::mutex> lock(t.mu);
      t.stop = true;
      t.stopped.store(true, std::memory_order_relaxed);
      t.cv.notify_all();
      return false;
    }
  });
  return r;
}

}  // namespace

// The CPUs this process may run on (taskset, a cpuset), not the machine's:
// on one CPU the second side's decoding would only add to the time.
int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return CPU_COUNT(&set);
}

bool can_split(const CaptureOptions& o) {
  struct stat st {};
  return !o.read_file.empty() && o.read_file != "-" && o.write_file.empty() && usable_cpus() > 1 &&
         ::stat(o.read_file.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Result<void> print_split(Capture& first, PacketPrinter& first_printer, Capture& second,
                         PacketPrinter& second_printer, const SplitSink& sink, const SplitPrintOptions& options) {
  Turns t;
  Side side0(t, 0, first_printer, sink, options);
  Side side1(t, 1, second_printer, sink, options);
  std::exception_ptr thrown0, thrown1;
  Result<void> r1;
  std::thread other([&] {
    r1 = run_side(second, side1, t, options.count, thrown1);
    side1.end();
  });
  Result<void> r0 = run_side(first, side0, t, options.count, thrown0);
  t.first_end.store(side0.seen(), std::memory_order_relaxed);
  side0.end();
  other.join();
  if (thrown0) std::rethrow_exception(thrown0);
  if (thrown1) std::rethrow_exception(thrown1);
  if (!r0) return r0;
  return r1;
}

}  // namespace netlab
