// Links: list and show with kind-specific details, create bridges, veth
// pairs and dummies, change state, MTU, MAC, name and master, delete.
#pragma once

#include <netlab/error.hpp>
#include <netlab/netns.hpp>
#include <netlab/types.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace netlab {

// Times are kept in the kernel's unit (centiseconds) and converted on output.
struct BridgeInfo {
  std::uint32_t forward_delay_cs = 0;
  std::uint32_t hello_time_cs = 0;
  std::uint32_t max_age_cs = 0;
  std::uint32_t ageing_time_cs = 0;
  std::uint32_t stp_state = 0;
  std::uint16_t priority = 0;
  std::optional<std::uint8_t> vlan_filtering;
  std::optional<std::uint8_t> multicast_snooping;
  std::string bridge_id;  // "8000.aabbccddeeff", as brctl prints it
  std::string root_id;    // the designated root, same format
  std::uint16_t root_port = 0;
  std::uint32_t root_path_cost = 0;
  bool topology_change = false;
  std::uint64_t hello_timer_cs = 0, tcn_timer_cs = 0, topology_change_timer_cs = 0, gc_timer_cs = 0;
};

struct NETLAB_API BridgePortInfo {
  std::uint8_t state = 0;  // BR_STATE_*: 0 disabled .. 4 blocking
  std::uint16_t priority = 0;
  std::uint32_t cost = 0;
  std::uint16_t port_no = 0, port_id = 0;
  std::string designated_root, designated_bridge;
  std::uint16_t designated_port = 0;
  std::uint32_t designated_cost = 0;
  std::uint64_t message_age_timer_cs = 0, forward_delay_timer_cs = 0, hold_timer_cs = 0;
  std::optional<bool> hairpin, learning, flood, mcast_flood, bcast_flood, isolated,
      guard, neigh_suppress, proxy_arp;
  std::string state_name() const;  // "forwarding", "learning", ...
};

struct TunInfo {
  bool tap = true;  // IFF_TAP vs IFF_TUN
  std::optional<std::uint32_t> owner, group;
  bool persist = false, multi_queue = false, vnet_hdr = false, pi = false;
  std::optional<std::uint32_t> num_queues;
};

struct NETLAB_API Link {
  int index = 0;
  std::string name;
  std::string kind;        // IFLA_INFO_KIND: "bridge", "veth", "tun", "" for a plain NIC
  std::string slave_kind;  // IFLA_INFO_SLAVE_KIND: "bridge" for a bridge port
  unsigned flags = 0;      // IFF_*
  std::uint32_t mtu = 0;
  std::vector<std::uint8_t> address;    // link-layer address, any length
  std::vector<std::uint8_t> broadcast;
  std::uint16_t link_type = 0;          // ARPHRD_*
  std::uint8_t operstate = 0;           // IF_OPER_*
  std::uint8_t linkmode = 0;
  std::optional<bool> carrier;
  std::uint32_t txqlen = 0;
  std::uint32_t group = 0;
  std::string qdisc;
  int master_index = 0;
  std::string master;      // resolved name, empty if none
  int link_index = 0;      // IFLA_LINK: a veth's peer
  std::string link_name;   // resolved when the peer is in the same namespace
  std::optional<std::int32_t> link_netnsid;
  bool lower_down = false;  // the IFLA_LINK peer is down: iproute2's M-DOWN
  std::optional<BridgeInfo> bridge;
  std::optional<BridgePortInfo> bridge_port;
  std::optional<TunInfo> tun;

  bool is_up() const noexcept;
  // UP but not RUNNING: iproute2's NO-CARRIER, e.g. a tap nobody has opened.
  bool no_carrier() const noexcept;
  // ip's flag words in ip's order: BROADCAST,MULTICAST,UP,LOWER_UP...
  std::vector<std::string> flag_names() const;
  std::string operstate_name() const;  // "UP", "DOWN", "UNKNOWN", ...
  std::string link_type_name() const;  // "ether", "loopback", "none", ...
  std::optional<MacAddr> mac() const;  // when the address is 6 bytes
};

namespace link {

struct Filter {
  std::string name;    // one link by name
  std::string kind;    // "bridge", "veth", "tun", ...
  std::string master;  // ports of this bridge
  bool up_only = false;
};

// Streams the kernel's dump; `fn` sees each matching link once.
NETLAB_API Result<void> for_each(const Netns& ns, const Filter& filter,
                                 const std::function<void(const Link&)>& fn);
NETLAB_API Result<std::vector<Link>> list(const Netns& ns, const Filter& filter = {});
NETLAB_API Result<Link> get(const Netns& ns, std::string_view name);
NETLAB_API Result<Link> get(const Netns& ns, int index);

struct CreateOptions {
  std::optional<std::uint32_t> mtu;
  std::optional<MacAddr> address;
  bool up = false;
};
NETLAB_API Result<void> add_bridge(const Netns& ns, const IfName& name, const CreateOptions& opts = {});
NETLAB_API Result<void> add_dummy(const Netns& ns, const IfName& name, const CreateOptions& opts = {});
// The peer is created in peer_ns when given (it must differ from ns), else beside the first end.
NETLAB_API Result<void> add_veth(const Netns& ns, const IfName& name, const IfName& peer,
                                 const CreateOptions& opts = {},
                                 const std::optional<Netns>& peer_ns = std::nullopt);

struct Change {
  std::optional<bool> up;
  std::optional<std::uint32_t> mtu;
  std::optional<MacAddr> address;
  std::optional<IfName> new_name;
  std::optional<IfName> master;
  bool nomaster = false;
  bool empty() const noexcept { return !up && !mtu && !address && !new_name && !master && !nomaster; }
};
NETLAB_API Result<void> set(const Netns& ns, const IfName& name, const Change& change);
NETLAB_API Result<void> remove(const Netns& ns, const IfName& name);

}  // namespace link
}  // namespace netlab
