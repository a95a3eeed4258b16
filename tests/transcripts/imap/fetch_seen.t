# BODY.PEEK and RFC822.HEADER leave \Seen alone; BODY[...] and RFC822.TEXT set it and report FLAGS (RFC 3501 §6.4.5).
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR] ...
C: p1 APPEND INBOX (\Seen) "17-Jul-1996 02:44:25 -0700" {397+}
C: Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)
C: From: Terry Gray <gray@cac.washington.edu>
C: Subject: IMAP4rev1 WG mtg summary and minutes
C: To: imap@cac.washington.edu
C: Cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>
C: Message-Id: <B27397-0100000@cac.washington.edu>
C: MIME-Version: 1.0
C: Content-Type: TEXT/PLAIN; CHARSET=US-ASCII
C:
C: Hello Joe, do you think we can meet at 3:30 tomorrow?
C:
S: p1 OK ...
C: p2 APPEND INBOX (\Flagged) "07-Feb-1994 11:52:25 -0800" {307+}
C: From: Bob <bob@example.org>
C: To: alice@example.org
C: Subject: multipart test
C: Date: Mon, 7 Feb 1994 11:52:25 -0800
C: MIME-Version: 1.0
C: Content-Type: multipart/mixed; boundary="XX"
C:
C: preamble
C: --XX
C: Content-Type: text/plain; charset=us-ascii
C:
C: part one
C: --XX
C: Content-Type: text/html
C:
C: <p>two</p>
C: --XX--
C:
S: p2 OK ...
C: p3 APPEND INBOX "01-Mar-2005 10:00:00 +0100" {265+}
C: From: Carol <carol@example.net>
C: To: alice@example.org
C: Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from Carol
C: Date: Tue, 1 Mar 2005 10:00:00 +0100
C: MIME-Version: 1.0
C: Content-Type: text/plain; charset=utf-8
C: Content-Transfer-Encoding: 8bit
C:
C: Schöne Grüße aus Köln
C:
S: p3 OK ...
C: p4 APPEND INBOX (\Answered $Forwarded) "01-Jan-2010 00:00:00 +0000" {114+}
C: From: Dave <dave@example.com>
C: To: bob@example.org
C: Subject: short
C: Date: Fri, 1 Jan 2010 00:00:00 +0000
C:
C: tiny
C:
S: p4 OK ...
C: s SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Forwarded)
S: * 4 EXISTS
S: * 4 RECENT
S: * OK [UNSEEN 2] ...
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Forwarded \*)] ...
S: * OK [UIDVALIDITY $uidvalidity] ...
S: * OK [UIDNEXT 5] ...
S: s OK [READ-WRITE] ...
C: f1 FETCH 3 BODY.PEEK[]
S: * 3 FETCH (BODY[] {265}
S: From: Carol <carol@example.net>
S: To: alice@example.org
S: Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from Carol
S: Date: Tue, 1 Mar 2005 10:00:00 +0100
S: MIME-Version: 1.0
S: Content-Type: text/plain; charset=utf-8
S: Content-Transfer-Encoding: 8bit
S:
S: Schöne Grüße aus Köln
S: )
S: f1 OK ...
C: f2 FETCH 3 FLAGS
S: * 3 FETCH (FLAGS (\Recent))
S: f2 OK ...
C: f3 FETCH 3 RFC822.HEADER
S: * 3 FETCH (RFC822.HEADER {238}
S: From: Carol <carol@example.net>
S: To: alice@example.org
S: Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from Carol
S: Date: Tue, 1 Mar 2005 10:00:00 +0100
S: MIME-Version: 1.0
S: Content-Type: text/plain; charset=utf-8
S: Content-Transfer-Encoding: 8bit
S:
S: )
S: f3 OK ...
C: f4 FETCH 3 (FLAGS RFC822.SIZE)
S: * 3 FETCH (FLAGS (\Recent) RFC822.SIZE 265)
S: f4 OK ...
C: f5 FETCH 3 BODY[TEXT]
S: * 3 FETCH (BODY[TEXT] {27}
S: Schöne Grüße aus Köln
S:  FLAGS (\Seen \Recent))
S: f5 OK ...
C: f6 FETCH 3 FLAGS
S: * 3 FETCH (FLAGS (\Seen \Recent))
S: f6 OK ...
C: f7 FETCH 4 RFC822.TEXT
S: * 4 FETCH (RFC822.TEXT {6}
S: tiny
S:  FLAGS (\Seen \Answered \Recent $Forwarded))
S: f7 OK ...
C: f8 FETCH 2 BODY[1]
S: * 2 FETCH (BODY[1] {8}
S: part one FLAGS (\Seen \Flagged \Recent))
S: f8 OK ...
C: f9 FETCH 1:4 FLAGS
S: * 1 FETCH (FLAGS (\Seen \Recent))
S: * 2 FETCH (FLAGS (\Seen \Flagged \Recent))
S: * 3 FETCH (FLAGS (\Seen \Recent))
S: * 4 FETCH (FLAGS (\Seen \Answered \Recent $Forwarded))
S: f9 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
