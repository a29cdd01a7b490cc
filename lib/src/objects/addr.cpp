#include <netlab/addr.hpp>

#include "nl/attr.hpp"
#include "nl/link_names.hpp"
#include "nl/socket.hpp"
#include "objects/addr_internal.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <sys/socket.h>

namespace netlab {

std::vector<std::string> Address::flag_names() const {
  std::vector<std::string> out;
  if (flags & IFA_F_SECONDARY) out.emplace_back(family() == Family::Inet6 ? "temporary" : "secondary");
  if (flags & IFA_F_NODAD) out.emplace_back("nodad");
  if (flags & IFA_F_OPTIMISTIC) out.emplace_back("optimistic");
  if (flags & IFA_F_DADFAILED) out.emplace_back("dadfailed");
  if (flags & IFA_F_HOMEADDRESS) out.emplace_back("home");
  if (flags & IFA_F_DEPRECATED) out.emplace_back("deprecated");
  if (flags & IFA_F_TENTATIVE) out.emplace_back("tentative");
  if (!(flags & IFA_F_PERMANENT)) out.emplace_back("dynamic");  // where iproute2 puts it: bit order
  if (flags & IFA_F_MANAGETEMPADDR) out.emplace_back("mngtmpaddr");
  if (flags & IFA_F_NOPREFIXROUTE) out.emplace_back("noprefixroute");
  if (flags & IFA_F_MCAUTOJOIN) out.emplace_back("autojoin");
  if (flags & IFA_F_STABLE_PRIVACY) out.emplace_back("stable-privacy");
  return out;
}

namespace addr {
namespace {

std::string object_name(const Prefix& p, std::string_view dev) {
  return "address " + p.to_string() + " on " + std::string(dev);
}

std::optional<Address> parse_address(const nlmsghdr* h, const nl::LinkNames& names) {
  if (h->nlmsg_type != RTM_NEWADDR) return std::nullopt;
  const auto* ifa = nl::header<ifaddrmsg>(h);
  if (!ifa) return std::nullopt;
  nl::Attrs<IFA_MAX> a;
  if (!a.parse_msg(const_cast<nlmsghdr*>(h), sizeof(ifaddrmsg))) return std::nullopt;
  auto local = nl::get_ip(a[IFA_LOCAL]);
  auto address = nl::get_ip(a[IFA_ADDRESS]);
  if (!local) local = address;
  if (!local) return std::nullopt;
  Address out;
  out.index = static_cast<int>(ifa->ifa_index);
  out.dev = names.name(out.index);
  out.local = Prefix{*local, ifa->ifa_prefixlen};
  if (address && *address != *local) out.peer = address;
  out.broadcast = nl::get_ip(a[IFA_BROADCAST]);
  out.scope = ifa->ifa_scope;
  out.label = nl::get_string(a[IFA_LABEL]);
  out.flags = nl::get_u32(a[IFA_FLAGS]).value_or(ifa->ifa_flags);
  auto ci = nl::payload(a[IFA_CACHEINFO]);
  if (ci.size() >= sizeof(ifa_cacheinfo)) {
    ifa_cacheinfo info;
    std::memcpy(&info, ci.data(), sizeof info);
    out.valid_lft = info.ifa_valid;
    out.preferred_lft = info.ifa_prefered;
  }
  return out;
}

bool matches(const Address& a, const Filter& f) {
  if (!f.dev.empty() && a.dev != f.dev) return false;
  if (f.family != Family::Unspec && a.family() != f.family) return false;
  if (f.scope && a.scope != *f.scope) return false;
  if ((a.flags & f.flags_set) != f.flags_set) return false;
  if (a.flags & f.flags_clear) return false;
  if (f.permanent_only && !(a.flags & IFA_F_PERMANENT)) return false;
  if (f.dynamic_only && (a.flags & IFA_F_PERMANENT)) return false;
  return true;
}

}  // namespace

Result<void> detail::dump(nl::Socket& sock, const nl::LinkNames& names, const Filter& filter,
                          const std::function<void(const Address&)>& fn) {
  ifaddrmsg ifa{};
  ifa.ifa_family = static_cast<std::uint8_t>(filter.family);
  auto msg = nl::new_message(RTM_GETADDR, 0, ifa);
  if (!msg) return nl::build_error("addresses");
  return sock.dump(msg.get(), "addresses", [&](const nlmsghdr* h) {
    if (auto a = parse_address(h, names); a && matches(*a, filter)) fn(*a);
  });
}

namespace {

Result<void> send_change(const Netns& ns, const Spec& spec, int flags) {
  std::string object = object_name(spec.prefix, spec.dev.str());
  if (spec.broadcast && spec.broadcast->family() != spec.prefix.family())
    return Error::usage(object, "the broadcast address is of another family");
  if (spec.broadcast_auto && !spec.prefix.addr().is_v4())
    return Error::usage(object, "IPv6 has no broadcast addresses");
  if (!spec.label.empty() && spec.label.rfind(spec.dev.str(), 0) != 0)
    return Error::usage(object, "the label must start with the device name (" + spec.dev.str() + ")");
  if (spec.label.size() > 15) return Error::usage(object, "the label is longer than 15 bytes");
  if (spec.preferred_lft > spec.valid_lft)
    return Error::usage(object, "preferred_lft is longer than valid_lft");
  auto session = nl::open_session(ns);
  if (!session) return std::move(session).error();
  auto index = session->index_of(spec.dev.str());
  if (!index) return std::move(index).error();

  ifaddrmsg ifa{};
  ifa.ifa_family = static_cast<std::uint8_t>(spec.prefix.family());
  ifa.ifa_prefixlen = spec.prefix.len();
  ifa.ifa_index = static_cast<std::uint32_t>(*index);
  const auto& ip = spec.prefix.addr();
  // iproute2's default: loopback addresses get host scope, everything else global.
  ifa.ifa_scope = spec.scope.value_or(ip.is_v4() && ip.bytes()[0] == 127 ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE);
  auto msg = nl::new_message(RTM_NEWADDR, flags, ifa);
  if (!msg) return nl::build_error(object);
  bool ok = nla_put(msg.get(), IFA_LOCAL, static_cast<int>(ip.size()), ip.bytes().data()) >= 0 &&
            nla_put(msg.get(), IFA_ADDRESS, static_cast<int>(ip.size()), ip.bytes().data()) >= 0;
  if (spec.broadcast)
    ok = ok && nla_put(msg.get(), IFA_BROADCAST, 4, spec.broadcast->bytes().data()) >= 0;
  if (spec.broadcast_auto) {
    auto b = ip.bytes();
    std::uint8_t bcast[4];
    for (std::size_t i = 0; i < 4; ++i) {
      int keep = std::clamp(static_cast<int>(spec.prefix.len()) - static_cast<int>(i * 8), 0, 8);
      std::uint8_t mask = static_cast<std::uint8_t>(0xff00u >> keep);
      bcast[i] = static_cast<std::uint8_t>((b[i] & mask) | ~mask);
    }
    if (spec.prefix.len() < 31) ok = ok && nla_put(msg.get(), IFA_BROADCAST, 4, bcast) >= 0;
  }
  if (!spec.label.empty()) ok = ok && nla_put_string(msg.get(), IFA_LABEL, spec.label.c_str()) >= 0;
  if (spec.flags) ok = ok && nla_put_u32(msg.get(), IFA_FLAGS, spec.flags) >= 0;
  if (spec.valid_lft != kForever || spec.preferred_lft != kForever) {
    ifa_cacheinfo ci{};
    ci.ifa_valid = spec.valid_lft;
    ci.ifa_prefered = spec.preferred_lft;
    ok = ok && nla_put(msg.get(), IFA_CACHEINFO, sizeof ci, &ci) >= 0;
  }
  if (!ok) return nl::build_error(object);
  auto r = session->sock.request(msg.get(), object);
  if (!r) {
    Error e = std::move(r).error();
    if (e.sys_errno == EEXIST) e.reason = "already assigned";
    return e;
  }
  return {};
}

}  // namespace

Result<void> for_each(const Netns& ns, const Filter& filter, const std::function<void(const Address&)>& fn) {
  auto session = nl::open_session(ns, filter.dev);
  if (!session) return std::move(session).error();
  return detail::dump(session->sock, session->names, filter, fn);
}

Result<std::vector<Address>> list(const Netns& ns, const Filter& filter) {
  std::vector<Address> out;
  auto r = for_each(ns, filter, [&](const Address& a) { out.push_back(a); });
  if (!r) return std::move(r).error();
  return out;
}

Result<void> add(const Netns& ns, const Spec& spec) { return send_change(ns, spec, NLM_F_CREATE | NLM_F_EXCL); }

Result<void> replace(const Netns& ns, const Spec& spec) {
  return send_change(ns, spec, NLM_F_CREATE | NLM_F_REPLACE);
}

Result<void> remove(const Netns& ns, const Prefix& prefix, const IfName& dev) {
  std::string object = object_name(prefix, dev.str());
  auto session = nl::open_session(ns);
  if (!session) return std::move(session).error();
  auto index = session->index_of(dev.str());
  if (!index) return std::move(index).error();
  ifaddrmsg ifa{};
  ifa.ifa_family = static_cast<std::uint8_t>(prefix.family());
  ifa.ifa_prefixlen = prefix.len();
  ifa.ifa_index = static_cast<std::uint32_t>(*index);
  auto msg = nl::new_message(RTM_DELADDR, 0, ifa);
  const auto& ip = prefix.addr();
  if (!msg || nla_put(msg.get(), IFA_LOCAL, static_cast<int>(ip.size()), ip.bytes().data()) < 0)
    return nl::build_error(object);
  auto r = session->sock.request(msg.get(), object);
  if (!r) {
    Error e = std::move(r).error();
    if (e.sys_errno == EADDRNOTAVAIL) {
      e.kind = Errc::NotFound;
      e.reason = "not assigned";
    }
    return e;
  }
  return {};
}

Result<int> flush(const Netns& ns, const Filter& filter) {
  auto found = list(ns, filter);
  if (!found) return std::move(found).error();
  int removed = 0;
  for (const auto& a : *found) {
    auto dev = IfName::parse(a.dev);
    if (!dev) continue;
    auto r = remove(ns, a.local, *dev);
    // A secondary address goes away with its primary; that is not a failure.
    if (!r && r.error().kind != Errc::NotFound) return std::move(r).error();
    if (r) ++removed;
  }
  return removed;
}

}  // namespace addr
}  // namespace netlab
