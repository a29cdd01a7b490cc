#include <netlab/json.hpp>

#include <charconv>
#include <cmath>

namespace netlab {

void json_escape(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xf];
        } else {
          out += c;
        }
    }
  }
}

void JsonWriter::indent() {
  out_ += '\n';
  out_.append(depth_.size() * 4, ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_.empty()) return;
  if (depth_.back()) out_ += ',';
  depth_.back() = true;
  if (pretty_) indent();
}

void JsonWriter::open(char c) {
  before_value();
  out_ += c;
  depth_.push_back(false);
}

void JsonWriter::close(char c) {
  bool had_members = !depth_.empty() && depth_.back();
  if (!depth_.empty()) depth_.pop_back();
  if (pretty_ && had_members) indent();
  out_ += c;
}

void JsonWriter::begin_object() { open('{'); }
void JsonWriter::end_object() { close('}'); }
void JsonWriter::begin_array() { open('['); }
void JsonWriter::end_array() { close(']'); }

void JsonWriter::key(std::string_view k) {
  before_value();
  out_ += '"';
  json_escape(out_, k);
  out_ += pretty_ ? "\": " : "\":";
  after_key_ = true;
}

void JsonWriter::value(std::string_view s) {
  before_value();
  out_ += '"';
  json_escape(out_, s);
  out_ += '"';
}

void JsonWriter::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
}

void JsonWriter::value(std::int64_t n) {
  before_value();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out_.append(buf, r.ptr);
}

void JsonWriter::value(std::uint64_t n) {
  before_value();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out_.append(buf, r.ptr);
}

void JsonWriter::value(double d, int decimals) {
  if (!std::isfinite(d)) {
    null();
    return;
  }
  before_value();
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed, decimals);
  std::string_view text(buf, static_cast<std::size_t>(r.ptr - buf));
  // Trim trailing zeros ("0.500" -> "0.5", "2.000" -> "2") for readable output.
  if (text.find('.') != std::string_view::npos) {
    while (text.back() == '0') text.remove_suffix(1);
    if (text.back() == '.') text.remove_suffix(1);
  }
  if (text == "-0") text = "0";
  out_.append(text);
}

void JsonWriter::value(const std::vector<std::string>& list) {
  begin_array();
  for (const auto& s : list) value(s);
  end_array();
}

void JsonWriter::null() {
  before_value();
  out_ += "null";
}

}  // namespace netlab
