"""Runs every tests/transcripts/imap/*.t in every mode (plain/TLS x whole/bytes/split).

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
TRANSCRIPTS = sorted(glob.glob(os.path.join(HERE, "..", "transcripts", "imap", "*.t")))


class Transcripts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.factory = transcript.ServerFactory()

    @classmethod
    def tearDownClass(cls):
        cls.factory.close()

    def test_there_are_transcripts(self):
        self.assertGreaterEqual(len(TRANSCRIPTS), 25)

    def test_transcripts(self):
        jobs = []
        for path in TRANSCRIPTS:
            t = transcript.Transcript(path)
            for mode in t.modes():
                jobs.append((t, mode))
        # Templates are made up front, one thread only.
        for t, _ in jobs:
            self.factory._template(t.users)

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
