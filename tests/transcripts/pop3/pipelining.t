# PIPELINING (RFC 2449 §6.6): a whole session sent at once, login included; the answers come
# back in order, as if each command had been sent after the previous answer.
@protocol pop3
@deliver alice@example.org ../messages/rfc1939-1.msg
@deliver alice@example.org ../messages/short.msg
S: +OK ...
C: USER alice@example.org
C: PASS secret
C: STAT
C: LIST
C: UIDL 2
C: TOP 1 0
C: RETR 2
C: DELE 1
C: LIST 1
C: NOOP
C: STAT
C: QUIT
S: +OK ...
S: +OK ...
S: +OK 2 221
S: +OK ...
S: 1 120
S: 2 101
S: .
S: +OK 2 $uid2
S: +OK ...
S: Return-Path: <>
S: Delivered-To: alice@example.org
S: From: dewey@example.org
S: Subject: message 1
S:
S: .
S: +OK ...
S: Return-Path: <>
S: Delivered-To: alice@example.org
S: From: dewey@example.org
S: Subject: short
S:
S: Short.
S: .
S: +OK ...
S: -ERR ...
S: +OK
S: +OK 1 101
S: +OK ...
S: <EOF>
@connect pop3
S: +OK ...
C: USER alice@example.org
C: PASS secret
C: UIDL
C: QUIT
S: +OK ...
S: +OK ...
S: +OK ...
S: 1 $uid2
S: .
S: +OK ...
S: <EOF>
