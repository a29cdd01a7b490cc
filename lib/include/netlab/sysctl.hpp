// Per-namespace sysctl reads under /proc/sys/net. The file is opened inside
// the target namespace (procfs binds /proc/sys/net to the opener's netns).
// Read-only: netlab never writes sysctls. Reading needs no privilege. Each
// call enters the namespace only for the open() and returns to the caller's
// namespace before reading, so it is safe to call from several threads.
//
// Errors: Usage for a malformed key (empty, absolute, or containing ".."),
// NotFound "no such setting in this namespace" when the file does not exist
// (a device that is not there, IPv6 disabled), System errno for other
// open/read failures, and the namespace-entry errors of error.hpp. Objects
// are named "sysctl net.ipv4.conf.eth0.arp_ignore".
#pragma once

#include <netlab/error.hpp>
#include <netlab/netns.hpp>
#include <netlab/types.hpp>

#include <string>
#include <string_view>

namespace netlab::sysctl {

// key relative to /proc/sys/net with '/' separators: "ipv4/conf/eth0/arp_ignore".
// A dotted key ("ipv4.conf.all.rp_filter") is accepted when no part needs a dot.
// Returns the file's text without its trailing newline/spaces (tab-separated
// multi-value files come back as they are).
NETLAB_API Result<std::string> read(const Netns& ns, std::string_view key);
// read() parsed as one decimal number (may be negative); System EINVAL "is
// not a single number" when the text is anything else.
NETLAB_API Result<long> read_int(const Netns& ns, std::string_view key);
// The per-device setting net/{ipv4,ipv6}/conf/DEV/KEY; DEV may be "all" or "default".
// Family::Inet6 reads ipv6/, anything else ipv4/. DEV is used as given (a
// device name with a '.' such as "eth0.100" works: the key holds '/').
NETLAB_API Result<long> read_conf(const Netns& ns, Family family, std::string_view dev,
                                  std::string_view key);

}  // namespace netlab::sysctl
