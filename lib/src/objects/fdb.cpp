// `bridge fdb`: the AF_BRIDGE neighbour table, both the bridges' own
// forwarding entries (NTF_MASTER, NDA_MASTER) and the devices' own address
// lists (NTF_SELF), where a VXLAN device keeps its remotes: NDA_DST, NDA_PORT
// and NDA_VNI per entry, and the all-zeros MAC as the list every unknown or
// broadcast frame is sent to (NLM_F_APPEND adds one remote more).
//
// Kept apart from bridge.cpp's brctl-style showmacs (bridge::fdb), which
// lists one bridge's table sorted by port number for brctl's columns.
#include <netlab/bridge.hpp>

#include "nl/attr.hpp"
#include "nl/link_names.hpp"
#include "nl/socket.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>

#include <linux/if_bridge.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <sys/socket.h>

namespace netlab::bridge {
namespace {

std::optional<FdbRecord> parse_fdb(const nlmsghdr* h) {
  const auto* ndm = nl::header<ndmsg>(h);
  if (h->nlmsg_type != RTM_NEWNEIGH || !ndm || ndm->ndm_family != AF_BRIDGE) return std::nullopt;
  nl::Attrs<NDA_MAX> a;
  if (!a.parse_msg(const_cast<nlmsghdr*>(h), sizeof(ndmsg))) return std::nullopt;
  auto mac = nl::payload(a[NDA_LLADDR]);
  if (mac.size() != 6) return std::nullopt;
  FdbRecord r;
  std::array<std::uint8_t, 6> b{};
  std::copy(mac.begin(), mac.end(), b.begin());
  r.mac = MacAddr{b};
  r.ifindex = ndm->ndm_ifindex;
  r.flags = ndm->ndm_flags;
  r.state = ndm->ndm_state;
  r.vlan = nl::get_u16(a[NDA_VLAN]);
  r.dst = nl::get_ip(a[NDA_DST]);
  // NDA_PORT is big-endian on the wire (the kernel's nla_put_be16).
  if (auto p = nl::payload(a[NDA_PORT]); p.size() == 2) r.port = static_cast<std::uint16_t>(p[0] << 8 | p[1]);
  r.vni = nl::get_u32(a[NDA_VNI]);
  if (auto via = nl::get_u32(a[NDA_IFINDEX])) r.via_index = static_cast<int>(*via);
  r.master_index = static_cast<int>(nl::get_u32(a[NDA_MASTER]).value_or(0));
  return r;
}

std::string entry_object(const FdbSpec& s) {
  std::string o = "fdb entry " + s.mac.to_string() + " dev " + s.dev.str();
  if (s.dst) o += " dst " + s.dst->to_string();
  return o;
}

}  // namespace

std::vector<std::string> FdbRecord::flag_names() const {
  // iproute2's order (bridge/fdb.c).
  static constexpr std::pair<std::uint8_t, const char*> kFlags[] = {
      {NTF_SELF, "self"},       {NTF_ROUTER, "router"},  {NTF_EXT_LEARNED, "extern_learn"},
      {NTF_OFFLOADED, "offload"}, {NTF_MASTER, "master"}, {NTF_STICKY, "sticky"},
  };
  std::vector<std::string> out;
  for (auto [bit, word] : kFlags)
    if (flags & bit) out.emplace_back(word);
  return out;
}

std::string FdbRecord::state_name() const {
  if (state & NUD_PERMANENT) return "permanent";
  if (state & NUD_NOARP) return "static";
  if (state & NUD_STALE) return "stale";
  if (state & NUD_REACHABLE) return "";
  return "state=" + std::to_string(state);
}

Result<std::vector<FdbRecord>> fdb_list(const Netns& ns, const FdbFilter& filter) {
  auto links = link::list(ns);
  if (!links) return std::move(links).error();
  int dev_index = 0, br_index = 0;
  if (!filter.dev.empty()) {
    const Link* l = link::find(*links, filter.dev);
    if (!l) return Error::not_found("link " + filter.dev, "no such device");
    dev_index = l->index;
  }
  if (!filter.br.empty()) {
    const Link* l = link::find(*links, filter.br);
    if (!l) return Error::not_found("link " + filter.br, "no such device");
    if (l->kind != "bridge") return Error::usage("link " + filter.br, "is not a bridge");
    br_index = l->index;
  }
  auto sock = nl::Socket::open(ns);
  if (!sock) return std::move(sock).error();
  ndmsg ndm{};
  ndm.ndm_family = AF_BRIDGE;
  auto msg = nl::new_message(RTM_GETNEIGH, 0, ndm);
  if (!msg) return nl::build_error("fdb");
  std::vector<FdbRecord> out;
  auto r = sock->dump_consistent(msg.get(), "forwarding database", [&](const nlmsghdr* h) {
    if (auto e = parse_fdb(h)) out.push_back(std::move(*e));
  }, [&] { out.clear(); });
  if (!r) return std::move(r).error();
  const auto names = nl::LinkNames::from_links(*links);
  std::vector<FdbRecord> kept;
  for (auto& e : out) {
    if (dev_index && e.ifindex != dev_index) continue;
    if (br_index && e.ifindex != br_index) {
      // `br BR`: entries on the bridge and on its ports, as the kernel's own filter.
      auto it = std::find_if(links->begin(), links->end(), [&](const Link& l) { return l.index == e.ifindex; });
      if (it == links->end() || it->master_index != br_index) continue;
    }
    e.dev = names.name(e.ifindex);
    if (e.master_index) e.master = names.name(e.master_index);
    if (e.via_index) e.via = names.name(*e.via_index);
    kept.push_back(std::move(e));
  }
  return kept;
}

Result<void> fdb_change(const Netns& ns, FdbOp op, const FdbSpec& spec) {
  const std::string object = entry_object(spec);
  if (spec.vni && *spec.vni > 0xffffff)
    return Error::usage(object, "vni " + std::to_string(*spec.vni) + " is out of range (0-16777215)");
  if (spec.port && *spec.port == 0) return Error::usage(object, "port 0 is not a port (1-65535)");
  if (spec.vlan && (*spec.vlan == 0 || *spec.vlan > 4094))
    return Error::usage(object, "vlan " + std::to_string(*spec.vlan) + " is out of range (1-4094)");
  if (op == FdbOp::Del && spec.dst) {
    // The kernel acknowledges the delete of a VXLAN remote that matches no
    // remote (another port or VNI) and changes nothing; say so instead. It
    // matches port and VNI given or else the device's own, as here.
    auto dev = link::get(ns, spec.dev.str());
    if (!dev) return std::move(dev).error();
    if (dev->vxlan) {
      auto entries = fdb_list(ns, FdbFilter{spec.dev.str(), ""});
      if (!entries) return std::move(entries).error();
      const auto& vx = *dev->vxlan;
      const std::uint16_t port = spec.port.value_or(vx.dstport);
      const std::uint32_t vni = spec.vni.value_or(vx.id);
      const bool found = std::any_of(entries->begin(), entries->end(), [&](const FdbRecord& r) {
        return r.mac == spec.mac && r.dst == spec.dst && r.port.value_or(vx.dstport) == port &&
               r.vni.value_or(vx.id) == vni;
      });
      if (!found)
        return Error::not_found(object, "no such entry (a remote matches on dst, port and vni: give the port and vni "
                                        "it was added with)");
    }
  }
  auto session = nl::open_session(ns, spec.dev.str());
  if (!session) return std::move(session).error();
  auto index = session->index_of(spec.dev.str());
  if (!index) return std::move(index).error();

  ndmsg ndm{};
  ndm.ndm_family = AF_BRIDGE;
  ndm.ndm_ifindex = *index;
  // iproute2's defaults: self unless master is asked, permanent unless another state is.
  ndm.ndm_flags = static_cast<std::uint8_t>((spec.self ? NTF_SELF : 0) | (spec.master ? NTF_MASTER : 0));
  if (!ndm.ndm_flags) ndm.ndm_flags = NTF_SELF;
  switch (spec.state) {
    case FdbSpec::State::Default:
    case FdbSpec::State::Permanent: ndm.ndm_state = NUD_NOARP | NUD_PERMANENT; break;
    case FdbSpec::State::Static: ndm.ndm_state = NUD_NOARP | NUD_REACHABLE; break;
    case FdbSpec::State::Dynamic: ndm.ndm_state = NUD_REACHABLE; break;
  }
  int type = RTM_NEWNEIGH, flags = NLM_F_CREATE;
  switch (op) {
    case FdbOp::Add: flags |= NLM_F_EXCL; break;
    case FdbOp::Append: flags |= NLM_F_APPEND; break;
    case FdbOp::Replace: flags |= NLM_F_REPLACE; break;
    case FdbOp::Del: type = RTM_DELNEIGH; flags = 0; break;
  }
  auto msg = nl::new_message(type, flags, ndm);
  if (!msg) return nl::build_error(object);
  bool ok = nla_put(msg.get(), NDA_LLADDR, 6, spec.mac.bytes().data()) >= 0;
  if (spec.dst) ok = ok && nla_put(msg.get(), NDA_DST, static_cast<int>(spec.dst->size()), spec.dst->bytes().data()) >= 0;
  if (spec.port) ok = ok && nla_put_u16(msg.get(), NDA_PORT, htons(*spec.port)) >= 0;
  if (spec.vni) ok = ok && nla_put_u32(msg.get(), NDA_VNI, *spec.vni) >= 0;
  if (spec.vlan) ok = ok && nla_put_u16(msg.get(), NDA_VLAN, *spec.vlan) >= 0;
  if (!ok) return nl::build_error(object);
  auto r = session->sock.request(msg.get(), object);
  if (!r) {
    Error e = std::move(r).error();
    if (e.sys_errno == ENOENT) e.reason = "no such entry";
    if (e.sys_errno == EEXIST) e.reason = "already exists";
    return e;
  }
  return {};
}

}  // namespace netlab::bridge
