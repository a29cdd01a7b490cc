// Addresses: list, add, replace, delete and flush, IPv4 and IPv6.
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

inline constexpr std::uint32_t kForever = 0xffffffffu;

struct NETLAB_API Address {
  int index = 0;
  std::string dev;
  Prefix local;                   // IFA_LOCAL (IFA_ADDRESS when there is no local)
  std::optional<IpAddr> peer;     // point-to-point peer, when it differs from local
  std::optional<IpAddr> broadcast;
  std::uint8_t scope = 0;
  std::string label;
  std::uint32_t flags = 0;        // IFA_F_*
  std::uint32_t valid_lft = kForever;
  std::uint32_t preferred_lft = kForever;

  Family family() const noexcept { return local.family(); }
  // iproute2's words for the flags it prints: "secondary", "tentative", ...
  std::vector<std::string> flag_names() const;
};

namespace addr {

struct Filter {
  std::string dev;
  Family family = Family::Unspec;
  std::optional<std::uint8_t> scope;
  std::uint32_t flags_set = 0;    // only addresses with all these IFA_F_* bits
  std::uint32_t flags_clear = 0;  // only addresses with none of these
  bool permanent_only = false, dynamic_only = false;
};

NETLAB_API Result<void> for_each(const Netns& ns, const Filter& filter,
                                 const std::function<void(const Address&)>& fn);
NETLAB_API Result<std::vector<Address>> list(const Netns& ns, const Filter& filter = {});

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
NETLAB_API Result<void> add(const Netns& ns, const Spec& spec);
NETLAB_API Result<void> replace(const Netns& ns, const Spec& spec);
NETLAB_API Result<void> remove(const Netns& ns, const Prefix& prefix, const IfName& dev);
// Deletes every address on dev that matches the filter; returns how many.
NETLAB_API Result<int> flush(const Netns& ns, const Filter& filter);

}  // namespace addr
}  // namespace netlab
