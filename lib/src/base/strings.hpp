// Internal: small string helpers every layer uses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace netlab {

// "a, b, c" from {"a", "b", "c"} with sep ", "; "" for none.
inline std::string join(const std::vector<std::string>& words, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i) out += sep;
    out += words[i];
  }
  return out;
}

}  // namespace netlab
