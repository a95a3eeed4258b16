"""docs/clients.md against the matrix and the clients installed here: every client of the
matrix has a row, with the test file that drives it (which must exist) and the scenario that
file declares (interopkit.MATRIX), and the version in the row is the client's own version as
installed now.

Versions: the row's first word must equal the installed client's own version (isync 1.4.4,
ImapFlow 1.7.8, ...). The Debian packages are those of Debian 12, the npm one is pinned by
package-lock.json, so on the project's machines they agree; on another machine, a different
version fails here on purpose: the matrix then tested a client the table does not name, and
`clients_doc.py --write` after a run of the matrix brings the table up to date. The runtime in
brackets (Python, Node.js 18 or 20) is not compared.
"""
import os
import unittest

import clients_doc
import interopkit as kit


class ClientsDocTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(clients_doc.DOC) as f:
            cls.text = f.read()
        cls.table = clients_doc.parse(cls.text)

    def test_every_client_has_its_row(self):
        self.assertGreaterEqual(len(kit.MATRIX), 8)
        names = {name for name, *_ in kit.MATRIX.values()}
        self.assertEqual(set(self.table), names, "rows of docs/clients.md vs interopkit.MATRIX")
        for client, (name, test, scenario, _) in kit.MATRIX.items():
            with self.subTest(client=client):
                row = self.table[name]
                self.assertEqual(row["Test (tests/interop/)"], f"`{test}`")
                self.assertTrue(os.path.isfile(os.path.join(kit.HERE, test)), test)
                self.assertEqual(row["Scenario"], scenario)
                self.assertIn(row["Result"].split()[0], {"pass", "fail"}, row)

    def test_versions_are_the_installed_ones(self):
        for client, (name, _, _, reader) in kit.MATRIX.items():
            with self.subTest(client=client):
                installed = reader()
                documented = self.table[name]["Version tested"]
                self.assertEqual(clients_doc.own_version(documented), clients_doc.own_version(installed),
                                 f"docs/clients.md lists {name} {documented}, installed is {installed}: "
                                 f"run the matrix, then tests/interop/clients_doc.py --write")

    def test_quirks_name_a_client_and_a_rule(self):
        quirks = self.text.split("\n## Quirks", 1)[1].split("\n## ", 1)[0]
        entries = [e for e in quirks.split("\n### ")[1:]]
        self.assertGreater(len(entries), 0)
        names = [name for name, *_ in kit.MATRIX.values()]
        for e in entries:
            title = e.splitlines()[0]
            with self.subTest(quirk=title):
                self.assertTrue(any(n.split(" (")[0] in title for n in names), title)
                self.assertRegex(e, r"RFC \d+|certificate|RFC 3501")


if __name__ == "__main__":
    unittest.main()
