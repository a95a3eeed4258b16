# SEARCH with sequence sets, UID sets, OR, NOT and parentheses; UID SEARCH (RFC 3501 §6.4.4, §6.4.8). UIDs are sequence numbers + 1 here.
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: p0 APPEND INBOX (\Deleted) "01-Jan-2000 12:00:00 +0000" {21+}
C: Subject: dummy
C:
C: x
C:
S: p0 OK ...
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
S: * 5 EXISTS
S: * 5 RECENT
S: * OK [UNSEEN 1] ...
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Forwarded \*)] ...
S: * OK [UIDVALIDITY $uidvalidity] ...
S: * OK [UIDNEXT 6] ...
S: * OK [HIGHESTMODSEQ $hms_search_sets_1] ...
S: s OK [READ-WRITE] ...
C: e EXPUNGE
S: * 1 EXPUNGE
S: e OK ...
C: s0 SEARCH 1
S: * SEARCH 1
S: s0 OK ...
C: s1 SEARCH 2:3
S: * SEARCH 2 3
S: s1 OK ...
C: s2 SEARCH 3:2
S: * SEARCH 2 3
S: s2 OK ...
C: s3 SEARCH 2:*
S: * SEARCH 2 3 4
S: s3 OK ...
C: s4 SEARCH *
S: * SEARCH 4
S: s4 OK ...
C: s5 SEARCH *:3
S: * SEARCH 3 4
S: s5 OK ...
C: s6 SEARCH 1,3
S: * SEARCH 1 3
S: s6 OK ...
C: s7 SEARCH 1,3:4
S: * SEARCH 1 3 4
S: s7 OK ...
C: s8 SEARCH 1:*
S: * SEARCH 1 2 3 4
S: s8 OK ...
C: s9 SEARCH UID 2:3
S: * SEARCH 1 2
S: s9 OK ...
C: s10 SEARCH UID 3:*
S: * SEARCH 2 3 4
S: s10 OK ...
C: s11 SEARCH UID 99
S: * SEARCH
S: s11 OK ...
C: s12 SEARCH UID 99:*
S: * SEARCH 4
S: s12 OK ...
C: s13 SEARCH UID 1,4
S: * SEARCH 3
S: s13 OK ...
C: s14 SEARCH OR SEEN FLAGGED
S: * SEARCH 1 2
S: s14 OK ...
C: s15 SEARCH NOT SEEN
S: * SEARCH 2 3 4
S: s15 OK ...
C: s16 SEARCH NOT (SEEN FLAGGED)
S: * SEARCH 1 2 3 4
S: s16 OK ...
C: s17 SEARCH NOT NOT SEEN
S: * SEARCH 1
S: s17 OK ...
C: s18 SEARCH OR (SEEN ANSWERED) (FLAGGED NOT KEYWORD $Forwarded)
S: * SEARCH 2
S: s18 OK ...
C: s19 SEARCH (OR SEEN FLAGGED) SMALLER 350
S: * SEARCH 2
S: s19 OK ...
C: s20 SEARCH OR 1 4 NOT 1
S: * SEARCH 4
S: s20 OK ...
C: s21 SEARCH OR OR 1 2 3
S: * SEARCH 1 2 3
S: s21 OK ...
C: s22 SEARCH 1:2 UID 2:4
S: * SEARCH 1 2
S: s22 OK ...
C: s23 SEARCH (1:3 (UID 2:4 (NOT 3)))
S: * SEARCH 1 2
S: s23 OK ...
C: s24 SEARCH 0
S: s24 BAD ...
C: s25 SEARCH 1:0
S: s25 BAD ...
C: s26 SEARCH UID 0
S: s26 BAD ...
C: u1 UID SEARCH ALL
S: * SEARCH 2 3 4 5
S: u1 OK ...
C: u2 UID SEARCH 2:4 NOT SEEN
S: * SEARCH 3 4 5
S: u2 OK ...
C: u3 UID SEARCH UID 3:*
S: * SEARCH 3 4 5
S: u3 OK ...
C: u4 UID SEARCH FLAGGED
S: * SEARCH 3
S: u4 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
