// Syslog over UDP 514: RFC 3164 (and RFC 5424's same "<PRI>" start): the
// priority's facility and severity, then the message text. The text follows
// tcpdump 4.99.3's print-syslog.c: "SYSLOG user.notice, length: 51" at -n;
// under -v the facility and severity by name and number and the message
// (control bytes as ^X, as tcpdump prints them), and the bytes in hex at -vv.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr Tok kSeverities[] = {{0, "emergency"}, {1, "alert"},  {2, "critical"}, {3, "error"},
                               {4, "warning"},   {5, "notice"}, {6, "info"},     {7, "debug"}};
constexpr Tok kFacilities[] = {{0, "kernel"},   {1, "user"},    {2, "mail"},     {3, "daemon"},  {4, "auth"},
                               {5, "syslog"},   {6, "lpr"},     {7, "news"},     {8, "uucp"},    {9, "cron"},
                               {10, "authpriv"}, {11, "ftp"},   {12, "ntp"},     {13, "security"}, {14, "console"},
                               {15, "cron"},    {16, "local0"}, {17, "local1"},  {18, "local2"}, {19, "local3"},
                               {20, "local4"},  {21, "local5"}, {22, "local6"},  {23, "local7"}};

}  // namespace

void decode_syslog(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "syslog";
  auto& s = c.d.push<SyslogL>();
  s.msg = r.rest();
  s.length = length;
}

void print_syslog(PrintCtx& p, std::size_t i) {
  p.proto = "syslog";
  const auto& s = at<SyslogL>(p.d, i);
  Bytes m = s.msg;
  Out& o = p.o;
  // "<" up to three digits ">": anything else is invalid.
  std::size_t at = 0;
  if (sub(m, at, 1)[0] != '<') {
    o << " (invalid)";
    return;
  }
  ++at;
  unsigned pri = 0;
  while (at <= 3) {
    std::uint8_t ch = sub(m, at, 1)[0];
    if (ch < '0' || ch > '9') break;
    pri = pri * 10 + (ch - '0');
    ++at;
  }
  if (sub(m, at, 1)[0] != '>') {
    o << " (invalid)";
    return;
  }
  ++at;
  unsigned facility = (pri & 0x3f8) >> 3, severity = pri & 0x7;
  if (!p.opt.verbose) {
    o << "SYSLOG ";
    tok_print(o, kFacilities, facility, "unknown (", ")") << '.';
    tok_print(o, kSeverities, severity, "unknown (", ")") << ", length: ";
    o.u(s.length);
    return;
  }
  o << "SYSLOG, length: ";
  o.u(s.length) << "\n\tFacility ";
  tok_print(o, kFacilities, facility, "unknown (", ")") << " (";
  o.u(facility) << "), Severity ";
  tok_print(o, kSeverities, severity, "unknown (", ")") << " (";
  o.u(severity) << ")\n\tMsg: ";
  for (; at < s.length; ++at) print_char(o, sub(m, at, 1)[0]);
  if (p.opt.verbose > 1) hex_dump(o, m.first(std::min<std::size_t>(m.size(), s.length)), false);
}

}  // namespace netlab::proto

namespace netlab::proto {

// The priority as facility and severity (numbers and names) and the message
// text; what was not captured is left out and "truncated" says so.
void json_syslog(JsonWriter& w, const SyslogL& l) {
  w.member("layer", "syslog");
  w.member("length", l.length);
  Bytes m = l.msg.first(std::min<std::size_t>(l.msg.size(), l.length));
  std::size_t at = 1;
  unsigned pri = 0;
  if (m.empty() || m[0] != '<') return;
  while (at < m.size() && at <= 3 && m[at] >= '0' && m[at] <= '9') pri = pri * 10 + (m[at++] - '0');
  if (at >= m.size() || m[at] != '>') {
    w.member("truncated", at >= m.size());
    return;
  }
  unsigned facility = (pri & 0x3f8) >> 3, severity = pri & 0x7;
  w.member("facility", facility);
  if (auto name = tok_name(kFacilities, facility); !name.empty()) w.member("facility_name", name);
  w.member("severity", severity);
  w.member("severity_name", tok_name(kSeverities, severity));
  Bytes text = m.subspan(at + 1);
  w.member("message", std::string_view(reinterpret_cast<const char*>(text.data()), text.size()));
  if (l.msg.size() < l.length) w.member("truncated", true);
}

}  // namespace netlab::proto
