// libFuzzer target: the capture-file reading path of `netlab capture -r`.
// The input is a whole pcap or pcapng file. It is written to a memfd and
// opened by its /proc/self/fd path, so Capture::open takes the same
// route as for a file on disk (libpcap reads the file header; a memfd is a
// regular file, so the records of a pcap 2.4 file come from the block reader
// of capture/savefile_reader.cpp until one is not plain, and from libpcap
// after it); every packet is then
// printed as text and as JSON, as the CLI would.
#include <netlab/capture.hpp>
#include <netlab/packet.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

namespace {

int memfd() {
  static int fd = [] {
    int f = memfd_create("netlab-fuzz-pcap", MFD_CLOEXEC);
    if (f < 0) std::abort();
    return f;
  }();
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace netlab;
  int fd = memfd();
  if (ftruncate(fd, 0) != 0) std::abort();
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) std::abort();
    done += static_cast<std::size_t>(n);
  }

  CaptureOptions co;
  co.read_file = "/proc/self/fd/" + std::to_string(fd);
  co.nano = size & 1;
  auto cap = Capture::open(co);
  if (!cap) return 0;
  (void)cap->linktype_name();
  (void)cap->linktype_description();
  (void)cap->snaplen();

  // Option sets vary with the input so that the printers see all of them.
  PrintOptions text;
  text.verbose = static_cast<int>(size % 4);
  text.link_header = (size >> 2) & 1;
  text.hex = static_cast<HexStyle>((size >> 3) % 5);
  text.ts = static_cast<TimestampStyle>((size >> 4) % 6);
  PrintOptions json = text;
  json.json = true;
  std::optional<PacketPrinter> tp, jp;
  if (linktype_supported(cap->linktype())) {
    tp.emplace(text, cap->linktype(), "fuzz0");
    jp.emplace(json, cap->linktype(), "fuzz0");
  }
  std::string out;
  std::uint64_t packets = 0;
  auto r = cap->run(0, [&](const PacketMeta& m, std::span<const std::uint8_t> bytes) {
    if (tp) {
      out.clear();
      tp->print(m, bytes, out);
      jp->print(m, bytes, out);
    }
    return ++packets < 2000;  // bound the time one input may take
  });
  (void)r;
  (void)cap->stats();
  return 0;
}
