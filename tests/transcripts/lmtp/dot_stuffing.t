# The end of DATA and dot-stuffing (RFC 5321 §4.5.2): a line of just "." ends the message; on
# every other line that starts with "." the server removes that first dot, stuffed or not
# (".x" becomes "x"); dots elsewhere stay. IMAP then shows the stored text byte for byte, and
# POP3 stuffs it again (RFC 1939 §3).
@protocol lmtp
@include include/lhlo.t
C: MAIL FROM:<chris@example.net>
S: 250 2.1.0 ...
C: RCPT TO:<alice@example.org>
S: 250 2.1.5 ...
C: DATA
S: 354 ...
C: Subject: dots
C:
C: ..
C: ...
C: ..x
C: x.
C:  .
C: .x
C: . .
C: last line
C: .
S: 250 2.0.0 <alice@example.org> ...
C: QUIT
S: 221 2.0.0 ...
S: <EOF>
@connect imap
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK ...
C: b EXAMINE INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * 1 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 1] ...
S: * OK [PERMANENTFLAGS ()] ...
S: * OK [UIDVALIDITY $uidvalidity] ...
S: * OK [UIDNEXT 2] ...
S: * OK [HIGHESTMODSEQ $hms_dot_stuffing_1] ...
S: b OK [READ-ONLY] ...
C: c FETCH 1 BODY.PEEK[TEXT]
S: * 1 FETCH (BODY[TEXT] {37}
S: .
S: ..
S: .x
S: x.
S:  .
S: x
S:  .
S: last line
S: )
S: c OK ...
C: d LOGOUT
S: * BYE ...
S: d OK ...
S: <EOF>
@connect pop3
S: +OK ...
C: USER alice@example.org
S: +OK ...
C: PASS secret
S: +OK ...
C: TOP 1 100
S: +OK ...
S: Return-Path: <chris@example.net>
S: Delivered-To: alice@example.org
S: Subject: dots
S:
S: ..
S: ...
S: ..x
S: x.
S:  .
S: x
S:  .
S: last line
S: .
C: QUIT
S: +OK ...
S: <EOF>
