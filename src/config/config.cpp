#include "config/config.h"

#include "access/mutf7.h"
#include "access/names.h"

#include <fmt/format.h>

#include <toml++/toml.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <thread>
#include <map>
#include <set>
#include <string_view>
#include <utility>

namespace pillarbox::config {
namespace {

// Reads typed values out of a TOML table, remembering the first error and which keys were used
// so unknown keys (usually typos) can be reported.
class Reader {
 public:
  Reader(const toml::table& root, std::string file) : root_(root), file_(std::move(file)) {}

  template <class T>
  void get(std::string_view section, std::string_view key, T& out) {
    const toml::node* node = find(section, key);
    if (!node) return;
    if constexpr (std::is_same_v<T, bool>) {
      if (auto v = node->value<bool>()) out = *v;
      else fail(section, key, "must be true or false");
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (auto v = node->value<std::string>()) out = *v;
      else fail(section, key, "must be a string");
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      out.clear();
      if (auto* arr = node->as_array()) {
        for (const auto& el : *arr) {
          if (auto v = el.value<std::string>()) out.push_back(*v);
          else fail(section, key, "must be an array of strings");
        }
      } else if (auto v = node->value<std::string>()) {
        out.push_back(*v);
      } else {
        fail(section, key, "must be an array of strings");
      }
    } else {
      auto v = node->value<std::int64_t>();
      if (!v || *v < 0 || static_cast<std::uint64_t>(*v) > std::numeric_limits<T>::max()) {
        fail(section, key, "must be a non-negative integer in range");
      } else {
        out = static_cast<T>(*v);
      }
    }
  }

  void check_unknown() {
    for (const auto& [k, v] : root_) {
      std::string top(k.str());
      if (auto* tbl = v.as_table()) {
        for (const auto& [k2, v2] : *tbl) {
          std::string full = top + "." + std::string(k2.str());
          if (!used_.count(full)) fail_text(full + ": unknown key");
        }
      } else if (!used_.count(top)) {
        fail_text(top + ": unknown key");
      }
    }
  }

  /// The array of tables `key` at the top level, or null when absent (an error when it is
  /// something else).
  const toml::array* tables(std::string_view key) {
    used_.insert(std::string(key));
    const toml::node* node = root_.get(key);
    if (!node) return nullptr;
    const toml::array* arr = node->as_array();
    if (!arr || !(arr->empty() || arr->is_array_of_tables())) {
      fail("", key, "must be an array of tables ([[" + std::string(key) + "]])");
      return nullptr;
    }
    return arr;
  }

  const std::string& error() const { return error_; }
  void fail(std::string_view section, std::string_view key, std::string_view problem) {
    std::string name = section.empty() ? std::string(key) : fmt::format("{}.{}", section, key);
    fail_text(fmt::format("{}: {}", name, problem));
  }

 private:
  const toml::node* find(std::string_view section, std::string_view key) {
    std::string name = section.empty() ? std::string(key) : fmt::format("{}.{}", section, key);
    used_.insert(name);
    if (section.empty()) return root_.get(key);
    const auto* tbl = root_.get_as<toml::table>(section);
    return tbl ? tbl->get(key) : nullptr;
  }
  void fail_text(std::string text) {
    if (error_.empty()) error_ = fmt::format("{}: {}", file_, text);
  }

  const toml::table& root_;
  std::string file_;
  std::set<std::string> used_;
  std::string error_;
};

// [[mailboxes]]: name, special_use, auto.
std::vector<MailboxTemplate> read_mailboxes(Reader& r, const toml::array& arr) {
  std::vector<MailboxTemplate> out;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const std::string where = fmt::format("mailboxes[{}]", i);
    const toml::table& t = *arr[i].as_table();
    MailboxTemplate m;
    std::string automatic = "subscribe";
    for (const auto& [k, v] : t) {
      const std::string_view key = k.str();
      std::string* field = key == "name" ? &m.name : key == "special_use" ? &m.special_use : key == "auto" ? &automatic : nullptr;
      if (!field) {
        r.fail(where, key, "unknown key");
      } else if (auto text = v.value<std::string>()) {
        *field = *text;
        if (field == &m.name) {
          // A name with 8-bit bytes is UTF-8 ("Entwürfe") and is stored in modified UTF-7
          // (RFC 3501 §5.1.3), as IMAP names are; an ASCII name is taken as modified UTF-7
          // already ("Entw&APw-rfe"). Malformed UTF-8 does not survive the round trip.
          const bool eight_bit = std::any_of(text->begin(), text->end(), [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; });
          if (eight_bit) {
            std::string converted = access::utf8_to_mutf7(*text);
            if (access::mutf7_to_utf8(converted) == *text) *field = std::move(converted);
            else r.fail(where, key, "is not well-formed UTF-8");
          }
        }
      } else {
        r.fail(where, key, "must be a string");
      }
    }
    if (automatic == "create") m.auto_create = MailboxTemplate::Auto::create;
    else if (automatic == "subscribe") m.auto_create = MailboxTemplate::Auto::subscribe;
    else if (automatic == "no") m.auto_create = MailboxTemplate::Auto::no;
    else r.fail(where, "auto", "must be \"create\", \"subscribe\" or \"no\"");
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

std::vector<MailboxTemplate> default_mailboxes() {
  std::vector<MailboxTemplate> out;
  for (const char* name : {"Drafts", "Sent", "Trash", "Junk", "Archive"})
    out.push_back(MailboxTemplate{name, std::string("\\") + name, MailboxTemplate::Auto::subscribe});
  return out;
}

const std::vector<std::string>& special_use_attributes() {
  static const std::vector<std::string> all{"\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash"};
  return all;
}

std::string Config::in_data_dir(const std::string& path) const {
  if (path.empty() || path.front() == '/') return path;
  return data_dir + "/" + path;
}

unsigned Config::hash_thread_count() const {
  if (hash_threads) return hash_threads;
  return std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
}

Config defaults() {
  Config c;
  c.source = "(defaults)";
  return c;
}

Status validate(const Config& c) {
  auto bad = [&](std::string key, std::string problem) {
    return make_error(Errc::invalid, fmt::format("{}: {}: {}", c.source, key, problem));
  };
  const Limits& l = c.limits;
  if (l.max_line_octets < 1024) return bad("limits.max_line_octets", "must be at least 1024");
  if (l.max_literal_octets < 1024) return bad("limits.max_literal_octets", "must be at least 1024");
  if (l.max_literal_octets > (std::uint64_t{1} << 32) - 1)
    return bad("limits.max_literal_octets", "must be below 4 GiB");
  if (l.max_literals_per_command < 1) return bad("limits.max_literals_per_command", "must be at least 1");
  // Below RFC 9051 §5.4's 30 minutes is allowed (tests, special sites) but `serve` warns.
  if (l.idle_timeout_seconds < 1) return bad("limits.idle_timeout_seconds", "must be at least 1");
  if (l.login_timeout_seconds < 1) return bad("limits.login_timeout_seconds", "must be at least 1");
  if (l.command_timeout_seconds < 1 || l.command_timeout_seconds > 86400)
    return bad("limits.command_timeout_seconds", "must be 1..86400");
  if (l.min_command_octets_per_second < 1) return bad("limits.min_command_octets_per_second", "must be at least 1");
  if (l.idle_keepalive_seconds > 86400) return bad("limits.idle_keepalive_seconds", "must be at most 86400 (0: off)");
  if (l.max_connections < 1) return bad("limits.max_connections", "must be at least 1");
  if (l.max_connections_per_user < 1) return bad("limits.max_connections_per_user", "must be at least 1");
  if (l.max_connections_per_ip < 1) return bad("limits.max_connections_per_ip", "must be at least 1");
  if (l.max_bad_commands < 1) return bad("limits.max_bad_commands", "must be at least 1");
  if (l.max_output_buffer_octets < 4096) return bad("limits.max_output_buffer_octets", "must be at least 4096");
  if (l.compress_window_bits < 9 || l.compress_window_bits > 15)
    return bad("limits.compress_window_bits", "must be 9..15");
  if (l.compress_mem_level < 1 || l.compress_mem_level > 9) return bad("limits.compress_mem_level", "must be 1..9");
  if (c.failure_delay_max_ms < c.failure_delay_ms)
    return bad("auth.failure_delay_max_ms", "must be at least auth.failure_delay_ms");
  if (c.failure_delay_max_ms > 600000) return bad("auth.failure_delay_max_ms", "must be at most 600000 (10 minutes)");
  // Each thread may hold one Argon2id computation's 32 MiB; the password module runs at most 8
  // hash computations at once in any case, so more threads would only wait.
  if (c.hash_threads > 8) return bad("auth.hash_threads", "must be 0..8 (0: one per core, at most 4)");
  if (c.cache_entries > 10000000) return bad("auth.cache_entries", "must be 0..10000000 (0: off)");
  if (c.cache_ttl_seconds < 1 || c.cache_ttl_seconds > 604800)
    return bad("auth.cache_ttl_seconds", "must be 1..604800 (one week)");
  for (const auto& m : c.master_users) {
    const auto at = m.find('@');
    const bool valid = at != std::string::npos && at > 0 && at + 1 < m.size() && m.find('@', at + 1) == std::string::npos &&
                       m.size() <= 254 && std::none_of(m.begin(), m.end(), [](char ch) {
                         return static_cast<unsigned char>(ch) <= 0x20 || static_cast<unsigned char>(ch) >= 0x7f;
                       });
    if (!valid) return bad("auth.master_users", fmt::format("\"{}\" is not an address (user@domain)", m));
  }
  if (l.max_message_octets < 1024) return bad("limits.max_message_octets", "must be at least 1024");
  if (l.max_recipients < 1) return bad("limits.max_recipients", "must be at least 1");
  if (l.max_append_total_octets < 1024) return bad("limits.max_append_total_octets", "must be at least 1024");
  if (l.max_command_literal_octets < 1024) return bad("limits.max_command_literal_octets", "must be at least 1024");
  if (c.quota_messages && *c.quota_messages == 0) return bad("quota.messages", "must be at least 1 (0: leave it out)");
  if (c.quota_storage_kib && *c.quota_storage_kib == 0) return bad("quota.storage", "must be above 0 (\"\": no limit)");
  if (l.max_list_patterns < 1) return bad("limits.max_list_patterns", "must be at least 1");
  if (l.max_list_pattern_octets < 255) return bad("limits.max_list_pattern_octets", "must be at least 255");
  if (l.counting != "per-connection" && l.counting != "per-user")
    return bad("limits.counting", "must be \"per-connection\" or \"per-user\"");
  if (!c.metrics_listen.empty()) {
    if (auto ep = parse_endpoint(c.metrics_listen); !ep)
      return bad("metrics.listen", "must be \"host:port\" (or empty: no metrics endpoint)");
  }
  if (c.log_format != "logfmt" && c.log_format != "json") return bad("log.format", "must be \"logfmt\" or \"json\"");
  if (c.store_backend != "sqlite" && c.store_backend != "postgresql")
    return bad("store.backend", "must be \"sqlite\" or \"postgresql\"");
  if (c.store_backend == "postgresql" && c.store_url.empty())
    return bad("store.url", "must name the database when backend = \"postgresql\" (postgresql://user@host/db)");
  if (c.store_pool_size < 1 || c.store_pool_size > 1000) return bad("store.pool_size", "must be 1..1000");
  if (c.data_dir.empty()) return bad("data_dir", "must not be empty");
  if (c.store_threads < 1 || c.store_threads > 64) return bad("store.threads", "must be 1..64");
  if (c.header_cache_mib > 65536) return bad("store.header_cache_mib", "must be 0..65536 (0: no cache)");
  if (c.text_index_backlog > 100000000) return bad("store.text_index_backlog", "must be 0..100000000 (0: index at once)");
  if (c.inline_max_octets > (1u << 20)) return bad("store.inline_max_octets", "must be 0..1048576 (0: every message in a file)");
  if (c.io_threads > 64) return bad("server.io_threads", "must be 0..64");
  const std::pair<const char*, const std::vector<std::string>*> lists[] = {
      {"imap.listen", &c.imap_listen},     {"imap.tls_listen", &c.imap_tls_listen},
      {"pop3.listen", &c.pop3_listen},     {"pop3.tls_listen", &c.pop3_tls_listen},
      {"lmtp.listen", &c.lmtp_listen}};
  for (const auto& [key, list] : lists) {
    for (const auto& e : *list) {
      // LMTP may also listen on a unix socket (RFC 2033 §1: LMTP is for local delivery).
      if (std::string_view(key) == "lmtp.listen" && e.starts_with("unix:")) {
        if (e.size() == 5) return bad(key, "\"unix:\" needs a socket path");
        continue;
      }
      auto ep = parse_endpoint(e);
      if (!ep) return bad(key, ep.error().text);
    }
  }
  std::set<std::string> names, uses;
  for (std::size_t i = 0; i < c.mailboxes.size(); ++i) {
    const MailboxTemplate& m = c.mailboxes[i];
    const std::string key = fmt::format("mailboxes[{}]", i);
    // The rules of IMAP CREATE (RFC 3501 §5.1.3 modified UTF-7, no wildcard, no empty level,
    // at most 1000 octets), and no name of a namespace or of INBOX.
    if (auto problem = access::mailbox_name_problem(m.name))
      return bad(key + ".name", fmt::format("\"{}\": {}", m.name, *problem));
    if (access::reserved_personal_name(m.name))
      return bad(key + ".name", fmt::format("\"{}\" belongs to a namespace (\"Other users\", \"Public Folders\")", m.name));
    std::string upper = m.name.substr(0, 6);
    for (auto& ch : upper) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
    if (upper == "INBOX" || upper == "INBOX/") return bad(key + ".name", "INBOX and its children cannot be listed here");
    if (!names.insert(m.name).second) return bad(key + ".name", fmt::format("\"{}\" is listed twice", m.name));
    if (m.special_use.empty()) continue;
    const auto& known = special_use_attributes();
    if (std::find(known.begin(), known.end(), m.special_use) == known.end())
      return bad(key + ".special_use", fmt::format("\"{}\" is not one of \\All \\Archive \\Drafts \\Flagged \\Junk \\Sent \\Trash", m.special_use));
    // RFC 6154 §2: \All and \Flagged are for virtual mailboxes, which Pillarbox does not have
    // (CREATE refuses them too).
    if (m.special_use == "\\All" || m.special_use == "\\Flagged")
      return bad(key + ".special_use", fmt::format("{} is for virtual mailboxes, which this server does not have", m.special_use));
    if (!uses.insert(m.special_use).second)
      return bad(key + ".special_use", fmt::format("{} is given to two mailboxes", m.special_use));
  }
  return {};
}

Result<std::uint64_t> parse_size(std::string_view text) {
  auto fail = [&] {
    return make_error(Errc::invalid, fmt::format("\"{}\" is not a size (digits with K, M, G or T)", text));
  };
  if (text.empty()) return fail();
  std::uint64_t unit = 1;
  switch (text.back()) {
    case 'k': case 'K': unit = std::uint64_t{1} << 10; break;
    case 'm': case 'M': unit = std::uint64_t{1} << 20; break;
    case 'g': case 'G': unit = std::uint64_t{1} << 30; break;
    case 't': case 'T': unit = std::uint64_t{1} << 40; break;
    default: break;
  }
  std::string_view digits = unit == 1 ? text : text.substr(0, text.size() - 1);
  if (digits.empty() || digits.size() > 19) return fail();
  std::uint64_t value = 0;
  for (char ch : digits) {
    if (ch < '0' || ch > '9') return fail();
    value = value * 10 + static_cast<std::uint64_t>(ch - '0');
  }
  constexpr std::uint64_t kMax = std::uint64_t{1} << 63;
  if (value > kMax / unit) return fail();
  return value * unit;
}

Result<Endpoint> parse_endpoint(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return make_error(Errc::invalid, fmt::format("\"{}\" is not host:port", text));
  Endpoint ep;
  ep.host = text.substr(0, colon);
  if (ep.host.size() >= 2 && ep.host.front() == '[' && ep.host.back() == ']')
    ep.host = ep.host.substr(1, ep.host.size() - 2);
  unsigned long port = 0;
  for (char ch : text.substr(colon + 1)) {
    if (ch < '0' || ch > '9' || port > 65535)
      return make_error(Errc::invalid, fmt::format("\"{}\" has a bad port", text));
    port = port * 10 + static_cast<unsigned long>(ch - '0');
  }
  if (port > 65535) return make_error(Errc::invalid, fmt::format("\"{}\" has a bad port", text));
  ep.port = static_cast<std::uint16_t>(port);
  return ep;
}

Result<Config> load(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return make_error(Errc::invalid, fmt::format("{}:{}:{}: {}", path, e.source().begin.line,
                                                 e.source().begin.column, e.description()));
  }
  Config c;
  c.source = path;
  Reader r(root, path);
  r.get("", "data_dir", c.data_dir);
  r.get("imap", "listen", c.imap_listen);
  r.get("imap", "tls_listen", c.imap_tls_listen);
  r.get("pop3", "listen", c.pop3_listen);
  r.get("pop3", "tls_listen", c.pop3_tls_listen);
  r.get("lmtp", "listen", c.lmtp_listen);
  r.get("tls", "certificate", c.tls_certificate);
  r.get("tls", "private_key", c.tls_private_key);
  r.get("tls", "min_version", c.tls_min_version);
  r.get("tls", "ciphers", c.tls_ciphers);
  r.get("tls", "ciphersuites", c.tls_ciphersuites);
  // RFC 8996: nothing below TLS 1.2 can be configured.
  if (c.tls_min_version != "TLSv1.2" && c.tls_min_version != "TLSv1.3")
    r.fail("tls", "min_version", "must be \"TLSv1.2\" or \"TLSv1.3\" (TLS 1.0 and 1.1 are not offered, RFC 8996)");
  std::string plaintext = "loopback";
  r.get("auth", "plaintext_without_tls", plaintext);
  r.get("auth", "failure_delay_ms", c.failure_delay_ms);
  r.get("auth", "failure_delay_max_ms", c.failure_delay_max_ms);
  r.get("auth", "failure_window_seconds", c.failure_window_seconds);
  r.get("auth", "rehash", c.rehash);
  r.get("auth", "hash_threads", c.hash_threads);
  r.get("auth", "cache_entries", c.cache_entries);
  r.get("auth", "cache_ttl_seconds", c.cache_ttl_seconds);
  r.get("auth", "master_users", c.master_users);
  for (auto& m : c.master_users)
    for (auto& ch : m) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  if (plaintext == "never") c.plaintext_without_tls = Plaintext::never;
  else if (plaintext == "loopback") c.plaintext_without_tls = Plaintext::loopback;
  else if (plaintext == "always") c.plaintext_without_tls = Plaintext::always;
  else r.fail("auth", "plaintext_without_tls", "must be \"never\", \"loopback\" or \"always\"");
  Limits& l = c.limits;
  r.get("limits", "max_connections", l.max_connections);
  r.get("limits", "max_connections_per_user", l.max_connections_per_user);
  r.get("limits", "max_connections_per_ip", l.max_connections_per_ip);
  r.get("limits", "counting", l.counting);
  r.get("limits", "max_line_octets", l.max_line_octets);
  r.get("limits", "max_literal_octets", l.max_literal_octets);
  r.get("limits", "max_literals_per_command", l.max_literals_per_command);
  r.get("limits", "idle_timeout_seconds", l.idle_timeout_seconds);
  r.get("limits", "login_timeout_seconds", l.login_timeout_seconds);
  r.get("limits", "command_timeout_seconds", l.command_timeout_seconds);
  r.get("limits", "min_command_octets_per_second", l.min_command_octets_per_second);
  r.get("limits", "idle_keepalive_seconds", l.idle_keepalive_seconds);
  r.get("limits", "max_bad_commands", l.max_bad_commands);
  r.get("limits", "max_output_buffer_octets", l.max_output_buffer_octets);
  r.get("limits", "max_message_octets", l.max_message_octets);
  r.get("limits", "max_recipients", l.max_recipients);
  r.get("limits", "compress_window_bits", l.compress_window_bits);
  r.get("limits", "compress_mem_level", l.compress_mem_level);
  r.get("limits", "max_append_total_octets", l.max_append_total_octets);
  r.get("limits", "max_command_literal_octets", l.max_command_literal_octets);
  std::string literal_plus = "plus";
  r.get("imap", "literal_plus", literal_plus);
  if (literal_plus == "plus") c.literal_mode = LiteralMode::plus;
  else if (literal_plus == "minus") c.literal_mode = LiteralMode::minus;
  else r.fail("imap", "literal_plus", "must be \"plus\" (LITERAL+) or \"minus\" (LITERAL-)");
  std::string quota_storage;
  r.get("quota", "storage", quota_storage);
  if (!quota_storage.empty()) {
    if (auto size = parse_size(quota_storage)) c.quota_storage_kib = (*size + 1023) / 1024;
    else r.fail("quota", "storage", size.error().text);
  }
  std::uint64_t quota_messages = 0;
  bool has_messages = false;
  if (const auto* q = root.get_as<toml::table>("quota"); q && q->get("messages")) has_messages = true;
  r.get("quota", "messages", quota_messages);
  if (has_messages) c.quota_messages = quota_messages;
  r.get("quota", "full_tempfail", c.quota_full_tempfail);
  r.get("limits", "max_list_patterns", l.max_list_patterns);
  r.get("limits", "max_list_pattern_octets", l.max_list_pattern_octets);
  r.get("limits", "compress_max_skipped_octets", l.compress_max_skipped_octets);
  r.get("store", "backend", c.store_backend);
  r.get("store", "url", c.store_url);
  r.get("store", "pool_size", c.store_pool_size);
  r.get("store", "threads", c.store_threads);
  r.get("store", "header_cache_mib", c.header_cache_mib);
  r.get("store", "text_index_backlog", c.text_index_backlog);
  r.get("store", "inline_max_octets", c.inline_max_octets);
  r.get("admin", "socket", c.admin_socket);
  r.get("metrics", "listen", c.metrics_listen);
  r.get("log", "level", c.log_level);
  r.get("log", "format", c.log_format);
  r.get("log", "protocol_log_dir", c.protocol_log_dir);
  r.get("log", "protocol_log_max_mb", c.protocol_log_max_mb);
  r.get("server", "io_threads", c.io_threads);
  r.get("server", "name", c.server_name);
  if (const toml::array* mailboxes = r.tables("mailboxes")) c.mailboxes = read_mailboxes(r, *mailboxes);
  r.check_unknown();
  if (!r.error().empty()) return make_error(Errc::invalid, r.error());
  if (auto st = validate(c); !st) return st.error();
  return c;
}

}  // namespace pillarbox::config
