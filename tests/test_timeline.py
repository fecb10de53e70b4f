#!/usr/bin/env python3
"""Tests of scripts/timeline.py and scripts/zdktrace/: the `trace dump` reader that draws timelines.

Design. Every log is written in the test itself, in the kernel's exact line
format (lib/trace_dump.c, docs/tracing.md), by a small builder that
computes each line's CRC, so a test reads like the story it tells: the
default mode's unbind waiting for a pinned page, the regression mode's
count going below zero. The tests check the parser (CRCs, prompts,
incomplete dumps), the model's facts, the Chrome trace JSON (through
check_trace, which is itself tested on broken traces), the SVG and the
command line. Run: `python3 -m unittest tests/test_timeline.py` (tests/
test-all runs it in its parser step).
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

PG = 0xffff800000a00000          # the pgmap's address
REF = PG + 0x58                  # its embedded percpu_ref
PFN = 0x140000                   # its first page
MS = 1_000_000
T0 = 5_000_000_000


def signed(line_body):
    """A dump line: the body and its CRC, as lib/trace_dump.c prints it."""
    return f"{line_body} ~{zlib.crc32(line_body.encode()):08x}"


def value_text(event, name, v):
    if isinstance(v, int) and is_hex_arg(event, name):
        return f"{v:#x}"
    return str(v)


class Log:
    """Builds one dump's lines: ev() adds an event, lines() prints them all."""

    def __init__(self, d=1, cpus=2):
        self.d, self.cpus, self.bodies = d, cpus, []

    def ev(self, cpu, t, event, **args):
        fields = " ".join(f"{k}={value_text(event, k, v)}" for k, v in args.items())
        n = len(self.bodies)
        self.bodies.append(f"@trace d={self.d} n={n} cpu={cpu} t={t} {event} {fields}".rstrip())
        return self

    def begin(self):
        return signed(f"@trace d={self.d} begin cpus={self.cpus} size=16384 recording=24")

    def end(self, events=None, overwritten=0):
        events = len(self.bodies) if events is None else events
        return signed(f"@trace d={self.d} end events={events} overwritten={overwritten} skipped=0")

    def lines(self, **end):
        return [self.begin()] + [signed(b) for b in self.bodies] + [self.end(**end)]


def default_story(pages=5):
    """zone_device.refs=single: a pin on CPU 1 outlives the unbind's kill on
    CPU 0; the wait ends when the unpin's final put releases the ref."""
    log = Log()
    pinned = PFN + 2
    log.ev(0, T0, "pgmap_setup", pgmap=PG, count=pages + 1, name="pmem0")
    log.ev(1, T0 + 1 * MS, "page_get", pfn=pinned, ref=2)
    log.ev(1, T0 + 1 * MS + 500, "gup_fast", addr=0x7f0000002000, nr=1, got=1)
    t = T0 + 2 * MS
    for phase in ("begin", "unmap"):
        log.ev(0, t, "teardown", phase=phase, pgmap=PG, value=0)
        t += 1000
    log.ev(0, t, "dax_zap", map=0xffff800001000000, bytes=0x5000)
    log.ev(0, t + 1000, "teardown", phase="kill", pgmap=PG, value=0)
    log.ev(0, t + 2000, "ref_kill", ref=REF)
    log.ev(0, t + 3000, "ref_atomic", ref=REF)
    log.ev(0, t + 4000, "teardown", phase="puts", pgmap=PG, value=pages)
    t += 5000
    for pfn in range(PFN, PFN + pages):
        if pfn == pinned:
            log.ev(0, t, "page_put", pfn=pfn, ref=1)
        else:
            log.ev(0, t, "page_put", pfn=pfn, ref=0)
            log.ev(0, t + 10, "page_free", pfn=pfn, pgmap=PG)
            log.ev(0, t + 20, "pgmap_put", pgmap=PG, nr=1)
        t += 100
    log.ev(0, t, "ref_confirm", ref=REF, count=1)
    log.ev(0, t + 1000, "pgmap_count", pgmap=PG, count=1, name="-")
    log.ev(0, t + 2000, "teardown", phase="wait_begin", pgmap=PG, value=1)
    log.ev(1, T0 + 10 * MS, "unpin", pfn=pinned, nr=1)
    log.ev(1, T0 + 10 * MS + 100, "page_put", pfn=pinned, ref=0)
    log.ev(1, T0 + 10 * MS + 200, "page_free", pfn=pinned, pgmap=PG)
    log.ev(1, T0 + 10 * MS + 300, "pgmap_put", pgmap=PG, nr=1)
    log.ev(1, T0 + 10 * MS + 400, "ref_release", ref=REF)
    t = T0 + 10 * MS + 500_000
    for phase, value in (("wait_end", 0), ("remove", 0), ("rcu", 0), ("end", 0)):
        log.ev(0, t, "teardown", phase=phase, pgmap=PG, value=value)
        t += 1000
    return log


def regression_story():
    """zone_device.refs=regression: a pin cycle puts a pgmap reference it
    never got, the kill's switch finds -1 and WARNs, a late put follows."""
    log = Log()
    log.ev(0, T0, "pgmap_setup", pgmap=PG, count=1, name="pmem0")
    log.ev(1, T0 + 1 * MS, "page_get", pfn=PFN, ref=1)
    log.ev(1, T0 + 1 * MS + 100, "gup_slow", addr=0x7f0000000000, nr=1, got=1)
    log.ev(1, T0 + 2 * MS, "unpin", pfn=PFN, nr=1)
    log.ev(1, T0 + 2 * MS + 100, "page_put", pfn=PFN, ref=0)
    log.ev(1, T0 + 2 * MS + 200, "page_free", pfn=PFN, pgmap=PG)
    log.ev(1, T0 + 2 * MS + 300, "pgmap_put", pgmap=PG, nr=1)
    t = T0 + 3 * MS
    for phase in ("begin", "unmap", "kill"):
        log.ev(0, t, "teardown", phase=phase, pgmap=PG, value=0)
        t += 1000
    log.ev(0, t, "ref_kill", ref=REF)
    log.ev(0, t + 1000, "ref_atomic", ref=REF)
    log.ev(0, t + 2000, "ref_confirm", ref=REF, count=-1)
    log.ev(0, t + 3000, "warn", at=0xffffffff80104321, line=137)
    log.ev(0, t + 4000, "teardown", phase="puts", pgmap=PG, value=0)
    log.ev(0, t + 5000, "pgmap_count", pgmap=PG, count=-1, name="-")
    log.ev(0, t + 6000, "teardown", phase="wait_begin", pgmap=PG, value=-1)
    log.ev(0, t + 7 * MS, "pgmap_count", pgmap=PG, count=-1, name="-")
    log.ev(0, t + 7 * MS + 100, "teardown", phase="wait_end", pgmap=PG, value=-1)
    log.ev(0, t + 7 * MS + 200, "teardown", phase="remove", pgmap=PG, value=0)
    log.ev(1, t + 8 * MS, "page_put", pfn=PFN, ref=-1073741825)
    log.ev(1, t + 8 * MS + 100, "late_access", pfn=PFN, put=1)
    log.ev(0, t + 9 * MS, "teardown", phase="rcu", pgmap=PG, value=0)
    log.ev(0, t + 9 * MS + 100, "teardown", phase="end", pgmap=PG, value=0)
    return log


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


class Parsing(unittest.TestCase):
    def test_values(self):
        """Hex, negative decimal and names parse to int, int and str."""
        log = Log().ev(0, 7, "page_put", pfn=0x140000, ref=-3).ev(1, 8, "pgmap_setup",
                                                                   pgmap=PG, count=2, name="pmem0")
        dump, _, problems = load(log.lines())
        self.assertEqual(problems, [])
        self.assertEqual(dump.events[0], Event(0, 0, 7, "page_put",
                                                        {"pfn": 0x140000, "ref": -3}))
        self.assertEqual(dump.events[1].args["name"], "pmem0")

    def test_phase_names_are_strings(self):
        """phase=wait_begin stays the phase's name."""
        log = Log().ev(0, 1, "teardown", phase="wait_begin", pgmap=PG, value=1)
        dump, _, _ = load(log.lines())
        self.assertEqual(dump.events[0].args, {"phase": "wait_begin", "pgmap": PG, "value": 1})

    def test_crc_mismatch_dropped_and_reported(self):
        """A line whose text no longer matches its CRC is dropped, its line number named."""
        lines = Log().ev(0, 1, "page_get", pfn=PFN, ref=1).ev(0, 2, "page_put", pfn=PFN,
                                                               ref=0).lines()
        lines[2] = lines[2].replace("ref=0", "ref=5")
        dumps, problems = parse_log(lines)
        self.assertEqual(len(problems), 1)
        self.assertIn("line 3", problems[0])
        self.assertIn("CRC mismatch", problems[0])
        self.assertEqual([e.n for e in dumps[0].events], [0])

    def test_truncated_line_reported(self):
        """A line cut before its CRC is reported, not parsed."""
        lines = Log().ev(0, 1, "page_get", pfn=PFN, ref=1).lines()
        lines[1] = lines[1][:20]
        _, problems = parse_log(lines)
        self.assertIn("line 2", problems[0])
        self.assertIn("truncated", problems[0])

    def test_line_after_prompt(self):
        """'@trace' after a prompt on the same serial line is found."""
        lines = Log().ev(0, 1, "page_get", pfn=PFN, ref=1).lines()
        lines[0] = "zdk> trace dump" + "\r"
        lines.insert(1, "zdk> " + Log().begin() + "\r")
        dump, _, problems = load(lines)
        self.assertEqual(problems, [])
        self.assertEqual(dump.begin["cpus"], 2)

    def test_other_kernel_lines_ignored(self):
        """printk lines and WARNINGs between the dump's lines are noise."""
        lines = Log().ev(0, 1, "page_get", pfn=PFN, ref=1).lines()
        lines.insert(1, "[    0.272645] pmem0: zapped 4 KiB of DAX mappings")
        lines.insert(2, "WARNING: at mm/percpu_ref.c:137")
        dump, _, problems = load(lines)
        self.assertEqual((problems, len(dump.events)), ([], 1))


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
        lines[4] = lines[4].replace("cpu=0", "cpu=1")
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
        """The last complete dump wins; a later incomplete one is passed over with a note."""
        lines = Log(d=1).ev(0, 1, "page_get", pfn=PFN, ref=1).lines()
        lines += Log(d=2).ev(0, 5, "page_get", pfn=PFN, ref=1).ev(0, 6, "page_put", pfn=PFN,
                                                                  ref=0).lines()
        lines += Log(d=3).ev(0, 9, "page_get", pfn=PFN, ref=1).lines()[:-1]
        dumps, _ = parse_log(lines)
        notes = []
        self.assertEqual(select_dump(dumps, notes=notes).d, 2)
        self.assertIn("d=3 is incomplete", notes[0])

    def test_dump_option(self):
        """--dump N picks d=N, and refuses a number that is not there."""
        lines = Log(d=1).ev(0, 1, "page_get", pfn=PFN, ref=1).lines()
        lines += Log(d=2).ev(0, 5, "page_get", pfn=PFN, ref=1).lines()
        dumps, _ = parse_log(lines)
        self.assertEqual(select_dump(dumps, number=1).d, 1)
        self.assertIn("no dump d=7", self.refusal(lines, number=7))


class Model(unittest.TestCase):
    def test_default_story_wait_outlasts_unpin(self):
        """The unbind's wait ends after the last unpin; the count reaches 0, never below."""
        f = story_facts(default_story())
        self.assertGreater(f["wait_end_ns"], f["last_unpin_ns"])
        self.assertLess(f["wait_begin_ns"], f["first_unpin_ns"])
        self.assertEqual(f["min_pgmap_count"], {"pmem0": 0})
        self.assertEqual((f["warnings"], f["late_accesses"]), (0, 0))

    def test_default_story_cpus(self):
        """The pin ran on CPU 1, the teardown on CPU 0."""
        f = story_facts(default_story())
        self.assertEqual((f["cpus"], f["pin_cpus"], f["teardown_cpu"]), ([0, 1], [1], 0))

    def test_default_story_release(self):
        """The ref's release comes between the unpin and the wait's end."""
        f = story_facts(default_story())
        self.assertTrue(f["last_unpin_ns"] < f["release_ns"] < f["wait_end_ns"])

    def test_times_relative_to_first_event(self):
        """Facts count from the first event: the unpin is 10 ms in."""
        f = story_facts(default_story())
        self.assertEqual(f["first_unpin_ns"], 10 * MS)
        self.assertEqual((f["dump"], f["events"]), (1, len(default_story().bodies)))

    def test_count_steps(self):
        """Setup, kill (initial ref), the puts, the confirm and the unpin, step by step."""
        _, m, _ = load(default_story(pages=5).lines())
        values = [v for _, v in m.pgmaps[PG].counts]
        self.assertEqual(values, [6, 5, 4, 3, 2, 1, 0])

    def test_ref_follows_kill_phase(self):
        """The ref_kill after the kill phase on the same CPU is the pgmap's ref."""
        _, m, _ = load(default_story().lines())
        self.assertEqual(m.ref_owner, {REF: PG})
        self.assertEqual(m.pgmaps[PG].ref, REF)

    def test_ref_kill_elsewhere_not_taken(self):
        """A queue's ref killed on another CPU is not the pgmap's."""
        log = Log().ev(0, 1, "pgmap_setup", pgmap=PG, count=1, name="pmem0")
        log.ev(0, 2, "teardown", phase="kill", pgmap=PG, value=0)
        log.ev(1, 3, "ref_kill", ref=0xdead0000)
        _, m, _ = load(log.lines())
        self.assertEqual(m.ref_owner, {})

    def test_explicit_ref_in_setup(self):
        """A pgmap_setup carrying ref= names the ref; its confirm sets the count."""
        log = Log().ev(0, 1, "pgmap_setup", pgmap=PG, count=3, name="pmem0", ref=REF)
        log.ev(1, 2, "ref_confirm", ref=REF, count=7)
        _, m, _ = load(log.lines())
        self.assertEqual(m.ref_owner, {REF: PG})
        self.assertEqual(m.pgmaps[PG].count, 7)

    def test_late_start_is_relative(self):
        """A pgmap first seen in a put starts at 0, its track marked relative."""
        log = Log().ev(0, 1, "pgmap_put", pgmap=PG, nr=1)
        _, m, _ = load(log.lines())
        pg = m.pgmaps[PG]
        self.assertEqual([v for _, v in pg.counts], [0, -1])
        self.assertEqual(pg.count_track, f"pgmap {PG:#x} refs (relative)")

    def test_trace_on_count_is_exact(self):
        """A pgmap_count at `trace on` gives an exact count and the name."""
        log = Log().ev(0, 1, "pgmap_count", pgmap=PG, count=4, name="pmem1")
        _, m, _ = load(log.lines())
        self.assertEqual(m.pgmaps[PG].count_track, "pgmap pmem1 refs")

    def test_live_pages(self):
        """Setup leaves count-1 pages live; the put loop frees all but the pinned one."""
        _, m, _ = load(default_story(pages=5).lines())
        lives = [v for _, v in m.pgmaps[PG].lives]
        self.assertEqual((lives[0], lives[-2], lives[-1]), (5, 1, 0))
        self.assertEqual(m.pgmaps[PG].live_track, "pmem0 live pages")

    def test_live_pages_hooked_mode(self):
        """Hooked modes (count 1): a page_get to ref=1 makes a page live, its free ends it."""
        _, m, _ = load(regression_story().lines())
        self.assertEqual([v for _, v in m.pgmaps[PG].lives], [0, 1, 0])

    def test_regression_story(self):
        """The count goes below zero: min -1, one WARN, one late access."""
        f = story_facts(regression_story())
        self.assertEqual(f["min_pgmap_count"], {"pmem0": -1})
        self.assertEqual((f["warnings"], f["late_accesses"]), (1, 1))
        self.assertIsNone(f["release_ns"])

    def test_no_teardown_facts_null(self):
        """Without a teardown the wait's facts are null."""
        f = story_facts(Log().ev(0, 1, "page_get", pfn=PFN, ref=1))
        self.assertEqual((f["wait_begin_ns"], f["wait_end_ns"], f["teardown_cpu"]),
                         (None, None, None))

    def test_out_of_order_lines_sorted(self):
        """Events are replayed by t=, not by their order in the dump."""
        log = Log().ev(0, 20, "pgmap_put", pgmap=PG, nr=1)
        log.ev(1, 10, "pgmap_setup", pgmap=PG, count=3, name="pmem0")
        _, m, _ = load(log.lines())
        self.assertEqual([v for _, v in m.pgmaps[PG].counts], [3, 2])


def pin_log(order):
    """Two pins on CPU 1 (pfns A then B), unpinned in the given order on CPU 0."""
    log = Log()
    log.ev(0, 0, "pgmap_setup", pgmap=PG, count=3, name="pmem0")
    log.ev(1, 100, "page_get", pfn=PFN, ref=2).ev(1, 110, "gup_fast", addr=0x1000, nr=1, got=1)
    log.ev(1, 200, "page_get", pfn=PFN + 1, ref=2).ev(1, 210, "gup_fast", addr=0x2000, nr=1,
                                                       got=1)
    for k, pfn in enumerate(order):
        log.ev(0, 300 + 100 * k, "unpin", pfn=pfn, nr=1)
    return log


class Flows(unittest.TestCase):
    def flows(self, log):
        trace = story_trace(log)
        starts = {e["id"]: e for e in trace["traceEvents"] if e["ph"] == "s"}
        ends = {e["id"]: e for e in trace["traceEvents"] if e["ph"] == "f"}
        return starts, ends

    def test_pin_to_unpin(self):
        """The default story's pin on CPU 1 flows to its unpin 10 ms later."""
        starts, ends = self.flows(default_story())
        self.assertEqual(list(starts), list(ends))
        (fid,) = starts
        self.assertEqual((starts[fid]["tid"], ends[fid]["tid"]), (1, 1))
        self.assertEqual(ends[fid]["ts"] - starts[fid]["ts"], 9000 - 0.5)
        self.assertEqual(ends[fid]["bp"], "e")

    def test_matched_by_pfn(self):
        """Unpins in the reverse order still pair with the pins of their pfns."""
        _, m, _ = load(pin_log([PFN + 1, PFN]).lines())
        pairs = [(p.pfn, m.events[p.unpin].args["pfn"]) for p in m.pins]
        self.assertEqual(pairs, [(PFN, PFN), (PFN + 1, PFN + 1)])

    def test_matched_by_order_without_pfn(self):
        """A pin with no page_get on its CPU takes the first unpin after it."""
        log = Log().ev(1, 10, "gup_slow", addr=0x1000, nr=1, got=1).ev(0, 20, "unpin", pfn=PFN,
                                                                      nr=1)
        _, m, _ = load(log.lines())
        self.assertEqual(m.pins[0].unpin, 1)

    def test_undone_page_skipped(self):
        """A page the fast walk gave back (gup_undo) is not the pin's."""
        log = Log().ev(1, 10, "page_get", pfn=PFN, ref=2).ev(1, 11, "gup_undo", pfn=PFN,
                                                              addr=0x1000)
        log.ev(1, 12, "page_get", pfn=PFN + 1, ref=2).ev(1, 13, "gup_fast", addr=0x1000, nr=1,
                                                          got=1)
        _, m, _ = load(log.lines())
        self.assertEqual(m.pins[0].pfn, PFN + 1)

    def test_failed_pin_has_no_flow(self):
        """A pin that got nothing (-EFAULT) is no pin."""
        log = Log().ev(1, 10, "gup_slow", addr=0x1000, nr=1, got=-14).ev(0, 20, "unpin",
                                                                        pfn=PFN, nr=1)
        self.assertEqual(self.flows(log), ({}, {}))


class ChromeTrace(unittest.TestCase):
    def names(self, trace, ph):
        return [e["name"] for e in trace["traceEvents"] if e["ph"] == ph]

    def test_default_story_passes_check(self):
        """The default story's JSON has no format problem."""
        self.assertEqual(check_trace(story_trace(default_story())), [])

    def test_regression_story_passes_check(self):
        """So does the regression story's."""
        self.assertEqual(check_trace(story_trace(regression_story())), [])

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
        trace = story_trace(default_story())
        put = next(e for e in trace["traceEvents"] if e["name"] == "page_put")
        self.assertEqual(put["args"], {"n": 10, "pfn": "0x140000", "ref": 0})

    def test_warn_and_late_access_global(self):
        """WARN and the late access are global instants with their pfn/at."""
        trace = story_trace(regression_story())
        glob = [e for e in trace["traceEvents"] if e.get("s") == "g"]
        self.assertEqual([e["name"] for e in glob], ["WARN", "late put of a removed page"])
        self.assertEqual(glob[0]["args"]["at"], "0xffffffff80104321")
        self.assertEqual(glob[1]["args"]["pfn"], "0x140000")


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


def puts_model(n):
    """A pgmap whose put loop drops n pages on CPU 0, built from Events directly."""
    events = [Event(0, 0, 0, "pgmap_setup", {"pgmap": PG, "count": n + 1,
                                                       "name": "pmem0"}),
              Event(1, 1, 10, "gup_fast", {"addr": 0x1000, "nr": 1, "got": 1})]
    for k in range(n):
        events.append(Event(k + 2, 0, 1000 + k * 50, "page_put",
                                     {"pfn": PFN + k, "ref": 0}))
    events.append(Event(n + 2, 0, 1000 + n * 50, "teardown",
                                 {"phase": "wait_begin", "pgmap": PG, "value": 1}))
    events.append(Event(n + 3, 1, 2000 + n * 50, "unpin", {"pfn": PFN, "nr": 1}))
    events.append(Event(n + 4, 0, 2500 + n * 50, "teardown",
                                 {"phase": "wait_end", "pgmap": PG, "value": 0}))
    return build_model(events)


def interleaved_model(n):
    """n page_puts on CPU 0, each followed by a ref event: no dense run to fold."""
    events = [Event(0, 0, 0, "pgmap_setup", {"pgmap": PG, "count": n + 1,
                                                       "name": "pmem0"})]
    for k in range(n):
        events.append(Event(2 * k + 1, 0, 100 + k * 30, "page_put",
                                     {"pfn": PFN + k, "ref": 0}))
        events.append(Event(2 * k + 2, 0, 110 + k * 30, "ref_atomic", {"ref": REF}))
    return build_model(events)


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
        """The regression's -1 is labelled, the WARN too."""
        svg = self.svg(regression_story())
        self.assertIn("min -1", svg)
        self.assertIn(">WARN<", svg)

    def test_small_with_many_puts(self):
        """60000 page_puts fold into one bar; the SVG stays under 300 KB."""
        svg = to_svg(puts_model(60000), "many puts")
        ET.fromstring(svg)
        self.assertLess(len(svg.encode()), 300_000)
        self.assertIn("60000 page puts", svg)

    def test_small_without_runs(self):
        """30000 page_puts broken up by other events: ticks merge per pixel, still small."""
        svg = to_svg(interleaved_model(30000), "interleaved")
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
        status, out, _, _ = self.run_main(default_story().lines(), "--facts")
        self.assertEqual(status, 0)
        self.assertEqual(json.loads(out)["min_pgmap_count"], {"pmem0": 0})

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
        lines = default_story().lines()
        lines[2] = lines[2].replace("ref=2", "ref=3")
        status, out, err, _ = self.run_main(lines, "--allow-incomplete", "--facts")
        self.assertEqual(status, 0)
        self.assertIn("line 3: CRC mismatch", err)
        self.assertEqual(json.loads(out)["events"], len(default_story().bodies) - 1)

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
