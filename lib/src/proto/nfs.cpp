// NFS versions 2 and 3 (RFC 1094, RFC 1813) over Sun RPC, as tcpdump
// 4.99.3's print-nfs.c prints them after "NFS request xid N " or "NFS reply
// xid N ": a call's length, procedure and arguments (file handles through
// parsenfsfh.c's guesses at the server's layout, names, offsets and counts,
// the new object's attributes from -v); a reply's status and, when the
// capture showed its call (tcpdump's 64-slot xid_map, NfsXids here), the
// procedure's results: status, attributes from -v (wcc data and the
// timestamps from -vv), directory verifiers, file system statistics.
// tcpdump's two ways of stopping are kept apart: a check of its own ("goto
// trunc": " [|nfs]", left out after an error status) returns kNoArgs here,
// and a GET_ macro that runs off the capture throws Truncated, which prints
// " [|nfs]" always.
#include "proto/proto.hpp"

#include <climits>

namespace netlab::proto {
namespace {

// tcpdump's generic procedure numbers (nfs.h), v3's own.
enum : std::uint32_t {
  kNull = 0, kGetattr = 1, kSetattr = 2, kLookup = 3, kAccess = 4, kReadlink = 5, kRead = 6, kWrite = 7,
  kCreate = 8, kMkdir = 9, kSymlink = 10, kMknod = 11, kRemove = 12, kRmdir = 13, kRename = 14, kLink = 15,
  kReaddir = 16, kReaddirplus = 17, kFsstat = 18, kFsinfo = 19, kPathconf = 20, kCommit = 21, kNoop = 25,
};
constexpr std::uint32_t kProcs = 26;  // NFS_NPROCS
// NFSv2's procedure numbers in the generic ones (nfsv3_procid).
constexpr std::uint32_t kV2Procs[kProcs] = {kNull,  kGetattr, kSetattr, kNoop,   kLookup, kReadlink, kRead,
                                            kNoop,  kWrite,   kCreate,  kRemove, kRename, kLink,     kSymlink,
                                            kMkdir, kRmdir,   kReaddir, kFsstat, kNoop,   kNoop,     kNoop,
                                            kNoop,  kNoop,    kNoop,    kNoop,   kNoop};

constexpr Tok kProcNames[] = {
    {kNoop, "nop"},         {kNull, "null"},       {kGetattr, "getattr"},         {kSetattr, "setattr"},
    {kLookup, "lookup"},    {kAccess, "access"},   {kReadlink, "readlink"},       {kRead, "read"},
    {kWrite, "write"},      {kCreate, "create"},   {kMkdir, "mkdir"},             {kSymlink, "symlink"},
    {kMknod, "mknod"},      {kRemove, "remove"},   {kRmdir, "rmdir"},             {kRename, "rename"},
    {kLink, "link"},        {kReaddir, "readdir"}, {kReaddirplus, "readdirplus"}, {kFsstat, "fsstat"},
    {kFsinfo, "fsinfo"},    {kPathconf, "pathconf"}, {kCommit, "commit"}};

// NFS status values, with FreeBSD's messages as tcpdump has them.
constexpr Tok kStatus[] = {
    {1, "Operation not permitted"},  {2, "No such file or directory"},
    {5, "Input/output error"},       {6, "Device not configured"},
    {11, "Resource deadlock avoided"}, {12, "Cannot allocate memory"},
    {13, "Permission denied"},       {17, "File exists"},
    {18, "Cross-device link"},       {19, "Operation not supported by device"},
    {20, "Not a directory"},         {21, "Is a directory"},
    {22, "Invalid argument"},        {26, "Text file busy"},
    {27, "File too large"},          {28, "No space left on device"},
    {30, "Read-only file system"},   {31, "Too many links"},
    {45, "Operation not supported"}, {62, "Too many levels of symbolic links"},
    {63, "File name too long"},      {66, "Directory not empty"},
    {69, "Disc quota exceeded"},     {70, "Stale NFS file handle"},
    {71, "Too many levels of remote in path"}, {99, "Write cache flushed to disk"},
    {10001, "Illegal NFS file handle"}, {10002, "Update synchronization mismatch"},
    {10003, "READDIR/READDIRPLUS cookie is stale"}, {10004, "Operation not supported"},
    {10005, "Buffer or request is too small"}, {10006, "Unspecified error on server"},
    {10007, "Object of that type not supported"}, {10008, "Request couldn't be completed in time"}};
constexpr Tok kWriteModes[] = {{0, "unstable"}, {1, "datasync"}, {2, "filesync"}};
constexpr Tok kTypes[] = {{0, "NON"}, {1, "REG"}, {2, "DIR"}, {3, "BLK"}, {4, "CHR"}, {5, "LNK"}, {7, "FIFO"}};
constexpr std::uint32_t kNfChr = 4, kNfBlk = 3;
constexpr std::uint32_t kAccessFull = 0x3f;
constexpr std::size_t kV3Fattr = 84, kV2Fattr = 68, kV2Fh = 32, kV3FhMax = 64;
constexpr std::uint32_t kSetToClient = 2;  // NFSV3SATTRTIME_TOCLIENT

std::uint32_t generic_proc(std::uint32_t proc, bool v3) { return !v3 && proc < kProcs ? kV2Procs[proc] : proc; }

// tok2str with a format that prints the number as signed ("#%d").
void signed_or_name(Out& o, std::span<const Tok> t, std::uint32_t v, std::string_view before) {
  if (auto n = tok_name(t, v); !n.empty()) {
    o << n;
    return;
  }
  o << before;
  o.i(static_cast<std::int32_t>(v));
}

void octal(Out& o, std::uint32_t v) {
  char buf[12];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + (v & 7));
    v >>= 3;
  } while (v);
  while (n) o << buf[--n];
}

void usec(Out& o, std::uint32_t sec, std::uint32_t frac) {  // "%u.%06u"
  o.u(sec) << '.';
  o.u(frac, 6);
}

// parsenfsfh.c's guesses, for the text after " fh ": the server's file
// system name or major,minor, a slash, then the inode (or the handle's hex
// when no layout fits). fh: the handle's len32 words, all captured.
void print_fh(Out& o, Bytes fh, std::uint32_t len32) {
  enum Kind { Unknown, Auspex, Decosf, Irix4, Sunos4, Ultrix, Vmsucx, Sunos5, Hpux9, Bsd44 };
  auto b = [&](std::size_t k) { return static_cast<std::uint32_t>(sub(fh, k, 1)[0]); };
  auto le32 = [&](std::size_t k) { return b(k) | b(k + 1) << 8 | b(k + 2) << 16 | b(k + 3) << 24; };
  Kind kind = Unknown;
  if (len32 >= 4) {
    if (b(0) == 0 && b(1) == 0) {
      if (b(2) == 0 && b(3) == 0) kind = Auspex;
      else if (b(4) != 0 && b(5) == 0 && b(8) == 12 && b(9) == 0) kind = Decosf;
      else if (b(4) == 0 && b(5) == 8 && b(6) == 0 && b(7) == 0) kind = Irix4;
      else kind = Sunos4;
    } else if (b(2) == 0 && b(3) == 0) {
      if (b(6) == 0 && b(7) == 0) kind = Bsd44;
      else if (len32 >= 6 && b(21) == 0 && b(23) == 0) kind = Ultrix;
      else if (b(9) == 10) kind = Sunos5;
    } else if (b(8) == 12 && b(9) == 0) {
      kind = Decosf;
    } else if (b(8) == 0 && b(9) == 10) {
      kind = (b(7) == 0 && b(6) == 0 && b(5) == 0 && b(4) == 0) ? Hpux9 : Sunos5;
    } else if (len32 >= 7) {  // is_UCX: printable characters, then only NULs
      bool ucx = true, seen_null = false;
      for (std::size_t k = 1; k < 14 && ucx; ++k) {
        const std::uint32_t ch = b(k);
        if (ch >= 0x20 && ch <= 0x7e) ucx = !seen_null;
        else if (ch == 0) seen_null = true;
        else ucx = false;
      }
      if (ucx) kind = Vmsucx;
    }
  }
  std::uint32_t major = 0, minor = 0, ino = 0;
  switch (kind) {
    case Auspex: minor = b(7), major = b(6), ino = be32_at(fh, 12); break;
    case Bsd44: minor = b(0), major = b(1), ino = le32(12); break;
    case Decosf: {
      const std::uint32_t t = le32(0);
      minor = t & 0xfffff, major = (t >> 20) & 0xfff, ino = le32(12);
      break;
    }
    case Irix4: minor = b(3), major = b(2), ino = be32_at(fh, 8); break;
    case Sunos4: minor = b(3), major = b(2), ino = be32_at(fh, 12); break;
    case Sunos5:
      major = (be16_at(fh, 0) >> 2) & 0x3fff;
      minor = (b(1) << 16 | b(2) << 8 | b(3)) & 0x3ffff;
      ino = be32_at(fh, 12);
      break;
    case Ultrix: minor = b(0), major = b(1), ino = le32(4); break;
    case Hpux9: major = b(0), minor = b(1) << 16 | b(2) << 8 | b(3), ino = be32_at(fh, 12); break;
    case Vmsucx: ino = b(26) << 24 | b(27) << 16 | (b(22) | b(23) << 8); break;
    case Unknown: break;
  }
  // The file system name: tcpdump copies at most len32 (words, as bytes)
  // characters to the first NUL, and cuts at the first space.
  const std::size_t stringlen = std::min<std::size_t>(len32, kV3FhMax);
  auto name = [&](std::string_view s) {
    std::size_t n = std::min(stringlen, s.size());
    for (std::size_t k = 0; k < n; ++k) {
      if (s[k] == ' ') break;
      o << s[k];
    }
  };
  o << " fh ";
  if (kind == Unknown) {
    name("Unknown");
    o << '/';
    // The handle's first 32 bytes in upper-case hex.
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (std::size_t k = 0; k < std::size_t{len32} * 4 && k < 32; ++k) o << kHex[b(k) >> 4] << kHex[b(k) & 15];
    return;
  }
  if (kind == Vmsucx) {
    std::string s;
    for (std::size_t k = 0; k < stringlen; ++k) {
      const std::uint8_t ch = static_cast<std::uint8_t>(b(1 + k));
      if (ch == 0) break;
      s.push_back(static_cast<char>(ch));
    }
    name(s);
    o << '/';
  } else {
    o.u(major) << ',';
    o.u(minor) << '/';
  }
  o.u(ino);
}

// The printing side of print-nfs.c over one message m (from the xid on).
struct Printer {
  Out& o;
  Bytes m;
  int vflag;
  bool qflag;
  bool error = false;  // tcpdump's nfserr: a status was printed, no " [|nfs]"

  std::uint32_t u32(std::size_t at) const { return be32_at(m, at); }
  std::uint64_t u64(std::size_t at) const { return std::uint64_t{u32(at)} << 32 | u32(at + 4); }
  bool captured(std::size_t at, std::size_t n) const { return at <= m.size() && n <= m.size() - at; }

  // parsefh: the handle (v3: its length first) printed; the offset after it.
  std::size_t fh(std::size_t at, bool v3) {
    std::uint32_t len = static_cast<std::uint32_t>(kV2Fh / 4);
    if (v3) {
      len = u32(at) / 4;
      at += 4;
    }
    if (!captured(at, std::size_t{len} * 4)) return kNoArgs;
    print_fh(o, m.subspan(at, std::size_t{len} * 4), len);
    return at + std::size_t{len} * 4;
  }
  // parsefn: a quoted name, padded to four bytes.
  std::size_t fn(std::size_t at) {
    const std::uint32_t len = u32(at);
    at += 4;
    if (UINT_MAX - len < 3) {
      o << "[cannot pad to 32-bit boundaries] (invalid)";
      return kNoArgs;
    }
    const std::uint32_t rounded = (len + 3) & ~3u;
    if (!captured(at, rounded)) return kNoArgs;
    o << '"';
    for (std::uint32_t k = 0; k < len; ++k) print_char(o, m[at + k]);
    o << '"';
    return at + rounded;
  }
  std::size_t fhn(std::size_t at, bool v3) {
    at = fh(at, v3);
    if (at == kNoArgs) return kNoArgs;
    o << ' ';
    return fn(at);
  }

  struct Sattr3 {
    std::uint32_t modeset = 0, mode = 0, uidset = 0, uid = 0, gidset = 0, gid = 0;
    std::uint32_t atype = 0, asec = 0, ansec = 0, mtype = 0, msec = 0, mnsec = 0;
  };
  std::size_t sattr3(std::size_t at, Sattr3& s) {
    auto opt = [&](std::uint32_t& set, std::uint32_t& v) {
      set = u32(at);
      at += 4;
      if (set) v = u32(at), at += 4;
    };
    opt(s.modeset, s.mode);
    opt(s.uidset, s.uid);
    opt(s.gidset, s.gid);
    std::uint32_t sizeset = 0, size = 0;
    opt(sizeset, size);
    auto time = [&](std::uint32_t& type, std::uint32_t& sec, std::uint32_t& nsec) {
      type = u32(at);
      at += 4;
      if (type == kSetToClient) sec = u32(at), nsec = u32(at + 4), at += 8;
    };
    time(s.atype, s.asec, s.ansec);
    time(s.mtype, s.msec, s.mnsec);
    return at;
  }
  void print_sattr3(const Sattr3& s) {
    if (s.modeset) o << " mode ", octal(o, s.mode);
    if (s.uidset) o << " uid ", o.u(s.uid);
    if (s.gidset) o << " gid ", o.u(s.gid);
    if (vflag > 1) {
      if (s.atype == kSetToClient) o << " atime ", usec(o, s.asec, s.ansec);
      if (s.mtype == kSetToClient) o << " mtime ", usec(o, s.msec, s.mnsec);
    }
  }

  // ---- a call's arguments (nfsreq_noaddr_print) ----
  // False: tcpdump's "goto trunc".
  bool request(std::uint32_t length, std::uint32_t proc, bool v3) {
    auto args = [&] { return rpc_call_args(m, length); };
    std::size_t dp;
    switch (proc) {
      case kGetattr: case kSetattr: case kReadlink: case kFsstat: case kFsinfo: case kPathconf:
        if ((dp = args()) == kNoArgs) return false;
        return fh(dp, v3) != kNoArgs;
      case kLookup: case kCreate: case kMkdir: case kRemove: case kRmdir:
        if ((dp = args()) == kNoArgs) return false;
        return fhn(dp, v3) != kNoArgs;
      case kAccess: {
        if ((dp = args()) == kNoArgs || (dp = fh(dp, v3)) == kNoArgs) return false;
        const std::uint32_t flags = u32(dp);
        if (flags & ~kAccessFull) {
          o << ' ';
          o.hex(flags, 4);
        } else if ((flags & kAccessFull) == kAccessFull) {
          o << " NFS_ACCESS_FULL";
        } else {
          char sep = ' ';
          for (auto [bit, name] : {std::pair<std::uint32_t, std::string_view>{0x01, "NFS_ACCESS_READ"},
                                   {0x02, "NFS_ACCESS_LOOKUP"}, {0x04, "NFS_ACCESS_MODIFY"},
                                   {0x08, "NFS_ACCESS_EXTEND"}, {0x10, "NFS_ACCESS_DELETE"},
                                   {0x20, "NFS_ACCESS_EXECUTE"}}) {
            if (!(flags & bit)) continue;
            o << sep << name;
            sep = '|';
          }
        }
        return true;
      }
      case kRead:
        if ((dp = args()) == kNoArgs || (dp = fh(dp, v3)) == kNoArgs) return false;
        if (v3) {
          const std::uint32_t count = u32(dp + 8);
          const std::uint64_t off = u64(dp);
          o << ' ';
          o.u(count) << " bytes @ ";
          o.u(off);
        } else {
          const std::uint32_t count = u32(dp + 4), off = u32(dp);
          o << ' ';
          o.u(count) << " bytes @ ";
          o.u(off);
        }
        return true;
      case kWrite:
        if ((dp = args()) == kNoArgs || (dp = fh(dp, v3)) == kNoArgs) return false;
        if (v3) {
          const std::uint32_t data = u32(dp + 16), count = u32(dp + 8);
          const std::uint64_t off = u64(dp);
          o << ' ';
          o.u(data) << " (";
          o.u(count) << ") bytes @ ";
          o.u(off);
          if (vflag) {
            const std::uint32_t mode = u32(dp + 12);
            o << " <";
            signed_or_name(o, kWriteModes, mode, "#");
            o << '>';
          }
        } else {
          const std::uint32_t a = u32(dp + 12), b = u32(dp + 8), c = u32(dp + 4), d = u32(dp);
          o << ' ';
          o.u(a) << " (";
          o.u(b) << ") bytes @ ";
          o.u(c) << " (";
          o.u(d) << ')';
        }
        return true;
      case kSymlink: {
        if ((dp = args()) == kNoArgs || (dp = fhn(dp, v3)) == kNoArgs) return false;
        o << " ->";
        Sattr3 sa;
        if (v3) dp = sattr3(dp, sa);
        if (fn(dp) == kNoArgs) return false;
        if (v3 && vflag) print_sattr3(sa);
        return true;
      }
      case kMknod: {
        if ((dp = args()) == kNoArgs || (dp = fhn(dp, v3)) == kNoArgs) return false;
        const std::uint32_t type = u32(dp);
        Sattr3 sa;
        dp = sattr3(dp + 4, sa);
        o << ' ';
        tok_print(o, kTypes, type, "unk-ft ", "");
        if (vflag && (type == kNfChr || type == kNfBlk)) {
          const std::uint32_t a = u32(dp), b = u32(dp + 4);
          o << ' ';
          o.u(a) << '/';
          o.u(b);
        }
        if (vflag) print_sattr3(sa);
        return true;
      }
      case kRename:
        if ((dp = args()) == kNoArgs || (dp = fhn(dp, v3)) == kNoArgs) return false;
        o << " ->";
        return fhn(dp, v3) != kNoArgs;
      case kLink:
        if ((dp = args()) == kNoArgs || (dp = fh(dp, v3)) == kNoArgs) return false;
        o << " ->";
        return fhn(dp, v3) != kNoArgs;
      case kReaddir:
        if ((dp = args()) == kNoArgs || (dp = fh(dp, v3)) == kNoArgs) return false;
        if (v3) {
          const std::uint32_t count = u32(dp + 16);
          const std::uint64_t cookie = u64(dp);
          o << ' ';
          o.u(count) << " bytes @ ";
          o.i(static_cast<std::int64_t>(cookie));
          if (vflag) {
            const std::uint32_t v1 = u32(dp + 8), v2 = u32(dp + 12);
            o << " verf ";
            o.hex(v1, 8);
            o.hex(v2, 8);
          }
        } else {
          const std::uint32_t count = u32(dp + 4), off = u32(dp);
          o << ' ';
          o.u(count) << " bytes @ ";
          o.u(off);
        }
        return true;
      case kReaddirplus: {
        if ((dp = args()) == kNoArgs || (dp = fh(dp, v3)) == kNoArgs) return false;
        const std::uint32_t count = u32(dp + 16);
        const std::uint64_t cookie = u64(dp);
        o << ' ';
        o.u(count) << " bytes @ ";
        o.i(static_cast<std::int64_t>(cookie));
        if (vflag) {
          const std::uint32_t max = u32(dp + 20), v1 = u32(dp + 8), v2 = u32(dp + 12);
          o << " max ";
          o.u(max) << " verf ";
          o.hex(v1, 8);
          o.hex(v2, 8);
        }
        return true;
      }
      case kCommit: {
        if ((dp = args()) == kNoArgs || (dp = fh(dp, v3)) == kNoArgs) return false;
        const std::uint32_t count = u32(dp + 8);
        const std::uint64_t off = u64(dp);
        o << ' ';
        o.u(count) << " bytes @ ";
        o.u(off);
        return true;
      }
      default:
        return true;
    }
  }

  // ---- a reply's results (interp_reply and its parse* helpers) ----
  std::size_t status(std::size_t at, std::uint32_t& er) {
    er = u32(at);
    if (er != 0) {
      if (!qflag) {
        o << " ERROR: ";
        tok_print(o, kStatus, er, "unk ", "");
      }
      error = true;
    }
    return at + 4;
  }
  std::size_t fattr(std::size_t at, int verbose, bool v3) {
    if (!captured(at + 16, 4)) return kNoArgs;
    if (verbose) {
      const std::uint32_t type = u32(at), mode = u32(at + 4);
      const std::int32_t uid = static_cast<std::int32_t>(u32(at + 12)), gid = static_cast<std::int32_t>(u32(at + 16));
      o << ' ';
      tok_print(o, kTypes, type, "unk-ft ", " ");
      o << ' ';
      octal(o, mode);
      o << " ids ";
      o.i(uid) << '/';
      o.i(gid);
      const std::uint64_t size = v3 ? u64(at + 20) : u32(at + 20);
      o << " sz ";
      o.u(size);
    }
    if (verbose > 1) {
      if (v3) {
        if (!captured(at + 76, 8)) return kNoArgs;
        o << " nlink ";
        o.u(u32(at + 8)) << " rdev ";
        o.u(u32(at + 36)) << '/';
        o.u(u32(at + 40)) << " fsid ";
        o.hex(u64(at + 44)) << " fileid ";
        o.hex(u64(at + 52)) << " a/m/ctime ";
        usec(o, u32(at + 60), u32(at + 64));
        o << ' ';
        usec(o, u32(at + 68), u32(at + 72));
        o << ' ';
        usec(o, u32(at + 76), u32(at + 80));
      } else {
        if (!captured(at + 60, 8)) return kNoArgs;
        o << " nlink ";
        o.u(u32(at + 8)) << " rdev 0x";
        o.hex(u32(at + 28)) << " fsid 0x";
        o.hex(u32(at + 36)) << " nodeid 0x";
        o.hex(u32(at + 40)) << " a/m/ctime";
        for (std::size_t t : {44, 52, 60}) {
          o << ' ';
          usec(o, u32(at + t), u32(at + t + 4));
        }
      }
    }
    return at + (v3 ? kV3Fattr : kV2Fattr);
  }
  bool attrstat(std::size_t at, int verbose, bool v3) {
    std::uint32_t er;
    at = status(at, er);
    if (er) return true;
    return fattr(at, verbose, v3) != kNoArgs;
  }
  bool diropres(std::size_t at) {
    std::uint32_t er;
    at = status(at, er);
    if (er) return true;
    if ((at = fh(at, false)) == kNoArgs) return false;
    return fattr(at, vflag, false) != kNoArgs;
  }
  bool linkres(std::size_t at, bool v3) {
    std::uint32_t er;
    at = status(at, er);
    if (er) return true;
    if (v3 && (at = post_op_attr(at, vflag)) == kNoArgs) return false;
    o << ' ';
    return fn(at) != kNoArgs;
  }
  bool statfs(std::size_t at, bool v3) {
    std::uint32_t er;
    at = status(at, er);
    if (!v3 && er) return true;
    if (qflag) return true;
    if (v3) {
      if (vflag) o << " POST:";
      if ((at = post_op_attr(at, vflag)) == kNoArgs) return false;
    }
    if (!captured(at, v3 ? 52 : 20)) return false;
    if (v3) {
      o << " tbytes ";
      o.u(u64(at)) << " fbytes ";
      o.u(u64(at + 8)) << " abytes ";
      o.u(u64(at + 16));
      if (vflag) {
        o << " tfiles ";
        o.u(u64(at + 24)) << " ffiles ";
        o.u(u64(at + 32)) << " afiles ";
        o.u(u64(at + 40)) << " invar ";
        o.u(u32(at + 48));
      }
    } else {
      o << " tsize ";
      o.u(u32(at)) << " bsize ";
      o.u(u32(at + 4)) << " blocks ";
      o.u(u32(at + 8)) << " bfree ";
      o.u(u32(at + 12)) << " bavail ";
      o.u(u32(at + 16));
    }
    return true;
  }
  bool rddires(std::size_t at) {
    std::uint32_t er;
    at = status(at, er);
    if (er || qflag) return true;
    const std::uint32_t off = u32(at), size = u32(at + 4);
    o << " offset 0x";
    o.hex(off) << " size ";
    o.u(size) << ' ';
    if (u32(at + 8) != 0) o << " eof";
    return true;
  }
  std::size_t wcc_attr(std::size_t at) {
    o << " sz ";
    o.u(u64(at));
    const std::uint32_t a = u32(at + 8), b = u32(at + 12), c = u32(at + 16), d = u32(at + 20);
    o << " mtime ";
    usec(o, a, b);
    o << " ctime ";
    usec(o, c, d);
    return at + 24;
  }
  std::size_t pre_op_attr(std::size_t at, int verbose) {
    if (!u32(at)) return at + 4;
    at += 4;
    if (!captured(at, 24)) return kNoArgs;
    return verbose > 1 ? wcc_attr(at) : at + 24;
  }
  std::size_t post_op_attr(std::size_t at, int verbose) {
    if (!u32(at)) return at + 4;
    at += 4;
    return verbose ? fattr(at, verbose, true) : at + kV3Fattr;
  }
  std::size_t wcc_data(std::size_t at, int verbose) {
    if (verbose > 1) o << " PRE:";
    if ((at = pre_op_attr(at, verbose)) == kNoArgs) return kNoArgs;
    if (verbose) o << " POST:";
    return post_op_attr(at, verbose);
  }
  std::size_t createopres(std::size_t at, int verbose) {
    std::uint32_t er;
    at = status(at, er);
    if (er) return wcc_data(at, verbose);
    if (!u32(at)) return at + 4;
    if ((at = fh(at + 4, true)) == kNoArgs) return kNoArgs;
    if (verbose) {
      if ((at = post_op_attr(at, verbose)) == kNoArgs) return kNoArgs;
      if (vflag > 1) {
        o << " dir attr:";
        at = wcc_data(at, verbose);
      }
    }
    return at;
  }
  std::size_t wccres(std::size_t at, int verbose) {
    std::uint32_t er;
    at = status(at, er);
    return wcc_data(at, verbose);
  }
  std::size_t v3rddirres(std::size_t at, int verbose) {
    std::uint32_t er;
    at = status(at, er);
    if (vflag) o << " POST:";
    if ((at = post_op_attr(at, verbose)) == kNoArgs) return kNoArgs;
    if (er) return at;
    if (vflag) {
      const std::uint32_t a = u32(at), b = u32(at + 4);
      o << " verf ";
      o.hex(a, 8);
      o.hex(b, 8);
      at += 8;
    }
    return at;
  }
  bool fsinfo(std::size_t at) {
    std::uint32_t er;
    at = status(at, er);
    if (vflag) o << " POST:";
    if ((at = post_op_attr(at, vflag)) == kNoArgs) return false;
    if (er) return true;
    if (!captured(at, 48)) return false;
    o << " rtmax ";
    o.u(u32(at)) << " rtpref ";
    o.u(u32(at + 4)) << " wtmax ";
    o.u(u32(at + 12)) << " wtpref ";
    o.u(u32(at + 16)) << " dtpref ";
    o.u(u32(at + 24));
    if (vflag) {
      o << " rtmult ";
      o.u(u32(at + 8)) << " wtmult ";
      o.u(u32(at + 20)) << " maxfsz ";
      o.u(u64(at + 28)) << " delta ";
      usec(o, u32(at + 36), u32(at + 40));
      o << ' ';
    }
    return true;
  }
  bool pathconf(std::size_t at) {
    std::uint32_t er;
    at = status(at, er);
    if (vflag) o << " POST:";
    if ((at = post_op_attr(at, vflag)) == kNoArgs) return false;
    if (er) return true;
    if (!captured(at, 24)) return false;
    o << " linkmax ";
    o.u(u32(at)) << " namemax ";
    o.u(u32(at + 4));
    o << ' ' << (u32(at + 8) ? "notrunc" : "") << ' ' << (u32(at + 12) ? "chownres" : "") << ' '
      << (u32(at + 16) ? "igncase" : "") << ' ' << (u32(at + 20) ? "keepcase" : "");
    return true;
  }

  // False: tcpdump's "goto trunc" in interp_reply.
  bool reply(std::uint32_t length, std::uint32_t proc, bool v3) {
    auto rep = [&] { return rpc_reply_results(o, m, length, error); };
    std::size_t dp;
    std::uint32_t er;
    switch (proc) {
      case kGetattr:
        return (dp = rep()) != kNoArgs && attrstat(dp, !qflag, v3);
      case kSetattr:
        if ((dp = rep()) == kNoArgs) return false;
        return v3 ? wccres(dp, vflag) != kNoArgs : attrstat(dp, !qflag, false);
      case kLookup:
        if ((dp = rep()) == kNoArgs) return false;
        if (!v3) return diropres(dp);
        dp = status(dp, er);
        if (!er) {
          if ((dp = fh(dp, v3)) == kNoArgs) return false;
          if ((dp = post_op_attr(dp, vflag)) == kNoArgs) return false;
        }
        if (vflag > 1) {
          o << " post dattr:";
          if (post_op_attr(dp, vflag) == kNoArgs) return false;
        }
        return true;
      case kAccess:
        if ((dp = rep()) == kNoArgs) return false;
        dp = status(dp, er);
        if (vflag) o << " attr:";
        if ((dp = post_op_attr(dp, vflag)) == kNoArgs) return false;
        if (!er) {
          const std::uint32_t c = u32(dp);
          o << " c ";
          o.hex(c, 4);
        }
        return true;
      case kReadlink:
        return (dp = rep()) != kNoArgs && linkres(dp, v3);
      case kRead:
        if ((dp = rep()) == kNoArgs) return false;
        if (!v3) return attrstat(dp, vflag, false);
        dp = status(dp, er);
        if ((dp = post_op_attr(dp, vflag)) == kNoArgs) return false;
        if (!er && vflag) {
          const std::uint32_t count = u32(dp);
          o << ' ';
          o.u(count) << " bytes";
          if (u32(dp + 4)) o << " EOF";
        }
        return true;
      case kWrite:
        if ((dp = rep()) == kNoArgs) return false;
        if (!v3) return attrstat(dp, vflag, false);
        dp = status(dp, er);
        if ((dp = wcc_data(dp, vflag)) == kNoArgs) return false;
        if (!er && vflag) {
          const std::uint32_t count = u32(dp);
          o << ' ';
          o.u(count) << " bytes";
          if (vflag > 1) {
            const std::uint32_t mode = u32(dp + 4);
            o << " <";
            signed_or_name(o, kWriteModes, mode, "#");
            o << '>';
            const std::uint64_t verf = u64(dp + 8);
            o << " verf ";
            o.hex(verf);
          }
        }
        return true;
      case kCreate:
      case kMkdir:
        if ((dp = rep()) == kNoArgs) return false;
        return v3 ? createopres(dp, vflag) != kNoArgs : diropres(dp);
      case kSymlink:
        if ((dp = rep()) == kNoArgs) return false;
        if (v3) return createopres(dp, vflag) != kNoArgs;
        status(dp, er);
        return true;
      case kMknod:
        return (dp = rep()) != kNoArgs && createopres(dp, vflag) != kNoArgs;
      case kRemove:
      case kRmdir:
        if ((dp = rep()) == kNoArgs) return false;
        if (v3) return wccres(dp, vflag) != kNoArgs;
        status(dp, er);
        return true;
      case kRename:
        if ((dp = rep()) == kNoArgs) return false;
        dp = status(dp, er);
        if (v3 && vflag) {
          o << " from:";
          if ((dp = wcc_data(dp, vflag)) == kNoArgs) return false;
          o << " to:";
          if (wcc_data(dp, vflag) == kNoArgs) return false;
        }
        return true;
      case kLink:
        if ((dp = rep()) == kNoArgs) return false;
        dp = status(dp, er);
        if (v3 && vflag) {
          o << " file POST:";
          if ((dp = post_op_attr(dp, vflag)) == kNoArgs) return false;
          o << " dir:";
          if (wcc_data(dp, vflag) == kNoArgs) return false;
        }
        return true;
      case kReaddir:
        if ((dp = rep()) == kNoArgs) return false;
        return v3 ? v3rddirres(dp, vflag) != kNoArgs : rddires(dp);
      case kReaddirplus:
        return (dp = rep()) != kNoArgs && v3rddirres(dp, vflag) != kNoArgs;
      case kFsstat:
        return (dp = rep()) != kNoArgs && statfs(dp, v3);
      case kFsinfo:
        return (dp = rep()) != kNoArgs && fsinfo(dp);
      case kPathconf:
        return (dp = rep()) != kNoArgs && pathconf(dp);
      case kCommit:
        if ((dp = rep()) == kNoArgs || (dp = wccres(dp, vflag)) == kNoArgs) return false;
        if (vflag > 1) {
          const std::uint64_t verf = u64(dp);
          o << " verf ";
          o.hex(verf);
        }
        return true;
      default:
        return true;
    }
  }
};

}  // namespace

void NfsXids::insert(const Key& k, std::uint32_t proc, std::uint32_t vers) noexcept {
  keys_[next_] = k;
  procs_[next_] = proc;
  vers_[next_] = vers;
  next_ = (next_ + 1) % kSlots;
}

std::optional<std::pair<std::uint32_t, std::uint32_t>> NfsXids::find(const Key& k) noexcept {
  std::size_t i = hint_;
  do {
    if (k.ipver != 0 && keys_[i] == k) {
      hint_ = i;
      return std::pair{procs_[i], vers_[i]};
    }
    i = (i + 1) % kSlots;
  } while (i != hint_);
  return std::nullopt;
}

void nfs_track(Ctx& c, NfsL& n, std::size_t ip) {
  NfsXids::Key k;
  Bytes src, dst;
  if (is<Ipv4L>(c.d, ip)) {
    k.ipver = 4;
    src = at<Ipv4L>(c.d, ip).src;
    dst = at<Ipv4L>(c.d, ip).dst;
  } else {
    k.ipver = 6;
    src = at<Ipv6L>(c.d, ip).src;
    dst = at<Ipv6L>(c.d, ip).dst;
  }
  Bytes m = n.msg;
  k.xid = be32_at(m, 0);
  if (!n.reply) {
    if (m.size() < 24) return;  // xid_map_enter needs the procedure
    n.entered = true;
    std::copy(src.begin(), src.end(), k.client.begin());
    std::copy(dst.begin(), dst.end(), k.server.begin());
    if (c.nfs) c.nfs->insert(k, be32_at(m, 20), be32_at(m, 16));
    return;
  }
  if (m.size() < 12 || be32_at(m, 8) != 0 || !c.nfs) return;  // only an accepted reply looks its call up
  std::copy(dst.begin(), dst.end(), k.client.begin());
  std::copy(src.begin(), src.end(), k.server.begin());
  if (auto hit = c.nfs->find(k)) {
    n.matched = true;
    n.proc = hit->first;
    n.vers = hit->second;
  }
}

void print_nfs(PrintCtx& p, std::size_t i) {
  p.proto = "nfs";
  const auto& n = at<NfsL>(p.d, i);
  Out& o = p.o;
  Bytes m = n.msg;
  if (n.tcp) o << ": ";
  o << (n.reply ? "NFS reply xid " : "NFS request xid ");
  o.u(be32_at(m, 0)) << ' ';
  Printer pr{o, m, p.opt.verbose, p.opt.quiet};
  // tcpdump's own " [|nfs]" (no longjmp): the -x dump still skips the link header.
  auto cut = [&] {
    o << " [|nfs]";
    p.local_trunc = true;
  };
  if (n.reply) {
    bool status_cut = false;
    if (!print_rpc_reply_status(o, m, n.length, status_cut)) {
      p.local_trunc = status_cut;
      return;
    }
    if (!n.matched) return;
    const bool v3 = n.vers == 3;
    const std::uint32_t proc = generic_proc(n.proc, v3);
    o << ' ';
    tok_print(o, kProcNames, proc, "proc-", "");
    if (!pr.reply(n.length, proc, v3) && !pr.error) cut();
    return;
  }
  o.u(n.length);
  if (!n.entered) return cut();
  const bool v3 = be32_at(m, 16) == 3;
  const std::uint32_t proc = generic_proc(be32_at(m, 20), v3);
  o << ' ';
  tok_print(o, kProcNames, proc, "proc-", "");
  if (!pr.request(n.length, proc, v3)) cut();
}

void json_nfs(JsonWriter& w, const NfsL& l) {
  w.member("layer", "nfs");
  w.member("length", l.length);
  json_sunrpc(w, l);
  Bytes m = l.msg;
  bool known = false;
  std::uint32_t proc = 0, vers = 0;
  if (!l.reply && l.entered) known = true, proc = be32_at(m, 20), vers = be32_at(m, 16);
  if (l.reply && l.matched) known = true, proc = l.proc, vers = l.vers;
  if (!known) return;
  const bool v3 = vers == 3;
  const std::uint32_t generic = generic_proc(proc, v3);
  w.member("version", vers);
  w.member("procedure", proc);
  if (auto name = tok_name(kProcNames, generic); !name.empty()) w.member("procedure_name", name);
  if (l.reply) {
    // The NFS status after an accepted, successful RPC reply.
    if (m.size() < 20) return;
    const std::uint32_t vlen = be32_at(m, 16);
    const std::uint64_t at = 12 + (std::uint64_t{vlen} + 11) / 4 * 4;
    if (at + 8 <= m.size() && be32_at(m, at) == 0) {
      const std::uint32_t st = be32_at(m, at + 4);
      w.member("nfs_status", st);
      if (auto name = tok_name(kStatus, st); !name.empty()) w.member("nfs_status_name", name);
    }
    return;
  }
  // A call: the first file handle's bytes, when the arguments were reached.
  try {
    const std::size_t args = rpc_call_args(m, l.length);
    if (args == kNoArgs || generic == kNull || generic == kNoop) return;
    std::size_t at = args;
    std::size_t len = kV2Fh;
    if (v3) len = be32_at(m, at) / 4 * 4, at += 4;
    if (at <= m.size() && len <= m.size() - at) w.member("file_handle", hex_text(m.subspan(at, len)));
  } catch (const Truncated&) {
  }
}

}  // namespace netlab::proto
