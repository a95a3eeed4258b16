#include "net/deflate.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <string>

namespace pillarbox::net {
namespace {

// What a client's zlib makes of `text`: raw DEFLATE, 32 KiB window, ending in a sync flush
// (or, with Z_FINISH, in a final block).
std::string client_deflate(std::string_view text, int flush = Z_SYNC_FLUSH) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, text.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, flush), flush == Z_FINISH ? Z_STREAM_END : Z_OK);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

// What a client's zlib reads from our output.
std::string client_inflate(std::string_view data) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, -15), Z_OK);
  std::string out;
  char buf[1000];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    const int rc = inflate(&z, Z_SYNC_FLUSH);
    EXPECT_TRUE(rc == Z_OK || rc == Z_BUF_ERROR) << rc;
    out.append(buf, sizeof buf - z.avail_out);
    if (rc == Z_BUF_ERROR) break;
  } while (z.avail_in > 0 || z.avail_out == 0);
  inflateEnd(&z);
  return out;
}

// Text that compresses like mail: words, repeated headers, some noise.
std::string mail_text(std::size_t size, unsigned seed = 1) {
  std::mt19937 rng(seed);
  static const char* kWords[] = {"Received:", "from", "mail.example.org", "by", "Pillarbox", "with", "LMTP", "id",
                                 "Subject:", "Re:", "the", "quarterly", "report", "\r\n", "=3D", "base64"};
  std::string out;
  while (out.size() < size) {
    out += kWords[rng() % 16];
    out += rng() % 7 == 0 ? std::string(1, static_cast<char>(rng() % 256)) : " ";
  }
  out.resize(size);
  return out;
}

std::unique_ptr<Deflate> make(const CompressSettings& s = {}) {
  std::error_code ec;
  auto d = Deflate::create(s, ec);
  EXPECT_FALSE(ec);
  return d;
}

std::string deflate_all(Deflate& d, std::string_view text) {
  std::string out;
  d.deflate_begin(text);
  for (bool done = false; !done;) {
    std::error_code ec;
    out += d.deflate_next(done, ec);
    EXPECT_FALSE(ec);
  }
  d.release_output();
  return out;
}

// Feeds `data` in pieces of `in_chunk` and reads with a buffer of `out_chunk` octets.
std::string inflate_all(Deflate& d, std::string_view data, std::size_t in_chunk, std::size_t out_chunk,
                        std::error_code* error = nullptr) {
  std::string out;
  std::string buf(out_chunk, '\0');
  std::size_t pos = 0;
  for (;;) {
    std::error_code ec;
    if (d.wants_input()) {
      if (pos >= data.size()) break;
      d.give_input(std::string(data.substr(pos, in_chunk)));
      pos += in_chunk;
      continue;
    }
    const std::size_t n = d.inflate(buf.data(), buf.size(), ec);
    out.append(buf.data(), n);
    if (ec) {
      if (error) *error = ec;
      break;
    }
  }
  return out;
}

TEST(Deflate, ClientDataInAnyPiecesInflatesWhole) {
  const std::string text = mail_text(200000);
  const std::string data = client_deflate(text);
  ASSERT_LT(data.size(), text.size());
  for (std::size_t in : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, data.size()}) {
    for (std::size_t out : {std::size_t{1}, std::size_t{13}, std::size_t{8192}}) {
      if (in == 1 && out == 1) continue;  // slow, and covered by the next pair
      auto d = make();
      EXPECT_EQ(inflate_all(*d, data, in, out), text) << in << " " << out;
      EXPECT_TRUE(d->wants_input());
    }
  }
}

TEST(Deflate, EveryWriteEndsWithASyncFlushTheClientReadsAtOnce) {
  auto d = make();
  std::string wire;
  std::string sent;
  for (const char* response : {"* OK [CAPABILITY IMAP4rev1] ready\r\n", "a1 OK done\r\n", ""}) {
    const std::string piece = deflate_all(*d, response);
    if (*response) {
      ASSERT_GE(piece.size(), 4u);
      // RFC 1951 §3.2.4: the sync flush's empty stored block, so nothing is held back.
      EXPECT_EQ(piece.substr(piece.size() - 4), std::string("\0\0\xff\xff", 4));
    }
    wire += piece;
    sent += response;
    EXPECT_EQ(client_inflate(wire), sent);  // all of it readable now, before any later write
  }
  EXPECT_EQ(client_inflate(wire), "* OK [CAPABILITY IMAP4rev1] ready\r\na1 OK done\r\n");
}

TEST(Deflate, LargeResponseComesInPiecesAndRoundTrips) {
  const std::string text = mail_text(1000000, 7);
  auto server = make();
  const std::string wire = deflate_all(*server, text);
  EXPECT_LT(wire.size(), text.size());
  EXPECT_EQ(client_inflate(wire), text);
  auto peer = make();
  EXPECT_EQ(inflate_all(*peer, wire, 1500, 4096), text);
}

TEST(Deflate, MemoryIsCountedAndBounded) {
  // The defaults: 4 × 4 KiB window + 16 KiB hash for deflate, 32 KiB window + state for
  // inflate, measured through zlib's allocator. zlib's own defaults hold about 4 times that.
  auto small = make();
  deflate_all(*small, mail_text(100000));
  inflate_all(*small, client_deflate(mail_text(100000, 3)), 4096, 8192);
  const std::size_t used = small->memory();
  EXPECT_GT(used, 32u * 1024);
  EXPECT_LT(used, 96u * 1024) << used;
  auto big = make(CompressSettings{15, 8, 6});
  deflate_all(*big, mail_text(100000));
  EXPECT_GT(big->memory(), 256u * 1024) << big->memory();
  EXPECT_GT(big->memory(), 3 * used / 2);
}

TEST(Deflate, GarbageIsAnErrorAndStaysOne) {
  auto d = make();
  std::error_code ec;
  const std::string out = inflate_all(*d, "a1 LOGIN alice secret\r\n", 100, 100, &ec);
  EXPECT_EQ(ec, CompressError::corrupt);
  EXPECT_EQ(ec.category().name(), std::string("deflate"));
  EXPECT_FALSE(d->wants_input());
  char buf[10];
  EXPECT_EQ(d->inflate(buf, sizeof buf, ec), 0u);
  EXPECT_EQ(ec, CompressError::corrupt);
}

TEST(Deflate, ValidDataThenGarbageKeepsWhatCameBefore) {
  auto d = make();
  std::string data = client_deflate("a1 NOOP\r\n");
  data += std::string("\xff\xff\xff\xff\xff\xff", 6);
  std::error_code ec;
  EXPECT_EQ(inflate_all(*d, data, data.size(), 100, &ec), "a1 NOOP\r\n");
  EXPECT_EQ(ec, CompressError::corrupt);
}

// A write larger than one zlib input (uInt) goes in pieces; the whole of it comes out, and only
// the last piece ends with the sync flush.
TEST(Deflate, WriteLargerThanOneZlibInputIsChunked) {
  CompressSettings settings;
  settings.max_input = 1000;
  std::error_code ec;
  auto d = Deflate::create(settings, ec);
  ASSERT_TRUE(d) << ec.message();
  std::string text;
  for (int i = 0; text.size() < 100000; ++i) text += "* " + std::to_string(i) + " FETCH (FLAGS (\\Seen))\r\n";
  std::string wire;
  d->deflate_begin(text);
  int pieces = 0;
  for (bool done = false; !done; ++pieces) {
    wire += std::string(d->deflate_next(done, ec));
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_LT(pieces, 100000);
  }
  // The peer inflates it all, which needs the final sync flush.
  z_stream z{};
  ASSERT_EQ(inflateInit2(&z, -15), Z_OK);
  std::string out(text.size() + 16, '\0');
  z.next_in = reinterpret_cast<Bytef*>(wire.data());
  z.avail_in = static_cast<uInt>(wire.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(::inflate(&z, Z_SYNC_FLUSH), Z_OK);
  out.resize(out.size() - z.avail_out);
  inflateEnd(&z);
  EXPECT_EQ(out, text);
  EXPECT_TRUE(wire.ends_with(std::string("\0\0\xff\xff", 4)));  // RFC 1951 empty stored block
}

TEST(Deflate, AFinalBlockEndsTheStream) {
  const std::string text = "a1 LOGOUT\r\n";
  const std::string out = client_deflate(text, Z_FINISH);
  auto d = make();
  std::error_code ec;
  EXPECT_EQ(inflate_all(*d, out, out.size(), 100, &ec), text);
  EXPECT_EQ(ec, CompressError::ended);
}

}  // namespace
}  // namespace pillarbox::net
