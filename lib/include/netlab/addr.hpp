// Addresses: list, add, replace, delete and flush, IPv4 and IPv6.
//
// Every call opens its own rtnetlink socket inside `ns` (netns.hpp), does one
// dump or one change (`ip addr` does the same), and closes it; nothing is
// cached, so a listing is a snapshot. Listing needs no privilege; changes
// need CAP_NET_ADMIN in the target namespace (else Netlink EPERM with the
// hint "needs CAP_NET_ADMIN: run as root"). All calls can also return the
// common errors of error.hpp (namespace entry, netlink). Objects in errors
// are named "address 192.0.2.1/24 on eth0".
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

// A lifetime that never expires (INFINITY_LIFE_TIME), as `ip` prints "forever".
inline constexpr std::uint32_t kForever = 0xffffffffu;

// One address as the kernel reports it (RTM_NEWADDR); a plain value.
struct NETLAB_API Address {
  int index = 0;
  std::string dev;                // "" when the link vanished during the listing
  Prefix local;                   // IFA_LOCAL (IFA_ADDRESS when there is no local)
  std::optional<IpAddr> peer;     // point-to-point peer, when it differs from local
  std::optional<IpAddr> broadcast;
  std::uint8_t scope = 0;
  std::string label;
  std::uint32_t flags = 0;        // IFA_F_*
  std::uint32_t valid_lft = kForever;      // seconds left
  std::uint32_t preferred_lft = kForever;

  Family family() const noexcept { return local.family(); }
  // iproute2's words for the flags it prints: "secondary", "tentative", ...
  std::vector<std::string> flag_names() const;
};

namespace addr {

// What to list; every member left at its default matches everything. The
// tests are done here, on the dump, not by the kernel.
struct Filter {
  std::string dev;
  Family family = Family::Unspec;
  std::optional<std::uint8_t> scope;
  std::uint32_t flags_set = 0;    // only addresses with all these IFA_F_* bits
  std::uint32_t flags_clear = 0;  // only addresses with none of these
  bool permanent_only = false, dynamic_only = false;
};

// Calls fn for each matching address while the dump streams in, on the
// calling thread; the Address reference is valid only during that call (copy
// it to keep it); an exception from fn propagates out of the call. Filter.dev naming a missing link:
// NotFound "link DEV: no such device". A dump interrupted by a table change
// is not retried here: EAGAIN, after fn already saw part of it.
NETLAB_API Result<void> for_each(const Netns& ns, const Filter& filter,
                                 const std::function<void(const Address&)>& fn);
// for_each() collected into a vector the caller owns. Same errors.
NETLAB_API Result<std::vector<Address>> list(const Netns& ns, const Filter& filter = {});

// An address to add or replace, as `ip addr add` takes it.
struct Spec {
  Prefix prefix;
  IfName dev;
  std::optional<IpAddr> broadcast;
  bool broadcast_auto = false;  // `broadcast +`: all host bits set
  std::string label;
  std::optional<std::uint8_t> scope;
  std::uint32_t valid_lft = kForever;
  std::uint32_t preferred_lft = kForever;
  std::uint32_t flags = 0;  // IFA_F_NODAD, IFA_F_NOPREFIXROUTE, IFA_F_OPTIMISTIC, ...
};
// Adds the address (NLM_F_CREATE|NLM_F_EXCL). Scope defaults to host for
// 127/8, else global. Usage errors before anything is sent: broadcast of the
// other family, `broadcast +` on IPv6, a label not starting with the device
// name or longer than 15 bytes, preferred_lft > valid_lft. NotFound when the
// device does not exist; Netlink EEXIST "already assigned" when it is there.
NETLAB_API Result<void> add(const Netns& ns, const Spec& spec);
// Like add() but replaces an existing address (NLM_F_REPLACE): updates its
// lifetimes, label, flags. Same errors except EEXIST.
NETLAB_API Result<void> replace(const Netns& ns, const Spec& spec);
// Deletes prefix from dev. NotFound "not assigned" when dev has no such
// address (kernel EADDRNOTAVAIL), NotFound for a missing device.
NETLAB_API Result<void> remove(const Netns& ns, const Prefix& prefix, const IfName& dev);
// Deletes every address on dev that matches the filter; returns how many.
// Lists first, then deletes one by one: not atomic, and not rolled back if a
// deletion fails midway (the error is returned, earlier deletions stay). An
// address that vanished meanwhile (a secondary removed with its primary) is
// skipped without error. An empty filter flushes every address in ns.
NETLAB_API Result<int> flush(const Netns& ns, const Filter& filter);

}  // namespace addr
}  // namespace netlab
