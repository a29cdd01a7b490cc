// Links: list and show with kind-specific details, create bridges, veth
// pairs and dummies, change state, MTU, MAC, name and master, delete.
//
// Link is the one value type every other part of the library uses for a
// device: bridge.hpp and tuntap.hpp build on it, diag.hpp snapshots it. It
// is decoded from RTM_NEWLINK at the library edge, so no libnl type appears;
// the optional parts (bridge, bridge_port, tun) are set only for links of
// that kind. Every call opens its own rtnetlink socket inside `ns`, does its
// work and closes it; a listing is a snapshot, not live.
//
// Privilege: reading needs none; creating, changing and deleting need
// CAP_NET_ADMIN in `ns` (else Netlink EPERM with the hint "needs
// CAP_NET_ADMIN: run as root"). Besides the errors named below every call
// can return the common errors of error.hpp. Objects in errors are named
// "link NAME" ("link index N" for get(ns, index)).
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

// A bridge's own settings and STP status (IFLA_INFO_DATA of kind "bridge").
// Times are kept in the kernel's unit (centiseconds) and converted on output.
struct BridgeInfo {
  std::uint32_t forward_delay_cs = 0;
  std::uint32_t hello_time_cs = 0;
  std::uint32_t max_age_cs = 0;
  std::uint32_t ageing_time_cs = 0;
  std::uint32_t stp_state = 0;  // 0 off, 1 kernel STP, 2 user-space STP
  std::uint16_t priority = 0;
  std::optional<std::uint8_t> vlan_filtering;
  std::optional<std::uint8_t> multicast_snooping;
  std::optional<std::uint8_t> multicast_querier;  // the bridge sends IGMP/MLD queries itself
  std::string bridge_id;  // "8000.aabbccddeeff", as brctl prints it
  std::string root_id;    // the designated root, same format
  std::uint16_t root_port = 0;
  std::uint32_t root_path_cost = 0;
  bool topology_change = false;
  std::uint64_t hello_timer_cs = 0, tcn_timer_cs = 0, topology_change_timer_cs = 0, gc_timer_cs = 0;
};

// A bridge port's STP state and flags (IFLA_INFO_SLAVE_DATA when
// slave_kind is "bridge"). A flag is empty when the kernel did not report it.
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

// A TUN/TAP device's settings (IFLA_INFO_DATA of kind "tun"), read over
// netlink, so they are right in any namespace (sysfs is not). owner/group
// are empty when not set (anyone with access to /dev/net/tun may attach).
struct TunInfo {
  bool tap = true;  // IFF_TAP vs IFF_TUN
  std::optional<std::uint32_t> owner, group;
  bool persist = false, multi_queue = false, vnet_hdr = false, pi = false;
  std::optional<std::uint32_t> num_queues;
};

// A macvlan or macvtap device's mode (IFLA_INFO_DATA of those kinds): its
// traffic to and from its lower device (IFLA_LINK) never crosses between the
// two in any mode: the host cannot reach a guest on a macvtap of its own NIC
// through that NIC (diagnosis cause C54).
struct NETLAB_API MacvlanInfo {
  std::uint32_t mode = 0;  // MACVLAN_MODE_*
  std::string mode_name() const;  // "private", "vepa", "bridge", "passthru", "source", or the number
};

// A VXLAN device's settings (IFLA_INFO_DATA of kind "vxlan"), as `ip -d
// link` shows them. The kernel keeps the remote and the multicast group in
// one attribute (IFLA_VXLAN_GROUP or GROUP6); which one it is follows from
// the address, as iproute2 decides it.
struct NETLAB_API VxlanInfo {
  std::uint32_t id = 0;            // the VNI, 0..16777215
  std::optional<IpAddr> remote;    // unicast default destination
  std::optional<IpAddr> group;     // multicast group
  std::optional<IpAddr> local;
  int link_index = 0;              // IFLA_VXLAN_LINK: the underlay device, 0 for none
  std::string link_name;           // resolved when in the same namespace
  std::uint16_t dstport = 0;       // host order
  std::uint8_t ttl = 0;            // 0: inherit ("auto")
  bool learning = true;
  std::optional<std::uint32_t> ageing;  // seconds
};

// One network device as the kernel reported it. A plain value: copies are
// independent, nothing refers back to the kernel.
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
  std::string alias;  // IFLA_IFALIAS, "" when none
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
  std::optional<MacvlanInfo> macvlan;  // kind "macvlan" or "macvtap"
  std::optional<VxlanInfo> vxlan;      // kind "vxlan"

  bool is_up() const noexcept;  // IFF_UP: administratively up
  // UP but not RUNNING: iproute2's NO-CARRIER, e.g. a tap nobody has opened.
  bool no_carrier() const noexcept;
  // ip's flag words in ip's order: BROADCAST,MULTICAST,UP,LOWER_UP...
  std::vector<std::string> flag_names() const;
  std::string operstate_name() const;  // "UP", "DOWN", "UNKNOWN", ...
  std::string link_type_name() const;  // "ether", "loopback", "none", ...
  std::optional<MacAddr> mac() const;  // when the address is 6 bytes
};

namespace link {

// What to list; every member left empty matches everything.
struct Filter {
  std::string name;    // one link by name
  std::string kind;    // "bridge", "veth", "tun", ...
  std::string master;  // ports of this bridge
  bool up_only = false;
};

// Streams the kernel's dump; `fn` sees each matching link once.
// The dump is collected whole first (and retried when the table changed
// under it, EAGAIN only after repeated interruptions), then fn is called on
// the calling thread; the reference is valid during the call only. Errors as
// list().
NETLAB_API Result<void> for_each(const Netns& ns, const Filter& filter,
                                 const std::function<void(const Link&)>& fn);
// Every matching link, in the kernel's dump order, with master and veth peer names
// resolved (the peer's only when it is in the same namespace). NotFound
// "no such device" when Filter.name or Filter.master names no link.
NETLAB_API Result<std::vector<Link>> list(const Netns& ns, const Filter& filter = {});
// The link named `name` in a list, or nullptr (a view into `links`).
NETLAB_API const Link* find(const std::vector<Link>& links, std::string_view name) noexcept;
// One link by name: Usage for a malformed name, NotFound when missing.
NETLAB_API Result<Link> get(const Netns& ns, std::string_view name);
// One link by ifindex (a single RTM_GETLINK): NotFound (ENODEV) when missing.
NETLAB_API Result<Link> get(const Netns& ns, int index);

// Settings given at creation; empty ones keep the kernel's defaults.
struct CreateOptions {
  std::optional<std::uint32_t> mtu;
  std::optional<MacAddr> address;
  bool up = false;
  // The ifindex to ask for (ip link add's `index`); 0 lets the kernel choose.
  // A macvtap's character device is /dev/tapIFINDEX in the one devtmpfs all
  // namespaces share, so two namespaces' macvtaps need distinct indexes.
  std::uint32_t index = 0;
};
// Creates a link of that kind in one RTM_NEWLINK (NLM_F_EXCL): the kernel
// creates it whole or not at all. Netlink EEXIST "already exists" when the
// name is taken; Netlink/Unsupported EOPNOTSUPP with a hint when the kernel
// lacks the link type; EINVAL/ERANGE (with the kernel's extack) for an MTU
// out of range. bridge.hpp's create() adds settings and rollback.
NETLAB_API Result<void> add_bridge(const Netns& ns, const IfName& name, const CreateOptions& opts = {});
NETLAB_API Result<void> add_dummy(const Netns& ns, const IfName& name, const CreateOptions& opts = {});
// The peer is created in peer_ns when given (it must differ from ns), else beside the first end.
// Both ends are created by one request: both exist afterwards, or neither.
// opts.mtu applies to both ends, opts.address and opts.up to `name` only.
// NotFound when peer_ns does not exist; System errno when it cannot be
// opened.
NETLAB_API Result<void> add_veth(const Netns& ns, const IfName& name, const IfName& peer,
                                 const CreateOptions& opts = {},
                                 const std::optional<Netns>& peer_ns = std::nullopt);

// A VXLAN device to create (`ip link add NAME type vxlan id N ...`).
// remote and group are exclusive; a group must be multicast and needs dev
// (the device whose multicast it joins); remote/group and local must be of
// one family. dstport defaults to IANA's 4789 (iproute2 still defaults to
// the kernel's pre-IANA 8472 with a warning: netlab takes the standard
// port). Members left empty keep the kernel's defaults (ttl inherit,
// learning on).
struct VxlanSpec {
  std::uint32_t id = 0;
  std::optional<IpAddr> remote, group, local;
  std::optional<IfName> dev;
  std::uint16_t dstport = 4789;
  std::optional<std::uint8_t> ttl;
  std::optional<bool> learning;
};
// Checks a spec without the kernel: Usage "VNI N is out of range
// (0-16777215)", "remote and group together", "group A is not multicast",
// "a group needs dev", "dstport 0", "remote and local are of different
// families" (object "link NAME").
NETLAB_API Result<void> check_vxlan(const IfName& name, const VxlanSpec& spec);
// Creates it in one RTM_NEWLINK after check_vxlan(). NotFound "no such
// device" (object "link DEV") when dev is not there; else as add_bridge.
NETLAB_API Result<void> add_vxlan(const Netns& ns, const IfName& name, const VxlanSpec& spec,
                                  const CreateOptions& opts = {});

// macvlan/macvtap on a parent (libvirt's "direct" interfaces). mode is a
// MACVLAN_MODE_* value; see mode_from_name().
struct MacvlanSpec {
  bool tap = false;  // macvtap: a /dev/tapIFINDEX for a guest to open
  IfName parent;
  std::optional<std::uint32_t> mode;
};
// "private", "vepa", "bridge", "passthru", "source" -> MACVLAN_MODE_*;
// Usage "expected bridge, vepa, private, passthru or source" otherwise.
NETLAB_API Result<std::uint32_t> macvlan_mode_from_name(std::string_view word);
// NotFound "no such device" (object "link PARENT") when the parent is not
// there; else as add_bridge (the kernel's extack for a refused mode).
NETLAB_API Result<void> add_macvlan(const Netns& ns, const IfName& name, const MacvlanSpec& spec,
                                    const CreateOptions& opts = {});

// What set() changes; members left empty are not touched. master and
// nomaster are exclusive (master wins if both are given).
struct Change {
  std::optional<bool> up;
  std::optional<std::uint32_t> mtu;
  std::optional<MacAddr> address;
  std::optional<IfName> new_name;
  std::optional<IfName> master;
  bool nomaster = false;
  std::optional<std::uint32_t> group;  // IFLA_GROUP; 0 is "default"
  std::optional<std::string> alias;    // IFLA_IFALIAS; "" clears it
  std::optional<Netns> netns;          // move the link there (IFLA_NET_NS_FD)
  bool empty() const noexcept {
    return !up && !mtu && !address && !new_name && !master && !nomaster && !group && !alias && !netns;
  }
};
// Applies the change in one RTM_NEWLINK, as `ip link set` does. The kernel
// applies the parts in turn, so a failure can leave earlier parts applied.
// NotFound when `name` or the master does not exist; Netlink EEXIST "the
// name X is taken"; EBUSY on a rename of an up link (hint: set it down
// first); EINVAL/ERANGE with the kernel's extack for a bad MTU, a master that
// cannot take ports, and the like. Usage for a master that is no master
// device (a veth, a tun) or the link itself, and for an alias over 255
// bytes; NotFound "no such namespace" when `netns` cannot be opened.
NETLAB_API Result<void> set(const Netns& ns, const IfName& name, const Change& change);
// Deletes the link (a veth takes its peer with it). NotFound "no such
// device" when it is not there; EOPNOTSUPP (Errc::Unsupported) for devices
// that cannot be deleted (lo, a physical NIC). No kind check here: bridge::remove() and
// tuntap::remove() refuse other kinds.
NETLAB_API Result<void> remove(const Netns& ns, const IfName& name);

}  // namespace link
}  // namespace netlab
