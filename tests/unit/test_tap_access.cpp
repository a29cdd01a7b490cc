// C53 tap-not-accessible without privilege: analyse_access() judges
// hand-built facts (a user, the device node, the TAP, qemu-bridge-helper's
// ACL) as collect_access() would read them. The integration test
// (tests/integration/test_tap_access.cpp) builds each case for real and runs
// the printed fixes.
#include "diag/tap_access_facts.hpp"

#include <catch2/catch.hpp>

#include <net/if.h>
#include <sys/stat.h>

using namespace netlab;
using namespace netlab::tap;

namespace {

AccessUser alice() {
  AccessUser u;
  u.uid = 1000;
  u.gid = 1000;
  u.groups = {1000, 27};
  u.word = "alice";
  u.label = "alice (uid 1000)";
  return u;
}

AccessFacts healthy() {
  AccessFacts f;
  f.who = alice();
  f.node.mode = S_IFCHR | 0666;
  f.node.gid = 0;
  f.tap.link.name = "vmtap7";
  f.tap.link.tun = TunInfo{};
  f.tap.link.tun->persist = true;
  f.tap.link.tun->owner = 1000;
  f.tap.link.address = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x07};
  f.tap.link.mtu = 1500;
  f.group_names = {{0, "root"}, {1000, "alice"}, {108, "kvm"}};
  return f;
}

const diag::Finding* c53_fault(const diag::Report& r) {
  for (const auto& f : r.findings)
    if (f.id == "C53" && f.severity == diag::Severity::Fault) return &f;
  return nullptr;
}

std::vector<std::string> commands(const diag::Finding& f) {
  std::vector<std::string> out;
  for (const auto& s : f.fix) out.push_back(s.netlab.empty() ? s.iproute2 : s.netlab);
  return out;
}

}  // namespace

TEST_CASE("tap access: a TAP the user owns, on a node anyone may open, reads ok") {
  const auto r = analyse_access(healthy(), AccessOptions{});
  CHECK(r.verdict == diag::Verdict::Ok);
  CHECK(c53_fault(r) == nullptr);
  REQUIRE_FALSE(r.notes.empty());
  CHECK(r.notes.front() == "alice can attach to vmtap7");
  REQUIRE(r.checked.size() == 1);
  CHECK(r.checked[0].result == "ruled out");
}

TEST_CASE("tap access: a node only root may open is C53 with chmod 0666") {
  auto facts = healthy();
  facts.node.mode = S_IFCHR | 0600;
  const auto r = analyse_access(facts, AccessOptions{});
  CHECK(r.verdict == diag::Verdict::Fault);
  const auto* f = c53_fault(r);
  REQUIRE(f != nullptr);
  CHECK(f->summary == "alice cannot attach to vmtap7: alice cannot open /dev/net/tun for reading and writing");
  CHECK(commands(*f) == std::vector<std::string>{"chmod 0666 /dev/net/tun"});
  REQUIRE(f->evidence.size() == 1);
  CHECK(f->evidence[0].text.find("crw-------") != std::string::npos);
  CHECK(f->evidence[0].text.find("the others' bits") != std::string::npos);
  // Root passes the same node (CAP_DAC_OVERRIDE).
  facts.who = AccessUser{};
  facts.who.word = "root";
  CHECK(analyse_access(facts, AccessOptions{}).verdict == diag::Verdict::Ok);
}

TEST_CASE("tap access: the node's ACL is read in the kernel's order, through its mask") {
  auto facts = healthy();
  facts.node.mode = S_IFCHR | 0660;
  facts.node.gid = 108;
  // group:kvm:rw- under a mask of r--: masked out.
  facts.who.groups.push_back(108);
  facts.node.acl = {{kAclUserObj, 6, 0}, {kAclGroupObj, 6, 0}, {kAclGroup, 6, 108}, {kAclMask, 4, 0}, {kAclOther, 0, 0}};
  auto r = analyse_access(facts, AccessOptions{});
  REQUIRE(c53_fault(r) != nullptr);
  CHECK(c53_fault(r)->evidence[0].text.find("masked") != std::string::npos);
  // The mask widened to rw-: the group entry grants it.
  facts.node.acl[3].perm = 6;
  CHECK(analyse_access(facts, AccessOptions{}).verdict == diag::Verdict::Ok);
  // A named user entry decides before any group entry.
  facts.node.acl.insert(facts.node.acl.begin() + 1, AclEntry{kAclUser, 0, 1000});
  CHECK(analyse_access(facts, AccessOptions{}).verdict == diag::Verdict::Fault);
}

TEST_CASE("tap access: a missing node is C53 with the mknod that creates it") {
  auto facts = healthy();
  facts.node.missing = "No such file or directory";
  AccessOptions o;
  o.tun_device = "/srv/lab/tun";
  const auto r = analyse_access(facts, o);
  const auto* f = c53_fault(r);
  REQUIRE(f != nullptr);
  CHECK(commands(*f) == std::vector<std::string>{"mknod -m 0666 /srv/lab/tun c 10 200"});
}

TEST_CASE("tap access: another owner is C53, fixed by recreating the TAP as it was") {
  auto facts = healthy();
  facts.tap.link.tun->owner = 1001;
  facts.tap.link.tun->group = 27;
  facts.tap.link.tun->vnet_hdr = true;
  facts.tap.link.mtu = 9000;
  facts.tap.link.master = "labbr0";
  facts.tap.link.slave_kind = "bridge";
  facts.tap.link.flags = IFF_UP;
  AccessOptions o;
  o.netns_arg = "labns";
  const auto r = analyse_access(facts, o);
  const auto* f = c53_fault(r);
  REQUIRE(f != nullptr);
  CHECK(f->summary == "alice cannot attach to vmtap7: the TAP belongs to another user");
  CHECK(commands(*f) == std::vector<std::string>{
                           "netlab -n labns tap delete vmtap7",
                           "netlab -n labns tap create vmtap7 user alice group 27 vnet_hdr address 02:00:5e:10:00:07 "
                           "mtu 9000 master labbr0 up"});
  // The same TAP for root: CAP_NET_ADMIN passes the owner check.
  facts.who = AccessUser{};
  facts.who.word = "root";
  CHECK(c53_fault(analyse_access(facts, o)) == nullptr);
}

TEST_CASE("tap access: a group the user is not in is C53 and names the group") {
  auto facts = healthy();
  facts.tap.link.tun->owner.reset();
  facts.tap.link.tun->group = 108;
  const auto r = analyse_access(facts, AccessOptions{});
  const auto* f = c53_fault(r);
  REQUIRE(f != nullptr);
  REQUIRE(f->evidence.size() == 1);
  CHECK(f->evidence[0].text.find("alice is not in group kvm (108)") != std::string::npos);
}

TEST_CASE("tap access: a single-queue TAP held by a process is C53 with its kill, a multi-queue one is not") {
  auto facts = healthy();
  facts.tap.holders = {{4242, "qemu-system-x86"}};
  const auto r = analyse_access(facts, AccessOptions{});
  const auto* f = c53_fault(r);
  REQUIRE(f != nullptr);
  CHECK(commands(*f) == std::vector<std::string>{"kill 4242"});
  facts.tap.link.tun->multi_queue = true;
  CHECK(c53_fault(analyse_access(facts, AccessOptions{})) == nullptr);
}

TEST_CASE("tap access: every reason is one evidence and the summary names them all") {
  auto facts = healthy();
  facts.node.mode = S_IFCHR | 0600;
  facts.tap.link.tun->owner = 0;
  facts.tap.holders = {{77, "vde_plug"}};
  const auto r = analyse_access(facts, AccessOptions{});
  const auto* f = c53_fault(r);
  REQUIRE(f != nullptr);
  CHECK(f->evidence.size() == 3);
  CHECK(r.checked.at(0).detail == "3 reasons");
}

TEST_CASE("tap access: qemu-bridge-helper's ACL is an info finding with the line that allows the bridge") {
  auto facts = healthy();
  facts.tap.link.master = "labbr0";
  facts.tap.link.slave_kind = "bridge";
  facts.helper = HelperAcl{};
  facts.helper->files = {"/etc/qemu/bridge.conf"};
  auto r = analyse_access(facts, AccessOptions{});
  CHECK(r.verdict == diag::Verdict::Ok);  // information for -netdev bridge, not this TAP's fault
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].severity == diag::Severity::Info);
  CHECK(commands(r.findings[0]) == std::vector<std::string>{"echo 'allow labbr0' >> /etc/qemu/bridge.conf"});
  // A deny line in an included file: the fix edits that file.
  facts.helper->allowed = true;
  facts.helper->denied = true;
  facts.helper->deny_file = "/etc/qemu/lab.conf";
  r = analyse_access(facts, AccessOptions{});
  REQUIRE(r.findings.size() == 1);
  CHECK(commands(r.findings[0]).at(0).find("' /etc/qemu/lab.conf") != std::string::npos);
  // Allowed and not denied: a note.
  facts.helper->denied = false;
  r = analyse_access(facts, AccessOptions{});
  CHECK(r.findings.empty());
  CHECK(r.notes.back() == "qemu-bridge-helper may use labbr0 (/etc/qemu/bridge.conf)");
}
