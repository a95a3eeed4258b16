# STORE (RFC 3501 §6.4.6): +FLAGS, -FLAGS, FLAGS, .SILENT, keywords, errors.
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
C: t1 STORE 2:4 +FLAGS (\Deleted)
S: * 2 FETCH (FLAGS (\Flagged \Deleted \Recent))
S: * 3 FETCH (FLAGS (\Deleted \Recent))
S: * 4 FETCH (FLAGS (\Answered \Deleted \Recent $Forwarded))
S: t1 OK ...
C: t2 STORE 2 -FLAGS (\Deleted \Flagged)
S: * 2 FETCH (FLAGS (\Recent))
S: t2 OK ...
C: t3 STORE 3 FLAGS (\Seen \Answered)
S: * 3 FETCH (FLAGS (\Seen \Answered \Recent))
S: t3 OK ...
C: t4 STORE 1:4 +FLAGS.SILENT (\Draft)
S: t4 OK ...
C: t5 FETCH 1:4 FLAGS
S: * 1 FETCH (FLAGS (\Seen \Draft \Recent))
S: * 2 FETCH (FLAGS (\Draft \Recent))
S: * 3 FETCH (FLAGS (\Seen \Answered \Draft \Recent))
S: * 4 FETCH (FLAGS (\Answered \Deleted \Draft \Recent $Forwarded))
S: t5 OK ...
C: t6 STORE 1 -FLAGS.SILENT (\Draft \Seen)
S: t6 OK ...
C: t7 STORE 1 FLAGS.SILENT ()
S: t7 OK ...
C: t8 FETCH 1 FLAGS
S: * 1 FETCH (FLAGS (\Recent))
S: t8 OK ...
C: t9 STORE 1 +FLAGS (todo $Label1)
S: * 1 FETCH (FLAGS (\Recent $Label1 todo))
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Forwarded $Label1 todo)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Forwarded $Label1 todo \*)] ...
S: t9 OK ...
C: u1 STORE 1 +FLAGS todo
S: * 1 FETCH (FLAGS (\Recent $Label1 todo))
S: u1 OK ...
C: u2 STORE 1 -FLAGS ($Label1)
S: * 1 FETCH (FLAGS (\Recent todo))
S: u2 OK ...
C: u3 STORE 1,3 FLAGS (\Flagged Urgent)
S: * 1 FETCH (FLAGS (\Flagged \Recent Urgent))
S: * 3 FETCH (FLAGS (\Flagged \Recent Urgent))
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Forwarded $Label1 todo Urgent)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Forwarded $Label1 todo Urgent \*)] ...
S: u3 OK ...
C: u4 FETCH 1:4 FLAGS
S: * 1 FETCH (FLAGS (\Flagged \Recent Urgent))
S: * 2 FETCH (FLAGS (\Draft \Recent))
S: * 3 FETCH (FLAGS (\Flagged \Recent Urgent))
S: * 4 FETCH (FLAGS (\Answered \Deleted \Draft \Recent $Forwarded))
S: u4 OK ...
C: u5 STORE 1 +FLAGS (\Recent)
S: u5 BAD ...
C: u6 STORE 1 +FLAGS (\Bogus)
S: u6 BAD ...
C: u7 STORE 5 +FLAGS (\Seen)
S: u7 BAD ...
C: u8 STORE 1 REPLACE (\Seen)
S: u8 BAD ...
C: u9 STORE 1 +FLAGS.SILENT
S: u9 BAD ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
