// Arista Networks' vendor ethertype 0xd28b: the timestamp header Arista's
// switches (TapAgg, 7280/7500 R-series) insert after the MAC addresses
// (Arista's "Overview of Arista Timestamps" white paper; no RFC). A 16-bit
// subtype (1: timestamp), then for timestamps a version word: the timescale
// byte (0 TAI, 1 UTC) and a byte of format (high nibble: 1 a 64-bit
// timestamp, 32-bit seconds and 32-bit nanoseconds; 2 a 48-bit one, 16-bit
// seconds and 32-bit nanoseconds) and hardware info (low nibble: 0 R/R2,
// 1 R3). The frame's own ethertype follows and Ethernet goes on from there
// (MACsec, VLAN tags, an 802.3 length or the ethertype's printer).
//
// The text is tcpdump 4.99.3's print-arista.c and its part of
// ether_common_print: "ethertype Arista Vendor Specific Protocol (0xd28b),
// length N: " always (with or without -e), then "SubType Timestamp
// (0x0001), Timescale TAI (0), Format 64-bit (1), HwInfo R/R2 (0), Timestamp
// 2019-05-29 20:36:39.944724424: " (a 64-bit timestamp as a UTC date, a
// 48-bit one as seconds), then the frame inside as Ethernet prints it, -e's
// "ethertype IPv4 (0x0800), length N: " again. A subtype or format it does
// not know ends the header there and, without -e, repeats the addresses and
// the type before the bytes from the subtype on in hex. Not even a subtype
// captured prints "[|arista]" (no space); a cut later " [|arista]".
#include "proto/proto.hpp"

#include <ctime>

namespace netlab::proto {
namespace {

constexpr std::uint16_t kSubtypeTimestamp = 1;
constexpr std::uint8_t kFormat64 = 1, kFormat48 = 2;
constexpr Tok kSubtypes[] = {{kSubtypeTimestamp, "Timestamp"}};
constexpr Tok kTimescales[] = {{0, "TAI"}, {1, "UTC"}};
constexpr Tok kFormats[] = {{kFormat64, "64-bit"}, {kFormat48, "48-bit"}};
constexpr Tok kHwInfo[] = {{0, "R/R2"}, {1, "R3"}};

bool known_format(std::uint8_t f) { return f == kFormat64 || f == kFormat48; }

// "Name (N)", "Unknown (N)" for a value the table lacks.
void named(Out& o, std::span<const Tok> table, std::uint32_t v) {
  name_or(o, table, v, "Unknown") << " (";
  o.u(v) << ')';
}

void nine_digits(Out& o, std::uint32_t v) {
  char buf[10];
  for (int k = 8; k >= 0; --k) {
    buf[k] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  o << std::string_view(buf, 9);
}

// The seconds with the nanoseconds' whole seconds carried in (tcpdump adds
// them in 32 bits for the 64-bit format: 0xffffffff s + 4 s is 1970).
std::uint64_t carried_seconds(const AristaL& a) {
  std::uint64_t s = std::uint64_t{a.seconds} + a.nanoseconds / 1000000000u;
  return a.format == kFormat64 ? static_cast<std::uint32_t>(s) : s;
}

// The timestamp as tcpdump prints it: 64-bit as a UTC date and time, 48-bit
// as a number of seconds.
void timestamp(Out& o, const AristaL& a) {
  std::uint64_t secs = carried_seconds(a);
  std::uint32_t nanos = a.nanoseconds % 1000000000u;
  if (a.format == kFormat48) {
    o.u(secs) << '.';
    nine_digits(o, nanos);
    return;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  char buf[64];
  if (!gmtime_r(&t, &tm) || !std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm)) {
    o << "[localtime() failed]";  // cannot happen for 32-bit seconds; tcpdump's words
  } else {
    o << std::string_view(buf);
  }
  o << '.';
  nine_digits(o, nanos);
}

}  // namespace

bool decode_arista(Ctx& c, ByteReader& r, std::uint32_t& length, std::uint16_t& type) {
  std::size_t index = c.d.size();
  auto& a = c.d.push<AristaL>();
  // ether_common_print's own check, before the printer: no trailing " [|..]".
  if (!r.has(2) || length < 2) {
    a.short_frame = true;
    c.d[index].status = Status::Truncated;
    return false;
  }
  c.d.trunc_proto = "arista";
  a.data = r.rest();
  a.subtype = r.be16();
  a.stage = 1;
  if (a.subtype != kSubtypeTimestamp) {
    a.unknown = true;
    return false;
  }
  a.timescale = r.u8();
  a.stage = 2;
  std::uint8_t b = r.u8();
  a.format = b >> 4;
  a.hw_info = b & 0x0f;
  a.stage = 3;
  std::uint32_t used = 4;
  if (a.format == kFormat64) {
    r.require(8);
    a.seconds = r.be32();
    a.nanoseconds = r.be32();
    used += 8;
  } else if (a.format == kFormat48) {
    r.require(6);
    a.seconds = r.be16();
    a.nanoseconds = r.be32();
    used += 6;
  } else {
    a.unknown = true;
    return false;
  }
  a.stage = 4;
  a.data = {};
  length = length > used ? length - used : 0;  // tcpdump checks the captured bytes only
  // The ethertype inside, read where Ethernet reads its own (still "arista").
  type = r.be16();
  length = length < 2 ? 0 : length - 2;
  a.inner_type = type;
  a.stage = 5;
  return true;
}

bool print_arista(PrintCtx& p, const EthernetL& e, const AristaL& a) {
  p.proto = "arista";
  Out& o = p.o;
  if (a.short_frame) {
    o << "[|arista]";
    return false;
  }
  auto type_and_length = [&] {
    if (!p.opt.quiet) {
      o << "ethertype " << ethertype_name(0xd28b) << " (0xd28b)";
    } else {
      o << ethertype_name(0xd28b);
    }
    o << ", length ";
    o.u(e.length) << ": ";
  };
  type_and_length();
  if (a.stage < 1) return false;
  o << "SubType ";
  name_or(o, kSubtypes, a.subtype, "Unknown") << " (0x";
  o.hex(a.subtype, 4) << "), ";
  if (a.stage >= 2) {
    o << "Timescale ";
    named(o, kTimescales, a.timescale);
    o << ", ";
  }
  if (a.stage >= 3) {
    o << "Format ";
    named(o, kFormats, a.format);
    o << ", HwInfo ";
    named(o, kHwInfo, a.hw_info);
    o << ", Timestamp ";
  }
  if (a.unknown) {
    if (!p.opt.link_header) {
      o.mac(e.src) << " > ";
      o.mac(e.dst) << ", ";
      type_and_length();
    }
    if (p.opt.hex == HexStyle::None && !p.opt.quiet) hex_dump(o, a.data, true);
    return false;
  }
  if (a.stage < 4) return false;  // " [|arista]" follows
  timestamp(o, a);
  o << ": ";
  return a.stage >= 5;
}

void json_arista(JsonWriter& w, const AristaL& a) {
  w.member("layer", "arista");
  if (a.stage < 1) return;
  w.member("subtype", static_cast<unsigned>(a.subtype));
  if (auto n = tok_name(kSubtypes, a.subtype); !n.empty()) w.member("subtype_name", n);
  if (a.stage >= 2) {
    w.member("timescale", static_cast<unsigned>(a.timescale));
    if (auto n = tok_name(kTimescales, a.timescale); !n.empty()) w.member("timescale_name", n);
  }
  if (a.stage >= 3) {
    w.member("format", static_cast<unsigned>(a.format));
    if (known_format(a.format)) w.member("format_bits", a.format == kFormat64 ? 64 : 48);
    w.member("hw_info", static_cast<unsigned>(a.hw_info));
    if (auto n = tok_name(kHwInfo, a.hw_info); !n.empty()) w.member("hw_info_name", n);
  }
  if (a.unknown) w.member("unknown_length", static_cast<std::uint64_t>(a.data.size()));
  if (a.stage >= 4) {
    w.member("seconds", carried_seconds(a));
    w.member("nanoseconds", a.nanoseconds % 1000000000u);
  }
  if (a.stage >= 5) w.member("ethertype", static_cast<unsigned>(a.inner_type));
}

}  // namespace netlab::proto
