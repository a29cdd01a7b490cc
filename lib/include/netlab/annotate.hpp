// ARP annotations for `netlab capture --annotate`: fed the captured frames in
// order, ArpAnnotator says what each ARP (and ICMP echo) frame means for a
// diagnosis: which request a reply answers and how fast, which requests went
// unanswered or were retransmitted, RFC 5227 probes and announcements,
// gratuitous ARP, two MACs claiming one address, replies sent to a MAC that
// did not ask, and source MACs a bridge will drop. At the end, summary()
// sums it up.
//
// Fields come from frames::parse (bounds-checked); the annotator never reads
// a packet byte itself. It keeps state between frames, bounded in size, and
// never prints: render the notes and the summary with the append_* functions.
//
// Pure computation on the bytes it is fed: no privilege, no namespace, no
// system calls, no errors (a frame it cannot read gets no note). Its tables
// are capped (65536 entries each) so a long capture or a hostile file cannot
// grow memory without bound; what falls off is counted, not listed.
#pragma once

#include <netlab/export.hpp>
#include <netlab/packet.hpp>
#include <netlab/types.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace netlab {

// What a note says about a packet; the comment after each kind is its text.
enum class NoteKind : std::uint8_t {
  Reply,              // reply to request #N after X ms (also a reply to a probe: address in use)
  Unanswered,         // request #N got no reply before it was sent again
  Retransmission,     // the same request again (same requester, same target)
  DuplicateReply,     // a further reply to a request already answered
  Unsolicited,        // a reply (not gratuitous) to no request seen in this capture
  Gratuitous,         // gratuitous ARP reply: spa == tpa
  Announcement,       // RFC 5227 ARP announcement: request with spa == tpa
  Probe,              // RFC 5227 ARP probe: request with spa 0.0.0.0
  Conflict,           // one IPv4 address claimed by two MACs
  WrongDestination,   // a reply addressed to a MAC that did not ask
  InvalidSourceMac,   // Ethernet source multicast or all-zero: bridges drop it
  SenderMismatch,     // ARP sha differs from the Ethernet source
  EchoReply,          // ICMP echo reply to request #N after X ms
  EchoUnanswered,     // ICMP echo request #N got no reply before the next one
  EchoDuplicate,      // a further echo reply to an answered request
  // lab_annotate.hpp's notes:
  TopologyChange,     // STP topology change signalled by bridge B (port P): MAC tables age out fast
  RootChange,         // STP root bridge is now R (was Q)
  DnsUnanswered,      // DNS query (type name) to S got no answer within T
  NoQuerier,          // IGMP/MLD reports and no querier: a snooping bridge forgets the groups
};

// "reply", "unanswered", "retransmission", ... (the JSON "kind").
NETLAB_API std::string_view note_kind_name(NoteKind kind) noexcept;

// One annotation of one packet; a plain value the caller owns.
struct Note {
  NoteKind kind = NoteKind::Reply;
  std::uint64_t packet = 0;                 // the packet the note is about (1-based, as -# counts)
  std::string text;                         // "reply to #3 after 0.412 ms"
  std::optional<std::uint64_t> related;     // the other packet: the request, the first answer, ...
  std::optional<std::chrono::nanoseconds> latency;  // reply after request; time waited when unanswered
};

// How to annotate; the defaults suit an offline file.
struct AnnotateOptions {
  // Live capture: the capturing interface's MAC. A reply that answers no
  // request seen and is sent neither to it nor to broadcast is noted.
  std::optional<MacAddr> local_mac;
  // A request repeated after this long without a reply is noted unanswered.
  std::chrono::nanoseconds unanswered_after = std::chrono::seconds(1);
  bool echo = true;  // also pair ICMP echo requests and replies
};

// A request (with its retransmissions) that no reply answered.
struct UnansweredRequest {
  IpAddr target;          // tpa: who was asked for
  IpAddr requester;       // spa
  MacAddr requester_mac;  // sha
  std::uint64_t first = 0;  // packet number of the first try
  std::uint64_t last = 0;   // and of the last
  std::uint64_t tries = 0;
};

// One IPv4 address claimed by several MACs in the capture.
struct AddressConflict {
  IpAddr address;
  std::vector<MacAddr> macs;   // in the order they were seen
  std::uint64_t packet = 0;    // where the second MAC first appeared
};

// Reply latencies over the capture.
struct LatencyStats {
  std::uint64_t count = 0;
  std::chrono::nanoseconds median{0}, max{0};  // meaningful when count > 0
};

// The whole capture summed up (`netlab capture --annotate`'s closing block).
struct ArpSummary {
  bool annotated = true;     // false: the link type has no Ethernet frames
  int linktype = 1;
  std::uint64_t packets = 0;
  std::uint64_t requests = 0;   // ARP requests (probes and announcements included)
  std::uint64_t replies = 0;    // ARP replies (gratuitous ones included)
  std::uint64_t answered = 0;   // requests (with their retransmissions) that got a reply
  std::vector<UnansweredRequest> unanswered;  // at the end of the capture; probes excluded
  std::uint64_t unanswered_unlisted = 0;      // beyond the tables' bounds: counted, not listed
  std::vector<AddressConflict> duplicates;    // addresses with more than one MAC
  std::uint64_t duplicate_replies = 0;
  std::uint64_t unsolicited = 0;
  std::uint64_t wrong_destination = 0;
  std::uint64_t probes = 0;
  std::uint64_t announcements = 0;
  std::uint64_t gratuitous = 0;  // spa == tpa: announcements and gratuitous replies
  std::uint64_t invalid_source = 0;  // frames of any protocol
  std::uint64_t sender_mismatch = 0;
  LatencyStats latency;          // request -> reply
  std::uint64_t echo_requests = 0, echo_replies = 0, echo_answered = 0, echo_unanswered = 0;
  LatencyStats echo_latency;
};

// Move-only; not thread-safe: feed one annotator from one thread.
class NETLAB_API ArpAnnotator {
 public:
  // linktype: the capture's DLT_*; only Ethernet (1) is annotated.
  explicit ArpAnnotator(int linktype, AnnotateOptions options = {});
  ~ArpAnnotator();
  ArpAnnotator(ArpAnnotator&&) noexcept;
  ArpAnnotator& operator=(ArpAnnotator&&) noexcept;
  ArpAnnotator(const ArpAnnotator&) = delete;
  ArpAnnotator& operator=(const ArpAnnotator&) = delete;

  // False when the link type is not Ethernet: every annotate() returns nothing.
  bool annotates() const noexcept;
  // Feed every captured packet, in order (the count must match the packet
  // numbers the printer shows); returns its notes, possibly none.
  // bytes is read during the call only (nothing keeps a pointer into it);
  // meta gives the packet's time, which orders latencies. A note may be about
  // an earlier packet (Unanswered names the request it concerns).
  std::vector<Note> annotate(const PacketMeta& meta, std::span<const std::uint8_t> bytes);
  // The state so far; requests still waiting count as unanswered.
  // A copy: it does not change the annotator, and may be taken at any time.
  ArpSummary summary() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The render functions append to `out` and never fail.
// "    ^ reply to #3 after 0.412 ms\n"
NETLAB_API void append_note_text(const Note& note, std::string& out);
// {"annotation":{"packet":4,"kind":"reply","related":3,"latency_us":412,"text":"..."}} and '\n'
NETLAB_API void append_note_json(const Note& note, std::string& out);
// "ARP summary:\n" and indented lines; long lists are cut at max_listed rows.
NETLAB_API void append_summary_text(const ArpSummary& summary, std::string& out, std::size_t max_listed = 32);
// {"arp_summary":{...}} and '\n', every list complete.
NETLAB_API void append_summary_json(const ArpSummary& summary, std::string& out);

}  // namespace netlab
