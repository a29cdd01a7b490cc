// Kerberos on UDP 88 and 750. Version 4: the Athena Technical Plan, section
// E.2.1 (Kerberos Authentication and Authorization System), appendix I;
// version 5: RFC 4120 (its ASN.1 is not decoded, as tcpdump does not).
//
// The text follows tcpdump 4.99.3's print-krb.c: " v4 be KDC_REQUEST:
// name.instance@realm 90min service.instance", " v5" for an ASN.1 message
// (first byte 106 or 107), " v1".." v3", nothing for other first bytes. The
// version 4 strings are NUL-terminated and printed with tcpdump's character
// escapes (M- and ^); one that runs to the end of the capture ends the line
// with " [|krb]" from the printer itself (tcpdump's c_print), a fixed field
// past the capture ends it the same way by unwinding. Verbosity changes
// nothing here.
#include "proto/proto.hpp"

#include <algorithm>
#include <optional>

namespace netlab::proto {
namespace {

// Version 4 message types: the type byte less its byte-order bit.
constexpr std::uint8_t kKdcRequest = 1 << 1, kKdcReply = 2 << 1, kApplRequest = 3 << 1, kErrReply = 5 << 1;

constexpr Tok kTypes[] = {{1 << 1, "KDC_REQUEST"}, {2 << 1, "KDC_REPLY"}, {3 << 1, "APPL_REQUEST"},
                          {4 << 1, "APPL_REQUEST_MUTUAL"}, {5 << 1, "ERR_REPLY"}, {6 << 1, "PRIVATE"},
                          {7 << 1, "SAFE"}, {8 << 1, "APPL_ERR"}, {63 << 1, "DIE"}};

constexpr Tok kErrors[] = {{0, "OK"},
                           {1, "NAME_EXP"},
                           {2, "SERVICE_EXP"},
                           {3, "AUTH_EXP"},
                           {4, "PKT_VER"},
                           {5, "NAME_MAST_KEY_VER"},
                           {6, "SERV_MAST_KEY_VER"},
                           {7, "BYTE_ORDER"},
                           {8, "PRINCIPAL_UNKNOWN"},
                           {9, "PRINCIPAL_NOT_UNIQUE"},
                           {10, "NULL_KEY"}};

// A NUL-terminated string at m[at]: its bytes, and where the next field
// starts; nullopt when the capture ends before the NUL (the bytes it has
// are in `cut`).
struct CString {
  Bytes text;
  std::size_t next = 0;
};
std::optional<CString> c_string(Bytes m, std::size_t at, Bytes* cut = nullptr) {
  Bytes rest = at < m.size() ? m.subspan(at) : Bytes{};
  auto nul = std::find(rest.begin(), rest.end(), std::uint8_t{0});
  if (nul == rest.end()) {
    if (cut) *cut = rest;
    return std::nullopt;
  }
  std::size_t n = static_cast<std::size_t>(nul - rest.begin());
  return CString{rest.first(n), at + n + 1};
}

void chars(Out& o, Bytes b) {
  for (auto c : b) print_char(o, c);
}

std::string text_of(Bytes b) {
  std::string s;
  Out o(s);
  chars(o, b);
  return s;
}

// tcpdump's own truncation notice inside the printer: the line ends here.
[[noreturn]] void local_trunc(PrintCtx& p) {
  p.local_trunc = true;
  throw Truncated{};
}

// The byte order bit of the type byte: 16-bit fields in little-endian.
std::uint16_t field16(Bytes m, std::size_t at, bool le) {
  Bytes b = sub(m, at, 2);
  return le ? static_cast<std::uint16_t>(b[1] << 8 | b[0]) : static_cast<std::uint16_t>(b[0] << 8 | b[1]);
}

// One string field, printed; ends the line when the capture ends first.
std::size_t string_field(PrintCtx& p, Bytes m, std::size_t at) {
  Bytes cut;
  auto s = c_string(m, at, &cut);
  if (!s) {
    chars(p.o, cut);
    local_trunc(p);
  }
  chars(p.o, s->text);
  return s->next;
}

// name.instance@realm from offset 2 on.
std::size_t principal(PrintCtx& p, Bytes m) {
  std::size_t at = string_field(p, m, 2);
  p.o << '.';
  at = string_field(p, m, at);
  p.o << '@';
  return string_field(p, m, at);
}

void print_v4(PrintCtx& p, Bytes m) {
  Out& o = p.o;
  const std::uint8_t tb = sub(m, 1, 1)[0];
  const bool le = tb & 1;
  const std::uint8_t type = tb & 0xfe;
  o << ' ' << (le ? "le" : "be") << ' ';
  tok_print(o, kTypes, type, "#") << ": ";
  switch (type) {
    case kKdcRequest: {
      std::size_t at = principal(p, m) + 4;  // the client's time
      const unsigned minutes = sub(m, at, 1)[0] * 5u;  // read before anything of it is printed
      o << ' ';
      o.u(minutes) << "min ";
      at = string_field(p, m, at + 1);
      o << '.';
      string_field(p, m, at);
      return;
    }
    case kApplRequest: {
      const std::uint8_t kvno = sub(m, 2, 1)[0];
      o << 'v';
      o.u(kvno) << ' ';
      std::size_t at = string_field(p, m, 3);
      const std::uint8_t ticket = sub(m, at, 1)[0];
      o << " (";
      o.u(ticket) << ')';
      const std::uint8_t request = sub(m, at + 1, 1)[0];
      o << " (";
      o.u(request) << ')';
      return;
    }
    case kKdcReply: {
      std::size_t at = principal(p, m) + 10;  // time, count, expiry, key version
      const std::uint16_t cipher = field16(m, at, le);
      o << " (";
      o.u(cipher) << ')';
      return;
    }
    case kErrReply: {
      std::size_t at = principal(p, m) + 4;  // time
      const std::uint16_t code = field16(m, at, le);
      o << ' ';
      tok_print(o, kErrors, code, "#") << ' ';
      string_field(p, m, at + 4);
      return;
    }
    default: o << "(unknown)"; return;
  }
}

}  // namespace

void decode_krb(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "krb";
  auto& k = c.d.push<KrbL>();
  k.msg = r.rest();
  k.length = length;
  if (k.msg.empty()) c.d.last()->status = Status::Truncated;
}

void print_krb(PrintCtx& p, std::size_t i) {
  p.proto = "krb";
  const auto& k = at<KrbL>(p.d, i);
  Bytes m = k.msg;
  if (m.empty()) local_trunc(p);
  const std::uint8_t pvno = m[0];
  switch (pvno) {
    case 1:
    case 2:
    case 3: p.o << " v"; p.o.u(pvno); return;
    case 4: p.o << " v4"; print_v4(p, m); return;
    case 106:
    case 107: p.o << " v5"; return;
    default: return;
  }
}

// Version 4's fields by name, as far as captured; version 5 only its
// message's ASN.1 application tag.
void json_krb(JsonWriter& w, const KrbL& l) {
  w.member("layer", "krb");
  w.member("length", l.length);
  Bytes m = l.msg;
  if (m.empty()) {
    w.member("truncated", true);
    return;
  }
  const std::uint8_t pvno = m[0];
  if (pvno == 106 || pvno == 107) {
    w.member("version", 5);
    w.member("asn1_tag", pvno);
    return;
  }
  if (pvno < 1 || pvno > 4) {
    w.member("first_byte", pvno);
    return;
  }
  w.member("version", pvno);
  if (pvno != 4) return;
  if (m.size() < 2) {
    w.member("truncated", true);
    return;
  }
  const bool le = m[1] & 1;
  const std::uint8_t type = m[1] & 0xfe;
  w.member("byte_order", le ? "le" : "be");
  w.member("msg_type", type >> 1);
  w.member("msg_type_name", tok_name(kTypes, type));
  // The strings in order; false once the capture ends.
  std::size_t at = 2;
  auto str = [&](std::string_view key) {
    auto s = c_string(m, at);
    if (!s) return false;
    w.member(key, text_of(s->text));
    at = s->next;
    return true;
  };
  bool whole = true;
  auto principal_fields = [&] { return str("name") && str("instance") && str("realm"); };
  switch (type) {
    case kKdcRequest:
      whole = principal_fields();
      if (whole && at + 4 < m.size()) {
        w.member("lifetime_min", m[at + 4] * 5u);
        at += 5;
        whole = str("service") && str("service_instance");
      } else {
        whole = false;
      }
      break;
    case kApplRequest:
      if (m.size() < 3) {
        whole = false;
        break;
      }
      w.member("key_version", m[2]);
      at = 3;
      whole = str("realm");
      if (whole && at + 1 < m.size()) {
        w.member("ticket_length", m[at]);
        w.member("request_length", m[at + 1]);
      } else {
        whole = false;
      }
      break;
    case kKdcReply:
      whole = principal_fields() && at + 12 <= m.size();
      if (whole) w.member("cipher_length", field16(m, at + 10, le));
      break;
    case kErrReply:
      whole = principal_fields() && at + 6 <= m.size();
      if (whole) {
        std::uint16_t code = field16(m, at + 4, le);
        w.member("error_code", code);
        w.member("error_name", tok_name(kErrors, code));
        at += 8;
        whole = str("error_text");
      }
      break;
    default: break;
  }
  if (!whole) w.member("truncated", true);
}

}  // namespace netlab::proto
