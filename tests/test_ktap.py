#!/usr/bin/env python3
"""Tests of tests/ktap.py, the KTAP parser that judges every zdk run.

Design. Each canned serial log in tests/ktap-logs/ shows one situation the
parser must get right (written by hand in the kernel's exact output
format: lib/ktest.c); each test parses one log and asserts the counts and
the explanation. A few short inline logs cover the corner cases that do
not deserve a file. Run: `python3 -m unittest tests/test_ktap.py` or
`python3 tests/test_ktap.py` (tests/test-all runs it as its parser step).
"""

import contextlib
import glob
import io
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import ktap  # noqa: E402

LOGS = os.path.join(HERE, "ktap-logs")


def parse_log(name):
    return ktap.parse_file(os.path.join(LOGS, name + ".log"))


def parse_text(text):
    return ktap.parse(text)


class CannedLogs(unittest.TestCase):
    def assertCounts(self, result, passed, failed, skipped=0):
        self.assertEqual((result.passed, result.failed, result.skipped),
                         (passed, failed, skipped), result.errors)

    def assertErrorMentions(self, result, *words):
        text = "\n".join(result.errors)
        for word in words:
            self.assertIn(word, text)

    def test_all_pass(self):
        """Two clean suites: every case passes, no errors, verdict PASS."""
        r = parse_log("all-pass")
        self.assertCounts(r, 5, 0)
        self.assertEqual(r.errors, [])
        self.assertTrue(r.ok)
        self.assertEqual([s.name for s in r.suites], ["lib.crc32", "lib.string"])
        self.assertEqual([s.plan for s in r.suites], [3, 2])
        self.assertEqual(r.verdict, "PASS")

    def test_failure(self):
        """One failed case: counted once, named, its diagnostic kept."""
        r = parse_log("failure")
        self.assertCounts(r, 3, 1)
        self.assertEqual(r.errors, [])
        self.assertFalse(r.ok)
        failures = list(r.failures())
        self.assertEqual([path for path, _ in failures], ["lib.crc32.crc32_empty"])
        self.assertIn("EXPECT_EQ", failures[0][1].diagnostics[0])
        crc32 = r.suites[0]
        self.assertEqual((crc32.passed, crc32.failed), (2, 1))
        self.assertEqual(r.verdict, "FAIL")

    def test_skip(self):
        """SKIP directives count as skipped, also a suite that skipped all."""
        r = parse_log("skip")
        self.assertCounts(r, 1, 0, 4)
        self.assertEqual(r.errors, [])
        self.assertTrue(r.ok)
        gup = r.suites[0]
        self.assertEqual(gup.results[0].directive, "SKIP needs 2 CPUs")
        self.assertEqual(gup.results[0].status, "skip")

    def test_nested(self):
        """A suite of suites: leaves at depth 2 count, paths name them."""
        r = parse_log("nested")
        self.assertCounts(r, 4, 1, 1)
        self.assertEqual(r.errors, [])
        mm = r.suites[0]
        self.assertEqual(mm.name, "mm")
        self.assertEqual([s.name for s in mm.subtests], ["mm.page_alloc", "mm.kmalloc"])
        self.assertEqual((mm.passed, mm.failed, mm.skipped), (3, 1, 1))
        self.assertEqual([p for p, _ in r.failures()], ["mm.kmalloc.large_sizes"])

    def test_panic_mid_suite(self):
        """A panic in case 2 of 4 of suite 2 of 4: the crashed case, the two
        cases after it and the two suites never run are 5 failures."""
        r = parse_log("panic")
        self.assertCounts(r, 3, 5)
        self.assertFalse(r.ok)
        self.assertEqual(r.verdict, "CRASH")
        self.assertEqual(r.crash_reason,
                         "BUG_ON(page_ref_count(page) < 0) at mm/page_alloc.c:212")
        self.assertErrorMentions(r, "mm.fault': 2 of 4 planned results missing (3..4)",
                                 "top level: 2 of 4 planned results missing (3..4)")
        self.assertEqual(len(r.errors), 2)

    def test_truncated_log(self):
        """The log stops inside a suite: its missing cases, its missing
        result line and the suite never started are all failures."""
        r = parse_log("truncated")
        self.assertCounts(r, 3, 5)
        self.assertErrorMentions(r, "3 of 5 planned results missing (3..5)",
                                 "no result line 'ok 2 drivers.nfit'",
                                 "1 of 3 planned results missing (3)")
        self.assertIsNone(r.verdict)

    def test_missing_results(self):
        """A plan of 3 with 2 results: the missing one is a failure, even
        though the suite's own line says ok."""
        r = parse_log("missing-results")
        self.assertCounts(r, 2, 1)
        self.assertErrorMentions(r, "1 of 3 planned results missing (3)")
        self.assertEqual(len(r.errors), 1)
        self.assertFalse(r.ok)

    def test_bad_numbering(self):
        """Out of order (1, 3, 2) and duplicate (1, 1) numbers both fail;
        the duplicate also leaves number 2 missing."""
        r = parse_log("bad-numbering")
        self.assertCounts(r, 5, 3)
        self.assertErrorMentions(r, "'lib.order': bad test numbering 1, 3, 2",
                                 "'lib.dup': bad test numbering 1, 1",
                                 "'lib.dup': 1 of 2 planned results missing (2)")

    def test_no_tests(self):
        """Firmware and printk output but no KTAP header: one failure."""
        r = parse_log("no-tests")
        self.assertCounts(r, 0, 1)
        self.assertErrorMentions(r, "no KTAP output")
        self.assertEqual(r.suites, [])
        self.assertFalse(r.ok)

    def test_firmware_junk(self):
        """OVMF's escape codes right before the header (no newline)."""
        r = parse_log("firmware-junk")
        self.assertCounts(r, 2, 0)
        self.assertEqual(r.errors, [])
        self.assertEqual(r.documents[0].indent, 0)
        self.assertEqual(r.suites[0].name, "lib.crc32")

    def test_printk_interleaved(self):
        """printk lines (and CR LF endings) anywhere are noise; a failure's
        diagnostic before the printk line still belongs to it."""
        r = parse_log("printk-interleaved")
        self.assertCounts(r, 2, 1)
        self.assertEqual(r.errors, [])
        failures = list(r.failures())
        self.assertEqual([p for p, _ in failures], ["drivers.pmem.remove_while_mapped"])
        self.assertIn("EXPECT_EQ(ref, 0)", failures[0][1].diagnostics[0])

    def test_ok_with_failed_child(self):
        """A suite reporting ok over a failed case is itself an error."""
        r = parse_log("ok-with-failed-child")
        self.assertCounts(r, 1, 2)
        self.assertErrorMentions(
            r, "suite 'lib.liar' reported ok but 1 of its results are not ok")

    def test_two_runs(self):
        """Two KTAP documents in one log (the shell's ktest twice) add up,
        and each keeps its own counts and says where it starts."""
        r = parse_log("two-runs")
        self.assertEqual(len(r.documents), 2)
        self.assertCounts(r, 1, 1)
        self.assertEqual(r.errors, [])
        self.assertEqual([(d.passed, d.failed, d.lineno) for d in r.documents],
                         [(1, 0, 2), (0, 1, 10)])
        self.assertEqual(r.summary(), "1 passed, 1 failed (2 KTAP documents)")
        self.assertEqual(r.documents_summary(),
                         ["document 1 (line 2): 1 passed, 0 failed (1 suite)",
                          "document 2 (line 10): 0 passed, 1 failed (1 suite)"])
        self.assertEqual([(o.document, o.name, o.status) for o in r.outcomes()],
                         [(1, "lib.crc32.crc32_check_value", "passed"),
                          (2, "lib.crc32.crc32_check_value", "failed")])

    def test_stopped_by_ctrl_c(self):
        """ktest stopped by the shell's Ctrl-C: the case it stopped mid-repeats, the cases
        and the suite it never ran are skips with the reason; every plan is met, so nothing
        counts as failed and the suites' summaries agree."""
        r = parse_log("stopped-by-ctrl-c")
        self.assertEqual(len(r.documents), 2)
        self.assertCounts(r, 1, 0, 5)
        self.assertEqual(r.errors, [])
        self.assertTrue(r.ok)
        self.assertEqual([(s.name, s.plan) for s in r.suites],
                         [("lib.crc32", 3), ("lib.string", 2)])
        self.assertEqual([d.plan for d in r.documents], [2, 1])
        skips = {o.name: o.diagnostics for o in r.outcomes() if o.status == "skipped"}
        self.assertEqual(skips["lib.crc32.empty_input"],
                         ["SKIP stopped by Ctrl-C after 164 of 200 repeats"])
        self.assertEqual(skips["lib.glob"], ["SKIP stopped by Ctrl-C"])
        self.assertEqual(skips["lib.string.memcmp_past_nul"],
                         ["SKIP stopped by Ctrl-C after 12 of 1000 repeats"])

    def test_stopped_run_without_its_skips_is_read_as_failures(self):
        """The same run with the stopped case passed and the rest left out (plans unmet)
        is what the skips prevent: the missing results are failures."""
        text = "\n".join(["KTAP version 1", "1..2", "    KTAP version 1",
                          "    # Subtest: lib.crc32", "    1..3", "    ok 1 check_value",
                          "    # empty_input: stopped after 164 of 200 repeats",
                          "    ok 2 empty_input",
                          "    # lib.crc32: pass:2 fail:0 skip:0 total:2 (stopped)",
                          "ok 1 lib.crc32"])
        r = parse_text(text)
        self.assertCounts(r, 2, 2)
        self.assertErrorMentions(r, "1 of 3 planned results missing (3)",
                                 "1 of 2 planned results missing (2)")


class Outcomes(unittest.TestCase):
    """result.outcomes(): one unit per count, which test-all records."""

    def test_outcomes_add_up_in_every_canned_log(self):
        """In every canned log the outcomes' statuses are the counts."""
        logs = sorted(glob.glob(os.path.join(LOGS, "*.log")))
        self.assertGreaterEqual(len(logs), 13)
        for path in logs:
            r = ktap.parse_file(path)
            statuses = [o.status for o in r.outcomes()]
            self.assertEqual((statuses.count("passed"), statuses.count("failed"),
                              statuses.count("skipped"), len(statuses)),
                             (r.passed, r.failed, r.skipped, r.total), path)

    def test_problems_are_named_outcomes(self):
        """A missing planned result is one failed outcome per number, named
        after its suite; other errors one each, with their message."""
        r = parse_log("truncated")
        failed = [o for o in r.outcomes() if o.status == "failed"]
        self.assertEqual([o.name for o in failed],
                         ["drivers.nfit [KTAP: result 3 missing]",
                          "drivers.nfit [KTAP: result 4 missing]",
                          "drivers.nfit [KTAP: result 5 missing]",
                          "(top level) [KTAP error 1]",
                          "(top level) [KTAP: result 3 missing]"])
        self.assertIn("no result line 'ok 2 drivers.nfit'", failed[3].diagnostics[0])

    def test_failed_and_skipped_carry_their_reason(self):
        """A failed case keeps its diagnostics, a skip its directive."""
        failed = [o for o in parse_log("failure").outcomes() if o.status == "failed"]
        self.assertEqual(failed[0].name, "lib.crc32.crc32_empty")
        self.assertIn("EXPECT_EQ", failed[0].diagnostics[0])
        skipped = [o for o in parse_log("skip").outcomes() if o.status == "skipped"]
        self.assertEqual(skipped[0].diagnostics, ["SKIP needs 2 CPUs"])

    def test_no_ktap_output_is_one_outcome(self):
        """A log without KTAP is one failed outcome, in no document."""
        r = parse_log("no-tests")
        self.assertEqual([(o.name, o.status, o.document) for o in r.outcomes()],
                         [("(log) [no KTAP output]", "failed", 0)])


class InlineCorners(unittest.TestCase):
    def test_not_ok_suite_without_failed_case(self):
        """A suite saying not ok while all its cases passed: one failure."""
        r = parse_text("KTAP version 1\n1..1\n    KTAP version 1\n"
                       "    # Subtest: s\n    1..1\n    ok 1 a\nnot ok 1 s\n")
        self.assertEqual((r.passed, r.failed), (1, 1))
        self.assertIn("reported not ok but none of its results failed", r.errors[0])

    def test_summary_disagrees(self):
        """A '# s: pass:..' summary that contradicts the results fails."""
        r = parse_text("KTAP version 1\n1..1\n    KTAP version 1\n"
                       "    # Subtest: s\n    1..2\n    ok 1 a\n    ok 2 b\n"
                       "    # s: pass:1 fail:1 skip:0 total:2\nok 1 s\n")
        self.assertEqual((r.passed, r.failed), (2, 1))
        self.assertIn("summary says pass:1 fail:1", r.errors[0])

    def test_subtest_line_before_header(self):
        """Older KUnit order ('# Subtest:' first) nests the same way."""
        r = parse_text("KTAP version 1\n1..1\n    # Subtest: s\n    KTAP version 1\n"
                       "    1..1\n    ok 1 a\nok 1 s\n")
        self.assertEqual((r.passed, r.failed), (1, 0), r.errors)
        self.assertEqual(r.suites[0].name, "s")

    def test_headerless_subtest(self):
        """An indented block without header or name takes its name from
        the result line that closes it."""
        r = parse_text("KTAP version 1\n1..1\n    1..2\n    ok 1 a\n    ok 2 b\nok 1 s\n")
        self.assertEqual((r.passed, r.failed), (2, 0), r.errors)
        self.assertEqual(r.suites[0].name, "s")

    def test_wrong_closing_name(self):
        """The result line must carry the subtest's name."""
        r = parse_text("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: s\n"
                       "    1..1\n    ok 1 a\nok 1 t\n")
        self.assertEqual(r.failed, 1)
        self.assertIn("result 't' closes subtest 's'", r.errors[0])

    def test_empty_plan(self):
        """'1..0' is a valid run of nothing: no failure, no cases."""
        r = parse_text("KTAP version 1\n1..0\n")
        self.assertEqual((r.passed, r.failed, r.skipped), (0, 0, 0))
        self.assertTrue(r.ok)

    def test_header_without_anything(self):
        """A header followed by nothing at all is a failure."""
        r = parse_text("KTAP version 1\n")
        self.assertEqual(r.failed, 1)
        self.assertIn("no plan and no results", r.errors[0])

    def test_leaf_results_at_top_level(self):
        """Flat KTAP (the host tests may print cases without suites)."""
        r = parse_text("KTAP version 1\n1..3\nok 1 a\nnot ok 2 b\nok 3 c # SKIP later\n")
        self.assertEqual((r.passed, r.failed, r.skipped), (1, 1, 1))

    def test_crash_after_passing_tests_is_not_ok(self):
        """A CRASH verdict fails the run even if every case passed."""
        r = parse_text("KTAP version 1\n1..1\nok 1 a\n"
                       "zdk: verdict: CRASH (page fault at 0x0)\n")
        self.assertEqual((r.passed, r.failed), (1, 0))
        self.assertEqual(r.crash_reason, "page fault at 0x0")
        self.assertFalse(r.ok)

    def test_wrong_version(self):
        """Only KTAP version 1 is accepted."""
        r = parse_text("KTAP version 2\n1..1\nok 1 a\n")
        self.assertEqual((r.passed, r.failed), (1, 1))
        self.assertIn("KTAP version 2", r.errors[0])

    def test_cli_exit_status(self):
        """The command line form exits 0 on success, 1 on failure."""
        with contextlib.redirect_stdout(io.StringIO()) as out:
            self.assertEqual(ktap.main(["ktap.py", os.path.join(LOGS, "all-pass.log")]), 0)
            self.assertEqual(ktap.main(["ktap.py", os.path.join(LOGS, "panic.log")]), 1)
        self.assertIn("ktap: 5 passed, 0 failed (2 suites, 1 KTAP document)\n",
                      out.getvalue())
        self.assertIn("CRASH BUG_ON", out.getvalue())

    def test_cli_says_how_many_documents(self):
        """With two documents the summary says so and counts each."""
        with contextlib.redirect_stdout(io.StringIO()) as out:
            self.assertEqual(ktap.main(["ktap.py", os.path.join(LOGS, "two-runs.log")]), 1)
        self.assertIn("ktap: 1 passed, 1 failed (2 suites, 2 KTAP documents, each counted)\n"
                      "  document 1 (line 2): 1 passed, 0 failed (1 suite)\n"
                      "  document 2 (line 10): 0 passed, 1 failed (1 suite)\n",
                      out.getvalue())

    def cli_json(self, name):
        with contextlib.redirect_stdout(io.StringIO()) as out:
            status = ktap.main(["ktap.py", "--json", os.path.join(LOGS, name + ".log")])
        return status, json.loads(out.getvalue())

    def test_cli_json_documents(self):
        """--json: the counts, each document with its own counts and its
        suites and cases, the flat outcomes adding up to the counts."""
        status, doc = self.cli_json("two-runs")
        self.assertEqual(status, 1)
        self.assertEqual(doc["counts"], {"passed": 1, "failed": 1, "skipped": 0, "total": 2})
        self.assertEqual([(d["number"], d["line"], d["counts"]["passed"], d["counts"]["failed"])
                          for d in doc["documents"]], [(1, 2, 1, 0), (2, 10, 0, 1)])
        suite = doc["documents"][1]["suites"][0]
        self.assertEqual((suite["name"], suite["plan"], suite["result"]),
                         ("lib.crc32", 1, "not ok"))
        self.assertEqual(suite["cases"][0]["status"], "failed")
        self.assertEqual([(c["document"], c["status"]) for c in doc["cases"]],
                         [(1, "passed"), (2, "failed")])
        self.assertFalse(doc["ok"])

    def test_cli_json_errors_and_crash(self):
        """--json of a crashed run: the errors, the missing results as
        failed cases, the crash reason, nested suites' counts."""
        status, doc = self.cli_json("panic")
        self.assertEqual(status, 1)
        self.assertEqual(doc["counts"]["failed"], 5)
        self.assertEqual(len(doc["errors"]), 2)
        self.assertEqual(doc["verdict"], "CRASH")
        self.assertIn("BUG_ON", doc["crash_reason"])
        missing = [c["name"] for c in doc["cases"] if "missing" in c["name"]]
        self.assertEqual(missing, ["mm.fault [KTAP: result 3 missing]",
                                   "mm.fault [KTAP: result 4 missing]",
                                   "(top level) [KTAP: result 3 missing]",
                                   "(top level) [KTAP: result 4 missing]"])
        self.assertEqual(sum(c["status"] == "failed" for c in doc["cases"]), 5)
        status, doc = self.cli_json("nested")
        mm = doc["documents"][0]["suites"][0]
        self.assertEqual([s["name"] for s in mm["suites"]], ["mm.page_alloc", "mm.kmalloc"])
        self.assertEqual(mm["counts"], {"passed": 3, "failed": 1, "skipped": 1, "total": 5})

    def test_cli_missing_log(self):
        """A log that cannot be read: exit 2, whatever the format."""
        with contextlib.redirect_stderr(io.StringIO()) as err:
            self.assertEqual(ktap.main(["ktap.py", "--json", "/nonexistent/x.log"]), 2)
        self.assertIn("cannot read /nonexistent/x.log", err.getvalue())


if __name__ == "__main__":
    unittest.main()
