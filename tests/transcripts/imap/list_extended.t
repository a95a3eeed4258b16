# LIST-EXTENDED (RFC 5258): selection options SUBSCRIBED, REMOTE, RECURSIVEMATCH, return options
# SUBSCRIBED and CHILDREN, several patterns, \NonExistent, \Subscribed and CHILDINFO. The
# mailboxes and subscriptions are those of the examples in RFC 5258 §5 (Fruit, Tofu, Vegetable),
# beside the five mailboxes every new account has (subscribed, with their RFC 6154 attributes).
# \HasChildren/\HasNoChildren come on every line, CHILDREN or not (§4 allows it).
S: * OK ...
C: a LOGIN alice@example.org secret
S: a OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE CHILDREN ACL RIGHTS=texk UIDPLUS MOVE UNSELECT SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC BINARY MULTIAPPEND STATUS=SIZE QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE APPENDLIMIT=67108864 COMPRESS=DEFLATE] ...
C: b1 CREATE Fruit/Apple
S: b1 OK ...
C: b2 CREATE Fruit/Banana
S: b2 OK ...
C: b3 CREATE Tofu
S: b3 OK ...
C: b4 CREATE Vegetable/Broccoli
S: b4 OK ...
C: b5 CREATE Vegetable/Corn
S: b5 OK ...
C: b6 SUBSCRIBE Fruit/Banana
S: b6 OK ...
C: b7 SUBSCRIBE Fruit/Peach
S: b7 OK ...
C: b8 SUBSCRIBE Vegetable
S: b8 OK ...
C: b9 SUBSCRIBE Vegetable/Broccoli
S: b9 OK ...
# RFC 5258 §5 example 1: the basic form, unchanged.
C: A01 LIST "" %
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasChildren) "/" "Fruit"
S: * LIST (\HasNoChildren \Junk) "/" "Junk"
S: * LIST (\HasNoChildren \Sent) "/" "Sent"
S: * LIST (\HasNoChildren) "/" "Tofu"
S: * LIST (\HasNoChildren \Trash) "/" "Trash"
S: * LIST (\HasChildren) "/" "Vegetable"
S: A01 OK ...
# Example 3: subscribed names, existing or not (Fruit/Peach is \NonExistent).
C: A02 LIST (SUBSCRIBED) "" "*"
S: * LIST (\Subscribed \HasNoChildren \Archive) "/" "Archive"
S: * LIST (\Subscribed \HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\Subscribed \HasNoChildren) "/" "Fruit/Banana"
S: * LIST (\NonExistent \Subscribed) "/" "Fruit/Peach"
S: * LIST (\Subscribed \HasNoChildren \Junk) "/" "Junk"
S: * LIST (\Subscribed \HasNoChildren \Sent) "/" "Sent"
S: * LIST (\Subscribed \HasNoChildren \Trash) "/" "Trash"
S: * LIST (\Subscribed \HasChildren) "/" "Vegetable"
S: * LIST (\Subscribed \HasNoChildren) "/" "Vegetable/Broccoli"
S: A02 OK ...
# Example 4: the same with RETURN (CHILDREN).
C: A03 LIST (SUBSCRIBED) "" "*" RETURN (CHILDREN)
S: * LIST (\Subscribed \HasNoChildren \Archive) "/" "Archive"
S: * LIST (\Subscribed \HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\Subscribed \HasNoChildren) "/" "Fruit/Banana"
S: * LIST (\NonExistent \Subscribed) "/" "Fruit/Peach"
S: * LIST (\Subscribed \HasNoChildren \Junk) "/" "Junk"
S: * LIST (\Subscribed \HasNoChildren \Sent) "/" "Sent"
S: * LIST (\Subscribed \HasNoChildren \Trash) "/" "Trash"
S: * LIST (\Subscribed \HasChildren) "/" "Vegetable"
S: * LIST (\Subscribed \HasNoChildren) "/" "Vegetable/Broccoli"
S: A03 OK ...
# Example 5: RECURSIVEMATCH with "%": Fruit is not subscribed but has subscribed children the
# pattern does not reach; Vegetable is both.
C: A04 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"
S: * LIST (\Subscribed \HasNoChildren \Archive) "/" "Archive"
S: * LIST (\Subscribed \HasNoChildren \Drafts) "/" "Drafts"
S: * LIST (\HasChildren) "/" "Fruit" ("CHILDINFO" ("SUBSCRIBED"))
S: * LIST (\Subscribed \HasNoChildren \Junk) "/" "Junk"
S: * LIST (\Subscribed \HasNoChildren \Sent) "/" "Sent"
S: * LIST (\Subscribed \HasNoChildren \Trash) "/" "Trash"
S: * LIST (\Subscribed \HasChildren) "/" "Vegetable" ("CHILDINFO" ("SUBSCRIBED"))
S: A04 OK ...
# With "*" every subscribed descendant matches the pattern itself: no CHILDINFO.
C: A05 LIST (SUBSCRIBED RECURSIVEMATCH) "" "Fruit*"
S: * LIST (\Subscribed \HasNoChildren) "/" "Fruit/Banana"
S: * LIST (\NonExistent \Subscribed) "/" "Fruit/Peach"
S: A05 OK ...
# Several patterns (§3: mbox-or-pat); each mailbox once, INBOX first.
C: A06 LIST "" ("Tofu" "inbox" "Fruit/%" "Tofu")
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * LIST (\HasNoChildren) "/" "Fruit/Apple"
S: * LIST (\HasNoChildren) "/" "Fruit/Banana"
S: * LIST (\HasNoChildren) "/" "Tofu"
S: A06 OK ...
# RETURN (SUBSCRIBED) marks subscribed mailboxes but selects as the basic form does: the
# nonexistent Fruit/Peach is not listed.
C: A07 LIST "" "Fruit/%" RETURN (SUBSCRIBED)
S: * LIST (\HasNoChildren) "/" "Fruit/Apple"
S: * LIST (\Subscribed \HasNoChildren) "/" "Fruit/Banana"
S: A07 OK ...
# A subscribed name whose parent is neither a mailbox nor a level of one (§5 example 6).
C: A08 SUBSCRIBE Foo/Bar
S: A08 OK ...
C: A09 LIST (SUBSCRIBED RECURSIVEMATCH) "" "F%"
S: * LIST (\NonExistent) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))
S: * LIST (\HasChildren) "/" "Fruit" ("CHILDINFO" ("SUBSCRIBED"))
S: A09 OK ...
C: A10 LIST (SUBSCRIBED) "" "F%"
S: A10 OK ...
# REMOTE: there are no remote mailboxes, so it changes nothing; empty options are the basic form.
C: A11 list (remote) "" "V*" return (children subscribed)
S: * LIST (\Subscribed \HasChildren) "/" "Vegetable"
S: * LIST (\Subscribed \HasNoChildren) "/" "Vegetable/Broccoli"
S: * LIST (\HasNoChildren) "/" "Vegetable/Corn"
S: A11 OK ...
C: A12 LIST () "" "V*" RETURN ()
S: * LIST (\HasChildren) "/" "Vegetable"
S: * LIST (\HasNoChildren) "/" "Vegetable/Broccoli"
S: * LIST (\HasNoChildren) "/" "Vegetable/Corn"
S: A12 OK ...
# A reference applies to every pattern.
C: A13 LIST (SUBSCRIBED) "Vegetable/" ("%" "Corn")
S: * LIST (\Subscribed \HasNoChildren) "/" "Vegetable/Broccoli"
S: A13 OK ...
# The empty pattern still asks for the delimiter.
C: A14 LIST (SUBSCRIBED) "" ""
S: * LIST (\Noselect) "/" ""
S: A14 OK ...
# LSUB is unchanged (RFC 5258 §3: LIST (SUBSCRIBED) is its extended form).
C: A15 LSUB "" "F*"
S: * LSUB () "/" "Foo/Bar"
S: * LSUB () "/" "Fruit/Banana"
S: * LSUB () "/" "Fruit/Peach"
S: A15 OK ...
# Errors: RECURSIVEMATCH alone or with REMOTE only (§3 MUST: BAD), unknown options, bad syntax.
C: e1 LIST (RECURSIVEMATCH) "" "%"
S: e1 BAD ...
C: e2 LIST (REMOTE RECURSIVEMATCH) "" "%"
S: e2 BAD ...
C: e3 LIST (UNKNOWN) "" "%"
S: e3 BAD ...
C: e4 LIST "" "%" RETURN (UNKNOWN)
S: e4 BAD ...
C: e5 LIST "" "%" RETURN
S: e5 BAD ...
C: e6 LIST "" ("Fruit"
S: e6 BAD ...
C: e7 LIST "" ()
S: e7 BAD ...
C: e8 LIST (SUBSCRIBED "" "%"
S: e8 BAD ...
C: e9 LIST "" "%" (CHILDREN)
S: e9 BAD ...
C: e10 LSUB (SUBSCRIBED) "" "%"
S: e10 BAD ...
# Pipelined: both answers, in order.
C: p1 LIST (SUBSCRIBED) "" Tofu
C: p2 LIST "" Tofu RETURN (SUBSCRIBED)
S: p1 OK ...
S: * LIST (\HasNoChildren) "/" "Tofu"
S: p2 OK ...
C: z LOGOUT
S: * BYE ...
S: z OK ...
S: <EOF>
