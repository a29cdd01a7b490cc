// libFuzzer target: the parsers for what users type (types.hpp). The whole
// input is the text. Besides "no crash", each accepted value must print in a
// form that parses back to the same value, and IPv4/IPv6 text that
// inet_pton accepts must be accepted with the same bytes.
#include "fuzz_check.hpp"

#include <netlab/types.hpp>

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace netlab;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto m = MacAddr::parse(text)) {
    auto again = MacAddr::parse(m->to_string());
    NETLAB_FUZZ_CHECK(again && *again == *m);
  }
  if (auto m = MacAddr::parse_unicast(text)) {
    NETLAB_FUZZ_CHECK(!m->is_multicast() && !m->is_zero());
  }

  auto ip = IpAddr::parse(text);
  if (ip) {
    NETLAB_FUZZ_CHECK(ip->is_v4() || ip->is_v6());
    auto again = IpAddr::parse(ip->to_string());
    NETLAB_FUZZ_CHECK(again && *again == *ip);
  }
  // The C library as a second opinion (it needs a NUL-terminated string).
  std::string z(text);
  if (z.size() == std::strlen(z.c_str())) {
    unsigned char buf[16];
    if (inet_pton(AF_INET, z.c_str(), buf) == 1)
      NETLAB_FUZZ_CHECK(ip && ip->is_v4() && std::memcmp(ip->bytes().data(), buf, 4) == 0);
    if (inet_pton(AF_INET6, z.c_str(), buf) == 1)
      NETLAB_FUZZ_CHECK(ip && ip->is_v6() && std::memcmp(ip->bytes().data(), buf, 16) == 0);
  }

  if (auto p = Prefix::parse(text)) {
    NETLAB_FUZZ_CHECK(p->len() <= p->max_len());
    auto again = Prefix::parse(p->to_string());
    NETLAB_FUZZ_CHECK(again && *again == *p);
    (void)p->network();
    (void)p->contains(p->addr());
  }

  if (auto n = IfName::parse(text)) {
    const std::string& s = n->str();
    NETLAB_FUZZ_CHECK(!s.empty() && s.size() <= 15 && s != "." && s != "..");
    for (char c : s) NETLAB_FUZZ_CHECK(c != '/' && c != ':' && c != ' ' && c != '\t' && c != '\n' && c != '\0');
  }

  static constexpr std::uint64_t kMax[] = {0, 1, 255, 65535, 4294967295u, UINT64_MAX};
  std::uint64_t max = kMax[size % 6];
  if (auto v = parse_uint(text, "value", max)) NETLAB_FUZZ_CHECK(*v <= max);

  if (auto s = parse_nud_state(text)) (void)nud_state_names(*s);
  if (auto s = parse_scope(text)) {
    auto again = parse_scope(scope_name(*s));
    NETLAB_FUZZ_CHECK(again && *again == *s);
  }
  return 0;
}
