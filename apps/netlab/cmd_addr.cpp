// netlab addr: show (grouped under links as `ip addr`), add, replace, delete, flush.
#include "cli.hpp"

#include <netlab/addr.hpp>
#include <netlab/link.hpp>

#include <linux/if_addr.h>
#include <map>
#include <memory>

namespace netlab::cli {
namespace {

struct AddrArgs {
  std::vector<std::string> show, add, replace, del, flush;
};

// Words shared by show and flush: dev, scope and flag selectors.
bool parse_selector(Words& w, const std::string& word, addr::Filter& f) {
  if (word == "dev") f.dev = parse_ifname(w.value("dev")).str();
  else if (word == "scope") f.scope = value_or_fail(parse_scope(w.value("scope")));
  else if (word == "permanent") f.permanent_only = true;
  else if (word == "dynamic") f.dynamic_only = true;
  else if (word == "tentative") f.flags_set |= IFA_F_TENTATIVE;
  else if (word == "dadfailed") f.flags_set |= IFA_F_DADFAILED;
  else if (word == "deprecated") f.flags_set |= IFA_F_DEPRECATED;
  else if (word == "secondary" || word == "temporary") f.flags_set |= IFA_F_SECONDARY;
  else if (word == "primary") f.flags_clear |= IFA_F_SECONDARY;
  else return false;
  return true;
}

// The selectors show and flush share; a bare word is the device.
addr::Filter parse_filter(const Global& g, const std::vector<std::string>& args, const char* command) {
  Words w(args, command);
  addr::Filter filter;
  filter.family = g.family();
  while (!w.done()) {
    const std::string& word = w.next();
    if (parse_selector(w, word, filter)) continue;
    if (filter.dev.empty() && word.front() != '-') filter.dev = parse_ifname(word).str();
    else w.unknown(word);
  }
  return filter;
}

void run_show(const Global& g, const std::vector<std::string>& args) {
  addr::Filter filter = parse_filter(g, args, "addr show");
  link::Filter lf;
  lf.name = filter.dev;
  auto links = value_or_fail(link::list(g.netns, lf));
  auto addrs = value_or_fail(addr::list(g.netns, filter));
  std::map<int, std::vector<const Address*>> by_link;
  for (const auto& a : addrs) by_link[a.index].push_back(&a);
  // With a selector beyond dev, links without a matching address are left out, as ip does.
  bool only_with_addrs = filter.scope || filter.flags_set || filter.flags_clear || filter.permanent_only ||
                         filter.dynamic_only || filter.family != Family::Unspec;
  Output out(g);
  out.begin_list();
  for (const auto& l : links) {
    auto it = by_link.find(l.index);
    std::vector<const Address*> none;
    const auto& list = it == by_link.end() ? none : it->second;
    if (only_with_addrs && list.empty()) continue;
    render_link_addrs(out.printer(), l, list, g.render);
    out.maybe_flush();
  }
  out.end_list();
}

std::uint32_t parse_lifetime(std::string_view s, std::string_view what) {
  if (s == "forever") return kForever;
  std::string_view digits = s;
  if (digits.size() > 3 && digits.substr(digits.size() - 3) == "sec") digits.remove_suffix(3);
  return parse_u32(digits, what, kForever - 1);
}

addr::Spec parse_spec(const std::vector<std::string>& args, const char* command) {
  Words w(args, command);
  std::optional<Prefix> prefix;
  std::optional<IfName> dev;
  addr::Spec spec;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "dev") dev = parse_ifname(w.value("dev"));
    else if (word == "local") prefix = parse_prefix(w.value("local"));
    else if (word == "broadcast" || word == "brd") {
      const std::string& v = w.value(word);
      if (v == "+") spec.broadcast_auto = true;
      else spec.broadcast = parse_ip(v);
    } else if (word == "label") spec.label = w.value("label");
    else if (word == "scope") spec.scope = value_or_fail(parse_scope(w.value("scope")));
    else if (word == "valid_lft") spec.valid_lft = parse_lifetime(w.value("valid_lft"), "valid_lft");
    else if (word == "preferred_lft") spec.preferred_lft = parse_lifetime(w.value("preferred_lft"), "preferred_lft");
    else if (word == "nodad") spec.flags |= IFA_F_NODAD;
    else if (word == "noprefixroute") spec.flags |= IFA_F_NOPREFIXROUTE;
    else if (word == "optimistic") spec.flags |= IFA_F_OPTIMISTIC;
    else if (word == "home") spec.flags |= IFA_F_HOMEADDRESS;
    else if (word == "mngtmpaddr") spec.flags |= IFA_F_MANAGETEMPADDR;
    else if (!prefix && word.front() != '-') prefix = parse_prefix(word);
    else w.unknown(word);
  }
  if (!prefix) usage_error(command, "needs an address (PREFIX)");
  if (!dev) usage_error("address " + prefix->to_string(), "needs \"dev DEV\"");
  if ((spec.flags & (IFA_F_NODAD | IFA_F_OPTIMISTIC | IFA_F_MANAGETEMPADDR | IFA_F_HOMEADDRESS)) &&
      !prefix->addr().is_v6())
    usage_error("address " + prefix->to_string(), "nodad, optimistic, home and mngtmpaddr are IPv6 flags");
  spec.prefix = *prefix;
  spec.dev = *dev;
  return spec;
}

// The MirageOS-on-Xen trap: an address on a bridge port never sees replies,
// because frames arriving on a port are handed to the bridge, not the port.
void warn_if_bridge_port(const Global& g, const addr::Spec& spec) {
  bool strands = spec.prefix.addr().is_v4() || !spec.prefix.addr().is_link_local();
  if (!strands) return;
  auto l = link::get(g.netns, spec.dev.str());
  if (!l || l->slave_kind != "bridge") return;
  std::fprintf(stderr,
               "netlab: warning: link %s is a port of bridge %s: an address on a bridge port stops working, "
               "because frames that arrive on a port are handed to the bridge\n"
               "hint: put it on the bridge instead: netlab addr del %s dev %s && netlab addr add %s dev %s\n",
               spec.dev.c_str(), l->master.c_str(), spec.prefix.to_string().c_str(), spec.dev.c_str(),
               spec.prefix.to_string().c_str(), l->master.c_str());
}

void run_delete(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "addr delete");
  std::optional<Prefix> prefix;
  std::optional<IfName> dev;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "dev") dev = parse_ifname(w.value("dev"));
    else if (word == "local") prefix = parse_prefix(w.value("local"));
    else if (!prefix && word.front() != '-') prefix = parse_prefix(word);
    else w.unknown(word);
  }
  if (!prefix) usage_error("addr delete", "needs an address (PREFIX)");
  if (!dev) usage_error("address " + prefix->to_string(), "needs \"dev DEV\"");
  check(addr::remove(g.netns, *prefix, *dev));
}

void run_flush(const Global& g, const std::vector<std::string>& args) {
  addr::Filter filter = parse_filter(g, args, "addr flush");
  if (filter.dev.empty()) usage_error("addr flush", "needs \"dev DEV\" (flushing every link is too easy a mistake)");
  value_or_fail(addr::flush(g.netns, filter));
}

}  // namespace

void add_addr_command(CLI::App& root, Global& g) {
  auto args = std::make_shared<AddrArgs>();
  auto* obj = root.add_subcommand("addr", "Show and change IPv4 and IPv6 addresses");
  obj->alias("a");
  obj->alias("address");
  add_words_command(*obj, g, "show", "List addresses by link (the default)", args->show,
                    "[dev DEV] [scope SCOPE] [permanent|dynamic|tentative|dadfailed|deprecated|secondary|primary]", [&g, args] { run_show(g, args->show); });
  const char* add_usage =
      "PREFIX dev DEV [broadcast ADDR|+] [label LABEL] [scope SCOPE] [valid_lft SECS|forever] "
      "[preferred_lft SECS|forever] [nodad] [noprefixroute] [optimistic]";
  add_words_command(*obj, g, "add", "Add an address", args->add, add_usage, [&g, args] {
    auto spec = parse_spec(args->add, "addr add");
    check(addr::add(g.netns, spec));
    warn_if_bridge_port(g, spec);
  });
  add_words_command(*obj, g, "replace", "Add or update an address", args->replace, add_usage, [&g, args] {
    check(addr::replace(g.netns, parse_spec(args->replace, "addr replace")));
  });
  add_words_command(*obj, g, "delete", "Delete an address", args->del, "PREFIX dev DEV", [&g, args] { run_delete(g, args->del); })
      ->alias("del");
  add_words_command(*obj, g, "flush", "Delete the addresses of a link", args->flush, "dev DEV [scope SCOPE]", [&g, args] { run_flush(g, args->flush); });
  default_to_show(obj, g, [&g] { run_show(g, {}); });
}

}  // namespace netlab::cli
