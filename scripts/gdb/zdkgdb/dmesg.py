"""zdk-dmesg: the kernel log ring.

Reads lib/printk.c's log_buf (in one piece) and log_head."""

import gdb

from .command import ZdkCommand, parse_number, split_args
from .errors import ZdkError
from .memory import as_int, kernel_symbol, read_bytes


class ZdkDmesg(ZdkCommand):
    """The kernel log ring (lib/printk.c's log_buf), oldest line first.

Usage: zdk-dmesg [N]
N: show only the last N lines. What printk() kept, not what the shell
printed (kprintf() goes to the console only). A ring that has wrapped
starts at its first whole line, as log_replay() does."""

    command = "zdk-dmesg"

    def run(self, arg):
        argv = split_args(arg, 0, 1, "zdk-dmesg [N]")
        lines = log_text().splitlines()
        if argv:
            n = parse_number(argv[0], "N")
            if n < 1:
                raise ZdkError(f"bad N {n}: at least 1")
            lines = lines[-n:]
        for line in lines:
            gdb.write(line + "\n")


def log_text():
    """The log ring's text in the order it was written."""
    buf = kernel_symbol("log_buf", "lib/printk.c")
    head = as_int(kernel_symbol("log_head", "lib/printk.c"))
    size = buf.type.sizeof
    raw = read_bytes(as_int(buf.address), size)
    if head <= size:
        return raw[:head].decode(errors="replace")
    cut = head % size
    ordered = raw[cut:] + raw[:cut]
    return ordered[ordered.find(b"\n") + 1:].decode(errors="replace")
