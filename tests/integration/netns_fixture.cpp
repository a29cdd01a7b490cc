#include "netns_fixture.hpp"

#include <netlab/link.hpp>
#include <netlab/netns.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

namespace nltest {

PrivateNetns::PrivateNetns() {
  saved_fd_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  REQUIRE(saved_fd_ >= 0);
  struct stat before{}, after{};
  REQUIRE(::fstat(saved_fd_, &before) == 0);
  int rc = ::unshare(CLONE_NEWNET);
  INFO("unshare(CLONE_NEWNET) needs root (CAP_SYS_ADMIN): " << std::strerror(errno));
  REQUIRE(rc == 0);
  REQUIRE(::stat("/proc/thread-self/ns/net", &after) == 0);
  // The guard this whole suite depends on: never run in the host's namespace.
  REQUIRE(after.st_ino != before.st_ino);
  auto initial = netlab::in_initial_netns();
  REQUIRE(initial.has_value());
  REQUIRE_FALSE(*initial);
  ip_ok({"link", "set", "lo", "up"});
}

PrivateNetns::~PrivateNetns() {
  if (saved_fd_ >= 0) {
    (void)::setns(saved_fd_, CLONE_NEWNET);
    ::close(saved_fd_);
  }
}

void make_named_netns(const std::string& name) {
  // A private mount namespace first, so the tmpfs and the bind mount vanish with us.
  REQUIRE(::unshare(CLONE_NEWNS) == 0);
  REQUIRE(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0);
  REQUIRE(::mount("netlab-test", "/run", "tmpfs", 0, "mode=0755") == 0);
  REQUIRE(::mkdir("/run/netns", 0755) == 0);
  std::string path = "/run/netns/" + name;
  int fd = ::open(path.c_str(), O_CREAT | O_RDONLY | O_CLOEXEC, 0444);
  REQUIRE(fd >= 0);
  ::close(fd);
  int here = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  REQUIRE(here >= 0);
  REQUIRE(::unshare(CLONE_NEWNET) == 0);
  REQUIRE(::mount("/proc/thread-self/ns/net", path.c_str(), nullptr, MS_BIND, nullptr) == 0);
  REQUIRE(::setns(here, CLONE_NEWNET) == 0);
  ::close(here);
}

void open_dev_net_tun_to_all() {
  REQUIRE(::unshare(CLONE_NEWNS) == 0);
  REQUIRE(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0);
  REQUIRE(::mount("netlab-test", "/dev/net", "tmpfs", 0, "mode=0755") == 0);
  REQUIRE(::mknod("/dev/net/tun", S_IFCHR | 0666, makedev(10, 200)) == 0);
  REQUIRE(::chmod("/dev/net/tun", 0666) == 0);
}

void write_proc(const std::string& path, const std::string& value) {
  auto initial = netlab::in_initial_netns();
  REQUIRE(initial.has_value());
  REQUIRE_FALSE(*initial);  // never the host's settings
  FILE* f = std::fopen(path.c_str(), "w");
  INFO(path);
  REQUIRE(f);
  std::fputs((value + "\n").c_str(), f);
  REQUIRE(std::fclose(f) == 0);
}

void veth_lab() {
  write_proc("/proc/sys/net/ipv6/conf/default/addr_gen_mode", "1");
  netlab::link::CreateOptions up;
  up.up = true;
  auto made = netlab::link::add_veth({}, name("labv0"), name("labv1"), up);
  INFO(why(made));
  REQUIRE(made.has_value());
  netlab::link::Change c;
  c.up = true;
  auto set = netlab::link::set({}, name("labv1"), c);
  INFO(why(set));
  REQUIRE(set.has_value());
}

RunResult run(const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  REQUIRE(::pipe2(out_pipe, O_CLOEXEC) == 0);
  REQUIRE(::pipe2(err_pipe, O_CLOEXEC) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  RunResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

RunResult netlab(const std::vector<std::string>& args) {
  std::vector<std::string> argv{NETLAB_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

RunResult ip(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

std::string ip_ok(const std::vector<std::string>& args) {
  auto r = ip(args);
  std::string cmd = "ip";
  for (const auto& a : args) cmd += " " + a;
  INFO(cmd << ": " << r.err);
  REQUIRE(r.status == 0);
  return r.out;
}

}  // namespace nltest
