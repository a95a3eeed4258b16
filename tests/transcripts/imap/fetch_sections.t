# FETCH body sections (RFC 3501 §6.4.5): HEADER, HEADER.FIELDS(.NOT), TEXT, part numbers, MIME, partial <o.n>, RFC822*.
@include include/four-messages.t
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
