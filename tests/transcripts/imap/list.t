# LIST (RFC 3501 §6.3.8) with *, %, a reference, the empty name, and INBOX case-insensitivity.
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b1 CREATE a/b/c
S: b1 OK ...
C: b2 CREATE a/x
S: b2 OK ...
C: b3 CREATE ab
S: b3 OK ...
C: b4 CREATE "With Space"
S: b4 OK ...
C: b5 CREATE Work
S: b5 OK ...
C: c1 LIST "" *
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: * LIST (\HasNoChildren) "/" "With Space"
S: * LIST (\HasNoChildren) "/" "Work"
S: * LIST (\HasChildren) "/" "a"
S: * LIST (\HasChildren) "/" "a/b"
S: * LIST (\HasNoChildren) "/" "a/b/c"
S: * LIST (\HasNoChildren) "/" "a/x"
S: * LIST (\HasNoChildren) "/" "ab"
S: c1 OK ...
C: c2 LIST "" %
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: * LIST (\HasNoChildren) "/" "With Space"
S: * LIST (\HasNoChildren) "/" "Work"
S: * LIST (\HasChildren) "/" "a"
S: * LIST (\HasNoChildren) "/" "ab"
S: c2 OK ...
C: c3 LIST "" a/%
S: * LIST (\HasChildren) "/" "a/b"
S: * LIST (\HasNoChildren) "/" "a/x"
S: c3 OK ...
C: c4 LIST a/ %
S: * LIST (\HasChildren) "/" "a/b"
S: * LIST (\HasNoChildren) "/" "a/x"
S: c4 OK ...
C: c5 LIST a/ *
S: * LIST (\HasChildren) "/" "a/b"
S: * LIST (\HasNoChildren) "/" "a/b/c"
S: * LIST (\HasNoChildren) "/" "a/x"
S: c5 OK ...
C: c6 LIST "" a%
S: * LIST (\HasChildren) "/" "a"
S: * LIST (\HasNoChildren) "/" "ab"
S: c6 OK ...
C: c7 LIST "" *c
S: * LIST (\HasNoChildren) "/" "a/b/c"
S: c7 OK ...
C: c8 LIST "" ""
S: * LIST (\Noselect) "/" ""
S: c8 OK ...
C: c9 LIST a/b ""
S: * LIST (\Noselect) "/" "a/"
S: c9 OK ...
C: d1 LIST "" inbox
S: * LIST (\HasNoChildren) "/" "INBOX"
S: d1 OK ...
C: d2 LIST "" InBoX
S: * LIST (\HasNoChildren) "/" "INBOX"
S: d2 OK ...
C: d3 LIST "" nosuch
S: d3 OK ...
C: d4 LIST "" %/%
S: * LIST (\HasChildren) "/" "a/b"
S: * LIST (\HasNoChildren) "/" "a/x"
S: d4 OK ...
C: d5 LIST "" "With*"
S: * LIST (\HasNoChildren) "/" "With Space"
S: d5 OK ...
C: d6 LIST "" {5+}
C: Tras%
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: d6 OK ...
C: d7 LIST ""
S: d7 BAD ...
C: d8 LOGOUT
S: * BYE ...
S: d8 OK ...
S: <EOF>
