// The DHCP server's pool (dhcp_pool.hpp).
#include "guest/dhcp_pool.hpp"

#include <algorithm>
#include <array>

namespace netlab::guest {
namespace {

std::uint32_t u32(const IpAddr& a) {
  const auto b = a.bytes();
  return std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 | b[3];
}

IpAddr from_u32(std::uint32_t v) {
  const std::array<std::uint8_t, 4> b{static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                                      static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
  return IpAddr::v4(b);
}

}  // namespace

DhcpPool::DhcpPool(const IpAddr& first, const IpAddr& last) : first_(u32(first)), last_(u32(last)) {}

bool DhcpPool::contains(const IpAddr& a) const noexcept {
  if (!a.is_v4()) return false;
  const std::uint32_t v = u32(a);
  return v >= first_ && v <= last_;
}

void DhcpPool::expire(Clock::time_point now) {
  for (auto it = by_mac_.begin(); it != by_mac_.end();) {
    if (it->second.until <= now) {
      by_addr_.erase(it->second.addr);
      it = by_mac_.erase(it);
    } else {
      ++it;
    }
  }
}

bool DhcpPool::free_for(std::uint32_t a, const MacAddr& mac) const {
  const auto it = by_addr_.find(a);
  return it == by_addr_.end() || it->second == mac;
}

std::optional<IpAddr> DhcpPool::offer(const MacAddr& mac, const std::optional<IpAddr>& wanted, Clock::time_point now,
                                      Clock::time_point hold_until) {
  expire(now);
  std::optional<std::uint32_t> pick;
  if (const auto held = by_mac_.find(mac); held != by_mac_.end()) pick = held->second.addr;
  else if (wanted && contains(*wanted) && free_for(u32(*wanted), mac)) pick = u32(*wanted);
  else {
    // The lowest address no entry holds: walk the pool beside the taken ones.
    std::uint32_t a = first_;
    for (auto it = by_addr_.lower_bound(first_); it != by_addr_.end() && it->first == a && a <= last_; ++it) {
      if (a == last_) return std::nullopt;
      ++a;
    }
    if (a > last_ || by_addr_.count(a)) return std::nullopt;
    pick = a;
  }
  Entry& e = by_mac_[mac];
  if (e.addr != *pick) by_addr_.erase(e.addr);
  e.until = std::max(e.until, hold_until);  // a bound lease is never shortened by an offer
  e.addr = *pick;
  by_addr_[*pick] = mac;
  return from_u32(*pick);
}

bool DhcpPool::bind(const MacAddr& mac, const IpAddr& a, Clock::time_point now, Clock::time_point until) {
  expire(now);
  if (!contains(a) || !free_for(u32(a), mac)) return false;
  auto it = by_mac_.find(mac);
  if (it != by_mac_.end() && it->second.addr != u32(a)) {
    by_addr_.erase(it->second.addr);  // the client moved: its old address is free
    by_mac_.erase(it);
  }
  Entry& e = by_mac_[mac];
  e.addr = u32(a);
  e.until = until;
  e.bound = true;
  by_addr_[e.addr] = mac;
  return true;
}

bool DhcpPool::release(const MacAddr& mac, const IpAddr& a) {
  const auto it = by_mac_.find(mac);
  if (it == by_mac_.end() || (a.is_v4() && it->second.addr != u32(a))) return false;
  by_addr_.erase(it->second.addr);
  by_mac_.erase(it);
  return true;
}

std::optional<IpAddr> DhcpPool::held_by(const MacAddr& mac, Clock::time_point now) const {
  const auto it = by_mac_.find(mac);
  if (it == by_mac_.end() || it->second.until <= now) return std::nullopt;
  return from_u32(it->second.addr);
}

std::size_t DhcpPool::in_use(Clock::time_point now) const {
  std::size_t n = 0;
  for (const auto& [mac, e] : by_mac_) n += e.until > now;
  return n;
}

}  // namespace netlab::guest
