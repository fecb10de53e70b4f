"""Tests of tests/gdb-check's reading of the shell: each typed line's answer
is the text after its echo up to the shell's next new prompt, whatever
background messages the shell redraws its prompt after."""

import os
import shutil
import sys
import tempfile
import unittest
import unittest.mock

HERE = os.path.dirname(os.path.abspath(__file__))
ERASE = b"\r\x1b[K"


sys.path.insert(0, HERE)
from script_module import load_script  # noqa: E402


class FakeShell:
    """Stands in for qemu-run: each line written to stdin appends the
    scripted output to the serial log at once."""

    def __init__(self, log, replies):
        self.log = log
        self.replies = replies      # line typed -> bytes the "shell" writes
        self.stdin = self

    def write(self, data):
        with open(self.log, "ab") as f:
            f.write(self.replies[data.decode().rstrip("\n")])

    def flush(self):
        pass

    def poll(self):
        return None


class TypeLineTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.gdb_check = load_script(os.path.join(HERE, "gdb-check"), "gdb_check")

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="zdk-gdb-check-test-")
        self.log = os.path.join(self.tmp, "serial.log")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def type(self, boot, line, reply):
        with open(self.log, "wb") as f:
            f.write(boot)
        shell = FakeShell(self.log, {line: reply})
        return self.gdb_check.type_line(shell, self.log, line)

    def test_answer_is_the_text_between_the_echo_and_the_prompt(self):
        """a plain line: its echo left out, the text up to the next prompt kept"""
        answer = self.type(b"boot\r\nzdk> ", "devices wait",
                           b"devices wait\r\ndevices: no probe in progress\r\nzdk> ")
        self.assertEqual(answer, "devices: no probe in progress\n")

    def test_a_message_redrawn_over_the_prompt_after_typing_is_not_the_answer(self):
        """a probe's message lands between the prompt and the echo: the answer is still the command's"""
        answer = self.type(b"boot\r\nzdk> ", "devices wait",
                           ERASE + b"[    0.07] pmem0: bound to driver pmem\r\nzdk> "
                           b"devices wait\r\ndevices: no probe in progress\r\nzdk> ")
        self.assertEqual(answer, "devices: no probe in progress\n")

    def test_a_redraw_still_to_come_when_typing_is_not_the_answer(self):
        """a message's ERASE is in the log, its redrawn prompt not yet: that prompt is no answer"""
        answer = self.type(b"boot\r\nzdk> " + ERASE + b"[ 0.07] pmem0: bound\r\n", "pgmap",
                           b"zdk> pgmap\r\npmem0 live per-CPU; 5 pages in use\r\nzdk> ")
        self.assertEqual(answer, "pmem0 live per-CPU; 5 pages in use\n")

    def test_a_redraw_in_the_middle_of_the_echo_leaves_the_answer_whole(self):
        """a message lands after 'dev' is echoed: the shell redraws 'zdk> dev', the answer is the command's"""
        answer = self.type(b"boot\r\nzdk> ", "devices wait",
                           b"dev" + ERASE + b"[ 0.07] pmem0: bound\r\nzdk> dev"
                           b"ices wait\r\ndevices: no probe in progress\r\nzdk> ")
        self.assertEqual(answer, "devices: no probe in progress\n")

    def test_a_redraw_after_the_answer_belongs_to_the_next_line(self):
        """a message redrawn over the prompt that ends an answer is not part of that answer"""
        with open(self.log, "wb") as f:
            f.write(b"boot\r\nzdk> ")
        shell = FakeShell(self.log, {
            "pgmap": b"pgmap\r\npmem0 5 pages in use\r\nzdk> " + ERASE + b"[ 0.09] late\r\nzdk> ",
            "trace on": b"trace on\r\n3 event(s) on\r\nzdk> "})
        self.assertEqual(self.gdb_check.type_line(shell, self.log, "pgmap"), "pmem0 5 pages in use\n")
        self.assertEqual(self.gdb_check.type_line(shell, self.log, "trace on"), "3 event(s) on\n")

    def test_no_prompt_after_the_line_is_a_session_error(self):
        """a shell that never answers raises SessionError naming the line (no hang)"""
        with unittest.mock.patch.object(self.gdb_check, "LINE_TIMEOUT", 0.5), \
                self.assertRaises(self.gdb_check.SessionError) as caught:
            self.type(b"boot\r\nzdk> ", "pgmap", b"pgmap\r\n")
        self.assertIn("'pgmap': no prompt after", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
