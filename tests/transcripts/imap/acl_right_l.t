# RFC 4314 right "l" (lookup, §2.1): with it another account's mailbox is listed (§4 LIST) and
# answers MYRIGHTS (§4: any of l r i k x a), but every other command still needs its own right;
# without it the mailbox does not exist for the user (§6; SPEC "Mailboxes you may not look up do
# not exist for you"): each answer is exactly the one for a name nobody uses, even when the ACL
# gives every other right.
@user bob@example.org secret
@user alice@example.org secret
@include include/bob-shares.t
C: d1 SETACL Shared alice@example.org l
S: d1 OK ...
C: d2 CREATE Unlisted
S: d2 OK ...
C: d3 SETACL Unlisted alice@example.org rswipkxtea
S: d3 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>

@connect imap
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
# Listed, with the levels above it as \Noselect (RFC 3501 §6.3.8) and children counted (RFC 3348).
C: b1 LIST "" *
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\Noselect \HasChildren) "/" "Other users"
S: * LIST (\Noselect \HasChildren) "/" "Other users/bob"
S: * LIST (\HasNoChildren) "/" "Other users/bob/Shared"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: b1 OK ...
C: b2 LIST "Other users/" %
S: * LIST (\Noselect \HasChildren) "/" "Other users/bob"
S: b2 OK ...
C: b3 LIST "" "Other users/bob/%"
S: * LIST (\HasNoChildren) "/" "Other users/bob/Shared"
S: b3 OK ...
C: b4 MYRIGHTS "Other users/bob/Shared"
S: * MYRIGHTS "Other users/bob/Shared" l
S: b4 OK ...
# "l" alone: the mailbox is there, the other rights are not (RFC 5530 NOPERM).
C: b5 SELECT "Other users/bob/Shared"
S: b5 NO [NOPERM] ...
C: b6 EXAMINE "Other users/bob/Shared"
S: b6 NO [NOPERM] ...
C: b7 STATUS "Other users/bob/Shared" (MESSAGES)
S: b7 NO [NOPERM] ...
C: b8 GETACL "Other users/bob/Shared"
S: b8 NO [NOPERM] ...
C: b9 DELETE "Other users/bob/Shared"
S: b9 NO [NOPERM] ...
C: b10 APPEND "Other users/bob/Shared" {14+}
C: Subject: x
C:
C:
S: b10 NO [NOPERM] ...

# Every right but "l": Unlisted answers exactly as Nothing, which does not exist.
C: c1 LIST "" *Unlisted*
S: c1 OK ...
C: c2 SELECT "Other users/bob/Unlisted"
S: c2 NO [NONEXISTENT] No such mailbox
C: c3 SELECT "Other users/bob/Nothing"
S: c3 NO [NONEXISTENT] No such mailbox
C: c4 EXAMINE "Other users/bob/Unlisted"
S: c4 NO [NONEXISTENT] No such mailbox
C: c5 STATUS "Other users/bob/Unlisted" (MESSAGES)
S: c5 NO [NONEXISTENT] No such mailbox
C: c6 MYRIGHTS "Other users/bob/Unlisted"
S: c6 NO [NONEXISTENT] No such mailbox
C: c7 MYRIGHTS "Other users/bob/Nothing"
S: c7 NO [NONEXISTENT] No such mailbox
C: c8 GETACL "Other users/bob/Unlisted"
S: c8 NO [NONEXISTENT] No such mailbox
C: c9 DELETE "Other users/bob/Unlisted"
S: c9 NO [NONEXISTENT] No such mailbox
C: c10 APPEND "Other users/bob/Unlisted" {14+}
C: Subject: x
C:
C:
S: c10 NO [TRYCREATE] Mailbox does not exist
C: c11 APPEND "Other users/bob/Nothing" {14+}
C: Subject: x
C:
C:
S: c11 NO [TRYCREATE] Mailbox does not exist
C: c12 CREATE "Other users/bob/Unlisted/Child"
S: c12 NO [NONEXISTENT] No such mailbox
C: c13 CREATE "Other users/bob/Nothing/Child"
S: c13 NO [NONEXISTENT] No such mailbox
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>

# Taking "l" away hides Shared; giving it makes Unlisted appear, with the other rights it had.
@connect imap
S: * OK ...
C: a LOGIN bob@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b1 SETACL Shared alice@example.org -l
S: b1 OK ...
C: b2 SETACL Unlisted alice@example.org +l
S: b2 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>

@connect imap
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b1 LIST "" *
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\Noselect \HasChildren) "/" "Other users"
S: * LIST (\Noselect \HasChildren) "/" "Other users/bob"
S: * LIST (\HasNoChildren) "/" "Other users/bob/Unlisted"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: b1 OK ...
C: b2 MYRIGHTS "Other users/bob/Unlisted"
S: * MYRIGHTS "Other users/bob/Unlisted" lrswipkxteacd
S: b2 OK ...
C: b3 MYRIGHTS "Other users/bob/Shared"
S: b3 NO [NONEXISTENT] No such mailbox
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
