// Value types for the things a network engineer types and reads: MAC
// addresses, IPv4/IPv6 addresses, prefixes and interface names. Each has a
// parse() that rejects bad input with a Usage error naming the input, and a
// to_string() in the canonical form iproute2 prints.
//
// They are small values with no system state: copyable, comparable
// (operator<=> orders by family, then bytes), safe to share between threads
// read-only. Nothing here needs privilege or touches a namespace. A parse()
// error is always Errc::Usage (sys_errno EINVAL) whose object quotes the input
// ("address \"192.0.2.300\"") and whose reason says what was expected.
#pragma once

#include <netlab/error.hpp>
#include <netlab/export.hpp>

#include <array>
#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace netlab {

// A 48-bit Ethernet (EUI-48) address. The default is 00:00:00:00:00:00.
class NETLAB_API MacAddr {
 public:
  MacAddr() = default;
  explicit MacAddr(std::array<std::uint8_t, 6> bytes) : bytes_(bytes) {}
  // "c0:ff:ee:c0:ff:ee" or "c0-ff-ee-c0-ff-ee"; one or two hex digits a group.
  // Usage error "expected 6 hex bytes like 02:00:5e:00:53:01" otherwise.
  static Result<MacAddr> parse(std::string_view text);
  // Parse and require a unicast, non-zero address: what a NIC may carry.
  // Usage error for a multicast/broadcast or all-zero address too.
  static Result<MacAddr> parse_unicast(std::string_view text);

  const std::array<std::uint8_t, 6>& bytes() const noexcept { return bytes_; }
  bool is_multicast() const noexcept { return bytes_[0] & 0x01; }  // I/G bit
  bool is_broadcast() const noexcept;  // ff:ff:ff:ff:ff:ff
  bool is_zero() const noexcept;       // 00:00:00:00:00:00
  bool is_locally_administered() const noexcept { return bytes_[0] & 0x02; }
  std::string to_string() const;  // lower-case, colon separated
  auto operator<=>(const MacAddr&) const = default;

 private:
  std::array<std::uint8_t, 6> bytes_{};
};

// Address families with the kernel's AF_* values, so they go into netlink
// headers unchanged. Unspec means "either" in filters.
enum class Family : std::uint8_t { Unspec = 0, Inet = 2, Inet6 = 10 };
NETLAB_API std::string_view family_name(Family f) noexcept;  // "inet", "inet6"

// An IPv4 or IPv6 address. Bytes are in network order; IPv4 uses the first 4.
// The default-constructed address is unspecified (family Unspec, size 0,
// to_string() "unspec"); no zone/scope id is kept for link-local IPv6.
class NETLAB_API IpAddr {
 public:
  IpAddr() = default;
  // Copies the bytes; the span need not outlive the call.
  static IpAddr v4(std::span<const std::uint8_t, 4> b);
  static IpAddr v6(std::span<const std::uint8_t, 16> b);
  // Build from raw bytes as netlink carries them (4 or 16 bytes); otherwise
  // returns an unspecified address.
  static IpAddr from_bytes(std::span<const std::uint8_t> b);
  // Dotted IPv4 or any inet_pton IPv6 form (no "%zone", no prefix length).
  // Usage error "is not an IPv4 or IPv6 address" otherwise.
  static Result<IpAddr> parse(std::string_view text);

  Family family() const noexcept { return family_; }
  bool is_v4() const noexcept { return family_ == Family::Inet; }
  bool is_v6() const noexcept { return family_ == Family::Inet6; }
  bool is_unspecified() const noexcept { return family_ == Family::Unspec; }
  std::size_t size() const noexcept { return is_v4() ? 4 : is_v6() ? 16 : 0; }
  // A view into this object: valid while the IpAddr lives and is unchanged.
  std::span<const std::uint8_t> bytes() const noexcept { return {bytes_.data(), size()}; }
  bool is_multicast() const noexcept;  // 224.0.0.0/4, ff00::/8
  bool is_link_local() const noexcept;  // 169.254/16, fe80::/10
  std::string to_string() const;  // inet_ntop's form: "192.0.2.1", "2001:db8::1"
  auto operator<=>(const IpAddr&) const = default;

 private:
  Family family_ = Family::Unspec;
  std::array<std::uint8_t, 16> bytes_{};
};

// An address with a prefix length. The address keeps its host bits
// ("192.0.2.1/24" is an interface address, not only a network); network()
// clears them. The constructor does not check len against the family.
class NETLAB_API Prefix {
 public:
  Prefix() = default;
  Prefix(IpAddr addr, std::uint8_t len) : addr_(addr), len_(len) {}
  // "192.0.2.1/24", "2001:db8::/32"; a bare address means a host prefix.
  // Usage error for a bad address or a length outside 0..32 / 0..128.
  static Result<Prefix> parse(std::string_view text);

  const IpAddr& addr() const noexcept { return addr_; }
  std::uint8_t len() const noexcept { return len_; }
  Family family() const noexcept { return addr_.family(); }
  std::uint8_t max_len() const noexcept { return addr_.is_v4() ? 32 : 128; }
  bool is_host() const noexcept { return len_ == max_len(); }
  Prefix network() const;  // host bits cleared
  // Same family and same network bits; false for another family.
  bool contains(const IpAddr& a) const noexcept;
  std::string to_string() const;  // "addr/len"
  auto operator<=>(const Prefix&) const = default;

 private:
  IpAddr addr_;
  std::uint8_t len_ = 0;
};

// An interface name the kernel will accept: 1..15 bytes (IFNAMSIZ - 1), not
// "." or "..", no '/', ':' or white space. Holding an IfName says only that
// the name is well formed, not that such a link exists (calls that take one
// report a missing link as NotFound).
class NETLAB_API IfName {
 public:
  // Usage error naming the input and the rule it breaks.
  static Result<IfName> parse(std::string_view text);
  const std::string& str() const noexcept { return name_; }
  const char* c_str() const noexcept { return name_.c_str(); }
  auto operator<=>(const IfName&) const = default;

 private:
  std::string name_;
};

// Neighbour (NUD) states, as the kernel's NUD_* bits.
enum NudState : std::uint16_t {
  NudNone = 0x00,
  NudIncomplete = 0x01,
  NudReachable = 0x02,
  NudStale = 0x04,
  NudDelay = 0x08,
  NudProbe = 0x10,
  NudFailed = 0x20,
  NudNoarp = 0x40,
  NudPermanent = 0x80,
};
// "REACHABLE", ...; "NONE" for 0; several bits give several words.
NETLAB_API std::string nud_state_names(std::uint16_t state, std::string_view sep = " ");
// One state word, any case ("reachable", "PERMANENT", "none"); "all" = 0xff.
// Usage error listing the accepted words otherwise.
NETLAB_API Result<std::uint16_t> parse_nud_state(std::string_view word);

// Route/address scope names as iproute2 prints them ("global", "link", ...).
// A value without a name prints as its number.
NETLAB_API std::string scope_name(std::uint8_t scope);
// The inverse (lower-case names only) or a number 0-255; Usage error otherwise.
NETLAB_API Result<std::uint8_t> parse_scope(std::string_view word);

// Parse a decimal unsigned integer with bounds; the error names `what`.
// No sign, no spaces, no hex; Usage error "expected a whole number from 0 to
// MAX" for anything else or a value above max.
NETLAB_API Result<std::uint64_t> parse_uint(std::string_view text, std::string_view what,
                                            std::uint64_t max);
// The same from min to max: "expected a whole number from MIN to MAX".
NETLAB_API Result<std::uint64_t> parse_uint(std::string_view text, std::string_view what, std::uint64_t min,
                                            std::uint64_t max);

}  // namespace netlab
