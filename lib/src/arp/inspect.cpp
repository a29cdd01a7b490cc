// arp inspect: the IPv4 neighbour table read together with the links it sits
// on. A NUD state alone says little ("INCOMPLETE"); the same state on a
// bridge port, or a NOARP entry on an interface with ARP turned off, already
// names the fault, and saying so here saves a full diagnosis.
#include <netlab/addr.hpp>
#include <netlab/arp.hpp>
#include <netlab/bridge.hpp>
#include <netlab/link.hpp>
#include <netlab/render.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include <net/if.h>

namespace netlab::arp {
namespace {

Role role_of(const Link& l) {
  if (l.kind == "bridge") return Role::Bridge;
  if (!bridge::master_bridge_of(l).empty()) return Role::BridgePort;
  return Role::Standalone;
}

// The IPv4 addresses on dev, "192.0.2.1/24 and 198.51.100.1/24".
std::string ipv4_addresses_on(const std::vector<Address>& addrs, const std::string& dev) {
  std::vector<std::string> found;
  for (const auto& a : addrs)
    if (a.dev == dev && a.family() == Family::Inet) found.push_back(a.local.to_string());
  std::string out;
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (i) out += i + 1 == found.size() ? " and " : ", ";
    out += found[i];
  }
  return out;
}

// C01: the host resolves from a port; the answer is processed on the bridge,
// where it matches no pending entry, so the port's entry never completes.
void hint_ip_on_bridge_port(InspectRow& row, const std::vector<Address>& addrs) {
  const auto& dev = row.entry.dev;
  row.cause = "ip-on-bridge-port";
  row.hint = fmt::format(
      "{} is a port of {}: every frame it receives, the ARP reply included, is handed to the bridge, "
      "so this entry cannot complete; the address belongs on {}",
      dev, row.master, row.master);
  if (auto here = ipv4_addresses_on(addrs, dev); !here.empty())
    row.hint += fmt::format(" (move {} from {} to {})", here, dev, row.master);
}

// C20: with IFF_NOARP the kernel fills unicast entries with the device's own
// address instead of asking; frames leave addressed to ourselves.
void hint_noarp_interface(InspectRow& row, const Link& link) {
  row.cause = "noarp-interface";
  const auto own = link.mac();
  const auto mac = row.entry.mac();
  std::string where = row.entry.lladdr.empty() ? std::string("no address")
                                               : hw_addr_string(row.entry.lladdr);
  if (own && mac && *own == *mac) where += ", the interface's own MAC, which no peer accepts";
  row.hint = fmt::format(
      "{} has ARP turned off (NOARP flag): {} is never resolved and frames to it go to {}; "
      "turn ARP on with `ip link set dev {} arp on`",
      row.entry.dev, row.entry.dst.to_string(), where, row.entry.dev);
}

// C21: a hand-set entry is never re-checked; if no frame from its MAC crossed
// the bridge lately, nothing on the link announces that MAC any more.
void hint_stale_permanent(InspectRow& row, const std::string& bridge_name) {
  row.cause = "stale-permanent-neighbour";
  row.hint = fmt::format(
      "{} is set by hand and {} is not in the forwarding database of {}: no station with that MAC has "
      "sent a frame through the bridge lately, so {} may have a new MAC that this entry hides; check with "
      "`netlab arp probe {} {}`, then `netlab neigh replace {} lladdr MAC dev {}` or `netlab neigh del {} dev {}`",
      row.entry.dst.to_string(), hw_addr_string(row.entry.lladdr), bridge_name, row.entry.dst.to_string(),
      row.entry.dev, row.entry.dst.to_string(), row.entry.dst.to_string(), row.entry.dev,
      row.entry.dst.to_string(), row.entry.dev);
}

// MACs that stations behind the bridge have sent from (learned entries; the
// bridge's and its ports' own addresses are not announcements from a peer).
Result<std::vector<MacAddr>> learned_macs(const Netns& ns, const std::string& bridge_name) {
  auto name = IfName::parse(bridge_name);
  if (!name) return std::move(name).error();
  auto table = bridge::fdb(ns, *name);
  if (!table) return std::move(table).error();
  std::vector<MacAddr> out;
  for (const auto& e : *table)
    if (!e.local) out.push_back(e.mac);
  return out;
}

}  // namespace

std::string_view state_explanation(std::uint16_t s) noexcept {
  // PERMANENT and NOARP first: they say the entry is never resolved at all.
  if (s & NudPermanent) return "set by hand, never re-checked";
  if (s & NudNoarp) return "no resolution on this interface: frames go to a fixed address";
  if (s & NudFailed) return "no reply to the last requests";
  if (s & NudIncomplete) return "request sent, no valid reply yet";
  if (s & NudReachable) return "confirmed recently";
  if (s & NudStale) return "usable, not confirmed lately; will be re-checked on use";
  if (s & NudDelay) return "used while stale; waiting briefly for upper-layer confirmation before probing";
  if (s & NudProbe) return "being re-checked: unicast requests sent to the known address";
  return "no state: being created or removed";
}

std::string_view role_name(Role role) noexcept {
  switch (role) {
    case Role::Bridge: return "bridge";
    case Role::BridgePort: return "bridge port";
    case Role::Standalone: break;
  }
  return "standalone";
}

std::string role_description(Role role, std::string_view master) {
  if (role == Role::BridgePort && !master.empty()) return fmt::format("bridge port of {}", master);
  return std::string(role_name(role));
}

Result<std::vector<InspectRow>> inspect(const Netns& ns, std::string_view dev) {
  link::Filter lf;
  if (!dev.empty()) {
    auto name = IfName::parse(dev);
    if (!name) return std::move(name).error();
    lf.name = name->str();
  }
  // Links first: a dev that does not exist fails here with the link's own error.
  auto links = link::list(ns, lf);
  if (!links) return std::move(links).error();
  std::map<int, const Link*> by_index;
  for (const auto& l : *links) by_index[l.index] = &l;

  neigh::Filter nf;
  nf.dev = std::string(dev);
  nf.family = Family::Inet;
  nf.states = neigh::kAllStates;  // NOARP and NONE entries too: they are the point
  auto entries = neigh::list(ns, nf);
  if (!entries) return std::move(entries).error();

  // Addresses only when a hint needs them, FDBs once per bridge.
  std::optional<std::vector<Address>> addrs;
  std::map<std::string, std::vector<MacAddr>> fdb_by_bridge;

  std::vector<InspectRow> rows;
  rows.reserve(entries->size());
  for (auto& n : *entries) {
    InspectRow row;
    row.entry = std::move(n);
    row.explanation = std::string(state_explanation(row.entry.state));
    auto it = by_index.find(row.entry.index);
    if (it == by_index.end()) {
      // The link went away between the two dumps: keep the entry, no role.
      rows.push_back(std::move(row));
      continue;
    }
    const Link& link = *it->second;
    row.role = role_of(link);
    if (row.role == Role::BridgePort) row.master = link.master;
    row.noarp_interface = link.flags & IFF_NOARP;
    const auto state = row.entry.state;

    if (row.role == Role::BridgePort && (state & (NudIncomplete | NudFailed))) {
      if (!addrs) {
        addr::Filter af;
        af.family = Family::Inet;
        auto got = addr::list(ns, af);
        if (!got) return std::move(got).error();
        addrs = std::move(*got);
      }
      hint_ip_on_bridge_port(row, *addrs);
    } else if ((state & NudNoarp) && row.noarp_interface && !row.entry.dst.is_multicast()) {
      hint_noarp_interface(row, link);
    } else if ((state & NudPermanent) && row.role != Role::Standalone && row.entry.mac()) {
      // Only a bridge keeps a record of the MACs that spoke; on a standalone
      // interface the state alone cannot tell a stale entry from a good one.
      const std::string bridge_name = row.role == Role::Bridge ? link.name : link.master;
      auto cached = fdb_by_bridge.find(bridge_name);
      if (cached == fdb_by_bridge.end()) {
        auto macs = learned_macs(ns, bridge_name);
        if (!macs) return std::move(macs).error();
        cached = fdb_by_bridge.emplace(bridge_name, std::move(*macs)).first;
      }
      const auto mac = *row.entry.mac();
      if (std::find(cached->second.begin(), cached->second.end(), mac) == cached->second.end())
        hint_stale_permanent(row, bridge_name);
    }
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const InspectRow& a, const InspectRow& b) {
    if (a.entry.index != b.entry.index) return a.entry.index < b.entry.index;
    return a.entry.dst < b.entry.dst;
  });
  return rows;
}

}  // namespace netlab::arp
