# APPEND (RFC 3501 §6.3.11) with flags and date-time, TRYCREATE, invalid flags and dates; RFC 3501's own example message.
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b1 APPEND saved-messages (\Seen) {310}
S: + ...
C: Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)
C: From: Fred Foobar <foobar@Blurdybloop.COM>
C: Subject: afternoon meeting
C: To: mooch@owatagu.siam.edu
C: Message-Id: <B27397-0100000@Blurdybloop.COM>
C: MIME-Version: 1.0
C: Content-Type: TEXT/PLAIN; CHARSET=US-ASCII
C:
C: Hello Joe, do you think we can meet at 3:30 tomorrow?
C:
S: b1 NO [TRYCREATE] ...
C: b2 CREATE saved-messages
S: b2 OK ...
C: b3 APPEND saved-messages (\Seen \Flagged \Draft \Answered \Deleted $Label) "17-Jul-1996 02:44:25 -0700" {18}
S: + ...
C: Subject: x
C:
C: hi
C:
S: b3 OK ...
C: b4 APPEND saved-messages " 7-Feb-1994 21:52:25 -0800" {18+}
C: Subject: y
C:
C: ho
C:
S: b4 OK ...
C: b5 APPEND saved-messages () {18}
S: + ...
C: Subject: z
C:
C: hu
C:
S: b5 OK ...
C: b6 APPEND saved-messages (\Recent) {18+}
C: Subject: r
C:
C: hu
C:
S: b6 BAD ...
C: b7 APPEND saved-messages "31-Feb-2020 00:00:00 +0000" {18+}
C: Subject: r
C:
C: hu
C:
S: b7 BAD ...
C: b8 APPEND saved-messages "17-Jul-1996 02:44:25" {18+}
C: Subject: r
C:
C: hu
C:
S: b8 BAD ...
C: b9 APPEND saved-messages (\Bogus) {18+}
C: Subject: r
C:
C: hu
C:
S: b9 BAD ...
C: c1 SELECT saved-messages
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Label)
S: * 3 EXISTS
S: * 3 RECENT
S: * OK [UNSEEN 2] ...
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Label \*)] ...
S: * OK [UIDVALIDITY $uidvalidity] ...
S: * OK [UIDNEXT 4] ...
S: * OK [HIGHESTMODSEQ $hms_append_1] ...
S: c1 OK [READ-WRITE] ...
C: c2 FETCH 1:2 (UID FLAGS INTERNALDATE RFC822.SIZE)
S: * 1 FETCH (UID 1 FLAGS (\Seen \Answered \Flagged \Deleted \Draft \Recent $Label) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 18)
S: * 2 FETCH (UID 2 FLAGS (\Recent) INTERNALDATE "07-Feb-1994 21:52:25 -0800" RFC822.SIZE 18)
S: c2 OK ...
C: c2b FETCH 3 (UID FLAGS RFC822.SIZE)
S: * 3 FETCH (UID 3 FLAGS (\Recent) RFC822.SIZE 18)
S: c2b OK ...
C: c3 FETCH 2 BODY[]
S: * 2 FETCH (BODY[] {18}
S: Subject: y
S:
S: ho
S:  FLAGS (\Seen \Recent))
S: c3 OK ...
C: c4 APPEND saved-messages (\Seen) "01-Jan-2020 00:00:00 +0000" {30+}
C: Subject: while selected
C:
C: x
C:
S: * 4 EXISTS
S: * 4 RECENT
S: c4 OK ...
C: c5 FETCH 4 (UID FLAGS)
S: * 4 FETCH (UID 4 FLAGS (\Seen \Recent))
S: c5 OK ...
C: d1 LOGOUT
S: * BYE ...
S: d1 OK ...
S: <EOF>
