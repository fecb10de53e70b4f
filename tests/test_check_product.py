"""Tests of the line between product and test code.

scripts/check-product on the repository must pass, and on small trees made
here it must name a product file that includes test code (and only that).
The KTEST=n kernel that `make test` builds (build/ktest-n/kernel.elf) must
hold none of the harness's symbols while the test kernel does: proof that
the build really left the tests out.
"""

import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CHECK = os.path.join(REPO, "scripts", "check-product")
BUILD = os.path.join(REPO, "build")
NM = os.environ.get("NM", "nm")

# Symbols only the self-test harness and the benchmarks define.
HARNESS_SYMBOLS = ("ktest_run", "bench_run_all", "ktest_stage", "fault_fixture_run",
                   "arch_setjmp")


def run_check(top):
    done = subprocess.run([sys.executable, CHECK, top], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    return done.returncode, done.stdout


def write(top, rel, text):
    path = os.path.join(top, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def symbols(elf):
    done = subprocess.run([NM, "--defined-only", elf], stdout=subprocess.PIPE, text=True,
                          check=True)
    return {line.split()[-1] for line in done.stdout.splitlines() if line.split()}


class CheckProduct(unittest.TestCase):
    def test_repository_product_includes_no_test_code(self):
        code, out = run_check(REPO)
        self.assertEqual(code, 0, out)
        self.assertIn("product files include no test code", out)

    def test_product_file_including_the_harness_is_named(self):
        with tempfile.TemporaryDirectory() as top:
            write(top, "kernel/main.c", '#include <lib/printk.h>\n#include <lib/ktest.h>\n')
            code, out = run_check(top)
        self.assertEqual(code, 1)
        self.assertIn("kernel/main.c:2: includes lib/ktest.h (test code)", out)

    def test_product_file_including_a_tests_header_is_named(self):
        with tempfile.TemporaryDirectory() as top:
            write(top, "drivers/pmem/dax.c", '#include "mm/tests/pgmap_range.h"\n')
            code, out = run_check(top)
        self.assertEqual(code, 1)
        self.assertIn("drivers/pmem/dax.c:1: includes mm/tests/pgmap_range.h", out)

    def test_relative_include_of_the_harness_is_resolved(self):
        with tempfile.TemporaryDirectory() as top:
            write(top, "lib/ktest.h", "/* the harness */\n")
            write(top, "lib/printk.c", '#include "ktest.h"\n')
            write(top, "mm/gup.c", '#include "../lib/ktest.h"\n')
            code, out = run_check(top)
        self.assertEqual(code, 1)
        self.assertIn("lib/printk.c:1: includes lib/ktest.h (test code)", out)
        self.assertIn("mm/gup.c:1: includes lib/ktest.h (test code)", out)

    def test_asm_include_of_test_code_is_named(self):
        with tempfile.TemporaryDirectory() as top:
            write(top, "arch/x86/entry.asm", '%include "tests/setjmp.inc"\n')
            code, out = run_check(top)
        self.assertEqual(code, 1)
        self.assertIn("arch/x86/entry.asm:1: includes", out)

    def test_test_code_may_include_test_code(self):
        with tempfile.TemporaryDirectory() as top:
            write(top, "mm/tests/gup_test.c", "#include <lib/ktest.h>\n")
            write(top, "mm/gup_bench.c", "#include <lib/bench.h>\n#include <mm/page_ref_bench.h>\n")
            write(top, "lib/ktest.c", "#include <lib/ktest.h>\n")
            code, out = run_check(top)
        self.assertEqual(code, 0, out)
        self.assertIn("0 product files", out)


class KtestNKernel(unittest.TestCase):
    def test_ktest_n_kernel_has_no_harness_symbols(self):
        product = os.path.join(BUILD, "ktest-n", "kernel.elf")
        full = os.path.join(BUILD, "kernel.elf")
        if not (os.path.exists(product) and os.path.exists(full)):
            self.skipTest("build/ktest-n/kernel.elf or build/kernel.elf not built "
                          "(make test builds both)")
        have_full, have_product = symbols(full), symbols(product)
        for name in HARNESS_SYMBOLS:
            self.assertIn(name, have_full)          # the names are right...
            self.assertNotIn(name, have_product)    # ...and absent without the tests
        self.assertFalse([s for s in have_product if s.endswith("_test_cases")
                          or s.startswith("__ktest_suite_")])


if __name__ == "__main__":
    unittest.main()
