// Bridges: brctl's verbs over netlink, with the checks its recipes need.
//
// A bridge and its ports are Links (link.hpp): Link::bridge holds the
// bridge's settings and STP status, Link::bridge_port a port's STP state and
// flags. This header adds the checks brctl users rely on (the named link
// really is a bridge, the port really belongs to it), all-or-nothing changes
// (each multi-step change undoes its done steps when a later one fails),
// the forwarding database, and list() which groups ports under bridges.
//
// Every call opens its own rtnetlink socket in `ns`; results are snapshots
// the caller owns. Changes need CAP_NET_ADMIN (Netlink EPERM with the hint
// "needs CAP_NET_ADMIN: run as root"); reading needs none. Errors common to
// all calls: the common errors of error.hpp; NotFound (ENODEV, "no such
// device") when a named bridge or port does not exist; Usage "is a KIND, not
// a bridge" when the named bridge is another kind of link. Objects are named
// "bridge NAME", "link PORT" or "bridge port PORT".
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

// A bridge's own settings to change; empty members are left as they are.
// Times are in centiseconds, the kernel's unit; see seconds_to_cs().
// stp true asks for STP (in the initial namespace the kernel may hand it to
// a user-space daemon via /sbin/bridge-stp; in others it runs kernel STP).
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

// A port's settings to change (brctl setpathcost/setportprio/hairpin, and
// learning, unicast flooding, isolation); empty members are left as they are.
struct PortSettings {
  std::optional<std::uint32_t> cost;
  std::optional<std::uint16_t> priority;
  std::optional<bool> hairpin, learning, flood, isolated;
  bool empty() const noexcept { return !cost && !priority && !hairpin && !learning && !flood && !isolated; }
};

// Seconds as brctl takes them ("15", "0.5") to the kernel's centiseconds.
// Rounded to the nearest centisecond. Usage "expected seconds, such as 2 or
// 0.5" naming `what` for a negative, non-numeric or too large value. The
// kernel's own ranges (hello 1-10 s, ...) are checked by the kernel later.
NETLAB_API Result<std::uint32_t> seconds_to_cs(std::string_view seconds, std::string_view what);

// Creates the bridge, applies settings and a fixed MAC; all-or-nothing.
// Usage for a multicast or zero MAC; Netlink EEXIST "already exists" when
// the name is taken; ERANGE (with a hint giving the kernel's ranges) or
// EINVAL/EOPNOTSUPP (VLAN filtering missing, with a hint) when the settings
// are refused, in which case the new bridge is deleted again.
NETLAB_API Result<void> create(const Netns& ns, const IfName& name, const std::optional<MacAddr>& mac = {},
                               const Settings& settings = {}, bool up = false);
// Deletes a bridge; anything else is refused.
// Its ports are released (not deleted) by the kernel.
NETLAB_API Result<void> remove(const Netns& ns, const IfName& name);
// Applies settings to an existing bridge in one request (errors as create();
// the kernel may have applied earlier attributes when a later one fails).
NETLAB_API Result<void> configure(const Netns& ns, const IfName& name, const Settings& settings);

// What attaching a port did to the addresses it carried (copies of the
// addresses as they were before the change).
struct PortAttach {
  std::vector<Address> stranded;  // IPv4 and global IPv6 addresses left on the port: they stop working
  std::vector<Address> moved;     // addresses moved to the bridge (move_addresses)
  bool was_port = false;          // it was a port of the bridge already: only addresses moved
};
// Enslaves port to bridge. With move_addresses, the port's IPv4 and global
// IPv6 addresses move to the bridge in the same all-or-nothing change.
// Without move_addresses nothing is moved and `stranded` lists what a caller
// should warn about (an address on a bridge port is the classic ARP failure,
// diag cause C01). A port of this bridge already is not touched, but with
// move_addresses its addresses move (was_port is then set): the command the
// warning after a plain attach prints. Usage when the port is the bridge
// itself, already a port of this bridge without move_addresses, or enslaved
// to another master. A failure while moving addresses releases the port (if
// this call attached it) and puts every address back where it was.
NETLAB_API Result<PortAttach> add_port(const Netns& ns, const IfName& bridge, const IfName& port,
                                       bool move_addresses = false);
// Releases port from bridge; refused if it is not a port of that bridge.
// Usage "is not a port of BRIDGE" then. Addresses are not moved back.
NETLAB_API Result<void> remove_port(const Netns& ns, const IfName& bridge, const IfName& port);
// Applies port settings in one request; Usage "is not a port of BRIDGE" when
// it is not one; Netlink errors (EINVAL, EOPNOTSUPP with the extack) when the
// kernel refuses a flag.
NETLAB_API Result<void> configure_port(const Netns& ns, const IfName& bridge, const IfName& port,
                                       const PortSettings& settings);


// One entry of a bridge's forwarding database (`bridge fdb`, `brctl showmacs`).
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
// Only entries the bridge owns (not the devices' own address lists), sorted
// by port number. Needs no privilege.
NETLAB_API Result<std::vector<FdbEntry>> fdb(const Netns& ns, const IfName& bridge);

// One forwarding entry as `bridge fdb show` lists it: the bridge's own
// table (NDA_MASTER names the bridge) and the devices' own address lists
// (NTF_SELF: a port's multicast addresses, a VXLAN device's remotes, where
// the all-zeros MAC is the flood list: one entry per remote).
struct NETLAB_API FdbRecord {
  MacAddr mac;
  int ifindex = 0;
  std::string dev;                  // resolved name
  std::optional<std::uint16_t> vlan;
  std::optional<IpAddr> dst;        // NDA_DST: a VXLAN remote
  std::optional<std::uint16_t> port;  // NDA_PORT, when not the device's dstport
  std::optional<std::uint32_t> vni;   // NDA_VNI, when not the device's id
  std::optional<int> via_index;     // NDA_IFINDEX: egress device of a remote
  std::string via;
  int master_index = 0;             // NDA_MASTER
  std::string master;
  std::uint8_t flags = 0;           // NTF_*
  std::uint16_t state = 0;          // NUD_*
  // iproute2's words: "self", "router", "extern_learn", "offload", "master", "sticky".
  std::vector<std::string> flag_names() const;
  // "permanent", "static", "stale", "" (dynamic), as `bridge fdb` prints the state.
  std::string state_name() const;
};
// What fdb_list() keeps: entries on dev, or on br and its ports; both empty: all.
struct FdbFilter {
  std::string dev;
  std::string br;
};
// Every entry in the kernel's order (`bridge fdb show [dev DEV | br BR]`).
// NotFound "no such device" when dev or br names no link; Usage "is not a
// bridge" when br is another kind. Needs no privilege.
NETLAB_API Result<std::vector<FdbRecord>> fdb_list(const Netns& ns, const FdbFilter& filter = {});

// `bridge fdb add|append|replace|del`.
enum class FdbOp { Add, Append, Replace, Del };
struct FdbSpec {
  MacAddr mac;
  IfName dev;
  std::optional<IpAddr> dst;
  std::optional<std::uint32_t> vni;   // 0..16777215
  std::optional<std::uint16_t> port;  // 1..65535
  std::optional<std::uint16_t> vlan;  // 1..4094
  bool self = false, master = false;  // neither: self, as iproute2 assumes
  enum class State { Default, Permanent, Static, Dynamic } state = State::Default;  // Default: permanent
};
// One RTM_NEWNEIGH (Add: NLM_F_EXCL; Append: NLM_F_APPEND, which adds a
// remote to a VXLAN entry, the all-zeros one above all; Replace:
// NLM_F_REPLACE) or RTM_DELNEIGH (Del; with dst only that remote goes).
// The object is "fdb entry MAC dev DEV" (with " dst IP" when given). Usage
// for a VNI or VLAN out of range, port 0; NotFound "no such entry ..." for
// a Del with dst on a VXLAN device that no remote matches (dst, port and
// VNI, the device's own when not given: the kernel acknowledges that delete
// and changes nothing); NotFound "no such device" (object
// "link DEV") when dev is missing; Netlink ENOENT "no such entry" for a Del
// of a missing entry, EEXIST "already exists" for an Add of a present one;
// else the kernel's errno and extack (dst on a device that is no VXLAN).
NETLAB_API Result<void> fdb_change(const Netns& ns, FdbOp op, const FdbSpec& spec);

// A bridge and its ports, as list() returns them; plain values.
struct View {
  Link bridge;
  std::vector<Link> ports;
  // The port whose MAC the bridge carries, when the bridge's MAC equals the
  // lowest port MAC (the kernel's default when no MAC was set).
  std::string mac_from_port;
};
// Every bridge (or the one named) with its ports, bridges without ports included.
// From one link dump: bridges in dump order, each port's STP state in
// Link::bridge_port (state_name(): "forwarding", "listening", ...). With a
// name: NotFound "no such device" when no link has it, Usage "is not a
// bridge" when it is another kind. Needs no privilege.
NETLAB_API Result<std::vector<View>> list(const Netns& ns, std::string_view name = {});

// Whether a link is a bridge port, and of which bridge ("" if not).
// Pure: reads only the Link given (its master name, as list() resolved it).
NETLAB_API std::string master_bridge_of(const Link& link);

}  // namespace netlab::bridge
