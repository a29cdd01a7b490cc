// Can a user attach to a TAP? `netlab tap diagnose TAP [user USER]`: cause
// C53 tap-not-accessible of ../shared/diagnosis/CAUSES.md, the commonest
// "QEMU has no network" report when QEMU runs as a user.
//
// A process attaches with open("/dev/net/tun") and TUNSETIFF on the name. It
// succeeds when all of these hold, and diagnose_access() reads each from the
// system without attaching (no carrier flap, no STP restart on the bridge):
//   - USER may open the device node read-write: its mode, owner and group, and
//     its POSIX ACL (system.posix_acl_access), as the kernel checks them;
//   - the TAP's owner and group (IFLA_TUN_OWNER/GROUP): every one that is set
//     must match USER's uid or one of its groups, unless USER has
//     CAP_NET_ADMIN (this kernel's tun_not_capable(); a device with neither
//     set is open to anyone who can open the node);
//   - nobody holds a single-queue TAP open already (EBUSY), from /proc fdinfo.
// It also says whether qemu-bridge-helper would add a TAP to the TAP's bridge
// (`allow BR` in /etc/qemu/bridge.conf and the files it includes): an info
// finding, since the helper creates its own TAP.
//
// Capabilities: only uid 0 is taken as holding CAP_NET_ADMIN; the capabilities
// a program may carry as file capabilities are not USER's and are not guessed.
// Reading other users' /proc entries (holders) needs root or CAP_SYS_PTRACE.
#pragma once

#include <netlab/diag.hpp>
#include <netlab/error.hpp>
#include <netlab/export.hpp>
#include <netlab/netns.hpp>
#include <netlab/types.hpp>

#include <string>

namespace netlab::tap {

struct AccessOptions {
  // A user name or uid. Empty: the user who ran netlab (the real uid, or
  // SUDO_UID when run through sudo as root).
  std::string user;
  std::string tun_device = "/dev/net/tun";
  std::string bridge_conf = "/etc/qemu/bridge.conf";
  std::string netns_arg;  // "-n NAME" is added to the printed netlab commands
};

// The verdict as a diag::Report (same JSON as `arp diagnose`: verdict ok or
// fault, one C53 finding with every reason as evidence and a fix step each,
// the checks in `checked`, the facts in `notes`). Errors: Usage for an
// unknown user or a device that is not a TUN/TAP; NotFound when TAP does
// not exist; the listing errors of tap::list().
NETLAB_API Result<diag::Report> diagnose_access(const Netns& ns, const IfName& tap, const AccessOptions& options);

}  // namespace netlab::tap
