// EIGRP: Cisco's Enhanced Interior Gateway Routing Protocol (RFC 7868),
// IP protocol 88. The text follows tcpdump 4.99.3's print-eigrp.c: at -n
// "EIGRP Hello, length: 40"; from -v the common header on two lines and
// each TLV (general parameters, software version, IPv4 internal and
// external routes, AppleTalk cable setup and routes; the others as hex),
// with a hex dump of every TLV from -vv. A TLV whose length is below its
// header or past the message ends the text with a hex dump of the rest; one
// not captured whole is " [|eigrp]".
#include "proto/proto.hpp"

#include <string>

namespace netlab::proto {
namespace {

constexpr Tok kOpcodes[] = {{1, "Update"}, {3, "Query"}, {4, "Reply"}, {5, "Hello"}, {6, "IPX SAP"}, {7, "Probe"}};

constexpr Tok kFlags[] = {{0x01, "Init"}, {0x02, "Conditionally Received"}, {0x04, "Restart"}, {0x08, "End-of-Table"}};

constexpr Tok kTlvs[] = {{0x0001, "General Parameters"},
                         {0x0002, "Authentication"},
                         {0x0003, "Sequence"},
                         {0x0004, "Software Version"},
                         {0x0005, "Next Multicast Sequence"},
                         {0x0102, "IP Internal routes"},
                         {0x0103, "IP External routes"},
                         {0x0202, "AppleTalk Internal routes"},
                         {0x0203, "AppleTalk External routes"},
                         {0x0204, "AppleTalk Cable setup"},
                         {0x0302, "IPX Internal routes"},
                         {0x0303, "IPX External routes"}};

constexpr Tok kExtProtos[] = {{0x01, "IGRP"}, {0x02, "EIGRP"},  {0x03, "Static"}, {0x04, "RIP"},
                              {0x05, "Hello"}, {0x06, "OSPF"},  {0x07, "IS-IS"},  {0x08, "EGP"},
                              {0x09, "BGP"},  {0x0a, "IDRP"},  {0x0b, "Connected"}};

constexpr std::uint32_t kHeader = 20;

// The fixed part of each decoded TLV's value (tcpdump's structs), which a
// shorter value is " (too short, < 4 + N)".
std::uint32_t fixed_size(std::uint16_t type) {
  switch (type) {
    case 0x0001: return 8;
    case 0x0004: return 4;
    case 0x0102: return 22;
    case 0x0103: return 42;
    case 0x0202: return 24;
    case 0x0203: return 40;
    case 0x0204: return 8;
    default: return 0;
  }
}

void bits(Out& o, std::span<const Tok> table, std::uint32_t v) {
  bool any = false;
  for (const auto& t : table) {
    if (!(v & t.value)) continue;
    if (any) o << ", ";
    o << t.name;
    any = true;
  }
  if (!any) o << "none";
}

// "delay N ms, bandwidth ..." of a route TLV from the delay field at `at`.
void metrics(Out& o, Bytes v, std::size_t at) {
  sub(v, at, 15);
  o << "\n\t      delay ";
  o.u(be32_at(v, at) / 100) << " ms, bandwidth ";
  o.u(be32_at(v, at + 4)) << " Kbps, mtu ";
  o.u(std::uint32_t(v[at + 8]) << 16 | std::uint32_t(v[at + 9]) << 8 | v[at + 10]) << ", hop ";
  o.u(v[at + 11]) << ", reliability ";
  o.u(v[at + 12]) << ", load ";
  o.u(v[at + 13]);
}

// An IP route TLV's prefix: its length at `at`, then 1 to 4 bytes of it.
// False: the length is illegal (said).
bool prefix(Out& o, Bytes v, std::size_t at) {
  unsigned bit_length = sub(v, at, 1)[0];
  if (bit_length > 32) {
    o << "\n\t    illegal prefix length ";
    o.u(bit_length);
    return false;
  }
  std::uint8_t addr[4] = {};
  Bytes b = sub(v, at + 1, (bit_length + 7) / 8);
  std::copy(b.begin(), b.end(), addr);
  std::string text;
  Out t(text);
  t.ip4(Bytes(addr, 4));
  o << "\n\t    IPv4 prefix: ";
  for (std::size_t k = text.size(); k < 15; ++k) o << ' ';  // tcpdump's %15s
  o << text << '/';
  o.u(bit_length) << ", nexthop: ";
  if (be32_at(v, 0) == 0) o << "self";
  else o.ip4(sub(v, 0, 4));
  return true;
}

void appletalk_nexthop(Out& o, Bytes v) {
  if (be32_at(v, 0) == 0) {
    o << "self";
    return;
  }
  o.u(be16_at(v, 0)) << '.';
  o.u(be16_at(v, 2));
}

// One TLV's value (v: its captured value, tlen its stated length).
void print_tlv(Out& o, std::uint16_t type, Bytes v, std::uint32_t tlen, int verbose) {
  if (std::uint32_t need = fixed_size(type); need && tlen < need) {
    o << " (too short, < ";
    o.u(4 + need) << ')';
    return;
  }
  switch (type) {
    case 0x0001:
      o << "\n\t    holdtime: ";
      o.u(be16_at(v, 6)) << "s, k1 ";
      o.u(v[0]) << ", k2 ";
      o.u(v[1]) << ", k3 ";
      o.u(v[2]) << ", k4 ";
      o.u(v[3]) << ", k5 ";
      o.u(v[4]);
      break;
    case 0x0004:
      o << "\n\t    IOS version: ";
      o.u(v[0]) << '.';
      o.u(v[1]) << ", EIGRP version ";
      o.u(v[2]) << '.';
      o.u(v[3]);
      break;
    case 0x0102:
      if (!prefix(o, v, 20)) break;
      metrics(o, v, 4);
      break;
    case 0x0103:
      if (!prefix(o, v, 40)) break;
      {
        std::uint8_t proto = v[22], flags = v[23];
        o << "\n\t      origin-router ";
        o.ip4(v.subspan(4, 4)) << ", origin-as ";
        o.u(be32_at(v, 8)) << ", origin-proto ";
        name_or(o, kExtProtos, proto, "unknown") << ", flags [0x";
        o.hex(flags, 2) << "], tag 0x";
        o.hex(be32_at(v, 12), 8) << ", metric ";
        o.u(be32_at(v, 16));
      }
      metrics(o, v, 24);
      break;
    case 0x0204:
      o << "\n\t    Cable-range: ";
      o.u(be16_at(v, 0)) << '-';
      o.u(be16_at(v, 2)) << ", Router-ID ";
      o.u(be32_at(v, 4));
      break;
    case 0x0202:
      o << "\n\t     Cable-Range: ";
      o.u(be16_at(v, 20)) << '-';
      o.u(be16_at(v, 22)) << ", nexthop: ";
      appletalk_nexthop(o, v);
      metrics(o, v, 4);
      break;
    case 0x0203:
      o << "\n\t     Cable-Range: ";
      o.u(be16_at(v, 36)) << '-';
      o.u(be16_at(v, 38)) << ", nexthop: ";
      appletalk_nexthop(o, v);
      o << "\n\t      origin-router ";
      o.u(be32_at(v, 4)) << ", origin-as ";
      o.u(be32_at(v, 8)) << ", origin-proto ";
      name_or(o, kExtProtos, v[16], "unknown") << ", flags [0x";
      o.hex(v[17], 2) << "], tag 0x";
      o.hex(be32_at(v, 12), 8) << ", metric ";
      o.u(be16_at(v, 18));
      metrics(o, v, 20);
      break;
    default:
      if (verbose <= 1) print_unknown_data(o, v, tlen, "\n\t    ");
      break;
  }
}

}  // namespace

void decode_eigrp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "eigrp";
  auto& e = c.d.push<EigrpL>();
  e.msg = r.rest();
  e.length = length;
}

void print_eigrp(PrintCtx& p, std::size_t i) {
  p.proto = "eigrp";
  const auto& e = at<EigrpL>(p.d, i);
  Out& o = p.o;
  Bytes m = e.msg;
  // tcpdump 4.99.3 checks the whole common header is captured first (the
  // IP layer's length bounds the capture, so a shorter message is cut too).
  sub(m, 0, kHeader);
  if (std::uint8_t version = m[0]; version != 2) {
    o << "EIGRP version ";
    o.u(version) << " packet not supported";
    return;
  }
  if (!p.opt.verbose) {
    std::uint8_t opcode = m[1];
    o << "EIGRP ";
    tok_print(o, kOpcodes, opcode, "unknown (", ")") << ", length: ";
    o.u(e.length);
    return;
  }
  std::uint32_t tlen = e.length - kHeader;
  o << "\n\tEIGRP v";
  o.u(m[0]) << ", opcode: ";
  tok_print(o, kOpcodes, m[1], "unknown, type: ", "") << " (";
  o.u(m[1]) << "), chksum: 0x";
  o.hex(be16_at(m, 2), 4) << ", Flags: [";
  bits(o, kFlags, be32_at(m, 4));
  o << "]\n\tseq: 0x";
  o.hex(be32_at(m, 8), 8) << ", ack: 0x";
  o.hex(be32_at(m, 12), 8) << ", VRID: ";
  o.u(be16_at(m, 16)) << ", AS: ";
  o.u(be16_at(m, 18)) << ", length: ";
  o.u(tlen);
  std::size_t at = kHeader;
  while (tlen != 0) {
    sub(m, at, 4);  // the TLV header captured, or " [|eigrp]"
    std::uint16_t len = be16_at(m, at + 2), type = be16_at(m, at);
    if (len < 4 || len > tlen) {
      // tcpdump 4.99.3 dumps what the message says is left, and stops.
      print_unknown_data(o, m.subspan(at + 4), tlen, "\n\t    ");
      return;
    }
    o << "\n\t  ";
    name_or(o, kTlvs, type, "Unknown") << " TLV (0x";
    o.hex(type, 4) << "), length: ";
    o.u(len);
    Bytes v = sub(m, at + 4, len - 4u);  // the TLV captured whole, or " [|eigrp]"
    print_tlv(o, type, v, len - 4u, p.opt.verbose);
    if (p.opt.verbose > 1) print_unknown_data(o, v, len - 4u, "\n\t    ");
    at += len;
    tlen -= len;
  }
}

// The common header as typed members and the TLVs as objects (type, name,
// length, value in hex); what was not captured ends it with "truncated".
void json_eigrp(JsonWriter& w, const EigrpL& l) {
  w.member("layer", "eigrp");
  w.member("length", l.length);
  Bytes m = l.msg;
  bool open = false;
  try {
    w.member("version", sub(m, 0, 1)[0]);
    w.member("opcode", sub(m, 1, 1)[0]);
    if (auto name = tok_name(kOpcodes, m[1]); !name.empty()) w.member("opcode_name", name);
    if (l.length < kHeader || m[0] != 2) return;
    sub(m, 0, kHeader);
    w.member("checksum", be16_at(m, 2));
    w.member("flags", be32_at(m, 4));
    w.member("seq", be32_at(m, 8));
    w.member("ack", be32_at(m, 12));
    w.member("vrid", be16_at(m, 16));
    w.member("as", be16_at(m, 18));
    w.key("tlvs");
    w.begin_array();
    open = true;
    std::uint32_t tlen = l.length - kHeader;
    std::size_t at = kHeader;
    while (tlen >= 4) {
      std::uint16_t type = be16_at(m, at), len = be16_at(m, at + 2);
      if (len < 4 || len > tlen) break;
      Bytes v = sub(m, at + 4, len - 4u);
      w.begin_object();
      w.member("type", type);
      if (auto name = tok_name(kTlvs, type); !name.empty()) w.member("name", name);
      w.member("length", len);
      w.member("value", hex_text(v));
      w.end_object();
      at += len;
      tlen -= len;
    }
    w.end_array();
  } catch (const Truncated&) {
    if (open) w.end_array();
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
