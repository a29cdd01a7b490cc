// Internal: the big-endian writers of the frame builders and the MAC reader
// of the light parsers (frames.cpp, frames6.cpp; the test guest builds its
// BPDU with the same writers).
#pragma once

#include <netlab/types.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace netlab::frames::detail {

inline void put(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}
inline void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xff));
}
inline void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v >> 16));
  put16(out, static_cast<std::uint16_t>(v & 0xffff));
}

// The MAC address in the first 6 bytes of `b`, which must hold them.
inline MacAddr mac_from(std::span<const std::uint8_t> b) {
  std::array<std::uint8_t, 6> a{};
  std::copy_n(b.begin(), 6, a.begin());
  return MacAddr(a);
}

}  // namespace netlab::frames::detail
