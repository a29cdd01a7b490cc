// DTP (Cisco's Dynamic Trunking Protocol) in SNAP with the Cisco OUI and PID
// 0x2004, as tcpdump 4.99.3's print-dtp.c shows it: the version and length
// at -n; from -v the TLVs (type and length 16 bits each, the length counting
// the 4-byte header): the VTP domain as a NUL-padded string, the status and
// DTP type bytes, the neighbour's MAC. A type 0 TLV ends the list (switches
// pad with zeros); a length that cannot be right prints " (invalid)".
#include "proto/proto.hpp"

#include <algorithm>

namespace netlab::proto {
namespace {

constexpr Tok kTlvs[] = {{1, "Domain"}, {2, "Status"}, {3, "DTP type"}, {4, "Neighbor"}};

struct Invalid {};

}  // namespace

void decode_dtp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "dtp";
  auto& l = c.d.push<DtpL>();
  l.pdu = r.rest().first(std::min<std::size_t>(r.remaining(), length));
  l.length = length;
}

void print_dtp(PrintCtx& p, std::size_t i) {
  p.proto = "dtp";
  const auto& l = at<DtpL>(p.d, i);
  Out& o = p.o;
  Bytes b = l.pdu;
  std::uint32_t length = l.length;
  std::size_t at = 0;
  try {
    if (length < 1) {
      o << "[zero packet length]";
      throw Invalid{};
    }
    o << "DTPv";
    o.u(sub(b, 0, 1)[0]) << ", length ";
    o.u(length);
    if (!p.opt.verbose) return;
    at = 1;
    length -= 1;
    while (length) {
      if (length < 4) {
        o << '[';
        o.u(length) << " bytes remaining]";
        throw Invalid{};
      }
      std::uint16_t type = be16_at(b, at), len = be16_at(b, at + 2);
      if (type == 0) return;
      o << "\n\t";
      name_or(o, kTlvs, type, "Unknown") << " (0x";
      o.hex(type, 4) << ") TLV, length ";
      o.u(len);
      if (len < 4 || len > length) {
        o << "[invalid TLV length ";
        o.u(len) << ']';
        throw Invalid{};
      }
      switch (type) {
        case 1: {
          o << ", ";
          for (auto ch : sub(b, at + 4, len - 4u)) {
            if (ch == 0) break;
            print_char(o, ch);
          }
          break;
        }
        case 2:
        case 3:
          if (len != 5) throw Invalid{};
          o << ", 0x";
          o.hex(sub(b, at + 4, 1)[0]);
          break;
        case 4:
          if (len != 10) throw Invalid{};
          o << ", ";
          o.mac(sub(b, at + 4, 6));
          break;
        default: sub(b, at, len); break;
      }
      at += len;
      length -= len;
    }
  } catch (const Invalid&) {
    o << " (invalid)";
    sub(b, at, length);  // tcpdump's ND_TCHECK_LEN of what is left
  }
}

void json_dtp(JsonWriter& w, const DtpL& l) {
  w.member("layer", "dtp");
  w.member("length", l.length);
  Bytes b = l.pdu;
  if (b.empty()) return;
  w.member("version", static_cast<unsigned>(b[0]));
  std::size_t at = 1, end = std::min<std::size_t>(b.size(), l.length);
  w.key("tlvs");
  w.begin_array();
  while (at + 4 <= end) {
    std::uint16_t type = be16_at(b, at), len = be16_at(b, at + 2);
    if (type == 0 || len < 4 || at + len > end) break;
    Bytes v = b.subspan(at + 4, len - 4u);
    w.begin_object();
    w.member("type", static_cast<unsigned>(type));
    if (auto name = tok_name(kTlvs, type); !name.empty()) w.member("name", name);
    if (type == 1) {
      std::string domain(v.begin(), std::find(v.begin(), v.end(), std::uint8_t{0}));
      w.member("domain", domain);
    } else if ((type == 2 || type == 3) && v.size() == 1) {
      w.member("value", static_cast<unsigned>(v[0]));
    } else if (type == 4 && v.size() == 6) {
      w.member("neighbor", mac_text(v));
    } else {
      w.member("data", hex_text(v));
    }
    w.end_object();
    at += len;
  }
  w.end_array();
}

}  // namespace netlab::proto
