// Conformance of the quota verbs (RFC 9208; SPEC "Quota"): limits per account or by default,
// usage from every mailbox of the owner, and refusal of growth past a limit by append and copy
// (all or none), whoever writes.
#include "conformance.h"

namespace pillarbox::store::conformance {
namespace {

UidSet all() { return uid_set({{1, 0xffffffffu}}); }

std::vector<AppendRequest> requests(const std::vector<std::string>& contents) {
  std::vector<AppendRequest> out;
  for (const auto& c : contents) out.push_back(AppendRequest{c, {}, std::nullopt, 0});
  return out;
}

}  // namespace

TEST_P(StoreConformance, QuotaUsageCountsEveryMailboxAndFollowsChanges) {
  Quota q = must(store().get_quota(account()));
  EXPECT_FALSE(q.own);
  EXPECT_FALSE(q.limits.any());
  EXPECT_EQ(q.usage.messages, 0u);
  EXPECT_EQ(q.usage.storage_octets, 0u);
  const std::string m1 = make_message("one", "first");
  const std::string m2 = make_message("two", "second message");
  append(mailbox_id("INBOX"), {m1, m2});
  const MailboxId work = must(store().create_mailbox(account(), "Work")).id;
  must(store().copy(mailbox_id("INBOX"), all(), work));  // copies count in full
  q = must(store().get_quota(account()));
  EXPECT_EQ(q.usage.messages, 4u);
  EXPECT_EQ(q.usage.storage_octets, 2 * (m1.size() + m2.size()));
  EXPECT_EQ(q.usage.storage_kib(), (2 * (m1.size() + m2.size()) + 1023) / 1024);
  must(store().store_flags(work, uid_set({{1, 1}}), StoreMode::add, flags_of(kDeleted)));
  DeletedSummary deleted = must(store().deleted_summary(work));
  EXPECT_EQ(deleted.messages, 1u);
  EXPECT_EQ(deleted.storage_octets, m1.size());
  must(store().expunge(work, std::nullopt));
  EXPECT_EQ(must(store().deleted_summary(work)).messages, 0u);
  EXPECT_EQ(must(store().get_quota(account())).usage.messages, 3u);
  must(store().delete_mailbox(account(), "Work"));
  q = must(store().get_quota(account()));
  EXPECT_EQ(q.usage.messages, 2u);
  EXPECT_EQ(q.usage.storage_octets, m1.size() + m2.size());
  EXPECT_EQ(store().get_quota(987654321).error().code, Errc::not_found);
  EXPECT_EQ(store().deleted_summary(987654321).error().code, Errc::not_found);
}

TEST_P(StoreConformance, QuotaLimitsOwnOrDefault) {
  store().set_default_quota(QuotaLimits{100, std::nullopt});
  Quota q = must(store().get_quota(account()));
  EXPECT_FALSE(q.own);
  EXPECT_EQ(q.limits, (QuotaLimits{100, std::nullopt}));
  must(store().set_quota(account(), QuotaLimits{std::nullopt, 7}));
  q = must(store().get_quota(account()));
  EXPECT_TRUE(q.own);
  EXPECT_EQ(q.limits, (QuotaLimits{std::nullopt, 7}));
  // Own limits with none set: no limit at all, whatever the default.
  must(store().set_quota(account(), QuotaLimits{}));
  q = must(store().get_quota(account()));
  EXPECT_TRUE(q.own);
  EXPECT_FALSE(q.limits.any());
  must(store().set_quota(account(), std::nullopt));
  EXPECT_EQ(must(store().get_quota(account())).limits, (QuotaLimits{100, std::nullopt}));
  // The public folders' owner does not follow the default.
  EXPECT_FALSE(must(store().get_quota(store().public_account())).limits.any());
  EXPECT_EQ(store().set_quota(987654321, QuotaLimits{}).error().code, Errc::not_found);
  // Limits survive a restart; the default is the caller's to set again.
  must(store().set_quota(account(), QuotaLimits{5, 6}));
  reopen();
  EXPECT_EQ(must(store().get_quota(account())).limits, (QuotaLimits{5, 6}));
}

TEST_P(StoreConformance, QuotaRefusesAppendPastALimitAllOrNone) {
  const MailboxId inbox = mailbox_id("INBOX");
  must(store().set_quota(account(), QuotaLimits{std::nullopt, 3}));
  auto refused = store().append(inbox, requests({"a\r\n", "b\r\n", "c\r\n", "d\r\n"}));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::over_quota);
  EXPECT_EQ(mailbox("INBOX").messages, 0u);
  must(store().append(inbox, requests({"a\r\n", "b\r\n", "c\r\n"})));
  EXPECT_EQ(store().append(inbox, requests({"d\r\n"})).error().code, Errc::over_quota);
  // Storage: 1 KiB.
  must(store().set_quota(account(), QuotaLimits{1, std::nullopt}));
  must(store().append(inbox, requests({std::string(1024 - 9, 'x')})));  // 9 used already: exactly 1024
  EXPECT_EQ(store().append(inbox, requests({"e"})).error().code, Errc::over_quota);
  // Lowering a limit below usage refuses growth only; removing a message makes room.
  must(store().set_quota(account(), QuotaLimits{std::nullopt, 2}));
  EXPECT_EQ(mailbox("INBOX").messages, 4u);
  must(store().expunge_uids(inbox, uid_set({{1, 3}})));
  must(store().append(inbox, requests({"f\r\n"})));
  EXPECT_EQ(store().append(inbox, requests({"g\r\n"})).error().code, Errc::over_quota);
}

TEST_P(StoreConformance, QuotaRefusesCopyAndCountsAgainstTheTargetOwner) {
  const AccountId bob = must(store().directory().add_account("bob@example.com", "h"));
  const MailboxId bob_inbox = must(store().get_mailbox(bob, "INBOX")).id;
  const MailboxId inbox = mailbox_id("INBOX");
  append(inbox, {"a\r\n", "b\r\n", "c\r\n"});
  must(store().set_quota(bob, QuotaLimits{std::nullopt, 2}));
  // Into bob's mailbox (as a shared mailbox would be written): bob's quota decides, all or none.
  auto refused = store().copy(inbox, all(), bob_inbox);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::over_quota);
  EXPECT_EQ(must(store().get_mailbox(bob, "INBOX")).messages, 0u);
  must(store().copy(inbox, uid_set({{1, 2}}), bob_inbox));
  EXPECT_EQ(must(store().get_quota(bob)).usage.messages, 2u);
  EXPECT_EQ(must(store().get_quota(account())).usage.messages, 3u);
  EXPECT_EQ(store().append(bob_inbox, requests({"d\r\n"})).error().code, Errc::over_quota);
  // Within an account the copies count too.
  must(store().set_quota(account(), QuotaLimits{std::nullopt, 4}));
  EXPECT_EQ(store().copy(inbox, all(), inbox).error().code, Errc::over_quota);
  must(store().copy(inbox, uid_set({{1, 1}}), inbox));
  // Copying nothing never fails.
  must(store().copy(inbox, uid_set({{100, 200}}), inbox));
}

}  // namespace pillarbox::store::conformance
