// A program from outside the netlab tree, built against an installed
// libnetlab (tests/install/consumer.sh): public headers and the shared
// library only, no privileges, no network.
#include <netlab/error.hpp>
#include <netlab/types.hpp>
#include <netlab/version.hpp>

#include <cstdio>

int main() {
  auto mac = netlab::MacAddr::parse("02-00-5E-10-00-01");
  auto prefix = netlab::Prefix::parse("192.0.2.77/24");
  if (!mac || !prefix) {
    std::fprintf(stderr, "consumer: valid input rejected\n");
    return 1;
  }
  std::printf("netlab %s\n", netlab::version());
  std::printf("mac %s multicast %d\n", mac->to_string().c_str(), mac->is_multicast() ? 1 : 0);
  std::printf("prefix %s network %s\n", prefix->to_string().c_str(), prefix->network().to_string().c_str());

  // An Error built in the library and read here: its layout is part of the ABI.
  auto bad = netlab::MacAddr::parse("02:00:5e:10:00");
  if (bad || bad.error().kind != netlab::Errc::Usage || bad.error().message().empty()) {
    std::fprintf(stderr, "consumer: a short MAC address was not a usage error\n");
    return 1;
  }
  std::printf("bad mac: usage error, exit status %d\n", bad.error().exit_status());
  return 0;
}
