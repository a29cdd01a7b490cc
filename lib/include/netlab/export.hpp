// Symbol visibility: libnetlab is built with -fvisibility=hidden, and only
// what is marked NETLAB_API is part of the ABI.
#pragma once
#if defined(NETLAB_BUILDING_LIBRARY)
#define NETLAB_API __attribute__((visibility("default")))
#else
#define NETLAB_API
#endif
