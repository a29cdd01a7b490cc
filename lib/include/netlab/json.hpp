// The one JSON serializer. Models are written through it by the renderers
// in render.hpp; it appends to a caller's string so a long listing can be
// flushed in chunks instead of built whole.
//
// The writer borrows the caller's string: it must outlive the JsonWriter,
// and the caller may take (and clear) what was appended between values. It
// does not check the structure it is driven through (a value without a key
// inside an object gives invalid JSON); complete() tells whether every open
// container was closed. Nothing here fails or allocates outside `out`; one
// writer is for one thread.
#pragma once

#include <netlab/export.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace netlab {

// Compact by default (`ip -j`); pretty indents by four spaces (`ip -j -p`).
class NETLAB_API JsonWriter {
 public:
  explicit JsonWriter(std::string& out, bool pretty = false) : out_(out), pretty_(pretty) {}

  // Open and close containers; a container opened right after key() is
  // that member's value.
  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // The next member's name (escaped); the next value or container is its value.
  void key(std::string_view k);

  // Strings are escaped (quote, backslash, control characters); other bytes,
  // UTF-8 or not, are copied as they are.
  void value(std::string_view s);
  void value(const char* s) { value(std::string_view(s)); }
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(bool b);
  void value(std::int64_t n);
  void value(std::uint64_t n);
  void value(int n) { value(static_cast<std::int64_t>(n)); }
  void value(unsigned n) { value(static_cast<std::uint64_t>(n)); }
  void value(std::uint16_t n) { value(static_cast<std::uint64_t>(n)); }
  void value(std::uint8_t n) { value(static_cast<std::uint64_t>(n)); }
  // An array of strings.
  void value(const std::vector<std::string>& list);
  // A finite number with up to `decimals` digits after the point; NaN and
  // infinities become null (JSON has no spelling for them).
  void value(double d, int decimals = 3);
  void null();

  // key(k) then value(v): one member of the object being written.
  template <typename T>
  void member(std::string_view k, const T& v) {
    key(k);
    value(v);
  }

  // True when every opened object and array has been closed.
  bool complete() const noexcept { return depth_.empty(); }
  // Appends '\n' after a top-level value (for one-object-per-line output).
  void newline() { out_ += '\n'; }
  // The caller's string the writer appends to.
  std::string& out() noexcept { return out_; }

 private:
  void before_value();
  void indent();
  void open(char c);
  void close(char c);

  std::string& out_;
  bool pretty_;
  std::vector<bool> depth_;  // per open container: has it a member yet?
  bool after_key_ = false;
};

// Appends s with JSON string escaping (no quotes).
// Escapes '"', '\\' and control characters (\n, \t, ..., \u00XX); bytes
// from 0x80 up are copied unchanged (no UTF-8 validation).
NETLAB_API void json_escape(std::string& out, std::string_view s);

}  // namespace netlab
