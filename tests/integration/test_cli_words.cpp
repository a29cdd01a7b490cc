// Unknown words: an object or a command netlab does not know is named on one
// stderr line with the valid words and the closest one, exit 2, nothing
// changed (CLI11 alone said "A subcommand is required" or "The following
// argument was not expected").
#include "netns_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
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
      {{"foo"}, "netlab: unknown object \"foo\" (objects: link, addr, neigh, route, capture, drops, tap, bridge, guest, arp, ndp, dhcp, path, nft, socket)\n"},
      {{"tap", "foo"}, "netlab: tap: unknown command \"foo\" (commands: create, delete, show, diagnose)\n"},
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

TEST_CASE("capture checks tcpdump's number ranges before opening anything, and honours a global -j", "[cli][capture][errors]") {
  nltest::PrivateNetns ns;
  const std::string file = std::string(NETLAB_SOURCE_DIR) + "/tests/data/robustness/LINKTYPE_IPV4_invalid.pcap";
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"-c", "-1"}, "-c needs a packet count from 1 to 2147483647, not \"-1\""},
      {{"-c", "0"}, "-c needs a packet count from 1 to 2147483647, not \"0\""},
      {{"-c", "99999999999999999999"}, "-c needs a packet count from 1 to 2147483647, not \"99999999999999999999\""},
      {{"-c", "2x"}, "-c needs a packet count from 1 to 2147483647, not \"2x\""},
      {{"-B", "-1"}, "-B needs a buffer size in KiB from 1 to 2097151, not \"-1\""},
      {{"-B", "0"}, "-B needs a buffer size in KiB from 1 to 2097151, not \"0\""},
      {{"-s", "262145"}, "-s needs a snapshot length from 0 to 262144 (0: 262144), not \"262145\""},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"capture", "-r", file};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = nltest::netlab(args);
    INFO("capture " << c.args[0] << " " << c.args[1] << "\nstderr: " << r.err);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "netlab: capture: " + c.says + "\n");
  }
  // In range, the same file prints; -j before or after `capture` prints the same JSON.
  auto text = nltest::netlab({"capture", "-r", file, "-c", "1"});
  CHECK(text.status == 0);
  CHECK(text.out.rfind("{", 0) == std::string::npos);
  auto after = nltest::netlab({"capture", "-r", file, "-c", "1", "-j"});
  auto before = nltest::netlab({"-j", "capture", "-r", file, "-c", "1"});
  CHECK(after.status == 0);
  CHECK(after.out.rfind("{\"ts_sec\":", 0) == 0);
  CHECK(before.status == 0);
  CHECK(before.out == after.out);
}

TEST_CASE("link set refuses a keyword twice or up with down, guest refuses -j, nothing changes", "[cli][errors]") {
  nltest::PrivateNetns ns;
  nltest::ip_ok({"link", "add", "labv0", "type", "veth", "peer", "name", "labv1"});
  const std::string before = nltest::ip({"-d", "link", "show"}).out;
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"link", "set", "labv0", "up", "down"}, "netlab: link set: \"up\" and \"down\" together, or twice\n"},
      {{"link", "set", "labv0", "down", "down"}, "netlab: link set: \"up\" and \"down\" together, or twice\n"},
      {{"link", "set", "labv0", "mtu", "1400", "mtu", "1300"}, "netlab: link set: \"mtu\" given twice\n"},
      {{"-j", "guest", "labv0", "ip", "192.0.2.2/24"}, "netlab: guest: has no JSON output; drop -j\n"},
  };
  for (const auto& c : cases) {
    auto r = nltest::netlab(c.args);
    INFO(c.args[0] << " " << c.args[1] << " " << c.args[2] << "\nstderr: " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err == c.err);
  }
  CHECK(nltest::ip({"-d", "link", "show"}).out == before);
  // One of each still works.
  auto r = nltest::netlab({"link", "set", "labv0", "up", "mtu", "1400"});
  CHECK(r.status == 0);
  CHECK(nltest::ip({"link", "show", "labv0"}).out.find("mtu 1400") != std::string::npos);
}

// The man pages' synopses and --help must name the same keywords: for each
// synopsis block "netlab OBJECT COMMAND ...", every bold word of its
// optional [...] groups appears in `netlab OBJECT COMMAND --help`.
TEST_CASE("every keyword a man page's synopsis lists for a command is in that command's --help", "[cli][help]") {
  nltest::PrivateNetns ns;
  const std::vector<std::string> objects = {"link", "addr", "neigh", "route", "tap", "bridge", "arp", "ndp", "nft", "socket"};
  const std::regex bold(R"(\\fB(.*?)\\fP)");
  std::size_t checked = 0;
  for (const auto& object : objects) {
    std::ifstream in(std::string(NETLAB_SOURCE_DIR) + "/man/netlab-" + object + ".8");
    REQUIRE(in);
    std::string line;
    bool synopsis = false;
    std::vector<std::vector<std::string>> blocks(1);
    while (std::getline(in, line)) {
      if (line.rfind(".SH", 0) == 0) synopsis = line == ".SH SYNOPSIS";
      else if (synopsis && line == ".sp") blocks.emplace_back();
      else if (synopsis) blocks.back().push_back(line);
    }
    for (const auto& block : blocks) {
      std::vector<std::string> head;  // netlab OBJECT COMMAND, in bold, before any option group
      std::vector<std::string> keywords;
      bool in_options = false;
      for (const auto& l : block) {
        if (l.empty() || l[0] == '.') continue;
        in_options = in_options || l[0] == '[';
        std::vector<std::string> words;
        for (std::sregex_iterator it(l.begin(), l.end(), bold), end; it != end; ++it) {
          std::string w = (*it)[1];
          for (std::size_t at; (at = w.find("\\-")) != std::string::npos;) w.replace(at, 2, "-");
          words.push_back(w);
        }
        auto& into = in_options ? keywords : head;
        into.insert(into.end(), words.begin(), words.end());
      }
      if (head.size() < 3 || head[0] != "netlab" || head[2].empty() || head[2][0] == '-') continue;
      auto help = nltest::netlab({object, head[2], "--help"});
      INFO("netlab " << object << " " << head[2] << " --help:\n" << help.out);
      REQUIRE(help.status == 0);
      for (const auto& k : keywords) {
        INFO("keyword " << k);
        const std::regex whole("(^|[^A-Za-z0-9_-])" + std::regex_replace(k, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                               "($|[^A-Za-z0-9_-])");
        CHECK(std::regex_search(help.out, whole));
        ++checked;
      }
    }
  }
  CHECK(checked > 100);
}
