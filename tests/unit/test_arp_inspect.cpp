// Unit tests for the pure parts of <netlab/arp.hpp>: the phrase for each NUD
// state, role names, probe mode names and what counts as success per mode.
#include <catch2/catch.hpp>

#include <netlab/arp.hpp>

#include <set>
#include <string>

using namespace netlab;

TEST_CASE("arp::state_explanation gives one phrase per NUD state", "[arp]") {
  CHECK(arp::state_explanation(NudIncomplete) == "request sent, no valid reply yet");
  CHECK(arp::state_explanation(NudReachable) == "confirmed recently");
  CHECK(arp::state_explanation(NudStale) == "usable, not confirmed lately; will be re-checked on use");
  CHECK(arp::state_explanation(NudFailed) == "no reply to the last requests");
  CHECK(arp::state_explanation(NudPermanent) == "set by hand, never re-checked");
  CHECK(arp::state_explanation(NudNoarp) == "no resolution on this interface: frames go to a fixed address");
  // Every state, NONE included, has its own phrase.
  std::set<std::string> phrases;
  for (std::uint16_t s : {NudNone, NudIncomplete, NudReachable, NudStale, NudDelay, NudProbe, NudFailed, NudNoarp,
                          NudPermanent}) {
    const std::string p(arp::state_explanation(s));
    CHECK_FALSE(p.empty());
    phrases.insert(p);
  }
  CHECK(phrases.size() == 9);
}

TEST_CASE("arp::state_explanation explains the entry that is never resolved first", "[arp]") {
  CHECK(arp::state_explanation(NudPermanent | NudNoarp) == arp::state_explanation(NudPermanent));
  CHECK(arp::state_explanation(NudNoarp | NudReachable) == arp::state_explanation(NudNoarp));
  CHECK(arp::state_explanation(NudFailed | NudStale) == arp::state_explanation(NudFailed));
}

TEST_CASE("arp::role_name and role_description", "[arp]") {
  CHECK(arp::role_name(arp::Role::Standalone) == "standalone");
  CHECK(arp::role_name(arp::Role::Bridge) == "bridge");
  CHECK(arp::role_name(arp::Role::BridgePort) == "bridge port");
  CHECK(arp::role_description(arp::Role::BridgePort, "mirbr0") == "bridge port of mirbr0");
  CHECK(arp::role_description(arp::Role::BridgePort, "") == "bridge port");
  CHECK(arp::role_description(arp::Role::Bridge, "ignored") == "bridge");
  CHECK(arp::role_description(arp::Role::Standalone, "") == "standalone");
}

TEST_CASE("arp::probe_mode_name", "[arp]") {
  CHECK(arp::probe_mode_name(arp::ProbeMode::Request) == "request");
  CHECK(arp::probe_mode_name(arp::ProbeMode::DuplicateCheck) == "duplicate-check");
  CHECK(arp::probe_mode_name(arp::ProbeMode::AnnounceRequest) == "announce-request");
  CHECK(arp::probe_mode_name(arp::ProbeMode::AnnounceReply) == "announce-reply");
}

TEST_CASE("arp::ProbeResult::succeeded follows arping's exit status per mode", "[arp]") {
  arp::ProbeResult r;
  r.sent = 3;
  arp::ProbeReply reply;
  reply.probe = 1;

  SECTION("request: any answer") {
    CHECK_FALSE(r.succeeded());
    r.replies.push_back(reply);
    r.answered = 1;
    CHECK(r.succeeded());
  }
  SECTION("request with count and deadline: that many answered probes") {
    r.required_answers = 2;
    r.replies.push_back(reply);
    r.answered = 1;
    CHECK_FALSE(r.succeeded());
    r.replies.push_back(reply);
    r.answered = 2;
    CHECK(r.succeeded());
  }
  SECTION("duplicate check: success means nobody answered") {
    r.mode = arp::ProbeMode::DuplicateCheck;
    CHECK(r.succeeded());
    r.replies.push_back(reply);
    r.answered = 1;
    CHECK_FALSE(r.succeeded());
  }
  SECTION("announcements expect no answer") {
    for (auto m : {arp::ProbeMode::AnnounceRequest, arp::ProbeMode::AnnounceReply}) {
      r.mode = m;
      CHECK(r.succeeded());
    }
  }
}
