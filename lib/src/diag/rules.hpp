// The diagnosis rules, one function per rule, grouped by family in
// rules_link.cpp (devices and the bridge), rules_host.cpp (the host's IPv4
// settings and routes), rules_guest.cpp (what guests send and the filters on
// the way) and rules6.cpp (IPv6 only). Which rule decides which cause, and
// in what order they run, is the catalog's business (catalog.cpp).
#pragma once

#include "diag/analyse_context.hpp"

namespace netlab::diag {

using RuleFn = void (*)(Ctx&);

// rules_link.cpp
void rule_table_full(Ctx& c);          // C34
void rule_noarp(Ctx& c);               // C20
void rule_no_carrier(Ctx& c);          // C52, C05
void rule_ip_on_bridge_port(Ctx& c);   // C01
void rule_stp(Ctx& c);                 // C07, C08
void rule_isolation(Ctx& c);           // C09
void rule_port_not_in_bridge(Ctx& c);  // C06
void rule_mtu(Ctx& c);                 // C19
void rule_macvtap_isolation(Ctx& c);   // C54
void rule_bridge_mac(Ctx& c);          // C33
void rule_vlan(Ctx& c);                // C32 (not observable without VLAN filtering)

// rules_host.cpp
void rule_route_via_other(Ctx& c);  // C04
void rule_arp_ignore(Ctx& c);       // C10
void rule_reverse_path(Ctx& c);     // C11
void rule_offlink_source(Ctx& c);   // C12
void rule_proxy_arp(Ctx& c);        // C13
void rule_stale_permanent(Ctx& c);  // C21

// rules_guest.cpp
void rule_replies(Ctx& c);                // C02, C03
void rule_invalid_mac(Ctx& c);            // C16
void rule_malformed(Ctx& c);              // C14
void rule_bridge_filter(Ctx& c);          // C17, C29
void rule_br_netfilter(Ctx& c);           // C18
void rule_target_not_configured(Ctx& c);  // C15

// rules6.cpp
void rule_ipv6_disabled(Ctx& c);     // C27
void rule_no_link_local(Ctx& c);     // C26
void rule_dad_failed(Ctx& c);        // C22
void rule_ra_ignored(Ctx& c);        // C23
void rule_na_without_tlla(Ctx& c);   // C28
void rule_no_router_advert(Ctx& c);  // C24
void rule_ra_prefix(Ctx& c);         // C30
void rule_no_onlink_prefix(Ctx& c);  // C31
void rule_mld_snooping(Ctx& c);      // C25

}  // namespace netlab::diag
