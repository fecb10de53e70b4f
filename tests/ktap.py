#!/usr/bin/env python3
"""KTAP version 1 parser for zdk's serial logs and host-test output.

Design. A log is mostly noise: firmware output with escape codes, printk
lines ("[    0.123456] ..."), register dumps, shell sessions. The parser
cleans each line (escape codes, CRs), drops printk lines, and looks for
"KTAP version 1". From there only KTAP lines drive the structure; every
other line is ignored, wherever it appears.

Nesting follows indentation. Each open block (a KTAP document or a
subtest) remembers its indent; a line deeper than the innermost block
opens a subtest, a line shallower closes blocks. A closed subtest waits
in its parent as `pending` until the parent's result line ("ok 3 name")
claims it. A second top-level "KTAP version 1" (the shell's `ktest`
command after the boot's own run, say) starts a new document; every
document is counted and the counts of all documents add up. The summary
and --json say how many documents were read and give each one's counts
(Linux's kunit_parser reads only the first; docs/testing.md).

Counting. Only leaf results are test cases: "ok" passes, "not ok" fails,
a "# SKIP" (or "# TODO") directive skips. On top of that, every problem
counts as one failure, with an explanation in `errors`:
  - each result line a plan announced but the log lacks (a crash or a
    cut log): a missing case, or a missing suite of unknown size;
  - a subtest never closed by its parent's result line;
  - bad numbering (out of order or duplicate), more results than planned;
  - a suite result that disagrees with its cases (ok with a failed case,
    not ok with none), a "# name: pass:.." summary that disagrees with
    the results above it;
  - no "KTAP version 1" at all ("no KTAP output").
So a run passes only when `failed == 0`.

The last "zdk: verdict: WORD (details)" line is reported too; a CRASH
verdict gives `crash_reason`.

Every counted unit is an `Outcome` (`result.outcomes()`): a leaf case,
or a problem with the weight it adds to `failed` (a missing planned
result is one outcome per missing number), so the outcomes' statuses
always add up to passed/failed/skipped. tests/test-all records them one
by one in build/test-results.json.

Use: `result = ktap.parse(text)` (or `parse_file(path)`), then
`result.passed/failed/skipped/errors/suites/documents`, `result.ok`,
`result.failures()`, `result.outcomes()`, `to_json(result)`. As a
command: `tests/ktap.py [--json] LOG` prints a summary (or the JSON) and
exits 1 if anything failed or the run crashed (2 if LOG is missing).
"""

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from typing import List, Optional

# --- line classification --------------------------------------------------

ANSI_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")   # ESC [ ... final byte
ANSI_OTHER = re.compile(r"\x1b[@-Z\\-_]")            # two-byte escapes
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")    # all but TAB and LF

PRINTK = re.compile(r"^\s*\[\s*\d+\.\d+\]")
HEADER = re.compile(r"^KTAP version (\d+)\s*$")
HEADER_ANYWHERE = re.compile(r"KTAP version (\d+)\s*$")
PLAN = re.compile(r"^1\.\.(\d+)\s*(?:#.*)?$")
RESULT = re.compile(r"^(not ok|ok)\s+(\d+)\b\s*(?:-\s+)?(.*)$")
SUBTEST = re.compile(r"^# Subtest:\s*(.*?)\s*$")
SUMMARY = re.compile(
    r"^# (.+?): pass:(\d+) fail:(\d+) skip:(\d+) total:(\d+)\b")
DIAGNOSTIC = re.compile(r"^#(?:\s(.*))?$")
VERDICT = re.compile(r"zdk: verdict: (PASS|FAIL|CRASH)\b\s*(.*)$")


def clean_line(line: str) -> str:
    """The text a terminal would show, minus escape codes and controls."""
    line = ANSI_CSI.sub("", line)
    line = ANSI_OTHER.sub("", line)
    line = line.replace("\t", "        ")
    return CONTROL.sub("", line).rstrip()


def split_indent(line: str):
    stripped = line.lstrip(" ")
    return len(line) - len(stripped), stripped


# --- the result structure ------------------------------------------------------

@dataclass
class Problem:
    """Something wrong with the log's structure, counted as failures:
    one, or one per planned result number the log lacks (`missing`)."""
    message: str
    missing: List[int] = field(default_factory=list)


@dataclass
class Outcome:
    """One counted unit of a log: a leaf case, or a problem's share of
    the failures. `name` is the case's path ("suite.case"); a problem is
    named after its block: "suite [KTAP: result 3 missing]"."""
    name: str
    status: str                         # "passed", "failed" or "skipped"
    diagnostics: List[str]              # a failed case's "# " lines; a
                                        # skip's reason; a problem's message
    document: int                       # 1, 2...: which KTAP document; 0: none
    line: int = 0                       # its line in the log (0: none)

    def to_json(self) -> dict:
        return {"name": self.name, "status": self.status, "document": self.document,
                "line": self.line, "diagnostics": list(self.diagnostics)}


STATUS_WORDS = {"pass": "passed", "fail": "failed", "skip": "skipped"}


@dataclass
class Case:
    """One result line: a leaf test case, or a suite's own result."""
    number: int
    name: str
    ok: bool
    directive: str = ""                 # "SKIP reason", "TODO", crash note...
    diagnostics: List[str] = field(default_factory=list)  # "# " lines before
    suite: Optional["Suite"] = None     # the subtest this line closes
    lineno: int = 0                     # 0: no such line in the log
    missing: bool = False               # synthesized for a missing line

    @property
    def skipped(self) -> bool:
        word = self.directive.split(None, 1)[0].upper() if self.directive else ""
        return word in ("SKIP", "TODO")

    @property
    def status(self) -> str:
        if self.skipped:
            return "skip"
        return "pass" if self.ok else "fail"


@dataclass
class Suite:
    """One KTAP block: a whole document (name "") or a nested subtest."""
    name: str
    indent: int
    lineno: int
    version: Optional[int] = None
    plan: Optional[int] = None
    results: List[Case] = field(default_factory=list)
    summary: Optional[tuple] = None     # (pass, fail, skip, total)
    problems: List[Problem] = field(default_factory=list)  # this block's own
    # Totals over this block and everything inside it (set by _finish).
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    # Parser state while the block is open.
    pending: Optional["Suite"] = None   # closed subtest awaiting its result
    diag: List[str] = field(default_factory=list)

    @property
    def subtests(self) -> List["Suite"]:
        return [r.suite for r in self.results if r.suite is not None]

    @property
    def errors(self) -> List[str]:
        return [p.message for p in self.problems]

    def walk(self):
        """Every block nested in this one, then this one (log order)."""
        for sub in self.subtests:
            yield from sub.walk()
        yield self

    def counts(self) -> dict:
        return _counts(self.passed, self.failed, self.skipped)


@dataclass
class KtapResult:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    errors: List[str] = field(default_factory=list)
    documents: List[Suite] = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)  # outside any document
    verdict: Optional[str] = None          # PASS / FAIL / CRASH (last line)
    verdict_detail: str = ""
    crash_reason: Optional[str] = None

    @property
    def suites(self) -> List[Suite]:
        """The top-level suites of every document, in log order."""
        return [s for doc in self.documents for s in doc.subtests]

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.skipped

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.verdict != "CRASH"

    def failures(self):
        """(path, case) for each failed or missing leaf result."""
        for doc in self.documents:
            yield from _failed_leaves(doc, [])

    def outcomes(self):
        """Every counted unit, document by document in log order: their
        statuses add up to passed/failed/skipped."""
        for problem in self.problems:
            yield Outcome("(log) [no KTAP output]", "failed", [problem.message], 0)
        for number, doc in enumerate(self.documents, start=1):
            yield from _block_outcomes(doc, [], number)

    def summary(self) -> str:
        text = f"{self.passed} passed, {self.failed} failed"
        if self.skipped:
            text += f", {self.skipped} skipped"
        if len(self.documents) > 1:
            text += f" ({len(self.documents)} KTAP documents)"
        return text

    def documents_summary(self) -> List[str]:
        """One line per KTAP document: where it starts, what it counted."""
        lines = []
        for number, doc in enumerate(self.documents, start=1):
            suites = len(doc.subtests)
            lines.append(f"document {number} (line {doc.lineno}): "
                         f"{_counts_text(doc.passed, doc.failed, doc.skipped)} "
                         f"({suites} suite{'s' * (suites != 1)})")
        return lines


def _counts(passed: int, failed: int, skipped: int) -> dict:
    return {"passed": passed, "failed": failed, "skipped": skipped,
            "total": passed + failed + skipped}


def _counts_text(passed: int, failed: int, skipped: int) -> str:
    text = f"{passed} passed, {failed} failed"
    return text + (f", {skipped} skipped" if skipped else "")


def _block_outcomes(block: Suite, path: List[str], document: int):
    """The outcomes of one block and everything in it, in log order."""
    for r in block.results:
        if r.suite is not None:
            yield from _block_outcomes(r.suite, _extend(path, r.suite.name or r.name),
                                       document)
        else:
            status = STATUS_WORDS[r.status]
            diags = {"passed": [], "skipped": [r.directive]}.get(
                status, r.diagnostics + ([f"# {r.directive}"] if r.directive else []))
            yield Outcome(".".join(_extend(path, r.name)), status, diags, document, r.lineno)
    label = ".".join(path) or "(top level)"
    for i, problem in enumerate(block.problems, start=1):
        if problem.missing:
            for n in problem.missing:
                yield Outcome(f"{label} [KTAP: result {n} missing]", "failed",
                              [problem.message], document, block.lineno)
        else:
            number = f" {i}" if len(block.problems) > 1 else ""
            yield Outcome(f"{label} [KTAP error{number}]", "failed", [problem.message],
                          document, block.lineno)


def _failed_leaves(block: Suite, path: List[str]):
    for r in block.results:
        if r.suite is not None:
            yield from _failed_leaves(r.suite, _extend(path, r.suite.name or r.name))
        elif r.status == "fail":
            yield ".".join(_extend(path, r.name)), r


def _extend(path: List[str], name: str) -> List[str]:
    """Path of a nested name; "mm" + "mm.kmalloc" is just "mm.kmalloc"."""
    if path and name.startswith(path[-1] + "."):
        return path[:-1] + [name]
    return path + [name]


# --- the parser -------------------------------------------------------------------

class _Parser:
    def __init__(self):
        self.result = KtapResult()
        self.stack: List[Suite] = []    # open blocks, outermost first

    # The innermost open block.
    @property
    def top(self) -> Suite:
        return self.stack[-1]

    def feed(self, lineno: int, raw: str):
        line = clean_line(raw)
        verdict = VERDICT.search(line)
        if verdict:
            self.result.verdict = verdict.group(1)
            self.result.verdict_detail = verdict.group(2).strip()
        if PRINTK.match(line):
            return
        indent, text = split_indent(line)

        # A header at (or left of) the document's indent starts a new
        # document. Junk may sit in front of it on the same line (firmware
        # output without a newline): that reads as indent 0.
        m = HEADER_ANYWHERE.search(line)
        if m:
            prefix = line[:m.start()]
            at = 0 if prefix.strip() else len(prefix)
            if not self.stack or at <= self.stack[0].indent:
                self._start_document(lineno, at, int(m.group(1)))
                return
        if not self.stack:
            return          # still before the first header: junk
        root = self.stack[0]
        # A line left of the document's own indent is read at its indent.
        indent = max(indent, root.indent)

        m = HEADER.match(text)
        if m:
            block = self._block_for(indent, lineno)
            if block.version is not None or block.plan is not None or block.results:
                # A header in a started subtest begins its next sibling.
                self._close_to(indent - 1)
                block = self._block_for(indent, lineno)
            block.version = int(m.group(1))
            self._check_version(block, lineno)
            return

        m = SUBTEST.match(text)
        if m and indent > root.indent:
            block = self._block_for(indent, lineno)
            if block.name or block.plan is not None or block.results:
                self._close_to(indent - 1)
                block = self._block_for(indent, lineno)
            block.name = m.group(1)
            return

        m = PLAN.match(text)
        if m:
            block = self._block_for(indent, lineno)
            if block.plan is not None:
                self._error(block, f"line {lineno}: second plan 1..{m.group(1)} "
                            f"(already 1..{block.plan})")
            else:
                block.plan = int(m.group(1))
            return

        m = RESULT.match(text)
        if m:
            block = self._block_for(indent, lineno)
            self._add_result(block, lineno, m.group(1) == "ok",
                             int(m.group(2)), m.group(3))
            return

        m = SUMMARY.match(text)
        if m:
            block = self._block_at(indent)
            if block is not None:
                block.summary = tuple(int(m.group(i)) for i in range(2, 6))
            return

        m = DIAGNOSTIC.match(text)
        if m:
            block = self._block_at(indent)
            if block is not None:
                block.diag.append((m.group(1) or "").strip())
            return
        # Anything else is noise (dumps, shell output...): ignored.

    def finish(self) -> KtapResult:
        self._end_documents()
        res = self.result
        if not res.documents:
            res.failed += 1
            res.problems.append(Problem("no KTAP output (no 'KTAP version 1' line found)"))
            res.errors.append(res.problems[-1].message)
        for doc in res.documents:
            res.passed += doc.passed
            res.failed += doc.failed
            res.skipped += doc.skipped
            for block in doc.walk():
                res.errors.extend(block.errors)
        if res.verdict == "CRASH":
            detail = res.verdict_detail
            if detail.startswith("(") and detail.endswith(")"):
                detail = detail[1:-1]
            res.crash_reason = detail or "(no reason given)"
        return res

    # --- blocks -------------------------------------------------------------------

    def _start_document(self, lineno: int, indent: int, version: int):
        self._end_documents()
        doc = Suite(name="", indent=indent, lineno=lineno, version=version)
        self._check_version(doc, lineno)
        self.result.documents.append(doc)
        self.stack = [doc]

    def _end_documents(self):
        if self.stack:
            self._close_to(-1)
            self.stack = []

    def _check_version(self, block: Suite, lineno: int):
        if block.version != 1:
            self._error(block, f"line {lineno}: KTAP version {block.version} "
                        "(only version 1 is understood)")

    def _block_at(self, indent: int) -> Optional[Suite]:
        """The innermost open block whose indent is at most `indent`."""
        for block in reversed(self.stack):
            if block.indent <= indent:
                return block
        return None

    def _block_for(self, indent: int, lineno: int) -> Suite:
        """
        The block a structural line at `indent` belongs to: blocks deeper
        than it are closed; a line deeper than the innermost block opens
        a subtest (a header-less one if the line is a plan or a result).
        """
        self._close_to(indent)
        if indent > self.top.indent:
            parent = self.top
            self._flush_pending(parent)
            child = Suite(name="", indent=indent, lineno=lineno)
            self.stack.append(child)
        return self.top

    def _close_to(self, indent: int):
        """Close every open block deeper than `indent`."""
        while self.stack and self.top.indent > indent:
            block = self.stack.pop()
            self._flush_pending(block)
            if self.stack:
                parent = self.top
                self._flush_pending(parent)
                parent.pending = block
            else:
                self._finish_block(block)

    def _flush_pending(self, block: Suite):
        """A closed subtest that no result line claimed: count the gap."""
        child = block.pending
        if child is None:
            return
        block.pending = None
        number = block.results[-1].number + 1 if block.results else 1
        self._finish_block(child)
        name = child.name or "(unnamed)"
        self._error(block, f"suite '{name}': no result line "
                    f"'ok {number} {name}' for its subtest (from line {child.lineno})")
        block.results.append(Case(number=number, name=name, ok=False,
                                  suite=child, missing=True))

    def _add_result(self, block: Suite, lineno: int, ok: bool, number: int,
                    rest: str):
        name, directive = rest, ""
        if " #" in " " + rest:
            head, _, tail = (" " + rest).partition(" #")
            name, directive = head.strip(), tail.strip()
        case = Case(number=number, name=name.strip(), ok=ok, directive=directive,
                    diagnostics=block.diag, lineno=lineno)
        block.diag = []
        child = block.pending
        if child is not None:
            block.pending = None
            if child.name and case.name and child.name != case.name:
                self._error(block, f"line {lineno}: result '{case.name}' closes "
                            f"subtest '{child.name}'")
            if not child.name:
                child.name = case.name
            self._finish_block(child)
            case.suite = child
        block.results.append(case)

    # --- checks and totals of a closed block ----------------------------------------

    def _finish_block(self, block: Suite):
        label = f"suite '{block.name}'" if block.name else "top level"
        numbers = [r.number for r in block.results]

        if numbers != list(range(1, len(numbers) + 1)):
            self._error(block, f"{label}: bad test numbering "
                        f"{', '.join(map(str, numbers))} (expected 1, 2, 3...)")
        if block.plan is not None:
            planned = set(range(1, block.plan + 1))
            missing = sorted(planned - set(numbers))
            extra = sorted(set(numbers) - planned)
            if missing:
                block.failed += len(missing)
                block.problems.append(Problem(
                    f"{label}: {len(missing)} of {block.plan} planned results "
                    f"missing ({_ranges(missing)}); each counts as a failure", missing))
            if extra:
                self._error(block, f"{label}: results beyond the plan "
                            f"1..{block.plan}: {_ranges(extra)}")
        elif not block.results:
            self._error(block, f"{label}: no plan and no results "
                        f"(block opened at line {block.lineno})")

        for r in block.results:
            if r.suite is not None:
                self._count_suite(block, r)
            elif r.missing:
                pass
            elif r.skipped:
                block.skipped += 1
            elif r.ok:
                block.passed += 1
            else:
                block.failed += 1

        # A suite's "# name: pass:.." line counts its own cases.
        if block.summary is not None and not block.subtests:
            self._check_summary(block, label)

    def _count_suite(self, block: Suite, r: Case):
        child = r.suite
        block.passed += child.passed
        block.failed += child.failed
        block.skipped += child.skipped
        if r.missing or r.skipped:
            return          # a missing line is already an error
        # "ok" must mean no result line inside said "not ok"; "not ok" needs
        # some failure inside (a failed or missing result, an error).
        said_not_ok = sum(c.status == "fail" and not c.missing
                          for c in child.results)
        if r.ok and said_not_ok:
            self._error(block, f"line {r.lineno}: suite '{child.name}' reported "
                        f"ok but {said_not_ok} of its results are not ok")
        elif not r.ok and not child.failed:
            self._error(block, f"line {r.lineno}: suite '{child.name}' reported "
                        "not ok but none of its results failed")

    def _check_summary(self, block: Suite, label: str):
        leaves = [r for r in block.results if not r.missing]
        seen = (sum(r.status == "pass" for r in leaves),
                sum(r.status == "fail" for r in leaves),
                sum(r.status == "skip" for r in leaves))
        p, f, s, total = block.summary
        if (p, f, s) != seen or total not in (len(leaves), block.plan):
            self._error(block, f"{label}: summary says pass:{p} fail:{f} skip:{s} "
                        f"total:{total}, the results say pass:{seen[0]} "
                        f"fail:{seen[1]} skip:{seen[2]} total:{len(leaves)}")

    def _error(self, block: Suite, message: str):
        block.problems.append(Problem(message))
        block.failed += 1


def _ranges(numbers: List[int]) -> str:
    """[3, 4, 5, 7] -> '3..5, 7'"""
    parts, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            parts.append(str(n) if start == n else f"{start}..{n}")
            start = None
    return ", ".join(parts)


# --- public interface -----------------------------------------------------------

def parse(text: str) -> KtapResult:
    """Parse a whole log (any amount of leading and interleaved noise)."""
    parser = _Parser()
    for lineno, line in enumerate(text.split("\n"), start=1):
        parser.feed(lineno, line)
    return parser.finish()


def parse_file(path: str) -> KtapResult:
    with open(path, "rb") as f:
        return parse(f.read().decode("utf-8", errors="replace"))


def report(result: KtapResult, out=None, max_diag: int = 8):
    """Print what failed and why, then the counts: of the whole log, and
    of each KTAP document when there are several (all are counted)."""
    out = out or sys.stdout
    for path, case in result.failures():
        note = f" # {case.directive}" if case.directive else ""
        print(f"  FAIL {path}{note}", file=out)
        for line in case.diagnostics[-max_diag:]:
            print(f"       # {line}", file=out)
    for err in result.errors:
        print(f"  ERROR {err}", file=out)
    if result.crash_reason:
        print(f"  CRASH {result.crash_reason}", file=out)
    suites = len(result.suites)
    docs = len(result.documents)
    print(f"ktap: {_counts_text(result.passed, result.failed, result.skipped)} "
          f"({suites} suite{'s' * (suites != 1)}, {docs} KTAP document{'s' * (docs != 1)}"
          f"{', each counted' if docs > 1 else ''})", file=out)
    if docs > 1:
        for line in result.documents_summary():
            print(f"  {line}", file=out)


def _suite_json(block: Suite) -> dict:
    cases, suites = [], []
    for r in block.results:
        if r.suite is not None:
            sub = _suite_json(r.suite)
            sub["result"] = None if r.missing else ("ok" if r.ok else "not ok")
            suites.append(sub)
        else:
            cases.append({"number": r.number, "name": r.name,
                          "status": STATUS_WORDS[r.status], "directive": r.directive,
                          "diagnostics": list(r.diagnostics), "line": r.lineno})
    return {"name": block.name, "line": block.lineno, "plan": block.plan,
            "counts": block.counts(), "cases": cases, "suites": suites,
            "errors": block.errors}


def to_json(result: KtapResult, log: Optional[str] = None) -> dict:
    """The whole result as plain data: counts, each document (its suites,
    nested as in the log, their cases and errors), and the flat list of
    outcomes whose statuses add up to the counts."""
    documents = []
    for number, doc in enumerate(result.documents, start=1):
        body = _suite_json(doc)
        documents.append({"number": number, "line": doc.lineno, "counts": body["counts"],
                          "suites": body["suites"], "cases": body["cases"],
                          "errors": [e for block in doc.walk() for e in block.errors]})
    return {"log": log, "ok": result.ok,
            "counts": _counts(result.passed, result.failed, result.skipped),
            "documents": documents,
            "cases": [o.to_json() for o in result.outcomes()],
            "errors": list(result.errors), "verdict": result.verdict,
            "verdict_detail": result.verdict_detail, "crash_reason": result.crash_reason}


def main(argv: List[str]) -> int:
    p = argparse.ArgumentParser(prog="tests/ktap.py",
                                description="Summarize the KTAP results in a log.")
    p.add_argument("--json", action="store_true",
                   help="print the results as JSON (counts, documents, suites, cases, errors)")
    p.add_argument("log", metavar="LOG")
    try:
        args = p.parse_args(argv[1:])
    except SystemExit as e:
        return 2 if e.code else 0
    try:
        result = parse_file(args.log)
    except OSError as e:
        print(f"ktap: cannot read {args.log}: {e.strerror}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(to_json(result, args.log), sys.stdout, indent=1)
        print()
    else:
        report(result)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
