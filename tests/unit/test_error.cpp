// Unit tests for <netlab/error.hpp>: Error, Result<T>, Result<void>, NETLAB_TRY.
#include <catch2/catch.hpp>

#include <netlab/error.hpp>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace netlab;

namespace {

// Small helpers that use NETLAB_TRY the way library code does.
int g_calls = 0;

Result<int> positive(int v) {
  ++g_calls;
  if (v <= 0) return Error::usage("number " + std::to_string(v), "must be positive");
  return v;
}

Result<void> check_positive(int v) {
  ++g_calls;
  if (v <= 0) return Error::not_found("thing " + std::to_string(v));
  return {};
}

Result<int> sum_positive(int a, int b) {
  NETLAB_TRY(positive(a));
  NETLAB_TRY(positive(b));
  return a + b;
}

Result<void> check_all(const std::vector<int>& values) {
  for (int v : values) NETLAB_TRY(check_positive(v));
  return {};
}

Result<std::string> describe(int a) {
  NETLAB_TRY(check_positive(a));  // Result<void> into Result<std::string>
  NETLAB_TRY(positive(a - 1));    // Result<int> into Result<std::string>
  return std::string("ok ") + std::to_string(a);
}

}  // namespace

TEST_CASE("Error::message", "[error]") {
  SECTION("object and reason") {
    Error e;
    e.object = "link mirtap0";
    e.reason = "Operation not permitted";
    CHECK(e.message() == "link mirtap0: Operation not permitted");
  }
  SECTION("the kernel's extended ack is appended") {
    Error e;
    e.object = "address 192.0.2.1/24 on tap7";
    e.reason = "File exists";
    e.extack = "Address already assigned";
    CHECK(e.message() == "address 192.0.2.1/24 on tap7: File exists (kernel: Address already assigned)");
  }
  SECTION("without an object only the reason is printed") {
    Error e;
    e.reason = "no netlink socket";
    CHECK(e.message() == "no netlink socket");
    e.extack = "bad attribute";
    CHECK(e.message() == "no netlink socket (kernel: bad attribute)");
  }
  SECTION("the hint is not part of the one-line message") {
    auto e = Error::from_errno(EPERM, "link br0");
    CHECK(e.message() == std::string("link br0: ") + std::strerror(EPERM));
    CHECK_THAT(e.message(), !Catch::Contains("CAP_NET_ADMIN"));
  }
}

TEST_CASE("Error::exit_status", "[error]") {
  Error e;
  for (auto kind : {Errc::System, Errc::Netlink, Errc::Pcap, Errc::NotFound, Errc::Unsupported}) {
    e.kind = kind;
    INFO("kind " << static_cast<int>(kind));
    CHECK(e.exit_status() == 1);
  }
  e.kind = Errc::Usage;
  CHECK(e.exit_status() == 2);
  CHECK(Error::usage("x", "y").exit_status() == 2);
  CHECK(Error::from_errno(EIO, "x").exit_status() == 1);
  CHECK(Error::not_found("x").exit_status() == 1);
}

TEST_CASE("Error::system", "[error]") {
  SECTION("fills strerror; EPERM alone names no capability (the caller knows which one)") {
    auto e = Error::from_errno(EPERM, "link tap0");
    CHECK(e.kind == Errc::System);
    CHECK(e.sys_errno == EPERM);
    CHECK(e.object == "link tap0");
    CHECK(e.reason == std::strerror(EPERM));
    CHECK(e.hint.empty());
    CHECK(e.extack.empty());
  }
  SECTION("EACCES on a file is not a capability problem") {
    CHECK(Error::from_errno(EACCES, "file /root/x.pcap").hint.empty());
  }
  SECTION("other errors have no hint") {
    auto e = Error::from_errno(ENODEV, "link nosuch0");
    CHECK(e.reason == std::strerror(ENODEV));
    CHECK(e.hint.empty());
    CHECK(Error::from_errno(EEXIST, "x").hint.empty());
  }
  SECTION("an explicit reason replaces strerror") {
    auto e = Error::from_errno(EPERM, "netns lab1", "cannot enter the namespace");
    CHECK(e.reason == "cannot enter the namespace");
    CHECK(e.sys_errno == EPERM);
    CHECK(e.message() == "netns lab1: cannot enter the namespace");
  }
}

TEST_CASE("Error::usage", "[error]") {
  auto e = Error::usage("MAC address \"zz\"", "expected 6 hex bytes");
  CHECK(e.kind == Errc::Usage);
  CHECK(e.sys_errno == EINVAL);
  CHECK(e.message() == "MAC address \"zz\": expected 6 hex bytes");
  CHECK(e.hint.empty());
}

TEST_CASE("Error::not_found", "[error]") {
  auto e = Error::not_found("link nosuch0");
  CHECK(e.kind == Errc::NotFound);
  CHECK(e.sys_errno == ENOENT);
  CHECK(e.message() == "link nosuch0: does not exist");
  CHECK(Error::not_found("netns lab9", "is not mounted").message() == "netns lab9: is not mounted");
}

TEST_CASE("Result<T>", "[error][result]") {
  SECTION("holding a value") {
    Result<int> r = 42;
    CHECK(r.has_value());
    CHECK(static_cast<bool>(r));
    CHECK(r.value() == 42);
    CHECK(*r == 42);
    r.value() = 7;
    CHECK(*r == 7);
  }
  SECTION("holding an error") {
    Result<int> r = Error::usage("n", "bad");
    CHECK_FALSE(r.has_value());
    CHECK_FALSE(static_cast<bool>(r));
    CHECK(r.error().kind == Errc::Usage);
    CHECK(r.error().message() == "n: bad");
  }
  SECTION("member access through ->") {
    Result<std::string> r = std::string("br0");
    REQUIRE(r.has_value());
    CHECK(r->size() == 3);
    const Result<std::string>& cr = r;
    CHECK(cr->front() == 'b');
    CHECK(cr.value() == "br0");
  }
  SECTION("moving the value and the error out") {
    Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
    REQUIRE(r.has_value());
    std::unique_ptr<int> p = std::move(r).value();
    REQUIRE(p);
    CHECK(*p == 5);

    Result<std::unique_ptr<int>> bad = Error::not_found("ptr");
    Error e = std::move(bad).error();
    CHECK(e.kind == Errc::NotFound);
    CHECK(e.object == "ptr");
  }
  SECTION("holding a container") {
    Result<std::vector<int>> r = std::vector<int>{1, 2, 3};
    REQUIRE(r.has_value());
    CHECK(r->size() == 3);
  }
}

TEST_CASE("Result<void>", "[error][result]") {
  Result<void> ok;
  CHECK(ok.has_value());
  CHECK(static_cast<bool>(ok));
  ok.value();  // must not assert

  Result<void> bad = Error::from_errno(ENODEV, "link x");
  CHECK_FALSE(bad.has_value());
  CHECK_FALSE(static_cast<bool>(bad));
  CHECK(bad.error().sys_errno == ENODEV);
  CHECK(bad.error().object == "link x");
  Error moved = std::move(bad).error();
  CHECK(moved.kind == Errc::System);
}

TEST_CASE("NETLAB_TRY", "[error][result]") {
  SECTION("passes through when every step succeeds") {
    g_calls = 0;
    auto r = sum_positive(2, 3);
    REQUIRE(r.has_value());
    CHECK(*r == 5);
    CHECK(g_calls == 2);
  }
  SECTION("returns the first error and stops there") {
    g_calls = 0;
    auto r = sum_positive(-1, 3);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == Errc::Usage);
    CHECK(r.error().object == "number -1");
    CHECK(g_calls == 1);

    g_calls = 0;
    auto r2 = sum_positive(4, 0);
    REQUIRE_FALSE(r2.has_value());
    CHECK(r2.error().object == "number 0");
    CHECK(g_calls == 2);
  }
  SECTION("works in a Result<void> function and a loop") {
    g_calls = 0;
    CHECK(check_all({1, 2, 3}).has_value());
    CHECK(g_calls == 3);

    g_calls = 0;
    auto r = check_all({1, -2, 3});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == Errc::NotFound);
    CHECK(r.error().message() == "thing -2: does not exist");
    CHECK(g_calls == 2);
  }
  SECTION("converts between Result types") {
    auto ok = describe(5);
    REQUIRE(ok.has_value());
    CHECK(*ok == "ok 5");

    auto not_found = describe(0);
    REQUIRE_FALSE(not_found.has_value());
    CHECK(not_found.error().kind == Errc::NotFound);

    auto usage = describe(1);  // positive(0) fails
    REQUIRE_FALSE(usage.has_value());
    CHECK(usage.error().kind == Errc::Usage);
    CHECK(usage.error().exit_status() == 2);
  }
}
