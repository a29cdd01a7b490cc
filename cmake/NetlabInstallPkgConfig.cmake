# Install-time half of netlab.pc, included from the install(CODE) in the
# top-level CMakeLists.txt, which sets the NETLAB_PC_* inputs. It runs inside
# cmake_install.cmake, where CMAKE_INSTALL_PREFIX is the prefix being
# installed to (`cmake --install --prefix P`, or /usr under cpack), and
# file(INSTALL) adds $ENV{DESTDIR} and records the file in install_manifest.txt
# as install(FILES) would.

set(NETLAB_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
foreach(kind LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${NETLAB_PC_${kind}}")
    set(NETLAB_PC_${kind}_FULL "${NETLAB_PC_${kind}}")
  else()
    set(NETLAB_PC_${kind}_FULL "\${prefix}/${NETLAB_PC_${kind}}")
  endif()
endforeach()

# One work file per destination: a cpack run and a test's install can
# run at the same time from the same build tree.
string(MD5 netlab_pc_key "$ENV{DESTDIR}|${CMAKE_INSTALL_PREFIX}")
set(netlab_pc_file "${NETLAB_PC_WORKDIR}/${netlab_pc_key}/netlab.pc")
configure_file("${NETLAB_PC_IN}" "${netlab_pc_file}" @ONLY)

if(IS_ABSOLUTE "${NETLAB_PC_LIBDIR}")
  set(netlab_pc_dest "${NETLAB_PC_LIBDIR}/pkgconfig")
else()
  set(netlab_pc_dest "${CMAKE_INSTALL_PREFIX}/${NETLAB_PC_LIBDIR}/pkgconfig")
endif()
file(INSTALL DESTINATION "${netlab_pc_dest}" TYPE FILE FILES "${netlab_pc_file}")
