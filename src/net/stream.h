// A connection's byte stream: plain TCP that can turn into TLS (implicit TLS at accept, or
// STARTTLS/STLS later), and then into DEFLATE compression (IMAP COMPRESS, RFC 4978) on top of
// either. Reads hand over whatever bytes are available (for TLS: what OpenSSL has already
// decrypted; compressed: what zlib could inflate), so the framer sees every byte exactly once
// however records are split. Callers only ever see protocol bytes.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "net/deflate.h"

namespace pillarbox::net {

class Stream {
 public:
  explicit Stream(asio::ip::tcp::socket socket);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  /// Reads at least one byte into `buffer`; returns the count, 0 with `ec` set at EOF/error.
  asio::awaitable<std::size_t> read_some(asio::mutable_buffer buffer, std::error_code& ec);
  /// Writes all of `data`; `ec` set on failure.
  asio::awaitable<void> write(std::string_view data, std::error_code& ec);
  /// Runs the server side of a TLS handshake on this connection (implicit TLS or STARTTLS)
  /// with `context`, which the stream keeps for as long as it lives (a certificate reload
  /// replaces the server's context, not this connection's).
  asio::awaitable<void> start_tls(std::shared_ptr<asio::ssl::context> context, std::error_code& ec);

  bool is_tls() const { return tls_ != nullptr; }

  /// Starts DEFLATE in both directions (RFC 4978 §3), inside TLS when TLS is up. Bytes read
  /// afterwards are inflated; every write() is deflated and ends with a sync flush (RFC 4978
  /// §4: nothing the server sends is held back). `already_read`: bytes the caller read from
  /// the connection after the COMPRESS command and did not use; they are compressed data and
  /// are inflated first. Errors: zlib could not allocate its state (CompressError::no_memory).
  std::error_code start_compression(std::string_view already_read, const CompressSettings& settings);
  bool is_compressed() const { return deflate_ != nullptr; }
  /// Bytes of zlib state (both directions) this stream holds now; 0 uncompressed.
  std::size_t compression_memory() const { return deflate_ ? deflate_->memory() : 0; }
  /// Octets read from / written to the connection after compression started (what the
  /// compressed stream costs on the wire, before TLS); 0 uncompressed.
  std::uint64_t compressed_in() const { return compressed_in_; }
  std::uint64_t compressed_out() const { return compressed_out_; }
  /// "TLSv1.3 TLS_AES_256_GCM_SHA384" once TLS is up, "" before.
  std::string tls_description() const;
  /// Channel binding "tls-exporter" (RFC 9266 §2): 32 bytes exported with the label
  /// "EXPORTER-Channel-Binding" and an empty context. Only on TLS 1.3: on TLS 1.2 it is safe
  /// only with the extended master secret (RFC 9266 §3), so "" there and before TLS.
  std::string tls_exporter() const;
  /// Channel binding "tls-server-end-point" (RFC 5929 §4.1): the hash of this server's
  /// certificate, with the certificate's signature hash, or SHA-256 when that is MD5, SHA-1 or
  /// not defined (Ed25519). "" before TLS.
  std::string tls_server_end_point() const;
  /// Cancels pending reads and writes (they complete with operation_aborted).
  void cancel();
  /// Closes the socket; pending operations complete with errors.
  void close();
  /// Closes the socket with a reset, dropping unsent data (a client that does not read).
  void abort();
  bool is_open() const { return socket_.is_open(); }

  /// The peer's address, e.g. "127.0.0.1"; "" if unknown.
  const std::string& remote_address() const { return remote_address_; }
  std::uint16_t remote_port() const { return remote_port_; }
  const std::string& local_address() const { return local_address_; }
  std::uint16_t local_port() const { return local_port_; }
  /// True when the peer is on a loopback address (127/8 or ::1).
  bool remote_is_loopback() const { return remote_loopback_; }

  asio::any_io_executor get_executor() { return socket_.get_executor(); }

 private:
  asio::awaitable<std::size_t> raw_read_some(asio::mutable_buffer buffer, std::error_code& ec);
  asio::awaitable<void> raw_write(std::string_view data, std::error_code& ec);

  asio::ip::tcp::socket socket_;
  std::shared_ptr<asio::ssl::context> tls_context_;   // declared before tls_: outlives it
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;
  std::unique_ptr<Deflate> deflate_;
  std::uint64_t compressed_in_ = 0;
  std::uint64_t compressed_out_ = 0;
  std::string remote_address_;
  std::string local_address_;
  std::uint16_t remote_port_ = 0;
  std::uint16_t local_port_ = 0;
  bool remote_loopback_ = false;
};

}  // namespace pillarbox::net
