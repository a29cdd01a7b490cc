// AFS's RX transport (rx.cpp) over UDP 7000-7009: an ack at -n, -v, -vv and
// -vvv, cut inside the ack body and inside the RX header; AFS calls to the
// fs, pt, vldb and vol services and the replies named from the call cache,
// a service's own cut and a field cut; each cut at every length (never a read past the capture: run under the asan preset). The
// helper fills in the UDP checksum, which -vv reports as "[udp sum ok]".
// Expected text is tcpdump 4.99.3's for the same bytes (the frame was
// written to a pcap and read back with `tcpdump -n -t [-v|-vv|-vvv]`).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame hex(const std::string& text) {
  Frame f;
  for (std::size_t k = 0; k + 1 < text.size(); k += 2)
    f.push_back(static_cast<std::uint8_t>(std::stoul(text.substr(k, 2), nullptr, 16)));
  return f;
}

// An ack from 7001 to 7000: cid 00abcd01, call 7, seq 1, serial 3, flags
// client-init and slow-start, security index 2, service 1; bufspace 32,
// maxskew 5, first 2, serial 9, reason delay, four acks (ack ack nack ack),
// then ifmtu 1444, maxmtu 1444, rwind 32, maxpackets 4.
Frame rx_ack() {
  Frame rx = hex("1234567800abcd01000000070000000100000003022100020000000100200005000000020000000000000009080401010001"
                 "000000000005a4000005a40000002000000004");
  return ether(0x0800, ipv4(17, cat({be16(7001), be16(7000), be16(static_cast<unsigned>(8 + rx.size())), be16(0), rx})));
}

Frame udp(unsigned sport, unsigned dport, const Frame& rx, const char* src, const char* dst) {
  return ether(0x0800, ipv4(17, cat({be16(sport), be16(dport), be16(static_cast<unsigned>(8 + rx.size())), be16(0), rx}),
                            src, dst));
}
// An RX header: epoch, cid, call, seq, serial 1, type, flags, service 1.
Frame rxh(std::uint32_t call, std::uint8_t type, std::uint8_t flags) {
  return cat({be32(0x12345678), be32(0x00abcd00), be32(call), be32(1), be32(1), {type, flags, 0, 0}, be16(0), be16(1)});
}
// From the client 192.0.2.1.7001 to a service port, and back.
Frame to(unsigned port, const Frame& rx) { return udp(7001, port, rx, "192.0.2.1", "192.0.2.2"); }
Frame from(unsigned port, const Frame& rx) { return udp(port, 7001, rx, "192.0.2.2", "192.0.2.1"); }
// A name one character per 32-bit word, n words.
Frame vec(const std::string& name, std::size_t n) {
  Frame f;
  for (std::size_t k = 0; k < n; ++k) {
    Frame w = be32(k < name.size() ? static_cast<std::uint8_t>(name[k]) : 0);
    f.insert(f.end(), w.begin(), w.end());
  }
  return f;
}

// Calls and the replies the call cache names, as tcpdump 4.99.3 prints them.
std::vector<Frame> afs_calls() {
  return {
      to(7000, cat({rxh(5, 1, 1), be32(130), be32(536871098), be32(1), be32(1), be32(0), be32(65536)})),
      from(7000, cat({rxh(5, 1, 4), Frame(8, 0)})),
      to(7000, cat({rxh(6, 1, 1), be32(141), be32(1), be32(2), be32(3), be32(6), {'t', 'm', 'p', 'd', 'i', 'r', 0, 0},
                    be32(12), be32(0), be32(0), be32(0), be32(0755), be32(0)})),
      from(7000, cat({rxh(6, 1, 4), be32(1), be32(2), be32(3)})),
      to(7000, cat({rxh(7, 1, 1), be32(132), be32(1), be32(2), be32(3)})),
      from(7000, cat({rxh(7, 4, 0), be32(102)})),
      to(7002, cat({rxh(8, 1, 1), be32(504), be32(2), vec("nneul", 64), vec("cc-staff", 64)})),
      from(7002, cat({rxh(8, 1, 4), be32(2), be32(5879), be32(0xffffff34)})),
      to(7003, cat({rxh(9, 1, 1), be32(504), be32(9), {'r', 'o', 'o', 't', '.', 'c', 'e', 'l', 'l', 0, 0, 0}})),
      from(7003, cat({rxh(9, 1, 4), vec("root.cell", 65), be32(0), be32(1), be32(0xc0000201)})),
      to(7002, cat({rxh(10, 1, 1), be32(20002), be32(1), be32(2), be32(3), be32(4), be32(5)})),
      to(7005, cat({rxh(11, 1, 1), be32(121), be32(1), be32(536871098)})),
      // A reply to a call the capture never showed: the header alone.
      from(7000, cat({rxh(99, 1, 4), be32(1)})),
  };
}

}  // namespace

TEST_CASE("RX: AFS calls and the replies the call cache names", "[proto][rx][afs]") {
  const std::string c = "IP 192.0.2.1.7001 > ", r = "IP 192.0.2.2.", back = " > 192.0.2.1.7001:  rx ";
  const std::vector<std::string> want = {
      c + "192.0.2.2.7000:  rx data fs call fetch-data fid 536871098/1/1 offset 0 length 65536 (52)\n",
      r + "7000" + back + "data fs reply fetch-data (36)\n",
      c + "192.0.2.2.7000:  rx data fs call makedir fid 1/2/3 \"tmpdir\" StoreStatus group 0 mode 755 (80)\n",
      r + "7000" + back + "data fs reply makedir new fid 1/2/3 (40)\n",
      c + "192.0.2.2.7000:  rx data fs call fetch-status fid 1/2/3 (44)\n",
      r + "7000" + back + "abort fs reply fetch-status error no such vnode (32)\n",
      c + "192.0.2.2.7002:  rx data pt call name-to-id \"nneul\" \"cc-staff\" (548)\n",
      r + "7002" + back + "data pt reply name-to-id ids: 5879 -204 (40)\n",
      c + "192.0.2.2.7003:  rx data vldb call get-entry-by-name \"root.cell\" (48)\n",
      // The entry cut after its first server: the service's own cut, then the length.
      r + "7003" + back + "data vldb reply get-entry-by-name \"root.cell\" numservers 1 servers 192.0.2.1 [|vldb] (300)\n",
      // A Ubik call whose last field is past the capture: tcpdump's [|rx], no length.
      c + "192.0.2.2.7002:  rx data pt ubik call disk-lock tid 1.2 file 3 pos 4 length 5 [|rx]\n",
      c + "192.0.2.2.7005:  rx data vol call list-one-volume partid 1 volid 536871098 (40)\n",
      r + "7000" + back + "data (32)\n",
  };
  CHECK(print_all(afs_calls()) == want);
  const auto verbose = print_all(afs_calls(), v(1));
  REQUIRE(verbose.size() == want.size());
  CHECK(verbose[1].find("rx data seq 1 ser 1 fs reply fetch-data (36)\n") != std::string::npos);
  // Each packet alone: a reply without its call names nothing.
  CHECK(print(afs_calls()[1]) == r + "7000" + back + "data (36)\n");
}

TEST_CASE("RX: AFS calls cut at every length and mutated", "[proto][rx][afs][truncated]") {
  for (const auto& f : afs_calls()) {
    for (const auto& line : print_prefixes(f, v(2))) CHECK(sane_line(line, 2000));
    for (const auto& line : print_mutations(f, 42, 7, 100, v(3))) CHECK(sane_line(line, 8000));
  }
}

TEST_CASE("RX: JSON names the AFS call", "[proto][rx][afs][json]") {
  netlab::PrintOptions o = json();
  auto doc = testjson::parse(print(afs_calls()[0], o));
  const auto& rx = doc["layers"].array().at(3);
  CHECK(rx["layer"].str() == "rx");
  CHECK(rx["afs"]["service"].str() == "fs");
  CHECK(rx["afs"]["kind"].str() == "call");
  CHECK(rx["afs"]["opcode"].num() == 130);
  CHECK(rx["afs"]["operation"].str() == "fetch-data");
}

TEST_CASE("RX: an ack at -n -v -vv and -vvv", "[proto][rx]") {
  const std::string addr = "IP 192.0.2.1.7001 > 192.0.2.2.7000:  rx ack";
  const std::string acks = " first 2 serial 9 reason delay acked 2-3,5 nacked 4";
  const std::string tail = " ifmtu 1444 maxmtu 1444 rwind 32 maxpackets 4 (69)\n";
  const std::string hdr = " cid 00abcd01 call# 7 seq 1 ser 3";
  CHECK(print(rx_ack()) == addr + acks + " (69)\n");
  CHECK(print(rx_ack(), v(1)).find("    192.0.2.1.7001 > 192.0.2.2.7000:  rx ack seq 1 ser 3" + acks + " (69)\n") !=
        std::string::npos);
  CHECK(print(rx_ack(), v(2)).find("[udp sum ok]  rx ack" + hdr + " <client-init>,<slow-start>" + acks + tail) !=
        std::string::npos);
  CHECK(print(rx_ack(), v(3)).find("[udp sum ok]  rx ack" + hdr + " secindex 2 serviceid 1 <client-init>,<slow-start>"
                                   " bufspace 32 maxskew 5" + acks + tail) != std::string::npos);
}

TEST_CASE("RX: a cut ack says [|ack] and a cut header [|rx] with the length", "[proto][rx][truncated]") {
  const Frame f = rx_ack();
  const auto wire = static_cast<std::uint32_t>(f.size());
  Frame in_ack(f.begin(), f.begin() + 14 + 20 + 8 + 28 + 10);
  CHECK(print(in_ack, {}, 1, wire) == "IP 192.0.2.1.7001 > 192.0.2.2.7000:  rx ack [|ack] (69)\n");
  Frame in_header(f.begin(), f.begin() + 14 + 20 + 8 + 20);
  CHECK(print(in_header, {}, 1, wire) == "IP 192.0.2.1.7001 > 192.0.2.2.7000:  [|rx] (69)\n");
  for (const auto& line : print_prefixes(f, v(3))) CHECK(sane_line(line, 1000));
  for (const auto& line : print_mutations(f, 42, 51, 300, v(3))) CHECK(sane_line(line, 4000));
}
