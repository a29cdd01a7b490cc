// Lab notes for `netlab capture --annotate`, beside the ARP ones
// (annotate.hpp): what a lab bridge's traffic says that a user needs told.
// - STP: a topology change (a TCN BPDU, or a bridge's BPDUs starting to carry
//   the TC flag), after which every bridge ages its MAC table out in
//   forward-delay and floods meanwhile; and the root bridge changing.
// - DNS: a query (UDP port 53) that got no answer within a timeout.
// - IGMP and MLD: membership reports with no querier seen. A bridge with
//   multicast snooping on forgets a group when no query refreshes it, and
//   then stops forwarding that group's traffic to the ports that joined.
//   Captured live on a bridge, its snooping and querier settings say whether
//   that will happen here.
//
// Fields are read through the decoder's bounds-checked reader; a frame it
// cannot read gets no note. Pure computation on the bytes it is fed; tables
// are capped (65536 entries each) so memory stays bounded whatever the
// capture.
#pragma once

#include <netlab/annotate.hpp>
#include <netlab/export.hpp>
#include <netlab/packet.hpp>
#include <netlab/types.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace netlab {

// A bridge captured live: what decides whether missing queries matter.
struct SnoopingBridge {
  std::string name;
  bool snooping = false;  // IFLA_BR_MCAST_SNOOPING
  bool querier = false;   // IFLA_BR_MCAST_QUERIER: the bridge queries itself
};

struct LabAnnotateOptions {
  // A DNS query unanswered this long gets its note (a resolver's first
  // retry comes after 1-5 s).
  std::chrono::nanoseconds dns_timeout = std::chrono::seconds(2);
  // Reports for this long with no query make a querier missing even without
  // a bridge to ask: the default query interval (125 s) and response time.
  std::chrono::nanoseconds querier_window = std::chrono::seconds(135);
  std::optional<SnoopingBridge> bridge;
};

struct DnsUnansweredQuery {
  std::uint64_t packet = 0;
  std::string name;       // the question's name, "." for the root
  std::string type;       // "A", "AAAA", ... or the number
  IpAddr client, server;
};

struct LabSummary {
  std::uint64_t bpdus = 0, topology_changes = 0, root_changes = 0;
  std::string root;  // the last root bridge id seen, "8000.02:00:5e:00:00:01"
  std::uint64_t dns_queries = 0, dns_answered = 0;
  std::vector<DnsUnansweredQuery> dns_unanswered;  // waiting ones included
  std::uint64_t dns_unanswered_unlisted = 0;
  std::uint64_t igmp_queries = 0, igmp_reports = 0, mld_queries = 0, mld_reports = 0;
  bool igmp_querier_missing = false, mld_querier_missing = false;  // reports and no query
  std::optional<SnoopingBridge> bridge;
  // Whether the capture carried anything these notes are about.
  bool any() const noexcept { return bpdus || dns_queries || igmp_queries || igmp_reports || mld_queries || mld_reports; }
};

// Move-only; feed one annotator from one thread.
class NETLAB_API LabAnnotator {
 public:
  explicit LabAnnotator(int linktype, LabAnnotateOptions options = {});
  ~LabAnnotator();
  LabAnnotator(LabAnnotator&&) noexcept;
  LabAnnotator& operator=(LabAnnotator&&) noexcept;
  LabAnnotator(const LabAnnotator&) = delete;
  LabAnnotator& operator=(const LabAnnotator&) = delete;

  // Every captured packet, in order, numbered as -# numbers them. A note
  // may be about an earlier packet (a DNS query whose wait ran out).
  std::vector<Note> annotate(const PacketMeta& meta, std::span<const std::uint8_t> bytes);
  LabSummary summary() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// "Lab summary:\n" and indented lines.
NETLAB_API void append_lab_summary_text(const LabSummary& summary, std::string& out, std::size_t max_listed = 32);
// {"lab_summary":{...}} and '\n'.
NETLAB_API void append_lab_summary_json(const LabSummary& summary, std::string& out);

}  // namespace netlab
