// TFTP: RFC 1350 (read and write requests, data, acknowledgments, errors)
// and RFC 2347 (option negotiation: options after a request, the OACK) on
// UDP 69. Only the first packet of a transfer goes to port 69 (the rest
// use the ports the two ends chose), so only requests and the odd error
// print as TFTP, as in tcpdump. The text follows tcpdump 4.99.3's
// print-tftp.c: "TFTP, length 14, RRQ \"file\" octet".
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr Tok kOpcodes[] = {{1, "RRQ"}, {2, "WRQ"}, {3, "DATA"}, {4, "ACK"}, {5, "ERROR"}, {6, "OACK"}};
constexpr Tok kErrors[] = {{0, "EUNDEF"},   {1, "ENOTFOUND"}, {2, "EACCESS"}, {3, "ENOSPACE"}, {4, "EBADOP"},
                           {5, "EBADID"},   {6, "EEXISTS"},   {7, "ENOUSER"}, {8, "EOPTNEG"}};

// tcpdump's nd_printztn: a NUL-terminated string within n bytes, printed
// as fn_print_char does; the bytes used (NUL included), or 0 when no NUL
// came before n bytes or the capture's end (a read past it throws first
// only where tcpdump's GET would).
std::size_t print_ztn(Out& o, Bytes m, std::size_t at, std::size_t n) {
  std::size_t used = 0;
  for (;;) {
    if (n == 0 || at >= m.size()) return 0;
    std::uint8_t c = m[at++];
    ++used;
    --n;
    if (c == 0) return used;
    print_char(o, c);
  }
}

}  // namespace

void decode_tftp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "tftp";
  auto& t = c.d.push<TftpL>();
  t.msg = r.rest();
  t.length = length;
}

void print_tftp(PrintCtx& p, std::size_t i) {
  p.proto = "tftp";
  const auto& t = at<TftpL>(p.d, i);
  Bytes m = t.msg;
  Out& o = p.o;
  o << "TFTP, length ";
  o.u(t.length);
  if (t.length < 2) throw Truncated{};
  std::uint16_t op = be16_at(m, 0);
  auto name = tok_name(kOpcodes, op);
  o << ", ";
  if (name.empty()) {
    o << "tftp-#";
    o.u(op);
    return;  // a bogus opcode ends the packet
  }
  o << name;
  std::size_t at = 2;
  std::uint32_t length = t.length - 2;
  // Strings one after another to the end (options after a request, an OACK's).
  auto strings = [&] {
    while (length != 0) {
      if (sub(m, at, 1)[0] != 0) o << ' ';
      std::size_t used = print_ztn(o, m, at, length);
      if (!used) throw Truncated{};
      at += used;
      length -= static_cast<std::uint32_t>(used);
    }
  };
  switch (op) {
    case 1:
    case 2: {
      if (length == 0) throw Truncated{};
      o << " \"";
      std::size_t used = print_ztn(o, m, at, length);
      o << '"';
      if (!used) throw Truncated{};
      at += used;
      length -= static_cast<std::uint32_t>(used);
      if (length == 0) throw Truncated{};  // no mode
      o << ' ';
      used = print_ztn(o, m, at, length);
      if (!used) throw Truncated{};
      at += used;
      length -= static_cast<std::uint32_t>(used);
      strings();
      return;
    }
    case 6: strings(); return;
    case 3:
    case 4: {
      if (length < 2) throw Truncated{};  // no block number
      std::uint16_t block = be16_at(m, at);
      o << " block ";
      o.u(block);
      return;
    }
    case 5: {
      if (length < 2) throw Truncated{};  // no error code
      std::uint16_t code = be16_at(m, at);
      o << ' ';
      tok_print(o, kErrors, code, "tftp-err-#", " \"");
      at += 2;
      length -= 2;
      if (length == 0) throw Truncated{};  // no message
      o << " \"";
      std::size_t used = print_ztn(o, m, at, length);
      o << '"';
      if (!used) throw Truncated{};
      return;
    }
    default: return;
  }
}

}  // namespace netlab::proto

namespace netlab::proto {

// The opcode and, for a request, the file name and mode; for data and
// acknowledgments the block; for an error its code. Strings are as sent.
void json_tftp(JsonWriter& w, const TftpL& l) {
  w.member("layer", "tftp");
  w.member("length", l.length);
  Bytes m = l.msg.first(std::min<std::size_t>(l.msg.size(), l.length));
  if (m.size() < 2) return;
  std::uint16_t op = be16_at(m, 0);
  w.member("opcode", op);
  if (auto name = tok_name(kOpcodes, op); !name.empty()) w.member("op", name);
  auto zstring = [&](std::size_t at, std::size_t& end) -> std::string_view {
    end = at;
    while (end < m.size() && m[end] != 0) ++end;
    if (end >= m.size()) return {};
    return {reinterpret_cast<const char*>(m.data() + at), end - at};
  };
  std::size_t end = 0;
  switch (op) {
    case 1:
    case 2: {
      auto file = zstring(2, end);
      if (end >= m.size()) return w.member("truncated", true);
      w.member("file", file);
      auto mode = zstring(end + 1, end);
      if (end >= m.size()) return w.member("truncated", true);
      w.member("mode", mode);
      return;
    }
    case 3:
    case 4:
      if (m.size() >= 4) w.member("block", be16_at(m, 2));
      return;
    case 5:
      if (m.size() >= 4) w.member("error_code", be16_at(m, 2));
      return;
    default: return;
  }
}

}  // namespace netlab::proto
