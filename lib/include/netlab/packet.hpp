// Packet decoding and printing: tcpdump 4.99.3's text, byte for byte, for
// Ethernet, 802.1Q/QinQ, ARP/RARP, IPv4, IPv6 (+ extension headers), ICMP,
// ICMPv6, TCP and UDP over Ethernet, Linux cooked (SLL, SLL2), raw IP and
// BSD loopback; or one JSON object per packet from the same decoded model.
//
// The decoders read every byte through one bounds-checked reader and never
// look past the captured length; no libpcap type appears here.
//
// How it fits: capture.hpp's Capture (or any source of bytes, such as a test
// array) hands each packet's PacketMeta and bytes to a PacketPrinter, which
// decodes and appends the text or JSON to a caller's string. The printer
// never fails: a truncated packet prints tcpdump's " [|proto]", an
// inconsistent one " (invalid)", and a decoder bug costs only that packet's
// detail. Pure computation: no privilege, no namespace, no system calls
// except localtime_r for the default and -tttt timestamps.
#pragma once

#include <netlab/export.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace netlab {

// tcpdump's -t family of options.
enum class TimestampStyle : std::uint8_t {
  Default,      // HH:MM:SS.frac (local time)
  None,         // -t
  Epoch,        // -tt
  Delta,        // -ttt: since the previous packet
  Date,         // -tttt: YYYY-MM-DD HH:MM:SS.frac
  SinceFirst,   // -ttttt
};

enum class HexStyle : std::uint8_t { None, Hex, HexLink, HexAscii, HexAsciiLink };  // -x -xx -X -XX

// tcpdump's output options under their own names.
struct PrintOptions {
  int verbose = 0;            // -v count
  bool link_header = false;   // -e
  bool quiet = false;         // -q
  bool absolute_seq = false;  // -S
  bool numbers = false;       // -#: packet numbers
  bool json = false;          // -j: one JSON object per line
  TimestampStyle ts = TimestampStyle::Default;
  HexStyle hex = HexStyle::None;
};

// What libpcap's pcap_pkthdr says about one packet.
struct PacketMeta {
  std::int64_t sec = 0;
  std::uint32_t frac = 0;  // microseconds, or nanoseconds when nano
  bool nano = false;
  std::uint32_t caplen = 0;  // bytes captured (the span's size)
  std::uint32_t len = 0;     // bytes on the wire
};

// Prints packets of one link type; keeps the state tcpdump keeps between
// packets (TCP initial sequence numbers, previous timestamp, packet count).
// Move-only; not thread-safe (one printer per capture, used by one thread).
// For a linktype outside linktype_supported() each packet decodes as raw
// link-layer data (one unknown layer holding the bytes), never an error.
class NETLAB_API PacketPrinter {
 public:
  // linktype is the DLT_* of the source (Capture::linktype()); interface is
  // the name shown in JSON output ("" for none).
  PacketPrinter(PrintOptions options, int linktype, std::string interface = {});
  ~PacketPrinter();
  PacketPrinter(PacketPrinter&&) noexcept;
  PacketPrinter& operator=(PacketPrinter&&) noexcept;
  PacketPrinter(const PacketPrinter&) = delete;
  PacketPrinter& operator=(const PacketPrinter&) = delete;

  // Appends the packet's text (or JSON line), newline included, to out.
  // bytes is read during the call only (its size is meta.caplen); nothing
  // keeps a pointer into it afterwards. Never throws for bad input.
  void print(const PacketMeta& meta, std::span<const std::uint8_t> bytes, std::string& out);
  // print() without the text: decodes the packet and moves on every state
  // print() keeps (TCP sequence numbers, the count, the previous timestamp),
  // so that the next packet prints as it would after print(). For printers
  // that share a file's packets (print_split() in split_print.hpp).
  void pass(const PacketMeta& meta, std::span<const std::uint8_t> bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True for the link types the decoder understands (DLT_* values).
NETLAB_API bool linktype_supported(int dlt) noexcept;

}  // namespace netlab
