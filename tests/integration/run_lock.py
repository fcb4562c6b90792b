#!/usr/bin/python3
"""One run per output: two runs started at once on one output (with --overwrite or --resume, the
same or another seed), five tries: the second refuses at once with exit 2 naming the first's
pid, and the first's file is its uninterrupted run's bit for bit. A lock left by a killed run
does not block the next."""
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_h5 import compare  # noqa: E402

SMPSIM = os.environ["SMPSIM"]
# Long enough (~0.5 s) for a second run to start while the first holds the lock; under a
# sanitizer, where the kernel runs ~10x slower, a tenth of the work lasts as long.
STUDY = (["--patients", "120", "--set", "technician.dots_per_session=160"]
         if os.environ.get("SMPSIM_SANITIZE") else
         ["--patients", "480", "--set", "technician.dots_per_session=400"]) + ["--threads", "1",
                                                                                "--quiet"]
SEEDS = [20261130, 7]
# (first run's options, second run's options): every way a second run could be started.
TRIES = [(["--overwrite"], ["--overwrite"]),
         (["--overwrite"], ["--overwrite", "--seed", "7"]),
         (["--overwrite"], ["--resume"]),
         (["--overwrite", "--seed", "7"], ["--resume"]),
         (["--overwrite"], ["--resume", "--seed", "7"])]


def seed_of(options):
    return int(options[options.index("--seed") + 1]) if "--seed" in options else SEEDS[0]


class OneRunPerOutput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        cls.reference = {}
        for seed in SEEDS:
            cls.reference[seed] = os.path.join(cls.work.name, f"reference-{seed}.h5")
            subprocess.run([SMPSIM, "run", *STUDY, "--seed", str(seed), "-o", cls.reference[seed]],
                           check=True)

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def test_two_runs_started_at_once_the_second_refuses(self):
        for number, (first_options, second_options) in enumerate(TRIES):
            with self.subTest(attempt=number, first=first_options, second=second_options):
                output = os.path.join(self.work.name, f"shared-{number}.h5")
                runs = [subprocess.Popen([SMPSIM, "run", *STUDY, "-o", output, *options],
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                        for options in (first_options, second_options)]
                started = time.monotonic()
                outcomes = [run.communicate() + (run.returncode,) for run in runs]
                statuses = sorted(status for _, _, status in outcomes)
                self.assertEqual(statuses, [0, 2], outcomes)
                winner = 0 if outcomes[0][2] == 0 else 1
                loser = 1 - winner
                refusal = outcomes[loser][1]
                self.assertIn(f"another smpsim run (pid {runs[winner].pid})", refusal)
                self.assertIn(output, refusal)
                options = (first_options, second_options)[winner]
                self.assertEqual(compare(self.reference[seed_of(options)], output), [])
                self.assertFalse(os.path.exists(output + ".lock"))
                self.assertFalse(os.path.exists(output + ".checkpoint"))
                self.assertLess(time.monotonic() - started, 60)

    def test_the_refusal_is_immediate(self):
        output = os.path.join(self.work.name, "held.h5")
        first = subprocess.Popen([SMPSIM, "run", *STUDY, "-o", output, "--overwrite"],
                                 stderr=subprocess.PIPE, text=True)
        while not os.path.exists(output + ".checkpoint/manifest.toml") and first.poll() is None:
            time.sleep(0.002)
        started = time.monotonic()
        second = subprocess.run([SMPSIM, "run", *STUDY, "-o", output, "--resume"],
                                capture_output=True, text=True)
        elapsed = time.monotonic() - started
        first_running = first.poll() is None
        first.communicate()
        if not first_running:
            self.skipTest("the first run ended before the second started")
        self.assertEqual(second.returncode, 2, second.stderr)
        self.assertIn(f"pid {first.pid}", second.stderr)
        self.assertLess(elapsed, 2.0)
        self.assertEqual(first.returncode, 0)
        self.assertEqual(compare(self.reference[SEEDS[0]], output), [])

    def test_a_killed_runs_lock_does_not_block(self):
        output = os.path.join(self.work.name, "killed.h5")
        run = subprocess.Popen([SMPSIM, "run", *STUDY, "-o", output, "--overwrite"])
        while not os.path.exists(output + ".checkpoint/manifest.toml") and run.poll() is None:
            time.sleep(0.002)
        run.send_signal(signal.SIGKILL)
        run.wait()
        subprocess.run([SMPSIM, "run", *STUDY, "-o", output, "--resume"], check=True)
        self.assertEqual(compare(self.reference[SEEDS[0]], output), [])
        self.assertFalse(os.path.exists(output + ".lock"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
