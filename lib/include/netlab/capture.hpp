// Packet capture: live from an interface (in the caller's or a chosen
// network namespace) or offline from a pcap/pcapng file; optional BPF
// filter compiled by libpcap; optional pcap writer. No libpcap type appears
// here: the handle lives behind a pointer in lib/src/capture/.
//
// How it fits: Capture::open() makes the source (live or file), run() hands
// each packet's bytes and PacketMeta (packet.hpp) to a callback, which
// usually decodes them with decode() and prints them with print_packet() or
// packet_json(). Capture owns the libpcap handle, the compiled filter and the
// writer; they are closed when the Capture is destroyed. One Capture is used
// by one thread at a time; only stop() may be called from elsewhere (a signal
// handler or another thread).
#pragma once

#include <netlab/error.hpp>
#include <netlab/export.hpp>
#include <netlab/netns.hpp>
#include <netlab/packet.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

namespace netlab {

// Where to capture from and how; tcpdump's options under their own names.
struct CaptureOptions {
  std::string interface;   // live capture on this interface...
  std::string read_file;   // ...or read this pcap/pcapng file ("-" for stdin)
  std::string write_file;  // also (or only) write packets here as pcap ("-" for stdout)
  std::string filter;      // BPF expression, libpcap syntax
  int snaplen = 262144;
  int buffer_kib = 0;      // 0: libpcap's default
  bool promiscuous = true;
  bool immediate = false;
  bool nano = false;       // nanosecond timestamps
  // A large file is read ahead by a second thread. Off for a caller that
  // runs its own threads on the file (print_split()): on two cores a third
  // thread would cost more than it saves.
  bool read_ahead = true;
  Netns netns;             // the namespace a live capture runs in
};

// Counters for tcpdump's closing lines.
struct CaptureStats {
  std::uint64_t captured = 0;  // packets handed to the callback
  std::uint64_t received = 0;  // "received by filter" (pcap_stats ps_recv)
  std::uint64_t dropped = 0;   // "dropped by kernel" (ps_drop)
  bool live = false;           // received/dropped are meaningful
};

// An open capture source (and optional writer). Move-only; destroying it
// closes the libpcap handle and flushes and closes the writer.
class NETLAB_API Capture {
 public:
  // Opens the source, compiles and sets the filter, opens the writer.
  // A live capture enters options.netns only to create its packet socket,
  // which stays bound there; an empty interface means "any". Errors: the
  // namespace-entry errors of error.hpp; NotFound "interface X: No such
  // device"; Pcap "Operation not permitted" with the hint "needs CAP_NET_RAW:
  // run as root"; other Pcap errors with libpcap's text (object "interface X"
  // or "file F"); Usage for a filter libpcap cannot compile (its message as
  // the reason); Pcap when the output file cannot be opened.
  static Result<Capture> open(const CaptureOptions& options);
  Capture(Capture&&) noexcept;
  Capture& operator=(Capture&&) noexcept;
  ~Capture();

  // The source's DLT_* link type (DLT_EN10MB for Ethernet) and snap length.
  int linktype() const noexcept;
  std::string linktype_name() const;         // "EN10MB"
  std::string linktype_description() const;  // "Ethernet"
  int snaplen() const noexcept;

  // Calls on_packet for each packet (and writes it when -w) until count
  // packets (0: no limit), the end of the file, an error or stop().
  // on_packet returns false to stop.
  // The span points into libpcap's buffer and is valid only during that call:
  // copy the bytes to keep them. The callback runs on the calling thread; an
  // exception must not leave it (it is called from inside libpcap). A stop
  // (callback, stop(), count reached, end of file) is success; a read error
  // is a Pcap error naming the interface or file. The writer is flushed on
  // return. run() may be called again after it returned.
  using Callback = std::function<bool(const PacketMeta&, std::span<const std::uint8_t>)>;
  Result<void> run(std::uint64_t count, const Callback& on_packet);
  // Async-signal-safe: pcap_breakloop on the active handle.
  void stop() noexcept;
  // Flushes the writer (for -w with -U style use).
  void flush_writer() noexcept;
  // Counters so far; received/dropped only for a live capture.
  CaptureStats stats() const;

 private:
  struct Impl;
  explicit Capture(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace netlab
