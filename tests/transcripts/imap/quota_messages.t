# QUOTA MESSAGE (RFC 9208 §5.2) from the configured default ([quota] messages): an account
# without limits of its own follows it. A fourth message is refused, alone or in a MULTIAPPEND.
@config quota.messages = 3
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b GETQUOTAROOT INBOX
S: * QUOTAROOT "INBOX" "User quota"
S: * QUOTA "User quota" (MESSAGE 0 3)
S: b OK ...
C: c1 APPEND INBOX {18+}
C: Subject: 1
C:
C: m1
C:  {18+}
C: Subject: 2
C:
C: m2
C:
S: c1 OK ...
C: c2 APPEND INBOX {18+}
C: Subject: 3
C:
C: m3
C:  {18+}
C: Subject: 4
C:
C: m4
C:
S: c2 NO [OVERQUOTA] ...
C: c3 APPEND INBOX {18+}
C: Subject: 3
C:
C: m3
C:
S: c3 OK ...
C: c4 APPEND INBOX {18+}
C: Subject: 4
C:
C: m4
C:
S: c4 NO [OVERQUOTA] ...
C: d GETQUOTA "User quota"
S: * QUOTA "User quota" (MESSAGE 3 3)
S: d OK ...
C: e STATUS INBOX (MESSAGES)
S: * STATUS "INBOX" (MESSAGES 3)
S: e OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
