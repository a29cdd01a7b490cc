// Per-device IPv6 settings over rtnetlink. libnl 3.7 has no getter for
// IFLA_INET6_CONF, so the attributes are read here: RTM_GETLINK answers with
// IFLA_AF_SPEC -> AF_INET6 -> {IFLA_INET6_FLAGS, IFLA_INET6_CONF (an s32
// array indexed by DEVCONF_*), IFLA_INET6_CACHEINFO, IFLA_INET6_TOKEN,
// IFLA_INET6_ADDR_GEN_MODE, IFLA_INET6_RA_MTU}. The array's length comes
// from the attribute, so a kernel newer or older than our headers is fine:
// an index past its end is simply "not exported" and read from /proc.
#include "objects/inet6_conf.hpp"

#include "nl/attr.hpp"
#include "nl/socket.hpp"

#include <netlab/sysctl.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/if_link.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

namespace netlab::ndp {
namespace {

// IFLA_INET6_FLAGS bits. They are the kernel's idev->if_flags
// (include/net/if_inet6.h), which no UAPI header exports.
constexpr std::uint32_t kIfRsSent = 0x10;
constexpr std::uint32_t kIfRaReceived = 0x20;
constexpr std::uint32_t kIfRaManaged = 0x40;
constexpr std::uint32_t kIfRaOtherConf = 0x80;
constexpr std::uint32_t kIfReady = 0x80000000u;

// Each setting: where it sits in IFLA_INET6_CONF and its /proc name.
struct ConfSlot {
  Setting Inet6Settings::*member;
  int devconf;
  const char* sysctl_name;
};
constexpr ConfSlot kSlots[] = {
    {&Inet6Settings::disable_ipv6, DEVCONF_DISABLE_IPV6, "disable_ipv6"},
    {&Inet6Settings::forwarding, DEVCONF_FORWARDING, "forwarding"},
    {&Inet6Settings::accept_ra, DEVCONF_ACCEPT_RA, "accept_ra"},
    {&Inet6Settings::autoconf, DEVCONF_AUTOCONF, "autoconf"},
    {&Inet6Settings::accept_dad, DEVCONF_ACCEPT_DAD, "accept_dad"},
    // addr_gen_mode comes from IFLA_INET6_ADDR_GEN_MODE first (see parse_inet6).
    {&Inet6Settings::addr_gen_mode, DEVCONF_ADDR_GEN_MODE, "addr_gen_mode"},
    {&Inet6Settings::accept_ra_defrtr, DEVCONF_ACCEPT_RA_DEFRTR, "accept_ra_defrtr"},
    {&Inet6Settings::accept_ra_pinfo, DEVCONF_ACCEPT_RA_PINFO, "accept_ra_pinfo"},
    {&Inet6Settings::dad_transmits, DEVCONF_DAD_TRANSMITS, "dad_transmits"},
    {&Inet6Settings::optimistic_dad, DEVCONF_OPTIMISTIC_DAD, "optimistic_dad"},
    {&Inet6Settings::rtr_solicits, DEVCONF_RTR_SOLICITS, "router_solicitations"},
    {&Inet6Settings::use_tempaddr, DEVCONF_USE_TEMPADDR, "use_tempaddr"},
    {&Inet6Settings::proxy_ndp, DEVCONF_PROXY_NDP, "proxy_ndp"},
    {&Inet6Settings::force_tllao, DEVCONF_FORCE_TLLAO, "force_tllao"},
    {&Inet6Settings::mtu, DEVCONF_MTU6, "mtu"},
    {&Inet6Settings::hop_limit, DEVCONF_HOPLIMIT, "hop_limit"},
};

void parse_inet6(const nlattr* inet6, Inet6Settings& s) {
  nl::Attrs<IFLA_INET6_MAX> a;
  if (!a.parse_nested(inet6)) return;
  s.present = true;
  s.ndisc_flags = nl::get_u32(a[IFLA_INET6_FLAGS]);

  const auto conf = nl::payload(a[IFLA_INET6_CONF]);
  const std::size_t entries = conf.size() / sizeof(std::int32_t);
  for (const auto& slot : kSlots) {
    if (slot.devconf < 0 || static_cast<std::size_t>(slot.devconf) >= entries) continue;
    std::int32_t v = 0;
    std::memcpy(&v, conf.data() + static_cast<std::size_t>(slot.devconf) * sizeof v, sizeof v);
    s.*slot.member = Setting{v, SettingSource::Netlink};
  }
  // The dedicated attribute is what `ip link set addrgenmode` writes and
  // what the kernel exported first; prefer it to the array slot.
  if (auto mode = nl::get_u8(a[IFLA_INET6_ADDR_GEN_MODE]))
    s.addr_gen_mode = Setting{*mode, SettingSource::Netlink};

  const auto ci = nl::payload(a[IFLA_INET6_CACHEINFO]);
  if (ci.size() >= sizeof(ifla_cacheinfo)) {
    ifla_cacheinfo info;
    std::memcpy(&info, ci.data(), sizeof info);
    s.reachable_time_ms = info.reachable_time;
    s.retrans_time_ms = info.retrans_time;
  }
  if (auto token = nl::payload(a[IFLA_INET6_TOKEN]); token.size() == 16) {
    auto ip = IpAddr::from_bytes(token);
    const bool zero = std::all_of(token.begin(), token.end(), [](std::uint8_t b) { return b == 0; });
    if (!zero) s.token = ip;
  }
  s.ra_mtu = nl::get_u32(a[IFLA_INET6_RA_MTU]);
}

std::optional<detail::Inet6Link> parse_link(const nlmsghdr* h) {
  if (h->nlmsg_type != RTM_NEWLINK) return std::nullopt;
  const auto* ifi = nl::header<ifinfomsg>(h);
  if (!ifi) return std::nullopt;
  nl::Attrs<IFLA_MAX> a;
  if (!a.parse_msg(const_cast<nlmsghdr*>(h), sizeof(ifinfomsg))) return std::nullopt;
  detail::Inet6Link l;
  l.index = ifi->ifi_index;
  l.name = nl::get_string(a[IFLA_IFNAME]);
  if (nlattr* spec = a[IFLA_AF_SPEC]) {
    nlattr* af = nullptr;
    int rem = 0;
    nla_for_each_nested(af, spec, rem) {
      if (nla_type(af) == AF_INET6) parse_inet6(af, l.settings);
    }
  }
  return l;
}

// /proc/sys/net/ipv6/conf/DEV/NAME for what netlink did not give. The
// directory goes with the kernel's IPv6 state, so for a link without it
// these reads fail too and the value stays unavailable.
void fill_from_sysctl(const Netns& ns, detail::Inet6Link& l) {
  for (const auto& slot : kSlots) {
    Setting& s = l.settings.*slot.member;
    if (s.source != SettingSource::Unavailable) continue;
    if (auto v = sysctl::read_conf(ns, Family::Inet6, l.name, slot.sysctl_name))
      s = Setting{*v, SettingSource::Sysctl};
  }
}

nl::MsgPtr getlink(int flags) {
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  return nl::new_message(RTM_GETLINK, flags, ifi);
}

}  // namespace

std::string_view setting_source_name(SettingSource s) noexcept {
  switch (s) {
    case SettingSource::Netlink: return "netlink";
    case SettingSource::Sysctl: return "sysctl";
    case SettingSource::Unavailable: break;
  }
  return "unavailable";
}

std::string addr_gen_mode_name(std::int64_t mode) {
  switch (mode) {
    case AddrGenEui64: return "eui64";
    case AddrGenNone: return "none";
    case AddrGenStableSecret: return "stable_secret";
    case AddrGenRandom: return "random";
    default: return std::to_string(mode);
  }
}

bool Inet6Settings::rs_sent() const noexcept { return ndisc_flags && (*ndisc_flags & kIfRsSent); }
bool Inet6Settings::ra_received() const noexcept { return ndisc_flags && (*ndisc_flags & kIfRaReceived); }
bool Inet6Settings::ra_managed() const noexcept { return ndisc_flags && (*ndisc_flags & kIfRaManaged); }
bool Inet6Settings::ra_other_config() const noexcept { return ndisc_flags && (*ndisc_flags & kIfRaOtherConf); }
bool Inet6Settings::ready() const noexcept { return ndisc_flags && (*ndisc_flags & kIfReady); }

std::optional<bool> Inet6Settings::accepts_ra() const noexcept {
  if (!accept_ra.value || !forwarding.value) return std::nullopt;
  if (*forwarding.value != 0) return *accept_ra.value == 2;
  return *accept_ra.value != 0;
}

namespace detail {

Result<std::vector<Inet6Link>> read_inet6(const Netns& ns, std::string_view dev) {
  auto sock = nl::Socket::open(ns);
  if (!sock) return std::move(sock).error();
  std::vector<Inet6Link> links;
  if (!dev.empty()) {
    const std::string object = "link " + std::string(dev);
    auto msg = getlink(0);
    if (!msg || nla_put_string(msg.get(), IFLA_IFNAME, std::string(dev).c_str()) < 0 ||
        nla_put_u32(msg.get(), IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0)
      return nl::build_error(object);
    auto r = sock->request(msg.get(), object, [&](const nlmsghdr* h) {
      if (links.empty())
        if (auto l = parse_link(h)) links.push_back(std::move(*l));
    });
    if (!r) {
      Error e = std::move(r).error();
      if (e.sys_errno == ENODEV) return Error::not_found(object, "no such device");
      return e;
    }
    if (links.empty()) return Error::not_found(object, "no such device");
  } else {
    auto msg = getlink(0);
    if (!msg || nla_put_u32(msg.get(), IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0)
      return nl::build_error("links");
    auto r = sock->dump_consistent(msg.get(), "links", [&](const nlmsghdr* h) {
      if (auto l = parse_link(h)) links.push_back(std::move(*l));
    }, [&] { links.clear(); });
    if (!r) return std::move(r).error();
  }
  for (auto& l : links) fill_from_sysctl(ns, l);
  return links;
}

}  // namespace detail

Result<Inet6Settings> settings(const Netns& ns, std::string_view dev) {
  if (auto name = IfName::parse(dev); !name) return std::move(name).error();
  auto links = detail::read_inet6(ns, dev);
  if (!links) return std::move(links).error();
  return std::move(links->front().settings);
}

}  // namespace netlab::ndp
