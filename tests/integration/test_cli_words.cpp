// Unknown words: an object or a command netlab does not know is named on one
// stderr line with the valid words and the closest one, exit 2, nothing
// changed (CLI11 alone said "A subcommand is required" or "The following
// argument was not expected").
#include "netns_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

TEST_CASE("unknown objects and commands are named, with the valid words and the closest one", "[cli][errors]") {
  nltest::PrivateNetns ns;
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"lnk"}, "netlab: unknown object \"lnk\"; did you mean \"link\"? (objects: link, addr, neigh, route, "},
      {{"-j", "-n", "nosuchns", "rout", "show"}, "netlab: unknown object \"rout\"; did you mean \"route\"?"},
      {{"--color", "never", "brige"}, "netlab: unknown object \"brige\"; did you mean \"bridge\"?"},
      {{"foo"}, "netlab: unknown object \"foo\" (objects: link, addr, neigh, route, capture, tap, bridge, guest, arp, ndp)\n"},
      {{"tap", "foo"}, "netlab: tap: unknown command \"foo\" (commands: create, delete, show)\n"},
      {{"bridge", "adif", "br0", "v0"}, "netlab: bridge: unknown command \"adif\"; did you mean \"addif\"?"},
      {{"neigh", "shw"}, "netlab: neigh: unknown command \"shw\"; did you mean \"show\"?"},
      {{"arp", "diagnos", "lo"}, "netlab: arp: unknown command \"diagnos\"; did you mean \"diagnose\"?"},
  };
  for (const auto& c : cases) {
    auto r = nltest::netlab(c.args);
    std::string cmd = "netlab";
    for (const auto& a : c.args) cmd += " " + a;
    INFO(cmd << "\nstatus " << r.status << "\nstderr: " << r.err);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind(c.says, 0) == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  // Known words keep their own errors: a missing interface is not an unknown word.
  auto r = nltest::netlab({"link", "show", "nosuch0"});
  CHECK(r.status == 1);
  CHECK(r.err == "netlab: link nosuch0: no such device\n");
}
