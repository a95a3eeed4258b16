#include "config/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace pillarbox::config {
namespace {

std::string write_temp(const std::string& text) {
  char name[] = "/tmp/pbcfgXXXXXX";
  int fd = mkstemp(name);
  close(fd);
  std::ofstream(name) << text;
  return name;
}

/// Loads `text` as a configuration file.
Result<Config> load_text(const std::string& text) {
  auto path = write_temp(text);
  auto c = load(path);
  std::remove(path.c_str());
  return c;
}

TEST(Config, EmptyFileGivesDefaults) {
  auto path = write_temp("");
  auto c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->limits.max_line_octets, 65536u);
  EXPECT_EQ(c->plaintext_without_tls, Plaintext::loopback);
  std::remove(path.c_str());
}

TEST(Config, ReadsKeys) {
  auto path = write_temp(
      "data_dir = \"/srv/mail\"\n[imap]\nlisten = [\"127.0.0.1:1143\"]\n"
      "[limits]\nmax_line_octets = 2048\n[auth]\nplaintext_without_tls = \"never\"\n");
  auto c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->data_dir, "/srv/mail");
  EXPECT_EQ(c->imap_listen, std::vector<std::string>{"127.0.0.1:1143"});
  EXPECT_EQ(c->limits.max_line_octets, 2048u);
  EXPECT_EQ(c->plaintext_without_tls, Plaintext::never);
  std::remove(path.c_str());
}

TEST(Config, ListLimits) {
  auto path = write_temp("");
  auto c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->limits.max_list_patterns, 100u);
  EXPECT_EQ(c->limits.max_list_pattern_octets, 1024u);
  std::remove(path.c_str());
  path = write_temp("[limits]\nmax_list_patterns = 5\nmax_list_pattern_octets = 300\n");
  c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->limits.max_list_patterns, 5u);
  EXPECT_EQ(c->limits.max_list_pattern_octets, 300u);
  std::remove(path.c_str());
  for (const char* text : {"[limits]\nmax_list_patterns = 0\n", "[limits]\nmax_list_pattern_octets = 254\n"}) {
    path = write_temp(text);
    c = load(path);
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_NE(c.error().text.find("limits.max_list_pattern"), std::string::npos) << c.error().text;
    std::remove(path.c_str());
  }
}

TEST(Config, ErrorsNameFileKeyAndProblem) {
  auto path = write_temp("[limits]\nmax_line_octets = 10\n");
  auto c = load(path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find(path), std::string::npos);
  EXPECT_NE(c.error().text.find("limits.max_line_octets"), std::string::npos);
  std::remove(path.c_str());

  path = write_temp("[limits]\nmax_line_octet = 4096\n");
  c = load(path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find("limits.max_line_octet: unknown key"), std::string::npos);
  std::remove(path.c_str());

  path = write_temp("[auth]\nplaintext_without_tls = \"sometimes\"\n");
  c = load(path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find("auth.plaintext_without_tls"), std::string::npos);
  std::remove(path.c_str());

  // RFC 8996: TLS 1.0 and 1.1 cannot be turned back on.
  for (const char* old : {"TLSv1", "TLSv1.1", "SSLv3", "tlsv1.2"}) {
    path = write_temp(std::string("[tls]\nmin_version = \"") + old + "\"\n");
    c = load(path);
    ASSERT_FALSE(c.ok()) << old;
    EXPECT_NE(c.error().text.find("tls.min_version"), std::string::npos) << old;
    std::remove(path.c_str());
  }

  path = write_temp("[imap\nlisten=1");
  c = load(path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find(path), std::string::npos);
  std::remove(path.c_str());
}

TEST(Config, TlsKeys) {
  std::string path = write_temp(
      "[tls]\nmin_version = \"TLSv1.3\"\nciphers = \"ECDHE-RSA-AES128-GCM-SHA256\"\n"
      "ciphersuites = \"TLS_AES_256_GCM_SHA384\"\n");
  auto c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->tls_min_version, "TLSv1.3");
  EXPECT_EQ(c->tls_ciphers, "ECDHE-RSA-AES128-GCM-SHA256");
  EXPECT_EQ(c->tls_ciphersuites, "TLS_AES_256_GCM_SHA384");
  std::remove(path.c_str());
  path = write_temp("");
  c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->tls_min_version, "TLSv1.2");
  EXPECT_EQ(c->tls_ciphers, "");
  std::remove(path.c_str());
}

TEST(Config, StoreKeys) {
  auto c = load_text("");
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->store_threads, 4u);
  EXPECT_EQ(c->header_cache_mib, 64u);
  EXPECT_EQ(c->text_index_backlog, 2000u);
  EXPECT_EQ(c->inline_max_octets, 65536u);
  c = load_text("[store]\nthreads = 8\nheader_cache_mib = 0\ntext_index_backlog = 0\ninline_max_octets = 0\n");
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->store_threads, 8u);
  EXPECT_EQ(c->header_cache_mib, 0u);
  EXPECT_EQ(c->text_index_backlog, 0u);
  EXPECT_EQ(c->inline_max_octets, 0u);
  c = load_text("[store]\ninline_max_octets = 1048577\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find("store.inline_max_octets: must be 0..1048576"), std::string::npos) << c.error().text;
  c = load_text("[store]\ntext_index_backlog = 100000001\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find("store.text_index_backlog"), std::string::npos) << c.error().text;
  c = load_text("[store]\nheader_cache_mib = 65537\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find("store.header_cache_mib"), std::string::npos) << c.error().text;
}

TEST(Config, PostgresqlBackend) {
  auto c = load_text("");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->store_backend, "sqlite");
  EXPECT_EQ(c->store_pool_size, 16u);
  c = load_text("[store]\nbackend = \"postgresql\"\nurl = \"postgresql://pb@db/mail\"\npool_size = 40\n");
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->store_backend, "postgresql");
  EXPECT_EQ(c->store_url, "postgresql://pb@db/mail");
  EXPECT_EQ(c->store_pool_size, 40u);
  c = load_text("[store]\nbackend = \"postgresql\"\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find("store.url: must name the database"), std::string::npos) << c.error().text;
  c = load_text("[store]\nbackend = \"mysql\"\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find("store.backend: must be \"sqlite\" or \"postgresql\""), std::string::npos);
  c = load_text("[store]\nbackend = \"postgresql\"\nurl = \"postgresql:///mail\"\npool_size = 0\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find("store.pool_size: must be 1..1000"), std::string::npos) << c.error().text;
}

TEST(Config, CompressKeys) {
  auto path = write_temp("");
  auto c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->limits.compress_window_bits, 12u);
  EXPECT_EQ(c->limits.compress_mem_level, 5u);
  EXPECT_EQ(c->limits.compress_max_skipped_octets, 1048576u);
  std::remove(path.c_str());

  path = write_temp("[limits]\ncompress_window_bits = 15\ncompress_mem_level = 9\ncompress_max_skipped_octets = 0\n");
  c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->limits.compress_window_bits, 15u);
  EXPECT_EQ(c->limits.compress_mem_level, 9u);
  EXPECT_EQ(c->limits.compress_max_skipped_octets, 0u);
  std::remove(path.c_str());

  for (const char* text : {"[limits]\ncompress_window_bits = 8\n", "[limits]\ncompress_window_bits = 16\n"}) {
    path = write_temp(text);
    c = load(path);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().text.find("limits.compress_window_bits"), std::string::npos);
    std::remove(path.c_str());
  }
  for (const char* text : {"[limits]\ncompress_mem_level = 0\n", "[limits]\ncompress_mem_level = 10\n"}) {
    path = write_temp(text);
    c = load(path);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().text.find("limits.compress_mem_level"), std::string::npos);
    std::remove(path.c_str());
  }
}

TEST(Config, IdleKeepalive) {
  auto path = write_temp("");
  auto c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->limits.idle_keepalive_seconds, 120u);   // Dovecot's 2 minutes
  std::remove(path.c_str());

  path = write_temp("[limits]\nidle_keepalive_seconds = 0\n");   // off
  c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->limits.idle_keepalive_seconds, 0u);
  std::remove(path.c_str());

  path = write_temp("[limits]\nidle_keepalive_seconds = 86401\n");
  c = load(path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find("limits.idle_keepalive_seconds"), std::string::npos);
  std::remove(path.c_str());
}

TEST(Config, QuotaAndLiteralKeys) {
  auto path = write_temp("");
  auto c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_FALSE(c->quota_storage_kib.has_value());
  EXPECT_FALSE(c->quota_messages.has_value());
  EXPECT_FALSE(c->quota_full_tempfail);
  EXPECT_EQ(c->literal_mode, LiteralMode::plus);
  std::remove(path.c_str());

  path = write_temp("[quota]\nstorage = \"500M\"\nmessages = 1000\nfull_tempfail = true\n"
                    "[imap]\nliteral_plus = \"minus\"\n[limits]\nmax_append_total_octets = 4096\n");
  c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->quota_storage_kib, 500u * 1024);
  EXPECT_EQ(c->quota_messages, 1000u);
  EXPECT_TRUE(c->quota_full_tempfail);
  EXPECT_EQ(c->literal_mode, LiteralMode::minus);
  EXPECT_EQ(c->limits.max_append_total_octets, 4096u);
  EXPECT_EQ(c->limits.append_limit(), 4096u);  // RFC 7889: no larger APPEND is taken
  EXPECT_EQ(c->limits.max_command_literal_octets, 65536u);
  std::remove(path.c_str());

  for (const char* bad : {"[quota]\nstorage = \"5X\"\n", "[quota]\nstorage = \"M\"\n",
                          "[quota]\nmessages = 0\n", "[quota]\nstorage = \"0\"\n", "[imap]\nliteral_plus = \"both\"\n",
                          "[limits]\nmax_append_total_octets = 10\n", "[limits]\nmax_command_literal_octets = 1023\n"}) {
    path = write_temp(bad);
    c = load(path);
    EXPECT_FALSE(c.ok()) << bad;
    std::remove(path.c_str());
  }
}

TEST(Config, ParseSize) {
  EXPECT_EQ(*parse_size("1024"), 1024u);
  EXPECT_EQ(*parse_size("1k"), 1024u);
  EXPECT_EQ(*parse_size("500M"), 500u << 20);
  EXPECT_EQ(*parse_size("2G"), std::uint64_t{2} << 30);
  EXPECT_EQ(*parse_size("1T"), std::uint64_t{1} << 40);
  for (const char* bad : {"", "K", "-1", "1.5G", "1 G", "99999999999999999999", "9999999999T", "1KB"})
    EXPECT_FALSE(parse_size(bad).ok()) << bad;
}

TEST(Config, LogFormat) {
  auto path = write_temp("");
  auto c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->log_format, "logfmt");
  std::remove(path.c_str());

  path = write_temp("[log]\nformat = \"json\"\n");
  c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->log_format, "json");
  std::remove(path.c_str());

  path = write_temp("[log]\nformat = \"text\"\n");
  c = load(path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find("log.format: must be \"logfmt\" or \"json\""), std::string::npos) << c.error().text;
  std::remove(path.c_str());
}

TEST(Config, MasterUsers) {
  auto path = write_temp("[auth]\nmaster_users = [\"Admin@Example.org\", \"ops@example.org\"]\n");
  auto c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->master_users, (std::vector<std::string>{"admin@example.org", "ops@example.org"}));
  std::remove(path.c_str());
  EXPECT_TRUE(defaults().master_users.empty());

  for (const char* bad : {"[\"admin\"]", "[\"a b@example.org\"]", "[\"@example.org\"]", "[\"a@b@c\"]", "[1]"}) {
    path = write_temp(std::string("[auth]\nmaster_users = ") + bad + "\n");
    c = load(path);
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_NE(c.error().text.find("auth.master_users"), std::string::npos) << c.error().text;
    std::remove(path.c_str());
  }
}

TEST(Config, FailedLoginDelays) {
  auto path = write_temp("[auth]\nfailure_delay_ms = 50\nfailure_delay_max_ms = 2000\nfailure_window_seconds = 60\n");
  auto c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->failure_delay_ms, 50u);
  EXPECT_EQ(c->failure_delay_max_ms, 2000u);
  EXPECT_EQ(c->failure_window_seconds, 60u);
  std::remove(path.c_str());

  path = write_temp("[auth]\nfailure_delay_ms = 500\nfailure_delay_max_ms = 100\n");
  c = load(path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find("auth.failure_delay_max_ms: must be at least auth.failure_delay_ms"), std::string::npos);
  std::remove(path.c_str());
}

TEST(Config, PasswordHashingKeys) {
  auto path = write_temp("");
  auto c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_TRUE(c->rehash);
  EXPECT_EQ(c->hash_threads, 0u);
  EXPECT_GE(c->hash_thread_count(), 1u);
  EXPECT_LE(c->hash_thread_count(), 4u);
  std::remove(path.c_str());

  path = write_temp("[auth]\nrehash = false\nhash_threads = 3\n");
  c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_FALSE(c->rehash);
  EXPECT_EQ(c->hash_thread_count(), 3u);
  std::remove(path.c_str());

  path = write_temp("[auth]\nrehash = \"yes\"\n");
  c = load(path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find("auth.rehash: must be true or false"), std::string::npos) << c.error().text;
  std::remove(path.c_str());

  path = write_temp("[auth]\nhash_threads = 9\n");
  c = load(path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find("auth.hash_threads: must be 0..8"), std::string::npos) << c.error().text;
  std::remove(path.c_str());
}

TEST(Config, VerifiedPasswordCacheKeys) {
  auto path = write_temp("");
  auto c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->cache_entries, 100000u);
  EXPECT_EQ(c->cache_ttl_seconds, 3600u);
  std::remove(path.c_str());

  path = write_temp("[auth]\ncache_entries = 0\ncache_ttl_seconds = 60\n");
  c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_EQ(c->cache_entries, 0u);
  EXPECT_EQ(c->cache_ttl_seconds, 60u);
  std::remove(path.c_str());

  path = write_temp("[auth]\ncache_entries = 10000001\n");
  c = load(path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find("auth.cache_entries: must be 0..10000000"), std::string::npos) << c.error().text;
  std::remove(path.c_str());

  path = write_temp("[auth]\ncache_ttl_seconds = 0\n");
  c = load(path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find("auth.cache_ttl_seconds: must be 1..604800"), std::string::npos) << c.error().text;
  std::remove(path.c_str());
}

TEST(Config, Mailboxes) {
  // The default: the five RFC 6154 mailboxes, created and subscribed.
  auto path = write_temp("");
  auto c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  ASSERT_EQ(c->mailboxes.size(), 5u);
  EXPECT_EQ(c->mailboxes[1], (MailboxTemplate{"Sent", "\\Sent", MailboxTemplate::Auto::subscribe}));
  std::remove(path.c_str());

  path = write_temp(
      "[[mailboxes]]\nname = \"Sent Items\"\nspecial_use = \"\\\\Sent\"\nauto = \"create\"\n"
      "[[mailboxes]]\nname = \"Spam\"\nspecial_use = \"\\\\Junk\"\nauto = \"no\"\n"
      "[[mailboxes]]\nname = \"Lists/Pillarbox\"\n");
  c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  ASSERT_EQ(c->mailboxes.size(), 3u);
  EXPECT_EQ(c->mailboxes[0], (MailboxTemplate{"Sent Items", "\\Sent", MailboxTemplate::Auto::create}));
  EXPECT_EQ(c->mailboxes[1], (MailboxTemplate{"Spam", "\\Junk", MailboxTemplate::Auto::no}));
  EXPECT_EQ(c->mailboxes[2], (MailboxTemplate{"Lists/Pillarbox", "", MailboxTemplate::Auto::subscribe}));
  std::remove(path.c_str());

  // UTF-8 names are kept in modified UTF-7 (RFC 3501 §5.1.3), as IMAP names are; ASCII names
  // are modified UTF-7 as written.
  path = write_temp("[[mailboxes]]\nname = \"Entw\u00FCrfe\"\nspecial_use = \"\\\\Drafts\"\n"
                    "[[mailboxes]]\nname = \"Archiv/F&E \u00C4lter\"\n[[mailboxes]]\nname = \"Gel&APY-scht\"\n");
  c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  ASSERT_EQ(c->mailboxes.size(), 3u);
  EXPECT_EQ(c->mailboxes[0].name, "Entw&APw-rfe");
  EXPECT_EQ(c->mailboxes[1].name, "Archiv/F&-E &AMQ-lter");
  EXPECT_EQ(c->mailboxes[2].name, "Gel&APY-scht");
  std::remove(path.c_str());

  // An empty array: new accounts get only INBOX.
  path = write_temp("mailboxes = []\n");
  c = load(path);
  ASSERT_TRUE(c.ok()) << c.error().text;
  EXPECT_TRUE(c->mailboxes.empty());
  std::remove(path.c_str());

  const std::pair<const char*, const char*> bad[] = {
      {"[[mailboxes]]\nname = \"X\"\nauto = \"yes\"\n", "mailboxes[0].auto"},
      {"[[mailboxes]]\nname = \"X\"\nspecial_use = \"\\\\Important\"\n", "mailboxes[0].special_use"},
      {"[[mailboxes]]\nname = \"X\"\nspecial_use = \"\\\\Sent\"\n[[mailboxes]]\nname = \"Y\"\nspecial_use = \"\\\\Sent\"\n",
       "mailboxes[1].special_use"},
      {"[[mailboxes]]\nname = \"X\"\n[[mailboxes]]\nname = \"X\"\n", "mailboxes[1].name"},
      {"[[mailboxes]]\nname = \"inbox\"\n", "mailboxes[0].name"},
      {"[[mailboxes]]\nname = \"a//b\"\n", "mailboxes[0].name"},
      {"[[mailboxes]]\nspecial_use = \"\\\\Sent\"\n", "mailboxes[0].name"},
      {"[[mailboxes]]\nname = \"X\"\ncolour = \"red\"\n", "mailboxes[0].colour: unknown key"},
      {"[[mailboxes]]\nname = 3\n", "mailboxes[0].name: must be a string"},
      {"mailboxes = \"Sent\"\n", "mailboxes: must be an array of tables"},
      // The rules of IMAP CREATE: modified UTF-7, length, wildcards, namespaces.
      {"[[mailboxes]]\nname = \"R&D\"\n", "mailboxes[0].name"},
      {"[[mailboxes]]\nname = \"a*\"\n", "mailboxes[0].name"},
      {"[[mailboxes]]\nname = \"x\\u0001y\"\n", "mailboxes[0].name"},
      {"[[mailboxes]]\nname = \"Other users/x\"\n", "mailboxes[0].name"},
      {"[[mailboxes]]\nname = \"public folders\"\n", "mailboxes[0].name"},
      {"[[mailboxes]]\nname = \"Public Folders/News\"\n", "mailboxes[0].name"},
      {"[[mailboxes]]\nname = \"Stra\\u00DFe\"\n[[mailboxes]]\nname = \"Stra&AN8-e\"\n", "mailboxes[1].name"},
      // Virtual mailboxes, which CREATE refuses as well (RFC 6154 §2).
      {"[[mailboxes]]\nname = \"All Mail\"\nspecial_use = \"\\\\All\"\n", "mailboxes[0].special_use"},
      {"[[mailboxes]]\nname = \"Starred\"\nspecial_use = \"\\\\Flagged\"\n", "mailboxes[0].special_use"},
  };
  // Over 1000 octets, as CREATE refuses.
  const std::string long_name = "[[mailboxes]]\nname = \"" + std::string(1001, 'a') + "\"\n";
  path = write_temp(long_name);
  c = load(path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find("mailboxes[0].name"), std::string::npos) << c.error().text;
  std::remove(path.c_str());

  for (const auto& [text, key] : bad) {
    path = write_temp(text);
    c = load(path);
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_NE(c.error().text.find(key), std::string::npos) << c.error().text;
    std::remove(path.c_str());
  }
}

TEST(Config, Endpoints) {
  auto ep = parse_endpoint("[::1]:993");
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->host, "::1");
  EXPECT_EQ(ep->port, 993);
  EXPECT_FALSE(parse_endpoint("localhost").ok());
  EXPECT_FALSE(parse_endpoint("a:99999").ok());
  EXPECT_FALSE(parse_endpoint("a:1x").ok());
}

}  // namespace
}  // namespace pillarbox::config
