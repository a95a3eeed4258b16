// SEARCH in PostgreSQL (RFC 3501 §6.4.4): the store's shared evaluator (store/search_eval.h)
// over the messages the program's UID bounds allow, with their content read from the database
// in batches when a key needs it. There is no full-text index on this store yet, so TEXT and
// BODY read the messages' bytes, as the SQLite store does for messages not yet indexed.
#pragma once

#include "store/header_cache.h"
#include "store/mail_store.h"
#include "store/postgres/pg.h"

namespace pillarbox::store::postgres {

class PgSearch {
 public:
  PgSearch(Pool& pool, HeaderCache& headers) : pool_(pool), headers_(headers) {}
  Result<UidSet> search(MailboxId mailbox, const SearchKey& program);

 private:
  Pool& pool_;
  HeaderCache& headers_;
};

}  // namespace pillarbox::store::postgres
