// A small JSON reader for tests: enough to parse `ip -j` and `netlab -j`
// output and compare fields. Throws std::runtime_error on malformed input.
#pragma once

#include <cctype>
#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace testjson {

struct Value;
using Array = std::vector<Value>;
using Object = std::map<std::string, Value>;

struct Value {
  std::variant<std::nullptr_t, bool, double, std::string, std::shared_ptr<Array>, std::shared_ptr<Object>> v;

  bool is_null() const { return std::holds_alternative<std::nullptr_t>(v); }
  bool is_array() const { return std::holds_alternative<std::shared_ptr<Array>>(v); }
  bool is_object() const { return std::holds_alternative<std::shared_ptr<Object>>(v); }
  bool is_string() const { return std::holds_alternative<std::string>(v); }
  bool is_number() const { return std::holds_alternative<double>(v); }
  const Array& array() const { return *std::get<std::shared_ptr<Array>>(v); }
  const Object& object() const { return *std::get<std::shared_ptr<Object>>(v); }
  const std::string& str() const { return std::get<std::string>(v); }
  double num() const { return std::get<double>(v); }
  bool boolean() const { return std::get<bool>(v); }
  bool has(const std::string& k) const { return is_object() && object().count(k); }
  const Value& operator[](const std::string& k) const {
    auto it = object().find(k);
    if (it == object().end()) throw std::runtime_error("no key " + k);
    return it->second;
  }
  // A scalar as text, for comparisons that should not care about the type.
  std::string text() const {
    if (is_string()) return str();
    if (is_number()) {
      double d = num();
      if (d == static_cast<double>(static_cast<long long>(d))) return std::to_string(static_cast<long long>(d));
      return std::to_string(d);
    }
    if (std::holds_alternative<bool>(v)) return boolean() ? "true" : "false";
    if (is_null()) return "null";
    throw std::runtime_error("not a scalar");
  }
};

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}
  Value parse() {
    Value v = value();
    ws();
    if (i_ != s_.size()) fail("trailing data");
    return v;
  }

 private:
  [[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string("json: ") + what + " at offset " + std::to_string(i_));
  }
  void ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  char peek() {
    ws();
    if (i_ >= s_.size()) fail("unexpected end");
    return s_[i_];
  }
  void expect(char c) {
    if (peek() != c) fail("unexpected character");
    ++i_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) fail("bad escape");
      char e = s_[i_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          if (i_ + 4 > s_.size()) fail("bad \\u escape");
          unsigned cp = static_cast<unsigned>(std::stoul(std::string(s_.substr(i_, 4)), nullptr, 16));
          i_ += 4;
          if (cp < 0x80) out += static_cast<char>(cp);
          else out += '?';
          break;
        }
        default: out += e;
      }
    }
    if (i_ >= s_.size()) fail("unterminated string");
    ++i_;
    return out;
  }
  Value value() {
    char c = peek();
    Value v;
    if (c == '{') {
      ++i_;
      auto obj = std::make_shared<Object>();
      if (peek() == '}') {
        ++i_;
      } else {
        for (;;) {
          std::string k = string();
          expect(':');
          (*obj)[k] = value();
          if (peek() == ',') { ++i_; continue; }
          expect('}');
          break;
        }
      }
      v.v = obj;
    } else if (c == '[') {
      ++i_;
      auto arr = std::make_shared<Array>();
      if (peek() == ']') {
        ++i_;
      } else {
        for (;;) {
          arr->push_back(value());
          if (peek() == ',') { ++i_; continue; }
          expect(']');
          break;
        }
      }
      v.v = arr;
    } else if (c == '"') {
      v.v = string();
    } else if (literal("true")) {
      v.v = true;
    } else if (literal("false")) {
      v.v = false;
    } else if (literal("null")) {
      v.v = nullptr;
    } else {
      std::size_t start = i_;
      while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' ||
                                s_[i_] == '+' || s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E'))
        ++i_;
      if (start == i_) fail("unexpected character");
      v.v = std::strtod(std::string(s_.substr(start, i_ - start)).c_str(), nullptr);
    }
    return v;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

inline Value parse(std::string_view s) { return Parser(s).parse(); }

}  // namespace testjson
