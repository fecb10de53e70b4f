#!/usr/bin/env python3
"""The fuzz targets' seed corpora: arch/host/fuzz/corpus/NAME/ (one file per seed).

`python3 arch/host/fuzz/seeds.py` rewrites them all (the files are
committed; run it again after changing a seed here). `--check` only says
whether the tree's files are what this script writes (exit 1 if not).

nfit and acpi start from the tables QEMU gives a guest with one and with
two NVDIMMs: QEMU 7.2's one-DIMM NFIT is checked byte for byte against
qemu_nfit_one_dimm[] in drivers/acpi/tests/nfit_fake.c (read from a guest
with `nfit raw`); the two-DIMM NFIT lists the second DIMM first, as QEMU
does (drivers/acpi/tests/nfit_fuzz_test.c); the sub-tables come from
tests/acpi/nfit_tables.py, whose broken tables are seeds too. The acpi
seeds are whole machines laid out as drivers/acpi/tests/acpi_test.c lays
them (RSDP at the first byte, "physical" address 0x100000): QEMU's ACPI 6
FADT, its MADT for -smp 2, a DSDT with \\_S5_, and the NFIT.
"""

import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
CORPUS = os.path.join(HERE, "corpus")
sys.path.insert(0, os.path.join(REPO, "tests", "acpi"))
import nfit_tables as nt  # noqa: E402

MIB = 1 << 20
PM_BASE = 1 << 32
FAKE_PHYS = 0x100000

# --- tables -----------------------------------------------------------------------------


def checksum_fix(table: bytearray, at: int, length: int):
    table[at] = 0
    table[at] = -sum(table[:length]) & 0xff


def header(sig, length, revision, oem_id=b"BOCHS ", oem_table=b"BXPC    ",
           creator=b"BXPC"):
    return struct.pack("<4sIBB6s8sI4sI", sig, length, revision, 0, oem_id, oem_table, 1,
                       creator, 1)


def table(sig, body, revision=1, **kw):
    t = bytearray(header(sig, 36 + len(body), revision, **kw) + body)
    checksum_fix(t, 9, len(t))
    return bytes(t)


def qemu_dimm(slot, base, size):
    """QEMU's SPA range, memory device map and control region for DIMM `slot`:
    handle slot + 1, SPA index 2 (slot + 1), control region one more, serial
    0x123456 + slot."""
    spa = 2 * (slot + 1)
    return [nt.spa_range(spa, nt.PERSISTENT_MEMORY, base, size, nt.ATTR_WB_NV, flags=3),
            nt.memdev_map(slot + 1, spa_index=spa, control_index=spa + 1, size=size),
            nt.control_region(spa + 1, serial=0x123456 + slot)]


def qemu_nfit(dimms):
    subs = []
    for slot in reversed(range(dimms)):         # QEMU lists the last DIMM first
        subs += qemu_dimm(slot, PM_BASE + slot * 256 * MIB, 256 * MIB)
    return table(b"NFIT", bytes(4) + b"".join(subs))


def every_type_nfit():
    """Every sub-table type, all valid (nfit_fuzz_test.c's build_rich())."""
    spa = nt.spa_range(1, nt.PERSISTENT_MEMORY, PM_BASE, 512 * MIB, nt.ATTR_WB_NV, flags=3)
    m0 = nt.memdev_map(0x10, spa_index=1, control_index=2, size=256 * MIB,
                       interleave_index=1, ways=2)
    m1 = nt.memdev_map(0x11, spa_index=1, control_index=3, size=256 * MIB,
                       interleave_index=1, ways=2)
    interleave = struct.pack("<HHHHIIII", 2, 24, 1, 0, 2, 4096, 0, 1)
    d0 = nt.control_region(2, serial=0xa0)[:32]
    d0 = d0[:2] + struct.pack("<H", 32) + d0[4:]
    d1 = bytearray(nt.control_region(3, serial=0xa1))
    d1[30:32] = struct.pack("<H", 1)            # one block control window
    bdw = struct.pack("<HHHHQQQQ", 5, 40, 2, 1, 0, 0, 0, 0)
    flush = nt.flush_hints(0x10, [0xfee01000, 0xfee02000])
    caps = struct.pack("<HHB3sII", 7, 16, 1, bytes(3), 1, 0)
    smbios = nt.smbios_info(bytes(8))
    vol = nt.spa_range(5, nt.VOLATILE_MEMORY, 0, 256 * MIB, nt.ATTR_WB)
    return table(b"NFIT", bytes(4) + b"".join(
        [spa, m0, m1, interleave, d0, bytes(d1), bdw, flush, caps, smbios, vol]))


def c_array(path, name):
    """The bytes of `const uint8_t NAME[...] = { ... };` in a C file."""
    with open(path) as f:
        text = f.read()
    m = re.search(name + r"\[\d*\]\s*=\s*\{(.*?)\};", text, re.S)
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    return bytes(int(x, 16) for x in re.findall(r"0x[0-9a-fA-F]+", body))


# --- whole machines (acpi) -------------------------------------------------------------

OFF = {"RSDP": 0x000, "XSDT": 0x040, "RSDT": 0x0c0, "FACP": 0x100, "APIC": 0x240,
       "DSDT": 0x340, "SSDT": 0x380, "NFIT": 0x400}
S5_ZEROS = bytes([0x08]) + b"_S5_" + bytes([0x12, 0x06, 0x04, 0, 0, 0, 0])
S5_BYTES = bytes([0x08]) + b"_S5_" + bytes([0x12, 0x06, 0x02, 0x0a, 0x05, 0x0a, 0x06])


def phys(name):
    return FAKE_PHYS + OFF[name]


def rsdp(revision, xsdt, rsdt):
    r = bytearray(struct.pack("<8sB6sBIIQB3s", b"RSD PTR ", 0, b"BOCHS ", revision, rsdt,
                              36 if revision >= 2 else 0, xsdt, 0, bytes(3)))
    checksum_fix(r, 8, 20)
    if revision >= 2:
        checksum_fix(r, 32, 36)
    return bytes(r if revision >= 2 else r[:20])


def gas(space, width, access, address):
    return struct.pack("<BBBBQ", space, width, 0, access, address)


def facp():
    """An ACPI 6 FADT as QEMU fills it: PM1a_CNT at port 0x604 (X_ and 32-bit
    fields), the reset register port 0xcf9 value 6, the DSDT both ways."""
    f = bytearray(276 - 36)
    struct.pack_into("<I", f, 40 - 36, phys("DSDT"))
    struct.pack_into("<H", f, 46 - 36, 9)                 # SCI
    struct.pack_into("<I", f, 64 - 36, 0x604)             # PM1a_CNT_BLK
    f[89 - 36] = 2                                        # PM1_CNT_LEN
    struct.pack_into("<I", f, 112 - 36, 1 << 10)          # RESET_REG_SUP
    f[116 - 36:128 - 36] = gas(1, 8, 1, 0xcf9)
    f[128 - 36] = 6
    struct.pack_into("<Q", f, 140 - 36, phys("DSDT"))     # X_DSDT
    f[172 - 36:184 - 36] = gas(1, 16, 2, 0x604)           # X_PM1a_CNT_BLK
    return table(b"FACP", bytes(f), revision=6)


def apic():
    """QEMU's MADT for -smp 2: two CPUs, one IOAPIC, two overrides, LINT1 NMI."""
    body = struct.pack("<II", 0xfee00000, 1)
    body += struct.pack("<BBBBI", 0, 8, 0, 0, 1) + struct.pack("<BBBBI", 0, 8, 1, 1, 1)
    body += struct.pack("<BBBBII", 1, 12, 0, 0, 0xfec00000, 0)
    body += struct.pack("<BBBBIH", 2, 10, 0, 0, 2, 0)
    body += struct.pack("<BBBBIH", 2, 10, 0, 9, 9, 0xd)
    body += struct.pack("<BBBHB", 4, 6, 0xff, 0, 1)
    return table(b"APIC", body, revision=5)


def machine(nfit=None, acpi1=False, ssdt=False):
    arena = bytearray(OFF["NFIT"] + (len(nfit) if nfit else 0))
    listed = ["FACP", "APIC"] + (["SSDT"] if ssdt else []) + (["NFIT"] if nfit else [])

    def put(name, data):
        arena[OFF[name]:OFF[name] + len(data)] = data

    put("FACP", facp())
    put("APIC", apic())
    put("DSDT", table(b"DSDT", S5_BYTES if ssdt else S5_ZEROS, revision=2))
    if ssdt:
        put("SSDT", table(b"SSDT", S5_ZEROS, revision=2))
    if nfit:
        put("NFIT", nfit)
    if acpi1:
        put("RSDT", table(b"RSDT", b"".join(struct.pack("<I", phys(n)) for n in listed)))
        put("RSDP", rsdp(0, 0, phys("RSDT")))
    else:
        put("XSDT", table(b"XSDT", b"".join(struct.pack("<Q", phys(n)) for n in listed)))
        put("RSDP", rsdp(2, phys("XSDT"), 0))
    return bytes(arena)


# --- the corpora ---------------------------------------------------------------------------


def seeds():
    one, two = qemu_nfit(1), qemu_nfit(2)
    known = c_array(os.path.join(REPO, "drivers/acpi/tests/nfit_fake.c"), "qemu_nfit_one_dimm")
    if one != known:
        raise SystemExit("seeds.py: QEMU's one-DIMM NFIT is not qemu_nfit_one_dimm[] of "
                         "drivers/acpi/tests/nfit_fake.c")
    bad_len, bad_ranges = nt.bad_nfit_length(), nt.bad_nfit_ranges()
    long_line = "x" * 300 + "\r" + "y" * 260 + "\x7f\r"
    return {
        "nfit": {
            "qemu-one-dimm": one,
            "qemu-two-dimms": two,
            "every-type": every_type_nfit(),
            "bad-nfit-length": bad_len,
            "bad-nfit-ranges": bad_ranges,
            "qemu-and-bad-ranges": one + bad_ranges,     # two tables, as in a bad-NFIT boot
        },
        "acpi": {
            "qemu-one-dimm": machine(one),
            "qemu-two-dimms": machine(two),
            "acpi1-rsdt": machine(acpi1=True),
            "ssdt-s5-and-bad-nfit": machine(bad_len, ssdt=True),
        },
        "cmdline": {
            "readme": b'ktest=mm.*,percpu_ref* shell=off loglevel=7 quiet "key=a b"',
            "quoted": b'key="a b" x= flag "a=b=c" shell=on shell=no\0shell',
            "unterminated": b'ktest=* "open',
            "empty-key": b"a =b",
            "bools": b"quiet=yes shell=1 x=true y=off z=0 w=maybe\0w",
        },
        "number": {"n%02d" % i: n.encode() for i, n in enumerate([
            "0", "4096", "0x1000", "0X10", "16M", "1G", "2k", "007", "0x",
            "18446744073709551615", "18446744073709551616", "0xffffffffffffffff",
            "17179869183G", "17179869184G", "12abc", "1.5"])},
        "glob": {
            "suite": b"mm.*\0mm.percpu_ref",
            "question": b"*ref?\0percpu_ref1",
            "stars": b"a*b*c\0aXbYbZc",
            "no-match": b"lib.ktest.selftest.*\0lib.ktest",
        },
        "shell_line": {
            "help": b"help\r",
            "crlf": b"pmem read pmem0 0\r\nversion\n",
            "history": b"ls\rcat x\r\x1b[A\x1b[A\x1b[B\r\x1bOA\r",
            "editing": b"abc\x7f\x08d\x15ef\x03gh\r",
            "quotes": b'echo "a b" c "unterminated\r',
            "too-long": long_line.encode(),
            "escapes": b"\x1b[2 qa\x1b[1;5Cb\x1bxc\x1b\r",
            "many-words": (" ".join("w%d" % i for i in range(20)) + "\r").encode(),
        },
    }


def main(argv):
    check = "--check" in argv
    stale = []
    for target, files in seeds().items():
        folder = os.path.join(CORPUS, target)
        os.makedirs(folder, exist_ok=True)
        for name, data in files.items():
            path = os.path.join(folder, name)
            old = open(path, "rb").read() if os.path.exists(path) else None
            if old == data:
                continue
            if check:
                stale.append(os.path.relpath(path, REPO))
            else:
                with open(path, "wb") as f:
                    f.write(data)
    if stale:
        print("seeds.py: stale or missing: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
