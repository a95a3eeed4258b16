// RFC 2971 ID
//   id             = "ID" SP id-params-list
//   id-params-list = "(" *(string SP nstring) ")" / nil      (pairs separated by SP)
//   id-response    = "ID" SP id-params-list
// Allowed in every state (§3.1). The server says only its name and version (no OS, no build
// details: nothing an attacker could use). The client's list is checked against §3.3 (at most
// 30 pairs, a field at most 30 octets and used once, a value at most 1024 octets; more is BAD)
// and written to the server log, which helps tell clients apart.
#include <fmt/format.h>

#include <vector>

#include "base/ascii.h"
#include "base/log.h"
#include "imap/command_args.h"
#include "imap/commands/commands.h"

#ifndef PILLARBOX_VERSION
#define PILLARBOX_VERSION "unknown"
#endif

namespace pillarbox::imap {
namespace {

// A value as the log shows it: printable ASCII kept, anything else as \xNN.
std::string printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') out += static_cast<char>(c);
    else out += fmt::format("\\x{:02x}", c);
  }
  return out;
}

}  // namespace

asio::awaitable<Reply> cmd_id(Session& s, Request& r) {
  Parser& p = r.parser;
  auto params = parse_id_params(p);
  p.end();
  if (!p.ok()) co_return Reply::bad(p.error());
  std::string described = "NIL";
  if (params) {
    described.clear();
    for (const auto& param : *params) {
      if (!described.empty()) described += ' ';
      described += fmt::format("{}=\"{}\"", printable(ascii::lower(param.field)),
                               param.value ? printable(*param.value) : "NIL");
    }
  }
  log::info("session={} client ID: {}", s.id(), described);
  s.untagged(fmt::format("ID (\"name\" \"Pillarbox\" \"version\" \"{}\")", PILLARBOX_VERSION));
  co_return Reply::ok("ID completed");
}

}  // namespace pillarbox::imap
