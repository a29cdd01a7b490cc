// Kernel evidence in the verdict (kernel_evidence.cpp): the public pure
// parts are in <netlab/diag.hpp>; these two are analyse()'s steps.
#pragma once

#include <netlab/diag.hpp>

#include <string>
#include <vector>

namespace netlab::diag {

// Adds to each fault or warning the drops its cause's mechanism leaves
// (kernel_drop_explains), grouped as kernel_drop_evidence() does.
void attach_kernel_evidence(std::vector<Finding>& findings, const Snapshot& s, const Observation& o);
// "kernel evidence: not available (why); ..." when tracing could not run,
// and a line about lost events; nothing for recordings without kernel evidence.
std::vector<std::string> kernel_notes(const Observation& o);

}  // namespace netlab::diag
