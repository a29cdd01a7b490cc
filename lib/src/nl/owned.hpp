// RAII owners for libnl handles. One alias per release function; a raw
// pointer handed out by libnl as a new reference is adopted at once.
#pragma once

#include <memory>

#include <netlink/msg.h>
#include <netlink/socket.h>

namespace netlab::nl {

template <auto Release>
struct Releaser {
  template <typename T>
  void operator()(T* p) const noexcept { Release(p); }
};
template <typename T, auto Release>
using Owned = std::unique_ptr<T, Releaser<Release>>;

using SockPtr = Owned<nl_sock, nl_socket_free>;
using MsgPtr = Owned<nl_msg, nlmsg_free>;

}  // namespace netlab::nl
