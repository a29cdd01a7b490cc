// netlab socket: the UDP sockets and TCP listeners of a namespace with the
// processes holding them (`ss -ulpn` / `ss -tlpn`).
#include "cli.hpp"

#include <netlab/sockets.hpp>

#include <memory>

namespace netlab::cli {
namespace {

void run_show(const Global& g, const std::vector<std::string>& args) {
  Words w(args, "socket show");
  sockets::Filter f;
  bool proto_seen = false, port_seen = false;
  while (!w.done()) {
    const std::string& word = w.next();
    if (word == "udp" || word == "tcp") {
      w.once("udp|tcp", proto_seen);
      f.proto = word == "udp" ? InetSocket::Proto::Udp : InetSocket::Proto::Tcp;
    } else if (word == "port") {
      w.once("port", port_seen);
      f.port = static_cast<std::uint16_t>(parse_u32(w.value("port"), "port", 1, 65535));
    } else {
      w.unknown(word);
    }
  }
  auto socks = value_or_fail(sockets::list(g.netns, f));
  Output out(g);
  out.begin_list();
  render_socket_heading(out.printer());
  for (const InetSocket& s : socks) {
    render_socket(out.printer(), s);
    out.maybe_flush();
  }
  out.end_list();
}

}  // namespace

void add_socket_command(CLI::App& root, Global& g) {
  auto args = std::make_shared<std::vector<std::string>>();
  auto* obj = root.add_subcommand("socket", "Show UDP sockets and TCP listeners with their processes");
  add_words_command(*obj, g, "show", "List sockets (the default)", *args, "[udp|tcp] [port N]",
                    [&g, args] { run_show(g, *args); });
  default_to_show(obj, g, [&g] { run_show(g, {}); });
}

}  // namespace netlab::cli
