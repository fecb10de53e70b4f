"""Tests of tests/qemu-run's verdicts, with a stand-in QEMU.

Each case writes a small program that takes QEMU's place (--qemu): it
prints what a guest might have printed on the serial port and exits with
the status QEMU would have. The runner must turn that into the exit code
README promises: 0 PASS, 1 FAIL, 2 CRASH (also: no verdict at all),
3 TIMEOUT, 4 SETUP ERROR, 5 CUT (a power cut asked for with --cut-after); with
--gdb, --gdb-port and --gdb-nowait, the stub must listen on 127.0.0.1 only and
the gdbinit must load scripts/gdb/zdk.py. The firmware, kernel and loader are dummy files:
the stand-in never reads them. Needs mkfs.fat and mtools (make's dependency
step installs them), as every run of the runner does.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest
import unittest.mock

HERE = os.path.dirname(os.path.abspath(__file__))
QEMU_RUN = os.path.join(HERE, "qemu-run")
PASS, FAIL, CRASH, TIMEOUT, SETUP, CUT = 0, 1, 2, 3, 4, 5


class QemuRunVerdicts(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="zdk-qemu-run-test-")
        for name in ("code.fd", "vars.fd", "kernel.elf", "loader.efi"):
            with open(self.path(name), "wb") as f:
                f.write(b"not used by the stand-in\n")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def stand_in(self, body):
        """A stand-in QEMU: a Python program with the given body."""
        qemu = self.path("qemu")
        with open(qemu, "w") as f:
            f.write(f"#!{sys.executable}\nimport sys, time\n" + textwrap.dedent(body))
        os.chmod(qemu, 0o755)
        return qemu

    def run_runner(self, qemu, *extra, nvdimm="none", timeout=60):
        cmd = [sys.executable, QEMU_RUN, "--quiet", "--accel", "tcg", "--nvdimm", nvdimm,
               "--qemu", qemu, "--ovmf-code", self.path("code.fd"),
               "--ovmf-vars", self.path("vars.fd"), "--kernel", self.path("kernel.elf"),
               "--loader", self.path("loader.efi"), "--log", self.path("serial.log"),
               "--timeout", "30", *extra]
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
        return done.returncode, done.stderr.decode(errors="replace")

    def test_exit_0_without_verdict_is_a_crash(self):
        """QEMU ending with status 0 and nothing printed is not a pass"""
        code, err = self.run_runner(self.stand_in("sys.exit(0)\n"))
        self.assertEqual(code, CRASH, err)
        self.assertIn("no verdict line", err)

    def test_exit_0_with_output_but_no_verdict_is_a_crash(self):
        """a boot that stops printing before any verdict (a reset) is a crash"""
        code, err = self.run_runner(self.stand_in("""
            print("zdk x86-64 booting", flush=True)
            sys.exit(0)
        """))
        self.assertEqual(code, CRASH, err)

    def test_power_off_after_pass_verdict_passes(self):
        """an ACPI power-off after 'verdict: PASS' is a pass"""
        code, err = self.run_runner(self.stand_in("""
            print("zdk: verdict: PASS (3 passed, 0 failed)", flush=True)
            sys.exit(0)
        """))
        self.assertEqual(code, PASS, err)

    def test_power_off_after_fail_verdict_fails(self):
        """an ACPI power-off after 'verdict: FAIL' is a failure"""
        code, err = self.run_runner(self.stand_in("""
            print("zdk: verdict: FAIL (1 passed, 1 failed)", flush=True)
            sys.exit(0)
        """))
        self.assertEqual(code, FAIL, err)

    def test_debug_exit_codes_map_to_verdicts(self):
        """isa-debug-exit statuses 33, 35 and 37 are PASS, FAIL and CRASH"""
        for status, want in ((33, PASS), (35, FAIL), (37, CRASH)):
            code, err = self.run_runner(self.stand_in(f"sys.exit({status})\n"))
            self.assertEqual(code, want, f"status {status}: {err}")

    def test_other_status_is_a_crash(self):
        """QEMU killed by a signal, or any other status after output, is a crash"""
        code, err = self.run_runner(self.stand_in("""
            print("zdk: verdict: PASS (3 passed, 0 failed)", flush=True)
            sys.exit(3)
        """))
        self.assertEqual(code, CRASH, err)

    def test_qemu_refusing_to_start_is_a_setup_error(self):
        """status 1 with no serial output means QEMU itself refused: its message is shown"""
        code, err = self.run_runner(self.stand_in("""
            print("qemu: -device nvdimm: memory slots too few", file=sys.stderr)
            sys.exit(1)
        """))
        self.assertEqual(code, SETUP, err)
        self.assertIn("memory slots too few", err)

    def test_bad_option_is_a_setup_error(self):
        """a malformed --nvdimm size stops the run before QEMU starts"""
        code, err = self.run_runner(self.stand_in("sys.exit(0)\n"), nvdimm="12Q")
        self.assertEqual(code, SETUP, err)
        self.assertIn("12Q", err)

    def test_input_is_typed_after_each_prompt(self):
        """--input lines go to the guest one per 'zdk> ' prompt"""
        script = self.path("input")
        with open(script, "w") as f:
            f.write("version\npoweroff\n")
        code, err = self.run_runner(self.stand_in("""
            print("zdk: verdict: PASS (0 passed, 0 failed)", flush=True)
            got = []
            for _ in range(2):
                sys.stdout.write("zdk> ")
                sys.stdout.flush()
                line = b""
                while not line.endswith(b"\\r"):      # the runner ends a line with CR
                    line += sys.stdin.buffer.read(1)
                got.append(line[:-1].decode())
            print("typed:", ",".join(got), flush=True)
            sys.exit(0 if got == ["version", "poweroff"] else 37)
        """), "--input", script)
        self.assertEqual(code, PASS, err)
        with open(self.path("serial.log"), "rb") as f:
            self.assertIn(b"typed: version,poweroff", f.read())

    def gdb_run(self, *options, gdbinit):
        """A run with gdb options: the stand-in prints its arguments and the
        gdbinit the runner wrote. Returns (arguments, gdbinit text)."""
        code, err = self.run_runner(self.stand_in(f"""
            import os
            print("argv:", " ".join(sys.argv[1:]))
            path = {self.path(gdbinit)!r}
            print("gdbinit:", open(path).read().replace("\\n", "|") if os.path.exists(path) else "none")
            print("zdk: verdict: PASS (0 passed, 0 failed)", flush=True)
            sys.exit(0)
        """), *options)
        self.assertEqual(code, PASS, err)
        with open(self.path("serial.log")) as f:
            lines = dict(line.rstrip("\n").split(": ", 1) for line in f if ": " in line)
        self.assertFalse(os.path.exists(self.path(gdbinit)), "the gdbinit outlived QEMU")
        return lines["argv"].split(), lines["gdbinit"]

    def test_gdb_port_nowait_runs_with_a_localhost_stub(self):
        """--gdb-port N --gdb-nowait: a stub on 127.0.0.1:N, no -S, a gdbinit of its own"""
        argv, gdbinit = self.gdb_run("--gdb-port", "23999", "--gdb-nowait",
                                     gdbinit="gdbinit-23999")
        self.assertIn("tcp:127.0.0.1:23999", argv)
        self.assertEqual(argv[argv.index("tcp:127.0.0.1:23999") - 1], "-gdb")
        self.assertNotIn("-S", argv)
        self.assertNotIn("-s", argv)            # -s would listen on every interface
        self.assertIn("target remote 127.0.0.1:23999", gdbinit)
        self.assertRegex(gdbinit, r"source /\S+/scripts/gdb/zdk\.py")

    def test_gdb_starts_halted_on_localhost_at_the_users_port(self):
        """--gdb: the stub on 127.0.0.1 at 20000 + uid % 10000 and -S; build/gdbinit sources
        the helpers"""
        port = 20000 + os.getuid() % 10000
        with unittest.mock.patch.dict(os.environ):
            os.environ.pop("GDBPORT", None)
            argv, gdbinit = self.gdb_run("--gdb", gdbinit="gdbinit")
        self.assertIn(f"tcp:127.0.0.1:{port}", argv)
        self.assertIn("-S", argv)
        self.assertNotIn("-s", argv)
        self.assertIn("file " + self.path("kernel.elf"), gdbinit)
        self.assertIn(f"target remote 127.0.0.1:{port}", gdbinit)
        self.assertRegex(gdbinit, r"source /\S+/scripts/gdb/zdk\.py")

    def test_gdbport_from_the_environment(self):
        """GDBPORT=N moves the stub (and build/gdbinit) to N; --gdb-port still wins"""
        with unittest.mock.patch.dict(os.environ, {"GDBPORT": "24680"}):
            argv, gdbinit = self.gdb_run("--gdb", gdbinit="gdbinit")
            self.assertIn("tcp:127.0.0.1:24680", argv)
            self.assertIn("target remote 127.0.0.1:24680", gdbinit)
            argv, _ = self.gdb_run("--gdb-port", "24681", gdbinit="gdbinit-24681")
            self.assertIn("tcp:127.0.0.1:24681", argv)

    def test_bad_gdbport_is_refused(self):
        """GDBPORT that is no port: refused before QEMU starts, naming the value"""
        for bad in ("0", "65536", "12ab", "-5"):
            with unittest.mock.patch.dict(os.environ, {"GDBPORT": bad}):
                code, err = self.run_runner(self.stand_in("sys.exit(0)\n"), "--gdb")
            self.assertNotEqual(code, PASS, bad)
            self.assertIn(f"GDBPORT '{bad}' is not a port: expected 1 to 65535", err)

    def test_which_accel_follows_the_choice(self):
        """--which-accel prints the accelerator asked for, without probing"""
        for accel in ("tcg", "kvm"):
            done = subprocess.run([sys.executable, QEMU_RUN, "--which-accel", "--accel", accel],
                                  stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
            self.assertEqual((done.returncode, done.stdout.decode().strip()), (0, accel))

    def test_kvm_probe_guest_reaches_the_exit_port(self):
        """the probe BIOS jumps from the reset vector to code that writes PASS to port 0xf4"""
        import importlib.machinery
        import importlib.util
        loader = importlib.machinery.SourceFileLoader("qemu_run", QEMU_RUN)
        spec = importlib.util.spec_from_loader("qemu_run", loader)
        module = importlib.util.module_from_spec(spec)
        loader.exec_module(module)
        bios = module.kvm_probe_bios()
        self.assertEqual(len(bios), 65536)
        self.assertEqual(bios[0xfff0], 0xe9)                 # jmp near
        target = (0xfff3 + int.from_bytes(bios[0xfff1:0xfff3], "little")) & 0xffff
        code = bios[target:target + len(module.KVM_PROBE_CODE)]
        self.assertEqual(code, module.KVM_PROBE_CODE)
        self.assertIn(bytes([0x9b, 0xdb, 0xe3]), code)     # fninit, what some KVMs cannot run
        self.assertIn(bytes([0xb0, 0x10, 0xe6, 0xf4]), code)  # PASS to isa-debug-exit

    def test_hang_is_a_timeout(self):
        """a guest that never ends is stopped by the watchdog and reported as a timeout"""
        code, err = self.run_runner(self.stand_in("""
            print("zdk: verdict: PASS (0 passed, 0 failed)", flush=True)
            time.sleep(600)
        """), "--timeout", "2")
        self.assertEqual(code, TIMEOUT, err)

    def test_cut_kills_with_sigkill_after_the_pattern(self):
        """--cut-after: SIGKILL once the pattern is read; nothing after it runs"""
        marker = self.path("marker")
        code, err = self.run_runner(self.stand_in(f"""
            import signal
            signal.signal(signal.SIGTERM, lambda *a: open({marker!r}, "w").write("TERM"))
            for k in range(1000000):
                print(f"powercut: ack 7 {{k}}", flush=True)
                time.sleep(0.001)
        """), "--cut-after", r"ack 7 20\r?\n")
        self.assertEqual(code, CUT, err)
        self.assertIn("killed by SIGKILL", err)
        self.assertFalse(os.path.exists(marker), "QEMU got SIGTERM, not a power cut")
        with open(self.path("serial.log")) as f:
            acks = [int(line.split()[-1]) for line in f if line.startswith("powercut: ack")]
        self.assertGreaterEqual(max(acks), 20)
        self.assertLess(max(acks), 20000)    # killed, not run to the end

    def test_cut_never_matched_is_judged_as_usual(self):
        """a guest that powers off before the pattern shows is judged by its verdict"""
        code, err = self.run_runner(self.stand_in("""
            print("zdk: verdict: FAIL (powercut: 1 lost)", flush=True)
            sys.exit(0)
        """), "--cut-after", "never printed")
        self.assertEqual(code, FAIL, err)

    def test_cut_pattern_early_in_a_large_read(self):
        """the pattern is found when it comes early in one read far larger than 4 KiB"""
        code, err = self.run_runner(self.stand_in("""
            sys.stdout.write("".join(f"powercut: ack 7 {k}\\n" for k in range(5000)))
            sys.stdout.flush()
            time.sleep(600)
        """), "--cut-after", r"ack 7 20\r?\n", "--timeout", "20")
        self.assertEqual(code, CUT, err)

    def test_cut_pattern_split_across_reads(self):
        """the pattern is found even when the output arrives in pieces"""
        code, err = self.run_runner(self.stand_in("""
            for piece in ["power", "cut: a", "ck 1 0", "\\n"]:
                sys.stdout.write(piece)
                sys.stdout.flush()
                time.sleep(0.3)
            time.sleep(600)
        """), "--cut-after", r"powercut: ack 1 0\r?\n", "--timeout", "20")
        self.assertEqual(code, CUT, err)


if __name__ == "__main__":
    unittest.main()
