#include "store/append_prep.h"

#include <memory>

#include "mail/message.h"
#include "store/row_codec.h"

namespace pillarbox::store {

PreparedAppend prepare_append(const AppendRequest& req, std::int64_t now) {
  PreparedAppend p;
  auto served = std::make_shared<const std::string>(mail::to_crlf(req.content));
  p.size = served->size();
  mail::Message parsed(served);
  p.envelope = parsed.envelope();
  p.body_structure = parsed.body_structure(true);
  p.body = parsed.body_structure(false);
  p.flags = normalized(req.flags);
  p.internal_date = req.internal_date.value_or(now);
  p.internal_date_tz = req.internal_date_tz;
  return p;
}

}  // namespace pillarbox::store
