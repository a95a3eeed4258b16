"""ImapFlow (npm, Node.js) against the real server over IMAPS with the certificate verified:
list, open, fetch envelopes and flags, append with flags, flag, move by UID, and IDLE in which
the first session sees a message that a second session appends. The scenario is
tests/interop/node/scenario.js; it prints what ImapFlow saw, and this test checks that and the
server's store (imaplib, read-only).

ImapFlow is pinned in tests/interop/node/package-lock.json; scripts/test.sh installs it there
with `npm ci` (no network is needed once it is installed).
"""
import json
import os
import unittest

import interopkit as kit
from pbserver import PillarboxServer

PASSWORD = "imapflow pass 6"


class ImapflowTest(kit.RecordsResult, unittest.TestCase):
    client = "imapflow"

    @classmethod
    def setUpClass(cls):
        kit.require("node")
        if not os.path.isfile(os.path.join(kit.NODE_DIR, "node_modules", "imapflow", "package.json")):
            raise RuntimeError("imapflow is not installed: run `npm ci` in tests/interop/node "
                               "(scripts/test.sh does)")
        cls.server = PillarboxServer()
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        super().tearDownClass()

    def scenario(self, part, user):
        """Runs one part of node/scenario.js as `user`; returns what it printed, parsed."""
        cfg = {"port": self.server.imaps_port, "ca": kit.cert(self.server), "user": user, "pass": PASSWORD}
        status, out = kit.run(["node", os.path.join(kit.NODE_DIR, "scenario.js"), part, json.dumps(cfg)],
                              timeout=120)
        self.assertEqual(status, 0, out)
        return json.loads(out.strip().splitlines()[-1])

    @staticmethod
    def flags(fetched):
        """{subject: flags} of what ImapFlow fetched, less \\Recent (which depends on the session)."""
        return {s: [f for f in m["flags"] if f != "\\Recent"] for s, m in fetched.items()}

    def test_list_open_fetch_append_move(self):
        user = "flow-basic@example.org"
        self.server.add_user(user, PASSWORD)
        with kit.session(self.server, user, PASSWORD) as c:
            for box in ("Work", "Archive"):
                if box not in kit.folders(c):
                    self.assertEqual(c.create(box)[0], "OK")
            kit.append(c, "INBOX", kit.message("First note", "Ann <ann@example.net>"), ["\\Seen"])
            kit.append(c, "INBOX", kit.message("Move me", "Ben <ben@example.net>"))
            kit.append(c, "INBOX", kit.message("Stays here", "Cy <cy@example.net>"), ["\\Answered"])
            folders = kit.folders(c)
            typ, data = c.status("INBOX", "(UIDVALIDITY)")
            uidvalidity = data[0].decode().split("UIDVALIDITY ")[1].rstrip(")")

        seen = self.scenario("basic", user)
        self.assertEqual({b["path"] for b in seen["list"]}, folders)
        self.assertTrue(all(b["delimiter"] == "/" for b in seen["list"]), seen["list"])
        self.assertEqual(seen["opened"], {"path": "INBOX", "exists": 3, "uidValidity": uidvalidity,
                                          "readOnly": False})
        self.assertEqual(self.flags(seen["fetched"]),
                         {"First note": ["\\Seen"], "Move me": [], "Stays here": ["\\Answered"]})
        self.assertEqual(seen["appended"]["destination"], "Work")
        self.assertEqual(seen["moved"]["destination"], "Archive")
        self.assertEqual(self.flags(seen["afterMove"]),
                         {"First note": ["\\Seen"], "Stays here": ["\\Answered"]})

        with kit.session(self.server, user, PASSWORD) as c:
            self.assertEqual(kit.mailbox(c, "INBOX"), {"First note": {"\\Seen"}, "Stays here": {"\\Answered"}})
            self.assertEqual(kit.mailbox(c, "Work"), {"Appended by ImapFlow": {"\\Seen", "$Label1"}})
            self.assertEqual(kit.mailbox(c, "Archive"), {"Move me": {"\\Flagged"}})

    def test_idle_sees_a_second_session(self):
        # Needs IDLE (RFC 2177) on the server.
        user = "flow-idle@example.org"
        self.server.add_user(user, PASSWORD)
        with kit.session(self.server, user, PASSWORD) as c:
            kit.append(c, "INBOX", kit.message("Before IDLE"))
        seen = self.scenario("idle", user)
        self.assertIn("IDLE", seen["capabilities"])
        self.assertEqual(seen["before"], 1)
        self.assertEqual(seen["idle"]["exists"]["count"], 2, seen["idle"])
        self.assertEqual(seen["idle"]["exists"]["prevCount"], 1, seen["idle"])
        # "Within milliseconds" (issue 7); a generous bound for a loaded 2-core machine.
        self.assertLess(seen["idle"]["latencyMs"], 2000, seen["idle"])
        self.assertEqual(set(seen["afterIdle"]), {"Before IDLE", "Arrived during IDLE"})
        with kit.session(self.server, user, PASSWORD) as c:
            self.assertEqual(kit.mailbox(c, "INBOX"), {"Before IDLE": set(), "Arrived during IDLE": set()})


if __name__ == "__main__":
    unittest.main()
