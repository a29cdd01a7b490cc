// The library's version, as built; the CLI prints it for --version.
// Consumers can compare it with the version they compiled against (the
// pkg-config and CMake package versions).
#pragma once

#include <netlab/export.hpp>

namespace netlab {
// "MAJOR.MINOR.PATCH" of the shared library actually loaded. The string is
// static: never free it; it lives as long as the library is loaded.
NETLAB_API const char* version() noexcept;
}
