// libFuzzer target: the code that turns rtnetlink attributes into netlab's
// link model (lib/src/link_attrs.cpp). Byte 0 chooses what the rest is:
//   0  the payload of IFLA_INFO_DATA of a tun link   (IFLA_TUN_* stream)
//   1  the payload of IFLA_INFO_SLAVE_DATA of a bridge port (IFLA_BRPORT_*)
//   2  the payload of IFLA_INFO_DATA of a bridge     (IFLA_BR_* stream)
//   3  everything after the nlmsghdr of an RTM_NEWLINK (ifinfomsg + IFLA_*;
//      seed-link-vxlan4/6 reach the IFLA_VXLAN_* reader)
// The buffer is allocated at its exact size, so ASan sees any read past it.
#include "objects/link_attrs.hpp"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>

#include <cstdint>
#include <cstring>
#include <memory>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace netlab::link::detail;
  if (size < 1) return 0;
  const std::uint8_t mode = data[0] % 4;
  const std::uint8_t* rest = data + 1;
  std::size_t n = size - 1;
  volatile std::size_t sink = 0;
  if (mode < 3) {
    if (n > 0xffff - NLA_HDRLEN) n = 0xffff - NLA_HDRLEN;
    std::size_t total = NLA_HDRLEN + n;
    std::unique_ptr<std::uint8_t[]> buf(new std::uint8_t[total]);
    nlattr hdr{};
    hdr.nla_len = static_cast<std::uint16_t>(total);
    hdr.nla_type = NLA_F_NESTED | (mode == 1 ? IFLA_INFO_SLAVE_DATA : IFLA_INFO_DATA);
    std::memcpy(buf.get(), &hdr, sizeof hdr);
    if (n) std::memcpy(buf.get() + NLA_HDRLEN, rest, n);
    const auto* a = reinterpret_cast<const nlattr*>(buf.get());
    if (mode == 0) {
      auto t = parse_tun(a);
      sink = sink + t.tap + t.owner.value_or(0) + t.num_queues.value_or(0);
    } else if (mode == 1) {
      auto p = parse_bridge_port(a);
      sink = sink + p.designated_root.size() + p.designated_bridge.size() + p.hairpin.value_or(false);
    } else {
      auto b = parse_bridge(a);
      sink = sink + b.bridge_id.size() + b.root_id.size();
    }
  } else {
    std::size_t total = NLMSG_HDRLEN + n;
    std::unique_ptr<std::uint8_t[]> buf(new std::uint8_t[total]);
    nlmsghdr hdr{};
    hdr.nlmsg_len = static_cast<std::uint32_t>(total);
    hdr.nlmsg_type = RTM_NEWLINK;
    std::memcpy(buf.get(), &hdr, sizeof hdr);
    if (n) std::memcpy(buf.get() + NLMSG_HDRLEN, rest, n);
    if (auto l = parse_link(reinterpret_cast<const nlmsghdr*>(buf.get())))
      sink = sink + l->name.size() + l->kind.size() + l->address.size() + (l->tun ? 1 : 0) +
             (l->bridge_port ? 1 : 0) + (l->bridge ? 1 : 0) +
             (l->vxlan ? l->vxlan->id + l->vxlan->dstport + (l->vxlan->remote ? l->vxlan->remote->size() : 0) +
                             (l->vxlan->group ? l->vxlan->group->size() : 0)
                       : 0);
  }
  (void)sink;
  return 0;
}
