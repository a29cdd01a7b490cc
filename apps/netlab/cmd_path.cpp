// netlab path diagnose FROM TO: why a guest cannot reach beyond the host
// (issue 16). The library does the work (path_diagnose.hpp); this file
// reads the options, checks them before anything is opened, and maps the
// outcome to the exit status.
#include "cli.hpp"

#include <netlab/path_diagnose.hpp>

#include <memory>

namespace netlab::cli {
namespace {

struct PathArgs {
  std::string from, to, protocol, size, duration;
  bool passive = false;
};

void run_path_diagnose(Global& g, const PathArgs& a) {
  resolve_globals(g);
  diag::PathDiagnoseOptions o;
  check(diag::parse_from(a.from, o));
  o.to = parse_ip(a.to);
  if (!a.protocol.empty()) check(diag::parse_protocol(a.protocol, o));
  if (!a.size.empty()) o.size = parse_u32(a.size, "--size", diag::kPathMinSize, diag::kPathMaxSize);
  if (!a.duration.empty()) {
    o.duration = parse_millis(a.duration, "--duration");
    if (o.duration < diag::kPathMinWatch || o.duration > diag::kPathMaxWatch)
      usage_error("--duration \"" + a.duration + "\"", "must be from 1 to 60 seconds");
  }
  o.passive = a.passive;
  o.netns_arg = g.netns_arg;
  check(diag::validate(o));  // every option checked before anything is opened
  print_diagnosis(g, value_or_fail(diag::diagnose_path(g.netns, o)));
}

}  // namespace

void add_path_command(CLI::App& root, Global& g) {
  auto* path = root.add_subcommand("path", "Find why a guest cannot reach beyond the host");
  path->fallthrough();
  auto a = std::make_shared<PathArgs>();
  auto* diagnose = path->add_subcommand("diagnose", "Follow a guest's packet through the host: route, firewall, NAT");
  diagnose->add_option("from", a->from, "The guest's address, or IFACE:ADDRESS")->required()->type_name("FROM");
  diagnose->add_option("to", a->to, "The destination beyond the host")->required()->type_name("TO");
  diagnose->add_option("-p", a->protocol, "What to send: icmp (default), udp/PORT or tcp/PORT")->type_name("PROTO");
  diagnose->add_option("--size", a->size, "The probe's IP datagram size, 28 to 9000 (default 84)")->type_name("N");
  diagnose->add_option("--duration", a->duration, "Watch at most SECONDS, 1 to 60 (default 3)")->type_name("SECONDS");
  diagnose->add_flag("--passive", a->passive, "Send nothing: read the kernel's tables and watch the guest's own packets");
  diagnose->footer("Exit status: 0 ok, 1 failure, 2 usage error, 3 a cause found, 4 the path fails and no known "
                   "cause explains it.");
  diagnose->fallthrough();
  diagnose->callback([&g, a] { run_path_diagnose(g, *a); });
  path->callback([path] {
    if (path->get_subcommands().empty()) usage_error("path", "a command is required: diagnose");
  });
}

}  // namespace netlab::cli
