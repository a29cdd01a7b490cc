// Unit tests for the value types in <netlab/types.hpp>: MacAddr, IpAddr,
// Prefix, IfName, NUD states, scopes and parse_uint.
#include <catch2/catch.hpp>

#include <netlab/types.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <linux/rtnetlink.h>

using namespace netlab;

namespace {

template <typename T>
std::string error_message(const Result<T>& r) {
  REQUIRE_FALSE(r.has_value());
  return r.error().message();
}

template <typename T>
void require_usage_error(const Result<T>& r) {
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == Errc::Usage);
  CHECK(r.error().exit_status() == 2);
}

std::vector<std::uint8_t> bytes_of(const IpAddr& a) { return {a.bytes().begin(), a.bytes().end()}; }

IpAddr ip(std::string_view s) {
  auto r = IpAddr::parse(s);
  INFO("parsing " << s);
  REQUIRE(r.has_value());
  return *r;
}

Prefix pfx(std::string_view s) {
  auto r = Prefix::parse(s);
  INFO("parsing " << s);
  REQUIRE(r.has_value());
  return *r;
}

}  // namespace

// --- MacAddr ------------------------------------------------------------------

TEST_CASE("MacAddr::parse", "[types][mac]") {
  SECTION("colon separated, lower case") {
    auto m = MacAddr::parse("02:00:5e:00:53:01");
    REQUIRE(m.has_value());
    CHECK(m->bytes() == std::array<std::uint8_t, 6>{0x02, 0x00, 0x5e, 0x00, 0x53, 0x01});
  }
  SECTION("dash separated") {
    auto m = MacAddr::parse("c0-ff-ee-c0-ff-ee");
    REQUIRE(m.has_value());
    CHECK(m->bytes() == std::array<std::uint8_t, 6>{0xc0, 0xff, 0xee, 0xc0, 0xff, 0xee});
  }
  SECTION("upper and mixed case") {
    auto m = MacAddr::parse("C0:FF:ee:C0:fF:Ee");
    REQUIRE(m.has_value());
    CHECK(m->bytes() == std::array<std::uint8_t, 6>{0xc0, 0xff, 0xee, 0xc0, 0xff, 0xee});
  }
  SECTION("one-digit groups") {
    auto m = MacAddr::parse("2:0:5e:0:53:a");
    REQUIRE(m.has_value());
    CHECK(m->bytes() == std::array<std::uint8_t, 6>{0x02, 0x00, 0x5e, 0x00, 0x53, 0x0a});
    auto d = MacAddr::parse("2-0-5-0-5-F");
    REQUIRE(d.has_value());
    CHECK(d->bytes() == std::array<std::uint8_t, 6>{0x02, 0x00, 0x05, 0x00, 0x05, 0x0f});
  }
  SECTION("rejects malformed input") {
    for (std::string_view bad : {
             "02:00:5e:00:53",           // 5 groups
             "02:00:5e:00:53:01:02",     // 7 groups
             "02:00:5e-00:53:01",        // mixed separators
             "02-00-5e-00-53:01",        // mixed separators, last one differs
             "02:00:5e:00:53:0g",        // non-hex
             "g2:00:5e:00:53:01",        // non-hex first
             "",                         // empty
             "02:00:5e:00:53:01x",       // trailing junk
             "02:00:5e:00:53:01:",       // trailing separator
             " 02:00:5e:00:53:01",       // leading space
             "02:00:5e:00:53:01 ",       // trailing space
             "002:00:5e:00:53:01",       // 3-digit group first
             "02:00:5e:00:53:001",       // 3-digit group last
             "02:00:5e:000:53:01",       // 3-digit group inside
             "02::5e:00:53:01",          // empty group
             "0200.5e00.5301",           // Cisco dotted form is not supported
             "02005e005301",             // no separators
             "02.00.5e.00.53.01",        // wrong separator
         }) {
      INFO("input: \"" << bad << "\"");
      auto m = MacAddr::parse(bad);
      require_usage_error(m);
      CHECK_THAT(m.error().message(), Catch::Contains("\"" + std::string(bad) + "\""));
    }
  }
}

TEST_CASE("MacAddr::parse_unicast", "[types][mac]") {
  SECTION("accepts a unicast address") {
    auto m = MacAddr::parse_unicast("02:00:5e:00:53:01");
    REQUIRE(m.has_value());
    CHECK(m->to_string() == "02:00:5e:00:53:01");
    CHECK(MacAddr::parse_unicast("00:00:00:00:00:01").has_value());
    CHECK(MacAddr::parse_unicast("fe:ff:ff:ff:ff:ff").has_value());
  }
  SECTION("rejects multicast and broadcast") {
    for (std::string_view bad : {"01:00:5e:00:00:01", "33:33:00:00:00:01", "ff:ff:ff:ff:ff:ff",
                                 "03:00:00:00:00:00", "01-80-C2-00-00-0E"}) {
      INFO("input: " << bad);
      auto m = MacAddr::parse_unicast(bad);
      require_usage_error(m);
      auto msg = m.error().message();
      CHECK_THAT(msg, Catch::Contains("\"" + std::string(bad) + "\""));
      CHECK_THAT(msg, Catch::Contains("multicast"));
    }
  }
  SECTION("rejects all zeros") {
    auto m = MacAddr::parse_unicast("00:00:00:00:00:00");
    require_usage_error(m);
    CHECK_THAT(m.error().message(), Catch::Contains("00:00:00:00:00:00"));
    CHECK_THAT(m.error().message(), !Catch::Contains("multicast"));
  }
  SECTION("passes parse errors through") {
    auto m = MacAddr::parse_unicast("02:00:5e:00:53");
    require_usage_error(m);
    CHECK_THAT(m.error().message(), Catch::Contains("\"02:00:5e:00:53\""));
  }
}

TEST_CASE("MacAddr::to_string", "[types][mac]") {
  CHECK(MacAddr::parse("C0-FF-EE-0A-B-1").value().to_string() == "c0:ff:ee:0a:0b:01");
  CHECK(MacAddr{}.to_string() == "00:00:00:00:00:00");
  CHECK(MacAddr({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}).to_string() == "ff:ff:ff:ff:ff:ff");
  CHECK(MacAddr({0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}).to_string() == "12:34:56:78:9a:bc");
  // Round trip.
  auto m = MacAddr::parse("12:34:56:78:9a:bc").value();
  CHECK(MacAddr::parse(m.to_string()).value() == m);
}

TEST_CASE("MacAddr::is_broadcast", "[types][mac]") {
  CHECK(MacAddr::parse("ff:ff:ff:ff:ff:ff").value().is_broadcast());
  CHECK(MacAddr::parse("FF-FF-FF-FF-FF-FF").value().is_broadcast());
  CHECK_FALSE(MacAddr::parse("ff:ff:ff:ff:ff:fe").value().is_broadcast());
  CHECK_FALSE(MacAddr::parse("fe:ff:ff:ff:ff:ff").value().is_broadcast());
  CHECK_FALSE(MacAddr{}.is_broadcast());
  CHECK(MacAddr::parse("ff:ff:ff:ff:ff:ff").value().is_multicast());
}

TEST_CASE("MacAddr::is_locally_administered", "[types][mac]") {
  CHECK(MacAddr::parse("02:00:00:00:00:01").value().is_locally_administered());
  CHECK(MacAddr::parse("fe:00:00:00:00:01").value().is_locally_administered());
  CHECK(MacAddr::parse("33:33:00:00:00:01").value().is_locally_administered());
  CHECK_FALSE(MacAddr::parse("00:00:5e:00:53:01").value().is_locally_administered());
  CHECK_FALSE(MacAddr::parse("01:00:5e:00:00:01").value().is_locally_administered());
  CHECK_FALSE(MacAddr::parse("fd:00:00:00:00:01").value().is_locally_administered());
}

TEST_CASE("MacAddr::is_multicast", "[types][mac]") {
  CHECK(MacAddr::parse("01:00:5e:00:00:01").value().is_multicast());
  CHECK(MacAddr::parse("33:33:00:00:00:01").value().is_multicast());
  CHECK_FALSE(MacAddr::parse("02:00:5e:00:00:01").value().is_multicast());
  CHECK(MacAddr{}.is_zero());
  CHECK_FALSE(MacAddr::parse("00:00:00:00:00:01").value().is_zero());
}

// --- IpAddr -------------------------------------------------------------------

TEST_CASE("IpAddr::parse", "[types][ip]") {
  SECTION("IPv4 documentation addresses") {
    auto a = ip("192.0.2.1");
    CHECK(a.is_v4());
    CHECK(a.family() == Family::Inet);
    CHECK(a.size() == 4);
    CHECK(bytes_of(a) == std::vector<std::uint8_t>{192, 0, 2, 1});
    CHECK(bytes_of(ip("198.51.100.254")) == std::vector<std::uint8_t>{198, 51, 100, 254});
    CHECK(bytes_of(ip("203.0.113.0")) == std::vector<std::uint8_t>{203, 0, 113, 0});
    CHECK(bytes_of(ip("255.255.255.255")) == std::vector<std::uint8_t>{255, 255, 255, 255});
    CHECK(bytes_of(ip("0.0.0.0")) == std::vector<std::uint8_t>{0, 0, 0, 0});
  }
  SECTION("IPv6 documentation addresses") {
    auto a = ip("2001:db8::1");
    CHECK(a.is_v6());
    CHECK(a.family() == Family::Inet6);
    CHECK(a.size() == 16);
    CHECK(bytes_of(a) ==
          std::vector<std::uint8_t>{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    CHECK(ip("2001:DB8::A") == ip("2001:db8::a"));
    CHECK(ip("2001:db8:0:0:0:0:0:1") == a);
    CHECK(ip("::").is_v6());
    CHECK(ip("::1").bytes()[15] == 1);
    auto mapped = ip("::ffff:192.0.2.1");
    CHECK(mapped.is_v6());
    CHECK(mapped.bytes()[10] == 0xff);
    CHECK(mapped.bytes()[12] == 192);
    CHECK(mapped.bytes()[15] == 1);
  }
  SECTION("IPv4 and IPv6 with the same low bytes differ") {
    CHECK(ip("0.0.0.1") != ip("::1"));
    CHECK(ip("192.0.2.1") != ip("192.0.2.2"));
  }
  SECTION("the longest textual IPv6 form (45 characters) is accepted") {
    std::string longest = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
    REQUIRE(longest.size() == 45);
    CHECK(IpAddr::parse(longest).has_value());
  }
  SECTION("rejects malformed input") {
    for (std::string_view bad : {"256.1.1.1", "1.2.3", "", "2001:db8::1::2", "192.0.2.1/24",
                                 "2001:db8::/32", "192.0.2", "192.0.2.1.", "192.0.2.1 ",
                                 " 192.0.2.1", "1.2.3.4.5", "-1.2.3.4", "x", "2001:db8::g",
                                 "fe80::1%eth0", "12345::1", ":", "192.0.2.01x"}) {
      INFO("input: \"" << bad << "\"");
      auto r = IpAddr::parse(bad);
      require_usage_error(r);
      CHECK_THAT(r.error().message(), Catch::Contains("\"" + std::string(bad) + "\""));
    }
  }
  SECTION("rejects over-long input without overflowing") {
    std::string too_long(46, '1');
    require_usage_error(IpAddr::parse(too_long));
    std::string huge(4096, ':');
    require_usage_error(IpAddr::parse(huge));
    std::string padded = "2001:0db8:0000:0000:0000:0000:0000:0001" + std::string(10, '0');
    require_usage_error(IpAddr::parse(padded));
  }
  SECTION("rejects an embedded NUL and what follows it") {
    // The string_view is longer than the C string inet_pton sees.
    std::string_view v4("192.0.2.1\0junk", 14);
    std::string_view v6("2001:db8::1\0:2", 14);
    std::string_view pfx4("192.0.2.1\0x/24", 14);
    CHECK_FALSE(IpAddr::parse(v4).has_value());
    CHECK_FALSE(IpAddr::parse(v6).has_value());
    CHECK_FALSE(Prefix::parse(pfx4).has_value());
  }
}

TEST_CASE("IpAddr::from_bytes", "[types][ip]") {
  const std::uint8_t four[] = {198, 51, 100, 7};
  CHECK(IpAddr::from_bytes(four) == ip("198.51.100.7"));
  std::array<std::uint8_t, 16> sixteen{0x20, 0x01, 0x0d, 0xb8};
  sixteen[15] = 0x42;
  CHECK(IpAddr::from_bytes(sixteen) == ip("2001:db8::42"));
  const std::uint8_t five[] = {1, 2, 3, 4, 5};
  CHECK(IpAddr::from_bytes(five).is_unspecified());
  CHECK(IpAddr::from_bytes(std::span<const std::uint8_t>{}).is_unspecified());
  CHECK(IpAddr{}.size() == 0);
  CHECK(IpAddr{}.to_string() == "unspec");
}

TEST_CASE("IpAddr::to_string", "[types][ip]") {
  SECTION("IPv4 round trip") {
    for (std::string_view s : {"192.0.2.1", "198.51.100.0", "203.0.113.255", "0.0.0.0", "255.255.255.255"})
      CHECK(ip(s).to_string() == s);
  }
  SECTION("IPv6 is compressed and lower case") {
    CHECK(ip("2001:0DB8:0000:0000:0000:0000:0000:0001").to_string() == "2001:db8::1");
    CHECK(ip("2001:db8:0:0:1:0:0:1").to_string() == "2001:db8::1:0:0:1");
    CHECK(ip("2001:db8:0:1:0:0:0:1").to_string() == "2001:db8:0:1::1");
    CHECK(ip("2001:db8:1:2:3:4:5:6").to_string() == "2001:db8:1:2:3:4:5:6");
    CHECK(ip("0:0:0:0:0:0:0:0").to_string() == "::");
    CHECK(ip("0:0:0:0:0:0:0:1").to_string() == "::1");
    CHECK(ip("fe80:0:0:0:0:0:0:0").to_string() == "fe80::");
    CHECK(ip("::ffff:c000:0201").to_string() == "::ffff:192.0.2.1");
  }
  SECTION("IPv6 round trip") {
    for (std::string_view s : {"2001:db8::1", "2001:db8::", "::", "fe80::1:2", "2001:db8:1:2:3:4:5:6"})
      CHECK(ip(s).to_string() == s);
  }
}

TEST_CASE("IpAddr::is_multicast", "[types][ip]") {
  CHECK(ip("224.0.0.1").is_multicast());
  CHECK(ip("239.255.255.250").is_multicast());
  CHECK_FALSE(ip("223.255.255.255").is_multicast());
  CHECK_FALSE(ip("240.0.0.1").is_multicast());
  CHECK_FALSE(ip("192.0.2.1").is_multicast());
  CHECK(ip("ff02::1").is_multicast());
  CHECK(ip("ff05::1:3").is_multicast());
  CHECK_FALSE(ip("fe80::1").is_multicast());
  CHECK_FALSE(ip("2001:db8::1").is_multicast());
  CHECK_FALSE(IpAddr{}.is_multicast());
}

TEST_CASE("IpAddr::is_link_local", "[types][ip]") {
  CHECK(ip("169.254.0.1").is_link_local());
  CHECK(ip("169.254.255.254").is_link_local());
  CHECK_FALSE(ip("169.253.0.1").is_link_local());
  CHECK_FALSE(ip("169.255.0.1").is_link_local());
  CHECK_FALSE(ip("192.0.2.1").is_link_local());
  CHECK(ip("fe80::1").is_link_local());
  CHECK(ip("febf:ffff::1").is_link_local());
  CHECK_FALSE(ip("fec0::1").is_link_local());
  CHECK_FALSE(ip("fe7f::1").is_link_local());
  CHECK_FALSE(ip("2001:db8::1").is_link_local());
  CHECK_FALSE(IpAddr{}.is_link_local());
}

TEST_CASE("family_name", "[types][ip]") {
  CHECK(family_name(Family::Inet) == "inet");
  CHECK(family_name(Family::Inet6) == "inet6");
  CHECK(family_name(Family::Unspec) == "unspec");
}

// --- Prefix -------------------------------------------------------------------

TEST_CASE("Prefix::parse", "[types][prefix]") {
  SECTION("IPv4 with a length") {
    auto p = pfx("192.0.2.0/24");
    CHECK(p.addr() == ip("192.0.2.0"));
    CHECK(p.len() == 24);
    CHECK(p.family() == Family::Inet);
    CHECK(p.max_len() == 32);
    CHECK_FALSE(p.is_host());
    CHECK(p.to_string() == "192.0.2.0/24");
    CHECK(pfx("0.0.0.0/0").len() == 0);
    CHECK(pfx("198.51.100.1/32").is_host());
  }
  SECTION("IPv6 with a length") {
    auto p = pfx("2001:db8::/32");
    CHECK(p.addr() == ip("2001:db8::"));
    CHECK(p.len() == 32);
    CHECK(p.family() == Family::Inet6);
    CHECK(p.max_len() == 128);
    CHECK(p.to_string() == "2001:db8::/32");
    CHECK(pfx("::/0").len() == 0);
    CHECK(pfx("2001:db8::1/128").is_host());
  }
  SECTION("the address keeps its host bits") {
    CHECK(pfx("192.0.2.77/26").addr() == ip("192.0.2.77"));
  }
  SECTION("a bare address is a host prefix") {
    auto v4 = pfx("203.0.113.9");
    CHECK(v4.len() == 32);
    CHECK(v4.is_host());
    CHECK(v4.to_string() == "203.0.113.9/32");
    auto v6 = pfx("2001:db8::9");
    CHECK(v6.len() == 128);
    CHECK(v6.is_host());
    CHECK(v6.to_string() == "2001:db8::9/128");
  }
  SECTION("rejects bad lengths and addresses") {
    for (std::string_view bad : {"192.0.2.0/33", "2001:db8::/129", "/", "192.0.2.1/", "x/24", "/-1",
                                 "/24", "192.0.2.1/2a", "192.0.2.1/-1", "192.0.2.1/+24", "192.0.2.1/ 24",
                                 "192.0.2.1/24 ", "192.0.2.1/24/24", "192.0.2.1/256", "192.0.2.1/4294967296",
                                 "192.0.2.1/99999999999999999999", "2001:db8::/1000", "", "256.0.0.0/8",
                                 "192.0.2.1//24"}) {
      INFO("input: \"" << bad << "\"");
      auto r = Prefix::parse(bad);
      require_usage_error(r);
      CHECK_THAT(r.error().message(), Catch::Contains("\"" + std::string(bad) + "\""));
    }
  }
  SECTION("the length error names the family's maximum") {
    CHECK_THAT(error_message(Prefix::parse("192.0.2.0/33")), Catch::Contains("32"));
    CHECK_THAT(error_message(Prefix::parse("2001:db8::/129")), Catch::Contains("128"));
  }
}

TEST_CASE("Prefix::network", "[types][prefix]") {
  CHECK(pfx("192.0.2.77/26").network() == pfx("192.0.2.64/26"));
  CHECK(pfx("192.0.2.77/26").network().to_string() == "192.0.2.64/26");
  CHECK(pfx("2001:db8::ffff/112").network() == pfx("2001:db8::/112"));
  CHECK(pfx("2001:db8::ffff/112").network().to_string() == "2001:db8::/112");
  CHECK(pfx("198.51.100.255/0").network().to_string() == "0.0.0.0/0");
  CHECK(pfx("198.51.100.255/32").network().to_string() == "198.51.100.255/32");
  CHECK(pfx("198.51.100.255/31").network().to_string() == "198.51.100.254/31");
  CHECK(pfx("198.51.100.255/1").network().to_string() == "128.0.0.0/1");
  CHECK(pfx("203.0.113.200/25").network().to_string() == "203.0.113.128/25");
  CHECK(pfx("203.0.113.200/8").network().to_string() == "203.0.0.0/8");
  CHECK(pfx("2001:db8:abcd:1234::1/48").network().to_string() == "2001:db8:abcd::/48");
  CHECK(pfx("2001:db8:ffff::1/33").network().to_string() == "2001:db8:8000::/33");
  CHECK(pfx("2001:db8::1/128").network().to_string() == "2001:db8::1/128");
  CHECK(pfx("ffff::1/0").network().to_string() == "::/0");
  CHECK(pfx("192.0.2.77/26").network().family() == Family::Inet);
  CHECK(pfx("2001:db8::ffff/112").network().family() == Family::Inet6);
}

TEST_CASE("Prefix::contains", "[types][prefix]") {
  auto net = pfx("192.0.2.64/26");
  CHECK(net.contains(ip("192.0.2.64")));
  CHECK(net.contains(ip("192.0.2.100")));
  CHECK(net.contains(ip("192.0.2.127")));
  CHECK_FALSE(net.contains(ip("192.0.2.63")));
  CHECK_FALSE(net.contains(ip("192.0.2.128")));
  CHECK_FALSE(net.contains(ip("198.51.100.64")));
  // Host bits in the prefix itself do not matter.
  CHECK(pfx("192.0.2.77/26").contains(ip("192.0.2.65")));
  // A default route contains everything of its family and nothing of the other.
  CHECK(pfx("0.0.0.0/0").contains(ip("203.0.113.1")));
  CHECK_FALSE(pfx("0.0.0.0/0").contains(ip("2001:db8::1")));
  CHECK(pfx("::/0").contains(ip("2001:db8::1")));
  CHECK_FALSE(pfx("::/0").contains(ip("192.0.2.1")));
  // IPv6.
  auto v6 = pfx("2001:db8::/32");
  CHECK(v6.contains(ip("2001:db8:ffff:ffff::1")));
  CHECK_FALSE(v6.contains(ip("2001:db9::1")));
  CHECK(pfx("2001:db8::/112").contains(ip("2001:db8::ffff")));
  CHECK_FALSE(pfx("2001:db8::/112").contains(ip("2001:db8::1:0")));
  // Host prefixes.
  CHECK(pfx("198.51.100.7").contains(ip("198.51.100.7")));
  CHECK_FALSE(pfx("198.51.100.7").contains(ip("198.51.100.6")));
  // An IPv4 prefix never contains an IPv4-mapped IPv6 address.
  CHECK_FALSE(pfx("192.0.2.0/24").contains(ip("::ffff:192.0.2.1")));
}

// --- IfName -------------------------------------------------------------------

TEST_CASE("IfName::parse", "[types][ifname]") {
  SECTION("accepts kernel-valid names") {
    for (std::string_view good : {"eth0", "br0", "a", "tap-vm1.100", "veth_a@b", "123456789012345",
                                  "...", ".a", "\xc3\xa9"}) {
      INFO("input: " << good);
      auto n = IfName::parse(good);
      REQUIRE(n.has_value());
      CHECK(n->str() == good);
      CHECK(std::string_view(n->c_str()) == good);
    }
  }
  SECTION("15 bytes is the limit, 16 is rejected naming both numbers") {
    std::string fifteen(15, 'x');
    CHECK(IfName::parse(fifteen).has_value());
    std::string sixteen(16, 'x');
    auto r = IfName::parse(sixteen);
    require_usage_error(r);
    auto msg = r.error().message();
    CHECK_THAT(msg, Catch::Contains(sixteen));
    CHECK_THAT(msg, Catch::Contains("16"));
    CHECK_THAT(msg, Catch::Contains("15"));
    require_usage_error(IfName::parse(std::string(100, 'y')));
  }
  SECTION("rejects reserved and invalid names") {
    for (std::string_view bad : {"", ".", "..", "a/b", "a b", "a:b", "a\tb", "a\nb", "/", ":", " ",
                                 "eth0:1", "eth0 "}) {
      INFO("input: \"" << bad << "\"");
      auto r = IfName::parse(bad);
      require_usage_error(r);
      CHECK_THAT(r.error().message(), Catch::Contains("\"" + std::string(bad) + "\""));
    }
  }
  SECTION("rejects an embedded NUL") {
    require_usage_error(IfName::parse(std::string_view("ab\0c", 4)));
  }
  SECTION("compares by name") {
    CHECK(IfName::parse("br0").value() == IfName::parse("br0").value());
    CHECK(IfName::parse("br0").value() != IfName::parse("br1").value());
  }
}

// --- NUD states ---------------------------------------------------------------

TEST_CASE("nud_state_names", "[types][nud]") {
  CHECK(nud_state_names(NudNone) == "NONE");
  CHECK(nud_state_names(NudIncomplete) == "INCOMPLETE");
  CHECK(nud_state_names(NudReachable) == "REACHABLE");
  CHECK(nud_state_names(NudStale) == "STALE");
  CHECK(nud_state_names(NudDelay) == "DELAY");
  CHECK(nud_state_names(NudProbe) == "PROBE");
  CHECK(nud_state_names(NudFailed) == "FAILED");
  CHECK(nud_state_names(NudNoarp) == "NOARP");
  CHECK(nud_state_names(NudPermanent) == "PERMANENT");
  CHECK(nud_state_names(NudReachable | NudPermanent) == "REACHABLE PERMANENT");
  CHECK(nud_state_names(NudStale | NudDelay, ",") == "STALE,DELAY");
  CHECK(nud_state_names(0xff, "|") == "INCOMPLETE|REACHABLE|STALE|DELAY|PROBE|FAILED|NOARP|PERMANENT");
}

TEST_CASE("parse_nud_state", "[types][nud]") {
  struct Case {
    std::string_view word;
    std::uint16_t bit;
  };
  for (auto [word, bit] : {Case{"incomplete", NudIncomplete}, Case{"reachable", NudReachable},
                           Case{"stale", NudStale}, Case{"delay", NudDelay}, Case{"probe", NudProbe},
                           Case{"failed", NudFailed}, Case{"noarp", NudNoarp},
                           Case{"permanent", NudPermanent}}) {
    INFO("word: " << word);
    auto lower = parse_nud_state(word);
    REQUIRE(lower.has_value());
    CHECK(*lower == bit);
    std::string upper(word);
    for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
    auto u = parse_nud_state(upper);
    REQUIRE(u.has_value());
    CHECK(*u == bit);
    // Round trip through the printed name.
    CHECK(nud_state_names(bit) == upper);
  }
  CHECK(parse_nud_state("ReAcHaBlE").value() == NudReachable);
  CHECK(parse_nud_state("all").value() == 0xff);
  CHECK(parse_nud_state("ALL").value() == 0xff);
  CHECK(parse_nud_state("none").value() == 0);
  CHECK(parse_nud_state("None").value() == 0);
  for (std::string_view bad : {"bogus", "", "reachabl", "reachable ", "stale,delay", "0x02"}) {
    INFO("word: \"" << bad << "\"");
    auto r = parse_nud_state(bad);
    require_usage_error(r);
    CHECK_THAT(r.error().message(), Catch::Contains("\"" + std::string(bad) + "\""));
  }
}

// --- scopes -------------------------------------------------------------------

TEST_CASE("scope_name", "[types][scope]") {
  CHECK(scope_name(RT_SCOPE_UNIVERSE) == "global");
  CHECK(scope_name(RT_SCOPE_SITE) == "site");
  CHECK(scope_name(RT_SCOPE_LINK) == "link");
  CHECK(scope_name(RT_SCOPE_HOST) == "host");
  CHECK(scope_name(RT_SCOPE_NOWHERE) == "nowhere");
  CHECK(scope_name(1) == "1");
  CHECK(scope_name(100) == "100");
}

TEST_CASE("parse_scope", "[types][scope]") {
  CHECK(parse_scope("global").value() == RT_SCOPE_UNIVERSE);
  CHECK(parse_scope("site").value() == RT_SCOPE_SITE);
  CHECK(parse_scope("link").value() == RT_SCOPE_LINK);
  CHECK(parse_scope("host").value() == RT_SCOPE_HOST);
  CHECK(parse_scope("nowhere").value() == RT_SCOPE_NOWHERE);
  CHECK(parse_scope("0").value() == 0);
  CHECK(parse_scope("100").value() == 100);
  CHECK(parse_scope("255").value() == 255);
  for (int s = 0; s < 256; ++s) {
    auto v = static_cast<std::uint8_t>(s);
    auto r = parse_scope(scope_name(v));
    REQUIRE(r.has_value());
    CHECK(*r == v);
  }
  for (std::string_view bad : {"256", "-1", "", "universe", "Global", "link ", "1e2"}) {
    INFO("word: \"" << bad << "\"");
    auto r = parse_scope(bad);
    require_usage_error(r);
    CHECK_THAT(r.error().message(), Catch::Contains("\"" + std::string(bad) + "\""));
  }
}

// --- parse_uint ---------------------------------------------------------------

TEST_CASE("parse_uint", "[types][uint]") {
  CHECK(parse_uint("0", "mtu", 10).value() == 0u);
  CHECK(parse_uint("10", "mtu", 10).value() == 10u);
  CHECK(parse_uint("1500", "mtu", 65535).value() == 1500u);
  CHECK(parse_uint("007", "n", 10).value() == 7u);
  CHECK(parse_uint("18446744073709551615", "n", UINT64_MAX).value() == UINT64_MAX);
  CHECK(parse_uint("0", "n", 0).value() == 0u);

  SECTION("above the maximum") {
    auto r = parse_uint("11", "mtu", 10);
    require_usage_error(r);
    auto msg = r.error().message();
    CHECK_THAT(msg, Catch::Contains("mtu"));
    CHECK_THAT(msg, Catch::Contains("\"11\""));
    CHECK_THAT(msg, Catch::Contains("0 to 10"));
    require_usage_error(parse_uint("1", "n", 0));
    require_usage_error(parse_uint("4294967296", "n", 0xffffffffu));
  }
  SECTION("not a plain decimal number") {
    for (std::string_view bad : {"", "-1", "+1", " 1", "1 ", "1.5", "0x10", "abc", "12a",
                                 "18446744073709551616", "99999999999999999999999"}) {
      INFO("input: \"" << bad << "\"");
      auto r = parse_uint(bad, "metric", UINT64_MAX);
      require_usage_error(r);
      CHECK_THAT(r.error().message(), Catch::Contains("metric \"" + std::string(bad) + "\""));
    }
  }
}
