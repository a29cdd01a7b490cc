// RX: AFS's remote procedure call transport (the Transarc/OpenAFS rx
// headers, rx/rx_packet.h), UDP ports 7000-7009. The text follows tcpdump
// 4.99.3's print-rx.c: " rx TYPE (LENGTH)" at -n, the sequence and serial
// numbers from -v, the connection, call number and flags from -vv, the
// security index and service from -vvv; an ack's first packet, serial,
// reason and acked/nacked ranges (bufspace and maxskew from -vvv, the
// trailing MTU and window fields from -vv). A header not captured whole is
// " [|rx] (LENGTH)", an ack body " [|ack]". The AFS services' calls (the
// first data packet of a call, by destination port: fs 7000, cb 7001, pt
// 7002, vldb 7003, kauth 7004, vol 7005, bos 7007, and Ubik's operations of
// the replicated databases) print their operation and the arguments
// tcpdump decodes; their replies (and aborts) are named from the capture's
// call cache (RxCalls: tcpdump's 64-slot rx_cache) and print their results
// or error code. A service's own cut prints " [|fs]" etc. and the line goes
// on; a field read past the capture ends the packet with " [|rx]", as
// tcpdump's GET_ macros do.
#include "proto/proto.hpp"

#include <cstdio>
#include <ctime>

namespace netlab::proto {
namespace {

constexpr std::size_t kHeader = 28;  // epoch, cid, call, seq, serial, type, flags, status, secindex, spare, service
constexpr std::size_t kAck = 18;     // bufspace, maxskew, first, previous, serial, reason, nAcks

constexpr Tok kTypes[] = {{1, "data"},      {2, "ack"},      {3, "busy"},  {4, "abort"},  {5, "ackall"},
                          {6, "challenge"}, {7, "response"}, {8, "debug"}, {9, "params"}, {13, "version"}};

constexpr Tok kAckReasons[] = {{1, "ack requested"},   {2, "duplicate packet"}, {3, "out of sequence"},
                               {4, "exceeds window"},  {5, "no buffer space"},  {6, "ping"},
                               {7, "ping response"},   {8, "delay"},            {9, "idle"}};

struct Flag {
  std::uint8_t bit;
  std::uint8_t type;  // 0: any packet type
  std::string_view name;
};
constexpr Flag kFlags[] = {{0x01, 0, "client-init"}, {0x02, 0, "req-ack"},    {0x04, 0, "last-pckt"},
                           {0x08, 0, "more-pckts"},  {0x10, 0, "free-pckt"},  {0x20, 2, "slow-start"},
                           {0x20, 1, "jumbogram"}};

// tcpdump's run printing of an ack array: each run of `want` entries as
// " WORD first" then ",next" for a new run and "-last" closing a run longer
// than one.
void runs(Out& o, Bytes acks, std::uint8_t want, std::string_view word, std::uint32_t first) {
  int start = -2, last = -2;
  int n = static_cast<int>(acks.size()), i = 0;
  for (; i < n; ++i) {
    if (acks[i] == want) {
      if (last == -2) {
        o << ' ' << word << ' ';
        o.u(first + i);
        start = i;
      } else if (last != i - 1) {
        o << ',';
        o.u(first + i);
        start = i;
      }
      last = i;
    } else if (last == i - 1 && start != last) {
      o << '-';
      o.u(first + i - 1);
    }
  }
  if (last == i - 1 && start != last) {
    o << '-';
    o.u(first + i - 1);
  }
}

// The ack body after the RX header (m: the message as captured); one cut
// short says " [|ack]" and the line goes on to the length as tcpdump's does.
void ack(Out& o, Bytes m, int verbose) {
  if (m.size() < kHeader + kAck) {
    o << " [|ack]";
    return;
  }
  Bytes a = m.subspan(kHeader);
  if (verbose > 2) {
    o << " bufspace ";
    o.u(be16_at(a, 0)) << " maxskew ";
    o.u(be16_at(a, 2));
  }
  std::uint32_t first = be32_at(a, 4);
  o << " first ";
  o.u(first) << " serial ";
  o.u(be32_at(a, 12)) << " reason ";
  tok_print(o, kAckReasons, a[16], "#");
  std::size_t nacks = a[17];
  std::size_t at = kAck;
  if (nacks != 0) {
    if (a.size() < kAck + nacks) {
      o << " [|ack]";
      return;
    }
    Bytes list = a.subspan(kAck, nacks);
    runs(o, list, 1, "acked", first);
    runs(o, list, 0, "nacked", first);
    at += nacks;
  }
  at += 3;  // padding
  if (verbose > 1) {
    for (std::string_view name : {" ifmtu ", " maxmtu ", " rwind ", " maxpackets "}) {
      if (a.size() < at + 4) break;  // optional: tcpdump stops quietly
      o << name;
      o.u(be32_at(a, at));
      at += 4;
    }
  }
}


// ---- the AFS services (tcpdump's fs/cb/pt/vldb/kauth/vol/bos/ubik printers)

constexpr std::uint16_t kFsPort = 7000, kCbPort = 7001, kPtPort = 7002, kVldbPort = 7003, kKauthPort = 7004,
                        kVolPort = 7005, kBosPort = 7007;

constexpr Tok kFsOps[] = {
    {130, "fetch-data"},   {131, "fetch-acl"},    {132, "fetch-status"}, {133, "store-data"},
    {134, "store-acl"},    {135, "store-status"}, {136, "remove-file"},  {137, "create-file"},
    {138, "rename"},       {139, "symlink"},      {140, "link"},         {141, "makedir"},
    {142, "rmdir"},        {143, "oldsetlock"},   {144, "oldextlock"},   {145, "oldrellock"},
    {146, "get-stats"},    {147, "give-cbs"},     {148, "get-vlinfo"},   {149, "get-vlstats"},
    {150, "set-vlstats"},  {151, "get-rootvl"},   {152, "check-token"},  {153, "get-time"},
    {154, "nget-vlinfo"},  {155, "bulk-stat"},    {156, "setlock"},      {157, "extlock"},
    {158, "rellock"},      {159, "xstat-ver"},    {160, "get-xstat"},    {161, "dfs-lookup"},
    {162, "dfs-flushcps"}, {163, "dfs-symlink"},  {220, "residency"}};
constexpr Tok kCbOps[] = {{204, "callback"},      {205, "initcb"},       {206, "probe"},
                          {207, "getlock"},       {208, "getce"},        {209, "xstatver"},
                          {210, "getxstat"},      {211, "initcb2"},      {212, "whoareyou"},
                          {213, "initcb3"},       {214, "probeuuid"},    {215, "getsrvprefs"},
                          {216, "getcellservdb"}, {217, "getlocalcell"}, {218, "getcacheconf"}};
constexpr Tok kPtOps[] = {{500, "new-user"},      {501, "where-is-it"},       {502, "dump-entry"},
                          {503, "add-to-group"},  {504, "name-to-id"},        {505, "id-to-name"},
                          {506, "delete"},        {507, "remove-from-group"}, {508, "get-cps"},
                          {509, "new-entry"},     {510, "list-max"},          {511, "set-max"},
                          {512, "list-entry"},    {513, "change-entry"},      {514, "list-elements"},
                          {515, "same-mbr-of"},   {516, "set-fld-sentry"},    {517, "list-owned"},
                          {518, "get-cps2"},      {519, "get-host-cps"},      {520, "update-entry"},
                          {521, "list-entries"}};
constexpr Tok kVldbOps[] = {
    {501, "create-entry"},         {502, "delete-entry"},        {503, "get-entry-by-id"},
    {504, "get-entry-by-name"},    {505, "get-new-volume-id"},   {506, "replace-entry"},
    {507, "update-entry"},         {508, "setlock"},             {509, "releaselock"},
    {510, "list-entry"},           {511, "list-attrib"},         {512, "linked-list"},
    {513, "get-stats"},            {514, "probe"},               {515, "get-addrs"},
    {516, "change-addr"},          {517, "create-entry-n"},      {518, "get-entry-by-id-n"},
    {519, "get-entry-by-name-n"},  {520, "replace-entry-n"},     {521, "list-entry-n"},
    {522, "list-attrib-n"},        {523, "linked-list-n"},       {524, "update-entry-by-name"},
    {525, "create-entry-u"},       {526, "get-entry-by-id-u"},   {527, "get-entry-by-name-u"},
    {528, "replace-entry-u"},      {529, "list-entry-u"},        {530, "list-attrib-u"},
    {531, "linked-list-u"},        {532, "regaddr"},             {533, "get-addrs-u"},
    {534, "list-attrib-n2"}};
constexpr Tok kKauthOps[] = {{1, "auth-old"},     {21, "authenticate"}, {22, "authenticate-v2"},
                             {2, "change-pw"},    {3, "get-ticket-old"}, {23, "get-ticket"},
                             {4, "set-pw"},       {5, "set-fields"},    {6, "create-user"},
                             {7, "delete-user"},  {8, "get-entry"},     {9, "list-entry"},
                             {10, "get-stats"},   {11, "debug"},        {12, "get-pw"},
                             {13, "get-random-key"}, {14, "unlock"},    {15, "lock-status"}};
constexpr Tok kVolOps[] = {
    {100, "create-volume"},  {101, "delete-volume"},    {102, "restore"},         {103, "forward"},
    {104, "end-trans"},      {105, "clone"},            {106, "set-flags"},       {107, "get-flags"},
    {108, "trans-create"},   {109, "dump"},             {110, "get-nth-volume"},  {111, "set-forwarding"},
    {112, "get-name"},       {113, "get-status"},       {114, "sig-restore"},     {115, "list-partitions"},
    {116, "list-volumes"},   {117, "set-id-types"},     {118, "monitor"},         {119, "partition-info"},
    {120, "reclone"},        {121, "list-one-volume"},  {122, "nuke"},            {123, "set-date"},
    {124, "x-list-volumes"}, {125, "x-list-one-volume"}, {126, "set-info"},       {127, "x-list-partitions"},
    {128, "forward-multiple"}};
constexpr Tok kBosOps[] = {
    {80, "create-bnode"},      {81, "delete-bnode"},       {82, "set-status"},          {83, "get-status"},
    {84, "enumerate-instance"}, {85, "get-instance-info"}, {86, "get-instance-parm"},   {87, "add-superuser"},
    {88, "delete-superuser"},  {89, "list-superusers"},    {90, "list-keys"},           {91, "add-key"},
    {92, "delete-key"},        {93, "set-cell-name"},      {94, "get-cell-name"},       {95, "get-cell-host"},
    {96, "add-cell-host"},     {97, "delete-cell-host"},   {98, "set-t-status"},        {99, "shutdown-all"},
    {100, "restart-all"},      {101, "startup-all"},       {102, "set-noauth-flag"},    {103, "re-bozo"},
    {104, "restart"},          {105, "start-bozo-install"}, {106, "uninstall"},         {107, "get-dates"},
    {108, "exec"},             {109, "prune"},             {110, "set-restart-time"},   {111, "get-restart-time"},
    {112, "start-bozo-log"},   {113, "wait-all"},          {114, "get-instance-strings"},
    {115, "get-restricted"},   {116, "set-restricted"}};
constexpr Tok kUbikOps[] = {
    {10000, "vote-beacon"},     {10001, "vote-debug-old"},  {10002, "vote-sdebug-old"},
    {10003, "vote-getsyncsite"}, {10004, "vote-debug"},     {10005, "vote-sdebug"},
    {20000, "disk-begin"},      {20001, "disk-commit"},     {20002, "disk-lock"},
    {20003, "disk-write"},      {20004, "disk-getversion"}, {20005, "disk-getfile"},
    {20006, "disk-sendfile"},   {20007, "disk-abort"},      {20008, "disk-releaselocks"},
    {20009, "disk-truncate"},   {20010, "disk-probe"},      {20011, "disk-writev"},
    {20012, "disk-interfaceaddr"}, {20013, "disk-setversion"}};
constexpr Tok kFsErrors[] = {{101, "salvage volume"},  {102, "no such vnode"},      {103, "no such volume"},
                             {104, "volume exist"},    {105, "no service"},         {106, "volume offline"},
                             {107, "voline online"},   {108, "diskfull"},           {109, "diskquota exceeded"},
                             {110, "volume busy"},     {111, "volume moved"},       {112, "AFS IO error"},
                             {0xffffff9cu, "restarting fileserver"}};
constexpr std::string_view kVolTypes[] = {"read-write", "read-only", "backup"};

constexpr std::uint32_t kAfsNameMax = 256, kPrNameMax = 64, kVlNameMax = 65, kKaNameMax = 64, kBosNameMax = 256;

bool is_ubik(std::uint32_t op) { return (op >= 10000 && op <= 10005) || (op >= 20000 && op <= 20013); }

// A service's own cut (tcpdump's "goto trunc": " [|fs]" and the line goes
// on); a field read past the capture throws Truncated, which ends the
// packet with " [|rx]" as tcpdump's GET_ macros do.
struct Cut {};

// tcpdump's argument macros over the bytes after the RX header (and opcode).
struct Args {
  Out& o;
  Bytes m;          // the message as captured
  std::size_t at;  // the next argument
  void need(std::size_t n) const {
    if (at > m.size() || n > m.size() - at) throw Cut{};
  }
  std::uint32_t u32() {
    std::uint32_t v = be32_at(m, at);
    at += 4;
    return v;
  }
  void uint_out() { o << ' ', o.u(u32()); }
  void int_out() {
    auto v = static_cast<std::int32_t>(u32());
    o << ' ';
    if (v < 0) o << '-', o.u(std::uint64_t(-std::int64_t(v)));
    else o.u(std::uint64_t(v));
  }
  void fid() {
    need(12);
    std::uint32_t a = u32(), b = u32(), c = u32();
    o << " fid ";
    o.u(a) << '/';
    o.u(b) << '/';
    o.u(c);
  }
  void str(std::uint32_t max) {
    std::uint32_t n = u32();
    if (n > max) throw Cut{};
    o << " \"";
    for (std::uint32_t k = 0; k < n; ++k) {
      if (at + k >= m.size()) throw Cut{};
      print_char(o, m[at + k]);
    }
    o << '"';
    at += (std::size_t(n) + 3) / 4 * 4;
  }
  void date() {
    auto t = static_cast<std::time_t>(static_cast<std::int32_t>(u32()));
    std::tm tm{};
    char buf[64] = "";
    if (localtime_r(&t, &tm)) std::strftime(buf, sizeof buf, "%Y/%m/%d %H:%M:%S", &tm);
    o << ' ' << buf;
  }
  void store_attr() {
    need(24);
    std::uint32_t mask = u32();
    if (mask) o << " StoreStatus";
    if (mask & 1) o << " date", date();
    else at += 4;
    std::uint32_t v = u32();
    if (mask & 2) o << " owner ", o.u(v);
    v = u32();
    if (mask & 4) o << " group ", o.u(v);
    v = u32();
    if (mask & 8) {
      o << " mode ";
      char buf[16];
      std::snprintf(buf, sizeof buf, "%o", v & 07777);
      o << buf;
    }
    v = u32();
    if (mask & 16) o << " segsize ", o.u(v);
    if (mask & 1024) o << " fsync";
  }
  void ubik_version() {
    need(8);
    std::uint32_t e = u32(), c = u32();
    o << ' ';
    o.u(e) << '.';
    o.u(c);
  }
  void uuid() {
    need(44);
    o << ' ';
    o.hex(u32(), 8);
    o.hex(u32(), 4);
    o.hex(u32(), 4);
    for (int k = 0; k < 8; ++k) o.hex(u32() & 0xff, 2);
  }
  // A string stored one character per 32-bit word, max words long.
  void vec(std::uint32_t max) {
    need(std::size_t(max) * 4);
    o << " \"";
    bool done = false;
    for (std::uint32_t k = 0; k < max; ++k) {
      auto c = static_cast<std::uint8_t>(u32());
      if (c == 0) done = true;
      if (!done) print_char(o, c);
    }
    o << '"';
  }
  void ids(bool with_label) {
    if (with_label) o << " ids:";
    std::uint32_t n = u32();
    for (std::uint32_t k = 0; k < n; ++k) int_out();
    if (n == 0) o << " <none!>";
  }
};

void fs_call(Args& a, std::uint32_t op) {
  switch (op) {
    case 130: a.fid(), a.o << " offset", a.uint_out(), a.o << " length", a.uint_out(); break;
    case 131: case 132: case 143: case 144: case 145: case 156: case 157: case 158: a.fid(); break;
    case 135: a.fid(), a.store_attr(); break;
    case 133:
      a.fid(), a.store_attr();
      a.o << " offset", a.uint_out(), a.o << " length", a.uint_out(), a.o << " flen", a.uint_out();
      break;
    case 137: case 141: a.fid(), a.str(kAfsNameMax), a.store_attr(); break;
    case 136: case 142: a.fid(), a.str(kAfsNameMax); break;
    case 138:
      a.o << " old", a.fid(), a.str(kAfsNameMax);
      a.o << " new", a.fid(), a.str(kAfsNameMax);
      break;
    case 139: a.fid(), a.str(kAfsNameMax), a.o << " link to", a.str(kAfsNameMax); break;
    case 140: a.fid(), a.str(kAfsNameMax), a.o << " link to", a.fid(); break;
    case 148: a.str(kAfsNameMax); break;
    case 149: case 150: a.o << " volid", a.uint_out(); break;
    case 154: a.o << " volname", a.str(kAfsNameMax); break;
    case 155: {
      std::uint32_t n = a.u32();
      for (std::uint32_t k = 0; k < n; ++k) {
        a.fid();
        if (k != n - 1) a.o << ',';
      }
      if (n == 0) a.o << " <none!>";
      break;
    }
    default: break;
  }
}

void fs_reply(Args& a, std::uint32_t op, std::uint8_t type) {
  if (type == 1) {
    switch (op) {
      case 137: case 141: a.o << " new", a.fid(); break;
      case 151: a.o << " root volume", a.str(kAfsNameMax); break;
      case 153: a.date(); break;
      default: break;
    }
  } else if (type == 4) {
    std::uint32_t e = a.u32();
    a.o << " error ";
    if (auto name = tok_name(kFsErrors, e); !name.empty()) {
      a.o << name;
    } else {
      auto v = static_cast<std::int32_t>(e);
      a.o << '#';
      if (v < 0) a.o << '-', a.o.u(std::uint64_t(-std::int64_t(v)));
      else a.o.u(std::uint64_t(v));
    }
  } else {
    a.o << " strange fs reply of type ";
    a.o.u(type);
  }
}

void cb_call(Args& a, std::uint32_t op) {
  switch (op) {
    case 204: {
      std::uint32_t n = a.u32();
      for (std::uint32_t k = 0; k < n; ++k) {
        a.fid();
        if (k != n - 1) a.o << ',';
      }
      if (n == 0) a.o << " <none!>";
      n = a.u32();
      if (n != 0) a.o << ';';
      for (std::uint32_t k = 0; k < n; ++k) {
        a.o << " ver", a.int_out(), a.o << " expires", a.date();
        a.u32();  // the callback type, read and not printed
      }
      break;
    }
    case 214: a.o << " afsuuid", a.uuid(); break;
    default: break;
  }
}

void ubik_call(Args& a, std::uint32_t op) {
  a.o << " ubik call ";
  tok_print(a.o, kUbikOps, op, "op#");
  switch (op) {
    case 10000:
      a.o << " syncsite " << (a.u32() ? "yes" : "no");
      a.o << " votestart", a.date(), a.o << " dbversion", a.ubik_version(), a.o << " tid", a.ubik_version();
      break;
    case 10003: a.o << " site", a.uint_out(); break;
    case 20000: case 20001: case 20007: case 20008: case 20010: a.o << " tid", a.ubik_version(); break;
    case 20002:
      a.o << " tid", a.ubik_version(), a.o << " file", a.int_out(), a.o << " pos", a.int_out();
      a.o << " length", a.int_out();
      a.u32();  // the lock type, read and not printed
      break;
    case 20003: a.o << " tid", a.ubik_version(), a.o << " file", a.int_out(), a.o << " pos", a.int_out(); break;
    case 20005: a.o << " file", a.int_out(); break;
    case 20006:
      a.o << " file", a.int_out(), a.o << " length", a.int_out(), a.o << " dbversion", a.ubik_version();
      break;
    case 20009: a.o << " tid", a.ubik_version(), a.o << " file", a.int_out(), a.o << " length", a.int_out(); break;
    case 20012:
      a.o << " tid", a.ubik_version(), a.o << " oldversion", a.ubik_version(), a.o << " newversion",
          a.ubik_version();
      break;
    default: break;
  }
}

void ubik_reply(Args& a, std::uint32_t op, std::uint8_t type) {
  a.o << " ubik reply ";
  tok_print(a.o, kUbikOps, op, "op#");
  if (type == 1) {
    if (op == 10000) a.o << " vote no";
    else if (op == 20004) a.o << " dbversion", a.ubik_version();
  } else if (op == 10000) {
    a.o << " vote yes until", a.date();
  } else {
    a.o << " errcode", a.int_out();
  }
}

void pt_call(Args& a, std::uint32_t op) {
  switch (op) {
    case 500: a.str(kPrNameMax), a.o << " id", a.int_out(), a.o << " oldid", a.int_out(); break;
    case 501: case 506: case 508: case 512: case 514: case 517: case 518: case 519:
      a.o << " id", a.int_out();
      break;
    case 502: a.o << " pos", a.int_out(); break;
    case 503: case 507: case 515: a.o << " uid", a.int_out(), a.o << " gid", a.int_out(); break;
    case 504: {
      std::uint32_t n = a.u32();
      for (std::uint32_t k = 0; k < n; ++k) a.vec(kPrNameMax);
      if (n == 0) a.o << " <none!>";
      break;
    }
    case 505: a.ids(true); break;
    case 509: a.str(kPrNameMax), a.o << " flag", a.int_out(), a.o << " oid", a.int_out(); break;
    case 511: a.o << " id", a.int_out(), a.o << " gflag", a.int_out(); break;
    case 513:
      a.o << " id", a.int_out(), a.str(kPrNameMax), a.o << " oldid", a.int_out(), a.o << " newid", a.int_out();
      break;
    case 520: a.o << " id", a.int_out(), a.str(kPrNameMax); break;
    default: break;
  }
}

void pt_reply(Args& a, std::uint32_t op, std::uint8_t type) {
  if (type != 1) {
    a.o << " errcode", a.int_out();
    return;
  }
  switch (op) {
    case 504: a.ids(true); break;
    case 505: {
      std::uint32_t n = a.u32();
      for (std::uint32_t k = 0; k < n; ++k) a.vec(kPrNameMax);
      if (n == 0) a.o << " <none!>";
      break;
    }
    case 508: case 514: case 517: case 518: case 519: a.ids(false); break;
    case 510: a.o << " maxuid", a.int_out(), a.o << " maxgid", a.int_out(); break;
    default: break;
  }
}

void vldb_call(Args& a, std::uint32_t op) {
  auto voltype = [&] {
    std::uint32_t t = a.u32();
    if (t <= 2) a.o << " type " << kVolTypes[t];
  };
  switch (op) {
    case 501: case 517: a.vec(kVlNameMax); break;
    case 502: case 503: case 507: case 508: case 509: case 518: a.o << " volid", a.int_out(), voltype(); break;
    case 504: case 519: case 524: case 527: a.str(kVlNameMax); break;
    case 505: a.o << " bump", a.int_out(); break;
    case 506: case 520: a.o << " volid", a.int_out(), voltype(), a.vec(kVlNameMax); break;
    case 510: case 521: a.o << " index", a.int_out(); break;
    default: break;
  }
}

// A VLDB entry: name, servers, partitions, the volume ids (n slots of each).
void vldb_entry(Args& a, unsigned slots, bool skip_word, bool uuids) {
  a.vec(kVlNameMax);
  if (skip_word) a.need(4), a.at += 4;
  a.o << " numservers";
  a.need(4);  // tcpdump checks each word of the entry: a cut is the service's
  std::uint32_t n = a.u32();
  a.o << ' ';
  a.o.u(n);
  a.o << " servers";
  for (unsigned k = 0; k < slots; ++k) {
    if (uuids) {
      if (k < n) {
        a.o << " afsuuid", a.uuid();
      } else {
        a.need(44);
        a.at += 44;
      }
      continue;
    }
    a.need(4);
    Bytes ip = sub(a.m, a.at, 4);
    if (k < n) a.o << ' ' << ip4_text(ip);
    a.at += 4;
  }
  if (uuids) a.need(4 * slots), a.at += 4 * slots;
  a.o << " partitions";
  for (unsigned k = 0; k < slots; ++k) {
    a.need(4);
    std::uint32_t j = a.u32();
    if (k < n && j <= 26) a.o << ' ' << char('a' + j);
    else if (k < n) a.o << ' ', a.o.u(j);
  }
  a.need(4 * slots);
  a.at += 4 * slots;
  a.o << " rwvol", a.uint_out(), a.o << " rovol", a.uint_out(), a.o << " backup", a.uint_out();
}

void vldb_reply(Args& a, std::uint32_t op, std::uint8_t type) {
  if (type != 1) {
    a.o << " errcode", a.int_out();
    return;
  }
  switch (op) {
    case 510: a.o << " count", a.int_out(), a.o << " nextindex", a.int_out(); [[fallthrough]];
    case 503: case 504: vldb_entry(a, 8, true, false); break;
    case 505: a.o << " newvol", a.uint_out(); break;
    case 521: case 529: a.o << " count", a.int_out(), a.o << " nextindex", a.int_out(); [[fallthrough]];
    case 518: case 519: vldb_entry(a, 13, false, false); break;
    case 526: case 527: vldb_entry(a, 13, false, true); break;
    default: break;
  }
}

void kauth_call(Args& a, std::uint32_t op) {
  switch (op) {
    case 1: case 21: case 22: case 2: case 5: case 6: case 7: case 8: case 14: case 15:
      a.o << " principal", a.str(kKaNameMax), a.str(kKaNameMax);
      break;
    case 3: case 23: {
      a.o << " kvno", a.int_out(), a.o << " domain", a.str(kKaNameMax);
      std::uint32_t n = a.u32();
      a.need(n);
      a.at += n;
      a.o << " principal", a.str(kKaNameMax), a.str(kKaNameMax);
      break;
    }
    case 4: a.o << " principal", a.str(kKaNameMax), a.str(kKaNameMax), a.o << " kvno", a.int_out(); break;
    case 12: a.o << " name", a.str(kKaNameMax); break;
    default: break;
  }
}

void vol_call(Args& a, std::uint32_t op) {
  switch (op) {
    case 101: case 104: case 107: a.o << " trans", a.uint_out(); break;
    case 106: a.o << " trans", a.uint_out(), a.o << " flags", a.uint_out(); break;
    case 108: a.o << " vol", a.uint_out(), a.o << " partition", a.uint_out(), a.o << " flags", a.uint_out(); break;
    case 110: a.o << " index", a.uint_out(); break;
    case 116: a.o << " partition", a.uint_out(), a.o << " flags", a.uint_out(); break;
    case 119: a.o << " name", a.str(kAfsNameMax); break;
    case 120: case 126: a.o << " tid", a.uint_out(); break;
    case 121: case 122: case 124: case 125: a.o << " partid", a.uint_out(), a.o << " volid", a.uint_out(); break;
    case 123: a.o << " tid", a.uint_out(), a.o << " date", a.date(); break;
    default: break;
  }
}

void vol_reply(Args& a, std::uint32_t op, std::uint8_t type) {
  if (type != 1) {
    a.o << " errcode", a.int_out();
    return;
  }
  switch (op) {
    case 100: a.o << " volid", a.uint_out(), a.o << " trans", a.uint_out(); break;
    case 104: case 107: a.uint_out(); break;
    case 105: a.o << " newvol", a.uint_out(); break;
    case 108: a.o << " trans", a.uint_out(); break;
    case 110: a.o << " volume", a.uint_out(), a.o << " partition", a.uint_out(); break;
    case 112: a.str(kAfsNameMax); break;
    case 116: case 121: {
      std::uint32_t n = a.u32();
      for (std::uint32_t k = 0; k < n; ++k) {
        a.o << " name", a.vec(32), a.o << " volid", a.uint_out(), a.o << " type";
        a.at += 4 * 21;
        if (k != n - 1) a.o << ',';
      }
      if (n == 0) a.o << " <none!>";
      break;
    }
    default: break;
  }
}

void bos_call(Args& a, std::uint32_t op) {
  switch (op) {
    case 80: a.o << " type", a.str(kBosNameMax), a.o << " instance", a.str(kBosNameMax); break;
    case 81: case 83: case 85: case 87: case 88: case 93: case 96: case 97: case 104: case 106: case 108:
    case 112: case 114:
      a.str(kBosNameMax);
      break;
    case 82: case 98: a.str(kBosNameMax), a.o << " status", a.int_out(); break;
    case 86: a.str(kBosNameMax), a.o << " num", a.int_out(); break;
    case 84: case 89: case 90: case 91: case 92: case 95: a.int_out(); break;
    case 105:
      a.str(kBosNameMax), a.o << " size", a.int_out(), a.o << " flags", a.int_out(), a.o << " date", a.int_out();
      break;
    default: break;
  }
}

struct Service {
  std::uint16_t port;
  std::string_view name;
  std::span<const Tok> ops;
  bool ubik;  // a replicated database: its Ubik operations go to the ubik printer
  void (*call)(Args&, std::uint32_t);
  void (*reply)(Args&, std::uint32_t, std::uint8_t);
  bool reply_at_header;  // tcpdump's "length < header" (pt, vldb) rather than "<="
};

void errcode_reply(Args& a, std::uint32_t, std::uint8_t type) {
  if (type != 1) a.o << " errcode", a.int_out();
}
void cb_reply(Args& a, std::uint32_t op, std::uint8_t type) {
  if (type == 1) {
    if (op == 213) a.uuid();
  } else {
    a.o << " errcode", a.int_out();
  }
}

constexpr Service kServices[] = {
    {kFsPort, "fs", kFsOps, false, fs_call, fs_reply, false},
    {kCbPort, "cb", kCbOps, false, cb_call, cb_reply, false},
    {kPtPort, "pt", kPtOps, true, pt_call, pt_reply, true},
    {kVldbPort, "vldb", kVldbOps, true, vldb_call, vldb_reply, true},
    {kKauthPort, "kauth", kKauthOps, true, kauth_call, errcode_reply, false},
    {kVolPort, "vol", kVolOps, false, vol_call, vol_reply, false},
    {kBosPort, "bos", kBosOps, false, bos_call, errcode_reply, false},
};

const Service* service_at(std::uint16_t port) {
  for (const auto& s : kServices)
    if (s.port == port) return &s;
  return nullptr;
}

// A call's first packet or a known reply, after the RX header's text.
void afs(Out& o, const RxL& x) {
  bool call = x.afs == RxL::Call;
  const Service* s = service_at(call ? x.dport : x.sport);
  if (!s) return;
  Bytes m = x.msg;
  std::uint8_t type = m[20];
  if (call ? x.length <= kHeader : (s->reply_at_header ? x.length < kHeader : x.length <= kHeader)) return;
  std::uint32_t op = call ? be32_at(m, kHeader) : x.opcode;
  Args a{o, m, call ? kHeader + 4 : kHeader};
  bool ubik = s->ubik && is_ubik(op);
  try {
    o << ' ' << s->name;
    if (ubik) {
      call ? ubik_call(a, op) : ubik_reply(a, op, type);
      return;
    }
    o << (call ? " call " : " reply ");
    tok_print(o, s->ops, op, "op#");
    call ? s->call(a, op) : s->reply(a, op, type);
  } catch (const Cut&) {
    o << " [|" << (ubik ? std::string_view("ubik") : s->name) << ']';
  }
}

}  // namespace

void RxCalls::insert(const Key& k, std::uint32_t opcode) noexcept {
  keys_[next_] = k;
  ops_[next_] = opcode;
  next_ = (next_ + 1) % kSlots;
}

std::optional<std::uint32_t> RxCalls::find(const Key& k) noexcept {
  std::size_t i = hint_;
  do {
    if (keys_[i] == k) {
      hint_ = i;
      return ops_[i];
    }
    i = (i + 1) % kSlots;
  } while (i != hint_);
  return std::nullopt;
}

void decode_rx(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "rx";
  auto& x = c.d.push<RxL>();
  x.msg = r.rest();
  x.length = length;
  std::size_t self = c.d.size() - 1;
  if (self == 0 || !is<UdpL>(c.d, self - 1)) return;
  const auto& u = at<UdpL>(c.d, self - 1);
  x.sport = u.sport;
  x.dport = u.dport;
  Bytes m = x.msg;
  if (m.size() < kHeader || !c.rx) return;
  // tcpdump keys the cache by the IPv4 header's addresses.
  std::uint32_t src = 0, dst = 0;
  if (std::size_t ip = enclosing_ip(c.d, self); is<Ipv4L>(c.d, ip)) {
    const auto& v4 = at<Ipv4L>(c.d, ip);
    if (v4.src.size() == 4 && v4.dst.size() == 4) src = be32_at(v4.src, 0), dst = be32_at(v4.dst, 0);
  }
  std::uint8_t type = m[20], flags = m[21];
  std::uint32_t seq = be32_at(m, 12), call = be32_at(m, 8);
  std::uint16_t service = be16_at(m, 26);
  if (type == 1 && seq == 1 && (flags & 1)) {
    x.afs = RxL::Call;
    if (m.size() >= kHeader + 4) c.rx->insert({call, src, dst, x.dport, service}, be32_at(m, kHeader));
  } else if (((type == 1 && seq == 1) || type == 4) && !(flags & 1)) {
    if (auto op = c.rx->find({call, dst, src, x.sport, service})) {
      x.afs = RxL::Reply;
      x.opcode = *op;
    }
  }
}

void print_rx(PrintCtx& p, std::size_t i) {
  p.proto = "rx";
  const auto& x = at<RxL>(p.d, i);
  Out& o = p.o;
  Bytes m = x.msg;
  if (m.size() < kHeader) {
    o << " [|rx] (";
    o.u(x.length) << ')';
    return;
  }
  std::uint8_t type = m[20], flags = m[21];
  o << " rx ";
  tok_print(o, kTypes, type, "type ");
  if (p.opt.verbose) {
    if (p.opt.verbose > 1) {
      o << " cid ";
      o.hex(be32_at(m, 4), 8) << " call# ";
      o.u(be32_at(m, 8));
    }
    o << " seq ";
    o.u(be32_at(m, 12)) << " ser ";
    o.u(be32_at(m, 16));
    if (p.opt.verbose > 2) {
      o << " secindex ";
      o.u(m[23]) << " serviceid ";
      o.u(be16_at(m, 26));
    }
    if (p.opt.verbose > 1) {
      bool any = false;
      for (const auto& f : kFlags) {
        if (!(flags & f.bit) || (f.type && f.type != type)) continue;
        o << (any ? "," : " ") << '<' << f.name << '>';
        any = true;
      }
    }
  }
  if (x.afs != RxL::NoCall) afs(o, x);
  else if (type == 2) ack(o, m, p.opt.verbose);
  o << " (";
  o.u(x.length) << ')';
}

// The header as typed members; what was not captured ends it with "truncated".
void json_rx(JsonWriter& w, const RxL& l) {
  w.member("layer", "rx");
  w.member("length", l.length);
  Bytes m = l.msg;
  if (m.size() < kHeader) {
    w.member("truncated", true);
    return;
  }
  w.member("epoch", be32_at(m, 0));
  w.member("cid", be32_at(m, 4));
  w.member("call", be32_at(m, 8));
  w.member("seq", be32_at(m, 12));
  w.member("serial", be32_at(m, 16));
  w.member("type", m[20]);
  if (auto name = tok_name(kTypes, m[20]); !name.empty()) w.member("type_name", name);
  w.member("flags", m[21]);
  w.member("security_index", m[23]);
  w.member("service_id", be16_at(m, 26));
  if (l.afs == RxL::NoCall) return;
  bool call = l.afs == RxL::Call;
  const Service* s = service_at(call ? l.dport : l.sport);
  if (!s || (call && m.size() < kHeader + 4)) return;
  std::uint32_t op = call ? be32_at(m, kHeader) : l.opcode;
  w.key("afs");
  w.begin_object();
  w.member("service", s->ubik && is_ubik(op) ? std::string_view("ubik") : s->name);
  w.member("kind", call ? std::string_view("call") : std::string_view("reply"));
  w.member("opcode", op);
  auto name = tok_name(s->ubik && is_ubik(op) ? std::span<const Tok>(kUbikOps) : s->ops, op);
  if (!name.empty()) w.member("operation", name);
  w.end_object();
}

}  // namespace netlab::proto
