// netlab capture, live, in a private network namespace over a veth pair:
// frames sent with a packet socket on labv0 are captured on labv1. Count,
// filter, -w then -r, endings by SIGINT and by a closed pipe, the summary
// lines, and bad input refused with one line.
#include "netns_fixture.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace {

std::uint16_t csum(const std::uint8_t* p, std::size_t n) {
  std::uint32_t s = 0;
  for (std::size_t i = 0; i + 1 < n; i += 2) s += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
  if (n & 1) s += static_cast<std::uint32_t>(p[n - 1] << 8);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<std::uint16_t>(~s);
}

// Sends one Ethernet/IPv4/UDP frame 192.0.2.1:5000 -> 192.0.2.2:dport on labv0.
void send_udp(std::uint16_t dport, int count = 1) {
  int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
  REQUIRE(fd >= 0);
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_ifindex = static_cast<int>(if_nametoindex("labv0"));
  sll.sll_halen = 6;
  std::uint8_t f[14 + 20 + 8 + 4] = {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00};
  std::uint8_t* ip = f + 14;
  const std::uint8_t hdr[20] = {0x45, 0, 0, 32, 0, 1, 0x40, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2};
  std::memcpy(ip, hdr, 20);
  std::uint16_t s = csum(ip, 20);
  ip[10] = static_cast<std::uint8_t>(s >> 8);
  ip[11] = static_cast<std::uint8_t>(s);
  std::uint8_t* udp = ip + 20;
  udp[0] = 0x13, udp[1] = 0x88, udp[2] = static_cast<std::uint8_t>(dport >> 8), udp[3] = static_cast<std::uint8_t>(dport);
  udp[4] = 0, udp[5] = 12;
  std::memcpy(udp + 8, "ping", 4);
  for (int i = 0; i < count; ++i)
    REQUIRE(sendto(fd, f, sizeof f, 0, reinterpret_cast<sockaddr*>(&sll), sizeof sll) == static_cast<ssize_t>(sizeof f));
  close(fd);
}

// A netlab process whose stdout/stderr go to files, started in our netns.
struct Child {
  pid_t pid = -1;
  std::string out_path, err_path;
  Child(const std::vector<std::string>& args, const std::string& shell_pipe = {}) {
    char tmpl[] = "/tmp/netlab-capture-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    out_path = dir + "/out";
    err_path = dir + "/err";
    std::string base = NETLAB_CLI_PATH;
    for (const auto& a : args) base += " '" + a + "'";
    std::string cmd = shell_pipe.empty() ? "exec " + base + " > " + out_path + " 2> " + err_path
                                         : base + " 2> " + err_path + " | " + shell_pipe + " > " + out_path;
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  std::string read(const std::string& p) const {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string out() const { return read(out_path); }
  std::string err() const { return read(err_path); }
  void wait_listening() const {
    for (int i = 0; i < 100 && err().find("listening on") == std::string::npos; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(err().find("listening on") != std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // Exit status, or -1 if it did not end within the time limit.
  int wait(int ms = 5000) {
    for (int i = 0; i < ms / 10; ++i) {
      int st = 0;
      if (waitpid(pid, &st, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }
  ~Child() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};

int lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("capture -c stops after COUNT packets and prints the summary", "[capture]") {
  nltest::PrivateNetns ns;
  nltest::veth_lab();
  Child c({"capture", "-i", "labv1", "-n", "-c", "3", "udp"});
  c.wait_listening();
  send_udp(6000, 5);
  REQUIRE(c.wait() == 0);
  std::string out = c.out();
  CHECK(lines(out) == 3);
  CHECK(out.find("IP 192.0.2.1.5000 > 192.0.2.2.6000: UDP, length 4") != std::string::npos);
  std::string err = c.err();
  CHECK(err.find("3 packets captured\n") != std::string::npos);
  CHECK(err.find("packets received by filter\n") != std::string::npos);
  CHECK(err.find("packets dropped by kernel\n") != std::string::npos);
}

TEST_CASE("capture applies the BPF filter", "[capture]") {
  nltest::PrivateNetns ns;
  nltest::veth_lab();
  Child c({"capture", "-i", "labv1", "-n", "-c", "2", "udp", "and", "dst", "port", "7000"});
  c.wait_listening();
  send_udp(6000, 3);
  send_udp(7000, 2);
  REQUIRE(c.wait() == 0);
  std::string out = c.out();
  CHECK(lines(out) == 2);
  CHECK(out.find(".6000") == std::string::npos);
}

TEST_CASE("capture -w then -r gives back the same packets", "[capture]") {
  nltest::PrivateNetns ns;
  nltest::veth_lab();
  char tmpl[] = "/tmp/netlab-capture-w-XXXXXX";
  std::string file = std::string(mkdtemp(tmpl)) + "/cap.pcap";
  Child c({"capture", "-i", "labv1", "-c", "4", "-w", file, "udp"});
  c.wait_listening();
  send_udp(6000, 4);
  REQUIRE(c.wait() == 0);
  CHECK(c.out().empty());
  auto r = nltest::netlab({"capture", "-n", "-t", "-r", file});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(lines(r.out) == 4);
  auto t = nltest::run({"tcpdump", "-n", "-t", "-r", file});
  CHECK(r.out == t.out);  // tcpdump reads our file and prints the same
  auto sub = nltest::netlab({"capture", "-r", file, "-w", file + ".2", "udp", "port", "6000"});
  REQUIRE(sub.status == 0);
  CHECK(lines(nltest::netlab({"capture", "-r", file + ".2"}).out) == 4);
}

TEST_CASE("SIGINT ends a live capture cleanly", "[capture]") {
  nltest::PrivateNetns ns;
  nltest::veth_lab();
  Child c({"capture", "-i", "labv1", "-n", "--immediate-mode", "udp"});
  c.wait_listening();
  send_udp(6000, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(c.pid, SIGINT);
  REQUIRE(c.wait() == 0);
  INFO("stderr: " << c.err() << "stdout: " << c.out());
  CHECK(lines(c.out()) == 2);
  CHECK(c.err().find("2 packets captured\n") != std::string::npos);
}

TEST_CASE("a closed pipe ends the capture cleanly", "[capture]") {
  nltest::PrivateNetns ns;
  nltest::veth_lab();
  Child c({"capture", "-i", "labv1", "-n", "-l", "--immediate-mode", "udp"}, "head -n 1");
  c.wait_listening();
  int status = -1;
  for (int i = 0; i < 50 && status < 0; ++i) {
    send_udp(6000, 1);
    status = c.wait(100);
  }
  CHECK(status == 0);
  CHECK(lines(c.out()) == 1);
  CHECK(c.err().find("packets captured\n") != std::string::npos);
}

TEST_CASE("capture refuses bad input with one line", "[capture][cli]") {
  nltest::PrivateNetns ns;
  struct Case {
    std::vector<std::string> args;
    int status;
    std::string line;
  };
  char tmpl[] = "/tmp/netlab-capture-bad-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::ofstream(dir + "/not.pcap") << "this is not a capture\n";
  for (const auto& k : std::vector<Case>{
           {{"capture", "-r", dir + "/missing.pcap"}, 1, "netlab: file " + dir + "/missing.pcap: No such file or directory\n"},
           {{"capture", "-r", dir + "/not.pcap"}, 1, "netlab: file " + dir + "/not.pcap: unknown file format\n"},
           {{"capture", "-i", "nosuch0"}, 1, "netlab: interface nosuch0: No such device\n"},
           {{"capture", "-i", "lo", "arp", "and", "host"}, 2, ""},
           {{"capture", "-i", "lo", "-r", "x"}, 2, "netlab: capture: -i and -r exclude each other\n"},
       }) {
    auto r = nltest::netlab(k.args);
    INFO(k.args.back() << ": " << r.err);
    CHECK(r.status == k.status);
    CHECK(lines(r.err) == 1);
    if (!k.line.empty()) CHECK(r.err == k.line);
    else CHECK(r.err.rfind("netlab: filter \"arp and host\": ", 0) == 0);
  }
}
