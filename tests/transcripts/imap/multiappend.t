# MULTIAPPEND (RFC 3502): several messages in one APPEND, stored all or none. The first part is
# RFC 3502 §6's own example. Its A004 shows a server refusing at the first literal; Pillarbox
# looks at the mailbox only once the command is complete, so it sends "+" first (RFC 3501
# §6.3.11 allows either) and then NO [TRYCREATE].
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b CREATE saved-messages
S: b OK ...
C: A003 APPEND saved-messages (\Seen) {329}
S: + ...
C: Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)
C: From: Fred Foobar <foobar@Blurdybloop.example.COM>
C: Subject: afternoon meeting
C: To: mooch@owatagu.example.net
C: Message-Id: <B27397-0100000@Blurdybloop.example.COM>
C: MIME-Version: 1.0
C: Content-Type: TEXT/PLAIN; CHARSET=US-ASCII
C:
C: Hello Joe, do you think we can meet at 3:30 tomorrow?
C:  (\Seen) " 7-Feb-1994 22:43:04 -0800" {295}
S: + ...
C: Date: Mon, 7 Feb 1994 22:43:04 -0800 (PST)
C: From: Joe Mooch <mooch@OWATAGU.example.net>
C: Subject: Re: afternoon meeting
C: To: foobar@blurdybloop.example.com
C: Message-Id: <a0434793874930@OWATAGU.example.net>
C: MIME-Version: 1.0
C: Content-Type: TEXT/PLAIN; CHARSET=US-ASCII
C:
C: 3:30 is fine with me.
C:
S: A003 OK ...
C: A004 APPEND bogusname (\Flagged) {18}
S: + ...
C: Subject: x
C:
C: hi
C:  {18}
S: + ...
C: Subject: y
C:
C: ho
C:
S: A004 NO [TRYCREATE] ...
# Both messages are there, each with its own flags and date, in order.
C: c SELECT saved-messages
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * 2 EXISTS
S: * 2 RECENT
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] ...
S: * OK [UIDVALIDITY $uidvalidity] ...
S: * OK [UIDNEXT 3] ...
S: * OK [HIGHESTMODSEQ $hms_auto1] ...
S: c OK [READ-WRITE] ...
C: d1 FETCH 1:2 (UID FLAGS RFC822.SIZE)
S: * 1 FETCH (UID 1 FLAGS (\Seen \Recent) RFC822.SIZE 329)
S: * 2 FETCH (UID 2 FLAGS (\Seen \Recent) RFC822.SIZE 295)
S: d1 OK ...
C: d2 FETCH 2 INTERNALDATE
S: * 2 FETCH (INTERNALDATE "07-Feb-1994 22:43:04 -0800")
S: d2 OK ...
# Non-synchronizing literals, pipelined: three messages, the middle one with every part; the
# selected session hears of them (and of the new keyword) before the tagged OK.
C: e APPEND saved-messages {18+}
C: Subject: 1
C:
C: m1
C:  (\Flagged $Work) "01-Jan-2020 10:00:00 +0100" {18+}
C: Subject: 2
C:
C: m2
C:  () {18+}
C: Subject: 3
C:
C: m3
C:
C: f STATUS saved-messages (MESSAGES UIDNEXT)
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Work)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Work \*)] ...
S: * 5 EXISTS
S: * 5 RECENT
S: e OK ...
S: * STATUS "saved-messages" (MESSAGES 5 UIDNEXT 6)
S: f OK ...
# All or nothing: one bad message (empty, or bad syntax after a good one) stores none.
C: g APPEND saved-messages {18+}
C: Subject: 4
C:
C: m4
C:  {0+}
C:
S: g NO [CANNOT] ...
C: h APPEND saved-messages {18+}
C: Subject: 5
C:
C: m5
C:  (\Bogus) {18+}
C: Subject: 6
C:
C: m6
C:
S: h BAD ...
C: i APPEND saved-messages {18+}
C: Subject: 7
C:
C: m7
C:  
S: i BAD ...
C: j STATUS saved-messages (MESSAGES)
S: * STATUS "saved-messages" (MESSAGES 5)
S: j OK ...
C: k NOOP
S: k OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
