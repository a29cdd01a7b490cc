// The output helper every printer writes through: the same text in its two
// modes, and a buffered Out's string whole whenever it is read through str().
#include "proto/proto.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

using netlab::proto::Bytes;
using netlab::proto::Out;

namespace {

// The text of f(o) written by a Direct and by a Buffered Out after a prefix;
// both must agree.
template <typename F>
std::string both(F f) {
  std::string direct = "x", buffered = "x";
  {
    Out o(direct);
    f(o);
  }
  {
    Out o(buffered, Out::Buffered);
    f(o);
  }
  REQUIRE(direct == buffered);
  return direct.substr(1);
}

}  // namespace

TEST_CASE("Out::u prints every magnitude, zero padded on request", "[proto][out]") {
  for (std::uint64_t p = 1, k = 0; k < 20; ++k, p *= 10) {
    CHECK(both([&](Out& o) { o.u(p); }) == std::to_string(p));
    CHECK(both([&](Out& o) { o.u(p - 1); }) == std::to_string(p - 1));
    CHECK(both([&](Out& o) { o.u(p + 7); }) == std::to_string(p + 7));
  }
  const auto max = std::numeric_limits<std::uint64_t>::max();
  CHECK(both([&](Out& o) { o.u(max); }) == "18446744073709551615");
  CHECK(both([](Out& o) { o.u(4294967295u); }) == "4294967295");
  CHECK(both([](Out& o) { o.u(100000000); }) == "100000000");
  CHECK(both([](Out& o) { o.u(7, 6); }) == "000007");
  CHECK(both([](Out& o) { o.u(0, 2); }) == "00");
  CHECK(both([](Out& o) { o.u(123456, 6); }) == "123456");
  CHECK(both([](Out& o) { o.u(4000000000u, 6); }) == "4000000000");  // wider than asked
  CHECK(both([](Out& o) { o.u(5, 99); }) == std::string(19, '0') + "5");  // at most 20
  CHECK(both([](Out& o) { o.i(-1); }) == "-1");
  // An empty view may have a null data(): nothing is copied from it (UBSan
  // reports a null memcpy source even for no bytes; found by fuzzing).
  CHECK(both([](Out& o) { o << std::string_view() << 'a' << std::string_view(); }) == "a");
  CHECK(both([](Out& o) { o.i(std::numeric_limits<std::int64_t>::min()); }) == "-9223372036854775808");
}

TEST_CASE("Out prints addresses and hex as tcpdump does", "[proto][out]") {
  const std::uint8_t a[] = {192, 0, 2, 255, 0, 10, 100, 9, 1};
  CHECK(both([&](Out& o) { o.ip4(Bytes(a, 4)); }) == "192.0.2.255");
  CHECK(both([&](Out& o) { o.ip4(Bytes(a + 4, 4)); }) == "0.10.100.9");
  CHECK(both([&](Out& o) { o.ip4(Bytes(a, 2)); }) == "192.0");
  CHECK(both([&](Out& o) { o.ip4(Bytes()); }).empty());
  CHECK(both([&](Out& o) { o.mac(Bytes(a, 6)); }) == "c0:00:02:ff:00:0a");
  CHECK(both([&](Out& o) { o.mac(Bytes(a, 9)); }) == "c0:00:02:ff:00:0a:64:09:01");
  CHECK(both([](Out& o) { o.hex(0); }) == "0");
  CHECK(both([](Out& o) { o.hex(0xbeef, 8); }) == "0000beef");
  CHECK(both([](Out& o) { o.hex(~0ull, 20); }) == "ffffffffffffffff");
  const std::uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  CHECK(both([&](Out& o) { o.ip6(Bytes(v6, 16)); }) == "2001:db8::1");
}

TEST_CASE("a buffered Out's string is whole through str() and after it", "[proto][out]") {
  std::string s = "head ";
  {
    Out o(s, Out::Buffered);
    o << "one" << ' ';
    CHECK(o.str() == "head one ");  // cut back to what was written
    o.str().append("two");          // written behind the cursor's back, then...
    o << ' ';                       // ...the cursor goes on after it
    o.u(3);
    const std::size_t mark = o.str().size();
    o << "gone";
    o.str().resize(mark);
    o << '!';
    // Past one slack: the string grows and stays whole.
    for (int k = 0; k < 2000; ++k) o << 'z';
    CHECK(o.str().size() == mark + 1 + 2000);
  }
  CHECK(s.substr(0, 16) == "head one two 3!z");
  CHECK(s.size() == 15 + 2000);
}
