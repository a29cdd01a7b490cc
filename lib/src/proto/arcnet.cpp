// ARCnet (LINKTYPE_ARCNET_BSD 7, LINKTYPE_ARCNET_LINUX 129): source and
// destination station bytes, then the system code (RFC 1051's old IP/ARP
// codes 240/241, RFC 1201's 212-214 and kin). BSD frames with an RFC 1201
// code carry a fragmentation header (split flag, sequence id; an exception
// frame's is 4 bytes longer); Linux's header has a 2-byte offset before the
// code and always the RFC 1201 fields after it, reassembled. The text
// follows tcpdump 4.99.3's print-arcnet.c, which under -e names the byte at
// offset 2 as the code whatever the header (under Linux's that is the
// offset's first byte).
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::uint8_t kIpOld = 0xf0, kArpOld = 0xf1, kIp = 0xd4, kArp = 0xd5, kRevarp = 0xd6, kAtalk = 0xdd,
                       kIpx = 0xfa, kInet6 = 0xc4, kDiagnose = 0x80;
constexpr Tok kTypes[] = {{kIpOld, "oldip"}, {kArpOld, "oldarp"}, {kIp, "ip"},     {kArp, "arp"},
                          {kRevarp, "rarp"}, {kAtalk, "atalk"},   {0xf7, "banyan"}, {kIpx, "ipx"},
                          {kInet6, "ipv6"},  {kDiagnose, "diag"}};
constexpr std::uint32_t kDdpSize = 13;

bool old_style(std::uint8_t type) { return type == kIpOld || type == kArpOld || type == kDiagnose; }

void header(Out& o, const PrintOptions& opt, const ArcnetL& a, bool phds) {
  o.hex(a.shost, 2) << ' ';
  o.hex(a.dhost, 2) << ' ';
  if (opt.quiet) {
    o.u(a.length) << ": ";
    return;
  }
  std::string_view name = tok_name(kTypes, a.name_byte);
  if (name.empty()) o.hex(a.name_byte, 2);
  else o << name;
  o << ' ';
  if (phds) {
    o << "seqid ";
    o.hex(a.seqid, 4) << ' ';
    if (a.flag & 1) {
      o << "(first of ";
      o.u((a.flag + 3u) / 2) << " fragments) ";
    } else if (a.flag) {
      o << "(fragment ";
      o.u(a.flag / 2u + 1) << ") ";
    }
  }
  o.u(a.length) << ": ";
}

}  // namespace

void decode_arcnet(Ctx& c, ByteReader r, std::uint32_t length, bool linux_hdr) {
  c.d.trunc_proto = linux_hdr ? "arcnet_linux" : "arcnet";
  ArcnetL a;
  a.linux_hdr = linux_hdr;
  a.length = length;
  std::size_t type_at = linux_hdr ? 4 : 2;
  if (!r.has(type_at + 1)) throw Truncated{};
  a.shost = r.peek8(0);
  a.dhost = r.peek8(1);
  a.name_byte = r.peek8(2);
  a.type = r.peek8(type_at);
  if (linux_hdr) {
    a.offset = r.peek16(2);
    a.hdr_len = old_style(a.type) ? 5 : 8;
    if (!r.has(a.hdr_len)) throw Truncated{};
  } else if (old_style(a.type)) {
    a.hdr_len = 3;
  } else {
    a.phds = true;
    // tcpdump prints the short header, then " phds" (" phds extended")
    // and the truncation.
    if (!r.has(6)) {
      c.d.push<ArcnetL>(a);
      c.d.trunc_proto = "arcnet";
      throw Truncated{};
    }
    a.flag = r.peek8(3);
    if (a.flag == 0xff) {
      if (!r.has(10)) {
        a.hdr_len = 0xff;  // marks the extended header's truncation
        c.d.push<ArcnetL>(a);
        throw Truncated{};
      }
      a.flag = r.peek8(7);
      a.seqid = r.peek16(8);
      a.hdr_len = 10;
    } else {
      a.seqid = r.peek16(4);
      a.hdr_len = 6;
    }
  }
  c.d.push<ArcnetL>(a);
  r.skip(a.hdr_len);
  length -= a.hdr_len;
  if (a.phds && a.flag && (a.flag & 1) == 0) return;  // a middle fragment: the header only
  switch (a.type) {
    case kIpOld:
    case kIp: decode_ipv4(c, r, length); return;
    case kInet6: decode_ipv6(c, r, length); return;
    case kArpOld:
    case kArp:
    case kRevarp: decode_arp(c, r, length); return;
    default: c.d.push<UnknownL>({a.type, r.rest()}); return;
  }
}

void print_arcnet(PrintCtx& p, std::size_t i) {
  const auto& a = at<ArcnetL>(p.d, i);
  p.proto = a.linux_hdr ? "arcnet_linux" : "arcnet";
  Out& o = p.o;
  if (a.phds && (a.hdr_len == 0 || a.hdr_len == 0xff)) {  // the RFC 1201 header not captured
    header(o, p.opt, a, false);
    o << (a.hdr_len == 0 ? " phds" : " phds extended");
    return;
  }
  if (p.opt.link_header) header(o, p.opt, a, a.phds);
  if (i + 1 >= p.d.size()) return;
  if (is<UnknownL>(p.d, i + 1)) {
    const auto& u = at<UnknownL>(p.d, i + 1);
    std::uint32_t length = a.length - a.hdr_len;
    if (a.type == kAtalk) {  // atalk_print: the DDP header's checks
      if (p.opt.verbose) o << "et1 ";
      if (!p.opt.link_header) o << "AT ";
      if (length < kDdpSize) {
        o << " [|ddp ";
        o.u(length) << ']';
        return;
      }
      if (u.data.size() < kDdpSize) {
        o << " [|ddp]";
        return;
      }
    }
    if (p.opt.hex == HexStyle::None && !p.opt.quiet) hex_dump(o, u.data, true);
    return;
  }
  print_layers(p, i + 1);
}

void json_arcnet(JsonWriter& w, const ArcnetL& l) {
  w.member("layer", "arcnet");
  w.member("header", l.linux_hdr ? std::string_view("linux") : std::string_view("bsd"));
  w.member("src", l.shost);
  w.member("dst", l.dhost);
  w.member("type", l.type);
  if (l.linux_hdr) w.member("offset", l.offset);
  if (l.phds) {
    w.member("split_flag", l.flag);
    w.member("seqid", l.seqid);
  }
}

}  // namespace netlab::proto
