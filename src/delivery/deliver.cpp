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
    if (!mailbox && mailbox.error().code == Errc::not_found && name != "INBOX") {
      name = "INBOX";  // deleted or renamed since RCPT; INBOX always exists while the account does
      continue;
    }
    if (!mailbox) return mailbox.error();
    std::vector<store::AppendRequest> requests(1);
    requests[0].content = with_trace_headers(return_path, recipient, message);
    auto appended = store.append(mailbox->id, std::move(requests));
    if (appended) return Delivered{target.account.address, mailbox->name, appended->uids.at(0)};
    if (appended.error().code != Errc::not_found || name == "INBOX") return appended.error();
    name = "INBOX";  // deleted between lookup and append
  }
  return make_error(Errc::unavailable, "mailbox changed during delivery, try again");
}

}  // namespace pillarbox::delivery
