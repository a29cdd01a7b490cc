#include <netlab/bridge.hpp>

#include "base/rollback.hpp"
#include "nl/attr.hpp"
#include "nl/link_names.hpp"
#include "nl/socket.hpp"
#include "objects/link_internal.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <sys/socket.h>

namespace netlab::bridge {
namespace {

std::string object_name(const IfName& n) { return "bridge " + n.str(); }

Result<Link> require_bridge(nl::Socket& sock, const IfName& name) {
  auto l = link::detail::fetch(sock, name.str());
  if (!l) return std::move(l).error();
  if (l->kind != "bridge")
    return Error::usage("link " + name.str(),
                        "is " + (l->kind.empty() ? std::string("not a bridge") : "a " + l->kind + ", not a bridge"));
  return l;
}

// The link `port`, which must already be a port of the bridge `bridge`.
Result<Link> require_port(nl::Socket& sock, const IfName& bridge, const IfName& port) {
  auto br = require_bridge(sock, bridge);
  if (!br) return std::move(br).error();
  auto p = link::detail::fetch(sock, port.str());
  if (!p) return std::move(p).error();
  if (p->master_index != br->index) return Error::usage("link " + port.str(), "is not a port of " + bridge.str());
  return p;
}

// IFLA_LINKINFO { KIND_ATTR "bridge", DATA_ATTR { fill() } }: a bridge's own
// settings (INFO_KIND/INFO_DATA) and a port's (INFO_SLAVE_KIND/INFO_SLAVE_DATA)
// travel in the same envelope.
bool put_linkinfo(nl_msg* msg, int kind_attr, int data_attr, const std::function<bool()>& fill) {
  nlattr* info = nla_nest_start(msg, IFLA_LINKINFO);
  if (!info || nla_put_string(msg, kind_attr, "bridge") < 0) return false;
  nlattr* data = nla_nest_start(msg, data_attr);
  if (!data) return false;
  bool ok = fill();
  nla_nest_end(msg, data);
  nla_nest_end(msg, info);
  return ok;
}

bool put_settings(nl_msg* msg, const Settings& s) {
  return put_linkinfo(msg, IFLA_INFO_KIND, IFLA_INFO_DATA, [&] {
    bool ok = true;
    if (s.stp) ok = ok && nla_put_u32(msg, IFLA_BR_STP_STATE, *s.stp ? 1 : 0) >= 0;
    if (s.forward_delay_cs) ok = ok && nla_put_u32(msg, IFLA_BR_FORWARD_DELAY, *s.forward_delay_cs) >= 0;
    if (s.hello_time_cs) ok = ok && nla_put_u32(msg, IFLA_BR_HELLO_TIME, *s.hello_time_cs) >= 0;
    if (s.max_age_cs) ok = ok && nla_put_u32(msg, IFLA_BR_MAX_AGE, *s.max_age_cs) >= 0;
    if (s.ageing_time_cs) ok = ok && nla_put_u32(msg, IFLA_BR_AGEING_TIME, *s.ageing_time_cs) >= 0;
    if (s.priority) ok = ok && nla_put_u16(msg, IFLA_BR_PRIORITY, *s.priority) >= 0;
    if (s.vlan_filtering) ok = ok && nla_put_u8(msg, IFLA_BR_VLAN_FILTERING, *s.vlan_filtering ? 1 : 0) >= 0;
    return ok;
  });
}

bool put_port_settings(nl_msg* msg, const PortSettings& p) {
  return put_linkinfo(msg, IFLA_INFO_SLAVE_KIND, IFLA_INFO_SLAVE_DATA, [&] {
    bool ok = true;
    auto flag = [&](int attr, const std::optional<bool>& v) {
      if (v) ok = ok && nla_put_u8(msg, attr, *v ? 1 : 0) >= 0;
    };
    if (p.cost) ok = ok && nla_put_u32(msg, IFLA_BRPORT_COST, *p.cost) >= 0;
    if (p.priority) ok = ok && nla_put_u16(msg, IFLA_BRPORT_PRIORITY, *p.priority) >= 0;
    flag(IFLA_BRPORT_MODE, p.hairpin);
    flag(IFLA_BRPORT_LEARNING, p.learning);
    flag(IFLA_BRPORT_UNICAST_FLOOD, p.flood);
    flag(IFLA_BRPORT_ISOLATED, p.isolated);
    return ok;
  });
}

Error explain(Error e, const Settings& s) {
  if (s.vlan_filtering && (e.sys_errno == EOPNOTSUPP || e.sys_errno == EINVAL))
    e.hint = "this kernel may lack bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING)";
  if (e.sys_errno == ERANGE)
    e.hint = "the kernel takes hello_time 1-10 s and max_age 6-40 s, and forward_delay 2-30 s while STP is on";
  return e;
}

// The addresses that stop working when a link becomes a bridge port.
bool strands(const Address& a) {
  return a.family() == Family::Inet || (a.family() == Family::Inet6 && a.scope == RT_SCOPE_UNIVERSE);
}

}  // namespace

Result<std::uint32_t> seconds_to_cs(std::string_view text, std::string_view what) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !(v >= 0) || v > 42949672.0)
    return Error::usage(std::string(what) + " \"" + std::string(text) + "\"", "expected seconds, such as 2 or 0.5");
  return static_cast<std::uint32_t>(std::lround(v * 100));
}

std::string master_bridge_of(const Link& l) { return l.slave_kind == "bridge" ? l.master : std::string(); }

Result<void> create(const Netns& ns, const IfName& name, const std::optional<MacAddr>& mac, const Settings& settings,
                    bool up) {
  if (mac && (mac->is_multicast() || mac->is_zero()))
    return Error::usage("MAC address " + mac->to_string(), "must be unicast and not all zeros");
  auto sock = nl::Socket::open(ns);
  if (!sock) return std::move(sock).error();
  link::CreateOptions opts;
  opts.address = mac;
  NETLAB_TRY(link::add_bridge(ns, name, opts));
  lab::Rollback rb;
  rb.on_failure([&] { (void)link::detail::remove(*sock, name.str()); });
  if (!settings.empty() || up) {
    auto l = link::detail::fetch(*sock, name.str());
    if (!l) return std::move(l).error();
    link::Change change;
    if (up) change.up = true;
    auto r = link::detail::apply(*sock, l->index, object_name(name), change, -1,
                                 settings.empty() ? std::function<bool(nl_msg*)>{}
                                                  : [&](nl_msg* m) { return put_settings(m, settings); });
    if (!r) return explain(std::move(r).error(), settings);
  }
  rb.commit();
  return {};
}

Result<void> remove(const Netns& ns, const IfName& name) {
  auto sock = nl::Socket::open(ns);
  if (!sock) return std::move(sock).error();
  NETLAB_TRY(require_bridge(*sock, name));
  return link::detail::remove(*sock, name.str());
}

Result<void> configure(const Netns& ns, const IfName& name, const Settings& settings) {
  auto sock = nl::Socket::open(ns);
  if (!sock) return std::move(sock).error();
  auto br = require_bridge(*sock, name);
  if (!br) return std::move(br).error();
  auto r = link::detail::apply(*sock, br->index, object_name(name), {}, -1,
                               [&](nl_msg* m) { return put_settings(m, settings); });
  if (!r) return explain(std::move(r).error(), settings);
  return {};
}

Result<PortAttach> add_port(const Netns& ns, const IfName& bridge, const IfName& port, bool move_addresses) {
  auto sock = nl::Socket::open(ns);
  if (!sock) return std::move(sock).error();
  auto br = require_bridge(*sock, bridge);
  if (!br) return std::move(br).error();
  auto p = link::detail::fetch(*sock, port.str());
  if (!p) return std::move(p).error();
  if (p->index == br->index) return Error::usage("link " + port.str(), "a bridge cannot be its own port");
  // Already a port: with move_addresses, only the addresses move (the hint
  // after a plain addif says exactly that); without, there is nothing to do.
  const bool already = p->master_index == br->index;
  if (already && !move_addresses) return Error::usage("link " + port.str(), "is already a port of " + bridge.str());
  // The kernel's "Invalid argument" for these says nothing: a bridge port
  // must be an Ethernet-like device, never the loopback.
  if (p->flags & IFF_LOOPBACK)
    return Error::usage("link " + port.str(), "is the loopback device, which cannot be a bridge port");
  if (p->link_type != ARPHRD_ETHER)
    return Error::usage("link " + port.str(), "is not an Ethernet device (link/" + p->link_type_name() +
                                                  "): a bridge port must be one (a TUN cannot, a TAP can)");
  if (p->master_index && !already) return Error::usage("link " + port.str(), "is already enslaved to another master (" + std::to_string(p->master_index) + "); release it first");

  addr::Filter f;
  f.dev = port.str();
  auto addrs = addr::list(ns, f);
  if (!addrs) return std::move(addrs).error();
  PortAttach result;
  result.was_port = already;
  for (const auto& a : *addrs)
    if (strands(a)) (move_addresses ? result.moved : result.stranded).push_back(a);

  lab::Rollback rb;
  if (!already) {
    NETLAB_TRY(link::detail::apply(*sock, p->index, "link " + port.str(), {}, br->index));
    rb.on_failure([&] { (void)link::detail::apply(*sock, p->index, "link " + port.str(), {}, 0); });
  }
  for (const auto& a : result.moved) {
    addr::Spec spec;
    spec.prefix = a.local;
    spec.dev = bridge;
    spec.broadcast = a.broadcast;
    spec.scope = a.scope;
    spec.flags = a.flags & (IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
    if (a.family() == Family::Inet6) spec.flags |= IFA_F_NODAD;  // it was already unique on this link
    NETLAB_TRY(addr::add(ns, spec));
    rb.on_failure([&ns, spec] { (void)addr::remove(ns, spec.prefix, spec.dev); });
    NETLAB_TRY(addr::remove(ns, a.local, port));
    rb.on_failure([&ns, a, port] {
      addr::Spec back;
      back.prefix = a.local;
      back.dev = port;
      back.broadcast = a.broadcast;
      back.scope = a.scope;
      (void)addr::add(ns, back);
    });
  }
  rb.commit();
  return result;
}

Result<void> remove_port(const Netns& ns, const IfName& bridge, const IfName& port) {
  auto sock = nl::Socket::open(ns);
  if (!sock) return std::move(sock).error();
  auto p = require_port(*sock, bridge, port);
  if (!p) return std::move(p).error();
  return link::detail::apply(*sock, p->index, "link " + port.str(), {}, 0);
}

Result<void> configure_port(const Netns& ns, const IfName& bridge, const IfName& port, const PortSettings& settings) {
  auto sock = nl::Socket::open(ns);
  if (!sock) return std::move(sock).error();
  auto p = require_port(*sock, bridge, port);
  if (!p) return std::move(p).error();
  return link::detail::apply(*sock, p->index, "bridge port " + port.str(), {}, -1,
                             [&](nl_msg* m) { return put_port_settings(m, settings); });
}

Result<std::vector<FdbEntry>> fdb(const Netns& ns, const IfName& bridge) {
  auto session = nl::open_session(ns);
  if (!session) return std::move(session).error();
  auto br = require_bridge(session->sock, bridge);
  if (!br) return std::move(br).error();
  auto ports = link::list(ns, link::Filter{"", "", bridge.str(), false});
  if (!ports) return std::move(ports).error();
  ndmsg ndm{};
  ndm.ndm_family = AF_BRIDGE;
  auto msg = nl::new_message(RTM_GETNEIGH, 0, ndm);
  if (!msg) return nl::build_error("fdb");
  std::vector<FdbEntry> out;
  auto r = session->sock.dump(msg.get(), "forwarding database of " + bridge.str(), [&](const nlmsghdr* h) {
    const auto* hdr = nl::header<ndmsg>(h);
    if (h->nlmsg_type != RTM_NEWNEIGH || !hdr || hdr->ndm_family != AF_BRIDGE) return;
    nl::Attrs<NDA_MAX> a;
    if (!a.parse_msg(const_cast<nlmsghdr*>(h), sizeof(ndmsg))) return;
    auto master = nl::get_u32(a[NDA_MASTER]);
    // The bridge names itself in NDA_MASTER on every entry it owns; devices' own
    // (NTF_SELF) address lists carry no master and are not the bridge's table.
    if (!master || static_cast<int>(*master) != br->index) return;
    auto mac = nl::payload(a[NDA_LLADDR]);
    if (mac.size() != 6) return;
    FdbEntry e;
    std::array<std::uint8_t, 6> b{};
    std::copy(mac.begin(), mac.end(), b.begin());
    e.mac = MacAddr{b};
    e.port = session->names.name(hdr->ndm_ifindex);
    for (const auto& p : *ports)
      if (p.index == hdr->ndm_ifindex && p.bridge_port) e.port_no = p.bridge_port->port_no;
    e.local = hdr->ndm_state & NUD_PERMANENT;
    e.permanent = hdr->ndm_state & (NUD_PERMANENT | NUD_NOARP);
    if (auto v = nl::get_u16(a[NDA_VLAN])) e.vlan = *v;
    auto ci = nl::payload(a[NDA_CACHEINFO]);
    if (ci.size() >= sizeof(nda_cacheinfo)) {
      nda_cacheinfo info;
      std::memcpy(&info, ci.data(), sizeof info);
      e.ageing_cs = info.ndm_updated;
    }
    out.push_back(e);
  });
  if (!r) return std::move(r).error();
  std::stable_sort(out.begin(), out.end(), [](const FdbEntry& x, const FdbEntry& y) { return x.port_no < y.port_no; });
  return out;
}

Result<std::vector<View>> list(const Netns& ns, std::string_view name) {
  auto links = link::list(ns);
  if (!links) return std::move(links).error();
  std::vector<View> out;
  for (const auto& l : *links) {
    if (l.kind != "bridge" || (!name.empty() && l.name != name)) continue;
    View v;
    v.bridge = l;
    for (const auto& p : *links)
      if (p.master_index == l.index && p.slave_kind == "bridge") v.ports.push_back(p);
    const Link* lowest = nullptr;
    for (const auto& p : v.ports)
      if (p.address.size() == 6 && (!lowest || p.address < lowest->address)) lowest = &p;
    if (lowest && lowest->address == l.address) v.mac_from_port = lowest->name;
    out.push_back(std::move(v));
  }
  if (!name.empty() && out.empty()) {
    auto any = std::find_if(links->begin(), links->end(), [&](const Link& l) { return l.name == name; });
    if (any == links->end()) return Error::not_found("link " + std::string(name), "no such device");
    return Error::usage("link " + std::string(name), "is not a bridge");
  }
  return out;
}

}  // namespace netlab::bridge
