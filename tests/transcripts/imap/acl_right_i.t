# RFC 4314 right "i" (insert): APPEND and COPY into a mailbox need it (§4); the flags they set
# need "s" (\Seen), "t" (\Deleted) and "w" (the rest), and those not covered are dropped rather
# than refused. A target the user cannot see gets the answer for one that does not exist:
# NO [TRYCREATE] (RFC 3501 §6.3.11, §6.4.7). "i" is also a right that makes SELECT READ-WRITE
# (§5.2).
@user bob@example.org secret
@user alice@example.org secret
@include include/bob-shares.t
C: d1 SETACL Shared alice@example.org li
S: d1 OK ...
C: d2 CREATE Readable
S: d2 OK ...
C: d3 SETACL Readable alice@example.org lr
S: d3 OK ...
C: d4 CREATE Drop
S: d4 OK ...
C: d5 SETACL Drop alice@example.org lrsiw
S: d5 OK ...
C: d6 CREATE Hidden
S: d6 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>

@connect imap
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR NAMESPACE CHILDREN ACL RIGHTS=texk SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
# "li": the message goes in without any of its flags.
C: b1 APPEND "Other users/bob/Shared" (\Seen \Flagged \Deleted $Label) {46+}
C: From: alice@example.org
C: Subject: 3
C:
C: third
C:
S: b1 OK ...
C: b2 APPEND "Other users/bob/Readable" {46+}
C: From: alice@example.org
C: Subject: 3
C:
C: third
C:
S: b2 NO [NOPERM] ...
C: b3 APPEND "Other users/bob/Hidden" {46+}
C: From: alice@example.org
C: Subject: 3
C:
C: third
C:
S: b3 NO [TRYCREATE] Mailbox does not exist
C: b4 APPEND "Other users/bob/Nothing" {46+}
C: From: alice@example.org
C: Subject: 3
C:
C: third
C:
S: b4 NO [TRYCREATE] Mailbox does not exist
# "lrsiw": \Flagged is shared, \Seen becomes alice's own, \Deleted needs "t".
C: b5 APPEND "Other users/bob/Drop" (\Seen \Flagged \Deleted) {46+}
C: From: alice@example.org
C: Subject: 3
C:
C: third
C:
S: b5 OK ...
# Reading needs "r" whatever else there is.
C: b6 SELECT "Other users/bob/Shared"
S: b6 NO [NOPERM] ...

# COPY from alice's INBOX: the same rights and the same answers.
C: c1 APPEND INBOX (\Seen \Flagged) {45+}
C: From: alice@example.org
C: Subject: 4
C:
C: mine
C:
S: c1 OK ...
C: c2 SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * 1 EXISTS
S: * 1 RECENT
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] ...
S: * OK [UIDVALIDITY $inbox] ...
S: * OK [UIDNEXT 2] ...
S: c2 OK [READ-WRITE] ...
C: c3 COPY 1 "Other users/bob/Shared"
S: c3 OK ...
C: c4 UID COPY 1 "Other users/bob/Drop"
S: c4 OK ...
C: c5 COPY 1 "Other users/bob/Readable"
S: c5 NO [NOPERM] ...
C: c6 UID COPY 1 "Other users/bob/Readable"
S: c6 NO [NOPERM] ...
C: c7 COPY 1 "Other users/bob/Hidden"
S: c7 NO [TRYCREATE] Mailbox does not exist
C: c8 UID COPY 1 "Other users/bob/Nothing"
S: c8 NO [TRYCREATE] Mailbox does not exist
# Drop: alice reads her own \Seen and the shared \Flagged.
C: c9 SELECT "Other users/bob/Drop"
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * 2 EXISTS
S: * 2 RECENT
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Seen \Draft \*)] ...
S: * OK [UIDVALIDITY $drop] ...
S: * OK [UIDNEXT 3] ...
S: c9 OK [READ-WRITE] ...
C: c10 FETCH 1:2 FLAGS
S: * 1 FETCH (FLAGS (\Seen \Flagged \Recent))
S: * 2 FETCH (FLAGS (\Seen \Flagged \Recent))
S: c10 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>

# bob: alice's messages are there; no \Seen of his, nothing alice had no right to set.
@connect imap
S: * OK ...
C: a LOGIN bob@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR NAMESPACE CHILDREN ACL RIGHTS=texk SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b1 EXAMINE Shared
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * 4 EXISTS
S: * 4 RECENT
S: * OK [UNSEEN 2] ...
S: * OK [PERMANENTFLAGS ()] ...
S: * OK [UIDVALIDITY $shared] ...
S: * OK [UIDNEXT 5] ...
S: b1 OK [READ-ONLY] ...
C: b2 FETCH 3:4 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])
S: * 3 FETCH (FLAGS (\Recent) BODY[HEADER.FIELDS (SUBJECT)] {14}
S: Subject: 3
S:
S: )
S: * 4 FETCH (FLAGS (\Recent) BODY[HEADER.FIELDS (SUBJECT)] {14}
S: Subject: 4
S:
S: )
S: b2 OK ...
C: b3 EXAMINE Drop
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * 2 EXISTS
S: * 2 RECENT
S: * OK [UNSEEN 1] ...
S: * OK [PERMANENTFLAGS ()] ...
S: * OK [UIDVALIDITY $drop] ...
S: * OK [UIDNEXT 3] ...
S: b3 OK [READ-ONLY] ...
C: b4 FETCH 1:2 FLAGS
S: * 1 FETCH (FLAGS (\Flagged \Recent))
S: * 2 FETCH (FLAGS (\Flagged \Recent))
S: b4 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
