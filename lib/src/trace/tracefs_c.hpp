// Internal: the libtracefs 1.6 functions trace/ calls, declared for C++.
// Why not #include <tracefs.h>: its inline helpers (tracefs_hist_start and
// kin) pass an int where an enum is expected, which C accepts and C++ does
// not; these prototypes are copied from that header (libtracefs-dev 1.6.4)
// and the library's ABI (libtracefs.so.1) keeps them.
#pragma once

#include <event-parse.h>

extern "C" {
struct tracefs_instance;
int tracefs_set_tracing_dir(char* tracing_dir);
struct tracefs_instance* tracefs_instance_alloc(const char* tracing_dir, const char* name);
void tracefs_instance_free(struct tracefs_instance* instance);
struct tep_handle* tracefs_local_events_system(const char* tracing_dir, const char* const* sys_names);
bool tracefs_file_exists(struct tracefs_instance* instance, const char* name);
int tracefs_event_file_write(struct tracefs_instance* instance, const char* system, const char* event,
                             const char* file, const char* str);
int tracefs_event_enable(struct tracefs_instance* instance, const char* system, const char* event);
}
