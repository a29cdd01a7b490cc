// ARP diagnosis: why does (or doesn't) IPv4 address resolution work on an
// interface, with evidence and the fix.
//
// It runs in three steps, each usable on its own:
//   collect()  reads the kernel's state once: links (kind, master, ports,
//              carrier, STP, port flags), addresses, neighbours, routes, the
//              route the kernel picks toward the target, the relevant sysctls,
//              the bridge's forwarding database and who holds each TAP open;
//   observe()  captures ARP and ICMP on the interface, its bridge and the
//              bridge's ports at once for a few seconds, while (unless
//              passive) it makes the kernel resolve the target (ICMP echo,
//              small and large) and asks the wire itself who answers;
//   analyse()  applies the rules of ../shared/diagnosis/CAUSES.md to both and
//              returns the verdict. It is pure: the unit tests feed it
//              recorded snapshots without any privilege.
// diagnose_arp() does all three.
//
// Ownership and threads: every struct here is a plain value the caller owns
// (no handle stays open after a call returns); calls are independent, so
// several diagnoses may run at once on different threads. Namespace: collect()
// and observe() act in `ns` (netns.hpp); analyse() touches nothing.
// Privilege: collect() reads only (it gets less without root: TAP holders are
// found only among processes whose /proc entries it may read); observe()
// captures and sends, so it needs CAP_NET_RAW.
// A fault found is a result (Report::verdict), never an Error: an Error means
// the diagnosis itself could not run.
#pragma once

#include <netlab/addr.hpp>
#include <netlab/bridge.hpp>
#include <netlab/error.hpp>
#include <netlab/json.hpp>
#include <netlab/link.hpp>
#include <netlab/neigh.hpp>
#include <netlab/netns.hpp>
#include <netlab/route.hpp>
#include <netlab/tuntap.hpp>
#include <netlab/types.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace netlab::diag {

enum class Severity : std::uint8_t { Fault, Warning, Info };
enum class Verdict : std::uint8_t { Ok, Fault, Unexplained };
NETLAB_API std::string_view severity_name(Severity s) noexcept;  // "fault", "warning", "info"
NETLAB_API std::string_view verdict_name(Verdict v) noexcept;    // "ok", "fault", "unexplained"

// One fact that supports a finding. `type` says what kind of fact it is:
// packet, link, address, neighbour, route, sysctl, fdb, process, observation.
struct Evidence {
  std::string type;
  std::string interface;  // where it was seen or which device it is about
  std::string text;       // the line a person reads (a packet: tcpdump -e -n)
  std::optional<double> time;  // packets: seconds since the capture began
  // Further JSON members, all strings ("address", "state", "key", "value"...).
  std::vector<std::pair<std::string, std::string>> attrs;
  // Kernel evidence (type "kernel"): how many drops the line counts (JSON
  // "count"), whether their device is only probable (JSON "probable": the
  // name exists in several namespaces, or the match is old), and whether
  // they were dropped past the interface, in its veth peer's namespace
  // (JSON "beyond").
  std::optional<std::uint64_t> count;
  bool probable = false;
  bool beyond = false;
};

// One step of a fix. `netlab` is empty when netlab has no command for it.
struct FixStep {
  std::string where = "host";  // "host" or "guest"
  std::string description;
  std::string netlab;
  std::string iproute2;  // the classic command: ip, bridge, sysctl -w, nft
};

// One cause found (or suspected), with its evidence and the fix.
struct Finding {
  std::string cause;  // the catalog id: "ip-on-bridge-port"
  std::string id;     // the catalog number: "C01"
  Severity severity = Severity::Fault;
  std::string summary;
  std::string explanation;
  std::vector<Evidence> evidence;
  std::vector<FixStep> fix;
  int weight = 0;  // how likely; findings are sorted by severity, then weight
  // Decided before the mechanism was seen acting on the wire (the setting
  // alone, a station known only from the tables, no advertisement yet): a
  // longer watch may still add that evidence, so a watch never ends early on
  // a provisional fault. Neither printed nor saved.
  bool provisional = false;
};

// A cause the engine looked for, and what it concluded.
struct Check {
  std::string cause;
  std::string result;  // "ruled out", "found", "not observable"
  std::string detail;
};

// The target resolved: to which MAC, and the echo's round trip when one came.
struct Resolution {
  MacAddr mac;
  std::optional<double> rtt_ms;
};

// One step of a packet's way through the host, as the kernel decides it
// (`path diagnose`): in on a device, the route, each netfilter base chain,
// NAT, out on a device, the next hop's resolution.
struct Hop {
  std::string step;    // "in", "route", "netfilter", "nat", "out", "neighbour"
  std::string status;  // "forwarded", "dropped", "unknown"
  std::string interface;
  std::string text;    // the line a person reads
  // Further JSON members, all strings ("table", "chain", "handle", "verdict"...).
  std::vector<std::pair<std::string, std::string>> attrs;
};

// The whole verdict: what render_text() and render_json() print.
struct Report {
  Family family = Family::Inet;
  std::string interface;
  std::optional<IpAddr> target;
  Verdict verdict = Verdict::Unexplained;
  std::optional<Resolution> resolved;
  std::vector<Finding> findings;
  std::vector<Check> checked;
  std::vector<std::string> notes;
  // An unexplained verdict: the drops the kernel reported on the watched
  // interfaces during the watch (Evidence of type "kernel"), its word where
  // no rule has one. Empty otherwise.
  std::vector<Evidence> kernel_drops;
  double duration_s = 0;
  bool passive = false;
  // The text output's first words when the report is not an ARP or NDP
  // diagnosis ("netlab tap diagnose labtap0 user alice"); such a report
  // observed nothing on the wire, so its text has no "(observed ...)" line.
  std::string title;
  // What fails, in an unexplained verdict's text: "resolution fails" when
  // empty (ARP, NDP); "no DHCP server answers" for `dhcp diagnose`.
  std::string problem;
  // `path diagnose`: the path as the kernel sees it (JSON "hops", text
  // "path:"); empty, and not printed, for the other diagnoses.
  std::vector<Hop> hops;
};

// ---- step 1: the kernel's state --------------------------------------------

// The kernel's state as collect() read it; plain values, no live handles.
struct Snapshot {
  Family family = Family::Inet;  // which resolution: ARP (Inet) or neighbour discovery (Inet6)
  std::string interface;
  std::optional<IpAddr> target;
  std::vector<Link> links;
  std::vector<Address> addresses;     // IPv4 and IPv6, every device
  std::vector<Neighbour> neighbours;  // of the family, every state (NOARP included)
  std::vector<Neighbour> proxies;     // proxy entries (NTF_PROXY, `ip neigh show proxy`), of the family
  std::vector<Route> routes;          // of the family, main table
  std::optional<Route> route_to_target;
  std::string route_error;            // why there is no route, when there is none
  // "net.ipv4.conf.all.arp_ignore" -> 1, "net.ipv6.conf.br0.accept_ra" -> 1;
  // absent when the file does not exist.
  std::map<std::string, long> sysctl;
  std::string bridge;                 // the bridge involved, "" if none
  std::vector<bridge::FdbEntry> fdb;  // that bridge's forwarding database
  std::map<std::string, std::vector<TapHolder>> tap_holders;  // every TAP, held or not
};

// What to collect: the interface asked about and, optionally, the target.
struct CollectOptions {
  Family family = Family::Inet;
  std::string interface;
  std::optional<IpAddr> target;
};
// Errors: Usage when the target is not of options.family; NotFound
// "interface X: No such device"; the link, address, neighbour and route
// listing errors (the common errors of error.hpp). Everything else is read
// best effort: no route to the target fills route_error, an unreadable sysctl
// is absent from the map, a failed fdb or TAP listing leaves those empty.
NETLAB_API Result<Snapshot> collect(const Netns& ns, const CollectOptions& options);

// ---- step 2: what happened on the wire ---------------------------------------

// One captured frame; bytes is a copy the Observation owns.
struct SeenFrame {
  std::string interface;
  double time = 0;  // seconds since the observation began
  std::vector<std::uint8_t> bytes;  // an Ethernet frame
  bool sent_by_us = false;  // netlab's own probe (a packet socket never sees its own frames)
};

// The kernel's neighbour entry for the target at one moment.
struct NeighSample {
  double time = 0;
  Neighbour entry;
};

// One ICMP echo sent through the kernel (so the kernel itself resolves).
struct EchoResult {
  std::uint32_t size = 0;  // IP datagram size (ICMP payload + 28)
  bool dont_fragment = false;
  bool answered = false;
  std::optional<double> rtt_ms;
  std::string send_error;  // errno text when sendto failed (ENOBUFS: neighbour table full)
};

// One packet the kernel threw away during the watch (skb:kfree_skb, with
// its reason), on one of the watched interfaces.
struct KernelDrop {
  double time = 0;          // seconds since the observation began (the frames' time base)
  std::string interface;    // the device the skb was last seen on
  std::string reason;       // the kernel's name: "NETFILTER_DROP"
  std::string location;     // "nft_do_chain+0x4a1"
  std::uint16_t protocol = 0;  // the skb's ethertype (0x0806 ARP)
  bool probable = false;    // the device is probable, not certain (trace::Attribution)
  // Dropped past `interface`: the packet left through that veth and the
  // kernel dropped it in the peer's namespace (a guest's firewall), not here.
  bool beyond = false;
};

// One transition of the kernel's entry for the target during the watch
// (neigh:neigh_update or neigh:neigh_timer_handler): its exact time, where
// polling the table every 100 ms gives it to within 100 ms, and who wrote it.
struct KernelNeighbourEvent {
  double time = 0;          // seconds since the observation began (the frames' time base)
  std::string interface;
  std::string event;        // "neigh_update" (a write or an answer) or "neigh_timer_handler" (a timer)
  std::uint16_t old_state = 0;  // NUD_* bits
  std::uint16_t new_state = 0;
  std::uint32_t pid = 0;    // the writer through netlink (ip neigh replace); 0: the kernel itself
  std::optional<MacAddr> lladdr;
};

// What the kernel itself said during the watch, read from a private tracing
// instance (trace.hpp) while the captures ran.
struct KernelEvidence {
  bool traced = false;      // a session ran for the watch
  std::string unavailable;  // why not ("tracefs ...: Read-only file system"); empty when traced
  std::uint64_t lost = 0;   // events the kernel could not store (the reader was too slow)
  std::vector<KernelDrop> drops;  // on the watched interfaces only, in time order
  std::vector<KernelNeighbourEvent> neighbour;  // the target's entry, in time order
};

// Everything observe() saw on the wire and in the neighbour table.
struct Observation {
  double duration_s = 0;
  bool passive = false;
  std::vector<std::string> captured_on;
  std::vector<std::string> capture_errors;  // "IFACE: reason"
  std::vector<SeenFrame> frames;
  std::vector<NeighSample> neighbour_samples;  // entries for the target, over time
  std::vector<EchoResult> echoes;              // empty when passive or no target
  // Our own ARP request for the target, asked on the wire (not via the kernel).
  std::string probe_interface;
  std::optional<MacAddr> probe_mac;
  std::optional<IpAddr> probe_source;
  bool swept = false;  // the target's subnet was asked, because nobody answered for it
  // What the sweep asked and when: its requests leave through the probe
  // handle, which never captures its own frames, so answers to them must
  // not be mistaken for answers to a request for the target.
  std::optional<Prefix> swept_network;
  double swept_at = 0;
  std::string swept_interface;
  std::uint32_t swept_count = 0;  // requests sent
  // Nobody answered and the subnet was not swept: why ("homelan carries the
  // default route"); empty when it was swept or never needed to be.
  std::string sweep_skipped;
  // Why the watch ran longer than asked (empty when it did not).
  std::string longer_because;
  // The route back to each requester seen asking for one of our addresses
  // (reverse-path checks): requester -> route, or the error.
  std::map<IpAddr, Route> reverse_routes;
  // The kernel's drops; absent in recordings older than kernel evidence, and
  // when the observation was told not to trace.
  std::optional<KernelEvidence> kernel;
};

// How long to watch and whether to send anything (passive: only watch).
struct ObserveOptions {
  double duration_s = 2.0;
  bool passive = false;
  // When nobody answers for the target, ask the rest of its subnet (up to a
  // /22) to find a guest up with another address. Without `sweep`, only on a
  // lab link: a bridge, TAP or veth that the default route does not leave
  // through (on a real LAN uplink a sweep is a broadcast storm).
  bool sweep = false;
  // Read the kernel's drop reasons during the watch (a private tracefs
  // instance, opened beside the captures). Where tracing is unavailable the
  // observation says why and the diagnosis goes on without it.
  bool kernel = true;
  // Asked every 100 ms during the watch with what was seen so far (frames in
  // time order); true ends the watch before duration_s. diagnose_arp() asks
  // whether analyse() has named the same fault for long enough.
  std::function<bool(const Observation&)> proven;
};
// Blocks for duration_s (clamped to 0.2-600 s). The snapshot is read during
// the call only. Errors: the LinkTap errors of linkio.hpp for the interface
// itself (Pcap EPERM with the CAP_NET_RAW hint, NotFound); a capture that
// cannot open on the bridge or another port is only listed in
// capture_errors. System EPERM/EACCES "ICMP socket: cannot open" (hint: needs
// CAP_NET_RAW) when the echo probe cannot be sent.
NETLAB_API Result<Observation> observe(const Netns& ns, const Snapshot& snapshot, const ObserveOptions& options);

// ---- step 3: the verdict -----------------------------------------------------

// How to word the printed fixes.
struct AnalyseOptions {
  std::string netns_arg;  // "-n NAME" is added to the printed netlab/ip commands
};
// Pure and deterministic for given inputs; never fails. Findings are sorted
// by severity, then weight; the verdict is Fault when any finding is a
// fault; else Ok without a target, for a target that is one of our own
// addresses (or answered by proxy ARP), or when the target resolved; else
// Unexplained.
NETLAB_API Report analyse(const Snapshot& snapshot, const Observation& observation,
                          const AnalyseOptions& options = {});

// One cause of the catalog (../shared/diagnosis/CAUSES.md) as the engine
// knows it. `family` is "both", "ipv4" or "ipv6": the diagnoses that look
// for it. `after`: causes whose rules must have run before this one's (it
// reads their findings); "*" means every other rule of the run.
struct CauseInfo {
  std::string_view id;     // "C01"
  std::string_view cause;  // "ip-on-bridge-port"
  std::string_view family;
  Severity severity;  // the usual severity; a rule may lower it (a worked-around fault is a warning)
  std::vector<std::string_view> after;
};
// Every cause the rules decide, in the order analyse() runs them.
NETLAB_API const std::vector<CauseInfo>& catalog();
// The rule of one cause alone (after the rules it depends on), for tests and
// tools: the Report holds only that cause's findings and checks, verdict
// as analyse() would give from them. Usage error for an unknown cause, or one
// of the other family than the snapshot's.
NETLAB_API Result<Report> run_rule(std::string_view cause, const Snapshot& snapshot, const Observation& observation,
                                   const AnalyseOptions& options = {});

// diagnose_arp()'s options: CollectOptions, ObserveOptions and
// AnalyseOptions in one. netns_arg is only the word the printed fixes put
// after "-n" (the name or path the user typed, "lab1"); the namespace acted
// in is the Netns argument.
struct Options {
  Family family = Family::Inet;  // Inet6: `netlab ndp diagnose`
  std::string interface;
  std::optional<IpAddr> target;
  double duration_s = 2.0;
  bool passive = false;
  bool sweep = false;  // ObserveOptions::sweep
  bool kernel = true;  // ObserveOptions::kernel: read the kernel's drop reasons
  // Watch the whole duration even once a fault is proven (by default the
  // watch ends when analyse() has named the same faults for kProvenHold_s).
  bool whole_duration = false;
  std::string netns_arg;
};
// How long the same faults must hold in the evidence before a watch ends
// early on them. The kernel retransmits its ARP and NDP requests every
// second, and our echoes every 0.4 s, so 0.4 s sees at least one more echo
// of ours go unanswered before the fault is called.
inline constexpr double kProvenHold_s = 0.4;
// And never before the engine's own steps have run: the sweep of a silent
// target's subnet starts at 0.7 s.
inline constexpr double kEarliestEnd_s = 0.8;
// ---- saved evidence ------------------------------------------------------------

// One snapshot and the observation made with it: what analyse() reads.
struct Examined {
  Snapshot snapshot;
  Observation observation;
};

// A finding of a recorded report, by its catalog number and cause.
struct RecordedFinding {
  std::string id;     // "C01"
  std::string cause;  // "ip-on-bridge-port"
  Severity severity = Severity::Fault;
};

// Everything a diagnosis analysed, so that it can be analysed again without
// the lab: `--save-evidence FILE` writes it for a bug report, and the unit
// tests replay the recordings of the causes' labs (tests/data/diag/).
struct Recording {
  std::string version;  // netlab's version() when it was recorded
  Options options;      // what was asked (netns_arg words the printed fixes)
  // In the order analysed: with a target, one pair; without one, the
  // interface's own first, then one per unresolved entry examined.
  std::vector<Examined> examined;
  // The report the diagnosis gave: its verdict and findings, in order.
  Verdict verdict = Verdict::Unexplained;
  std::vector<RecordedFinding> findings;
};

// analyse() over a whole recording, as diagnose_arp() does it: the one pair
// of a targeted diagnosis, or the merge of an untargeted one. Pure; the
// recorded verdict and findings are not read.
NETLAB_API Report analyse(const Recording& recording);

// Writes the recording as one JSON document (no newline) through `json`:
// {"format": "netlab-diagnosis-evidence", "format_version": 1, "version",
// "options", "examined": [{"snapshot", "observation"}...], "report":
// {"verdict", "findings": [{"id", "cause", "severity"}...]}}. Every field of
// Snapshot and Observation is written (absent optionals as null, link-layer
// addresses as colon-separated hex, frames as plain hex, times in seconds
// to the nanosecond), so a reader can rebuild both exactly.
NETLAB_API void write_recording(const Recording& recording, JsonWriter& json);

// collect(), observe() and analyse() with the options given; errors are
// theirs. Without a target it examines up to four unresolved neighbour
// entries on the interface (or its bridge and the bridge's ports), each with
// a share of the duration, and merges the findings; with none it says so in
// notes. Inet6 gives `netlab ndp diagnose`'s IPv6 verdict despite the name.
NETLAB_API Result<Report> diagnose_arp(const Netns& ns, const Options& options);
// The same, and when `recording` is not null it receives every pair
// analysed and the report's verdict and findings (left as it was on error).
NETLAB_API Result<Report> diagnose_arp(const Netns& ns, const Options& options, Recording* recording);

// ---- kernel evidence -------------------------------------------------------------

// The drop reasons (the kernel's names) the mechanism of `cause` leaves, in
// the order the table lists them; empty when it leaves none (it consumes the
// packet on purpose, as C01, C11 and C14's ARP do).
NETLAB_API std::vector<std::string> kernel_reasons_of(std::string_view cause);
// Whether drop `d` is one `cause` leaves in a diagnosis of `family`: its
// reason and, where the mechanism has one, its protocol (C17: ARP in an ARP
// diagnosis, IPv6 in an NDP one). A drop past a veth (beyond) is none's:
// the causes are this host's.
NETLAB_API bool kernel_drop_explains(std::string_view cause, Family family, const KernelDrop& d);
// "the kernel dropped 3 ARP replies at nft_do_chain (NETFILTER_DROP) on vnet3"
// ("... probably on vnet3" when `probable`; "... past veth3 (in its peer's
// namespace)" when `beyond`; no device part without an interface).
NETLAB_API std::string kernel_drop_text(const std::string& what, std::uint64_t count, const std::string& location,
                                        const std::string& reason, const std::string& interface, bool probable,
                                        bool beyond = false);
// The drops as evidence of type "kernel": one per reason, location,
// interface and protocol, in the order first seen, with count, probable and
// the members reason, location and protocol. The noun comes from the frame
// captured on that interface just before each drop ("ARP reply") when all
// agree, else from the protocol ("ARP packets").
NETLAB_API std::vector<Evidence> kernel_drop_evidence(const Observation& o, const std::vector<const KernelDrop*>& drops);

// 0 ok, 3 fault, 4 unexplained.
NETLAB_API int exit_status(const Report& report) noexcept;
// Appends the report as text (the verdict line first, then each finding
// with its evidence and fix), as `netlab arp diagnose` prints it.
NETLAB_API void render_text(const Report& report, std::string& out);
// Writes the report as one JSON object (no newline) through `json`, so a
// caller may nest it in its own document; the keys are
// `netlab -j arp diagnose`'s: interface, target, verdict, resolved, findings
// (cause, id, severity, summary, explanation, evidence, fix), checked, notes,
// duration_s, passive.
NETLAB_API void render_json(const Report& report, JsonWriter& json);

}  // namespace netlab::diag
