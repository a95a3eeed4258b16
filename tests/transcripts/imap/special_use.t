# SPECIAL-USE (RFC 6154): a new account's Drafts, Sent, Trash, Junk and Archive carry their
# attributes (and are subscribed); LIST shows the attributes always (§2), LIST (SPECIAL-USE)
# selects the mailboxes that have one and RETURN (SPECIAL-USE) asks for them (§3). The
# mailboxes of the example in §5.1 and §5.2 (SentMail, MyDrafts, ToDo, Projects) replace the
# defaults where they overlap. RENAME keeps a mailbox's use, DELETE drops it.
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b1 LIST "" *
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: b1 OK ...
C: b2 LSUB "" *
S: * LSUB () "/" "Archive"
S: * LSUB () "/" "Drafts"
S: * LSUB () "/" "Junk"
S: * LSUB () "/" "Sent"
S: * LSUB () "/" "Trash"
S: b2 OK ...
C: c1 DELETE Sent
S: c1 OK ...
C: c2 DELETE Drafts
S: c2 OK ...
C: c3 CREATE ToDo
S: c3 OK ...
C: c4 CREATE Projects/Pillarbox
S: c4 OK ...
C: c5 CREATE SentMail (USE (\Sent))
S: c5 OK ...
C: c6 CREATE MyDrafts (USE (\Drafts))
S: c6 OK ...
# §5.1: the attributes in a plain LIST.
C: t1 LIST "" "%"
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren \Drafts) "/" "MyDrafts"
S: * LIST (\HasChildren) "/" "Projects"
S: * LIST (\HasNoChildren \Sent) "/" "SentMail"
S: * LIST (\HasNoChildren) "/" "ToDo"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: t1 OK ...
# §5.2: only the special-use mailboxes.
C: t2 LIST (SPECIAL-USE) "" "*"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren \Drafts) "/" "MyDrafts"
S: * LIST (\HasNoChildren \Sent) "/" "SentMail"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: t2 OK ...
C: t3 LIST "" "%" RETURN (SPECIAL-USE)
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren \Drafts) "/" "MyDrafts"
S: * LIST (\HasChildren) "/" "Projects"
S: * LIST (\HasNoChildren \Sent) "/" "SentMail"
S: * LIST (\HasNoChildren) "/" "ToDo"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: t3 OK ...
C: t4 LIST (SPECIAL-USE) "" "Projects/*"
S: t4 OK ...
# Selection options combine: special-use and subscribed (MyDrafts and SentMail are not).
C: t5 LIST (SUBSCRIBED SPECIAL-USE) "" "*" RETURN (SPECIAL-USE)
S: * LIST (\Subscribed \HasNoChildren \Archive) "/" "Archive"
S: * LIST (\Subscribed \HasNoChildren \Junk) "/" "Junk"
S: * LIST (\Subscribed \HasNoChildren \Trash) "/" "Trash"
S: t5 OK ...
# RENAME keeps the use, also for a child renamed with its parent.
C: r1 RENAME SentMail Projects/Sent
S: r1 OK ...
C: r2 RENAME Projects Work
S: r2 OK ...
C: r3 LIST (SPECIAL-USE) "" "*"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren \Drafts) "/" "MyDrafts"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: * LIST (\HasNoChildren \Sent) "/" "Work/Sent"
S: r3 OK ...
# SPECIAL-USE is an independent selection option (RFC 6154 §6), not a base one: RECURSIVEMATCH
# with it alone is BAD (RFC 5258 §3), and CHILDINFO names only the base option SUBSCRIBED.
C: r4 LIST (SPECIAL-USE RECURSIVEMATCH) "" "W%"
S: r4 BAD ...
C: r5 SUBSCRIBE Work/Sent
S: r5 OK ...
C: r6 LIST (SPECIAL-USE SUBSCRIBED RECURSIVEMATCH) "" "W%"
S: * LIST (\HasChildren) "/" "Work" ("CHILDINFO" ("SUBSCRIBED"))
S: r6 OK ...
C: r7 UNSUBSCRIBE Work/Sent
S: r7 OK ...
# DELETE drops it; a new mailbox named as in [[mailboxes]] gets its use back then.
C: d1 DELETE Work/Sent
S: d1 OK ...
C: d2 CREATE Sent
S: d2 OK ...
C: d3 LIST "" Sent
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: d3 OK ...
# ... but not while another mailbox has it.
C: d4 DELETE Sent
S: d4 OK ...
C: d5 CREATE Outbox (USE (\Sent))
S: d5 OK ...
C: d6 CREATE Sent
S: d6 OK ...
C: d7 LIST "" (Sent Outbox)
S: * LIST (\HasNoChildren \Sent) "/" "Outbox"
S: * LIST (\HasNoChildren) "/" "Sent"
S: d7 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
