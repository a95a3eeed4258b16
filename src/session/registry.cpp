#include "session/registry.h"

#include <fmt/format.h>

#include <algorithm>

namespace pillarbox::session {

std::string_view protocol_name(Protocol p) {
  switch (p) {
    case Protocol::imap: return "imap";
    case Protocol::pop3: return "pop3";
    case Protocol::lmtp: return "lmtp";
  }
  return "imap";
}

ConnectionLimits ConnectionLimits::from(const config::Limits& l) {
  ConnectionLimits c;
  c.max_connections = l.max_connections;
  c.max_connections_per_user = l.max_connections_per_user;
  c.max_connections_per_ip = l.max_connections_per_ip;
  c.counting = l.counting == "per-user" ? Counting::per_user : Counting::per_connection;
  return c;
}

Registry::Admission Registry::admit(std::weak_ptr<Closeable> session, SessionInfo info) {
  std::lock_guard lock(mutex_);
  if (counted(info.protocol)) {
    // Per-user counting takes seats at login; the connection ceiling then is what the seats
    // could legitimately use, so unauthenticated connections cannot grow without bound.
    const std::uint64_t ceiling = limits_.counting == Counting::per_connection
                                      ? limits_.max_connections
                                      : std::uint64_t{limits_.max_connections} * limits_.max_connections_per_user;
    if (counted_ >= ceiling) {
      ++refused_[static_cast<int>(Refusal::server_full)];
      return {nullptr, Refusal::server_full};
    }
    auto ip = per_ip_.find(info.remote);
    if (ip != per_ip_.end() && ip->second >= limits_.max_connections_per_ip) {
      ++refused_[static_cast<int>(Refusal::ip_full)];
      return {nullptr, Refusal::ip_full};
    }
    ++counted_;
    ++per_ip_[info.remote];
  }
  info.account.clear();
  ++by_protocol_[static_cast<int>(info.protocol)];
  const std::uint64_t number = next_number_++;
  sessions_.emplace(number, Entry{std::move(session), std::move(info)});
  return {std::unique_ptr<Registration>(new Registration(*this, number)), Refusal::none, stopping_};
}

Refusal Registry::Registration::log_in(const std::string& account) {
  Registry& r = *registry_;
  std::lock_guard lock(r.mutex_);
  auto it = r.sessions_.find(number_);
  if (it == r.sessions_.end() || !counted(it->second.info.protocol)) return Refusal::none;
  SessionInfo& info = it->second.info;
  // Sessions log in once (RFC 3501 §6.2: LOGIN only in the not-authenticated state).
  if (!info.account.empty()) return Refusal::none;
  auto held = r.per_account_.find(account);
  const std::size_t sessions_of_account = held == r.per_account_.end() ? 0 : held->second;
  if (sessions_of_account >= r.limits_.max_connections_per_user) {
    ++r.refused_[static_cast<int>(Refusal::user_full)];
    return Refusal::user_full;
  }
  // A person already seated takes no further seat (seed 000: their extra connections never
  // lock another person out).
  if (r.limits_.counting == Counting::per_user && sessions_of_account == 0 &&
      r.per_account_.size() >= r.limits_.max_connections) {
    ++r.refused_[static_cast<int>(Refusal::seats_full)];
    return Refusal::seats_full;
  }
  info.account = account;
  ++r.per_account_[account];
  ++r.logged_in_;
  return Refusal::none;
}

void Registry::Registration::log_out() {
  Registry& r = *registry_;
  std::lock_guard lock(r.mutex_);
  auto it = r.sessions_.find(number_);
  if (it == r.sessions_.end() || it->second.info.account.empty()) return;
  SessionInfo& info = it->second.info;
  if (counted(info.protocol)) {
    if (auto a = r.per_account_.find(info.account); a != r.per_account_.end() && --a->second == 0)
      r.per_account_.erase(a);
    --r.logged_in_;
  }
  info.account.clear();
}

void Registry::Registration::set_state(std::string_view state, std::string_view mailbox) {
  std::lock_guard lock(registry_->mutex_);
  auto it = registry_->sessions_.find(number_);
  if (it == registry_->sessions_.end()) return;
  it->second.info.state = state;
  it->second.info.mailbox = mailbox;
}

void Registry::Registration::set_tls(std::string description) {
  std::lock_guard lock(registry_->mutex_);
  auto it = registry_->sessions_.find(number_);
  if (it != registry_->sessions_.end()) it->second.info.tls = std::move(description);
}

void Registry::remove(std::uint64_t number) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(number);
  if (it == sessions_.end()) return;
  const SessionInfo& info = it->second.info;
  --by_protocol_[static_cast<int>(info.protocol)];
  if (counted(info.protocol)) {
    --counted_;
    if (auto ip = per_ip_.find(info.remote); ip != per_ip_.end() && --ip->second == 0) per_ip_.erase(ip);
    if (!info.account.empty()) {
      --logged_in_;
      if (auto a = per_account_.find(info.account); a != per_account_.end() && --a->second == 0)
        per_account_.erase(a);
    }
  }
  sessions_.erase(it);
}

void Registry::shutdown_all() {
  std::vector<std::shared_ptr<Closeable>> live;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [number, entry] : sessions_) {
      if (auto s = entry.session.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->request_shutdown(EndReason::shutdown);
}

std::size_t Registry::kick(std::string_view account) {
  std::vector<std::shared_ptr<Closeable>> chosen;
  {
    std::lock_guard lock(mutex_);
    for (auto& [number, entry] : sessions_) {
      if (entry.info.account != account) continue;
      if (auto s = entry.session.lock()) chosen.push_back(std::move(s));
    }
  }
  for (auto& s : chosen) s->request_shutdown(EndReason::kicked);
  return chosen.size();
}

std::vector<SessionInfo> Registry::snapshot() const {
  std::vector<std::pair<std::uint64_t, SessionInfo>> numbered;
  {
    std::lock_guard lock(mutex_);
    numbered.reserve(sessions_.size());
    for (const auto& [number, entry] : sessions_) numbered.emplace_back(number, entry.info);
  }
  std::sort(numbered.begin(), numbered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<SessionInfo> out;
  out.reserve(numbered.size());
  for (auto& [number, info] : numbered) out.push_back(std::move(info));
  return out;
}

Usage Registry::usage() const {
  std::lock_guard lock(mutex_);
  Usage u;
  u.counting = limits_.counting;
  u.capacity = limits_.max_connections;
  u.sessions = sessions_.size();
  u.counted_sessions = counted_;
  u.logged_in = logged_in_;
  u.accounts = per_account_.size();
  u.in_use = limits_.counting == Counting::per_connection ? counted_ : per_account_.size();
  for (int i = 0; i < 3; ++i) u.by_protocol[i] = by_protocol_[i];
  for (int i = 0; i < 5; ++i) u.refused[i] = refused_[i];
  return u;
}

std::size_t Registry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

std::string refusal_text(Refusal refusal, const ConnectionLimits& limits) {
  switch (refusal) {
    case Refusal::none: return "";
    case Refusal::server_full:
      return limits.counting == Counting::per_connection
                 ? fmt::format("All {} connections are in use; try again later", limits.max_connections)
                 : "Too many connections; try again later";
    case Refusal::ip_full:
      return fmt::format("Too many connections from your address (limit {})", limits.max_connections_per_ip);
    case Refusal::user_full:
      return fmt::format("Too many connections for this account (limit {}); close another one first",
                         limits.max_connections_per_user);
    case Refusal::seats_full:
      return fmt::format("All {} seats are in use; try again later", limits.max_connections);
  }
  return "";
}

std::string_view refusal_name(Refusal refusal) {
  switch (refusal) {
    case Refusal::none: return "none";
    case Refusal::server_full: return "server_full";
    case Refusal::ip_full: return "ip_full";
    case Refusal::user_full: return "user_full";
    case Refusal::seats_full: return "seats_full";
  }
  return "none";
}

}  // namespace pillarbox::session
