// Configuration: one TOML file, every key with a safe default (SPEC "The program").
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace pillarbox::config {

/// When LOGIN/AUTHENTICATE PLAIN may be used on an unencrypted connection (RFC 3501 §6.2.3,
/// LOGINDISABLED).
enum class Plaintext { never, loopback, always };

/// Which non-synchronizing literals IMAP offers (RFC 7888): LITERAL+ (any size up to the
/// literal limits) or LITERAL- (at most 4096 octets; a bigger one is BAD [TOOBIG] and closes).
enum class LiteralMode { plus, minus };

/// Every limit the server enforces; docs/configuration.md lists them with their defaults.
struct Limits {
  std::uint32_t max_connections = 10000;
  std::uint32_t max_connections_per_user = 20;
  std::uint32_t max_connections_per_ip = 100;
  std::string counting = "per-connection";
  std::uint64_t max_line_octets = 65536;          ///< command text outside literals
  std::uint64_t max_literal_octets = 67108864;    ///< one literal, hence one APPEND (64 MiB)
  std::uint32_t max_literals_per_command = 1000;
  std::uint32_t idle_timeout_seconds = 1800;      ///< authenticated, RFC 9051 §5.4: >= 30 min
  std::uint32_t login_timeout_seconds = 60;       ///< from connecting to logging in, however busy
  /// From a command's first octet to its last (IMAP literals and LMTP DATA included), plus one
  /// second per min_command_octets_per_second octets of it: a client trickling a command in
  /// is cut off (session::CommandClock).
  std::uint32_t command_timeout_seconds = 120;
  std::uint64_t min_command_octets_per_second = 1024;
  /// "* OK Still here" every this many seconds during IDLE (RFC 2177 §3: keeps NATs from
  /// dropping the connection, as Dovecot's imap_idle_notify_interval); 0: never.
  std::uint32_t idle_keepalive_seconds = 120;
  std::uint32_t max_bad_commands = 20;            ///< consecutive BADs before BYE
  std::uint64_t max_output_buffer_octets = 262144; ///< response bytes buffered before a write
  std::uint64_t max_message_octets = 67108864;    ///< one message: LMTP SIZE, deliver, and IMAP APPEND
                                                  ///< (RFC 7889 APPENDLIMIT, with max_literal_octets)
  std::uint64_t max_append_total_octets = 134217728; ///< all messages of one APPEND (RFC 3502 MULTIAPPEND)
  /// All literals of one IMAP command other than APPEND together (LOGIN, SEARCH, ...), and of
  /// any command before login: bounds what an unauthenticated client makes the server hold.
  std::uint64_t max_command_literal_octets = 65536;
  std::uint32_t max_recipients = 1000;            ///< LMTP RCPT TO per transaction
  /// IMAP COMPRESS=DEFLATE (RFC 4978): the server's deflate window is 2^bits octets (9..15;
  /// zlib holds 4 times that) and its hash memory 2^(mem_level+9) octets (1..9). Smaller
  /// values cost compression ratio, not correctness; inflating always uses 32 KiB.
  std::uint32_t compress_window_bits = 12;
  std::uint32_t compress_mem_level = 5;
  /// While compressed: octets of over-limit commands (over-long lines, over-limit LITERAL+
  /// literals) counted off in all before the session ends with BYE. Inflating what is only
  /// skipped costs CPU the client does not pay for (DEFLATE reaches about 1000:1), so it is
  /// bounded per connection. 0: the first such command ends the session.
  std::uint64_t compress_max_skipped_octets = 1048576;
  std::uint32_t max_list_patterns = 100;          ///< patterns in one IMAP LIST (RFC 5258 §3)
  std::uint32_t max_list_pattern_octets = 1024;   ///< one LIST pattern, and the reference

  /// The largest message IMAP APPEND takes, in octets (RFC 7889 APPENDLIMIT): the lowest of
  /// the message, literal and APPEND-total limits.
  std::uint64_t append_limit() const {
    return std::min({max_message_octets, max_literal_octets, max_append_total_octets});
  }
};

/// A mailbox that new accounts get ([[mailboxes]] in the file; like Dovecot's mailbox settings
/// in a namespace). docs/configuration.md gives the default set.
struct MailboxTemplate {
  /// What happens to it when an account is created (user add, --demo).
  enum class Auto {
    create,     ///< created
    subscribe,  ///< created and subscribed
    no,         ///< not created; the attribute goes to a mailbox the user creates with this name
  };
  std::string name;         ///< full mailbox name, '/'-delimited, never INBOX
  std::string special_use;  ///< RFC 6154 attribute (\Sent, ...) or "" for none
  Auto auto_create = Auto::subscribe;
  bool operator==(const MailboxTemplate&) const = default;
};

/// Drafts, Sent, Trash, Junk and Archive with their RFC 6154 attributes, created and subscribed.
std::vector<MailboxTemplate> default_mailboxes();

/// The RFC 6154 §2 special-use attributes, in the RFC's order: \All \Archive \Drafts
/// \Flagged \Junk \Sent \Trash.
const std::vector<std::string>& special_use_attributes();

struct Config {
  std::string source;      ///< the file it came from, or "(defaults)"
  std::string data_dir = "/var/lib/pillarbox";
  std::vector<std::string> imap_listen{"0.0.0.0:143"};
  std::vector<std::string> imap_tls_listen{"0.0.0.0:993"};
  std::vector<std::string> pop3_listen{"0.0.0.0:110"};
  std::vector<std::string> pop3_tls_listen{"0.0.0.0:995"};
  std::vector<std::string> lmtp_listen{"unix:/run/pillarbox/lmtp", "127.0.0.1:24"};
  std::string tls_certificate = "fullchain.pem";   ///< relative to data_dir unless absolute
  std::string tls_private_key = "privkey.pem";
  std::string tls_min_version = "TLSv1.2";      ///< [tls] min_version: "TLSv1.2" or "TLSv1.3"
  std::string tls_ciphers;                      ///< [tls] ciphers (TLS 1.2); "" = net::TlsSettings' default
  std::string tls_ciphersuites;                 ///< [tls] ciphersuites (TLS 1.3); "" = the default
  Plaintext plaintext_without_tls = Plaintext::loopback;
  std::uint32_t failure_delay_ms = 300;         ///< [auth] delay after a first failed login
  std::uint32_t failure_delay_max_ms = 10000;   ///< [auth] cap of the doubling delay
  std::uint32_t failure_window_seconds = 900;   ///< [auth] failures older than this are forgotten
  bool rehash = true;                ///< [auth] store a fresh Argon2id hash after a login with another kind
  std::uint32_t hash_threads = 0;    ///< [auth] threads verifying passwords; 0: one per core (at most 4)
  /// [auth] accounts whose last verified password is remembered (auth/verified_cache.h); 0: off
  std::uint32_t cache_entries = 100000;
  std::uint32_t cache_ttl_seconds = 3600;   ///< [auth] how long a remembered password is accepted
  /// [auth] master_users: accounts that may log in for any other account by naming it as the
  /// SASL authorization identity (PLAIN authzid, SCRAM "a="). Full addresses, lower-cased.
  std::vector<std::string> master_users;
  Limits limits;
  LiteralMode literal_mode = LiteralMode::plus;   ///< [imap] literal_plus = "plus" | "minus"
  /// [quota] default limits for accounts without their own (RFC 9208): storage in KiB
  /// (storage = "500M" in the file), messages; absent: no limit.
  std::optional<std::uint64_t> quota_storage_kib;
  std::optional<std::uint64_t> quota_messages;
  /// [quota] full_tempfail: LMTP answers a delivery over quota with 452 4.2.2 (try again) instead
  /// of 552 5.2.2 (bounce), as Dovecot's quota_full_tempfail.
  bool quota_full_tempfail = false;
  std::string store_backend = "sqlite";   ///< [store] backend = "sqlite" | "postgresql"
  std::string store_url;                  ///< [store] url: libpq URI or key=value string (postgresql)
  std::uint32_t store_pool_size = 16;     ///< [store] pool_size: PostgreSQL connections per front end
  std::string admin_socket = "admin.sock";
  std::string metrics_listen;
  std::string log_level = "info";
  std::string log_format = "logfmt";   ///< [log] format: "logfmt" or "json" (server log on stderr)
  std::string protocol_log_dir = "protocol-log";
  std::uint64_t protocol_log_max_mb = 1024;
  std::uint32_t io_threads = 0;      ///< 0: one per core (at most 4)
  std::uint32_t store_threads = 4;   ///< threads that run blocking store calls
  std::uint32_t header_cache_mib = 64;   ///< [store] message header blocks kept in memory, MiB
  /// [store] message files left out of the full-text index before the indexer works while
  /// clients write (it otherwise waits for a quiet moment); 0: index at once.
  std::uint32_t text_index_backlog = 2000;
  /// [store] messages up to this size live in the database rather than in files (0: none)
  std::uint32_t inline_max_octets = 65536;
  std::string server_name = "Pillarbox";
  std::vector<MailboxTemplate> mailboxes = default_mailboxes();  ///< [[mailboxes]]

  /// hash_threads with 0 resolved: one per core, at most 4.
  unsigned hash_thread_count() const;
  /// `path` resolved against data_dir unless it is absolute.
  std::string in_data_dir(const std::string& path) const;
};

/// Reads `path` (TOML). Unknown keys and bad values are errors naming the file, the key and the
/// problem, e.g. "pillarbox.toml: limits.max_line_octets: must be at least 1024".
Result<Config> load(const std::string& path);
/// The defaults, as if from an empty file.
Config defaults();
/// Checks cross-key rules (ranges, enum values). Called by load(); exposed for --demo.
Status validate(const Config& config);

/// Parses a size: digits with an optional binary suffix K, M, G or T (any case; "500M" is
/// 500 MiB), in octets. Errc::invalid naming the text when malformed or above 2^63.
Result<std::uint64_t> parse_size(std::string_view text);

/// A parsed "host:port" listen address; host may be "[::1]" or a name.
struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
};
/// Parses "host:port" / "[v6]:port". Errc::invalid with a message naming the value.
Result<Endpoint> parse_endpoint(const std::string& text);

}  // namespace pillarbox::config
