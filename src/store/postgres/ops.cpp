#include "store/postgres/ops.h"

#include <string>

#include "mail/decode.h"

namespace pillarbox::store::postgres {

Error pg_error(const PgError& e, std::string_view operation) {
  std::string detail = std::string(operation) + ": " + e.what();
  const std::string& state = e.sqlstate();
  if (state == "53100") return make_error(Errc::storage_full, "Storage is full, try again later", std::move(detail));
  if (state == "22021") return make_error(Errc::invalid, "Names must be UTF-8", std::move(detail));
  // Class 08 (connection exception), 57P (operator intervention: shutdown, restart), 53
  // (insufficient resources: too many connections), and aborted serialisable transactions.
  if (e.connection_lost() || e.retryable() || state.starts_with("57P") || state.starts_with("53"))
    return make_error(Errc::unavailable, "Mailbox store is unavailable, try again", std::move(detail));
  return make_error(Errc::io, "Internal storage error", std::move(detail));
}

bool storable_text(std::string_view text) {
  return text.find('\0') == std::string_view::npos && mail::is_utf8(text);
}

void notify_change(Conn& c, MailboxId mailbox) {
  c.notify(kChangeChannel, std::to_string(mailbox));
}

}  // namespace pillarbox::store::postgres
