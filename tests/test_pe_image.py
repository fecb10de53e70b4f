"""Tests of the loader's PE image (build/BOOTX64.EFI) with tests/pe_image.py.

The first case checks the image `make` built against the ELF it came from.
The others prove the checker can fail: each damages a copy of that image
(or rebuilds it with objcopy leaving a section out) and expects the one
problem it made to be named.

Needs the build (make loader); OBJCOPY names the objcopy to use (default
objcopy, as in the Makefile).
"""

import os
import shutil
import struct
import subprocess
import tempfile
import unittest

import pe_image

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(os.path.dirname(HERE), "build")
EFI = os.path.join(BUILD, "BOOTX64.EFI")
ELF = os.path.join(BUILD, "boot", "loader.so")
OBJCOPY = os.environ.get("OBJCOPY", "objcopy")


def image_bytes():
    with open(EFI, "rb") as f:
        return bytearray(f.read())


def section_header_offset(data, name):
    """File offset of the named section's 40-byte header."""
    (pe_off,) = struct.unpack_from("<I", data, 0x3c)
    nsect, = struct.unpack_from("<H", data, pe_off + 6)
    opt_size, = struct.unpack_from("<H", data, pe_off + 20)
    first = pe_off + 24 + opt_size
    for i in range(nsect):
        off = first + 40 * i
        if data[off:off + 8].rstrip(b"\0").decode() == name:
            return off
    raise KeyError(name)


class LoaderImage(unittest.TestCase):
    def setUp(self):
        if not (os.path.exists(EFI) and os.path.exists(ELF)):
            self.fail(f"{EFI} or {ELF} not built (run `make loader`)")
        self.tmp = tempfile.mkdtemp(prefix="zdk-pe-test-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def problems_of(self, data):
        path = os.path.join(self.tmp, "damaged.efi")
        with open(path, "wb") as f:
            f.write(data)
        return pe_image.problems(path, ELF)

    def rebuilt_without(self, section):
        """The image made again by objcopy from loader.so with every section
        the real image has, less one."""
        kept = [s.name for s in pe_image.read_pe(bytes(image_bytes())).sections
                if s.name != section]
        out = os.path.join(self.tmp, f"without{section}.efi")
        cmd = [OBJCOPY] + [arg for name in kept for arg in ("-j", name)] + \
              ["--target", "efi-app-x86_64", "--subsystem=10", ELF, out]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return pe_image.problems(out, ELF)

    def assertNamed(self, problems, text):
        self.assertTrue(any(text in p for p in problems),
                        f"no problem mentions {text!r}: {problems}")

    def test_built_image_is_sound(self):
        """the image make built has no problem, headers and ELF alike"""
        self.assertEqual(pe_image.problems(EFI, ELF), [])

    def test_missing_data_section_is_named(self):
        """an image built without .data names the section and the dangling relocations"""
        found = self.rebuilt_without(".data")
        self.assertNamed(found, "ELF section .data")
        self.assertNamed(found, "outside the image's sections")

    def test_missing_rodata_section_is_named(self):
        """an image built without a separate .rodata (gnu-efi >= 3.0.18) names it"""
        if ".rodata" not in [s.name for s in pe_image.read_pe(bytes(image_bytes())).sections]:
            self.skipTest("this gnu-efi keeps .rodata inside .data")
        self.assertNamed(self.rebuilt_without(".rodata"), "ELF section .rodata")

    def test_unaligned_section_is_named(self):
        """a section moved off its page boundary is refused"""
        data = image_bytes()
        off = section_header_offset(data, ".data")
        vaddr, = struct.unpack_from("<I", data, off + 12)
        struct.pack_into("<I", data, off + 12, vaddr + 0x10)
        self.assertNamed(self.problems_of(data), "not aligned to SectionAlignment")

    def test_writable_code_is_named(self):
        """a section both writable and executable is refused"""
        data = image_bytes()
        off = section_header_offset(data, ".text")
        flags, = struct.unpack_from("<I", data, off + 36)
        struct.pack_into("<I", data, off + 36, flags | pe_image.SCN_MEM_WRITE)
        self.assertNamed(self.problems_of(data), "both writable and executable")

    def test_wrong_subsystem_is_named(self):
        """an image that is not an EFI application is refused"""
        data = image_bytes()
        (pe_off,) = struct.unpack_from("<I", data, 0x3c)
        struct.pack_into("<H", data, pe_off + 24 + 68, 3)     # Windows console
        self.assertNamed(self.problems_of(data), "not an EFI application")

    def test_bad_relocation_block_is_named(self):
        """a base-relocation block with an odd size is refused"""
        data = image_bytes()
        img = pe_image.read_pe(bytes(data))
        rva, size = img.directories[pe_image.DIR_BASERELOC]
        if not size:
            self.skipTest("the image has no base relocations")
        holder = img.section_at(rva)
        struct.pack_into("<I", data, holder.raw_ptr + rva - holder.vaddr + 4, 9)
        self.assertNamed(self.problems_of(data), "size 9 is invalid")


if __name__ == "__main__":
    unittest.main()
