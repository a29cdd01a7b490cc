// netlab arp diagnose / netlab ndp diagnose IFACE [TARGET] [--duration S]
// [--passive] [--save-evidence FILE]: thin commands over the one diagnosis
// engine in libnetlab (collect, observe, analyse), for IPv4 (ARP) and IPv6
// (neighbour discovery).
#include "cli.hpp"

#include <netlab/diag.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <sys/stat.h>
#include <unistd.h>

namespace netlab::cli {
namespace {

struct DiagnoseArgs {
  std::vector<std::string> words;
  double duration = 2.0;
  bool passive = false;
  bool sweep = false;
  bool whole_duration = false;
  bool no_kernel = false;
  std::string save_evidence;  // --save-evidence FILE; "" when not given
  bool save_evidence_given = false;
};

// A file error: one line naming the file, no privilege hint (EACCES here is
// the file's mode, not a missing capability).
[[noreturn]] void file_error(const std::string& path, int err) {
  Error e;
  e.kind = Errc::System;
  e.sys_errno = err;
  e.object = "evidence file " + path;
  e.reason = std::strerror(err);
  fail(e);
}

// Before the diagnosis spends its seconds: the file must be one we can
// create or replace (its folder exists and is writable, it is not a folder).
void check_evidence_path(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) file_error(path, EISDIR);
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (::access(dir.c_str(), W_OK | X_OK) != 0) file_error(path, errno);
}

// Writes the whole document to FILE.tmp, then renames it over FILE: a
// failed write never leaves half a document under the name asked for.
void write_evidence_file(const std::string& path, const diag::Recording& rec) {
  std::string text;
  JsonWriter json(text);  // one line: most of it is frames in hex, which indenting would not make readable
  diag::write_recording(rec, json);
  text += '\n';
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) file_error(path, errno);
  const bool wrote = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  int err = wrote ? 0 : errno;
  if (std::fclose(f) != 0 && !err) err = errno;
  if (!wrote && !err) err = EIO;
  if (!err && std::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err) {
    std::remove(tmp.c_str());
    file_error(path, err);
  }
}

void run_diagnose(const DiagnoseArgs& a, const Global& g, Family family) {
  const bool v6 = family == Family::Inet6;
  const std::string command = v6 ? "ndp diagnose" : "arp diagnose";
  Words w(a.words, command);
  if (w.done()) usage_error(command, "needs an interface: netlab " + command + " IFACE [TARGET]");
  diag::Options o;
  o.family = family;
  o.interface = parse_ifname(w.next()).str();
  if (!w.done()) {
    const auto& word = w.next();
    auto ip = IpAddr::parse(word);
    if (!ip) fail(ip.error());
    if (ip->family() != family)
      usage_error("target " + word, v6 ? "not an IPv6 address (use netlab arp diagnose for IPv4)"
                                       : "not an IPv4 address (use netlab ndp diagnose for IPv6)");
    if (ip->is_multicast()) usage_error("target " + word, "is a multicast address: only unicast addresses are resolved");
    o.target = *ip;
  }
  if (!w.done()) w.unknown(w.next());
  if (!(a.duration >= 0.2 && a.duration <= 600))
    usage_error("--duration " + std::to_string(a.duration), "must be between 0.2 and 600 seconds");
  o.duration_s = a.duration;
  o.passive = a.passive;
  o.sweep = a.sweep;
  o.whole_duration = a.whole_duration;
  o.kernel = !a.no_kernel;
  if (a.sweep && a.passive) usage_error("--sweep", "sends requests: it cannot go with --passive");
  if (a.save_evidence_given && a.save_evidence.empty()) usage_error("--save-evidence", "needs a file name");
  o.netns_arg = g.netns_arg;
  if (!a.save_evidence_given) {
    print_diagnosis(g, value_or_fail(diag::diagnose_arp(g.netns, o)));
    return;
  }
  check_evidence_path(a.save_evidence);
  diag::Recording rec;
  auto report = value_or_fail(diag::diagnose_arp(g.netns, o, &rec));
  write_evidence_file(a.save_evidence, rec);
  print_diagnosis(g, report);
}

void add_diagnose(CLI::App& object, Global& g, Family family, std::string help) {
  auto args = std::make_shared<DiagnoseArgs>();
  auto* cmd = add_words_command(object, g, "diagnose", std::move(help), args->words, "IFACE [TARGET]",
                                [args, &g, family] { run_diagnose(*args, g, family); });
  cmd->add_option("--duration", args->duration, "Longest watch of the wire in seconds (default 2)");
  cmd->add_flag("--whole-duration", args->whole_duration,
                "Watch the whole duration even once the same fault has held for 0.4 s");
  cmd->add_flag("--no-kernel", args->no_kernel, "Do not read the kernel's drop reasons (no tracing instance)");
  cmd->add_flag("--passive", args->passive, "Only watch: send no probe of our own");
  if (family == Family::Inet)
    cmd->add_flag("--sweep", args->sweep,
                  "When nobody answers, ask the target's whole subnet even on a link that is not a lab link");
  cmd->add_option_function<std::string>(
      "--save-evidence",
      [args](const std::string& path) {
        args->save_evidence = path;
        args->save_evidence_given = true;
      },
      "Write what was analysed (kernel state, frames, verdict) to FILE as JSON, for a bug report")
      ->type_name("FILE");
}

}  // namespace

// The one place text (prose) and JSON rightly differ: a diagnosis report.
void print_diagnosis(const Global& g, const diag::Report& report) {
  {
    Output out(g);
    Printer& p = out.printer();
    if (g.json) {
      diag::render_json(report, *p.json_writer());
      p.json_newline();
    } else {
      diag::render_text(report, *p.text_out());
    }
  }
  std::fflush(stdout);
  if (const int status = diag::exit_status(report); status != 0) throw CLI::RuntimeError(status);
}

void add_arp_diagnose_command(CLI::App& arp, Global& g) {
  add_diagnose(arp, g, Family::Inet, "Explain why ARP resolution fails, with evidence and the fix");
}

void add_ndp_diagnose_command(CLI::App& ndp, Global& g) {
  add_diagnose(ndp, g, Family::Inet6,
               "Explain why IPv6 neighbour discovery or SLAAC fails, with evidence and the fix");
}

}  // namespace netlab::cli
