// IPv4 (RFC 791): header, options (RFC 791 3.1, RFC 2113 router alert),
// fragments and header checksum; plus the IP payload demultiplexer that
// IPv4 and IPv6 share.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr Tok kOptionNames[] = {{0, "EOL"}, {1, "NOP"}, {7, "RR"}, {68, "timestamp"}, {130, "security"},
                                 {131, "LSRR"}, {137, "SSRR"}, {148, "RA"}};

void print_route(Out& o, ByteReader opt, std::uint32_t length) {
  if (length < 3) {
    o << " [bad length ";
    o.u(length) << ']';
    return;
  }
  if ((length + 1) & 3) {
    o << " [bad length ";
    o.u(length) << ']';
  }
  std::uint32_t ptr_raw = opt.peek8(2);
  std::uint32_t ptr = ptr_raw - 1;
  if (ptr_raw == 0 || ptr < 3 || ((ptr + 1) & 3) || ptr > length + 1) {
    o << " [bad ptr ";
    o.u(ptr_raw) << ']';
  }
  for (std::uint32_t len = 3; len < length; len += 4) {
    auto a = sub(opt.rest(), len, 4);
    o << ' ';
    o.ip4(a);
    if (ptr > len) o << ',';  // unsigned, as in tcpdump: a zero pointer wraps, every address gets a comma
  }
}

void print_ts(Out& o, ByteReader opt, std::uint32_t length) {
  if (length < 4) {
    o << "[bad length ";
    o.u(length) << ']';
    return;
  }
  o << " TS{";
  std::uint8_t flags = opt.peek8(3);
  std::uint32_t hoplen = (flags & 0xf) != 0 ? 8 : 4;
  if ((length - 4) & (hoplen - 1)) {
    o << "[bad length ";
    o.u(length) << ']';
  }
  std::uint32_t ptr_raw = opt.peek8(2);
  std::uint32_t ptr = ptr_raw - 1;
  std::uint32_t len = 0;
  if (ptr_raw == 0 || ptr < 4 || ((ptr - 4) & (hoplen - 1)) || ptr > length + 1) {
    o << "[bad ptr ";
    o.u(ptr_raw) << ']';
  }
  bool ok = true;
  switch (flags & 0xf) {
    case 0: o << "TSONLY"; break;
    case 1: o << "TS+ADDR"; break;
    case 3: o << "PRESPEC"; break;
    default:
      o << "[bad ts type ";
      o.u(flags & 0xf) << ']';
      ok = false;
  }
  if (ok) {
    std::string_view type = " ";
    for (len = 4; len < length; len += hoplen) {
      if (ptr_raw != 0 && ptr == len) type = " ^ ";
      auto hop = sub(opt.rest(), len, hoplen);
      o << type;
      o.u(std::uint32_t(hop[hoplen - 4]) << 24 | std::uint32_t(hop[hoplen - 3]) << 16 |
          std::uint32_t(hop[hoplen - 2]) << 8 | hop[hoplen - 1])
          << '@';
      if (hoplen == 8) o.ip4(hop.first(4));
      type = " ";
    }
  }
  o << (ptr_raw != 0 && ptr == len ? " ^ " : "");
  if (flags >> 4) {
    o << " [";
    o.u(flags >> 4) << " hops not recorded]} ";
  } else {
    o << '}';
  }
}

// One option's value (as tcpdump's ip_optprint: the route and timestamp
// printers may read past a bad option length, as far as the capture goes).
void print_option_value(Out& o, const Tlv& t) {
  ByteReader opt(t.rest);
  auto olen = static_cast<std::uint32_t>(t.size);
  switch (t.type) {
    case 68: print_ts(o, opt, olen); break;
    case 7:
    case 131:
    case 137: print_route(o, opt, olen); break;
    case 148:
      if (olen < 4) {
        o << " [bad length ";
        o.u(olen) << ']';
        break;
      }
      if (opt.peek16(2) != 0) {
        o << " value ";
        o.u(opt.peek16(2));
      }
      break;
    default: break;
  }
}

// Prints the options; false when they ran past the capture.
bool print_options(Out& o, Bytes options, std::uint32_t length) {
  TlvWalker walker(kIpv4Options, options, length);
  std::string_view sep;
  while (auto t = walker.next()) {
    o << sep;
    sep = ",";
    // The code and length bytes are GET_U_1 reads in tcpdump's
    // ip_optprint: past the capture they end the packet with " [|ip]"
    // (Truncated leaves the printer); only a short option body is
    // " [truncated-option]".
    if (t->header == 0) throw Truncated{};
    tok_print(o, kOptionNames, t->type, "unknown ");
    switch (t->status) {
      case TlvStatus::Cut: throw Truncated{};
      case TlvStatus::BadLength:
      case TlvStatus::PastEnd:
        o << " [bad length ";
        o.u(t->length) << ']';
        return true;
      // ND_TCHECK_LEN of the whole option, and the route and timestamp
      // printers' own checks: " [truncated-option]".
      case TlvStatus::Truncated: return false;
      case TlvStatus::Ok: break;
    }
    try {
      print_option_value(o, *t);
    } catch (const Truncated&) {
      return false;
    }
  }
  return true;
}

}  // namespace

void decode_ipv4(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "ip";
  std::size_t index = c.d.size();
  auto& h = c.d.push<Ipv4L>();
  h.length = length;
  std::uint8_t vhl = r.peek8(0);
  h.version = vhl >> 4;
  h.stage = 1;
  if (h.version != 4) {
    h.note = Ipv4L::WrongVersion;
    c.d[index].status = Status::Invalid;
    return;
  }
  r.require(20);
  Bytes all = r.rest();
  h.ihl = vhl & 0x0f;
  h.tos = all[1];
  h.total = static_cast<std::uint16_t>(all[2] << 8 | all[3]);
  h.id = static_cast<std::uint16_t>(all[4] << 8 | all[5]);
  h.off = static_cast<std::uint16_t>(all[6] << 8 | all[7]);
  h.ttl = all[8];
  h.proto = all[9];
  h.sum = static_cast<std::uint16_t>(all[10] << 8 | all[11]);
  h.src = all.subspan(12, 4);
  h.dst = all.subspan(16, 4);
  h.stage = 2;
  if (length < 20) {
    h.note = Ipv4L::TruncatedIp;
    return;
  }
  std::uint32_t hlen = h.ihl * 4u;
  if (hlen < 20) {
    h.note = Ipv4L::BadHlen;
    return;
  }
  std::uint32_t len = h.total;
  if (length < len) h.missing = len - length;
  if (len < hlen) {  // zero too: tcpdump 4.99.3 is built without GUESS_TSO
    h.note = Ipv4L::BadLen;
    return;
  }
  r.limit(len);  // the datagram ends at its total length (drops padding)
  h.options = r.rest().subspan(20, std::min<std::size_t>(r.remaining(), hlen) - 20);
  if (r.has(hlen)) {
    h.header = r.rest().first(hlen);
    h.stage = 3;
    if (c.opt.verbose) {
      h.computed_sum = fold_checksum(ones_sum(h.header));
      h.sum_checked = true;
    }
  }
  len -= hlen;
  if (h.fragment()) return;  // a later fragment prints without the rest of its header
  if (h.stage < 3) throw Truncated{};  // printed as tcpdump does, then [|ip]
  r.skip(hlen);
  decode_ip_payload(c, h.proto, r, len, index, h.more_fragments());
}

void decode_ip_payload(Ctx& c, std::uint8_t proto, ByteReader r, std::uint32_t length, std::size_t ip,
                       bool fragmented) {
  switch (proto) {
    case 1:
      if (is<Ipv4L>(c.d, ip)) decode_icmp(c, r, length, fragmented);
      else c.d.push<OtherIpL>({proto, length});
      return;
    case 6: decode_tcp(c, r, length, ip, fragmented); return;
    case 17: decode_udp(c, r, length, ip, fragmented); return;
    case 2: decode_igmp(c, r, length); return;
    case 47: decode_gre(c, r, length); return;
    case 112: decode_vrrp(c, r, length, ip); return;
    case 103: decode_pim(c, r, length, ip); return;
    case 50: decode_esp(c, r, length); return;
    case 88: decode_eigrp(c, r, length); return;
    case 51: decode_ah(c, r, length, ip, fragmented); return;
    case 89: decode_ospf(c, r, length, ip); return;
    case 132: decode_sctp(c, r, length); return;
    case 33: decode_dccp(c, r, length, ip); return;
    case 46: decode_rsvp(c, r, length); return;
    case 58:
      if (is<Ipv6L>(c.d, ip)) decode_icmp6(c, r, length, ip, fragmented);
      else c.d.push<OtherIpL>({proto, length});
      return;
    case 62:
    case 135:  // tcpdump's IPv6 chain prints the Mobility Header; over IPv4 it is a bare protocol
      if (is<Ipv6L>(c.d, ip)) decode_mobility(c, r, length);
      else c.d.push<OtherIpL>({proto, length});
      return;
    case 4: decode_ipv4(c, r, length); return;
    case 41: decode_ipv6(c, r, length); return;
    case 143: decode_ethernet(c, r, length); return;  // RFC 8986 Ethernet in IPv6
    default: c.d.push<OtherIpL>({proto, length}); return;
  }
}

void print_ip_pair(PrintCtx& p, std::size_t ip, int sport, int dport) {
  Out& o = p.o;
  if (is<Ipv4L>(p.d, ip)) {
    const auto& h = at<Ipv4L>(p.d, ip);
    o.ip4(h.src);
    if (sport >= 0) o << '.', o.u(static_cast<unsigned>(sport));
    o << " > ";
    o.ip4(h.dst);
    if (dport >= 0) o << '.', o.u(static_cast<unsigned>(dport));
  } else {
    const auto& h = at<Ipv6L>(p.d, ip);
    o.ip6(h.src);
    if (sport >= 0) o << '.', o.u(static_cast<unsigned>(sport));
    o << " > ";
    o.ip6(h.dst);
    if (dport >= 0) o << '.', o.u(static_cast<unsigned>(dport));
  }
}

namespace {

// tcpdump's "[, flags ...]" of the fragment field: "+" (MF), "DF", "rsvd".
void print_frag_flags(Out& o, std::uint16_t off) {
  static constexpr std::pair<std::uint16_t, std::string_view> kFlags[] = {{0x2000, "+"}, {0x4000, "DF"}, {0x8000, "rsvd"}};
  std::uint16_t f = off & 0xe000;
  if (!f) o << "none";
  bool first = true;
  for (auto [bit, name] : kFlags) {
    if (!(f & bit)) continue;
    if (!first) o << ", ";
    o << name;
    first = false;
  }
}

// The -v header text "(tos ..., options (...))\n    "; false when the
// options ran past the capture (" [truncated-option]").
bool print_ipv4_verbose(PrintCtx& p, const Ipv4L& h) {
  static constexpr Tok kEcn[] = {{1, ",ECT(1)"}, {2, ",ECT(0)"}, {3, ",CE"}};
  Out& o = p.o;
  std::uint32_t hlen = h.ihl * 4u;
  o << "(tos 0x";
  o.hex(h.tos) << tok_name(kEcn, h.tos & 3);
  if (h.ttl >= 1) o << ", ttl ", o.u(h.ttl);
  o << ", id ";
  o.u(h.id) << ", offset ";
  o.u((h.off & 0x1fff) * 8u) << ", flags [";
  print_frag_flags(o, h.off);
  o << "], proto ";
  auto pn = ipproto_name(h.proto);
  o << (pn.empty() ? std::string_view("unknown") : pn) << " (";
  o.u(h.proto) << "), length ";
  o.u(h.total);
  bool complete = true;
  if (hlen > 20) {
    o << ", options (";
    // tcpdump reads an option's code and length bytes wherever the
    // datagram was captured, past the header too (up to its total length).
    std::size_t avail = static_cast<std::size_t>(p.d.raw.data() + p.d.raw.size() - h.options.data());
    std::uint32_t end = std::min<std::uint32_t>(h.length, h.total);
    Bytes wide(h.options.data(), std::min<std::size_t>(avail, end > 20 ? end - 20 : 0));
    if (wide.size() < h.options.size()) wide = h.options;
    if (!print_options(o, wide, hlen - 20)) {
      o << " [truncated-option]";
      complete = false;
    }
    o << ')';
  }
  if (h.sum_checked && h.computed_sum != 0) {
    o << ", bad cksum ";
    o.hex(h.sum) << " (->";
    o.hex(cksum_shouldbe(h.sum, h.computed_sum)) << ")!";
  }
  o << ")\n    ";
  return complete;
}

}  // namespace

void print_ipv4(PrintCtx& p, std::size_t i) {
  p.proto = "ip";
  const auto& h = at<Ipv4L>(p.d, i);
  Out& o = p.o;
  if (h.stage < 1) return;
  if (h.note == Ipv4L::UnknownIp) {  // ipN_print: neither IPv4 nor IPv6
    o << "unknown ip ";
    o.u(h.version);
    return;
  }
  if (h.note == Ipv4L::WrongVersion) {
    o << "IP";
    o.u(h.version);
    if (h.version == 6) o << ", wrong link-layer encapsulation";
    o << " (invalid)";
    return;
  }
  if (!p.opt.link_header) o << "IP ";
  if (h.stage < 2) return;
  switch (h.note) {
    case Ipv4L::TruncatedIp: o << "truncated-ip "; o.u(h.length); return;
    case Ipv4L::BadHlen: o << "bad-hlen "; o.u(h.ihl * 4u); return;
    default: break;
  }
  if (h.missing) {
    o << "truncated-ip - ";
    o.u(h.missing) << " bytes missing! ";
  }
  if (h.note == Ipv4L::BadLen) {
    o << "bad-len ";
    o.u(h.total);
    return;
  }
  std::uint32_t hlen = h.ihl * 4u;
  if (p.opt.verbose && !print_ipv4_verbose(p, h)) {
    print_ip_pair(p, i, -1, -1);
    o << ": ";
    p.proto = "ip";
    throw Truncated{};
  }
  if (h.fragment()) {
    print_ip_pair(p, i, -1, -1);
    o << ": ip-proto-";
    o.u(h.proto);
    return;
  }
  bool l4 = h.proto == 6 || h.proto == 17 || h.proto == 132 || h.proto == 33;
  if (!l4) {
    print_ip_pair(p, i, -1, -1);
    o << ": ";
  }
  if (h.stage < 3) {
    o << " [remaining caplen(";
    std::size_t avail = h.options.size() + 20;
    o.u(avail) << ") < header length(";
    o.u(hlen) << ")]";
    return;
  }
  if (i + 1 < p.d.size()) print_layers(p, i + 1);
}

void print_other_ip(PrintCtx& p, std::size_t i) {
  const auto& x = at<OtherIpL>(p.d, i);
  Out& o = p.o;
  if (x.proto == 59) {
    o << "no next header";
    return;
  }
  o << " ip-proto-";
  o.u(x.proto) << ' ';
  o.u(x.length);
}

namespace {

void json_option(JsonWriter& w, const Tlv& o, TlvWalker& walker) {
  static constexpr Tok kJsonNames[] = {{0, "EOL"}, {1, "NOP"}, {7, "RR"}, {68, "TS"},
                                       {131, "LSRR"}, {137, "SSRR"}, {148, "RA"}};
  w.member("type", static_cast<unsigned>(o.type));
  if (o.header == 1 && o.status == TlvStatus::Ok) {
    w.member("name", tok_name(kJsonNames, o.type));
    return;
  }
  if (o.status == TlvStatus::BadLength) walker.resume_after(0);  // no value; the list goes on
  else if (o.status != TlvStatus::Ok) throw Truncated{};
  if (auto name = tok_name(kJsonNames, o.type); !name.empty()) w.member("name", name);
  w.member("length", static_cast<unsigned>(o.length));
  w.member("data", hex_text(o.value));
}

}  // namespace

void json_ipv4(JsonWriter& w, const Ipv4L& l) {
  w.member("layer", "ipv4");
  w.member("version", l.version);
  if (l.stage < 2) return;
  w.member("ihl", l.ihl);
  w.member("tos", l.tos);
  w.member("total_length", l.total);
  w.member("id", l.id);
  w.member("df", (l.off & 0x4000) != 0);
  w.member("mf", (l.off & 0x2000) != 0);
  w.member("frag_offset", (l.off & 0x1fff) * 8u);
  w.member("ttl", l.ttl);
  w.member("protocol", l.proto);
  w.member("checksum", l.sum);
  if (l.sum_checked) w.member("checksum_ok", l.computed_sum == 0);
  w.member("src", ip4_text(l.src));
  w.member("dst", ip4_text(l.dst));
  if (!l.options.empty()) json_options(w, TlvWalker(kIpv4Options, l.options), json_option);
}

void json_other_ip(JsonWriter& w, const OtherIpL& l) {
  w.member("layer", "ip-payload");
  w.member("protocol", l.proto);
  w.member("length", l.length);
}

}  // namespace netlab::proto
