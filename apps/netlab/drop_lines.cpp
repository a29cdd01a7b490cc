// One kernel drop as a line of text or one JSON object: what `netlab drops`
// prints, and what `netlab capture --drops` puts between the packet lines.
#include "cli.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace netlab::cli {
namespace {

std::string clock_text(trace::Time t) {
  using namespace std::chrono;
  const auto us = duration_cast<microseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm {};
  ::localtime_r(&secs, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%06lld", tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(us % 1'000'000));
  return buf;
}

}  // namespace

// 12:00:01.000123 vnet3 ARP NETFILTER_DROP at nft_do_chain+0x4a1 length 42
// (with a tag: 12:00:01.000123 kernel drop: vnet3 ARP ...).
void drop_text(std::string& out, const trace::Drop& d, std::string_view tag, bool with_time) {
  if (with_time) {
    out += clock_text(d.time);
    out += ' ';
  }
  out += tag;
  out += d.device.empty() ? "?" : d.device;
  out += ' ';
  out += trace::protocol_name(d.protocol);
  out += ' ';
  out += d.reason;
  out += " at ";
  out += d.location;
  if (d.length) out += " length " + std::to_string(*d.length);
  if (d.attribution == trace::Attribution::Probable) out += " (device probable)";
  out += '\n';
}

void drop_json(std::string& out, const trace::Drop& d, std::string_view wrapper) {
  JsonWriter w(out);
  w.begin_object();
  if (!wrapper.empty()) {
    w.key(std::string(wrapper));
    w.begin_object();
  }
  w.key("time");
  w.value(std::chrono::duration<double>(d.time.time_since_epoch()).count(), 6);
  w.member("dev", d.device);
  w.member("attribution", std::string(trace::attribution_name(d.attribution)));
  w.member("protocol", trace::protocol_name(d.protocol));
  w.member("ethertype", d.protocol);
  w.member("reason", d.reason);
  w.member("location", d.location);
  if (d.length) w.member("length", *d.length);
  char skb[24];
  std::snprintf(skb, sizeof skb, "0x%llx", static_cast<unsigned long long>(d.skbaddr));
  w.member("skbaddr", std::string(skb));
  if (!wrapper.empty()) w.end_object();
  w.end_object();
  out += '\n';
}

}  // namespace netlab::cli
