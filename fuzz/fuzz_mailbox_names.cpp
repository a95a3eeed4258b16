// Fuzzes the access layer with what a client controls in mailbox names and ACL commands
// (src/access/): modified UTF-7 (RFC 3501 §5.1.3), the namespace scheme (RFC 2342), the name
// check of CREATE/RENAME/`pillarbox public`, and RFC 4314 rights and identifiers.
//
// Input layout: 1 header byte choosing how the rest is split, then the bytes. The rest is used
// whole as a mailbox name and, split at the first NUL, as (identifier, rights modification).
// Invariants checked:
//   - valid_mutf7(x) exactly when mutf7_to_utf8(x) succeeds, and then utf8_to_mutf7 gives x back;
//   - utf8_to_mutf7 of any bytes is valid modified UTF-7 (it never produces what it refuses);
//   - a name mailbox_name_problem accepts is valid modified UTF-7 and classifies without change
//     of kind when re-parsed from its own visible form;
//   - parse_name never loses the name: other_user/public names rebuild to a name that parses to
//     the same reference;
//   - rights: parse_rights(to_letters(r)) == r; to_string(r) parses to a superset of r;
//     apply_modification of "+X" then "-X" leaves no right of X;
//   - normalize_identifier is idempotent and effective_rights never grants what no entry names.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "access/mutf7.h"
#include "access/names.h"
#include "access/rights.h"

using namespace pillarbox;

namespace {

[[noreturn]] void fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "invariant broken: %s (input %zu bytes)\n", what, input.size());
  std::abort();
}

void check_names(std::string_view name) {
  const bool valid = access::valid_mutf7(name);
  auto utf8 = access::mutf7_to_utf8(name);
  if (valid != utf8.has_value()) fail("valid_mutf7 and mutf7_to_utf8 disagree", name);
  if (utf8 && access::utf8_to_mutf7(*utf8) != name) fail("modified UTF-7 does not round-trip", name);
  if (!access::valid_mutf7(access::utf8_to_mutf7(name))) fail("utf8_to_mutf7 made invalid output", name);

  if (!access::mailbox_name_problem(name) && !valid) fail("accepted a name that is not modified UTF-7", name);

  const auto ref = access::parse_name(name);
  using K = access::NameRef::Kind;
  std::string rebuilt;
  if (ref.kind == K::other_user) rebuilt = std::string(access::kOtherUsers) + "/" + ref.user + "/" + ref.name;
  if (ref.kind == K::public_folder) rebuilt = access::public_name(ref.name);
  if (!rebuilt.empty() && !(access::parse_name(rebuilt) == ref)) fail("a name does not rebuild to itself", name);
  if (ref.kind == K::personal && !access::reserved_personal_name(name) && ref.name.empty() && !name.empty())
    fail("a personal name lost its text", name);
  const std::string viewer = "viewer@example.org";
  const std::string owner = access::owner_address(viewer, ref.user);
  if (!ref.user.empty() && access::valid_mutf7(ref.user) && access::mutf7_to_utf8(ref.user) != "" && owner.empty())
    fail("a user part named no address", name);
}

void check_acl(std::string_view identifier, std::string_view modification) {
  auto id = access::normalize_identifier(identifier);
  if (id) {
    auto again = access::normalize_identifier(*id);
    if (!again || *again != *id) fail("normalize_identifier is not idempotent", identifier);
  }
  auto rights = access::apply_modification(access::Rights{}, modification);
  if (!rights) return;
  if (!(access::parse_rights(access::to_letters(*rights)).value() == *rights)) fail("to_letters does not round-trip", modification);
  auto shown = access::parse_rights(access::to_string(*rights));
  if (!shown || (*rights - *shown) != access::Rights{}) fail("to_string lost a right", modification);
  const std::string letters = access::to_letters(*rights);
  auto added = access::apply_modification(access::Rights::all(), "-" + letters);
  if (!added || (*added & *rights) != access::Rights{}) fail("removing rights left some", modification);
  if (id) {
    std::vector<access::AclEntry> entries{{*id, *rights}};
    const auto granted = access::effective_rights("user@example.org", entries);
    if ((granted - *rights) != access::Rights{}) fail("effective_rights granted an unnamed right", identifier);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  check_names(input);
  const auto nul = input.find('\0');
  if (nul != std::string_view::npos) check_acl(input.substr(0, nul), input.substr(nul + 1));
  else check_acl(input, data[0] & 1 ? "+lrswipkxteacd" : input);
  return 0;
}
