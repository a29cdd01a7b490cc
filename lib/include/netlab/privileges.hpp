// Giving up privileges once the privileged work is done (capture -Z USER, as tcpdump -Z).
#pragma once

#include <netlab/error.hpp>
#include <netlab/export.hpp>

#include <string>
#include <sys/types.h>

namespace netlab {

// A user to become: name, uid and primary gid from the password database.
struct UserIds {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Looks USER up (a name, or a number that names a uid): a usage error when it is unknown.
NETLAB_API Result<UserIds> lookup_user(const std::string& user);

// Becomes `user` for good: its supplementary groups (initgroups), gid and uid
// (real, effective and saved), and no capabilities left in any set (file
// capabilities included). Checks the result: the ids read back, setuid(0)
// fails. Needs root or CAP_SETUID/CAP_SETGID unless `user` is already us.
NETLAB_API Result<void> drop_privileges(const UserIds& user);

}  // namespace netlab
