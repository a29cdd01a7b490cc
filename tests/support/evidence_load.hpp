// Reads a saved-evidence document (`netlab arp diagnose --save-evidence
// FILE`, written by diag::write_recording) back into a diag::Recording, so
// unit tests replay the recorded labs of tests/data/diag/ through analyse()
// and run_rule() without privileges.
//
// The reader is the writer's inverse, field for field; a member that is
// absent keeps its default (documents of an older netlab), one of the wrong
// type or an unparsable address throws std::runtime_error naming it.
#pragma once

#include <netlab/diag.hpp>

#include <string>
#include <string_view>

namespace nltest {

netlab::diag::Recording load_recording(std::string_view json_text);
// The file's whole content, then load_recording(); throws when it cannot be read.
netlab::diag::Recording load_recording_file(const std::string& path);
std::string read_file(const std::string& path);

}  // namespace nltest
