// C23's settings predicate, shared by `ndp inspect` and `ndp diagnose`.
#include "ndp/ra_ignored.hpp"

#include <catch2/catch.hpp>

using netlab::ndp::ra_ignored_reasons;
using netlab::ndp::RaSettings;

namespace {
std::string keys(const RaSettings& s) {
  std::string out;
  for (const auto& r : ra_ignored_reasons(s))
    out += (out.empty() ? "" : " ") + r.fix_key + "=" + std::to_string(r.fix_value);
  return out;
}
}  // namespace

TEST_CASE("ra_ignored: a host with the kernel defaults takes RAs whole", "[ndp][unit]") {
  CHECK(keys({0, 1, 1, 1}).empty());
  CHECK(keys({1, 2, 1, 1}).empty());  // a router that still wants them: accept_ra=2
}

TEST_CASE("ra_ignored: forwarding with accept_ra=1 ignores RAs and wants accept_ra=2", "[ndp][unit]") {
  const auto r = ra_ignored_reasons({1, 1, 1, 1});
  REQUIRE(r.size() == 1);
  CHECK(r[0].settings == "forwarding=1, accept_ra=1");
  CHECK(r[0].ignores_all);
  CHECK(keys({1, 1, 0, 0}) == "accept_ra=2");  // nothing else matters while they are ignored
}

TEST_CASE("ra_ignored: accept_ra=0 wants 1 on a host and 2 on a forwarding one", "[ndp][unit]") {
  CHECK(keys({0, 0, 1, 1}) == "accept_ra=1");
  CHECK(keys({1, 0, 1, 1}) == "accept_ra=2");
}

TEST_CASE("ra_ignored: accepted RAs with autoconf or accept_ra_defrtr off lose their address or route", "[ndp][unit]") {
  CHECK(keys({0, 1, 0, 1}) == "autoconf=1");
  CHECK(keys({0, 1, 1, 0}) == "accept_ra_defrtr=1");
  CHECK(keys({1, 2, 0, 0}) == "autoconf=1 accept_ra_defrtr=1");
  for (const auto& r : ra_ignored_reasons({0, 1, 0, 0})) CHECK_FALSE(r.ignores_all);
}

TEST_CASE("ra_ignored: unknown settings make no reason", "[ndp][unit]") {
  CHECK(keys({}).empty());
  CHECK(keys({std::nullopt, 1, 0, 0}).empty());  // forwarding unknown: whether RAs are accepted is unknown
  CHECK(keys({std::nullopt, 0, 1, 1}) == "accept_ra=1");
}
