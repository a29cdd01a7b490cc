// lookup_user and drop_privileges (capture -Z), and the capability named in
// refusals, checked in forked children so the test process keeps root. No
// network state is touched; the children that try a change do it in a
// private namespace.
#include "netns_fixture.hpp"

#include <netlab/link.hpp>
#include <netlab/privileges.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

// Runs fn in a child; its return value (a short verdict, "" for success)
// comes back through a pipe.
std::string in_child(const std::function<std::string()>& fn) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    std::string verdict = fn();
    (void)!::write(fds[1], verdict.data(), verdict.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string verdict;
  char buf[512];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) verdict.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return verdict;
}

bool no_capabilities_left() {
  __user_cap_header_struct head{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capget, &head, data) != 0) return false;
  for (const auto& d : data)
    if (d.effective || d.permitted || d.inheritable) return false;
  return true;
}

}  // namespace

TEST_CASE("lookup_user finds names and uids and refuses unknown users as usage errors", "[privileges]") {
  auto nobody = netlab::lookup_user("nobody");
  REQUIRE(nobody.has_value());
  CHECK(nobody->uid == 65534);
  CHECK(nobody->name == "nobody");
  auto root = netlab::lookup_user("0");
  REQUIRE(root.has_value());
  CHECK(root->name == "root");
  CHECK(root->uid == 0);
  auto unknown = netlab::lookup_user("no-such-user-netlab");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().kind == netlab::Errc::Usage);
  CHECK(unknown.error().message() == "user no-such-user-netlab: no such user");
  CHECK_FALSE(netlab::lookup_user("").has_value());
}

TEST_CASE("drop_privileges leaves uid gid groups and capabilities of the user only", "[privileges]") {
  REQUIRE(::getuid() == 0);
  auto nobody = netlab::lookup_user("nobody").value();
  std::string verdict = in_child([&]() -> std::string {
    auto r = netlab::drop_privileges(nobody);
    if (!r) return "drop failed: " + r.error().message();
    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    ::getresuid(&ru, &eu, &su);
    ::getresgid(&rg, &eg, &sg);
    if (ru != 65534 || eu != 65534 || su != 65534) return "uids not all 65534";
    if (rg != nobody.gid || eg != nobody.gid || sg != nobody.gid) return "gids not all nobody's";
    gid_t groups[64];
    int n = ::getgroups(64, groups);
    for (int i = 0; i < n; ++i)
      if (groups[i] == 0) return "still in group 0";
    if (::setuid(0) == 0) return "setuid(0) worked";
    if (!no_capabilities_left()) return "capabilities left";
    return "";
  });
  CHECK(verdict == "");
}

TEST_CASE("a refused change names the missing capability only when it is missing", "[privileges]") {
  nltest::PrivateNetns ns;
  nltest::ip_ok({"link", "add", "prv0", "type", "veth", "peer", "name", "prv1"});
  auto nobody = netlab::lookup_user("nobody").value();
  std::string verdict = in_child([&]() -> std::string {
    if (auto r = netlab::drop_privileges(nobody); !r) return "drop failed: " + r.error().message();
    netlab::link::Change up;
    up.up = true;
    auto r = netlab::link::set(netlab::Netns(), nltest::name("prv0"), up);
    if (r) return "the change worked without CAP_NET_ADMIN";
    return r.error().message() + "|" + r.error().hint;
  });
  CHECK(verdict == "link prv0: Operation not permitted (needs CAP_NET_ADMIN)|");
  CHECK(nltest::ip_ok({"link", "show", "prv0"}).find("state DOWN") != std::string::npos);
  // Root has the capability: a refusal for another reason would not name it,
  // and this change simply works.
  netlab::link::Change up;
  up.up = true;
  REQUIRE_OK(netlab::link::set(netlab::Netns(), nltest::name("prv0"), up));
}
