# FETCH body sections (RFC 3501 §6.4.5): HEADER, HEADER.FIELDS(.NOT), TEXT, part numbers, MIME, partial <o.n>, RFC822*.
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
C: f1 FETCH 2 BODY.PEEK[HEADER]
S: * 2 FETCH (BODY[HEADER] {182}
S: From: Bob <bob@example.org>
S: To: alice@example.org
S: Subject: multipart test
S: Date: Mon, 7 Feb 1994 11:52:25 -0800
S: MIME-Version: 1.0
S: Content-Type: multipart/mixed; boundary="XX"
S:
S: )
S: f1 OK ...
C: f2 FETCH 2 BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)]
S: * 2 FETCH (BODY[HEADER.FIELDS (FROM SUBJECT)] {56}
S: From: Bob <bob@example.org>
S: Subject: multipart test
S:
S: )
S: f2 OK ...
C: f3 FETCH 2 BODY.PEEK[HEADER.FIELDS.NOT (FROM SUBJECT)]
S: * 2 FETCH (BODY[HEADER.FIELDS.NOT (FROM SUBJECT)] {128}
S: To: alice@example.org
S: Date: Mon, 7 Feb 1994 11:52:25 -0800
S: MIME-Version: 1.0
S: Content-Type: multipart/mixed; boundary="XX"
S:
S: )
S: f3 OK ...
C: f4 FETCH 2 BODY.PEEK[TEXT]
S: * 2 FETCH (BODY[TEXT] {125}
S: preamble
S: --XX
S: Content-Type: text/plain; charset=us-ascii
S:
S: part one
S: --XX
S: Content-Type: text/html
S:
S: <p>two</p>
S: --XX--
S: )
S: f4 OK ...
C: f5 FETCH 2 (BODY.PEEK[1] BODY.PEEK[1.MIME] BODY.PEEK[2] BODY.PEEK[2.MIME])
S: * 2 FETCH (BODY[1] {8}
S: part one BODY[1.MIME] {46}
S: Content-Type: text/plain; charset=us-ascii
S:
S:  BODY[2] {10}
S: <p>two</p> BODY[2.MIME] {27}
S: Content-Type: text/html
S:
S: )
S: f5 OK ...
C: f6 FETCH 1 BODY.PEEK[1]
S: * 1 FETCH (BODY[1] {55}
S: Hello Joe, do you think we can meet at 3:30 tomorrow?
S: )
S: f6 OK ...
C: f7 FETCH 1 (BODY.PEEK[]<0.10> BODY.PEEK[TEXT]<5.1000>)
S: * 1 FETCH (BODY[]<0> {10}
S: Date: Wed, BODY[TEXT]<5> {50}
S:  Joe, do you think we can meet at 3:30 tomorrow?
S: )
S: f7 OK ...
C: f8 FETCH 1 BODY.PEEK[]<1000.10>
S: * 1 FETCH (BODY[]<1000> {0}
S: )
S: f8 OK ...
C: f9 FETCH 1 BODY.PEEK[HEADER.FIELDS (X-NOTHING)]
S: * 1 FETCH (BODY[HEADER.FIELDS (X-NOTHING)] {2}
S:
S: )
S: f9 OK ...
C: g1 FETCH 4 RFC822.HEADER
S: * 4 FETCH (RFC822.HEADER {108}
S: From: Dave <dave@example.com>
S: To: bob@example.org
S: Subject: short
S: Date: Fri, 1 Jan 2010 00:00:00 +0000
S:
S: )
S: g1 OK ...
C: g2 FETCH 4 RFC822
S: * 4 FETCH (RFC822 {114}
S: From: Dave <dave@example.com>
S: To: bob@example.org
S: Subject: short
S: Date: Fri, 1 Jan 2010 00:00:00 +0000
S:
S: tiny
S:  FLAGS (\Seen \Answered \Recent $Forwarded))
S: g2 OK ...
C: g3 FETCH 4 RFC822.TEXT
S: * 4 FETCH (RFC822.TEXT {6}
S: tiny
S:  FLAGS (\Seen \Answered \Recent $Forwarded))
S: g3 OK ...
C: g4 FETCH 4 (FLAGS)
S: * 4 FETCH (FLAGS (\Seen \Answered \Recent $Forwarded))
S: g4 OK ...
C: g5 FETCH 1 BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.20>
S: * 1 FETCH (BODY[HEADER.FIELDS (DATE FROM)]<0> {20}
S: Date: Wed, 17 Jul 19)
S: g5 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
