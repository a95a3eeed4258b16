# SEARCH CHARSET (RFC 3501 §6.4.4): UTF-8 needles as literals, unknown charsets get NO [BADCHARSET].
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
C: s1 SEARCH CHARSET UTF-8 BODY {7}
S: + ...
C: Grüße
S: * SEARCH 3
S: s1 OK ...
C: s2 SEARCH CHARSET UTF-8 BODY {5+}
C: Köln
S: * SEARCH 3
S: s2 OK ...
C: s3 SEARCH CHARSET UTF-8 TEXT {7+}
C: Schöne
S: * SEARCH 3
S: s3 OK ...
C: s4 SEARCH CHARSET US-ASCII SUBJECT carol
S: * SEARCH 3
S: s4 OK ...
C: s5 SEARCH CHARSET utf-8 FROM carol
S: * SEARCH 3
S: s5 OK ...
C: s6 SEARCH CHARSET KOI8-R BODY x
S: s6 NO [BADCHARSET (US-ASCII UTF-8)] ...
C: s7 SEARCH CHARSET x-unknown-charset ALL
S: s7 NO [BADCHARSET (US-ASCII UTF-8)] ...
C: s8 UID SEARCH CHARSET ISO-2022-JP ALL
S: s8 NO [BADCHARSET (US-ASCII UTF-8)] ...
C: s9 SEARCH CHARSET
S: s9 BAD ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
