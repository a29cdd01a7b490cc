// The drops a private tracing session recorded during a watch, as the DHCP
// and path diagnoses keep them in their facts.
#pragma once

#include <netlab/diag.hpp>
#include <netlab/trace.hpp>

#include <chrono>
#include <cstddef>
#include <vector>

namespace netlab::diag {

// Polls `session` twice (drops held for a neighbour event come one poll
// late) and appends the drops that name a device, their time counted from
// `wall_start`, at most `limit` in all (a bound on memory in a drop storm).
void take_kernel_drops(trace::Session& session, std::chrono::system_clock::time_point wall_start,
                       std::vector<KernelDrop>& out, std::size_t limit = 1024);

}  // namespace netlab::diag
