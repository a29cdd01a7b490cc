// ForCES (RFC 5810) messages carried by SCTP: at -n the message type, as
// tcpdump 4.99.3's print-forces.c names it on its own line, and at -v the
// common header (version, length, flags, the source and destination IDs
// with their kinds, the correlator), and at -vv the flags word broken into
// its fields (ACK indicator, priority, execution mode, atomic transaction,
// transaction phase, the reserved bits). The TLVs that tcpdump prints from
// -vvv on are not decoded yet.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr Tok kMessageTypes[] = {{0x01, "Association Setup"},   {0x02, "Association TearDown"},
                                 {0x03, "Config"},              {0x04, "Query"},
                                 {0x05, "Event Notification"},  {0x06, "Packet Redirect"},
                                 {0x0f, "HeartBeat"},           {0x11, "Association Response"},
                                 {0x13, "Config Response"},     {0x14, "Query Response"}};

// tcpdump's tom_valid: the RFC's ranges, before the name lookup.
bool type_valid(std::uint8_t t) { return t > 0 && !(t >= 0x07 && t <= 0x0e) && t != 0x10 && t <= 0x14; }

constexpr std::uint32_t kHeaderLength = 24;

// The flags word's fields (RFC 5810 6.1), each printed as "name(0xN)".
constexpr Tok kAcks[] = {{0, "NoACK"}, {1, "SuccessACK"}, {2, "FailureACK"}, {3, "AlwaysACK"}};
constexpr Tok kExecModes[] = {{0, "EMReserved"},
                              {1, "execute-all-or-none"},
                              {2, "execute-until-failure"},
                              {3, "continue-execute-on-failure"}};
constexpr Tok kAtomic[] = {{0, "Standalone"}, {1, "2PCtransaction"}};
constexpr Tok kPhases[] = {{0, "StartofTransaction"}, {1, "MiddleofTransaction"}, {2, "EndofTransaction"},
                           {3, "abort"}};

void flag_field(Out& o, std::span<const Tok> names, std::uint32_t v, std::string_view unknown) {
  auto name = tok_name(names, v);
  o << (name.empty() ? unknown : name) << "(0x";
  o.hex(v) << ')';
}

// The kind of node an ID names (RFC 5810 4.2.1), tested in tcpdump's order.
std::string_view node_kind(std::uint32_t id) {
  if (id <= 0x3fffffffu) return "FE";
  if (id <= 0x7fffffffu) return "CE";
  if (id >= 0xc0000000u && id <= 0xffffffefu) return "AllMulticast";
  if (id == 0xffffffeeu) return "AllCEsBroadcast";
  if (id == 0xffffffefu) return "AllFEsBroadcast";
  if (id == 0xffffffffu) return "AllBroadcast";
  return "ForCESreserved";
}


// tcpdump's error path: the whole message in hex, each line after "\n\t[".
void dump(Out& o, Bytes msg, std::uint32_t length) {
  Bytes b = sub(msg, 0, length);
  for (std::size_t k = 0; k < b.size(); k += 2) {
    if (k % 16 == 0) {
      o << "\n\t[0x";
      o.hex(k, 4) << ": ";
    }
    o << ' ';
    o.hex(b[k], 2);
    if (k + 1 < b.size()) o.hex(b[k + 1], 2);
  }
  o << "\n\t]";
}

}  // namespace

void print_forces(PrintCtx& p, Bytes msg, std::uint32_t length) {
  p.proto = "forces";
  Out& o = p.o;
  std::uint8_t type = sub(msg, 1, 1)[0];
  if (!type_valid(type)) {
    o << "Invalid ForCES message type ";
    o.u(type) << '\n';
    return dump(o, msg, length);
  }
  std::uint32_t mlen = std::uint32_t(be16_at(msg, 2)) << 2;
  auto name = tok_name(kMessageTypes, type);
  if (name.empty()) {
    o << "\n\tUnknown ForCES message type=0x";
    o.hex(type);
    return dump(o, msg, length);
  }
  o << "\n\tForCES " << name << ' ';
  if (length < kHeaderLength || mlen < kHeaderLength || mlen != length) {
    o << "Illegal ForCES pkt len - min ";
    o.u(kHeaderLength) << ", total recvd ";
    o.u(length) << ", advertised ";
    o.u(mlen) << ' ';
    return dump(o, msg, length);
  }
  // A HeartBeat carries no top-level TLV; every other type but Association
  // Setup needs at least one (RFC 5810 7.x).
  std::uint32_t rest = length - kHeaderLength;
  if (type == 0x0f && rest > 4) {
    o << "<0x1>Illegal Top level TLV!\n";
    return dump(o, msg, length);
  }
  if (type != 0x01 && type != 0x0f && rest <= 4) {
    o << "\tTop level TLV Data missing!\n";
    return dump(o, msg, length);
  }
  if (!p.opt.verbose) return;
  std::uint32_t flags = be32_at(msg, 20);
  std::uint32_t src = be32_at(msg, 4), dst = be32_at(msg, 8);
  std::uint64_t correlator = std::uint64_t(be32_at(msg, 12)) << 32 | be32_at(msg, 16);
  o << "\n\tForCES Version ";
  o.u(sub(msg, 0, 1)[0] >> 4) << " len ";
  o.u(mlen) << "B flags 0x";
  o.hex(flags, 8) << " \n\tSrcID 0x";
  o.hex(src) << '(' << node_kind(src) << ") DstID 0x";
  o.hex(dst) << '(' << node_kind(dst) << ") Correlator 0x";
  o.hex(correlator);
  if (p.opt.verbose < 2) return;
  o << "\n\tForCES flags:\n\t  ";
  flag_field(o, kAcks, flags >> 30, "ACKUNKNOWN");
  o << ", prio=";
  o.u(flags >> 27 & 7) << ", ";
  flag_field(o, kExecModes, flags >> 22 & 3, "EMUNKNOWN");
  o << ",\n\t  ";
  flag_field(o, kAtomic, flags >> 21 & 1, "ATUNKNOWN");
  o << ", ";
  flag_field(o, kPhases, flags >> 19 & 3, "TPUNKNOWN");
  o << "\n\t  Extra flags: rsv(b5-7) 0x";
  o.hex(flags >> 24 & 7) << " rsv(b13-31) 0x";
  o.hex(flags & 0x7ffffu) << '\n';
}

}  // namespace netlab::proto
