// NTP: RFC 5905 (time messages, modes 0-5: the 48-byte header, then a key
// id and a 128- or 160-bit digest, RFC 1305/5905 authentication) and the
// mode 6 control messages of draft-ietf-ntp-mode-6-cmds (their 12-byte
// header; the data is not interpreted). The text follows tcpdump 4.99.3's
// print-ntp.c and ntp.c: "NTPv4, Client, length 48" at -n; under -v the
// leap indicator and, per mode, the time fields (timestamps as seconds
// with nine fraction digits and their UTC date) or the control header.
#include "proto/proto.hpp"

#include <cstdio>
#include <ctime>

namespace netlab::proto {
namespace {

constexpr std::uint32_t kTimeMsgLen = 48, kCtrlMsgLen = 12;
constexpr std::int64_t kNtpTo1970 = 2208988800;  // seconds from 1900 to 1970
constexpr double kTwoTo32 = 4294967296.0;

constexpr Tok kModes[] = {{0, "unspecified"}, {1, "symmetric active"}, {2, "symmetric passive"},
                          {3, "Client"},      {4, "Server"},           {5, "Broadcast"},
                          {6, "Control Message"}, {7, "Reserved"}};
constexpr Tok kLeap[] = {{0x00, ""}, {0x40, "+1s"}, {0x80, "-1s"}, {0xc0, "clock unsynchronized"}};

// tcpdump's "%u.%09u" of a 64-bit NTP timestamp: the fraction through a
// double, as tcpdump computes it (truncation included).
void print_fixed(Out& o, std::uint32_t secs, std::uint32_t frac) {
  auto ppb = static_cast<std::uint32_t>(frac / kTwoTo32 * 1000000000.0);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%u.%09u", secs, ppb);
  o << std::string_view(buf);
}

// p_ntp_time: the value, and its UTC date unless the seconds are zero.
void print_time(Out& o, Bytes m, std::size_t at) {
  std::uint32_t secs = be32_at(m, at);
  print_fixed(o, secs, be32_at(m, at + 4));
  if (!secs) return;
  std::time_t t = static_cast<std::time_t>(std::int64_t{secs} - kNtpTo1970);
  std::tm tm{};
  char buf[64];
  if (gmtime_r(&t, &tm) && std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
    o << " (" << std::string_view(buf) << ')';
  } else {
    o << " (Date/time is too large)";
  }
}

// p_ntp_delta: the later timestamp minus the earlier, signed; a zero
// origin prints the later timestamp itself.
void print_delta(Out& o, Bytes m, std::size_t origin, std::size_t later) {
  std::uint32_t ou = be32_at(m, origin), u = be32_at(m, later);
  std::uint32_t ouf = be32_at(m, origin + 4), uf = be32_at(m, later + 4);
  if (ou == 0 && ouf == 0) return print_time(o, m, later);
  bool negative;
  std::uint32_t i, f;
  if (u > ou) {
    negative = false;
    i = u - ou - (ouf > uf ? 1 : 0);
    f = uf - ouf;
  } else if (u < ou) {
    negative = true;
    i = ou - u - (uf > ouf ? 1 : 0);
    f = ouf - uf;
  } else {
    i = 0;
    negative = !(uf > ouf);
    f = negative ? ouf - uf : uf - ouf;
  }
  o << (negative ? '-' : '+');
  print_fixed(o, i, f);
}

// p_sfix: a 16.16 fixed-point value as "%d.%06d".
void print_short(Out& o, Bytes m, std::size_t at) {
  int whole = be16_at(m, at);
  int millionths = static_cast<int>(be16_at(m, at + 2) / 65536.0 * 1000000.0);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d.%06d", whole, millionths);
  o << std::string_view(buf);
}

void print_time_message(PrintCtx& p, Bytes m, std::uint32_t length) {
  Out& o = p.o;
  if (length < kTimeMsgLen) {
    o << " (invalid)";
    sub(m, 0, length);  // tcpdump's ND_TCHECK_LEN of the whole message
    return;
  }
  std::uint8_t stratum = sub(m, 1, 1)[0];
  o << ", Stratum ";
  o.u(stratum) << " (";
  o << (stratum == 0 ? "unspecified" : stratum == 1 ? "primary reference"
        : stratum <= 15 ? "secondary reference" : "reserved") << ')';
  auto poll = static_cast<std::int8_t>(sub(m, 2, 1)[0]);
  o << ", poll ";
  o.i(poll);
  if (poll > -32 && poll < 32) {
    if (poll >= 0) o << " (", o.u(1u << poll) << "s)";
    else o << " (1/", o.u(1u << -poll) << "s)";
  }
  auto precision = static_cast<std::int8_t>(sub(m, 3, 1)[0]);  // tcpdump reads each field before its label
  o << ", precision ";
  o.i(precision);
  sub(m, 4, 4);
  o << "\n\tRoot Delay: ";
  print_short(o, m, 4);
  sub(m, 8, 4);
  o << ", Root dispersion: ";
  print_short(o, m, 8);
  Bytes refid = sub(m, 12, 4);
  o << ", Reference-ID: ";
  switch (stratum) {
    case 0: o << "(unspec)"; break;
    case 1:
      for (std::uint8_t c : refid) print_char(o, c);
      break;
    case 62:
    case 63:  // ntpd's implementation-dependent query and reply: nothing follows
      o.ip4(refid) << (stratum == 62 ? " INFO_QUERY" : " INFO_REPLY");
      return;
    default: o << "0x", o.hex(be32_at(m, 12), 8); break;
  }
  static constexpr std::pair<std::size_t, std::string_view> kStamps[] = {
      {16, "\n\t  Reference Timestamp:  "},
      {24, "\n\t  Originator Timestamp: "},
      {32, "\n\t  Receive Timestamp:    "},
      {40, "\n\t  Transmit Timestamp:   "}};
  for (auto [at, label] : kStamps) {
    sub(m, at, 8);
    o << label;
    print_time(o, m, at);
  }
  o << "\n\t    Originator - Receive Timestamp:  ";
  print_delta(o, m, 24, 32);
  o << "\n\t    Originator - Transmit Timestamp: ";
  print_delta(o, m, 24, 40);
  // RFC 5905 7.3: a key id, then an MD5 (16-byte) or SHA-1 (20-byte) digest.
  std::uint32_t extra = length - kTimeMsgLen;
  if (extra == 4 || extra == 20 || extra == 24) {
    std::uint32_t key = be32_at(m, kTimeMsgLen);
    o << "\n\tKey id: ";
    o.u(key);
    if (extra > 4) {
      sub(m, kTimeMsgLen + 4, extra - 4);
      o << "\n\tAuthentication: ";
      for (std::uint32_t k = 4; k < extra; k += 4) o.hex(be32_at(m, kTimeMsgLen + k), 8);
    }
  } else if (extra > 0) {
    o << "\n\t(";
    o.u(extra) << " more bytes after the header)";
  }
}

void print_control_message(PrintCtx& p, Bytes m, std::uint32_t length) {
  Out& o = p.o;
  if (length < kCtrlMsgLen) {
    o << " (invalid)";
    sub(m, 0, length);
    return;
  }
  std::uint8_t control = sub(m, 1, 1)[0];
  o << ", " << (control & 0x80 ? "Response" : "Request") << ", " << (control & 0x40 ? "Error" : "OK") << ", "
    << (control & 0x20 ? "More" : "Last") << ", OpCode=";
  o.u(control & 0x1fu) << '\n';
  // Each field is read before its label is printed, as in tcpdump.
  std::uint16_t sequence = be16_at(m, 2);
  o << "\tSequence=";
  o.u(sequence);
  std::uint16_t status = be16_at(m, 4);
  o << ", Status=";
  if (status) o << "0x", o.hex(status);  // C's %#hx: no prefix for zero
  else o << '0';
  std::uint16_t assoc = be16_at(m, 6);
  o << ", Assoc.=";
  o.u(assoc);
  std::uint16_t offset = be16_at(m, 8);
  o << ", Offset=";
  o.u(offset);
  std::uint16_t count = be16_at(m, 10);
  o << ", Count=";
  o.u(count);
  if (kCtrlMsgLen + count > length) {
    o << " (invalid)";
    sub(m, 0, length);
    return;
  }
  if (count) {
    sub(m, kCtrlMsgLen, count);
    o << "\n\tTO-BE-DONE: data not interpreted";
  }
}

}  // namespace

void print_ntp_time(Out& o, Bytes m, std::size_t at) { print_time(o, m, at); }

void decode_ntp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "ntp";
  auto& n = c.d.push<NtpL>();
  n.msg = r.rest();
  n.length = length;
  if (n.msg.size() < std::min<std::uint32_t>(length, kTimeMsgLen)) c.d.last()->status = Status::Truncated;
}

void print_ntp(PrintCtx& p, std::size_t i) {
  p.proto = "ntp";
  const auto& n = at<NtpL>(p.d, i);
  Out& o = p.o;
  std::uint8_t status = sub(n.msg, 0, 1)[0];
  unsigned mode = status & 0x7;
  o << "NTPv";
  o.u((status >> 3) & 0x7u) << ", ";
  tok_print(o, kModes, mode, "Unknown mode");
  o << ", length ";
  o.u(n.length);
  if (!p.opt.verbose) return;
  o << "\n\tLeap indicator: " << tok_name(kLeap, status & 0xc0) << " (";
  o.u(status & 0xc0u) << ')';
  if (mode <= 5) print_time_message(p, n.msg, n.length);
  else if (mode == 6) print_control_message(p, n.msg, n.length);
}

}  // namespace netlab::proto

namespace netlab::proto {

// The header's fields as numbers (timestamps as NTP seconds and 2^-32
// fractions); whatever was not captured is left out and "truncated" says so.
void json_ntp(JsonWriter& w, const NtpL& l) {
  w.member("layer", "ntp");
  w.member("length", l.length);
  Bytes m = l.msg;
  try {
    std::uint8_t status = sub(m, 0, 1)[0];
    unsigned mode = status & 0x7;
    w.member("version", (status >> 3) & 0x7u);
    w.member("mode", mode);
    w.member("mode_name", tok_name(kModes, mode));
    w.member("leap", status >> 6);
    if (mode <= 5 && l.length >= kTimeMsgLen) {
      w.member("stratum", sub(m, 1, 1)[0]);
      w.member("poll", static_cast<int>(static_cast<std::int8_t>(sub(m, 2, 1)[0])));
      w.member("precision", static_cast<int>(static_cast<std::int8_t>(sub(m, 3, 1)[0])));
      w.member("root_delay", be32_at(m, 4));
      w.member("root_dispersion", be32_at(m, 8));
      w.member("reference_id", hex_text(sub(m, 12, 4)));
      static constexpr std::pair<std::size_t, std::string_view> kStamps[] = {
          {16, "reference"}, {24, "originate"}, {32, "receive"}, {40, "transmit"}};
      for (auto [at, name] : kStamps) {
        std::uint32_t secs = be32_at(m, at), frac = be32_at(m, at + 4);  // both read before the object opens
        w.key(name);
        w.begin_object();
        w.member("seconds", secs);
        w.member("fraction", frac);
        w.end_object();
      }
    } else if (mode == 6 && l.length >= kCtrlMsgLen) {
      std::uint8_t control = sub(m, 1, 1)[0];
      w.member("response", (control & 0x80) != 0);
      w.member("error", (control & 0x40) != 0);
      w.member("more", (control & 0x20) != 0);
      w.member("opcode", control & 0x1f);
      w.member("sequence", be16_at(m, 2));
      w.member("status", be16_at(m, 4));
      w.member("association", be16_at(m, 6));
      w.member("offset", be16_at(m, 8));
      w.member("count", be16_at(m, 10));
    }
  } catch (const Truncated&) {
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
