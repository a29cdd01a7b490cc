#include "capture/mapped_savefile.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include <sys/mman.h>
#include <sys/stat.h>

namespace netlab {
namespace {

constexpr std::uint32_t kMagicMicro = 0xa1b2c3d4, kMagicNano = 0xa1b23c4d;
constexpr std::size_t kFileHeader = 24, kRecordHeader = 16;
// The largest caplen served here: libpcap's limit for every link type below
// (a record above it gets libpcap's own error).
constexpr std::uint32_t kMaxCaplen = 262144;

std::uint32_t load32(const unsigned char* p, bool swapped) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return swapped ? __builtin_bswap32(v) : v;
}

// Link types libpcap hands over as they are in the file. It rewrites some
// others after reading (USB's and NFLOG's headers in a byte-swapped file,
// the length of mmapped USB), which a read-only map cannot do: those stay
// with libpcap.
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

std::optional<MappedSavefile> MappedSavefile::open(FILE* f, pcap_t* p) {
  if (pcap_major_version(p) != 2 || pcap_minor_version(p) != 4) return std::nullopt;
  if (!passes_unchanged(pcap_datalink(p)) || pcap_snapshot(p) <= 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  const long at = std::ftell(f);
  if (at != static_cast<long>(kFileHeader) || st.st_size <= static_cast<off_t>(kFileHeader)) return std::nullopt;
  const auto size = static_cast<std::size_t>(st.st_size);
  void* m = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fileno(f), 0);
  if (m == MAP_FAILED) return std::nullopt;
  MappedSavefile s;
  s.base_ = static_cast<const unsigned char*>(m);
  s.size_ = size;
  s.pos_ = kFileHeader;
  s.swapped_ = pcap_is_swapped(p) != 0;
  const std::uint32_t magic = load32(s.base_, s.swapped_);
  if (magic != kMagicMicro && magic != kMagicNano) return std::nullopt;  // s unmaps
  const bool file_nano = magic == kMagicNano;
  const bool want_nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
  s.scale_ = file_nano == want_nano ? Scale::Same : want_nano ? Scale::MicroToNano : Scale::NanoToMicro;
  s.max_caplen_ = std::min(static_cast<std::uint32_t>(pcap_snapshot(p)), kMaxCaplen);
  s.frac_limit_ = file_nano ? 1000000000u : 1000000u;
  ::madvise(m, size, MADV_SEQUENTIAL);
  return s;
}

MappedSavefile::MappedSavefile(MappedSavefile&& o) noexcept
    : base_(std::exchange(o.base_, nullptr)),
      size_(o.size_),
      pos_(o.pos_),
      max_caplen_(o.max_caplen_),
      frac_limit_(o.frac_limit_),
      swapped_(o.swapped_),
      scale_(o.scale_) {}

MappedSavefile::~MappedSavefile() {
  if (base_) ::munmap(const_cast<unsigned char*>(base_), size_);
}

bool MappedSavefile::next(pcap_pkthdr& h, const u_char*& data) noexcept {
  if (size_ - pos_ < kRecordHeader) return false;
  const unsigned char* r = base_ + pos_;
  const std::uint32_t sec = load32(r, swapped_), frac = load32(r + 4, swapped_);
  const std::uint32_t caplen = load32(r + 8, swapped_), len = load32(r + 12, swapped_);
  if (caplen > max_caplen_ || caplen > size_ - pos_ - kRecordHeader) return false;
  // Timestamps whose reading depends on signedness or overflow in libpcap's
  // conversion are left to libpcap.
  if (sec > 0x7fffffffu || frac >= frac_limit_) return false;
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
