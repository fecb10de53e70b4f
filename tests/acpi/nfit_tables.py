"""Broken NFITs for the bad-NFIT boots of tests/test-all, built byte by byte.

Each table is added with QEMU's -acpitable next to QEMU's own NVDIMM, so the
guest sees two NFITs; the kernel must refuse what is wrong, keep the rest,
keep QEMU's region and go on to PASS. QEMU recomputes the table checksum and
fixes a wrong header length, so those two faults are tested on the host
parser instead (drivers/acpi/tests).

The tables are written here rather than in iasl's data-table language: that
language follows the ACPI version iasl knows (iasl 2025 expects ACPI 6.4's
"Location Cookie" in every SPA range sub-table, iasl 2020 refuses it), and
a compiler repairs exactly the lengths and counts these tables must get
wrong. Layouts: ACPI 6.3, section 5.2.25 (the NFIT), which is what QEMU
emits (a 56-byte SPA range sub-table).

`python3 tests/acpi/nfit_tables.py OUTDIR` writes OUTDIR/NAME.aml for each.
"""

import os
import struct
import sys
import uuid

PERSISTENT_MEMORY = "66f0d379-b4f3-4074-ac43-0d3318b78cdb"
VOLATILE_MEMORY = "7305944f-fdda-44e3-b16c-3f22d252e5d0"
# The persistent-memory GUID with its 16 bytes in text order instead of the
# mixed-endian order GUIDs are stored in: a different GUID, not pmem.
PERSISTENT_MEMORY_BYTE_SWAPPED = "79d3f066-f3b4-7440-ac43-0d3318b78cdb"

ATTR_WB = 0x8
ATTR_WB_NV = 0x8008


def spa_range(index, guid, base, length, attributes, flags=0, proximity=0):
    """System physical address range (type 0, 56 bytes)."""
    return struct.pack("<HHHHII16sQQQ", 0, 56, index, flags, 0, proximity,
                       uuid.UUID(guid).bytes_le, base, length, attributes)


def memdev_map(handle, spa_index, control_index, size, offset=0, dpa=0,
               interleave_index=0, ways=1, flags=0):
    """Memory device to SPA range map (type 1, 48 bytes)."""
    return struct.pack("<HHIHHHHQQQHHHH", 1, 48, handle, 0, 0, spa_index, control_index,
                       size, offset, dpa, interleave_index, ways, flags, 0)


def smbios_info(data):
    """SMBIOS management information (type 3): a header and raw data."""
    return struct.pack("<HHI", 3, 8 + len(data), 0) + data


def control_region(index, serial, vendor=0x8086, device=1, revision=1, code=0x0301):
    """NVDIMM control region (type 4, 80 bytes), no block windows."""
    return struct.pack("<HHHHHHHHHBBHHIHHQQQQQH6s", 4, 80, index, vendor, device, revision,
                       0, 0, 0, 0, 0, 0, 0, serial, code, 0, 0, 0, 0, 0, 0, 0, bytes(6))


def flush_hints(handle, addresses):
    """Flush hint address (type 6): 16 bytes and 8 per hint."""
    return struct.pack("<HHIH6s", 6, 16 + 8 * len(addresses), handle, len(addresses),
                       bytes(6)) + b"".join(struct.pack("<Q", a) for a in addresses)


def nfit(oem_table_id, subtables, patches=()):
    """The whole table: header, 4 reserved bytes, the sub-tables; then each
    patch (offset, width in bytes, value) written over it, then the checksum."""
    body = bytes(4) + b"".join(subtables)
    table = bytearray(struct.pack("<4sIBB6s8sI4sI", b"NFIT", 36 + len(body), 1, 0,
                                  b"ZDKTST", oem_table_id.encode().ljust(8), 1, b"ZDK ", 1)
                      + body)
    for offset, width, value in patches:
        if offset + width > len(table):
            raise ValueError(f"{oem_table_id}: patch at {offset:#x} is past the table's "
                             f"{len(table)} bytes")
        table[offset:offset + width] = value.to_bytes(width, "little")
    table[9] = -sum(table) & 0xff
    return bytes(table)


def bad_nfit_length():
    """Sub-table lengths and counts that lie.

      0x028  SPA range 10, volatile, 0x180000000 + 64 MiB   valid, makes no region
      0x060  memory device map, handle 0x10                  48 bytes, says 64: the
             walk goes on 64 bytes later, past the SMBIOS sub-table
      0x090  SMBIOS information, 8 bytes of data             skipped by the bad length
      0x0a0  control region 11, serial 0xbad1                valid
      0x0f0  flush hint address, handle 0x10, 1 hint         says 3 hints

    Expected: "refused: length 64, expected 48" for the map and "refused:
    hint count 3 needs 40 bytes, the length is 24" for the hints.
    """
    return nfit("BADLEN", [
        spa_range(10, VOLATILE_MEMORY, 0x180000000, 64 << 20, ATTR_WB),
        memdev_map(0x10, spa_index=10, control_index=11, size=64 << 20),
        smbios_info(bytes.fromhex("1122334455667788")),
        control_region(11, serial=0xbad1),
        flush_hints(0x10, [0xfee01000]),
    ], patches=[(0x62, 2, 64), (0xf8, 2, 3)])


def bad_nfit_ranges():
    """SPA ranges and references wrong in every way a table can carry.

    No range may overlap QEMU's NVDIMM at 4 GiB: whichever NFIT came first
    would keep it, and the real region could be the one refused.

      0x028  SPA range 20, PM, 0x10000000 + 16 MiB     overlaps RAM: refused
      0x060  SPA range 21, PM, 0x190000000 + 0         empty: refused
      0x098  SPA range 22, PM, 0x1a0000800 + 1 MiB     not 4 KiB aligned: refused
      0x0d0  SPA range 23, the PM GUID byte-swapped    not persistent memory, ignored
      0x108  memory device map 0x20 -> control region 29: missing, refused
      0x138  memory device map 0x21 -> SPA range 28: missing, refused
      0x168  control region 24                         valid
    """
    return nfit("BADRANGE", [
        spa_range(20, PERSISTENT_MEMORY, 0x10000000, 16 << 20, ATTR_WB_NV),
        spa_range(21, PERSISTENT_MEMORY, 0x190000000, 0, ATTR_WB_NV),
        spa_range(22, PERSISTENT_MEMORY, 0x1a0000800, 1 << 20, ATTR_WB_NV),
        spa_range(23, PERSISTENT_MEMORY_BYTE_SWAPPED, 0x1b0000000, 64 << 20, ATTR_WB_NV),
        memdev_map(0x20, spa_index=23, control_index=29, size=16 << 20),
        memdev_map(0x21, spa_index=28, control_index=24, size=16 << 20),
        control_region(24, serial=0xbad2),
    ])


TABLES = {"bad-nfit-length": bad_nfit_length, "bad-nfit-ranges": bad_nfit_ranges}


def write_table(name, out_dir):
    """OUT_DIR/NAME.aml; returns its path. KeyError for an unknown name."""
    data = TABLES[name]()
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name + ".aml")
    with open(path, "wb") as f:
        f.write(data)
    return path


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: nfit_tables.py OUTDIR")
    for table in TABLES:
        print(write_table(table, sys.argv[1]))
