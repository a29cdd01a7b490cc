// The packet printer: decodes one packet into the layer model (catching the
// reader's Truncated once), then renders it as tcpdump 4.99.3's text line,
// or as one JSON object, from that same model.
#include "proto/proto.hpp"

#include <netlab/json.hpp>

#include <ctime>

namespace netlab {

using namespace proto;

namespace proto {

void print_layers(PrintCtx& p, std::size_t i) {
  if (i >= p.d.size()) return;
  std::visit(
      [&](const auto& l) {
        using T = std::decay_t<decltype(l)>;
        if constexpr (std::is_same_v<T, EthernetL>) print_ethernet(p, i);
        else if constexpr (std::is_same_v<T, VlanL>) print_vlan(p, i);
        else if constexpr (std::is_same_v<T, SllL>) print_sll(p, i);
        else if constexpr (std::is_same_v<T, NullL>) print_null(p, i);
        else if constexpr (std::is_same_v<T, ArpL>) print_arp(p, i);
        else if constexpr (std::is_same_v<T, Ipv4L>) print_ipv4(p, i);
        else if constexpr (std::is_same_v<T, Ipv6L>) print_ipv6(p, i);
        else if constexpr (std::is_same_v<T, Ipv6ExtL>) print_ipv6_ext(p, i);
        else if constexpr (std::is_same_v<T, IcmpL>) print_icmp(p, i);
        else if constexpr (std::is_same_v<T, Icmp6L>) print_icmp6(p, i);
        else if constexpr (std::is_same_v<T, TcpL>) print_tcp(p, i);
        else if constexpr (std::is_same_v<T, UdpL>) print_udp(p, i);
        else if constexpr (std::is_same_v<T, BootpL>) print_bootp(p, i);
        else if constexpr (std::is_same_v<T, Dhcp6L>) print_dhcp6(p, i);
        else if constexpr (std::is_same_v<T, DnsL>) print_dns(p, i);
        else if constexpr (std::is_same_v<T, OtherIpL>) print_other_ip(p, i);
        else if constexpr (std::is_same_v<T, LlcL>) print_llc(p, i);
        else if constexpr (std::is_same_v<T, StpL>) print_stp(p, i);
        else if constexpr (std::is_same_v<T, LldpL>) print_lldp(p, i);
        else if constexpr (std::is_same_v<T, IgmpL>) print_igmp(p, i);
        else if constexpr (std::is_same_v<T, GreL>) print_gre(p, i);
        else if constexpr (std::is_same_v<T, VxlanL>) print_vxlan(p, i);
        else if constexpr (std::is_same_v<T, OtvL>) print_otv(p, i);
        else if constexpr (std::is_same_v<T, NtpL>) print_ntp(p, i);
        else if constexpr (std::is_same_v<T, HsrpL>) print_hsrp(p, i);
        else if constexpr (std::is_same_v<T, BfdL>) print_bfd(p, i);
        else if constexpr (std::is_same_v<T, SyslogL>) print_syslog(p, i);
        else if constexpr (std::is_same_v<T, TftpL>) print_tftp(p, i);
        else if constexpr (std::is_same_v<T, HttpL>) print_http(p, i);
        else if constexpr (std::is_same_v<T, SshL>) print_ssh(p, i);
        else if constexpr (std::is_same_v<T, SctpL>) print_sctp(p, i);
        else if constexpr (std::is_same_v<T, DccpL>) print_dccp(p, i);
        else if constexpr (std::is_same_v<T, OpenflowL>) print_openflow(p, i);
        else if constexpr (std::is_same_v<T, SlowL>) print_slow(p, i);
        else if constexpr (std::is_same_v<T, UdldL>) print_udld(p, i);
        else if constexpr (std::is_same_v<T, CdpL>) print_cdp(p, i);
        else if constexpr (std::is_same_v<T, DtpL>) print_dtp(p, i);
        else if constexpr (std::is_same_v<T, VrrpL>) print_vrrp(p, i);
        else if constexpr (std::is_same_v<T, GeneveL>) print_geneve(p, i);
        else if constexpr (std::is_same_v<T, PimL>) print_pim(p, i);
        else if constexpr (std::is_same_v<T, EspL>) print_esp(p, i);
        else if constexpr (std::is_same_v<T, AhL>) print_ah(p, i);
        else if constexpr (std::is_same_v<T, EigrpL>) print_eigrp(p, i);
        else if constexpr (std::is_same_v<T, MobilityL>) print_mobility(p, i);
        else if constexpr (std::is_same_v<T, PtpL>) print_ptp(p, i);
        else if constexpr (std::is_same_v<T, OspfL>) print_ospf(p, i);
        else if constexpr (std::is_same_v<T, IsisL>) print_isis(p, i);
        else if constexpr (std::is_same_v<T, BgpL>) print_bgp(p, i);
        else if constexpr (std::is_same_v<T, RxL>) print_rx(p, i);
        else if constexpr (std::is_same_v<T, IsakmpL>) print_isakmp(p, i);
        else if constexpr (std::is_same_v<T, BabelL>) print_babel(p, i);
        else if constexpr (std::is_same_v<T, SflowL>) print_sflow(p, i);
        else if constexpr (std::is_same_v<T, AoeL>) print_aoe(p, i);
        else if constexpr (std::is_same_v<T, EapolL>) print_eapol(p, i);
        else if constexpr (std::is_same_v<T, RadiusL>) print_radius(p, i);
        else if constexpr (std::is_same_v<T, MplsL>) print_mpls(p, i);
        else if constexpr (std::is_same_v<T, LspPingL>) print_lspping(p, i);
        else if constexpr (std::is_same_v<T, RipL>) print_rip(p, i);
        else if constexpr (std::is_same_v<T, RipngL>) print_ripng(p, i);
        else if constexpr (std::is_same_v<T, LdpL>) print_ldp(p, i);
        else if constexpr (std::is_same_v<T, RsvpL>) print_rsvp(p, i);
        else if constexpr (std::is_same_v<T, SnmpL>) print_snmp(p, i);
        else if constexpr (std::is_same_v<T, FrL>) print_fr(p, i);
        else if constexpr (std::is_same_v<T, PppL>) print_ppp(p, i);
        else if constexpr (std::is_same_v<T, PppoeL>) print_pppoe(p, i);
        else if constexpr (std::is_same_v<T, VxlanGpeL>) print_vxlan_gpe(p, i);
        else if constexpr (std::is_same_v<T, NshL>) print_nsh(p, i);
        else if constexpr (std::is_same_v<T, CfmL>) print_cfm(p, i);
        else if constexpr (std::is_same_v<T, VtpL>) print_vtp(p, i);
        else if constexpr (std::is_same_v<T, NflogL>) print_nflog(p, i);
        else if constexpr (std::is_same_v<T, IpoibL>) print_ipoib(p, i);
        else if constexpr (std::is_same_v<T, IpnetL>) print_ipnet(p, i);
        else if constexpr (std::is_same_v<T, ArcnetL>) print_arcnet(p, i);
        else if constexpr (std::is_same_v<T, ChdlcL>) print_chdlc(p, i);
        else if constexpr (std::is_same_v<T, PktapL>) print_pktap(p, i);
        else if constexpr (std::is_same_v<T, AtmL>) print_atm(p, i);
        else if constexpr (std::is_same_v<T, MfrL>) print_mfr(p, i);
        else if constexpr (std::is_same_v<T, NfsL>) print_nfs(p, i);
        else if constexpr (std::is_same_v<T, KrbL>) print_krb(p, i);
        else if constexpr (std::is_same_v<T, L2tpL>) print_l2tp(p, i);
        else if constexpr (std::is_same_v<T, RespL>) print_resp(p, i);
        else if constexpr (std::is_same_v<T, AristaL>) {}  // printed by print_ethernet
        else if constexpr (std::is_same_v<T, SwitchTagL>) {
          // Inside Ethernet print_ethernet prints it; a prepended tag comes
          // first, under -e only.
          if (l.kind == SwitchTagL::BrcmPrepend) {
            if (p.opt.link_header) print_switch_tag(p.o, p.opt, l);
            print_layers(p, i + 1);
          }
        }
        else if constexpr (std::is_same_v<T, UnknownL>) {
          if (l.type == 0xffff && p.opt.hex == HexStyle::None) hex_dump(p.o, l.data, true);
        }
      },
      p.d[i].layer);
}

}  // namespace proto

namespace {

void two(Out& o, int v) { o.u(static_cast<unsigned>(v), 2); }

// Zero-padded to 6 or 9 digits (more when a hostile header's fraction is larger).
void frac(Out& o, std::uint32_t f, bool nano) { o.u(f, nano ? 9 : 6); }

// ---- JSON ------------------------------------------------------------------

std::string_view status_name(Status s) {
  switch (s) {
    case Status::Ok: return "ok";
    case Status::Truncated: return "truncated";
    case Status::Invalid: return "invalid";
  }
  return "ok";
}

// Each layer's members come from its protocol's file, beside its text printer.
struct JsonMembers {
  JsonWriter& w;
  void operator()(const EthernetL& l) const { json_ethernet(w, l); }
  void operator()(const VlanL& l) const { json_vlan(w, l); }
  void operator()(const SllL& l) const { json_sll(w, l); }
  void operator()(const NullL& l) const { json_null(w, l); }
  void operator()(const LlcL& l) const { json_llc(w, l); }
  void operator()(const ArpL& l) const { json_arp(w, l); }
  void operator()(const Ipv4L& l) const { json_ipv4(w, l); }
  void operator()(const Ipv6L& l) const { json_ipv6(w, l); }
  void operator()(const Ipv6ExtL& l) const { json_ipv6_ext(w, l); }
  void operator()(const IcmpL& l) const { json_icmp(w, l); }
  void operator()(const Icmp6L& l) const { json_icmp6(w, l); }
  void operator()(const TcpL& l) const { json_tcp(w, l); }
  void operator()(const UdpL& l) const { json_udp(w, l); }
  void operator()(const BootpL& l) const { json_bootp(w, l); }
  void operator()(const Dhcp6L& l) const { json_dhcp6(w, l); }
  void operator()(const DnsL& l) const { json_dns(w, l); }
  void operator()(const OtherIpL& l) const { json_other_ip(w, l); }
  void operator()(const UnknownL& l) const { json_unknown(w, l); }
  void operator()(const StpL& l) const { json_stp(w, l); }
  void operator()(const LldpL& l) const { json_lldp(w, l); }
  void operator()(const IgmpL& l) const { json_igmp(w, l); }
  void operator()(const GreL& l) const { json_gre(w, l); }
  void operator()(const VxlanL& l) const { json_vxlan(w, l); }
  void operator()(const NtpL& l) const { json_ntp(w, l); }
  void operator()(const HsrpL& l) const { json_hsrp(w, l); }
  void operator()(const BfdL& l) const { json_bfd(w, l); }
  void operator()(const SyslogL& l) const { json_syslog(w, l); }
  void operator()(const TftpL& l) const { json_tftp(w, l); }
  void operator()(const HttpL& l) const { json_http(w, l); }
  void operator()(const SshL& l) const { json_ssh(w, l); }
  void operator()(const SctpL& l) const { json_sctp(w, l); }
  void operator()(const DccpL& l) const { json_dccp(w, l); }
  void operator()(const OpenflowL& l) const { json_openflow(w, l); }
  void operator()(const SlowL& l) const { json_slow(w, l); }
  void operator()(const UdldL& l) const { json_udld(w, l); }
  void operator()(const OtvL& l) const { json_otv(w, l); }
  void operator()(const MacsecL& l) const { json_macsec(w, l); }
  void operator()(const CdpL& l) const { json_cdp(w, l); }
  void operator()(const DtpL& l) const { json_dtp(w, l); }
  void operator()(const VrrpL& l) const { json_vrrp(w, l); }
  void operator()(const GeneveL& l) const { json_geneve(w, l); }
  void operator()(const PimL& l) const { json_pim(w, l); }
  void operator()(const EspL& l) const { json_esp(w, l); }
  void operator()(const AhL& l) const { json_ah(w, l); }
  void operator()(const EigrpL& l) const { json_eigrp(w, l); }
  void operator()(const MobilityL& l) const { json_mobility(w, l); }
  void operator()(const PtpL& l) const { json_ptp(w, l); }
  void operator()(const OspfL& l) const { json_ospf(w, l); }
  void operator()(const IsisL& l) const { json_isis(w, l); }
  void operator()(const BgpL& l) const { json_bgp(w, l); }
  void operator()(const RxL& l) const { json_rx(w, l); }
  void operator()(const IsakmpL& l) const { json_isakmp(w, l); }
  void operator()(const BabelL& l) const { json_babel(w, l); }
  void operator()(const SflowL& l) const { json_sflow(w, l); }
  void operator()(const AoeL& l) const { json_aoe(w, l); }
  void operator()(const EapolL& l) const { json_eapol(w, l); }
  void operator()(const RadiusL& l) const { json_radius(w, l); }
  void operator()(const MplsL& l) const { json_mpls(w, l); }
  void operator()(const LspPingL& l) const { json_lspping(w, l); }
  void operator()(const RipL& l) const { json_rip(w, l); }
  void operator()(const RipngL& l) const { json_ripng(w, l); }
  void operator()(const LdpL& l) const { json_ldp(w, l); }
  void operator()(const RsvpL& l) const { json_rsvp(w, l); }
  void operator()(const SnmpL& l) const { json_snmp(w, l); }
  void operator()(const FrL& l) const { json_fr(w, l); }
  void operator()(const PppL& l) const { json_ppp(w, l); }
  void operator()(const PppoeL& l) const { json_pppoe(w, l); }
  void operator()(const VxlanGpeL& l) const { json_vxlan_gpe(w, l); }
  void operator()(const NshL& l) const { json_nsh(w, l); }
  void operator()(const CfmL& l) const { json_cfm(w, l); }
  void operator()(const VtpL& l) const { json_vtp(w, l); }
  void operator()(const NflogL& l) const { json_nflog(w, l); }
  void operator()(const IpoibL& l) const { json_ipoib(w, l); }
  void operator()(const IpnetL& l) const { json_ipnet(w, l); }
  void operator()(const ArcnetL& l) const { json_arcnet(w, l); }
  void operator()(const ChdlcL& l) const { json_chdlc(w, l); }
  void operator()(const SwitchTagL& l) const { json_switch_tag(w, l); }
  void operator()(const PktapL& l) const { json_pktap(w, l); }
  void operator()(const AtmL& l) const { json_atm(w, l); }
  void operator()(const MfrL& l) const { json_mfr(w, l); }
  void operator()(const AristaL& l) const { json_arista(w, l); }
  void operator()(const NfsL& l) const { json_nfs(w, l); }
  void operator()(const KrbL& l) const { json_krb(w, l); }
  void operator()(const L2tpL& l) const { json_l2tp(w, l); }
  void operator()(const RespL& l) const { json_resp(w, l); }
};

void json_layer(JsonWriter& w, const LayerSlot& slot, bool last_truncated) {
  w.begin_object();
  std::visit(JsonMembers{w}, slot.layer);
  w.member("status", last_truncated ? std::string_view("truncated") : status_name(slot.status));
  w.end_object();
}

}  // namespace

bool linktype_supported(int dlt) noexcept { return proto::linktype_is_known(dlt); }

struct PacketPrinter::Impl {
  PrintOptions opt;
  int linktype = 1;
  std::string ifname;
  TcpTracker tcp;
  IsakmpCookies ike;
  RxCalls rx;
  NfsXids nfs;
  Decoded decoded;
  std::uint64_t count = 0;
  bool have_prev = false;
  std::int64_t prev_sec = 0, first_sec = 0;
  std::uint32_t prev_frac = 0, first_frac = 0;
  std::int64_t cached_sec = 0;  // the formatted clock of this second
  bool have_cached = false;
  bool cached_date = false;
  char clock[32] = {};
  std::size_t clock_len = 0;

  // tcpdump 4.99.3's ts_date_hmsfrac_print: a second count whose low 32
  // bits have bit 31 set (libpcap reads a pcap record's seconds as a signed
  // 32-bit field, so 2038-2106 there are negative), or one localtime cannot
  // convert, prints "[Error converting time]" in place of the whole
  // timestamp, fraction included. Returns false then.
  bool clock_text(std::int64_t sec, bool date, Out& o) {
    if (!have_cached || sec != cached_sec || date != cached_date) {
      have_cached = false;
      std::time_t t = static_cast<std::time_t>(sec);
      std::tm tm{};
      if ((static_cast<std::uint64_t>(sec) & 0x80000000u) || !localtime_r(&t, &tm)) {
        o << "[Error converting time]";
        return false;
      }
      clock_len = std::strftime(clock, sizeof clock, date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
      cached_sec = sec;
      cached_date = date;
      have_cached = true;
    }
    o.put_padded<sizeof clock>(clock, clock_len);  // one fixed-size copy per packet
    return true;
  }

  void delta(Out& o, std::int64_t sec, std::uint32_t fr, std::int64_t bsec, std::uint32_t bfr, bool nano) {
    // A capture file's seconds can be anything a 64-bit field holds (pcapng
    // timestamps, hostile headers): sec * unit and the difference need more
    // than 64 bits (found by fuzz_pcap_read: signed overflow).
    __extension__ typedef __int128 Wide;
    const Wide unit = nano ? 1000000000 : 1000000;
    Wide dlt = (Wide{sec} * unit + fr) - (Wide{bsec} * unit + bfr);
    bool neg = dlt < 0;
    if (neg) dlt = -dlt;
    o << (neg ? '-' : ' ');
    Wide s = dlt / unit;
    std::uint32_t f = static_cast<std::uint32_t>(dlt % unit);
    two(o, static_cast<int>(s / 3600 % 24));
    o << ':';
    two(o, static_cast<int>(s / 60 % 60));
    o << ':';
    two(o, static_cast<int>(s % 60));
    o << '.';
    frac(o, f, nano);
  }

  void timestamp(const PacketMeta& m, Out& o) {
    switch (opt.ts) {
      case TimestampStyle::None:
        return;
      case TimestampStyle::Default:
      case TimestampStyle::Date:
        if (clock_text(m.sec, opt.ts == TimestampStyle::Date, o)) {
          o << '.';
          frac(o, m.frac, m.nano);
        }
        break;
      case TimestampStyle::Epoch:  // ts_unix_print: the same bit-31 rule, then the low 32 bits
        if (static_cast<std::uint64_t>(m.sec) & 0x80000000u) {
          o << "[Error converting time]";
          break;
        }
        o.u(static_cast<std::uint32_t>(m.sec)) << '.';
        frac(o, m.frac, m.nano);
        break;
      case TimestampStyle::Delta:
      case TimestampStyle::SinceFirst:
        if (!have_prev) {
          first_sec = prev_sec = m.sec;
          first_frac = prev_frac = m.frac;
          have_prev = true;
        }
        if (opt.ts == TimestampStyle::Delta) delta(o, m.sec, m.frac, prev_sec, prev_frac, m.nano);
        else delta(o, m.sec, m.frac, first_sec, first_frac, m.nano);
        prev_sec = m.sec;
        prev_frac = m.frac;
        break;
    }
    o << ' ';
  }

  // tcpdump's pretty_print_packet sanity checks: such a record gets this
  // text (after the packet number, before any timestamp) and nothing else.
  static constexpr std::uint32_t kMaxSnaplen = 262144;  // tcpdump's MAXIMUM_SNAPLEN
  static bool header_invalid(const PacketMeta& m) {
    return m.caplen == 0 || m.len == 0 || m.len < m.caplen || m.caplen > kMaxSnaplen || m.len > kMaxSnaplen;
  }
  static bool invalid_header(const PacketMeta& m, Out& o) {
    if (!header_invalid(m)) return false;
    bool bad = false;
    auto item = [&] {
      o << (bad ? "," : "[Invalid header:");
      bad = true;
    };
    if (m.caplen == 0) {
      o << "[Invalid header: caplen==0";
      bad = true;
    }
    if (m.len == 0) {
      item();
      o << " len==0";
    } else if (m.len < m.caplen) {
      item();
      o << " len(";
      o.u(m.len) << ") < caplen(";
      o.u(m.caplen) << ')';
    }
    if (m.caplen > kMaxSnaplen) {
      item();
      o << " caplen(";
      o.u(m.caplen) << ") > ";
      o.u(kMaxSnaplen);
    }
    if (m.len > kMaxSnaplen) {
      item();
      o << " len(";
      o.u(m.len) << ") > ";
      o.u(kMaxSnaplen);
    }
    if (bad) o << "]\n";
    return bad;
  }

  // A packet's two halves: decode() keeps the state between packets the
  // decoders need (TCP, ISAKMP, Rx, NFS), render() the state the text needs
  // (count, clock, previous timestamp).
  void print(const PacketMeta& m, Bytes bytes, std::string& out) {
    decode(decoded, m, bytes);
    render(m, decoded, out);
  }

  // print() without the text: the decoders' state and the text's state
  // (count, previous and first timestamps) move on as print()'s would.
  void pass(const PacketMeta& m, Bytes bytes) {
    decode(decoded, m, bytes);
    ++count;
    if (header_invalid(m)) return;  // render() stops before the timestamp
    if (opt.ts == TimestampStyle::Delta || opt.ts == TimestampStyle::SinceFirst) {
      if (!have_prev) {
        first_sec = m.sec;
        first_frac = m.frac;
        have_prev = true;
      }
      prev_sec = m.sec;
      prev_frac = m.frac;
    }
  }

  void decode(Decoded& d, const PacketMeta& m, Bytes bytes) {
    d.clear();
    d.caplen = m.caplen;
    d.wirelen = m.len;
    d.linktype = linktype;
    d.raw = bytes;
    d.truncated = false;
    d.trunc_proto = "";
    Ctx c{opt, tcp, d, &ike, &rx, &nfs};
    try {
      decode_link(c, linktype, ByteReader(bytes));
    } catch (const Truncated&) {
      d.truncated = true;
      if (auto* l = d.last()) l->status = Status::Truncated;
    } catch (const std::exception&) {
      // A decoder bug must cost one packet's detail, never the capture.
      if (auto* l = d.last()) l->status = Status::Invalid;
    }
  }

  // The packet's text (or JSON line) from its decode; its bytes are d.raw.
  void render(const PacketMeta& m, const Decoded& d, std::string& out) {
    ++count;
    if (opt.json) {
      Out o(out);
      json(m, d, o);
      return;
    }
    Out o(out, Out::Buffered);
    if (opt.numbers) {  // tcpdump's "%5u  "
      for (std::uint64_t v = count, w = 1; w < 5; ++w, v /= 10)
        if (v < 10) o << ' ';
      o.u(count) << "  ";
    }
    if (invalid_header(m, o)) return;
    timestamp(m, o);
    // tcpdump's raw_if_print (DLT_RAW, DLT_IPV4, DLT_IPV6) says "ip: " under -e.
    if (opt.link_header && (linktype == 12 || linktype == 14 || linktype == 101 || linktype == 228 || linktype == 229))
      o << "ip: ";
    PrintCtx p{opt, d, o, d.trunc_proto};
    bool printer_trunc = false;
    try {
      print_layers(p, 0);
    } catch (const Truncated&) {
      printer_trunc = true;
    } catch (const std::exception&) {
      o << " (invalid)";  // see above: contained, not fatal
    }
    if (printer_trunc || d.truncated) {
      o << " [|" << (printer_trunc ? p.proto : d.trunc_proto) << ']';
    }
    if (opt.hex != HexStyle::None) {
      bool link = opt.hex == HexStyle::HexLink || opt.hex == HexStyle::HexAsciiLink;
      bool ascii = opt.hex == HexStyle::HexAscii || opt.hex == HexStyle::HexAsciiLink;
      // When a read runs off the capture in mid-print (tcpdump's longjmp
      // out of GET_*), tcpdump no longer knows the link header's size and
      // dumps the whole packet; the ARP header check ends the same way.
      bool arp_trunc = d.truncated && std::string_view(d.trunc_proto) == "arp";
      std::size_t hdr = link || (printer_trunc && !p.local_trunc) || arp_trunc ? 0 : link_header_length(d);
      if (hdr < d.raw.size()) hex_dump(o, d.raw.subspan(hdr), ascii);
    }
    o << '\n';
  }

  void json(const PacketMeta& m, const Decoded& d, Out& o) {
    JsonWriter w(o.str());
    w.begin_object();
    if (opt.numbers) w.member("number", count);
    w.member("ts_sec", static_cast<std::int64_t>(m.sec));
    w.member(m.nano ? "ts_nsec" : "ts_usec", m.frac);
    if (!ifname.empty()) w.member("interface", ifname);
    w.member("caplen", m.caplen);
    w.member("length", m.len);
    w.member("linktype", linktype);
    w.key("layers");
    w.begin_array();
    for (std::size_t k = 0; k < d.size(); ++k)
      json_layer(w, d[k], d.truncated && k + 1 == d.size());
    w.end_array();
    if (d.truncated) w.member("truncated", std::string_view(d.trunc_proto));
    w.end_object();
    w.newline();
  }
};

PacketPrinter::PacketPrinter(PrintOptions options, int linktype, std::string interface)
    : impl_(std::make_unique<Impl>()) {
  impl_->opt = options;
  impl_->linktype = linktype;
  impl_->ifname = std::move(interface);
}
PacketPrinter::~PacketPrinter() = default;
PacketPrinter::PacketPrinter(PacketPrinter&&) noexcept = default;
PacketPrinter& PacketPrinter::operator=(PacketPrinter&&) noexcept = default;

void PacketPrinter::print(const PacketMeta& meta, std::span<const std::uint8_t> bytes, std::string& out) {
  impl_->print(meta, bytes, out);
}

void PacketPrinter::pass(const PacketMeta& meta, std::span<const std::uint8_t> bytes) { impl_->pass(meta, bytes); }

}  // namespace netlab
