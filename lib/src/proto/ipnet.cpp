// Solaris ipnet (LINKTYPE_IPNET 226): a 24-byte big-endian header (version,
// address family, hardware type, packet length, interface index, group
// interface index, source and destination zone ids), then the IPv4 (family
// 2) or IPv6 (family 26) datagram. The text follows tcpdump 4.99.3's
// print-ipnet.c: nothing at -n, "4294967295 > 0, family IPv4 (2), length
// 108: " (the zones) under -e.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::uint32_t kHdrLen = 24;
constexpr std::uint8_t kAfInet = 2, kAfInet6 = 26;
constexpr Tok kFamilies[] = {{kAfInet, "IPv4"}, {kAfInet6, "IPv6"}};

void header(Out& o, const PrintOptions& opt, const IpnetL& l, std::uint32_t length) {
  o.u(l.zsrc) << " > ";
  o.u(l.zdst);
  std::string_view name = tok_name(kFamilies, l.family);
  if (!opt.quiet) {
    o << ", family " << (name.empty() ? std::string_view("Unknown") : name) << " (";
    o.u(l.family) << ')';
  } else if (!name.empty()) {
    o << ", " << name;
  } else {
    o << ", Unknown Ethertype (0x";
    o.hex(l.family, 4) << ')';
  }
  o << ", length ";
  o.u(length) << ": ";
}

}  // namespace

void decode_ipnet(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "ipnet";
  if (!r.has(kHdrLen)) throw Truncated{};
  auto& l = c.d.push<IpnetL>();
  l.length = length;
  l.version = r.u8();
  l.family = r.u8();
  l.htype = r.be16();
  l.pktlen = r.be32();
  l.ifindex = r.be32();
  l.grifindex = r.be32();
  l.zsrc = r.be32();
  l.zdst = r.be32();
  if (l.family == kAfInet) decode_ipv4(c, r, length - kHdrLen);
  else if (l.family == kAfInet6) decode_ipv6(c, r, length - kHdrLen);
  else c.d.push<UnknownL>({0, r.rest()});
}

void print_ipnet(PrintCtx& p, std::size_t i) {
  p.proto = "ipnet";
  const auto& l = at<IpnetL>(p.d, i);
  Out& o = p.o;
  if (p.opt.link_header) header(o, p.opt, l, l.length);
  print_link_payload(p, i, [&] { header(o, p.opt, l, l.length); });
}

void json_ipnet(JsonWriter& w, const IpnetL& l) {
  w.member("layer", "ipnet");
  w.member("version", l.version);
  w.member("family", l.family);
  w.member("htype", l.htype);
  w.member("pktlen", l.pktlen);
  w.member("ifindex", l.ifindex);
  w.member("grifindex", l.grifindex);
  w.member("zsrc", l.zsrc);
  w.member("zdst", l.zdst);
}

}  // namespace netlab::proto
