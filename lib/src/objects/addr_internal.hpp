// Internal: an address dump on a socket and link names the caller holds.
#pragma once

#include "nl/link_names.hpp"
#include "nl/socket.hpp"

#include <netlab/addr.hpp>

#include <functional>

namespace netlab::addr::detail {

Result<void> dump(nl::Socket& sock, const nl::LinkNames& names, const Filter& filter,
                  const std::function<void(const Address&)>& fn);

}  // namespace netlab::addr::detail
