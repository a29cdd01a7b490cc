#include "capture/savefile_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

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

std::optional<SavefileReader> SavefileReader::open(FILE* f, pcap_t* p) {
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
  s.buf_.reset(new unsigned char[kBlock]);
  return s;
}

bool SavefileReader::refill() {
  const std::size_t left = end_ - pos_;
  if (pos_ > 0) {
    std::memmove(buf_.get(), buf_.get() + pos_, left);
    offset_ += pos_;
    pos_ = 0;
    end_ = left;
  }
  while (end_ < kBlock) {
    const ssize_t n = ::pread(fd_, buf_.get() + end_, kBlock - end_, static_cast<off_t>(offset_ + end_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    end_ += static_cast<std::size_t>(n);
    return true;
  }
  return false;
}

bool SavefileReader::next(pcap_pkthdr& h, const u_char*& data) {
  if (end_ - pos_ < kRecordHeader && (!refill() || end_ - pos_ < kRecordHeader)) return false;
  const unsigned char* r = buf_.get() + pos_;
  const std::uint32_t sec = load32(r, swapped_), frac = load32(r + 4, swapped_);
  const std::uint32_t caplen = load32(r + 8, swapped_), len = load32(r + 12, swapped_);
  if (caplen > max_caplen_) return false;
  // Timestamps whose reading depends on signedness or overflow in libpcap's
  // conversion are left to libpcap.
  if (sec > 0x7fffffffu || frac >= frac_limit_) return false;
  while (end_ - pos_ < kRecordHeader + caplen)
    if (!refill()) return false;
  r = buf_.get() + pos_;
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
