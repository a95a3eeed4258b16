// Where LMTP listens (config [lmtp] listen): "host:port" on TCP, or "unix:PATH" on a unix-domain
// socket (relative to data_dir unless absolute), the usual way an MTA on the same host hands
// mail over (Postfix "lmtp:unix:...").
#pragma once

#include <asio/io_context.hpp>

#include <string>

#include "base/result.h"
#include "lmtp/session.h"

namespace pillarbox::lmtp {

/// Starts listening on `endpoint` and serving LMTP. For "unix:PATH": creates the parent
/// directory if missing, replaces a stale socket file (one nobody accepts on), refuses to
/// replace anything else, makes the socket mode 0660 (owner and group may deliver), and removes
/// it when the io_context is destroyed. Errors name the address and the problem.
Status listen(asio::io_context& io, ServerContext& context, const std::string& endpoint);

}  // namespace pillarbox::lmtp
