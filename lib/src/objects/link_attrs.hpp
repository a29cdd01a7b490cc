// Internal: RTM_NEWLINK message -> Link, and the nested IFLA_INFO_DATA /
// IFLA_INFO_SLAVE_DATA attribute streams -> BridgeInfo, TunInfo and
// BridgePortInfo. Pure conversion (no socket), kept apart from link.cpp so
// the fuzz targets (fuzz/fuzz_netlink_attrs.cpp) can feed it hostile bytes.
#pragma once

#include <netlab/link.hpp>

#include <optional>

#include <linux/netlink.h>

struct nlattr;

namespace netlab::link::detail {

// nullptr, or a nested attribute whose payload is read as an attribute stream.
BridgeInfo parse_bridge(const nlattr* data);
BridgePortInfo parse_bridge_port(const nlattr* data);
TunInfo parse_tun(const nlattr* data);
VxlanInfo parse_vxlan(const nlattr* data);
// nullopt unless h is an RTM_NEWLINK long enough for its ifinfomsg. h must
// cover h->nlmsg_len bytes (the caller has checked it, as libnl's receive does).
std::optional<Link> parse_link(const nlmsghdr* h);

}  // namespace netlab::link::detail
