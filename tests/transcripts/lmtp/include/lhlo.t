# Shared start: the greeting and LHLO with the capabilities every LMTP session sees (RFC 2033
# §4.1: LHLO as EHLO; §5: PIPELINING and ENHANCEDSTATUSCODES are required, 8BITMIME is a
# SHOULD; SIZE is RFC 1870 with the limits.max_message_octets default). $host is the server's
# host name. Used with @include.
S: 220 $host ...
C: LHLO client.example.net
S: 250-$host
S: 250-PIPELINING
S: 250-ENHANCEDSTATUSCODES
S: 250-8BITMIME
S: 250 SIZE 67108864
