// The unit suite must never be empty: CMake needs a source, and a run that
// executes no test is a failed run, not a green one.
#include <catch2/catch.hpp>

#include <netlab/version.hpp>

#include <string>

TEST_CASE("version() is the project version", "[version]") {
  CHECK(std::string(netlab::version()).find('.') != std::string::npos);
}
