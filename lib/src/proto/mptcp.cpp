// Multipath TCP options (TCP option kind 30; RFC 8684, and RFC 6824 for
// version 0): MP_CAPABLE, MP_JOIN, DSS, ADD_ADDR, REMOVE_ADDR, MP_PRIO,
// MP_FAIL and MP_FASTCLOSE, read into one MptcpOption that the text printer
// (tcpdump 4.99.3's "mptcp LEN SUBTYPE ..." inside "options [...]") and the
// JSON writer both use. tcpdump accepts each subtype only at the lengths
// (and, for some, the TCP flags) the RFC gives it; any other length is its
// "[bad opt]", which `ok == false` carries here.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::string_view kSubtypes[] = {"capable", "join", "dss", "add-addr", "rem-addr",
                                          "prio", "fail", "fast-close", "unknown"};
constexpr std::uint8_t kSyn = 0x02, kAck = 0x10;

std::uint64_t be64(ByteReader& r) {
  std::uint64_t hi = r.be32();
  return hi << 32 | r.be32();
}

// ADD_ADDR's low four bits: the version (and IP version for v0) or echo.
constexpr Tok kAddAddrKinds[] = {{0x6, "v0-ip6"}, {0x4, "v0-ip4"}, {0x1, "v1-echo"}, {0x0, "v1"}};

void read_capable(MptcpOption& m, ByteReader& r, std::uint32_t len, std::uint8_t flags) {
  bool syn_len = (len == 12 || len == 4) && (flags & kSyn);
  bool ack_len = (len == 20 || len == 22) && (flags & (kSyn | kAck)) == kAck;
  if (!syn_len && !ack_len) return;
  m.version = r.u8() & 0x0f;
  m.ok = true;
  if (m.version > 1) return;  // tcpdump names the version and stops
  m.csum_flag = (r.u8() & 0x80) != 0;
  if (len == 12 || len >= 20) {
    m.key = be64(r);
    m.has_key = true;
  }
  if (len >= 20) {
    m.key2 = be64(r);
    m.has_key2 = true;
  }
}

void read_join(MptcpOption& m, ByteReader& r, std::uint32_t len, std::uint8_t flags) {
  bool syn = len == 12 && (flags & kSyn);
  bool synack = len == 16 && (flags & (kSyn | kAck)) == (kSyn | kAck);
  bool ack = len == 24 && (flags & kAck);
  if (!syn && !synack && !ack) return;
  m.backup = (r.u8() & 0x01) != 0;
  m.addr_id = r.u8();
  if (len == 12) {
    m.token = r.be32();
    m.nonce = r.be32();
  } else if (len == 16) {
    m.key = be64(r);  // the truncated HMAC
    m.nonce = r.be32();
  } else {
    m.mac = r.bytes(20);
  }
  m.ok = true;
}

// DSS: each field is present by its flag; the checksum only when two bytes
// are left, and anything left after that is a bad length. `dss_read` counts
// the fields read in wire order (ack, data seq, subflow seq, length), as
// far as the length allowed: tcpdump prints each one before reading the next.
void read_dss(MptcpOption& m, ByteReader& r, std::uint32_t len, std::uint8_t flags) {
  if (len < 4 || (flags & kSyn)) return;
  r.skip(1);
  m.dss_flags = r.u8();
  std::uint32_t left = len - 4;
  auto take = [&](std::uint32_t n, std::uint64_t& v) {
    if (left < n) return false;
    v = n == 8 ? be64(r) : n == 4 ? r.be32() : r.be16();
    left -= n;
    ++m.dss_read;
    return true;
  };
  m.has_ack = (m.dss_flags & 0x01) != 0;
  m.has_map = (m.dss_flags & 0x04) != 0;
  if (m.has_ack && !take(m.dss_flags & 0x02 ? 8 : 4, m.data_ack)) return;
  if (m.has_map) {
    std::uint64_t subseq = 0, dlen = 0;
    if (!take(m.dss_flags & 0x08 ? 8 : 4, m.data_seq)) return;
    if (!take(4, subseq)) return;
    m.subflow_seq = static_cast<std::uint32_t>(subseq);
    if (!take(2, dlen)) return;
    m.data_len = static_cast<std::uint16_t>(dlen);
    if (left >= 2) {
      m.has_csum = true;
      m.csum = r.be16();
      left -= 2;
    }
  }
  m.ok = left == 0;
}

void read_add_addr(MptcpOption& m, ByteReader& r, std::uint32_t len) {
  bool v4 = len == 8 || len == 10 || len == 16 || len == 18;
  bool v6 = len == 20 || len == 22 || len == 28 || len == 30;
  if (!v4 && !v6) return;
  m.version = r.u8() & 0x0f;
  m.addr_id = r.u8();
  m.addr = r.bytes(v4 ? 4 : 16);
  if (len == 10 || len == 18 || len == 22 || len == 30) {
    m.port = r.be16();
    m.has_port = true;
  }
  if (len == 16 || len == 18 || len == 28 || len == 30) {
    m.key = be64(r);  // the truncated HMAC
    m.has_key = true;
  }
  m.ok = true;
}

}  // namespace

MptcpOption read_mptcp_option(Bytes opt, std::uint8_t tcp_flags) {
  MptcpOption m;
  ByteReader r(opt);
  r.skip(1);
  m.length = r.u8();
  if (m.length < 3) return m;
  std::uint8_t sub = r.peek8(0) >> 4;
  m.subtype = sub > 8 ? 8 : sub;
  std::uint32_t len = m.length;
  switch (m.subtype) {
    case 0: read_capable(m, r, len, tcp_flags); break;
    case 1: read_join(m, r, len, tcp_flags); break;
    case 2: read_dss(m, r, len, tcp_flags); break;
    case 3: read_add_addr(m, r, len); break;
    case 4:
      if (len < 4) break;
      r.skip(1);
      m.ids = r.bytes(len - 3);
      m.ok = true;
      break;
    case 5:
      if (len != 3 && len != 4) break;
      m.backup = (r.u8() & 0x01) != 0;
      if (len == 4) m.addr_id = r.u8(), m.has_addr_id = true;
      m.ok = true;
      break;
    case 6:
    case 7:
      if (len != 12) break;
      r.skip(2);
      m.key = be64(r);  // MP_FAIL's data sequence number, MP_FASTCLOSE's key
      m.ok = true;
      break;
    default: m.ok = true; break;  // "unknown": nothing more to say
  }
  return m;
}

namespace {

// MP_CAPABLE past its name: the version, the checksum flag and the keys.
bool print_capable(Out& o, const MptcpOption& m) {
  if (!m.ok) return false;
  if (m.version > 1) {
    o << " Unknown Version (";
    o.u(m.version) << ')';
    return true;
  }
  o << " v";
  o.u(m.version);
  if (m.csum_flag) o << " csum";
  if (m.has_key) {
    o << " {0x";
    o.hex(m.key);
    if (m.has_key2) o << ",0x", o.hex(m.key2);
    o << '}';
  }
  return true;
}

// MP_JOIN past its name: the SYN's token, the SYN/ACK's HMAC and nonce, or
// the ACK's HMAC.
bool print_join(Out& o, const MptcpOption& m) {
  if (!m.ok) return false;
  if (m.length != 24) {
    if (m.backup) o << " backup";
    o << " id ";
    o.u(m.addr_id);
  }
  if (m.length == 12) {
    o << " token 0x";
    o.hex(m.token) << " nonce 0x";
    o.hex(m.nonce);
  } else if (m.length == 16) {
    o << " hmac 0x";
    o.hex(m.key) << " nonce 0x";
    o.hex(m.nonce);
  } else {
    o << " hmac 0x";
    for (auto b : m.mac) o.hex(b, 2);
  }
  return true;
}

// DSS past its name: the data ACK and the mapping.
bool print_dss(Out& o, const MptcpOption& m, std::uint8_t tcp_flags) {
  if (m.length < 4 || (tcp_flags & kSyn)) return false;
  // tcpdump prints each field as it reads it, so a bad length still
  // shows the fields before it.
  unsigned n = 0;
  if (m.dss_flags & 0x10) o << " fin";
  if (m.has_ack) {
    o << " ack ";
    if (n++ >= m.dss_read) return false;
    o.u(m.data_ack);
  }
  if (m.has_map) {
    o << " seq ";
    if (n++ >= m.dss_read) return false;
    o.u(m.data_seq);
    if (n++ >= m.dss_read) return false;
    o << " subseq ";
    o.u(m.subflow_seq);
    if (n++ >= m.dss_read) return false;
    o << " len ";
    o.u(m.data_len);
    if (m.has_csum) o << " csum 0x", o.hex(m.csum);
  }
  return m.ok;
}

// ADD_ADDR past its name: the kind, the id, the address, port and HMAC.
bool print_add_addr(Out& o, const MptcpOption& m) {
  if (!m.ok) return false;
  o << ' ';
  if (auto name = tok_name(kAddAddrKinds, m.version); !name.empty()) o << name;
  else o << "[bad version/echo]";  // tcpdump's default has no number in it
  o << " id ";
  o.u(m.addr_id) << ' ';
  if (m.addr.size() == 4) o.ip4(m.addr);
  else o.ip6(m.addr);
  if (m.has_port) o << ':', o.u(m.port);
  if (m.has_key) o << " hmac 0x", o.hex(m.key);
  return true;
}

}  // namespace

bool print_mptcp_option(Out& o, Bytes opt, std::uint8_t tcp_flags) {
  MptcpOption m = read_mptcp_option(opt, tcp_flags);
  if (m.length < 3) return false;
  o << ' ';
  o.u(m.length) << ' ' << kSubtypes[m.subtype];
  switch (m.subtype) {
    case 0: return print_capable(o, m);
    case 1: return print_join(o, m);
    case 2: return print_dss(o, m, tcp_flags);
    case 3: return print_add_addr(o, m);
    case 4:
      if (!m.ok) return false;
      o << " id";
      for (auto id : m.ids) o << ' ', o.u(id);
      return true;
    case 5:
      if (!m.ok) return false;
      o << (m.backup ? " backup" : " non-backup");
      if (m.has_addr_id) o << " id ", o.u(m.addr_id);
      return true;
    case 6:
      if (!m.ok) return false;
      o << " seq ";
      o.u(m.key);
      return true;
    case 7:
      if (!m.ok) return false;
      o << " key 0x";
      o.hex(m.key);
      return true;
    default: return true;
  }
}

void json_mptcp_option(JsonWriter& w, Bytes opt, std::uint8_t tcp_flags) {
  MptcpOption m = read_mptcp_option(opt, tcp_flags);
  w.member("kind", "mptcp");
  w.member("length", static_cast<unsigned>(m.length));
  if (m.length < 3) {
    w.member("valid", false);
    return;
  }
  w.member("subtype", kSubtypes[m.subtype]);
  w.member("valid", m.ok);
  if (!m.ok) return;
  switch (m.subtype) {
    case 0:
      w.member("version", static_cast<unsigned>(m.version));
      if (m.version > 1) return;
      w.member("checksum_required", m.csum_flag);
      if (m.has_key) w.member("sender_key", m.key);
      if (m.has_key2) w.member("receiver_key", m.key2);
      return;
    case 1:
      if (m.length != 24) {
        w.member("backup", m.backup);
        w.member("addr_id", static_cast<unsigned>(m.addr_id));
      }
      if (m.length == 12) {
        w.member("token", m.token);
        w.member("nonce", m.nonce);
      } else if (m.length == 16) {
        w.member("hmac", m.key);
        w.member("nonce", m.nonce);
      } else {
        w.member("hmac", hex_text(m.mac));
      }
      return;
    case 2:
      w.member("data_fin", (m.dss_flags & 0x10) != 0);
      if (m.has_ack) w.member("data_ack", m.data_ack);
      if (m.has_map) {
        w.member("data_seq", m.data_seq);
        w.member("subflow_seq", m.subflow_seq);
        w.member("data_length", static_cast<unsigned>(m.data_len));
        if (m.has_csum) w.member("checksum", static_cast<unsigned>(m.csum));
      }
      return;
    case 3:
      w.member("version", std::string(tok_name(kAddAddrKinds, m.version)));
      w.member("addr_id", static_cast<unsigned>(m.addr_id));
      w.member("address", m.addr.size() == 4 ? ip4_text(m.addr) : ip6_text(m.addr));
      if (m.has_port) w.member("port", static_cast<unsigned>(m.port));
      if (m.has_key) w.member("hmac", m.key);
      return;
    case 4:
      w.key("addr_ids");
      w.begin_array();
      for (auto id : m.ids) w.value(static_cast<std::uint64_t>(id));
      w.end_array();
      return;
    case 5:
      w.member("backup", m.backup);
      if (m.has_addr_id) w.member("addr_id", static_cast<unsigned>(m.addr_id));
      return;
    case 6: w.member("data_seq", m.key); return;
    case 7: w.member("key", m.key); return;
    default: return;
  }
}

}  // namespace netlab::proto
