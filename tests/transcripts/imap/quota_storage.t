# QUOTA STORAGE (RFC 9208 §5.1) enforced: APPEND, MULTIAPPEND and COPY that would take usage past
# the limit fail with NO [OVERQUOTA] (§4.3, whose example is A003 below) and store nothing;
# EXPUNGE gives the space back. alice may store 1 KiB: three 310-octet messages fit, a fourth
# does not.
@quota alice@example.org --storage 1K
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR NAMESPACE CHILDREN ACL RIGHTS=texk SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: A001 APPEND INBOX {310+}
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
C: A002 APPEND INBOX {310+}
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
S: A001 OK ...
S: A002 OK ...
C: A003 APPEND INBOX {310}
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
S: A003 OK ...
C: A004 APPEND INBOX (\Seen) {310}
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
S: A004 NO [OVERQUOTA] ...
C: b GETQUOTA "User quota"
S: * QUOTA "User quota" (STORAGE 1 1)
S: b OK ...
C: c SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * 3 EXISTS
S: * 3 RECENT
S: * OK [UNSEEN 1] ...
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] ...
S: * OK [UIDVALIDITY $uidvalidity] ...
S: * OK [UIDNEXT 4] ...
S: c OK [READ-WRITE] ...
# A copy counts in full, though it shares the stored file.
C: d1 CREATE Archive
S: d1 OK ...
C: d2 COPY 1 Archive
S: d2 NO [OVERQUOTA] ...
C: d3 UID COPY 1:3 INBOX
S: d3 NO [OVERQUOTA] ...
C: d4 STATUS Archive (MESSAGES)
S: * STATUS "Archive" (MESSAGES 0)
S: d4 OK ...
# RFC 9208 §4.3 STATUS: what EXPUNGE would free.
C: e1 STORE 1:2 +FLAGS.SILENT (\Deleted)
S: e1 OK ...
C: e2 STATUS INBOX (MESSAGES DELETED DELETED-STORAGE)
S: * STATUS "INBOX" (MESSAGES 3 DELETED 2 DELETED-STORAGE 1)
S: e2 OK ...
C: e3 EXPUNGE
S: * 1 EXPUNGE
S: * 1 EXPUNGE
S: e3 OK ...
C: e4 STATUS INBOX (DELETED DELETED-STORAGE)
S: * STATUS "INBOX" (DELETED 0 DELETED-STORAGE 0)
S: e4 OK ...
# 310 used: a copy fits now, and a MULTIAPPEND of two does not (all or none).
C: f1 COPY 1 Archive
S: f1 OK ...
C: f2 APPEND Archive {310+}
C: Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)
C: From: Fred Foobar <foobar@Blurdybloop.COM>
C: Subject: afternoon meeting
C: To: mooch@owatagu.siam.edu
C: Message-Id: <B27397-0100000@Blurdybloop.COM>
C: MIME-Version: 1.0
C: Content-Type: TEXT/PLAIN; CHARSET=US-ASCII
C:
C: Hello Joe, do you think we can meet at 3:30 tomorrow?
C:  {310+}
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
S: f2 NO [OVERQUOTA] ...
C: f3 STATUS Archive (MESSAGES)
S: * STATUS "Archive" (MESSAGES 1)
S: f3 OK ...
C: f4 GETQUOTAROOT Archive
S: * QUOTAROOT "Archive" "User quota"
S: * QUOTA "User quota" (STORAGE 1 1)
S: f4 OK ...
# Deleting a mailbox gives its messages' space back.
C: g1 DELETE Archive
S: g1 OK ...
C: g2 APPEND INBOX {310+}
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
S: * 2 EXISTS
S: * 2 RECENT
S: g2 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
