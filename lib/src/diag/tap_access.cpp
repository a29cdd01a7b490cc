// tap::diagnose_access(): can USER attach to TAP (C53 tap-not-accessible)?
// This file reads the facts: every condition the kernel checks on
// open("/dev/net/tun") and TUNSETIFF is read from the system, never tried,
// so the diagnosis itself leaves the TAP and its bridge untouched.
// tap_access_analyse.cpp judges them.
#include "diag/tap_access_facts.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace netlab::tap {
namespace {

Result<AccessUser> resolve_user(const std::string& text) {
  AccessUser w;
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

std::optional<std::string> group_name(std::uint32_t g) {
  std::vector<char> buf(16384);
  group gr{};
  group* found = nullptr;
  if (::getgrgid_r(g, &gr, buf.data(), buf.size(), &found) == 0 && found) return std::string(found->gr_name);
  return std::nullopt;
}

// system.posix_acl_access: a version word, then {tag, perm, id} records,
// little endian.
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

NodeFacts read_node(const std::string& path) {
  NodeFacts node;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    node.missing = std::strerror(errno);
    return node;
  }
  node.mode = st.st_mode;
  node.uid = st.st_uid;
  node.gid = st.st_gid;
  node.acl = read_acl(path);
  return node;
}

// `seen` collects the files read; includes nest at most 8 deep.
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

}  // namespace

Result<AccessFacts> collect_access(const Netns& ns, const IfName& tap_name, const AccessOptions& o) {
  auto who = resolve_user(o.user);
  if (!who) return std::move(who).error();
  auto taps = list(ns, tap_name.str());
  if (!taps) return std::move(taps).error();
  if (taps->empty() || !taps->front().link.tun) return Error::not_found("link " + tap_name.str(), "no such device");
  AccessFacts facts;
  facts.who = std::move(*who);
  facts.tap = std::move(taps->front());
  facts.node = read_node(o.tun_device);
  const Link& link = facts.tap.link;
  if (link.slave_kind == "bridge" && !link.master.empty()) {
    facts.helper.emplace();
    read_bridge_conf(o.bridge_conf, link.master, *facts.helper, 0);
  }
  std::vector<std::uint32_t> gids{facts.node.gid};
  if (facts.who.gid) gids.push_back(*facts.who.gid);
  if (link.tun->group) gids.push_back(*link.tun->group);
  for (auto g : gids)
    if (auto name = group_name(g)) facts.group_names[g] = *name;
  return facts;
}

Result<diag::Report> diagnose_access(const Netns& ns, const IfName& tap_name, const AccessOptions& o) {
  auto facts = collect_access(ns, tap_name, o);
  if (!facts) return std::move(facts).error();
  return analyse_access(*facts, o);
}

}  // namespace netlab::tap
