// Linux netfilter log messages (LINKTYPE_NFLOG 239,
// https://www.tcpdump.org/linktypes/LINKTYPE_NFLOG.html): a 4-byte header
// (address family, version, resource id, big-endian) then TLVs whose length
// and type are in the capturing host's byte order (little-endian here, as
// tcpdump reads them on this machine), each padded to 4 bytes; the
// NFULA_PAYLOAD TLV (9) carries the IPv4 or IPv6 datagram. The text follows
// tcpdump 4.99.3's print-nflog.c: nothing before the datagram at -n, "version
// 0, resource ID 20, family IPv4 (2), length 180: " under -e.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::uint8_t kAfInet = 2, kAfInet6 = 10;
constexpr std::uint16_t kPayload = 9;
constexpr Tok kFamilies[] = {{kAfInet, "IPv4"}, {kAfInet6, "IPv6"}};

void header(Out& o, const PrintOptions& opt, const NflogL& n, std::uint32_t length) {
  o << "version ";
  o.u(n.version) << ", resource ID ";
  o.u(n.rid);
  std::string_view name = tok_name(kFamilies, n.family);
  if (!opt.quiet) {
    o << ", family " << (name.empty() ? std::string_view("Unknown") : name) << " (";
    o.u(n.family) << ')';
  } else if (!name.empty()) {
    o << ", " << name;
  } else {
    o << ", Unknown NFLOG (0x";
    o.hex(n.family, 2) << ')';
  }
  o << ", length ";
  o.u(length) << ": ";
}

}  // namespace

void decode_nflog(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "nflog_if";
  if (!r.has(4)) throw Truncated{};
  auto& n = c.d.push<NflogL>();
  n.length = length;
  n.family = r.u8();
  n.version = r.u8();
  n.rid = r.be16();
  n.stage = 1;
  if (n.version != 0) return;  // "version N (unknown)"
  length -= 4;
  Bytes start = r.rest();
  std::size_t walked = 0;
  while (length > 0) {
    if (!r.has(4)) {
      n.tlvs = start.first(walked);
      throw Truncated{};
    }
    std::uint16_t size = r.peek8(0) | static_cast<std::uint16_t>(r.peek8(1) << 8);
    std::uint16_t type = r.peek8(2) | static_cast<std::uint16_t>(r.peek8(3) << 8);
    if (size % 4 != 0) size = static_cast<std::uint16_t>(size + 4 - size % 4);  // 16 bits, as tcpdump's
    if (size < 4 || !r.has(size)) {
      n.tlvs = start.first(walked);
      throw Truncated{};
    }
    if (type == kPayload) {
      r.skip(4);
      n.hdr_len += 4;
      length -= 4;
      break;
    }
    r.skip(size);
    walked += size;
    n.hdr_len += size;
    length -= size;
  }
  n.tlvs = start.first(walked);
  n.stage = 2;
  if (n.family == kAfInet) decode_ipv4(c, r, length);
  else if (n.family == kAfInet6) decode_ipv6(c, r, length);
  else c.d.push<UnknownL>({0, r.rest()});
}

void print_nflog(PrintCtx& p, std::size_t i) {
  p.proto = "nflog_if";
  const auto& n = at<NflogL>(p.d, i);
  Out& o = p.o;
  if (n.version != 0) {
    o << "version ";
    o.u(n.version) << " (unknown)";
    return;
  }
  if (p.opt.link_header) header(o, p.opt, n, n.length);
  if (n.stage < 2) return;
  print_link_payload(p, i, [&] { header(o, p.opt, n, n.length - n.hdr_len + 4); });
}

void json_nflog(JsonWriter& w, const NflogL& l) {
  w.member("layer", "nflog");
  w.member("family", l.family);
  w.member("version", l.version);
  w.member("resource_id", l.rid);
  // The TLVs before the payload, typed where the kernel's meaning is fixed
  // (linux/netfilter/nfnetlink_log.h); their length and type little-endian.
  w.key("tlvs");
  w.begin_array();
  Bytes b = l.tlvs;
  std::size_t at = 0;
  while (b.size() - at >= 4) {
    std::uint16_t len = static_cast<std::uint16_t>(b[at] | b[at + 1] << 8);
    std::uint16_t type = static_cast<std::uint16_t>(b[at + 2] | b[at + 3] << 8);
    std::size_t padded = (std::size_t(len) + 3) & ~std::size_t(3);
    if (len < 4 || padded > b.size() - at) break;
    Bytes v = b.subspan(at + 4, len - 4u);
    w.begin_object();
    w.member("type", type);
    switch (type) {
      case 1:  // NFULA_PACKET_HDR
        if (v.size() >= 3) {
          w.member("hw_protocol", static_cast<std::uint16_t>(v[0] << 8 | v[1]));
          w.member("hook", v[2]);
        }
        break;
      case 2: case 4: case 5: case 6: case 7: case 11: case 12: case 13: case 14:
        if (v.size() >= 4) {
          static constexpr std::string_view kNames[] = {"", "", "mark", "", "indev", "outdev", "physindev",
                                                        "physoutdev", "", "", "", "uid", "seq", "seq_global", "gid"};
          w.member(kNames[type], be32_at(v, 0));
        }
        break;
      case 8:  // NFULA_HWADDR: length, pad, address
        if (v.size() >= 4) {
          std::size_t alen = std::min<std::size_t>(be16_at(v, 0), std::min<std::size_t>(8, v.size() - 4));
          w.member("hwaddr", mac_text(v.subspan(4, alen)));
        }
        break;
      case 10: {  // NFULA_PREFIX: a NUL-terminated string
        std::size_t k = 0;
        while (k < v.size() && v[k] != 0) ++k;
        w.member("prefix", std::string(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k)));
        break;
      }
      case 15:
        if (v.size() >= 2) w.member("hwtype", be16_at(v, 0));
        break;
      default:
        w.member("value", hex_text(v));
        break;
    }
    w.end_object();
    at += padded;
  }
  w.end_array();
}

}  // namespace netlab::proto
