# RENAME (RFC 3501 §6.3.5): inferiors move too; renaming INBOX moves its messages and leaves INBOX empty.
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b1 CREATE owatagusiam/blurdybloop
S: b1 OK ...
C: b2 CREATE "Foo Bar"
S: b2 OK ...
C: b3 APPEND owatagusiam (\Seen) {23+}
C: Subject: one
C:
C: first
C:
S: b3 OK ...
C: c1 RENAME owatagusiam zowie
S: c1 OK ...
C: c2 LIST "" *
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren) "/" "Foo Bar"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: * LIST (\HasChildren) "/" "zowie"
S: * LIST (\HasNoChildren) "/" "zowie/blurdybloop"
S: c2 OK ...
C: c3 STATUS zowie (MESSAGES UNSEEN)
S: * STATUS "zowie" (MESSAGES 1 UNSEEN 0)
S: c3 OK ...
C: c4 RENAME zowie "Foo Bar"
S: c4 NO [ALREADYEXISTS] ...
C: c5 RENAME nosuch x
S: c5 NO [NONEXISTENT] ...
C: c6 RENAME zowie/blurdybloop x/y/z
S: c6 OK ...
C: c7 LIST "" *
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren) "/" "Foo Bar"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: * LIST (\HasChildren) "/" "x"
S: * LIST (\HasChildren) "/" "x/y"
S: * LIST (\HasNoChildren) "/" "x/y/z"
S: * LIST (\HasNoChildren) "/" "zowie"
S: c7 OK ...
C: d1 APPEND INBOX {23+}
C: Subject: one
C:
C: first
C:
S: d1 OK ...
C: d2 APPEND INBOX {24+}
C: Subject: two
C:
C: second
C:
S: d2 OK ...
C: d3 CREATE INBOX/child
S: d3 OK ...
C: d4 RENAME INBOX old-mail
S: d4 OK ...
C: d5 STATUS INBOX (MESSAGES)
S: * STATUS "INBOX" (MESSAGES 0)
S: d5 OK ...
C: d6 STATUS old-mail (MESSAGES)
S: * STATUS "old-mail" (MESSAGES 2)
S: d6 OK ...
C: d7 LIST "" *
S: * LIST (\HasChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren) "/" "Foo Bar"
S: * LIST (\HasNoChildren) "/" "INBOX/child"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: * LIST (\HasNoChildren) "/" "old-mail"
S: * LIST (\HasChildren) "/" "x"
S: * LIST (\HasChildren) "/" "x/y"
S: * LIST (\HasNoChildren) "/" "x/y/z"
S: * LIST (\HasNoChildren) "/" "zowie"
S: d7 OK ...
C: d8 RENAME "Foo Bar" INBOX
S: d8 NO [ALREADYEXISTS] ...
C: d9 LOGOUT
S: * BYE ...
S: d9 OK ...
S: <EOF>
