#include "cause_lab.hpp"

#include <regex>

using namespace std::chrono_literals;

namespace nltest::lab {

Diagnosis diagnose_case(const CauseCase& c, const std::string& iface) {
  return c.family == Family::Ndp ? diagnose6(iface, c.target, c.extra) : diagnose(iface, c.target, c.extra);
}

namespace {

// The finding the row is about, required as `expect` says.
const testjson::Value& require_cause(const CauseCase& c, const Diagnosis& d) {
  switch (c.expect) {
    case Expect::FaultAmong:
      return require_fault_among(d, c.cause, c.id);
    case Expect::Advice: {
      require_ok(d);  // nothing is broken yet
      INFO(d.describe());
      const auto* f = d.finding(c.cause);
      REQUIRE(f != nullptr);
      CHECK(field(*f, "id") == c.id);
      const auto severity = field(*f, "severity");
      REQUIRE((severity == "warning" || severity == "info"));
      return *f;
    }
    case Expect::FaultFirst:
      break;
  }
  require_fault_first(d, c.cause, c.id);
  return *d.finding(c.cause);
}

}  // namespace

Diagnosis find_cause(const CauseCase& c) {
  auto d = diagnose_case(c, c.iface);
  const auto& f = require_cause(c, d);
  INFO(evidence_dump(f));
  if (c.checks) c.checks(d, f);
  return d;
}

void check_cause(const CauseCase& c) {
  const auto d = diagnose_case(c, c.iface);
  const auto& f = require_cause(c, d);
  INFO(evidence_dump(f));
  if (c.checks) c.checks(d, f);

  const auto guest_steps = apply_fix(f);
  bool guest_part = static_cast<bool>(c.guest_fix);
  switch (c.guest_steps) {
    case GuestSteps::Any:
      break;
    case GuestSteps::None:
      CHECK(guest_steps.empty());  // the fix belongs on the host
      break;
    case GuestSteps::Required:
      REQUIRE_FALSE(guest_steps.empty());  // only the guest can do it
      break;
    case GuestSteps::UnlessHostStep:
      // A guest step beside host steps reads as an alternative: doing both
      // would test neither (lab_support.hpp, has_host_step).
      guest_part = guest_part && !has_host_step(f);
      if (guest_part) REQUIRE_FALSE(guest_steps.empty());
      break;
  }
  if (guest_part) c.guest_fix();
  if (c.after_fix) c.after_fix();

  if (!c.diagnose_after_fix) return;
  const auto after = diagnose_case(c, c.ok_iface.empty() ? c.iface : c.ok_iface);
  require_ok(after);
  INFO(after.describe());
  if (c.cause_gone) CHECK(after.finding(c.cause) == nullptr);
}

std::function<bool(const testjson::Value&)> text_has(std::string needle) {
  return [needle = std::move(needle)](const testjson::Value& item) { return contains(field(item, "text"), needle); };
}

long nft_counter(const std::string& listing) {
  std::smatch m;
  static const std::regex counter("counter packets ([0-9]+)");
  if (!std::regex_search(listing, m, counter)) return -1;
  return std::stol(m[1]);
}

void require_ping_works(const std::string& addr, const PeerNetns* from) {
  bool works = wait_for([&] { return ping(addr, {}, from); }, 5s);
  INFO("ping " << addr << (from ? " from the peer namespace" : " from the lab namespace"));
  REQUIRE(works);
}

void require_ping6_works(const std::string& addr, const PeerNetns* from) {
  bool works = wait_for([&] { return ping6(addr, {}, from); }, 6s);
  INFO("ping -6 " << addr << (from ? " from the peer namespace" : " from the lab namespace"));
  REQUIRE(works);
}

void require_full_size_ping(Family family, const std::string& dev, const std::string& addr) {
  const bool v6 = family == Family::Ndp;
  const auto mtu = static_cast<long>(link_json(dev)["mtu"].num());
  const auto payload = std::to_string(mtu - (v6 ? 48 : 28));
  INFO(dev << " MTU " << mtu);
  const std::vector<std::string> full{"-s", payload, "-M", "do"};
  REQUIRE(wait_for([&] { return v6 ? ping6(addr, full) : ping(addr, full); }, 3s));
}

bool neigh_valid(const std::string& state) {
  return state == "REACHABLE" || state == "STALE" || state == "DELAY" || state == "PROBE";
}

void require_resolved(const Diagnosis& d, const std::string& mac) {
  require_ok(d);
  INFO(d.describe());
  REQUIRE((*d.json)["resolved"].is_object());
  CHECK(field((*d.json)["resolved"], "mac") == mac);
}

}  // namespace nltest::lab
