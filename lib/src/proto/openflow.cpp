// OpenFlow (TCP 6653, and the old 6633) as tcpdump 4.99.3's print-openflow.c
// begins it: ": OpenFlow", then for each message of the segment its header
// on its own line (version, type by name for 1.0 and 1.3, length, xid),
// " (end of TCP payload)" for a header that runs past the segment,
// " (invalid)" for a length shorter than the header or not what the type
// needs, and " [|openflow]" for a message that runs past the segment or
// the capture. From -v on, a 1.0 or 1.3 message of a length its type
// allows has its body printed by openflow_bodies.cpp (for 1.3, the types
// tcpdump 4.99.3 decodes: not PACKET_IN, FLOW_MOD, multipart and others).
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr Tok kVersions[] = {{1, "1.0"}, {2, "1.1"}, {3, "1.2"}, {4, "1.3"}, {5, "1.4"}, {6, "1.5"}};

// The length a message of each type must have (exact) or at least have,
// by the structure sizes of the 1.0 and 1.3 specifications: tcpdump checks
// them at every verbosity and calls the message invalid otherwise.
struct Need {
  bool exact;
  std::uint16_t length;
};
constexpr Need kNeed10[] = {{false, 8},  {false, 12}, {false, 8},  {false, 8},  {false, 12}, {true, 8},
                            {false, 32}, {true, 8},   {true, 12},  {true, 12},  {false, 18}, {true, 88},
                            {true, 64},  {false, 16}, {false, 72}, {true, 32},  {false, 12}, {false, 12},
                            {true, 8},   {true, 8},   {true, 12},  {false, 16}};
// (tcpdump 4.99.3 leaves the 1.3 types it has no body printer for at the
// header's 8: PACKET_IN, FLOW_REMOVED, PACKET_OUT, FLOW_MOD, GROUP_MOD, the
// multipart messages, QUEUE_GET_CONFIG_REPLY and METER_MOD.)
constexpr Need kNeed13[] = {{false, 8},  {false, 12}, {false, 8},  {false, 8},  {false, 16}, {true, 8},
                            {true, 32},  {true, 8},   {true, 12},  {true, 12},  {false, 8},  {false, 8},
                            {true, 80},  {false, 8},  {false, 8},  {false, 8},  {true, 40},  {true, 16},
                            {false, 8},  {false, 8},  {true, 8},   {true, 8},   {true, 16},  {false, 8},
                            {true, 24},  {true, 24},  {true, 8},   {true, 32},  {true, 32},  {false, 8}};

constexpr std::string_view kTypes10[] = {
    "HELLO",        "ERROR",        "ECHO_REQUEST",   "ECHO_REPLY",  "VENDOR",        "FEATURES_REQUEST",
    "FEATURES_REPLY", "GET_CONFIG_REQUEST", "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED",
    "PORT_STATUS",  "PACKET_OUT",   "FLOW_MOD",       "PORT_MOD",    "STATS_REQUEST", "STATS_REPLY",
    "BARRIER_REQUEST", "BARRIER_REPLY", "QUEUE_GET_CONFIG_REQUEST", "QUEUE_GET_CONFIG_REPLY"};
constexpr std::string_view kTypes13[] = {
    "HELLO",          "ERROR",          "ECHO_REQUEST",      "ECHO_REPLY",        "EXPERIMENTER",
    "FEATURES_REQUEST", "FEATURES_REPLY", "GET_CONFIG_REQUEST", "GET_CONFIG_REPLY", "SET_CONFIG",
    "PACKET_IN",      "FLOW_REMOVED",   "PORT_STATUS",       "PACKET_OUT",        "FLOW_MOD",
    "GROUP_MOD",      "PORT_MOD",       "TABLE_MOD",         "MULTIPART_REQUEST", "MULTIPART_REPLY",
    "BARRIER_REQUEST", "BARRIER_REPLY", "QUEUE_GET_CONFIG_REQUEST", "QUEUE_GET_CONFIG_REPLY", "ROLE_REQUEST",
    "ROLE_REPLY",     "GET_ASYNC_REQUEST", "GET_ASYNC_REPLY", "SET_ASYNC",         "METER_MOD"};

// The type's name for the versions tcpdump 4.99.3 knows (1.0, 1.3), else "".
std::string_view type_name(std::uint8_t version, std::uint8_t type) {
  if (version == 1 && type < std::size(kTypes10)) return kTypes10[type];
  if (version == 4 && type < std::size(kTypes13)) return kTypes13[type];
  return {};
}

constexpr std::uint32_t kHeader = 8;

// False when the type is known and its length is not what it must be.
bool length_ok(std::uint8_t version, std::uint8_t type, std::uint16_t length) {
  const Need* need = nullptr;
  if (version == 1 && type < std::size(kNeed10)) need = &kNeed10[type];
  if (version == 4 && type < std::size(kNeed13)) need = &kNeed13[type];
  if (!need) return true;
  return need->exact ? length == need->length : length >= need->length;
}

std::uint64_t be64_at(Bytes b, std::size_t off) { return std::uint64_t(be32_at(b, off)) << 32 | be32_at(b, off + 4); }

std::string hex64(std::uint64_t v) {
  std::string s;
  Out o(s);
  o << "0x", o.hex(v, 16);
  return s;
}

// An ofp_phy_port (48 bytes at m[at]) as JSON.
void json_of10_port(JsonWriter& w, Bytes m, std::size_t at) {
  w.begin_object();
  w.member("port_no", be16_at(m, at));
  w.member("hw_addr", mac_text(sub(m, at + 2, 6)));
  std::string name;
  Out text(name);
  for (std::uint8_t ch : sub(m, at + 8, 16)) {
    if (ch == 0) break;
    print_char(text, ch);
  }
  w.member("name", name);
  w.member("config", be32_at(m, at + 24));
  w.member("state", be32_at(m, at + 28));
  w.end_object();
}

// The typed fields of a 1.0 message body of len bytes at m[at], captured
// whole and of a length its type allows (so every fixed field is there).
void json_of10_body(JsonWriter& w, std::uint8_t type, Bytes m, std::size_t at, std::uint32_t len) {
  switch (type) {
    case 1: w.member("error_type", be16_at(m, at)), w.member("error_code", be16_at(m, at + 2)); break;
    case 4: w.member("vendor", be32_at(m, at)); break;
    case 6:
      w.member("datapath_id", hex64(be64_at(m, at)));
      w.member("n_buffers", be32_at(m, at + 8)), w.member("n_tables", m[at + 12]);
      w.member("capabilities", be32_at(m, at + 16)), w.member("actions", be32_at(m, at + 20));
      w.key("ports");
      w.begin_array();
      for (std::size_t k = 24; k + 48 <= len; k += 48) json_of10_port(w, m, at + k);
      w.end_array();
      break;
    case 8:
    case 9: w.member("flags", be16_at(m, at)), w.member("miss_send_len", be16_at(m, at + 2)); break;
    case 10:
      w.member("buffer_id", be32_at(m, at)), w.member("total_len", be16_at(m, at + 4));
      w.member("in_port", be16_at(m, at + 6)), w.member("reason", m[at + 8]);
      w.member("data_length", len - 10);
      break;
    case 11:
      w.member("cookie", hex64(be64_at(m, at + 40))), w.member("priority", be16_at(m, at + 48));
      w.member("reason", m[at + 50]), w.member("duration_sec", be32_at(m, at + 52));
      w.member("packet_count", be64_at(m, at + 64)), w.member("byte_count", be64_at(m, at + 72));
      break;
    case 12:
      w.member("reason", m[at]);
      w.key("port");
      json_of10_port(w, m, at + 8);
      break;
    case 13:
      w.member("buffer_id", be32_at(m, at)), w.member("in_port", be16_at(m, at + 4));
      w.member("actions_len", be16_at(m, at + 6));
      break;
    case 14:
      w.member("cookie", hex64(be64_at(m, at + 40))), w.member("command", be16_at(m, at + 48));
      w.member("idle_timeout", be16_at(m, at + 50)), w.member("hard_timeout", be16_at(m, at + 52));
      w.member("priority", be16_at(m, at + 54)), w.member("buffer_id", be32_at(m, at + 56));
      w.member("out_port", be16_at(m, at + 60)), w.member("flags", be16_at(m, at + 62));
      w.member("actions_length", len - 64);
      break;
    case 16:
    case 17: w.member("stats_type", be16_at(m, at)), w.member("stats_flags", be16_at(m, at + 2)); break;
    case 20:
    case 21: w.member("port", be16_at(m, at)); break;
    default: break;
  }
}

// The typed fields of the 1.3 bodies tcpdump decodes (the same conditions).
void json_of13_body(JsonWriter& w, std::uint8_t type, Bytes m, std::size_t at) {
  switch (type) {
    case 1: w.member("error_type", be16_at(m, at)), w.member("error_code", be16_at(m, at + 2)); break;
    case 4: w.member("experimenter", be32_at(m, at)), w.member("exp_type", be32_at(m, at + 4)); break;
    case 6:
      w.member("datapath_id", hex64(be64_at(m, at)));
      w.member("n_buffers", be32_at(m, at + 8)), w.member("n_tables", m[at + 12]);
      w.member("auxiliary_id", m[at + 13]), w.member("capabilities", be32_at(m, at + 16));
      break;
    case 8:
    case 9: w.member("flags", be16_at(m, at)), w.member("miss_send_len", be16_at(m, at + 2)); break;
    case 12: w.member("reason", m[at]), w.member("port_no", be32_at(m, at + 8)); break;
    case 16: w.member("port_no", be32_at(m, at)), w.member("config", be32_at(m, at + 16)); break;
    case 24:
    case 25: w.member("role", be32_at(m, at)), w.member("generation_id", hex64(be64_at(m, at + 8))); break;
    default: break;
  }
}

}  // namespace

void decode_openflow(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "openflow";
  auto& f = c.d.push<OpenflowL>();
  f.msg = r.rest();
  f.length = length;
}

void print_openflow(PrintCtx& p, std::size_t i) {
  p.proto = "openflow";
  const auto& f = at<OpenflowL>(p.d, i);
  Out& o = p.o;
  Bytes b = f.msg;
  std::uint32_t len = f.length;
  std::size_t at = 0;
  o << ": OpenFlow";
  auto partial = [&] {
    o << " (end of TCP payload)";
    sub(b, at, len);  // tcpdump checks the rest was captured
  };
  while (len) {
    std::uint8_t version = sub(b, at, 1)[0];
    ++at, --len;
    o << "\n\tversion ";
    if (auto name = tok_name(kVersions, version); !name.empty()) o << name;
    else o << "unknown (0x", o.hex(version, 2) << ')';
    if (len < 1) return partial();
    std::uint8_t type = sub(b, at, 1)[0];
    ++at, --len;
    if (auto name = type_name(version, type); !name.empty()) o << ", type " << name;
    else o << ", type unknown (0x", o.hex(type, 2) << ')';
    if (len < 2) return partial();
    std::uint16_t mlen = be16_at(b, at);
    at += 2, len -= 2;
    o << ", length ";
    o.u(mlen);
    if (mlen < kHeader) o << " (too short!)";
    if (len < 4) return partial();
    std::uint32_t xid = be32_at(b, at);
    o << ", xid 0x";
    o.hex(xid, 8);
    at += 4, len -= 4;
    if (mlen < kHeader) {
      o << " (invalid)";
      sub(b, at, len);  // and the rest of the segment captured, or [|openflow]
      return;
    }
    bool ok = length_ok(version, type, mlen);
    bool body = ok && p.opt.verbose > 0 && (version == 1 || version == 4);
    if (!ok) o << " (invalid)";
    else if (body && version == 1) print_of10_body(p, b, at, mlen - kHeader, type);
    else if (body) print_of13_body(p, b, at, mlen - kHeader, type);
    // A body printer checks what it reads, as tcpdump's do, and nothing
    // after a message that runs past the segment prints; otherwise the body
    // must be captured (the capture ends with the segment), or [|openflow].
    if (body && mlen - kHeader > len) return;
    if (!body) sub(b, at, mlen - kHeader);
    at += mlen - kHeader;
    len -= mlen - kHeader;
  }
}

void json_openflow(JsonWriter& w, const OpenflowL& l) {
  w.member("layer", "openflow");
  w.member("length", l.length);
  w.key("messages");
  w.begin_array();
  std::size_t at = 0;
  std::uint32_t left = l.length;
  while (left >= kHeader && at + kHeader <= l.msg.size()) {
    std::uint8_t version = l.msg[at], type = l.msg[at + 1];
    std::uint16_t mlen = be16_at(l.msg, at + 2);
    w.begin_object();
    w.member("version", static_cast<unsigned>(version));
    if (auto name = type_name(version, type); !name.empty()) w.member("type", name);
    else w.member("type", static_cast<unsigned>(type));
    w.member("length", static_cast<unsigned>(mlen));
    w.member("xid", be32_at(l.msg, at + 4));
    if (version == 1 && mlen >= kHeader && mlen <= left && at + mlen <= l.msg.size() && length_ok(version, type, mlen))
      json_of10_body(w, type, l.msg, at + kHeader, mlen - kHeader);
    if (version == 4 && mlen >= kHeader && mlen <= left && at + mlen <= l.msg.size() && length_ok(version, type, mlen))
      json_of13_body(w, type, l.msg, at + kHeader);
    w.end_object();
    if (mlen < kHeader || mlen > left) break;
    at += mlen;
    left -= mlen;
  }
  w.end_array();
}

}  // namespace netlab::proto
