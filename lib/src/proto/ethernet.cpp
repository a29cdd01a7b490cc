// Link layers: Ethernet II / IEEE 802.3 (IEEE 802.3-2018 clause 3), IEEE
// 802.1Q VLAN tags and 802.1ad QinQ stacks, Linux cooked capture v1/v2
// (SLL, SLL2: https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html),
// BSD loopback (DLT_NULL, DLT_LOOP), raw IPv4/IPv6, PPP (RFC 1661) and BSD
// SLIP link types, and IEEE 802.1AE MACsec's unencrypted payloads.
#include "proto/proto.hpp"

#include <net/if.h>

namespace netlab::proto {
namespace {

constexpr int kDltNull = 0, kDltEn10mb = 1, kDltRaw = 12, kDltRaw14 = 14, kDltLinktypeRaw = 101,
              kDltLoop = 108, kDltSll = 113, kDltIpv4 = 228, kDltIpv6 = 229, kDltSll2 = 276, kDltFrelay = 107,
              kDltPpp = 9, kDltPppSerial = 50, kDltSlip = 8, kDltNflog = 239, kDltIpoib = 242, kDltIpnet = 226,
              kDltArcnetBsd = 7, kDltArcnetLinux = 129, kDltChdlc = 104, kDltPktap = 258, kDltBrcm = 281,
              kDltBrcmPrepend = 282, kDltDsa = 284, kDltEdsa = 285, kDltAtmRfc1483 = 11, kDltMfr = 182,
              kDltUser2 = 149;  // PKTAP, as tcpdump 4.99.3 reads LINKTYPE_USER2

bool is_vlan_tpid(std::uint16_t t) { return t == 0x8100 || t == 0x88a8 || t == 0x9100 || t == 0x9200; }

void print_type(Out& o, const PrintOptions& opt, std::uint16_t type) {
  auto name = ethertype_name(type);
  if (!opt.quiet) {
    o << "ethertype " << (name.empty() ? std::string_view("Unknown") : name) << " (0x";
    o.hex(type, 4) << ')';
  } else if (!name.empty()) {
    o << name;
  } else {
    o << "Unknown Ethertype (0x";
    o.hex(type, 4) << ')';
  }
}

void print_tci(Out& o, std::uint16_t tci) {
  o << "vlan ";
  o.u(tci & 0xfff) << ", p ";
  o.u(tci >> 13);
  if (tci & 0x1000) o << ", DEI";
}

// tcpdump 4.99.3's ipN_print, for DLT_RAW and LINKTYPE_IPV4/IPV6 alike (it
// does not hold a file's link type against the version nibble).
void decode_raw_ip(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "raw";
  std::uint8_t v = r.peek8(0) >> 4;
  if (v == 6) {
    decode_ipv6(c, r, length);
  } else if (v == 4) {
    decode_ipv4(c, r, length);
  } else {
    std::size_t index = c.d.size();
    auto& h = c.d.push<Ipv4L>();
    h.version = v;
    h.length = length;
    h.stage = 1;
    h.note = Ipv4L::UnknownIp;
    c.d[index].status = Status::Invalid;
  }
}

std::string_view pkttype_name(std::uint16_t t) {
  static constexpr Tok kPkttypes[] = {{0, "In"}, {1, "B"}, {2, "M"}, {3, "P"}, {4, "Out"}};
  auto name = tok_name(kPkttypes, t);
  return name.empty() ? std::string_view("?") : name;
}

// BSD address families as tcpdump's bsd_af_values names them.
constexpr Tok kFamilies[] = {{2, "IPv4"}, {24, "IPv6"}, {28, "IPv6"}, {30, "IPv6"},
                             {7, "ISO"}, {16, "Appletalk"}, {23, "IPX"}};

}  // namespace

bool linktype_is_known(int dlt) {
  switch (dlt) {
    case kDltNull: case kDltEn10mb: case kDltRaw: case kDltRaw14: case kDltLinktypeRaw: case kDltLoop:
    case kDltSll: case kDltIpv4: case kDltIpv6: case kDltSll2: case kDltFrelay: case kDltPpp:
    case kDltPppSerial: case kDltSlip: case kDltNflog: case kDltIpoib: case kDltIpnet: case kDltArcnetBsd:
    case kDltArcnetLinux: case kDltChdlc: case kDltPktap: case kDltBrcm: case kDltBrcmPrepend: case kDltDsa:
    case kDltEdsa: case kDltAtmRfc1483: case kDltMfr: case kDltUser2:
      return true;
    default:
      return false;
  }
}

void decode_link(Ctx& c, int dlt, ByteReader r) { decode_link(c, dlt, r, c.d.wirelen); }

void decode_link(Ctx& c, int dlt, ByteReader r, std::uint32_t length) {
  switch (dlt) {
    case kDltEn10mb:
      decode_ethernet(c, r, length);
      return;
    case kDltSll:
    case kDltSll2: {
      c.d.trunc_proto = dlt == kDltSll ? "sll" : "sll2";
      auto& s = c.d.push<SllL>();
      s.length = length;
      if (dlt == kDltSll) {
        r.require(16);
        s.version = 1;
        s.pkttype = r.be16();
        s.hatype = r.be16();
        s.halen = r.be16();
        s.addr = r.bytes(8);
        s.type = r.be16();
        s.stage = 2;
        decode_ethertype(c, s.type, r, length - 16);
      } else {
        r.require(20);
        s.version = 2;
        s.type = r.be16();
        r.skip(2);
        s.ifindex = r.be32();
        s.hatype = r.be16();
        s.pkttype = r.u8();
        s.halen = r.u8();
        s.addr = r.bytes(8);
        s.stage = 2;
        decode_ethertype(c, s.type, r, length - 20);
      }
      return;
    }
    case kDltNull:
    case kDltLoop: {
      c.d.trunc_proto = "null";  // tcpdump names DLT_LOOP's truncation "null" too
      auto& n = c.d.push<NullL>();
      n.length = length;
      if (!r.has(4)) throw Truncated{};
      std::uint32_t fam = dlt == kDltNull ? r.le32() : r.be32();
      if (fam & 0xffff0000u) fam = __builtin_bswap32(fam);
      n.family = fam;
      n.stage = 2;
      if (fam == 2) decode_ipv4(c, r, length - 4);
      else if (fam == 24 || fam == 28 || fam == 30) decode_ipv6(c, r, length - 4);
      else c.d.push<UnknownL>({0, r.rest()});
      return;
    }
    case kDltRaw:
    case kDltRaw14:
    case kDltLinktypeRaw:
    case kDltIpv4:
    case kDltIpv6:
      decode_raw_ip(c, r, length);
      return;
    case kDltFrelay:
      decode_fr(c, r, length);
      return;
    case kDltPpp:
      decode_ppp_link(c, r, length);
      return;
    case kDltPppSerial:
      decode_ppp_hdlc_link(c, r, length);
      return;
    case kDltNflog: decode_nflog(c, r, length); return;
    case kDltIpoib: decode_ipoib(c, r, length); return;
    case kDltIpnet: decode_ipnet(c, r, length); return;
    case kDltArcnetBsd: decode_arcnet(c, r, length, false); return;
    case kDltArcnetLinux: decode_arcnet(c, r, length, true); return;
    case kDltChdlc: decode_chdlc(c, r, length); return;
    case kDltPktap:
    case kDltUser2: decode_pktap(c, r, length); return;
    case kDltAtmRfc1483: decode_atm_rfc1483(c, r, length); return;
    case kDltMfr: decode_mfr(c, r, length); return;
    case kDltBrcm: decode_ethernet_tagged(c, r, length, SwitchTagL::Brcm); return;
    case kDltBrcmPrepend: decode_ethernet_tagged(c, r, length, SwitchTagL::BrcmPrepend); return;
    case kDltDsa: decode_ethernet_tagged(c, r, length, SwitchTagL::Dsa); return;
    case kDltEdsa: decode_ethernet_tagged(c, r, length, SwitchTagL::Edsa); return;
    case kDltSlip: {
      // BSD SLIP: a 16-byte pseudo header (direction, compression
      // state); the datagram's version nibble picks IPv4 or IPv6.
      c.d.trunc_proto = "slip";
      if (!r.has(16) || length < 16) throw Truncated{};
      r.skip(16);
      decode_raw_ip(c, r, length - 16);
      return;
    }
    default:
      c.d.push<UnknownL>({0xffff, r.rest()});
      return;
  }
}

std::size_t switch_tag_length(SwitchTagL::Kind kind) { return kind == SwitchTagL::Edsa ? 8 : 4; }

void print_switch_tag(Out& o, const PrintOptions& opt, const SwitchTagL& t) {
  if (t.kind == SwitchTagL::Dsa || t.kind == SwitchTagL::Edsa) print_dsa_tag(o, opt, t);
  else print_brcm_tag(o, t.tag);
}

void json_switch_tag(JsonWriter& w, const SwitchTagL& l) {
  static constexpr std::string_view kKinds[] = {"dsa", "edsa", "brcm", "brcm-prepend"};
  w.member("layer", "switch-tag");
  w.member("kind", kKinds[l.kind]);
  if (l.kind == SwitchTagL::Dsa || l.kind == SwitchTagL::Edsa) json_dsa_tag(w, l);
  else json_brcm_tag(w, l.tag);
}

void decode_ethernet_tagged(Ctx& c, ByteReader r, std::uint32_t length, SwitchTagL::Kind kind) {
  if (kind == SwitchTagL::BrcmPrepend) {
    c.d.trunc_proto = "brcm-tag-prepend";
    if (!r.has(4)) throw Truncated{};
    c.d.push<SwitchTagL>({kind, r.bytes(4)});
    decode_ethernet(c, r, length - 4);
    return;
  }
  decode_ethernet(c, r, length, kind);
}

void decode_ethernet(Ctx& c, ByteReader r, std::uint32_t length, int tag_kind) {
  c.d.trunc_proto = "ether";
  auto& e = c.d.push<EthernetL>();
  e.length = length;
  e.caplen = static_cast<std::uint32_t>(r.remaining());
  if (length < e.caplen) return;  // printed as invalid
  // tcpdump's ether_switch_tag_print: the addresses, the tag and the type
  // captured, or nothing but the truncation.
  std::size_t tag_len = tag_kind < 0 ? 0 : switch_tag_length(static_cast<SwitchTagL::Kind>(tag_kind));
  if (!r.has(14 + tag_len) || length < 14 + tag_len) throw Truncated{};
  e.dst = r.bytes(6);
  e.src = r.bytes(6);
  e.stage = 1;
  if (tag_len) {
    Bytes tag = r.bytes(tag_len);
    e.type = r.peek16(0);
    e.stage = 2;
    c.d.push<SwitchTagL>({static_cast<SwitchTagL::Kind>(tag_kind), tag});
    r.skip(2);
    length -= static_cast<std::uint32_t>(tag_len);
  } else {
    e.type = r.be16();
    e.stage = 2;
  }
  length -= 14;
  std::uint16_t type = e.type;
  // tcpdump 4.99.3's ether_common_print from its type field on; Arista's
  // header goes back there with the type it carries.
  for (;;) {
    // A MACsec SecTAG comes right after the addresses, before any VLAN tag.
    if (type == 0x88e5 && !decode_macsec(c, r, length, type)) return;
    c.d.trunc_proto = "ether";
    while (is_vlan_tpid(type)) {
      auto& v = c.d.push<VlanL>();
      v.tpid = type;
      if (!r.has(4) || length < 4) {
        c.d.trunc_proto = "vlan";
        throw Truncated{};
      }
      v.tci = r.be16();
      v.type = r.be16();
      v.stage = 2;
      length -= 4;
      type = v.type;
    }
    if (type <= 1500) {
      r.limit(type);
      decode_llc(c, r, static_cast<std::uint16_t>(std::min<std::uint32_t>(type, length)));  // tcpdump: the smaller
      return;
    }
    if (type != 0xd28b) break;
    if (!decode_arista(c, r, length, type)) return;
  }
  decode_ethertype(c, type, r, length);
}

void decode_ethertype(Ctx& c, std::uint16_t type, ByteReader r, std::uint32_t length) {
  switch (type) {
    case 0x0800: decode_ipv4(c, r, length); return;
    case 0x86dd: decode_ipv6(c, r, length); return;
    case 0x0806:
    case 0x8035: decode_arp(c, r, length); return;
    case 0x88cc: decode_lldp(c, r, length); return;
    case 0x8809: decode_slow(c, r, length); return;
    case 0x88f7: decode_ptp(c, r, length); return;
    case 0x88a2: decode_aoe(c, r, length); return;
    case 0x888e: decode_eapol(c, r, length); return;
    case 0x8847:
    case 0x8848: decode_mpls(c, r, length); return;
    case 0x8863:
    case 0x8864: decode_pppoe(c, r, length); return;
    case 0x880b: decode_ppp(c, r, length, true); return;
    case 0x8902:
    case 0xabcd: decode_cfm(c, r, length); return;
    case 0x894f: decode_nsh(c, r, length); return;
    default: c.d.push<UnknownL>({type, r.rest()}); return;
  }
}

// ---- printing ------------------------------------------------------------

namespace {

// ether_common_print from the type field on (after the addresses and any
// switch tag): MACsec, VLAN tags, then the final type's printer; k the
// layer after those already printed. Arista's header comes back here.
void print_ether_type_on(PrintCtx& p, const EthernetL& e, std::size_t k, std::uint16_t type) {
  Out& o = p.o;
  bool eflag = p.opt.link_header;
  bool printed_length = false;
  if (is<MacsecL>(p.d, k)) {  // print-macsec.c's part of ether_common_print
    const auto& m = at<MacsecL>(p.d, k);
    if (eflag) {
      print_type(o, p.opt, 0x88e5);
      o << ", length ";
      o.u(e.length) << ": ";
      printed_length = true;
    }
    if (m.invalid) {
      o << " (invalid)";
      return;
    }
    if (m.stage < 1) return;  // " [|macsec]" follows
    if (m.encrypted) {
      if (!eflag) {
        o.mac(e.src) << " > ";
        o.mac(e.dst) << " 802.1AE MACsec, ";
      }
      print_macsec_tag(o, m);
      if (p.opt.hex == HexStyle::None && !p.opt.quiet) hex_dump(o, m.payload, true);
      return;
    }
    if (eflag) print_macsec_tag(o, m);
    if (m.stage < 2) return;  // " [|macsec]" follows
    type = m.inner_type;
    ++k;
  }
  for (; is<VlanL>(p.d, k); ++k) {
    const auto& v = at<VlanL>(p.d, k);
    if (v.stage < 2) return;
    if (eflag) {
      print_type(o, p.opt, v.tpid);
      if (!printed_length) {
        o << ", length ";
        o.u(e.length) << ": ";
        printed_length = true;
      } else {
        o << ", ";
      }
      print_tci(o, v.tci);
      o << ", ";
    }
    type = v.type;
  }
  if (k >= p.d.size()) return;
  if (is<LlcL>(p.d, k)) {
    const auto& l = at<LlcL>(p.d, k);
    if (eflag) {
      o << "802.3";
      if (!printed_length) {  // after a VLAN tag tcpdump 4.99.3 prints no length (nor separator)
        o << ", length ";
        o.u(l.length) << ": ";
      }
    }
    print_llc(p, k);
    return;
  }
  if (is<AristaL>(p.d, k)) {  // printed with or without -e, then the type inside
    const auto& a = at<AristaL>(p.d, k);
    if (print_arista(p, e, a)) print_ether_type_on(p, e, k + 1, a.inner_type);
    return;
  }
  if (eflag) {
    print_type(o, p.opt, type);
    o << (printed_length ? ", " : "");
    if (!printed_length) {
      o << ", length ";
      o.u(e.length) << ": ";
    }
  }
  if (is<UnknownL>(p.d, k)) {
    if (!eflag) {
      o.mac(e.src) << " > ";
      o.mac(e.dst) << ", ";
      print_type(o, p.opt, type);
      o << ", length ";
      o.u(e.length) << ": ";
    }
    if (p.opt.hex == HexStyle::None && !p.opt.quiet) hex_dump(o, at<UnknownL>(p.d, k).data, true);
    return;
  }
  print_layers(p, k);
}

}  // namespace

void print_ethernet(PrintCtx& p, std::size_t i) {
  p.proto = "ether";
  const auto& e = at<EthernetL>(p.d, i);
  Out& o = p.o;
  if (e.length < e.caplen) {
    o << "[length ";
    o.u(e.length) << " < caplen ";
    o.u(e.caplen) << "] (invalid)";
    return;
  }
  if (e.stage < 2) return;  // " [|ether]" follows
  if (p.opt.link_header) {
    o.mac(e.src) << " > ";
    o.mac(e.dst) << ", ";
  }
  std::size_t k = i + 1;
  if (is<SwitchTagL>(p.d, k)) {
    print_switch_tag(o, p.opt, at<SwitchTagL>(p.d, k));
    ++k;
  }
  print_ether_type_on(p, e, k, e.type);
}

void print_vlan(PrintCtx&, std::size_t) {}  // printed by print_ethernet

void print_sll(PrintCtx& p, std::size_t i) {
  const auto& s = at<SllL>(p.d, i);
  Out& o = p.o;
  if (s.stage < 2) return;
  // SLL2 always starts with the interface name and the packet type
  // (tcpdump's "%-5s %-3s "); -e then adds "ifindex N".
  if (s.version == 2) {
    char name[IF_NAMESIZE] = {};
    if (!if_indextoname(s.ifindex, name)) {
      name[0] = '?';
      name[1] = 0;
    }
    std::string_view n(name);
    o << n;
    for (std::size_t w = n.size(); w < 5; ++w) o << ' ';
    o << ' ';
    auto t = pkttype_name(s.pkttype);
    o << t;
    for (std::size_t w = t.size(); w < 3; ++w) o << ' ';
    o << ' ';
  }
  auto header = [&](std::uint32_t length) {
    if (s.version == 2) {
      o << "ifindex ";
      o.u(s.ifindex) << ' ';
    } else {
      auto t = pkttype_name(s.pkttype);
      for (std::size_t w = t.size(); w < 3; ++w) o << ' ';
      o << t << ' ';
    }
    if (s.halen == 6) o.mac(s.addr.first(6)) << ' ';
    if (!p.opt.quiet) {
      if (s.type <= 1500) {
        if (s.type == 1) o << "802.3";
        else if (s.type == 4) o << "802.2";
        else {
          o << "ethertype Unknown (0x";
          o.hex(s.type, 4) << ')';
        }
      } else {
        print_type(o, p.opt, s.type);
      }
      o << ", length ";
      o.u(length) << ": ";
    }
  };
  if (p.opt.link_header) header(s.length);
  print_link_payload(p, i, [&] { header(s.length); });
}

void print_null(PrintCtx& p, std::size_t i) {
  const auto& n = at<NullL>(p.d, i);
  Out& o = p.o;
  if (n.stage < 2) return;
  auto header = [&](std::uint32_t length) {
    std::string_view name = tok_name(kFamilies, n.family);
    if (!p.opt.quiet) {
      o << "AF " << (name.empty() ? std::string_view("Unknown") : name) << " (";
      o.u(n.family) << ')';
    } else if (!name.empty()) {
      o << name;
    } else {
      o << "Unknown AF ";
      o.u(n.family);
    }
    o << ", length ";
    o.u(length) << ": ";
  };
  if (p.opt.link_header) header(n.length);
  if (is<UnknownL>(p.d, i + 1)) {
    if (!p.opt.link_header) header(n.length);
    if (p.opt.hex == HexStyle::None && !p.opt.quiet) hex_dump(o, at<UnknownL>(p.d, i + 1).data, true);
    return;
  }
  if (i + 1 < p.d.size()) print_layers(p, i + 1);
}

namespace {

std::size_t link_header_from(const Decoded& d, std::size_t first) {
  std::size_t n = 0;
  for (std::size_t k = first; k < d.size(); ++k) {
    const auto& l = d[k].layer;
    if (std::holds_alternative<EthernetL>(l)) n += 14;
    else if (const auto* t = std::get_if<SwitchTagL>(&l)) n += t->tag.size();
    else if (const auto* nf = std::get_if<NflogL>(&l)) n += nf->hdr_len;
    else if (std::holds_alternative<IpoibL>(l)) n += 44;
    else if (std::holds_alternative<IpnetL>(l)) n += 24;
    else if (const auto* a = std::get_if<ArcnetL>(&l)) n += a->hdr_len == 0xff ? 0 : a->hdr_len;
    else if (std::holds_alternative<ChdlcL>(l)) n += 4;
    else if (const auto* am = std::get_if<AtmL>(&l)) {
      // print-atm.c's header length counts the LLC header llc_print read.
      if (am->cnlpid) break;
      n += am->mac.size();
      if (const auto* ll = k + 1 < d.size() ? std::get_if<LlcL>(&d[k + 1].layer) : nullptr) n += ll->hdrlen;
      break;
    }
    else if (const auto* pk = std::get_if<PktapL>(&l)) {
      n += pktap_link_header_length(*pk, link_header_from(d, k + 1));
      break;
    }
    else if (std::holds_alternative<VlanL>(l)) n += 4;
    else if (const auto* ar = std::get_if<AristaL>(&l)) {
      // The header tcpdump consumed and the type inside; an unknown one
      // leaves the link header where it was.
      if (ar->stage < 5) break;
      n += (ar->format == 1 ? 12u : 10u) + 2u;
    }
    else if (const auto* s = std::get_if<SllL>(&l)) n += s->version == 1 ? 16 : 20;
    else if (std::holds_alternative<NullL>(l)) n += 4;
    else if (const auto* f = std::get_if<FrL>(&l)) n += f->addr_len + 2u;
    else if (const auto* pp = std::get_if<PppL>(&l); pp && pp->hdr_len) n += pp->hdr_len;
    else break;
  }
  return n;
}

}  // namespace

std::size_t link_header_length(const Decoded& d) { return link_header_from(d, 0); }

}  // namespace netlab::proto

// ---- JSON ------------------------------------------------------------------

namespace netlab::proto {

void json_ethernet(JsonWriter& w, const EthernetL& l) {
  w.member("layer", "ethernet");
  if (l.stage >= 1) {
    w.member("src", mac_text(l.src));
    w.member("dst", mac_text(l.dst));
  }
  if (l.stage >= 2) w.member("ethertype", l.type);
  w.member("length", l.length);
}

void json_vlan(JsonWriter& w, const VlanL& l) {
  w.member("layer", "vlan");
  w.member("tpid", l.tpid);
  if (l.stage >= 2) {
    w.member("vlan", l.tci & 0xfff);
    w.member("pcp", l.tci >> 13);
    w.member("dei", (l.tci & 0x1000) != 0);
    w.member("ethertype", l.type);
  }
}

void json_sll(JsonWriter& w, const SllL& l) {
  w.member("layer", l.version == 1 ? "sll" : "sll2");
  w.member("pkttype", l.pkttype);
  w.member("hatype", l.hatype);
  w.member("protocol", l.type);
  if (l.version == 2) w.member("ifindex", l.ifindex);
  if (l.halen == 6) w.member("address", mac_text(l.addr.first(6)));
}

void json_null(JsonWriter& w, const NullL& l) {
  w.member("layer", "null");
  w.member("family", l.family);
}

void json_unknown(JsonWriter& w, const UnknownL& l) {
  w.member("layer", "payload");
  if (l.type != 0xffff) w.member("ethertype", l.type);
  w.member("length", static_cast<std::uint64_t>(l.data.size()));
}

}  // namespace netlab::proto
