// A real Linux guest for the end-to-end tests, on a TAP that netlab made, as
// users run them:
// - QEMU (TCG: this machine kind has no usable KVM): Debian's 6.1 kernel
//   started through its PVH entry, one virtio-net NIC
//   (`-netdev tap,ifname=TAP,script=no,downscript=no`);
// - User-Mode Linux: Debian's `linux.uml` with `eth0=tuntap,TAP`.
// Both boot the same busybox initramfs. The guest's console is this object's
// pipe: the guest's /init prints
// "netlab-guest: ready MAC" once eth0 is configured, then evaluates each line
// it reads, so a test can run `ip -6 addr` in the guest or power it off.
//
// The guest image is built by scripts/e2e-guest.sh (run by scripts/setup.sh)
// into NETLAB_E2E_CACHE; a missing image or a guest that does not boot fails
// the test with the console output, it never skips.
//
// QEMU runs in the calling thread's network namespace (the test's private
// one), dies with the test process (PR_SET_PDEATHSIG) and is killed and
// reaped on destruction, so nothing outlives a failed REQUIRE.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace nltest::e2e {

using Millis = std::chrono::milliseconds;

enum class Hypervisor { Qemu, Uml };

struct GuestConfig {
  Hypervisor hypervisor = Hypervisor::Qemu;
  std::string tap;                      // the host TAP QEMU attaches to (it must exist)
  std::string mac = "52:54:00:e2:e0:01";  // the guest NIC's MAC (UML: its eth0)
  std::string ipv4;                     // "192.0.2.2/24": eth0's IPv4 address (none when empty)
  std::string ipv6;                     // a static IPv6 address/len (none when empty: SLAAC only)
};

// The directory holding vmlinux and initrd.img (NETLAB_E2E_CACHE in the
// environment, else the path configured at build time).
std::string guest_cache_dir();

class VmGuest {
 public:
  explicit VmGuest(GuestConfig config);  // starts QEMU; REQUIREs the image to exist
  ~VmGuest();                            // SIGKILL and reap (idempotent with poweroff)
  VmGuest(const VmGuest&) = delete;
  VmGuest& operator=(const VmGuest&) = delete;

  // REQUIREs the guest's readiness line within `timeout` (console in the
  // failure message); returns the boot time in seconds (QEMU start to ready).
  double require_ready(Millis timeout = std::chrono::seconds(90));
  // Runs one shell line in the guest; REQUIREs it to finish within `timeout`
  // and returns its output (stdout and stderr, CRs removed). `status` gets the
  // line's exit status when given.
  std::string sh(const std::string& line, int* status = nullptr, Millis timeout = std::chrono::seconds(20));
  // `poweroff -f` in the guest; REQUIREs QEMU to exit within `timeout`.
  void poweroff(Millis timeout = std::chrono::seconds(30));
  // UML only: one command on UML's management console ("version", "halt",
  // ...), over its datagram socket in uml_dir; REQUIREs an answer and
  // returns its text. Called from the guest's network namespace: the socket
  // our answer comes back to is an abstract one, which belongs to it.
  std::string mconsole(const std::string& command);
  bool running();
  pid_t pid() const noexcept { return pid_; }
  const GuestConfig& config() const noexcept { return config_; }
  const std::string& uml_dir() const noexcept { return uml_dir_; }  // "" for QEMU
  std::string console() const;   // everything the guest printed so far
  std::string describe() const;  // the QEMU command line and the console, for INFO()

 private:
  bool wait_console(const std::string& needle, std::size_t from, Millis timeout, std::size_t* at);
  GuestConfig config_;
  std::vector<std::string> argv_;
  pid_t pid_ = -1;
  int console_in_ = -1;   // the guest's serial input (our pipe's write end)
  int console_out_ = -1;  // a memory file holding everything the guest printed
  int status_ = -1;
  unsigned commands_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::string uml_dir_;  // UML's state directory (umid, mconsole socket), removed on destruction
};

}  // namespace nltest::e2e
