"""pe_image: read the loader's PE image (build/BOOTX64.EFI) and the ELF it
was made from (build/boot/loader.so), and say what a UEFI firmware or the
loader itself would trip over.

How the loader image is made (Makefile): gnu-efi's linker script lays the
loader out as an ELF shared object whose virtual addresses are the image's
offsets, and objcopy turns the sections named with -j into PE sections.
Any section left out is simply missing from the image: nothing warns.
That is what happened with gnu-efi 3.0.18, whose linker script gives
.rodata an output section of its own (3.0.15 put it inside .data): the
image ran with its strings and constant tables zeroed, and every firmware,
old or new, reported the loader's own early failure as "Invalid Parameter".

So the checks here are of two kinds:
  - the PE headers and sections, as the UEFI spec and EDK2's PE loader
    read them (PE32+ for x86-64, an EFI application, sections aligned to
    SectionAlignment, in order, inside SizeOfImage and the file, the entry
    point in executable code, the base-relocation directory inside .reloc
    with well-formed blocks, no section both writable and executable);
  - the image against its ELF: every allocated ELF section with contents
    that the loader uses at run time is in the image at the same address
    with the same bytes, and every R_X86_64_RELATIVE relocation that
    crt0's _relocate applies at start-up (its place and its target) lies
    inside the image's sections.

Standard library only. problems(pe_path, elf_path) returns a list of
strings, empty when the image is sound; `python3 tests/pe_image.py EFI ELF`
prints them and exits 1 if there are any.
"""

import dataclasses
import struct
import sys
from typing import Dict, List, Optional

IMAGE_FILE_MACHINE_AMD64 = 0x8664
PE32_PLUS_MAGIC = 0x20b
SUBSYSTEM_EFI_APPLICATION = 10
DIR_BASERELOC = 5
SCN_MEM_EXECUTE = 0x20000000
SCN_MEM_WRITE = 0x80000000
SCN_CNT_CODE = 0x00000020
REL_BASED_ABSOLUTE = 0          # padding inside a block
REL_BASED_DIR64 = 10

SHF_ALLOC = 0x2
SHT_NOBITS = 8
SHT_RELA = 4
R_X86_64_NONE = 0
R_X86_64_RELATIVE = 8

# Allocated ELF sections the image may leave out: symbol lookup tables for
# a dynamic linker that UEFI does not have, unwind tables nothing reads,
# notes, and the linker script's own bin for what it throws away.
NOT_NEEDED_AT_RUN_TIME = (".hash", ".gnu.hash", ".dynstr", ".eh_frame",
                          ".gcc_except_table", ".note.gnu.build-id",
                          ".ignored.reloc", ".comment")


class ImageError(Exception):
    """The file is not a PE or ELF file of the expected kind at all."""


@dataclasses.dataclass
class PeSection:
    name: str
    vaddr: int
    vsize: int
    raw_size: int
    raw_ptr: int
    flags: int

    @property
    def end(self):
        return self.vaddr + self.vsize


@dataclasses.dataclass
class PeImage:
    data: bytes
    machine: int
    magic: int
    entry: int
    section_alignment: int
    file_alignment: int
    size_of_image: int
    size_of_headers: int
    subsystem: int
    dll_characteristics: int
    directories: List[tuple]
    sections: List[PeSection]

    def section_at(self, rva) -> Optional[PeSection]:
        for s in self.sections:
            if s.vaddr <= rva < s.end:
                return s
        return None

    def bytes_at(self, rva, size) -> Optional[bytes]:
        s = self.section_at(rva)
        if not s or rva + size > s.end:
            return None
        off = rva - s.vaddr
        raw = self.data[s.raw_ptr:s.raw_ptr + min(s.raw_size, s.vsize)]
        chunk = raw[off:off + size]
        return chunk + bytes(size - len(chunk))       # past the raw data: zeros


def read_pe(data: bytes) -> PeImage:
    if len(data) < 0x40 or data[:2] != b"MZ":
        raise ImageError("no MZ header")
    (pe_off,) = struct.unpack_from("<I", data, 0x3c)
    if data[pe_off:pe_off + 4] != b"PE\0\0":
        raise ImageError(f"no PE signature at 0x{pe_off:x}")
    machine, nsect, _, _, _, opt_size, _ = struct.unpack_from("<HHIIIHH", data, pe_off + 4)
    opt = pe_off + 24
    (magic,) = struct.unpack_from("<H", data, opt)
    if magic != PE32_PLUS_MAGIC:
        raise ImageError(f"optional header magic 0x{magic:x}, not PE32+ (0x20b)")
    (entry,) = struct.unpack_from("<I", data, opt + 16)
    sect_align, file_align = struct.unpack_from("<II", data, opt + 32)
    size_of_image, size_of_headers = struct.unpack_from("<II", data, opt + 56)
    subsystem, dll_chars = struct.unpack_from("<HH", data, opt + 68)
    (ndirs,) = struct.unpack_from("<I", data, opt + 108)
    dirs = [struct.unpack_from("<II", data, opt + 112 + 8 * i) for i in range(min(ndirs, 16))]
    sections = []
    for i in range(nsect):
        off = opt + opt_size + 40 * i
        name = data[off:off + 8].rstrip(b"\0").decode(errors="replace")
        vsize, vaddr, raw_size, raw_ptr = struct.unpack_from("<IIII", data, off + 8)
        (flags,) = struct.unpack_from("<I", data, off + 36)
        sections.append(PeSection(name, vaddr, vsize, raw_size, raw_ptr, flags))
    return PeImage(data, machine, magic, entry, sect_align, file_align, size_of_image,
                   size_of_headers, subsystem, dll_chars, dirs, sections)


@dataclasses.dataclass
class ElfSection:
    name: str
    type: int
    flags: int
    addr: int
    offset: int
    size: int
    entsize: int


def read_elf(data: bytes) -> Dict[str, ElfSection]:
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ImageError("not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    raw = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = raw[shstrndx]
    names = data[strtab[4]:strtab[4] + strtab[5]]
    sections = {}
    for name_off, typ, flags, addr, offset, size, _, _, _, entsize in raw[1:]:
        name = names[name_off:names.index(b"\0", name_off)].decode()
        sections[name] = ElfSection(name, typ, flags, addr, offset, size, entsize)
    return sections


def header_problems(pe: PeImage) -> List[str]:
    out = []
    if pe.machine != IMAGE_FILE_MACHINE_AMD64:
        out.append(f"machine 0x{pe.machine:x}, not x86-64 (0x8664)")
    if pe.subsystem != SUBSYSTEM_EFI_APPLICATION:
        out.append(f"subsystem {pe.subsystem}, not an EFI application (10)")
    if pe.section_alignment != 0x1000:
        out.append(f"SectionAlignment 0x{pe.section_alignment:x}, not the page size 0x1000 "
                   "(firmware that protects images by page needs it)")
    if pe.file_alignment < 0x200 or pe.file_alignment & (pe.file_alignment - 1):
        out.append(f"FileAlignment 0x{pe.file_alignment:x}: not a power of two >= 0x200")
    if pe.size_of_image % pe.section_alignment:
        out.append(f"SizeOfImage 0x{pe.size_of_image:x} is not a multiple of SectionAlignment")
    return out


def section_problems(pe: PeImage) -> List[str]:
    out = []
    prev_end = pe.size_of_headers
    for s in pe.sections:
        where = f"section {s.name} at 0x{s.vaddr:x}"
        if s.vaddr % pe.section_alignment:
            out.append(f"{where}: not aligned to SectionAlignment 0x{pe.section_alignment:x}")
        if s.vaddr < prev_end:
            out.append(f"{where}: overlaps the headers or the section before it (ends 0x{prev_end:x})")
        if s.end > pe.size_of_image:
            out.append(f"{where}: ends at 0x{s.end:x}, past SizeOfImage 0x{pe.size_of_image:x}")
        if s.raw_size and s.raw_ptr + s.raw_size > len(pe.data):
            out.append(f"{where}: raw data 0x{s.raw_ptr:x}+0x{s.raw_size:x} past the file's end")
        if s.raw_ptr % pe.file_alignment:
            out.append(f"{where}: file offset 0x{s.raw_ptr:x} not aligned to FileAlignment")
        if s.flags & SCN_MEM_WRITE and s.flags & SCN_MEM_EXECUTE:
            out.append(f"{where}: both writable and executable")
        prev_end = max(prev_end, s.end)
    text = pe.section_at(pe.entry)
    if not text or not text.flags & (SCN_MEM_EXECUTE | SCN_CNT_CODE):
        out.append(f"entry point 0x{pe.entry:x} is not inside an executable section")
    return out


def reloc_problems(pe: PeImage) -> List[str]:
    """The base-relocation directory, block by block (PE spec 'The .reloc
    Section'): each block a page RVA, a size of 8 + 2n bytes, n entries of
    a 4-bit type and a 12-bit offset."""
    if len(pe.directories) <= DIR_BASERELOC:
        return ["no base-relocation directory entry"]
    rva, size = pe.directories[DIR_BASERELOC]
    if not size:
        return []
    holder = pe.section_at(rva)
    if not holder or rva + size > holder.end:
        return [f"base-relocation directory 0x{rva:x}+0x{size:x} is not inside one section"]
    out = []
    blob = pe.bytes_at(rva, size)
    pos = 0
    while pos < size:
        if size - pos < 8:
            out.append(f"base relocations: {size - pos} stray bytes at the end")
            break
        page, block = struct.unpack_from("<II", blob, pos)
        if block < 8 or block % 2 or pos + block > size:
            out.append(f"base-relocation block at +0x{pos:x}: size {block} is invalid")
            break
        for i in range((block - 8) // 2):
            (entry,) = struct.unpack_from("<H", blob, pos + 8 + 2 * i)
            kind, off = entry >> 12, entry & 0xfff
            if kind == REL_BASED_ABSOLUTE:
                continue
            if kind != REL_BASED_DIR64:
                out.append(f"base relocation of type {kind} at 0x{page + off:x}: "
                           "x86-64 images use DIR64 (10) only")
            elif not pe.section_at(page + off) or page + off + 8 > pe.section_at(page + off).end:
                out.append(f"base relocation at 0x{page + off:x} lies outside the sections")
        pos += block
    return out


def elf_problems(pe: PeImage, elf_data: bytes) -> List[str]:
    out = []
    elf = read_elf(elf_data)
    for s in elf.values():
        if not s.flags & SHF_ALLOC or not s.size or s.name in NOT_NEEDED_AT_RUN_TIME:
            continue
        if s.name.startswith(".rela") and s.name != ".rela":
            continue        # .rela.plt and the like: checked entry by entry below
        held = pe.section_at(s.addr)
        if not held or s.addr + s.size > held.end:
            out.append(f"ELF section {s.name} (0x{s.addr:x}+0x{s.size:x}) is missing from the "
                       "image: objcopy was not asked to keep it (-j)")
            continue
        if s.type != SHT_NOBITS:
            want = elf_data[s.offset:s.offset + s.size]
            if pe.bytes_at(s.addr, s.size) != want:
                out.append(f"ELF section {s.name} differs from the image's bytes at 0x{s.addr:x}")
    out += relocation_problems(pe, elf, elf_data)
    return out


MAX_RELOCATIONS_SHOWN = 3


def relocation_problems(pe: PeImage, elf, elf_data: bytes) -> List[str]:
    """crt0's R_X86_64_RELATIVE relocations against the image: the first
    few that miss it, then how many more."""
    out = []
    for s in elf.values():
        if s.type != SHT_RELA or not s.flags & SHF_ALLOC:
            continue
        entsize = s.entsize or 24
        for i in range(s.size // entsize):
            r_offset, r_info, r_addend = struct.unpack_from("<QQq", elf_data, s.offset + i * entsize)
            kind = r_info & 0xffffffff
            if kind == R_X86_64_NONE:
                continue
            if kind != R_X86_64_RELATIVE:
                out.append(f"{s.name}[{i}]: relocation type {kind} at 0x{r_offset:x}: crt0 applies "
                           "R_X86_64_RELATIVE only")
                continue
            if not pe.section_at(r_offset):
                out.append(f"{s.name}[{i}]: relocation at 0x{r_offset:x} lies outside the image's "
                           "sections")
            if not pe.section_at(r_addend) and r_addend != pe.size_of_image:
                out.append(f"{s.name}[{i}]: relocation at 0x{r_offset:x} points to 0x{r_addend:x}, "
                           "outside the image's sections")
    if len(out) > MAX_RELOCATIONS_SHOWN:
        out[MAX_RELOCATIONS_SHOWN:] = [f"... and {len(out) - MAX_RELOCATIONS_SHOWN} more "
                                       "relocations outside the image's sections"]
    return out


def problems(pe_path: str, elf_path: Optional[str] = None) -> List[str]:
    with open(pe_path, "rb") as f:
        pe = read_pe(f.read())
    out = header_problems(pe) + section_problems(pe) + reloc_problems(pe)
    if elf_path:
        with open(elf_path, "rb") as f:
            out += elf_problems(pe, f.read())
    return out


def main(argv):
    if len(argv) not in (1, 2):
        print("usage: pe_image.py BOOTX64.EFI [loader.so]", file=sys.stderr)
        return 2
    try:
        found = problems(*argv)
    except (OSError, ImageError, struct.error) as e:
        print(f"pe_image: {e}", file=sys.stderr)
        return 2
    for p in found:
        print(f"pe_image: {p}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
