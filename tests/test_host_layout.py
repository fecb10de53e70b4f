"""Tests of scripts/host-layout and scripts/deps.sh against fake file trees.

Each tree holds what one host release installs where zdk looks: its
os-release, the OVMF images of its firmware package and the files of its
gnu-efi package (empty files, or a qcow2 header where the release ships
qcow2), laid out as the package file lists and spec files say (the
sources are named in scripts/host-layout). host-layout must find exactly
the Makefile's files in each; deps.sh --dry-run, pointed at the tree with
ZDK_ROOT, must choose that host's package manager and name its packages.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
HOST_LAYOUT = os.path.join(REPO, "scripts", "host-layout")
DEPS = os.path.join(REPO, "scripts", "deps.sh")
QCOW2 = b"QFI\xfb" + bytes(60)      # a qcow2 header's start: the magic decides

DEBIAN_OVMF_4M = [f"/usr/share/OVMF/{n}" for n in (
    "OVMF_CODE_4M.fd", "OVMF_CODE_4M.ms.fd", "OVMF_CODE_4M.secboot.fd",
    "OVMF_CODE_4M.snakeoil.fd", "OVMF_VARS_4M.fd", "OVMF_VARS_4M.ms.fd",
    "OVMF_VARS_4M.snakeoil.fd")]
DEBIAN_OVMF_2M = [f"/usr/share/OVMF/{n}" for n in (
    "OVMF_CODE.fd", "OVMF_CODE.ms.fd", "OVMF_CODE.secboot.fd", "OVMF_VARS.fd",
    "OVMF_VARS.ms.fd")]
DEBIAN_GNU_EFI = ["/usr/include/efi/efi.h", "/usr/include/efi/efilib.h",
                  "/usr/include/efi/x86_64/efibind.h", "/usr/include/efi/protocol/efivar.h",
                  "/usr/lib/crt0-efi-x86_64.o", "/usr/lib/elf_x86_64_efi.lds",
                  "/usr/lib/libefi.a", "/usr/lib/libgnuefi.a",
                  "/usr/lib32/crt0-efi-ia32.o", "/usr/lib32/elf_ia32_efi.lds",
                  "/usr/lib32/libefi.a", "/usr/lib32/libgnuefi.a"]
FEDORA_GNU_EFI = ["/usr/include/efi/efi.h", "/usr/include/efi/efilib.h",
                  "/usr/include/efi/x64/efibind.h", "/usr/include/efi/protocol/efivar.h",
                  "/usr/lib/gnuefi/x64/crt0.o", "/usr/lib/gnuefi/x64/efi.lds",
                  "/usr/lib/gnuefi/x64/libefi.a", "/usr/lib/gnuefi/x64/libgnuefi.a"]
FEDORA_OVMF_QCOW2 = [f"/usr/share/edk2/ovmf/{n}" for n in (
    "OVMF_CODE_4M.qcow2", "OVMF_VARS_4M.qcow2", "OVMF_CODE_4M.secboot.qcow2",
    "OVMF_VARS_4M.secboot.qcow2")]
FEDORA_OVMF_RAW = [f"/usr/share/edk2/ovmf/{n}" for n in (
    "OVMF_CODE.fd", "OVMF_VARS.fd", "OVMF_CODE.secboot.fd", "OVMF_VARS.secboot.fd",
    "OVMF.amdsev.fd", "OVMF.inteltdx.fd")]

DEBIAN_FOUND = {
    "OVMF_CODE": "/usr/share/OVMF/OVMF_CODE_4M.fd",
    "OVMF_VARS": "/usr/share/OVMF/OVMF_VARS_4M.fd",
    "OVMF_CODE_FORMAT": "raw", "OVMF_VARS_FORMAT": "raw",
    "EFI_INC": "/usr/include/efi", "EFI_ARCH_INC": "/usr/include/efi/x86_64",
    "EFI_LIB": "/usr/lib", "EFI_CRT0": "/usr/lib/crt0-efi-x86_64.o",
    "EFI_LDS": "/usr/lib/elf_x86_64_efi.lds", "ZDK_HOST": "debian",
}
FEDORA_GNU_EFI_FOUND = {
    "EFI_INC": "/usr/include/efi", "EFI_ARCH_INC": "/usr/include/efi/x64",
    "EFI_LIB": "/usr/lib/gnuefi/x64", "EFI_CRT0": "/usr/lib/gnuefi/x64/crt0.o",
    "EFI_LDS": "/usr/lib/gnuefi/x64/efi.lds", "ZDK_HOST": "fedora",
}

# Each host: its os-release and its files. qcow2 files get a qcow2 header.
HOSTS = {
    "debian12": ('ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n',
                 DEBIAN_OVMF_4M + DEBIAN_OVMF_2M + DEBIAN_GNU_EFI),
    "debian13": ('ID=debian\nVERSION_ID="13"\nVERSION_CODENAME=trixie\n',
                 DEBIAN_OVMF_4M + ["/usr/share/OVMF/OVMF_CODE_4M.secboot.strictnx.fd",
                                   "/usr/share/ovmf/OVMF.fd"] + DEBIAN_GNU_EFI
                 + ["/usr/lib/gnuefi/apps/bltgrid.efi"]),
    "ubuntu2204": ('ID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\n',
                   DEBIAN_OVMF_4M + DEBIAN_GNU_EFI),
    "ubuntu2404": ('ID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n',
                   DEBIAN_OVMF_4M + DEBIAN_GNU_EFI),
    # an Ubuntu 22.04 derivative: its own ID and version, Ubuntu's codename
    "mint21": ('ID=linuxmint\nID_LIKE="ubuntu debian"\nVERSION_ID="21.3"\n'
               'UBUNTU_CODENAME=jammy\n', DEBIAN_OVMF_4M + DEBIAN_GNU_EFI),
    "fedora": ('NAME="Fedora Linux"\nID=fedora\nVERSION_ID=41\n',
               FEDORA_OVMF_RAW + FEDORA_OVMF_QCOW2 + FEDORA_GNU_EFI),
    # only the qcow2 4 MiB builds, and gnu-efi reached through lib64
    "fedora-qcow2-only": ('ID=fedora\nVERSION_ID=43\n', FEDORA_OVMF_QCOW2 + [
        p.replace("/usr/lib/", "/usr/lib64/") for p in FEDORA_GNU_EFI]),
}


def make_tree(root, os_release, files):
    if os_release is not None:
        os.makedirs(os.path.join(root, "etc"), exist_ok=True)
        with open(os.path.join(root, "etc", "os-release"), "w") as f:
            f.write(os_release)
    for path in files:
        full = os.path.join(root, path.lstrip("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(QCOW2 if path.endswith(".qcow2") else b"\0" * 64)


class Trees(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="zdk-host-layout-test-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def tree(self, name, os_release=None, files=()):
        """A fake root: HOSTS[name] if it is one, else the arguments."""
        if name in HOSTS:
            os_release, files = HOSTS[name]
        root = os.path.join(self.tmp, name)
        os.makedirs(root, exist_ok=True)
        make_tree(root, os_release, files)
        return root

    def layout(self, root):
        """host-layout's answers, its stderr and its exit status."""
        done = subprocess.run([sys.executable, HOST_LAYOUT, "--root", root],
                              capture_output=True, text=True, timeout=60)
        values = dict(line.split("=", 1) for line in done.stdout.splitlines())
        return values, done.stderr, done.returncode


class HostLayout(Trees):
    def check_found(self, name, expected):
        values, err, status = self.layout(self.tree(name))
        self.assertEqual((status, err), (0, ""), name)
        self.assertEqual(values, expected, name)

    def test_debian_and_ubuntu_find_the_makefiles_files(self):
        """Debian 12/13 and Ubuntu 22.04/24.04: the plain 4 MiB OVMF and /usr/lib's gnu-efi"""
        for name in ("debian12", "debian13", "ubuntu2204", "ubuntu2404"):
            self.check_found(name, DEBIAN_FOUND)

    def test_fedora_takes_the_4m_qcow2_build_and_gnuefi_x64(self):
        """Fedora: 4 MiB qcow2 before the 2 MiB raw pair; crt0.o and efi.lds in gnuefi/x64"""
        self.check_found("fedora", dict(
            FEDORA_GNU_EFI_FOUND, OVMF_CODE="/usr/share/edk2/ovmf/OVMF_CODE_4M.qcow2",
            OVMF_VARS="/usr/share/edk2/ovmf/OVMF_VARS_4M.qcow2",
            OVMF_CODE_FORMAT="qcow2", OVMF_VARS_FORMAT="qcow2"))

    def test_fedora_qcow2_only_with_gnuefi_under_lib64(self):
        """a Fedora without raw firmware, whose gnu-efi is under /usr/lib64/gnuefi/x64"""
        self.check_found("fedora-qcow2-only", dict(
            FEDORA_GNU_EFI_FOUND, OVMF_CODE="/usr/share/edk2/ovmf/OVMF_CODE_4M.qcow2",
            OVMF_VARS="/usr/share/edk2/ovmf/OVMF_VARS_4M.qcow2",
            OVMF_CODE_FORMAT="qcow2", OVMF_VARS_FORMAT="qcow2",
            EFI_LIB="/usr/lib64/gnuefi/x64", EFI_CRT0="/usr/lib64/gnuefi/x64/crt0.o",
            EFI_LDS="/usr/lib64/gnuefi/x64/efi.lds"))

    def test_older_fedora_compat_names_and_2m_raw(self):
        """Fedora before fc39: 2 MiB raw firmware only, gnu-efi's compat links in /usr/lib64/gnuefi"""
        files = FEDORA_OVMF_RAW + ["/usr/include/efi/efi.h", "/usr/include/efi/x86_64/efibind.h"] + [
            f"/usr/lib64/gnuefi/{n}" for n in ("crt0-efi-x86_64.o", "elf_x86_64_efi.lds",
                                               "libefi.a", "libgnuefi.a")]
        values, err, status = self.layout(self.tree("f38", "ID=fedora\nVERSION_ID=38\n", files))
        self.assertEqual((status, err), (0, ""))
        self.assertEqual(values["OVMF_CODE"], "/usr/share/edk2/ovmf/OVMF_CODE.fd")
        self.assertEqual(values["OVMF_VARS"], "/usr/share/edk2/ovmf/OVMF_VARS.fd")
        self.assertEqual(values["EFI_ARCH_INC"], "/usr/include/efi/x86_64")
        self.assertEqual(values["EFI_CRT0"], "/usr/lib64/gnuefi/crt0-efi-x86_64.o")

    def test_the_format_comes_from_the_bytes_not_the_name(self):
        """a .fd holding a qcow2 image is qcow2; a .qcow2 holding raw bytes is raw"""
        root = self.tree("debian12")
        with open(os.path.join(root, "usr/share/OVMF/OVMF_CODE_4M.fd"), "wb") as f:
            f.write(QCOW2)
        values, _, _ = self.layout(root)
        self.assertEqual((values["OVMF_CODE_FORMAT"], values["OVMF_VARS_FORMAT"]), ("qcow2", "raw"))
        root = self.tree("fedora")
        with open(os.path.join(root, "usr/share/edk2/ovmf/OVMF_VARS_4M.qcow2"), "wb") as f:
            f.write(b"\0" * 64)
        values, _, _ = self.layout(root)
        self.assertEqual((values["OVMF_CODE_FORMAT"], values["OVMF_VARS_FORMAT"]), ("qcow2", "raw"))

    def test_a_code_image_is_taken_only_with_its_own_vars(self):
        """OVMF_CODE_4M.fd without OVMF_VARS_4M.fd: the 2 MiB pair is the match"""
        root = self.tree("debian12")
        os.unlink(os.path.join(root, "usr/share/OVMF/OVMF_VARS_4M.fd"))
        values, _, status = self.layout(root)
        self.assertEqual(status, 0)
        self.assertEqual((values["OVMF_CODE"], values["OVMF_VARS"]),
                         ("/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"))

    def test_secure_boot_code_only_as_a_last_resort_with_empty_vars(self):
        """only .secboot code: taken with the empty variable store, and said; never .ms vars"""
        files = [f"/usr/share/OVMF/{n}" for n in (
            "OVMF_CODE_4M.secboot.fd", "OVMF_CODE_4M.ms.fd", "OVMF_VARS_4M.fd",
            "OVMF_VARS_4M.ms.fd")] + DEBIAN_GNU_EFI
        values, err, status = self.layout(self.tree("sb", 'ID=debian\n', files))
        self.assertEqual(status, 0)
        self.assertEqual((values["OVMF_CODE"], values["OVMF_VARS"]),
                         ("/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
                          "/usr/share/OVMF/OVMF_VARS_4M.fd"))
        self.assertIn("Secure Boot off", err)

    def test_enrolled_or_strictnx_firmware_is_never_taken(self):
        """.ms, .snakeoil and .strictnx images alone count as no firmware"""
        files = [f"/usr/share/OVMF/{n}" for n in (
            "OVMF_CODE_4M.ms.fd", "OVMF_CODE_4M.snakeoil.fd", "OVMF_CODE_4M.secboot.strictnx.fd",
            "OVMF_VARS_4M.ms.fd", "OVMF_VARS_4M.snakeoil.fd")] + DEBIAN_GNU_EFI
        values, err, status = self.layout(self.tree("enrolled", 'ID=debian\n', files))
        self.assertEqual(status, 1)
        self.assertIn("OVMF firmware not found", err)
        self.assertNotIn(".ms", values["OVMF_CODE"] + values["OVMF_VARS"])


class MissingPieces(Trees):
    def test_empty_fedora_names_places_and_packages(self):
        """nothing installed on Fedora: each piece, where it was looked for, the dnf package"""
        values, err, status = self.layout(self.tree("bare", "ID=fedora\n"))
        self.assertEqual(status, 1)
        self.assertEqual(values["OVMF_CODE"], "/usr/share/edk2/ovmf/OVMF_CODE_4M.qcow2")
        self.assertEqual(values["OVMF_CODE_FORMAT"], "qcow2")
        self.assertEqual(values["EFI_CRT0"], "/usr/lib/gnuefi/x64/crt0.o")
        lines = err.splitlines()
        self.assertEqual(len(lines), 3, err)
        ovmf, headers, libs = lines
        self.assertIn("OVMF firmware not found", ovmf)
        self.assertIn("OVMF_CODE_4M.qcow2 + OVMF_VARS_4M.qcow2", ovmf)
        self.assertIn("in /usr/share/edk2/ovmf", ovmf)
        self.assertIn("Fedora package edk2-ovmf: sudo dnf install edk2-ovmf", ovmf)
        self.assertIn("efibind.h in /usr/include/efi/x86_64 or /usr/include/efi/x64", headers)
        self.assertIn("sudo dnf install gnu-efi-devel", headers)
        self.assertIn("crt0.o, efi.lds, libefi.a, libgnuefi.a in /usr/lib/gnuefi/x64", libs)
        self.assertIn("sudo dnf install gnu-efi", libs)
        self.assertNotIn("apt-get", err)

    def test_empty_debian_names_apt_packages(self):
        """nothing installed on Debian: the apt package of each piece"""
        values, err, status = self.layout(self.tree("bare", "ID=debian\n"))
        self.assertEqual(status, 1)
        self.assertEqual(values["OVMF_CODE"], "/usr/share/OVMF/OVMF_CODE_4M.fd")
        self.assertIn("sudo apt-get install ovmf", err)
        self.assertIn("sudo apt-get install gnu-efi", err)
        self.assertNotIn("dnf", err)

    def test_a_partial_gnu_efi_says_what_it_lacks(self):
        """a folder holding some of gnu-efi's files: which it has and which not"""
        root = self.tree("debian12")
        os.unlink(os.path.join(root, "usr/lib/libgnuefi.a"))
        _, err, status = self.layout(root)
        self.assertEqual(status, 1)
        self.assertIn("/usr/lib has crt0-efi-x86_64.o, elf_x86_64_efi.lds, libefi.a "
                      "but not libgnuefi.a", err)

    def test_unknown_host_names_both_families_packages(self):
        """no os-release: both families' package names"""
        _, err, status = self.layout(self.tree("bare"))
        self.assertEqual(status, 1)
        self.assertIn("Debian/Ubuntu ovmf, Fedora edk2-ovmf", err)


# Programs each family's check looks for, and where they live in the tree.
PROGRAMS = ["/usr/bin/" + p for p in (
    "gcc", "ld", "objcopy", "nm", "make", "nasm", "qemu-system-x86_64", "mcopy", "mmd",
    "gdb", "spin", "clang")] + ["/usr/sbin/mkfs.fat", sys.executable]
DEBIAN_EXTRA = ["/usr/include/stdint.h",
                "/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a"]
FEDORA_EXTRA = ["/usr/include/stdint.h", "/usr/lib64/libasan.so.8", "/usr/lib64/libubsan.so.1",
                "/usr/lib64/libtsan.so.2",
                "/usr/lib/clang/19/lib/x86_64-redhat-linux-gnu/libclang_rt.fuzzer.a"]


class Deps(Trees):
    def deps(self, root, **env):
        """deps.sh --dry-run on the tree: (status, stderr)."""
        environ = dict(os.environ, ZDK_ROOT=root, PYTHON=sys.executable)
        for var in ("OVMF_CODE", "OVMF_VARS", "EFI_INC", "EFI_ARCH_INC", "EFI_LIB",
                    "EFI_CRT0", "EFI_LDS", "QEMU", "CROSS_COMPILE", "FUZZ_CC"):
            environ.pop(var, None)
        environ.update(env)
        done = subprocess.run(["/bin/sh", DEPS, "--dry-run"], env=environ,
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(done.stdout, "")
        return done.returncode, done.stderr

    def missing_line(self, err):
        lines = [l for l in err.splitlines() if "missing" in l and "packages" in l]
        self.assertEqual(len(lines), 1, err)
        return lines[0]

    def packages(self, line):
        return line.split("packages: ", 1)[1].split(" (")[0].split()

    def test_debian_12_without_programs_names_apt_packages(self):
        code, err = self.deps(self.tree("debian12"))
        self.assertEqual(code, 1)
        line = self.missing_line(err)
        self.assertTrue(line.startswith("zdk: missing Debian packages: "), line)
        self.assertEqual(self.packages(line), [
            "gcc", "binutils", "libc6-dev", "make", "nasm", "qemu-system-x86", "mtools",
            "dosfstools", "gdb", "spin", "clang", "libclang-rt-dev", "python3"])
        self.assertIn("(run: sudo apt-get install gcc binutils", line)

    def test_ubuntu_says_ubuntu_and_2204_takes_clangs_own_runtime(self):
        for name, runtime, other, label in (
                ("ubuntu2204", "libclang-common-14-dev", "libclang-rt-dev", "Ubuntu"),
                ("ubuntu2404", "libclang-rt-dev", "libclang-common-14-dev", "Ubuntu"),
                ("mint21", "libclang-common-14-dev", "libclang-rt-dev",
                 "Ubuntu-based (linuxmint, jammy)")):
            code, err = self.deps(self.tree(name))
            line = self.missing_line(err)
            self.assertEqual(code, 1)
            self.assertTrue(line.startswith(f"zdk: missing {label} packages: "), line)
            self.assertIn(runtime, self.packages(line), name)
            self.assertNotIn(other, self.packages(line), name)
            self.assertIn("sudo apt-get install", line)

    def test_fedora_without_programs_names_dnf_packages(self):
        code, err = self.deps(self.tree("fedora"))
        self.assertEqual(code, 1)
        line = self.missing_line(err)
        self.assertTrue(line.startswith("zdk: missing Fedora packages: "), line)
        self.assertEqual(self.packages(line), [
            "gcc", "binutils", "glibc-devel", "libasan", "libubsan", "libtsan", "make", "nasm",
            "qemu-system-x86", "mtools", "dosfstools", "gdb", "clang", "compiler-rt", "python3"])
        self.assertIn("(run: sudo dnf install gcc", line)
        self.assertNotIn("apt-get", err)

    def test_bare_fedora_wants_gnu_efi_and_edk2_and_says_where(self):
        code, err = self.deps(self.tree("bare", "ID=fedora\n"))
        self.assertEqual(code, 1)
        wanted = self.packages(self.missing_line(err))
        for pkg in ("gnu-efi-devel", "gnu-efi", "edk2-ovmf"):
            self.assertIn(pkg, wanted)
        self.assertNotIn("ovmf", wanted)
        self.assertIn("zdk: OVMF firmware not found", err)
        self.assertIn("/usr/share/edk2/ovmf", err)

    def test_bare_debian_wants_gnu_efi_and_ovmf(self):
        code, err = self.deps(self.tree("bare", "ID=debian\n"))
        wanted = self.packages(self.missing_line(err))
        self.assertEqual(code, 1)
        self.assertIn("gnu-efi", wanted)
        self.assertIn("ovmf", wanted)
        self.assertNotIn("edk2-ovmf", wanted)

    def test_a_complete_debian_tree_passes_silently(self):
        root = self.tree("debian13")
        make_tree(root, None, PROGRAMS + DEBIAN_EXTRA)
        for path in PROGRAMS:
            os.chmod(os.path.join(root, path.lstrip("/")), 0o755)
        self.assertEqual(self.deps(root), (0, ""))

    def test_a_complete_fedora_tree_passes_and_spin_is_only_a_note(self):
        for name in ("fedora", "fedora-qcow2-only"):
            root = self.tree(name)
            programs = [p for p in PROGRAMS if not p.endswith("/spin")]
            make_tree(root, None, programs + FEDORA_EXTRA)
            for path in programs:
                os.chmod(os.path.join(root, path.lstrip("/")), 0o755)
            code, err = self.deps(root)
            self.assertEqual(code, 0, err)
            self.assertIn("zdk: note: spin not found", err)
            self.assertNotIn("missing", err)

    def test_without_os_release_the_package_manager_decides(self):
        for tool, manager in (("apt-get", "sudo apt-get install"), ("dnf", "sudo dnf install")):
            root = self.tree("no-os-release-" + tool, None, ["/usr/bin/" + tool])
            os.chmod(os.path.join(root, "usr/bin", tool), 0o755)
            line = self.missing_line(self.deps(root)[1])
            self.assertIn(manager, line)
        line = self.missing_line(self.deps(self.tree("neither"))[1])
        self.assertIn("neither apt-get nor dnf", line)

    def test_a_named_file_that_is_missing_is_said(self):
        root = self.tree("debian12")
        code, err = self.deps(root, OVMF_CODE="/opt/none/OVMF_CODE.fd")
        self.assertEqual(code, 1)
        self.assertIn("ovmf", self.packages(self.missing_line(err)))
        self.assertIn("zdk: OVMF_CODE=/opt/none/OVMF_CODE.fd (from make's command line or the "
                      "environment) does not exist", err)


if __name__ == "__main__":
    unittest.main()
