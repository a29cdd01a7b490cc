// RIPng: RIP for IPv6 (RFC 2080), on UDP port 521. The text follows
// tcpdump 4.99.3's print-ripng.c: " ripng-resp 2: 2001:db8::/64 (1)
// 2001:db8:1::/64 [7] (2)" (the tag in brackets when set, the metric in
// parentheses when a response's is set), " ripng-req dump" for a request
// for the whole table; each entry on its own line at -vv. A version other
// than 1, or a length that is not whole entries, is " (invalid)"; an entry
// not captured whole " [|ripng]".
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::size_t kHeader = 4;
constexpr std::size_t kEntry = 20;  // prefix 16, tag 2, prefix length 1, metric 1
constexpr std::uint8_t kInfinity = 16;

// One entry at m[at]: "prefix/len", " [tag]", " (metric)". Every field is
// read before anything is printed, as tcpdump's GET_* in the arguments.
void entry(Out& o, Bytes m, std::size_t at, bool response) {
  Bytes e = sub(m, at, kEntry);
  o.ip6(e.first(16)) << '/';
  o.u(e[18]);
  if (std::uint16_t tag = be16_at(e, 16)) o << " [", o.u(tag) << ']';
  if (response && e[19]) o << " (", o.u(e[19]) << ')';
}

}  // namespace

void decode_ripng(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "ripng";
  auto& l = c.d.push<RipngL>();
  l.msg = r.rest();
  l.length = length;
  if (l.msg.size() < kHeader) c.d.last()->status = Status::Truncated;  // for JSON; the text stops where tcpdump does
}

void print_ripng(PrintCtx& p, std::size_t i) {
  p.proto = "ripng";
  const auto& l = at<RipngL>(p.d, i);
  Bytes m = l.msg;
  Out& o = p.o;
  std::uint8_t version = sub(m, 1, 1)[0];
  if (version != 1) {
    o << " [vers ";
    o.u(version) << "] (invalid)";
    return;
  }
  std::uint8_t cmd = m[0];
  if (cmd != 1 && cmd != 2) {
    o << " ripng-";
    o.u(cmd) << " ?? ";
    o.u(l.length) << " (invalid)";
    return;
  }
  if (l.length < kHeader) {
    o << " (invalid)";
    return;
  }
  std::uint32_t left = l.length - kHeader, n = left / kEntry;
  bool response = cmd == 2;
  if (!response && n == 1) {
    Bytes e = sub(m, kHeader, kEntry);
    bool any = false;
    for (std::size_t k = 0; k < 16; ++k) any = any || e[k];
    if (e[19] == kInfinity && !any) {
      o << " ripng-req dump";
      return;
    }
  }
  o << (response ? " ripng-resp " : " ripng-req ");
  o.u(n);
  if (n * kEntry != left) o << '[', o.u(l.length) << ']';
  o << ':';
  std::size_t at = kHeader;
  for (; left >= kEntry; left -= kEntry, at += kEntry) {
    o << (p.opt.verbose > 1 ? "\n\t" : " ");
    entry(o, m, at, response);
  }
  if (left != 0) o << " (invalid)";
}

// The command, version and the entries as objects.
void json_ripng(JsonWriter& w, const RipngL& l) {
  w.member("layer", "ripng");
  w.member("length", l.length);
  Bytes m = l.msg;
  try {
    std::uint8_t cmd = sub(m, 0, 1)[0], version = sub(m, 1, 1)[0];
    w.member("command_code", cmd);
    if (cmd == 1) w.member("command", "request");
    if (cmd == 2) w.member("command", "response");
    w.member("version", version);
    w.key("entries");
    w.begin_array();
    try {
      for (std::size_t at = kHeader; at + kEntry <= l.length; at += kEntry) {
        Bytes e = sub(m, at, kEntry);
        w.begin_object();
        w.member("prefix", ip6_text(e.first(16)));
        w.member("prefix_length", e[18]);
        w.member("tag", be16_at(e, 16));
        w.member("metric", e[19]);
        w.end_object();
      }
    } catch (const Truncated&) {
      w.begin_object();
      w.member("truncated", true);
      w.end_object();
    }
    w.end_array();
  } catch (const Truncated&) {
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
