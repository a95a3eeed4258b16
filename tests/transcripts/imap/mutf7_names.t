# Mailbox names in modified UTF-7 (RFC 3501 §5.1.3): valid names are kept exactly and come back
# byte for byte in LIST, STATUS and LSUB; names that are not valid modified UTF-7 (a bare "&",
# printable ASCII inside a shift, bad base64, an unended shift, a control character carried in
# a shift, two adjacent shifts) are refused with NO [CANNOT] and nothing is created.
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK ...
# CREATE makes the superiors too (RFC 3501 §6.3.3), each a mailbox of its own.
C: b1 CREATE "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
S: b1 OK ...
C: b2 CREATE "&U,BTF2XlZyyKng-"
S: b2 OK ...
C: b3 CREATE "R&-D"
S: b3 OK ...
C: b4 LIST "" "*"
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren) "/" "&U,BTF2XlZyyKng-"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren) "/" "R&-D"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: * LIST (\HasChildren) "/" "~peter"
S: * LIST (\HasChildren) "/" "~peter/mail"
S: * LIST (\HasChildren) "/" "~peter/mail/&U,BTFw-"
S: * LIST (\HasNoChildren) "/" "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
S: b4 OK ...
C: c1 CREATE "R&D"
S: c1 NO [CANNOT] ...
C: c2 CREATE "&AGE-"
S: c2 NO [CANNOT] ...
C: c3 CREATE "&Jjo!-"
S: c3 NO [CANNOT] ...
C: c4 CREATE "&U,BTF2XlZyyKng"
S: c4 NO [CANNOT] ...
C: c5 CREATE "a&AAE-b"
S: c5 NO [CANNOT] ...
C: c6 CREATE "&U,BTFw-&ZeVnLIqe-"
S: c6 NO [CANNOT] ...
C: c7 RENAME "R&-D" "R&D"
S: c7 NO [CANNOT] ...
C: c8 RENAME "R&-D" "&AOk-t&AOk-"
S: c8 OK ...
C: d1 APPEND "&AOk-t&AOk-" {12+}
C: Subject: x
C: 
S: d1 OK ...
C: d2 STATUS "&AOk-t&AOk-" (MESSAGES)
S: * STATUS "&AOk-t&AOk-" (MESSAGES 1)
S: d2 OK ...
C: d3 SUBSCRIBE "&AOk-t&AOk-"
S: d3 OK ...
C: d4 LSUB "" "*"
S: * LSUB () "/" "&AOk-t&AOk-"
S: * LSUB () "/" "Archive"
S: * LSUB () "/" "Drafts"
S: * LSUB () "/" "Junk"
S: * LSUB () "/" "Sent"
S: * LSUB () "/" "Trash"
S: d4 OK ...
C: d5 LIST "" "%"
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren) "/" "&AOk-t&AOk-"
S: * LIST (\HasNoChildren) "/" "&U,BTF2XlZyyKng-"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: * LIST (\HasChildren) "/" "~peter"
S: d5 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
