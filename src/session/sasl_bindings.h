// The connection's SASL channel bindings (RFC 5056), taken from its TLS state, for the
// SCRAM-SHA-256-PLUS exchanges that IMAP and POP3 run.
#pragma once

#include "auth/sasl.h"
#include "net/stream.h"

namespace pillarbox::session {

/// The bindings `stream` offers now: none before TLS; tls-server-end-point on any TLS;
/// tls-exporter too on TLS 1.3 (net::Stream says why not on 1.2).
inline auth::sasl::ChannelBindings channel_bindings(const net::Stream& stream) {
  auth::sasl::ChannelBindings b;
  if (!stream.is_tls()) return b;
  b.tls = true;
  b.tls_exporter = stream.tls_exporter();
  b.tls_server_end_point = stream.tls_server_end_point();
  return b;
}

}  // namespace pillarbox::session
