// VTP (Cisco's VLAN Trunking Protocol) in SNAP with the Cisco OUI and PID
// 0x2003, as tcpdump 4.99.3's print-vtp.c shows it: "VTPv1, Message Summary
// advertisement (0x01), length 77" at -n; from -v the management domain
// and the third header byte (followers or sequence number), then the
// message: a summary's revision, updater, timestamp and MD5 digest; a
// subset's revision and VLAN information fields with their TLVs (one byte
// type and one byte length in 16-bit words); a request's start value.
// Inconsistent lengths print " (invalid)"; the PDU not captured to its
// length ends " [|vtp]" at any verbosity, as tcpdump checks it last.
#include "proto/proto.hpp"

#include <algorithm>

namespace netlab::proto {
namespace {

constexpr std::size_t kHeader = 36, kVlanFixed = 12;

constexpr Tok kMessages[] = {
    {1, "Summary advertisement"}, {2, "Subset advertisement"}, {3, "Advertisement request"}, {4, "Join message"}};
// What the third header byte is, by message type.
constexpr Tok kThirdByte[] = {{1, "Followers"}, {2, "Seq number"}, {3, "Rsvd"}, {4, "Rsvd"}};
constexpr Tok kVlanTypes[] = {{1, "Ethernet"}, {2, "FDDI"}, {3, "TrCRF"}, {4, "FDDI-net"}, {5, "TrBRF"}};
constexpr Tok kVlanStatus[] = {{0, "Operational"}, {1, "Suspended"}};
constexpr Tok kVlanTlvs[] = {{1, "Source-Routing Ring Number TLV"},
                             {2, "Source-Routing Bridge Number TLV"},
                             {3, "STP type TLV"},
                             {4, "Parent VLAN TLV"},
                             {5, "Translationally bridged VLANs TLV"},
                             {6, "Pruning TLV"},
                             {7, "Bridge Type TLV"},
                             {8, "Max ARP Hop Count TLV"},
                             {9, "Max STE Hop Count TLV"},
                             {10, "Backup CRF Mode TLV"}};
constexpr Tok kStpTypes[] = {{1, "SRT"}, {2, "SRB"}, {3, "Auto"}};

struct Invalid {};

// tcpdump's nd_printjzp: at most n characters, up to the first NUL.
void print_jzp(Out& o, Bytes b, std::size_t at, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    std::uint8_t ch = sub(b, at + k, 1)[0];
    if (ch == 0) break;
    print_char(o, ch);
  }
}

// A subset advertisement's VLAN information fields, from `at` to the length.
void print_vlans(Out& o, Bytes b, std::size_t at, std::uint32_t length) {
  while (at < length) {
    unsigned len = sub(b, at, 1)[0];
    if (len == 0) break;
    sub(b, at, len);
    if (len < kVlanFixed) throw Invalid{};
    std::uint8_t status = b[at + 1], type = b[at + 2], name_len = b[at + 3];
    o << "\n\tVLAN info status ";
    name_or(o, kVlanStatus, status, "Unknown") << ", type ";
    name_or(o, kVlanTypes, type, "Unknown") << ", VLAN-id ";
    o.u(be16_at(b, at + 4)) << ", MTU ";
    o.u(be16_at(b, at + 6)) << ", SAID 0x";
    o.hex(be32_at(b, at + 8), 8) << ", Name ";
    len -= kVlanFixed;
    at += kVlanFixed;
    unsigned padded = 4 * ((name_len + 3u) / 4);
    if (len < padded) throw Invalid{};
    print_jzp(o, b, at, name_len);
    len -= padded;
    at += padded;
    while (len != 0) {
      if (len < 2) throw Invalid{};
      std::uint8_t tlv = sub(b, at, 1)[0];
      unsigned tlv_len = sub(b, at + 1, 1)[0];
      o << "\n\t\t";
      name_or(o, kVlanTlvs, tlv, "Unknown") << " (0x";
      o.hex(tlv, 4) << ") TLV";
      if (len < tlv_len * 2 + 2) {
        o << " (TLV goes past the end of the packet)";
        throw Invalid{};
      }
      sub(b, at, tlv_len * 2 + 2);
      if (tlv_len != 1) {
        o << " [TLV length ";
        o.u(tlv_len) << " != 1]";
        throw Invalid{};
      }
      std::uint16_t value = be16_at(b, at + 2);
      switch (tlv) {
        case 9:
          o << ", ";
          o.u(value);
          break;
        case 6:
          o << ", " << (value == 1 ? "Enabled" : "Disabled") << " (";
          o.u(value) << ')';
          break;
        case 3:
          o << ", ";
          name_or(o, kStpTypes, value, "Unknown") << " (";
          o.u(value) << ')';
          break;
        case 7:
          o << ", " << (value == 1 ? "SRB" : "SRT") << " (";
          o.u(value) << ')';
          break;
        case 10:
          o << ", " << (value == 1 ? "Backup" : "Not backup") << " (";
          o.u(value) << ')';
          break;
        default: print_unknown_data(o, b.subspan(at), 2 + tlv_len * 2, "\n\t\t  "); break;
      }
      len -= 2 + tlv_len * 2;
      at += 2 + tlv_len * 2;
    }
  }
}

}  // namespace

void decode_vtp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "vtp";
  auto& l = c.d.push<VtpL>();
  l.pdu = r.rest().first(std::min<std::size_t>(r.remaining(), length));
  l.length = length;
}

void print_vtp(PrintCtx& p, std::size_t i) {
  p.proto = "vtp";
  const auto& l = at<VtpL>(p.d, i);
  Out& o = p.o;
  Bytes b = l.pdu;
  try {
    if (l.length < kHeader) throw Invalid{};
    sub(b, 0, kHeader);
    std::uint8_t type = b[1];
    o << "VTPv";
    o.u(b[0]) << ", Message ";
    name_or(o, kMessages, type, "Unknown message type") << " (0x";
    o.hex(type, 2) << "), length ";
    o.u(l.length);
    if (p.opt.verbose) {
      o << "\n\tDomain name: ";
      unsigned domain_len = b[3];
      if (domain_len < 1 || domain_len > 32) {
        o << " [invalid MgmtD Len ";
        o.u(domain_len) << ']';
        throw Invalid{};
      }
      print_jzp(o, b, 4, domain_len);
      o << ", ";
      name_or(o, kThirdByte, type, "Unknown") << ": ";
      o.u(b[2]);
      std::size_t at = kHeader;
      switch (type) {
        case 1: {
          // Three printf calls in tcpdump, each reading its fields first.
          std::uint32_t rev = be32_at(b, at);
          Bytes updater = sub(b, at + 4, 4);
          o << "\n\t  Config Rev ";
          o.hex(rev) << ", Updater ";
          o.ip4(updater);
          Bytes stamp = sub(b, at + 8, 12);
          o << ", Timestamp 0x";
          o.hex(be32_at(stamp, 0), 8) << " 0x";
          o.hex(be32_at(stamp, 4), 8) << " 0x";
          o.hex(be32_at(stamp, 8), 8);
          Bytes digest = sub(b, at + 20, 16);
          o << ", MD5 digest: ";
          for (std::size_t k = 0; k < 16; k += 4) o.hex(be32_at(digest, k), 8);
          break;
        }
        case 2: {
          std::uint32_t rev = be32_at(b, at);  // read before anything is printed, as tcpdump's GET does
          o << ", Config Rev ";
          o.hex(rev);
          print_vlans(o, b, at + 4, l.length);
          break;
        }
        case 3:
          o << "\n\tStart value: ";
          o.u(be32_at(b, at));
          break;
        default: break;  // join messages: no known format
      }
      return;
    }
  } catch (const Invalid&) {
    o << " (invalid)";
  }
  sub(b, 0, l.length);  // tcpdump's check of the whole PDU
}

// The header and the message's own fields as typed members; a subset's
// VLANs as objects, as far as they were captured and consistent.
void json_vtp(JsonWriter& w, const VtpL& l) {
  w.member("layer", "vtp");
  w.member("length", l.length);
  Bytes b = l.pdu;
  if (b.size() < kHeader || l.length < kHeader) {
    w.member("truncated", true);
    return;
  }
  std::uint8_t type = b[1];
  w.member("version", static_cast<unsigned>(b[0]));
  w.member("message", static_cast<unsigned>(type));
  if (auto name = tok_name(kMessages, type); !name.empty()) w.member("message_name", name);
  unsigned domain_len = std::min<unsigned>(b[3], 32);
  Bytes dom = b.subspan(4, domain_len);
  w.member("domain", std::string(dom.begin(), std::find(dom.begin(), dom.end(), std::uint8_t{0})));
  Bytes m = b.subspan(kHeader);
  switch (type) {
    case 1:
      w.member("followers", static_cast<unsigned>(b[2]));
      if (m.size() < 36) break;
      w.member("config_revision", be32_at(m, 0));
      w.member("updater", ip4_text(m.subspan(4, 4)));
      w.member("md5_digest", hex_text(m.subspan(20, 16)));
      break;
    case 2: {
      w.member("sequence", static_cast<unsigned>(b[2]));
      if (m.size() < 4) break;
      w.member("config_revision", be32_at(m, 0));
      std::size_t at = kHeader + 4, end = std::min<std::size_t>(b.size(), l.length);
      w.key("vlans");
      w.begin_array();
      while (at + kVlanFixed <= end) {
        unsigned len = b[at];
        if (len < kVlanFixed || at + len > end) break;
        unsigned name_len = std::min<unsigned>(b[at + 3], len - kVlanFixed);
        Bytes name = b.subspan(at + kVlanFixed, name_len);
        w.begin_object();
        w.member("status", static_cast<unsigned>(b[at + 1]));
        w.member("type", static_cast<unsigned>(b[at + 2]));
        w.member("vlan_id", static_cast<unsigned>(be16_at(b, at + 4)));
        w.member("mtu", static_cast<unsigned>(be16_at(b, at + 6)));
        w.member("said", be32_at(b, at + 8));
        w.member("name", std::string(name.begin(), std::find(name.begin(), name.end(), std::uint8_t{0})));
        w.end_object();
        at += len;
      }
      w.end_array();
      break;
    }
    case 3:
      if (m.size() >= 4) w.member("start_value", be32_at(m, 0));
      break;
    default: break;
  }
}

}  // namespace netlab::proto
