// EAPOL/EAP (eap.cpp, ethertype 0x888e) and RADIUS (radius.cpp, UDP 1812
// and the other RADIUS ports): an identity exchange at -n and -v, then
// hostile input (an EAP length past the frame, attribute lengths 0, 1 and
// past the packet's end, attributes cut by the capture). Expected text is
// tcpdump 4.99.3's for the same bytes.

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame bytes(std::initializer_list<std::uint8_t> b) { return Frame(b); }

Frame eapol(const Frame& body, unsigned length) { return ether(0x888e, cat({bytes({1, 0}), be16(length), body})); }

// An EAP Response/Identity "alice" (10 bytes).
Frame identity() { return bytes({2, 1, 0, 10, 1, 'a', 'l', 'i', 'c', 'e'}); }

Frame udp_1812(const Frame& payload) {
  return ether(0x0800, ipv4(17, cat({be16(40000), be16(1812), be16(static_cast<unsigned>(8 + payload.size())),
                                     be16(0), payload}),
                            "192.0.2.1", "192.0.2.2"));
}

// An Access-Request header, id 5, for `attrs`, with an authenticator of 16 0x11 bytes.
Frame radius(const Frame& attrs, unsigned length = 0) {
  Frame auth(16, 0x11);
  return cat({bytes({1, 5}), be16(length ? length : static_cast<unsigned>(20 + attrs.size())), auth, attrs});
}

const std::string kAuth = "Authenticator: 11111111111111111111111111111111";

}  // namespace

TEST_CASE("EAPOL: an EAP identity response at -n and -v", "[proto][eap]") {
  const Frame f = eapol(identity(), 10);
  CHECK(print(f) == "EAP packet (0) v1, len 10\n");
  CHECK(print(f, v(1)) ==
        "EAP packet (0) v1, len 10, Response (2), id 1, len 10\n\t\t Type Identity (1), Identity: alice\n");
  CHECK(print(eapol({}, 0), v(1)) == "EAP packet (0) v1, len 0 [|eap]\n");
}

TEST_CASE("EAPOL: start and key frames print their header only", "[proto][eap]") {
  CHECK(print(ether(0x888e, bytes({1, 1, 0, 0})), v(1)) == "EAPOL start (1) v1, len 0\n");
  CHECK(print(ether(0x888e, bytes({2, 3, 0, 4, 1, 2, 3, 4})), v(2)) == "EAPOL key (3) v2, len 4\n");
}

TEST_CASE("EAPOL: an EAP length past the frame is cut", "[proto][eap][hostile]") {
  Frame body = bytes({2, 1, 0, 200, 1, 'a'});
  CHECK(print(eapol(body, 200), v(1)) == "EAP packet (0) v1, len 200, Response (2), id 1, len 200 [|eap]\n");
  // An EAP length other than the EAPOL length, and a request too short for its type.
  CHECK(print(eapol(identity(), 12), v(1)) == "EAP packet (0) v1, len 12, EAP fragment?\n");
  CHECK(print(eapol(bytes({1, 1, 0, 4}), 4), v(1)) ==
        "EAP packet (0) v1, len 4, Request (1), id 1, len 4 (too short for EAP request/response)\n");
  // A header cut short.
  CHECK(print(ether(0x888e, bytes({1, 0})), v(1)) == " [|eap]\n");
}

TEST_CASE("RADIUS: a request with a user name and an EAP message", "[proto][radius]") {
  Frame attrs = cat({bytes({1, 7, 'a', 'l', 'i', 'c', 'e'}), bytes({79, 12}), identity()});
  const Frame f = udp_1812(radius(attrs));
  CHECK(print(f).find(": RADIUS, Access-Request (1), id: 0x05 length: 39\n") != std::string::npos);
  CHECK(print(f, v(1)).find(": RADIUS, length: 39\n\tAccess-Request (1), id: 0x05, " + kAuth +
                            "\n\t  User-Name Attribute (1), length: 7, Value: alice"
                            "\n\t  EAP-Message Attribute (79), length: 12, Value: Response (2), id 1, len 10"
                            "\n\t\t Type Identity (1), Identity: alice\n") != std::string::npos);
  CHECK(print(f, v(2)).find("Value: alice\n\t    0x0000:  616c 6963 65\n") != std::string::npos);
}

TEST_CASE("RADIUS: attribute lengths 0 and 1 and past the end", "[proto][radius][hostile]") {
  CHECK(print(udp_1812(radius(bytes({4, 0, 0, 0}))), v(1))
            .find("\n\t  NAS-IP-Address Attribute (4), length: 0 (bogus, must be >= 2)\n") != std::string::npos);
  CHECK(print(udp_1812(radius(bytes({200, 1}))), v(1))
            .find("\n\t  Unknown Attribute (200), length: 1 (bogus, must be >= 2)\n") != std::string::npos);
  CHECK(print(udp_1812(radius(bytes({1, 40, 'a', 'b'}))), v(1))
            .find("\n\t  User-Name Attribute (1), length: 40 (bogus, goes past end of packet)\n") !=
        std::string::npos);
  // A number of the wrong size.
  CHECK(print(udp_1812(radius(bytes({5, 5, 0, 0, 1}))), v(1))
            .find("NAS-Port Attribute (5), length: 5, Value: ERROR: length 3 != 4\n") != std::string::npos);
}

TEST_CASE("RADIUS: a header or attribute cut by the capture", "[proto][radius][hostile]") {
  Frame f = udp_1812(radius(bytes({1, 7, 'a', 'l', 'i', 'c', 'e'})));
  f.resize(f.size() - 3);  // the IP and UDP lengths still claim the whole message
  CHECK(print(f, v(1)).find("User-Name Attribute (1), length: 7, Value: al [|radius]\n") != std::string::npos);
  Frame header = udp_1812(radius({}));
  header.resize(header.size() - 10);
  std::string out = print(header, v(1));
  CAPTURE(out);
  CHECK(out.find(":  [|radius]\n") != std::string::npos);  // nd_print_trunc's own leading space
  // A RADIUS length under the header's 20 bytes.
  out = print(udp_1812(radius({}, 10)), v(1));
  CAPTURE(out);
  CHECK(out.find(":  [|radius]\n") != std::string::npos);  // nd_print_trunc's own leading space
}

TEST_CASE("RADIUS: JSON values typed by the attribute's kind", "[proto][radius][json]") {
  Frame attrs = cat({bytes({1, 7, 'a', 'l', 'i', 'c', 'e'}),   // User-Name: text
                     bytes({4, 6, 192, 0, 2, 9}),              // NAS-IP-Address: an address
                     bytes({6, 6, 0, 0, 0, 2}),                // Service-Type 2: Framed
                     bytes({27, 6, 0, 0, 0x0e, 0x10}),         // Session-Timeout: a number
                     bytes({1, 4, 0xff, 0x01}),                // a binary User-Name: hex
                     bytes({5, 5, 0, 0, 1})});                 // a NAS-Port of 3 bytes: hex
  std::string out = print(udp_1812(radius(attrs)), json());
  CAPTURE(out);
  CHECK(out.find(R"({"type":1,"name":"User-Name","length":7,"value":"alice"})") != std::string::npos);
  CHECK(out.find(R"({"type":4,"name":"NAS-IP-Address","length":6,"value":"192.0.2.9"})") != std::string::npos);
  CHECK(out.find(R"({"type":6,"name":"Service-Type","length":6,"value":2,"value_name":"Framed"})") !=
        std::string::npos);
  CHECK(out.find(R"({"type":27,"name":"Session-Timeout","length":6,"value":3600})") != std::string::npos);
  CHECK(out.find(R"({"type":1,"name":"User-Name","length":4,"value_hex":"ff01"})") != std::string::npos);
  CHECK(out.find(R"({"type":5,"name":"NAS-Port","length":5,"value_hex":"000001"})") != std::string::npos);
}
