// IPv6 (RFC 8200): fixed header and the extension headers hop-by-hop and
// destination options (with RFC 2675 jumbo payload and RFC 2711 router
// alert), routing (type 0, 2 and RFC 8754 segment routing) and fragment.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

bool is_ext(std::uint8_t nh) { return nh == 0 || nh == 43 || nh == 44 || nh == 60; }

// The jumbo payload option (RFC 2675) of a hop-by-hop header, as tcpdump
// judges it; jumbo_ok once one is valid.
void print_jumbo(Out& o, bool v, std::uint32_t j, bool hbh, std::uint16_t plen, bool& found, bool& jumbo_ok) {
  if (found) {
    if (v) o << "(jumbo: ", o.u(j) << " - already seen) ";
    return;
  }
  found = true;
  if (!hbh) {
    if (v) o << "(jumbo: ", o.u(j) << " - not a hop-by-hop option) ";
  } else if (plen != 0) {
    if (v) o << "(jumbo: ", o.u(j) << " - payload len != 0) ";
  } else if (j < 65536) {
    if (v) o << "(jumbo: ", o.u(j) << " - < 65536) ";
  } else {
    jumbo_ok = true;
    if (v) o << "(jumbo: ", o.u(j) << ") ";
  }
}

// An option whose length tcpdump checks: the room it needs from its first
// byte, and the length byte it must have (any >= min_len when exact is
// false). False after the "(name: ...)" text that ends the packet's decode.
bool option_fits(Out& o, const Tlv& t, std::string_view name, std::size_t need, std::uint8_t len, bool exact) {
  if (t.room < need) {
    o << '(' << name << ": trunc)";
    return false;
  }
  if (exact ? t.length != len : t.length < len) {
    o << '(' << name << ": invalid len ";
    o.u(t.length) << ')';
    return false;
  }
  return true;
}

// The options of a hop-by-hop or destination header; returns false at an
// error that ends the packet's decode (tcpdump's "goto trunc").
bool print_opts(Out& o, const PrintOptions& opt, Bytes b, bool hbh, std::uint16_t plen, bool& jumbo_ok) {
  bool found = false;
  bool v = opt.verbose > 0;
  TlvWalker walker(kIpv6Options, b);
  while (auto t = walker.next()) {
    if (t->status != TlvStatus::Ok) return false;
    ByteReader r(t->rest);
    switch (t->type) {
      case 0:
        if (v) o << "(pad1)";
        break;
      case 1:
        if (v) o << "(padn)";
        break;
      case 5:
        if (!option_fits(o, *t, "rtalert", 4, 2, true)) return false;
        if (v) o << "(rtalert: 0x", o.hex(r.peek16(2), 4) << ") ";
        break;
      case 0xc2: {
        if (!option_fits(o, *t, "jumbo", 6, 4, true)) return false;
        r.skip(2);
        print_jumbo(o, v, r.be32(), hbh, plen, found, jumbo_ok);
        break;
      }
      case 0xc9:
        if (!option_fits(o, *t, "homeaddr", 18, 16, false)) return false;
        if (v) {
          o << "(homeaddr: ";
          o.ip6(sub(t->rest, 2, 16)) << ')';
        }
        break;
      default:
        if (v) {
          o << "(opt_type 0x";
          o.hex(t->type, 2) << ": len=";
          o.u(t->length) << ')';
        }
        break;
    }
  }
  if (v) o << ' ';
  return true;
}

// Scans a hop-by-hop header for a valid jumbo payload option (RFC 2675).
std::uint32_t find_jumbo(Bytes b, std::uint16_t plen) {
  if (plen != 0) return 0;
  TlvWalker walker(kIpv6Options, b);
  while (auto t = walker.next()) {
    if (t->status != TlvStatus::Ok) return 0;
    if (t->type == 5 && (t->room < 4 || t->length != 2)) return 0;
    if (t->type == 0xc9 && (t->room < 18 || t->length < 16)) return 0;
    if (t->type == 0xc2) {
      if (t->room < 6 || t->length != 4) return 0;
      ByteReader r(t->value);
      std::uint32_t j = r.be32();
      return j >= 65536 ? j : 0;
    }
  }
  return 0;
}

struct ExtStep {
  std::uint32_t advance = 0;  // 0: the decode ends with this header
  std::uint8_t next = 0;
};

// Decodes the extension header nh at the start of r into a new layer: its
// size and next header, or advance 0 when the decode ends with it (marked
// Invalid, or a fragment with no upper-layer header after it). Throws
// Truncated when the capture ends in it.
ExtStep decode_ext(Ctx& c, const ByteReader& r, std::uint8_t nh, std::uint16_t plen, bool first_ext,
                   bool& fragmented, std::uint32_t& jumbo) {
  std::size_t index = c.d.size();
  auto& e = c.d.push<Ipv6ExtL>();
  e.type = nh;
  c.d.trunc_proto = nh == 0 ? "hbhopt" : nh == 60 ? "dstopt" : nh == 43 ? "rt6" : "frag6";
  auto invalid = [&] {
    c.d[index].status = Status::Invalid;
    return ExtStep{};
  };
  if (nh == 44) {
    e.body = r.rest().first(std::min<std::size_t>(8, r.remaining()));
    // frag6_print reads the offset (and with -v the identification); a
    // header cut after them still prints, and ends the packet below.
    if (r.remaining() < (c.opt.verbose ? 8u : 4u)) throw Truncated{};
    auto x = ext_header(nh, r);
    e.nh = x->next;
    e.stage = 2;
    fragmented = true;
    if (x->later_fragment || r.remaining() <= 8) return {};
    return {8, e.nh};
  }
  auto x = ext_header(nh, r);
  e.body = r.rest().first(std::min<std::size_t>(x->size, r.remaining()));
  e.nh = x->next;
  if (nh == 43) {
    e.stage = r.has(x->size) ? 2 : 1;
    std::uint8_t rtype = r.peek8(2);
    if (rtype != 0 && rtype != 2 && rtype != 4) return invalid();
    if (r.peek8(1) % 2 == 1) return invalid();
  } else if (nh == 0 && !first_ext) {
    return invalid();
  }
  if (!r.has(x->size)) throw Truncated{};
  e.stage = 2;
  if (nh == 0) {
    jumbo = find_jumbo(e.body.subspan(2), plen);
    if (plen == 0 && jumbo == 0) return invalid();
  }
  return {static_cast<std::uint32_t>(x->size), e.nh};
}

}  // namespace

void decode_ipv6(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "ip6";
  std::size_t index = c.d.size();
  auto& h = c.d.push<Ipv6L>();
  h.length = length;
  r.require(40);
  Bytes all = r.rest();
  std::uint32_t first = std::uint32_t(all[0]) << 24 | std::uint32_t(all[1]) << 16 | std::uint32_t(all[2]) << 8 | all[3];
  h.version = all[0] >> 4;
  h.tclass = static_cast<std::uint8_t>(first >> 20);
  h.flow = first & 0xfffff;
  h.plen = static_cast<std::uint16_t>(all[4] << 8 | all[5]);
  h.nh = all[6];
  h.hlim = all[7];
  h.src = all.subspan(8, 16);
  h.dst = all.subspan(24, 16);
  h.stage = 1;
  if (length < 40) return;
  if (h.version != 6) {
    h.wrong_version = true;
    c.d[index].status = Status::Invalid;
    return;
  }
  h.stage = 2;
  std::uint32_t len = h.plen != 0 ? h.plen + 40u : length + 40u;
  h.payload = len;  // more than length: "truncated-ip6 - N bytes missing!", decoded on
  r.limit(len);
  r.skip(40);
  len -= 40;
  std::uint8_t nh = h.nh;
  std::uint32_t total = 40;
  std::uint32_t jumbo = 0;
  bool fragmented = false;
  bool first_ext = true;
  while (is_ext(nh)) {
    if (len == 0) return;  // tcpdump's loop runs to the end of the payload length, not of the capture
    ExtStep step = decode_ext(c, r, nh, h.plen, first_ext, fragmented, jumbo);
    if (step.advance == 0) return;
    if (len < step.advance) {
      c.d.truncated = true;
      return;
    }
    r.skip(step.advance);
    len -= step.advance;
    total += step.advance;
    nh = step.next;
    first_ext = false;
    c.d.trunc_proto = "ip6";
  }
  if (!jumbo) {
    if (h.plen + 40u < total) {
      c.d.truncated = true;
      return;
    }
    len = h.plen + 40u - total;
    r.limit(len);  // payload length 0 without a jumbo option: nothing follows (tcpdump's snapend)
  } else {
    std::uint64_t jl = std::uint64_t(jumbo) + 40;
    if (jl < total) {
      c.d.truncated = true;
      return;
    }
    if (length < jl) std::get<Ipv6L>(c.d[index].layer).jumbo_missing = static_cast<std::uint32_t>(jl - length);
    len = static_cast<std::uint32_t>(jl - total);
  }
  decode_ip_payload(c, nh, r, len, index, fragmented);
}

void print_ipv6(PrintCtx& p, std::size_t i) {
  p.proto = "ip6";
  const auto& h = at<Ipv6L>(p.d, i);
  Out& o = p.o;
  if (h.stage < 1) return;
  if (h.length < 40) {
    o << "truncated-ip6 ";
    o.u(h.length);
    return;
  }
  if (!p.opt.link_header) o << "IP6 ";
  if (h.wrong_version) {
    o << "version error: ";
    o.u(h.version) << " != 6";
    return;
  }
  // tcpdump 4.99.3 (later versions call this invalid and stop).
  if (h.plen != 0 && h.payload > h.length) {
    o << "truncated-ip6 - ";
    o.u(h.payload - h.length) << " bytes missing!";
  }
  if (p.opt.verbose) {
    o << '(';
    if (h.tclass) o << "class 0x", o.hex(h.tclass, 2) << ", ";
    if (h.flow) o << "flowlabel 0x", o.hex(h.flow, 5) << ", ";
    o << "hlim ";
    o.u(h.hlim) << ", next-header ";
    auto n = ipproto_name(h.nh);
    o << (n.empty() ? std::string_view("unknown") : n) << " (";
    o.u(h.nh) << ") payload length: ";
    o.u(h.plen) << ") ";
  }
  bool l4 = h.nh == 6 || h.nh == 17 || h.nh == 33 || h.nh == 132;
  if (!l4) {
    print_ip_pair(p, i, -1, -1);
    o << ": ";
  }
  if (i + 1 < p.d.size()) print_layers(p, i + 1);
}

namespace {

// Hop-by-hop and destination options headers; false when the packet's text
// ends here.
bool print_opts_header(PrintCtx& p, std::size_t i, const Ipv6ExtL& e, const Ipv6L& ip) {
  Out& o = p.o;
  bool invalid = p.d[i].status == Status::Invalid;
  p.proto = e.type == 0 ? "hbhopt" : "dstopt";
  if (e.type != 0) {
    if (e.stage < 2) return false;
    o << "DSTOPT ";
    bool unused = false;
    if (p.opt.verbose && !print_opts(o, p.opt, e.body.subspan(2), false, ip.plen, unused)) throw Truncated{};
    return true;
  }
  if (e.stage < 2 && !invalid) return false;  // ND_TCHECK_LEN before "HBH "
  if (invalid && e.stage < 2) {
    bool again = false;  // tcpdump checks for an earlier one first
    for (std::size_t k = i; k-- > 0 && is<Ipv6ExtL>(p.d, k);) again |= at<Ipv6ExtL>(p.d, k).type == 0;
    o << (again ? "[The Hop-by-Hop Options header was already found] (invalid)"
                : "[The Hop-by-Hop Options header don't follow the IPv6 header] (invalid)");
    return false;
  }
  o << "HBH ";
  bool jumbo_ok = false;
  if (!print_opts(o, p.opt, e.body.subspan(2), true, ip.plen, jumbo_ok)) throw Truncated{};
  if (invalid) {
    o << "[No valid Jumbo Payload Hop-by-Hop option found] (invalid)";
    return false;
  }
  return true;
}

// A fragment header; false for a later fragment (nothing follows).
bool print_frag6(PrintCtx& p, std::size_t i, const Ipv6ExtL& e, const Ipv6L& ip) {
  Out& o = p.o;
  p.proto = "frag6";
  if (e.stage < 2) return false;
  ByteReader r(e.body);
  std::uint32_t off = r.peek16(2) & 0xfff8u;
  std::uint32_t ident = r.has(8) ? ByteReader(sub(e.body, 4, 4)).be32() : 0;  // printed with -v only, which needs all 8 bytes
  std::size_t at_off = 40;
  for (std::size_t k = i; k-- > 0 && is<Ipv6ExtL>(p.d, k);) at_off += at<Ipv6ExtL>(p.d, k).body.size();
  std::uint32_t rest = 40u + ip.plen - static_cast<std::uint32_t>(at_off) - 8u;
  o << "frag (";
  if (p.opt.verbose) o << "0x", o.hex(ident, 8) << ':';
  o.u(off) << '|';
  o.u(rest) << ')';
  if (off != 0) return false;
  o << ' ';
  return true;
}

// A routing header (type 0, 2, or 4: RFC 8754 segment routing); false when
// it is invalid.
bool print_rt6(PrintCtx& p, const Ipv6ExtL& e) {
  Out& o = p.o;
  p.proto = "rt6";
  ByteReader r(e.body);
  o << "RT6";
  r.skip(1);
  std::uint32_t len = r.u8();
  o << " (len=";
  o.u(len);
  std::uint8_t type = r.u8();
  o << ", type=";
  o.u(type);
  if (type == 0) o << " [Deprecated]";
  std::uint8_t segleft = r.u8();
  o << ", segleft=";
  o.u(segleft);
  if (type == 0 || type == 2) {
    std::uint32_t rsv = r.be32();
    if (rsv || p.opt.verbose) o << ", rsv=0x", o.hex(rsv);
  } else if (type == 4) {
    std::uint8_t last = r.u8();
    o << ", last-entry=";
    o.u(last);
    std::uint8_t flags = r.u8();
    if (flags || p.opt.verbose) o << ", flags=0x", o.hex(flags);
    std::uint16_t tag = r.be16();
    o << ", tag=";
    o.hex(tag);
  } else {
    o << " (unknown type) (invalid)";
    return false;
  }
  if (len % 2 == 1) {
    o << " (invalid length ";
    o.u(len) << ") (invalid)";
    return false;
  }
  for (std::uint32_t k = 0; k < len / 2; ++k) {
    Bytes a = r.bytes(16);
    o << ", [";
    o.u(k) << ']';
    o.ip6(a);
  }
  o << ") ";
  return true;
}

}  // namespace

void print_ipv6_ext(PrintCtx& p, std::size_t i) {
  const auto& e = at<Ipv6ExtL>(p.d, i);
  Out& o = p.o;
  // The IPv6 header this chain belongs to (not i - 1 once headers chain).
  const Ipv6L* ip = nullptr;
  for (std::size_t k = i; k-- > 0;)
    if (is<Ipv6L>(p.d, k)) {
      ip = &at<Ipv6L>(p.d, k);
      break;
    }
  if (!ip) return;
  bool go_on = true;
  switch (e.type) {
    case 0:
    case 60: go_on = print_opts_header(p, i, e, *ip); break;
    case 44: go_on = print_frag6(p, i, e, *ip); break;
    case 43: go_on = print_rt6(p, e); break;
    default: break;
  }
  if (!go_on) return;
  if (ip->jumbo_missing && !is<Ipv6ExtL>(p.d, i + 1)) {
    o << "truncated-ip6 - ";
    o.u(ip->jumbo_missing) << " bytes missing!";
  }
  if (i + 1 < p.d.size()) print_layers(p, i + 1);
}

}  // namespace netlab::proto

namespace netlab::proto {

void json_ipv6(JsonWriter& w, const Ipv6L& l) {
  w.member("layer", "ipv6");
  if (l.stage >= 1) {
    w.member("version", l.version);
    w.member("traffic_class", l.tclass);
    w.member("flow_label", l.flow);
    w.member("payload_length", l.plen);
    w.member("next_header", l.nh);
    w.member("hop_limit", l.hlim);
    w.member("src", ip6_text(l.src));
    w.member("dst", ip6_text(l.dst));
  }
}

void json_ipv6_ext(JsonWriter& w, const Ipv6ExtL& l) {
  static constexpr Tok kLayers[] = {
      {0, "ipv6-hop-by-hop"}, {43, "ipv6-routing"}, {44, "ipv6-fragment"}, {60, "ipv6-destination-options"}};
  w.member("layer", tok_name(kLayers, l.type));
  if (!l.body.empty()) w.member("next_header", l.nh);
  w.member("data", hex_text(l.body));
}

}  // namespace netlab::proto
