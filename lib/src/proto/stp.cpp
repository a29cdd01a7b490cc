// Spanning tree BPDUs: IEEE 802.1D-2004 clause 9 (STP configuration and
// topology change BPDUs, RSTP BPDUs), IEEE 802.1Q-2018 clause 14 (MSTP:
// the MST configuration identifier, CIST fields and MSTI configuration
// messages) and 802.1aq (SPB, the version 4 part). The text follows tcpdump
// 4.99.3's print-stp.c: each printed group is read whole first, so a
// truncated BPDU stops between groups (" [|stp]"); a length too short for
// its type is " (invalid)".
#include "proto/proto.hpp"

#include <cstdio>

namespace netlab::proto {
namespace {

constexpr std::uint8_t kStp = 0, kRstp = 2, kMstp = 3, kSpb = 4;
constexpr std::uint8_t kConfig = 0x00, kRst = 0x02, kTcn = 0x80;

// Offsets in a BPDU (802.1D 9.3, 802.1Q 14.6).
constexpr std::size_t kFlags = 4, kRootId = 5, kRootCost = 13, kBridgeId = 17, kPortId = 25, kMsgAge = 27,
                      kV1Length = 35, kV1Size = 36, kV3Length = 36, kMcidName = 39, kMcidRev = 71, kMcidDigest = 73,
                      kCistIntCost = 89, kCistBridgeId = 93, kCistHops = 101, kMstiStart = 102, kMstiSize = 16,
                      kMcidInfoSize = 64;
// The 802.1aq part, from its v4 length field.
constexpr std::size_t kSpbName = 3, kSpbRev = 35, kSpbDigest = 37, kSpbAgreement = 53, kSpbFormat = 55,
                      kSpbConvention = 56, kSpbEdge = 57, kSpbAgreementDigest = 67, kSpbMinSize = 87;

constexpr Tok kVersions[] = {{kStp, "802.1d"}, {kRstp, "802.1w"}, {kMstp, "802.1s"}, {kSpb, "802.1aq"}};
constexpr Tok kTypes[] = {{kConfig, "Config"}, {kRst, "Rapid STP"}, {kTcn, "Topology Change"}};
constexpr Tok kFlagBits[] = {{0x01, "Topology change"}, {0x02, "Proposal"},  {0x10, "Learn"},
                             {0x20, "Forward"},         {0x40, "Agreement"}, {0x80, "Topology change ACK"}};
constexpr Tok kRoles[] = {{0, "Unknown"}, {1, "Alternate"}, {2, "Root"}, {3, "Designated"}};

std::uint8_t role_of(std::uint8_t flags) { return (flags & 0x0c) >> 2; }

// tcpdump's bittok2str: the names of the set bits, ", "-separated, or "none".
void print_flags(Out& o, std::uint8_t flags) {
  bool any = false;
  for (const auto& t : kFlagBits) {
    if (!(flags & t.value)) continue;
    o << (any ? ", " : "") << t.name;
    any = true;
  }
  if (!any) o << "none";
}

std::uint8_t u8_at(Bytes b, std::size_t off) { return sub(b, off, 1)[0]; }

// "8000.00:11:22:33:44:55": priority and system id extension, then the MAC.
void bridge_id(Out& o, Bytes id) {
  o.hex(id[0], 2).hex(id[1], 2) << '.';
  o.mac(id.subspan(2, 6));
}
std::string bridge_id_text(Bytes id) {
  std::string s;
  Out o(s);
  bridge_id(o, id);
  return s;
}

// The four timers in 1/256 s, as tcpdump's "%.2fs" of a float.
void timers(Out& o, Bytes t) {
  char buf[160];
  auto sec = [&](std::size_t k) { return static_cast<double>(static_cast<float>(t[k] << 8 | t[k + 1]) / 256); };
  std::snprintf(buf, sizeof buf, "\n\tmessage-age %.2fs, max-age %.2fs, hello-time %.2fs, forwarding-delay %.2fs",
                sec(0), sec(2), sec(4), sec(6));
  o << std::string_view(buf);
}

// tcpdump's nd_printjzp: up to n characters, stopping at a NUL; a read
// past the capture ends the packet after what was printed.
void print_zp(Out& o, Bytes b, std::size_t off, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    std::uint8_t c = u8_at(b, off + k);
    if (c == 0) break;
    print_char(o, c);
  }
}

void print_config(PrintCtx& p, Bytes b, std::uint32_t length, std::uint8_t version) {
  Out& o = p.o;
  std::uint8_t flags = u8_at(b, kFlags);
  o << ", Flags [";
  print_flags(o, flags);
  o << ']';
  Bytes id = sub(b, kBridgeId, 8);
  std::uint16_t port = be16_at(b, kPortId);
  o << ", bridge-id ";
  bridge_id(o, id);
  o << '.';
  o.hex(port, 4) << ", length ";
  o.u(length);
  if (!p.opt.verbose) return;
  timers(o, sub(b, kMsgAge, 8));
  Bytes root = sub(b, kRootId, 8);
  o << "\n\troot-id ";
  bridge_id(o, root);
  o << ", root-pathcost ";
  o.u(be32_at(b, kRootCost));
  if (version == kRstp) {
    o << ", port-role ";
    tok_print(o, kRoles, role_of(flags), "Unknown");
  }
}

void print_mstp(PrintCtx& p, Bytes b, std::uint32_t length) {
  Out& o = p.o;
  std::uint8_t flags = u8_at(b, kFlags);
  o << ", CIST Flags [";
  print_flags(o, flags);
  o << "], length ";
  o.u(length);
  if (!p.opt.verbose) return;
  o << "\n\tport-role ";
  tok_print(o, kRoles, role_of(flags), "Unknown") << ", ";
  Bytes root = sub(b, kRootId, 8);
  std::uint32_t cost = be32_at(b, kRootCost);
  o << "CIST root-id ";
  bridge_id(o, root);
  o << ", CIST ext-pathcost ";
  o.u(cost);
  Bytes regional = sub(b, kBridgeId, 8);
  o << "\n\tCIST regional-root-id ";
  bridge_id(o, regional);
  o << ", ";
  std::uint16_t port = be16_at(b, kPortId);
  o << "CIST port-id ";
  o.hex(port, 4) << ',';
  timers(o, sub(b, kMsgAge, 8));
  std::uint16_t v3len = be16_at(b, kV3Length);
  o << "\n\tv3len ";
  o.u(v3len) << ", MCID Name ";
  print_zp(o, b, kMcidName, 32);
  std::uint16_t rev = be16_at(b, kMcidRev);
  Bytes digest = sub(b, kMcidDigest, 16);
  o << ", rev ";
  o.u(rev) << ",\n\t\tdigest ";
  for (auto c : digest) o.hex(c, 2);
  o << ", ";
  std::uint32_t int_cost = be32_at(b, kCistIntCost);  // each group is read whole before it prints
  o << "CIST int-root-pathcost ";
  o.u(int_cost) << ',';
  Bytes cist = sub(b, kCistBridgeId, 8);
  o << "\n\tCIST bridge-id ";
  bridge_id(o, cist);
  o << ", ";
  std::uint8_t hops = u8_at(b, kCistHops);
  o << "CIST remaining-hops ";
  o.u(hops);
  if (v3len <= kMcidInfoSize) return;
  std::size_t left = v3len - kMcidInfoSize;
  for (std::size_t off = kMstiStart; left >= kMstiSize; off += kMstiSize, left -= kMstiSize) {
    std::uint16_t msti = be16_at(b, off + 1) & 0x0fff;
    std::uint8_t mflags = u8_at(b, off);
    o << "\n\tMSTI ";
    o.u(msti) << ", Flags [";
    print_flags(o, mflags);
    o << "], port-role ";
    tok_print(o, kRoles, role_of(mflags), "Unknown");
    Bytes mroot = sub(b, off + 1, 8);
    std::uint32_t mcost = be32_at(b, off + 9);
    o << "\n\t\tMSTI regional-root-id ";
    bridge_id(o, mroot);
    o << ", pathcost ";
    o.u(mcost);
    Bytes tail = sub(b, off + 13, 3);
    o << "\n\t\tMSTI bridge-prio ";
    o.u(tail[0] >> 4) << ", port-prio ";
    o.u(tail[1] >> 4) << ", hops ";
    o.u(tail[2]);
  }
}

void print_spb(PrintCtx& p, Bytes b, std::size_t at) {
  if (!p.opt.verbose) return;
  Out& o = p.o;
  o << "\n\tv4len ";
  o.u(be16_at(b, at)) << ", AUXMCID Name ";
  print_zp(o, b, at + kSpbName, 32);
  std::uint16_t rev = be16_at(b, at + kSpbRev);
  Bytes digest = sub(b, at + kSpbDigest, 16);
  o << ", Rev ";
  o.u(rev) << ",\n\t\tdigest ";
  for (auto c : digest) o.hex(c, 2);
  Bytes agreement = sub(b, at + kSpbAgreement, kSpbAgreementDigest + 20 - kSpbAgreement);
  std::uint8_t a = agreement[0];
  std::uint8_t fmt = agreement[kSpbFormat - kSpbAgreement], conv = agreement[kSpbConvention - kSpbAgreement];
  o << "\n\tAgreement num ";
  o.u(a >> 6) << ", Discarded Agreement num ";
  o.u((a >> 4) & 3) << ", Agreement valid-flag ";
  o.u((a >> 3) & 1) << ",\n\tRestricted role-flag: ";
  o.u((a >> 2) & 1) << ", Format id ";
  o.u(fmt >> 4) << " cap ";
  o.u(fmt) << ", Convention id ";
  o.u(conv >> 4) << " cap ";
  o.u(conv) << ",\n\tEdge count ";
  o.u(be16_at(agreement, kSpbEdge - kSpbAgreement)) << ", Agreement digest ";
  for (auto c : agreement.subspan(kSpbAgreementDigest - kSpbAgreement, 20)) o.hex(c, 2);
}

}  // namespace

void decode_stp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "stp";
  auto& s = c.d.push<StpL>({r.rest().first(std::min<std::size_t>(r.remaining(), length)), length});
  if (s.bpdu.size() < length) c.d.last()->status = Status::Truncated;  // for JSON; the text stops where tcpdump does
}

void print_stp(PrintCtx& p, std::size_t i) {
  p.proto = "stp";
  const auto& s = at<StpL>(p.d, i);
  Out& o = p.o;
  Bytes b = s.bpdu;
  std::uint32_t length = s.length;
  auto invalid = [&] { o << " (invalid)"; };
  if (length < 4) return invalid();
  if (be16_at(b, 0) != 0) {
    o << "unknown STP version, length ";
    o.u(length);
    return;
  }
  std::uint8_t version = u8_at(b, 2);
  o << "STP ";
  if (auto name = tok_name(kVersions, version); !name.empty()) {
    o << name;
  } else {
    o << "Unknown STP protocol (0x";
    o.hex(version, 2) << ')';
    return;
  }
  std::uint8_t type = u8_at(b, 3);
  o << ", ";
  if (auto name = tok_name(kTypes, type); !name.empty()) o << name;
  else o << "Unknown BPDU Type (0x", o.hex(type, 2) << ')';
  switch (type) {
    case kConfig:
      if (length < kV1Size - 1) return invalid();
      print_config(p, b, length, version);
      return;
    case kRst:
      if (version == kRstp) {
        if (length < kV1Size) return invalid();
        print_config(p, b, length, version);
        return;
      }
      if (version != kMstp && version != kSpb) return;
      if (length < kMstiStart) return invalid();
      if (u8_at(b, kV1Length) != 0) return invalid();
      {
        std::size_t mstp_len = be16_at(b, kV3Length) + 2u;
        if (length < kV1Size + mstp_len) return invalid();
        print_mstp(p, b, length);
        if (version != kSpb) return;
        std::size_t spb_len = be16_at(b, kV3Length + mstp_len) + 2u;
        if (length < kV1Size + mstp_len + spb_len || spb_len < kSpbMinSize) return invalid();
        print_spb(p, b, kV1Size + mstp_len);
      }
      return;
    default:
      return;
  }
}

}  // namespace netlab::proto

namespace netlab::proto {

// Typed members: the version and type by name, the flags as booleans, the
// port role, the root and bridge identifiers, the timers in seconds, and the
// MSTI messages as objects. A field not captured is left out ("truncated").
void json_stp(JsonWriter& w, const StpL& l) {
  w.member("layer", "stp");
  w.member("length", l.length);
  Bytes b = l.bpdu;
  try {
    w.member("protocol_id", be16_at(b, 0));
    std::uint8_t version = u8_at(b, 2);
    w.member("version", version);
    if (auto name = tok_name(kVersions, version); !name.empty()) w.member("protocol", name);
    std::uint8_t type = u8_at(b, 3);
    w.member("bpdu_type", type);
    if (auto name = tok_name(kTypes, type); !name.empty()) w.member("bpdu", name);
    if (type == kTcn) return;
    std::uint8_t flags = u8_at(b, kFlags);
    w.member("flags", flags);
    w.member("topology_change", (flags & 0x01) != 0);
    w.member("topology_change_ack", (flags & 0x80) != 0);
    if (version >= kRstp) {
      w.member("proposal", (flags & 0x02) != 0);
      w.member("learning", (flags & 0x10) != 0);
      w.member("forwarding", (flags & 0x20) != 0);
      w.member("agreement", (flags & 0x40) != 0);
      w.member("port_role", tok_name(kRoles, role_of(flags)));
    }
    w.member("root_id", bridge_id_text(sub(b, kRootId, 8)));
    w.member("root_path_cost", be32_at(b, kRootCost));
    w.member("bridge_id", bridge_id_text(sub(b, kBridgeId, 8)));
    w.member("port_id", be16_at(b, kPortId));
    Bytes t = sub(b, kMsgAge, 8);
    auto sec = [&](std::size_t k) { return (t[k] << 8 | t[k + 1]) / 256.0; };
    w.member("message_age", sec(0));
    w.member("max_age", sec(2));
    w.member("hello_time", sec(4));
    w.member("forward_delay", sec(6));
    if (version < kMstp || type != kRst) return;
    std::uint16_t v3len = be16_at(b, kV3Length);
    w.member("v3_length", v3len);
    Bytes name = sub(b, kMcidName, 32);
    std::string text;
    for (auto c : name) {
      if (c == 0) break;
      text.push_back(static_cast<char>(c));
    }
    w.member("mst_config_name", text);
    w.member("mst_config_revision", be16_at(b, kMcidRev));
    w.member("mst_config_digest", hex_text(sub(b, kMcidDigest, 16)));
    w.member("cist_internal_root_path_cost", be32_at(b, kCistIntCost));
    w.member("cist_bridge_id", bridge_id_text(sub(b, kCistBridgeId, 8)));
    w.member("cist_remaining_hops", u8_at(b, kCistHops));
    w.key("mstis");
    w.begin_array();
    std::size_t left = v3len > kMcidInfoSize ? v3len - kMcidInfoSize : 0;
    std::size_t off = kMstiStart;
    for (; left >= kMstiSize && off + kMstiSize <= b.size(); off += kMstiSize, left -= kMstiSize) {
      Bytes m = b.subspan(off, kMstiSize);
      w.begin_object();
      w.member("msti", (m[1] << 8 | m[2]) & 0x0fff);
      w.member("flags", m[0]);
      w.member("port_role", tok_name(kRoles, role_of(m[0])));
      w.member("regional_root_id", bridge_id_text(m.subspan(1, 8)));
      w.member("internal_root_path_cost", be32_at(m, 9));
      w.member("bridge_priority", m[13] >> 4);
      w.member("port_priority", m[14] >> 4);
      w.member("remaining_hops", m[15]);
      w.end_object();
    }
    w.end_array();
    if (left >= kMstiSize) w.member("mstis_truncated", true);
  } catch (const Truncated&) {
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
