// The kernel's own ARP decisions, as pure functions of state netlab reads
// (addresses, sysctls), so a diagnosis can say what the kernel will do with a
// request before or without seeing it. Each follows net/ipv4/arp.c and
// net/ipv4/devinet.c of this kernel, named below; nothing here touches the
// system.
#pragma once

#include <netlab/addr.hpp>
#include <netlab/export.hpp>
#include <netlab/types.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace netlab::arp {

// What arp_ignore makes of one request: ignored or answered, and why in one
// phrase ("arp_ignore=2: 198.51.100.7 is in no subnet of br0").
struct IgnoreDecision {
  bool ignored = false;
  std::string why;
};

// arp_ignore() of net/ipv4/arp.c for a request from `sip` for `tip` that
// arrives on device `dev` (a bridge port's requests arrive on the bridge).
// `value` is the effective arp_ignore: the larger of conf/all and conf/DEV.
//   0      answer for any local address;
//   1      only if tip is configured on dev;
//   2      only if tip is configured on dev and sip is in the subnet of an
//          address of dev that also holds tip (a routed /32 guest's sender
//          is in none: the host stays silent);
//   3      not for addresses of scope host (any device);
//   4-7    answer (reserved values);
//   8      never answer;
//   others answer, as the kernel's default case.
// `addresses` is the namespace's address list in the kernel's order (only
// IPv4 entries count). The tip being local at all is the caller's check
// (the kernel decides that first, from the local table).
NETLAB_API IgnoreDecision arp_ignore_decision(long value, const std::vector<Address>& addresses, std::string_view dev,
                                              const IpAddr& sip, const IpAddr& tip);

}  // namespace netlab::arp
