// MACsec (IEEE 802.1AE-2006, ethertype 0x88e5) as tcpdump 4.99.3's
// print-macsec.c and ether_common_print show it. The SecTAG is the TCI/AN
// byte (version, end station, SCI present, EPON, encrypted, changed, the
// association number), the short length, the packet number and, with SC
// set, the 8-byte secure channel identifier. An encrypted or changed
// payload cannot be read: the addresses (without -e), "802.1AE MACsec" and
// the SecTAG, then the bytes in hex. Otherwise the 16-byte ICV is dropped
// from the end (and the short length, when set, bounds the data) and the
// ethertype inside is decoded as the Ethernet printer would; the SecTAG
// shows under -e only. A SecTAG that is cut, or a short length beyond the
// frame, prints " [|macsec]"; a version bit or bad short length " (invalid)".
#include "proto/proto.hpp"

#include <fmt/format.h>

namespace netlab::proto {
namespace {

constexpr std::uint8_t kVersion = 0x80, kEs = 0x40, kSc = 0x20, kScb = 0x10, kE = 0x08, kC = 0x04;
constexpr std::uint8_t kFlagMask = kEs | kSc | kScb | kE | kC;
constexpr std::uint32_t kIcvLen = 16;
// tcpdump's bittok2str_nosep order.
constexpr Tok kFlags[] = {{kE, "E"}, {kC, "C"}, {kEs, "S"}, {kScb, "B"}, {kSc, "I"}};

}  // namespace

bool decode_macsec(Ctx& c, ByteReader& r, std::uint32_t& length, std::uint16_t& type) {
  auto& m = c.d.push<MacsecL>();
  c.d.trunc_proto = "macsec";
  if (!r.has(6) || length < 6) throw Truncated{};
  m.tci_an = r.peek8(0);
  std::size_t taglen = (m.tci_an & kSc) ? 14 : 6;
  if (!r.has(taglen) || length < taglen) throw Truncated{};
  std::uint8_t sl = r.peek8(1);
  if ((sl & ~0x3f) || (m.tci_an & kVersion)) {
    m.invalid = true;
    return false;
  }
  m.short_length = sl & 0x3f;
  m.pn = be32_at(r.rest(), 2);
  if (taglen == 14) m.sci = std::uint64_t(be32_at(r.rest(), 6)) << 32 | be32_at(r.rest(), 10);
  m.stage = 1;  // the SecTAG is complete
  r.skip(taglen);
  length -= static_cast<std::uint32_t>(taglen);
  if (m.tci_an & (kE | kC)) {
    m.encrypted = true;
    m.payload = r.rest();
    return false;
  }
  if (length < kIcvLen || r.remaining() < kIcvLen) throw Truncated{};
  length -= kIcvLen;
  r.limit(r.remaining() - kIcvLen);
  if (m.short_length) {
    if (m.short_length > length || m.short_length > r.remaining()) throw Truncated{};
    length = m.short_length;
    r.limit(m.short_length);
  }
  // The ethertype inside: tcpdump checks it against the captured length only.
  if (!r.has(2)) throw Truncated{};
  type = r.be16();
  length -= 2;
  m.stage = 2;
  m.inner_type = type;
  return true;
}

void print_macsec_tag(Out& o, const MacsecL& m) {
  o << "an ";
  o.u(m.tci_an & 3) << ", pn ";
  o.u(m.pn) << ", flags ";
  bool any = false;
  for (const auto& f : kFlags)
    if (m.tci_an & f.value) o << f.name, any = true;
  if (!any) o << "none";
  if (m.short_length) {
    o << ", sl ";
    o.u(m.short_length);
  }
  if (m.tci_an & kSc) {
    o << ", sci ";
    o.hex(m.sci, 16);
  }
  o << ", ";
}

void json_macsec(JsonWriter& w, const MacsecL& m) {
  w.member("layer", "macsec");
  if (m.invalid) {
    w.member("invalid", true);
    return;
  }
  if (m.stage < 1) return;
  w.member("an", static_cast<unsigned>(m.tci_an & 3));
  w.member("pn", m.pn);
  w.member("end_station", (m.tci_an & kEs) != 0);
  w.member("sci_present", (m.tci_an & kSc) != 0);
  w.member("epon", (m.tci_an & kScb) != 0);
  w.member("encrypted", (m.tci_an & kE) != 0);
  w.member("changed", (m.tci_an & kC) != 0);
  w.member("short_length", static_cast<unsigned>(m.short_length));
  if (m.tci_an & kSc) w.member("sci", fmt::format("{:016x}", m.sci));
  if (m.stage >= 2) w.member("ethertype", static_cast<unsigned>(m.inner_type));
}

}  // namespace netlab::proto
