#include "admin/protocol_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <thread>

#include "admin/control_socket.h"
#include "base/ascii.h"
#include "base/json.h"
#include "base/log.h"
#include "protolog/format.h"

namespace pillarbox::admin {
namespace fs = std::filesystem;
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A rule request "all|user ADDRESS|ip NETWORK [bodies]" split into a Rule.
Result<protolog::Rule> parse_rule(std::string_view args) {
  std::vector<std::string> words;
  for (std::string_view rest = ascii::trim(args); !rest.empty();) {
    const auto sp = rest.find(' ');
    words.emplace_back(rest.substr(0, sp));
    rest = sp == std::string_view::npos ? std::string_view() : ascii::trim(rest.substr(sp + 1));
  }
  bool bodies = false;
  if (!words.empty() && words.back() == "bodies") {
    bodies = true;
    words.pop_back();
  }
  if (words.size() == 1 && words[0] == "all") return protolog::make_rule(protolog::Rule::Kind::all, "", bodies);
  if (words.size() == 2 && words[0] == "user") return protolog::make_rule(protolog::Rule::Kind::user, words[1], bodies);
  if (words.size() == 2 && words[0] == "ip") return protolog::make_rule(protolog::Rule::Kind::ip, words[1], bodies);
  return make_error(Errc::invalid, "expected all, user ADDRESS or ip NETWORK");
}

std::string mib(std::uint64_t octets) {
  if (octets < (1 << 20)) return fmt::format("{:.1f} KiB", static_cast<double>(octets) / 1024);
  return fmt::format("{:.1f} MiB", static_cast<double>(octets) / (1 << 20));
}

std::string rules_text(const protolog::Rules& rules) {
  if (rules.list().empty()) return "protocol logging is off (no rules)\n";
  std::string out = "protocol logging rules:\n";
  for (const auto& r : rules.list()) out += "  " + protolog::describe(r) + "\n";
  return out;
}

std::string status_text(const protolog::Control& control, bool running) {
  std::string out = rules_text(control.rules());
  out += fmt::format("transcripts: {} ({} of {} used)\n", control.dir().string(), mib(control.size()), mib(control.cap_bytes()));
  if (running) out += fmt::format("written since the server started: {}\n", mib(control.bytes_written()));
  else out += "the server is not running; the rules apply when it starts\n";
  return out;
}

// One transcript file's header facts.
struct Transcript {
  fs::path path;
  std::string session;
  std::string protocol;
  std::string remote;
  std::string started;  // "2026-12-02T08:00:00.005Z"
  std::string account;
  std::uintmax_t size = 0;
};

Transcript read_header(const fs::path& path) {
  Transcript t;
  t.path = path;
  std::error_code ec;
  t.size = fs::file_size(path, ec);
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("# ")) continue;
    const auto colon = line.find(": ");
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(2, colon - 2);
    const std::string value = line.substr(colon + 2);
    if (key == "session" && t.session.empty()) t.session = value;
    else if (key == "protocol") t.protocol = value;
    else if (key == "remote") t.remote = value;
    else if (key == "started") t.started = value;
    else if (key == "account") t.account = value;
  }
  if (t.session.empty()) t.session = path.stem().string();
  return t;
}

std::vector<Transcript> all_transcripts(const fs::path& dir) {
  std::vector<Transcript> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it.depth() == 1 && it->path().extension() == ".log" && it->is_regular_file(ec)) {
      out.push_back(read_header(it->path()));
    }
  }
  std::sort(out.begin(), out.end(), [](const Transcript& a, const Transcript& b) {
    return a.started != b.started ? a.started < b.started : a.path < b.path;
  });
  return out;
}

std::string iso(std::chrono::system_clock::time_point t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(day);
  return fmt::format("{:04}-{:02}-{:02}T{}Z", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()), protolog::clock_time(t));
}

// --since: "2026-12-02", "2026-12-02T08:30[:00]" (UTC), or "90m", "2h", "3d" ago. Returns the
// bound in the header's "started" format, which sorts as text.
Result<std::string> since_bound(const std::string& text) {
  if (!text.empty() && std::all_of(text.begin(), text.end() - 1, is_digit) && text.size() >= 2 &&
      (text.back() == 'm' || text.back() == 'h' || text.back() == 'd') && text.size() < 10) {
    // At most about 100 years back, so the arithmetic below stays far from overflow.
    const long n = std::min(std::stol(text.substr(0, text.size() - 1)), 36500L * 1440);
    const long minutes = std::min(text.back() == 'm' ? n : text.back() == 'h' ? n * 60 : n * 1440, 36500L * 1440);
    return iso(std::chrono::system_clock::now() - std::chrono::minutes(minutes));
  }
  const std::string shape = "dddd-dd-dd";
  bool date = text.size() >= 10;
  for (std::size_t i = 0; date && i < shape.size(); ++i) {
    date = shape[i] == 'd' ? is_digit(text[i]) : text[i] == shape[i];
  }
  if (date && (text.size() == 10 || (text[10] == 'T' && (text.size() == 16 || text.size() == 19)))) {
    std::string bound = text;
    bound += std::string("T00:00:00.000Z").substr(std::min<std::size_t>(text.size() - 10, 13));
    if (text.size() == 16) bound = text + ":00.000Z";
    if (text.size() == 19) bound = text + ".000Z";
    return bound;
  }
  return make_error(Errc::invalid, fmt::format("--since \"{}\": expected YYYY-MM-DD, YYYY-MM-DDTHH:MM (UTC) or an "
                                               "age such as 90m, 2h, 3d", text));
}

// Sends `request` to the running server. nullopt when no server runs (the caller works on the
// files instead); an error for anything else.
Result<std::optional<std::string>> ask_server(const config::Config& config, const std::string& request) {
  auto answer = control_request(config.in_data_dir(config.admin_socket), request);
  if (!answer) {
    if (answer.error().code == Errc::unavailable) return std::optional<std::string>();
    return answer.error();
  }
  return std::optional<std::string>(std::move(*answer));
}

int print_answer(const std::string& text) {
  const auto eol = text.find('\n');
  const std::string first = text.substr(0, eol);
  if (first != "ok") {
    std::cerr << "pillarbox: " << (first.starts_with("error ") ? first.substr(6) : "no answer from the server") << "\n";
    return 1;
  }
  std::cout << (eol == std::string::npos ? "" : text.substr(eol + 1));
  return 0;
}

struct Selection {
  std::string user;
  std::string ip;
  bool all = false;
  bool bodies = false;
};

// The socket request for on/off from the options; "" with a message when they do not name
// exactly one selection.
Result<std::string> selection_request(const Selection& s, bool on) {
  const int given = (s.user.empty() ? 0 : 1) + (s.ip.empty() ? 0 : 1) + (s.all ? 1 : 0);
  if (given != 1) return make_error(Errc::invalid, "name exactly one of --user ADDRESS, --ip NETWORK or --all");
  std::string request = on ? "log on " : "log off";
  if (!s.user.empty()) request += (on ? "" : " ") + std::string("user ") + s.user;
  else if (!s.ip.empty()) request += (on ? "" : " ") + std::string("ip ") + s.ip;
  else if (on) request += "all";  // "log off" alone removes every rule
  if (on && s.bodies) request += " bodies";
  return request;
}

// Sends `request` to the running server and prints its answer; with no server running, runs
// `offline` on the rules file's Control instead (exit status as for print_answer).
int ask_or_offline(const config::Config& config, const std::string& request,
                   const std::function<int(protolog::Control&)>& offline) {
  auto answer = ask_server(config, request);
  if (!answer) {
    std::cerr << "pillarbox: " << answer.error().text << "\n";
    return 1;
  }
  if (*answer) return print_answer(**answer);
  protolog::Control control = make_protocol_log_control(config);
  if (auto st = control.load(); !st) {
    std::cerr << "pillarbox: " << st.error().text << "\n";
    return 1;
  }
  return offline(control);
}

int run_on_off(const GlobalOptions& options, const Selection& s, bool on) {
  auto config = load_config(options);
  if (!config) {
    std::cerr << "pillarbox: " << config.error().text << "\n";
    return 1;
  }
  auto request = selection_request(s, on);
  if (!request) {
    std::cerr << "pillarbox: " << request.error().text << "\n";
    return 1;
  }
  // No server: the rules file is changed directly and read when the server starts.
  return ask_or_offline(*config, *request, [&](protolog::Control& control) {
    return print_answer(protocol_log_answer(control, std::string_view(*request).substr(4)) +
                        "the server is not running; the rules apply when it starts\n");
  });
}

int run_status(const GlobalOptions& options) {
  auto config = load_config(options);
  if (!config) {
    std::cerr << "pillarbox: " << config.error().text << "\n";
    return 1;
  }
  return ask_or_offline(*config, "log status", [](protolog::Control& control) {
    std::cout << status_text(control, false);
    return 0;
  });
}

int run_list(const GlobalOptions& options, const Selection& s, const std::string& since) {
  auto config = load_config(options);
  if (!config) {
    std::cerr << "pillarbox: " << config.error().text << "\n";
    return 1;
  }
  std::optional<protolog::Network> network;
  if (!s.ip.empty()) {
    auto n = protolog::Network::parse(s.ip);
    if (!n) {
      std::cerr << "pillarbox: --ip " << n.error().text << "\n";
      return 1;
    }
    network = *n;
  }
  std::string bound;
  if (!since.empty()) {
    auto b = since_bound(since);
    if (!b) {
      std::cerr << "pillarbox: " << b.error().text << "\n";
      return 1;
    }
    bound = *b;
  }
  const auto list = all_transcripts(config->in_data_dir(config->protocol_log_dir));
  if (options.json) std::cout << "[";
  bool first = true;
  for (const Transcript& t : list) {
    if (!s.user.empty() && !ascii::iequals(t.account, s.user)) continue;
    if (network) {
      // The header's remote is "ip:port", "[v6]:port", or a bare address (LMTP).
      std::string ip = t.remote;
      if (ip.starts_with('[')) ip = ip.substr(1, ip.find(']') - 1);
      else if (std::count(ip.begin(), ip.end(), ':') == 1) ip = ip.substr(0, ip.rfind(':'));
      if (!network->contains(ip)) continue;
    }
    if (!bound.empty() && t.started < bound) continue;
    if (options.json) {
      std::cout << fmt::format("{}{{\"session\":{},\"started\":{},\"protocol\":{},\"remote\":{},\"account\":{},"
                               "\"bytes\":{},\"path\":{}}}",
                               first ? "" : ",", json::quote(t.session), json::quote(t.started),
                               json::quote(t.protocol), json::quote(t.remote), json::quote(t.account), t.size,
                               json::quote(t.path.string()));
    } else {
      if (first) {
        std::cout << fmt::format("{:<20} {:<24} {:<5} {:<28} {:<30} {:>10}\n", "SESSION", "STARTED (UTC)", "PROTO",
                                 "REMOTE", "ACCOUNT", "BYTES");
      }
      std::cout << fmt::format("{:<20} {:<24} {:<5} {:<28} {:<30} {:>10}\n", t.session, t.started, t.protocol,
                               t.remote, t.account.empty() ? "-" : t.account, t.size);
    }
    first = false;
  }
  if (options.json) std::cout << "]\n";
  else if (first) std::cout << "no transcripts\n";
  return 0;
}

bool ends_transcript(std::string_view line) {
  return line == "# session ended" || line.starts_with("# logging switched off") ||
         line.starts_with("# logging stopped") || line.starts_with("# logging continues");
}

// Prints `line` as `log show` does: as written, or (as_test) without the time stamp and with
// the bytes unescaped, ready for a tests/transcripts file.
void show_line(const std::string& line, bool as_test) {
  if (as_test && line.size() >= 15 && line[2] == ':' && line[5] == ':' && line[8] == '.' && line[12] == ' ') {
    const auto bytes = protolog::unescape(line.substr(13));
    std::cout << (bytes ? *bytes : line.substr(13)) << "\n";
  } else {
    std::cout << line << "\n";
  }
}

int run_show(const GlobalOptions& options, const std::string& session, bool follow, bool as_test) {
  auto config = load_config(options);
  if (!config) {
    std::cerr << "pillarbox: " << config.error().text << "\n";
    return 1;
  }
  std::vector<fs::path> files;
  for (const Transcript& t : all_transcripts(config->in_data_dir(config->protocol_log_dir))) {
    const std::string stem = t.path.stem().string();
    if (stem == session || (stem.starts_with(session + "-") &&
                            std::all_of(stem.begin() + static_cast<long>(session.size()) + 1, stem.end(), is_digit))) {
      files.push_back(t.path);
    }
  }
  if (files.empty()) {
    std::cerr << "pillarbox: no transcript of session " << log::loggable(session)
              << " (`pillarbox log list` shows them; `pillarbox who` shows live session ids)\n";
    return 1;
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::ifstream in(files[i], std::ios::binary);
    std::string line;
    bool ended = false;
    for (;;) {
      while (std::getline(in, line)) {
        if (in.eof()) {
          if (!follow) {  // the last line, without its LF: shown as it is
            show_line(line, as_test);
            break;
          }
          // A line still being written: go back and wait for the rest.
          in.clear();
          in.seekg(-static_cast<std::streamoff>(line.size()), std::ios::cur);
          break;
        }
        show_line(line, as_test);
        ended = ended || ends_transcript(line);
      }
      std::cout.flush();
      const bool last = i + 1 == files.size();
      if (!follow || !last || ended) break;
      in.clear();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  return 0;
}

}  // namespace

protolog::Control make_protocol_log_control(const config::Config& config) {
  return protolog::Control(config.in_data_dir(config.protocol_log_dir), config.protocol_log_max_mb << 20,
                           config.in_data_dir("protocol-log.rules"));
}

std::string protocol_log_answer(protolog::Control& control, std::string_view args) {
  args = ascii::trim(args);
  const auto sp = args.find(' ');
  const std::string_view verb = args.substr(0, sp);
  const std::string_view rest = sp == std::string_view::npos ? std::string_view() : args.substr(sp + 1);
  if (verb == "on") {
    auto rule = parse_rule(rest);
    if (!rule) return "error " + rule.error().text + "\n";
    const std::string described = protolog::describe(*rule);
    if (auto st = control.on(std::move(*rule)); !st) return "error " + st.error().text + "\n";
    return "ok\nprotocol logging on: " + described + "\n" + rules_text(control.rules());
  }
  if (verb == "off") {
    Result<std::size_t> removed = std::size_t{0};
    std::string described = "every rule";
    if (ascii::trim(rest).empty()) {
      removed = control.off(std::nullopt);
    } else {
      auto rule = parse_rule(rest);
      if (!rule) return "error " + rule.error().text + "\n";
      described = protolog::describe(*rule);
      removed = control.off(rule->kind, rule->value);
    }
    if (!removed) return "error " + removed.error().text + "\n";
    if (*removed == 0 && described != "every rule") return "error no rule \"" + described + "\" to remove\n";
    return fmt::format("ok\nremoved {}\n{}", *removed == 1 && described != "every rule" ? described : fmt::format("{} rule{}", *removed, *removed == 1 ? "" : "s"),
                       rules_text(control.rules()));
  }
  if (verb == "status" && rest.empty()) {
    return "ok\n" + status_text(control, true);
  }
  return "error unknown request \"log " + std::string(args.substr(0, 100)) + "\" (known: log on, log off, log status)\n";
}

void add_log_commands(CLI::App& app, GlobalOptions& options, int& status) {
  auto* log = app.add_subcommand("log", "Protocol transcripts: switch them on and off, list and show them");
  log->require_subcommand(1);
  static Selection on_sel, off_sel, list_sel;
  static std::string since, session;
  static bool follow = false, as_test = false;

  auto* on = log->add_subcommand("on", "Log sessions of an account, from a network, or all, at once and after restarts");
  on->add_option("--user", on_sel.user, "An account's address (its sessions are logged from login on)");
  on->add_option("--ip", on_sel.ip, "A client address or network (e.g. 192.0.2.0/24), logged from the first byte");
  on->add_flag("--all", on_sel.all, "Every session");
  on->add_flag("--bodies", on_sel.bodies, "Include message bodies and literals, not just their sizes (passwords never)");
  on->callback([&] { status = run_on_off(options, on_sel, true); });

  auto* off = log->add_subcommand("off", "Remove a rule given to `log on`; --all removes every rule");
  off->add_option("--user", off_sel.user, "The account of a --user rule");
  off->add_option("--ip", off_sel.ip, "The network of an --ip rule");
  off->add_flag("--all", off_sel.all, "Every rule: protocol logging off");
  off->callback([&] { status = run_on_off(options, off_sel, false); });

  auto* st = log->add_subcommand("status", "The rules in force and the size of the protocol log");
  st->callback([&] { status = run_status(options); });

  auto* list = log->add_subcommand("list", "List transcripts, oldest first (--json for scripts)");
  list->add_option("--user", list_sel.user, "Only sessions logged in as this account");
  list->add_option("--ip", list_sel.ip, "Only sessions from this address or network");
  list->add_option("--since", since, "Only sessions started since YYYY-MM-DD[THH:MM] (UTC) or an age: 90m, 2h, 3d");
  list->callback([&] { status = run_list(options, list_sel, since); });

  auto* show = log->add_subcommand("show", "Print a session's transcript");
  show->add_option("SESSION", session, "The session id (from `log list` or `who`)")->required();
  show->add_flag("--follow,-f", follow, "Keep printing as a live session goes on, until it ends");
  show->add_flag("--as-test", as_test, "Without time stamps: the lines of a tests/transcripts file");
  show->callback([&] { status = run_show(options, session, follow, as_test); });
}

}  // namespace pillarbox::admin
