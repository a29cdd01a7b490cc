#include "nl/socket.hpp"

#include "base/privilege.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace netlab::nl {
namespace {

// Big enough for the largest dump skb the kernel builds (it sizes them from
// the reader's buffer, up to 32 KiB), so one recvmsg reads one skb and no
// MSG_PEEK round trip is needed.
constexpr std::size_t kReceiveBuffer = 64 * 1024;

Error libnl_error(int nle, std::string_view object, std::string_view what) {
  Error e;
  e.kind = Errc::Netlink;
  e.object = std::string(object);
  e.reason = std::string(what) + ": " + nl_geterror(nle);
  // libnl maps errno to NLE codes lossily; EINVAL is the honest fallback.
  e.sys_errno = nle == -NLE_NOMEM ? ENOMEM : nle == -NLE_PERM ? EPERM : EIO;
  return e;
}

// The extended ack's NLMSGERR_ATTR_MSG, when the kernel attached one.
std::string extack_message(const nlmsghdr* h, const nlmsgerr* err) {
  if (!(h->nlmsg_flags & NLM_F_ACK_TLVS)) return {};
  std::size_t offset = sizeof(nlmsgerr);
  if (!(h->nlmsg_flags & NLM_F_CAPPED)) offset += NLMSG_ALIGN(err->msg.nlmsg_len) - NLMSG_HDRLEN;
  std::size_t payload = h->nlmsg_len - NLMSG_HDRLEN;
  if (offset >= payload) return {};
  auto* first = reinterpret_cast<nlattr*>(reinterpret_cast<char*>(const_cast<nlmsgerr*>(err)) + offset);
  nlattr* tb[NLMSGERR_ATTR_MAX + 1] = {};
  if (nla_parse(tb, NLMSGERR_ATTR_MAX, first, static_cast<int>(payload - offset), nullptr) < 0) return {};
  const nlattr* msg = tb[NLMSGERR_ATTR_MSG];
  if (!msg || nla_len(msg) <= 0) return {};
  const char* text = static_cast<const char*>(nla_data(msg));
  return std::string(text, strnlen(text, static_cast<std::size_t>(nla_len(msg))));
}

Error kernel_error(int err, std::string_view object, std::string extack) {
  Error e;
  e.kind = err == ENODEV ? Errc::NotFound : Errc::Netlink;
  e.sys_errno = err;
  e.object = std::string(object);
  e.reason = std::strerror(err);
  e.extack = std::move(extack);
  // Only changes need privilege (dumps are open to all), and all of them CAP_NET_ADMIN.
  e = needs_capability(std::move(e), Capability::NetAdmin);
  if (err == EOPNOTSUPP && e.extack.empty()) e.kind = Errc::Unsupported;
  return e;
}

struct FreeBuffer {
  void operator()(unsigned char* p) const noexcept { std::free(p); }
};

}  // namespace

Result<Socket> Socket::open(const Netns& ns, int protocol) {
  auto scope = NetnsScope::enter(ns);
  if (!scope) return std::move(scope).error();
  SockPtr sk{nl_socket_alloc()};
  if (!sk) return Error::from_errno(ENOMEM, "netlink socket", "cannot allocate");
  if (int err = nl_connect(sk.get(), protocol); err < 0)
    return libnl_error(err, "netlink socket", "connect");
  int fd = nl_socket_get_fd(sk.get());
  int one = 1;
  // Ask for the kernel's explanation of failures, without the echo of our request.
  (void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  (void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  nl_socket_disable_msg_peek(sk.get());
  nl_socket_set_msg_buf_size(sk.get(), kReceiveBuffer);
  nl_socket_set_buffer_size(sk.get(), 1 << 20, 0);
  return Socket{std::move(sk)};
}

Result<void> Socket::request(nl_msg* msg, std::string_view object, const MessageFn& on_reply) {
  return exchange(msg, object, on_reply, false);
}

Result<void> Socket::dump(nl_msg* msg, std::string_view object, const MessageFn& fn) {
  return exchange(msg, object, fn, true);
}

Result<void> Socket::dump_consistent(nl_msg* msg, std::string_view object, const MessageFn& fn,
                                     const std::function<void()>& reset) {
  // Another process creating devices (two netlab tap create runs, a lab
  // script) keeps the table changing for tens of milliseconds: back off a
  // little more each time instead of retrying in a tight burst.
  constexpr int kAttempts = 40;
  for (int attempt = 1;; ++attempt) {
    auto r = exchange(msg, object, fn, true);
    if (r || r.error().sys_errno != EAGAIN || attempt == kAttempts) return r;
    ::usleep(static_cast<useconds_t>(std::min(attempt * 1000, 20000)));
    reset();
    nlmsg_hdr(msg)->nlmsg_seq = 0;  // nl_complete_msg gives the retry a fresh sequence number
  }
}

Result<void> Socket::exchange(nl_msg* msg, std::string_view object, const MessageFn& fn, bool is_dump) {
  nlmsghdr* req = nlmsg_hdr(msg);
  req->nlmsg_flags |= NLM_F_REQUEST | (is_dump ? NLM_F_DUMP : NLM_F_ACK);
  nl_complete_msg(sk_.get(), msg);
  const std::uint32_t seq = req->nlmsg_seq;
  if (int err = nl_send(sk_.get(), msg); err < 0) return libnl_error(err, object, "send");

  bool interrupted = false;
  for (;;) {
    sockaddr_nl peer{};
    unsigned char* raw = nullptr;
    int n = nl_recv(sk_.get(), &peer, &raw, nullptr);
    std::unique_ptr<unsigned char, FreeBuffer> buf(raw);
    if (n < 0) return libnl_error(n, object, "receive");
    if (n == 0) return Error::from_errno(EIO, std::string(object), "netlink socket closed");
    int left = n;
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.get()); nlmsg_ok(h, left); h = nlmsg_next(h, &left)) {
      if (h->nlmsg_seq != seq) continue;  // a late answer to an earlier request
      if (h->nlmsg_type == NLMSG_ERROR) {
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr)))
          return Error::from_errno(EBADMSG, std::string(object), "truncated netlink error message");
        auto* err = static_cast<nlmsgerr*>(NLMSG_DATA(h));
        if (err->error == 0) return {};  // the ack
        return kernel_error(-err->error, object, extack_message(h, err));
      }
      if (h->nlmsg_type == NLMSG_DONE) {
        int status = 0;
        if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) std::memcpy(&status, NLMSG_DATA(h), sizeof status);
        if (status < 0) return kernel_error(-status, object, {});
        if (interrupted)
          return Error::from_errno(EAGAIN, std::string(object),
                               "the table changed during the dump; try again");
        return {};
      }
      if (h->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
      if (fn) fn(h);
    }
  }
}

MsgPtr new_message(int type, int flags, const void* header, std::size_t header_len) {
  MsgPtr msg{nlmsg_alloc_simple(type, flags)};
  if (!msg) return msg;
  if (nlmsg_append(msg.get(), const_cast<void*>(header), header_len, NLMSG_ALIGNTO) < 0) return {};
  return msg;
}

Error build_error(std::string_view object) {
  return Error::from_errno(EMSGSIZE, std::string(object), "cannot build the netlink request");
}

}  // namespace netlab::nl
