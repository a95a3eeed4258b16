// RFC 3501 §6.2.2 AUTHENTICATE, with RFC 4959 SASL-IR and RFC 4616 PLAIN.
//   authenticate = "AUTHENTICATE" SP auth-type [SP (base64 / "=")] *(CRLF base64)
//   PLAIN message = [authzid] UTF8NUL authcid UTF8NUL passwd
#include <openssl/evp.h>

#include "imap/commands/commands.h"
#include "imap/commands/login_common.h"

namespace pillarbox::imap {
namespace {

std::optional<std::string> decode_base64(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  for (char c : in) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
              c == '/' || c == '=';
    if (!ok) return std::nullopt;
  }
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  std::size_t pad = 0;
  if (!in.empty() && in.back() == '=') ++pad;
  if (in.size() > 1 && in[in.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

}  // namespace

asio::awaitable<Reply> cmd_authenticate(Session& s, Request& r) {
  std::string mechanism = r.parser.keyword();
  std::optional<std::string> initial;
  if (r.parser.ok() && !r.parser.at_end()) {
    r.parser.space();
    initial = r.parser.atom();
    if (r.parser.ok() && initial->empty()) r.parser.fail("Expected initial response");
  }
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  if (mechanism != "PLAIN") co_return Reply::no("CANNOT", "Unsupported authentication mechanism");
  if (!s.plaintext_allowed()) {
    co_return Reply::no("PRIVACYREQUIRED", "Plaintext authentication is disabled without TLS; use STARTTLS");
  }
  std::string response;
  if (initial) {
    response = *initial == "=" ? "" : *initial;  // RFC 4959: "=" is an empty initial response
  } else {
    s.write("+ \r\n");
    auto line = co_await s.read_continuation();
    if (!line) co_return Reply::bad("Connection ended during authentication");
    response = *line;
  }
  if (response == "*") co_return Reply::bad("Authentication cancelled");  // RFC 3501 §6.2.2
  auto decoded = decode_base64(response);
  if (!decoded) co_return Reply::bad("Invalid base64 in SASL response");
  auto first = decoded->find('\0');
  auto second = first == std::string::npos ? std::string::npos : decoded->find('\0', first + 1);
  if (second == std::string::npos) co_return Reply::bad("Malformed PLAIN message");
  std::string authzid = decoded->substr(0, first);
  std::string authcid = decoded->substr(first + 1, second - first - 1);
  std::string password = decoded->substr(second + 1);
  // Acting as another user is not offered (yet): an authorization identity must be the
  // authentication identity itself (RFC 4616 §2).
  if (!authzid.empty() && authzid != authcid) co_return Reply::no("AUTHORIZATIONFAILED", "Authorization denied");
  co_return co_await log_in(s, authcid, password);
}

}  // namespace pillarbox::imap
