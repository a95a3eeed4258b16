#include "admin/who.h"

#include <fmt/format.h>

#include <charconv>
#include <ctime>
#include <iostream>

#include "admin/control_socket.h"
#include "admin/protocol_log.h"
#include "base/ascii.h"
#include "base/json.h"

namespace pillarbox::admin {
namespace {

std::string_view counting_name(session::Counting c) {
  return c == session::Counting::per_user ? "per-user" : "per-connection";
}

std::string utc_time(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// "7 of 10 seats in use (per-user counting)" or "7 of 10 connections in use (...)".
std::string headline(const session::Usage& u) {
  const bool seats = u.counting == session::Counting::per_user;
  return fmt::format("{} of {} {} in use ({} counting); {} IMAP/POP3 sessions, {} logged in as {} accounts; "
                     "{} sessions in all",
                     u.in_use, u.capacity, seats ? "seats" : "connections", counting_name(u.counting),
                     u.counted_sessions, u.logged_in, u.accounts, u.sessions);
}

std::string who_json(const session::Registry& registry) {
  // The counters and the list come from two lock acquisitions; sessions may come and go in
  // between, as with any snapshot of a running server.
  const session::Usage u = registry.usage();
  const auto list = registry.snapshot();
  std::string out = fmt::format(
      "{{\"counting\":{},\"capacity\":{},\"in_use\":{},\"sessions\":{},\"counted_sessions\":{},"
      "\"logged_in\":{},\"accounts\":{},\"limits\":{{\"max_connections\":{},\"max_connections_per_user\":{},"
      "\"max_connections_per_ip\":{}}},\"list\":[",
      json::quote(counting_name(u.counting)), u.capacity, u.in_use, u.sessions, u.counted_sessions, u.logged_in,
      u.accounts, registry.limits().max_connections, registry.limits().max_connections_per_user,
      registry.limits().max_connections_per_ip);
  bool first = true;
  for (const auto& s : list) {
    if (!first) out += ',';
    first = false;
    out += fmt::format(
        "{{\"id\":{},\"protocol\":{},\"remote\":{},\"remote_port\":{},\"tls\":{},\"tls_description\":{},"
        "\"started\":{},\"started_utc\":{},\"state\":{},\"account\":{},\"mailbox\":{}}}",
        json::quote(s.id), json::quote(session::protocol_name(s.protocol)), json::quote(s.remote), s.remote_port,
        s.tls.empty() ? "false" : "true", json::quote(s.tls), s.started, json::quote(utc_time(s.started)),
        json::quote(s.state), s.account.empty() ? "null" : json::quote(s.account),
        s.mailbox.empty() ? "null" : json::quote(s.mailbox));
  }
  out += "]}\n";
  return out;
}

std::string who_table(const session::Registry& registry) {
  const session::Usage u = registry.usage();
  const auto list = registry.snapshot();
  std::string out = headline(u) + "\n";
  if (list.empty()) return out;
  out += fmt::format("{:<16}  {:<5} {:<22} {:<4} {:<20} {:<18} {:<30} {}\n", "SESSION", "PROTO", "REMOTE", "TLS",
                     "STARTED (UTC)", "STATE", "ACCOUNT", "MAILBOX");
  for (const auto& s : list) {
    out += fmt::format("{:<16}  {:<5} {:<22} {:<4} {:<20} {:<18} {:<30} {}\n", s.id, session::protocol_name(s.protocol),
                       s.remote_port ? fmt::format("{}:{}", s.remote, s.remote_port) : s.remote,
                       s.tls.empty() ? "no" : "yes", utc_time(s.started), s.state,
                       s.account.empty() ? "-" : s.account, s.mailbox.empty() ? "-" : s.mailbox);
  }
  return out;
}

int ask(const GlobalOptions& options, const std::string& request) {
  auto config = load_config(options);
  if (!config) {
    std::cerr << "pillarbox: " << config.error().text << "\n";
    return 1;
  }
  auto answer = control_request(config->in_data_dir(config->admin_socket), request);
  if (!answer) {
    std::cerr << "pillarbox: " << answer.error().text << "\n";
    return 1;
  }
  const std::string& text = answer.value();
  const auto eol = text.find('\n');
  const std::string first = text.substr(0, eol);
  const std::string body = eol == std::string::npos ? "" : text.substr(eol + 1);
  if (first != "ok") {
    std::cerr << "pillarbox: " << (first.starts_with("error ") ? first.substr(6) : "no answer from the server") << "\n";
    return 1;
  }
  std::cout << body;
  return 0;
}

}  // namespace

std::string control_answer(session::Registry& registry, protolog::Control* protocol_log, std::string_view line,
                           store::MailStore* store) {
  std::string_view rest = ascii::trim(line);
  const auto space = rest.find(' ');
  const std::string verb = ascii::lower(rest.substr(0, space));
  const std::string_view arg = space == std::string_view::npos ? "" : ascii::trim(rest.substr(space + 1));
  if (verb == "who" && (arg.empty() || arg == "json")) return "ok\n" + (arg.empty() ? who_table(registry) : who_json(registry));
  if (verb == "log" && protocol_log) return protocol_log_answer(*protocol_log, arg);
  if (verb == "kick" && !arg.empty() && arg.find(' ') == std::string_view::npos) {
    const std::string account = ascii::lower(arg);
    const std::size_t n = registry.kick(account);
    return fmt::format("ok\nasked {} session{} of {} to end\n", n, n == 1 ? "" : "s", account);
  }
  if (verb == "changed" && store) {
    store::MailboxId id = 0;
    const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), id);
    if (ec != std::errc() || end != arg.data() + arg.size() || arg.empty()) return "error bad mailbox id\n";
    store->announce_change(id);
    return "ok\n";
  }
  return fmt::format("error unknown request \"{}\" (known: who, who json, kick ADDRESS, log ...)\n",
                     std::string(rest.substr(0, 100)));
}

void add_who_commands(CLI::App& app, GlobalOptions& options, int& status) {
  auto* who = app.add_subcommand("who", "List the running server's live sessions and licensing use (--json for scripts)");
  who->callback([&] { status = ask(options, options.json ? "who json" : "who"); });
  auto* kick = app.add_subcommand("kick", "End every session of an account (IMAP: BYE) on the running server");
  static std::string address;
  kick->add_option("ADDRESS", address, "The account's address")->required();
  kick->callback([&] { status = ask(options, "kick " + address); });
}

}  // namespace pillarbox::admin
