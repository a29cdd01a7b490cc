// Internal: the index -> name map most listings need to print `dev NAME`,
// built from one link dump on the caller's socket.
#pragma once

#include "nl/socket.hpp"

#include <netlab/error.hpp>

#include <string>
#include <vector>

namespace netlab::nl {

class LinkNames {
 public:
  static Result<LinkNames> load(Socket& sock);
  // "" for an index the dump did not have (a link that just vanished).
  const std::string& name(int index) const noexcept;
  // 0 when no link has that name.
  int index(std::string_view name) const noexcept;

 private:
  std::vector<std::string> by_index_;  // dense: ifindexes are small numbers
};

}  // namespace netlab::nl
