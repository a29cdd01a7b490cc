// netlab::nft::Rule's judgements and words on hand-built rules, without a
// kernel: may_match_udp_dport (conservative: false only when the rule
// certainly excludes the datagram), PortMatch::may_match, match_summary,
// verdict_text and render_ruleset's JSON.
#include <catch2/catch.hpp>

#include "mini_json.hpp"

#include <netlab/nft.hpp>

#include <netinet/in.h>

using netlab::nft::PortMatch;
using netlab::nft::Rule;
using netlab::nft::VerdictKind;

namespace {

Rule udp_rule(std::optional<PortMatch> dport) {
  Rule r;
  r.match.l4proto = IPPROTO_UDP;
  r.match.dport = dport;
  r.verdict = VerdictKind::Drop;
  return r;
}

}  // namespace

TEST_CASE("PortMatch::may_match: a value, a range, a negation and a set") {
  CHECK(PortMatch{67, 67, false, {}}.may_match(67));
  CHECK_FALSE(PortMatch{67, 67, false, {}}.may_match(68));
  CHECK(PortMatch{60, 70, false, {}}.may_match(60));
  CHECK(PortMatch{60, 70, false, {}}.may_match(70));
  CHECK_FALSE(PortMatch{60, 70, false, {}}.may_match(71));
  CHECK_FALSE(PortMatch{67, 67, true, {}}.may_match(67));
  CHECK(PortMatch{67, 67, true, {}}.may_match(1));
  CHECK(PortMatch{0, 65535, false, "ports"}.may_match(9));
  CHECK(PortMatch{0, 65535, true, "ports"}.may_match(9));  // the set is not read: it may or may not hold 9
}

TEST_CASE("Rule::may_match_udp_dport: the protocol and the port decide, nothing else") {
  CHECK(udp_rule(PortMatch{67, 67, false, {}}).may_match_udp_dport(67));
  CHECK_FALSE(udp_rule(PortMatch{67, 67, false, {}}).may_match_udp_dport(68));
  CHECK(udp_rule(std::nullopt).may_match_udp_dport(68));
  Rule tcp = udp_rule(PortMatch{67, 67, false, {}});
  tcp.match.l4proto = IPPROTO_TCP;
  CHECK_FALSE(tcp.may_match_udp_dport(67));
  Rule not_tcp = tcp;
  not_tcp.match.l4proto_negated = true;  // meta l4proto != tcp
  CHECK(not_tcp.may_match_udp_dport(67));
  Rule not_udp = udp_rule(std::nullopt);
  not_udp.match.l4proto_negated = true;
  CHECK_FALSE(not_udp.may_match_udp_dport(67));
  Rule any;  // no match at all (a policy-like catch-all rule)
  CHECK(any.may_match_udp_dport(67));
  Rule th;  // th dport 67: any protocol
  th.match.dport = PortMatch{67, 67, false, {}};
  CHECK(th.may_match_udp_dport(67));
  CHECK_FALSE(th.may_match_udp_dport(53));
  Rule with_addr = udp_rule(std::nullopt);  // addresses and interfaces are not judged
  with_addr.match.saddr = "192.0.2.0/24";
  with_addr.match.iifname = "veth0";
  CHECK(with_addr.may_match_udp_dport(67));
}

TEST_CASE("Rule::match_summary and verdict_text: nft's words") {
  Rule r = udp_rule(PortMatch{67, 67, false, {}});
  CHECK(r.match_summary() == "udp dport 67");
  CHECK(r.verdict_text() == "drop");
  r.match.dport = PortMatch{60, 70, true, {}};
  r.match.iifname = "eth*";
  r.match.daddr = "2001:db8::/32";
  CHECK(r.match_summary() == "iifname \"eth*\" ip6 daddr 2001:db8::/32 udp dport != 60-70");
  Rule proto_only;
  proto_only.match.l4proto = IPPROTO_TCP;
  proto_only.match.ct_state = {"established", "related"};
  proto_only.match.xt_matches = {"conntrack"};
  proto_only.match.other = {"iif index 1"};
  CHECK(proto_only.match_summary() == "meta l4proto tcp ct state established,related xt match conntrack [iif index 1]");
  Rule j;
  j.verdict = VerdictKind::Jump;
  j.target = "DOCKER-USER";
  CHECK(j.verdict_text() == "jump DOCKER-USER");
  j.verdict = VerdictKind::XtTarget;
  j.target = "MASQUERADE";
  CHECK(j.verdict_text() == "xt target MASQUERADE");
  j.verdict = VerdictKind::Snat;
  j.target = "192.0.2.1";
  CHECK(j.verdict_text() == "snat to 192.0.2.1");
  j.target.clear();
  CHECK(j.verdict_text() == "snat");
  CHECK(Rule{}.verdict_text().empty());
}

TEST_CASE("render_ruleset: one JSON object per table with its chains and their rules in order") {
  netlab::nft::Ruleset rs;
  rs.tables.push_back({netlab::nft::Family::Inet, "filter", 3});
  netlab::nft::Chain c;
  c.family = netlab::nft::Family::Inet;
  c.table = "filter";
  c.name = "input";
  c.handle = 1;
  c.hook = "input";
  c.type = "filter";
  c.policy = "drop";
  c.rules = {7, 5};
  rs.chains.push_back(c);
  for (std::uint64_t h : {7u, 5u}) {
    Rule r = udp_rule(PortMatch{67, 67, false, {}});
    r.family = c.family;
    r.table = c.table;
    r.chain = c.name;
    r.handle = h;
    r.has_counter = h == 7;
    r.packets = 4;
    r.bytes = 400;
    rs.rules.push_back(r);
  }
  std::string out;
  {
    netlab::JsonWriter w(out);
    w.begin_array();
    netlab::Printer p(w);
    netlab::nft::render_ruleset(p, rs);
    w.end_array();
  }
  auto doc = testjson::parse(out);
  REQUIRE(doc.array().size() == 1);
  const auto& chain = doc.array()[0]["chains"].array()[0];
  CHECK(chain["policy"].str() == "drop");
  REQUIRE(chain["rules"].array().size() == 2);
  CHECK(chain["rules"].array()[0]["handle"].text() == "7");
  CHECK(chain["rules"].array()[0]["packets"].text() == "4");
  CHECK_FALSE(chain["rules"].array()[1].has("packets"));
  CHECK(chain["rules"].array()[1]["match"].str() == "udp dport 67");

  std::string text;
  netlab::Printer tp(text, false);
  netlab::nft::render_ruleset(tp, rs);
  CHECK(text ==
        "table inet filter # handle 3\n"
        "\tchain input # handle 1\n"
        "\t\ttype filter hook input priority 0; policy drop;\n"
        "\t\tudp dport 67 counter packets 4 bytes 400 drop # handle 7\n"
        "\t\tudp dport 67 drop # handle 5\n");
}
