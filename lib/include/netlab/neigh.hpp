// Neighbours (the ARP and NDP caches): list, add, replace, change, delete, flush.
//
// Every call opens its own rtnetlink socket in `ns`, does one dump or one
// change (as `ip neigh` does) and closes it; a listing is a snapshot the
// caller owns. Listing needs no privilege; changes need CAP_NET_ADMIN (Netlink
// EPERM with the hint "needs CAP_NET_ADMIN: run as root"). Besides the errors
// below every call can return the common errors of error.hpp, and NotFound
// "link DEV: no such device" for a device that does not exist. Objects are
// named "neighbour 192.0.2.2 dev eth0".
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

// One cache entry as the kernel reports it (RTM_NEWNEIGH); a plain value.
struct NETLAB_API Neighbour {
  int index = 0;
  std::string dev;
  IpAddr dst;
  std::vector<std::uint8_t> lladdr;  // empty when the entry has none (INCOMPLETE, FAILED)
  std::uint16_t state = 0;           // NUD_* bits
  std::uint8_t flags = 0;            // NTF_*
  std::optional<std::uint32_t> probes;
  // Seconds since last used/confirmed/updated (NDA_CACHEINFO), when present.
  std::optional<std::uint32_t> used_s, confirmed_s, updated_s;

  Family family() const noexcept { return dst.family(); }
  bool is_router() const noexcept;  // NTF_ROUTER (IPv6)
  bool is_proxy() const noexcept;   // NTF_PROXY: a proxy ARP/NDP entry
  std::optional<MacAddr> mac() const;  // lladdr when it is 6 bytes
};

namespace neigh {

// Filter masks are NUD_* bits plus kStateNone for entries in no state at all.
inline constexpr std::uint16_t kStateNone = 0x100;
inline constexpr std::uint16_t kAllStates = 0x1ff;
inline constexpr std::uint16_t kDefaultStates = 0xff & ~NudNoarp;  // what `ip neigh` shows
inline constexpr std::uint16_t kFlushStates = 0xff & ~(NudNoarp | NudPermanent);

// What to list; the tests are done here, on the dump.
struct Filter {
  std::string dev;
  Family family = Family::Unspec;
  std::uint16_t states = kDefaultStates;  // kAllStates: every entry, NOARP included
  bool proxy = false;                     // list proxy entries instead
  std::optional<Prefix> to;               // only destinations inside this prefix
};

// Calls fn for each matching entry while the dump streams in, on the
// calling thread; the reference is valid only during the call. A dump
// interrupted by a table change is not retried: EAGAIN, after fn saw part.
NETLAB_API Result<void> for_each(const Netns& ns, const Filter& filter,
                                 const std::function<void(const Neighbour&)>& fn);
// for_each() collected into a vector the caller owns. Same errors.
NETLAB_API Result<std::vector<Neighbour>> list(const Netns& ns, const Filter& filter = {});

// Add: a new entry only (NLM_F_EXCL); Replace: create or overwrite; Change:
// overwrite an existing entry only.
enum class Mode { Add, Replace, Change };
// An entry to write, as `ip neigh add` takes it. dst's family picks the
// table (ARP or NDP).
struct Spec {
  IpAddr dst;
  IfName dev;
  std::optional<MacAddr> lladdr;
  std::uint16_t state = NudPermanent;
  bool router = false;
  bool proxy = false;
};
// Writes the entry. Usage before anything is sent for an unspecified dst or
// an lladdr on a proxy entry. Netlink EEXIST "already exists (use replace)"
// in Mode::Add; NotFound "no such entry" (ENOENT) in Mode::Change when there
// is none; EINVAL with the kernel's extack for a bad state or address.
NETLAB_API Result<void> add(const Netns& ns, const Spec& spec, Mode mode = Mode::Add);
// Deletes one entry (proxy: the proxy entry). NotFound "no such entry" when
// there is none.
NETLAB_API Result<void> remove(const Netns& ns, const IpAddr& dst, const IfName& dev,
                               bool proxy = false);
// Deletes the matching entries; pass states = kFlushStates to keep PERMANENT and
// NOARP ones, as `ip neigh flush` does. Returns how many were deleted.
// Dumps first, then deletes one by one: not atomic, not rolled back when a
// deletion fails (earlier ones stay deleted); entries gone meanwhile are
// skipped without error.
NETLAB_API Result<int> flush(const Netns& ns, const Filter& filter);

}  // namespace neigh
}  // namespace netlab
