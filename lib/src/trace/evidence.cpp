// The pure parts of kernel evidence: protocol words, reason names, the
// kernel-side filter text, device attribution and the summary. No tracefs
// here, so the unit tests exercise them without privileges.
#include <netlab/trace.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace netlab::trace {

const char* attribution_name(Attribution a) noexcept {
  switch (a) {
    case Attribution::Certain: return "certain";
    case Attribution::Probable: return "probable";
    case Attribution::None: break;
  }
  return "none";
}

namespace {

struct ProtoWord {
  const char* word;
  std::uint16_t type;
};
constexpr ProtoWord kProtocols[] = {
    {"arp", 0x0806}, {"ip", 0x0800},   {"ipv4", 0x0800}, {"ip6", 0x86dd},
    {"ipv6", 0x86dd}, {"vlan", 0x8100}, {"lldp", 0x88cc},
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Edit distance for "did you mean" on reason names.
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

Result<std::uint16_t> parse_protocol(std::string_view word) {
  const std::string w = lower(word);
  for (const auto& p : kProtocols)
    if (w == p.word) return p.type;
  unsigned long v = 0;
  const char* b = w.data();
  const char* e = w.data() + w.size();
  int base = 10;
  if (w.size() > 2 && w[0] == '0' && w[1] == 'x') b += 2, base = 16;
  auto [end, ec] = std::from_chars(b, e, v, base);
  if (w.empty() || b == e || ec != std::errc{} || end != e || v < 0x600 || v > 0xffff)
    return Error::usage("protocol \"" + std::string(word) + "\"",
                        "is not arp, ip, ip6 or an ethertype from 0x600 to 0xffff");
  return static_cast<std::uint16_t>(v);
}

std::string protocol_name(std::uint16_t t) {
  switch (t) {
    case 0x0800: return "IPv4";
    case 0x0806: return "ARP";
    case 0x86dd: return "IPv6";
    case 0x8100: return "802.1Q";
    case 0x88a8: return "802.1ad";
    case 0x88cc: return "LLDP";
    case 0: return "none";
    default: break;
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", t);
  return buf;
}

Result<std::string> normalize_reason(std::string_view word) {
  std::string r(word);
  for (char& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  constexpr std::string_view kPrefix = "SKB_DROP_REASON_";
  if (r.compare(0, kPrefix.size(), kPrefix) == 0) r.erase(0, kPrefix.size());
  const bool ok = !r.empty() && r.size() <= 64 && std::all_of(r.begin(), r.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!ok) return Error::usage("reason \"" + std::string(word) + "\"", "is not a drop reason name (letters, digits, _)");
  return r;
}

Result<std::uint32_t> reason_number(const std::map<std::uint32_t, std::string>& names, std::string_view name) {
  auto norm = normalize_reason(name);
  if (!norm) return std::move(norm).error();
  std::string best;
  std::size_t best_d = 4;
  for (const auto& [num, n] : names) {
    if (n == *norm) return num;
    if (auto d = distance(*norm, n); d < best_d) best_d = d, best = n;
  }
  std::string why = "is not one of this kernel's drop reasons (netlab uses the kernel's names: see netlab drops --list-reasons)";
  if (!best.empty()) why = "is not one of this kernel's drop reasons; did you mean " + best +
                           "? (netlab uses the kernel's names: see netlab drops --list-reasons)";
  return Error::usage("reason \"" + std::string(name) + "\"", why);
}

Result<std::string> device_filter(std::string_view field, const std::vector<std::string>& devices) {
  std::string out;
  for (const auto& d : devices) {
    auto n = IfName::parse(d);
    if (!n) return std::move(n).error();
    // The kernel allows '"' and '\\' in a name; the filter grammar has no
    // escape for them inside a string.
    if (d.find_first_of("\"\\*?[]") != std::string::npos)
      return Error::usage("link " + d, "this name cannot be matched by a kernel trace filter");
    if (!out.empty()) out += " || ";
    out += std::string(field) + " == \"" + d + "\"";
  }
  return out;
}

// ---- Attributor ---------------------------------------------------------------

Attributor::Attributor(Census census) : census_(std::move(census)) {}

void Attributor::saw_skb(std::uint64_t skbaddr, const std::string& device, std::uint32_t length, std::uint64_t ns,
                         bool transmit) {
  Seen& s = last_[skbaddr];
  s.device.assign(device);  // names fit the small-string buffer: no allocation
  s.length = length;
  s.ns = ns;
  s.transmit = transmit;
  newest_ = std::max(newest_, ns);
  if (last_.size() > 65536) prune(newest_);
}

void Attributor::prune(std::uint64_t now) {
  for (auto it = last_.begin(); it != last_.end();)
    it = now - std::min(now, it->second.ns) > kNeighWindowNs ? last_.erase(it) : std::next(it);
  if (last_.size() > 65536) last_.clear();  // a flood of live skbs: start over rather than grow
}

bool Attributor::attribute(Drop& drop, std::uint64_t ns) {
  auto it = last_.find(drop.skbaddr);
  if (it == last_.end()) return false;
  const Seen seen = it->second;
  last_.erase(it);  // the skb is freed: its address may be reused from now on
  const bool neigh = drop.reason.rfind("NEIGH_", 0) == 0;
  const std::uint64_t age = ns - std::min(ns, seen.ns);
  if (age > (neigh ? kNeighWindowNs : kWindowNs)) return false;
  drop.device = seen.device;
  drop.length = seen.length;
  drop.after_transmit = seen.transmit;
  const int spaces = census_ ? census_(seen.device) : 1;
  drop.attribution = (spaces > 1 || age > kCertainNs) ? Attribution::Probable : Attribution::Certain;
  return true;
}

bool Attributor::attribute_from_neigh(Drop& drop, std::uint64_t drop_ns, const NeighEvent& ev, std::uint64_t ev_ns) {
  if (!drop.device.empty() || drop.reason.rfind("NEIGH_", 0) != 0) return false;
  if (ev.cpu != drop.cpu || ev_ns < drop_ns || ev_ns - drop_ns > 2'000'000ull || ev.device.empty()) return false;
  drop.device = ev.device;
  drop.attribution = Attribution::Probable;
  return true;
}

// ---- Summary ------------------------------------------------------------------

void Summary::add(const Drop& d) {
  ++counts_[{d.reason, d.location, d.device}];
  ++total_;
}

std::vector<SummaryRow> Summary::rows() const {
  std::vector<SummaryRow> out;
  for (const auto& [key, n] : counts_) out.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), n});
  std::stable_sort(out.begin(), out.end(), [](const SummaryRow& a, const SummaryRow& b) { return a.count > b.count; });
  return out;
}

}  // namespace netlab::trace
