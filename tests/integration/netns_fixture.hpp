// Every integration test runs inside a network namespace it creates itself
// and that dies with it. The fixture refuses, loudly, to let a test go on in
// the initial namespace: a test that cannot isolate itself fails, it never
// skips and it never touches the host's network.
#pragma once

#include <netlab/types.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace nltest {

class PrivateNetns {
 public:
  PrivateNetns();   // unshare(CLONE_NEWNET) for this thread; lo is brought up
  ~PrivateNetns();  // back to where we were: the private namespace is freed
  PrivateNetns(const PrivateNetns&) = delete;
  PrivateNetns& operator=(const PrivateNetns&) = delete;

 private:
  int saved_fd_ = -1;
};

// A named namespace (/run/netns/NAME) visible only to this process: it lives
// on a tmpfs in a private mount namespace, so nothing is left on the host.
void make_named_netns(const std::string& name);

// A world-usable /dev/net/tun for this process only (a private mount
// namespace with its own device node): some hosts ship it as 0600, and the
// ownership tests need an unprivileged user to open it.
void open_dev_net_tun_to_all();

// Writes a /proc/sys/net setting of the current (private) namespace.
void write_proc(const std::string& path, const std::string& value);

// Parsers for literals in tests: a bad literal is a bug in the test itself.
inline netlab::IfName name(const char* s) { return netlab::IfName::parse(s).value(); }
inline netlab::Prefix prefix(const char* s) { return netlab::Prefix::parse(s).value(); }
inline netlab::IpAddr ip_addr(const char* s) { return netlab::IpAddr::parse(s).value(); }

// labv0 <-> labv1, a veth pair made with the library, both ends up; no
// automatic IPv6 link-local addresses (they appear asynchronously and would
// race comparisons with ip).
void veth_lab();

struct RunResult {
  int status = -1;  // exit status, or 128+signal
  std::string out, err;
};
// Runs argv (no shell) in the current namespaces and collects its output.
RunResult run(const std::vector<std::string>& argv);
RunResult netlab(const std::vector<std::string>& args);  // the built CLI
RunResult ip(const std::vector<std::string>& args);      // iproute2, the reference
// Like ip(), but fails the test if ip itself fails: the setup must work.
std::string ip_ok(const std::vector<std::string>& args);

}  // namespace nltest

namespace nltest {
template <typename R>
std::string why(const R& r) {
  return r.has_value() ? std::string() : r.error().message();
}
}  // namespace nltest

// REQUIRE that a library call succeeded, showing the library's error if not.
#define REQUIRE_OK(expr)                 \
  do {                                   \
    auto&& nltest_result_ = (expr);      \
    INFO(nltest::why(nltest_result_));   \
    REQUIRE(nltest_result_.has_value()); \
  } while (0)
