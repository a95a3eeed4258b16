#include "net/tls.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

namespace pillarbox::net {
namespace {

std::string openssl_reason() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;

bool add_ext(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

}  // namespace

Result<std::shared_ptr<asio::ssl::context>> make_server_context(const TlsSettings& settings) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  // RFC 8996: TLS 1.0 and 1.1 are not offered at all.
  const int floor = settings.min_version == "TLSv1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (settings.min_version != "TLSv1.2" && settings.min_version != "TLSv1.3")
    return make_error(Errc::invalid, fmt::format("tls.min_version: \"{}\" is not \"TLSv1.2\" or \"TLSv1.3\"",
                                                 settings.min_version));
  SSL_CTX_set_min_proto_version(native, floor);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                                  SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_cipher_list(native, settings.ciphers.c_str()) != 1)
    return make_error(Errc::invalid, fmt::format("tls.ciphers: \"{}\" selects no cipher: {}", settings.ciphers,
                                                 openssl_reason()));
  if (SSL_CTX_set_ciphersuites(native, settings.ciphersuites.c_str()) != 1)
    return make_error(Errc::invalid, fmt::format("tls.ciphersuites: \"{}\" is not a TLS 1.3 suite list: {}",
                                                 settings.ciphersuites, openssl_reason()));
  SSL_CTX_set_dh_auto(native, 1);
  const std::string& certificate_path = settings.certificate_path;
  const std::string& private_key_path = settings.private_key_path;
  if (SSL_CTX_use_certificate_chain_file(native, certificate_path.c_str()) != 1)
    return make_error(Errc::invalid, fmt::format("{}: cannot load certificate: {}", certificate_path,
                                                 openssl_reason()));
  if (SSL_CTX_use_PrivateKey_file(native, private_key_path.c_str(), SSL_FILETYPE_PEM) != 1)
    return make_error(Errc::invalid, fmt::format("{}: cannot load private key: {}", private_key_path,
                                                 openssl_reason()));
  if (SSL_CTX_check_private_key(native) != 1)
    return make_error(Errc::invalid, fmt::format("{}: private key does not match {}", private_key_path,
                                                 certificate_path));
  return ctx;
}

Result<std::shared_ptr<ServerTls>> ServerTls::load(TlsSettings settings) {
  auto context = make_server_context(settings);
  if (!context) return context.error();
  return std::shared_ptr<ServerTls>(new ServerTls(std::move(settings), std::move(*context)));
}

std::shared_ptr<asio::ssl::context> ServerTls::current() const {
  std::lock_guard lock(mutex_);
  return context_;
}

Status ServerTls::reload() {
  auto context = make_server_context(settings_);
  if (!context) return context.error();
  std::lock_guard lock(mutex_);
  context_ = std::move(*context);
  return {};
}

Result<bool> ensure_self_signed(const std::string& certificate_path, const std::string& private_key_path,
                                const std::string& host_name) {
  std::error_code ec;
  if (std::filesystem::exists(certificate_path, ec)) return false;

  PKeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return make_error(Errc::io, "cannot generate a key", openssl_reason());
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  FILE* urandom = std::fopen("/dev/urandom", "rb");
  if (!urandom || std::fread(serial, 1, sizeof serial, urandom) != sizeof serial) {
    if (urandom) std::fclose(urandom);
    return make_error(Errc::io, "cannot read /dev/urandom");
  }
  std::fclose(urandom);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 3650);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Pillarbox self-signed"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(host_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  std::string san = fmt::format("DNS:{},DNS:localhost,IP:127.0.0.1,IP:::1", host_name);
  if (!add_ext(cert.get(), NID_subject_alt_name, san) ||
      !add_ext(cert.get(), NID_basic_constraints, "critical,CA:FALSE") ||
      !add_ext(cert.get(), NID_ext_key_usage, "serverAuth"))
    return make_error(Errc::internal, "cannot build certificate extensions", openssl_reason());
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
    return make_error(Errc::internal, "cannot sign certificate", openssl_reason());

  // The key first, owner-only, so a crash never leaves a certificate without its key.
  {
    mode_t old = umask(077);
    FILE* f = std::fopen(private_key_path.c_str(), "wb");
    umask(old);
    if (!f) return make_error(Errc::io, fmt::format("{}: cannot write private key", private_key_path));
    bool ok = PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
    ok = (std::fclose(f) == 0) && ok;
    if (!ok) return make_error(Errc::io, fmt::format("{}: cannot write private key", private_key_path));
  }
  FILE* f = std::fopen(certificate_path.c_str(), "wb");
  if (!f) return make_error(Errc::io, fmt::format("{}: cannot write certificate", certificate_path));
  bool ok = PEM_write_X509(f, cert.get()) == 1;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) return make_error(Errc::io, fmt::format("{}: cannot write certificate", certificate_path));
  return true;
}

std::shared_ptr<asio::ssl::context> make_insecure_client_context() {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  ctx->set_verify_mode(asio::ssl::verify_none);
  return ctx;
}

}  // namespace pillarbox::net
