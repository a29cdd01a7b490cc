// Reading netlink attributes safely. The kernel is trusted to send
// well-formed messages, but we still check every payload length before
// reading it: a wrong assumption here would be an out-of-bounds read.
#pragma once

#include <netlab/types.hpp>

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <netlink/attr.h>
#include <netlink/msg.h>

namespace netlab::nl {

// Attributes of one level, indexed by type; types above Max are ignored.
template <int Max>
struct Attrs {
  nlattr* tb[Max + 1] = {};
  nlattr* operator[](int type) const noexcept { return type <= Max ? tb[type] : nullptr; }
  // Parse the attributes that follow a fixed header of hdrlen bytes.
  bool parse_msg(nlmsghdr* h, int hdrlen) noexcept {
    return nlmsg_parse(h, hdrlen, tb, Max, nullptr) == 0;
  }
  bool parse_nested(const nlattr* a) noexcept {
    return a && nla_parse_nested(tb, Max, const_cast<nlattr*>(a), nullptr) == 0;
  }
};

inline std::span<const std::uint8_t> payload(const nlattr* a) noexcept {
  if (!a) return {};
  return {static_cast<const std::uint8_t*>(nla_data(a)), static_cast<std::size_t>(nla_len(a))};
}

template <typename T>
inline std::optional<T> get_int(const nlattr* a) noexcept {
  if (!a || nla_len(a) < static_cast<int>(sizeof(T))) return std::nullopt;
  T v;
  std::memcpy(&v, nla_data(a), sizeof v);
  return v;
}
inline std::optional<std::uint8_t> get_u8(const nlattr* a) noexcept { return get_int<std::uint8_t>(a); }
inline std::optional<std::uint16_t> get_u16(const nlattr* a) noexcept { return get_int<std::uint16_t>(a); }
inline std::optional<std::uint32_t> get_u32(const nlattr* a) noexcept { return get_int<std::uint32_t>(a); }
inline std::optional<std::int32_t> get_s32(const nlattr* a) noexcept { return get_int<std::int32_t>(a); }

// A NUL-terminated string attribute; stops at the payload's end if the NUL is missing.
inline std::string get_string(const nlattr* a) {
  auto p = payload(a);
  std::size_t n = 0;
  while (n < p.size() && p[n] != 0) ++n;
  return {reinterpret_cast<const char*>(p.data()), n};
}

inline std::vector<std::uint8_t> get_bytes(const nlattr* a) {
  auto p = payload(a);
  return {p.begin(), p.end()};
}

inline std::optional<IpAddr> get_ip(const nlattr* a) {
  auto p = payload(a);
  if (p.size() != 4 && p.size() != 16) return std::nullopt;
  return IpAddr::from_bytes(p);
}

// The fixed header of a message, if the message is long enough to hold it.
template <typename T>
inline const T* header(const nlmsghdr* h) noexcept {
  if (h->nlmsg_len < NLMSG_LENGTH(sizeof(T))) return nullptr;
  return static_cast<const T*>(NLMSG_DATA(h));
}

}  // namespace netlab::nl
