// netlab link: show, add (bridge, veth, dummy, vxlan, macvlan, macvtap), set, delete.
#include "cli.hpp"

#include <netlab/link.hpp>

#include <algorithm>
#include <limits>
#include <memory>

namespace netlab::cli {
namespace {

struct LinkArgs {
  std::vector<std::string> show, add, set, del;
};

void run_show(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "link show");
  link::Filter filter;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "dev") filter.name = parse_ifname(w.value("dev")).str();
    else if (word == "type") filter.kind = w.value("type");
    else if (word == "master") filter.master = parse_ifname(w.value("master")).str();
    else if (word == "up") filter.up_only = true;
    else if (word == "--brief") {}  // accepted after show too, for scripts and completions
    else if (filter.name.empty() && word.front() != '-') filter.name = parse_ifname(word).str();
    else w.unknown(word);
  }
  auto links = value_or_fail(link::list(g.netns, filter));
  Output out(g);
  out.begin_list();
  for (const auto& l : links) {
    render_link(out.printer(), l, g.render);
    out.maybe_flush();
  }
  out.end_list();
}

// The kind-specific words of `link add`, read beside the common ones; each
// value is range-checked here, before anything is opened.
struct KindWords {
  link::VxlanSpec vx;
  bool seen_id = false, seen_dst = false, seen_local = false, seen_port = false, seen_dev = false, seen_ttl = false,
       seen_learning = false;
  std::vector<std::string> vxlan_words;  // given, to refuse them on other kinds
  std::optional<IfName> parent;
  std::optional<std::uint32_t> mode;
  std::vector<std::string> macvlan_words;
};

// True when `word` (and its value) was one of the vxlan or macvlan words.
bool read_kind_word(Words& w, const std::string& word, KindWords& k) {
  if (word == "id" || word == "vni") {
    w.once("id", k.seen_id);
    k.vx.id = parse_u32(w.value(word), "vxlan id", 16777215);
  } else if (word == "remote" || word == "group") {
    if (k.seen_dst) usage_error("link add", "remote and group together, or twice (one default destination)");
    k.seen_dst = true;
    (word == "remote" ? k.vx.remote : k.vx.group) = parse_ip(w.value(word));
  } else if (word == "local") {
    w.once("local", k.seen_local);
    k.vx.local = parse_ip(w.value(word));
  } else if (word == "dstport") {
    w.once("dstport", k.seen_port);
    k.vx.dstport = static_cast<std::uint16_t>(parse_u32(w.value(word), "dstport", 1, 65535));
  } else if (word == "dev") {
    w.once("dev", k.seen_dev);
    k.vx.dev = parse_ifname(w.value(word));
  } else if (word == "ttl" || word == "hoplimit") {
    w.once("ttl", k.seen_ttl);
    const std::string& v = w.value(word);
    k.vx.ttl = static_cast<std::uint8_t>(v == "auto" || v == "inherit" ? 0 : parse_u32(v, "ttl", 255));
  } else if (word == "learning" || word == "nolearning") {
    w.once("learning", k.seen_learning);
    k.vx.learning = word == "learning";
  } else if (word == "link") {
    if (k.parent) usage_error("link add", "\"link\" is given twice");
    k.parent = parse_ifname(w.value(word));
    k.macvlan_words.push_back(word);
    return true;
  } else if (word == "mode") {
    if (k.mode) usage_error("link add", "\"mode\" is given twice");
    k.mode = value_or_fail(link::macvlan_mode_from_name(w.value(word)));
    k.macvlan_words.push_back(word);
    return true;
  } else {
    return false;
  }
  k.vxlan_words.push_back(word);
  return true;
}

void run_add(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "link add");
  std::optional<IfName> name, peer;
  std::optional<Netns> peer_ns;
  std::string kind;
  link::CreateOptions opts;
  KindWords k;
  bool seen_mtu = false, seen_addr = false, seen_index = false;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "type") kind = w.value("type");
    else if (word == "name") name = parse_ifname(w.value("name"));
    else if (word == "mtu") { w.once("mtu", seen_mtu); opts.mtu = parse_u32(w.value("mtu"), "mtu", 65535); }
    else if (word == "address") { w.once("address", seen_addr); opts.address = value_or_fail(MacAddr::parse_unicast(w.value("address"))); }
    else if (word == "index") { w.once("index", seen_index); opts.index = parse_u32(w.value("index"), "index", 1, 0x7fffffff); }
    else if (word == "up") opts.up = true;
    else if (word == "peer") {
      if (!w.done() && w.peek() == "name") w.next();
      peer = parse_ifname(w.value("peer"));
    } else if (word == "netns" && peer) {
      peer_ns = value_or_fail(Netns::from_arg(w.value("netns")));
    } else if (read_kind_word(w, word, k)) {
    } else if (!name && word.front() != '-') name = parse_ifname(word);
    else w.unknown(word);
  }
  if (!name) usage_error("link add", "needs a NAME");
  const std::string object = "link " + name->str();
  if (kind.empty()) usage_error(object, "needs \"type bridge|veth|dummy|vxlan|macvlan|macvtap\"");
  const bool vxlan = kind == "vxlan", macvlan = kind == "macvlan" || kind == "macvtap";
  if (!vxlan && !k.vxlan_words.empty()) usage_error(object, "\"" + k.vxlan_words.front() + "\" is only for type vxlan");
  if (!macvlan && !k.macvlan_words.empty())
    usage_error(object, "\"" + k.macvlan_words.front() + "\" is only for type macvlan or macvtap");
  if (kind != "veth" && peer) usage_error(object, "\"peer\" is only for type veth");
  if (kind == "veth") {
    if (!peer) usage_error(object, "a veth pair needs \"peer NAME\"");
    if (*peer == *name && !peer_ns) usage_error(object, "the peer needs another name");
    check(link::add_veth(g.netns, *name, *peer, opts, peer_ns));
  } else if (kind == "bridge") {
    check(link::add_bridge(g.netns, *name, opts));
  } else if (kind == "dummy") {
    check(link::add_dummy(g.netns, *name, opts));
  } else if (vxlan) {
    if (!k.seen_id) usage_error(object, "a vxlan needs \"id VNI\"");
    check(link::add_vxlan(g.netns, *name, k.vx, opts));
  } else if (macvlan) {
    if (!k.parent) usage_error(object, "a " + kind + " needs \"link PARENT\"");
    link::MacvlanSpec spec;
    spec.tap = kind == "macvtap";
    spec.parent = *k.parent;
    spec.mode = k.mode;
    check(link::add_macvlan(g.netns, *name, spec, opts));
  } else {
    usage_error("link type \"" + kind + "\"",
                "expected bridge, veth, dummy, vxlan, macvlan or macvtap (taps: netlab tap create)");
  }
}

void run_set(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "link set");
  std::optional<IfName> dev;
  link::Change change;
  std::vector<std::string> seen;  // each keyword once: "up down" or two mtus would be a guess at intent
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "up" || word == "down" || word == "mtu" || word == "address" || word == "name" || word == "master" ||
        word == "nomaster" || word == "group" || word == "alias" || word == "netns") {
      const std::string key = word == "down" ? "up" : word;
      if (std::find(seen.begin(), seen.end(), key) != seen.end())
        usage_error("link set", key == "up" ? "\"up\" and \"down\" together, or twice" : "\"" + word + "\" given twice");
      seen.push_back(key);
    }
    if (word == "dev") dev = parse_ifname(w.value("dev"));
    else if (word == "up") change.up = true;
    else if (word == "down") change.up = false;
    else if (word == "mtu") change.mtu = parse_u32(w.value("mtu"), "mtu", 65535);
    else if (word == "address") change.address = value_or_fail(MacAddr::parse_unicast(w.value("address")));
    else if (word == "name") change.new_name = parse_ifname(w.value("name"));
    else if (word == "master") change.master = parse_ifname(w.value("master"));
    else if (word == "nomaster") change.nomaster = true;
    else if (word == "group") {
      const std::string& v = w.value("group");
      change.group = v == "default" ? 0u : parse_u32(v, "group", std::numeric_limits<std::uint32_t>::max());
    } else if (word == "alias") change.alias = w.value("alias");
    else if (word == "netns") {
      // ip's forms: a name from `ip netns add`, a path, or the PID of a process in it.
      const std::string& v = w.value("netns");
      const bool pid = !v.empty() && std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      if (pid) change.netns = Netns::of_pid(static_cast<pid_t>(parse_u32(v, "netns PID", 4194304)));
      else change.netns = value_or_fail(Netns::from_arg(v));
    }
    else if (!dev && word.front() != '-') dev = parse_ifname(word);
    else w.unknown(word);
  }
  if (!dev) usage_error("link set", "needs a device");
  if (change.master && change.nomaster) usage_error("link " + dev->str(), "\"master\" and \"nomaster\" together");
  if (change.master && *change.master == *dev) usage_error("link " + dev->str(), "cannot be its own master");
  if (change.empty()) usage_error("link " + dev->str(), "nothing to change");
  check(link::set(g.netns, *dev, change));
}

void run_delete(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "link delete");
  std::optional<IfName> dev;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "dev") dev = parse_ifname(w.value("dev"));
    else if (!dev && word.front() != '-') dev = parse_ifname(word);
    else w.unknown(word);
  }
  if (!dev) usage_error("link delete", "needs a device");
  check(link::remove(g.netns, *dev));
}

}  // namespace

void add_link_command(CLI::App& root, Global& g) {
  auto args = std::make_shared<LinkArgs>();
  auto* obj = root.add_subcommand("link", "Show and change network devices");
  obj->alias("l");
  add_words_command(*obj, g, "show", "List links (the default)", args->show,
                    "[DEV] [type KIND] [master BRIDGE] [up]", [&g, args] { run_show(g, args->show); });
  add_words_command(*obj, g, "add", "Create a bridge, veth pair, dummy, vxlan, macvlan or macvtap link", args->add,
                    "[name] NAME type bridge|veth|dummy|vxlan|macvlan|macvtap [peer NAME [netns NS]] "
                    "[id VNI] [remote IP|group IP] [local IP] [dstport P] [dev DEV] [ttl N|auto] [learning|nolearning] "
                    "[link PARENT] [mode bridge|vepa|private|passthru|source] [mtu N] [address MAC] [index N] [up]",
                    [&g, args] { run_add(g, args->add); });
  add_words_command(*obj, g, "set", "Change a link", args->set,
                    "[dev] DEV [up|down] [mtu N] [address MAC] [name NEW] [master BRIDGE|nomaster] [group GROUP] "
                    "[alias TEXT] [netns NAME|PATH|PID]", [&g, args] { run_set(g, args->set); });
  add_words_command(*obj, g, "delete", "Delete a link", args->del, "DEV", [&g, args] { run_delete(g, args->del); })
      ->alias("del");
  default_to_show(obj, g, [&g] { run_show(g, {}); });
}

}  // namespace netlab::cli
