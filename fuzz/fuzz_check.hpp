// A property check that stops the fuzzer with a message (also in the g++
// replay build, where there is no sanitizer to report it).
#pragma once

#include <cstdio>
#include <cstdlib>

#define NETLAB_FUZZ_CHECK(cond)                                                      \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                  \
    }                                                                                \
  } while (0)
