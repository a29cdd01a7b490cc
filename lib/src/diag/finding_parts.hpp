// The pieces of findings that the DHCP and path diagnoses build by hand:
// an evidence line, a fix step, and the words a printed command needs to
// run in the namespace that was asked about (`netlab -n NS`, `ip -n NS`,
// `ip netns exec NS`).
#pragma once

#include <netlab/diag.hpp>

#include <string>

namespace netlab::diag {

inline Evidence fact(std::string type, std::string interface, std::string text) {
  Evidence e;
  e.type = std::move(type);
  e.interface = std::move(interface);
  e.text = std::move(text);
  return e;
}

// `netlab` and `classic` empty: a step described only (no command fits).
inline FixStep step(std::string description, std::string netlab, std::string classic) {
  FixStep s;
  s.description = std::move(description);
  s.netlab = std::move(netlab);
  s.iproute2 = std::move(classic);
  return s;
}

inline std::string netlab_words(const std::string& netns_arg) {
  return "netlab " + (netns_arg.empty() ? std::string() : "-n " + netns_arg + " ");
}
inline std::string ip_words(const std::string& netns_arg) {
  return "ip " + (netns_arg.empty() ? std::string() : "-n " + netns_arg + " ");
}
inline std::string exec_words(const std::string& netns_arg) {
  return netns_arg.empty() ? std::string() : "ip netns exec " + netns_arg + " ";
}

}  // namespace netlab::diag
