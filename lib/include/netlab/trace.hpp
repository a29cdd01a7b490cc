// Kernel evidence through tracefs: the kernel's own drop reasons
// (skb:kfree_skb) and neighbour transitions (neigh:neigh_update,
// neigh:neigh_timer_handler), read from a private tracing instance.
//
// What a Session touches, and what it never touches:
//   - It works in its own instance, instances/netlab-<pid>-<n>, and removes it
//     when destroyed (every exit path: errors during open, normal end, and a
//     SIGINT/SIGTERM that ends the caller's loop so destructors run). At open
//     it removes stale netlab-* instances whose pid no longer runs (a netlab
//     killed with SIGKILL leaves one). The top-level buffer, tracing_on,
//     current_tracer, set_event, trace_clock and every other instance stay
//     as they were: the instance's own files are the only ones written.
//   - Where tracefs is mounted (/proc/self/mountinfo), that mount is used.
//     Where it is not, netlab makes a detached tracefs mount (fsopen/fsmount):
//     a mount that belongs to no mount namespace's tree, reached only through
//     the fd netlab holds, and gone when that fd is closed. Nothing is mounted
//     on the host's tree (nor on any other).
//   - Event formats (field offsets, the reason enum) are read from the
//     kernel at run time with libtraceevent: no offset and no reason number
//     is compiled in, since the enum moves between kernels.
//
// Namespaces: tracepoints are global and their events carry no network
// namespace. A Session sees the drops of every namespace; it can restrict
// them by device name (kernel-side on the receive/queue/neighbour events)
// and says whether the name it attributes is unique across the namespaces
// it can see (Attribution::Certain) or not (Probable).
//
// Unavailable tracing is one Error naming what is missing, so a caller (the
// diagnosis) can say "kernel evidence not available" and go on:
//   - Unsupported: no tracefs in this kernel; an event is missing
//     ("event skb:kfree_skb is missing"); kfree_skb has no `reason` field
//     (kernels before 5.17).
//   - System EPERM/EACCES with the capability named: mounting tracefs needs
//     CAP_SYS_ADMIN; tracefs files are root's (0750/0640), writing them needs
//     root or CAP_DAC_OVERRIDE.
//   - System EROFS: tracefs is mounted read-only.
//   - Usage: an unknown reason name (the kernel's names are listed by
//     reason_names()), a bad protocol word.
#pragma once

#include <netlab/error.hpp>
#include <netlab/export.hpp>
#include <netlab/types.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <variant>
#include <vector>

namespace netlab::trace {

// How sure the device of a drop is.
enum class Attribution {
  None,      // no receive/queue event of that skb was seen: device unknown
  Certain,   // the skb was seen on the device just before, and the name is
             // unique among the namespaces netlab can see
  Probable,  // the name exists in more than one namespace, the match is old
             // (> 10 ms: the address may have been reused) or it came from
             // a neighbour event on the same CPU (NEIGH_* drops)
};
NETLAB_API const char* attribution_name(Attribution a) noexcept;  // "none", "certain", "probable"

// Wall-clock time of an event (converted from the instance's monotonic
// trace clock).
using Time = std::chrono::system_clock::time_point;

struct NETLAB_API Drop {
  Time time{};
  std::uint64_t skbaddr = 0;
  std::string reason;      // the kernel's name, e.g. "NETFILTER_DROP"
  std::string location;    // "nft_do_chain+0x4a1" (or the hex address without kallsyms)
  std::uint16_t protocol = 0;  // the skb's ethertype, host order (0x0806 ARP)
  std::string device;      // "" when unknown
  Attribution attribution = Attribution::None;
  // The device's last event was a transmit (net_dev_queue), not a receive:
  // the packet was leaving through it. Through a veth it may then have been
  // dropped in the peer's namespace (a veth hands the same skb over, and the
  // peer's receive event is filtered out when only some devices are asked).
  bool after_transmit = false;
  std::optional<std::uint32_t> length;  // from the receive/queue event, when seen
  int cpu = -1;
};

struct NETLAB_API NeighEvent {
  Time time{};
  std::string event;    // "neigh_update" or "neigh_timer_handler"
  std::string device;
  std::optional<IpAddr> address;
  std::uint8_t old_state = 0;  // NUD_* bits before
  std::uint8_t new_state = 0;  // after (for the timer handler: the state it left)
  std::uint8_t flags = 0;      // NTF_* of the entry
  std::uint32_t update_flags = 0;  // NEIGH_UPDATE_F_* (neigh_update only)
  std::uint32_t pid = 0;       // who made the change (neigh_update: netlink writer; 0 for the kernel)
  std::optional<MacAddr> lladdr;  // the new link-layer address, when one was given
  int cpu = -1;
};

// Events the kernel could not store because the reader was slower than the
// writers (as trace_pipe_raw reports them). count 0: some, number unknown.
struct NETLAB_API Lost {
  int cpu = -1;
  std::uint64_t count = 0;
};

using Event = std::variant<Drop, NeighEvent, Lost>;

struct NETLAB_API Options {
  bool drops = true;   // skb:kfree_skb (+ net:netif_receive_skb, net:net_dev_queue to name devices)
  bool neigh = false;  // neigh:neigh_update and neigh:neigh_timer_handler
  // Only these devices (kernel-side filter on the events that carry a
  // device; drops are kept when their skb was seen on one of them). Empty: all.
  std::vector<std::string> devices;
  // Only drops of this ethertype (kernel-side filter on kfree_skb).
  std::optional<std::uint16_t> protocol;
  // Only this reason: the kernel's name (case-insensitive, with or without
  // SKB_DROP_REASON_), turned into the kernel's number kernel-side.
  std::string reason;
  std::uint32_t buffer_kib = 512;  // per CPU
  // Read /proc/kallsyms (to name drop locations) during open(), once the
  // events are recording, instead of at the first drop: ~0.2 s that a caller
  // opening the session on its own thread (the diagnosis) hides, where a
  // first poll() in its loop would stall it.
  bool symbols_at_open = false;
  // Called once on the opening thread as soon as the events record (the
  // per-CPU buffers open, before /proc/kallsyms is read): a caller that
  // opens on another thread can hold back what it wants the session to see.
  std::function<void()> on_recording;
};

// One tracing session: a private instance with the needed events enabled and
// filtered, read without blocking. Move-only; destroying it disables its
// events and removes its instance. Not thread-safe: one thread polls.
class NETLAB_API Session {
 public:
  // Errors: see the top of this file.
  static Result<Session> open(const Options& opts);
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();

  // Waits until events arrive or `timeout` passes (0: do not wait), then
  // reads everything buffered and hands each event to `sink` in time order.
  // Returns how many events were handed over. A signal interrupts the wait
  // (returns 0, no error), so a caller's SIGINT flag is seen at once.
  // Drops of NEIGH_* reasons wait up to one poll for the neighbour event
  // that names their device.
  Result<std::size_t> poll(std::chrono::milliseconds timeout, const std::function<void(const Event&)>& sink);
  // The per-CPU trace_pipe_raw descriptors (readable when data is there),
  // for a caller that multiplexes them with other fds; call poll(0) then.
  std::vector<int> fds() const;
  // "netlab-1234-0".
  const std::string& instance_name() const;
  // Where the instance lives (a mounted tracefs or /proc/self/fd/N).
  std::string instance_path() const;
  std::uint64_t lost_events() const;

  struct Impl;

 private:
  explicit Session(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

// The drop reasons this kernel names (number -> name, from kfree_skb's print
// fmt). Errors as Session::open before an instance is made.
NETLAB_API Result<std::map<std::uint32_t, std::string>> reason_names();

// Removes instances/netlab-<pid>-<n> whose pid is gone; returns how many.
NETLAB_API Result<std::size_t> remove_stale_instances();

// ---- Pure parts, unit-tested -------------------------------------------------

// "arp", "ip", "ip6" (also "ipv4", "ipv6", "vlan", "lldp"), or an ethertype
// as a number ("0x0806", "2054") from 0x600 to 0xffff. Usage error otherwise.
NETLAB_API Result<std::uint16_t> parse_protocol(std::string_view word);
// "ARP", "IPv4", "IPv6", "802.1Q", or "0x88cc".
NETLAB_API std::string protocol_name(std::uint16_t ethertype);
// The reason as the kernel names it: upper case, SKB_DROP_REASON_ removed.
// Usage error when the word cannot be a reason name (only A-Z 0-9 _).
NETLAB_API Result<std::string> normalize_reason(std::string_view word);
// The reason table of a kfree_skb format file (the text of
// events/skb/kfree_skb/format), parsed by libtraceevent: number -> name from
// the print fmt's __print_symbolic(REC->reason, ...). Unsupported when the
// event has no `reason` field (kernels before 5.17) or names no reasons.
NETLAB_API Result<std::map<std::uint32_t, std::string>> reasons_from_format(std::string_view format);
// The number of `name` in `names`, or a Usage error that says the kernel's
// names are used (and the closest one).
NETLAB_API Result<std::uint32_t> reason_number(const std::map<std::uint32_t, std::string>& names,
                                               std::string_view name);
// A kernel-side filter expression: `field == "a" || field == "b"`, with the
// names checked (IfName rules); "" for none.
NETLAB_API Result<std::string> device_filter(std::string_view field, const std::vector<std::string>& devices);

// Names the device of each drop from the receive/queue events of the same
// skb address that came before it, and the neighbour event that follows a
// NEIGH_* drop on the same CPU.
class NETLAB_API Attributor {
 public:
  // How many network namespaces hold a device of this name (>= 1 when the
  // name is known somewhere); the census in the library looks at every
  // namespace it can see, tests pass their own.
  using Census = std::function<int(const std::string&)>;
  explicit Attributor(Census census);

  // A receive or queue event: skbaddr was on `device` at `ns` (trace clock).
  // `transmit`: a queue event (the skb leaves through device), else a receive.
  void saw_skb(std::uint64_t skbaddr, const std::string& device, std::uint32_t length, std::uint64_t ns,
               bool transmit = false);
  // Names drop.device/attribution/length from the latest event of its skb
  // (within the reuse window) and forgets that skb. False when nothing names it.
  bool attribute(Drop& drop, std::uint64_t ns);
  // A NEIGH_* drop with no device: named by a neighbour event on the same
  // CPU within 2 ms after it. Probable.
  static bool attribute_from_neigh(Drop& drop, std::uint64_t drop_ns, const NeighEvent& ev, std::uint64_t ev_ns);
  std::size_t tracked() const noexcept { return last_.size(); }

  // An address older than this is not trusted (slab reuse): NEIGH_* drops
  // (packets parked on an unresolved neighbour for up to ~3 s) get 5 s,
  // others 1 s; older than 10 ms makes the attribution probable.
  static constexpr std::uint64_t kWindowNs = 1'000'000'000ull;
  static constexpr std::uint64_t kNeighWindowNs = 5'000'000'000ull;
  static constexpr std::uint64_t kCertainNs = 10'000'000ull;

 private:
  struct Seen {
    std::string device;
    std::uint32_t length = 0;
    std::uint64_t ns = 0;
    bool transmit = false;
  };
  Census census_;
  std::unordered_map<std::uint64_t, Seen> last_;
  std::uint64_t newest_ = 0;
  void prune(std::uint64_t now);
};

// How many network namespaces this process can see hold a device `name`
// (every /proc/PID/task/TID's namespace, read from its /proc/.../net/dev;
// /run/netns/* and namespaces held open by a descriptor of any process,
// entered on this thread). Cached for a second per name.
NETLAB_API int namespaces_with_device(const std::string& name);

// Counts for the end-of-run summary: per reason and location, as dropwatch.
struct NETLAB_API SummaryRow {
  std::string reason, location, device;
  std::uint64_t count = 0;
};
class NETLAB_API Summary {
 public:
  void add(const Drop& d);
  // Most frequent first; ties by reason, location.
  std::vector<SummaryRow> rows() const;
  std::uint64_t total() const noexcept { return total_; }

 private:
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> counts_;
  std::uint64_t total_ = 0;
};

}  // namespace netlab::trace
