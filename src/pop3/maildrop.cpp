#include "pop3/maildrop.h"

#include <fmt/format.h>

#include "pop3/command.h"

namespace pillarbox::pop3 {

Maildrop::Maildrop(std::uint32_t uid_validity, const std::vector<store::MessageMeta>& messages)
    : uid_validity_(uid_validity) {
  messages_.reserve(messages.size());
  for (const auto& m : messages) messages_.push_back(Message{m.uid, m.size});
}

std::uint32_t Maildrop::live_count() const {
  std::uint32_t n = 0;
  for (const auto& m : messages_) n += m.deleted ? 0 : 1;
  return n;
}

std::string Maildrop::summary() const {
  const std::uint32_t n = live_count();
  return fmt::format("{} message{} ({} octets)", n, n == 1 ? "" : "s", live_octets());
}

std::uint64_t Maildrop::live_octets() const {
  std::uint64_t n = 0;
  for (const auto& m : messages_) n += m.deleted ? 0 : m.size;
  return n;
}

Result<Maildrop::Message*> Maildrop::find(std::uint64_t number) {
  if (number == 0 || number > messages_.size()) return make_error(Errc::not_found, "No such message");
  Message& m = messages_[number - 1];
  // RFC 1939 §5: a message marked as deleted may not be referred to.
  if (m.deleted) return make_error(Errc::not_found, fmt::format("Message {} already deleted", number));
  return &m;
}

void Maildrop::reset() {
  for (auto& m : messages_) m.deleted = false;
}

store::UidSet Maildrop::deleted_uids() const {
  store::UidSet out;
  for (const auto& m : messages_) {
    if (m.deleted) out.add(m.uid);
  }
  return out;
}

store::UidSet Maildrop::retrieved_uids() const {
  store::UidSet out;
  for (const auto& m : messages_) {
    if (m.retrieved && !m.deleted) out.add(m.uid);
  }
  return out;
}

std::string Maildrop::unique_id(const Message& m) const { return pop3::unique_id(uid_validity_, m.uid); }

}  // namespace pillarbox::pop3
