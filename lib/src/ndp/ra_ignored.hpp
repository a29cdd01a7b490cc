// C23 ra-ignored, decided once: the settings under which the kernel takes
// nothing from router advertisements on an interface. `ndp inspect` (hints
// from the settings alone) and `ndp diagnose` (the rule, with the wire as
// evidence) both ask this function, so they cannot disagree on the settings.
// Internal to the library.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netlab::ndp {

// The four settings of net.ipv6.conf.IFACE that decide it; empty when
// unknown (an unknown setting never makes a reason).
struct RaSettings {
  std::optional<std::int64_t> forwarding, accept_ra, autoconf, accept_ra_defrtr;
};

// One reason RAs configure nothing, with the setting that fixes it.
struct RaIgnoredReason {
  std::string settings;   // what is set: "forwarding=1, accept_ra=1"
  std::string effect;     // what it costs: "RAs are ignored", "no address from their prefixes"
  std::string fix_key;    // the sysctl to change: "accept_ra"
  std::int64_t fix_value = 0;
  // True when RAs are not accepted at all (accept_ra); false when they are
  // accepted but one of their effects is off (autoconf, accept_ra_defrtr).
  bool ignores_all = false;
};

// The reasons, in this order: forwarding=1 with accept_ra=1 (RAs are taken
// only by hosts; fix accept_ra=2) or accept_ra=0 (fix 1, or 2 when
// forwarding); then, when RAs are accepted, autoconf=0 (no SLAAC address)
// and accept_ra_defrtr=0 (no default route). Empty: RAs are taken whole.
// Whether the host is itself the link's router (and so ignores RAs by
// design) is the caller's to know: only the wire can say.
std::vector<RaIgnoredReason> ra_ignored_reasons(const RaSettings& s);

}  // namespace netlab::ndp
