// netlab tap diagnose TAP [user USER] (C53 tap-not-accessible): each reason a
// user cannot attach, checked against a real attach attempt by a child
// process running as that user, then the printed fix applied as printed and
// the diagnosis run again. Every case runs in a private network namespace
// and a private mount namespace with its own /dev/net/tun node, so the host's
// node, its taps and /etc/qemu are never touched.
#include "mini_json.hpp"
#include "netns_fixture.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <grp.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

using nltest::ip_ok;

namespace {

constexpr uid_t kNobody = 65534;   // in every passwd; primary group 65534 (nogroup)
constexpr uid_t kStranger = 65533; // no passwd entry

// A private mount namespace with our own /dev/net/tun of `mode` and a
// scratch directory for qemu-bridge-helper's ACL file.
std::string private_tun_node(mode_t mode) {
  REQUIRE(::unshare(CLONE_NEWNS) == 0);
  REQUIRE(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0);
  REQUIRE(::mount("netlab-test", "/dev/net", "tmpfs", 0, "mode=0755") == 0);
  REQUIRE(::mknod("/dev/net/tun", S_IFCHR | mode, makedev(10, 200)) == 0);
  REQUIRE(::chmod("/dev/net/tun", mode) == 0);
  REQUIRE(::mkdir("/dev/net/qemu", 0755) == 0);
  return "/dev/net/qemu/bridge.conf";
}

// The independent check: a child that becomes uid/gid (no supplementary
// groups) and attaches as QEMU would. Returns 0 when it attached, else errno.
int try_attach(const std::string& tap, uid_t uid, gid_t gid) {
  int pipefd[2];
  REQUIRE(::pipe(pipefd) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int result = 0;
    if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) result = 1000 + errno;
    int fd = result ? -1 : ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (!result && fd < 0) result = errno;
    if (!result) {
      ifreq ifr{};
      std::strncpy(ifr.ifr_name, tap.c_str(), IFNAMSIZ - 1);
      ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
      if (::ioctl(fd, TUNSETIFF, &ifr) != 0) result = errno;
    }
    (void)!::write(pipefd[1], &result, sizeof result);
    ::_exit(0);
  }
  ::close(pipefd[1]);
  int result = -1;
  REQUIRE(::read(pipefd[0], &result, sizeof result) == static_cast<ssize_t>(sizeof result));
  ::close(pipefd[0]);
  ::waitpid(pid, nullptr, 0);
  return result;
}

// A process that holds `tap` open (as root) until killed.
pid_t hold(const std::string& tap) {
  int pipefd[2];
  REQUIRE(::pipe(pipefd) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Catch2's handlers came along with fork(): the printed `kill` must end
    // this child quietly, not run the test framework's fatal-signal report.
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) std::signal(sig, SIG_DFL);
    int fd = ::open("/dev/net/tun", O_RDWR);
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, tap.c_str(), IFNAMSIZ - 1);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    char ok = fd >= 0 && ::ioctl(fd, TUNSETIFF, &ifr) == 0 ? 'y' : 'n';
    (void)!::write(pipefd[1], &ok, 1);
    for (;;) ::pause();
  }
  ::close(pipefd[1]);
  char ok = 0;
  REQUIRE(::read(pipefd[0], &ok, 1) == 1);
  ::close(pipefd[0]);
  REQUIRE(ok == 'y');
  return pid;
}

testjson::Value diagnose(const std::vector<std::string>& words, int want_status) {
  std::vector<std::string> args = {"-j", "tap", "diagnose"};
  args.insert(args.end(), words.begin(), words.end());
  auto r = nltest::netlab(args);
  INFO("netlab -j tap diagnose ...\nstatus " << r.status << "\nstderr: " << r.err << "\nstdout: " << r.out);
  REQUIRE(r.status == want_status);
  return testjson::parse(r.out);
}

// Splits a printed netlab command into words (the fixes quote nothing).
std::vector<std::string> words_of(const std::string& cmd) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < cmd.size()) {
    while (i < cmd.size() && cmd[i] == ' ') ++i;
    std::size_t j = cmd.find(' ', i);
    if (j == std::string::npos) j = cmd.size();
    if (j > i) out.push_back(cmd.substr(i, j - i));
    i = j;
  }
  return out;
}

// Runs every host step of every finding as printed: a netlab command through
// the built CLI, anything else through /bin/sh (chmod, kill, echo >>, sed).
void apply_fixes(const testjson::Value& report) {
  for (const auto& f : report["findings"].array())
    for (const auto& step : f["fix"].array()) {
      if (step["where"].str() != "host") continue;
      if (step["netlab"].is_string()) {
        auto words = words_of(step["netlab"].str());
        REQUIRE(words.front() == "netlab");
        words.erase(words.begin());
        auto r = nltest::netlab(words);
        INFO(step["netlab"].str() << "\nstderr: " << r.err);
        REQUIRE(r.status == 0);
      } else {
        REQUIRE(step["iproute2"].is_string());
        auto r = nltest::run({"/bin/sh", "-c", step["iproute2"].str()});
        INFO(step["iproute2"].str() << "\nstderr: " << r.err);
        REQUIRE(r.status == 0);
      }
    }
}

const testjson::Value* finding(const testjson::Value& report, const std::string& severity) {
  for (const auto& f : report["findings"].array())
    if (f["severity"].str() == severity) return &f;
  return nullptr;
}

bool has_evidence(const testjson::Value& f, const std::string& type, const std::string& text_part) {
  for (const auto& e : f["evidence"].array())
    if (e["type"].str() == type && e["text"].str().find(text_part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("tap diagnose: owner, group and a closed /dev/net/tun refuse the user, the printed fix lets it attach",
          "[tap][diagnose][c53]") {
  nltest::PrivateNetns ns;
  const std::string conf = private_tun_node(0600);
  std::ofstream(conf) << "allow otherbr0\n";
  ip_ok({"link", "add", "labbr0", "type", "bridge"});
  REQUIRE(nltest::netlab({"tap", "create", "labtap0", "user", "1000", "group", "2000", "master", "labbr0", "up"}).status == 0);
  const std::string mac_before = testjson::parse(ip_ok({"-j", "link", "show", "labtap0"})).array().at(0)["address"].str();

  CHECK(try_attach("labtap0", kNobody, kNobody) == EACCES);  // the node first
  auto report = diagnose({"labtap0", "user", "nobody", "--bridge-conf", conf}, 3);
  CHECK(report["verdict"].str() == "fault");
  const auto* f = finding(report, "fault");
  REQUIRE(f);
  CHECK((*f)["cause"].str() == "tap-not-accessible");
  CHECK((*f)["id"].str() == "C53");
  CHECK(has_evidence(*f, "file", "/dev/net/tun crw-------"));
  CHECK(has_evidence(*f, "link", "owner 1000 is not uid 65534, and nobody is not in group 2000"));
  const auto* info = finding(report, "info");
  REQUIRE(info);
  CHECK((*info)["summary"].str().find("qemu-bridge-helper would refuse labbr0") != std::string::npos);

  apply_fixes(report);
  auto after = diagnose({"labtap0", "user", "nobody", "--bridge-conf", conf}, 0);
  CHECK(after["verdict"].str() == "ok");
  CHECK(after["findings"].array().empty());  // the helper's allow line was added too
  // The TAP came back as it was, owned by nobody: same MAC, port of labbr0, up.
  auto link = testjson::parse(ip_ok({"-j", "-d", "link", "show", "labtap0"})).array().at(0);
  CHECK(link["address"].str() == mac_before);
  CHECK(link["master"].str() == "labbr0");
  CHECK(ip_ok({"link", "show", "labtap0"}).find("UP") != std::string::npos);
  CHECK(try_attach("labtap0", kNobody, kNobody) == 0);
  CHECK(try_attach("labtap0", kStranger, kStranger) == EPERM);  // owner nobody now: others are refused
}

TEST_CASE("tap diagnose: a single-queue TAP held by another process, the printed kill frees it", "[tap][diagnose][c53]") {
  nltest::PrivateNetns ns;
  private_tun_node(0666);
  REQUIRE(nltest::netlab({"tap", "create", "labtap0", "user", "nobody"}).status == 0);
  pid_t holder = hold("labtap0");
  CHECK(try_attach("labtap0", kNobody, kNobody) == EBUSY);
  auto report = diagnose({"labtap0", "user", "nobody"}, 3);
  const auto* f = finding(report, "fault");
  REQUIRE(f);
  CHECK(has_evidence(*f, "process", "(pid " + std::to_string(holder) + ")"));
  apply_fixes(report);  // kill PID
  ::waitpid(holder, nullptr, 0);
  diagnose({"labtap0", "user", "nobody"}, 0);
  CHECK(try_attach("labtap0", kNobody, kNobody) == 0);
}

TEST_CASE("tap diagnose: healthy labs read ok, as the kernel lets them attach", "[tap][diagnose][c53]") {
  nltest::PrivateNetns ns;
  private_tun_node(0666);
  // Neither owner nor group: this kernel lets anyone who opens the node attach.
  REQUIRE(nltest::netlab({"tap", "create", "labopen0"}).status == 0);
  // A group only, nobody's primary group.
  REQUIRE(nltest::netlab({"tap", "create", "labgrp0", "group", "65534"}).status == 0);
  // A multi-queue TAP takes several holders.
  REQUIRE(nltest::netlab({"tap", "create", "labmq0", "multi_queue", "user", "nobody"}).status == 0);

  auto open = diagnose({"labopen0", "user", "nobody"}, 0);
  CHECK(open["verdict"].str() == "ok");
  CHECK(try_attach("labopen0", kNobody, kNobody) == 0);

  diagnose({"labgrp0", "user", "nobody"}, 0);
  CHECK(try_attach("labgrp0", kNobody, kNobody) == 0);
  auto stranger = diagnose({"labgrp0", "user", std::to_string(kStranger)}, 3);
  CHECK(has_evidence(*finding(stranger, "fault"), "link", "is not in group nogroup (65534)"));
  CHECK(try_attach("labgrp0", kStranger, kStranger) == EPERM);

  diagnose({"labgrp0", "user", "root"}, 0);  // CAP_NET_ADMIN
  CHECK(try_attach("labgrp0", 0, 0) == 0);
  // Text: the verdict line names the command, the user and the result.
  auto text = nltest::netlab({"tap", "diagnose", "labopen0", "user", "nobody"});
  CHECK(text.status == 0);
  CHECK(text.out.rfind("netlab tap diagnose labopen0 user nobody: ok\n", 0) == 0);
  CHECK(text.out.find("note: nobody can attach to labopen0\n") != std::string::npos);
}

TEST_CASE("tap diagnose refuses bad input with one line and changes nothing", "[tap][diagnose][errors]") {
  nltest::PrivateNetns ns;
  private_tun_node(0666);
  ip_ok({"link", "add", "labbr0", "type", "bridge"});
  REQUIRE(nltest::netlab({"tap", "create", "labtap0"}).status == 0);
  const std::string before = ip_ok({"-d", "link", "show"});
  struct Case {
    std::vector<std::string> args;
    int status;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"tap", "diagnose", "labtap0", "user", "nosuchuser-xyz"}, 2, "netlab: user \"nosuchuser-xyz\": no such user\n"},
      {{"tap", "diagnose", "labbr0"}, 2, "netlab: link labbr0: is a bridge, not a tun/tap device\n"},
      {{"tap", "diagnose", "nosuch0"}, 1, "netlab: link nosuch0: no such device\n"},
      {{"tap", "diagnose"}, 2, "netlab: tap diagnose: needs a TAP: netlab tap diagnose TAP [user USER]\n"},
      {{"tap", "diagnose", "labtap0", "user", "nobody", "user", "root"}, 2, "user"},
  };
  for (const auto& c : cases) {
    auto r = nltest::netlab(c.args);
    INFO("stderr: " << r.err);
    CHECK(r.status == c.status);
    if (c.err.size() > 6) CHECK(r.err == c.err);
    else CHECK(r.err.find(c.err) != std::string::npos);
  }
  CHECK(ip_ok({"-d", "link", "show"}) == before);
}
