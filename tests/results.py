"""results: what tests/test-all found, as files a CI dashboard reads.

Design. tests/test-all records one `Case` per counted unit (a KTAP case,
a Python test, a model variant, a fuzz target, a boot check...) in a
`Suite` (one per step, one per boot); a `Run` holds them all. Counts are
always computed from the cases, never kept beside them, so the summary
line test-all prints and the two files cannot disagree unless a file is
damaged, which `check_json()` and `check_junit()` find:

  build/test-results.json   {"format": "zdk-test-results", "version": 1,
                             "complete", "interrupted", "partial", ...,
                             "counts", "summary", "suites": [...],
                             "cases": [{suite, name, status, duration,
                                        log, diagnostics}]}
  build/test-results.xml    JUnit: <testsuites> of one <testsuite> per
                            suite, <testcase classname name time> with
                            <failure message> or <skipped message>.

A duration that is not known is null in the JSON and time="0" in the
XML (JUnit readers expect the attribute). Serial logs can hold any
byte: characters XML 1.0 cannot carry are written as \\xNN escapes.
Each file is written to a temporary name, checked, then renamed, so a
reader never sees half a file and a damaged one is never installed.
"""

import json
import os
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import List, Optional

STATUSES = ("passed", "failed", "skipped")
FORMAT = "zdk-test-results"
VERSION = 1


@dataclass
class Counts:
    passed: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.skipped

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.passed + other.passed, self.failed + other.failed,
                      self.skipped + other.skipped)

    def text(self) -> str:
        """The summary line's words: "N passed, N failed[, N skipped]"."""
        text = f"{self.passed} passed, {self.failed} failed"
        return text + (f", {self.skipped} skipped" if self.skipped else "")

    def to_json(self) -> dict:
        return {"passed": self.passed, "failed": self.failed, "skipped": self.skipped,
                "total": self.total}

    @classmethod
    def of(cls, statuses) -> "Counts":
        """The counts of an iterable of statuses ("passed", ...)."""
        counts = cls()
        for status in statuses:
            setattr(counts, status, getattr(counts, status) + 1)
        return counts


@dataclass
class Case:
    name: str
    status: str                         # one of STATUSES
    duration: Optional[float] = None    # seconds, None if not known
    log: Optional[str] = None           # relative to the repository; None: the suite's
    diagnostics: List[str] = field(default_factory=list)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"case {self.name!r}: status {self.status!r} is not one of "
                             f"{', '.join(STATUSES)}")


@dataclass
class Suite:
    name: str                           # "host", "qemu/smp2-nvdimm"...
    step: str                           # the test-all step it belongs to
    cases: List[Case] = field(default_factory=list)
    duration: Optional[float] = None
    log: Optional[str] = None

    def counts(self) -> Counts:
        return Counts.of(c.status for c in self.cases)


@dataclass
class Run:
    suites: List[Suite] = field(default_factory=list)
    complete: bool = True       # every selected step ran to its end
    interrupted: bool = False   # stopped by Ctrl-C (or SIGTERM)
    partial: bool = False       # a selection (--only, --boots, --tests) left steps out
    selection: dict = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    duration: Optional[float] = None

    def counts(self) -> Counts:
        total = Counts()
        for suite in self.suites:
            total = total + suite.counts()
        return total


# --- JSON --------------------------------------------------------------------------------

def _when(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def to_json(run: Run) -> dict:
    return {
        "format": FORMAT, "version": VERSION,
        "complete": run.complete, "interrupted": run.interrupted, "partial": run.partial,
        "selection": run.selection, "started": _when(run.started), "duration": run.duration,
        "counts": run.counts().to_json(), "summary": run.counts().text(),
        "suites": [{"name": s.name, "step": s.step, "duration": s.duration, "log": s.log,
                    "counts": s.counts().to_json()} for s in run.suites],
        "cases": [{"suite": s.name, "name": c.name, "status": c.status,
                   "duration": c.duration, "log": c.log or s.log,
                   "diagnostics": list(c.diagnostics)}
                  for s in run.suites for c in s.cases],
    }


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_seconds(value) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)
                             and value >= 0)


def _check_counts(where: str, counts, statuses) -> List[str]:
    keys = ("passed", "failed", "skipped", "total")
    if not isinstance(counts, dict) or set(counts) != set(keys) \
            or not all(_is_count(counts[k]) for k in keys):
        return [f"{where}: counts must be {{{', '.join(keys)}}} of counts, not {counts!r}"]
    seen = Counts.of(statuses).to_json()
    if counts != seen:
        return [f"{where}: counts say {counts}, its cases {seen}"]
    return []


def check_json(data) -> List[str]:
    """What is wrong with a test-results JSON document (empty: nothing)."""
    if not isinstance(data, dict):
        return [f"the document is a {type(data).__name__}, not an object"]
    problems = []
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        problems.append(f"format/version {data.get('format')!r}/{data.get('version')!r}, "
                        f"expected {FORMAT!r}/{VERSION}")
    for key in ("complete", "interrupted", "partial"):
        if not isinstance(data.get(key), bool):
            problems.append(f"{key!r} must be true or false, not {data.get(key)!r}")
    if not isinstance(data.get("selection"), dict):
        problems.append("'selection' must be an object")
    if not isinstance(data.get("started"), str):
        problems.append("'started' must be a time string")
    if not _is_seconds(data.get("duration")):
        problems.append(f"'duration' must be seconds or null, not {data.get('duration')!r}")
    suites, cases = data.get("suites"), data.get("cases")
    if not isinstance(suites, list) or not isinstance(cases, list):
        return problems + ["'suites' and 'cases' must be lists"]

    good_cases = []
    for i, case in enumerate(cases):
        where = f"case {i}"
        if not isinstance(case, dict):
            problems.append(f"{where} is not an object")
            continue
        where = f"case {i} ({case.get('name')!r})"
        if set(case) != {"suite", "name", "status", "duration", "log", "diagnostics"}:
            problems.append(f"{where}: keys {sorted(case)}, expected suite, name, status, "
                            "duration, log, diagnostics")
            continue
        if not isinstance(case["name"], str) or not case["name"]:
            problems.append(f"{where}: name must be a non-empty string")
        if case["status"] not in STATUSES:
            problems.append(f"{where}: status {case['status']!r} is not one of "
                            f"{', '.join(STATUSES)}")
            continue
        if not _is_seconds(case["duration"]):
            problems.append(f"{where}: duration {case['duration']!r} is not seconds or null")
        if case["log"] is not None and not (isinstance(case["log"], str)
                                            and not os.path.isabs(case["log"])):
            problems.append(f"{where}: log {case['log']!r} is not a relative path or null")
        if not (isinstance(case["diagnostics"], list)
                and all(isinstance(d, str) for d in case["diagnostics"])):
            problems.append(f"{where}: diagnostics must be a list of strings")
        good_cases.append(case)

    names = set()
    for i, suite in enumerate(suites):
        if not isinstance(suite, dict) or not isinstance(suite.get("name"), str):
            problems.append(f"suite {i} is not an object with a name")
            continue
        if suite["name"] in names:
            problems.append(f"suite {suite['name']!r} appears twice")
        names.add(suite["name"])
        if not _is_seconds(suite.get("duration")):
            problems.append(f"suite {suite['name']!r}: duration {suite.get('duration')!r} "
                            "is not seconds or null")
        problems += _check_counts(f"suite {suite['name']!r}", suite.get("counts"),
                                  [c["status"] for c in good_cases
                                   if c["suite"] == suite["name"]])
    for case in good_cases:
        if case["suite"] not in names:
            problems.append(f"case {case['name']!r}: suite {case['suite']!r} is not listed")
    statuses = [c["status"] for c in good_cases]
    problems += _check_counts("the run", data.get("counts"), statuses)
    if not problems and data.get("summary") != Counts.of(statuses).text():
        problems.append(f"summary {data.get('summary')!r} differs from the counts' "
                        f"{Counts.of(statuses).text()!r}")
    return problems


# --- JUnit XML ---------------------------------------------------------------------------

# XML 1.0 allows TAB, LF, CR and most of Unicode; a serial log may hold
# anything else (escape codes, NULs), which no XML parser would accept.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                       else f"\\u{ord(m.group()):04x}", str(text))


def _seconds(value: Optional[float]) -> str:
    return f"{value or 0:.3f}"


def _totals(element: ET.Element, counts: Counts, duration: Optional[float]):
    element.set("tests", str(counts.total))
    element.set("failures", str(counts.failed))
    element.set("errors", "0")      # a failure is a failure: test-all has no "error" kind
    element.set("skipped", str(counts.skipped))
    element.set("time", _seconds(duration))


def junit_tree(run: Run) -> ET.Element:
    root = ET.Element("testsuites", name="zdk make test")
    _totals(root, run.counts(), run.duration)
    root.set("timestamp", _when(run.started))
    for suite in run.suites:
        known = [c.duration for c in suite.cases if c.duration is not None]
        el = ET.SubElement(root, "testsuite", name=xml_text(suite.name))
        _totals(el, suite.counts(), suite.duration if suite.duration is not None
                else sum(known))
        el.set("timestamp", _when(run.started))
        if suite.log:
            props = ET.SubElement(el, "properties")
            ET.SubElement(props, "property", name="log", value=xml_text(suite.log))
        for case in suite.cases:
            tc = ET.SubElement(el, "testcase", classname=xml_text(suite.name),
                               name=xml_text(case.name), time=_seconds(case.duration))
            text, log = "\n".join(case.diagnostics), case.log or suite.log
            if case.status == "failed":
                first = case.diagnostics[0] if case.diagnostics else "failed"
                failure = ET.SubElement(tc, "failure", message=xml_text(first[:300]))
                failure.text = xml_text(text + (f"\nlog: {log}" if log else ""))
            elif case.status == "skipped":
                ET.SubElement(tc, "skipped", message=xml_text(text[:300]))
    return root


def junit_bytes(run: Run) -> bytes:
    root = junit_tree(run)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def check_junit(data: bytes):
    """(totals, problems) of a JUnit document: the totals its testcases
    add up to, and what breaks the structure CI readers rely on: the
    elements and attributes, and each tests/failures/errors/skipped
    attribute equal to the testcases it counts."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        return Counts(), [f"not well-formed XML: {e}"]
    problems = []
    if root.tag != "testsuites":
        return Counts(), [f"the root element is <{root.tag}>, not <testsuites>"]
    total, sums = Counts(), {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in root:
        if suite.tag != "testsuite":
            problems.append(f"<{suite.tag}> in <testsuites>: only <testsuite> belongs there")
            continue
        label = f"testsuite {suite.get('name')!r}"
        problems += _check_attributes(label, suite, ("name", "tests", "failures", "errors",
                                                     "skipped", "time"))
        seen = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for case in suite:
            if case.tag == "properties":
                continue
            if case.tag != "testcase":
                problems.append(f"{label}: <{case.tag}> where only <testcase> and "
                                "<properties> belong")
                continue
            where = f"{label}: testcase {case.get('name')!r}"
            problems += _check_attributes(where, case, ("classname", "name", "time"))
            kinds = [child.tag for child in case if child.tag in
                     ("failure", "error", "skipped")]
            if len(kinds) > 1:
                problems.append(f"{where}: more than one of <failure>, <error>, <skipped>")
            for child in case:
                if child.tag in ("failure", "error") and child.get("message") is None:
                    problems.append(f"{where}: <{child.tag}> without a message attribute")
            seen["tests"] += 1
            kind = kinds[0] if kinds else None
            key = {"failure": "failures", "error": "errors", "skipped": "skipped"}.get(kind)
            if key:
                seen[key] += 1
            total = total + Counts(passed=int(kind is None),
                                   failed=int(kind in ("failure", "error")),
                                   skipped=int(kind == "skipped"))
        for key, value in seen.items():
            if _count_attr(suite, key) not in (None, value):
                problems.append(f"{label}: {key}=\"{suite.get(key)}\" but it holds {value}")
            sums[key] += value
    problems += _check_attributes("testsuites", root, ("tests", "failures", "errors",
                                                        "skipped", "time"))
    for key, value in sums.items():
        if _count_attr(root, key) not in (None, value):
            problems.append(f"testsuites: {key}=\"{root.get(key)}\" but its testsuites "
                            f"hold {value}")
    return total, problems


def _count_attr(element: ET.Element, key: str) -> Optional[int]:
    """An attribute that must be a count; None when it is not one (a
    problem _check_attributes reports)."""
    value = element.get(key)
    return int(value) if value is not None and value.isdigit() else None


def _check_attributes(where: str, element: ET.Element, names) -> List[str]:
    problems = []
    for name in names:
        value = element.get(name)
        if value is None:
            problems.append(f"{where}: no {name} attribute")
        elif name in ("tests", "failures", "errors", "skipped") and not value.isdigit():
            problems.append(f"{where}: {name}=\"{value}\" is not a count")
        elif name == "time" and not re.fullmatch(r"\d+(\.\d+)?", value):
            problems.append(f"{where}: time=\"{value}\" is not seconds")
        elif name in ("name", "classname") and not value:
            problems.append(f"{where}: empty {name}")
    return problems


# --- writing ---------------------------------------------------------------------------

def _install(path: str, data: bytes, check):
    """Write data beside path, check the bytes read back, rename: a reader
    never sees half a file, and a damaged one is never installed.
    Returns what check found wrong (then path is left as it was)."""
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    with open(tmp, "rb") as f:
        problems = check(f.read())
    if problems:
        os.unlink(tmp)
    else:
        os.replace(tmp, path)
    return problems


def write(run: Run, json_path: str, xml_path: str) -> List[str]:
    """Write both files; returns what is wrong with them (empty: both were
    written, re-read, found well-formed and their totals equal the run's)."""
    expected = run.counts()

    def json_problems(data: bytes):
        try:
            doc = json.loads(data)
        except ValueError as e:
            return [f"{json_path}: not JSON: {e}"]
        problems = [f"{json_path}: {p}" for p in check_json(doc)]
        if not problems and doc["counts"] != expected.to_json():
            problems.append(f"{json_path}: counts {doc['counts']}, the run's "
                            f"{expected.to_json()}")
        return problems

    def xml_problems(data: bytes):
        totals, problems = check_junit(data)
        problems = [f"{xml_path}: {p}" for p in problems]
        if totals != expected:
            problems.append(f"{xml_path}: its testcases add up to {totals.text()}, "
                            f"the run's summary is {expected.text()}")
        return problems

    text = json.dumps(to_json(run), indent=1) + "\n"
    return (_install(json_path, text.encode(), json_problems)
            + _install(xml_path, junit_bytes(run), xml_problems))
