// UDP (RFC 768; IPv6 checksum rules from RFC 8200 8.1).
#include "proto/proto.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>

namespace netlab::proto {

namespace {

// tcpdump 4.99.3's udp_print chain, in its order: each link one test of the
// ports, the first link whose test holds decides. A link without a decoder
// is a printer netlab does not have yet: its ports are taken all the same
// (the datagram prints as "UDP, length N"), so a later printer never claims
// a datagram tcpdump gives to an earlier one. The order was checked against
// tcpdump itself, every pair of the ports below as source and destination.
struct Link {
  enum Test : std::uint8_t {
    Either,  // either port is a, b or c
    Dst,     // the destination port is a, b, c or d
    Src,     // the source port is a
    Range    // either port is in a..b
  };
  Test test;
  std::uint16_t a, b = 0, c = 0, d = 0;
  void (*decode)(Ctx&, ByteReader, std::uint32_t) = nullptr;
  // Whether this side's port alone (the other side a port no link tests) passes.
  bool side(std::uint16_t port, bool as_dport) const {
    auto any = [&](std::uint16_t p) { return p != 0 && port == p; };
    switch (test) {
      case Either: return any(a) || any(b) || any(c);
      case Dst: return as_dport && (any(a) || any(b) || any(c) || any(d));
      case Src: return !as_dport && any(a);
      case Range: return port >= a && port <= b;
    }
    return false;
  }
};

const Link kChain[] = {
    {Link::Either, 53, 0, 0, 0, decode_dns},
    {Link::Either, 5353, 0, 0, 0, decode_mdns},
    {Link::Either, 525},  // timed
    {Link::Either, 69, 0, 0, 0, decode_tftp},
    {Link::Either, 67, 68, 0, 0, decode_bootp},
    {Link::Either, 520, 0, 0, 0, decode_rip},
    {Link::Either, 654},  // AODV
    {Link::Either, 500, 0, 0, 0, decode_isakmp},
    {Link::Either, 4500, 0, 0, 0, decode_udp_encap},  // RFC 3948: ESP, or IKE after four zero bytes
    {Link::Either, 7500, 8500, 0, 0, decode_isakmp},  // ISAKMP's user ports
    {Link::Either, 161, 162, 0, 0, decode_snmp},
    {Link::Either, 123, 0, 0, 0, decode_ntp},
    {Link::Either, 88, 750, 0, 0, decode_krb},
    {Link::Either, 1701, 0, 0, 0, decode_l2tp},
    {Link::Dst, 3456},                               // VAT
    {Link::Either, 2103, 2104},                      // Zephyr
    {Link::Range, 7000, 7009, 0, 0, decode_rx},      // AFS's RX
    {Link::Either, 521, 0, 0, 0, decode_ripng},
    {Link::Either, 546, 547, 0, 0, decode_dhcp6},
    {Link::Either, 5359},                            // AHCP
    {Link::Either, 6696, 6697, 0, 0, decode_babel},  // and 6697 before RFC 6126's port
    {Link::Either, 8231},                            // HNCP
    {Link::Dst, 4567},                               // whiteboard
    {Link::Either, 496},                             // Cisco auto-RP
    // RADIUS: authentication, accounting (old and new ports), dynamic authorization.
    {Link::Either, 1645, 1812, 1646, 0, decode_radius},
    {Link::Either, 1813, 1700, 3799, 0, decode_radius},
    {Link::Dst, 1985, 0, 0, 0, decode_hsrp},
    {Link::Either, 921},  // lwres
    {Link::Either, 646, 0, 0, 0, decode_ldp},
    {Link::Either, 698},  // OLSR
    {Link::Either, 3503, 0, 0, 0, decode_lspping},
    {Link::Src, 49152},                                // Broadcom's LI shim
    {Link::Dst, 3784, 4784, 6784, 3785, decode_bfd},  // control, multihop, LAG, echo
    {Link::Either, 701},                               // LMP
    {Link::Either, 1589},                              // VQP
    {Link::Either, 6343, 0, 0, 0, decode_sflow},
    {Link::Dst, 12223},  // LWAPP control, to the controller
    {Link::Src, 12223},  // and from it
    {Link::Either, 12222},  // LWAPP data
    {Link::Either, 5060},   // SIP
    {Link::Either, 514, 0, 0, 0, decode_syslog},
    {Link::Either, 8472, 0, 0, 0, decode_otv},  // Linux's default VXLAN port, OTV to tcpdump
    {Link::Either, 4789, 0, 0, 0, decode_vxlan},
    {Link::Either, 6081, 0, 0, 0, decode_geneve},  // either port in 4.99.3
    {Link::Either, 4342},                          // LISP control
    {Link::Either, 4790, 0, 0, 0, decode_vxlan_gpe},
    {Link::Either, 17754},  // ZEP
    {Link::Either, 6635, 0, 0, 0, decode_mpls},  // RFC 7510
    {Link::Either, 319, 320, 0, 0, decode_ptp},  // event and general
};

// The walk: the index of the link that decides a datagram between these
// ports, or -1 when none does. row_for() below finds the same in O(1), and
// checks itself against it in builds with assertions (the ASan suite
// replays every corpus capture).
[[maybe_unused]] int walk_rows(std::uint16_t sport, std::uint16_t dport) {
  int index = 0;
  for (const auto& link : kChain) {
    if (link.side(sport, false) || link.side(dport, true)) return index;
    ++index;
  }
  return -1;
}

// Every link tests one port alone, so the link of a pair is the earlier of
// the first links its source and its destination each pass alone. Each
// port's first link, per side, is found the first time the port is seen
// and kept: the full walk per datagram, dozens of links for an unknown
// port, was the largest single cost of decoding a lab's capture (7%).
constexpr std::uint8_t kUnknown = 0, kNever = 0xff;
static_assert(std::size(kChain) < 250, "a link's index is kept in a byte");

std::uint8_t first_stop(std::uint16_t port, bool as_dport) {
  unsigned index = 0;
  for (const auto& link : kChain) {
    if (link.side(port, as_dport)) return static_cast<std::uint8_t>(index + 1);
    ++index;
  }
  return kNever;
}

// Relaxed atomics: threads that decode at once may both work out a port's
// answer, and they store the same byte.
std::uint8_t stop_of(std::uint16_t port, bool as_dport) {
  static std::array<std::atomic<std::uint8_t>, 65536> sides[2];
  auto& slot = sides[as_dport ? 1 : 0][port];
  std::uint8_t v = slot.load(std::memory_order_relaxed);
  if (v == kUnknown) {
    v = first_stop(port, as_dport);
    slot.store(v, std::memory_order_relaxed);
  }
  return v;
}

int row_for(std::uint16_t sport, std::uint16_t dport) {
  const std::uint8_t first = std::min(stop_of(sport, false), stop_of(dport, true));
  const int row = first == kNever ? -1 : first - 1;
  assert(row == walk_rows(sport, dport));
  return row;
}

void decode_payload(Ctx& c, const UdpL& u, ByteReader r, std::uint32_t plen) {
  const int row = row_for(u.sport, u.dport);
  if (row >= 0 && kChain[row].decode) kChain[row].decode(c, r, plen);
}

}  // namespace

void decode_udp(Ctx& c, ByteReader r, std::uint32_t length, std::size_t ip, bool fragmented) {
  c.d.trunc_proto = "udp";
  auto& u = c.d.push<UdpL>();
  u.length = length;
  u.fragmented = fragmented;
  if (is<Ipv4L>(c.d, ip)) u.ip_direct = at<Ipv4L>(c.d, ip).proto == 17;
  else u.ip_direct = at<Ipv6L>(c.d, ip).nh == 17;
  Bytes seg = r.rest();
  if (!r.has(4)) throw Truncated{};
  u.sport = r.be16();
  u.dport = r.be16();
  u.stage = 1;
  if (length < 8) return;
  if (!r.has(2)) throw Truncated{};
  u.ulen = r.be16();
  u.stage = 2;
  std::uint32_t ulen = u.ulen;
  if (ulen == 0 && length > 65535) ulen = length;
  if (ulen < 8) return;
  if (!r.has(2)) throw Truncated{};
  u.sum = r.be16();
  u.stage = 3;
  std::uint32_t plen = std::min(ulen - 8, length - 8);
  u.payload = r.rest().first(std::min<std::size_t>(r.remaining(), plen));
  if (c.opt.verbose && !fragmented && r.has(plen)) {
    bool v4 = is<Ipv4L>(c.d, ip);
    if (!v4 || (c.opt.verbose > 1 && u.sum != 0)) {
      u.computed = l4_checksum(c.d, ip, 17, seg.first(plen + 8));
      u.sum_checked = true;
    }
  }
  // tcpdump's udp_print tests for NFS over Sun RPC before its checksum
  // and its port table: a call to 2049 or a reply from it (sunrpc.cpp).
  if (!c.opt.quiet && decode_nfs_udp(c, u, r, plen)) return;
  decode_payload(c, u, r, plen);
}

void print_udp(PrintCtx& p, std::size_t i) {
  p.proto = "udp";
  const auto& u = at<UdpL>(p.d, i);
  Out& o = p.o;
  const std::size_t ip = enclosing_ip(p.d, i);
  auto addresses = [&](int sport, int dport) {
    if (u.ip_direct) {
      print_ip_pair(p, ip, sport, dport);
      o << ": ";
    } else if (sport >= 0) {
      o.u(static_cast<unsigned>(sport)) << " > ";
      o.u(static_cast<unsigned>(dport)) << ": ";
    }
  };
  if (u.stage < 1) {
    addresses(-1, -1);
    return;
  }
  addresses(u.sport, u.dport);
  if (u.length < 8) {
    o << "truncated-udp ";
    o.u(u.length);
    return;
  }
  if (u.stage < 2) return;
  std::uint32_t ulen = u.ulen;
  if (ulen == 0 && u.length > 65535) ulen = u.length;
  if (ulen < 8) {
    o << "truncated-udplength ";
    o.u(ulen);
    return;
  }
  if (u.stage < 3) return;
  bool v4 = is<Ipv4L>(p.d, ip);
  const bool nfs = i + 1 < p.d.size() && is<NfsL>(p.d, i + 1);  // printed before the checksum
  if (p.opt.verbose && !u.fragmented && !nfs) {
    if (v4 && p.opt.verbose > 1 && u.sum == 0) {
      o << "[no cksum] ";
    } else if (u.sum_checked) {
      if (u.computed != 0) {
        o << "[bad udp cksum 0x";
        o.hex(u.sum, 4) << " -> 0x";
        o.hex(cksum_shouldbe(u.sum, u.computed), 4) << "!] ";
      } else {
        o << "[udp sum ok] ";
      }
    }
  }
  if (!p.opt.quiet && i + 1 < p.d.size()) return print_layers(p, i + 1);  // the payload's printer
  ulen -= 8;
  std::uint32_t length = u.length - 8;
  if (ulen < length) length = ulen;
  if (ulen > length && !u.fragmented) {
    o << "UDP, bad length ";
    o.u(ulen) << " > ";
    o.u(length);
  } else {
    o << "UDP, length ";
    o.u(ulen);
  }
}

}  // namespace netlab::proto

namespace netlab::proto {

void json_udp(JsonWriter& w, const UdpL& l) {
  w.member("layer", "udp");
  if (l.stage >= 1) {
    w.member("sport", l.sport);
    w.member("dport", l.dport);
  }
  if (l.stage >= 2) w.member("length", l.ulen);
  if (l.stage >= 3) w.member("checksum", l.sum);
  if (l.sum_checked) w.member("checksum_ok", l.computed == 0);
}

}  // namespace netlab::proto
