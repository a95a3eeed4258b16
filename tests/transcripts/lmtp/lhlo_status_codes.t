# RFC 2034 §3 (ENHANCEDSTATUSCODES): "the initial greeting and any response to HELO or EHLO are
# not prefaced with a status code", and LHLO is LMTP's EHLO (RFC 2033 §4.1): so the 501 for an
# LHLO without a domain, and the 500s refusing HELO and EHLO, carry no enhanced status code (a
# client has not yet learnt whether the server sends them). The human text is the server's own.
# KNOWN FAILURE (reported): the server answers "501 5.5.4 ..." and "500 5.5.1 ...".
@protocol lmtp
S: 220 $host ...
C: LHLO
S: 501 Syntax: LHLO hostname
C: HELO client.example.net
S: 500 This is an LMTP server: use LHLO (RFC 2033)
C: EHLO client.example.net
S: 500 This is an LMTP server: use LHLO (RFC 2033)
C: QUIT
S: 221 2.0.0 ...
S: <EOF>
