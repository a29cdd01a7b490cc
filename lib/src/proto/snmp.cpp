// SNMP (RFC 1157 SNMPv1, RFC 1901 SNMPv2c, RFC 3416 PDUs, RFC 3412 and
// RFC 3414 SNMPv3 with the user-based security model) on UDP 161 and 162,
// printed as tcpdump 4.99.3's print-snmp.c prints it (built without libsmi:
// the Debian build), with -n: OIDs as dotted numbers.
//
// The message is BER (X.690). tcpdump reads it one element at a time
// (asn1_parse) and prints each as it goes, so a message that goes wrong
// still prints everything before the point where it did, then one bracketed
// word for what went wrong ("[len3<asnlen5]", "[comm!=STR]", "[no PDU]"),
// and the enclosing levels go on closing their "{ ... }" at -v. Two kinds
// of truncation: a tag or length octet that was not captured ends the
// packet with " [|snmp]" (tcpdump's GET_U_1 longjmp: Truncated here); the
// content of an element not captured prints " [|snmp]" in place, and the
// enclosing levels go on (tcpdump's ND_TCHECK_LEN and nd_print_trunc).
//
// One walker (Walk) reads the message for the text printer and for the JSON
// writer alike; the text goes to the printer's line, the typed fields
// (version, community, PDU, request id, error status and index, varbinds)
// to an Info the JSON writer writes out.
//
// Hostile input: every read goes through ByteReader's checked accessors
// (sub()); lengths are u_int arithmetic as tcpdump's, never trusted past the
// capture; every element read takes at least two octets of what is left,
// so the walk is linear in the message and what it keeps (the varbinds'
// text for JSON) is bounded by the message's size.
#include "proto/proto.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace netlab::proto {
namespace {

// ---- tcpdump's BER name tables, per class ---------------------------------
constexpr std::string_view kUniversal[] = {"U-0",  "Boolean", "Integer", "Bitstring", "String", "Null",
                                           "ObjID", "ObjectDes", "U-8", "U-9", "U-10", "U-11",
                                           "U-12", "U-13", "U-14", "U-15", "Sequence", "Set"};
constexpr std::string_view kApplication[] = {"IpAddress", "Counter", "Gauge", "TimeTicks", "Opaque", "C-5", "Counter64"};
constexpr std::string_view kContext[] = {"GetRequest", "GetNextRequest", "GetResponse", "SetRequest", "Trap",
                                         "GetBulk",    "Inform",         "V2Trap",      "Report"};
constexpr std::string_view kExceptions[] = {"noSuchObject", "noSuchInstance", "endOfMibView"};
constexpr std::string_view kPrivate[] = {"P-0"};
constexpr std::span<const std::string_view> kClassIds[] = {kUniversal, kApplication, kContext, kPrivate};

constexpr std::string_view kErrorStatus[] = {
    "noError",    "tooBig",        "noSuchName",        "badValue",            "readOnly",
    "genErr",     "noAccess",      "wrongType",         "wrongLength",         "wrongEncoding",
    "wrongValue", "noCreation",    "inconsistentValue", "resourceUnavailable", "commitFailed",
    "undoFailed", "authorizationError", "notWritable",  "inconsistentName"};
constexpr std::string_view kGenericTrap[] = {"coldStart", "warmStart", "linkDown", "linkUp", "authenticationFailure",
                                             "egpNeighborLoss", "enterpriseSpecific"};
constexpr std::string_view kVersion[] = {"SNMPv1", "SNMPv2c", "SNMPv2u", "SNMPv3"};

// PDU tags (context class, constructed).
enum Pdu : std::uint8_t { GetReq, GetNextReq, GetResp, SetReq, Trap, GetBulkReq, InformReq, V2Trap, Report };
constexpr bool is_read(unsigned id) { return id == GetReq || id == GetNextReq || id == GetBulkReq; }
// The PDUs whose error-status and error-index must be zero.
constexpr bool zero_errors(unsigned id) {
  return id == GetReq || id == GetNextReq || id == SetReq || id == InformReq || id == V2Trap || id == Report;
}

// What asn1_parse made of an element (tcpdump's struct be).
enum class Be : std::uint8_t { Any, Null, Octet, Oid, Int, Uns, Str, Seq, Inet, Pdu, Uns64, NoSuchObject, NoSuchInst, EndOfMibView };

struct Elem {
  Be type = Be::Any;
  std::uint8_t form = 0, cls = 0, id = 0;  // id: an octet, as tcpdump keeps it
  std::uint32_t asnlen = 0;
  std::size_t at = 0;  // the content's offset in the message
  std::int32_t integer = 0;
  std::uint32_t uns = 0;
  std::uint64_t uns64 = 0;
};

// ---- what JSON says --------------------------------------------------------
using Value = std::variant<std::monostate, std::int64_t, std::uint64_t, std::string>;
struct Field {
  std::string_view key;
  Value value;
};
struct Varbind {
  std::string oid;
  std::string type;
  std::string_view value_key = "value";  // "hex" for octets shown as hex
  Value value;
};
struct Info {
  std::vector<Field> fields;
  bool has_varbinds = false;
  std::vector<Varbind> varbinds;
  std::string error;  // the first bracketed complaint, as printed
  bool cut = false;   // an element's content not captured (" [|snmp]" in place)
};

// An OID's text without tcpdump's leading dot, for JSON.
std::string dotted(std::string s) { return s.empty() ? s : s.substr(1); }

std::string u32_text(std::uint64_t v) { return std::to_string(v); }
std::string i32_text(std::int32_t v) { return std::to_string(v); }

class Walk {
 public:
  Walk(Bytes msg, int verbose, Out& o, Info& info) : msg_(msg), v_(verbose), o_(o), info_(info) {}

  // snmp_print after its leading space: the whole message of `length` bytes.
  void message(std::uint32_t length);

 private:
  // ---- reads -------------------------------------------------------------
  std::uint8_t octet(std::size_t at) const { return sub(msg_, at, 1)[0]; }  // Truncated when not captured
  bool captured(std::size_t at, std::size_t n) const {
    ByteReader r(msg_);
    if (!r.has(at)) return false;
    r.skip(at);
    return r.has(n);
  }
  Bytes content(const Elem& e) const { return sub(msg_, e.at, e.asnlen); }

  // ---- text ----------------------------------------------------------------
  void text(std::string_view s) { o_ << s; }
  // A bracketed complaint: printed, and the first one kept for JSON.
  void complain(const std::string& s) {
    o_ << s;
    if (info_.error.empty()) info_.error = s;
  }
  void trunc() {
    o_ << " [|snmp]";
    info_.cut = true;
  }
  void field(std::string_view key, Value v) { info_.fields.push_back({key, std::move(v)}); }

  // tcpdump's asn1_parse: the element at `at` with `len` bytes of its
  // enclosing element left. The bytes it takes (header and content), or
  // nothing once it has printed why not.
  std::optional<std::uint32_t> parse(std::size_t at, std::uint32_t len, Elem& e);
  // tcpdump's asn1_print, asn1_print_octets and asn1_print_string.
  void print(const Elem& e);
  void print_octets(const Elem& e);
  void print_string(const Elem& e);
  // An element's value for JSON (type name, value).
  void json_value(const Elem& e, Varbind& vb) const;
  std::string oid_text(const Elem& e) const;
  std::string string_text(const Elem& e, bool& printable) const;
  // A field that must be of one type: parsed, or its complaint printed
  // with the element; false when the walk at this level ends.
  bool expect(std::size_t& at, std::uint32_t& len, Elem& e, Be type, std::string_view complaint);

  bool classify(Elem& e);
  void community(std::size_t at, std::uint32_t len, int version);
  void v3msg(std::size_t at, std::uint32_t len);
  void usm(std::size_t at, std::uint32_t len);
  void scoped_pdu(std::size_t at, std::uint32_t len, int version);
  void pdu(std::size_t at, std::uint32_t len, int version);
  void snmp_pdu(unsigned id, std::size_t at, std::uint32_t len);
  void trap_pdu(std::size_t at, std::uint32_t len);
  void varbinds(unsigned id, std::size_t at, std::uint32_t len);

  Bytes msg_;
  int v_;
  Out& o_;
  Info& info_;
};

std::optional<std::uint32_t> Walk::parse(std::size_t at, std::uint32_t len, Elem& e) {
  e = Elem{};
  if (len < 1) {
    complain("[nothing to parse]");
    return std::nullopt;
  }
  std::uint8_t tag = octet(at);
  std::uint8_t id = tag & 0x1f;
  e.form = (tag >> 5) & 1;
  e.cls = tag >> 6;
  ++at;
  --len;
  std::uint32_t hdr = 1;
  if (id == 0x1f) {  // the tag goes on in base-128 octets (kept to an octet, as tcpdump's u_char)
    id = 0;
    while (octet(at) & 0x80) {
      if (len < 1) {
        complain("[Xtagfield?]");
        return std::nullopt;
      }
      id = static_cast<std::uint8_t>(id << 7 | (octet(at) & 0x7f));
      --len;
      ++hdr;
      ++at;
    }
    if (len < 1) {
      complain("[Xtagfield?]");
      return std::nullopt;
    }
    id = static_cast<std::uint8_t>(id << 7 | octet(at));
    --len;
    ++hdr;
    ++at;
  }
  e.id = id;
  if (len < 1) {
    complain("[no asnlen]");
    return std::nullopt;
  }
  e.asnlen = octet(at);
  ++at;
  --len;
  ++hdr;
  if (e.asnlen & 0x80) {
    std::uint32_t noct = e.asnlen & 0x7f;
    e.asnlen = 0;
    if (len < noct) {
      complain("[asnlen? " + i32_text(static_cast<std::int32_t>(len)) + "<" + i32_text(static_cast<std::int32_t>(noct)) + "]");
      return std::nullopt;
    }
    if (!captured(at, noct)) {
      trunc();
      return std::nullopt;
    }
    for (; noct != 0; --noct, --len, ++hdr) e.asnlen = e.asnlen << 8 | octet(at++);
  }
  if (len < e.asnlen) {
    complain("[len" + i32_text(static_cast<std::int32_t>(len)) + "<asnlen" + u32_text(e.asnlen) + "]");
    return std::nullopt;
  }
  // The form is one bit and the class two: tcpdump's [form?] and [class?]
  // cannot happen. Its class table names every class "x" (a K&R-era macro).
  char form = e.form ? 'C' : 'P';
  if (id >= kClassIds[e.cls].size()) {
    complain(std::string("[id?") + form + "/x/" + std::to_string(id) + "]");
    return std::nullopt;
  }
  if (!captured(at, e.asnlen)) {
    trunc();
    return std::nullopt;
  }
  e.at = at;
  if (!classify(e)) return std::nullopt;
  return e.asnlen + hdr;
}

// The element's type from its class, form and id, with tcpdump's marks for
// the ones it prints as octets; false where tcpdump gives up on it.
bool Walk::classify(Elem& e) {
  const std::uint8_t id = e.id;
  std::string_view name = kClassIds[e.cls][id];
  if (e.form == 0) {
    switch (e.cls) {
      case 0:  // universal
        if (id == 4) {
          e.type = Be::Str;
        } else if (id == 2) {
          e.type = Be::Int;
          if (e.asnlen == 0) {
            complain("[asnlen=0]");
            return false;
          }
          Bytes b = content(e);
          std::uint32_t data = (b[0] & 0x80) ? 0xffffffffu : 0;
          for (std::uint8_t x : b) data = data << 8 | x;
          e.integer = static_cast<std::int32_t>(data);
        } else if (id == 6) {
          e.type = Be::Oid;
        } else if (id == 5) {
          e.type = Be::Null;
        } else {
          e.type = Be::Octet;
          text("[P/U/");
          text(name);
          text("]");
        }
        break;
      case 1:  // application
        if (id == 0) {
          e.type = Be::Inet;
        } else if (id == 1 || id == 2 || id == 3) {
          e.type = Be::Uns;
          for (std::uint8_t x : content(e)) e.uns = e.uns << 8 | x;
        } else if (id == 6) {
          e.type = Be::Uns64;
          for (std::uint8_t x : content(e)) e.uns64 = e.uns64 << 8 | x;
        } else {
          e.type = Be::Octet;
          text("[P/A/");
          text(name);
          text("]");
        }
        break;
      case 2:  // context: the SNMPv2 exceptions; other ids stay "any"
        if (id == 0) e.type = Be::NoSuchObject;
        else if (id == 1) e.type = Be::NoSuchInst;
        else if (id == 2) e.type = Be::EndOfMibView;
        break;
      default:  // private
        text("[P/x/");
        text(name);
        text("]");
        e.type = Be::Octet;
        break;
    }
  } else if (e.cls == 0) {
    if (id == 16) {
      e.type = Be::Seq;
    } else {
      e.type = Be::Octet;
      text("C/U/");
      text(name);
    }
  } else if (e.cls == 2) {
    e.type = Be::Pdu;
  } else {
    e.type = Be::Octet;
    text("C/x/");
    text(name);
  }
  return true;
}

std::string Walk::oid_text(const Elem& e) const {
  std::string s;
  bool first = true;
  std::uint32_t o = 0;
  for (std::uint8_t x : content(e)) {
    o = (o << 7) + (x & 0x7f);
    if (x & 0x80) continue;
    if (first) {  // X.690 8.19.4: the first sub-identifier holds two arcs
      first = false;
      // tcpdump 4.99.3 splits it as a signed int: one past 2^31 reads as
      // negative, its first arc as 0 (or as a negative number printed %u).
      std::int32_t top = static_cast<std::int32_t>(o) / 40;
      if (top > 2) top = 2;
      s += '.';
      s += std::to_string(static_cast<std::uint32_t>(top));
      o -= static_cast<std::uint32_t>(top) * 40;
    }
    s += '.';
    s += std::to_string(o);
    o = 0;
  }
  return s;
}

std::string Walk::string_text(const Elem& e, bool& printable) const {
  Bytes b = content(e);
  printable = std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x >= 0x20 && x <= 0x7e; });
  if (printable) return std::string(b.begin(), b.end());
  std::string s;
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t k = 0; k < b.size(); ++k) {
    if (k) s += '_';
    s += kHex[b[k] >> 4];
    s += kHex[b[k] & 15];
  }
  return s;
}

void Walk::print_octets(const Elem& e) {
  for (std::uint8_t x : content(e)) {
    o_ << '_';
    o_.hex(x, 2);
  }
}

void Walk::print_string(const Elem& e) {
  bool printable = false;
  std::string s = string_text(e, printable);
  if (printable) o_ << '"' << s << '"';
  else o_ << s;
}

void Walk::print(const Elem& e) {
  switch (e.type) {
    case Be::Octet: print_octets(e); break;
    case Be::Null: break;
    case Be::Oid: o_ << oid_text(e); break;
    case Be::Int: o_.i(e.integer); break;
    case Be::Uns: o_.u(e.uns); break;
    case Be::Uns64: o_.u(e.uns64); break;
    case Be::Str: print_string(e); break;
    case Be::Seq:
      o_ << "Seq(";
      o_.u(e.asnlen) << ')';
      break;
    case Be::Inet: {
      if (e.asnlen != 4) o_ << "[inetaddr len!=4]";
      Bytes b = content(e);
      for (std::size_t k = 0; k < b.size(); ++k) {
        if (k) o_ << '.';
        o_.u(b[k]);
      }
      break;
    }
    case Be::NoSuchObject:
    case Be::NoSuchInst:
    case Be::EndOfMibView: o_ << '[' << kExceptions[e.id] << ']'; break;
    case Be::Pdu:
      o_ << kContext[e.id] << '(';
      o_.u(e.asnlen) << ')';
      break;
    case Be::Any: o_ << "[BE_ANY!?]"; break;
  }
}

void Walk::json_value(const Elem& e, Varbind& vb) const {
  vb.type = std::string(kClassIds[e.cls][e.id]);
  switch (e.type) {
    case Be::Octet:
      vb.value_key = "hex";
      vb.value = hex_text(content(e));
      break;
    case Be::Null: break;
    case Be::Oid: vb.value = dotted(oid_text(e)); break;
    case Be::Int: vb.value = std::int64_t{e.integer}; break;
    case Be::Uns: vb.value = std::uint64_t{e.uns}; break;
    case Be::Uns64: vb.value = e.uns64; break;
    case Be::Str: {
      bool printable = false;
      std::string s = string_text(e, printable);
      if (printable) {
        vb.value = std::move(s);
      } else {
        vb.value_key = "hex";
        vb.value = hex_text(content(e));
      }
      break;
    }
    case Be::Inet:
      vb.value = e.asnlen == 4 ? ip4_text(content(e)) : hex_text(content(e));
      if (e.asnlen != 4) vb.value_key = "hex";
      break;
    case Be::NoSuchObject:
    case Be::NoSuchInst:
    case Be::EndOfMibView: vb.type = std::string(kExceptions[e.id]); break;
    case Be::Seq:
    case Be::Pdu:
    case Be::Any: vb.value_key = "hex"; vb.value = hex_text(content(e)); break;
  }
}

bool Walk::expect(std::size_t& at, std::uint32_t& len, Elem& e, Be type, std::string_view complaint) {
  auto count = parse(at, len, e);
  if (!count) return false;
  if (e.type != type) {
    complain(std::string(complaint));
    print(e);
    return false;
  }
  at += *count;
  len -= *count;
  return true;
}

void Walk::message(std::uint32_t length) {
  Elem e;
  auto count = parse(0, length, e);
  if (!count) return;
  if (e.type != Be::Seq) {
    complain("[!init SEQ]");
    print(e);
    return;
  }
  if (*count < length) complain("[" + u32_text(length - *count) + " extra after iSEQ]");
  std::size_t at = e.at;
  std::uint32_t len = e.asnlen;
  if (!expect(at, len, e, Be::Int, "[version!=INT]")) return;
  int version = e.integer;
  if (version != 0 && version != 1 && version != 3) {
    complain("SNMP [version = " + i32_text(e.integer) + "]");
    field("version", std::int64_t{version});
    return;
  }
  field("version", std::int64_t{version});
  field("version_name", std::string(kVersion[version]));
  if (v_) {
    o_ << "{ " << kVersion[version] << ' ';
  }
  if (version == 3) v3msg(at, len);
  else community(at, len, version);
  if (v_) o_ << "} ";
}

void Walk::community(std::size_t at, std::uint32_t len, int version) {
  Elem e;
  auto count = parse(at, len, e);
  if (!count) return;
  if (e.type != Be::Str) {
    complain("[comm!=STR]");
    print(e);
    return;
  }
  bool printable = false;
  std::string c = string_text(e, printable);
  field("community", printable ? c : hex_text(content(e)));
  if (!(printable && c == "public")) {  // tcpdump leaves the default community out
    o_ << "C=";
    print_string(e);
    o_ << ' ';
  }
  pdu(at + *count, len - *count, version);
}

void Walk::v3msg(std::size_t at0, std::uint32_t len0) {
  Elem e;
  auto count = parse(at0, len0, e);
  if (!count) return;
  if (e.type != Be::Seq) {
    complain("[!message]");
    print(e);
    return;
  }
  std::size_t at = e.at;
  std::uint32_t len = e.asnlen;
  if (v_) o_ << "{ ";
  if (!expect(at, len, e, Be::Int, "[msgID!=INT]")) return;
  field("msg_id", std::int64_t{e.integer});
  if (!expect(at, len, e, Be::Int, "[msgMaxSize!=INT]")) return;
  field("msg_max_size", std::int64_t{e.integer});
  count = parse(at, len, e);
  if (!count) return;
  if (e.type != Be::Str) {
    complain("[msgFlags!=STR]");
    print(e);
    return;
  }
  if (e.asnlen != 1) {
    complain("[msgFlags size " + i32_text(static_cast<std::int32_t>(e.asnlen)) + "]");
    return;
  }
  std::uint8_t flags = content(e)[0];
  if (flags != 0x00 && flags != 0x01 && flags != 0x03 && flags != 0x04 && flags != 0x05 && flags != 0x07) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    complain(std::string("[msgFlags=0x") + kHex[flags >> 4] + kHex[flags & 15] + "]");
    return;
  }
  at += *count;
  len -= *count;
  field("msg_flags", std::uint64_t{flags});
  o_ << "F=" << (flags & 1 ? "a" : "") << (flags & 2 ? "p" : "") << (flags & 4 ? "r" : "") << ' ';
  count = parse(at, len, e);
  if (!count) return;
  if (e.type != Be::Int) {
    complain("[msgSecurityModel!=INT]");
    print(e);
    return;
  }
  std::int32_t model = e.integer;
  field("security_model", std::int64_t{model});
  at += *count;
  len -= *count;
  if (*count < len) complain("[" + u32_text(len - *count) + " extra after message SEQ]");
  if (v_) o_ << "} ";
  if (model != 3) {
    complain("[security model " + i32_text(model) + "]");
    return;
  }
  if (v_) o_ << "{ USM ";
  // tcpdump goes on right after msgSecurityModel, with what is left of the
  // whole message from there (not of the header's SEQUENCE).
  len = len0 - static_cast<std::uint32_t>(at - at0);
  if (!expect(at, len, e, Be::Str, "[msgSecurityParameters!=STR]")) return;
  usm(e.at, e.asnlen);
  if (v_) o_ << "} ";
  if (v_) o_ << "{ ScopedPDU ";
  scoped_pdu(at, len, 3);
  if (v_) o_ << "} ";
}

void Walk::usm(std::size_t at, std::uint32_t len) {
  Elem e;
  auto count = parse(at, len, e);
  if (!count) return;
  if (e.type != Be::Seq) {
    complain("[!usm]");
    print(e);
    return;
  }
  at = e.at;
  len = e.asnlen;
  if (!expect(at, len, e, Be::Str, "[msgAuthoritativeEngineID!=STR]")) return;
  field("engine_id", hex_text(content(e)));
  if (!expect(at, len, e, Be::Int, "[msgAuthoritativeEngineBoots!=INT]")) return;
  field("engine_boots", std::int64_t{e.integer});
  if (v_) {
    o_ << "B=";
    o_.i(e.integer) << ' ';
  }
  if (!expect(at, len, e, Be::Int, "[msgAuthoritativeEngineTime!=INT]")) return;
  field("engine_time", std::int64_t{e.integer});
  if (v_) {
    o_ << "T=";
    o_.i(e.integer) << ' ';
  }
  if (!expect(at, len, e, Be::Str, "[msgUserName!=STR]")) return;
  bool printable = false;
  std::string user = string_text(e, printable);
  field("user", printable ? user : hex_text(content(e)));
  o_ << "U=";
  print_string(e);
  o_ << ' ';
  if (!expect(at, len, e, Be::Str, "[msgAuthenticationParameters!=STR]")) return;
  std::uint32_t before = len;
  if (!expect(at, len, e, Be::Str, "[msgPrivacyParameters!=STR]")) return;
  std::uint32_t count2 = before - len;
  if (count2 < len) complain("[" + u32_text(len - count2) + " extra after usm SEQ]");
}

void Walk::scoped_pdu(std::size_t at, std::uint32_t len, int version) {
  Elem e;
  auto count = parse(at, len, e);
  if (!count) return;
  if (e.type != Be::Seq) {
    complain("[!scoped PDU]");
    print(e);
    return;
  }
  at = e.at;
  len = e.asnlen;
  if (!expect(at, len, e, Be::Str, "[contextEngineID!=STR]")) return;
  field("context_engine_id", hex_text(content(e)));
  o_ << "E=";
  print_octets(e);
  o_ << ' ';
  if (!expect(at, len, e, Be::Str, "[contextName!=STR]")) return;
  bool printable = false;
  std::string name = string_text(e, printable);
  field("context_name", printable ? name : hex_text(content(e)));
  o_ << "C=";
  print_string(e);
  o_ << ' ';
  pdu(at, len, version);
}

void Walk::pdu(std::size_t at, std::uint32_t len, int version) {
  Elem p;
  auto count = parse(at, len, p);
  if (!count) return;
  if (p.type != Be::Pdu) {
    complain("[no PDU]");
    return;
  }
  if (*count < len) complain("[" + u32_text(len - *count) + " extra after PDU]");
  field("pdu_type", std::string(kContext[p.id]));
  field("pdu_length", std::uint64_t{p.asnlen});
  if (v_) o_ << "{ ";
  print(p);
  o_ << ' ';
  if (version == 0 && (p.id == GetBulkReq || p.id == InformReq || p.id == V2Trap || p.id == Report)) {
    complain("[v2 PDU in v1 message]");
    return;
  }
  if (version == 1 && p.id == Trap) {
    complain("[v1 PDU in v2 message]");
    return;
  }
  if (p.id == Trap) trap_pdu(p.at, p.asnlen);
  else snmp_pdu(p.id, p.at, p.asnlen);
  if (v_) o_ << " } ";
}

void Walk::snmp_pdu(unsigned id, std::size_t at, std::uint32_t len) {
  Elem e;
  if (!expect(at, len, e, Be::Int, "[reqId!=INT]")) return;
  field("request_id", std::int64_t{e.integer});
  if (v_) {
    o_ << "R=";
    o_.i(e.integer) << ' ';
  }
  if (!expect(at, len, e, Be::Int, "[errorStatus!=INT]")) return;
  std::int32_t status = e.integer;
  auto status_name = [&](std::int32_t s) {
    if (s >= 0 && static_cast<std::size_t>(s) < std::size(kErrorStatus)) return std::string(kErrorStatus[s]);
    return "err=" + u32_text(static_cast<std::uint32_t>(s));
  };
  bool error_status = false;
  if (id == GetBulkReq) {
    field("non_repeaters", std::int64_t{status});
    o_ << " N=";
    o_.i(status);
  } else {
    field("error_status", std::int64_t{status});
    field("error_status_name", status_name(status));
    if (zero_errors(id) && status != 0) {
      complain("[errorStatus(" + status_name(status) + ")!=0]");
    } else if (status != 0) {
      o_ << ' ' << status_name(status);
      error_status = true;
    }
  }
  if (!expect(at, len, e, Be::Int, "[errorIndex!=INT]")) return;
  std::int32_t index = e.integer;
  if (id == GetBulkReq) {
    field("max_repetitions", std::int64_t{index});
    o_ << " M=";
    o_.i(index);
  } else {
    field("error_index", std::int64_t{index});
    if (zero_errors(id) && index != 0) {
      complain("[errorIndex(" + i32_text(index) + ")!=0]");
    } else if (index != 0) {
      if (!error_status) {
        complain("[errorIndex(" + i32_text(index) + ") w/o errorStatus]");
      } else {
        o_ << '@';
        o_.i(index);
      }
    } else if (error_status) {
      complain("[errorIndex==0]");
    }
  }
  varbinds(id, at, len);
}

void Walk::trap_pdu(std::size_t at, std::uint32_t len) {
  Elem e;
  o_ << ' ';
  if (!expect(at, len, e, Be::Oid, "[enterprise!=OID]")) return;
  field("enterprise", dotted(oid_text(e)));
  print(e);
  o_ << ' ';
  if (!expect(at, len, e, Be::Inet, "[agent-addr!=INETADDR]")) return;
  field("agent_addr", e.asnlen == 4 ? ip4_text(content(e)) : hex_text(content(e)));
  print(e);
  if (!expect(at, len, e, Be::Int, "[generic-trap!=INT]")) return;
  std::int32_t generic = e.integer;
  field("generic_trap", std::int64_t{generic});
  o_ << ' ';
  if (generic >= 0 && static_cast<std::size_t>(generic) < std::size(kGenericTrap)) {
    o_ << kGenericTrap[generic];
    field("generic_trap_name", std::string(kGenericTrap[generic]));
  } else {
    o_ << "gt=";
    o_.i(generic);
  }
  if (!expect(at, len, e, Be::Int, "[specific-trap!=INT]")) return;
  field("specific_trap", std::int64_t{e.integer});
  if (generic != 6) {
    if (e.integer != 0) complain("[specific-trap(" + i32_text(e.integer) + ")!=0]");
  } else {
    o_ << " s=";
    o_.i(e.integer);
  }
  o_ << ' ';
  if (!expect(at, len, e, Be::Uns, "[time-stamp!=TIMETICKS]")) return;
  field("time_stamp", std::uint64_t{e.uns});
  print(e);
  varbinds(Trap, at, len);
}

void Walk::varbinds(unsigned id, std::size_t at, std::uint32_t len) {
  Elem e;
  auto count = parse(at, len, e);
  if (!count) return;
  if (e.type != Be::Seq) {
    complain("[!SEQ of varbind]");
    print(e);
    return;
  }
  if (*count < len) complain("[" + u32_text(len - *count) + " extra after SEQ of varbind]");
  info_.has_varbinds = true;
  at = e.at;
  len = e.asnlen;
  while (len) {
    o_ << ' ';
    count = parse(at, len, e);
    if (!count) return;
    if (e.type != Be::Seq) {
      complain("[!varbind]");
      print(e);
      return;
    }
    std::size_t next = at + *count;
    std::uint32_t rest = len - *count;
    at = e.at;
    len = e.asnlen;
    if (!expect(at, len, e, Be::Oid, "[objName!=OID]")) return;
    Varbind& vb = info_.varbinds.emplace_back();
    vb.oid = dotted(oid_text(e));
    print(e);
    if (!is_read(id)) o_ << '=';
    if (!parse(at, len, e)) return;
    json_value(e, vb);
    if (is_read(id)) {
      if (e.type != Be::Null) {
        complain("[objVal!=NULL]");
        print(e);
      }
    } else if (e.type != Be::Null) {
      print(e);
    }
    at = next;
    len = rest;
  }
}

void write_value(JsonWriter& w, std::string_view key, const Value& v) {
  if (std::holds_alternative<std::int64_t>(v)) w.member(key, std::get<std::int64_t>(v));
  else if (std::holds_alternative<std::uint64_t>(v)) w.member(key, std::get<std::uint64_t>(v));
  else if (std::holds_alternative<std::string>(v)) w.member(key, std::get<std::string>(v));
  else {
    w.key(key);
    w.null();
  }
}

}  // namespace

void decode_snmp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "snmp";
  auto& l = c.d.push<SnmpL>();
  l.msg = r.rest();  // as captured; `length` bounds every element
  l.length = length;
  // Whether a tag or length octet lies past the capture (the line ends
  // with " [|snmp]" there): walked once here for the layer's status.
  std::string scratch;
  Out o(scratch);
  Info info;
  bool cut = false;
  try {
    Walk(l.msg, 0, o, info).message(length);
  } catch (const Truncated&) {
    cut = true;
  }
  if (cut || info.cut) c.d.last()->status = Status::Truncated;
}

void print_snmp(PrintCtx& p, std::size_t i) {
  p.proto = "snmp";
  const auto& l = at<SnmpL>(p.d, i);
  p.o << ' ';
  Info info;
  Walk(l.msg, p.opt.verbose, p.o, info).message(l.length);  // throws Truncated: " [|snmp]" ends the line
}

void json_snmp(JsonWriter& w, const SnmpL& l) {
  w.member("layer", "snmp");
  w.member("length", l.length);
  std::string scratch;
  Out o(scratch);
  Info info;
  bool cut = false;
  try {
    Walk(l.msg, 1, o, info).message(l.length);
  } catch (const Truncated&) {
    cut = true;
  }
  for (const Field& f : info.fields) write_value(w, f.key, f.value);
  if (info.has_varbinds) {
    w.key("varbinds");
    w.begin_array();
    for (const Varbind& vb : info.varbinds) {
      w.begin_object();
      w.member("oid", vb.oid);
      if (!vb.type.empty()) {  // the value was read: null for NULL and the v2 exceptions
        w.member("type", vb.type);
        write_value(w, vb.value_key, vb.value);
      }
      w.end_object();
    }
    w.end_array();
  }
  if (!info.error.empty()) w.member("error", info.error);
  if (cut || info.cut) w.member("truncated", true);
}

}  // namespace netlab::proto
