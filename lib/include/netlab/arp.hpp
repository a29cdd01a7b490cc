// ARP tools: inspect reads the IPv4 neighbour table and says what each state
// means on the interface it sits on; probe does arping's job (requests,
// duplicate address detection, announcements) over libpcap and reports every
// station that answered, so two MACs claiming one address are seen.
//
// inspect() is a reader (needs no privilege); probe() sends and captures
// frames, so it needs CAP_NET_RAW in `ns` (Pcap EPERM with the hint "needs
// CAP_NET_RAW"). Both act in the namespace given, open their own sockets and
// return values the caller owns; both can return the common errors of
// error.hpp. The diagnosis (diag.hpp) reuses the same building blocks.
#pragma once

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
class Printer;  // <netlab/printer.hpp>
}  // namespace netlab

namespace netlab::arp {

// ---- inspect ---------------------------------------------------------------

// What an interface is to the bridge code, which decides where its ARP
// traffic is processed.
enum class Role : std::uint8_t {
  Standalone,  // neither a bridge nor a bridge port
  Bridge,      // a bridge device: the host's addresses belong here
  BridgePort,  // a port: frames it receives are handed to its bridge
};

// One neighbour entry with what it means where it sits.
struct InspectRow {
  Neighbour entry;          // as the kernel reports it (dst, lladdr, NUD state, flags)
  Role role = Role::Standalone;
  std::string master;       // the bridge of a BridgePort, else ""
  bool noarp_interface = false;  // the interface has IFF_NOARP (`arp off`)
  std::string explanation;  // the state in a phrase, see state_explanation()
  std::string cause;        // a cause id from the diagnosis catalogue, or "" when the state points at none
  std::string hint;         // one or two sentences for the cause, "" with no cause
};

// The IPv4 neighbour table, NOARP and NONE entries included, on `dev` or on
// every interface when `dev` is empty; ordered by interface, then address.
// A `dev` that does not exist is a NotFound error.
// Usage for a malformed `dev` name. Reads links, neighbours and, when a hint
// needs them, addresses and the bridge's forwarding database (one snapshot
// each, not taken atomically together).
NETLAB_API Result<std::vector<InspectRow>> inspect(const Netns& ns, std::string_view dev = {});

// One phrase per NUD state ("confirmed recently", ...). For several bits
// the most telling one is explained (PERMANENT and NOARP first).
NETLAB_API std::string_view state_explanation(std::uint16_t nud_state) noexcept;
// "standalone", "bridge", "bridge port"
NETLAB_API std::string_view role_name(Role role) noexcept;
// "bridge port of br0" for a port, else role_name().
NETLAB_API std::string role_description(Role role, std::string_view master);

// `arp inspect`'s output: in text a table (ADDRESS DEV ROLE LLADDR STATE
// MEANING, a hint line under a row with a cause; "no IPv4 neighbour entries"
// [on DEV] when there are none); in JSON one object per row (the caller
// opens and closes the array), with ip -j neigh's keys for the entry.
NETLAB_API void render_inspect(Printer& p, const std::vector<InspectRow>& rows, std::string_view dev);

// ---- probe -----------------------------------------------------------------

enum class ProbeMode : std::uint8_t {
  Request,          // who-has TARGET from our address (arping's default)
  DuplicateCheck,   // RFC 5227 probe from 0.0.0.0 (arping -D): an answer means the address is taken
  AnnounceRequest,  // gratuitous request, sender = target = TARGET (arping -U)
  AnnounceReply,    // gratuitous reply, sender = target = TARGET (arping -A)
};
NETLAB_API std::string_view probe_mode_name(ProbeMode mode) noexcept;  // "request", "duplicate-check", ...

// What to probe; only interface and target have no default.
struct ProbeOptions {
  std::string interface;
  IpAddr target;
  std::optional<IpAddr> source;  // default: the interface's first IPv4 address (Request only)
  // arping's rules: with only a count, send that many probes; with only a
  // deadline, send until it passes; with both, send until `count` probes
  // were answered or the deadline passes; with neither, 3 probes.
  std::optional<unsigned> count;
  std::optional<std::chrono::milliseconds> deadline;
  std::chrono::milliseconds interval{1000};
  ProbeMode mode = ProbeMode::Request;
  // Polled while waiting; true ends the probe early (a SIGINT flag). The
  // result is still returned, with `interrupted` set.
  std::function<bool()> stop;
};

// One answer seen on the wire for our probe.
struct ProbeReply {
  IpAddr from;          // ARP sender protocol address
  MacAddr mac;          // ARP sender hardware address: the station that claims `from`
  MacAddr eth_src;      // Ethernet source (differs from `mac` only for odd stations)
  bool broadcast = false;  // sent to ff:ff:ff:ff:ff:ff instead of to us
  bool request = false;    // an ARP request (arping counts those too), not a reply
  unsigned probe = 0;      // 1-based number of the probe it answers
  double rtt_ms = 0;       // capture timestamp of the answer minus that of our probe
  double time = 0;         // capture timestamp, seconds since the epoch
};

// Everything a probe sent and saw; a plain value the caller owns.
struct NETLAB_API ProbeResult {
  std::string interface;
  ProbeMode mode = ProbeMode::Request;
  IpAddr target;
  IpAddr source;       // sender protocol address we used (0.0.0.0 for DuplicateCheck)
  MacAddr source_mac;  // the interface's MAC, our sender hardware address
  // Set when count and deadline were both given: the answered probes
  // needed for success (arping's -c with -w).
  std::optional<unsigned> required_answers;
  unsigned sent = 0;
  unsigned answered = 0;  // probes that got at least one answer
  std::vector<ProbeReply> replies;
  std::vector<MacAddr> macs;  // distinct answering MACs, in order of first answer
  bool conflict = false;      // more than one MAC answered for the target
  bool interrupted = false;   // ended by ProbeOptions::stop
  // True when the sent timestamps came from capturing our own frames; false
  // when the kernel did not loop them back and the clock read before each
  // send was used instead.
  bool tx_timestamps = false;

  // What arping's exit status 0 means for the mode: an answer for Request
  // (required_answers answered probes when set), no answer for
  // DuplicateCheck, always for the announcements.
  bool succeeded() const noexcept;
};

// Progress reports for a caller that prints as it goes (arping's lines).
// Both are optional and run on the calling thread, inside probe(); the
// references are valid only during the call (the final ProbeResult is
// returned whole at the end). They must not throw.
struct ProbeCallbacks {
  std::function<void(const ProbeResult&)> started;  // source and MAC known, nothing sent yet
  std::function<void(const ProbeReply&)> reply;     // each answer as it arrives
};

// Sends and receives through two LinkTaps on `options.interface` in `ns`.
// Usage errors (non-IPv4 or multicast target or source, -s with an
// announcement or duplicate check, zero count or interval, no IPv4 address
// to send from) come back before anything is sent.
// Blocks until the probe ends (count, deadline or stop()). More errors:
// Usage for a malformed interface name or a non-Ethernet interface; NotFound
// when the interface does not exist; System ENETDOWN "is down" (hint: bring
// it up) for a link that is down; the LinkTap errors of linkio.hpp (Pcap
// EPERM with the CAP_NET_RAW hint). No answer is not an error: see
// ProbeResult::succeeded().
NETLAB_API Result<ProbeResult> probe(const Netns& ns, const ProbeOptions& options,
                                     const ProbeCallbacks& callbacks = {});

// `arp probe`'s output, as arping prints it. Text: render_probe_start() when
// the probe starts ("ARPING ..."), render_probe_reply() for each answer as it
// comes, render_probe() the summary line. JSON: the first two write nothing,
// render_probe() the whole result with every answer.
NETLAB_API void render_probe_start(Printer& p, const ProbeResult& r);
NETLAB_API void render_probe_reply(Printer& p, const ProbeReply& r);
NETLAB_API void render_probe(Printer& p, const ProbeResult& r);

}  // namespace netlab::arp
