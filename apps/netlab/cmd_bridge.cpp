// netlab bridge: brctl's verbs and iproute2's words over one library.
#include "cli.hpp"

#include <netlab/addr.hpp>
#include <netlab/bridge.hpp>

#include <fmt/format.h>

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

std::string seconds_text(std::uint64_t cs) { return fmt::format("{:.2f}", static_cast<double>(cs) / 100.0); }

void run_show(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "bridge show");
  std::string name;
  if (!w.done()) name = take_bridge(w, "bridge show").str();
  no_more(w);
  auto views = value_or_fail(bridge::list(g.netns, name));
  Output out(g);
  if (g.json) {
    out.begin_list();
    for (const auto& v : views) {
      auto& j = out.json();
      j.begin_object();
      j.member("ifname", v.bridge.name);
      j.member("bridge_id", v.bridge.bridge ? v.bridge.bridge->bridge_id : std::string());
      j.member("stp_state", v.bridge.bridge ? v.bridge.bridge->stp_state : 0u);
      j.member("address", hw_addr_string(v.bridge.address));
      if (!v.mac_from_port.empty()) j.member("address_from_port", v.mac_from_port);
      j.member("operstate", v.bridge.operstate_name());
      j.key("ports");
      j.begin_array();
      for (const auto& p : v.ports) {
        j.begin_object();
        j.member("ifname", p.name);
        j.member("state", p.bridge_port ? p.bridge_port->state_name() : std::string());
        j.member("carrier", p.carrier.value_or(false));
        j.member("operstate", p.operstate_name());
        j.end_object();
      }
      j.end_array();
      j.end_object();
      out.maybe_flush();
    }
    out.end_list();
    return;
  }
  auto it = std::back_inserter(out.text());
  out.text() += "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n";
  for (const auto& v : views) {
    const auto& b = v.bridge.bridge.value_or(BridgeInfo{});
    fmt::format_to(it, "{}\t\t{}\t{}\t\t", v.bridge.name, b.bridge_id, b.stp_state ? "yes" : "no");
    bool first = true;
    for (const auto& p : v.ports) {
      if (!first) out.text() += "\t\t\t\t\t\t\t";
      first = false;
      fmt::format_to(it, "{} ({}, carrier {})\n", p.name, p.bridge_port ? p.bridge_port->state_name() : "?",
                     p.carrier.value_or(false) ? "on" : "off");
    }
    if (first) out.text() += "\n";
    if (!v.mac_from_port.empty())
      fmt::format_to(it, "\t\t(MAC {} is {}'s: inherited unless set; `netlab {}link set dev {} address {}` fixes it)\n",
                     hw_addr_string(v.bridge.address), v.mac_from_port,
                     g.netns_arg.empty() ? "" : "-n " + g.netns_arg + " ", v.bridge.name, hw_addr_string(v.bridge.address));
    out.maybe_flush();
  }
}

void run_showmacs(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "bridge showmacs");
  IfName br = take_bridge(w, "bridge showmacs");
  no_more(w);
  auto entries = value_or_fail(bridge::fdb(g.netns, br));
  Output out(g);
  out.begin_list();
  if (!g.json) out.text() += "port no\tport\tmac addr\t\tis local?\tageing timer\n";
  for (const auto& e : entries) {
    if (g.json) {
      auto& j = out.json();
      j.begin_object();
      j.member("port_no", e.port_no);
      j.member("ifname", e.port);
      j.member("mac", e.mac.to_string());
      j.member("is_local", e.local);
      if (e.vlan) j.member("vlan", *e.vlan);
      j.member("ageing_timer", seconds_text(e.local ? 0 : e.ageing_cs));
      j.end_object();
    } else {
      fmt::format_to(std::back_inserter(out.text()), "{:3}\t{}\t{}\t{}\t\t{:6}\n", e.port_no, e.port,
                     e.mac.to_string(), e.local ? "yes" : "no", seconds_text(e.local ? 0 : e.ageing_cs));
    }
    out.maybe_flush();
  }
  out.end_list();
}

void run_showstp(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "bridge showstp");
  IfName br = take_bridge(w, "bridge showstp");
  no_more(w);
  auto views = value_or_fail(bridge::list(g.netns, br.str()));
  const bridge::View& v = views.front();
  const auto b = v.bridge.bridge.value_or(BridgeInfo{});
  Output out(g);
  if (g.json) {
    auto& j = out.json();
    j.begin_object();
    j.member("ifname", v.bridge.name);
    j.member("bridge_id", b.bridge_id);
    j.member("designated_root", b.root_id);
    j.member("root_port", b.root_port);
    j.member("path_cost", b.root_path_cost);
    j.member("max_age", seconds_text(b.max_age_cs));
    j.member("hello_time", seconds_text(b.hello_time_cs));
    j.member("forward_delay", seconds_text(b.forward_delay_cs));
    j.member("ageing_time", seconds_text(b.ageing_time_cs));
    j.member("stp_state", b.stp_state);
    j.member("topology_change", b.topology_change);
    j.key("ports");
    j.begin_array();
    for (const auto& p : v.ports) {
      const auto bp = p.bridge_port.value_or(BridgePortInfo{});
      j.begin_object();
      j.member("ifname", p.name);
      j.member("port_no", bp.port_no);
      j.member("port_id", fmt::format("{:04x}", bp.port_id));
      j.member("state", bp.state_name());
      j.member("path_cost", bp.cost);
      j.member("priority", bp.priority);
      j.member("designated_root", bp.designated_root);
      j.member("designated_bridge", bp.designated_bridge);
      j.member("designated_port", bp.designated_port);
      j.member("designated_cost", bp.designated_cost);
      j.member("forward_delay_timer", seconds_text(bp.forward_delay_timer_cs));
      j.end_object();
    }
    j.end_array();
    j.end_object();
    out.json().newline();
    return;
  }
  auto it = std::back_inserter(out.text());
  fmt::format_to(it, "{}\n bridge id\t\t{}\n designated root\t{}\n root port\t\t{:4}\t\t\tpath cost\t\t{:4}\n",
                 v.bridge.name, b.bridge_id, b.root_id, b.root_port, b.root_path_cost);
  fmt::format_to(it, " max age\t\t{:>6}\t\t\tbridge max age\t\t{:>6}\n", seconds_text(b.max_age_cs), seconds_text(b.max_age_cs));
  fmt::format_to(it, " hello time\t\t{:>6}\t\t\tbridge hello time\t{:>6}\n", seconds_text(b.hello_time_cs), seconds_text(b.hello_time_cs));
  fmt::format_to(it, " forward delay\t\t{:>6}\t\t\tbridge forward delay\t{:>6}\n", seconds_text(b.forward_delay_cs), seconds_text(b.forward_delay_cs));
  fmt::format_to(it, " ageing time\t\t{:>6}\n hello timer\t\t{:>6}\t\t\ttcn timer\t\t{:>6}\n", seconds_text(b.ageing_time_cs),
                 seconds_text(b.hello_timer_cs), seconds_text(b.tcn_timer_cs));
  fmt::format_to(it, " topology change timer\t{:>6}\t\t\tgc timer\t\t{:>6}\n flags\t\t\t{}\n STP\t\t\t{}\n\n",
                 seconds_text(b.topology_change_timer_cs), seconds_text(b.gc_timer_cs),
                 b.topology_change ? "TOPOLOGY_CHANGE" : "", b.stp_state ? "enabled" : "disabled");
  for (const auto& p : v.ports) {
    const auto bp = p.bridge_port.value_or(BridgePortInfo{});
    fmt::format_to(it, "{} ({})\n port id\t\t{:04x}\t\t\tstate\t\t{:>14}\n", p.name, bp.port_no, bp.port_id, bp.state_name());
    fmt::format_to(it, " designated root\t{}\tpath cost\t\t{:4}\n designated bridge\t{}\tmessage age timer\t{:>6}\n",
                   bp.designated_root, bp.cost, bp.designated_bridge, seconds_text(bp.message_age_timer_cs));
    fmt::format_to(it, " designated port\t{:04x}\t\t\tforward delay timer\t{:>6}\n designated cost\t{:4}\t\t\thold timer\t\t{:>6}\n",
                   bp.designated_port, seconds_text(bp.forward_delay_timer_cs), bp.designated_cost, seconds_text(bp.hold_timer_cs));
    fmt::format_to(it, " flags\t\t\t{}\n\n", bp.hairpin.value_or(false) ? "hairpin" : "");
  }
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
