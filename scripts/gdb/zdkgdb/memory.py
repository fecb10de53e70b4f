"""Reading the guest: its memory, the kernel's symbols (file-scope statics
too), values, strings, types and enums from DWARF, the direct map."""

import gdb

from .errors import ZdkError
from .layout import DIRECT_MAP_BASE, PAGE_SIZE

U64 = (1 << 64) - 1


def inferior():
    """The inferior gdb is attached to; ZdkError when there is none."""
    inf = gdb.selected_inferior()
    if inf is None or inf.pid == 0 or not inf.threads():
        raise ZdkError("no target: connect first (target remote 127.0.0.1:1234)")
    return inf


def read_bytes(addr, size):
    """size bytes of guest memory at virtual address addr."""
    try:
        return bytes(inferior().read_memory(addr, size))
    except gdb.MemoryError:
        raise ZdkError(f"cannot read {size} bytes at {addr:#x} (not mapped?)") from None


def read_u64(addr):
    return int.from_bytes(read_bytes(addr, 8), "little")


def signed64(value):
    value &= U64
    return value - (1 << 64) if value >> 63 else value


def phys_to_virt(phys):
    """Where the direct map shows physical address phys."""
    return DIRECT_MAP_BASE + phys


def kernel_symbol(name, file=None):
    """A kernel variable: 'file'::name for a file-scope static, else name."""
    if file:
        try:
            return gdb.parse_and_eval(f"'{file}'::{name}")
        except gdb.error:
            pass
    try:
        return gdb.parse_and_eval(name)
    except gdb.error:
        raise ZdkError(f"no symbol {name} in the kernel gdb has loaded "
                       "(file build/kernel.elf?)") from None


def as_int(value):
    """A gdb.Value of integer, enum, bool or pointer type as a Python int."""
    if value.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
        return int(value.cast(gdb.lookup_type("unsigned long")))
    return int(value)


def value_at(addr, type_name):
    """The object of type `type_name` at addr, as a gdb.Value."""
    return gdb.Value(addr).cast(gdb.lookup_type(type_name).pointer()).dereference()


def c_string(pointer, default="?", limit=64):
    """The string a char * points to (at most limit bytes), default if the
    pointer is NULL or unreadable. Read up to the end of its page first, so
    a short string at the end of a mapping is still readable."""
    addr = as_int(pointer)
    if addr == 0:
        return default
    text = b""
    while len(text) < limit and b"\0" not in text:
        chunk = min(limit - len(text), PAGE_SIZE - (addr + len(text)) % PAGE_SIZE)
        try:
            text += read_bytes(addr + len(text), chunk)
        except ZdkError:
            return default if not text else text.decode(errors="replace")
    return text.split(b"\0")[0].decode(errors="replace")


def string_array(value):
    """A static const char *const names[] as a Python list."""
    first, last = value.type.range()
    return [c_string(value[i]) for i in range(first, last + 1)]


def enum_values(type_name):
    """{NAME: value} of a C enum, from the kernel's debug information."""
    try:
        fields = gdb.lookup_type(type_name).fields()
    except gdb.error:
        raise ZdkError(f"no type {type_name} in the kernel's debug information") from None
    return {f.name: f.enumval for f in fields}


def enum_names(type_name, prefix):
    """{value: name} of the enumerators named prefix..., prefix dropped, lower case."""
    return {v: n[len(prefix):].lower() for n, v in enum_values(type_name).items()
            if n.startswith(prefix)}


def field_offset(type_name, field):
    return gdb.lookup_type(type_name)[field].bitpos // 8
