#!/usr/bin/env python3
"""Tests of scripts/timeline.py and scripts/zdktrace/: the `trace dump` reader that draws timelines.

Design. Every log is written in the test itself, in the kernel's exact line
format (lib/trace_dump.c, docs/tracing.md), by a small builder that
computes each line's CRC. The stories are the four scenarios of
tests/timeline as the kernel records them (the event sequences of real
dumps: the same events, arguments and order, pmem0 cut down to a handful
of pages): the default mode's unbind waiting for a pinned page, legacy's
hooks, the regression mode's count going below zero, v4.12's memmap
removed under the pin. The tests check the parser (CRCs, prompts,
incomplete dumps), the model's counts and facts, the Chrome trace JSON
(through check_trace, which is itself tested on broken traces), the SVG
and the command line. Run: `python3 -m unittest tests/test_timeline.py`
(tests/test-all runs it in its parser step).
"""

import contextlib
import io
import json
import os
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
import zlib
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "scripts"))

import timeline  # noqa: E402
from zdktrace.check import check_trace  # noqa: E402
from zdktrace.chrome import to_chrome_trace  # noqa: E402
from zdktrace.dump import Event, TimelineError, is_hex_arg, parse_log, select_dump  # noqa: E402
from zdktrace.facts import facts  # noqa: E402
from zdktrace.model import build_model  # noqa: E402
from zdktrace.svg import to_svg  # noqa: E402

# the addresses and values of a real dump (build/timeline/*.log)
PG = 0xffff80001ded6190          # pmem0's struct dev_pagemap
REF = 0xffff80001ded6208         # its embedded percpu_ref
QUEUE = 0xffff80001ded60d0       # pmem0's request queue
QREF = 0xffff80001ded60d8        # the queue's percpu_ref (killed by the unbind's freeze)
MAP = 0xffff80001ded70c0         # the DAX mapping the unbind zaps
ADDR = 0x40000000                # the user address `pin pmem0 0 1 1` pins
PFN = 0x100000                   # pmem0's first page: the pinned one
BURIED = -1073741824             # a removed memmap's page after its late put: the bias
WARN_SWITCH = 0xffffffff80068c30  # percpu_ref's WARN: more puts than gets (line 139)
WARN_BURY = 0xffffffff800649e2    # the memmap removed under a pin (line 257)
WARN_LATE = 0xffffffff80064cf2    # a late put of a removed page (line 319)
PAGES = 4                        # pmem0's pages in the stories
HOOKED = ("legacy", "regression")
MS = 1_000_000
T0 = 5_000_000_000
STEP = 1000                      # ns between one story event and the next


def signed(line_body):
    """A dump line: the body and its CRC, as lib/trace_dump.c prints it."""
    return f"{line_body} ~{zlib.crc32(line_body.encode()):08x}"


def value_text(event, name, v):
    if isinstance(v, int) and is_hex_arg(event, name):
        return f"{v:#x}"
    return str(v)


class Log:
    """Builds one dump: ev() adds an event (STEP after the last unless t= or
    after() says when), lines() prints the dump, events holds the Events."""

    def __init__(self, d=1, cpus=2):
        self.d, self.cpus, self.bodies, self.events, self.t = d, cpus, [], [], T0 - STEP

    def after(self, dt):
        """The next event happens dt after the last."""
        self.t += dt - STEP
        return self

    def ev(self, cpu, event, t=None, **args):
        self.t = self.t + STEP if t is None else t
        fields = " ".join(f"{k}={value_text(event, k, v)}" for k, v in args.items())
        n = len(self.bodies)
        self.bodies.append(f"@trace d={self.d} n={n} cpu={cpu} t={self.t} {event} {fields}"
                           .rstrip())
        self.events.append(Event(n, cpu, self.t, event, dict(args)))
        return self

    def index(self, event, **args):
        """n= of the first event of that name with those arguments."""
        return next(e.n for e in self.events if e.name == event
                    and all(e.args.get(k) == v for k, v in args.items()))

    def begin(self):
        return signed(f"@trace d={self.d} begin cpus={self.cpus} size=65536 recording=24")

    def end(self, events=None, overwritten=0, skipped=0, stopped=None):
        events = len(self.bodies) if events is None else events
        return signed(f"@trace d={self.d} end events={events} overwritten={overwritten} "
                      f"skipped={skipped}" + ("" if stopped is None else f" stopped={stopped}"))

    def lines(self, **end):
        return [self.begin()] + [signed(b) for b in self.bodies] + [self.end(**end)]


# the kernel's sequences, one piece of a scenario each


def setup(log, mode, pages=PAGES):
    """memremap_pages(): every page at refcount 1; count 1 + pages, or 1 when hooked."""
    count = 1 if mode in HOOKED else 1 + pages
    log.ev(0, "pgmap_setup", pgmap=PG, ref=REF, count=count, pages=pages, name="pmem0")


def pin(log, mode, pfn=PFN, addr=ADDR):
    """`pin pmem0 PGOFF 1 1` on CPU 1: the DAX fault, then fast GUP: the lookup's
    pgmap reference (legacy's get hook too), the grab, the lookup's put, the pin."""
    log.ev(1, "queue_enter", queue=QUEUE, ret=0)
    log.ev(1, "queue_exit", queue=QUEUE)
    log.ev(1, "dax_fault", addr=addr, pfn=pfn, ret=0)
    log.ev(1, "pgmap_get", pgmap=PG, nr=1)
    if mode == "legacy":
        log.ev(1, "pgmap_get", pgmap=PG, nr=1)
    log.ev(1, "page_get", pfn=pfn, ref=2)
    log.ev(1, "pgmap_put", pgmap=PG, nr=1)
    log.ev(1, "gup_fast", addr=addr, nr=1, got=1)


def unpin_idle(log, pfn=PFN):
    """`unpin` on CPU 1 of a page the device still holds: 2 -> 1, nothing freed
    (the hooked modes' put hook drops the page's pgmap reference at 1)."""
    log.ev(1, "unpin", pfn=pfn, nr=1)
    log.ev(1, "page_put", pfn=pfn, ref=1)


def unbind_until_puts(log, puts):
    """The unbind on CPU 0: the queue frozen (its ref killed and released),
    then memunmap_pages() up to its `puts` phase (value: the pages let go of)."""
    log.ev(0, "queue_freeze", queue=QUEUE, frozen=1)
    log.ev(0, "ref_kill", ref=QREF)
    log.ev(0, "ref_atomic", ref=QREF)
    log.ev(0, "ref_confirm", ref=QREF, count=0)
    log.ev(0, "ref_release", ref=QREF)
    for phase in ("begin", "unmap"):
        log.ev(0, "teardown", phase=phase, pgmap=PG, value=0)
    log.ev(0, "dax_zap", map=MAP, bytes=0x1000)
    log.ev(0, "teardown", phase="kill", pgmap=PG, value=0)
    log.ev(0, "ref_kill", ref=REF)
    log.ev(0, "ref_atomic", ref=REF)
    log.ev(0, "teardown", phase="puts", pgmap=PG, value=puts)


def put_loop(log, pages, pinned=PFN):
    """The device's holds dropped: each idle page's final put, page_free and
    pgmap_put (the pinned page goes 2 -> 1, unrecorded)."""
    for pfn in range(PFN, PFN + pages):
        if pfn != pinned:
            log.ev(0, "page_free", pfn=pfn, pgmap=PG)
            log.ev(0, "pgmap_put", pgmap=PG, nr=1)


def wait_begins(log, count):
    """The kill's switch lands, the count is read, the wait starts from it."""
    log.ev(0, "ref_confirm", ref=REF, count=count)
    log.ev(0, "pgmap_count", pgmap=PG, count=count, name="pmem0")
    log.ev(0, "teardown", phase="wait_begin", pgmap=PG, value=count)


def phases(log, *names, value=0):
    for phase in names:
        log.ev(0, "teardown", phase=phase, pgmap=PG, value=value)


def late_unpin(log):
    """The unpin of a page whose memmap was removed: a late put, caught."""
    log.ev(1, "unpin", pfn=PFN, nr=1)
    log.ev(1, "page_put", pfn=PFN, ref=BURIED)
    log.ev(1, "late_access", pfn=PFN, put=1)
    log.ev(1, "warn", at=WARN_LATE, line=319)


# the four scenarios of tests/timeline


def default_story(pages=PAGES):
    """zone_device.refs=single: the pin on CPU 1 outlives the put loop; the wait
    ends when the unpin's final put (page_free, pgmap_put) releases the ref."""
    log = Log()
    setup(log, "default", pages)
    pin(log, "default")
    unbind_until_puts(log.after(2 * MS), puts=pages)
    put_loop(log, pages)
    wait_begins(log, 1)
    log.after(8 * MS).ev(1, "unpin", pfn=PFN, nr=1)
    log.ev(1, "page_put", pfn=PFN, ref=0)
    log.ev(1, "page_free", pfn=PFN, pgmap=PG)
    log.ev(1, "pgmap_put", pgmap=PG, nr=1)
    log.ev(1, "ref_release", ref=REF)
    phases(log.after(500_000), "wait_end", "remove", "rcu", "end")
    return log


def legacy_story(pages=PAGES):
    """zone_device.refs=legacy: a pgmap reference per pinned page (the get hook),
    no put loop; the unpin's put hook drops it and releases the ref."""
    log = Log()
    setup(log, "legacy", pages)
    pin(log, "legacy")
    unbind_until_puts(log.after(2 * MS), puts=0)
    wait_begins(log, 1)
    unpin_idle(log.after(8 * MS))
    log.ev(1, "pgmap_put", pgmap=PG, nr=1)
    log.ev(1, "ref_release", ref=REF)
    phases(log.after(500_000), "wait_end", "remove", "rcu", "end")
    return log


def regression_story(pages=PAGES):
    """zone_device.refs=regression: two pin cycles each put a pgmap reference
    fast GUP never got; the kill's switch finds -2 and WARNs, the wait gives
    up, the memmap goes under the third pin, whose unpin is a late put."""
    log = Log()
    setup(log, "regression", pages)
    for _ in range(2):
        pin(log, "regression")
        unpin_idle(log)
        log.ev(1, "pgmap_put", pgmap=PG, nr=1)
    pin(log, "regression")
    unbind_until_puts(log.after(3 * MS), puts=0)
    log.ev(0, "warn", at=WARN_SWITCH, line=139)
    wait_begins(log, -2)
    log.after(8 * MS).ev(0, "pgmap_count", pgmap=PG, count=-2, name="pmem0")
    phases(log, "wait_end", value=-2)
    phases(log, "remove")
    log.ev(0, "warn", at=WARN_BURY, line=257)
    phases(log, "rcu", "end")
    late_unpin(log.after(10 * MS))
    return log


def v412_story(pages=PAGES):
    """memremap.teardown=v4.12: the memmap is removed before the wait, under the
    pin; the unpin is a late put whose pgmap reference ends the wait."""
    log = Log()
    setup(log, "v4.12", pages)
    pin(log, "v4.12")
    unbind_until_puts(log.after(2 * MS), puts=pages)
    put_loop(log, pages)
    phases(log, "remove")
    log.ev(0, "warn", at=WARN_BURY, line=257)
    wait_begins(log, 1)
    late_unpin(log.after(8 * MS))
    log.ev(1, "pgmap_put", pgmap=PG, nr=1)
    log.ev(1, "ref_release", ref=REF)
    phases(log.after(500_000), "wait_end", "rcu", "end")
    return log


STORIES = {"default": default_story, "legacy": legacy_story,
           "regression": regression_story, "v4.12": v412_story}


def load(lines, **kw):
    """Parse lines, pick a dump, build its model: (dump, model, problems)."""
    dumps, problems = parse_log(lines)
    dump = select_dump(dumps, **kw)
    return dump, build_model(dump.events), problems


def story_facts(log):
    dump, model, _ = load(log.lines())
    return facts(model, dump)


def story_trace(log):
    dump, model, _ = load(log.lines())
    return to_chrome_trace(model, dump)


def counts(log):
    """The pgmap's modelled count at each change."""
    return [v for _, v in load(log.lines())[1].pgmaps[PG].counts]


def lives(log):
    """Its live pages at each change."""
    return [v for _, v in load(log.lines())[1].pgmaps[PG].lives]


class Parsing(unittest.TestCase):
    def test_values(self):
        """Hex, negative decimal and names parse to int, int and str; setup's five arguments."""
        log = Log()
        setup(log, "default")
        log.ev(1, "page_put", pfn=PFN, ref=BURIED)
        dump, _, problems = load(log.lines())
        self.assertEqual(problems, [])
        self.assertEqual(dump.events[0].args, {"pgmap": PG, "ref": REF, "count": PAGES + 1,
                                               "pages": PAGES, "name": "pmem0"})
        self.assertEqual(dump.events[1], Event(1, 1, T0 + STEP, "page_put",
                                               {"pfn": PFN, "ref": BURIED}))

    def test_phase_names_are_strings(self):
        """phase=wait_begin stays the phase's name."""
        log = Log()
        wait_begins(log, 1)
        dump, _, _ = load(log.lines())
        self.assertEqual(dump.events[2].args, {"phase": "wait_begin", "pgmap": PG, "value": 1})

    def test_crc_mismatch_dropped_and_reported(self):
        """A line whose text no longer matches its CRC is dropped, its line number named."""
        log = Log()
        pin(log, "default")
        n = log.index("page_get")
        lines = log.lines()
        lines[n + 1] = lines[n + 1].replace("ref=2", "ref=5")
        dumps, problems = parse_log(lines)
        self.assertEqual(len(problems), 1)
        self.assertIn(f"line {n + 2}", problems[0])
        self.assertIn("CRC mismatch", problems[0])
        self.assertNotIn(n, [e.n for e in dumps[0].events])

    def test_truncated_line_reported(self):
        """A line cut before its CRC is reported, not parsed."""
        log = Log()
        pin(log, "default")
        lines = log.lines()
        lines[1] = lines[1][:20]
        _, problems = parse_log(lines)
        self.assertIn("line 2", problems[0])
        self.assertIn("truncated", problems[0])

    def test_line_after_prompt(self):
        """'@trace' after a prompt on the same serial line is found."""
        log = Log()
        pin(log, "default")
        lines = log.lines()
        lines[0] = "zdk> " + lines[0] + "\r"
        dump, _, problems = load(["zdk> trace dump\r"] + lines)
        self.assertEqual(problems, [])
        self.assertEqual(dump.begin["cpus"], 2)

    def test_other_kernel_lines_ignored(self):
        """printk lines and WARNINGs between the dump's lines are noise."""
        lines = regression_story().lines()
        lines.insert(1, "[    0.270173] pmem0: zapped 4 KiB of DAX mappings")
        lines.insert(2, "[    0.279151] WARNING: percpu_ref 0xffff80001ded6208 (release "
                        "pgmap_ref_release): count -1 after the switch to atomic mode (per-CPU "
                        "sum -2): more puts than gets at mm/percpu_ref.c:139")
        dump, _, problems = load(lines)
        self.assertEqual((problems, len(dump.events)), ([], len(regression_story().bodies)))


class Completeness(unittest.TestCase):
    def refusal(self, lines, **kw):
        dumps, _ = parse_log(lines)
        with self.assertRaises(TimelineError) as cm:
            select_dump(dumps, **kw)
        return str(cm.exception)

    def test_gap_refused(self):
        """A missing n= line makes the dump incomplete, the gap named."""
        lines = default_story().lines()
        del lines[3:5]                                 # n=2 and n=3
        self.assertIn("n=2..3", self.refusal(lines))

    def test_crc_damage_leaves_a_gap(self):
        """A dropped damaged event line shows as its n= missing."""
        lines = default_story().lines()
        lines[4] = lines[4].replace("cpu=1", "cpu=0")
        self.assertIn("n=3", self.refusal(lines))

    def test_missing_end_refused(self):
        """No end line: refused, saying so."""
        self.assertIn("no end line", self.refusal(default_story().lines()[:-1]))

    def test_missing_begin_refused(self):
        """No begin line: refused, saying so."""
        self.assertIn("no begin line", self.refusal(default_story().lines()[1:]))

    def test_overwritten_refused(self):
        """Events lost to a full ring: refused, naming overwritten=."""
        self.assertIn("overwritten=7", self.refusal(default_story().lines(overwritten=7)))

    def test_skipped_refused(self):
        """Entries still being written as the dump passed: refused, naming skipped=."""
        self.assertIn("skipped=2", self.refusal(default_story().lines(skipped=2)))

    def test_stopped_refused(self):
        """A dump stopped by Ctrl-C (its n= run complete so far): refused, naming stopped=."""
        self.assertIn("stopped=40", self.refusal(default_story().lines(stopped=40)))

    def test_events_count_beyond_lines(self):
        """An end line counting more events than printed names the missing n=."""
        log = default_story()
        self.assertIn(f"n={len(log.bodies)}", self.refusal(log.lines(events=len(log.bodies) + 1)))

    def test_no_dump(self):
        """A log without any dump is an error that says what to do."""
        self.assertIn("trace dump", self.refusal(["zdk> help"]))

    def test_allow_incomplete(self):
        """--allow-incomplete draws it anyway, with a note."""
        dumps, _ = parse_log(default_story().lines()[:-1])
        notes = []
        dump = select_dump(dumps, allow_incomplete=True, notes=notes)
        self.assertIsNone(dump.end)
        self.assertIn("no end line", notes[0])

    def test_last_complete_dump_by_default(self):
        """The last complete dump wins; later incomplete ones are passed over with a note."""
        lines = Log(d=1).ev(0, "page_free", pfn=PFN, pgmap=PG).lines()
        lines += Log(d=2).ev(0, "page_free", pfn=PFN, pgmap=PG).lines()
        lines += Log(d=3).ev(0, "page_free", pfn=PFN, pgmap=PG).lines(skipped=1)
        lines += Log(d=4).ev(0, "page_free", pfn=PFN, pgmap=PG).lines()[:-1]
        dumps, _ = parse_log(lines)
        notes = []
        self.assertEqual(select_dump(dumps, notes=notes).d, 2)
        self.assertIn("d=4 is incomplete", notes[0])

    def test_dump_option(self):
        """--dump N picks d=N, and refuses a number that is not there."""
        lines = Log(d=1).ev(0, "page_free", pfn=PFN, pgmap=PG).lines()
        lines += Log(d=2).ev(0, "page_free", pfn=PFN, pgmap=PG).lines()
        dumps, _ = parse_log(lines)
        self.assertEqual(select_dump(dumps, number=1).d, 1)
        self.assertIn("no dump d=7", self.refusal(lines, number=7))


def trace_on_later():
    """`trace on` after pmem0's setup: the snapshot pgmap_count, no setup, then
    the unbind (the queue's ref_kill first, the pgmap's after its kill phase)."""
    log = Log()
    log.ev(0, "pgmap_count", pgmap=PG, count=PAGES + 1, name="pmem0")
    unbind_until_puts(log, puts=PAGES)
    return log


class Model(unittest.TestCase):
    def test_default_story_wait_outlasts_unpin(self):
        """The unbind's wait ends after the last unpin; the count reaches 0, never below."""
        f = story_facts(default_story())
        self.assertGreater(f["wait_end_ns"], f["last_unpin_ns"])
        self.assertLess(f["wait_begin_ns"], f["first_unpin_ns"])
        self.assertEqual(f["min_pgmap_count"], {"pmem0": 0})
        self.assertEqual((f["warnings"], f["warn_lines"], f["late_accesses"]), (0, [], 0))

    def test_default_story_cpus(self):
        """The pin ran on CPU 1, the teardown on CPU 0."""
        f = story_facts(default_story())
        self.assertEqual((f["cpus"], f["pin_cpus"], f["teardown_cpu"]), ([0, 1], [1], 0))

    def test_default_story_release(self):
        """The ref's release comes between the unpin and the wait's end."""
        f = story_facts(default_story())
        self.assertTrue(f["last_unpin_ns"] < f["release_ns"] < f["wait_end_ns"])

    def test_times_relative_to_first_event(self):
        """Facts count from the first event (the setup at T0)."""
        log = default_story()
        f = story_facts(log)
        self.assertEqual(f["first_unpin_ns"], log.events[log.index("unpin")].t_ns - T0)
        self.assertEqual((f["dump"], f["events"]), (1, len(log.bodies)))

    def test_count_steps(self):
        """Each mode's count step by step: setup, GUP's lookup (and hook), unpins, kill, puts."""
        expected = {"default": [5, 6, 5, 4, 3, 2, 1, 0],        # ... put loop, the unpin's free
                    "legacy": [1, 2, 3, 2, 1, 0],               # lookup + hook, kill, put hook
                    "regression": [1, 2, 1, 0, 1, 0, -1, 0, -1, -2],
                    "v4.12": [5, 6, 5, 4, 3, 2, 1, 0]}          # the late put drops the last
        for mode, story in STORIES.items():
            with self.subTest(mode=mode):
                self.assertEqual(counts(story()), expected[mode])

    def test_ref_from_setup(self):
        """The setup's ref= is the pgmap's ref; the queue's, killed by the freeze, is not."""
        _, m, _ = load(default_story().lines())
        self.assertEqual(m.ref_owner, {REF: PG})
        self.assertEqual(m.pgmaps[PG].ref, REF)

    def test_ref_follows_kill_phase(self):
        """Without a setup, the ref_kill after the kill phase on its CPU is the pgmap's."""
        _, m, _ = load(trace_on_later().lines())
        self.assertEqual(m.ref_owner, {REF: PG})
        self.assertEqual(counts(trace_on_later()), [PAGES + 1, PAGES])

    def test_ref_kill_elsewhere_not_taken(self):
        """A queue's ref killed on another CPU after the kill phase is not the pgmap's."""
        log = Log().ev(0, "pgmap_count", pgmap=PG, count=PAGES + 1, name="pmem0")
        log.ev(0, "teardown", phase="kill", pgmap=PG, value=0)
        log.ev(1, "ref_kill", ref=QREF)
        _, m, _ = load(log.lines())
        self.assertEqual(m.ref_owner, {})

    def test_confirm_sets_count(self):
        """With pgmap_get/put not traced, the ref_confirm of the setup's ref gives the count."""
        log = Log()                                    # trace=pgmap_setup,ref_*,teardown
        setup(log, "default")
        log.ev(0, "teardown", phase="kill", pgmap=PG, value=0)
        log.ev(0, "ref_kill", ref=REF).ev(0, "ref_atomic", ref=REF)
        log.ev(0, "ref_confirm", ref=REF, count=1)
        self.assertEqual(counts(log), [PAGES + 1, PAGES, 1])

    def test_late_start_is_relative(self):
        """A pgmap first seen in a put (trace on without pgmap_count) starts at 0, relative."""
        log = Log().ev(0, "pgmap_put", pgmap=PG, nr=1)
        _, m, _ = load(log.lines())
        pg = m.pgmaps[PG]
        self.assertEqual([v for _, v in pg.counts], [0, -1])
        self.assertEqual(pg.count_track, f"pgmap {PG:#x} refs (relative)")
        self.assertEqual(pg.live_track, f"{PG:#x} live pages (relative)")

    def test_trace_on_snapshot_named(self):
        """The pgmap_count of `trace on` gives the count and the name."""
        _, m, _ = load(trace_on_later().lines())
        self.assertEqual(m.pgmaps[PG].count_track, "pgmap pmem0 refs")

    def test_live_pages(self):
        """Setup's pages= are live in every mode; only page_free (a final put) removes one."""
        expected = {"default": [4, 3, 2, 1, 0],         # the put loop's 3, then the unpin's
                    "legacy": [4], "regression": [4],    # idle pages stay at 1: never freed
                    "v4.12": [4, 3, 2, 1]}               # the pinned page is buried, not freed
        for mode, story in STORIES.items():
            with self.subTest(mode=mode):
                self.assertEqual(lives(story()), expected[mode])
        _, m, _ = load(default_story().lines())
        self.assertEqual(m.pgmaps[PG].live_track, "pmem0 live pages")

    def test_live_pages_old_setup(self):
        """A dump from before pages= (a 4-argument setup): count - 1 pages live."""
        for count, live in ((PAGES + 1, PAGES), (1, 0)):
            with self.subTest(count=count):
                log = Log().ev(0, "pgmap_setup", pgmap=PG, ref=REF, count=count, name="pmem0")
                self.assertEqual(lives(log), [live])

    def test_regression_story(self):
        """The count goes below zero: min -2, three WARNs by line, one late access, no release."""
        f = story_facts(regression_story())
        self.assertEqual(f["min_pgmap_count"], {"pmem0": -2})
        self.assertEqual((f["warnings"], f["warn_lines"], f["late_accesses"]),
                         (3, [139, 257, 319], 1))
        self.assertIsNone(f["release_ns"])
        self.assertEqual(f["wait_begin_count"], -2)

    def test_wait_and_remove_facts(self):
        """The wait's starting count and the removal: after the wait by default, before in v4.12."""
        f = story_facts(default_story())
        self.assertEqual(f["wait_begin_count"], 1)
        self.assertGreater(f["remove_ns"], f["wait_end_ns"])
        f = story_facts(v412_story())
        self.assertEqual(f["wait_begin_count"], 1)
        self.assertLess(f["remove_ns"], f["wait_begin_ns"])
        self.assertEqual((f["warn_lines"], f["late_accesses"]), ([257, 319], 1))

    def test_no_teardown_facts_null(self):
        """Without a teardown the wait's and the removal's facts are null."""
        log = Log()
        pin(log, "default")
        f = story_facts(log)
        self.assertEqual((f["wait_begin_ns"], f["wait_begin_count"], f["wait_end_ns"],
                          f["remove_ns"], f["teardown_cpu"]), (None,) * 5)

    def test_out_of_order_lines_sorted(self):
        """Events are replayed by t=, not by their order in the dump."""
        log = Log().ev(0, "pgmap_get", t=T0 + 20, pgmap=PG, nr=1)
        setup(log.after(-2 * STEP), "default")
        self.assertEqual(counts(log), [PAGES + 1, PAGES + 2])


def pin_log(order):
    """Pages A and B pinned on CPU 1 (A first), then unpinned in the given order."""
    log = Log()
    setup(log, "default")
    pin(log, "default", PFN, ADDR)
    pin(log, "default", PFN + 1, ADDR + 0x1000)
    for pfn in order:
        unpin_idle(log, pfn)
    return log


class Flows(unittest.TestCase):
    def flows(self, log):
        trace = story_trace(log)
        starts = {e["id"]: e for e in trace["traceEvents"] if e["ph"] == "s"}
        ends = {e["id"]: e for e in trace["traceEvents"] if e["ph"] == "f"}
        return starts, ends

    def test_pin_to_unpin(self):
        """The default story's pin on CPU 1 flows to its unpin 8 ms later."""
        log = default_story()
        starts, ends = self.flows(log)
        self.assertEqual(list(starts), list(ends))
        (fid,) = starts
        self.assertEqual((starts[fid]["tid"], ends[fid]["tid"]), (1, 1))
        gap = log.events[log.index("unpin")].t_ns - log.events[log.index("gup_fast")].t_ns
        self.assertEqual(ends[fid]["ts"] - starts[fid]["ts"], gap / 1000)
        self.assertEqual(ends[fid]["bp"], "e")

    def test_matched_by_pfn(self):
        """Unpins in the reverse order still pair with the pins of their pfns."""
        _, m, _ = load(pin_log([PFN + 1, PFN]).lines())
        pairs = [(p.pfn, m.events[p.unpin].args["pfn"]) for p in m.pins]
        self.assertEqual(pairs, [(PFN, PFN), (PFN + 1, PFN + 1)])

    def test_matched_by_order_without_pfn(self):
        """With page events off (trace=gup_*), a pin takes the first unpin after it."""
        log = Log().ev(1, "gup_slow", addr=ADDR, nr=1, got=1).ev(1, "unpin", pfn=PFN, nr=1)
        _, m, _ = load(log.lines())
        self.assertEqual((m.pins[0].pfn, m.pins[0].unpin), (None, 1))

    def test_undone_pages_not_pinned(self):
        """A walk keeps A, gives B's 2 MiB leaf back (gup_undo nr=3): pins A; the slow path, B."""
        a, b, leaf = PFN + 0x1ff, PFN + 0x200, ADDR + 0x200000
        log = Log()
        setup(log, "default", pages=1024)
        log.ev(1, "pgmap_get", pgmap=PG, nr=1)
        for pfn in (a, b, b + 1, b + 2):
            log.ev(1, "page_get", pfn=pfn, ref=2)
        log.ev(1, "gup_undo", pfn=b, addr=leaf, nr=3)
        log.ev(1, "pgmap_put", pgmap=PG, nr=1)
        log.ev(1, "gup_fast", addr=leaf - 0x1000, nr=4, got=1)
        log.ev(1, "queue_enter", queue=QUEUE, ret=0).ev(1, "queue_exit", queue=QUEUE)
        log.ev(1, "dax_fault", addr=leaf, pfn=b, ret=9)
        log.ev(1, "pgmap_get", pgmap=PG, nr=1)
        for pfn in (b, b + 1, b + 2):
            log.ev(1, "page_get", pfn=pfn, ref=2)
        log.ev(1, "pgmap_put", pgmap=PG, nr=1)
        log.ev(1, "gup_slow", addr=leaf, nr=3, got=3)
        _, m, _ = load(log.lines())
        self.assertEqual([p.pfn for p in m.pins], [a, b])

    def test_failed_pin_has_no_flow(self):
        """A pin that got nothing (the fault failed: -EFAULT) is no pin."""
        log = Log().ev(1, "dax_fault", addr=ADDR, pfn=0, ret=-14)
        log.ev(1, "gup_slow", addr=ADDR, nr=1, got=-14)
        self.assertEqual(self.flows(log), ({}, {}))
        self.assertEqual(load(log.lines())[1].pins, [])


class ChromeTrace(unittest.TestCase):
    def names(self, trace, ph):
        return [e["name"] for e in trace["traceEvents"] if e["ph"] == ph]

    def test_stories_pass_check(self):
        """Each mode's story gives JSON with no format problem."""
        for mode, story in STORIES.items():
            with self.subTest(mode=mode):
                self.assertEqual(check_trace(story_trace(story())), [])

    def test_unfinished_teardown_closed(self):
        """A dump taken mid-wait still closes every B (at the last event)."""
        log = default_story()
        log.bodies = log.bodies[:-4]
        trace = story_trace(log)
        self.assertEqual(check_trace(trace), [])
        self.assertIn("wait (1 pinned)", self.names(trace, "E"))

    def test_teardown_slices(self):
        """One teardown slice with its phases nested, the wait named by its pins."""
        trace = story_trace(default_story())
        self.assertEqual(self.names(trace, "B"),
                         ["teardown pmem0", "begin", "unmap", "kill", "puts", "wait (1 pinned)",
                          "remove", "rcu"])
        self.assertEqual(sorted(self.names(trace, "E")), sorted(self.names(trace, "B")))

    def test_tracks(self):
        """A thread per CPU, the counters named after the pgmap, ts in µs from 0."""
        trace = story_trace(default_story())
        threads = [e["args"]["name"] for e in trace["traceEvents"] if e["name"] == "thread_name"]
        self.assertEqual(threads, ["CPU 0", "CPU 1"])
        self.assertEqual(set(self.names(trace, "C")), {"pgmap pmem0 refs", "pmem0 live pages"})
        self.assertEqual(trace["displayTimeUnit"], "ns")
        timed = [e for e in trace["traceEvents"] if e["ph"] != "M"]
        self.assertEqual(timed[0]["ts"], 0)

    def test_raw_args(self):
        """Args carry the raw values, pfns as hex strings."""
        log = default_story()
        trace = story_trace(log)
        put = next(e for e in trace["traceEvents"] if e["name"] == "page_put")
        self.assertEqual(put["args"], {"n": log.index("page_put"), "pfn": "0x100000", "ref": 0})

    def test_warn_and_late_access_global(self):
        """WARNs and the late access are global instants with their at/pfn."""
        trace = story_trace(regression_story())
        glob = [e for e in trace["traceEvents"] if e.get("s") == "g"]
        self.assertEqual([e["name"] for e in glob],
                         ["WARN", "WARN", "late put of a removed page", "WARN"])
        self.assertEqual(glob[0]["args"]["at"], f"{WARN_SWITCH:#x}")
        self.assertEqual(glob[2]["args"]["pfn"], "0x100000")


def trace_of(*events):
    return {"traceEvents": list(events), "displayTimeUnit": "ns"}


def ev(ph, ts, name="x", tid=0, **extra):
    return dict(name=name, ph=ph, ts=ts, pid=1, tid=tid, **extra)


class CheckTrace(unittest.TestCase):
    def assertProblem(self, trace, words):
        problems = check_trace(trace)
        self.assertTrue(any(words in p for p in problems), problems)

    def test_valid(self):
        """Nested B/E, an instant, a counter and a flow: no problem."""
        trace = trace_of(ev("B", 0, "a"), ev("B", 1, "b"), ev("i", 1, s="t"), ev("E", 2, "b"),
                         ev("E", 3, "a"), {"name": "c", "ph": "C", "ts": 0, "pid": 1,
                                           "args": {"v": 1}},
                         ev("s", 1, "p", tid=1, id=1), ev("f", 2, "p", tid=1, id=1, bp="e"))
        self.assertEqual(check_trace(trace), [])

    def test_unmatched_begin(self):
        """A B never ended is caught."""
        self.assertProblem(trace_of(ev("B", 0, "a")), "B with no matching E")

    def test_unmatched_end(self):
        """An E with nothing open is caught."""
        self.assertProblem(trace_of(ev("E", 0, "a")), "E with no open B")

    def test_wrong_stack_order(self):
        """Ending the outer slice before the inner one is caught."""
        trace = trace_of(ev("B", 0, "a"), ev("B", 1, "b"), ev("E", 2, "a"), ev("E", 3, "b"))
        self.assertProblem(trace, "out of stack order")

    def test_decreasing_ts(self):
        """ts going back on one track is caught; on two tracks it is fine."""
        self.assertProblem(trace_of(ev("i", 5), ev("i", 4)), "before 5")
        self.assertEqual(check_trace(trace_of(ev("i", 5), ev("i", 4, tid=1))), [])

    def test_missing_field(self):
        """An event without pid or tid, or with a string ts, is caught."""
        no_pid = {"name": "x", "ph": "i", "ts": 0, "tid": 0}
        self.assertProblem(trace_of(no_pid), "no pid")
        self.assertProblem(trace_of({"name": "x", "ph": "i", "ts": 0, "pid": 1}), "no tid")
        self.assertProblem(trace_of(ev("i", "0")), "ts is not a number")

    def test_counter_args_numeric(self):
        """A counter with a string value is caught."""
        bad = {"name": "c", "ph": "C", "ts": 0, "pid": 1, "args": {"v": "1"}}
        self.assertProblem(trace_of(bad), "counter args must be numbers")

    def test_flow_needs_both_ends(self):
        """A flow start without its end is caught."""
        self.assertProblem(trace_of(ev("s", 0, "p", id=3)), "'s' without 'f'")

    def test_not_a_trace(self):
        """Something else than a trace object is said to be so."""
        self.assertEqual(check_trace({"events": []}), ["no traceEvents list"])


def pin_cycles(n):
    """n pin/unpin cycles on CPU 1: page events never more than 3 in a row."""
    log = Log()
    setup(log, "default")
    for _ in range(n):
        pin(log, "default")
        unpin_idle(log)
    return log


class Svg(unittest.TestCase):
    def svg(self, log, title="test"):
        _, m, _ = load(log.lines())
        return to_svg(m, title)

    def test_well_formed(self):
        """The SVG parses as XML and is an <svg> of about 900x360."""
        root = ET.fromstring(self.svg(default_story(), "default <mode>"))
        self.assertEqual(root.tag, "{http://www.w3.org/2000/svg}svg")
        self.assertEqual((root.get("width"), root.get("height")), ("900", "360"))

    def test_wait_bar(self):
        """The unbind's wait is a bar labelled "unbind waits"."""
        svg = self.svg(default_story())
        self.assertIn("unbind waits", svg)
        self.assertIn("<rect", svg)

    def test_labels_and_title(self):
        """The title, pin, unpin and kill labels are there; no external resource."""
        svg = self.svg(default_story(), "default mode")
        for word in ("default mode", ">pin<", ">unpin<", ">kill<", ">release<"):
            self.assertIn(word, svg)
        self.assertNotIn("http://", svg.replace("http://www.w3.org/2000/svg", ""))

    def test_negative_min_labelled(self):
        """The regression's -2 is labelled, the WARN too."""
        svg = self.svg(regression_story())
        self.assertIn("min -2", svg)
        self.assertIn(">WARN<", svg)

    def test_small_with_many_puts(self):
        """A 30000-page put loop (60000 events) folds into one bar; the SVG stays under 300 KB."""
        svg = to_svg(build_model(default_story(pages=30001).events), "many puts")
        ET.fromstring(svg)
        self.assertLess(len(svg.encode()), 300_000)
        self.assertIn("30000 pages freed", svg)

    def test_small_without_runs(self):
        """3500 pin cycles (no dense run to fold): ticks merge per pixel, still small."""
        svg = to_svg(build_model(pin_cycles(3500).events), "pin cycles")
        ET.fromstring(svg)
        self.assertLess(len(svg.encode()), 300_000)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class CommandLine(unittest.TestCase):
    def run_main(self, lines, *args):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "serial.log")
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    status = timeline.main([path, *[a.replace("TMP", tmp) for a in args]])
                except SystemExit as e:
                    status = e.code
            files = {name: read(os.path.join(tmp, name)) for name in os.listdir(tmp)}
        return status, out.getvalue(), err.getvalue(), files

    def test_facts(self):
        """--facts prints the facts as JSON, exit 0."""
        status, out, _, _ = self.run_main(v412_story().lines(), "--facts")
        self.assertEqual(status, 0)
        f = json.loads(out)
        self.assertEqual(f["min_pgmap_count"], {"pmem0": 0})
        self.assertEqual((f["wait_begin_count"], f["warn_lines"]), (1, [257, 319]))
        self.assertLess(f["remove_ns"], f["wait_begin_ns"])

    def test_json_svg_check(self):
        """--json, --svg and --check write both files and pass."""
        status, _, err, files = self.run_main(default_story().lines(), "--json", "TMP/t.json",
                                              "--svg", "TMP/t.svg", "--check", "--title", "T")
        self.assertEqual((status, err), (0, ""))
        self.assertEqual(check_trace(json.loads(files["t.json"])), [])
        self.assertIn(">T<", files["t.svg"])

    def test_incomplete_exit_1(self):
        """An incomplete dump exits 1 saying what is missing."""
        status, _, err, _ = self.run_main(default_story().lines()[:-1], "--facts")
        self.assertEqual(status, 1)
        self.assertIn("no end line", err)

    def test_bad_line_reported_on_stderr(self):
        """A damaged line is named on stderr; --allow-incomplete goes on."""
        log = default_story()
        n = log.index("page_get")
        lines = log.lines()
        lines[n + 1] = lines[n + 1].replace("ref=2", "ref=3")
        status, out, err, _ = self.run_main(lines, "--allow-incomplete", "--facts")
        self.assertEqual(status, 0)
        self.assertIn(f"line {n + 2}: CRC mismatch", err)
        self.assertEqual(json.loads(out)["events"], len(log.bodies) - 1)

    def test_failed_check_exit_1(self):
        """--check exits 1 and names the problem when the JSON breaks a rule."""
        broken = {"traceEvents": [ev("B", 0, "open")], "displayTimeUnit": "ns"}
        with mock.patch.object(timeline, "to_chrome_trace", return_value=broken):
            status, _, err, _ = self.run_main(default_story().lines(), "--check")
        self.assertEqual(status, 1)
        self.assertIn("B with no matching E", err)

    def test_usage_exit_2(self):
        """A bad option or an unreadable log is a usage error: exit 2."""
        with contextlib.redirect_stderr(io.StringIO()):
            self.assertEqual(self.run_main([], "--dump", "x")[0], 2)
            self.assertEqual(timeline.main(["/nonexistent/serial.log"]), 2)

    def test_summary(self):
        """With no output option a short summary is printed."""
        status, out, _, _ = self.run_main(default_story().lines())
        self.assertEqual(status, 0)
        self.assertIn("unbind wait", out)


if __name__ == "__main__":
    unittest.main()
