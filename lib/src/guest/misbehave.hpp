// The misbehaviours of real guest stacks that Config asks for, in one place:
// each component asks here instead of reading the option itself, so what the
// guest does wrong on purpose is listed once. (The BPDU is its own
// component, bpdu.cpp.)
#pragma once

#include <netlab/guest.hpp>

namespace netlab::guest::misbehave {

// No gratuitous ARP at start (no-garp).
bool skips_garp(const Config& c);
// ARP is never answered (arp-off).
bool silent_arp(const Config& c);
// The Ethernet destination of an ARP reply to `asker` (reply-dst).
MacAddr arp_reply_destination(const Config& c, const MacAddr& asker);
// The sender IP an ARP reply for `asked` claims (reply-sender).
IpAddr arp_reply_sender(const Config& c, const IpAddr& asked);
// NAs carry the target link-layer option (no-tlla: cause C28).
bool na_carries_tlla(const Config& c);
// The DHCP client drops every OFFER (dhcp-ignore-offers: cause C39's client side).
bool dhcp_ignores_offers(const Config& c);
// The DHCP client releases its lease at the end (not with dhcp-no-release: cause C40's stale leases).
bool dhcp_releases(const Config& c);
// The DHCP server's OFFERs and ACKs carry a wrong UDP checksum (dhcp-bad-checksum: cause C39).
bool dhcp_bad_checksum(const Config& c);

}  // namespace netlab::guest::misbehave
