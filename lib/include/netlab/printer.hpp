// One printer for text and JSON, in the spirit of iproute2's
// print_string(PRINT_ANY, key, fmt, value): a renderer makes one call per
// field and the printer writes either the text (the value through `fmt`, an
// fmt-style format such as " mtu {}") or the JSON member (`key`: typed value).
// The two outputs cannot drift apart because there is one list of calls.
//
// A field that only one output has passes an empty key (text only) or an
// empty format (JSON only), as iproute2's PRINT_FP and PRINT_JSON. Objects and
// arrays are no-ops in text. The printer appends to a caller's string (or to
// a caller's JsonWriter, which keeps its own nesting); that string must
// outlive it. One printer is for one thread; nothing here fails, but a format
// that does not take the value is a programming error (fmt::format_error).
#pragma once

#include <netlab/export.hpp>
#include <netlab/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netlab {

// The ANSI colours of `ip -color`, for values painted in text.
enum class Paint { None, Ifname, Mac, Inet, Inet6, Up, Down, Other };

class NETLAB_API Printer {
 public:
  // Text (color: values given a Paint in `ip -color`'s colours) or JSON
  // (compact, or indented as `ip -j -p`; color is ignored) into `out`.
  Printer(std::string& out, bool json, bool pretty = false, bool color = false);
  // JSON through the caller's writer (which may already be inside a container).
  explicit Printer(JsonWriter& w);
  Printer(const Printer&) = delete;
  Printer& operator=(const Printer&) = delete;

  bool json() const noexcept { return w_ != nullptr; }
  bool color() const noexcept { return color_; }
  // The string both outputs append to (for flushing it in chunks).
  std::string& buffer() noexcept { return out_; }

  // JSON: `key` (when given) then '{' / '['; text: nothing.
  void open_object(std::string_view key = {});
  void close_object();
  void open_array(std::string_view key = {});
  void close_array();

  // One field each: text `fmt` with the value, or JSON `key`: value.
  void print_string(std::string_view key, std::string_view fmt, std::string_view value, Paint paint = Paint::None);
  void print_uint(std::string_view key, std::string_view fmt, std::uint64_t value);
  void print_int(std::string_view key, std::string_view fmt, std::int64_t value);
  // Text "on"/"off" through fmt; JSON true/false.
  void print_on_off(std::string_view key, std::string_view fmt, bool value);
  // Text `fmt` with "yes"/"no" (or the given words); JSON true/false.
  void print_bool(std::string_view key, std::string_view fmt, bool value, std::string_view yes = "yes",
                  std::string_view no = "no");
  // Text `fmt` with value (or `none` when absent); JSON the string or null.
  void print_string_or_null(std::string_view key, std::string_view fmt, const std::string& value,
                            std::string_view none = "");
  // Text `fmt` with value; JSON the number (a field whose text spells it
  // otherwise: "1.5s" for 150 centiseconds, "forever").
  void print_uint(std::string_view key, std::string_view fmt, std::uint64_t value, std::string_view text_value);
  void print_int(std::string_view key, std::string_view fmt, std::int64_t value, std::string_view text_value);
  // Text `literal` as it is; JSON key: true (address flags such as "permanent").
  void print_true(std::string_view key, std::string_view literal);
  // Text `fmt` as it is (no value); JSON key: null (iproute2's flags such as "router").
  void print_null(std::string_view key, std::string_view fmt);
  // Text: the words joined by `sep` through fmt; JSON: an array of strings.
  void print_strings(std::string_view key, std::string_view fmt, const std::vector<std::string>& words,
                     std::string_view sep = ",");
  // A number with up to `decimals` digits after the point: text through
  // fmt with `text_value` (the caller's own spelling), JSON the number.
  void print_float(std::string_view key, std::string_view fmt, double value, std::string_view text_value,
                   int decimals = 3);

  // Text only: appended as it is (iproute2's print_string(PRINT_FP, NULL, ..)).
  void print_text(std::string_view literal);
  // Text only: a painted word as it is.
  void print_painted(std::string_view word, Paint paint);
  // JSON only: an element of the array being written (no key).
  void print_element(std::string_view value);
  // After a top-level JSON value written one per line: '\n' (JSON only).
  void json_newline();

  // For what the calls above do not cover: the JSON writer (nullptr in
  // text mode) and the text string (nullptr in JSON mode).
  JsonWriter* json_writer() noexcept { return w_; }
  std::string* text_out() noexcept { return w_ ? nullptr : &out_; }

 private:
  void open(std::string_view key, bool array);
  void format_text(std::string_view fmt, std::string_view value);
  template <typename J, typename T>
  void field(std::string_view key, std::string_view fmt, const J& json_value, const T& text_value);

  std::string& out_;
  std::optional<JsonWriter> own_;
  JsonWriter* w_ = nullptr;
  bool color_ = false;
};

}  // namespace netlab
