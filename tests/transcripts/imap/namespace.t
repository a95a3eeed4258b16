# RFC 2342 NAMESPACE and how the three namespaces look in LIST (SPEC "Namespaces, shared and
# public folders"; seed 003): the answer is exactly the seed's; another account's mailboxes are
# under "Other users/<local part>/" for the viewer's own domain, with the levels above them
# listed \Noselect (RFC 3501 §6.3.8); the <user> level also takes the full address and any case.
# A personal mailbox may not take a namespace's name in any spelling, so none hides one.
@user bob@example.org secret
@user alice@example.org secret
@include include/bob-shares.t
C: d1 SETACL Shared alice@example.org lr
S: d1 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>

@connect imap
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b1 NAMESPACE
S: * NAMESPACE (("" "/")) (("Other users/" "/")) (("Public Folders/" "/"))
S: b1 OK ...
C: b2 NAMESPACE extra
S: b2 BAD ...
C: c1 LIST "" %
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\Noselect \HasChildren) "/" "Other users"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: c1 OK ...
C: c2 LIST "" *
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\Noselect \HasChildren) "/" "Other users"
S: * LIST (\Noselect \HasChildren) "/" "Other users/bob"
S: * LIST (\HasNoChildren) "/" "Other users/bob/Shared"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: c2 OK ...
C: c3 LIST "" "Other users"
S: * LIST (\Noselect \HasChildren) "/" "Other users"
S: c3 OK ...
C: c4 LIST "" "Other users/%"
S: * LIST (\Noselect \HasChildren) "/" "Other users/bob"
S: c4 OK ...
C: c5 LIST "Other users/" %
S: * LIST (\Noselect \HasChildren) "/" "Other users/bob"
S: c5 OK ...
C: c6 LIST "Other users/bob/" *
S: * LIST (\HasNoChildren) "/" "Other users/bob/Shared"
S: c6 OK ...
C: c7 LIST "Other users/" ""
S: * LIST (\Noselect) "/" "Other users/"
S: c7 OK ...
# No public folder is visible, so the namespace has nothing to list.
C: c8 LIST "" "Public Folders*"
S: c8 OK ...
# Names are matched as listed: the lower-case spelling is a personal name, and there is none.
C: c9 LIST "" "other users/*"
S: c9 OK ...
# The levels are not mailboxes.
C: d1 SELECT "Other users"
S: d1 NO [NONEXISTENT] No such mailbox
C: d2 SELECT "Other users/bob"
S: d2 NO [NONEXISTENT] No such mailbox
C: d3 SELECT "Public Folders"
S: d3 NO [NONEXISTENT] No such mailbox
C: d4 DELETE "Other users/bob"
S: d4 NO [CANNOT] ...
# The same mailbox by the full address, another case, a trailing delimiter. Answers about it
# carry the name as the client wrote it, so a client matching answers to commands finds them.
C: e1 STATUS "Other users/bob@example.org/Shared" (MESSAGES)
S: * STATUS "Other users/bob@example.org/Shared" (MESSAGES 2)
S: e1 OK ...
C: e2 MYRIGHTS "Other users/BOB/Shared"
S: * MYRIGHTS "Other users/BOB/Shared" lr
S: e2 OK ...
C: e3 EXAMINE "Other users/bob/Shared/"
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * 2 EXISTS
S: * 2 RECENT
S: * OK [UNSEEN 1] ...
S: * OK [PERMANENTFLAGS ()] ...
S: * OK [UIDVALIDITY $uidvalidity] ...
S: * OK [UIDNEXT 3] ...
S: * OK [HIGHESTMODSEQ $hms_namespace_1] ...
S: e3 OK [READ-ONLY] ...
C: e4 CLOSE
S: e4 OK ...
# One's own mailboxes have one name only, the personal one.
C: e5 STATUS "Other users/alice/INBOX" (MESSAGES)
S: e5 NO [NONEXISTENT] No such mailbox
C: e6 STATUS "Other users/alice@example.org/INBOX" (MESSAGES)
S: e6 NO [NONEXISTENT] No such mailbox
C: e7 STATUS "Other users//INBOX" (MESSAGES)
S: e7 NO [NONEXISTENT] No such mailbox

# CREATE and RENAME: the namespaces' own names in another case are refused as personal names;
# in their exact spelling they are the namespaces, where alice may create nothing.
C: f1 CREATE "other users/x"
S: f1 NO [CANNOT] ...
C: f2 CREATE "OTHER USERS"
S: f2 NO [CANNOT] ...
C: f3 CREATE "public folders"
S: f3 NO [CANNOT] ...
C: f4 CREATE "Public folders/x/y"
S: f4 NO [CANNOT] ...
C: f5 CREATE "Other users/x"
S: f5 NO [CANNOT] That name is a level of a namespace, not a mailbox
C: f6 CREATE "Other users"
S: f6 NO [CANNOT] That name is a level of a namespace, not a mailbox
C: f7 CREATE "Public Folders"
S: f7 NO [CANNOT] That name is a level of a namespace, not a mailbox
C: f8 CREATE "Public Folders/x"
S: f8 NO [NONEXISTENT] No such mailbox
C: f9 CREATE Mine
S: f9 OK ...
C: f10 RENAME Mine "other users/x"
S: f10 NO [CANNOT] ...
C: f11 RENAME Mine "PUBLIC FOLDERS"
S: f11 NO [CANNOT] ...
C: f12 RENAME Mine "Other users/bob/Mine"
S: f12 NO [CANNOT] ...
C: f13 RENAME Mine "Public Folders/Mine"
S: f13 NO [CANNOT] ...
# Only the first level counts, and only the whole of it.
C: f14 CREATE "Public FoldersX"
S: f14 OK ...
C: f15 CREATE "Mine/Other users"
S: f15 OK ...
C: f16 LIST "" *
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasChildren) "/" "Mine"
S: * LIST (\HasNoChildren) "/" "Mine/Other users"
S: * LIST (\Noselect \HasChildren) "/" "Other users"
S: * LIST (\Noselect \HasChildren) "/" "Other users/bob"
S: * LIST (\HasNoChildren) "/" "Other users/bob/Shared"
S: * LIST (\HasNoChildren) "/" "Public FoldersX"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: f16 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
