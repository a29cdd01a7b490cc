// What every diagnosis rule reads: the snapshot and observation indexed the
// way the rules ask about them (the path's devices, the parsed frames, the
// target's entry over time), plus the builders for evidence and fix steps so
// every finding speaks the same language.
#pragma once

#include "base/strings.hpp"

#include <netlab/diag.hpp>
#include <netlab/frames.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace netlab::diag {

// An address-resolution message, whatever the family: an ARP request or
// reply, or (IPv6) a neighbour solicitation or advertisement, seen the same
// way so one rule serves both. For an advertisement, sha is the target
// link-layer address option (or the Ethernet source when it lacks one).
struct ResolutionMsg {
  bool request = false;
  MacAddr sha;
  IpAddr spa;  // who speaks: ARP sender / NS source / NA target
  MacAddr tha;
  IpAddr tpa;  // what is asked: ARP target / NS target / NA destination
  bool has_lladdr = true;  // false: an NA without the target link-layer option
  bool is_request() const noexcept { return request; }
  bool is_reply() const noexcept { return !request; }
  bool is_gratuitous() const noexcept { return spa == tpa && !spa.is_unspecified() && !is_any(spa); }
  static bool is_any(const IpAddr& a) noexcept {
    for (auto b : a.bytes())
      if (b) return false;
    return true;
  }
};

struct Frame2 {
  const SeenFrame* sf = nullptr;
  frames::Parsed parsed;
  std::optional<ResolutionMsg> msg;
};

std::string join_names(const std::vector<const Link*>& v);
std::string join_prefixes(const std::vector<const Address*>& v);
std::string fmt_seconds(std::uint32_t centiseconds);
// "+1.234s": a time since the start of the watch.
std::string fmt_time(double seconds);

// Adds f to findings, or folds it into a finding of the same cause with the
// same fix (one cause seen twice, e.g. from the static checks and again for
// a failing entry): that one keeps its summary, gains f's evidence it lacks,
// and the graver severity. Returns true when f was folded.
bool fold_finding(std::vector<Finding>& findings, Finding f);


class Ctx {
 public:
  Ctx(const Snapshot& s, const Observation& o, const AnalyseOptions& options);

  const Snapshot& s;
  const Observation& o;
  std::optional<IpAddr> target;
  const Link* iface = nullptr;
  const Link* egress = nullptr;  // the device the route toward the target leaves through
  const Link* bridge = nullptr;
  std::vector<const Link*> ports;  // of `bridge`
  const Route* route = nullptr;
  bool local = false;  // the target is one of this host's addresses
  // The target is routed elsewhere and the interface answers for it by proxy
  // ARP: the question is whether peers on the interface get answers.
  bool proxy_mode = false;
  // No route toward the target: the host only watches guests talk to it.
  bool observer = false;
  std::vector<Frame2> frames;

  // Checks and findings.
  void rule_out(std::string cause, std::string detail);
  void not_observable(std::string cause, std::string detail);
  Finding finding(std::string cause, std::string id, Severity severity, int weight) const;
  void add(Finding f);
  bool has_fault() const;
  bool has_cause(std::string_view cause) const;
  Report finish();
  // finish()'s steps: findings another fault explains become ruled-out
  // checks; the checks kept for the report; the report's notes.
  void rule_out_explained();
  std::vector<Check> report_checks();
  void add_notes(Report& r, bool fault) const;

  // Facts.
  std::string target_text() const;
  // The proxy entry (NTF_PROXY) for the target on the interface, if any.
  const Neighbour* proxy_entry_for_target() const;
  // How the interface answers by proxy: "proxy ARP (a proxy entry for X on eth0)".
  std::string proxy_mechanism() const;
  // The words of the diagnosed family, for texts the rules share: "ARP" or
  // "neighbour discovery", "ARP reply" or "neighbour advertisement".
  std::string resolution_word() const { return s.family == Family::Inet6 ? "neighbour discovery" : "ARP"; }
  std::string answer_word() const { return s.family == Family::Inet6 ? "neighbour advertisement" : "ARP reply"; }
  std::string duration_text() const;
  const Link* link_named(std::string_view name) const;
  const Link* master_bridge(const Link& l) const;
  const Link* port_named(std::string_view name) const;
  std::vector<const Address*> ipv4_on(std::string_view dev) const;
  // The addresses of the diagnosed family on dev (IPv6: not link-local,
  // which every IPv6 device has).
  std::vector<const Address*> l3_on(std::string_view dev) const;
  bool has_address(std::string_view dev, const IpAddr& ip) const;
  bool is_local(const IpAddr& ip) const;
  bool is_ours(const MacAddr& mac) const;
  std::string our_mac_on(std::string_view dev) const;
  std::string local_owner() const;
  std::optional<long> sysctl(const std::string& key) const;
  long effective_max(const std::string& key, const std::string& dev) const;
  bool effective_or(const std::string& key, const std::string& dev) const;
  std::vector<const Frame2*> requests_for_target() const;
  std::vector<const Frame2*> replies_for_target() const;
  bool c_resolved() const;  // the kernel's entry for the target is usable
  std::optional<MacAddr> resolved_mac() const;
  bool echo_ok() const;
  // The IP size of ping's default echo: 84 bytes for IPv4, 104 for IPv6.
  std::uint32_t small_echo_size() const noexcept { return s.family == Family::Inet6 ? 104 : 84; }
  std::optional<double> echo_rtt() const;
  const Link* port_of_target() const;
  bool target_seen_on(std::string_view dev) const;
  bool on_target_link(std::string_view dev) const;
  std::optional<IpAddr> guest_gateway() const;
  IpAddr free_address_near(const IpAddr& ip, bool avoid_claimed = true) const;
  IpAddr our_source() const;
  bool answered_our_request_for_target(const Frame2& reply) const;
  bool target_stayed_unresolved_after(double t) const;
  std::vector<const Frame2*> unforwarded_ip() const;

  // Evidence.
  Evidence ev_link(const Link& l) const;
  Evidence ev_addr(const Address& a) const;
  Evidence ev_neigh(const Neighbour& n, const std::string& note) const;
  Evidence ev_route(const Route& r, const std::string& label) const;
  Evidence ev_sysctl(const std::string& key) const;
  Evidence ev_packet(const Frame2& f, const std::string& note = {}) const;
  Evidence ev_observation(std::string_view dev, std::string text) const;
  std::optional<Evidence> ev_holders(std::string_view tap) const;
  std::optional<Evidence> ev_fdb_for(const MacAddr& mac) const;
  void add_sysctl_evidence(Finding& f, const std::string& key, const std::string& dev) const;
  void add_target_state(Finding& f, std::string_view dev) const;
  void add_unanswered_requests_for_local(Finding& f) const;

  // Fix steps. `netlab_args` is what follows "netlab" (global -n added here).
  FixStep fix_host(std::string description, const std::string& netlab_args, const std::string& classic) const;
  FixStep fix_guest(std::string description) const;
  void add_carrier_fix(Finding& f, const std::string& dev) const;

 private:
  AnalyseOptions options_;
  std::vector<Finding> findings_;
  std::vector<Check> checks_;
};

}  // namespace netlab::diag
