// The one way packet bytes are read. Every accessor checks the captured
// length first and throws Truncated when the bytes are not there; the
// exception is caught once per packet by the decoder driver (decode.cpp),
// never crosses the library's API and never reads past the capture.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

namespace netlab::proto {

using Bytes = std::span<const std::uint8_t>;

// Thrown when a read needs bytes that were not captured.
struct Truncated {};

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(Bytes bytes) noexcept : rest_(bytes) {}

  std::size_t remaining() const noexcept { return rest_.size(); }
  bool has(std::size_t n) const noexcept { return n <= rest_.size(); }  // sizes, never pointers
  void require(std::size_t n) const {
    if (!has(n)) throw Truncated{};
  }
  Bytes rest() const noexcept { return rest_; }

  std::uint8_t u8() { return take(1)[0]; }
  std::uint16_t be16() {
    auto b = take(2);
    return static_cast<std::uint16_t>(b[0] << 8 | b[1]);
  }
  std::uint16_t le16() {
    auto b = take(2);
    return static_cast<std::uint16_t>(b[1] << 8 | b[0]);
  }
  std::uint32_t be24() {
    auto b = take(3);
    return std::uint32_t(b[0]) << 16 | std::uint32_t(b[1]) << 8 | b[2];
  }
  std::uint32_t be32() {
    auto b = take(4);
    return std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 | b[3];
  }
  std::uint32_t le32() {
    auto b = take(4);
    return std::uint32_t(b[3]) << 24 | std::uint32_t(b[2]) << 16 | std::uint32_t(b[1]) << 8 | b[0];
  }
  Bytes bytes(std::size_t n) { return take(n); }
  void skip(std::size_t n) { take(n); }

  // Peeks without consuming; still bounds-checked.
  std::uint8_t peek8(std::size_t at) const {
    require(at + 1);
    return rest_[at];
  }
  std::uint16_t peek16(std::size_t at) const {
    require(at + 2);
    return static_cast<std::uint16_t>(rest_[at] << 8 | rest_[at + 1]);
  }

  // A reader over at most the next n bytes (a layer clamped to its stated
  // length); this reader is not advanced.
  ByteReader clamp(std::size_t n) const noexcept { return ByteReader{rest_.first(std::min(n, rest_.size()))}; }
  // Drops everything after the first n bytes (e.g. Ethernet padding after
  // the IPv4 total length).
  void limit(std::size_t n) noexcept { rest_ = rest_.first(std::min(n, rest_.size())); }

 private:
  Bytes take(std::size_t n) {
    require(n);
    auto head = rest_.first(n);
    rest_ = rest_.subspan(n);
    return head;
  }
  Bytes rest_;
};

// Bytes at [off, off+n) of a span, or Truncated.
inline Bytes sub(Bytes b, std::size_t off, std::size_t n) {
  if (off > b.size() || n > b.size() - off) throw Truncated{};
  return b.subspan(off, n);
}

// Big-endian fields at an offset of a span, or Truncated.
inline std::uint16_t be16_at(Bytes b, std::size_t off) {
  auto x = sub(b, off, 2);
  return static_cast<std::uint16_t>(x[0] << 8 | x[1]);
}
inline std::uint32_t be32_at(Bytes b, std::size_t off) {
  auto x = sub(b, off, 4);
  return std::uint32_t(x[0]) << 24 | std::uint32_t(x[1]) << 16 | std::uint32_t(x[2]) << 8 | x[3];
}

}  // namespace netlab::proto
