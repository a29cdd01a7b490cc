#include "capture/savefile_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

namespace netlab {
namespace {

constexpr std::uint32_t kMagicMicro = 0xa1b2c3d4, kMagicNano = 0xa1b23c4d;
constexpr std::size_t kFileHeader = 24, kRecordHeader = 16;
// The largest caplen served here: libpcap's limit for every link type below
// (a record above it gets libpcap's own error).
constexpr std::uint32_t kMaxCaplen = 262144;
// A read's size: large enough that read(2)'s cost per call vanishes, small
// enough that first touching its pages costs little; always more than a
// whole record.
constexpr std::size_t kBlock = std::size_t(1) << 19;
static_assert(kBlock >= kRecordHeader + kMaxCaplen);
// Read-ahead: files above this size, three buffers of a block each, after
// room for the unread end of the previous block (less than one record).
constexpr std::uint64_t kReadAheadAbove = 4 * kBlock;
constexpr std::size_t kCarry = kRecordHeader + kMaxCaplen;
constexpr std::size_t kBuffers = 3;

std::uint32_t load32(const unsigned char* p, bool swapped) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return swapped ? __builtin_bswap32(v) : v;
}

// Link types libpcap hands over as they are in the file. It rewrites some
// others after reading (USB's and NFLOG's headers in a byte-swapped file,
// the length of mmapped USB): those stay with libpcap.
bool passes_unchanged(int linktype) noexcept {
  switch (linktype) {
    case DLT_NULL:
    case DLT_EN10MB:
    case DLT_RAW:
    case DLT_LOOP:
    case DLT_LINUX_SLL:
    case 276:  // DLT_LINUX_SLL2
    case 228:  // DLT_IPV4
    case 229:  // DLT_IPV6
      return true;
    default:
      return false;
  }
}

}  // namespace

bool SavefileReader::may_serve(int fd) noexcept {
  struct stat st {};
  unsigned char head[kFileHeader];
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  if (::pread(fd, head, sizeof head, 0) != static_cast<ssize_t>(sizeof head)) return false;
  for (bool swapped : {false, true}) {
    const std::uint32_t magic = load32(head, swapped);
    if (magic != kMagicMicro && magic != kMagicNano) continue;
    const std::uint32_t version = load32(head + 4, false);  // two 16-bit fields
    const unsigned major = swapped ? __builtin_bswap16(static_cast<std::uint16_t>(version))
                                   : static_cast<std::uint16_t>(version);
    const unsigned minor = swapped ? __builtin_bswap16(static_cast<std::uint16_t>(version >> 16))
                                   : static_cast<std::uint16_t>(version >> 16);
    return major == 2 && minor == 4;
  }
  return false;
}

std::optional<SavefileReader> SavefileReader::open(FILE* f, pcap_t* p, bool read_ahead) {
  if (pcap_major_version(p) != 2 || pcap_minor_version(p) != 4) return std::nullopt;
  if (!passes_unchanged(pcap_datalink(p)) || pcap_snapshot(p) <= 0) return std::nullopt;
  const int fd = fileno(f);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  if (std::ftell(f) != static_cast<long>(kFileHeader)) return std::nullopt;
  unsigned char head[4];
  if (::pread(fd, head, sizeof head, 0) != static_cast<ssize_t>(sizeof head)) return std::nullopt;
  SavefileReader s;
  s.fd_ = fd;
  s.swapped_ = pcap_is_swapped(p) != 0;
  const std::uint32_t magic = load32(head, s.swapped_);
  if (magic != kMagicMicro && magic != kMagicNano) return std::nullopt;
  const bool file_nano = magic == kMagicNano;
  const bool want_nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
  s.scale_ = file_nano == want_nano ? Scale::Same : want_nano ? Scale::MicroToNano : Scale::NanoToMicro;
  s.max_caplen_ = std::min(static_cast<std::uint32_t>(pcap_snapshot(p)), kMaxCaplen);
  s.frac_limit_ = file_nano ? 1000000000u : 1000000u;
  s.offset_ = kFileHeader;
  // The thread starts at the first read, not here: nothing runs beside the
  // caller until it reads (it may still drop privileges, as tcpdump -Z does).
  s.read_ahead_ = read_ahead && static_cast<std::uint64_t>(st.st_size) > kReadAheadAbove;
  if (!s.read_ahead_) {
    s.buf_.reset(new unsigned char[kBlock]);
    s.base_ = s.buf_.get();
  }
  return s;
}

// The thread's side: it reads blocks in file order into free buffers and
// queues them; a read of 0 bytes (the end) or an error ends it.
struct SavefileReader::ReadAhead {
  struct Block {
    std::unique_ptr<unsigned char[]> mem;  // kCarry + kBlock bytes
    std::size_t n = 0;                     // bytes read at mem + kCarry
    std::uint64_t offset = 0;              // their file offset
  };
  std::mutex lock;
  std::condition_variable changed;
  std::deque<Block*> free, full;  // full in file order
  bool done = false;              // the thread has queued its last block
  bool stop = false;
  Block blocks[kBuffers];
  Block* current = nullptr;  // the reader's, in neither queue
  std::thread thread;

  void run(int fd, std::uint64_t offset) {
    for (;;) {
      Block* b = nullptr;
      {
        std::unique_lock<std::mutex> held(lock);
        changed.wait(held, [&] { return stop || !free.empty(); });
        if (stop) return;
        b = free.front();
        free.pop_front();
      }
      ssize_t n;
      do n = ::pread(fd, b->mem.get() + kCarry, kBlock, static_cast<off_t>(offset));
      while (n < 0 && errno == EINTR);
      b->n = n > 0 ? static_cast<std::size_t>(n) : 0;
      b->offset = offset;
      offset += b->n;
      std::lock_guard<std::mutex> held(lock);
      full.push_back(b);
      if (b->n == 0) done = true;  // the end, or an error libpcap will meet too
      changed.notify_all();
      if (done) return;
    }
  }
};

void SavefileReader::start_read_ahead() {
  auto a = std::make_unique<ReadAhead>();
  for (auto& b : a->blocks) {
    b.mem.reset(new unsigned char[kCarry + kBlock]);
    a->free.push_back(&b);
  }
  try {
    a->thread = std::thread([raw = a.get(), fd = fd_, off = offset_ + end_] { raw->run(fd, off); });
  } catch (const std::system_error&) {
    // No thread to be had: read in this one.
    buf_.reset(new unsigned char[kBlock]);
    base_ = buf_.get();
    return;
  }
  ahead_ = std::move(a);
}

SavefileReader::SavefileReader() = default;
SavefileReader::SavefileReader(SavefileReader&&) noexcept = default;
SavefileReader& SavefileReader::operator=(SavefileReader&&) noexcept = default;

SavefileReader::~SavefileReader() {
  if (!ahead_) return;
  {
    std::lock_guard<std::mutex> held(ahead_->lock);
    ahead_->stop = true;
    ahead_->changed.notify_all();
  }
  ahead_->thread.join();
}

bool SavefileReader::refill_ahead() {
  ReadAhead& a = *ahead_;
  ReadAhead::Block* next = nullptr;
  {
    std::unique_lock<std::mutex> held(a.lock);
    a.changed.wait(held, [&] { return !a.full.empty(); });  // the thread always queues a last block
    if (a.full.front()->n == 0) return false;  // kept queued: every later call ends here too
    next = a.full.front();
    a.full.pop_front();
  }
  // The unread bytes (less than one record) go just before the new block,
  // whose first byte follows them in the file.
  const std::size_t left = end_ - pos_;
  unsigned char* mem = next->mem.get();
  if (left) std::memcpy(mem + kCarry - left, base_ + pos_, left);
  {
    std::lock_guard<std::mutex> held(a.lock);
    if (a.current) a.free.push_back(a.current);
    a.changed.notify_all();
  }
  a.current = next;
  base_ = mem;
  pos_ = kCarry - left;
  end_ = kCarry + next->n;
  // The offset of mem[0], which lies before the file's start for the first
  // block: unsigned arithmetic, exact again in position() = offset_ + pos_.
  offset_ = next->offset - kCarry;
  return true;
}

bool SavefileReader::refill() {
  if (read_ahead_) {  // the first read of a large file
    read_ahead_ = false;
    start_read_ahead();
  }
  if (ahead_) return refill_ahead();
  const std::size_t left = end_ - pos_;
  if (pos_ > 0) {
    std::memmove(base_, base_ + pos_, left);
    offset_ += pos_;
    pos_ = 0;
    end_ = left;
  }
  while (end_ < kBlock) {
    const ssize_t n = ::pread(fd_, base_ + end_, kBlock - end_, static_cast<off_t>(offset_ + end_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    end_ += static_cast<std::size_t>(n);
    return true;
  }
  return false;
}

bool SavefileReader::next(pcap_pkthdr& h, const u_char*& data) {
  if (end_ - pos_ < kRecordHeader && (!refill() || end_ - pos_ < kRecordHeader)) return false;
  const unsigned char* r = base_ + pos_;
  const std::uint32_t sec = load32(r, swapped_), frac = load32(r + 4, swapped_);
  const std::uint32_t caplen = load32(r + 8, swapped_), len = load32(r + 12, swapped_);
  if (caplen > max_caplen_) return false;
  // Timestamps whose reading depends on signedness or overflow in libpcap's
  // conversion are left to libpcap.
  if (sec > 0x7fffffffu || frac >= frac_limit_) return false;
  while (end_ - pos_ < kRecordHeader + caplen)
    if (!refill()) return false;
  r = base_ + pos_;
  h.ts.tv_sec = static_cast<time_t>(sec);
  std::uint32_t f = frac;
  if (scale_ == Scale::MicroToNano) f *= 1000;
  else if (scale_ == Scale::NanoToMicro) f /= 1000;
  h.ts.tv_usec = static_cast<suseconds_t>(f);
  h.caplen = caplen;
  h.len = len;
  data = r + kRecordHeader;
  pos_ += kRecordHeader + caplen;
  return true;
}

}  // namespace netlab
