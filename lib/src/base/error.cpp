#include <netlab/error.hpp>

#include <cerrno>
#include <cstring>

namespace netlab {
namespace {

// What the named constructors below share: they differ only in the kind and the errno.
Error make_error(Errc kind, int sys_errno, std::string object, std::string reason) {
  Error e;
  e.kind = kind;
  e.sys_errno = sys_errno;
  e.object = std::move(object);
  e.reason = std::move(reason);
  return e;
}

}  // namespace

Error Error::from_errno(int err, std::string object, std::string reason) {
  if (reason.empty()) reason = std::strerror(err);
  return make_error(Errc::System, err, std::move(object), std::move(reason));
}

Error Error::usage(std::string object, std::string reason) {
  return make_error(Errc::Usage, EINVAL, std::move(object), std::move(reason));
}

Error Error::not_found(std::string object, std::string reason) {
  return make_error(Errc::NotFound, ENOENT, std::move(object), std::move(reason));
}

std::string Error::message() const {
  std::string out = object.empty() ? reason : object + ": " + reason;
  if (!extack.empty()) out += " (kernel: " + extack + ")";
  return out;
}

int Error::exit_status() const noexcept { return kind == Errc::Usage ? 2 : 1; }

}  // namespace netlab
