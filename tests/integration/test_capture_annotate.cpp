// netlab capture --annotate, end to end. From a file (-r) this test writes
// itself with netlab::frames, where every note and the summary are known in
// advance; and live (-i) on a veth pair between this test's private namespace
// and a named peer namespace, with the kernels doing ARP and ping and a few
// frames injected on the peer side. Either way the decoder lines must be
// exactly those of plain `capture`, with the notes under the right packets.
#include "mini_json.hpp"
#include "netns_fixture.hpp"

#include <netlab/frames.hpp>
#include <netlab/link.hpp>
#include <netlab/linkio.hpp>
#include <netlab/netns.hpp>

#include <net/if.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

namespace frames = netlab::frames;
using Bytes = std::vector<std::uint8_t>;

namespace {

netlab::MacAddr mac(const char* s) { return netlab::MacAddr::parse(s).value(); }
const netlab::MacAddr kHost = mac("02:00:00:00:00:01");
const netlab::MacAddr kGuest = mac("02:00:00:00:00:02");
const netlab::MacAddr kOther = mac("02:00:00:00:00:03");

std::string temp_dir() {
  char tmpl[] = "/tmp/netlab-annotate-XXXXXX";
  const char* dir = mkdtemp(tmpl);
  REQUIRE(dir);
  return dir;
}

// A classic pcap file (microsecond timestamps, host byte order: readers
// detect it from the magic number).
void write_pcap(const std::string& path, std::uint32_t linktype,
                const std::vector<std::pair<std::int64_t, Bytes>>& packets) {
  std::ofstream out(path, std::ios::binary);
  auto u32 = [&out](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&out](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
  u32(0xa1b2c3d4);
  u16(2);
  u16(4);
  u32(0);
  u32(0);
  u32(262144);
  u32(linktype);
  for (const auto& [usec, bytes] : packets) {
    const std::int64_t t = 1'700'000'000'000'000 + usec;
    u32(static_cast<std::uint32_t>(t / 1'000'000));
    u32(static_cast<std::uint32_t>(t % 1'000'000));
    u32(static_cast<std::uint32_t>(bytes.size()));
    u32(static_cast<std::uint32_t>(bytes.size()));
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  REQUIRE(out.good());
}

frames::Arp arp_of(std::uint16_t op, const netlab::MacAddr& sha, const char* spa, const netlab::MacAddr& tha,
                   const char* tpa) {
  frames::Arp a;
  a.op = op;
  a.sha = sha;
  a.spa = nltest::ip_addr(spa);
  a.tha = tha;
  a.tpa = nltest::ip_addr(tpa);
  return a;
}

frames::EchoSpec echo(const netlab::MacAddr& src_mac, const char* src, const char* dst, bool reply,
                      std::uint16_t seq) {
  frames::EchoSpec e;
  e.eth_src = src_mac;
  e.eth_dst = kGuest;
  e.src = nltest::ip_addr(src);
  e.dst = nltest::ip_addr(dst);
  e.reply = reply;
  e.id = 0x4242;
  e.seq = seq;
  return e;
}

// The scenario of the -r tests: one of each note.
std::vector<std::pair<std::int64_t, Bytes>> scenario() {
  const netlab::MacAddr zero;
  const auto request = [](const char* target) {
    return frames::arp_request(kHost, nltest::ip_addr("192.0.2.1"), nltest::ip_addr(target));
  };
  const auto reply = [](const char* from, const netlab::MacAddr& eth_dst) {
    return frames::arp(eth_dst, kGuest, arp_of(frames::kArpReply, kGuest, from, kHost, "192.0.2.1"));
  };
  auto multicast_src = echo(mac("01:00:5e:00:00:fb"), "192.0.2.1", "192.0.2.2", false, 2);
  return {
      {0, request("192.0.2.2")},                                                         // 1
      {412, reply("192.0.2.2", kHost)},                                                  // 2
      {1'000, request("192.0.2.9")},                                                     // 3
      {1'003'000, request("192.0.2.9")},                                                 // 4
      {1'100'000, frames::arp_request(kGuest, frames::ipv4_any(), nltest::ip_addr("192.0.2.5"))},  // 5
      {1'200'000, frames::arp(frames::broadcast_mac(), kGuest,
                              arp_of(frames::kArpRequest, kGuest, "192.0.2.5", zero, "192.0.2.5"))},  // 6
      {1'300'000, frames::arp(frames::broadcast_mac(), kOther,
                              arp_of(frames::kArpReply, kOther, "192.0.2.2", frames::broadcast_mac(), "192.0.2.2"))},  // 7
      {1'400'000, frames::icmp_echo(echo(kHost, "192.0.2.1", "192.0.2.2", false, 1))},  // 8
      {1'400'050, frames::icmp_echo(echo(kGuest, "192.0.2.2", "192.0.2.1", true, 1))},  // 9
      {1'500'000, frames::icmp_echo(multicast_src)},                                     // 10
      {1'600'000, request("192.0.2.3")},                                                 // 11
      {1'600'200, reply("192.0.2.3", kOther)},                                           // 12
  };
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool is_note(const std::string& line) { return line.rfind("    ^ ", 0) == 0; }

// Annotated text output taken apart: the decoder lines (which must match
// plain capture), the notes under each of them, and the summary block.
struct Annotated {
  std::vector<std::string> packets;
  std::map<std::size_t, std::vector<std::string>> notes;  // by packet line index, 1-based
  std::vector<std::string> summary;
  std::vector<std::string> stray;  // notes before any packet: must stay empty

  explicit Annotated(const std::string& text) {
    bool in_summary = false;
    for (const auto& line : lines_of(text)) {
      if (line == "ARP summary:") in_summary = true;
      if (in_summary) summary.push_back(line);
      else if (is_note(line)) (packets.empty() ? stray : notes[packets.size()]).push_back(line.substr(6));
      else packets.push_back(line);
    }
  }
  std::string decoder_text() const {
    std::string s;
    for (const auto& l : packets) s += l + "\n";
    return s;
  }
  // The 1-based number of the first packet line containing `what`, or 0.
  std::size_t find(const std::string& what, std::size_t from = 1) const {
    for (std::size_t i = from; i <= packets.size(); ++i)
      if (packets[i - 1].find(what) != std::string::npos) return i;
    return 0;
  }
};

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& l : v) s += l + "\n";
  return s;
}

// A netlab process with stdout (and stderr, when merged) in files.
struct Child {
  pid_t pid = -1;
  std::string out_path, err_path;
  Child(const std::vector<std::string>& args, bool merge) {
    const std::string dir = temp_dir();
    out_path = dir + "/out";
    err_path = merge ? out_path : dir + "/err";
    std::fflush(nullptr);  // or the child would write our buffered output again
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      if (!freopen(out_path.c_str(), "w", stdout)) _exit(127);
      if (merge) dup2(STDOUT_FILENO, STDERR_FILENO);
      else if (!freopen(err_path.c_str(), "w", stderr)) _exit(127);
      std::vector<char*> argv{const_cast<char*>(NETLAB_CLI_PATH)};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  static std::string slurp(const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string out() const { return slurp(out_path); }
  std::string err() const { return slurp(err_path); }
  void wait_listening() const {
    for (int i = 0; i < 200 && err().find("listening on") == std::string::npos; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(err().find("listening on") != std::string::npos);
  }
  int stop() {
    kill(pid, SIGINT);
    for (int i = 0; i < 500; ++i) {
      int st = 0;
      if (waitpid(pid, &st, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }
  ~Child() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};

}  // namespace

TEST_CASE("capture --annotate -r: the decoder lines of capture, each note under its packet, the summary last",
          "[capture][annotate]") {
  nltest::PrivateNetns ns;
  const std::string file = temp_dir() + "/scenario.pcap";
  write_pcap(file, 1, scenario());

  auto plain = nltest::netlab({"capture", "-n", "-#", "-r", file});
  INFO(plain.err);
  REQUIRE(plain.status == 0);
  auto annotated = nltest::netlab({"capture", "-n", "-#", "-r", file, "--annotate"});
  INFO(annotated.err);
  REQUIRE(annotated.status == 0);
  CHECK(annotated.err == plain.err);  // just "reading from file ..."

  Annotated a(annotated.out);
  CHECK(a.decoder_text() == plain.out);
  CHECK(a.packets.size() == 12);
  CHECK(a.stray.empty());

  const std::map<std::size_t, std::vector<std::string>> expected{
      {2, {"reply to #1 after 0.412 ms"}},
      {4, {"request #3 for 192.0.2.9 unanswered after 1.002 s", "retransmission of request #3 (try 2)"}},
      {5, {"RFC 5227 ARP probe for 192.0.2.5 from 02:00:00:00:00:02"}},
      {6, {"gratuitous ARP: RFC 5227 ARP announcement, 192.0.2.5 is-at 02:00:00:00:00:02"}},
      {7, {"gratuitous ARP reply: 192.0.2.2 is-at 02:00:00:00:00:03",
           "conflict: 192.0.2.2 is-at 02:00:00:00:00:02 (#2) and 02:00:00:00:00:03"}},
      {9, {"echo reply to #8 after 0.050 ms"}},
      {10, {"invalid source MAC 01:00:5e:00:00:fb (multicast: I/G bit set): bridges drop it (cause "
            "invalid-guest-mac)"}},
      {12, {"reply to #11 after 0.200 ms", "reply sent to 02:00:00:00:00:03, but request #11 came from 02:00:00:00:00:01"}},
  };
  CHECK(a.notes == expected);
  CHECK(joined(a.summary) ==
        "ARP summary:\n"
        "  requests 6, replies 3, answered 2, unanswered 1\n"
        "  latency: median 0.306 ms, max 0.412 ms\n"
        "  unanswered: who-has 192.0.2.9 tell 192.0.2.1 (02:00:00:00:00:01), 2 tries, #3 to #4\n"
        "  conflict: 192.0.2.2 is-at 02:00:00:00:00:02 and 02:00:00:00:00:03, from #7\n"
        "  duplicate replies 0, unsolicited replies 0, wrong destination 1\n"
        "  probes 1, announcements 1, gratuitous 2\n"
        "  invalid source MACs 1, sender mismatches 0\n"
        "  echo: requests 2, replies 1, answered 1, unanswered 1; latency: median 0.050 ms, max 0.050 ms\n");

  // The numbers in the notes do not depend on -#, nor the notes on -e, -v, -x or -t.
  for (const auto& opts : std::vector<std::vector<std::string>>{{"-q"}, {"-e", "-v"}, {"-x", "-t"}, {"-vv", "-tttt"}}) {
    std::vector<std::string> args{"capture", "-n", "-r", file};
    args.insert(args.end(), opts.begin(), opts.end());
    auto p = nltest::netlab(args);
    args.push_back("--annotate");
    auto n = nltest::netlab(args);
    REQUIRE(n.status == 0);
    std::string stripped;
    std::map<std::size_t, std::vector<std::string>> notes;
    std::size_t packet = 0;
    bool summary = false;
    for (const auto& line : lines_of(n.out)) {
      summary = summary || line == "ARP summary:";
      if (summary) continue;
      if (is_note(line)) notes[packet].push_back(line.substr(6));
      else {
        stripped += line + "\n";
        if (line[0] != '\t' && line[0] != ' ') ++packet;  // -x and -v continue a packet on indented lines
      }
    }
    INFO(opts.front());
    CHECK(stripped == p.out);
    CHECK(notes == expected);
  }
}

TEST_CASE("capture --annotate -j: a JSON line per note after its packet and the summary last",
          "[capture][annotate]") {
  nltest::PrivateNetns ns;
  const std::string file = temp_dir() + "/scenario.pcap";
  write_pcap(file, 1, scenario());
  auto plain = nltest::netlab({"capture", "-j", "-#", "-r", file});
  auto annotated = nltest::netlab({"capture", "-j", "-#", "-r", file, "--annotate"});
  INFO(annotated.err);
  REQUIRE(annotated.status == 0);
  auto lines = lines_of(annotated.out);
  REQUIRE(!lines.empty());
  std::string packets_only;
  double last_packet = 0;
  std::vector<std::pair<int, std::string>> notes;  // (packet, kind)
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto v = testjson::parse(lines[i]);  // throws (and fails) on invalid JSON
    if (v.has("annotation")) {
      const auto& n = v["annotation"];
      CHECK(n["packet"].num() == last_packet);  // follows its own packet's line
      CHECK_FALSE(n["text"].str().empty());
      notes.emplace_back(static_cast<int>(n["packet"].num()), n["kind"].str());
      if (n["kind"].str() == "reply" && n["packet"].num() == 2) {
        CHECK(n["related"].num() == 1);
        CHECK(n["latency_us"].num() == 412);
      }
    } else if (v.has("arp_summary")) {
      CHECK(i + 1 == lines.size());
      const auto& s = v["arp_summary"];
      CHECK(s["annotated"].boolean());
      CHECK(s["packets"].num() == 12);
      CHECK(s["requests"].num() == 6);
      CHECK(s["answered"].num() == 2);
      REQUIRE(s["unanswered"].array().size() == 1);
      CHECK(s["unanswered"].array()[0]["target"].str() == "192.0.2.9");
      REQUIRE(s["duplicates"].array().size() == 1);
      CHECK(s["duplicates"].array()[0]["address"].str() == "192.0.2.2");
      CHECK(s["latency"]["max_us"].num() == 412);
      CHECK(s["echo"]["answered"].num() == 1);
    } else {
      last_packet = v["number"].num();
      packets_only += lines[i] + "\n";
    }
  }
  CHECK(packets_only == plain.out);
  CHECK(lines.back().rfind("{\"arp_summary\":", 0) == 0);
  const std::vector<std::pair<int, std::string>> expected{
      {2, "reply"},         {4, "unanswered"}, {4, "retransmission"},     {5, "probe"},
      {6, "announcement"},  {7, "gratuitous"}, {7, "conflict"},           {9, "echo-reply"},
      {10, "invalid-source-mac"}, {12, "reply"}, {12, "wrong-destination"},
  };
  CHECK(notes == expected);
}

TEST_CASE("capture --annotate refuses -w and says when the link type has no Ethernet", "[capture][annotate]") {
  nltest::PrivateNetns ns;
  const std::string dir = temp_dir();
  write_pcap(dir + "/scenario.pcap", 1, scenario());
  auto w = nltest::netlab({"capture", "-r", dir + "/scenario.pcap", "--annotate", "-w", dir + "/copy.pcap"});
  CHECK(w.status == 2);
  CHECK(w.err == "netlab: capture: --annotate prints; -w saves instead of printing\n");
  CHECK(w.out.empty());
  CHECK(access((dir + "/copy.pcap").c_str(), F_OK) != 0);  // nothing written

  // Raw IPv4 (DLT_IPV4 = 228): the echo pair inside is not looked at.
  std::vector<std::pair<std::int64_t, Bytes>> raw;
  for (const auto& [t, frame] : scenario())
    if (frame[12] == 0x08 && frame[13] == 0x00) raw.emplace_back(t, Bytes(frame.begin() + 14, frame.end()));
  REQUIRE(raw.size() == 3);
  write_pcap(dir + "/raw.pcap", 228, raw);
  auto plain = nltest::netlab({"capture", "-n", "-r", dir + "/raw.pcap"});
  auto r = nltest::netlab({"capture", "-n", "-r", dir + "/raw.pcap", "--annotate"});
  REQUIRE(r.status == 0);
  CHECK(r.err == plain.err + "netlab: capture: --annotate: link type IPV4 is not Ethernet, nothing will be annotated\n");
  CHECK(r.out == plain.out + "ARP summary:\n  not annotated: link type 228 is not Ethernet\n");
}

TEST_CASE("capture --annotate -i: kernel ARP and ping between two namespaces, live", "[capture][annotate]") {
  nltest::PrivateNetns ns;
  nltest::veth_lab();
  nltest::make_named_netns("annpeer");
  nltest::ip_ok({"link", "set", "labv0", "netns", "annpeer"});
  nltest::ip_ok({"-n", "annpeer", "link", "set", "lo", "up"});
  nltest::ip_ok({"-n", "annpeer", "addr", "add", "192.0.2.1/24", "dev", "labv0"});
  nltest::ip_ok({"-n", "annpeer", "link", "set", "labv0", "up"});
  nltest::ip_ok({"addr", "add", "192.0.2.2/24", "dev", "labv1"});
  auto peer_ns = netlab::Netns::named("annpeer");
  REQUIRE_OK(peer_ns);
  auto here_link = netlab::link::get({}, "labv1");
  auto peer_link = netlab::link::get(*peer_ns, "labv0");
  REQUIRE_OK(here_link);
  REQUIRE_OK(peer_link);
  const std::string here_mac = here_link->mac()->to_string();
  const netlab::MacAddr peer_mac = *peer_link->mac();
  // Carrier on a veth comes up asynchronously: wait for it before any traffic.
  auto running = [] {
    auto l = netlab::link::get({}, "labv1");
    return l.has_value() && (l->flags & IFF_RUNNING);
  };
  for (int i = 0; i < 200 && !running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(running());

  const std::vector<std::string> common{"capture", "-i", "labv1", "-n", "-#", "-t", "--immediate-mode", "arp", "or", "icmp"};
  std::vector<std::string> with_notes = common;
  with_notes.push_back("--annotate");
  Child plain(common, false);
  Child annotated(with_notes, true);  // stderr merged: the summary must come before the statistics
  plain.wait_listening();
  annotated.wait_listening();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  // The kernels: resolution, a reply, two echo pairs; then three requests for
  // an address nobody has (mcast_probes = 3, one second apart).
  auto ping = nltest::run({"ping", "-n", "-c", "2", "-i", "0.2", "192.0.2.1"});
  INFO(ping.out << ping.err);
  REQUIRE(ping.status == 0);
  auto dead = nltest::run({"ping", "-n", "-c", "1", "-W", "3", "192.0.2.9"});
  CHECK(dead.status == 1);

  // Frames the kernel does not send: from the peer side, on the wire.
  {
    auto tap = netlab::LinkTap::open(*peer_ns, "labv0");
    REQUIRE_OK(tap);
    REQUIRE_OK(tap->send(frames::arp_request(peer_mac, frames::ipv4_any(), nltest::ip_addr("192.0.2.77"))));
    REQUIRE_OK(tap->send(frames::arp(frames::broadcast_mac(), peer_mac,
                                     arp_of(frames::kArpRequest, peer_mac, "192.0.2.1", netlab::MacAddr{}, "192.0.2.1"))));
    auto bad = echo(mac("01:00:5e:00:00:fb"), "192.0.2.1", "192.0.2.2", true, 7);
    REQUIRE_OK(tap->send(frames::icmp_echo(bad)));
    // A reply for a requester this capture never saw, sent to a MAC not labv1's.
    REQUIRE_OK(tap->send(frames::arp(kOther, peer_mac, arp_of(frames::kArpReply, peer_mac, "192.0.2.1", kOther, "192.0.2.3"))));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  REQUIRE(plain.stop() == 0);
  REQUIRE(annotated.stop() == 0);

  // Merged output: "listening on", packets and notes, summary, statistics.
  auto all = lines_of(annotated.out());
  REQUIRE(all.size() > 4);
  CHECK(all.front().rfind("listening on labv1, link-type EN10MB", 0) == 0);
  const std::vector<std::string> stats(all.end() - 3, all.end());
  CHECK(std::regex_match(stats[0], std::regex("[0-9]+ packets captured")));
  CHECK(std::regex_match(stats[2], std::regex("[0-9]+ packets? dropped by kernel")));
  std::string body;
  for (auto it = all.begin() + 1; it != all.end() - 3; ++it) body += *it + "\n";
  Annotated a(body);
  INFO(annotated.out());
  CHECK(a.decoder_text() == plain.out());
  CHECK(a.stray.empty());
  REQUIRE_FALSE(a.summary.empty());

  auto notes_of = [&a](std::size_t line) {
    auto it = a.notes.find(line);
    return it == a.notes.end() ? std::string() : joined(it->second);
  };
  auto number_of = [&a](std::size_t line) { return std::stoul(a.packets.at(line - 1)); };  // the -# column

  // Resolution of 192.0.2.1 and the reply, with its latency.
  const std::size_t req = a.find("ARP, Request who-has 192.0.2.1 tell 192.0.2.2");
  REQUIRE(req > 0);
  const std::size_t rep = a.find("ARP, Reply 192.0.2.1 is-at " + peer_mac.to_string(), req);
  REQUIRE(rep > 0);
  CHECK(std::regex_match(notes_of(rep), std::regex("reply to #" + std::to_string(number_of(req)) +
                                                   " after [0-9]+\\.[0-9]{3} ms\n")));
  CHECK(notes_of(req).empty());

  // Both echo replies paired with their requests.
  std::size_t echo_replies = 0;
  for (std::size_t i = a.find("ICMP echo reply"); i > 0; i = a.find("ICMP echo reply", i + 1)) {
    if (a.packets[i - 1].find("id 16962") != std::string::npos) continue;  // the injected one
    ++echo_replies;
    CHECK(std::regex_search(notes_of(i), std::regex("^echo reply to #[0-9]+ after [0-9]+\\.[0-9]{3} ms\n")));
  }
  CHECK(echo_replies == 2);

  // Three requests for 192.0.2.9; the second and third say the one before went unanswered.
  std::vector<std::size_t> dead_requests;
  for (std::size_t i = a.find("who-has 192.0.2.9 tell 192.0.2.2"); i > 0;
       i = a.find("who-has 192.0.2.9 tell 192.0.2.2", i + 1))
    dead_requests.push_back(i);
  REQUIRE(dead_requests.size() == 3);
  CHECK(notes_of(dead_requests[0]).empty());
  const std::string first = std::to_string(number_of(dead_requests[0]));
  for (std::size_t k = 1; k < 3; ++k) {
    const std::string before = std::to_string(number_of(dead_requests[k - 1]));
    CHECK(std::regex_match(notes_of(dead_requests[k]),
                           std::regex("request #" + before + " for 192\\.0\\.2\\.9 unanswered after [0-9]+\\.[0-9]{3} s\n"
                                      "retransmission of request #" + first + " \\(try " + std::to_string(k + 1) + "\\)\n")));
  }

  // The injected frames.
  const std::string peer = peer_mac.to_string();
  CHECK(notes_of(a.find("who-has 192.0.2.77 tell 0.0.0.0")) == "RFC 5227 ARP probe for 192.0.2.77 from " + peer + "\n");
  CHECK(notes_of(a.find("who-has 192.0.2.1 tell 192.0.2.1")) ==
        "gratuitous ARP: RFC 5227 ARP announcement, 192.0.2.1 is-at " + peer + "\n");
  CHECK(notes_of(a.find("id 16962, seq 7")) ==
        "invalid source MAC 01:00:5e:00:00:fb (multicast: I/G bit set): bridges drop it (cause invalid-guest-mac)\n");
  // The CLI passed labv1's own MAC: the misaddressed reply is called out.
  CHECK(notes_of(a.find("ARP, Reply 192.0.2.1 is-at " + peer, rep + 1)) ==
        "reply without a request seen in this capture\n"
        "reply sent to 02:00:00:00:00:03, not to this interface (" + here_mac + ")\n");

  const std::string summary = joined(a.summary);
  CHECK(std::regex_search(summary, std::regex("\n  unanswered: who-has 192\\.0\\.2\\.9 tell 192\\.0\\.2\\.2 \\(" + here_mac +
                                              "\\), 3 tries, #" + first + " to #[0-9]+\n")));
  CHECK(summary.find("  probes 1, announcements 1, gratuitous 1\n") != std::string::npos);
  CHECK(summary.find("  invalid source MACs 1, sender mismatches 0\n") != std::string::npos);
  CHECK(std::regex_search(summary, std::regex("unsolicited replies [1-9][0-9]*, wrong destination 1\n")));
  CHECK(summary.find("  echo: requests 2, replies 3, answered 2, unanswered 0; latency: median ") != std::string::npos);
}
