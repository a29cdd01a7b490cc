// `netlab socket show`: ss's columns, each field once through the Printer.
#include <netlab/render.hpp>

#include <fmt/format.h>

namespace netlab {
namespace {

std::string endpoint(const IpAddr& a, std::uint16_t port) {
  if (a.is_unspecified()) return "*:*";
  return a.is_v6() ? fmt::format("[{}]:{}", a.to_string(), port) : fmt::format("{}:{}", a.to_string(), port);
}

}  // namespace

void render_socket_heading(Printer& p) {
  p.print_text(fmt::format("{:<6} {:<7} {:<28} {:<10} {:<24} {}\n", "Netid", "State", "Local Address:Port",
                           "Device", "Peer Address:Port", "Process"));
}

void render_socket(Printer& p, const InetSocket& s) {
  p.open_object();
  p.print_string("netid", "{:<6} ", s.proto == InetSocket::Proto::Udp ? "udp" : "tcp");
  p.print_string("state", "{:<7} ", s.state);
  p.print_string("local", "", s.local.to_string());
  p.print_uint("port", "", s.port);
  p.print_text(fmt::format("{:<28} ", endpoint(s.local, s.port)));
  p.print_string_or_null("dev", "{:<10} ", s.dev, s.dev_index ? "#" + std::to_string(s.dev_index) : "*");
  if (p.json()) p.print_uint("ifindex", "", static_cast<std::uint64_t>(s.dev_index));
  if (!s.peer.is_unspecified()) {
    p.print_string("peer", "", s.peer.to_string());
    p.print_uint("peer_port", "", s.peer_port);
  }
  p.print_text(fmt::format("{:<24} ", endpoint(s.peer, s.peer_port)));
  p.print_uint("uid", "", s.uid);
  p.print_uint("inode", "", s.inode);
  p.open_array("users");
  std::string users;
  for (const SocketOwner& o : s.owners) {
    p.open_object();
    p.print_string("comm", "", o.comm);
    p.print_int("pid", "", o.pid);
    p.print_int("fd", "", o.fd);
    p.close_object();
    if (!users.empty()) users += ',';
    users += fmt::format("(\"{}\",pid={},fd={})", o.comm, o.pid, o.fd);
  }
  p.close_array();
  p.print_text(users.empty() ? "\n" : "users:(" + users + ")\n");
  p.close_object();
}

}  // namespace netlab
