// netlab route: show (streamed), get, add, replace, delete.
#include "cli.hpp"

#include <netlab/route.hpp>

#include <memory>

namespace netlab::cli {
namespace {

struct RouteArgs {
  std::vector<std::string> show, get, add, replace, del;
};

// Like `ip route`, IPv4 unless -6 (or an IPv6 prefix) says otherwise.
Family default_family(const Global& g) { return g.family() == Family::Unspec ? Family::Inet : g.family(); }

void run_show(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "route show");
  route::Filter f;
  f.family = default_family(g);
  std::optional<std::string> dst_word;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "table") f.table = value_or_fail(parse_route_table(w.value("table")));
    else if (word == "type") f.type = value_or_fail(parse_route_type(w.value("type")));
    else if (word == "dev" || word == "oif") f.dev = parse_ifname(w.value(word)).str();
    else if (word == "proto") f.protocol = value_or_fail(parse_route_protocol(w.value("proto")));
    else if (word == "scope") f.scope = value_or_fail(parse_scope(w.value("scope")));
    else if (word == "via") f.via = parse_ip(w.value("via"));
    else if (word == "root" || word == "match" || word == "exact") dst_word = w.value(word);
    else if (!dst_word && word.front() != '-') dst_word = word;
    else w.unknown(word);
  }
  if (dst_word) {
    f.dst = parse_prefix_or_default(*dst_word, f.family);
    if (g.family() == Family::Unspec) f.family = f.dst->family();
  }
  // ip's quirk, kept so outputs match: "table all" lists both families.
  if (f.table == 0 && g.family() == Family::Unspec && !f.dst && !f.via) f.family = Family::Unspec;
  if (f.via && f.via->family() != f.family) usage_error("route show", "\"via\" is of another family (use -6)");
  RenderOptions render = g.render;
  Output out(g);
  out.begin_list();
  check(route::for_each(g.netns, f, [&](const Route& r) {
    render_route(out.printer(), r, render);
    out.maybe_flush();
  }));
  out.end_list();
}

void run_get(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "route get");
  route::GetQuery q;
  bool have_dst = false;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "from") q.from = parse_ip(w.value("from"));
    else if (word == "iif") q.iif = parse_ifname(w.value("iif")).str();
    else if (word == "oif" || word == "dev") q.oif = parse_ifname(w.value(word)).str();
    else if (word == "to") { q.dst = parse_ip(w.value("to")); have_dst = true; }
    else if (!have_dst && word.front() != '-') { q.dst = parse_ip(word); have_dst = true; }
    else w.unknown(word);
  }
  if (!have_dst) usage_error("route get", "needs an address");
  if (!q.iif.empty() && !q.from) usage_error("route get", "\"iif\" needs \"from SOURCE\"");
  auto r = value_or_fail(route::get(g.netns, q));
  Output out(g);
  out.begin_list();
  render_route(out.printer(), r, g.render);
  out.end_list();
}

route::Spec parse_spec(const Global& g, const std::vector<std::string>& args, const char* command) {
  Words w(args, command);
  route::Spec spec;
  std::optional<std::string> dst_word;
  bool type_given = false;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "via") spec.gateway = parse_ip(w.value("via"));
    else if (word == "dev" || word == "oif") spec.dev = parse_ifname(w.value(word)).str();
    else if (word == "src") spec.prefsrc = parse_ip(w.value("src"));
    else if (word == "metric" || word == "priority" || word == "preference")
      spec.metric = parse_u32(w.value(word), "metric");
    else if (word == "table") {
      spec.table = value_or_fail(parse_route_table(w.value("table")));
      if (spec.table == 0) usage_error(command, "\"table all\" only selects when listing");
    } else if (word == "proto" || word == "protocol") spec.protocol = value_or_fail(parse_route_protocol(w.value(word)));
    else if (word == "scope") spec.scope = value_or_fail(parse_scope(w.value("scope")));
    else if (word == "onlink") spec.onlink = true;
    else if (word == "nexthop") {
      route::Spec::Hop hop;
      while (!w.done() && w.peek() != "nexthop") {
        const std::string& h = w.next();
        if (h == "via") hop.gateway = parse_ip(w.value("via"));
        else if (h == "dev") hop.dev = parse_ifname(w.value("dev")).str();
        else if (h == "weight") hop.weight = static_cast<std::uint16_t>(parse_u32(w.value("weight"), "weight", 1, 256));
        else if (h == "onlink") hop.onlink = true;
        else w.unknown(h);
      }
      if (!hop.gateway && hop.dev.empty()) usage_error(command, "a nexthop needs \"via GW\" or \"dev DEV\"");
      spec.nexthops.push_back(std::move(hop));
    } else if (!dst_word && !type_given && word != "default" && parse_route_type(word)) {
      spec.type = *parse_route_type(word);
      type_given = true;
    } else if (!dst_word && word.front() != '-') {
      dst_word = word;
    } else {
      w.unknown(word);
    }
  }
  if (!dst_word) usage_error(command, "needs a destination (PREFIX or default)");
  Family family = g.family();
  if (family == Family::Unspec) {
    for (const auto* a : {&spec.gateway, &spec.prefsrc})
      if (*a) family = (*a)->family();
    for (const auto& hop : spec.nexthops)
      if (hop.gateway) family = hop.gateway->family();
  }
  spec.dst = parse_prefix_or_default(*dst_word, family == Family::Unspec ? Family::Inet : family);
  if (!spec.nexthops.empty() && (spec.gateway || !spec.dev.empty()))
    usage_error(command, "use either \"via\"/\"dev\" or \"nexthop\" lines, not both");
  if (std::string(command) != "route delete" && spec.type == 1 && !spec.gateway && spec.dev.empty() &&
      spec.nexthops.empty())
    usage_error("route " + *dst_word, "needs \"via GW\", \"dev DEV\" or \"nexthop\"");
  return spec;
}

}  // namespace

void add_route_command(CLI::App& root, Global& g) {
  auto args = std::make_shared<RouteArgs>();
  auto* obj = root.add_subcommand("route", "Show and change routes; ask the kernel which route it uses");
  obj->alias("r");
  add_words_command(*obj, g, "show", "List routes (the default; table main, IPv4 unless -6)", args->show,
                    "[table ID|all] [type TYPE] [dev DEV] [proto PROTO] [via GW] [scope SCOPE] [PREFIX|default]", [&g, args] { run_show(g, args->show); });
  add_words_command(*obj, g, "get", "Show the route the kernel picks for an address", args->get,
                    "ADDRESS [from SOURCE] [iif DEV] [oif DEV]", [&g, args] { run_get(g, args->get); });
  const char* usage =
      "[TYPE] PREFIX|default [via GW] [dev DEV] [src ADDR] [metric N] [table ID] [proto PROTO] [scope SCOPE] "
      "[onlink] [nexthop via GW dev DEV [weight N]]...";
  add_words_command(*obj, g, "add", "Add a route", args->add, usage, [&g, args] {
    check(route::change(g.netns, parse_spec(g, args->add, "route add"), route::Mode::Add));
  });
  add_words_command(*obj, g, "replace", "Add or overwrite a route", args->replace, usage, [&g, args] {
    check(route::change(g.netns, parse_spec(g, args->replace, "route replace"), route::Mode::Replace));
  });
  add_words_command(*obj, g, "delete", "Delete a route", args->del, usage, [&g, args] {
    check(route::change(g.netns, parse_spec(g, args->del, "route delete"), route::Mode::Delete));
  })->alias("del");
  default_to_show(obj, g, [&g] { run_show(g, {}); });
}

}  // namespace netlab::cli
