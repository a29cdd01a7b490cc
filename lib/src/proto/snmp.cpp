// SNMP (RFC 1157, RFC 3416) on UDP 161 and 162. tcpdump 4.99.3's
// print-snmp.c starts with a space and parses the message's outer BER
// element (asn1_parse): an element that is empty, has no length octets,
// claims more length octets or more content than the datagram holds, or
// whose content was not captured, ends there with asn1_parse's message
// ("[len12308<asnlen65536]") or " [|snmp]". Those are the cases netlab
// prints; a message whose outer element is whole is not decoded yet and
// keeps UDP's own line (decode_snmp pushes no layer for it).
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

// The identifiers tcpdump's BER tables name, per class (universal up to
// Set, application up to Counter64, context up to Report): an element
// beyond them is another asn1_parse message, not decoded here.
constexpr unsigned kNamedIds[4] = {18, 7, 9, 0};

// asn1_parse's outcome for the outer element.
enum class Outer { Whole, Error, Truncated, NotHandled };

struct OuterElement {
  Outer outcome = Outer::NotHandled;
  std::string_view error;  // the message's kind, for JSON
  unsigned cls = 0, form = 0, id = 0;
  std::uint32_t asnlen = 0, left = 0, noct = 0;
};

OuterElement read_outer(Bytes m, std::uint32_t len) {
  OuterElement e;
  if (len < 1) {
    e.outcome = Outer::Error;
    e.error = "nothing to parse";
    return e;
  }
  if (m.empty()) {
    e.outcome = Outer::Truncated;
    return e;
  }
  e.id = m[0] & 0x1f;
  e.form = (m[0] >> 5) & 1;
  e.cls = m[0] >> 6;
  if (e.id == 0x1f) return e;  // an extended tag: not handled
  std::size_t at = 1;
  --len;
  if (len < 1) {
    e.outcome = Outer::Error;
    e.error = "no asnlen";
    return e;
  }
  if (m.size() < 2) {
    e.outcome = Outer::Truncated;
    return e;
  }
  e.asnlen = m[1];
  ++at;
  --len;
  if (e.asnlen & 0x80) {
    e.noct = e.asnlen & 0x7f;
    e.asnlen = 0;
    if (len < e.noct) {
      e.left = len;
      e.outcome = Outer::Error;
      e.error = "asnlen?";
      return e;
    }
    if (m.size() < at + e.noct) {
      e.outcome = Outer::Truncated;
      return e;
    }
    for (std::uint32_t k = 0; k < e.noct; ++k, --len) e.asnlen = e.asnlen << 8 | m[at++];
  }
  if (len < e.asnlen) {
    e.left = len;
    e.outcome = Outer::Error;
    e.error = "len<asnlen";
    return e;
  }
  if (e.id >= kNamedIds[e.cls]) return e;  // asn1_parse's [id?] message: not handled
  e.outcome = m.size() - at < e.asnlen ? Outer::Truncated : Outer::Whole;
  return e;
}

}  // namespace

void decode_snmp(Ctx& c, ByteReader r, std::uint32_t length) {
  Bytes msg = r.rest().first(std::min<std::size_t>(r.remaining(), length));
  OuterElement e = read_outer(msg, length);
  if (e.outcome != Outer::Error && e.outcome != Outer::Truncated) return;  // UDP's line
  c.d.trunc_proto = "snmp";
  auto& l = c.d.push<SnmpL>();
  l.msg = msg;
  l.length = length;
  if (e.outcome == Outer::Truncated) c.d.last()->status = Status::Truncated;
}

void print_snmp(PrintCtx& p, std::size_t i) {
  p.proto = "snmp";
  const auto& l = at<SnmpL>(p.d, i);
  Out& o = p.o;
  o << ' ';
  OuterElement e = read_outer(l.msg, l.length);
  if (e.outcome == Outer::Truncated) throw Truncated{};  // " [|snmp]"
  if (e.error == "nothing to parse") {
    o << "[nothing to parse]";
  } else if (e.error == "no asnlen") {
    o << "[no asnlen]";
  } else if (e.error == "asnlen?") {
    o << "[asnlen? ";
    o.u(e.left) << '<';
    o.u(e.noct) << ']';
  } else {
    o << "[len";
    o.u(e.left) << "<asnlen";
    o.u(e.asnlen) << ']';
  }
}

void json_snmp(JsonWriter& w, const SnmpL& l) {
  w.member("layer", "snmp");
  w.member("length", l.length);
  OuterElement e = read_outer(l.msg, l.length);
  if (l.msg.size() >= 1 && l.length >= 1) {
    w.member("ber_class", e.cls);
    w.member("ber_constructed", e.form == 1);
    w.member("ber_id", e.id);
  }
  if (e.outcome == Outer::Error) {
    w.member("error", e.error);
  } else {
    w.member("ber_length", e.asnlen);
  }
}

}  // namespace netlab::proto
