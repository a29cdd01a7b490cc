// Sun RPC (ONC RPC version 2, RFC 5531) as tcpdump 4.99.3 meets it without
// -T: the call and reply headers of NFS traffic, recognised where
// print-udp.c and print-tcp.c test port 2049 (NFS_PORT) and the message's
// direction word, over TCP after RFC 5531 section 11's record marking. The
// header readers here are print-nfs.c's parsereq (skip the credentials and
// verifier of a call), nfsreply_noaddr_print's status line (accepted,
// denied with an RPC version mismatch or an authentication error) and
// parserep (skip the reply verifier, check the accept status); nfs.cpp
// prints the procedures. The JSON carries the header's fields typed.
//
// A call: xid, direction 0, RPC version, program, version, procedure, then
// the credentials and verifier (flavor, length, opaque bytes padded to four).
// A reply: xid, direction 1, reply status, then when accepted the verifier
// and the accept status, when denied the reject status and its reason.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::uint16_t kNfsPort = 2049;
constexpr std::uint32_t kCall = 0, kReply = 1;
constexpr std::uint32_t kAccepted = 0, kDenied = 1;
constexpr std::uint32_t kRpcMismatch = 0, kAuthError = 1;

constexpr Tok kAuthStat[] = {{0, "OK"},
                             {1, "Bogus Credentials (seal broken)"},
                             {2, "Rejected Credentials (client should begin new session)"},
                             {3, "Bogus Verifier (seal broken)"},
                             {4, "Verifier expired or was replayed"},
                             {5, "Credentials are too weak"},
                             {6, "Bogus response verifier"},
                             {7, "Unknown failure"}};
constexpr Tok kAcceptStat[] = {{1, "PROG_UNAVAIL"},
                               {2, "PROG_MISMATCH"},
                               {3, "PROC_UNAVAIL"},
                               {4, "GARBAGE_ARGS"},
                               {5, "SYSTEM_ERR"}};

std::uint32_t roundup4(std::uint32_t v) { return (v + 3u) & ~3u; }  // u_int arithmetic, as tcpdump's roundup2

// The NFS layer for a message whose direction word says call or reply: r
// from the xid on, length the message's.
bool claim(Ctx& c, ByteReader r, std::uint32_t length, std::uint16_t sport, std::uint16_t dport, bool tcp,
           std::uint32_t mark) {
  if (!r.has(8)) return false;  // tcpdump's ND_TTEST_4(rm_direction)
  const std::uint32_t dir = be32_at(r.rest(), 4);
  const bool call = dport == kNfsPort && dir == kCall;
  const bool reply = !call && sport == kNfsPort && dir == kReply;
  if (!call && !reply) return false;
  const std::size_t self = c.d.size();
  const std::size_t ip = enclosing_ip(c.d, self);
  c.d.trunc_proto = "nfs";
  auto& n = c.d.push<NfsL>();
  n.msg = r.rest();
  n.length = length;
  n.tcp = tcp;
  n.record_mark = mark;
  n.reply = reply;
  nfs_track(c, n, ip);
  return true;
}

}  // namespace

bool decode_nfs_udp(Ctx& c, const UdpL& u, ByteReader r, std::uint32_t length) {
  if (u.sport != kNfsPort && u.dport != kNfsPort) return false;
  return claim(c, r, length, u.sport, u.dport, false, 0);
}

void decode_nfs_tcp(Ctx& c, ByteReader r, std::uint32_t length) {
  const std::size_t self = c.d.size();
  if (self == 0 || !is<TcpL>(c.d, self - 1)) return;
  const auto& t = at<TcpL>(c.d, self - 1);
  if ((t.flags & 0x04) && c.opt.verbose) return;  // tcpdump prints a reset's data instead
  if (length < 4 || !r.has(4)) return;
  const std::uint32_t mark = r.be32();
  std::uint32_t fraglen = mark & 0x7fffffffu;
  if (fraglen > length - 4) fraglen = length - 4;
  claim(c, r, fraglen, t.sport, t.dport, true, mark);
}

std::size_t rpc_call_args(Bytes m, std::uint32_t length) {
  std::size_t at = 24;  // the credentials
  if (length < 8) return kNoArgs;
  std::uint32_t len = be32_at(m, at + 4);
  std::uint32_t rounded = roundup4(len);
  if (at + 8 > m.size() || rounded > m.size() - (at + 8)) return kNoArgs;
  if (8ull + rounded > length) return kNoArgs;
  at += (std::uint64_t{len} + 11) / 4 * 4;
  length -= 8 + rounded;
  // The verifier.
  if (length < 8) return kNoArgs;
  len = be32_at(m, at + 4);
  rounded = roundup4(len);
  if (at + 8 > m.size() || rounded > m.size() - (at + 8)) return kNoArgs;
  if (8ull + rounded >= length) return kNoArgs;
  return at + (std::uint64_t{len} + 11) / 4 * 4;
}

bool print_rpc_reply_status(Out& o, Bytes m, std::uint32_t length, bool& cut) {
  if (m.size() < 12) {
    o << " [|nfs]";
    cut = true;
    return false;
  }
  const std::uint32_t stat = be32_at(m, 8);
  if (stat == kAccepted) {
    o << "reply ok ";
    o.u(length);
    return true;
  }
  if (stat != kDenied) {
    o << "reply Unknown rpc response code=";
    o.u(stat) << ' ';
    o.u(length);
    return false;
  }
  o << "reply ERR ";
  o.u(length) << ": ";
  if (m.size() < 16) {
    o << " [|nfs]";
    cut = true;
    return false;
  }
  const std::uint32_t rstat = be32_at(m, 12);
  if (rstat == kRpcMismatch) {
    if (m.size() < 24) {
      o << " [|nfs]";
      cut = true;
      return false;
    }
    o << "RPC Version mismatch (";
    o.u(be32_at(m, 16)) << '-';
    o.u(be32_at(m, 20)) << ')';
  } else if (rstat == kAuthError) {
    if (m.size() < 20) {
      o << " [|nfs]";
      cut = true;
      return false;
    }
    o << "Auth ";
    tok_print(o, kAuthStat, be32_at(m, 16), "Invalid failure code ", "");
  } else {
    o << "Unknown reason for rejecting rpc message ";
    o.u(rstat);
  }
  return false;
}

std::size_t rpc_reply_results(Out& o, Bytes m, std::uint32_t length, bool& error) {
  std::size_t at = 12;  // the verifier
  const std::uint32_t len = be32_at(m, at + 4);
  if (len >= length) return kNoArgs;
  at += (std::uint64_t{len} + 11) / 4 * 4;
  const std::uint32_t astat = be32_at(m, at);
  if (astat != 0) {
    o << ' ';
    tok_print(o, kAcceptStat, astat, "ar_stat ", "");
    error = true;
    return kNoArgs;
  }
  return at + 4;
}

// The header's fields as far as captured.
void json_sunrpc(JsonWriter& w, const NfsL& l) {
  Bytes m = l.msg;
  w.key("rpc");
  w.begin_object();
  if (l.tcp) {
    w.member("last_fragment", (l.record_mark & 0x80000000u) != 0);
    w.member("fragment_length", l.record_mark & 0x7fffffffu);
  }
  w.member("xid", be32_at(m, 0));
  w.member("direction", l.reply ? std::string_view("reply") : std::string_view("call"));
  if (!l.reply) {
    if (m.size() >= 24) {
      w.member("rpc_version", be32_at(m, 8));
      w.member("program", be32_at(m, 12));
      w.member("version", be32_at(m, 16));
      w.member("procedure", be32_at(m, 20));
    }
    if (m.size() >= 32) {
      w.member("cred_flavor", be32_at(m, 24));
      w.member("cred_length", be32_at(m, 28));
    }
  } else if (m.size() >= 12) {
    const std::uint32_t stat = be32_at(m, 8);
    w.member("reply_status", stat == kAccepted ? std::string_view("accepted")
                             : stat == kDenied ? std::string_view("denied")
                                               : std::string_view("unknown"));
    if (stat == kAccepted && m.size() >= 20) {
      const std::uint32_t vlen = be32_at(m, 16);
      w.member("verifier_flavor", be32_at(m, 12));
      w.member("verifier_length", vlen);
      const std::uint64_t at = 12 + (std::uint64_t{vlen} + 11) / 4 * 4;
      if (at + 4 <= m.size()) {
        const std::uint32_t astat = be32_at(m, at);
        w.member("accept_status", astat);
        if (auto n = tok_name(kAcceptStat, astat); !n.empty()) w.member("accept_status_name", n);
      }
    } else if (stat == kDenied && m.size() >= 16) {
      const std::uint32_t rstat = be32_at(m, 12);
      w.member("reject_status", rstat == kRpcMismatch ? std::string_view("rpc_mismatch")
                                : rstat == kAuthError ? std::string_view("auth_error")
                                                      : std::string_view("unknown"));
      if (rstat == kRpcMismatch && m.size() >= 24) {
        w.member("low", be32_at(m, 16));
        w.member("high", be32_at(m, 20));
      } else if (rstat == kAuthError && m.size() >= 20) {
        w.member("auth_status", be32_at(m, 16));
        if (auto n = tok_name(kAuthStat, be32_at(m, 16)); !n.empty()) w.member("auth_status_name", n);
      }
    }
  }
  w.end_object();
}

}  // namespace netlab::proto
