// Text and JSON renderings of the netlink models, shared by the CLI and by
// programs built on the library. Text follows iproute2's layout so a person
// who reads `ip` reads netlab at once; JSON uses `ip -j`'s key names. Both
// read the same model structs: there is no second data path.
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

struct RenderOptions {
  bool details = false;  // -d: kind-specific attributes
  bool brief = false;    // -b: one line per object
  bool color = false;    // ANSI colours as `ip -color`
};

// "aa:bb:cc:dd:ee:ff" for any length of link-layer address.
NETLAB_API std::string hw_addr_string(std::span<const std::uint8_t> bytes);

NETLAB_API void render_link_text(std::string& out, const Link& link, const RenderOptions& opts);
NETLAB_API void render_link_json(JsonWriter& w, const Link& link, const RenderOptions& opts);

// `ip addr show` layout: the link's header, then each address with its lifetimes.
NETLAB_API void render_link_addrs_text(std::string& out, const Link& link,
                                       std::span<const Address* const> addrs, const RenderOptions& opts);
NETLAB_API void render_link_addrs_json(JsonWriter& w, const Link& link,
                                       std::span<const Address* const> addrs, const RenderOptions& opts);
NETLAB_API void render_address_json(JsonWriter& w, const Address& a);

NETLAB_API void render_neigh_text(std::string& out, const Neighbour& n, const RenderOptions& opts);
NETLAB_API void render_neigh_json(JsonWriter& w, const Neighbour& n, const RenderOptions& opts);

NETLAB_API void render_route_text(std::string& out, const Route& r, const RenderOptions& opts);
NETLAB_API void render_route_json(JsonWriter& w, const Route& r, const RenderOptions& opts);

}  // namespace netlab
