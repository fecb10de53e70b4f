#!/usr/bin/env python3
"""Tests of tests/test-all's reporting: the progress lines, the
heartbeat, the one-line verdict of an expected failure, the selection
(--tests, --boots), and the invariant that the summary line and the
results files count the same cases.

Design. test-all is loaded as a module; its steps are fed canned boot
outcomes through a stand-in for the background boots (no QEMU runs), and
what it prints is captured. Run: `python3 tests/test_test_all.py`.
"""

import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import results  # noqa: E402
from script_module import load_script  # noqa: E402


def load_test_all():
    return load_script(os.path.join(HERE, "test-all"), "zdk_test_all")


T = load_test_all()

CRASH_LOG = ("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: lib.ktest.selftest\n"
             "    1..1\n[    1.0] BUG: page fault\n[    1.0] RIP: 0010:crash_case+0x12\n"
             "[    1.0] Call trace:\nzdk: verdict: CRASH (page fault)\n")
FAIL_LOG = ("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: lib.crc32\n    1..2\n"
            "    ok 1 a\n    # EXPECT_EQ(x, 1): x is 2\n    not ok 2 b\nnot ok 1 lib.crc32\n"
            "zdk: verdict: FAIL (1 failed)\n")


def boot(name):
    return next(b for b in T.BOOTS if b.name == name)


class FakeLaunched:
    """Stands in for Launched: each boot's outcome given, nothing run."""

    def __init__(self, boots, outcomes):
        self.boots, self.outcomes, self.accel = boots, outcomes, "accelerator: none (a test)"
        self.ended = False

    def result(self, boot, beat):
        return self.outcomes[boot.name]

    def end(self):
        self.ended = True


def options(*argv):
    return T.parse_args(list(argv))


class Progress(unittest.TestCase):
    def run_qemu(self, boots, outcomes, *argv):
        fake = FakeLaunched(boots, outcomes)
        real = T.launch_boots
        T.launch_boots = lambda opts: fake
        tally = T.Tally("qemu", "QEMU boots", 6, 9)
        try:
            with contextlib.redirect_stdout(io.StringIO()) as out:
                T.step_qemu(options(*argv), tally)
        finally:
            T.launch_boots = real
        self.assertTrue(fake.ended)
        return out.getvalue().splitlines(), tally

    def test_expected_outcomes_one_line_each(self):
        """An expected CRASH or FAIL is one line with k/N and the time; the
        qemu-run line that says CRASH or FAIL is not printed."""
        said = ["qemu-run: CRASH (exit 2) in 5.0 s, log x.log; zdk: verdict: CRASH (page fault)"]
        lines, tally = self.run_qemu(
            [boot("harness-crash"), boot("harness-fail")],
            {"harness-crash": T.BootRun("ran", 2, CRASH_LOG, said, 5.04),
             "harness-fail": T.BootRun("ran", 1, FAIL_LOG, ["qemu-run: FAIL (exit 1)"], 3.0)})
        self.assertEqual(lines[:2], ["", "== [step 6/9] QEMU boots (tests/qemu-run, "
                                         "timeout 180 s each)"])
        self.assertIn("   [1/2] harness-crash ... 5.0 s: expected CRASH: ok "
                      "(exit 2, RIP and backtrace found)", lines)
        self.assertIn("   [2/2] harness-fail ... 3.0 s: expected FAIL: ok "
                      "(exit 1, a 'not ok' case found)", lines)
        self.assertEqual(sum("harness-crash" in line for line in lines), 1)
        self.assertFalse(any("qemu-run:" in line or "as expected" in line for line in lines))
        self.assertEqual(tally.counts(), results.Counts(passed=2))
        self.assertEqual([s.name for s in tally.suites],
                         ["qemu", "qemu/harness-crash", "qemu/harness-fail"])
        self.assertEqual(tally.suites[1].cases[0].duration, 5.04)

    def test_unexpected_outcome_prints_everything(self):
        """A harness proof that did not fail: its line says so, then the
        boot, its command line, what qemu-run said and each problem."""
        lines, tally = self.run_qemu(
            [boot("harness-crash")],
            {"harness-crash": T.BootRun("ran", 0, "zdk: verdict: PASS\n",
                                        ["qemu-run: PASS (exit 0) in 4.0 s"], 4.0)})
        text = "\n".join(lines)
        self.assertIn("[1/1] harness-crash ... 4.0 s: expected CRASH: NOT as expected, "
                      "exit 0 (PASS)", text)
        self.assertIn("-- harness-crash: harness proof", text)
        self.assertIn('cmdline "ktest=lib.ktest.selftest.crash shell=off"', text)
        self.assertIn("      qemu-run: PASS (exit 0) in 4.0 s", text)
        self.assertIn("FAIL harness-crash: expected exit 2 (CRASH), got exit 0 (PASS)", text)
        self.assertIn("FAIL harness-crash: no register dump", text)
        case = tally.suites[1].cases[0]
        self.assertEqual((case.name, case.status), ("harness-crash", "failed"))
        self.assertIn("expected exit 2 (CRASH), got exit 0 (PASS)", case.diagnostics)

    def test_tests_boot_cases_are_prefixed(self):
        """A self-test boot's KTAP cases are recorded under the boot's name,
        with the failed case's diagnostics; its line counts them."""
        lines, tally = self.run_qemu(
            [boot("smp1-no-nvdimm")],
            {"smp1-no-nvdimm": T.BootRun("ran", 1, FAIL_LOG, [], 7.25)})
        self.assertIn("   [1/1] smp1-no-nvdimm ... 7.2 s: FAIL: 1 passed, 1 failed, "
                      "exit 1 (FAIL)", lines)
        self.assertIn("   FAIL smp1-no-nvdimm: lib.crc32.b", lines)
        cases = tally.suites[1].cases
        self.assertEqual([(c.name, c.status) for c in cases],
                         [("smp1-no-nvdimm: lib.crc32.a", "passed"),
                          ("smp1-no-nvdimm: lib.crc32.b", "failed")])
        self.assertEqual(cases[1].diagnostics, ["EXPECT_EQ(x, 1): x is 2"])
        self.assertEqual(cases[1].log, "build/test-logs/smp1-no-nvdimm.log")

    def test_boot_check_failure_is_a_case(self):
        """A passing self-test boot whose log lacks an expected line: a
        failed case named after the check, beside the passed KTAP case."""
        ok_log = "KTAP version 1\n1..1\nok 1 only\nzdk: verdict: PASS\n"
        lines, tally = self.run_qemu(
            [boot("smp2-two-nvdimms")],
            {"smp2-two-nvdimms": T.BootRun("ran", 0, ok_log, [], 9.0)})
        names = [(c.name, c.status) for c in tally.suites[1].cases]
        self.assertEqual(names[0], ("smp2-two-nvdimms: only", "passed"))
        self.assertEqual(names[1], ("smp2-two-nvdimms: [log]", "failed"))
        self.assertEqual(names[2], ("smp2-two-nvdimms: [log] (2)", "failed"))
        self.assertEqual(tally.counts(), results.Counts(passed=1, failed=len(names) - 1))


class Heartbeat(unittest.TestCase):
    def beat(self, running, quiet_for):
        beat = T.Heartbeat()
        now = T.time.monotonic()
        beat.last = now - quiet_for
        with contextlib.redirect_stdout(io.StringIO()) as out:
            beat.tick({name: now - age for name, age in running.items()})
        return beat, out.getvalue()

    def test_names_long_runs_longest_first(self):
        """After 30 s of silence, each run older than 30 s, with its age."""
        _, said = self.beat({"pmem-64g-altmap": 61, "smp4-nvdimm-poison": 45, "short": 5}, 31)
        self.assertEqual(said, "   ... still running: pmem-64g-altmap (61 s), "
                               "smp4-nvdimm-poison (45 s)\n")

    def test_quiet_when_recent_or_short(self):
        """Nothing when a line was printed less than 30 s ago, or when no
        run is 30 s old; at most one line per 30 s."""
        self.assertEqual(self.beat({"long": 90}, 10)[1], "")
        self.assertEqual(self.beat({"short": 20}, 100)[1], "")
        beat, said = self.beat({"long": 90}, 40)
        self.assertTrue(said)
        with contextlib.redirect_stdout(io.StringIO()) as out:
            beat.tick({"long": T.time.monotonic() - 95})
        self.assertEqual(out.getvalue(), "")


class Selection(unittest.TestCase):
    def test_tests_narrows_the_all_suites_boots(self):
        """--tests GLOBS: only the boots that run ktest=*, with ktest=GLOBS."""
        boots = T.selected_boots(options("--tests", "mm.gup*,lib.crc32"))
        self.assertEqual([b.name for b in boots],
                         [b.name for b in T.BOOTS if "ktest=*" in b.cmdline.split()])
        self.assertGreaterEqual(len(boots), 3)
        for b in boots:
            self.assertIn("ktest=mm.gup*,lib.crc32", b.cmdline.split())
            self.assertNotIn("ktest=*", b.cmdline.split())
        poison = [b for b in boots if b.name == "smp4-nvdimm-poison"][0]
        self.assertIn("page_poison=on", poison.cmdline)
        self.assertEqual(boot("smp1-no-nvdimm").cmdline, "ktest=* shell=off")  # untouched

    def test_boots_glob(self):
        """--boots GLOB alone picks by name, any kind of boot."""
        self.assertEqual([b.name for b in T.selected_boots(options("--boots", "harness-*"))],
                         ["harness-fail", "harness-crash"])
        self.assertEqual(T.selected_boots(options("--boots", "harness-*", "--tests", "x")), [])

    def test_steps(self):
        """No selection: every step; --tests: host, tsan, qemu; --only wins."""
        self.assertEqual(T.chosen_steps(options()), list(T.STEPS))
        self.assertEqual(T.chosen_steps(options("--tests", "lib.*")), ["host", "tsan", "qemu"])
        self.assertEqual(T.chosen_steps(options("--tests", "lib.*", "--only", "host")),
                         ["host"])

    def test_tests_without_spaces(self):
        """A glob list with a space would split the kernel command line."""
        with contextlib.redirect_stderr(io.StringIO()) as err:
            with self.assertRaises(SystemExit):
                options("--tests", "lib.* mm.*")
        self.assertIn("comma-separated globs without spaces", err.getvalue())

    def test_line_case(self):
        """The labs' and timelines' lines: name without the figures, time."""
        self.assertEqual(T.line_case("ok 1 - 01-single-reference (13 commands, 6 s)"),
                         (True, "01-single-reference", 6.0))
        self.assertEqual(T.line_case("not ok default: the wait ended (after 3 ms)"),
                         (False, "default: the wait ended", None))
        self.assertIsNone(T.line_case("qemu-run: PASS (exit 0)"))


class Steps(unittest.TestCase):
    """Steps fed canned output: each unit they count is one case."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.saved = T.LOGS, T.run_group
        T.LOGS = self.dir.name

    def tearDown(self):
        T.LOGS, T.run_group = self.saved
        self.dir.cleanup()

    def step(self, step, *argv):
        tally = T.Tally("x", "x")
        with contextlib.redirect_stdout(io.StringIO()) as out:
            step(options(*argv), tally)
        return tally, out.getvalue()

    def test_fuzz_targets(self):
        """A target with crashes fails with its indented report lines; the
        rest pass."""
        said = iter([("built", 0), ("fuzz nfit: 40000 executions, 0 crashes\n"
                                    "fuzz glob: 40000 executions, 1 crashes\n"
                                    "    crash input: build/fuzz/crashes/glob/x\n"
                                    "fuzz: 2 targets, 80000 executions, 1 crashes\n", 1)])
        T.run_group = lambda cmd, env, timeout, label: next(said)
        tally, out = self.step(T.step_fuzz)
        cases = [(c.name, c.status, c.diagnostics) for c in tally.suites[0].cases]
        self.assertEqual(cases, [("nfit", "passed", []),
                                 ("glob", "failed", ["fuzz glob: 40000 executions, 1 crashes",
                                                     "crash input: build/fuzz/crashes/glob/x"])])
        self.assertIn("fuzz: 1 passed, 1 failed", out)

    def test_model_variants(self):
        """Each variant a case with the time SPIN took; a failed one keeps
        its steps; an exit status without a failed variant is a case too."""
        text = ("ok   fixed: verified (363771 states, 1.9 s): the design\n"
                "FAIL seed-regression: no counterexample (12 states, 0.5 s)\n"
                "       - unbind: DAX gone\n")
        T.run_group = lambda cmd, env, timeout, label: (text, 1)
        tally, _ = self.step(T.step_model)
        cases = [(c.name, c.status, c.duration) for c in tally.suites[0].cases]
        self.assertEqual(cases, [("fixed", "passed", 1.9), ("seed-regression", "failed", 0.5)])
        self.assertEqual(tally.suites[0].cases[1].diagnostics[-1], "- unbind: DAX gone")
        T.run_group = lambda cmd, env, timeout, label: (text.splitlines()[0] + "\n", 3)
        tally, _ = self.step(T.step_model)
        self.assertEqual([(c.name, c.status) for c in tally.suites[0].cases],
                         [("fixed", "passed"), ("model-check (exit status)", "failed")])

    def test_host_program(self):
        """The host step: every KTAP case, and an exit status that no
        failed case explains, recorded with the log."""
        program = os.path.join(self.dir.name, "zdk-host-tests")
        with open(program, "w") as f:
            f.write("#!/bin/sh\necho 'KTAP version 1'; echo '1..2'; echo 'ok 1 a'\n"
                    "echo 'ok 2 b # SKIP needs 2 CPUs'; echo \"globs: $1\" >&2; exit 3\n")
        os.chmod(program, 0o755)
        tally = T.Tally("host", "host unit tests")
        with contextlib.redirect_stdout(io.StringIO()) as out:
            T.run_host_binary(options("--tests", "lib.*"), tally, program, "ASan", "t", "host")
        cases = [(c.name, c.status, c.diagnostics) for c in tally.suites[0].cases]
        self.assertEqual(cases, [("a", "passed", []), ("b", "skipped", ["SKIP needs 2 CPUs"]),
                                 ("zdk-host-tests (exit status)", "failed",
                                  ["exited with status 3 although no case failed"])])
        self.assertIn("globs: lib.*", out.getvalue())      # --tests reached the program
        self.assertEqual(tally.suites[0].log, T.rel(os.path.join(self.dir.name, "host.log")))


class Summary(unittest.TestCase):
    """finish(): the summary line and both files count the same cases."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.saved = T.RESULTS_JSON, T.RESULTS_XML
        T.RESULTS_JSON = os.path.join(self.dir.name, "r.json")
        T.RESULTS_XML = os.path.join(self.dir.name, "r.xml")

    def tearDown(self):
        T.RESULTS_JSON, T.RESULTS_XML = self.saved
        self.dir.cleanup()

    def finish(self, run, tallies):
        with contextlib.redirect_stdout(io.StringIO()) as out, \
                contextlib.redirect_stderr(io.StringIO()) as err:
            status = T.finish(run, tallies)
        return status, out.getvalue().splitlines(), err.getvalue()

    def tallies(self, failed=True):
        host = T.Tally("host", "host unit tests", 1, 2)
        host.passed("lib.a")
        host.case("lib.b", "skipped", ["SKIP needs 2 CPUs"])
        if failed:
            host.failed("lib.c", "EXPECT_EQ(1, 2)")
        qemu = T.Tally("qemu", "QEMU boots", 2, 2)
        suite = qemu.suite("qemu/harness-crash", log=os.path.join(T.LOGS, "harness-crash.log"))
        qemu.passed("harness-crash", suite=suite, duration=5.0)
        for t in (host, qemu):
            t.seconds = 1.0
        return [host, qemu]

    def test_summary_equals_files(self):
        """The last line is the total; the XML read back and the JSON say
        the same; failures make the exit status 1."""
        tallies = self.tallies()
        run = results.Run(suites=[s for t in tallies for s in t.suites], duration=2.0)
        status, lines, _ = self.finish(run, tallies)
        self.assertEqual(status, 1)
        self.assertEqual(lines[-1], "2 passed, 1 failed, 1 skipped")
        with open(T.RESULTS_XML, "rb") as f:
            totals, problems = results.check_junit(f.read())
        self.assertEqual((problems, totals.text()), ([], lines[-1]))
        with open(T.RESULTS_JSON) as f:
            doc = json.load(f)
        self.assertEqual(doc["summary"], lines[-1])
        self.assertEqual(doc["cases"][-1]["log"], "build/test-logs/harness-crash.log")
        self.assertIn("   host unit tests:     1 passed, 1 failed, 1 skipped (1.0 s)", lines)

    def test_exit_status_and_state(self):
        """All passed: 0; interrupted: 130 and "complete": false in the JSON."""
        tallies = self.tallies(failed=False)
        run = results.Run(suites=[s for t in tallies for s in t.suites], duration=2.0)
        self.assertEqual(self.finish(run, tallies)[0], 0)
        run.complete, run.interrupted = False, True
        status, lines, _ = self.finish(run, tallies)
        self.assertEqual(status, 130)
        self.assertIn("(interrupted, 2 s)", lines[-2])
        with open(T.RESULTS_JSON) as f:
            doc = json.load(f)
        self.assertEqual((doc["complete"], doc["interrupted"]), (False, True))

    def test_files_that_disagree_fail_the_run(self):
        """A writer whose XML does not add up fails the run loudly, even
        when every case passed."""
        tallies = self.tallies(failed=False)
        run = results.Run(suites=[s for t in tallies for s in t.suites], duration=2.0)
        real = results.junit_bytes
        results.junit_bytes = lambda run: real(run).replace(b'failures="0"', b'failures="1"')
        try:
            status, lines, err = self.finish(run, tallies)
        finally:
            results.junit_bytes = real
        self.assertEqual(status, 1)
        self.assertTrue(any(line.startswith("   FAIL results files: ") for line in lines))
        self.assertIn("do not hold what the summary says", err)
        self.assertFalse(os.path.exists(T.RESULTS_XML))


if __name__ == "__main__":
    unittest.main()
