# CAPA (RFC 2449 §5, the section's example adapted): in the AUTHORIZATION state TOP, UIDL,
# RESP-CODES, PIPELINING, AUTH-RESP-CODE (RFC 3206 §3), USER (RFC 2449 §6.3), SASL (RFC 5034 §5),
# STLS only while TLS can still be started (RFC 2595 §4) and IMPLEMENTATION (§6.9); once logged
# in only what still applies (§5: the list may differ between states). CAPA takes no argument.
@protocol pop3
S: +OK ...
C: CAPA
S: +OK ...
S: TOP
S: UIDL
S: RESP-CODES
S: PIPELINING
S: AUTH-RESP-CODE
S: USER
S(plain): SASL PLAIN LOGIN SCRAM-SHA-256
S(tls): SASL PLAIN LOGIN SCRAM-SHA-256 SCRAM-SHA-256-PLUS
S(plain): STLS
S: IMPLEMENTATION ...
S: .
C: CAPA TOP
S: -ERR ...
C: USER alice@example.org
S: +OK ...
C: PASS secret
S: +OK ...
C: CAPA
S: +OK ...
S: TOP
S: UIDL
S: RESP-CODES
S: PIPELINING
S: IMPLEMENTATION ...
S: .
C: capa
S: +OK ...
S: TOP
S: UIDL
S: RESP-CODES
S: PIPELINING
S: IMPLEMENTATION ...
S: .
C: QUIT
S: +OK ...
S: <EOF>
