// Internal: what probe and rs share before they talk on the wire: the
// interface checks, the choice of a source address, the receiving socket,
// and the receiver's validity checks of RFC 4861 7.1 that decide whether the kernel would even
// look at an advertisement.
#pragma once

#include <netlab/addr.hpp>
#include <netlab/frames.hpp>
#include <netlab/link.hpp>
#include <netlab/linkio.hpp>
#include <netlab/netns.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace netlab::ndp::detail {

// The interface, which must be Ethernet (a MAC to send from) and up.
Result<Link> ethernet_link_up(const Netns& ns, std::string_view iface);

// The interface's IPv6 addresses the kernel would send from: DAD passed
// (or optimistic), not failed.
Result<std::vector<Address>> usable_addresses(const Netns& ns, std::string_view iface);

// The usable address that suits `target` best: same scope class (link-local
// or not) first, then the longest common prefix. "::" when there is none.
IpAddr pick_source(const std::vector<Address>& usable, const IpAddr& target);

// A packet socket on `iface` that receives the ICMPv6 arriving there (not
// what we send). Open it before sending, so an answer that comes at once is
// not missed.
Result<LinkTap> open_icmp6_receiver(const Netns& ns, std::string_view iface);

// Why a receiver drops this ICMPv6 neighbour-discovery message
// (RFC 4861 7.1.1, 7.1.2): empty when it would accept it.
std::vector<std::string> validity_problems(const frames::Parsed& p);

}  // namespace netlab::ndp::detail
