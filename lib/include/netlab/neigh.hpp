// Neighbours (the ARP and NDP caches): list, add, replace, change, delete, flush.
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
  bool is_router() const noexcept;
  bool is_proxy() const noexcept;
  std::optional<MacAddr> mac() const;
};

namespace neigh {

// Filter masks are NUD_* bits plus kStateNone for entries in no state at all.
inline constexpr std::uint16_t kStateNone = 0x100;
inline constexpr std::uint16_t kAllStates = 0x1ff;
inline constexpr std::uint16_t kDefaultStates = 0xff & ~NudNoarp;  // what `ip neigh` shows
inline constexpr std::uint16_t kFlushStates = 0xff & ~(NudNoarp | NudPermanent);

struct Filter {
  std::string dev;
  Family family = Family::Unspec;
  std::uint16_t states = kDefaultStates;  // kAllStates: every entry, NOARP included
  bool proxy = false;                     // list proxy entries instead
  std::optional<Prefix> to;               // only destinations inside this prefix
};

NETLAB_API Result<void> for_each(const Netns& ns, const Filter& filter,
                                 const std::function<void(const Neighbour&)>& fn);
NETLAB_API Result<std::vector<Neighbour>> list(const Netns& ns, const Filter& filter = {});

enum class Mode { Add, Replace, Change };
struct Spec {
  IpAddr dst;
  IfName dev;
  std::optional<MacAddr> lladdr;
  std::uint16_t state = NudPermanent;
  bool router = false;
  bool proxy = false;
};
NETLAB_API Result<void> add(const Netns& ns, const Spec& spec, Mode mode = Mode::Add);
NETLAB_API Result<void> remove(const Netns& ns, const IpAddr& dst, const IfName& dev,
                               bool proxy = false);
// Deletes the matching entries; pass states = kFlushStates to keep PERMANENT and
// NOARP ones, as `ip neigh flush` does. Returns how many were deleted.
NETLAB_API Result<int> flush(const Netns& ns, const Filter& filter);

}  // namespace neigh
}  // namespace netlab
