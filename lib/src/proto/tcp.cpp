// TCP (RFC 9293): flags, sequence numbers made relative per conversation the
// way tcpdump does (first segment with ACK sets the bases), window, urgent
// pointer and options: RFC 7323 (wscale, timestamps), RFC 2018 (SACK),
// RFC 2385 (md5), RFC 5482 (uto), RFC 5925 (tcp-ao), RFC 7413 (TFO).
#include "proto/proto.hpp"

#include <cstring>

namespace netlab::proto {
namespace {

struct FlagChar {
  std::uint8_t bit;
  char c;
};
constexpr FlagChar kFlags[] = {{0x01, 'F'}, {0x02, 'S'}, {0x04, 'R'}, {0x08, 'P'},
                               {0x10, '.'}, {0x20, 'U'}, {0x40, 'E'}, {0x80, 'W'}};

constexpr Tok kOptionNames[] = {
    {0, "eol"}, {1, "nop"}, {2, "mss"}, {3, "wscale"}, {4, "sackOK"}, {5, "sack"}, {6, "echo"},
    {7, "echoreply"}, {8, "TS"}, {11, "cc"}, {12, "ccnew"}, {13, ""}, {19, "md5"}, {20, "scps"},
    {27, "qs"}, {28, "uto"}, {29, "tcp-ao"}, {30, "mptcp"}, {34, "tfo"}, {254, "exp"}};

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

// The value of one option as tcpdump's tcp_print reads it: each kind reads
// the bytes it expects (datalen), whatever the option's length says, as far
// as the header goes (LENCHECK: past it, "[bad opt]") and as far as the
// capture goes (past it, OptionTruncated).
class OptionValue {
 public:
  OptionValue(const Tlv& t) : t_(t), bytes_(t.rest.subspan(t.header)) {}
  // False past the header; throws OptionTruncated past the capture.
  bool check(std::uint32_t n) const {
    if (n > t_.room - t_.header) return false;
    if (n > bytes_.size()) throw OptionTruncated{};
    return true;
  }
  std::uint8_t u8(std::size_t at) const { return sub(bytes_, at, 1)[0]; }
  std::uint16_t be16(std::size_t at) const { return be16_at(bytes_, at); }
  std::uint32_t be32(std::size_t at) const { return be32_at(bytes_, at); }
  Bytes bytes(std::size_t at, std::size_t n) const { return sub(bytes_, at, n); }
  std::uint32_t stated() const { return t_.length - 2u; }  // what the length says the value is

 private:
  const Tlv& t_;
  Bytes bytes_;
};

// SACK blocks (RFC 2018), relative to the connection's bases as tcpdump
// shows them; false at "[bad opt]".
bool print_sack(Out& o, const TcpL& t, const OptionValue& v, std::uint32_t datalen) {
  if (datalen % 8 != 0) {
    o << " invalid sack";
    return true;
  }
  o << ' ';
  o.u(datalen / 8) << ' ';
  for (std::uint32_t k = 0; k < datalen; k += 8) {
    if (!v.check(k + 4)) return false;
    std::uint32_t s = v.be32(k);
    if (!v.check(k + 8)) return false;
    std::uint32_t e = v.be32(k + 4);
    std::uint32_t base = t.rev ? t.thseq : t.thack;
    o << '{';
    o.u(std::uint32_t(s - base)) << ':';
    o.u(std::uint32_t(e - base)) << '}';
  }
  return true;
}

// TCP-AO (RFC 5925); false at "[bad opt]".
bool print_tcp_ao(Out& o, const OptionValue& v, std::uint32_t datalen) {
  if (datalen < 2) {
    o << " (invalid)";
    return true;
  }
  if (!v.check(1)) return false;
  o << " keyid ";
  o.u(v.u8(0));
  if (!v.check(2)) return false;
  o << " rnextkeyid ";
  o.u(v.u8(1));
  if (datalen > 2) {
    o << " mac 0x";
    for (std::uint32_t k = 2; k < datalen; ++k) {
      if (!v.check(k + 1)) return false;
      o.hex(v.u8(k), 2);
    }
  }
  return true;
}

// The value bytes as hex (unknown kinds); false at "[bad opt]".
bool print_raw(Out& o, const OptionValue& v, std::uint32_t datalen) {
  if (datalen) o << " 0x";
  for (std::uint32_t k = 0; k < datalen; ++k) {
    if (!v.check(k + 1)) return false;
    o.hex(v.u8(k), 2);
  }
  return true;
}

// One option's value; sets datalen (the bytes read) and returns false at
// "[bad opt]". proto becomes "mptcp" once the MPTCP printer is reached:
// tcpdump's truncation marks name it from then on, for the whole packet.
bool print_option_value(Out& o, const TcpL& t, const Tlv& opt, std::uint32_t& datalen, const char*& proto) {
  OptionValue v(opt);
  auto fixed = [&](std::uint32_t n) {
    datalen = n;
    return v.check(n);
  };
  switch (opt.type) {
    case 0: case 1: case 4: return true;
    case 2:
      if (!fixed(2)) return false;
      o << ' ';
      o.u(v.be16(0));
      return true;
    case 3:
      if (!fixed(1)) return false;
      o << ' ';
      o.u(v.u8(0));
      return true;
    case 5: datalen = v.stated(); return print_sack(o, t, v, datalen);
    case 6: case 7: case 11: case 12: case 13:
      if (!fixed(4)) return false;
      o << ' ';
      o.u(v.be32(0));
      return true;
    case 8:
      if (!fixed(8)) return false;
      o << " val ";
      o.u(v.be32(0)) << " ecr ";
      o.u(v.be32(4));
      return true;
    case 19:
      if (!fixed(16)) return false;
      o << " shared secret not supplied with -M, can't check - ";
      for (auto b : v.bytes(0, 16)) o.hex(b, 2);
      return true;
    case 20:
      if (!fixed(2)) return false;
      o << " cap ";
      o.hex(v.u8(0), 2) << " id ";
      o.u(v.u8(1));
      return true;
    case 28: {
      if (!fixed(2)) return false;
      std::uint32_t uto = v.be16(0);
      o << " 0x";
      o.hex(uto);
      o << ' ';
      o.u((uto & 1) ? (uto >> 1) * 60 : uto >> 1);
      return true;
    }
    case 29: datalen = v.stated(); return print_tcp_ao(o, v, datalen);
    case 30:
      // LENCHECK first (the whole option captured), then the MPTCP
      // printer sees only the option's own bytes.
      if (!fixed(v.stated())) return false;
      proto = "mptcp";
      return print_mptcp_option(o, sub(opt.rest, 0, opt.header + datalen), t.flags);
    case 34:
      if (!fixed(v.stated())) return false;
      o << ' ';
      fastopen(o, v.bytes(0, datalen), false);
      return true;
    case 254: {
      if (!fixed(v.stated()) || datalen < 2) return false;
      std::uint32_t magic = v.be16(0);
      o << '-';
      if (magic == 0xf989) fastopen(o, v.bytes(2, datalen - 2), true);
      else o.hex(magic, 4);
      return true;
    }
    default: datalen = v.stated(); return print_raw(o, v, datalen);
  }
}

// Returns false after "[bad opt]" (the caller stops); throws Truncated
// (the option kind or length byte past the capture) or OptionTruncated.
bool print_options_body(Out& o, const TcpL& t, char& ch, const char*& proto) {
  // tcpdump reads option bytes as far as the segment was captured, past
  // the header too (a last option's length byte); the payload follows the
  // options when they were all captured.
  Bytes all = t.payload.empty() ? t.options : Bytes(t.options.data(), t.options.size() + t.payload.size());
  TlvWalker walker(kTcpOptions, all, t.hlen - 20u);
  o << ", options [";
  auto bad = [&] {
    o << "[bad opt]";
    if (ch) o << ']';
    return false;
  };
  while (auto opt = walker.next()) {
    if (ch) o << ch;
    if (opt->status == TlvStatus::Cut) throw Truncated{};
    if (opt->status == TlvStatus::BadLength || opt->status == TlvStatus::PastEnd) return bad();
    tok_print(o, kOptionNames, opt->type, "unknown-");
    std::uint32_t datalen = 0;
    if (!print_option_value(o, t, *opt, datalen, proto)) return bad();
    walker.resume_after(datalen);  // tcpdump goes on after what it read, not after the length
    if (datalen + opt->header != opt->size) {
      o << "[len ";
      o.u(opt->size) << ']';
    }
    ch = ',';
  }
  o << ']';
  return true;
}

// Returns false when the caller must stop: after "[bad opt]", or after
// " [|tcp]" (and ">" once an option was printed) for an option whose data
// was not captured, which tcpdump's tcp_print handles itself and returns.
bool print_options(PrintCtx& p, const TcpL& t) {
  char ch = 0;
  try {
    return print_options_body(p.o, t, ch, p.proto);
  } catch (const OptionTruncated&) {
    p.o << " [|" << p.proto << ']';
    if (ch) p.o << '>';
    p.local_trunc = true;
    return false;
  }
}

}  // namespace

namespace {

// The payload printers tcpdump 4.99.3's tcp_print reaches, in its order
// (as udp.cpp's table): a segment goes to the first row whose port it uses,
// unless a printer earlier in tcpdump's chain (which netlab does not decode
// yet: telnet, smtp, whois, pptp, beep, ftp, rtsp)
// claims one of its ports first.
struct PortRow {
  std::uint16_t port;
  std::initializer_list<std::uint16_t> claimed_before;
  void (*decode)(Ctx&, ByteReader, std::uint32_t);
};
const PortRow kPortTable[] = {
    {179, {23, 25, 43}, decode_bgp},
    {6379, {23, 25, 43, 179, 1723}, decode_resp},
    {22, {23, 25, 43, 179, 1723, 6379}, decode_ssh},
    {6633, {23, 25, 43, 179, 1723, 6379, 22, 10288}, decode_openflow},
    {6653, {23, 25, 43, 179, 1723, 6379, 22, 10288}, decode_openflow},
    {80, {23, 25, 43, 179, 1723, 6379, 22, 10288, 6633, 6653, 21}, decode_http},
    {8080, {23, 25, 43, 179, 1723, 6379, 22, 10288, 6633, 6653, 21}, decode_http},
    {53, {23, 25, 43, 179, 1723, 6379, 22, 10288, 6633, 6653, 21, 80, 8080, 554, 8554}, decode_dns_tcp},
    // LDP sessions, after DNS, MSDP (639) and RPKI-RTR (323).
    {646, {23, 25, 43, 179, 1723, 6379, 22, 10288, 6633, 6653, 21, 80, 8080, 554, 8554, 53, 639, 323}, decode_ldp},
    // NFS over Sun RPC's record marking, the last of tcpdump's chain.
    {2049, {23, 25, 43, 179, 1723, 6379, 22, 10288, 6633, 6653, 21, 80, 8080, 554, 8554, 53, 639, 323, 646},
     decode_nfs_tcp},
};

void decode_payload(Ctx& c, std::uint16_t sport, std::uint16_t dport, ByteReader r, std::uint32_t plen) {
  auto uses = [&](std::uint16_t port) { return sport == port || dport == port; };
  for (const auto& row : kPortTable) {
    for (std::uint16_t p : row.claimed_before)
      if (uses(p)) return;
    if (uses(row.port)) return row.decode(c, r, plen);
  }
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
  if (length > t.hlen && seg.size() >= t.hlen) decode_payload(c, t.sport, t.dport, ByteReader(t.payload), length - t.hlen);
}

void print_tcp(PrintCtx& p, std::size_t i) {
  p.proto = "tcp";
  const auto& t = at<TcpL>(p.d, i);
  Out& o = p.o;
  const std::size_t ip = enclosing_ip(p.d, i);
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
    return;
  }
  if (i + 1 < p.d.size()) print_layers(p, i + 1);  // the payload's printer
}

namespace {

void json_option(JsonWriter& w, const Tlv& o, TlvWalker& walker, std::uint8_t tcp_flags) {
  if (o.header == 1 && o.status == TlvStatus::Ok) {
    w.member("kind", tok_name(kOptionNames, o.type));  // eol, nop
    return;
  }
  if (o.status == TlvStatus::BadLength) walker.resume_after(0);  // no value; the list goes on
  else if (o.status != TlvStatus::Ok) throw Truncated{};
  ByteReader body(o.value);
  switch (o.type) {
    case 2: w.member("kind", "mss"); w.member("value", body.be16()); break;
    case 3: w.member("kind", "wscale"); w.member("value", body.u8()); break;
    case 4: w.member("kind", "sackOK"); break;
    case 5:
      w.member("kind", "sack");
      w.key("blocks");
      w.begin_array();
      while (body.remaining() >= 8) {
        w.begin_array();
        w.value(static_cast<std::uint64_t>(body.be32()));
        w.value(static_cast<std::uint64_t>(body.be32()));
        w.end_array();
      }
      w.end_array();
      break;
    case 8:
      w.member("kind", "TS");
      w.member("val", static_cast<std::uint64_t>(body.be32()));
      w.member("ecr", static_cast<std::uint64_t>(body.be32()));
      break;
    case 30: json_mptcp_option(w, sub(o.rest, 0, o.size), tcp_flags); return;  // writes its own length
    default:
      w.member("kind", static_cast<unsigned>(o.type));
      w.member("data", hex_text(body.rest()));
  }
  w.member("length", static_cast<unsigned>(o.length));
}

}  // namespace

void json_tcp(JsonWriter& w, const TcpL& l) {
  w.member("layer", "tcp");
  if (l.stage >= 1) {
    w.member("sport", l.sport);
    w.member("dport", l.dport);
  }
  if (l.stage < 2) return;
  w.member("seq", l.seq);
  w.member("ack", l.ack);
  w.member("relative_seq", l.rel_seq);
  w.member("relative_ack", l.rel_ack);
  w.member("header_length", l.hlen);
  w.member("flags", l.flags);
  std::string f;
  for (auto flag : kFlags)
    if (l.flags & flag.bit) f.push_back(flag.c);
  w.member("flag_names", f);
  w.member("window", l.win);
  w.member("checksum", l.sum);
  if (l.sum_checked) w.member("checksum_ok", l.computed == 0);
  w.member("urgent", l.urp);
  if (!l.options.empty()) json_options(w, TlvWalker(kTcpOptions, l.options), [&](JsonWriter& jw, const Tlv& o, TlvWalker& walker) {
      json_option(jw, o, walker, l.flags);
    });
  w.member("payload_length", l.length >= l.hlen ? l.length - l.hlen : 0u);
}

}  // namespace netlab::proto
