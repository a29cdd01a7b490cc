// netlab neigh: show (NOARP entries on request), add/replace/change, delete, flush.
#include "cli.hpp"

#include <netlab/neigh.hpp>

#include <memory>

namespace netlab::cli {
namespace {

struct NeighArgs {
  std::vector<std::string> show, add, replace, change, del, flush;
};

// `nud WORD` as a filter: "all" and "none" select beyond the NUD bits.
std::uint16_t parse_state_filter(const std::string& word) {
  if (word == "all") return neigh::kAllStates;
  auto s = value_or_fail(parse_nud_state(word));
  return s == NudNone ? neigh::kStateNone : s;
}

neigh::Filter parse_filter(const Global& g, const std::vector<std::string>& args, const char* command,
                           std::uint16_t default_states) {
  Words w(args, command);
  neigh::Filter f;
  f.family = g.family();
  bool states_given = false;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "dev") f.dev = parse_ifname(w.value("dev")).str();
    else if (word == "nud") {
      std::uint16_t s = parse_state_filter(w.value("nud"));
      f.states = states_given ? static_cast<std::uint16_t>(f.states | s) : s;
      states_given = true;
    } else if (word == "proxy") f.proxy = true;
    else if (word == "to") f.to = parse_prefix(w.value("to"));
    else if (!f.to && word.front() != '-') f.to = parse_prefix(word);
    else w.unknown(word);
  }
  if (!states_given) f.states = default_states;
  return f;
}

void run_show(const Global& g, const std::vector<std::string>& args) {
  auto filter = parse_filter(g, args, "neigh show", neigh::kDefaultStates);
  Output out(g);
  out.begin_list();
  check(neigh::for_each(g.netns, filter, [&](const Neighbour& n) {
    render_neigh(out.printer(), n, g.render);
    out.maybe_flush();
  }));
  out.end_list();
}

void run_add(const Global& g, const std::vector<std::string>& args, neigh::Mode mode, const char* command) {
  Words w(args, command);
  std::optional<IpAddr> dst;
  std::optional<IfName> dev;
  neigh::Spec spec;
  bool state_given = false;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "dev") dev = parse_ifname(w.value("dev"));
    else if (word == "lladdr") spec.lladdr = value_or_fail(MacAddr::parse_unicast(w.value("lladdr")));
    else if (word == "nud") {
      const std::string& v = w.value("nud");
      if (v == "all") usage_error(command, "\"nud all\" is a filter, not a state");
      spec.state = value_or_fail(parse_nud_state(v));
      state_given = true;
    } else if (word == "router") spec.router = true;
    else if (word == "proxy") {
      spec.proxy = true;
      if (!dst && !w.done()) dst = parse_ip(w.next());
    } else if (word == "to") dst = parse_ip(w.value("to"));
    else if (!dst && word.front() != '-') dst = parse_ip(word);
    else w.unknown(word);
  }
  if (!dst) usage_error(command, "needs an address");
  if (!dev) usage_error("neighbour " + dst->to_string(), "needs \"dev DEV\"");
  if (!spec.proxy && !spec.lladdr && (!state_given || spec.state == NudPermanent || spec.state == NudReachable ||
                                      spec.state == NudStale))
    usage_error("neighbour " + dst->to_string(), "needs \"lladdr MAC\" (or \"nud noarp|none\")");
  if (dst->is_multicast()) usage_error("neighbour " + dst->to_string(), "is a multicast address");
  spec.dst = *dst;
  spec.dev = *dev;
  check(neigh::add(g.netns, spec, mode));
}

void run_delete(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "neigh delete");
  std::optional<IpAddr> dst;
  std::optional<IfName> dev;
  bool proxy = false;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "dev") dev = parse_ifname(w.value("dev"));
    else if (word == "proxy") proxy = true;
    else if (word == "to") dst = parse_ip(w.value("to"));
    else if (!dst && word.front() != '-') dst = parse_ip(word);
    else w.unknown(word);
  }
  if (!dst) usage_error("neigh delete", "needs an address");
  if (!dev) usage_error("neighbour " + dst->to_string(), "needs \"dev DEV\"");
  check(neigh::remove(g.netns, *dst, *dev, proxy));
}

void run_flush(const Global& g, const std::vector<std::string>& args) {
  auto filter = parse_filter(g, args, "neigh flush", neigh::kFlushStates);
  if (filter.dev.empty() && !filter.to) usage_error("neigh flush", "needs \"dev DEV\" or an address prefix");
  value_or_fail(neigh::flush(g.netns, filter));
}

}  // namespace

void add_neigh_command(CLI::App& root, Global& g) {
  auto args = std::make_shared<NeighArgs>();
  auto* obj = root.add_subcommand("neigh", "Show and change the ARP and NDP neighbour tables");
  for (const char* alias : {"n", "neighbor", "neighbour"}) obj->alias(alias);
  add_words_command(*obj, g, "show", "List neighbour entries (the default)", args->show,
                    "[dev DEV] [nud STATE|all] [proxy] [ADDRESS]", [&g, args] { run_show(g, args->show); });
  const char* usage = "ADDRESS [lladdr MAC] dev DEV [nud STATE] [router] [proxy]";
  add_words_command(*obj, g, "add", "Add an entry", args->add, usage, [&g, args] {
    run_add(g, args->add, neigh::Mode::Add, "neigh add");
  });
  add_words_command(*obj, g, "replace", "Add or overwrite an entry", args->replace, usage, [&g, args] {
    run_add(g, args->replace, neigh::Mode::Replace, "neigh replace");
  });
  add_words_command(*obj, g, "change", "Change an existing entry", args->change, usage, [&g, args] {
    run_add(g, args->change, neigh::Mode::Change, "neigh change");
  });
  add_words_command(*obj, g, "delete", "Delete an entry", args->del, "ADDRESS dev DEV [proxy]", [&g, args] { run_delete(g, args->del); })
      ->alias("del");
  add_words_command(*obj, g, "flush", "Delete dynamic entries", args->flush, "dev DEV [nud STATE]", [&g, args] { run_flush(g, args->flush); });
  default_to_show(obj, g, [&g] { run_show(g, {}); });
}

}  // namespace netlab::cli
