// The metrics endpoint: Prometheus text exposition (format 0.0.4) at http://[metrics] listen
// /metrics, and /health for load balancers. Issue 4 puts the session and licensing counters
// here (the same numbers `pillarbox who` shows); more series join as the server grows.
#pragma once

#include <asio/io_context.hpp>

#include <string>

#include "base/result.h"
#include "session/registry.h"

namespace pillarbox::admin {

/// The /metrics body: from the session registry the gauges pillarbox_sessions{protocol},
/// pillarbox_sessions_by_state{protocol,state}, pillarbox_sessions_logged_in,
/// pillarbox_accounts_logged_in, pillarbox_license_in_use, pillarbox_license_capacity{counting}
/// and the counter pillarbox_refusals_total{reason}; then every series of metrics::registry()
/// (commands, latencies, logins, bytes, deliveries, errors, protocol-log bytes).
std::string render_metrics(const session::Registry& registry);

/// Serves GET /metrics and GET /health on `endpoint` ("host:port"), one request per connection
/// (HTTP/1.0 and 1.1, Connection: close). Other paths get 404, other methods 405, a request
/// head over 8 KiB or not complete within 10 s is dropped. Errors name the address.
Status start_metrics_listener(asio::io_context& io, const std::string& endpoint, const session::Registry& registry);

}  // namespace pillarbox::admin
