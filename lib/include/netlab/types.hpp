// Value types for the things a network engineer types and reads: MAC
// addresses, IPv4/IPv6 addresses, prefixes and interface names. Each has a
// parse() that rejects bad input with a Usage error naming the input, and a
// to_string() in the canonical form iproute2 prints.
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

class NETLAB_API MacAddr {
 public:
  MacAddr() = default;
  explicit MacAddr(std::array<std::uint8_t, 6> bytes) : bytes_(bytes) {}
  // "c0:ff:ee:c0:ff:ee" or "c0-ff-ee-c0-ff-ee"; one or two hex digits a group.
  static Result<MacAddr> parse(std::string_view text);
  // Parse and require a unicast, non-zero address: what a NIC may carry.
  static Result<MacAddr> parse_unicast(std::string_view text);

  const std::array<std::uint8_t, 6>& bytes() const noexcept { return bytes_; }
  bool is_multicast() const noexcept { return bytes_[0] & 0x01; }  // I/G bit
  bool is_broadcast() const noexcept;
  bool is_zero() const noexcept;
  bool is_locally_administered() const noexcept { return bytes_[0] & 0x02; }
  std::string to_string() const;  // lower-case, colon separated
  auto operator<=>(const MacAddr&) const = default;

 private:
  std::array<std::uint8_t, 6> bytes_{};
};

enum class Family : std::uint8_t { Unspec = 0, Inet = 2, Inet6 = 10 };
NETLAB_API std::string_view family_name(Family f) noexcept;  // "inet", "inet6"

// An IPv4 or IPv6 address. Bytes are in network order; IPv4 uses the first 4.
class NETLAB_API IpAddr {
 public:
  IpAddr() = default;
  static IpAddr v4(std::span<const std::uint8_t, 4> b);
  static IpAddr v6(std::span<const std::uint8_t, 16> b);
  // Build from raw bytes as netlink carries them (4 or 16 bytes); otherwise
  // returns an unspecified address.
  static IpAddr from_bytes(std::span<const std::uint8_t> b);
  static Result<IpAddr> parse(std::string_view text);

  Family family() const noexcept { return family_; }
  bool is_v4() const noexcept { return family_ == Family::Inet; }
  bool is_v6() const noexcept { return family_ == Family::Inet6; }
  bool is_unspecified() const noexcept { return family_ == Family::Unspec; }
  std::size_t size() const noexcept { return is_v4() ? 4 : is_v6() ? 16 : 0; }
  std::span<const std::uint8_t> bytes() const noexcept { return {bytes_.data(), size()}; }
  bool is_multicast() const noexcept;
  bool is_link_local() const noexcept;  // 169.254/16, fe80::/10
  std::string to_string() const;
  auto operator<=>(const IpAddr&) const = default;

 private:
  Family family_ = Family::Unspec;
  std::array<std::uint8_t, 16> bytes_{};
};

class NETLAB_API Prefix {
 public:
  Prefix() = default;
  Prefix(IpAddr addr, std::uint8_t len) : addr_(addr), len_(len) {}
  // "192.0.2.1/24", "2001:db8::/32"; a bare address means a host prefix.
  static Result<Prefix> parse(std::string_view text);

  const IpAddr& addr() const noexcept { return addr_; }
  std::uint8_t len() const noexcept { return len_; }
  Family family() const noexcept { return addr_.family(); }
  std::uint8_t max_len() const noexcept { return addr_.is_v4() ? 32 : 128; }
  bool is_host() const noexcept { return len_ == max_len(); }
  Prefix network() const;  // host bits cleared
  bool contains(const IpAddr& a) const noexcept;
  std::string to_string() const;  // "addr/len"
  auto operator<=>(const Prefix&) const = default;

 private:
  IpAddr addr_;
  std::uint8_t len_ = 0;
};

// An interface name the kernel will accept: 1..15 bytes (IFNAMSIZ - 1), not
// "." or "..", no '/', ':' or white space.
class NETLAB_API IfName {
 public:
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
NETLAB_API Result<std::uint16_t> parse_nud_state(std::string_view word);

// Route/address scope names as iproute2 prints them ("global", "link", ...).
NETLAB_API std::string scope_name(std::uint8_t scope);
NETLAB_API Result<std::uint8_t> parse_scope(std::string_view word);

// Parse a decimal unsigned integer with bounds; the error names `what`.
NETLAB_API Result<std::uint64_t> parse_uint(std::string_view text, std::string_view what,
                                            std::uint64_t max);

}  // namespace netlab
