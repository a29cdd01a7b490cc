// Internal: the per-device IPv6 settings of every link (or one), from one
// RTM_GETLINK exchange, with /proc/sys/net/ipv6/conf read only for values
// the kernel did not export over netlink.
#pragma once

#include <netlab/ndp.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace netlab::ndp::detail {

struct Inet6Link {
  int index = 0;
  std::string name;
  Inet6Settings settings;
};

// dev empty: every link. A dev that does not exist is a NotFound error.
Result<std::vector<Inet6Link>> read_inet6(const Netns& ns, std::string_view dev);

}  // namespace netlab::ndp::detail
