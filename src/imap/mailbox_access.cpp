#include "imap/mailbox_access.h"

#include "access/names.h"
#include "base/ascii.h"

namespace pillarbox::imap {
namespace {

using access::NameRef;

// The rights an ACL gives `viewer` on a mailbox, or none when it is gone.
Result<access::Rights> acl_rights(store::MailStore& store, const store::Account& viewer, store::MailboxId id) {
  auto acl = store.get_acl(id);
  if (!acl) {
    if (acl.error().code == Errc::not_found) return access::Rights{};
    return acl.error();
  }
  return rights_from(viewer.address, *acl);
}

}  // namespace

store::FlagMask flag_mask(const access::Rights& rights, bool private_seen) {
  store::FlagMask mask{0, rights.has('w')};
  if (rights.has('s') && !private_seen) mask.system |= store::kSeen;
  if (rights.has('t')) mask.system |= store::kDeleted;
  if (rights.has('w')) mask.system |= store::kAnswered | store::kFlagged | store::kDraft;
  return mask;
}

std::vector<std::string> identifiers_for(std::string_view address) {
  const std::string a = ascii::lower(address);
  return {a, "anyone", "authenticated", "-" + a, "-anyone", "-authenticated"};
}

access::Rights rights_from(std::string_view address, const std::vector<store::AclEntry>& entries) {
  std::vector<access::AclEntry> parsed;
  parsed.reserve(entries.size());
  for (const auto& e : entries) {
    auto rights = access::parse_rights(e.rights);
    if (rights) parsed.push_back(access::AclEntry{e.identifier, *rights});
  }
  return access::effective_rights(address, parsed);
}

std::string visible_name(const store::Account& viewer, std::string_view owner_address, bool public_folder,
                         std::string_view name) {
  if (public_folder) return access::public_name(name);
  if (ascii::iequals(owner_address, viewer.address)) return std::string(name);
  return access::other_user_name(viewer.address, owner_address, name);
}

Result<MailboxAccess> resolve_mailbox(store::MailStore& store, const store::Account& viewer, std::string_view visible) {
  const NameRef ref = access::parse_name(visible);
  MailboxAccess out;
  out.name = ref.name;
  out.written = std::string(visible);
  switch (ref.kind) {
    case NameRef::Kind::personal: {
      out.where = MailboxAccess::Where::personal;
      out.owner = viewer.id;
      out.owner_address = viewer.address;
      out.visible = ref.name;
      auto info = store.get_mailbox(viewer.id, ref.name);
      if (info) {
        out.info = std::move(*info);
        out.rights = access::Rights::all();
      } else if (info.error().code != Errc::not_found) {
        return info.error();
      }
      return out;
    }
    case NameRef::Kind::other_users_root:
    case NameRef::Kind::user_root:
    case NameRef::Kind::public_root:
      out.where = MailboxAccess::Where::node;
      out.visible = std::string(visible);
      return out;
    case NameRef::Kind::other_user: {
      out.where = MailboxAccess::Where::other_user;
      out.owner_address = access::owner_address(viewer.address, ref.user);
      out.visible = access::other_user_name(viewer.address, out.owner_address, ref.name);
      // One's own mailboxes have one name only, the personal one.
      if (out.owner_address.empty() || ascii::iequals(out.owner_address, viewer.address)) return out;
      auto owner = store.directory().find_account(out.owner_address);
      if (!owner) {
        if (owner.error().code == Errc::not_found) return out;
        return owner.error();
      }
      out.owner = owner->id;
      break;
    }
    case NameRef::Kind::public_folder:
      out.where = MailboxAccess::Where::public_folder;
      out.owner = store.public_account();
      out.visible = access::public_name(ref.name);
      break;
  }
  auto info = store.get_mailbox(out.owner, out.name);
  if (!info) {
    if (info.error().code == Errc::not_found) return out;
    return info.error();
  }
  auto rights = acl_rights(store, viewer, info->id);
  if (!rights) return rights.error();
  // RFC 4314 §6 and SPEC: without 'l' the mailbox does not exist for this account, whatever
  // else the ACL would allow.
  if (!rights->has('l')) return out;
  out.rights = *rights;
  out.info = std::move(*info);
  return out;
}

Result<CreateRights> create_rights(store::MailStore& store, const store::Account& viewer, const MailboxAccess& target) {
  CreateRights out;
  if (target.where == MailboxAccess::Where::personal) {
    out.rights = access::Rights::all();
    // RFC 4314 §4 CREATE: the new mailbox SHOULD inherit the ACL of its parent, whoever creates
    // it, so a mailbox made below a shared one is shared alike (as in Cyrus and Dovecot).
    std::string parent = target.name;
    for (auto slash = parent.rfind('/'); slash != std::string::npos; slash = parent.rfind('/')) {
      parent.resize(slash);
      auto info = store.get_mailbox(viewer.id, parent);
      if (!info) {
        if (info.error().code == Errc::not_found) continue;
        return info.error();
      }
      auto acl = store.get_acl(info->id);
      if (!acl) {
        if (acl.error().code == Errc::not_found) continue;
        return acl.error();
      }
      out.inherited_acl = std::move(*acl);
      break;
    }
    return out;
  }
  if (target.where == MailboxAccess::Where::node || target.owner == 0) return out;
  // Only the immediate parent counts here: walking up past levels the viewer may not see would
  // answer differently for a hidden level and a missing one, and so tell them apart.
  const auto slash = target.name.rfind('/');
  if (slash == std::string::npos) return out;  // the top of the tree: not the viewer's to fill
  auto info = store.get_mailbox(target.owner, target.name.substr(0, slash));
  if (!info) {
    if (info.error().code == Errc::not_found) return out;
    return info.error();
  }
  auto acl = store.get_acl(info->id);
  if (!acl) {
    if (acl.error().code == Errc::not_found) return out;
    return acl.error();
  }
  const access::Rights rights = rights_from(viewer.address, *acl);
  // A parent the viewer may not look up is no parent for it: the name stays unusable.
  if (!rights.has('l')) return out;
  out.rights = rights;
  out.inherited_acl = std::move(*acl);
  return out;
}

Result<std::vector<VisibleMailbox>> visible_mailboxes(store::MailStore& store, const store::Account& viewer) {
  std::vector<VisibleMailbox> out;
  auto own = store.list_mailboxes(viewer.id);
  if (!own) return own.error();
  for (const auto& m : *own) out.push_back(VisibleMailbox{m.name, m.id, access::Rights::all(), m.special_use});
  auto shared = store.list_shared(viewer.id, identifiers_for(viewer.address));
  if (!shared) return shared.error();
  const store::AccountId public_owner = store.public_account();
  for (const auto& m : *shared) {
    const access::Rights rights = rights_from(viewer.address, m.entries);
    if (!rights.has('l')) continue;
    out.push_back(VisibleMailbox{visible_name(viewer, m.owner_address, m.owner == public_owner, m.info.name),
                                 m.info.id, rights, {}});
  }
  return out;
}

}  // namespace pillarbox::imap
