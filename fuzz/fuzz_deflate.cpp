// Fuzzes IMAP COMPRESS=DEFLATE (src/net/deflate.cpp, RFC 4978) without sockets: what a client
// sends after "OK DEFLATE active" goes through net::Deflate as net::Stream feeds it.
//
// Input layout: 3 header bytes, then the bytes.
//   header[0]: input piece size (1..256) for the chunked run
//   header[1]: output buffer size (1..256) for the chunked run
//   header[2]: where the round trip splits the bytes into two writes
// Invariants checked:
//   - the bytes read as compressed client data: fed whole with a big buffer and fed in pieces
//     with a small one give the same output and the same error (or none); nothing comes out
//     after an error;
//   - the bytes as server output: deflated in two writes and inflated by a second Deflate in
//     pieces, they come back exactly, with no error, and each write ends in a sync flush;
//   - zlib's memory for one connection stays under 128 KiB.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

#include "net/deflate.h"
#include "fuzz_check.h"

using namespace pillarbox;

namespace {

constexpr std::size_t kMaxMemory = 128 * 1024;

std::unique_ptr<net::Deflate> make() {
  std::error_code ec;
  auto d = net::Deflate::create(net::CompressSettings{}, ec);
  FUZZ_CHECK(d && !ec);
  return d;
}

struct Inflated {
  std::string out;
  std::error_code ec;
};

Inflated inflate(std::string_view data, std::size_t in_piece, std::size_t out_size) {
  auto d = make();
  Inflated r;
  std::string buf(out_size, '\0');
  std::size_t pos = 0;
  for (;;) {
    if (d->wants_input()) {
      if (pos >= data.size()) break;
      d->give_input(std::string(data.substr(pos, in_piece)));
      pos += in_piece;
      continue;
    }
    const std::size_t n = d->inflate(buf.data(), buf.size(), r.ec);
    FUZZ_CHECK(n <= buf.size());
    r.out.append(buf.data(), n);
    if (r.ec) {
      std::error_code again;
      FUZZ_CHECK(d->inflate(buf.data(), buf.size(), again) == 0 && again);
      break;
    }
    FUZZ_CHECK(n > 0 || d->wants_input());
  }
  FUZZ_CHECK(d->memory() < kMaxMemory);
  return r;
}

std::string deflate(net::Deflate& d, std::string_view text) {
  std::string out;
  d.deflate_begin(text);
  for (bool done = false; !done;) {
    std::error_code ec;
    const std::string_view piece = d.deflate_next(done, ec);
    FUZZ_CHECK(!ec);
    FUZZ_CHECK(piece.size() <= net::Deflate::kPiece);
    out += piece;
  }
  d.release_output();
  if (!text.empty()) FUZZ_CHECK(out.size() >= 4 && out.compare(out.size() - 4, 4, std::string("\0\0\xff\xff", 4)) == 0);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::size_t in_piece = 1 + data[0];
  const std::size_t out_size = 1 + data[1];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 3), size - 3);
  const std::size_t split = bytes.empty() ? 0 : data[2] % (bytes.size() + 1);

  const Inflated whole = inflate(bytes, bytes.size() + 1, 65536);
  const Inflated pieces = inflate(bytes, in_piece, out_size);
  FUZZ_CHECK(whole.out == pieces.out);
  FUZZ_CHECK(whole.ec == pieces.ec);

  auto server = make();
  std::string wire = deflate(*server, bytes.substr(0, split));
  wire += deflate(*server, bytes.substr(split));
  FUZZ_CHECK(server->memory() < kMaxMemory);
  const Inflated back = inflate(wire, in_piece, out_size);
  FUZZ_CHECK(!back.ec);
  FUZZ_CHECK(back.out == bytes);
  return 0;
}
