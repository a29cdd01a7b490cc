// IPv6 (RFC 8200): fixed header and the extension headers hop-by-hop and
// destination options (with RFC 2675 jumbo payload and RFC 2711 router
// alert), routing (type 0, 2 and RFC 8754 segment routing) and fragment.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

bool is_ext(std::uint8_t nh) { return nh == 0 || nh == 43 || nh == 44 || nh == 60; }

// The options of a hop-by-hop or destination header; returns false at an
// error that ends the packet's decode (tcpdump's "goto trunc").
bool print_opts(Out& o, const PrintOptions& opt, Bytes b, bool hbh, std::uint16_t plen, bool& jumbo_ok) {
  std::size_t len = b.size();
  bool found = false;
  std::size_t optlen = 0;
  bool v = opt.verbose > 0;
  for (std::size_t i = 0; i < len; i += optlen) {
    std::uint8_t type = b[i];
    if (type == 0) optlen = 1;
    else if (i + 1 < len) optlen = b[i + 1] + 2u;
    else return false;
    if (i + optlen > len) return false;
    switch (type) {
      case 0:
        if (v) o << "(pad1)";
        break;
      case 1:
        if (len - i < 2) {
          o << "(padn: trunc)";
          return false;
        }
        if (v) o << "(padn)";
        break;
      case 5:
        if (len - i < 4) {
          o << "(rtalert: trunc)";
          return false;
        }
        if (b[i + 1] != 2) {
          o << "(rtalert: invalid len ";
          o.u(b[i + 1]) << ')';
          return false;
        }
        if (v) o << "(rtalert: 0x", o.hex(std::uint32_t(b[i + 2]) << 8 | b[i + 3], 4) << ") ";
        break;
      case 0xc2: {
        if (len - i < 6) {
          o << "(jumbo: trunc)";
          return false;
        }
        if (b[i + 1] != 4) {
          o << "(jumbo: invalid len ";
          o.u(b[i + 1]) << ')';
          return false;
        }
        std::uint32_t j = std::uint32_t(b[i + 2]) << 24 | std::uint32_t(b[i + 3]) << 16 |
                          std::uint32_t(b[i + 4]) << 8 | b[i + 5];
        if (found) {
          if (v) o << "(jumbo: ", o.u(j) << " - already seen) ";
        } else {
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
        break;
      }
      case 0xc9:
        if (len - i < 18) {
          o << "(homeaddr: trunc)";
          return false;
        }
        if (b[i + 1] < 16) {
          o << "(homeaddr: invalid len ";
          o.u(b[i + 1]) << ')';
          return false;
        }
        if (v) {
          o << "(homeaddr: ";
          o.ip6(b.subspan(i + 2, 16)) << ')';
        }
        break;
      default:
        if (len - i < 2) {
          o << "(type ";
          o.u(type) << ": trunc)";
          return false;
        }
        if (v) {
          o << "(opt_type 0x";
          o.hex(type, 2) << ": len=";
          o.u(b[i + 1]) << ')';
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
  std::size_t optlen = 0;
  for (std::size_t i = 0; i < b.size(); i += optlen) {
    if (b[i] == 0) optlen = 1;
    else if (i + 1 < b.size()) optlen = b[i + 1] + 2u;
    else return 0;
    if (i + optlen > b.size()) return 0;
    if (b[i] == 5 && (b.size() - i < 4 || b[i + 1] != 2)) return 0;
    if (b[i] == 0xc9 && (b.size() - i < 18 || b[i + 1] < 16)) return 0;
    if (b[i] == 0xc2) {
      if (b.size() - i < 6 || b[i + 1] != 4) return 0;
      std::uint32_t j = std::uint32_t(b[i + 2]) << 24 | std::uint32_t(b[i + 3]) << 16 |
                        std::uint32_t(b[i + 4]) << 8 | b[i + 5];
      return j >= 65536 ? j : 0;
    }
  }
  return 0;
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
    std::size_t ext_index = c.d.size();
    auto& e = c.d.push<Ipv6ExtL>();
    e.type = nh;
    c.d.trunc_proto = nh == 0 ? "hbhopt" : nh == 60 ? "dstopt" : nh == 43 ? "rt6" : "frag6";
    std::uint32_t advance = 0;
    if (nh == 44) {
      e.body = r.rest().first(std::min<std::size_t>(8, r.remaining()));
      // frag6_print reads the offset (and with -v the identification); a
      // header cut after them still prints, and ends the packet below.
      if (r.remaining() < (c.opt.verbose ? 8u : 4u)) throw Truncated{};
      e.nh = e.body[0];
      e.stage = 2;
      fragmented = true;
      advance = 8;
      if ((static_cast<std::uint16_t>(e.body[2] << 8 | e.body[3]) & 0xfff8) != 0) return;  // not the first
      if (r.remaining() <= 8) return;
    } else {
      std::uint8_t hl = r.peek8(1);
      advance = (hl + 1u) * 8u;
      e.body = r.rest().first(std::min<std::size_t>(advance, r.remaining()));
      e.nh = r.peek8(0);
      if (nh == 43) {
        e.stage = r.has(advance) ? 2 : 1;
        std::uint8_t rtype = r.peek8(2);
        if (rtype != 0 && rtype != 2 && rtype != 4) {
          c.d[ext_index].status = Status::Invalid;
          return;
        }
        if (hl % 2 == 1) {
          c.d[ext_index].status = Status::Invalid;
          return;
        }
        if (!r.has(advance)) throw Truncated{};
      } else {
        if (nh == 0 && !first_ext) {
          c.d[ext_index].status = Status::Invalid;
          return;
        }
        if (!r.has(advance)) throw Truncated{};
        e.stage = 2;
        if (nh == 0) {
          jumbo = find_jumbo(e.body.subspan(2), h.plen);
          if (h.plen == 0 && jumbo == 0) {
            c.d[ext_index].status = Status::Invalid;
            return;
          }
        }
      }
    }
    if (len < advance) {
      c.d.truncated = true;
      return;
    }
    r.skip(advance);
    len -= advance;
    total += advance;
    nh = e.nh;
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
  bool next = true;
  switch (e.type) {
    case 0:
    case 60: {
      p.proto = e.type == 0 ? "hbhopt" : "dstopt";
      if (e.type == 0) {
        if (e.stage < 2 && p.d[i].status != Status::Invalid) return;  // ND_TCHECK_LEN before "HBH "
        if (p.d[i].status == Status::Invalid && e.stage < 2) {
          bool again = false;  // tcpdump checks for an earlier one first
          for (std::size_t k = i; k-- > 0 && is<Ipv6ExtL>(p.d, k);) again |= at<Ipv6ExtL>(p.d, k).type == 0;
          o << (again ? "[The Hop-by-Hop Options header was already found] (invalid)"
                      : "[The Hop-by-Hop Options header don't follow the IPv6 header] (invalid)");
          return;
        }
        o << "HBH ";
        bool jumbo_ok = false;
        if (!print_opts(o, p.opt, e.body.subspan(2), true, ip->plen, jumbo_ok)) throw Truncated{};
        if (p.d[i].status == Status::Invalid) {
          o << "[No valid Jumbo Payload Hop-by-Hop option found] (invalid)";
          return;
        }
      } else {
        if (e.stage < 2) return;
        o << "DSTOPT ";
        bool unused = false;
        if (p.opt.verbose && !print_opts(o, p.opt, e.body.subspan(2), false, ip->plen, unused)) throw Truncated{};
      }
      break;
    }
    case 44: {
      p.proto = "frag6";
      if (e.stage < 2) return;
      std::uint32_t ident = 0;  // only printed with -v, which needs all 8 bytes captured
      if (e.body.size() >= 8)
        ident = std::uint32_t(e.body[4]) << 24 | std::uint32_t(e.body[5]) << 16 | std::uint32_t(e.body[6]) << 8 |
                e.body[7];
      std::uint32_t off = (std::uint32_t(e.body[2]) << 8 | e.body[3]) & 0xfff8;
      std::size_t at_off = 40;
      for (std::size_t k = i; k-- > 0 && is<Ipv6ExtL>(p.d, k);) at_off += at<Ipv6ExtL>(p.d, k).body.size();
      std::uint32_t rest = 40u + ip->plen - static_cast<std::uint32_t>(at_off) - 8u;
      o << "frag (";
      if (p.opt.verbose) o << "0x", o.hex(ident, 8) << ':';
      o.u(off) << '|';
      o.u(rest) << ')';
      if (off != 0) return;
      o << ' ';
      break;
    }
    case 43: {
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
        if (len % 2 == 1) {
          o << " (invalid length ";
          o.u(len) << ") (invalid)";
          return;
        }
      } else if (type == 4) {
        std::uint8_t last = r.u8();
        o << ", last-entry=";
        o.u(last);
        std::uint8_t flags = r.u8();
        if (flags || p.opt.verbose) o << ", flags=0x", o.hex(flags);
        std::uint16_t tag = r.be16();
        o << ", tag=";
        o.hex(tag);
        if (len % 2 == 1) {
          o << " (invalid length ";
          o.u(len) << ") (invalid)";
          return;
        }
      } else {
        o << " (unknown type) (invalid)";
        return;
      }
      for (std::uint32_t k = 0; k < len / 2; ++k) {
        Bytes a = r.bytes(16);
        o << ", [";
        o.u(k) << ']';
        o.ip6(a);
      }
      o << ") ";
      break;
    }
    default:
      break;
  }
  if (ip->jumbo_missing && !is<Ipv6ExtL>(p.d, i + 1)) {
    o << "truncated-ip6 - ";
    o.u(ip->jumbo_missing) << " bytes missing!";
  }
  if (next && i + 1 < p.d.size()) print_layers(p, i + 1);
}

}  // namespace netlab::proto
