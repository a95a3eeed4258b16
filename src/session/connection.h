// The start every TLS-capable session shares (IMAP, POP3): the implicit-TLS handshake when the
// port asks for it (RFC 8314 §3.3), and the log lines that say how the connection began.
#pragma once

#include <asio/awaitable.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "net/stream.h"
#include "net/tls.h"
#include "protolog/session_log.h"
#include "session/idle_timer.h"
#include "session/registry.h"

namespace pillarbox::session {

/// With `implicit_tls`, runs the server side of the TLS handshake on `stream` with the context
/// `tls` holds now; then
/// logs the connect event (session/events.h). Returns false (and logs a tls_failure event) when
/// the handshake failed: the caller closes the connection without a greeting.
asio::awaitable<bool> begin_connection(net::Stream& stream, bool implicit_tls, net::ServerTls* tls,
                                       const std::string& session_id, std::string_view protocol);

/// Runs `idle` for the session `session_id` on `stream` (IMAP, POP3): when the deadline passes,
/// cancels the stream's pending operations so the session's loop says goodbye; if the session has
/// not ended IdleTimer::kOverdueGrace later, logs it and closes the stream outright. The caller
/// keeps the session (and so `idle` and `stream`) alive until this returns.
asio::awaitable<void> watch_idle(IdleTimer& idle, net::Stream& stream, const std::string& session_id);

/// The registry entry for a connection that has just been accepted on `stream`: its id, the
/// client's address and port, the start time (now) and the first protocol `state`.
SessionInfo new_session_info(const net::Stream& stream, const std::string& session_id, Protocol protocol,
                             std::string_view state);

/// The protocol log of a session on `stream` (issue 6): header facts from the stream (addresses
/// with ports, TLS as now), ip rules matched on the client's address. `control` may be null.
/// `max_line`: the session's line limit in octets.
std::unique_ptr<protolog::SessionLog> new_session_log(protolog::Control* control, const net::Stream& stream,
                                                      const std::string& session_id, protolog::Protocol protocol,
                                                      std::size_t max_line);

}  // namespace pillarbox::session
