// CFM: IEEE 802.1ag Connectivity Fault Management (IEEE 802.1Q-2014
// clause 21), ethertype 0x8902 (and 0xabcd, the pre-standard "CFM (old)").
// The text follows tcpdump 4.99.3's print-cfm.c: "CFMv0 <opcode>, MD Level
// N, length L" at -n; from -v the first TLV offset, the opcode's fixed part
// (CCM: interval, sequence, MEP id, MD and MA names; LTM and LTR: the
// transaction id, TTL and MACs or relay action; others in hex up to the
// TLVs), then each TLV (port and interface status, organization-specific
// OUI, sender ID with its chassis ID and management address), the value in
// hex where tcpdump has no decoder or at -vv. A length that cannot hold
// what the header promises prints "packet is too short", as tcpdump does.
#include "proto/proto.hpp"

#include <fmt/format.h>

namespace netlab::proto {
namespace {

constexpr std::size_t kHeader = 4, kCcm = 70, kLtm = 17, kLtr = 6;

// tcpdump 4.99.3's cfm_opcode_values.
constexpr Tok kOpcodes[] = {{1, "Continuity Check Message"},
                            {2, "Loopback Reply"},
                            {3, "Loopback Message"},
                            {4, "Linktrace Reply"},
                            {5, "Linktrace Message"}};
constexpr Tok kMdFormats[] = {{0, "IEEE 802.1"},
                              {1, "No MD Name present"},
                              {2, "DNS string"},
                              {3, "MAC + 16Bit Integer"},
                              {4, "Character string"}};
constexpr Tok kMaFormats[] = {
    {0, "IEEE 802.1"}, {1, "Primary VID"}, {2, "Character string"}, {3, "16Bit Integer"}, {4, "RFC2685 VPN-ID"}};
constexpr Tok kLtmFlags[] = {{0x80, "Use Forwarding-DB only"}};
constexpr Tok kLtrFlags[] = {{0x80, "UseFDB Only"}, {0x40, "FwdYes"}, {0x20, "Terminal MEP"}};
constexpr Tok kRelayActions[] = {{1, "Exact Match"}, {2, "Filtering DB"}, {3, "MIP CCM DB"}};
constexpr Tok kTlvs[] = {{0, "End"},  {1, "Sender ID"},     {2, "Port status"},   {3, "Interface status"},
                         {4, "Data"}, {5, "Reply Ingress"}, {6, "Reply Egress"}, {31, "Organization Specific"}};
constexpr Tok kPortStatus[] = {{1, "Blocked"}, {2, "Up"}};
constexpr Tok kInterfaceStatus[] = {{1, "Up"},      {2, "Down"},        {3, "Testing"},
                                    {5, "Dormant"}, {6, "not present"}, {7, "lower Layer down"}};
constexpr Tok kChassisIdTypes[] = {{0, "Reserved"},         {1, "Chassis component"}, {2, "Interface alias"},
                                   {3, "Port component"},   {4, "MAC address"},       {5, "Network address"},
                                   {6, "Interface name"},   {7, "Locally assigned"}};
// tcpdump's ccm_interval_base, single-precision as there.
constexpr float kIntervalBase[8] = {0, 0.003333f, 0.01f, 0.1f, 1, 10, 60, 600};

// tcpdump's "\n\t\t packet is too short".
struct TooShort {};

// tcpdump's nd_printjnp: at most n characters, up to the first NUL.
void print_jnp(Out& o, Bytes b, std::size_t at, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    std::uint8_t ch = sub(b, at + k, 1)[0];
    if (ch == 0) break;
    print_char(o, ch);
  }
}

// tcpdump's hex_print: the whole span must be captured (it reads each byte).
void hex_lines(Out& o, Bytes b, std::size_t at, std::size_t n, std::string_view indent) {
  print_unknown_data(o, sub(b, at, n), n, indent);
}

// cfm_network_addr_print: true when the caller should add a hex dump.
bool print_network_addr(Out& o, Bytes b, std::size_t at, std::size_t length) {
  if (length < 1) {
    o << "\n\t  Network Address Type (invalid, no data";
    return false;
  }
  std::uint8_t af = sub(b, at, 1)[0];
  o << "\n\t  Network Address Type ";
  name_or(o, address_families(), af, "Unknown") << " (";
  o.u(af) << ')';
  if (af == 1) {
    if (length != 5) {
      o << "(invalid IPv4 address length ";
      o.u(length - 1) << ')';
      return true;
    }
    o << ", ";
    o.ip4(sub(b, at + 1, 4));
    return false;
  }
  if (af == 2) {
    if (length != 17) {
      o << "(invalid IPv6 address length ";
      o.u(length - 1) << ')';
      return true;
    }
    o << ", ";
    o.ip6(sub(b, at + 1, 16));
    return false;
  }
  return true;
}

void print_flag_names(Out& o, std::span<const Tok> table, std::uint8_t flags) {
  o << ", Flags [";
  print_bit_names(o, table, flags, "none");
  o << ']';
}

// The CCM's fixed part: false where tcpdump stops printing.
bool print_ccm(Out& o, Bytes b, std::uint8_t flags) {
  unsigned interval = flags & 0x07;
  o << ", Flags [CCM Interval ";
  o.u(interval) << (flags & 0x80 ? ", RDI" : "") << ']';
  if (interval) {
    float base = kIntervalBase[interval];
    o << fmt::format("\n\t  CCM Interval {:.3f}s, min CCM Lifetime {:.3f}s, max CCM Lifetime {:.3f}s", double(base),
                     base * 3.25, base * 3.5);
  }
  o << "\n\t  Sequence Number 0x";
  o.hex(be32_at(b, kHeader), 8) << ", MA-End-Point-ID 0x";
  o.hex(be16_at(b, kHeader + 4), 4);
  std::size_t at = kHeader + 6;  // the 48 bytes of names
  unsigned remaining = 48;
  std::uint8_t md_format = b[at++];
  --remaining;
  if (md_format != 1) {
    std::uint8_t md_len = b[at++];
    --remaining;
    o << "\n\t  MD Name Format ";
    name_or(o, kMdFormats, md_format, "Unknown") << " (";
    o.u(md_format) << "), MD Name length ";
    o.u(md_len);
    if (md_len > remaining - 3) {
      o << " (too large, must be <= ";
      o.u(remaining - 2) << ')';
      return false;
    }
    o << "\n\t  MD Name: ";
    switch (md_format) {
      case 2:
      case 4: print_jnp(o, b, at, md_len); break;
      case 3:
        if (md_len == 6) {
          o << "\n\t  MAC ";
          o.mac(sub(b, at, 6));
        } else {
          o << "\n\t  MAC (length invalid)";
        }
        break;
      default: print_unknown_data(o, b.subspan(at), md_len, "\n\t    "); break;
    }
    at += md_len;
    remaining -= md_len;
  } else {
    o << "\n\t  MD Name Format ";
    name_or(o, kMdFormats, md_format, "Unknown") << " (";
    o.u(md_format) << ')';
  }
  std::uint8_t ma_format = b[at++];
  std::uint8_t ma_len = b[at++];
  remaining -= 2;
  o << "\n\t  MA Name-Format ";
  name_or(o, kMaFormats, ma_format, "Unknown") << " (";
  o.u(ma_format) << "), MA name length ";
  o.u(ma_len);
  if (ma_len > remaining) {
    o << " (too large, must be <= ";
    o.u(remaining) << ')';
    return false;
  }
  o << "\n\t  MA Name: ";
  if (ma_format == 2) print_jnp(o, b, at, ma_len);
  else print_unknown_data(o, b.subspan(at), ma_len, "\n\t    ");
  return true;
}

// The Sender ID TLV's value (tcpdump's CFM_TLV_SENDER_ID case). tptr and
// tlen are the loop's cursor and what is left, moved as tcpdump moves them;
// len the TLV length left. Returns: 0 go on (hexdump per `hexdump`),
// 1 skip to the next TLV, 2 stop.
int print_sender_id(Out& o, Bytes b, std::size_t& tptr, std::uint32_t& tlen, std::uint32_t& len, bool& hexdump) {
  if (len < 1) {
    o << " (too short, must be >= 1)";
    return 1;
  }
  unsigned chassis_len = sub(b, tptr, 1)[0];
  ++tptr, --tlen, --len;
  if (chassis_len) {
    if (len < 1) {
      o << "\n\t  (TLV too short)";
      return 1;
    }
    std::uint8_t chassis_type = sub(b, tptr, 1)[0];
    --len;  // tcpdump does not move its cursor past the subtype here
    o << "\n\t  Chassis-ID Type ";
    name_or(o, kChassisIdTypes, chassis_type, "Unknown") << " (";
    o.u(chassis_type) << "), Chassis-ID length ";
    o.u(chassis_len);
    if (len < chassis_len) {
      o << "\n\t  (TLV too short)";
      return 1;
    }
    switch (chassis_type) {
      case 4:
        if (chassis_len != 6) {
          o << " (invalid MAC address length)";
          hexdump = true;
          break;
        }
        o << "\n\t  MAC ";
        o.mac(sub(b, tptr + 1, 6));
        break;
      case 5: hexdump |= print_network_addr(o, b, tptr + 1, chassis_len); break;
      case 1:
      case 2:
      case 3:
      case 6:
      case 7: print_jnp(o, b, tptr + 1, chassis_len); break;
      default: hexdump = true; break;
    }
    len -= chassis_len;
    tptr += 1 + chassis_len;
    tlen -= 1 + chassis_len;
  }
  if (len == 0) return 0;
  unsigned domain_len = sub(b, tptr, 1)[0];
  ++tptr, --tlen, --len;
  o << "\n\t  Management Address Domain Length ";
  o.u(domain_len);
  if (!domain_len) return 0;
  if (len < domain_len) {
    o << "\n\t  (TLV too short)";
    return 1;
  }
  len -= domain_len;
  hex_lines(o, b, tptr, domain_len, "\n\t  Management Address Domain: ");
  tptr += domain_len;
  tlen -= domain_len;
  if (len < 1) {
    o << " (Management Address Length is missing)";
    hexdump = true;
    return 0;
  }
  unsigned addr_len = sub(b, tptr, 1)[0];
  ++tptr, --tlen, --len;
  o << "\n\t  Management Address Length ";
  o.u(addr_len);
  if (addr_len) {
    if (len < addr_len) {
      o << "\n\t  (TLV too short)";
      return 2;
    }
    len -= addr_len;
    hex_lines(o, b, tptr, addr_len, "\n\t  Management Address: ");
    tptr += addr_len;
    tlen -= addr_len;
  }
  return 0;
}

// The TLVs from TPTR for TLEN bytes, to the End TLV or the first bad one.
void print_tlvs(PrintCtx& p, Bytes b, std::size_t tptr, std::uint32_t tlen) {
  Out& o = p.o;
  while (tlen > 0) {
    std::uint8_t type = sub(b, tptr, 1)[0];
    o << "\n\t";
    name_or(o, kTlvs, type, "Unknown") << " TLV (0x";
    o.hex(type, 2) << ')';
    if (type == 0) return;  // End: no length field
    if (tlen < 3) throw TooShort{};
    std::uint32_t len = be16_at(b, tptr + 1);
    o << ", length ";
    o.u(len);
    tptr += 3;
    tlen -= 3;
    std::size_t value = tptr;
    if (tlen < len) throw TooShort{};
    sub(b, tptr, len);
    bool hexdump = false;
    switch (type) {
      case 2:
      case 3:
        if (len < 1) {
          o << " (too short, must be >= 1)";
          return;
        }
        o << ", Status: ";
        name_or(o, type == 2 ? std::span<const Tok>(kPortStatus) : std::span<const Tok>(kInterfaceStatus), b[tptr],
                "Unknown")
            << " (";
        o.u(b[tptr]) << ')';
        break;
      case 31: {
        if (len < 4) {
          o << " (too short, must be >= 4)";
          return;
        }
        std::uint32_t oui = std::uint32_t(b[tptr]) << 16 | std::uint32_t(b[tptr + 1]) << 8 | b[tptr + 2];
        o << ", Vendor: ";
        if (auto name = oui_name(oui); !name.empty()) o << name;
        else o << "Unknown";
        o << " (";
        o.u(oui) << "), Sub-Type ";
        o.u(b[tptr + 3]);
        hexdump = true;
        break;
      }
      case 1: {
        int next = print_sender_id(o, b, tptr, tlen, len, hexdump);
        if (next == 2) return;
        if (next == 1) {
          tptr += len;
          tlen -= len;
          continue;
        }
        break;
      }
      default: hexdump = true; break;
    }
    if (hexdump || p.opt.verbose > 1) print_unknown_data(o, b.subspan(value), len, "\n\t  ");
    tptr += len;
    tlen -= len;
  }
}

void print_body(PrintCtx& p, Bytes b, std::uint32_t length) {
  Out& o = p.o;
  if (length < kHeader) throw TooShort{};
  sub(b, 0, kHeader);
  std::uint8_t first = b[0], opcode = b[1], flags = b[2], first_tlv = b[3];
  if ((first & 0x1f) != 0) {
    o << "CFMv";
    o.u(first & 0x1f) << " not supported, length ";
    o.u(length);
    return;
  }
  o << "CFMv0 ";
  tok_print(o, kOpcodes, opcode, "unknown (", ")") << ", MD Level ";
  o.u(first >> 5) << ", length ";
  o.u(length);
  if (!p.opt.verbose) return;
  o << "\n\tFirst TLV offset ";
  o.u(first_tlv);
  std::uint32_t tlen = length - kHeader;
  if (first_tlv > tlen) {
    o << " (too large, must be <= ";
    o.u(tlen) << ')';
    return;
  }
  auto fixed_part = [&](std::size_t size, int n) {
    if (first_tlv < size) {
      o << " (too small " << char('0' + n) << ", must be >= ";
      o.u(size) << ')';
      return false;
    }
    if (tlen < size) throw TooShort{};
    sub(b, kHeader, size);
    return true;
  };
  switch (opcode) {
    case 1:
      if (!fixed_part(kCcm, 1)) return;
      if (!print_ccm(o, b, flags)) return;
      break;
    case 5:
      if (!fixed_part(kLtm, 4)) return;
      print_flag_names(o, kLtmFlags, flags);
      o << "\n\t  Transaction-ID 0x";
      o.hex(be32_at(b, kHeader), 8) << ", ttl ";
      o.u(b[kHeader + 4]) << "\n\t  Original-MAC ";
      o.mac(b.subspan(kHeader + 5, 6)) << ", Target-MAC ";
      o.mac(b.subspan(kHeader + 11, 6));
      break;
    case 4:
      if (!fixed_part(kLtr, 5)) return;
      print_flag_names(o, kLtrFlags, flags);
      o << "\n\t  Transaction-ID 0x";
      o.hex(be32_at(b, kHeader), 8) << ", ttl ";
      o.u(b[kHeader + 4]) << "\n\t  Replay-Action ";
      name_or(o, kRelayActions, b[kHeader + 5], "Unknown") << " (";
      o.u(b[kHeader + 5]) << ')';
      break;
    default: print_unknown_data(o, b.subspan(kHeader), tlen - first_tlv, "\n\t  "); break;
  }
  print_tlvs(p, b, kHeader + first_tlv, tlen - first_tlv);
}

}  // namespace

void decode_cfm(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "cfm";
  auto& l = c.d.push<CfmL>();
  l.pdu = r.rest().first(std::min<std::size_t>(r.remaining(), length));
  l.length = length;
}

void print_cfm(PrintCtx& p, std::size_t i) {
  p.proto = "cfm";
  const auto& l = at<CfmL>(p.d, i);
  try {
    print_body(p, l.pdu, l.length);
  } catch (const TooShort&) {
    p.o << "\n\t\t packet is too short";
  }
}

// The common header and the opcode's fixed part as typed members, and the
// TLVs as far as they were captured within the length.
void json_cfm(JsonWriter& w, const CfmL& l) {
  w.member("layer", "cfm");
  w.member("length", l.length);
  Bytes b = l.pdu;
  if (b.size() < kHeader || l.length < kHeader) {
    w.member("truncated", true);
    return;
  }
  std::uint8_t opcode = b[1], first_tlv = b[3];
  w.member("version", static_cast<unsigned>(b[0] & 0x1f));
  w.member("md_level", static_cast<unsigned>(b[0] >> 5));
  w.member("opcode", static_cast<unsigned>(opcode));
  if (auto name = tok_name(kOpcodes, opcode); !name.empty()) w.member("opcode_name", name);
  w.member("flags", static_cast<unsigned>(b[2]));
  w.member("first_tlv_offset", static_cast<unsigned>(first_tlv));
  if (b[0] & 0x1f) return;
  Bytes body = b.subspan(kHeader);
  if (opcode == 1 && first_tlv >= kCcm && body.size() >= kCcm) {
    w.member("ccm_interval", static_cast<unsigned>(b[2] & 0x07));
    w.member("rdi", (b[2] & 0x80) != 0);
    w.member("sequence", be32_at(body, 0));
    w.member("mep_id", static_cast<unsigned>(be16_at(body, 4)));
    w.member("md_name_format", static_cast<unsigned>(body[6]));
  } else if ((opcode == 4 || opcode == 5) && first_tlv >= (opcode == 5 ? kLtm : kLtr) &&
             body.size() >= (opcode == 5 ? kLtm : kLtr)) {
    w.member("transaction_id", be32_at(body, 0));
    w.member("ttl", static_cast<unsigned>(body[4]));
    if (opcode == 5) {
      w.member("original_mac", mac_text(body.subspan(5, 6)));
      w.member("target_mac", mac_text(body.subspan(11, 6)));
    } else {
      w.member("relay_action", static_cast<unsigned>(body[5]));
    }
  }
  std::size_t end = std::min<std::size_t>(b.size(), l.length);
  std::size_t at = kHeader + first_tlv;
  w.key("tlvs");
  w.begin_array();
  while (at < end) {
    std::uint8_t type = b[at];
    w.begin_object();
    w.member("type", static_cast<unsigned>(type));
    if (auto name = tok_name(kTlvs, type); !name.empty()) w.member("name", name);
    if (type == 0) {
      w.end_object();
      break;
    }
    if (at + 3 > end) {
      w.member("truncated", true);
      w.end_object();
      break;
    }
    std::size_t len = be16_at(b, at + 1);
    w.member("length", static_cast<unsigned>(len));
    if (at + 3 + len > end) {
      w.member("truncated", true);
      w.end_object();
      break;
    }
    Bytes v = b.subspan(at + 3, len);
    if ((type == 2 || type == 3) && !v.empty()) w.member("status", static_cast<unsigned>(v[0]));
    else if (type == 31 && v.size() >= 4) {
      w.member("oui", std::uint32_t(v[0]) << 16 | std::uint32_t(v[1]) << 8 | v[2]);
      w.member("subtype", static_cast<unsigned>(v[3]));
    } else {
      if (type == 1 && !v.empty()) {  // sender ID: the chassis ID when it fits the TLV
        std::size_t clen = v[0];
        w.member("chassis_id_length", static_cast<unsigned>(clen));
        if (clen && v.size() >= 2 + clen) {
          w.member("chassis_id_subtype", static_cast<unsigned>(v[1]));
          Bytes id = v.subspan(2, clen);
          w.member("chassis_id", v[1] == 4 && clen == 6 ? mac_text(id) : hex_text(id));
        }
      }
      w.member("value", hex_text(v));
    }
    w.end_object();
    at += 3 + len;
  }
  w.end_array();
}

}  // namespace netlab::proto
