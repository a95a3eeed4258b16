# Shared set-up for the ACL transcripts (RFC 4314): bob logs in, creates "Shared" and appends two
# messages, the first \Seen and \Flagged for him. The including transcript then grants alice
# rights with SETACL, logs bob out and connects again as alice, to whom the mailbox is
# "Other users/bob/Shared" (RFC 2342: the owner's local part, same domain).
S: * OK ...
C: a LOGIN bob@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b CREATE Shared
S: b OK ...
C: c1 APPEND Shared (\Seen \Flagged) {46+}
C: From: bob@example.org
C: Subject: one
C:
C: first
C:
S: c1 OK ...
C: c2 APPEND Shared {47+}
C: From: bob@example.org
C: Subject: two
C:
C: second
C:
S: c2 OK ...
