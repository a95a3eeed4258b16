#include "session/events.h"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "base/log.h"

namespace pillarbox::session {

void log_connect(const net::Stream& stream, std::string_view session_id, std::string_view protocol) {
  const std::string tls = stream.is_tls() ? stream.tls_description() : "no";
  log::event(log::Level::info, "connect",
             {{"session", session_id}, {"protocol", protocol}, {"remote", stream.remote_address()},
              {"remote_port", stream.remote_port()}, {"local", stream.local_address()},
              {"local_port", stream.local_port()}, {"tls", tls}});
}

void log_tls_failure(const net::Stream& stream, std::string_view session_id, std::string_view protocol,
                     std::string_view phase, std::string_view error) {
  metrics::tls_failures(protocol).add();
  log::event(log::Level::info, "tls_failure",
             {{"session", session_id}, {"protocol", protocol}, {"remote", stream.remote_address()},
              {"phase", phase}, {"error", log::loggable(error)}});
}

void log_connect_refused(const net::Stream& stream, std::string_view session_id, std::string_view protocol,
                         Refusal refusal) {
  log::event(log::Level::info, "limit",
             {{"session", session_id}, {"protocol", protocol}, {"remote", stream.remote_address()},
              {"stage", "connect"}, {"limit", refusal_name(refusal)}});
}

void log_login_success(const net::Stream& stream, std::string_view session_id, std::string_view protocol,
                       std::string_view account, std::string_view mechanism, std::string_view master) {
  metrics::count_login(protocol, "success");
  std::vector<log::Field> fields{{"session", session_id}, {"protocol", protocol}, {"remote", stream.remote_address()},
                                 {"result", "success"},   {"account", account},   {"mechanism", mechanism}};
  if (!master.empty()) fields.emplace_back("master", master);
  log::event(log::Level::info, "login", fields);
}

void log_login_failure(const net::Stream& stream, std::string_view session_id, std::string_view protocol,
                       const LoginFailure& failure) {
  metrics::count_login(protocol, failure.reason);
  const std::string user = log::loggable(failure.user);
  const std::string detail = log::loggable(failure.detail);
  std::vector<log::Field> fields{{"session", session_id}, {"protocol", protocol}, {"remote", stream.remote_address()},
                                 {"result", "failure"},   {"reason", failure.reason}, {"user", user}};
  if (failure.limit != Refusal::none) fields.emplace_back("limit", refusal_name(failure.limit));
  if (!detail.empty()) fields.emplace_back("detail", detail);
  if (failure.delay_ms >= 0) fields.emplace_back("delay_ms", failure.delay_ms);
  log::event(log::Level::info, "login", fields);
}

void log_end(std::string_view event, std::string_view session_id, std::string_view protocol, std::string_view account,
             const metrics::Traffic& traffic, std::string_view end, const net::Stream* stream) {
  std::vector<log::Field> fields{{"session", session_id},          {"protocol", protocol},
                                 {"account", account},             {"end", end},
                                 {"bytes_in", traffic.bytes_in()}, {"bytes_out", traffic.bytes_out()}};
  if (stream && stream->is_compressed()) {
    fields.emplace_back("compressed_in", stream->compressed_in());
    fields.emplace_back("compressed_out", stream->compressed_out());
  }
  fields.emplace_back("duration_ms", traffic.duration_ms());
  log::event(log::Level::info, event, fields);
}

void log_compress_start(const net::Stream& stream, std::string_view session_id, std::string_view protocol) {
  log::event(log::Level::info, "compress",
             {{"session", session_id}, {"protocol", protocol}, {"remote", stream.remote_address()},
              {"algorithm", "deflate"}, {"memory", stream.compression_memory()}});
}

void log_compress_error(const net::Stream& stream, std::string_view session_id, std::string_view protocol,
                        std::string_view error) {
  log::event(log::Level::warn, "compress_error",
             {{"session", session_id}, {"protocol", protocol}, {"remote", stream.remote_address()},
              {"error", log::loggable(error)}});
}

void log_store_error(std::string_view session_id, std::string_view protocol, std::string_view operation,
                     const Error& error) {
  metrics::store_errors(protocol).add();
  const std::string where = fmt::format("{}:{}", error.where.file_name(), error.where.line());
  log::event(log::Level::warn, "store_error",
             {{"session", session_id}, {"protocol", protocol}, {"operation", operation},
              {"error", log::loggable(error.text)}, {"detail", log::loggable(error.detail)}, {"where", where}});
}

std::string_view end_name(bool bad_commands, bool ended_by_client, bool timeout, bool shutting_down,
                          EndReason reason, std::string_view client_word) {
  if (bad_commands) return "bad_commands";
  if (ended_by_client) return client_word;
  if (timeout) return "timeout";
  if (shutting_down) return reason == EndReason::kicked ? "kicked" : "shutdown";
  return "disconnect";
}

}  // namespace pillarbox::session
