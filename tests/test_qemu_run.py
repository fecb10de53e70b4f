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
sys.path.insert(0, HERE)
from script_module import load_script  # noqa: E402
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

    def test_a_verdict_inside_a_line_is_not_one(self):
        """a verdict echoed inside a typed line does not count: only one at a line's start"""
        code, err = self.run_runner(self.stand_in("""
            print("zdk> say zdk: verdict: PASS (typed, not printed)", flush=True)
            sys.exit(0)
        """))
        self.assertEqual(code, CRASH, err)
        self.assertIn("no verdict line", err)

    def test_an_interactive_runs_verdict_from_the_terminal_when_com2_has_none(self):
        """verdict_log(): the COM2 log's verdict, else the terminal's (a kernel that
        stopped before COM2 was set up), else the COM2 log (no verdict anywhere)"""
        module = load_qemu_run()
        com2, term = self.path("run.log"), self.path("run-console.log")
        run = module.Run()
        run.terminal_log = term
        for text_com2, text_term, want in (
                (b"x\nzdk: verdict: PASS (1 passed)\n", b"zdk: verdict: FAIL (no)\n", com2),
                (b"early lines only\n", b"[    0.1] zdk: verdict: CRASH (boot-info)\n", term),
                (b"nothing\n", b"nothing either\n", com2)):
            with open(com2, "wb") as f:
                f.write(text_com2)
            with open(term, "wb") as f:
                f.write(text_term)
            self.assertEqual(module.verdict_log(run, com2), want)
        run.terminal_log = None                 # not interactive: the log alone
        self.assertEqual(module.verdict_log(run, com2), com2)

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
        module = load_qemu_run()
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


def load_qemu_run():
    return load_script(QEMU_RUN, "qemu_run")


class FirmwareAndKvm(unittest.TestCase):
    """qcow2 firmware (Fedora's 4 MiB OVMF) and the word on a /dev/kvm that refuses."""

    QCOW2 = b"QFI\xfb" + bytes(60)
    setUp, tearDown = QemuRunVerdicts.setUp, QemuRunVerdicts.tearDown
    path, stand_in, run_runner = (QemuRunVerdicts.path, QemuRunVerdicts.stand_in,
                                  QemuRunVerdicts.run_runner)

    def test_pflash_format_comes_from_the_files_bytes(self):
        """a qcow2 image named .fd is passed as qcow2, a raw one named .qcow2 as raw,
        and the vars copy keeps its bytes"""
        code_fd, vars_qcow2 = self.path("code.fd"), self.path("vars.qcow2")
        with open(code_fd, "wb") as f:
            f.write(self.QCOW2)
        with open(vars_qcow2, "wb") as f:
            f.write(b"RAW!" + bytes(60))
        qemu = self.stand_in("""
            drives = [a for a in sys.argv if a.startswith("if=pflash")]
            for d in drives:
                path = d.split("file=", 1)[1]
                print("DRIVE", d.split(",file=")[0], open(path, "rb").read(4), flush=True)
            print("zdk: verdict: PASS (0 passed, 0 failed)", flush=True)
            sys.exit(0)
        """)
        cmd_code, err = self.run_runner(qemu, "--ovmf-vars", vars_qcow2)
        self.assertEqual(cmd_code, PASS, err)
        with open(self.path("serial.log")) as f:
            drives = [line.split()[1:] for line in f if line.startswith("DRIVE")]
        self.assertEqual(drives, [["if=pflash,format=qcow2,readonly=on", "b'QFI\\xfb'"],
                                  ["if=pflash,format=raw", "b'RAW!'"]])

    def test_the_qcow2_vars_copy_stays_qcow2(self):
        """the run's copy of a qcow2 variable store is qcow2 too, and named so"""
        module = load_qemu_run()
        src = self.path("OVMF_VARS_4M.qcow2")
        with open(src, "wb") as f:
            f.write(self.QCOW2)
        copy = module.copy_vars(self.tmp + "/", src)
        self.assertTrue(copy.endswith("OVMF_VARS.qcow2"), copy)
        self.assertEqual(module.image_format(copy), "qcow2")
        self.assertEqual(module.image_format(self.path("vars.fd")), "raw")

    def test_a_refused_dev_kvm_says_why_and_how_to_fix_it(self):
        """each reason /dev/kvm refuses to open gets its own fix, then the TCG fallback"""
        import errno
        module = load_qemu_run()
        device = self.path("kvm")
        with open(device, "w"):
            pass
        if os.stat(device).st_gid == 0:         # the tests run as root: a group of its own
            os.chown(device, -1, 64999)
        gid = os.stat(device).st_gid
        denied = OSError(errno.EACCES, "Permission denied")
        os.chmod(device, 0o600)
        line = module.kvm_open_advice(denied, device, my_groups=set(), user="ann", members=[],
                                      euid=1000)
        self.assertIn("you are not in group", line)
        self.assertIn("sudo usermod -aG", line)
        self.assertIn("log in again", line)
        self.assertTrue(line.endswith("running under TCG (much slower)"), line)
        line = module.kvm_open_advice(denied, device, my_groups=set(), user="ann",
                                      members=["bob", "ann"], euid=1000)
        self.assertIn("after this login session began", line)
        line = module.kvm_open_advice(denied, device, my_groups={gid}, user="ann", members=[],
                                      euid=1000)
        self.assertIn("does not let group", line)
        os.chmod(device, 0o660)
        line = module.kvm_open_advice(denied, device, my_groups={gid}, user="ann", members=[],
                                      euid=1000)
        self.assertIn("an ACL, SELinux or AppArmor refuses it", line)
        line = module.kvm_open_advice(denied, device, my_groups=set(), user="root", members=[],
                                      euid=0)
        self.assertIn("even to root", line)
        self.assertNotIn("usermod", line)
        busy = module.kvm_open_advice(OSError(errno.EBUSY, "Device or resource busy"), device)
        self.assertIn("another hypervisor", busy)
        absent = module.kvm_open_advice(OSError(errno.ENXIO, "No such device or address"), device)
        self.assertIn("kvm_intel or kvm_amd not loaded", absent)
        for line in (busy, absent):
            self.assertTrue(line.startswith(f"{device} exists but cannot be opened: "), line)


def load_runner():
    """tests/qemu-run as a module, for its input parsing and typist."""
    return load_script(QEMU_RUN, "qemu_run_input")


class FakeLines:
    """InputLines' interface over a list of --input lines."""

    def __init__(self, *lines):
        self.pending = [line.encode() if isinstance(line, str) else line for line in lines]
        self.read = 0
        self.done = False

    def next(self):
        if not self.pending:
            self.done = True
            return None
        self.read += 1
        return self.pending.pop(0)


class InputDirections(unittest.TestCase):
    """The --input syntax: prompts counted without the shell's redraws,
    @wait / @ctrl-c / @type / @ahead / @pause carried out in order."""

    ERASE = b"\r\x1b[K"
    setUp, tearDown = QemuRunVerdicts.setUp, QemuRunVerdicts.tearDown
    path, stand_in, run_runner = (QemuRunVerdicts.path, QemuRunVerdicts.stand_in,
                                  QemuRunVerdicts.run_runner)

    @classmethod
    def setUpClass(cls):
        cls.runner = load_runner()

    def typist(self, *lines):
        return self.runner.Typist(FakeLines(*lines))

    def test_prompts_split_across_reads_are_counted_once(self):
        """a prompt cut by a read counts once; text typed after it does not count"""
        counter = self.runner.PromptCounter()
        self.assertEqual(counter.feed(b"boot...\nzd"), 0)
        self.assertEqual(counter.feed(b"k> "), 1)
        self.assertEqual(counter.feed(b"version\r\nzdk 1\nzdk> zdk> "), 2)

    def test_a_redrawn_prompt_is_not_a_new_one(self):
        """ERASE, a message, then the prompt drawn again: no new prompt, even split anywhere"""
        out = b"zdk> pmem l" + self.ERASE + b"unbind: pmem0: unbound\r\nzdk> pmem l"
        for cut in range(1, len(out)):
            counter = self.runner.PromptCounter()
            self.assertEqual(counter.feed(out[:cut]) + counter.feed(out[cut:]), 1, cut)
        counter = self.runner.PromptCounter()
        self.assertEqual(counter.feed(out + b"ist\r\nlisted\r\nzdk> "), 2)

    def test_prompt_ends_are_offsets_in_the_whole_output(self):
        """ends holds where each new prompt ends, across reads, redraws left out"""
        out = b"boot\nzdk> " + self.ERASE + b"msg\r\nzdk> pmem list\r\nlisted\r\nzdk> "
        want = [out.index(b"zdk> ") + 5, len(out)]
        for cut in range(1, len(out)):
            counter = self.runner.PromptCounter()
            counter.feed(out[:cut])
            counter.feed(out[cut:])
            self.assertEqual(counter.ends, want, cut)

    def test_directions_parse_and_bad_ones_are_refused(self):
        """each direction's form; '@@' types an '@'; an unknown one names the choices"""
        parse = self.runner.parse_input_line
        self.assertEqual(parse(b"pmem list"), ("line", b"pmem list"))
        self.assertEqual(parse(b"@@home"), ("line", b"@home"))
        self.assertEqual(parse(b"@ctrl-c"), ("ctrl-c", None))
        self.assertEqual(parse(b"@type pmem l"), ("type", b"pmem l"))
        self.assertEqual(parse(b"@ahead version"), ("ahead", b"version"))
        self.assertEqual(parse(b"@pause 250"), ("pause", 0.25))
        kind, regex = parse(b"@wait sleep \\d+\r?\n")
        self.assertEqual(kind, "wait")
        self.assertTrue(regex.search(b"zdk> sleep 60000\r\n"))
        for bad in (b"@ctrlc", b"@wait", b"@wait (", b"@pause x", b"@type", b"@ctrl-c now"):
            with self.assertRaises(self.runner.SetupError) as caught:
                parse(bad, "f:3")
            self.assertIn("f:3", str(caught.exception))

    def test_ctrl_c_goes_once_the_command_has_started(self):
        """a line at its prompt; ^C only after @wait matched; the next line at the next prompt"""
        t = self.typist("sleep 60000", r"@wait sleep 60000\r?\n", "@ctrl-c", "version")
        self.assertEqual(t.pump(0), b"")                 # no prompt yet
        t.output(b"zdk shell\nzdk> ")
        self.assertEqual(t.pump(0), b"sleep 60000\r")
        self.assertEqual(t.pump(0), b"")                 # the echo has not come
        t.output(b"sleep 60000\r\n")
        self.assertEqual(t.pump(0), b"\x03")
        self.assertEqual(t.waiting_for(), "a prompt to type line 4")
        t.output(b"^C\r\nsleep: interrupted after 120 of 60000 ms\r\nzdk> ")
        self.assertEqual(t.pump(0), b"version\r")

    def test_a_typed_half_line_is_finished_after_the_message(self):
        """@type types ahead without Enter, @wait for a message, the rest typed without a
        prompt; the prompt the half line was typed for and the redraw are no new prompts"""
        t = self.typist("unbind pmem0 &", "@type pmem l", "@wait unbound", "ist", "version")
        t.output(b"zdk> ")
        self.assertEqual(t.pump(0), b"unbind pmem0 &\rpmem l")
        t.output(b"unbind pmem0 &\r\nunbinding in the background\r\nzdk> ")
        self.assertEqual(t.pump(0), b"")
        self.assertEqual(t.waiting_for(), "@wait unbound")
        t.output(b"pmem l" + self.ERASE + b"unbind: pmem0: unbound\r\nzdk> pmem l")
        self.assertEqual(t.pump(0), b"ist\r")
        self.assertEqual(t.pump(0), b"")                 # the redraw was no prompt
        t.output(b"ist\r\nDEVICE ...\r\nzdk> ")
        self.assertEqual(t.pump(0), b"version\r")

    def test_a_line_typed_ahead_answers_the_next_prompt(self):
        """@ahead types during a command; the prompt after it is that line's, not the next"""
        t = self.typist("sleep 1000", "@wait sleep", "@ahead version", "help")
        t.output(b"zdk> ")
        self.assertEqual(t.pump(0), b"sleep 1000\r")
        t.output(b"sleep 1000\r\n")
        self.assertEqual(t.pump(0), b"version\r")
        t.output(b"zdk> ")
        self.assertEqual(t.pump(0), b"")                 # this prompt reads 'version'
        t.output(b"version\r\nzdk 1\r\nzdk> ")
        self.assertEqual(t.pump(0), b"help\r")

    def test_ahead_after_type_ends_that_line(self):
        """@type then @ahead is one line: it takes one prompt, the next line the one after"""
        t = self.typist("@type pmem", "@ahead  list", "version")
        t.output(b"zdk> ")
        self.assertEqual(t.pump(0), b"pmem list\r")
        t.output(b"pmem list\r\nDEVICE ...\r\nzdk> ")
        self.assertEqual(t.pump(0), b"version\r")

    def test_type_after_type_continues_that_line(self):
        """two @type lines and the plain line that ends them: one prompt"""
        t = self.typist("@type pm", "@type em l", "ist", "version")
        t.output(b"zdk> ")
        self.assertEqual(t.pump(0), b"pmem list\r")
        t.output(b"pmem list\r\nDEVICE ...\r\nzdk> ")
        self.assertEqual(t.pump(0), b"version\r")

    def test_ctrl_c_discards_the_lines_typed_ahead(self):
        """the shell discards what was typed ahead of a stopped command: the prompt after
        it is the next line's"""
        t = self.typist("sleep 60000", "@wait sleep", "@ahead version", "@ahead cpus",
                        "@ctrl-c", "help")
        t.output(b"zdk> ")
        self.assertEqual(t.pump(0), b"sleep 60000\r")
        t.output(b"sleep 60000\r\n")
        self.assertEqual(t.pump(0), b"version\rcpus\r\x03")
        t.output(b"^C\r\nsleep: interrupted\r\nshell: Ctrl-C discarded 13 bytes typed ahead"
                 b"\r\nzdk> ")
        self.assertEqual(t.pump(0), b"help\r")

    def test_ctrl_c_at_a_prompt_answers_no_prompt(self):
        """a Ctrl-C at an empty prompt draws a new one: still one line to type, at it"""
        t = self.typist("@ctrl-c", "version", "help")
        t.output(b"zdk> ")
        self.assertEqual(t.pump(0), b"\x03")
        t.output(b"^C\r\nzdk> ")
        self.assertEqual(t.pump(0), b"version\r")
        self.assertEqual(t.pump(0), b"")                 # help waits for its own prompt

    def test_pause_waits_its_time_and_waits_look_past_each_other(self):
        """@pause MS holds the next line that long; a second @wait starts after the first"""
        t = self.typist("@pause 500", "@wait a", "@wait a", "x")
        t.output(b"zdk> a")
        self.assertEqual(t.pump(10.0), b"")
        self.assertAlmostEqual(t.pause_left(10.2), 0.3)
        self.assertEqual(t.pump(10.5), b"")              # one 'a' seen: the second waits
        t.output(b"a")
        self.assertEqual(t.pump(10.6), b"x\r")

    def test_ctrl_c_reaches_a_running_guest(self):
        """end to end: the runner sends 0x03 once the output matches, then types at the prompt;
        a bad direction stops the run before QEMU starts"""
        with open(self.path("input"), "w") as f:
            f.write("sleep 60000\n@wait started\n@ctrl-c\npoweroff\n")
        code, err = self.run_runner(self.stand_in("""
            def read_line():
                line = b""
                while not line.endswith(b"\\r"):
                    line += sys.stdin.buffer.read(1)
                return line[:-1]
            sys.stdout.write("zdk> ")
            sys.stdout.flush()
            first = read_line()
            print("started", flush=True)
            got = sys.stdin.buffer.read(1)
            sys.stdout.write("zdk> ")
            sys.stdout.flush()
            second = read_line()
            print()                             # the shell's echo ends the line
            ok = (first, got, second) == (b"sleep 60000", b"\\x03", b"poweroff")
            print("zdk: verdict: " + ("PASS" if ok else "FAIL"), flush=True)
            sys.exit(0)
        """), "--input", self.path("input"))
        self.assertEqual(code, PASS, err)
        with open(self.path("input"), "w") as f:
            f.write("version\n@nosuch thing\n")
        code, err = self.run_runner(self.stand_in("sys.exit(0)\n"), "--input", self.path("input"))
        self.assertEqual(code, SETUP, err)
        self.assertIn("@nosuch thing", err)

if __name__ == "__main__":
    unittest.main()
