// netlab tap: create, delete and show TUN/TAP devices (tunctl's and `ip tuntap`'s job).
#include "cli.hpp"

#include <netlab/bridge.hpp>
#include <netlab/diag.hpp>
#include <netlab/tap_access.hpp>
#include <netlab/tuntap.hpp>

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
    render_tap_created(out.printer(), n, spec, a.brief || g.brief);
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
    render_tap(out.printer(), t);
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
