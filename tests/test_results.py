#!/usr/bin/env python3
"""Tests of tests/results.py, which writes build/test-results.json and
build/test-results.xml (JUnit) for `make test`.

Design. A synthetic run holds what real runs produce: passes, failures
with diagnostics, skips with reasons, durations known and unknown, and
names and diagnostics with what a serial log can carry (escape codes,
NUL, BEL, XML's own specials). The XML is parsed with xml.etree and its
structure checked element by element; the JSON against its schema; and
the checkers are shown to find damaged documents, so that the check at
the end of every `make test` can fail. Run: `python3 tests/test_results.py`.
"""

import json
import os
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import results  # noqa: E402
from results import Case, Counts, Run, Suite  # noqa: E402

ODD = "lib.\x1b[31mred\x1b[0m <&> \"q\" 'a' \x00nul \x07bell \ufffe é"


def sample_run():
    host = Suite("host", "host", log="build/test-logs/host.log", duration=12.5, cases=[
        Case("lib.crc32.check_value", "passed"),
        Case("lib.crc32.empty", "failed", diagnostics=[
            "EXPECT_EQ(crc, 0) at lib/tests/crc32_test.c:40", "\x1b[1mcrc\x1b[0m = 0x1\x00"]),
        Case("mm.gup.smp.races", "skipped", diagnostics=["SKIP needs 2 CPUs"]),
        Case(ODD, "failed", log="build/test-logs/host.log", diagnostics=[ODD, "]]> --> <!--"]),
    ])
    parser = Suite("parser", "parser", duration=0.4, cases=[
        Case("test_ktap.CannedLogs.test_all_pass", "passed", duration=0.002),
        Case("test_ktap.CannedLogs.test_skip", "skipped", duration=0.0, diagnostics=["no SPIN"]),
    ])
    boot = Suite("qemu/harness-crash", "qemu", log="build/test-logs/harness-crash.log",
                 duration=5.1, cases=[Case("harness-crash", "passed", duration=5.1)])
    empty = Suite("qemu", "qemu", duration=30.0)
    return Run(suites=[host, parser, empty, boot], partial=True,
               selection={"only": None, "boots": "*", "tests": None}, duration=48.0)


class TheModel(unittest.TestCase):
    def test_counts_come_from_cases(self):
        """The run's counts are its cases' statuses, summed over suites."""
        run = sample_run()
        self.assertEqual(run.counts(), Counts(passed=3, failed=2, skipped=2))
        self.assertEqual(run.counts().text(), "3 passed, 2 failed, 2 skipped")
        self.assertEqual(Counts(4, 0, 0).text(), "4 passed, 0 failed")

    def test_bad_status_is_refused(self):
        """A status outside passed/failed/skipped names itself."""
        with self.assertRaisesRegex(ValueError, "'ok' is not one of passed, failed, skipped"):
            Case("x", "ok")


class JUnit(unittest.TestCase):
    def setUp(self):
        self.run_ = sample_run()
        self.data = results.junit_bytes(self.run_)
        self.root = ET.fromstring(self.data)

    def test_structure(self):
        """<testsuites> of one <testsuite> per suite, each <testcase> with
        classname, name and time, a failure with a message, a skip."""
        self.assertEqual(self.root.tag, "testsuites")
        suites = self.root.findall("testsuite")
        self.assertEqual([s.get("name") for s in suites],
                         ["host", "parser", "qemu", "qemu/harness-crash"])
        for suite in suites:
            for case in suite.findall("testcase"):
                self.assertEqual(case.get("classname"), suite.get("name"))
                self.assertTrue(case.get("name"))
                float(case.get("time"))
        host = suites[0]
        self.assertEqual(host.find("properties/property").attrib,
                         {"name": "log", "value": "build/test-logs/host.log"})
        empty = host.find("testcase[@name='lib.crc32.empty']")
        failure = empty.find("failure")
        self.assertEqual(failure.get("message"),
                         "EXPECT_EQ(crc, 0) at lib/tests/crc32_test.c:40")
        self.assertIn("log: build/test-logs/host.log", failure.text)
        skip = host.find("testcase[@name='mm.gup.smp.races']/skipped")
        self.assertEqual(skip.get("message"), "SKIP needs 2 CPUs")
        self.assertIsNone(host.find("testcase[@name='lib.crc32.check_value']/*"))

    def test_attributes_equal_children(self):
        """tests/failures/skipped/errors of each suite and of the whole
        equal the testcases they count; time is the known duration or 0."""
        for suite in self.root.findall("testsuite"):
            cases = suite.findall("testcase")
            self.assertEqual(int(suite.get("tests")), len(cases))
            self.assertEqual(int(suite.get("failures")),
                             sum(c.find("failure") is not None for c in cases))
            self.assertEqual(int(suite.get("skipped")),
                             sum(c.find("skipped") is not None for c in cases))
            self.assertEqual(suite.get("errors"), "0")
        self.assertEqual([self.root.get(k) for k in ("tests", "failures", "skipped", "errors")],
                         ["7", "2", "2", "0"])
        self.assertEqual(self.root.find("testsuite[@name='parser']/testcase").get("time"),
                         "0.002")
        self.assertEqual(self.root.find("testsuite[@name='host']/testcase").get("time"),
                         "0.000")
        self.assertEqual(self.root.find("testsuite[@name='host']").get("time"), "12.500")

    def test_odd_characters_survive(self):
        """Escape codes, NUL and BEL become visible \\xNN text, XML's own
        specials are escaped, other Unicode is kept: the file parses."""
        odd = [c for c in self.root.iter("testcase") if "red" in c.get("name")]
        self.assertEqual(len(odd), 1)
        name = odd[0].get("name")
        self.assertEqual(name, "lib.\\x1b[31mred\\x1b[0m <&> \"q\" 'a' \\x00nul \\x07bell "
                               "\\ufffe é")
        self.assertIn("]]> --> <!--", odd[0].find("failure").text)

    def test_checker_accepts_and_totals(self):
        """check_junit finds nothing wrong and adds up the run's counts."""
        totals, problems = results.check_junit(self.data)
        self.assertEqual(problems, [])
        self.assertEqual(totals, self.run_.counts())

    def test_checker_finds_damage(self):
        """Each kind of damage is named: a count that lies, a missing
        attribute, a failure without message, a foreign element, bad XML."""
        def damaged(old, new):
            self.assertIn(old, self.data)
            return results.check_junit(self.data.replace(old, new, 1))[1]

        self.assertIn("testsuite 'host': tests=\"5\" but it holds 4",
                      damaged(b'name="host" tests="4"', b'name="host" tests="5"'))
        self.assertIn("testsuites: failures=\"3\" but its testsuites hold 2",
                      damaged(b'tests="7" failures="2"', b'tests="7" failures="3"'))
        self.assertTrue(any("no classname attribute" in p for p in
                            damaged(b'classname="parser" ', b"")))
        self.assertTrue(any("<failure> without a message" in p for p in
                            damaged(b'<failure message="EXPECT', b'<failure data="EXPECT')))
        self.assertTrue(any("time=\"soon\" is not seconds" in p for p in
                            damaged(b'time="5.100"', b'time="soon"')))
        self.assertTrue(any("<junk>" in p for p in
                            damaged(b"<properties>", b"<junk/><properties>")))
        self.assertTrue(results.check_junit(b"<testsuites><testsuite")[1][0]
                        .startswith("not well-formed XML"))
        self.assertEqual(results.check_junit(b"<testsuite/>")[1],
                         ["the root element is <testsuite>, not <testsuites>"])

    def test_empty_run(self):
        """A run that recorded nothing is still a valid document of zeros."""
        data = results.junit_bytes(Run())
        self.assertEqual(results.check_junit(data), (Counts(), []))
        self.assertEqual(ET.fromstring(data).get("tests"), "0")


class Json(unittest.TestCase):
    def setUp(self):
        self.doc = json.loads(json.dumps(results.to_json(sample_run())))

    def test_schema(self):
        """Every case with suite, name, status, duration (null when not
        known), relative log and diagnostics; counts and summary agree."""
        self.assertEqual(results.check_json(self.doc), [])
        self.assertEqual(self.doc["counts"],
                         {"passed": 3, "failed": 2, "skipped": 2, "total": 7})
        self.assertEqual(self.doc["summary"], "3 passed, 2 failed, 2 skipped")
        self.assertEqual((self.doc["complete"], self.doc["interrupted"], self.doc["partial"]),
                         (True, False, True))
        first = self.doc["cases"][0]
        self.assertEqual(first, {"suite": "host", "name": "lib.crc32.check_value",
                                 "status": "passed", "duration": None,
                                 "log": "build/test-logs/host.log", "diagnostics": []})
        self.assertIsNone(self.doc["cases"][4]["log"])     # no log, nor has its suite
        odd = [c for c in self.doc["cases"] if "red" in c["name"]][0]
        self.assertEqual(odd["name"], ODD)          # JSON keeps every character
        self.assertEqual([s["name"] for s in self.doc["suites"]],
                         ["host", "parser", "qemu", "qemu/harness-crash"])
        self.assertEqual(self.doc["suites"][2]["counts"]["total"], 0)

    def assertFinds(self, change, words):
        doc = json.loads(json.dumps(self.doc))
        change(doc)
        problems = results.check_json(doc)
        self.assertTrue(any(words in p for p in problems), (words, problems))

    def test_checker_finds_damage(self):
        """A wrong status, counts that disagree with the cases, a case of
        an unknown suite, an absolute log path, a missing key, a summary
        that lies: each named."""
        def status(doc):
            doc["cases"][0]["status"] = "ok"
        self.assertFinds(status, "status 'ok' is not one of")

        def counts(doc):
            doc["counts"]["failed"] = 1
        self.assertFinds(counts, "the run: counts say")

        def suite_counts(doc):
            doc["suites"][0]["counts"]["passed"] = 9
        self.assertFinds(suite_counts, "suite 'host': counts say")

        def orphan(doc):
            doc["cases"][-1]["suite"] = "qemu/nosuch"
        self.assertFinds(orphan, "suite 'qemu/nosuch' is not listed")

        def absolute(doc):
            doc["cases"][3]["log"] = "/tmp/host.log"
        self.assertFinds(absolute, "is not a relative path")

        def missing(doc):
            del doc["cases"][1]["diagnostics"]
        self.assertFinds(missing, "keys ['duration', 'log', 'name', 'status', 'suite']")

        def summary(doc):
            doc["summary"] = "7 passed, 0 failed"
        self.assertFinds(summary, "summary '7 passed, 0 failed' differs")

        def flag(doc):
            doc["complete"] = "yes"
        self.assertFinds(flag, "'complete' must be true or false")


class Writing(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.json = os.path.join(self.dir.name, "test-results.json")
        self.xml = os.path.join(self.dir.name, "test-results.xml")

    def tearDown(self):
        self.dir.cleanup()

    def test_write_and_read_back(self):
        """Both files written, nothing left beside them, and what they
        count equals the run."""
        run = sample_run()
        self.assertEqual(results.write(run, self.json, self.xml), [])
        self.assertEqual(sorted(os.listdir(self.dir.name)),
                         ["test-results.json", "test-results.xml"])
        with open(self.xml, "rb") as f:
            self.assertEqual(results.check_junit(f.read()), (run.counts(), []))
        with open(self.json) as f:
            self.assertEqual(json.load(f)["counts"], run.counts().to_json())

    def test_damaged_file_is_not_installed(self):
        """A writer that produced wrong totals is caught on reading back;
        the file from before stays, no temporary file is left."""
        with open(self.xml, "w") as f:
            f.write("before")
        real = results.junit_bytes
        results.junit_bytes = lambda run: real(run).replace(b'tests="7"', b'tests="8"', 1)
        try:
            problems = results.write(sample_run(), self.json, self.xml)
        finally:
            results.junit_bytes = real
        self.assertTrue(any('testsuites: tests="8" but its testsuites hold 7' in p
                            for p in problems), problems)
        with open(self.xml) as f:
            self.assertEqual(f.read(), "before")
        self.assertEqual(sorted(os.listdir(self.dir.name)),
                         ["test-results.json", "test-results.xml"])


if __name__ == "__main__":
    unittest.main()
