#include <netlab/printer.hpp>

#include "base/strings.hpp"

#include <fmt/format.h>

#include <iterator>

namespace netlab {
namespace {

std::string_view ansi(Paint p) {
  switch (p) {
    case Paint::Ifname: return "\033[36m";
    case Paint::Mac: return "\033[33m";
    case Paint::Inet: return "\033[35m";
    case Paint::Inet6: return "\033[34m";
    case Paint::Up: return "\033[32m";
    case Paint::Down: return "\033[31m";
    case Paint::Other: return "\033[33m";
    case Paint::None: break;
  }
  return "";
}

template <typename T>
void format_into(std::string& out, std::string_view fmt, const T& value) {
  fmt::vformat_to(std::back_inserter(out), fmt, fmt::make_format_args(value));
}

}  // namespace

Printer::Printer(std::string& out, bool json, bool pretty, bool color) : out_(out), color_(color && !json) {
  if (json) w_ = &own_.emplace(out, pretty);
}

Printer::Printer(JsonWriter& w) : out_(w.out()), w_(&w) {}

void Printer::open(std::string_view key, bool array) {
  if (!w_) return;
  if (!key.empty()) w_->key(key);
  if (array) w_->begin_array();
  else w_->begin_object();
}

void Printer::open_object(std::string_view key) { open(key, false); }

void Printer::close_object() {
  if (w_) w_->end_object();
}

void Printer::open_array(std::string_view key) { open(key, true); }

void Printer::close_array() {
  if (w_) w_->end_array();
}

void Printer::format_text(std::string_view fmt, std::string_view value) { format_into(out_, fmt, value); }

// The rule of every print_ call: JSON writes key: json_value (nothing without
// a key); text formats text_value through fmt (nothing without a format).
template <typename J, typename T>
void Printer::field(std::string_view key, std::string_view fmt, const J& json_value, const T& text_value) {
  if (w_) {
    if (!key.empty()) w_->member(key, json_value);
  } else if (!fmt.empty()) {
    format_into(out_, fmt, text_value);
  }
}

void Printer::print_string(std::string_view key, std::string_view fmt, std::string_view value, Paint paint) {
  if (w_ || !color_ || paint == Paint::None) return field(key, fmt, value, value);
  if (fmt.empty()) return;
  std::string painted{ansi(paint)};
  painted += value;
  painted += "\033[0m";
  format_text(fmt, painted);
}

void Printer::print_uint(std::string_view key, std::string_view fmt, std::uint64_t value) {
  field(key, fmt, value, value);
}

void Printer::print_int(std::string_view key, std::string_view fmt, std::int64_t value) {
  field(key, fmt, value, value);
}

void Printer::print_uint(std::string_view key, std::string_view fmt, std::uint64_t value,
                         std::string_view text_value) {
  field(key, fmt, value, text_value);
}

void Printer::print_int(std::string_view key, std::string_view fmt, std::int64_t value,
                        std::string_view text_value) {
  field(key, fmt, value, text_value);
}

void Printer::print_true(std::string_view key, std::string_view literal) {
  if (!w_) out_ += literal;
  else if (!key.empty()) w_->member(key, true);
}

void Printer::print_on_off(std::string_view key, std::string_view fmt, bool value) {
  print_bool(key, fmt, value, "on", "off");
}

void Printer::print_bool(std::string_view key, std::string_view fmt, bool value, std::string_view yes,
                         std::string_view no) {
  field(key, fmt, value, value ? yes : no);
}

void Printer::print_string_or_null(std::string_view key, std::string_view fmt, const std::string& value,
                                   std::string_view none) {
  if (!w_) {
    if (!fmt.empty()) format_text(fmt, value.empty() ? none : std::string_view(value));
  } else if (!key.empty()) {
    w_->key(key);
    if (value.empty()) w_->null();
    else w_->value(value);
  }
}

void Printer::print_null(std::string_view key, std::string_view fmt) {
  if (!w_) {
    out_ += fmt;
  } else if (!key.empty()) {
    w_->key(key);
    w_->null();
  }
}

void Printer::print_strings(std::string_view key, std::string_view fmt, const std::vector<std::string>& words,
                            std::string_view sep) {
  field(key, fmt, words, w_ ? std::string() : join(words, sep));
}

void Printer::print_float(std::string_view key, std::string_view fmt, double value, std::string_view text_value,
                          int decimals) {
  if (w_) {
    if (key.empty()) return;
    w_->key(key);
    w_->value(value, decimals);
  } else if (!fmt.empty()) {
    format_text(fmt, text_value);
  }
}

void Printer::print_text(std::string_view literal) {
  if (!w_) out_ += literal;
}

void Printer::print_painted(std::string_view word, Paint paint) {
  if (w_) return;
  if (!color_ || paint == Paint::None) {
    out_ += word;
    return;
  }
  out_ += ansi(paint);
  out_ += word;
  out_ += "\033[0m";
}

void Printer::print_element(std::string_view value) {
  if (w_) w_->value(value);
}

void Printer::json_newline() {
  if (w_) w_->newline();
}

}  // namespace netlab
