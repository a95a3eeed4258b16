#include "admin/deliver.h"

#include <fmt/format.h>

#include <iostream>

#include "admin/context.h"

#include "delivery/deliver.h"
#include "delivery/message.h"
#include "delivery/resolve.h"

namespace pillarbox::admin {
namespace {

struct DeliverOptions {
  std::string address;
  std::string mailbox;
  std::string from;
};

int fail(int code, const std::string& text) {
  std::cerr << "pillarbox: " << text << "\n";
  return code;
}

int deliver(const GlobalOptions& options, const DeliverOptions& args) {
  auto config = load_config(options);
  if (!config) return fail(kExTempFail, config.error().text);
  bool too_big = false;
  const std::string message = read_message(std::cin, config->limits.max_message_octets, too_big);
  if (too_big)
    return fail(kExDataErr, fmt::format("message larger than limits.max_message_octets ({} octets)",
                                        config->limits.max_message_octets));
  auto store = open_store(*config);
  if (!store) return fail(kExTempFail, store.error().text);
  auto targets = delivery::resolve(**store, args.address);
  if (!targets) {
    if (targets.error().code == Errc::not_found) return fail(kExNoUser, fmt::format("{}: no such user", args.address));
    return fail(kExTempFail, fmt::format("{}: {}", args.address, targets.error().text));
  }
  // "<sender>" and "sender" both work; "" and "<>" are the null sender.
  std::string_view sender = args.from;
  if (sender.size() >= 2 && sender.front() == '<' && sender.back() == '>') sender = sender.substr(1, sender.size() - 2);
  // Every target gets its copy, whatever happened at another (an alias where one account is
  // full); the exit status is then the recipient's outcome, as LMTP's reply (RecipientTally).
  delivery::RecipientTally tally;
  for (auto target : *targets) {
    if (!args.mailbox.empty() && !target.public_folder) {
      // Like dovecot-lda -m: the named mailbox when it exists, INBOX otherwise. A public
      // folder's address names its folder alone, so --mailbox does not apply to it.
      auto chosen = delivery::choose_mailbox(**store, target.account, args.mailbox);
      if (!chosen) {
        tally.add(chosen.error());
        std::cerr << fmt::format("pillarbox: {}: {}\n", target.account.address, chosen.error().text);
        continue;
      }
      target.mailbox = std::move(chosen.value());
    }
    auto done = delivery::deliver(**store, target, sender, args.address, message);
    tally.add(done);
    if (!done) {
      // The account went away meanwhile: not an error unless no target is left.
      if (done.error().code == Errc::not_found) continue;
      std::cerr << fmt::format("pillarbox: {}: {}{}\n", target.account.address,
                               done.error().code == Errc::over_quota ? "mailbox is full: " : "", done.error().text);
      continue;
    }
    // The running server learns of the change at once (sessions in IDLE, RFC 2177); when it
    // does not run, or the socket is not there, the message is stored all the same.
    if (auto info = (*store)->get_mailbox(target.account.id, done->mailbox)) announce_changed(*config, info->id);
  }
  switch (tally.outcome()) {
    case delivery::RecipientOutcome::delivered: return 0;
    case delivery::RecipientOutcome::no_such_user: return fail(kExNoUser, fmt::format("{}: no such user", args.address));
    // Over quota: permanent unless [quota] full_tempfail (as LMTP's 552 5.2.2 / 452 4.2.2).
    case delivery::RecipientOutcome::mailbox_full:
      return config->quota_full_tempfail ? kExTempFail : kExCantCreate;
    // Copies already stored stay; the MTA retries the whole message (a duplicate, never a loss).
    case delivery::RecipientOutcome::temporary:
    case delivery::RecipientOutcome::system_full: return kExTempFail;
  }
  return kExTempFail;
}

}  // namespace

std::string read_message(std::istream& in, std::uint64_t max_octets, bool& too_big) {
  too_big = false;
  std::string raw;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    const auto n = static_cast<std::size_t>(in.gcount());
    if (!too_big) {
      if (raw.size() + n > max_octets) {
        too_big = true;
        std::string().swap(raw);
      } else {
        raw.append(buffer, n);
      }
    }
  }
  if (too_big) return {};
  std::string crlf = delivery::to_crlf(raw);
  // The limit is on the message as stored, after bare LFs became CRLF.
  if (crlf.size() > max_octets) {
    too_big = true;
    return {};
  }
  return crlf;
}

void add_deliver_command(CLI::App& app, GlobalOptions& options, int& status) {
  auto* cmd = app.add_subcommand("deliver", "Deliver one message from standard input (local delivery agent)");
  static DeliverOptions args;
  cmd->add_option("ADDRESS", args.address, "Recipient: an account, an alias, user+mailbox@domain, or a public folder's address")->required();
  cmd->add_option("--mailbox", args.mailbox, "Mailbox to deliver to when it exists (INBOX otherwise); not for a public folder's address");
  cmd->add_option("--from", args.from, "Envelope sender for Return-Path (default: the null sender <>)");
  cmd->footer(
      "Exit status (sysexits): 0 delivered to every account the address reaches; 65 message too large; "
      "67 no such user; 73 a mailbox is full (over quota); 75 temporary failure, or a full mailbox with "
      "[quota] full_tempfail (the MTA should retry). Every account gets its copy whatever happens at another.");
  cmd->callback([&] { status = deliver(options, args); });
}

}  // namespace pillarbox::admin
