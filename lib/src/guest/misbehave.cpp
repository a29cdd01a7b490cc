// What the guest does wrong on purpose (misbehave.hpp).
#include "guest/misbehave.hpp"

namespace netlab::guest::misbehave {

bool skips_garp(const Config& c) { return !c.garp; }
bool silent_arp(const Config& c) { return c.arp_off; }
MacAddr arp_reply_destination(const Config& c, const MacAddr& asker) { return c.reply_dst.value_or(asker); }
IpAddr arp_reply_sender(const Config& c, const IpAddr& asked) { return c.reply_sender.value_or(asked); }
bool na_carries_tlla(const Config& c) { return c.tlla; }

}  // namespace netlab::guest::misbehave
