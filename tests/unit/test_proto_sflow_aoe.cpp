// sFlow v5 (sflow.cpp, UDP 6343) and ATA over Ethernet (aoe.cpp, ethertype
// 0x88a2): a counter sample and a flow sample at -n, -v and -vv, then hostile
// datagrams (a sample length past the datagram's end, a record count and a
// sample count of 2^32-1, every prefix, seeded mutations: output bounded,
// never a read past the capture under the asan preset); AoE's commands, its
// short and cut headers, lengths that disagree with their counts, and JSON.
// Expected text is tcpdump 4.99.3's for the same bytes (each frame written to
// a pcap and read back with `tcpdump -t -n [-v|-vv]`).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame words(std::initializer_list<std::uint32_t> ws) {
  Frame f;
  for (auto w : ws) f = cat({f, be32(w)});
  return f;
}

Frame udp_6343(const Frame& payload) {
  return ether(0x0800, ipv4(17, cat({be16(40000), be16(6343), be16(static_cast<unsigned>(8 + payload.size())),
                                     be16(0), payload}),
                            "192.0.2.1", "192.0.2.2"));
}

// The datagram header: version 5, IPv4 agent 192.0.2.10, sub-agent 3,
// sequence 7, uptime 1000 ms, `samples` samples.
Frame sflow_header(std::uint32_t samples) {
  return cat({words({5, 1}), ip4a("192.0.2.10"), words({3, 7, 1000, samples})});
}

// A VLAN counter record (type 5, 28 bytes): VLAN 10, 1000 octets, 1 2 3 4 packets.
Frame vlan_record() { return cat({words({5, 28, 10, 0, 1000, 1, 2, 3, 4})}); }

// A counter sample (format 2): sequence 9, source index 5, `records` records.
Frame counter_sample(std::uint32_t length, std::uint32_t records) {
  return cat({words({2, length, 9, 5, records}), vlan_record()});
}

const std::string kAddr = "192.0.2.1.40000 > 192.0.2.2.6343: ";
const std::string kHeaderV = "sFlowv5, IPv4 agent 192.0.2.10, agent-id 3, seqnum 7, uptime 1000, samples 1, length 84";
const std::string kVlanLines =
    "\n\t    enterprise 0, Vlan counter (5) length 28"
    "\n\t      vlan_id 10, octets 1000, unicast_pkt 1, multicast_pkt 2, broadcast_pkt 3, discards 4";

Frame aoe(const Frame& body) { return ether(0x88a2, body); }

// A version 1 header: flags, shelf 0x0014 slot 0, command, tag.
Frame aoe_header(std::uint8_t flags, std::uint8_t command, std::uint32_t tag) {
  return cat({{static_cast<std::uint8_t>(0x10 | flags), 0}, be16(0x14), {0, command}, be32(tag)});
}

}  // namespace

TEST_CASE("sFlow: a counter sample at -n -v and -vv", "[proto][sflow]") {
  const Frame f = udp_6343(cat({sflow_header(1), counter_sample(48, 1)}));
  CHECK(print(f) == "IP " + kAddr + "sFlowv5, IPv4 agent 192.0.2.10, agent-id 3, length 84\n");
  const std::string body =
      kHeaderV + "\n\tcounter sample (2), length 48, seqnum 9, type 0, idx 5, records 1" + kVlanLines + "\n";
  CHECK(print(f, v(1)).find("\n    " + kAddr + body) != std::string::npos);
  CHECK(print(f, v(2)).find("\n    " + kAddr + "[udp sum ok] " + body) != std::string::npos);
}

TEST_CASE("sFlow: a flow sample with a raw packet and switch data", "[proto][sflow]") {
  Frame sample = cat({words({1, 80, 4, 7, 100, 200, 0, 1, 2, 2}), words({1, 16, 1, 128, 4, 64}),
                      words({1001, 16, 10, 0, 20, 0})});
  const Frame f = udp_6343(cat({sflow_header(1), sample}));
  CHECK(print(f, v(1)).find(
            "length 116\n\tflow sample (1), length 80, seqnum 4, type 0, idx 7, rate 100, pool 200, drops 0, input 1 "
            "output 2 records 2"
            "\n\t    enterprise 0 Raw packet (1) length 16"
            "\n\t      protocol Ethernet (1), length 128, stripped bytes 4, header_size 64"
            "\n\t    enterprise 0 Extended Switch data (1001) length 16"
            "\n\t      src vlan 10, src pri 0, dst vlan 20, dst pri 0\n") != std::string::npos);
}

TEST_CASE("sFlow: a sample length past the datagram's end is invalid", "[proto][sflow][hostile]") {
  const Frame f = udp_6343(cat({sflow_header(1), counter_sample(1000, 1)}));
  CHECK(print(f, v(1)).find(kHeaderV + "\n\tcounter sample (2), length 1000, (invalid)\n") != std::string::npos);
}

TEST_CASE("sFlow: huge record and sample counts stop at the datagram's end", "[proto][sflow][hostile]") {
  const Frame records = udp_6343(cat({sflow_header(1), counter_sample(48, 0xffffffff)}));
  std::string out = print(records, v(1));
  CHECK(out.find("records 4294967295" + kVlanLines + " (invalid)\n") != std::string::npos);
  CHECK(out.size() < 1000);
  const Frame samples = udp_6343(cat({sflow_header(0xffffffff), counter_sample(48, 1)}));
  out = print(samples, v(1));
  CHECK(out.find("samples 4294967295, length 84\n\tcounter sample (2)") != std::string::npos);
  CHECK(out.size() < 1000);
}

TEST_CASE("sFlow: a short datagram and a cut sample", "[proto][sflow][truncated]") {
  const Frame f = udp_6343(cat({sflow_header(1), counter_sample(48, 1)}));
  // Cut 10 bytes into the sample body: tcpdump checks the whole sample first.
  Frame cut(f.begin(), f.begin() + 14 + 20 + 8 + 28 + 8 + 10);
  CHECK(print(cut, v(1), 1, static_cast<std::uint32_t>(f.size())).find(
            kHeaderV + "\n\tcounter sample (2), length 48, [|sflow]\n") != std::string::npos);
  const Frame tiny = udp_6343(words({5, 1}));
  CHECK(print(tiny) == "IP " + kAddr + "sFlowv5 [length 8 < 28] (invalid)\n");
  for (const auto& line : print_prefixes(f, v(1))) CHECK(sane_line(line, 2000));
  for (const auto& line : print_mutations(f, 42, 6343, 300, v(1))) CHECK(sane_line(line, 20000));
}

TEST_CASE("sFlow: JSON members are typed", "[proto][sflow][json]") {
  netlab::PrintOptions o;
  o.json = true;
  const std::string out = print(udp_6343(cat({sflow_header(1), counter_sample(48, 1)})), o);
  CHECK(out.find("\"layer\":\"sflow\",\"length\":84,\"version\":5,\"agent_address_type\":1,\"agent\":\"192.0.2.10\","
                 "\"agent_id\":3,\"sequence\":7,\"uptime_ms\":1000,\"sample_count\":1,"
                 "\"samples\":[{\"format\":2,\"name\":\"counter sample\",\"length\":48,\"sequence\":9,"
                 "\"source_type\":0,\"source_index\":5,\"record_count\":1,\"records\":[{\"enterprise\":0,"
                 "\"format\":5,\"name\":\"Vlan counter\",\"length\":28}]}]") != std::string::npos);
  // A flow sample's rate, pool and interfaces; a record count past the sample stops at its end.
  Frame sample = cat({words({1, 56, 4, 7, 100, 200, 0, 1, 2, 0xffffffff}), words({1001, 16, 10, 0, 20, 0})});
  const std::string flow = print(udp_6343(cat({sflow_header(1), sample})), o);
  CAPTURE(flow);
  CHECK(flow.find("{\"format\":1,\"name\":\"flow sample\",\"length\":56,\"sequence\":4,\"source_type\":0,"
                  "\"source_index\":7,\"sampling_rate\":100,\"sample_pool\":200,\"drops\":0,\"input\":1,"
                  "\"output\":2,\"record_count\":4294967295,\"records\":[{\"enterprise\":0,\"format\":1001,"
                  "\"name\":\"Extended Switch data\",\"length\":16}]}") != std::string::npos);
}

TEST_CASE("AoE: an ATA command and a config query at -n and -v", "[proto][aoe]") {
  const Frame issue = aoe(cat({aoe_header(0, 0, 1), {0x40, 0, 2, 0x24, 0, 0, 0, 0, 0, 0, 0, 0}, Frame(24, 0)}));
  CHECK(print(issue) == "AoE length 46, Ver 1, Flags: [none]\n");
  CHECK(print(issue, v(1)) ==
        "AoE length 46, Ver 1, Flags: [none]"
        "\n\tMajor: 0x0014, Minor: 0x00, Command: Issue ATA Command, Tag: 0x00000001"
        "\n\tAFlags: [Ext48], Err/Feature: 0, Sector Count: 2, Cmd/Status: 36"
        "\n\tlba0: 0, lba1: 0, lba2: 0, lba3: 0, lba4: 0, lba5: 0"
        "\n\tData: 24 bytes\n");
  const Frame query =
      aoe(cat({aoe_header(8, 1, 9), be16(4), be16(0x4019), {0, 0x10}, be16(5), {'a', 'b', 1, 'c', 'd'}}));
  CHECK(print(query, v(2)) ==
        "AoE length 23, Ver 1, Flags: [Response]"
        "\n\tMajor: 0x0014, Minor: 0x00, Command: Query Config Information, Tag: 0x00000009"
        "\n\tBuffer Count: 4, Firmware Version: 16409, Sector Count: 0, AoE: 1, CCmd: read config string"
        "\n\tConfig String (length 5): ab^Acd\n");
}

TEST_CASE("AoE: counts the length does not hold are invalid", "[proto][aoe][hostile]") {
  const Frame reserve = aoe(cat({aoe_header(0, 3, 2), {1, 2}, {2, 0, 0, 0, 0, 9}}));
  CHECK(print(reserve, v(1)) ==
        "AoE length 18, Ver 1, Flags: [none]"
        "\n\tMajor: 0x0014, Minor: 0x00, Command: Reserve/Release, Tag: 0x00000002"
        "\n\tRCmd: Set reserve list, NMacs: 2 (invalid)\n");
  const Frame mask = aoe(cat({aoe_header(0, 2, 3), {0, 1, 0, 255}, {0, 1, 2, 0, 0, 0, 0, 7}}));
  CHECK(print(mask, v(1)) ==
        "AoE length 22, Ver 1, Flags: [none]"
        "\n\tMajor: 0x0014, Minor: 0x00, Command: MAC Mask List, Tag: 0x00000003"
        "\n\tMCmd: Edit Mac Mask List, MError: Unknown (0x00), Dir Count: 255 (invalid)\n");
}

TEST_CASE("AoE: short and cut headers", "[proto][aoe][truncated]") {
  CHECK(print(aoe({0x18, 0, 0, 0x14, 0})) == "AoE length 5, Ver 1 (invalid)\n");
  const Frame issue = aoe(cat({aoe_header(0, 0, 1), {0x40, 0, 2, 0x24, 0, 0, 0, 0, 0, 0, 0, 0}, Frame(24, 0)}));
  const auto wire = static_cast<std::uint32_t>(issue.size());
  Frame cut(issue.begin(), issue.begin() + 14 + 5);
  CHECK(print(cut, {}, 1, wire) == "AoE length 46, Ver 1, Flags: [none]\n");
  CHECK(print(cut, v(1), 1, wire) ==
        "AoE length 46, Ver 1, Flags: [none]\n\tMajor: 0x0014, Minor: 0x00 [|aoe]\n");
  Frame no_ver(issue.begin(), issue.begin() + 14);
  CHECK(print(no_ver, {}, 1, wire) == "AoE length 46 [|aoe]\n");
  for (const auto& line : print_prefixes(issue, v(1))) CHECK(sane_line(line, 1000));
  for (const auto& line : print_mutations(issue, 14, 2210, 300, v(1))) CHECK(sane_line(line, 4000));
}

TEST_CASE("AoE: JSON members are typed", "[proto][aoe][json]") {
  netlab::PrintOptions o;
  o.json = true;
  const std::string out = print(aoe(cat({aoe_header(8, 1, 9), Frame(8, 0)})), o);
  CHECK(out.find("{\"layer\":\"aoe\",\"length\":18,\"version\":1,\"flags\":8,\"response\":true,\"major\":20,"
                 "\"minor\":0,\"command\":1,\"command_name\":\"Query Config Information\",\"tag\":9,"
                 "\"arguments\":{\"buffer_count\":0,\"firmware_version\":0,\"sector_count\":0,\"aoe_version\":0,"
                 "\"config_command\":0,\"config_command_name\":\"read config string\",\"config_string\":\"\"},"
                 "\"status\":\"ok\"}") != std::string::npos);
  // An ATA read of LBA 0x0504030201 and a reserve list of two MACs.
  const Frame ata = aoe(cat({aoe_header(0, 0, 1), Frame{0x40, 0, 8, 0x24, 1, 2, 3, 4, 5, 0, 0, 0}}));
  std::string out2 = print(ata, o);
  CAPTURE(out2);
  CHECK(out2.find("\"arguments\":{\"ata_flags\":64,\"feature\":0,\"sector_count\":8,\"ata_command\":36,"
                  "\"lba\":21542142465,\"data_length\":0}") != std::string::npos);
  Frame macs = cat({aoe_header(0, 3, 2), Frame{1, 2}, Frame{2, 0, 0, 0, 0, 1}, Frame{2, 0, 0, 0, 0, 2}});
  out2 = print(aoe(macs), o);
  CAPTURE(out2);
  CHECK(out2.find("\"arguments\":{\"reserve_command\":1,\"reserve_command_name\":\"Set reserve list\","
                  "\"macs\":[\"02:00:00:00:00:01\",\"02:00:00:00:00:02\"]}") != std::string::npos);
  // A count the capture does not hold: no half-written array.
  Frame cut = aoe(macs);
  const auto wire = static_cast<std::uint32_t>(cut.size());
  cut.resize(cut.size() - 3);
  out2 = print(cut, o, 1, wire);
  CAPTURE(out2);
  CHECK(out2.find("\"arguments\":{\"reserve_command\":1,\"reserve_command_name\":\"Set reserve list\"}") !=
        std::string::npos);
}
