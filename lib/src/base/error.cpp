#include <netlab/error.hpp>

#include <cstring>

namespace netlab {

Error Error::from_errno(int err, std::string object, std::string reason) {
  Error e;
  e.kind = Errc::System;
  e.sys_errno = err;
  e.object = std::move(object);
  e.reason = reason.empty() ? std::string(std::strerror(err)) : std::move(reason);
  return e;
}

Error Error::usage(std::string object, std::string reason) {
  Error e;
  e.kind = Errc::Usage;
  e.sys_errno = EINVAL;
  e.object = std::move(object);
  e.reason = std::move(reason);
  return e;
}

Error Error::not_found(std::string object, std::string reason) {
  Error e;
  e.kind = Errc::NotFound;
  e.sys_errno = ENOENT;
  e.object = std::move(object);
  e.reason = std::move(reason);
  return e;
}

std::string Error::message() const {
  std::string out = object.empty() ? reason : object + ": " + reason;
  if (!extack.empty()) out += " (kernel: " + extack + ")";
  return out;
}

int Error::exit_status() const noexcept { return kind == Errc::Usage ? 2 : 1; }

}  // namespace netlab
