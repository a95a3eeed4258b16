#include "delivery/deliver.h"

#include <utility>
#include <vector>

#include "delivery/message.h"

namespace pillarbox::delivery {

Result<Delivered> deliver(store::MailStore& store, const Target& target, std::string_view return_path,
                          std::string_view recipient, std::string_view message) {
  std::string name = target.mailbox;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto mailbox = store.get_mailbox(target.account.id, name);
    Error gone;
    if (mailbox) {
      std::vector<store::AppendRequest> requests(1);
      requests[0].content = with_trace_headers(return_path, recipient, message);
      auto appended = store.append(mailbox->id, std::move(requests));
      if (appended) return Delivered{target.account.address, mailbox->name, appended->uids.at(0)};
      if (appended.error().code != Errc::not_found) return appended.error();
      gone = appended.error();  // deleted between lookup and append
    } else if (mailbox.error().code != Errc::not_found) {
      return mailbox.error();
    } else {
      gone = mailbox.error();  // deleted or renamed since RCPT
    }
    if (target.public_folder) {
      // The address named this folder and no other, and its owner has no INBOX: try again
      // later, when resolution finds the folder again or answers "no such user".
      return make_error(Errc::unavailable, "the public folder has gone since the recipient was accepted",
                        target.account.address);
    }
    if (name == "INBOX") return gone;  // INBOX exists while the account does: the account has gone
    name = "INBOX";
  }
  return make_error(Errc::unavailable, "mailbox changed during delivery, try again");
}

void RecipientTally::add(const Result<Delivered>& result) {
  if (result) ++delivered_;
  else if (result.error().code == Errc::over_quota) over_quota_ = true;
  else if (result.error().code == Errc::storage_full) system_full_ = true;
  else if (result.error().code != Errc::not_found) temporary_ = true;
}

RecipientOutcome RecipientTally::outcome() const {
  if (system_full_) return RecipientOutcome::system_full;
  if (temporary_) return RecipientOutcome::temporary;
  if (over_quota_) return RecipientOutcome::mailbox_full;
  if (delivered_ > 0) return RecipientOutcome::delivered;
  return RecipientOutcome::no_such_user;
}

}  // namespace pillarbox::delivery
