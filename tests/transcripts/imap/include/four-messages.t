# Shared set-up: log in as alice, APPEND four messages to INBOX, SELECT it. Used with @include.
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
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
S: * OK [HIGHESTMODSEQ $hms_four_messages_1] ...
S: s OK [READ-WRITE] ...
