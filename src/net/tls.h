// TLS contexts for the implicit-TLS ports and STARTTLS (OpenSSL through asio::ssl).
#pragma once

#include <asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "base/result.h"

namespace pillarbox::net {

/// Makes a server context from PEM files: TLS 1.2 minimum, no compression, server cipher order.
/// Errors name the file and OpenSSL's reason.
Result<std::shared_ptr<asio::ssl::context>> make_server_context(const std::string& certificate_path,
                                                               const std::string& private_key_path);

/// Creates a self-signed certificate (EC P-256, 10 years, CN and SAN = `host_name`, localhost,
/// 127.0.0.1, ::1) at the given paths if the certificate file does not exist. The key file is
/// written owner-only. Returns true when it created them.
Result<bool> ensure_self_signed(const std::string& certificate_path, const std::string& private_key_path,
                                const std::string& host_name);

/// A client context that trusts nothing and verifies nothing: for tests and the benchmark only.
std::shared_ptr<asio::ssl::context> make_insecure_client_context();

}  // namespace pillarbox::net
