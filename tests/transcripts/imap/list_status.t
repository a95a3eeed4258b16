# LIST-STATUS (RFC 5819): LIST ... RETURN (STATUS (...)) sends each listed mailbox's STATUS right
# after its LIST line (§2); \Noselect levels and \NonExistent names get none, and neither do
# other users' mailboxes the account may look up but not read (RFC 4314 §4: STATUS needs 'r').
# SIZE (RFC 8438) is an item here too.
@user bob@example.org secret
@user alice@example.org secret
@include include/bob-shares.t
C: d1 SETACL Shared alice@example.org lr
S: d1 OK ...
C: d2 CREATE Listed
S: d2 OK ...
C: d3 SETACL Listed alice@example.org l
S: d3 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>

@connect imap
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b1 APPEND INBOX {14+}
C: Subject: x
C:
C:
S: b1 OK ...
C: b2 APPEND INBOX (\Seen) {14+}
C: Subject: y
C:
C:
S: b2 OK ...
C: b3 CREATE a/b
S: b3 OK ...
C: b4 DELETE a
S: b4 OK ...
# The example of RFC 5819 §2.
C: A01 LIST "" % RETURN (STATUS (MESSAGES UNSEEN))
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * STATUS "INBOX" (MESSAGES 2 UNSEEN 1)
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * STATUS "Archive" (MESSAGES 0 UNSEEN 0)
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * STATUS "Drafts" (MESSAGES 0 UNSEEN 0)
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * STATUS "Junk" (MESSAGES 0 UNSEEN 0)
S: * LIST (\Noselect \HasChildren) "/" "Other users"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * STATUS "Sent" (MESSAGES 0 UNSEEN 0)
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: * STATUS "Trash" (MESSAGES 0 UNSEEN 0)
S: * LIST (\Noselect \HasChildren) "/" "a"
S: A01 OK ...
# Shared mailboxes: STATUS only with 'r'; UNSEEN counts alice's own \Seen (bob has read one).
C: A02 LIST "" "Other users/*" RETURN (STATUS (MESSAGES UNSEEN SIZE))
S: * LIST (\Noselect \HasChildren) "/" "Other users/bob"
S: * LIST (\HasNoChildren) "/" "Other users/bob/Listed"
S: * LIST (\HasNoChildren) "/" "Other users/bob/Shared"
S: * STATUS "Other users/bob/Shared" (MESSAGES 2 UNSEEN 2 SIZE 93)
S: A02 OK ...
# Items in the order asked, RECENT and SIZE included; with other return options.
C: A03 LIST "" ("INBOX" "a/b") RETURN (SUBSCRIBED STATUS (SIZE RECENT UIDNEXT MESSAGES) CHILDREN)
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * STATUS "INBOX" (SIZE 28 RECENT 2 UIDNEXT 3 MESSAGES 2)
S: * LIST (\HasNoChildren) "/" "a/b"
S: * STATUS "a/b" (SIZE 0 RECENT 0 UIDNEXT 1 MESSAGES 0)
S: A03 OK ...
# A subscribed name that does not exist gets no STATUS.
C: A04 SUBSCRIBE Gone
S: A04 OK ...
C: A05 LIST (SUBSCRIBED) "" ("Gone" "Trash") RETURN (STATUS (MESSAGES))
S: * LIST (\NonExistent \Subscribed) "/" "Gone"
S: * LIST (\Subscribed \HasNoChildren \Trash) "/" "Trash"
S: * STATUS "Trash" (MESSAGES 0)
S: A05 OK ...
# The selected mailbox gets its STATUS too.
C: A06 SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * 2 EXISTS
S: * 2 RECENT
S: * OK [UNSEEN 1] ...
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] ...
S: * OK [UIDVALIDITY $uv] ...
S: * OK [UIDNEXT 3] ...
S: * OK [HIGHESTMODSEQ $hms_list_status_x1] ...
S: A06 OK [READ-WRITE] ...
C: A07 list "" inbox return (status (messages unseen))
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * STATUS "INBOX" (MESSAGES 2 UNSEEN 1)
S: A07 OK ...
# Errors.
C: e1 LIST "" % RETURN (STATUS ())
S: e1 BAD ...
C: e2 LIST "" % RETURN (STATUS (MESSAGES FOO))
S: e2 BAD ...
C: e3 LIST "" % RETURN (STATUS MESSAGES)
S: e3 BAD ...
C: e4 LIST "" % RETURN (STATUS (MESSAGES)
S: e4 BAD ...
C: e5 LIST "" % RETURN (STATUS)
S: e5 BAD ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
