// Per-namespace sysctl reads under /proc/sys/net. The file is opened inside
// the target namespace (procfs binds /proc/sys/net to the opener's netns).
#pragma once

#include <netlab/error.hpp>
#include <netlab/netns.hpp>
#include <netlab/types.hpp>

#include <string>
#include <string_view>

namespace netlab::sysctl {

// key relative to /proc/sys/net with '/' separators: "ipv4/conf/eth0/arp_ignore".
// A dotted key ("ipv4.conf.all.rp_filter") is accepted when no part needs a dot.
NETLAB_API Result<std::string> read(const Netns& ns, std::string_view key);
NETLAB_API Result<long> read_int(const Netns& ns, std::string_view key);
// The per-device setting net/{ipv4,ipv6}/conf/DEV/KEY; DEV may be "all" or "default".
NETLAB_API Result<long> read_conf(const Netns& ns, Family family, std::string_view dev,
                                  std::string_view key);

}  // namespace netlab::sysctl
