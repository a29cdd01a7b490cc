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
      setageing, setpathcost, setportprio, hairpin, setport, vlan_filtering;
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
  default_to_show(obj, g, [&g, a] { run_show(g, {}); });
}

}  // namespace netlab::cli
