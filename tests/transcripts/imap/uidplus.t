# UIDPLUS (RFC 4315) with the RFC's own examples (§2.1, §3): APPENDUID on APPEND, COPYUID on
# COPY (source and target UIDs in the same order), UID EXPUNGE removing only the given \Deleted
# messages. Nothing copied: no COPYUID. A failed APPEND or COPY has no code either.
@include include/four-messages.t
C: c1 CREATE meeting
S: c1 OK ...
# §3: A003 APPEND saved-messages (\Seen) {297} / A003 OK [APPENDUID 38505 3955]
C: A003 APPEND meeting (\Seen) {23+}
C: Subject: one
C:
C: first
C:
S: A003 OK [APPENDUID $meeting 1] APPEND completed
C: A003b APPEND INBOX {23+}
C: Subject: two
C:
C: other
C:
S: * 5 EXISTS
S: * 5 RECENT
S: A003b OK [APPENDUID $uidvalidity 5] APPEND completed
C: c2 APPEND nosuch {23+}
C: Subject: one
C:
C: first
C:
S: c2 NO [TRYCREATE] ...
# §3: A004 COPY 2:4 meeting / A004 OK [COPYUID 38505 304,319:320 3956:3958]
C: A004 COPY 2:4 meeting
S: A004 OK [COPYUID $meeting 2:4 2:4] COPY completed
C: A004b UID COPY 1,3:5 meeting
S: A004b OK [COPYUID $meeting 1,3:5 5:8] COPY completed
C: c3 UID COPY 90:99 meeting
S: c3 OK COPY completed
C: c4 COPY 1 nosuch
S: c4 NO [TRYCREATE] ...
# §2.1: UID EXPUNGE 3000:3002 gives three "* 3 EXPUNGE"; here 2:4, with 1 and 5 \Deleted too.
C: d1 STORE 1:5 +FLAGS.SILENT (\Deleted)
S: d1 OK ...
C: A003 UID EXPUNGE 2:4
S: * 2 EXPUNGE
S: * 2 EXPUNGE
S: * 2 EXPUNGE
S: A003 OK ...
C: d2 UID EXPUNGE 2:4
S: d2 OK ...
C: d3 UID EXPUNGE 100:*
S: * 2 EXPUNGE
S: d3 OK ...
C: d4 UID EXPUNGE
S: d4 BAD ...
C: d5 EXPUNGE 1
S: d5 BAD ...
C: d6 UID EXPUNGE 1 2
S: d6 BAD ...
C: d7 FETCH 1 (UID FLAGS)
S: * 1 FETCH (UID 1 FLAGS (\Seen \Deleted \Recent))
S: d7 OK ...
C: e1 EXAMINE INBOX
S: * OK [CLOSED] ...
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Forwarded)
S: * 1 EXISTS
S: * 0 RECENT
S: * OK [PERMANENTFLAGS ()] ...
S: * OK [UIDVALIDITY $uidvalidity] ...
S: * OK [UIDNEXT 6] ...
S: * OK [HIGHESTMODSEQ $hms_auto1] ...
S: e1 OK [READ-ONLY] ...
C: e2 UID EXPUNGE 1
S: e2 NO [READ-ONLY] ...
C: e3 CLOSE
S: e3 OK ...
C: e4 UID EXPUNGE 1
S: e4 BAD ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
