// DVMRP carried in IGMP (type 0x13): the message names and bodies tcpdump
// 4.99.3's dvmrp_print gives, every truncation prefix and seeded mutations.

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame dvmrp(std::uint8_t code, const Frame& group, const Frame& body) {
  return ether(0x0800, ipv4(2, cat({{0x13, code, 0, 0}, group, body}), "192.0.2.1", "192.0.2.2"));
}

}  // namespace

TEST_CASE("DVMRP prune graft and neighbors2", "[proto][igmp]") {
  Frame prune = dvmrp(7, be32(0), cat({ip4a("198.51.100.1"), ip4a("233.252.0.1"), be32(7200)}));
  CHECK(print(prune) ==
        "IP 192.0.2.1 > 192.0.2.2: igmp dvmrp Prune src 198.51.100.1 grp 233.252.0.1 timer 2h\n");
  Frame graft = dvmrp(8, be32(0), cat({ip4a("198.51.100.1"), ip4a("233.252.0.1")}));
  CHECK(print(graft) == "IP 192.0.2.1 > 192.0.2.2: igmp dvmrp Graft src 198.51.100.1 grp 233.252.0.1\n");
  // Neighbors2: version 3.255 in the group field, one local address with
  // metric 1, threshold 0, querier, two neighbours.
  Frame n2 = dvmrp(6, {0, 0, 0xff, 3},
                   cat({ip4a("192.0.2.1"), {1, 0, 0x40, 2}, ip4a("192.0.2.7"), ip4a("192.0.2.8")}));
  CHECK(print(n2) == "IP 192.0.2.1 > 192.0.2.2: igmp dvmrp Neighbors2 (v 3.255): [192.0.2.1 -> 192.0.2.7 "
                     "(1/0/querier)] [192.0.2.1 -> 192.0.2.8 (1/0/querier)]\n");
  Frame bad = dvmrp(6, {0, 0, 0xff, 3}, cat({ip4a("192.0.2.1"), {1, 0, 0, 3}, ip4a("192.0.2.7")}));
  CHECK(print(bad).find(" [invalid ncount] (invalid)") != std::string::npos);
  CHECK(print(dvmrp(5, be32(0), {})) == "IP 192.0.2.1 > 192.0.2.2: igmp dvmrp Ask-neighbors2\n");
  CHECK(print(dvmrp(42, be32(0), {})) == "IP 192.0.2.1 > 192.0.2.2: igmp dvmrp [type 42]\n");
  Frame probe = dvmrp(1, be32(0), cat({be32(99), ip4a("192.0.2.9")}));
  CHECK(print(probe, v(2)).find("igmp dvmrp Probe\n\tgenid 99\n\tneighbor 192.0.2.9") != std::string::npos);
}

TEST_CASE("DVMRP every prefix and mutations", "[proto][igmp][truncation]") {
  Frame prune = dvmrp(7, be32(0), cat({ip4a("198.51.100.1"), ip4a("233.252.0.1"), be32(7200)}));
  auto lines = print_prefixes(prune, v(2));
  for (std::size_t n = 1; n < lines.size(); ++n) {
    INFO(n << " bytes: " << lines[n]);
    CHECK(sane_line(lines[n], 600));
  }
  CHECK(lines[14 + 20 + 10].find("[|dvmrp]") != std::string::npos);
  Frame n2 = dvmrp(6, {0, 0, 0xff, 3},
                   cat({ip4a("192.0.2.1"), {1, 0, 0x40, 2}, ip4a("192.0.2.7"), ip4a("192.0.2.8")}));
  for (const auto& l : print_mutations(n2, 14 + 20, 29, 400, v(2))) {
    INFO(l);
    CHECK(sane_line(l, 3000));
  }
}

TEST_CASE("DVMRP JSON names the message and its fixed fields", "[proto][igmp][json]") {
  Frame prune = dvmrp(7, be32(0), cat({ip4a("198.51.100.1"), ip4a("233.252.0.1"), be32(7200)}));
  std::string out = print(prune, json());
  CAPTURE(out);
  CHECK(out.find(R"("message":"dvmrp","dvmrp_type":7,"dvmrp_name":"Prune","source":"198.51.100.1",)"
                 R"("group":"233.252.0.1","prune_lifetime":7200,"status":"ok")") != std::string::npos);
  Frame n2 = dvmrp(6, {0, 0, 0xff, 3}, cat({ip4a("192.0.2.1"), {1, 0, 0x40, 1}, ip4a("192.0.2.7")}));
  out = print(n2, json());
  CAPTURE(out);
  CHECK(out.find(R"("dvmrp_type":6,"dvmrp_name":"Neighbors2","version":"3.255")") != std::string::npos);
  Frame probe = dvmrp(1, be32(0), be32(99));
  out = print(probe, json());
  CAPTURE(out);
  CHECK(out.find(R"("dvmrp_type":1,"dvmrp_name":"Probe","generation_id":99)") != std::string::npos);
  // A prune cut after its source: no half-read group.
  out = print(dvmrp(7, be32(0), ip4a("198.51.100.1")), json());
  CAPTURE(out);
  CHECK(out.find(R"("dvmrp_name":"Prune","status")") != std::string::npos);
}
