#include "lab_support.hpp"

#include <netlab/netns.hpp>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace nltest::lab {

namespace {

std::string join(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) {
    if (!s.empty()) s += ' ';
    s += w;
  }
  return s;
}

// In a forked child: enter the peer's namespace or die (never run in the
// wrong namespace by accident).
void child_enter(const PeerNetns* peer) {
  if (peer && ::setns(peer->fd(), CLONE_NEWNET) != 0) {
    static const char msg[] = "lab_support: setns failed\n";
    (void)!::write(2, msg, sizeof msg - 1);
    ::_exit(126);
  }
}

[[noreturn]] void child_exec(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  ::_exit(127);
}

int decode_status(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

std::string read_all(int fd) {
  std::string s;
  if (fd < 0) return s;
  char buf[16384];
  off_t at = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, at);
    if (n <= 0) break;
    s.append(buf, static_cast<std::size_t>(n));
    at += n;
  }
  return s;
}

bool wait_for(const std::function<bool()>& done, Millis timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(Millis(50));
  }
  return done();
}

// ---------------------------------------------------------------------------

PeerNetns::PeerNetns() {
  auto initial = netlab::in_initial_netns();
  REQUIRE(initial.has_value());
  REQUIRE_FALSE(*initial);  // peers are made from the test's private namespace only
  int here = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  REQUIRE(here >= 0);
  int rc = ::unshare(CLONE_NEWNET);
  if (rc == 0) {
    fd_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    // Back home before anything can throw: the test goes on in its own namespace.
    rc = ::setns(here, CLONE_NEWNET);
  }
  ::close(here);
  REQUIRE(rc == 0);
  REQUIRE(fd_ >= 0);
  ip_ok({"link", "set", "lo", "up"});
}

PeerNetns::~PeerNetns() {
  if (fd_ >= 0) ::close(fd_);
}

std::string PeerNetns::path() const {
  return "/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(fd_);
}

RunResult PeerNetns::run(const std::vector<std::string>& argv) const { return run_in(this, argv); }

RunResult PeerNetns::ip(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{"ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

std::string PeerNetns::ip_ok(const std::vector<std::string>& args) const {
  auto r = ip(args);
  INFO("[peer] ip " << join(args) << ": " << r.err);
  REQUIRE(r.status == 0);
  return r.out;
}

void PeerNetns::write_proc(const std::string& path, const std::string& value) const {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    child_enter(this);
    int fd = ::open(path.c_str(), O_WRONLY);
    std::string line = value + "\n";
    bool ok = fd >= 0 && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::_exit(ok && ::close(fd) == 0 ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  INFO("[peer] write " << value << " to " << path);
  REQUIRE(decode_status(status) == 0);
}

std::string PeerNetns::read_proc(const std::string& path) const {
  auto r = run({"cat", path});
  INFO("[peer] cat " << path << ": " << r.err);
  REQUIRE(r.status == 0);
  std::string v = r.out;
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
  return v;
}

void veth_to(const PeerNetns& peer, const std::string& host_if, const std::string& master,
             const std::string& peer_if) {
  ip_ok({"link", "add", host_if, "type", "veth", "peer", "name", peer_if, "netns", peer.path()});
  if (!master.empty()) ip_ok({"link", "set", host_if, "master", master});
  ip_ok({"link", "set", host_if, "up"});
  peer.ip_ok({"link", "set", peer_if, "up"});
}

RunResult run_in(const PeerNetns* peer, const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  REQUIRE(::pipe2(out_pipe, O_CLOEXEC) == 0);
  REQUIRE(::pipe2(err_pipe, O_CLOEXEC) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    child_enter(peer);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    child_exec(argv);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  RunResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (auto& p : fds) {
      if (p.fd < 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(p.fd, buf, sizeof buf);
      if (n > 0) {
        (&p == &fds[0] ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
      } else {
        ::close(p.fd);
        p.fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.status = decode_status(status);
  return r;
}

// ---------------------------------------------------------------------------

Background::Background(std::vector<std::string> argv, const PeerNetns* peer) : argv_(std::move(argv)) {
  out_fd_ = ::memfd_create("lab-bg-out", MFD_CLOEXEC);
  err_fd_ = ::memfd_create("lab-bg-err", MFD_CLOEXEC);
  REQUIRE(out_fd_ >= 0);
  REQUIRE(err_fd_ >= 0);
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    child_enter(peer);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::dup2(out_fd_, 1);
    ::dup2(err_fd_, 2);
    child_exec(argv_);
  }
}

Background::Background(Background&& other) noexcept
    : argv_(std::move(other.argv_)), pid_(other.pid_), out_fd_(other.out_fd_), err_fd_(other.err_fd_),
      status_(other.status_) {
  other.pid_ = -1;
  other.out_fd_ = other.err_fd_ = -1;
}

Background::~Background() {
  stop();
  if (out_fd_ >= 0) ::close(out_fd_);
  if (err_fd_ >= 0) ::close(err_fd_);
}

bool Background::running() {
  if (pid_ <= 0 || status_ >= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = decode_status(status);
    return false;
  }
  return r == 0;
}

std::string Background::out() const { return read_all(out_fd_); }
std::string Background::err() const { return read_all(err_fd_); }

bool Background::wait_in(bool on_stderr, std::string_view needle, Millis timeout) {
  auto seen = [&] { return contains(on_stderr ? err() : out(), needle); };
  bool found = wait_for([&] { return seen() || !running(); }, timeout);
  return found && seen();
}

bool Background::wait_stderr(std::string_view needle, Millis timeout) { return wait_in(true, needle, timeout); }
bool Background::wait_stdout(std::string_view needle, Millis timeout) { return wait_in(false, needle, timeout); }

int Background::stop() {
  if (pid_ <= 0) return status_;
  if (running()) {
    ::kill(pid_, SIGTERM);
    if (!wait_for([&] { return !running(); }, Millis(5000))) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      status_ = decode_status(status);
    }
  }
  return status_;
}

std::string Background::describe() const {
  return "$ " + join(argv_) + "\n--- stdout:\n" + out() + "--- stderr:\n" + err();
}

Background start_guest(const std::vector<std::string>& args, const PeerNetns* peer) {
  REQUIRE(!args.empty());
  std::vector<std::string> argv{NETLAB_CLI_PATH, "guest"};
  argv.insert(argv.end(), args.begin(), args.end());
  Background guest(argv, peer);
  bool ready = guest.wait_stderr("netlab guest: " + args[0] + " attached as", Millis(10000));
  INFO(guest.describe());
  REQUIRE(ready);
  return guest;
}

Background start_capture(const std::string& iface, const std::vector<std::string>& filter,
                         const PeerNetns* peer) {
  std::vector<std::string> argv{"tcpdump", "-p", "-n", "-e", "-l", "-i", iface};
  argv.insert(argv.end(), filter.begin(), filter.end());
  Background cap(argv, peer);
  bool ready = cap.wait_stderr("listening on", Millis(5000));
  INFO(cap.describe());
  REQUIRE(ready);
  return cap;
}

// ---------------------------------------------------------------------------

bool ping(const std::string& addr, const std::vector<std::string>& extra, const PeerNetns* peer) {
  std::vector<std::string> argv{"ping", "-n", "-c", "1", "-W", "1"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(addr);
  return run_in(peer, argv).status == 0;
}

namespace {
testjson::Value neigh_json(const std::string& addr, const std::string& dev, const PeerNetns* peer) {
  auto r = run_in(peer, {"ip", "-j", "neigh", "show", "to", addr, "dev", dev, "nud", "all"});
  INFO("ip -j neigh show to " << addr << " dev " << dev << ": " << r.err);
  REQUIRE(r.status == 0);
  return testjson::parse(r.out);
}
}  // namespace

std::string neigh_state(const std::string& addr, const std::string& dev, const PeerNetns* peer) {
  auto doc = neigh_json(addr, dev, peer);
  for (const auto& entry : doc.array()) {
    if (entry.has("state") && entry["state"].is_array() && !entry["state"].array().empty())
      return entry["state"].array().front().str();
  }
  return "";
}

std::string neigh_lladdr(const std::string& addr, const std::string& dev, const PeerNetns* peer) {
  auto doc = neigh_json(addr, dev, peer);
  for (const auto& entry : doc.array())
    if (entry.has("lladdr") && entry["lladdr"].is_string()) return entry["lladdr"].str();
  return "";
}

bool neigh_unresolved(const std::string& addr, const std::string& dev) {
  auto s = neigh_state(addr, dev);
  return s == "INCOMPLETE" || s == "FAILED";
}

testjson::Value link_json(const std::string& dev, const PeerNetns* peer) {
  auto r = run_in(peer, {"ip", "-j", "-d", "link", "show", "dev", dev});
  INFO("ip -j -d link show dev " << dev << ": " << r.err);
  REQUIRE(r.status == 0);
  return testjson::parse(r.out).array().at(0);
}

std::string mac_of(const std::string& dev, const PeerNetns* peer) {
  return link_json(dev, peer)["address"].str();
}

bool has_carrier(const std::string& dev, const PeerNetns* peer) {
  auto link = link_json(dev, peer);
  if (!link.has("flags") || !link["flags"].is_array()) return false;
  for (const auto& f : link["flags"].array())
    if (f.is_string() && f.str() == "LOWER_UP") return true;
  return false;
}

std::string port_state(const std::string& dev) {
  auto r = run_in(nullptr, {"bridge", "-j", "link", "show", "dev", dev});
  INFO("bridge -j link show dev " << dev << ": " << r.err);
  REQUIRE(r.status == 0);
  auto doc = testjson::parse(r.out);
  if (doc.array().empty() || !doc.array().front().has("state")) return "";
  return doc.array().front()["state"].str();
}

std::string sh_ok(const std::string& script) {
  auto r = run_in(nullptr, {"sh", "-c", script});
  INFO("sh -c '" << script << "'\nstdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.status == 0);
  return r.out;
}

// ---------------------------------------------------------------------------

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string field(const testjson::Value& item, const std::string& key) {
  if (!item.has(key)) return "";
  const auto& v = item[key];
  if (v.is_array() || v.is_object() || v.is_null()) return "";
  return v.text();
}

std::string Diagnosis::verdict() const {
  if (!json || !json->has("verdict") || !(*json)["verdict"].is_string()) return "";
  return (*json)["verdict"].str();
}

const testjson::Array& Diagnosis::findings() const {
  INFO(describe());
  REQUIRE(json.has_value());
  REQUIRE(json->has("findings"));
  REQUIRE((*json)["findings"].is_array());
  return (*json)["findings"].array();
}

std::vector<std::string> Diagnosis::fault_causes() const {
  std::vector<std::string> causes;
  for (const auto& f : findings())
    if (field(f, "severity") == "fault") causes.push_back(field(f, "cause"));
  return causes;
}

const testjson::Value* Diagnosis::finding(std::string_view cause) const {
  for (const auto& f : findings())
    if (field(f, "cause") == cause) return &f;
  return nullptr;
}

std::string Diagnosis::describe() const {
  std::string s = "$ " + command + "\nexit status " + std::to_string(result.status) + "\n--- stdout:\n" +
                  result.out + "--- stderr:\n" + result.err;
  if (!parse_error.empty()) s += "--- JSON: " + parse_error + "\n";
  return s;
}

namespace {

// NETLAB_RECORD_EVIDENCE=DIR: every diagnosis a test runs also saves its
// evidence as DIR/<test name>-<n>.json (n counts the test's diagnoses from
// 1), the recordings tests/data/diag/ is picked from.
void add_recording(std::vector<std::string>& argv) {
  const char* dir = std::getenv("NETLAB_RECORD_EVIDENCE");
  if (!dir || !*dir) return;
  const std::string test = Catch::getResultCapture().getCurrentTestName();
  std::string slug;
  for (char c : test) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (keep) slug += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!slug.empty() && slug.back() != '-') slug += '-';
    if (slug.size() >= 100) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  static std::map<std::string, int> counts;
  const int n = ++counts[test];
  argv.insert(argv.end(), {"--save-evidence", std::string(dir) + "/" + slug + "-" + std::to_string(n) + ".json"});
}

}  // namespace

Diagnosis diagnose(const std::string& iface, const std::string& target, const std::vector<std::string>& extra) {
  std::vector<std::string> argv{NETLAB_CLI_PATH, "-j", "arp", "diagnose", iface};
  if (!target.empty()) argv.push_back(target);
  argv.insert(argv.end(), {"--duration", kDiagnoseSeconds});
  argv.insert(argv.end(), extra.begin(), extra.end());
  add_recording(argv);
  Diagnosis d;
  d.command = join(argv);
  d.result = run_in(nullptr, argv);
  try {
    d.json = testjson::parse(d.result.out);
    if (!d.json->is_object()) {
      d.parse_error = "not a JSON object";
      d.json.reset();
    }
  } catch (const std::exception& e) {
    d.parse_error = e.what();
  }
  return d;
}

void require_fault_first(const Diagnosis& d, std::string_view cause, std::string_view id) {
  INFO(d.describe());
  REQUIRE(d.json.has_value());
  REQUIRE(d.status() == 3);
  REQUIRE(d.verdict() == "fault");
  const auto& findings = d.findings();
  REQUIRE_FALSE(findings.empty());
  const auto& first = findings.front();
  CHECK(field(first, "id") == id);
  REQUIRE(field(first, "cause") == cause);
  REQUIRE(field(first, "severity") == "fault");
}

const testjson::Value& require_fault_among(const Diagnosis& d, std::string_view cause, std::string_view id) {
  INFO(d.describe());
  REQUIRE(d.json.has_value());
  REQUIRE(d.status() == 3);
  REQUIRE(d.verdict() == "fault");
  const testjson::Value* found = nullptr;
  for (const auto& f : d.findings())
    if (field(f, "cause") == cause && field(f, "severity") == "fault") found = found ? found : &f;
  REQUIRE(found != nullptr);
  CHECK(field(*found, "id") == id);
  return *found;
}

void require_ok(const Diagnosis& d) {
  INFO(d.describe());
  REQUIRE(d.json.has_value());
  REQUIRE(d.verdict() == "ok");
  REQUIRE(d.status() == 0);
  REQUIRE(d.fault_causes().empty());
}

bool has_evidence(const testjson::Value& finding, std::string_view type,
                  const std::function<bool(const testjson::Value&)>& pred) {
  if (!finding.has("evidence") || !finding["evidence"].is_array()) return false;
  for (const auto& item : finding["evidence"].array())
    if (item.is_object() && (type.empty() || field(item, "type") == type) && pred(item)) return true;
  return false;
}

bool has_evidence_text(const testjson::Value& finding, std::string_view type,
                       const std::vector<std::string>& needles) {
  return has_evidence(finding, type, [&](const testjson::Value& item) {
    std::string text = field(item, "text");
    for (const auto& n : needles)
      if (!contains(text, n)) return false;
    return true;
  });
}

bool has_packet(const testjson::Value& finding, const std::string& iface, const std::vector<std::string>& needles) {
  return has_evidence(finding, "packet", [&](const testjson::Value& item) {
    if (!iface.empty() && field(item, "interface") != iface) return false;
    std::string text = field(item, "text");
    for (const auto& n : needles)
      if (!contains(text, n)) return false;
    return true;
  });
}

bool has_neighbour(const testjson::Value& finding, const std::string& addr, const std::vector<std::string>& states) {
  return has_evidence(finding, "neighbour", [&](const testjson::Value& item) {
    if (field(item, "address") != addr) return false;
    std::string state = field(item, "state");
    for (const auto& s : states)
      if (contains(state, s)) return true;
    return false;
  });
}

bool has_sysctl(const testjson::Value& finding, const std::string& key_part, const std::string& value) {
  return has_evidence(finding, "sysctl", [&](const testjson::Value& item) {
    return contains(field(item, "key"), key_part) && (value.empty() || field(item, "value") == value);
  });
}

bool has_about(const testjson::Value& finding, std::string_view type, const std::string& iface) {
  return has_evidence(finding, type, [&](const testjson::Value& item) {
    return field(item, "interface") == iface || contains(field(item, "text"), iface);
  });
}

std::string evidence_dump(const testjson::Value& finding) {
  std::string s = "evidence of " + field(finding, "cause") + ":\n";
  if (!finding.has("evidence") || !finding["evidence"].is_array()) return s + "  (none)\n";
  for (const auto& item : finding["evidence"].array()) {
    s += "  [" + field(item, "type") + "]";
    for (const char* key : {"interface", "address", "state", "key", "value"})
      if (!field(item, key).empty()) s += std::string(" ") + key + "=" + field(item, key);
    s += " " + field(item, "text") + "\n";
  }
  return s;
}

// ---------------------------------------------------------------------------

std::vector<FixStep> fix_steps(const testjson::Value& finding) {
  std::vector<FixStep> steps;
  if (!finding.has("fix") || !finding["fix"].is_array()) return steps;
  for (const auto& s : finding["fix"].array()) {
    FixStep step;
    step.where = field(s, "where");
    step.description = field(s, "description");
    if (s.has("netlab") && s["netlab"].is_string()) step.netlab = s["netlab"].str();
    if (s.has("iproute2") && s["iproute2"].is_string()) step.iproute2 = s["iproute2"].str();
    steps.push_back(step);
  }
  return steps;
}

bool has_host_step(const testjson::Value& finding) {
  for (const auto& step : fix_steps(finding))
    if (step.where == "host") return true;
  return false;
}

std::vector<FixStep> apply_host_steps(const std::vector<FixStep>& steps) {
  std::vector<FixStep> guest_steps;
  for (const auto& step : steps) {
    INFO("fix step [" << step.where << "] " << step.description << "\n  netlab: " << step.netlab
                      << "\n  iproute2: " << step.iproute2);
    if (step.where == "guest") {
      guest_steps.push_back(step);
      continue;
    }
    REQUIRE(step.where == "host");
    RunResult r;
    if (!step.netlab.empty()) {
      std::vector<std::string> argv;
      std::size_t at = 0;
      while (at < step.netlab.size()) {
        std::size_t end = step.netlab.find(' ', at);
        if (end == std::string::npos) end = step.netlab.size();
        if (end > at) argv.push_back(step.netlab.substr(at, end - at));
        at = end + 1;
      }
      REQUIRE_FALSE(argv.empty());
      REQUIRE(argv.front() == "netlab");
      argv.front() = NETLAB_CLI_PATH;
      r = run_in(nullptr, argv);
    } else {
      // A host step must say how to do it, in netlab's words or iproute2's.
      REQUIRE_FALSE(step.iproute2.empty());
      r = run_in(nullptr, {"sh", "-c", step.iproute2});
    }
    INFO("exit " << r.status << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.status == 0);
  }
  return guest_steps;
}

std::vector<FixStep> apply_fix(const testjson::Value& finding) {
  auto steps = fix_steps(finding);
  INFO("fix of " << field(finding, "cause"));
  REQUIRE_FALSE(steps.empty());
  return apply_host_steps(steps);
}

// ---- IPv6 labs --------------------------------------------------------------

Diagnosis diagnose6(const std::string& iface, const std::string& target, const std::vector<std::string>& extra) {
  std::vector<std::string> argv{NETLAB_CLI_PATH, "-j", "ndp", "diagnose", iface};
  if (!target.empty()) argv.push_back(target);
  argv.insert(argv.end(), {"--duration", kDiagnoseSeconds});
  argv.insert(argv.end(), extra.begin(), extra.end());
  add_recording(argv);
  Diagnosis d;
  d.command = join(argv);
  d.result = run_in(nullptr, argv);
  try {
    d.json = testjson::parse(d.result.out);
    if (!d.json->is_object()) {
      d.parse_error = "not a JSON object";
      d.json.reset();
    }
  } catch (const std::exception& e) {
    d.parse_error = e.what();
  }
  return d;
}

bool ping6(const std::string& addr, const std::vector<std::string>& extra, const PeerNetns* peer) {
  std::vector<std::string> args{"-6"};
  args.insert(args.end(), extra.begin(), extra.end());
  return ping(addr, args, peer);
}

testjson::Array ipv6_addr_info(const std::string& dev, const PeerNetns* peer) {
  auto r = run_in(peer, {"ip", "-j", "-6", "addr", "show", "dev", dev});
  INFO("ip -j -6 addr show dev " << dev << ": " << r.err);
  REQUIRE(r.status == 0);
  auto doc = testjson::parse(r.out);
  testjson::Array out;
  for (const auto& link : doc.array())
    if (link.has("addr_info") && link["addr_info"].is_array())
      for (const auto& a : link["addr_info"].array()) out.push_back(a);
  return out;
}

bool addr_flag(const testjson::Value& info, const std::string& flag) {
  return info.has(flag) && field(info, flag) == "true";
}

std::vector<std::string> ipv6_addresses(const std::string& dev, const std::string& scope, const PeerNetns* peer) {
  std::vector<std::string> out;
  for (const auto& a : ipv6_addr_info(dev, peer))
    if (field(a, "scope") == scope) out.push_back(field(a, "local"));
  return out;
}

bool ipv6_settled(const std::string& dev, bool link_local, const PeerNetns* peer) {
  bool have_ll = false;
  for (const auto& a : ipv6_addr_info(dev, peer)) {
    if (addr_flag(a, "tentative") && !addr_flag(a, "dadfailed")) return false;
    if (field(a, "scope") == "link") have_ll = true;
  }
  return have_ll || !link_local;
}

void require_ipv6_settled(const std::string& dev, Millis timeout, bool link_local, const PeerNetns* peer) {
  bool settled = wait_for([&] { return ipv6_settled(dev, link_local, peer); }, timeout);
  auto r = run_in(peer, {"ip", "-6", "addr", "show", "dev", dev});
  INFO("DAD still running on " << dev << (link_local ? " (or no link-local address)" : "") << ":\n" << r.out);
  REQUIRE(settled);
}

std::string settled_global(const std::string& dev, const std::string& prefix_start, const PeerNetns* peer) {
  for (const auto& a : ipv6_addr_info(dev, peer))
    if (field(a, "scope") == "global" && field(a, "local").rfind(prefix_start, 0) == 0 && !addr_flag(a, "tentative"))
      return field(a, "local");
  return "";
}

namespace {
// The address that follows `marker` on a line of the guest's stderr that also
// holds `also`, up to its '/' ("" when no such line).
std::string guest_notice_address(const Background& guest, const std::string& marker, const std::string& also,
                                 const std::string& starts_with) {
  const std::string err = guest.err();
  std::size_t at = 0;
  while (at < err.size()) {
    std::size_t end = err.find('\n', at);
    if (end == std::string::npos) end = err.size();
    const std::string line = err.substr(at, end - at);
    at = end + 1;
    const std::size_t m = line.find(marker);
    if (m == std::string::npos || !contains(line, also)) continue;
    const std::size_t from = m + marker.size();
    const std::size_t slash = line.find('/', from);
    if (slash == std::string::npos) continue;
    std::string addr = line.substr(from, slash - from);
    if (addr.rfind(starts_with, 0) == 0) return addr;
  }
  return "";
}
}  // namespace

bool wait_guest_ipv6_ready(Background& guest, const std::string& addr, Millis timeout) {
  return wait_for([&] { return guest_notice_address(guest, "netlab guest: IPv6 address ", "ready", addr) == addr; },
                  timeout);
}

std::string guest_link_local(Background& guest, Millis timeout) {
  std::string ll;
  wait_for([&] { return !(ll = guest_notice_address(guest, "netlab guest: IPv6 address ", "ready", "fe80:")).empty(); },
           timeout);
  return ll;
}

std::string guest_slaac_address(Background& guest, Millis timeout) {
  std::string addr;
  wait_for([&] { return !(addr = guest_notice_address(guest, "netlab guest: SLAAC address ", "from router", "")).empty(); },
           timeout);
  return addr;
}

}  // namespace nltest::lab
