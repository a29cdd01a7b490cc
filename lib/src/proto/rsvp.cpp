// RSVP: the Resource ReSerVation Protocol (RFC 2205) and its traffic
// engineering and refresh-reduction extensions (RFC 3209, RFC 2961), IP
// protocol 46. The text follows tcpdump 4.99.3's print-rsvp.c for the
// common header: "RSVPv1 Path Message, length: 244" at -n (the IP payload's
// length), and from -v its line "RSVPv1 Hello Message (20), Flags: [Refresh
// reduction capable], length: 40, ttl: 1, checksum: 0x7d4d" (the header's
// own length). The objects after it are not decoded yet (tcpdump prints
// them from -v on). A header not captured whole is " [|rsvp]".
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::size_t kHeader = 8;  // version/flags, type, checksum, TTL, reserved, length

constexpr Tok kMessages[] = {
    {1, "Path"},     {2, "Resv"},    {3, "PathErr"},          {4, "ResvErr"},      {5, "PathTear"}, {6, "ResvTear"},
    {7, "ResvConf"}, {12, "Bundle"}, {13, "Acknowledgement"}, {14, "Hello (Old)"}, {15, "Refresh"}, {20, "Hello"},
};
constexpr Tok kHeaderFlags[] = {{0x01, "Refresh reduction capable"}};

}  // namespace

void decode_rsvp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "rsvp";
  auto& l = c.d.push<RsvpL>();
  l.msg = r.rest();
  l.length = length;
  if (l.msg.size() < kHeader) c.d.last()->status = Status::Truncated;  // for JSON; the text stops where tcpdump does
}

void print_rsvp(PrintCtx& p, std::size_t i) {
  p.proto = "rsvp";
  const auto& l = at<RsvpL>(p.d, i);
  Bytes m = sub(l.msg, 0, kHeader);  // tcpdump checks the whole common header first
  Out& o = p.o;
  unsigned version = m[0] >> 4;
  if (version != 1) {
    o << "ERROR: RSVP version ";
    o.u(version) << " packet not supported";
    return;
  }
  std::uint8_t type = m[1];
  if (!p.opt.verbose) {
    o << "RSVPv";
    o.u(version) << ' ';
    tok_print(o, kMessages, type, "unknown (", ")") << " Message, length: ";
    o.u(l.length);
    return;
  }
  std::uint16_t tlen = be16_at(m, 6);
  o << "\n\tRSVPv";
  o.u(version) << ' ';
  tok_print(o, kMessages, type, "unknown (", ")") << " Message (";
  o.u(type) << "), Flags: [";
  print_bit_names(o, kHeaderFlags, m[0] & 0x0f, "none");
  o << "], length: ";
  o.u(tlen) << ", ttl: ";
  o.u(m[4]) << ", checksum: 0x";
  o.hex(be16_at(m, 2), 4);
  if (tlen < kHeader) {
    o << "ERROR: common header too short ";
    o.u(tlen) << " < 8";
  }
}

// The common header's fields.
void json_rsvp(JsonWriter& w, const RsvpL& l) {
  w.member("layer", "rsvp");
  w.member("length", l.length);
  try {
    Bytes m = sub(l.msg, 0, kHeader);
    w.member("version", m[0] >> 4);
    w.member("flags", m[0] & 0x0f);
    w.member("type", m[1]);
    if (auto name = tok_name(kMessages, m[1]); !name.empty()) w.member("message", name);
    w.member("checksum", be16_at(m, 2));
    w.member("ttl", m[4]);
    w.member("message_length", be16_at(m, 6));
  } catch (const Truncated&) {
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
