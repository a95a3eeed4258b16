# BINARY (RFC 3516): FETCH BINARY[part]<partial>, BINARY.PEEK, BINARY.SIZE; base64 and
# quoted-printable decoded, 7bit as is, unknown encoding -> NO [UNKNOWN-CTE], multipart and
# message parts, missing parts, \Seen, bad syntax. NUL content (literal8) is in test_binary.py.
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b1 APPEND INBOX {827+}
C: From: Bob <bob@example.org>
C: To: alice@example.org
C: Subject: binary test
C: MIME-Version: 1.0
C: Content-Type: multipart/mixed; boundary="b1"
C:
C: --b1
C: Content-Type: text/plain; charset=utf-8
C: Content-Transfer-Encoding: quoted-printable
C:
C: caf=C3=A9 costs 3=3D4 soft=
C: break here
C: --b1
C: Content-Type: application/octet-stream
C: Content-Transfer-Encoding: base64
C:
C: SGVsbG8sIGJpbmFyeSB3b3JsZCENCg==
C: --b1
C: Content-Type: text/plain; charset=us-ascii
C: Content-Transfer-Encoding: 7bit
C:
C: plain seven bit
C: --b1
C: Content-Type: application/x-foo
C: Content-Transfer-Encoding: x-uuencode
C:
C: begin 644 x
C: #86)C
C: `
C: end
C: --b1
C: Content-Type: text/plain
C: Content-Transfer-Encoding: BASE64
C:
C: YWJj
C: ZGVm
C: --b1
C: Content-Type: message/rfc822
C:
C: Subject: inner
C: Content-Type: text/plain
C: Content-Transfer-Encoding: base64
C:
C: aW5uZXIgdGV4dA==
C: --b1--
C:
S: b1 OK ...
C: s1 SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * 1 EXISTS
S: * 1 RECENT
S: * OK [UNSEEN 1] ...
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] ...
S: * OK [UIDVALIDITY $uidvalidity] ...
S: * OK [UIDNEXT 2] ...
S: * OK [HIGHESTMODSEQ $hms_1] ...
S: s1 OK [READ-WRITE] ...
# quoted-printable: =XX decoded, soft line break removed
C: f1 FETCH 1 BINARY.PEEK[1]
S: * 1 FETCH (BINARY[1] {30}
S: café costs 3=4 softbreak here)
S: f1 OK ...
C: f2 FETCH 1 BINARY.SIZE[1]
S: * 1 FETCH (BINARY.SIZE[1] 30)
S: f2 OK ...
# base64
C: f3 FETCH 1 BINARY.PEEK[2]
S: * 1 FETCH (BINARY[2] {22}
S: Hello, binary world!
S: )
S: f3 OK ...
# a partial counts decoded octets; the response names the origin only
C: f4 FETCH 1 BINARY.PEEK[2]<7.6>
S: * 1 FETCH (BINARY[2]<7> {6}
S: binary)
S: f4 OK ...
C: f5 FETCH 1 BINARY.PEEK[2]<100.5>
S: * 1 FETCH (BINARY[2]<100> {0}
S: )
S: f5 OK ...
# 7bit: as is
C: f6 FETCH 1 BINARY.PEEK[3]
S: * 1 FETCH (BINARY[3] {15}
S: plain seven bit)
S: f6 OK ...
# an encoding the server does not know
C: f7 FETCH 1 BINARY.PEEK[4]
S: f7 NO [UNKNOWN-CTE] ...
C: f8 FETCH 1 BINARY.SIZE[4]
S: f8 NO [UNKNOWN-CTE] ...
# a FETCH that fails changes nothing (RFC 3516 §4.3): BINARY[3] would set \Seen, but the
# encodings are checked before the flag is stored (f14 below still shows no \Seen)
C: f8b FETCH 1 (BINARY[3] BINARY[4])
S: f8b NO [UNKNOWN-CTE] ...
C: f8c FETCH 1 (BODY[3] BINARY.SIZE[4])
S: f8c NO [UNKNOWN-CTE] ...
# the encoding's name in any case; two items in one FETCH
C: f9 FETCH 1 (BINARY.PEEK[5] BINARY.SIZE[5])
S: * 1 FETCH (BINARY[5] {6}
S: abcdef BINARY.SIZE[5] 6)
S: f9 OK ...
# message/rfc822: the part as is; its body part 1 decoded
C: f10 FETCH 1 BINARY.PEEK[6]
S: * 1 FETCH (BINARY[6] {95}
S: Subject: inner
S: Content-Type: text/plain
S: Content-Transfer-Encoding: base64
S:
S: aW5uZXIgdGV4dA==)
S: f10 OK ...
C: f11 FETCH 1 BINARY.PEEK[6.1]
S: * 1 FETCH (BINARY[6.1] {10}
S: inner text)
S: f11 OK ...
# a part that does not exist: NIL, size 0
C: f12 FETCH 1 (BINARY.PEEK[7] BINARY.SIZE[7] BINARY.PEEK[3.1])
S: * 1 FETCH (BINARY[7] NIL BINARY.SIZE[7] 0 BINARY[3.1] NIL)
S: f12 OK ...
# BINARY[] and BINARY.SIZE[]: the whole message unchanged
C: f13 FETCH 1 BINARY.SIZE[]
S: * 1 FETCH (BINARY.SIZE[] 827)
S: f13 OK ...
# PEEK and SIZE left \Seen alone; BINARY sets it and FLAGS is reported
C: f14 FETCH 1 FLAGS
S: * 1 FETCH (FLAGS (\Recent))
S: f14 OK ...
C: f15 FETCH 1 BINARY[3]<0.5>
S: * 1 FETCH (BINARY[3]<0> {5}
S: plain FLAGS (\Seen \Recent))
S: f15 OK ...
# UID FETCH; pipelined
C: f16 UID FETCH 1 BINARY.SIZE[2]
C: f17 FETCH 1 BINARY.SIZE[3]
S: * 1 FETCH (UID 1 BINARY.SIZE[2] 22)
S: f16 OK ...
S: * 1 FETCH (BINARY.SIZE[3] 15)
S: f17 OK ...
# bad syntax
C: e1 FETCH 1 BINARY[1.MIME]
S: e1 BAD ...
C: e2 FETCH 1 BINARY[TEXT]
S: e2 BAD ...
C: e3 FETCH 1 BINARY.SIZE[1]<0.5>
S: e3 BAD ...
C: e4 FETCH 1 BINARY[1]<5>
S: e4 BAD ...
C: e5 FETCH 1 BINARY.PEEK
S: e5 BAD ...
C: e6 FETCH 1 BINARY[0]
S: e6 BAD ...
C: e7 FETCH 1 BINARY.PEEK[1
S: e7 BAD ...
C: e8 FETCH 1 (BINARY[1] BINARY.FOO[1])
S: e8 BAD ...
# a literal8 APPEND without NUL, then its single part decoded
C: b2 APPEND INBOX ~{61+}
C: Subject: two
C: Content-Transfer-Encoding: base64
C:
C: VHdvIQ==
C:
S: * 2 EXISTS
S: * 2 RECENT
S: b2 OK ...
C: f18 FETCH 2 (BINARY.PEEK[1] BINARY.SIZE[1] BINARY.PEEK[])
S: * 2 FETCH (BINARY[1] {4}
S: Two! BINARY.SIZE[1] 4 BINARY[] {61}
S: Subject: two
S: Content-Transfer-Encoding: base64
S:
S: VHdvIQ==
S: )
S: f18 OK ...
C: l LOGOUT
S: * BYE ...
S: l OK ...
S: <EOF>
