// The guest's components (component.hpp), one file each, and the few calls
// one component makes into another's file. loop.cpp registers them in the
// order their start() output must appear.
#pragma once

#include "guest/component.hpp"
#include "guest/state.hpp"

#include <memory>
#include <string_view>

namespace netlab::guest {

std::unique_ptr<Component> make_arp(Shared& s);         // arp.cpp: ARP answers, gratuitous ARP
std::unique_ptr<Component> make_echo(Shared& s);        // icmp.cpp: answers to echo requests (v4 and v6)
std::unique_ptr<Component> make_addresses6(Shared& s);  // addr6.cpp: IPv6 addresses, DAD, SLAAC, RS
std::unique_ptr<Component> make_nd(Shared& s);          // nd.cpp: NS and NA
std::unique_ptr<Component> make_ra(Shared& s);          // ra.cpp: the router's RAs and RS answers
std::unique_ptr<Component> make_mld(Shared& s);         // mld.cpp: answers to MLD queries
std::unique_ptr<Component> make_bpdu(Shared& s);        // bpdu.cpp: an STP BPDU every 2 s (Config::bpdu)
std::unique_ptr<Component> make_ping(Shared& s);        // ping.cpp: our own echo requests (Config::ping)
std::unique_ptr<Component> make_dhcp_client(Shared& s); // dhcp_client.cpp: DHCPv4 client (Config::dhcp)
std::unique_ptr<Component> make_dhcp_server(Shared& s); // dhcp_server.cpp: DHCPv4 server (Config::dhcp_server)

// mld.cpp: an MLDv2 report of the guest's groups, from its usable
// link-local address, else from ::.
void report_groups(Shared& s);

// addr6.cpp: another station has (or wants) the tentative address `a`:
// it is marked duplicate and never used.
void dad_failed(Shared& s, Address6& a, const MacAddr& other, std::string_view how);

}  // namespace netlab::guest
