// Conformance of the storage verbs behind other users' mailboxes and public folders: ACL
// entries, the public folders' owner, private \Seen, flag masks and mailbox addresses.
#include "conformance.h"

namespace pillarbox::store::conformance {
namespace {

UidSet all() { return uid_set({{1, 0xffffffffu}}); }

}  // namespace

TEST_P(StoreConformance, AclEntriesAreKeptAsTextPerIdentifier) {
  const MailboxId inbox = mailbox_id("INBOX");
  EXPECT_TRUE(must(store().get_acl(inbox)).empty());
  must(store().set_acl(inbox, "Alice@Example.COM", "lr"));
  must(store().set_acl(inbox, "anyone", "l"));
  must(store().set_acl(inbox, "-alice@example.com", "r"));
  must(store().set_acl(inbox, "alice@example.com", "lrs"));  // replaces, case-insensitively
  auto acl = must(store().get_acl(inbox));
  ASSERT_EQ(acl.size(), 3u);
  EXPECT_EQ(acl[0], (AclEntry{"-alice@example.com", "r"}));
  EXPECT_EQ(acl[1], (AclEntry{"alice@example.com", "lrs"}));
  EXPECT_EQ(acl[2], (AclEntry{"anyone", "l"}));

  must(store().delete_acl(inbox, "ANYONE"));
  EXPECT_EQ(must(store().get_acl(inbox)).size(), 2u);
  auto gone = store().delete_acl(inbox, "anyone");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, Errc::not_found);
  // An entry for an address that is not an account yet does not pass to the account made later.
  must(store().set_acl(inbox, "later@example.com", "lr"));
  must(store().set_acl(inbox, "-later@example.com", "r"));
  must(store().directory().add_account("later@example.com", "h"));
  EXPECT_EQ(must(store().get_acl(inbox)).size(), 2u);
  auto missing = store().set_acl(987654321, "anyone", "l");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_EQ(store().get_acl(987654321).error().code, Errc::not_found);
}

TEST_P(StoreConformance, ListSharedFindsOthersMailboxesByIdentifier) {
  const AccountId bob = must(store().directory().add_account("bob@example.com", "h"));
  const MailboxInfo project = must(store().create_mailbox(bob, "Project"));
  must(store().create_mailbox(bob, "Private"));
  must(store().set_acl(project.id, "user@example.com", "lr"));
  must(store().set_acl(project.id, "carol@example.com", "lrswi"));
  const MailboxInfo news = must(store().create_mailbox(store().public_account(), "News"));
  must(store().set_acl(news.id, "anyone", "lr"));
  // The viewer's own mailboxes are never "shared with" the viewer.
  must(store().set_acl(mailbox_id("INBOX"), "user@example.com", "l"));

  auto shared = must(store().list_shared(account(), {"USER@example.com", "anyone", "authenticated"}));
  ASSERT_EQ(shared.size(), 2u);
  // Public folders first, then by owner address and name.
  EXPECT_EQ(shared[0].info.name, "News");
  EXPECT_EQ(shared[0].owner, store().public_account());
  EXPECT_EQ(shared[0].owner_address, "");
  ASSERT_EQ(shared[0].entries.size(), 1u);
  EXPECT_EQ(shared[0].entries[0], (AclEntry{"anyone", "lr"}));
  EXPECT_EQ(shared[1].info.name, "Project");
  EXPECT_EQ(shared[1].info.id, project.id);
  EXPECT_EQ(shared[1].info.uid_validity, project.uid_validity);
  EXPECT_EQ(shared[1].owner, bob);
  EXPECT_EQ(shared[1].owner_address, "bob@example.com");
  ASSERT_EQ(shared[1].entries.size(), 1u);  // only the identifiers asked for
  EXPECT_EQ(shared[1].entries[0], (AclEntry{"user@example.com", "lr"}));

  EXPECT_TRUE(must(store().list_shared(account(), {"nobody@example.com"})).empty());
  // Deleting an account takes the rights granted to it along.
  must(store().directory().delete_account("user@example.com"));
  EXPECT_EQ(must(store().get_acl(project.id)).size(), 1u);
}

TEST_P(StoreConformance, PrivateSeenIsPerReaderAndBumpsModSeq) {
  const MailboxId inbox = mailbox_id("INBOX");
  append(inbox, {make_message("a", "1"), make_message("b", "2"), make_message("c", "3")});
  const AccountId alice = must(store().directory().add_account("alice@example.com", "h"));
  const AccountId carol = must(store().directory().add_account("carol@example.com", "h"));
  const ModSeq before = mailbox("INBOX").highest_modseq;

  auto changed = must(store().set_private_seen(inbox, alice, uid_set({{1, 2}, {50, 60}}), true));
  ASSERT_EQ(changed.updated.size(), 2u);
  EXPECT_EQ(changed.updated[1].uid, 2u);
  EXPECT_GT(changed.updated[1].modseq, before);
  EXPECT_FALSE(changed.updated[1].flags.has(kSeen));
  EXPECT_EQ(must(store().private_seen(inbox, alice)), uid_set({{1, 2}}));
  EXPECT_TRUE(must(store().private_seen(inbox, carol)).empty());
  // The shared flags are untouched; the change is visible to changes_since.
  for (const auto& m : must(store().list_messages(inbox))) EXPECT_FALSE(m.flags.has(kSeen));
  auto changes = must(store().changes_since(inbox, before));
  ASSERT_EQ(changes.changed.size(), 2u);
  EXPECT_GT(changes.highest_modseq, before);
  // Setting what is already set changes nothing.
  EXPECT_TRUE(must(store().set_private_seen(inbox, alice, uid_set({{1, 1}}), true)).updated.empty());
  auto cleared = must(store().set_private_seen(inbox, alice, uid_set({{2, 3}}), false));
  ASSERT_EQ(cleared.updated.size(), 1u);
  EXPECT_EQ(cleared.updated[0].uid, 2u);
  EXPECT_EQ(must(store().private_seen(inbox, alice)), uid_set({{1, 1}}));

  // Expunged messages leave no private state behind.
  must(store().set_private_seen(inbox, carol, all(), true));
  must(store().expunge_uids(inbox, uid_set({{1, 1}})));
  EXPECT_TRUE(must(store().private_seen(inbox, alice)).empty());
  EXPECT_EQ(must(store().private_seen(inbox, carol)), uid_set({{2, 3}}));
  EXPECT_EQ(store().private_seen(987654321, alice).error().code, Errc::not_found);
}

TEST_P(StoreConformance, FlagMaskLimitsStoreAndCopy) {
  const MailboxId inbox = mailbox_id("INBOX");
  append(inbox, {make_message("a", "1")}, flags_of(kFlagged | kSeen, {"Work"}));
  // Only \Deleted may change (right "t"): a replace keeps everything else.
  FlagMask only_deleted{kDeleted, false};
  auto r = must(store().store_flags(inbox, all(), StoreMode::replace, flags_of(kDeleted | kAnswered, {"Home"}),
                                    only_deleted, std::nullopt));
  ASSERT_EQ(r.updated.size(), 1u);
  EXPECT_EQ(r.updated[0].flags, flags_of(kFlagged | kSeen | kDeleted, {"Work"}));
  r = must(store().store_flags(inbox, all(), StoreMode::remove, flags_of(kSeen | kDeleted, {"Work"}), only_deleted,
                               std::nullopt));
  EXPECT_EQ(r.updated[0].flags, flags_of(kFlagged | kSeen, {"Work"}));

  const MailboxInfo target = must(store().create_mailbox(account(), "Target"));
  auto copied = must(store().copy(inbox, all(), target.id, FlagMask{kSeen, false}));
  ASSERT_EQ(copied.target_uids.size(), 1u);
  auto metas = must(store().list_messages(target.id));
  ASSERT_EQ(metas.size(), 1u);
  EXPECT_EQ(metas[0].flags, flags_of(kSeen, {}));
}

TEST_P(StoreConformance, MailboxAddressesAreUniqueAcrossAccountsAndAliases) {
  const MailboxInfo news = must(store().create_mailbox(store().public_account(), "News"));
  EXPECT_EQ(must(store().mailbox_address(news.id)), "");
  must(store().set_mailbox_address(news.id, "News@Example.com"));
  EXPECT_EQ(must(store().mailbox_address(news.id)), "news@example.com");
  auto found = must(store().find_mailbox_address("NEWS@example.com"));
  EXPECT_EQ(found.first, store().public_account());
  EXPECT_EQ(found.second.id, news.id);
  EXPECT_EQ(found.second.name, "News");

  EXPECT_EQ(store().set_mailbox_address(news.id, "user@example.com").error().code, Errc::already_exists);
  must(store().directory().add_alias("sales@example.com", "user@example.com"));
  EXPECT_EQ(store().set_mailbox_address(news.id, "sales@example.com").error().code, Errc::already_exists);
  EXPECT_EQ(store().directory().add_account("news@example.com", "h").error().code, Errc::already_exists);
  EXPECT_EQ(store().directory().add_alias("news@example.com", "user@example.com").error().code,
            Errc::already_exists);
  const MailboxInfo other = must(store().create_mailbox(store().public_account(), "Other"));
  EXPECT_EQ(store().set_mailbox_address(other.id, "news@example.com").error().code, Errc::already_exists);

  // Renaming keeps the address; deleting the mailbox frees it.
  must(store().rename_mailbox(store().public_account(), "News", "Board"));
  EXPECT_EQ(must(store().find_mailbox_address("news@example.com")).second.name, "Board");
  must(store().delete_mailbox(store().public_account(), "Board"));
  EXPECT_EQ(store().find_mailbox_address("news@example.com").error().code, Errc::not_found);
  must(store().set_mailbox_address(other.id, "news@example.com"));
  must(store().set_mailbox_address(other.id, ""));
  EXPECT_EQ(store().find_mailbox_address("news@example.com").error().code, Errc::not_found);
}

TEST_P(StoreConformance, MailboxIdsAreNeverReused) {
  // A session may still have a deleted mailbox selected; its id must never lead elsewhere.
  const MailboxInfo last = must(store().create_mailbox(account(), "Last"));
  must(store().delete_mailbox(account(), "Last"));
  const AccountId other = must(store().directory().add_account("other@example.com", "h"));
  const MailboxInfo inbox = must(store().get_mailbox(other, "INBOX"));
  EXPECT_NE(inbox.id, last.id);
  EXPECT_EQ(store().list_messages(last.id).error().code, Errc::not_found);
  reopen();
  const MailboxInfo again = must(store().create_mailbox(account(), "Last"));
  EXPECT_GT(again.id, inbox.id);
}

TEST_P(StoreConformance, PublicFolderNamesHaveNoInboxRule) {
  const AccountId owner = store().public_account();
  const MailboxInfo lower = must(store().create_mailbox(owner, "inbox"));
  EXPECT_EQ(lower.name, "inbox");
  const MailboxInfo upper = must(store().create_mailbox(owner, "INBOX"));
  EXPECT_NE(upper.id, lower.id);
  must(store().rename_mailbox(owner, "INBOX", "Old"));
  EXPECT_EQ(must(store().get_mailbox(owner, "Old")).id, upper.id);  // moved, not emptied
  must(store().delete_mailbox(owner, "inbox"));
  EXPECT_EQ(store().get_mailbox(owner, "inbox").error().code, Errc::not_found);
}

}  // namespace pillarbox::store::conformance
