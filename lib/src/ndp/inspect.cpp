// ndp inspect: per interface, the IPv6 neighbours with their states
// explained, the IPv6 addresses with their DAD flags and lifetimes, the
// settings that decide SLAAC, and the causes (CAUSES.md C01, C05, C22, C23,
// C26, C27) that this state alone points at. Everything comes from netlink
// (links, addresses, neighbours, IFLA_INET6_CONF); /proc only where netlink
// lacks a setting.
#include "ndp/ra_ignored.hpp"
#include "objects/inet6_conf.hpp"

#include <netlab/link.hpp>

#include <algorithm>
#include <unordered_map>

#include <linux/if.h>
#include <linux/if_addr.h>

namespace netlab::ndp {
namespace {

// The minimum link MTU of IPv6 (RFC 8200 5): below it the kernel drops the
// interface's IPv6 state altogether.
constexpr std::uint32_t kIpv6MinMtu = 1280;

std::string sysctl_key(const std::string& dev, std::string_view key) {
  // sysctl(8) reads dots as separators, so a name with a dot needs slashes.
  if (dev.find('.') != std::string::npos) return "net/ipv6/conf/" + dev + "/" + std::string(key);
  return "net.ipv6.conf." + dev + "." + std::string(key);
}

bool is_tentative(const Address& a) {
  return (a.flags & IFA_F_TENTATIVE) && !(a.flags & IFA_F_DADFAILED);
}

std::string explain_address(const Address& a, const InterfaceReport& r) {
  const auto f = a.flags;
  if (f & IFA_F_DADFAILED) return "duplicate: DAD failed, another node answered for it; the kernel never uses it";
  if (f & IFA_F_TENTATIVE) {
    if (f & IFA_F_OPTIMISTIC) return "optimistic: usable while duplicate address detection runs";
    if (!r.is_up()) return "tentative: DAD waits for the interface to come up; not usable";
    if (r.no_carrier()) return "tentative: DAD cannot run without carrier; not usable";
    return "tentative: duplicate address detection in progress; not usable yet";
  }
  if (f & IFA_F_DEPRECATED) return "deprecated: preferred lifetime over; kept for existing connections only";
  if (f & IFA_F_SECONDARY) return "usable temporary (privacy) address";
  if (!(f & IFA_F_PERMANENT)) return "usable, dynamic: expires unless refreshed (SLAAC, or a finite lifetime)";
  return "usable";
}

void add_hint(InterfaceReport& r, std::string cause, std::string subject, std::string text) {
  r.hints.push_back(Hint{std::move(cause), std::move(subject), std::move(text)});
}

// C27: disable_ipv6, or no IPv6 state at all.
bool hint_ipv6_off(InterfaceReport& r) {
  const auto& s = r.settings;
  if (!s.present) {
    if (r.mtu < kIpv6MinMtu)
      add_hint(r, "ipv6-disabled", "mtu " + std::to_string(r.mtu),
               "IPv6 is off on " + r.name + ": its MTU " + std::to_string(r.mtu) +
                   " is below IPv6's minimum of 1280, so the kernel keeps no IPv6 state for it (no addresses, no "
                   "neighbour discovery). Fix: `ip link set " + r.name + " mtu 1280` or more.");
    else
      add_hint(r, "ipv6-disabled", "no IPv6 state",
               "the kernel keeps no IPv6 state for " + r.name +
                   " (IPv6 disabled at boot with ipv6.disable=1, or not available for this link type).");
    return true;
  }
  if (s.disable_ipv6.value && *s.disable_ipv6.value != 0) {
    add_hint(r, "ipv6-disabled", "disable_ipv6=" + std::to_string(*s.disable_ipv6.value),
             "IPv6 is disabled on " + r.name +
                 ": it has no IPv6 addresses, takes part in no neighbour discovery, and adding an address is "
                 "refused. Fix: `sysctl -w " + sysctl_key(r.name, "disable_ipv6") +
                 "=0` (and in /etc/sysctl.d, for all and default too), then re-add static addresses.");
    return true;
  }
  return false;
}

// C23: settings under which router advertisements configure nothing (the
// predicate `ndp diagnose` asks too).
void hint_ra_settings(InterfaceReport& r) {
  const auto& s = r.settings;
  const std::string want = "If " + r.name + " should get its address or default route from router advertisements: ";
  for (const auto& why : ra_ignored_reasons({s.forwarding.value, s.accept_ra.value, s.autoconf.value,
                                             s.accept_ra_defrtr.value})) {
    std::string text;
    if (why.fix_key == "accept_ra" && why.fix_value == 2 && s.accept_ra.is(1))
      text = "with forwarding on, accept_ra=1 means the kernel ignores router advertisements on " + r.name +
             " (no SLAAC address, no default route; Docker, libvirt and VPNs turn forwarding on). ";
    else if (why.fix_key == "accept_ra")
      text = "router advertisements are ignored on " + r.name + " (no SLAAC address, no default route). ";
    else if (why.fix_key == "autoconf")
      text = "router advertisements are accepted on " + r.name + " but SLAAC forms no address from their prefixes. ";
    else
      text = "router advertisements on " + r.name + " install no default route. ";
    add_hint(r, "ra-ignored", why.settings,
             text + want + "`sysctl -w " + sysctl_key(r.name, why.fix_key) + "=" + std::to_string(why.fix_value) + "`.");
  }
}

// C26: addr_gen_mode none and no link-local address.
void hint_no_link_local(InterfaceReport& r) {
  if (!r.settings.addr_gen_mode.is(AddrGenNone) || r.has_link_local()) return;
  add_hint(r, "no-link-local", "addr_gen_mode none",
           r.name + " has no link-local address (addrgenmode none): nothing that needs one works from it: router "
                    "advertisement daemons refuse to send, neighbour discovery toward fe80:: peers fails, guests stay "
                    "link-local only. Fix: `ip link set dev " + r.name + " addrgenmode eui64` and bring it down and up.");
}

// C22 (per address) and C05 (tentative because the link cannot run DAD).
void hint_addresses(InterfaceReport& r) {
  std::vector<std::string> stuck;
  for (const auto& row : r.addresses) {
    const Address& a = row.address;
    if (a.flags & IFA_F_DADFAILED) {
      std::string text = "duplicate address detection failed for " + a.local.addr().to_string() +
                         ": another node on the link answered for it, so the kernel never uses it and keeps "
                         "taking every advertisement for it as a DAD failure (the other node stays unreachable "
                         "from here). Fix: `ip -6 addr del " + a.local.to_string() + " dev " + r.name +
                         "` and use an address nobody else has.";
      if (a.local.addr().is_link_local() && r.settings.accept_dad.is(2))
        text += " With accept_dad=2 a duplicate link-local also disabled IPv6 on " + r.name + ".";
      add_hint(r, "dad-failed", "address " + a.local.to_string(), std::move(text));
    } else if (is_tentative(a) && !(a.flags & IFA_F_OPTIMISTIC) && (!r.is_up() || r.no_carrier())) {
      stuck.push_back(a.local.to_string());
    }
  }
  if (stuck.empty()) return;
  std::string list;
  for (const auto& s : stuck) list += (list.empty() ? "" : ", ") + s;
  const std::string subject = "tentative " + list;
  if (!r.is_up())
    add_hint(r, "no-carrier", subject,
             r.name + " is down, so duplicate address detection has not run and its IPv6 addresses stay tentative "
                      "(unusable). Fix: `ip link set " + r.name + " up`.");
  else
    add_hint(r, "no-carrier", subject,
             r.name + " is up but has no carrier (a tap no process has opened, a veth whose peer is down), so "
                      "duplicate address detection never runs and its IPv6 addresses stay tentative (unusable). Fix: "
                      "start the guest on it (or bring the other end up).");
}

// C01: the host's IPv6 state on a bridge port is never used for frames that
// arrive there; the bridge takes them first.
void hint_bridge_port(InterfaceReport& r) {
  if (r.master.empty()) return;
  for (const auto& row : r.addresses) {
    const IpAddr& ip = row.address.local.addr();
    if (ip.is_link_local()) continue;  // the kernel adds those to ports itself
    add_hint(r, "ip-on-bridge-port", "address " + row.address.local.to_string(),
             r.name + " is a port of bridge " + r.master +
                 ": frames arriving on a port are handed to the bridge, so neighbour advertisements and traffic for " +
                 ip.to_string() + " never reach " + r.name + "'s own stack. Fix: move the address to " + r.master +
                 " (`ip -6 addr del " + row.address.local.to_string() + " dev " + r.name + "; ip -6 addr add " +
                 row.address.local.to_string() + " dev " + r.master + "`).");
  }
  for (const auto& n : r.neighbours) {
    if (!(n.entry.state & (NudIncomplete | NudFailed))) continue;
    add_hint(r, "ip-on-bridge-port", "neighbour " + n.entry.dst.to_string(),
             "resolution of " + n.entry.dst.to_string() + " runs on " + r.name + ", a port of bridge " + r.master +
                 ": the answer arrives on the port and is handed to the bridge, never to this entry. Use " +
                 r.master + " (move the address there).");
  }
}

void add_hints(InterfaceReport& r) {
  if (r.is_loopback()) return;
  if (hint_ipv6_off(r)) return;
  hint_addresses(r);
  hint_no_link_local(r);
  hint_bridge_port(r);
  // A port's own RA settings never matter: what it receives goes to the bridge.
  if (r.master.empty()) hint_ra_settings(r);
}

}  // namespace

bool InterfaceReport::is_up() const noexcept { return flags & IFF_UP; }
bool InterfaceReport::no_carrier() const noexcept { return (flags & IFF_UP) && !(flags & IFF_RUNNING); }
bool InterfaceReport::is_loopback() const noexcept { return flags & IFF_LOOPBACK; }
bool InterfaceReport::has_link_local() const noexcept {
  return std::any_of(addresses.begin(), addresses.end(),
                     [](const AddressRow& a) { return a.address.local.addr().is_link_local(); });
}

std::string_view state_explanation(std::uint16_t s) noexcept {
  if (s & NudPermanent) return "static entry: never probed or replaced by neighbour discovery";
  if (s & NudNoarp) return "no resolution needed on this link: the address maps without neighbour discovery";
  if (s & NudFailed) return "no usable advertisement after the solicitations: packets to it are dropped";
  if (s & NudIncomplete) return "solicitation sent to the solicited-node group, no advertisement with a link-layer address yet";
  if (s & NudProbe) return "unicast solicitations sent to confirm the cached address";
  if (s & NudDelay) return "used while unconfirmed: waiting briefly for upper-layer confirmation before probing";
  if (s & NudStale) return "usable but unconfirmed lately: the next packet starts a confirmation";
  if (s & NudReachable) return "confirmed within the reachable time";
  return "no state: being created or removed";
}

Result<std::vector<InterfaceReport>> inspect(const Netns& ns, std::string_view dev) {
  if (!dev.empty())
    if (auto name = IfName::parse(dev); !name) return std::move(name).error();

  std::vector<Link> links;
  if (dev.empty()) {
    auto all = link::list(ns);
    if (!all) return std::move(all).error();
    links = std::move(*all);
  } else {
    auto one = link::get(ns, dev);
    if (!one) return std::move(one).error();
    links.push_back(std::move(*one));
  }
  auto inet6 = detail::read_inet6(ns, dev);
  if (!inet6) return std::move(inet6).error();
  addr::Filter af;
  af.dev = std::string(dev);
  af.family = Family::Inet6;
  auto addrs = addr::list(ns, af);
  if (!addrs) return std::move(addrs).error();
  neigh::Filter nf;
  nf.dev = std::string(dev);
  nf.family = Family::Inet6;
  nf.states = neigh::kAllStates;
  auto neighbours = neigh::list(ns, nf);
  if (!neighbours) return std::move(neighbours).error();

  std::vector<InterfaceReport> out;
  out.reserve(links.size());
  std::unordered_map<int, std::size_t> by_index;
  for (auto& l : links) {
    InterfaceReport r;
    r.index = l.index;
    r.name = l.name;
    r.kind = l.kind;
    r.master = l.master;
    r.flags = l.flags;
    r.operstate = l.operstate;
    r.carrier = l.carrier;
    r.mtu = l.mtu;
    if (auto mac = l.mac(); mac && !mac->is_zero()) r.mac = mac;  // loopback's all-zero address says nothing
    by_index.emplace(r.index, out.size());
    out.push_back(std::move(r));
  }
  for (auto& l : *inet6)
    if (auto it = by_index.find(l.index); it != by_index.end()) out[it->second].settings = std::move(l.settings);
  for (auto& a : *addrs)
    if (auto it = by_index.find(a.index); it != by_index.end())
      out[it->second].addresses.push_back(AddressRow{std::move(a), {}});
  for (auto& n : *neighbours) {
    // Multicast destinations get NOARP entries of their own (an MLD report
    // or a ping to ff02::1 makes one); ip -6 neigh hides them, and they say
    // nothing about resolution.
    if (n.dst.is_multicast()) continue;
    if (auto it = by_index.find(n.index); it != by_index.end())
      out[it->second].neighbours.push_back(NeighbourRow{std::move(n), {}});
  }
  for (auto& r : out) {
    for (auto& a : r.addresses) a.explanation = explain_address(a.address, r);
    std::sort(r.neighbours.begin(), r.neighbours.end(),
              [](const NeighbourRow& x, const NeighbourRow& y) { return x.entry.dst < y.entry.dst; });
    for (auto& n : r.neighbours) n.explanation = std::string(state_explanation(n.entry.state));
    add_hints(r);
  }
  std::sort(out.begin(), out.end(), [](const InterfaceReport& x, const InterfaceReport& y) { return x.index < y.index; });
  return out;
}

}  // namespace netlab::ndp
