"""Login names (SPEC "Accounts and login names", seed 004): domains, aliases, and the alias that
names two accounts, over IMAP and POP3, with `pillarbox check` and `pillarbox domain`."""
import imaplib
import poplib
import re
import unittest

from pbserver import PillarboxServer

SITE1, SITE2 = "user@site1.example", "user@site2.example"
PW1, PW2 = "pw-site-one", "pw-site-two"


def imap_refusal(srv, login, password):
    """The server's whole answer to a refused IMAP LOGIN (tag removed)."""
    c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
    try:
        c.login(login, password)
    except imaplib.IMAP4.error as e:
        return str(e)
    finally:
        c.shutdown()
    raise AssertionError(f"{login} logged in with {password}")


def pop3_refusal(srv, login, password):
    p = poplib.POP3("127.0.0.1", srv.pop3_port, timeout=15)
    try:
        p.user(login)
        p.pass_(password)
    except poplib.error_proto as e:
        return e.args[0]
    finally:
        p.close()
    raise AssertionError(f"{login} logged in over POP3 with {password}")


class LoginNames(unittest.TestCase):
    def setUp(self):
        self.srv = PillarboxServer()
        self.srv.add_user(SITE1, PW1)
        self.srv.add_user(SITE2, PW2)

    def tearDown(self):
        self.srv.__exit__(None, None, None)

    def test_seed_004_ambiguous_alias(self):
        srv = self.srv
        srv.cli("user", "alias", "add", "user", SITE1)
        srv.cli("user", "alias", "add", "user", SITE2)

        check = srv.cli("check", check=False)
        self.assertNotEqual(check.returncode, 0)
        self.assertIn(b'alias clash: "user" names 2 accounts (user@site1.example, user@site2.example)',
                      check.stdout)
        self.assertIn(b"1 problem found", check.stderr)

        srv.start()
        # The alias is refused exactly as a wrong password and an unknown account are, so the
        # answer tells nothing about which accounts exist.
        wrong = imap_refusal(srv, SITE1, "not-the-password")
        unknown = imap_refusal(srv, "nobody@site1.example", PW1)
        self.assertIn("[AUTHENTICATIONFAILED]", wrong)
        for password in (PW1, PW2):
            self.assertEqual(imap_refusal(srv, "user", password), wrong)
            self.assertEqual(imap_refusal(srv, "USER", password), wrong)
        self.assertEqual(unknown, wrong)

        pop_wrong = pop3_refusal(srv, SITE1, "not-the-password")
        self.assertTrue(pop_wrong.startswith(b"-ERR [AUTH]"), pop_wrong)
        for password in (PW1, PW2):
            self.assertEqual(pop3_refusal(srv, "user", password), pop_wrong)
        self.assertEqual(pop3_refusal(srv, "nobody@site1.example", PW1), pop_wrong)

        # The log says precisely why.
        self.assertIn('reason=ambiguous_alias user=user detail="ambiguous alias \\"user\\" names user@site1.example, '
                      'user@site2.example"', srv.stderr())
        self.assertIn('reason=unknown_user user=nobody@site1.example detail="no account \\"nobody@site1.example\\""',
                      srv.stderr())

        # Each full address logs in, over IMAP and POP3.
        for address, password in ((SITE1, PW1), (SITE2, PW2)):
            c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
            c.login(address.upper(), password)
            c.logout()
            p = poplib.POP3("127.0.0.1", srv.pop3_port, timeout=15)
            p.user(address)
            p.pass_(password)
            p.quit()

        # Once the alias names one account it is a login name again, and check is clean.
        srv.cli("user", "alias", "del", "user", SITE2)
        c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
        c.login("user", PW1)
        c.logout()
        check = srv.cli("check", check=False)
        self.assertEqual(check.returncode, 0, check.stderr)
        self.assertEqual(check.stdout, b"no problems found\n")

    def test_failed_logins_are_answered_ever_later(self):
        # The delay per remote address doubles with each failure up to the cap, over IMAP and
        # POP3 alike, and a success clears it (read from the log, which says how long each
        # refusal was held; tests do not time the server).
        srv = PillarboxServer(failure_delay_ms=20, failure_delay_max_ms=100)
        try:
            srv.add_user(SITE1, PW1)
            srv.start()
            for _ in range(3):
                imap_refusal(srv, SITE1, "wrong")
            for _ in range(3):
                pop3_refusal(srv, SITE1, "wrong")
            c = imaplib.IMAP4("127.0.0.1", srv.imap_port)
            c.login(SITE1, PW1)
            c.logout()
            imap_refusal(srv, SITE1, "wrong")
            delays = [int(m) for m in re.findall(r"event=login .*result=failure .*delay_ms=(\d+)", srv.stderr())]
            self.assertEqual(delays, [20, 40, 80, 100, 100, 100, 20])
        finally:
            srv.__exit__(None, None, None)

    def test_domains(self):
        srv = self.srv
        self.assertEqual(srv.cli("domain", "list").stdout,
                         b"site1.example (1 account)\nsite2.example (1 account)\n")
        self.assertEqual(srv.cli("domain", "add", "Example.ORG").stdout, b"added domain example.org\n")
        again = srv.cli("domain", "add", "example.org", check=False)
        self.assertNotEqual(again.returncode, 0)
        self.assertIn(b"already exists", again.stderr)
        for bad in ("bad-.example", "a..b", "under_score.example", "x" * 64 + ".example"):
            r = srv.cli("domain", "add", bad, check=False)
            self.assertNotEqual(r.returncode, 0, bad)
            self.assertIn(b"not a valid domain name", r.stderr)
        self.assertEqual(srv.cli("--json", "domain", "list").stdout,
                         b'[{"domain":"example.org","accounts":0},{"domain":"site1.example","accounts":1},'
                         b'{"domain":"site2.example","accounts":1}]\n')
        busy = srv.cli("domain", "del", "site1.example", check=False)
        self.assertNotEqual(busy.returncode, 0)
        self.assertIn(b"site1.example: Domain has 1 account; delete them first", busy.stderr)
        srv.cli("user", "del", SITE1)
        self.assertEqual(srv.cli("domain", "del", "SITE1.example").stdout, b"deleted domain site1.example\n")
        gone = srv.cli("domain", "del", "site1.example", check=False)
        self.assertNotEqual(gone.returncode, 0)
        self.assertIn(b"No such domain", gone.stderr)
        self.assertEqual(srv.cli("domain", "list").stdout, b"example.org (0 accounts)\nsite2.example (1 account)\n")


class CheckConfiguration(unittest.TestCase):
    def test_check_reports_a_master_user_that_is_not_an_account(self):
        with PillarboxServer(extra_config='master_users = ["admin@example.org", "typo@example.org"]\n') as srv:
            srv.add_user("admin@example.org", "admin-password")
            check = srv.cli("check", check=False)
            self.assertEqual(check.returncode, 1)
            self.assertIn(b'auth.master_users: "typo@example.org" is not an account', check.stdout)
            self.assertNotIn(b'"admin@example.org" is not', check.stdout)
            srv.add_user("typo@example.org", "other-password")
            check = srv.cli("check", check=False)
            self.assertEqual((check.returncode, check.stdout), (0, b"no problems found\n"))


if __name__ == "__main__":
    unittest.main()
