// RESP, the REdis Serialization Protocol (https://redis.io/docs/reference/protocol-spec/),
// on TCP 6379, as tcpdump 4.99.3's resp printer shows it: ": RESP", then
// every value of the segment in order (commands are pipelined), each string
// quoted and printed as tcpdump's fn_print_char prints bytes. Simple strings
// ('+'), errors ('-') and integers (':') run to the next CR LF; a bulk
// string ('$') has a decimal length, its bytes, and whatever precedes the next
// CR LF skipped; an array ('*') a decimal count of values that follow (only
// its values are printed); anything else is an inline command, a line ended
// by any run of CR and LF. A length of 0 prints " empty", -1 " null", one
// above INT_MAX " length too large", another negative one " length negative
// and not -1", and a length that is not CR LF-ended digits " invalid"
// (that value ends after the first byte that was wrong; the segment goes on).
//
// Hostile input: every value consumes at least one byte, nested arrays are
// walked with a list of the counts still open (no recursion), so the work is
// linear in the segment and the memory bounded by a quarter of it. A value
// that runs past the segment's length, or a check of tcpdump's that finds the
// bytes not captured, ends the line with " [|resp]" (tcpdump's local "goto
// trunc": -x dumps from the link header on); a single byte read past the
// capture ends it the same way through Truncated (tcpdump's GET_U_1).
#include "proto/proto.hpp"

#include <climits>
#include <vector>

namespace netlab::proto {
namespace {

enum class Type : std::uint8_t { Simple, Error, Integer, Bulk, Array, Inline };
// What a value turned out to be: its bytes (or an array's count), or one of
// the length words tcpdump prints in place of them.
enum class Mark : std::uint8_t { Value, Empty, Null, TooLarge, Negative, Invalid };

struct Item {
  Type type = Type::Inline;
  Mark mark = Mark::Value;
  Bytes text;               // strings: the bytes between the quotes
  std::uint32_t count = 0;  // arrays: the values that follow
};

// tcpdump's resp_get_length results below zero.
constexpr int kNull = -1, kCut = -2, kTooLarge = -3, kNegative = -4, kInvalid = -5;

struct Length {
  int value;
  std::size_t end;  // where the value goes on (tcpdump's endp)
};

// One segment's values, in tcpdump's order. `len` is the segment's length
// (the TCP payload's, from the IP header); `b` the bytes of it captured.
// tcpdump's length counters are all len minus the position, so one position
// stands for them.
class Walker {
 public:
  Walker(Bytes b, std::uint32_t len) : b_(b), len_(len) {}

  // Calls emit(const Item&) for each value; returns false for tcpdump's
  // local "goto trunc" (a length check or ND_TCHECK). Throws Truncated for a
  // byte read past the capture (tcpdump's GET_U_1).
  template <typename F>
  bool run(F&& emit) {
    std::vector<std::uint32_t> open;  // values still to come in each open array
    for (;;) {
      if (open.empty() && pos_ == len_) return true;  // every byte of the segment used
      if (pos_ == len_) return false;                 // an array's values run past it
      Item it;
      bool ok = false;
      switch (at(pos_)) {
        case '+': it.type = Type::Simple; ok = line(it); break;
        case '-': it.type = Type::Error; ok = line(it); break;
        case ':': it.type = Type::Integer; ok = line(it); break;
        case '$': it.type = Type::Bulk; ok = bulk(it, emit); break;
        case '*': it.type = Type::Array; ok = array(it); break;
        default: it.type = Type::Inline; ok = inline_command(it); break;
      }
      if (!ok) return false;
      if (it.type != Type::Bulk) emit(it);  // bulk emits before its trailer
      if (it.type == Type::Array && it.mark == Mark::Value) {
        open.push_back(it.count);  // its values follow
        continue;
      }
      while (!open.empty() && --open.back() == 0) open.pop_back();  // arrays this value completes
    }
  }

 private:
  std::uint8_t at(std::size_t k) const { return sub(b_, k, 1)[0]; }  // GET_U_1
  bool captured(std::size_t k, std::size_t n) const { return k <= b_.size() && n <= b_.size() - k; }
  std::size_t left(std::size_t k) const { return len_ - k; }

  // tcpdump's FIND_CRLF from k: the position of the next CR LF, or nothing.
  std::optional<std::size_t> find_crlf(std::size_t k) const {
    for (;; ++k) {
      if (left(k) < 2 || !captured(k, 2)) return std::nullopt;
      if (b_[k] == '\r' && b_[k + 1] == '\n') return k;
    }
  }

  // tcpdump's CONSUME_CR_OR_LF from k: past the run of CR and LF there, or
  // nothing when the segment or the capture ends before a first one.
  std::optional<std::size_t> skip_cr_lf(std::size_t k) const {
    bool found = false;
    for (;; ++k) {
      if (left(k) == 0 || !captured(k, 1)) {
        if (found) return k;
        return std::nullopt;
      }
      if (b_[k] != '\r' && b_[k] != '\n') return k;
      found = true;
    }
  }

  // '+', '-', ':' : the text up to CR LF.
  bool line(Item& it) {
    std::size_t start = pos_ + 1;
    auto crlf = find_crlf(start);
    if (!crlf) return false;
    it.text = b_.subspan(start, *crlf - start);
    pos_ = *crlf + 2;
    return true;
  }

  // tcpdump's resp_get_length from k: a decimal length ended by CR LF.
  Length length(std::size_t k) const {
    if (left(k) == 0) return {kCut, k};
    bool neg = false;
    if (at(k) == '-') {
      neg = true;
      ++k;
    }
    int result = 0;
    bool saw_digit = false, too_large = false;
    for (;; ++k) {
      if (left(k) == 0) return {kCut, k};
      std::uint8_t c = at(k);
      if (c < '0' || c > '9') {
        if (!saw_digit) return {kInvalid, k + 1};
        break;
      }
      int d = c - '0';
      if (result > INT_MAX / 10) {
        too_large = true;
      } else {
        result *= 10;
        if (result == (INT_MAX / 10) * 10 && d > INT_MAX % 10) too_large = true;
        else result += d;
      }
      saw_digit = true;
    }
    if (at(k) != '\r') return {kInvalid, k + 1};
    ++k;
    if (left(k) == 0) return {kCut, k};
    if (at(k) != '\n') return {kInvalid, k + 1};
    ++k;
    if (neg) return {too_large || result != 1 ? kNegative : kNull, k};
    return {too_large ? kTooLarge : result, k};
  }

  // A length below zero: the word tcpdump prints, false for a cut.
  static bool mark_of(int n, Item& it) {
    switch (n) {
      case kNull: it.mark = Mark::Null; return true;
      case kCut: return false;
      case kTooLarge: it.mark = Mark::TooLarge; return true;
      case kNegative: it.mark = Mark::Negative; return true;
      default: it.mark = Mark::Invalid; return true;
    }
  }

  // '$': the string is printed before tcpdump looks for the CR LF after it
  // (skipping whatever comes first), so a cut there follows the string.
  template <typename F>
  bool bulk(Item& it, F& emit) {
    Length n = length(pos_ + 1);
    std::size_t k = n.end;
    if (n.value < 0) {
      if (!mark_of(n.value, it)) return false;
      emit(it);
      pos_ = k;
      return true;
    }
    if (n.value == 0) {
      it.mark = Mark::Empty;
    } else {
      auto size = static_cast<std::size_t>(n.value);
      if (left(k) < size || !captured(k, size)) return false;
      it.text = b_.subspan(k, size);
      k += size;
    }
    emit(it);
    auto crlf = find_crlf(k);
    if (!crlf) return false;
    pos_ = *crlf + 2;
    return true;
  }

  // '*': the count; its values are the next ones.
  bool array(Item& it) {
    Length n = length(pos_ + 1);
    pos_ = n.end;
    if (n.value > 0) {
      it.count = static_cast<std::uint32_t>(n.value);
      return true;
    }
    if (n.value == 0) {
      it.mark = Mark::Empty;
      return true;
    }
    return mark_of(n.value, it);
  }

  // Anything else: a line (after any CR and LF) up to a CR or LF.
  bool inline_command(Item& it) {
    auto start = skip_cr_lf(pos_);
    if (!start) return false;
    std::size_t k = *start;
    for (;; ++k) {
      if (left(k) == 0) return false;
      std::uint8_t c = at(k);
      if (c == '\r' || c == '\n') break;
    }
    it.text = b_.subspan(*start, k - *start);
    auto end = skip_cr_lf(k);
    if (!end) return false;  // not reached: a CR or LF is at k
    pos_ = *end;
    return true;
  }

  Bytes b_;
  std::size_t len_;
  std::size_t pos_ = 0;
};

std::string_view type_name(Type t) {
  switch (t) {
    case Type::Simple: return "simple_string";
    case Type::Error: return "error";
    case Type::Integer: return "integer";
    case Type::Bulk: return "bulk_string";
    case Type::Array: return "array";
    case Type::Inline: return "inline";
  }
  return "inline";
}

std::string_view mark_text(Mark m) {
  switch (m) {
    case Mark::Value: return "";
    case Mark::Empty: return " empty";
    case Mark::Null: return " null";
    case Mark::TooLarge: return " length too large";
    case Mark::Negative: return " length negative and not -1";
    case Mark::Invalid: return " invalid";
  }
  return "";
}

std::string_view mark_name(Mark m) {
  switch (m) {
    case Mark::Value: return "value";
    case Mark::Empty: return "empty";
    case Mark::Null: return "null";
    case Mark::TooLarge: return "length_too_large";
    case Mark::Negative: return "length_negative";
    case Mark::Invalid: return "invalid";
  }
  return "value";
}

}  // namespace

void decode_resp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "resp";
  auto& l = c.d.push<RespL>();
  l.msg = r.rest();
  l.length = length;
}

void print_resp(PrintCtx& p, std::size_t i) {
  p.proto = "resp";
  const auto& l = at<RespL>(p.d, i);
  Out& o = p.o;
  o << ": RESP";
  Walker w(l.msg, l.length);
  bool done = w.run([&](const Item& it) {
    if (it.mark != Mark::Value) {
      o << mark_text(it.mark);
      return;
    }
    if (it.type == Type::Array) return;  // only its values are printed
    o << " \"";
    for (auto ch : it.text) print_char(o, ch);
    o << '"';
  });
  if (!done) {
    p.local_trunc = true;
    throw Truncated{};
  }
}

void json_resp(JsonWriter& w, const RespL& l) {
  w.member("layer", "resp");
  w.member("length", l.length);
  w.key("values");
  w.begin_array();
  bool done = false;
  try {
    Walker walker(l.msg, l.length);
    done = walker.run([&](const Item& it) {
      w.begin_object();
      w.member("type", type_name(it.type));
      if (it.mark != Mark::Value) w.member("state", mark_name(it.mark));
      else if (it.type == Type::Array) w.member("count", it.count);
      else w.member("value", std::string_view(reinterpret_cast<const char*>(it.text.data()), it.text.size()));
      w.end_object();
    });
  } catch (const Truncated&) {
    done = false;
  }
  w.end_array();
  if (!done) w.member("truncated", true);
}

}  // namespace netlab::proto
