// Shared plumbing for the per-protocol decoder tests (test_proto_*.cpp):
// printing hand-built frames through the public PacketPrinter, packet
// builders with correct checksums, and the hook that lets every expectation
// be re-checked against the real tcpdump.
//
// Re-verifying against tcpdump 4.99.3: run the unit tests with
//   NETLAB_PROTO_PCAP_DIR=/some/dir netlab_unit_tests '[proto]'
// and every frame a test prints is also written to DIR/NNNN.pcap, with the
// tcpdump flags in DIR/NNNN.flags, our text in DIR/NNNN.out and the test's
// name in DIR/NNNN.name. Then, for each NNNN,
//   TZ=GMT0 tcpdump -n -t -r DIR/NNNN.pcap $(cat DIR/NNNN.flags) | cmp - DIR/NNNN.out
// must be silent. Since the tests compare our text with literals, the literals
// are then tcpdump's text too.
//
// The other files declare what they use from here in their own
// `namespace proto_test` block; keep the signatures in step.

#include "proto_test_support.hpp"

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <arpa/inet.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace proto_test {

using Frame = std::vector<std::uint8_t>;

namespace {

void le32(std::FILE* f, std::uint32_t v) {
  std::uint8_t b[4] = {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8),
                       static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 24)};
  std::fwrite(b, 1, 4, f);
}

std::string flags_of(const netlab::PrintOptions& o) {
  std::string s;
  for (int k = 0; k < o.verbose; ++k) s += " -v";
  if (o.link_header) s += " -e";
  if (o.quiet) s += " -q";
  if (o.absolute_seq) s += " -S";
  switch (o.hex) {
    case netlab::HexStyle::None: break;
    case netlab::HexStyle::Hex: s += " -x"; break;
    case netlab::HexStyle::HexLink: s += " -xx"; break;
    case netlab::HexStyle::HexAscii: s += " -X"; break;
    case netlab::HexStyle::HexAsciiLink: s += " -XX"; break;
  }
  return s;
}

void write_file(const std::string& path, const std::string& text) {
  if (std::FILE* f = std::fopen(path.c_str(), "w")) {
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
}

// Writes one capture (and its flags, our output and the test name) when
// NETLAB_PROTO_PCAP_DIR is set; otherwise does nothing.
void dump(const std::vector<Frame>& frames, const std::vector<std::uint32_t>& wire, int dlt,
          const netlab::PrintOptions& o, const std::string& ours) {
  const char* dir = std::getenv("NETLAB_PROTO_PCAP_DIR");
  if (!dir || !*dir) return;
  static unsigned counter = 0;
  char stem[32];
  std::snprintf(stem, sizeof stem, "/%04u", counter++);
  std::string base = std::string(dir) + stem;
  std::FILE* f = std::fopen((base + ".pcap").c_str(), "wb");
  if (!f) return;
  le32(f, 0xa1b2c3d4);
  le32(f, 0x00040002);  // version 2.4
  le32(f, 0);
  le32(f, 0);
  le32(f, 262144);
  // The file holds a LINKTYPE_ value: DLT_RAW (12, or 14 on OpenBSD) is 101.
  le32(f, static_cast<std::uint32_t>(dlt == 12 || dlt == 14 ? 101 : dlt));
  for (std::size_t k = 0; k < frames.size(); ++k) {
    le32(f, 1700000000u + static_cast<std::uint32_t>(k));
    le32(f, 0);
    le32(f, static_cast<std::uint32_t>(frames[k].size()));
    le32(f, wire[k]);
    std::fwrite(frames[k].data(), 1, frames[k].size(), f);
  }
  std::fclose(f);
  write_file(base + ".flags", flags_of(o));
  write_file(base + ".out", ours);
  write_file(base + ".name", Catch::getResultCapture().getCurrentTestName() + "\n");
}

}  // namespace

// Prints frames through one PacketPrinter (so TCP state carries over), one
// output line per frame. wire[k] (0 or missing: the frame's size) is the
// on-the-wire length.
std::vector<std::string> print_all(const std::vector<Frame>& frames, netlab::PrintOptions o, int dlt,
                                   const std::vector<std::uint32_t>& wire) {
  o.ts = netlab::TimestampStyle::None;
  netlab::PacketPrinter p(o, dlt);
  std::vector<std::string> lines;
  std::vector<std::uint32_t> lens;
  std::string all;
  for (std::size_t k = 0; k < frames.size(); ++k) {
    netlab::PacketMeta m;
    m.sec = 1700000000 + static_cast<std::int64_t>(k);
    m.caplen = static_cast<std::uint32_t>(frames[k].size());
    m.len = k < wire.size() && wire[k] ? wire[k] : m.caplen;
    lens.push_back(m.len);
    std::string out;
    p.print(m, frames[k], out);
    all += out;
    lines.push_back(std::move(out));
  }
  dump(frames, lens, dlt, o, all);
  return lines;
}

std::string print(const Frame& frame, netlab::PrintOptions o, int dlt, std::uint32_t wire) {
  return print_all({frame}, o, dlt, {wire}).front();
}

// ---- builders ----------------------------------------------------------------

Frame cat(std::initializer_list<Frame> parts) {
  Frame f;
  for (const auto& p : parts) f.insert(f.end(), p.begin(), p.end());
  return f;
}

Frame be16(unsigned v) { return {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}; }
Frame be32(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
          static_cast<std::uint8_t>(v)};
}

Frame ip4a(const char* text) {
  Frame a(4);
  if (inet_pton(AF_INET, text, a.data()) != 1) throw std::invalid_argument(text);
  return a;
}
Frame ip6a(const char* text) {
  Frame a(16);
  if (inet_pton(AF_INET6, text, a.data()) != 1) throw std::invalid_argument(text);
  return a;
}

// RFC 1071 sum over [off, off+len) of f, not complemented, with acc added.
std::uint32_t sum16(const Frame& f, std::size_t off, std::size_t len, std::uint32_t acc) {
  for (std::size_t k = 0; k + 1 < len; k += 2) acc += static_cast<std::uint32_t>(f[off + k] << 8 | f[off + k + 1]);
  if (len & 1) acc += static_cast<std::uint32_t>(f[off + len - 1] << 8);
  return acc;
}
std::uint16_t fold(std::uint32_t acc) {
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<std::uint16_t>(~acc);
}

namespace {

void put16(Frame& f, std::size_t at, unsigned v) {
  f[at] = static_cast<std::uint8_t>(v >> 8);
  f[at + 1] = static_cast<std::uint8_t>(v);
}

// Fills the checksum of a TCP, UDP, ICMP or ICMPv6 segment at seg_off when
// its checksum field is zero; pseudo is the pseudo-header sum (0 for ICMP).
void fill_l4_sum(Frame& f, std::size_t seg_off, std::uint8_t proto, std::uint32_t pseudo) {
  std::size_t field = proto == 6 ? 16 : proto == 17 ? 6 : (proto == 1 || proto == 58) ? 2 : 0;
  if (!field || f.size() < seg_off + field + 2) return;
  if (f[seg_off + field] || f[seg_off + field + 1]) return;
  std::size_t len = f.size() - seg_off;
  std::uint32_t acc = proto == 1 ? 0 : pseudo + proto + static_cast<std::uint32_t>(len);
  std::uint16_t s = fold(sum16(f, seg_off, len, acc));
  if (proto == 17 && s == 0) s = 0xffff;
  put16(f, seg_off + field, s);
}

}  // namespace

// IPv4 header (20 bytes + options, ttl 64, id 0x1234, DF clear) around
// payload, header checksum filled, and the TCP/UDP/ICMP checksum of the
// payload filled when it is zero.
Frame ipv4(std::uint8_t proto, const Frame& payload, const char* src, const char* dst, const Frame& options) {
  std::size_t hl = 20 + options.size();
  Frame f = cat({{static_cast<std::uint8_t>(0x40 | hl / 4), 0}, be16(static_cast<unsigned>(hl + payload.size())),
                 be16(0x1234), be16(0), {64, proto, 0, 0}, ip4a(src), ip4a(dst), options, payload});
  std::uint32_t pseudo = sum16(f, 12, 8, 0);
  fill_l4_sum(f, hl, proto, pseudo);
  put16(f, 10, fold(sum16(f, 0, hl, 0)));
  return f;
}

// Recomputes the IPv4 header checksum of the header at off.
void fix_ip4_sum(Frame& f, std::size_t off) {
  std::size_t hl = (f[off] & 15u) * 4;
  put16(f, off + 10, 0);
  put16(f, off + 10, fold(sum16(f, off, hl, 0)));
}

// IPv6 header (hop limit 64) around payload; when nh is a chain of
// hop-by-hop/routing/fragment/destination headers, the checksum of the
// upper-layer segment after them is filled when it is zero.
Frame ipv6(std::uint8_t nh, const Frame& payload, const char* src, const char* dst) {
  Frame f = cat({{0x60, 0, 0, 0}, be16(static_cast<unsigned>(payload.size())), {nh, 64}, ip6a(src), ip6a(dst),
                 payload});
  std::size_t off = 40;
  std::uint8_t t = nh;
  while ((t == 0 || t == 43 || t == 44 || t == 60) && off + 2 <= f.size()) {
    std::size_t len = t == 44 ? 8 : (f[off + 1] + 1u) * 8;
    t = f[off];
    off += len;
  }
  if (off < f.size()) {
    std::uint32_t pseudo = sum16(f, 8, 32, 0);
    fill_l4_sum(f, off, t, pseudo);
  }
  return f;
}

// Ethernet II: 02:00:00:00:00:01 > 02:00:00:00:00:02 unless given.
Frame ether(unsigned type, const Frame& payload, const Frame& dst, const Frame& src) {
  Frame d = dst.empty() ? Frame{2, 0, 0, 0, 0, 2} : dst;
  Frame s = src.empty() ? Frame{2, 0, 0, 0, 0, 1} : src;
  return cat({d, s, be16(type), payload});
}

}  // namespace proto_test

namespace proto_test {

// Every prefix of full (0 .. all bytes captured, the wire length always
// full's size), printed by one printer.
std::vector<std::string> print_prefixes(const Frame& full, netlab::PrintOptions o, int dlt) {
  std::vector<Frame> frames;
  std::vector<std::uint32_t> wire;
  for (std::size_t n = 0; n <= full.size(); ++n) {
    frames.emplace_back(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    wire.push_back(static_cast<std::uint32_t>(full.size()));
  }
  return print_all(frames, o, dlt, wire);
}

// count hostile variants of base (fixed seed): bytes after skip overwritten
// with random values, 0xff or 0x00 (lengths, offsets, option sizes), the
// capture cut at a random point and the wire length random, printed by one
// printer. Deterministic, so a failure reproduces.
std::vector<std::string> print_mutations(const Frame& base, std::size_t skip, unsigned seed, int count,
                                         netlab::PrintOptions o, int dlt) {
  std::uint32_t x = seed * 2654435761u + 1;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
  };
  std::vector<Frame> frames;
  std::vector<std::uint32_t> wire;
  for (int k = 0; k < count; ++k) {
    Frame f = base;
    if (f.size() > skip) {
      int edits = 1 + static_cast<int>(next() % 4);
      for (int e = 0; e < edits; ++e) {
        std::size_t at = skip + next() % (f.size() - skip);
        std::uint32_t r = next();
        f[at] = r % 3 == 0 ? 0xff : r % 3 == 1 ? 0x00 : static_cast<std::uint8_t>(r >> 8);
      }
    }
    if (next() % 2) f.resize(next() % (f.size() + 1));
    std::uint32_t w = static_cast<std::uint32_t>(f.size());
    switch (next() % 4) {
      case 0: w += next() % 2000; break;
      case 1: w = 0xffff; break;
      default: break;
    }
    frames.push_back(std::move(f));
    wire.push_back(w ? w : 1);
  }
  return print_all(frames, o, dlt, wire);
}

}  // namespace proto_test

namespace proto_test {

// One packet's text: ends in exactly one newline, no NUL, at most max
// bytes, and no line breaks other than hex-dump ones ("\n\t") and -v's
// continuation lines ("\n    ").
bool sane_line(const std::string& s, std::size_t max) {
  if (s.empty() || s.back() != '\n' || s.size() > max) return false;
  for (std::size_t k = 0; k + 1 < s.size(); ++k) {
    if (s[k] == '\0') return false;
    if (s[k] == '\n' && s[k + 1] != '\t' && s[k + 1] != ' ') return false;
  }
  return true;
}

}  // namespace proto_test

namespace proto_test {

netlab::PrintOptions v(int n, bool link_header) {
  netlab::PrintOptions o;
  o.verbose = n;
  o.link_header = link_header;
  return o;
}

netlab::PrintOptions json() {
  netlab::PrintOptions o;
  o.json = true;
  o.ts = netlab::TimestampStyle::None;
  return o;
}

}  // namespace proto_test
