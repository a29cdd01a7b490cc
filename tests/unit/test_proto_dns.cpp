// DNS (dns.cpp): queries and answers at -n, -v and -vv, compression
// pointers that loop, EDNS options, mDNS, DNS over TCP, messages cut at
// every length (never a read past the capture: run under the asan preset)
// and the typed JSON form. Expected text is tcpdump 4.99.3's for the same
// DNS bytes (checked by writing the frames to a pcap and reading it with
// tcpdump -n, -v, -vv).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

Frame udp(unsigned sport, unsigned dport, const Frame& payload) {
  return cat({be16(sport), be16(dport), be16(static_cast<unsigned>(8 + payload.size())), be16(0), payload});
}
Frame tcp(unsigned sport, unsigned dport, const Frame& payload) {
  return cat({be16(sport), be16(dport), be32(1), be32(1), {0x50, 0x18}, be16(1000), be16(0), be16(0), payload});
}
Frame dns_udp(const Frame& msg, unsigned port = 53) { return ether(0x0800, ipv4(17, udp(40000, port, msg))); }

// A name in wire form, uncompressed (RFC 1035 3.1).
Frame name(std::string_view dotted) {
  Frame out;
  while (!dotted.empty()) {
    auto dot = dotted.find('.');
    auto label = dotted.substr(0, dot);
    out.push_back(static_cast<std::uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
    if (dot == std::string_view::npos) break;
    dotted.remove_prefix(dot + 1);
  }
  out.push_back(0);
  return out;
}
Frame header(unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns, unsigned ar) {
  return cat({be16(id), be16(flags), be16(qd), be16(an), be16(ns), be16(ar)});
}
Frame question(const Frame& n, unsigned type, unsigned cls = 1) { return cat({n, be16(type), be16(cls)}); }
Frame record(const Frame& n, unsigned type, const Frame& data, unsigned cls = 1, std::uint32_t ttl = 3600) {
  return cat({n, be16(type), be16(cls), be32(ttl), be16(static_cast<unsigned>(data.size())), data});
}
const Frame kAtQuestion = {0xc0, 0x0c};  // a pointer to the first question's name

Frame query() { return cat({header(0x1234, 0x0100, 1, 0, 0, 0), question(name("www.example.com"), 1)}); }

// A CNAME and an A record, both names compressed to the question's.
Frame answer() {
  return cat({header(0x1234, 0x8180, 1, 2, 0, 0), question(name("www.example.com"), 1),
              record(kAtQuestion, 5, name("web.example.com")), record(kAtQuestion, 1, {192, 0, 2, 10})});
}

// One record of each usual type, an SOA in the authority section and an
// OPT record whose extended RCODE makes the response BadVers (RFC 6891).
Frame many_types() {
  Frame soa = cat({name("ns.example.com"), name("hostmaster.example.com"), be32(2024010101), be32(7200), be32(3600),
                   be32(1209600), be32(300)});
  Frame opt_options = cat({be16(11), be16(2), {0x00, 0x96},  // keepalive 15 s
                           be16(12), be16(3), {0, 0, 0},      // padding
                           be16(3), be16(3), {'n', 's', '1'}});  // NSID
  Frame opt = cat({{0}, be16(41), be16(4096), {1, 0}, be16(0x8000), be16(static_cast<unsigned>(opt_options.size())),
                   opt_options});
  return cat({header(7, 0x8580, 1, 6, 1, 1), question(name("example.com"), 255),
              record(kAtQuestion, 15, cat({be16(10), name("mail.example.com")})),
              record(kAtQuestion, 16, {5, 'h', 'e', 'l', 'l', 'o', 3, 'a', '"', 'b', 0}),
              record(name("_sip._udp.example.com"), 33, cat({be16(1), be16(2), be16(5060), {3, 's', 'i', 'p', 0xc0, 0x0c}})),
              record(kAtQuestion, 28, ip6a("2001:db8::1")),
              record(name("1.2.0.192.in-addr.arpa"), 12, {3, 'w', 'w', 'w', 0xc0, 0x0c}),
              record(kAtQuestion, 99, {3, 'v', '=', '1'}, 3),
              record(kAtQuestion, 6, soa), opt});
}

// The DNS part of a line: what follows "ADDR.PORT > ADDR.PORT: ".
std::string dns_text(const std::string& line) {
  auto at = line.find(".53: ");
  if (at == std::string::npos) at = line.find(".5353: ");
  if (at == std::string::npos) return line;
  std::string rest = line.substr(line.find(": ", at) + 2);
  constexpr std::string_view kSum = "[udp sum ok] ";  // -vv; the frames' checksums are right
  if (rest.compare(0, kSum.size(), kSum) == 0) rest.erase(0, kSum.size());
  return rest;
}

}  // namespace

TEST_CASE("DNS: a query and an answer at -n", "[proto][dns]") {
  CHECK(print(dns_udp(query())) == "IP 192.0.2.1.40000 > 192.0.2.2.53: 4660+ A? www.example.com. (33)\n");
  CHECK(print(dns_udp(answer())) ==
        "IP 192.0.2.1.40000 > 192.0.2.2.53: 4660 2/0/0 CNAME web.example.com., A 192.0.2.10 (78)\n");
  // -q: tcpdump's udp_print prints no payload.
  netlab::PrintOptions q;
  q.quiet = true;
  CHECK(print(dns_udp(query()), q) == "IP 192.0.2.1.40000 > 192.0.2.2.53: UDP, length 33\n");
}

TEST_CASE("DNS: the usual record types, -v names and -vv sections", "[proto][dns]") {
  Frame f = dns_udp(many_types());
  CHECK(dns_text(print(f)) ==
        "7 BadVers* 6/1/1 MX mail.example.com. 10, TXT \"hello\" \"a\"b\" \"\", SRV sip.example.com.:5060 1 2, "
        "AAAA 2001:db8::1, PTR www.example.com., CHAOS SPF (316)\n");
  CHECK(dns_text(print(f, v(1))) ==
        "7 BadVers* 6/1/1 example.com. MX mail.example.com. 10, example.com. TXT \"hello\" \"a\"b\" \"\", "
        "_sip._udp.example.com. SRV sip.example.com.:5060 1 2, example.com. AAAA 2001:db8::1, "
        "1.2.0.192.in-addr.arpa. PTR www.example.com., example.com. CHAOS SPF (316)\n");
  CHECK(has(print(f, v(2)),
            "7 BadVers* q: ANY? example.com. 6/1/1 example.com. MX mail.example.com. 10, example.com. TXT "
            "\"hello\" \"a\"b\" \"\", _sip._udp.example.com. SRV sip.example.com.:5060 1 2, example.com. AAAA "
            "2001:db8::1, 1.2.0.192.in-addr.arpa. PTR www.example.com., example.com. CHAOS SPF ns: example.com. SOA "
            "ns.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300 ar: . OPT UDPsize=4096 DO "
            "[KEEPALIVE 15.0 sec,PADDING (3),NSID 6e7331] (316)\n"));
}

TEST_CASE("DNS: flags, opcodes and the query's unexpected bits", "[proto][dns]") {
  // IQUERY (opcode 1) with AA, and the reserved Z bit set in a query.
  Frame iq = cat({header(11, 0x0800 | 0x0400 | 0x0040, 0, 1, 0, 0), record({0}, 1, {192, 0, 2, 1})});
  CHECK(dns_text(print(dns_udp(iq))) == "11 inv_q [b2&3=0xc40] (27)\n");
  CHECK(dns_text(print(dns_udp(iq), v(2))) == "11 inv_q [b2&3=0xc40] . A 192.0.2.1 (27)\n");
  // NXDomain, authoritative, no recursion available, truncated, authentic data.
  Frame nx = cat({header(24, 0x8623, 1, 0, 0, 0), question(name("nope.example"), 1)});
  CHECK(dns_text(print(dns_udp(nx))) == "24 NXDomain*-|$ 0/0/0 (30)\n");
  // Two questions in a response: the count, then each question at -vv.
  Frame two = cat({header(21, 0x8180, 2, 0, 0, 0), question(name("a.example"), 1), question(name("b.example"), 28)});
  CHECK(dns_text(print(dns_udp(two), v(2))) == "21 [2q] q: A? a.example., q: AAAA? b.example. 0/0/0 (42)\n");
  // An extended RCODE past the table: " Resp" and the 12-bit value.
  Frame opt = {0, 0, 41, 2, 0, 18, 0, 0, 0, 0, 0};
  Frame ext = cat({header(12, 0x800c, 1, 0, 0, 1), question(name("x"), 1), opt});
  CHECK(dns_text(print(dns_udp(ext))) == "12 Resp300- 0/0/1 (30)\n");
}

TEST_CASE("DNS: compression pointers that loop or point forward end the name", "[proto][dns][loop]") {
  // A name that is a pointer to itself.
  Frame self = cat({header(9, 0x0100, 1, 0, 0, 0), {0xc0, 0x0c}, be16(1), be16(1)});
  CHECK(dns_text(print(dns_udp(self))) == "9+ A? <BAD PTR> [|domain]\n");
  // Two pointers that point at each other.
  Frame pair = cat({header(10, 0x8180, 1, 1, 0, 0), question(name("a.example"), 1),
                    {0xc0, 0x1f, 0xc0, 0x1d}, be16(1), be16(1), be32(60), be16(4), {192, 0, 2, 1}});
  CHECK(dns_text(print(dns_udp(pair), v(2))) == "10 q: A? a.example. 1/0/0 <BAD PTR> [|domain]\n");
  // A long chain of pointers, each to the one before it, held in an
  // unknown record's data: legal, walked to its end one pointer a step.
  Frame data = name("end");
  const std::size_t base = 12 + 1 + 10;  // header, the root owner, the fixed part
  std::size_t prev = base;
  for (int k = 0; k < 2000; ++k) {
    std::size_t here = base + data.size();
    data.push_back(static_cast<std::uint8_t>(0xc0 | prev >> 8));
    data.push_back(static_cast<std::uint8_t>(prev & 0xff));
    prev = here;
  }
  Frame last = {static_cast<std::uint8_t>(0xc0 | prev >> 8), static_cast<std::uint8_t>(prev & 0xff)};
  Frame msg = cat({header(30, 0x8100, 0, 2, 0, 0), record({0}, 4660, data), record(last, 1, {192, 0, 2, 9})});
  CHECK(dns_text(print(dns_udp(msg), v(1))) == "30- [0q] 2/0/0 . Type4660, end. A 192.0.2.9 (4044)\n");
}

TEST_CASE("DNS: EDNS options and the client subnet", "[proto][dns][edns]") {
  Frame ecs = cat({be16(8), be16(11), be16(2), {56, 0}, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0}});
  Frame bad_cookie = cat({be16(10), be16(3), {1, 2, 3}});
  Frame chain = cat({be16(13), be16(13), name("example.com")});
  Frame opts = cat({ecs, bad_cookie, chain, be16(65001), be16(1), {0xab}});
  Frame opt = cat({{0}, be16(41), be16(1232), be32(0), be16(static_cast<unsigned>(opts.size())), opts});
  Frame msg = cat({header(13, 0x0100, 1, 0, 0, 1), question(name("x"), 1), opt});
  CHECK(dns_text(print(dns_udp(msg), v(2))) ==
        "13+ [1au] A? x. ar: . OPT UDPsize=1232 [ECS 2001:db8::/56/0,COOKIE  (invalid),CHAIN example.com.,"
        "Opt65001 ab] (74)\n");
}

TEST_CASE("DNS: mDNS's QU and cache-flush bits, LLMNR left to UDP", "[proto][dns][mdns]") {
  Frame q = cat({header(0, 0, 2, 0, 0, 0), question(name("_http._tcp.local"), 12, 0x8001),
                 question(name("host.local"), 1)});
  CHECK(dns_text(print(dns_udp(q, 5353))) == "0 [2q] PTR (QU)? _http._tcp.local. A (QM)? host.local. (50)\n");
  Frame r = cat({header(0, 0x8400, 0, 1, 0, 0), record(name("host.local"), 1, {192, 0, 2, 5}, 0x8001, 120)});
  CHECK(dns_text(print(dns_udp(r, 5353), v(1))) == "0*- [0q] 1/0/0 host.local. (Cache flush) A 192.0.2.5 (38)\n");
  // tcpdump 4.99.3 has no LLMNR printer: port 5355 stays plain UDP.
  CHECK(has(print(dns_udp(q, 5355)), "UDP, length 50"));
}

TEST_CASE("DNS over TCP: the length prefix", "[proto][dns][tcp]") {
  Frame msg = cat({header(20, 0x0100, 1, 0, 0, 0), question(name("tcp.example"), 1)});
  Frame good = ether(0x0800, ipv4(6, tcp(40000, 53, cat({be16(static_cast<unsigned>(msg.size())), msg}))));
  CHECK(print(good) == "IP 192.0.2.1.40000 > 192.0.2.2.53: Flags [P.], seq 1:32, ack 1, win 1000, length 31 "
                       "20+ A? tcp.example. (29)\n");
  Frame bad = ether(0x0800, ipv4(6, tcp(40000, 53, cat({be16(static_cast<unsigned>(msg.size() + 5)), msg}))));
  CHECK(has(print(bad), "length 31 [prefix length(34) != length(29)] (invalid)\n"));
  Frame one = ether(0x0800, ipv4(6, tcp(40000, 53, {0})));
  CHECK(has(print(one), "length 1 [DNS over TCP: length 1 < 2] (invalid)\n"));
}

TEST_CASE("DNS: short and cut messages", "[proto][dns][truncated]") {
  CHECK(dns_text(print(dns_udp({0, 1, 2, 3, 4, 5, 6}))) == "domain [length 7 < 12] (invalid)\n");
  // The answer cut inside its second record's data (tcpdump's dns_udp_2 case).
  Frame f = dns_udp(answer());
  Frame cut(f.begin(), f.end() - 2);
  CHECK(dns_text(print(cut, {}, 1, static_cast<std::uint32_t>(f.size()))) ==
        "4660 2/0/0 CNAME web.example.com., A [|domain]\n");
  CHECK(dns_text(print(cut, v(2), 1, static_cast<std::uint32_t>(f.size()))) ==
        "4660 q: A? www.example.com. 2/0/0 www.example.com. CNAME web.example.com., www.example.com. A [|domain]\n");
  // Cut inside the last record's fixed part: tcpdump's ns_rprint gives up on
  // that record quietly, and as it was the last one the line ends normally.
  Frame cut6(f.begin(), f.end() - 6);
  CHECK(dns_text(print(cut6, v(1), 1, static_cast<std::uint32_t>(f.size()))) ==
        "4660 2/0/0 www.example.com. CNAME web.example.com., www.example.com. (78)\n");
  // Every prefix of every test message, at each level: one sane line that
  // ends in the length or in [|domain] (and, under ASan, no read past it).
  for (const Frame& m : {query(), answer(), many_types()}) {
    for (int level = 0; level <= 3; ++level) {
      auto lines = print_prefixes(dns_udp(m), v(level));
      for (std::size_t n = 0; n < lines.size(); ++n) {
        INFO("prefix " << n << " at -v " << level);
        CHECK(sane_line(lines[n], 8192));
      }
      // Cut anywhere after the DNS header: the line ends as domain_print
      // ends it, with the message length or [|domain].
      for (std::size_t n = 42 + 12; n < lines.size(); ++n) {
        const std::string& l = lines[n];
        CHECK((l.ends_with(")\n") || l.ends_with("[|domain]\n")));
      }
    }
  }
}

TEST_CASE("DNS: mutated messages print one sane line each", "[proto][dns][robust]") {
  for (unsigned seed = 1; seed <= 4; ++seed) {
    for (const auto& l : print_mutations(dns_udp(many_types()), 42, seed, 300, v(2))) CHECK(sane_line(l, 65536));
    for (const auto& l : print_mutations(dns_udp(answer()), 42, seed, 300, json())) {
      CHECK_NOTHROW(testjson::parse(l));
    }
  }
}

TEST_CASE("DNS: the typed JSON form", "[proto][dns][json]") {
  auto doc = testjson::parse(print(dns_udp(many_types()), json()));
  const auto& layers = doc["layers"].array();
  const auto& d = layers.back();
  CHECK(d["layer"].str() == "dns");
  CHECK(d["id"].num() == 7);
  CHECK(d["response"].boolean());
  CHECK(d["flags"]["aa"].boolean());
  CHECK(d["flags"]["rd"].boolean());
  CHECK(d["rcode"].num() == 16);
  CHECK(d["rcode_name"].str() == "BadVers");
  CHECK(d["questions"].array()[0]["name"].str() == "example.com.");
  CHECK(d["questions"].array()[0]["type_name"].str() == "ANY");
  const auto& an = d["answers"].array();
  REQUIRE(an.size() == 6);
  CHECK(an[0]["type_name"].str() == "MX");
  CHECK(an[0]["ttl"].num() == 3600);
  CHECK(an[0]["data"]["preference"].num() == 10);
  CHECK(an[0]["data"]["exchange"].str() == "mail.example.com.");
  CHECK(an[1]["data"].array()[1].str() == "a\"b");
  CHECK(an[2]["data"]["port"].num() == 5060);
  CHECK(an[2]["data"]["target"].str() == "sip.example.com.");
  CHECK(an[3]["data"].str() == "2001:db8::1");
  CHECK(an[4]["data"].str() == "www.example.com.");
  CHECK(an[5]["class_name"].str() == "CHAOS");
  CHECK(an[5]["data_hex"].str() == "03763d31");
  const auto& soa = d["authority"].array()[0]["data"];
  CHECK(soa["rname"].str() == "hostmaster.example.com.");
  CHECK(soa["serial"].num() == 2024010101);
  const auto& opt = d["additional"].array()[0];
  CHECK(opt["udp_size"].num() == 4096);
  CHECK(opt["do"].boolean());
  CHECK(opt["options"].array()[0]["name"].str() == "KEEPALIVE");

  auto a = testjson::parse(print(dns_udp(answer()), json())).object().at("layers").array().back();
  CHECK(a["answers"].array()[1]["data"].str() == "192.0.2.10");
  CHECK(a["answers"].array()[0]["name"].str() == "www.example.com.");

  // A loop: the record says truncated instead of inventing a name.
  Frame self = cat({header(9, 0x0100, 1, 0, 0, 0), {0xc0, 0x0c}, be16(1), be16(1)});
  auto l = testjson::parse(print(dns_udp(self), json())).object().at("layers").array().back();
  CHECK(l["questions"].array()[0]["truncated"].boolean());
}
