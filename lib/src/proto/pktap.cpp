// Apple's PKTAP (LINKTYPE_PKTAP 258): a little-endian header of at least
// 108 bytes (its own length, record type, the inner link type, interface
// name, flags, protocol family, process id and command name, ...), then the
// packet of the inner link type. The text follows tcpdump 4.99.3's
// print-pktap.c: nothing at -n, "DLT EN10MB (1) len 108, length 182: "
// under -e; an inner link type netlab does not decode is a hex dump.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::uint32_t kMinHdr = 108;
constexpr Tok kDlts[] = {{0, "NULL"}, {1, "EN10MB"}, {12, "RAW"}, {14, "RAW"}, {9, "PPP"}, {108, "LOOP"}};

std::uint32_t le32_at(Bytes b, std::size_t at) {
  Bytes x = sub(b, at, 4);
  return std::uint32_t(x[3]) << 24 | std::uint32_t(x[2]) << 16 | std::uint32_t(x[1]) << 8 | x[0];
}

void header(Out& o, const PrintOptions& opt, const PktapL& l, std::uint32_t length) {
  std::string_view name = tok_name(kDlts, l.dlt);
  if (name.empty()) name = "UNKNOWN";
  if (!opt.quiet) {
    o << "DLT " << name << " (";
    o.u(l.dlt) << ") len ";
    o.u(l.hdr_len);
  } else {
    o << name;
  }
  o << ", length ";
  o.u(length) << ": ";
}

}  // namespace

void decode_pktap(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "pktap";
  auto& l = c.d.push<PktapL>();
  l.length = length;
  if (length < kMinHdr) {
    l.note = 1;
    c.d[c.d.size() - 1].status = Status::Invalid;
    return;
  }
  Bytes all = r.rest();
  l.hdr_len = le32_at(all, 0);
  l.rectype = le32_at(all, 4);
  l.dlt = le32_at(all, 8);
  if (l.hdr_len < kMinHdr || l.hdr_len > length) {
    l.note = l.hdr_len < kMinHdr ? 2 : 3;
    c.d[c.d.size() - 1].status = Status::Invalid;
    return;
  }
  r.require(l.hdr_len);
  l.ifname = sub(all, 12, 24);
  l.pid = le32_at(all, 52);
  l.cmdname = sub(all, 56, 20);
  r.skip(l.hdr_len);
  length -= l.hdr_len;
  if (l.rectype != 1) return;  // 0: "no data"; others print nothing
  if (l.dlt == 1) decode_ethernet(c, r, length);
  else c.d.push<UnknownL>({0, r.rest()});
}

void print_pktap(PrintCtx& p, std::size_t i) {
  p.proto = "pktap";
  const auto& l = at<PktapL>(p.d, i);
  Out& o = p.o;
  switch (l.note) {
    case 1:
      o << " (packet too short, ";
      o.u(l.length) << " < ";
      o.u(kMinHdr) << ") (invalid)";
      return;
    case 2:
      o << " (pkt_len too small, ";
      o.u(l.hdr_len) << " < ";
      o.u(kMinHdr) << ") (invalid)";
      return;
    case 3:
      o << " (pkt_len too big, ";
      o.u(l.hdr_len) << " > ";
      o.u(l.length) << ") (invalid)";
      return;
    default:
      break;
  }
  if (p.opt.link_header) header(o, p.opt, l, l.length);
  if (l.rectype == 0) {
    o << "no data";
    return;
  }
  print_link_payload(p, i, [&] { header(o, p.opt, l, l.length); });
}

void json_pktap(JsonWriter& w, const PktapL& l) {
  auto text = [](Bytes b) {
    std::size_t k = 0;
    while (k < b.size() && b[k] != 0) ++k;
    return std::string(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(k));
  };
  w.member("layer", "pktap");
  w.member("header_length", l.hdr_len);
  if (l.note) return;
  w.member("record_type", l.rectype);
  w.member("dlt", l.dlt);
  w.member("ifname", text(l.ifname));
  w.member("pid", l.pid);
  w.member("command", text(l.cmdname));
}

}  // namespace netlab::proto
