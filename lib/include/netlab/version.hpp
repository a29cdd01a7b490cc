// The library's version, as built; the CLI prints it for --version.
#pragma once

#include <netlab/export.hpp>

namespace netlab {
NETLAB_API const char* version() noexcept;
}
