"""Runs every tests/transcripts/{imap,pop3,lmtp}/*.t in each of its modes (IMAP: plain/TLS x
whole/bytes/split; POP3: plain/TLS x whole/bytes; LMTP: plain x whole/bytes and the unix socket).

Each run gets a fresh server (a copy of a prepared data directory), so mailbox state, UIDs and
\\Recent are predictable. Runs go two at a time; each mode of each transcript is a subTest.
The format is described in tests/transcripts/README.md.
"""
import concurrent.futures
import glob
import os
import unittest

import transcript

HERE = os.path.dirname(os.path.abspath(__file__))
TRANSCRIPTS = sorted(p for protocol in ("imap", "pop3", "lmtp")
                     for p in glob.glob(os.path.join(HERE, "..", "transcripts", protocol, "*.t")))


class Transcripts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.factory = transcript.ServerFactory()

    @classmethod
    def tearDownClass(cls):
        cls.factory.close()

    def test_there_are_transcripts(self):
        def count(protocol):
            return sum(1 for p in TRANSCRIPTS if os.path.basename(os.path.dirname(p)) == protocol)
        self.assertGreaterEqual(count("imap"), 25)
        self.assertGreaterEqual(count("pop3"), 10)
        self.assertGreaterEqual(count("lmtp"), 8)

    def test_transcripts(self):
        jobs = []
        for path in TRANSCRIPTS:
            t = transcript.Transcript(path)
            for mode in t.modes():
                jobs.append((t, mode))
        # Templates are made up front, one thread only.
        for t, _ in jobs:
            self.factory._template(t.users, t.setup)

        def one(job):
            t, mode = job
            try:
                transcript.run(t, mode, self.factory)
                return None
            except transcript.TranscriptError as e:
                return str(e)
            except Exception as e:  # noqa: BLE001 - report, don't stop the other runs
                return f"{t.path} [{mode}]: {type(e).__name__}: {e}"

        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(one, jobs))
        for (t, mode), error in zip(jobs, results):
            with self.subTest(transcript=t.name, mode=mode):
                if error:
                    self.fail(error)


if __name__ == "__main__":
    unittest.main()
