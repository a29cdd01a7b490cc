// netlab tap: create, delete and show TUN/TAP devices (tunctl's and `ip tuntap`'s job).
#include "cli.hpp"

#include <netlab/bridge.hpp>
#include <netlab/diag.hpp>
#include <netlab/tap_access.hpp>
#include <netlab/tuntap.hpp>

#include <fmt/format.h>

#include <memory>

namespace netlab::cli {
namespace {

struct TapArgs {
  std::vector<std::string> create, del, show, diagnose;
  // tunctl's flags
  std::string t_name, u_user, g_group, d_name;
  std::string bridge_conf;  // tap diagnose --bridge-conf
  bool brief = false;
  unsigned count = 1;
};

void run_create(const Global& g, TapArgs& a) {
  Words w(a.create, "tap create");
  tap::Spec spec;
  spec.name = a.t_name;
  if (!a.u_user.empty()) spec.owner = value_or_fail(tap::parse_user(a.u_user));
  if (!a.g_group.empty()) spec.group = value_or_fail(tap::parse_group(a.g_group));
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "user") spec.owner = value_or_fail(tap::parse_user(w.value("user")));
    else if (word == "group") spec.group = value_or_fail(tap::parse_group(w.value("group")));
    else if (word == "tun") spec.tun = true;
    else if (word == "tap") spec.tun = false;
    else if (word == "mode") {
      const std::string& m = w.value("mode");
      if (m != "tun" && m != "tap") usage_error("tap create", "mode is tun or tap");
      spec.tun = m == "tun";
    } else if (word == "multi_queue") spec.multi_queue = true;
    else if (word == "vnet_hdr") spec.vnet_hdr = true;
    else if (word == "pi") spec.pi = true;
    else if (word == "one_queue") {}  // accepted for ip tuntap's sake: the kernel ignores it
    else if (word == "mac" || word == "address") spec.mac = value_or_fail(MacAddr::parse_unicast(w.value(word)));
    else if (word == "mtu") spec.mtu = parse_u32(w.value("mtu"), "mtu", 65535);
    else if (word == "master") spec.master = parse_ifname(w.value("master"));
    else if (word == "up") spec.up = true;
    else if (word == "count") a.count = parse_u32(w.value("count"), "count", 1, 100000);
    else if (word == "dev" || word == "name") spec.name = w.value(word);
    else if (spec.name.empty() && word.front() != '-') spec.name = word;
    else w.unknown(word);
  }
  if (a.count == 0) usage_error("tap create", "count must be at least 1");
  auto names = value_or_fail(tap::create_many(g.netns, spec, a.count));
  Output out(g);
  out.begin_list();
  for (const auto& n : names) {
    if (g.json) {
      out.json().begin_object();
      out.json().member("ifname", n);
      out.json().end_object();
    } else if (a.brief || g.brief) {
      out.text() += n + "\n";
    } else {
      auto it = std::back_inserter(out.text());
      fmt::format_to(it, "Set '{}' persistent", n);
      if (spec.owner) fmt::format_to(it, " and owned by uid {}", *spec.owner);
      if (spec.group) fmt::format_to(it, "{} gid {}", spec.owner ? "," : " and owned by", *spec.group);
      if (spec.master) fmt::format_to(it, ", port of {}", spec.master->str());
      out.text() += '\n';
    }
    out.maybe_flush();
  }
  out.end_list();
}

void run_delete(const Global& g, const std::vector<std::string>& args) {
  std::vector<IfName> names;
  for (const auto& word : args)
    if (word != "dev" && word != "name") names.push_back(parse_ifname(word));
  if (names.empty()) usage_error("tap delete", "needs a device name");
  // Check every name before deleting any: a deletion cannot be undone.
  for (const auto& n : names) value_or_fail(tap::list(g.netns, n.str()));
  for (const auto& n : names) check(tap::remove(g.netns, n));
}

void run_show(const Global& g, const std::vector<std::string>& args, const std::string& d_name) {
  if (!d_name.empty()) usage_error("tap -d " + d_name, "-d deletes a device (tunctl's flag); it does not go with show");
  Words w(args, "tap show");
  std::string name;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "dev" || word == "name") name = parse_ifname(w.value(word)).str();
    else if (name.empty() && word.front() != '-') name = parse_ifname(word).str();
    else w.unknown(word);
  }
  auto taps = value_or_fail(tap::list(g.netns, name));
  Output out(g);
  out.begin_list();
  for (const auto& t : taps) {
    const Link& l = t.link;
    const TunInfo ti = l.tun.value_or(TunInfo{});
    std::vector<std::string> flags{ti.tap ? "tap" : "tun"};
    if (!ti.pi) flags.emplace_back("no_pi");
    if (ti.persist) flags.emplace_back("persist");
    if (ti.multi_queue) flags.emplace_back("multi_queue");
    if (ti.vnet_hdr) flags.emplace_back("vnet_hdr");
    bool carrier = l.carrier.value_or(false);
    if (g.json) {
      auto& j = out.json();
      j.begin_object();
      j.member("ifname", l.name);
      j.member("flags", flags);
      if (ti.owner) j.member("user", *ti.owner);
      if (ti.group) j.member("group", *ti.group);
      j.member("operstate", l.operstate_name());
      j.member("carrier", carrier);
      if (!l.master.empty()) j.member("master", l.master);
      j.key("addr_info");
      j.begin_array();
      for (const auto& a : t.addresses) render_address_json(j, a);
      j.end_array();
      j.key("processes");
      j.begin_array();
      for (const auto& h : t.holders) {
        j.begin_object();
        j.member("name", h.command);
        j.member("pid", static_cast<std::int64_t>(h.pid));
        j.end_object();
      }
      j.end_array();
      j.end_object();
    } else {
      auto it = std::back_inserter(out.text());
      fmt::format_to(it, "{}:", l.name);
      for (const auto& f : flags) fmt::format_to(it, " {}", f);
      if (ti.owner) fmt::format_to(it, " user {}", *ti.owner);
      if (ti.group) fmt::format_to(it, " group {}", *ti.group);
      fmt::format_to(it, " state {} carrier {}", l.operstate_name(), carrier ? "on" : "off");
      if (!l.master.empty()) fmt::format_to(it, " master {}", l.master);
      out.text() += '\n';
      for (const auto& a : t.addresses) fmt::format_to(it, "\t{} {}\n", family_name(a.family()), a.local.to_string());
      if (!t.holders.empty()) {
        out.text() += "\tAttached to processes:";
        for (const auto& h : t.holders) fmt::format_to(it, " {}({})", h.command, h.pid);
        out.text() += '\n';
      } else if (l.is_up()) {
        out.text() += "\tno process attached: no carrier until one opens the device\n";
      }
    }
    out.maybe_flush();
  }
  out.end_list();
}

// netlab tap diagnose TAP [user USER]: can USER attach to TAP (C53)?
void run_diagnose(const Global& g, const std::vector<std::string>& args, const std::string& bridge_conf) {
  Words w(args, "tap diagnose");
  std::optional<IfName> dev;
  tap::AccessOptions o;
  if (!bridge_conf.empty()) o.bridge_conf = bridge_conf;
  bool seen_user = false;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "user") {
      w.once("user", seen_user);
      o.user = w.value("user");
      if (auto u = tap::parse_user(o.user); !u) fail(u.error());  // before anything is read
    } else if (word == "dev" || (!dev && word.front() != '-')) {
      dev = parse_ifname(word == "dev" ? w.value("dev") : word);
    } else {
      w.unknown(word);
    }
  }
  if (!dev) usage_error("tap diagnose", "needs a TAP: netlab tap diagnose TAP [user USER]");
  o.netns_arg = g.netns_arg;
  print_diagnosis(g, value_or_fail(tap::diagnose_access(g.netns, *dev, o)));
}

}  // namespace

void add_tap_command(CLI::App& root, Global& g) {
  auto a = std::make_shared<TapArgs>();
  auto* obj = root.add_subcommand("tap", "Create, delete and show TUN/TAP devices");
  obj->alias("tuntap");
  auto* create = add_words_command(
      *obj, g, "create", "Create a persistent TAP (or TUN) device", a->create,
      "[NAME|PATTERN%d|dev NAME|name NAME] [user USER] [group GROUP] [tun|tap|mode tun|tap] [multi_queue] "
      "[vnet_hdr] [pi] [one_queue] [mac|address MAC] [mtu N] [master BRIDGE] [up] [count N]",
      [&g, a] { run_create(g, *a); });
  create->alias("add");
  create->add_option("-t", a->t_name, "Device name or pattern (tunctl)");
  create->add_option("-u", a->u_user, "Owner (tunctl)");
  create->add_option("-g", a->g_group, "Group (tunctl)");
  create->add_flag("-b,--brief", a->brief, "Print only the device names");
  create->add_option("--count", a->count, "Create this many devices from the pattern");
  add_words_command(*obj, g, "delete", "Delete TUN/TAP devices", a->del, "NAME...",
                    [&g, a] { run_delete(g, a->del); })
      ->alias("del");
  add_words_command(*obj, g, "show", "Show TUN/TAP devices (the default)", a->show, "[NAME]",
                    [&g, a] { run_show(g, a->show, a->d_name); });
  auto* diagnose = add_words_command(*obj, g, "diagnose", "Say whether USER can attach to TAP, and if not, why",
                                     a->diagnose, "TAP [user USER]",
                                     [&g, a] { run_diagnose(g, a->diagnose, a->bridge_conf); });
  diagnose->add_option("--bridge-conf", a->bridge_conf,
                       "qemu-bridge-helper's ACL file (default /etc/qemu/bridge.conf; QEMU built with another "
                       "sysconfdir reads SYSCONFDIR/qemu/bridge.conf)");
  // tunctl -d NAME
  obj->add_option("-d", a->d_name, "Delete this device (tunctl)");
  default_to_show(obj, g, [&g, a] {
    if (!a->d_name.empty()) run_delete(g, {a->d_name});
    else run_show(g, {}, {});
  });
}

}  // namespace netlab::cli
