// What the guest does wrong on purpose (misbehave.hpp).
#include "guest/misbehave.hpp"

namespace netlab::guest::misbehave {

bool skips_garp(const Config& c) { return !c.garp; }
bool silent_arp(const Config& c) { return c.arp_off; }
MacAddr arp_reply_destination(const Config& c, const MacAddr& asker) { return c.reply_dst.value_or(asker); }
IpAddr arp_reply_sender(const Config& c, const IpAddr& asked) { return c.reply_sender.value_or(asked); }
bool na_carries_tlla(const Config& c) { return c.tlla; }
bool dhcp_ignores_offers(const Config& c) { return c.dhcp && c.dhcp->ignore_offers; }
bool dhcp_releases(const Config& c) { return !c.dhcp || c.dhcp->release; }
bool dhcp_bad_checksum(const Config& c) { return c.dhcp_server && c.dhcp_server->bad_checksum; }

}  // namespace netlab::guest::misbehave
