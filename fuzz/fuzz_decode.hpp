// Shared body of the fuzz_decode_<linktype> targets.
//
// Input layout (the split script, split_corpus.py, writes seeds this way):
//   byte 0   option set: bits 0-1 -v count, bit 2 -e, bits 3-5 hex style
//            (mod 5), bit 6 json, bit 7 -q
//   byte 1   wire length: bit 7 clear -> caplen + value, set -> caplen - (value & 0x7f)
//            (a hostile pcap may claim fewer bytes on the wire than captured)
//   byte 2   link-type variant, for targets that cover several DLT values
//   rest     the frame, link-layer header first
// The frame goes through one PacketPrinter twice (new timestamp), so the
// state kept between packets (TCP bases, previous time) is exercised too.
#pragma once

#include <netlab/packet.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace netlab::fuzz {

inline constexpr std::size_t kDecodeHeader = 3;

inline PrintOptions decode_options(std::uint8_t sel, std::size_t size) {
  PrintOptions o;
  o.verbose = sel & 3;
  o.link_header = (sel >> 2) & 1;
  o.hex = static_cast<HexStyle>(((sel >> 3) & 7) % 5);
  o.json = (sel >> 6) & 1;
  o.quiet = (sel >> 7) & 1;
  o.ts = static_cast<TimestampStyle>(size % 6);
  o.absolute_seq = (size / 6) & 1;
  o.numbers = (size / 12) & 1;
  return o;
}

inline int decode_one(int dlt, const std::uint8_t* data, std::size_t size) {
  if (size < kDecodeHeader) return 0;
  std::span<const std::uint8_t> frame(data + kDecodeHeader, size - kDecodeHeader);
  PacketMeta meta;
  meta.sec = 1700000000;
  meta.frac = 123456;
  meta.caplen = static_cast<std::uint32_t>(frame.size());
  std::uint32_t d = data[1] & 0x7f;
  if (data[1] & 0x80) meta.len = meta.caplen > d ? meta.caplen - d : 0;
  else meta.len = meta.caplen + d;
  PacketPrinter printer(decode_options(data[0], size), dlt, "fuzz0");
  std::string out;
  printer.print(meta, frame, out);
  meta.sec += 1;
  meta.frac = 999999;
  printer.print(meta, frame, out);
  // Keep the output observable so nothing is optimised away.
  volatile std::size_t sink = out.size();
  (void)sink;
  return 0;
}

}  // namespace netlab::fuzz
