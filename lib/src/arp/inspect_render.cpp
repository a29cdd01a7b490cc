// `arp inspect`'s rows through Printer: text is a table padded to its widest
// cell with a hint line under a row that has one; JSON is one object per row
// with ip -j neigh's keys for the entry itself, so scripts carry over.
#include <netlab/arp.hpp>
#include <netlab/render.hpp>

#include "base/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace netlab::arp {
namespace {

// The text columns before MEANING: address, dev, role, lladdr, state.
using Columns = std::array<std::string, 5>;

Columns columns(const InspectRow& r) {
  return {r.entry.dst.to_string(), r.entry.dev, role_description(r.role, r.master),
          r.entry.lladdr.empty() ? "-" : hw_addr_string(r.entry.lladdr), join(nud_state_words(r.entry.state), ",")};
}

}  // namespace

void render_inspect(Printer& p, const std::vector<InspectRow>& rows, std::string_view dev) {
  if (rows.empty()) {
    p.print_text(dev.empty() ? std::string("no IPv4 neighbour entries\n")
                             : "no IPv4 neighbour entries on " + std::string(dev) + "\n");
    return;
  }
  const Columns heading{"ADDRESS", "DEV", "ROLE", "LLADDR", "STATE"};
  std::array<std::size_t, 5> width{};
  auto widen = [&](const Columns& c) {
    for (std::size_t i = 0; i < c.size(); ++i) width[i] = std::max(width[i], c[i].size());
  };
  widen(heading);
  for (const auto& r : rows) widen(columns(r));
  std::array<std::string, 5> cell;  // "{:<W}  ": a column padded to its width
  for (std::size_t i = 0; i < cell.size(); ++i) cell[i] = fmt::format("{{:<{}}}  ", width[i]);
  for (std::size_t i = 0; i < heading.size(); ++i) p.print_string("", cell[i], heading[i]);
  p.print_text("MEANING\n");
  for (const auto& r : rows) {
    const Neighbour& n = r.entry;
    const Columns c = columns(r);
    p.open_object();
    p.print_string("dst", cell[0], c[0]);
    p.print_string("dev", cell[1], c[1]);
    p.print_string("", cell[2], c[2]);
    p.print_string(n.lladdr.empty() ? "" : "lladdr", cell[3], c[3]);
    if (n.is_router()) p.print_null("router", "");
    p.print_strings("state", cell[4], nud_state_words(n.state));
    p.print_string("role", "", role_name(r.role));
    if (!r.master.empty()) p.print_string("master", "", r.master);
    p.print_bool("noarp_interface", "", r.noarp_interface);
    p.print_string("explanation", "{}\n", r.explanation);
    p.print_string_or_null("cause", "", r.cause);
    p.print_string_or_null("hint", "", r.hint);
    if (!r.hint.empty()) p.print_text(fmt::format("    hint ({}): {}\n", r.cause, r.hint));
    p.close_object();
  }
}

}  // namespace netlab::arp
