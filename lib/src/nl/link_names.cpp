#include "nl/link_names.hpp"

#include "nl/attr.hpp"

#include <linux/if_link.h>
#include <linux/rtnetlink.h>

namespace netlab::nl {

Result<LinkNames> LinkNames::load(Socket& sock) {
  ifinfomsg ifi{};
  auto msg = new_message(RTM_GETLINK, 0, ifi);
  if (!msg) return build_error("links");
  nla_put_u32(msg.get(), IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  LinkNames names;
  auto r = sock.dump_consistent(msg.get(), "links", [&](const nlmsghdr* h) {
    const auto* hdr = header<ifinfomsg>(h);
    if (h->nlmsg_type != RTM_NEWLINK || !hdr || hdr->ifi_index <= 0) return;
    // Only IFLA_IFNAME is needed: walk the attributes instead of parsing all of them.
    int len = static_cast<int>(h->nlmsg_len) - static_cast<int>(NLMSG_LENGTH(sizeof(ifinfomsg)));
    auto* a = reinterpret_cast<nlattr*>(reinterpret_cast<char*>(const_cast<ifinfomsg*>(hdr)) +
                                        NLMSG_ALIGN(sizeof(ifinfomsg)));
    for (; nla_ok(a, len); a = nla_next(a, &len)) {
      if (nla_type(a) != IFLA_IFNAME) continue;
      auto index = static_cast<std::size_t>(hdr->ifi_index);
      if (index >= names.by_index_.size()) names.by_index_.resize(index + 1);
      names.by_index_[index] = get_string(a);
      break;
    }
  }, [&] { names.by_index_.clear(); });
  if (!r) return std::move(r).error();
  return names;
}

LinkNames LinkNames::from_links(const std::vector<Link>& links) {
  LinkNames names;
  for (const auto& l : links) {
    if (l.index <= 0) continue;
    auto index = static_cast<std::size_t>(l.index);
    if (index >= names.by_index_.size()) names.by_index_.resize(index + 1);
    names.by_index_[index] = l.name;
  }
  return names;
}

const std::string& LinkNames::name(int index) const noexcept {
  static const std::string kNone;
  if (index <= 0 || static_cast<std::size_t>(index) >= by_index_.size()) return kNone;
  return by_index_[static_cast<std::size_t>(index)];
}

int LinkNames::index(std::string_view name) const noexcept {
  for (std::size_t i = 1; i < by_index_.size(); ++i)
    if (by_index_[i] == name) return static_cast<int>(i);
  return 0;
}

Result<int> Session::index_of(std::string_view dev) const {
  int i = names.index(dev);
  if (!i) return Error::not_found("link " + std::string(dev), "no such device");
  return i;
}

Result<Session> open_session(const Netns& ns, std::string_view dev) {
  auto sock = Socket::open(ns);
  if (!sock) return std::move(sock).error();
  auto names = LinkNames::load(*sock);
  if (!names) return std::move(names).error();
  Session session{std::move(*sock), std::move(*names)};
  if (!dev.empty()) NETLAB_TRY(session.index_of(dev));
  return session;
}

}  // namespace netlab::nl
