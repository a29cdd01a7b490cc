// TCP (RFC 9293): flags, relative sequence numbers per connection and
// absolute ones with -S, every option tcpdump names (mss, nop, eol,
// wscale, sackOK, sack, timestamps) and unknown ones, truncated options,
// bad header lengths, checksums. Expected strings are tcpdump 4.99.3's text for the same bytes (see
// test_proto_support.cpp for how to re-check them against tcpdump).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

constexpr std::uint8_t F = 0x01, S = 0x02, R = 0x04, P = 0x08, A = 0x10, E = 0x40, W = 0x80;

netlab::PrintOptions opts(int v = 0, bool abs = false) {
  netlab::PrintOptions o;
  o.verbose = v;
  o.absolute_seq = abs;
  return o;
}

// A TCP segment (checksum filled by the IP builder), options padded by the
// caller to a multiple of 4.
Frame seg(unsigned sport, unsigned dport, std::uint32_t seq, std::uint32_t ack, std::uint8_t flags,
          const Frame& options = {}, const Frame& payload = {}, unsigned win = 65535, unsigned urp = 0) {
  auto off = static_cast<std::uint8_t>((20 + options.size()) / 4 << 4);
  return cat({be16(sport), be16(dport), be32(seq), be32(ack), {off, flags}, be16(win), be16(0), be16(urp), options,
              payload});
}

Frame c2s(std::uint32_t seq, std::uint32_t ack, std::uint8_t flags, const Frame& options = {},
          const Frame& payload = {}) {
  return ether(0x0800, ipv4(6, seg(40000, 50000, seq, ack, flags, options, payload), "192.0.2.1", "192.0.2.2"));
}
Frame s2c(std::uint32_t seq, std::uint32_t ack, std::uint8_t flags, const Frame& options = {},
          const Frame& payload = {}) {
  return ether(0x0800, ipv4(6, seg(50000, 40000, seq, ack, flags, options, payload), "192.0.2.2", "192.0.2.1"));
}

}  // namespace

TEST_CASE("TCP flags", "[proto][tcp]") {
  CHECK(print(c2s(1000, 0, S)) == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [S], seq 1000, win 65535, length 0\n");
  CHECK(print(c2s(1000, 5, A)) == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [.], ack 5, win 65535, length 0\n");
  CHECK(print(c2s(1000, 5, F | A)) ==
        "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [F.], seq 1000, ack 5, win 65535, length 0\n");
  CHECK(print(c2s(1000, 0, R)) == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [R], seq 1000, win 65535, length 0\n");
  CHECK(print(c2s(1000, 0, 0)) == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [none], win 65535, length 0\n");
  CHECK(print(c2s(1000, 0, S | E | W)) ==
        "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [SEW], seq 1000, win 65535, length 0\n");
  // URG shows the urgent pointer; all eight flags at once.
  Frame urg = ether(0x0800, ipv4(6, seg(40000, 50000, 1000, 5, 0xff, {}, {}, 512, 7)));
  CHECK(print(urg) == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [FSRP.UEW], seq 1000, ack 5, win 512, urg 7, "
                      "length 0\n");
  // -q: ports and length only.
  netlab::PrintOptions q;
  q.quiet = true;
  CHECK(print(c2s(1000, 5, P | A, {}, {'h', 'i'}), q) == "IP 192.0.2.1.40000 > 192.0.2.2.50000: tcp 2\n");
}

TEST_CASE("relative sequence numbers per connection, absolute with -S", "[proto][tcp][seq]") {
  std::vector<Frame> conv = {
      c2s(1000, 0, S),
      s2c(5000, 1001, S | A),
      c2s(1001, 5001, A),
      c2s(1001, 5001, P | A, {}, {'a', 'b', 'c'}),
      s2c(5001, 1004, A),
      // Another connection (other port): tcpdump starts tracking it at its
  // first segment with ACK set, so the first ACK is numbered absolutely.
      ether(0x0800, ipv4(6, seg(40001, 50000, 77, 0, S))),
      ether(0x0800, ipv4(6, seg(40001, 50000, 78, 9000, P | A, {}, {'x'}))),
      c2s(1004, 5001, F | A),
  };
  auto rel = print_all(conv);
  REQUIRE(rel.size() == conv.size());
  CHECK(rel[0] == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [S], seq 1000, win 65535, length 0\n");
  CHECK(rel[1] == "IP 192.0.2.2.50000 > 192.0.2.1.40000: Flags [S.], seq 5000, ack 1001, win 65535, length 0\n");
  CHECK(rel[2] == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [.], ack 1, win 65535, length 0\n");
  CHECK(rel[3] == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [P.], seq 1:4, ack 1, win 65535, length 3\n");
  CHECK(rel[4] == "IP 192.0.2.2.50000 > 192.0.2.1.40000: Flags [.], ack 4, win 65535, length 0\n");
  CHECK(rel[5] == "IP 192.0.2.1.40001 > 192.0.2.2.50000: Flags [S], seq 77, win 65535, length 0\n");
  CHECK(rel[6] == "IP 192.0.2.1.40001 > 192.0.2.2.50000: Flags [P.], seq 78:79, ack 9000, win 65535, length 1\n");
  CHECK(rel[7] == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [F.], seq 4, ack 1, win 65535, length 0\n");
  auto abs = print_all(conv, opts(0, true));
  CHECK(abs[2] == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [.], ack 5001, win 65535, length 0\n");
  CHECK(abs[3] == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [P.], seq 1001:1004, ack 5001, win 65535, length 3\n");
  CHECK(abs[7] == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [F.], seq 1004, ack 5001, win 65535, length 0\n");
}

TEST_CASE("relative sequence numbers over thousands of conversations at once", "[proto][tcp][seq]") {
  // 5000 conversations, each opened by a
  // SYN and answered later, after all the others: the tracker's table grows
  // many times between a conversation's first segment and its next one, and
  // every base must survive that.
  constexpr unsigned kConversations = 5000;
  std::vector<Frame> frames;
  auto v4 = [](unsigned k, unsigned sport, unsigned dport, std::uint32_t seq, std::uint32_t ack, std::uint8_t fl,
               bool back) {
    std::string a = "192.0.2." + std::to_string(k % 250 + 1), b = "198.51.100." + std::to_string(k / 250 + 1);
    return ether(0x0800, ipv4(6, seg(sport, dport, seq, ack, fl), (back ? b : a).c_str(), (back ? a : b).c_str()));
  };
  for (unsigned k = 0; k < kConversations; ++k) frames.push_back(v4(k, 40000, 443, 1000 * k, 0, S, false));
  for (unsigned k = 0; k < kConversations; ++k)
    frames.push_back(v4(k, 443, 40000, 7000 * k, 1000 * k + 1, S | A, true));
  for (unsigned k = 0; k < kConversations; ++k)
    frames.push_back(v4(k, 40000, 443, 1000 * k + 1, 7000 * k + 1, A, false));
  auto out = print_all(frames);
  REQUIRE(out.size() == frames.size());
  unsigned relative = 0;
  for (unsigned k = 0; k < kConversations; ++k) {
    const std::string& third = out[2 * kConversations + k];
    if (third.find("Flags [.], ack 1, win 65535, length 0") != std::string::npos) ++relative;
  }
  CHECK(relative == kConversations);
  // The SYN-ACK of the last one, after the table grew: its own absolute values.
  CHECK(out[2 * kConversations - 1].find("seq " + std::to_string(7000u * (kConversations - 1)) + ", ack " +
                                         std::to_string(1000u * (kConversations - 1) + 1)) != std::string::npos);
}

TEST_CASE("TCP options tcpdump names", "[proto][tcp][options]") {
  Frame syn = c2s(1000, 0, S,
                  {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7});
  CHECK(print(syn) == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [S], seq 1000, win 65535, "
                      "options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0\n");
  // NOPs and an end-of-list with padding after it.
  Frame eol = c2s(1000, 0, S, {1, 1, 0, 0});
  CHECK(print(eol) == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [S], seq 1000, win 65535, "
                      "options [nop,nop,eol], length 0\n");
  // SACK blocks are relative to the connection's base, like the ack.
  std::vector<Frame> conv = {
      c2s(1000, 0, S),
      s2c(5000, 1001, S | A),
      s2c(5001, 1001, A, cat({{1, 1, 5, 10}, be32(1101), be32(1201)})),
  };
  auto lines = print_all(conv);
  CHECK(lines[2] == "IP 192.0.2.2.50000 > 192.0.2.1.40000: Flags [.], ack 1, win 65535, "
                    "options [nop,nop,sack 1 {101:201}], length 0\n");
  auto abs = print_all(conv, opts(0, true));
  CHECK(abs[2] == "IP 192.0.2.2.50000 > 192.0.2.1.40000: Flags [.], ack 1001, win 65535, "
                  "options [nop,nop,sack 1 {1101:1201}], length 0\n");
  // An option tcpdump does not know: its number and bytes.
  Frame unk = c2s(1000, 0, S, {99, 4, 0xab, 0xcd});
  CHECK(print(unk) == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [S], seq 1000, win 65535, "
                      "options [unknown-99 0xabcd], length 0\n");
}

TEST_CASE("malformed and truncated TCP options", "[proto][tcp][options][truncation]") {
  // mss with a wrong length.
  CHECK(print(c2s(1000, 0, S, {2, 3, 5, 1})) == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [S], seq 1000, win 65535, "
                                                "options [mss 1281[len 3]], length 0\n");
  // An option length running past the header.
  CHECK(print(c2s(1000, 0, S, {8, 40, 0, 0})) == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [S], seq 1000, win 65535, "
                                                 "options [[bad opt]\n");
  // Timestamp option cut by the capture: every prefix.
  Frame ts = c2s(1000, 0, S, {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2});
  auto lines = print_prefixes(ts);
  for (std::size_t n = 34; n < ts.size(); ++n) {
    INFO(n << " bytes: " << lines[n]);
    CHECK(lines[n].find(" [|tcp]") != std::string::npos);
  }
  CHECK(lines[ts.size()] == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [S], seq 1000, win 65535, "
                            "options [nop,nop,TS val 1 ecr 2], length 0\n");
  CHECK(lines[ts.size() - 1] == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [S], seq 1000, win 65535, "
                                "options [nop,nop,TS [|tcp]>\n");
}

TEST_CASE("bad TCP header lengths", "[proto][tcp][invalid]") {
  Frame f = c2s(1000, 0, S);
  f[14 + 20 + 12] = 0x40;  // 16 bytes
  CHECK(print(f) == "IP 192.0.2.1.40000 > 192.0.2.2.50000:  tcp 4 [bad hdr length 16 - too short, < 20]\n");
  f[14 + 20 + 12] = 0xf0;  // 60 bytes, only 20 there
  CHECK(print(f) == "IP 192.0.2.1.40000 > 192.0.2.2.50000: Flags [S] [bad hdr length 60 - too long, > 20]\n");
}

TEST_CASE("TCP checksum with -v, over IPv4 and IPv6", "[proto][tcp][checksum]") {
  Frame f = c2s(1000, 5, P | A, {}, {'h', 'i'});
  CHECK(print(f, opts(1)) == "IP (tos 0x0, ttl 64, id 4660, offset 0, flags [none], proto TCP (6), length 42)\n"
                             "    192.0.2.1.40000 > 192.0.2.2.50000: Flags [P.], cksum 0x5fdf (correct), seq 1000:1002, "
                             "ack 5, win 65535, length 2\n");
  f[14 + 20 + 16] ^= 0xff;
  CHECK(print(f, opts(1)).find("(incorrect -> 0x5fdf)") != std::string::npos);
  Frame six = ether(0x86dd, ipv6(6, seg(40000, 50000, 1000, 0, S)));
  CHECK(print(six, opts(1)).find("cksum 0x") != std::string::npos);
  CHECK(print(six, opts(1)).find("(correct)") != std::string::npos);
  CHECK(print(six) == "IP6 2001:db8::1.40000 > 2001:db8::2.50000: Flags [S], seq 1000, win 65535, length 0\n");
}

TEST_CASE("TCP truncated at every byte offset", "[proto][tcp][truncation]") {
  Frame f = c2s(1000, 5, P | A, {2, 4, 5, 0xb4}, {'h', 'i'});
  auto lines = print_prefixes(f, opts(2));
  for (std::size_t n = 14 + 20; n < 14 + 24 + 4; ++n) {
    INFO(n << " bytes: " << lines[n]);
    CHECK(lines[n].find(" [|tcp]") != std::string::npos);
  }
  CHECK(lines[14 + 20].find("192.0.2.1 > 192.0.2.2: [|tcp]") != std::string::npos);
}

TEST_CASE("hostile TCP: random offsets, options and lengths", "[proto][tcp][robustness]") {
  Frame base = c2s(1000, 5, S | A, {2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7, 5, 10, 0, 0, 0, 1,
                                    0, 0, 0, 2, 1, 1},
                   {1, 2, 3});
  for (int verbose : {0, 1}) {
    for (bool abs : {false, true}) {
      for (const auto& l : print_mutations(base, 14 + 20 + 4, 31, 300, opts(verbose, abs))) {
        INFO(l);
        CHECK(sane_line(l, 1500));
      }
    }
  }
}

TEST_CASE("JSON: TCP options as objects, numbers as numbers", "[proto][tcp][json]") {
  // SYN 40000 > 80 with mss 1460, sackOK, TS 7/0, nop, wscale 7 (what Linux sends).
  Frame tcp = cat({be16(40000), be16(80), be32(1000), be32(0),
                   Frame{0xa0, 0x02}, be16(64240), Frame{0, 0}, be16(0),
                   Frame{2, 4, 0x05, 0xb4, 4, 2, 8, 10}, be32(7), be32(0), Frame{1, 3, 3, 7}});
  netlab::PrintOptions o;
  o.json = true;
  std::string line = print(ether(0x0800, ipv4(6, tcp)), o);
  INFO(line);
  CHECK(line.find(R"("options":[{"kind":"mss","value":1460,"length":4},{"kind":"sackOK","length":2},)"
                  R"({"kind":"TS","val":7,"ecr":0,"length":10},{"kind":"nop"},{"kind":"wscale","value":7,"length":3}])") !=
        std::string::npos);
  // Cut inside the timestamp option: the list says so instead of inventing values.
  Frame cut = ether(0x0800, ipv4(6, tcp));
  cut.resize(cut.size() - 12);
  std::string short_line = print(cut, o, 1, static_cast<std::uint32_t>(cut.size() + 12));
  INFO(short_line);
  CHECK(short_line.find(R"("truncated":true)") != std::string::npos);
  CHECK(short_line.find(R"("kind":"TS","val")") == std::string::npos);
}
