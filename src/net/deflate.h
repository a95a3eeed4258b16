// IMAP COMPRESS=DEFLATE (RFC 4978) without the I/O: raw DEFLATE (RFC 1951, no zlib or gzip
// framing) in both directions of one connection, through zlib. net::Stream drives it; it is a
// class of its own so that unit tests and fuzz/fuzz_deflate.cpp can reach it without sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace pillarbox::net {

/// Errors of a compressed stream (std::error_code category "deflate").
enum class CompressError {
  corrupt = 1,    ///< the peer's data is not a valid raw DEFLATE stream (RFC 1951)
  ended = 2,      ///< the peer ended its DEFLATE stream (RFC 4978 §4 never ends it)
  no_memory = 3,  ///< zlib could not allocate its state
};
const std::error_category& compress_category();
std::error_code make_error_code(CompressError e);

/// zlib parameters (RFC 4978 §4 leaves them to each side). Inflating always uses a 32 KiB
/// window: the peer chooses its own window, and any valid DEFLATE stream must be readable.
/// Only this side's (deflate) memory can be made smaller, at some cost in ratio.
struct CompressSettings {
  int deflate_window_bits = 12;  ///< 9..15: window of 2^bits octets; zlib holds 2^(bits+2)
  int deflate_mem_level = 5;     ///< 1..9: hash and buffer memory of 2^(level+9) octets
  int level = 6;                 ///< 1..9: zlib compression level (speed against ratio)
  /// Octets handed to zlib at once (zlib counts in 32 bits, so at most 2^32 - 1; a larger
  /// write goes in pieces). Only tests make it smaller.
  std::size_t max_input = 0xffffffffu;
};

/// One connection's two DEFLATE streams. Not thread-safe; the two directions are independent,
/// so one coroutine may inflate while another deflates on the same strand.
class Deflate {
 public:
  /// The octets deflate_next() hands out at most per piece.
  static constexpr std::size_t kPiece = 16384;

  /// Both streams set up; nullptr (and `ec` = no_memory) when zlib cannot allocate.
  static std::unique_ptr<Deflate> create(const CompressSettings& settings, std::error_code& ec);
  ~Deflate();
  Deflate(const Deflate&) = delete;
  Deflate& operator=(const Deflate&) = delete;

  // --- peer to us -------------------------------------------------------------------------
  /// True when inflate() can make nothing more without new input.
  bool wants_input() const;
  /// Hands over compressed octets read from the peer. Only when wants_input().
  void give_input(std::string compressed);
  /// Inflates into `out` (`size` > 0 octets). Returns the octets made; 0 with `ec` clear means
  /// wants_input(). Errors: corrupt, ended, no_memory; the octets inflated before the error
  /// are returned first (`ec` clear), and the error comes with the next call and every call
  /// after it.
  std::size_t inflate(char* out, std::size_t size, std::error_code& ec);

  // --- us to peer -------------------------------------------------------------------------
  /// Starts compressing `data` (any size), which must stay valid until deflate_next() says
  /// done.
  void deflate_begin(std::string_view data);
  /// The next piece of compressed output (at most kPiece octets; a view valid until the next
  /// call). `done` becomes true with the last piece, which ends with a sync flush (RFC 4978
  /// §4: the peer can read everything given so far; RFC 1951 empty stored block).
  std::string_view deflate_next(bool& done, std::error_code& ec);

  /// Frees the output piece's buffer (after the last piece was written): an idle connection
  /// then holds only zlib's state.
  void release_output() { std::string().swap(output_); }

  /// Octets zlib holds for this connection now (both directions; counted through zlib's
  /// allocator hooks, so exact).
  std::size_t memory() const { return memory_; }

 private:
  Deflate();
  struct Streams;
  static void* alloc(void* self, unsigned items, unsigned size);
  static void release(void* self, void* address);
  /// Gives zlib the next piece of to_deflate_ (at most max_input_ octets).
  void refill();

  std::unique_ptr<Streams> z_;
  std::string input_;     // compressed octets given and not yet all inflated
  std::string output_;    // one piece of compressed output
  std::string_view to_deflate_;  // deflate_begin()'s data not yet given to zlib
  std::size_t max_input_ = 0xffffffffu;
  bool in_more_ = false;  // the last inflate filled its buffer: output may be pending
  std::error_code error_;  // the first error reading the peer's stream; it stays
  std::size_t memory_ = 0;
};

}  // namespace pillarbox::net

template <>
struct std::is_error_code_enum<pillarbox::net::CompressError> : std::true_type {};
