// HTTP (RFC 9112) request and response lines over TCP 80 and 8080, as
// tcpdump 4.99.3's text-protocol printer shows them: "HTTP" alone for a
// segment that does not start with a request method or a status line (a
// body's continuation); with one, the first line at -n, and at -v the
// payload's length and every printable line, each on its own "\n\t" line,
// until a byte that is not printable ASCII. A last line without its line
// ending is printed and marked " [|http]", as tcpdump treats it as cut.
#include "proto/proto.hpp"

#include <cctype>
#include <string>

namespace netlab::proto {
namespace {

// The methods tcpdump's http printer recognises (RFC 9110, WebDAV, DeltaV).
constexpr std::string_view kMethods[] = {
    "GET", "PUT", "COPY", "HEAD", "LOCK", "MOVE", "POLL", "POST", "BCOPY", "BMOVE", "MKCOL", "TRACE",
    "LABEL", "MERGE", "DELETE", "SEARCH", "UNLOCK", "REPORT", "UPDATE", "NOTIFY", "BDELETE", "CONNECT",
    "OPTIONS", "CHECKIN", "PROPFIND", "CHECKOUT", "BPROPFIND", "BPROPPATCH", "UNCHECKOUT", "MKACTIVITY",
    "MKWORKSPACE", "UNSUBSCRIBE", "RPC_CONNECT", "VERSION-CONTROL", "BASELINE-CONTROL"};

// tcpdump keeps a token in a 129-byte buffer: a longer one is no token.
constexpr std::size_t kMaxToken = 128;

bool printable(std::uint8_t c) { return c >= 0x20 && c <= 0x7e; }

// The byte at idx when it was captured (tcpdump's ND_TTEST_1, no truncation).
std::optional<std::uint8_t> peek(Bytes b, std::size_t idx) {
  if (idx >= b.size()) return std::nullopt;
  return sub(b, idx, 1)[0];
}

// One whitespace-delimited token from idx: returns where the next token
// starts (the blanks after it skipped, up to a line end), 0 for no token.
std::size_t fetch_token(Bytes b, std::size_t idx, std::size_t len, std::string& tok) {
  tok.clear();
  for (; idx < len; ++idx) {
    auto c = peek(b, idx);
    if (!c || *c >= 0x80) return 0;
    if (*c == ' ' || *c == '\t' || *c == '\r' || *c == '\n') break;
    if (!printable(*c) || tok.size() + 2 > kMaxToken + 1) return 0;
    tok.push_back(static_cast<char>(*c));
  }
  if (tok.empty()) return 0;
  for (; idx < len; ++idx) {
    auto c = peek(b, idx);
    if (!c || *c == '\r' || *c == '\n' || !printable(*c) || (*c != ' ' && *c != '\t')) break;
  }
  return idx;
}

bool same_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(a[k])) != std::tolower(static_cast<unsigned char>(b[k]))) return false;
  return true;
}

// A request (a known method first) or a response (a three-digit second
// token: tcpdump looks at the second token in either case).
bool starts_message(Bytes b, std::uint32_t len) {
  std::string tok;
  std::size_t idx = fetch_token(b, 0, len, tok);
  if (idx == 0) return false;
  bool yes = false;
  for (auto m : kMethods)
    if (same_nocase(tok, m)) yes = true;
  idx = fetch_token(b, idx, len, tok);
  if (idx != 0 && tok.size() == 3 && std::isdigit(static_cast<unsigned char>(tok[0])) &&
      std::isdigit(static_cast<unsigned char>(tok[1])) && std::isdigit(static_cast<unsigned char>(tok[2])))
    yes = true;
  return yes;
}

// One line from idx, printed after prefix; returns the index after its line
// ending, or 0 where tcpdump stops (binary data, a CR alone, the end of the
// payload: that last, printable but unended line is printed and marked cut).
// Reading past the capture throws Truncated.
std::size_t print_line(PrintCtx& p, std::string_view prefix, Bytes b, std::size_t idx, std::uint32_t len) {
  std::size_t start = idx;
  auto emit = [&](std::size_t n) {
    p.o << prefix;
    for (auto c : sub(b, start, n)) p.o << static_cast<char>(c);
  };
  while (idx < len) {
    std::uint8_t c = sub(b, idx, 1)[0];
    if (c == '\n') {
      emit(idx - start);
      return idx + 1;
    }
    if (c == '\r') {
      if (idx + 1 >= len) return 0;
      if (sub(b, idx + 1, 1)[0] != '\n') return 0;
      emit(idx - start);
      return idx + 2;
    }
    if (!printable(c) && c != '\t') return 0;
    ++idx;
  }
  emit(idx - start);
  p.o << " [|" << p.proto << ']';
  return 0;
}

}  // namespace

void decode_http(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "http";
  auto& h = c.d.push<HttpL>();
  h.msg = r.rest();
  h.length = length;
  h.message = starts_message(h.msg, length);
}

void print_http(PrintCtx& p, std::size_t i) {
  p.proto = "http";
  const auto& h = at<HttpL>(p.d, i);
  p.o << ": HTTP";
  if (!h.message) return;
  if (!p.opt.verbose) {
    print_line(p, ": ", h.msg, 0, h.length);
    return;
  }
  p.o << ", length: ";
  p.o.u(h.length);
  for (std::size_t idx = 0; idx < h.length;) {
    std::size_t eol = print_line(p, "\n\t", h.msg, idx, h.length);
    if (eol == 0) break;
    idx = eol;
  }
}

void json_http(JsonWriter& w, const HttpL& l) {
  w.member("layer", "http");
  w.member("length", l.length);
  w.member("message_start", l.message);
  if (!l.message) return;
  // The first line, as far as it is printable and captured.
  std::string line;
  for (std::size_t k = 0; k < l.msg.size() && k < l.length; ++k) {
    std::uint8_t c = l.msg[k];
    if (c == '\r' || c == '\n' || (!printable(c) && c != '\t')) break;
    line.push_back(static_cast<char>(c));
  }
  w.member("first_line", line);
}

}  // namespace netlab::proto
