// RX: AFS's remote procedure call transport (the Transarc/OpenAFS rx
// headers, rx/rx_packet.h), UDP ports 7000-7009. The text follows tcpdump
// 4.99.3's print-rx.c: " rx TYPE (LENGTH)" at -n, the sequence and serial
// numbers from -v, the connection, call number and flags from -vv, the
// security index and service from -vvv; an ack's first packet, serial,
// reason and acked/nacked ranges (bufspace and maxskew from -vvv, the
// trailing MTU and window fields from -vv). A header not captured whole is
// " [|rx] (LENGTH)", an ack body " [|ack]". Not decoded yet: the AFS
// service calls and replies (fs, cb, pt, vldb, kauth, vol, bos, ubik),
// which tcpdump prints for the first data packet of a call.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::size_t kHeader = 28;  // epoch, cid, call, seq, serial, type, flags, status, secindex, spare, service
constexpr std::size_t kAck = 18;     // bufspace, maxskew, first, previous, serial, reason, nAcks

constexpr Tok kTypes[] = {{1, "data"},      {2, "ack"},      {3, "busy"},  {4, "abort"},  {5, "ackall"},
                          {6, "challenge"}, {7, "response"}, {8, "debug"}, {9, "params"}, {13, "version"}};

constexpr Tok kAckReasons[] = {{1, "ack requested"},   {2, "duplicate packet"}, {3, "out of sequence"},
                               {4, "exceeds window"},  {5, "no buffer space"},  {6, "ping"},
                               {7, "ping response"},   {8, "delay"},            {9, "idle"}};

struct Flag {
  std::uint8_t bit;
  std::uint8_t type;  // 0: any packet type
  std::string_view name;
};
constexpr Flag kFlags[] = {{0x01, 0, "client-init"}, {0x02, 0, "req-ack"},    {0x04, 0, "last-pckt"},
                           {0x08, 0, "more-pckts"},  {0x10, 0, "free-pckt"},  {0x20, 2, "slow-start"},
                           {0x20, 1, "jumbogram"}};

// tcpdump's run printing of an ack array: each run of `want` entries as
// " WORD first" then ",next" for a new run and "-last" closing a run longer
// than one.
void runs(Out& o, Bytes acks, std::uint8_t want, std::string_view word, std::uint32_t first) {
  int start = -2, last = -2;
  int n = static_cast<int>(acks.size()), i = 0;
  for (; i < n; ++i) {
    if (acks[i] == want) {
      if (last == -2) {
        o << ' ' << word << ' ';
        o.u(first + i);
        start = i;
      } else if (last != i - 1) {
        o << ',';
        o.u(first + i);
        start = i;
      }
      last = i;
    } else if (last == i - 1 && start != last) {
      o << '-';
      o.u(first + i - 1);
    }
  }
  if (last == i - 1 && start != last) {
    o << '-';
    o.u(first + i - 1);
  }
}

// The ack body after the RX header (m: the message as captured); one cut
// short says " [|ack]" and the line goes on to the length as tcpdump's does.
void ack(Out& o, Bytes m, int verbose) {
  if (m.size() < kHeader + kAck) {
    o << " [|ack]";
    return;
  }
  Bytes a = m.subspan(kHeader);
  if (verbose > 2) {
    o << " bufspace ";
    o.u(be16_at(a, 0)) << " maxskew ";
    o.u(be16_at(a, 2));
  }
  std::uint32_t first = be32_at(a, 4);
  o << " first ";
  o.u(first) << " serial ";
  o.u(be32_at(a, 12)) << " reason ";
  tok_print(o, kAckReasons, a[16], "#");
  std::size_t nacks = a[17];
  std::size_t at = kAck;
  if (nacks != 0) {
    if (a.size() < kAck + nacks) {
      o << " [|ack]";
      return;
    }
    Bytes list = a.subspan(kAck, nacks);
    runs(o, list, 1, "acked", first);
    runs(o, list, 0, "nacked", first);
    at += nacks;
  }
  at += 3;  // padding
  if (verbose > 1) {
    for (std::string_view name : {" ifmtu ", " maxmtu ", " rwind ", " maxpackets "}) {
      if (a.size() < at + 4) break;  // optional: tcpdump stops quietly
      o << name;
      o.u(be32_at(a, at));
      at += 4;
    }
  }
}

}  // namespace

void decode_rx(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "rx";
  auto& x = c.d.push<RxL>();
  x.msg = r.rest();
  x.length = length;
}

void print_rx(PrintCtx& p, std::size_t i) {
  p.proto = "rx";
  const auto& x = at<RxL>(p.d, i);
  Out& o = p.o;
  Bytes m = x.msg;
  if (m.size() < kHeader) {
    o << " [|rx] (";
    o.u(x.length) << ')';
    return;
  }
  std::uint8_t type = m[20], flags = m[21];
  o << " rx ";
  tok_print(o, kTypes, type, "type ");
  if (p.opt.verbose) {
    if (p.opt.verbose > 1) {
      o << " cid ";
      o.hex(be32_at(m, 4), 8) << " call# ";
      o.u(be32_at(m, 8));
    }
    o << " seq ";
    o.u(be32_at(m, 12)) << " ser ";
    o.u(be32_at(m, 16));
    if (p.opt.verbose > 2) {
      o << " secindex ";
      o.u(m[23]) << " serviceid ";
      o.u(be16_at(m, 26));
    }
    if (p.opt.verbose > 1) {
      bool any = false;
      for (const auto& f : kFlags) {
        if (!(flags & f.bit) || (f.type && f.type != type)) continue;
        o << (any ? "," : " ") << '<' << f.name << '>';
        any = true;
      }
    }
  }
  if (type == 2) ack(o, m, p.opt.verbose);
  o << " (";
  o.u(x.length) << ')';
}

// The header as typed members; what was not captured ends it with "truncated".
void json_rx(JsonWriter& w, const RxL& l) {
  w.member("layer", "rx");
  w.member("length", l.length);
  Bytes m = l.msg;
  if (m.size() < kHeader) {
    w.member("truncated", true);
    return;
  }
  w.member("epoch", be32_at(m, 0));
  w.member("cid", be32_at(m, 4));
  w.member("call", be32_at(m, 8));
  w.member("seq", be32_at(m, 12));
  w.member("serial", be32_at(m, 16));
  w.member("type", m[20]);
  if (auto name = tok_name(kTypes, m[20]); !name.empty()) w.member("type_name", name);
  w.member("flags", m[21]);
  w.member("security_index", m[23]);
  w.member("service_id", be16_at(m, 26));
}

}  // namespace netlab::proto
