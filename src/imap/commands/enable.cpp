// RFC 5161 ENABLE
//   enable = "ENABLE" 1*(SP capability)
//   response-data =/ "*" SP enable-data CRLF;  enable-data = "ENABLED" *(SP capability)
// Valid in the authenticated state only (§3.1: before any SELECT). Unknown or not enableable
// capabilities are ignored; ENABLED lists, in the order asked, those this command turned on
// (none that was on before it, §3.2). The table below is all there is to add another one (UTF8=ACCEPT).
#include <array>
#include <string>
#include <string_view>

#include "imap/command_args.h"
#include "imap/commands/commands.h"
#include "imap/commands/common.h"

namespace pillarbox::imap {
namespace {

struct Enableable {
  std::string_view name;  ///< as in CAPABILITY, upper case
  Extension own;          ///< the extension itself
  std::uint32_t implies;  ///< bits of Extension turned on with it
};

constexpr std::array kEnableable = {
    Enableable{"CONDSTORE", kCondstore, 0},
    Enableable{"QRESYNC", kQresync, kCondstore},  // RFC 7162 §3.2.3: QRESYNC implies CONDSTORE
};

}  // namespace

asio::awaitable<Reply> cmd_enable(Session& s, Request& r) {
  Parser& p = r.parser;
  const std::vector<std::string> names = parse_enable_args(p);
  if (!p.ok()) co_return Reply::bad(p.error());
  // Listed: each capability asked for that was off before this command (also one that an
  // earlier name of the same command implied), once.
  std::uint32_t before = 0;
  for (const auto& e : kEnableable) before |= s.enabled(e.own) ? e.own : 0u;
  std::uint32_t listed = 0;
  std::string line = "ENABLED";
  for (const auto& name : names) {
    for (const auto& e : kEnableable) {
      if (e.name != name || ((before | listed) & e.own)) continue;
      s.enable(e.own | e.implies);
      listed |= e.own;
      line += ' ';
      line += e.name;
    }
  }
  s.untagged(line);
  co_return Reply::ok("ENABLE completed");
}

}  // namespace pillarbox::imap
