# FETCH ALL, FAST, FULL, ENVELOPE, BODY, BODYSTRUCTURE, INTERNALDATE, RFC822.SIZE, UID (RFC 3501 §6.4.5, §7.4.2).
@include include/four-messages.t
C: f1 FETCH 4 FAST
S: * 4 FETCH (FLAGS (\Answered \Recent $Forwarded) INTERNALDATE "01-Jan-2010 00:00:00 +0000" RFC822.SIZE 114)
S: f1 OK ...
C: f2 FETCH 4 ALL
S: * 4 FETCH (FLAGS (\Answered \Recent $Forwarded) INTERNALDATE "01-Jan-2010 00:00:00 +0000" RFC822.SIZE 114 ENVELOPE ("Fri, 1 Jan 2010 00:00:00 +0000" "short" (("Dave" NIL "dave" "example.com")) (("Dave" NIL "dave" "example.com")) (("Dave" NIL "dave" "example.com")) ((NIL NIL "bob" "example.org")) NIL NIL NIL NIL))
S: f2 OK ...
C: f3 FETCH 4 FULL
S: * 4 FETCH (FLAGS (\Answered \Recent $Forwarded) INTERNALDATE "01-Jan-2010 00:00:00 +0000" RFC822.SIZE 114 ENVELOPE ("Fri, 1 Jan 2010 00:00:00 +0000" "short" (("Dave" NIL "dave" "example.com")) (("Dave" NIL "dave" "example.com")) (("Dave" NIL "dave" "example.com")) ((NIL NIL "bob" "example.org")) NIL NIL NIL NIL) BODY ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 1))
S: f3 OK ...
C: f4 FETCH 1:4 (UID RFC822.SIZE INTERNALDATE)
S: * 1 FETCH (UID 1 RFC822.SIZE 397 INTERNALDATE "17-Jul-1996 02:44:25 -0700")
S: * 2 FETCH (UID 2 RFC822.SIZE 307 INTERNALDATE "07-Feb-1994 11:52:25 -0800")
S: * 3 FETCH (UID 3 RFC822.SIZE 265 INTERNALDATE "01-Mar-2005 10:00:00 +0100")
S: * 4 FETCH (UID 4 RFC822.SIZE 114 INTERNALDATE "01-Jan-2010 00:00:00 +0000")
S: f4 OK ...
C: f5 FETCH 1 ENVELOPE
S: * 1 FETCH (ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL "<B27397-0100000@cac.washington.edu>"))
S: f5 OK ...
C: f6 FETCH 2:3 ENVELOPE
S: * 2 FETCH (ENVELOPE ("Mon, 7 Feb 1994 11:52:25 -0800" "multipart test" (("Bob" NIL "bob" "example.org")) (("Bob" NIL "bob" "example.org")) (("Bob" NIL "bob" "example.org")) ((NIL NIL "alice" "example.org")) NIL NIL NIL NIL))
S: * 3 FETCH (ENVELOPE ("Tue, 1 Mar 2005 10:00:00 +0100" "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from Carol" (("Carol" NIL "carol" "example.net")) (("Carol" NIL "carol" "example.net")) (("Carol" NIL "carol" "example.net")) ((NIL NIL "alice" "example.org")) NIL NIL NIL NIL))
S: f6 OK ...
C: f7 FETCH 1:4 BODYSTRUCTURE
S: * 1 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7bit" 55 1 NIL NIL NIL NIL))
S: * 2 FETCH (BODYSTRUCTURE (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 8 1 NIL NIL NIL NIL)("text" "html" ("charset" "us-ascii") NIL NIL "7bit" 10 1 NIL NIL NIL NIL) "mixed" ("boundary" "XX") NIL NIL NIL))
S: * 3 FETCH (BODYSTRUCTURE ("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 27 1 NIL NIL NIL NIL))
S: * 4 FETCH (BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 1 NIL NIL NIL NIL))
S: f7 OK ...
C: f8 FETCH 1:4 BODY
S: * 1 FETCH (BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7bit" 55 1))
S: * 2 FETCH (BODY (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 8 1)("text" "html" ("charset" "us-ascii") NIL NIL "7bit" 10 1) "mixed"))
S: * 3 FETCH (BODY ("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 27 1))
S: * 4 FETCH (BODY ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 1))
S: f8 OK ...
C: f9 FETCH 1:* FLAGS
S: * 1 FETCH (FLAGS (\Seen \Recent))
S: * 2 FETCH (FLAGS (\Flagged \Recent))
S: * 3 FETCH (FLAGS (\Recent))
S: * 4 FETCH (FLAGS (\Answered \Recent $Forwarded))
S: f9 OK ...
C: g1 FETCH * UID
S: * 4 FETCH (UID 4)
S: g1 OK ...
C: g2 FETCH 1:* (FLAGS) 
S: g2 BAD ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
