#include "imap/commands/commands.h"

#include <array>
#include <string>
#include <vector>

namespace pillarbox::imap {
namespace {

// RFC 3501 §6: which state each command may be used in.
constexpr std::array kCommands = {
    CommandSpec{"CAPABILITY", kAnyState, true, cmd_capability, false},
    CommandSpec{"NOOP", kAnyState, true, cmd_noop, false},
    CommandSpec{"LOGOUT", kAnyState, true, cmd_logout, false},
    CommandSpec{"STARTTLS", kNotAuthenticated, true, cmd_starttls, false},
    CommandSpec{"AUTHENTICATE", kNotAuthenticated, true, cmd_authenticate, false},
    CommandSpec{"LOGIN", kNotAuthenticated, true, cmd_login, false},
    CommandSpec{"ENABLE", kAuthenticated, true, cmd_enable, false},  // RFC 5161 §3.1
    CommandSpec{"SELECT", kLoggedIn, true, cmd_select, false},
    CommandSpec{"EXAMINE", kLoggedIn, true, cmd_select, false},
    CommandSpec{"CREATE", kLoggedIn, true, cmd_create, false},
    CommandSpec{"DELETE", kLoggedIn, true, cmd_delete, false},
    CommandSpec{"RENAME", kLoggedIn, true, cmd_rename, false},
    CommandSpec{"SUBSCRIBE", kLoggedIn, true, cmd_subscribe, false},
    CommandSpec{"UNSUBSCRIBE", kLoggedIn, true, cmd_subscribe, false},
    CommandSpec{"LIST", kLoggedIn, true, cmd_list, false},
    CommandSpec{"LSUB", kLoggedIn, true, cmd_list, false},
    CommandSpec{"STATUS", kLoggedIn, true, cmd_status, false},
    CommandSpec{"APPEND", kLoggedIn, true, cmd_append, false},
    CommandSpec{"CHECK", kSelected, true, cmd_check, false},
    CommandSpec{"CLOSE", kSelected, true, cmd_close, false},
    CommandSpec{"EXPUNGE", kSelected, true, cmd_expunge, true},   // UID EXPUNGE: RFC 4315 §2.1
    CommandSpec{"SEARCH", kSelected, false, cmd_search, true},
    CommandSpec{"FETCH", kSelected, false, cmd_fetch, true},
    CommandSpec{"STORE", kSelected, false, cmd_store, true},
    CommandSpec{"COPY", kSelected, true, cmd_copy, true},
    CommandSpec{"NAMESPACE", kLoggedIn, true, cmd_namespace, false},
    CommandSpec{"GETACL", kLoggedIn, true, cmd_getacl, false},
    CommandSpec{"SETACL", kLoggedIn, true, cmd_setacl, false},
    CommandSpec{"DELETEACL", kLoggedIn, true, cmd_deleteacl, false},
    CommandSpec{"LISTRIGHTS", kLoggedIn, true, cmd_listrights, false},
    CommandSpec{"MYRIGHTS", kLoggedIn, true, cmd_myrights, false},
    CommandSpec{"COMPRESS", kLoggedIn, true, cmd_compress, false},
    CommandSpec{"IDLE", kLoggedIn, true, cmd_idle, false},         // RFC 2177
    CommandSpec{"MOVE", kSelected, true, cmd_move, true},          // RFC 6851
    CommandSpec{"UNSELECT", kSelected, true, cmd_unselect, false}, // RFC 3691
    CommandSpec{"ID", kAnyState, true, cmd_id, false},             // RFC 2971
    CommandSpec{"GETQUOTA", kLoggedIn, true, cmd_getquota, false},
    CommandSpec{"GETQUOTAROOT", kLoggedIn, true, cmd_getquotaroot, false},
    CommandSpec{"SETQUOTA", kLoggedIn, true, cmd_setquota, false},
};

}  // namespace

const metrics::CommandMetrics& command_metrics() {
  static const metrics::CommandMetrics metrics = [] {
    std::vector<std::string> names;
    for (const auto& c : kCommands) {
      names.emplace_back(c.name);
      if (c.uid_form) names.push_back("UID " + std::string(c.name));
    }
    return metrics::CommandMetrics("imap", names);
  }();
  return metrics;
}

const CommandSpec* find_command(std::string_view name) {
  for (const auto& c : kCommands) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace pillarbox::imap
