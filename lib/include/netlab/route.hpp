// Routes: list any table, add, replace, delete, and the kernel's own route
// lookup for one destination (`ip route get`).
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

struct NextHop {
  std::optional<IpAddr> gateway;
  int oif = 0;
  std::string dev;
  std::uint16_t weight = 1;
  std::uint32_t flags = 0;  // RTNH_F_*: onlink, linkdown, dead
};

inline constexpr std::uint32_t kTableMain = 254, kTableLocal = 255, kTableDefault = 253;

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

NETLAB_API std::string route_type_name(std::uint8_t type);
NETLAB_API Result<std::uint8_t> parse_route_type(std::string_view word);
NETLAB_API std::string route_protocol_name(std::uint8_t proto);
NETLAB_API Result<std::uint8_t> parse_route_protocol(std::string_view word);
// "main", "local", "default", or a number; "all" gives 0.
NETLAB_API Result<std::uint32_t> parse_route_table(std::string_view word);

namespace route {

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

NETLAB_API Result<void> for_each(const Netns& ns, const Filter& filter,
                                 const std::function<void(const Route&)>& fn);
NETLAB_API Result<std::vector<Route>> list(const Netns& ns, const Filter& filter = {});

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
  struct Hop {
    std::optional<IpAddr> gateway;
    std::string dev;
    std::uint16_t weight = 1;
    bool onlink = false;
  };
  std::vector<Hop> nexthops;
};
enum class Mode { Add, Replace, Delete };
NETLAB_API Result<void> change(const Netns& ns, const Spec& spec, Mode mode);

struct GetQuery {
  IpAddr dst;
  std::optional<IpAddr> from;
  std::string iif, oif;
};
// The route the kernel picks for dst, as `ip route get` reports it.
NETLAB_API Result<Route> get(const Netns& ns, const GetQuery& query);

}  // namespace route
}  // namespace netlab
