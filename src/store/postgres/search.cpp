#include "store/postgres/search.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "mail/message.h"
#include "store/postgres/messages.h"
#include "store/postgres/ops.h"
#include "store/search_eval.h"

namespace pillarbox::store::postgres {
namespace {

// Messages whose content is read in one statement: bounds the memory a SEARCH BODY over a big
// mailbox holds at once.
constexpr std::size_t kContentBatch = 64;

}  // namespace

Result<UidSet> PgSearch::search(MailboxId mailbox, const SearchKey& program) {
  const bool content = search_needs_content(program);
  // Header keys (SUBJECT, FROM, HEADER, SENT*) need only the header block, which is cached.
  const bool body = search_needs_body(program);
  return transact(pool_, "search", [&](Conn& c) -> Result<UidSet> {
    c.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");  // metadata and bytes agree
    if (c.query("SELECT 1 FROM mailboxes WHERE id = $1", {mailbox}).empty())
      return make_error(Errc::not_found, "No such mailbox");
    UidSet out;
    const std::optional<UidSet> bound = search_bound(program);
    if (bound && bound->empty()) return out;
    const std::string columns = std::string(kMetaColumns) + (content ? ", m.blob_id" : "");
    Rows r = bound ? select_in_set(c, columns, mailbox, *bound)
                   : c.query("SELECT " + columns + " FROM messages AS m WHERE m.mailbox_id = $1 ORDER BY m.uid",
                             {mailbox});
    if (!content) {
      for (int i = 0; i < r.size(); ++i) {
        const MessageMeta meta = meta_at(r, i);
        if (search_matches(program, meta, [] { return nullptr; })) out.add(meta.uid);
      }
      return out;
    }
    for (int start = 0; start < r.size(); start += static_cast<int>(kContentBatch)) {
      const int end = std::min(r.size(), start + static_cast<int>(kContentBatch));
      // The batch's bytes, skipping blobs whose header block is cached when only it is needed.
      std::vector<std::string> wanted;
      std::vector<std::shared_ptr<const mail::Message>> cached(static_cast<std::size_t>(end - start));
      for (int i = start; i < end; ++i) {
        const BlobId id = r.text(i, kMetaColumnCount);
        if (!body) cached[static_cast<std::size_t>(i - start)] = headers_.find(id);
        if (!cached[static_cast<std::size_t>(i - start)]) wanted.push_back(id);
      }
      std::unordered_map<std::string, std::string> bytes;
      if (!wanted.empty()) {
        Rows b = c.query_binary("SELECT id, bytes FROM blobs WHERE id = ANY($1::text[])", {text_array(wanted)});
        for (int j = 0; j < b.size(); ++j) bytes.emplace(b.text(j, 0), b.bytes(j, 1));
      }
      for (int i = start; i < end; ++i) {
        const MessageMeta meta = meta_at(r, i);
        const BlobId id = r.text(i, kMetaColumnCount);
        std::optional<mail::Message> parsed;
        std::shared_ptr<const mail::Message>& header = cached[static_cast<std::size_t>(i - start)];
        MessageLoader load = [&]() -> const mail::Message* {
          if (!body) {
            if (!header) {
              auto it = bytes.find(id);
              if (it == bytes.end()) return nullptr;
              header = std::make_shared<const mail::Message>(
                  std::make_shared<const std::string>(mail::to_crlf(mail::header_of(it->second))));
              headers_.insert(id, header);
            }
            return header.get();
          }
          auto it = bytes.find(id);
          if (it == bytes.end()) return nullptr;
          parsed.emplace(std::make_shared<const std::string>(mail::to_crlf(it->second)));
          return &*parsed;
        };
        if (search_matches(program, meta, load)) out.add(meta.uid);
      }
    }
    return out;
  });
}

}  // namespace pillarbox::store::postgres
