// RFC 3501 §6.2.2 AUTHENTICATE, with RFC 4959 SASL-IR and RFC 4616 PLAIN.
//   authenticate = "AUTHENTICATE" SP auth-type [SP (base64 / "=")] *(CRLF base64)
//   PLAIN message = [authzid] UTF8NUL authcid UTF8NUL passwd
#include "auth/sasl.h"
#include "imap/commands/commands.h"
#include "imap/commands/login_common.h"

namespace pillarbox::imap {

asio::awaitable<Reply> cmd_authenticate(Session& s, Request& r) {
  namespace sasl = auth::sasl;
  std::string mechanism = r.parser.keyword();
  std::optional<std::string> initial;
  if (r.parser.ok() && !r.parser.at_end()) {
    r.parser.space();
    initial = r.parser.atom();
    if (r.parser.ok() && initial->empty()) r.parser.fail("Expected initial response");
  }
  r.parser.end();
  if (!r.parser.ok()) co_return Reply::bad(r.parser.error());
  // Only PLAIN is advertised (AUTH=PLAIN), so only PLAIN is accepted.
  if (sasl::find_mechanism(mechanism) != sasl::Mechanism::plain)
    co_return Reply::no("CANNOT", "Unsupported authentication mechanism");
  if (!s.plaintext_allowed()) {
    co_return Reply::no("PRIVACYREQUIRED", "Plaintext authentication is disabled without TLS; use STARTTLS");
  }
  sasl::ServerExchange exchange(sasl::Mechanism::plain);
  // RFC 4959: "=" is an empty initial response; the exchange knows.
  auto step = exchange.start(initial ? std::optional<std::string_view>(*initial) : std::nullopt);
  while (step.kind == sasl::ServerExchange::Step::Kind::challenge) {
    s.write("+ " + step.text + "\r\n");
    auto line = co_await s.read_continuation();
    if (!line) co_return Reply::bad("Connection ended during authentication");
    step = exchange.next(*line);
  }
  switch (step.kind) {
    case sasl::ServerExchange::Step::Kind::done:
      break;
    case sasl::ServerExchange::Step::Kind::denied:
      co_return Reply::no("AUTHORIZATIONFAILED", step.text);
    default:  // cancelled (RFC 3501 §6.2.2: tagged BAD), malformed
      co_return Reply::bad(step.text);
  }
  co_return co_await log_in(s, exchange.login(), exchange.password());
}

}  // namespace pillarbox::imap
