# LHLO (RFC 2033 §4.1): HELO and EHLO are refused (500), so that an SMTP client that reached the
# LMTP server by mistake fails at once; LHLO needs a domain (501); no mail transaction before
# LHLO (503, RFC 5321 §4.1.4). A second LHLO gives the same answer and ends the transaction in
# progress (RFC 5321 §4.1.4), so RCPT needs a new MAIL. (Whether the answers to HELO, EHLO and
# LHLO may carry enhanced status codes: lhlo_status_codes.t.)
@protocol lmtp
S: 220 $host ...
C: MAIL FROM:<chris@example.net>
S: 503 5.5.1 ...
C: HELO client.example.net
S: 500 ...
C: EHLO client.example.net
S: 500 ...
C: LHLO
S: 501 ...
C: RCPT TO:<alice@example.org>
S: 503 5.5.1 ...
C: lhlo client.example.net
S: 250-$host
S: 250-PIPELINING
S: 250-ENHANCEDSTATUSCODES
S: 250-8BITMIME
S: 250 SIZE 67108864
C: MAIL FROM:<chris@example.net>
S: 250 2.1.0 ...
C: LHLO client.example.net
S: 250-$host
S: 250-PIPELINING
S: 250-ENHANCEDSTATUSCODES
S: 250-8BITMIME
S: 250 SIZE 67108864
C: RCPT TO:<alice@example.org>
S: 503 5.5.1 ...
C: MAIL FROM:<chris@example.net>
S: 250 2.1.0 ...
C: RCPT TO:<alice@example.org>
S: 250 2.1.5 ...
C: QUIT
S: 221 2.0.0 ...
S: <EOF>
