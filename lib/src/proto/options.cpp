// The type-length-value walker (options.hpp): one bounds-checked loop for
// TCP, IPv4, IPv6 and neighbour-discovery options.
#include "proto/options.hpp"

namespace netlab::proto {

std::optional<Tlv> TlvWalker::next() {
  if (ended_ || stopped_ || pos_ >= room_) return std::nullopt;
  Tlv t;
  t.offset = pos_;
  t.room = room_ - pos_;
  t.rest = bytes_.subspan(std::min(pos_, bytes_.size()));
  ByteReader r(t.rest);
  stopped_ = true;  // until the option proves whole
  // The type and length bytes are read as far as the capture goes, past the
  // list's end too: a length that runs past it is PastEnd, not Cut.
  if (!r.has(1)) {
    t.status = TlvStatus::Cut;
    return t;
  }
  t.type = r.u8();
  t.header = 1;
  if (t.type < format_.one_byte_types) {
    t.size = 1;
    pos_ += 1;
    last_value_ = pos_;
    stopped_ = false;
    ended_ = format_.type0_ends && t.type == 0;
    return t;
  }
  if (!r.has(1)) {
    t.status = TlvStatus::Cut;
    return t;
  }
  t.length = r.u8();
  t.header = 2;
  std::size_t stated = std::size_t(t.length) * format_.unit;
  t.size = format_.length_counts_header ? stated : stated + 2;
  last_value_ = pos_ + 2;
  if (t.size < 2) {
    t.status = TlvStatus::BadLength;
    return t;
  }
  t.value = r.rest().first(std::min(t.size - 2, r.remaining()));
  if (t.size > t.room) {
    t.status = TlvStatus::PastEnd;
    return t;
  }
  if (t.value.size() < t.size - 2) {
    t.status = TlvStatus::Truncated;
    return t;
  }
  pos_ += t.size;
  stopped_ = false;
  return t;
}

void TlvWalker::resume_after(std::size_t n) noexcept {
  pos_ = last_value_ + n;
  stopped_ = false;
}

}  // namespace netlab::proto
