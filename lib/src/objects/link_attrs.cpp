// RTM_NEWLINK -> Link: every attribute is read through nl/attr.hpp, which
// checks its length first. Moved out of link.cpp unchanged (see link_attrs.hpp).
#include "objects/link_attrs.hpp"

#include "nl/attr.hpp"

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

namespace netlab::link::detail {
namespace {

std::optional<bool> get_bool(const nlattr* a) {
  auto v = nl::get_u8(a);
  if (!v) return std::nullopt;
  return *v != 0;
}

// struct ifla_bridge_id as brctl prints it: "8000.aabbccddeeff".
std::string bridge_id_string(const nlattr* a) {
  auto id = nl::payload(a);
  if (id.size() < sizeof(ifla_bridge_id)) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == 2) out += '.';
    out += kHex[id[i] >> 4];
    out += kHex[id[i] & 0xf];
  }
  return out;
}

}  // namespace

BridgeInfo parse_bridge(const nlattr* data) {
  BridgeInfo b;
  nl::Attrs<IFLA_BR_MAX> br;
  if (!br.parse_nested(data)) return b;
  b.forward_delay_cs = nl::get_u32(br[IFLA_BR_FORWARD_DELAY]).value_or(0);
  b.hello_time_cs = nl::get_u32(br[IFLA_BR_HELLO_TIME]).value_or(0);
  b.max_age_cs = nl::get_u32(br[IFLA_BR_MAX_AGE]).value_or(0);
  b.ageing_time_cs = nl::get_u32(br[IFLA_BR_AGEING_TIME]).value_or(0);
  b.stp_state = nl::get_u32(br[IFLA_BR_STP_STATE]).value_or(0);
  b.priority = nl::get_u16(br[IFLA_BR_PRIORITY]).value_or(0);
  b.vlan_filtering = nl::get_u8(br[IFLA_BR_VLAN_FILTERING]);
  b.multicast_snooping = nl::get_u8(br[IFLA_BR_MCAST_SNOOPING]);
  b.multicast_querier = nl::get_u8(br[IFLA_BR_MCAST_QUERIER]);
  b.bridge_id = bridge_id_string(br[IFLA_BR_BRIDGE_ID]);
  b.root_id = bridge_id_string(br[IFLA_BR_ROOT_ID]);
  b.root_port = nl::get_u16(br[IFLA_BR_ROOT_PORT]).value_or(0);
  b.root_path_cost = nl::get_u32(br[IFLA_BR_ROOT_PATH_COST]).value_or(0);
  b.topology_change = nl::get_u8(br[IFLA_BR_TOPOLOGY_CHANGE]).value_or(0);
  b.hello_timer_cs = nl::get_int<std::uint64_t>(br[IFLA_BR_HELLO_TIMER]).value_or(0);
  b.tcn_timer_cs = nl::get_int<std::uint64_t>(br[IFLA_BR_TCN_TIMER]).value_or(0);
  b.topology_change_timer_cs = nl::get_int<std::uint64_t>(br[IFLA_BR_TOPOLOGY_CHANGE_TIMER]).value_or(0);
  b.gc_timer_cs = nl::get_int<std::uint64_t>(br[IFLA_BR_GC_TIMER]).value_or(0);
  return b;
}

BridgePortInfo parse_bridge_port(const nlattr* data) {
  BridgePortInfo p;
  nl::Attrs<IFLA_BRPORT_MAX> bp;
  if (!bp.parse_nested(data)) return p;
  p.state = nl::get_u8(bp[IFLA_BRPORT_STATE]).value_or(0);
  p.priority = nl::get_u16(bp[IFLA_BRPORT_PRIORITY]).value_or(0);
  p.cost = nl::get_u32(bp[IFLA_BRPORT_COST]).value_or(0);
  p.port_no = nl::get_u16(bp[IFLA_BRPORT_NO]).value_or(0);
  p.port_id = nl::get_u16(bp[IFLA_BRPORT_ID]).value_or(0);
  p.designated_root = bridge_id_string(bp[IFLA_BRPORT_ROOT_ID]);
  p.designated_bridge = bridge_id_string(bp[IFLA_BRPORT_BRIDGE_ID]);
  p.designated_port = nl::get_u16(bp[IFLA_BRPORT_DESIGNATED_PORT]).value_or(0);
  p.designated_cost = nl::get_u16(bp[IFLA_BRPORT_DESIGNATED_COST]).value_or(0);
  p.message_age_timer_cs = nl::get_int<std::uint64_t>(bp[IFLA_BRPORT_MESSAGE_AGE_TIMER]).value_or(0);
  p.forward_delay_timer_cs = nl::get_int<std::uint64_t>(bp[IFLA_BRPORT_FORWARD_DELAY_TIMER]).value_or(0);
  p.hold_timer_cs = nl::get_int<std::uint64_t>(bp[IFLA_BRPORT_HOLD_TIMER]).value_or(0);
  p.hairpin = get_bool(bp[IFLA_BRPORT_MODE]);
  p.learning = get_bool(bp[IFLA_BRPORT_LEARNING]);
  p.flood = get_bool(bp[IFLA_BRPORT_UNICAST_FLOOD]);
  p.mcast_flood = get_bool(bp[IFLA_BRPORT_MCAST_FLOOD]);
  p.bcast_flood = get_bool(bp[IFLA_BRPORT_BCAST_FLOOD]);
  p.isolated = get_bool(bp[IFLA_BRPORT_ISOLATED]);
  p.guard = get_bool(bp[IFLA_BRPORT_GUARD]);
  p.neigh_suppress = get_bool(bp[IFLA_BRPORT_NEIGH_SUPPRESS]);
  p.proxy_arp = get_bool(bp[IFLA_BRPORT_PROXYARP]);
  return p;
}

TunInfo parse_tun(const nlattr* data) {
  TunInfo t;
  nl::Attrs<IFLA_TUN_MAX> tun;
  if (!tun.parse_nested(data)) return t;
  t.tap = nl::get_u8(tun[IFLA_TUN_TYPE]).value_or(IFF_TAP) == IFF_TAP;
  t.owner = nl::get_u32(tun[IFLA_TUN_OWNER]);
  t.group = nl::get_u32(tun[IFLA_TUN_GROUP]);
  t.pi = nl::get_u8(tun[IFLA_TUN_PI]).value_or(0);
  t.vnet_hdr = nl::get_u8(tun[IFLA_TUN_VNET_HDR]).value_or(0);
  t.persist = nl::get_u8(tun[IFLA_TUN_PERSIST]).value_or(0);
  t.multi_queue = nl::get_u8(tun[IFLA_TUN_MULTI_QUEUE]).value_or(0);
  t.num_queues = nl::get_u32(tun[IFLA_TUN_NUM_QUEUES]);
  return t;
}

VxlanInfo parse_vxlan(const nlattr* data) {
  VxlanInfo v;
  nl::Attrs<IFLA_VXLAN_MAX> vx;
  if (!vx.parse_nested(data)) return v;
  v.id = nl::get_u32(vx[IFLA_VXLAN_ID]).value_or(0);
  // One attribute holds the default destination; multicast makes it a group.
  auto dst = nl::get_ip(vx[IFLA_VXLAN_GROUP]);
  if (!dst) dst = nl::get_ip(vx[IFLA_VXLAN_GROUP6]);
  if (dst && dst->is_multicast()) v.group = dst;
  else if (dst) v.remote = dst;
  v.local = nl::get_ip(vx[IFLA_VXLAN_LOCAL]);
  if (!v.local) v.local = nl::get_ip(vx[IFLA_VXLAN_LOCAL6]);
  v.link_index = static_cast<int>(nl::get_u32(vx[IFLA_VXLAN_LINK]).value_or(0));
  // Network byte order on the wire (nla_put_be16 in the kernel).
  if (auto p = nl::payload(vx[IFLA_VXLAN_PORT]); p.size() == 2) v.dstport = static_cast<std::uint16_t>(p[0] << 8 | p[1]);
  v.ttl = nl::get_u8(vx[IFLA_VXLAN_TTL]).value_or(0);
  v.learning = nl::get_u8(vx[IFLA_VXLAN_LEARNING]).value_or(1) != 0;
  v.ageing = nl::get_u32(vx[IFLA_VXLAN_AGEING]);
  return v;
}

std::optional<Link> parse_link(const nlmsghdr* h) {
  if (h->nlmsg_type != RTM_NEWLINK) return std::nullopt;
  const auto* ifi = nl::header<ifinfomsg>(h);
  if (!ifi) return std::nullopt;
  nl::Attrs<IFLA_MAX> a;
  if (!a.parse_msg(const_cast<nlmsghdr*>(h), sizeof(ifinfomsg))) return std::nullopt;
  Link l;
  l.index = ifi->ifi_index;
  l.flags = ifi->ifi_flags;
  l.link_type = ifi->ifi_type;
  l.name = nl::get_string(a[IFLA_IFNAME]);
  l.mtu = nl::get_u32(a[IFLA_MTU]).value_or(0);
  l.address = nl::get_bytes(a[IFLA_ADDRESS]);
  l.broadcast = nl::get_bytes(a[IFLA_BROADCAST]);
  l.operstate = nl::get_u8(a[IFLA_OPERSTATE]).value_or(0);
  l.linkmode = nl::get_u8(a[IFLA_LINKMODE]).value_or(0);
  l.carrier = get_bool(a[IFLA_CARRIER]);
  l.txqlen = nl::get_u32(a[IFLA_TXQLEN]).value_or(0);
  l.group = nl::get_u32(a[IFLA_GROUP]).value_or(0);
  l.alias = nl::get_string(a[IFLA_IFALIAS]);
  l.qdisc = nl::get_string(a[IFLA_QDISC]);
  l.master_index = static_cast<int>(nl::get_u32(a[IFLA_MASTER]).value_or(0));
  l.link_index = static_cast<int>(nl::get_u32(a[IFLA_LINK]).value_or(0));
  l.link_netnsid = nl::get_s32(a[IFLA_LINK_NETNSID]);
  nl::Attrs<IFLA_INFO_MAX> info;
  if (info.parse_nested(a[IFLA_LINKINFO])) {
    l.kind = nl::get_string(info[IFLA_INFO_KIND]);
    l.slave_kind = nl::get_string(info[IFLA_INFO_SLAVE_KIND]);
    if (l.kind == "bridge") l.bridge = parse_bridge(info[IFLA_INFO_DATA]);
    if (l.kind == "tun") l.tun = parse_tun(info[IFLA_INFO_DATA]);
    if (l.kind == "vxlan") l.vxlan = parse_vxlan(info[IFLA_INFO_DATA]);
    if (l.kind == "macvlan" || l.kind == "macvtap") {
      nl::Attrs<IFLA_MACVLAN_MAX> mv;
      MacvlanInfo m;
      if (mv.parse_nested(info[IFLA_INFO_DATA])) m.mode = nl::get_u32(mv[IFLA_MACVLAN_MODE]).value_or(0);
      l.macvlan = m;
    }
    if (l.slave_kind == "bridge") l.bridge_port = parse_bridge_port(info[IFLA_INFO_SLAVE_DATA]);
  }
  return l;
}

}  // namespace netlab::link::detail
