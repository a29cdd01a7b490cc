// TUN/TAP devices: what tunctl and `ip tuntap` do, all-or-nothing.
//
// create() opens /dev/net/tun inside the target namespace (the device is
// born in the namespace of whoever opens it), sets owner, group and
// persistence with ioctls, then applies MAC, MTU, master and state over
// netlink. If any step fails, every step already made is undone.
#pragma once

#include <netlab/addr.hpp>
#include <netlab/error.hpp>
#include <netlab/link.hpp>
#include <netlab/netns.hpp>
#include <netlab/types.hpp>

#include <optional>
#include <string>
#include <vector>
#include <sys/types.h>

namespace netlab {

// A process with the device open, found from /proc/PID/fdinfo ("iff:" lines).
struct TapHolder {
  pid_t pid = 0;
  std::string command;  // /proc/PID/comm
};

struct Tap {
  Link link;                       // link.tun holds type, owner, group, flags
  std::vector<Address> addresses;  // on the device itself
  std::vector<TapHolder> holders;
};

namespace tap {

struct Spec {
  // A name, a pattern with "%d" (the kernel takes the next free number), or
  // empty for "tap%d" / "tun%d".
  std::string name;
  bool tun = false;  // layer 3 (IFF_TUN) instead of layer 2 (IFF_TAP)
  std::optional<std::uint32_t> owner, group;
  bool multi_queue = false, vnet_hdr = false, pi = false;
  std::optional<MacAddr> mac;  // unicast only (checked)
  std::optional<std::uint32_t> mtu;
  std::optional<IfName> master;
  bool up = false;
};

// Returns the device's name. All-or-nothing.
NETLAB_API Result<std::string> create(const Netns& ns, const Spec& spec);
// `count` devices from one pattern, sharing one netlink socket; all-or-nothing
// over the whole set. Returns their names in creation order.
NETLAB_API Result<std::vector<std::string>> create_many(const Netns& ns, const Spec& spec, unsigned count);
// Deletes a tun/tap device; anything else is refused.
NETLAB_API Result<void> remove(const Netns& ns, const IfName& name);
// Every tun/tap device (or the one named), with addresses and holders.
NETLAB_API Result<std::vector<Tap>> list(const Netns& ns, std::string_view name = {});

// A user or group by name or number ("1000", "alice").
NETLAB_API Result<std::uint32_t> parse_user(std::string_view text);
NETLAB_API Result<std::uint32_t> parse_group(std::string_view text);

}  // namespace tap
}  // namespace netlab
