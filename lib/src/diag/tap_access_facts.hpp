// C53 tap-not-accessible in two steps: collect_access() reads every fact the
// kernel checks on open("/dev/net/tun") and TUNSETIFF (the user's ids, the
// device node and its ACL, the TAP's owner, group and holders, and
// qemu-bridge-helper's ACL for the TAP's bridge); analyse_access() turns
// them into the report without touching the system, so the unit tests feed
// it hand-built facts without privilege.
#pragma once

#include <netlab/diag.hpp>
#include <netlab/error.hpp>
#include <netlab/netns.hpp>
#include <netlab/tap_access.hpp>
#include <netlab/tuntap.hpp>
#include <netlab/types.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace netlab::tap {

// Who is asking: uid, primary group and supplementary groups, as the kernel
// will see them in the process that opens the TAP.
struct AccessUser {
  std::string label;  // "alice (uid 1000)"
  std::string word;   // what the printed fixes call the user: the name, or the uid
  std::uint32_t uid = 0;
  std::optional<std::uint32_t> gid;  // unknown without a passwd entry
  std::vector<std::uint32_t> groups;
  bool in_group(std::uint32_t g) const;
  bool root() const { return uid == 0; }
};

// POSIX ACL entries as the kernel stores them in system.posix_acl_access.
struct AclEntry {
  std::uint16_t tag = 0, perm = 0;
  std::uint32_t id = 0;
};
enum AclTag : std::uint16_t { kAclUserObj = 1, kAclUser = 2, kAclGroupObj = 4, kAclGroup = 8, kAclMask = 0x10, kAclOther = 0x20 };

// The device node (/dev/net/tun or the one asked for).
struct NodeFacts {
  std::optional<std::string> missing;  // strerror of stat() when it failed
  std::uint32_t mode = 0, uid = 0, gid = 0;  // st_mode, owner, group
  std::vector<AclEntry> acl;
};

// qemu-bridge-helper's ACL for one bridge, as the helper reads it: "allow
// BR", "allow all", "deny BR", "deny all", "include FILE"; the bridge is
// refused unless some allow matches and no deny does.
struct HelperAcl {
  bool allowed = false, denied = false;
  std::string deny_file;  // where the (first) deny line that applies is
  std::vector<std::string> files;
  bool missing = false;
};

struct AccessFacts {
  AccessUser who;
  NodeFacts node;
  Tap tap;
  std::optional<HelperAcl> helper;  // when the TAP is a bridge port
  std::map<std::uint32_t, std::string> group_names;  // the gids the report names
};

Result<AccessFacts> collect_access(const Netns& ns, const IfName& tap, const AccessOptions& options);
diag::Report analyse_access(const AccessFacts& facts, const AccessOptions& options);

}  // namespace netlab::tap
