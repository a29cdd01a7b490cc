// netlab ndp diagnose: a placeholder that registers nothing. The lead owns
// this file and replaces it with the real command (the IPv6 counterpart of
// `arp diagnose`); cmd_ndp.cpp calls add_ndp_diagnose_command() already.
#include "cli.hpp"

namespace netlab::cli {

void add_ndp_diagnose_command(CLI::App& /*ndp*/, Global& /*g*/) {}

}  // namespace netlab::cli
