// Unit tests for <netlab/printer.hpp>: one list of calls gives the expected
// text and the expected JSON, and each call writes only its own side.
#include <catch2/catch.hpp>

#include <netlab/printer.hpp>

#include <string>
#include <vector>

using namespace netlab;

namespace {

// A record the way a renderer writes one: every field once, for both outputs.
void record(Printer& p) {
  p.open_object();
  p.print_int("ifindex", "{}: ", 7);
  p.print_string("ifname", "{}", "br0", Paint::Ifname);
  p.print_strings("flags", ": <{}>", {"UP", "LOWER_UP"});
  p.print_uint("mtu", " mtu {}", 1500);
  p.print_uint("forward_delay", " forward_delay {}", 1500, "15s");
  p.print_on_off("hairpin", " hairpin {}", false);
  p.print_bool("is_local", " local {}", true);
  p.print_null("router", " router");
  p.print_true("permanent", " permanent");
  p.print_string_or_null("cause", " cause {}", "", "-");
  p.print_float("rtt_ms", " {}", 0.25, "0.250ms");
  p.print_string("link", "", "v1");       // JSON only
  p.print_text(" (text only)");           // text only
  p.open_array("addr_info");
  p.open_object();
  p.print_string("local", "\n    inet {}", "192.0.2.1");
  p.close_object();
  p.close_array();
  p.open_array("macs");
  p.print_element("02:00:00:00:00:01");
  p.close_array();
  p.print_text("\n");
  p.close_object();
}

}  // namespace

static std::string recorded(bool json) {
  std::string out;
  Printer p(out, json);
  CHECK(p.json() == json);
  record(p);
  return out;
}

TEST_CASE("Printer: the same calls give text and JSON", "[printer]") {
  CHECK(recorded(false) ==
        "7: br0: <UP,LOWER_UP> mtu 1500 forward_delay 15s hairpin off local yes router permanent cause - 0.250ms"
        " (text only)\n    inet 192.0.2.1\n");
  CHECK(recorded(true) ==
        R"({"ifindex":7,"ifname":"br0","flags":["UP","LOWER_UP"],"mtu":1500,"forward_delay":1500,"hairpin":false,)"
        R"("is_local":true,"router":null,"permanent":true,"cause":null,"rtt_ms":0.25,"link":"v1",)"
        R"("addr_info":[{"local":"192.0.2.1"}],"macs":["02:00:00:00:00:01"]})");
}

TEST_CASE("Printer: pretty JSON indents as ip -j -p", "[printer]") {
  std::string out;
  Printer p(out, true, true);
  p.open_array();
  p.open_object();
  p.print_string("ifname", "{}", "v0");
  p.close_object();
  p.close_array();
  p.json_newline();
  CHECK(out == "[\n    {\n        \"ifname\": \"v0\"\n    }\n]\n");
}

TEST_CASE("Printer: colour paints values in text only", "[printer]") {
  std::string text, json;
  Printer t(text, false, false, true);
  Printer j(json, true, false, true);
  for (Printer* p : {&t, &j}) {
    p->open_object();
    p->print_string("dev", " dev {}", "v0", Paint::Ifname);
    p->print_string("state", " state {}", "UP", Paint::Up);
    p->print_painted("v0@v1", Paint::Ifname);
    p->close_object();
  }
  CHECK(text == " dev \033[36mv0\033[0m state \033[32mUP\033[0m\033[36mv0@v1\033[0m");
  CHECK(json == R"({"dev":"v0","state":"UP"})");
  CHECK_FALSE(j.color());
}

TEST_CASE("Printer: over a caller's JsonWriter, inside its container", "[printer]") {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  {
    Printer p(w);
    p.open_object();
    p.print_uint("a", "{}", 1);
    p.close_object();
  }
  w.end_array();
  CHECK(w.complete());
  CHECK(out == R"([{"a":1}])");
}

TEST_CASE("Printer: escape hatches name one side", "[printer]") {
  std::string text, json;
  Printer t(text, false);
  Printer j(json, true);
  CHECK(t.json_writer() == nullptr);
  CHECK(t.text_out() == &text);
  CHECK(j.json_writer() != nullptr);
  CHECK(j.text_out() == nullptr);
  t.json_newline();
  j.print_text("ignored");
  CHECK(text.empty());
  CHECK(json.empty());
}
