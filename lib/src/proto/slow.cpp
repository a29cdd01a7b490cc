// The IEEE 802.3 slow protocols (ethertype 0x8809): LACP and the marker
// protocol (IEEE 802.1AX), as tcpdump 4.99.3's print-slow.c shows them: the
// subtype and version with the length at -n; at -v each TLV with the actor
// and partner system, key, port and state flags, the collector's delay and
// the marker's request; at -vv each TLV's bytes in hex too. A subtype
// tcpdump does not know prints its bytes in hex at every verbosity. OAM
// (subtype 3) prints its header only: its body is not decoded yet.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr Tok kSubtypes[] = {{1, "LACP"}, {2, "MARKER"}, {3, "OAM"}};
constexpr Tok kTlvs[] = {{0x100, "Terminator"},          {0x101, "Actor Information"},
                         {0x102, "Partner Information"}, {0x103, "Collector Information"},
                         {0x200, "Terminator"},          {0x201, "Marker Information"},
                         {0x202, "Marker Response Information"}};
constexpr Tok kStates[] = {{0x01, "Activity"},   {0x02, "Timeout"},      {0x04, "Aggregation"},
                           {0x08, "Synchronization"}, {0x10, "Collecting"}, {0x20, "Distributing"},
                           {0x40, "Default"},    {0x80, "Expired"}};

// tcpdump's print_unknown_data: hex lines after `lead`, as far as captured.
void unknown_data(Out& o, Bytes b, std::size_t off, std::uint32_t len, std::string_view lead) {
  Bytes v = off <= b.size() ? b.subspan(off, std::min<std::size_t>(len, b.size() - off)) : Bytes{};
  for (std::size_t k = 0; k < v.size(); k += 2) {
    if (k % 16 == 0) {
      o << lead << "0x";
      o.hex(k, 4) << ": ";
    }
    o << ' ';
    o.hex(v[k], 2);
    if (k + 1 < v.size()) o.hex(v[k + 1], 2);
  }
}

void tlvs(PrintCtx& p, Bytes b, std::uint32_t len, std::uint8_t subtype) {
  Out& o = p.o;
  std::size_t at = 2;
  std::uint32_t left = len - 2;
  while (left > 0) {
    if (left < 2) {
      o << "\n\t\t packet is too short";
      return;
    }
    std::uint8_t type = sub(b, at, 1)[0], tlen = sub(b, at + 1, 1)[0];
    std::uint32_t key = std::uint32_t(subtype) << 8 | type;
    o << "\n\t";
    if (auto name = tok_name(kTlvs, key); !name.empty()) o << name;
    else o << "Unknown";
    o << " TLV (0x";
    o.hex(type, 2) << "), length ";
    o.u(tlen);
    if (type == 0) return;
    if (tlen < 2) {
      o << "\n\t    ERROR: illegal length - should be >= 2";
      return;
    }
    if (left < tlen) {
      o << "\n\t\t packet is too short";
      return;
    }
    Bytes v = sub(b, at + 2, tlen - 2u);  // the TLV captured, or [|slow]
    auto bad = [&](unsigned should) {
      o << "\n\t    ERROR: illegal length - should be ";
      o.u(should);
    };
    switch (key) {
      case 0x101:
      case 0x102:
        if (v.size() != 18) {
          bad(20);
          break;
        }
        o << "\n\t  System ";
        o.mac(v.subspan(2, 6)) << ", System Priority ";
        o.u(be16_at(v, 0)) << ", Key ";
        o.u(be16_at(v, 8)) << ", Port ";
        o.u(be16_at(v, 12)) << ", Port Priority ";
        o.u(be16_at(v, 10)) << "\n\t  State Flags [";
        {
          bool any = false;
          for (const auto& s : kStates)
            if (v[14] & s.value) o << (any ? ", " : "") << s.name, any = true;
          if (!any) o << "none";
        }
        o << ']';
        break;
      case 0x103:
        if (v.size() != 14) {
          bad(16);
          break;
        }
        o << "\n\t  Max Delay ";
        o.u(be16_at(v, 0));
        break;
      case 0x201:
        if (v.size() != 14) {
          bad(16);
          break;
        }
        o << "\n\t  Request System ";
        o.mac(v.subspan(2, 6)) << ", Request Port ";
        o.u(be16_at(v, 0)) << ", Request Transaction ID 0x";
        o.hex(be32_at(v, 8), 8);
        break;
      default:
        if (p.opt.verbose <= 1) unknown_data(o, b, at + 2, tlen - 2u, "\n\t  ");
        break;
    }
    if (p.opt.verbose > 1) unknown_data(o, b, at + 2, tlen - 2u, "\n\t  ");
    at += tlen;
    left -= tlen;
  }
}

}  // namespace

void decode_slow(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "slow";
  auto& s = c.d.push<SlowL>();
  s.pdu = r.rest().first(std::min<std::size_t>(r.remaining(), length));
  s.length = length;
}

void print_slow(PrintCtx& p, std::size_t i) {
  p.proto = "slow";
  const auto& s = at<SlowL>(p.d, i);
  Out& o = p.o;
  Bytes b = s.pdu;
  std::uint32_t len = s.length;
  auto too_short = [&] { o << (p.opt.verbose ? "\n\t\t packet is too short" : " (packet is too short)"); };
  if (len < 1) return too_short();
  std::uint8_t subtype = sub(b, 0, 1)[0];
  if (subtype == 1 || subtype == 2) {
    if (len < 2) return too_short();
    std::uint8_t version = sub(b, 1, 1)[0];
    if (version != 1) {
      o << (subtype == 1 ? "LACP" : "MARKER") << " version ";
      o.u(version) << " packet not supported";
      return;
    }
    o << tok_name(kSubtypes, subtype) << 'v';
    o.u(version) << ", length ";
    o.u(len);
  } else {
    if (auto name = tok_name(kSubtypes, subtype); !name.empty()) o << name;
    else o << "unknown (", o.u(subtype) << ')';
    o << ", length ";
    o.u(len);
    if (subtype != 3) {
      unknown_data(o, b, 0, len, "\n\t");
      return;
    }
  }
  if (!p.opt.verbose || subtype == 3) return;
  tlvs(p, b, len, subtype);
}

void json_slow(JsonWriter& w, const SlowL& l) {
  w.member("layer", "slow");
  w.member("length", l.length);
  if (l.pdu.empty()) return;
  std::uint8_t subtype = l.pdu[0];
  if (auto name = tok_name(kSubtypes, subtype); !name.empty()) w.member("subtype", name);
  else w.member("subtype", static_cast<unsigned>(subtype));
  if ((subtype != 1 && subtype != 2) || l.pdu.size() < 2) return;
  w.member("version", static_cast<unsigned>(l.pdu[1]));
  w.key("tlvs");
  w.begin_array();
  std::size_t at = 2;
  while (at + 2 <= l.pdu.size()) {
    std::uint8_t type = l.pdu[at], tlen = l.pdu[at + 1];
    w.begin_object();
    std::uint32_t key = std::uint32_t(subtype) << 8 | type;
    if (auto name = tok_name(kTlvs, key); !name.empty()) w.member("type", name);
    else w.member("type", static_cast<unsigned>(type));
    w.member("length", static_cast<unsigned>(tlen));
    if ((key == 0x101 || key == 0x102) && tlen == 20 && at + 20 <= l.pdu.size()) {
      Bytes v = l.pdu.subspan(at + 2, 18);
      w.member("system", mac_text(v.subspan(2, 6)));
      w.member("system_priority", static_cast<unsigned>(be16_at(v, 0)));
      w.member("key", static_cast<unsigned>(be16_at(v, 8)));
      w.member("port_priority", static_cast<unsigned>(be16_at(v, 10)));
      w.member("port", static_cast<unsigned>(be16_at(v, 12)));
      w.member("state", static_cast<unsigned>(v[14]));
    }
    w.end_object();
    if (type == 0 || tlen < 2) break;
    at += tlen;
  }
  w.end_array();
}

}  // namespace netlab::proto
