// A classic pcap savefile's records read in large blocks straight from its
// file descriptor, for as long as each record is one libpcap would hand over
// unchanged.
//
// Why: libpcap reads a savefile with two fread(3)s per record, through the
// stdio buffer into its own; with the kernel's copy into stdio that was
// about a seventh of `netlab capture -r`'s time on a lab mix. Here the
// kernel copies half a megabyte at a time into one buffer and a record's bytes
// are used where they landed. (A memory map was tried first: on this
// project's paravirtualised machines its page faults cost more than the
// copies they save, 285 ms against 334 ms of CPU on bench/'s 300k mix.)
//
// Why it stays exact: this reader serves only pcap 2.4 files with the
// standard magic (micro- or nanosecond, either byte order), and only records
// whose header and data are whole and whose caplen is within the snapshot
// length. At the first record that is anything else (truncated, oversized, a
// file that ends mid-header, a read error), it stops; the caller seeks the
// FILE libpcap reads to position() and libpcap goes on from there, with its
// own checks, errors and repairs.
//
// A file larger than a few blocks is read ahead by a second thread: the
// kernel's copy of the next block (a tenth of a lab capture's decode) runs
// while this thread decodes the current one. Each block lands after room for
// one record, where the unread end of the previous block is copied, so a
// record is always whole in one buffer. The same records, the same hand-over.
#pragma once

#include <pcap/pcap.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>

namespace netlab {

class SavefileReader {
 public:
  // The reader of FILE's file, which libpcap has just opened as P (its file
  // header read): nullopt when the file is not one this reader serves
  // (a pipe, pcapng, another version or magic). A large file is read ahead
  // by a second thread unless read_ahead is false.
  static std::optional<SavefileReader> open(FILE* f, pcap_t* p, bool read_ahead = true);
  // Whether FD's file starts like one open() may serve (a regular file with
  // a pcap 2.4 header of the standard magic): read before libpcap opens it,
  // to size stdio's buffer.
  static bool may_serve(int fd) noexcept;

  // The next record into H and DATA (valid until the next call), or false:
  // the end of what this reader serves, where libpcap takes over.
  bool next(pcap_pkthdr& h, const u_char*& data);
  // The file offset of the first record next() has not returned.
  std::uint64_t position() const noexcept { return offset_ + pos_; }

  SavefileReader(SavefileReader&&) noexcept;
  SavefileReader& operator=(SavefileReader&&) noexcept;
  ~SavefileReader();  // stops and joins the read-ahead thread

 private:
  struct ReadAhead;
  SavefileReader();
  // Keeps the unread bytes and reads more after them; false at the end of
  // the file or on an error (libpcap, reading the same bytes, reports it).
  bool refill();
  bool refill_ahead();  // the same from the read-ahead thread's next block
  void start_read_ahead();  // or, when no thread can be made, the plain buffer
  enum class Scale { Same, MicroToNano, NanoToMicro };
  int fd_ = -1;  // libpcap's FILE's descriptor, read with pread(2)
  std::unique_ptr<unsigned char[]> buf_;  // kBlock bytes, not zero-filled (no read-ahead)
  std::unique_ptr<ReadAhead> ahead_;      // the read-ahead thread and its buffers, or null
  unsigned char* base_ = nullptr;         // the buffer being read: buf_ or one of ahead_'s
  std::size_t pos_ = 0, end_ = 0;  // unread bytes: base_[pos_, end_)
  std::uint64_t offset_ = 0;       // the file offset of base_[0]
  bool read_ahead_ = false;        // a large file: start the thread at the first read
  std::uint32_t max_caplen_ = 0;
  std::uint32_t frac_limit_ = 0;  // one second in the file's unit
  bool swapped_ = false;
  Scale scale_ = Scale::Same;
};

}  // namespace netlab
