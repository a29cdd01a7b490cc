// Symbol visibility: libnetlab is built with -fvisibility=hidden, and only
// what is marked NETLAB_API is part of the ABI. The build of the library
// defines NETLAB_BUILDING_LIBRARY; a program using the library does not, and
// NETLAB_API is then empty. Inline functions and templates in the headers
// need no mark. Every other public header includes this one.
#pragma once
#if defined(NETLAB_BUILDING_LIBRARY)
#define NETLAB_API __attribute__((visibility("default")))
#else
#define NETLAB_API
#endif
