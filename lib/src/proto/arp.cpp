// ARP (RFC 826), RARP (RFC 903) and InARP (RFC 2390). Address sizes come
// from hlen/plen, so non-Ethernet hardware decodes too.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

// tcpdump's arpop_values and arphrd_values.
constexpr Tok kOps[] = {{1, "Request"}, {2, "Reply"}, {3, "Reverse Request"}, {4, "Reverse Reply"},
                        {8, "Inverse Request"}, {9, "Inverse Reply"}, {10, "NACK Reply"}};
constexpr Tok kHardware[] = {{1, "Ethernet"}, {6, "TokenRing"}, {7, "ArcNet"}, {15, "FrameRelay"},
                             {19, "ATM (RFC 2225)"}, {23, "Strip"}, {24, "IEEE 1394"}, {32, "InfiniBand"}};

bool is_ip(const ArpL& a) { return a.ptype == 0x0800 || a.ptype == 0x1000; }

void proto_addr(Out& o, const ArpL& a, Bytes addr) {
  if (!is_ip(a)) o << "<wrong proto type>";
  else if (a.plen != 4) o << "<wrong len>";
  else o.ip4(addr);
}

void link_addr(Out& o, Bytes b) {
  if (b.empty()) o << "<empty>";
  else o.mac(b);
}

bool nonzero(Bytes b) {
  for (auto x : b)
    if (x) return true;
  return false;
}

}  // namespace

void read_arp(ByteReader r, ArpL& a) {
  a.raw = r.rest();
  a.htype = r.be16();
  a.ptype = r.be16();
  a.hlen = r.u8();
  a.plen = r.u8();
  a.op = r.be16();
  // tcpdump checks for all four addresses before printing anything.
  if (!r.has(2u * a.hlen + 2u * a.plen)) throw Truncated{};
  a.sha = r.bytes(a.hlen);
  a.spa = r.bytes(a.plen);
  a.tha = r.bytes(a.hlen);
  a.tpa = r.bytes(a.plen);
  a.complete = true;
}

void decode_arp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "arp";
  auto& a = c.d.push<ArpL>();
  a.length = length;
  read_arp(r, a);
}

void print_arp(PrintCtx& p, std::size_t i) {
  p.proto = "arp";
  const auto& a = at<ArpL>(p.d, i);
  Out& o = p.o;
  if (!a.complete) return;  // " [|arp]" follows
  bool v = p.opt.verbose > 0;
  if (!p.opt.link_header) o << "ARP, ";
  if (!is_ip(a) || a.plen != 4 || a.hlen == 0 || v) {
    tok_print(o, kHardware, a.htype, "Unknown Hardware (", ")") << " (len ";
    o.u(a.hlen) << "), ";
    auto pn = ethertype_name(a.ptype);
    if (pn.empty()) {
      o << "Unknown Protocol (0x";
      o.hex(a.ptype, 4) << ')';
    } else {
      o << pn;
    }
    o << " (len ";
    o.u(a.plen) << ')';
    if (!v) {
      o << ", length ";
      o.u(a.length);
      return;
    }
  }
  if (v) o << ", ";
  tok_print(o, kOps, a.op, "Unknown (", ")") << ' ';
  switch (a.op) {
    case 1:
      o << "who-has ";
      proto_addr(o, a, a.tpa);
      if (nonzero(a.tha)) {
        o << " (";
        link_addr(o, a.tha), o << ')';
      }
      o << " tell ";
      proto_addr(o, a, a.spa);
      break;
    case 2:
      proto_addr(o, a, a.spa);
      o << " is-at ";
      link_addr(o, a.sha);
      break;
    case 3:
      o << "who-is ";
      link_addr(o, a.tha), o << " tell ";
      link_addr(o, a.sha);
      break;
    case 4:
      link_addr(o, a.tha), o << " at ";
      proto_addr(o, a, a.tpa);
      break;
    case 8:
      o << "who-is ";
      link_addr(o, a.tha), o << " tell ";
      link_addr(o, a.sha);
      break;
    case 9:
      link_addr(o, a.sha), o << " at ";
      proto_addr(o, a, a.spa);
      break;
    default:
      hex_dump(o, a.raw, true);  // tcpdump shows these bytes even with -x
      return;
  }
  o << ", length ";
  o.u(a.length);
}

}  // namespace netlab::proto

namespace netlab::proto {

void json_arp(JsonWriter& w, const ArpL& l) {
  w.member("layer", "arp");
  w.member("htype", l.htype);
  w.member("ptype", l.ptype);
  w.member("hlen", l.hlen);
  w.member("plen", l.plen);
  w.member("op", l.op);
  if (l.complete) {
    w.member("sha", mac_text(l.sha));
    w.member("spa", l.plen == 4 ? ip4_text(l.spa) : hex_text(l.spa));
    w.member("tha", mac_text(l.tha));
    w.member("tpa", l.plen == 4 ? ip4_text(l.tpa) : hex_text(l.tpa));
  }
}

}  // namespace netlab::proto
