# The example POP3 session of RFC 1939 §10, with USER/PASS in place of APOP (not offered): a
# maildrop of two messages of 120 and 200 octets, both retrieved and deleted, then QUIT's UPDATE
# state (§6) removes them, as a second session shows.
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
C: RETR 1
S: +OK ...
S: Return-Path: <>
S: Delivered-To: alice@example.org
S: From: dewey@example.org
S: Subject: message 1
S:
S: The first of the two.
S: .
C: DELE 1
S: +OK ...
C: RETR 2
S: +OK ...
S: Return-Path: <>
S: Delivered-To: alice@example.org
S: From: dewey@example.org
S: To: alice@example.org
S: Subject: message 2
S:
S: The second of two. Together they hold 320 octets,
S: as in RFC 1939, section 10.
S: .
C: DELE 2
S: +OK ...
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
S: +OK 0 0
C: LIST
S: +OK ...
S: .
C: QUIT
S: +OK ...
S: <EOF>
