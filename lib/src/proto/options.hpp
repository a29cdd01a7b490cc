// One walker for the type-length-value option lists the decoder and the frame
// parsers read: TCP options (RFC 9293 3.1), IPv4 options (RFC 791 3.1), IPv6
// hop-by-hop and destination options (RFC 8200 4.2), neighbour-discovery
// options (RFC 4861 4.6), DHCP options (RFC 2132 2) and DHCPv6 options
// (RFC 8415 21.1, 16-bit type and length). It reads through ByteReader only and yields each
// option with a status; what a status means is the caller's business (the
// tcpdump text printers, the JSON writer and frames6 each answer it their
// way), so a length check fixed here is fixed for all of them. Header only,
// like ByteReader: the unit tests read it directly.
#pragma once

#include "proto/byte_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

namespace netlab::proto {

// How a format lays out one option.
struct TlvFormat {
  std::uint8_t one_byte_types;  // types below this are one byte, with no length (EOL/NOP, Pad1)
  bool type0_ends;              // type 0 ends the list (TCP and IPv4 EOL)
  std::uint8_t unit;            // the length counts units of this many bytes
  bool length_counts_header;    // the length includes the type and length bytes (else the value only)
  bool packed16 = false;        // one 16-bit header: a 7-bit type over a 9-bit length (LLDP)
  std::uint8_t field_bytes = 1;  // the type and the length are each this many bytes, big-endian (1 or 2)
};
inline constexpr TlvFormat kTcpOptions{2, true, 1, true};
inline constexpr TlvFormat kIpv4Options{2, true, 1, true};
inline constexpr TlvFormat kIpv6Options{1, false, 1, false};  // hop-by-hop and destination options
inline constexpr TlvFormat kNdOptions{0, false, 8, true};
// IEEE 802.1AB 8.4: type and length share two bytes; type 0 (End) and a
// zero length are the caller's to judge (tcpdump stops on either).
inline constexpr TlvFormat kLldpTlvs{0, false, 1, false, true};
inline constexpr TlvFormat kDhcp6Options{0, false, 1, false, false, 2};
// DHCPv4 (RFC 2132 2): one-byte PAD (0); END (255) is a TLV to the walker,
// each reader decides where it ends the list (the printer and frames/dhcp.cpp).
inline constexpr TlvFormat kDhcpOptions{1, false, 1, false};

enum class TlvStatus : std::uint8_t {
  Ok,         // the option's length is valid and all its bytes were captured
  Cut,        // the capture ends in the type or length byte (`header` says how many were there)
  BadLength,  // the length is below the format's minimum (TCP/IPv4 below 2, ND 0)
  PastEnd,    // the length runs past the end of the list
  Truncated,  // the length fits the list but the capture ends inside the value
};

struct Tlv {
  std::size_t offset = 0;    // where the option starts in the list
  std::uint16_t type = 0;    // valid when header >= field_bytes
  std::uint16_t length = 0;  // the length field as on the wire (0 for one-byte options)
  std::size_t header = 0;    // type and length bytes read: 1 for one-byte options, else 2 (4 for 16-bit fields)
  std::size_t size = 0;      // the option's bytes by its length, header included
  std::size_t room = 0;      // what is left of the list from the option's first byte on
  TlvStatus status = TlvStatus::Ok;
  Bytes value;  // the value as captured: at most size - header bytes
  Bytes rest;   // everything captured from the option's first byte on, past its end too
};

class TlvWalker {
 public:
  // `bytes` is what was captured of the list (it may go on past the list's
  // end, into what follows); `room` is the list's length (its header's word).
  TlvWalker(const TlvFormat& format, Bytes bytes, std::size_t room) noexcept
      : format_(format), bytes_(bytes), room_(room) {}
  TlvWalker(const TlvFormat& format, Bytes bytes) noexcept : TlvWalker(format, bytes, bytes.size()) {}

  // The next option, or nullopt once the list is used up, after an end
  // option, or after an option whose status is not Ok.
  std::optional<Tlv> next();
  // Goes on after the first n value bytes of the last option instead of
  // after its stated length (tcpdump's TCP printer does; the JSON writer
  // steps over a bad length this way). Never past an end option.
  void resume_after(std::size_t n) noexcept;

 private:
  TlvFormat format_;
  Bytes bytes_;
  std::size_t room_;
  std::size_t pos_ = 0;
  std::size_t last_value_ = 0;  // where the last option's value starts
  bool ended_ = false;          // after an end option
  bool stopped_ = false;        // after a status that is not Ok
};

// ---- the IPv6 extension-header chain (RFC 8200 4.1) ------------------------

// What the fixed start of one extension header says.
struct ExtHeader {
  std::uint8_t next = 0;        // its Next Header field
  std::size_t size = 0;         // its length by its length field (8 for a fragment header)
  bool later_fragment = false;  // a fragment header with a non-zero offset: no upper-layer header follows
};

// Reads the start of the extension header `nh` at the start of `r` (2
// bytes; 4 for a fragment header, to see its offset) without consuming
// them: hop-by-hop, routing and destination options are (Hdr Ext Len + 1)
// * 8 bytes, a fragment header 8, an authentication header (RFC 4302)
// (Payload Len + 2) * 4. nullopt for any other nh; Truncated when those
// bytes were not captured. The decoder, the ICMPv6 error printer and
// frames6 each walk their chain with it and decide how far to go.
inline std::optional<ExtHeader> ext_header(std::uint8_t nh, const ByteReader& r) {
  ExtHeader h;
  switch (nh) {
    case 0:
    case 43:
    case 60:
      h.size = (r.peek8(1) + 1u) * 8u;
      break;
    case 44:
      h.later_fragment = (r.peek16(2) & 0xfff8) != 0;
      h.size = 8;
      break;
    case 51:
      h.size = (r.peek8(1) + 2u) * 4u;
      break;
    default:
      return std::nullopt;
  }
  h.next = r.peek8(0);
  return h;
}

inline std::optional<Tlv> TlvWalker::next() {
  if (ended_ || stopped_ || pos_ >= room_) return std::nullopt;
  Tlv t;
  t.offset = pos_;
  t.room = room_ - pos_;
  t.rest = bytes_.subspan(std::min(pos_, bytes_.size()));
  ByteReader r(t.rest);
  stopped_ = true;  // until the option proves whole
  if (format_.packed16) {
    if (t.room < 2) return std::nullopt;  // no room for another header: the list is over
    if (!r.has(2)) {
      t.header = r.remaining();
      t.status = TlvStatus::Cut;
      return t;
    }
    std::uint16_t h = r.be16();
    t.type = static_cast<std::uint8_t>(h >> 9);
    t.length = static_cast<std::uint16_t>(h & 0x1ff);
    t.header = 2;
    t.size = 2 + std::size_t(t.length) * format_.unit;
    last_value_ = pos_ + 2;
    t.value = r.rest().first(std::min(t.size - 2, r.remaining()));
    if (t.value.size() < t.size - 2) t.status = TlvStatus::Truncated;  // LLDP checks the capture first
    else if (t.size > t.room) t.status = TlvStatus::PastEnd;
    if (t.status != TlvStatus::Ok) return t;
    pos_ += t.size;
    stopped_ = false;
    return t;
  }
  // The type and length bytes are read as far as the capture goes, past the
  // list's end too: a length that runs past it is PastEnd, not Cut.
  const std::size_t field = format_.field_bytes == 2 ? 2 : 1;
  if (!r.has(field)) {
    t.header = r.remaining();
    t.status = TlvStatus::Cut;
    return t;
  }
  t.type = field == 2 ? r.be16() : r.u8();
  t.header = field;
  if (t.type < format_.one_byte_types) {
    t.size = 1;
    pos_ += 1;
    last_value_ = pos_;
    stopped_ = false;
    ended_ = format_.type0_ends && t.type == 0;
    return t;
  }
  if (!r.has(field)) {
    t.header = field + r.remaining();
    t.status = TlvStatus::Cut;
    return t;
  }
  t.length = field == 2 ? r.be16() : r.u8();
  t.header = 2 * field;
  std::size_t stated = std::size_t(t.length) * format_.unit;
  t.size = format_.length_counts_header ? stated : stated + t.header;
  last_value_ = pos_ + t.header;
  if (t.size < t.header) {
    t.status = TlvStatus::BadLength;
    return t;
  }
  t.value = r.rest().first(std::min(t.size - t.header, r.remaining()));
  if (t.size > t.room) {
    t.status = TlvStatus::PastEnd;
    return t;
  }
  if (t.value.size() < t.size - t.header) {
    t.status = TlvStatus::Truncated;
    return t;
  }
  pos_ += t.size;
  stopped_ = false;
  return t;
}

inline void TlvWalker::resume_after(std::size_t n) noexcept {
  pos_ = last_value_ + n;
  stopped_ = false;
}

}  // namespace netlab::proto
