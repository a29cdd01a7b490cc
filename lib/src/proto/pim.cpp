// PIM: version 2 (RFC 7761 PIM-SM, RFC 3973 PIM-DM graft and state
// refresh, RFC 5059 bootstrap and candidate-RP, RFC 5015 BIDIR DF
// election), IP protocol 103, and version 1 inside IGMP (type 0x14). The
// text follows tcpdump 4.99.3's print-pim.c: at -n one line
// "PIMv2, Hello, length 34"; from -v on the checksum's verdict, the hello
// options (hex of each from -vv), the register's encapsulated packet (its
// own IPv4 or IPv6 decoder), join/prune groups and sources, bootstrap,
// assert, candidate-RP, prune refresh and DF election. A field the
// message's length or the capture does not hold ends the text with
// " [|pimv2]" (" [|pim]" before the version, " [|pimv1]" in IGMP).
#include "proto/proto.hpp"

#include <string>
#include <vector>

namespace netlab::proto {
namespace {

enum : std::uint8_t {
  kHello = 0, kRegister = 1, kRegisterStop = 2, kJoinPrune = 3, kBootstrap = 4, kAssert = 5,
  kGraft = 6, kGraftAck = 7, kCandidateRp = 8, kPruneRefresh = 9, kDfElection = 10,
};

constexpr Tok kTypes[] = {{0, "Hello"},          {1, "Register"},
                          {2, "Register Stop"},  {3, "Join / Prune"},
                          {4, "Bootstrap"},      {5, "Assert"},
                          {6, "Graft"},          {7, "Graft Acknowledgement"},
                          {8, "Candidate RP Advertisement"}, {9, "Prune Refresh"},
                          {10, "DF Election"},   {11, "ECMP Redirect"}};

constexpr Tok kHelloOptions[] = {{1, "Hold Time"},          {2, "LAN Prune Delay"},
                                 {18, "DR Priority (Old)"}, {19, "DR Priority"},
                                 {20, "Generation ID"},     {21, "State Refresh Capability"},
                                 {22, "Bi-Directional Capability"}, {24, "Address List"},
                                 {65001, "Address List (Old)"}};

constexpr Tok kDfSubtypes[] = {{1, "Offer"}, {2, "Winner"}, {3, "Backoff"}, {4, "Pass"}};

constexpr Tok kV1Types[] = {{0, "Query"},        {1, "Register"}, {2, "Register-Stop"},
                            {3, "Join/Prune"},   {4, "RP-reachable"}, {5, "Assert"},
                            {6, "Graft"},        {7, "Graft-ACK"}};

// The message walked as tcpdump walks it: `left` is what the PIM length
// says remains (unsigned, and it wraps where tcpdump's u_int wraps), the
// bytes come from the capture; either running out is Truncated.
struct Cursor {
  Bytes m;
  std::size_t pos = 0;
  std::uint32_t left = 0;

  void need(std::uint32_t n) const {
    if (left < n) throw Truncated{};
  }
  std::uint8_t u8(std::size_t at) const { return sub(m, pos + at, 1)[0]; }
  std::uint16_t be16(std::size_t at) const { return be16_at(m, pos + at); }
  std::uint32_t be32(std::size_t at) const { return be32_at(m, pos + at); }
  Bytes bytes(std::size_t at, std::size_t n) const { return sub(m, pos + at, n); }
  void advance(std::uint32_t n) {
    pos += n;
    left -= n;
  }
};

enum class AddrKind : std::uint8_t { Unicast, Group, Source };

// An encoded address (RFC 7761 4.9): family and encoding type unless the
// header's RFC 2117 address length says the size; then for a group or
// source the flags and the mask length.
struct Addr {
  Bytes addr;
  std::uint8_t flags = 0, mask = 0;
  bool has_mask = false;
  std::uint32_t size = 0;  // bytes consumed
};

Addr read_addr(const Cursor& c, AddrKind kind, unsigned addr_len) {
  std::uint32_t hdr = 0;
  std::size_t alen = addr_len;
  if (addr_len == 0) {
    c.need(2);
    std::uint8_t af = c.u8(0);
    if (af == 1) alen = 4;
    else if (af == 2) alen = 16;
    else throw Truncated{};  // tcpdump: an unknown family ends the message as cut
    if (c.u8(1) != 0) throw Truncated{};
    hdr = 2;
  } else if (addr_len != 4 && addr_len != 16) {
    throw Truncated{};
  }
  Addr a;
  if (kind == AddrKind::Unicast) {
    c.need(hdr + static_cast<std::uint32_t>(alen));
    a.addr = c.bytes(hdr, alen);
    a.size = hdr + static_cast<std::uint32_t>(alen);
    return a;
  }
  c.need(hdr + 2 + static_cast<std::uint32_t>(alen));
  c.bytes(hdr, 2 + alen);
  a.flags = c.u8(hdr);
  a.mask = c.u8(hdr + 1);
  a.has_mask = true;
  a.addr = c.bytes(hdr + 2, alen);
  a.size = hdr + 2 + static_cast<std::uint32_t>(alen);
  return a;
}

void addr_text(Out& o, const Addr& a, AddrKind kind) {
  bool v4 = a.addr.size() == 4;
  if (v4) o.ip4(a.addr);
  else o.ip6(a.addr);
  if (!a.has_mask) return;
  if (a.mask != (v4 ? 32 : 128)) o << '/', o.u(a.mask);
  if (!a.flags) return;
  if (kind == AddrKind::Group) {
    o << "(0x";
    o.hex(a.flags, 2) << ')';
    return;
  }
  o << '(' << (a.flags & 4 ? "S" : "") << (a.flags & 2 ? "W" : "") << (a.flags & 1 ? "R" : "");
  if (a.flags & 0xf8) o << "+0x", o.hex(a.flags & 0xf8, 2);
  o << ')';
}

// Reads, prints and steps over one encoded address.
void addr(Out& o, Cursor& c, AddrKind kind, unsigned addr_len) {
  Addr a = read_addr(c, kind, addr_len);
  addr_text(o, a, kind);
  c.advance(a.size);
}

std::string addr_string(const Addr& a, AddrKind kind) {
  std::string s;
  Out o(s);
  addr_text(o, a, kind);
  return s;
}

// A length check of tcpdump's PIMv1 printer that failed: " [|pimv1]" and on.
struct Short {};

// "[option length N != M] (invalid)": tcpdump stops the message there.
struct Invalid {};

void bad_option(Out& o, unsigned olen, unsigned want) {
  o << "[option length ";
  o.u(olen) << " != ";
  o.u(want) << "] (invalid)";
  throw Invalid{};
}

void print_hello(PrintCtx& p, Cursor& c, unsigned addr_len) {
  Out& o = p.o;
  const bool vv = p.opt.verbose > 1;
  while (c.left != 0) {
    c.need(4);
    std::uint16_t otype = c.be16(0), olen = c.be16(2);
    o << "\n\t  ";
    name_or(o, kHelloOptions, otype, "Unknown") << " Option (";
    o.u(otype) << "), length ";
    o.u(olen) << ", Value: ";
    c.advance(4);
    c.need(olen);
    Bytes v = c.bytes(0, olen);
    switch (otype) {
      case 1:
        if (olen != 2) bad_option(o, olen, 2);
        print_relts(o, be16_at(v, 0));
        break;
      case 2: {
        if (olen != 4) bad_option(o, olen, 4);
        std::uint16_t delay = be16_at(v, 0), override_ms = be16_at(v, 2);
        o << "\n\t    T-bit=" << (delay & 0x8000 ? '1' : '0') << ", LAN delay ";
        o.u(delay & 0x7fffu) << "ms, Override interval ";
        o.u(override_ms) << "ms";
        break;
      }
      case 18:
      case 19:
        if (olen == 0) o << "Bi-Directional Capability (Old)";
        else if (olen == 4) o.u(be32_at(v, 0));
        else bad_option(o, olen, 4);
        break;
      case 20:
        if (olen != 4) bad_option(o, olen, 4);
        o << "0x";
        o.hex(be32_at(v, 0), 8);
        break;
      case 21:
        if (olen != 4) bad_option(o, olen, 4);
        o << 'v';
        o.u(v[0]);
        if (v[1]) o << ", interval ", print_relts(o, v[1]);
        if (be16_at(v, 2)) o << " ?0x", o.hex(be16_at(v, 2), 4) << '?';
        break;
      case 22: break;
      case 24:
      case 65001:
        if (vv) {
          // tcpdump bounds each address by the message, not the option.
          Cursor list = c;
          while (list.pos < c.pos + olen) {
            o << "\n\t    ";
            addr(o, list, AddrKind::Unicast, addr_len);
          }
        }
        break;
      default:
        if (!vv) print_unknown_data(o, v, olen, "\n\t    ");
        break;
    }
    if (vv) print_unknown_data(o, v, olen, "\n\t    ");
    c.advance(olen);
  }
}

void print_register(PrintCtx& p, std::size_t i, Cursor& c) {
  Out& o = p.o;
  c.need(4);
  std::uint32_t flags = c.be32(0);
  o << ", Flags [ " << (flags == 0x80000000u ? "Border" : flags == 0x40000000u ? "Null" : "none") << " ]\n\t";
  c.advance(4);
  if (c.left == 0) throw Truncated{};
  std::uint8_t version = c.u8(0) >> 4;
  switch (version) {
    case 0:
      c.bytes(12, 8);  // both addresses read before the text, as tcpdump's GETs in one printf
      o << "IP-Null-header ";
      o.ip4(c.bytes(12, 4)) << " > ";
      o.ip4(c.bytes(16, 4));
      break;
    case 4:
    case 6:
      if (i + 1 < p.d.size()) print_layers(p, i + 1);
      break;
    default: o << "IP ver "; o.u(version); break;
  }
}

void print_join_prune(PrintCtx& p, Cursor& c, unsigned type, unsigned addr_len) {
  Out& o = p.o;
  if (type != kGraftAck) {
    o << ", upstream-neighbor: ";
    addr(o, c, AddrKind::Unicast, addr_len);
  }
  c.need(4);
  c.bytes(0, 4);
  unsigned ngroup = c.u8(1);
  std::uint16_t holdtime = c.be16(2);
  o << "\n\t  ";
  o.u(ngroup) << " group(s)";
  if (type != kGraftAck) {
    o << ", holdtime: ";
    if (holdtime == 0xffff) o << "infinite";
    else print_relts(o, holdtime);
  }
  c.advance(4);
  for (unsigned g = 0; g < ngroup; ++g) {
    o << "\n\t    group #";
    o.u(g + 1) << ": ";
    addr(o, c, AddrKind::Group, addr_len);
    c.need(4);
    c.bytes(0, 4);
    unsigned njoin = c.be16(0), nprune = c.be16(2);
    o << ", joined sources: ";
    o.u(njoin) << ", pruned sources: ";
    o.u(nprune);
    c.advance(4);
    for (unsigned j = 0; j < njoin; ++j) {
      o << "\n\t      joined source #";
      o.u(j + 1) << ": ";
      addr(o, c, AddrKind::Source, addr_len);
    }
    for (unsigned j = 0; j < nprune; ++j) {
      o << "\n\t      pruned source #";
      o.u(j + 1) << ": ";
      addr(o, c, AddrKind::Source, addr_len);
    }
  }
}

void print_bootstrap(Out& o, Cursor& c, unsigned addr_len) {
  // A value is read before its text, as tcpdump's GET in its printf's
  // arguments; "holdtime=" is printed before its read.
  c.need(2);
  std::uint16_t tag = c.be16(0);
  o << " tag=";
  o.hex(tag);
  c.advance(2);
  c.need(1);
  std::uint8_t hashmlen = c.u8(0);
  o << " hashmlen=";
  o.u(hashmlen);
  c.need(2);
  c.bytes(2, 1);  // tcpdump checks the byte after the priority here
  o << " BSRprio=";
  o.u(c.u8(1));
  c.advance(2);
  o << " BSR=";
  addr(o, c, AddrKind::Unicast, addr_len);
  for (unsigned g = 0; c.left > 0; ++g) {
    o << " (group";
    o.u(g) << ": ";
    addr(o, c, AddrKind::Group, addr_len);
    c.need(1);
    std::uint8_t rpcnt = c.u8(0);
    o << " RPcnt=";
    o.u(rpcnt);
    c.need(2);
    unsigned frpcnt = c.u8(1);
    o << " FRPcnt=";
    o.u(frpcnt);
    c.need(4);
    c.advance(4);
    for (unsigned j = 0; j < frpcnt && c.left > 0; ++j) {
      o << " RP";
      o.u(j) << '=';
      addr(o, c, AddrKind::Unicast, addr_len);
      c.need(2);
      o << ",holdtime=";
      print_relts(o, c.be16(0));
      c.need(3);
      std::uint8_t prio = c.u8(2);
      o << ",prio=";
      o.u(prio);
      c.need(4);
      c.advance(4);
    }
    o << ')';
  }
}

void print_df_election(Out& o, Cursor& c, unsigned subtype, unsigned addr_len) {
  o << "\n\t  ";
  name_or(o, kDfSubtypes, subtype, "Unknown") << ", rpa=";
  addr(o, c, AddrKind::Unicast, addr_len);
  std::uint32_t pref = c.be32(0);
  o << " sender pref=";
  o.u(pref);
  std::uint32_t metric = c.be32(4);
  o << " sender metric=";
  o.u(metric);
  c.advance(8);  // no length check in tcpdump: `left` may wrap, the capture still bounds
  if (subtype != 3 && subtype != 4) return;
  std::string_view who = subtype == 3 ? "offer" : "new winner";
  o << "\n\t  " << who << " addr=";
  addr(o, c, AddrKind::Unicast, addr_len);
  pref = c.be32(0);
  o << ' ' << who << " pref=";
  o.u(pref);
  metric = c.be32(4);
  o << ' ' << who << " metric=";
  o.u(metric);
  c.advance(8);
  if (subtype == 3) {
    std::uint16_t interval = c.be16(0);
    o << " interval ";
    o.u(interval) << "ms";
  }
}

// Everything after "PIMv2, length N\n\t<type>" at -v and -vv.
void print_v2_body(PrintCtx& p, std::size_t i, const PimL& l) {
  Out& o = p.o;
  p.proto = "pimv2";
  Cursor c{l.msg, 0, l.length};
  if (l.length < 2) {
    o << "[length ";
    o.u(l.length) << " < 2] (invalid)";
    return;
  }
  unsigned type = c.u8(0) & 0x0f;
  std::uint8_t rsv = c.u8(1);
  unsigned addr_len = rsv & 0x0f;
  if (addr_len) o << ", RFC2117-encoding";
  if (l.length < 4) {
    o << "[length ";
    o.u(l.length) << " < 4] (invalid)";
    return;
  }
  std::uint16_t sum = c.be16(2);
  o << ", cksum 0x";
  o.hex(sum, 4) << ' ';
  if (sum == 0 || l.sum == PimL::Unverified) o << "(unverified)";
  else o << (l.sum == PimL::Correct ? "(correct)" : "(incorrect)");
  c.advance(4);
  try {
    switch (type) {
      case kHello: print_hello(p, c, addr_len); break;
      case kRegister: print_register(p, i, c); break;
      case kRegisterStop:
        o << " group=";
        addr(o, c, AddrKind::Group, addr_len);
        o << " source=";
        addr(o, c, AddrKind::Unicast, addr_len);
        break;
      case kJoinPrune:
      case kGraft:
      case kGraftAck: print_join_prune(p, c, type, addr_len); break;
      case kBootstrap: print_bootstrap(o, c, addr_len); break;
      case kAssert: {
        o << " group=";
        addr(o, c, AddrKind::Group, addr_len);
        o << " src=";
        addr(o, c, AddrKind::Unicast, addr_len);
        c.need(8);
        c.bytes(0, 8);
        if (c.u8(0) & 0x80) o << " RPT";
        o << " pref=";
        o.u(c.be32(0) & 0x7fffffffu) << " metric=";
        o.u(c.be32(4));
        break;
      }
      case kCandidateRp: {
        c.need(1);
        unsigned count = c.u8(0);
        o << " prefix-cnt=";
        o.u(count);
        c.need(2);
        std::uint8_t prio = c.u8(1);
        o << " prio=";
        o.u(prio);
        c.need(4);
        o << " holdtime=";
        print_relts(o, c.be16(2));
        c.advance(4);
        o << " RP=";
        addr(o, c, AddrKind::Unicast, addr_len);
        for (unsigned g = 0; g < count && c.left > 0; ++g) {
          o << " Group";
          o.u(g) << '=';
          addr(o, c, AddrKind::Group, addr_len);
        }
        break;
      }
      case kPruneRefresh:
        o << " src=";
        addr(o, c, AddrKind::Unicast, addr_len);
        o << " grp=";
        addr(o, c, AddrKind::Group, addr_len);
        o << " forwarder=";
        addr(o, c, AddrKind::Unicast, addr_len);
        c.need(2);
        o << " TUNR ";
        print_relts(o, c.be16(0));
        break;
      case kDfElection: print_df_election(o, c, rsv >> 4, addr_len); break;
      default: o << " [type "; o.u(type) << ']'; break;
    }
  } catch (const Invalid&) {
  }
}

// The checksum's verdict as tcpdump's pimv2_check_checksum: over n bytes of
// the message (IPv6: with the pseudo-header), when all n were captured.
PimL::Sum check(const Ctx& c, const PimL& l, std::size_t ip, std::uint32_t n) {
  if (l.msg.size() < n) return PimL::Unverified;
  Bytes b = l.msg.first(n);
  std::uint16_t s = is<Ipv4L>(c.d, ip) ? fold_checksum(ones_sum(b)) : l4_checksum(c.d, ip, 103, b);
  return s == 0 ? PimL::Correct : PimL::Incorrect;
}

// PIMv1 join/prune, graft and graft-ack bodies (tcpdump's
// pimv1_join_prune_print): one line for a single group and source.
void print_pimv1_join_prune(Out& o, Bytes b, std::uint32_t len, int verbose) {
  if (b.size() >= 30 && b[11] == 1 && be16_at(b, 20) + be16_at(b, 22) == 1) {
    unsigned njoin = be16_at(b, 20);
    o << " RPF ";
    o.ip4(sub(b, 0, 4)) << ' ';
    if (std::uint16_t hold = be16_at(b, 6); hold != 180) o << "Hold ", print_relts(o, hold);
    o << (njoin ? "Join" : "Prune") << " (";
    o.ip4(sub(b, 26, 4)) << '/';
    o.u(b[25] & 0x3f) << ", ";
    o.ip4(sub(b, 12, 4));
    if (be32_at(b, 16) != 0xffffffffu) o << '/', o.ip4(sub(b, 16, 4));
    o << ") " << (b[24] & 1 ? "Sparse" : "Dense") << (b[25] & 0x80 ? " WC" : "") << ' '
      << (b[25] & 0x40 ? "RP" : "SPT");
    return;
  }
  std::size_t at = 0;
  auto need = [&](std::uint32_t n) {
    if (len < n) throw Short{};
  };
  need(4);
  if (verbose > 1) o << '\n';
  Bytes upstream = sub(b, 0, 4);
  o << " Upstream Nbr: ";
  o.ip4(upstream);
  at += 4, len -= 4;
  need(4);
  if (verbose > 1) o << '\n';
  o << " Hold time: ";
  print_relts(o, be16_at(b, at + 2));
  if (verbose < 2) return;
  at += 4, len -= 4;
  need(4);
  unsigned ngroups = sub(b, at + 3, 1)[0];
  at += 4, len -= 4;
  for (; ngroups; --ngroups) {
    need(4);
    Bytes group = sub(b, at, 4);
    o << "\n\tGroup: ";
    o.ip4(group);
    at += 4, len -= 4;
    need(4);
    if (be32_at(b, at) != 0xffffffffu) o << '/', o.ip4(sub(b, at, 4));
    at += 4, len -= 4;
    need(4);
    sub(b, at, 4);
    unsigned njoin = be16_at(b, at), nprune = be16_at(b, at + 2);
    o << " joined: ";
    o.u(njoin) << " pruned: ";
    o.u(nprune);
    at += 4, len -= 4;
    for (unsigned k = 0; k < njoin + nprune; ++k) {
      need(6);
      sub(b, at, 6);
      std::uint8_t f0 = b[at], f1 = b[at + 1];
      o << "\n\t" << (k < njoin ? "Join " : "Prune") << ' ' << (f0 & 1 ? "Sparse " : "Dense ")
        << (f1 & 0x80 ? "WC " : "") << (f1 & 0x40 ? "RP " : "SPT ");
      o.ip4(sub(b, at + 2, 4)) << '/';
      o.u(f1 & 0x3f);
      at += 6, len -= 6;
    }
  }
}

}  // namespace

void decode_pim(Ctx& c, ByteReader r, std::uint32_t length, std::size_t ip) {
  c.d.trunc_proto = "pim";
  auto& l = c.d.push<PimL>();  // Decoded's slots never move
  l.msg = r.rest();
  l.length = length;
  if (!c.opt.verbose || l.msg.empty() || (l.msg[0] >> 4) != 2 || length < 4) return;
  PimL sum;
  unsigned type = l.msg[0] & 0x0f;
  if (type == kRegister) {
    // RFC 7761 4.9.3: the checksum covers the header only; RFC 4601 says
    // to accept one over the whole message too.
    sum.sum = check(c, l, ip, 8);
    if (sum.sum == PimL::Incorrect) sum.sum = check(c, l, ip, length);
  } else {
    sum.sum = check(c, l, ip, length);
  }
  l.sum = sum.sum;
  if (type != kRegister || length <= 8 || l.msg.size() <= 8) return;
  unsigned version = l.msg[8] >> 4;
  ByteReader inner(l.msg.subspan(8));
  if (version == 4) decode_ipv4(c, inner, length - 8);
  else if (version == 6) decode_ipv6(c, inner, length - 8);
}

void print_pim(PrintCtx& p, std::size_t i) {
  p.proto = "pim";
  const auto& l = at<PimL>(p.d, i);
  Out& o = p.o;
  std::uint8_t typever = sub(l.msg, 0, 1)[0];
  unsigned version = typever >> 4;
  o << "PIMv";
  o.u(version);
  if (version != 2) {
    o << ", length ";
    o.u(l.length);
    return;
  }
  if (!p.opt.verbose) {
    o << ", ";
    name_or(o, kTypes, typever & 0x0f, "Unknown Type") << ", length ";
    o.u(l.length);
    return;
  }
  o << ", length ";
  o.u(l.length) << "\n\t";
  name_or(o, kTypes, typever & 0x0f, "Unknown Type");
  print_v2_body(p, i, l);
}

// PIM version 1 in IGMP (type 0x14): m the IGMP message as captured, len
// its length. tcpdump reads its fields where they are captured, with few
// length checks; a value is read before its text (tcpdump's GETs in its
// printf's arguments), a hold time after its label.
void print_pimv1(PrintCtx& p, Bytes m, std::uint32_t len) {
  p.proto = "pimv1";
  Out& o = p.o;
  const bool verbose = p.opt.verbose > 0;
  std::uint8_t type = sub(m, 1, 1)[0];
  o << ' ';
  tok_print(o, kV1Types, type, "[type ", "]");
  auto group_mask = [&](std::size_t at) {
    if (be32_at(m, at) != 0xffffffffu) o << '/', o.ip4(sub(m, at, 4));
  };
  try {
    switch (type) {
      case 0:
        if (m.size() > 8) {
          unsigned mode = m[8] >> 4;
          if (mode == 0) o << " Dense-mode";
          else if (mode == 1) o << " Sparse-mode";
          else if (mode == 2) o << " Sparse-Dense-mode";
          else o << " mode-", o.u(mode);
        }
        if (verbose) {
          o << " (Hold-time ";
          print_relts(o, be16_at(m, 10));
          o << ')';
        }
        break;
      case 1:
        sub(m, 8, 20);
        o << " for ";
        o.ip4(sub(m, 20, 4)) << " > ";
        o.ip4(sub(m, 24, 4));
        break;
      case 2:
        sub(m, 8, 8);
        o << " for ";
        o.ip4(sub(m, 8, 4)) << " > ";
        o.ip4(sub(m, 12, 4));
        break;
      case 4:
        if (!verbose) break;
        sub(m, 8, 4);
        o << " group ";
        o.ip4(sub(m, 8, 4));
        group_mask(12);
        sub(m, 16, 4);
        o << " RP ";
        o.ip4(sub(m, 16, 4)) << " hold ";
        print_relts(o, be16_at(m, 22));
        break;
      case 5:
        sub(m, 8, 12);
        o << " for ";
        o.ip4(sub(m, 16, 4)) << " > ";
        o.ip4(sub(m, 8, 4));
        group_mask(12);
        sub(m, 20, 8);
        o << ' ' << (m[20] & 0x80 ? "RP-tree" : "SPT") << " pref ";
        o.u(be32_at(m, 20) & 0x7fffffffu) << " metric ";
        o.u(be32_at(m, 24));
        break;
      case 3:
      case 6:
      case 7:
        if (!verbose) break;
        if (len < 8) {
          o << " [|pimv1]";
          return;
        }
        print_pimv1_join_prune(o, m.size() > 8 ? m.subspan(8) : Bytes{}, len - 8, p.opt.verbose);
        break;
      default: break;
    }
  } catch (const Short&) {
    o << " [|pimv1]";  // the join/prune printer's length checks print it, the version follows
  }
  std::uint8_t v = sub(m, 4, 1)[0] >> 4;
  if (v != 1) o << " [v", o.u(v) << ']';
}

namespace {

// The JSON side's walk of a message: the cursor, the address length, and
// the containers it has opened (closed again when a read runs short).
struct JsonWalk {
  JsonWriter& w;
  Cursor c;
  unsigned addr_len = 0;
  std::vector<bool> open;  // true for an array

  void begin(std::string_view key, bool array) {
    if (!key.empty()) w.key(key);
    if (array) w.begin_array();
    else w.begin_object();
    open.push_back(array);
  }
  void end() {
    if (open.back()) w.end_array();
    else w.end_object();
    open.pop_back();
  }
  // An encoded address as text, a member (or an array value when key is empty).
  void address(std::string_view key, AddrKind kind) {
    Addr a = read_addr(c, kind, addr_len);
    std::string text = addr_string(a, kind);
    if (key.empty()) w.value(text);
    else w.member(key, text);
    c.advance(a.size);
  }
};

void json_hello(JsonWalk& j) {
  j.begin("options", true);
  while (j.c.left != 0) {
    j.c.need(4);
    std::uint16_t otype = j.c.be16(0), olen = j.c.be16(2);
    j.c.advance(4);
    j.c.need(olen);
    Bytes v = j.c.bytes(0, olen);
    j.begin({}, false);
    j.w.member("type", otype);
    if (auto name = tok_name(kHelloOptions, otype); !name.empty()) j.w.member("name", name);
    j.w.member("length", olen);
    j.w.member("value", hex_text(v));
    j.end();
    j.c.advance(olen);
  }
  j.end();
}

void json_join_prune(JsonWalk& j, unsigned type) {
  if (type != kGraftAck) j.address("upstream_neighbor", AddrKind::Unicast);
  j.c.need(4);
  unsigned ngroup = j.c.u8(1);
  if (type != kGraftAck) j.w.member("holdtime", j.c.be16(2));
  j.c.advance(4);
  j.begin("groups", true);
  for (unsigned g = 0; g < ngroup; ++g) {
    j.begin({}, false);
    j.address("group", AddrKind::Group);
    j.c.need(4);
    unsigned njoin = j.c.be16(0), nprune = j.c.be16(2);
    j.c.advance(4);
    j.begin("joined", true);
    for (unsigned k = 0; k < njoin; ++k) j.address({}, AddrKind::Source);
    j.end();
    j.begin("pruned", true);
    for (unsigned k = 0; k < nprune; ++k) j.address({}, AddrKind::Source);
    j.end();
    j.end();
  }
  j.end();
}

// The body of each message type after the 4-byte header.
void json_body(JsonWalk& j, unsigned type, std::uint8_t rsv) {
  Cursor& c = j.c;
  switch (type) {
    case kHello: json_hello(j); break;
    case kRegister:
      c.need(4);
      j.w.member("border", (c.be32(0) & 0x80000000u) != 0);
      j.w.member("null_register", (c.be32(0) & 0x40000000u) != 0);
      break;
    case kRegisterStop:
      j.address("group", AddrKind::Group);
      j.address("source", AddrKind::Unicast);
      break;
    case kAssert:
      j.address("group", AddrKind::Group);
      j.address("source", AddrKind::Unicast);
      c.need(8);
      j.w.member("rpt", (c.u8(0) & 0x80) != 0);
      j.w.member("preference", c.be32(0) & 0x7fffffffu);
      j.w.member("metric", c.be32(4));
      break;
    case kJoinPrune:
    case kGraft:
    case kGraftAck: json_join_prune(j, type); break;
    case kBootstrap:
      c.need(4);
      j.w.member("fragment_tag", c.be16(0));
      j.w.member("hash_mask_len", c.u8(2));
      j.w.member("bsr_priority", c.u8(3));
      c.advance(4);
      j.address("bsr", AddrKind::Unicast);
      break;
    case kCandidateRp:
      c.need(4);
      j.w.member("prefix_count", c.u8(0));
      j.w.member("priority", c.u8(1));
      j.w.member("holdtime", c.be16(2));
      c.advance(4);
      j.address("rp", AddrKind::Unicast);
      break;
    case kPruneRefresh:
      j.address("source", AddrKind::Unicast);
      j.address("group", AddrKind::Group);
      j.address("forwarder", AddrKind::Unicast);
      break;
    case kDfElection:
      j.w.member("subtype", rsv >> 4);
      j.address("rp_address", AddrKind::Unicast);
      c.need(8);
      j.w.member("sender_preference", c.be32(0));
      j.w.member("sender_metric", c.be32(4));
      break;
    default: break;
  }
}

}  // namespace

// The header as typed members, the checksum's verdict, and what each
// message type carries (hello options, the register's flags, join/prune
// groups with their sources, the addresses of the others); a field the
// capture or the length does not hold ends it with "truncated": true.
void json_pim(JsonWriter& w, const PimL& l) {
  w.member("layer", "pim");
  w.member("length", l.length);
  JsonWalk j{w, Cursor{l.msg, 0, l.length}, 0, {}};
  try {
    std::uint8_t typever = j.c.u8(0);
    unsigned version = typever >> 4, type = typever & 0x0f;
    w.member("version", version);
    w.member("type", type);
    if (version != 2) return;
    if (auto name = tok_name(kTypes, type); !name.empty()) w.member("type_name", name);
    j.c.need(4);
    std::uint8_t rsv = j.c.u8(1);
    j.addr_len = rsv & 0x0f;
    if (j.addr_len) w.member("rfc2117_addr_len", j.addr_len);
    std::uint16_t sum = j.c.be16(2);
    w.member("checksum", sum);
    if (sum != 0 && l.sum != PimL::Unverified) w.member("checksum_ok", l.sum == PimL::Correct);
    j.c.advance(4);
    json_body(j, type, rsv);
  } catch (const Truncated&) {
    while (!j.open.empty()) j.end();
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
