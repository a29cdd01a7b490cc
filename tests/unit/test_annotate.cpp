// ArpAnnotator (lib/src/capture/annotate.cpp): frames built with
// netlab::frames, fed with chosen timestamps; each case checks the notes a
// diagnosis depends on (kinds, packet numbers, latency, text) and the summary,
// and the renderers' text and JSON. Truncated and mutated frames never crash.
#include <netlab/annotate.hpp>
#include <netlab/frames.hpp>

#include <catch2/catch.hpp>

#include <mini_json.hpp>

#include <algorithm>
#include <random>

using netlab::ArpAnnotator;
using netlab::MacAddr;
using netlab::Note;
using netlab::NoteKind;
namespace frames = netlab::frames;

namespace {

using Bytes = std::vector<std::uint8_t>;

MacAddr mac(const char* s) { return MacAddr::parse(s).value(); }
netlab::IpAddr ip(const char* s) { return netlab::IpAddr::parse(s).value(); }

const MacAddr kHost = mac("02:00:00:00:00:01");   // the requester
const MacAddr kGuest = mac("02:00:00:00:00:02");  // the one asked for
const MacAddr kOther = mac("02:00:00:00:00:03");

// Feeds frames at given times (microseconds since the epoch's second 1000).
struct Feeder {
  ArpAnnotator annotator;
  explicit Feeder(netlab::AnnotateOptions o = {}, int linktype = 1) : annotator(linktype, o) {}
  std::vector<Note> at(std::int64_t usec, const Bytes& frame) {
    netlab::PacketMeta m;
    m.sec = 1000 + usec / 1'000'000;
    m.frac = static_cast<std::uint32_t>(usec % 1'000'000);
    m.caplen = m.len = static_cast<std::uint32_t>(frame.size());
    return annotator.annotate(m, frame);
  }
};

frames::Arp request_arp(const MacAddr& sha, const char* spa, const char* tpa) {
  frames::Arp a;
  a.op = frames::kArpRequest;
  a.sha = sha;
  a.spa = ip(spa);
  a.tpa = ip(tpa);
  return a;
}

Bytes request(const char* target = "192.0.2.2") { return frames::arp_request(kHost, ip("192.0.2.1"), ip(target)); }
Bytes reply_from(const MacAddr& who, const char* target = "192.0.2.2") {
  return frames::arp_reply_to(request_arp(kHost, "192.0.2.1", target), who);
}

std::vector<NoteKind> kinds(const std::vector<Note>& notes) {
  std::vector<NoteKind> k;
  for (const auto& n : notes) k.push_back(n.kind);
  return k;
}

const Note& only(const std::vector<Note>& notes, NoteKind kind) {
  auto it = std::find_if(notes.begin(), notes.end(), [kind](const Note& n) { return n.kind == kind; });
  INFO("looking for " << netlab::note_kind_name(kind));
  REQUIRE(it != notes.end());
  REQUIRE(std::count_if(notes.begin(), notes.end(), [kind](const Note& n) { return n.kind == kind; }) == 1);
  return *it;
}

bool has(const std::vector<Note>& notes, NoteKind kind) {
  return std::any_of(notes.begin(), notes.end(), [kind](const Note& n) { return n.kind == kind; });
}

}  // namespace

TEST_CASE("ArpAnnotator::annotate matches a reply to its request with the latency", "[annotate]") {
  Feeder f;
  CHECK(f.at(0, request()).empty());
  auto notes = f.at(412, reply_from(kGuest));
  REQUIRE(notes.size() == 1);
  const Note& n = notes[0];
  CHECK(n.kind == NoteKind::Reply);
  CHECK(n.packet == 2);
  CHECK(n.related == 1u);
  REQUIRE(n.latency);
  CHECK(n.latency->count() == 412'000);
  CHECK(n.text == "reply to #1 after 0.412 ms");

  auto s = f.annotator.summary();
  CHECK(s.annotated);
  CHECK(s.packets == 2);
  CHECK(s.requests == 1);
  CHECK(s.replies == 1);
  CHECK(s.answered == 1);
  CHECK(s.unanswered.empty());
  CHECK(s.duplicates.empty());
  CHECK(s.latency.count == 1);
  CHECK(s.latency.median.count() == 412'000);
  CHECK(s.latency.max.count() == 412'000);
}

TEST_CASE("ArpAnnotator::annotate counts every packet so numbers follow -#", "[annotate]") {
  Feeder f;
  frames::EchoSpec e;
  e.eth_dst = kGuest;
  e.eth_src = kHost;
  e.src = ip("192.0.2.1");
  e.dst = ip("198.51.100.7");  // not paired: no reply comes
  e.id = 9;
  CHECK(f.at(0, frames::icmp_echo(e)).empty());
  CHECK(f.at(10, Bytes{1, 2, 3}).empty());  // not even an Ethernet header
  CHECK(f.at(20, request()).empty());
  auto notes = f.at(1020, reply_from(kGuest));
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].packet == 4);
  CHECK(notes[0].related == 3u);
  CHECK(notes[0].text == "reply to #3 after 1.000 ms");
  CHECK(f.annotator.summary().packets == 4);
}

TEST_CASE("ArpAnnotator::annotate measures latency from nanosecond timestamps", "[annotate]") {
  ArpAnnotator a(1);
  netlab::PacketMeta m;
  m.nano = true;
  m.sec = 5;
  m.frac = 999'999'900;
  auto rq = request();
  m.caplen = m.len = static_cast<std::uint32_t>(rq.size());
  CHECK(a.annotate(m, rq).empty());
  m.sec = 6;
  m.frac = 150;  // 250 ns later, across the second
  auto notes = a.annotate(m, reply_from(kGuest));
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].latency->count() == 250);
  CHECK(notes[0].text == "reply to #1 after 0.000 ms");
}

TEST_CASE("ArpAnnotator::annotate notes retransmissions and unanswered requests", "[annotate]") {
  Feeder f;
  CHECK(f.at(0, request()).empty());
  // The kernel's next try one second later: #1 went unanswered.
  auto second = f.at(1'000'100, request());
  CHECK(kinds(second) == std::vector<NoteKind>{NoteKind::Unanswered, NoteKind::Retransmission});
  CHECK(second[0].related == 1u);
  CHECK(second[0].latency->count() == 1'000'100'000);
  CHECK(second[0].text == "request #1 for 192.0.2.2 unanswered after 1.000 s");
  CHECK(second[1].related == 1u);
  CHECK(second[1].text == "retransmission of request #1 (try 2)");

  // A quick repeat is a retransmission, not yet a timeout.
  auto third = f.at(1'200'000, request());
  CHECK(kinds(third) == std::vector<NoteKind>{NoteKind::Retransmission});
  CHECK(third[0].text == "retransmission of request #1 (try 3)");

  auto fourth = f.at(2'300'000, request());
  CHECK(only(fourth, NoteKind::Unanswered).related == 3u);

  // A request for another target stays apart.
  CHECK(f.at(2'400'000, request("192.0.2.9")).empty());

  auto s = f.annotator.summary();
  CHECK(s.requests == 5);
  CHECK(s.answered == 0);
  REQUIRE(s.unanswered.size() == 2);
  CHECK(s.unanswered[0].target == ip("192.0.2.2"));
  CHECK(s.unanswered[0].requester == ip("192.0.2.1"));
  CHECK(s.unanswered[0].requester_mac == kHost);
  CHECK(s.unanswered[0].tries == 4);
  CHECK(s.unanswered[0].first == 1);
  CHECK(s.unanswered[0].last == 4);
  CHECK(s.unanswered[1].target == ip("192.0.2.9"));
  CHECK(s.unanswered[1].tries == 1);

  // The reply comes at last: to the latest try, and the series is answered.
  auto late = f.at(2'300'500, reply_from(kGuest));
  CHECK(only(late, NoteKind::Reply).text == "reply to #4 after 0.500 ms");
  s = f.annotator.summary();
  CHECK(s.answered == 1);
  REQUIRE(s.unanswered.size() == 1);
  CHECK(s.unanswered[0].target == ip("192.0.2.9"));
}

TEST_CASE("ArpAnnotator::annotate honours unanswered_after", "[annotate]") {
  netlab::AnnotateOptions o;
  o.unanswered_after = std::chrono::milliseconds(100);
  Feeder f(o);
  f.at(0, request());
  CHECK(has(f.at(150'000, request()), NoteKind::Unanswered));
  Feeder g;  // the default second
  g.at(0, request());
  CHECK_FALSE(has(g.at(150'000, request()), NoteKind::Unanswered));
}

TEST_CASE("ArpAnnotator::annotate names RFC 5227 probes, announcements and gratuitous ARP", "[annotate]") {
  Feeder f;
  // Probe: sender 0.0.0.0, sent three times on purpose: never "unanswered".
  auto probe = frames::arp_request(kGuest, frames::ipv4_any(), ip("192.0.2.5"));
  auto p1 = f.at(0, probe);
  CHECK(kinds(p1) == std::vector<NoteKind>{NoteKind::Probe});
  CHECK(p1[0].text == "RFC 5227 ARP probe for 192.0.2.5 from 02:00:00:00:00:02");
  auto p2 = f.at(1'500'000, probe);
  CHECK(kinds(p2) == std::vector<NoteKind>{NoteKind::Probe});
  CHECK(p2[0].text == "RFC 5227 ARP probe for 192.0.2.5 from 02:00:00:00:00:02 (try 2, first #1)");

  // Announcement: a request with sender == target, zero target MAC ...
  auto ann = request_arp(kGuest, "192.0.2.5", "192.0.2.5");
  auto a1 = f.at(3'000'000, frames::arp(frames::broadcast_mac(), kGuest, ann));
  CHECK(kinds(a1) == std::vector<NoteKind>{NoteKind::Announcement});
  CHECK(a1[0].text == "gratuitous ARP: RFC 5227 ARP announcement, 192.0.2.5 is-at 02:00:00:00:00:02");
  // ... or any target MAC.
  ann.tha = frames::broadcast_mac();
  CHECK(kinds(f.at(3'100'000, frames::arp(frames::broadcast_mac(), kGuest, ann))) ==
        std::vector<NoteKind>{NoteKind::Announcement});

  // Gratuitous reply.
  frames::Arp grat = ann;
  grat.op = frames::kArpReply;
  auto g1 = f.at(3'200'000, frames::arp(frames::broadcast_mac(), kGuest, grat));
  CHECK(kinds(g1) == std::vector<NoteKind>{NoteKind::Gratuitous});
  CHECK(g1[0].text == "gratuitous ARP reply: 192.0.2.5 is-at 02:00:00:00:00:02");

  auto s = f.annotator.summary();
  CHECK(s.probes == 2);
  CHECK(s.announcements == 2);
  CHECK(s.gratuitous == 3);
  CHECK(s.requests == 4);
  CHECK(s.replies == 1);
  CHECK(s.unanswered.empty());
  CHECK(s.unsolicited == 0);
  CHECK(s.duplicates.empty());  // one MAC throughout
}

TEST_CASE("ArpAnnotator::annotate says a probed address is in use when the probe is answered", "[annotate]") {
  Feeder f;
  auto probe = request_arp(kGuest, "0.0.0.0", "192.0.2.5");
  f.at(0, frames::arp(frames::broadcast_mac(), kGuest, probe));
  // Linux answers a probe to its sender's MAC, with target address 0.0.0.0.
  auto notes = f.at(300, frames::arp_reply_to(probe, kOther));
  const Note& n = only(notes, NoteKind::Reply);
  CHECK(n.related == 1u);
  CHECK(n.text == "reply to probe #1 after 0.300 ms: 192.0.2.5 is already in use by 02:00:00:00:00:03");
  CHECK_FALSE(has(notes, NoteKind::WrongDestination));
  CHECK(f.annotator.summary().answered == 1);
}

TEST_CASE("ArpAnnotator::annotate reports two MACs for one address", "[annotate]") {
  SECTION("two replies to one request") {
    Feeder f;
    f.at(0, request());
    CHECK(kinds(f.at(100, reply_from(kGuest))) == std::vector<NoteKind>{NoteKind::Reply});
    auto notes = f.at(200, reply_from(kOther));
    CHECK(kinds(notes) == std::vector<NoteKind>{NoteKind::DuplicateReply, NoteKind::Conflict});
    CHECK(notes[0].text == "another reply to #1 (first answered by #2)");
    CHECK(notes[0].related == 2u);
    CHECK(notes[1].text == "conflict: 192.0.2.2 is-at 02:00:00:00:00:02 (#2) and 02:00:00:00:00:03");
    CHECK(notes[1].related == 2u);
    auto s = f.annotator.summary();
    CHECK(s.duplicate_replies == 1);
    REQUIRE(s.duplicates.size() == 1);
    CHECK(s.duplicates[0].address == ip("192.0.2.2"));
    CHECK(s.duplicates[0].macs == std::vector<MacAddr>{kGuest, kOther});
    CHECK(s.duplicates[0].packet == 3);
  }
  SECTION("the same MAC answering twice is a duplicate reply, not a conflict") {
    Feeder f;
    f.at(0, request());
    f.at(100, reply_from(kGuest));
    CHECK(kinds(f.at(200, reply_from(kGuest))) == std::vector<NoteKind>{NoteKind::DuplicateReply});
    CHECK(f.annotator.summary().duplicates.empty());
  }
  SECTION("a reply after another MAC's announcement") {
    Feeder f;
    f.at(0, frames::arp(frames::broadcast_mac(), kGuest, request_arp(kGuest, "192.0.2.2", "192.0.2.2")));
    f.at(10, request());
    auto notes = f.at(20, reply_from(kOther));
    CHECK(only(notes, NoteKind::Conflict).text ==
          "conflict: 192.0.2.2 is-at 02:00:00:00:00:02 (#1) and 02:00:00:00:00:03");
    CHECK(has(notes, NoteKind::Reply));
  }
  SECTION("VLANs are separate segments") {
    Feeder f;
    auto tagged = [](Bytes frame, std::uint8_t vid) {  // insert an 802.1Q tag after the MACs
      frame.insert(frame.begin() + 12, {0x81, 0x00, 0x00, vid});
      return frame;
    };
    f.at(0, tagged(reply_from(kGuest), 10));
    auto notes = f.at(10, tagged(reply_from(kOther), 20));
    CHECK_FALSE(has(notes, NoteKind::Conflict));
    CHECK(has(f.at(20, tagged(reply_from(kOther), 10)), NoteKind::Conflict));
  }
}

TEST_CASE("ArpAnnotator::annotate flags replies to a MAC that did not ask", "[annotate]") {
  SECTION("Ethernet destination other than the requester") {
    Feeder f;
    f.at(0, request());
    auto a = request_arp(kHost, "192.0.2.1", "192.0.2.2");
    frames::Arp r;
    r.op = frames::kArpReply;
    r.sha = kGuest;
    r.spa = a.tpa;
    r.tha = a.sha;  // right in ARP ...
    r.tpa = a.spa;
    auto notes = f.at(100, frames::arp(kOther, kGuest, r));  // ... wrong on the wire
    CHECK(has(notes, NoteKind::Reply));
    CHECK(only(notes, NoteKind::WrongDestination).text ==
          "reply sent to 02:00:00:00:00:03, but request #1 came from 02:00:00:00:00:01");
    CHECK(f.annotator.summary().wrong_destination == 1);
  }
  SECTION("ARP target MAC other than the requester's") {
    Feeder f;
    f.at(0, request());
    frames::Arp r;
    r.op = frames::kArpReply;
    r.sha = kGuest;
    r.spa = ip("192.0.2.2");
    r.tha = kOther;
    r.tpa = ip("192.0.2.1");
    auto notes = f.at(100, frames::arp(kHost, kGuest, r));
    CHECK(only(notes, NoteKind::Reply).related == 1u);  // still paired, by addresses
    CHECK(only(notes, NoteKind::WrongDestination).text ==
          "reply's target MAC 02:00:00:00:00:03 is not the requester's 02:00:00:00:00:01 (request #1)");
  }
  SECTION("a broadcast reply reaches the requester") {
    Feeder f;
    f.at(0, request());
    frames::Arp r = request_arp(kGuest, "192.0.2.2", "192.0.2.1");
    r.op = frames::kArpReply;
    r.tha = kHost;
    auto notes = f.at(100, frames::arp(frames::broadcast_mac(), kGuest, r));
    CHECK(kinds(notes) == std::vector<NoteKind>{NoteKind::Reply});
  }
  SECTION("live: a reply nobody here asked for, not to this interface") {
    netlab::AnnotateOptions o;
    o.local_mac = kHost;
    Feeder f(o);
    auto to_other = frames::arp_reply_to(request_arp(kOther, "192.0.2.3", "192.0.2.2"), kGuest);
    auto notes = f.at(0, to_other);
    CHECK(kinds(notes) == std::vector<NoteKind>{NoteKind::Unsolicited, NoteKind::WrongDestination});
    CHECK(notes[1].text == "reply sent to 02:00:00:00:00:03, not to this interface (02:00:00:00:00:01)");
    // To us, unsolicited but not misaddressed.
    CHECK(kinds(f.at(10, reply_from(kGuest))) == std::vector<NoteKind>{NoteKind::Unsolicited});
    auto s = f.annotator.summary();
    CHECK(s.unsolicited == 2);
    CHECK(s.wrong_destination == 1);
  }
  SECTION("offline: no interface to compare with") {
    Feeder f;
    auto to_other = frames::arp_reply_to(request_arp(kOther, "192.0.2.3", "192.0.2.2"), kGuest);
    CHECK(kinds(f.at(0, to_other)) == std::vector<NoteKind>{NoteKind::Unsolicited});
  }
}

TEST_CASE("ArpAnnotator::annotate flags source MACs a bridge drops", "[annotate]") {
  Feeder f;
  auto a = request_arp(kHost, "192.0.2.1", "192.0.2.2");
  a.sha = mac("01:00:5e:00:00:01");
  auto notes = f.at(0, frames::arp(frames::broadcast_mac(), a.sha, a));
  CHECK(only(notes, NoteKind::InvalidSourceMac).text ==
        "invalid source MAC 01:00:5e:00:00:01 (multicast: I/G bit set): bridges drop it (cause invalid-guest-mac)");
  CHECK_FALSE(has(notes, NoteKind::SenderMismatch));

  // All-zero source, on any protocol.
  frames::EchoSpec e;
  e.eth_dst = kHost;
  e.src = ip("192.0.2.2");
  e.dst = ip("192.0.2.1");
  auto zero = f.at(10, frames::icmp_echo(e));
  CHECK(only(zero, NoteKind::InvalidSourceMac).text ==
        "invalid source MAC 00:00:00:00:00:00 (all zero): bridges drop it (cause invalid-guest-mac)");

  // Loopback (lo) frames have zero for both MACs: not a guest's fault.
  e.eth_dst = MacAddr{};
  CHECK(f.at(15, frames::icmp_echo(e)).empty());

  // A good frame says nothing; an ARP sender unlike the Ethernet source is noted.
  CHECK(f.at(20, request("192.0.2.50")).empty());
  auto b = request_arp(kHost, "192.0.2.1", "192.0.2.51");
  auto mismatch = f.at(30, frames::arp(frames::broadcast_mac(), kGuest, b));
  CHECK(kinds(mismatch) == std::vector<NoteKind>{NoteKind::SenderMismatch});
  CHECK(mismatch[0].text == "ARP sender MAC 02:00:00:00:00:01 differs from Ethernet source 02:00:00:00:00:02");

  auto s = f.annotator.summary();
  CHECK(s.invalid_source == 2);
  CHECK(s.sender_mismatch == 1);
}

TEST_CASE("ArpAnnotator::annotate pairs ICMP echo requests and replies", "[annotate]") {
  Feeder f;
  frames::EchoSpec e;
  e.eth_dst = kGuest;
  e.eth_src = kHost;
  e.src = ip("192.0.2.1");
  e.dst = ip("192.0.2.2");
  e.id = 77;
  e.seq = 1;
  frames::EchoSpec r = e;
  r.reply = true;
  std::swap(r.eth_dst, r.eth_src);
  std::swap(r.src, r.dst);

  CHECK(f.at(0, frames::icmp_echo(e)).empty());
  auto rep = f.at(51, frames::icmp_echo(r));
  CHECK(kinds(rep) == std::vector<NoteKind>{NoteKind::EchoReply});
  CHECK(rep[0].text == "echo reply to #1 after 0.051 ms");
  CHECK(rep[0].related == 1u);
  CHECK(kinds(f.at(60, frames::icmp_echo(r))) == std::vector<NoteKind>{NoteKind::EchoDuplicate});

  e.seq = 2;  // #4: never answered
  CHECK(f.at(1'000'000, frames::icmp_echo(e)).empty());
  e.seq = 3;  // #5, a second later: #4 is overdue
  auto next = f.at(2'000'500, frames::icmp_echo(e));
  CHECK(kinds(next) == std::vector<NoteKind>{NoteKind::EchoUnanswered});
  CHECK(next[0].related == 4u);
  CHECK(next[0].text == "echo request #4 unanswered after 1.000 s");

  auto s = f.annotator.summary();
  CHECK(s.echo_requests == 3);
  CHECK(s.echo_replies == 2);
  CHECK(s.echo_answered == 1);
  CHECK(s.echo_unanswered == 2);  // #4 reported, #5 still waiting
  CHECK(s.echo_latency.count == 1);
  CHECK(s.echo_latency.median.count() == 51'000);

  // #4's reply comes late after all.
  r.seq = 2;
  auto late = f.at(2'100'000, frames::icmp_echo(r));
  CHECK(only(late, NoteKind::EchoReply).text == "echo reply to #4 after 1100.000 ms (late)");
  CHECK(f.annotator.summary().echo_unanswered == 1);

  netlab::AnnotateOptions no_echo;
  no_echo.echo = false;
  Feeder g(no_echo);
  e.seq = 9;
  r.seq = 9;
  g.at(0, frames::icmp_echo(e));
  CHECK(g.at(10, frames::icmp_echo(r)).empty());
}

TEST_CASE("ArpAnnotator::summary latency median and max", "[annotate]") {
  Feeder f;
  const char* targets[] = {"192.0.2.11", "192.0.2.12", "192.0.2.13", "192.0.2.14"};
  const std::int64_t latency_us[] = {300, 100, 900, 200};
  std::int64_t t = 0;
  for (int i = 0; i < 4; ++i) {
    f.at(t, request(targets[i]));
    f.at(t + latency_us[i], reply_from(kGuest, targets[i]));
    t += 10'000;
  }
  auto s = f.annotator.summary();
  CHECK(s.answered == 4);
  CHECK(s.latency.count == 4);
  CHECK(s.latency.median.count() == 250'000);  // between 200 and 300
  CHECK(s.latency.max.count() == 900'000);
}

TEST_CASE("ArpAnnotator on a link type without Ethernet annotates nothing", "[annotate]") {
  Feeder f({}, 113);  // Linux cooked capture
  CHECK_FALSE(f.annotator.annotates());
  CHECK(f.at(0, request()).empty());
  CHECK(f.at(10, reply_from(kGuest)).empty());
  auto s = f.annotator.summary();
  CHECK_FALSE(s.annotated);
  CHECK(s.packets == 2);
  CHECK(s.requests == 0);
  std::string text;
  netlab::append_summary_text(s, text);
  CHECK(text == "ARP summary:\n  not annotated: link type 113 is not Ethernet\n");
  std::string json;
  netlab::append_summary_json(s, json);
  CHECK(json == "{\"arp_summary\":{\"annotated\":false,\"linktype\":113,\"packets\":2}}\n");
}

TEST_CASE("ArpAnnotator::annotate survives truncated and mutated frames", "[annotate]") {
  std::vector<Bytes> bases{request(), reply_from(kGuest),
                           frames::arp_request(kGuest, frames::ipv4_any(), ip("192.0.2.5"))};
  frames::EchoSpec e;
  e.eth_dst = kGuest;
  e.eth_src = kHost;
  e.src = ip("192.0.2.1");
  e.dst = ip("192.0.2.2");
  bases.push_back(frames::icmp_echo(e));

  Feeder f;
  std::int64_t t = 0;
  for (const auto& base : bases) {
    // Every prefix: an ARP frame cut anywhere yields no ARP note (the fields
    // are not all there) and never a read past the end (ASan would say).
    for (std::size_t n = 0; n <= base.size(); ++n) {
      Bytes cut(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(n));
      auto notes = f.at(t += 10, cut);
      if (n < 14 + 28)
        for (const auto& note : notes) CHECK(note.kind != NoteKind::Reply);
    }
  }
  // Only whole ARP frames were counted.
  auto s = f.annotator.summary();
  CHECK(s.requests == 2 * 19);  // request and probe: bytes 42..60 hold the whole ARP header
  CHECK(s.replies == 19);

  std::mt19937 rng(20250);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 4000; ++round) {
    Bytes m = bases[static_cast<std::size_t>(round) % bases.size()];
    int flips = 1 + round % 6;
    for (int k = 0; k < flips; ++k) m[static_cast<std::size_t>(byte(rng)) % m.size()] = static_cast<std::uint8_t>(byte(rng));
    m.resize(static_cast<std::size_t>(byte(rng)) % (m.size() + 1));
    auto notes = f.at(t += 7, m);
    for (const auto& note : notes) {
      CHECK_FALSE(note.text.empty());
      CHECK(note.packet == f.annotator.summary().packets);
    }
  }
  std::string text, json;
  netlab::append_summary_text(f.annotator.summary(), text);
  netlab::append_summary_json(f.annotator.summary(), json);
  CHECK(text.rfind("ARP summary:\n", 0) == 0);
  CHECK_NOTHROW(testjson::parse(json));
}

TEST_CASE("append_note_text and append_note_json", "[annotate]") {
  Feeder f;
  f.at(0, request());
  auto notes = f.at(412, reply_from(kGuest));
  REQUIRE(notes.size() == 1);
  std::string text;
  netlab::append_note_text(notes[0], text);
  CHECK(text == "    ^ reply to #1 after 0.412 ms\n");
  std::string json;
  netlab::append_note_json(notes[0], json);
  CHECK(json == "{\"annotation\":{\"packet\":2,\"kind\":\"reply\",\"related\":1,\"latency_us\":412,"
                "\"text\":\"reply to #1 after 0.412 ms\"}}\n");

  auto probe = f.at(500, frames::arp_request(kGuest, frames::ipv4_any(), ip("192.0.2.5")));
  REQUIRE(probe.size() == 1);
  json.clear();
  netlab::append_note_json(probe[0], json);
  auto v = testjson::parse(json);
  CHECK(v["annotation"]["kind"].str() == "probe");
  CHECK(v["annotation"]["packet"].num() == 3);
  CHECK_FALSE(v["annotation"].has("related"));
  CHECK_FALSE(v["annotation"].has("latency_us"));
}

TEST_CASE("append_summary_text and append_summary_json", "[annotate]") {
  Feeder f;
  f.at(0, request());                          // #1
  f.at(412, reply_from(kGuest));               // #2 answers #1
  f.at(1000, reply_from(kOther));              // #3 duplicate and conflict
  f.at(2000, request("192.0.2.9"));            // #4
  f.at(1'002'000, request("192.0.2.9"));       // #5 retry, never answered
  f.at(1'003'000, frames::arp_request(kGuest, frames::ipv4_any(), ip("192.0.2.5")));  // #6 probe
  auto s = f.annotator.summary();

  std::string text;
  netlab::append_summary_text(s, text);
  CHECK(text ==
        "ARP summary:\n"
        "  requests 4, replies 2, answered 1, unanswered 1\n"
        "  latency: median 0.412 ms, max 0.412 ms\n"
        "  unanswered: who-has 192.0.2.9 tell 192.0.2.1 (02:00:00:00:00:01), 2 tries, #4 to #5\n"
        "  conflict: 192.0.2.2 is-at 02:00:00:00:00:02 and 02:00:00:00:00:03, from #3\n"
        "  duplicate replies 1, unsolicited replies 0, wrong destination 0\n"
        "  probes 1, announcements 0, gratuitous 0\n"
        "  invalid source MACs 0, sender mismatches 0\n"
        "  echo: requests 0, replies 0, answered 0, unanswered 0; latency: none measured\n");

  std::string cut;
  netlab::append_summary_text(s, cut, 0);
  CHECK(cut.find("  ... and 1 more unanswered (-j lists them all)\n") != std::string::npos);
  CHECK(cut.find("  ... and 1 more conflicts (-j lists them all)\n") != std::string::npos);
  CHECK(cut.find("who-has") == std::string::npos);

  std::string json;
  netlab::append_summary_json(s, json);
  REQUIRE(json.back() == '\n');
  CHECK(std::count(json.begin(), json.end(), '\n') == 1);
  auto v = testjson::parse(json)["arp_summary"];
  CHECK(v["annotated"].boolean());
  CHECK(v["packets"].num() == 6);
  CHECK(v["requests"].num() == 4);
  CHECK(v["replies"].num() == 2);
  CHECK(v["answered"].num() == 1);
  CHECK(v["unanswered_count"].num() == 1);
  REQUIRE(v["unanswered"].array().size() == 1);
  const auto& u = v["unanswered"].array()[0];
  CHECK(u["target"].str() == "192.0.2.9");
  CHECK(u["requester"].str() == "192.0.2.1");
  CHECK(u["requester_mac"].str() == "02:00:00:00:00:01");
  CHECK(u["tries"].num() == 2);
  CHECK(u["first"].num() == 4);
  CHECK(u["last"].num() == 5);
  REQUIRE(v["duplicates"].array().size() == 1);
  const auto& d = v["duplicates"].array()[0];
  CHECK(d["address"].str() == "192.0.2.2");
  REQUIRE(d["macs"].array().size() == 2);
  CHECK(d["macs"].array()[1].str() == "02:00:00:00:00:03");
  CHECK(d["packet"].num() == 3);
  CHECK(v["duplicate_replies"].num() == 1);
  CHECK(v["probes"].num() == 1);
  CHECK(v["latency"]["count"].num() == 1);
  CHECK(v["latency"]["median_us"].num() == 412);
  CHECK(v["latency"]["max_us"].num() == 412);
  CHECK(v["echo"]["latency"]["count"].num() == 0);
  CHECK_FALSE(v["echo"]["latency"].has("median_us"));
}

TEST_CASE("ArpAnnotator keeps its tables bounded on a flood of distinct requests", "[annotate]") {
  Feeder f;
  // More distinct unanswered requests than the series table holds (65536):
  // the oldest move to the summary's list, none is lost from the count.
  const std::uint32_t n = 70'000;
  std::int64_t t = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::array<std::uint8_t, 4> b{198, 18, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)};
    const std::array<std::uint8_t, 4> src{203, 0, 113, static_cast<std::uint8_t>(1 + i / 65536)};
    f.at(t += 1, frames::arp_request(kHost, netlab::IpAddr::v4(src), netlab::IpAddr::v4(b)));
  }
  auto s = f.annotator.summary();
  CHECK(s.requests == n);
  CHECK(s.unanswered.size() + s.unanswered_unlisted == n);
  CHECK(std::is_sorted(s.unanswered.begin(), s.unanswered.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; }));
}
