#include <netlab/types.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstring>

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

namespace netlab {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

// --- MacAddr ---------------------------------------------------------------

Result<MacAddr> MacAddr::parse(std::string_view text) {
  std::array<std::uint8_t, 6> out{};
  std::size_t pos = 0;
  char sep = 0;
  for (int i = 0; i < 6; ++i) {
    int digits = 0, value = 0;
    while (pos < text.size() && digits < 2 && hex_value(text[pos]) >= 0) {
      value = value * 16 + hex_value(text[pos++]);
      ++digits;
    }
    if (digits == 0) return Error::usage("MAC address " + quoted(text), "expected 6 hex bytes like 02:00:5e:00:53:01");
    out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value);
    if (i == 5) break;
    if (pos >= text.size() || (text[pos] != ':' && text[pos] != '-') || (sep && text[pos] != sep))
      return Error::usage("MAC address " + quoted(text), "expected 6 hex bytes like 02:00:5e:00:53:01");
    sep = text[pos++];
  }
  if (pos != text.size())
    return Error::usage("MAC address " + quoted(text), "expected 6 hex bytes like 02:00:5e:00:53:01");
  return MacAddr{out};
}

Result<MacAddr> MacAddr::parse_unicast(std::string_view text) {
  auto mac = parse(text);
  if (!mac) return mac;
  if (mac->is_multicast())
    return Error::usage("MAC address " + quoted(text),
                        "is multicast (the first byte is odd); a NIC needs a unicast address");
  if (mac->is_zero()) return Error::usage("MAC address " + quoted(text), "is all zeros");
  return mac;
}

bool MacAddr::is_broadcast() const noexcept {
  return std::all_of(bytes_.begin(), bytes_.end(), [](auto b) { return b == 0xff; });
}
bool MacAddr::is_zero() const noexcept {
  return std::all_of(bytes_.begin(), bytes_.end(), [](auto b) { return b == 0; });
}

std::string MacAddr::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(17, ':');
  for (std::size_t i = 0; i < 6; ++i) {
    s[i * 3] = kHex[bytes_[i] >> 4];
    s[i * 3 + 1] = kHex[bytes_[i] & 0xf];
  }
  return s;
}

// --- IpAddr ----------------------------------------------------------------

std::string_view family_name(Family f) noexcept {
  switch (f) {
    case Family::Inet: return "inet";
    case Family::Inet6: return "inet6";
    default: return "unspec";
  }
}

IpAddr IpAddr::v4(std::span<const std::uint8_t, 4> b) {
  IpAddr a;
  a.family_ = Family::Inet;
  std::copy(b.begin(), b.end(), a.bytes_.begin());
  return a;
}

IpAddr IpAddr::v6(std::span<const std::uint8_t, 16> b) {
  IpAddr a;
  a.family_ = Family::Inet6;
  std::copy(b.begin(), b.end(), a.bytes_.begin());
  return a;
}

IpAddr IpAddr::from_bytes(std::span<const std::uint8_t> b) {
  if (b.size() == 4) return v4(b.first<4>());
  if (b.size() == 16) return v6(b.first<16>());
  return {};
}

Result<IpAddr> IpAddr::parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; 45 characters is the longest IPv6 form.
  if (text.empty() || text.size() > 45 || text.find('\0') != std::string_view::npos)
    return Error::usage("address " + quoted(text), "is not an IPv4 or IPv6 address");
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = 0;
  std::uint8_t bytes[16];
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buf, bytes) == 1) return v4(std::span<const std::uint8_t, 4>(bytes, 4));
  } else if (inet_pton(AF_INET6, buf, bytes) == 1) {
    return v6(std::span<const std::uint8_t, 16>(bytes, 16));
  }
  return Error::usage("address " + quoted(text), "is not an IPv4 or IPv6 address");
}

bool IpAddr::is_multicast() const noexcept {
  return is_v4() ? (bytes_[0] & 0xf0) == 0xe0 : is_v6() && bytes_[0] == 0xff;
}

bool IpAddr::is_link_local() const noexcept {
  return is_v4() ? bytes_[0] == 169 && bytes_[1] == 254
                 : is_v6() && bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80;
}

std::string IpAddr::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  if (is_v4()) return inet_ntop(AF_INET, bytes_.data(), buf, sizeof buf);
  if (is_v6()) return inet_ntop(AF_INET6, bytes_.data(), buf, sizeof buf);
  return "unspec";
}

// --- Prefix ----------------------------------------------------------------

Result<Prefix> Prefix::parse(std::string_view text) {
  auto slash = text.find('/');
  auto addr = IpAddr::parse(text.substr(0, slash));
  if (!addr) return Error::usage("prefix " + quoted(text), "is not an address or address/length");
  std::uint8_t max = addr->is_v4() ? 32 : 128;
  if (slash == std::string_view::npos) return Prefix{*addr, max};
  auto len_text = text.substr(slash + 1);
  unsigned len = 0;
  auto [end, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
  if (len_text.empty() || ec != std::errc{} || end != len_text.data() + len_text.size() || len > max)
    return Error::usage("prefix " + quoted(text),
                        "the length must be a number from 0 to " + std::to_string(max));
  return Prefix{*addr, static_cast<std::uint8_t>(len)};
}

Prefix Prefix::network() const {
  auto b = addr_.bytes();
  std::array<std::uint8_t, 16> out{};
  std::copy(b.begin(), b.end(), out.begin());
  for (std::size_t i = 0; i < b.size(); ++i) {
    int keep = std::clamp(static_cast<int>(len_) - static_cast<int>(i * 8), 0, 8);
    out[i] &= static_cast<std::uint8_t>(0xff00u >> keep);
  }
  return Prefix{IpAddr::from_bytes(std::span<const std::uint8_t>(out.data(), b.size())), len_};
}

bool Prefix::contains(const IpAddr& a) const noexcept {
  if (a.family() != addr_.family()) return false;
  return Prefix{a, len_}.network() == network();
}

std::string Prefix::to_string() const { return addr_.to_string() + "/" + std::to_string(len_); }

// --- IfName ----------------------------------------------------------------

Result<IfName> IfName::parse(std::string_view text) {
  auto bad = [&](std::string reason) { return Error::usage("interface name " + quoted(text), std::move(reason)); };
  if (text.empty()) return bad("is empty");
  if (text.size() > 15) return bad("is " + std::to_string(text.size()) + " bytes; the kernel allows at most 15");
  if (text == "." || text == "..") return bad("is reserved");
  for (char c : text)
    if (c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)) || c == 0)
      return bad("contains '/', ':' or white space");
  IfName n;
  n.name_ = std::string(text);
  return n;
}

// --- NUD states and scopes --------------------------------------------------

namespace {
struct NudWord { std::uint16_t bit; std::string_view name; };
constexpr NudWord kNudWords[] = {
    {NudIncomplete, "INCOMPLETE"}, {NudReachable, "REACHABLE"}, {NudStale, "STALE"},
    {NudDelay, "DELAY"},           {NudProbe, "PROBE"},         {NudFailed, "FAILED"},
    {NudNoarp, "NOARP"},           {NudPermanent, "PERMANENT"},
};
}  // namespace

std::string nud_state_names(std::uint16_t state, std::string_view sep) {
  if (state == NudNone) return "NONE";
  std::string out;
  for (const auto& w : kNudWords) {
    if (!(state & w.bit)) continue;
    if (!out.empty()) out += sep;
    out += w.name;
  }
  return out;
}

Result<std::uint16_t> parse_nud_state(std::string_view word) {
  if (iequals(word, "all")) return std::uint16_t{0xff};
  if (iequals(word, "none")) return std::uint16_t{NudNone};
  for (const auto& w : kNudWords)
    if (iequals(word, w.name)) return w.bit;
  return Error::usage("neighbour state " + quoted(word),
                      "expected permanent, noarp, reachable, stale, delay, probe, incomplete, failed, none or all");
}

std::string scope_name(std::uint8_t scope) {
  switch (scope) {
    case RT_SCOPE_UNIVERSE: return "global";
    case RT_SCOPE_SITE: return "site";
    case RT_SCOPE_LINK: return "link";
    case RT_SCOPE_HOST: return "host";
    case RT_SCOPE_NOWHERE: return "nowhere";
    default: return std::to_string(scope);
  }
}

Result<std::uint8_t> parse_scope(std::string_view word) {
  for (int s : {RT_SCOPE_UNIVERSE, RT_SCOPE_SITE, RT_SCOPE_LINK, RT_SCOPE_HOST, RT_SCOPE_NOWHERE})
    if (word == scope_name(static_cast<std::uint8_t>(s))) return static_cast<std::uint8_t>(s);
  auto n = parse_uint(word, "scope", 255);
  if (!n) return Error::usage("scope " + quoted(word), "expected global, site, link, host, nowhere or 0-255");
  return static_cast<std::uint8_t>(*n);
}

Result<std::uint64_t> parse_uint(std::string_view text, std::string_view what, std::uint64_t max) {
  return parse_uint(text, what, 0, max);
}

Result<std::uint64_t> parse_uint(std::string_view text, std::string_view what, std::uint64_t min, std::uint64_t max) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || v < min || v > max)
    return Error::usage(std::string(what) + " " + quoted(text),
                        "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  return v;
}

}  // namespace netlab
