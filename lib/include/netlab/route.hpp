// Routes: list any table, add, replace, delete, and the kernel's own route
// lookup for one destination (`ip route get`).
//
// Every call opens its own rtnetlink socket in `ns` and closes it; results
// are snapshots the caller owns. Listing and get() need no privilege;
// change() needs CAP_NET_ADMIN (Netlink EPERM with the hint "needs
// CAP_NET_ADMIN: run as root"). Besides the errors below every call can
// return the common errors of error.hpp, and NotFound "link DEV: no such
// device" for a device named in a filter, spec or query that does not exist.
// Objects are named "route 192.0.2.0/24 [table N]" or "route to ADDR".
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

// One hop of a multipath route (RTA_MULTIPATH).
struct NextHop {
  std::optional<IpAddr> gateway;
  int oif = 0;
  std::string dev;
  std::uint16_t weight = 1;
  std::uint32_t flags = 0;  // RTNH_F_*: onlink, linkdown, dead
};

inline constexpr std::uint32_t kTableMain = 254, kTableLocal = 255, kTableDefault = 253;

// One route as the kernel reports it (RTM_NEWROUTE); a plain value.
struct NETLAB_API Route {
  Family family = Family::Unspec;
  std::uint8_t type = 1;       // RTN_UNICAST
  Prefix dst;                  // len 0: default
  std::optional<Prefix> src;   // source-specific routing (IPv6 "from")
  std::optional<IpAddr> prefsrc;
  std::uint32_t table = kTableMain;
  std::uint8_t protocol = 0;
  std::uint8_t scope = 0;
  std::uint8_t tos = 0;
  std::uint32_t flags = 0;     // rtm_flags | first hop's RTNH_F_* (linkdown, onlink)
  std::optional<std::uint32_t> metric;
  std::optional<std::uint32_t> mtu;
  std::optional<std::uint32_t> hoplimit;   // RTAX_HOPLIMIT: a router advertisement's hop limit
  std::optional<std::uint32_t> expires_s;  // RTA_CACHEINFO: seconds left (routes learned from RAs)
  std::optional<std::uint32_t> pref;  // IPv6 router preference
  std::optional<IpAddr> gateway;
  int oif = 0;
  std::string dev;
  std::vector<NextHop> nexthops;  // multipath; empty for a single hop

  bool is_default() const noexcept { return dst.len() == 0; }
  std::string type_name() const;      // "unicast", "local", ...
  std::string protocol_name() const;  // "kernel", "boot", "static", ...
  std::string table_name() const;     // "main", "local", or the number
  std::vector<std::string> flag_names() const;  // "onlink", "linkdown", ...
};

// iproute2's words for RTN_* types ("unicast", "blackhole", ...) and back;
// parse errors are Usage naming the word. Unknown values print as numbers.
NETLAB_API std::string route_type_name(std::uint8_t type);
NETLAB_API Result<std::uint8_t> parse_route_type(std::string_view word);
// The same for RTPROT_* ("kernel", "boot", "static", "dhcp", ...); parse also
// takes a number 0-255.
NETLAB_API std::string route_protocol_name(std::uint8_t proto);
NETLAB_API Result<std::uint8_t> parse_route_protocol(std::string_view word);
// "main", "local", "default", or a number; "all" gives 0.
// Usage for anything else.
NETLAB_API Result<std::uint32_t> parse_route_table(std::string_view word);

namespace route {

// What to list; the tests are done here, on the dump of every table.
struct Filter {
  Family family = Family::Unspec;
  std::uint32_t table = kTableMain;  // 0: every table
  std::optional<std::uint8_t> type;
  std::string dev;
  std::optional<std::uint8_t> protocol;
  std::optional<std::uint8_t> scope;
  std::optional<IpAddr> via;
  std::optional<Prefix> dst;  // exact destination
};

// Calls fn for each matching route while the dump streams in, on the
// calling thread; the reference is valid only during the call. Filter.dst is
// compared after clearing its host bits. An interrupted dump is not retried
// (EAGAIN after fn saw part of it).
NETLAB_API Result<void> for_each(const Netns& ns, const Filter& filter,
                                 const std::function<void(const Route&)>& fn);
// for_each() collected into a vector the caller owns. Same errors.
NETLAB_API Result<std::vector<Route>> list(const Netns& ns, const Filter& filter = {});

// A route to add, replace or delete, as `ip route` takes it. Scope defaults
// as iproute2's: host for local routes, link for broadcast/multicast/anycast
// and for a unicast route without gateway, else global.
struct Spec {
  std::uint8_t type = 1;
  Prefix dst;
  std::optional<IpAddr> gateway;
  std::string dev;
  std::optional<IpAddr> prefsrc;
  std::optional<std::uint32_t> metric;
  std::uint32_t table = kTableMain;
  std::uint8_t protocol = 3;  // RTPROT_BOOT, what `ip route add` uses
  std::optional<std::uint8_t> scope;
  bool onlink = false;
  // One hop of a multipath route; non-empty nexthops replace gateway/dev.
  struct Hop {
    std::optional<IpAddr> gateway;
    std::string dev;
    std::uint16_t weight = 1;
    bool onlink = false;
  };
  std::vector<Hop> nexthops;
};
enum class Mode { Add, Replace, Delete };
// One RTM_NEWROUTE/RTM_DELROUTE: the kernel applies it whole or not at all.
// Usage before anything is sent: a gateway, source or nexthop gateway of
// another family, host bits set in dst ("did you mean ...?"), a nexthop
// weight outside 1-256. Add: Netlink EEXIST "already exists (use replace)".
// Delete: NotFound "no such route" (ESRCH); a unicast spec matches a route of
// any type. ENETUNREACH carries the hint that the gateway is not reachable
// through any connected route; other refusals carry the kernel's extack.
NETLAB_API Result<void> change(const Netns& ns, const Spec& spec, Mode mode);

// What to ask the kernel's lookup: the destination, and optionally a source,
// an input device (as if received there) and an output device.
struct GetQuery {
  IpAddr dst;
  std::optional<IpAddr> from;
  std::string iif, oif;
};
// The route the kernel picks for dst, as `ip route get` reports it.
// Usage when `from` is of another family. Netlink ENETUNREACH ("Network is
// unreachable") when no route matches, and the kernel's other refusals with
// their errno; System EBADMSG when the kernel's answer held no route.
NETLAB_API Result<Route> get(const Netns& ns, const GetQuery& query);

}  // namespace route
}  // namespace netlab
