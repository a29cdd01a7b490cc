// The DHCP server's address pool (dhcp_server.cpp): which client MAC holds
// which address, offered or bound, until when. Pure (no I/O, the time is
// passed in) so the unit tests drive it directly. Memory is bounded by the
// pool: every entry holds one of its addresses (validate() caps the pool at
// 65536 addresses).
#pragma once

#include <netlab/types.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>

namespace netlab::guest {

class DhcpPool {
 public:
  using Clock = std::chrono::steady_clock;

  // `first`..`last` inclusive, IPv4, first <= last (validate() checks).
  DhcpPool(const IpAddr& first, const IpAddr& last);

  bool contains(const IpAddr& a) const noexcept;
  // The address to offer `mac` (held for it until `hold_until`): the one it
  // already holds, else `wanted` when free and in the pool, else the lowest
  // free one. nullopt when every address is held by other MACs.
  std::optional<IpAddr> offer(const MacAddr& mac, const std::optional<IpAddr>& wanted, Clock::time_point now,
                              Clock::time_point hold_until);
  // Binds `a` to `mac` until `until`: false when `a` is outside the pool or
  // held by another MAC.
  bool bind(const MacAddr& mac, const IpAddr& a, Clock::time_point now, Clock::time_point until);
  // Frees `mac`'s hold on `a` (RELEASE, or an offer the client declined by
  // choosing another server: `a` unspecified frees whatever it holds).
  // false when it held nothing matching.
  bool release(const MacAddr& mac, const IpAddr& a = IpAddr());
  // The address `mac` holds (offered or bound) at `now`.
  std::optional<IpAddr> held_by(const MacAddr& mac, Clock::time_point now) const;
  // Live entries (offered or bound) at `now`.
  std::size_t in_use(Clock::time_point now) const;

 private:
  struct Entry {
    std::uint32_t addr = 0;
    Clock::time_point until{};
    bool bound = false;
  };
  void expire(Clock::time_point now);
  bool free_for(std::uint32_t a, const MacAddr& mac) const;

  std::uint32_t first_, last_;
  std::map<MacAddr, Entry> by_mac_;
  std::map<std::uint32_t, MacAddr> by_addr_;
};

}  // namespace netlab::guest
