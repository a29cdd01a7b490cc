// A classic pcap savefile read in place from a memory map, record by record,
// for as long as each record is one libpcap would hand over unchanged.
//
// Why: libpcap reads a savefile with two fread(3)s per record, through the
// stdio buffer into its own: on a lab mix that copying was about a seventh of
// `netlab capture -r`'s time. Here a record's bytes are where the kernel's
// page cache mapped them.
//
// Why it stays exact: this reader serves only pcap 2.4 files with the
// standard magic (micro- or nanosecond, either byte order), and only records
// whose header and data are whole and whose caplen is within the snapshot
// length. At the first record that is anything else (truncated, oversized, a
// file that ends mid-header), it stops; the caller seeks the FILE libpcap
// reads to position() and libpcap goes on from there, with its own checks,
// errors and repairs. A file that grows while it is read is read by libpcap
// past the end mapped at open.
#pragma once

#include <pcap/pcap.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>

namespace netlab {

class MappedSavefile {
 public:
  // The map of FILE's file, which libpcap has just opened as P (its file
  // header read): nullopt when the file is not one this reader serves
  // (a pipe, pcapng, another version or magic, an empty file).
  static std::optional<MappedSavefile> open(FILE* f, pcap_t* p);

  MappedSavefile(MappedSavefile&& o) noexcept;
  MappedSavefile& operator=(MappedSavefile&&) = delete;
  MappedSavefile(const MappedSavefile&) = delete;
  MappedSavefile& operator=(const MappedSavefile&) = delete;
  ~MappedSavefile();

  // The next record into H and DATA (pointing into the map), or false: the
  // end of what this reader serves, where libpcap takes over.
  bool next(pcap_pkthdr& h, const u_char*& data) noexcept;
  // The file offset of the first record next() has not returned.
  std::size_t position() const noexcept { return pos_; }

 private:
  MappedSavefile() = default;
  enum class Scale { Same, MicroToNano, NanoToMicro };
  const unsigned char* base_ = nullptr;
  std::size_t size_ = 0;
  std::size_t pos_ = 0;
  std::uint32_t max_caplen_ = 0;
  std::uint32_t frac_limit_ = 0;  // one second in the file's unit
  bool swapped_ = false;
  Scale scale_ = Scale::Same;
};

}  // namespace netlab
