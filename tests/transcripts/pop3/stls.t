# STLS (RFC 2595 §4, the section's example): +OK, TLS, then CAPA without STLS; STLS over TLS is
# an error, and so is STLS with an argument or after login (AUTHORIZATION state only). The
# client logs in over TLS.
@protocol pop3
@only plain
S: +OK ...
C: CAPA
S: +OK ...
S: TOP
S: UIDL
S: RESP-CODES
S: PIPELINING
S: AUTH-RESP-CODE
S: USER
S: SASL PLAIN LOGIN SCRAM-SHA-256
S: STLS
S: IMPLEMENTATION ...
S: .
C: STLS now
S: -ERR ...
C: STLS
S: +OK ...
@starttls
C: CAPA
S: +OK ...
S: TOP
S: UIDL
S: RESP-CODES
S: PIPELINING
S: AUTH-RESP-CODE
S: USER
S: SASL PLAIN LOGIN SCRAM-SHA-256 SCRAM-SHA-256-PLUS
S: IMPLEMENTATION ...
S: .
C: STLS
S: -ERR ...
C: USER alice@example.org
S: +OK ...
C: PASS secret
S: +OK ...
C: STLS
S: -ERR ...
C: STAT
S: +OK 0 0
C: QUIT
S: +OK ...
S: <EOF>
