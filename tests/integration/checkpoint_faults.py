#!/usr/bin/python3
"""Damaged checkpoints: a block swapped by name with another, a block copied from another seed's
run, a truncated block and a bit-flipped block are each reported by name on stderr and
recomputed, and the resumed file equals the uninterrupted one; so does a checkpoint of an older
format (reported, not trusted), and a checkpoint folder without a manifest is treated as
empty."""
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_h5 import compare  # noqa: E402

SMPSIM = os.environ["SMPSIM"]
STUDY = ["--patients", "256", "--set", "technician.dots_per_session=300", "--threads", "2",
         "--quiet"]
BLOCKS = 256 // 32


def blocks(output):
    return sorted(glob.glob(output + ".checkpoint/*.block"))


def interrupted(output, *extra, at_least=4):
    """A run stopped by SIGTERM once `at_least` blocks are committed: its checkpoint."""
    run = subprocess.Popen([SMPSIM, "run", *STUDY, "-o", output, *extra],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while run.poll() is None and len(blocks(output)) < at_least:
        time.sleep(0.001)
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate()
    if run.returncode != 143 or len(blocks(output)) < 2:
        raise unittest.SkipTest(f"could not interrupt the run ({run.returncode}): {err}")
    return blocks(output)


def resume(output):
    return subprocess.run([SMPSIM, "run", *STUDY, "-o", output, "--resume"],
                          capture_output=True, text=True)


class DamagedCheckpoints(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        cls.reference = os.path.join(cls.work.name, "reference.h5")
        subprocess.run([SMPSIM, "run", *STUDY, "-o", cls.reference], check=True)

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def output(self, name):
        return os.path.join(self.work.name, name + ".h5")

    def check_resumed(self, output, damaged):
        done = resume(output)
        self.assertEqual(done.returncode, 0, done.stderr)
        for path in damaged:
            self.assertIn(f"smpsim: {path}: ", done.stderr)
        self.assertEqual(done.stderr.count("recomputing it"), len(damaged), done.stderr)
        self.assertEqual(compare(self.reference, output), [])
        self.assertFalse(os.path.exists(output + ".checkpoint"))
        return done.stderr

    def test_swapped_blocks_are_reported_and_recomputed(self):
        output = self.output("swapped")
        first, second = interrupted(output)[:2]
        os.rename(first, first + ".x")
        os.rename(second, first)
        os.rename(first + ".x", second)
        err = self.check_resumed(output, [first, second])
        self.assertIn("not the block its name says", err)

    def test_a_block_of_another_seeds_run_is_reported_and_recomputed(self):
        foreign = self.output("foreign-seed")
        foreign_blocks = interrupted(foreign, "--seed", "7")
        output = self.output("foreign")
        own = interrupted(output)
        name = os.path.basename(foreign_blocks[0])
        target = os.path.join(output + ".checkpoint", name)
        shutil.copyfile(foreign_blocks[0], target)
        err = self.check_resumed(output, [target])
        self.assertIn("a block of another run", err)
        self.assertGreaterEqual(len(own), 2)

    def test_a_truncated_block_is_reported_and_recomputed(self):
        output = self.output("truncated")
        victim = interrupted(output)[1]
        size = os.path.getsize(victim)
        os.truncate(victim, size // 2)
        err = self.check_resumed(output, [victim])
        self.assertIn("corrupt checkpoint block", err)

    def test_an_empty_block_is_reported_and_recomputed(self):
        output = self.output("empty")
        victim = interrupted(output)[0]
        os.truncate(victim, 0)
        self.check_resumed(output, [victim])

    def test_a_bit_flipped_block_is_reported_and_recomputed(self):
        output = self.output("flipped")
        victim = interrupted(output)[-1]
        with open(victim, "r+b") as f:
            f.seek(os.path.getsize(victim) // 2)
            byte = f.read(1)[0]
            f.seek(-1, os.SEEK_CUR)
            f.write(bytes([byte ^ 0x10]))
        err = self.check_resumed(output, [victim])
        self.assertIn("checksum mismatch", err)

    def test_an_old_format_checkpoint_is_reported_not_trusted(self):
        output = self.output("old")
        interrupted(output)
        manifest = output + ".checkpoint/manifest.toml"
        with open(manifest) as f:
            text = f.read().replace("format = 2", "format = 1")
        with open(manifest, "w") as f:
            f.write(text)
        done = resume(output)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn(f"{manifest}: a checkpoint of format 1, not 2", done.stderr)
        self.assertIn("not trusted", done.stderr)
        self.assertEqual(compare(self.reference, output), [])

    def test_a_folder_without_a_manifest_is_treated_as_empty(self):
        output = self.output("no-manifest")
        interrupted(output)
        os.remove(output + ".checkpoint/manifest.toml")
        # Neither a resume nor a fresh run refuses it or trusts its blocks.
        for extra in [[], ["--resume"]]:
            with self.subTest(options=extra):
                done = subprocess.run([SMPSIM, "run", *STUDY, "-o", output, *extra],
                                      capture_output=True, text=True)
                self.assertEqual(done.returncode, 0, done.stderr)
                self.assertEqual(compare(self.reference, output), [])
                os.remove(output)
                interrupted(output)
                os.remove(output + ".checkpoint/manifest.toml")


if __name__ == "__main__":
    unittest.main(verbosity=2)
