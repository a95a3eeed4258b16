// Transcript files (issue 6 items 2 and 5): one file per session at
// <dir>/<YYYY-MM-DD>/<session-id>.log (UTC date the session started), a "# " header block that a
// transcript test file takes as comments (tests/transcripts/README.md), then format.h lines.
// Files are 0600 and directories 0700: a transcript holds mail even when credentials are gone.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "protolog/format.h"

namespace pillarbox::protolog {

/// What a transcript's header says about its session.
struct SessionInfo {
  std::string session_id;      ///< becomes the file name: letters, digits, '-', '_' and '.' only
  Protocol protocol = Protocol::imap;
  std::string remote_address;  ///< "203.0.113.7:51234"
  std::string local_address;   ///< "192.0.2.1:993"
  std::string tls;             ///< "TLSv1.3 TLS_AES_256_GCM_SHA384"; empty for none
};

class TranscriptFile {
 public:
  /// Creates `dir` (0700) and its date directory for `started` if missing, creates the file
  /// (0600; an existing file is an error, Errc::already_exists, never overwritten or followed as a
  /// symlink) and buffers the header block. Errc::invalid for an unusable session id, Errc::io
  /// when a directory or the file cannot be made.
  static Result<TranscriptFile> open(const std::filesystem::path& dir, const SessionInfo& info,
                                     std::chrono::system_clock::time_point started);

  TranscriptFile(TranscriptFile&& other) noexcept;
  TranscriptFile& operator=(TranscriptFile&& other) noexcept;
  TranscriptFile(const TranscriptFile&) = delete;
  TranscriptFile& operator=(const TranscriptFile&) = delete;
  /// Flushes what is buffered (errors are dropped: there is nobody left to tell) and closes.
  ~TranscriptFile();

  /// Buffers "# account: <account>" once the session has logged in (escaped like a line).
  void set_account(std::string_view account);
  /// Buffers "# tls: <description>" when STARTTLS/STLS completes mid-session.
  void set_tls(std::string_view description);
  /// Buffers one transcript_line() and its LF; `direction` is 'C' or 'S'.
  void line(std::chrono::system_clock::time_point t, char direction, std::string_view line);
  /// Buffers `text` and a LF as it is (a "# " note; the caller keeps it on one line).
  void line_raw(std::string_view text);
  /// Octets buffered and not yet written.
  std::size_t pending() const { return buffer_.size(); }
  /// Drops what is buffered.
  void discard() { buffer_.clear(); }
  /// Writes what is buffered; call once per batch of lines (one read or one response).
  /// Errc::io when the write fails (disk full): the buffer is dropped so it cannot grow.
  Status flush();

  const std::filesystem::path& path() const { return path_; }
  /// Octets written to the file so far (the protocol-log bytes metric).
  std::uint64_t bytes_written() const { return written_; }

 private:
  TranscriptFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  void header(std::string_view name, std::string_view value);

  int fd_ = -1;
  std::filesystem::path path_;
  std::string buffer_;
  std::uint64_t written_ = 0;
};

/// The size cap of the whole protocol log (protocol_log_max_mb, issue 6 item 5).
struct SizeCap {
  std::filesystem::path dir;  ///< the protocol_log_dir
  std::uint64_t cap_bytes = 0;

  /// Transcripts still being written: never removed (their sessions would go on writing to a
  /// file nobody can see), but counted.
  std::set<std::filesystem::path> keep;

  struct Outcome {
    std::vector<std::filesystem::path> removed;  ///< oldest first
    std::uint64_t total = 0;                     ///< octets of the "*.log" files left
  };
  /// Removes "*.log" files under <dir>/<date>/, oldest modification time first (ties by path),
  /// until their total size is at most cap_bytes, and then date directories left empty.
  /// A missing `dir` is an empty log. Errc::io when the directory cannot be read or a file
  /// cannot be removed.
  Result<Outcome> enforce() const;
};

}  // namespace pillarbox::protolog
