// SSH (RFC 4253 4.2): the protocol version exchange on TCP 22, the one
// line tcpdump 4.99.3 prints ("SSH: SSH-2.0-..."). Anything else on the
// port (the binary packet protocol) prints nothing after the TCP header;
// a segment whose first four bytes were not captured ends in " [|ssh]".
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

// The length of the version line (without its CR LF or LF), or nothing:
// not "SSH-", a byte that is not printable, a CR without LF, or no line end
// in the segment. Throws Truncated when "SSH-" itself was not captured.
std::optional<std::size_t> version_line(Bytes b, std::uint32_t len) {
  static constexpr std::string_view kMagic = "SSH-";
  for (std::size_t k = 0; k < kMagic.size(); ++k)
    if (sub(b, k, 1)[0] != static_cast<std::uint8_t>(kMagic[k])) return std::nullopt;
  for (std::size_t idx = kMagic.size(); idx < len; ++idx) {
    std::uint8_t c = sub(b, idx, 1)[0];
    if (c == '\n') return idx;
    if (c == '\r') {
      if (idx + 1 >= len || sub(b, idx + 1, 1)[0] != '\n') return std::nullopt;
      return idx;
    }
    if (c < 0x20 || c > 0x7e) return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

void decode_ssh(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "ssh";
  auto& s = c.d.push<SshL>();
  s.msg = r.rest();
  s.length = length;
}

void print_ssh(PrintCtx& p, std::size_t i) {
  p.proto = "ssh";
  const auto& s = at<SshL>(p.d, i);
  auto n = version_line(s.msg, s.length);
  if (!n) return;
  p.o << ": SSH: ";
  for (auto c : sub(s.msg, 0, *n)) p.o << static_cast<char>(c);
}

void json_ssh(JsonWriter& w, const SshL& l) {
  w.member("layer", "ssh");
  w.member("length", l.length);
  try {
    if (auto n = version_line(l.msg, l.length)) {
      Bytes v = sub(l.msg, 0, *n);
      w.member("version", std::string(v.begin(), v.end()));
    }
  } catch (const Truncated&) {
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
