// UDLD (Cisco UniDirectional Link Detection, RFC 5171) in SNAP with the
// Cisco OUI and PID 0x0111, as tcpdump 4.99.3's print-udld.c shows it:
// version, opcode, flags and length at -n; at -v the checksum (not
// verified, as tcpdump) and each TLV: the device and port IDs and device
// name as text, the echo TLV byte by byte, the intervals in seconds, the
// sequence number; " (invalid)" where a TLV's length cannot be right.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr Tok kCodes[] = {{0, "Reserved"}, {1, "Probe message"}, {2, "Echo message"}, {3, "Flush message"}};
constexpr Tok kTlvs[] = {{1, "Device-ID TLV"},        {2, "Port-ID TLV"},          {3, "Echo TLV"},
                         {4, "Message Interval TLV"}, {5, "Timeout Interval TLV"}, {6, "Device Name TLV"},
                         {7, "Sequence Number TLV"}};
constexpr Tok kFlags[] = {{0x01, "RT"},    {0x02, "RSY"},   {0x04, "MBZ-2"}, {0x08, "MBZ-3"},
                          {0x10, "MBZ-4"}, {0x20, "MBZ-5"}, {0x40, "MBZ-6"}, {0x80, "MBZ-7"}};

struct Invalid {};

}  // namespace

void decode_udld(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "udld";
  auto& u = c.d.push<UdldL>();
  u.pdu = r.rest().first(std::min<std::size_t>(r.remaining(), length));
  u.length = length;
}

void print_udld(PrintCtx& p, std::size_t i) {
  p.proto = "udld";
  const auto& u = at<UdldL>(p.d, i);
  Out& o = p.o;
  Bytes b = u.pdu;
  std::uint32_t length = u.length;
  std::size_t at = 0;
  try {
    if (length < 4) throw Invalid{};
    std::uint8_t first = sub(b, 0, 1)[0], flags = sub(b, 1, 1)[0];
    std::uint8_t code = first & 0x1f;
    at = 2;
    length -= 2;
    o << "UDLDv";
    o.u(first >> 5) << ", Code ";
    if (auto name = tok_name(kCodes, code); !name.empty()) o << name;
    else o << "Reserved";
    o << " (";
    o.hex(code) << "), Flags [";
    bool any = false;
    for (const auto& f : kFlags)
      if (flags & f.value) o << (any ? ", " : "") << f.name, any = true;
    if (!any) o << "none";
    o << "] (0x";
    o.hex(flags, 2) << "), length ";
    o.u(length + 2);
    // tcpdump 4.99.3 checks the whole PDU was captured before its TLVs
    // (a cut PDU ends here with [|udld] at any verbosity).
    sub(b, at, length);
    if (!p.opt.verbose) return;
    o << "\n\tChecksum 0x";
    o.hex(be16_at(b, at), 4) << " (unverified)";
    at += 2;
    length -= 2;
    while (length) {
      if (length < 4) throw Invalid{};
      std::uint16_t type = be16_at(b, at), len = be16_at(b, at + 2);
      at += 4;
      length -= 4;
      o << "\n\t";
      if (auto name = tok_name(kTlvs, type); !name.empty()) o << name;
      else o << "Unknown";
      o << " (0x";
      o.hex(type, 4) << ") TLV, length ";
      o.u(len);
      if (len <= 4) throw Invalid{};
      len = static_cast<std::uint16_t>(len - 4);
      if (len > length) throw Invalid{};
      switch (type) {
        case 1:
        case 2:
        case 6:
          // tcpdump's nd_printjzp: up to the first NUL
          o << ", ";
          for (std::size_t k = 0; k < len; ++k) {
            std::uint8_t c = sub(b, at + k, 1)[0];
            if (c == 0) break;
            print_char(o, c);
          }
          break;
        case 3:
          o << ", ";
          for (std::size_t k = 0; k < len; ++k) print_char(o, sub(b, at + k, 1)[0]);
          break;
        case 4:
        case 5:
          if (len != 1) throw Invalid{};
          o << ", ";
          o.u(sub(b, at, 1)[0]) << 's';
          break;
        case 7:
          if (len != 4) throw Invalid{};
          o << ", ";
          o.u(be32_at(b, at));
          break;
        default: sub(b, at, len); break;
      }
      at += len;
      length -= len;
    }
  } catch (const Invalid&) {
    o << " (invalid)";
    sub(b, at, length);
  }
}

void json_udld(JsonWriter& w, const UdldL& l) {
  w.member("layer", "udld");
  w.member("length", l.length);
  if (l.pdu.size() < 2) return;
  w.member("version", static_cast<unsigned>(l.pdu[0] >> 5));
  std::uint8_t code = l.pdu[0] & 0x1f;
  if (auto name = tok_name(kCodes, code); !name.empty()) w.member("code", name);
  else w.member("code", static_cast<unsigned>(code));
  w.member("flags", static_cast<unsigned>(l.pdu[1]));
}

}  // namespace netlab::proto
