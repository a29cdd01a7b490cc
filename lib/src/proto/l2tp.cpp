// L2TP version 2 on UDP 1701 (RFC 2661; the PPP Disconnect Cause Code AVP
// from RFC 3145). The text follows tcpdump 4.99.3's print-l2tp.c at every
// verbosity: " l2tp:[TLS](tunnel/session)Ns=n,Nr=n", then a control
// message's AVPs by name with their values ("*" mandatory, "?" hidden,
// vendor AVPs as VENDORxxxx:ATTRxxxx(hex)), " ZLB" for an empty one, or a
// data message's PPP frame inside " {...}" through ppp.cpp. L2F (version 1)
// prints " l2f:" only. An AVP that is too short, longer than the message or
// not all captured ends the line with " [|l2tp]" (tcpdump's own check, not
// an unwinding read); reads of the fixed header past the capture unwind.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::uint16_t kFlagType = 0x8000, kFlagLength = 0x4000, kFlagSequence = 0x0800, kFlagOffset = 0x0200,
                        kFlagPriority = 0x0100;

constexpr Tok kMessages[] = {{1, "SCCRQ"}, {2, "SCCRP"}, {3, "SCCCN"}, {4, "StopCCN"}, {6, "HELLO"},
                             {7, "OCRQ"},  {8, "OCRP"},  {9, "OCCN"},  {10, "ICRQ"},   {11, "ICRP"},
                             {12, "ICCN"}, {14, "CDN"},  {15, "WEN"},  {16, "SLI"}};

// How tcpdump prints each attribute's value.
enum class Kind : std::uint8_t {
  None, MsgType, Result, ProtoVer, FramingCap, BearerCap, TieBreaker, U16, String, Octets, Q931, ChallengeResp, U32,
  BearerType, FramingType, Obsolete, AuthType, AuthId, CallErrors, Accm, DisconnectCause
};
struct Avp {
  std::uint16_t type;
  std::string_view name;
  Kind kind;
};
constexpr Avp kAvps[] = {
    {0, "MSGTYPE", Kind::MsgType},         {1, "RESULT_CODE", Kind::Result},
    {2, "PROTO_VER", Kind::ProtoVer},      {3, "FRAMING_CAP", Kind::FramingCap},
    {4, "BEARER_CAP", Kind::BearerCap},    {5, "TIE_BREAKER", Kind::TieBreaker},
    {6, "FIRM_VER", Kind::U16},            {7, "HOST_NAME", Kind::String},
    {8, "VENDOR_NAME", Kind::String},      {9, "ASSND_TUN_ID", Kind::U16},
    {10, "RECV_WIN_SIZE", Kind::U16},      {11, "CHALLENGE", Kind::Octets},
    {12, "Q931_CC", Kind::Q931},           {13, "CHALLENGE_RESP", Kind::ChallengeResp},
    {14, "ASSND_SESS_ID", Kind::U16},      {15, "CALL_SER_NUM", Kind::U32},
    {16, "MINIMUM_BPS", Kind::U32},        {17, "MAXIMUM_BPS", Kind::U32},
    {18, "BEARER_TYPE", Kind::BearerType}, {19, "FRAMING_TYPE", Kind::FramingType},
    {20, "PACKET_PROC_DELAY", Kind::Obsolete}, {21, "CALLED_NUMBER", Kind::String},
    {22, "CALLING_NUMBER", Kind::String},  {23, "SUB_ADDRESS", Kind::String},
    {24, "TX_CONN_SPEED", Kind::U32},      {25, "PHY_CHANNEL_ID", Kind::U32},
    {26, "INI_RECV_LCP", Kind::Octets},    {27, "LAST_SENT_LCP", Kind::Octets},
    {28, "LAST_RECV_LCP", Kind::Octets},   {29, "PROXY_AUTH_TYPE", Kind::AuthType},
    {30, "PROXY_AUTH_NAME", Kind::String}, {31, "PROXY_AUTH_CHAL", Kind::Octets},
    {32, "PROXY_AUTH_ID", Kind::AuthId},   {33, "PROXY_AUTH_RESP", Kind::Octets},
    {34, "CALL_ERRORS", Kind::CallErrors}, {35, "ACCM", Kind::Accm},
    {36, "RANDOM_VECTOR", Kind::Octets},   {37, "PRIVATE_GRP_ID", Kind::String},
    {38, "RX_CONN_SPEED", Kind::U32},      {39, "SEQ_REQUIRED", Kind::None},
    {46, "PPP_DISCON_CC", Kind::DisconnectCause},
};
const Avp* find_avp(std::uint16_t type) {
  for (const auto& a : kAvps)
    if (a.type == type) return &a;
  return nullptr;
}

constexpr Tok kAuthTypes[] = {{0, "Reserved"}, {1, "Textual"}, {2, "CHAP"}, {3, "PAP"}, {4, "No Auth"},
                              {5, "MS-CHAPv1"}};
constexpr Tok kDirections[] = {{0, "global error"}, {1, "at peer"}, {2, "at local"}};
constexpr std::string_view kCallErrors[] = {"CRCErr", "FrameErr", "HardOver", "BufOver", "Timeout", "AlignErr"};

// The fixed header as read: where the message body starts, and the length
// that bounds it.
struct Header {
  std::uint16_t flags = 0, l2tp_len = 0, tunnel = 0, session = 0, ns = 0, nr = 0, pad = 0;
  std::size_t body = 0;      // the first byte after the header (and offset padding)
  std::uint32_t length = 0;  // the message length (the L field's, else the UDP payload's)
  enum Outcome : std::uint8_t { Cut, PadCut, TooLong, TooShort, NoLength, Control, Data } outcome = Cut;
};

// tcpdump's l2tp_print up to the body, without printing: stops (Cut) where
// a read would run off the capture.
Header read_header(Bytes m, std::uint32_t length) {
  Header h;
  if (m.size() < 2) return h;
  h.flags = be16_at(m, 0);
  std::size_t at = 2;
  if (h.flags & kFlagLength) {
    if (m.size() < at + 2) return h;
    h.l2tp_len = be16_at(m, at);
    at += 2;
  }
  if (m.size() < at + 4) return h;
  h.tunnel = be16_at(m, at);
  h.session = be16_at(m, at + 2);
  at += 4;
  if (h.flags & kFlagSequence) {
    if (m.size() < at + 4) return h;
    h.ns = be16_at(m, at);
    h.nr = be16_at(m, at + 2);
    at += 4;
  }
  if (h.flags & kFlagOffset) {
    if (m.size() < at + 2) return h;
    h.pad = be16_at(m, at);
    if (m.size() - (at + 2) < h.pad) {
      h.outcome = Header::PadCut;
      return h;
    }
    at += 2u + h.pad;
  }
  h.body = at;
  h.length = length;
  if (h.flags & kFlagLength) {
    if (length < h.l2tp_len) {
      h.outcome = Header::TooLong;
      return h;
    }
    h.length = h.l2tp_len;
  }
  if (h.length < at) h.outcome = Header::TooShort;
  else if (!(h.flags & kFlagType)) h.outcome = Header::Data;
  else if (!(h.flags & kFlagLength)) h.outcome = Header::NoLength;
  else h.outcome = Header::Control;
  return h;
}

[[noreturn]] void local_trunc(PrintCtx& p) {
  p.local_trunc = true;
  throw Truncated{};
}

void chars(Out& o, Bytes b) {
  for (auto c : b) print_char(o, c);
}
void octets(Out& o, Bytes b) {
  for (auto c : b) o.hex(c, 2);
}

// One AVP's value (v: its bytes after the six-byte header, all captured).
void avp_value(Out& o, Kind kind, Bytes v) {
  const std::size_t n = v.size();
  auto too_short = [&](std::size_t need) {
    if (n >= need) return false;
    o << "AVP too short";
    return true;
  };
  auto flags2 = [&](char two, char one) {
    if (too_short(4)) return;
    std::uint32_t x = be32_at(v, 0);
    if (x & 2) o << two;
    if (x & 1) o << one;
  };
  switch (kind) {
    case Kind::None: return;
    case Kind::MsgType:
      if (too_short(2)) return;
      tok_print(o, kMessages, be16_at(v, 0), "MSGTYPE-#");
      return;
    case Kind::Result:
      if (too_short(2)) return;
      o.u(be16_at(v, 0));
      if (n == 2) return;
      if (n < 4) {
        o << " AVP too short";
        return;
      }
      o << '/';
      o.u(be16_at(v, 2));
      if (n == 4) return;
      o << ' ';
      chars(o, v.subspan(4));
      return;
    case Kind::ProtoVer:
      if (too_short(2)) return;
      o.u(v[0]) << '.';
      o.u(v[1]);
      return;
    case Kind::FramingCap:
    case Kind::FramingType: flags2('A', 'S'); return;
    case Kind::BearerCap:
    case Kind::BearerType: flags2('A', 'D'); return;
    case Kind::TieBreaker:
      if (too_short(8)) return;
      octets(o, v.first(8));
      return;
    case Kind::U16:
      if (too_short(2)) return;
      o.u(be16_at(v, 0));
      return;
    case Kind::String: chars(o, v); return;
    case Kind::Octets: octets(o, v); return;
    case Kind::Q931:
      if (too_short(3)) return;
      o.u(be16_at(v, 0)) << ", ";
      o.hex(v[2], 2);
      if (n > 3) {
        o << ' ';
        chars(o, v.subspan(3));
      }
      return;
    case Kind::ChallengeResp:
      if (too_short(16)) return;
      octets(o, v.first(16));
      return;
    case Kind::U32:
      if (too_short(4)) return;
      o.u(be32_at(v, 0));
      return;
    case Kind::Obsolete: o << "obsolete"; return;
    case Kind::AuthType:
      if (too_short(2)) return;
      tok_print(o, kAuthTypes, be16_at(v, 0), "AuthType-#");
      return;
    case Kind::AuthId:
      if (too_short(2)) return;
      o.u(v[1]);
      return;
    case Kind::CallErrors: {
      if (too_short(2)) return;
      std::size_t at = 2;  // reserved
      for (auto name : kCallErrors) {
        if (n < at + 4) {
          o << "AVP too short";
          return;
        }
        o << name << '=';
        o.u(be32_at(v, at)) << ' ';
        at += 4;
      }
      return;
    }
    case Kind::Accm:
      if (too_short(2)) return;
      if (n < 6) {
        o << "AVP too short";
        return;
      }
      o << "send=";
      o.hex(be32_at(v, 2), 8) << ' ';
      if (n < 10) {
        o << "AVP too short";
        return;
      }
      o << "recv=";
      o.hex(be32_at(v, 6), 8) << ' ';
      return;
    case Kind::DisconnectCause:
      if (too_short(5)) return;
      o.hex(be16_at(v, 0), 4) << ", ";
      o.hex(be16_at(v, 2), 4) << ' ';
      tok_print(o, kDirections, v[4], "Direction-#");
      if (n > 5) {
        o << ' ';
        chars(o, v.subspan(5));
      }
      return;
  }
}

// The AVPs of a control message from m[at] to `length`.
void print_avps(PrintCtx& p, Bytes m, std::size_t at, std::uint32_t length) {
  Out& o = p.o;
  while (length - at != 0) {
    o << ' ';
    const std::uint16_t word = be16_at(m, at);
    const std::uint32_t len = word & 0x03ff;
    if (len < 6 || len > length - at || m.size() - at < len) local_trunc(p);
    if (word & 0x8000) o << '*';
    const bool hidden = word & 0x4000;
    if (hidden) o << '?';
    const std::uint16_t vendor = be16_at(m, at + 2), type = be16_at(m, at + 4);
    Bytes v = m.subspan(at + 6, len - 6);
    if (vendor) {
      o << "VENDOR";
      o.hex(vendor, 4) << ":ATTR";
      o.hex(type, 4) << '(';
      octets(o, v);
      o << ')';
    } else {
      const Avp* a = find_avp(type);
      if (a) o << a->name;
      else {
        o << "AVP-#";
        o.u(type);
      }
      o << '(';
      if (hidden) o << "???";
      else if (a) avp_value(o, a->kind, v);
      o << ')';
    }
    at += len;
  }
}

// tcpdump's ppp_print gives up at once (its own " [|ppp]", then l2tp_print
// goes on with "}") on a frame shorter than two bytes, or than two after an
// address and control field; a frame whose first two bytes are not captured
// unwinds from ppp.cpp as usual.
bool ppp_too_short(Bytes f, std::uint32_t len) {
  if (len < 2) return true;
  if (f.size() < 2) return false;
  std::uint16_t first = be16_at(f, 0);
  return (first == 0x0003 || first == 0x0103 || first == 0xff03) && len - 2 < 2;
}

}  // namespace

void decode_l2tp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "l2tp";
  auto& l = c.d.push<L2tpL>();
  l.msg = r.rest();
  l.length = length;
  if (l.msg.size() < 2) {
    c.d.last()->status = Status::Truncated;
    return;
  }
  if ((be16_at(l.msg, 0) & 0x000f) != 2) return;
  Header h = read_header(l.msg, length);
  if (h.outcome != Header::Data) return;
  Bytes frame = l.msg.subspan(h.body);
  const std::uint32_t flen = h.length - static_cast<std::uint32_t>(h.body);
  if (ppp_too_short(frame, flen)) {
    l.ppp_short = true;
    return;
  }
  try {
    decode_ppp(c, ByteReader(frame), flen, false);
  } catch (const Truncated&) {
    // tcpdump's ip_print and ip6_print check their fixed header themselves:
    // " [|ip]" without unwinding, so l2tp_print still closes its brace.
    // Other cuts unwind past it.
    LayerSlot* last = c.d.last();
    const bool ip4 = std::holds_alternative<Ipv4L>(last->layer) && std::get<Ipv4L>(last->layer).stage == 1;
    const bool ip6 = std::holds_alternative<Ipv6L>(last->layer) && std::get<Ipv6L>(last->layer).stage == 0;
    if (!ip4 && !ip6) throw;
    last->status = Status::Truncated;
    l.inner_cut = ip4 ? "ip" : "ip6";
  }
}

void print_l2tp(PrintCtx& p, std::size_t i) {
  p.proto = "l2tp";
  const auto& l = at<L2tpL>(p.d, i);
  Out& o = p.o;
  Bytes m = l.msg;
  const std::uint16_t flags = be16_at(m, 0);
  switch (flags & 0x000f) {
    case 2: o << " l2tp:"; break;
    case 1: o << " l2f:"; return;
    default: o << " Unknown Version, neither L2F(1) nor L2TP(2)"; return;
  }
  o << '[';
  if (flags & kFlagType) o << 'T';
  if (flags & kFlagLength) o << 'L';
  if (flags & kFlagSequence) o << 'S';
  if (flags & kFlagOffset) o << 'O';
  if (flags & kFlagPriority) o << 'P';
  o << ']';
  // The header again, printing as far as it was captured.
  std::size_t at = 2;
  std::uint16_t l2tp_len = 0;
  if (flags & kFlagLength) {
    l2tp_len = be16_at(m, at);
    at += 2;
  }
  // Each field is read before any of its text is printed, as tcpdump's
  // ND_PRINT("(%u/", GET_BE_U_2(..)) does.
  auto field = [&](std::string_view before, std::string_view after) {
    const std::uint16_t v = be16_at(m, at);
    o << before;
    o.u(v) << after;
    at += 2;
  };
  field("(", "/");
  field("", ")");
  if (flags & kFlagSequence) {
    field("Ns=", ",");
    field("Nr=", "");
  }
  if (flags & kFlagOffset) be16_at(m, at);  // the offset size, or unwind
  const Header h = read_header(m, l.length);
  switch (h.outcome) {
    case Header::Cut:  // not reached: the reads above unwound first
    case Header::PadCut: local_trunc(p);
    case Header::TooLong:
      o << " Length ";
      o.u(l2tp_len) << " larger than packet";
      return;
    case Header::TooShort:
      o << " Length ";
      o.u(h.length) << " smaller than header length";
      return;
    case Header::NoLength: o << " No length"; return;
    case Header::Control:
      if (h.length == h.body) o << " ZLB";
      else print_avps(p, m, h.body, h.length);
      return;
    case Header::Data:
      o << " {";
      if (l.ppp_short) o << " [|ppp]";
      else if (i + 1 < p.d.size()) print_layers(p, i + 1);
      if (l.inner_cut) o << " [|" << l.inner_cut << ']';
      // A frame cut in the capture otherwise ended the line inside PPP.
      if (!p.d.truncated) o << '}';
      return;
  }
}

// The header's fields and a control message's AVPs typed; a data message's
// PPP frame is the next layer.
void json_l2tp(JsonWriter& w, const L2tpL& l) {
  w.member("layer", "l2tp");
  w.member("length", l.length);
  Bytes m = l.msg;
  if (m.size() < 2) {
    w.member("truncated", true);
    return;
  }
  const std::uint16_t flags = be16_at(m, 0);
  w.member("version", flags & 0x000f);
  if ((flags & 0x000f) != 2) return;
  w.member("type", (flags & kFlagType) ? "control" : "data");
  w.member("priority", (flags & kFlagPriority) != 0);
  const Header h = read_header(m, l.length);
  if (h.outcome == Header::Cut) {
    w.member("truncated", true);
    return;
  }
  if (flags & kFlagLength) w.member("l2tp_length", h.l2tp_len);
  w.member("tunnel_id", h.tunnel);
  w.member("session_id", h.session);
  if (flags & kFlagSequence) {
    w.member("ns", h.ns);
    w.member("nr", h.nr);
  }
  if (flags & kFlagOffset) w.member("offset_size", h.pad);
  switch (h.outcome) {
    case Header::PadCut: w.member("truncated", true); return;
    case Header::TooLong: w.member("error", "length larger than packet"); return;
    case Header::TooShort: w.member("error", "length smaller than header"); return;
    case Header::NoLength: w.member("error", "control message without length"); return;
    case Header::Data:
      if (l.ppp_short) w.member("ppp_truncated", true);
      if (l.inner_cut) w.member("inner_truncated", l.inner_cut);
      return;
    default: break;
  }
  w.key("avps");
  w.begin_array();
  std::size_t at = h.body;
  bool cut = false;
  while (at < h.length) {
    if (m.size() - at < 2) {
      cut = true;
      break;
    }
    const std::uint16_t word = be16_at(m, at);
    const std::uint32_t len = word & 0x03ff;
    if (len < 6 || len > h.length - at || m.size() - at < len) {
      cut = true;
      break;
    }
    const std::uint16_t vendor = be16_at(m, at + 2), type = be16_at(m, at + 4);
    Bytes v = m.subspan(at + 6, len - 6);
    w.begin_object();
    w.member("mandatory", (word & 0x8000) != 0);
    w.member("hidden", (word & 0x4000) != 0);
    w.member("avp_length", len);
    w.member("vendor", vendor);
    w.member("type", type);
    const Avp* a = vendor ? nullptr : find_avp(type);
    if (a) w.member("name", a->name);
    if (!(word & 0x4000)) {
      if (a && a->kind == Kind::MsgType && v.size() >= 2) {
        w.member("message_type", be16_at(v, 0));
        w.member("message_name", tok_name(kMessages, be16_at(v, 0)));
      } else if (a && a->kind == Kind::U16 && v.size() >= 2) {
        w.member("value", be16_at(v, 0));
      } else if (a && a->kind == Kind::U32 && v.size() >= 4) {
        w.member("value", be32_at(v, 0));
      } else if (a && a->kind == Kind::String) {
        std::string s;
        Out so(s);
        chars(so, v);
        w.member("value", s);
      } else if (!v.empty()) {
        std::string s;
        Out so(s);
        avp_value(so, a ? a->kind : Kind::Octets, v);
        w.member("text", s);
        w.member("value_hex", hex_text(v));
      }
    }
    w.end_object();
    at += len;
  }
  w.end_array();
  if (cut) w.member("truncated", true);
}

}  // namespace netlab::proto
