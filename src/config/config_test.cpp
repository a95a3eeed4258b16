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

  path = write_temp("[imap\nlisten=1");
  c = load(path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().text.find(path), std::string::npos);
  std::remove(path.c_str());
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
  };
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
