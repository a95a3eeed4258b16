// The server log's session events (issue 6 item 6) and the counters that go with them, shared
// by IMAP, POP3 and LMTP so each event has one set of fields. docs/configuration.md ("Server
// log") lists them. Text from the client (login names) is made loggable here; no function takes
// a password or SASL data.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.h"
#include "metrics/metrics.h"
#include "net/stream.h"
#include "session/registry.h"

namespace pillarbox::session {

/// event=connect: session, protocol, remote, remote_port, local, local_port, tls ("no" or the
/// version and cipher).
void log_connect(const net::Stream& stream, std::string_view session_id, std::string_view protocol);

/// event=tls_failure and pillarbox_tls_failures_total: a TLS handshake on `stream` failed.
/// `phase`: "implicit" (a TLS port), "starttls" or "stls"; `error`: the TLS library's text.
void log_tls_failure(const net::Stream& stream, std::string_view session_id, std::string_view protocol,
                     std::string_view phase, std::string_view error);

/// event=limit: a connection refused at the greeting by `refusal` (server_full, ip_full).
void log_connect_refused(const net::Stream& stream, std::string_view session_id, std::string_view protocol,
                         Refusal refusal);

/// event=login result=success and pillarbox_logins_total{result="success"}. `mechanism`: the
/// command or SASL mechanism; `master`: the master user acting for `account`, or "".
void log_login_success(const net::Stream& stream, std::string_view session_id, std::string_view protocol,
                       std::string_view account, std::string_view mechanism, std::string_view master = {});

/// What a failed login event says beyond the session.
struct LoginFailure {
  std::string_view user;      ///< the login name as the client sent it (bounded and cleaned here)
  std::string_view reason;    ///< one of metrics::kLoginResults other than "success"
  std::string_view detail;    ///< why, for the administrator (never a secret)
  std::int64_t delay_ms = -1; ///< the back-off pause before the answer; -1: none (not logged)
  Refusal limit = Refusal::none;   ///< with reason "limit": which one
};
/// event=login result=failure and pillarbox_logins_total{result=<reason>}.
void log_login_failure(const net::Stream& stream, std::string_view session_id, std::string_view protocol,
                       const LoginFailure& failure);

/// event=logout (IMAP, POP3) or event=disconnect (LMTP): session, protocol, account ("" before
/// login), bytes_in, bytes_out (protocol octets, before compression and TLS), duration_ms from
/// `traffic`, and `end`: how it ended (logout, quit, disconnect, timeout, shutdown, kicked,
/// bad_commands, refused, error, compress_error, mailbox_deleted). With `stream` compressed (IMAP COMPRESS,
/// RFC 4978) also compressed_in and compressed_out: the octets that went over the connection.
void log_end(std::string_view event, std::string_view session_id, std::string_view protocol, std::string_view account,
             const metrics::Traffic& traffic, std::string_view end, const net::Stream* stream = nullptr);

/// event=compress: a session started DEFLATE compression (RFC 4978), with the zlib memory it
/// holds (octets).
void log_compress_start(const net::Stream& stream, std::string_view session_id, std::string_view protocol);
/// event=compress_error: the client's compressed data could not be read (`error`); the session
/// ends.
void log_compress_error(const net::Stream& stream, std::string_view session_id, std::string_view protocol,
                        std::string_view error);

/// event=store_error and pillarbox_store_errors_total: a store call of a session failed.
/// `operation`: what was asked (the command, or e.g. "changes_since"); the error's code, text,
/// detail and source location are logged.
void log_store_error(std::string_view session_id, std::string_view protocol, std::string_view operation,
                     const Error& error);

/// How a session's end is named for log_end(), the first that applies: `bad_commands`,
/// `ended_by_client` (LOGOUT, QUIT: "logout" or `client_word`), `timeout`, `kicked`,
/// `shutdown`, else "disconnect" (the client closed or the connection broke).
std::string_view end_name(bool bad_commands, bool ended_by_client, bool timeout, bool shutting_down,
                          EndReason reason, std::string_view client_word = "logout");

}  // namespace pillarbox::session
