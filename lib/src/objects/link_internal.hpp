// Internal: link changes on a socket the caller already holds, so commands
// that touch many links (a thousand taps onto one bridge) pay for one socket.
#pragma once

#include "nl/socket.hpp"

#include <netlab/link.hpp>

#include <functional>

namespace netlab::link::detail {

// RTM_NEWLINK on an existing link. master_index: -1 leave alone, 0 release, >0 enslave.
// extra, when given, appends attributes (IFLA_LINKINFO for kind or port settings).
Result<void> apply(nl::Socket& sock, int index, const std::string& object, const Change& change,
                   int master_index, const std::function<bool(nl_msg*)>& extra = {});
// One link by name or index over the caller's socket (new state, no name resolution).
Result<Link> fetch(nl::Socket& sock, std::string_view name, int index = 0);
Result<void> remove(nl::Socket& sock, const std::string& name);

}  // namespace netlab::link::detail
