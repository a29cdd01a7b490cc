# One INTERFACE target carries the warning set and sanitizer flags, so every
# target in the tree gets the same ones and nobody edits CMAKE_CXX_FLAGS.
add_library(netlab_warnings INTERFACE)
target_compile_options(netlab_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough)
if(NETLAB_WERROR)
  target_compile_options(netlab_warnings INTERFACE -Werror)
endif()
if(NETLAB_SANITIZE)
  # UBSan's null and alignment checks are left out here. Together they were
  # three quarters of UBSan's per-check-site data: 51 MB of relocated .data
  # in libnetlab.so, so every process of this build spent 0.9-1.0 s of CPU
  # before main (`perf stat netlab --version`), and the ASan stage starts
  # thousands (one per conformance row, unit case and CLI call of the labs).
  # Without them a start costs 0.35 s. A null dereference is still a SEGV
  # that ASan reports with its stack, and every decoder read is byte-wise
  # (ByteReader). The fuzz preset (clang) keeps both checks.
  target_compile_options(netlab_warnings INTERFACE
    -fsanitize=address,undefined -fno-sanitize=alignment,null -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(netlab_warnings INTERFACE -fsanitize=address,undefined)
endif()

# Link only the libraries a binary really uses: every DT_NEEDED entry costs
# start-up time and resident memory in each short-lived CLI process.
target_link_options(netlab_warnings INTERFACE -Wl,--as-needed)
