// analyse_access(): C53 tap-not-accessible judged from the facts
// collect_access() read (tap_access.cpp), with no system call: the kernel's
// checks on open("/dev/net/tun") and TUNSETIFF, in its order, and
// qemu-bridge-helper's ACL for the TAP's bridge.
#include "diag/tap_access_facts.hpp"

#include <netlab/render.hpp>

#include <algorithm>
#include <sys/stat.h>

namespace netlab::tap {

bool AccessUser::in_group(std::uint32_t g) const {
  return (gid && *gid == g) || std::find(groups.begin(), groups.end(), g) != groups.end();
}

namespace {

constexpr std::string_view kCause = "tap-not-accessible";
constexpr std::string_view kId = "C53";

// Read and write (6) granted to `who` by the mode and the ACL, in the
// kernel's order: owner, named users, the owning and named groups (through
// the mask), others. Root passes (CAP_DAC_OVERRIDE).
bool may_read_write(const AccessUser& who, const NodeFacts& node, std::string& why) {
  constexpr unsigned rw = 6;
  if (who.root()) return true;
  const auto& acl = node.acl;
  if (acl.empty()) {
    unsigned bits = node.uid == who.uid ? (node.mode >> 6) & 7
                    : who.in_group(node.gid) ? (node.mode >> 3) & 7
                                             : node.mode & 7;
    why = node.uid == who.uid ? "the owner's bits" : who.in_group(node.gid) ? "the group's bits" : "the others' bits";
    return (bits & rw) == rw;
  }
  unsigned mask = 7;
  for (const auto& e : acl)
    if (e.tag == kAclMask) mask = e.perm;
  if (node.uid == who.uid) {
    why = "the owner's entry";
    return ((node.mode >> 6) & rw) == rw;
  }
  for (const auto& e : acl)
    if (e.tag == kAclUser && e.id == who.uid) {
      why = "the ACL entry user:" + std::to_string(e.id) + " (masked)";
      return (e.perm & mask & rw) == rw;
    }
  bool group_matched = false;
  for (const auto& e : acl) {
    const bool match = (e.tag == kAclGroupObj && who.in_group(node.gid)) || (e.tag == kAclGroup && who.in_group(e.id));
    if (!match) continue;
    group_matched = true;
    if ((e.perm & mask & rw) == rw) {
      why = "a group ACL entry";
      return true;
    }
  }
  if (group_matched) {
    why = "its groups' ACL entries (masked)";
    return false;
  }
  for (const auto& e : acl)
    if (e.tag == kAclOther) {
      why = "the ACL's other entry";
      return (e.perm & rw) == rw;
    }
  return false;
}

std::string mode_text(std::uint32_t mode) {
  std::string s = S_ISCHR(mode) ? "c" : "-";
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) s += (mode & (0400u >> i)) ? rwx[i] : '-';
  return s;
}

// The report being written: the C53 finding, its reasons, and the notes.
struct Judgement {
  const AccessFacts& facts;
  const AccessOptions& o;
  diag::Report r;
  diag::Finding f;
  std::vector<std::string> reasons;

  // "kvm (108)" when the name is known, else the number.
  std::string group_text(std::uint32_t g) const {
    auto it = facts.group_names.find(g);
    return it == facts.group_names.end() ? std::to_string(g) : it->second + " (" + std::to_string(g) + ")";
  }
  std::string netlab_cmd(const std::string& args) const {
    return "netlab " + (o.netns_arg.empty() ? std::string() : "-n " + o.netns_arg + " ") + args;
  }
};

diag::Evidence evidence(std::string type, std::string iface, std::string text,
                        std::vector<std::pair<std::string, std::string>> attrs = {}) {
  diag::Evidence e;
  e.type = std::move(type);
  e.interface = std::move(iface);
  e.text = std::move(text);
  e.attrs = std::move(attrs);
  return e;
}

diag::FixStep host_step(std::string description, std::string netlab, std::string classic) {
  diag::FixStep s;
  s.description = std::move(description);
  s.netlab = std::move(netlab);
  s.iproute2 = std::move(classic);
  return s;
}

// The `tap create` words that rebuild `t` as it is, owned by `who`: what the
// ownership fix prints after `tap delete`, so nothing else about it changes.
std::string recreate_args(const Tap& t, const AccessUser& who) {
  const TunInfo& tun = *t.link.tun;
  std::string s = "tap create " + t.link.name + (tun.tap ? "" : " tun") + " user " + who.word;
  if (tun.group && who.in_group(*tun.group)) s += " group " + std::to_string(*tun.group);
  if (tun.multi_queue) s += " multi_queue";
  if (tun.vnet_hdr) s += " vnet_hdr";
  if (tun.pi) s += " pi";
  if (tun.tap && t.link.address.size() == 6) s += " address " + hw_addr_string(t.link.address);
  if (t.link.mtu && t.link.mtu != 1500) s += " mtu " + std::to_string(t.link.mtu);
  if (!t.link.master.empty() && t.link.slave_kind == "bridge") s += " master " + t.link.master;
  if (t.link.is_up()) s += " up";
  return s;
}

// 1. The device node.
void check_node(Judgement& j) {
  const AccessUser& who = j.facts.who;
  const NodeFacts& node = j.facts.node;
  const std::string& path = j.o.tun_device;
  if (node.missing) {
    j.reasons.push_back(path + " is missing");
    j.f.evidence.push_back(evidence("file", "", path + ": " + *node.missing));
    j.f.fix.push_back(host_step("create the TUN/TAP device node (major 10, minor 200)", "",
                                "mknod -m 0666 " + path + " c 10 200"));
    return;
  }
  std::string why;
  const bool ok = may_read_write(who, node, why);
  const std::string text = path + " " + mode_text(node.mode) + (node.acl.empty() ? "" : "+") + " owner " +
                           std::to_string(node.uid) + " group " + j.group_text(node.gid);
  j.r.notes.push_back(text);
  if (ok) return;
  j.reasons.push_back(who.word + " cannot open " + path + " for reading and writing");
  j.f.evidence.push_back(evidence("file", "", text + ": " + why + " refuse read-write to " + who.label,
                                  {{"path", path}, {"mode", mode_text(node.mode)}}));
  j.f.fix.push_back(host_step("let every user open the device node (Debian's default mode)", "", "chmod 0666 " + path));
}

// 2. Owner and group of the TAP (this kernel: each one set must match).
void check_ownership(Judgement& j) {
  const AccessUser& who = j.facts.who;
  const Tap& t = j.facts.tap;
  const TunInfo& tun = *t.link.tun;
  const std::string& dev = t.link.name;
  std::string ownership = dev + ": " + (tun.tap ? "tap" : "tun") + (tun.persist ? ", persistent" : "") + ", owner " +
                          (tun.owner ? std::to_string(*tun.owner) : std::string("none")) + ", group " +
                          (tun.group ? j.group_text(*tun.group) : std::string("none")) +
                          (tun.multi_queue ? ", multi_queue" : ", single queue");
  j.r.notes.push_back(ownership);
  const bool owner_bad = tun.owner && *tun.owner != who.uid;
  const bool group_bad = tun.group && !who.in_group(*tun.group);
  if (who.root() || !(owner_bad || group_bad)) return;
  std::string text = ownership + ": ";
  if (owner_bad) text += "owner " + std::to_string(*tun.owner) + " is not uid " + std::to_string(who.uid);
  if (owner_bad && group_bad) text += ", and ";
  if (group_bad) text += who.word + " is not in group " + j.group_text(*tun.group);
  j.reasons.push_back("the TAP belongs to " + std::string(owner_bad ? "another user" : "a group " + who.word + " is not in"));
  j.f.evidence.push_back(evidence("link", dev, text, {{"kind", "tun"}}));
  j.f.fix.push_back(host_step("the owner cannot change while the TAP exists: delete it", j.netlab_cmd("tap delete " + dev),
                              "ip tuntap del dev " + dev + " mode " + (tun.tap ? "tap" : "tun")));
  j.f.fix.push_back(host_step("and create it again for " + who.word + ", as it was otherwise",
                              j.netlab_cmd(recreate_args(t, who)), ""));
}

// 3. Someone holds a single-queue TAP already: TUNSETIFF answers EBUSY.
void check_holders(Judgement& j) {
  const Tap& t = j.facts.tap;
  const std::string& dev = t.link.name;
  if (t.link.tun->multi_queue || t.holders.empty()) return;
  std::string names;
  for (const auto& h : t.holders) names += (names.empty() ? "" : ", ") + h.command + " (pid " + std::to_string(h.pid) + ")";
  j.reasons.push_back(dev + " is held open by " + names);
  j.f.evidence.push_back(evidence("process", dev, dev + " is held open by " + names + "; a single-queue TAP takes one"));
  for (const auto& h : t.holders)
    j.f.fix.push_back(host_step("stop " + h.command + ", which holds " + dev, "", "kill " + std::to_string(h.pid)));
}

// The C53 finding (or the note that says the user can attach) and its check.
void conclude(Judgement& j) {
  const std::string& dev = j.facts.tap.link.name;
  const std::string& who = j.facts.who.word;
  diag::Check check;
  check.cause = std::string(kCause);
  if (j.reasons.empty()) {
    check.result = "ruled out";
    check.detail = who + " may open " + j.o.tun_device + ", the TAP's owner and group allow it, and nobody else holds it";
    j.r.notes.insert(j.r.notes.begin(), who + " can attach to " + dev);
  } else {
    j.f.summary = who + " cannot attach to " + dev + ": ";
    for (std::size_t i = 0; i < j.reasons.size(); ++i) j.f.summary += (i ? "; " : "") + j.reasons[i];
    j.f.explanation =
        "a guest attaches with open(\"" + j.o.tun_device + "\") and TUNSETIFF(" + dev +
        "): the node must be readable and writable by the user, every owner and group set on the TAP must match "
        "the user unless it has CAP_NET_ADMIN, and a single-queue TAP takes one process at a time (EBUSY); QEMU "
        "then reports \"could not configure /dev/net/tun (" + dev + "): Operation not permitted\" or \"Device or "
        "resource busy\"";
    j.r.findings.push_back(std::move(j.f));
    check.result = "found";
    check.detail = std::to_string(j.reasons.size()) + (j.reasons.size() == 1 ? " reason" : " reasons");
  }
  j.r.checked.push_back(check);
}

// 4. qemu-bridge-helper on the TAP's bridge (the helper makes its own TAP:
// information for -netdev bridge, not a cause of this TAP's failure).
void check_bridge_helper(Judgement& j) {
  if (!j.facts.helper) return;
  const HelperAcl& acl = *j.facts.helper;
  const std::string& br = j.facts.tap.link.master;
  const std::string& conf = j.o.bridge_conf;
  if (!acl.missing && acl.allowed && !acl.denied) {
    j.r.notes.push_back("qemu-bridge-helper may use " + br + " (" + conf + ")");
    return;
  }
  diag::Finding info;
  info.cause = std::string(kCause);
  info.id = std::string(kId);
  info.severity = diag::Severity::Info;
  const std::string why = acl.missing ? conf + " is missing" : acl.denied ? "a deny rule names it" : "no allow rule names it";
  info.summary = "qemu-bridge-helper would refuse " + br + " (-netdev bridge,br=" + br + "): " + why;
  info.explanation = "qemu-bridge-helper adds a TAP only to a bridge that an allow line of " + conf +
                     " (or a file it includes) names and no deny line does: \"access denied by acl file\"";
  info.evidence.push_back(evidence("file", br, conf + ": " + why));
  if (!acl.denied)
    info.fix.push_back(host_step("allow the helper to use " + br, "", "echo 'allow " + br + "' >> " + conf));
  else
    info.fix.push_back(host_step("remove the deny lines that name " + br + " or all", "",
                                 "sed -i '/^[[:space:]]*deny[[:space:]]\\+\\(all\\|" + br + "\\)[[:space:]]*$/d' " +
                                     acl.deny_file));
  j.r.findings.push_back(std::move(info));
}

}  // namespace

diag::Report analyse_access(const AccessFacts& facts, const AccessOptions& o) {
  Judgement j{facts, o, {}, {}, {}};
  const AccessUser& who = facts.who;
  j.r.interface = facts.tap.link.name;
  j.r.title = "netlab tap diagnose " + facts.tap.link.name + " user " + who.word;
  j.f.cause = std::string(kCause);
  j.f.id = std::string(kId);
  j.f.severity = diag::Severity::Fault;
  j.f.weight = 100;
  j.r.notes.push_back("user " + who.label + (who.gid ? ", group " + j.group_text(*who.gid) : std::string()) +
                      (who.root() ? ": root, with CAP_NET_ADMIN" : ": not root, so no CAP_NET_ADMIN is assumed"));
  check_node(j);
  check_ownership(j);
  check_holders(j);
  conclude(j);
  check_bridge_helper(j);
  j.r.verdict = j.reasons.empty() ? diag::Verdict::Ok : diag::Verdict::Fault;
  return j.r;
}

}  // namespace netlab::tap
