#include "qemu_guest.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <sstream>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#ifndef NETLAB_E2E_CACHE
#define NETLAB_E2E_CACHE "/var/cache/netlab/e2e"
#endif

namespace nltest::e2e {
namespace {

std::string read_all(int fd) {
  std::string text;
  char buf[65536];
  off_t at = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, at);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    at += n;
  }
  return text;
}

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

int decode_status(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

std::string strip_cr(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text)
    if (c != '\r') out += c;
  return out;
}

}  // namespace

std::string guest_cache_dir() {
  if (const char* env = std::getenv("NETLAB_E2E_CACHE"); env && *env) return env;
  return NETLAB_E2E_CACHE;
}

QemuGuest::QemuGuest(GuestConfig config) : config_(std::move(config)) {
  const std::string cache = guest_cache_dir();
  const std::string kernel = cache + "/vmlinux", initrd = cache + "/initrd.img";
  INFO("the e2e guest image is built by scripts/e2e-guest.sh (run by scripts/setup.sh) into " << cache);
  REQUIRE(is_file(kernel));
  REQUIRE(is_file(initrd));

  std::string append = "console=ttyS0 quiet loglevel=3 panic=-1";
  if (!config_.ipv4.empty()) append += " netlab.ip=" + config_.ipv4;
  if (!config_.ipv6.empty()) append += " netlab.ip6=" + config_.ipv6;
  argv_ = {"qemu-system-x86_64",
           "-accel", "tcg",
           "-M", "pc",
           "-m", "128",
           "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
           "-chardev", "stdio,id=console,signal=off",
           "-serial", "chardev:console",
           "-kernel", kernel,
           "-initrd", initrd,
           "-append", append,
           "-netdev", "tap,id=net0,ifname=" + config_.tap + ",script=no,downscript=no",
           // romfile= : no PXE option ROM (none is needed to start a -kernel
           // guest, and ipxe-qemu may not be installed).
           "-device", "virtio-net-pci,netdev=net0,mac=" + config_.mac + ",romfile="};

  int in_pipe[2];
  REQUIRE(::pipe2(in_pipe, O_CLOEXEC) == 0);
  console_out_ = ::memfd_create("e2e-console", MFD_CLOEXEC);
  REQUIRE(console_out_ >= 0);
  started_ = std::chrono::steady_clock::now();
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    // QEMU must not outlive a test that crashed or was killed.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(in_pipe[0], 0);
    ::dup2(console_out_, 1);
    ::dup2(console_out_, 2);
    std::vector<char*> args;
    for (auto& a : argv_) args.push_back(a.data());
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(in_pipe[0]);
  console_in_ = in_pipe[1];
}

QemuGuest::~QemuGuest() {
  if (pid_ > 0 && status_ < 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    status_ = decode_status(status);
  }
  if (console_in_ >= 0) ::close(console_in_);
  if (console_out_ >= 0) ::close(console_out_);
}

bool QemuGuest::running() {
  if (pid_ <= 0 || status_ >= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = decode_status(status);
    return false;
  }
  return r == 0;
}

std::string QemuGuest::console() const { return strip_cr(read_all(console_out_)); }

std::string QemuGuest::describe() const {
  std::ostringstream s;
  s << "guest:";
  for (const auto& a : argv_) s << ' ' << a;
  s << "\nconsole:\n" << console();
  return s.str();
}

bool QemuGuest::wait_console(const std::string& needle, std::size_t from, Millis timeout, std::size_t* at) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::string text = console();
    auto pos = text.size() > from ? text.find(needle, from) : std::string::npos;
    if (pos != std::string::npos) {
      if (at) *at = pos;
      return true;
    }
    if (!running() || std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

double QemuGuest::require_ready(Millis timeout) {
  bool ready = wait_console("netlab-guest: ready", 0, timeout, nullptr);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  INFO(describe());
  REQUIRE(ready);
  // The boot time goes to the test log (ctest -V shows it): the suite's
  // figures in the closing notes come from these lines.
  std::fprintf(stderr, "e2e: guest on %s ready in %.2f s\n", config_.tap.c_str(), seconds);
  return seconds;
}

std::string QemuGuest::sh(const std::string& line, int* status, Millis timeout) {
  const unsigned n = ++commands_;
  // The marker is written split in two so that an echo of the command line
  // itself (should the console echo) can never match it.
  const std::string marker = "@@netlab-done-" + std::to_string(n) + " ";
  const std::string command =
      "{ " + line + " ; } 2>&1; echo \"@@netlab-\"\"done-" + std::to_string(n) + " $?\"\n";
  const std::size_t from = console().size();
  INFO("guest command: " << line);
  REQUIRE(running());
  REQUIRE(::write(console_in_, command.data(), command.size()) == static_cast<ssize_t>(command.size()));
  std::size_t at = 0;
  bool done = wait_console(marker, from, timeout, &at);
  INFO(describe());
  REQUIRE(done);
  std::string text = console();
  std::string out = text.substr(from, at - from);
  if (status) *status = std::atoi(text.c_str() + at + marker.size());
  return out;
}

void QemuGuest::poweroff(Millis timeout) {
  REQUIRE(running());
  const std::string command = "poweroff -f\n";
  REQUIRE(::write(console_in_, command.data(), command.size()) == static_cast<ssize_t>(command.size()));
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (running() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  INFO(describe());
  REQUIRE_FALSE(running());
}

}  // namespace nltest::e2e
