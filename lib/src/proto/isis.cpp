// IS-IS: ISO 10589 (and RFC 1195) over LLC/OSI, NLPID 0x83 after the LLC
// header 0xfe 0xfe 0x03 (llc.cpp). The text follows tcpdump 4.99.3's
// print-isoclns.c (isis_print): at -n one summary line per PDU ("IS-IS, L1
// Lan IIH, src-id ..., lan-id ..., prio N, length N"); from -v the common
// header and the PDU type's fixed header (TLVs are not decoded yet: their
// bytes follow as hex). A header the checks refuse is said and the PDU
// dumped in hex; one not captured whole is " [|isis]".
#include "proto/proto.hpp"

#include <string>

namespace netlab::proto {
namespace {

constexpr Tok kPduTypes[] = {{15, "L1 Lan IIH"}, {16, "L2 Lan IIH"}, {17, "p2p IIH"},
                             {18, "L1 LSP"},     {20, "L2 LSP"},     {24, "L1 CSNP"},
                             {25, "L2 CSNP"},    {26, "L1 PSNP"},    {27, "L2 PSNP"}};

constexpr std::uint32_t kCommon = 8;

// The PDU type's fixed header after the common one (tcpdump's structs); 0: unknown type.
std::uint32_t pdu_header_size(std::uint8_t type) {
  switch (type) {
    case 15:
    case 16: return 19;
    case 17: return 12;
    case 18:
    case 20: return 19;
    case 24:
    case 25: return 25;
    case 26:
    case 27: return 9;
    default: return 0;
  }
}

// tcpdump's isis_print_id: "xxxx.xxxx.xxxx", ".xx" for a node id (7 bytes),
// "-xx" for an LSP id (8 bytes).
void print_id(Out& o, Bytes m, std::size_t at, std::size_t len) {
  Bytes id = sub(m, at, len);
  for (std::size_t k = 0; k < 6; ++k) {
    o.hex(id[k], 2);
    if (k == 1 || k == 3) o << '.';
  }
  if (len >= 7) {
    o << '.';
    o.hex(id[6], 2);
  }
  if (len == 8) {
    o << '-';
    o.hex(id[7], 2);
  }
}

// The common header's checks, in tcpdump's order. False: refused (said).
bool header_ok(Out& o, Bytes m, std::uint32_t length) {
  std::uint8_t fixed_len = m[1], version = m[2], id_length = m[3], pdu_version = m[5], max_area = m[7];
  if (version != 1) {
    o << "version ";
    o.u(version) << " packet not supported";
    return false;
  }
  if (id_length != 6 && id_length != 0) {
    o << "system ID length of ";
    o.u(id_length) << " is not supported";
    return false;
  }
  if (pdu_version != 1) {
    o << "version ";
    o.u(pdu_version) << " packet not supported";
    return false;
  }
  if (length < fixed_len) {
    o << "fixed header length ";
    o.u(fixed_len) << " > packet length ";
    o.u(length);
    return false;
  }
  if (fixed_len < kCommon) {
    o << "fixed header length ";
    o.u(fixed_len) << " < minimum header size ";
    o.u(kCommon);
    return false;
  }
  if (max_area == 255) {
    o << "bad packet -- 255 areas";
    return false;
  }
  return true;
}

// The one-line summary's PDU part after the type name (-n).
void print_brief(Out& o, Bytes m, std::uint8_t type, std::uint32_t length) {
  switch (type) {
    case 15:
    case 16:
      o << ", src-id ";
      print_id(o, m, kCommon + 1, 6);
      o << ", lan-id ";
      print_id(o, m, kCommon + 12, 7);
      o << ", prio ";
      o.u(m[kCommon + 11]);
      break;
    case 17:
      o << ", src-id ";
      print_id(o, m, kCommon + 1, 6);
      break;
    case 18:
    case 20:
      o << ", lsp-id ";
      print_id(o, m, kCommon + 4, 8);
      o << ", seq 0x";
      o.hex(be32_at(m, kCommon + 12), 8) << ", lifetime ";
      {
        std::string t = std::to_string(be16_at(m, kCommon + 2));
        for (std::size_t k = t.size(); k < 5; ++k) o << ' ';  // tcpdump's %5u
        o << t << 's';
      }
      break;
    default:  // CSNP, PSNP
      o << ", src-id ";
      print_id(o, m, kCommon + 2, 7);
      break;
  }
  o << ", length ";
  o.u(length);
}

}  // namespace

void decode_isis(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "isis";
  auto& l = c.d.push<IsisL>();
  l.msg = r.rest();
  if (l.msg.size() > length) l.msg = l.msg.first(length);
  l.length = length;
}

void print_isis(PrintCtx& p, std::size_t i) {
  p.proto = "isis";
  const auto& l = at<IsisL>(p.d, i);
  Out& o = p.o;
  Bytes m = l.msg;
  bool eflag = p.opt.link_header;
  if (eflag) o << "OSI NLPID IS-IS (0x83): ";
  sub(m, 0, kCommon);  // the common header captured, or " [|isis]"
  if (l.length < kCommon) throw Truncated{};
  if (!eflag) o << "IS-IS";
  if (!header_ok(o, m, l.length)) {
    print_unknown_data(o, m, l.length, "\n\t");
    return;
  }
  std::uint8_t type = m[4], fixed_len = m[1];
  if (!p.opt.verbose) {
    o << (eflag ? "" : ", ");
    tok_print(o, kPduTypes, type, "unknown PDU-Type ");
  } else {
    o << (eflag ? "" : ", ") << "length ";
    o.u(l.length) << "\n\t";
    tok_print(o, kPduTypes, type, "unknown, type ") << ", hlen: ";
    o.u(fixed_len) << ", v: ";
    o.u(m[2]) << ", pdu-v: ";
    o.u(m[5]) << ", sys-id-len: 6 (";
    o.u(m[3]) << "), max-area: ";
    o.u(m[7] == 0 ? 3u : m[7]) << " (";
    o.u(m[7]) << ')';
    if (p.opt.verbose > 1) print_unknown_data(o, m, kCommon, "\n\t");
  }
  std::uint32_t hsize = pdu_header_size(type);
  if (hsize == 0) {
    if (!p.opt.verbose) {
      o << ", length ";
      o.u(l.length);
      return;
    }
    print_unknown_data(o, m.subspan(kCommon), l.length - kCommon, "\n\t  ");
    print_unknown_data(o, m, l.length, "\n\t");
    return;
  }
  if (fixed_len != kCommon + hsize) {
    o << ((type == 26 || type == 27) ? "- bogus" : ", bogus") << " fixed header length ";
    o.u(fixed_len) << " should be ";
    o.u(type == 18 || type == 20 ? hsize : kCommon + hsize);  // tcpdump's LSP line says the header alone
    print_unknown_data(o, m, l.length, "\n\t");
    return;
  }
  sub(m, kCommon, hsize);
  if (l.length < kCommon + hsize) throw Truncated{};
  if (!p.opt.verbose) {
    print_brief(o, m, type, l.length);
    return;
  }
  // -v: the TLVs are not decoded yet; the PDU header and the rest in hex.
  print_unknown_data(o, m.subspan(kCommon), l.length - kCommon, "\n\t  ");
}

// The common header as typed members; what was not captured ends it with "truncated".
void json_isis(JsonWriter& w, const IsisL& l) {
  w.member("layer", "isis");
  w.member("length", l.length);
  Bytes m = l.msg;
  try {
    sub(m, 0, kCommon);
    w.member("header_length", m[1]);
    w.member("version", m[2]);
    w.member("id_length", m[3]);
    w.member("pdu_type", m[4]);
    if (auto name = tok_name(kPduTypes, m[4]); !name.empty()) w.member("pdu_type_name", name);
    w.member("max_area", m[7]);
  } catch (const Truncated&) {
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
