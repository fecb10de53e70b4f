"""Tests of scripts/check-docs: the docs name only files and functions that exist.

The repository must pass. A small repository made here must fail on a
doc that names a missing file or a function no source defines, and pass
on one that names what exists (including the [ch] and relative tests/
forms the docs use).
"""

import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CHECK = os.path.join(REPO, "scripts", "check-docs")


def run_check(top):
    done = subprocess.run([sys.executable, CHECK, top], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    return done.returncode, done.stdout


def make_repo(top, files):
    for rel, text in files.items():
        path = os.path.join(top, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)


SOURCES = {
    "mm/gup.c": "long get_user_pages(void) { return 0; }\n",
    "mm/gup.h": "long get_user_pages(void);\n",
    "drivers/pmem/tests/pmem_test.c": "static void case_one(void) {}\n",
}


class CheckDocs(unittest.TestCase):
    def test_repository_docs_name_what_exists(self):
        code, out = run_check(REPO)
        self.assertEqual(code, 0, out)
        self.assertIn("all found", out)

    def test_existing_names_pass(self):
        with tempfile.TemporaryDirectory() as top:
            make_repo(top, dict(SOURCES, **{
                "README.md": "See `mm/gup.[ch]` and `get_user_pages()`.\n",
                "docs/pmem.md": "| `tests/pmem_test.c` | the suite |\n"}))
            code, out = run_check(top)
        self.assertEqual(code, 0, out)

    def test_missing_file_is_named(self):
        with tempfile.TemporaryDirectory() as top:
            make_repo(top, dict(SOURCES, **{"README.md": "x\n",
                                            "docs/mm.md": "one\nsee mm/gone.c for it\n"}))
            code, out = run_check(top)
        self.assertEqual(code, 1)
        self.assertIn("docs/mm.md:2: mm/gone.c (no such file)", out)

    def test_missing_function_is_named(self):
        with tempfile.TemporaryDirectory() as top:
            make_repo(top, dict(SOURCES, **{"README.md": "calls `get_user_pages_fast()`\n"}))
            code, out = run_check(top)
        self.assertEqual(code, 1)
        self.assertIn("README.md:1: get_user_pages_fast() (in no source file)", out)


if __name__ == "__main__":
    unittest.main()
