// LabAnnotator (lib/src/arp/lab_annotate.cpp): STP topology and root
// changes, DNS queries left unanswered, IGMP/MLD reports with no querier.
// Frames are built here byte by byte and fed at chosen times; each case
// checks the notes (kind, packet, text) and the summary, text and JSON.
// Cut and mutated frames never crash and never note.
#include <netlab/lab_annotate.hpp>

#include <catch2/catch.hpp>

#include <mini_json.hpp>

#include <random>
#include <string>
#include <vector>

using netlab::LabAnnotator;
using netlab::Note;
using netlab::NoteKind;

namespace {

using Bytes = std::vector<std::uint8_t>;

struct Feeder {
  LabAnnotator annotator;
  explicit Feeder(netlab::LabAnnotateOptions o = {}) : annotator(1, std::move(o)) {}
  std::vector<Note> at(double seconds, const Bytes& frame) {
    netlab::PacketMeta m;
    const auto usec = static_cast<std::int64_t>(seconds * 1e6);
    m.sec = 2000 + usec / 1'000'000;
    m.frac = static_cast<std::uint32_t>(usec % 1'000'000);
    m.caplen = m.len = static_cast<std::uint32_t>(frame.size());
    return annotator.annotate(m, frame);
  }
};

void put16(Bytes& b, unsigned v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}

const Bytes kSrc = {0x02, 0x00, 0x00, 0x00, 0x00, 0x07};

// 802.3 + LLC + a config (type 0) or RST (type 2) BPDU.
Bytes bpdu(std::uint8_t type, std::uint8_t flags, std::uint8_t root_low, std::uint8_t bridge_low, unsigned port) {
  Bytes body = {0x42, 0x42, 0x03, 0, 0, static_cast<std::uint8_t>(type == 2 ? 2 : 0), type, flags};
  Bytes root = {0x80, 0x00, 0x02, 0, 0, 0, 0, root_low};
  Bytes bridge = {0x80, 0x00, 0x02, 0, 0, 0, 0, bridge_low};
  body.insert(body.end(), root.begin(), root.end());
  body.insert(body.end(), {0, 0, 0, 4});
  body.insert(body.end(), bridge.begin(), bridge.end());
  put16(body, port);
  body.insert(body.end(), {0, 0, 0x14, 0, 0x02, 0, 0x0f, 0});
  Bytes f = {0x01, 0x80, 0xc2, 0, 0, 0};
  f.insert(f.end(), kSrc.begin(), kSrc.end());
  put16(f, static_cast<unsigned>(body.size()));
  f.insert(f.end(), body.begin(), body.end());
  return f;
}

Bytes tcn() {
  Bytes f = {0x01, 0x80, 0xc2, 0, 0, 0};
  f.insert(f.end(), kSrc.begin(), kSrc.end());
  f.insert(f.end(), {0x00, 0x07, 0x42, 0x42, 0x03, 0, 0, 0, 0x80});
  return f;
}

// Ethernet + IPv4 (no options unless given) + payload; checksums are not
// what the annotator reads.
Bytes ipv4(std::uint8_t proto, const Bytes& src, const Bytes& dst, const Bytes& payload, const Bytes& options = {}) {
  Bytes f = {0x02, 0, 0, 0, 0, 0x01};
  f.insert(f.end(), kSrc.begin(), kSrc.end());
  put16(f, 0x0800);
  const unsigned hl = 20 + static_cast<unsigned>(options.size());
  f.push_back(static_cast<std::uint8_t>(0x40 | hl / 4));
  f.push_back(0);
  put16(f, hl + static_cast<unsigned>(payload.size()));
  f.insert(f.end(), {0, 1, 0, 0, 64, proto, 0, 0});
  f.insert(f.end(), src.begin(), src.end());
  f.insert(f.end(), dst.begin(), dst.end());
  f.insert(f.end(), options.begin(), options.end());
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

const Bytes kClient = {192, 0, 2, 10}, kResolver = {192, 0, 2, 53};

Bytes dns(bool response, unsigned id, unsigned client_port) {
  Bytes msg;
  put16(msg, id);
  put16(msg, response ? 0x8180 : 0x0100);
  put16(msg, 1);
  put16(msg, response ? 1 : 0);
  put16(msg, 0);
  put16(msg, 0);
  msg.insert(msg.end(), {3, 'l', 'a', 'b', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0});
  put16(msg, 1);
  put16(msg, 1);
  if (response) msg.insert(msg.end(), {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 1, 0x2c, 0, 4, 203, 0, 113, 9});
  Bytes udp;
  put16(udp, response ? 53 : client_port);
  put16(udp, response ? client_port : 53);
  put16(udp, 8 + static_cast<unsigned>(msg.size()));
  put16(udp, 0);
  udp.insert(udp.end(), msg.begin(), msg.end());
  return response ? ipv4(17, kResolver, kClient, udp) : ipv4(17, kClient, kResolver, udp);
}

Bytes igmp(std::uint8_t type) {
  const Bytes ra = {0x94, 0x04, 0, 0};
  Bytes m = {type, 0, 0, 0, 239, 1, 2, 3};
  return ipv4(2, kClient, {239, 1, 2, 3}, m, ra);
}

std::size_t count(const std::vector<Note>& notes, NoteKind k) {
  std::size_t n = 0;
  for (const auto& x : notes) n += x.kind == k;
  return n;
}

}  // namespace

TEST_CASE("lab notes: STP topology change once per TC period and root changes", "[annotate][lab][stp]") {
  Feeder f;
  CHECK(f.at(0, bpdu(0, 0x00, 1, 1, 0x8001)).empty());
  auto n = f.at(2, bpdu(0, 0x01, 1, 1, 0x8001));
  REQUIRE(count(n, NoteKind::TopologyChange) == 1);
  CHECK(n[0].packet == 2);
  CHECK(n[0].text.find("bridge 8000.02:00:00:00:00:01 port 8001 sets TC") != std::string::npos);
  // The same bridge keeps TC in its next hellos: no second note.
  CHECK(f.at(4, bpdu(0, 0x01, 1, 1, 0x8001)).empty());
  CHECK(f.at(6, bpdu(0, 0x81, 1, 1, 0x8001)).empty());
  // TC ends, then starts again: a new change.
  CHECK(f.at(8, bpdu(0, 0x00, 1, 1, 0x8001)).empty());
  CHECK(count(f.at(10, bpdu(2, 0x3d, 1, 1, 0x8001)), NoteKind::TopologyChange) == 1);
  // A TCN BPDU.
  auto t = f.at(11, tcn());
  REQUIRE(count(t, NoteKind::TopologyChange) == 1);
  CHECK(t[0].text.find("notification from 02:00:00:00:00:07") != std::string::npos);
  // Another root.
  auto r = f.at(12, bpdu(0, 0x00, 0, 9, 0x8002));
  REQUIRE(count(r, NoteKind::RootChange) == 1);
  CHECK(r[0].text == "STP root is now 8000.02:00:00:00:00:00 (was 8000.02:00:00:00:00:01), as bridge "
                     "8000.02:00:00:00:00:09 sees it");
  auto s = f.annotator.summary();
  CHECK(s.bpdus == 8);
  CHECK(s.topology_changes == 3);
  CHECK(s.root_changes == 1);
  CHECK(s.root == "8000.02:00:00:00:00:00");
  std::string text;
  netlab::append_lab_summary_text(s, text);
  CHECK(text == "Lab summary:\n  STP: BPDUs 8, topology changes 3, root changes 1, root 8000.02:00:00:00:00:00\n");
}

TEST_CASE("lab notes: a DNS query unanswered after the timeout and an answered one", "[annotate][lab][dns]") {
  Feeder f;
  CHECK(f.at(0, dns(false, 0x1111, 40001)).empty());
  CHECK(f.at(0.05, dns(true, 0x1111, 40001)).empty());  // answered in time
  CHECK(f.at(1, dns(false, 0x2222, 40002)).empty());
  CHECK(f.at(2.5, dns(true, 0x9999, 40002)).empty());  // another id: not its answer
  auto n = f.at(3.5, igmp(0x11));                       // any later packet ends the wait
  REQUIRE(count(n, NoteKind::DnsUnanswered) == 1);
  CHECK(n[0].packet == 3);
  CHECK(n[0].text == "DNS query #3 (A lab.example) from 192.0.2.10 to 192.0.2.53 got no answer in 2.5 s");
  CHECK(f.at(3.6, dns(false, 0x3333, 40003)).empty());  // still waiting at the end
  auto s = f.annotator.summary();
  CHECK(s.dns_queries == 3);
  CHECK(s.dns_answered == 1);
  REQUIRE(s.dns_unanswered.size() == 2);
  CHECK(s.dns_unanswered[1].packet == 6);
  std::string json;
  netlab::append_lab_summary_json(s, json);
  auto v = testjson::parse(json)["lab_summary"];
  CHECK(v["dns"]["answered"].num() == 1);
  CHECK(v["dns"]["unanswered"].array().size() == 2);
  CHECK(v["dns"]["unanswered"].array()[0]["name"].str() == "lab.example");
  CHECK(v["igmp"]["queries"].num() == 1);
  CHECK(v["bridge"].is_null());
}

TEST_CASE("lab notes: IGMP reports on a snooping bridge without a querier", "[annotate][lab][igmp]") {
  SECTION("the bridge snoops and does not query: the first report says so, with the fix") {
    netlab::LabAnnotateOptions o;
    o.bridge = netlab::SnoopingBridge{"labbr0", true, false};
    Feeder f(o);
    auto n = f.at(0, igmp(0x16));
    REQUIRE(count(n, NoteKind::NoQuerier) == 1);
    CHECK(n[0].text.find("fix: ip link set dev labbr0 type bridge mcast_querier 1") != std::string::npos);
    CHECK(f.at(1, igmp(0x22)).empty());  // once
    auto s = f.annotator.summary();
    CHECK(s.igmp_querier_missing);
    std::string text;
    netlab::append_lab_summary_text(s, text);
    CHECK(text == "Lab summary:\n  IGMP: queries 0, reports 2, no query seen\n"
                  "  bridge labbr0: multicast snooping on, querier off\n");
  }
  SECTION("a querier seen before: no note") {
    netlab::LabAnnotateOptions o;
    o.bridge = netlab::SnoopingBridge{"labbr0", true, false};
    Feeder f(o);
    CHECK(f.at(0, igmp(0x11)).empty());
    CHECK(f.at(1, igmp(0x16)).empty());
    CHECK_FALSE(f.annotator.summary().igmp_querier_missing);
  }
  SECTION("the bridge queries itself, or does not snoop: no note before the window") {
    for (auto b : {netlab::SnoopingBridge{"labbr0", true, true}, netlab::SnoopingBridge{"labbr0", false, false}}) {
      netlab::LabAnnotateOptions o;
      o.bridge = b;
      Feeder f(o);
      CHECK(f.at(0, igmp(0x16)).empty());
      CHECK(f.at(60, igmp(0x16)).empty());
    }
  }
  SECTION("no bridge known: reports past the query interval and no query") {
    Feeder f;
    CHECK(f.at(0, igmp(0x16)).empty());
    CHECK(f.at(100, igmp(0x16)).empty());
    auto n = f.at(140, igmp(0x12));
    REQUIRE(count(n, NoteKind::NoQuerier) == 1);
    CHECK(n[0].text == "IGMP reports for 140.0 s and no query: no querier on this link; a snooping bridge forgets "
                       "the groups and stops forwarding them");
  }
  SECTION("a leave is no report") {
    netlab::LabAnnotateOptions o;
    o.bridge = netlab::SnoopingBridge{"labbr0", true, false};
    Feeder f(o);
    CHECK(f.at(0, igmp(0x17)).empty());
    CHECK_FALSE(f.annotator.summary().any());
  }
}

TEST_CASE("lab notes: cut and mutated frames never crash or note", "[annotate][lab][robustness]") {
  netlab::LabAnnotateOptions o;
  o.bridge = netlab::SnoopingBridge{"labbr0", true, false};
  std::vector<Bytes> seeds = {bpdu(0, 1, 1, 1, 0x8001), tcn(), dns(false, 7, 40000), dns(true, 7, 40000), igmp(0x16)};
  for (const auto& s : seeds) {
    Feeder f(o);
    // Every prefix short of the fields a note needs gives no note.
    for (std::size_t n = 0; n + 1 < s.size(); ++n) {
      Bytes cut(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n));
      for (const auto& note : f.at(0, cut)) CHECK(note.kind != NoteKind::DnsUnanswered);
    }
  }
  std::mt19937 rng(7);
  Feeder f(o);
  for (int i = 0; i < 20000; ++i) {
    Bytes b = seeds[static_cast<std::size_t>(i) % seeds.size()];
    for (int k = 0; k < 4; ++k) b[rng() % b.size()] = static_cast<std::uint8_t>(rng());
    if (rng() % 3 == 0) b.resize(rng() % b.size());
    f.at(i * 0.01, b);
  }
  std::string text, json;
  auto s = f.annotator.summary();
  netlab::append_lab_summary_text(s, text);
  netlab::append_lab_summary_json(s, json);
  CHECK_NOTHROW(testjson::parse(json));
}
