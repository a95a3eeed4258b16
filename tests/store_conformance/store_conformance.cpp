// The MailStore conformance suite: every verb of the storage interface, written against the
// interface only (conformance.h explains how a backend runs it).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "base/ascii.h"
#include "conformance.h"
#include "mail/message.h"
#include "store/search_eval.h"

namespace pillarbox::store::conformance {

using namespace std::chrono;

// --- fixture and helpers ---------------------------------------------------------------------

void StoreConformance::SetUp() {
  backend_ = GetParam().make();
  reopen();
  account_ = must(store_->directory().add_account("User@Example.COM", "$argon2id$dummy"));
}

void StoreConformance::TearDown() { store_.reset(); }

void StoreConformance::reopen() {
  store_.reset();
  store_ = must(backend_->open());
}

std::vector<Uid> StoreConformance::append(MailboxId mailbox,
                                          const std::vector<std::string>& contents,
                                          const Flags& flags) {
  std::vector<AppendRequest> reqs;
  for (const auto& c : contents) {
    AppendRequest r;
    r.content = c;
    r.flags = flags;
    reqs.push_back(std::move(r));
  }
  return must(store_->append(mailbox, std::move(reqs))).uids;
}

std::string make_message(const std::string& subject, const std::string& body,
                         const std::string& from, const std::string& date,
                         const std::string& extra_headers) {
  return "From: " + from + "\r\nTo: Bob <bob@example.org>\r\nSubject: " + subject +
         "\r\nDate: " + date + "\r\nMessage-ID: <" + std::to_string(std::hash<std::string>{}(subject + body)) +
         "@example.com>\r\n" + extra_headers + "\r\n" + body;
}

Flags flags_of(std::uint32_t system, std::vector<std::string> keywords) {
  Flags f;
  f.system = system;
  for (const auto& k : keywords) f.add_keyword(k);
  return f;
}

UidSet uid_set(std::initializer_list<UidSet::Range> ranges) {
  UidSet s;
  for (const auto& r : ranges) s.add(r.first, r.last);
  return s;
}

namespace {

UidSet all_uids() { return uid_set({{1, 0xffffffffu}}); }

std::vector<Uid> uids_of(const std::vector<MessageMeta>& metas) {
  std::vector<Uid> out;
  for (const auto& m : metas) out.push_back(m.uid);
  return out;
}

std::int64_t day(int y, unsigned m, unsigned d) {
  return sys_days{year{y} / month{m} / std::chrono::day{d}}.time_since_epoch().count();
}

std::int64_t epoch(int y, unsigned m, unsigned d, int hh, int mm) {
  return day(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

SearchKey key(SearchKey::Kind kind) {
  SearchKey k;
  k.kind = kind;
  return k;
}
SearchKey key_num(SearchKey::Kind kind, std::int64_t n) {
  SearchKey k = key(kind);
  k.number = n;
  return k;
}
SearchKey key_str(SearchKey::Kind kind, std::string value, std::string field = {}) {
  SearchKey k = key(kind);
  k.value = std::move(value);
  k.field = std::move(field);
  return k;
}
SearchKey key_of(SearchKey::Kind kind, std::vector<SearchKey> children) {
  SearchKey k = key(kind);
  k.children = std::move(children);
  return k;
}

}  // namespace

// --- Directory -------------------------------------------------------------------------------

TEST_P(StoreConformance, AccountsAreCaseInsensitiveAndLowerCase) {
  Directory& dir = store().directory();
  auto a = must(dir.find_account("user@example.com"));
  EXPECT_EQ(a.id, account());
  EXPECT_EQ(a.address, "user@example.com");
  EXPECT_EQ(a.password_hash, "$argon2id$dummy");
  EXPECT_EQ(must(dir.find_account("USER@EXAMPLE.COM")).id, account());

  auto dup = dir.add_account("user@EXAMPLE.com", "x");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::already_exists);

  auto missing = dir.find_account("nobody@example.com");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::not_found);

  must(dir.add_account("aaa@example.com", "h1"));
  auto all = must(dir.list_accounts());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].address, "aaa@example.com");
  EXPECT_EQ(all[1].address, "user@example.com");

  must(dir.set_password_hash("AAA@example.com", "h2"));
  EXPECT_EQ(must(dir.find_account("aaa@example.com")).password_hash, "h2");
  auto s = dir.set_password_hash("nobody@example.com", "h");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::not_found);
}

TEST_P(StoreConformance, ScramSecretIsKeptAndClearedByANewPassword) {
  Directory& dir = store().directory();
  EXPECT_EQ(must(dir.find_account("user@example.com")).scram_secret, "");
  const std::string secret = "{SCRAM-SHA-256}4096,c2FsdA==,c3RvcmVk,c2VydmVy";
  must(dir.set_scram_secret("USER@example.com", secret));
  EXPECT_EQ(must(dir.find_account("user@example.com")).scram_secret, secret);
  EXPECT_EQ(must(dir.list_accounts()).front().scram_secret, secret);
  must(dir.add_alias("u", "user@example.com"));
  EXPECT_EQ(must(dir.resolve_alias("u")).front().scram_secret, secret);
  // Keys of the old password must not let anyone in after the password changed.
  must(dir.set_password_hash("user@example.com", "$argon2id$other"));
  EXPECT_EQ(must(dir.find_account("user@example.com")).scram_secret, "");
  auto s = dir.set_scram_secret("nobody@example.com", secret);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::not_found);
}

TEST_P(StoreConformance, AddAccountCreatesInbox) {
  auto boxes = must(store().list_mailboxes(account()));
  ASSERT_EQ(boxes.size(), 1u);
  EXPECT_EQ(boxes[0].name, "INBOX");
  EXPECT_EQ(boxes[0].messages, 0u);
  EXPECT_EQ(boxes[0].uid_next, 1u);
  EXPECT_GT(boxes[0].uid_validity, 0u);
  EXPECT_GE(boxes[0].highest_modseq, 1u);
}

TEST_P(StoreConformance, DeleteAccountRemovesEverything) {
  Directory& dir = store().directory();
  AccountId other = must(dir.add_account("other@example.com", "h"));
  MailboxId inbox = must(store().get_mailbox(other, "INBOX")).id;
  must(store().create_mailbox(other, "Archive"));
  append(inbox, {make_message("a", "body a\r\n")});
  // Copy into this test's own account shares the content; it must survive the deletion.
  MailboxId mine = mailbox_id("INBOX");
  must(store().copy(inbox, all_uids(), mine));

  must(dir.delete_account("OTHER@example.com"));
  EXPECT_EQ(dir.find_account("other@example.com").error().code, Errc::not_found);
  EXPECT_EQ(store().list_messages(inbox).error().code, Errc::not_found);
  EXPECT_TRUE(must(store().list_mailboxes(other)).empty());
  EXPECT_EQ(dir.delete_account("other@example.com").error().code, Errc::not_found);

  auto f = must(store().fetch(mine, all_uids(), FetchNeeds{.content = true}));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(*f[0].content, make_message("a", "body a\r\n"));
  // The address can be used again and gets a fresh INBOX.
  AccountId again = must(dir.add_account("other@example.com", "h"));
  EXPECT_EQ(must(store().get_mailbox(again, "INBOX")).messages, 0u);
}

TEST_P(StoreConformance, DomainsHoldAccounts) {
  Directory& dir = store().directory();
  // add_account created the fixture account's domain.
  auto domains = must(dir.list_domains());
  ASSERT_EQ(domains.size(), 1u);
  EXPECT_EQ(domains[0].name, "example.com");
  EXPECT_EQ(domains[0].accounts, 1u);

  must(dir.add_domain("Site2.Example"));
  EXPECT_EQ(dir.add_domain("site2.example").error().code, Errc::already_exists);
  EXPECT_EQ(dir.add_domain("").error().code, Errc::invalid);
  must(dir.add_account("a@site2.example", "h"));
  must(dir.add_account("b@site2.example", "h"));
  domains = must(dir.list_domains());
  ASSERT_EQ(domains.size(), 2u);
  EXPECT_EQ(domains[1].name, "site2.example");
  EXPECT_EQ(domains[1].accounts, 2u);

  auto busy = dir.delete_domain("SITE2.example");
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, Errc::in_use);
  must(dir.delete_account("a@site2.example"));
  must(dir.delete_account("b@site2.example"));
  must(dir.delete_domain("site2.example"));
  EXPECT_EQ(dir.delete_domain("site2.example").error().code, Errc::not_found);
  EXPECT_EQ(must(dir.list_domains()).size(), 1u);
}

TEST_P(StoreConformance, AliasesMapToOneOrSeveralAccounts) {
  Directory& dir = store().directory();
  must(dir.add_account("user@site2.example", "h"));
  must(dir.add_alias("Sales@Example.com", "USER@example.com"));
  must(dir.add_alias("user", "user@example.com"));
  must(dir.add_alias("user", "user@site2.example"));

  auto sales = must(dir.resolve_alias("sales@EXAMPLE.com"));
  ASSERT_EQ(sales.size(), 1u);
  EXPECT_EQ(sales[0].id, account());
  auto both = must(dir.resolve_alias("USER"));
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].address, "user@example.com");
  EXPECT_EQ(both[1].address, "user@site2.example");
  EXPECT_TRUE(must(dir.resolve_alias("nobody")).empty());

  EXPECT_EQ(dir.add_alias("user", "user@example.com").error().code, Errc::already_exists);
  EXPECT_EQ(dir.add_alias("user@site2.example", "user@example.com").error().code, Errc::already_exists);
  EXPECT_EQ(dir.add_alias("x", "nobody@example.com").error().code, Errc::not_found);
  EXPECT_EQ(dir.add_alias("", "user@example.com").error().code, Errc::invalid);

  auto all = must(dir.list_aliases());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].alias, "sales@example.com");
  EXPECT_EQ(all[0].address, "user@example.com");
  EXPECT_EQ(all[1].alias, "user");
  EXPECT_EQ(all[2].address, "user@site2.example");

  must(dir.delete_alias("USER", "user@site2.example"));
  EXPECT_EQ(must(dir.resolve_alias("user")).size(), 1u);
  EXPECT_EQ(dir.delete_alias("user", "user@site2.example").error().code, Errc::not_found);
  // Deleting an account removes its aliases.
  must(dir.delete_account("user@example.com"));
  EXPECT_TRUE(must(dir.resolve_alias("user")).empty());
  EXPECT_TRUE(must(dir.list_aliases()).empty());
  if (backend_->persistent()) {
    must(dir.add_alias("user", "user@site2.example"));
    reopen();
    EXPECT_EQ(must(store().directory().resolve_alias("user")).size(), 1u);
  }
}

// --- Mailboxes -------------------------------------------------------------------------------

TEST_P(StoreConformance, CreateAndGetMailbox) {
  auto info = must(store().create_mailbox(account(), "Work/Reports"));
  EXPECT_EQ(info.name, "Work/Reports");
  EXPECT_EQ(info.uid_next, 1u);
  EXPECT_EQ(info.messages, 0u);
  EXPECT_GT(info.uid_validity, 0u);
  EXPECT_EQ(must(store().get_mailbox(account(), "Work/Reports")).id, info.id);

  auto dup = store().create_mailbox(account(), "Work/Reports");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::already_exists);
  auto inbox = store().create_mailbox(account(), "inbox");
  ASSERT_FALSE(inbox.ok());
  EXPECT_EQ(inbox.error().code, Errc::already_exists);

  // Names other than INBOX are case-sensitive.
  must(store().create_mailbox(account(), "work/reports"));
  // INBOX is matched case-insensitively.
  EXPECT_EQ(must(store().get_mailbox(account(), "iNbOx")).name, "INBOX");

  auto missing = store().get_mailbox(account(), "Nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::not_found);

  auto all = must(store().list_mailboxes(account()));
  std::vector<std::string> names;
  for (const auto& m : all) names.push_back(m.name);
  EXPECT_EQ(names, (std::vector<std::string>{"INBOX", "Work/Reports", "work/reports"}));
}

TEST_P(StoreConformance, MailboxesAreSeparatePerAccount) {
  AccountId other = must(store().directory().add_account("other@example.com", "h"));
  must(store().create_mailbox(account(), "Private"));
  EXPECT_EQ(store().get_mailbox(other, "Private").error().code, Errc::not_found);
  must(store().create_mailbox(other, "Private"));
  EXPECT_NE(mailbox_id("Private"), must(store().get_mailbox(other, "Private")).id);
}

// A client may send any bytes as a mailbox name (a raw 8-bit literal); the IMAP layer refuses
// to create such names, so looking one up finds nothing (and is no storage error).
TEST_P(StoreConformance, NamesThatAreNotUtf8AreNotFound) {
  must(store().create_mailbox(account(), "Entw\xc3\xbcrfe"));
  for (const std::string& name : {std::string("Entw\xfcrfe"), std::string("Entw\0rfe", 8)}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(store().get_mailbox(account(), name).error().code, Errc::not_found);
    EXPECT_EQ(store().delete_mailbox(account(), name).error().code, Errc::not_found);
    EXPECT_EQ(store().rename_mailbox(account(), name, "Other").error().code, Errc::not_found);
  }
  EXPECT_TRUE(store().get_mailbox(account(), "Entw\xc3\xbcrfe").ok());
}

TEST_P(StoreConformance, UidValidityDistinctPersistentAndNewOnRecreate) {
  auto a = must(store().create_mailbox(account(), "A"));
  auto b = must(store().create_mailbox(account(), "B"));
  EXPECT_NE(a.uid_validity, b.uid_validity);
  EXPECT_NE(a.uid_validity, mailbox("INBOX").uid_validity);
  if (backend_->persistent()) {
    reopen();
    EXPECT_EQ(mailbox("A").uid_validity, a.uid_validity);
    EXPECT_EQ(mailbox("B").uid_validity, b.uid_validity);
  }
  append(mailbox_id("A"), {make_message("x", "x\r\n")});
  must(store().delete_mailbox(account(), "A"));
  if (backend_->persistent()) reopen();
  auto a2 = must(store().create_mailbox(account(), "A"));
  EXPECT_NE(a2.uid_validity, a.uid_validity);
  EXPECT_NE(a2.uid_validity, b.uid_validity);
  EXPECT_EQ(a2.uid_next, 1u);
  EXPECT_EQ(a2.messages, 0u);
}

TEST_P(StoreConformance, DeleteMailbox) {
  auto del_inbox = store().delete_mailbox(account(), "inbox");
  ASSERT_FALSE(del_inbox.ok());
  EXPECT_EQ(del_inbox.error().code, Errc::no_perm);
  auto missing = store().delete_mailbox(account(), "Nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::not_found);

  MailboxId trash = must(store().create_mailbox(account(), "Trash")).id;
  append(trash, {make_message("a", "a\r\n"), make_message("b", "b\r\n")});
  // A copy elsewhere shares the bytes; deleting Trash must not break it.
  must(store().copy(trash, uid_set({{1, 1}}), mailbox_id("INBOX")));
  must(store().delete_mailbox(account(), "Trash"));
  EXPECT_EQ(store().get_mailbox(account(), "Trash").error().code, Errc::not_found);
  EXPECT_EQ(store().list_messages(trash).error().code, Errc::not_found);
  auto f = must(store().fetch(mailbox_id("INBOX"), all_uids(), FetchNeeds{.content = true}));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(*f[0].content, make_message("a", "a\r\n"));
}

TEST_P(StoreConformance, RenameMailbox) {
  auto work = must(store().create_mailbox(account(), "Work"));
  append(work.id, {make_message("w", "w\r\n")}, flags_of(kSeen, {"$Label1"}));
  must(store().create_mailbox(account(), "Other"));

  auto exists = store().rename_mailbox(account(), "Work", "Other");
  ASSERT_FALSE(exists.ok());
  EXPECT_EQ(exists.error().code, Errc::already_exists);
  auto to_inbox = store().rename_mailbox(account(), "Work", "inbox");
  ASSERT_FALSE(to_inbox.ok());
  EXPECT_EQ(to_inbox.error().code, Errc::already_exists);
  auto missing = store().rename_mailbox(account(), "Nope", "Nope2");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::not_found);

  must(store().rename_mailbox(account(), "Work", "Jobs"));
  EXPECT_EQ(store().get_mailbox(account(), "Work").error().code, Errc::not_found);
  auto jobs = mailbox("Jobs");
  EXPECT_EQ(jobs.id, work.id);
  EXPECT_EQ(jobs.uid_validity, work.uid_validity);
  EXPECT_EQ(jobs.messages, 1u);
  auto metas = must(store().list_messages(jobs.id));
  ASSERT_EQ(metas.size(), 1u);
  EXPECT_EQ(metas[0].flags, flags_of(kSeen, {"$Label1"}));
  // The old name can be created again and gets a different UIDVALIDITY.
  auto work2 = must(store().create_mailbox(account(), "Work"));
  EXPECT_NE(work2.uid_validity, work.uid_validity);
}

TEST_P(StoreConformance, RenameInboxMovesMessagesAndLeavesInboxEmpty) {
  MailboxId inbox = mailbox_id("INBOX");
  auto before = mailbox("INBOX");
  append(inbox, {make_message("1", "one\r\n"), make_message("2", "two\r\n"),
                 make_message("3", "three\r\n")});
  must(store().store_flags(inbox, uid_set({{2, 2}}), StoreMode::add, flags_of(kFlagged, {"Work"})));
  must(store().expunge(inbox, std::nullopt));  // nothing \Deleted: no-op
  auto in_before = mailbox("INBOX");

  must(store().rename_mailbox(account(), "INBOX", "Old Mail"));
  auto in_after = mailbox("INBOX");
  EXPECT_EQ(in_after.id, inbox);
  EXPECT_EQ(in_after.uid_validity, before.uid_validity);
  EXPECT_EQ(in_after.messages, 0u);
  EXPECT_GE(in_after.uid_next, in_before.uid_next);  // never decreases
  EXPECT_GT(in_after.highest_modseq, in_before.highest_modseq);
  EXPECT_TRUE(must(store().list_messages(inbox)).empty());
  auto ch = must(store().changes_since(inbox, in_before.highest_modseq));
  EXPECT_EQ(ch.expunged, (std::vector<Uid>{1, 2, 3}));

  auto old = mailbox("Old Mail");
  EXPECT_NE(old.id, inbox);
  EXPECT_NE(old.uid_validity, in_after.uid_validity);
  EXPECT_EQ(old.messages, 3u);
  auto f = must(store().fetch(old.id, all_uids(), FetchNeeds{.content = true}));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(*f[1].content, make_message("2", "two\r\n"));
  EXPECT_EQ(f[1].meta.flags, flags_of(kFlagged, {"Work"}));
  EXPECT_GE(old.uid_next, 4u);
  for (std::size_t i = 0; i + 1 < f.size(); ++i) EXPECT_LT(f[i].meta.uid, f[i + 1].meta.uid);

  // New mail still goes to INBOX with UIDs above the old ones.
  auto uids = append(inbox, {make_message("4", "four\r\n")});
  EXPECT_GE(uids[0], in_before.uid_next);

  // Renaming INBOX onto an existing name fails.
  auto again = store().rename_mailbox(account(), "INBOX", "Old Mail");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::already_exists);
  EXPECT_EQ(mailbox("INBOX").messages, 1u);
}

TEST_P(StoreConformance, Subscriptions) {
  must(store().create_mailbox(account(), "Lists"));
  must(store().set_subscribed(account(), "Lists", true));
  must(store().set_subscribed(account(), "Does/Not/Exist", true));
  must(store().set_subscribed(account(), "inbox", true));
  must(store().set_subscribed(account(), "Lists", true));  // twice is fine
  EXPECT_EQ(must(store().list_subscriptions(account())),
            (std::vector<std::string>{"Does/Not/Exist", "INBOX", "Lists"}));
  EXPECT_TRUE(mailbox("Lists").subscribed);
  EXPECT_TRUE(mailbox("INBOX").subscribed);
  must(store().set_subscribed(account(), "Lists", false));
  must(store().set_subscribed(account(), "Never", false));
  EXPECT_FALSE(mailbox("Lists").subscribed);
  EXPECT_EQ(must(store().list_subscriptions(account())),
            (std::vector<std::string>{"Does/Not/Exist", "INBOX"}));
  AccountId other = must(store().directory().add_account("other@example.com", "h"));
  EXPECT_TRUE(must(store().list_subscriptions(other)).empty());
  if (backend_->persistent()) {
    reopen();
    EXPECT_EQ(must(store().list_subscriptions(account())).size(), 2u);
  }
}

TEST_P(StoreConformance, SpecialUseIsKeptOncePerAccount) {
  auto sent = must(store().create_mailbox(account(), "Sent", "\\Sent"));
  EXPECT_EQ(sent.special_use, "\\Sent");
  EXPECT_EQ(mailbox("Sent").special_use, "\\Sent");
  EXPECT_EQ(mailbox("INBOX").special_use, "");
  // A second mailbox with the same use is refused and not created.
  auto twice = store().create_mailbox(account(), "Sent Items", "\\Sent");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, Errc::in_use);
  EXPECT_EQ(store().get_mailbox(account(), "Sent Items").error().code, Errc::not_found);
  // Another account may use it.
  AccountId other = must(store().directory().add_account("other@example.com", "h"));
  must(store().create_mailbox(other, "Gesendet", "\\Sent"));
  // set_special_use moves it only after the first holder lets go; setting it again is fine.
  auto work = must(store().create_mailbox(account(), "Work"));
  EXPECT_EQ(store().set_special_use(work.id, "\\Sent").error().code, Errc::in_use);
  must(store().set_special_use(sent.id, "\\Sent"));
  must(store().set_special_use(sent.id, ""));
  must(store().set_special_use(work.id, "\\Sent"));
  EXPECT_EQ(mailbox("Work").special_use, "\\Sent");
  EXPECT_EQ(mailbox("Sent").special_use, "");
  // RENAME keeps it (same mailbox); DELETE drops it, so the use is free again.
  must(store().rename_mailbox(account(), "Work", "Outbox/Sent"));
  EXPECT_EQ(mailbox("Outbox/Sent").special_use, "\\Sent");
  auto all = must(store().list_mailboxes(account()));
  int with_use = 0;
  for (const auto& m : all) with_use += m.special_use.empty() ? 0 : 1;
  EXPECT_EQ(with_use, 1);
  must(store().delete_mailbox(account(), "Outbox/Sent"));
  must(store().create_mailbox(account(), "Sent Items", "\\Sent"));
  EXPECT_EQ(store().set_special_use(999999, "\\Junk").error().code, Errc::not_found);
  if (backend_->persistent()) {
    reopen();
    EXPECT_EQ(mailbox("Sent Items").special_use, "\\Sent");
  }
}

TEST_P(StoreConformance, CreateMailboxPathIsAllOrNothing) {
  // Missing superiors are made with the mailbox, superiors first; existing ones are kept.
  must(store().create_mailbox(account(), "A"));
  auto made = must(store().create_mailbox_path(account(), "A/B/C/Sent", "\\Sent"));
  ASSERT_EQ(made.size(), 3u);
  EXPECT_EQ(made[0].name, "A/B");
  EXPECT_EQ(made[1].name, "A/B/C");
  EXPECT_EQ(made[2].name, "A/B/C/Sent");
  EXPECT_EQ(made[2].special_use, "\\Sent");
  EXPECT_EQ(mailbox("A/B/C/Sent").special_use, "\\Sent");
  EXPECT_EQ(mailbox("A/B").special_use, "");
  // A use another mailbox has: nothing is made, no superior either (RFC 6154 §3).
  auto taken = store().create_mailbox_path(account(), "X/Y/Sent Items", "\\Sent");
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, Errc::in_use);
  EXPECT_EQ(store().get_mailbox(account(), "X").error().code, Errc::not_found);
  EXPECT_EQ(store().get_mailbox(account(), "X/Y").error().code, Errc::not_found);
  // An existing name: already_exists, nothing made.
  auto again = store().create_mailbox_path(account(), "A/B/C/Sent", "");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::already_exists);
  // Below INBOX, which exists: no superior is made.
  made = must(store().create_mailbox_path(account(), "INBOX/Lists", ""));
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(made[0].name, "INBOX/Lists");
  // A name without levels is one mailbox; a missing account makes nothing.
  EXPECT_EQ(must(store().create_mailbox_path(account(), "Plain", "\\Junk")).size(), 1u);
  EXPECT_EQ(store().create_mailbox_path(999999, "Z/Z", "").error().code, Errc::not_found);
  // Two racing for one use: exactly one wins, and the loser's superiors are not made.
  std::vector<std::thread> racers;
  std::atomic<int> wins = 0;
  for (int i = 0; i < 4; ++i) {
    racers.emplace_back([this, i, &wins] {
      auto r = store().create_mailbox_path(account(), "R" + std::to_string(i) + "/Drafts", "\\Drafts");
      if (r.ok()) ++wins;
    });
  }
  for (auto& t : racers) t.join();
  EXPECT_EQ(wins.load(), 1);
  int made_roots = 0;
  for (int i = 0; i < 4; ++i) made_roots += store().get_mailbox(account(), "R" + std::to_string(i)).ok() ? 1 : 0;
  EXPECT_EQ(made_roots, 1);
}

// --- Append, fetch ---------------------------------------------------------------------------

TEST_P(StoreConformance, AppendAssignsAscendingUids) {
  MailboxId inbox = mailbox_id("INBOX");
  auto info = mailbox("INBOX");
  std::vector<AppendRequest> reqs(3);
  for (int i = 0; i < 3; ++i) reqs[i].content = make_message("m" + std::to_string(i), "x\r\n");
  reqs[1].flags = flags_of(kSeen | kDraft, {"Important", "$Forwarded"});
  reqs[2].internal_date = epoch(2020, 2, 29, 12, 0);
  reqs[2].internal_date_tz = -300;
  auto r = must(store().append(inbox, std::move(reqs)));
  EXPECT_EQ(r.uid_validity, info.uid_validity);
  EXPECT_EQ(r.uids, (std::vector<Uid>{1, 2, 3}));
  auto after = mailbox("INBOX");
  EXPECT_EQ(after.uid_next, 4u);
  EXPECT_EQ(after.messages, 3u);
  EXPECT_EQ(after.unseen, 2u);
  EXPECT_GT(after.highest_modseq, info.highest_modseq);
  auto metas = must(store().list_messages(inbox));
  ASSERT_EQ(metas.size(), 3u);
  EXPECT_EQ(metas[1].flags, flags_of(kSeen | kDraft, {"$Forwarded", "Important"}));
  EXPECT_EQ(metas[2].internal_date, epoch(2020, 2, 29, 12, 0));
  EXPECT_EQ(metas[2].internal_date_tz, -300);
  const auto now = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(static_cast<double>(metas[0].internal_date), static_cast<double>(now), 120.0);
  for (const auto& m : metas) {
    EXPECT_LE(m.modseq, after.highest_modseq);
    EXPECT_GT(m.modseq, info.highest_modseq);
  }
  auto kw = after.keywords;
  EXPECT_EQ(kw, (std::vector<std::string>{"$Forwarded", "Important"}));
  auto more = append(inbox, {make_message("m3", "y\r\n")});
  EXPECT_EQ(more, (std::vector<Uid>{4}));
}

TEST_P(StoreConformance, AppendToMissingMailboxWritesNothing) {
  MailboxId gone = must(store().create_mailbox(account(), "Gone")).id;
  must(store().delete_mailbox(account(), "Gone"));
  std::vector<AppendRequest> reqs(2);
  reqs[0].content = make_message("a", "a\r\n");
  reqs[1].content = make_message("b", "b\r\n");
  auto r = store().append(gone, std::move(reqs));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::not_found);
  for (const auto& m : must(store().list_mailboxes(account()))) EXPECT_EQ(m.messages, 0u);
  // Empty batches are fine and change nothing.
  auto before = mailbox("INBOX");
  auto empty = must(store().append(before.id, {}));
  EXPECT_TRUE(empty.uids.empty());
  EXPECT_EQ(mailbox("INBOX").uid_next, before.uid_next);
}

TEST_P(StoreConformance, BytesRoundTripExactly) {
  MailboxId inbox = mailbox_id("INBOX");
  const std::vector<std::string> raws = {
      make_message("crlf", "line one\r\nline two\r\n"),
      "Subject: bare lf\nFrom: a@b.c\n\nbody\nmore\n",
      std::string("Subject: nul\r\n\r\nbefore\0after\r\n\0\0\r\n", 34),
      "Subject: lone cr\r\n\r\na\rb\r\n\xff\xfe 8-bit \xc3\xa9\r\n",
      "Subject: no final newline\r\n\r\nend",
      "",
      "\n\n\n",
  };
  auto uids = append(inbox, raws);
  ASSERT_EQ(uids.size(), raws.size());
  auto check = [&] {
    auto f = must(store().fetch(inbox, all_uids(), FetchNeeds{.content = true}));
    ASSERT_EQ(f.size(), raws.size());
    for (std::size_t i = 0; i < raws.size(); ++i) {
      ASSERT_TRUE(f[i].content != nullptr);
      EXPECT_EQ(*f[i].content, mail::to_crlf(raws[i])) << i;
      EXPECT_EQ(f[i].meta.size, mail::crlf_size(raws[i])) << i;
      EXPECT_EQ(f[i].meta.size, f[i].content->size()) << i;
    }
    // Header sections only: the header block, served; twice, so a cached answer is checked too.
    for (int round = 0; round < 2; ++round) {
      auto h = must(store().fetch(inbox, all_uids(), FetchNeeds{.content = true, .header_only = true}));
      ASSERT_EQ(h.size(), raws.size());
      for (std::size_t i = 0; i < raws.size(); ++i) {
        ASSERT_TRUE(h[i].content != nullptr);
        EXPECT_EQ(*h[i].content, mail::to_crlf(mail::header_of(raws[i]))) << i << " round " << round;
        EXPECT_EQ(h[i].meta.size, mail::crlf_size(raws[i])) << i;   // RFC822.SIZE stays the message's
      }
    }
  };
  check();
  std::uint64_t total = 0;
  for (const auto& r : raws) total += mail::crlf_size(r);
  EXPECT_EQ(mailbox("INBOX").size, total);
  if (backend_->persistent()) {
    reopen();
    check();
  }
}

TEST_P(StoreConformance, FetchLoadsOnlyWhatIsNeeded) {
  MailboxId inbox = mailbox_id("INBOX");
  append(inbox, {make_message("Hello there", "hi\r\n"), make_message("Second", "2\r\n"),
                 make_message("Third", "3\r\n")});
  auto meta_only = must(store().fetch(inbox, uid_set({{1, 3}}), FetchNeeds{}));
  ASSERT_EQ(meta_only.size(), 3u);
  EXPECT_EQ(meta_only[0].content, nullptr);
  EXPECT_TRUE(meta_only[0].envelope.empty());
  EXPECT_TRUE(meta_only[0].body_structure.empty());

  auto env = must(store().fetch(inbox, uid_set({{1, 1}}),
                                FetchNeeds{.envelope = true, .body_structure = true}));
  ASSERT_EQ(env.size(), 1u);
  EXPECT_EQ(env[0].envelope.front(), '(');
  EXPECT_NE(env[0].envelope.find("Hello there"), std::string::npos) << env[0].envelope;
  EXPECT_EQ(env[0].body_structure.front(), '(');
  EXPECT_EQ(env[0].body.front(), '(');
  EXPECT_NE(ascii::lower(env[0].body_structure).find("\"text\""), std::string::npos);
  EXPECT_EQ(env[0].content, nullptr);

  // Absent UIDs are skipped; the result is ascending.
  auto some = must(store().fetch(inbox, uid_set({{3, 3}, {1, 1}, {7, 100}}), FetchNeeds{}));
  EXPECT_EQ(uids_of([&] {
              std::vector<MessageMeta> m;
              for (auto& f : some) m.push_back(f.meta);
              return m;
            }()),
            (std::vector<Uid>{1, 3}));
  EXPECT_TRUE(must(store().fetch(inbox, UidSet{}, FetchNeeds{})).empty());
  auto gone = store().fetch(987654321, uid_set({{1, 3}}), FetchNeeds{});
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, Errc::not_found);
}

TEST_P(StoreConformance, FetchFiveThousandUids) {
  MailboxId inbox = mailbox_id("INBOX");
  for (int batch = 0; batch < 10; ++batch) {
    std::vector<std::string> msgs;
    for (int i = 0; i < 500; ++i)
      msgs.push_back("Subject: n" + std::to_string(batch * 500 + i) + "\r\n\r\nbody\r\n");
    append(inbox, msgs);
  }
  const auto t0 = steady_clock::now();
  auto all = must(store().fetch(inbox, uid_set({{1, 5000}}), FetchNeeds{.envelope = true}));
  ASSERT_EQ(all.size(), 5000u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].meta.uid, i + 1);
  // Every other UID: 2,500 separate ranges in one call.
  UidSet odd;
  for (Uid u = 1; u <= 5000; u += 2) odd.add(u);
  auto half = must(store().fetch(inbox, odd, FetchNeeds{.content = true}));
  ASSERT_EQ(half.size(), 2500u);
  EXPECT_EQ(half[1].meta.uid, 3u);
  EXPECT_EQ(*half[1].content, "Subject: n2\r\n\r\nbody\r\n");
  EXPECT_LT(duration_cast<seconds>(steady_clock::now() - t0).count(), 20);
  EXPECT_EQ(mailbox("INBOX").messages, 5000u);
}

TEST_P(StoreConformance, ConcurrentAppendsGiveUniqueUids) {
  MailboxId inbox = mailbox_id("INBOX");
  constexpr int kThreads = 8;
  constexpr int kEach = 20;
  std::vector<std::vector<Uid>> got(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        AppendRequest r;
        r.content = make_message("t" + std::to_string(t) + " #" + std::to_string(i), "x\r\n");
        std::vector<AppendRequest> one;
        one.push_back(std::move(r));
        auto res = store().append(inbox, std::move(one));
        if (!res.ok() || res->uids.size() != 1) {
          ++failures;
          continue;
        }
        got[t].push_back(res->uids[0]);
      }
    });
  }
  // Readers at the same time must see consistent states.
  std::thread reader([&] {
    for (int i = 0; i < 50; ++i) {
      auto metas = store().list_messages(inbox);
      if (!metas.ok()) ++failures;
    }
  });
  for (auto& th : threads) th.join();
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<Uid> all;
  for (const auto& v : got) {
    for (std::size_t i = 0; i + 1 < v.size(); ++i) EXPECT_LT(v[i], v[i + 1]);
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(*all.begin(), 1u);
  EXPECT_EQ(*all.rbegin(), static_cast<Uid>(kThreads * kEach));
  auto info = mailbox("INBOX");
  EXPECT_EQ(info.messages, static_cast<std::uint32_t>(kThreads * kEach));
  EXPECT_EQ(info.uid_next, static_cast<Uid>(kThreads * kEach + 1));
}

// --- UIDs and MODSEQ ----------------------------------------------------------------------------

TEST_P(StoreConformance, UidsNeverReusedAfterExpungeAndReopen) {
  MailboxId inbox = mailbox_id("INBOX");
  append(inbox, {make_message("1", "1\r\n"), make_message("2", "2\r\n"), make_message("3", "3\r\n")});
  must(store().store_flags(inbox, all_uids(), StoreMode::add, flags_of(kDeleted)));
  EXPECT_EQ(must(store().expunge(inbox, std::nullopt)), (std::vector<Uid>{1, 2, 3}));
  EXPECT_EQ(mailbox("INBOX").uid_next, 4u);
  if (backend_->persistent()) reopen();
  EXPECT_EQ(mailbox("INBOX").uid_next, 4u);
  EXPECT_EQ(mailbox("INBOX").messages, 0u);
  EXPECT_EQ(append(inbox, {make_message("4", "4\r\n")}), (std::vector<Uid>{4}));
  if (backend_->persistent()) reopen();
  EXPECT_EQ(append(inbox, {make_message("5", "5\r\n")}), (std::vector<Uid>{5}));
  EXPECT_EQ(mailbox("INBOX").uid_next, 6u);
}

TEST_P(StoreConformance, ModSeqGrowsWithEveryChange) {
  MailboxId inbox = mailbox_id("INBOX");
  std::vector<ModSeq> seen{mailbox("INBOX").highest_modseq};
  auto bump = [&] {
    ModSeq now = mailbox("INBOX").highest_modseq;
    EXPECT_GT(now, seen.back());
    seen.push_back(now);
  };
  append(inbox, {make_message("1", "1\r\n"), make_message("2", "2\r\n")});
  bump();
  must(store().store_flags(inbox, uid_set({{1, 1}}), StoreMode::add, flags_of(kSeen)));
  bump();
  auto metas = must(store().list_messages(inbox));
  EXPECT_EQ(metas[0].modseq, seen.back());
  EXPECT_LT(metas[1].modseq, seen.back());
  must(store().store_flags(inbox, uid_set({{2, 2}}), StoreMode::add, flags_of(kDeleted)));
  bump();
  must(store().expunge(inbox, std::nullopt));
  bump();
  must(store().copy(inbox, all_uids(), inbox));
  bump();
  // A STORE that changes nothing does not move HIGHESTMODSEQ or the message's MODSEQ.
  ModSeq before = mailbox("INBOX").highest_modseq;
  auto r = must(store().store_flags(inbox, uid_set({{1, 1}}), StoreMode::add, flags_of(kSeen)));
  ASSERT_EQ(r.updated.size(), 1u);
  EXPECT_EQ(r.updated[0].modseq, metas[0].modseq);
  EXPECT_EQ(mailbox("INBOX").highest_modseq, before);
  if (backend_->persistent()) {
    reopen();
    EXPECT_EQ(mailbox("INBOX").highest_modseq, before);
    append(inbox, {make_message("3", "3\r\n")});
    EXPECT_GT(mailbox("INBOX").highest_modseq, before);
  }
}

// --- Flags ---------------------------------------------------------------------------------------

TEST_P(StoreConformance, StoreFlagsReplaceAddRemove) {
  MailboxId inbox = mailbox_id("INBOX");
  append(inbox, {make_message("1", "1\r\n"), make_message("2", "2\r\n"), make_message("3", "3\r\n")});
  EXPECT_EQ(mailbox("INBOX").unseen, 3u);

  auto r = must(store().store_flags(inbox, uid_set({{1, 2}}), StoreMode::add,
                                    flags_of(kSeen | kFlagged, {"Work"})));
  ASSERT_EQ(r.updated.size(), 2u);
  EXPECT_TRUE(r.not_modified.empty());
  EXPECT_EQ(r.updated[0].uid, 1u);
  EXPECT_EQ(r.updated[0].flags, flags_of(kSeen | kFlagged, {"Work"}));
  EXPECT_EQ(mailbox("INBOX").unseen, 1u);

  // Keywords compare case-insensitively and keep the case first seen.
  r = must(store().store_flags(inbox, uid_set({{1, 1}}), StoreMode::add,
                               flags_of(0, {"WORK", "$Junk"})));
  EXPECT_EQ(r.updated[0].flags, flags_of(kSeen | kFlagged, {"$Junk", "Work"}));

  r = must(store().store_flags(inbox, uid_set({{1, 2}}), StoreMode::remove,
                               flags_of(kFlagged, {"work"})));
  ASSERT_EQ(r.updated.size(), 2u);
  EXPECT_EQ(r.updated[0].flags, flags_of(kSeen, {"$Junk"}));
  EXPECT_EQ(r.updated[1].flags, flags_of(kSeen));

  r = must(store().store_flags(inbox, uid_set({{2, 3}}), StoreMode::replace,
                               flags_of(kAnswered | kDraft, {"Done"})));
  ASSERT_EQ(r.updated.size(), 2u);
  for (const auto& m : r.updated) EXPECT_EQ(m.flags, flags_of(kAnswered | kDraft, {"Done"}));
  EXPECT_EQ(mailbox("INBOX").unseen, 2u);

  // Absent UIDs are ignored.
  r = must(store().store_flags(inbox, uid_set({{50, 60}}), StoreMode::add, flags_of(kSeen)));
  EXPECT_TRUE(r.updated.empty());

  auto metas = must(store().list_messages(inbox));
  EXPECT_EQ(metas[0].flags, flags_of(kSeen, {"$Junk"}));
  EXPECT_EQ(metas[1].flags, flags_of(kAnswered | kDraft, {"Done"}));
  EXPECT_EQ(metas[2].flags, flags_of(kAnswered | kDraft, {"Done"}));
  // The mailbox remembers every keyword used (for FLAGS / PERMANENTFLAGS).
  auto kw = mailbox("INBOX").keywords;
  for (const char* k : {"$Junk", "Done", "Work"})
    EXPECT_NE(std::find(kw.begin(), kw.end(), k), kw.end()) << k;
  if (backend_->persistent()) {
    reopen();
    EXPECT_EQ(must(store().list_messages(inbox))[0].flags, flags_of(kSeen, {"$Junk"}));
    EXPECT_EQ(mailbox("INBOX").unseen, 2u);
  }
}

TEST_P(StoreConformance, StoreUnchangedSince) {
  MailboxId inbox = mailbox_id("INBOX");
  append(inbox, {make_message("1", "1\r\n"), make_message("2", "2\r\n")});
  auto metas = must(store().list_messages(inbox));
  const ModSeq m0 = metas[0].modseq;
  must(store().store_flags(inbox, uid_set({{2, 2}}), StoreMode::add, flags_of(kFlagged)));
  const ModSeq m2 = must(store().list_messages(inbox))[1].modseq;
  ASSERT_GT(m2, m0);

  // UNCHANGEDSINCE m0: message 1 passes (modseq == m0), message 2 fails (modseq > m0).
  auto r = must(store().store_flags(inbox, uid_set({{1, 2}}), StoreMode::add, flags_of(kSeen), m0));
  ASSERT_EQ(r.updated.size(), 1u);
  EXPECT_EQ(r.updated[0].uid, 1u);
  EXPECT_TRUE(r.updated[0].flags.has(kSeen));
  EXPECT_GT(r.updated[0].modseq, m2);
  EXPECT_EQ(r.not_modified, uid_set({{2, 2}}));
  // Each updated message's MODSEQ before the call, so a session can spot others' changes.
  EXPECT_EQ(r.modseq_before, std::vector<ModSeq>{m0});
  auto after = must(store().list_messages(inbox));
  EXPECT_FALSE(after[1].flags.has(kSeen));
  EXPECT_EQ(after[1].modseq, m2);

  // UNCHANGEDSINCE 0 always fails (RFC 7162 §3.1.3).
  r = must(store().store_flags(inbox, uid_set({{1, 2}}), StoreMode::add, flags_of(kDraft), 0));
  EXPECT_TRUE(r.updated.empty());
  EXPECT_EQ(r.not_modified, uid_set({{1, 2}}));
  // A large enough value lets everything through.
  r = must(store().store_flags(inbox, uid_set({{1, 2}}), StoreMode::add, flags_of(kDraft),
                               mailbox("INBOX").highest_modseq));
  EXPECT_EQ(r.updated.size(), 2u);
  EXPECT_TRUE(r.not_modified.empty());
  ASSERT_EQ(r.modseq_before.size(), 2u);
  EXPECT_EQ(r.modseq_before[1], m2);   // message 2 did not change since m2
}

// --- Copy, expunge --------------------------------------------------------------------------------

TEST_P(StoreConformance, CopyKeepsFlagsAndGivesNewUids) {
  MailboxId inbox = mailbox_id("INBOX");
  auto archive = must(store().create_mailbox(account(), "Archive"));
  append(archive.id, {make_message("old", "old\r\n")});  // Archive's next UID is 2
  append(inbox, {make_message("1", "1\r\n"), make_message("2", "2\r\n"), make_message("3", "3\r\n")});
  must(store().store_flags(inbox, uid_set({{3, 3}}), StoreMode::add, flags_of(kSeen, {"Keep"})));
  auto src_before = must(store().list_messages(inbox));

  auto r = must(store().copy(inbox, uid_set({{1, 1}, {3, 9}}), archive.id));
  EXPECT_EQ(r.uid_validity, archive.uid_validity);
  EXPECT_EQ(r.source_uids, (std::vector<Uid>{1, 3}));
  EXPECT_EQ(r.target_uids, (std::vector<Uid>{2, 3}));
  auto dst = must(store().fetch(archive.id, uid_set({{2, 3}}), FetchNeeds{.content = true}));
  ASSERT_EQ(dst.size(), 2u);
  EXPECT_EQ(*dst[0].content, make_message("1", "1\r\n"));
  EXPECT_EQ(dst[1].meta.flags, flags_of(kSeen, {"Keep"}));
  EXPECT_EQ(dst[1].meta.internal_date, src_before[2].internal_date);
  EXPECT_EQ(dst[1].meta.size, src_before[2].size);
  auto info = mailbox("Archive");
  EXPECT_EQ(info.messages, 3u);
  EXPECT_EQ(info.uid_next, 4u);
  EXPECT_EQ(info.unseen, 2u);
  EXPECT_NE(std::find(info.keywords.begin(), info.keywords.end(), "Keep"), info.keywords.end());
  // The source is unchanged.
  auto src_after = must(store().list_messages(inbox));
  ASSERT_EQ(src_after.size(), src_before.size());
  for (std::size_t i = 0; i < src_after.size(); ++i) {
    EXPECT_EQ(src_after[i].uid, src_before[i].uid);
    EXPECT_EQ(src_after[i].flags, src_before[i].flags);
    EXPECT_EQ(src_after[i].modseq, src_before[i].modseq);
  }

  // Expunging the source leaves the copies readable (shared content).
  must(store().store_flags(inbox, all_uids(), StoreMode::add, flags_of(kDeleted)));
  must(store().expunge(inbox, std::nullopt));
  auto still = must(store().fetch(archive.id, uid_set({{2, 3}}), FetchNeeds{.content = true}));
  ASSERT_EQ(still.size(), 2u);
  EXPECT_EQ(*still[1].content, make_message("3", "3\r\n"));

  auto bad = store().copy(archive.id, all_uids(), 987654321);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::not_found);
  auto none = must(store().copy(archive.id, uid_set({{100, 200}}), inbox));
  EXPECT_TRUE(none.source_uids.empty());
  EXPECT_TRUE(none.target_uids.empty());
}

TEST_P(StoreConformance, MoveCopiesAndExpungesTogether) {
  MailboxId inbox = mailbox_id("INBOX");
  auto archive = must(store().create_mailbox(account(), "Archive"));
  append(archive.id, {make_message("old", "old\r\n")});  // Archive's next UID is 2
  append(inbox, {make_message("1", "1\r\n"), make_message("2", "2\r\n"), make_message("3", "3\r\n")});
  must(store().store_flags(inbox, uid_set({{3, 3}}), StoreMode::add, flags_of(kSeen, {"Keep"})));
  const ModSeq before = mailbox("INBOX").highest_modseq;
  std::atomic<int> inbox_calls{0}, archive_calls{0};
  auto sub_inbox = store().subscribe(inbox, [&] { ++inbox_calls; });
  auto sub_archive = store().subscribe(archive.id, [&] { ++archive_calls; });

  // 9 is absent: skipped, as COPY skips it. 2 stays, although it is not \Deleted either way.
  auto r = must(store().move(inbox, uid_set({{1, 1}, {3, 9}}), archive.id, FlagMask{}));
  EXPECT_EQ(r.copied.uid_validity, archive.uid_validity);
  EXPECT_EQ(r.copied.source_uids, (std::vector<Uid>{1, 3}));
  EXPECT_EQ(r.copied.target_uids, (std::vector<Uid>{2, 3}));
  EXPECT_EQ(r.expunged, (std::vector<Uid>{1, 3}));
  EXPECT_EQ(uids_of(must(store().list_messages(inbox))), (std::vector<Uid>{2}));
  auto dst = must(store().fetch(archive.id, uid_set({{2, 3}}), FetchNeeds{.content = true}));
  ASSERT_EQ(dst.size(), 2u);
  EXPECT_EQ(*dst[0].content, make_message("1", "1\r\n"));
  EXPECT_EQ(*dst[1].content, make_message("3", "3\r\n"));   // the shared file survived the expunge
  EXPECT_EQ(dst[1].meta.flags, flags_of(kSeen, {"Keep"}));
  // Other sessions hear of both sides, and the source records the expunge (for VANISHED).
  EXPECT_EQ(inbox_calls.load(), 1);
  EXPECT_EQ(archive_calls.load(), 1);
  EXPECT_EQ(must(store().changes_since(inbox, before)).expunged, (std::vector<Uid>{1, 3}));
  EXPECT_EQ(mailbox("Archive").messages, 3u);
  EXPECT_EQ(mailbox("INBOX").messages, 1u);

  // Nothing to move: nothing changes, nobody is told.
  auto none = must(store().move(inbox, uid_set({{100, 200}}), archive.id, FlagMask{}));
  EXPECT_TRUE(none.copied.source_uids.empty());
  EXPECT_TRUE(none.expunged.empty());
  EXPECT_EQ(inbox_calls.load(), 1);
  EXPECT_EQ(archive_calls.load(), 1);

  // A missing target: nothing happens to the source.
  auto bad = store().move(inbox, all_uids(), 987654321, FlagMask{});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::not_found);
  EXPECT_EQ(uids_of(must(store().list_messages(inbox))), (std::vector<Uid>{2}));
  EXPECT_EQ(store().move(987654321, all_uids(), inbox, FlagMask{}).error().code, Errc::not_found);
}

TEST_P(StoreConformance, MoveWithinOneMailboxGivesNewUids) {
  MailboxId inbox = mailbox_id("INBOX");
  append(inbox, {make_message("1", "1\r\n"), make_message("2", "2\r\n")});
  auto r = must(store().move(inbox, uid_set({{1, 1}}), inbox, FlagMask{}));
  EXPECT_EQ(r.copied.source_uids, (std::vector<Uid>{1}));
  EXPECT_EQ(r.copied.target_uids, (std::vector<Uid>{3}));
  EXPECT_EQ(r.expunged, (std::vector<Uid>{1}));
  EXPECT_EQ(uids_of(must(store().list_messages(inbox))), (std::vector<Uid>{2, 3}));
  auto moved = must(store().fetch(inbox, uid_set({{3, 3}}), FetchNeeds{.content = true}));
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(*moved[0].content, make_message("1", "1\r\n"));
}

TEST_P(StoreConformance, MoveKeepsOnlyTheFlagsOfTheMask) {
  MailboxId inbox = mailbox_id("INBOX");
  auto other = must(store().create_mailbox(account(), "Other"));
  append(inbox, {make_message("1", "1\r\n")});
  must(store().store_flags(inbox, all_uids(), StoreMode::add, flags_of(kSeen | kFlagged, {"Kw"})));
  FlagMask mask;
  mask.system = kSeen;
  mask.keywords = false;
  auto r = must(store().move(inbox, all_uids(), other.id, mask));
  ASSERT_EQ(r.copied.target_uids.size(), 1u);
  auto f = must(store().fetch(other.id, all_uids(), FetchNeeds{}));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].meta.flags, flags_of(kSeen));
}

TEST_P(StoreConformance, ExpungeOnlyDeletedAndRestrictedBySet) {
  MailboxId inbox = mailbox_id("INBOX");
  append(inbox, {make_message("1", "1\r\n"), make_message("2", "2\r\n"), make_message("3", "3\r\n"),
                 make_message("4", "4\r\n"), make_message("5", "5\r\n")});
  must(store().store_flags(inbox, uid_set({{2, 4}}), StoreMode::add, flags_of(kDeleted)));
  // UID EXPUNGE 1:3 removes only 2 and 3 (1 is not \Deleted, 4 is outside the set).
  EXPECT_EQ(must(store().expunge(inbox, uid_set({{1, 3}}))), (std::vector<Uid>{2, 3}));
  EXPECT_EQ(uids_of(must(store().list_messages(inbox))), (std::vector<Uid>{1, 4, 5}));
  EXPECT_TRUE(must(store().expunge(inbox, UidSet{})).empty());
  EXPECT_EQ(must(store().expunge(inbox, std::nullopt)), (std::vector<Uid>{4}));
  EXPECT_TRUE(must(store().expunge(inbox, std::nullopt)).empty());
  auto info = mailbox("INBOX");
  EXPECT_EQ(info.messages, 2u);
  EXPECT_EQ(info.size, mail::crlf_size(make_message("1", "1\r\n")) +
                           mail::crlf_size(make_message("5", "5\r\n")));
  EXPECT_TRUE(must(store().fetch(inbox, uid_set({{2, 4}}), FetchNeeds{.content = true})).empty());
  auto missing = store().expunge(987654321, std::nullopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST_P(StoreConformance, ExpungeUidsIgnoresFlags) {
  MailboxId inbox = mailbox_id("INBOX");
  append(inbox, {make_message("1", "1\r\n"), make_message("2", "2\r\n"), make_message("3", "3\r\n")});
  must(store().store_flags(inbox, uid_set({{3, 3}}), StoreMode::add, flags_of(kDeleted)));
  const ModSeq before = mailbox("INBOX").highest_modseq;
  // POP3 QUIT: 1 and 2 go although neither has \Deleted; 3 stays although it has; 9 is absent.
  EXPECT_EQ(must(store().expunge_uids(inbox, uid_set({{1, 2}, {9, 9}}))), (std::vector<Uid>{1, 2}));
  EXPECT_EQ(uids_of(must(store().list_messages(inbox))), (std::vector<Uid>{3}));
  auto changes = must(store().changes_since(inbox, before));
  EXPECT_EQ(changes.expunged, (std::vector<Uid>{1, 2}));
  EXPECT_TRUE(must(store().expunge_uids(inbox, UidSet{})).empty());
  EXPECT_EQ(store().expunge_uids(987654321, uid_set({{1, 1}})).error().code, Errc::not_found);
}

// --- changes_since, claim_recent ----------------------------------------------------------------

TEST_P(StoreConformance, ChangesSince) {
  MailboxId inbox = mailbox_id("INBOX");
  const ModSeq m0 = mailbox("INBOX").highest_modseq;
  auto empty = must(store().changes_since(inbox, m0));
  EXPECT_TRUE(empty.changed.empty());
  EXPECT_TRUE(empty.expunged.empty());
  EXPECT_EQ(empty.highest_modseq, m0);
  EXPECT_EQ(empty.uid_next, 1u);

  append(inbox, {make_message("1", "1\r\n"), make_message("2", "2\r\n"), make_message("3", "3\r\n")});
  auto c1 = must(store().changes_since(inbox, m0));
  EXPECT_EQ(uids_of(c1.changed), (std::vector<Uid>{1, 2, 3}));
  EXPECT_EQ(c1.uid_next, 4u);
  const ModSeq m1 = c1.highest_modseq;
  EXPECT_GT(m1, m0);
  EXPECT_TRUE(must(store().changes_since(inbox, m1)).changed.empty());

  must(store().store_flags(inbox, uid_set({{3, 3}}), StoreMode::add, flags_of(kSeen)));
  must(store().store_flags(inbox, uid_set({{1, 1}}), StoreMode::add, flags_of(kDeleted)));
  auto c2 = must(store().changes_since(inbox, m1));
  EXPECT_EQ(uids_of(c2.changed), (std::vector<Uid>{1, 3}));
  EXPECT_TRUE(c2.changed[1].flags.has(kSeen));
  EXPECT_TRUE(c2.expunged.empty());
  const ModSeq m2 = c2.highest_modseq;

  must(store().expunge(inbox, std::nullopt));
  append(inbox, {make_message("4", "4\r\n")});
  auto c3 = must(store().changes_since(inbox, m2));
  EXPECT_EQ(uids_of(c3.changed), (std::vector<Uid>{4}));
  EXPECT_EQ(c3.expunged, (std::vector<Uid>{1}));
  EXPECT_EQ(c3.uid_next, 5u);
  EXPECT_EQ(c3.highest_modseq, mailbox("INBOX").highest_modseq);
  // From the start: everything present, and every expunge.
  auto all = must(store().changes_since(inbox, 0));
  EXPECT_EQ(uids_of(all.changed), (std::vector<Uid>{2, 3, 4}));
  EXPECT_EQ(all.expunged, (std::vector<Uid>{1}));
  for (const auto& m : all.changed) EXPECT_LE(m.modseq, all.highest_modseq);
  if (backend_->persistent()) {
    reopen();
    auto again = must(store().changes_since(inbox, m2));
    EXPECT_EQ(uids_of(again.changed), (std::vector<Uid>{4}));
    EXPECT_EQ(again.expunged, (std::vector<Uid>{1}));
  }
}

// RFC 7162 §3.2.5.1 / §3.2.6: VANISHED (EARLIER) needs the mod-sequence of each expunge, and
// CHANGEDSINCE/UNCHANGEDSINCE need a STORE that changes nothing to leave mod-sequences alone.
TEST_P(StoreConformance, ExpungeHasItsOwnModSeqAndNoOpStoresNone) {
  MailboxId inbox = mailbox_id("INBOX");
  append(inbox, {make_message("1", "1\r\n"), make_message("2", "2\r\n"), make_message("3", "3\r\n")});
  must(store().store_flags(inbox, uid_set({{1, 2}}), StoreMode::add, flags_of(kDeleted)));
  const ModSeq before = mailbox("INBOX").highest_modseq;
  EXPECT_EQ(must(store().expunge(inbox, std::nullopt)), (std::vector<Uid>{1, 2}));
  const ModSeq expunged_at = mailbox("INBOX").highest_modseq;
  EXPECT_EQ(expunged_at, before + 1);
  EXPECT_EQ(must(store().changes_since(inbox, before)).expunged, (std::vector<Uid>{1, 2}));
  EXPECT_TRUE(must(store().changes_since(inbox, expunged_at)).expunged.empty());
  // Adding a flag message 3 already has changes nothing, mod-sequences included.
  must(store().store_flags(inbox, uid_set({{3, 3}}), StoreMode::add, flags_of(kSeen)));
  const ModSeq seen_at = mailbox("INBOX").highest_modseq;
  auto again = must(store().store_flags(inbox, uid_set({{3, 3}}), StoreMode::add, flags_of(kSeen), seen_at));
  ASSERT_EQ(again.updated.size(), 1u);
  EXPECT_EQ(again.updated[0].modseq, seen_at);
  EXPECT_TRUE(again.not_modified.empty());
  EXPECT_EQ(mailbox("INBOX").highest_modseq, seen_at);
  // UNCHANGEDSINCE 0 fails for every message: each has a mod-sequence of at least 1.
  auto none = must(store().store_flags(inbox, uid_set({{3, 3}}), StoreMode::add, flags_of(kFlagged), ModSeq{0}));
  EXPECT_EQ(none.not_modified, uid_set({{3, 3}}));
  EXPECT_TRUE(none.updated.empty());
}

TEST_P(StoreConformance, ClaimRecentIsGivenOnce) {
  MailboxId inbox = mailbox_id("INBOX");
  EXPECT_EQ(must(store().claim_recent(inbox)), 1u);  // nothing to claim: 1 == uid_next
  append(inbox, {make_message("1", "1\r\n"), make_message("2", "2\r\n")});
  EXPECT_EQ(mailbox("INBOX").first_unclaimed_recent, 1u);
  EXPECT_EQ(must(store().claim_recent(inbox)), 1u);   // claims 1 and 2
  EXPECT_EQ(mailbox("INBOX").first_unclaimed_recent, 3u);
  EXPECT_EQ(must(store().claim_recent(inbox)), 3u);   // a second session gets none
  append(inbox, {make_message("3", "3\r\n")});
  if (backend_->persistent()) reopen();
  EXPECT_EQ(must(store().claim_recent(inbox)), 3u);   // claims 3
  EXPECT_EQ(must(store().claim_recent(inbox)), 4u);
  EXPECT_EQ(store().claim_recent(987654321).error().code, Errc::not_found);
}

// --- search ---------------------------------------------------------------------------------------

TEST_P(StoreConformance, SearchEveryKeyKind) {
  using K = SearchKey::Kind;
  MailboxId inbox = mailbox_id("INBOX");
  std::vector<AppendRequest> reqs(4);
  reqs[0].content = make_message("Quarterly report", "Numbers are UP this quarter.\r\n",
                                 "Alice <alice@example.com>", "Mon, 01 Jan 2024 23:30:00 -0500");
  reqs[0].internal_date = epoch(2024, 1, 1, 23, 30);  // 2024-01-02 00:30 at +01:00
  reqs[0].internal_date_tz = 60;
  reqs[0].flags = flags_of(kSeen, {"Work"});
  reqs[1].content = make_message("Lunch?", "Pizza or sushi\r\n", "Carol <carol@example.net>",
                                 "Fri, 15 Mar 2024 12:00:00 +0000", "X-Mailer: Pigeon 1.0\r\n");
  reqs[1].internal_date = epoch(2024, 3, 15, 12, 0);
  reqs[1].flags = flags_of(kFlagged | kAnswered);
  reqs[2].content = make_message("=?UTF-8?Q?Caf=C3=A9?= meeting",
                                 "Content with a long body " + std::string(2000, 'z') + "\r\n",
                                 "Dave <dave@example.org>", "Sun, 30 Jun 2024 08:00:00 +0200");
  reqs[2].internal_date = epoch(2024, 6, 30, 6, 0);
  reqs[3].content = "Subject: no date\r\n\r\nplain\r\n";
  reqs[3].internal_date = epoch(2023, 12, 31, 23, 0);
  reqs[3].flags = flags_of(kDeleted | kDraft);
  must(store().append(inbox, std::move(reqs)));
  must(store().store_flags(inbox, uid_set({{2, 2}}), StoreMode::add, flags_of(0, {"Later"})));
  const ModSeq after_store = mailbox("INBOX").highest_modseq;

  auto search = [&](const SearchKey& k) { return must(store().search(inbox, k)).to_vector(); };
  using V = std::vector<Uid>;

  EXPECT_EQ(search(key(K::all)), (V{1, 2, 3, 4}));
  SearchKey us = key(K::uid_set);
  us.uids = uid_set({{2, 3}, {9, 12}});
  EXPECT_EQ(search(us), (V{2, 3}));
  EXPECT_EQ(search(key_num(K::flag_set, kSeen)), (V{1}));
  EXPECT_EQ(search(key_num(K::flag_unset, kSeen)), (V{2, 3, 4}));
  EXPECT_EQ(search(key_num(K::flag_set, kAnswered)), (V{2}));
  EXPECT_EQ(search(key_num(K::flag_set, kFlagged)), (V{2}));
  EXPECT_EQ(search(key_num(K::flag_set, kDeleted)), (V{4}));
  EXPECT_EQ(search(key_num(K::flag_set, kDraft)), (V{4}));
  EXPECT_EQ(search(key_str(K::keyword, "work")), (V{1}));
  EXPECT_EQ(search(key_str(K::keyword, "Later")), (V{2}));
  EXPECT_EQ(search(key_str(K::unkeyword, "WORK")), (V{2, 3, 4}));

  EXPECT_EQ(search(key_str(K::header, "alice", "From")), (V{1}));
  EXPECT_EQ(search(key_str(K::header, "EXAMPLE.", "from")), (V{1, 2, 3}));
  EXPECT_EQ(search(key_str(K::header, "bob", "To")), (V{1, 2, 3}));
  EXPECT_EQ(search(key_str(K::header, "report", "Subject")), (V{1}));
  EXPECT_EQ(search(key_str(K::header, "café", "Subject")), (V{3}));  // RFC 2047 decoded
  EXPECT_EQ(search(key_str(K::header, "", "X-Mailer")), (V{2}));     // field present
  EXPECT_EQ(search(key_str(K::body, "pizza")), (V{2}));
  EXPECT_EQ(search(key_str(K::body, "report")), (V{}));  // only in the header
  EXPECT_EQ(search(key_str(K::text, "report")), (V{1}));
  EXPECT_EQ(search(key_str(K::text, "SUSHI")), (V{2}));
  EXPECT_EQ(search(key_str(K::text, "nowhere to be found")), (V{}));

  // INTERNALDATE compares the date in its own zone: message 1 is on 2024-01-02 at +01:00.
  EXPECT_EQ(search(key_num(K::on, day(2024, 1, 2))), (V{1}));
  EXPECT_EQ(search(key_num(K::on, day(2024, 1, 1))), (V{}));
  EXPECT_EQ(search(key_num(K::before, day(2024, 1, 2))), (V{4}));
  EXPECT_EQ(search(key_num(K::since, day(2024, 3, 15))), (V{2, 3}));
  // The Date: field's date in its own zone: message 1 was sent on 2024-01-01 (-05:00).
  EXPECT_EQ(search(key_num(K::sent_on, day(2024, 1, 1))), (V{1}));
  EXPECT_EQ(search(key_num(K::sent_before, day(2024, 3, 15))), (V{1}));
  EXPECT_EQ(search(key_num(K::sent_since, day(2024, 3, 15))), (V{2, 3}));

  EXPECT_EQ(search(key_num(K::larger, 1500)), (V{3}));
  EXPECT_EQ(search(key_num(K::smaller, 100)), (V{4}));
  for (const auto& m : must(store().list_messages(inbox))) {
    const auto n = static_cast<std::int64_t>(m.size);
    auto larger = search(key_num(K::larger, n));   // strictly larger
    auto smaller = search(key_num(K::smaller, n)); // strictly smaller
    EXPECT_EQ(std::count(larger.begin(), larger.end(), m.uid), 0);
    EXPECT_EQ(std::count(smaller.begin(), smaller.end(), m.uid), 0);
    EXPECT_EQ(larger.size() + smaller.size(), 3u);  // sizes differ
    auto at_least = search(key_num(K::larger, n - 1));
    EXPECT_EQ(std::count(at_least.begin(), at_least.end(), m.uid), 1);
  }
  EXPECT_EQ(search(key_num(K::modseq, static_cast<std::int64_t>(after_store))), (V{2}));

  EXPECT_EQ(search(key_of(K::and_, {key_num(K::flag_unset, kSeen), key_str(K::text, "e")})),
            (V{2, 3, 4}));
  EXPECT_EQ(search(key_of(K::or_, {key_str(K::body, "pizza"), key_num(K::flag_set, kSeen)})),
            (V{1, 2}));
  EXPECT_EQ(search(key_of(K::not_, {key_str(K::header, "alice", "from")})), (V{2, 3, 4}));
  EXPECT_EQ(search(key_of(K::and_, {key_of(K::not_, {key_num(K::flag_set, kDeleted)}),
                                    key_of(K::or_, {key_str(K::header, "lunch", "subject"),
                                                    key_str(K::keyword, "Work")})})),
            (V{1, 2}));
  EXPECT_EQ(store().search(987654321, key(K::all)).error().code, Errc::not_found);
}

TEST_P(StoreConformance, ListUidsIsWhatSelectNeedsOfListMessages) {
  const MailboxId inbox = mailbox_id("INBOX");
  MailboxUids empty = must(store().list_uids(inbox));
  EXPECT_TRUE(empty.uids.empty());
  EXPECT_EQ(empty.first_unseen, 0u);
  const std::vector<Uid> uids = append(inbox, {make_message("a", "1\r\n"), make_message("b", "2\r\n"),
                                               make_message("c", "3\r\n"), make_message("d", "4\r\n")});
  must(store().store_flags(inbox, uid_set({{uids[0], uids[1]}}), StoreMode::add, flags_of(kSeen, {"$Work"})));
  must(store().store_flags(inbox, uid_set({{uids[0], uids[0]}}), StoreMode::add, flags_of(kDeleted)));
  must(store().expunge(inbox, std::nullopt));
  auto check = [&](Uid first_unseen) {
    const MailboxUids listed = must(store().list_uids(inbox));
    const std::vector<MessageMeta> metas = must(store().list_messages(inbox));
    ASSERT_EQ(listed.uids.size(), metas.size());
    ASSERT_EQ(listed.modseqs.size(), metas.size());
    for (std::size_t i = 0; i < metas.size(); ++i) {
      EXPECT_EQ(listed.uids[i], metas[i].uid);
      EXPECT_EQ(listed.modseqs[i], metas[i].modseq);
    }
    EXPECT_EQ(listed.first_unseen, first_unseen);
  };
  check(uids[2]);   // uids[0] is gone, uids[1] is seen
  must(store().store_flags(inbox, uid_set({{uids[2], uids[3]}}), StoreMode::add, flags_of(kSeen)));
  check(0);
  must(store().store_flags(inbox, uid_set({{uids[3], uids[3]}}), StoreMode::remove, flags_of(kSeen)));
  check(uids[3]);
  EXPECT_EQ(store().list_uids(9999).error().code, Errc::not_found);
}

// --- change notification --------------------------------------------------------------------

// The full-text index (issue 8) must not change a single answer: every TEXT and BODY search
// gives what the reference evaluator (search_eval.h) finds by reading each message, on real
// mail from the shared corpus and on messages made for the corner cases (Unicode folding,
// part headers, encoded bodies, needles the index cannot answer), before and after expunges
// and a rebuild.
TEST_P(StoreConformance, TextIndexAnswersExactlyAsReadingEachMessage) {
  using K = SearchKey::Kind;
  const MailboxId inbox = mailbox_id("INBOX");
  std::vector<std::string> contents = {
      make_message("Stra\xc3\x9f" "e und Gr\xc3\xbc\xc3\x9f" "e", "Die GROSSE Strasse.\r\n"),
      make_message("=?UTF-8?B?zqPOr8+Dz4XPhs6/z4I=?=", "\xce\xa3\xce\x8a\xce\xa3\xce\xa5\xce\xa6\xce\x9f\xce\xa3 rolls\r\n"),
      "From: a@example.org\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=xx\r\n\r\n--xx\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: base64\r\nContent-Description: Der Plan\r\n\r\nU2VjcmV0IHBsYW4gInF1b3RlZCIK\r\n"
      "--xx\r\nContent-Type: application/octet-stream\r\n\r\nbinary needle here\r\n--xx--\r\n",
      make_message("line\r\n ends", "first line\r\nsecond line\r\n"),
      make_message("short", "ab cd\r\n"),
      make_message("glob", "GLOB's own [chars] like a*b and why? or [^x]\r\n"),
      make_message("fts", "FTS5 syntax: NEAR(a b) {col}: ^start -not \"q\"uote AND OR x*\r\n"),
      make_message("nul", "before=00after and more=\r\nhref=3D'x'\r\n",
                   "Ann <ann@example.org>", "Mon, 2 Dec 2002 12:06:20 +0800",
                   "Content-Transfer-Encoding: quoted-printable\r\n")};
  const std::filesystem::path corpus = std::filesystem::path(PB_SHARED_DIR) / "corpus" / "real";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(corpus)) files.push_back(e.path());
  ASSERT_GE(files.size(), 100u) << "the shared corpus is missing: " << corpus;
  std::sort(files.begin(), files.end());
  for (std::size_t i = 0; i < files.size() && contents.size() < 110; i += files.size() / 100) {
    std::ifstream in(files[i], std::ios::binary);
    contents.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::vector<Uid> uids = append(inbox, contents);
  std::map<Uid, std::string> by_uid;
  for (std::size_t i = 0; i < uids.size(); ++i) by_uid[uids[i]] = contents[i];

  // Needles: words of the corpus subjects (as written, so in mixed case), and the corners.
  std::vector<std::string> needles = {"strasse", "STRA\xc3\x9f" "E", "gr\xc3\xbc" "sse", "\xcf\x83\xce\xaf\xcf\x83\xcf\x85\xcf\x86",
                                      "der plan", "content-description: der", "subject: par", "\"quoted\"",
                                      "secret plan", "binary needle", "ab", "b c", "line\nsecond", "first line",
                                      "the", "http", "zzzz-not-anywhere", "e-mail", "Re:", "re: ",
                                      "after and", "href", "before", "[chars]", "a*b", "why?", "[^x]",
                                      "*b a", "s [c", "a?b", "near(a", "{col}:", "^start", "-not",
                                      "\"q\"u", "and or", "x*"};
  for (const auto& [uid, text] : by_uid) {
    const std::size_t at = text.find("\nSubject: ");
    if (at == std::string::npos || needles.size() >= 43) continue;
    const std::string subject = text.substr(at + 10, text.find_first_of("\r\n", at + 10) - at - 10);
    const std::size_t space = subject.find(' ', subject.size() / 3);
    if (space != std::string::npos && space + 6 < subject.size()) needles.push_back(subject.substr(space + 1, 5));
  }
  std::map<Uid, std::unique_ptr<mail::Message>> parsed;   // each message parsed once
  for (const auto& [uid, text] : by_uid)
    parsed[uid] = std::make_unique<mail::Message>(std::make_shared<const std::string>(mail::to_crlf(text)));
  auto check_all = [&](const std::string& when) {
    const std::vector<MessageMeta> metas = must(store().list_messages(inbox));
    for (std::size_t n = 0; n < needles.size(); ++n) {
      const std::string& needle = needles[n];
      // TEXT, BODY, and header keys (which the index narrows down to the files to read).
      const std::vector<SearchKey> keys = {key_str(K::text, needle), key_str(K::body, needle),
                                           key_str(K::header, needle, "subject"), key_str(K::header, needle, "From"),
                                           key_str(K::header, needle, "content-description")};
      for (const SearchKey& k : keys) {
        const K kind = k.kind;
        std::vector<SearchKey> programs = {k, key_of(K::not_, {k})};
        if (n < 6) {
          programs.push_back(key_of(K::and_, {k, key_num(K::larger, 3000)}));
          // With a UID set the store reads only the messages inside it (search_bound).
          SearchKey some;
          some.kind = K::uid_set;
          some.uids = uid_set({{uids[2], uids[40]}, {uids[60], uids[60]}});
          programs.push_back(key_of(K::and_, {k, some}));
          programs.push_back(key_of(K::or_, {some, k}));
        }
        for (const SearchKey& program : programs) {
          UidSet expected;
          for (const auto& meta : metas) {
            MessageLoader load = [&]() -> const mail::Message* { return parsed.at(meta.uid).get(); };
            if (search_matches(program, meta, load)) expected.add(meta.uid);
          }
          EXPECT_EQ(must(store().search(inbox, program)).to_string(), expected.to_string())
              << when << ": " << (kind == K::text ? "TEXT" : kind == K::body ? "BODY" : "HEADER " + k.field)
              << " \"" << needle << "\" (kind "
              << static_cast<int>(program.kind) << ")";
        }
      }
    }
  };
  check_all("as appended, not indexed yet");   // every file read, as before the index
  const bool index = backend_->text_index();
  EXPECT_EQ(must(store().rebuild_text_index(false)), index ? uids.size() : 0u);
  check_all("as appended, indexed");
  // Expunge a third; copies share their file with the original, which stays searchable.
  const MailboxId other = must(store().create_mailbox(account(), "Other")).id;
  must(store().copy(inbox, uid_set({{uids[0], uids[10]}}), other));
  UidSet doomed;
  for (std::size_t i = 0; i < uids.size(); i += 3) doomed.add(uids[i]);
  must(store().store_flags(inbox, doomed, StoreMode::add, flags_of(kDeleted)));
  must(store().expunge(inbox, std::nullopt));
  for (const Uid uid : doomed.to_vector()) by_uid.erase(uid);
  check_all("after expunge");
  // A message arriving after the indexing is read from its file until it is indexed.
  append(inbox, {make_message("late", "Die Strasse kommt spaet\r\n")});
  const std::vector<MessageMeta> now = must(store().list_messages(inbox));
  by_uid[now.back().uid] = make_message("late", "Die Strasse kommt spaet\r\n");
  parsed[now.back().uid] = std::make_unique<mail::Message>(std::make_shared<const std::string>(mail::to_crlf(by_uid[now.back().uid])));
  check_all("with one message not indexed");
  EXPECT_EQ(must(store().search(other, key_str(K::text, "strasse"))).to_string(),
            must(store().search(other, key_of(K::or_, {key_str(K::text, "STRASSE"), key_str(K::body, "strasse")}))).to_string());
  // A rebuild indexes each remaining file once (copies share one).
  EXPECT_EQ(must(store().rebuild_text_index(false)), index ? 1u : 0u);   // the late one
  EXPECT_EQ(must(store().rebuild_text_index(false)), 0u);
  std::uint64_t files_left = by_uid.size();
  for (std::size_t i = 0; i <= 10; ++i) files_left += doomed.contains(uids[i]) ? 1 : 0;   // only in Other now
  EXPECT_EQ(must(store().rebuild_text_index(true)), index ? files_left : 0u);
  check_all("after rebuild");
}

TEST_P(StoreConformance, SubscribersHearCommittedChanges) {
  MailboxId inbox = mailbox_id("INBOX");
  MailboxId other = must(store().create_mailbox(account(), "Other")).id;
  std::atomic<int> calls{0};
  std::atomic<int> other_calls{0};
  std::atomic<bool> saw_commit{true};
  auto sub = store().subscribe(inbox, [&] {
    ++calls;
    // Called after commit: the change is visible to a reader.
    auto info = store().list_messages(inbox);
    if (!info.ok()) saw_commit = false;
  });
  auto sub_other = store().subscribe(other, [&] { ++other_calls; });
  append(inbox, {make_message("1", "1\r\n")});
  EXPECT_EQ(calls.load(), 1);
  must(store().store_flags(inbox, all_uids(), StoreMode::add, flags_of(kDeleted)));
  EXPECT_EQ(calls.load(), 2);
  must(store().expunge(inbox, std::nullopt));
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(other_calls.load(), 0);
  append(other, {make_message("2", "2\r\n")});
  must(store().copy(other, all_uids(), inbox));
  EXPECT_EQ(calls.load(), 4);
  EXPECT_EQ(other_calls.load(), 1);
  EXPECT_TRUE(saw_commit.load());

  // A second subscriber on the same mailbox; then the first goes away.
  std::atomic<int> second{0};
  auto sub2 = store().subscribe(inbox, [&] { ++second; });
  sub.reset();
  append(inbox, {make_message("3", "3\r\n")});
  EXPECT_EQ(calls.load(), 4);
  EXPECT_EQ(second.load(), 1);
  sub2.reset();
  append(inbox, {make_message("4", "4\r\n")});
  EXPECT_EQ(second.load(), 1);
}

TEST_P(StoreConformance, SubscriptionDestroyedWhileOtherThreadsWrite) {
  MailboxId inbox = mailbox_id("INBOX");
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    int i = 0;
    while (!stop) append(inbox, {make_message("w" + std::to_string(i++), "x\r\n")});
  });
  for (int round = 0; round < 50; ++round) {
    auto alive = std::make_shared<std::atomic<bool>>(true);
    std::atomic<int> after_death{0};
    auto sub = store().subscribe(inbox, [alive, &after_death] {
      if (!*alive) ++after_death;
    });
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    sub.reset();
    *alive = false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    EXPECT_EQ(after_death.load(), 0);
  }
  stop = true;
  writer.join();
}

}  // namespace pillarbox::store::conformance
