// C23's settings predicate (ra_ignored.hpp).
#include "ndp/ra_ignored.hpp"

namespace netlab::ndp {

std::vector<RaIgnoredReason> ra_ignored_reasons(const RaSettings& s) {
  std::vector<RaIgnoredReason> out;
  const bool forwarding = s.forwarding && *s.forwarding != 0;
  if (forwarding && s.accept_ra == 1) {
    out.push_back({"forwarding=1, accept_ra=1", "RAs are accepted only by hosts, not routers", "accept_ra", 2, true});
    return out;
  }
  if (s.accept_ra == 0) {
    out.push_back({"accept_ra=0", "RAs are ignored", "accept_ra", forwarding ? 2 : 1, true});
    return out;
  }
  // Accepted (forwarding: accept_ra=2; else accept_ra 1 or more): are their
  // effects on? Unknown settings say nothing.
  if (!s.accept_ra || !s.forwarding || (forwarding ? *s.accept_ra != 2 : *s.accept_ra == 0)) return out;
  if (s.autoconf == 0) out.push_back({"autoconf=0", "no address from their prefixes", "autoconf", 1, false});
  if (s.accept_ra_defrtr == 0)
    out.push_back({"accept_ra_defrtr=0", "no default route from them", "accept_ra_defrtr", 1, false});
  return out;
}

}  // namespace netlab::ndp
