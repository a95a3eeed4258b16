#include "net/stream.h"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

namespace pillarbox::net {
namespace {

// Octets read from the connection per read while compressed: each read inflates to at most
// what the caller's buffer holds, so this only bounds what one wakeup takes from the socket.
constexpr std::size_t kCompressedReadChunk = 4096;

}  // namespace

Stream::Stream(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {
  std::error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  if (!ec) {
    auto addr = remote.address();
    if (addr.is_v6() && addr.to_v6().is_v4_mapped())
      addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
    remote_address_ = addr.to_string();
    remote_port_ = remote.port();
    remote_loopback_ = addr.is_loopback();
  }
  auto local = socket_.local_endpoint(ec);
  if (!ec) {
    local_address_ = local.address().to_string();
    local_port_ = local.port();
  }
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

Stream::~Stream() = default;

asio::awaitable<std::size_t> Stream::raw_read_some(asio::mutable_buffer buffer, std::error_code& ec) {
  ec.clear();
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  if (tls_) co_return co_await tls_->async_read_some(buffer, token);
  co_return co_await socket_.async_read_some(buffer, token);
}

asio::awaitable<void> Stream::raw_write(std::string_view data, std::error_code& ec) {
  ec.clear();
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  if (tls_) co_await asio::async_write(*tls_, asio::buffer(data), token);
  else co_await asio::async_write(socket_, asio::buffer(data), token);
}

asio::awaitable<std::size_t> Stream::read_some(asio::mutable_buffer buffer, std::error_code& ec) {
  if (!deflate_) co_return co_await raw_read_some(buffer, ec);
  ec.clear();
  for (;;) {
    if (!deflate_->wants_input()) {
      const std::size_t n = deflate_->inflate(static_cast<char*>(buffer.data()), buffer.size(), ec);
      if (n > 0 || ec) co_return n;
      continue;
    }
    std::string chunk(kCompressedReadChunk, '\0');
    const std::size_t n = co_await raw_read_some(asio::buffer(chunk), ec);
    if (ec || n == 0) co_return 0;
    chunk.resize(n);
    compressed_in_ += n;
    deflate_->give_input(std::move(chunk));
  }
}

asio::awaitable<void> Stream::write(std::string_view data, std::error_code& ec) {
  if (!deflate_) co_return co_await raw_write(data, ec);
  // Each write ends with a sync flush (RFC 4978 §4): the client can read all of it at once.
  deflate_->deflate_begin(data);
  for (bool done = false; !done;) {
    const std::string_view piece = deflate_->deflate_next(done, ec);
    if (ec) co_return;
    if (piece.empty()) continue;
    compressed_out_ += piece.size();
    co_await raw_write(piece, ec);
    if (ec) co_return;
  }
  deflate_->release_output();
}

std::error_code Stream::start_compression(std::string_view already_read, const CompressSettings& settings) {
  std::error_code ec;
  auto d = Deflate::create(settings, ec);
  if (!d) return ec;
  if (!already_read.empty()) {
    d->give_input(std::string(already_read));
    compressed_in_ += already_read.size();
  }
  deflate_ = std::move(d);
  return {};
}

asio::awaitable<void> Stream::start_tls(std::shared_ptr<asio::ssl::context> context, std::error_code& ec) {
  ec.clear();
  tls_context_ = std::move(context);
  tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(socket_, *tls_context_);
  co_await tls_->async_handshake(asio::ssl::stream_base::server,
                                 asio::redirect_error(asio::use_awaitable, ec));
}

std::string Stream::tls_description() const {
  if (!tls_) return {};
  SSL* ssl = const_cast<asio::ssl::stream<asio::ip::tcp::socket&>&>(*tls_).native_handle();
  const char* version = SSL_get_version(ssl);
  const char* cipher = SSL_get_cipher_name(ssl);
  return std::string(version ? version : "?") + " " + (cipher ? cipher : "?");
}

std::string Stream::tls_exporter() const {
  if (!tls_) return {};
  SSL* ssl = const_cast<asio::ssl::stream<asio::ip::tcp::socket&>&>(*tls_).native_handle();
  if (SSL_version(ssl) != TLS1_3_VERSION) return {};
  static constexpr char kLabel[] = "EXPORTER-Channel-Binding";
  unsigned char out[32];
  if (SSL_export_keying_material(ssl, out, sizeof out, kLabel, sizeof kLabel - 1, nullptr, 0, 1) != 1) return {};
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

std::string Stream::tls_server_end_point() const {
  if (!tls_) return {};
  SSL* ssl = const_cast<asio::ssl::stream<asio::ip::tcp::socket&>&>(*tls_).native_handle();
  X509* cert = SSL_get_certificate(ssl);
  if (!cert) return {};
  int md_nid = NID_undef;
  int pk_nid = NID_undef;
  if (!OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md_nid, &pk_nid)) md_nid = NID_undef;
  // RFC 5929 §4.1: MD5 and SHA-1 are replaced by SHA-256.
  const EVP_MD* md = md_nid == NID_undef || md_nid == NID_md5 || md_nid == NID_sha1 ? EVP_sha256()
                                                                                    : EVP_get_digestbynid(md_nid);
  if (!md) md = EVP_sha256();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, md, out, &len) != 1) return {};
  return std::string(reinterpret_cast<char*>(out), len);
}

void Stream::cancel() {
  std::error_code ec;
  socket_.cancel(ec);
}

void Stream::close() {
  std::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void Stream::abort() {
  std::error_code ec;
  // SO_LINGER 0: close() resets the connection and the kernel drops what is still queued for
  // a client that stopped reading, instead of keeping it (megabytes for a FETCH) until its
  // retransmissions give up.
  socket_.set_option(asio::socket_base::linger(true, 0), ec);
  socket_.close(ec);
}

}  // namespace pillarbox::net
