# AUTH SCRAM-SHA-256 and -PLUS (RFC 5034 §4, RFC 5802, RFC 7677) as far as a transcript can go
# without computing a proof (test_sasl runs whole exchanges): the server-first message after the
# client-first (as initial response and after the empty challenge), "*" cancels, a final message
# with another nonce fails like a wrong password (-ERR [AUTH]), a malformed one is an error, and
# -PLUS exists only over TLS.
@protocol pop3
S: +OK ...
C: AUTH SCRAM-SHA-256 biwsbj1hbGljZUBleGFtcGxlLm9yZyxyPWZ5a28rZDJsYmJGZ09OUnY5cWt4ZEF3Ug==
S: + $first
C: *
S: -ERR Authentication cancelled
C: AUTH SCRAM-SHA-256
S: + 
C: biwsbj1hbGljZUBleGFtcGxlLm9yZyxyPWZ5a28rZDJsYmJGZ09OUnY5cWt4ZEF3Ug==
S: + $second
C: Yz1iaXdzLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkQXdSbm90eW91cnMscD1BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBPQ==
S: -ERR [AUTH] Authentication failed
C: AUTH SCRAM-SHA-256 biwsbj1hbGljZUBleGFtcGxlLm9yZyxyPWFiYw==
S: + $third
C: Zm9v
S: -ERR Malformed SCRAM client-final message
C: AUTH SCRAM-SHA-256-PLUS cD10bHMtc2VydmVyLWVuZC1wb2ludCwsbj1hbGljZUBleGFtcGxlLm9yZyxyPWFiYw==
S(plain): -ERR Unsupported authentication mechanism
S(tls): + $fourth
C(tls): *
S(tls): -ERR Authentication cancelled
C: USER alice@example.org
S: +OK ...
C: PASS secret
S: +OK ...
C: QUIT
S: +OK ...
S: <EOF>
