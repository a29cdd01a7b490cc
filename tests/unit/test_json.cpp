// Unit tests for <netlab/json.hpp>: JsonWriter and json_escape. Output is
// checked both as text and by parsing it back with the test JSON reader.
#include <catch2/catch.hpp>

#include "mini_json.hpp"

#include <netlab/json.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

using namespace netlab;

namespace {

bool same(const testjson::Value& a, const testjson::Value& b) {
  if (a.v.index() != b.v.index()) return false;
  if (a.is_null()) return true;
  if (a.is_string()) return a.str() == b.str();
  if (a.is_number()) return a.num() == b.num();
  if (a.is_array()) {
    if (a.array().size() != b.array().size()) return false;
    for (std::size_t i = 0; i < a.array().size(); ++i)
      if (!same(a.array()[i], b.array()[i])) return false;
    return true;
  }
  if (a.is_object()) {
    if (a.object().size() != b.object().size()) return false;
    for (const auto& [k, v] : a.object()) {
      if (!b.has(k) || !same(v, b[k])) return false;
    }
    return true;
  }
  return a.boolean() == b.boolean();
}

// A document exercising every kind of value and nesting.
void write_sample(JsonWriter& w) {
  w.begin_object();
  w.member("ifname", "br0");
  w.member("mtu", 1500);
  w.member("up", true);
  w.member("down", false);
  w.key("nothing");
  w.null();
  w.member("flags", std::vector<std::string>{"BROADCAST", "MULTICAST", "UP"});
  w.key("empty_array");
  w.begin_array();
  w.end_array();
  w.key("empty_object");
  w.begin_object();
  w.end_object();
  w.key("addr_info");
  w.begin_array();
  for (int i = 0; i < 2; ++i) {
    w.begin_object();
    w.member("local", i == 0 ? "192.0.2.1" : "2001:db8::1");
    w.member("prefixlen", static_cast<std::uint8_t>(i == 0 ? 24 : 64));
    w.key("nested");
    w.begin_array();
    w.begin_array();
    w.value(i);
    w.end_array();
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.member("quote\"key", "back\\slash");
  w.end_object();
}

}  // namespace

TEST_CASE("JsonWriter produces valid nested JSON", "[json]") {
  std::string out;
  JsonWriter w(out);
  write_sample(w);
  REQUIRE(w.complete());
  INFO(out);
  CHECK(out.find(' ') == std::string::npos);
  CHECK(out.find('\n') == std::string::npos);

  auto v = testjson::parse(out);
  REQUIRE(v.is_object());
  CHECK(v["ifname"].str() == "br0");
  CHECK(v["mtu"].num() == 1500);
  CHECK(v["up"].boolean() == true);
  CHECK(v["down"].boolean() == false);
  CHECK(v["nothing"].is_null());
  REQUIRE(v["flags"].is_array());
  REQUIRE(v["flags"].array().size() == 3);
  CHECK(v["flags"].array()[0].str() == "BROADCAST");
  CHECK(v["flags"].array()[2].str() == "UP");
  CHECK(v["empty_array"].is_array());
  CHECK(v["empty_array"].array().empty());
  CHECK(v["empty_object"].is_object());
  CHECK(v["empty_object"].object().empty());
  const auto& addrs = v["addr_info"].array();
  REQUIRE(addrs.size() == 2);
  CHECK(addrs[0]["local"].str() == "192.0.2.1");
  CHECK(addrs[0]["prefixlen"].num() == 24);
  CHECK(addrs[1]["local"].str() == "2001:db8::1");
  CHECK(addrs[1]["prefixlen"].num() == 64);
  CHECK(addrs[1]["nested"].array()[0].array()[0].num() == 1);
  CHECK(v["quote\"key"].str() == "back\\slash");
  CHECK(v.object().size() == 10);
}

TEST_CASE("JsonWriter compact layout", "[json]") {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.member("a", 1);
  w.key("b");
  w.begin_array();
  w.value(true);
  w.value(false);
  w.null();
  w.end_array();
  w.key("c");
  w.begin_object();
  w.end_object();
  w.key("d");
  w.begin_array();
  w.end_array();
  w.end_object();
  CHECK(out == R"({"a":1,"b":[true,false,null],"c":{},"d":[]})");
}

TEST_CASE("JsonWriter pretty layout", "[json]") {
  SECTION("four-space indentation as ip -j -p") {
    std::string out;
    JsonWriter w(out, true);
    w.begin_object();
    w.member("a", 1);
    w.key("b");
    w.begin_array();
    w.value(true);
    w.end_array();
    w.key("c");
    w.begin_object();
    w.end_object();
    w.end_object();
    CHECK(out == "{\n    \"a\": 1,\n    \"b\": [\n        true\n    ],\n    \"c\": {}\n}");
  }
  SECTION("parses to the same value as compact mode") {
    std::string compact, pretty;
    JsonWriter wc(compact);
    JsonWriter wp(pretty, true);
    write_sample(wc);
    write_sample(wp);
    REQUIRE(wc.complete());
    REQUIRE(wp.complete());
    INFO("compact: " << compact << "\npretty: " << pretty);
    CHECK(pretty != compact);
    CHECK(pretty.find('\n') != std::string::npos);
    auto a = testjson::parse(compact);
    auto b = testjson::parse(pretty);
    CHECK(same(a, b));
    // Sanity check that same() can fail.
    auto c = testjson::parse(R"({"ifname":"br1"})");
    CHECK_FALSE(same(a, c));
  }
  SECTION("empty containers stay on one line") {
    std::string out;
    JsonWriter w(out, true);
    w.begin_array();
    w.begin_object();
    w.end_object();
    w.begin_array();
    w.end_array();
    w.end_array();
    CHECK(out == "[\n    {},\n    []\n]");
    CHECK(testjson::parse(out).array().size() == 2);
  }
}

TEST_CASE("JsonWriter escapes strings", "[json]") {
  const std::string tricky = std::string("say \"hi\" \\ path/to\n\r\t\b\f") + '\x01' + '\x1f' + "\x7f" + "caf\xc3\xa9";
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.member(tricky, tricky);
  w.member("ctl", std::string(1, '\x01'));
  w.end_object();
  INFO(out);
  // No raw control character may appear in the output.
  CHECK(std::none_of(out.begin(), out.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }));
  CHECK(out.find("\\\"hi\\\"") != std::string::npos);
  CHECK(out.find("\\\\") != std::string::npos);
  CHECK(out.find("\\n\\r\\t\\b\\f") != std::string::npos);
  CHECK(out.find("\\u0001") != std::string::npos);
  CHECK(out.find("\\u001f") != std::string::npos);
  CHECK(out.find("\"ctl\":\"\\u0001\"") != std::string::npos);

  auto v = testjson::parse(out);
  REQUIRE(v.has(tricky));
  CHECK(v[tricky].str() == tricky);
  CHECK(v["ctl"].str() == std::string(1, '\x01'));
}

TEST_CASE("json_escape", "[json]") {
  auto esc = [](std::string_view s) {
    std::string out = "prefix:";
    json_escape(out, s);
    return out;
  };
  CHECK(esc("plain") == "prefix:plain");
  CHECK(esc("") == "prefix:");
  CHECK(esc("a\"b") == "prefix:a\\\"b");
  CHECK(esc("a\\b") == "prefix:a\\\\b");
  CHECK(esc("\n") == "prefix:\\n");
  CHECK(esc("\t") == "prefix:\\t");
  CHECK(esc(std::string(1, '\0')) == "prefix:\\u0000");
  CHECK(esc("\x01") == "prefix:\\u0001");
  CHECK(esc("\x1b[0m") == "prefix:\\u001b[0m");
  CHECK(esc("/") == "prefix:/");
  CHECK(esc("\xc3\xa9") == "prefix:\xc3\xa9");
}

TEST_CASE("JsonWriter numbers", "[json]") {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  w.value(-1);
  w.value(0);
  w.value(std::numeric_limits<std::int64_t>::min());
  w.value(std::numeric_limits<std::int64_t>::max());
  w.value(std::numeric_limits<std::uint64_t>::max());
  w.value(std::numeric_limits<unsigned>::max());
  w.value(std::uint16_t{65535});
  w.value(std::uint8_t{255});
  w.value(-2147483647 - 1);
  w.end_array();
  CHECK(out ==
        "[-1,0,-9223372036854775808,9223372036854775807,18446744073709551615,4294967295,65535,255,"
        "-2147483648]");
  auto v = testjson::parse(out);
  REQUIRE(v.array().size() == 9);
  CHECK(v.array()[0].num() == -1);
  CHECK(v.array()[4].num() == 18446744073709551615.0);
  CHECK(v.array()[7].num() == 255);  // a uint8_t is a number, not a character
}

TEST_CASE("JsonWriter strings and bools", "[json]") {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  w.value("literal");
  w.value(std::string("string"));
  w.value(std::string_view("view"));
  w.value(true);
  w.value(false);
  w.value(std::vector<std::string>{});
  w.value(std::vector<std::string>{"x", "y"});
  w.end_array();
  CHECK(out == R"(["literal","string","view",true,false,[],["x","y"]])");
  auto v = testjson::parse(out);
  CHECK(v.array()[3].boolean() == true);
  CHECK(v.array()[4].boolean() == false);
  CHECK(v.array()[5].array().empty());
  CHECK(v.array()[6].array()[1].str() == "y");
}

TEST_CASE("JsonWriter::complete", "[json]") {
  std::string out;
  JsonWriter w(out);
  CHECK(w.complete());
  w.begin_object();
  CHECK_FALSE(w.complete());
  w.key("a");
  w.begin_array();
  CHECK_FALSE(w.complete());
  w.begin_object();
  CHECK_FALSE(w.complete());
  w.end_object();
  CHECK_FALSE(w.complete());
  w.end_array();
  CHECK_FALSE(w.complete());
  w.end_object();
  CHECK(w.complete());
  CHECK(testjson::parse(out)["a"].array().size() == 1);
}

TEST_CASE("JsonWriter::newline", "[json]") {
  std::string out = "existing ";
  JsonWriter w(out);
  w.begin_object();
  w.member("n", 1);
  w.end_object();
  w.newline();
  w.begin_object();
  w.member("n", 2);
  w.end_object();
  w.newline();
  // Appends to what the caller had, one object per line.
  CHECK(out == "existing {\"n\":1}\n{\"n\":2}\n");
}
