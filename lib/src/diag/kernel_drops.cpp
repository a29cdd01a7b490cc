// take_kernel_drops() of kernel_drops.hpp.
#include "diag/kernel_drops.hpp"

#include <variant>

namespace netlab::diag {

void take_kernel_drops(trace::Session& session, std::chrono::system_clock::time_point wall_start,
                       std::vector<KernelDrop>& out, std::size_t limit) {
  auto sink = [&](const trace::Event& ev) {
    const auto* d = std::get_if<trace::Drop>(&ev);
    if (!d || d->device.empty() || out.size() >= limit) return;
    KernelDrop kd;
    kd.time = std::chrono::duration<double>(d->time - wall_start).count();
    kd.interface = d->device;
    kd.reason = d->reason;
    kd.location = d->location;
    kd.protocol = d->protocol;
    kd.probable = d->attribution != trace::Attribution::Certain;
    out.push_back(std::move(kd));
  };
  (void)session.poll(std::chrono::milliseconds(0), sink);
  (void)session.poll(std::chrono::milliseconds(0), sink);
}

}  // namespace netlab::diag
