// BFD: RFC 5880 control packets (version 1, and the version 0 of the early
// drafts) on UDP 3784 (single hop, RFC 5881), 4784 (multihop, RFC 5883)
// and 6784 (LAG members, RFC 7130), their authentication sections (5880
// 4.2-4.4), and echo packets on 3785. The text follows tcpdump 4.99.3's
// print-bfd.c: "BFDv1, Control, State Up, Flags: [none], length: 24" at -n,
// the diagnostic, timers, discriminators and authentication under -v.
#include "proto/proto.hpp"

#include <cstdio>

namespace netlab::proto {
namespace {

constexpr std::uint16_t kControl = 3784, kEcho = 3785, kMultihop = 4784, kLag = 6784;
constexpr std::size_t kHeader = 24;
constexpr std::uint8_t kAuthFlag = 0x04;

constexpr Tok kPorts[] = {{kControl, "Control"}, {kMultihop, "Multihop"}, {kLag, "Lag"}};
constexpr Tok kDiag[] = {{0, "No Diagnostic"},
                         {1, "Control Detection Time Expired"},
                         {2, "Echo Function Failed"},
                         {3, "Neighbor Signaled Session Down"},
                         {4, "Forwarding Plane Reset"},
                         {5, "Path Down"},
                         {6, "Concatenated Path Down"},
                         {7, "Administratively Down"},
                         {8, "Reverse Concatenated Path Down"}};
constexpr Tok kV0Flags[] = {{0x80, "I Hear You"}, {0x40, "Demand"}, {0x20, "Poll"},
                            {0x10, "Final"},      {0x08, "Control Plane Independent"},
                            {kAuthFlag, "Authentication Present"}, {0x02, "Reserved"}, {0x01, "Reserved"}};
constexpr Tok kV1Flags[] = {{0x20, "Poll"},  {0x10, "Final"}, {0x08, "Control Plane Independent"},
                            {kAuthFlag, "Authentication Present"}, {0x02, "Demand"}, {0x01, "Multipoint"}};
constexpr Tok kStates[] = {{0, "AdminDown"}, {1, "Down"}, {2, "Init"}, {3, "Up"}};
constexpr Tok kAuthTypes[] = {{1, "Simple Password"}, {2, "Keyed MD5"}, {3, "Meticulous Keyed MD5"},
                              {4, "Keyed SHA1"},      {5, "Meticulous Keyed SHA1"}};

// tcpdump's bittok2str: the names of the set bits joined by ", ", or "none".
void print_flags(Out& o, std::span<const Tok> table, std::uint8_t flags) {
  bool any = false;
  for (const auto& t : table) {
    if (!(flags & t.value)) continue;
    o << (any ? ", " : "") << t.name;
    any = true;
  }
  if (!any) o << "none";
}

void print_ms(Out& o, std::string_view label, std::uint32_t usecs) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%4u", usecs / 1000);
  o << label << std::string_view(buf) << " ms";
}

// The authentication section after the 24-byte header (RFC 5880 4.2-4.4).
void print_auth(Out& o, Bytes m) {
  sub(m, kHeader, 4);  // tcpdump checks its 4-byte minimum first
  std::uint8_t type = m[kHeader], len = m[kHeader + 1];
  auto name = tok_name(kAuthTypes, type);
  o << "\n\tAuthentication: " << (name.empty() ? std::string_view("Unknown") : name);
  o << " (";
  o.u(type) << "), length: ";
  o.u(len);
  o << "\n\t  Auth Key ID: ";
  o.u(m[kHeader + 2]);
  auto invalid = [&] { o << "[invalid length ", o.u(len) << ']'; };
  switch (type) {
    case 1:  // simple password, 1 to 16 bytes after the 3-byte header
      if (len < 4 || len > 19) return invalid();
      o << ", Password: ";
      for (std::size_t k = 0; k + 3 < len; ++k) print_char(o, sub(m, kHeader + 3 + k, 1)[0]);
      return;
    case 2:
    case 3:
    case 4:
    case 5: {
      bool md5 = type <= 3;
      if (len != (md5 ? 24 : 28)) return invalid();
      std::uint32_t seq = be32_at(m, kHeader + 4);
      o << ", Sequence Number: 0x";
      o.hex(seq, 8);
      Bytes digest = sub(m, kHeader + 8, md5 ? 16 : 20);
      o << (md5 ? "\n\t  Digest: " : "\n\t  Hash: ");
      for (std::uint8_t b : digest) o.hex(b, 2);
      return;
    }
    default: return;
  }
}

}  // namespace

void decode_bfd(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "bfd";
  auto& b = c.d.push<BfdL>();
  b.msg = r.rest();
  b.length = length;
  const auto& u = at<UdpL>(c.d, c.d.size() - 2);
  b.port = u.dport;
  if (b.msg.size() < kHeader) c.d.last()->status = Status::Truncated;  // for JSON; the text stops where tcpdump does
}

void print_bfd(PrintCtx& p, std::size_t i) {
  p.proto = "bfd";
  const auto& b = at<BfdL>(p.d, i);
  Bytes m = b.msg;
  Out& o = p.o;
  const bool verbose = p.opt.verbose > 0;
  auto unknown_data = [&] {
    if (verbose) hex_dump(o, m.first(std::min<std::size_t>(m.size(), b.length)), false);
  };
  if (b.port == kEcho) {
    o << "BFD, Echo, length: ";
    o.u(b.length);
    return unknown_data();
  }
  if (b.port != kControl && b.port != kMultihop && b.port != kLag) {
    o << "BFD, unknown (";
    o.u(b.port) << "), length: ";
    o.u(b.length);
    return unknown_data();
  }
  sub(m, 0, kHeader);  // tcpdump checks the whole header before it prints
  unsigned version = m[0] >> 5, diag = m[0] & 0x1fu;
  std::uint8_t flags = m[1];
  if (version > 1) {
    o << "BFDv";
    o.u(version) << ", Control, length: ";
    o.u(b.length);
    return unknown_data();
  }
  auto port_state_flags = [&] {
    if (version == 0) {
      o << "Control, Flags: [";
      print_flags(o, kV0Flags, flags);
    } else {
      tok_print(o, kPorts, b.port, "unknown (", ")");
      o << ", State ";
      tok_print(o, kStates, flags >> 6, "unknown (", ")");
      o << ", Flags: [";
      print_flags(o, kV1Flags, flags & 0x3f);
    }
    o << ']';
  };
  o << "BFDv";
  o.u(version);
  if (!verbose) {
    o << ", ";
    port_state_flags();
    o << ", length: ";
    o.u(b.length);
    return;
  }
  o << ", length: ";
  o.u(b.length) << "\n\t";
  port_state_flags();
  auto diag_name = tok_name(kDiag, diag);
  o << ", Diagnostic: " << (diag_name.empty() ? std::string_view("unknown") : diag_name);
  o << " (0x";
  o.hex(diag, 2) << ')';
  std::uint32_t tx = be32_at(m, 12);
  o << "\n\tDetection Timer Multiplier: ";
  o.u(m[2]) << " (";
  o.u(static_cast<std::uint32_t>(m[2] * tx) / 1000) << " ms Detection time), BFD Length: ";  // 32-bit, as tcpdump
  o.u(m[3]) << "\n\tMy Discriminator: 0x";
  o.hex(be32_at(m, 4), 8) << ", Your Discriminator: 0x";
  o.hex(be32_at(m, 8), 8);
  print_ms(o, "\n\t  Desired min Tx Interval:    ", tx);
  print_ms(o, "\n\t  Required min Rx Interval:   ", be32_at(m, 16));
  print_ms(o, "\n\t  Required min Echo Interval: ", be32_at(m, 20));
  if (flags & kAuthFlag) print_auth(o, m);
}

}  // namespace netlab::proto

namespace netlab::proto {

// A control packet's fields (state, flags, timers in microseconds); the
// authentication data is left out. Echo packets have no fields of their own.
void json_bfd(JsonWriter& w, const BfdL& l) {
  w.member("layer", "bfd");
  w.member("length", l.length);
  w.member("port", l.port);
  if (l.port == kEcho || l.msg.size() < kHeader) {
    if (l.port != kEcho) w.member("truncated", true);
    return;
  }
  Bytes m = l.msg;
  w.member("version", m[0] >> 5);
  w.member("diagnostic", m[0] & 0x1f);
  if (m[0] >> 5 == 1) {
    w.member("state_code", m[1] >> 6);
    w.member("state", tok_name(kStates, m[1] >> 6));
  }
  w.member("flags", m[1]);
  w.member("detect_multiplier", m[2]);
  w.member("my_discriminator", be32_at(m, 4));
  w.member("your_discriminator", be32_at(m, 8));
  w.member("desired_min_tx_us", be32_at(m, 12));
  w.member("required_min_rx_us", be32_at(m, 16));
  w.member("required_min_echo_rx_us", be32_at(m, 20));
}

}  // namespace netlab::proto
