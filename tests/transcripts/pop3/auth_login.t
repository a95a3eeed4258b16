# AUTH LOGIN (RFC 5034 §4 with the LOGIN mechanism of draft-murchison-sasl-login): the prompts
# "Username:" and "Password:" in base64, answered in base64; the user name may come as the
# initial response; "*" cancels at either prompt (-ERR, RFC 5034 §4); a wrong password gets
# -ERR [AUTH] (RFC 3206 §4).
@protocol pop3
S: +OK ...
C: AUTH LOGIN
S: + VXNlcm5hbWU6
C: *
S: -ERR ...
C: AUTH LOGIN
S: + VXNlcm5hbWU6
C: YWxpY2VAZXhhbXBsZS5vcmc=
S: + UGFzc3dvcmQ6
C: *
S: -ERR ...
C: AUTH LOGIN YWxpY2VAZXhhbXBsZS5vcmc=
S: + UGFzc3dvcmQ6
C: d3Jvbmc=
S: -ERR [AUTH] ...
C: AUTH LOGIN
S: + VXNlcm5hbWU6
C: YWxpY2VAZXhhbXBsZS5vcmc=
S: + UGFzc3dvcmQ6
C: c2VjcmV0
S: +OK ...
C: STAT
S: +OK 0 0
C: QUIT
S: +OK ...
S: <EOF>
@connect pop3
S: +OK ...
C: AUTH LOGIN YWxpY2VAZXhhbXBsZS5vcmc=
S: + UGFzc3dvcmQ6
C: c2VjcmV0
S: +OK ...
C: QUIT
S: +OK ...
S: <EOF>
