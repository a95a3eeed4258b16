# SUBSCRIBE, UNSUBSCRIBE and LSUB (RFC 3501 §6.3.6, §6.3.7, §6.3.9), including the LSUB % \Noselect rule.
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b1 CREATE news/comp/mail/misc
S: b1 OK ...
C: b2 CREATE news/comp/mail/mime
S: b2 OK ...
C: c1 SUBSCRIBE news/comp/mail/misc
S: c1 OK ...
C: c2 SUBSCRIBE #news.comp.mail.mime
S: c2 OK ...
C: c3 LSUB "" *
S: * LSUB () "/" "#news.comp.mail.mime"
S: * LSUB () "/" "Archive"
S: * LSUB () "/" "Drafts"
S: * LSUB () "/" "Junk"
S: * LSUB () "/" "Sent"
S: * LSUB () "/" "Trash"
S: * LSUB () "/" "news/comp/mail/misc"
S: c3 OK ...
C: c4 LSUB "" news/%
S: * LSUB (\Noselect) "/" "news/comp"
S: c4 OK ...
C: c5 LSUB "" news/comp/mail/%
S: * LSUB () "/" "news/comp/mail/misc"
S: c5 OK ...
C: c6 LSUB news/ %
S: * LSUB (\Noselect) "/" "news/comp"
S: c6 OK ...
C: d1 UNSUBSCRIBE news/comp/mail/misc
S: d1 OK ...
C: d2 LSUB "" *
S: * LSUB () "/" "#news.comp.mail.mime"
S: * LSUB () "/" "Archive"
S: * LSUB () "/" "Drafts"
S: * LSUB () "/" "Junk"
S: * LSUB () "/" "Sent"
S: * LSUB () "/" "Trash"
S: d2 OK ...
C: d3 SUBSCRIBE INBOX
S: d3 OK ...
C: d4 LSUB "" *
S: * LSUB () "/" "INBOX"
S: * LSUB () "/" "#news.comp.mail.mime"
S: * LSUB () "/" "Archive"
S: * LSUB () "/" "Drafts"
S: * LSUB () "/" "Junk"
S: * LSUB () "/" "Sent"
S: * LSUB () "/" "Trash"
S: d4 OK ...
C: d5 LIST "" *
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: * LIST (\HasChildren) "/" "news"
S: * LIST (\HasChildren) "/" "news/comp"
S: * LIST (\HasChildren) "/" "news/comp/mail"
S: * LIST (\HasNoChildren) "/" "news/comp/mail/mime"
S: * LIST (\HasNoChildren) "/" "news/comp/mail/misc"
S: d5 OK ...
C: d6 UNSUBSCRIBE "#news.comp.mail.mime"
S: d6 OK ...
C: d7 LSUB "" *
S: * LSUB () "/" "INBOX"
S: * LSUB () "/" "Archive"
S: * LSUB () "/" "Drafts"
S: * LSUB () "/" "Junk"
S: * LSUB () "/" "Sent"
S: * LSUB () "/" "Trash"
S: d7 OK ...
C: d8 LOGOUT
S: * BYE ...
S: d8 OK ...
S: <EOF>
