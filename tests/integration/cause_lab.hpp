// One runner for the cause labs (`tests/integration/test_diag_*.cpp`): every
// cause test builds a broken lab, diagnoses it, checks the finding, applies
// the fix the finding prints, proves the lab works, and diagnoses again
// expecting "ok". The lab differs from test to test and stays in the test,
// as do the reference-tool checks that the lab fails the way the cause
// says; the cycle after that is one row, a CauseCase, run by check_cause:
//
//   lab::check_cause({
//       .iface = "qemu5", .target = "198.51.100.130",
//       .cause = "no-carrier", .id = "C05",
//       .checks = [](const lab::Diagnosis&, const testjson::Value& f) {
//         CHECK(lab::has_about(f, "link", "qemu5"));
//       },
//       .after_fix = [] { lab::require_ping_works("198.51.100.130"); },
//   });
//
// Fields are named in declaration order (C++20 designated initializers);
// what a row leaves out has the default of the common case. Checks that
// fit no field stay in the test, beside the call.
#pragma once

#include "lab_support.hpp"

#include <functional>
#include <string>
#include <vector>

namespace nltest::lab {

enum class Family { Arp, Ndp };  // netlab arp diagnose | netlab ndp diagnose

// How the broken lab's diagnosis must name the cause.
enum class Expect {
  FaultFirst,  // exit 3, verdict "fault", the cause first (require_fault_first)
  FaultAmong,  // exit 3, verdict "fault", the cause one of the faults (causes that co-occur)
  Advice,      // verdict "ok", exit 0, the cause a warning or info (nothing broken yet)
};

// What the printed fix must leave to the guest (apply_fix returns those steps).
enum class GuestSteps {
  Any,            // not checked; the row's guest_fix, if any, always runs
  None,           // the fix is all on the host: CHECK that no step is the guest's
  Required,       // REQUIRE a guest step; guest_fix does it
  UnlessHostStep, // fixable on either side: guest_fix runs (and a guest step is
                  // REQUIREd) only when the fix has no host step (has_host_step)
};

struct CauseCase {
  Family family = Family::Arp;
  std::string iface;
  std::string target;  // "" asks about the interface (ndp: its SLAAC/RA health)
  std::string cause;   // the slug, e.g. "no-carrier"
  std::string id;      // e.g. "C05"
  Expect expect = Expect::FaultFirst;
  std::vector<std::string> extra = {};  // more diagnose arguments
  // The cause's own checks on the broken lab's diagnosis and its finding
  // (evidence, other findings), run with the evidence in INFO().
  std::function<void(const Diagnosis&, const testjson::Value& finding)> checks = {};
  GuestSteps guest_steps = GuestSteps::Any;
  std::function<void()> guest_fix = {};  // the guest's part of the fix, done by the test
  // After the fix: the lab's state and the reference tools (ping) say the
  // path works. Runs after guest_fix.
  std::function<void()> after_fix = {};
  // The interface to diagnose after the fix when the fix moved the address
  // (C01: from the port to its bridge); "" = iface.
  std::string ok_iface = {};
  // Diagnose again after the fix (require_ok, the cause gone). Off only for
  // labs whose fix leaves no interface to ask that question of as it stands.
  bool diagnose_after_fix = true;
  // That diagnosis names the cause no more, not even as a warning. Off where
  // the fix cures the fault but a short diagnosis may still name the cause
  // as a warning (C24: dnsmasq's unsolicited RAs are minutes apart).
  bool cause_gone = true;
};

// The diagnosis of a row's lab as it is (diagnose or diagnose6 with the row's
// interface, target and extra arguments).
Diagnosis diagnose_case(const CauseCase& c, const std::string& iface);

// The first half: diagnose the broken lab, require the cause as `expect`
// says, INFO() its evidence, run `checks`. Returns the diagnosis. For labs
// that only show the finding (no fix applied).
Diagnosis find_cause(const CauseCase& c);

// The whole cycle: find_cause, apply_fix, the guest's part as `guest_steps`
// says, after_fix, then diagnose again: require_ok, and the cause is gone.
void check_cause(const CauseCase& c);

// ---- checks several cause labs make -------------------------------------------

// Evidence predicate: its "text" holds `needle`.
std::function<bool(const testjson::Value&)> text_has(std::string needle);
// The packet counter of the first `counter` in `nft list ...` output (-1 if none).
long nft_counter(const std::string& listing);
// REQUIREs that ping (ping -6) reaches ADDR within a few tries: neighbour
// entries left FAILED by a broken lab are re-resolved on the next packet,
// and a fixed IPv6 address may still be finishing DAD.
void require_ping_works(const std::string& addr, const PeerNetns* from = nullptr);
void require_ping6_works(const std::string& addr, const PeerNetns* from = nullptr);
// Full-size packets for DEV's MTU reach ADDR unfragmented (ping -M do with
// the payload that fills it: MTU less 28 bytes of IPv4 and ICMP headers, or
// 48 of IPv6 and ICMPv6), within 3 s: C19's proof, whichever side its fix changed.
void require_full_size_ping(Family family, const std::string& dev, const std::string& addr);
// A neighbour state in which the entry resolved (REACHABLE, STALE, DELAY, PROBE).
bool neigh_valid(const std::string& state);
// A healthy lab: require_ok, and the target resolved to `mac`.
void require_resolved(const Diagnosis& d, const std::string& mac);

}  // namespace nltest::lab
