// CDP (Cisco Discovery Protocol, Cisco's "CDP frame format" note) in SNAP
// with the Cisco OUI and PID 0x2000, as tcpdump 4.99.3's print-cdp.c shows
// it. The header is version, TTL and checksum, then type-length-value
// records whose length counts their own 4-byte header. At -n tcpdump names
// the Device-ID and, as 4.99.3 does, dumps every other TLV's value in hex;
// from -v each TLV is named with its length and printed by its kind
// (strings, addresses, capabilities, the version text re-indented, VLAN,
// duplex, power, MTU, trust bits, location). A TLV whose length is out of
// its kind's range prints " (malformed TLV)"; a length that cannot be right
// ends the PDU with " (invalid)".
#include "proto/proto.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace netlab::proto {
namespace {

constexpr Tok kCapabilities[] = {{0x01, "Router"},    {0x02, "Transparent Bridge"}, {0x04, "Source Route Bridge"},
                                 {0x08, "L2 Switch"}, {0x10, "L3 capable"},         {0x20, "IGMP snooping"},
                                 {0x40, "L1 capable"}};

enum class Kind { None, String, Address, Capability, Version, Prefixes, Uint16, Duplex, Ata186, Power, Mtu, Uint8x,
                  PhysLoc };

struct TlvInfo {
  std::string_view name;
  Kind kind = Kind::None;
  int min_len = -1, max_len = -1;
};

constexpr std::uint16_t kDeviceId = 0x01, kMaxType = 0x17;

// Indexed by type, 0x00-0x17; an empty name is a type tcpdump does not know.
constexpr TlvInfo kTlvs[kMaxType + 1] = {
    {},
    {"Device-ID", Kind::String},
    {"Address", Kind::Address},
    {"Port-ID", Kind::String},
    {"Capability", Kind::Capability, 4, 4},
    {"Version String", Kind::Version},
    {"Platform", Kind::String},
    {"Prefixes", Kind::Prefixes},
    {"Protocol-Hello option", Kind::None},
    {"VTP Management Domain", Kind::String},
    {"Native VLAN ID", Kind::Uint16, 2, 2},
    {"Duplex", Kind::Duplex, 1, 1},
    {},
    {},
    {"ATA-186 VoIP VLAN assignment", Kind::Ata186, 3, 3},
    {"ATA-186 VoIP VLAN request", Kind::Ata186, 2, 3},
    {"power consumption", Kind::Power, 1, 3},
    {"MTU", Kind::Mtu, 4, 4},
    {"AVVID trust bitmap", Kind::Uint8x, 1, 1},
    {"AVVID untrusted ports CoS", Kind::Uint8x, 1, 1},
    {"System Name", Kind::String},
    {"System Object ID (not decoded)", Kind::None},
    {"Management Addresses", Kind::Address, 4, -1},
    {"Physical Location", Kind::PhysLoc, 1, -1},
};

struct Invalid {};  // " (invalid)", then the rest must have been captured

void print_string(Out& o, Bytes v) {
  o << '\'';
  for (auto c : v) print_char(o, c);
  o << '\'';
}

// The Address and Management Addresses TLVs: a count, then per address a
// protocol type and protocol (NLPID 0xcc for IPv4, an LLC/SNAP header with
// ethertype 0x86dd for IPv6) and the address, anything else as raw bytes.
// Returns the offset reached; throws Invalid with the reason printed.
void print_addresses(Out& o, Bytes v) {
  static constexpr std::uint8_t kSnapIpv6[] = {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x86, 0xdd};
  std::size_t l = v.size(), at = 0;
  if (l < 4) {
    o << " (not enough space for num)";
    throw Invalid{};
  }
  std::uint32_t num = be32_at(v, 0);
  at = 4;
  l -= 4;
  while (num) {
    if (l < 2) {
      o << " (not enough space for PT+PL)";
      throw Invalid{};
    }
    std::uint8_t pt = v[at], pl = v[at + 1];
    at += 2;
    l -= 2;
    if (l < std::size_t(pl) + 2) {
      o << " (not enough space for P+AL)";
      throw Invalid{};
    }
    std::uint16_t al = be16_at(v, at + pl);
    bool ipv4 = pt == 1 && pl == 1 && v[at] == 0xcc && al == 4;
    bool ipv6 = pt == 2 && pl == 8 && std::memcmp(v.data() + at, kSnapIpv6, 8) == 0 && al == 16;
    if (ipv4 || ipv6) {
      at += pl + 2u;
      l -= pl + 2u;
      if (l < al) {
        o << " (not enough space for A)";
        throw Invalid{};
      }
      o << (ipv4 ? "IPv4 (" : "IPv6 (");
      o.u(num) << ") ";
      if (ipv4) o.ip4(v.subspan(at, 4));
      else o.ip6(v.subspan(at, 16));
      at += al;
      l -= al;
    } else {
      o << "pt=0x";
      o.hex(pt, 2) << ", pl=";
      o.u(pl) << ", pb=";
      for (; pl; --pl, ++at, --l) o << ' ', o.hex(v[at], 2);
      o << ", al=";
      o.u(al) << ", a=";
      at += 2;
      l -= 2;
      if (l < al) {
        o << " (not enough space for A)";
        throw Invalid{};
      }
      for (; al; --al, ++at, --l) o << ' ', o.hex(v[at], 2);
    }
    --num;
    if (num) o << ' ';
  }
  if (l) {
    o << " (";
    o.u(l) << " bytes of stray data)";
  }
}

void print_value(Out& o, Kind kind, Bytes v) {
  switch (kind) {
    case Kind::None: return;
    case Kind::String: return print_string(o, v);
    case Kind::Address: {
      try {
        print_addresses(o, v);
      } catch (const Invalid&) {
        // tcpdump only checks the TLV was captured; the PDU goes on.
      }
      return;
    }
    case Kind::Capability: {
      std::uint32_t caps = be32_at(v, 0);
      o << "(0x";
      o.hex(caps, 8) << "): ";
      print_bit_names(o, kCapabilities, caps, "none");
      return;
    }
    case Kind::Version:
      o << "\n\t  ";
      for (auto c : v) {
        if (c == '\n') o << "\n\t  ";
        else print_char(o, c);
      }
      return;
    case Kind::Prefixes:
      if (v.size() % 5) {
        o << " [length ";
        o.u(v.size()) << " is not a multiple of 5]";
        return;
      }
      o << " IPv4 Prefixes (";
      o.u(v.size() / 5) << "):";
      for (std::size_t k = 0; k < v.size(); k += 5) {
        o << ' ';
        o.ip4(v.subspan(k, 4)) << '/';
        o.u(v[k + 4]);
      }
      return;
    case Kind::Uint16: o.u(be16_at(v, 0)); return;
    case Kind::Duplex: o << (v[0] ? "full" : "half"); return;
    case Kind::Ata186:
      if (v.size() == 2) {
        o << "unknown 0x";
        o.hex(be16_at(v, 0), 4);
      } else {
        o << "app ";
        o.u(v[0]) << ", vlan ";
        o.u(be16_at(v, 1));
      }
      return;
    case Kind::Power: {
      std::uint32_t val = 0;
      for (auto c : v) val = val << 8 | c;
      o << fmt::format("{:1.2f}W", val / 1000.0);
      return;
    }
    case Kind::Mtu:
      o.u(be32_at(v, 0)) << " bytes";
      return;
    case Kind::Uint8x:
      o << "0x";
      o.hex(v[0], 2);
      return;
    case Kind::PhysLoc:
      o << "0x";
      o.hex(v[0], 2);
      if (v.size() > 1) {
        o << '/';
        for (auto c : v.subspan(1)) print_char(o, c);
      }
      return;
  }
}

// Every type up to 0x17 has an entry, named or not (tcpdump's array): an
// unnamed one prints nothing from -v on, a type beyond the table its hex.
const TlvInfo* tlv_info(std::uint16_t type) { return type > kMaxType ? nullptr : &kTlvs[type]; }

std::string_view tlv_name(std::uint16_t type) {
  const TlvInfo* info = tlv_info(type);
  return info && !info->name.empty() ? info->name : std::string_view("unknown field type");
}

}  // namespace

void decode_cdp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "cdp";
  auto& l = c.d.push<CdpL>();
  l.pdu = r.rest().first(std::min<std::size_t>(r.remaining(), length));
  l.length = length;
}

void print_cdp(PrintCtx& p, std::size_t i) {
  p.proto = "cdp";
  const auto& l = at<CdpL>(p.d, i);
  Out& o = p.o;
  Bytes b = l.pdu;
  bool verbose = p.opt.verbose > 0;
  std::uint32_t length = l.length;
  std::size_t at = 0;
  try {
    if (length < 4) {
      o << " (packet length ";
      o.u(length) << " < 4)";
      throw Invalid{};
    }
    Bytes hdr = sub(b, 0, 4);
    o << "CDPv";
    o.u(hdr[0]) << ", ttl: ";
    o.u(hdr[1]) << 's';
    if (verbose) {
      o << ", checksum: 0x";
      o.hex(be16_at(hdr, 2), 4) << " (unverified), length ";
      o.u(l.length);
    }
    at = 4;
    length -= 4;
    while (length) {
      if (length < 4) {
        o << " (remaining packet length ";
        o.u(length) << " < 4)";
        throw Invalid{};
      }
      std::uint16_t type = be16_at(b, at), len = be16_at(b, at + 2);
      const TlvInfo* info = tlv_info(type);
      if (len < 4) {
        if (verbose) {
          o << "\n\t" << tlv_name(type) << " (0x";
          o.hex(type, 2) << "), TLV length: ";
          o.u(len) << " byte" << (len == 1 ? "" : "s") << " (too short)";
        } else {
          o << ", " << tlv_name(type) << " TLV length ";
          o.u(len) << " too short";
        }
        throw Invalid{};
      }
      if (len > length) {
        o << " (TLV length ";
        o.u(len) << " > ";
        o.u(length) << ')';
        throw Invalid{};
      }
      at += 4;
      length -= 4;
      len = static_cast<std::uint16_t>(len - 4);
      if (!verbose && type == kDeviceId) {
        o << ", Device-ID ";
      } else if (verbose) {
        o << "\n\t" << tlv_name(type) << " (0x";
        o.hex(type, 2) << "), value length: ";
        o.u(len) << " byte" << (len == 1 ? "" : "s") << ": ";
      }
      bool covered = false;
      if (info) {
        if ((info->min_len > 0 && len < info->min_len) || (info->max_len > 0 && len > info->max_len)) {
          o << " (malformed TLV)";
        } else if (verbose || type == kDeviceId) {
          print_value(o, info->kind, sub(b, at, len));
          covered = true;
        }
      }
      if (!covered) print_unknown_data(o, sub(b, at, len), len, "\n\t  ");
      at += len;
      length -= len;
    }
    if (!verbose) {
      o << ", length ";
      o.u(l.length);
    }
  } catch (const Invalid&) {
    o << " (invalid)";
    sub(b, at, length);  // tcpdump's ND_TCHECK_LEN of what is left
  }
}

void json_cdp(JsonWriter& w, const CdpL& l) {
  w.member("layer", "cdp");
  w.member("length", l.length);
  Bytes b = l.pdu;
  if (b.size() < 4) return;
  w.member("version", static_cast<unsigned>(b[0]));
  w.member("ttl", static_cast<unsigned>(b[1]));
  w.member("checksum", static_cast<unsigned>(be16_at(b, 2)));
  std::size_t at = 4;
  std::size_t end = std::min<std::size_t>(b.size(), l.length);
  w.key("tlvs");
  w.begin_array();
  while (at + 4 <= end) {
    std::uint16_t type = be16_at(b, at), len = be16_at(b, at + 2);
    if (len < 4 || at + len > end) break;
    Bytes v = b.subspan(at + 4, len - 4u);
    w.begin_object();
    w.member("type", static_cast<unsigned>(type));
    if (const TlvInfo* info = tlv_info(type); info && !info->name.empty()) w.member("name", info->name);
    if (const TlvInfo* info = tlv_info(type); info && (info->kind == Kind::String || info->kind == Kind::Version))
      w.member("value", std::string(v.begin(), v.end()));
    else
      w.member("data", hex_text(v));
    w.end_object();
    at += len;
  }
  w.end_array();
}

}  // namespace netlab::proto
