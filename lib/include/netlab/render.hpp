// Text and JSON renderings of the netlink models, shared by the CLI and by
// programs built on the library. Text follows iproute2's layout so a person
// who reads `ip` reads netlab at once; JSON uses `ip -j`'s key names. Both
// read the same model structs: there is no second data path.
//
// Every function appends to what the caller passes (a string or a JsonWriter)
// and never fails, allocates no shared state and is safe to call from several
// threads on different outputs. The JSON functions write one object (the
// caller opens and closes the surrounding array, as `ip -j` prints one). The
// text functions append whole lines, newline included. Models come from
// link.hpp, addr.hpp, neigh.hpp and route.hpp; a name the model lacks (a link
// that vanished during the listing) prints as the model holds it.
#pragma once

#include <netlab/addr.hpp>
#include <netlab/export.hpp>
#include <netlab/json.hpp>
#include <netlab/link.hpp>
#include <netlab/neigh.hpp>
#include <netlab/route.hpp>

#include <span>
#include <string>

namespace netlab {

// iproute2's display options; JSON ignores brief and color.
struct RenderOptions {
  bool details = false;  // -d: kind-specific attributes
  bool brief = false;    // -b: one line per object
  bool color = false;    // ANSI colours as `ip -color`
};

// "aa:bb:cc:dd:ee:ff" for any length of link-layer address.
NETLAB_API std::string hw_addr_string(std::span<const std::uint8_t> bytes);

// `ip link show` for one link (details: `ip -d`, kind-specific lines; brief:
// `ip -br`).
NETLAB_API void render_link_text(std::string& out, const Link& link, const RenderOptions& opts);
NETLAB_API void render_link_json(JsonWriter& w, const Link& link, const RenderOptions& opts);

// `ip addr show` layout: the link's header, then each address with its lifetimes.
// addrs are the link's addresses, borrowed for the call (the pointers must be
// valid until it returns); the caller picks and orders them.
NETLAB_API void render_link_addrs_text(std::string& out, const Link& link,
                                       std::span<const Address* const> addrs, const RenderOptions& opts);
NETLAB_API void render_link_addrs_json(JsonWriter& w, const Link& link,
                                       std::span<const Address* const> addrs, const RenderOptions& opts);
// One address as an addr_info object of `ip -j addr`.
NETLAB_API void render_address_json(JsonWriter& w, const Address& a);

// `ip neigh show`: one entry per line.
NETLAB_API void render_neigh_text(std::string& out, const Neighbour& n, const RenderOptions& opts);
NETLAB_API void render_neigh_json(JsonWriter& w, const Neighbour& n, const RenderOptions& opts);

// `ip route show`: one route per line (multipath hops on the lines after).
NETLAB_API void render_route_text(std::string& out, const Route& r, const RenderOptions& opts);
NETLAB_API void render_route_json(JsonWriter& w, const Route& r, const RenderOptions& opts);

}  // namespace netlab
