// Fuzzes the protocol transcript writer (src/protolog/): what a client (and, for the splitter,
// the server) sends goes through Tap → Redactor → TranscriptFile, as a logged session does.
//
// Input layout: 2 header bytes, then the stream.
//   header[0]: protocol (imap, pop3, lmtp) in bits 0-1, bodies in bit 2, max_line 64 << bits 3-5
//   header[1]: chunk size for the chunked run (1..256)
//   stream: pieces separated by 0x00; even pieces are client bytes, odd ones server bytes.
// Every run starts with the client line "a LOGIN user <password>" (IMAP), "PASS <password>"
// (POP3) or nothing (LMTP), the password being derived from a hash of the stream so the fuzzer
// cannot simply copy it.
// Invariants checked:
//   - every transcript line is printable ASCII (escaping holds whatever the bytes);
//   - feeding the same pieces whole and in chunks of any size gives the same lines;
//   - the password never appears in the transcript unless the stream itself contains it;
//   - without bodies, no logged line is longer than 4 × max_line + 32 octets (literals and
//     bodies are summaries, so nothing grows unbounded).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "protolog/tap.h"

using namespace pillarbox;
namespace fs = std::filesystem;

namespace {

fs::path scratch() {
  static const fs::path dir = [] {
    char tmpl[] = "/tmp/pb_fuzz_protolog_XXXXXX";
    if (!::mkdtemp(tmpl)) std::abort();
    return fs::path(tmpl);
  }();
  return dir;
}

// Runs the pieces through a Tap, `chunk` bytes per call (0: whole pieces); returns the lines
// after the header, without time stamps.
std::vector<std::string> run(protolog::Protocol protocol, bool bodies, std::size_t max_line,
                             const std::vector<std::string>& pieces, std::size_t chunk) {
  static unsigned counter = 0;
  const auto now = std::chrono::system_clock::time_point{};
  protolog::SessionInfo info{"s" + std::to_string(++counter), protocol, "r", "l", ""};
  auto file = protolog::TranscriptFile::open(scratch(), info, now);
  if (!file) std::abort();
  const fs::path path = file->path();
  {
    protolog::Tap tap(std::move(*file), protocol, bodies, max_line);
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      std::string_view bytes = pieces[i];
      while (!bytes.empty()) {
        const std::size_t n = chunk == 0 ? bytes.size() : std::min(chunk, bytes.size());
        if (i % 2 == 0) tap.client(bytes.substr(0, n), now);
        else tap.server(bytes.substr(0, n), now);
        bytes.remove_prefix(n);
      }
    }
  }
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("# ")) lines.push_back(line.substr(13));
  }
  in.close();
  fs::remove(path);
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto protocol = static_cast<protolog::Protocol>((data[0] & 3) % 3);
  const bool bodies = (data[0] & 4) != 0;
  const std::size_t max_line = std::size_t{64} << ((data[0] >> 3) & 7);
  const std::size_t chunk = 1 + data[1] % 256;
  const std::string_view stream(reinterpret_cast<const char*>(data + 2), size - 2);

  // A password the stream is unlikely to hold: letters from an FNV-1a hash of it.
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : stream) h = (h ^ c) * 1099511628211ULL;
  std::string password = "Pw";
  for (int i = 0; i < 10; ++i, h >>= 5) password += static_cast<char>('a' + h % 26);

  std::vector<std::string> pieces{""};
  if (protocol == protolog::Protocol::imap) pieces[0] = "a LOGIN user " + password + "\r\n";
  if (protocol == protolog::Protocol::pop3) pieces[0] = "PASS " + password + "\r\n";
  for (std::size_t pos = 0, n = 0; pos <= stream.size(); ++n) {
    const auto nul = stream.find('\0', pos);
    const std::string_view piece = stream.substr(pos, nul == std::string_view::npos ? std::string_view::npos : nul - pos);
    if (n == 0) pieces[0] += piece;
    else pieces.emplace_back(piece);
    if (nul == std::string_view::npos) break;
    pos = nul + 1;
  }

  const auto whole = run(protocol, bodies, max_line, pieces, 0);
  const auto chunked = run(protocol, bodies, max_line, pieces, chunk);
  if (whole != chunked) {
    for (std::size_t i = 0; i < std::max(whole.size(), chunked.size()); ++i) {
      std::fprintf(stderr, "%zu whole: %s\n   chunked: %s\n", i, i < whole.size() ? whole[i].c_str() : "-",
                   i < chunked.size() ? chunked[i].c_str() : "-");
    }
    std::abort();
  }
  const bool stream_has_password = stream.find(password) != std::string_view::npos;
  for (const std::string& line : whole) {
    for (unsigned char c : line) {
      if (c < 0x20 || c > 0x7e) std::abort();
    }
    if (!stream_has_password && line.find(password) != std::string::npos) std::abort();
    if (!bodies && line.size() > 4 * max_line + 32) std::abort();
  }
  return 0;
}
