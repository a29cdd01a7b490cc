// Internal: the (string, JsonWriter) forms of a Printer renderer, for the
// render_*_text / render_*_json functions kept in render.hpp.
#pragma once

#include <netlab/printer.hpp>
#include <netlab/render.hpp>

#include <string>

namespace netlab::output {

template <typename Render, typename... Args>
void as_text(std::string& out, const RenderOptions& o, Render render, const Args&... args) {
  Printer p(out, false, false, o.color);
  render(p, args...);
}

template <typename Render, typename... Args>
void as_json(JsonWriter& w, Render render, const Args&... args) {
  Printer p(w);
  render(p, args...);
}

}  // namespace netlab::output
