#include <netlab/neigh.hpp>

#include "nl/attr.hpp"
#include "nl/link_names.hpp"
#include "nl/socket.hpp"

#include <cerrno>
#include <cstring>

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <sys/socket.h>

namespace netlab {

bool Neighbour::is_router() const noexcept { return flags & NTF_ROUTER; }
bool Neighbour::is_proxy() const noexcept { return flags & NTF_PROXY; }

std::optional<MacAddr> Neighbour::mac() const {
  if (lladdr.size() != 6) return std::nullopt;
  std::array<std::uint8_t, 6> b{};
  std::copy(lladdr.begin(), lladdr.end(), b.begin());
  return MacAddr{b};
}

namespace neigh {
namespace {

// The kernel reports cacheinfo ages in USER_HZ (clock_t) ticks.
constexpr std::uint32_t kUserHz = 100;

std::string object_name(const IpAddr& dst, std::string_view dev) {
  return "neighbour " + dst.to_string() + " dev " + std::string(dev);
}

std::optional<Neighbour> parse_neighbour(const nlmsghdr* h, const nl::LinkNames& names) {
  if (h->nlmsg_type != RTM_NEWNEIGH) return std::nullopt;
  const auto* ndm = nl::header<ndmsg>(h);
  if (!ndm || (ndm->ndm_family != AF_INET && ndm->ndm_family != AF_INET6)) return std::nullopt;
  nl::Attrs<NDA_MAX> a;
  if (!a.parse_msg(const_cast<nlmsghdr*>(h), sizeof(ndmsg))) return std::nullopt;
  auto dst = nl::get_ip(a[NDA_DST]);
  if (!dst) return std::nullopt;
  Neighbour n;
  n.index = ndm->ndm_ifindex;
  n.dev = names.name(n.index);
  n.dst = *dst;
  n.lladdr = nl::get_bytes(a[NDA_LLADDR]);
  n.state = ndm->ndm_state;
  n.flags = ndm->ndm_flags;
  n.probes = nl::get_u32(a[NDA_PROBES]);
  auto ci = nl::payload(a[NDA_CACHEINFO]);
  if (ci.size() >= sizeof(nda_cacheinfo)) {
    nda_cacheinfo info;
    std::memcpy(&info, ci.data(), sizeof info);
    n.used_s = info.ndm_used / kUserHz;
    n.confirmed_s = info.ndm_confirmed / kUserHz;
    n.updated_s = info.ndm_updated / kUserHz;
  }
  return n;
}

bool matches(const Neighbour& n, const Filter& f) {
  if (!f.dev.empty() && n.dev != f.dev) return false;
  if (f.family != Family::Unspec && n.family() != f.family) return false;
  if (f.to && !f.to->contains(n.dst)) return false;
  if (f.proxy) return n.is_proxy();
  if (n.state == NudNone) return f.states & kStateNone;
  return n.state & f.states;
}

Result<void> dump(nl::Socket& sock, const nl::LinkNames& names, const Filter& filter,
                  const std::function<void(const Neighbour&)>& fn) {
  ndmsg ndm{};
  ndm.ndm_family = static_cast<std::uint8_t>(filter.family);
  if (filter.proxy) ndm.ndm_flags = NTF_PROXY;
  auto msg = nl::new_message(RTM_GETNEIGH, 0, ndm);
  if (!msg) return nl::build_error("neighbours");
  return sock.dump(msg.get(), "neighbours", [&](const nlmsghdr* h) {
    if (auto n = parse_neighbour(h, names); n && matches(*n, filter)) fn(*n);
  });
}

Result<void> send(nl::Socket& sock, int type, int flags, const IpAddr& dst, int index, std::uint16_t state,
                  std::uint8_t ntf, const std::optional<MacAddr>& lladdr, const std::string& object) {
  ndmsg ndm{};
  ndm.ndm_family = static_cast<std::uint8_t>(dst.family());
  ndm.ndm_ifindex = index;
  ndm.ndm_state = state;
  ndm.ndm_flags = ntf;
  auto msg = nl::new_message(type, flags, ndm);
  if (!msg || nla_put(msg.get(), NDA_DST, static_cast<int>(dst.size()), dst.bytes().data()) < 0)
    return nl::build_error(object);
  if (lladdr && nla_put(msg.get(), NDA_LLADDR, 6, lladdr->bytes().data()) < 0) return nl::build_error(object);
  auto r = sock.request(msg.get(), object);
  if (!r) {
    Error e = std::move(r).error();
    if (e.sys_errno == EEXIST) e.reason = "already exists (use replace)";
    if (e.sys_errno == ENOENT) {
      e.kind = Errc::NotFound;
      e.reason = "no such entry";
    }
    return e;
  }
  return {};
}

}  // namespace

Result<void> for_each(const Netns& ns, const Filter& filter, const std::function<void(const Neighbour&)>& fn) {
  auto session = nl::open_session(ns, filter.dev);
  if (!session) return std::move(session).error();
  return dump(session->sock, session->names, filter, fn);
}

Result<std::vector<Neighbour>> list(const Netns& ns, const Filter& filter) {
  std::vector<Neighbour> out;
  auto r = for_each(ns, filter, [&](const Neighbour& n) { out.push_back(n); });
  if (!r) return std::move(r).error();
  return out;
}

Result<void> add(const Netns& ns, const Spec& spec, Mode mode) {
  std::string object = object_name(spec.dst, spec.dev.str());
  if (spec.dst.is_unspecified()) return Error::usage(object, "no destination address");
  if (spec.lladdr && spec.proxy) return Error::usage(object, "a proxy entry takes no lladdr");
  auto session = nl::open_session(ns);
  if (!session) return std::move(session).error();
  auto index = session->index_of(spec.dev.str());
  if (!index) return std::move(index).error();
  int flags = mode == Mode::Add ? NLM_F_CREATE | NLM_F_EXCL
              : mode == Mode::Replace ? NLM_F_CREATE | NLM_F_REPLACE
                                      : NLM_F_REPLACE;
  std::uint8_t ntf = static_cast<std::uint8_t>((spec.router ? NTF_ROUTER : 0) | (spec.proxy ? NTF_PROXY : 0));
  return send(session->sock, RTM_NEWNEIGH, flags, spec.dst, *index, spec.proxy ? 0 : spec.state, ntf, spec.lladdr, object);
}

Result<void> remove(const Netns& ns, const IpAddr& dst, const IfName& dev, bool proxy) {
  std::string object = object_name(dst, dev.str());
  auto session = nl::open_session(ns);
  if (!session) return std::move(session).error();
  auto index = session->index_of(dev.str());
  if (!index) return std::move(index).error();
  return send(session->sock, RTM_DELNEIGH, 0, dst, *index, 0, proxy ? NTF_PROXY : 0, std::nullopt, object);
}

Result<int> flush(const Netns& ns, const Filter& filter) {
  auto session = nl::open_session(ns, filter.dev);
  if (!session) return std::move(session).error();
  std::vector<Neighbour> found;
  NETLAB_TRY(dump(session->sock, session->names, filter, [&](const Neighbour& n) { found.push_back(n); }));
  int removed = 0;
  for (const auto& n : found) {
    auto r = send(session->sock, RTM_DELNEIGH, 0, n.dst, n.index, 0, n.is_proxy() ? NTF_PROXY : 0, std::nullopt,
                  object_name(n.dst, n.dev));
    if (!r && r.error().kind != Errc::NotFound) return std::move(r).error();
    if (r) ++removed;
  }
  return removed;
}

}  // namespace neigh
}  // namespace netlab
