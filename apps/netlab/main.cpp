// netlab: the command-line front end. Parses the global options, hands the
// object and command to one of the cmd_*.cpp files, and turns errors into
// one line on stderr and the documented exit status.
#include "cli.hpp"

#include <netlab/version.hpp>

#include <algorithm>
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

// Edit distance (insert, delete, substitute, swap two neighbours) between two
// short words, for "did you mean".
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// The words a level accepts (names and aliases of its subcommands), in the
// order they were added, and which one a typo most likely meant.
struct Vocabulary {
  std::vector<std::string> names;    // primary names only, for the list
  std::vector<std::string> accepted; // names and aliases
  std::string closest(const std::string& word) const {
    std::string best;
    std::size_t best_d = 3;  // at most two edits away
    for (const auto& w : accepted) {
      std::size_t dist = edit_distance(word, w);
      if (w.size() > word.size() && w.compare(0, word.size(), word) == 0) dist = std::min<std::size_t>(dist, 1);
      if (dist < best_d) best_d = dist, best = w;
    }
    return best;
  }
  bool has(const std::string& word) const { return std::find(accepted.begin(), accepted.end(), word) != accepted.end(); }
};

Vocabulary vocabulary(CLI::App& level) {
  Vocabulary v;
  for (CLI::App* sub : level.get_subcommands([](CLI::App*) { return true; })) {
    v.names.push_back(sub->get_name());
    v.accepted.push_back(sub->get_name());
    for (const auto& alias : sub->get_aliases()) v.accepted.push_back(alias);
  }
  return v;
}

std::string list_of(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

// After a parse error: when the object word, or the command word right after
// a known object, is not one netlab knows, the one line that says so (with
// the valid words and the closest one) instead of CLI11's generic text.
// `args` are in command-line order. "" when the error is about something else.
std::string unknown_word_message(CLI::App& app, const std::vector<std::string>& args, bool extras_error) {
  std::size_t i = 0;
  for (; i < args.size(); ++i) {  // global options come before the object
    const std::string& a = args[i];
    if (a.empty() || a[0] != '-') break;
    if (a == "-n" || a == "--netns" || a == "--color") ++i;  // their value is the next word
  }
  if (i >= args.size()) return {};
  const Vocabulary objects = vocabulary(app);
  const std::string& object = args[i];
  if (!objects.has(object)) {
    std::string msg = "netlab: unknown object \"" + object + "\"";
    if (auto guess = objects.closest(object); !guess.empty()) msg += "; did you mean \"" + guess + "\"?";
    return msg + " (objects: " + list_of(objects.names) + ")\n";
  }
  if (!extras_error || i + 1 >= args.size()) return {};
  CLI::App* level = app.get_subcommand(object);
  const Vocabulary commands = vocabulary(*level);
  const std::string& command = args[i + 1];
  if (commands.names.empty() || command.empty() || command[0] == '-' || commands.has(command)) return {};
  std::string msg = "netlab: " + level->get_name() + ": unknown command \"" + command + "\"";
  if (auto guess = commands.closest(command); !guess.empty()) msg += "; did you mean \"" + guess + "\"?";
  return msg + " (commands: " + list_of(commands.names) + ")\n";
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
             "bridge (br), capture, drops, arp, ndp, dhcp, path, guest, nft, socket. See netlab(8).\n"
             "Exit status: 0 success, 1 the operation failed, 2 usage error, 3 negative result (no reply, a fault\n"
             "diagnosed), 4 a failure no known cause explains.");

  // Resolve global options once, after parsing and before any command callback.
  add_link_command(app, g);
  add_addr_command(app, g);
  add_neigh_command(app, g);
  add_route_command(app, g);
  add_capture_command(app, g);
  add_drops_command(app, g);
  add_tap_command(app, g);
  add_bridge_command(app, g);
  add_guest_command(app, g);
  add_arp_command(app, g);
  add_ndp_command(app, g);
  add_dhcp_command(app, g);
  add_path_command(app, g);
  add_nft_command(app, g);
  add_socket_command(app, g);
  auto args = normalize_args(argc, argv);
  const std::vector<std::string> in_order(args.rbegin(), args.rend());  // parse() consumes args
  try {
    app.parse(args);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != static_cast<int>(CLI::ExitCodes::Success)) {
      const bool extras = dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr;
      if (auto msg = unknown_word_message(app, in_order, extras); !msg.empty()) {
        std::fputs(msg.c_str(), stderr);
        return 2;
      }
    }
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
