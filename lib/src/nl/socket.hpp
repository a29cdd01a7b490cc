// A netlink route socket bound to one network namespace, with the three
// exchanges the library needs: a change acknowledged by the kernel, a
// request answered by one message (route get), and a streamed dump.
//
// We read replies ourselves with nl_recv instead of nl_recvmsgs: that keeps
// the kernel's exact errno (libnl folds EEXIST and EADDRINUSE together),
// lets us decode the extended ack, and avoids one copy per dump message.
#pragma once

#include "nl/owned.hpp"

#include <netlab/error.hpp>
#include <netlab/netns.hpp>

#include <functional>
#include <string_view>

#include <linux/netlink.h>

namespace netlab::nl {

using MessageFn = std::function<void(const nlmsghdr*)>;

class Socket {
 public:
  // The socket is created inside ns (and stays bound to it); protocol
  // NETLINK_ROUTE, or NETLINK_SOCK_DIAG for the socket tables.
  static Result<Socket> open(const Netns& ns, int protocol = NETLINK_ROUTE);

  // Sends msg with NLM_F_ACK; errors name `object`. Replies other than the
  // ack go to on_reply when given.
  Result<void> request(nl_msg* msg, std::string_view object, const MessageFn& on_reply = {});
  // Sends msg as a dump (NLM_F_DUMP) and hands every message to fn.
  Result<void> dump(nl_msg* msg, std::string_view object, const MessageFn& fn);
  // For dumps the caller collects whole: when the table changed during the
  // dump (NLM_F_DUMP_INTR, e.g. another process adding links), reset() drops
  // what was collected and the dump runs again, a few times at most.
  Result<void> dump_consistent(nl_msg* msg, std::string_view object, const MessageFn& fn,
                               const std::function<void()>& reset);

  nl_sock* get() const noexcept { return sk_.get(); }

 private:
  explicit Socket(SockPtr sk) noexcept : sk_(std::move(sk)) {}
  Result<void> exchange(nl_msg* msg, std::string_view object, const MessageFn& fn, bool is_dump);
  SockPtr sk_;
};

// A new message of `type` with a zeroed fixed header T; returns nullptr on ENOMEM.
MsgPtr new_message(int type, int flags, const void* header, std::size_t header_len);
template <typename T>
MsgPtr new_message(int type, int flags, const T& hdr) {
  return new_message(type, flags, &hdr, sizeof hdr);
}

// Error for a failure to build a message (only ENOMEM/EMSGSIZE are possible).
Error build_error(std::string_view object);

}  // namespace netlab::nl
