#!/usr/bin/env python3
"""Tests of tests/labs: how a lab page becomes a session and its checks.

Design. Each test writes a small lab page inline, so it reads as the
format it checks (docs/labs/README.md, "The format"): the boot parameters
line, the `zdk> ` lines of ```console blocks, the lab-expect and
lab-forbid comments, and the page errors that must stop a lab before it
boots. The log checks run on inline logs. The runner's main() is run
against a stand-in qemu-run (a small script writing the log it is told
to), for its output and exit codes; and every real page in docs/labs/
must parse. Run: `python3 -m unittest tests/test_labs.py`.
"""

import contextlib
import io
import os
import re
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from script_module import load_script  # noqa: E402

labs = load_script(os.path.join(HERE, "labs"), "labs")

PAGE = textwrap.dedent("""\
    # Lab 9: a lab

    **Boot parameters:** `zone_device.refs=regression` (and some words).

    ```console
    zdk> pin pmem0 0 1
    pinned 1 page(s) of pmem0 from pfn 0x100000 (refcount now 2) on CPU 0
    zdk> unpin
    unpinned 1 page(s)
    ```

    <!-- lab-expect: ^pinned 1 page\\(s\\) -->

    ```sh
    zdk> not typed: not a console block
    make run
    ```

    <!-- lab-expect:
    ^unpinned 1 page\\(s\\)
    count=-2
    -->
    <!-- lab-forbid: WARNING -->

    ## Check your answer

    ```console
    zdk> trace dump pgmap_count
    ```
    """)


def parse(text=PAGE):
    return labs.parse_lab(text, "09-a-lab", "")


class ParseTest(unittest.TestCase):
    def test_session_is_the_console_prompts_in_order_then_poweroff(self):
        lab = parse()
        self.assertEqual(lab.commands, ["pin pmem0 0 1", "unpin", "trace dump pgmap_count",
                                        "poweroff"])

    def test_poweroff_is_not_doubled(self):
        lab = parse(PAGE.replace("zdk> trace dump pgmap_count", "zdk> poweroff"))
        self.assertEqual(lab.commands[-2:], ["unpin", "poweroff"])

    def test_boot_parameters_from_the_first_code_span_with_ktest_none(self):
        self.assertEqual(parse().cmdline, "ktest=none zone_device.refs=regression")

    def test_boot_parameters_that_set_ktest_are_kept(self):
        lab = parse(PAGE.replace("`zone_device.refs=regression`", "`ktest=lib.crc32 x=1`"))
        self.assertEqual(lab.cmdline, "ktest=lib.crc32 x=1")

    def test_lab_cmdline_comment_overrides(self):
        lab = parse(PAGE + "<!-- lab-cmdline: memremap.teardown=v4.12 -->\n")
        self.assertEqual(lab.cmdline, "ktest=none memremap.teardown=v4.12")

    def test_expectations_single_and_block_in_page_order_with_lines(self):
        lab = parse()
        self.assertEqual([p.regex for p in lab.expects],
                         [r"^pinned 1 page\(s\)", r"^unpinned 1 page\(s\)", "count=-2"])
        lines = PAGE.splitlines()
        for p in lab.expects:
            self.assertIn(p.regex, lines[p.line - 1])
        self.assertEqual([p.regex for p in lab.forbids], ["WARNING"])

    def test_block_line_keeps_its_trailing_space(self):
        """A block's regex keeps the space that ends a value: value=1 is not value=16384."""
        lab = parse(PAGE + "<!-- lab-expect:\nphase=wait_begin value=1 \n-->\n")
        regex = lab.expects[-1].regex
        self.assertEqual(regex, "phase=wait_begin value=1 ")
        self.assertIsNone(re.search(regex, "phase=wait_begin value=16384 ~0"))
        self.assertIsNotNone(re.search(regex, "phase=wait_begin value=1 ~0"))

    def test_directives_inside_code_blocks_are_text(self):
        lab = parse(PAGE + "```text\n<!-- lab-expect: never -->\n<!-- lab-oops: x -->\n```\n")
        self.assertNotIn("never", [p.regex for p in lab.expects])

    def test_page_errors(self):
        cases = {
            "unknown directive 'lab-expects'": PAGE + "<!-- lab-expects: x -->\n",
            "bad regex": PAGE + "<!-- lab-expect: (unclosed -->\n",
            "nothing to type": PAGE.replace("zdk> ", "$ "),
            "nothing would be checked": PAGE.replace("lab-expect", "note"),
            "no 'Boot parameters": PAGE.replace("**Boot parameters:**", "Parameters:"),
            "without a `code span`": PAGE.replace("`zone_device.refs=regression`", "none"),
            "never closed": PAGE + "```console\nzdk> x\n",
            "an empty lab-forbid": PAGE + "<!-- lab-forbid: -->\n",
            "a second lab-cmdline": PAGE + "<!-- lab-cmdline: a -->\n<!-- lab-cmdline: b -->\n",
        }
        for message, text in cases.items():
            with self.subTest(message):
                with self.assertRaisesRegex(labs.LabError, message):
                    parse(text)


LOG = ("zdk> pin pmem0 0 1\r\npinned 1 page(s) of pmem0\r\nzdk> unpin\r\n"
       "unpinned 1 page(s)\r\n@trace d=1 n=0 pgmap_count count=-2\r\nzdk> poweroff\r\n")


class CheckLogTest(unittest.TestCase):
    def test_all_met_in_order(self):
        met, problems = labs.check_log(parse(), labs.clean_log(LOG))
        self.assertEqual((met, problems), (3, []))

    def test_out_of_order_says_it_matched_only_earlier(self):
        lab = parse(PAGE.replace("count=-2\n", "count=-2\n^zdk> pin pmem0\n"))
        met, problems = labs.check_log(lab, labs.clean_log(LOG))
        self.assertEqual(met, 3)
        self.assertRegex(problems[0], r"expectation 4 of 4 \(09-a-lab:\d+\) not met after log "
                                      r"line 5: /\^zdk> pin pmem0/ \(it matches only earlier, "
                                      r"at log line 1")

    def test_missing_says_nowhere_and_stops_at_the_first(self):
        log = labs.clean_log(LOG).replace("count=-2", "count=-3").replace("unpinned", "un")
        met, problems = labs.check_log(parse(), log)
        self.assertEqual(met, 1)
        self.assertEqual(len(problems), 1)
        self.assertIn("expectation 2 of 3", problems[0])
        self.assertIn("matches nowhere in the log", problems[0])

    def test_forbidden(self):
        met, problems = labs.check_log(parse(), labs.clean_log(LOG) + "WARNING: oops\n")
        self.assertEqual(met, 3)
        self.assertRegex(problems[0], r"forbidden .*/WARNING/ at log line 7: 'WARNING: oops'")


FAKE_QEMU_RUN = textwrap.dedent("""\
    import sys
    args = sys.argv[1:]
    value = lambda name: args[args.index(name) + 1]
    commands = open(value("--input")).read().splitlines()
    cmdline = value("--cmdline")
    if "setup" in cmdline:
        sys.exit(4)
    with open(value("--log"), "w") as log:
        log.write("cmdline " + cmdline + "\\r\\n")
        for c in commands:
            log.write("zdk> " + c + "\\r\\n")
            if c == "unpin":
                log.write("unpinned 1 page(s)\\r\\n")
            if c.startswith("pin "):
                log.write("pinned 1 page(s) of pmem0\\r\\n")
        if "crash" not in cmdline:
            log.write("@trace count=-2\\r\\n")
    sys.exit(2 if "crash" in cmdline else 0)
    """)


class MainTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.labs_dir = os.path.join(self.dir.name, "labs")
        os.mkdir(self.labs_dir)
        fake = os.path.join(self.dir.name, "qemu-run")
        with open(fake, "w") as f:
            f.write(FAKE_QEMU_RUN)
        old = labs.QEMU_RUN
        labs.QEMU_RUN = fake
        self.addCleanup(setattr, labs, "QEMU_RUN", old)

    def write(self, name, text):
        with open(os.path.join(self.labs_dir, name), "w") as f:
            f.write(text)

    def run_main(self, *args):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = labs.main(["--labs", self.labs_dir,
                              "--out", os.path.join(self.dir.name, "out"), *args])
        return code, out.getvalue()

    def test_pass_fail_and_a_bad_page(self):
        self.write("01-good.md", PAGE)
        self.write("02-bad.md", PAGE.replace("count=-2", "count=-7"))
        self.write("03-broken.md", PAGE.replace("lab-forbid", "lab-forbade"))
        self.write("README.md", "not a lab")
        code, out = self.run_main()
        self.assertEqual(code, 1)
        self.assertIn("1..3\n", out)
        self.assertRegex(out, r"ok 1 - 01-good \(4 commands, 3 expectations, \d+ s\)")
        self.assertIn("not ok 2 - 02-bad\n#   expectation 3 of 3", out)
        self.assertIn("/count=-7/ (it matches nowhere in the log)", out)
        self.assertRegex(out, r"#   log .*02-bad\.log")
        self.assertIn("not ok 3 - 03-broken\n#   ", out)
        self.assertIn("unknown directive 'lab-forbade'", out)
        self.assertIn("labs: 1 passed, 2 failed", out)
        with open(os.path.join(self.dir.name, "out", "01-good.input")) as f:
            self.assertEqual(f.read(), "devices wait\npin pmem0 0 1\nunpin\ntrace dump pgmap_count\n"
                                       "poweroff\n")

    def test_only_and_a_crash(self):
        self.write("01-good.md", PAGE)
        self.write("02-crash.md", PAGE.replace("`zone_device.refs=regression`", "`crash`"))
        code, out = self.run_main("--only", "02-*")
        self.assertEqual(code, 1)
        self.assertIn("1..1\n", out)
        self.assertIn("not ok 1 - 02-crash\n#   qemu-run ended with CRASH (exit 2)", out)

    def test_setup_error_stops_with_4(self):
        self.write("01-setup.md", PAGE.replace("`zone_device.refs=regression`", "`setup`"))
        self.write("02-good.md", PAGE)
        code, out = self.run_main()
        self.assertEqual(code, 4)
        self.assertIn("QEMU could not be started", out)
        self.assertNotIn("02-good", out)


class RealLabsTest(unittest.TestCase):
    def test_every_lab_page_parses(self):
        paths = labs.find_labs(labs.LABS_DIR, None)
        self.assertGreaterEqual(len(paths), 5)
        for path in paths:
            with self.subTest(os.path.basename(path)):
                lab = labs.load_lab(path)
                self.assertTrue(lab.cmdline.startswith("ktest=none"))
                self.assertEqual(lab.commands[-1], "poweroff")
                self.assertGreaterEqual(len(lab.expects), 5)


if __name__ == "__main__":
    unittest.main()
