// PLACEHOLDER, replaced by the lead's `netlab arp diagnose` (issue 5): the
// arptools branch only needs the hook that cmd_arp.cpp calls, so this
// version registers nothing.
#include "cli.hpp"

namespace netlab::cli {

void add_arp_diagnose_command(CLI::App& /*arp*/, Global& /*g*/) {}

}  // namespace netlab::cli
