#include <netlab/link.hpp>

#include "base/fd.hpp"
#include "nl/attr.hpp"
#include "nl/socket.hpp"
#include "objects/link_attrs.hpp"
#include "objects/link_internal.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#include <unordered_map>

#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <netlink/attr.h>

namespace netlab {

// --- model helpers -----------------------------------------------------------

bool Link::is_up() const noexcept { return flags & IFF_UP; }
bool Link::no_carrier() const noexcept { return (flags & IFF_UP) && !(flags & IFF_RUNNING); }

std::vector<std::string> Link::flag_names() const {
  static constexpr std::pair<unsigned, const char*> kFlags[] = {
      {IFF_LOOPBACK, "LOOPBACK"},     {IFF_BROADCAST, "BROADCAST"}, {IFF_POINTOPOINT, "POINTOPOINT"},
      {IFF_MULTICAST, "MULTICAST"},   {IFF_NOARP, "NOARP"},         {IFF_ALLMULTI, "ALLMULTI"},
      {IFF_PROMISC, "PROMISC"},       {IFF_MASTER, "MASTER"},       {IFF_SLAVE, "SLAVE"},
      {IFF_DEBUG, "DEBUG"},           {IFF_DYNAMIC, "DYNAMIC"},     {IFF_AUTOMEDIA, "AUTOMEDIA"},
      {IFF_PORTSEL, "PORTSEL"},       {IFF_NOTRAILERS, "NOTRAILERS"}, {IFF_UP, "UP"},
      {IFF_LOWER_UP, "LOWER_UP"},     {IFF_DORMANT, "DORMANT"},     {IFF_ECHO, "ECHO"},
  };
  std::vector<std::string> out;
  if (no_carrier()) out.emplace_back("NO-CARRIER");
  for (auto [bit, word] : kFlags)
    if (flags & bit) out.emplace_back(word);
  if (lower_down) out.emplace_back("M-DOWN");
  return out;
}

std::string Link::operstate_name() const {
  static constexpr const char* kNames[] = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
                                           "TESTING", "DORMANT",    "UP"};
  return operstate < std::size(kNames) ? kNames[operstate] : std::to_string(operstate);
}

std::string Link::link_type_name() const {
  switch (link_type) {
    case ARPHRD_ETHER: return "ether";
    case ARPHRD_LOOPBACK: return "loopback";
    case ARPHRD_NONE: return "none";
    case ARPHRD_SIT: return "sit";
    case ARPHRD_TUNNEL: return "ipip";
    case ARPHRD_TUNNEL6: return "tunnel6";
    case ARPHRD_IPGRE: return "gre";
    case ARPHRD_IP6GRE: return "gre6";
    case ARPHRD_VOID: return "void";
    case ARPHRD_IEEE80211_RADIOTAP: return "ieee802.11/radiotap";
    default: return "[" + std::to_string(link_type) + "]";
  }
}

std::string MacvlanInfo::mode_name() const {
  // iproute2's words (ip -d link: "macvlan mode bridge").
  switch (mode) {
    case MACVLAN_MODE_PRIVATE: return "private";
    case MACVLAN_MODE_VEPA: return "vepa";
    case MACVLAN_MODE_BRIDGE: return "bridge";
    case MACVLAN_MODE_PASSTHRU: return "passthru";
    case MACVLAN_MODE_SOURCE: return "source";
    default: return std::to_string(mode);
  }
}

std::optional<MacAddr> Link::mac() const {
  if (address.size() != 6) return std::nullopt;
  std::array<std::uint8_t, 6> b{};
  std::copy(address.begin(), address.end(), b.begin());
  return MacAddr{b};
}

std::string BridgePortInfo::state_name() const {
  static constexpr const char* kNames[] = {"disabled", "listening", "learning", "forwarding", "blocking"};
  return state < std::size(kNames) ? kNames[state] : std::to_string(state);
}

namespace link {
namespace {

std::string object_name(std::string_view name) { return "link " + std::string(name); }

using detail::parse_link;

nl::MsgPtr link_request(int type, int flags, int index = 0) {
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = index;
  return nl::new_message(type, flags, ifi);
}

// One RTM_GETLINK for a name or an index; the reply carries the whole link.
Result<Link> fetch(nl::Socket& sock, std::string_view name, int index) {
  std::string object = index ? "link index " + std::to_string(index) : object_name(name);
  auto msg = link_request(RTM_GETLINK, 0, index);
  if (!msg) return nl::build_error(object);
  if (!index && nla_put_string(msg.get(), IFLA_IFNAME, std::string(name).c_str()) < 0)
    return nl::build_error(object);
  nla_put_u32(msg.get(), IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  std::optional<Link> found;
  auto r = sock.request(msg.get(), object, [&](const nlmsghdr* h) {
    if (!found) found = parse_link(h);
  });
  if (!r) {
    Error e = std::move(r).error();
    if (e.sys_errno == ENODEV) e.reason = "no such device";
    return e;
  }
  if (!found) return Error::not_found(object, "no such device");
  return *found;
}

Result<int> index_of(nl::Socket& sock, std::string_view name) {
  auto l = fetch(sock, name, 0);
  if (!l) return std::move(l).error();
  return l->index;
}

// Fills master and peer names from other links in the same namespace.
void resolve_names(std::vector<Link>& links) {
  std::unordered_map<int, const Link*> by_index;
  for (const auto& l : links) by_index.emplace(l.index, &l);
  for (auto& l : links) {
    if (l.master_index)
      if (auto it = by_index.find(l.master_index); it != by_index.end()) l.master = it->second->name;
    if (l.link_index && !l.link_netnsid)
      if (auto it = by_index.find(l.link_index); it != by_index.end()) {
        l.link_name = it->second->name;
        l.lower_down = !it->second->is_up();
      }
    if (l.vxlan && l.vxlan->link_index)
      if (auto it = by_index.find(l.vxlan->link_index); it != by_index.end()) l.vxlan->link_name = it->second->name;
  }
}

bool matches(const Link& l, const Filter& f, int master_index) {
  if (!f.name.empty() && l.name != f.name) return false;
  if (!f.kind.empty() && l.kind != f.kind) return false;
  if (!f.master.empty() && l.master_index != master_index) return false;
  if (f.up_only && !l.is_up()) return false;
  return true;
}

Result<std::vector<Link>> dump_all(nl::Socket& sock) {
  auto msg = link_request(RTM_GETLINK, 0);
  if (!msg) return nl::build_error("links");
  nla_put_u32(msg.get(), IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  std::vector<Link> links;
  auto r = sock.dump_consistent(msg.get(), "links", [&](const nlmsghdr* h) {
    if (auto l = parse_link(h)) links.push_back(std::move(*l));
  }, [&] { links.clear(); });
  if (!r) return std::move(r).error();
  resolve_names(links);
  return links;
}

Result<void> put_common(nl_msg* msg, const IfName& name, const CreateOptions& opts) {
  if (nla_put_string(msg, IFLA_IFNAME, name.c_str()) < 0) return nl::build_error(object_name(name.str()));
  if (opts.mtu && nla_put_u32(msg, IFLA_MTU, *opts.mtu) < 0) return nl::build_error(object_name(name.str()));
  if (opts.address && nla_put(msg, IFLA_ADDRESS, 6, opts.address->bytes().data()) < 0)
    return nl::build_error(object_name(name.str()));
  return {};
}

// RTM_NEWLINK of `kind`; fill_data adds IFLA_INFO_DATA content when given.
// lower: IFLA_LINK (a macvlan's parent), 0 for none.
Result<void> create(const Netns& ns, const IfName& name, std::string_view kind, const CreateOptions& opts,
                    const std::function<Result<void>(nl_msg*)>& fill_data = {}, std::uint32_t lower = 0) {
  std::string object = object_name(name.str());
  auto sock = nl::Socket::open(ns);
  if (!sock) return std::move(sock).error();
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = static_cast<int>(opts.index);
  if (opts.up) {
    ifi.ifi_flags = IFF_UP;
    ifi.ifi_change = IFF_UP;
  }
  auto msg = nl::new_message(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, ifi);
  if (!msg) return nl::build_error(object);
  NETLAB_TRY(put_common(msg.get(), name, opts));
  if (lower && nla_put_u32(msg.get(), IFLA_LINK, lower) < 0) return nl::build_error(object);
  nlattr* linkinfo = nla_nest_start(msg.get(), IFLA_LINKINFO);
  if (!linkinfo || nla_put_string(msg.get(), IFLA_INFO_KIND, std::string(kind).c_str()) < 0)
    return nl::build_error(object);
  if (fill_data) {
    nlattr* data = nla_nest_start(msg.get(), IFLA_INFO_DATA);
    if (!data) return nl::build_error(object);
    NETLAB_TRY(fill_data(msg.get()));
    nla_nest_end(msg.get(), data);
  }
  nla_nest_end(msg.get(), linkinfo);
  auto r = sock->request(msg.get(), object);
  if (!r) {
    Error e = std::move(r).error();
    if (e.sys_errno == EEXIST) e.reason = "already exists";
    if (e.sys_errno == EOPNOTSUPP && e.extack.find("Unknown device type") != std::string::npos)
      e.hint = "this kernel has no " + std::string(kind) + " link support";
    return e;
  }
  return {};
}

}  // namespace

Result<void> for_each(const Netns& ns, const Filter& filter, const std::function<void(const Link&)>& fn) {
  auto links = list(ns, filter);
  if (!links) return std::move(links).error();
  for (const auto& l : *links) fn(l);
  return {};
}

const Link* find(const std::vector<Link>& links, std::string_view name) noexcept {
  for (const auto& l : links)
    if (l.name == name) return &l;
  return nullptr;
}

Result<std::vector<Link>> list(const Netns& ns, const Filter& filter) {
  auto sock = nl::Socket::open(ns);
  if (!sock) return std::move(sock).error();
  auto all = dump_all(*sock);
  if (!all) return all;
  int master_index = 0;
  if (!filter.master.empty()) {
    auto it = std::find_if(all->begin(), all->end(), [&](const Link& l) { return l.name == filter.master; });
    if (it == all->end()) return Error::not_found(object_name(filter.master), "no such device");
    master_index = it->index;
  }
  if (!filter.name.empty() &&
      std::none_of(all->begin(), all->end(), [&](const Link& l) { return l.name == filter.name; }))
    return Error::not_found(object_name(filter.name), "no such device");
  std::vector<Link> out;
  for (auto& l : *all)
    if (matches(l, filter, master_index)) out.push_back(std::move(l));
  return out;
}

Result<Link> get(const Netns& ns, std::string_view name) {
  auto parsed = IfName::parse(name);
  if (!parsed) return std::move(parsed).error();
  Filter filter;
  filter.name = std::string(name);
  auto links = list(ns, filter);
  if (!links) return std::move(links).error();
  return std::move(links->front());
}

Result<Link> get(const Netns& ns, int index) {
  auto sock = nl::Socket::open(ns);
  if (!sock) return std::move(sock).error();
  auto l = fetch(*sock, {}, index);
  if (!l) return l;
  if (l->master_index) {
    if (auto m = fetch(*sock, {}, l->master_index)) l->master = m->name;
  }
  if (l->link_index && !l->link_netnsid) {
    if (auto p = fetch(*sock, {}, l->link_index)) {
      l->link_name = p->name;
      l->lower_down = !p->is_up();
    }
  }
  if (l->vxlan && l->vxlan->link_index)
    if (auto u = fetch(*sock, {}, l->vxlan->link_index)) l->vxlan->link_name = u->name;
  return l;
}

Result<void> add_bridge(const Netns& ns, const IfName& name, const CreateOptions& opts) {
  return create(ns, name, "bridge", opts);
}

Result<void> add_dummy(const Netns& ns, const IfName& name, const CreateOptions& opts) {
  return create(ns, name, "dummy", opts);
}

Result<void> check_vxlan(const IfName& name, const VxlanSpec& spec) {
  const std::string object = object_name(name.str());
  if (spec.id > 0xffffff) return Error::usage(object, "VNI " + std::to_string(spec.id) + " is out of range (0-16777215)");
  if (spec.dstport == 0) return Error::usage(object, "dstport 0 is not a port (1-65535)");
  if (spec.remote && spec.group) return Error::usage(object, "remote and group together (a device has one default destination)");
  if (spec.remote && spec.remote->is_multicast())
    return Error::usage(object, "remote " + spec.remote->to_string() + " is multicast: use group");
  if (spec.group && !spec.group->is_multicast())
    return Error::usage(object, "group " + spec.group->to_string() + " is not multicast: use remote");
  if (spec.group && !spec.dev) return Error::usage(object, "a group needs dev (the device that joins it)");
  if (spec.local && spec.local->is_multicast())
    return Error::usage(object, "local " + spec.local->to_string() + " is multicast");
  const auto& dst = spec.remote ? spec.remote : spec.group;
  if (dst && spec.local && dst->family() != spec.local->family())
    return Error::usage(object, std::string(spec.remote ? "remote" : "group") + " " + dst->to_string() + " and local " +
                                    spec.local->to_string() + " are of different families");
  return {};
}

Result<void> add_vxlan(const Netns& ns, const IfName& name, const VxlanSpec& spec, const CreateOptions& opts) {
  NETLAB_TRY(check_vxlan(name, spec));
  std::uint32_t dev_index = 0;
  if (spec.dev) {
    // Looked up first so a missing underlay names the underlay, not the new link.
    auto sock = nl::Socket::open(ns);
    if (!sock) return std::move(sock).error();
    auto index = index_of(*sock, spec.dev->str());
    if (!index) return std::move(index).error();
    dev_index = static_cast<std::uint32_t>(*index);
  }
  auto fill = [&](nl_msg* msg) -> Result<void> {
    bool ok = nla_put_u32(msg, IFLA_VXLAN_ID, spec.id) >= 0;
    if (const auto& dst = spec.remote ? spec.remote : spec.group) {
      const auto b = dst->bytes();
      ok = ok && nla_put(msg, dst->is_v4() ? IFLA_VXLAN_GROUP : IFLA_VXLAN_GROUP6, static_cast<int>(b.size()), b.data()) >= 0;
    }
    if (spec.local) {
      const auto b = spec.local->bytes();
      ok = ok && nla_put(msg, spec.local->is_v4() ? IFLA_VXLAN_LOCAL : IFLA_VXLAN_LOCAL6, static_cast<int>(b.size()),
                         b.data()) >= 0;
    }
    if (dev_index) ok = ok && nla_put_u32(msg, IFLA_VXLAN_LINK, dev_index) >= 0;
    // IFLA_VXLAN_PORT is in network byte order (the kernel's nla_get_be16).
    ok = ok && nla_put_u16(msg, IFLA_VXLAN_PORT, htons(spec.dstport)) >= 0;
    if (spec.ttl) ok = ok && nla_put_u8(msg, IFLA_VXLAN_TTL, *spec.ttl) >= 0;
    if (spec.learning) ok = ok && nla_put_u8(msg, IFLA_VXLAN_LEARNING, *spec.learning ? 1 : 0) >= 0;
    if (!ok) return nl::build_error(object_name(name.str()));
    return {};
  };
  return create(ns, name, "vxlan", opts, fill);
}

Result<std::uint32_t> macvlan_mode_from_name(std::string_view word) {
  static constexpr std::pair<std::string_view, std::uint32_t> kModes[] = {
      {"private", MACVLAN_MODE_PRIVATE}, {"vepa", MACVLAN_MODE_VEPA},     {"bridge", MACVLAN_MODE_BRIDGE},
      {"passthru", MACVLAN_MODE_PASSTHRU}, {"source", MACVLAN_MODE_SOURCE},
  };
  for (auto [w, m] : kModes)
    if (w == word) return m;
  return Error::usage("mode \"" + std::string(word) + "\"", "expected bridge, vepa, private, passthru or source");
}

Result<void> add_macvlan(const Netns& ns, const IfName& name, const MacvlanSpec& spec, const CreateOptions& opts) {
  std::uint32_t parent = 0;
  {
    auto sock = nl::Socket::open(ns);
    if (!sock) return std::move(sock).error();
    auto index = index_of(*sock, spec.parent.str());
    if (!index) return std::move(index).error();
    parent = static_cast<std::uint32_t>(*index);
  }
  // The parent goes in IFLA_LINK, beside IFLA_LINKINFO; only the mode is kind data.
  std::function<Result<void>(nl_msg*)> fill;
  if (spec.mode)
    fill = [&](nl_msg* msg) -> Result<void> {
      if (nla_put_u32(msg, IFLA_MACVLAN_MODE, *spec.mode) < 0) return nl::build_error(object_name(name.str()));
      return {};
    };
  return create(ns, name, spec.tap ? "macvtap" : "macvlan", opts, fill, parent);
}

Result<void> add_veth(const Netns& ns, const IfName& name, const IfName& peer, const CreateOptions& opts,
                      const std::optional<Netns>& peer_ns) {
  int peer_fd = -1;
  if (peer_ns && !peer_ns->is_current()) {
    peer_fd = ::open(peer_ns->path().c_str(), O_RDONLY | O_CLOEXEC);
    if (peer_fd < 0) {
      int err = errno;
      if (err == ENOENT) return Error::not_found(peer_ns->describe(), "does not exist");
      return Error::from_errno(err, peer_ns->describe());
    }
  }
  auto fill_peer = [&](nl_msg* msg) -> Result<void> {
    std::string object = object_name(peer.str());
    nlattr* p = nla_nest_start(msg, VETH_INFO_PEER);
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    if (!p || nlmsg_append(msg, &ifi, sizeof ifi, NLMSG_ALIGNTO) < 0 ||
        nla_put_string(msg, IFLA_IFNAME, peer.c_str()) < 0)
      return nl::build_error(object);
    if (opts.mtu && nla_put_u32(msg, IFLA_MTU, *opts.mtu) < 0) return nl::build_error(object);
    if (peer_fd >= 0 && nla_put_u32(msg, IFLA_NET_NS_FD, static_cast<std::uint32_t>(peer_fd)) < 0)
      return nl::build_error(object);
    nla_nest_end(msg, p);
    return {};
  };
  auto r = create(ns, name, "veth", opts, fill_peer);
  if (peer_fd >= 0) ::close(peer_fd);
  return r;
}

Result<void> set(const Netns& ns, const IfName& name, const Change& change) {
  auto sock = nl::Socket::open(ns);
  if (!sock) return std::move(sock).error();
  auto index = index_of(*sock, name.str());
  if (!index) return std::move(index).error();
  int master_index = change.nomaster ? 0 : -1;
  if (change.master) {
    auto m = detail::fetch(*sock, change.master->str());
    if (!m) return std::move(m).error();
    // The kernel answers EOPNOTSUPP for a master that is not a master device
    // (a veth, a tap): say which kind it is, as `bridge addif` does.
    static constexpr std::string_view kMasterKinds[] = {"bridge", "bond", "team", "vrf", "openvswitch"};
    if (std::find(std::begin(kMasterKinds), std::end(kMasterKinds), m->kind) == std::end(kMasterKinds))
      return Error::usage(object_name(change.master->str()),
                          "is " + (m->kind.empty() ? std::string("not a master device") : "a " + m->kind) +
                              ", not a bridge (nor another master device)");
    if (m->name == name.str()) return Error::usage(object_name(name.str()), "cannot be its own master");
    master_index = m->index;
  }
  return detail::apply(*sock, *index, object_name(name.str()), change, master_index);
}

Result<void> remove(const Netns& ns, const IfName& name) {
  auto sock = nl::Socket::open(ns);
  if (!sock) return std::move(sock).error();
  return detail::remove(*sock, name.str());
}

namespace detail {

Result<void> apply(nl::Socket& sock, int index, const std::string& object, const Change& change,
                   int master_index, const std::function<bool(nl_msg*)>& extra) {
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = index;
  if (change.up) {
    ifi.ifi_change = IFF_UP;
    ifi.ifi_flags = *change.up ? IFF_UP : 0;
  }
  auto msg = nl::new_message(RTM_NEWLINK, 0, ifi);
  if (!msg) return nl::build_error(object);
  bool ok = true;
  if (change.mtu) ok = ok && nla_put_u32(msg.get(), IFLA_MTU, *change.mtu) >= 0;
  if (change.address) ok = ok && nla_put(msg.get(), IFLA_ADDRESS, 6, change.address->bytes().data()) >= 0;
  if (change.new_name) ok = ok && nla_put_string(msg.get(), IFLA_IFNAME, change.new_name->c_str()) >= 0;
  if (master_index >= 0) ok = ok && nla_put_u32(msg.get(), IFLA_MASTER, static_cast<std::uint32_t>(master_index)) >= 0;
  if (change.group) ok = ok && nla_put_u32(msg.get(), IFLA_GROUP, *change.group) >= 0;
  if (change.alias) {
    if (change.alias->size() > 255) return Error::usage(object, "an alias is at most 255 bytes");
    ok = ok && nla_put(msg.get(), IFLA_IFALIAS, static_cast<int>(change.alias->size()), change.alias->data()) >= 0;
  }
  Fd target_ns;  // open until the request is answered
  if (change.netns) {
    target_ns.reset(::open(change.netns->path().c_str(), O_RDONLY | O_CLOEXEC));
    if (!target_ns) {
      const int err = errno;
      if (err == ENOENT) return Error::not_found(change.netns->describe(), "no such namespace");
      return Error::from_errno(err, change.netns->describe());
    }
    ok = ok && nla_put_u32(msg.get(), IFLA_NET_NS_FD, static_cast<std::uint32_t>(target_ns.get())) >= 0;
  }
  if (extra) ok = ok && extra(msg.get());
  if (!ok) return nl::build_error(object);
  auto r = sock.request(msg.get(), object);
  if (!r) {
    Error e = std::move(r).error();
    if (e.sys_errno == EEXIST && change.new_name) e.reason = "the name " + change.new_name->str() + " is taken";
    if (e.sys_errno == EBUSY && change.new_name) e.hint = "set the link down before renaming it";
    return e;
  }
  return {};
}

Result<Link> fetch(nl::Socket& sock, std::string_view name, int index) { return link::fetch(sock, name, index); }

Result<void> remove(nl::Socket& sock, const std::string& name) {
  std::string object = object_name(name);
  auto msg = link_request(RTM_DELLINK, 0);
  if (!msg || nla_put_string(msg.get(), IFLA_IFNAME, name.c_str()) < 0) return nl::build_error(object);
  auto r = sock.request(msg.get(), object);
  if (!r) {
    Error e = std::move(r).error();
    if (e.sys_errno == ENODEV) e.reason = "no such device";
    return e;
  }
  return {};
}

}  // namespace detail
}  // namespace link
}  // namespace netlab
