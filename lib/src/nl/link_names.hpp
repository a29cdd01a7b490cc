// Internal: the index -> name map most listings need to print `dev NAME`,
// built from one link dump on the caller's socket.
#pragma once

#include "nl/socket.hpp"

#include <netlab/error.hpp>
#include <netlab/link.hpp>

#include <string>
#include <vector>

namespace netlab::nl {

class LinkNames {
 public:
  static Result<LinkNames> load(Socket& sock);
  // From links the caller already listed: no second dump.
  static LinkNames from_links(const std::vector<Link>& links);
  // "" for an index the dump did not have (a link that just vanished).
  const std::string& name(int index) const noexcept;
  // 0 when no link has that name.
  int index(std::string_view name) const noexcept;

 private:
  std::vector<std::string> by_index_;  // dense: ifindexes are small numbers
};

// A socket in the target namespace plus its link names: what every
// address, neighbour and route call starts with.
struct Session {
  Socket sock;
  LinkNames names;
  // The index of dev, or a NotFound error naming it.
  Result<int> index_of(std::string_view dev) const;
};
// Fails with "link DEV: no such device" when dev is given and missing.
Result<Session> open_session(const Netns& ns, std::string_view dev = {});

}  // namespace netlab::nl
