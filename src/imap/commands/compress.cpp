// RFC 4978 COMPRESS
//   compress = "COMPRESS" SP algorithm      algorithm = "DEFLATE"
// Allowed after login. The tagged OK goes out uncompressed, then both directions are raw
// DEFLATE (net::Stream does it, so no other command changes). A second COMPRESS gets
// NO [COMPRESSIONACTIVE] (§3); an unknown algorithm is BAD, as Dovecot answers.
#include <fmt/format.h>

#include "base/ascii.h"
#include "imap/commands/commands.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_compress(Session& s, Request& r) {
  Parser& p = r.parser;
  const std::string algorithm = p.atom();
  p.end();
  if (!p.ok()) co_return Reply::bad(p.error());
  if (s.stream().is_compressed()) co_return Reply::no("COMPRESSIONACTIVE", "DEFLATE is already active");
  if (ascii::upper(algorithm) != "DEFLATE") co_return Reply::bad("Unknown compression algorithm");
  s.write(fmt::format("{} OK DEFLATE active\r\n", r.tag));
  co_await s.start_compression();
  co_return Reply::already_sent();
}

}  // namespace pillarbox::imap
