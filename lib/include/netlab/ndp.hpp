// IPv6 neighbour discovery tools. inspect reads what the kernel knows about
// IPv6 on each interface (neighbours with their states explained, addresses
// with their DAD and lifetime flags, the per-device settings that decide
// SLAAC) and names the causes the settings alone point at; probe does
// ndisc6's job (a neighbour solicitation, every advertisement reported, the
// missing target link-layer address called out); rs does rdisc6's job (a
// router solicitation, every router advertisement decoded).
//
// settings() and inspect() only read (no privilege): netlink first, then
// /proc/sys/net/ipv6/conf inside `ns` for what netlink lacks. probe() and rs()
// send and capture frames through LinkTaps (linkio.hpp), so they need
// CAP_NET_RAW in `ns` (Pcap EPERM with the CAP_NET_RAW hint); they block
// until done, and refuse before sending anything: Usage for a malformed
// interface name or a non-Ethernet interface, NotFound when it does not
// exist, System ENETDOWN "is down" (hint: bring it up) for a link that is
// down. Every call can also return the common errors of error.hpp. All
// results are plain values the caller owns; callbacks run on the calling
// thread, inside the call, and their references are valid during the call
// only. Frames are built and parsed with frames6.hpp.
#pragma once

#include <netlab/addr.hpp>
#include <netlab/error.hpp>
#include <netlab/export.hpp>
#include <netlab/neigh.hpp>
#include <netlab/netns.hpp>
#include <netlab/types.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netlab {
class Printer;         // <netlab/printer.hpp>
struct RenderOptions;  // <netlab/render.hpp>
}  // namespace netlab

namespace netlab::ndp {

// ---- per-device IPv6 settings ----------------------------------------------

// Where a setting's value came from. The kernel exports most per-device
// IPv6 knobs in IFLA_AF_SPEC/AF_INET6 (IFLA_INET6_CONF, an array indexed by
// DEVCONF_*); /proc/sys/net/ipv6/conf is read only for what that lacks.
enum class SettingSource : std::uint8_t { Netlink, Sysctl, Unavailable };
NETLAB_API std::string_view setting_source_name(SettingSource s) noexcept;  // "netlink", "sysctl", "unavailable"

// One setting's value and where it was read; value is empty when neither
// netlink nor the sysctl file had it (source Unavailable).
struct Setting {
  std::optional<std::int64_t> value;
  SettingSource source = SettingSource::Unavailable;
  bool is(std::int64_t v) const noexcept { return value && *value == v; }
};

// IFLA_INET6_ADDR_GEN_MODE / addr_gen_mode: how the link-local (and SLAAC)
// interface identifier is formed.
enum AddrGenMode : std::uint8_t {
  AddrGenEui64 = 0,
  AddrGenNone = 1,          // no automatic link-local address at all (cause no-link-local)
  AddrGenStableSecret = 2,  // RFC 7217 stable privacy from stable_secret
  AddrGenRandom = 3,        // stable privacy from a random secret
};
// iproute2's words: "eui64", "none", "stable_secret", "random"; a number otherwise.
NETLAB_API std::string addr_gen_mode_name(std::int64_t mode);

// The IPv6 state the kernel keeps for one link (what `sysctl net.ipv6.conf.DEV`
// and `ip -6 -d link` would tell); a plain value.
struct NETLAB_API Inet6Settings {
  // False when the kernel keeps no IPv6 state for the link (no AF_INET6 in
  // IFLA_AF_SPEC): IPv6 is off there, e.g. because the MTU is below 1280.
  bool present = false;

  // The settings that decide whether SLAAC and DAD run.
  Setting disable_ipv6, forwarding, accept_ra, autoconf, accept_dad, addr_gen_mode;
  // Finer knobs that change what an accepted RA does, and NDP behaviour.
  Setting accept_ra_defrtr, accept_ra_pinfo, dad_transmits, optimistic_dad, rtr_solicits, use_tempaddr,
      proxy_ndp, force_tllao, mtu, hop_limit;

  // IFLA_INET6_FLAGS: the kernel's neighbour-discovery state for the link.
  std::optional<std::uint32_t> ndisc_flags;
  bool rs_sent() const noexcept;         // IF_RS_SENT: the kernel solicited routers
  bool ra_received() const noexcept;     // IF_RA_RCVD: an RA was received and accepted
  bool ra_managed() const noexcept;      // M flag of the last accepted RA
  bool ra_other_config() const noexcept; // O flag of the last accepted RA
  bool ready() const noexcept;           // IF_READY: the link is up for IPv6
  // IFLA_INET6_CACHEINFO: the neighbour timers in use (ms).
  std::optional<std::uint32_t> reachable_time_ms, retrans_time_ms;
  std::optional<IpAddr> token;            // IFLA_INET6_TOKEN, when not ::
  std::optional<std::uint32_t> ra_mtu;    // IFLA_INET6_RA_MTU, the MTU an RA announced

  // Whether the kernel acts on router advertisements: ipv6_accept_ra()
  // takes accept_ra=1 only while forwarding is 0, accept_ra=2 always.
  // nullopt when a value is unknown.
  std::optional<bool> accepts_ra() const noexcept;

  // Every setting with its sysctl name, in a fixed order: the single list
  // that the renderers and tests walk.
  template <typename F>
  void for_each(F&& f) const {
    f("disable_ipv6", disable_ipv6);
    f("forwarding", forwarding);
    f("accept_ra", accept_ra);
    f("autoconf", autoconf);
    f("accept_dad", accept_dad);
    f("addr_gen_mode", addr_gen_mode);
    f("accept_ra_defrtr", accept_ra_defrtr);
    f("accept_ra_pinfo", accept_ra_pinfo);
    f("dad_transmits", dad_transmits);
    f("optimistic_dad", optimistic_dad);
    f("router_solicitations", rtr_solicits);
    f("use_tempaddr", use_tempaddr);
    f("proxy_ndp", proxy_ndp);
    f("force_tllao", force_tllao);
    f("mtu", mtu);
    f("hop_limit", hop_limit);
  }
  // The number of settings for_each() visits that are "main" (shown without -d).
  static constexpr int kMainSettings = 6;
};

// The IPv6 settings of one interface; NotFound when it does not exist.
// A setting missing from netlink and from /proc stays Unavailable rather than
// failing the call.
NETLAB_API Result<Inet6Settings> settings(const Netns& ns, std::string_view dev);

// ---- inspect -----------------------------------------------------------------

// A cause the kernel's state alone points at: an id from the diagnosis
// catalogue (CAUSES.md), what it is about and one or two sentences with the fix.
struct Hint {
  std::string cause;    // "ra-ignored", "dad-failed", ...
  std::string subject;  // "forwarding=1, accept_ra=1", "address 2001:db8::2/64", "neighbour fe80::1"
  std::string text;
};

// An IPv6 address of the interface, with its state in words.
struct AddressRow {
  Address address;          // as the kernel reports it (flags, lifetimes)
  std::string explanation;  // the address's state in a phrase
};

// An IPv6 neighbour entry of the interface, with its state in words.
struct NeighbourRow {
  Neighbour entry;
  std::string explanation;  // see state_explanation()
};

// Everything inspect() knows about one interface's IPv6; a plain value.
struct NETLAB_API InterfaceReport {
  int index = 0;
  std::string name;
  std::string kind;    // "bridge", "veth", "tun", ...
  std::string master;  // the bridge of a bridge port, else ""
  unsigned flags = 0;  // IFF_*
  std::uint8_t operstate = 0;
  std::optional<bool> carrier;
  std::uint32_t mtu = 0;
  std::optional<MacAddr> mac;
  Inet6Settings settings;
  std::vector<AddressRow> addresses;    // IPv6 only
  std::vector<NeighbourRow> neighbours; // IPv6 unicast destinations, every state
  std::vector<Hint> hints;

  bool is_up() const noexcept;
  bool no_carrier() const noexcept;  // up but not running (iproute2's NO-CARRIER)
  bool is_loopback() const noexcept;
  bool has_link_local() const noexcept;  // an fe80::/10 address, whatever its state
};

// Every interface (or only `dev`; NotFound when it does not exist), ordered
// by index, with its IPv6 addresses, neighbours, settings and hints.
// Links, addresses, neighbours and settings are separate snapshots, not one
// atomic view: an interface changing meanwhile may look inconsistent.
NETLAB_API Result<std::vector<InterfaceReport>> inspect(const Netns& ns, std::string_view dev = {});
// `ndp inspect`'s output for one interface: in text its line, settings (all
// of them with opts.details), tables of addresses and neighbours, then the
// hints; in JSON one object (ip -j addr's keys for the addresses).
NETLAB_API void render_inspect(Printer& p, const InterfaceReport& r, const RenderOptions& opts);

// One phrase per NUD state, in NDP's terms. For several bits the most
// telling one is explained.
NETLAB_API std::string_view state_explanation(std::uint16_t nud_state) noexcept;

// ---- probe (ndisc6) ------------------------------------------------------------

// What to solicit; only interface and target have no default.
struct ProbeOptions {
  std::string interface;
  IpAddr target;
  // Default: the interface's usable address that shares the longest prefix
  // with the target (its link-local for a link-local target); "::" when it
  // has none, which makes the solicitation a DAD-style probe (no SLLA, the
  // answer goes to all-nodes).
  std::optional<IpAddr> source;
  unsigned count = 3;  // solicitations, one a second, until a usable answer
  // How long to listen in all; default: count × interval.
  std::optional<std::chrono::milliseconds> deadline;
  std::chrono::milliseconds interval{1000};
  // Unicast NS to the target's address and the MAC from the kernel's
  // neighbour entry (the kernel's own reachability probe) instead of one to
  // the solicited-node group.
  bool unicast = false;
  std::function<bool()> stop;  // polled; true ends the probe (SIGINT)
};

// One neighbour advertisement for the target, as seen on the wire.
struct NETLAB_API Advert {
  IpAddr source;             // IPv6 source of the NA
  IpAddr destination;        // our address, or ff02::1 for an answer to ::
  MacAddr eth_src;
  IpAddr target;
  bool router = false, solicited = false, override_flag = false;
  std::optional<MacAddr> tlla;  // the target link-layer address option
  std::uint8_t hop_limit = 0;
  unsigned probe = 0;        // 1-based number of the solicitation it answers (the latest sent)
  double rtt_ms = 0;         // capture time minus the clock read just before sending
  double time = 0;           // capture timestamp, seconds since the epoch
  // Why a receiver would drop it (RFC 4861 7.1.2): "hop limit 64, not 255", ...
  std::vector<std::string> problems;

  // The kernel can resolve the target from it: valid, and with a target
  // link-layer address (or, answering a unicast probe, for an entry that
  // already has one).
  bool usable(bool unicast_probe) const noexcept;
};

// Everything a probe sent and saw.
struct NETLAB_API ProbeResult {
  std::string interface;
  IpAddr target;
  IpAddr source;
  MacAddr source_mac;
  IpAddr destination;        // solicited-node group, or the target with -u
  MacAddr destination_mac;
  bool unicast = false;
  unsigned sent = 0;
  std::vector<Advert> adverts;  // every NA for the target, in arrival order
  bool interrupted = false;

  // A usable advertisement came (exit status 0).
  bool answered() const noexcept;
  // Some NA came, none usable, at least one without the target link-layer
  // address: the kernel cannot resolve from it (cause na-without-tlla).
  bool only_without_tlla() const noexcept;
};

// Progress reports (ndisc6's lines); optional, on the calling thread.
struct ProbeCallbacks {
  std::function<void(const ProbeResult&)> started;  // source and destination known, nothing sent yet
  std::function<void(const Advert&, const ProbeResult&)> advert;  // each NA as it arrives
};

// Usage errors (target not IPv6 unicast, bad source, zero count, -u without
// a neighbour entry to take the MAC from) come back before anything is sent.
// No answer is not an error: see ProbeResult::answered().
NETLAB_API Result<ProbeResult> probe(const Netns& ns, const ProbeOptions& options,
                                     const ProbeCallbacks& callbacks = {});

// `ndp probe`'s output, as ndisc6 prints it. Text: render_probe_start() when
// the probe starts ("NS for ..."; source_chosen: no -s was given, so a ::
// source is explained), render_advert() for each advertisement as it comes,
// render_probe() the summary. JSON: the first two write nothing,
// render_probe() the whole result with every advertisement.
NETLAB_API void render_probe_start(Printer& p, const ProbeResult& r, bool source_chosen);
NETLAB_API void render_advert(Printer& p, const Advert& a, const ProbeResult& r);
NETLAB_API void render_probe(Printer& p, const ProbeResult& r);

// ---- rs (rdisc6) ------------------------------------------------------------------

// How long to listen for router advertisements after one solicitation.
struct RsOptions {
  std::string interface;
  std::chrono::milliseconds wait{3000};  // listen this long after the RS
  bool single = false;                   // stop at the first RA
  std::function<bool()> stop;
};

// A prefix information option of an RA, with what SLAAC does with it.
struct PrefixRow {
  Prefix prefix;
  bool on_link = false, autonomous = false, router_address = false;
  std::uint32_t valid_lifetime = 0, preferred_lifetime = 0;  // seconds, 0xffffffff infinity
  // What SLAAC does with it: "SLAAC forms an address", "no SLAAC: prefix
  // length 56, not 64 (cause ra-prefix-not-64)", ...
  std::string note;
  std::string cause;  // "ra-prefix-not-64" when the note names one
};

// A recursive DNS server option (RFC 8106) of an RA.
struct RdnssRow {
  std::uint32_t lifetime = 0;
  std::vector<IpAddr> servers;
};

// One router advertisement, decoded.
struct NETLAB_API RouterAdvertRow {
  IpAddr source;       // the router's link-local address
  IpAddr destination;  // ff02::1 or our address
  MacAddr eth_src;
  std::optional<MacAddr> slla;
  std::uint8_t ip_hop_limit = 0;   // of the packet: 255 or the kernel drops it
  std::uint8_t cur_hop_limit = 0;  // advertised for our packets; 0 unspecified
  bool managed = false, other_config = false;
  std::uint8_t preference = 0;     // Prf: 0 medium, 1 high, 3 low, 2 reserved
  std::uint16_t router_lifetime = 0;
  std::uint32_t reachable_time_ms = 0, retrans_timer_ms = 0;
  std::optional<std::uint32_t> mtu;
  std::vector<PrefixRow> prefixes;
  std::vector<RdnssRow> rdnss;
  double delay_ms = 0;  // after our RS (negative: none sent yet)
  double time = 0;
  std::vector<std::string> problems;  // why the kernel would drop it

  std::string preference_name() const;  // "medium", "high", "low", "reserved"
};

// Everything rs() sent and saw.
struct NETLAB_API RsResult {
  std::string interface;
  IpAddr source;       // our link-local, or :: when the interface has none usable
  MacAddr source_mac;
  bool slla = false;   // the RS carried our MAC (never from ::)
  unsigned sent = 0;
  std::vector<RouterAdvertRow> adverts;
  bool interrupted = false;
  bool answered() const noexcept { return !adverts.empty(); }
};

// Progress reports (rdisc6's lines); optional, on the calling thread.
struct RsCallbacks {
  std::function<void(const RsResult&)> started;
  std::function<void(const RouterAdvertRow&)> advert;
};

// Sends one router solicitation and collects the advertisements for
// options.wait (or until the first with `single`, or stop()). Usage when the
// wait is not above 0; the interface refusals above. No RA is not an error:
// see RsResult::answered().
NETLAB_API Result<RsResult> rs(const Netns& ns, const RsOptions& options, const RsCallbacks& callbacks = {});

// `ndp rs`'s output, as rdisc6 prints it; the same shape as the probe's.
NETLAB_API void render_rs_start(Printer& p, const RsResult& r);
NETLAB_API void render_router_advert(Printer& p, const RouterAdvertRow& ra);
NETLAB_API void render_rs(Printer& p, const RsResult& r);

}  // namespace netlab::ndp
