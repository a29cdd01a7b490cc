#include "vm_guest.hpp"

#include "lab_support.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <filesystem>
#include <cstdlib>
#include <fcntl.h>
#include <sstream>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

#ifndef NETLAB_E2E_CACHE
#define NETLAB_E2E_CACHE "/var/cache/netlab/e2e"
#endif

namespace nltest::e2e {
namespace lab = nltest::lab;
namespace {

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

// Debian's UML 6.1 saves a guest process's FPU state through
// PTRACE_GETREGSET(NT_X86_XSTATE) into a fixed-size buffer; on CPUs whose
// XSAVE area is larger (AVX-512 with AMX) that fails with EFAULT and UML
// panics right after starting init ("ptrace set fp regs failed"). Fixed
// upstream after 6.6. Making exactly those two requests fail in the UML
// process (a seccomp filter, inherited across exec) makes UML fall back to
// FXSAVE at start-up; guest programs then must not use AVX, which the guest
// command line's GLIBC_TUNABLES sees to. On CPUs where XSAVE fits, the
// filter changes nothing that matters: the fallback works everywhere.
bool deny_xstate_regsets() {
  constexpr unsigned kPtraceGetRegset = 0x4204, kPtraceSetRegset = 0x4205, kNtX86Xstate = 0x202;
  sock_filter program[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ptrace, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),  // the request (low half)
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kPtraceGetRegset, 1, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kPtraceSetRegset, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[2])),  // the regset (low half)
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kNtX86Xstate, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog fprog{static_cast<unsigned short>(sizeof program / sizeof program[0]), program};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0;
}

// glibc's AVX code paths off in the guest (see deny_xstate_regsets).
constexpr const char* kNoAvxTunables =
    "GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX,-AVX2,-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,-AVX512CD,-FMA,-FMA4,"
    "-AVX_Fast_Unaligned_Load";

}  // namespace

std::string guest_cache_dir() {
  if (const char* env = std::getenv("NETLAB_E2E_CACHE"); env && *env) return env;
  return NETLAB_E2E_CACHE;
}

VmGuest::VmGuest(GuestConfig config) : config_(std::move(config)) {
  const std::string cache = guest_cache_dir();
  const std::string kernel = cache + "/vmlinux", initrd = cache + "/initrd.img";
  INFO("the e2e guest image is built by scripts/e2e-guest.sh (run by scripts/setup.sh) into " << cache);
  REQUIRE(is_file(kernel));
  REQUIRE(is_file(initrd));

  std::string settings;  // what the guest's /init reads
  if (!config_.ipv4.empty()) settings += " netlab.ip=" + config_.ipv4;
  if (!config_.ipv6.empty()) settings += " netlab.ip6=" + config_.ipv6;
  const bool uml = config_.hypervisor == Hypervisor::Uml;
  if (!uml) {
    argv_ = {"qemu-system-x86_64",
             "-accel", "tcg",
             "-M", "pc",
             "-m", "128",
             "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
             "-chardev", "stdio,id=console,signal=off",
             "-serial", "chardev:console",
             "-kernel", kernel,
             "-initrd", initrd,
             "-append", "console=ttyS0 quiet loglevel=3 panic=-1" + settings,
             "-netdev", "tap,id=net0,ifname=" + config_.tap + ",script=no,downscript=no",
             // romfile= : no PXE option ROM (none is needed to start a -kernel
             // guest, and ipxe-qemu may not be installed).
             "-device", "virtio-net-pci,netdev=net0,mac=" + config_.mac + ",romfile="};
  } else {
    char dir[] = "/tmp/netlab-e2e-uml-XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    uml_dir_ = dir;
    argv_ = {"linux.uml", "mem=128M", "initrd=" + initrd, "eth0=tuntap," + config_.tap + "," + config_.mac,
             // The console is stdin/stdout; no other consoles or serial lines.
             "con0=fd:0,fd:1", "con=null", "ssl=null", "umid=netlab-e2e", "uml_dir=" + uml_dir_ + "/",
             "quiet", "loglevel=3", kNoAvxTunables};
    std::istringstream words(settings);
    for (std::string w; words >> w;) argv_.push_back(w);
  }

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
    if (uml) {
      // UML runs each guest process as a host process of its own: one
      // process group for all of them, so the destructor kills every one.
      ::setpgid(0, 0);
      if (!deny_xstate_regsets()) ::_exit(126);
    }
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

VmGuest::~VmGuest() {
  if (pid_ > 0 && !uml_dir_.empty()) ::kill(-pid_, SIGKILL);  // UML's whole process group
  if (pid_ > 0 && status_ < 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    status_ = decode_status(status);
  }
  if (console_in_ >= 0) ::close(console_in_);
  if (console_out_ >= 0) ::close(console_out_);
  if (!uml_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(uml_dir_, ignored);
  }
}

bool VmGuest::running() {
  if (pid_ <= 0 || status_ >= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = decode_status(status);
    return false;
  }
  return r == 0;
}

std::string VmGuest::console() const { return strip_cr(lab::read_all(console_out_)); }

std::string VmGuest::describe() const {
  std::ostringstream s;
  s << "guest:";
  for (const auto& a : argv_) s << ' ' << a;
  s << "\nconsole:\n" << console();
  return s.str();
}

bool VmGuest::wait_console(const std::string& needle, std::size_t from, Millis timeout, std::size_t* at) {
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

double VmGuest::require_ready(Millis timeout) {
  bool ready = wait_console("netlab-guest: ready", 0, timeout, nullptr);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  INFO(describe());
  REQUIRE(ready);
  // The boot time goes to the test log (ctest -V shows it): the suite's
  // figures in the closing notes come from these lines.
  std::fprintf(stderr, "e2e: guest on %s ready in %.2f s\n", config_.tap.c_str(), seconds);
  return seconds;
}

std::string VmGuest::sh(const std::string& line, int* status, Millis timeout) {
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

std::string VmGuest::mconsole(const std::string& command) {
  REQUIRE_FALSE(uml_dir_.empty());
  // UML's mconsole protocol (arch/um/drivers/mconsole.h): a request is magic,
  // version, length and up to 512 bytes of text; each reply is error, "more
  // follows", length and text.
  struct Request {
    std::uint32_t magic = 0xcafebabe, version = 2, len = 0;
    char data[512] = {};
  } request;
  struct Reply {
    std::uint32_t err = 0, more = 0, len = 0;
    char data[512] = {};
  };
  REQUIRE(command.size() < sizeof request.data);
  request.len = static_cast<std::uint32_t>(command.size());
  command.copy(request.data, command.size());

  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  sockaddr_un self{};
  self.sun_family = AF_UNIX;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&self), sizeof(sa_family_t)) == 0);  // autobind: abstract
  sockaddr_un uml{};
  uml.sun_family = AF_UNIX;
  const std::string path = uml_dir_ + "/netlab-e2e/mconsole";
  REQUIRE(path.size() < sizeof uml.sun_path);
  path.copy(uml.sun_path, path.size());
  const auto size = offsetof(Request, data) + request.len;
  INFO("mconsole " << path << ": " << command);
  REQUIRE(::sendto(fd, &request, size, 0, reinterpret_cast<sockaddr*>(&uml), sizeof uml) == static_cast<ssize_t>(size));
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string text;
  for (;;) {
    Reply reply;
    ssize_t n = ::recv(fd, &reply, sizeof reply, 0);
    REQUIRE(n >= static_cast<ssize_t>(offsetof(Reply, data)));
    text.append(reply.data, std::min<std::size_t>(reply.len, sizeof reply.data));
    INFO("mconsole answered: " << text);
    REQUIRE(reply.err == 0);
    if (!reply.more) break;
  }
  return text;
}

void VmGuest::poweroff(Millis timeout) {
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
