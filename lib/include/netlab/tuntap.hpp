// TUN/TAP devices: what tunctl and `ip tuntap` do, all-or-nothing.
//
// create() opens /dev/net/tun inside the target namespace (the device is
// born in the namespace of whoever opens it), sets owner, group and
// persistence with ioctls, then applies MAC, MTU, master and state over
// netlink. If any step fails, every step already made is undone.
//
// The devices are made persistent (TUNSETPERSIST): netlab does not hold
// them open, so they outlive the call and the process, and carry no carrier
// (NO-CARRIER) until a guest opens them. Nothing returned owns a device;
// remove() deletes one. Creating and deleting need CAP_NET_ADMIN (System
// EPERM with the hint "needs CAP_NET_ADMIN: run as root"); a missing
// /dev/net/tun is System ENOENT/ENODEV with the hint "load the tun module".
// Listing needs no privilege, but holders are found only among processes
// whose /proc/PID/fdinfo the caller may read (all of them as root). Besides
// the errors below every call can return the common errors of error.hpp.
// Objects in errors are named "tap NAME".
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
// Only processes in the device's own network namespace are considered (two
// namespaces may each have a tap0). A snapshot: the process may be gone.
struct TapHolder {
  pid_t pid = 0;
  std::string command;  // /proc/PID/comm
};

// One TUN/TAP device with what `ip tuntap show` and tunctl would tell.
struct Tap {
  Link link;                       // link.tun holds type, owner, group, flags
  std::vector<Address> addresses;  // on the device itself
  std::vector<TapHolder> holders;
};

namespace tap {

// What to create; empty optionals keep the kernel's defaults.
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
// Usage errors, before anything is made: a multicast or zero MAC, a name
// longer than 15 bytes or otherwise malformed, a '%' other than "%d", a
// master that is not a bridge. NotFound when the master does not exist.
// System EBUSY/EEXIST "already exists" when the name is taken (the hint
// names the processes holding it, if any). Errors from TUNSETOWNER,
// TUNSETGROUP, TUNSETPERSIST name the ioctl. MTU/MAC/master/up failures come
// from netlink (e.g. ERANGE for an MTU, with the kernel's extack); the
// device is then deleted again.
NETLAB_API Result<std::string> create(const Netns& ns, const Spec& spec);
// `count` devices from one pattern, sharing one netlink socket; all-or-nothing
// over the whole set. Returns their names in creation order.
// With count > 1 the name must be a "%d" pattern (Usage otherwise) and no MAC
// may be given; netlab numbers the devices itself from the first free number
// and skips names taken meanwhile. Usage when the numbers outgrow 15 bytes.
// Errors otherwise as create(). count 0 creates nothing and returns {}.
NETLAB_API Result<std::vector<std::string>> create_many(const Netns& ns, const Spec& spec, unsigned count);
// Deletes a tun/tap device; anything else is refused.
// NotFound (ENODEV) when it does not exist; Usage "is a KIND, not a tun/tap
// device" for another link. A guest holding it open loses it at once.
NETLAB_API Result<void> remove(const Netns& ns, const IfName& name);
// Every tun/tap device (or the one named), with addresses and holders.
// NotFound when the name does not exist; Usage when it is not a tun/tap.
NETLAB_API Result<std::vector<Tap>> list(const Netns& ns, std::string_view name = {});

// A user or group by name or number ("1000", "alice").
// Numbers up to 4294967294 are taken as they are (no lookup); names are
// looked up with getpwnam_r/getgrnam_r (NSS). Usage "is empty" or "no such
// user/group" otherwise. No namespace involved.
NETLAB_API Result<std::uint32_t> parse_user(std::string_view text);
NETLAB_API Result<std::uint32_t> parse_group(std::string_view text);

}  // namespace tap
}  // namespace netlab
