// HSRP: Cisco's Hot Standby Router Protocol, version 0 of RFC 2281 (UDP,
// destination port 1985): op code, state, timers, priority, group, an
// 8-byte password and the virtual address. The text follows tcpdump
// 4.99.3's print-hsrp.c: "HSRPv0-hello 20: state=active group=1
// addr=192.0.2.1", the timers, priority and password under -v.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr Tok kOpCodes[] = {{0, "hello"}, {1, "coup"}, {2, "resign"}};
constexpr Tok kStates[] = {{0, "initial"}, {1, "learn"}, {2, "listen"}, {4, "speak"}, {8, "standby"}, {16, "active"}};

}  // namespace

void decode_hsrp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "hsrp";
  auto& h = c.d.push<HsrpL>();
  h.msg = r.rest();
  h.length = length;
  if (h.msg.size() < 20) c.d.last()->status = Status::Truncated;  // for JSON; the text stops where tcpdump does
}

void print_hsrp(PrintCtx& p, std::size_t i) {
  p.proto = "hsrp";
  const auto& h = at<HsrpL>(p.d, i);
  Bytes m = h.msg;
  Out& o = p.o;
  // Each field is read before its text, as tcpdump's GET_* in printf arguments.
  std::uint8_t version = sub(m, 0, 1)[0];
  o << "HSRPv";
  o.u(version);
  if (version != 0) return;
  o << '-';
  std::uint8_t op = sub(m, 1, 1)[0];
  tok_print(o, kOpCodes, op, "unknown (", ")");
  o << ' ';
  o.u(h.length) << ": ";
  std::uint8_t state = sub(m, 2, 1)[0];
  o << "state=";
  tok_print(o, kStates, state, "Unknown (", ")");
  o << ' ';
  std::uint8_t group = sub(m, 6, 1)[0];
  o << "group=";
  o.u(group) << ' ';
  if (std::uint8_t reserved = sub(m, 7, 1)[0]) o << "[reserved=", o.u(reserved) << "!] ";
  Bytes addr = sub(m, 16, 4);
  o << "addr=";
  o.ip4(addr);
  if (!p.opt.verbose) return;
  std::uint8_t hello = sub(m, 3, 1)[0], hold = sub(m, 4, 1)[0], prio = sub(m, 5, 1)[0];
  o << " hellotime=";
  print_relts(o, hello);
  o << " holdtime=";
  print_relts(o, hold);
  o << " priority=";
  o.u(prio) << " auth=\"";
  for (std::size_t k = 8; k < 16; ++k) {  // RFC 2281 5.1: zero-padded
    std::uint8_t ch = sub(m, k, 1)[0];
    if (!ch) break;
    print_char(o, ch);
  }
  o << '"';
}

}  // namespace netlab::proto

namespace netlab::proto {

// The message's fields (the password left out: it is a credential); what
// was not captured is left out and "truncated" says so.
void json_hsrp(JsonWriter& w, const HsrpL& l) {
  w.member("layer", "hsrp");
  w.member("length", l.length);
  Bytes m = l.msg;
  try {
    w.member("version", sub(m, 0, 1)[0]);
    std::uint8_t op = sub(m, 1, 1)[0], state = sub(m, 2, 1)[0];
    w.member("op_code", op);
    if (auto name = tok_name(kOpCodes, op); !name.empty()) w.member("op", name);
    w.member("state_code", state);
    if (auto name = tok_name(kStates, state); !name.empty()) w.member("state", name);
    w.member("hellotime", sub(m, 3, 1)[0]);
    w.member("holdtime", sub(m, 4, 1)[0]);
    w.member("priority", sub(m, 5, 1)[0]);
    w.member("group", sub(m, 6, 1)[0]);
    w.member("virtual_address", ip4_text(sub(m, 16, 4)));
  } catch (const Truncated&) {
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
