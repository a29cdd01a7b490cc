// Reading the nftables ruleset (netlab::nft, nft.hpp) with libmnl (the
// NETLINK_NETFILTER socket and its dumps) and libnftnl (the objects and
// their expression lists), as nft itself does. Decoding a rule means
// following the registers: payload/meta/ct load a field into a register,
// bitwise masks it, cmp/range/lookup compare it; so each load is kept per
// register until a comparison says what it was compared with.
#include <netlab/nft.hpp>
#include <netlab/types.hpp>

#include "base/privilege.hpp"
#include "proto/byte_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <span>
#include <vector>

// glibc's netinet/in.h before linux/netfilter.h, which would pull linux/in.h.
#include <netinet/in.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/gen.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <net/if.h>

namespace netlab::nft {
namespace {

using Bytes = std::span<const std::uint8_t>;

constexpr const char* kObject = "nftables ruleset";
// Dump skbs are sized from the reader's buffer; 64 KiB holds the largest.
constexpr std::size_t kReceiveBuffer = 64 * 1024;

struct MnlClose {
  void operator()(mnl_socket* s) const noexcept { mnl_socket_close(s); }
};
using MnlPtr = std::unique_ptr<mnl_socket, MnlClose>;
template <typename T, void (*Free)(const T*)>
struct NftFree {
  void operator()(T* p) const noexcept { Free(p); }
};
using TablePtr = std::unique_ptr<nftnl_table, NftFree<nftnl_table, nftnl_table_free>>;
using ChainPtr = std::unique_ptr<nftnl_chain, NftFree<nftnl_chain, nftnl_chain_free>>;
using RulePtr = std::unique_ptr<nftnl_rule, NftFree<nftnl_rule, nftnl_rule_free>>;
using GenPtr = std::unique_ptr<nftnl_gen, NftFree<nftnl_gen, nftnl_gen_free>>;

Error kernel_error(int err, std::string reason = {}) {
  Error e;
  e.kind = Errc::Netlink;
  e.sys_errno = err;
  e.object = kObject;
  e.reason = reason.empty() ? std::strerror(err) : std::move(reason);
  if (err == EPERM || err == EACCES) {
    // nf_tables refuses every dump, not only changes, without CAP_NET_ADMIN.
    e.reason += " (reading nf_tables needs CAP_NET_ADMIN)";
    e.hint.clear();
    return e;
  }
  if (err == EPROTONOSUPPORT || err == EAFNOSUPPORT || err == EOPNOTSUPP) {
    e.kind = Errc::Unsupported;
    e.reason = "the kernel has no nf_tables support (" + std::string(std::strerror(err)) + ")";
  }
  return e;
}

// One open NETLINK_NETFILTER socket inside the namespace.
class Socket {
 public:
  static Result<Socket> open(const Netns& ns) {
    auto scope = NetnsScope::enter(ns);
    if (!scope) return std::move(scope).error();
    MnlPtr nl{mnl_socket_open(NETLINK_NETFILTER)};
    if (!nl) return kernel_error(errno);
    if (mnl_socket_bind(nl.get(), 0, MNL_SOCKET_AUTOPID) < 0) return kernel_error(errno);
    return Socket{std::move(nl)};
  }

  // Sends a dump request of `type` for every family and hands each reply
  // message to fn (which returns false to stop: a bound was hit).
  template <typename Fn>
  Result<void> dump(std::uint16_t type, Fn&& fn, std::size_t bound = 0) {
    std::vector<char> req(MNL_SOCKET_BUFFER_SIZE);
    const std::uint32_t seq = ++seq_;
    // GETGEN is answered once, not dumped.
    const std::uint16_t flags = type == NFT_MSG_GETGEN ? NLM_F_ACK : NLM_F_DUMP;
    nlmsghdr* h = nftnl_nlmsg_build_hdr(req.data(), type, NFPROTO_UNSPEC, flags, seq);
    if (mnl_socket_sendto(nl_.get(), h, h->nlmsg_len) < 0) return kernel_error(errno);
    const unsigned portid = mnl_socket_get_portid(nl_.get());
    struct Ctx {
      Fn* fn;
      bool stopped = false;
    } ctx{&fn};
    auto cb = [](const nlmsghdr* m, void* data) -> int {
      auto* c = static_cast<Ctx*>(data);
      if (!(*c->fn)(m)) {
        c->stopped = true;
        return MNL_CB_STOP;
      }
      return MNL_CB_OK;
    };
    for (;;) {
      ssize_t n = mnl_socket_recvfrom(nl_.get(), buf_.data(), buf_.size());
      if (n < 0) return kernel_error(errno);
      errno = 0;
      int rc = mnl_cb_run(buf_.data(), static_cast<std::size_t>(n), seq, portid, cb, &ctx);
      if (rc < 0) return kernel_error(errno ? errno : EIO);
      if (ctx.stopped) return Error{Errc::Unsupported, E2BIG, kObject,
                                    "more than " + std::to_string(bound) + " rules: refused", {}, {}};
      if (rc == MNL_CB_STOP) return {};
    }
  }

 private:
  explicit Socket(MnlPtr nl) : nl_(std::move(nl)), buf_(kReceiveBuffer) {}
  MnlPtr nl_;
  std::vector<char> buf_;
  std::uint32_t seq_ = 0;
};

std::string get_str(const char* s) { return s ? s : ""; }

const char* hook_name(Family f, std::uint32_t hook) {
  if (f == Family::Netdev) return hook == NF_NETDEV_INGRESS ? "ingress" : "egress";
  if (f == Family::Arp) return hook == 0 ? "input" : hook == 1 ? "output" : "forward";
  switch (hook) {
    case NF_INET_PRE_ROUTING: return "prerouting";
    case NF_INET_LOCAL_IN: return "input";
    case NF_INET_FORWARD: return "forward";
    case NF_INET_LOCAL_OUT: return "output";
    case NF_INET_POST_ROUTING: return "postrouting";
    case NF_INET_INGRESS: return "ingress";
  }
  return "unknown";
}

// ---- the expression walker ----------------------------------------------

// What a register holds, as far as the summary cares.
struct Load {
  enum Src { None, Payload, Meta, Ct, Imm } src = None;
  std::uint32_t base = 0, offset = 0, len = 0;  // payload
  std::uint32_t key = 0;                        // meta / ct
  std::vector<std::uint8_t> mask;               // bitwise AND applied (empty: none)
  std::vector<std::uint8_t> data;               // immediate data
};

// Which field of the packet a load names, in the rule's l3 family.
enum class Field { Unknown, L4proto, Nfproto, EtherType, Iifname, Oifname, Saddr, Daddr, Sport, Dport, CtState };

Bytes expr_data(const nftnl_expr* e, std::uint16_t attr) {
  std::uint32_t len = 0;
  const void* p = nftnl_expr_get(e, attr, &len);
  if (!p) return {};
  return {static_cast<const std::uint8_t*>(p), len};
}

std::string ip_text(Bytes b) {
  if (b.size() == 4 || b.size() == 16) return IpAddr::from_bytes(b).to_string();
  return "?";
}

// Registers hold meta and ct values in host byte order (unlike packet
// fields): read them as the kernel wrote them.
std::uint32_t host_u32(proto::ByteReader& r) {
  auto b = r.bytes(4);
  std::uint32_t v = 0;
  std::memcpy(&v, b.data(), sizeof v);
  return v;
}

std::uint16_t host_u16(proto::ByteReader& r) {
  auto b = r.bytes(2);
  std::uint16_t v = 0;
  std::memcpy(&v, b.data(), sizeof v);
  return v;
}

int prefix_from_mask(Bytes mask) {
  int n = 0;
  for (auto byte : mask) n += __builtin_popcount(byte);
  return n;
}

class RuleDecoder {
 public:
  explicit RuleDecoder(Rule& r) : r_(r) {
    if (r.family == Family::Ip) l3_ = NFPROTO_IPV4;
    if (r.family == Family::Ip6) l3_ = NFPROTO_IPV6;
  }

  void expr(const nftnl_expr* e) {
    const std::string name = get_str(nftnl_expr_get_str(e, NFTNL_EXPR_NAME));
    try {
      decode(name, e);
    } catch (const proto::Truncated&) {
      r_.match.other.push_back(name + " (short data)");
    }
  }

 private:
  void decode(const std::string& name, const nftnl_expr* e) {
    auto u32 = [e](std::uint16_t a) { return nftnl_expr_is_set(e, a) ? nftnl_expr_get_u32(e, a) : 0u; };
    if (name == "payload") {
      Load l;
      l.src = Load::Payload;
      l.base = u32(NFTNL_EXPR_PAYLOAD_BASE);
      l.offset = u32(NFTNL_EXPR_PAYLOAD_OFFSET);
      l.len = u32(NFTNL_EXPR_PAYLOAD_LEN);
      if (nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_DREG)) regs_[u32(NFTNL_EXPR_PAYLOAD_DREG)] = l;
      else r_.match.other.push_back("payload set");
    } else if (name == "meta") {
      if (!nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG)) { r_.match.other.push_back("meta set"); return; }
      Load l;
      l.src = Load::Meta;
      l.key = u32(NFTNL_EXPR_META_KEY);
      regs_[u32(NFTNL_EXPR_META_DREG)] = l;
    } else if (name == "ct") {
      if (!nftnl_expr_is_set(e, NFTNL_EXPR_CT_DREG)) { r_.match.other.push_back("ct set"); return; }
      Load l;
      l.src = Load::Ct;
      l.key = u32(NFTNL_EXPR_CT_KEY);
      regs_[u32(NFTNL_EXPR_CT_DREG)] = l;
    } else if (name == "bitwise") {
      Load l = regs_[u32(NFTNL_EXPR_BITWISE_SREG)];
      auto mask = expr_data(e, NFTNL_EXPR_BITWISE_MASK);
      l.mask.assign(mask.begin(), mask.end());
      regs_[u32(NFTNL_EXPR_BITWISE_DREG)] = l;
    } else if (name == "cmp") {
      compare(regs_[u32(NFTNL_EXPR_CMP_SREG)], u32(NFTNL_EXPR_CMP_OP), expr_data(e, NFTNL_EXPR_CMP_DATA));
    } else if (name == "range") {
      range(regs_[u32(NFTNL_EXPR_RANGE_SREG)], u32(NFTNL_EXPR_RANGE_OP) == NFT_RANGE_NEQ,
            expr_data(e, NFTNL_EXPR_RANGE_FROM_DATA), expr_data(e, NFTNL_EXPR_RANGE_TO_DATA));
    } else if (name == "lookup") {
      lookup(regs_[u32(NFTNL_EXPR_LOOKUP_SREG)], get_str(nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET)),
             (u32(NFTNL_EXPR_LOOKUP_FLAGS) & NFT_LOOKUP_F_INV) != 0,
             nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG));
    } else if (name == "counter") {
      r_.has_counter = true;
      r_.packets = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
      r_.bytes = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
    } else if (name == "immediate") {
      immediate(e);
    } else if (name == "masq") {
      r_.verdict = VerdictKind::Masquerade;
    } else if (name == "redir") {
      r_.verdict = VerdictKind::Redirect;
    } else if (name == "nat") {
      r_.verdict = u32(NFTNL_EXPR_NAT_TYPE) == NFT_NAT_DNAT ? VerdictKind::Dnat : VerdictKind::Snat;
      if (nftnl_expr_is_set(e, NFTNL_EXPR_NAT_REG_ADDR_MIN)) {
        const Load& min = regs_[u32(NFTNL_EXPR_NAT_REG_ADDR_MIN)];
        if (min.src == Load::Imm) r_.target = ip_text(min.data);
        if (nftnl_expr_is_set(e, NFTNL_EXPR_NAT_REG_ADDR_MAX)) {
          const Load& max = regs_[u32(NFTNL_EXPR_NAT_REG_ADDR_MAX)];
          if (max.src == Load::Imm && max.data != min.data) r_.target += "-" + ip_text(max.data);
        }
      }
    } else if (name == "reject") {
      r_.verdict = VerdictKind::Reject;
    } else if (name == "queue") {
      r_.verdict = VerdictKind::Queue;
    } else if (name == "match") {
      xt_match(get_str(nftnl_expr_get_str(e, NFTNL_EXPR_MT_NAME)), expr_data(e, NFTNL_EXPR_MT_INFO));
    } else if (name == "target") {
      r_.verdict = VerdictKind::XtTarget;
      r_.target = get_str(nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME));
    } else {
      r_.match.other.push_back(name);
    }
  }

  Field field_of(const Load& l) {
    switch (l.src) {
      case Load::Meta:
        switch (l.key) {
          case NFT_META_L4PROTO: return Field::L4proto;
          case NFT_META_NFPROTO: return Field::Nfproto;
          case NFT_META_PROTOCOL: return Field::EtherType;
          case NFT_META_IIFNAME: return Field::Iifname;
          case NFT_META_OIFNAME: return Field::Oifname;
        }
        return Field::Unknown;
      case Load::Ct: return l.key == NFT_CT_STATE ? Field::CtState : Field::Unknown;
      case Load::Payload:
        if (l.base == NFT_PAYLOAD_LL_HEADER && l.offset == 12 && l.len == 2) return Field::EtherType;
        if (l.base == NFT_PAYLOAD_TRANSPORT_HEADER && l.len == 2)
          return l.offset == 0 ? Field::Sport : l.offset == 2 ? Field::Dport : Field::Unknown;
        if (l.base != NFT_PAYLOAD_NETWORK_HEADER) return Field::Unknown;
        if (l3_ == NFPROTO_IPV4) {
          if (l.offset == 9 && l.len == 1) return Field::L4proto;
          if (l.offset == 12 && l.len <= 4) return Field::Saddr;
          if (l.offset == 16 && l.len <= 4) return Field::Daddr;
        } else if (l3_ == NFPROTO_IPV6) {
          if (l.offset == 6 && l.len == 1) return Field::L4proto;
          if (l.offset == 8 && l.len <= 16) return Field::Saddr;
          if (l.offset == 24 && l.len <= 16) return Field::Daddr;
        }
        return Field::Unknown;
      default: return Field::Unknown;
    }
  }

  std::string unknown_name(const Load& l) const {
    if (l.src == Load::Meta) return "meta key " + std::to_string(l.key);
    if (l.src == Load::Ct) return "ct key " + std::to_string(l.key);
    if (l.src == Load::Payload)
      return "payload base " + std::to_string(l.base) + " offset " + std::to_string(l.offset) + " len " +
             std::to_string(l.len);
    return "cmp";
  }

  // An address prefix from a (possibly shortened or masked) address load.
  std::string prefix_text(const Load& l, Bytes value) const {
    const std::size_t full = l3_ == NFPROTO_IPV6 ? 16 : 4;
    std::vector<std::uint8_t> addr(full, 0);
    proto::ByteReader r(value);
    const std::size_t n = std::min<std::size_t>({value.size(), full, l.len});
    auto b = r.bytes(n);
    std::copy(b.begin(), b.end(), addr.begin());
    int bits = l.mask.empty() ? static_cast<int>(n * 8) : prefix_from_mask(l.mask);
    return ip_text(addr) + "/" + std::to_string(bits);
  }

  static void set_port(std::optional<PortMatch>& pm, std::uint32_t op, std::uint16_t v) {
    if (!pm) pm = PortMatch{0, 65535, false, {}};
    switch (op) {
      case NFT_CMP_EQ: pm->lo = pm->hi = v; break;
      case NFT_CMP_NEQ: pm->lo = pm->hi = v; pm->negated = true; break;
      case NFT_CMP_GTE: pm->lo = v; break;
      case NFT_CMP_GT: pm->lo = static_cast<std::uint16_t>(std::min(v + 1, 65535)); break;
      case NFT_CMP_LTE: pm->hi = v; break;
      case NFT_CMP_LT: pm->hi = static_cast<std::uint16_t>(v == 0 ? 0 : v - 1); break;
    }
  }

  void compare(const Load& l, std::uint32_t op, Bytes value) {
    proto::ByteReader r(value);
    const bool neq = op == NFT_CMP_NEQ;
    Match& m = r_.match;
    switch (field_of(l)) {
      case Field::L4proto: m.l4proto = r.u8(); m.l4proto_negated = neq; return;
      case Field::Nfproto: l3_ = r.u8(); return;
      case Field::EtherType: {
        std::uint16_t t = r.be16();
        if (t == 0x0800) l3_ = NFPROTO_IPV4;
        else if (t == 0x86dd) l3_ = NFPROTO_IPV6;
        else m.other.push_back("ether type 0x" + fmt_hex(t));
        return;
      }
      case Field::Iifname:
      case Field::Oifname: {
        // A name with its NUL is exact; without one, nft compared a prefix (`eth*`).
        auto b = r.bytes(value.size());
        auto nul = std::find(b.begin(), b.end(), std::uint8_t{0});
        std::string name(b.begin(), nul);
        if (nul == b.end()) name += '*';
        (field_of(l) == Field::Iifname ? m.iifname : m.oifname) = name;
        (field_of(l) == Field::Iifname ? m.iifname_negated : m.oifname_negated) = neq;
        return;
      }
      case Field::Saddr: m.saddr = prefix_text(l, value); m.saddr_negated = neq; return;
      case Field::Daddr: m.daddr = prefix_text(l, value); m.daddr_negated = neq; return;
      case Field::Sport: set_port(m.sport, op, r.be16()); return;
      case Field::Dport: set_port(m.dport, op, r.be16()); return;
      case Field::CtState: {
        // `ct state established,related` is bitwise(mask) != 0; an exact
        // `ct state new` may come as cmp == value.
        std::uint32_t bits = 0;
        Bytes src = (neq && !l.mask.empty()) ? Bytes(l.mask) : value;
        proto::ByteReader br(src);
        bits = br.remaining() >= 4 ? host_u32(br) : 0;
        static constexpr std::pair<std::uint32_t, const char*> kStates[] = {
            {1u << 0, "invalid"}, {1u << 1, "established"}, {1u << 2, "related"},
            {1u << 3, "new"}, {1u << 6, "untracked"}};
        for (auto [bit, word] : kStates)
          if (bits & bit) m.ct_state.push_back(word);
        return;
      }
      case Field::Unknown:
        // `iif lo` compares the index, which names no device outside its namespace.
        if (l.src == Load::Meta && (l.key == NFT_META_IIF || l.key == NFT_META_OIF) && value.size() == 4) {
          std::uint32_t index = host_u32(r);
          m.other.push_back(std::string(l.key == NFT_META_IIF ? "iif" : "oif") + (neq ? " != " : " ") + "index " +
                            std::to_string(index));
          return;
        }
        m.other.push_back(unknown_name(l));
        return;
    }
  }

  void range(const Load& l, bool neq, Bytes from, Bytes to) {
    Field f = field_of(l);
    if (f != Field::Sport && f != Field::Dport) { r_.match.other.push_back("range"); return; }
    proto::ByteReader a(from), b(to);
    PortMatch pm{a.be16(), b.be16(), neq, {}};
    (f == Field::Sport ? r_.match.sport : r_.match.dport) = pm;
  }

  void lookup(const Load& l, const std::string& set, bool inv, bool is_map) {
    Field f = field_of(l);
    if (is_map) { r_.match.other.push_back("map @" + set); return; }
    if (f == Field::Sport || f == Field::Dport) {
      (f == Field::Sport ? r_.match.sport : r_.match.dport) = PortMatch{0, 65535, inv, set};
      return;
    }
    r_.match.sets.push_back(std::string(inv ? "!= " : "") + "set " + set);
  }

  void immediate(const nftnl_expr* e) {
    const std::uint32_t dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG);
    if (dreg != NFT_REG_VERDICT) {
      Load l;
      l.src = Load::Imm;
      auto d = expr_data(e, NFTNL_EXPR_IMM_DATA);
      l.data.assign(d.begin(), d.end());
      regs_[dreg] = l;
      return;
    }
    const auto v = static_cast<std::int32_t>(nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT));
    switch (v) {
      case NF_ACCEPT: r_.verdict = VerdictKind::Accept; break;
      case NF_DROP: r_.verdict = VerdictKind::Drop; break;
      case NF_QUEUE: r_.verdict = VerdictKind::Queue; break;
      case NFT_JUMP: r_.verdict = VerdictKind::Jump; break;
      case NFT_GOTO: r_.verdict = VerdictKind::Goto; break;
      case NFT_RETURN: r_.verdict = VerdictKind::Return; break;
      case NFT_CONTINUE: r_.verdict = VerdictKind::Continue; break;
      default: r_.match.other.push_back("verdict " + std::to_string(v)); break;
    }
    if (nftnl_expr_is_set(e, NFTNL_EXPR_IMM_CHAIN)) r_.target = get_str(nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN));
  }

  // xtables compat matches. The udp and tcp matches' port ranges are read
  // from their info blocks (struct xt_udp / xt_tcp: host-order u16
  // spts[2], dpts[2], then flags; invflags 0x01 source, 0x02 destination).
  void xt_match(const std::string& name, Bytes info) {
    r_.match.xt_matches.push_back(name);
    if (name != "udp" && name != "tcp") return;
    proto::ByteReader r(info);
    const std::uint16_t s0 = host_u16(r), s1 = host_u16(r), d0 = host_u16(r), d1 = host_u16(r);
    if (name == "tcp") r.skip(3);  // option, flg_mask, flg_cmp
    const std::uint8_t inv = r.u8();
    if (!r_.match.l4proto) r_.match.l4proto = name == "udp" ? IPPROTO_UDP : IPPROTO_TCP;
    if (s0 != 0 || s1 != 65535) r_.match.sport = PortMatch{s0, s1, (inv & 0x01) != 0, {}};
    if (d0 != 0 || d1 != 65535) r_.match.dport = PortMatch{d0, d1, (inv & 0x02) != 0, {}};
  }

  static std::string fmt_hex(std::uint16_t v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04x", v);
    return buf;
  }

  Rule& r_;
  std::map<std::uint32_t, Load> regs_;
  std::uint8_t l3_ = NFPROTO_UNSPEC;
};

// ---- the three dumps -----------------------------------------------------

Result<std::uint32_t> generation(Socket& s) {
  std::uint32_t id = 0;
  NETLAB_TRY(s.dump(NFT_MSG_GETGEN, [&](const nlmsghdr* h) {
    GenPtr g{nftnl_gen_alloc()};
    if (g && nftnl_gen_nlmsg_parse(h, g.get()) == 0) id = nftnl_gen_get_u32(g.get(), NFTNL_GEN_ID);
    return true;
  }));
  return id;
}

Result<Ruleset> read_once(Socket& s, std::size_t max_rules) {
  Ruleset rs;
  NETLAB_TRY(s.dump(NFT_MSG_GETTABLE, [&](const nlmsghdr* h) {
    TablePtr t{nftnl_table_alloc()};
    if (!t || nftnl_table_nlmsg_parse(h, t.get()) < 0) return true;
    rs.tables.push_back(Table{static_cast<Family>(nftnl_table_get_u32(t.get(), NFTNL_TABLE_FAMILY)),
                              get_str(nftnl_table_get_str(t.get(), NFTNL_TABLE_NAME)),
                              nftnl_table_get_u64(t.get(), NFTNL_TABLE_HANDLE)});
    return true;
  }));
  NETLAB_TRY(s.dump(NFT_MSG_GETCHAIN, [&](const nlmsghdr* h) {
    ChainPtr c{nftnl_chain_alloc()};
    if (!c || nftnl_chain_nlmsg_parse(h, c.get()) < 0) return true;
    Chain ch;
    ch.family = static_cast<Family>(nftnl_chain_get_u32(c.get(), NFTNL_CHAIN_FAMILY));
    ch.table = get_str(nftnl_chain_get_str(c.get(), NFTNL_CHAIN_TABLE));
    ch.name = get_str(nftnl_chain_get_str(c.get(), NFTNL_CHAIN_NAME));
    ch.handle = nftnl_chain_get_u64(c.get(), NFTNL_CHAIN_HANDLE);
    if (nftnl_chain_is_set(c.get(), NFTNL_CHAIN_HOOKNUM)) {
      ch.hook = hook_name(ch.family, nftnl_chain_get_u32(c.get(), NFTNL_CHAIN_HOOKNUM));
      ch.type = get_str(nftnl_chain_get_str(c.get(), NFTNL_CHAIN_TYPE));
      ch.priority = nftnl_chain_get_s32(c.get(), NFTNL_CHAIN_PRIO);
      if (nftnl_chain_is_set(c.get(), NFTNL_CHAIN_POLICY))
        ch.policy = nftnl_chain_get_u32(c.get(), NFTNL_CHAIN_POLICY) == NF_DROP ? "drop" : "accept";
    }
    rs.chains.push_back(std::move(ch));
    return true;
  }));
  NETLAB_TRY(s.dump(NFT_MSG_GETRULE, [&](const nlmsghdr* h) {
    if (rs.rules.size() >= max_rules) {
      rs.rules.clear();  // nothing partial leaves this function
      return false;
    }
    RulePtr r{nftnl_rule_alloc()};
    if (!r || nftnl_rule_nlmsg_parse(h, r.get()) < 0) return true;
    Rule rule;
    rule.family = static_cast<Family>(nftnl_rule_get_u32(r.get(), NFTNL_RULE_FAMILY));
    rule.table = get_str(nftnl_rule_get_str(r.get(), NFTNL_RULE_TABLE));
    rule.chain = get_str(nftnl_rule_get_str(r.get(), NFTNL_RULE_CHAIN));
    rule.handle = nftnl_rule_get_u64(r.get(), NFTNL_RULE_HANDLE);
    RuleDecoder dec(rule);
    nftnl_expr_foreach(r.get(), [](nftnl_expr* e, void* data) {
      static_cast<RuleDecoder*>(data)->expr(e);
      return 0;
    }, &dec);
    rs.rules.push_back(std::move(rule));
    return true;
  }, max_rules));
  // The rule dump comes in each chain's order: that is the chain's list.
  for (const Rule& r : rs.rules)
    for (Chain& c : rs.chains)
      if (c.family == r.family && c.table == r.table && c.name == r.chain) {
        c.rules.push_back(r.handle);
        break;
      }
  return rs;
}

}  // namespace

const char* family_name(Family f) noexcept {
  switch (f) {
    case Family::Inet: return "inet";
    case Family::Ip: return "ip";
    case Family::Arp: return "arp";
    case Family::Netdev: return "netdev";
    case Family::Bridge: return "bridge";
    case Family::Ip6: return "ip6";
  }
  return "unknown";
}

const char* verdict_name(VerdictKind k) noexcept {
  switch (k) {
    case VerdictKind::None: return "";
    case VerdictKind::Accept: return "accept";
    case VerdictKind::Drop: return "drop";
    case VerdictKind::Reject: return "reject";
    case VerdictKind::Jump: return "jump";
    case VerdictKind::Goto: return "goto";
    case VerdictKind::Return: return "return";
    case VerdictKind::Continue: return "continue";
    case VerdictKind::Queue: return "queue";
    case VerdictKind::Masquerade: return "masquerade";
    case VerdictKind::Snat: return "snat";
    case VerdictKind::Dnat: return "dnat";
    case VerdictKind::Redirect: return "redirect";
    case VerdictKind::XtTarget: return "xt";
  }
  return "";
}

bool PortMatch::may_match(std::uint16_t port) const noexcept {
  if (!set.empty()) return true;  // the set's contents are not read: it may hold the port
  const bool in = port >= lo && port <= hi;
  return negated ? !in : in;
}

bool Rule::may_match_udp_dport(std::uint16_t port) const noexcept {
  if (match.l4proto) {
    const bool udp = *match.l4proto == IPPROTO_UDP;
    if (match.l4proto_negated ? udp : !udp) return false;
  }
  return !match.dport || match.dport->may_match(port);
}

std::vector<const Rule*> Ruleset::rules_of(const Chain& c) const {
  std::vector<const Rule*> out;
  for (const Rule& r : rules)
    if (r.family == c.family && r.table == c.table && r.chain == c.name) out.push_back(&r);
  return out;
}

const Chain* Ruleset::find_chain(Family f, const std::string& table, const std::string& name) const {
  for (const Chain& c : chains)
    if (c.family == f && c.table == table && c.name == name) return &c;
  return nullptr;
}

Result<Ruleset> read_ruleset(const Netns& ns, std::size_t max_rules) {
  auto s = Socket::open(ns);
  if (!s) return std::move(s).error();
  // The three dumps are separate: a change between them would mix two
  // rulesets. The generation id moves on every commit; read until it holds.
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    auto before = generation(*s);
    if (!before) return std::move(before).error();
    auto rs = read_once(*s, max_rules);
    if (!rs) return rs;
    auto after = generation(*s);
    if (!after) return std::move(after).error();
    if (*before == *after) return rs;
    if (attempt == kAttempts) return kernel_error(EAGAIN, "the ruleset changed during the dump; try again");
  }
}

}  // namespace netlab::nft
