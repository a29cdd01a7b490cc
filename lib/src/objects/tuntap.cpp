#include <netlab/tuntap.hpp>

#include "base/fd.hpp"
#include "base/privilege.hpp"
#include "base/rollback.hpp"
#include "nl/link_names.hpp"
#include "nl/socket.hpp"
#include "objects/addr_internal.hpp"
#include "objects/link_internal.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/if_link.h>
#include <netlink/attr.h>

namespace netlab::tap {
namespace {

std::string read_small_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  Fd owner(fd);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

bool is_number(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The inode /proc/PID/ns/net links to for a namespace (0 if unknown). The
// thread's own namespace is /proc/thread-self: netlab's tests and callers
// may have moved one thread only.
ino_t netns_inode(const Netns& ns) {
  struct stat st {};
  const std::string path = ns.is_current() ? std::string("/proc/thread-self/ns/net") : ns.path();
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

// Every (device name, holder) pair from /proc/*/fdinfo/* "iff:" lines, for
// processes in the namespace with inode `netns` (all when 0). "iff:" names
// the device only, and two namespaces may each have a tap0: without this
// filter a guest in another lab would be reported as holding ours.
std::vector<std::pair<std::string, TapHolder>> scan_holders(ino_t netns) {
  std::vector<std::pair<std::string, TapHolder>> out;
  DIR* proc = ::opendir("/proc");
  if (!proc) return out;
  while (dirent* p = ::readdir(proc)) {
    if (!is_number(p->d_name)) continue;
    std::string base = std::string("/proc/") + p->d_name;
    if (netns != 0) {
      struct stat st {};
      if (::stat((base + "/ns/net").c_str(), &st) != 0 || st.st_ino != netns) continue;
    }
    DIR* fds = ::opendir((base + "/fdinfo").c_str());
    if (!fds) continue;
    std::string comm;
    while (dirent* f = ::readdir(fds)) {
      if (!is_number(f->d_name)) continue;
      std::string info = read_small_file(base + "/fdinfo/" + f->d_name);
      auto at = info.find("\niff:\t");
      if (at == std::string::npos) continue;
      auto start = at + 6;
      auto end = info.find('\n', start);
      std::string dev = info.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (comm.empty()) {
        comm = read_small_file(base + "/comm");
        while (!comm.empty() && comm.back() == '\n') comm.pop_back();
      }
      TapHolder h;
      std::from_chars(p->d_name, p->d_name + std::strlen(p->d_name), h.pid);
      h.command = comm;
      out.emplace_back(std::move(dev), std::move(h));
    }
    ::closedir(fds);
  }
  ::closedir(proc);
  return out;
}

std::string holders_text(const std::string& dev) {
  std::string text;
  for (const auto& [name, h] : scan_holders(netns_inode(Netns()))) {
    if (name != dev) continue;
    if (!text.empty()) text += ", ";
    text += "pid " + std::to_string(h.pid) + " (" + h.command + ")";
  }
  return text;
}

Error tun_error(int err, const std::string& object, const char* step) {
  Error e = Error::from_errno(err, object, std::string(step) + ": " + std::strerror(err));
  // Opening the device is a matter of its file mode; the ioctls need the capability.
  if (std::string_view(step) != "open /dev/net/tun") e = needs_capability(std::move(e), Capability::NetAdmin);
  if (err == ENOENT || err == ENODEV) e.hint = "no /dev/net/tun: load the tun module (modprobe tun)";
  return e;
}

// One device: ioctls on /dev/net/tun (the calling thread must be in the target
// namespace), then netlink for the rest. Registers its undo steps on rb.
std::string pattern_of(const Spec& spec) { return spec.name.empty() ? (spec.tun ? "tun%d" : "tap%d") : spec.name; }

// Why a name or "%d" pattern cannot name a device ("" when it can), checked
// before anything is opened: the kernel numbers one "%d" and answers a bare
// EINVAL for a second one or any other '%'.
std::string check_pattern(const std::string& pattern) {
  const auto percents = std::count(pattern.begin(), pattern.end(), '%');
  if (percents == 0) return {};
  const auto at = pattern.find('%');
  if (percents > 1 || pattern.compare(at, 2, "%d") != 0) return "a pattern takes one \"%d\" and no other '%'";
  if (pattern.size() > 15) return "the name is longer than 15 bytes";
  std::string sample = pattern.substr(0, at) + "0" + pattern.substr(at + 2);
  if (auto n = IfName::parse(sample); !n) return n.error().reason;
  return {};
}

// `pattern` is a name, or a "%d" pattern for the kernel to number.
Result<std::string> create_one(nl::Socket& sock, const Spec& spec, const std::string& pattern, lab::Rollback& rb) {
  std::string object = "tap " + pattern;
  if (pattern.size() > 15) return Error::usage(object, "the name is longer than 15 bytes");
  if (pattern.find('%') != std::string::npos && pattern.find("%d") == std::string::npos)
    return Error::usage(object, "a pattern takes \"%d\" and no other '%'");
  if (pattern.find('%') == std::string::npos) NETLAB_TRY(IfName::parse(pattern));

  int raw = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (raw < 0) return tun_error(errno, object, "open /dev/net/tun");
  Fd fd(raw);
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, pattern.c_str(), pattern.size());
  ifr.ifr_flags = static_cast<short>((spec.tun ? IFF_TUN : IFF_TAP) | (spec.pi ? 0 : IFF_NO_PI) |
                                     (spec.multi_queue ? IFF_MULTI_QUEUE : 0) |
                                     (spec.vnet_hdr ? IFF_VNET_HDR : 0) | IFF_TUN_EXCL);
  if (::ioctl(fd.get(), TUNSETIFF, &ifr) != 0) {
    int err = errno;
    Error e = tun_error(err, object, "TUNSETIFF");
    if (err == EBUSY || err == EEXIST) {
      e.reason = "already exists";
      std::string who = holders_text(pattern);
      e.hint = who.empty() ? "pick another name, or a pattern such as lab%d" : "held open by " + who;
    }
    return e;
  }
  std::string name(ifr.ifr_name, strnlen(ifr.ifr_name, IFNAMSIZ));
  object = "tap " + name;
  // Until TUNSETPERSIST succeeds, closing fd destroys the device: no undo needed.
  if (spec.owner && ::ioctl(fd.get(), TUNSETOWNER, static_cast<unsigned long>(*spec.owner)) != 0)
    return tun_error(errno, object, "TUNSETOWNER");
  if (spec.group && ::ioctl(fd.get(), TUNSETGROUP, static_cast<unsigned long>(*spec.group)) != 0)
    return tun_error(errno, object, "TUNSETGROUP");
  if (::ioctl(fd.get(), TUNSETPERSIST, 1UL) != 0) return tun_error(errno, object, "TUNSETPERSIST");
  rb.on_failure([&sock, name] { (void)link::detail::remove(sock, name); });

  return name;
}

// MTU, MAC, master and state over netlink, on a device create_one made.
Result<void> configure_one(nl::Socket& sock, const std::string& name, const Spec& spec, int master_index) {
  link::Change change;
  change.mtu = spec.mtu;
  change.address = spec.mac;
  if (spec.up) change.up = true;
  if (change.empty() && master_index <= 0) return {};
  // One message: the kernel applies MTU and MAC, then the state, then the master.
  // Index 0 with IFLA_IFNAME makes the kernel find the device by name: no lookup round trip.
  return link::detail::apply(sock, 0, "tap " + name, change, master_index > 0 ? master_index : -1,
                             [&name](nl_msg* m) { return nla_put_string(m, IFLA_IFNAME, name.c_str()) >= 0; });
}

Error not_a_tap(const Link& l) {
  return Error::usage("link " + l.name,
                      "is " + (l.kind.empty() ? std::string("not a tun/tap device") : "a " + l.kind + ", not a tun/tap device"));
}

Result<int> master_index_of(nl::Socket& sock, const std::optional<IfName>& master) {
  if (!master) return 0;
  auto m = link::detail::fetch(sock, master->str());
  if (!m) return std::move(m).error();
  if (m->kind != "bridge")
    return Error::usage("link " + master->str(), "is " + (m->kind.empty() ? std::string("not a bridge") : "a " + m->kind + ", not a bridge"));
  return m->index;
}

}  // namespace

Result<std::vector<std::string>> create_many(const Netns& ns, const Spec& spec, unsigned count) {
  if (spec.mac && (spec.mac->is_multicast() || spec.mac->is_zero()))
    return Error::usage("MAC address " + spec.mac->to_string(), "must be unicast and not all zeros");
  if (spec.tun && spec.mac)
    return Error::usage("tap " + pattern_of(spec), "a TUN device has no MAC address (mac is for mode tap)");
  if (auto bad = check_pattern(pattern_of(spec)); !bad.empty()) return Error::usage("tap " + pattern_of(spec), bad);
  if (count > 1 && !spec.name.empty() && spec.name.find("%d") == std::string::npos)
    return Error::usage("tap " + spec.name, "several devices need a pattern such as lab%d");
  if (count > 1 && spec.mac) return Error::usage("tap " + spec.name, "several devices cannot share one MAC");
  auto scope = NetnsScope::enter(ns);  // /dev/net/tun makes the device in the opener's namespace
  if (!scope) return std::move(scope).error();
  auto sock = nl::Socket::open(Netns{});
  if (!sock) return std::move(sock).error();
  auto master = master_index_of(*sock, spec.master);
  if (!master) return std::move(master).error();
  lab::Rollback rb;
  std::vector<std::string> names;
  names.reserve(count);
  const std::string pattern = pattern_of(spec);
  // For many devices we number them ourselves from one link dump: the
  // kernel's own "%d" scans every device for each new one, which makes a
  // thousand taps quadratic. IFF_TUN_EXCL still refuses a name someone took
  // meanwhile, and then we move on to the next number.
  std::optional<nl::LinkNames> taken;
  if (count > 1) {
    auto loaded = nl::LinkNames::load(*sock);
    if (!loaded) return std::move(loaded).error();
    taken = std::move(*loaded);
  }
  auto at = pattern.find("%d");
  unsigned next = 0;
  // Every device first, then their settings: the kernel enslaves a port
  // faster while no device is being created beside it.
  while (names.size() < count) {
    std::string name = pattern;
    if (taken) {
      name = pattern.substr(0, at) + std::to_string(next++) + pattern.substr(at + 2);
      if (name.size() > 15) return Error::usage("tap " + pattern, "the numbers ran past 15 bytes of name");
      if (taken->index(name)) continue;
    }
    auto made = create_one(*sock, spec, name, rb);
    if (!made && taken && (made.error().sys_errno == EBUSY || made.error().sys_errno == EEXIST)) continue;  // lost a race
    if (!made) return std::move(made).error();
    names.push_back(std::move(*made));
  }
  for (const auto& name : names) NETLAB_TRY(configure_one(*sock, name, spec, *master));
  rb.commit();
  return names;
}

Result<std::string> create(const Netns& ns, const Spec& spec) {
  auto names = create_many(ns, spec, 1);
  if (!names) return std::move(names).error();
  return std::move(names->front());
}

Result<void> remove(const Netns& ns, const IfName& name) {
  auto sock = nl::Socket::open(ns);
  if (!sock) return std::move(sock).error();
  auto l = link::detail::fetch(*sock, name.str());
  if (!l) return std::move(l).error();
  if (l->kind != "tun") return not_a_tap(*l);
  return link::detail::remove(*sock, name.str());
}

Result<std::vector<Tap>> list(const Netns& ns, std::string_view name) {
  link::Filter f;
  f.kind = "tun";
  f.name = std::string(name);
  auto links = link::list(ns, f);
  if (!links) {
    Error e = std::move(links).error();
    return e;
  }
  if (!name.empty() && links->empty()) {
    auto any = link::get(ns, name);
    if (!any) return std::move(any).error();
    return not_a_tap(*any);
  }
  // Addresses of the taps only, named from the links we already have.
  auto sock = nl::Socket::open(ns);
  if (!sock) return std::move(sock).error();
  auto names = nl::LinkNames::from_links(*links);
  std::vector<Address> addrs;
  NETLAB_TRY(addr::detail::dump(*sock, names, {}, [&](const Address& a) {
    if (!a.dev.empty()) addrs.push_back(a);
  }));
  auto holders = scan_holders(netns_inode(ns));
  std::vector<Tap> out;
  for (auto& l : *links) {
    Tap t;
    for (const auto& a : addrs)
      if (a.index == l.index) t.addresses.push_back(a);
    for (const auto& [dev, h] : holders)
      if (dev == l.name) t.holders.push_back(h);
    t.link = std::move(l);
    out.push_back(std::move(t));
  }
  return out;
}

namespace {
Result<std::uint32_t> lookup_id(std::string_view text, bool user) {
  std::string what = user ? "user" : "group";
  if (text.empty()) return Error::usage(what + " \"\"", "is empty");
  if (is_number(text)) {
    auto n = parse_uint(text, what, 0xfffffffeu);
    if (!n) return std::move(n).error();
    return static_cast<std::uint32_t>(*n);
  }
  std::string name(text);
  std::vector<char> buf(16384);
  if (user) {
    passwd pw{}, *found = nullptr;
    if (::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) == 0 && found) return found->pw_uid;
  } else {
    group gr{}, *found = nullptr;
    if (::getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found) == 0 && found) return found->gr_gid;
  }
  return Error::usage(what + " \"" + name + "\"", "no such " + what);
}
}  // namespace

Result<std::uint32_t> parse_user(std::string_view text) { return lookup_id(text, true); }
Result<std::uint32_t> parse_group(std::string_view text) { return lookup_id(text, false); }

}  // namespace netlab::tap
