# TOP (RFC 1939 §7): the header, the blank line and n lines of the body; TOP n 0 is the header
# and the blank line only; more lines than the body has give all of it; byte-stuffed like RETR
# (§3). TOP 100 3 of a missing message is the section's own error example. TOP does not count as
# retrieving: no \Seen afterwards (only RETR does, see update.t).
@protocol pop3
@deliver alice@example.org ../messages/dots.msg
S: +OK ...
C: USER alice@example.org
S: +OK ...
C: PASS secret
S: +OK ...
C: TOP 1 0
S: +OK ...
S: Return-Path: <>
S: Delivered-To: alice@example.org
S: From: dewey@example.org
S: To: alice@example.org
S: Subject: dots and lines
S:
S: .
C: TOP 1 2
S: +OK ...
S: Return-Path: <>
S: Delivered-To: alice@example.org
S: From: dewey@example.org
S: To: alice@example.org
S: Subject: dots and lines
S:
S: line 1
S: ..line 2 starts with a dot
S: .
C: TOP 1 4
S: +OK ...
S: Return-Path: <>
S: Delivered-To: alice@example.org
S: From: dewey@example.org
S: To: alice@example.org
S: Subject: dots and lines
S:
S: line 1
S: ..line 2 starts with a dot
S: ..
S: ...
S: .
C: TOP 1 100
S: +OK ...
S: Return-Path: <>
S: Delivered-To: alice@example.org
S: From: dewey@example.org
S: To: alice@example.org
S: Subject: dots and lines
S:
S: line 1
S: ..line 2 starts with a dot
S: ..
S: ...
S: line 5
S: .
C: TOP 100 3
S: -ERR ...
C: TOP 1
S: -ERR ...
C: TOP
S: -ERR ...
C: TOP 1 x
S: -ERR ...
C: TOP 1 -1
S: -ERR ...
C: DELE 1
S: +OK ...
C: TOP 1 0
S: -ERR ...
C: RSET
S: +OK ...
C: QUIT
S: +OK ...
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
S: * OK [HIGHESTMODSEQ $hms_top_1] ...
S: b OK [READ-ONLY] ...
C: c FETCH 1 FLAGS
S: * 1 FETCH (FLAGS (\Recent))
S: c OK ...
C: d LOGOUT
S: * BYE ...
S: d OK ...
S: <EOF>
