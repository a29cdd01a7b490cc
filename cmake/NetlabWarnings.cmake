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
  target_compile_options(netlab_warnings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(netlab_warnings INTERFACE -fsanitize=address,undefined)
endif()

# Link only the libraries a binary really uses: every DT_NEEDED entry costs
# start-up time and resident memory in each short-lived CLI process.
target_link_options(netlab_warnings INTERFACE -Wl,--as-needed)
