#include "admin/demo.h"

#include "admin/provision.h"

#include <fmt/format.h>

#include <ctime>
#include <random>

#include "auth/password.h"
#include "auth/scram.h"

namespace pillarbox::admin {
namespace {

constexpr const char* kAddress = "demo@example.org";

std::string random_password() {
  static constexpr char kAlphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::random_device rd;
  std::string out;
  for (int i = 0; i < 16; ++i) out += kAlphabet[rd() % (sizeof kAlphabet - 1)];
  return out;
}

std::string rfc5322_date(std::time_t t) {
  char buf[64];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::vector<std::string> welcome_messages() {
  std::time_t now = std::time(nullptr);
  std::string date = rfc5322_date(now);
  std::vector<std::string> out;
  out.push_back(fmt::format(
      "From: Pillarbox <postmaster@example.org>\r\nTo: Demo User <{0}>\r\nSubject: Welcome to Pillarbox\r\n"
      "Date: {1}\r\nMessage-ID: <welcome-1@example.org>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
      "Hello!\r\n\r\nThis mailbox is served by Pillarbox. Point any IMAP client at 127.0.0.1,\r\n"
      "port 1143 with STARTTLS or port 1993 with TLS (the certificate is self-signed),\r\n"
      "and log in as {0} with the password printed at start-up.\r\n",
      kAddress, date));
  out.push_back(fmt::format(
      "From: Pillarbox <postmaster@example.org>\r\nTo: {0}\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe_and_a_file?=\r\n"
      "Date: {1}\r\nMessage-ID: <welcome-2@example.org>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"pb-demo\"\r\n\r\n"
      "--pb-demo\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
      "A message with an attachment, to try FETCH BODYSTRUCTURE and BODY[2].\r\n"
      "--pb-demo\r\nContent-Type: text/plain; name=\"notes.txt\"\r\n"
      "Content-Disposition: attachment; filename=\"notes.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      "UGlsbGFyYm94IGtlZXBzIGV2ZXJ5IGJ5dGUu\r\n"
      "--pb-demo--\r\n",
      kAddress, date));
  out.push_back(fmt::format(
      "From: Pillarbox <postmaster@example.org>\r\nTo: {0}\r\nSubject: Searching\r\n"
      "Date: {1}\r\nMessage-ID: <welcome-3@example.org>\r\n\r\n"
      "Try SEARCH TEXT pillarbox or SEARCH FROM postmaster.\r\n",
      kAddress, date));
  return out;
}

}  // namespace

Result<std::pair<std::string, std::string>> prepare_demo(store::MailStore& store,
                                                         const std::vector<config::MailboxTemplate>& mailboxes) {
  std::string password = random_password();
  auto hash = auth::hash_password(password);
  if (!hash) return hash.error();
  auto& dir = store.directory();
  auto account = dir.find_account(kAddress);
  if (!account) {
    auto id = dir.add_account(kAddress, *hash);
    if (!id) return id.error();
    if (auto s = provision_mailboxes(store, *id, mailboxes); !s) return s.error();
    account = dir.find_account(kAddress);
    if (!account) return account.error();
  } else if (auto s = dir.set_password_hash(kAddress, *hash); !s) {
    return s.error();
  }
  // The demo account can log in with SCRAM-SHA-256 too; a random password always passes SASLprep.
  if (auto secret = auth::scram::make_secret(password); secret.ok()) {
    if (auto s = dir.set_scram_secret(kAddress, auth::scram::format_secret(*secret)); !s) return s.error();
  }
  auto inbox = store.get_mailbox(account->id, "INBOX");
  if (!inbox) return inbox.error();
  if (inbox->messages == 0) {
    std::vector<store::AppendRequest> batch;
    for (auto& m : welcome_messages()) {
      store::AppendRequest r;
      r.content = std::move(m);
      batch.push_back(std::move(r));
    }
    auto done = store.append(inbox->id, std::move(batch));
    if (!done) return done.error();
  }
  return std::make_pair(std::string(kAddress), password);
}

}  // namespace pillarbox::admin
