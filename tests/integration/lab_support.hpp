// Lab machinery for the integration tests that build broken (and healthy)
// guest labs and check `netlab arp diagnose` against them: background
// processes (guests, captures, traffic), a second network namespace for a
// kernel-stack guest behind a veth, the diagnosis runner and the fix applier.
//
// Everything here lives inside the test's own private namespace
// (nltest::PrivateNetns) or in namespaces created from it; every object
// cleans up in its destructor, so a failed REQUIRE leaves nothing behind.
#pragma once

#include "mini_json.hpp"
#include "netns_fixture.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace nltest::lab {

using Millis = std::chrono::milliseconds;

// Polls `done` every 50 ms until it is true or `timeout` has passed (one last
// try at the end). Carrier, STP and neighbour states change asynchronously:
// tests wait for them with this, never with a fixed sleep.
bool wait_for(const std::function<bool()>& done, Millis timeout);

// The whole content of a memory file a child process writes to (pread: the
// child shares the file offset, so it is never moved). "" for fd < 0.
std::string read_all(int fd);

// A second network namespace: the "other machine" of a lab (a Linux guest
// behind a veth, a LAN host). It is held by a file descriptor only, so it
// disappears with this object and the processes inside it. It is created
// from the test's private namespace and never is the initial one.
class PeerNetns {
 public:
  PeerNetns();  // a fresh namespace with lo up
  ~PeerNetns();
  PeerNetns(const PeerNetns&) = delete;
  PeerNetns& operator=(const PeerNetns&) = delete;

  int fd() const noexcept { return fd_; }
  // "/proc/<test pid>/fd/<fd>": accepted by `ip link ... netns PATH` and
  // `netlab -n PATH` (both treat a word with '/' as an nsfs path).
  std::string path() const;

  RunResult run(const std::vector<std::string>& argv) const;  // argv inside this namespace
  RunResult ip(const std::vector<std::string>& args) const;
  std::string ip_ok(const std::vector<std::string>& args) const;  // ip must succeed
  // Writes a /proc/sys/net file of this namespace (REQUIREs success).
  void write_proc(const std::string& path, const std::string& value) const;
  // Reads a /proc file as a process in this namespace sees it (/proc/net/snmp).
  std::string read_proc(const std::string& path) const;

 private:
  int fd_ = -1;
};

// A veth pair: HOST_IF here, PEER_IF ("eth0") inside `peer`, both up; HOST_IF
// enslaved to MASTER first when one is given (a guest NIC on a bridge).
void veth_to(const PeerNetns& peer, const std::string& host_if, const std::string& master = "",
             const std::string& peer_if = "eth0");

// Runs argv (no shell) in the current namespace or inside `peer`.
RunResult run_in(const PeerNetns* peer, const std::vector<std::string>& argv);

// A process running beside the test: a guest, a capture, background traffic.
// Its stdout and stderr go to memory files the test can read at any time (a
// pipe nobody drains would block a chatty guest). Destruction stops it with
// SIGTERM (SIGKILL after 5 s) and reaps it.
class Background {
 public:
  explicit Background(std::vector<std::string> argv, const PeerNetns* peer = nullptr);
  ~Background();
  Background(Background&& other) noexcept;
  Background& operator=(Background&&) = delete;
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  pid_t pid() const noexcept { return pid_; }
  bool running();
  std::string out() const;
  std::string err() const;
  // True once `needle` shows up on stderr (or stdout); false when the time
  // runs out or the process exits first.
  bool wait_stderr(std::string_view needle, Millis timeout);
  bool wait_stdout(std::string_view needle, Millis timeout);
  int stop();  // SIGTERM, reap; returns the exit status (128+signal); idempotent
  std::string describe() const;  // command line and output, for INFO()

 private:
  bool wait_in(bool on_stderr, std::string_view needle, Millis timeout);
  std::vector<std::string> argv_;
  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  int status_ = -1;
};

// `netlab guest ARGS...` (contracts.md): a userspace guest stack on a TAP in
// the current namespace, or on an Ethernet interface inside `peer`. Returns
// once the guest printed its readiness line; REQUIREs that it does.
Background start_guest(const std::vector<std::string>& args, const PeerNetns* peer = nullptr);

// tcpdump -p -n -e -l -i IFACE FILTER..., the reference capture; returns once
// tcpdump listens.
Background start_capture(const std::string& iface, const std::vector<std::string>& filter,
                         const PeerNetns* peer = nullptr);

// ---- references (iproute2, ping) ------------------------------------------
// ping -n -c COUNT -W 1 [extra...] ADDR; true when it got a reply.
bool ping(const std::string& addr, const std::vector<std::string>& extra = {},
          const PeerNetns* peer = nullptr);
// The kernel's neighbour state for ADDR on DEV as `ip -j neigh` names it
// ("INCOMPLETE", "FAILED", "REACHABLE", "PERMANENT", "NOARP", ...), "" if none.
std::string neigh_state(const std::string& addr, const std::string& dev, const PeerNetns* peer = nullptr);
// The link-layer address of that entry ("" when none or not shown).
std::string neigh_lladdr(const std::string& addr, const std::string& dev, const PeerNetns* peer = nullptr);
bool neigh_unresolved(const std::string& addr, const std::string& dev);  // INCOMPLETE or FAILED
// `ip -j -d link show dev DEV`, first element.
testjson::Value link_json(const std::string& dev, const PeerNetns* peer = nullptr);
std::string mac_of(const std::string& dev, const PeerNetns* peer = nullptr);
// LOWER_UP in ip's flags: the link has carrier.
bool has_carrier(const std::string& dev, const PeerNetns* peer = nullptr);
// The STP state name of a bridge port as `bridge -j link` reports it.
std::string port_state(const std::string& dev);
// Runs `sh -c SCRIPT` in the current namespace and REQUIREs success (used for
// nft scripts and the like: tests may run reference tools).
std::string sh_ok(const std::string& script);

// ---- the diagnosis --------------------------------------------------------
struct Diagnosis {
  std::string command;
  RunResult result;
  std::optional<testjson::Value> json;  // empty when stdout is not one JSON document
  std::string parse_error;

  int status() const noexcept { return result.status; }
  std::string verdict() const;                   // "" when absent
  const testjson::Array& findings() const;       // REQUIRE()s a parsed document
  std::vector<std::string> fault_causes() const;  // causes of severity "fault", in order
  const testjson::Value* finding(std::string_view cause) const;  // first with that cause
  std::string describe() const;                  // command, exit status, output
};

// The diagnosis duration the tests pass (seconds): short, the labs are small.
inline constexpr const char* kDiagnoseSeconds = "2";

// netlab -j arp diagnose IFACE TARGET --duration kDiagnoseSeconds [extra...]
Diagnosis diagnose(const std::string& iface, const std::string& target,
                   const std::vector<std::string>& extra = {});

// Assertions every cause test makes on a broken lab: exit 3, verdict
// "fault", findings[0] is `cause` with id `id` and severity "fault".
void require_fault_first(const Diagnosis& d, std::string_view cause, std::string_view id);
// For labs where two causes legitimately co-occur: exit 3, verdict "fault",
// and `cause` (with id `id`) is one of the fault findings. Returns it.
const testjson::Value& require_fault_among(const Diagnosis& d, std::string_view cause, std::string_view id);
// A working path: exit 0, verdict "ok", no finding of severity "fault".
void require_ok(const Diagnosis& d);

// True when some evidence item of `type` (any type when empty) in `finding`
// satisfies `pred`.
bool has_evidence(const testjson::Value& finding, std::string_view type,
                  const std::function<bool(const testjson::Value&)>& pred);
// True when some evidence item of `type` has a "text" containing every needle.
bool has_evidence_text(const testjson::Value& finding, std::string_view type,
                       const std::vector<std::string>& needles);
// Packet evidence (captured on `iface`; any interface when empty) whose text
// holds every needle.
bool has_packet(const testjson::Value& finding, const std::string& iface, const std::vector<std::string>& needles);
// Neighbour evidence for `addr` in one of `states`.
bool has_neighbour(const testjson::Value& finding, const std::string& addr, const std::vector<std::string>& states);
// Sysctl evidence whose key contains `key_part` (and whose value is `value`
// when that is not empty).
bool has_sysctl(const testjson::Value& finding, const std::string& key_part, const std::string& value = "");
// Evidence of `type` naming `iface` in its "interface" field or its text.
bool has_about(const testjson::Value& finding, std::string_view type, const std::string& iface);
// Field `key` of an evidence item as text ("" when absent or not a scalar).
std::string field(const testjson::Value& item, const std::string& key);
bool contains(const std::string& haystack, std::string_view needle);
// A finding's evidence, one item per line, for INFO().
std::string evidence_dump(const testjson::Value& finding);

// ---- fixes ----------------------------------------------------------------
struct FixStep {
  std::string where;        // "host" | "guest"
  std::string description;
  std::string netlab;       // "" when null
  std::string iproute2;     // "" when null
};
std::vector<FixStep> fix_steps(const testjson::Value& finding);
// True when the fix has a host step. Labs whose cause can be fixed on either
// side (C08, C12, C19) do the guest's part only when the fix has no host step:
// a guest step beside host steps reads as an alternative ("or set the
// guest's MTU"), and doing both would test neither.
bool has_host_step(const testjson::Value& finding);
// Runs the host steps as contracts.md says: the `netlab` string split on
// spaces and run as the built CLI when not null, else the `iproute2` string
// via `sh -c` in the lab namespace. REQUIREs each to succeed. Returns the
// guest steps, which the test carries out on its guest itself.
std::vector<FixStep> apply_host_steps(const std::vector<FixStep>& steps);
// The fix printed for one finding (the cause under test): REQUIREs at least
// one step, applies the host steps, returns the guest steps. Where causes
// co-occur, the fix of the cause under test is applied, as a user would
// apply the fix of the finding they act on.
std::vector<FixStep> apply_fix(const testjson::Value& finding);

// ---- IPv6 labs (netlab ndp diagnose) ---------------------------------------
// In a new namespace link-local addresses and duplicate address detection
// complete asynchronously (up to ~2 s): labs poll these before asserting.

// netlab -j ndp diagnose IFACE [TARGET] --duration kDiagnoseSeconds [extra...];
// an empty target asks about the interface's own SLAAC/RA health.
Diagnosis diagnose6(const std::string& iface, const std::string& target,
                    const std::vector<std::string>& extra = {});

// ping -6 -n -c 1 -W 1 [extra...] ADDR (ADDR%DEV for a link-local one);
// true when it got a reply.
bool ping6(const std::string& addr, const std::vector<std::string>& extra = {},
           const PeerNetns* peer = nullptr);

// `ip -j -6 addr show dev DEV`: its addr_info objects ("local", "prefixlen",
// "scope", and the flags "tentative", "dadfailed", "dynamic", ... as true).
testjson::Array ipv6_addr_info(const std::string& dev, const PeerNetns* peer = nullptr);
bool addr_flag(const testjson::Value& info, const std::string& flag);
// The addresses of DEV in SCOPE ("link", "global"), without prefix length.
std::vector<std::string> ipv6_addresses(const std::string& dev, const std::string& scope,
                                        const PeerNetns* peer = nullptr);
// DAD is over on DEV: no address is tentative any more (except those that
// failed DAD: they stay tentative for good) and, when `link_local`, an
// fe80:: address exists.
bool ipv6_settled(const std::string& dev, bool link_local = true, const PeerNetns* peer = nullptr);
// REQUIREs ipv6_settled within `timeout`.
void require_ipv6_settled(const std::string& dev, Millis timeout, bool link_local = true,
                          const PeerNetns* peer = nullptr);
// The first global address of DEV inside PREFIX_START (text match on the
// address, e.g. "2001:db8:23:") that is no longer tentative; "" when none.
std::string settled_global(const std::string& dev, const std::string& prefix_start,
                           const PeerNetns* peer = nullptr);

// `netlab guest` IPv6 notices (stderr). True once the guest says that ADDR
// passed DAD ("IPv6 address ADDR/LEN ready").
bool wait_guest_ipv6_ready(Background& guest, const std::string& addr, Millis timeout);
// The guest's link-local address once it passed DAD ("" when not in time).
std::string guest_link_local(Background& guest, Millis timeout);
// The address the guest formed by SLAAC ("SLAAC address ADDR/64 from router
// R"), without its length; "" when none in time.
std::string guest_slaac_address(Background& guest, Millis timeout);

}  // namespace nltest::lab
