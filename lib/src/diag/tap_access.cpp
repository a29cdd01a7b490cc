// tap::diagnose_access(): can USER attach to TAP (C53 tap-not-accessible)?
// Every condition the kernel checks on open("/dev/net/tun") and TUNSETIFF is
// read from the system, never tried, so the diagnosis itself leaves the TAP
// and its bridge untouched.
#include <netlab/tap_access.hpp>
#include <netlab/render.hpp>
#include <netlab/tuntap.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <grp.h>
#include <optional>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <vector>

namespace netlab::tap {
namespace {

constexpr std::string_view kCause = "tap-not-accessible";
constexpr std::string_view kId = "C53";

// Who is asking: uid, primary group and supplementary groups, as the kernel
// will see them in the process that opens the TAP.
struct Who {
  std::string label;  // "alice (uid 1000)"
  std::string word;   // what the printed fixes call the user: the name, or the uid
  std::uint32_t uid = 0;
  std::optional<std::uint32_t> gid;  // unknown without a passwd entry
  std::vector<std::uint32_t> groups;
  bool in_group(std::uint32_t g) const {
    return (gid && *gid == g) || std::find(groups.begin(), groups.end(), g) != groups.end();
  }
  bool root() const { return uid == 0; }
};

Result<Who> resolve_user(const std::string& text) {
  Who w;
  if (text.empty()) {
    w.uid = ::getuid();
    // Run as root through sudo, "can I attach" means the user who typed sudo.
    if (const char* s = std::getenv("SUDO_UID"); w.uid == 0 && s && *s) {
      auto u = parse_user(s);
      if (u) w.uid = *u;
    }
  } else {
    auto u = parse_user(text);
    if (!u) return std::move(u).error();
    w.uid = *u;
  }
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (::getpwuid_r(w.uid, &pw, buf.data(), buf.size(), &found) == 0 && found) {
    w.word = found->pw_name;
    w.label = std::string(found->pw_name) + " (uid " + std::to_string(w.uid) + ")";
    w.gid = found->pw_gid;
    int n = 64;
    std::vector<gid_t> gids(static_cast<std::size_t>(n));
    if (::getgrouplist(found->pw_name, found->pw_gid, gids.data(), &n) < 0) {
      gids.resize(static_cast<std::size_t>(n));
      if (::getgrouplist(found->pw_name, found->pw_gid, gids.data(), &n) < 0) n = 0;
    }
    for (int i = 0; i < n; ++i) w.groups.push_back(gids[static_cast<std::size_t>(i)]);
  } else {
    w.word = std::to_string(w.uid);
    w.label = "uid " + std::to_string(w.uid) + " (no passwd entry: groups unknown)";
  }
  return w;
}

std::string group_text(std::uint32_t g) {
  std::vector<char> buf(16384);
  group gr{};
  group* found = nullptr;
  if (::getgrgid_r(g, &gr, buf.data(), buf.size(), &found) == 0 && found)
    return std::string(found->gr_name) + " (" + std::to_string(g) + ")";
  return std::to_string(g);
}

// ---- the device node ------------------------------------------------------

// POSIX ACL entries as the kernel stores them in system.posix_acl_access
// (a version word, then {tag, perm, id} records, little endian).
struct AclEntry {
  std::uint16_t tag = 0, perm = 0;
  std::uint32_t id = 0;
};
enum : std::uint16_t { kUserObj = 1, kUser = 2, kGroupObj = 4, kGroup = 8, kMask = 0x10, kOther = 0x20 };

std::vector<AclEntry> read_acl(const std::string& path) {
  std::vector<unsigned char> raw(1024);
  ssize_t n = ::getxattr(path.c_str(), "system.posix_acl_access", raw.data(), raw.size());
  if (n < 4) return {};
  auto le16 = [&](std::size_t at) { return static_cast<std::uint16_t>(raw[at] | raw[at + 1] << 8); };
  auto le32 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(raw[at] | raw[at + 1] << 8 | raw[at + 2] << 16) |
           static_cast<std::uint32_t>(raw[at + 3]) << 24;
  };
  if (le32(0) != 2) return {};  // POSIX_ACL_XATTR_VERSION
  std::vector<AclEntry> out;
  for (std::size_t at = 4; at + 8 <= static_cast<std::size_t>(n); at += 8) out.push_back({le16(at), le16(at + 2), le32(at + 4)});
  return out;
}

// Read and write (6) granted to `who` by the mode and the ACL, in the
// kernel's order: owner, named users, the owning and named groups (through
// the mask), others. Root passes (CAP_DAC_OVERRIDE).
bool may_read_write(const Who& who, const struct stat& st, const std::vector<AclEntry>& acl, std::string& why) {
  constexpr unsigned rw = 6;
  if (who.root()) return true;
  if (acl.empty()) {
    unsigned bits = st.st_uid == who.uid ? (st.st_mode >> 6) & 7
                    : who.in_group(st.st_gid) ? (st.st_mode >> 3) & 7
                                              : st.st_mode & 7;
    why = st.st_uid == who.uid ? "the owner's bits" : who.in_group(st.st_gid) ? "the group's bits" : "the others' bits";
    return (bits & rw) == rw;
  }
  unsigned mask = 7;
  for (const auto& e : acl)
    if (e.tag == kMask) mask = e.perm;
  if (st.st_uid == who.uid) {
    why = "the owner's entry";
    return ((st.st_mode >> 6) & rw) == rw;
  }
  for (const auto& e : acl)
    if (e.tag == kUser && e.id == who.uid) {
      why = "the ACL entry user:" + std::to_string(e.id) + " (masked)";
      return (e.perm & mask & rw) == rw;
    }
  bool group_matched = false;
  for (const auto& e : acl) {
    const bool match = (e.tag == kGroupObj && who.in_group(st.st_gid)) || (e.tag == kGroup && who.in_group(e.id));
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
    if (e.tag == kOther) {
      why = "the ACL's other entry";
      return (e.perm & rw) == rw;
    }
  return false;
}

std::string mode_text(const struct stat& st) {
  std::string s = S_ISCHR(st.st_mode) ? "c" : "-";
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) s += (st.st_mode & (0400 >> i)) ? rwx[i] : '-';
  return s;
}

// ---- qemu-bridge-helper's ACL ------------------------------------------------

// As qemu-bridge-helper reads it: "allow BR", "allow all", "deny BR",
// "deny all", "include FILE"; the bridge is refused unless some allow
// matches and no deny does. `seen` collects the files read.
struct HelperAcl {
  bool allowed = false, denied = false;
  std::string deny_file;  // where the (first) deny line that applies is
  std::vector<std::string> files;
  bool missing = false;
};

void read_bridge_conf(const std::string& path, const std::string& bridge, HelperAcl& acl, int depth) {
  std::ifstream in(path);
  if (!in) {
    if (depth == 0) acl.missing = true;
    return;
  }
  acl.files.push_back(path);
  std::string line;
  while (std::getline(in, line)) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
      std::size_t j = i;
      while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
      if (j > i) words.push_back(line.substr(i, j - i));
      i = j;
    }
    if (words.size() != 2) continue;
    if (words[0] == "allow") acl.allowed = acl.allowed || words[1] == "all" || words[1] == bridge;
    else if (words[0] == "deny" && (words[1] == "all" || words[1] == bridge)) {
      if (!acl.denied) acl.deny_file = path;
      acl.denied = true;
    }
    else if (words[0] == "include" && depth < 8) read_bridge_conf(words[1], bridge, acl, depth + 1);
  }
}

// ---- the report ----------------------------------------------------------------

std::string netlab_cmd(const AccessOptions& o, const std::string& args) {
  return "netlab " + (o.netns_arg.empty() ? std::string() : "-n " + o.netns_arg + " ") + args;
}

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
std::string recreate_args(const Tap& t, const Who& who) {
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

}  // namespace

Result<diag::Report> diagnose_access(const Netns& ns, const IfName& tap_name, const AccessOptions& o) {
  auto who = resolve_user(o.user);
  if (!who) return std::move(who).error();
  auto taps = list(ns, tap_name.str());
  if (!taps) return std::move(taps).error();
  if (taps->empty() || !taps->front().link.tun) return Error::not_found("link " + tap_name.str(), "no such device");
  const Tap& t = taps->front();
  const TunInfo& tun = *t.link.tun;
  const std::string& dev = t.link.name;

  diag::Report r;
  r.interface = dev;
  r.title = "netlab tap diagnose " + dev + " user " + who->word;
  diag::Finding f;
  f.cause = std::string(kCause);
  f.id = std::string(kId);
  f.severity = diag::Severity::Fault;
  f.weight = 100;
  std::vector<std::string> reasons;
  r.notes.push_back("user " + who->label + (who->gid ? ", group " + group_text(*who->gid) : std::string()) +
                    (who->root() ? ": root, with CAP_NET_ADMIN" : ": not root, so no CAP_NET_ADMIN is assumed"));

  // 1. The device node.
  struct stat st {};
  if (::stat(o.tun_device.c_str(), &st) != 0) {
    const int err = errno;
    reasons.push_back(o.tun_device + " is missing");
    f.evidence.push_back(evidence("file", "", o.tun_device + ": " + std::strerror(err)));
    f.fix.push_back(host_step("create the TUN/TAP device node (major 10, minor 200)", "",
                              "mknod -m 0666 " + o.tun_device + " c 10 200"));
  } else {
    const auto acl = read_acl(o.tun_device);
    std::string why;
    const bool ok = may_read_write(*who, st, acl, why);
    const std::string node = o.tun_device + " " + mode_text(st) + (acl.empty() ? "" : "+") + " owner " +
                             std::to_string(st.st_uid) + " group " + group_text(st.st_gid);
    r.notes.push_back(node);
    if (!ok) {
      reasons.push_back(who->word + " cannot open " + o.tun_device + " for reading and writing");
      f.evidence.push_back(evidence("file", "", node + ": " + why + " refuse read-write to " + who->label,
                                    {{"path", o.tun_device}, {"mode", mode_text(st)}}));
      f.fix.push_back(host_step("let every user open the device node (Debian's default mode)", "",
                                "chmod 0666 " + o.tun_device));
    }
  }

  // 2. Owner and group of the TAP (this kernel: each one set must match).
  std::string ownership = dev + ": " + (tun.tap ? "tap" : "tun") + (tun.persist ? ", persistent" : "") +
                          ", owner " + (tun.owner ? std::to_string(*tun.owner) : std::string("none")) + ", group " +
                          (tun.group ? group_text(*tun.group) : std::string("none")) +
                          (tun.multi_queue ? ", multi_queue" : ", single queue");
  r.notes.push_back(ownership);
  const bool owner_bad = tun.owner && *tun.owner != who->uid;
  const bool group_bad = tun.group && !who->in_group(*tun.group);
  if (!who->root() && (owner_bad || group_bad)) {
    std::string text = ownership + ": ";
    if (owner_bad) text += "owner " + std::to_string(*tun.owner) + " is not uid " + std::to_string(who->uid);
    if (owner_bad && group_bad) text += ", and ";
    if (group_bad) text += who->word + " is not in group " + group_text(*tun.group);
    reasons.push_back("the TAP belongs to " + std::string(owner_bad ? "another user" : "a group " + who->word + " is not in"));
    f.evidence.push_back(evidence("link", dev, text, {{"kind", "tun"}}));
    f.fix.push_back(host_step("the owner cannot change while the TAP exists: delete it", netlab_cmd(o, "tap delete " + dev),
                              "ip tuntap del dev " + dev + " mode " + (tun.tap ? "tap" : "tun")));
    f.fix.push_back(host_step("and create it again for " + who->word + ", as it was otherwise",
                              netlab_cmd(o, recreate_args(t, *who)), ""));
  }

  // 3. Someone holds a single-queue TAP already: TUNSETIFF answers EBUSY.
  if (!tun.multi_queue && !t.holders.empty()) {
    std::string names;
    for (const auto& h : t.holders) names += (names.empty() ? "" : ", ") + h.command + " (pid " + std::to_string(h.pid) + ")";
    reasons.push_back(dev + " is held open by " + names);
    f.evidence.push_back(evidence("process", dev, dev + " is held open by " + names + "; a single-queue TAP takes one"));
    for (const auto& h : t.holders)
      f.fix.push_back(host_step("stop " + h.command + ", which holds " + dev, "", "kill " + std::to_string(h.pid)));
  }

  diag::Check check;
  check.cause = std::string(kCause);
  if (!reasons.empty()) {
    f.summary = who->word + " cannot attach to " + dev + ": ";
    for (std::size_t i = 0; i < reasons.size(); ++i) f.summary += (i ? "; " : "") + reasons[i];
    f.explanation =
        "a guest attaches with open(\"" + o.tun_device + "\") and TUNSETIFF(" + dev +
        "): the node must be readable and writable by the user, every owner and group set on the TAP must match "
        "the user unless it has CAP_NET_ADMIN, and a single-queue TAP takes one process at a time (EBUSY); QEMU "
        "then reports \"could not configure /dev/net/tun (" + dev + "): Operation not permitted\" or \"Device or "
        "resource busy\"";
    r.findings.push_back(std::move(f));
    check.result = "found";
    check.detail = std::to_string(reasons.size()) + (reasons.size() == 1 ? " reason" : " reasons");
  } else {
    check.result = "ruled out";
    check.detail = who->word + " may open " + o.tun_device + ", the TAP's owner and group allow it, and nobody else holds it";
    r.notes.insert(r.notes.begin(), who->word + " can attach to " + dev);
  }
  r.checked.push_back(check);

  // 4. qemu-bridge-helper on the TAP's bridge (the helper makes its own TAP:
  // information for -netdev bridge, not a cause of this TAP's failure).
  if (t.link.slave_kind == "bridge" && !t.link.master.empty()) {
    const std::string& br = t.link.master;
    HelperAcl acl;
    read_bridge_conf(o.bridge_conf, br, acl, 0);
    if (acl.missing || !acl.allowed || acl.denied) {
      diag::Finding info;
      info.cause = std::string(kCause);
      info.id = std::string(kId);
      info.severity = diag::Severity::Info;
      info.summary = "qemu-bridge-helper would refuse " + br + " (-netdev bridge,br=" + br + "): " +
                     (acl.missing ? o.bridge_conf + " is missing"
                      : acl.denied ? "a deny rule names it"
                                   : "no allow rule names it");
      info.explanation = "qemu-bridge-helper adds a TAP only to a bridge that an allow line of " + o.bridge_conf +
                         " (or a file it includes) names and no deny line does: \"access denied by acl file\"";
      info.evidence.push_back(evidence("file", br, o.bridge_conf + ": " + info.summary.substr(info.summary.rfind(": ") + 2)));
      if (!acl.denied)
        info.fix.push_back(host_step("allow the helper to use " + br, "",
                                     "echo 'allow " + br + "' >> " + o.bridge_conf));
      else
        info.fix.push_back(host_step("remove the deny lines that name " + br + " or all", "",
                                     "sed -i '/^[[:space:]]*deny[[:space:]]\\+\\(all\\|" + br + "\\)[[:space:]]*$/d' " +
                                         acl.deny_file));
      r.findings.push_back(std::move(info));
    } else {
      r.notes.push_back("qemu-bridge-helper may use " + br + " (" + o.bridge_conf + ")");
    }
  }

  r.verdict = reasons.empty() ? diag::Verdict::Ok : diag::Verdict::Fault;
  return r;
}

}  // namespace netlab::tap
