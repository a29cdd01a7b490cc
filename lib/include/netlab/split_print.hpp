// A file's packets printed by two threads, in order, with exactly the text
// one PacketPrinter would print.
//
// Why: on a machine with two cores, reading a capture file is bound by one
// core. Each thread here reads the whole file and decodes every packet (the
// state kept between packets, such as TCP's first sequence numbers, ISAKMP
// cookies, RPC xids, the count and the previous timestamp, must be what one
// printer would have), but writes the text of every other run of packets;
// the runs go to the sink in order. Nothing about a packet crosses from one
// thread to the other. A queue of decoded packets from one thread to a
// writing one was tried first: on this project's machines each packet's
// lines moving between cores tripled the CPU time.
//
// How it fits: the caller opens the same file twice (Capture::open with the
// same options, read_ahead off) and makes one PacketPrinter for each, with
// the same options; print_split() runs the second on a thread of its own and
// the first on the caller's.
#pragma once

#include <netlab/capture.hpp>
#include <netlab/error.hpp>
#include <netlab/export.hpp>
#include <netlab/packet.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

namespace netlab {

struct SplitPrintOptions {
  std::uint64_t count = 0;  // stop after this many packets, as Capture::run (0: no limit)
  // A run ends after this many packets, or once its packets' captured bytes
  // reach run_bytes (the text waiting for its turn stays bounded).
  std::size_t run_packets = 4096;
  std::size_t run_bytes = std::size_t{1} << 20;
};

// Whether print_split() may read options' file: a regular file (a pipe
// cannot be read twice), only printed (no -w), by a process that may run
// on two CPUs or more (its affinity: taskset, cpusets).
NETLAB_API bool can_split(const CaptureOptions& options);

// Called with the text in order, a run at a time; false stops both threads.
using SplitSink = std::function<bool(std::string_view text)>;

// Prints first's packets (second is the same file) through the two printers
// to sink. Returns first's Capture::run result, or second's error when first
// had none. When the second thread's reading ended early (its file changed
// under it), printing stops at the first run it did not write.
// Throws std::system_error when no thread can be made (nothing was read).
NETLAB_API Result<void> print_split(Capture& first, PacketPrinter& first_printer, Capture& second,
                                    PacketPrinter& second_printer, const SplitSink& sink,
                                    const SplitPrintOptions& options = {});

}  // namespace netlab
