// TLS contexts for the implicit-TLS ports and STARTTLS (OpenSSL through asio::ssl).
#pragma once

#include <asio/ssl/context.hpp>

#include <memory>
#include <mutex>
#include <string>

#include "base/result.h"

namespace pillarbox::net {

/// The [tls] settings a server context is made from.
struct TlsSettings {
  std::string certificate_path;    ///< PEM chain, leaf first
  std::string private_key_path;    ///< PEM private key matching the leaf
  std::string min_version = "TLSv1.2";   ///< "TLSv1.2" or "TLSv1.3"; nothing older (RFC 8996)
  /// OpenSSL cipher list for TLS 1.2: Mozilla's "intermediate" set by default, forward secret
  /// AEAD suites only (RFC 9325 §4.2).
  std::string ciphers = kDefaultCiphers;
  /// TLS 1.3 cipher suites (OpenSSL syntax); OpenSSL's own default set.
  std::string ciphersuites = kDefaultCiphersuites;

  static constexpr const char* kDefaultCiphers =
      "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
      "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
      "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
  static constexpr const char* kDefaultCiphersuites =
      "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
};

/// Makes a server context from `settings`: the protocol floor and cipher lists given, no
/// compression, no renegotiation, server cipher order, automatic DHE groups. Errors name the
/// file or setting and OpenSSL's reason (a cipher list that selects nothing is an error).
Result<std::shared_ptr<asio::ssl::context>> make_server_context(const TlsSettings& settings);

/// The server's TLS context, replaceable while sessions run: each handshake takes the context
/// current when it starts and keeps it for the life of its connection, so a reload (SIGHUP)
/// affects new handshakes only and never drops a session. Thread-safe.
class ServerTls {
 public:
  /// Loads the certificate and key named in `settings`; errors as make_server_context.
  static Result<std::shared_ptr<ServerTls>> load(TlsSettings settings);

  /// The context new handshakes use. Never null.
  std::shared_ptr<asio::ssl::context> current() const;

  /// Reads the certificate and key files again and makes the result current. On an error
  /// (missing file, key not matching) the previous context stays in use and the error is
  /// returned.
  Status reload();

 private:
  ServerTls(TlsSettings settings, std::shared_ptr<asio::ssl::context> context)
      : settings_(std::move(settings)), context_(std::move(context)) {}

  const TlsSettings settings_;
  mutable std::mutex mutex_;
  std::shared_ptr<asio::ssl::context> context_;
};

/// Creates a self-signed certificate (EC P-256, 10 years, CN and SAN = `host_name`, localhost,
/// 127.0.0.1, ::1) at the given paths if the certificate file does not exist. The key file is
/// written owner-only. Returns true when it created them.
Result<bool> ensure_self_signed(const std::string& certificate_path, const std::string& private_key_path,
                                const std::string& host_name);

/// A client context that trusts nothing and verifies nothing: for tests and the benchmark only.
std::shared_ptr<asio::ssl::context> make_insecure_client_context();

}  // namespace pillarbox::net
