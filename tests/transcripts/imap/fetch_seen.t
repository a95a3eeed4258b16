# BODY.PEEK and RFC822.HEADER leave \Seen alone; BODY[...] and RFC822.TEXT set it and report FLAGS (RFC 3501 §6.4.5).
@include include/four-messages.t
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
