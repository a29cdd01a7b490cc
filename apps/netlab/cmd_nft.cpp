// netlab nft: show the nftables ruleset (read-only), one line per rule.
#include "cli.hpp"

#include <netlab/nft.hpp>

#include <memory>

namespace netlab::cli {
namespace {

void run_show(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "nft show");
  if (!w.done()) w.unknown(w.next());
  auto rs = value_or_fail(nft::read_ruleset(g.netns));
  Output out(g);
  out.begin_list();
  nft::render_ruleset(out.printer(), rs);
  out.end_list();
}

}  // namespace

void add_nft_command(CLI::App& root, Global& g) {
  auto args = std::make_shared<std::vector<std::string>>();
  auto* obj = root.add_subcommand("nft", "Show the nftables ruleset (tables, chains, rules, counters)");
  add_words_command(*obj, g, "show", "List the ruleset (the default)", *args, "",
                    [&g, args] { run_show(g, *args); });
  default_to_show(obj, g, [&g] { run_show(g, {}); });
}

}  // namespace netlab::cli
