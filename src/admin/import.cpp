#include "admin/import.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "access/names.h"
#include "admin/maildir.h"
#include "base/ascii.h"

namespace pillarbox::admin {
namespace {

namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::io, fmt::format("{}: cannot open", path.string()));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return make_error(Errc::io, fmt::format("{}: read error", path.string()));
  return buffer.str();
}

Status flush_batch(store::MailStore& store, store::MailboxId mailbox, std::vector<store::AppendRequest>& batch,
                   ImportSummary& summary) {
  if (batch.empty()) return {};
  std::size_t n = batch.size();
  auto done = store.append(mailbox, std::move(batch));
  batch.clear();
  if (!done) return done.error();
  summary.messages += n;
  return {};
}

}  // namespace

Status import_path(store::MailStore& store, const std::string& address, const std::string& path,
                   const std::string& mailbox_name, MboxVariant variant, ImportSummary& summary) {
  auto account = store.directory().find_account(ascii::lower(address));
  if (!account) return make_error(Errc::not_found, fmt::format("{}: no such account", address));
  std::string name = ascii::iequals(mailbox_name, "INBOX") ? "INBOX" : mailbox_name;
  auto mailbox = store.get_mailbox(account->id, name);
  if (!mailbox && mailbox.error().code == Errc::not_found) {
    // The rules of IMAP CREATE: a valid modified UTF-7 name that no namespace claims.
    if (auto problem = access::mailbox_name_problem(name)) return make_error(Errc::invalid, *problem, name);
    if (access::reserved_personal_name(name))
      return make_error(Errc::invalid, "\"" + name + "\" belongs to a namespace (Other users/, Public Folders/)", name);
    auto made = store.create_mailbox(account->id, name);
    if (!made) return made.error();
    mailbox = std::move(made);
  }
  if (!mailbox) return mailbox.error();
  summary.mailbox = mailbox->id;

  std::vector<store::AppendRequest> batch;
  constexpr std::size_t kBatch = 200;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    if (!fs::is_directory(fs::path(path) / "cur", ec) && !fs::is_directory(fs::path(path) / "new", ec))
      return make_error(Errc::invalid, fmt::format("{}: a directory but not a Maildir (no cur/ or new/)", path));
    struct Entry {
      fs::path file;
      bool from_new;
    };
    std::vector<Entry> entries;
    for (const char* sub : {"cur", "new"}) {
      fs::path dir = fs::path(path) / sub;
      if (!fs::is_directory(dir, ec)) continue;
      for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (e.is_regular_file(ec) && maildir_message_file(e.path().filename().string()))
          entries.push_back({e.path(), std::string_view(sub) == "new"});
      }
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      return maildir_arrival_less(a.file.filename().string(), b.file.filename().string());
    });
    for (const auto& e : entries) {
      auto bytes = read_file(e.file);
      if (!bytes) return bytes.error();
      store::AppendRequest request;
      request.content = std::move(bytes.value());
      if (request.content.empty()) continue;
      request.flags.system = e.from_new ? 0 : maildir_flags(e.file.filename().string());
      struct stat st{};
      if (::stat(e.file.c_str(), &st) == 0) request.internal_date = st.st_mtime;
      summary.octets += request.content.size();
      batch.push_back(std::move(request));
      if (batch.size() >= kBatch) {
        if (auto s = flush_batch(store, mailbox->id, batch, summary); !s) return s.error();
      }
    }
  } else {
    auto bytes = read_file(path);
    if (!bytes) return bytes.error();
    auto messages = split_mbox(*bytes, variant);
    if (messages.empty() && !bytes->empty())
      return make_error(Errc::invalid, fmt::format("{}: not an mbox file (no \"From \" line)", path));
    for (auto& m : messages) {
      if (m.content.empty()) continue;
      store::AppendRequest request;
      request.content = std::move(m.content);
      request.internal_date = m.from_date;
      summary.octets += request.content.size();
      batch.push_back(std::move(request));
      if (batch.size() >= kBatch) {
        if (auto s = flush_batch(store, mailbox->id, batch, summary); !s) return s.error();
      }
    }
  }
  return flush_batch(store, mailbox->id, batch, summary);
}

void add_import_command(CLI::App& app, GlobalOptions& options, int& status) {
  auto* cmd = app.add_subcommand("import", "Import an mbox file or a Maildir into a mailbox");
  static std::string address, path, mailbox = "INBOX", format = "mboxrd";
  cmd->add_option("ADDRESS", address, "Account address")->required();
  cmd->add_option("PATH", path, "mbox file or Maildir directory")->required();
  cmd->add_option("--mailbox", mailbox, "Target mailbox (created if missing)")->capture_default_str();
  cmd->add_option("--mbox-format", format, "mboxrd or mboxo: how \">From \" lines were quoted")
      ->check(CLI::IsMember({"mboxrd", "mboxo"}))
      ->capture_default_str();
  cmd->callback([&] {
    status = run_with_store(options, [](const config::Config& config, store::MailStore& st) -> Status {
      ImportSummary summary;
      auto done = import_path(st, address, path, mailbox, format == "mboxo" ? MboxVariant::mboxo : MboxVariant::mboxrd,
                              summary);
      // A running server learns of what was stored, also when the import stopped half-way.
      if (summary.messages > 0) announce_changed(config, summary.mailbox);
      if (!done) return done.error();
      std::cout << fmt::format("imported {} messages ({} octets) into {} of {}\n", summary.messages, summary.octets,
                               mailbox, address);
      return {};
    });
  });
}

}  // namespace pillarbox::admin
