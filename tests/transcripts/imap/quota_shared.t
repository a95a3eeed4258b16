# QUOTA and shared mailboxes (RFC 9208 §5 with RFC 4314): messages put in another user's mailbox
# count against the owner's quota, never the writer's; the writer sees no quota root there (the
# owner's usage is not the writer's business) but gets NO [OVERQUOTA] when the owner is full.
@user bob@example.org secret
@user alice@example.org secret
@quota bob@example.org --messages 3
@quota alice@example.org --messages 10
@include include/bob-shares.t
C: d1 SETACL Shared alice@example.org lrsi
S: d1 OK ...
C: d2 GETQUOTA "User quota"
S: * QUOTA "User quota" (MESSAGE 2 3)
S: d2 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>

@connect imap
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b1 GETQUOTAROOT "Other users/bob/Shared"
S: * QUOTAROOT "Other users/bob/Shared"
S: b1 OK ...
C: b2 APPEND "Other users/bob/Shared" {46+}
C: From: alice@example.org
C: Subject: 3
C:
C: third
C:
S: b2 OK ...
C: b3 APPEND "Other users/bob/Shared" {47+}
C: From: alice@example.org
C: Subject: 4
C:
C: fourth
C:
S: b3 NO [OVERQUOTA] ...
C: c1 APPEND INBOX {47+}
C: From: alice@example.org
C: Subject: 4
C:
C: fourth
C:
S: c1 OK ...
C: c2 SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * 1 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 1] ...
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] ...
S: * OK [UIDVALIDITY $uidvalidity] ...
S: * OK [UIDNEXT 2] ...
S: * OK [HIGHESTMODSEQ $hms_auto1] ...
S: c2 OK [READ-WRITE] ...
C: c3 COPY 1 "Other users/bob/Shared"
S: c3 NO [OVERQUOTA] ...
# alice's own usage has only her INBOX message.
C: d GETQUOTAROOT INBOX
S: * QUOTAROOT "INBOX" "User quota"
S: * QUOTA "User quota" (MESSAGE 1 10)
S: d OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
