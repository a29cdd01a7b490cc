// The option walker (proto/options.hpp) for each format it reads: a normal
// list, a list cut by the capture, a length of 0 and a length past the end.
#include <catch2/catch.hpp>

#include "proto/options.hpp"

#include <cstdint>
#include <vector>

using netlab::proto::Bytes;
using netlab::proto::kIpv4Options;
using netlab::proto::kIpv6Options;
using netlab::proto::kNdOptions;
using netlab::proto::kTcpOptions;
using netlab::proto::Tlv;
using netlab::proto::TlvFormat;
using netlab::proto::TlvStatus;
using netlab::proto::TlvWalker;

namespace {

using List = std::vector<std::uint8_t>;

std::vector<Tlv> walk(const TlvFormat& f, const List& bytes, std::size_t room) {
  std::vector<Tlv> out;
  TlvWalker w(f, Bytes(bytes), room);
  while (auto t = w.next()) out.push_back(*t);
  return out;
}
std::vector<Tlv> walk(const TlvFormat& f, const List& bytes) { return walk(f, bytes, bytes.size()); }

List value(const Tlv& t) { return List(t.value.begin(), t.value.end()); }

}  // namespace

TEST_CASE("TCP options: mss, nop, wscale, eol", "[proto][options][tcp]") {
  List l{2, 4, 0x05, 0xb4, 1, 3, 3, 7, 0, 0xaa, 0xbb};
  auto opts = walk(kTcpOptions, l, 9);
  REQUIRE(opts.size() == 4);
  CHECK(opts[0].type == 2);
  CHECK(opts[0].size == 4);
  CHECK(opts[0].header == 2);
  CHECK(value(opts[0]) == List{0x05, 0xb4});
  CHECK(opts[1].type == 1);
  CHECK(opts[1].size == 1);
  CHECK(opts[2].offset == 5);
  CHECK(value(opts[2]) == List{7});
  CHECK(opts[3].type == 0);  // eol ends the list: the bytes after it are not options
  for (const auto& o : opts) CHECK(o.status == TlvStatus::Ok);
}

TEST_CASE("TCP options: cut, length 0, length past the header", "[proto][options][tcp]") {
  SECTION("the capture ends before the length byte") {
    auto opts = walk(kTcpOptions, List{1, 8}, 12);
    REQUIRE(opts.size() == 2);
    CHECK(opts[1].status == TlvStatus::Cut);
    CHECK(opts[1].header == 1);
  }
  SECTION("the capture ends before the next option's kind") {
    auto opts = walk(kTcpOptions, List{1}, 4);
    REQUIRE(opts.size() == 2);
    CHECK(opts[1].status == TlvStatus::Cut);
    CHECK(opts[1].header == 0);
  }
  SECTION("the capture ends inside the value") {
    auto opts = walk(kTcpOptions, List{8, 10, 0, 0, 0}, 12);
    REQUIRE(opts.size() == 1);
    CHECK(opts[0].status == TlvStatus::Truncated);
    CHECK(opts[0].value.size() == 3);
  }
  SECTION("length 0 and 1 are below the minimum") {
    for (int len : {0, 1}) {
      auto opts = walk(kTcpOptions, List{2, static_cast<std::uint8_t>(len), 5, 0xb4}, 4);
      REQUIRE(opts.size() == 1);
      CHECK(opts[0].status == TlvStatus::BadLength);
      CHECK(opts[0].value.empty());
    }
  }
  SECTION("a length past the header, whatever was captured after it") {
    auto opts = walk(kTcpOptions, List{1, 2, 6, 5, 0xb4, 0, 0, 9, 9}, 4);
    REQUIRE(opts.size() == 2);
    CHECK(opts[1].status == TlvStatus::PastEnd);
    CHECK(opts[1].room == 3);
  }
  SECTION("the length byte is read past the header's end, as tcpdump does") {
    auto opts = walk(kTcpOptions, List{1, 2, 4, 0, 0}, 2);
    REQUIRE(opts.size() == 2);
    CHECK(opts[1].header == 2);
    CHECK(opts[1].status == TlvStatus::PastEnd);
  }
}

TEST_CASE("the walker goes on where the caller says, never past eol", "[proto][options][tcp]") {
  List l{2, 6, 5, 0xb4, 1, 1, 0, 7};
  TlvWalker w(kTcpOptions, Bytes(l), l.size());
  auto mss = w.next();
  REQUIRE(mss);
  w.resume_after(2);  // read 2 value bytes of a 6-byte option: the next kind is at offset 4
  auto nop = w.next();
  REQUIRE(nop);
  CHECK(nop->offset == 4);
  CHECK(nop->type == 1);
  w.next();
  auto eol = w.next();
  REQUIRE(eol);
  CHECK(eol->type == 0);
  w.resume_after(0);
  CHECK_FALSE(w.next());

  List bad{2, 0, 1, 1};
  TlvWalker b(kTcpOptions, Bytes(bad));
  CHECK(b.next()->status == TlvStatus::BadLength);
  CHECK_FALSE(b.next());  // stopped until told where to go on
  b.resume_after(0);
  auto after = b.next();
  REQUIRE(after);
  CHECK(after->offset == 2);
}

TEST_CASE("IPv4 options: record route, NOP, EOL and bad lengths", "[proto][options][ipv4]") {
  List rr{7, 7, 4, 192, 0, 2, 1, 1, 0};
  auto opts = walk(kIpv4Options, rr);
  REQUIRE(opts.size() == 3);
  CHECK(opts[0].size == 7);
  CHECK(value(opts[0]) == List{4, 192, 0, 2, 1});
  CHECK(opts[2].type == 0);

  auto zero = walk(kIpv4Options, List{148, 0, 0, 0});
  REQUIRE(zero.size() == 1);
  CHECK(zero[0].status == TlvStatus::BadLength);

  auto past = walk(kIpv4Options, List{131, 40, 4, 10, 0, 0, 1, 0});
  REQUIRE(past.size() == 1);
  CHECK(past[0].status == TlvStatus::PastEnd);

  // The header says 8 bytes of options; 5 were captured.
  auto cut = walk(kIpv4Options, List{7, 7, 4, 10, 0}, 8);
  REQUIRE(cut.size() == 1);
  CHECK(cut[0].status == TlvStatus::Truncated);
  CHECK(cut[0].rest.size() == 5);
}

TEST_CASE("IPv6 options: Pad1, PadN, router alert, cut and past the end", "[proto][options][ipv6]") {
  List hbh{5, 2, 0, 0, 0, 1, 0};
  auto opts = walk(kIpv6Options, hbh);
  REQUIRE(opts.size() == 3);
  CHECK(opts[0].type == 5);
  CHECK(opts[0].size == 4);  // the length counts the value only
  CHECK(value(opts[0]) == List{0, 0});
  CHECK(opts[1].type == 0);
  CHECK(opts[1].size == 1);
  CHECK(opts[2].type == 1);
  CHECK(opts[2].length == 0);  // PadN of length 0 is valid: two bytes
  CHECK(opts[2].status == TlvStatus::Ok);

  auto cut = walk(kIpv6Options, List{0, 5});
  REQUIRE(cut.size() == 2);
  CHECK(cut[1].status == TlvStatus::Cut);

  auto past = walk(kIpv6Options, List{0xc2, 4, 0, 1});
  REQUIRE(past.size() == 1);
  CHECK(past[0].status == TlvStatus::PastEnd);
}

TEST_CASE("ND options: units of 8 bytes, length 0 is malformed", "[proto][options][nd]") {
  List nd{1, 1, 2, 0, 0, 0, 0, 1, 5, 1, 0, 0, 0, 0, 5, 0xdc};
  auto opts = walk(kNdOptions, nd);
  REQUIRE(opts.size() == 2);
  CHECK(opts[0].size == 8);
  CHECK(value(opts[0]) == List{2, 0, 0, 0, 0, 1});
  CHECK(opts[1].type == 5);
  CHECK(opts[1].offset == 8);
  for (const auto& o : opts) CHECK(o.status == TlvStatus::Ok);

  auto zero = walk(kNdOptions, List{1, 0, 2, 0, 0, 0, 0, 1});
  REQUIRE(zero.size() == 1);
  CHECK(zero[0].status == TlvStatus::BadLength);

  auto past = walk(kNdOptions, List{3, 4, 64, 0xc0, 0, 0, 0, 0});
  REQUIRE(past.size() == 1);
  CHECK(past[0].status == TlvStatus::PastEnd);
  CHECK(past[0].value.size() == 6);  // what was there, never more

  auto cut = walk(kNdOptions, List{1, 1, 2, 0, 0, 0, 0, 1, 25});
  REQUIRE(cut.size() == 2);
  CHECK(cut[1].status == TlvStatus::Cut);
  CHECK(cut[1].type == 25);
}

TEST_CASE("every prefix of an option list walks in bounds", "[proto][options][truncation]") {
  List l{2, 4, 5, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0};
  for (const TlvFormat* f : {&kTcpOptions, &kIpv4Options, &kIpv6Options, &kNdOptions}) {
    for (std::size_t n = 0; n <= l.size(); ++n) {
      List cut(l.begin(), l.begin() + static_cast<std::ptrdiff_t>(n));
      std::size_t seen = 0;
      for (const auto& o : walk(*f, cut, l.size())) {
        CHECK(o.offset + o.header + o.value.size() <= cut.size());
        CHECK(o.value.size() <= o.size);
        seen += o.status == TlvStatus::Ok ? o.size : 0;
      }
      CHECK(seen <= cut.size());
    }
  }
}

TEST_CASE("IPv6 extension headers: the size each one states", "[proto][options][ext]") {
  using netlab::proto::ByteReader;
  using netlab::proto::ext_header;
  SECTION("hop-by-hop, routing and destination options count 8-byte units after the first") {
    for (std::uint8_t nh : {0, 43, 60}) {
      List h{58, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
      auto x = ext_header(nh, ByteReader(Bytes(h)));
      REQUIRE(x);
      CHECK(x->next == 58);
      CHECK(x->size == 16);
      CHECK_FALSE(x->later_fragment);
    }
  }
  SECTION("a fragment header is 8 bytes, a later fragment says so") {
    List first{6, 0, 0x00, 0x01, 0, 0, 0, 7};
    auto x = ext_header(44, ByteReader(Bytes(first)));
    REQUIRE(x);
    CHECK(x->size == 8);
    CHECK_FALSE(x->later_fragment);  // offset 0, M flag set
    List later{6, 0, 0x05, 0x00, 0, 0, 0, 7};
    CHECK(ext_header(44, ByteReader(Bytes(later)))->later_fragment);
  }
  SECTION("an authentication header counts 4-byte units after the first two") {
    List ah{6, 4, 0, 0};
    CHECK(ext_header(51, ByteReader(Bytes(ah)))->size == 24);
  }
  SECTION("an upper-layer protocol is not an extension header") {
    CHECK_FALSE(ext_header(6, ByteReader(Bytes(List{0, 0, 0, 0}))));
    CHECK_FALSE(ext_header(58, ByteReader(Bytes(List{}))));
  }
  SECTION("a header cut before its length, or a fragment before its offset, is Truncated") {
    CHECK_THROWS_AS(ext_header(0, ByteReader(Bytes(List{58}))), netlab::proto::Truncated);
    CHECK_THROWS_AS(ext_header(44, ByteReader(Bytes(List{6, 0, 0}))), netlab::proto::Truncated);
    CHECK_THROWS_AS(ext_header(60, ByteReader(Bytes(List{}))), netlab::proto::Truncated);
  }
  SECTION("a length of 0 is the smallest header, never an endless chain") {
    auto x = ext_header(60, ByteReader(Bytes(List{59, 0})));
    REQUIRE(x);
    CHECK(x->size == 8);
  }
}
