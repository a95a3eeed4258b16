# LITERAL+ (RFC 7888 §3) with the RFC's own examples: a LOGIN whose first argument is a
# non-synchronizing literal followed on its last line by another, and an APPEND.
S: * OK ...
C: A001 LOGIN {11+}
C: FRED FOOBAR {7+}
C: fat man
S: A001 NO [AUTHENTICATIONFAILED] ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR NAMESPACE CHILDREN ACL RIGHTS=texk SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b CREATE saved-messages
S: b OK ...
C: A002 APPEND saved-messages (\Seen) {310+}
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
S: A002 OK ...
# A non-synchronizing literal may be empty, and several may follow one another.
C: c STATUS {14+}
C: saved-messages (MESSAGES)
S: * STATUS "saved-messages" (MESSAGES 1)
S: c OK ...
C: d LOGOUT
S: * BYE ...
S: d OK ...
S: <EOF>
