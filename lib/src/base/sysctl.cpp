#include <netlab/sysctl.hpp>

#include <cerrno>
#include <charconv>
#include <fcntl.h>
#include <unistd.h>

namespace netlab::sysctl {
namespace {

std::string display_key(std::string_view key) {
  std::string s = "net." + std::string(key);
  for (char& c : s) if (c == '/') c = '.';
  return "sysctl " + s;
}

}  // namespace

Result<std::string> read(const Netns& ns, std::string_view key) {
  std::string rel(key);
  if (rel.find('/') == std::string::npos)
    for (char& c : rel) if (c == '.') c = '/';
  if (rel.empty() || rel.find("..") != std::string::npos || rel.front() == '/')
    return Error::usage(display_key(key), "is not a valid key");
  std::string path = "/proc/sys/net/" + rel;

  int fd = -1;
  {
    // /proc/sys/net shows the namespace of whoever opens the file.
    auto scope = NetnsScope::enter(ns);
    if (!scope) return std::move(scope).error();
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  }
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return Error::not_found(display_key(rel), "no such setting in this namespace");
    return Error::from_errno(err, display_key(rel));
  }
  std::string out;
  char buf[512];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return Error::from_errno(err, display_key(rel));
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

Result<long> read_int(const Netns& ns, std::string_view key) {
  auto text = read(ns, key);
  if (!text) return std::move(text).error();
  long v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || end != text->data() + text->size())
    return Error::from_errno(EINVAL, display_key(key), "is not a single number: \"" + *text + "\"");
  return v;
}

Result<long> read_conf(const Netns& ns, Family family, std::string_view dev, std::string_view key) {
  std::string path = family == Family::Inet6 ? "ipv6/conf/" : "ipv4/conf/";
  path += dev;
  path += '/';
  path += key;
  return read_int(ns, path);
}

}  // namespace netlab::sysctl
