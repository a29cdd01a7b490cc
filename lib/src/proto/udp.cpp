// UDP (RFC 768; IPv6 checksum rules from RFC 8200 8.1).
#include "proto/proto.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bitset>
#include <cassert>

namespace netlab::proto {

namespace {

// The payload printers tcpdump 4.99.3's udp_print reaches, in its order:
// a packet goes to the first row whose port it uses as source or
// destination, unless a printer earlier in tcpdump's chain (which netlab
// does not decode yet) claims one of its ports first.
struct PortRow {
  std::uint16_t port_a, port_b;
  std::initializer_list<std::uint16_t> claimed_before;
  void (*decode)(Ctx&, ByteReader, std::uint32_t);
  // tcpdump's tests earlier in the chain that are not "either port is P":
  // a destination port alone, or a range.
  bool (*claimed_otherwise)(std::uint16_t sport, std::uint16_t dport) = nullptr;
  bool dport_only = false;  // the row's own test is on the destination port (HSRP)
  bool range = false;       // the row's own test is port_a..port_b, either port (RX)
};

// Before BFD in udp_print: HSRP's, HSRP itself (destination 1985) and, in
// 4.99.3 (bfd_source_port_49152.pcap shows it), Broadcom's LI shim on
// source port 49152.
bool claimed_before_bfd(std::uint16_t sport, std::uint16_t dport) {
  auto rx = [](std::uint16_t p) { return p >= 7000 && p <= 7009; };
  return rx(sport) || rx(dport) || dport == 3456 || dport == 4567 || dport == 1985 || sport == 49152;
}

// Before HSRP in udp_print: the RX range and VAT and whiteboard (destination).
bool claimed_before_hsrp(std::uint16_t sport, std::uint16_t dport) {
  auto rx = [](std::uint16_t p) { return p >= 7000 && p <= 7009; };
  return rx(sport) || rx(dport) || dport == 3456 || dport == 4567;
}

// Before VXLAN in udp_print: the AFS/RX range 7000-7009, and the printers
// tcpdump chooses by destination port only (VAT 3456, whiteboard 4567,
// HSRP 1985, BFD 3784, 3785, 4784, 6784) or LWAPP control (12223) either way.
bool claimed_before_vxlan(std::uint16_t sport, std::uint16_t dport) {
  auto rx = [](std::uint16_t p) { return p >= 7000 && p <= 7009; };
  if (rx(sport) || rx(dport)) return true;
  for (std::uint16_t p : {3456, 4567, 1985, 3784, 3785, 4784, 6784, 12223})
    if (dport == p) return true;
  return sport == 12223;
}
// Before sFlow in udp_print: BFD's and BFD itself (destination 3784, 3785,
// 4784, 6784).
bool claimed_before_sflow(std::uint16_t sport, std::uint16_t dport) {
  if (claimed_before_bfd(sport, dport)) return true;
  return dport == 3784 || dport == 3785 || dport == 4784 || dport == 6784;
}
// Before LSP ping in udp_print: HSRP's and HSRP itself (destination 1985).
bool claimed_before_lspping(std::uint16_t sport, std::uint16_t dport) {
  return claimed_before_hsrp(sport, dport) || dport == 1985;
}
// Before RX in udp_print: VAT, on its destination port 3456.
bool claimed_before_rx(std::uint16_t, std::uint16_t dport) { return dport == 3456; }
// Before Babel in udp_print: VAT (destination 3456) and the RX range.
bool claimed_before_babel(std::uint16_t sport, std::uint16_t dport) {
  auto rx = [](std::uint16_t p) { return p >= 7000 && p <= 7009; };
  return rx(sport) || rx(dport) || dport == 3456;
}

const PortRow kPortTable[] = {
    {53, 53, {}, decode_dns},
    {67, 68, {53}, decode_bootp},
    {69, 69, {53, 67, 68}, decode_tftp},
    {123, 123, {53, 67, 68, 69, 88}, decode_ntp},
    // SNMP and its traps, either port, after NTP.
    {161, 162, {53, 67, 68, 69, 88, 123}, decode_snmp},
    // PTP's event and general ports, after SNMP (161, 162).
    {319, 320, {53, 67, 68, 69, 88, 123, 161, 162}, decode_ptp},
    // ISAKMP/IKE, after SNMP, PTP and 496 (PIM auto-RP).
    {500, 500, {53, 67, 68, 69, 88, 123, 161, 162, 319, 320, 496}, decode_isakmp},
    {514, 514, {53, 67, 68, 69, 88, 123, 161, 162, 319, 320, 496, 500}, decode_syslog},
    // RIP and RIPng, either port, after syslog.
    {520, 520, {53, 67, 68, 69, 88, 123, 161, 162, 319, 320, 496, 500, 514}, decode_rip},
    {521, 521, {53, 67, 68, 69, 88, 123, 161, 162, 319, 320, 496, 500, 514, 520}, decode_ripng},
    {546, 547, {53, 67, 68, 69, 88, 123, 161, 162, 319, 320, 496, 500, 514, 520, 521, 525}, decode_dhcp6},
    // LDP's hellos, either port, after DHCPv6.
    {646, 646, {53, 67, 68, 69, 88, 123, 161, 162, 319, 320, 496, 500, 514, 520, 521, 525, 546, 547}, decode_ldp},
    {5353, 5353,
     {53, 67, 68, 69, 88, 123, 161, 162, 319, 320, 496, 500, 514, 520, 521, 525, 546, 547, 646, 654, 698, 701, 750,
      921},
     decode_mdns},
    // RFC 3948 NAT traversal: ESP, or IKE after four zero bytes.
    {4500, 4500,
     {53, 67, 68, 69, 88, 123, 161, 162, 319, 320, 496, 500, 514, 520, 521, 525, 546, 547, 646, 654, 698, 701, 750,
      921, 5353},
     decode_udp_encap},
    // ISAKMP's user ports, 7500 and 8500, right after NAT traversal.
    {7500, 8500,
     {53, 67, 68, 69, 88, 123, 161, 162, 319, 320, 496, 500, 514, 520, 521, 525, 546, 547, 646, 654, 698, 701, 750,
      921, 5353, 4500},
     decode_isakmp},
    // AFS's RX, either port in 7000-7009, after the user ISAKMP ports, L2TP,
    // VAT (destination 3456) and Zephyr.
    {7000, 7009,
     {53, 67, 68, 69, 88, 123, 161, 162, 319, 320, 496, 500, 514, 520, 521, 525, 546, 547, 646, 654, 698, 701, 750,
      921, 5353, 4500, 7500, 8500, 1701, 2103, 2104},
     decode_rx, claimed_before_rx, false, true},
    // Babel (6696, and 6697 before RFC 6126's port assignment), after RX
    // and AHCP (5359).
    {6696, 6697,
     {53,  67,  68,  69,  88,  123,  161,  162,  319,  320,  496,  500,  514,  520,  521,  525,
      546, 547, 646, 654, 698, 701,  750,  921,  5353, 4500, 7500, 8500, 1701, 2103, 2104, 5359},
     decode_babel, claimed_before_babel},
    // RADIUS (1645, 1812 authentication, 1646, 1813 accounting, 1700 and
    // 3799 dynamic authorization), after HNCP (8231) and the printers
    // before HSRP that test a destination port (VAT, whiteboard) or the RX range.
    {1645, 1812,
     {53,  67,  68,  69,  88,  123,  161,  162,  319,  320,  496,  500,  514,  520,  521,  525,  546,
      547, 646, 654, 698, 701, 750,  921,  5353, 4500, 7500, 8500, 1701, 2103, 2104, 5359, 6696, 6697, 8231},
     decode_radius, claimed_before_hsrp},
    {1646, 1813, {}, decode_radius, claimed_before_hsrp},
    {1700, 3799, {}, decode_radius, claimed_before_hsrp},
    // HSRP: the destination port only, after RADIUS (1645, 1646, 1700, 1812, 1813, 3799).
    {1985, 1985,
     {53,   67,   68,   69,   88,   123,  161,  162,  319,  320,  496,  500,  514,  520,  521,  525,  546,
      547,  646,  654,  698,  701,  750,  921,  5353, 4500, 7500, 8500, 1701, 2103, 2104, 5359, 6696, 6697,
      8231, 1645, 1812, 1646, 1813, 1700, 3799},
     decode_hsrp, claimed_before_hsrp, true},
    // MPLS LSP ping, either port, after HSRP (1985, destination).
    {3503, 3503,
     {53,   67,   68,   69,   88,   123,  161,  162,  319,  320,  496,  500,  514,  520,  521,  525,  546,
      547,  646,  654,  698,  701,  750,  921,  5353, 4500, 7500, 8500, 1701, 2103, 2104, 5359, 6696, 6697,
      8231, 1645, 1812, 1646, 1813, 1700, 3799},
     decode_lspping, claimed_before_lspping},
    // BFD: destination ports 3784 (control), 3785 (echo), 4784 (multihop)
    // and 6784 (LAG), after HSRP (1985, destination) and MPLS LSP ping (3503).
    {3784, 3784,
     {53,   67,   68,   69,   88,   123,  161,  162,  319,  320,  496,  500,  514,  520,  521,  525,  546,
      547,  646,  654,  698,  701,  750,  921,  5353, 4500, 7500, 8500, 1701, 2103, 2104, 5359, 6696, 6697,
      8231, 1645, 1812, 1646, 1813, 1700, 3799, 3503},
     decode_bfd, claimed_before_bfd, true},
    {3785, 3785, {}, decode_bfd, nullptr, true},
    {4784, 4784, {}, decode_bfd, nullptr, true},
    {6784, 6784, {}, decode_bfd, nullptr, true},
    // sFlow, either port, after BFD, MPLS LSP ping (3503) and VQP (1589).
    {6343, 6343,
     {53,   67,   68,   69,   88,   123,  161,  162,  319,  320,  496,  500,  514,  520,  521,  525,  546,
      547,  646,  654,  698,  701,  750,  921,  5353, 4500, 7500, 8500, 1701, 2103, 2104, 5359, 6696, 6697,
      8231, 1645, 1812, 1646, 1813, 1700, 3799, 3503, 1589},
     decode_sflow, claimed_before_sflow},
    // OTV (8472, Linux's default VXLAN port), after SIP (5060) and the same
    // printers as VXLAN.
    {8472, 8472,
     {53,   67,   68,   69,   88,   123,  161,  162,  319,  320,  496,  500,  514,  520,  521,
      525,  546,  547,  646,  654,  698,  701,  750,  921,  5353, 4500, 7500, 8500, 1701, 2103,
      2104, 5359, 6696, 6697, 8231, 1645, 1812, 1646, 1813, 1700, 3799, 3503, 1589, 6343, 12222,
      5060},
     decode_otv, claimed_before_vxlan},
    // After mDNS: NAT-T and the user ISAKMP ports, L2TP, Zephyr, AHCP,
    // Babel, HNCP, RADIUS (1645, 1646, 1700, 1812, 1813, 3799), MPLS LSP
    // ping, VQP, sFlow, LWAPP data, SIP and OTV (8472, Linux's old VXLAN port).
    {4789, 4789,
     {53,   67,   68,   69,   88,   123,  161,  162,  319,  320,  496,  500,  514,  520,  521,
      525,  546,  547,  646,  654,  698,  701,  750,  921,  5353, 4500, 7500, 8500, 1701, 2103,
      2104, 5359, 6696, 6697, 8231, 1645, 1812, 1646, 1813, 1700, 3799, 3503, 1589, 6343, 12222,
      5060, 8472},
     decode_vxlan, claimed_before_vxlan},
    // Geneve, right after VXLAN (either port in 4.99.3; later tcpdumps test
    // the destination only).
    {6081, 6081,
     {53,   67,   68,   69,   88,   123,  161,  162,  319,  320,  496,  500,  514,  520,  521,  525,
      546,  547,  646,  654,  698,  701,  750,  921,  5353, 4500, 7500, 8500, 1701, 2103, 2104, 5359,
      6696, 6697, 8231, 1645, 1812, 1646, 1813, 1700, 3799, 3503, 1589, 6343, 12222, 5060, 8472, 4789},
     decode_geneve, claimed_before_vxlan},
    // VXLAN-GPE, either port, after Geneve and LISP control (4342).
    {4790, 4790,
     {53,   67,   68,   69,   88,   123,  161,  162,  319,  320,  496,  500,  514,  520,  521,  525,
      546,  547,  646,  654,  698,  701,  750,  921,  5353, 4500, 7500, 8500, 1701, 2103, 2104, 5359,
      6696, 6697, 8231, 1645, 1812, 1646, 1813, 1700, 3799, 3503, 1589, 6343, 12222, 5060, 8472, 4789,
      6081, 4342},
     decode_vxlan_gpe, claimed_before_vxlan},
    // MPLS over UDP (RFC 7510), after Geneve, LISP control (4342), VXLAN-GPE
    // (4790) and ZEP (17754).
    {6635, 6635,
     {53,   67,   68,   69,   88,   123,  161,  162,  319,  320,  496,  500,  514,  520,  521,  525,  546,
      547,  646,  654,  698,  701,  750,  921,  5353, 4500, 7500, 8500, 1701, 2103, 2104, 5359, 6696, 6697,
      8231, 1645, 1812, 1646, 1813, 1700, 3799, 3503, 1589, 6343, 12222, 5060, 8472, 4789, 6081, 4342,
      4790, 17754},
     decode_mpls, claimed_before_vxlan},
};

// The ports some row decodes: a datagram with neither port here is decoded by
// no row, whatever the walk below would test first, so it skips the walk
// (a few hundred comparisons for an unknown port).
const std::bitset<65536>& row_ports() {
  static const std::bitset<65536> ports = [] {
    std::bitset<65536> b;
    for (const auto& row : kPortTable) {
      if (row.range)
        for (unsigned p = row.port_a; p <= row.port_b; ++p) b.set(p);
      b.set(row.port_a);
      b.set(row.port_b);
    }
    return b;
  }();
  return ports;
}

// The walk: the index of the row that decodes a datagram between these
// ports, or -1. The definition row_for() follows, and checks itself against
// in builds with assertions (the ASan suite replays every corpus capture).
[[maybe_unused]] int walk_rows(std::uint16_t sport, std::uint16_t dport) {
  auto uses = [&](std::uint16_t port) { return sport == port || dport == port; };
  int index = 0;
  for (const auto& row : kPortTable) {
    for (std::uint16_t p : row.claimed_before)
      if (uses(p)) return -1;
    if (row.claimed_otherwise && row.claimed_otherwise(sport, dport)) return -1;
    auto in_range = [&](std::uint16_t port) { return port >= row.port_a && port <= row.port_b; };
    bool mine = row.range        ? in_range(sport) || in_range(dport)
                : row.dport_only ? dport == row.port_a
                                 : uses(row.port_a) || uses(row.port_b);
    if (mine) return index;
    ++index;
  }
  return -1;
}

// The walk in O(1). Every stop of the walk tests one port alone: a claim
// (a printer earlier in tcpdump's chain) or the row's own test is "either
// port is P", "the destination is P", "the source is P" or a range. So for
// each port, on each side, the first row where that side alone stops the walk
// (and whether it stops as a claim or as the row's own port) can be found
// with the other side set to 0, a port no row tests; and the walk of a pair
// stops at the earlier of its two sides' rows, as a claim when either side
// claims there. Each port's answer is found the first time it is seen (a
// walk of the table) and kept: the full walk per datagram, to VXLAN's row,
// was the largest single cost of decoding a lab's capture (7%).
constexpr std::uint8_t kUnknown = 0, kNever = 0xff;

// For each port, the first row whose claims list it (kNever: none), so that
// a port's first walk costs a few tests per row, not a scan of every list.
const std::array<std::uint8_t, 65536>& claiming_rows() {
  static const auto rows = [] {
    std::array<std::uint8_t, 65536> a;
    a.fill(kNever);
    std::uint8_t index = 0;
    for (const auto& row : kPortTable) {
      for (std::uint16_t p : row.claimed_before)
        if (a[p] == kNever) a[p] = index;
      ++index;
    }
    return a;
  }();
  return rows;
}

std::uint8_t first_stop(std::uint16_t port, bool as_dport) {
  const std::uint16_t sport = as_dport ? 0 : port, dport = as_dport ? port : 0;
  const std::uint8_t claim = claiming_rows()[port];
  unsigned index = 0;
  for (const auto& row : kPortTable) {
    if (index == claim || (row.claimed_otherwise && row.claimed_otherwise(sport, dport)))
      return static_cast<std::uint8_t>(1 + (index << 1 | 1));
    const bool mine = row.range        ? port >= row.port_a && port <= row.port_b
                      : row.dport_only ? as_dport && port == row.port_a
                                       : port == row.port_a || port == row.port_b;
    if (mine) return static_cast<std::uint8_t>(1 + (index << 1));
    ++index;
  }
  return kNever;
}
static_assert(std::size(kPortTable) < 120, "a stop is coded in a byte");

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
  const std::uint8_t s = stop_of(sport, false), d = stop_of(dport, true);
  int row = -1;
  const std::uint8_t first = std::min(s, d);
  if (first != kNever) {
    const unsigned index = (first - 1u) >> 1;
    auto claims_here = [&](std::uint8_t v) { return v != kNever && (v - 1u) >> 1 == index && ((v - 1u) & 1); };
    const bool claimed = claims_here(s) || claims_here(d);
    row = claimed ? -1 : static_cast<int>(index);
  }
  assert(row == walk_rows(sport, dport));
  return row;
}

void decode_payload(Ctx& c, const UdpL& u, ByteReader r, std::uint32_t plen) {
  if (!row_ports().test(u.sport) && !row_ports().test(u.dport)) return;
  const int row = row_for(u.sport, u.dport);
  if (row >= 0) kPortTable[row].decode(c, r, plen);
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
