// A `netlab guest` running in the background for the guest tests, in the
// calling thread's namespaces: stdout and stderr go to files so a chatty
// guest never blocks, and the process is killed and reaped on destruction.
#pragma once

#include "netns_fixture.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace nltest::guestproc {

inline std::string command_text(const std::vector<std::string>& args) {
  std::string cmd = "netlab";
  for (const auto& a : args) cmd += " " + a;
  return cmd;
}

// Runs the built CLI and requires it to succeed (lab setup).
inline void ok(const std::vector<std::string>& args) {
  auto r = nltest::netlab(args);
  INFO(command_text(args) << "\nstderr: " << r.err);
  REQUIRE(r.status == 0);
}

inline std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Polls `cond` every 10 ms for up to `ms` milliseconds (one last try at the end).
inline bool wait_for(const std::function<bool()>& cond, int ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (cond()) return true;
    ::usleep(10000);
  }
  return cond();
}

// The built CLI running a guest in the background, in this thread's
// namespaces; stdout and stderr go to files so a chatty guest never blocks.
class GuestProcess {
 public:
  explicit GuestProcess(const std::vector<std::string>& args) {
    out_path_ = make_temp("out");
    err_path_ = make_temp("err");
    pid_ = ::fork();
    if (pid_ == 0) {
      int out = ::open(out_path_.c_str(), O_WRONLY | O_TRUNC);
      int err = ::open(err_path_.c_str(), O_WRONLY | O_TRUNC);
      if (out < 0 || err < 0) ::_exit(126);
      ::dup2(out, 1);
      ::dup2(err, 2);
      std::vector<std::string> argv{NETLAB_CLI_PATH};
      argv.insert(argv.end(), args.begin(), args.end());
      std::vector<char*> cargv;
      for (auto& a : argv) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      ::execv(cargv[0], cargv.data());
      ::_exit(127);
    }
  }
  ~GuestProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (!out_path_.empty()) ::unlink(out_path_.c_str());
    if (!err_path_.empty()) ::unlink(err_path_.c_str());
  }
  GuestProcess(const GuestProcess&) = delete;
  GuestProcess& operator=(const GuestProcess&) = delete;

  pid_t pid() const { return pid_; }
  std::string out() const { return read_file(out_path_); }
  std::string err() const { return read_file(err_path_); }

  // Waits for a line of stderr containing `needle`; returns that line.
  std::string wait_err(const std::string& needle, int ms) {
    std::string line;
    const bool seen = wait_for(
        [&] {
          const std::string e = err();
          const auto at = e.find(needle);
          if (at == std::string::npos) return poll_exit();
          const auto begin = e.rfind('\n', at);
          const auto end = e.find('\n', at);
          if (end == std::string::npos) return false;
          line = e.substr(begin == std::string::npos ? 0 : begin + 1, end - (begin == std::string::npos ? 0 : begin + 1));
          return true;
        },
        ms);
    INFO("waiting for \"" << needle << "\"; guest stderr:\n" << err());
    REQUIRE(seen);
    REQUIRE_FALSE(line.empty());
    return line;
  }
  std::string wait_ready(int ms = 3000) { return wait_err(" attached as ", ms); }

  int wait_exit(int ms) {
    wait_for([&] { return poll_exit(); }, ms);
    return exited_ ? status_ : -1;
  }
  int stop(int sig = SIGTERM, int ms = 2000) {
    REQUIRE(::kill(pid_, sig) == 0);
    return wait_exit(ms);
  }

 private:
  static std::string make_temp(const char* what) {
    std::string path = std::string("/tmp/netlab-guest-test-") + what + "-XXXXXX";
    int fd = ::mkstemp(path.data());
    REQUIRE(fd >= 0);
    ::close(fd);
    return path;
  }
  bool poll_exit() {
    if (exited_) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
    exited_ = true;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
  }

  pid_t pid_ = -1;
  bool exited_ = false;
  int status_ = -1;
  std::string out_path_, err_path_;
};

}  // namespace nltest::guestproc
