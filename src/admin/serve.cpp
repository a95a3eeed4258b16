#include "admin/serve.h"

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

#include "admin/control_socket.h"
#include "admin/demo.h"
#include "admin/metrics.h"
#include "admin/protocol_log.h"
#include "admin/who.h"
#include "auth/authenticator.h"
#include "base/log.h"
#include "imap/commands/commands.h"
#include "imap/session.h"
#include "metrics/metrics.h"
#include "lmtp/listener.h"
#include "net/descriptor_limit.h"
#include "net/tls.h"
#include "pop3/commands.h"
#include "pop3/locks.h"
#include "pop3/session.h"
#include "session/registry.h"

namespace pillarbox::admin {
namespace {

int serve(const GlobalOptions& options, bool demo) {
  GlobalOptions opts = options;
  if (demo && opts.data_dir.empty()) opts.data_dir = "pillarbox-demo";
  auto loaded = load_config(opts);
  if (!loaded) {
    std::cerr << "pillarbox: " << loaded.error().text << "\n";
    return 2;
  }
  config::Config config = std::move(loaded.value());
  if (demo) {
    // SPEC: --demo binds loopback only, on the 1xxx ports, unless configured otherwise.
    if (options.config_file.empty()) {
      config.imap_listen = {"127.0.0.1:1143"};
      config.imap_tls_listen = {"127.0.0.1:1993"};
      config.pop3_listen = {"127.0.0.1:1110"};
      config.pop3_tls_listen = {"127.0.0.1:1995"};
      config.lmtp_listen = {"127.0.0.1:1024", "unix:lmtp"};
    }
  }
  log::init(config.log_level, log::parse_format(config.log_format).value_or(log::Format::logfmt));
  // Every fixed series exists from the start, so the first scrape shows zeros, not gaps.
  metrics::make_server_series();
  imap::command_metrics();
  pop3::command_metrics();
  if (config.limits.idle_timeout_seconds < 1800)
    log::warn("limits.idle_timeout_seconds = {} is below the 30 minutes RFC 9051 §5.4 asks for; clients may be "
              "logged out while they wait for new mail", config.limits.idle_timeout_seconds);
  // One descriptor per connection, plus the store's files, the listeners and the log: keep 256
  // for those.
  auto descriptors = net::raise_descriptor_limit();
  if (config.limits.counting == "per-connection" && descriptors.soft < config.limits.max_connections + 256ULL)
    log::warn("the open-file limit is {} descriptors, fewer than limits.max_connections = {} needs; connections "
              "beyond about {} will be refused (raise it: ulimit -n, or LimitNOFILE= in a systemd unit)",
              descriptors.soft, config.limits.max_connections, descriptors.soft > 256 ? descriptors.soft - 256 : 0);
  auto store = open_store(config);
  if (!store) {
    std::cerr << "pillarbox: " << store.error().text << "\n";
    return 2;
  }

  std::string cert = config.in_data_dir(config.tls_certificate);
  std::string key = config.in_data_dir(config.tls_private_key);
  auto made = net::ensure_self_signed(cert, key, "localhost");
  if (!made) {
    std::cerr << "pillarbox: " << made.error().text << "\n";
    return 2;
  }
  if (*made) log::warn("no TLS certificate at {}: created a self-signed one; replace it for production", cert);
  net::TlsSettings tls_settings{cert, key, config.tls_min_version};
  if (!config.tls_ciphers.empty()) tls_settings.ciphers = config.tls_ciphers;
  if (!config.tls_ciphersuites.empty()) tls_settings.ciphersuites = config.tls_ciphersuites;
  auto tls = net::ServerTls::load(std::move(tls_settings));
  if (!tls) {
    std::cerr << "pillarbox: " << tls.error().text << "\n";
    return 2;
  }

  if (demo) {
    auto account = prepare_demo(**store, config.mailboxes);
    if (!account) {
      std::cerr << "pillarbox: " << account.error().text << "\n";
      return 2;
    }
    std::cout << fmt::format(
        "Pillarbox demo is running.\n"
        "  IMAP:  127.0.0.1 port 1143 (STARTTLS) and port 1993 (TLS, self-signed certificate)\n"
        "  POP3:  127.0.0.1 port 1110 (STLS) and port 1995 (TLS, self-signed certificate)\n"
        "  LMTP:  127.0.0.1 port 1024 and unix socket lmtp in the data directory (mail delivery in)\n"
        "  login: {}\n  password: {}\n"
        "Press Ctrl-C to stop.\n",
        account->first, account->second);
    std::cout.flush();
  }

  // SEARCH TEXT/BODY's full-text index is kept by a thread of the store: what arrived while the
  // server was down (deliver, import) is indexed now, new mail as it comes.
  (*store)->start_text_indexing();
  unsigned threads = config.io_threads ? config.io_threads : std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  // Everything sessions refer to is declared before `io`, so it outlives the session frames that
  // ~io_context destroys (a session still alive at the drain deadline).
  asio::thread_pool store_pool(config.store_threads);
  auth::FailureBackoff::Policy backoff;
  backoff.first = std::chrono::milliseconds(config.failure_delay_ms);
  backoff.max = std::chrono::milliseconds(config.failure_delay_max_ms);
  backoff.window = std::chrono::seconds(config.failure_window_seconds);
  auth::Authenticator authenticator((*store)->directory(), config.hash_thread_count(), backoff, config.rehash,
                                    {config.cache_entries, std::chrono::seconds(config.cache_ttl_seconds)});
  authenticator.set_master_users(config.master_users);
  // A key kept across restarts, so the fake SCRAM salts of unknown names stay the same too.
  auto server_key = auth::load_or_create_server_key(config.in_data_dir("sasl-server.key"));
  if (!server_key) {
    std::cerr << "pillarbox: " << server_key.error().text << ": " << server_key.error().detail << "\n";
    return 2;
  }
  authenticator.set_server_key(std::move(*server_key));
  session::Registry registry(session::ConnectionLimits::from(config.limits));
  // Protocol transcripts (issue 6): the rules `pillarbox log on` saved before are in force from
  // the first connection.
  protolog::Control protocol_log = make_protocol_log_control(config);
  if (auto st = protocol_log.load(); !st) {
    std::cerr << "pillarbox: " << st.error().text << "\n";
    return 2;
  }
  imap::ServerContext context{config, **store, authenticator, store_pool, tls->get(), registry, &protocol_log};
  pop3::MaildropLocks pop3_locks;
  pop3::ServerContext pop3_context{config, **store, authenticator, store_pool, tls->get(), registry, pop3_locks,
                                   &protocol_log};
  lmtp::ServerContext lmtp_context{config, **store, store_pool, registry, &protocol_log};
  asio::io_context io(static_cast<int>(threads));
  // Binds every configured listener; the first failure stops the start (it names the address).
  auto bind_all = [](const std::vector<std::string>& endpoints, auto&& listen_one) -> bool {
    for (const auto& ep : endpoints) {
      if (auto s = listen_one(ep); !s) {
        std::cerr << "pillarbox: " << s.error().text << "\n";
        return false;
      }
    }
    return true;
  };
  const bool bound =
      bind_all(config.imap_listen, [&](const std::string& ep) { return imap::listen(io, context, ep, false); }) &&
      bind_all(config.imap_tls_listen, [&](const std::string& ep) { return imap::listen(io, context, ep, true); }) &&
      bind_all(config.pop3_listen, [&](const std::string& ep) { return pop3::listen(io, pop3_context, ep, false); }) &&
      bind_all(config.pop3_tls_listen, [&](const std::string& ep) { return pop3::listen(io, pop3_context, ep, true); }) &&
      bind_all(config.lmtp_listen, [&](const std::string& ep) { return lmtp::listen(io, lmtp_context, ep); });
  if (!bound) return 2;
  // `pillarbox who` / `kick`: the registry over the owner-only admin socket.
  const std::string admin_socket = config.in_data_dir(config.admin_socket);
  ControlHandler control = [&registry, &protocol_log, &store = **store](std::string_view line) {
    return control_answer(registry, &protocol_log, line, &store);
  };
  if (auto s = start_control_socket(io, admin_socket, std::move(control)); !s) {
    std::cerr << "pillarbox: " << s.error().text << "\n";
    return 2;
  }
  if (!config.metrics_listen.empty()) {
    if (auto s = start_metrics_listener(io, config.metrics_listen, registry); !s) {
      std::cerr << "pillarbox: " << s.error().text << "\n";
      return 2;
    }
  }
  log::event(log::Level::info, "start",
             {{"version", PILLARBOX_VERSION},
              {"data_dir", config.data_dir},
              {"imap", fmt::format("{}", fmt::join(config.imap_listen, ","))},
              {"imaps", fmt::format("{}", fmt::join(config.imap_tls_listen, ","))},
              {"pop3", fmt::format("{}", fmt::join(config.pop3_listen, ","))},
              {"pop3s", fmt::format("{}", fmt::join(config.pop3_tls_listen, ","))},
              {"lmtp", fmt::format("{}", fmt::join(config.lmtp_listen, ","))},
              {"admin_socket", admin_socket},
              {"metrics", config.metrics_listen.empty() ? "off" : config.metrics_listen},
              {"threads", threads},
              {"log_format", config.log_format}});
  log::info("password hashing: {} threads (at most {} MiB for Argon2id), rehash {}, verified passwords remembered for {} accounts, {} s",
            config.hash_thread_count(), config.hash_thread_count() * 32, config.rehash ? "on" : "off",
            config.cache_entries, config.cache_ttl_seconds);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer drain(io);
  auto deadline = std::make_shared<std::chrono::steady_clock::time_point>();
  std::function<void()> wait_drained = [&] {
    drain.expires_after(std::chrono::milliseconds(20));
    drain.async_wait([&](std::error_code) {
      if (registry.size() == 0 || std::chrono::steady_clock::now() > *deadline) {
        io.stop();
      } else {
        wait_drained();
      }
    });
  };
  signals.async_wait([&](std::error_code ec, int signo) {
    if (ec) return;
    log::event(log::Level::info, "stopping", {{"signal", signo}, {"sessions", registry.size()}});
    *deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    registry.shutdown_all();
    wait_drained();
  });

  // SIGHUP: read the certificate and key again (a renewed certificate, as certbot's deploy hook
  // or `systemctl reload` sends). Sessions keep the context they started with; a broken file
  // keeps the previous one in use.
  asio::signal_set hangups(io, SIGHUP);
  std::function<void()> wait_hangup = [&] {
    hangups.async_wait([&](std::error_code ec, int) {
      if (ec) return;
      if (auto st = (*tls)->reload(); st)
        log::event(log::Level::info, "tls_reload", {{"result", "ok"}, {"certificate", cert}});
      else
        log::event(log::Level::err, "tls_reload",
                   {{"result", "failed"}, {"certificate", cert}, {"error", st.error().text}});
      wait_hangup();
    });
  };
  wait_hangup();

  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : workers) t.join();
  store_pool.join();
  // Hash jobs still queued at the drain deadline are dropped now, while the io_context their
  // completions would be posted to still exists.
  authenticator.pool().stop();
  authenticator.pool().join();
  log::event(log::Level::info, "stop", {{"sessions", registry.size()}});
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, GlobalOptions& options, int& status) {
  auto* cmd = app.add_subcommand("serve", "Run the server in the foreground");
  static bool demo = false;
  cmd->add_flag("--demo", demo,
                "First look: loopback only on ports 1143/1993 (IMAP), 1110/1995 (POP3), 1024 (LMTP), "
                "a demo account with a printed password, "
                "welcome messages; data in ./pillarbox-demo unless --data is given");
  cmd->callback([&] { status = serve(options, demo); });
}

}  // namespace pillarbox::admin
