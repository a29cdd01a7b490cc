// `netlab link add type vxlan|macvlan|macvtap` and `netlab bridge fdb`,
// each checked against iproute2's own view (ip -d -j link, bridge -j fdb),
// and a two-host VXLAN lab built with netlab's commands where a ping from
// one guest reaches the other across the overlay. Every case runs in a
// private namespace it creates (plus namespaces held by file descriptors).
#include "lab_support.hpp"
#include "mini_json.hpp"
#include "netns_fixture.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

using nltest::ip_ok;
using nltest::lab::PeerNetns;

namespace {

nltest::RunResult netlab_ok(const std::vector<std::string>& args) {
  auto r = nltest::netlab(args);
  std::string cmd;
  for (const auto& a : args) cmd += " " + a;
  INFO("netlab" << cmd << "\nstatus " << r.status << "\nstderr: " << r.err);
  REQUIRE(r.status == 0);
  return r;
}

testjson::Value ip_link(const std::string& dev) {
  return testjson::parse(ip_ok({"-d", "-j", "link", "show", "dev", dev})).array().at(0);
}

testjson::Value netlab_link(const std::string& dev) {
  return testjson::parse(netlab_ok({"-j", "-d", "link", "show", dev}).out).array().at(0);
}

// The fields a `bridge -j fdb show` entry and netlab's share, as one string
// per entry, sorted: the two listings must hold the same entries.
std::vector<std::string> fdb_rows(const testjson::Value& list) {
  std::vector<std::string> rows;
  for (const auto& e : list.array()) {
    std::string row;
    for (const char* key : {"mac", "ifname", "vlan", "dst", "port", "vni", "master", "state"})
      row += std::string(key) + "=" + (e.has(key) ? e[key].text() : "-") + " ";
    row += "flags=";
    for (const auto& f : e["flags"].array()) row += f.str() + ",";
    rows.push_back(row);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::vector<std::string> bridge_fdb_rows(const std::vector<std::string>& filter) {
  std::vector<std::string> argv{"bridge", "-j", "fdb", "show"};
  argv.insert(argv.end(), filter.begin(), filter.end());
  auto r = nltest::run(argv);
  REQUIRE(r.status == 0);
  return fdb_rows(testjson::parse(r.out));
}

std::vector<std::string> netlab_fdb_rows(const std::vector<std::string>& filter) {
  std::vector<std::string> args{"-j", "bridge", "fdb", "show"};
  args.insert(args.end(), filter.begin(), filter.end());
  return fdb_rows(testjson::parse(netlab_ok(args).out));
}

// A bad command: the exit status, one stderr line naming the object, and
// nothing created or removed (`ip -o link` as before).
void require_refused(const std::vector<std::string>& args, int status, const std::string& needle) {
  const std::string before = ip_ok({"-o", "link", "show"});
  auto r = nltest::netlab(args);
  std::string cmd;
  for (const auto& a : args) cmd += " " + a;
  INFO("netlab" << cmd << "\nstderr: " << r.err);
  CHECK(r.status == status);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("netlab: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.find(needle) != std::string::npos);
  CHECK(ip_ok({"-o", "link", "show"}) == before);
}

}  // namespace

TEST_CASE("link add type vxlan: every IPv4 option reads back as ip -d -j link shows it", "[link][vxlan]") {
  nltest::PrivateNetns ns;
  ip_ok({"link", "add", "labu0", "type", "veth", "peer", "name", "labu1"});
  netlab_ok({"link", "add", "labvx0", "type", "vxlan", "id", "42", "remote", "198.51.100.2", "local", "198.51.100.1",
             "dstport", "4790", "dev", "labu0", "ttl", "17", "nolearning", "mtu", "1400", "address",
             "02:00:5e:00:53:42", "up"});
  auto ref = ip_link("labvx0");
  const auto& rd = ref["linkinfo"]["info_data"];
  CHECK(ref["linkinfo"]["info_kind"].str() == "vxlan");
  CHECK(rd["id"].num() == 42);
  CHECK(rd["remote"].str() == "198.51.100.2");
  CHECK(rd["local"].str() == "198.51.100.1");
  CHECK(rd["port"].num() == 4790);
  CHECK(rd["link"].str() == "labu0");
  CHECK(rd["ttl"].num() == 17);
  CHECK(rd["learning"].boolean() == false);
  CHECK(ref["mtu"].num() == 1400);
  CHECK(ref["address"].str() == "02:00:5e:00:53:42");
  CHECK(std::find_if(ref["flags"].array().begin(), ref["flags"].array().end(),
                     [](const testjson::Value& f) { return f.str() == "UP"; }) != ref["flags"].array().end());

  // netlab's own JSON: the same keys, the same values.
  auto mine = netlab_link("labvx0");
  const auto& md = mine["linkinfo"]["info_data"];
  CHECK(mine["linkinfo"]["info_kind"].str() == "vxlan");
  for (const char* key : {"id", "remote", "local", "port", "link", "ttl", "learning", "ageing"}) {
    INFO(key);
    REQUIRE(md.has(key));
    CHECK(md[key].text() == rd[key].text());
  }
  CHECK_FALSE(md.has("group"));
  // The text, in ip -d's words (ip puts "srcport 0 0" between dev and dstport).
  const std::string text = netlab_ok({"-d", "link", "show", "labvx0"}).out;
  INFO(text);
  CHECK(text.find("    vxlan id 42 remote 198.51.100.2 local 198.51.100.1 dev labu0 dstport 4790 nolearning ttl 17") !=
        std::string::npos);
  const std::string ip_text = ip_ok({"-d", "link", "show", "labvx0"});
  CHECK(ip_text.find("vxlan id 42 remote 198.51.100.2 local 198.51.100.1 dev labu0 ") != std::string::npos);
  CHECK(ip_text.find(" dstport 4790 nolearning ttl 17 ") != std::string::npos);
}

TEST_CASE("link add type vxlan: an IPv6 group, the defaults, and dstport 4789 unless told", "[link][vxlan]") {
  nltest::PrivateNetns ns;
  ip_ok({"link", "add", "labu0", "type", "veth", "peer", "name", "labu1"});
  netlab_ok({"link", "add", "labvx6", "type", "vxlan", "id", "7", "group", "ff05::42", "local", "2001:db8::1", "dev",
             "labu0"});
  auto rd = ip_link("labvx6")["linkinfo"]["info_data"];
  CHECK(rd["group6"].str() == "ff05::42");
  CHECK(rd["local6"].str() == "2001:db8::1");
  CHECK(rd["port"].num() == 4789);  // ours: IANA's port; the kernel alone would take 8472
  CHECK(rd["learning"].boolean() == true);
  CHECK(rd["ttl"].num() == 0);
  auto md = netlab_link("labvx6")["linkinfo"]["info_data"];
  for (const char* key : {"id", "group6", "local6", "port", "link", "ttl", "learning"}) {
    INFO(key);
    REQUIRE(md.has(key));
    CHECK(md[key].text() == rd[key].text());
  }
  const std::string text = netlab_ok({"-d", "link", "show", "labvx6"}).out;
  CHECK(text.find("vxlan id 7 group ff05::42 local 2001:db8::1 dev labu0 dstport 4789 ttl auto") != std::string::npos);

  // No destination and no device: the largest VNI, the standard port.
  netlab_ok({"link", "add", "labvx1", "type", "vxlan", "id", "16777215"});
  auto d1 = ip_link("labvx1")["linkinfo"]["info_data"];
  CHECK(d1["id"].num() == 16777215);
  CHECK(d1["port"].num() == 4789);
  CHECK_FALSE(d1.has("remote"));
  CHECK_FALSE(d1.has("link"));
  CHECK_FALSE(netlab_link("labvx1")["linkinfo"]["info_data"].has("link"));
}

TEST_CASE("link add type macvlan and macvtap: each mode as ip -d -j link shows it", "[link][macvlan]") {
  nltest::PrivateNetns ns;
  ip_ok({"link", "add", "labv0", "type", "veth", "peer", "name", "labv1"});
  const std::string modes[] = {"bridge", "vepa", "private", "passthru", "source"};
  int n = 0;
  for (const char* kind : {"macvlan", "macvtap"}) {
    for (const auto& mode : modes) {
      const std::string dev = std::string(kind == std::string("macvlan") ? "labmvl" : "labmvt") + std::to_string(n);
      INFO(kind << " mode " << mode);
      std::vector<std::string> args{"link", "add", dev, "type", kind, "link", "labv0", "mode", mode};
      // A macvtap's /dev/tapIFINDEX is shared by all namespaces: an index of its own.
      if (kind == std::string("macvtap")) args.insert(args.end(), {"index", std::to_string(7391 + n)});
      netlab_ok(args);
      auto ref = ip_link(dev);
      CHECK(ref["linkinfo"]["info_kind"].str() == kind);
      CHECK(ref["linkinfo"]["info_data"]["mode"].str() == mode);
      CHECK(ref["link"].str() == "labv0");
      auto mine = netlab_link(dev);
      CHECK(mine["linkinfo"]["info_kind"].str() == kind);
      CHECK(mine["linkinfo"]["info_data"]["mode"].str() == mode);
      CHECK(mine["link"].str() == "labv0");
      CHECK(netlab_ok({"-d", "link", "show", dev}).out.find("    " + std::string(kind) + " mode " + mode) !=
            std::string::npos);
      // passthru takes the parent whole: one at a time.
      netlab_ok({"link", "delete", dev});
      ++n;
    }
  }
  // No mode: the kernel's default, vepa.
  netlab_ok({"link", "add", "labmvd", "type", "macvlan", "link", "labv0"});
  CHECK(ip_link("labmvd")["linkinfo"]["info_data"]["mode"].str() == "vepa");
  CHECK(netlab_link("labmvd")["linkinfo"]["info_data"]["mode"].str() == "vepa");
}

TEST_CASE("bridge fdb add, append and del read as bridge -j fdb show reads them", "[bridge][fdb][vxlan]") {
  nltest::PrivateNetns ns;
  ip_ok({"link", "add", "labu0", "type", "veth", "peer", "name", "labu1"});
  ip_ok({"link", "add", "labbr0", "type", "bridge"});
  netlab_ok({"link", "add", "labvx0", "type", "vxlan", "id", "42", "local", "198.51.100.1", "dev", "labu0"});
  ip_ok({"link", "set", "labvx0", "master", "labbr0"});
  ip_ok({"link", "set", "labu1", "master", "labbr0"});

  netlab_ok({"bridge", "fdb", "append", "00:00:00:00:00:00", "dev", "labvx0", "dst", "198.51.100.2"});
  netlab_ok({"bridge", "fdb", "append", "00:00:00:00:00:00", "dev", "labvx0", "dst", "198.51.100.3", "vni", "7",
             "port", "4790"});
  netlab_ok({"bridge", "fdb", "add", "02:00:5e:00:53:01", "dev", "labvx0", "dst", "198.51.100.4"});
  netlab_ok({"bridge", "fdb", "add", "02:00:5e:00:53:09", "dev", "labu1", "master", "static"});

  // The flood list as iproute2 prints it, with and without `dev`.
  const std::string all = netlab_ok({"bridge", "fdb", "show"}).out;
  INFO(all);
  CHECK(all.find("00:00:00:00:00:00 dev labvx0 dst 198.51.100.2 self permanent\n") != std::string::npos);
  CHECK(all.find("00:00:00:00:00:00 dev labvx0 dst 198.51.100.3 port 4790 vni 7 self permanent\n") !=
        std::string::npos);
  CHECK(all.find("02:00:5e:00:53:09 dev labu1 master labbr0 static\n") != std::string::npos);
  const std::string on_vx = netlab_ok({"bridge", "fdb", "show", "dev", "labvx0"}).out;
  CHECK(on_vx.find("02:00:5e:00:53:01 dst 198.51.100.4 self permanent\n") != std::string::npos);
  CHECK(on_vx.find("labu1") == std::string::npos);

  // Whole tables, JSON against JSON, for each filter bridge takes.
  CHECK(netlab_fdb_rows({}) == bridge_fdb_rows({}));
  CHECK(netlab_fdb_rows({"dev", "labvx0"}) == bridge_fdb_rows({"dev", "labvx0"}));
  CHECK(netlab_fdb_rows({"br", "labbr0"}) == bridge_fdb_rows({"br", "labbr0"}));
  CHECK(netlab_fdb_rows({"dev", "labu0"}) == bridge_fdb_rows({"dev", "labu0"}));

  // A remote matches on dst, port and vni: without the port and vni it was
  // added with, nothing matches. The kernel would acknowledge that and change
  // nothing; netlab says so.
  const std::string before_del = nltest::run({"bridge", "fdb", "show"}).out;
  auto miss = nltest::netlab({"bridge", "fdb", "del", "00:00:00:00:00:00", "dev", "labvx0", "dst", "198.51.100.3"});
  CHECK(miss.status == 1);
  CHECK(miss.err.rfind("netlab: fdb entry 00:00:00:00:00:00 dev labvx0 dst 198.51.100.3: no such entry", 0) == 0);
  CHECK(std::count(miss.err.begin(), miss.err.end(), '\n') == 1);
  CHECK(nltest::run({"bridge", "fdb", "show"}).out == before_del);
  // del with dst removes that remote only; without, the entry.
  netlab_ok({"bridge", "fdb", "del", "00:00:00:00:00:00", "dev", "labvx0", "dst", "198.51.100.3", "vni", "7", "port",
             "4790"});
  netlab_ok({"bridge", "fdb", "del", "02:00:5e:00:53:01", "dev", "labvx0"});
  netlab_ok({"bridge", "fdb", "del", "02:00:5e:00:53:09", "dev", "labu1", "master"});
  const std::string ref = nltest::run({"bridge", "fdb", "show", "dev", "labvx0"}).out;
  INFO(ref);
  CHECK(ref.find("198.51.100.2") != std::string::npos);
  CHECK(ref.find("198.51.100.3") == std::string::npos);
  CHECK(ref.find("02:00:5e:00:53:01") == std::string::npos);
  CHECK(nltest::run({"bridge", "fdb", "show", "dev", "labu1"}).out.find("02:00:5e:00:53:09") == std::string::npos);
  CHECK(netlab_fdb_rows({}) == bridge_fdb_rows({}));
  // add of an entry that is there: refused, not merged.
  auto dup = nltest::netlab({"bridge", "fdb", "add", "00:00:00:00:00:00", "dev", "labvx0", "dst", "198.51.100.2"});
  CHECK(dup.status == 1);
  CHECK(dup.err == "netlab: fdb entry 00:00:00:00:00:00 dev labvx0 dst 198.51.100.2: already exists\n");
}

TEST_CASE("vxlan lab: two hosts, a bridge and a guest on each, the flood entry made by bridge fdb append",
          "[vxlan][lab]") {
  // host A is the test's namespace; host B and the two guests are namespaces held by descriptors.
  nltest::PrivateNetns host_a;
  PeerNetns host_b, guest_a, guest_b;
  const std::string b = host_b.path();
  // The underlay: one veth between the hosts, 198.51.100.0/24.
  netlab_ok({"link", "add", "labul", "type", "veth", "peer", "labul", "netns", b});
  netlab_ok({"addr", "add", "198.51.100.1/24", "dev", "labul"});
  netlab_ok({"-n", b, "addr", "add", "198.51.100.2/24", "dev", "labul"});
  netlab_ok({"link", "set", "labul", "up"});
  netlab_ok({"-n", b, "link", "set", "labul", "up"});
  struct Host {
    std::string ns, self, other, guest_ns, guest_ip;
  };
  const Host hosts[] = {{"", "198.51.100.1", "198.51.100.2", guest_a.path(), "192.0.2.1/24"},
                        {b, "198.51.100.2", "198.51.100.1", guest_b.path(), "192.0.2.2/24"}};
  for (const auto& h : hosts) {
    std::vector<std::string> n;
    if (!h.ns.empty()) n = {"-n", h.ns};
    auto cmd = [&n](std::vector<std::string> args) {
      args.insert(args.begin(), n.begin(), n.end());
      return netlab_ok(args);
    };
    cmd({"link", "add", "labvx0", "type", "vxlan", "id", "42", "local", h.self, "dev", "labul", "up"});
    cmd({"bridge", "fdb", "append", "00:00:00:00:00:00", "dev", "labvx0", "dst", h.other});
    cmd({"bridge", "add", "labbr0", "up"});
    cmd({"bridge", "addif", "labbr0", "labvx0"});
    cmd({"link", "add", "labg0", "type", "veth", "peer", "eth0", "netns", h.guest_ns});
    cmd({"bridge", "addif", "labbr0", "labg0"});
    cmd({"link", "set", "labg0", "up"});
    netlab_ok({"-n", h.guest_ns, "addr", "add", h.guest_ip, "dev", "eth0"});
    // The overlay's MTU (1450 on a 1500 underlay) for the guest too, as a cloud image takes it by DHCP.
    netlab_ok({"-n", h.guest_ns, "link", "set", "eth0", "mtu", "1450", "up"});
  }
  // Reference views: the vxlan as ip sees it, the flood entry as bridge sees it.
  CHECK(ip_link("labvx0")["linkinfo"]["info_data"]["local"].str() == "198.51.100.1");
  CHECK(nltest::run({"bridge", "fdb", "show", "dev", "labvx0"}).out.find("00:00:00:00:00:00 dst 198.51.100.2 self permanent") !=
        std::string::npos);

  // Bridges start forwarding at once (no STP); the first ping may wait for ARP across.
  CHECK(nltest::lab::wait_for([&] { return nltest::lab::ping("192.0.2.2", {}, &guest_a); }, std::chrono::seconds(10)));
  CHECK(nltest::lab::ping("192.0.2.1", {}, &guest_b));
  // The bridge learnt the far guest behind the vxlan port, and the vxlan learnt its host.
  const std::string learnt = netlab_ok({"bridge", "fdb", "show", "dev", "labvx0"}).out;
  INFO(learnt);
  CHECK(learnt.find(" dst 198.51.100.2 self\n") != std::string::npos);

  // Without the flood entry the overlay is dark: the test can fail.
  netlab_ok({"bridge", "fdb", "del", "00:00:00:00:00:00", "dev", "labvx0", "dst", "198.51.100.2"});
  // A new ARP request is a broadcast: only the flood list carries it.
  guest_a.ip_ok({"neigh", "flush", "all"});
  CHECK_FALSE(nltest::lab::ping("192.0.2.2", {}, &guest_a));
}

TEST_CASE("link add type vxlan|macvlan and bridge fdb: bad input, one line, nothing made", "[link][vxlan][fdb]") {
  nltest::PrivateNetns ns;
  ip_ok({"link", "add", "labu0", "type", "veth", "peer", "name", "labu1"});
  ip_ok({"link", "add", "labvx9", "type", "vxlan", "id", "9", "dstport", "4789", "dev", "labu0"});
  const std::vector<std::string> vx{"link", "add", "labvx0", "type", "vxlan"};
  auto with = [&vx](std::vector<std::string> more) {
    auto args = vx;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  require_refused(with({"id", "16777216"}), 2, "vxlan id");
  require_refused(with({"id", "1", "dstport", "0"}), 2, "dstport");
  require_refused(with({"id", "1", "dstport", "65536"}), 2, "dstport");
  require_refused(with({"id", "1", "ttl", "256"}), 2, "ttl");
  require_refused(with({"id", "1", "remote", "198.51.100.2", "group", "239.1.1.1", "dev", "labu0"}), 2,
                  "remote and group");
  require_refused(with({"id", "1", "group", "198.51.100.9", "dev", "labu0"}), 2, "is not multicast");
  require_refused(with({"id", "1", "group", "239.1.1.1"}), 2, "needs dev");
  require_refused(with({"id", "1", "remote", "198.51.100.2", "dev", "labnosuch"}), 1,
                  "link labnosuch: no such device");
  require_refused(with({"id", "1", "remote", "2001:db8::2", "local", "198.51.100.1"}), 2, "different families");
  require_refused(with({"remote", "198.51.100.2"}), 2, "needs \"id VNI\"");
  require_refused({"link", "add", "labmv0", "type", "macvlan", "link", "labnosuch"}, 1, "link labnosuch: no such device");
  require_refused({"link", "add", "labmv0", "type", "macvlan", "link", "labu0", "mode", "hub"}, 2, "mode \"hub\"");
  require_refused({"link", "add", "labmv0", "type", "veth", "peer", "labmv1", "mode", "bridge"}, 2, "only for type macvlan");
  // The device exists already: the kernel refuses, nothing changes.
  require_refused({"link", "add", "labvx9", "type", "vxlan", "id", "10"}, 1, "already exists");

  const std::string fdb_before = nltest::run({"bridge", "fdb", "show"}).out;
  require_refused({"bridge", "fdb", "del", "02:00:5e:00:53:77", "dev", "labvx9"}, 1, "no such entry");
  require_refused({"bridge", "fdb", "add", "02:00:5e:00:53:77", "dev", "labnosuch", "dst", "198.51.100.2"}, 1,
                  "link labnosuch: no such device");
  require_refused({"bridge", "fdb", "add", "02:00:5e:00:53:77", "dev", "labvx9", "vni", "16777216"}, 2, "vni");
  require_refused({"bridge", "fdb", "add", "02:00:5e:00:53:77", "dev", "labvx9", "port", "0"}, 2, "port");
  require_refused({"bridge", "fdb", "add", "02:00:5e:00:53:77", "dst", "198.51.100.2"}, 2, "needs \"dev DEV\"");
  require_refused({"bridge", "fdb", "show", "br", "labu0"}, 2, "is not a bridge");
  CHECK(nltest::run({"bridge", "fdb", "show"}).out == fdb_before);
}
