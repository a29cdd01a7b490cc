// Text and JSON renderings of the netlink models, shared by the CLI and by
// programs built on the library. Text follows iproute2's layout so a person
// who reads `ip` reads netlab at once; JSON uses `ip -j`'s key names. Each
// renderer writes every field once through a Printer (printer.hpp), which
// makes it text or JSON: the two cannot drift apart.
//
// Every function appends to what the caller passes and never fails, allocates
// no shared state and is safe to call from several threads on different
// outputs. In JSON a render_ function writes one object (the caller opens and
// closes the surrounding array, as `ip -j` prints one); in text it appends
// whole lines, newline included. The _text/_json forms are the same
// renderers over a string or a JsonWriter. Models come from
// link.hpp, addr.hpp, neigh.hpp and route.hpp; a name the model lacks (a link
// that vanished during the listing) prints as the model holds it.
#pragma once

#include <netlab/addr.hpp>
#include <netlab/bridge.hpp>
#include <netlab/export.hpp>
#include <netlab/json.hpp>
#include <netlab/link.hpp>
#include <netlab/neigh.hpp>
#include <netlab/printer.hpp>
#include <netlab/route.hpp>
#include <netlab/sockets.hpp>
#include <netlab/tuntap.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace netlab {

// iproute2's display options; JSON ignores brief and color.
struct RenderOptions {
  bool details = false;  // -d: kind-specific attributes
  bool brief = false;    // -b: one line per object
  bool color = false;    // ANSI colours as `ip -color`
  std::string netns_arg;  // -n as the user gave it: hints that name a command carry it
};

// "aa:bb:cc:dd:ee:ff" for any length of link-layer address.
NETLAB_API std::string hw_addr_string(std::span<const std::uint8_t> bytes);

// A neighbour state as the words of its bits ("REACHABLE"; "NONE" for 0),
// as ip -j neigh's "state" array.
NETLAB_API std::vector<std::string> nud_state_words(std::uint16_t state);

// `ip link show` for one link (details: `ip -d`, kind-specific lines; brief:
// `ip -br`).
NETLAB_API void render_link(Printer& p, const Link& link, const RenderOptions& opts);
NETLAB_API void render_link_text(std::string& out, const Link& link, const RenderOptions& opts);
NETLAB_API void render_link_json(JsonWriter& w, const Link& link, const RenderOptions& opts);

// `ip addr show` layout: the link's header, then each address with its lifetimes.
// addrs are the link's addresses, borrowed for the call (the pointers must be
// valid until it returns); the caller picks and orders them.
NETLAB_API void render_link_addrs(Printer& p, const Link& link, std::span<const Address* const> addrs,
                                  const RenderOptions& opts);
NETLAB_API void render_link_addrs_text(std::string& out, const Link& link,
                                       std::span<const Address* const> addrs, const RenderOptions& opts);
NETLAB_API void render_link_addrs_json(JsonWriter& w, const Link& link,
                                       std::span<const Address* const> addrs, const RenderOptions& opts);
// One address: an addr_info object of `ip -j addr`, or its two text lines.
NETLAB_API void render_address(Printer& p, const Address& a);
NETLAB_API void render_address_json(JsonWriter& w, const Address& a);

// `ip neigh show`: one entry per line.
NETLAB_API void render_neigh(Printer& p, const Neighbour& n, const RenderOptions& opts);
NETLAB_API void render_neigh_text(std::string& out, const Neighbour& n, const RenderOptions& opts);
NETLAB_API void render_neigh_json(JsonWriter& w, const Neighbour& n, const RenderOptions& opts);

// `ip route show`: one route per line (multipath hops on the lines after).
NETLAB_API void render_route(Printer& p, const Route& r, const RenderOptions& opts);
NETLAB_API void render_route_text(std::string& out, const Route& r, const RenderOptions& opts);
NETLAB_API void render_route_json(JsonWriter& w, const Route& r, const RenderOptions& opts);

// `bridge show` (brctl's table): the heading line (text only), then one
// bridge with its ports; a MAC inherited from a port gets a line saying how
// to fix it (the command carries opts.netns_arg).
NETLAB_API void render_bridge_heading(Printer& p);
NETLAB_API void render_bridge(Printer& p, const bridge::View& v, const RenderOptions& opts);
// `bridge showmacs`: the heading line (text only), then one entry per line.
NETLAB_API void render_fdb_heading(Printer& p);
NETLAB_API void render_fdb(Printer& p, const bridge::FdbEntry& e);
// One `bridge fdb show` line: "00:00:00:00:00:00 dev vx0 dst 198.51.100.2
// self permanent"; JSON with `bridge -j fdb`'s keys. with_dev false leaves
// "dev NAME" out of the text, as `bridge fdb show dev NAME` does.
NETLAB_API void render_fdb_record(Printer& p, const bridge::FdbRecord& e, bool with_dev = true);
// `bridge showstp`: the bridge's STP state, then each port's.
NETLAB_API void render_bridge_stp(Printer& p, const bridge::View& v);

// `tap show`: one device, its flags, addresses and the processes holding it.
NETLAB_API void render_tap(Printer& p, const Tap& t);
// `tap create`: one created device, as tunctl reports it (brief: the name).
NETLAB_API void render_tap_created(Printer& p, const std::string& name, const tap::Spec& spec, bool brief);

// `socket show` (`ss -ulpn`'s columns): one socket per line, its local
// address:port, bound device, peer, uid, inode and the processes holding it.
NETLAB_API void render_socket_heading(Printer& p);
NETLAB_API void render_socket(Printer& p, const InetSocket& s);

}  // namespace netlab
