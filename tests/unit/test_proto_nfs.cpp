// NFS over Sun RPC (nfs.cpp, sunrpc.cpp) on UDP and TCP 2049: calls and the
// replies the xid map names, at -n, -v and -vv; the record mark over TCP; a
// denied reply; hostile credential and name lengths; the xid map's fixed
// size; every truncation prefix and seeded mutations of each frame (never a
// read past the capture: run under the asan preset); the typed JSON.
// Expected text is tcpdump 4.99.3's for the same bytes (the frames were
// written to a pcap and read back with `tcpdump -n -t [-v|-vv]`).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

const char* const kClient = "192.0.2.1";
const char* const kServer = "192.0.2.2";

Frame udp(unsigned sport, unsigned dport, const Frame& msg, const char* src, const char* dst) {
  return ether(0x0800,
               ipv4(17, cat({be16(sport), be16(dport), be16(static_cast<unsigned>(8 + msg.size())), be16(0), msg}), src, dst));
}
// A TCP segment with PSH and ACK (seq 1000, ack 2000, window 512) carrying
// one RPC record: the last-fragment mark and the message.
Frame tcp(unsigned sport, unsigned dport, const Frame& msg, const char* src, const char* dst) {
  Frame seg = cat({be16(sport), be16(dport), be32(1000), be32(2000), {0x50, 0x18}, be16(512), be16(0), be16(0),
                   be32(0x80000000u | static_cast<std::uint32_t>(msg.size())), msg});
  return ether(0x0800, ipv4(6, seg, src, dst));
}
Frame to_server(const Frame& msg) { return udp(800, 2049, msg, kClient, kServer); }
Frame to_client(const Frame& msg) { return udp(2049, 800, msg, kServer, kClient); }

// AUTH_UNIX-sized credentials of 20 zero bytes and a null verifier.
Frame call(std::uint32_t xid, std::uint32_t vers, std::uint32_t proc, const Frame& args,
           const Frame& cred = cat({be32(1), be32(20), Frame(20, 0)})) {
  return cat({be32(xid), be32(0), be32(2), be32(100003), be32(vers), be32(proc), cred, be32(0), be32(0), args});
}
// An accepted, successful reply with a null verifier.
Frame reply(std::uint32_t xid, const Frame& results) {
  return cat({be32(xid), be32(1), be32(0), be32(0), be32(0), be32(0), results});
}
// A 32-byte v3 handle that parsenfsfh.c takes for BSD 4.4: fsid 2,1, inode 0x11223344.
Frame fh3() { return cat({be32(32), {1, 2, 0, 0, 0, 0, 0, 0}, be32(0), {0x44, 0x33, 0x22, 0x11}, Frame(16, 0)}); }
Frame fattr3() {
  return cat({be32(1), be32(0100644), be32(1), be32(1000), be32(0xfffffffe), be32(0), be32(12345), be32(0), be32(4096),
              be32(1), be32(2), be32(0x12), be32(0x34), be32(0), be32(0x9999), be32(1), be32(2), be32(3), be32(4),
              be32(5), be32(6)});
}
Frame wcc() {
  return cat({be32(1), be32(0), be32(100), be32(10), be32(20), be32(30), be32(40), be32(1), fattr3()});
}
Frame name(const std::string& s) {
  Frame f = be32(static_cast<std::uint32_t>(s.size()));
  f.insert(f.end(), s.begin(), s.end());
  f.resize(f.size() + (4 - s.size() % 4) % 4, 0);
  return f;
}

std::vector<Frame> exchange() {
  return {
      to_server(call(0x100, 3, 1, fh3())),
      to_client(reply(0x100, cat({be32(0), fattr3()}))),
      tcp(900, 2049, call(0x200, 3, 7, cat({fh3(), be32(0), be32(4096), be32(3), be32(2), be32(3), {'a', 'b', 'c', 0}})),
          kClient, kServer),
      tcp(2049, 900, reply(0x200, cat({be32(0), wcc(), be32(3), be32(2), be32(0x851b4), be32(0)})), kServer, kClient),
      // Denied: an authentication error, credentials too weak.
      to_client(cat({be32(0x300), be32(1), be32(1), be32(1), be32(5)})),
      // Credentials said to be 0xfffffffd bytes long.
      to_server(call(0x301, 3, 1, fh3(), cat({be32(1), be32(0xfffffffd)}))),
      // A name whose length cannot be padded to 32 bits.
      to_server(call(0x302, 3, 3, cat({fh3(), be32(0xfffffffe), {'a', 'b', 'c', 'd'}}))),
      // NFSv2 lookup: a fixed 32-byte handle of zeros (Auspex's layout).
      to_server(call(0x303, 2, 4, cat({Frame(32, 0), name("name")}))),
  };
}

}  // namespace

TEST_CASE("NFS: calls and the replies the xid map names at -n", "[proto][nfs]") {
  const std::string c = "IP 192.0.2.1.800 > 192.0.2.2.2049: ", s = "IP 192.0.2.2.2049 > 192.0.2.1.800: ";
  const std::vector<std::string> want = {
      c + "NFS request xid 256 96 getattr fh 2,1/287454020\n",
      s + "NFS reply xid 256 reply ok 112 getattr REG 100644 ids 1000/-2 sz 12345\n",
      "IP 192.0.2.1.900 > 192.0.2.2.2049: Flags [P.], seq 1000:1124, ack 2000, win 512, length 124: NFS request xid "
      "512 120 write fh 2,1/287454020 3 (3) bytes @ 4096\n",
      "IP 192.0.2.2.2049 > 192.0.2.1.900: Flags [P.], seq 4294966297:4294966461, ack 1000, win 512, length 164: NFS "
      "reply xid 512 reply ok 160 write\n",
      s + "NFS reply xid 768 reply ERR 20: Auth Credentials are too weak\n",
      c + "NFS request xid 769 76 getattr [|nfs]\n",
      c + "NFS request xid 770 104 lookup fh 2,1/287454020 [cannot pad to 32-bit boundaries] (invalid) [|nfs]\n",
      c + "NFS request xid 771 100 lookup fh 0,0/0 \"name\"\n",
  };
  CHECK(print_all(exchange()) == want);
  // A reply alone names nothing: its call was never seen.
  CHECK(print(exchange()[1]) == s + "NFS reply xid 256 reply ok 112\n");
}

TEST_CASE("NFS: attributes from -v and wcc data and times at -vv", "[proto][nfs]") {
  const auto one = print_all(exchange(), v(1));
  REQUIRE(one.size() == 8);
  CHECK(one[2].find("length 124: NFS request xid 512 120 write fh 2,1/287454020 3 (3) bytes @ 4096 <filesync>\n") !=
        std::string::npos);
  CHECK(one[3].find("length 164: NFS reply xid 512 reply ok 160 write POST: REG 100644 ids 1000/-2 sz 12345 3 "
                    "bytes\n") != std::string::npos);
  // No "[udp sum ok]": tcpdump prints NFS before the checksum.
  CHECK(one[1].find("    192.0.2.2.2049 > 192.0.2.1.800: NFS reply xid 256 reply ok 112 getattr REG 100644 ids "
                    "1000/-2 sz 12345\n") != std::string::npos);
  const auto two = print_all(exchange(), v(2));
  REQUIRE(two.size() == 8);
  CHECK(two[3].find("reply ok 160 write PRE: sz 100 mtime 10.000020 ctime 30.000040 POST: REG 100644 ids 1000/-2 "
                    "sz 12345 nlink 1 rdev 1/2 fsid 1200000034 fileid 9999 a/m/ctime 1.000002 3.000004 5.000006 3 "
                    "bytes <filesync> verf 851b400000000\n") != std::string::npos);
}

TEST_CASE("NFS: the xid map keeps the last 64 calls", "[proto][nfs]") {
  std::vector<Frame> frames;
  for (std::uint32_t x = 1; x <= 65; ++x) frames.push_back(to_server(call(x, 3, 1, fh3())));
  frames.push_back(to_client(reply(1, cat({be32(0), fattr3()}))));  // overwritten by the 65th call
  frames.push_back(to_client(reply(2, cat({be32(0), fattr3()}))));
  frames.push_back(to_client(reply(65, cat({be32(0), fattr3()}))));
  // A reply between other addresses does not match the call's.
  frames.push_back(udp(2049, 800, reply(65, cat({be32(0), fattr3()})), "192.0.2.9", kClient));
  const auto lines = print_all(frames);
  REQUIRE(lines.size() == 69);
  CHECK(lines[65] == "IP 192.0.2.2.2049 > 192.0.2.1.800: NFS reply xid 1 reply ok 112\n");
  CHECK(lines[66] == "IP 192.0.2.2.2049 > 192.0.2.1.800: NFS reply xid 2 reply ok 112 getattr REG 100644 ids 1000/-2 sz 12345\n");
  CHECK(lines[67] == "IP 192.0.2.2.2049 > 192.0.2.1.800: NFS reply xid 65 reply ok 112 getattr REG 100644 ids 1000/-2 sz 12345\n");
  CHECK(lines[68] == "IP 192.0.2.9.2049 > 192.0.2.1.800: NFS reply xid 65 reply ok 112\n");
}

TEST_CASE("NFS: hostile lengths cut at every length and mutated", "[proto][nfs][truncated]") {
  for (const auto& f : exchange()) {
    for (int n : {0, 1, 2}) {
      for (const auto& line : print_prefixes(f, v(n))) CHECK(sane_line(line, 4000));
      for (const auto& line : print_mutations(f, 42, 17 + static_cast<unsigned>(n), 200, v(n)))
        CHECK(sane_line(line, 8000));
    }
  }
  // The JSON of every prefix and mutation parses, with the NFS layer's xid where it is there.
  for (const auto& f : exchange()) {
    for (const auto& line : print_prefixes(f, json())) CHECK_NOTHROW(testjson::parse(line));
    for (const auto& line : print_mutations(f, 42, 29, 100, json())) CHECK_NOTHROW(testjson::parse(line));
  }
  // A call cut inside its credentials' length stops at tcpdump's GET: " [|nfs]".
  const Frame f = exchange()[0];
  Frame cut(f.begin(), f.begin() + 42 + 30);
  CHECK(print(cut, {}, 1, static_cast<std::uint32_t>(f.size())) ==
        "IP 192.0.2.1.800 > 192.0.2.2.2049: NFS request xid 256 96 getattr [|nfs]\n");
  // Not even the procedure: the xid map is not entered.
  Frame short_call(f.begin(), f.begin() + 42 + 20);
  CHECK(print(short_call, {}, 1, static_cast<std::uint32_t>(f.size())) ==
        "IP 192.0.2.1.800 > 192.0.2.2.2049: NFS request xid 256 96 [|nfs]\n");
  // Fewer than eight bytes: no direction, so plain UDP.
  Frame no_direction(f.begin(), f.begin() + 42 + 6);
  CHECK(print(no_direction, {}, 1, static_cast<std::uint32_t>(f.size())) ==
        "IP 192.0.2.1.800 > 192.0.2.2.2049: UDP, length 96\n");
}

TEST_CASE("NFS: JSON has the RPC header and the procedure", "[proto][nfs][json]") {
  auto doc = testjson::parse(print(exchange()[0], json()));
  const auto& n = doc["layers"].array().at(3);
  CHECK(n["layer"].str() == "nfs");
  CHECK(n["rpc"]["xid"].num() == 256);
  CHECK(n["rpc"]["direction"].str() == "call");
  CHECK(n["rpc"]["program"].num() == 100003);
  CHECK(n["version"].num() == 3);
  CHECK(n["procedure_name"].str() == "getattr");
  auto denied = testjson::parse(print(exchange()[4], json()));
  const auto& d = denied["layers"].array().at(3)["rpc"];
  CHECK(d["reply_status"].str() == "denied");
  CHECK(d["reject_status"].str() == "auth_error");
  CHECK(d["auth_status"].num() == 5);
}
