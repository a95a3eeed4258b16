// RFC 3501 §6.2.2 AUTHENTICATE, with RFC 4959 SASL-IR; mechanisms PLAIN (RFC 4616),
// SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677; -PLUS only over TLS).
//   authenticate = "AUTHENTICATE" SP auth-type [SP (base64 / "=")] *(CRLF base64)
//   PLAIN message = [authzid] UTF8NUL authcid UTF8NUL passwd
// SCRAM's server-final message ("v=...") goes out as a continuation and the client answers it
// with an empty line before the tagged OK (RFC 3501 has no success data; RFC 5802 §5).
#include "auth/authenticator.h"
#include "auth/sasl.h"
#include "imap/commands/commands.h"
#include "imap/commands/login_common.h"
#include "session/sasl_bindings.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_authenticate(Session& s, Request& r) {
  namespace sasl = auth::sasl;
  using Kind = sasl::ServerExchange::Step::Kind;
  std::string name = r.parser.keyword();
  std::optional<std::string> initial;
  if (r.parser.ok() && !r.parser.at_end()) {
    r.parser.space();
    initial = r.parser.atom();
    if (r.parser.ok() && initial->empty()) r.parser.fail("Expected initial response");
  }
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  // Only what CAPABILITY advertises is accepted: PLAIN, SCRAM-SHA-256, and -PLUS over TLS.
  const auto mechanism = sasl::find_mechanism(name);
  if (!mechanism || *mechanism == sasl::Mechanism::login ||
      (*mechanism == sasl::Mechanism::scram_sha_256_plus && !s.stream().is_tls()))
    co_return Reply::no("CANNOT", "Unsupported authentication mechanism");
  if (*mechanism == sasl::Mechanism::plain && !s.plaintext_allowed()) {
    co_return Reply::no("PRIVACYREQUIRED", "Plaintext authentication is disabled without TLS; use STARTTLS");
  }
  sasl::ServerExchange exchange(*mechanism, session::channel_bindings(s.stream()));
  auto& authenticator = s.context().authenticator;
  std::optional<auth::Authenticator::ScramLookup> lookup;
  // RFC 4959: "=" is an empty initial response; the exchange knows.
  auto step = exchange.start(initial ? std::optional<std::string_view>(*initial) : std::nullopt);
  for (;;) {
    if (step.kind == Kind::challenge) {
      s.write("+ " + step.text + "\r\n");
      auto line = co_await s.read_continuation();
      if (!line) co_return Reply::bad("Connection ended during authentication");
      step = exchange.next(*line);
    } else if (step.kind == Kind::need_secret) {
      // The directory lookup blocks, so it runs on the store threads (not behind the hash queue).
      auto find = [&authenticator, login = exchange.login()] { return authenticator.scram_lookup(login); };
      lookup = co_await s.store_call(std::move(find));
      step = exchange.provide_secret(lookup->secret, lookup->usable);
    } else {
      break;
    }
  }
  const std::string how(sasl::mechanism_name(*mechanism));
  switch (step.kind) {
    case Kind::done:
      if (sasl::is_scram(*mechanism)) co_return co_await finish_login(s, *lookup->account, exchange.authzid(), how);
      co_return co_await log_in(s, exchange.login(), exchange.password(), exchange.authzid(), how);
    case Kind::failed:
      // An unknown name or missing keys is logged as such, though the client saw only a failure.
      co_return co_await refuse_login(s, exchange.login(), lookup && !lookup->usable ? lookup->detail : step.detail);
    default:  // cancelled (RFC 3501 §6.2.2: tagged BAD), malformed
      co_return Reply::bad(step.text);
  }
}

}  // namespace pillarbox::imap
