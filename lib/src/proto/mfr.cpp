// FRF.16 multilink Frame Relay (LINKTYPE_MFR 182; FRF.16.1, Multilink Frame
// Relay UNI/NNI Implementation Agreement): link integrity control frames
// (B, E and C bits set, a zero byte, a message type, then information
// elements: bundle and link ids, magic number, timestamp, vendor extension,
// cause) and fragments (B and E bits, a 12-bit sequence number). A fragment
// that begins a frame carries a Frame Relay frame, handed to fr.cpp; later
// fragments are shown in hex. The text follows tcpdump 4.99.3's mfr_print
// (print-fr.c): "FRF.16 Frag, seq 193, Flags [Begin, End], " before the
// frame, "FRF.16 Control, Flags [Begin, End, Control], Hello, length 10"
// and from -v the elements, each on its own line.
#include "proto/proto.hpp"

#include <cstdio>
#include <ctime>

namespace netlab::proto {
namespace {

constexpr std::uint8_t kB = 0x80, kE = 0x40, kC = 0x20, kBec = kB | kE | kC;
constexpr std::uint32_t kMinLength = 4;  // tcpdump's minimum frame header
constexpr std::size_t kIdMax = 50;       // bundle and link ids: at most this many characters shown

constexpr Tok kFlags[] = {{kB, "Begin"}, {kE, "End"}, {kC, "Control"}};
constexpr Tok kMessages[] = {{1, "Add Link"}, {2, "Add Link ACK"}, {3, "Add Link Reject"}, {4, "Hello"},
                             {5, "Hello ACK"}, {6, "Remove Link"}, {7, "Remove Link ACK"}};
constexpr std::uint8_t kIeBundle = 1, kIeLink = 2, kIeMagic = 3, kIeTimestamp = 5;
constexpr Tok kIes[] = {{kIeBundle, "Bundle ID"}, {kIeLink, "Link ID"},         {kIeMagic, "Magic Number"},
                        {kIeTimestamp, "Timestamp"}, {6, "Vendor Extension"}, {7, "Cause"}};
constexpr std::size_t kTimeval = 16;  // the sender's struct timeval, as tcpdump reads it on x86-64

std::uint64_t le64_at(Bytes b, std::size_t off) {
  Bytes x = sub(b, off, 8);
  std::uint64_t v = 0;
  for (std::size_t k = 8; k-- > 0;) v = v << 8 | x[k];
  return v;
}

// tcpdump's ts_print of a struct timeval taken from the packet, for the
// timestamp styles without state (the delta styles print as the default).
void print_timeval(Out& o, const PrintOptions& opt, Bytes tv) {
  std::int64_t sec = static_cast<std::int64_t>(le64_at(tv, 0));
  std::uint32_t usec = static_cast<std::uint32_t>(le64_at(tv, 8));
  auto frac = [&] {
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%06u", usec);
    o << std::string_view(buf);
  };
  if (opt.ts == TimestampStyle::None) return;
  // A second count with bit 31 set, or one localtime cannot convert:
  // tcpdump's text in place of the whole time, fraction included.
  std::time_t t = static_cast<std::time_t>(sec);
  std::tm tm{};
  if ((static_cast<std::uint64_t>(sec) & 0x80000000u) ||
      (opt.ts != TimestampStyle::Epoch && !localtime_r(&t, &tm))) {
    o << "[Error converting time] ";
    return;
  }
  if (opt.ts == TimestampStyle::Epoch) {
    o.u(static_cast<std::uint32_t>(sec));
  } else {
    char buf[32];
    std::size_t n = std::strftime(buf, sizeof buf, opt.ts == TimestampStyle::Date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
    o << std::string_view(buf, n);
  }
  frac();
  o << ' ';
}

// The information elements of a control frame, from -v: b the frame as
// captured, length its length.
void print_ies(PrintCtx& p, Bytes b, std::uint32_t length) {
  Out& o = p.o;
  std::size_t at = 3;
  std::uint32_t left = length - 3;
  while (left > 2) {
    Bytes hdr = sub(b, at, 2);  // " [|mfr]"
    std::uint8_t type = hdr[0], len = hdr[1];
    o << "\n\tIE ";
    name_or(o, kIes, type, "Unknown") << " (";
    o.u(type) << "), length ";
    o.u(len) << ": ";
    if (type == 0 || len <= 2) return;  // a loop that would not advance
    Bytes value = sub(b, at, len).subspan(2);
    std::size_t n = value.size();
    at += 2;
    left -= 2;
    switch (type) {
      case kIeMagic:
        if (n != 4) {
          o << "[IE data length ";
          o.u(n) << " != 4] (invalid)";
          break;
        }
        o << "0x";
        o.hex(be32_at(value, 0), 8);
        break;
      case kIeBundle:
      case kIeLink:
        for (std::size_t k = 0; k < n && k < kIdMax && value[k] != 0; ++k) print_char(o, value[k]);
        break;
      case kIeTimestamp:
        if (n == kTimeval) {
          print_timeval(o, p.opt, value);
          break;
        }
        [[fallthrough]];
      default:
        if (p.opt.verbose <= 1) print_unknown_data(o, value, n, "\n\t  ");
        break;
    }
    if (p.opt.verbose > 1) print_unknown_data(o, value, n, "\n\t  ");
    left -= static_cast<std::uint32_t>(n);
    at += n;
  }
}

}  // namespace

void decode_mfr(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "mfr";
  if (!r.has(2)) throw Truncated{};
  auto& m = c.d.push<MfrL>();
  m.length = length;
  Bytes b = r.rest();
  m.frame = b.first(std::min<std::size_t>(b.size(), length));
  if (length < kMinLength) return;  // "[length 3 < 4] (invalid)"
  if (!r.has(kMinLength)) throw Truncated{};
  m.stage = 1;
  std::uint8_t first = b[0];
  m.flags = first & kBec;
  if (m.flags == kBec && b[1] == 0) {
    m.kind = MfrL::Control;
    m.message = b[2];
    return;
  }
  m.seq = static_cast<std::uint16_t>((first & 0x1e) << 7 | b[1]);
  if (m.flags == (kB | kE) || m.flags == kB) {
    m.kind = MfrL::First;
    r.skip(2);
    decode_fr(c, r, length - 2, false);
    return;
  }
  m.kind = MfrL::Other;
}

void print_mfr(PrintCtx& p, std::size_t i) {
  p.proto = "mfr";
  const auto& m = at<MfrL>(p.d, i);
  Out& o = p.o;
  if (m.length < kMinLength) {
    o << "[length ";
    o.u(m.length) << " < 4] (invalid)";
    return;
  }
  if (m.stage < 1) return;  // " [|mfr]"
  switch (m.kind) {
    case MfrL::Control:
      o << "FRF.16 Control, Flags [";
      print_bit_names(o, kFlags, m.flags, "none");
      o << "], ";
      if (auto name = tok_name(kMessages, m.message); !name.empty()) {
        o << name;
      } else {
        o << "Unknown Message (0x";
        o.hex(m.message, 2) << ')';
      }
      o << ", length ";
      o.u(m.length);
      if (p.opt.verbose) print_ies(p, m.frame, m.length);
      return;
    case MfrL::First:
      o << "FRF.16 Frag, seq ";
      o.u(m.seq) << ", Flags [";
      print_bit_names(o, kFlags, m.flags, "none");
      o << "], ";
      print_layers(p, i + 1);
      return;
    default:
      o << "FRF.16 Frag, seq ";
      o.u(m.seq) << ", Flags [";
      print_bit_names(o, kFlags, m.flags, "none");
      o << ']';
      print_unknown_data(o, m.frame, m.length, "\n\t");
      return;
  }
}

void json_mfr(JsonWriter& w, const MfrL& l) {
  w.member("layer", "mfr");
  w.member("length", l.length);
  if (l.length < kMinLength) {
    w.member("kind", "invalid");
    return;
  }
  if (l.stage < 1) return;
  static constexpr std::string_view kKinds[] = {"invalid", "control", "fragment", "fragment"};
  w.member("kind", kKinds[l.kind]);
  w.member("begin", (l.flags & kB) != 0);
  w.member("end", (l.flags & kE) != 0);
  w.member("control", (l.flags & kC) != 0);
  if (l.kind != MfrL::Control) {
    w.member("seq", l.seq);
    return;
  }
  w.member("message_type", l.message);
  if (auto name = tok_name(kMessages, l.message); !name.empty()) w.member("message", name);
  // The elements as far as they were captured and their lengths hold.
  w.key("elements");
  w.begin_array();
  std::size_t at = 3;
  std::uint32_t left = l.length - 3;
  while (left > 2 && at + 2 <= l.frame.size()) {
    std::uint8_t type = l.frame[at], len = l.frame[at + 1];
    if (type == 0 || len <= 2 || at + len > l.frame.size()) break;
    Bytes value = l.frame.subspan(at + 2, len - 2u);
    w.begin_object();
    w.member("type", type);
    if (auto name = tok_name(kIes, type); !name.empty()) w.member("name", name);
    w.member("length", len);
    if (type == kIeMagic && value.size() == 4) {
      w.member("magic", be32_at(value, 0));
    } else if (type == kIeBundle || type == kIeLink) {
      std::string id;
      Out text(id);  // tcpdump's characters: M- and ^ forms, so the JSON stays ASCII
      for (std::size_t k = 0; k < value.size() && k < kIdMax && value[k] != 0; ++k) print_char(text, value[k]);
      w.member("id", id);
    } else if (type == kIeTimestamp && value.size() == kTimeval) {
      w.member("sec", static_cast<std::int64_t>(le64_at(value, 0)));
      w.member("usec", static_cast<std::int64_t>(le64_at(value, 8)));
    } else {
      w.member("value", hex_text(value));
    }
    w.end_object();
    left -= len;
    at += len;
  }
  w.end_array();
}

}  // namespace netlab::proto
