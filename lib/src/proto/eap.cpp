// IEEE 802.1X EAPOL (ethertype 0x888e; IEEE 802.1X-2004 clause 7) and the
// EAP packet inside it (RFC 3748 4; the TLS flags of RFC 5216 3.1, TTLS of
// RFC 5281, FAST of RFC 4851, SIM and AKA subtypes of RFC 4186 and 4187).
// The text follows tcpdump 4.99.3's print-eap.c: "EAP packet (0) v1, len 5"
// at -n, the EAP code, id, length and type from -v on. RADIUS's EAP-Message
// attribute (radius.cpp) prints its value with the same EAP printer. Its
// quirks are kept: an EAP length other than the EAPOL (or attribute) length
// prints "EAP fragment?" and nothing more.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::size_t kEapolHeader = 4;

constexpr Tok kFrameTypes[] = {{0, "EAP packet"},
                               {1, "EAPOL start"},
                               {2, "EAPOL logoff"},
                               {3, "EAPOL key"},
                               {4, "Encapsulated ASF alert"}};
constexpr Tok kCodes[] = {{1, "Request"}, {2, "Response"}, {3, "Success"}, {4, "Failure"}};
constexpr Tok kTypes[] = {{0, "No proposed"}, {1, "Identity"}, {2, "Notification"}, {3, "Nak"},
                          {4, "MD5-challenge"}, {5, "OTP"}, {6, "GTC"}, {13, "TLS"},
                          {18, "SIM"}, {21, "TTLS"}, {23, "AKA"}, {43, "FAST"},
                          {254, "Expanded types"}, {255, "Experimental"}};
constexpr Tok kSimAkaSubtypes[] = {{1, "Challenge"},     {2, "Auth reject"}, {4, "Sync failure"},
                                   {5, "Identity"},      {10, "Start"},      {11, "Challenge"},
                                   {12, "Notification"}, {13, "Reauth"},     {14, "Client error"}};
constexpr Tok kTlsFlags[] = {{0x80, "L bit"}, {0x40, "More fragments bit"}, {0x20, "Start bit"}};

enum : std::uint8_t { kRequest = 1, kResponse = 2 };
enum : std::uint8_t { kIdentity = 1, kNotification = 2, kNak = 3, kTls = 13, kSim = 18, kTtls = 21, kAka = 23,
                      kFast = 43 };

// tcpdump's bittok2str: the names of the set bits joined by ", ", or "none".
void flag_names(Out& o, std::uint8_t flags) {
  bool first = true;
  for (const auto& t : kTlsFlags) {
    if (!(flags & t.value)) continue;
    o << (first ? "" : ", ") << t.name;
    first = false;
  }
  if (first) o << "none";
}

// tcpdump's nd_printzp on captured bytes: characters up to a NUL.
void printzp(Out& o, Bytes b) {
  for (auto c : b) {
    if (c == 0) break;
    print_char(o, c);
  }
}

// TLS, TTLS and FAST: the version (TTLS, FAST), the flags, and the TLS
// message length when the L bit is set.
void tls_like(Out& o, Bytes m, std::uint8_t type) {
  std::uint8_t flags = sub(m, 5, 1)[0];
  if (type == kTtls) o << " TTLSv";
  if (type == kFast) o << " FASTv";
  if (type != kTls) o.u(flags & 0x07);
  o << " flags [";
  flag_names(o, flags);
  o << "] 0x";
  o.hex(flags, 2);
  if (flags & 0x80) {
    o << ", len ";
    o.u(be32_at(m, 6));
  }
}

// A request's or response's type and what tcpdump prints of its data;
// m the captured bytes from the EAP packet on (its len bytes among them);
// the type's fields are checked against the capture, not len, as tcpdump's.
void type_data(Out& o, Bytes m, std::uint32_t len) {
  std::uint8_t type = sub(m, 4, 1)[0];
  o << "\n\t\t Type ";
  name_or(o, kTypes, type, "unknown") << " (";
  o.u(type) << ')';
  switch (type) {
    case kIdentity:
    case kNotification:
      if (len > 5) {
        o << (type == kIdentity ? ", Identity: " : ", Notification: ");
        printzp(o, m.subspan(5, len - 5));
      }
      return;
    case kNak:
      for (std::uint32_t k = 5; k < len; ++k) {
        o << (k == 5 ? " " : ", ");
        name_or(o, kTypes, m[k], "unknown") << " (";
        o.u(m[k]) << ')';
      }
      return;
    case kTls:
    case kTtls:
    case kFast: return tls_like(o, m, type);
    case kSim:
    case kAka: {
      std::uint8_t subtype = sub(m, 5, 1)[0];
      o << " subtype [";
      name_or(o, kSimAkaSubtypes, subtype, "unknown") << "] 0x";
      o.hex(subtype, 2);
      return;
    }
    default: return;
  }
}

}  // namespace

void print_eap_packet(Out& o, Bytes m, std::uint32_t length, std::string_view proto) {
  try {
    std::uint8_t code = sub(m, 0, 1)[0];
    std::uint16_t len = be16_at(m, 2);
    if (len != length) return void(o << "EAP fragment?");
    name_or(o, kCodes, code, "unknown") << " (";
    o.u(code) << "), id ";
    o.u(m[1]) << ", len ";
    o.u(len);
    sub(m, 0, len);  // tcpdump's ND_TCHECK_LEN after the line
    if (code != kRequest && code != kResponse) return;
    if (len < 5) return void(o << " (too short for EAP request/response)");
    type_data(o, m, len);
  } catch (const Truncated&) {
    o << " [|" << proto << ']';  // tcpdump's eap_print returns after its trunc label
  }
}

void decode_eapol(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "eap";
  auto& e = c.d.push<EapolL>();
  e.msg = r.rest().first(std::min<std::size_t>(r.remaining(), length));
  e.length = length;
  if (e.msg.size() < kEapolHeader) c.d.last()->status = Status::Truncated;
}

void print_eapol(PrintCtx& p, std::size_t i) {
  p.proto = "eap";
  const auto& e = at<EapolL>(p.d, i);
  Out& o = p.o;
  Bytes m = sub(e.msg, 0, kEapolHeader);
  name_or(o, kFrameTypes, m[1], "unknown") << " (";
  o.u(m[1]) << ") v";
  o.u(m[0]) << ", len ";
  o.u(be16_at(m, 2));
  if (!p.opt.verbose || m[1] != 0) return;
  if (e.msg.size() >= kEapolHeader + 4) o << ", ";  // tcpdump's comma follows the EAP header's check
  print_eap_packet(o, e.msg.subspan(kEapolHeader), be16_at(m, 2), "eap");
}

// The EAPOL header and, for an EAP packet, its code, id, length and type.
void json_eapol(JsonWriter& w, const EapolL& l) {
  w.member("layer", "eapol");
  w.member("length", l.length);
  Bytes m = l.msg;
  if (m.size() < kEapolHeader) {
    w.member("truncated", true);
    return;
  }
  w.member("version", m[0]);
  w.member("type", m[1]);
  w.member("type_name", tok_name(kFrameTypes, m[1]));
  w.member("body_length", be16_at(m, 2));
  if (m[1] != 0 || m.size() < kEapolHeader + 4) return;
  Bytes eap = m.subspan(kEapolHeader);
  w.key("eap");
  w.begin_object();
  w.member("code", eap[0]);
  w.member("code_name", tok_name(kCodes, eap[0]));
  w.member("id", eap[1]);
  w.member("length", be16_at(eap, 2));
  if ((eap[0] == kRequest || eap[0] == kResponse) && eap.size() > 4) {
    w.member("type", eap[4]);
    w.member("type_name", tok_name(kTypes, eap[4]));
  }
  w.end_object();
}

}  // namespace netlab::proto
