// Bridges: brctl's verbs over netlink, with the checks its recipes need.
#pragma once

#include <netlab/addr.hpp>
#include <netlab/error.hpp>
#include <netlab/link.hpp>
#include <netlab/netns.hpp>
#include <netlab/types.hpp>

#include <optional>
#include <string>
#include <vector>

namespace netlab::bridge {

// Times are in centiseconds, the kernel's unit; see seconds_to_cs().
struct Settings {
  std::optional<bool> stp;
  std::optional<std::uint32_t> forward_delay_cs, hello_time_cs, max_age_cs, ageing_time_cs;
  std::optional<std::uint16_t> priority;
  std::optional<bool> vlan_filtering;
  bool empty() const noexcept {
    return !stp && !forward_delay_cs && !hello_time_cs && !max_age_cs && !ageing_time_cs && !priority &&
           !vlan_filtering;
  }
};

struct PortSettings {
  std::optional<std::uint32_t> cost;
  std::optional<std::uint16_t> priority;
  std::optional<bool> hairpin, learning, flood, isolated;
  bool empty() const noexcept { return !cost && !priority && !hairpin && !learning && !flood && !isolated; }
};

// Seconds as brctl takes them ("15", "0.5") to the kernel's centiseconds.
NETLAB_API Result<std::uint32_t> seconds_to_cs(std::string_view seconds, std::string_view what);

// Creates the bridge, applies settings and a fixed MAC; all-or-nothing.
NETLAB_API Result<void> create(const Netns& ns, const IfName& name, const std::optional<MacAddr>& mac = {},
                               const Settings& settings = {}, bool up = false);
// Deletes a bridge; anything else is refused.
NETLAB_API Result<void> remove(const Netns& ns, const IfName& name);
NETLAB_API Result<void> configure(const Netns& ns, const IfName& name, const Settings& settings);

// What attaching a port did to the addresses it carried.
struct PortAttach {
  std::vector<Address> stranded;  // IPv4 and global IPv6 addresses left on the port: they stop working
  std::vector<Address> moved;     // addresses moved to the bridge (move_addresses)
};
// Enslaves port to bridge. With move_addresses, the port's IPv4 and global
// IPv6 addresses move to the bridge in the same all-or-nothing change.
NETLAB_API Result<PortAttach> add_port(const Netns& ns, const IfName& bridge, const IfName& port,
                                       bool move_addresses = false);
// Releases port from bridge; refused if it is not a port of that bridge.
NETLAB_API Result<void> remove_port(const Netns& ns, const IfName& bridge, const IfName& port);
NETLAB_API Result<void> configure_port(const Netns& ns, const IfName& bridge, const IfName& port,
                                       const PortSettings& settings);

struct FdbEntry {
  std::string port;
  std::uint16_t port_no = 0;
  MacAddr mac;
  bool local = false;  // the bridge's or a port's own address
  bool permanent = false;
  std::optional<std::uint16_t> vlan;
  std::uint32_t ageing_cs = 0;  // time since last seen
};
// The forwarding database of one bridge (`brctl showmacs`).
NETLAB_API Result<std::vector<FdbEntry>> fdb(const Netns& ns, const IfName& bridge);

struct View {
  Link bridge;
  std::vector<Link> ports;
  // The port whose MAC the bridge carries, when the bridge's MAC equals the
  // lowest port MAC (the kernel's default when no MAC was set).
  std::string mac_from_port;
};
// Every bridge (or the one named) with its ports, bridges without ports included.
NETLAB_API Result<std::vector<View>> list(const Netns& ns, std::string_view name = {});

// Whether a link is a bridge port, and of which bridge ("" if not).
NETLAB_API std::string master_bridge_of(const Link& link);

}  // namespace netlab::bridge
