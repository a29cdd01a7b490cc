// TCP (RFC 9293): flags, sequence numbers made relative per conversation the
// way tcpdump does (first segment with ACK sets the bases), window, urgent
// pointer and options: RFC 7323 (wscale, timestamps), RFC 2018 (SACK),
// RFC 2385 (md5), RFC 5482 (uto), RFC 5925 (tcp-ao), RFC 7413 (TFO).
#include "proto/proto.hpp"

#include <cstring>

namespace netlab::proto {
namespace {

std::string_view option_name(std::uint8_t k) {
  switch (k) {
    case 0: return "eol";
    case 1: return "nop";
    case 2: return "mss";
    case 3: return "wscale";
    case 4: return "sackOK";
    case 5: return "sack";
    case 6: return "echo";
    case 7: return "echoreply";
    case 8: return "TS";
    case 11: return "cc";
    case 12: return "ccnew";
    case 13: return "";
    case 19: return "md5";
    case 20: return "scps";
    case 27: return "qs";
    case 28: return "uto";
    case 29: return "tcp-ao";
    case 30: return "mptcp";
    case 34: return "tfo";
    case 254: return "exp";
    default: return {};
  }
}

void fastopen(Out& o, Bytes cookie, bool exp) {
  if (exp) o << "tfo";
  if (cookie.empty()) {
    o << " cookiereq";
  } else if (cookie.size() % 2 != 0 || cookie.size() < 4 || cookie.size() > 16) {
    o << " (invalid)";
  } else {
    o << " cookie ";
    for (auto b : cookie) o.hex(b, 2);
  }
}

// tcpdump's LENCHECK found the option's bytes not captured (its trunc label).
struct OptionTruncated {};

// Returns false after "[bad opt]" (the caller stops); throws Truncated
// (the option code or length byte past the capture) or OptionTruncated.
bool print_options_body(Out& o, const TcpL& t, char& ch);

// Returns false when the caller must stop: after "[bad opt]", or after
// " [|tcp]" (and ">" once an option was printed) for an option whose data
// was not captured, which tcpdump's tcp_print handles itself and returns.
bool print_options(PrintCtx& p, const TcpL& t) {
  char ch = 0;
  try {
    return print_options_body(p.o, t, ch);
  } catch (const OptionTruncated&) {
    p.o << " [|tcp]";
    if (ch) p.o << '>';
    p.local_trunc = true;
    return false;
  }
}

bool print_options_body(Out& o, const TcpL& t, char& ch) {
  // tcpdump reads option bytes as far as the segment was captured, past
  // the header too (a last option's length byte); the payload follows the
  // options when they were all captured.
  Bytes all = t.payload.empty() ? t.options : Bytes(t.options.data(), t.options.size() + t.payload.size());
  std::uint32_t hlen = t.hlen - 20u;
  std::size_t cp = 0;
  o << ", options [";
  auto bad = [&] {
    o << "[bad opt]";
    if (ch) o << ']';
    return false;
  };
  while (hlen > 0) {
    if (ch) o << ch;
    std::uint8_t opt = sub(all, cp, 1)[0];
    ++cp;
    std::uint32_t len = 1;
    bool zerolen = opt == 0 || opt == 1;
    if (!zerolen) {
      len = sub(all, cp, 1)[0];
      ++cp;
      if (len < 2 || len > hlen) return bad();
      --hlen;
    }
    --hlen;
    std::uint32_t datalen = 0;
    auto lencheck = [&](std::uint32_t l) {
      if (l > hlen) return false;
      if (l > all.size() - cp) throw OptionTruncated{};
      return true;
    };
    auto name = option_name(opt);
    if (name.empty() && opt != 13) {
      o << "unknown-";
      o.u(opt);
    } else {
      o << name;
    }
    auto be32 = [&](std::size_t at) {
      auto b = sub(all, at, 4);
      return std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 | b[3];
    };
    switch (opt) {
      case 2:
        datalen = 2;
        if (!lencheck(datalen)) return bad();
        o << ' ';
        o.u(std::uint32_t(all[cp]) << 8 | all[cp + 1]);
        break;
      case 3:
        datalen = 1;
        if (!lencheck(datalen)) return bad();
        o << ' ';
        o.u(all[cp]);
        break;
      case 5:
        datalen = len - 2;
        if (datalen % 8 != 0) {
          o << " invalid sack";
        } else {
          o << ' ';
          o.u(datalen / 8) << ' ';
          for (std::uint32_t k = 0; k < datalen; k += 8) {
            if (!lencheck(k + 4)) return bad();
            std::uint32_t s = be32(cp + k);
            if (!lencheck(k + 8)) return bad();
            std::uint32_t e = be32(cp + k + 4);
            std::uint32_t base = t.rev ? t.thseq : t.thack;
            o << '{';
            o.u(std::uint32_t(s - base)) << ':';
            o.u(std::uint32_t(e - base)) << '}';
          }
        }
        break;
      case 6:
      case 7:
      case 11:
      case 12:
      case 13:
        datalen = 4;
        if (!lencheck(datalen)) return bad();
        o << ' ';
        o.u(be32(cp));
        break;
      case 8:
        datalen = 8;
        if (!lencheck(datalen)) return bad();
        o << " val ";
        o.u(be32(cp)) << " ecr ";
        o.u(be32(cp + 4));
        break;
      case 19:
        datalen = 16;
        if (!lencheck(datalen)) return bad();
        o << " shared secret not supplied with -M, can't check - ";
        for (std::uint32_t k = 0; k < 16; ++k) o.hex(all[cp + k], 2);
        break;
      case 20:
        datalen = 2;
        if (!lencheck(datalen)) return bad();
        o << " cap ";
        o.hex(all[cp], 2) << " id ";
        o.u(all[cp + 1]);
        break;
      case 29:
        datalen = len - 2;
        if (datalen < 2) {
          o << " (invalid)";
        } else {
          if (!lencheck(1)) return bad();
          o << " keyid ";
          o.u(all[cp]);
          if (!lencheck(2)) return bad();
          o << " rnextkeyid ";
          o.u(all[cp + 1]);
          if (datalen > 2) {
            o << " mac 0x";
            for (std::uint32_t k = 2; k < datalen; ++k) {
              if (!lencheck(k + 1)) return bad();
              o.hex(all[cp + k], 2);
            }
          }
        }
        break;
      case 0:
      case 1:
      case 4:
        break;
      case 28: {
        datalen = 2;
        if (!lencheck(datalen)) return bad();
        std::uint32_t uto = std::uint32_t(all[cp]) << 8 | all[cp + 1];
        o << " 0x";
        o.hex(uto);
        uto = (uto & 1) ? (uto >> 1) * 60 : uto >> 1;
        o << ' ';
        o.u(uto);
        break;
      }
      case 34:
        datalen = len - 2;
        if (!lencheck(datalen)) return bad();
        o << ' ';
        fastopen(o, sub(all, cp, datalen), false);
        break;
      case 254: {
        datalen = len - 2;
        if (!lencheck(datalen)) return bad();
        if (datalen < 2) return bad();
        std::uint32_t magic = std::uint32_t(all[cp]) << 8 | all[cp + 1];
        o << '-';
        if (magic == 0xf989) fastopen(o, sub(all, cp + 2, datalen - 2), true);
        else o.hex(magic, 4);
        break;
      }
      default:
        datalen = len - 2;
        if (datalen) o << " 0x";
        for (std::uint32_t k = 0; k < datalen; ++k) {
          if (!lencheck(k + 1)) return bad();
          o.hex(all[cp + k], 2);
        }
        break;
    }
    cp += datalen;
    hlen -= datalen;
    ++datalen;
    if (!zerolen) ++datalen;
    if (datalen != len) {
      o << "[len ";
      o.u(len) << ']';
    }
    ch = ',';
    if (opt == 0) break;
  }
  o << ']';
  return true;
}

}  // namespace

void decode_tcp(Ctx& c, ByteReader r, std::uint32_t length, std::size_t ip, bool fragmented) {
  c.d.trunc_proto = "tcp";
  auto& t = c.d.push<TcpL>();
  t.length = length;
  t.fragmented = fragmented;
  bool v6 = is<Ipv6L>(c.d, ip);
  t.ip_direct = v6 ? at<Ipv6L>(c.d, ip).nh == 6 : at<Ipv4L>(c.d, ip).proto == 6;
  Bytes seg = r.rest();
  if (!r.has(4)) throw Truncated{};
  t.sport = r.be16();
  t.dport = r.be16();
  t.stage = 1;
  r.require(16);
  t.seq = r.be32();
  t.ack = r.be32();
  std::uint8_t off = r.u8();
  t.hlen = static_cast<std::uint8_t>((off >> 4) * 4);
  t.flags = r.u8();
  t.win = r.be16();
  t.sum = r.be16();
  t.urp = r.be16();
  t.stage = 2;
  t.rel_seq = t.seq;
  t.rel_ack = t.ack;
  if (t.hlen < 20 || c.opt.quiet) return;
  if (!c.opt.absolute_seq && (t.flags & 0x10)) {
    TcpTracker::Key key;
    key.v6 = v6;
    Bytes src, dst;
    if (v6) {
      src = at<Ipv6L>(c.d, ip).src;
      dst = at<Ipv6L>(c.d, ip).dst;
    } else {
      src = at<Ipv4L>(c.d, ip).src;
      dst = at<Ipv4L>(c.d, ip).dst;
    }
    bool rev = false;
    if (t.sport > t.dport) rev = true;
    else if (t.sport == t.dport && std::memcmp(src.data(), dst.data(), src.size()) > 0) rev = true;
    if (rev) {
      std::memcpy(key.src.data(), dst.data(), dst.size());
      std::memcpy(key.dst.data(), src.data(), src.size());
      key.port = std::uint32_t(t.dport) << 16 | t.sport;
    } else {
      std::memcpy(key.src.data(), src.data(), src.size());
      std::memcpy(key.dst.data(), dst.data(), dst.size());
      key.port = std::uint32_t(t.sport) << 16 | t.dport;
    }
    t.rev = rev;
    auto* base = c.tcp.find(key);
    if (!base || (t.flags & 0x02)) {
      auto& b = base ? *base : c.tcp.insert(key);
      if (rev) {
        b.ack = t.seq;
        b.seq = t.ack - 1;
      } else {
        b.seq = t.seq;
        b.ack = t.ack - 1;
      }
      base = &b;
    } else if (rev) {
      t.rel_seq = t.seq - base->ack;
      t.rel_ack = t.ack - base->seq;
    } else {
      t.rel_seq = t.seq - base->seq;
      t.rel_ack = t.ack - base->ack;
    }
    t.thseq = base->seq;
    t.thack = base->ack;
  }
  if (t.hlen > length) return;
  if (c.opt.verbose && !fragmented && seg.size() >= length) {
    t.computed = l4_checksum(c.d, ip, 6, seg.first(length));
    t.sum_checked = true;
  }
  t.options = seg.subspan(20, std::min<std::size_t>(seg.size(), t.hlen) - 20);
  if (seg.size() > t.hlen) t.payload = seg.subspan(t.hlen, std::min<std::size_t>(seg.size(), length) - std::min<std::size_t>(seg.size(), t.hlen));
}

void print_tcp(PrintCtx& p, std::size_t i) {
  p.proto = "tcp";
  const auto& t = at<TcpL>(p.d, i);
  Out& o = p.o;
  std::size_t ip = i - 1;
  while (!is<Ipv4L>(p.d, ip) && !is<Ipv6L>(p.d, ip)) --ip;
  if (t.stage < 1) {
    print_ip_pair(p, ip, -1, -1);
    o << ':';
    return;
  }
  if (t.ip_direct) print_ip_pair(p, ip, t.sport, t.dport);
  else {
    o.u(t.sport) << " > ";
    o.u(t.dport);
  }
  o << ": ";
  if (t.stage < 2) return;
  if (t.hlen < 20) {
    o << " tcp ";
    o.u(std::uint32_t(t.length - t.hlen)) << " [bad hdr length ";
    o.u(t.hlen) << " - too short, < 20]";
    return;
  }
  if (p.opt.quiet) {
    o << "tcp ";
    o.u(std::uint32_t(t.length - t.hlen));
    if (t.hlen > t.length) {
      o << " [bad hdr length ";
      o.u(t.hlen) << " - too long, > ";
      o.u(t.length) << ']';
    }
    return;
  }
  o << "Flags [";
  static constexpr struct {
    std::uint8_t bit;
    char c;
  } kFlags[] = {{0x01, 'F'}, {0x02, 'S'}, {0x04, 'R'}, {0x08, 'P'}, {0x10, '.'}, {0x20, 'U'}, {0x40, 'E'}, {0x80, 'W'}};
  if (!t.flags) o << "none";
  for (auto f : kFlags)
    if (t.flags & f.bit) o << f.c;
  o << ']';
  if (t.hlen > t.length) {
    o << " [bad hdr length ";
    o.u(t.hlen) << " - too long, > ";
    o.u(t.length) << ']';
    return;
  }
  if (t.sum_checked) {
    o << ", cksum 0x";
    o.hex(t.sum, 4);
    if (t.computed != 0) {
      o << " (incorrect -> 0x";
      o.hex(cksum_shouldbe(t.sum, t.computed), 4) << ')';
    } else {
      o << " (correct)";
    }
  }
  std::uint32_t length = t.length - t.hlen;
  if (p.opt.verbose > 1 || length > 0 || (t.flags & 0x07)) {
    o << ", seq ";
    o.u(t.rel_seq);
    if (length > 0) {
      o << ':';
      o.u(std::uint32_t(t.rel_seq + length));
    }
  }
  if (t.flags & 0x10) {
    o << ", ack ";
    o.u(t.rel_ack);
  }
  o << ", win ";
  o.u(t.win);
  if (t.flags & 0x20) {
    o << ", urg ";
    o.u(t.urp);
  }
  if (t.hlen > 20 && !print_options(p, t)) return;
  o << ", length ";
  o.u(length);
  if (length == 0) return;
  // The options ended early (eol) but the header was not all captured:
  // tcpdump checks the whole header before going on to the payload.
  if (t.options.size() < t.hlen - 20u) {
    o << " [remaining caplen(";
    o.u(20 + t.options.size()) << ") < header length(";
    o.u(t.hlen) << ")]";
    throw Truncated{};
  }
  if ((t.flags & 0x04) && p.opt.verbose) {
    // RFC 1122 4.2.2.12: a RST may carry text explaining the reset.
    std::size_t shown = std::min<std::size_t>(length, 30);
    o << (t.payload.size() >= length ? " [RST" : " [!RST");
    if (length > 30) o << '+';
    o << ' ';
    for (std::size_t k = 0; k < shown && k < t.payload.size(); ++k) print_char(o, t.payload[k]);
    o << ']';
  }
}

}  // namespace netlab::proto
