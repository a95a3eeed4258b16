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

#include "admin/demo.h"
#include "auth/authenticator.h"
#include "base/log.h"
#include "imap/session.h"
#include "net/tls.h"
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
    }
  }
  log::init(config.log_level);
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
  auto tls = net::make_server_context(cert, key);
  if (!tls) {
    std::cerr << "pillarbox: " << tls.error().text << "\n";
    return 2;
  }

  if (demo) {
    auto account = prepare_demo(**store);
    if (!account) {
      std::cerr << "pillarbox: " << account.error().text << "\n";
      return 2;
    }
    std::cout << fmt::format(
        "Pillarbox demo is running.\n"
        "  IMAP:  127.0.0.1 port 1143 (STARTTLS) and port 1993 (TLS, self-signed certificate)\n"
        "  login: {}\n  password: {}\n"
        "Press Ctrl-C to stop.\n",
        account->first, account->second);
    std::cout.flush();
  }

  unsigned threads = config.io_threads ? config.io_threads : std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  asio::io_context io(static_cast<int>(threads));
  asio::thread_pool store_pool(config.store_threads);
  auth::Authenticator authenticator((*store)->directory(), 2);
  session::Registry registry;
  imap::ServerContext context{config, **store, authenticator, store_pool, *tls, registry};
  for (const auto& ep : config.imap_listen) {
    if (auto s = imap::listen(io, context, ep, false); !s) {
      std::cerr << "pillarbox: " << s.error().text << "\n";
      return 2;
    }
  }
  for (const auto& ep : config.imap_tls_listen) {
    if (auto s = imap::listen(io, context, ep, true); !s) {
      std::cerr << "pillarbox: " << s.error().text << "\n";
      return 2;
    }
  }
  log::info("started data_dir={} imap={} imaps={} threads={}", config.data_dir, fmt::join(config.imap_listen, ","),
            fmt::join(config.imap_tls_listen, ","), threads);

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
    log::info("signal {}: saying BYE to {} sessions and stopping", signo, registry.size());
    *deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    registry.shutdown_all();
    wait_drained();
  });

  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : workers) t.join();
  store_pool.join();
  log::info("stopped");
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, GlobalOptions& options, int& status) {
  auto* cmd = app.add_subcommand("serve", "Run the server in the foreground");
  static bool demo = false;
  cmd->add_flag("--demo", demo,
                "First look: loopback only on ports 1143/1993, a demo account with a printed password, "
                "welcome messages; data in ./pillarbox-demo unless --data is given");
  cmd->callback([&] { status = serve(options, demo); });
}

}  // namespace pillarbox::admin
