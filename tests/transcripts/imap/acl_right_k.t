# RFC 4314 right "k" (create mailboxes): CREATE needs it on the parent, and a new mailbox SHOULD
# inherit its parent's ACL, whoever creates it (§4 CREATE); RENAME needs it on the new name's
# parent (§4 RENAME). In another account's tree the parent must exist and alice must see it:
# levels are not made there (docs/sharing.md), so a missing parent and one alice cannot look up
# answer alike, as a name that does not exist; so does the top level of the tree, which is the
# owner's alone. In one's own tree missing superiors are made (RFC 3501 §6.3.3), and inherit too.
@user bob@example.org secret
@user alice@example.org secret
@include include/bob-shares.t
C: d1 SETACL Shared alice@example.org lk
S: d1 OK ...
C: d2 CREATE Other/Kid
S: d2 OK ...
C: d3 SETACL Other alice@example.org l
S: d3 OK ...
C: d4 SETACL Other/Kid alice@example.org lrx
S: d4 OK ...
C: d5 CREATE Hidden
S: d5 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>

@connect imap
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b1 CREATE "Other users/bob/Shared/New"
S: b1 OK ...
C: b2 CREATE "Other users/bob/Shared/Deep/er/"
S: b2 NO [NONEXISTENT] No such mailbox
C: b2a CREATE "Other users/bob/Shared/Deep"
S: b2a OK ...
C: b2b CREATE "Other users/bob/Shared/Deep/er/"
S: b2b OK ...
C: b3 CREATE "Other users/bob/Shared"
S: b3 NO [ALREADYEXISTS] ...
C: b4 CREATE "Other users/bob/Shared/New"
S: b4 NO [ALREADYEXISTS] ...
# No "k" on the parent.
C: b5 CREATE "Other users/bob/Other/New"
S: b5 NO [NOPERM] ...
C: b6 CREATE "Other users/bob/Other/Kid/x"
S: b6 NO [NOPERM] ...
# No parent alice can look up.
C: b6a CREATE "Other users/bob/Other/Kid/x/y"
S: b6a NO [NONEXISTENT] No such mailbox
C: b7 CREATE "Other users/bob/Top"
S: b7 NO [NONEXISTENT] No such mailbox
C: b8 CREATE "Other users/bob/Hidden/x"
S: b8 NO [NONEXISTENT] No such mailbox
C: b9 CREATE "Other users/bob/Nothing/x"
S: b9 NO [NONEXISTENT] No such mailbox
C: b10 CREATE "Other users/bob"
S: b10 NO [CANNOT] That name is a level of a namespace, not a mailbox
# The new mailboxes have Shared's ACL: alice sees them with "lk".
C: b11 LIST "" "Other users/bob/*"
S: * LIST (\HasChildren) "/" "Other users/bob/Other"
S: * LIST (\HasNoChildren) "/" "Other users/bob/Other/Kid"
S: * LIST (\HasChildren) "/" "Other users/bob/Shared"
S: * LIST (\HasChildren) "/" "Other users/bob/Shared/Deep"
S: * LIST (\HasNoChildren) "/" "Other users/bob/Shared/Deep/er"
S: * LIST (\HasNoChildren) "/" "Other users/bob/Shared/New"
S: b11 OK ...
C: b12 MYRIGHTS "Other users/bob/Shared/Deep/er"
S: * MYRIGHTS "Other users/bob/Shared/Deep/er" lkc
S: b12 OK ...
# RENAME: "x" on Kid, and "k" on the new parent: Shared has it, Other and the top do not.
C: c1 RENAME "Other users/bob/Other/Kid" "Other users/bob/Other/Kid2"
S: c1 NO [NOPERM] ...
C: c2 RENAME "Other users/bob/Other/Kid" "Other users/bob/Top"
S: c2 NO [NOPERM] ...
C: c3 RENAME "Other users/bob/Other/Kid" "Other users/bob/Shared/New"
S: c3 NO [ALREADYEXISTS] ...
C: c4 RENAME "Other users/bob/Other/Kid" "Other users/bob/Shared/Kid"
S: c4 OK ...
C: c5 LIST "" "Other users/bob/*"
S: * LIST (\HasNoChildren) "/" "Other users/bob/Other"
S: * LIST (\HasChildren) "/" "Other users/bob/Shared"
S: * LIST (\HasChildren) "/" "Other users/bob/Shared/Deep"
S: * LIST (\HasNoChildren) "/" "Other users/bob/Shared/Deep/er"
S: * LIST (\HasNoChildren) "/" "Other users/bob/Shared/Kid"
S: * LIST (\HasNoChildren) "/" "Other users/bob/Shared/New"
S: c5 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>

# bob owns what alice made; the ACLs are inherited, and Kid kept its own.
@connect imap
S: * OK ...
C: a LOGIN bob@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b1 LIST "" *
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren) "/" "Hidden"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren) "/" "Other"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasChildren) "/" "Shared"
S: * LIST (\HasChildren) "/" "Shared/Deep"
S: * LIST (\HasNoChildren) "/" "Shared/Deep/er"
S: * LIST (\HasNoChildren) "/" "Shared/Kid"
S: * LIST (\HasNoChildren) "/" "Shared/New"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: b1 OK ...
C: b2 GETACL Shared/Deep
S: * ACL "Shared/Deep" bob@example.org lrswipkxteacd alice@example.org lkc
S: b2 OK ...
C: b3 GETACL Shared/New
S: * ACL "Shared/New" bob@example.org lrswipkxteacd alice@example.org lkc
S: b3 OK ...
C: b4 GETACL Shared/Kid
S: * ACL "Shared/Kid" bob@example.org lrswipkxteacd alice@example.org lrxc
S: b4 OK ...
# The owner's new mailboxes inherit too; one at the top has no parent to inherit from.
C: b5 CREATE Shared/ByBob/Sub
S: b5 OK ...
C: b6 GETACL Shared/ByBob
S: * ACL "Shared/ByBob" bob@example.org lrswipkxteacd alice@example.org lkc
S: b6 OK ...
C: b7 GETACL Shared/ByBob/Sub
S: * ACL "Shared/ByBob/Sub" bob@example.org lrswipkxteacd alice@example.org lkc
S: b7 OK ...
C: b8 CREATE Top
S: b8 OK ...
C: b9 GETACL Top
S: * ACL "Top" bob@example.org lrswipkxteacd
S: b9 OK ...
# So do the levels RENAME makes; the renamed mailbox keeps its own ACL.
C: b10 RENAME Top Shared/Made/Top
S: b10 OK ...
C: b11 GETACL Shared/Made
S: * ACL "Shared/Made" bob@example.org lrswipkxteacd alice@example.org lkc
S: b11 OK ...
C: b12 GETACL Shared/Made/Top
S: * ACL "Shared/Made/Top" bob@example.org lrswipkxteacd
S: b12 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
