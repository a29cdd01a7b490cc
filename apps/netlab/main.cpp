// netlab: the command-line front end. Parses the global options, hands the
// object and command to one of the cmd_*.cpp files, and turns errors into
// one line on stderr and the documented exit status.
#include "cli.hpp"

#include <netlab/version.hpp>

#include <cstring>
#include <map>
#include <unistd.h>

namespace {

// iproute2 users type -json, -br, -details, -pretty: CLI11 only knows -x and
// --long, so rewrite those words before it sees them (only before the object).
std::vector<std::string> normalize_args(int argc, char** argv) {
  static const std::map<std::string, std::string> kLong = {
      {"-json", "--json"}, {"-pretty", "--pretty"}, {"-details", "--details"},
      {"-br", "--brief"},  {"-brief", "--brief"},   {"-color", "--color=always"},
      {"-netns", "--netns"},
  };
  std::vector<std::string> out;
  bool before_object = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (before_object) {
      if (auto it = kLong.find(a); it != kLong.end()) a = it->second;
      else if (a.empty() || a[0] != '-') before_object = false;
    }
    out.push_back(std::move(a));
  }
  // CLI11 parses a reversed vector (it pops from the back).
  return {out.rbegin(), out.rend()};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace netlab::cli;
  Global g;
  CLI::App app{"netlab: a network-lab toolkit for TAP, bridge and VM labs", "netlab"};
  // One line on stderr for every usage error, prefixed like our own errors.
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string("netlab: ") + e.what() + " (see --help)\n";
  });
  app.require_subcommand(1);  // one object per call; also keeps object names out of arguments
  app.set_version_flag("-V,--version", std::string("netlab ") + netlab::version());
  app.add_flag("-j,--json", g.json, "JSON output");
  app.add_flag("-p,--pretty", g.pretty, "Pretty-print JSON");
  app.add_flag("-d,--details", g.details, "Show more details");
  app.add_flag("-b,--brief", g.brief, "One line per object");
  app.add_flag("-4", g.ipv4, "IPv4 only");
  app.add_flag("-6", g.ipv6, "IPv6 only");
  app.add_option("-n,--netns", g.netns_arg, "Network namespace NAME (/run/netns/NAME) or a path");
  static std::string color_word = "auto";
  app.add_option("--color", color_word, "Colour output: auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->each([&g](const std::string& w) { g.color = w == "always" ? Color::Always : w == "never" ? Color::Never : Color::Auto; });
  app.footer("Objects: link (l), addr (a, address), neigh (n, neighbor, neighbour), route (r), tap (tuntap),\n"
             "bridge (br), capture, arp, ndp, guest. See netlab(8).\n"
             "Exit status: 0 success, 1 the operation failed, 2 usage error, 3 negative result (no reply, a fault\n"
             "diagnosed), 4 a failure no known cause explains.");

  // Resolve global options once, after parsing and before any command callback.
  add_link_command(app, g);
  add_addr_command(app, g);
  add_neigh_command(app, g);
  add_route_command(app, g);
  add_capture_command(app, g);
  add_tap_command(app, g);
  add_bridge_command(app, g);
  add_guest_command(app, g);
  add_arp_command(app, g);
  add_ndp_command(app, g);
  auto args = normalize_args(argc, argv);
  try {
    app.parse(args);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    int status = app.exit(e);  // prints help, version or the parse error
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return 0;
    return status == 0 ? 0 : 2;  // never leak CLI11's 1xx codes
  }
  std::fflush(stdout);
  if (std::ferror(stdout)) {
    std::fputs("netlab: stdout: write error\n", stderr);
    return 1;
  }
  return 0;
}
