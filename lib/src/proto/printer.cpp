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
        else if constexpr (std::is_same_v<T, OtherIpL>) print_other_ip(p, i);
        else if constexpr (std::is_same_v<T, UnknownL>) {
          if (l.type == 0xffff && p.opt.hex == HexStyle::None) hex_dump(p.o, l.data, true);
        }
      },
      p.d[i].layer);
}

}  // namespace proto

namespace {

void two(Out& o, int v) {
  if (v < 10) o << '0';
  o.u(static_cast<unsigned>(v));
}

void frac(Out& o, std::uint32_t f, bool nano) {
  char buf[16];
  int width = nano ? 9 : 6;
  int n = 0;
  std::uint32_t v = f;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  for (int k = n; k < width; ++k) o << '0';
  while (n) o << buf[--n];
}

// ---- JSON ------------------------------------------------------------------

std::string hexstr(Bytes b) {
  std::string s;
  s.reserve(b.size() * 2);
  static constexpr char kHex[] = "0123456789abcdef";
  for (auto x : b) {
    s.push_back(kHex[x >> 4]);
    s.push_back(kHex[x & 15]);
  }
  return s;
}

std::string macstr(Bytes b) {
  std::string s;
  Out o(s);
  o.mac(b);
  return s;
}
std::string ip4str(Bytes b) {
  std::string s;
  Out o(s);
  o.ip4(b);
  return s;
}
std::string ip6str(Bytes b) {
  std::string s;
  Out o(s);
  o.ip6(b);
  return s;
}

// Option lists as JSON arrays of objects, read through the same checked
// reader as the text path. one_option() reads one entry and writes its
// members into the object opened for it; it returns false at an end-of-list
// option. When the capture cuts the list short, the entry being read is
// closed with "truncated": true instead of invented values.
template <typename Fn>
void json_option_list(JsonWriter& w, Bytes opts, Fn one_option) {
  w.key("options");
  w.begin_array();
  ByteReader r(opts);
  try {
    while (r.remaining()) {
      w.begin_object();
      bool more = one_option(r);
      w.end_object();
      if (!more) break;
    }
  } catch (const Truncated&) {
    w.member("truncated", true);  // the entry's object is still open
    w.end_object();
  }
  w.end_array();
}

void json_tcp_options(JsonWriter& w, Bytes opts) {
  json_option_list(w, opts, [&w](ByteReader& r) {
    std::uint8_t kind = r.u8();
    if (kind == 0 || kind == 1) {
      w.member("kind", kind == 0 ? "eol" : "nop");
      return kind != 0;
    }
    std::uint8_t len = r.u8();
    ByteReader body(r.bytes(len >= 2 ? len - 2u : 0u));
    switch (kind) {
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
      default:
        w.member("kind", static_cast<unsigned>(kind));
        w.member("data", hexstr(body.rest()));
    }
    w.member("length", static_cast<unsigned>(len));
    return true;
  });
}

void json_ipv4_options(JsonWriter& w, Bytes opts) {
  json_option_list(w, opts, [&w](ByteReader& r) {
    std::uint8_t type = r.u8();
    w.member("type", static_cast<unsigned>(type));
    if (type == 0 || type == 1) {
      w.member("name", type == 0 ? "EOL" : "NOP");
      return type != 0;
    }
    std::uint8_t len = r.u8();
    Bytes body = r.bytes(len >= 2 ? len - 2u : 0u);
    const char* name = type == 7 ? "RR" : type == 68 ? "TS" : type == 131 ? "LSRR" : type == 137 ? "SSRR"
                       : type == 148 ? "RA" : "";
    if (*name) w.member("name", name);
    w.member("length", static_cast<unsigned>(len));
    w.member("data", hexstr(body));
    return true;
  });
}

// Neighbour-discovery options (RFC 4861 section 4.6, RFC 8106 RDNSS).
void json_nd_options(JsonWriter& w, Bytes opts) {
  json_option_list(w, opts, [&w](ByteReader& r) {
    std::uint8_t type = r.u8();
    w.member("type", static_cast<unsigned>(type));
    std::uint8_t units = r.u8();
    w.member("length", units * 8u);
    if (units == 0) {  // invalid: the list cannot go on; tcpdump stops here too
      w.member("invalid", true);
      return false;
    }
    ByteReader body(r.bytes(units * 8u - 2u));
    switch (type) {
      case 1: case 2:
        w.member("name", type == 1 ? "source link-address" : "target link-address");
        w.member("lladdr", macstr(body.rest()));
        break;
      case 3: {
        w.member("name", "prefix info");
        std::uint8_t plen = body.u8(), flags = body.u8();
        w.member("prefix_length", plen);
        w.member("on_link", (flags & 0x80) != 0);
        w.member("autonomous", (flags & 0x40) != 0);
        w.member("valid_lifetime", static_cast<std::uint64_t>(body.be32()));
        w.member("preferred_lifetime", static_cast<std::uint64_t>(body.be32()));
        body.skip(4);
        w.member("prefix", ip6str(body.bytes(16)));
        break;
      }
      case 5:
        w.member("name", "mtu");
        body.skip(2);
        w.member("mtu", static_cast<std::uint64_t>(body.be32()));
        break;
      case 25:
        w.member("name", "rdnss");
        body.skip(2);
        w.member("lifetime", static_cast<std::uint64_t>(body.be32()));
        w.key("servers");
        w.begin_array();
        while (body.remaining() >= 16) w.value(ip6str(body.bytes(16)));
        w.end_array();
        break;
      default:
        w.member("data", hexstr(body.rest()));
    }
    return true;
  });
}

std::string_view status_name(Status s) {
  switch (s) {
    case Status::Ok: return "ok";
    case Status::Truncated: return "truncated";
    case Status::Invalid: return "invalid";
  }
  return "ok";
}

void json_layer(JsonWriter& w, const LayerSlot& slot, bool last_truncated) {
  w.begin_object();
  std::visit(
      [&](const auto& l) {
        using T = std::decay_t<decltype(l)>;
        if constexpr (std::is_same_v<T, EthernetL>) {
          w.member("layer", "ethernet");
          if (l.stage >= 1) {
            w.member("src", macstr(l.src));
            w.member("dst", macstr(l.dst));
          }
          if (l.stage >= 2) w.member("ethertype", l.type);
          w.member("length", l.length);
        } else if constexpr (std::is_same_v<T, VlanL>) {
          w.member("layer", "vlan");
          w.member("tpid", l.tpid);
          if (l.stage >= 2) {
            w.member("vlan", l.tci & 0xfff);
            w.member("pcp", l.tci >> 13);
            w.member("dei", (l.tci & 0x1000) != 0);
            w.member("ethertype", l.type);
          }
        } else if constexpr (std::is_same_v<T, SllL>) {
          w.member("layer", l.version == 1 ? "sll" : "sll2");
          w.member("pkttype", l.pkttype);
          w.member("hatype", l.hatype);
          w.member("protocol", l.type);
          if (l.version == 2) w.member("ifindex", l.ifindex);
          if (l.halen == 6) w.member("address", macstr(l.addr.first(6)));
        } else if constexpr (std::is_same_v<T, NullL>) {
          w.member("layer", "null");
          w.member("family", l.family);
        } else if constexpr (std::is_same_v<T, LlcL>) {
          w.member("layer", "802.3");
          w.member("length", l.length);
        } else if constexpr (std::is_same_v<T, ArpL>) {
          w.member("layer", "arp");
          w.member("htype", l.htype);
          w.member("ptype", l.ptype);
          w.member("hlen", l.hlen);
          w.member("plen", l.plen);
          w.member("op", l.op);
          if (l.complete) {
            w.member("sha", macstr(l.sha));
            w.member("spa", l.plen == 4 ? ip4str(l.spa) : hexstr(l.spa));
            w.member("tha", macstr(l.tha));
            w.member("tpa", l.plen == 4 ? ip4str(l.tpa) : hexstr(l.tpa));
          }
        } else if constexpr (std::is_same_v<T, Ipv4L>) {
          w.member("layer", "ipv4");
          w.member("version", l.version);
          if (l.stage >= 2) {
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
            w.member("src", ip4str(l.src));
            w.member("dst", ip4str(l.dst));
            if (!l.options.empty()) json_ipv4_options(w, l.options);
          }
        } else if constexpr (std::is_same_v<T, Ipv6L>) {
          w.member("layer", "ipv6");
          if (l.stage >= 1) {
            w.member("version", l.version);
            w.member("traffic_class", l.tclass);
            w.member("flow_label", l.flow);
            w.member("payload_length", l.plen);
            w.member("next_header", l.nh);
            w.member("hop_limit", l.hlim);
            w.member("src", ip6str(l.src));
            w.member("dst", ip6str(l.dst));
          }
        } else if constexpr (std::is_same_v<T, Ipv6ExtL>) {
          w.member("layer", l.type == 0 ? "ipv6-hop-by-hop" : l.type == 43 ? "ipv6-routing"
                                                     : l.type == 44 ? "ipv6-fragment" : "ipv6-destination-options");
          if (!l.body.empty()) w.member("next_header", l.nh);
          w.member("data", hexstr(l.body));
        } else if constexpr (std::is_same_v<T, IcmpL>) {
          w.member("layer", "icmp");
          if (l.msg.size() >= 2) {
            w.member("type", l.type);
            w.member("code", l.code);
          }
          if (l.msg.size() >= 4) w.member("checksum", l.sum);
          if (l.sum_checked) w.member("checksum_ok", l.computed == 0);
          if ((l.type == 0 || l.type == 8) && l.msg.size() >= 8) {
            w.member("id", static_cast<unsigned>(l.msg[4] << 8 | l.msg[5]));
            w.member("seq", static_cast<unsigned>(l.msg[6] << 8 | l.msg[7]));
          }
          w.member("length", l.plen);
        } else if constexpr (std::is_same_v<T, Icmp6L>) {
          w.member("layer", "icmpv6");
          if (l.stage >= 2) {
            w.member("type", l.type);
            w.member("code", l.code);
          }
          if (l.sum_checked) w.member("checksum_ok", l.computed == 0);
          if ((l.type == 128 || l.type == 129) && l.msg.size() >= 8) {
            w.member("id", static_cast<unsigned>(l.msg[4] << 8 | l.msg[5]));
            w.member("seq", static_cast<unsigned>(l.msg[6] << 8 | l.msg[7]));
          }
          if ((l.type == 135 || l.type == 136 || l.type == 137) && l.msg.size() >= 24)
            w.member("target", ip6str(l.msg.subspan(8, 16)));
          // Where the options start: after the fixed part of RS, RA, NS, NA and redirect.
          std::size_t fixed = l.type == 133 ? 8 : l.type == 134 ? 16 : l.type == 135 || l.type == 136 ? 24
                            : l.type == 137 ? 40 : 0;
          if (fixed && l.msg.size() > fixed) json_nd_options(w, l.msg.subspan(fixed));
          w.member("length", l.plen);
        } else if constexpr (std::is_same_v<T, TcpL>) {
          w.member("layer", "tcp");
          if (l.stage >= 1) {
            w.member("sport", l.sport);
            w.member("dport", l.dport);
          }
          if (l.stage >= 2) {
            w.member("seq", l.seq);
            w.member("ack", l.ack);
            w.member("relative_seq", l.rel_seq);
            w.member("relative_ack", l.rel_ack);
            w.member("header_length", l.hlen);
            w.member("flags", l.flags);
            std::string f;
            for (auto [bit, ch] : {std::pair{0x01, 'F'}, {0x02, 'S'}, {0x04, 'R'}, {0x08, 'P'}, {0x10, '.'},
                                   {0x20, 'U'}, {0x40, 'E'}, {0x80, 'W'}})
              if (l.flags & bit) f.push_back(ch);
            w.member("flag_names", f);
            w.member("window", l.win);
            w.member("checksum", l.sum);
            if (l.sum_checked) w.member("checksum_ok", l.computed == 0);
            w.member("urgent", l.urp);
            if (!l.options.empty()) json_tcp_options(w, l.options);
            w.member("payload_length", l.length >= l.hlen ? l.length - l.hlen : 0u);
          }
        } else if constexpr (std::is_same_v<T, UdpL>) {
          w.member("layer", "udp");
          if (l.stage >= 1) {
            w.member("sport", l.sport);
            w.member("dport", l.dport);
          }
          if (l.stage >= 2) w.member("length", l.ulen);
          if (l.stage >= 3) w.member("checksum", l.sum);
          if (l.sum_checked) w.member("checksum_ok", l.computed == 0);
        } else if constexpr (std::is_same_v<T, OtherIpL>) {
          w.member("layer", "ip-payload");
          w.member("protocol", l.proto);
          w.member("length", l.length);
        } else if constexpr (std::is_same_v<T, UnknownL>) {
          w.member("layer", "payload");
          if (l.type != 0xffff) w.member("ethertype", l.type);
          w.member("length", static_cast<std::uint64_t>(l.data.size()));
        }
      },
      slot.layer);
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
  Decoded d;
  std::uint64_t count = 0;
  bool have_prev = false;
  std::int64_t prev_sec = 0, first_sec = 0;
  std::uint32_t prev_frac = 0, first_frac = 0;
  std::int64_t cached_sec = -1;  // the formatted clock of this second
  bool cached_date = false;
  char clock[32] = {};
  std::size_t clock_len = 0;

  void clock_text(std::int64_t sec, bool date, Out& o) {
    if (sec != cached_sec || date != cached_date) {
      cached_sec = sec;
      cached_date = date;
      clock_len = 0;
      std::time_t t = static_cast<std::time_t>(sec);
      std::tm tm{};
      if (sec < 0 || !localtime_r(&t, &tm)) {
        clock_len = 0;
        cached_sec = -1;
        o << "[Error converting time]";
        return;
      }
      clock_len = std::strftime(clock, sizeof clock, date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
    }
    o << std::string_view(clock, clock_len);
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
        clock_text(m.sec, opt.ts == TimestampStyle::Date, o);
        if (m.sec >= 0) {
          o << '.';
          frac(o, m.frac, m.nano);
        }
        break;
      case TimestampStyle::Epoch:
        o.i(m.sec) << '.';
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
  static bool invalid_header(const PacketMeta& m, Out& o) {
    constexpr std::uint32_t kMaxSnaplen = 262144;  // tcpdump's MAXIMUM_SNAPLEN
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

  void print(const PacketMeta& m, Bytes bytes, std::string& out) {
    ++count;
    d.clear();
    d.caplen = m.caplen;
    d.wirelen = m.len;
    d.linktype = linktype;
    d.raw = bytes;
    d.truncated = false;
    d.trunc_proto = "";
    Ctx c{opt, tcp, d};
    try {
      decode_link(c, linktype, ByteReader(bytes));
    } catch (const Truncated&) {
      d.truncated = true;
      if (auto* l = d.last()) l->status = Status::Truncated;
    } catch (const std::exception&) {
      // A decoder bug must cost one packet's detail, never the capture.
      if (auto* l = d.last()) l->status = Status::Invalid;
    }
    Out o(out);
    if (opt.json) {
      json(m, o);
      return;
    }
    if (opt.numbers) {
      std::size_t mark = out.size();
      o.u(count);
      std::size_t digits = out.size() - mark;
      if (digits < 5) out.insert(mark, 5 - digits, ' ');
      o << "  ";
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
      if (hdr < bytes.size()) hex_dump(o, bytes.subspan(hdr), ascii);
    }
    o << '\n';
  }

  void json(const PacketMeta& m, Out& o) {
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

}  // namespace netlab
