// DCCP (RFC 4340, IP protocol 33), as tcpdump 4.99.3's print-dccp.c shows
// it: the packet type with its service code, reset code and acknowledgment
// number; at -v the CCVal, the checksum coverage and the checksum (over the
// coverage CsCov gives, with the whole length in the pseudo-header, and
// only when the whole packet was captured); at -vv the sequence number and
// the options. Short and extended (X) sequence numbers both.
#include "proto/proto.hpp"

#include <array>

namespace netlab::proto {
namespace {

constexpr std::string_view kTypes[] = {"DCCP-Request", "DCCP-Response", "DCCP-Data",     "DCCP-Ack",
                                       "DCCP-DataAck", "DCCP-CloseReq", "DCCP-Close",    "DCCP-Reset",
                                       "DCCP-Sync",    "DCCP-SyncAck"};
constexpr std::string_view kResetCodes[] = {
    "unspecified",     "closed",        "aborted",          "no_connection",      "packet_error",    "option_error",
    "mandatory_error", "connection_refused", "bad_service_code", "too_busy", "bad_init_cookie", "aggression_penalty"};
constexpr Tok kOptions[] = {{0, "nop"},          {1, "mandatory"},     {2, "slowreceiver"},  {32, "change_l"},
                            {33, "confirm_l"},   {34, "change_r"},     {35, "confirm_r"},    {36, "initcookie"},
                            {37, "ndp_count"},   {38, "ack_vector0"},  {39, "ack_vector1"},  {40, "data_dropped"},
                            {41, "timestamp"},   {42, "timestamp_echo"}, {43, "elapsed_time"}, {44, "data_checksum"}};
constexpr std::string_view kFeatures[] = {"reserved",      "ccid",          "allow_short_seqno",
                                          "sequence_window", "ecn_incapable", "ack_ratio",
                                          "send_ack_vector", "send_ndp_count", "minimum checksum coverage",
                                          "check data checksum"};

std::uint64_t be48_at(Bytes b, std::size_t off) {
  return std::uint64_t(be16_at(b, off)) << 32 | be32_at(b, off + 2);
}

bool extended(const DccpL& d) { return (sub(d.pkt, 8, 1)[0] & 1) != 0; }

void option_name(Out& o, std::uint8_t type) {
  if (type >= 128) o << "CCID option ", o.u(type);
  else tok_print(o, kOptions, type, "Option ");
}

// tcpdump's own truncation inside an option: " [|dccp]", and the list closes.
struct OptionCut {};

// One option at off; its length, or 0 where tcpdump stops the list.
std::uint32_t print_option(Out& o, Bytes b, std::size_t off, std::uint32_t room) {
  // The type and length bytes are read as tcpdump's GET_ macros read them
  // (past the capture: the whole packet ends); the value is checked first
  // (past the capture: the list ends with its own mark).
  std::uint8_t type = sub(b, off, 1)[0];
  std::uint32_t len = 1;
  if (type >= 32) {
    len = sub(b, off + 1, 1)[0];
    if (len < 2) {
      option_name(o, type);
      o << " optlen too short";
      return 0;
    }
  }
  if (room < len) {
    option_name(o, type);
    o << " optlen goes past header length";
    return 0;
  }
  if (off + len > b.size()) throw OptionCut{};
  Bytes v = b.subspan(off + 2 > off + len ? off + len : off + 2, len >= 2 ? len - 2 : 0);
  option_name(o, type);
  if (type >= 128) {
    if (len == 4) o << ' ', o.u(be16_at(v, 0));
    else if (len == 6) o << ' ', o.u(be32_at(v, 0));
    return len;
  }
  auto hex_value = [&](const char* lead) {
    if (len > 2) {
      o << lead;
      for (auto c : v) o.hex(c, 2);
    }
  };
  switch (type) {
    case 32: case 33: case 34: case 35:
      if (len < 3) {
        o << " optlen too short";
        return len;
      }
      if (v[0] < 10) {
        o << ' ' << kFeatures[v[0]];
        for (std::size_t k = 1; k < v.size(); ++k) o << ' ', o.u(v[k]);
      }
      break;
    case 36: case 38: case 39: case 40: hex_value(" 0x"); break;
    case 37:
      for (auto c : v) o << ' ', o.u(c);
      break;
    case 41:
      if (len == 6) o << ' ', o.u(be32_at(v, 0));
      else o << " [optlen != 6]";
      break;
    case 42:
      if (len == 6) o << ' ', o.u(be32_at(v, 0));
      else if (len == 8) o << ' ', o.u(be32_at(v, 0)) << ' ', o.u(be16_at(v, 4));
      else if (len == 10) o << ' ', o.u(be32_at(v, 0)) << ' ', o.u(be32_at(v, 4));
      else o << " [optlen != 6 or 8 or 10]";
      break;
    case 43:
      if (len == 6) o << ' ', o.u(be32_at(v, 0));
      else if (len == 4) o << ' ', o.u(be16_at(v, 0));
      else o << " [optlen != 4 or 6]";
      break;
    case 44: hex_value(" "); break;
    default: break;
  }
  return len;
}

}  // namespace

void decode_dccp(Ctx& c, ByteReader r, std::uint32_t length, std::size_t ip) {
  c.d.trunc_proto = "dccp";
  auto& d = c.d.push<DccpL>();
  d.pkt = r.rest();
  d.length = length;
  if (c.opt.verbose && d.pkt.size() >= length && length >= 12) {
    std::uint8_t cscov = d.pkt[5] & 0x0f;
    std::uint32_t cov = length;
    if (cscov) cov = std::min<std::uint32_t>(length, (d.pkt[4] + cscov - 1u) * 4u);
    d.computed = l4_checksum(c.d, ip, 33, d.pkt.first(cov), length);
    d.sum_checked = true;
  }
}

// -v: " (CCVal N, CsCov N, cksum 0x... (correct))".
static void print_ccval_checksum(Out& o, Bytes b, const DccpL& d) {
  o << " (CCVal ";
  o.u(b[5] >> 4) << ", CsCov ";
  o.u(b[5] & 0x0f);
  if (d.sum_checked) {
    std::uint16_t sum = be16_at(b, 6);
    o << ", cksum 0x";
    o.hex(sum, 4) << ' ';
    if (d.computed != 0) {
      o << "(incorrect -> 0x";
      o.hex(cksum_shouldbe(sum, d.computed), 4) << ')';
    } else {
      o << "(correct)";
    }
  }
  o << ')';
}

// -vv: the options between the fixed header and hlen, " <opt, opt>".
static void print_options(Out& o, Bytes b, std::uint32_t fixed, std::uint32_t hlen) {
  o << " <";
  std::uint32_t room = hlen - fixed;
  std::size_t off = fixed;
  try {
    while (true) {
      std::uint32_t n = print_option(o, b, off, room);
      if (n == 0 || room <= n) break;
      room -= n;
      off += n;
      o << ", ";
    }
  } catch (const OptionCut&) {
    o << " [|dccp]";
  }
  o << '>';
}

void print_dccp(PrintCtx& p, std::size_t i) {
  p.proto = "dccp";
  const auto& d = at<DccpL>(p.d, i);
  Out& o = p.o;
  Bytes b = d.pkt;
  if (b.size() < 12) throw Truncated{};
  if (d.length < 12) {
    o << "truncated-dccp - ";
    o.u(12 - d.length) << " bytes missing!";
    return;
  }
  std::uint32_t fixed = extended(d) ? 16 : 12;
  if (d.length < fixed) {
    o << "truncated-dccp - ";
    o.u(fixed - d.length) << " bytes missing!";
    return;
  }
  sub(b, 0, fixed);
  std::uint16_t sport = be16_at(b, 0), dport = be16_at(b, 2);
  std::uint32_t hlen = b[4] * 4u;
  print_ip_pair(p, enclosing_ip(p.d, i), sport, dport);
  o << ": DCCP";
  if (p.opt.quiet) {
    o << ' ';
    o.u(std::uint32_t(d.length - hlen));
    if (hlen > d.length) {
      o << " [bad hdr length ";
      o.u(hlen) << " - too long, > ";
      o.u(d.length) << ']';
    }
    return;
  }
  if (p.opt.verbose) print_ccval_checksum(o, b, d);
  o << ' ';
  std::uint8_t type = (b[8] >> 1) & 0x0f;
  std::string_view name = type < 10 ? kTypes[type] : std::string_view{};
  auto need = [&](std::uint32_t more) {
    fixed += more;
    if (d.length >= fixed) return true;
    o << "truncated-" << name << " - ";
    o.u(fixed - d.length) << " bytes missing!";
    return false;
  };
  std::size_t sub_at = fixed;  // the type-specific subheader
  switch (type) {
    case 0:
      if (!need(4)) return;
      o << name << " (service=";
      o.u(be32_at(b, sub_at)) << ") ";
      break;
    case 1:
      if (!need(12)) return;
      o << name << " (service=";
      o.u(be32_at(b, sub_at + 8)) << ") ";
      break;
    case 2: o << name << ' '; break;
    case 7:
      if (!need(12)) return;
      o << name << " (code=";
      {
        std::uint8_t code = sub(b, sub_at + 8, 1)[0];
        o << (code < 12 ? kResetCodes[code] : std::string_view("invalid")) << ") ";
      }
      break;
    case 3: case 4: case 5: case 6: case 8: case 9:
      if (!need(8)) return;
      o << name << ' ';
      break;
    default: o << "unknown-type-", o.u(type) << ' '; break;
  }
  if (type != 0 && type != 2) {
    std::uint64_t ack = extended(d) ? be48_at(b, sub_at + 2) : (be32_at(b, sub_at) & 0xffffffu);
    o << "(ack=";
    o.u(ack) << ") ";
  }
  if (p.opt.verbose < 2) return;
  o << "seq ";
  o.u(extended(d) ? be48_at(b, 10) : (be32_at(b, 8) & 0xffffffu));
  if (hlen > fixed) print_options(o, b, fixed, hlen);
}

void json_dccp(JsonWriter& w, const DccpL& l) {
  w.member("layer", "dccp");
  w.member("length", l.length);
  if (l.pkt.size() < 12) return;
  w.member("sport", static_cast<unsigned>(be16_at(l.pkt, 0)));
  w.member("dport", static_cast<unsigned>(be16_at(l.pkt, 2)));
  w.member("data_offset", static_cast<unsigned>(l.pkt[4]));
  w.member("ccval", static_cast<unsigned>(l.pkt[5] >> 4));
  w.member("cscov", static_cast<unsigned>(l.pkt[5] & 0x0f));
  w.member("checksum", static_cast<unsigned>(be16_at(l.pkt, 6)));
  if (l.sum_checked) w.member("checksum_ok", l.computed == 0);
  std::uint8_t type = (l.pkt[8] >> 1) & 0x0f;
  if (type < 10) w.member("type", kTypes[type]);
  else w.member("type", static_cast<unsigned>(type));
  bool x = (l.pkt[8] & 1) != 0;
  w.member("extended_seq", x);
  if (!x) w.member("seq", static_cast<std::uint64_t>(be32_at(l.pkt, 8) & 0xffffffu));
  else if (l.pkt.size() >= 16) w.member("seq", be48_at(l.pkt, 10));
}

}  // namespace netlab::proto
