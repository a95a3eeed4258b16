# The TRANSACTION commands of RFC 1939 §5 with the section's own examples: STAT, LIST with and
# without an argument (LIST 3 of a 2-message maildrop is an error), RETR, DELE (DELE 2 twice:
# "already deleted"), NOOP and RSET (all marks removed). Nothing is deleted without QUIT.
@protocol pop3
@deliver alice@example.org ../messages/rfc1939-1.msg
@deliver alice@example.org ../messages/rfc1939-2.msg
S: +OK ...
C: USER alice@example.org
S: +OK ...
C: PASS secret
S: +OK ...
C: STAT
S: +OK 2 320
C: LIST
S: +OK ...
S: 1 120
S: 2 200
S: .
C: LIST 2
S: +OK 2 200
C: LIST 3
S: -ERR ...
C: NOOP
S: +OK
C: DELE 1
S: +OK ...
C: DELE 2
S: +OK ...
C: DELE 2
S: -ERR ...
C: STAT
S: +OK 0 0
C: LIST
S: +OK ...
S: .
C: LIST 1
S: -ERR ...
C: RETR 1
S: -ERR ...
C: RSET
S: +OK ...
C: STAT
S: +OK 2 320
C: LIST 1
S: +OK 1 120
C: RETR 1
S: +OK ...
S: Return-Path: <>
S: Delivered-To: alice@example.org
S: From: dewey@example.org
S: Subject: message 1
S:
S: The first of the two.
S: .
C: QUIT
S: +OK ...
S: <EOF>
@connect pop3
S: +OK ...
C: USER alice@example.org
S: +OK ...
C: PASS secret
S: +OK ...
C: STAT
S: +OK 2 320
C: QUIT
S: +OK ...
S: <EOF>
