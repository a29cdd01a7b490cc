// IP over InfiniBand (RFC 4391; LINKTYPE_IPOIB 242): a 44-byte pseudo
// header, the 20-byte destination and source hardware addresses, then the
// 4-byte encapsulation header whose first two bytes are an ethertype. The
// text follows tcpdump 4.99.3's print-ipoib.c: nothing at -n, "IPOIB,
// ethertype IPv4 (0x0800), length 128: " under -e.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::uint32_t kHdrLen = 44;

void header(Out& o, const PrintOptions& opt, const IpoibL& l) {
  std::string_view name = ethertype_name(l.type);
  if (name.empty()) name = "Unknown";
  o << "IPOIB, ethertype " << name;
  if (!opt.quiet) {
    o << " (0x";
    o.hex(l.type, 4) << ')';
  }
  o << ", length ";
  o.u(l.length) << ": ";
}

}  // namespace

void decode_ipoib(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "ipoib";
  if (!r.has(kHdrLen) || length < kHdrLen) throw Truncated{};
  auto& l = c.d.push<IpoibL>();
  l.length = length;
  l.hwaddr = r.bytes(40);
  l.type = r.be16();
  r.skip(2);
  decode_ethertype(c, l.type, r, length - kHdrLen);
}

void print_ipoib(PrintCtx& p, std::size_t i) {
  p.proto = "ipoib";
  const auto& l = at<IpoibL>(p.d, i);
  Out& o = p.o;
  if (p.opt.link_header) header(o, p.opt, l);
  print_link_payload(p, i, [&] { header(o, p.opt, l); });
}

void json_ipoib(JsonWriter& w, const IpoibL& l) {
  w.member("layer", "ipoib");
  w.member("pseudo_header", hex_text(l.hwaddr));  // the 40 bytes before the ethertype
  w.member("ethertype", l.type);
}

}  // namespace netlab::proto
