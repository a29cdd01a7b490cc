#include <netlab/route.hpp>

#include "nl/attr.hpp"
#include "nl/link_names.hpp"
#include "nl/socket.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <sys/socket.h>
#include <unistd.h>

namespace netlab {
namespace {

struct Named {
  std::uint8_t value;
  std::string_view name;
};

constexpr Named kTypes[] = {
    {RTN_UNSPEC, "none"},       {RTN_UNICAST, "unicast"},     {RTN_LOCAL, "local"},
    {RTN_BROADCAST, "broadcast"}, {RTN_ANYCAST, "anycast"},   {RTN_MULTICAST, "multicast"},
    {RTN_BLACKHOLE, "blackhole"}, {RTN_UNREACHABLE, "unreachable"}, {RTN_PROHIBIT, "prohibit"},
    {RTN_THROW, "throw"},       {RTN_NAT, "nat"},             {RTN_XRESOLVE, "xresolve"},
};

// The names iproute2 knows from /usr/share/iproute2/rt_protos (and its built-ins).
constexpr Named kProtocols[] = {
    {RTPROT_UNSPEC, "unspec"}, {RTPROT_REDIRECT, "redirect"}, {RTPROT_KERNEL, "kernel"},
    {RTPROT_BOOT, "boot"},     {RTPROT_STATIC, "static"},     {8, "gated"},
    {9, "ra"},                 {10, "mrt"},                   {11, "zebra"},
    {12, "bird"},              {13, "dnrouted"},              {14, "xorp"},
    {15, "ntk"},               {16, "dhcp"},                  {18, "keepalived"},
    {42, "babel"},             {99, "openr"},                 {186, "bgp"},
    {187, "isis"},             {188, "ospf"},                 {189, "rip"},
    {192, "eigrp"},
};

template <std::size_t N>
std::string name_of(const Named (&table)[N], std::uint8_t v) {
  for (const auto& e : table)
    if (e.value == v) return std::string(e.name);
  return std::to_string(v);
}

template <std::size_t N>
std::optional<std::uint8_t> value_of(const Named (&table)[N], std::string_view word) {
  for (const auto& e : table)
    if (e.name == word) return e.value;
  return std::nullopt;
}

}  // namespace

std::string route_type_name(std::uint8_t type) { return name_of(kTypes, type); }

Result<std::uint8_t> parse_route_type(std::string_view word) {
  if (auto v = value_of(kTypes, word); v && *v != RTN_UNSPEC) return *v;
  return Error::usage("route type \"" + std::string(word) + "\"",
                      "expected unicast, local, broadcast, anycast, multicast, blackhole, unreachable, "
                      "prohibit, throw or nat");
}

std::string route_protocol_name(std::uint8_t proto) { return name_of(kProtocols, proto); }

Result<std::uint8_t> parse_route_protocol(std::string_view word) {
  if (auto v = value_of(kProtocols, word)) return *v;
  auto n = parse_uint(word, "route protocol", 255);
  if (!n) return Error::usage("route protocol \"" + std::string(word) + "\"", "expected a name such as static or 0-255");
  return static_cast<std::uint8_t>(*n);
}

Result<std::uint32_t> parse_route_table(std::string_view word) {
  if (word == "main") return kTableMain;
  if (word == "local") return kTableLocal;
  if (word == "default") return kTableDefault;
  if (word == "all") return 0u;
  auto n = parse_uint(word, "routing table", 0xffffffffu);
  if (!n || *n == 0)
    return Error::usage("routing table \"" + std::string(word) + "\"", "expected main, local, default, all or 1-4294967295");
  return static_cast<std::uint32_t>(*n);
}

std::string Route::type_name() const { return route_type_name(type); }
std::string Route::protocol_name() const { return route_protocol_name(protocol); }
std::string Route::table_name() const {
  switch (table) {
    case kTableMain: return "main";
    case kTableLocal: return "local";
    case kTableDefault: return "default";
    default: return std::to_string(table);
  }
}

std::vector<std::string> Route::flag_names() const {
  std::vector<std::string> out;
  if (flags & RTNH_F_DEAD) out.emplace_back("dead");
  if (flags & RTNH_F_ONLINK) out.emplace_back("onlink");
  if (flags & RTNH_F_PERVASIVE) out.emplace_back("pervasive");
  if (flags & RTNH_F_OFFLOAD) out.emplace_back("offload");
  if (flags & RTNH_F_LINKDOWN) out.emplace_back("linkdown");
  if (flags & RTNH_F_UNRESOLVED) out.emplace_back("unresolved");
  return out;
}

namespace route {
namespace {

std::vector<NextHop> parse_multipath(const nlattr* mp, const nl::LinkNames& names) {
  std::vector<NextHop> hops;
  auto data = nl::payload(mp);
  std::size_t off = 0;
  while (off + sizeof(rtnexthop) <= data.size()) {
    rtnexthop nh;
    std::memcpy(&nh, data.data() + off, sizeof nh);
    if (nh.rtnh_len < sizeof(rtnexthop) || off + nh.rtnh_len > data.size()) break;
    NextHop hop;
    hop.oif = nh.rtnh_ifindex;
    hop.dev = names.name(hop.oif);
    hop.weight = static_cast<std::uint16_t>(nh.rtnh_hops + 1);
    hop.flags = nh.rtnh_flags;
    nl::Attrs<RTA_MAX> a;
    auto* attrs = reinterpret_cast<nlattr*>(const_cast<std::uint8_t*>(data.data() + off + RTNH_ALIGN(sizeof nh)));
    int attrs_len = static_cast<int>(nh.rtnh_len) - static_cast<int>(RTNH_ALIGN(sizeof nh));
    if (attrs_len > 0 && nla_parse(a.tb, RTA_MAX, attrs, attrs_len, nullptr) == 0) hop.gateway = nl::get_ip(a[RTA_GATEWAY]);
    hops.push_back(std::move(hop));
    off += RTNH_ALIGN(nh.rtnh_len);
  }
  return hops;
}

std::optional<Route> parse_route(const nlmsghdr* h, const nl::LinkNames& names) {
  if (h->nlmsg_type != RTM_NEWROUTE) return std::nullopt;
  const auto* rtm = nl::header<rtmsg>(h);
  if (!rtm || (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)) return std::nullopt;
  nl::Attrs<RTA_MAX> a;
  if (!a.parse_msg(const_cast<nlmsghdr*>(h), sizeof(rtmsg))) return std::nullopt;
  Route r;
  r.family = static_cast<Family>(rtm->rtm_family);
  r.type = rtm->rtm_type;
  r.protocol = rtm->rtm_protocol;
  r.scope = rtm->rtm_scope;
  r.tos = rtm->rtm_tos;
  r.flags = rtm->rtm_flags;
  r.table = nl::get_u32(a[RTA_TABLE]).value_or(rtm->rtm_table);
  if (auto dst = nl::get_ip(a[RTA_DST])) {
    r.dst = Prefix{*dst, rtm->rtm_dst_len};
  } else {
    std::uint8_t zero[16] = {};
    r.dst = Prefix{IpAddr::from_bytes(std::span<const std::uint8_t>(zero, r.family == Family::Inet ? 4 : 16)), 0};
  }
  if (auto src = nl::get_ip(a[RTA_SRC])) r.src = Prefix{*src, rtm->rtm_src_len};
  r.prefsrc = nl::get_ip(a[RTA_PREFSRC]);
  r.gateway = nl::get_ip(a[RTA_GATEWAY]);
  r.oif = static_cast<int>(nl::get_u32(a[RTA_OIF]).value_or(0));
  if (r.oif) r.dev = names.name(r.oif);
  r.metric = nl::get_u32(a[RTA_PRIORITY]);
  r.pref = nl::get_u8(a[RTA_PREF]);
  if (a[RTA_METRICS]) {
    nl::Attrs<RTAX_MAX> m;
    if (m.parse_nested(a[RTA_METRICS])) {
      r.mtu = nl::get_u32(m[RTAX_MTU]);
      r.hoplimit = nl::get_u32(m[RTAX_HOPLIMIT]);
    }
  }
  // The kernel gives rta_expires in USER_HZ ticks; iproute2 divides by
  // sysconf(_SC_CLK_TCK) and prints nothing for 0 (a route that never expires).
  if (const nlattr* ci = a[RTA_CACHEINFO]; ci && nla_len(ci) >= static_cast<int>(sizeof(rta_cacheinfo))) {
    rta_cacheinfo info{};
    std::memcpy(&info, nla_data(ci), sizeof info);
    static const auto hz = static_cast<std::uint32_t>(std::max(1L, ::sysconf(_SC_CLK_TCK)));
    if (info.rta_expires != 0) r.expires_s = info.rta_expires / hz;
  }
  if (a[RTA_MULTIPATH]) r.nexthops = parse_multipath(a[RTA_MULTIPATH], names);
  return r;
}

bool matches(const Route& r, const Filter& f, int dev_index) {
  if (f.family != Family::Unspec && r.family != f.family) return false;
  if (f.table && r.table != f.table) return false;
  if (r.flags & RTM_F_CLONED) return false;  // cache entries are not routes
  if (f.type && r.type != *f.type) return false;
  if (dev_index) {
    bool on_dev = r.oif == dev_index;
    for (const auto& nh : r.nexthops) on_dev = on_dev || nh.oif == dev_index;
    if (!on_dev) return false;
  }
  if (f.protocol && r.protocol != *f.protocol) return false;
  if (f.scope && r.scope != *f.scope) return false;
  if (f.via) {
    bool via = r.gateway == f.via;
    for (const auto& nh : r.nexthops) via = via || nh.gateway == f.via;
    if (!via) return false;
  }
  if (f.dst && !(r.dst == *f.dst)) return false;
  return true;
}

std::string object_name(const Spec& spec) {
  std::string s = "route " + (spec.dst.len() == 0 ? std::string("default") : spec.dst.to_string());
  if (spec.table != kTableMain) s += " table " + std::to_string(spec.table);
  return s;
}

}  // namespace

Result<void> for_each(const Netns& ns, const Filter& filter, const std::function<void(const Route&)>& fn) {
  auto session = nl::open_session(ns, filter.dev);
  if (!session) return std::move(session).error();
  int dev_index = filter.dev.empty() ? 0 : session->names.index(filter.dev);
  Filter f = filter;
  if (f.dst) f.dst = f.dst->network();
  rtmsg rtm{};
  rtm.rtm_family = static_cast<std::uint8_t>(filter.family);
  auto msg = nl::new_message(RTM_GETROUTE, 0, rtm);
  if (!msg) return nl::build_error("routes");
  return session->sock.dump(msg.get(), "routes", [&](const nlmsghdr* h) {
    if (auto r = parse_route(h, session->names); r && matches(*r, f, dev_index)) fn(*r);
  });
}

Result<std::vector<Route>> list(const Netns& ns, const Filter& filter) {
  std::vector<Route> out;
  auto r = for_each(ns, filter, [&](const Route& route) { out.push_back(route); });
  if (!r) return std::move(r).error();
  return out;
}

Result<void> change(const Netns& ns, const Spec& spec, Mode mode) {
  std::string object = object_name(spec);
  const Family family = spec.dst.family();
  auto same_family = [&](const std::optional<IpAddr>& a) { return !a || a->family() == family; };
  if (!same_family(spec.gateway) || !same_family(spec.prefsrc))
    return Error::usage(object, "the gateway and source must be of the destination's family");
  for (const auto& hop : spec.nexthops)
    if (!same_family(hop.gateway)) return Error::usage(object, "a nexthop gateway is of another family");
  if (spec.dst.network() != spec.dst)
    return Error::usage(object, "the prefix has host bits set; did you mean " + spec.dst.network().to_string() + "?");

  auto session = nl::open_session(ns);
  if (!session) return std::move(session).error();
  auto index_of = [&](const std::string& dev) { return session->index_of(dev); };

  rtmsg rtm{};
  rtm.rtm_family = static_cast<std::uint8_t>(family);
  rtm.rtm_dst_len = spec.dst.len();
  rtm.rtm_table = spec.table < 256 ? static_cast<std::uint8_t>(spec.table) : std::uint8_t{RT_TABLE_UNSPEC};
  int type = RTM_NEWROUTE, flags = 0;
  if (mode == Mode::Delete) {
    type = RTM_DELROUTE;
    rtm.rtm_scope = RT_SCOPE_NOWHERE;
    rtm.rtm_type = spec.type == RTN_UNICAST ? std::uint8_t{RTN_UNSPEC} : spec.type;  // match any type unless asked
  } else {
    flags = mode == Mode::Add ? NLM_F_CREATE | NLM_F_EXCL : NLM_F_CREATE | NLM_F_REPLACE;
    rtm.rtm_protocol = spec.protocol;
    rtm.rtm_type = spec.type;
    // iproute2's defaults: local routes are host scope, broadcast link scope,
    // a unicast route without a gateway is on-link.
    if (spec.type == RTN_LOCAL) rtm.rtm_scope = RT_SCOPE_HOST;
    else if (spec.type == RTN_BROADCAST || spec.type == RTN_MULTICAST || spec.type == RTN_ANYCAST)
      rtm.rtm_scope = RT_SCOPE_LINK;
    else if (spec.type == RTN_UNICAST && !spec.gateway && spec.nexthops.empty())
      rtm.rtm_scope = RT_SCOPE_LINK;
    else rtm.rtm_scope = RT_SCOPE_UNIVERSE;
  }
  if (spec.scope) rtm.rtm_scope = *spec.scope;
  if (spec.onlink) rtm.rtm_flags |= RTNH_F_ONLINK;

  auto msg = nl::new_message(type, flags, rtm);
  if (!msg) return nl::build_error(object);
  nl_msg* m = msg.get();
  auto put_ip = [&](int attr, const IpAddr& ip) {
    return nla_put(m, attr, static_cast<int>(ip.size()), ip.bytes().data()) >= 0;
  };
  bool ok = nla_put_u32(m, RTA_TABLE, spec.table) >= 0;
  if (spec.dst.len()) ok = ok && put_ip(RTA_DST, spec.dst.addr());
  if (spec.gateway) ok = ok && put_ip(RTA_GATEWAY, *spec.gateway);
  if (spec.prefsrc) ok = ok && put_ip(RTA_PREFSRC, *spec.prefsrc);
  if (spec.metric) ok = ok && nla_put_u32(m, RTA_PRIORITY, *spec.metric) >= 0;
  if (!spec.dev.empty()) {
    auto i = index_of(spec.dev);
    if (!i) return std::move(i).error();
    ok = ok && nla_put_u32(m, RTA_OIF, static_cast<std::uint32_t>(*i)) >= 0;
  }
  if (!spec.nexthops.empty()) {
    nlattr* mp = nla_nest_start(m, RTA_MULTIPATH);
    ok = ok && mp;
    for (const auto& hop : spec.nexthops) {
      if (!ok) break;
      auto* nh = static_cast<rtnexthop*>(nlmsg_reserve(m, sizeof(rtnexthop), NLMSG_ALIGNTO));
      if (!nh) { ok = false; break; }
      std::memset(nh, 0, sizeof *nh);
      if (hop.weight < 1 || hop.weight > 256) return Error::usage(object, "a nexthop weight must be 1-256");
      nh->rtnh_hops = static_cast<unsigned char>(hop.weight - 1);
      nh->rtnh_flags = hop.onlink ? RTNH_F_ONLINK : 0;
      if (!hop.dev.empty()) {
        auto i = index_of(hop.dev);
        if (!i) return std::move(i).error();
        nh->rtnh_ifindex = *i;
      }
      if (hop.gateway) ok = ok && put_ip(RTA_GATEWAY, *hop.gateway);
      nh->rtnh_len = static_cast<unsigned short>(reinterpret_cast<char*>(nlmsg_tail(nlmsg_hdr(m))) -
                                                 reinterpret_cast<char*>(nh));
    }
    if (ok) nla_nest_end(m, mp);
  }
  if (!ok) return nl::build_error(object);
  auto r = session->sock.request(m, object);
  if (!r) {
    Error e = std::move(r).error();
    if (e.sys_errno == EEXIST) e.reason = "already exists (use replace)";
    if (e.sys_errno == ESRCH) {
      e.kind = Errc::NotFound;
      e.reason = "no such route";
    }
    if (e.sys_errno == ENETUNREACH) e.hint = "the gateway is not reachable through any connected route";
    return e;
  }
  return {};
}

Result<Route> get(const Netns& ns, const GetQuery& q) {
  std::string object = "route to " + q.dst.to_string();
  if (q.from && q.from->family() != q.dst.family()) return Error::usage(object, "from is of another family");
  auto session = nl::open_session(ns);
  if (!session) return std::move(session).error();
  rtmsg rtm{};
  rtm.rtm_family = static_cast<std::uint8_t>(q.dst.family());
  rtm.rtm_dst_len = static_cast<std::uint8_t>(q.dst.size() * 8);
  auto msg = nl::new_message(RTM_GETROUTE, 0, rtm);
  if (!msg) return nl::build_error(object);
  bool ok = nla_put(msg.get(), RTA_DST, static_cast<int>(q.dst.size()), q.dst.bytes().data()) >= 0;
  if (q.from) ok = ok && nla_put(msg.get(), RTA_SRC, static_cast<int>(q.from->size()), q.from->bytes().data()) >= 0;
  for (auto [attr, dev] : {std::pair{RTA_IIF, &q.iif}, std::pair{RTA_OIF, &q.oif}}) {
    if (dev->empty()) continue;
    auto i = session->index_of(*dev);
    if (!i) return std::move(i).error();
    ok = ok && nla_put_u32(msg.get(), attr, static_cast<std::uint32_t>(*i)) >= 0;
  }
  if (!ok) return nl::build_error(object);
  std::optional<Route> found;
  auto r = session->sock.request(msg.get(), object, [&](const nlmsghdr* h) {
    if (!found) found = parse_route(h, session->names);
  });
  if (!r) return std::move(r).error();
  if (!found) return Error::from_errno(EBADMSG, object, "the kernel sent no route");
  return *found;
}

}  // namespace route
}  // namespace netlab
