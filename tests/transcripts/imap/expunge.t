# EXPUNGE (RFC 3501 §6.4.3), with the RFC's own example: messages 3, 4, 7 and 11 deleted give 3, 3, 5, 8.
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b1 APPEND INBOX {25+}
C: Subject: message 1
C:
C: x
C:
S: b1 OK ...
C: b2 APPEND INBOX {25+}
C: Subject: message 2
C:
C: x
C:
S: b2 OK ...
C: b3 APPEND INBOX (\Deleted) {25+}
C: Subject: message 3
C:
C: x
C:
S: b3 OK ...
C: b4 APPEND INBOX (\Deleted) {25+}
C: Subject: message 4
C:
C: x
C:
S: b4 OK ...
C: b5 APPEND INBOX {25+}
C: Subject: message 5
C:
C: x
C:
S: b5 OK ...
C: b6 APPEND INBOX {25+}
C: Subject: message 6
C:
C: x
C:
S: b6 OK ...
C: b7 APPEND INBOX (\Deleted) {25+}
C: Subject: message 7
C:
C: x
C:
S: b7 OK ...
C: b8 APPEND INBOX {25+}
C: Subject: message 8
C:
C: x
C:
S: b8 OK ...
C: b9 APPEND INBOX {25+}
C: Subject: message 9
C:
C: x
C:
S: b9 OK ...
C: b10 APPEND INBOX {26+}
C: Subject: message 10
C:
C: x
C:
S: b10 OK ...
C: b11 APPEND INBOX (\Deleted) {26+}
C: Subject: message 11
C:
C: x
C:
S: b11 OK ...
C: c1 SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * 11 EXISTS
S: * 11 RECENT
S: * OK [UNSEEN 1] ...
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] ...
S: * OK [UIDVALIDITY $uidvalidity] ...
S: * OK [UIDNEXT 12] ...
S: * OK [HIGHESTMODSEQ $hms_expunge_1] ...
S: c1 OK [READ-WRITE] ...
C: c2 EXPUNGE
S: * 3 EXPUNGE
S: * 3 EXPUNGE
S: * 5 EXPUNGE
S: * 8 EXPUNGE
S: c2 OK ...
C: c3 FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])
S: * 1 FETCH (UID 1 BODY[HEADER.FIELDS (SUBJECT)] {22}
S: Subject: message 1
S:
S: )
S: * 2 FETCH (UID 2 BODY[HEADER.FIELDS (SUBJECT)] {22}
S: Subject: message 2
S:
S: )
S: * 3 FETCH (UID 5 BODY[HEADER.FIELDS (SUBJECT)] {22}
S: Subject: message 5
S:
S: )
S: * 4 FETCH (UID 6 BODY[HEADER.FIELDS (SUBJECT)] {22}
S: Subject: message 6
S:
S: )
S: * 5 FETCH (UID 8 BODY[HEADER.FIELDS (SUBJECT)] {22}
S: Subject: message 8
S:
S: )
S: * 6 FETCH (UID 9 BODY[HEADER.FIELDS (SUBJECT)] {22}
S: Subject: message 9
S:
S: )
S: * 7 FETCH (UID 10 BODY[HEADER.FIELDS (SUBJECT)] {23}
S: Subject: message 10
S:
S: )
S: c3 OK ...
C: c4 EXPUNGE
S: c4 OK ...
C: c5 STORE 1:* +FLAGS.SILENT (\Deleted)
S: c5 OK ...
C: c6 EXPUNGE extra
S: c6 BAD ...
C: c7 EXPUNGE
S: * 1 EXPUNGE
S: * 1 EXPUNGE
S: * 1 EXPUNGE
S: * 1 EXPUNGE
S: * 1 EXPUNGE
S: * 1 EXPUNGE
S: * 1 EXPUNGE
S: c7 OK ...
C: c8 FETCH 1 FLAGS
S: c8 BAD ...
C: c9 LOGOUT
S: * BYE ...
S: c9 OK ...
S: <EOF>
