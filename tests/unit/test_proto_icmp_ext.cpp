// ICMP RFC 4884 multi-part extensions (RFC 4950 MPLS label stack object)
// after a time exceeded's quoted datagram, and RPL control messages (RFC
// 6550, ICMPv6 type 155): tcpdump 4.99.3's text, every truncation prefix
// and seeded mutations.

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

// A time exceeded quoting a 128-byte datagram (RFC 4884 pads the quote to
// 128), then an extension v2 with one MPLS stack entry: label 16, [S], ttl 1.
Frame te_with_mpls() {
  Frame quoted = ipv4(17, cat({be16(40001), be16(33434), be16(108), be16(0), Frame(100, 0)}), "192.0.2.2",
                      "198.51.100.7");
  Frame ext = cat({{0x20, 0, 0, 0}, be16(8), {1, 1}, be32((16u << 12) | 0x100 | 1)});
  std::uint16_t s = fold(sum16(ext, 0, ext.size()));
  ext[2] = static_cast<std::uint8_t>(s >> 8);
  ext[3] = static_cast<std::uint8_t>(s);
  return ether(0x0800, ipv4(1, cat({{11, 0, 0, 0, 0, 32, 0, 0}, quoted, ext}), "203.0.113.1", "192.0.2.2"));
}

Frame rpl(std::uint8_t code, const Frame& body) {
  return ether(0x86dd, ipv6(58, cat({{155, code, 0, 0}, body}), "fe80::1", "ff02::1a"));
}

}  // namespace

TEST_CASE("ICMP multi-part extension with an MPLS label stack entry", "[proto][icmp]") {
  Frame f = te_with_mpls();
  std::string text = print(f, v(1));
  CHECK(text.find("ICMP time exceeded in-transit, length 148\n") != std::string::npos);
  CHECK(text.find("\n\tICMP Multi-Part extension v2, checksum 0x") != std::string::npos);
  CHECK(text.find(" (correct), length 12\n\t  MPLS Stack Entry Object (1), Class-Type: 1, length 8\n"
                  "\t    label 16, tc 0, [S], ttl 1\n") != std::string::npos);
  CHECK(print(f).find("Multi-Part") == std::string::npos);  // only from -v on
  Frame bad = f;
  bad.back() ^= 0x40;  // the object's ttl: the extension checksum no longer verifies
  std::string bad_text = print(bad, v(1));
  CHECK(bad_text.find(" (incorrect), length 12") != std::string::npos);
  Frame v1 = f;
  v1[14 + 20 + 136] = 0x10;  // version 1
  CHECK(print(v1, v(1)).find("\n\tICMP Multi-Part extension v1 packet not supported\n") != std::string::npos);
}

TEST_CASE("ICMP multi-part extension in JSON", "[proto][icmp][json]") {
  Frame f = te_with_mpls();
  std::string out = print(f, json());
  CAPTURE(out);
  CHECK(out.find(R"("extension":{"version":2,"checksum":)") != std::string::npos);
  CHECK(out.find(R"("checksum_ok":true,"objects":[{"class":1,"class_type":1,"length":8,"label":16,"tc":0,)"
                 R"("bottom_of_stack":true,"ttl":1}]},"length":148)") != std::string::npos);
  Frame bad = f;
  bad.back() ^= 0x40;
  CHECK(print(bad, json()).find(R"("checksum_ok":false)") != std::string::npos);
  // An object length of 0 ends the list (tcpdump's loop guard): no endless walk.
  Frame zero = f;
  zero[14 + 20 + 136 + 4] = 0;
  zero[14 + 20 + 136 + 5] = 0;
  out = print(zero, json());
  CAPTURE(out);
  CHECK(out.find(R"("objects":[])") != std::string::npos);
  // Cut inside the extension: no checksum over bytes not captured, and an
  // object whose body is not captured gives its header only.
  Frame cut(f.begin(), f.end() - 4);
  out = print(cut, json(), 1, static_cast<std::uint32_t>(f.size()));
  CAPTURE(out);
  CHECK(out.find(R"("extension":{"version":2,"objects":[{"class":1,"class_type":1,"length":8}]})") !=
        std::string::npos);
}

TEST_CASE("ICMP multi-part extension every prefix and mutations", "[proto][icmp][truncation]") {
  Frame f = te_with_mpls();
  auto lines = print_prefixes(f, v(1));
  for (std::size_t n = 1; n < lines.size(); ++n) {
    INFO(n << " bytes: " << lines[n]);
    CHECK(sane_line(lines[n], 1200));
  }
  // Cut inside the extension's fixed part: tcpdump ends the packet there.
  CHECK(lines[14 + 20 + 138].find(" [|icmp]") != std::string::npos);
  for (const auto& l : print_mutations(f, 14 + 20, 17, 400, v(2))) {
    INFO(l);
    CHECK(sane_line(l, 4000));
  }
}

TEST_CASE("RPL DAO DAO-ACK and DIO", "[proto][icmp6]") {
  Frame dagid = ip6a("2001:db8::d");
  Frame dao = rpl(2, cat({{42, 0x40, 0, 10}, dagid, {5, 4, 0, 0x80, 0x20, 0x01}, {0}}));
  CHECK(print(dao) == "IP6 fe80::1 > ff02::1a: ICMP6, RPL, (CLR)Destination Advertisement Object, length 31\n");
  std::string vv = print(dao, v(2));
  CHECK(vv.find("ICMP6, RPL, (CLR)Destination Advertisement Object [dagid:2001:db8::d,seq:10,instance:42,Dagid,40]"
                " opt:rpltarget len:6  opt:pad1\n") != std::string::npos);
  Frame ack = rpl(3, {43, 0, 11, 0});
  CHECK(print(ack, v(1)).find("(CLR)Destination Advertisement Object Ack [dagid:<elided>,seq:11,instance:43,status:0]")
        != std::string::npos);
  Frame dio = rpl(1, cat({{1, 2}, be16(256), {0x88 | 2, 7, 0, 0}, dagid}));
  CHECK(print(dio, v(1)).find("(CLR)DODAG Information Object [dagid:2001:db8::d,seq:7,instance:1,rank:256,grounded,"
                              "mop:storing,prf:2]") != std::string::npos);
  CHECK(print(rpl(0x80, {0, 0})).find("RPL, (SEC) [worktodo]") != std::string::npos);
  // An option longer than the message: the list stops with [|icmp6].
  Frame cut = rpl(2, cat({{42, 0, 0, 0}, Frame(16, 0), {13, 40}}));
  CHECK(print(cut, v(2)).find("opt:subopt:13 len:42  [|icmp6]") != std::string::npos);
}

TEST_CASE("RPL messages in JSON", "[proto][icmp6][json]") {
  Frame dagid = ip6a("2001:db8::d");
  std::string out = print(rpl(1, cat({{1, 2}, be16(256), {0x88 | 2, 7, 0, 0}, dagid})), json());
  CAPTURE(out);
  CHECK(out.find(R"("rpl":{"secure":false,"message":"DIO","instance":1,"version":2,"rank":256,"grounded":true,)"
                 R"("mop":1,"prf":2,"dtsn":7,"dagid":"2001:db8::d"})") != std::string::npos);
  out = print(rpl(2, cat({{42, 0xc0, 0, 10}, dagid})), json());
  CAPTURE(out);
  CHECK(out.find(R"("rpl":{"secure":false,"message":"DAO","instance":42,"sequence":10,"ack_requested":true,)"
                 R"("dagid":"2001:db8::d"})") != std::string::npos);
  out = print(rpl(3, {43, 0, 11, 4}), json());
  CAPTURE(out);
  CHECK(out.find(R"("rpl":{"secure":false,"message":"DAO-ACK","instance":43,"sequence":11,"status":4})") !=
        std::string::npos);
  // A DIO shorter than its fixed part: the message named, no field guessed.
  out = print(rpl(1, {1, 2, 0}), json());
  CAPTURE(out);
  CHECK(out.find(R"("rpl":{"secure":false,"message":"DIO"})") != std::string::npos);
  CHECK(print(rpl(0x80, {0, 0}), json()).find(R"("rpl":{"secure":true})") != std::string::npos);
}

TEST_CASE("RPL every prefix and mutations", "[proto][icmp6][truncation]") {
  Frame dao = rpl(2, cat({{42, 0xc0, 0, 10}, ip6a("2001:db8::d"), {5, 4, 0, 0x80, 0x20, 0x01}, {0, 1, 0}}));
  auto lines = print_prefixes(dao, v(2));
  for (std::size_t n = 1; n < lines.size(); ++n) {
    INFO(n << " bytes: " << lines[n]);
    CHECK(sane_line(lines[n], 800));
  }
  CHECK(lines[14 + 40 + 10].find("[|icmp6]") != std::string::npos);
  for (const auto& l : print_mutations(dao, 14 + 40, 23, 400, v(3))) {
    INFO(l);
    CHECK(sane_line(l, 3000));
  }
}
