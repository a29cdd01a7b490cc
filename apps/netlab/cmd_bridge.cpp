// netlab bridge: brctl's verbs and iproute2's words over one library.
#include "cli.hpp"

#include <netlab/addr.hpp>
#include <netlab/bridge.hpp>

#include <algorithm>
#include <memory>

namespace netlab::cli {
namespace {

struct BridgeArgs {
  std::vector<std::string> add, del, addif, delif, show, showmacs, showstp, stp, setfd, sethello, setmaxage,
      setageing, setpathcost, setportprio, hairpin, setport, vlan_filtering, fdb_show, fdb_add, fdb_append, fdb_replace,
      fdb_del;
  bool move_addresses = false;
};

bool parse_on_off(const std::string& word, const std::string& what) {
  if (word == "on" || word == "yes" || word == "1") return true;
  if (word == "off" || word == "no" || word == "0") return false;
  usage_error(what + " \"" + word + "\"", "expected on or off");
}

// The words "BR" and "BR PORT" most verbs start with.
IfName take_bridge(Words& w, const char* command) {
  if (w.done()) usage_error(command, "needs a bridge name");
  return parse_ifname(w.next());
}
IfName take_port(Words& w, const char* command) {
  if (w.done()) usage_error(command, "needs a port name");
  return parse_ifname(w.next());
}
void no_more(Words& w) {
  if (!w.done()) w.unknown(w.peek());
}

void run_add(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "bridge add");
  std::optional<IfName> name;
  std::optional<MacAddr> mac;
  bridge::Settings s;
  bool up = false;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "address" || word == "mac") mac = value_or_fail(MacAddr::parse_unicast(w.value(word)));
    else if (word == "stp") s.stp = parse_on_off(w.value("stp"), "stp");
    else if (word == "forward_delay") s.forward_delay_cs = value_or_fail(bridge::seconds_to_cs(w.value(word), word));
    else if (word == "hello_time") s.hello_time_cs = value_or_fail(bridge::seconds_to_cs(w.value(word), word));
    else if (word == "max_age") s.max_age_cs = value_or_fail(bridge::seconds_to_cs(w.value(word), word));
    else if (word == "ageing_time") s.ageing_time_cs = value_or_fail(bridge::seconds_to_cs(w.value(word), word));
    else if (word == "priority") s.priority = static_cast<std::uint16_t>(parse_u32(w.value(word), "priority", 65535));
    else if (word == "vlan_filtering") s.vlan_filtering = parse_on_off(w.value(word), word);
    else if (word == "up") up = true;
    else if (!name && word.front() != '-') name = parse_ifname(word);
    else w.unknown(word);
  }
  if (!name) usage_error("bridge add", "needs a bridge name");
  check(bridge::create(g.netns, *name, mac, s, up));
}

// The hint is a command that works now that the port is attached:
// --move-addresses on a port already in BR moves its addresses only.
void warn_stranded(const Global& g, const std::string& port, const std::string& br,
                   const std::vector<Address>& stranded) {
  if (stranded.empty()) return;
  std::string list;
  for (const auto& a : stranded) list += (list.empty() ? "" : ", ") + a.local.to_string();
  const std::string ns = g.netns_arg.empty() ? "" : "-n " + g.netns_arg + " ";
  std::fprintf(stderr,
               "netlab: warning: link %s carries %s: a bridge port hands what it receives to %s, so these "
               "addresses stop working\nhint: put them on the bridge (netlab %sbridge addif %s %s --move-addresses)\n",
               port.c_str(), list.c_str(), br.c_str(), ns.c_str(), br.c_str(), port.c_str());
}

void run_addif(const Global& g, const std::vector<std::string>& args, bool move_addresses) {
  Words w(args, "bridge addif");
  IfName br = take_bridge(w, "bridge addif");
  if (w.done()) usage_error("bridge addif", "needs at least one interface");
  std::vector<IfName> ports;
  while (!w.done()) {
    IfName port = take_port(w, "bridge addif");
    if (std::find(ports.begin(), ports.end(), port) != ports.end())
      usage_error("bridge addif", port.str() + " is named twice");
    ports.push_back(port);
  }
  // All ports or none: if one fails, the ones already attached are released.
  std::vector<IfName> attached;
  std::vector<std::vector<Address>> stranded;
  for (const IfName& port : ports) {
    auto r = bridge::add_port(g.netns, br, port, move_addresses);
    if (!r) {
      for (auto it = attached.rbegin(); it != attached.rend(); ++it) (void)bridge::remove_port(g.netns, br, *it);
      fail(r.error());
    }
    if (!r->was_port) attached.push_back(port);
    stranded.push_back(r->stranded);
  }
  for (std::size_t i = 0; i < ports.size(); ++i) warn_stranded(g, ports[i].str(), br.str(), stranded[i]);
}

void run_delif(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "bridge delif");
  IfName br = take_bridge(w, "bridge delif");
  if (w.done()) usage_error("bridge delif", "needs at least one interface");
  while (!w.done()) check(bridge::remove_port(g.netns, br, take_port(w, "bridge delif")));
}

void run_del(const Global& g, const std::vector<std::string>& args) {
  if (args.empty()) usage_error("bridge delete", "needs a bridge name");
  std::vector<IfName> names;
  for (const auto& word : args) names.push_back(parse_ifname(word));
  // Check every name before deleting any: a deletion cannot be undone.
  for (const auto& n : names) value_or_fail(bridge::list(g.netns, n.str()));
  for (const auto& n : names) check(bridge::remove(g.netns, n));
}

void run_show(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "bridge show");
  std::string name;
  if (!w.done()) name = take_bridge(w, "bridge show").str();
  no_more(w);
  auto views = value_or_fail(bridge::list(g.netns, name));
  Output out(g);
  out.begin_list();
  render_bridge_heading(out.printer());
  for (const auto& v : views) {
    render_bridge(out.printer(), v, g.render);
    out.maybe_flush();
  }
  out.end_list();
}

void run_showmacs(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "bridge showmacs");
  IfName br = take_bridge(w, "bridge showmacs");
  no_more(w);
  auto entries = value_or_fail(bridge::fdb(g.netns, br));
  Output out(g);
  out.begin_list();
  render_fdb_heading(out.printer());
  for (const auto& e : entries) {
    render_fdb(out.printer(), e);
    out.maybe_flush();
  }
  out.end_list();
}

void run_showstp(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "bridge showstp");
  IfName br = take_bridge(w, "bridge showstp");
  no_more(w);
  auto views = value_or_fail(bridge::list(g.netns, br.str()));
  Output out(g);
  render_bridge_stp(out.printer(), views.front());
  out.printer().json_newline();
}

// "VERB BR VALUE" verbs that set one bridge setting.
void run_set(const Global& g, const std::vector<std::string>& args, const char* command,
             void (*apply)(bridge::Settings&, const std::string&)) {
  Words w(args, command);
  IfName br = take_bridge(w, command);
  if (w.done()) usage_error(command, "needs a value");
  bridge::Settings s;
  apply(s, w.next());
  no_more(w);
  check(bridge::configure(g.netns, br, s));
}

// "VERB BR PORT VALUE" verbs that set one port setting.
void run_port_set(const Global& g, const std::vector<std::string>& args, const char* command,
                  void (*apply)(bridge::PortSettings&, const std::string&)) {
  Words w(args, command);
  IfName br = take_bridge(w, command);
  IfName port = take_port(w, command);
  if (w.done()) usage_error(command, "needs a value");
  bridge::PortSettings s;
  apply(s, w.next());
  no_more(w);
  check(bridge::configure_port(g.netns, br, port, s));
}

void run_setport(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "bridge setport");
  IfName br = take_bridge(w, "bridge setport");
  IfName port = take_port(w, "bridge setport");
  bridge::PortSettings s;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "learning") s.learning = parse_on_off(w.value(word), word);
    else if (word == "flood") s.flood = parse_on_off(w.value(word), word);
    else if (word == "isolated") s.isolated = parse_on_off(w.value(word), word);
    else if (word == "hairpin") s.hairpin = parse_on_off(w.value(word), word);
    else if (word == "cost") s.cost = parse_u32(w.value(word), "path cost", 1, 65535);
    else if (word == "priority") s.priority = static_cast<std::uint16_t>(parse_u32(w.value(word), "port priority", 63));
    else w.unknown(word);
  }
  if (s.empty()) usage_error("bridge setport", "nothing to change");
  check(bridge::configure_port(g.netns, br, port, s));
}

// `bridge fdb show [dev DEV | br BRIDGE]`, as iproute2's bridge lists it.
void run_fdb_show(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "bridge fdb show");
  bridge::FdbFilter filter;
  bool seen_dev = false, seen_br = false;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "dev" || word == "brport") { w.once("dev", seen_dev); filter.dev = parse_ifname(w.value(word)).str(); }
    else if (word == "br") { w.once("br", seen_br); filter.br = parse_ifname(w.value(word)).str(); }
    else w.unknown(word);
  }
  auto entries = value_or_fail(bridge::fdb_list(g.netns, filter));
  Output out(g);
  out.begin_list();
  for (const auto& e : entries) {
    render_fdb_record(out.printer(), e, filter.dev.empty());
    out.maybe_flush();
  }
  out.end_list();
}

// `bridge fdb add|append|replace|del LLADDR dev DEV [dst IP] [vni N] [port P] [vlan N] [self|master]
// [permanent|static|dynamic]`: every value checked before the kernel is asked.
void run_fdb_change(const Global& g, const std::vector<std::string>& args, bridge::FdbOp op, const char* command) {
  Words w(args, command);
  std::optional<MacAddr> mac;
  std::optional<IfName> dev;
  bridge::FdbSpec spec;
  bool seen_dst = false, seen_vni = false, seen_port = false, seen_vlan = false, seen_state = false;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "dev") { if (dev) usage_error(command, "\"dev\" is given twice"); dev = parse_ifname(w.value(word)); }
    else if (word == "dst") { w.once("dst", seen_dst); spec.dst = parse_ip(w.value(word)); }
    else if (word == "vni") { w.once("vni", seen_vni); spec.vni = parse_u32(w.value(word), "vni", 16777215); }
    else if (word == "port" || word == "dst_port") {
      w.once("port", seen_port);
      spec.port = static_cast<std::uint16_t>(parse_u32(w.value(word), "port", 1, 65535));
    } else if (word == "vlan") {
      w.once("vlan", seen_vlan);
      spec.vlan = static_cast<std::uint16_t>(parse_u32(w.value(word), "vlan", 1, 4094));
    } else if (word == "self") spec.self = true;
    else if (word == "master") spec.master = true;
    else if (word == "permanent" || word == "static" || word == "temp" || word == "dynamic") {
      w.once("permanent|static|dynamic", seen_state);
      spec.state = word == "permanent" ? bridge::FdbSpec::State::Permanent
                   : word == "dynamic" ? bridge::FdbSpec::State::Dynamic
                                       : bridge::FdbSpec::State::Static;
    } else if (!mac && word.front() != '-') mac = value_or_fail(MacAddr::parse(word));
    else w.unknown(word);
  }
  if (!mac) usage_error(command, "needs LLADDR");
  if (!dev) usage_error(command, "needs \"dev DEV\"");
  spec.mac = *mac;
  spec.dev = *dev;
  check(bridge::fdb_change(g.netns, op, spec));
}

}  // namespace

void add_bridge_command(CLI::App& root, Global& g) {
  auto a = std::make_shared<BridgeArgs>();
  auto* obj = root.add_subcommand("bridge", "Create, change and show bridges (brctl's verbs too)");
  obj->alias("br");
  add_words_command(*obj, g, "add", "Create a bridge", a->add,
                    "BR [address|mac MAC] [stp on|off] [forward_delay S] [hello_time S] [max_age S] [ageing_time S] "
                    "[priority N] [vlan_filtering on|off] [up]",
                    [&g, a] { run_add(g, a->add); })
      ->alias("addbr");
  add_words_command(*obj, g, "delete", "Delete bridges", a->del, "BR...", [&g, a] { run_del(g, a->del); })
      ->alias("del")
      ->alias("delbr");
  auto* addif = add_words_command(*obj, g, "addif", "Make interfaces ports of a bridge", a->addif,
                                  "BR IF... [--move-addresses]", [&g, a] { run_addif(g, a->addif, a->move_addresses); });
  addif->add_flag("--move-addresses", a->move_addresses, "Move the ports' IPv4 and global IPv6 addresses to the bridge");
  add_words_command(*obj, g, "delif", "Release ports from a bridge", a->delif, "BR IF...",
                    [&g, a] { run_delif(g, a->delif); });
  add_words_command(*obj, g, "show", "Show bridges and their ports (the default)", a->show, "[BR]",
                    [&g, a] { run_show(g, a->show); });
  add_words_command(*obj, g, "showmacs", "Show a bridge's forwarding database", a->showmacs, "BR",
                    [&g, a] { run_showmacs(g, a->showmacs); });
  add_words_command(*obj, g, "showstp", "Show a bridge's spanning tree state", a->showstp, "BR",
                    [&g, a] { run_showstp(g, a->showstp); });
  add_words_command(*obj, g, "stp", "Turn STP on or off", a->stp, "BR on|off", [&g, a] {
    run_set(g, a->stp, "bridge stp", [](bridge::Settings& s, const std::string& v) { s.stp = parse_on_off(v, "stp"); });
  });
  add_words_command(*obj, g, "setfd", "Set the forward delay (seconds)", a->setfd, "BR SECONDS", [&g, a] {
    run_set(g, a->setfd, "bridge setfd", [](bridge::Settings& s, const std::string& v) {
      s.forward_delay_cs = value_or_fail(bridge::seconds_to_cs(v, "forward delay"));
    });
  });
  add_words_command(*obj, g, "sethello", "Set the hello time (seconds)", a->sethello, "BR SECONDS", [&g, a] {
    run_set(g, a->sethello, "bridge sethello", [](bridge::Settings& s, const std::string& v) {
      s.hello_time_cs = value_or_fail(bridge::seconds_to_cs(v, "hello time"));
    });
  });
  add_words_command(*obj, g, "setmaxage", "Set the maximum message age (seconds)", a->setmaxage, "BR SECONDS", [&g, a] {
    run_set(g, a->setmaxage, "bridge setmaxage", [](bridge::Settings& s, const std::string& v) {
      s.max_age_cs = value_or_fail(bridge::seconds_to_cs(v, "max age"));
    });
  });
  add_words_command(*obj, g, "setageing", "Set the MAC ageing time (seconds)", a->setageing, "BR SECONDS", [&g, a] {
    run_set(g, a->setageing, "bridge setageing", [](bridge::Settings& s, const std::string& v) {
      s.ageing_time_cs = value_or_fail(bridge::seconds_to_cs(v, "ageing time"));
    });
  });
  add_words_command(*obj, g, "setpathcost", "Set a port's path cost", a->setpathcost, "BR PORT COST", [&g, a] {
    run_port_set(g, a->setpathcost, "bridge setpathcost", [](bridge::PortSettings& s, const std::string& v) {
      s.cost = parse_u32(v, "path cost", 1, 65535);
    });
  });
  add_words_command(*obj, g, "setportprio", "Set a port's priority", a->setportprio, "BR PORT PRIORITY", [&g, a] {
    run_port_set(g, a->setportprio, "bridge setportprio", [](bridge::PortSettings& s, const std::string& v) {
      s.priority = static_cast<std::uint16_t>(parse_u32(v, "port priority", 63));
    });
  });
  add_words_command(*obj, g, "hairpin", "Turn hairpin mode on or off on a port", a->hairpin, "BR PORT on|off", [&g, a] {
    run_port_set(g, a->hairpin, "bridge hairpin", [](bridge::PortSettings& s, const std::string& v) {
      s.hairpin = parse_on_off(v, "hairpin");
    });
  });
  add_words_command(*obj, g, "setport", "Set port flags", a->setport,
                    "BR PORT [learning on|off] [flood on|off] [isolated on|off] [hairpin on|off] [cost N] [priority N]",
                    [&g, a] { run_setport(g, a->setport); });
  add_words_command(*obj, g, "vlan_filtering", "Turn VLAN filtering on or off", a->vlan_filtering, "BR on|off", [&g, a] {
    run_set(g, a->vlan_filtering, "bridge vlan_filtering", [](bridge::Settings& s, const std::string& v) {
      s.vlan_filtering = parse_on_off(v, "vlan_filtering");
    });
  });
  auto* fdb = obj->add_subcommand("fdb", "Show and change forwarding entries (bridges' and devices' own, VXLAN remotes)");
  const std::string change_usage =
      "LLADDR dev DEV [dst IP] [vni N] [port P] [vlan N] [self|master] [permanent|static|dynamic]";
  add_words_command(*fdb, g, "show", "List forwarding entries (the default)", a->fdb_show, "[dev DEV | br BRIDGE]",
                    [&g, a] { run_fdb_show(g, a->fdb_show); });
  add_words_command(*fdb, g, "add", "Add an entry (fails if it exists)", a->fdb_add, change_usage,
                    [&g, a] { run_fdb_change(g, a->fdb_add, bridge::FdbOp::Add, "bridge fdb add"); });
  add_words_command(*fdb, g, "append", "Add one more remote to an entry (VXLAN: 00:00:00:00:00:00 floods to all)",
                    a->fdb_append, change_usage,
                    [&g, a] { run_fdb_change(g, a->fdb_append, bridge::FdbOp::Append, "bridge fdb append"); });
  add_words_command(*fdb, g, "replace", "Add or replace an entry", a->fdb_replace, change_usage,
                    [&g, a] { run_fdb_change(g, a->fdb_replace, bridge::FdbOp::Replace, "bridge fdb replace"); });
  add_words_command(*fdb, g, "delete", "Delete an entry (with dst: that remote only)", a->fdb_del, change_usage,
                    [&g, a] { run_fdb_change(g, a->fdb_del, bridge::FdbOp::Del, "bridge fdb delete"); })
      ->alias("del");
  // The words of the fdb commands, in fdb's own help as in the man page's synopsis.
  fdb->footer("fdb show [dev DEV | br BRIDGE]\nfdb add|append|replace|delete " + change_usage + "\n" +
              fdb->get_footer());
  default_to_show(fdb, g, [&g, a] { run_fdb_show(g, {}); });
  default_to_show(obj, g, [&g, a] { run_show(g, {}); });
}

}  // namespace netlab::cli
