// The pure parts of trace/: protocol words, reason names, kernel-side filter
// text, device attribution and the summary (lib/src/trace/evidence.cpp).
#include <netlab/trace.hpp>

#include <catch2/catch.hpp>

using namespace netlab::trace;

TEST_CASE("parse_protocol: words and ethertypes, 0x600 to 0xffff") {
  CHECK(parse_protocol("arp").value() == 0x0806);
  CHECK(parse_protocol("ARP").value() == 0x0806);
  CHECK(parse_protocol("ip").value() == 0x0800);
  CHECK(parse_protocol("ip6").value() == 0x86dd);
  CHECK(parse_protocol("0x88cc").value() == 0x88cc);
  CHECK(parse_protocol("2054").value() == 0x0806);
  CHECK(parse_protocol("0x600").value() == 0x600);
  CHECK(parse_protocol("0xffff").value() == 0xffff);
  for (const char* bad : {"", "tcp", "0x5ff", "0x10000", "1535", "0x", "-1", "12ab", "0x0806 "}) {
    auto r = parse_protocol(bad);
    INFO(bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == netlab::Errc::Usage);
  }
}

TEST_CASE("protocol_name: known names, hex otherwise") {
  CHECK(protocol_name(0x0806) == "ARP");
  CHECK(protocol_name(0x0800) == "IPv4");
  CHECK(protocol_name(0x86dd) == "IPv6");
  CHECK(protocol_name(0x0004) == "0x0004");
  CHECK(protocol_name(0x88b5) == "0x88b5");
}

TEST_CASE("normalize_reason: upper case, SKB_DROP_REASON_ removed, only A-Z 0-9 _") {
  CHECK(normalize_reason("netfilter_drop").value() == "NETFILTER_DROP");
  CHECK(normalize_reason("SKB_DROP_REASON_OTHERHOST").value() == "OTHERHOST");
  CHECK(normalize_reason("skb_drop_reason_neigh_failed").value() == "NEIGH_FAILED");
  for (const char* bad : {"", "no such", "a-b", "SKB_DROP_REASON_", "12;rm"}) {
    INFO(bad);
    CHECK_FALSE(normalize_reason(bad).has_value());
  }
}

TEST_CASE("reason_number: the kernel's table decides, never a compiled-in number") {
  // Two kernels with different numbers for the same name.
  const std::map<std::uint32_t, std::string> k1 = {{2, "NOT_SPECIFIED"}, {12, "NETFILTER_DROP"}, {13, "OTHERHOST"}};
  const std::map<std::uint32_t, std::string> k2 = {{2, "NOT_SPECIFIED"}, {9, "OTHERHOST"}, {77, "NETFILTER_DROP"}};
  CHECK(reason_number(k1, "NETFILTER_DROP").value() == 12);
  CHECK(reason_number(k2, "netfilter_drop").value() == 77);
  auto typo = reason_number(k1, "NETFILTER_DORP");
  REQUIRE_FALSE(typo.has_value());
  CHECK(typo.error().kind == netlab::Errc::Usage);
  CHECK(typo.error().message().find("did you mean NETFILTER_DROP") != std::string::npos);
  CHECK(typo.error().message().find("kernel's names") != std::string::npos);
  auto far = reason_number(k1, "BRIDGE_INGRESS_STP_STATE");
  REQUIRE_FALSE(far.has_value());
  CHECK(far.error().message().find("did you mean") == std::string::npos);
}

TEST_CASE("device_filter: the names or'ed, bad names refused") {
  CHECK(device_filter("name", {}).value().empty());
  CHECK(device_filter("name", {"veth0"}).value() == "name == \"veth0\"");
  CHECK(device_filter("dev", {"a0", "b0"}).value() == "dev == \"a0\" || dev == \"b0\"");
  CHECK_FALSE(device_filter("name", {"a\"b"}).has_value());
  CHECK_FALSE(device_filter("name", {"a/b"}).has_value());
  CHECK_FALSE(device_filter("name", {"0123456789abcdef"}).has_value());
}

namespace {
Drop drop(std::uint64_t skb, const char* reason = "NETFILTER_DROP", int cpu = 0) {
  Drop d;
  d.skbaddr = skb;
  d.reason = reason;
  d.cpu = cpu;
  return d;
}
}  // namespace

TEST_CASE("Attributor: the latest receive/queue event of the same skb names the device") {
  Attributor a([](const std::string&) { return 1; });
  a.saw_skb(0x1000, "veth0", 84, 1'000'000);
  a.saw_skb(0x1000, "br0", 70, 1'000'500);  // forwarded: the later device wins
  a.saw_skb(0x2000, "veth1", 42, 1'000'600);
  auto d = drop(0x1000);
  REQUIRE(a.attribute(d, 1'001'000));
  CHECK(d.device == "br0");
  CHECK(d.length == 70u);
  CHECK(d.attribution == Attribution::Certain);
  // The skb is freed: its address says nothing any more.
  auto again = drop(0x1000);
  CHECK_FALSE(a.attribute(again, 1'002'000));
  CHECK(again.device.empty());
  CHECK(again.attribution == Attribution::None);
  auto unknown = drop(0x3000);
  CHECK_FALSE(a.attribute(unknown, 1'002'000));
}

TEST_CASE("Attributor: a drop after a transmit says so, after a receive not") {
  Attributor a([](const std::string&) { return 1; });
  a.saw_skb(0x1000, "veth0", 60, 0, true);
  a.saw_skb(0x2000, "veth0", 60, 0);
  auto sent = drop(0x1000);
  REQUIRE(a.attribute(sent, 1000));
  CHECK(sent.after_transmit);
  auto received = drop(0x2000);
  REQUIRE(a.attribute(received, 1000));
  CHECK_FALSE(received.after_transmit);
}

TEST_CASE("Attributor: a name in two namespaces, or an old match, is probable") {
  Attributor a([](const std::string& n) { return n == "eth0" ? 3 : 1; });
  a.saw_skb(0x1000, "eth0", 60, 0);
  auto d = drop(0x1000);
  REQUIRE(a.attribute(d, 1000));
  CHECK(d.attribution == Attribution::Probable);
  a.saw_skb(0x2000, "veth7", 60, 0);
  auto old = drop(0x2000);
  REQUIRE(a.attribute(old, Attributor::kCertainNs + 1));
  CHECK(old.attribution == Attribution::Probable);
}

TEST_CASE("Attributor: past the reuse window the address names nothing, NEIGH_* waits longer") {
  Attributor a(nullptr);
  a.saw_skb(0x1000, "veth0", 60, 0);
  auto d = drop(0x1000);
  CHECK_FALSE(a.attribute(d, Attributor::kWindowNs + 1));
  CHECK(d.device.empty());
  a.saw_skb(0x2000, "veth0", 60, 0);
  auto n = drop(0x2000, "NEIGH_FAILED");
  REQUIRE(a.attribute(n, 3'000'000'000ull));  // parked on an unresolved neighbour for 3 s
  CHECK(n.device == "veth0");
  CHECK(n.attribution == Attribution::Probable);
}

TEST_CASE("Attributor::attribute_from_neigh: same CPU, within 2 ms after, NEIGH_* only") {
  NeighEvent ev;
  ev.device = "veth0";
  ev.cpu = 1;
  auto d = drop(0x1000, "NEIGH_FAILED", 1);
  CHECK_FALSE(Attributor::attribute_from_neigh(d, 1000, ev, 500));            // before the drop
  CHECK_FALSE(Attributor::attribute_from_neigh(d, 1000, ev, 1000 + 3'000'000));  // too late
  ev.cpu = 0;
  CHECK_FALSE(Attributor::attribute_from_neigh(d, 1000, ev, 2000));  // another CPU
  ev.cpu = 1;
  auto other = drop(0x1000, "NETFILTER_DROP", 1);
  CHECK_FALSE(Attributor::attribute_from_neigh(other, 1000, ev, 2000));
  REQUIRE(Attributor::attribute_from_neigh(d, 1000, ev, 2000));
  CHECK(d.device == "veth0");
  CHECK(d.attribution == Attribution::Probable);
}

TEST_CASE("Summary: counts per reason, location and device, most frequent first") {
  Summary s;
  auto a = drop(1, "OTHERHOST");
  a.location = "ip_rcv_core+0x22c";
  a.device = "v0";
  auto b = drop(2, "NETFILTER_DROP");
  b.location = "nft_do_chain+0x46f";
  b.device = "v0";
  s.add(b);
  s.add(a);
  s.add(a);
  auto rows = s.rows();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].reason == "OTHERHOST");
  CHECK(rows[0].count == 2);
  CHECK(rows[1].reason == "NETFILTER_DROP");
  CHECK(s.total() == 3);
}

TEST_CASE("attribution_name") {
  CHECK(std::string(attribution_name(Attribution::Certain)) == "certain");
  CHECK(std::string(attribution_name(Attribution::Probable)) == "probable");
  CHECK(std::string(attribution_name(Attribution::None)) == "none");
}

namespace {
// The fields every kfree_skb had: the common header, skbaddr, location.
#define NETLAB_KFREE_FIRST_FIELDS \
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
    "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" \
    "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
    "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n" \
    "\tfield:void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;\n" \
    "\tfield:void * location;\toffset:16;\tsize:8;\tsigned:0;\n"

// kfree_skb's format as Linux 6.18 prints it, with the reason list cut short.
const char* const kFormat618 =
    "name: kfree_skb\nID: 2310\nformat:\n" NETLAB_KFREE_FIRST_FIELDS
    "\tfield:void * rx_sk;\toffset:24;\tsize:8;\tsigned:0;\n"
    "\tfield:unsigned short protocol;\toffset:32;\tsize:2;\tsigned:0;\n"
    "\tfield:enum skb_drop_reason reason;\toffset:36;\tsize:4;\tsigned:0;\n\n"
    "print fmt: \"skbaddr=%p rx_sk=%p protocol=%u location=%pS reason: %s\", REC->skbaddr, REC->rx_sk, "
    "REC->protocol, REC->location, __print_symbolic(REC->reason, { 2, \"NOT_SPECIFIED\" }, { 3, \"NO_SOCKET\" }, "
    "{ 12, \"NETFILTER_DROP\" }, { 13, \"OTHERHOST\" }, { 120, \"BRIDGE_INGRESS_STP_STATE\" }, { 130, \"MAX\" })\n";

// The same event before Linux 5.17: no reason.
const char* const kFormat516 =
    "name: kfree_skb\nID: 1234\nformat:\n" NETLAB_KFREE_FIRST_FIELDS
    "\tfield:unsigned short protocol;\toffset:24;\tsize:2;\tsigned:0;\n\n"
    "print fmt: \"skbaddr=%p protocol=%u location=%p\", REC->skbaddr, REC->protocol, REC->location\n";
}  // namespace

TEST_CASE("reasons_from_format: the numbers come from the kernel's print fmt") {
  auto names = reasons_from_format(kFormat618);
  INFO((names ? "" : names.error().message()));
  REQUIRE(names.has_value());
  CHECK(names->at(12) == "NETFILTER_DROP");
  CHECK(names->at(120) == "BRIDGE_INGRESS_STP_STATE");
  CHECK(names->size() == 6);
  // A kernel that numbers the enum differently gets its own numbers.
  std::string moved = kFormat618;
  moved.replace(moved.find("{ 12, \"NETFILTER_DROP\" }"), 24, "{ 44, \"NETFILTER_DROP\" }");
  auto other = reasons_from_format(moved);
  REQUIRE(other.has_value());
  CHECK(reason_number(*other, "NETFILTER_DROP").value() == 44);
}

TEST_CASE("reasons_from_format: a kernel before 5.17 has no reasons, said as Unsupported") {
  auto r = reasons_from_format(kFormat516);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == netlab::Errc::Unsupported);
  CHECK(r.error().message().find("5.17") != std::string::npos);
  CHECK_FALSE(reasons_from_format("garbage").has_value());
}
