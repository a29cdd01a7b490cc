// arp::arp_ignore_decision() against the kernel itself: for every arp_ignore
// value 0-8 and requests of several shapes (target on the receiving device or
// another, sender inside or outside the target's subnet, a routed /32, a
// host-scope address), a peer namespace asks and the prediction must match
// whether the kernel answered.
#include "netns_fixture.hpp"

#include <netlab/addr.hpp>
#include <netlab/arp_kernel.hpp>

#include <catch2/catch.hpp>

using nltest::ip_addr;
using nltest::ip_ok;

TEST_CASE("arp_ignore_decision predicts the kernel's answer for every arp_ignore value", "[arp][arp_ignore]") {
  nltest::PrivateNetns ns;
  nltest::make_named_netns("labpeer");
  nltest::write_proc("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
  ip_ok({"link", "add", "labv0", "type", "veth", "peer", "name", "labv1", "netns", "labpeer"});
  ip_ok({"link", "add", "labv2", "type", "veth", "peer", "name", "labv3"});
  ip_ok({"addr", "add", "192.0.2.1/24", "dev", "labv0"});
  ip_ok({"addr", "add", "203.0.113.1/32", "dev", "labv0"});           // the hosting recipe's /32 gateway
  ip_ok({"addr", "add", "192.0.2.77/32", "dev", "labv0", "scope", "host"});
  ip_ok({"addr", "add", "198.51.100.1/24", "dev", "labv2"});          // on another device
  for (const char* dev : {"labv0", "labv2", "labv3"}) ip_ok({"link", "set", dev, "up"});
  ip_ok({"-n", "labpeer", "link", "set", "labv1", "up"});
  auto addrs = netlab::addr::list({});
  REQUIRE(addrs.has_value());

  struct Ask {
    const char* sip;
    const char* tip;
  };
  const std::vector<Ask> asks = {
      {"192.0.2.2", "192.0.2.1"},      // same subnet, target on the receiving device
      {"198.51.100.9", "192.0.2.1"},   // sender in no subnet of labv0
      {"198.51.100.9", "203.0.113.1"}, // a routed /32 guest asking its onlink gateway
      {"192.0.2.2", "198.51.100.1"},   // the target lives on another device
      {"192.0.2.2", "192.0.2.77"},     // a host-scope address
  };
  std::size_t ignored = 0, answered = 0;
  for (long value = 0; value <= 8; ++value) {
    nltest::write_proc("/proc/sys/net/ipv4/conf/all/arp_ignore", std::to_string(value));
    for (const auto& a : asks) {
      const auto predicted = netlab::arp::arp_ignore_decision(value, *addrs, "labv0", ip_addr(a.sip), ip_addr(a.tip));
      auto r = nltest::netlab({"-n", "labpeer", "arp", "probe", "labv1", a.tip, "-s", a.sip, "-c", "1", "-w", "0.4"});
      INFO("arp_ignore=" << value << " who-has " << a.tip << " tell " << a.sip << ": " << predicted.why
                         << "\nprobe status " << r.status << "\n" << r.out << r.err);
      REQUIRE((r.status == 0 || r.status == 3));
      CHECK(predicted.ignored == (r.status == 3));
      (predicted.ignored ? ignored : answered) += 1;
    }
  }
  // Both outcomes occurred: the lab really tells the values apart.
  CHECK(ignored >= 10);
  CHECK(answered >= 10);
}
